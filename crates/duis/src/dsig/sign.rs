//! Signing: the DUIS signature (DUIS-FACTS §8.3), made with the same canonicalisation the
//! validator verifies with.

use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};

use super::{digest_and_signed_info, uri};
use crate::pki::Certificate;
use crate::report::Findings;
use crate::xml::{Event, Ns, Reader};

/// Why a message could not be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The private key is not a PKCS#8 EC P-256 key ring can use.
    #[error("not a PKCS#8 EC P-256 private key: {0}")]
    Key(String),
    /// The certificate's public key is not the signing key's.
    #[error("the certificate's public key does not belong to the signing key")]
    KeyMismatch,
    /// The message is not well-formed XML, or its root element has no content to sign.
    #[error("cannot sign: {0}")]
    Malformed(String),
    /// The signing operation failed.
    #[error("the ECDSA signing operation failed")]
    Crypto,
}

/// An EC P-256 private key for XML signing.
pub struct SigningKey {
    pair: EcdsaKeyPair,
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print key material.
        f.debug_struct("SigningKey").finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A key from PKCS#8 DER (`PrivateKeyInfo` with the public key included, as OpenSSL and
    /// Java write it).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, SignError> {
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der, &SystemRandom::new())
            .map_err(|e| SignError::Key(why_not_pkcs8(der, &e.to_string())))?;
        Ok(SigningKey { pair })
    }

    /// A key from a PEM `PRIVATE KEY` block (PKCS#8), or from PKCS#8 DER when the bytes are
    /// not PEM.
    pub fn from_pkcs8(bytes: &[u8]) -> Result<SigningKey, SignError> {
        SigningKey::from_pkcs8_der(&pkcs8_der(bytes)?)
    }

    /// A key (PEM or DER PKCS#8, as [`SigningKey::from_pkcs8`]) for signing with `cert`. The
    /// key's own copy of its public key is optional (RFC 5915 §3) and some tools leave it out:
    /// then the certificate's public key is taken, and ring checks that it is the private
    /// key's.
    pub fn from_pkcs8_for(bytes: &[u8], cert: &Certificate) -> Result<SigningKey, SignError> {
        let der = pkcs8_der(bytes)?;
        let refused = match SigningKey::from_pkcs8_der(&der) {
            Ok(key) => return Ok(key),
            Err(refused) => refused,
        };
        let (Some(scalar), Some(public)) = (pkcs8_scalar(&der), cert.public_key()) else { return Err(refused) };
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            scalar,
            public,
            &SystemRandom::new(),
        )
        .map_err(|_| SignError::KeyMismatch)?;
        Ok(SigningKey { pair })
    }

    /// The uncompressed public key point (65 bytes).
    pub fn public_key(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }
}

/// The PKCS#8 DER of a key file: the bytes themselves when they are DER, else the first PEM
/// `PRIVATE KEY` block, with a clear refusal for the other key formats.
fn pkcs8_der(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, SignError> {
    if !bytes.starts_with(b"-----") && bytes.first() == Some(&0x30) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    for block in x509_parser::pem::Pem::iter_from_buffer(bytes) {
        match block {
            Ok(block) if block.label == "PRIVATE KEY" => return Ok(std::borrow::Cow::Owned(block.contents)),
            Ok(block) if block.label == "EC PRIVATE KEY" => {
                return Err(SignError::Key(
                    "a SEC1 `EC PRIVATE KEY` block; convert it with `openssl pkcs8 -topk8 -nocrypt`".into(),
                ));
            }
            Ok(block) if block.label == "ENCRYPTED PRIVATE KEY" => return Err(SignError::Key(ENCRYPTED.into())),
            Ok(_) => {}
            Err(error) => return Err(SignError::Key(error.to_string())),
        }
    }
    Err(SignError::Key("no PEM PRIVATE KEY block".into()))
}

const ENCRYPTED: &str =
    "an encrypted PKCS#8 key, which is not supported; decrypt it first (`openssl pkcs8 -in KEY -out PLAIN.key`)";

/// Why ring refused PKCS#8 DER, in words: an encrypted key, a key without its public key, or
/// ring's own reason.
fn why_not_pkcs8(der: &[u8], ring_says: &str) -> String {
    use x509_parser::der_parser::ber::BerObjectContent as C;
    let Ok((_, info)) = x509_parser::der_parser::der::parse_der(der) else { return ring_says.to_owned() };
    let C::Sequence(items) = &info.content else { return ring_says.to_owned() };
    // EncryptedPrivateKeyInfo (RFC 5958 §3) starts with an AlgorithmIdentifier, not a version.
    if matches!(items.first().map(|i| &i.content), Some(C::Sequence(_))) {
        return ENCRYPTED.to_owned();
    }
    if pkcs8_scalar(der).is_some() && !has_public_key(der) {
        return format!("{ring_says}: the key leaves out its public key (give the certificate with it: `sign --cert`)");
    }
    ring_says.to_owned()
}

/// The `ECPrivateKey` (RFC 5915) inside a PKCS#8 `PrivateKeyInfo` (RFC 5208), as DER objects.
fn ec_private_key(der: &[u8]) -> Option<Vec<x509_parser::der_parser::ber::BerObject<'_>>> {
    use x509_parser::der_parser::ber::BerObjectContent as C;
    let (_, info) = x509_parser::der_parser::der::parse_der(der).ok()?;
    let C::Sequence(items) = info.content else { return None };
    let C::OctetString(inner) = items.get(2)?.content else { return None };
    let (_, key) = x509_parser::der_parser::der::parse_der(inner).ok()?;
    let C::Sequence(fields) = key.content else { return None };
    Some(fields)
}

