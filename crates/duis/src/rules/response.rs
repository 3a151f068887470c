//! `response.*`: a reply's own consistency (DUIS-FACTS §5). A `ResponseMessage` echoes the
//! ServiceReference and ServiceReferenceVariant of the request it answers, so the two must fit
//! together as they must in a request (§3.2 rule 1).

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
}
