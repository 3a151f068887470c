use super::*;
use crate::report::Findings;

/// Reads the whole input; returns the codes found and the events as short strings.
fn read_with(input: &[u8], limits: Limits) -> (Vec<Code>, Vec<String>, bool) {
    let mut findings = Findings::new(100);
    let mut events = Vec::new();
    let mut complete = false;
    if let Some(mut reader) = Reader::new(input, limits, &mut findings) {
        while let Some(event) = reader.next(&mut findings) {
            events.push(match event {
                Event::Start(s) => format!("<{:?}:{}@{}..{}", s.ns, s.local, s.span.start, s.span.end),
                Event::End(span) => format!(">@{}..{}", span.start, span.end),
                Event::Text(t, span) => format!("t{t:?}@{}..{}", span.start, span.end),
                Event::Ref(c, _) => format!("r{c:?}"),
                Event::CData(t, _) => format!("c{t:?}"),
                Event::Pi(t) => format!("p{t:?}"),
                Event::Comment(span) => format!("!@{}..{}", span.start, span.end),
            });
        }
        complete = reader.is_complete();
    }
    let codes = findings.finish_for_tests().into_iter().map(|f| f.code).collect();
    (codes, events, complete)
}

fn codes(input: &str) -> Vec<Code> {
    read_with(input.as_bytes(), Limits::default()).0
}

macro_rules! refused {
    ($name:ident, $input:expr, $code:expr) => {
        #[test]
        fn $name() {
            assert_eq!(codes($input), vec![$code], "{:?}", $input);
        }
    };
}

refused!(doctype, "<!DOCTYPE a [<!ENTITY x 'y'>]><a/>", Code::XmlDoctype);
refused!(doctype_external, "<!DOCTYPE a SYSTEM 'http://example.invalid/a.dtd'><a/>", Code::XmlDoctype);
refused!(empty_input, "", Code::XmlNoRoot);
refused!(only_whitespace_and_comment, " <!-- c -->\n", Code::XmlNoRoot);
refused!(second_root, "<a/><b/>", Code::XmlContentOutsideRoot);
refused!(text_after_root, "<a/>x", Code::XmlContentOutsideRoot);
refused!(text_before_root, "x<a/>", Code::XmlContentOutsideRoot);
refused!(reference_after_root, "<a/>&amp;", Code::XmlContentOutsideRoot);
refused!(cdata_after_root, "<a/><![CDATA[x]]>", Code::XmlContentOutsideRoot);
refused!(truncated_tag, "<a><b", Code::XmlUnclosed);
refused!(truncated_content, "<a><b>text", Code::XmlUnclosed);
refused!(truncated_attribute, "<a x=\"1", Code::XmlUnclosed);
refused!(truncated_comment, "<a><!-- x", Code::XmlUnclosed);
refused!(mismatched_end, "<a><b></a>", Code::XmlMismatchedEnd);
refused!(unmatched_end, "<a></a></b>", Code::XmlMismatchedEnd);
refused!(undefined_entity, "<a>&nbsp;</a>", Code::XmlUndefinedEntity);
refused!(dangling_ampersand, "<a>a & b</a>", Code::XmlMalformed);
refused!(char_ref_nul, "<a>&#0;</a>", Code::XmlInvalidChar);
refused!(char_ref_not_a_number, "<a>&#xZZ;</a>", Code::XmlMalformed);
refused!(char_ref_surrogate, "<a>&#xD800;</a>", Code::XmlInvalidChar);
refused!(char_ref_control, "<a>&#x1;</a>", Code::XmlInvalidChar);
refused!(char_ref_fffe, "<a>&#xFFFE;</a>", Code::XmlInvalidChar);
refused!(literal_control, "<a>\u{1}</a>", Code::XmlInvalidChar);
refused!(literal_nul, "<a>\u{0}</a>", Code::XmlInvalidChar);
refused!(literal_ffff, "<a>\u{FFFF}</a>", Code::XmlInvalidChar);
refused!(unbound_element_prefix, "<x:a/>", Code::XmlUnboundPrefix);
refused!(unbound_attribute_prefix, "<a x:b='1'/>", Code::XmlUnboundPrefix);
refused!(duplicate_attribute, "<a b='1' b='2'/>", Code::XmlDuplicateAttribute);
refused!(lt_in_attribute, "<a b='<'/>", Code::XmlMalformed);
refused!(bad_reference_in_attribute, "<a b='&nbsp;'/>", Code::XmlUndefinedEntity);
refused!(unquoted_attribute, "<a b=1/>", Code::XmlMalformed);
refused!(double_hyphen_comment, "<a><!-- a -- b --></a>", Code::XmlMalformed);
refused!(declared_latin1, "<?xml version='1.0' encoding='ISO-8859-1'?><a/>", Code::XmlEncoding);

