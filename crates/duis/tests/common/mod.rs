//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The repository root.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` beside the repository, where the third-party corpus and the spec tables live.
/// Tests that need it are `#[ignore]`d for users and run by `.ci/run`; when asked for and
/// missing, they fail here rather than skip.
pub(crate) fn shared() -> PathBuf {
    let dir = std::env::var_os("DUIS_SHARED").map_or_else(|| repo_root().join("../shared"), PathBuf::from);
    assert!(
        dir.join("corpus").is_dir() && dir.join("spec").is_dir(),
        "this test needs the shared corpus at {} (set DUIS_SHARED to its folder)",
        dir.display()
    );
    dir
}

/// Every file in `dir` whose name satisfies `keep`, sorted; fails when there are none.
pub(crate) fn files(dir: &std::path::Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {}", dir.display());
    out
}
