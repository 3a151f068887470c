//! Who holds which DCC User Role, for eligibility (DUIS-FACTS §3.2 rule 6).
//!
//! A certificate cannot tell an Import Supplier from an Export or Gas Supplier (all are role
//! OU `02`), so the roles come from the caller: a [`PartyRegistry`]. [`Parties`] is a simple
//! in-memory one; `duis-check --parties FILE` fills it from a small TOML or JSON file.

use core::fmt;
use std::collections::HashMap;

use crate::catalogue::UserRole;
use crate::message::Eui64;

/// A set of [`UserRole`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct RoleSet(u8);

impl RoleSet {
    /// The set of the given roles.
    pub fn of(roles: &[UserRole]) -> RoleSet {
        roles.iter().fold(RoleSet::default(), |set, role| set.with(*role))
    }

    /// This set with `role` added.
    pub fn with(self, role: UserRole) -> RoleSet {
        RoleSet(self.0 | bit(role))
    }

    /// True when `role` is in the set.
    pub fn contains(self, role: UserRole) -> bool {
        self.0 & bit(role) != 0
    }

    /// True when the sets share a role.
    pub fn intersects(self, other: RoleSet) -> bool {
        self.0 & other.0 != 0
    }

    /// True for the empty set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles, in matrix order.
    pub fn iter(self) -> impl Iterator<Item = UserRole> {
        UserRole::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

fn bit(role: UserRole) -> u8 {
    match role {
        UserRole::ImportSupplier => 1,
        UserRole::ExportSupplier => 2,
        UserRole::GasSupplier => 4,
        UserRole::RegisteredSupplierAgent => 8,
        UserRole::ElectricityDistributor => 16,
        UserRole::GasTransporter => 32,
        UserRole::OtherUser => 64,
        UserRole::LoadController => 128,
    }
}

impl fmt::Display for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for role in self.iter() {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "{role}")?;
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

/// Answers which User Roles a party (by its EUI-64) holds.
pub trait PartyRegistry: Send + Sync + fmt::Debug {
    /// The party's roles, or `None` when the registry does not know it.
    fn roles(&self, party: Eui64) -> Option<RoleSet>;
}

/// A registry shared with the rest of an adapter (one that another component updates, say):
/// `builder.parties(Arc::clone(&registry))`.
impl<T: PartyRegistry + ?Sized> PartyRegistry for std::sync::Arc<T> {
    fn roles(&self, party: Eui64) -> Option<RoleSet> {
        (**self).roles(party)
    }
}

/// An in-memory [`PartyRegistry`].
#[derive(Clone, Debug, Default)]
pub struct Parties {
    roles: HashMap<Eui64, RoleSet>,
}

impl Parties {
    /// An empty registry.
    pub fn new() -> Parties {
        Parties::default()
    }

    /// Gives `party` these roles (added to any it already has).
    pub fn insert(&mut self, party: Eui64, roles: RoleSet) -> &mut Parties {
        let entry = self.roles.entry(party).or_default();
        *entry = RoleSet(entry.0 | roles.0);
        self
    }

    /// The number of parties.
    pub fn len(&self) -> usize {
        self.roles.len()
    }

    /// True when no party is registered.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }
}

impl PartyRegistry for Parties {
    fn roles(&self, party: Eui64) -> Option<RoleSet> {
        self.roles.get(&party).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets() {
        let set = RoleSet::of(&[UserRole::ImportSupplier, UserRole::GasSupplier]);
        assert!(set.contains(UserRole::GasSupplier) && !set.contains(UserRole::OtherUser));
        assert!(set.intersects(RoleSet::of(&[UserRole::GasSupplier, UserRole::OtherUser])));
        assert!(!set.intersects(RoleSet::of(&[UserRole::OtherUser])));
        assert_eq!(set.to_string(), "IS GS");
        assert_eq!(RoleSet::default().to_string(), "none");
    }

    #[test]
    fn registry_merges_roles() {
        let party = Eui64::DCC_BOXED;
        let mut parties = Parties::new();
        parties.insert(party, RoleSet::of(&[UserRole::ImportSupplier]));
        parties.insert(party, RoleSet::of(&[UserRole::ExportSupplier]));
        assert_eq!(parties.roles(party), Some(RoleSet::of(&[UserRole::ImportSupplier, UserRole::ExportSupplier])));
        assert_eq!(parties.roles(Eui64([0; 8])), None);
    }
}
