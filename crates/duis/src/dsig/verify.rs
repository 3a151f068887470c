//! Verification of the root's signature with a trusted certificate (DUIS-FACTS §8.2).

use base64::Engine as _;

use super::{Captured, SignatureFacts};
use crate::message::DateTime;
use crate::pki::{Certificate, TrustStore, Validity, name};
use crate::report::{Code, Detail, Findings};

/// The cryptographic checks of an XML signature, behind a trait so that parsing and the rules
/// can be fuzzed and benchmarked without crypto (STYLE §5). The default is [`RingVerifier`].
pub trait SignatureVerifier: Send + Sync + core::fmt::Debug {
    /// True when `signature` (r‖s, 64 bytes) is an ECDSA P-256 SHA-256 signature of `message`
    /// under `public_key` (an uncompressed point, 65 bytes).
    fn verify_ecdsa_p256_sha256(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool;

    /// True when the signed digest and the computed one are the same.
    fn digest_matches(&self, signed: &[u8], computed: &[u8]) -> bool {
        signed == computed
    }
}

/// The real verifier: `ring`'s `ECDSA_P256_SHA256_FIXED`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RingVerifier;

impl SignatureVerifier for RingVerifier {
    fn verify_ecdsa_p256_sha256(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, public_key)
            .verify(message, signature)
            .is_ok()
    }
}

/// **NO SECURITY.** Accepts every digest and every signature, so that fuzz targets can reach
/// the rules behind them. Exists only with the `fuzzing` feature; never use it anywhere else.
#[cfg(feature = "fuzzing")]
#[derive(Clone, Copy, Debug, Default)]
pub struct InsecureAcceptAll;

#[cfg(feature = "fuzzing")]
impl SignatureVerifier for InsecureAcceptAll {
    fn verify_ecdsa_p256_sha256(&self, _: &[u8], _: &[u8], _: &[u8]) -> bool {
        true
    }

    fn digest_matches(&self, _: &[u8], _: &[u8]) -> bool {
        true
    }
}

/// The signer a verification found in the trust store, and how far it got.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Signer<'s> {
    pub(crate) cert: &'s Certificate,
    /// The digest matched and the signature verified with the certificate's key: the
    /// certificate's owner signed this document.
    pub(crate) proven: bool,
    /// The certificate passed its own checks (in date, chained when that is required).
    pub(crate) accepted: bool,
}

/// Decodes base64 after stripping XML white space (the samples wrap `SignatureValue` with
/// `&#13;` and a line feed or space) into exactly `N` bytes. Reports a bad encoding or length.
fn decode<const N: usize>(value: &Captured<'_>, element: &'static str, findings: &mut Findings) -> Option<[u8; N]> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let text = value.text().as_bytes();
    // Unwrapped values (the usual case) decode where they lie; wrapped ones are compacted.
    let compact: std::borrow::Cow<'_, [u8]> = if text.iter().any(is_space) {
        std::borrow::Cow::Owned(text.iter().filter(|b| !is_space(b)).copied().collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if value.truncated {
        findings.push(Code::SigBadLength, value.span, Detail::TooLong { element, max: super::MAX_CAPTURE });
        return None;
    }
    let engine = &base64::engine::general_purpose::STANDARD;
    // A value of the right size decodes into a buffer on the stack (128 characters decode to
    // at most 96 bytes); a longer one is decoded whole to say how long it is.
    let mut buffer = [0u8; 96];
    let decoded: Result<std::borrow::Cow<'_, [u8]>, _> = if compact.len() <= 128 {
        engine
            .decode_slice(compact.as_ref(), &mut buffer)
            .map(|n| std::borrow::Cow::Borrowed(buffer.get(..n).unwrap_or_default()))
    } else {
        engine.decode(compact.as_ref()).map(std::borrow::Cow::Owned).map_err(base64::DecodeSliceError::DecodeError)
    };
    let Ok(bytes) = decoded else {
        findings.push(Code::SigBadBase64, value.span, Detail::Base64 { element });
        return None;
    };
    let Ok(exact) = <[u8; N]>::try_from(bytes.as_ref()) else {
        findings.push(Code::SigBadLength, value.span, Detail::Length { element, expected: N, found: bytes.len() });
        return None;
    };
    Some(exact)
}

