//! `date.*`: `ExecutionDateTime` against the caller's clock and the CommandVariant
//! (DUIS-FACTS §2). Whether it may appear at all for the SRV is `request.*`.

use core::cmp::Ordering;

use crate::message::{DateTime, RequestFacts};
use crate::report::{Code, Detail, Findings};

/// Runs the `date.*` rules; `now` is the caller's time (the rules that need it are skipped
/// without one).
pub(crate) fn check(facts: &RequestFacts<'_>, now: Option<DateTime>, findings: &mut Findings) {
    let Some(edt) = &facts.execution_date_time else { return };
    // Only CV 1 and 5 list "future dated" as a mode of operation (and CV 4, whose
    // Pre-Command comes back as CV 5); for 2, 3, 6 and 7 a date is doubtful, not known to be
    // rejected [inferred].
    if let Some(cv) = &facts.command_variant
        && matches!(cv.value.get(), 2 | 3 | 6 | 7)
    {
        findings.push(Code::DateCvNotFutureDated, edt.span, Detail::CvDate { cv: cv.value });
    }
    let Some(now) = now else { return };
    match edt.value.partial_cmp_xsd(now) {
        Some(Ordering::Greater) => {}
        Some(_) => findings.push(Code::DateNotFuture, edt.span, Detail::Dates { value: edt.value, now }),
        // A date-time without a time zone within 14 hours of now: XSD cannot order them.
        None => findings.push(Code::DateIndeterminate, edt.span, Detail::Dates { value: edt.value, now }),
    }
}
