use std::error::Error as _;

use duis::{Advance, CounterStore};
use duis_store::{ErrorKind, FileCounters};

use crate::util::{A, TempDir};

#[test]
fn creates_a_missing_file() {
    let dir = TempDir::new("create");
    assert!(!dir.db().exists());
    let store = FileCounters::open(dir.db()).unwrap();
    assert!(dir.db().exists());
    assert_eq!(store.path(), dir.db());
    assert_eq!(store.last(A).unwrap(), None);
}

#[test]
fn second_open_in_this_process_fails_while_first_is_open() {
    let dir = TempDir::new("lock-thread");
    let first = FileCounters::open(dir.db()).unwrap();
    assert_eq!(first.advance(A, 1).unwrap(), Advance::Accepted);

    let error = FileCounters::open(dir.db()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::AlreadyOpen);
    assert_eq!(error.path, dir.db());
    assert!(error.source().is_some(), "redb's reason is kept for `{{:#}}` printing");

    // The failed open did not disturb the first handle.
    assert_eq!(first.advance(A, 2).unwrap(), Advance::Accepted);
    drop(first);
    let again = FileCounters::open(dir.db()).unwrap();
    assert_eq!(again.last(A).unwrap(), Some(2));
}

#[test]
fn file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = TempDir::new("not-db");
    let contents = "<sr:Request>not a database</sr:Request>\n".repeat(200);
    std::fs::write(dir.db(), &contents).unwrap();
    let error = FileCounters::open(dir.db()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Corrupted, "{error:#?}");
    assert_eq!(std::fs::read_to_string(dir.db()).unwrap(), contents, "the file must not be overwritten");
}

#[test]
fn redb_file_with_another_layout_is_incompatible() {
    let dir = TempDir::new("layout");
    {
        // Another program's redb file that happens to use our table name with other types.
        let db = redb::Database::create(dir.db()).unwrap();
        let txn = db.begin_write().unwrap();
        let table: redb::TableDefinition<'_, &str, &str> = redb::TableDefinition::new("duis.counters.v1");
        txn.open_table(table).unwrap().insert("90-B3-D5-1F-30-01-00-00", "5").unwrap();
        txn.commit().unwrap();
    }
    let error = FileCounters::open(dir.db()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Incompatible, "{error:#?}");
}

#[test]
fn missing_directory_is_an_io_error() {
    let dir = TempDir::new("io");
    let path = dir.path().join("no-such-folder").join("counters.redb");
    let error = FileCounters::open(&path).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Io, "{error:#?}");
    assert_eq!(error.path, path);
}

#[test]
fn damaged_database_is_refused_without_panicking() {
    let dir = TempDir::new("damaged");
    {
        let store = FileCounters::open(dir.db()).unwrap();
        for counter in 1..=50 {
            assert_eq!(store.advance(A, counter).unwrap(), Advance::Accepted);
        }
    }
    // Flip every byte after the first page, which holds redb's header: the file still looks like
    // a cleanly closed database. Without the integrity check on open, redb 4.6 panics here.
    let mut bytes = std::fs::read(dir.db()).unwrap();
    for byte in bytes.iter_mut().skip(4096) {
        *byte ^= 0xA5;
    }
    std::fs::write(dir.db(), &bytes).unwrap();
    let error = FileCounters::open(dir.db()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Corrupted, "{error:#?}");
}
