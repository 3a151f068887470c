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
