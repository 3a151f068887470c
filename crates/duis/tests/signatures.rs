//! XML signatures: the genuine DCC Boxed replies verify, the negative samples give their own
//! codes, requests need the originator's User XML-signing key (MP104).

use duis::{Code, DateTime, Severity, TrustStore, Validator};

use crate::common;

/// A time when all four DCC Boxed signing certificates are valid: the OU 04 ACB certificate
/// ends 2025-10-29, the 2025 DSP certificate starts 2025-09-01.
const DCC_BOXED_NOW: &str = "2025-10-01T00:00:00Z";

/// Every PEM certificate in a folder, in a store.
pub(crate) fn store_from_dir(dir: &std::path::Path) -> TrustStore {
    let mut store = TrustStore::new();
    for path in common::files(dir, |name| name.ends_with(".pem")) {
        let bytes = std::fs::read(&path).unwrap();
        store.add_pem(&path.file_name().unwrap().to_string_lossy(), &bytes);
    }
    store
}

fn dcc_boxed_validator() -> Validator {
    let store = store_from_dir(&common::shared().join("corpus/pki/dccboxed"));
    Validator::builder().trust(store).now(DateTime::parse_rfc3339(DCC_BOXED_NOW).unwrap()).build()
}

fn codes(report: &duis::Report<'_>) -> Vec<Code> {
    report.findings().iter().map(|f| f.code).collect()
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn genuine_dcc_replies_verify_and_role_oddities_are_warnings() {
    let validator = dcc_boxed_validator();
    let dir = common::shared().join("corpus/responses");
    for (file, expected) in [
        ("dccboxed-signed-message.xml", vec![Code::Mp104DccLegacyRole]),
        ("dccboxed-test-read-inventory-response-4g.xml", vec![]),
        ("dccboxed-test-read-inventory-response-5.4.xml", vec![]),
        ("dccboxed-test-readfw-response-resigned.xml", vec![]),
        ("dccboxed-test-readfw-response.xml", vec![Code::Mp104DccDecimalRole]),
        ("duisparser-readfw-response.xml", vec![Code::Mp104DccDecimalRole]),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let report = validator.validate(&bytes);
        let found: Vec<Code> = codes(&report).into_iter().filter(|c| c.family() != "schema").collect();
        assert_eq!(found, expected, "{file}: {:?}", report.findings());
        assert!(report.findings().iter().all(|f| f.severity != Severity::Error), "{file}: {:?}", report.findings());
    }
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn negative_dcc_samples_give_their_own_codes() {
    let validator = dcc_boxed_validator();
    let dir = common::shared().join("corpus/responses");
    for (file, expected) in [
        // A signature that does not verify proves no signer: no MP104 finding about one.
        ("dccboxed-test-readfw-response-badsignature.xml", vec![Code::SigBadSignature]),
        ("dccboxed-test-readfw-response-invalid.xml", vec![Code::SigDigestMismatch]),
        ("dccboxed-test-readfw-response-no-serial.xml", vec![Code::SigNoKeyInfo]),
        ("dccboxed-test-readfw-response-nonexist-serial.xml", vec![Code::PkiUnknownSigner]),
        ("dccboxed-test-readfw-response-no-signature.xml", vec![Code::SigReplyUnsigned]),
        ("dccboxed-test-duis-xxe.xml", vec![Code::XmlDoctype]),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let report = validator.validate(&bytes);
        let mut found: Vec<Code> = codes(&report).into_iter().filter(|c| c.family() != "schema").collect();
        found.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(found, expected, "{file}: {:?}", report.findings());
    }
}

// --- our own signed vectors: testdata/signed, made with testdata/pki ---

/// The evaluation time for our vectors: inside every test certificate's validity except the
/// expired and not-yet-valid ones.
const NOW: &str = "2026-01-01T00:00:00Z";

fn now() -> DateTime {
    DateTime::parse_rfc3339(NOW).unwrap()
}

/// A validator trusting `testdata/pki`.
pub(crate) fn test_pki_validator() -> Validator {
    Validator::builder().trust(crate::pki::store()).now(now()).build()
}

fn request(originator: &str, cv: u8, sr: &str, body: &str, target: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sr:Request xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">\n\
         \x20 <sr:Header>\n\
         \x20   <sr:RequestID>{originator}:{target}:1000</sr:RequestID>\n\
         \x20   <sr:CommandVariant>{cv}</sr:CommandVariant>\n\
         \x20   <sr:ServiceReference>{sr}</sr:ServiceReference>\n\
         \x20   <sr:ServiceReferenceVariant>{sr}</sr:ServiceReferenceVariant>\n\
         \x20 </sr:Header>\n\
         \x20 <sr:Body>\n\
         \x20   {body}\n\
         \x20 </sr:Body>\n\
         </sr:Request>\n"
    )
}

const SUPPLIER: &str = "90-B3-D5-1F-30-01-00-00";
const METER: &str = "00-DB-12-34-56-78-90-A0";
const DCC_ID: &str = "90-B3-D5-1F-30-00-00-02";

fn supply_status() -> String {
    request(SUPPLIER, 1, "7.4", "<sr:ReadSupplyStatus/>", METER)
}

fn response() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sr:Response xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">\n\
         \x20 <sr:Header>\n\
         \x20   <sr:RequestID>{SUPPLIER}:{METER}:1000</sr:RequestID>\n\
         \x20   <sr:ResponseID>{METER}:{SUPPLIER}:1000</sr:ResponseID>\n\
         \x20   <sr:ResponseCode>I0</sr:ResponseCode>\n\
         \x20   <sr:ResponseDateTime>2026-01-01T00:00:00Z</sr:ResponseDateTime>\n\
         \x20 </sr:Header>\n\
         \x20 <sr:Body>\n\
         \x20   <sr:ResponseMessage>\n\
         \x20     <sr:ServiceReference>7.4</sr:ServiceReference>\n\
         \x20     <sr:ServiceReferenceVariant>7.4</sr:ServiceReferenceVariant>\n\
         \x20   </sr:ResponseMessage>\n\
         \x20 </sr:Body>\n\
         </sr:Response>\n"
    )
}

/// Signs with one of the test PKI's keys.
pub(crate) fn sign_with(message: &str, who: &str) -> String {
    let (cert, key) = crate::pki::load(who);
    String::from_utf8(duis::sign(message.as_bytes(), &key, &cert).unwrap()).unwrap()
}

fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in the message");
    text.replacen(from, to, 1)
}

/// Every signed vector: name → bytes.
fn signed_vectors() -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut add = |name: &str, text: String| assert!(files.insert(name.to_owned(), text).is_none(), "{name}");
    let user = sign_with(&supply_status(), "user-xml-sign");

    add("7.4_user-signed_valid.xml", user.clone());
    add(
        "8.2_cv8-user-signed_valid.xml",
        sign_with(
            &request(
                SUPPLIER,
                8,
                "8.2",
                &format!("<sr:ReadInventory><sr:DeviceID>{METER}</sr:DeviceID></sr:ReadInventory>"),
                DCC_ID,
            ),
            "user-xml-sign",
        ),
    );
    add(
        "7.4_re-signed-replaces-the-old-signature_valid.xml",
        sign_with(&sign_with(&supply_status(), "other-user-xml-sign"), "user-xml-sign"),
    );
    add("response_dcc-signed_valid.xml", sign_with(&response(), "dcc-xml-sign"));
    add("response_legacy-acb-role_valid.xml", sign_with(&response(), "dcc-legacy-acb"));

    add("7.4_unsigned_sig.missing.xml", supply_status());
    add(
        "7.4_whitespace-added-in-body_sig.digest-mismatch.xml",
        replace(&user, "<sr:ReadSupplyStatus/>", " <sr:ReadSupplyStatus/>"),
    );
    add("7.4_prefix-changed_sig.digest-mismatch.xml", user.replace("sr:", "dcc:").replace("xmlns:sr=", "xmlns:dcc="));
    let value_at = user.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let mut flipped = user.clone().into_bytes();
    flipped[value_at + 3] = if flipped[value_at + 3] == b'A' { b'B' } else { b'A' };
    add("7.4_signature-value-changed_sig.bad-signature.xml", String::from_utf8(flipped).unwrap());
    add("7.4_signed-with-a-role-key_mp104.role.xml", sign_with(&supply_status(), "supplier-ds"));
    add("7.4_signed-with-a-network-operator-key_mp104.role.xml", sign_with(&supply_status(), "wrong-role"));
    add("7.4_another-users-key_mp104.originator.xml", sign_with(&supply_status(), "other-user-xml-sign"));
    add("7.4_expired-certificate_pki.expired.xml", sign_with(&supply_status(), "user-xml-sign-expired"));
    add(
        "7.4_certificate-not-yet-valid_pki.not-yet-valid.xml",
        sign_with(&supply_status(), "user-xml-sign-not-yet-valid"),
    );
    add("7.4_key-agreement-certificate_pki.key-usage.xml", sign_with(&supply_status(), "wrong-key-usage"));
    add(
        "7.4_serial-not-listed_pki.unknown-signer.xml",
        replace(&user, "<ds:X509SerialNumber>4097<", "<ds:X509SerialNumber>4096<"),
    );
    add(
        "7.4_issuer-not-listed_pki.unknown-signer.xml",
        replace(&user, "<ds:X509IssuerName>CN=T1,OU=07<", "<ds:X509IssuerName>CN=T2,OU=07<"),
    );
    add("response_user-signed_mp104.dcc-signer.xml", sign_with(&response(), "user-xml-sign"));
    // Canonical XML fails on a relative namespace URI; added after signing, since our signer
    // refuses to sign such a document.
    add(
        "7.4_relative-namespace-uri_sig.relative-namespace.xml",
        replace(&user, "<sr:Body>", "<sr:Body xmlns:f=\"relative\">"),
    );
    add("response_unsigned_sig.reply-unsigned.xml", response());

    // Profile: each edit breaks one rule. Digest and signature checks are not reached.
    let profile: &[(&str, &str, &str)] = &[
        ("sha1-digest_sig.unsupported-digest", "xmlenc#sha256", "xmldsig#sha1"),
        (
            "rsa-signature-method_sig.unsupported-signature-method",
            "xmldsig-more#ecdsa-sha256",
            "xmldsig-more#rsa-sha256",
        ),
        (
            "hmac-signature-method_sig.unsupported-signature-method",
            "2001/04/xmldsig-more#ecdsa-sha256",
            "2000/09/xmldsig#hmac-sha1",
        ),
        ("inclusive-c14n-method_sig.unsupported-c14n", "2001/10/xml-exc-c14n#", "TR/2001/REC-xml-c14n-20010315"),
        (
            "xpath-transform_sig.unsupported-transform",
            "</ds:Transforms>",
            "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>1</ds:XPath></ds:Transform></ds:Transforms>",
        ),
        (
            "no-transforms_sig.unsupported-transform",
            "<ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms>",
            "",
        ),
        (
            "enveloped-transform-with-a-parameter_sig.structure",
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"sr\"/></ds:Transform>",
        ),
        (
            "c14n-method-with-inclusive-namespaces_sig.structure",
            "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"sr\"/></ds:CanonicalizationMethod>",
        ),
        ("reference-to-an-id_sig.reference-uri", "<ds:Reference URI=\"\">", "<ds:Reference URI=\"#body\">"),
        ("reference-id-attribute_sig.structure", "<ds:Reference URI=\"\">", "<ds:Reference URI=\"\" Id=\"r\">"),
        (
            "second-reference_sig.extra-reference",
            "</ds:Reference>",
            "</ds:Reference><ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>",
        ),
        ("object_sig.object", "</ds:KeyInfo>", "</ds:KeyInfo><ds:Object>x</ds:Object>"),
        ("no-key-info_sig.no-key-info", "<ds:KeyInfo>", "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo><ds:Foo>"),
        // The values are edited in SignatureValue: an edit inside SignedInfo would also break
        // the signature, which is reported too.
        ("signature-value-not-base64_sig.bad-base64", "<ds:SignatureValue>", "<ds:SignatureValue>*"),
        ("signature-value-too-short_sig.bad-length", "<ds:SignatureValue>", "<ds:SignatureValue>AAAA"),
        ("issuer-not-a-name_sig.bad-issuer-name", "CN=T1,OU=07", "Z1 OU 07"),
        ("serial-in-hex_sig.bad-serial", ">4097<", ">0x1001<"),
    ];
    for (what, from, to) in profile {
        let text = if what.starts_with("no-key-info") {
            // Drop KeyInfo entirely.
            let start = user.find("<ds:KeyInfo>").unwrap();
            let end = user.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
            format!("{}{}", &user[..start], &user[end..])
        } else {
            replace(&user, from, to)
        };
        add(&format!("7.4_{what}.xml"), text);
    }
    files
}