#[test]
fn a_clean_document_reads_completely() {
    let (codes, events, complete) = read_with(
        b"<?xml version='1.0'?><!-- c --><a x='1'><b/>t&amp;<![CDATA[<c>]]></a><?pi x?>\n",
        Limits::default(),
    );
    assert!(codes.is_empty(), "{codes:?}");
    assert!(complete);
    assert_eq!(
        events,
        vec![
            "<None:a@31..40",
            "<None:b@40..44",
            ">@44..44",
            "t\"t\"@44..45",
            "r'&'",
            "c\"<c>\"",
            ">@65..69",
            "p\"pi x\""
        ]
    );
}

#[test]
fn namespaces_resolve_by_uri_not_prefix() {
    let input = r#"<p:Request xmlns:p="http://www.dccinterface.co.uk/ServiceUserGateway"><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/><q:x xmlns:q="urn:other"/></p:Request>"#;
    let (codes, events, _) = read_with(input.as_bytes(), Limits::default());
    assert!(codes.is_empty());
    assert!(events[0].starts_with("<Sr:Request@"), "{events:?}");
    assert!(events[1].starts_with("<Ds:Signature@"), "{events:?}");
    assert!(events[3].starts_with("<Other:x@"), "{events:?}");
}

#[test]
fn utf8_bom_is_skipped_and_spans_stay_absolute() {
    let (codes, events, complete) = read_with(b"\xEF\xBB\xBF<a/>", Limits::default());
    assert!(codes.is_empty() && complete);
    assert_eq!(events[0], "<None:a@3..7");
}

#[test]
fn utf16_is_refused() {
    assert_eq!(read_with(b"\xFF\xFE<\0a\0/\0>\0", Limits::default()).0, vec![Code::XmlEncoding]);
}

#[test]
fn utf32_byte_order_marks_are_named_as_utf32() {
    for (input, name, len) in [
        (&b"\xFF\xFE\0\0<\0\0\0a\0\0\0/\0\0\0>\0\0\0"[..], "UTF-32LE", 4),
        (&b"\0\0\xFE\xFF\0\0\0<\0\0\0a\0\0\0/\0\0\0>"[..], "UTF-32BE", 4),
        (&b"\xFE\xFF\0<\0a\0/\0>"[..], "UTF-16", 2),
    ] {
        let mut findings = Findings::new(10);
        assert!(Reader::new(input, Limits::default(), &mut findings).is_none());
        let list = findings.finish_for_tests();
        assert_eq!(list[0].code, Code::XmlEncoding);
        assert_eq!(list[0].span, Span::new(0, len));
        assert_eq!(list[0].detail, Detail::Encoding { declared: name.into() });
    }
}

#[test]
fn content_outside_the_root_is_located_past_white_space() {
    // A U+FEFF after the declaration is content before the root, on line 2.
    let input = "<?xml version=\"1.0\"?>\n\u{FEFF}<a/>";
    let mut findings = Findings::new(10);
    let mut reader = Reader::new(input.as_bytes(), Limits::default(), &mut findings).unwrap();
    while reader.next(&mut findings).is_some() {}
    let list = findings.finish_for_tests();
    assert_eq!(list[0].code, Code::XmlContentOutsideRoot);
    assert_eq!(list[0].span.start, input.find('\u{FEFF}').unwrap());
}

#[test]
fn invalid_utf8_points_at_the_byte() {
    let mut findings = Findings::new(10);
    assert!(Reader::new(b"<a>caf\xE9</a>", Limits::default(), &mut findings).is_none());
    let list = findings.finish_for_tests();
    assert_eq!(list[0].code, Code::XmlNotUtf8);
    assert_eq!(list[0].span, Span::new(6, 7));
}

