//! GBCS general-signing APDUs inside Signed Pre-Commands: decode, parse, header, signature.
//!
//! A Signed Pre-Command's `GBCSPayload` is the GBCS command the device will execute, signed
//! by the User's role Digital Signing key (DUIS-FACTS §4). This module only reads it:
//!
//! 1. [`decode_base64`] the payload text (white space allowed, bounded, one copy);
//! 2. [`parse`] the bytes as a General Signing APDU ([`Apdu`]), checking the layout to the
//!    last byte;
//! 3. [`verify`] the GBCS signature against the originator's role keys, supplied through
//!    [`RoleKeys`].
//!
//! The DUIS checks that compare the APDU with the XML header live in `rules::ecos`, which
//! turns each outcome into a `gbcs.*` finding.

mod apdu;
mod base64;

use core::fmt;

use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

pub use apdu::{Apdu, ParseError, ParseErrorKind, Signature, parse};
pub use base64::{Base64Error, decode as decode_base64};

use crate::catalogue::{self, Srv};
use crate::message::Eui64;

/// Whether a remote party role (subject OU) is one a DCC User signs GBCS commands with:
/// Supplier `02`, Network Operator `03`, load controller `08`, Other `7F` (DUIS-FACTS §9.2).
/// The XML-signing roles `87` and `89`, the DCC's own roles (`01` Recovery, `04` ACB, `05`
/// Transitional CoS, `06` WAN Provider) and the CA roles are not.
pub(crate) fn is_user_role(role: u8) -> bool {
    matches!(role, 0x02 | 0x03 | 0x08 | 0x7F)
}

/// Whether a key of remote party role `role` may sign `srv`'s commands: a User role held by
/// one of the SRV's eligible User Roles [I]. Import, Export and Gas Suppliers sign with the
/// Supplier role `02`, Electricity Distributors and Gas Transporters with Network Operator
/// `03`, Registered Supplier Agents and Other Users with Other `7F`. An SRV the matrix gives
/// no role (7.16 Limit APC Level, sent by a load controller) takes any User role, as does an
/// unknown SRV.
pub(crate) fn may_sign(srv: Option<&Srv>, role: u8) -> bool {
    use catalogue::UserRole as R;
    if !is_user_role(role) {
        return false;
    }
    let Some(srv) = srv.filter(|srv| !srv.eligible_roles.is_empty()) else { return true };
    srv.eligible_roles.iter().any(|eligible| {
        let signs_with = match eligible {
            R::ImportSupplier | R::ExportSupplier | R::GasSupplier => 0x02,
            R::ElectricityDistributor | R::GasTransporter => 0x03,
            R::RegisteredSupplierAgent | R::OtherUser => 0x7F,
            R::LoadController => 0x08,
        };
        signs_with == role
    })
}

/// The kind of a command's content, from its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentKind {
    /// DLMS COSEM: starts `D9` (general-ciphering-free access request).
    Dlms,
    /// GBZ (ZigBee, for gas devices): starts `01`.
    Gbz,
    /// ASN.1 DER (certificate and key management commands): starts `30`.
    Asn1,
    /// Another first byte.
    Other(u8),
    /// No content.
    Empty,
}

impl ContentKind {
    /// The kind of `content`.
    pub fn of(content: &[u8]) -> ContentKind {
        match content.first() {
            Some(0xD9) => ContentKind::Dlms,
            Some(0x01) => ContentKind::Gbz,
            Some(0x30) => ContentKind::Asn1,
            Some(&other) => ContentKind::Other(other),
            None => ContentKind::Empty,
        }
    }
}

impl fmt::Display for ContentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentKind::Dlms => f.write_str("DLMS"),
            ContentKind::Gbz => f.write_str("GBZ"),
            ContentKind::Asn1 => f.write_str("ASN.1"),
            ContentKind::Other(b) => write!(f, "other (first byte {b:02X})"),
            ContentKind::Empty => f.write_str("empty"),
        }
    }
}

/// The role key a GBCS signature verified with.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VerifiedKey {
    /// Its certificate's remote party role (subject OU), e.g. `0x02` for a Supplier.
    pub role: u8,
    /// The caller's name for the key (its certificate), for reports.
    pub label: String,
}

impl fmt::Display for VerifiedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (role {:02X})", self.label, self.role)
    }
}

