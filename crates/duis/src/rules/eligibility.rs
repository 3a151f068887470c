//! `eligibility.*`: the originator must hold one of the SRV's eligible User Roles
//! (DUIS-FACTS §3.2 rule 6; the roles per SRV are the matrix's, in the catalogue).
//!
//! Runs only when the caller supplies a [`PartyRegistry`]; otherwise the report lists
//! eligibility among the checks it skipped.

use crate::message::RequestFacts;
use crate::parties::{PartyRegistry, RoleSet};
use crate::report::{Code, Detail, Findings};

/// Runs the `eligibility.*` rules.
pub(crate) fn check(facts: &RequestFacts<'_>, registry: &dyn PartyRegistry, findings: &mut Findings) {
    let (Some(id), Some(srv)) = (&facts.request_id, &facts.service_reference_variant) else { return };
    let originator = id.value.originator;
    let Some(held) = registry.roles(originator) else {
        findings.push(Code::EligibilityUnknownParty, id.span, Detail::Party { party: originator });
        return;
    };
    let eligible = RoleSet::of(srv.value.eligible_roles);
    // 7.16, 8.5 and 8.6 list no roles in the matrix: any registered party may send them
    // [inferred; documented in docs/rules.md].
    if !eligible.is_empty() && !held.intersects(eligible) {
        findings.push(
            Code::EligibilityRole,
            id.span,
            Detail::Eligibility { party: originator, srv: srv.value.id, held, eligible },
        );
    }
}