#[test]
fn limits_each_have_their_code() {
    let small = Limits::default()
        .max_depth(3)
        .max_elements(4)
        .max_attributes(2)
        .max_text_bytes(8)
        .max_attribute_bytes(6)
        .max_input_bytes(200);
    let case = |input: &str| read_with(input.as_bytes(), small).0;
    assert_eq!(case("<a><b><c><d/></c></b></a>"), vec![Code::LimitDepth]);
    assert_eq!(case("<a><b/><b/><b/><b/></a>"), vec![Code::LimitElements]);
    assert_eq!(case("<a x='1' y='2' z='3'/>"), vec![Code::LimitAttributes]);
    assert_eq!(case("<a>123456789</a>"), vec![Code::LimitTextLength]);
    assert_eq!(case("<a>1234&amp;&amp;&amp;&amp;&amp;</a>"), vec![Code::LimitTextLength]);
    // An attribute value is counted as written, references unresolved (`&amp;` is five bytes).
    assert_eq!(case("<a x='1234567'/>"), vec![Code::LimitAttributeLength]);
    assert_eq!(case("<a x='&amp;12'/>"), vec![Code::LimitAttributeLength]);
    assert!(case("<a x='&#38;'>12345678</a>").is_empty());
    assert_eq!(case(&format!("<a>{}</a>", " ".repeat(300))), vec![Code::LimitInputSize]);
    // At the limits, accepted.
    assert!(case("<a><b><c/></b></a>").is_empty());
    assert!(case("<a x='1' y='2'>12345678</a>").is_empty());
}

#[test]
fn text_limit_resets_between_elements() {
    let small = Limits::default().max_text_bytes(4);
    assert!(read_with(b"<a><b>1234</b><b>1234</b></a>", small).0.is_empty());
}

refused!(slash_in_element_name, "<a//>", Code::XmlMalformed);
refused!(tilde_in_element_name, "<a~b/>", Code::XmlMalformed);
refused!(digit_starts_element_name, "<1a/>", Code::XmlMalformed);
refused!(bad_attribute_name, "<a b~c='1'/>", Code::XmlMalformed);

#[test]
fn names_with_dots_dashes_digits_and_non_ascii_are_accepted() {
    assert!(codes("<a.b-c_1 x.y-z='1'><é/></a.b-c_1>").is_empty());
    // Letters of other scripts, a middle dot and combining marks after the first character.
    assert!(codes("<日本 xmlns:ñ='urn:n' ñ:a·\u{301}='1'><Ωmega/></日本>").is_empty());
}

// XML 1.0 §2.3: outside ASCII, only the Name production's ranges.
refused!(multiplication_sign_in_prefix, "<s×r:a xmlns:s×r='urn:a'/>", Code::XmlMalformed);
refused!(middle_dot_starts_a_name, "<·a/>", Code::XmlMalformed);
refused!(combining_mark_starts_an_attribute, "<a \u{301}b='1'/>", Code::XmlMalformed);
refused!(no_break_space_in_a_name, "<a\u{A0}b/>", Code::XmlMalformed);

// XML 1.0 §3.1: attributes are separated by white space.
refused!(attributes_without_space_between, "<a b='1'c='2'/>", Code::XmlMalformed);
refused!(declaration_without_space_after, "<a xmlns:p='urn:p'p:c='2'/>", Code::XmlMalformed);
refused!(empty_value_without_space_after, "<a b=''c='2'/>", Code::XmlMalformed);

#[test]
fn attributes_may_be_separated_by_any_white_space() {
    assert!(codes("<a b='1'\tc=\"2\"\r\nd='3' />").is_empty());
    assert!(codes("<a b='' c=\"\"/>").is_empty());
}

