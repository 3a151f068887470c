//! `gbcs.*`: the Signed Pre-Command checks (DUIS-FACTS §4.3). The GBCS command inside must be
//! well formed, be the command the XML header describes, carry one of the SRV's message codes,
//! be signed with the originator's role key and, when the caller has it, equal the Pre-Command
//! the DCC issued.
//!
//! Every finding is reported at the span of the `GBCSPayload` text; its detail carries the
//! byte offset inside the decoded payload. `CommandVariant` 5 to 7 is already a `request.*` rule
//! (`request.signed-pre-command-cv`, `request.cv-not-allowed`), so it is not repeated here.

use std::borrow::Cow;

use crate::catalogue::Srv;
use crate::gbcs::{self, Apdu, Base64Error, GbcsHeader, RoleKeys, Signature, SignerCheck, VerifiedKey};
use crate::message::{Located, RequestFacts};
use crate::report::{Code, Detail, Findings, Span};
use crate::xml::Limits;

/// The largest decoded payload: what `Limits::max_text_bytes` of base64 text can hold. The text
/// limit already bounds the element, so this only guards callers that build facts themselves.
pub(crate) fn max_payload_bytes(limits: &Limits) -> usize {
    (limits.max_text_bytes / 4).saturating_mul(3)
}

/// Runs every `gbcs.*` check on a Signed Pre-Command and returns the GBCS header for the
/// report, or `None` when there is no payload or it could not be decoded and parsed.
///
/// `keys` is the trust store's view of role keys; without one the signature is not checked
/// (no trust decisions without a trust store). `issued` is the Pre-Command the DCC issued, as
/// raw APDU bytes, when the caller has it.
pub(crate) fn check(
    facts: &RequestFacts<'_>,
    limits: &Limits,
    keys: Option<&dyn RoleKeys>,
    issued: Option<&[u8]>,
    findings: &mut Findings,
) -> Option<GbcsHeader> {
    let payload = facts.gbcs_payload.as_ref()?;
    let bytes = decode(payload, limits, findings)?;
    let apdu = parse(&bytes, payload.span, findings)?;
    check_header(&apdu, facts, payload.span, findings);
    let verified = match keys {
        Some(keys) => check_signature(&apdu, keys, facts.srv(), payload.span, findings),
        None => {
            check_signed(&apdu, payload.span, findings);
            None
        }
    };
    if let Some(issued) = issued {
        check_pre_command(&apdu, issued, payload.span, findings);
    }
    Some(GbcsHeader::new(&apdu, facts.srv(), verified))
}

/// Decodes the base64 `GBCSPayload` text once, bounded by [`max_payload_bytes`]:
/// `gbcs.base64` or `limit.text-length` when it cannot be.
pub(crate) fn decode(payload: &Located<Cow<'_, str>>, limits: &Limits, findings: &mut Findings) -> Option<Vec<u8>> {
    let error = match gbcs::decode_base64(&payload.value, max_payload_bytes(limits)) {
        Ok(bytes) => return Some(bytes),
        Err(error) => error,
    };
    let (code, detail) = match error {
        Base64Error::Invalid { offset, found: '=' } => (
            Code::GbcsBase64,
            Detail::GbcsBase64 { offset, found: Some('='), expected: "'=' only as padding at the very end" },
        ),
        // Padding ends the data (XSD 1.0 Part 2 §3.2.16): a base64 character after it is not
        // outside the alphabet, it is too late.
        Base64Error::Invalid { offset, found }
            if payload.value.get(..offset).is_some_and(|before| before.contains('=')) =>
        {
            (
                Code::GbcsBase64,
                Detail::GbcsBase64 { offset, found: Some(found), expected: "nothing after the '=' padding" },
            )
        }
        Base64Error::Invalid { offset, found } => (
            Code::GbcsBase64,
            Detail::GbcsBase64 { offset, found: Some(found), expected: "A-Z, a-z, 0-9, '+', '/' or white space" },
        ),
        Base64Error::Incomplete { offset } => (
            Code::GbcsBase64,
            Detail::GbcsBase64 { offset, found: None, expected: "a multiple of four base64 characters" },
        ),
        Base64Error::Padding { offset } => (
            Code::GbcsBase64,
            Detail::GbcsBase64 {
                offset,
                found: payload.value.get(offset..).and_then(|rest| rest.chars().next()),
                expected: "zero bits before the '=' padding (canonical base64)",
            },
        ),
        Base64Error::TooLarge { .. } => {
            (Code::LimitTextLength, Detail::Limit { max: u64::try_from(limits.max_text_bytes).unwrap_or(u64::MAX) })
        }
    };
    findings.push(code, payload.span, detail);
    None
}

