//! Unsupported constructs fail to compile, naming the construct and its line:column.

use duis_xsd::{CompileError, CompileErrorKind};

fn compile(body: &str) -> Result<duis_xsd::Schema, CompileError> {
    let xsd = format!(
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:t=\"urn:t\"\n  targetNamespace=\"urn:t\" elementFormDefault=\"qualified\">\n{body}\n</xs:schema>"
    );
    duis_xsd::compile("t.xsd", &|loc| (loc == "t.xsd").then(|| xsd.clone()))
}

fn unsupported(body: &str, construct: &str) {
    let e = compile(body).expect_err(body);
    match &e.kind {
        CompileErrorKind::Unsupported(c) => assert!(c.contains(construct), "{e}"),
        other => panic!("expected Unsupported({construct}), got {other:?}"),
    }
    assert_eq!(e.location.schema, "t.xsd");
    assert!(e.location.line >= 3, "{e}");
}

#[test]
fn constructs_outside_the_subset() {
    unsupported(r#"<xs:redefine schemaLocation="x.xsd"/>"#, "xs:redefine");
    unsupported(r#"<xs:include schemaLocation="x.xsd"/>"#, "xs:include");
    unsupported(r#"<xs:group name="g"><xs:sequence/></xs:group>"#, "xs:group");
    unsupported(r#"<xs:attributeGroup name="g"/>"#, "xs:attributeGroup");
    unsupported(
        r#"<xs:complexType name="T"><xs:all><xs:element name="a" type="xs:int"/></xs:all></xs:complexType>"#,
        "xs:all",
    );
    unsupported(
        r#"<xs:element name="E"><xs:complexType><xs:sequence/></xs:complexType><xs:key name="k"><xs:selector xpath="."/><xs:field xpath="@a"/></xs:key></xs:element>"#,
        "xs:key",
    );
    unsupported(r#"<xs:simpleType name="L"><xs:list itemType="xs:int"/></xs:simpleType>"#, "xs:list");
    unsupported(r#"<xs:simpleType name="U"><xs:union memberTypes="xs:int"/></xs:simpleType>"#, "xs:union");
    unsupported(r#"<xs:element name="E" type="xs:float"/>"#, "xs:float");
    unsupported(r#"<xs:element name="E" type="xs:duration"/>"#, "xs:duration");
    unsupported(r#"<xs:element name="E"/>"#, "xs:anyType");
    unsupported(r#"<xs:element name="E" type="xs:int" nillable="true"/>"#, "nillable");
    unsupported(r#"<xs:element name="E" type="xs:int" substitutionGroup="t:F"/>"#, "substitutionGroup");
    unsupported(r#"<xs:complexType name="T"><xs:anyAttribute/></xs:complexType>"#, "xs:anyAttribute");
    unsupported(
        r#"<xs:complexType name="T"><xs:complexContent><xs:restriction base="t:T"/></xs:complexContent></xs:complexType>"#,
        "xs:restriction",
    );
    unsupported(
        r#"<xs:complexType name="T"><xs:sequence><xs:any namespace="urn:a urn:b"/></xs:sequence></xs:complexType>"#,
        "xs:any namespace",
    );
    unsupported(
        r#"<xs:simpleType name="S"><xs:restriction base="xs:int"><xs:length value="1"/></xs:restriction></xs:simpleType>"#,
        "xs:length",
    );
    unsupported(
        r#"<xs:simpleType name="S"><xs:restriction base="xs:date"><xs:minInclusive value="2020-01-01"/></xs:restriction></xs:simpleType>"#,
        "xs:minInclusive",
    );
}

#[test]
fn error_positions_are_line_and_column() {
    let e = compile(r#"<xs:element name="E" type="xs:float"/>"#).unwrap_err();
    assert_eq!((e.location.line, e.location.column), (3, 1));
    assert_eq!(e.to_string(), "t.xsd:3:1: unsupported XSD construct: built-in type xs:float");
}

#[test]
fn bad_patterns_and_references() {
    let e = compile(r#"<xs:simpleType name="S"><xs:restriction base="xs:string"><xs:pattern value="a**"/></xs:restriction></xs:simpleType>"#).unwrap_err();
    assert!(matches!(e.kind, CompileErrorKind::Pattern { .. }), "{e}");
    let e = compile(r#"<xs:element name="E" type="t:Missing"/>"#).unwrap_err();
    assert!(matches!(e.kind, CompileErrorKind::UnknownReference { kind: "type", .. }), "{e}");
    let e = compile(r#"<xs:import namespace="urn:x" schemaLocation="x.xsd"/>"#).unwrap_err();
    assert_eq!(e.kind, CompileErrorKind::Unresolved("x.xsd".into()));
    let e = compile("<xs:element name='E'").unwrap_err();
    assert!(matches!(e.kind, CompileErrorKind::Xml(_)), "{e}");
}

#[test]
fn ambiguous_content_models_are_rejected() {
    for body in [
        r#"<xs:complexType name="T"><xs:sequence><xs:element name="a" type="xs:int" minOccurs="0"/><xs:element name="a" type="xs:int"/></xs:sequence></xs:complexType>"#,
        r#"<xs:complexType name="T"><xs:choice><xs:element name="a" type="xs:int"/><xs:sequence><xs:element name="a" type="xs:int"/></xs:sequence></xs:choice></xs:complexType>"#,
        r#"<xs:complexType name="T"><xs:sequence><xs:element name="a" type="xs:int" maxOccurs="3"/><xs:element name="a" type="xs:int"/></xs:sequence></xs:complexType>"#,
        r#"<xs:complexType name="T"><xs:sequence><xs:any minOccurs="0"/><xs:element name="a" type="xs:int"/></xs:sequence></xs:complexType>"#,
    ] {
        let e = compile(body).unwrap_err();
        assert!(matches!(e.kind, CompileErrorKind::NotDeterministic(_)), "{e}");
    }
}

/// One particle repeated by its group with counts a greedy counter could misjudge (`(a{2,3})+`
/// accepts 4 `a`s as 2 + 2), or unrolled into copies that compete: legal XSD, outside the
/// subset, refused rather than judged wrongly.
#[test]
fn counts_the_automaton_cannot_tell_apart_are_unsupported() {
    for body in [
        r#"<xs:complexType name="T"><xs:sequence maxOccurs="unbounded"><xs:element name="a" type="xs:int" minOccurs="2" maxOccurs="3"/></xs:sequence></xs:complexType>"#,
        r#"<xs:complexType name="T"><xs:sequence maxOccurs="2"><xs:element name="a" type="xs:int" maxOccurs="2"/></xs:sequence></xs:complexType>"#,
    ] {
        unsupported(body, "counted particle repeated by its group");
    }
    // Counts a greedy counter gets right still compile: a fixed count, or a minimum of one.
    for body in [
        r#"<xs:complexType name="T"><xs:sequence maxOccurs="unbounded"><xs:element name="a" type="xs:int" minOccurs="2" maxOccurs="2"/></xs:sequence></xs:complexType>"#,
        r#"<xs:complexType name="T"><xs:sequence maxOccurs="unbounded"><xs:element name="a" type="xs:int" maxOccurs="3"/></xs:sequence></xs:complexType>"#,
        r#"<xs:complexType name="T"><xs:sequence maxOccurs="unbounded"><xs:element name="a" type="xs:int" minOccurs="2" maxOccurs="unbounded"/></xs:sequence></xs:complexType>"#,
    ] {
        assert!(compile(body).is_ok(), "{body}");
    }
}

#[test]
fn dtd_internal_subset_is_read_not_fetched() {
    let xsd = r#"<?xml version="1.0"?>
<!DOCTYPE schema PUBLIC "-//W3C//DTD XMLSchema 200102//EN" "http://www.w3.org/2001/XMLSchema.dtd" [
  <!ENTITY dsig 'urn:t'>
  <!ENTITY % p ''>
]>
<schema xmlns="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">
  <element name="E" type="string"/>
</schema>"#;
    let s = duis_xsd::compile("d.xsd", &|_| Some(xsd.to_owned())).unwrap();
    assert_eq!(s.globals.len(), 1);
}
