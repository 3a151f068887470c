//! Turning the command line's paths into inputs, and reading them.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// One thing to check.
#[derive(Debug)]
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
            Input::Stdin => "<stdin>".to_owned(),
            Input::File(path) | Input::Unreadable(path, _) => path.display().to_string(),
        }
    }
}

/// Expands directories (recursively, files ending in `.xml` in any case, sorted by name so
/// output is deterministic). Files named explicitly are checked whatever their name.
///
/// Usage errors: standard input named twice (the second read would see nothing), and a
/// directory holding no `.xml` file (a pipeline pointed at the wrong folder must not pass by
/// checking nothing).
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
            let walker = walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name();
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_file() && is_xml(entry.path()) => {
                        out.push(Input::File(entry.into_path()));
                    }
                    Ok(_) => {}
                    Err(error) => {
                        let at = error.path().unwrap_or(path).to_path_buf();
                        out.push(Input::Unreadable(at, error.to_string()));
                    }
                }
            }
            anyhow::ensure!(out.len() > before, "{}: no .xml file in this directory", path.display());
        } else {
            out.push(Input::File(path.clone()));
        }
    }
    Ok(out)
}

fn is_xml(path: &Path) -> bool {
    let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
    !hidden && path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xml"))
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
            file.take(cap64).read_to_end(&mut bytes).with_context(|| format!("{}: cannot read", path.display()))?;
        }
        Input::Unreadable(path, why) => anyhow::bail!("{}: {why}", path.display()),
    }
    Ok(bytes)
}
