//! The Service Reference Variant catalogue: all 129 DUIS 5.4 SRVs with what the rules need.
//!
//! `table.rs` is generated from `spec/srv-table.csv` by the `catalogue` integration test
//! (`DUIS_REGENERATE=1 cargo test -p duis --test main catalogue -- --ignored`), which also fails
//! when the committed table differs from the CSV. Allowed CommandVariants come from the CSV's
//! `cv_effective` column: the schema comment, corrected for 7.12 to 7.15 (DUIS-FACTS §3).

#[rustfmt::skip]
mod table;

use core::fmt;

use crate::message::CvSet;

/// Whether a request body may or must carry `ExecutionDateTime` (future dating).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FutureDating {
    /// The body type has no `ExecutionDateTime`.
    None,
    /// The body type derives from `FutureDatedAbstractType`: `ExecutionDateTime` is optional.
    Optional,
    /// The body type derives from `MandatoryFutureDatedAbstractType` (8.5 Service Opt Out).
    Mandatory,
}

/// A DCC User Role, as the eligibility matrix names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UserRole {
    /// IS: Import Supplier.
    ImportSupplier,
    /// ES: Export Supplier.
    ExportSupplier,
    /// GS: Gas Supplier.
    GasSupplier,
    /// RSA: Registered Supplier Agent.
    RegisteredSupplierAgent,
    /// ED: Electricity Distributor.
    ElectricityDistributor,
    /// GT: Gas Transporter.
    GasTransporter,
    /// OU: Other User.
    OtherUser,
    /// LC: the load controller that sends 7.16 Limit APC Level in the DCC Boxed templates
    /// (certificate role `08`). Not one of the matrix's seven roles [inferred, DUIS-FACTS §3],
    /// so it is eligible only for the SRVs that list no role (7.16, 8.5 and 8.6).
    LoadController,
}

impl UserRole {
    /// Every role, in matrix order.
    pub const ALL: [UserRole; 8] = [
        UserRole::ImportSupplier,
        UserRole::ExportSupplier,
        UserRole::GasSupplier,
        UserRole::RegisteredSupplierAgent,
        UserRole::ElectricityDistributor,
        UserRole::GasTransporter,
        UserRole::OtherUser,
        UserRole::LoadController,
    ];

    /// The matrix abbreviation (`IS`, `ES`, `GS`, `RSA`, `ED`, `GT`, `OU`), and `LC`.
    pub const fn code(self) -> &'static str {
        match self {
            UserRole::ImportSupplier => "IS",
            UserRole::ExportSupplier => "ES",
            UserRole::GasSupplier => "GS",
            UserRole::RegisteredSupplierAgent => "RSA",
            UserRole::ElectricityDistributor => "ED",
            UserRole::GasTransporter => "GT",
            UserRole::OtherUser => "OU",
            UserRole::LoadController => "LC",
        }
    }

    /// The role from its abbreviation.
    pub fn from_code(code: &str) -> Option<UserRole> {
        UserRole::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A GBCS use case an SRV maps to, with the message code(s) its commands carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GbcsUseCase {
    /// The use case name, e.g. `ECS01a`.
    pub name: &'static str,
    /// The 2-byte GBCS message codes (almost always one).
    pub message_codes: &'static [u16],
}

/// One Service Reference Variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Srv {
    /// The SRV, e.g. `1.1.1`.
    pub id: &'static str,
    /// The Service Reference it belongs to, e.g. `1.1`.
    pub service_reference: &'static str,
    /// The Service Request name.
    pub name: &'static str,
    /// The local name of its body element (in the DUIS namespace).
    pub body_element: &'static str,
    /// The CommandVariants it may be sent with.
    pub command_variants: CvSet,
    /// A critical SRV: its command must be signed by the User's role key (CV 4, then 5 to 7).
    pub critical: bool,
    /// A non-device SRV: answered by the DCC itself (CV 8).
    pub non_device: bool,
    /// Whether `ExecutionDateTime` is allowed or required.
    pub future_dating: FutureDating,
    /// The User Roles eligible to send it (empty for 7.16, 8.5 and 8.6, which the matrix leaves
    /// blank).
    pub eligible_roles: &'static [UserRole],
    /// The GBCS use cases, and so message codes, its commands carry (empty for non-device SRVs).
    pub gbcs_use_cases: &'static [GbcsUseCase],
    /// Whether the schema lets a DSP schedule use it.
    pub dsp_schedulable: bool,
    /// Whether the eligibility matrix marks it "DCC Scheduled": the SRVs a 5.1 Create Schedule
    /// may schedule. The schema's list has one more, 4.2.
    pub dcc_scheduled: bool,
}

impl Srv {
    /// True when `code` is one of the GBCS message codes this SRV's commands carry.
    pub fn has_message_code(&self, code: u16) -> bool {
        self.gbcs_use_cases.iter().any(|u| u.message_codes.contains(&code))
    }
}

/// Every SRV, in specification order.
pub fn all() -> &'static [Srv] {
    &table::SRVS
}

/// The SRV with this identifier, e.g. `srv("7.2")`.
pub fn srv(id: &str) -> Option<&'static Srv> {
    table::srv_index(id).and_then(|i| table::SRVS.get(i))
}

/// The SRV whose body element has this local name.
pub fn srv_by_body_element(element: &str) -> Option<&'static Srv> {
    table::body_index(element).and_then(|i| table::SRVS.get(i))
}

/// True when `sr` is one of the 95 DUIS 5.4 Service References.
pub fn is_service_reference(sr: &str) -> bool {
    // A plain scan: 95 short strings, most told apart by length, cost less than parsing the
    // dotted numbers a binary search would compare.
    table::SERVICE_REFERENCES.contains(&sr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::CommandVariant;

    #[test]
    fn table_shape() {
        assert_eq!(all().len(), 129);
        assert_eq!(all().iter().filter(|s| s.critical).count(), 37);
        assert_eq!(all().iter().filter(|s| s.non_device).count(), 16);
        for srv in all() {
            assert_eq!(super::srv(srv.id), Some(srv));
            assert_eq!(srv_by_body_element(srv.body_element), Some(srv));
            assert!(is_service_reference(srv.service_reference), "{}", srv.id);
            assert!(srv.id == srv.service_reference || srv.id.starts_with(&format!("{}.", srv.service_reference)));
        }
    }

    #[test]
    fn corrected_command_variants() {
        let cv = |n| CommandVariant::new(n).unwrap();
        assert!(srv("7.12").unwrap().command_variants.contains(cv(4)));
        assert!(!srv("7.12").unwrap().command_variants.contains(cv(1)));
        assert!(srv("7.14").unwrap().command_variants.contains(cv(1)));
        assert_eq!(srv("8.1.1").unwrap().command_variants, CvSet::of(&[4, 5]));
        assert_eq!(srv("8.5").unwrap().future_dating, FutureDating::Mandatory);
        assert!(srv("8.8.2").unwrap().has_message_code(0x0010));
    }

    #[test]
    fn service_references_sort_numerically() {
        assert!(is_service_reference("4.10"));
        assert!(is_service_reference("14.1"));
        assert!(!is_service_reference("4.9"));
        assert!(!is_service_reference("1.1 "));
        assert!(!is_service_reference(""));
    }
}
