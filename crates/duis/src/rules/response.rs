//! `response.*`: a reply's own consistency (DUIS-FACTS §5). A `ResponseMessage` echoes the
//! ServiceReference and ServiceReferenceVariant of the request it answers, so the two must fit
//! together as they must in a request (§3.2 rule 1), and its content must answer that SRV: the
//! one pairing the facts state is 12.1 with `DSPWANMatrix` (§10).

use crate::message::ResponseFacts;
use crate::report::{Code, Detail, Findings};

/// Runs the `response.*` rules.
pub(crate) fn check(response: &ResponseFacts<'_>, findings: &mut Findings) {
    if let (Some(sr), Some(srv)) = (&response.service_reference, &response.service_reference_variant)
        && sr.value != srv.value.service_reference
    {
        findings.push(
            Code::ResponseSrvNotInSr,
            srv.span,
            Detail::SrvNotInSr { sr: sr.value.clone().into_owned(), srv: srv.value.id },
        );
    }

    // DUIS-FACTS §10 [C]: the 12.1 response is ResponseMessage/DSPWANMatrix; the matrix echoes
    // a RequestWANMatrix, which no other SRV sends [inferred].
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
