//! Hostile input (issue 8, DESIGN §7, STYLE §4): DOCTYPEs and entity bombs, deep nesting, huge
//! text and attributes, attribute and element floods, oversized input, invalid UTF-8 in every
//! position class, NUL and other forbidden characters, and a real message cut at every byte.
//!
//! Each case asserts the exact code, and, instead of wall-clock timings (flaky on a loaded
//! machine), that the work was bounded: the finding's span shows where the reader stopped,
//! which must be at the limit, not at the end of the input. Time and peak memory are measured
//! by `scripts/hostile-rss.sh` on the release binary. Where the point is the mechanism, limits
//! are scaled down with the `Limits` builder; every limit also has a case at its default.

use duis::{Code, Finding, Limits, Report, Severity, Validator};

use crate::common;

const SR: &str = "http://www.dccinterface.co.uk/ServiceUserGateway";

fn with(limits: Limits) -> Validator {
    Validator::builder().limits(limits).build()
}

/// The error findings' codes.
fn errors(report: &Report<'_>) -> Vec<Code> {
    report.findings().iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect()
}

/// Asserts the report holds exactly one finding, with `code`, and returns it. A fatal XML or
/// limit finding stops reading, and nothing about the fragment read so far may follow it.
fn only<'r>(report: &'r Report<'_>, code: Code, case: &str) -> &'r Finding {
    let codes: Vec<&str> = report.findings().iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, [code.as_str()], "{case}: {:?}", report.findings());
    assert!(!report.is_valid(), "{case}");
    let finding = &report.findings()[0];
    assert!(finding.span.start <= finding.span.end, "{case}: {finding:?}");
    finding
}

/// `n` copies of `unit` between `head` and `tail`, built in one allocation.
fn repeat(head: &str, unit: &str, n: usize, tail: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + unit.len() * n + tail.len());
    out.extend_from_slice(head.as_bytes());
    for _ in 0..n {
        out.extend_from_slice(unit.as_bytes());
    }
    out.extend_from_slice(tail.as_bytes());
    out
}

/// A minimal valid-looking root around `inner`.
fn doc(inner: &str) -> String {
    format!("<r>{inner}</r>")
}

// ---------------------------------------------------------------------------------------------
// DOCTYPE and entities