/// Parses the decoded payload: one `gbcs.*` layout finding when it is malformed.
pub(crate) fn parse<'p>(bytes: &'p [u8], span: Span, findings: &mut Findings) -> Option<Apdu<'p>> {
    match gbcs::parse(bytes) {
        Ok(apdu) => Some(apdu),
        Err(error) => {
            findings.push(error.code(), span, error.detail());
            None
        }
    }
}

/// The APDU is the command the header describes (DUIS-FACTS §4.3 checks 1, 3 and 4): a
/// command (`gbcs.not-command`); originator, recipient and counter equal the RequestID's
/// (`gbcs.originator-mismatch`, `gbcs.recipient-mismatch`, `gbcs.counter-mismatch`); a message
/// code of the SRV (`gbcs.message-code`). Fields the header lacks are not compared.
pub(crate) fn check_header(apdu: &Apdu<'_>, facts: &RequestFacts<'_>, span: Span, findings: &mut Findings) {
    if apdu.cra_flag != 0x01 {
        findings.push(
            Code::GbcsNotCommand,
            span,
            Detail::GbcsByte { field: "CRA flag", offset: 2, found: apdu.cra_flag, expected: "01 (command)" },
        );
    }
    // Originator and recipient are judged also when the RequestID's counter is beyond u64; the
    // counter then has its own finding and no GBCS counter (8 bytes) could equal it.
    if let Some(ends) = facts.ends() {
        let (originator, target) = ends.value;
        if apdu.originator != originator {
            findings.push(
                Code::GbcsOriginatorMismatch,
                span,
                Detail::GbcsIdentity { field: "originator", apdu: apdu.originator, request: originator },
            );
        }
        if apdu.recipient != target {
            findings.push(
                Code::GbcsRecipientMismatch,
                span,
                Detail::GbcsIdentity { field: "recipient", apdu: apdu.recipient, request: target },
            );
        }
    }
    if let Some(id) = &facts.request_id
        && apdu.counter != id.value.counter
    {
        findings.push(
            Code::GbcsCounterMismatch,
            span,
            Detail::GbcsCounter { apdu: apdu.counter, request: id.value.counter },
        );
    }
    if let Some(srv) = facts.srv()
        && !srv.has_message_code(apdu.message_code)
    {
        let expected = srv.gbcs_use_cases.iter().flat_map(|u| u.message_codes.iter().copied()).collect();
        findings.push(
            Code::GbcsMessageCode,
            span,
            Detail::GbcsMessageCode { code: apdu.message_code, srv: srv.id, expected },
        );
    }
}

/// The GBCS signature (DUIS-FACTS §4.3 check 5): present (`gbcs.unsigned`), and verified by
/// one of the originator's User-role Digital Signing keys. No key at all is
/// `gbcs.unknown-signer`; a key of another role that verifies is `gbcs.signer-role`; none that
/// verifies is `gbcs.bad-signature`. Returns the key that verified.
pub(crate) fn check_signature(
    apdu: &Apdu<'_>,
    keys: &dyn RoleKeys,
    srv: Option<&Srv>,
    span: Span,
    findings: &mut Findings,
) -> Option<VerifiedKey> {
    let originator = apdu.originator;
    match gbcs::verify(apdu, keys, srv) {
        SignerCheck::Verified(key) => return Some(key),
        SignerCheck::Unsigned => push_unsigned(apdu, span, findings),
        SignerCheck::NoKey => {
            findings.push(Code::GbcsUnknownSigner, span, Detail::GbcsSigner { originator, tried: Vec::new() });
        }
        SignerCheck::BadSignature(tried) => {
            findings.push(Code::GbcsBadSignature, span, Detail::GbcsSigner { originator, tried });
        }
        // The right key, out of its period: the certificate's finding, as for an XML signer.
        SignerCheck::Lapsed(_, lapse) => {
            let code = if lapse.expired { Code::PkiExpired } else { Code::PkiNotYetValid };
            let detail = Detail::Validity { not_before: lapse.not_before, not_after: lapse.not_after, now: lapse.now };
            findings.push(code, span, detail);
        }
        SignerCheck::Misfit(_, serial, misfit) => {
            findings.push(misfit.code(), span, Detail::Profile { serial, misfit });
        }
        SignerCheck::WrongRole { label, role } => match srv.zip(role.filter(|&r| gbcs::is_user_role(r))) {
            // A User role, but not one the SRV is sent by.
            Some((srv, role)) => findings.push(
                Code::GbcsSignerRole,
                span,
                Detail::GbcsSignerNotEligible {
                    originator,
                    key: label,
                    role,
                    srv: srv.id,
                    eligible: srv.eligible_roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(" "),
                },
            ),
            None => findings.push(Code::GbcsSignerRole, span, Detail::GbcsSignerRole { originator, key: label, role }),
        },
    }
    None
}

