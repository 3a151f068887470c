//! The generator of `testdata/pki/`, our own test Organisation Certificates, and the check of
//! what is committed there.
//!
//! Run with `DUIS_REGENERATE_PKI=1` to make a new CA and new keys. That invalidates every signed
//! vector, so regenerate those next (`DUIS_REGENERATE=1`). Without it, the test checks the
//! committed files *structurally*: ECDSA keys and signatures are random (ring offers no seeded
//! generation), so the bytes cannot be reproduced; instead each certificate must parse, carry
//! the profile this file gives it, match its private key and chain to the committed CA.
//!
//! The certificates are written with a small DER encoder here rather than `rcgen`: the SMKI
//! profile puts the EUI-64 in `x500UniqueIdentifier` as a BIT STRING, a value type rcgen's
//! distinguished names cannot hold.

use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};

use duis::{Certificate, Eui64, Misfit, TrustStore};

use crate::common;

/// The EUIs the test messages use (DUIS-FACTS §6).
pub(crate) const SUPPLIER: [u8; 8] = [0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, 0x00];
pub(crate) const NETWORK_OPERATOR: [u8; 8] = [0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x02, 0x00, 0x00];
pub(crate) const DCC: [u8; 8] = [0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x00, 0x00, 0x02];
pub(crate) const OTHER_USER: [u8; 8] = [0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x00, 0x04];

/// keyUsage bits as the DER BIT STRING content: (unused bits, first byte).
const DIGITAL_SIGNATURE: (u8, u8) = (7, 0x80);
const KEY_AGREEMENT: (u8, u8) = (3, 0x08);
const KEY_CERT_SIGN: (u8, u8) = (1, 0x06);

/// One certificate the generator makes.
pub(crate) struct Spec {
    /// File stem in `testdata/pki/`.
    pub(crate) name: &'static str,
    pub(crate) role: &'static str,
    pub(crate) eui: [u8; 8],
    pub(crate) serial: u32,
    key_usage: (u8, u8),
    not_before: &'static str,
    not_after: &'static str,
    /// The keyUsage flags the store must refuse it for (`Misfit::KeyUsage`), if any.
    pub(crate) misfit_key_usage: Option<u16>,
}

const VALID_FROM: &str = "200101000000Z";
const VALID_TO: &str = "491231235959Z";

pub(crate) const SPECS: &[Spec] = &[
    spec("user-xml-sign", "87", SUPPLIER, 0x1001),
    spec("user2-xml-sign", "87", NETWORK_OPERATOR, 0x1002),
    spec("other-user-xml-sign", "87", OTHER_USER, 0x1003),
    spec("supplier-ds", "02", SUPPLIER, 0x1004),
    spec("dcc-xml-sign", "89", DCC, 0x1005),
    Spec {
        not_before: "150101000000Z",
        not_after: "191231235959Z",
        ..spec("user-xml-sign-expired", "87", SUPPLIER, 0x1006)
    },
    Spec { not_before: "480101000000Z", ..spec("user-xml-sign-not-yet-valid", "87", SUPPLIER, 0x1007) },
    spec("wrong-role", "03", SUPPLIER, 0x1008),
    Spec { key_usage: KEY_AGREEMENT, misfit_key_usage: Some(0x10), ..spec("wrong-key-usage", "87", SUPPLIER, 0x1009) },
    spec("dcc-legacy-acb", "04", DCC, 0x100A),
];

const fn spec(name: &'static str, role: &'static str, eui: [u8; 8], serial: u32) -> Spec {
    Spec {
        name,
        role,
        eui,
        serial,
        key_usage: DIGITAL_SIGNATURE,
        not_before: VALID_FROM,
        not_after: VALID_TO,
        misfit_key_usage: None,
    }
}

// --- a DER writer, just enough for certificates ---

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut content = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut chunk = vec![(arc & 0x7F) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(0x80 | (rest & 0x7F) as u8);
            rest >>= 7;
        }
        chunk.reverse();
        content.extend(chunk);
    }
    tlv(0x06, &content)
}

fn integer(value: &[u8]) -> Vec<u8> {
    let mut content: Vec<u8> = value.iter().copied().skip_while(|&b| b == 0).collect();
    if content.first().is_none_or(|&b| b & 0x80 != 0) {
        content.insert(0, 0);
    }
    tlv(0x02, &content)
}

