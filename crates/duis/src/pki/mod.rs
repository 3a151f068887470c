//! Organisation Certificates: the SMKI profile, the trust store, role codes.
//!
//! Certificates are parsed and profiled once, when they are added to a [`TrustStore`], never
//! per message. The trust model is DESIGN §6: a listed certificate is trusted because it is
//! listed; a certificate carried inside a message is never trusted; CA certificates matter only
//! to the optional strict chain mode ([`TrustStore::require_chain`]).

pub(crate) mod name;
mod pem;

use core::fmt;
use std::collections::HashMap;
use std::sync::Arc;

use x509_parser::prelude::{FromDer, X509Certificate};

use crate::message::{DateTime, Eui64};
use crate::report::XmlSigner;
use name::{Ava, Name};

/// OID of the subject `OU` attribute (organizationalUnitName), where the role is.
const OID_OU: &str = "2.5.4.11";
/// OID of `x500UniqueIdentifier`, where the EUI-64 is.
const OID_UNIQUE_ID: &str = "2.5.4.45";
/// `id-ecPublicKey`.
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// `prime256v1` (P-256).
const OID_P256: &str = "1.2.840.10045.3.1.7";
/// `ecdsa-with-SHA256`, the only certificate signature the strict chain mode checks.
const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
/// keyUsage.
const OID_KEY_USAGE: &str = "2.5.29.15";
/// certificatePolicies.
const OID_CERTIFICATE_POLICIES: &str = "2.5.29.32";
/// The extensions the profile processes and so accepts marked critical: keyUsage,
/// certificatePolicies and basicConstraints (whose cA flag refuses CA certificates). Any other
/// critical extension refuses the certificate (RFC 5280 §4.2).
const KNOWN_CRITICAL: &[&str] = &[OID_KEY_USAGE, OID_CERTIFICATE_POLICIES, "2.5.29.19"];
/// keyUsage bit 0 (digitalSignature), as x509-parser numbers the flags.
const KU_DIGITAL_SIGNATURE: u16 = 1;

/// Why a certificate does not fit the Organisation Certificate profile (DUIS-FACTS §9.1). A
/// misfit is kept aside: a message it signed is rejected with a precise finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Misfit {
    /// The key is not an EC P-256 key.
    NotP256,
    /// The subject has no `OU` (role).
    NoRole,
    /// The subject has no `x500UniqueIdentifier` holding an EUI-64 as `03 09 00` + 8 bytes.
    NoEui,
    /// keyUsage is missing or is not digitalSignature alone.
    KeyUsage {
        /// The keyUsage bits as x509-parser numbers them (bit 0 = digitalSignature), or
        /// `None` when the extension is absent.
        flags: Option<u16>,
    },
    /// No certificatePolicies extension.
    NoPolicy,
    /// A CA certificate (basicConstraints cA): it issues certificates, it does not sign
    /// messages.
    CaCertificate,
    /// The subject has two `OU`s (roles) or two `x500UniqueIdentifier`s: which role or party
    /// it is would depend on which one a reader takes.
    Ambiguous {
        /// `OU` or `x500UniqueIdentifier`.
        attribute: &'static str,
    },
    /// Another, different certificate in the store has the same issuer and serial: which key
    /// a message naming them was signed with would depend on which one a reader takes.
    Conflicting,
    /// An extension the profile marks critical (keyUsage, certificatePolicies) is not.
    NotCritical {
        /// `keyUsage` or `certificatePolicies`.
        extension: &'static str,
    },
    /// A critical extension the profile does not know (RFC 5280 §4.2: a certificate with a
    /// critical extension its user does not process must be rejected), such as an
    /// extendedKeyUsage or nameConstraints marked critical.
    UnknownCritical {
        /// The extension's OID.
        oid: String,
    },
    /// An extension appears twice (RFC 5280 §4.2 forbids it).
    DuplicateExtension {
        /// The extension's OID.
        oid: String,
    },
    /// An extension does not parse.
    BadExtension {
        /// The extension's OID.
        oid: String,
        /// The parse error.
        why: String,
    },
    /// The serial number is negative or zero (RFC 5280 §4.1.2.2: a positive integer).
    SerialNotPositive,
    /// The subject `OU` is not a text string (UTF8String, PrintableString and the like), so it
    /// names no role.
    RoleNotText {
        /// The value's DER tag.
        tag: u8,
    },
}

