use duis::{Advance, CounterStore};
use duis_store::FileCounters;

use crate::util::{A, B, TempDir, originator};

#[test]
fn strictly_increasing_per_originator() {
    let dir = TempDir::new("increasing");
    let store = FileCounters::open(dir.db()).unwrap();
    assert_eq!(store.advance(A, 5).unwrap(), Advance::Accepted);
    assert_eq!(store.advance(A, 5).unwrap(), Advance::Replayed { last: 5 });
    assert_eq!(store.advance(A, 4).unwrap(), Advance::Replayed { last: 5 });
    assert_eq!(store.advance(B, 1).unwrap(), Advance::Accepted, "each originator has its own counter");
    assert_eq!(store.advance(A, 6).unwrap(), Advance::Accepted);
    assert_eq!(store.advance(A, 1000).unwrap(), Advance::Accepted, "gaps are allowed");
    assert_eq!(store.last(A).unwrap(), Some(1000));
    assert_eq!(store.last(B).unwrap(), Some(1));
}

#[test]
fn replay_is_rejected_and_not_recorded() {
    let dir = TempDir::new("replay");
    let store = FileCounters::open(dir.db()).unwrap();
    assert_eq!(store.advance(A, 10).unwrap(), Advance::Accepted);
    assert_eq!(store.advance(A, 3).unwrap(), Advance::Replayed { last: 10 });
    assert_eq!(store.last(A).unwrap(), Some(10), "a lower counter must not move the record back");
    assert_eq!(store.advance(A, 10).unwrap(), Advance::Replayed { last: 10 });
    assert_eq!(store.last(A).unwrap(), Some(10));
    assert_eq!(store.advance(A, 11).unwrap(), Advance::Accepted, "the next counter after a replay is accepted");
    assert_eq!(store.last(A).unwrap(), Some(11));
}

#[test]
fn unknown_originator_has_no_last_and_accepts_any_counter() {
    let dir = TempDir::new("unknown");
    let store = FileCounters::open(dir.db()).unwrap();
    assert_eq!(store.last(A).unwrap(), None);
    assert_eq!(store.advance(A, 0).unwrap(), Advance::Accepted, "0 is a counter like any other");
    assert_eq!(store.advance(A, 0).unwrap(), Advance::Replayed { last: 0 });
    assert_eq!(store.last(B).unwrap(), None, "recording A says nothing about B");
}

#[test]
fn largest_counter_is_kept_exactly() {
    let dir = TempDir::new("max");
    let store = FileCounters::open(dir.db()).unwrap();
    assert_eq!(store.advance(A, u64::MAX - 1).unwrap(), Advance::Accepted);
    assert_eq!(store.advance(A, u64::MAX).unwrap(), Advance::Accepted);
    assert_eq!(store.last(A).unwrap(), Some(u64::MAX));
    assert_eq!(store.advance(A, u64::MAX).unwrap(), Advance::Replayed { last: u64::MAX });
}

#[test]
fn many_originators_interleaved() {
    let dir = TempDir::new("interleaved");
    let store = FileCounters::open(dir.db()).unwrap();
    const ORIGINATORS: u16 = 50;
    for round in 1..=5u64 {
        for n in 0..ORIGINATORS {
            // Counters differ per originator so a mixed-up key would show.
            let counter = round * 1000 + u64::from(n);
            assert_eq!(store.advance(originator(n), counter).unwrap(), Advance::Accepted);
            // Replaying the previous round's counter of another originator is still a replay for this one.
            if round > 1 {
                let replay = (round - 1) * 1000 + u64::from(n);
                assert_eq!(store.advance(originator(n), replay).unwrap(), Advance::Replayed { last: counter });
            }
        }
    }
    for n in 0..ORIGINATORS {
        assert_eq!(store.last(originator(n)).unwrap(), Some(5000 + u64::from(n)), "originator {n}");
    }
    assert_eq!(store.last(A).unwrap(), None);
}

#[test]
fn signed_pre_commands_keep_their_own_sequence_across_reopening() {
    let dir = TempDir::new("signed-pre-commands");
    {
        let store = FileCounters::open(dir.db()).unwrap();
        // The CV 4 request, then the Signed Pre-Command that repeats its counter.
        assert_eq!(store.advance(A, 1000).unwrap(), Advance::Accepted);
        assert_eq!(store.advance_signed_pre_command(A, 1000).unwrap(), Advance::Accepted);
        assert_eq!(store.advance_signed_pre_command(A, 1000).unwrap(), Advance::Replayed { last: 1000 });
        assert_eq!(store.advance_signed_pre_command(A, 999).unwrap(), Advance::Replayed { last: 1000 });
        assert_eq!(store.advance(A, 1001).unwrap(), Advance::Accepted, "requests go on from their own last");
    }
    let store = FileCounters::open(dir.db()).unwrap();
    assert_eq!(store.last(A).unwrap(), Some(1001));
    assert_eq!(store.last_signed_pre_command(A).unwrap(), Some(1000));
    assert_eq!(store.last_signed_pre_command(B).unwrap(), None);
    assert_eq!(store.advance_signed_pre_command(A, 1000).unwrap(), Advance::Replayed { last: 1000 });
}
