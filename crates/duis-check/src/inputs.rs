//! Turning the command line's paths into inputs, and reading them.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// One thing to check.
#[derive(Clone, Debug)]
pub(crate) enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file, named on the command line or found in a directory.
    File(PathBuf),
    /// A path that could not be listed (missing, unreadable directory): reported in order.
    Unreadable(PathBuf, String),
}

impl Input {
    /// The name shown in output.
    pub(crate) fn display_name(&self) -> String {
        match self {
            Input::Stdin => STDIN.to_owned(),
            // A file that is itself named `<stdin>` is shown as `./<stdin>`, the same file.
            Input::File(path) | Input::Unreadable(path, _) if path.as_os_str() == STDIN => format!("./{STDIN}"),
            Input::File(path) | Input::Unreadable(path, _) => lossless(path),
        }
    }
}

impl Input {
    /// The path as a tool that opens files wants it (CI annotations): as it is, a byte that is
    /// not UTF-8 shown as U+FFFD (such a name cannot be written in UTF-8 text at all).
    pub(crate) fn path_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Input::Stdin => std::borrow::Cow::Borrowed(STDIN),
            Input::File(path) | Input::Unreadable(path, _) => path.to_string_lossy(),
        }
    }
}

/// The name standard input is shown under.
const STDIN: &str = "<stdin>";

/// A path as text, its bytes that are not UTF-8 written as `\xNN` and a backslash as `\\`:
/// `a\xFF.xml` (a byte 0xFF) and `a\\xFF.xml` (a backslash and `xFF`) stay two names (a lossy
/// conversion would show every bad byte as U+FFFD).
fn lossless(path: &std::path::Path) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write as _;
        use std::os::unix::ffi::OsStrExt as _;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "\\\\"));
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02X}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// Expands directories (recursively, files ending in `.xml` in any case, sorted by name so
/// output is deterministic; hidden files and directories, whose names start with `.`, are
/// passed over, as `git` and `ripgrep` do). Files named explicitly are checked whatever their
/// name.
///
/// A directory holding no `.xml` file is an input that cannot be checked (a pipeline pointed
/// at the wrong folder must not pass by checking nothing), as is an entry that cannot be read
/// where a message may be; a broken link or a link loop that names no `.xml` file is only
/// noted. Standard input named twice is a usage error (the second read would see nothing).
pub(crate) fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<Input>> {
    let mut out = Vec::new();
    let mut stdin_seen = false;
    for path in paths {
        if path.as_os_str() == "-" {
            anyhow::ensure!(!stdin_seen, "- (standard input) given twice: it can be read only once");
            stdin_seen = true;
            out.push(Input::Stdin);
        } else if path.is_dir() {
            let before = out.len();
            let walker = walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by(by_name)
                .into_iter()
                .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.path()));
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_file() && is_xml(entry.path()) => {
                        out.push(Input::File(entry.into_path()));
                    }
                    Ok(_) => {}
                    Err(error) => {
                        let at = error.path().unwrap_or(path).to_path_buf();
                        // A link that resolves to nothing (dangling, or a loop of links) can be
                        // neither a message nor a folder of them.
                        let unresolvable = std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
                            && std::fs::metadata(&at).is_err();
                        let broken = error.loop_ancestor().is_some()
                            || unresolvable
                            || error.io_error().is_some_and(|e| e.kind() == io::ErrorKind::NotFound);
                        if broken && !is_xml(&at) {
                            crate::note(format_args!("duis-check: note: {}: skipped: {error}", at.display()));
                        } else {
                            out.push(Input::Unreadable(at, error.to_string()));
                        }
                    }
                }
            }
            if out.len() == before {
                out.push(Input::Unreadable(path.clone(), "no .xml file in this directory".to_owned()));
            }
        } else {
            out.push(Input::File(path.clone()));
        }
    }
    Ok(out)
}

/// Orders the entries of one directory by name, as `sort_by_file_name` does, but without
/// parsing each path into components on every comparison (a third of the time spent walking
/// a folder of 10,000 messages went there, before any could be checked): siblings' paths are
/// their parent's path joined with their names, so comparing the whole paths byte by byte
/// orders them by name.
pub(crate) fn by_name(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    a.path().as_os_str().cmp(b.path().as_os_str())
}

/// A name starting with `.`, whether or not the rest is UTF-8.
pub(crate) fn is_hidden(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.as_encoded_bytes().first() == Some(&b'.'))
}

fn is_xml(path: &Path) -> bool {
    !is_hidden(path) && path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

/// Reads at most `cap` bytes of an input.
pub(crate) fn read(input: &Input, cap: usize) -> anyhow::Result<Vec<u8>> {
    let cap64 = u64::try_from(cap).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    match input {
        Input::Stdin => {
            io::stdin().lock().take(cap64).read_to_end(&mut bytes).context("cannot read standard input")?;
        }
        Input::File(path) => {
            let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
            // `Take` hides the file's size from `read_to_end`, which would then grow the
            // buffer from 32 bytes (eight reads for a 2 kB message). The size is a hint only:
            // the file may change, and the cap still bounds what is read.
            if let Ok(meta) = file.metadata() {
                let hint = meta.len().min(cap64).saturating_add(1);
                // A size hint beyond memory is left to the reads to find out.
                let _ = bytes.try_reserve_exact(usize::try_from(hint).unwrap_or(0));
            }
            file.take(cap64).read_to_end(&mut bytes).with_context(|| format!("{}: cannot read", path.display()))?;
        }
        Input::Unreadable(path, why) => anyhow::bail!("{}: {why}", path.display()),
    }
    Ok(bytes)
}