// XML 1.0 §2.8: the declaration comes first and has its grammar.
refused!(declaration_after_white_space, " <?xml version='1.0'?><a/>", Code::XmlMalformed);
refused!(declaration_after_a_comment, "<!-- c --><?xml version='1.0'?><a/>", Code::XmlMalformed);
refused!(second_declaration, "<?xml version='1.0'?><?xml version='1.0'?><a/>", Code::XmlMalformed);
refused!(declaration_in_content, "<a><?xml version='1.0'?></a>", Code::XmlMalformed);
refused!(declaration_without_version, "<?xml encoding='UTF-8'?><a/>", Code::XmlMalformed);
refused!(declaration_out_of_order, "<?xml encoding='UTF-8' version='1.0'?><a/>", Code::XmlMalformed);
refused!(declaration_version_2, "<?xml version='2.0'?><a/>", Code::XmlMalformed);
refused!(declaration_version_without_minor, "<?xml version='1.'?><a/>", Code::XmlMalformed);
refused!(declaration_unknown_pseudo_attribute, "<?xml version='1.0' foo='bar'?><a/>", Code::XmlMalformed);
refused!(declaration_mismatched_quotes, "<?xml version='1.0\"?><a/>", Code::XmlMalformed);
refused!(declaration_standalone_maybe, "<?xml version='1.0' standalone='maybe'?><a/>", Code::XmlMalformed);
refused!(declaration_bad_encoding_name, "<?xml version='1.0' encoding='8bit'?><a/>", Code::XmlMalformed);
refused!(declaration_without_space, "<?xml version='1.0'encoding='UTF-8'?><a/>", Code::XmlMalformed);
refused!(declaration_twice_the_same, "<?xml version='1.0' version='1.0'?><a/>", Code::XmlMalformed);

#[test]
fn well_formed_declarations_are_accepted() {
    for declaration in [
        "<?xml version='1.0'?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<?xml version = '1.0' encoding = 'utf-8' standalone = 'yes' ?>",
        "<?xml version='1.1' standalone='no'?>",
        "\u{FEFF}<?xml version='1.0'\n encoding='UTF-8'\n?>",
    ] {
        assert!(codes(&format!("{declaration}<a/>")).is_empty(), "{declaration}");
    }
}

// XML 1.0 §2.6: processing-instruction targets.
refused!(pi_target_xml_in_another_case, "<a><?XML x?></a>", Code::XmlMalformed);
refused!(pi_without_target, "<a><? x?></a>", Code::XmlMalformed);
refused!(pi_target_starting_with_a_digit, "<a><?1a?></a>", Code::XmlMalformed);
refused!(pi_target_with_a_quote, "<a><?pi\"x\"?></a>", Code::XmlMalformed);
refused!(pi_target_with_a_colon, "<a><?p:i x?></a>", Code::XmlMalformed);

#[test]
fn processing_instructions_with_name_targets_are_accepted() {
    assert!(codes("<?xml-stylesheet href='a'?><a><?pi?><?pi data?></a><?x-y.z\tq?>").is_empty());
}

#[test]
fn comments_inside_the_root_are_events_with_their_span_and_outside_are_dropped() {
    let (codes, events, complete) = read_with(b"<!--a--><r>x<!--b-->y</r><!--c-->", Limits::default());
    assert!(codes.is_empty() && complete);
    assert_eq!(events, ["<None:r@8..11", "t\"x\"@11..12", "!@12..20", "t\"y\"@20..21", ">@21..25"]);
}

// Namespaces in XML 1.0: the reader resolves prefixes itself, so it enforces the constraints.
refused!(qname_with_two_colons, "<a:b:c xmlns:a='urn:a'/>", Code::XmlMalformed);
refused!(qname_starting_with_colon, "<:a/>", Code::XmlMalformed);
refused!(qname_ending_with_colon, "<a: xmlns:a='urn:a'/>", Code::XmlMalformed);
refused!(qname_local_part_starting_with_digit, "<a:1 xmlns:a='urn:a'/>", Code::XmlMalformed);
refused!(attribute_qname_with_two_colons, "<a xmlns:p='urn:p' p:b:c='1'/>", Code::XmlMalformed);
refused!(xml_prefix_to_another_uri, "<a xmlns:xml='urn:x'/>", Code::XmlMalformed);
refused!(xmlns_prefix_declared, "<a xmlns:xmlns='http://www.w3.org/2000/xmlns/'/>", Code::XmlMalformed);
refused!(xml_uri_to_another_prefix, "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>", Code::XmlMalformed);
refused!(xmlns_uri_as_default, "<a xmlns='http://www.w3.org/2000/xmlns/'/>", Code::XmlMalformed);
refused!(prefix_undeclared_with_empty_uri, "<a xmlns:p=''/>", Code::XmlMalformed);
refused!(element_with_xmlns_prefix, "<xmlns:a/>", Code::XmlMalformed);
refused!(
    one_attribute_twice_through_two_prefixes,
    "<a xmlns:p='urn:same' xmlns:q='urn:same' p:x='1' q:x='2'/>",
    Code::XmlDuplicateAttribute
);
refused!(unbound_prefix_after_its_scope, "<a><b xmlns:p='urn:p'/><p:c/></a>", Code::XmlUnboundPrefix);

