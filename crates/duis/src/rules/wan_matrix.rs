//! `wan-matrix.*`: SR 12.1 Request WAN Matrix replies (DUIS-FACTS §10).
//!
//! In `WANTechnology`, `AuxiliaryEquipmentRequired` and `AdditionalInformation`, a value of
//! exactly one space means "Unknown" (SEC modification MP106). The facts decode it as
//! [`WanText::Unknown`]; this rule says so in the report, so an adapter or a person reading the
//! output never mistakes it for a blank. Any other white-space-only value is kept as written
//! and gets a warning: it is schema-valid text that a display would show as nothing.

use crate::message::{Located, ResponseFacts, WanText};
use crate::report::{Code, Detail, Findings};

/// Runs the `wan-matrix.*` rules on a reply's decoded WAN matrix.
pub(crate) fn check(response: &ResponseFacts<'_>, findings: &mut Findings) {
    // The single-space convention is 12.1's (MP106); elsewhere a space is just text.
    if response.service_reference_variant.as_ref().map(|srv| srv.value.id) != Some("12.1") {
        return;
    }
    let Some(matrix) = &response.wan_matrix else { return };
    for entry in &matrix.entries {
        for (field, value) in [
            ("WANTechnology", &entry.wan_technology),
            ("AuxiliaryEquipmentRequired", &entry.auxiliary_equipment_required),
            ("AdditionalInformation", &entry.additional_information),
        ] {
            match value {
                Some(Located { value: WanText::Unknown, span }) => {
                    findings.push(Code::WanMatrixUnknown, *span, Detail::WanField { field, value: " ".to_owned() });
                }
                Some(Located { value: WanText::Text(text), span })
                    if !text.is_empty() && text.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) =>
                {
                    findings.push(Code::WanMatrixBlankText, *span, Detail::WanField { field, value: text.to_string() });
                }
                _ => {}
            }
        }
    }
}
