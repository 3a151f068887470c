//! Canonical XML vectors. Inputs and outputs are the W3C recommendations' own examples
//! (REC-xml-c14n-20010315 §3, without comments; REC-xml-exc-c14n-20020718 §2.2), adapted only
//! where our reader differs by design: no DOCTYPE (so no default attributes and no entities),
//! one rule per test otherwise.

use proptest::prelude::*;

use crate::dsig::{SigPass, canonicalize, digest_and_signed_info};

fn c14n(input: &str) -> String {
    String::from_utf8(canonicalize(input.as_bytes()).expect("well formed")).unwrap()
}

#[test]
fn c14n_3_1_pis_comments_and_outside_of_document_element() {
    // The DOCTYPE of the W3C example is left out: our reader refuses DOCTYPEs.
    let input = "<?xml version=\"1.0\"?>\n\n<?xml-stylesheet   href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n\n\
                 <doc>Hello, world!<!-- Comment 1 --></doc>\n\n<?pi-without-data     ?>\n\n<!-- Comment 2 -->\n\n<!-- Comment 3 -->\n";
    assert_eq!(
        c14n(input),
        "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>"
    );
}

#[test]
fn c14n_3_2_whitespace_in_document_content_is_kept() {
    let input = "<doc>\n   <clean>   </clean>\n   <dirty>   A   B   </dirty>\n   <mixed>\n      A\n      <clean>   </clean>\n      B\n      <dirty>   A   B   </dirty>\n      C\n   </mixed>\n</doc>";
    assert_eq!(c14n(input), input);
}

#[test]
fn c14n_3_3_start_and_end_tags() {
    let input = r#"<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>"#;
    // As the W3C output, less e9's attr="default", which came from the example's DTD.
    let expected = r#"<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6 xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9 xmlns:a="http://www.ietf.org"></e9>
         </e8>
      </e7>
   </e6>
</doc>"#;
    assert_eq!(c14n(input), expected);
}

#[test]
fn c14n_3_4_character_modifications_and_character_references() {
    let input = "<doc>\n   <text>First line&#x0d;&#10;Second line</text>\n   <value>&#x32;</value>\n   \
                 <compute><![CDATA[value>\"0\" && value<\"10\" ?\"valid\":\"error\"]]></compute>\n   \
                 <compute expr='value>\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"'>valid</compute>\n   \
                 <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>\n   \
                 <normNames attr='   A   &#x20;&#13;&#xa;&#9;   B   '/>\n</doc>";
    // Without the example's DTD every attribute is CDATA, so normNames is not collapsed.
    let expected = "<doc>\n   <text>First line&#xD;\nSecond line</text>\n   <value>2</value>\n   \
                    <compute>value&gt;\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"</compute>\n   \
                    <compute expr=\"value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;\">valid</compute>\n   \
                    <norm attr=\" '    &#xD;&#xA;&#x9;   ' \"></norm>\n   \
                    <normNames attr=\"   A    &#xD;&#xA;&#x9;   B   \"></normNames>\n</doc>";
    assert_eq!(c14n(input), expected);
}

#[test]
fn c14n_3_6_utf8_and_references_to_non_ascii() {
    assert_eq!(c14n("<doc>&#169;</doc>"), "<doc>©</doc>");
}

#[test]
fn xml_declaration_is_dropped_and_literal_line_ends_become_lf() {
    assert_eq!(c14n("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<a>x\r\ny\rz</a>\r\n"), "<a>x\ny\nz</a>");
    // In an attribute, a literal CRLF is one line end, normalised to one space.
    assert_eq!(c14n("<a b=\"x\r\ny\"/>"), "<a b=\"x y\"></a>");
    // A CR written as a reference is data: kept, and escaped.
    assert_eq!(c14n("<a>x&#13;</a>"), "<a>x&#xD;</a>");
    assert_eq!(c14n("<a><![CDATA[x\r\ny]]></a>"), "<a>x\ny</a>");
}

