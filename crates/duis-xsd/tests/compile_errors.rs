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
    ); // `block` limits the types an `xsi:type` may name: refused, never ignored. An empty list
    // blocks nothing, and `final` only limits the schema's own derivations.
    unsupported(r#"<xs:element name="E" type="xs:int" block="extension"/>"#, "block");
    unsupported(r##"<xs:complexType name="T" block="#all"><xs:sequence/></xs:complexType>"##, "block");
    let blocked = duis_xsd::compile("b.xsd", &|_| {
        Some(r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" blockDefault="restriction"/>"#.to_owned())
    })
    .expect_err("blockDefault");
    assert!(matches!(&blocked.kind, CompileErrorKind::Unsupported(c) if c.contains("blockDefault")), "{blocked}");
    compile(r#"<xs:complexType name="T" block=" " final="extension"><xs:sequence/></xs:complexType>"#).unwrap();
}

#[test]
fn types_share_one_symbol_space() {
    for body in [
        r#"<xs:simpleType name="T"><xs:restriction base="xs:int"/></xs:simpleType><xs:complexType name="T"/>"#,
        r#"<xs:complexType name="T"/><xs:simpleType name="T"><xs:restriction base="xs:int"/></xs:simpleType>"#,
    ] {
        let e = compile(body).expect_err(body);
        assert!(matches!(&e.kind, CompileErrorKind::Invalid(m) if m.contains("two type definitions")), "{e}");
    }
    // An element and a type may share a name.
    compile(r#"<xs:complexType name="T"/><xs:element name="T" type="t:T"/>"#).unwrap();
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
    // A document cut short is reported where it ends, not at its start.
    let cut = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n  <xs:element name=\"E\"/>\n  <xs:elem";
    let e = duis_xsd::compile("cut.xsd", &|_: &str| Some(cut.to_owned())).unwrap_err();
    assert!(matches!(e.kind, CompileErrorKind::Xml(_)), "{e}");
    assert_eq!((e.location.line, e.location.column), (3, 11), "{e}");
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

/// A hostile schema is refused with a clear error, not compiled for minutes into gigabytes:
/// nested repeated groups, long runs of optional particles, long derivation chains, many
/// patterns, many schema documents.
#[test]
fn schemas_beyond_the_compile_bounds_are_refused() {
    // maxOccurs 64 five deep: 10^9 states once unrolled.
    let nested = (0..5).fold(r#"<xs:element name="a" type="xs:int"/>"#.to_owned(), |inner, _| {
        format!(r#"<xs:sequence maxOccurs="64">{inner}</xs:sequence>"#)
    });
    unsupported(&format!(r#"<xs:element name="E"><xs:complexType>{nested}</xs:complexType></xs:element>"#), "states");
    // 2,000 optional elements: a transition from each to every later one.
    let optional: String =
        (0..2_000).map(|i| format!(r#"<xs:element name="e{i}" type="xs:int" minOccurs="0"/>"#)).collect();
    unsupported(
        &format!(
            r#"<xs:element name="E"><xs:complexType><xs:sequence>{optional}</xs:sequence></xs:complexType></xs:element>"#
        ),
        "transitions",
    );
    // 300 restrictions, and 300 extensions, one on another.
    let restrictions: String = (1..300)
        .map(|i| format!(r#"<xs:simpleType name="S{i}"><xs:restriction base="t:S{}"/></xs:simpleType>"#, i - 1))
        .collect();
    unsupported(
        &format!(
            r#"<xs:simpleType name="S0"><xs:restriction base="xs:int"/></xs:simpleType>{restrictions}<xs:element name="E" type="t:S299"/>"#
        ),
        "type derivations",
    );
    let extensions: String = (1..300)
        .map(|i| {
            format!(
                r#"<xs:complexType name="C{i}"><xs:complexContent><xs:extension base="t:C{}"><xs:sequence><xs:element name="e{i}" type="xs:int"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>"#,
                i - 1
            )
        })
        .collect();
    unsupported(
        &format!(
            r#"<xs:complexType name="C0"><xs:sequence/></xs:complexType>{extensions}<xs:element name="E" type="t:C299"/>"#
        ),
        "type derivations",
    );
    // 201 pattern facets.
    let patterns: String =
        (0..201).map(|i| format!(r#"<xs:simpleType name="P{i}"><xs:restriction base="xs:string"><xs:pattern value="a{i}"/></xs:restriction></xs:simpleType>"#)).collect();
    unsupported(&patterns, "pattern facets");
    // Nine patterns that compile large (XSD's Unicode `\w`, repeated); eight are taken.
    let large = |n: usize| -> String {
        (0..n).map(|i| format!(r#"<xs:simpleType name="L{i}"><xs:restriction base="xs:string"><xs:pattern value="\w{{20}}{i}"/></xs:restriction></xs:simpleType>"#)).collect()
    };
    compile(&large(8)).expect("eight large patterns");
    unsupported(&large(9), "patterns compiling to over 256 KiB");
    // Nesting, which the compiler walks recursively, is bounded before the walk: no stack
    // overflow, whatever the depth.
    let nested = format!(
        r#"<xs:element name="E"><xs:complexType>{}<xs:element name="x" type="xs:int"/>{}</xs:complexType></xs:element>"#,
        "<xs:sequence>".repeat(20_000),
        "</xs:sequence>".repeat(20_000)
    );
    unsupported(&nested, "nested more than 128 deep");
    let fine = format!(
        r#"<xs:element name="E"><xs:complexType>{}<xs:element name="x" type="xs:int"/>{}</xs:complexType></xs:element>"#,
        "<xs:sequence>".repeat(100),
        "</xs:sequence>".repeat(100)
    );
    compile(&fine).expect("100 nested sequences");
    // Budgets over the whole schema: many items, each within its own bound, add up.
    // Eleven content models of a 300-element sequence repeated 64 times: 19,200 states each,
    // under the per-model bound of 20,000, over 200,000 in all.
    let repeated: String = (0..11)
        .map(|t| {
            let items: String = (0..300).map(|i| format!(r#"<xs:element name="e{i}" type="xs:int"/>"#)).collect();
            format!(
                r#"<xs:complexType name="C{t}"><xs:sequence minOccurs="64" maxOccurs="64">{items}</xs:sequence></xs:complexType>"#
            )
        })
        .collect();
    unsupported(&repeated, "states or 1000000 transitions in all");
    // Unique Particle Attribution is checked through a map of names, not pair by pair: eleven
    // optional elements before a choice of 19,980 compile at once, and a clash among them is
    // still found.
    let wide = |clash: bool| {
        let optional: String =
            (0..11).map(|i| format!(r#"<xs:element name="x{i}" type="xs:int" minOccurs="0"/>"#)).collect();
        let last = if clash { "x10" } else { "a19979" };
        let choice: String = (0..19_979)
            .map(|i| format!(r#"<xs:element name="a{i}" type="xs:int"/>"#))
            .chain([format!(r#"<xs:element name="{last}" type="xs:int"/>"#)])
            .collect();
        compile(&format!(
            r#"<xs:complexType name="W"><xs:sequence>{optional}<xs:choice>{choice}</xs:choice></xs:sequence></xs:complexType>"#
        ))
    };
    wide(false).expect("a wide choice");
    assert!(matches!(wide(true).expect_err("x10 twice").kind, CompileErrorKind::NotDeterministic(_)));
    // 20 chains of 256 extensions, each under the derivation bound: each copies its base's
    // particles, 500,000 particles are passed early.
    let chains: String = (0..20)
        .map(|c| {
            let steps: String = (1..256)
                .map(|i| {
                    format!(
                        r#"<xs:complexType name="X{c}_{i}"><xs:complexContent><xs:extension base="t:X{c}_{}"><xs:sequence><xs:element name="e{i}" type="xs:int"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>"#,
                        i - 1
                    )
                })
                .collect();
            format!(r#"<xs:complexType name="X{c}_0"><xs:sequence/></xs:complexType>{steps}"#)
        })
        .collect();
    unsupported(&chains, "particles in all");
    // A schema importing itself under ever new names.
    let e = duis_xsd::compile("s0.xsd", &|loc| {
        let n: usize = loc.trim_start_matches('s').trim_end_matches(".xsd").parse().ok()?;
        Some(format!(
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import schemaLocation="s{}.xsd"/></xs:schema>"#,
            n + 1
        ))
    })
    .expect_err("an endless import chain");
    assert!(e.to_string().contains("schema documents"), "{e}");
}

/// Entities in a schema's DOCTYPE are expanded only within a bound, and never nested.
#[test]
fn schema_entities_are_bounded() {
    let schema = |subset: &str, uses: &str| {
        format!(
            r#"<!DOCTYPE xs:schema [{subset}]><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="R" type="xs:string"><xs:annotation><xs:documentation>{uses}</xs:documentation></xs:annotation></xs:element></xs:schema>"#
        )
    };
    let compile = |text: String| duis_xsd::compile("e.xsd", &|_| Some(text.clone()));
    let big = format!(r#"<!ENTITY a "{}">"#, "x".repeat(100_000));
    let e = compile(schema(&big, &"&a;".repeat(20))).expect_err("2 MB of expansion");
    assert!(e.to_string().contains("more than 1048576 bytes"), "{e}");
    let e = compile(schema(r#"<!ENTITY a "x"><!ENTITY b "&a;&a;">"#, "&b;")).expect_err("nested");
    assert!(e.to_string().contains("refers to another entity"), "{e}");
    // A short entity, as xmldsig-core-schema.xsd declares, is fine.
    assert!(compile(schema(r#"<!ENTITY a "x"><!ENTITY % p ''>"#, "&a;&a;")).is_ok());
}

/// Imports resolve against the importing document, and one document reached under two
/// spellings (a cycle, `./`, `sub/..`) is read once.
#[test]
fn imports_resolve_against_the_importing_document() {
    let asked = std::cell::RefCell::new(Vec::new());
    let schema = duis_xsd::compile("dir/main.xsd", &|loc| {
        asked.borrow_mut().push(loc.to_owned());
        let import = |ns: &str, at: &str| format!(r#"<xs:import namespace="{ns}" schemaLocation="{at}"/>"#);
        let (tns, imports, element) = match loc {
            "dir/main.xsd" => ("urn:m", import("urn:b", "sub/b.xsd"), "M"),
            "dir/sub/b.xsd" => ("urn:b", import("urn:c", "c.xsd") + &import("urn:m", "../main.xsd"), "B"),
            "dir/sub/c.xsd" => ("urn:c", import("urn:c", "./c.xsd") + &import("urn:b", "../sub/b.xsd"), "C"),
            _ => return None,
        };
        Some(format!(
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{tns}">{imports}<xs:element name="{element}" type="xs:int"/></xs:schema>"#
        ))
    });
    assert!(schema.is_ok(), "{:?}", schema.err().map(|e| e.to_string()));
    assert_eq!(*asked.borrow(), ["dir/main.xsd", "dir/sub/b.xsd", "dir/sub/c.xsd"]);
}

#[test]
fn facets_no_value_can_satisfy_are_refused() {
    let restriction = |base: &str, facets: &str| {
        format!(r#"<xs:simpleType name="S"><xs:restriction base="{base}">{facets}</xs:restriction></xs:simpleType>"#)
    };
    for (base, facets) in [
        ("xs:string", r#"<xs:minLength value="5"/><xs:maxLength value="2"/>"#),
        ("xs:string", r#"<xs:length value="3"/><xs:maxLength value="2"/>"#),
        ("xs:decimal", r#"<xs:totalDigits value="2"/><xs:fractionDigits value="3"/>"#),
        ("xs:integer", r#"<xs:minInclusive value="5"/><xs:maxInclusive value="2"/>"#),
        ("xs:integer", r#"<xs:minExclusive value="5"/><xs:maxExclusive value="-2"/>"#),
        ("xs:decimal", r#"<xs:minInclusive value="2.0"/><xs:maxExclusive value="2"/>"#),
        ("xs:integer", r#"<xs:minExclusive value="7"/><xs:maxInclusive value="7"/>"#),
    ] {
        let e = compile(&restriction(base, facets)).unwrap_err();
        assert!(matches!(e.kind, CompileErrorKind::Invalid(_)), "{facets}: {e}");
    }
    // Across a derivation: the derived type's minimum above its base's maximum.
    let e = compile(&format!(
        "{}{}",
        restriction("xs:string", r#"<xs:maxLength value="2"/>"#),
        r#"<xs:simpleType name="D"><xs:restriction base="t:S"><xs:minLength value="5"/></xs:restriction></xs:simpleType>"#
    ))
    .unwrap_err();
    assert!(e.to_string().contains("a minimum length of 5 above the maximum 2"), "{e}");
    // Legal, if narrow: one value, or (exclusive bounds equal) none, which XSD allows.
    for facets in [
        r#"<xs:minInclusive value="2"/><xs:maxInclusive value="2"/>"#,
        r#"<xs:minExclusive value="2"/><xs:maxExclusive value="2"/>"#,
    ] {
        assert!(compile(&restriction("xs:integer", facets)).is_ok(), "{facets}");
    }
}

/// Patterns are bounded in length, in group nesting (the translator recurses per group) and
/// in compiled size, so a hostile `--schema` costs milliseconds, not gigabytes.
#[test]
fn pattern_costs_are_bounded() {
    let pattern = |p: &str| {
        compile(&format!(
            r#"<xs:simpleType name="P"><xs:restriction base="xs:string"><xs:pattern value="{p}"/></xs:restriction></xs:simpleType>"#
        ))
    };
    let message = |p: &str| match pattern(p).expect_err(p).kind {
        CompileErrorKind::Pattern { pattern, message, .. } => (pattern, message),
        other => panic!("{other:?}"),
    };
    let long = "a".repeat(1_000_000);
    let (quoted, why) = message(&long);
    assert!(why.contains("longer than 4096 bytes"), "{why}");
    assert!(quoted.len() < 300 && quoted.ends_with("(1000000 characters)"), "{quoted}");
    let deep = format!("{}a{}", "(".repeat(101), ")".repeat(101));
    assert!(message(&deep).1.contains("groups nested more than 100 deep"));
    // At the bound, in both shapes: the library's own nesting limit is never what refuses.
    assert!(pattern(&format!("{}a{}", "(".repeat(100), ")".repeat(100))).is_ok());
    assert!(pattern(&format!("{}{}", "(a".repeat(100), ")".repeat(100))).is_ok());
    // A refusal by the regex library names its reason, not the whole translated pattern.
    let (_, why) = message(&"\\w{9}".repeat(40));
    assert!(why.contains("size limit") && why.len() < 200, "{why}");
    assert!(message(r"\w{190}").1.contains("size limit"));
    assert!(pattern(r"\w{1,64}").is_ok());
}
