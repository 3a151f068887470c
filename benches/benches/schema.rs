//! `schema`: parse + schema validation of real DUIS request templates (the smallest, the
//! median and the largest of the 297 in `../shared/corpus/requests`, read at run time, never
//! copied), with `Throughput::Bytes`: `duis/*` is the whole validation (schema, signature
//! profile and the DUIS rules), `duis-schema-only/*` the reader and the schema pass alone,
//! which is what libxml2 does. With `--features libxml2`, the same messages are parsed and
//! validated by libxml2 in-process in the same run (schema compiled once, outside the loop),
//! for a side-by-side ratio.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn corpus() -> PathBuf {
    let dir = std::env::var_os("DUIS_SHARED")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"), PathBuf::from)
        .join("corpus");
    assert!(dir.is_dir(), "the schema bench reads the templates in {}; set DUIS_SHARED", dir.display());
    dir
}

/// (label, file name, bytes) of the smallest, median and largest template.
fn inputs() -> Vec<(&'static str, String, Vec<u8>)> {
    let dir = corpus().join("requests");
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&dir)
        .expect("read the templates")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".XML") && !n.starts_with("dccboxed"))
        })
        .map(|p| (std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0), p))
        .collect();
    files.sort();
    assert_eq!(files.len(), 297, "expected the 297 templates");
    let pick = |i: usize| {
        let (_, path) = &files[i];
        (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(path).expect("read template"))
    };
    let (small, median, large) = (pick(0), pick(files.len() / 2), pick(files.len() - 1));
    vec![("small", small.0, small.1), ("median", median.0, median.1), ("largest", large.0, large.1)]
}

fn schema(c: &mut Criterion) {
    let since = std::time::SystemTime::now();
    let validator = duis::Validator::new();
    let inputs = inputs();
    let mut group = c.benchmark_group("schema");
    for (label, name, bytes) in &inputs {
        let report = validator.validate(bytes);
        assert!(report.is_valid(), "{name}: {:?}", report.findings());
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("duis/{label}"), |b| b.iter(|| validator.validate(black_box(bytes)).is_valid()));
        assert_eq!(duis::internal::schema_only(bytes), Vec::new(), "{name}");
        group.bench_function(format!("duis-schema-only/{label}"), |b| {
            b.iter(|| duis::internal::schema_only(black_box(bytes)).is_empty())
        });
    }
    #[cfg(feature = "libxml2")]
    duis_benches::libxml2::validate(&mut group, &inputs.iter().map(|(l, _, b)| (*l, b.as_slice())).collect::<Vec<_>>());
    group.finish();
    for (label, _, _) in &inputs {
        let peer = format!("libxml2/{label}");
        let pairs = [(format!("duis/{label}"), &peer), (format!("duis-schema-only/{label}"), &peer)];
        duis_benches::print_ratios(
            "schema",
            &pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect::<Vec<_>>(),
            since,
        );
    }
}

criterion_group!(benches, schema);
criterion_main!(benches);
