//! `response.*`: a reply's own consistency (DUIS-FACTS §5). A `ResponseMessage` (and an MMC
//! `GBCSResponse`'s header) echoes the ServiceReference and ServiceReferenceVariant of the
//! request it answers, so the two must fit
//! together as they must in a request (§3.2 rule 1), and its content must answer that SRV: the
//! one pairing the facts state is 12.1 with `DSPWANMatrix` (§10).

use std::borrow::Cow;

use crate::catalogue::Srv;
use crate::message::{Located, ResponseFacts};
use crate::report::{Code, Detail, Findings, Span};

/// Runs the `response.*` rules; `smets1` for a SMETS1 device reply (a `SMETS1ResponseMessage`
/// or a stand-alone `SMETS1SignedResponse`).
pub(crate) fn check(response: &ResponseFacts<'_>, smets1: bool, findings: &mut Findings) {
    let outer = fits(&response.service_reference, &response.service_reference_variant, findings);
    // A SMETS1 device reply's own header may name the pair again (both optional there too).
    let inner = fits(&response.smets1_service_reference, &response.smets1_service_reference_variant, findings);
    // An SRV outside its SR is that finding alone: which SRV was meant is unclear.
    if !(outer && inner) {
        return;
    }
    // Both pairs name the request answered: they must name the same one [inferred].
    let sr = (&response.service_reference, &response.smets1_service_reference);
    if let (Some(outer), Some(inner)) = sr
        && outer.value != inner.value
    {
        let detail = Detail::Smets1Header {
            field: "ServiceReference",
            outer: outer.value.clone().into_owned(),
            inner: inner.value.clone().into_owned(),
        };
        findings.push(Code::ResponseSmets1HeaderMismatch, inner.span, detail);
        return;
    }
    let srv = (&response.service_reference_variant, &response.smets1_service_reference_variant);
    if let (Some(outer), Some(inner)) = srv
        && outer.value.id != inner.value.id
    {
        let detail = Detail::Smets1Header {
            field: "ServiceReferenceVariant",
            outer: outer.value.id.to_owned(),
            inner: inner.value.id.to_owned(),
        };
        findings.push(Code::ResponseSmets1HeaderMismatch, inner.span, detail);
        return;
    }

    // An SR-specific code answers its own SR [inferred from how §11 groups them]: a warning.
    // Short codes (`I0`, most replies) allocate nothing here.
    let named = response
        .service_reference
        .as_ref()
        .map(|sr| sr.value.as_ref())
        .or_else(|| response.service_reference_variant.as_ref().map(|srv| srv.value.service_reference))
        .or_else(|| response.smets1_service_reference.as_ref().map(|sr| sr.value.as_ref()));
    if let Some(code) = &response.response_code
        && let Some(code_sr) = code.value.service_reference()
        && let Some(sr) = named
        && code_sr != sr
    {
        let code_text = code.value.0.clone().into_owned();
        let detail = Detail::CodeOfAnotherSr { code: code_text, code_sr, sr: sr.to_owned() };
        findings.push(Code::ResponseCodeOfAnotherSr, code.span, detail);
    }

    // DUIS-FACTS §10 [C]: the 12.1 response is ResponseMessage/DSPWANMatrix; the matrix echoes
    // a RequestWANMatrix, which no other SRV sends [inferred]. A SMETS1 reply cannot carry it,
    // whether 12.1 is named by an SRV or by the SR alone (12.1 is its only variant).
    if smets1 && let Some(span) = names_12_1(response) {
        let element = "SMETS1ResponseMessage";
        let detail = Detail::Content { element, srv: "12.1", expected: Some("DSPWANMatrix") };
        findings.push(Code::ResponseContentMismatch, span, detail);
        return;
    }
    if let (Some(srv), Some(content)) = (&response.service_reference_variant, &response.content) {
        let wan_reply = srv.value.id == "12.1";
        let is_matrix = content.value == "DSPWANMatrix";
        if wan_reply != is_matrix {
            // Only content the schema allows is judged here; anything else is the schema's.
            let Some(element) = CONTENT.iter().find(|name| **name == content.value) else { return };
            let expected = wan_reply.then_some("DSPWANMatrix");
            findings.push(
                Code::ResponseContentMismatch,
                content.span,
                Detail::Content { element, srv: srv.value.id, expected },
            );
        }
    }
}

/// Reports `response.srv-not-in-sr` when both halves of a pair are present and the SRV is not
/// the SR's; true when the pair fits or is incomplete.
fn fits(sr: &Option<Located<Cow<'_, str>>>, srv: &Option<Located<&'static Srv>>, findings: &mut Findings) -> bool {
    let (Some(sr), Some(srv)) = (sr, srv) else { return true };
    if sr.value == srv.value.service_reference {
        return true;
    }
    findings.push(
        Code::ResponseSrvNotInSr,
        srv.span,
        Detail::SrvNotInSr { sr: sr.value.clone().into_owned(), srv: srv.value.id.into() },
    );
    false
}

/// Where a reply names SR 12.1: an SRV 12.1 first, else an SR 12.1, outer pair before the
/// SMETS1 header's.
fn names_12_1(response: &ResponseFacts<'_>) -> Option<Span> {
    let srvs = [&response.service_reference_variant, &response.smets1_service_reference_variant];
    let srs = [&response.service_reference, &response.smets1_service_reference];
    srvs.into_iter()
        .flatten()
        .find(|srv| srv.value.id == "12.1")
        .map(|srv| srv.span)
        .or_else(|| srs.into_iter().flatten().find(|sr| sr.value == "12.1").map(|sr| sr.span))
}

/// The content a DUIS 5.4 `ResponseMessage` may carry after its SR and SRV.
const CONTENT: [&str; 13] = [
    "CINMessage",
    "DSPInventory",
    "DSPOptIn",
    "DSPSchedulesRead",
    "DSPScheduledMessage",
    "DSPScheduleID",
    "DSPUpdateFirmwareWarning",
    "DSPUpdatePPMIDFirmwareWarning",
    "DSPWANMatrix",
    "FutureDatedDeviceAlertMessage",
    "GBCSPayload",
    "LocalCommand",
    "PreCommand",
];