/// The classic billion laughs: ten levels of ten references, 10^9 "lol"s if expanded.
fn billion_laughs() -> String {
    let mut s = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for level in 1..=9 {
        let prev = if level == 1 { "lol".to_owned() } else { format!("lol{}", level - 1) };
        s.push_str(&format!(" <!ENTITY lol{level} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    s.push_str("]>\n<lolz>&lol9;</lolz>\n");
    s
}

#[test]
fn doctype_in_every_form_is_refused_at_the_doctype() {
    let quadratic = format!("<!DOCTYPE r [<!ENTITY a \"{}\">]><r>{}</r>", "a".repeat(100_000), "&a;".repeat(100_000));
    let request =
        std::fs::read_to_string(common::repo_root().join("testdata/valid/7.4_read-supply-status-cv1_valid.xml"))
            .unwrap()
            .replacen("<sr:Request", "<!DOCTYPE sr:Request SYSTEM \"duis.dtd\">\n<sr:Request", 1);
    let cases: Vec<(&str, String)> = vec![
        ("billion laughs", billion_laughs()),
        ("quadratic blowup", quadratic),
        ("internal subset", "<!DOCTYPE r [<!ELEMENT r (#PCDATA)>]><r/>".into()),
        ("no subset", "<!DOCTYPE r><r/>".into()),
        ("external SYSTEM", "<!DOCTYPE r SYSTEM \"http://example.invalid/r.dtd\"><r/>".into()),
        ("external PUBLIC", "<!DOCTYPE r PUBLIC \"-//X//DTD R//EN\" \"http://example.invalid/r.dtd\"><r/>".into()),
        (
            "external entity (XXE)",
            "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>".into(),
        ),
        (
            "parameter entities",
            "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://example.invalid/p.dtd\"> %p; <!ENTITY % q \"<!ENTITY y 'z'>\"> %q;]><r>&y;</r>".into(),
        ),
        ("'>' inside a quoted entity value", "<!DOCTYPE r [<!ENTITY x \"a>b\">]><r>&x;</r>".into()),
        ("after a comment and a PI", "<!-- c --><?pi x?>\n<!DOCTYPE r><r/>".into()),
        ("lower case", "<!doctype r><r/>".into()),
        ("inside the root", "<r><!DOCTYPE r></r>".into()),
        ("after the root", "<r/><!DOCTYPE r>".into()),
        ("before a real DUIS request", request),
    ];
    for (case, input) in &cases {
        let report = duis::validate(input.as_bytes());
        let finding = only(&report, Code::XmlDoctype, case);
        let at = input.find("<!DOCTYPE").or_else(|| input.find("<!doctype")).unwrap();
        // Refused at the DOCTYPE itself: nothing behind it is read, so no entity is expanded
        // and no external identifier is looked at.
        assert_eq!(finding.span.start, at, "{case}: {finding:?}");
        assert!(finding.span.end <= input.len(), "{case}: {finding:?}");
    }
}

#[test]
fn doctype_with_a_huge_internal_subset_is_refused_at_the_doctype() {
    // Five megabytes of entity declarations: refused at byte 0, at the default limits.
    let input = repeat("<!DOCTYPE r [", "<!ENTITY e \"0123456789\">", 200_000, "]><r/>");
    let report = duis::validate(&input);
    assert_eq!(only(&report, Code::XmlDoctype, "huge subset").span.start, 0);
}

#[test]
fn an_unclosed_doctype_is_refused() {
    // The input ends inside the DOCTYPE: still refused as a DOCTYPE.
    for input in ["<!DOCTYPE r [<!ENTITY a \"b\">", "<!DOCTYPE r", "<!DOCTYPE r SYSTEM \"x.dtd\""] {
        let report = duis::validate(input.as_bytes());
        assert_eq!(only(&report, Code::XmlDoctype, input).span.start, 0);
    }
}

#[test]
fn entities_other_than_the_predefined_five_are_undefined() {
    // Without a DOCTYPE, a bomb's reference is just an undeclared entity.
    // In an attribute value the finding points at the attribute.
    for (input, at) in [("<r>&lol9;</r>", 3), ("<r a=\"&x;\"/>", 3), ("<r>&amp;&lt;&gt;&quot;&apos;&x;</r>", 28)] {
        let report = duis::validate(input.as_bytes());
        assert_eq!(only(&report, Code::XmlUndefinedEntity, input).span.start, at, "{input}");
    }
}

// ---------------------------------------------------------------------------------------------
// Depth, elements, attributes, text, input size

#[test]
fn deep_nesting_stops_at_the_depth_limit() {
    // 10^6 open tags (3 MB); the default depth is 64: the 65th tag, at byte 64 * 3, is where
    // reading stops.
    let input = repeat("", "<a>", 1_000_000, "");
    let report = duis::validate(&input);
    let finding = only(&report, Code::LimitDepth, "default");
    assert_eq!(finding.span, duis::Span::new(64 * 3, 65 * 3));
    // Scaled down, the same mechanism: at the limit is fine (and unclosed), one more is not.
    let limits = Limits::default().max_depth(8);
    assert_eq!(only(&with(limits).validate(&input), Code::LimitDepth, "8").span.start, 8 * 3);
    let at_limit = repeat("", "<a>", 8, &"</a>".repeat(8));
    assert!(!errors(&with(limits).validate(&at_limit)).iter().any(|c| c.as_str().starts_with("limit.")));
    // Deep nesting of self-closing children does not count towards depth.
    let flat = repeat("", "<a>", 7, &format!("{}{}", "<b/>".repeat(100), "</a>".repeat(7)));
    assert!(!with(limits).validate(&flat).has(Code::LimitDepth));
}

#[test]
fn sibling_floods_stop_at_the_element_limit() {
    // 10^6 siblings (4 MB); the default allows 500,000 elements, root included, so the
    // 500,000th `<a/>` (index 499,999, at byte 3 + 4 * 499,999) is where reading stops: about
    // half the input is never tokenised.
    let input = repeat("<r>", "<a/>", 1_000_000, "</r>");
    let report = duis::validate(&input);
    let finding = only(&report, Code::LimitElements, "default");
    assert_eq!(finding.span, duis::Span::new(3 + 4 * 499_999, 3 + 4 * 500_000));
    let limits = Limits::default().max_elements(1_000);
    assert_eq!(only(&with(limits).validate(&input), Code::LimitElements, "1000").span.start, 3 + 4 * 999);
    let at_limit = repeat("<r>", "<a/>", 999, "</r>");
    assert!(!with(limits).validate(&at_limit).has(Code::LimitElements));
    // Nested and sibling elements count alike.
    let mixed = repeat("<r>", "<a><b/></a>", 500, "</r>");
    assert_eq!(only(&with(limits).validate(&mixed), Code::LimitElements, "mixed").span.start, 3 + 11 * 499 + 3);
}

fn attributes(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * 12 + 8);
    s.push_str("<r");
    for i in 0..n {
        s.push_str(&format!(" a{i}=\"v\""));
    }
    s.push_str("/>");
    s.into_bytes()
}

#[test]
fn attribute_floods_stop_at_the_attribute_limit() {
    // 10^6 attributes (about 12 MB in one start tag); the default allows 64 per element.
    let input = attributes(1_000_000);
    let report = duis::validate(&input);
    let finding = only(&report, Code::LimitAttributes, "default");
    assert_eq!(finding.span, duis::Span::new(0, input.len()));
    // At the default limit exactly: read, and judged by the schema (unknown root), not a limit.
    let sixty_four = attributes(64);
    let at_limit = duis::validate(&sixty_four);
    assert!(!at_limit.findings().iter().any(|f| f.code.as_str().starts_with("limit.")), "{:?}", at_limit.findings());
    assert!(!at_limit.findings().iter().any(|f| f.code.as_str().starts_with("xml.")), "{:?}", at_limit.findings());
    // Namespace declarations count too.
    let limits = Limits::default().max_attributes(2);
    let ns = format!("<sr:r xmlns:sr=\"{SR}\" xmlns:x=\"urn:x\" x:a=\"1\"/>");
    only(&with(limits).validate(ns.as_bytes()), Code::LimitAttributes, "xmlns");
}

#[test]
fn namespace_declaration_floods_stop_at_the_namespace_limit() {
    // 64 levels (the default depth) each declaring 64 prefixes (the default attribute limit):
    // 4,096 declarations would be in scope at the innermost element, each prefix lookup a scan
    // of them. The default allows 128 in scope: the third level's declarations pass it.
    let mut input = String::new();
    for level in 0..64 {
        input.push_str("<e");
        for i in 0..64 {
            input.push_str(&format!(" xmlns:p{level}x{i}=\"urn:{level}:{i}\""));
        }
        input.push('>');
    }
    let report = duis::validate(input.as_bytes());
    let finding = only(&report, Code::LimitNamespaces, "default");
    // Reported at the 129th declaration, on the third start tag.
    let third = input.match_indices("<e").nth(2).map(|(at, _)| at).expect("three start tags");
    assert_eq!(finding.span.start, third + 3);
    assert!(input[finding.span.start..].starts_with("xmlns:p2x0="));
    // Declarations leave scope with their element: siblings can each declare the maximum.
    let sibling: String = (0..64).map(|i| format!(" xmlns:p{i}=\"urn:{i}\"")).collect();
    let siblings = doc(&format!("<a{sibling}/>").repeat(10));
    let report = duis::validate(siblings.as_bytes());
    assert!(!report.findings().iter().any(|f| f.code.as_str().starts_with("limit.")), "{:?}", report.findings());
}

#[test]
fn a_hundred_megabyte_text_node() {
    // 100 MB of text in one element. At the default limits the input limit (32 MiB) fires
    // first, before a byte is tokenised; with the input limit raised, the text limit (16 MiB)
    // does, at the start of the text.
    let input = repeat("<r>", "xxxxxxxxxx", 10_000_000, "</r>");
    let report = duis::validate(&input);
    let finding = only(&report, Code::LimitInputSize, "default");
    assert_eq!(finding.span.start, 32 * 1024 * 1024);
    let raised = Limits::default().max_input_bytes(128 * 1024 * 1024);
    let report = with(raised).validate(&input);
    let finding = only(&report, Code::LimitTextLength, "raised input limit");
    assert_eq!(finding.span.start, 3);
    assert!(finding.span.end <= input.len());
}

#[test]
fn text_limit_counts_every_piece_of_one_element() {
    let limits = Limits::default().max_text_bytes(1_000);
    let v = with(limits);
    let x = |n: usize| "x".repeat(n);
    // At the limit: fine. One more byte, in text, CDATA or a reference: refused where the
    // running total crosses the limit.
    assert!(!v.validate(doc(&x(1_000)).as_bytes()).has(Code::LimitTextLength));
    assert_eq!(only(&v.validate(doc(&x(1_001)).as_bytes()), Code::LimitTextLength, "text").span.start, 3);
    let cdata = doc(&format!("{}<![CDATA[{}]]>", x(600), x(401)));
    assert_eq!(only(&v.validate(cdata.as_bytes()), Code::LimitTextLength, "cdata").span.start, 603);
    let reference = doc(&format!("{}&amp;", x(1_000)));
    assert_eq!(only(&v.validate(reference.as_bytes()), Code::LimitTextLength, "ref").span.start, 1_003);
    // The count restarts at each tag: the text of many elements may add up past the limit.
    let many = doc(&format!("<a>{}</a>", x(900)).repeat(10));
    assert!(!v.validate(many.as_bytes()).has(Code::LimitTextLength));
}

#[test]
fn attribute_values_have_a_limit_of_their_own() {
    // A 10 MB attribute: refused at the attribute (default 64 KiB), however much text the
    // text limit would allow.
    let ten = repeat("<r a=\"", "x", 10_000_000, "\"/>");
    assert_eq!(only(&duis::validate(&ten), Code::LimitAttributeLength, "default").span.start, 3);
    // In a DUIS request too: `schemaVersion` of ten million digits is a legal xs:decimal.
    let message =
        std::fs::read_to_string(common::repo_root().join("testdata/valid/7.4_read-supply-status-cv1_valid.xml"))
            .unwrap()
            .replace("schemaVersion=\"5.4\"", &format!("schemaVersion=\"5.{}\"", "4".repeat(10_000_000)));
    let report = duis::validate(message.as_bytes());
    assert_eq!(errors(&report), [Code::LimitAttributeLength], "{:?}", report.findings());
    // At the limit, read; one byte over, refused.
    let at = repeat("<r a=\"", "x", 64 * 1024, "\"/>");
    assert!(!duis::validate(&at).has(Code::LimitAttributeLength));
    let over = repeat("<r a=\"", "x", 64 * 1024 + 1, "\"/>");
    only(&duis::validate(&over), Code::LimitAttributeLength, "over");
    // The limit is the caller's to set.
    let limits = Limits::default().max_attribute_bytes(16 * 1024 * 1024);
    assert_eq!(errors(&with(limits).validate(&ten)), [Code::SchemaUnknownRoot]);
}

#[test]
fn input_size_limit_is_checked_before_anything_else() {
    // Over the limit by one byte: refused at once, even when the bytes are not XML at all.
    let limits = Limits::default().max_input_bytes(100);
    let v = with(limits);
    let over = vec![0xFF; 101];
    assert_eq!(only(&v.validate(&over), Code::LimitInputSize, "101").span.start, 100);
    assert!(!v.validate(doc(&"x".repeat(93)).as_bytes()).has(Code::LimitInputSize));
    assert_eq!(doc(&"x".repeat(93)).len(), 100);
    // At the default: exactly 32 MiB is read; one byte more is not.
    let max = 32 * 1024 * 1024;
    let at = repeat("<r>", "x", max - 7, "</r>");
    assert_eq!(at.len(), max);
    assert!(!duis::validate(&at).has(Code::LimitInputSize));
    let mut over = at;
    over.push(b' ');
    only(&duis::validate(&over), Code::LimitInputSize, "32 MiB + 1");
}

// ---------------------------------------------------------------------------------------------
// Encoding and characters

/// Places to put a bad byte sequence: (name, before, after). The bad bytes go between.
const PLACES: &[(&str, &str, &str)] = &[
    ("first byte", "", "<r/>"),
    ("XML declaration", "<?xml version=\"1.0\" encoding=\"UTF-8", "\"?><r/>"),
    ("before the root", "<!-- ok -->\n", "<r/>"),
    ("element name", "<r", "/>"),
    ("prefix", "<r xmlns:x=\"urn:x\"><x", ":a/></r>"),
    ("end tag name", "<r></r", ">"),
    ("attribute name", "<r a", "=\"1\"/>"),
    ("attribute value", "<r a=\"", "\"/>"),
    ("text", "<r>abc", "def</r>"),
    (
        "text of a DUIS header",
        "<sr:Request xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\"><sr:Header><sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1",
        "</sr:RequestID></sr:Header></sr:Request>",
    ),
    ("comment", "<r><!-- ", " --></r>"),
    ("CDATA", "<r><![CDATA[", "]]></r>"),
    ("processing instruction", "<r><?pi ", "?></r>"),
    ("after the root", "<r/>", ""),
    ("after the root, then a comment", "<r/>", "<!-- -->"),
];

#[test]
fn invalid_utf8_anywhere_is_not_utf8() {
    let sequences: &[(&str, &[u8])] = &[
        ("lone continuation byte", &[0x80]),
        ("lone continuation byte BF", &[0xBF]),
        ("truncated 2-byte sequence", &[0xC3]),
        ("truncated 3-byte sequence", &[0xE2, 0x82]),
        ("truncated 4-byte sequence", &[0xF0, 0x9F, 0x98]),
        ("overlong NUL", &[0xC0, 0x80]),
        ("overlong '/'", &[0xC1, 0xAF]),
        ("overlong 3-byte", &[0xE0, 0x80, 0xAF]),
        ("overlong 4-byte", &[0xF0, 0x80, 0x80, 0xAF]),
        ("surrogate U+D800", &[0xED, 0xA0, 0x80]),
        ("surrogate U+DFFF", &[0xED, 0xBF, 0xBF]),
        ("surrogate pair as CESU-8", &[0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]),
        ("beyond U+10FFFF", &[0xF4, 0x90, 0x80, 0x80]),
        ("byte F5", &[0xF5]),
        ("byte FE", &[0xFE]),
        ("byte FF", &[0xFF]),
        ("Latin-1 e acute", &[0xE9]),
    ];
    for (place, before, after) in PLACES {
        for (name, bad) in sequences {
            let case = format!("{name} in {place}");
            let mut input = before.as_bytes().to_vec();
            input.extend_from_slice(bad);
            input.extend_from_slice(after.as_bytes());
            if input.starts_with(&[0xFE, 0xFF]) || input.starts_with(&[0xFF, 0xFE]) {
                continue; // a UTF-16 byte order mark, not this test's subject
            }
            let report = duis::validate(&input);
            let finding = only(&report, Code::XmlNotUtf8, &case);
            assert_eq!(finding.span.start, before.len(), "{case}");
            assert!(finding.span.end > finding.span.start && finding.span.end <= input.len(), "{case}");
        }
    }
    // Truncated at the very end of the input.
    for bad in [&[0xC3][..], &[0xE2, 0x82], &[0xF0, 0x9F, 0x98]] {
        let mut input = b"<r/>".to_vec();
        input.extend_from_slice(bad);
        assert_eq!(only(&duis::validate(&input), Code::XmlNotUtf8, "at the end").span.start, 4);
    }
    // After a UTF-8 byte order mark, offsets still count from the first byte of the input.
    let mut input = vec![0xEF, 0xBB, 0xBF];
    input.extend_from_slice(b"<r>\xFF</r>");
    assert_eq!(only(&duis::validate(&input), Code::XmlNotUtf8, "after BOM").span.start, 6);
}

#[test]
fn nul_and_other_forbidden_characters_are_invalid_chars() {
    let characters: &[(&str, &str)] = &[
        ("NUL", "\0"),
        ("U+0001", "\u{1}"),
        ("vertical tab", "\u{b}"),
        ("form feed", "\u{c}"),
        ("U+001F", "\u{1f}"),
        ("U+FFFE", "\u{fffe}"),
        ("U+FFFF", "\u{ffff}"),
    ];
    for (place, before, after) in PLACES {
        for (name, ch) in characters {
            let case = format!("{name} in {place}");
            let input = format!("{before}{ch}{after}");
            let report = duis::validate(input.as_bytes());
            let finding = only(&report, Code::XmlInvalidChar, &case);
            assert_eq!(finding.span, duis::Span::new(before.len(), before.len() + ch.len()), "{case}");
        }
    }
    // Many NULs: the first one is reported.
    let nuls = repeat("<r>", "\0", 1_000_000, "</r>");
    assert_eq!(only(&duis::validate(&nuls), Code::XmlInvalidChar, "NULs").span.start, 3);
    // Character references to forbidden characters, in text and in attribute values.
    for (input, at) in [("<r>&#0;</r>", 3), ("<r>&#x0;</r>", 3), ("<r>&#xFFFE;</r>", 3), ("<r a=\"&#1;\"/>", 3)] {
        let report = duis::validate(input.as_bytes());
        assert_eq!(only(&report, Code::XmlInvalidChar, input).span.start, at, "{input}");
    }
}

// ---------------------------------------------------------------------------------------------
// Truncation

#[test]
fn a_real_message_cut_at_every_byte_is_malformed_xml_only() {
    let files = common::files(&common::repo_root().join("testdata/valid"), |n| n.ends_with(".xml"));
    let validator = Validator::new();
    let mut cuts = 0;
    // Every fourth message (about six, of every kind: requests, signed pre-commands, replies).
    for path in files.iter().step_by(4) {
        let name = path.file_name().unwrap().to_string_lossy();
        let message = std::fs::read(path).unwrap();
        // The end of the root element: past it, only white space remains.
        let root_end = message.iter().rposition(|&b| b == b'>').unwrap() + 1;
        assert!(validator.validate(&message).is_valid(), "{name}");
        for cut in 0..root_end {
            let input = &message[..cut];
            let report = validator.validate(input);
            let codes = errors(&report);
            assert!(!report.is_valid() && !codes.is_empty(), "{name} cut at {cut}: {:?}", report.findings());
            assert!(codes.iter().all(|c| c.as_str().starts_with("xml.")), "{name} cut at {cut}: {codes:?}");
            for finding in report.findings() {
                assert!(finding.span.start <= finding.span.end && finding.span.end <= cut, "{name} cut at {cut}");
            }
            cuts += 1;
        }
    }
    assert!(cuts > 5_000, "{cuts}");
}

// ---------------------------------------------------------------------------------------------
// Unclosed constructs that make a tokeniser scan to the end of the input

#[test]
fn unclosed_constructs_are_unclosed() {
    let tail = "x".repeat(1_000_000);
    let cases = [
        ("comment", "<r><!-- "),
        ("CDATA", "<r><![CDATA["),
        ("processing instruction", "<r><?pi "),
        ("start tag", "<r><a "),
        ("attribute value", "<r><a b=\""),
        ("element content", "<r><a>"),
    ];
    for (case, head) in cases {
        let input = format!("{head}{tail}");
        let report = duis::validate(input.as_bytes());
        let finding = only(&report, Code::XmlUnclosed, case);
        // At the construct's start, or (for element content) at the end of the input.
        let at = finding.span.start;
        assert!(at <= head.len() || at == input.len(), "{case}: {finding:?}");
        assert!(finding.span.end <= input.len(), "{case}: {finding:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The largest legitimate message

/// Octets in the largest `FirmwareImage` (DUIS 5.4 `UpdateFirmware`, `maxLength` 10,240,000;
/// on `base64Binary` the facet counts decoded octets).
pub(crate) const FIRMWARE_OCTETS: usize = 10_240_000;
/// EUI-64s in the longest `DeviceIDList` (`maxLength` 1,199,999: 50,000 comma-separated
/// 23-character EUI-64s).
const DEVICE_IDS: usize = 50_000;

/// An 11.1 Update Firmware request (CV 8, to the DCC) with the largest image and device list
/// the schema allows, built here and never committed. `octets` sets the image size.
pub(crate) fn largest_firmware_request(octets: usize) -> Vec<u8> {
    use base64::Engine as _;
    let image: Vec<u8> = (0..octets).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let image = base64::engine::general_purpose::STANDARD.encode(image);
    let ids: Vec<String> = (0..DEVICE_IDS)
        .map(|i| {
            let b = (i as u32).to_be_bytes();
            format!("00-DB-12-34-{:02X}-{:02X}-{:02X}-{:02X}", b[0], b[1], b[2], b[3])
        })
        .collect();
    let ids = ids.join(",");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<sr:Request xmlns:sr="{SR}" schemaVersion="5.4">
  <sr:Header>
    <sr:RequestID>90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:4242</sr:RequestID>
    <sr:CommandVariant>8</sr:CommandVariant>
    <sr:ServiceReference>11.1</sr:ServiceReference>
    <sr:ServiceReferenceVariant>11.1</sr:ServiceReferenceVariant>
  </sr:Header>
  <sr:Body>
    <sr:UpdateFirmware>
      <sr:FirmwareImage>{image}</sr:FirmwareImage>
      <sr:FirmwareVersion>01020304</sr:FirmwareVersion>
      <sr:DeviceIDList>{ids}</sr:DeviceIDList>
    </sr:UpdateFirmware>
  </sr:Body>
</sr:Request>
"#
    )
    .into_bytes()
}

fn pki(name: &str) -> Vec<u8> {
    std::fs::read(common::repo_root().join("testdata/pki").join(name)).unwrap()
}

#[test]
fn the_largest_firmware_update_is_valid_at_the_default_limits() {
    let unsigned = largest_firmware_request(FIRMWARE_OCTETS);
    let text = std::str::from_utf8(&unsigned).unwrap();
    let image = text.split("FirmwareImage>").nth(1).unwrap().trim_end_matches("</sr:");
    assert_eq!(image.len(), 13_653_336);
    let ids = text.split("DeviceIDList>").nth(1).unwrap().trim_end_matches("</sr:");
    assert_eq!(ids.len(), 1_199_999);
    assert!(unsigned.len() > 14_800_000, "{}", unsigned.len());

    // Unsigned: only the missing signature is wrong.
    let report = duis::validate(&unsigned);
    assert_eq!(errors(&report), [Code::SigMissing], "{:?}", report.findings());

    // Signed with the test User key: valid at the default limits, and verified with the trust
    // store.
    let key = duis::SigningKey::from_pkcs8(&pki("user-xml-sign.key")).unwrap();
    let cert = duis::Certificate::from_pem(&pki("user-xml-sign.pem")).unwrap();
    let signed = duis::sign(&unsigned, &key, &cert).unwrap();
    let report = duis::validate(&signed);
    assert!(report.is_valid(), "{:?}", report.findings());
    assert!(errors(&report).is_empty());
    let request = report.request().unwrap();
    assert_eq!(request.srv().map(|s| s.id), Some("11.1"));

    let mut store = duis::TrustStore::new();
    for file in common::files(&common::repo_root().join("testdata/pki"), |n| n.ends_with(".pem")) {
        store.add_pem(&file.file_name().unwrap().to_string_lossy(), &std::fs::read(&file).unwrap());
    }
    let now = duis::DateTime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let verified = Validator::builder().trust(store).now(now).build().validate(&signed);
    assert!(verified.is_valid(), "{:?}", verified.findings());
    assert!(verified.findings().iter().all(|f| f.severity != Severity::Error), "{:?}", verified.findings());
}

/// Found by the `c14n` fuzz target: `<name//>` was read as an empty element named `name/`, whose
/// canonical form `<name/></name/>` no longer parsed. Names are now checked.
#[test]
fn fuzz_dc0029a7() {
    let input = std::fs::read(crate::common::repo_root().join("testdata/regressions/fuzz_dc0029a7.xml")).unwrap();
    let report = duis::validate(&input);
    assert_eq!(report.findings().iter().map(|f| f.code).collect::<Vec<_>>(), vec![Code::XmlMalformed]);
    assert_eq!(duis::internal::canonicalize(&input), None);
}
