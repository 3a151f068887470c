//! `xsd`: arbitrary text through `duis_xsd::compile`, the XSD-subset compiler. The resolver
//! returns the input for the main document and `None` for anything it imports. Beyond "no
//! panic": a compile error renders with `Display` and points at a line and column inside the
//! text (or at none, line 0, only for a document it could not resolve); a schema that compiles
//! builds a validator that judges a tiny document for each global element, renders every
//! finding, and is ready for the next document after `finish`.

#![no_main]

use duis_xsd::{CompileErrorKind, Finding, Validator};
use libfuzzer_sys::fuzz_target;

const MAIN: &str = "main.xsd";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match duis_xsd::compile(MAIN, &|location| (location == MAIN).then(|| text.to_owned())) {
        Err(error) => {
            let rendered = error.to_string();
            assert!(!rendered.is_empty());
            let _ = format!("{error:?}");
            let location = &error.location;
            if location.line == 0 {
                // Only a document the resolver could not give has no position; it is named.
                assert!(matches!(error.kind, CompileErrorKind::Unresolved(_)), "{error:?}");
                return;
            }
            assert_eq!(location.schema, MAIN, "{error:?}");
            // roxmltree counts rows by '\n' and columns in characters, both from 1; an error at
            // the end of a line (or of the text) is one column past its last character.
            let line = text.split('\n').nth(usize::try_from(location.line - 1).unwrap());
            let line = line.unwrap_or_else(|| panic!("line {} past the end: {error:?}", location.line));
            let columns = line.chars().count() + 1;
            assert!(
                location.column >= 1 && usize::try_from(location.column).unwrap() <= columns,
                "column {} outside line {} ({columns} columns): {error:?}",
                location.column,
                location.line
            );
        }
        Ok(schema) => {
            let _ = format!("{schema:?}");
            let mut validator = Validator::new(&schema);
            for &global in schema.globals.iter().take(8) {
                let Some(element) = schema.elements.get(usize::try_from(global).unwrap()) else {
                    panic!("global {global} names no element");
                };
                let name = schema.names.get(usize::try_from(element.name).unwrap()).expect("element name");
                let ns = schema.namespaces.get(usize::try_from(name.ns).unwrap()).expect("namespace");
                // <local xmlns="ns">1</local>, with spans into that imagined text.
                let mut findings: Vec<Finding> = Vec::new();
                validator.start_element(ns, &name.local, std::iter::empty(), 0..10, &mut findings);
                validator.text("1", 10..11, &mut findings);
                validator.end_element(11..15, &mut findings);
                let valid = validator.finish(15..15, &mut findings);
                assert_eq!(valid, findings.is_empty(), "{findings:?}");
                for finding in &findings {
                    let _ = (finding.to_string(), finding.code(), format!("{finding:?}"));
                    assert!(finding.span.end <= 15, "{finding:?}");
                }
            }
        }
    }
});