/// The one code a vector name ends with, or `None` for `_valid`.
fn vector_code(name: &str) -> Option<Code> {
    let stem = name.strip_suffix(".xml").unwrap();
    let last = stem.rsplit('_').next().unwrap();
    (last != "valid").then(|| Code::from_name(last).unwrap_or_else(|| panic!("{name}: {last} is not a code")))
}

#[test]
fn signed_vectors_are_generated_and_each_gives_its_code() {
    let dir = common::repo_root().join("testdata/signed");
    let generated = signed_vectors();
    if std::env::var_os("DUIS_REGENERATE").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &generated {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let committed: Vec<String> =
        common::files(&dir, |_| true).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(committed, generated.keys().cloned().collect::<Vec<_>>(), "rerun with DUIS_REGENERATE=1");
    let validator = test_pki_validator();
    for (name, text) in &generated {
        let disk = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(
            crate::testdata::mask_signature_value(&disk),
            crate::testdata::mask_signature_value(text.as_bytes()),
            "{name}: committed file differs from the generator (SignatureValue aside)"
        );
        // The committed file, with its own signature, is what is judged.
        let report = validator.validate(&disk);
        // The schema engine also checks the xmldsig elements; its findings are its own. A rule
        // may fire twice on one element (an XPath transform is both a second Transform and an
        // unsupported one): the vector is about the code.
        let mut errors: Vec<Code> = report
            .findings()
            .iter()
            .filter(|f| f.severity == Severity::Error && f.code.family() != "schema")
            .map(|f| f.code)
            .collect();
        errors.dedup();
        match vector_code(name) {
            None => assert!(errors.is_empty() && report.is_valid(), "{name}: {:?}", report.findings()),
            // A warning code: the message stays valid and carries it.
            Some(code) if code.severity() != Severity::Error => {
                assert!(errors.is_empty() && report.has(code), "{name}: {:?}", report.findings())
            }
            Some(code) => assert_eq!(errors, vec![code], "{name}: {:?}", report.findings()),
        }
    }
}

#[test]
fn every_generated_valid_message_verifies_with_the_test_pki() {
    let validator = test_pki_validator();
    for path in common::files(&common::repo_root().join("testdata/valid"), |n| n.ends_with(".xml")) {
        let bytes = std::fs::read(&path).unwrap();
        let report = validator.validate(&bytes);
        // The XML signature families only: the GBCS payloads inside the Signed Pre-Command
        // samples are the GBCS checks' business (their signatures need the role DS key).
        let signature: Vec<Code> = report
            .findings()
            .iter()
            .map(|f| f.code)
            .filter(|c| ["sig", "pki", "mp104"].contains(&c.family()))
            .collect();
        assert!(signature.is_empty(), "{}: {:?}", path.display(), report.findings());
    }
}

#[test]
fn the_issuer_is_matched_as_a_name_however_it_is_spelled() {
    let validator = test_pki_validator();
    let user = sign_with(&supply_status(), "user-xml-sign");
    let signature_codes = |text: &str| -> Vec<Code> {
        let report = validator.validate(text.as_bytes());
        report.findings().iter().map(|f| f.code).filter(|c| ["sig", "pki", "mp104"].contains(&c.family())).collect()
    };
    assert_eq!(signature_codes(&user), vec![]);
    // KeyInfo is outside the signed content: each spelling leaves the signature intact. The
    // first two are the store's own spellings, the others need the name parsed.
    for spelling in ["CN=T1, OU=07", "cn=t1,ou=07", "CN = T1 ,  OU=07", "2.5.4.3=T1,2.5.4.11=07", "CN=T1;OU=07"] {
        let respelled = replace(&user, "<ds:X509IssuerName>CN=T1,OU=07<", &format!("<ds:X509IssuerName>{spelling}<"));
        assert_eq!(signature_codes(&respelled), vec![], "{spelling}");
    }
    for (spelling, code) in [("CN=T1,OU=08", Code::PkiUnknownSigner), ("CN=T1, OU=07, O=x", Code::PkiUnknownSigner)] {
        let respelled = replace(&user, "<ds:X509IssuerName>CN=T1,OU=07<", &format!("<ds:X509IssuerName>{spelling}<"));
        assert_eq!(signature_codes(&respelled), vec![code], "{spelling}");
    }
}

#[test]
fn white_space_a_value_ignores_never_cuts_it_and_a_cut_value_is_never_used() {
    let validator = test_pki_validator();
    let user = sign_with(&supply_status(), "user-xml-sign");
    let signature_codes = |text: &str| -> Vec<Code> {
        let report = validator.validate(text.as_bytes());
        report.findings().iter().map(|f| f.code).filter(|c| ["sig", "pki", "mp104"].contains(&c.family())).collect()
    };
    let spaces = "\n ".repeat(3000);
    // Around the signature value (outside SignedInfo), the serial and the name: still the same
    // signer, still verified.
    let padded = user
        .replace("<ds:SignatureValue>", &format!("<ds:SignatureValue>{spaces}"))
        .replace("</ds:SignatureValue>", &format!("{spaces}</ds:SignatureValue>"))
        .replace("<ds:X509IssuerName>", &format!("<ds:X509IssuerName>{spaces}"))
        .replace("</ds:X509SerialNumber>", &format!("{spaces}</ds:X509SerialNumber>"));
    assert_eq!(signature_codes(&padded), vec![]);
    // A name whose end lies past what is kept is not looked up by its beginning.
    let long_name = replace(&user, "CN=T1,OU=07<", &format!("CN=T1,OU=07{spaces},CN=evil<"));
    assert_eq!(signature_codes(&long_name), vec![Code::SigBadIssuerName]);
    // A serial larger than any certificate's names no signer; `-0` is zero.
    let huge = replace(&user, "<ds:X509SerialNumber>", &format!("<ds:X509SerialNumber>{}", "9".repeat(200)));
    assert_eq!(signature_codes(&huge), vec![Code::PkiUnknownSigner]);
    let zeros = replace(&user, "<ds:X509SerialNumber>", &format!("<ds:X509SerialNumber>{}", "0".repeat(3000)));
    assert_eq!(signature_codes(&zeros), vec![]);
}

#[test]
fn without_a_trust_store_signatures_are_unverified_warnings() {
    let signed = sign_with(&supply_status(), "supplier-ds");
    let report = Validator::new().validate(signed.as_bytes());
    assert_eq!(codes(&report), vec![Code::SigUnverified]);
    assert!(report.is_valid());
    let unsigned = supply_status();
    let report = Validator::new().validate(unsigned.as_bytes());
    assert_eq!(codes(&report), vec![Code::SigMissing]);
    // A broken shape is an error even without a trust store.
    let sha1 = replace(&sign_with(&supply_status(), "user-xml-sign"), "xmlenc#sha256", "xmldsig#sha1");
    assert_eq!(codes(&Validator::new().validate(sha1.as_bytes())), vec![Code::SigUnsupportedDigest]);
}

#[test]
fn without_a_time_validity_is_not_checked_and_says_so() {
    let validator = Validator::builder().trust(crate::pki::store()).build();
    let signed = sign_with(&supply_status(), "user-xml-sign-expired");
    let report = validator.validate(signed.as_bytes());
    assert_eq!(codes(&report), vec![Code::PkiNoTime]);
}

#[test]
fn a_time_without_an_offset_checks_no_validity_and_says_so() {
    // Certificate times are instants; 2026-01-01T00:00:00 names none. It must neither pass an
    // expired certificate silently nor guess a zone.
    let signed = sign_with(&supply_status(), "user-xml-sign-expired");
    let local = DateTime::parse("2050-06-01T00:00:00").unwrap();
    let report = Validator::builder().trust(crate::pki::store()).now(local).build().validate(signed.as_bytes());
    assert_eq!(codes(&report), vec![Code::PkiNoTime], "{:?}", report.findings());
    let message = report.findings()[0].to_string();
    assert!(message.contains("2050-06-01T00:00:00 has no UTC offset"), "{message}");
    // The same time as an instant finds the certificate expired; with_now moves a built validator.
    let validator = Validator::builder().trust(crate::pki::store()).build();
    let utc = DateTime::parse_rfc3339("2050-06-01T00:00:00Z").unwrap();
    assert_eq!(errors(&validator.with_now(utc).validate(signed.as_bytes())), vec![Code::PkiExpired]);
    assert_eq!(validator.with_now(local).now(), Some(local));
    assert_eq!(validator.now(), None);
}

#[test]
fn signing_never_changes_the_request_id_and_keeps_the_rest() {
    let message = supply_status();
    let signed = sign_with(&message, "user-xml-sign");
    let signature_start = signed.find("  <ds:Signature").unwrap();
    let signature_end = signed.find("</ds:Signature>\n").unwrap() + "</ds:Signature>\n".len();
    assert_eq!(format!("{}{}", &signed[..signature_start], &signed[signature_end..]), message);
}

#[test]
fn signing_refuses_to_make_a_message_over_the_input_limit() {
    // Under the limit as given, over it once signed: said so, not blamed on the cryptography.
    let (cert, key) = crate::pki::load("user-xml-sign");
    let message = supply_status();
    let limit = duis::Limits::default().max_input_bytes;
    let pad = limit - message.len() - "<!---->".len() - 100;
    let near = replace(&message, "</sr:Request>", &format!("<!--{}--></sr:Request>", "c".repeat(pad)));
    assert!(near.len() < limit);
    let error = duis::sign(near.as_bytes(), &key, &cert).unwrap_err();
    assert!(error.to_string().contains("would be larger than 33554432 bytes"), "{error}");
}

#[test]
fn signing_refuses_a_relative_namespace_uri() {
    let (cert, key) = crate::pki::load("user-xml-sign");
    let relative = replace(&supply_status(), "<sr:Body>", "<sr:Body xmlns:f=\"f\">");
    let error = duis::sign(relative.as_bytes(), &key, &cert).unwrap_err();
    assert!(error.to_string().contains("relative"), "{error}");
    // Nor a namespace name that is no URI: libxml2 and xmlsec1 cannot canonicalise it.
    // Nor one whose structure libxml2 cannot parse: two fragments, a port that is no number
    // (or empty), a bracket outside an IP literal, two user-information parts.
    for name in [
        "urn:a b",
        "http://x/%zz",
        "urn:\u{e9}",
        "urn:a<b",
        "urn:a#b#c",
        "http://x:abc/",
        "http://h:/",
        "http://[x",
        "urn:a]",
        "http://a@b@c",
    ] {
        let text = replace(&supply_status(), "<sr:Body>", &format!("<sr:Body xmlns:f=\"{name}\">"));
        assert!(duis::sign(text.as_bytes(), &key, &cert).is_err(), "{name}");
    }
    // An absolute URI of any scheme, or an undeclaration, is fine.
    for declaration in [
        "xmlns:f=\"urn:f\"",
        "xmlns:f=\"http://example.com/f%20g?q=1#x\"",
        "xmlns:f=\"urn:a&amp;b\"",
        "xmlns=\"\"",
        "xmlns:f=\"http://[::1]:8080/a\"",
        "xmlns:f=\"http://u@h/\"",
    ] {
        let text = replace(&supply_status(), "<sr:Body>", &format!("<sr:Body {declaration}>"));
        assert!(duis::sign(text.as_bytes(), &key, &cert).is_ok(), "{declaration}");
    }
}

#[test]
fn signing_again_gives_what_signing_once_gives_and_keeps_crlf_line_ends() {
    let (cert, key) = crate::pki::load("user-xml-sign");
    let once = duis::sign(supply_status().as_bytes(), &key, &cert).unwrap();
    let twice = duis::sign(&once, &key, &cert).unwrap();
    let masked = |bytes: &[u8]| crate::testdata::mask_signature_value(bytes);
    assert_eq!(String::from_utf8(masked(&twice)).unwrap(), String::from_utf8(masked(&once)).unwrap());
    // A CR LF file gets a CR LF line end, never a bare LF.
    let crlf = supply_status().replace('\n', "\r\n");
    let signed = String::from_utf8(duis::sign(crlf.as_bytes(), &key, &cert).unwrap()).unwrap();
    assert_eq!(signed.matches('\n').count(), signed.matches("\r\n").count(), "{signed}");
    assert!(test_pki_validator().validate(signed.as_bytes()).is_valid());
    // A CR file (old Mac line ends) gets CR.
    let cr = supply_status().replace('\n', "\r");
    let signed = String::from_utf8(duis::sign(cr.as_bytes(), &key, &cert).unwrap()).unwrap();
    assert!(!signed.contains('\n') && signed.contains("</ds:Signature>\r</sr:Request>"), "{signed}");
    assert!(test_pki_validator().validate(signed.as_bytes()).is_valid());
}

#[test]
fn signing_refuses_what_the_verifier_would_refuse() {
    let (cert, key) = crate::pki::load("user-xml-sign");
    let signed = String::from_utf8(duis::sign(supply_status().as_bytes(), &key, &cert).unwrap()).unwrap();
    let start = signed.find("<ds:Signature").unwrap();
    let end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let signature = &signed[start..end];
    // Re-signing replaces the root's signature; a second one, or one inside the body, would
    // still be there after signing.
    assert!(duis::sign(signed.as_bytes(), &key, &cert).is_ok());
    let twice = signed.replacen("</sr:Request>", &format!("{signature}</sr:Request>"), 1);
    let nested = signed.replacen("<sr:Body>", &format!("<sr:Body>{signature}"), 1);
    let comment = replace(&supply_status(), ":1000</sr:RequestID>", ":1000<!-- x --> </sr:RequestID>");
    for (what, text) in [("two signatures", twice), ("one in the body", nested), ("comment in a value", comment)] {
        let error = duis::sign(text.as_bytes(), &key, &cert).unwrap_err();
        assert!(error.to_string().contains("would be refused with sig."), "{what}: {error}");
    }
}

#[test]
fn signing_refuses_a_key_that_is_not_the_certificates() {
    let (cert, _) = crate::pki::load("user-xml-sign");
    let (_, other) = crate::pki::load("user2-xml-sign");
    assert_eq!(duis::sign(supply_status().as_bytes(), &other, &cert), Err(duis::SignError::KeyMismatch));
    let (cert, key) = crate::pki::load("user-xml-sign");
    assert!(matches!(duis::sign(b"<a", &key, &cert), Err(duis::SignError::Malformed(_))));
    // The MMC schema gives its responses no signature.
    let mmc =
        br#"<ra:GBCSResponse xmlns:ra="http://www.dccinterface.co.uk/ResponseAndAlert"><ra:X/></ra:GBCSResponse>"#;
    match duis::sign(mmc, &key, &cert) {
        Err(duis::SignError::Malformed(why)) => assert!(why.contains("takes no signature"), "{why}"),
        other => panic!("{other:?}"),
    }
}

// --- signature wrapping: each attempt fails with the test PKI ---

fn errors(report: &duis::Report<'_>) -> Vec<Code> {
    report
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error && f.code.family() != "schema")
        .map(|f| f.code)
        .collect()
}

