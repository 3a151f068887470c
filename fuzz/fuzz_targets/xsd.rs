//! `xsd`: arbitrary text through `duis_xsd::compile`, the XSD-subset compiler. The resolver
//! returns the input for the main document and `None` for anything it imports. Beyond "no
//! panic": a compile error renders with `Display` and points at a line and column inside the
//! text (or at none, line 0, only for a document it could not resolve); a schema that compiles
//! builds a validator that judges a tiny document for each global element, bare and with an
//! `xsi:type` naming each of a few of the schema's types, renders every finding, and is ready
//! for the next document after `finish`.

#![no_main]

use duis_xsd::model::TypeRef;
use duis_xsd::{Attribute, CompileErrorKind, Finding, Validator};
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
                // <local xmlns="ns" xmlns:p=".." xsi:type="p:T">1</local> for a few named types T,
                // and with no xsi:type; spans into that imagined text.
                let types = schema.types.iter().take(4).map(|&t| {
                    let id = match t {
                        TypeRef::Simple(s) => schema.simple_types.get(usize::try_from(s).unwrap()).expect("type").name,
                        TypeRef::Complex(c) => {
                            schema.complex_types.get(usize::try_from(c).unwrap()).expect("type").name
                        }
                    };
                    let type_name = schema.names.get(usize::try_from(id.expect("a listed type is named")).unwrap());
                    let type_name = type_name.expect("type name");
                    let type_ns = schema.namespaces.get(usize::try_from(type_name.ns).unwrap()).expect("namespace");
                    (type_ns.as_ref(), format!("p:{}", type_name.local))
                });
                for xsi_type in std::iter::once(None).chain(types.map(Some)) {
                    let mut findings: Vec<Finding> = Vec::new();
                    let scope = [("p", xsi_type.as_ref().map_or("", |t| t.0))];
                    let attrs = xsi_type.as_ref().map(|t| Attribute {
                        ns: "http://www.w3.org/2001/XMLSchema-instance",
                        local: "type",
                        value: &t.1,
                        span: 2..8,
                    });
                    let namespace = validator.namespace(ns);
                    validator.start_element_in(namespace, ns, &name.local, attrs, &scope, 0..10, &mut findings);
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
    }
});