/// The header of the GBCS command inside a Signed Pre-Command, for logs and routing.
///
/// It holds small values copied out of the decoded payload, so a report can keep it without
/// keeping the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GbcsHeader {
    /// CRA flag: 1 command, 2 response, 3 alert.
    pub cra_flag: u8,
    /// The originator counter.
    pub counter: u64,
    /// The originator system title.
    pub originator: Eui64,
    /// The recipient system title.
    pub recipient: Eui64,
    /// The 12-byte DLMS date-time, when the APDU carries one.
    pub date_time: Option<[u8; 12]>,
    /// The GBCS message code.
    pub message_code: u16,
    /// The GBCS use case the message code belongs to (e.g. `ECS43`), where the catalogue
    /// knows it.
    pub use_case: Option<&'static str>,
    /// What the content is.
    pub content_kind: ContentKind,
    /// The content length in bytes.
    pub content_length: usize,
    /// The decoded payload length in bytes.
    pub payload_length: usize,
    /// True when the payload carries a signature (`40` + 64 bytes).
    pub signed: bool,
    /// The role key the signature verified with, when it was checked and verified.
    pub verified_by: Option<VerifiedKey>,
}

impl GbcsHeader {
    /// The header of `apdu`. `srv` (the request's SRV) picks the use-case name when a message
    /// code is shared by several use cases.
    pub(crate) fn new(apdu: &Apdu<'_>, srv: Option<&Srv>, verified_by: Option<VerifiedKey>) -> GbcsHeader {
        GbcsHeader {
            cra_flag: apdu.cra_flag,
            counter: apdu.counter,
            originator: apdu.originator,
            recipient: apdu.recipient,
            date_time: apdu.date_time.copied(),
            message_code: apdu.message_code,
            use_case: use_case_name(apdu.message_code, srv),
            content_kind: ContentKind::of(apdu.content),
            content_length: apdu.content.len(),
            payload_length: apdu.bytes().len(),
            signed: matches!(apdu.signature, Signature::Signed(_)),
            verified_by,
        }
    }
}

impl fmt::Display for GbcsHeader {
    /// `counter 1000, 90-B3-... -> 00-DB-..., message code 0050 (ECS43), DLMS content 21 bytes`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "counter {}, {} -> {}, message code {:04X}",
            self.counter, self.originator, self.recipient, self.message_code
        )?;
        if let Some(name) = self.use_case {
            write!(f, " ({name})")?;
        }
        write!(f, ", {} content {} bytes", self.content_kind, self.content_length)?;
        match (&self.verified_by, self.signed) {
            (Some(key), _) => write!(f, ", signed by {key}"),
            (None, true) => f.write_str(", signed"),
            (None, false) => f.write_str(", unsigned"),
        }
    }
}

/// The GBCS use-case name of a message code: `srv`'s own when it carries the code, else the
/// first SRV's in catalogue order.
pub(crate) fn use_case_name(code: u16, srv: Option<&Srv>) -> Option<&'static str> {
    let named = |srv: &Srv| srv.gbcs_use_cases.iter().find(|u| u.message_codes.contains(&code)).map(|u| u.name);
    srv.and_then(named).or_else(|| catalogue::all().iter().find_map(named))
}

/// A candidate key for a GBCS signature: a trusted Digital Signing certificate of the
/// originator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RoleKey<'k> {
    /// The certificate's remote party role (subject OU) as a number, e.g. `0x02`; `None`
    /// when the OU is not two hex digits and so names no role.
    pub(crate) role_ou: Option<u8>,
    /// The public key: an uncompressed SEC1 P-256 point (65 bytes, `04 x y`).
    pub(crate) public_key: &'k [u8],
    /// The caller's name for it, for reports (borrowed from the trust store: no copy per
    /// message unless a finding or the report keeps it).
    pub(crate) label: std::borrow::Cow<'k, str>,
    /// When the certificate is not valid at the evaluation time: its period and that time.
    /// Such a key never verifies a command; it is tried only to say why none did.
    pub(crate) lapsed: Option<Lapse>,
    /// When the certificate does not fit the Organisation Certificate profile (keyUsage key
    /// agreement, say): its serial and misfit. Tried only to say why no key verified.
    pub(crate) misfit: Option<(String, crate::pki::Misfit)>,
}

/// A certificate outside its validity period at the evaluation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lapse {
    /// True when `not_after` is past, false when `not_before` is still to come.
    pub(crate) expired: bool,
    pub(crate) not_before: crate::message::DateTime,
    pub(crate) not_after: crate::message::DateTime,
    pub(crate) now: crate::message::DateTime,
}