#[test]
fn signature_wrapping_attempts_fail() {
    let validator = test_pki_validator();
    let signed = sign_with(&supply_status(), "user-xml-sign");
    let body_start = signed.find("  <sr:Body>").unwrap();
    let body_end = signed.find("</sr:Body>\n").unwrap() + "</sr:Body>\n".len();
    let body = &signed[body_start..body_end];
    let signature_start = signed.find("  <ds:Signature").unwrap();
    let signature_end = signed.find("</ds:Signature>\n").unwrap() + "</ds:Signature>\n".len();
    let signature = &signed[signature_start..signature_end];
    let evil = body.replace("ReadSupplyStatus", "ReadFirmwareVersion");
    let cases: Vec<(&str, String, Vec<Code>)> = vec![
        ("body duplicated", replace(&signed, body, &format!("{body}{body}")), vec![Code::SigDigestMismatch]),
        (
            "body moved after the signature",
            format!("{}{}{}{}", &signed[..body_start], signature, body, &signed[signature_end..]),
            // The signed content is unchanged (only the signature moved), so the digest holds.
            vec![Code::SigMisplaced],
        ),
        (
            "signed body moved into the signature, a new body put in its place",
            replace(
                &replace(&signed, body, &evil),
                "</ds:KeyInfo>",
                &format!("</ds:KeyInfo><ds:Object>{body}</ds:Object>"),
            ),
            // An Object is refused outright, so the digest is not even tried.
            vec![Code::RequestBodyMismatch, Code::SigObject],
        ),
        (
            "second signature",
            replace(&signed, "</sr:Request>", &format!("{signature}</sr:Request>")),
            vec![Code::SigDuplicate],
        ),
        (
            "signature inside the body",
            format!(
                "{}{}{}",
                &signed[..body_end - "  </sr:Body>\n".len()],
                signature,
                &signed[body_end - "  </sr:Body>\n".len()..signature_start]
            ) + &signed[signature_end..],
            // Signed, but not where DUIS puts the signature: misplaced, not missing.
            vec![Code::SigMisplaced],
        ),
        (
            "whitespace inside signed content",
            replace(&signed, "<sr:CommandVariant>1<", "<sr:CommandVariant> 1<"),
            vec![Code::SigDigestMismatch],
        ),
        (
            "namespace prefix changed",
            signed.replacen("xmlns:sr=", "xmlns:s=", 1).replace("<sr:", "<s:").replace("</sr:", "</s:"),
            vec![Code::SigDigestMismatch],
        ),
        (
            "namespace declaration added on the root",
            replace(&signed, "schemaVersion=", "xmlns:x=\"urn:x\" schemaVersion="),
            vec![Code::SigDigestMismatch],
        ),
    ];
    for (what, message, expected) in cases {
        let report = validator.validate(message.as_bytes());
        let mut found = errors(&report);
        found.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(found, expected, "{what}: {:?}", report.findings());
    }
}