impl Misfit {
    /// The finding a message signed under this certificate gets: `pki.key-usage` for a keyUsage
    /// fault, `pki.bad-profile` for the rest.
    pub fn code(&self) -> crate::report::Code {
        match self {
            Misfit::KeyUsage { .. } | Misfit::NotCritical { extension: "keyUsage" } => crate::report::Code::PkiKeyUsage,
            _ => crate::report::Code::PkiBadProfile,
        }
    }
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misfit::NotP256 => f.write_str("its key is not EC P-256"),
            Misfit::NoRole => f.write_str("its subject has no OU (role)"),
            Misfit::NoEui => f.write_str("its subject has no x500UniqueIdentifier holding an EUI-64"),
            Misfit::KeyUsage { flags: None } => f.write_str("it has no keyUsage"),
            Misfit::KeyUsage { flags: Some(flags) } => {
                write!(f, "its keyUsage is {flags:#06x}, not digitalSignature alone")
            }
            Misfit::NoPolicy => f.write_str("it has no certificatePolicies"),
            Misfit::CaCertificate => f.write_str("it is a CA certificate"),
            Misfit::Ambiguous { attribute } => write!(f, "its subject has more than one {attribute}"),
            Misfit::Conflicting => f.write_str("a different certificate in the store has the same issuer and serial"),
            Misfit::NotCritical { extension } => write!(f, "its {extension} extension is not marked critical"),
            Misfit::UnknownCritical { oid } => write!(f, "it has a critical extension {oid} the profile does not know"),
            Misfit::DuplicateExtension { oid } => write!(f, "its extension {oid} appears twice"),
            Misfit::BadExtension { oid, why } => write!(f, "its extension {oid} does not parse: {why}"),
            Misfit::SerialNotPositive => f.write_str("its serial number is not a positive integer"),
            Misfit::RoleNotText { tag } => write!(f, "its subject OU is not a text string (DER tag {tag:#04x})"),
        }
    }
}

/// Why a certificate could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The bytes hold no PEM `CERTIFICATE` block.
    #[error("no PEM CERTIFICATE block")]
    NoPem,
    /// The DER does not parse as an X.509 certificate, or has bytes after it.
    #[error("not an X.509 certificate: {0}")]
    Der(String),
    /// A `CERTIFICATE` block that cannot be read as PEM (a line that is not base64, an `END`
    /// line naming another label, no `END` line), or a line that looks like PEM armour and is
    /// not; the message says on which line.
    #[error("not a readable PEM block: {0}")]
    Pem(String),
    /// The last of many refused blocks: past the first hundred errors of one text, the rest
    /// are only counted, so that memory follows the input.
    #[error("{count} more PEM blocks or lines like these not read")]
    MorePem {
        /// How many.
        count: usize,
    },
    /// A PEM block with another label (a key, OpenSSL's `TRUSTED CERTIFICATE` with its trust
    /// settings): passed over, not read as a certificate.
    #[error("a PEM block labelled {label:?}, not CERTIFICATE")]
    OtherPemBlock {
        /// The label, as written after `BEGIN`.
        label: String,
    },
}

/// Errors of one PEM text kept one by one ([`Certificate::all_from_pem`], and the load issues
/// of [`TrustStore::add_pem`]); the rest are counted, so memory follows the input whatever it
/// holds.
const MAX_PEM_ERRORS: usize = 100;

/// Hands each block of a PEM text to `each` as a certificate or the reason it is none.
fn each_from_pem(pem: &[u8], mut each: impl FnMut(Result<Certificate, CertificateError>)) {
    pem::for_each_block(pem, |block| {
        each(match block {
            pem::Block::Certificate(der) => Certificate::from_der(&der),
            pem::Block::Other(label) => Err(CertificateError::OtherPemBlock { label }),
            pem::Block::Refused(why) => Err(CertificateError::Pem(why)),
        });
    });
}

/// An Organisation Certificate, parsed and profiled once.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    issuer: Name,
    issuer_text: String,
    /// The two spellings of the issuer that signers write (`CN=Z1,OU=07` and `CN=Z1, OU=07`),
    /// kept only when they parse back to [`Certificate::issuer`]: a message naming the issuer
    /// exactly so is matched without parsing its `X509IssuerName`.
    issuer_spellings: Vec<String>,
    subject: Name,
    serial: Vec<u8>,
    role: Option<String>,
    eui: Option<Eui64>,
    /// Uncompressed P-256 point, when the key is one.
    public_key: Option<Vec<u8>>,
    not_before: DateTime,
    not_after: DateTime,
    misfit: Option<Misfit>,
    is_ca: bool,
    /// Who it names (issuer, decimal serial, role, EUI), made once at load: a report shares it
    /// rather than rendering it for every message the certificate verifies.
    identity: Arc<XmlSigner>,
    /// `issuer serial N`, how GBCS findings name the key.
    key_label: String,
    /// For strict chain mode: the signed part, the signature algorithm and the signature.
    tbs: Vec<u8>,
    signature_algorithm: String,
    signature: Vec<u8>,
}

