//! `duis-check sign`: signs DUIS messages with a User XML-signing key, the DUIS profile
//! (replaces the DCC Boxed Java signing tool; unlike it, never changes the RequestID).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::args::SignArgs;
use crate::config::{MAX_CONFIG_BYTES, read_bounded};

/// Signs every FILE: to standard output, to `--out FILE` (one input), or into `--out DIR`
/// under the input's file name (several inputs). A FILE that cannot be signed is reported and
/// the others are still signed; the exit status is then 2.
pub(crate) fn run(args: &SignArgs) -> anyhow::Result<ExitCode> {
    let cert_bytes = read_bounded(&args.cert, "--cert", MAX_CONFIG_BYTES)?;
    let pem = is_pem(&cert_bytes);
    let cert = if !pem && cert_bytes.first() == Some(&0x30) {
        duis::Certificate::from_der(&cert_bytes)
    } else {
        duis::Certificate::from_pem(&cert_bytes)
    }
    .with_context(|| format!("--cert {}", args.cert.display()))?;
    // Signing still works with a certificate the receiver will refuse: say so now.
    let warn = |why: &str| crate::note(format_args!("duis-check: warning: --cert {}: {why}", args.cert.display()));
    if pem {
        let count = duis::Certificate::all_from_pem(&cert_bytes).len();
        if count > 1 {
            warn(&format!(
                "{count} certificates in the file: signing with the first (serial {}), whose issuer and serial the \
                 signature names",
                cert.serial_decimal()
            ));
        }
    }
    let key_bytes = read_bounded(&args.key, "--key", MAX_CONFIG_BYTES)?;
    let key =
        duis::SigningKey::from_pkcs8_for(&key_bytes, &cert).with_context(|| format!("--key {}", args.key.display()))?;
    if cert.public_key() != Some(key.public_key()) {
        bail!(
            "--key {} does not belong to --cert {}: their public keys differ",
            args.key.display(),
            args.cert.display()
        );
    }
    if let Some(misfit) = cert.misfit() {
        // The receiver refuses the certificate before it looks at the role.
        warn(&format!("{misfit}: the message will be refused ({})", misfit.code()));
    }
    // Which role may sign depends on the message (MP104: a User's 87 for requests, the DCC's
    // 89 for replies, with the DCC's legacy 04 and decimal 137 accepted with a warning): each
    // signed copy is judged below as a receiver holding this certificate would.
    let now = crate::system_now();
    let (from, to) = (cert.not_before(), cert.not_after());
    if from.partial_cmp_xsd(now) == Some(std::cmp::Ordering::Greater) {
        warn(&format!("not valid before {from}: the message will be refused until then (pki.not-yet-valid)"));
    } else if to.partial_cmp_xsd(now) == Some(std::cmp::Ordering::Less) {
        warn(&format!("expired at {to}: the message will be refused (pki.expired)"));
    }
    if args.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        bail!("- (standard input) given twice");
    }
    let to_dir = args.out.as_deref().filter(|out| out.is_dir());
    if args.files.len() > 1 && to_dir.is_none() {
        bail!("several FILEs: give --out an existing directory to write them into");
    }
    // Into a directory, each output is named after its input: two inputs of one name would
    // write one file, the second over the first.
    if to_dir.is_some() {
        let mut names = std::collections::HashSet::new();
        for file in &args.files {
            if file.as_os_str() == "-" {
                bail!("-: standard input has no file name to write under --out DIR");
            }
            let name = file.file_name().with_context(|| format!("{}: no file name", file.display()))?;
            if !names.insert(name) {
                bail!("{}: another FILE has the same name; its signed copy would overwrite one", file.display());
            }
        }
    }
    let mut own = duis::TrustStore::new();
    own.add_der("--cert", cert.der());
    let judge = duis::Validator::builder().trust(own).now(now).build();
    let mut failed = 0usize;
    for file in &args.files {
        if let Err(error) = sign_one(file, &key, &cert, &judge, args.out.as_deref(), to_dir) {
            // Output that can no longer be written ends the run (main says nothing more).
            if crate::is_broken_pipe(&error) {
                return Err(error);
            }
            crate::note(format_args!("duis-check: {}", crate::output::printable(&format!("{error:#}"))));
            failed += 1;
        }
    }
    if failed > 0 {
        if args.files.len() > 1 {
            crate::note(format_args!("duis-check: {failed} of {} FILEs not signed", args.files.len()));
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Signs one FILE and writes it where `--out` says.
fn sign_one(
    file: &Path,
    key: &duis::SigningKey,
    cert: &duis::Certificate,
    judge: &duis::Validator,
    out: Option<&Path>,
    to_dir: Option<&Path>,
) -> anyhow::Result<()> {
    // A message as large as the checker reads, and no larger.
    let max = u64::try_from(duis::Limits::default().max_input_bytes).unwrap_or(u64::MAX);
    let message = if file.as_os_str() == "-" {
        // Standard input, read to the same bound.
        crate::config::read_to_bound(std::io::stdin().lock(), "-", max)?
    } else {
        read_bounded(file, "message", max)?
    };
    let signed = duis::sign(&message, key, cert).with_context(|| format!("{}", file.display()))?;
    for finding in judge.validate(&signed).findings().iter().filter(|f| f.code.family() == "mp104") {
        // A misfit certificate was warned of above; the judge stops at it.
        let outcome = match finding.severity {
            duis::Severity::Error => "the message will be refused",
            _ => "the message will be accepted with a warning",
        };
        crate::note(format_args!(
            "duis-check: warning: {}: {outcome} ({}): {}",
            crate::output::printable(&file.display().to_string()),
            finding.code,
            finding.message()
        ));
    }
    match (out, to_dir) {
        (_, Some(dir)) => {
            let name = file.file_name().with_context(|| format!("{}: no file name", file.display()))?;
            write(&dir.join(name), &signed)
        }
        (Some(out), None) => write(out, &signed),
        (None, None) => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&signed)?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file beside it, then renamed
/// over it. Signing in place on a full disk (or killed half-way) leaves the original message.
/// A symbolic link is followed (its target is rewritten or, if it does not exist yet, made;
/// the link stays), an existing file keeps its permissions (a file with other hard links is
/// replaced under this name only: the other names keep the unsigned message), and a path
/// that is not a regular file (a device, a FIFO, a socket) is written into as it is, never
/// replaced by a file. The temporary file is created exclusively under a random short name
/// (`tempfile`): never through a link planted at a name that could be guessed, and never too
/// long for the file system when the target's own name is long.
fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let context = || format!("{}: cannot write", path.display());
    // `metadata` follows links: what the path finally names.
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = existing.as_ref().filter(|m| !m.is_file()) {
        if meta.is_dir() {
            bail!("{}: is a directory", path.display());
        }
        let mut file = std::fs::OpenOptions::new().write(true).open(path).with_context(context)?;
        return file.write_all(bytes).and_then(|()| file.flush()).with_context(context);
    }
    let target = match existing {
        Some(_) => std::fs::canonicalize(path).with_context(context)?,
        None => dangling_target(path).with_context(context)?,
    };
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".duis-check-").suffix(".tmp");
    // A new file gets the permissions `File::create` would give it (0666 less the umask), not
    // the temporary file's private 0600; an existing one keeps its own.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temporary = builder.tempfile_in(dir).with_context(context)?;
    temporary
        .write_all(bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .and_then(|()| match &existing {
            Some(meta) => temporary.as_file().set_permissions(meta.permissions()),
            None => Ok(()),
        })
        .with_context(context)?;
    // On any failure the temporary file is removed when dropped.
    temporary.persist(&target).map_err(|e| e.error).with_context(context)?;
    Ok(())
}

/// Where a path that names no file yet will be created: a symbolic link that points at a file
/// still to be made is followed (as `File::create` would), so that the link stays; anything
/// else is the path itself. At most 40 links are followed, as Linux does: a loop is an error,
/// as it would be for `File::create`.
fn dangling_target(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        let is_link = std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink());
        let Some(next) = is_link.then(|| std::fs::read_link(&target).ok()).flatten() else { return Ok(target) };
        target = match target.parent() {
            Some(dir) if next.is_relative() => dir.join(next),
            _ => next,
        };
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// PEM text holds an encapsulation boundary; anything else starting with a SEQUENCE is taken
/// as DER. (A PEM file's first byte says nothing: a header line may start with `0`, 0x30.)
fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Adds the certificates of one `--trust` file: DER (it starts with a SEQUENCE) or PEM. A file
/// with neither is noted, never passed over in silence: its certificate would be missing later.
fn add_certificates(store: &mut duis::TrustStore, path: &std::path::Path, bytes: &[u8]) {
    let source = path.display().to_string();
    let issues = store.issues().len();
    if !is_pem(bytes) && bytes.first() == Some(&0x30) {
        store.add_der(&source, bytes);
    } else if store.add_pem(&source, bytes) == 0 && store.issues().len() == issues {
        let shown = crate::output::printable(&source);
        crate::note(format_args!("duis-check: note: --trust {shown}: no certificate in it (neither DER nor PEM)"));
    }
}

/// Loads `--trust` paths: PEM or DER files, and folders searched recursively for `*.pem`, `*.crt`
/// and `*.cer`. A certificate's content never stops loading: the store's notes go to stderr
/// once. A path that cannot be read, or no certificate at all, is a usage error.
pub(crate) fn load_trust(paths: &[std::path::PathBuf]) -> anyhow::Result<duis::TrustStore> {
    let mut store = duis::TrustStore::new();
    for path in paths {
        if path.is_dir() {
            // Hidden folders are passed over, as for inputs; a link to nothing or a folder that
            // cannot be read is noted, and the other certificates still load.
            let walk = walkdir::WalkDir::new(path).follow_links(true).sort_by(crate::inputs::by_name).into_iter();
            let visible = walk.filter_entry(|e| e.depth() == 0 || !crate::inputs::is_hidden(e.path()));
            for entry in visible {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        let at = error.path().unwrap_or(path).display().to_string();
                        let why = error.io_error().map_or_else(|| error.to_string(), ToString::to_string);
                        crate::note(format_args!("duis-check: note: --trust {at}: skipped: {why}"));
                        continue;
                    }
                };
                let is_pem = entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| ["pem", "crt", "cer"].iter().any(|x| e.eq_ignore_ascii_case(x)));
                if entry.file_type().is_file() && is_pem {
                    // A file that cannot be read in a folder is noted like a folder that
                    // cannot be: the other certificates still load (DESIGN §6).
                    match read_bounded(entry.path(), "--trust", MAX_CONFIG_BYTES) {
                        Ok(bytes) => add_certificates(&mut store, entry.path(), &bytes),
                        Err(error) => {
                            let why = format!("{error:#}");
                            let shown = crate::output::printable(&why);
                            crate::note(format_args!("duis-check: note: {shown}: skipped"));
                        }
                    }
                }
            }
        } else {
            let bytes = read_bounded(path, "--trust", MAX_CONFIG_BYTES)?;
            add_certificates(&mut store, path, &bytes);
        }
    }
    // A bundle of 100,000 bad blocks is a few notes and a count, not 100,000 lines.
    const NOTED: usize = 20;
    for issue in store.issues().iter().take(NOTED) {
        crate::note(format_args!("duis-check: note: {issue}"));
    }
    // The store counts a file's refused blocks past its first hundred in one issue.
    let hidden: usize = store
        .issues()
        .iter()
        .skip(NOTED)
        .map(|issue| match &issue.kind {
            duis::LoadIssueKind::More { count } => *count,
            _ => 1,
        })
        .fold(0, usize::saturating_add);
    if hidden > 0 {
        crate::note(format_args!("duis-check: note: --trust: {hidden} more notes like these"));
    }
    if store.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!("--trust {}: no certificate found", names.join(", "));
    }
    Ok(store)
}
