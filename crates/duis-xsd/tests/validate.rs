//! Small schemas exercising the validator: occurs bounds, choices, wildcards, attributes,
//! simple content, recovery.

use duis_xsd::{Expected, FacetKind, Finding, FindingKind, Schema};

use crate::util::validate;

fn schema(body: &str) -> Schema {
    let xsd = format!(
        r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t"
            targetNamespace="urn:t" elementFormDefault="qualified">{body}</xs:schema>"#
    );
    duis_xsd::compile("t.xsd", &|_| Some(xsd.clone())).unwrap_or_else(|e| panic!("{e}"))
}

fn findings(s: &Schema, body: &str) -> Vec<Finding> {
    let xml = format!(r#"<t:R xmlns:t="urn:t">{body}</t:R>"#);
    validate(s, &xml).unwrap()
}

fn codes(s: &Schema, body: &str) -> Vec<&'static str> {
    findings(s, body).iter().map(Finding::code).collect()
}

fn root(content: &str) -> Schema {
    schema(&format!(r#"<xs:element name="R"><xs:complexType>{content}</xs:complexType></xs:element>"#))
}

#[test]
fn occurs_bounds_on_one_element_are_counted() {
    let s = root(
        r#"<xs:sequence><xs:element name="a" type="xs:int" minOccurs="2" maxOccurs="19056"/><xs:element name="b" type="xs:int" minOccurs="0"/></xs:sequence>"#,
    );
    // One state for `a`, however large maxOccurs is.
    assert!(s.states.len() < 5, "{}", s.states.len());
    assert_eq!(codes(&s, "<t:a>1</t:a>"), ["schema.missing-element"]);
    assert!(codes(&s, "<t:a>1</t:a><t:a>2</t:a>").is_empty());
    assert!(codes(&s, &"<t:a>1</t:a>".repeat(19056)).is_empty());
    assert_eq!(codes(&s, &"<t:a>1</t:a>".repeat(19057)), ["schema.unexpected-element"]);
    assert!(codes(&s, "<t:a>1</t:a><t:a>1</t:a><t:b>1</t:b>").is_empty());
    assert_eq!(codes(&s, "<t:a>1</t:a><t:b>1</t:b>"), ["schema.unexpected-element"]);
}

#[test]
fn missing_element_lists_what_is_expected() {
    let s = root(
        r#"<xs:sequence><xs:element name="a" type="xs:int"/><xs:choice><xs:element name="b" type="xs:int"/><xs:element name="c" type="xs:int"/></xs:choice></xs:sequence>"#,
    );
    let f = findings(&s, "<t:a>1</t:a>");
    let [Finding { kind: FindingKind::MissingElement { parent, expected }, .. }] = f.as_slice() else {
        panic!("{f:?}");
    };
    assert_eq!(parent.local, "R");
    let names: Vec<String> = expected.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["{urn:t}b", "{urn:t}c"]);
    assert!(codes(&s, "<t:a>1</t:a><t:c>2</t:c>").is_empty());
    assert_eq!(codes(&s, "<t:a>1</t:a><t:b>2</t:b><t:c>2</t:c>"), ["schema.unexpected-element"]);
}

#[test]
fn repeated_groups_are_unrolled() {
    let s = root(
        r#"<xs:sequence minOccurs="2" maxOccurs="3"><xs:element name="a" type="xs:int"/><xs:element name="b" type="xs:int" minOccurs="0"/></xs:sequence>"#,
    );
    let ab = "<t:a>1</t:a><t:b>1</t:b>";
    assert_eq!(codes(&s, ab), ["schema.missing-element"]);
    assert!(codes(&s, &ab.repeat(2)).is_empty());
    assert!(codes(&s, "<t:a>1</t:a><t:a>1</t:a><t:a>1</t:a>").is_empty());
    assert_eq!(codes(&s, &ab.repeat(4)), ["schema.unexpected-element"]);
    let s = root(
        r#"<xs:choice maxOccurs="unbounded"><xs:element name="a" type="xs:int"/><xs:element name="b" type="xs:int"/></xs:choice>"#,
    );
    assert!(codes(&s, "<t:b>1</t:b><t:a>1</t:a><t:b>1</t:b>").is_empty());
    assert_eq!(codes(&s, ""), ["schema.missing-element"]);
}

#[test]
fn unexpected_element_resynchronises() {
    let s = root(
        r#"<xs:sequence><xs:element name="a" type="xs:int"/><xs:element name="b" type="xs:int"/><xs:element name="c" type="xs:int"/></xs:sequence>"#,
    );
    // `c` out of order: reported once, and the value inside `c` is still checked.
    let f = codes(&s, "<t:a>1</t:a><t:c>x</t:c>");
    assert_eq!(f, ["schema.unexpected-element", "schema.bad-value"]);
    // An unknown element: reported once, its subtree skipped.
    let f = codes(&s, "<t:a>1</t:a><t:zz><t:q/></t:zz><t:b>1</t:b><t:c>1</t:c>");
    assert_eq!(f, ["schema.unexpected-element"]);
    // `b` in no namespace where `t:b` is due: reported once, saying so, and taken as the
    // occurrence of `t:b`, so `t:c` after it is in place.
    let f = findings(&s, r#"<t:a>1</t:a><b xmlns="">1</b><t:c>1</t:c>"#);
    assert_eq!(f.iter().map(Finding::code).collect::<Vec<_>>(), ["schema.unexpected-element"]);
    assert!(f[0].to_string().starts_with("element b (in no namespace) not allowed here"), "{}", f[0]);
    // An empty chunk of text (an empty CDATA section) is no character in empty content.
    let e = schema(r#"<xs:complexType name="E"/><xs:element name="R" type="t:E"/>"#);
    assert!(validate(&e, r#"<t:R xmlns:t="urn:t"><![CDATA[]]></t:R>"#).unwrap().is_empty());
}

#[test]
fn unknown_root() {
    let s = root("<xs:sequence/>");
    let f = validate(&s, r#"<t:Other xmlns:t="urn:t"><x/></t:Other>"#).unwrap();
    assert_eq!(f.iter().map(Finding::code).collect::<Vec<_>>(), ["schema.unknown-root"]);
    let f = validate(&s, r#"<R/>"#).unwrap();
    assert_eq!(f.iter().map(Finding::code).collect::<Vec<_>>(), ["schema.unknown-root"]);
}

#[test]
fn text_in_element_only_content() {
    let s = root(r#"<xs:sequence><xs:element name="a" type="xs:string" minOccurs="0"/></xs:sequence>"#);
    assert!(codes(&s, "\n  <t:a> keep </t:a>\n").is_empty());
    assert_eq!(codes(&s, "oops<t:a/>more"), ["schema.unexpected-text"]);
    let mixed = schema(
        r#"<xs:element name="R"><xs:complexType mixed="true"><xs:sequence><xs:element name="a" type="xs:string"/></xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&mixed, "x<t:a/>y").is_empty());
}

#[test]
fn empty_content_allows_no_character_not_even_white_space() {
    // cvc-complex-type.2.1: element-only content may hold white space between children,
    // empty content nothing at all.
    let s = schema(
        r#"<xs:complexType name="E"/><xs:element name="R"><xs:complexType><xs:sequence><xs:element name="e" type="t:E" maxOccurs="9"/><xs:element name="s" minOccurs="0"><xs:complexType><xs:sequence/></xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&s, "\n  <t:e/>\n  <t:e></t:e><t:e><!-- note --></t:e>\n").is_empty());
    assert_eq!(codes(&s, "<t:e> </t:e>"), ["schema.unexpected-text"]);
    assert_eq!(codes(&s, "<t:e>\n</t:e>"), ["schema.unexpected-text"]);
    assert_eq!(codes(&s, "<t:e/><t:s>\t</t:s>"), ["schema.unexpected-text"]);
    assert_eq!(codes(&s, "<t:e>&#32;</t:e>"), ["schema.unexpected-text"]);
    // A child element in empty content is the problem: the white space around it is not
    // reported on top.
    assert_eq!(codes(&s, "<t:e>\n  <t:e/>\n</t:e>"), ["schema.unexpected-element"]);
    assert_eq!(codes(&s, "<t:e> x </t:e>"), ["schema.unexpected-text"]);
}

/// Attribute uses are marked met in a bit mask up to 64 and in a list beyond: a type with 70
/// declared attributes, some required on either side of the limit, is judged alike by both.
#[test]
fn required_attributes_are_found_missing_beyond_64_uses() {
    let required = [0usize, 1, 62, 63, 64, 65, 69];
    for count in [3usize, 64, 65, 70] {
        let required: Vec<usize> = required.iter().copied().filter(|&i| i < count).collect();
        let uses: String = (0..count)
            .map(|i| {
                let usage = if required.contains(&i) { r#" use="required""# } else { "" };
                format!(r#"<xs:attribute name="a{i}" type="xs:unsignedByte"{usage}/>"#)
            })
            .collect();
        let s = root(&format!("<xs:sequence/>{uses}"));
        let tag = |given: &[usize]| -> String {
            let attributes: String = given.iter().map(|i| format!(r#" a{i}="{}""#, i % 200)).collect();
            format!(r#"<t:R xmlns:t="urn:t"{attributes}/>"#)
        };
        let all: Vec<usize> = (0..count).collect();
        assert!(validate(&s, &tag(&all)).unwrap().is_empty(), "{count} uses, all given");
        assert!(validate(&s, &tag(&required)).unwrap().is_empty(), "{count} uses, the required given");
        for &left_out in &required {
            let given: Vec<usize> = all.iter().copied().filter(|&i| i != left_out).collect();
            let found = validate(&s, &tag(&given)).unwrap();
            let missing: Vec<String> = found
                .iter()
                .map(|f| match &f.kind {
                    FindingKind::MissingAttribute { attribute, .. } => attribute.local.clone(),
                    other => panic!("{other:?}"),
                })
                .collect();
            assert_eq!(missing, [format!("a{left_out}")], "{count} uses, a{left_out} left out");
        }
        // Every missing required use is named, in declaration order.
        let found = validate(&s, &tag(&[])).unwrap();
        let named: Vec<String> = found
            .iter()
            .filter_map(|f| match &f.kind {
                FindingKind::MissingAttribute { attribute, .. } => Some(attribute.local.clone()),
                _ => None,
            })
            .collect();
        let expected: Vec<String> = required.iter().map(|i| format!("a{i}")).collect();
        assert_eq!(named, expected, "{count} uses, none given");
    }
}

#[test]
fn attributes() {
    let s = root(
        r#"<xs:sequence/><xs:attribute name="id" type="xs:ID"/><xs:attribute name="n" type="xs:unsignedByte" use="required"/><xs:attribute name="f" type="xs:token" fixed="v"/>"#,
    );
    let ok = validate(&s, r#"<t:R xmlns:t="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:t t.xsd" n=" 7 " f=" v"/>"#).unwrap();
    assert!(ok.is_empty(), "{ok:?}");
    let codes = |xml: &str| -> Vec<&'static str> { validate(&s, xml).unwrap().iter().map(Finding::code).collect() };
    assert_eq!(codes(r#"<t:R xmlns:t="urn:t"/>"#), ["schema.missing-attribute"]);
    assert_eq!(codes(r#"<t:R xmlns:t="urn:t" n="1" x="1"/>"#), ["schema.unknown-attribute"]);
    assert_eq!(codes(r#"<t:R xmlns:t="urn:t" n="1" t:n="1"/>"#), ["schema.unknown-attribute"]);
    assert_eq!(codes(r#"<t:R xmlns:t="urn:t" n="256"/>"#), ["schema.bad-value"]);
    assert_eq!(codes(r#"<t:R xmlns:t="urn:t" n="1" f="w"/>"#), ["schema.bad-value"]);
    assert_eq!(codes(r#"<t:R xmlns:t="urn:t" n="1" id="1x"/>"#), ["schema.bad-value"]);
    assert_eq!(
        codes(r#"<t:R xmlns:t="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" n="1" xsi:type="t:X"/>"#),
        ["schema.bad-xsi-type"]
    );
    // No declaration the subset compiles is nillable: xsi:nil is refused whatever its value.
    for nil in ["true", "false", "1", "x"] {
        let xml = format!(
            r#"<t:R xmlns:t="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" n="1" xsi:nil="{nil}"/>"#
        );
        let found = validate(&s, &xml).unwrap();
        assert_eq!(found.iter().map(Finding::code).collect::<Vec<_>>(), ["schema.not-nillable"], "xsi:nil=\"{nil}\"");
        assert_eq!(found[0].to_string(), "element {urn:t}R is not nillable: xsi:nil is not allowed on it");
    }
}

#[test]
fn duplicate_ids() {
    let s = schema(
        r#"<xs:element name="R"><xs:complexType><xs:sequence><xs:element name="a" maxOccurs="9"><xs:complexType><xs:attribute name="Id" type="xs:ID"/></xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&s, r#"<t:a Id="x"/><t:a Id="y"/>"#).is_empty());
    let f = findings(&s, r#"<t:a Id="x"/><t:a Id="x"/>"#);
    assert!(
        matches!(&f[..], [Finding { kind: FindingKind::BadValue { facet: FacetKind::DuplicateId, .. }, .. }]),
        "{f:?}"
    );
}

#[test]
fn simple_content_and_defaults() {
    let s = schema(
        r#"
      <xs:simpleType name="Cur"><xs:restriction base="xs:string"><xs:enumeration value="GBP"/><xs:enumeration value="ECB"/></xs:restriction></xs:simpleType>
      <xs:complexType name="Price"><xs:simpleContent><xs:extension base="xs:decimal"><xs:attribute name="unit" type="t:Cur"/></xs:extension></xs:simpleContent></xs:complexType>
      <xs:element name="R"><xs:complexType><xs:sequence>
        <xs:element name="p" type="t:Price" minOccurs="0"/>
        <xs:element name="c" type="t:Cur" default="GBP" minOccurs="0"/>
      </xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&s, r#"<t:p unit="ECB"> +1.50 </t:p><t:c/>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:p unit="USD">1</t:p>"#), ["schema.bad-value"]);
    assert_eq!(codes(&s, r#"<t:p>1<t:x/></t:p>"#), ["schema.unexpected-element"]);
    assert_eq!(codes(&s, r#"<t:c>GBP </t:c>"#), ["schema.bad-value"]);
    // An empty element takes its fixed value too (Part 1 §3.3.4 clause 5.1).
    let s = schema(
        r#"<xs:element name="R"><xs:complexType><xs:sequence>
        <xs:element name="f" type="xs:string" fixed="GBP"/>
        <xs:element name="d" type="xs:decimal" fixed="1.0"/>
      </xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&s, "<t:f/><t:d/>").is_empty());
    assert!(codes(&s, "<t:f>GBP</t:f><t:d>1</t:d>").is_empty());
    assert_eq!(codes(&s, "<t:f>EUR</t:f><t:d/>"), ["schema.bad-value"]);
}

#[test]
fn strings_are_never_trimmed_and_tokens_are_collapsed() {
    let s = schema(
        r#"
      <xs:element name="R"><xs:complexType><xs:sequence>
        <xs:element name="s" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="t" minOccurs="0"><xs:simpleType><xs:restriction base="xs:token"><xs:length value="3"/><xs:pattern value="[a-z ]+"/></xs:restriction></xs:simpleType></xs:element>
      </xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&s, "<t:s>abc</t:s>").is_empty());
    assert_eq!(codes(&s, "<t:s> abc</t:s>"), ["schema.bad-value"]);
    assert!(codes(&s, "<t:t>\n  a b \t</t:t>").is_empty());
    assert!(codes(&s, "<t:t>a&#32;b</t:t>").is_empty());
    assert_eq!(codes(&s, "<t:t>ab</t:t>"), ["schema.bad-value"]);
}

#[test]
fn facets_report_which_one_failed() {
    let s = schema(
        r#"
      <xs:simpleType name="Base"><xs:restriction base="xs:decimal"><xs:totalDigits value="5"/><xs:fractionDigits value="2"/><xs:minExclusive value="-10"/></xs:restriction></xs:simpleType>
      <xs:element name="R"><xs:complexType><xs:sequence><xs:element name="d" maxOccurs="20"><xs:simpleType><xs:restriction base="t:Base"><xs:maxInclusive value="100.5"/></xs:restriction></xs:simpleType></xs:element>
      <xs:element name="b" minOccurs="0" maxOccurs="9"><xs:simpleType><xs:restriction base="xs:base64Binary"><xs:minLength value="2"/><xs:maxLength value="3"/></xs:restriction></xs:simpleType></xs:element>
      <xs:element name="h" minOccurs="0"><xs:simpleType><xs:restriction base="xs:hexBinary"><xs:length value="2"/></xs:restriction></xs:simpleType></xs:element>
      <xs:element name="e" minOccurs="0"><xs:simpleType><xs:restriction base="xs:positiveInteger"><xs:enumeration value="1"/><xs:enumeration value="10"/></xs:restriction></xs:simpleType></xs:element>
      </xs:sequence></xs:complexType></xs:element>"#,
    );
    let facet = |body: &str| -> Option<FacetKind> {
        findings(&s, body).into_iter().find_map(|f| match f.kind {
            FindingKind::BadValue { facet, .. } => Some(facet),
            _ => None,
        })
    };
    assert_eq!(facet("<t:d>100.5</t:d><t:d>-9.99</t:d><t:d>0</t:d>"), None);
    assert_eq!(facet("<t:d>1.23456</t:d>"), Some(FacetKind::TotalDigits(5)));
    assert_eq!(facet("<t:d>100.51</t:d>"), Some(FacetKind::MaxInclusive("100.5".into())));
    assert_eq!(facet("<t:d>1.125</t:d>"), Some(FacetKind::FractionDigits(2)));
    assert_eq!(facet("<t:d>-10</t:d>"), Some(FacetKind::MinExclusive("-10".into())));
    assert_eq!(facet("<t:d>101</t:d>"), Some(FacetKind::MaxInclusive("100.5".into())));
    assert_eq!(facet("<t:d>1e2</t:d>"), Some(FacetKind::Lexical(duis_xsd::model::Builtin::Decimal)));
    // base64 lengths count decoded octets, whitespace allowed.
    assert_eq!(facet("<t:d>1</t:d><t:b>QUI=</t:b><t:b>QU\n JD</t:b>"), None);
    assert_eq!(facet("<t:d>1</t:d><t:b>QQ==</t:b>"), Some(FacetKind::MinLength { expected: 2, actual: 1 }));
    assert_eq!(facet("<t:d>1</t:d><t:b>QUJDRA==</t:b>"), Some(FacetKind::MaxLength { expected: 3, actual: 4 }));
    assert_eq!(facet("<t:d>1</t:d><t:h>0aFF</t:h>"), None);
    assert_eq!(facet("<t:d>1</t:d><t:h>0aF</t:h>"), Some(FacetKind::Lexical(duis_xsd::model::Builtin::HexBinary)));
    // Enumerations compare numeric values, not text.
    assert_eq!(facet("<t:d>1</t:d><t:e>010</t:e>"), None);
    assert_eq!(
        facet("<t:d>1</t:d><t:e>2</t:e>"),
        Some(FacetKind::Enumeration { listed: vec!["1".into(), "10".into()], total: 2, near: None })
    );
}

#[test]
fn wildcards_follow_process_contents() {
    let s = schema(
        r###"
      <xs:element name="Known" type="xs:int"/>
      <xs:element name="R"><xs:complexType><xs:sequence>
        <xs:element name="lax" minOccurs="0"><xs:complexType><xs:sequence><xs:any namespace="##other" processContents="lax" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
        <xs:element name="strict" minOccurs="0"><xs:complexType><xs:sequence><xs:any namespace="##any" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
        <xs:element name="skip" minOccurs="0"><xs:complexType><xs:sequence><xs:any processContents="skip"/></xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>"###,
    );
    assert!(codes(&s, r#"<t:lax><o:x xmlns:o="urn:o" a="1"><o:y>t</o:y></o:x></t:lax>"#).is_empty());
    // ##other excludes the target namespace and no namespace.
    assert_eq!(codes(&s, r#"<t:lax><t:Known>1</t:Known></t:lax>"#), ["schema.unexpected-element"]);
    assert_eq!(codes(&s, r#"<t:lax><x/></t:lax>"#), ["schema.unexpected-element"]);
    assert!(codes(&s, r#"<t:strict><t:Known>1</t:Known></t:strict>"#).is_empty());
    assert_eq!(codes(&s, r#"<t:strict><t:Known>x</t:Known></t:strict>"#), ["schema.bad-value"]);
    assert_eq!(codes(&s, r#"<t:strict><t:Unknown/></t:strict>"#), ["schema.undeclared-element"]);
    assert!(codes(&s, r#"<t:skip><t:Known>x<b/></t:Known></t:skip>"#).is_empty());
    let f = findings(&s, r#"<t:skip/>"#);
    assert!(
        matches!(&f[..], [Finding { kind: FindingKind::MissingElement { expected, .. }, .. }] if expected == &[Expected::AnyElement]),
        "{f:?}"
    );
}

#[test]
fn abstract_types_are_rejected_on_instances() {
    let s = schema(
        r#"
      <xs:complexType name="A" abstract="true"><xs:sequence><xs:element name="x" type="xs:int" minOccurs="0"/></xs:sequence></xs:complexType>
      <xs:complexType name="B"><xs:complexContent><xs:extension base="t:A"><xs:sequence><xs:element name="y" type="xs:int"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
      <xs:element name="R"><xs:complexType><xs:sequence>
        <xs:element name="b" type="t:B" minOccurs="0"/><xs:element name="a" type="t:A" minOccurs="0"/>
      </xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&s, "<t:b><t:x>1</t:x><t:y>2</t:y></t:b>").is_empty());
    assert!(codes(&s, "<t:b><t:y>2</t:y></t:b>").is_empty());
    assert_eq!(codes(&s, "<t:b><t:y>2</t:y><t:x>1</t:x></t:b>"), ["schema.unexpected-element"]);
    assert_eq!(codes(&s, "<t:a/>"), ["schema.abstract-type"]);
}

#[test]
fn validator_is_reusable_and_reports_misuse() {
    let s = root(r#"<xs:sequence/>"#);
    let mut v = s.validator();
    let mut f: Vec<Finding> = Vec::new();
    for _ in 0..2 {
        v.start_element("urn:t", "R", [], 0..1, &mut f);
        v.end_element(1..2, &mut f);
        assert!(v.finish(2..2, &mut f));
    }
    v.end_element(0..1, &mut f);
    v.start_element("urn:t", "R", [], 0..1, &mut f);
    assert!(!v.finish(2..2, &mut f));
    assert_eq!(f.iter().map(Finding::code).collect::<Vec<_>>(), ["usage", "usage"]);
    assert!(!v.finish(0..0, &mut f));
}

#[test]
fn findings_display_without_debug_noise() {
    let s = root(r#"<xs:sequence><xs:element name="a" type="xs:int"/></xs:sequence>"#);
    let f = findings(&s, "<t:b/>");
    assert_eq!(f[0].to_string(), "element {urn:t}b not allowed here; expected one of: {urn:t}a");
    assert_eq!(f[0].span, 21..27);
}

#[test]
fn an_enumeration_failure_lists_the_members_and_the_likely_one() {
    let members: String = ["Event", "Security"].iter().map(|m| format!(r#"<xs:enumeration value="{m}"/>"#)).collect();
    let many: String = (0..30).map(|i| format!(r#"<xs:enumeration value="V{i:02}"/>"#)).collect();
    let s = root(&format!(
        r#"<xs:sequence><xs:element name="L" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string">{members}</xs:restriction></xs:simpleType></xs:element>
        <xs:element name="M" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string">{many}</xs:restriction></xs:simpleType></xs:element></xs:sequence>"#
    ));
    let message = |body: &str| findings(&s, body)[0].to_string();
    assert_eq!(
        message("<t:L>event</t:L>"),
        r#"element {urn:t}L: value "event" is not one of the allowed values: "Event", "Security"; did you mean "Event"?"#
    );
    assert_eq!(
        message("<t:L>Audit</t:L>"),
        r#"element {urn:t}L: value "Audit" is not one of the allowed values: "Event", "Security""#
    );
    let long = message("<t:M>V3</t:M>");
    assert!(long.ends_with(r#""V10", "V11", and 18 more"#), "{long}");
}

/// A sink that keeps nothing, as a full one: what it is handed is what a dropped finding cost.
struct Full(Vec<Finding>);

impl duis_xsd::Sink for Full {
    fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    fn full(&self) -> bool {
        true
    }
}

#[test]
fn a_finding_past_the_limit_carries_no_details() {
    // A flood of bad values past the findings limit must cost a count each, not a list of
    // members and a near-miss search each.
    let members: String = ["Event", "Security"].iter().map(|m| format!(r#"<xs:enumeration value="{m}"/>"#)).collect();
    let s = root(&format!(
        r#"<xs:sequence><xs:element name="L" maxOccurs="unbounded"><xs:simpleType><xs:restriction base="xs:string">{members}</xs:restriction></xs:simpleType></xs:element>
        <xs:element name="P"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[A-Z].*"/></xs:restriction></xs:simpleType></xs:element></xs:sequence>"#
    ));
    let mut v = s.validator();
    let mut sink = Full(Vec::new());
    v.start_element("urn:t", "R", [], 0..1, &mut sink);
    for (element, value) in [("L", "event"), ("L", "Audit"), ("P", "lower")] {
        v.start_element("urn:t", element, [], 1..2, &mut sink);
        v.end_element_with_text(value, 2..3, 3..4, &mut sink);
    }
    let facets: Vec<FacetKind> = sink
        .0
        .into_iter()
        .filter_map(|f| match f.kind {
            FindingKind::BadValue { facet, .. } => Some(facet),
            _ => None,
        })
        .collect();
    let enumeration = FacetKind::Enumeration { listed: vec![], total: 2, near: None };
    assert_eq!(facets, [enumeration.clone(), enumeration, FacetKind::Pattern(vec![])]);
}

#[test]
fn a_misspelt_element_name_suggests_the_expected_one() {
    let s = root(
        r#"<xs:choice><xs:element name="ReadEventOrSecurityLog" type="xs:int"/><xs:element name="LogToRead" type="xs:int"/><xs:element name="Ab" type="xs:int"/></xs:choice>"#,
    );
    for (written, meant) in [
        ("ReadEventOrSecurityLogs", Some("ReadEventOrSecurityLog")), // one edit in 23 characters
        ("ReadEvnetOrSecurityLog", Some("ReadEventOrSecurityLog")),  // a transposition
        ("READEVENTORSECURITYLOG", Some("ReadEventOrSecurityLog")),  // case only
        ("LogToread", Some("LogToRead")),
        ("LogTo", None),     // four edits in five characters: too far
        ("Abc", Some("Ab")), // at least one edit for short names
        ("Xyz", None),
        ("A", None), // too short to call a slip
    ] {
        let f = findings(&s, &format!("<t:{written}/>"));
        let message = f[0].to_string();
        match meant {
            Some(meant) => assert!(
                message.contains(&format!("not allowed here; did you mean {{urn:t}}{meant}? expected one of:")),
                "{written}: {message}"
            ),
            None => assert!(!message.contains("did you mean"), "{written}: {message}"),
        }
    }
    // Another namespace with the same local name is said as such, not as a misspelling.
    let f = findings(&s, "<LogToRead xmlns=''/>");
    assert!(!f[0].to_string().contains("did you mean"), "{}", f[0]);
}

/// Every kind of DUIS document has a global declaration to start from: requests, responses,
/// alerts, SMETS1 roots, MMC roots and the xmldsig elements. Uses the committed tables,
/// so it needs no corpus.
#[test]
fn every_duis_root_is_declared() {
    const SR: &str = "http://www.dccinterface.co.uk/ServiceUserGateway";
    const RA: &str = "http://www.dccinterface.co.uk/ResponseAndAlert";
    const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    let schema = &crate::generated::SCHEMA;
    for (ns, local) in [
        (SR, "Request"),
        (SR, "Response"),
        (SR, "SMETS1SignedResponse"),
        (SR, "S1SPAlert"),
        (RA, "GBCSData"),
        (RA, "GBCSResponse"),
        (DS, "Signature"),
    ] {
        let mut v = schema.validator();
        let mut f: Vec<Finding> = Vec::new();
        v.start_element(ns, local, [], 0..1, &mut f);
        v.end_element(1..2, &mut f);
        v.finish(2..2, &mut f);
        assert!(!f.iter().any(|f| matches!(f.kind, FindingKind::UnknownRoot { .. })), "{local}: {f:?}");
    }
    let mut v = schema.validator();
    let mut f: Vec<Finding> = Vec::new();
    v.start_element(SR, "Nope", [], 0..1, &mut f);
    v.end_element(1..2, &mut f);
    assert!(!v.finish(2..2, &mut f));
    assert_eq!(f[0].code(), "schema.unknown-root");
}

/// A minimal Service Request against the committed tables: valid, then one facet broken.
#[test]
fn generated_tables_validate_a_request() {
    let req = r#"<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">
  <sr:Header>
    <sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000</sr:RequestID>
    <sr:CommandVariant>1</sr:CommandVariant>
    <sr:ServiceReference>8.2</sr:ServiceReference>
    <sr:ServiceReferenceVariant>8.2</sr:ServiceReferenceVariant>
  </sr:Header>
  <sr:Body>
    <sr:ReadInventory><sr:DeviceId>00-DB-12-34-56-78-90-A0</sr:DeviceId></sr:ReadInventory>
  </sr:Body>
</sr:Request>"#;
    let f = validate(&crate::generated::SCHEMA, req).unwrap();
    let codes: Vec<_> = f.iter().map(Finding::code).collect();
    // ReadInventory's exact content is the schema's business; the header must pass.
    assert!(
        !f.iter().any(|f| matches!(&f.kind, FindingKind::BadValue { element, .. } if element.local == "RequestID")),
        "{codes:?}"
    );
    let bad = req.replace(":1000</sr:RequestID>", ":18446744073709551616</sr:RequestID>");
    let f = validate(&crate::generated::SCHEMA, &bad).unwrap();
    assert!(
        f.iter().any(|f| matches!(&f.kind, FindingKind::BadValue { element, facet: FacetKind::Pattern(_), .. } if element.local == "RequestID")),
        "{f:?}"
    );
}

#[test]
fn a_long_list_of_expected_elements_is_cut_in_the_message_not_in_the_finding() {
    let choices: String = (0..30).map(|i| format!(r#"<xs:element name="e{i}" type="xs:int"/>"#)).collect();
    let s = root(&format!("<xs:choice>{choices}</xs:choice>"));
    let f = findings(&s, "<t:b/>");
    let message = f[0].to_string();
    assert!(message.ends_with("{urn:t}e11, and 18 more"), "{message}");
    match &f[0].kind {
        duis_xsd::FindingKind::UnexpectedElement { expected, .. } => assert_eq!(expected.len(), 30),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_choice_matches_nothing() {
    // XSD 1.0 Part 1 §3.8.4: a choice with no members (or none that may occur) is never satisfied.
    for content in [
        r#"<xs:choice/>"#,
        r#"<xs:choice><xs:element name="a" type="xs:int" minOccurs="0" maxOccurs="0"/></xs:choice>"#,
    ] {
        let s = root(content);
        assert_eq!(codes(&s, ""), ["schema.missing-element"], "{content}");
    }
    // Made optional, it is satisfied by nothing.
    assert!(codes(&root(r#"<xs:choice minOccurs="0"/>"#), "").is_empty());
    assert!(codes(&root(r#"<xs:sequence/>"#), "").is_empty());
}

#[test]
fn boolean_and_form_attributes_are_read_as_their_types() {
    // abstract="1" is abstract; mixed="1" is mixed; white space around a form is collapsed.
    let abstract_one = schema(
        r#"<xs:complexType name="A" abstract="1"><xs:sequence/></xs:complexType><xs:element name="R" type="t:A"/>"#,
    );
    assert_eq!(codes(&abstract_one, ""), ["schema.abstract-type"]);
    let mixed = schema(
        r#"<xs:element name="R"><xs:complexType mixed="1"><xs:sequence><xs:element name="a" type="xs:int" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>"#,
    );
    assert!(codes(&mixed, "text <t:a>1</t:a> more").is_empty());
    let spaced = duis_xsd::compile("s.xsd", &|_| {
        Some(
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault=" qualified ">
                 <xs:element name="R"><xs:complexType><xs:sequence><xs:element name="a" type="xs:int"/></xs:sequence></xs:complexType></xs:element>
               </xs:schema>"#
                .to_owned(),
        )
    })
    .unwrap();
    assert!(validate(&spaced, r#"<t:R xmlns:t="urn:t"><t:a>1</t:a></t:R>"#).unwrap().is_empty());
    let bad = duis_xsd::compile("s.xsd", &|_| {
        Some(r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="Qualified"/>"#.to_owned())
    });
    assert!(bad.is_err());
    // complexContent's own mixed="false" overrides the type's mixed="true".
    let overridden = schema(
        r#"<xs:complexType name="B"><xs:sequence><xs:element name="a" type="xs:int" minOccurs="0"/></xs:sequence></xs:complexType>
           <xs:element name="R"><xs:complexType mixed="true"><xs:complexContent mixed="false"><xs:extension base="t:B"/></xs:complexContent></xs:complexType></xs:element>"#,
    );
    assert_eq!(codes(&overridden, "text"), ["schema.unexpected-text"]);
}

#[test]
fn enumeration_values_keep_the_base_type_s_white_space_whatever_the_facet_order() {
    for facets in [
        r#"<xs:whiteSpace value="collapse"/><xs:enumeration value=" a "/>"#,
        r#"<xs:enumeration value=" a "/><xs:whiteSpace value="collapse"/>"#,
    ] {
        let s = schema(&format!(
            r#"<xs:simpleType name="E"><xs:restriction base="xs:string">{facets}</xs:restriction></xs:simpleType><xs:element name="R" type="t:E"/>"#
        ));
        let xml = r#"<t:R xmlns:t="urn:t">a</t:R>"#;
        let found: Vec<_> = validate(&s, xml).unwrap().iter().map(Finding::code).collect();
        assert_eq!(found, ["schema.bad-value"], "{facets}");
    }
}

#[test]
fn enumerations_are_matched_whatever_their_order_and_size() {
    // Members written out of order, duplicated, and many: looked up by binary search.
    let mut members: Vec<String> = (0..5_000).map(|i| format!("m{i}")).collect();
    members.extend(["zeta".into(), "alpha".into(), "zeta".into(), "Mid".into()]);
    let list: String = members.iter().map(|m| format!(r#"<xs:enumeration value="{m}"/>"#)).collect();
    let s = schema(&format!(
        r#"<xs:element name="R"><xs:complexType><xs:sequence><xs:element name="v" maxOccurs="unbounded"><xs:simpleType><xs:restriction base="xs:string">{list}</xs:restriction></xs:simpleType></xs:element></xs:sequence></xs:complexType></xs:element>"#
    ));
    for good in ["alpha", "zeta", "Mid", "m0", "m4999", "m2500"] {
        assert!(codes(&s, &format!("<t:v>{good}</t:v>")).is_empty(), "{good}");
    }
    for bad in ["", "Alpha", "m5000", "zeta ", "mid", "n"] {
        assert_eq!(codes(&s, &format!("<t:v>{bad}</t:v>")), ["schema.bad-value"], "{bad:?}");
    }
}
