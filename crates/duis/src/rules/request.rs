//! `request.*`: header and body consistency of Service Requests and Signed Pre-Commands
//! (DUIS-FACTS §2 and §3.2 rules 1 to 5), and of the request a 5.1 Create Schedule schedules.
//! The schema cannot express these: it types each header field on its own.

use crate::catalogue::FutureDating;
use crate::message::extract::trim_xml;
use crate::message::{CvSet, Eui64, RequestFacts, Schedule};
use crate::report::{Code, Detail, Findings, Span};

/// Runs every `request.*` rule. `dcc` is the DCC's identifier, the target of CV 8 requests.
pub(crate) fn check(facts: &RequestFacts<'_>, dcc: Eui64, findings: &mut Findings) {
    let srv = facts.service_reference_variant.as_ref();
    let cv = facts.command_variant.as_ref();

    // Rule 1: the SRV belongs to the SR. An SR the schema refused has its finding already.
    if let (Some(sr), Some(srv)) = (&facts.service_reference, srv)
        && trim_xml(&sr.value) != srv.value.service_reference
        && !refused_by_schema(findings, sr.span)
    {
        findings.push(
            Code::RequestSrvNotInSr,
            srv.span,
            Detail::SrvNotInSr { sr: sr.value.clone().into_owned(), srv: srv.value.id.into() },
        );
    }

    // Rule 2: the body element is the SRV's, or SignedPreCommand exactly when CV is 5 to 7.
    if let Some(body) = &facts.body {
        if facts.is_signed_pre_command() {
            if let Some(cv) = cv.filter(|cv| !cv.value.is_signed_pre_command()) {
                findings.push(
                    Code::RequestSignedPreCommandCv,
                    cv.span,
                    Detail::CvBody { cv: cv.value, body: body.element.to_owned() },
                );
            }
        } else {
            if let Some(srv) = srv.filter(|srv| srv.value.body_element != body.element) {
                findings.push(
                    Code::RequestBodyMismatch,
                    Span::new(body.span.start, body.span.start.saturating_add(body.qname.len()).saturating_add(1)),
                    Detail::BodyMismatch {
                        srv: srv.value.id,
                        expected: srv.value.body_element,
                        found: body.element.to_owned(),
                    },
                );
            }
            if let Some(cv) = cv.filter(|cv| cv.value.is_signed_pre_command()) {
                findings.push(
                    Code::RequestCvNeedsSignedPreCommand,
                    cv.span,
                    Detail::CvBody { cv: cv.value, body: body.element.to_owned() },
                );
            }
        }
    }

    // Rule 3: the CV is one the SRV allows; CV 9 never is.
    if let Some(cv) = cv {
        if cv.value.get() == 9 {
            findings.push(
                Code::RequestCvReserved,
                cv.span,
                Detail::CommandVariant {
                    cv: cv.value,
                    srv: srv.map(|s| s.value.id),
                    allowed: srv.map_or_else(CvSet::default, |s| s.value.command_variants),
                },
            );
        } else if let Some(srv) = srv.filter(|srv| !srv.value.command_variants.contains(cv.value)) {
            findings.push(
                Code::RequestCvNotAllowed,
                cv.span,
                Detail::CommandVariant { cv: cv.value, srv: Some(srv.value.id), allowed: srv.value.command_variants },
            );
        }
    }

    // Rule 4: ExecutionDateTime only where the SRV can be future dated; required for 8.5.
    // A Signed Pre-Command carries the critical SRV's command, so the SRV's rule applies to it
    // too [inferred]. When the body is another SRV's element, rule 2 has said so and this rule
    // would only repeat it.
    let body_fits = facts
        .body
        .is_some_and(|b| b.element == "SignedPreCommand" || srv.is_some_and(|s| s.value.body_element == b.element));
    if let Some(srv) = srv.filter(|_| body_fits) {
        match (facts.execution_date_time_element, srv.value.future_dating) {
            (Some(element), FutureDating::None) => findings.push(
                Code::RequestExecutionDateTimeNotAllowed,
                element,
                Detail::ExecutionDateTime { srv: srv.value.id },
            ),
            (None, FutureDating::Mandatory) if facts.body.is_some() => {
                let at = facts.body.map_or(srv.span, |b| Span::new(b.span.start, b.span.start));
                findings.push(
                    Code::RequestExecutionDateTimeRequired,
                    at,
                    Detail::ExecutionDateTime { srv: srv.value.id },
                );
            }
            _ => {}
        }
    }

    // Rule 5: CV 8 targets the DCC; every other CV targets a device, never the DCC.
    if let (Some(ends), Some(cv)) = (facts.ends(), cv) {
        let (originator, target) = ends.value;
        if cv.value.get() == 8 && target != dcc {
            findings.push(Code::RequestTargetNotDcc, ends.span, Detail::Target { target, dcc, cv: cv.value });
        } else if cv.value.get() != 8 && target == dcc {
            findings.push(Code::RequestTargetIsDcc, ends.span, Detail::Target { target, dcc, cv: cv.value });
        } else if cv.value.get() != 8 && target == originator {
            // The originator is a DCC User: field 2 of a device request is the Device ID.
            findings.push(Code::RequestTargetIsOriginator, ends.span, Detail::TargetParty { target, cv: cv.value });
        }
    }

    if let Some(schedule) = &facts.schedule {
        check_schedule(schedule, dcc, findings);
    }
}