/// `gbcs.unsigned` when the payload is a Pre-Command without its signature. Runs without a
/// trust store too: a missing signature needs no key to be seen.
pub(crate) fn check_signed(apdu: &Apdu<'_>, span: Span, findings: &mut Findings) {
    let Signature::Signed(signature) = apdu.signature else {
        push_unsigned(apdu, span, findings);
        return;
    };
    // ECDSA's r and s lie in [1, n-1] (SEC 1 §4.1.4 step 1): outside it, no key verifies the
    // signature, so it is bad without a trust store to say whose it should be.
    let (r, s) = signature.split_at(signature.len() / 2);
    if let Some(part) = [("r", r), ("s", s)].into_iter().find_map(|(name, x)| (!in_scalar_range(x)).then_some(name)) {
        findings.push(Code::GbcsBadSignature, span, Detail::GbcsSignatureRange { part });
    }
}

/// The P-256 group order n, big-endian.
pub(crate) const P256_ORDER: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA,
    0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

/// A 32-byte big-endian scalar in [1, n-1].
fn in_scalar_range(x: &[u8]) -> bool {
    x.len() == P256_ORDER.len() && x.iter().any(|&b| b != 0) && x < P256_ORDER.as_slice()
}

fn push_unsigned(apdu: &Apdu<'_>, span: Span, findings: &mut Findings) {
    let zero = matches!(apdu.signature, Signature::Zero);
    findings.push(Code::GbcsUnsigned, span, Detail::GbcsUnsigned { offset: apdu.content_end(), zero });
}

/// The signed payload minus its signature equals the Pre-Command the DCC issued, byte for byte
/// (DUIS-FACTS §4.3 check 6); a single trailing `00` in the issued form (the strict DUIS
/// unsigned form) is ignored. `gbcs.pre-command-mismatch` otherwise.
pub(crate) fn check_pre_command(apdu: &Apdu<'_>, issued: &[u8], span: Span, findings: &mut Findings) {
    let signed = apdu.without_signature();
    let issued_core = match issued.split_last() {
        Some((0x00, rest)) if rest.len() == signed.len() => rest,
        _ => issued,
    };
    if issued_core == signed {
        return;
    }
    let offset = signed.iter().zip(issued_core).take_while(|(a, b)| a == b).count();
    findings.push(
        Code::GbcsPreCommandMismatch,
        span,
        Detail::GbcsPreCommand { offset, signed_length: signed.len(), issued_length: issued.len() },
    );
}

/// The trust store's Digital Signing keys, as the GBCS signature check wants them: every listed
/// certificate of the originator's EUI that fits the Organisation Certificate profile (so no
/// Key Agreement certificate), chains when the store is strict, and is valid at `now` when a
/// time is given.
pub(crate) struct TrustedRoleKeys<'t> {
    pub(crate) store: &'t crate::pki::TrustStore,
    pub(crate) now: Option<crate::message::DateTime>,
}

impl crate::gbcs::RoleKeys for TrustedRoleKeys<'_> {
    fn role_signing_keys(&self, originator: crate::message::Eui64) -> Vec<crate::gbcs::RoleKey<'_>> {
        self.store
            .certificates()
            .iter()
            .enumerate()
            // Certificates that do not fit the profile come too, to say why none verified.
            .filter(|(_, c)| c.eui() == Some(originator))
            .filter(|(i, _)| self.store.chains(*i))
            .filter_map(|(_, c)| {
                let lapsed = self.now.and_then(|now| {
                    // A time with no offset checks nothing, as no time does (the XML
                    // signature's `pki.no-time` says so).
                    let expired = match c.validity_at(now)? {
                        crate::pki::Validity::Valid => return None,
                        crate::pki::Validity::Expired => true,
                        crate::pki::Validity::NotYetValid => false,
                    };
                    Some(crate::gbcs::Lapse { expired, not_before: c.not_before(), not_after: c.not_after(), now })
                });
                Some(crate::gbcs::RoleKey {
                    // A role that is not two hex digits names no role at all.
                    role_ou: c.role(),
                    public_key: c.public_key()?,
                    label: std::borrow::Cow::Borrowed(c.key_label()),
                    lapsed,
                    misfit: c.misfit().map(|m| (c.serial_decimal(), m.clone())),
                })
            })
            .collect()
    }
}
