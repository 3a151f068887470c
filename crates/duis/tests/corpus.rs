//! The 297 RTDS request templates in `../shared/corpus/requests` (third-party data, read in
//! place, never copied): every one is a valid Service Request with its facts extracted, and
//! mutants of them give their exact finding codes.

use duis::{Code, MessageKind, Validator};

use crate::common;

fn templates() -> Vec<(String, Vec<u8>)> {
    let dir = common::shared().join("corpus/requests");
    // The dccboxed-test-* files are the signing tool's own test inputs, checked below.
    let files = common::files(&dir, |name| !name.starts_with("dccboxed-test-") && name.ends_with(".XML"));
    assert_eq!(files.len(), 297, "expected the 297 RTDS templates");
    files
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

fn codes(report: &duis::Report<'_>) -> Vec<Code> {
    report.findings().iter().map(|f| f.code).collect()
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn every_template_is_a_valid_service_request() {
    let validator = Validator::new();
    for (name, bytes) in templates() {
        let report = validator.validate(&bytes);
        assert!(report.is_valid(), "{name}: {:?}", report.findings());
        assert_eq!(report.kind(), Some(MessageKind::ServiceRequest), "{name}");
        let request = report.request().unwrap();
        let srv = request.srv().unwrap_or_else(|| panic!("{name}: no SRV"));
        assert!(name.contains(srv.id), "{name}: SRV {}", srv.id);
        assert!(request.request_id.is_some() && request.command_variant.is_some(), "{name}");
        assert_eq!(request.body.map(|b| b.element), Some(srv.body_element), "{name}");
        assert!(request.signature.is_some(), "{name}: the templates carry a (placeholder) signature");
    }
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn signing_tool_inputs_meet_their_own_expectations() {
    let dir = common::shared().join("corpus/requests");
    let validator = Validator::new();
    for (file, valid) in [
        // The signer's unsigned inputs: DUIS requires requests signed (sig.missing).
        ("dccboxed-test-ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS.XML", false),
        ("dccboxed-test-ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-signed.XML", true),
        ("dccboxed-test-ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-invalid.XML", false),
        ("dccboxed-test-ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS-nonexist-businessid.XML", false),
        ("dccboxed-test-ECS50_9.1_SUCCESS_REQUEST_DUIS.XML", true),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let report = validator.validate(&bytes);
        assert_eq!(report.is_valid(), valid, "{file}: {:?}", report.findings());
        if !valid && !file.ends_with("-invalid.XML") {
            assert!(report.has(Code::SigMissing), "{file}");
        }
    }
}

/// Applies `edit` to the text of a template and returns the codes found.
fn mutate(template: &str, edit: impl Fn(&str) -> String) -> (String, Vec<Code>) {
    let mutated = edit(template);
    assert_ne!(mutated, template, "the mutation changed nothing");
    let report = Validator::new().validate(mutated.as_bytes());
    // The templates' placeholder signatures are `sig.unverified` without a trust store.
    let found = codes(&report).into_iter().filter(|c| *c != Code::SigUnverified).collect();
    (mutated.clone(), found)
}

fn template(name: &str) -> String {
    String::from_utf8(std::fs::read(common::shared().join("corpus/requests").join(name)).unwrap()).unwrap()
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn mutants_give_their_exact_codes() {
    // 7.2 Disable Supply, CV 4, body DisableSupply.
    let disable = template("ECS43_7.2_SUCCESS_REQUEST_DUIS.XML");
    // 8.2 Read Inventory, CV 8, target the DCC.
    let inventory = template("8.2_READ_INVENTORY_REQUEST_DUIS.XML");
    type Edit = Box<dyn Fn(&str) -> String>;
    let cases: Vec<(&str, &String, Edit, Vec<Code>)> = vec![
        (
            "SRV swapped to another SR's",
            &disable,
            Box::new(|t| t.replace("<sr:ServiceReferenceVariant>7.2<", "<sr:ServiceReferenceVariant>7.3<")),
            vec![Code::RequestSrvNotInSr, Code::RequestBodyMismatch],
        ),
        (
            "body element swapped",
            &disable,
            Box::new(|t| t.replace("<sr:DisableSupply/>", "<sr:ArmSupply/>")),
            vec![Code::RequestBodyMismatch],
        ),
        (
            "CV not allowed",
            &disable,
            Box::new(|t| t.replace("<sr:CommandVariant>4<", "<sr:CommandVariant>1<")),
            vec![Code::RequestCvNotAllowed],
        ),
        (
            "CV 9",
            &disable,
            Box::new(|t| t.replace("<sr:CommandVariant>4<", "<sr:CommandVariant>9<")),
            vec![Code::RequestCvReserved],
        ),
        (
            "CV 5 without a Signed Pre-Command",
            &disable,
            Box::new(|t| t.replace("<sr:CommandVariant>4<", "<sr:CommandVariant>5<")),
            vec![Code::RequestCvNeedsSignedPreCommand],
        ),
        (
            "CV 8 not targeting the DCC",
            &inventory,
            Box::new(|t| t.replace(":90-B3-D5-1F-30-00-00-02:", ":00-DB-12-34-56-78-90-A0:")),
            vec![Code::RequestTargetNotDcc],
        ),
        (
            "DOCTYPE added",
            &disable,
            Box::new(|t| t.replacen("<sr:Request", "<!DOCTYPE x [<!ENTITY a \"b\">]><sr:Request", 1)),
            vec![Code::XmlDoctype],
        ),
        ("truncated", &disable, Box::new(|t| t[..t.len() / 2].to_owned()), vec![Code::XmlUnclosed]),
        (
            "depth 100,000",
            &disable,
            Box::new(|t| {
                let nested = format!("{}{}", "<sr:a>".repeat(100_000), "</sr:a>".repeat(100_000));
                t.replace("<sr:DisableSupply/>", &format!("<sr:DisableSupply>{nested}</sr:DisableSupply>"))
            }),
            vec![Code::LimitDepth],
        ),
        (
            "counter beyond u64",
            &disable,
            Box::new(|t| t.replace(":1000</sr:RequestID>", ":18446744073709551616</sr:RequestID>")),
            vec![Code::RequestCounterOverflow],
        ),
    ];
    for (what, base, edit, expected) in cases {
        let (_, found) = mutate(base, edit);
        assert_eq!(found, expected, "{what}");
    }
    // Non-UTF-8: a Latin-1 byte in the body.
    let mut bytes = disable.clone().into_bytes();
    let at = disable.find("<sr:DisableSupply/>").unwrap();
    bytes.insert(at, 0xE9);
    assert_eq!(codes(&Validator::new().validate(&bytes)), vec![Code::XmlNotUtf8]);
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn every_truncation_of_a_template_is_reported_not_accepted() {
    let text = template("ECS43_7.2_SUCCESS_REQUEST_DUIS.XML");
    let end = text.trim_end().len();
    let validator = Validator::new();
    for cut in 0..end {
        // Every byte offset, including inside a multi-byte character.
        let report = validator.validate(&text.as_bytes()[..cut]);
        assert!(!report.is_valid(), "cut at {cut} accepted");
        assert!(report.findings().iter().all(|f| f.code.family() == "xml"), "cut at {cut}: {:?}", report.findings());
    }
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn dcc_responses_are_recognised_and_schema_valid() {
    let dir = common::shared().join("corpus/responses");
    let validator = Validator::new();
    for path in common::files(&dir, |name| name.ends_with(".xml")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let report = validator.validate(&bytes);
        if name == "dccboxed-test-duis-xxe.xml" {
            // An external-entity attack: refused at the DOCTYPE, nothing after it read.
            assert_eq!(codes(&report), vec![Code::XmlDoctype], "{name}");
            continue;
        }
        if name == "dccboxed-test-readfw-response-no-serial.xml" {
            // A signature naming no key breaks the profile's shape, trust store or not.
            assert_eq!(codes(&report), vec![Code::SigNoKeyInfo], "{name}");
            continue;
        }
        if name == "dccboxed-test-readfw-response-invalid.xml" {
            // Besides its broken digest, its ServiceReference is "11.2.11.2" (xmllint agrees).
            assert_eq!(codes(&report), vec![Code::SchemaBadValue, Code::SigUnverified], "{name}");
            assert_eq!(report.kind(), Some(MessageKind::Response), "{name}");
            continue;
        }
        assert_eq!(report.kind(), Some(MessageKind::Response), "{name}");
        // Without a trust store a signed reply is `sig.unverified`, an unsigned one
        // `sig.reply-unsigned` (tests/signatures.rs verifies them).
        let findings: Vec<_> = report
            .findings()
            .iter()
            .filter(|f| !matches!(f.code, Code::SigUnverified | Code::SigReplyUnsigned))
            .collect();
        assert!(findings.is_empty(), "{name}: {findings:?}");
        assert!(report.request().is_none(), "{name}");
    }
}