/// Checks the digest, finds the signer by issuer and serial, checks the certificate and
/// verifies the signature. Returns the signer when it was found in the store and fits the
/// profile, saying whether the signature proved it and whether the certificate was accepted.
pub(crate) fn verify<'s>(
    signature: &SignatureFacts<'_>,
    digest: Option<&[u8; 32]>,
    signed_info: &[u8],
    store: &'s TrustStore,
    now: Option<DateTime>,
    crypto: &dyn SignatureVerifier,
    findings: &mut Findings,
) -> Option<Signer<'s>> {
    // 1. The document digest.
    let mut digest_ok = false;
    if let Some(value) = &signature.digest_value
        && let Some(signed) = decode::<32>(value, "DigestValue", findings)
        && let Some(computed) = digest
    {
        digest_ok = crypto.digest_matches(&signed, computed);
        if !digest_ok {
            let engine = &base64::engine::general_purpose::STANDARD;
            findings.push(
                Code::SigDigestMismatch,
                value.span,
                Detail::Digest { signed: engine.encode(signed), computed: engine.encode(computed) },
            );
        }
    }

    // 2. The key: X509IssuerSerial, looked up in the store.
    let (Some(issuer), Some(serial)) = (&signature.issuer_name, &signature.serial_number) else {
        // Already reported as sig.no-key-info or sig.structure.
        return None;
    };
    // A name or serial too long to keep whole is not looked up by the part that was kept.
    for (value, code, element) in
        [(issuer, Code::SigBadIssuerName, "X509IssuerName"), (serial, Code::SigBadSerial, "X509SerialNumber")]
    {
        if value.truncated {
            findings.push(code, value.span, Detail::TooLong { element, max: super::MAX_CAPTURE });
            return None;
        }
    }
    // The usual spelling of a known issuer is found without parsing the name.
    let spelled = name::decimal_to_bytes(serial.text()).ok().and_then(|s| store.find_by_spelling(issuer.text(), &s));
    let (index, cert) = match spelled {
        Some(found) => found,
        None => find_signer(issuer, serial, store, findings)?,
    };

    // 3. The certificate: profile (checked once at load), chain mode, validity.
    if let Some(misfit) = cert.misfit() {
        findings.push(
            misfit.code(),
            issuer.span,
            Detail::Profile { serial: cert.serial_decimal(), misfit: misfit.clone() },
        );
        return None;
    }
    let mut accepted = store.chains(index);
    if !accepted {
        findings.push(Code::PkiNoChain, issuer.span, Detail::None);
    }
    match now {
        None => findings.push(Code::PkiNoTime, issuer.span, Detail::None),
        Some(now) => {
            let detail = || Detail::Validity { not_before: cert.not_before(), not_after: cert.not_after(), now };
            match cert.validity_at(now) {
                // Validity unknown: said like no time at all, naming the time given.
                None => findings.push(Code::PkiNoTime, issuer.span, Detail::LocalTime { now }),
                Some(Validity::Valid) => {}
                Some(Validity::Expired) => {
                    accepted = false;
                    findings.push(Code::PkiExpired, issuer.span, detail());
                }
                Some(Validity::NotYetValid) => {
                    accepted = false;
                    findings.push(Code::PkiNotYetValid, issuer.span, detail());
                }
            }
        }
    }

    // 4. The signature over the exclusive canonical SignedInfo.
    let mut signature_ok = false;
    if let Some(value) = &signature.signature_value
        && let Some(rs) = decode::<64>(value, "SignatureValue", findings)
    {
        let key = cert.public_key().unwrap_or_default();
        signature_ok = crypto.verify_ecdsa_p256_sha256(key, signed_info, &rs);
        if !signature_ok {
            findings.push(Code::SigBadSignature, value.span, Detail::None);
        }
    }
    Some(Signer { cert, proven: digest_ok && signature_ok, accepted })
}

/// The signer named by `X509IssuerName` (parsed as RFC 4514) and `X509SerialNumber`, or the
/// finding that says why there is none.
fn find_signer<'s>(
    issuer: &Captured<'_>,
    serial: &Captured<'_>,
    store: &'s TrustStore,
    findings: &mut Findings,
) -> Option<(usize, &'s Certificate)> {
    let Some(issuer_name) = name::parse_rfc4514(issuer.text()) else {
        findings.push(
            Code::SigBadIssuerName,
            issuer.span,
            Detail::KeyName {
                element: "X509IssuerName",
                value: issuer.text().to_owned(),
                reason: "not an RFC 4514 name",
            },
        );
        return None;
    };
    let serial_bytes = match name::decimal_to_bytes(serial.text()) {
        Ok(bytes) => bytes,
        Err(name::SerialError::NotDecimal) => {
            findings.push(
                Code::SigBadSerial,
                serial.span,
                Detail::KeyName {
                    element: "X509SerialNumber",
                    value: serial.text().to_owned(),
                    reason: "not a non-negative decimal integer",
                },
            );
            return None;
        }
        // Larger than any certificate's serial: no certificate is named.
        Err(name::SerialError::TooLarge) => {
            let serial = serial.text().to_owned();
            findings.push(
                Code::PkiUnknownSigner,
                issuer.span,
                Detail::Signer { issuer: issuer.text().to_owned(), serial },
            );
            return None;
        }
    };
    let found = store.find(&issuer_name, &serial_bytes);
    if found.is_none() {
        findings.push(
            Code::PkiUnknownSigner,
            issuer.span,
            Detail::Signer { issuer: issuer.text().to_owned(), serial: name::bytes_to_decimal(&serial_bytes) },
        );
    }
    found
}
