//! `duis-store`: a persistent [`duis::CounterStore`] for replay protection.
//!
//! DUIS requires the RequestID counter of each originator to be strictly greater than the last
//! one accepted (DUIS-FACTS §12, "Counter"). [`duis::MemoryCounters`] forgets everything when
//! the process ends; [`FileCounters`] keeps the last accepted counter of each originator in a
//! file, so a message replayed after a restart, or after a crash, is still refused.
//!
//! ```
//! use duis::{Advance, CounterStore, Eui64};
//! use duis_store::FileCounters;
//!
//! # let dir = std::env::temp_dir().join(format!("duis-store-doctest-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! let path = dir.join("counters.redb");
//! let originator = Eui64::parse("90-B3-D5-1F-30-01-00-00").ok_or("bad EUI-64")?;
//! {
//!     let store = FileCounters::open(&path)?;
//!     assert_eq!(store.advance(originator, 1000)?, Advance::Accepted);
//! } // dropped: the process could end here
//! let store = FileCounters::open(&path)?;
//! assert_eq!(store.advance(originator, 1000)?, Advance::Replayed { last: 1000 });
//! assert_eq!(store.last(originator)?, Some(1000));
//! # drop(store);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Why redb
//!
//! The store is [redb](https://www.redb.org), an embedded key-value database, rather than a
//! file format of our own, because replay protection is only as good as its worst crash:
//!
//! - **Embedded**: a library and one file. No server to run, nothing for an adapter to deploy.
//! - **ACID**: [`FileCounters::advance`] reads, compares and writes in one write transaction.
//!   redb admits one write transaction at a time, so two threads validating the same
//!   originator and counter cannot both be accepted.
//! - **Crash-safe**: a commit is durable when it returns (redb's `Durability::Immediate`, an
//!   fsync), and copy-on-write B-trees mean a crash leaves the last committed state, never a
//!   half-written counter. A counter is therefore never recorded unless its commit returned.
//! - **Pure Rust**, no C toolchain (unlike SQLite through rusqlite), and no `unsafe` on our side.
//!
//! # Sharing the file
//!
//! One [`FileCounters`] is meant to be shared by every thread of one process (it is `Send` and
//! `Sync`; put it in an `Arc`). redb locks the file, so a second open of the same file, from
//! this process or another, fails with [`ErrorKind::AlreadyOpen`] instead of letting two
//! writers interleave.
//!
//! # Limitations
//!
//! - One process at a time: validators in several processes cannot share a counter file.
//! - Originators are never forgotten; the file grows by one small record per originator and
//!   sequence (Service Requests, and Signed Pre-Commands, which keep their own; a DCC User has
//!   a handful of originators).
//! - Each accepted counter costs one commit with an fsync, which bounds throughput by the
//!   disk's sync latency. Replays cost no write.
//! - The file is checked for integrity on every open (redb reads it all), which is cheap at
//!   this size and turns a damaged file into an [`ErrorKind::Corrupted`] error rather than a
//!   panic inside redb 4.6. A file damaged by something else *while* it is open is not
//!   checked again until the next open.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::as_conversions)
)]

use std::fmt;
use std::path::{Path, PathBuf};

use duis::{Advance, CounterStore, CounterStoreError, Eui64};
use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition, TableError};

/// The one table: an originator's EUI-64 (its eight bytes) to the last RequestID counter
/// accepted from it. The `v1` names the layout: a change of key or value encoding gets a new
/// table, so an old file is never misread.
const COUNTERS: TableDefinition<'static, &[u8; 8], u64> = TableDefinition::new("duis.counters.v1");

/// The same for Signed Pre-Commands, which keep a sequence apart from the Service Requests
/// (see [`duis::CounterStore::advance_signed_pre_command`]). A table of its own leaves files
/// written before it existed readable as they are.
const SIGNED_PRE_COMMANDS: TableDefinition<'static, &[u8; 8], u64> =
    TableDefinition::new("duis.signed-pre-command-counters.v1");

/// A [`CounterStore`] kept in a redb database file: survives restarts and crashes.
///
/// Open it once per process and share it between threads (see the crate docs).
#[derive(Debug)]
pub struct FileCounters {
    db: Database,
    path: PathBuf,
}

impl FileCounters {
    /// Opens the counter database at `path`, creating the file if it does not exist.
    ///
    /// An existing file must be a database this crate wrote. It is checked for integrity
    /// before use. Fails with [`ErrorKind::AlreadyOpen`] while another [`FileCounters`] (in
    /// this process or another) has the same file open.
    pub fn open(path: impl AsRef<Path>) -> Result<FileCounters, Error> {
        let path = path.as_ref();
        let fail = |source: redb::Error| Error::new(path, source);
        // A plain open trusts a file that was closed cleanly, and redb 4.6 then panics on a
        // damaged page (tests/open.rs, `damaged_database_is_refused_without_panicking`). The
        // check reports that as `Corrupted` instead, and costs little on a file this small.
        let db =
            Database::builder().set_check_integrity_on_open(true).create(path).map_err(|error| fail(error.into()))?;
        // Create the table now, so that a redb file from another program, with a table of this
        // name but other types, is refused here rather than on the first message.
        let txn = db.begin_write().map_err(|error| fail(error.into()))?;
        txn.open_table(COUNTERS).map_err(|error| fail(error.into()))?;
        txn.open_table(SIGNED_PRE_COMMANDS).map_err(|error| fail(error.into()))?;
        txn.commit().map_err(|error| fail(error.into()))?;
        Ok(FileCounters { db, path: path.to_path_buf() })
    }

