//! `xsi:type` (XSD 1.0 Part 1 §3.3.4 cvc-elt.4, cvc-type.2): the value is an `xs:QName`
//! resolved against the namespace declarations in scope, naming a type derived from the
//! declared one, against which the element is then validated. Each verdict here was checked
//! with `xmllint --schema` (libxml2 2.9.14), except where a comment says libxml2 differs.

use duis_xsd::{Attribute, Finding, FindingKind, Name, Schema, Validator, XsiTypeProblem};

use crate::util::validate;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// `A` is abstract; `B` extends it with a child `y` and an attribute `b`; `C` extends `B`
/// with a child `z` and a required attribute `c`; `AbsD` is an abstract extension of `B`;
/// `U` is unrelated. `S2` restricts `S1` restricts `xs:string`; `SC` extends `S1` with an
/// attribute.
fn schema() -> Schema {
    let xsd = r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">
      <xs:complexType name="A" abstract="true"><xs:sequence><xs:element name="x" type="xs:int" minOccurs="0"/></xs:sequence></xs:complexType>
      <xs:complexType name="B"><xs:complexContent><xs:extension base="t:A"><xs:sequence><xs:element name="y" type="xs:int"/></xs:sequence><xs:attribute name="b" type="xs:int"/></xs:extension></xs:complexContent></xs:complexType>
      <xs:complexType name="C"><xs:complexContent><xs:extension base="t:B"><xs:sequence><xs:element name="z" type="xs:int"/></xs:sequence><xs:attribute name="c" type="xs:int" use="required"/></xs:extension></xs:complexContent></xs:complexType>
      <xs:complexType name="AbsD" abstract="true"><xs:complexContent><xs:extension base="t:B"/></xs:complexContent></xs:complexType>
      <xs:complexType name="U"><xs:sequence/></xs:complexType>
      <xs:simpleType name="S1"><xs:restriction base="xs:string"><xs:maxLength value="5"/></xs:restriction></xs:simpleType>
      <xs:simpleType name="S2"><xs:restriction base="t:S1"><xs:pattern value="[a-z]*"/></xs:restriction></xs:simpleType>
      <xs:complexType name="SC"><xs:simpleContent><xs:extension base="t:S1"><xs:attribute name="u" type="xs:int"/></xs:extension></xs:simpleContent></xs:complexType>
      <xs:element name="R"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">
        <xs:element name="a" type="t:A"/>
        <xs:element name="b" type="t:B"/>
        <xs:element name="s" type="t:S1"/>
        <xs:element name="str" type="xs:string"/>
        <xs:element name="f" type="t:S1" fixed="ab"/>
        <xs:element name="d" type="xs:string" default="abcdefgh"/>
        <xs:element name="lax"><xs:complexType><xs:sequence><xs:any namespace="##other" processContents="lax" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>
        <xs:element name="strict"><xs:complexType><xs:sequence><xs:any namespace="##other" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>
      </xs:choice></xs:complexType></xs:element>
    </xs:schema>"###;
    duis_xsd::compile("t.xsd", &|_| Some(xsd.to_owned())).unwrap_or_else(|e| panic!("{e}"))
}

fn findings(s: &Schema, body: &str) -> Vec<Finding> {
    let xml =
        format!(r#"<t:R xmlns:t="urn:t" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="{XSI}">{body}</t:R>"#);
    validate(s, &xml).unwrap()
}

fn codes(s: &Schema, body: &str) -> Vec<&'static str> {
    findings(s, body).iter().map(Finding::code).collect()
}

/// The problem of the single finding, which must be `schema.bad-xsi-type`.
fn problem(s: &Schema, body: &str) -> XsiTypeProblem {
    let f = findings(s, body);
    match f.as_slice() {
        [Finding { kind: FindingKind::BadXsiType { problem, .. }, .. }] => problem.clone(),
        _ => panic!("{body}: {f:?}"),
    }
}

fn name(ns: &str, local: &str) -> Name {
    Name { ns: ns.to_owned(), local: local.to_owned() }
}

