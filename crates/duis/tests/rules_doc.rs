//! `docs/rules.md` and the code registry agree: every code has a section with its severity
//! and basis, and every section names a code.

use duis::{Basis, Code};

use crate::common;

#[test]
fn rules_doc_lists_every_code_exactly() {
    let text = std::fs::read_to_string(common::repo_root().join("docs/rules.md")).unwrap();
    let mut documented = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("### `").and_then(|r| r.strip_suffix('`')) else { continue };
        let code = Code::from_name(name).unwrap_or_else(|| panic!("docs/rules.md documents unknown code {name}"));
        let facts = lines.by_ref().find(|l| !l.is_empty()).unwrap();
        let basis = match code.basis() {
            Basis::Certain => "certain",
            _ => "inferred",
        };
        let expected = format!("Severity: {} · Basis: {basis} · Clause: {}", code.severity(), code.clause());
        assert_eq!(facts, expected, "{name}");
        documented.push(code);
    }
    for code in Code::ALL {
        assert_eq!(documented.iter().filter(|c| *c == code).count(), 1, "{code} must be documented once");
    }
}

#[test]
fn every_example_file_exists_and_is_named_for_its_section() {
    let root = common::repo_root();
    let text = std::fs::read_to_string(root.join("docs/rules.md")).unwrap();
    let mut section: Option<&str> = None;
    let mut checked = 0;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("### `").and_then(|r| r.strip_suffix('`')) {
            section = Some(name);
        } else if line.starts_with("## ") {
            section = None;
        }
        for path in line.split('`').skip(1).step_by(2).filter(|p| p.starts_with("testdata/")) {
            assert!(root.join(path).exists(), "docs/rules.md names {path}, which does not exist");
            // An invalid sample is named for the code it gives: its section's.
            if line.starts_with("Example:") && path.starts_with("testdata/invalid/") {
                assert!(section.is_some(), "{path}: an example outside any code's section");
            }
            if let (Some(code), Some(stem)) = (section, path.strip_prefix("testdata/invalid/"))
                && line.starts_with("Example:")
            {
                let named = stem.trim_end_matches(".xml").rsplit('_').next().unwrap();
                assert_eq!(named, code, "{path} is the example of {code}");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} paths");
}