#[test]
fn attribute_spans_run_from_the_name_to_the_closing_quote() {
    let input = "<a\n  b = \"1\"  c='2'/>";
    let mut findings = Findings::new(10);
    let mut reader = Reader::new(input.as_bytes(), Limits::default(), &mut findings).unwrap();
    let Some(Event::Start(_)) = reader.next(&mut findings) else { panic!("no start") };
    let spans: Vec<&str> = reader.attributes().iter().map(|a| &input[a.span.start..a.span.end]).collect();
    assert_eq!(spans, ["b = \"1\"", "c='2'"]);
    // A repeated attribute is reported where it is repeated.
    let input = "<a b='1'\n b='2'/>";
    let mut findings = Findings::new(10);
    let mut reader = Reader::new(input.as_bytes(), Limits::default(), &mut findings).unwrap();
    while reader.next(&mut findings).is_some() {}
    let finding = &findings.list()[0];
    assert_eq!((finding.code, &input[finding.span.start..finding.span.end]), (Code::XmlDuplicateAttribute, "b='2'"));
}

/// A finding quotes a name, never copies a huge one.
#[test]
fn findings_quote_long_names_cut() {
    let long = "a".repeat(100_000);
    for input in [format!("<{long}:b/>"), format!("<a></{long}>"), format!("<a>&{long};</a>")] {
        let mut findings = Findings::new(10);
        let mut reader = Reader::new(input.as_bytes(), Limits::default(), &mut findings).unwrap();
        while reader.next(&mut findings).is_some() {}
        let message = findings.list()[0].detail.to_string();
        assert!(message.len() < 2 * duis_xsd::MAX_QUOTED + 100, "{}", message.len());
        assert!(message.contains('…'), "{}", &message[..80]);
    }
}

#[test]
fn xml_prefix_is_bound_without_declaration_and_may_be_declared_to_its_uri() {
    assert!(codes("<a xml:lang='en'/>").is_empty());
    assert!(codes("<a xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='en'/>").is_empty());
}

#[test]
fn attributes_are_read_once_resolved_and_normalised() {
    let input = "<p:a xmlns:p='urn:p' xmlns='urn:d' p:x='1&amp;2' y=' a\tb ' xml:lang='en'/>";
    let mut findings = Findings::new(10);
    let mut reader = Reader::new(input.as_bytes(), Limits::default(), &mut findings).unwrap();
    let Some(Event::Start(start)) = reader.next(&mut findings) else { panic!("no start") };
    assert_eq!((start.qname, start.local, reader.element_uri()), ("p:a", "a", "urn:p"));
    let seen: Vec<_> = reader
        .attributes()
        .iter()
        .map(|a| (a.qname, a.uri.as_ref().to_owned(), a.value.as_ref().to_owned(), a.declares))
        .collect();
    assert_eq!(
        seen,
        [
            ("xmlns:p", ns::XMLNS.to_owned(), "urn:p".to_owned(), Some("p")),
            ("xmlns", ns::XMLNS.to_owned(), "urn:d".to_owned(), Some("")),
            ("p:x", "urn:p".to_owned(), "1&2".to_owned(), None),
            // Unprefixed attributes are in no namespace, whatever the default; TAB becomes a space.
            ("y", String::new(), " a b ".to_owned(), None),
            ("xml:lang", ns::XML.to_owned(), "en".to_owned(), None),
        ]
    );
    assert_eq!(reader.attribute("y").as_deref(), Some(" a b "));
    assert_eq!(reader.namespace(""), Some("urn:d"));
    assert_eq!(reader.outer_namespace("p"), None);
    assert_eq!(reader.declared_here().len(), 2);
    assert!(matches!(reader.next(&mut findings), Some(Event::End(_))));
    assert_eq!(reader.closed_name(), "p:a");
    assert_eq!(reader.namespace("p"), None, "the declarations end with their element");
}