impl Certificate {
    /// Parses a DER certificate and checks its profile. A certificate that parses but does
    /// not fit the profile is returned with [`Certificate::misfit`] set.
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertificateError> {
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| CertificateError::Der(e.to_string()))?;
        if !rest.is_empty() {
            return Err(CertificateError::Der(format!("{} bytes after the certificate", rest.len())));
        }
        let tbs_cert = &cert.tbs_certificate;
        let issuer_rdns = rdns(cert.issuer());
        let issuer_text = name::render_rfc4514(&issuer_rdns);
        let issuer = to_name(&issuer_rdns);
        let spaced = name::render_rfc4514_spaced(&issuer_rdns);
        let issuer_spellings = [issuer_text.clone(), spaced]
            .into_iter()
            .filter(|text| name::parse_rfc4514(text).as_ref() == Some(&issuer))
            .collect();
        let subject_rdns = rdns(cert.subject());
        let subject = to_name(&subject_rdns);
        let role_value = subject_rdns.iter().flatten().find(|(oid, _, _)| oid == OID_OU);
        // The role is text: an OCTET STRING or INTEGER holding `87` names no role, and a
        // BMPString is refused rather than shown as `\08\07`.
        let role_tag = role_value.map(|(_, tag, _)| *tag).filter(|tag| !name::is_string_tag(*tag));
        let role = role_value
            .filter(|_| role_tag.is_none())
            .map(|(_, _, content)| String::from_utf8_lossy(content).into_owned());
        let eui =
            subject_rdns.iter().flatten().find(|(oid, _, _)| oid == OID_UNIQUE_ID).and_then(|(_, tag, content)| {
                // BIT STRING with no unused bits and eight bytes.
                let (&unused, eui) = content.split_first()?;
                if *tag != 0x03 || unused != 0 {
                    return None;
                }
                Some(Eui64(<[u8; 8]>::try_from(eui).ok()?))
            });
        let spki = cert.public_key();
        let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|oid| oid.to_id_string());
        let point = spki.subject_public_key.data.as_ref();
        let public_key = (spki.algorithm.algorithm.to_id_string() == OID_EC_PUBLIC_KEY
            && curve.as_deref() == Some(OID_P256)
            && point.len() == 65
            && point.first() == Some(&0x04))
        .then(|| point.to_vec());
        let extension_fault = extension_fault(tbs_cert.extensions());
        let is_ca = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
        let key_usage = match cert.key_usage() {
            Ok(Some(ku)) => Some(ku.value.flags),
            _ => None,
        };
        let extension = |oid: &str| cert.iter_extensions().find(|e| e.oid.to_id_string() == oid);
        let policy = extension(OID_CERTIFICATE_POLICIES);
        let key_usage_critical = extension(OID_KEY_USAGE).is_some_and(|e| e.critical);
        let count = |oid: &str| subject_rdns.iter().flatten().filter(|(o, _, _)| o == oid).count();
        let serial_positive = tbs_cert.raw_serial().first().is_some_and(|&b| b < 0x80)
            && name::magnitude(tbs_cert.raw_serial()).iter().any(|&b| b != 0);
        let misfit = if public_key.is_none() {
            Some(Misfit::NotP256)
        } else if is_ca {
            Some(Misfit::CaCertificate)
        } else if let Some(fault) = extension_fault {
            Some(fault)
        } else if !serial_positive {
            Some(Misfit::SerialNotPositive)
        } else if count(OID_OU) > 1 {
            Some(Misfit::Ambiguous { attribute: "OU" })
        } else if count(OID_UNIQUE_ID) > 1 {
            Some(Misfit::Ambiguous { attribute: "x500UniqueIdentifier" })
        } else if let Some(tag) = role_tag {
            Some(Misfit::RoleNotText { tag })
        } else if role.is_none() {
            Some(Misfit::NoRole)
        } else if eui.is_none() {
            Some(Misfit::NoEui)
        } else if key_usage != Some(KU_DIGITAL_SIGNATURE) {
            Some(Misfit::KeyUsage { flags: key_usage })
        } else if !key_usage_critical {
            Some(Misfit::NotCritical { extension: "keyUsage" })
        } else if policy.is_none() {
            Some(Misfit::NoPolicy)
        } else if policy.is_some_and(|e| !e.critical) {
            Some(Misfit::NotCritical { extension: "certificatePolicies" })
        } else {
            cert.iter_extensions()
                .find(|e| e.critical && !KNOWN_CRITICAL.contains(&e.oid.to_id_string().as_str()))
                .map(|e| Misfit::UnknownCritical { oid: e.oid.to_id_string() })
        };
        let validity = cert.validity();
        let raw_serial = tbs_cert.raw_serial();
        // The store's key: the magnitude of a positive serial, as an `X509SerialNumber` names
        // it. A negative serial (two's complement) is written with its sign and keyed apart
        // (two zero bytes, which no magnitude starts with): no message can name it, and it
        // cannot collide with the positive serial of the same magnitude.
        let (serial, serial_text) = if raw_serial.first().is_some_and(|&b| b >= 0x80) {
            let mut negated: Vec<u8> = raw_serial.iter().map(|b| !b).collect();
            for byte in negated.iter_mut().rev() {
                let (sum, carry) = byte.overflowing_add(1);
                *byte = sum;
                if !carry {
                    break;
                }
            }
            let key = [&[0, 0][..], raw_serial].concat();
            (key, format!("-{}", name::bytes_to_decimal(name::magnitude(&negated))))
        } else {
            let magnitude = name::magnitude(raw_serial).to_vec();
            let text = name::bytes_to_decimal(&magnitude);
            (magnitude, text)
        };
        let identity = Arc::new(XmlSigner {
            issuer: issuer_text.clone(),
            serial: serial_text,
            role: role.clone().unwrap_or_default(),
            eui,
        });
        let key_label = format!("{} serial {}", identity.issuer, identity.serial);
        Ok(Certificate {
            der: der.to_vec(),
            issuer,
            issuer_text,
            issuer_spellings,
            subject,
            serial,
            role,
            eui,
            identity,
            key_label,
            public_key,
            not_before: DateTime::from_unix(validity.not_before.timestamp(), 0),
            not_after: DateTime::from_unix(validity.not_after.timestamp(), 0),
            misfit,
            is_ca,
            tbs: tbs_cert.as_ref().to_vec(),
            signature_algorithm: cert.signature_algorithm.algorithm.to_id_string(),
            signature: cert.signature_value.data.to_vec(),
        })
    }

    /// Parses every PEM `CERTIFICATE` block in `pem`. Blocks that do not parse, and blocks
    /// with another label ([`CertificateError::OtherPemBlock`]), are returned as errors in
    /// place, so one bad block does not hide the others (the first hundred; the rest are
    /// counted in one last [`CertificateError::MorePem`]). Read as tools write PEM, and strictly where a lax reading
    /// could trust other bytes than OpenSSL sees (`pki/pem.rs`): any line ending, byte-order
    /// marks, white space and control bytes at the ends of lines are passed over; a certificate
    /// block holds base64 and nothing else (no headers), and its `END` line names its label.
    pub fn all_from_pem(pem: &[u8]) -> Vec<Result<Certificate, CertificateError>> {
        let mut out = Vec::new();
        let mut errors = 0usize;
        each_from_pem(pem, |result| {
            if result.is_err() {
                errors = errors.saturating_add(1);
                if errors > MAX_PEM_ERRORS {
                    return;
                }
            }
            out.push(result);
        });
        if let Some(count) = errors.checked_sub(MAX_PEM_ERRORS).filter(|&count| count > 0) {
            out.push(Err(CertificateError::MorePem { count }));
        }
        out
    }

    /// Parses the first PEM `CERTIFICATE` block in `pem` (blocks with other labels before it
    /// are passed over).
    pub fn from_pem(pem: &[u8]) -> Result<Certificate, CertificateError> {
        Certificate::all_from_pem(pem)
            .into_iter()
            .find(|block| !matches!(block, Err(CertificateError::OtherPemBlock { .. })))
            .unwrap_or(Err(CertificateError::NoPem))
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The issuer as an RFC 4514 string (`CN=Z1,OU=07`), as `X509IssuerName` carries it.
    pub fn issuer_name(&self) -> &str {
        &self.issuer_text
    }

    /// The serial number in decimal, as `X509SerialNumber` carries it.
    pub fn serial_decimal(&self) -> String {
        self.identity.serial.clone()
    }

    /// Issuer, serial, role and EUI, as a report names the signer.
    pub(crate) fn identity(&self) -> &Arc<XmlSigner> {
        &self.identity
    }

    /// `issuer serial N`, as GBCS findings name the key.
    pub(crate) fn key_label(&self) -> &str {
        &self.key_label
    }

    /// The subject `OU` as written: the remote party role, two hex digits in a conforming
    /// certificate (`87` User XML signing, `89` DCC XML signing, `02` Supplier, ...).
    pub fn role_text(&self) -> Option<&str> {
        self.role.as_deref()
    }

    /// The role as a number, when the `OU` is exactly two hex digits (DUIS-FACTS §9.2).
    pub fn role(&self) -> Option<u8> {
        role_number(self.role.as_deref()?)
    }

    /// The EUI-64 from `x500UniqueIdentifier`.
    pub fn eui(&self) -> Option<Eui64> {
        self.eui
    }

    /// `notBefore`.
    pub fn not_before(&self) -> DateTime {
        self.not_before
    }

    /// `notAfter`.
    pub fn not_after(&self) -> DateTime {
        self.not_after
    }

    /// Why the certificate does not fit the Organisation Certificate profile, if it does not.
    pub fn misfit(&self) -> Option<&Misfit> {
        self.misfit.as_ref()
    }

    /// The uncompressed P-256 public key point (65 bytes), when the key is P-256.
    pub fn public_key(&self) -> Option<&[u8]> {
        self.public_key.as_deref()
    }

    /// Whether the certificate is valid at `now`, bounds inclusive (RFC 5280 §4.1.2.5); `None`
    /// when `now` has no UTC offset, so it names no instant to compare with (the bounds always do).
    pub(crate) fn validity_at(&self, now: DateTime) -> Option<Validity> {
        let now = now.instant()?;
        let (Some(from), Some(to)) = (self.not_before.instant(), self.not_after.instant()) else {
            // Never: x509-parser's times are UTC.
            return Some(Validity::Valid);
        };
        Some(if now < from {
            Validity::NotYetValid
        } else if now > to {
            Validity::Expired
        } else {
            Validity::Valid
        })
    }

    /// True when `issuer` signed this certificate: names match and the ECDSA P-256 SHA-256
    /// signature verifies with the issuer's key.
    fn issued_by(&self, issuer: &Certificate) -> bool {
        let Some(key) = issuer.public_key.as_deref() else { return false };
        self.issuer == issuer.subject
            && self.signature_algorithm == OID_ECDSA_SHA256
            && ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_ASN1, key)
                .verify(&self.tbs, &self.signature)
                .is_ok()
    }
}

