//! Replay protection: per originator, a RequestID counter must be strictly greater than the
//! last one accepted (DUIS-FACTS §12, "Counter").
//!
//! Signed Pre-Commands (CV 5 to 7) keep a sequence of their own. A Signed Pre-Command carries
//! the counter of the CV 4 request whose Pre-Command it signs (the GBCS originator counter is
//! that RequestID counter, DUIS-FACTS §4.1 and §4.2), so it repeats a counter already accepted
//! and cannot be judged against the requests. Against the Signed Pre-Commands before it, it
//! must still increase: the same signed command twice is a replay.
//!
//! The rule runs only when the caller configures a [`CounterStore`]; without one each message
//! is judged on its own. The store is asked last, and only for a message that is otherwise
//! valid, so a rejected message never advances the counter. [`CounterStore::advance`] must be
//! atomic: of two concurrent validations with the same originator and counter, exactly one
//! is accepted.
//!
//! This crate ships [`MemoryCounters`]; the `duis-store` crate has a persistent store on an
//! embedded database that survives restarts and crashes.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::message::Eui64;

/// The outcome of [`CounterStore::advance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advance {
    /// The counter was greater than the last one accepted (or the originator is new); it is
    /// now recorded as the last accepted.
    Accepted,
    /// The counter was not greater than the last accepted one, which is returned. Nothing was
    /// recorded.
    Replayed {
        /// The last counter accepted from this originator.
        last: u64,
    },
}

/// Why a store could not answer (I/O, corruption). A message is never accepted when its
/// counter could not be checked.
#[derive(Debug, thiserror::Error)]
#[error("counter store unavailable: {message}")]
pub struct CounterStoreError {
    /// What went wrong, for the finding's detail.
    pub message: String,
}

impl CounterStoreError {
    /// An error with this description.
    pub fn new(message: impl Into<String>) -> CounterStoreError {
        CounterStoreError { message: message.into() }
    }
}

/// Where the last accepted RequestID counter of each originator is kept.
///
/// Implementations must make `advance` atomic per originator (compare and set), and durable
/// before returning [`Advance::Accepted`] when they claim persistence.
pub trait CounterStore: Send + Sync + std::fmt::Debug {
    /// Records `counter` as the last accepted counter of `originator` if it is strictly
    /// greater than the one recorded (or none is); otherwise records nothing.
    fn advance(&self, originator: Eui64, counter: u64) -> Result<Advance, CounterStoreError>;

    /// The last counter accepted from `originator`, if any.
    fn last(&self, originator: Eui64) -> Result<Option<u64>, CounterStoreError>;

    /// [`CounterStore::advance`] for the Signed Pre-Commands of `originator`, a sequence
    /// apart from its Service Requests (see the module documentation).
    ///
    /// The default refuses, so that a store written before this sequence existed reports
    /// `counter.unavailable` for Signed Pre-Commands rather than accepting them unchecked.
    fn advance_signed_pre_command(&self, originator: Eui64, counter: u64) -> Result<Advance, CounterStoreError> {
        let _ = (originator, counter);
        Err(CounterStoreError::new("this counter store keeps no sequence for Signed Pre-Commands"))
    }

    /// The last Signed Pre-Command counter accepted from `originator`, if any.
    fn last_signed_pre_command(&self, originator: Eui64) -> Result<Option<u64>, CounterStoreError> {
        let _ = originator;
        Err(CounterStoreError::new("this counter store keeps no sequence for Signed Pre-Commands"))
    }
}

/// The two sequences a [`MemoryCounters`] keeps per originator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Sequence {
    Requests,
    SignedPreCommands,
}

/// An in-memory [`CounterStore`], for tests and single-process adapters that keep their own
/// persistence. Forgets everything when dropped.
#[derive(Debug, Default)]
pub struct MemoryCounters {
    last: Mutex<HashMap<(Eui64, Sequence), u64>>,
}

impl MemoryCounters {
    /// An empty store.
    pub fn new() -> MemoryCounters {
        MemoryCounters::default()
    }

    fn advance_in(&self, key: (Eui64, Sequence), counter: u64) -> Result<Advance, CounterStoreError> {
        let mut last = self.last.lock().map_err(|_| CounterStoreError::new("a thread panicked holding the lock"))?;
        match last.get(&key) {
            Some(&seen) if counter <= seen => Ok(Advance::Replayed { last: seen }),
            _ => {
                last.insert(key, counter);
                Ok(Advance::Accepted)
            }
        }
    }

    fn last_in(&self, key: (Eui64, Sequence)) -> Result<Option<u64>, CounterStoreError> {
        let last = self.last.lock().map_err(|_| CounterStoreError::new("a thread panicked holding the lock"))?;
        Ok(last.get(&key).copied())
    }
}

impl CounterStore for MemoryCounters {
    fn advance(&self, originator: Eui64, counter: u64) -> Result<Advance, CounterStoreError> {
        self.advance_in((originator, Sequence::Requests), counter)
    }

    fn last(&self, originator: Eui64) -> Result<Option<u64>, CounterStoreError> {
        self.last_in((originator, Sequence::Requests))
    }

    fn advance_signed_pre_command(&self, originator: Eui64, counter: u64) -> Result<Advance, CounterStoreError> {
        self.advance_in((originator, Sequence::SignedPreCommands), counter)
    }

    fn last_signed_pre_command(&self, originator: Eui64) -> Result<Option<u64>, CounterStoreError> {
        self.last_in((originator, Sequence::SignedPreCommands))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Eui64 = Eui64([0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, 0x00]);
    const B: Eui64 = Eui64([0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x02, 0x00, 0x00]);

    #[test]
    fn strictly_increasing_per_originator() {
        let store = MemoryCounters::new();
        assert_eq!(store.advance(A, 5).unwrap(), Advance::Accepted);
        assert_eq!(store.advance(A, 5).unwrap(), Advance::Replayed { last: 5 });
        assert_eq!(store.advance(A, 4).unwrap(), Advance::Replayed { last: 5 });
        assert_eq!(store.advance(B, 1).unwrap(), Advance::Accepted);
        assert_eq!(store.advance(A, 6).unwrap(), Advance::Accepted);
        assert_eq!(store.last(A).unwrap(), Some(6));
        assert_eq!(store.last(Eui64([0; 8])).unwrap(), None);
    }

    #[test]
    fn signed_pre_commands_keep_their_own_sequence() {
        let store = MemoryCounters::new();
        assert_eq!(store.advance(A, 1000).unwrap(), Advance::Accepted);
        assert_eq!(store.advance_signed_pre_command(A, 1000).unwrap(), Advance::Accepted);
        assert_eq!(store.advance_signed_pre_command(A, 1000).unwrap(), Advance::Replayed { last: 1000 });
        assert_eq!(store.advance(A, 1001).unwrap(), Advance::Accepted);
        assert_eq!(store.last(A).unwrap(), Some(1001));
        assert_eq!(store.last_signed_pre_command(A).unwrap(), Some(1000));
        assert_eq!(store.last_signed_pre_command(B).unwrap(), None);
    }

    #[test]
    fn concurrent_same_counter_is_accepted_once() {
        let store = MemoryCounters::new();
        let accepted = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    if store.advance(A, 42).unwrap() == Advance::Accepted {
                        accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(accepted.into_inner(), 1);
    }
}
