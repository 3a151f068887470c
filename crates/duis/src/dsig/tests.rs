//! The signature profile as the pass sees it. The digest and canonical forms are tested in
//! `c14n/tests.rs`; whole messages with real keys in `tests/signatures.rs`.

use super::*;
use crate::report::Findings;
use crate::xml::Reader;

fn pass(input: &str, verify: bool) -> SigOutcome<'static> {
    feed(input, verify, |pass, event, reader| pass.event(event, reader))
}

/// Reads `input` and hands each event to a new pass through `give`. The outcome's captured
/// values are copied, so that it outlives the input.
fn feed<'a>(
    input: &'a str,
    verify: bool,
    mut give: impl FnMut(&mut SigPass<'a>, &Event<'a>, &Reader<'a>),
) -> SigOutcome<'static> {
    let limits = crate::Limits::default();
    let mut findings = Findings::new(limits.max_findings);
    let mut reader = Reader::new(input.as_bytes(), limits, &mut findings).unwrap();
    let mut pass = SigPass::new(verify);
    while let Some(event) = reader.next(&mut findings) {
        give(&mut pass, &event, &reader);
    }
    let outcome = pass.finish(input.as_bytes());
    let own = |value: Option<Captured<'_>>| {
        value.map(|c| Captured {
            read: Cow::Owned(c.read.into_owned()),
            end: c.end,
            span: c.span,
            truncated: c.truncated,
            base64: c.base64,
            spaces_overflowed: c.spaces_overflowed,
            after_cr: c.after_cr,
        })
    };
    SigOutcome {
        signature: outcome.signature.map(|s| SignatureFacts {
            span: s.span,
            shape_error: s.shape_error,
            digest_value: own(s.digest_value),
            signature_value: own(s.signature_value),
            issuer_name: own(s.issuer_name),
            serial_number: own(s.serial_number),
            key_info: s.key_info,
        }),
        any_signature: outcome.any_signature,
        digest: outcome.digest,
        signed_info: outcome.signed_info,
        canonical: outcome.canonical,
        findings: outcome.findings,
    }
}

const SIGNATURE: &str = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
    <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
    <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>\
    <ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms>\
    <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>\
    </ds:SignedInfo><ds:SignatureValue>AB&#13;\nCD</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial>\
    <ds:X509IssuerName>CN=Z1,&#x20;OU=07</ds:X509IssuerName><ds:X509SerialNumber> 42 </ds:X509SerialNumber>\
    </ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo></ds:Signature>";

fn codes(outcome: &SigOutcome<'_>) -> Vec<Code> {
    outcome.findings.iter().map(|(code, _, _)| *code).collect()
}

#[test]
fn the_profile_shape_passes_and_values_are_captured_as_data() {
    let outcome = pass(&format!("<r><a/>{SIGNATURE}</r>"), false);
    assert_eq!(codes(&outcome), vec![]);
    let signature = outcome.signature.unwrap();
    assert!(!signature.shape_error);
    // `&#13;` is data (a CR), the literal LF is a line end: both are white space, which base64
    // ignores and the capture drops; around an integer it goes too, inside a name it stays.
    assert_eq!(signature.signature_value.unwrap().text(), "ABCD");
    assert_eq!(signature.issuer_name.unwrap().text(), "CN=Z1, OU=07");
    assert_eq!(signature.serial_number.unwrap().text(), "42");
    // Without a key nothing is hashed.
    assert_eq!(outcome.digest, None);
    assert!(outcome.signed_info.is_empty());
}

#[test]
fn with_a_key_the_digest_and_signed_info_are_made() {
    let outcome = pass(&format!("<r><a/>{SIGNATURE}</r>"), true);
    let expected = ring::digest::digest(&ring::digest::SHA256, b"<r><a></a></r>");
    assert_eq!(outcome.digest.map(|d| d.to_vec()), Some(expected.as_ref().to_vec()));
    let signed_info = String::from_utf8(outcome.signed_info).unwrap();
    assert!(
        signed_info
            .starts_with("<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:CanonicalizationMethod")
    );
    assert!(signed_info.ends_with("</ds:Reference></ds:SignedInfo>"));
}

#[test]
fn each_departure_from_the_profile_has_its_code() {
    let cases: &[(&str, &str, Code)] = &[
        ("xmlenc#sha256", "xmldsig#sha1", Code::SigUnsupportedDigest),
        ("<ds:SignedInfo>", "<ds:SignedInfo Id=\"x\">", Code::SigStructure),
        ("<ds:SignedInfo>", "<ds:SignedInfo>text", Code::SigStructure),
        ("<ds:Reference URI=\"\">", "<ds:Reference>", Code::SigReferenceUri),
        ("<ds:X509Data>", "<ds:X509Data><ds:X509Certificate>AA</ds:X509Certificate>", Code::SigEmbeddedCertificate),
        ("<ds:KeyInfo>", "<ds:KeyInfo><ds:KeyName>k</ds:KeyName>", Code::SigStructure),
        (
            "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>",
            "<ds:SignatureMethod/>",
            Code::SigStructure,
        ),
        ("</ds:SignedInfo><ds:SignatureValue>AB&#13;\nCD</ds:SignatureValue>", "</ds:SignedInfo>", Code::SigStructure),
    ];
    for (from, to, code) in cases {
        let signature = SIGNATURE.replacen(from, to, 1);
        assert_ne!(signature, SIGNATURE, "{from}");
        let outcome = pass(&format!("<r><a/>{signature}</r>"), false);
        assert_eq!(codes(&outcome), vec![*code], "{to}");
        assert_eq!(outcome.signature.unwrap().shape_error, code.severity() == crate::Severity::Error, "{to}");
    }
}

