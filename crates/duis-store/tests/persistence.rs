use std::io::{BufRead, BufReader, Lines};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use duis::{Advance, CounterStore};
use duis_store::{ErrorKind, FileCounters};

use crate::util::{A, B, TempDir};

#[test]
fn survives_restart() {
    let dir = TempDir::new("restart");
    {
        let store = FileCounters::open(dir.db()).unwrap();
        assert_eq!(store.advance(A, 5).unwrap(), Advance::Accepted);
        assert_eq!(store.advance(B, 7).unwrap(), Advance::Accepted);
        assert_eq!(store.advance(A, 4).unwrap(), Advance::Replayed { last: 5 });
    }
    {
        let store = FileCounters::open(dir.db()).unwrap();
        assert_eq!(store.last(A).unwrap(), Some(5));
        assert_eq!(store.last(B).unwrap(), Some(7));
        assert_eq!(store.advance(A, 5).unwrap(), Advance::Replayed { last: 5 }, "a replay after restart");
        assert_eq!(store.advance(A, 6).unwrap(), Advance::Accepted);
    }
    let store = FileCounters::open(dir.db()).unwrap();
    assert_eq!(store.last(A).unwrap(), Some(6));
    assert_eq!(store.advance(A, 6).unwrap(), Advance::Replayed { last: 6 });
}

/// Set to a database path, this makes `writer_child` a writer process for the tests below.
const WRITER_ENV: &str = "DUIS_STORE_TEST_WRITER";
/// What the writer prints after each commit returns, followed by the counter.
const COMMITTED: &str = "duis-store-committed=";

/// The writer process: advances `A` from its last counter, printing each counter once its
/// commit has returned, until it is killed.
#[test]
#[ignore = "helper: run in a child process, with DUIS_STORE_TEST_WRITER set, by the tests below"]
fn writer_child() {
    // Without the variable this is someone running `--ignored`: there is nothing to write to.
    let Some(path) = std::env::var_os(WRITER_ENV) else { return };
    let store = FileCounters::open(path).unwrap();
    let mut counter = store.last(A).unwrap().unwrap_or(0);
    // Never outlive a parent that failed to kill us.
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        counter += 1;
        assert_eq!(store.advance(A, counter).unwrap(), Advance::Accepted);
        println!("{COMMITTED}{counter}");
    }
}

/// A running `writer_child` process, killed when dropped.
struct Writer {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    /// The highest counter the writer reported committed.
    reported: u64,
}

impl Writer {
    fn spawn(db: &Path) -> Writer {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "persistence::writer_child", "--ignored", "--nocapture", "--test-threads=1"])
            .env(WRITER_ENV, db)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Writer { child, lines, reported: 0 }
    }

    /// Reads the writer's output until it reports committing `counter`.
    fn wait_for(&mut self, counter: u64) {
        while self.reported < counter {
            let line = self.lines.next().expect("the writer ended before committing").unwrap();
            self.read(&line);
        }
    }

    fn read(&mut self, line: &str) {
        // The test harness may print "test ... " on the same line, so look anywhere in it.
        if let Some((_, n)) = line.split_once(COMMITTED) {
            self.reported = n.trim().parse().unwrap();
        }
    }

    /// Kills the writer (SIGKILL on Unix: no destructors, no clean shutdown) and returns the
    /// highest counter it reported committed.
    fn kill(mut self) -> u64 {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        while let Some(Ok(line)) = self.lines.next() {
            self.read(&line);
        }
        self.reported
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn killed_writer_keeps_every_committed_counter() {
    let dir = TempDir::new("kill");
    let mut expected_at_least = 0;
    for round in 1..=3 {
        let mut writer = Writer::spawn(&dir.db());
        writer.wait_for(expected_at_least + 20);
        let reported = writer.kill();

        // Opening after an unclean shutdown runs redb's recovery.
        let store = FileCounters::open(dir.db()).unwrap();
        let last = store.last(A).unwrap().unwrap();
        // Every reported commit is durable; at most one more commit can have returned after
        // the last line was printed. Nothing else may appear.
        assert!(
            (reported..=reported + 1).contains(&last),
            "round {round}: writer reported {reported} committed, store has {last}"
        );
        assert_eq!(store.advance(A, last).unwrap(), Advance::Replayed { last }, "round {round}");
        expected_at_least = last;
    }
}

#[test]
fn another_process_cannot_open_while_one_writes() {
    let dir = TempDir::new("lock-process");
    let mut writer = Writer::spawn(&dir.db());
    writer.wait_for(1);
    let error = FileCounters::open(dir.db()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::AlreadyOpen);
    assert_eq!(error.path, dir.db());
    let reported = writer.kill();
    // The lock dies with the process; the file is whole.
    let store = FileCounters::open(dir.db()).unwrap();
    assert!(store.last(A).unwrap() >= Some(reported));
}
