//! `eligibility.*`: the originator must hold one of the SRV's eligible User Roles
//! (DUIS-FACTS §3.2 rule 6; the roles per SRV are the matrix's, in the catalogue).
//!
//! Runs only when the caller supplies a [`PartyRegistry`]; otherwise the report lists
//! eligibility among the checks it skipped.

use crate::catalogue::Srv;
use crate::message::{Eui64, Located, RequestFacts};
use crate::parties::{PartyRegistry, RoleSet};
use crate::report::{Code, Detail, Findings};

/// Runs the `eligibility.*` rules; `dcc` is the DCC's EUI-64.
pub(crate) fn check(facts: &RequestFacts<'_>, registry: &dyn PartyRegistry, dcc: Eui64, findings: &mut Findings) {
    // Who sends to whom does not need the counter: a RequestID whose counter is beyond u64
    // (its own finding) is judged too.
    let Some(id) = facts.ends() else { return };
    let (originator, target) = id.value;
    // An unregistered originator is refused whatever it asks for, an SRV the catalogue does
    // not know included.
    let Some(held) = registry.roles(originator) else {
        findings.push(Code::EligibilityUnknownParty, id.span, Detail::Party { party: originator });
        return;
    };
    // A device request (any CommandVariant but 8) names a device as its target; a party the
    // registry lists is a DCC User [inferred; docs/rules.md]. The originator itself and the
    // DCC have findings of their own (`request.target-is-originator`, `request.target-is-dcc`),
    // also when a registry lists the DCC.
    if let Some(cv) = &facts.command_variant
        && cv.value.get() != 8
        && target != originator
        && target != dcc
        && registry.roles(target).is_some()
    {
        findings.push(Code::EligibilityTargetIsParty, id.span, Detail::TargetParty { target, cv: cv.value });
    }
    let Some(srv) = &facts.service_reference_variant else { return };
    let check_srv = |srv: &Located<&'static Srv>, scheduled: bool, findings: &mut Findings| {
        let eligible = RoleSet::of(srv.value.eligible_roles);
        // 7.16, 8.5 and 8.6 list no roles in the matrix: any registered party may send them
        // [inferred; documented in docs/rules.md].
        if !eligible.is_empty() && !held.intersects(eligible) {
            let detail = Detail::Eligibility { party: originator, srv: srv.value.id, held, eligible, scheduled };
            findings.push(Code::EligibilityRole, if scheduled { srv.span } else { id.span }, detail);
        }
    };
    check_srv(srv, false, findings);
    // A 5.1 Create Schedule has the DCC send the request it schedules on the originator's
    // behalf at every occurrence: the originator must be eligible for that SRV too, or a
    // schedule would be a way round its eligibility [inferred; docs/rules.md].
    if let Some(scheduled) = facts.schedule.as_ref().and_then(|s| s.service_reference_variant.as_ref()) {
        check_srv(scheduled, true, findings);
    }
}
