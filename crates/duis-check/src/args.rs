//! Command-line arguments (the contract in DESIGN §5; scripts depend on it).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Check DUIS messages (Service Requests, Signed Pre-Commands, Responses, Alerts) the way the
/// DCC's Service Request Processing does.
///
/// Exit status: 0 every input valid, 1 at least one invalid, 2 usage or I/O error.
#[derive(Debug, Parser)]
#[command(name = "duis-check", version, args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    /// Files, directories (searched recursively for files ending .xml, in any case; hidden
    /// files and folders passed over), or - for standard input (once).
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,

    /// Output format: human (file:line:col and the source line), json (one object per input
    /// per line), github (GitHub Actions annotations) or sarif (one SARIF 2.1.0 log for the
    /// run, for code scanning).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,

    /// Organisation Certificates to trust: a PEM file or a directory of PEM files
    /// (repeatable).
    #[arg(long, value_name = "PATH")]
    pub(crate) trust: Vec<PathBuf>,

    /// Evaluation time, RFC 3339 (default: the system clock).
    #[arg(long, value_name = "RFC3339")]
    pub(crate) now: Option<String>,

    /// Validate against another DUIS schema version.
    #[arg(long, value_name = "XSD")]
    pub(crate) schema: Option<PathBuf>,

    /// Print what a finding code means, and exit.
    #[arg(long, value_name = "CODE")]
    pub(crate) explain: Option<String>,

    /// EUI-64 to User Roles registry, for eligibility checks.
    #[arg(long, value_name = "FILE")]
    pub(crate) parties: Option<PathBuf>,

    /// Persistent replay-protection store; without it each message is judged on its own.
    #[arg(long, value_name = "DB")]
    pub(crate) counters: Option<PathBuf>,

    /// The DCC's EUI-64 (eight hex bytes joined by '-'): the target CV 8 requests must name
    /// and the signer DCC replies must come from. Default: DCC Boxed's
    /// 90-B3-D5-1F-30-00-00-02; give the production DCC's identifier to check production
    /// traffic.
    #[arg(long = "dcc-identifier", value_name = "EUI64")]
    pub(crate) dcc_identifier: Option<duis::Eui64>,

    /// The Pre-Command the DCC issued, to compare a Signed Pre-Command with.
    #[arg(long = "pre-command", value_name = "FILE")]
    pub(crate) pre_command: Option<PathBuf>,

    /// Threads to check inputs with, 1 to 256 (default: one per core). With --counters inputs
    /// are checked one by one whatever this says.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) threads: Option<u16>,

    /// Human format: print nothing for valid inputs without findings.
    #[arg(long, short)]
    pub(crate) quiet: bool,

    /// Print a man page (man: duis-check.1, man-sign: duis-check-sign.1) or a shell
    /// completion script (complete-bash, complete-zsh, complete-fish, complete-powershell) to
    /// standard output, and exit.
    #[arg(long, value_enum, value_name = "KIND")]
    pub(crate) generate: Option<Generate>,

    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// `file:line:col: severity code: message`, then the source line with a caret.
    Human,
    /// One JSON object per input per line.
    Json,
    /// GitHub Actions workflow commands: one `::error file=..,line=..,col=..::` line per
    /// finding, shown as annotations.
    Github,
    /// One SARIF 2.1.0 log for the whole run (code scanning: GitHub, GitLab, Azure DevOps).
    Sarif,
}

/// What `--generate` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Generate {
    /// The roff man page `duis-check.1`.
    Man,
    /// The roff man page `duis-check-sign.1`, for the `sign` subcommand.
    ManSign,
    /// A completion script for bash.
    CompleteBash,
    /// A completion script for zsh.
    CompleteZsh,
    /// A completion script for fish.
    CompleteFish,
    /// A completion script for PowerShell.
    CompletePowershell,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Sign DUIS messages with a User XML-signing key.
    Sign(SignArgs),
}

/// Arguments of `duis-check sign`.
#[derive(Debug, clap::Args)]
pub(crate) struct SignArgs {
    /// PKCS#8 private key (PEM or DER).
    #[arg(long, value_name = "KEY")]
    pub(crate) key: PathBuf,
    /// The key's Organisation Certificate (PEM).
    #[arg(long, value_name = "CERT")]
    pub(crate) cert: PathBuf,
    /// Where to write the signed message (default: standard output), or an existing directory
    /// to write several into, each under its input's file name.
    #[arg(long, value_name = "FILE|DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Messages to sign, or - for standard input.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
}