#[test]
fn attribute_names_and_values_are_cut_from_the_input_as_written() {
    // Space around `=`, line breaks between attributes, `>` and non-ASCII inside values,
    // non-ASCII names: each name and value is the input's own text, not a copy.
    let input = "<é a = \"x>y\"\n\tb='café'\r\n  ñ=\"\" />";
    let mut findings = Findings::new(10);
    let mut reader = Reader::new(input.as_bytes(), Limits::default(), &mut findings).unwrap();
    let Some(Event::Start(start)) = reader.next(&mut findings) else { panic!("no start: {findings:?}") };
    assert_eq!(start.qname, "é");
    let seen: Vec<_> = reader.attributes().iter().map(|a| (a.qname, a.value.as_ref().to_owned())).collect();
    assert_eq!(seen, [("a", "x>y".to_owned()), ("b", "café".to_owned()), ("ñ", String::new())]);
    for attribute in reader.attributes() {
        assert!(matches!(attribute.value, Cow::Borrowed(_)), "{attribute:?}");
        let at = attribute.qname.as_ptr().addr() - input.as_ptr().addr();
        assert_eq!(input.get(at..at + attribute.qname.len()), Some(attribute.qname));
    }
    assert!(matches!(reader.next(&mut findings), Some(Event::End(_))));
    assert!(findings.list().is_empty(), "{findings:?}");
}

#[test]
fn default_namespace_can_be_undeclared() {
    let (codes, events, _) = read_with(b"<a xmlns='urn:d'><b xmlns=''/></a>", Limits::default());
    assert!(codes.is_empty(), "{codes:?}");
    assert!(events[0].starts_with("<Other:a@") && events[1].starts_with("<None:b@"), "{events:?}");
}

#[test]
fn namespaces_in_scope_are_limited() {
    let limits = Limits::default().max_namespaces(3);
    let case = |input: &str| read_with(input.as_bytes(), limits).0;
    assert!(case("<a xmlns:a='urn:a'><b xmlns:b='urn:b'><c xmlns:c='urn:c'/></b></a>").is_empty());
    // Scopes end with their elements: siblings may each declare up to the limit.
    assert!(case("<a xmlns:a='urn:a' xmlns:b='urn:b'><c xmlns:c='urn:c'/><d xmlns:d='urn:d'/></a>").is_empty());
    assert_eq!(
        case("<a xmlns:a='urn:a'><b xmlns:b='urn:b'><c xmlns:c='urn:c' xmlns:d='urn:d'/></b></a>"),
        vec![Code::LimitNamespaces]
    );
}

refused!(cdata_end_in_text, "<a>x]]>y</a>", Code::XmlMalformed);
refused!(cdata_end_right_after_a_reference, "<a>&amp;]]></a>", Code::XmlMalformed);
refused!(reference_beyond_unicode, "<a>&#1114112;</a>", Code::XmlInvalidChar);
refused!(reference_beyond_32_bits, "<a>&#x100000000;</a>", Code::XmlInvalidChar);
refused!(decimal_reference_beyond_32_bits, "<a>&#4294967296;</a>", Code::XmlInvalidChar);
refused!(entity_name_with_a_colon, "<a>&a:b;</a>", Code::XmlMalformed);
refused!(reference_that_is_no_name, "<a>&1a;</a>", Code::XmlMalformed);
refused!(empty_reference, "<a>&;</a>", Code::XmlMalformed);
refused!(undeclared_entity, "<a>&nbsp;</a>", Code::XmlUndefinedEntity);
refused!(doctype_without_a_name, "<!DOCTYPE><a/>", Code::XmlDoctype);
refused!(unclosed_markup_after_the_root, "<a/><!--", Code::XmlMalformed);
refused!(unclosed_markup_before_the_root, "<?pi<a/>", Code::XmlMalformed);
refused!(truncated_inside_the_root, "<a><b>text", Code::XmlUnclosed);

#[test]
fn cdata_end_is_text_only_when_escaped_or_in_cdata() {
    for fine in ["<a>]]&gt;</a>", "<a>]&#93;></a>", "<a><![CDATA[]]]]><![CDATA[>]]></a>", "<a>] ]></a>", "<a>]></a>"] {
        assert_eq!(codes(fine), vec![], "{fine}");
    }
}