/// Where a time falls in a certificate's validity period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Validity {
    Valid,
    NotYetValid,
    Expired,
}

/// Every attribute of a DER name: (dotted OID, value tag, value content), RDNs in DER order.
fn rdns(name: &x509_parser::x509::X509Name<'_>) -> Vec<Vec<(String, u8, Vec<u8>)>> {
    name.iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|ava| {
                    let value = ava.attr_value();
                    let tag = u8::try_from(value.tag().0).unwrap_or(0xFF);
                    (ava.attr_type().to_id_string(), tag, value.data.to_vec())
                })
                .collect()
        })
        .collect()
}

fn to_name(rdns: &[Vec<(String, u8, Vec<u8>)>]) -> Name {
    Name(
        rdns.iter()
            .map(|rdn| {
                let mut avas: Vec<Ava> = rdn
                    .iter()
                    .map(|(oid, tag, content)| Ava { oid: oid.clone(), value: name::value_from_der(*tag, content) })
                    .collect();
                avas.sort_by(|a, b| (&a.oid, format!("{:?}", a.value)).cmp(&(&b.oid, format!("{:?}", b.value))));
                avas
            })
            .collect(),
    )
}

/// Something the trust store noticed while loading, reported once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadIssue {
    /// Where the certificate came from, as the caller named it (a file name, say).
    pub source: String,
    /// What was noticed.
    pub kind: LoadIssueKind,
}

