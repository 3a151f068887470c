//! Regressions found by the `xsd` fuzz target (`fuzz/fuzz_targets/xsd.rs`), one test per crash,
//! named `fuzz_<artifact id>`, with the minimised input inline (the repository tracks no `.xsd`
//! file).

use duis_xsd::CompileErrorKind;

/// A content model that breaks Unique Particle Attribution (an element and an `xs:any` that
/// both match it) was reported with no location (line 0, no schema name); the error now
/// points at the complex type.
#[test]
fn fuzz_be7ddf18() {
    let xsd = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="T">
    <xs:choice><xs:element name="x" type="xs:int"/><xs:any/></xs:choice>
  </xs:complexType>
</xs:schema>
"#
    .to_owned();
    let error = duis_xsd::compile("t.xsd", &|loc| (loc == "t.xsd").then(|| xsd.clone())).unwrap_err();
    assert!(matches!(error.kind, CompileErrorKind::NotDeterministic(_)), "{error:?}");
    assert_eq!((error.location.schema.as_str(), error.location.line, error.location.column), ("t.xsd", 2, 3));
    assert!(error.to_string().starts_with("t.xsd:2:3: content model is not deterministic"), "{error}");
}