#[test]
fn a_second_byte_order_mark_is_refused_where_it_is() {
    let mut input = vec![0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF];
    input.extend_from_slice(b"<!-- c --><a/>");
    let mut findings = Findings::new(10);
    assert!(Reader::new(&input, Limits::default(), &mut findings).is_none());
    let found = findings.finish_for_tests();
    assert_eq!(found.iter().map(|f| (f.code, f.span)).collect::<Vec<_>>(), vec![(Code::XmlMalformed, Span::new(3, 6))]);
}

#[test]
fn attribute_faults_point_at_the_attribute() {
    // (input, code, the text the finding starts with)
    let cases = [
        ("<r\n a='1'\n x='<'>\n</r>", Code::XmlMalformed, "x='<'"),
        ("<r\n a='1'\n x='&foo;'/>", Code::XmlUndefinedEntity, "x='&foo;'"),
        ("<r\n a='1'\n p:x='1'/>", Code::XmlUnboundPrefix, "p:x='1'"),
        ("<r\n a='1'\n xmlns:p=''/>", Code::XmlMalformed, "xmlns:p=''"),
        ("<r\n a='1'b='2'/>", Code::XmlMalformed, "b='2'"),
        ("<r\n a='1'\n b=2/>", Code::XmlMalformed, "2/>"),
        ("<r\n a='1'\n c    d='3'/>", Code::XmlMalformed, "c    d"),
    ];
    for (input, code, at) in cases {
        let mut findings = Findings::new(10);
        let mut reader = Reader::new(input.as_bytes(), Limits::default(), &mut findings).unwrap();
        while reader.next(&mut findings).is_some() {}
        let found = findings.finish_for_tests();
        assert_eq!(found.iter().map(|f| f.code).collect::<Vec<_>>(), vec![code], "{input:?}");
        let start = found.first().map_or(0, |f| f.span.start);
        assert!(input.get(start..).is_some_and(|rest| rest.starts_with(at)), "{input:?}: finding at {start}");
    }
}

#[test]
fn bytes_in_a_declared_other_encoding_are_refused_for_the_encoding() {
    let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>";
    assert_eq!(read_with(latin1, Limits::default()).0, vec![Code::XmlEncoding]);
    let spaced = format!("<?xml version=\"1.0\"{} encoding=\"ISO-8859-1\"?><a>", " ".repeat(300));
    let spaced = [spaced.as_bytes(), b"\xe9</a>"].concat();
    assert_eq!(read_with(&spaced, Limits::default()).0, vec![Code::XmlEncoding]);
    // Declared UTF-8 (or nothing) and a bad byte: the byte is the fault.
    let utf8 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xe9</a>";
    assert_eq!(read_with(utf8, Limits::default()).0, vec![Code::XmlNotUtf8]);
    assert_eq!(read_with(b"<a>\xe9</a>", Limits::default()).0, vec![Code::XmlNotUtf8]);
}

/// The single-pass [`split_qname`] against the plain reading of Namespaces in XML 1.0 §4 it
/// replaced (find the colon, refuse a second one), on names built from the bytes that matter.
#[test]
fn split_qname_agrees_with_the_plain_reading() {
    fn plain(name: &str) -> Option<(&str, &str)> {
        let classes = name.bytes().fold(0u8, |seen, b| seen | name_byte(b));
        if classes & FORBIDDEN != 0 || (classes & NON_ASCII != 0 && !name.split(':').all(is_nc_name)) {
            return None;
        }
        let (prefix, local) = match name.split_once(':') {
            None => ("", name),
            Some((prefix, local)) if !prefix.is_empty() && !local.contains(':') => (prefix, local),
            Some(_) => return None,
        };
        let starts = |part: &str| part.bytes().next().is_some_and(|b| name_byte(b) & START != 0);
        (starts(local) && (prefix.is_empty() || starts(prefix))).then_some((prefix, local))
    }
    // Long pieces put the colon before, at and after the bytes looked at first.
    let pieces =
        ["", "a", "Z", "_", "1", "-", ".", ":", "é", "·", "\u{300}", " ", "/", ">", "sr", "ds", "abcdefg", "xmlnsXYZ"];
    let mut names = vec!["sr:ServiceReferenceVariant".to_owned(), "xmlns:ds".to_owned(), "a::b".to_owned()];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                names.push(format!("{a}{b}{c}"));
                names.push(format!("{a}{b}:{c}"));
            }
        }
    }
    for name in &names {
        assert_eq!(split_qname(name), plain(name), "{name:?}");
    }
}