/// What a [`LoadIssue`] is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadIssueKind {
    /// The input could not be read as a certificate; nothing was added.
    Unreadable(CertificateError),
    /// The last issue of a PEM text with many: how many more there were, not kept (see
    /// [`TrustStore::add_pem`]).
    More {
        /// How many.
        count: usize,
    },
    /// The certificate was added but does not fit the profile; messages it signed are
    /// rejected.
    Misfit {
        /// Its serial, decimal.
        serial: String,
        /// Why.
        misfit: Misfit,
    },
    /// The role OU is written `137`, the decimal spelling of `89` (a DCC Boxed defect). Kept:
    /// accepted with a warning on DCC replies, refused on requests.
    DecimalRole {
        /// Its serial, decimal.
        serial: String,
    },
    /// A certificate with the same issuer and serial as one already loaded; the first is
    /// kept.
    Duplicate {
        /// Its serial, decimal.
        serial: String,
    },
    /// Strict chain mode: the certificate does not chain to a CA certificate in the store.
    NoChain {
        /// Its serial, decimal.
        serial: String,
    },
}

impl fmt::Display for LoadIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.source)?;
        match &self.kind {
            LoadIssueKind::Unreadable(error) => write!(f, "not loaded: {error}"),
            LoadIssueKind::More { count } => write!(f, "{count} more notes like these"),
            LoadIssueKind::Misfit { serial, misfit: Misfit::CaCertificate } => {
                write!(
                    f,
                    "CA certificate (serial {serial}) kept aside: it signs no message; chains to it are checked only when required (TrustStore::require_chain)"
                )
            }
            LoadIssueKind::Misfit { serial, misfit } => {
                write!(f, "certificate serial {serial} kept aside: {misfit}; messages it signed are rejected")
            }
            LoadIssueKind::DecimalRole { serial } => write!(
                f,
                "certificate serial {serial} has role OU \"137\", the decimal spelling of 89; accepted on DCC replies \
                 with a warning, refused on requests"
            ),
            LoadIssueKind::Duplicate { serial } => {
                write!(f, "certificate serial {serial} is listed twice; the first copy is used")
            }
            LoadIssueKind::NoChain { serial } => {
                write!(f, "certificate serial {serial} does not chain to a CA certificate in the store")
            }
        }
    }
}