/// A name in DER order: each attribute its own RDN.
fn name(attributes: &[(&str, Vec<u8>)]) -> Vec<u8> {
    seq(&attributes.iter().map(|(o, value)| tlv(0x31, &seq(&[oid(o), value.clone()]))).collect::<Vec<_>>())
}

fn extension(id: &str, critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(tlv(0x01, &[0xFF]));
    }
    parts.push(tlv(0x04, &value));
    seq(&parts)
}

fn issuer_name() -> Vec<u8> {
    // DER order OU then CN, as the SMKI test certificates have it: `CN=T1,OU=07` in RFC 4514.
    name(&[("2.5.4.11", tlv(0x13, b"07")), ("2.5.4.3", tlv(0x13, b"T1"))])
}

fn spki(public_key: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend_from_slice(public_key);
    seq(&[seq(&[oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")]), tlv(0x03, &bits)])
}

/// A certificate; `serial` is the serial number's DER INTEGER (see [`integer`]).
fn certificate(
    serial: Vec<u8>,
    subject: Vec<u8>,
    validity: (&str, &str),
    public_key: &[u8],
    extensions: Vec<Vec<u8>>,
    issuer_key: &EcdsaKeyPair,
) -> Vec<u8> {
    let algorithm = seq(&[oid("1.2.840.10045.4.3.2")]);
    let tbs = seq(&[
        tlv(0xA0, &integer(&[2])),
        serial,
        algorithm.clone(),
        issuer_name(),
        seq(&[tlv(0x17, validity.0.as_bytes()), tlv(0x17, validity.1.as_bytes())]),
        subject,
        spki(public_key),
        tlv(0xA3, &seq(&extensions)),
    ]);
    let signature = issuer_key.sign(&SystemRandom::new(), &tbs).unwrap();
    let mut bits = vec![0u8];
    bits.extend_from_slice(signature.as_ref());
    seq(&[tbs, algorithm, tlv(0x03, &bits)])
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

const POLICY: &str = "1.2.826.0.1.8641679.1.2.1.4";

fn new_key() -> (Vec<u8>, EcdsaKeyPair) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    (pkcs8.as_ref().to_vec(), pair)
}

fn generate(dir: &std::path::Path) {
    // Keep the README; replace every key and certificate.
    for path in common::files(dir, |n| n.ends_with(".pem") || n.ends_with(".key")) {
        std::fs::remove_file(path).unwrap();
    }
    let (ca_pkcs8, ca_key) = new_key();
    let ca = certificate(
        integer(&[1]),
        issuer_name(),
        (VALID_FROM, VALID_TO),
        ca_key.public_key().as_ref(),
        vec![
            extension("2.5.29.19", true, seq(&[tlv(0x01, &[0xFF])])),
            extension("2.5.29.15", true, tlv(0x03, &[KEY_CERT_SIGN.0, KEY_CERT_SIGN.1])),
        ],
        &ca_key,
    );
    std::fs::write(dir.join("ca.pem"), pem("CERTIFICATE", &ca)).unwrap();
    std::fs::write(dir.join("ca.key"), pem("PRIVATE KEY", &ca_pkcs8)).unwrap();
    for spec in SPECS {
        let (pkcs8, key) = new_key();
        let mut eui = vec![0u8];
        eui.extend_from_slice(&spec.eui);
        let subject = name(&[("2.5.4.11", tlv(0x0C, spec.role.as_bytes())), ("2.5.4.45", tlv(0x03, &eui))]);
        let cert = certificate(
            integer(&spec.serial.to_be_bytes()),
            subject,
            (spec.not_before, spec.not_after),
            key.public_key().as_ref(),
            vec![
                extension("2.5.29.15", true, tlv(0x03, &[spec.key_usage.0, spec.key_usage.1])),
                extension("2.5.29.32", true, seq(&[seq(&[oid(POLICY)])])),
            ],
            &ca_key,
        );
        std::fs::write(dir.join(format!("{}.pem", spec.name)), pem("CERTIFICATE", &cert)).unwrap();
        std::fs::write(dir.join(format!("{}.key", spec.name)), pem("PRIVATE KEY", &pkcs8)).unwrap();
    }
}

/// `testdata/pki`.
pub(crate) fn dir() -> std::path::PathBuf {
    common::repo_root().join("testdata/pki")
}

/// The committed certificate and key of one spec.
pub(crate) fn load(name: &str) -> (Certificate, duis::SigningKey) {
    let cert = Certificate::from_pem(&std::fs::read(dir().join(format!("{name}.pem"))).unwrap()).unwrap();
    let key = duis::SigningKey::from_pkcs8(&std::fs::read(dir().join(format!("{name}.key"))).unwrap()).unwrap();
    (cert, key)
}

/// Every committed certificate, CA included, in one store.
pub(crate) fn store() -> TrustStore {
    let mut store = TrustStore::new();
    for path in common::files(&dir(), |n| n.ends_with(".pem")) {
        store.add_pem(&path.file_name().unwrap().to_string_lossy(), &std::fs::read(&path).unwrap());
    }
    store
}

#[test]
fn test_pki_is_generated_and_fits_its_specs() {
    let dir = dir();
    if std::env::var_os("DUIS_REGENERATE_PKI").is_some() {
        generate(&dir);
    }
    let mut expected: Vec<String> = vec!["README.md".into(), "ca.key".into(), "ca.pem".into()];
    for spec in SPECS {
        expected.push(format!("{}.key", spec.name));
        expected.push(format!("{}.pem", spec.name));
    }
    expected.sort();
    let found: Vec<String> =
        common::files(&dir, |_| true).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(found, expected, "testdata/pki differs from the generator: rerun with DUIS_REGENERATE_PKI=1");

    let ca = Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).unwrap()).unwrap();
    assert_eq!(ca.misfit(), Some(&Misfit::CaCertificate));
    assert_eq!(ca.issuer_name(), "CN=T1,OU=07");
    for spec in SPECS {
        let (cert, key) = load(spec.name);
        assert_eq!(cert.public_key(), Some(key.public_key()), "{}: key and certificate differ", spec.name);
        assert_eq!(cert.role_text(), Some(spec.role), "{}", spec.name);
        assert_eq!(cert.eui(), Some(Eui64(spec.eui)), "{}", spec.name);
        assert_eq!(cert.serial_decimal(), spec.serial.to_string(), "{}", spec.name);
        assert_eq!(cert.issuer_name(), "CN=T1,OU=07", "{}", spec.name);
        let misfit = spec.misfit_key_usage.map(|flags| Misfit::KeyUsage { flags: Some(flags) });
        assert_eq!(cert.misfit(), misfit.as_ref(), "{}", spec.name);
    }
    // Strict chain mode: every leaf chains to the committed CA; the CA itself is kept aside.
    let strict = store().require_chain(true);
    assert_eq!(strict.len(), SPECS.len() + 1);
    let unexpected: Vec<String> = strict
        .issues()
        .iter()
        .filter(|i| !matches!(&i.kind, duis::LoadIssueKind::Misfit { .. }))
        .map(|i| i.to_string())
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn dcc_boxed_certificates_load_with_their_oddities_reported_once() {
    let store = crate::signatures::store_from_dir(&common::shared().join("corpus/pki/dccboxed"));
    assert_eq!(store.len(), 19, "19 certificates; the .key.pem file holds a key");
    let decimal: Vec<&duis::LoadIssue> =
        store.issues().iter().filter(|i| matches!(i.kind, duis::LoadIssueKind::DecimalRole { .. })).collect();
    assert_eq!(decimal.len(), 1, "{:?}", store.issues());
    assert!(decimal[0].source.contains("pre-1.4.1"));
    // The 2018 XML-signing certificates are self-signed leaves naming CN=Z1 as issuer: in
    // strict mode, with no CA in the store, nothing chains.
    let strict = store.require_chain(true);
    assert!(strict.issues().iter().any(|i| matches!(i.kind, duis::LoadIssueKind::NoChain { .. })));
}

/// A subject with two roles, or two EUI-64s, names no one party in one role: kept aside.
#[test]
fn a_subject_with_two_roles_or_two_euis_is_kept_aside() {
    let (_, ca_key) = new_key();
    let (_, key) = new_key();
    let eui = |last: u8| tlv(0x03, &[0, 0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, last]);
    let ou = |role: &[u8]| tlv(0x0C, role);
    let cases = [
        (name(&[("2.5.4.11", ou(b"87")), ("2.5.4.11", ou(b"02")), ("2.5.4.45", eui(0))]), "OU"),
        (name(&[("2.5.4.11", ou(b"87")), ("2.5.4.45", eui(0)), ("2.5.4.45", eui(1))]), "x500UniqueIdentifier"),
    ];
    for (subject, attribute) in cases {
        let der = certificate(
            integer(&[77]),
            subject,
            (VALID_FROM, VALID_TO),
            key.public_key().as_ref(),
            vec![
                extension("2.5.29.15", true, tlv(0x03, &[DIGITAL_SIGNATURE.0, DIGITAL_SIGNATURE.1])),
                extension("2.5.29.32", true, seq(&[seq(&[oid(POLICY)])])),
            ],
            &ca_key,
        );
        let cert = Certificate::from_der(&der).unwrap();
        assert_eq!(cert.misfit(), Some(&Misfit::Ambiguous { attribute }), "{attribute}");
    }
}

/// RFC 5280 §4.2 and the SMKI profile (DUIS-FACTS §9.1): extensions a certificate must not
/// carry, or must mark critical; a serial that is not positive; a role that is not text.
#[test]
fn certificates_outside_the_extension_serial_and_role_profile_are_kept_aside() {
    let (_, ca_key) = new_key();
    let (_, key) = new_key();
    let subject = |ou: Vec<u8>| {
        name(&[("2.5.4.11", ou), ("2.5.4.45", tlv(0x03, &[0, 0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, 0x00]))])
    };
    let ou87 = || tlv(0x0C, b"87");
    let key_usage = |critical| extension("2.5.29.15", critical, tlv(0x03, &[DIGITAL_SIGNATURE.0, DIGITAL_SIGNATURE.1]));
    let policy = |critical| extension("2.5.29.32", critical, seq(&[seq(&[oid(POLICY)])]));
    let not_ca = || extension("2.5.29.19", true, seq(&[]));
    let is_ca = || extension("2.5.29.19", true, seq(&[tlv(0x01, &[0xFF])]));
    let server_auth = extension("2.5.29.37", true, seq(&[oid("1.3.6.1.5.5.7.3.1")]));
    let unknown = extension("1.2.3.4.5", true, tlv(0x05, &[]));
    let unknown_optional = extension("1.2.3.4.5", false, tlv(0x05, &[]));
    let profile = |more: Vec<Vec<u8>>| [vec![key_usage(true), policy(true)], more].concat();
    // (what, serial, OU value, extensions, misfit, finding code)
    type Case = (&'static str, Vec<u8>, Vec<u8>, Vec<Vec<u8>>, Option<Misfit>, &'static str);
    let cases: Vec<Case> = vec![
        ("the profile", integer(&[9]), ou87(), profile(vec![]), None, ""),
        ("an optional extension it does not know", integer(&[9]), ou87(), profile(vec![unknown_optional]), None, ""),
        (
            "a critical extension it does not know",
            integer(&[9]),
            ou87(),
            profile(vec![unknown]),
            Some(Misfit::UnknownCritical { oid: "1.2.3.4.5".into() }),
            "pki.bad-profile",
        ),
        (
            "a critical extendedKeyUsage",
            integer(&[9]),
            ou87(),
            profile(vec![server_auth]),
            Some(Misfit::UnknownCritical { oid: "2.5.29.37".into() }),
            "pki.bad-profile",
        ),
        (
            "basicConstraints twice, cA the second time",
            integer(&[9]),
            ou87(),
            profile(vec![not_ca(), is_ca()]),
            Some(Misfit::DuplicateExtension { oid: "2.5.29.19".into() }),
            "pki.bad-profile",
        ),
        (
            "keyUsage not critical",
            integer(&[9]),
            ou87(),
            vec![key_usage(false), policy(true)],
            Some(Misfit::NotCritical { extension: "keyUsage" }),
            "pki.key-usage",
        ),
        (
            "certificatePolicies not critical",
            integer(&[9]),
            ou87(),
            vec![key_usage(true), policy(false)],
            Some(Misfit::NotCritical { extension: "certificatePolicies" }),
            "pki.bad-profile",
        ),
        // -8,355,839: read as a magnitude it would be taken for 8,421,377.
        (
            "a negative serial",
            tlv(0x02, &[0x80, 0x80, 0x01]),
            ou87(),
            profile(vec![]),
            Some(Misfit::SerialNotPositive),
            "pki.bad-profile",
        ),
        ("a zero serial", tlv(0x02, &[0]), ou87(), profile(vec![]), Some(Misfit::SerialNotPositive), "pki.bad-profile"),
        (
            "OU 87 as an OCTET STRING",
            integer(&[9]),
            tlv(0x04, b"87"),
            profile(vec![]),
            Some(Misfit::RoleNotText { tag: 0x04 }),
            "pki.bad-profile",
        ),
        (
            "OU 87 as an INTEGER",
            integer(&[9]),
            tlv(0x02, &[0x38, 0x37]),
            profile(vec![]),
            Some(Misfit::RoleNotText { tag: 0x02 }),
            "pki.bad-profile",
        ),
        (
            "OU 87 as a BMPString",
            integer(&[9]),
            tlv(0x1E, &[0, b'8', 0, b'7']),
            profile(vec![]),
            Some(Misfit::RoleNotText { tag: 0x1E }),
            "pki.bad-profile",
        ),
        ("OU 87 as a PrintableString", integer(&[9]), tlv(0x13, b"87"), profile(vec![]), None, ""),
    ];
    // A negative serial is named with its sign and kept apart from the positive serial of
    // the same magnitude (8,421,377 is 0x808001, the negative one's bytes read unsigned).
    let make = |serial: Vec<u8>| {
        let der = certificate(
            serial,
            subject(ou87()),
            (VALID_FROM, VALID_TO),
            key.public_key().as_ref(),
            profile(vec![]),
            &ca_key,
        );
        Certificate::from_der(&der).unwrap()
    };
    let (negative, positive) = (make(tlv(0x02, &[0x80, 0x80, 0x01])), make(integer(&[0x80, 0x80, 0x01])));
    assert_eq!((negative.serial_decimal().as_str(), positive.serial_decimal().as_str()), ("-8355839", "8421377"));
    let mut store = TrustStore::new();
    assert!(store.add("negative", negative) && store.add("positive", positive));
    assert_eq!(store.certificates()[1].misfit(), None, "{:?}", store.issues());
    for (what, serial, ou, extensions, misfit, code) in cases {
        let der =
            certificate(serial, subject(ou), (VALID_FROM, VALID_TO), key.public_key().as_ref(), extensions, &ca_key);
        let cert = Certificate::from_der(&der).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(cert.misfit(), misfit.as_ref(), "{what}");
        assert_eq!(cert.misfit().map(|m| m.code().as_str()).unwrap_or(""), code, "{what}");
        if misfit.is_none() {
            assert_eq!(cert.role(), Some(0x87), "{what}");
        }
    }
}

#[test]
fn a_bad_block_in_a_bundle_does_not_hide_the_certificates_after_it() {
    let good = std::fs::read_to_string(dir().join("user-xml-sign.pem")).unwrap();
    let bundle = format!("-----BEGIN CERTIFICATE-----\nnot base64 !!!\n-----END CERTIFICATE-----\n{good}");
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("bundle.pem", bundle.as_bytes()), 1);
    assert_eq!(store.issues().len(), 1, "{:?}", store.issues());
    // Truncated after a good certificate: the good one loads, the rest is an issue.
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("cut.pem", format!("{good}-----BEGIN CERTIFICATE-----\nMIIB").as_bytes()), 1);
    assert_eq!(store.issues().len(), 1, "{:?}", store.issues());
}

#[test]
fn lax_pem_loads_and_other_blocks_are_reported() {
    let good = std::fs::read_to_string(dir().join("user-xml-sign.pem")).unwrap();
    let key = std::fs::read_to_string(dir().join("user-xml-sign.key")).unwrap();
    let indented: String = good
        .lines()
        .map(|l| if l.starts_with("-----") { format!("{l}\r\n") } else { format!("    {l}\r\n") })
        .collect();
    // A byte-order mark (Windows editors), indented base64 with CR LF: the same certificate.
    for (name, text) in [("bom.pem", format!("\u{feff}{good}")), ("indented.pem", indented)] {
        let mut store = duis::TrustStore::new();
        assert_eq!(store.add_pem(name, text.as_bytes()), 1, "{name}: {:?}", store.issues());
        assert!(store.issues().is_empty(), "{name}: {:?}", store.issues());
        assert_eq!(store.certificates()[0].serial_decimal(), "4097", "{name}");
    }
    // A key and OpenSSL's TRUSTED CERTIFICATE are not certificates to trust: each is said, and
    // the certificate after them still loads; from_pem finds it past them.
    let trusted = good
        .replace("BEGIN CERTIFICATE", "BEGIN TRUSTED CERTIFICATE")
        .replace("END CERTIFICATE", "END TRUSTED CERTIFICATE");
    let bundle = format!("{key}{trusted}{good}");
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("bundle.pem", bundle.as_bytes()), 1);
    let issues: Vec<String> = store.issues().iter().map(ToString::to_string).collect();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(issues[1].contains("a PEM block labelled \"TRUSTED CERTIFICATE\", not CERTIFICATE"), "{issues:?}");
    assert!(duis::Certificate::from_pem(bundle.as_bytes()).is_ok());
    assert!(matches!(duis::Certificate::from_pem(key.as_bytes()), Err(duis::CertificateError::NoPem)));
    // A legacy encrypted key (RFC 1421 headers inside its block) is a key all the same, and a
    // byte-order mark inside a bundle (`cat a.pem b.pem`, b written on Windows) hides nothing
    // (OpenSSL takes it before a BEGIN line too).
    let body: String = key.lines().filter(|l| !l.starts_with("-----")).map(|l| format!("{l}\n")).collect();
    let encrypted = format!(
        "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n{body}-----END EC PRIVATE KEY-----\n"
    );
    let other = std::fs::read_to_string(dir().join("user2-xml-sign.pem")).unwrap();
    let bundle = format!("{encrypted}{good}\u{feff}{other}");
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("bundle.pem", bundle.as_bytes()), 2, "{:?}", store.issues());
    let issues: Vec<String> = store.issues().iter().map(ToString::to_string).collect();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].contains("a PEM block labelled \"EC PRIVATE KEY\""), "{issues:?}");
    assert!(duis::Certificate::from_pem(bundle.as_bytes()).is_ok());
    // A key's headers folded onto a second line (RFC 1421 allows it) do not matter: a block
    // with another label is only named, never decoded.
    let folded = encrypted.replace("DEK-Info: AES-128-CBC,", "DEK-Info: AES-128-CBC,\n  ");
    assert_ne!(folded, encrypted);
    let bundle = format!("{folded}{good}");
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("folded.pem", bundle.as_bytes()), 1, "{:?}", store.issues());
    let issues: Vec<String> = store.issues().iter().map(ToString::to_string).collect();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].contains("a PEM block labelled \"EC PRIVATE KEY\""), "{issues:?}");
    // CR LF, indented base64 and control bytes after the armour (a DOS file's Ctrl-Z) read as
    // OpenSSL reads them.
    let mut lines = good.lines();
    let begin = lines.next().unwrap();
    let rest: String = lines.map(|l| format!("  {l}\n")).collect();
    let crlf = good.replace('\n', "\r\n");
    let dos = format!("{begin}\u{b}\n{}\u{1a}", rest.trim_end().replace("  -----END", "-----END"));
    for (name, text) in [("crlf.pem", crlf), ("dos.pem", dos)] {
        let mut store = duis::TrustStore::new();
        assert_eq!(store.add_pem(name, text.as_bytes()), 1, "{name}: {:?}", store.issues());
        assert_eq!(store.certificates()[0].serial_decimal(), "4097", "{name}");
    }
    // A certificate block is read whole or refused, saying where: a header (certificates have
    // none; a lax reading let one hide lines OpenSSL reads), a colon line after the base64
    // began, an END line with another label, a BEGIN line with text after it, and a label that
    // only starts with CERTIFICATE load nothing.
    let body_lines: Vec<&str> = good.lines().filter(|l| !l.starts_with("-----")).collect();
    let (first, second) = body_lines.split_at(body_lines.len() / 2);
    let headed = format!("{begin}\nComment: from\n   a folder\n\n{rest}");
    let cr_only = good.replace('\n', "\r");
    let indented = good.lines().map(|l| format!("  {l}\n")).collect::<String>();
    let stray = format!("{begin}\n{}\nX: y\n {}\n-----END CERTIFICATE-----\n", first.join("\n"), second.join("\n "));
    let mismatched = good.replace("END CERTIFICATE", "END PRIVATE KEY");
    let trailing = good.replacen("BEGIN CERTIFICATE-----", "BEGIN CERTIFICATE----- user1", 1);
    let suffixed =
        good.replace("BEGIN CERTIFICATE", "BEGIN CERTIFICATE-FOO").replace("END CERTIFICATE", "END CERTIFICATE-FOO");
    let stray_line = first.len() + 2;
    for (name, text, says) in [
        ("headed.pem", headed, "line 2: a header line in a certificate block".to_owned()),
        ("stray.pem", stray, format!("line {stray_line}: a header line in a certificate block")),
        ("mismatched.pem", mismatched, "the END line names \"PRIVATE KEY\"".to_owned()),
        ("trailing.pem", trailing, "line 1: text after the closing dashes of a BEGIN line".to_owned()),
        ("cr-only.pem", cr_only, "line 1: a BEGIN line followed by a lone CR".to_owned()),
        ("indented.pem", indented, "line 1: an indented armour line, which OpenSSL does not read".to_owned()),
        ("suffixed.pem", suffixed, "a PEM block labelled \"CERTIFICATE-FOO\", not CERTIFICATE".to_owned()),
    ] {
        let mut store = duis::TrustStore::new();
        assert_eq!(store.add_pem(name, text.as_bytes()), 0, "{name}");
        let issues: Vec<String> = store.issues().iter().map(ToString::to_string).collect();
        assert!(issues.first().is_some_and(|i| i.contains(&says)), "{name}: {issues:?}");
    }
    // Refused blocks are reported up to a bound, then counted: memory follows the input.
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("many.pem", "-----BEGIN CERTIFICATE-----\n".repeat(100_000).as_bytes()), 0);
    assert_eq!(store.issues().len(), 101);
    assert!(store.issues()[100].to_string().contains("99900 more notes like these"), "{}", store.issues()[100]);
    // The same for blocks that decode to no certificate, or to one listed already.
    let mut store = duis::TrustStore::new();
    let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".repeat(500);
    assert_eq!(store.add_pem("junk.pem", format!("{junk}{}", good.repeat(500)).as_bytes()), 1);
    assert_eq!(store.issues().len(), 101);
    assert!(store.issues()[100].to_string().contains("899 more notes like these"), "{}", store.issues()[100]);
}

