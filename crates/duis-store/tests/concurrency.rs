use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use duis::{Advance, CounterStore};
use duis_store::FileCounters;

use crate::util::{A, TempDir, originator};

const THREADS: usize = 8;

#[test]
fn concurrent_same_counter_is_accepted_once() {
    let dir = TempDir::new("race");
    // Shared the way the validator will hold it: behind `Arc<dyn CounterStore>`.
    let store: Arc<dyn CounterStore> = Arc::new(FileCounters::open(dir.db()).unwrap());
    for counter in [42, 43, 100] {
        let accepted = AtomicUsize::new(0);
        let replayed = AtomicUsize::new(0);
        let start = Barrier::new(THREADS);
        std::thread::scope(|scope| {
            for _ in 0..THREADS {
                scope.spawn(|| {
                    start.wait();
                    match store.advance(A, counter).unwrap() {
                        Advance::Accepted => accepted.fetch_add(1, Ordering::SeqCst),
                        Advance::Replayed { last } => {
                            assert_eq!(last, counter);
                            replayed.fetch_add(1, Ordering::SeqCst)
                        }
                    };
                });
            }
        });
        assert_eq!(accepted.into_inner(), 1, "counter {counter}");
        assert_eq!(replayed.into_inner(), THREADS - 1, "counter {counter}");
        assert_eq!(store.last(A).unwrap(), Some(counter));
    }
}

#[test]
fn concurrent_increasing_counters_accept_each_at_most_once() {
    let dir = TempDir::new("race-many");
    let store = FileCounters::open(dir.db()).unwrap();
    // Every thread offers the same 200 counters, so each is contested by all of them.
    let accepted = Mutex::new(Vec::new());
    let start = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                start.wait();
                for counter in 1..=200u64 {
                    if store.advance(A, counter).unwrap() == Advance::Accepted {
                        accepted.lock().unwrap().push(counter);
                    }
                }
            });
        }
    });
    let mut accepted = accepted.into_inner().unwrap();
    let count = accepted.len();
    accepted.sort_unstable();
    accepted.dedup();
    assert_eq!(accepted.len(), count, "a counter was accepted twice");
    assert_eq!(accepted.last(), Some(&200), "the highest counter is always accepted");
    assert_eq!(store.last(A).unwrap(), Some(200));
}

#[test]
fn many_originators_from_many_threads() {
    let dir = TempDir::new("threads-originators");
    let store = FileCounters::open(dir.db()).unwrap();
    let start = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (store, start) = (&store, &start);
            scope.spawn(move || {
                start.wait();
                // Thread t owns originators t, t + 8, t + 16, ...; the threads' writes interleave.
                for counter in 1..=20u64 {
                    for n in (t..40).step_by(THREADS) {
                        let n = u16::try_from(n).unwrap();
                        assert_eq!(store.advance(originator(n), counter).unwrap(), Advance::Accepted);
                    }
                }
            });
        }
    });
    for n in 0..40 {
        assert_eq!(store.last(originator(n)).unwrap(), Some(20), "originator {n}");
    }
}