/// The declarations [`xml_declaration`] answers without parsing read as the parse reads them.
#[test]
fn common_declarations_read_as_parsed() {
    for (content, encoding) in [
        ("xml version=\"1.0\" encoding=\"UTF-8\"", Some("UTF-8")),
        ("xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"", Some("UTF-8")),
        ("xml version=\"1.0\"", None),
    ] {
        assert_eq!(xml_declaration(content), Ok(encoding), "{content}");
        // The same declaration, one space longer, takes the general path to the same answer.
        let spaced = format!("{content} ");
        assert_eq!(xml_declaration(&spaced), Ok(encoding), "{spaced}");
    }
}

/// [`same_short`] is `==`.
#[test]
fn same_short_is_equality() {
    let names = ["", "a", "b", "ab", "ba", "sr", "ds", "xml", "xmlns", "é", "e\u{301}", "sr:"];
    for a in names {
        for b in names {
            assert_eq!(same_short(a, b), a == b, "{a:?} {b:?}");
        }
    }
}

/// Where [`SimpleAttributes::read`] takes a tag, quick-xml's attribute parser reads the same
/// names and values from it, and no error: tried on every tag text of up to five pieces
/// (white space, names, `=`, quotes, values, markup characters).
#[test]
fn simple_attributes_read_as_quick_xml_does() {
    fn quick_xml(text: &str, from: usize) -> Option<Vec<(String, String)>> {
        let mut attributes = quick_xml::events::attributes::Attributes::new(text, from);
        let mut list = Vec::new();
        for attribute in attributes.with_checks(false) {
            let attribute = attribute.ok()?;
            let key = String::from_utf8(attribute.key.0.to_vec()).unwrap();
            list.push((key, String::from_utf8(attribute.value.to_vec()).unwrap()));
        }
        Some(list)
    }
    let pieces = [" ", "\t", "\n", "a", "xmlns:p", "=", "\"", "'", "v w", "<", "&", "/", "é"];
    let mut texts = vec![String::new()];
    for _ in 0..5 {
        let longer: Vec<String> =
            texts.iter().flat_map(|text| pieces.iter().map(move |piece| format!("{text}{piece}"))).collect();
        texts.extend(longer);
    }
    texts.push(" a=\"1\"\tb='2'\nxmlns:c=\"urn:x\" ".to_owned());
    texts.push(" a=\"1\"b='2'".to_owned());
    texts.push(" a = \"1\"".to_owned());
    let mut taken = 0;
    for text in &texts {
        let tag = format!("e{text}");
        // From the end of the element name as quick-xml finds it (the first white space), and
        // from right after the `e`.
        let name_len = tag.bytes().position(is_xml_space).unwrap_or(tag.len());
        for from in [name_len, 1] {
            let mut simple = SimpleAttributes { text: &tag, ranges: [(0, 0, 0, 0); SIMPLE_ATTRIBUTES], len: 0 };
            if !simple.read(from) {
                continue;
            }
            taken += 1;
            let read: Vec<(String, String)> =
                (0..simple.len).map(|i| simple.get(i).unwrap()).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            assert_eq!(Some(read), quick_xml(&tag, from), "{tag:?} from {from}");
        }
    }
    assert!(taken > 1000, "{taken}");
    // More attributes than the list holds go to quick-xml.
    let many = format!("e{}", " a=\"1\"".repeat(SIMPLE_ATTRIBUTES + 1));
    let mut simple = SimpleAttributes { text: &many, ranges: [(0, 0, 0, 0); SIMPLE_ATTRIBUTES], len: 0 };
    assert!(!simple.read(1));
}

/// [`suspicious_byte`]'s compare trick picks out exactly the bytes it names.
#[test]
fn suspicious_bytes_are_the_forbidden_controls_and_0xef() {
    for b in 0..=u8::MAX {
        let plain = (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF;
        assert_eq!(suspicious_byte(b), plain, "{b:#04x}");
    }
}
