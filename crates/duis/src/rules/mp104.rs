//! Who must sign what (`sig.missing`, `sig.unverified`, ...), and MP104: a request must be
//! signed with the originator's User XML-signing certificate, a reply with the DCC's own.
//!
//! Runs after the pass on what [`SigPass`](crate::dsig::SigPass) gathered. DUIS-FACTS §9.3.

use crate::dsig::SigOutcome;
use crate::dsig::verify::{self, SignatureVerifier, Signer};
use crate::message::{DateTime, Eui64, MessageKind};
use crate::pki::TrustStore;
use crate::report::XmlSigner;
use crate::report::{Code, Detail, Findings, Span};
use std::sync::Arc;

/// User XML signing (DUIS-FACTS §9.2).
const ROLE_USER_XML_SIGNING: u8 = 0x87;
/// DCC (DSP) XML signing.
const ROLE_DCC_XML_SIGNING: u8 = 0x89;
/// Access Control Broker, the role older DCC Boxed releases signed replies with.
const ROLE_ACB: u8 = 0x04;

/// What the signature checks need to know besides the pass's outcome.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context<'v> {
    /// What the message is, when its root could be read.
    pub(crate) kind: Option<MessageKind>,
    /// The RequestID originator of a request.
    pub(crate) originator: Option<Eui64>,
    /// The trust store; without one nothing is verified.
    pub(crate) trust: Option<&'v TrustStore>,
    /// The evaluation time.
    pub(crate) now: Option<DateTime>,
    /// The configured DCC identifier.
    pub(crate) dcc: Eui64,
    /// The cryptographic checks.
    pub(crate) crypto: &'v dyn SignatureVerifier,
    /// The root's start tag, where a missing signature is reported.
    pub(crate) root: Span,
}

/// DCC replies: responses and alerts under the `Response` root.
fn is_reply(kind: MessageKind) -> bool {
    matches!(
        kind,
        MessageKind::Response | MessageKind::DeviceAlert | MessageKind::DccAlert | MessageKind::Smets1Response
    )
}

/// Reports the signature findings of a complete document.
pub(crate) fn check(outcome: SigOutcome<'_>, context: &Context<'_>, findings: &mut Findings) -> Option<Arc<XmlSigner>> {
    for (code, span, detail) in outcome.findings {
        findings.push(code, span, detail);
    }
    let Some(signature) = &outcome.signature else {
        if !outcome.any_signature {
            match context.kind {
                Some(kind) if kind.is_request() => findings.push(Code::SigMissing, context.root, Detail::None),
                Some(kind) if is_reply(kind) => findings.push(Code::SigReplyUnsigned, context.root, Detail::None),
                _ => {}
            }
        }
        return None;
    };
    let Some(store) = context.trust else {
        // Shape errors already make the message invalid; a well-shaped signature is only
        // unverified.
        if !signature.shape_error {
            findings.push(Code::SigUnverified, signature.span, Detail::None);
        }
        return None;
    };
    if signature.shape_error {
        // An unsupported algorithm or a broken shape: nothing to verify with.
        return None;
    }
    let signer = verify::verify(
        signature,
        outcome.digest.as_ref(),
        &outcome.signed_info,
        store,
        context.now,
        context.crypto,
        findings,
    )?;
    // A signature that did not verify names a certificate but proves no signer: MP104 has
    // nobody to judge, and the report names no signer.
    if !signer.proven {
        return None;
    }
    match context.kind {
        Some(kind) if kind.is_request() => request_signer(signer, context.originator, signature.span, findings),
        Some(kind) if is_reply(kind) => reply_signer(signer, context.dcc, signature.span, findings),
        _ => {}
    }
    signer.accepted.then(|| Arc::clone(signer.cert.identity()))
}

/// MP104 on a Service Request or Signed Pre-Command: OU `87`, EUI = RequestID originator.
fn request_signer(signer: Signer<'_>, originator: Option<Eui64>, span: Span, findings: &mut Findings) {
    let cert = signer.cert;
    let role_text = cert.role_text().unwrap_or_default().to_owned();
    if cert.role() != Some(ROLE_USER_XML_SIGNING) {
        findings.push(
            Code::Mp104Role,
            span,
            Detail::Role {
                role: role_text,
                signer: cert.eui(),
                expected: "requests must be signed with a User XML-signing certificate (OU 87)",
            },
        );
    }
    if let (Some(signer), Some(originator)) = (cert.eui(), originator)
        && signer != originator
    {
        findings.push(Code::Mp104Originator, span, Detail::Originator { signer, originator });
    }
}

/// DCC replies: the DCC's own certificate, OU `89`; `04` and the decimal `137` with a warning.
fn reply_signer(signer: Signer<'_>, dcc: Eui64, span: Span, findings: &mut Findings) {
    let cert = signer.cert;
    let role_text = cert.role_text().unwrap_or_default();
    let dcc_role = match (cert.role(), role_text) {
        (Some(ROLE_DCC_XML_SIGNING), _) => true,
        (Some(ROLE_ACB), _) => {
            findings.push(
                Code::Mp104DccLegacyRole,
                span,
                Detail::Role {
                    role: role_text.to_owned(),
                    signer: cert.eui(),
                    expected: "DCC replies are signed with OU 89",
                },
            );
            true
        }
        (_, "137") => {
            findings.push(
                Code::Mp104DccDecimalRole,
                span,
                Detail::Role { role: role_text.to_owned(), signer: cert.eui(), expected: "the role is written 89" },
            );
            true
        }
        _ => false,
    };
    if !dcc_role || cert.eui() != Some(dcc) {
        findings.push(
            Code::Mp104DccSigner,
            span,
            Detail::DccSigner { signer: cert.eui(), role: role_text.to_owned(), dcc },
        );
    }
}
