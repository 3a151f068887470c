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

/// The bytes of a hex file (white space ignored), as the RTDS GBCS vectors are written.
pub(crate) fn read_hex(path: &std::path::Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits.chunks(2).map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap()).collect()
}

/// The General Signing APDU inside a GBCS vector: General Ciphering (`DD`, 6 bytes, BER length,
/// 5-byte security header, APDU, 12-byte MAC) is unwrapped; anything else is the APDU.
pub(crate) fn unwrap_general_ciphering(bytes: &[u8]) -> &[u8] {
    if bytes.first() != Some(&0xDD) {
        return bytes;
    }
    let (len, at) = match bytes[7] {
        n @ 0..=0x7F => (usize::from(n), 8),
        0x81 => (usize::from(bytes[8]), 9),
        0x82 => (usize::from(bytes[8]) << 8 | usize::from(bytes[9]), 10),
        other => panic!("length form {other:02X}"),
    };
    assert_eq!(bytes.len(), at + len, "General Ciphering length");
    &bytes[at + 5..at + len - 12]
}