#[test]
fn position_rules() {
    let misplaced = pass(&format!("<r>{SIGNATURE}<a/></r>"), false);
    assert_eq!(codes(&misplaced), vec![Code::SigMisplaced]);
    let nested = pass(&format!("<r><a>{SIGNATURE}</a></r>"), false);
    assert_eq!(codes(&nested), vec![Code::SigMisplaced]);
    assert!(nested.any_signature && nested.signature.is_none());
    let twice = pass(&format!("<r><a/>{SIGNATURE}{SIGNATURE}</r>"), false);
    assert_eq!(codes(&twice), vec![Code::SigDuplicate]);
    let none = pass("<r><a/></r>", false);
    assert!(!none.any_signature && codes(&none).is_empty());
}

#[test]
fn ignored_white_space_takes_no_room() {
    let spaces = " \n\t".repeat(MAX_CAPTURE);
    let signature = SIGNATURE
        .replacen("AB&#13;\nCD", &format!("{spaces}AB{spaces}CD{spaces}"), 1)
        .replacen("CN=Z1,&#x20;OU=07", &format!("{spaces}CN=Z1,&#x20;OU=07{spaces}"), 1)
        .replacen(" 42 ", &format!("{spaces}42{spaces}"), 1);
    let outcome = pass(&format!("<r><a/>{signature}</r>"), false);
    let signature = outcome.signature.unwrap();
    let value = signature.signature_value.unwrap();
    assert_eq!((value.text(), value.truncated), ("ABCD", false));
    let issuer = signature.issuer_name.unwrap();
    assert_eq!((issuer.text(), issuer.truncated), ("CN=Z1, OU=07", false));
    let serial = signature.serial_number.unwrap();
    assert_eq!((serial.text(), serial.truncated), ("42", false));
    // White space inside a name counts, and too much of it cuts the name.
    let inner = SIGNATURE.replacen("CN=Z1,&#x20;OU=07", &format!("CN=Z1,{spaces}OU=07"), 1);
    let outcome = pass(&format!("<r><a/>{inner}</r>"), false);
    assert!(outcome.signature.unwrap().issuer_name.unwrap().truncated);
    // An escaped space ends a name: it is kept.
    let escaped = SIGNATURE.replacen("CN=Z1,&#x20;OU=07", "CN=Z1\\ ,OU=07\\  \n", 1);
    let outcome = pass(&format!("<r><a/>{escaped}</r>"), false);
    assert_eq!(outcome.signature.unwrap().issuer_name.unwrap().text(), "CN=Z1\\ ,OU=07\\ ");
}

/// A captured value's first run of characters is borrowed from the input: the capture reads
/// as one that copies every character (fed one at a time, as references are).
#[test]
fn borrowed_captures_read_as_copied_ones() {
    let full = "A".repeat(MAX_CAPTURE);
    let over = "B".repeat(MAX_CAPTURE + 1);
    let wide = "\u{e9}".repeat(MAX_CAPTURE / 2 + 1);
    let cases: Vec<Vec<&str>> = vec![
        vec!["ABCD"],
        vec!["AB", "CD"],
        vec!["  AB CD  "],
        vec!["AB CD", "EF"],
        vec!["", "AB"],
        vec![" \t\n"],
        vec!["CN=Z1\\ ", " "],
        vec!["CN=Z1\\", "  x"],
        vec![&full],
        vec![&full, "C"],
        vec![&full, " "],
        vec![&over],
        vec!["x", &full],
        vec![" ", &full, "y"],
        vec![&wide],
        vec!["a", &wide],
    ];
    for base64 in [false, true] {
        for chunks in &cases {
            let mut borrowed = Captured::new(Span::new(1, 2), base64);
            let mut copied = Captured::new(Span::new(1, 2), base64);
            for chunk in chunks {
                borrowed.push_str(chunk);
                chunk.chars().for_each(|ch| copied.push_char(ch));
            }
            assert_eq!(borrowed, copied, "{chunks:?} (base64: {base64})");
            assert_eq!(borrowed.text(), copied.text());
        }
    }
    // Line ends are normalised either way.
    let mut borrowed = Captured::new(Span::new(1, 2), false);
    let mut copied = Captured::new(Span::new(1, 2), false);
    for chunk in ["CN=A\\\r\n", "\rB"] {
        borrowed.push_str(chunk);
    }
    "CN=A\\\n\nB".chars().for_each(|ch| copied.push_char(ch));
    assert_eq!(borrowed, copied);
}