/// Where GBCS signing keys come from: every trusted Digital Signing certificate of an EUI.
///
/// The APDU names no key, so every candidate is tried (DESIGN §6). Return the candidates of
/// every role the store trusts for this EUI (listed, of the Organisation Certificate profile),
/// with [`RoleKey::lapsed`] set for those not valid at the evaluation time; the check decides
/// which roles may sign. Key Agreement certificates are not candidates.
pub(crate) trait RoleKeys {
    /// The trusted Digital Signing keys whose certificate subject EUI is `originator`.
    fn role_signing_keys(&self, originator: Eui64) -> Vec<RoleKey<'_>>;
}

/// The outcome of checking a GBCS signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SignerCheck {
    /// A User role key verified it.
    Verified(VerifiedKey),
    /// No key of a role that may sign the command verified it, but a key of another role (an
    /// XML-signing one, or a User role the SRV is not sent by) did.
    WrongRole {
        /// The key's label.
        label: String,
        /// Its role, or `None` when its certificate's OU names none.
        role: Option<u8>,
    },
    /// Only a key of a role that may sign, but whose certificate is not valid at the
    /// evaluation time, verified it.
    Lapsed(VerifiedKey, Lapse),
    /// Only a key whose certificate does not fit the profile verified it: the certificate's
    /// serial and misfit.
    Misfit(VerifiedKey, String, crate::pki::Misfit),
    /// Keys were tried and none verified; their labels.
    BadSignature(Vec<String>),
    /// The originator has no Digital Signing key at all.
    NoKey,
    /// The APDU carries no signature.
    Unsigned,
}

/// True when `apdu` carries a signature that verifies with `public_key` (an uncompressed
/// P-256 point) over [`Apdu::signed_bytes`], with ECDSA P-256 / SHA-256 and r‖s encoding.
pub(crate) fn verify_with(apdu: &Apdu<'_>, public_key: &[u8]) -> bool {
    let Signature::Signed(signature) = apdu.signature else { return false };
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, public_key).verify(apdu.signed_bytes(), signature).is_ok()
}

/// Checks `apdu`'s signature against every key `keys` has for its originator. Keys of the
/// roles that may sign `srv`'s commands ([`may_sign`]) are tried first; a key of any other role
/// is tried only to tell a wrong-role signature from a bad one.
pub(crate) fn verify(apdu: &Apdu<'_>, keys: &dyn RoleKeys, srv: Option<&Srv>) -> SignerCheck {
    if !matches!(apdu.signature, Signature::Signed(_)) {
        return SignerCheck::Unsigned;
    }
    let candidates = keys.role_signing_keys(apdu.originator);
    if candidates.is_empty() {
        return SignerCheck::NoKey;
    }
    let (user, other): (Vec<&RoleKey<'_>>, Vec<&RoleKey<'_>>) =
        candidates.iter().partition(|k| k.role_ou.is_some_and(|role| may_sign(srv, role)));
    // A key of a role that may sign but whose certificate misfits the profile: its misfit
    // is why it does not count.
    let (user, misfits): (Vec<&RoleKey<'_>>, Vec<&RoleKey<'_>>) = user.into_iter().partition(|k| k.misfit.is_none());
    let (user, lapsed): (Vec<&RoleKey<'_>>, Vec<&RoleKey<'_>>) = user.into_iter().partition(|k| k.lapsed.is_none());
    let found = |list: &[&RoleKey<'_>]| {
        list.iter().find(|k| verify_with(apdu, k.public_key)).map(|k| {
            let key = VerifiedKey { role: k.role_ou.unwrap_or(0), label: k.label.clone().into_owned() };
            (key, k.lapsed, k.misfit.clone(), k.role_ou)
        })
    };
    if let Some((key, ..)) = found(&user) {
        SignerCheck::Verified(key)
    } else if let Some((key, Some(lapse), ..)) = found(&lapsed) {
        SignerCheck::Lapsed(key, lapse)
    } else if let Some((key, _, Some((serial, misfit)), _)) = found(&misfits) {
        SignerCheck::Misfit(key, serial, misfit)
    } else if let Some((key, _, _, role)) = found(&other) {
        SignerCheck::WrongRole { label: key.label, role }
    } else {
        // None verified. XML-signing certificates (OU 87, 89) and OUs that name no role were
        // tried only in case they did; they are no Digital Signing keys of the originator.
        // Without any of those, the signature may well be good: its key is not listed.
        let tried: Vec<String> = candidates
            .into_iter()
            .filter(|k| k.role_ou.is_some_and(|role| !matches!(role, 0x87 | 0x89)))
            .map(|k| k.label.into_owned())
            .collect();
        if tried.is_empty() { SignerCheck::NoKey } else { SignerCheck::BadSignature(tried) }
    }
}

#[cfg(test)]
mod tests;