/// The private scalar of a PKCS#8 EC key.
fn pkcs8_scalar(der: &[u8]) -> Option<&[u8]> {
    use x509_parser::der_parser::ber::BerObjectContent as C;
    match ec_private_key(der)?.get(1)?.content {
        C::OctetString(scalar) => Some(scalar),
        _ => None,
    }
}

/// Whether a PKCS#8 EC key carries its optional `[1] publicKey`.
fn has_public_key(der: &[u8]) -> bool {
    use x509_parser::der_parser::ber::Class;
    ec_private_key(der).is_some_and(|fields| {
        fields.iter().skip(2).any(|f| f.header.class() == Class::ContextSpecific && f.header.tag().0 == 1)
    })
}

/// Where the root's content ends and any existing root-child signature lies.
struct Layout {
    /// Byte offset of the root's end tag.
    root_end: usize,
    /// An existing root-child `ds:Signature`: start of its start tag to end of its end tag.
    old_signature: Option<(usize, usize)>,
}

fn layout(message: &[u8]) -> Result<Layout, SignError> {
    let limits = crate::Limits::default();
    let mut findings = Findings::new(limits.max_findings);
    let malformed = |findings: &Findings| {
        let first = findings.list().first().map_or_else(|| "not XML".to_owned(), |f| format!("{f}"));
        SignError::Malformed(first)
    };
    let Some(mut reader) = Reader::new(message, limits, &mut findings) else {
        return Err(malformed(&findings));
    };
    let mut depth = 0u32;
    let mut signature_start: Option<usize> = None;
    let mut old_signature = None;
    let mut root_end = None;
    while let Some(event) = reader.next(&mut findings) {
        match event {
            Event::Start(start) => {
                depth = depth.saturating_add(1);
                // The MMC schema gives its responses no signature: a signed one is refused.
                if depth == 1 && start.ns == Ns::Ra {
                    return Err(SignError::Malformed(format!(
                        "an MMC {} (in the ResponseAndAlert namespace) takes no signature",
                        start.local
                    )));
                }
                if depth == 2 && start.ns == Ns::Ds && start.local == "Signature" && old_signature.is_none() {
                    signature_start = Some(start.span.start);
                }
            }
            Event::End(span) => {
                if depth == 2
                    && let Some(begin) = signature_start.take()
                {
                    old_signature = Some((begin, span.end));
                }
                if depth == 1 {
                    if span.start == span.end {
                        return Err(SignError::Malformed("the root element is empty".into()));
                    }
                    root_end = Some(span.start);
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    // A fault the reader reads past (an XML declaration naming another encoding) still makes
    // the message one the verifier refuses: it is not signed either.
    let faulty = findings.list().iter().any(|f| f.severity == crate::Severity::Error);
    match root_end {
        Some(root_end) if reader.is_complete() && !faulty => Ok(Layout { root_end, old_signature }),
        _ => Err(malformed(&findings)),
    }
}

/// Escapes text content.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Signs a DUIS message with the DUIS profile (DUIS-FACTS §8.1, §8.3): the root's
/// `ds:Signature` is removed, the document digest (inclusive C14N 1.0) is taken, and a new
/// `ds:Signature` naming `cert` by issuer and serial is appended as the last child of the root,
/// its `SignedInfo` signed in exclusive C14N with `key`. Nothing else changes: in particular
/// the RequestID is never touched. A document whose signed form the verifier would refuse is
/// not signed ([`SignError::Malformed`]): one with another `ds:Signature` (a second, or one
/// below the root), a comment splitting a value, or a namespace name canonical XML cannot
/// process.
///
/// Signing is randomised (ECDSA), so two signatures of one message differ.
pub fn sign(message: &[u8], key: &SigningKey, cert: &Certificate) -> Result<Vec<u8>, SignError> {
    if cert.public_key() != Some(key.public_key()) {
        return Err(SignError::KeyMismatch);
    }
    let layout = layout(message)?;
    let (head, tail) = message.split_at_checked(layout.root_end).ok_or(SignError::Crypto)?;
    let mut before: Vec<u8> = Vec::with_capacity(message.len().saturating_add(1024));
    match layout.old_signature {
        Some((start, end)) => {
            // The white space that set the old signature on its own line goes with it, so
            // that signing again gives what signing the unsigned message gives.
            let kept = head.get(..start).unwrap_or_default();
            let indent = kept.iter().rev().take_while(|b| crate::xml::is_xml_space(**b)).count();
            before.extend_from_slice(kept.get(..kept.len().saturating_sub(indent)).unwrap_or_default());
            before.extend_from_slice(head.get(end..).unwrap_or_default());
        }
        None => before.extend_from_slice(head),
    }
    // Put the signature on its own line when the root's end tag is on its own line, with the
    // document's own line end (CR LF in a CR LF file).
    let trailing = before.iter().rev().take_while(|b| crate::xml::is_xml_space(**b)).count();
    let space = before.get(before.len().saturating_sub(trailing)..).unwrap_or_default();
    let (indent, after) = if space.windows(2).any(|w| w == b"\r\n") {
        ("  ", "\r\n")
    } else if space.contains(&b'\n') {
        ("  ", "\n")
    } else if space.contains(&b'\r') {
        ("  ", "\r")
    } else {
        ("", "")
    };

    let open = format!(
        "{indent}<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"{}\"/><ds:SignatureMethod Algorithm=\"{}\"/>\
         <ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"{}\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>",
        uri::EXC_C14N,
        uri::ECDSA_SHA256,
        uri::ENVELOPED,
        uri::SHA256
    );
    let middle = "</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>";
    let close = format!(
        "</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>{}</ds:X509IssuerName>\
         <ds:X509SerialNumber>{}</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo>\
         </ds:Signature>{after}",
        escape(cert.issuer_name()),
        cert.serial_decimal()
    );
    let assemble = |digest: &str, value: &str| -> Vec<u8> {
        let mut out = before.clone();
        out.extend_from_slice(open.as_bytes());
        out.extend_from_slice(digest.as_bytes());
        out.extend_from_slice(middle.as_bytes());
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(close.as_bytes());
        out.extend_from_slice(tail);
        out
    };
    let engine = &base64::engine::general_purpose::STANDARD;
    // The digest does not cover the signature, so a placeholder signature gives the final
    // digest; the second pass gives SignedInfo exactly as the verifier will canonicalise it.
    let unsigned = assemble("", "");
    // The values still to come: the digest's 44 base64 characters and the signature's 88.
    let max = crate::Limits::default().max_input_bytes;
    if unsigned.len().saturating_add(44 + 88) > max {
        return Err(SignError::Malformed(format!(
            "the signed message would be larger than {max} bytes, the input limit, so no verifier would read it"
        )));
    }
    let draft = digest_and_signed_info(&unsigned).ok_or(SignError::Crypto)?;
    // What the verifier would refuse in the signed document, the signer refuses to make: a
    // namespace name canonical XML cannot process, a comment splitting a value, another
    // signature left in the document.
    if let Some((code, ..)) = draft.findings.iter().find(|(code, ..)| code.severity() == crate::Severity::Error) {
        let why = match code {
            crate::report::Code::SigRelativeNamespace => {
                "a namespace URI is relative or not a URI, which canonical XML cannot process".to_owned()
            }
            code => format!(
                "the signed document would be refused with {code} ({})",
                code.explanation().trim().trim_end_matches('.')
            ),
        };
        return Err(SignError::Malformed(format!("{why}: no verifier could accept the signature")));
    }
    let digest = engine.encode(draft.digest.ok_or(SignError::Crypto)?);
    let unsigned = assemble(&digest, "");
    let second = digest_and_signed_info(&unsigned).ok_or(SignError::Crypto)?;
    let signature = key.pair.sign(&SystemRandom::new(), &second.signed_info).map_err(|_| SignError::Crypto)?;
    Ok(assemble(&digest, &engine.encode(signature.as_ref())))
}
