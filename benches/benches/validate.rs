//! `validate`: the whole single pass (reader, envelope facts, request rules) on real-shaped
//! messages from `testdata/`. Each input is asserted valid once, so a benchmark can never
//! measure a fast rejection by mistake.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// (name, bytes): a small device request, a Signed Pre-Command, and the largest sample.
const INPUTS: &[(&str, &[u8])] = &[
    ("read-supply-status", include_bytes!("../../testdata/valid/7.4_read-supply-status-cv1_valid.xml")),
    ("signed-pre-command", include_bytes!("../../testdata/valid/7.2_signed-pre-command-cv5_valid.xml")),
    ("service-opt-out", include_bytes!("../../testdata/valid/8.5_service-opt-out-dated_valid.xml")),
];

fn validate(c: &mut Criterion) {
    let validator = duis::Validator::new();
    let mut group = c.benchmark_group("validate");
    for (name, bytes) in INPUTS {
        let report = validator.validate(bytes);
        assert!(report.is_valid(), "{name}: {:?}", report.findings());
        group.throughput(Throughput::Bytes(u64::try_from(bytes.len()).unwrap_or(u64::MAX)));
        group.bench_function(*name, |b| b.iter(|| validator.validate(black_box(bytes)).is_valid()));
    }
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