/// The Organisation Certificates a [`Validator`](crate::Validator) trusts.
///
/// Load PEM or DER certificates with [`TrustStore::add_pem`] / [`TrustStore::add_der`] (the
/// core reads no files: the caller passes bytes). Loading never fails because of a
/// certificate's content: anything odd is reported once in [`TrustStore::issues`] (a block
/// that does not parse, a PEM block that is no `CERTIFICATE`, such as a key or OpenSSL's
/// `TRUSTED CERTIFICATE`), and misfits are kept aside so that a message they signed gets a
/// precise finding. PEM is read in RFC 7468's lax form: a byte-order mark and indented lines
/// are fine.
///
/// ```
/// let mut store = duis::TrustStore::new();
/// let added = store.add_pem("empty.pem", b"");
/// assert_eq!(added, 0);
/// assert!(store.is_empty());
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    certificates: Vec<Certificate>,
    by_serial: HashMap<Vec<u8>, Vec<usize>>,
    issues: Vec<LoadIssue>,
    strict: bool,
    /// Per certificate, in strict mode: whether it chains to a CA in the store.
    chained: Vec<bool>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    /// Adds every certificate in a PEM text. Returns how many were added (misfits included).
    /// Its load issues (unreadable blocks, duplicates, misfits) are kept up to a hundred, the
    /// rest counted in one last [`LoadIssueKind::More`].
    pub fn add_pem(&mut self, source: &str, pem: &[u8]) -> usize {
        let mut added = 0usize;
        let before = self.issues.len();
        let mut hidden = 0usize;
        each_from_pem(pem, |result| {
            match result {
                Ok(cert) => {
                    if self.add(source, cert) {
                        added = added.saturating_add(1);
                    }
                }
                Err(error) => {
                    self.issues.push(LoadIssue { source: source.to_owned(), kind: LoadIssueKind::Unreadable(error) })
                }
            }
            let kept = before.saturating_add(MAX_PEM_ERRORS);
            if self.issues.len() > kept {
                hidden = hidden.saturating_add(self.issues.len() - kept);
                self.issues.truncate(kept);
            }
        });
        if hidden > 0 {
            self.issues.push(LoadIssue { source: source.to_owned(), kind: LoadIssueKind::More { count: hidden } });
        }
        added
    }

    /// Adds one DER certificate. Returns whether it was added.
    pub fn add_der(&mut self, source: &str, der: &[u8]) -> bool {
        match Certificate::from_der(der) {
            Ok(cert) => self.add(source, cert),
            Err(error) => {
                self.issues.push(LoadIssue { source: source.to_owned(), kind: LoadIssueKind::Unreadable(error) });
                false
            }
        }
    }

    /// Adds a parsed certificate. Returns false for a duplicate (same issuer and serial).
    pub fn add(&mut self, source: &str, cert: Certificate) -> bool {
        let serial = cert.serial_decimal();
        let twin = self.by_serial.get(&cert.serial).and_then(|list| {
            list.iter().copied().find(|&i| self.certificates.get(i).is_some_and(|c| c.issuer == cert.issuer))
        });
        if let Some(twin) = twin {
            // The same certificate twice is harmless. Two different ones under one issuer and
            // serial make the signer a matter of load order: neither is used.
            let conflict = self.certificates.get_mut(twin).filter(|c| c.der != cert.der);
            let kind = match conflict {
                Some(existing) => {
                    existing.misfit = Some(Misfit::Conflicting);
                    LoadIssueKind::Misfit { serial, misfit: Misfit::Conflicting }
                }
                None => LoadIssueKind::Duplicate { serial },
            };
            self.issues.push(LoadIssue { source: source.to_owned(), kind });
            return false;
        }
        if let Some(misfit) = &cert.misfit {
            self.issues.push(LoadIssue {
                source: source.to_owned(),
                kind: LoadIssueKind::Misfit { serial: serial.clone(), misfit: misfit.clone() },
            });
        }
        if cert.role_text() == Some("137") {
            self.issues.push(LoadIssue { source: source.to_owned(), kind: LoadIssueKind::DecimalRole { serial } });
        }
        let index = self.certificates.len();
        self.by_serial.entry(cert.serial.clone()).or_default().push(index);
        let is_ca = cert.is_ca;
        self.certificates.push(cert);
        if self.strict {
            // A new CA may complete other chains; a new leaf only needs its own worked out.
            if is_ca {
                self.link();
            } else {
                self.link_last();
            }
        }
        true
    }

    /// Strict chain mode (off by default): every listed leaf must also chain to a CA
    /// certificate in the store (issuer name and an ECDSA P-256 SHA-256 signature). Off, a
    /// listed certificate is trusted because it is listed, which is how the self-signed 2018
    /// DCC Boxed XML-signing certificates must be used. Leaves that do not chain are reported
    /// once in [`TrustStore::issues`].
    pub fn require_chain(mut self, strict: bool) -> TrustStore {
        self.strict = strict;
        if strict {
            self.link();
        }
        self
    }

    /// Works out, once, which leaves chain to a CA in the store.
    fn link(&mut self) {
        let before: Vec<bool> = self.chained.clone();
        self.chained = self
            .certificates
            .iter()
            .map(|leaf| {
                leaf.is_ca
                    || self.certificates.iter().any(|ca| ca.is_ca && !core::ptr::eq(ca, leaf) && leaf.issued_by(ca))
            })
            .collect();
        for (i, (cert, &chained)) in self.certificates.iter().zip(&self.chained).enumerate() {
            let was = before.get(i).copied();
            if !chained && was != Some(false) {
                self.issues.push(LoadIssue {
                    source: "trust store".to_owned(),
                    kind: LoadIssueKind::NoChain { serial: cert.serial_decimal() },
                });
            }
        }
    }

    /// Works out whether the last certificate added chains to a CA in the store.
    fn link_last(&mut self) {
        let Some(leaf) = self.certificates.last() else { return };
        let chained = leaf.is_ca || self.certificates.iter().any(|ca| ca.is_ca && leaf.issued_by(ca));
        if !chained {
            self.issues.push(LoadIssue {
                source: "trust store".to_owned(),
                kind: LoadIssueKind::NoChain { serial: leaf.serial_decimal() },
            });
        }
        self.chained.push(chained);
    }

    /// True when `cert` (from this store) is acceptable under the chain mode in force.
    pub(crate) fn chains(&self, index: usize) -> bool {
        !self.strict || self.chained.get(index).copied().unwrap_or(false)
    }

    /// What loading noticed, each reported once.
    pub fn issues(&self) -> &[LoadIssue] {
        &self.issues
    }

    /// Number of certificates held (misfits included).
    pub fn len(&self) -> usize {
        self.certificates.len()
    }

    /// True when the store holds no certificate.
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty()
    }

    /// Every certificate held.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The certificate with this issuer (parsed RFC 4514) and serial (big-endian magnitude),
    /// with its index.
    pub(crate) fn find(&self, issuer: &Name, serial: &[u8]) -> Option<(usize, &Certificate)> {
        let list = self.by_serial.get(name::magnitude(serial))?;
        list.iter().find_map(|&i| self.certificates.get(i).filter(|c| &c.issuer == issuer).map(|c| (i, c)))
    }

    /// The certificate with this serial whose issuer is spelled exactly `issuer_text` in one
    /// of the two usual ways, with its index: the common case, found without parsing the name.
    /// `None` says only that this shortcut did not apply; [`TrustStore::find`] decides.
    pub(crate) fn find_by_spelling(&self, issuer_text: &str, serial: &[u8]) -> Option<(usize, &Certificate)> {
        let list = self.by_serial.get(name::magnitude(serial))?;
        list.iter().find_map(|&i| {
            self.certificates
                .get(i)
                .filter(|c| c.issuer_spellings.iter().any(|spelled| spelled == issuer_text))
                .map(|c| (i, c))
        })
    }

    /// Every certificate for this EUI-64 whose role OU is `role` (two hex digits), for the
    /// GBCS check, which names no key.
    pub fn find_by_eui_role(&self, eui: Eui64, role: u8) -> impl Iterator<Item = &Certificate> {
        self.certificates.iter().filter(move |c| c.eui == Some(eui) && c.role() == Some(role))
    }
}