#[test]
fn comments_in_signed_content_are_found_and_one_inside_a_value_is_refused() {
    // Canonical XML without comments (URI="") drops comments, so the digest holds in every
    // case below, and the facts join text either side of a comment. A comment inside a value
    // is still refused (the comment-truncation attack: a reader that stops at the comment
    // sees `10`); one between elements changes no value and is a warning.
    let validator = test_pki_validator();
    let signed = sign_with(&supply_status(), "user-xml-sign");
    // The RequestID is an xs:token: trailing spaces are valid and signed.
    let spaced =
        sign_with(&replace(&supply_status(), ":1000</sr:RequestID>", ":1000  </sr:RequestID>"), "user-xml-sign");
    let cases: Vec<(&str, String, Vec<Code>)> = vec![
        (
            "inside the RequestID",
            replace(&signed, ":1000</sr:RequestID>", ":10<!-- x -->00</sr:RequestID>"),
            vec![Code::SigCommentInValue],
        ),
        (
            "before a value",
            replace(&signed, "<sr:CommandVariant>1<", "<sr:CommandVariant><!-- x -->1<"),
            vec![Code::SigCommentInValue],
        ),
        (
            "after a value",
            replace(&signed, "1</sr:CommandVariant>", "1<!-- x --></sr:CommandVariant>"),
            vec![Code::SigCommentInValue],
        ),
        ("between elements", replace(&signed, "  <sr:Body>", "  <!-- x --><sr:Body>"), vec![Code::SigComment]),
        (
            "in an empty element",
            replace(&signed, "<sr:ReadSupplyStatus/>", "<sr:ReadSupplyStatus><!-- x --></sr:ReadSupplyStatus>"),
            vec![Code::SigComment],
        ),
        (
            "between a value's spaces (in a reply, a single space is a value of its own)",
            replace(&spaced, ":1000  </sr:RequestID>", ":1000 <!-- x --> </sr:RequestID>"),
            vec![Code::SigCommentInValue],
        ),
        (
            "before the white space that ends a value",
            replace(&spaced, ":1000  </sr:RequestID>", ":1000<!-- x -->  </sr:RequestID>"),
            vec![Code::SigCommentInValue],
        ),
        (
            "between elements, with indentation on both sides",
            replace(&signed, "\n  <sr:Body>", "\n <!-- x --> <sr:Body>"),
            vec![Code::SigComment],
        ),
        (
            "between elements of the signature, which is not signed content",
            replace(&signed, "<ds:KeyInfo>", "<!-- x --><ds:KeyInfo>"),
            vec![],
        ),
        (
            "inside a value of the signature",
            replace(&signed, "</ds:X509SerialNumber>", "<!-- x --></ds:X509SerialNumber>"),
            vec![Code::SigCommentInValue],
        ),
    ];
    for (what, message, expected) in cases {
        let report = validator.validate(message.as_bytes());
        assert_eq!(codes(&report), expected, "{what}: {:?}", report.findings());
        assert_eq!(report.request().unwrap().request_id.as_ref().unwrap().value.counter, 1000, "{what}");
    }
    // An unsigned message has no signed content: its comments are nobody's business.
    let unsigned = replace(&supply_status(), ":1000</sr:RequestID>", ":10<!-- x -->00</sr:RequestID>");
    let report = validator.validate(unsigned.as_bytes());
    assert_eq!(codes(&report), vec![Code::SigMissing], "{:?}", report.findings());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    #[test]
    fn sign_then_verify_holds_and_any_flipped_byte_of_signed_content_fails(
        counter in 0u64..u64::MAX,
        position in 0usize..10_000,
        flip in 1u8..=255,
    ) {
        let validator = test_pki_validator();
        let message = supply_status().replace(":1000<", &format!(":{counter}<"));
        let signed = sign_with(&message, "user-xml-sign");
        let report = validator.validate(signed.as_bytes());
        proptest::prop_assert!(report.findings().is_empty(), "{:?}", report.findings());
        // Flip one byte of the signed content (everything but the signature element).
        let signature_start = signed.find("  <ds:Signature").unwrap();
        let at = position % signature_start;
        let message_bytes = signed.clone();
        let mut bytes = signed.into_bytes();
        bytes[at] ^= flip;
        let report = validator.validate(&bytes);
        // Accepted only if the signed content is canonically the same (say a space in a tag
        // became a tab, or the XML declaration changed, which is not signed).
        if report.is_valid() {
            let original = duis::internal::canonicalize(message_bytes.as_bytes());
            proptest::prop_assert_eq!(
                duis::internal::canonicalize(&bytes), original,
                "flipping byte {} by {:#x} was accepted", at, flip
            );
        }
    }
}