/// Rules 1, 2 and 5 again, for the request a 5.1 Create Schedule schedules: its SRV within
/// its SR, its element the SRV's (`DSP` and the SRV's body element), its device not the DCC;
/// and the SRV one the matrix lets the DCC schedule.
fn check_schedule(schedule: &Schedule<'_>, dcc: Eui64, findings: &mut Findings) {
    let srv = schedule.service_reference_variant.as_ref();
    if let (Some(sr), Some(srv)) = (&schedule.service_reference, srv)
        && sr.value != srv.value.service_reference
    {
        findings.push(
            Code::RequestScheduleSrvNotInSr,
            srv.span,
            Detail::ScheduledSrvNotInSr { sr: sr.value.clone().into_owned(), srv: srv.value.id },
        );
    }
    if let (Some(element), Some(srv)) = (&schedule.element, srv)
        && element.value.strip_prefix("DSP") != Some(srv.value.body_element)
    {
        findings.push(
            Code::RequestScheduleBodyMismatch,
            element.span,
            Detail::ScheduledBodyMismatch {
                srv: srv.value.id,
                expected: format!("DSP{}", srv.value.body_element),
                found: element.value.to_owned(),
            },
        );
    }
    // The schema's list of schedulable SRVs has 4.2, which the matrix marks "DCC Scheduled =
    // No"; the matrix decides, as for the CommandVariants of 7.12 to 7.15 [inferred].
    if let Some(srv) = srv.filter(|s| !s.value.dcc_scheduled) {
        findings.push(Code::RequestScheduleNotDccScheduled, srv.span, Detail::NotDccScheduled { srv: srv.value.id });
    }
    if let Some(device) = schedule.device_id.as_ref().filter(|d| d.value == dcc) {
        findings.push(Code::RequestScheduleDeviceIsDcc, device.span, Detail::ScheduledDevice { device: device.value });
    }
}

/// With a schema given at run time, an SRV it allows may be one the catalogue does not know:
/// said, so that the rules that did not run are not taken as passed. An SRV the schema refused
/// (the built-in schema's enumeration refuses every unknown one) has its finding already.
///
/// Rule 1 needs no catalogue (DUIS-FACTS §3.2: the SRV is its SR, or starts with the SR and a
/// dot), so it is applied to the SRV as written.
pub(crate) fn srv_not_in_catalogue(facts: &RequestFacts<'_>, findings: &mut Findings) {
    let (None, Some(written)) = (&facts.service_reference_variant, &facts.service_reference_variant_as_written) else {
        return;
    };
    let span = written.span;
    if refused_by_schema(findings, span) {
        return;
    }
    findings.push(Code::RequestSrvNotInCatalogue, span, Detail::UnknownSrv { srv: written.value.clone().into_owned() });
    // A schema that types them as tokens may allow white space around either.
    if let Some(sr) = &facts.service_reference
        && !srv_is_of_sr(trim_xml(&written.value), trim_xml(&sr.value))
        && !refused_by_schema(findings, sr.span)
    {
        let detail =
            Detail::SrvNotInSr { sr: sr.value.clone().into_owned(), srv: written.value.clone().into_owned().into() };
        findings.push(Code::RequestSrvNotInSr, span, detail);
    }
}

/// A schema finding is about `span` (a value the schema refused, which the rules do not judge
/// again).
fn refused_by_schema(findings: &Findings, span: Span) -> bool {
    findings.list().iter().any(|f| f.code.family() == "schema" && f.span.start <= span.end && span.start <= f.span.end)
}

/// DUIS-FACTS §3.2 rule 1 on the text alone: `srv` is `sr`, or `sr` and a dot begin it.
fn srv_is_of_sr(srv: &str, sr: &str) -> bool {
    srv.strip_prefix(sr).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}
