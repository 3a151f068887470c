//! `duis-check`: checks DUIS messages from files, folders or stdin.
//!
//! Exit status: 0 when every input is valid, 1 when at least one is invalid, 2 for a usage or
//! I/O error (which wins over 1). The shape follows ripgrep's `main() -> ExitCode` calling
//! `run() -> anyhow::Result<ExitCode>`.

mod args;
mod config;
mod inputs;
mod output;
mod sarif;
mod sign;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;
use rayon::prelude::*;

use args::{Args, Command, Format};
use inputs::Input;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            // Output that could not be written whole (a reader that went away, `| head`) is
            // an I/O error like any other: success would let a pipeline pass inputs nobody saw
            // judged. Nothing more is said: the reader is gone, and stderr may be too.
            if !is_broken_pipe(&error) {
                note(format_args!("duis-check: {error:#}"));
            }
            ExitCode::from(2)
        }
    }
}

/// Writes a line to stderr, ignoring a stderr that cannot be written (closed, full): the exit
/// status still says what happened, where `eprintln!` would panic.
///
/// The line is one line whatever it quotes: control characters (a line feed in a file name)
/// are escaped as the human format escapes them, so no file name, path in an error or message
/// text can start a line of its own, a CI runner's workflow command (`::stop-commands::`) say.
pub(crate) fn note(line: core::fmt::Arguments<'_>) {
    let text = line.to_string();
    let _ = writeln!(io::stderr().lock(), "{}", output::printable(&text));
}

pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// Help and version go to stdout and must reach it: a failed write is an I/O error (exit 2),
/// as for every other output. Other command-line errors are clap's (usage, exit 2).
fn clap_exit(error: clap::Error) -> anyhow::Result<ExitCode> {
    use clap::error::ErrorKind;
    if !matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = error.print();
        return Ok(ExitCode::from(2));
    }
    if io::stdout().is_terminal() {
        // Styled for a person; a terminal that fails to take it has no one to tell.
        error.print().context("cannot write to standard output")?;
    } else {
        let mut out = io::stdout().lock();
        let text = error.to_string();
        let end = if text.ends_with('\n') { "" } else { "\n" };
        write!(out, "{text}{end}").and_then(|()| out.flush()).context("cannot write to standard output")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn run() -> anyhow::Result<ExitCode> {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => return clap_exit(error),
    };
    if let Some(Command::Sign(sign_args)) = &args.command {
        return sign::run(sign_args);
    }
    if let Some(kind) = args.generate {
        if !args.paths.is_empty() || args.explain.is_some() {
            bail!("--generate prints a man page or a completion script and checks nothing: give it alone");
        }
        return generate(kind);
    }
    if let Some(code) = &args.explain {
        // Nothing is checked with --explain: PATHs beside it would be passed over silently.
        if !args.paths.is_empty() {
            bail!("--explain prints what a code means and checks nothing: give it alone");
        }
        return explain(code);
    }
    // Time is an input: parsed and checked now so scripts fail early on a bad value; the
    // date rules that use it evaluate against this instant.
    let now = match &args.now {
        Some(text) => duis::DateTime::parse_rfc3339(text)
            .with_context(|| format!("--now {text:?}: expected an RFC 3339 time such as 2026-01-01T00:00:00Z"))?,
        None => system_now(),
    };
    if args.paths.is_empty() {
        bail!("no input: give files, folders, or - for standard input (see --help)");
    }

    let mut builder = duis::Validator::builder();
    if let Some(xsd) = &args.schema {
        builder = builder.schema(load_schema(xsd)?);
    }
    // Signatures are verified only against certificates the caller names (DESIGN §6).
    if !args.trust.is_empty() {
        builder = builder.trust(sign::load_trust(&args.trust)?);
    }
    if let Some(path) = &args.parties {
        builder = builder.parties(config::load_parties(path)?);
    }
    if let Some(path) = &args.counters {
        builder = builder.counters(config::open_counters(path)?);
    }
    if let Some(dcc) = args.dcc_identifier {
        builder = builder.dcc_identifier(dcc);
    }
    let issued = args.pre_command.as_deref().map(config::load_pre_command).transpose()?;
    let validator = builder.now(now).build();
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build_global()
            .context("--threads: could not start the thread pool")?;
    }
    let inputs = inputs::expand(&args.paths)?;
    // https://no-color.org: a non-empty NO_COLOR turns colour off.
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let colour = args.format == Format::Human && io::stdout().is_terminal() && !no_colour;
    let progress = progress_bar(&args, inputs.len());

    // Check in parallel, print in input order as soon as each result and all before it are
    // ready. With a counter store the order of acceptance matters (a counter must exceed the
    // last one accepted), so inputs are then checked one by one, in the order given.
    let options = Options { format: args.format, colour, quiet: args.quiet, issued: issued.as_deref() };
    let mut printer = Printer::new(args.format, progress.clone());
    if args.format == Format::Sarif {
        printer.out.write_all(sarif::header(|code| rules_section(code.as_str())).as_bytes())?;
    }
    let printer = std::sync::Mutex::new(printer);
    let room = std::sync::Condvar::new();
    let one = |(index, input): (usize, &Input)| {
        // Output that can no longer be written ends the run: nothing more is checked.
        if printer.lock().map_or(true, |p| p.failed.is_some()) {
            return;
        }
        // A panic would leave a hole in the output order; the library never panics on any
        // input (fuzzed), but a hole would stop every later line.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(input, &validator, &options)))
            .unwrap_or_else(|_| Outcome::Failed {
                input: input.clone(),
                name: input.display_name(),
                message: format!("{}: internal error while checking it; please report the input", input.display_name()),
            });
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        let Ok(mut p) = printer.lock() else { return };
        p.take(index, outcome);
        // A wake-up is a system call: made only when a worker waits for room.
        if p.waiting > 0 {
            room.notify_all();
        }
        // Bounded look-ahead: results finished early wait for an earlier, slower one, but no
        // more than LOOK_AHEAD of them; this worker takes no new input until there is room.
        while p.is_full() && p.failed.is_none() {
            p.waiting += 1;
            p = match room.wait(p) {
                Ok(p) => p,
                Err(_) => return,
            };
            p.waiting -= 1;
        }
    };
    // `par_bridge` hands inputs out in order, so the results waiting for an earlier one stay
    // few and memory follows -j, not the number of inputs.
    if args.counters.is_some() {
        inputs.iter().enumerate().for_each(one);
    } else {
        inputs.iter().enumerate().par_bridge().for_each(one);
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut printer = printer.into_inner().map_err(|_| anyhow::anyhow!("internal error: output lock poisoned"))?;
    if let Some(error) = printer.failed.take() {
        return Err(error.into());
    }
    let Tally { valid, invalid, errors, skipped, store_failed } = printer.tally;
    if args.format == Format::Sarif {
        let footer = sarif::footer(&printer.unreadable, printer.more_unreadable, errors == 0 && !store_failed);
        printer.out.write_all(footer.as_bytes())?;
    }
    printer.out.flush()?;
    // The summary goes to stderr; machine formats whose reader takes stdout alone (json,
    // sarif) keep stderr for what went wrong.
    let summarise = matches!(args.format, Format::Human | Format::Github);
    if summarise && !skipped.is_empty() {
        let skipped: Vec<&str> = skipped.into_iter().collect();
        note(format_args!("note: not checked: {}", skipped.join(", ")));
    }
    if summarise && inputs.len() > 1 {
        note(format_args!("{} checked: {valid} valid, {invalid} invalid, {errors} unreadable", inputs.len()));
    }
    if store_failed {
        note(format_args!("duis-check: the counter store could not be used (counter.unavailable): exit 2"));
    }
    Ok(if errors > 0 || store_failed {
        ExitCode::from(2)
    } else if invalid > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// How many finished results may wait for an earlier input still being checked. Their
/// rendered reports are the memory the run holds beyond the inputs being read: a few hundred
/// bytes each for ordinary messages.
const LOOK_AHEAD: usize = 256;

/// How many bytes of rendered reports may wait, whatever their number: a report with a
/// thousand findings renders to about 1 MB (each schema finding lists what was expected), and
/// one crafted with kilobyte names in every finding to a few MB, so the count alone would let
/// the waiting reports take a gigabyte. A worker whose result pushes the total past this
/// still hands it in, then waits: the bound is this plus one report per worker.
const LOOK_AHEAD_BYTES: usize = 32 * 1024 * 1024;

/// Counts over the run, for the summary and the exit status.
#[derive(Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    errors: usize,
    /// Checks some input skipped, named for the human summary.
    skipped: std::collections::BTreeSet<&'static str>,
    /// The counter store failing (a full disk, say) is an I/O error of the run, not a fault
    /// of the messages: they are reported invalid (never accepted unchecked), and the run
    /// exits 2.
    store_failed: bool,
}

/// Prints results in input order as they arrive from the workers.
struct Printer {
    format: Format,
    /// The index of the next input to print.
    next: usize,
    /// Results that arrived before an earlier one.
    pending: std::collections::BTreeMap<usize, Outcome>,
    /// The rendered size of `pending`.
    pending_bytes: usize,
    /// Block-buffered: line buffering would cost one write per message. Flushed per result
    /// on a terminal, where someone watches.
    out: io::BufWriter<io::Stdout>,
    eager: bool,
    bar: Option<indicatif::ProgressBar>,
    tally: Tally,
    /// The first write that failed (a reader gone away, a full disk): printing stops.
    failed: Option<io::Error>,
    /// SARIF: whether a result has been written (the next is preceded by a comma), and the
    /// inputs that could not be read, for the log's closing invocation (at most
    /// `sarif::MAX_NOTIFICATIONS`, the rest counted).
    sarif_results: bool,
    unreadable: Vec<serde_json::Value>,
    more_unreadable: usize,
    /// Workers waiting for room in the reorder window.
    waiting: usize,
}

impl Printer {
    fn new(format: Format, bar: Option<indicatif::ProgressBar>) -> Printer {
        Printer {
            format,
            next: 0,
            pending: std::collections::BTreeMap::new(),
            pending_bytes: 0,
            out: io::BufWriter::with_capacity(64 * 1024, io::stdout()),
            eager: io::stdout().is_terminal(),
            bar,
            tally: Tally::default(),
            failed: None,
            sarif_results: false,
            unreadable: Vec::new(),
            more_unreadable: 0,
            waiting: 0,
        }
    }

    /// Takes the result for input `index` and prints every result now in order.
    /// The reorder window is full, by count or by bytes: a worker that handed in a result
    /// takes no new input until it is not.
    fn is_full(&self) -> bool {
        self.pending.len() >= LOOK_AHEAD || self.pending_bytes >= LOOK_AHEAD_BYTES
    }

    fn take(&mut self, index: usize, outcome: Outcome) {
        self.pending_bytes = self.pending_bytes.saturating_add(outcome.size());
        self.pending.insert(index, outcome);
        while let Some(outcome) = self.pending.remove(&self.next) {
            self.pending_bytes = self.pending_bytes.saturating_sub(outcome.size());
            self.next = self.next.saturating_add(1);
            if self.failed.is_none() {
                let printed = match self.bar.clone() {
                    Some(bar) => bar.suspend(|| self.print(outcome)),
                    None => self.print(outcome),
                };
                if let Err(error) = printed {
                    self.failed = Some(error);
                }
            }
        }
    }

    fn print(&mut self, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Checked { valid, text, skipped, store_failed, notes } => {
                if valid {
                    self.tally.valid += 1;
                } else {
                    self.tally.invalid += 1;
                }
                self.tally.store_failed |= store_failed;
                self.tally.skipped.extend(skipped.iter().map(|s| match s {
                    duis::Skipped::Eligibility => "eligibility (give --parties)",
                    duis::Skipped::ReplayProtection => "replay protection (give --counters)",
                    duis::Skipped::GbcsSignature => "GBCS signatures of Signed Pre-Commands (give --trust)",
                    duis::Skipped::Clock => "dating against the clock",
                    _ => "a check this version cannot name",
                }));
                if self.format == Format::Sarif && !text.is_empty() {
                    if self.sarif_results {
                        self.out.write_all(b",\n")?;
                    }
                    self.sarif_results = true;
                }
                self.out.write_all(text.as_bytes())?;
                if !notes.is_empty() {
                    self.out.flush()?;
                    for line in notes {
                        note(format_args!("{line}"));
                    }
                }
            }
            Outcome::Failed { input, name, message } => {
                self.tally.errors += 1;
                // Every input gets its JSON line, so a script sees each one it asked for.
                match self.format {
                    Format::Json => self.out.write_all(output::json_unreadable(&name, &message).as_bytes())?,
                    Format::Github => {
                        self.out.write_all(output::github_unreadable(&input.path_text(), &message).as_bytes())?;
                    }
                    Format::Sarif if self.unreadable.len() < sarif::MAX_NOTIFICATIONS => {
                        self.unreadable.push(sarif::notification(&input, &message));
                    }
                    Format::Sarif => self.more_unreadable = self.more_unreadable.saturating_add(1),
                    Format::Human => {}
                }
                self.out.flush()?;
                note(format_args!("duis-check: {}", output::printable(&message)));
            }
        }
        if self.eager {
            self.out.flush()?;
        }
        Ok(())
    }
}