#[test]
fn strict_chain_mode_accepts_leaves_of_a_listed_ca_and_refuses_the_rest() {
    // Our leaves chain to testdata/pki/ca.pem.
    let strict = Validator::builder().trust(crate::pki::store().require_chain(true)).now(now()).build();
    let signed = sign_with(&supply_status(), "user-xml-sign");
    let report = strict.validate(signed.as_bytes());
    assert!(report.findings().is_empty(), "{:?}", report.findings());
    // Without the CA in the store, the same leaf does not chain.
    let mut store = TrustStore::new();
    store.add_pem("user-xml-sign.pem", &std::fs::read(crate::pki::dir().join("user-xml-sign.pem")).unwrap());
    let lonely = Validator::builder().trust(store.require_chain(true)).now(now()).build();
    assert_eq!(codes(&lonely.validate(signed.as_bytes())), vec![Code::PkiNoChain]);
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn the_signing_tools_signed_request_verifies_with_dcc_boxed_keys_once_re_signed() {
    // `-signed.XML` carries placeholder KeyInfo values; re-signed with the originator's DCC
    // Boxed XML-signing key it verifies, and MP104 holds.
    let dir = common::shared().join("corpus");
    let text =
        std::fs::read(dir.join("requests/dccboxed-test-ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-signed.XML")).unwrap();
    let pki = dir.join("pki/dccboxed");
    let key =
        duis::SigningKey::from_pkcs8(&std::fs::read(pki.join("xml-sign-90B3D51F30010000-ds.key")).unwrap()).unwrap();
    let cert =
        duis::Certificate::from_pem(&std::fs::read(pki.join("xml-sign-90B3D51F30010000-ds.pem")).unwrap()).unwrap();
    let signed = duis::sign(&text, &key, &cert).unwrap();
    let report = dcc_boxed_validator().validate(&signed);
    assert!(report.findings().is_empty(), "{:?}", report.findings());
    // A DCC Boxed role key (the Java tool's fallback) verifies, and is refused by MP104.
    let key = duis::SigningKey::from_pkcs8(&std::fs::read(pki.join("Z1-supplier-ds.key")).unwrap()).unwrap();
    let cert = duis::Certificate::from_pem(&std::fs::read(pki.join("Z1-supplier-ds.pem")).unwrap()).unwrap();
    let signed = duis::sign(&text, &key, &cert).unwrap();
    assert_eq!(codes(&dcc_boxed_validator().validate(&signed)), vec![Code::Mp104Role]);
}

#[test]
fn a_gbcs_signature_by_a_lapsed_role_certificate_says_so() {
    // The Signed Pre-Command sample: XML signed by user-xml-sign, GBCS by supplier-ds, both
    // certificates valid 2020 to 2049.
    let message =
        std::fs::read(common::repo_root().join("testdata/valid/7.2_signed-pre-command-cv5_valid.xml")).unwrap();
    let text = String::from_utf8(message.clone()).unwrap();
    let signature = text.find("<ds:Signature").unwrap();
    for (now, code) in [("2050-06-01T00:00:00Z", Code::PkiExpired), ("2019-06-01T00:00:00Z", Code::PkiNotYetValid)] {
        let validator =
            Validator::builder().trust(crate::pki::store()).now(DateTime::parse_rfc3339(now).unwrap()).build();
        let report = validator.validate(&message);
        // One for the GBCS signer, at the payload; one for the XML signer, in its signature.
        let found: Vec<(Code, bool)> = report.findings().iter().map(|f| (f.code, f.span.start > signature)).collect();
        assert_eq!(found, [(code, false), (code, true)], "{now}: {:?}", report.findings());
    }
    // A time without an offset judges neither certificate; the XML signature's warning says so.
    let local = DateTime::parse("2050-06-01T00:00:00").unwrap();
    let report = Validator::builder().trust(crate::pki::store()).now(local).build().validate(&message);
    let found: Vec<(Code, bool)> = report.findings().iter().map(|f| (f.code, f.span.start > signature)).collect();
    assert_eq!(found, [(Code::PkiNoTime, true)], "{:?}", report.findings());
}

#[test]
fn validity_bounds_are_inclusive() {
    // user-xml-sign-expired: notBefore 2015-01-01T00:00:00Z, notAfter 2019-12-31T23:59:59Z.
    let signed = sign_with(&supply_status(), "user-xml-sign-expired");
    for (now, expected) in [
        ("2014-12-31T23:59:59Z", vec![Code::PkiNotYetValid]),
        ("2015-01-01T00:00:00Z", vec![]),
        ("2019-12-31T23:59:59Z", vec![]),
        ("2020-01-01T00:00:00Z", vec![Code::PkiExpired]),
        // The same instant in another offset.
        ("2020-01-01T00:59:59+01:00", vec![]),
    ] {
        let validator =
            Validator::builder().trust(crate::pki::store()).now(DateTime::parse_rfc3339(now).unwrap()).build();
        assert_eq!(codes(&validator.validate(signed.as_bytes())), expected, "{now}");
    }
}

/// A verifier that refuses everything, to show the seam is the one used.
#[derive(Debug)]
struct RejectAll;

impl duis::SignatureVerifier for RejectAll {
    fn verify_ecdsa_p256_sha256(&self, _: &[u8], _: &[u8], _: &[u8]) -> bool {
        false
    }
}

#[test]
fn the_crypto_seam_decides_the_signature() {
    let validator =
        Validator::builder().trust(crate::pki::store()).now(now()).verifier(std::sync::Arc::new(RejectAll)).build();
    let signed = sign_with(&supply_status(), "user-xml-sign");
    assert_eq!(codes(&validator.validate(signed.as_bytes())), vec![Code::SigBadSignature]);
}

#[cfg(feature = "fuzzing")]
#[test]
fn insecure_accept_all_lets_fuzzers_reach_the_rules_behind_the_crypto() {
    let validator = Validator::builder()
        .trust(crate::pki::store())
        .now(now())
        .verifier(std::sync::Arc::new(duis::InsecureAcceptAll))
        .build();
    let signed = sign_with(&supply_status(), "supplier-ds");
    let tampered = replace(&signed, "<sr:CommandVariant>1<", "<sr:CommandVariant> 1<");
    assert_eq!(codes(&validator.validate(tampered.as_bytes())), vec![Code::Mp104Role]);
}

#[test]
fn verifying_costs_no_allocation_per_element() {
    // The canonical digest is streamed: signing a reply ten times longer costs a few more
    // allocations for buffers that grow by doubling, never one per element.
    let validator = Validator::builder().trust(crate::pki::store()).now(now()).build();
    let reply = |entries: usize| {
        let entry = "<sr:DSPWANMatrixResponse><sr:CSPRegion>North</sr:CSPRegion><sr:CSPRegionResponseCode>I0</sr:CSPRegionResponseCode>\
                     <sr:CoverageAvailability>true</sr:CoverageAvailability><sr:WANTechnology>4G</sr:WANTechnology>\
                     <sr:ConnectivityLikelihood>High</sr:ConnectivityLikelihood></sr:DSPWANMatrixResponse>\n";
        let text = response().replace(
            "<sr:ServiceReference>7.4</sr:ServiceReference>\n      <sr:ServiceReferenceVariant>7.4</sr:ServiceReferenceVariant>",
            &format!(
                "<sr:ServiceReference>12.1</sr:ServiceReference><sr:ServiceReferenceVariant>12.1</sr:ServiceReferenceVariant>\
                 <sr:DSPWANMatrix><sr:Request><sr:UPRN>100023336956</sr:UPRN></sr:Request>\n{}</sr:DSPWANMatrix>",
                entry.repeat(entries)
            ),
        );
        assert!(text.contains("DSPWANMatrix"));
        sign_with(&text, "dcc-xml-sign")
    };
    let count = |message: &str| {
        let mut clean = false;
        let info = allocation_counter::measure(|| clean = validator.validate(message.as_bytes()).findings().is_empty());
        assert!(clean, "{:?}", validator.validate(message.as_bytes()).findings());
        info.count_total
    };
    let (small, large) = (reply(10), reply(1_000));
    let _ = count(&small);
    let (small, large) = (count(&small), count(&large));
    assert!(large <= small + 16, "10 entries: {small} allocations; 1,000 entries: {large}");
}

#[test]
fn the_signer_is_named_once_per_certificate_not_per_message() {
    // The report shares the trust store's view of the certificate: two messages verified by
    // the same key name it with the same value, not a copy made for each.
    let validator = test_pki_validator();
    let signed = sign_with(&supply_status(), "user-xml-sign");
    let (first, second) = (validator.validate(signed.as_bytes()), validator.validate(signed.as_bytes()));
    let (a, b) = (first.xml_signer().unwrap(), second.xml_signer().unwrap());
    assert!(std::ptr::eq(a, b));
    assert_eq!((a.role.as_str(), a.eui.map(|e| e.to_string())), ("87", Some(SUPPLIER.to_owned())));
}

/// The message with one character of its `SignatureValue` changed (still 64 bytes of base64).
fn with_signature_value_changed(message: &str) -> String {
    let at = message.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let old = message[at..].chars().next().unwrap();
    let new = if old == 'A' { 'B' } else { 'A' };
    format!("{}{new}{}", &message[..at], &message[at + 1..])
}

#[test]
fn a_signer_is_named_and_judged_only_when_its_signature_verified() {
    let validator = test_pki_validator();
    let signed = |name: &str| std::fs::read_to_string(common::repo_root().join("testdata/signed").join(name)).unwrap();
    // Verified: named, and MP104 judges it.
    let user_signed = signed("7.4_user-signed_valid.xml");
    let good = validator.validate(user_signed.as_bytes());
    assert!(good.is_valid() && good.xml_signer().is_some(), "{:?}", good.findings());
    let role_key = signed("7.4_signed-with-a-role-key_mp104.role.xml");
    let report = validator.validate(role_key.as_bytes());
    assert!(report.has(Code::Mp104Role) && report.xml_signer().is_some(), "{:?}", report.findings());
    // Not verified: no signer named, no MP104 finding about a certificate that signed nothing.
    for (name, message, code) in [
        ("changed SignatureValue", with_signature_value_changed(&user_signed), Code::SigBadSignature),
        ("role key, changed SignatureValue", with_signature_value_changed(&role_key), Code::SigBadSignature),
        ("digest mismatch", signed("7.4_prefix-changed_sig.digest-mismatch.xml"), Code::SigDigestMismatch),
    ] {
        let report = validator.validate(message.as_bytes());
        assert_eq!(errors(&report), vec![code], "{name}: {:?}", report.findings());
        assert!(report.xml_signer().is_none(), "{name}");
    }
    // Verified with a certificate that is out of date: MP104 still judges the signer (the
    // signature is its), but the report does not call it the verified signer.
    let expired = signed("7.4_expired-certificate_pki.expired.xml");
    let expired = validator.validate(expired.as_bytes());
    assert_eq!(errors(&expired), vec![Code::PkiExpired], "{:?}", expired.findings());
    assert!(expired.xml_signer().is_none());
}

#[test]
fn a_dcc_alert_carrying_a_signed_s1sp_alert_verifies() {
    // The S1SP's alert, with its own signature as the schema requires, travels inside a DCC
    // alert that the DCC signs: the inner signature is content, the outer one is verified.
    let alert = "<sr:S1SPAlert xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">\
        <sr:DeviceID>00-DB-12-34-56-78-90-A0</sr:DeviceID><sr:S1SPAlertCode>X</sr:S1SPAlertCode>\
        <sr:DateTime>2026-01-01T00:00:00Z</sr:DateTime></sr:S1SPAlert>";
    let signed_alert = sign_with(alert, "dcc-xml-sign");
    let signed_alert = match signed_alert.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, after)| after),
        None => &signed_alert,
    };
    let signed_alert = signed_alert.replace(" xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\"", "");
    let message = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sr:Response xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">\
         <sr:Header><sr:ResponseID>90-B3-D5-1F-30-00-00-02:{SUPPLIER}:1000</sr:ResponseID>\
         <sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2026-01-01T00:00:00Z</sr:ResponseDateTime>\
         </sr:Header><sr:Body><sr:DCCAlertMessage><sr:DCCAlertCode>N1</sr:DCCAlertCode><sr:DCCAlert>\
         <sr:S1SPAlertDSP>{}</sr:S1SPAlertDSP></sr:DCCAlert></sr:DCCAlertMessage></sr:Body></sr:Response>\n",
        signed_alert.trim()
    );
    let validator = test_pki_validator();
    let unsigned = validator.validate(message.as_bytes());
    assert_eq!(codes(&unsigned), vec![Code::SigReplyUnsigned], "{:?}", unsigned.findings());
    let signed = sign_with(&message, "dcc-xml-sign");
    let report = validator.validate(signed.as_bytes());
    assert!(report.is_valid() && report.xml_signer().is_some(), "{:?}", report.findings());
    assert_eq!(report.kind(), Some(duis::MessageKind::DccAlert));
}

