//! Integration tests for `duis-store`: one binary (`autotests = false`), one module per concern.

// Temporary directories under `std::env::temp_dir()`, removed on drop.
mod util;
// The counter rule itself: strictly increasing per originator, replays refused and not recorded.
mod counters;
// Threads sharing one store: a counter is accepted at most once.
mod concurrency;
// Restarts and a killed writer process: committed counters are kept, others never appear.
mod persistence;
// Opening: file locking, files that are not counter databases, I/O errors.
mod open;
