//! The GBCS payload decoder and APDU parser (`duis::internal`), on the RTDS 4.5.0 vectors read in
//! place from `../shared/corpus/gbcs`, and on arbitrary input (proptest). The Signed Pre-Command
//! checks themselves are unit tests in `src/gbcs/tests.rs`, where the crate-internal API is.

use std::collections::BTreeMap;
use std::path::PathBuf;

use base64::Engine as _;
use duis::internal::{GbcsParseErrorKind, GbcsSignature, decode_gbcs_base64, parse_gbcs};
use proptest::prelude::*;
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

use crate::common;

/// Every `*.HEX` vector, as (folder/file name, APDU bytes).
fn vectors() -> Vec<(String, Vec<u8>)> {
    let root = common::shared().join("corpus/gbcs");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        for path in common::files(&dir, |name| name.ends_with(".HEX")) {
            let name = format!(
                "{}/{}",
                dir.file_name().unwrap().to_str().unwrap(),
                path.file_name().unwrap().to_str().unwrap()
            );
            let bytes = common::read_hex(&path);
            out.push((name, common::unwrap_general_ciphering(&bytes).to_vec()));
        }
    }
    assert_eq!(out.len(), 1275, "RTDS 4.5.0 has 1,275 GBCS vectors");
    out
}

/// The RTDS keystore's Digital Signing public keys, by EUI in lower-case hex.
fn keystore() -> BTreeMap<String, Vec<u8>> {
    let dir = common::shared().join("corpus/pki/rtds");
    let mut keys = BTreeMap::new();
    for path in common::files(&dir, |name| name.ends_with("-ds.pem")) {
        let pem = std::fs::read(&path).unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
        let cert = pem.parse_x509().unwrap();
        let eui = path.file_name().unwrap().to_str().unwrap().trim_end_matches("-ds.pem").to_owned();
        keys.insert(eui, cert.public_key().subject_public_key.data.to_vec());
    }
    keys
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn rtds_every_vector_parses_to_its_last_byte() {
    let mut forms = BTreeMap::<(&str, u8), usize>::new();
    for (name, apdu) in vectors() {
        let parsed = parse_gbcs(&apdu).unwrap_or_else(|e| panic!("{name}: {e}"));
        let form = match parsed.signature {
            GbcsSignature::Signed(_) => "signed",
            GbcsSignature::Absent => "absent",
            GbcsSignature::Zero => "zero",
        };
        *forms.entry((form, parsed.cra_flag)).or_default() += 1;
        if name.contains("_PRECOMMAND_") {
            assert_eq!(parsed.signature, GbcsSignature::Absent, "{name}");
            assert_eq!(parsed.other_information.len(), 2, "{name}");
        }
    }
    // Pre-Commands (no signature byte); signed commands, responses and alerts; and the
    // DCC-wrapped unsigned forms ending in 00.
    let expected = [
        (("absent", 1), 178),
        (("signed", 1), 194),
        (("signed", 2), 197),
        (("signed", 3), 81),
        (("zero", 1), 307),
        (("zero", 2), 306),
        (("zero", 3), 12),
    ];
    assert_eq!(forms, expected.into_iter().collect());
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn rtds_every_signature_verifies_with_its_originators_certificate() {
    let keys = keystore();
    let mut verified = 0;
    for (name, apdu) in vectors() {
        let parsed = parse_gbcs(&apdu).unwrap();
        let GbcsSignature::Signed(signature) = parsed.signature else { continue };
        let originator = hex(&parsed.originator.0);
        let key = keys.get(&originator).unwrap_or_else(|| panic!("{name}: no certificate for {originator}"));
        // The signed bytes are everything after the DF tag up to the last content byte.
        assert_eq!(parsed.signed_bytes(), &apdu[1..apdu.len() - 65], "{name}");
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key)
            .verify(parsed.signed_bytes(), signature)
            .unwrap_or_else(|_| panic!("{name}: signature does not verify with {originator}-ds.pem"));
        verified += 1;
    }
    assert_eq!(verified, 194 + 197 + 81);
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn rtds_command_minus_signature_is_its_pre_command_and_base64_round_trips() {
    let vectors: BTreeMap<String, Vec<u8>> = vectors().into_iter().collect();
    let mut pairs = 0;
    for (name, pre) in &vectors {
        let Some(command) =
            vectors.get(&name.replace("_PRECOMMAND_", "_COMMAND_")).filter(|_| name.contains("_PRECOMMAND_"))
        else {
            continue;
        };
        let parsed = parse_gbcs(command).unwrap();
        assert_eq!(parsed.without_signature(), &pre[..], "{name}");
        // As a GBCSPayload: base64, line-wrapped the way XML tools write it.
        let text = base64::engine::general_purpose::STANDARD.encode(command);
        let wrapped: String =
            text.as_bytes().chunks(64).map(|c| format!("\n      {}", std::str::from_utf8(c).unwrap())).collect();
        assert_eq!(decode_gbcs_base64(&wrapped, command.len()).as_deref(), Ok(&command[..]), "{name}");
        pairs += 1;
    }
    assert_eq!(pairs, 178);
}

proptest! {
    /// The parser never panics, and what it accepts is consistent with the bytes.
    #[test]
    fn parse_is_total_and_consistent(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        match parse_gbcs(&bytes) {
            Ok(apdu) => {
                prop_assert_eq!(bytes[0], 0xDF);
                prop_assert_eq!(apdu.bytes(), &bytes[..]);
                prop_assert_eq!(apdu.signed_bytes(), &bytes[1..apdu.content_end()]);
                prop_assert_eq!(&bytes[apdu.content_offset..apdu.content_end()], apdu.content);
                let trailer = bytes.len() - apdu.content_end();
                let expected = match apdu.signature {
                    GbcsSignature::Signed(_) => 65,
                    GbcsSignature::Zero => 1,
                    GbcsSignature::Absent => 0,
                };
                prop_assert_eq!(trailer, expected);
            }
            Err(error) => {
                prop_assert!(error.offset <= bytes.len());
                if let GbcsParseErrorKind::Truncated { available, .. } = error.kind {
                    prop_assert_eq!(error.offset + available, bytes.len());
                }
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }

    /// A valid header prefix with arbitrary tails: the parser reaches the length fields.
    #[test]
    fn parse_is_total_after_a_valid_header(tail in proptest::collection::vec(any::<u8>(), 0..120)) {
        let mut bytes = vec![0xDF, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0x03, 0xE8, 0x08];
        bytes.extend_from_slice(&[0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, 0x00, 0x08]);
        bytes.extend_from_slice(&[0x00, 0xDB, 0x12, 0x34, 0x56, 0x78, 0x90, 0xA0, 0x00]);
        bytes.extend_from_slice(&tail);
        if let Ok(apdu) = parse_gbcs(&bytes) {
            prop_assert_eq!(apdu.counter, 1000);
            prop_assert!(apdu.other_information.len() >= 2);
        }
    }

    /// Decoding undoes standard base64, with white space anywhere, and respects the bound.
    #[test]
    fn base64_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..100), every in 1usize..9) {
        let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let spaced: String = text.chars().enumerate().flat_map(|(i, c)| {
            (i % every == 0).then_some('\n').into_iter().chain([c])
        }).collect();
        prop_assert_eq!(decode_gbcs_base64(&spaced, bytes.len()), Ok(bytes.clone()));
        if !bytes.is_empty() {
            prop_assert!(decode_gbcs_base64(&spaced, bytes.len() - 1).is_err());
        }
    }
}
