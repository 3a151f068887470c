//! `cli`: `duis-check --trust testdata/pki --format json` over a folder of 10,000 signed
//! messages (the `testdata/valid` requests and replies, copied round-robin into a temporary
//! folder), with one thread and with two: checking scales with cores (issue 8 asks for at
//! least 1.8x on two). Each run is the whole process: start-up, trust store, walking the
//! folder, reading, validating with the signature verified, writing JSON to a null sink.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MESSAGES: usize = 10_000;

/// A temporary folder of `MESSAGES` copies of the valid samples, removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Folder {
        let valid = duis_benches::repo_root().join("testdata/valid");
        let mut samples: Vec<(String, Vec<u8>)> = std::fs::read_dir(&valid)
            .expect("testdata/valid")
            .filter_map(Result::ok)
            .map(|e| e.path())
            // The 68 kB firmware sample would dominate; the folder models everyday traffic.
            .filter(|p| p.extension().is_some_and(|e| e == "xml") && !p.to_string_lossy().contains("update-firmware"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect();
        samples.sort();
        assert!(samples.len() >= 20, "expected the valid samples in {}", valid.display());
        let dir = std::env::temp_dir().join(format!("duis-cli-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..MESSAGES {
            let (name, bytes) = &samples[i % samples.len()];
            std::fs::write(dir.join(format!("{i:05}-{name}")), bytes).unwrap();
        }
        Folder(dir)
    }

    fn bytes(&self) -> u64 {
        std::fs::read_dir(&self.0).unwrap().filter_map(Result::ok).map(|e| e.metadata().unwrap().len()).sum()
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn check(folder: &Path, threads: usize) -> std::process::Output {
    let root = duis_benches::repo_root();
    Command::new(env!("CARGO_BIN_EXE_duis-check"))
        .arg("--trust")
        .arg(root.join("testdata/pki"))
        .args(["--format", "json", "--threads", &threads.to_string()])
        .arg(folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run duis-check")
}

fn cli(c: &mut Criterion) {
    let since = SystemTime::now();
    let folder = Folder::new();
    // One correctness assert: every message is read and valid.
    let out = check(&folder.0, 2);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = String::from_utf8(out.stdout).unwrap();
    assert_eq!(lines.lines().filter(|l| l.contains("\"valid\":true")).count(), MESSAGES);

    let mut group = c.benchmark_group("cli");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).throughput(Throughput::Bytes(folder.bytes()));
    for threads in [1, 2] {
        group.bench_function(format!("threads-{threads}"), |b| b.iter(|| check(&folder.0, threads).status));
    }
    group.finish();
    duis_benches::print_ratios("cli", &[("threads-2", "threads-1")], since);
}

criterion_group!(benches, cli);
criterion_main!(benches);