/// A name of backslashes filling the room, then white space: each space is looked at once
/// (a scan of the backslashes per space would take minutes here).
#[test]
fn white_space_after_a_full_name_costs_nothing_more() {
    let name = format!("{}{}X", "\\".repeat(MAX_CAPTURE), " ".repeat(4_000_000));
    let signature = SIGNATURE.replacen("CN=Z1,&#x20;OU=07", &name, 1);
    let outcome = pass(&format!("<r><a/>{signature}</r>"), false);
    let issuer = outcome.signature.unwrap().issuer_name.unwrap();
    assert!(issuer.truncated);
    assert_eq!(issuer.text().len(), MAX_CAPTURE);
}

/// The SMETS1 service provider's signature, the last child of a nested SMETS1SignedResponse
/// (in a reply) or S1SPAlert (in a DCC alert) as the schema wants it, is content of the
/// message: neither its signature nor misplaced.
#[test]
fn a_smets1_service_providers_own_signature_is_content() {
    for element in ["SMETS1SignedResponse", "S1SPAlert"] {
        let inner = format!(
            "<sr:{element} xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\">\
             <sr:SMETS1Response/>{SIGNATURE}</sr:{element}>"
        );
        let signed = pass(&format!("<r><b>{inner}</b>{SIGNATURE}</r>"), false);
        assert_eq!(codes(&signed), vec![], "{element}");
        assert!(signed.signature.is_some());
        let unsigned = pass(&format!("<r><b>{inner}</b></r>"), false);
        assert_eq!(codes(&unsigned), vec![], "{element}");
        assert!(!unsigned.any_signature && unsigned.signature.is_none());
    }
    // Anywhere else below the root a signature is still misplaced.
    let elsewhere = pass(&format!("<r><b><c/>{SIGNATURE}</b>{SIGNATURE}</r>"), false);
    assert_eq!(codes(&elsewhere), vec![Code::SigMisplaced, Code::SigDuplicate]);
    let other = format!(
        "<sr:S1SPAlertDSP xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\">{SIGNATURE}</sr:S1SPAlertDSP>"
    );
    assert_eq!(codes(&pass(&format!("<r><b>{other}</b></r>"), false)), vec![Code::SigMisplaced]);
}

#[test]
fn long_values_are_cut_and_flagged() {
    let long = "A".repeat(MAX_CAPTURE + 10);
    let signature = SIGNATURE.replacen("AB&#13;\nCD", &long, 1);
    let outcome = pass(&format!("<r><a/>{signature}</r>"), false);
    let value = outcome.signature.unwrap().signature_value.unwrap();
    assert!(value.truncated);
    assert_eq!(value.text().len(), MAX_CAPTURE);
}

/// [`SigPass::event`] skips [`SigPass::text`] when it has nothing to do (outside the signature,
/// without a trust store): the outcome is the one of a pass that hands it every text.
#[test]
fn skipping_text_outside_the_signature_changes_nothing() {
    fn every_text(input: &str, verify: bool) -> SigOutcome<'static> {
        feed(input, verify, |pass, event, reader| match event {
            Event::Text(text, span) => {
                pass.comments.text(text);
                pass.text(text, Source::Text(text, *span), reader);
            }
            Event::CData(text, _) => {
                pass.comments.text(text);
                pass.text(text, Source::CData(text), reader);
            }
            Event::Ref(ch, _) => {
                let text = ch.encode_utf8(&mut [0u8; 4]).to_owned();
                pass.comments.text(&text);
                pass.text(&text, Source::Reference, reader);
            }
            _ => pass.event(event, reader),
        })
    }
    let text = "a &amp; <![CDATA[b]]>&#13;\r\n c<!---->d";
    let inside = SIGNATURE
        .replacen("AAAA", "AA<![CDATA[AA]]>", 1)
        .replacen("<ds:SignedInfo>", &format!("<ds:SignedInfo>{text}"), 1)
        .replacen("<ds:KeyInfo>", "<ds:KeyInfo>&#32;<!---->", 1);
    let documents = [
        format!("<r>{text}<a>{text}</a>{SIGNATURE}{text}</r>"),
        format!("<r><a>x<!---->y</a>{inside}</r>"),
        format!("<r>{text}<a/>{inside}{text}<b>{text}</b></r>"),
        format!("<r><b>{text}<c/>{SIGNATURE}</b>{text}</r>"),
        format!("<r>{text}</r>"),
    ];
    for document in &documents {
        for verify in [false, true] {
            let fast = format!("{:?}", pass(document, verify));
            let general = format!("{:?}", every_text(document, verify));
            assert_eq!(fast, general, "{document} (verify: {verify})");
        }
    }
}