#[test]
fn two_different_certificates_under_one_issuer_and_serial_are_neither_used() {
    let pem_bytes = std::fs::read(dir().join("user-xml-sign.pem")).unwrap();
    let mut other = duis::Certificate::from_pem(&pem_bytes).unwrap().der().to_vec();
    // Another certificate (its signature differs) naming the same issuer and serial.
    let last = other.len() - 1;
    other[last] ^= 1;
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("user-xml-sign.pem", &pem_bytes), 1);
    assert!(!store.add_der("other.der", &other));
    assert_eq!(store.certificates()[0].misfit(), Some(&Misfit::Conflicting));
    // The same certificate twice is only a note.
    let mut twice = duis::TrustStore::new();
    assert_eq!(twice.add_pem("a.pem", &pem_bytes) + twice.add_pem("b.pem", &pem_bytes), 1);
    assert_eq!(twice.certificates()[0].misfit(), None);
    // A message naming them is refused, whichever was loaded first.
    let now = duis::DateTime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let signed = std::fs::read(common::repo_root().join("testdata/signed/7.4_user-signed_valid.xml")).unwrap();
    let report = duis::Validator::builder().trust(store).now(now).build().validate(&signed);
    let errors: Vec<duis::Code> =
        report.findings().iter().filter(|f| f.severity == duis::Severity::Error).map(|f| f.code).collect();
    assert_eq!(errors, vec![duis::Code::PkiBadProfile], "{:?}", report.findings());
}
