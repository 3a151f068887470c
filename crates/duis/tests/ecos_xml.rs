//! Signed Pre-Commands built from the RTDS 4.5.0 PRECOMMAND/COMMAND pairs (read in place from
//! `../shared/corpus/gbcs`): the COMMAND's APDU wrapped in a `SignedPreCommand`, the header taken
//! from the APDU, the XML signed with this project's test User XML-signing key of the same
//! EUI. Checked end to end with a trust store holding the RTDS role certificates and the test
//! XML-signing certificates: two signatures by two keys of the same User. Then mutated, each
//! mutation giving its exact codes.

use std::path::PathBuf;

use base64::Engine as _;
use duis::{Code, DateTime, Severity, TrustStore, Validator};

use crate::common;

const SUPPLIER: &str = "90-B3-D5-1F-30-01-00-00";
const NETWORK_OPERATOR: &str = "90-B3-D5-1F-30-02-00-00";

fn eui(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join("-")
}

/// (folder, SRV, issued pre-command, signed APDU) for every pair.
fn pairs() -> Vec<(String, &'static str, Vec<u8>, Vec<u8>)> {
    let root = common::shared().join("corpus/gbcs");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let folder = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(srv) = duis::catalogue::srv(folder.split('_').next().unwrap()) else { continue };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for pre in files.into_iter().filter(|p| p.to_string_lossy().contains("_PRECOMMAND_")) {
            let name = pre.file_name().unwrap().to_str().unwrap().replace("_PRECOMMAND_", "_COMMAND_");
            out.push((
                folder.clone(),
                srv.id,
                common::read_hex(&pre),
                common::unwrap_general_ciphering(&common::read_hex(&dir.join(name))).to_vec(),
            ));
        }
    }
    // 178 pairs in all; a few sit in folders not named after an SRV.
    assert!(out.len() >= 170, "{} pairs", out.len());
    out
}

/// The Signed Pre-Command XML for an APDU, its header from the APDU (originator, recipient,
/// counter), unsigned.
fn message(srv_id: &str, cv: u8, apdu: &[u8]) -> String {
    let srv = duis::catalogue::srv(srv_id).unwrap();
    let counter = u64::from_be_bytes(apdu[3..11].try_into().unwrap());
    let payload = base64::engine::general_purpose::STANDARD.encode(apdu);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<sr:Request xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">
  <sr:Header>
    <sr:RequestID>{}:{}:{counter}</sr:RequestID>
    <sr:CommandVariant>{cv}</sr:CommandVariant>
    <sr:ServiceReference>{}</sr:ServiceReference>
    <sr:ServiceReferenceVariant>{}</sr:ServiceReferenceVariant>
  </sr:Header>
  <sr:Body>
    <sr:SignedPreCommand>
      <sr:GBCSPayload>{payload}</sr:GBCSPayload>
    </sr:SignedPreCommand>
  </sr:Body>
</sr:Request>
",
        eui(&apdu[12..20]),
        eui(&apdu[21..29]),
        srv.service_reference,
        srv.id
    )
}

fn sign_xml(text: &str, key_name: &str) -> Vec<u8> {
    let (cert, key) = crate::pki::load(key_name);
    duis::sign(text.as_bytes(), &key, &cert).unwrap()
}

/// The key that signs the XML for an originator: its User XML-signing key in the test PKI.
fn xml_key(originator: &str) -> Option<&'static str> {
    match originator {
        SUPPLIER => Some("user-xml-sign"),
        NETWORK_OPERATOR => Some("user2-xml-sign"),
        _ => None,
    }
}

fn validator() -> Validator {
    let mut store: TrustStore = crate::pki::store();
    for path in common::files(&common::shared().join("corpus/pki/rtds"), |n| n.ends_with("-ds.pem")) {
        store.add_pem(&path.display().to_string(), &std::fs::read(&path).unwrap());
    }
    Validator::builder().trust(store).now(DateTime::parse_rfc3339("2025-01-01T00:00:00Z").unwrap()).build()
}