/// What checking one input gave: its rendered report, or why it could not be read.
enum Outcome {
    Checked {
        valid: bool,
        text: String,
        skipped: Vec<duis::Skipped>,
        store_failed: bool,
        notes: Vec<String>,
    },
    /// `input` is kept for the formats that name it by its path (github, sarif).
    Failed {
        input: Input,
        name: String,
        message: String,
    },
}

impl Outcome {
    /// The bytes it holds, for the reorder window's budget.
    fn size(&self) -> usize {
        match self {
            Outcome::Checked { text, notes, .. } => {
                notes.iter().fold(text.len(), |n, note| n.saturating_add(note.len()))
            }
            Outcome::Failed { name, message, .. } => name.len().saturating_add(message.len()),
        }
    }
}

/// How to check and render each input.
struct Options<'a> {
    format: Format,
    colour: bool,
    quiet: bool,
    /// `--pre-command`: the issued Pre-Command to compare Signed Pre-Commands with.
    issued: Option<&'a [u8]>,
}

fn check(input: &Input, validator: &duis::Validator, options: &Options<'_>) -> Outcome {
    // Read one byte past the limit, so an oversized input (even endless stdin) costs at most
    // the limit in memory and still gets its `limit.input-size` finding.
    let cap = validator.limits().max_input_bytes.saturating_add(1);
    let bytes = match inputs::read(input, cap) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Outcome::Failed { input: input.clone(), name: input.display_name(), message: format!("{error:#}") };
        }
    };
    let report = match options.issued {
        Some(issued) => validator.validate_signed_pre_command(&bytes, issued),
        None => validator.validate(&bytes),
    };
    let name = input.display_name();
    let mut notes = Vec::new();
    // Only a Signed Pre-Command is compared with the issued Pre-Command: say so for any other
    // message, or the comparison asked for would seem to have passed.
    if options.issued.is_some() && report.kind() != Some(duis::MessageKind::SignedPreCommand) {
        notes.push(format!(
            "duis-check: note: {}: not a Signed Pre-Command: --pre-command compared nothing",
            output::printable(&name)
        ));
    }
    let text = match options.format {
        Format::Human => output::human(&name, &report, options.colour, options.quiet),
        Format::Json => output::json(&name, &report),
        Format::Github => output::github(&input.path_text(), &report),
        Format::Sarif => sarif::results(&sarif::artifact(input), &report),
    };
    Outcome::Checked {
        valid: report.is_valid(),
        text,
        skipped: report.skipped().to_vec(),
        store_failed: report.has(duis::Code::CounterUnavailable),
        notes,
    }
}