    /// The path this store was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A [`CounterStoreError`] naming the step, the file and redb's reason.
    fn unavailable(&self, step: &str, error: impl Into<redb::Error>) -> CounterStoreError {
        CounterStoreError::new(format!("{step} in {}: {}", self.path.display(), error.into()))
    }

    /// Reads, compares and writes in one write transaction, committed with immediate
    /// durability before [`Advance::Accepted`] is returned.
    fn advance_in(
        &self,
        sequence: TableDefinition<'static, &[u8; 8], u64>,
        originator: Eui64,
        counter: u64,
    ) -> Result<Advance, CounterStoreError> {
        let key = originator.bytes();
        // redb runs one write transaction at a time (`begin_write` waits for the previous one
        // to end), which is what makes the read-compare-write below atomic between threads.
        let mut txn = self.db.begin_write().map_err(|e| self.unavailable("begin write transaction", e))?;
        // The default today, but replay protection depends on it, so it is not left implicit.
        txn.set_durability(Durability::Immediate).map_err(|e| self.unavailable("set durability", e))?;
        let outcome = {
            let mut table = txn.open_table(sequence).map_err(|e| self.unavailable("open counters table", e))?;
            let last = table.get(&key).map_err(|e| self.unavailable("read counter", e))?.map(|guard| guard.value());
            match last {
                Some(last) if counter <= last => Advance::Replayed { last },
                _ => {
                    table.insert(&key, counter).map_err(|e| self.unavailable("write counter", e))?;
                    Advance::Accepted
                }
            }
        };
        // On an early return above, dropping `txn` aborts it: nothing is recorded.
        match outcome {
            Advance::Accepted => txn.commit().map_err(|e| self.unavailable("commit counter", e))?,
            Advance::Replayed { .. } => txn.abort().map_err(|e| self.unavailable("abort transaction", e))?,
        }
        Ok(outcome)
    }

    fn last_in(
        &self,
        sequence: TableDefinition<'static, &[u8; 8], u64>,
        originator: Eui64,
    ) -> Result<Option<u64>, CounterStoreError> {
        let txn = self.db.begin_read().map_err(|e| self.unavailable("begin read transaction", e))?;
        let table = match txn.open_table(sequence) {
            Ok(table) => table,
            // `open` creates the table, but an absent table can only mean "nothing recorded".
            Err(TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(self.unavailable("open counters table", e)),
        };
        let last = table.get(&originator.bytes()).map_err(|e| self.unavailable("read counter", e))?;
        Ok(last.map(|guard| guard.value()))
    }
}

impl CounterStore for FileCounters {
    /// Reads, compares and writes in one write transaction, committed with immediate
    /// durability before [`Advance::Accepted`] is returned.
    fn advance(&self, originator: Eui64, counter: u64) -> Result<Advance, CounterStoreError> {
        self.advance_in(COUNTERS, originator, counter)
    }

    fn last(&self, originator: Eui64) -> Result<Option<u64>, CounterStoreError> {
        self.last_in(COUNTERS, originator)
    }

    /// As [`FileCounters::advance`], in the Signed Pre-Command table.
    fn advance_signed_pre_command(&self, originator: Eui64, counter: u64) -> Result<Advance, CounterStoreError> {
        self.advance_in(SIGNED_PRE_COMMANDS, originator, counter)
    }

    fn last_signed_pre_command(&self, originator: Eui64) -> Result<Option<u64>, CounterStoreError> {
        self.last_in(SIGNED_PRE_COMMANDS, originator)
    }
}

/// Why [`FileCounters::open`] failed: the file and what went wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("counter database {}: {kind}", path.display())]
pub struct Error {
    /// The path given to [`FileCounters::open`].
    pub path: PathBuf,
    /// What went wrong, for matching.
    pub kind: ErrorKind,
    /// redb's error, boxed so that redb's types stay out of this crate's API.
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl Error {
    fn new(path: &Path, source: redb::Error) -> Error {
        Error { path: path.to_path_buf(), kind: ErrorKind::of(&source), source: Box::new(source) }
    }
}

/// The kind of an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Another handle, in this process or another, has the file open. redb locks the file so
    /// that two writers can never interleave.
    AlreadyOpen,
    /// The file could not be created, read or written (permissions, missing folder, disk).
    Io,
    /// The file is not a redb database, or failed redb's integrity check.
    Corrupted,
    /// The file is a redb database, but of another file-format version or with a
    /// `duis.counters.v1` table of other types.
    Incompatible,
    /// Any other failure reported by redb.
    Other,
}

impl ErrorKind {
    fn of(error: &redb::Error) -> ErrorKind {
        match error {
            redb::Error::DatabaseAlreadyOpen | redb::Error::LockProtocolMismatch => ErrorKind::AlreadyOpen,
            // redb reports a file without its magic number as `InvalidData`.
            redb::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => ErrorKind::Corrupted,
            redb::Error::Io(_) | redb::Error::PreviousIo => ErrorKind::Io,
            redb::Error::Corrupted(_) | redb::Error::RepairAborted => ErrorKind::Corrupted,
            redb::Error::UpgradeRequired(_)
            | redb::Error::TableTypeMismatch { .. }
            | redb::Error::TableIsMultimap(_)
            | redb::Error::TypeDefinitionChanged { .. } => ErrorKind::Incompatible,
            _ => ErrorKind::Other,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::AlreadyOpen => "already open by this or another process (the file is locked)",
            ErrorKind::Io => "cannot read or write it",
            ErrorKind::Corrupted => "not a counter database, or damaged",
            ErrorKind::Incompatible => "a database of an incompatible version or layout",
            ErrorKind::Other => "database error",
        })
    }
}