fn errors(report: &duis::Report<'_>) -> Vec<Code> {
    let mut codes: Vec<Code> =
        report.findings().iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect();
    codes.sort();
    codes
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn rtds_pairs_make_valid_signed_pre_commands() {
    let validator = validator();
    let mut checked = 0;
    for (folder, srv, pre, command) in pairs() {
        let originator = eui(&command[12..20]);
        // The load controller (7.16) has no XML-signing key in the test PKI.
        let Some(key) = xml_key(&originator) else { continue };
        let cv =
            duis::catalogue::srv(srv).unwrap().command_variants.iter().find(|c| c.is_signed_pre_command()).unwrap();
        let signed = sign_xml(&message(srv, cv.get(), &command), key);
        let report = validator.validate_signed_pre_command(&signed, &pre);
        assert_eq!(errors(&report), vec![], "{folder}: {:?}", report.findings());
        let header = report.gbcs_header().unwrap();
        assert!(header.verified_by.is_some(), "{folder}");
        checked += 1;
    }
    assert!(checked >= 170, "only {checked} pairs checked");
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn mutations_of_a_signed_pre_command_give_their_exact_codes() {
    let validator = validator();
    let (_, srv, pre, command) =
        pairs().into_iter().find(|(folder, ..)| folder == "7.2_ECS43").expect("the 7.2 ECS43 pair");
    let base = message(srv, 5, &command);
    let counter = u64::from_be_bytes(command[3..11].try_into().unwrap());
    let target = eui(&command[21..29]);
    let check = |what: &str, bytes: Vec<u8>, issued: Option<&[u8]>, expected: &[Code]| {
        let report = match issued {
            Some(issued) => validator.validate_signed_pre_command(&bytes, issued),
            None => validator.validate(&bytes),
        };
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(errors(&report), expected, "{what}: {:?}", report.findings());
    };
    let with_apdu = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut apdu = command.clone();
        edit(&mut apdu);
        let old = base64::engine::general_purpose::STANDARD.encode(&command);
        let new = base64::engine::general_purpose::STANDARD.encode(&apdu);
        base.replace(&old, &new)
    };
    check("as built", sign_xml(&base, "user-xml-sign"), Some(&pre), &[]);
    let content_at = command.len() - 66;
    check(
        "one content byte",
        sign_xml(&with_apdu(&|a| a[content_at] ^= 1), "user-xml-sign"),
        Some(&pre),
        &[Code::GbcsBadSignature, Code::GbcsPreCommandMismatch],
    );
    check(
        "RequestID counter",
        sign_xml(
            &base.replace(&format!(":{counter}</sr:RequestID>"), &format!(":{}</sr:RequestID>", counter + 1)),
            "user-xml-sign",
        ),
        None,
        &[Code::GbcsCounterMismatch],
    );
    check(
        "RequestID target",
        sign_xml(&base.replace(&format!(":{target}:"), ":00-DB-12-34-56-78-90-FF:"), "user-xml-sign"),
        None,
        &[Code::GbcsRecipientMismatch],
    );
    check(
        "RequestID originator",
        sign_xml(&base.replacen(SUPPLIER, NETWORK_OPERATOR, 1), "user2-xml-sign"),
        None,
        &[Code::GbcsOriginatorMismatch],
    );
    check(
        "message code of another SRV",
        sign_xml(
            &base
                .replace(">7.2</sr:ServiceReference>", ">7.3</sr:ServiceReference>")
                .replace(">7.2</sr:ServiceReferenceVariant>", ">7.3</sr:ServiceReferenceVariant>"),
            "user-xml-sign",
        ),
        None,
        &[Code::GbcsMessageCode],
    );
    check(
        "CV 4 with a Signed Pre-Command",
        sign_xml(&base.replace("<sr:CommandVariant>5<", "<sr:CommandVariant>4<"), "user-xml-sign"),
        None,
        &[Code::RequestSignedPreCommandCv],
    );
    let sig_len_at = command.len() - 65;
    check(
        "signature length",
        sign_xml(&with_apdu(&|a| a[sig_len_at] = 0x41), "user-xml-sign"),
        None,
        &[Code::GbcsSignatureLength],
    );
    check(
        "truncated",
        sign_xml(
            &with_apdu(&|a| {
                a.pop();
            }),
            "user-xml-sign",
        ),
        None,
        &[Code::GbcsTruncated],
    );
    check("trailing bytes", sign_xml(&with_apdu(&|a| a.push(0)), "user-xml-sign"), None, &[Code::GbcsTrailingBytes]);
    // The GBCS signature made with the User's XML-signing key (OU 87) instead of its role key.
    let resigned = with_apdu(&|a| {
        let (_, key) = crate::pki::load("user-xml-sign");
        let _ = key;
        let pem = std::fs::read_to_string(common::repo_root().join("testdata/pki/user-xml-sign.key")).unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
        let rng = ring::rand::SystemRandom::new();
        let pair =
            ring::signature::EcdsaKeyPair::from_pkcs8(&ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                .unwrap();
        let end = a.len() - 64;
        let signature = pair.sign(&rng, &a[1..end - 1]).unwrap();
        a[end..].copy_from_slice(signature.as_ref());
    });
    check("GBCS signed with the XML-signing key", sign_xml(&resigned, "user-xml-sign"), None, &[Code::GbcsSignerRole]);
    // The XML signed with the supplier's role key instead of its XML-signing key.
    check("XML signed with the role key", sign_xml(&base, "supplier-ds"), None, &[Code::Mp104Role]);
}