fn progress_bar(args: &Args, count: usize) -> Option<indicatif::ProgressBar> {
    // Only for people: a terminal on stderr, human output, and enough inputs to wait for.
    if args.format != Format::Human || count < 200 || !io::stderr().is_terminal() || !io::stdout().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(u64::try_from(count).unwrap_or(u64::MAX));
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(bar)
}

/// `--generate`: the man page or a completion script, made from the argument definitions so
/// they never fall behind. Rendered into memory first: the generators treat a failed write as
/// a panic, and a closed pipe must be exit 2 like any other output error.
fn generate(kind: args::Generate) -> anyhow::Result<ExitCode> {
    use args::Generate;
    use clap::CommandFactory as _;
    use clap_complete::Shell;
    let mut command = Args::command();
    let mut text = Vec::new();
    let shell = match kind {
        Generate::Man | Generate::ManSign => None,
        Generate::CompleteBash => Some(Shell::Bash),
        Generate::CompleteZsh => Some(Shell::Zsh),
        Generate::CompleteFish => Some(Shell::Fish),
        Generate::CompletePowershell => Some(Shell::PowerShell),
    };
    match shell {
        Some(shell) => {
            clap_complete::generate(shell, &mut command, "duis-check", &mut text);
            if shell == Shell::Bash {
                // clap_complete 4.6 spells the case labels of a hyphenated binary's subcommands
                // `duis__subcmd__check__...` and the name it matches them with
                // `duis__check__...`, so `duis-check sign --<TAB>` offered nothing
                // (clap-rs/clap#6421). The labels are respelled as the name is.
                let script = String::from_utf8_lossy(&text).replace("duis__subcmd__check", "duis__check");
                text = script.into_bytes();
            }
        }
        None => {
            // The main page lists the subcommands as pages of their own (duis-check-sign(1),
            // printed by man-sign); clap's implicit `help` subcommand gets none, so it is left
            // out of the page (`duis-check help` still works).
            let command = command.disable_help_subcommand(true);
            let page = match kind {
                Generate::ManSign => command
                    .find_subcommand("sign")
                    .cloned()
                    .context("internal error: no sign subcommand")?
                    .name("duis-check-sign")
                    .bin_name("duis-check sign")
                    .version(env!("CARGO_PKG_VERSION")),
                _ => command,
            };
            clap_mangen::Man::new(page).render(&mut text)?;
        }
    }
    let mut stdout = io::stdout().lock();
    stdout.write_all(&text).and_then(|()| stdout.flush()).context("cannot write to standard output")?;
    Ok(ExitCode::SUCCESS)
}

