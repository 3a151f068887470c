//! Interop with `xmlsec1` (libxmlsec1, the reference XML-DSig implementation): what we sign it
//! verifies, and what it signs with the DUIS profile we verify. These need the `xmlsec1` binary
//! (`apt-get install xmlsec1`; `.ci/run` installs it) and fail, never skip, without it.

use std::path::{Path, PathBuf};
use std::process::Command;

use duis::{Code, DateTime, Severity, Validator};

use crate::common;

fn xmlsec1() -> Command {
    let found = Command::new("xmlsec1").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "this test needs the xmlsec1 binary: apt-get install xmlsec1 (.ci/run installs it)"
    );
    Command::new("xmlsec1")
}

/// Signs `template` with xmlsec1 (`--privkey-pem KEY[,CERT]`) into `out` and returns the result.
fn xmlsec_sign(privkey_pem: &str, template: &std::path::Path, out: &std::path::Path) -> Vec<u8> {
    let run = xmlsec1()
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(privkey_pem)
        .arg("--output")
        .arg(out)
        .arg(template)
        .output()
        .unwrap();
    assert!(run.status.success(), "xmlsec1 --sign {}: {}", template.display(), String::from_utf8_lossy(&run.stderr));
    std::fs::read(out).unwrap()
}

/// `xmlsec1 --verify` of the root's signature (not a SMETS1 service provider's signature nested
/// in the content) with one certificate's key; panics with xmlsec1's output on failure.
fn xmlsec_verifies(file: &Path, cert: &Path) {
    let out = xmlsec1()
        .arg("--verify")
        .arg("--node-xpath")
        .arg("/*/*[local-name()='Signature']")
        .arg("--pubkey-cert-pem")
        .arg(cert)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmlsec1 rejects {} (cert {}): {}",
        file.display(),
        cert.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The test PKI certificate whose serial the signed file's root signature (its last) names.
fn signer_cert(text: &str) -> PathBuf {
    let serial = text.rsplit("<ds:X509SerialNumber>").next().and_then(|r| r.split('<').next()).unwrap();
    for path in common::files(&crate::pki::dir(), |n| n.ends_with(".pem")) {
        let cert = duis::Certificate::from_pem(&std::fs::read(&path).unwrap()).unwrap();
        if cert.serial_decimal() == serial {
            return path;
        }
    }
    panic!("no test certificate with serial {serial}");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duis-xmlsec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
#[ignore = "needs xmlsec1"]
fn every_message_we_sign_verifies_under_xmlsec1() {
    let root = common::repo_root().join("testdata");
    let mut files = common::files(&root.join("valid"), |n| n.ends_with(".xml"));
    files.extend(common::files(&root.join("signed"), |n| n.ends_with("_valid.xml")));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if !text.contains("<ds:Signature") {
            // The MMC schema gives its responses no signature: the one valid kind unsigned.
            assert!(text.contains("<ra:GBCSResponse"), "{}: a valid message without a signature", file.display());
            continue;
        }
        xmlsec_verifies(&file, &signer_cert(&text));
    }
}

#[test]
#[ignore = "needs xmlsec1"]
fn messages_xmlsec1_signs_with_the_duis_profile_verify_under_us() {
    let dir = temp_dir("sign");
    let pki = crate::pki::dir();
    let validator = crate::signatures::test_pki_validator();
    for (name, who) in [
        ("7.4_read-supply-status-cv1_valid.xml", "user-xml-sign"),
        ("7.4_default-namespace_valid.xml", "user-xml-sign"),
    ] {
        let signed = std::fs::read_to_string(common::repo_root().join("testdata/valid").join(name)).unwrap();
        // Our signature, emptied into an xmlsec1 template: same profile, values left blank.
        let start = signed.find("  <ds:Signature").unwrap();
        let end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
        let template_signature = "  <ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n    <ds:SignedInfo>\n      \
             <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\n      \
             <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>\n      \
             <ds:Reference URI=\"\">\n        <ds:Transforms>\n          \
             <ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\n        </ds:Transforms>\n        \
             <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\n        <ds:DigestValue/>\n      \
             </ds:Reference>\n    </ds:SignedInfo>\n    <ds:SignatureValue/>\n    \
             <ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial/></ds:X509Data></ds:KeyInfo>\n  </ds:Signature>";
        let template = format!("{}{}{}", &signed[..start], template_signature, &signed[end..]);
        let template_path = dir.join(format!("template-{name}"));
        let out_path = dir.join(format!("signed-{name}"));
        std::fs::write(&template_path, &template).unwrap();
        let key = pki.join(format!("{who}.key"));
        let cert = pki.join(format!("{who}.pem"));
        let by_xmlsec = xmlsec_sign(&format!("{},{}", key.display(), cert.display()), &template_path, &out_path);
        let report = validator.validate(&by_xmlsec);
        assert!(
            report.findings().is_empty(),
            "{name}: {:?}\n{}",
            report.findings(),
            String::from_utf8_lossy(&by_xmlsec)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// DCC Boxed's User XML-signing key for an originator, when it has one.
fn dcc_boxed_signer(originator: &str) -> Option<&'static str> {
    match originator {
        "90-B3-D5-1F-30-01-00-00" => Some("xml-sign-90B3D51F30010000-ds"),
        "90-B3-D5-1F-30-02-00-00" => Some("xml-sign-90B3D51F30020000-ds"),
        _ => None,
    }
}

#[test]
#[ignore = "needs ../shared/corpus and xmlsec1"]
fn all_297_templates_round_trip_through_sign_verify_and_xmlsec1() {
    let pki = common::shared().join("corpus/pki/dccboxed");
    let store = crate::signatures::store_from_dir(&pki);
    let validator =
        Validator::builder().trust(store).now(DateTime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap()).build();
    let dir = temp_dir("templates");
    let templates = common::files(&common::shared().join("corpus/requests"), |n| {
        !n.starts_with("dccboxed-test-") && n.ends_with(".XML")
    });
    assert_eq!(templates.len(), 297);
    let mut with_comments = 0;
    for (i, path) in templates.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Give each its own counter, as a User's adapter would.
        let id_start = text.find("<sr:RequestID>").unwrap() + "<sr:RequestID>".len();
        let id_end = text[id_start..].find('<').unwrap() + id_start;
        let id = &text[id_start..id_end];
        let originator = id.split(':').next().unwrap().to_owned();
        let counted =
            format!("{}{}:{}{}", &text[..id_start], id.rsplit_once(':').unwrap().0, 5000 + i, &text[id_end..]);
        let signer = dcc_boxed_signer(&originator).unwrap_or("xml-sign-90B3D51F30010000-ds");
        let key = duis::SigningKey::from_pkcs8(&std::fs::read(pki.join(format!("{signer}.key"))).unwrap()).unwrap();
        let cert = duis::Certificate::from_pem(&std::fs::read(pki.join(format!("{signer}.pem"))).unwrap()).unwrap();
        let signed = duis::sign(counted.as_bytes(), &key, &cert).unwrap();
        let report = validator.validate(&signed);
        // The signature families only: the templates' 2015 ExecutionDateTimes are past at a
        // time when the 2018 DCC Boxed certificates are valid (`date.*` is tested elsewhere).
        let errors: Vec<Code> = report
            .findings()
            .iter()
            .filter(|f| f.severity == Severity::Error && ["sig", "pki", "mp104"].contains(&f.code.family()))
            .map(|f| f.code)
            .collect();
        // Originators with no XML-signing certificate in DCC Boxed (the DCC itself, a load
        // controller, the supplier without one) were signed with another User's key: MP104.
        let expected = if dcc_boxed_signer(&originator).is_some() { vec![] } else { vec![Code::Mp104Originator] };
        assert_eq!(errors, expected, "{name}: {:?}", report.findings());
        // The RTDS `NOTE` comments between elements are the only signature-family finding: a
        // warning, since the digest does not cover them.
        let signed_text = std::str::from_utf8(&signed).unwrap();
        let commented = signed_text[..signed_text.find("<ds:Signature").unwrap()].contains("<!--");
        let sig: Vec<Code> = report.findings().iter().map(|f| f.code).filter(|c| c.family() == "sig").collect();
        assert_eq!(sig, if commented { vec![Code::SigComment] } else { vec![] }, "{name}: {:?}", report.findings());
        with_comments += usize::from(commented);
        let file = dir.join(&name);
        std::fs::write(&file, &signed).unwrap();
        xmlsec_verifies(&file, &pki.join(format!("{signer}.pem")));
    }
    assert_eq!(with_comments, 6, "templates with NOTE comments in signed content");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs ../shared/corpus and xmlsec1"]
fn templates_signed_by_xmlsec1_in_their_own_signature_shape_verify_under_us() {
    // The RTDS templates' own ds:Signature is a ready xmlsec1 template: `ds` declared on the
    // root, a default namespace and a comment on the Signature. Point its KeyInfo at our test
    // key, let xmlsec1 fill in the values, and verify: this exercises inclusive C14N with
    // unused root declarations and exclusive C14N under a default namespace.
    let dir = temp_dir("rtds");
    let pki = crate::pki::dir();
    let validator = crate::signatures::test_pki_validator();
    let templates = common::files(&common::shared().join("corpus/requests"), |n| {
        !n.starts_with("dccboxed-test-") && n.ends_with(".XML")
    });
    let mut checked = 0;
    for path in templates.iter().step_by(29) {
        let text = std::fs::read_to_string(path).unwrap();
        if !text.contains("<sr:RequestID>90-B3-D5-1F-30-01-00-00:") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let template = text
            .replace(
                "<ds:X509IssuerName>CN=U1, OU=07</ds:X509IssuerName>",
                "<ds:X509IssuerName>CN=T1, OU=07</ds:X509IssuerName>",
            )
            .replace(
                "<ds:X509SerialNumber>1234567890</ds:X509SerialNumber>",
                "<ds:X509SerialNumber>4097</ds:X509SerialNumber>",
            );
        assert!(template.contains("CN=T1, OU=07") && template.contains(">4097<"), "{name}: unexpected KeyInfo");
        let template_path = dir.join(&name);
        let out_path = dir.join(format!("signed-{name}"));
        std::fs::write(&template_path, &template).unwrap();
        let key = pki.join("user-xml-sign.key");
        let signed = xmlsec_sign(&key.display().to_string(), &template_path, &out_path);
        let report = validator.validate(&signed);
        let signature_findings: Vec<Code> = report
            .findings()
            .iter()
            .map(|f| f.code)
            .filter(|c| ["sig", "pki", "mp104"].contains(&c.family()))
            .collect();
        assert!(signature_findings.is_empty(), "{name}: {:?}", report.findings());
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} templates checked");
    let _ = std::fs::remove_dir_all(&dir);
}