#[test]
fn text_escapes_amp_lt_gt_and_attributes_escape_amp_lt_quot_and_whitespace_refs() {
    assert_eq!(c14n("<a>&amp;&lt;&gt;&quot;&apos;</a>"), "<a>&amp;&lt;&gt;\"'</a>");
    assert_eq!(
        c14n("<a b='&amp;&lt;&gt;&quot;&apos;&#9;&#10;&#13;'/>"),
        "<a b=\"&amp;&lt;>&quot;'&#x9;&#xA;&#xD;\"></a>"
    );
}

#[test]
fn namespaced_attributes_sort_by_uri_then_local_name() {
    let input = r#"<a xmlns:z="urn:a" xmlns:y="urn:b" y:k="1" z:k="2" b="3" z:a="4"/>"#;
    assert_eq!(c14n(input), r#"<a xmlns:y="urn:b" xmlns:z="urn:a" b="3" z:a="4" z:k="2" y:k="1"></a>"#);
}

#[test]
fn the_root_signature_is_left_out_and_its_sibling_whitespace_kept() {
    let input = "<r xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n  <b/>\n  <ds:Signature><ds:SignedInfo/></ds:Signature>\n</r>";
    assert_eq!(c14n(input), "<r xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n  <b></b>\n  \n</r>");
    // Only a child of the root is the enveloped signature; one deeper is signed content.
    let deeper = "<r><b><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/></b></r>";
    assert_eq!(
        c14n(deeper),
        "<r><b><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"></ds:Signature></b></r>"
    );
}

fn signed_info(input: &str) -> String {
    String::from_utf8(digest_and_signed_info(input.as_bytes()).unwrap().signed_info).unwrap()
}

#[test]
fn exclusive_c14n_renders_only_visibly_used_namespaces() {
    // Exc-C14N §2.2: the apex gets the namespaces it and its attributes use, not the ones
    // merely in scope from ancestors.
    let input = r#"<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:x="urn:x" xmlns="urn:d"><ds:Signature><ds:SignedInfo a="1"><ds:Reference x:y="2"/></ds:SignedInfo></ds:Signature></r>"#;
    assert_eq!(
        signed_info(input),
        r#"<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#" a="1"><ds:Reference xmlns:x="urn:x" x:y="2"></ds:Reference></ds:SignedInfo>"#
    );
}

#[test]
fn exclusive_c14n_with_a_default_namespace_and_no_prefix() {
    let input = "<r><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">\n<SignedInfo>\n <Reference/>\n</SignedInfo></Signature></r>";
    assert_eq!(
        signed_info(input),
        "<SignedInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\">\n <Reference></Reference>\n</SignedInfo>"
    );
    // An unprefixed apex with no default namespace gets no xmlns="".
    let none = "<r xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:Signature><ds:SignedInfo><a/></ds:SignedInfo></ds:Signature></r>";
    assert_eq!(
        signed_info(none),
        "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><a></a></ds:SignedInfo>"
    );
}

/// Names, values and text that exercise every escaping rule.
fn text_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just(" ".to_owned()),
            Just("&amp;".to_owned()),
            Just("&lt;".to_owned()),
            Just(">".to_owned()),
            Just("&#13;".to_owned()),
            Just("\r\n".to_owned()),
            Just("\r".to_owned()),
            Just("\t".to_owned()),
            Just("\"".to_owned()),
            Just("é".to_owned()),
            Just("<![CDATA[x<&]]>".to_owned()),
            Just("<?p  d?>".to_owned()),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn attribute_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("v".to_owned()),
            Just("&amp;".to_owned()),
            Just("&lt;".to_owned()),
            Just(">".to_owned()),
            Just("&quot;".to_owned()),
            Just("&#9;".to_owned()),
            Just("&#10;".to_owned()),
            Just("&#13;".to_owned()),
            Just("\r\n".to_owned()),
            Just("\t".to_owned()),
        ],
        0..5,
    )
    .prop_map(|parts| parts.concat())
}

