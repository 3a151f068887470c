//! `response.*`: a reply's own consistency (DUIS-FACTS §5). A `ResponseMessage` (and an MMC
//! `GBCSResponse`'s header) echoes the ServiceReference and ServiceReferenceVariant of the
//! request it answers, so the two must fit
//! together as they must in a request (§3.2 rule 1), and its content must answer that SRV: the
//! one pairing the facts state is 12.1 with `DSPWANMatrix` (§10).

use crate::message::ResponseFacts;
use crate::report::{Code, Detail, Findings};

/// Runs the `response.*` rules; `smets1` for a reply whose body is a `SMETS1ResponseMessage`.
pub(crate) fn check(response: &ResponseFacts<'_>, smets1: bool, findings: &mut Findings) {
    let srv_in_sr = match (&response.service_reference, &response.service_reference_variant) {
        (Some(sr), Some(srv)) => sr.value == srv.value.service_reference,
        _ => true,
    };
    if let (Some(sr), Some(srv)) = (&response.service_reference, &response.service_reference_variant)
        && !srv_in_sr
    {
        findings.push(
            Code::ResponseSrvNotInSr,
            srv.span,
            Detail::SrvNotInSr { sr: sr.value.clone().into_owned(), srv: srv.value.id },
        );
    }

    // DUIS-FACTS §10 [C]: the 12.1 response is ResponseMessage/DSPWANMatrix; the matrix echoes
    // a RequestWANMatrix, which no other SRV sends [inferred]. A SMETS1 reply cannot carry it.
    // (An SRV outside its SR is that finding alone: which SRV was meant is unclear.)
    if smets1
        && srv_in_sr
        && let Some(srv) = response.service_reference_variant.as_ref().filter(|srv| srv.value.id == "12.1")
    {
        let detail =
            Detail::Content { element: "SMETS1ResponseMessage", srv: srv.value.id, expected: Some("DSPWANMatrix") };
        findings.push(Code::ResponseContentMismatch, srv.span, detail);
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
