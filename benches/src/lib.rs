//! Shared pieces of the criterion benches in `benches/` (and the `cli` bench of `duis-check`):
//! the sample messages, the SHA-256 floor, the libxml2 peer, and the side-by-side ratios printed
//! after each group.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use criterion::{BenchmarkGroup, Throughput, measurement::WallTime};
use std::hint::black_box;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file of the project's own `testdata/`.
pub fn testdata(name: &str) -> Vec<u8> {
    let path = repo_root().join("testdata").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (label, bytes) of the small, median and large request of `testdata/valid`, each signed
/// with the test PKI: a 1.4 kB supply-status read, the 1.6 kB event-log read (close to the
/// 1.8 kB median RTDS template) and a 68 kB Update Firmware request.
pub fn sizes() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("small", testdata("valid/7.4_read-supply-status-cv1_valid.xml")),
        ("median", testdata("valid/6.13_read-event-log_valid.xml")),
        ("large", testdata("valid/11.1_update-firmware-48k_valid.xml")),
    ]
}

/// The bytes as a criterion throughput.
pub fn bytes(input: &[u8]) -> Throughput {
    Throughput::Bytes(u64::try_from(input.len()).unwrap_or(u64::MAX))
}

/// `sha256/<label>`: one SHA-256 over the same bytes, the floor any reader of every byte must
/// stand on.
pub fn sha256_floor(group: &mut BenchmarkGroup<'_, WallTime>, label: &str, input: &[u8]) {
    group.throughput(bytes(input));
    group.bench_function(format!("sha256/{label}"), |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(input)))
    });
}

/// Where criterion keeps its results: as criterion decides it (`CRITERION_HOME`, else the
/// cargo target directory's `criterion`).
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let metadata = std::env::var_os("CARGO").and_then(|cargo| {
        std::process::Command::new(cargo).args(["metadata", "--format-version", "1", "--no-deps"]).output().ok()
    });
    metadata
        .and_then(|out| serde_json::from_slice::<serde_json::Value>(&out.stdout).ok())
        .and_then(|v| v.get("target_directory").and_then(|t| t.as_str()).map(PathBuf::from))
        .unwrap_or_else(|| repo_root().join("target"))
        .join("criterion")
}

/// The median time (ns) of `group/id` measured by this process (estimates older than `since`
/// are from an earlier run and are not used).
fn median_ns(home: &Path, group: &str, id: &str, since: SystemTime) -> Option<f64> {
    let safe = |s: &str| s.replace(['?', '"', '/', '\\', '*', '<', '>', ':', '|', '^'], "_");
    let path = home.join(safe(group)).join(safe(id)).join("new/estimates.json");
    let fresh = std::fs::metadata(&path).and_then(|m| m.modified()).is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    json.get("median")?.get("point_estimate")?.as_f64()
}

/// A duration in nanoseconds, in the unit that suits it.
fn human(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.0} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.1} ms", n / 1e6),
        n => format!("{:.2} s", n / 1e9),
    }
}

/// Prints, for each `(ours, peer)` pair of bench ids in `group`, how the medians compare.
/// Prints nothing for a pair not measured in this run (`cargo test --benches`, a filter).
pub fn print_ratios(group: &str, pairs: &[(&str, &str)], since: SystemTime) {
    let home = criterion_home();
    for (ours, peer) in pairs {
        let (Some(a), Some(b)) = (median_ns(&home, group, ours, since), median_ns(&home, group, peer, since)) else {
            continue;
        };
        let verdict = if a <= b { format!("{:.2}x faster", b / a) } else { format!("{:.2}x the time", a / b) };
        println!("ratio {group}: {ours} {} vs {peer} {}: {verdict}", human(a), human(b));
    }
}