/// A random element tree, as written by a non-canonical producer.
fn element_strategy() -> impl Strategy<Value = String> {
    let leaf = (0usize..3, attribute_strategy(), text_strategy(), any::<bool>()).prop_map(|(n, value, text, empty)| {
        let name = ["a", "p:b", "q:c"][n];
        if empty {
            format!("<{name} z=\"{value}\"  p:y='{value}' />")
        } else {
            format!("<{name} z=\"{value}\">{text}</{name}>")
        }
    });
    leaf.prop_recursive(3, 16, 4, |inner| {
        (proptest::collection::vec(inner, 0..4), 0usize..3, any::<bool>(), text_strategy()).prop_map(
            |(children, n, redeclare, text)| {
                let name = ["d", "p:e", "f"][n];
                let declarations = if redeclare { " xmlns:p=\"urn:p\" xmlns=\"urn:other\"" } else { "" };
                format!("<{name}{declarations}>{text}{}</{name}>", children.concat())
            },
        )
    })
}

proptest! {
    #[test]
    fn canonicalising_canonical_output_is_the_identity(body in element_strategy(), before in any::<bool>()) {
        let pi = if before { "<?x  y ?>\n" } else { "" };
        let document = format!("{pi}<root xmlns:p=\"urn:p\" xmlns:q=\"urn:q\">{body}</root>\n<?after?>");
        let once = canonicalize(document.as_bytes()).expect("generated documents are well formed");
        let twice = canonicalize(&once).expect("canonical output is well formed");
        prop_assert_eq!(String::from_utf8(twice).unwrap(), String::from_utf8(once).unwrap());
    }
}

/// Content mixing what the digest takes from the input as it lies (`<x>`, `</x>`, plain text)
/// with what it must write (attributes, `<x/>`, `</x >`, escapes, CR, references, CDATA),
/// split by comments, PIs and an enveloped signature, which break a run of raw bytes.
fn raw_and_written_strategy() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("<x />".to_owned()),
        Just("<x/>".to_owned()),
        Just("<!--c-->".to_owned()),
        Just("<?pi d?>".to_owned()),
        Just("<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'><s>t</s></ds:Signature>".to_owned()),
        text_strategy(),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        (proptest::collection::vec(inner, 0..6), 0usize..4).prop_map(|(children, n)| {
            let (open, close) = [("<x>", "</x>"), ("<p:y>", "</p:y>"), ("<x a='1'>", "</x>"), ("<x>", "</x >")][n];
            format!("{open}{}{close}", children.concat())
        })
    })
}

proptest! {
    #[test]
    fn the_streamed_digest_is_the_digest_of_the_canonical_form(
        body in proptest::collection::vec(raw_and_written_strategy(), 0..4)
    ) {
        let document = format!("<root xmlns:p=\"urn:p\">{}</root>", body.concat());
        let canonical = canonicalize(document.as_bytes()).expect("generated documents are well formed");
        let digest = digest_and_signed_info(document.as_bytes()).and_then(|o| o.digest);
        let expected = ring::digest::digest(&ring::digest::SHA256, &canonical);
        prop_assert_eq!(digest.as_ref().map(|d| d.as_slice()), Some(expected.as_ref()));
    }
}

#[test]
fn a_plain_pass_hashes_what_the_canonical_pass_writes() {
    let input = b"<a xmlns:b='urn:b'><b:c d='1'>x&amp;y</b:c></a>";
    let canonical = canonicalize(input).unwrap();
    let digest = digest_and_signed_info(input).unwrap().digest.unwrap();
    let expected = ring::digest::digest(&ring::digest::SHA256, &canonical);
    assert_eq!(digest.as_slice(), expected.as_ref());
    let _ = SigPass::canonical();
}