/// A KeyInfo after an Object is out of order, not missing: the signature still names its key.
#[test]
fn a_key_info_out_of_order_is_reported_as_such() {
    let signed = sign_with(&supply_status(), "user-xml-sign");
    let at = signed.find("<ds:KeyInfo").expect("a KeyInfo");
    let moved = format!("{}<ds:Object>x</ds:Object>{}", &signed[..at], &signed[at..]);
    let report = Validator::new().validate(moved.as_bytes());
    let found = codes(&report);
    assert_eq!(found, vec![Code::SigObject, Code::SchemaUnexpectedElement, Code::SigStructure], "{found:?}");
    let structure = report.findings().iter().find(|f| f.code == Code::SigStructure).unwrap();
    assert!(structure.message().to_string().contains("out of order"), "{}", structure.message());
}

#[test]
fn a_document_declared_in_another_encoding_is_neither_signed_nor_called_tampered() {
    let (cert, key) = crate::pki::load("user-xml-sign");
    let latin1 = supply_status().replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    match duis::sign(latin1.as_bytes(), &key, &cert) {
        Err(duis::SignError::Malformed(why)) => assert!(why.contains("xml.encoding"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Signed as UTF-8, declared otherwise after, then changed: the digest of text read other
    // than as declared proves nothing either way, so only the encoding is reported.
    let signed = String::from_utf8(duis::sign(supply_status().as_bytes(), &key, &cert).unwrap()).unwrap();
    let declared = signed.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    let validator = test_pki_validator();
    assert_eq!(codes(&validator.validate(declared.as_bytes())), [Code::XmlEncoding]);
    let changed = declared.replace(":1000</sr:RequestID>", ":1001</sr:RequestID>");
    assert_eq!(codes(&validator.validate(changed.as_bytes())), [Code::XmlEncoding]);
    // Declared as UTF-8, the same change is tampering.
    let changed = signed.replace(":1000</sr:RequestID>", ":1001</sr:RequestID>");
    assert_eq!(codes(&validator.validate(changed.as_bytes())), [Code::SigDigestMismatch]);
}