#[test]
fn the_declared_type_itself() {
    let s = schema();
    assert!(codes(&s, r#"<t:b xsi:type="t:B"><t:y>1</t:y></t:b>"#).is_empty());
    assert!(codes(&s, r#"<t:s xsi:type="t:S1">abc</t:s>"#).is_empty());
    assert!(codes(&s, r#"<t:str xsi:type="xs:string">abc</t:str>"#).is_empty());
    // The content is still judged, against that type.
    assert_eq!(codes(&s, r#"<t:b xsi:type="t:B"/>"#), ["schema.missing-element"]);
}

#[test]
fn a_type_derived_by_extension_brings_its_children_and_attributes() {
    let s = schema();
    assert!(codes(&s, r#"<t:b xsi:type="t:C" c="1"><t:y>1</t:y><t:z>2</t:z></t:b>"#).is_empty());
    assert!(codes(&s, r#"<t:b xsi:type="t:C" b="0" c="1"><t:x>0</t:x><t:y>1</t:y><t:z>2</t:z></t:b>"#).is_empty());
    // C's own required attribute and child are required.
    assert_eq!(codes(&s, r#"<t:b xsi:type="t:C"><t:y>1</t:y><t:z>2</t:z></t:b>"#), ["schema.missing-attribute"]);
    assert_eq!(codes(&s, r#"<t:b xsi:type="t:C" c="1"><t:y>1</t:y></t:b>"#), ["schema.missing-element"]);
    // Without the xsi:type, C's parts are not B's.
    assert_eq!(codes(&s, r#"<t:b><t:y>1</t:y><t:z>2</t:z></t:b>"#), ["schema.unexpected-element"]);
    assert_eq!(codes(&s, r#"<t:b c="1"><t:y>1</t:y></t:b>"#), ["schema.unknown-attribute"]);
    // A bad value of a derived type's attribute is found.
    assert_eq!(codes(&s, r#"<t:b xsi:type="t:C" c="x"><t:y>1</t:y><t:z>2</t:z></t:b>"#), ["schema.bad-value"]);
}

#[test]
fn the_xsi_type_is_known_before_the_attributes_it_declares_whatever_their_order() {
    let s = schema();
    for attrs in [
        r#"c="1" xsi:type="t:C""#,
        r#"b="1" xsi:type="t:C" c="1""#,
        r#"b="1" c="1" xsi:type="t:C""#,
        r#"xsi:type="t:C" c="1" b="1""#,
    ] {
        assert!(codes(&s, &format!("<t:b {attrs}><t:y>1</t:y><t:z>2</t:z></t:b>")).is_empty(), "{attrs}");
    }
    // B's attribute, seen before the xsi:type, still counts once; its bad value is one finding.
    assert_eq!(codes(&s, r#"<t:b b="x" xsi:type="t:C" c="1"><t:y>1</t:y><t:z>2</t:z></t:b>"#), ["schema.bad-value"]);
    // An attribute neither type declares, before or after.
    assert_eq!(
        codes(&s, r#"<t:b q="1" xsi:type="t:C" c="1"><t:y>1</t:y><t:z>2</t:z></t:b>"#),
        ["schema.unknown-attribute"]
    );
    assert_eq!(
        codes(&s, r#"<t:b xsi:type="t:C" c="1" q="1"><t:y>1</t:y><t:z>2</t:z></t:b>"#),
        ["schema.unknown-attribute"]
    );
    // A bad xsi:type after an attribute only the named type declares: the declared type
    // judges both.
    assert_eq!(
        codes(&s, r#"<t:b c="1" xsi:type="t:U"><t:y>1</t:y></t:b>"#),
        ["schema.bad-xsi-type", "schema.unknown-attribute"]
    );
}

#[test]
fn simple_types_derived_by_restriction() {
    let s = schema();
    assert!(codes(&s, r#"<t:s xsi:type="t:S2">abc</t:s>"#).is_empty());
    // S2's pattern applies, S1's maxLength still does.
    assert_eq!(codes(&s, r#"<t:s xsi:type="t:S2">ABC</t:s>"#), ["schema.bad-value"]);
    assert_eq!(codes(&s, r#"<t:s xsi:type="t:S2">abcdefg</t:s>"#), ["schema.bad-value"]);
    // Two steps from xs:string, and the built-ins' own chain (token, normalizedString, string).
    assert!(codes(&s, r#"<t:str xsi:type="t:S2">abc</t:str>"#).is_empty());
    assert!(codes(&s, r#"<t:str xsi:type="xs:token">abc</t:str>"#).is_empty());
    assert!(codes(&s, r#"<t:str xsi:type="xs:NCName">abc</t:str>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:str xsi:type="xs:NCName">a b</t:str>"#), ["schema.bad-value"]);
    // A base is not derived from its derived type.
    assert_eq!(
        problem(&s, r#"<t:s xsi:type="xs:string">abc</t:s>"#),
        XsiTypeProblem::NotDerived { ty: name(XS, "string"), declared: Some(name("urn:t", "S1")) }
    );
    assert!(matches!(problem(&s, r#"<t:str xsi:type="xs:int">1</t:str>"#), XsiTypeProblem::NotDerived { .. }));
}

const XS: &str = "http://www.w3.org/2001/XMLSchema";

#[test]
fn a_complex_type_with_simple_content_extends_a_simple_type() {
    // Type Derivation OK (Complex) 2.3.2.2: SC's base, S1, is derived from xs:string.
    let s = schema();
    assert!(codes(&s, r#"<t:s xsi:type="t:SC" u="1">abc</t:s>"#).is_empty());
    assert!(codes(&s, r#"<t:str xsi:type="t:SC" u="1">abc</t:str>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:s xsi:type="t:SC" u="1">abcdefg</t:s>"#), ["schema.bad-value"]);
    assert_eq!(codes(&s, r#"<t:s u="1">abc</t:s>"#), ["schema.unknown-attribute"]);
    // A simple type is never derived from a complex one, nor a complex from an unrelated simple.
    assert!(matches!(problem(&s, r#"<t:b xsi:type="t:S1"><t:y>1</t:y></t:b>"#), XsiTypeProblem::NotDerived { .. }));
    assert!(matches!(problem(&s, r#"<t:s xsi:type="t:B"/>"#), XsiTypeProblem::NotDerived { .. }));
}

#[test]
fn an_unrelated_or_unknown_type_is_refused_and_the_declared_type_applies() {
    let s = schema();
    assert_eq!(
        problem(&s, r#"<t:b xsi:type="t:U"><t:y>1</t:y></t:b>"#),
        XsiTypeProblem::NotDerived { ty: name("urn:t", "U"), declared: Some(name("urn:t", "B")) }
    );
    // The content is judged against B, the declared type.
    assert_eq!(codes(&s, r#"<t:b xsi:type="t:U"/>"#), ["schema.bad-xsi-type", "schema.missing-element"]);
    assert_eq!(
        problem(&s, r#"<t:b xsi:type="t:Nope"><t:y>1</t:y></t:b>"#),
        XsiTypeProblem::UnknownType(name("urn:t", "Nope"))
    );
    // An element name is not a type name.
    assert_eq!(
        problem(&s, r#"<t:b xsi:type="t:R"><t:y>1</t:y></t:b>"#),
        XsiTypeProblem::UnknownType(name("urn:t", "R"))
    );
    // Built-ins outside the subset are named as such (libxml2: not derived from xs:string).
    assert_eq!(
        problem(&s, r#"<t:str xsi:type="xs:float">1.5</t:str>"#),
        XsiTypeProblem::UnsupportedType(name(XS, "float"))
    );
    assert!(matches!(problem(&s, r#"<t:str xsi:type="xs:anyType">1</t:str>"#), XsiTypeProblem::UnsupportedType(_)));
    let f = findings(&s, r#"<t:b xsi:type="t:U"><t:y>1</t:y></t:b>"#);
    assert_eq!(
        f[0].to_string(),
        r#"element {urn:t}b: xsi:type "t:U" names {urn:t}U, which is not derived from the declared type {urn:t}B"#
    );
}

#[test]
fn the_value_is_a_qname_resolved_in_scope() {
    let s = schema();
    for bad in ["", "1t:B", "t:B x", ":B", "t:", "t:B:C", "t::B"] {
        assert_eq!(
            problem(&s, &format!(r#"<t:b xsi:type="{bad}"><t:y>1</t:y></t:b>"#)),
            XsiTypeProblem::NotQName,
            "{bad:?}"
        );
    }
    assert_eq!(problem(&s, r#"<t:b xsi:type="q:B"><t:y>1</t:y></t:b>"#), XsiTypeProblem::UnboundPrefix("q".to_owned()));
    // White space is collapsed (xs:QName); libxml2 reads " t" as the prefix and refuses it.
    assert!(codes(&s, "<t:b xsi:type=\" t:B\t\"><t:y>1</t:y></t:b>").is_empty());
    // Unprefixed: the default namespace, here none, then urn:t.
    assert_eq!(problem(&s, r#"<t:b xsi:type="B"><t:y>1</t:y></t:b>"#), XsiTypeProblem::UnknownType(name("", "B")));
    assert!(codes(&s, r#"<t:b xmlns="urn:t" xsi:type="B"><t:y>1</t:y></t:b>"#).is_empty());
    assert!(codes(&s, r#"<t:b xmlns="urn:t" xsi:type="B"><y>1</y></t:b>"#).is_empty());
    // A prefix declared on the element itself, or on an ancestor; an inner declaration wins.
    assert!(codes(&s, r#"<t:b xmlns:p="urn:t" xsi:type="p:B"><t:y>1</t:y></t:b>"#).is_empty());
    let xml = format!(
        r#"<t:R xmlns:t="urn:t" xmlns:p="urn:t" xmlns:xsi="{XSI}"><t:b xsi:type="p:B"><t:y>1</t:y></t:b></t:R>"#
    );
    assert!(validate(&s, &xml).unwrap().is_empty());
    let xml = format!(
        r#"<t:R xmlns:t="urn:t" xmlns:p="urn:other" xmlns:xsi="{XSI}"><t:b xmlns:p="urn:t" xsi:type="p:B"><t:y>1</t:y></t:b></t:R>"#
    );
    assert!(validate(&s, &xml).unwrap().is_empty());
    // The xml prefix is bound without a declaration (and names no type here).
    assert_eq!(
        problem(&s, r#"<t:b xsi:type="xml:B"><t:y>1</t:y></t:b>"#),
        XsiTypeProblem::UnknownType(name("http://www.w3.org/XML/1998/namespace", "B"))
    );
}

#[test]
fn an_abstract_declared_type_needs_a_concrete_xsi_type() {
    let s = schema();
    assert_eq!(codes(&s, r#"<t:a><t:y>1</t:y></t:a>"#), ["schema.abstract-type"]);
    assert!(codes(&s, r#"<t:a xsi:type="t:B"><t:y>1</t:y></t:a>"#).is_empty());
    assert!(codes(&s, r#"<t:a c="1" b="2" xsi:type="t:C"><t:y>1</t:y><t:z>2</t:z></t:a>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:a xsi:type="t:B"><t:z>1</t:z></t:a>"#), ["schema.unexpected-element"]);
    // A bad one leaves the element with its abstract type.
    assert_eq!(codes(&s, r#"<t:a xsi:type="t:U"/>"#), ["schema.bad-xsi-type", "schema.abstract-type"]);
    // An abstract xsi:type is itself refused, at the attribute.
    let f = findings(&s, r#"<t:a xsi:type="t:AbsD"><t:y>1</t:y></t:a>"#);
    let [Finding { kind: FindingKind::AbstractType { element, xsi_type: Some(ty) }, .. }] = f.as_slice() else {
        panic!("{f:?}");
    };
    assert_eq!((element, ty), (&name("urn:t", "a"), &name("urn:t", "AbsD")));
    assert_eq!(f[0].to_string(), "element {urn:t}a: xsi:type names the abstract type {urn:t}AbsD");
    assert_eq!(codes(&s, r#"<t:b xsi:type="t:AbsD"><t:y>1</t:y></t:b>"#), ["schema.abstract-type"]);
    assert_eq!(codes(&s, r#"<t:b b="1" xsi:type="t:AbsD"><t:y>1</t:y></t:b>"#), ["schema.abstract-type"]);
    // Not derived comes first, as in libxml2.
    assert!(matches!(problem(&s, r#"<t:s xsi:type="t:A"/>"#), XsiTypeProblem::NotDerived { .. }));
}

#[test]
fn fixed_and_default_of_the_declaration_still_apply() {
    let s = schema();
    assert!(codes(&s, r#"<t:f xsi:type="t:S2">ab</t:f>"#).is_empty());
    assert!(codes(&s, r#"<t:f xsi:type="t:S2"></t:f>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:f xsi:type="t:S2">abc</t:f>"#), ["schema.bad-value"]);
    // The default fills the empty element, and must be a value of the type named.
    assert!(codes(&s, r#"<t:d></t:d>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:d xsi:type="t:S1"></t:d>"#), ["schema.bad-value"]);
}

#[test]
fn an_undeclared_element_under_a_wildcard_takes_its_xsi_type() {
    let s = schema();
    assert!(codes(&s, r#"<t:lax><o:x xmlns:o="urn:o">abc</o:x></t:lax>"#).is_empty());
    assert!(codes(&s, r#"<t:lax><o:x xmlns:o="urn:o" xsi:type="t:S1">abc</o:x></t:lax>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:lax><o:x xmlns:o="urn:o" xsi:type="xs:int">abc</o:x></t:lax>"#), ["schema.bad-value"]);
    assert_eq!(
        codes(&s, r#"<t:lax><o:x xmlns:o="urn:o" xsi:type="t:Nope">abc</o:x></t:lax>"#),
        ["schema.bad-xsi-type"]
    );
    assert_eq!(codes(&s, r#"<t:lax><o:x xmlns:o="urn:o" xsi:type="t:AbsD"/></t:lax>"#), ["schema.abstract-type"]);
    // Deeper in laxly assessed content too, and with its own content model.
    assert_eq!(
        codes(&s, r#"<t:lax><o:x xmlns:o="urn:o"><o:y xsi:type="xs:int">abc</o:y></o:x></t:lax>"#),
        ["schema.bad-value"]
    );
    let f = findings(&s, r#"<t:lax><o:x xmlns:o="urn:o" xsi:type="t:B"><t:z>1</t:z></o:x></t:lax>"#);
    assert_eq!(f.iter().map(Finding::code).collect::<Vec<_>>(), ["schema.unexpected-element"]);
    let f = findings(&s, r#"<t:lax><o:x xmlns:o="urn:o" xsi:type="t:B"></o:x></t:lax>"#);
    let [Finding { kind: FindingKind::MissingElement { parent, .. }, .. }] = f.as_slice() else { panic!("{f:?}") };
    assert_eq!(parent, &name("urn:o", "x"));
    // A strict wildcard is met by an xsi:type (§3.10.1); libxml2 still wants a declaration.
    assert_eq!(codes(&s, r#"<t:strict><o:x xmlns:o="urn:o">abc</o:x></t:strict>"#), ["schema.undeclared-element"]);
    assert!(codes(&s, r#"<t:strict><o:x xmlns:o="urn:o" xsi:type="t:S1">abc</o:x></t:strict>"#).is_empty());
    assert_eq!(
        codes(&s, r#"<t:strict><o:x xmlns:o="urn:o" xsi:type="t:S1">abcdefgh</o:x></t:strict>"#),
        ["schema.bad-value"]
    );
    assert_eq!(
        codes(&s, r#"<t:strict><o:x xmlns:o="urn:o" xsi:type="t:Nope">abc</o:x></t:strict>"#),
        ["schema.bad-xsi-type"]
    );
}

/// The validator driven directly: spans are the attribute's, and the plain entry point
/// resolves prefixes with no declarations in scope.
#[test]
fn findings_are_at_the_attribute_and_the_scope_comes_from_the_caller() {
    let s = schema();
    let mut v = Validator::new(&s);
    let attr = |value: &'static str, span: std::ops::Range<usize>| Attribute { ns: XSI, local: "type", value, span };
    let run = |v: &mut Validator<'_>, value: &'static str, scope: &[(&str, &str)]| -> Vec<Finding> {
        let mut f = Vec::new();
        let namespace = v.namespace("urn:t");
        v.start_element("urn:t", "R", [], 0..10, &mut f);
        v.start_element_in(namespace, "urn:t", "b", [attr(value, 15..30)], scope, 10..31, &mut f);
        v.start_element("urn:t", "y", [], 31..36, &mut f);
        v.text("1", 36..37, &mut f);
        v.end_element(37..43, &mut f);
        v.end_element(43..49, &mut f);
        v.end_element(49..55, &mut f);
        v.finish(55..55, &mut f);
        f
    };
    assert!(run(&mut v, "p:B", &[("p", "urn:t")]).is_empty());
    assert!(run(&mut v, "B", &[("", "urn:t")]).is_empty());
    assert!(run(&mut v, "B", &[("", "urn:other"), ("", "urn:t")]).is_empty());
    let f = run(&mut v, "p:U", &[("p", "urn:t")]);
    assert_eq!(f.iter().map(|f| (f.code(), f.span.clone())).collect::<Vec<_>>(), [("schema.bad-xsi-type", 15..30)]);
    // With no scope, a prefix is unbound.
    let mut f = Vec::new();
    v.start_element("urn:t", "R", [], 0..10, &mut f);
    v.start_element("urn:t", "b", [attr("p:B", 15..30)], 10..31, &mut f);
    assert!(
        matches!(&f[..], [Finding { kind: FindingKind::BadXsiType { problem: XsiTypeProblem::UnboundPrefix(p), .. }, span }] if p == "p" && *span == (15..30)),
        "{f:?}"
    );
    v.reset();
}

/// The attribute uses met before the `xsi:type` carry over to the type it names, whether
/// each type declares up to 64 (met uses kept as bits) or more (kept as a list).
#[test]
fn attributes_met_before_the_xsi_type_count_for_the_type_it_names_however_many() {
    for (base_count, extra) in [(63, 2), (70, 2), (3, 70)] {
        let attrs = |prefix: &str, n: usize| -> String {
            (0..n)
                .map(|i| {
                    let required = if i == 0 { r#" use="required""# } else { "" };
                    format!(r#"<xs:attribute name="{prefix}{i}" type="xs:int"{required}/>"#)
                })
                .collect()
        };
        let xsd = format!(
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">
              <xs:complexType name="B"><xs:sequence/>{}</xs:complexType>
              <xs:complexType name="D"><xs:complexContent><xs:extension base="t:B">{}</xs:extension></xs:complexContent></xs:complexType>
              <xs:element name="e" type="t:B"/>
            </xs:schema>"#,
            attrs("a", base_count),
            attrs("d", extra)
        );
        let s = duis_xsd::compile("w.xsd", &|_| Some(xsd.clone())).unwrap_or_else(|e| panic!("{e}"));
        let last = base_count - 1;
        let codes = |attrs: &str| -> Vec<&'static str> {
            let xml = format!(r#"<t:e xmlns:t="urn:t" xmlns:xsi="{XSI}" {attrs}/>"#);
            validate(&s, &xml).unwrap().iter().map(Finding::code).collect()
        };
        let case = format!("{base_count} + {extra}");
        assert!(codes(&format!(r#"a0="1" a{last}="2" xsi:type="t:D" d0="3""#)).is_empty(), "{case}");
        assert!(codes(&format!(r#"d0="3" a{last}="2" xsi:type="t:D" a0="1""#)).is_empty(), "{case}");
        assert_eq!(codes(r#"a0="1" xsi:type="t:D""#), ["schema.missing-attribute"], "{case}");
        assert_eq!(codes(r#"d0="3" xsi:type="t:D""#), ["schema.missing-attribute"], "{case}");
        assert_eq!(codes(r#"a0="x" xsi:type="t:D" d0="3""#), ["schema.bad-value"], "{case}");
    }
}