/// Times `ours` and `peer` in alternation, `rounds` times each, and prints the ratio of their
/// medians. Criterion measures one function after the other, seconds apart; on a shared
/// machine whose speed drifts (this one's raw ECDSA verify ranges from 60 to 90 µs between
/// runs), a ratio of two such medians moves with the drift. Interleaved, both sides see the
/// same conditions. Each sample runs a closure `batch` times, so that short functions are
/// timed well above the clock's resolution. Skipped under `cargo test --benches`.
pub fn paired_ratio(
    group: &str,
    (ours, mut run_ours): (&str, impl FnMut()),
    (peer, mut run_peer): (&str, impl FnMut()),
    batch: u32,
) {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rounds = 301usize;
    let mut times = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    let time = |f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        for _ in 0..batch {
            f();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(batch)
    };
    for _ in 0..rounds {
        times.0.push(time(&mut run_ours));
        times.1.push(time(&mut run_peer));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (a, b) = (median(&mut times.0), median(&mut times.1));
    let verdict = if a <= b { format!("{:.2}x faster", b / a) } else { format!("{:.2}x the time", a / b) };
    println!("paired {group}: {ours} {} vs {peer} {} (interleaved, {rounds} rounds): {verdict}", human(a), human(b));
}

/// libxml2 in-process (the `libxml` crate), the peer users would otherwise pick: parse alone,
/// and parse + XSD validation with the schema compiled once, outside the timed loop.
#[cfg(feature = "libxml2")]
pub mod libxml2 {
    use super::*;
    use libxml::parser::Parser;
    use libxml::schemas::{SchemaParserContext, SchemaValidationContext};

    /// The DUIS 5.4 XSD in `../shared/corpus` (third-party: read at run time, never copied).
    pub fn duis_xsd() -> PathBuf {
        let shared = std::env::var_os("DUIS_SHARED").map_or_else(|| repo_root().join("../shared"), PathBuf::from);
        let xsd = shared.join("corpus/xsd/DUIS-Schema-V5.4.xsd");
        assert!(xsd.is_file(), "the libxml2 peer compiles {}; set DUIS_SHARED", xsd.display());
        xsd
    }

    /// `libxml2-parse/<label>`: libxml2 builds its tree from the bytes.
    pub fn parse(group: &mut BenchmarkGroup<'_, WallTime>, inputs: &[(&str, &[u8])]) {
        let parser = Parser::default();
        for (label, input) in inputs {
            assert!(parser.parse_string(input).is_ok(), "libxml2 parses {label}");
            group.throughput(bytes(input));
            group.bench_function(format!("libxml2-parse/{label}"), |b| {
                b.iter(|| parser.parse_string(black_box(input)).is_ok())
            });
        }
    }

    /// [`paired_ratio`] of `ours` against libxml2 parse + XSD validation of `input`.
    pub fn paired_validate(group: &str, label: &str, input: &[u8], ours: impl FnMut()) {
        let xsd = duis_xsd();
        let mut schema_parser = SchemaParserContext::from_file(xsd.to_str().expect("UTF-8 path"));
        let mut context = SchemaValidationContext::from_parser(&mut schema_parser).expect("libxml2 compiles the XSD");
        let parser = Parser::default();
        let peer = || {
            let doc = parser.parse_string(black_box(input)).expect("parse");
            black_box(context.validate_document(&doc).is_ok());
        };
        paired_ratio(group, (&format!("duis/{label}"), ours), (&format!("libxml2/{label}"), peer), 200);
    }

    /// `libxml2/<label>`: libxml2 parse + XSD validation. Each input must be schema-valid for
    /// libxml2 (a fast rejection would not be a fair peer).
    pub fn validate(group: &mut BenchmarkGroup<'_, WallTime>, inputs: &[(&str, &[u8])]) {
        let xsd = duis_xsd();
        let mut schema_parser = SchemaParserContext::from_file(xsd.to_str().expect("UTF-8 path"));
        let mut context = SchemaValidationContext::from_parser(&mut schema_parser).expect("libxml2 compiles the XSD");
        let parser = Parser::default();
        for (label, input) in inputs {
            let doc = parser.parse_string(input).expect("libxml2 parses the input");
            assert!(context.validate_document(&doc).is_ok(), "libxml2 rejects {label}");
            group.throughput(bytes(input));
            group.bench_function(format!("libxml2/{label}"), |b| {
                b.iter(|| {
                    let doc = parser.parse_string(black_box(input)).expect("parse");
                    context.validate_document(&doc).is_ok()
                })
            });
        }
    }
}