fn explain(name: &str) -> anyhow::Result<ExitCode> {
    let Some(code) = duis::Code::from_name(name) else {
        let family = name.split('.').next().unwrap_or(name);
        let related: Vec<&str> =
            duis::Code::ALL.iter().map(|c| c.as_str()).filter(|c| c.starts_with(&format!("{family}."))).collect();
        if related.is_empty() {
            bail!("unknown finding code {name:?}; codes look like request.cv-not-allowed (see docs/rules.md)");
        }
        bail!("unknown finding code {name:?}; the {family} family has: {}", related.join(", "));
    };
    let basis = match code.basis() {
        duis::Basis::Certain => "certain",
        _ => "inferred",
    };
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{code} ({}, {basis})", code.severity())?;
    writeln!(stdout, "clause: {}", code.clause())?;
    writeln!(stdout)?;
    match rules_section(code.as_str()) {
        Some(section) => writeln!(stdout, "{section}")?,
        None => {
            for line in code.explanation().lines() {
                writeln!(stdout, "{}", line.trim())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `docs/rules.md`, built in: `--explain` prints a code's whole section, so the two never say
/// different things.
const RULES: &str = include_str!("../../../docs/rules.md");

/// The text of a code's section in `docs/rules.md`, after its severity line, up to the next
/// heading; `None` if the code has no section (a test keeps every code documented).
fn rules_section(name: &str) -> Option<&'static str> {
    let heading = format!("### `{name}`\n");
    let start = RULES.find(&heading)?.saturating_add(heading.len());
    let rest = RULES.get(start..)?;
    // The severity, basis and clause line is printed above in the terminal's own words.
    let body = rest.trim_start().split_once('\n').map_or("", |(_, body)| body);
    let end = body.find("\n#").unwrap_or(body.len());
    Some(body.get(..end)?.trim())
}

pub(crate) fn system_now() -> duis::DateTime {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    duis::DateTime::from_unix(i64::try_from(since.as_secs()).unwrap_or(i64::MAX), since.subsec_nanos())
}

/// Compiles `--schema FILE.xsd`, reading its imports relative to its folder.
fn load_schema(path: &std::path::Path) -> anyhow::Result<duis::Schema> {
    let main = path.to_string_lossy().into_owned();
    // The compiler joins each import to the location of the document importing it, starting
    // from `main` as given: every location it asks for is a path as it stands.
    let resolve = |location: &str| -> Option<String> {
        let candidate = if location == main { path.to_path_buf() } else { std::path::PathBuf::from(location) };
        config::read_config_text(&candidate, "--schema").ok()
    };
    // The main document's own error (missing, too large, not UTF-8) says what is wrong.
    config::read_config_text(path, "--schema")?;
    duis::Schema::compile(&main, &resolve).map_err(|error| {
        // An import that could not be read: say why (missing, a directory, too large, not
        // UTF-8), as for the main document, not only that it could not be resolved.
        let why = match &error.kind {
            duis::SchemaErrorKind::Unresolved(location) if *location != main => {
                config::read_config_text(std::path::Path::new(location), "--schema import").err()
            }
            _ => None,
        };
        let error = match why {
            Some(why) => anyhow::anyhow!("{error}: {why:#}"),
            None => anyhow::Error::new(error),
        };
        error.context(format!("--schema {}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(bytes: usize) -> Outcome {
        Outcome::Failed { input: Input::Stdin, name: String::new(), message: "x".repeat(bytes) }
    }

    #[test]
    fn the_reorder_window_fills_by_count_or_by_bytes() {
        // Results after the first input, which has not come: they all wait.
        let mut by_bytes = Printer::new(Format::Json, None);
        by_bytes.take(1, failed(LOOK_AHEAD_BYTES / 2));
        assert!(!by_bytes.is_full());
        by_bytes.take(2, failed(LOOK_AHEAD_BYTES / 2));
        assert!(by_bytes.is_full());
        assert_eq!(by_bytes.pending_bytes, LOOK_AHEAD_BYTES);
        let mut by_count = Printer::new(Format::Json, None);
        for index in 1..LOOK_AHEAD {
            by_count.take(index, failed(1));
        }
        assert!(!by_count.is_full());
        by_count.take(LOOK_AHEAD, failed(1));
        assert!(by_count.is_full());
    }
}