/// A role `OU` as a number: exactly two hex digits. (`from_str_radix` alone would also take
/// a sign, so that `+8` read as role 08.)
/// An extension that appears twice or does not parse (RFC 5280 §4.2: at most one instance of
/// each; a certificate whose extension cannot be read is not one to trust). The OIDs are
/// sorted, not compared pairwise: a certificate may carry any number of extensions.
fn extension_fault(extensions: &[x509_parser::extensions::X509Extension<'_>]) -> Option<Misfit> {
    let mut oids: Vec<&[u8]> = extensions.iter().map(|e| e.oid.as_bytes()).collect();
    oids.sort_unstable();
    if let Some(pair) = oids.windows(2).find(|pair| pair.first() == pair.last()) {
        let oid = extensions
            .iter()
            .find(|e| Some(&e.oid.as_bytes()) == pair.first())
            .map(|e| e.oid.to_id_string())
            .unwrap_or_default();
        return Some(Misfit::DuplicateExtension { oid });
    }
    extensions.iter().find_map(|e| match e.parsed_extension() {
        x509_parser::extensions::ParsedExtension::ParseError { error } => {
            Some(Misfit::BadExtension { oid: e.oid.to_id_string(), why: parse_error_text(error) })
        }
        _ => None,
    })
}

/// A parse error as a person reads it (x509-parser's own text carries its debug form).
fn parse_error_text<E: fmt::Display>(error: &x509_parser::nom::Err<E>) -> String {
    match error {
        x509_parser::nom::Err::Incomplete(_) => "it is cut short".to_owned(),
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e.to_string(),
    }
}

/// The role as a number, when `text` is exactly two hex digits (DUIS-FACTS §9.2).
fn role_number(text: &str) -> Option<u8> {
    (text.len() == 2 && text.bytes().all(|b| b.is_ascii_hexdigit())).then(|| u8::from_str_radix(text, 16).ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_is_exactly_two_hex_digits() {
        assert_eq!(role_number("87"), Some(0x87));
        assert_eq!(role_number("0a"), Some(0x0A));
        assert_eq!(role_number("+8"), None);
        assert_eq!(role_number("-8"), None);
        assert_eq!(role_number("8"), None);
        assert_eq!(role_number("087"), None);
        assert_eq!(role_number(" 8"), None);
        assert_eq!(role_number("g7"), None);
    }

    #[test]
    fn misfits_display_their_reason() {
        assert_eq!(
            Misfit::KeyUsage { flags: Some(0x11) }.to_string(),
            "its keyUsage is 0x0011, not digitalSignature alone"
        );
        assert_eq!(Misfit::KeyUsage { flags: None }.to_string(), "it has no keyUsage");
    }

    #[test]
    fn garbage_is_reported_not_fatal() {
        let mut store = TrustStore::new();
        assert_eq!(store.add_pem("x.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0);
        assert!(!store.add_der("y.der", b"\x30\x00"));
        assert_eq!(store.issues().len(), 2);
        assert!(store.is_empty());
    }
}
