//! `validate`: the whole single pass with every rule and no trust store (reader, schema,
//! facts, request rules, signature profile; the signature is not verified) on the small,
//! median and large samples and a Signed Pre-Command, beside SHA-256 of the same bytes and,
//! with `--features libxml2`, libxml2 parse + XSD validation of the same messages in-process.
//! Each input is asserted valid once, so a benchmark can never measure a fast rejection.

use std::time::SystemTime;

use criterion::{Criterion, criterion_group, criterion_main};
use duis_benches::{bytes, print_ratios, sha256_floor, sizes, testdata};
use std::hint::black_box;

fn validate(c: &mut Criterion) {
    let since = SystemTime::now();
    let validator = duis::Validator::new();
    let mut inputs = sizes();
    inputs.push(("signed-pre-command", testdata("valid/7.2_signed-pre-command-cv5_valid.xml")));
    let mut group = c.benchmark_group("validate");
    for (label, input) in &inputs {
        let report = validator.validate(input);
        assert!(report.is_valid(), "{label}: {:?}", report.findings());
        group.throughput(bytes(input));
        group.bench_function(format!("duis/{label}"), |b| b.iter(|| validator.validate(black_box(input)).is_valid()));
        sha256_floor(&mut group, label, input);
    }
    #[cfg(feature = "libxml2")]
    duis_benches::libxml2::validate(&mut group, &inputs.iter().map(|(l, i)| (*l, i.as_slice())).collect::<Vec<_>>());
    group.finish();
    for (label, _) in &inputs {
        let ours = format!("duis/{label}");
        print_ratios("validate", &[(&ours, &format!("libxml2/{label}")), (&ours, &format!("sha256/{label}"))], since);
    }
    #[cfg(feature = "libxml2")]
    for (label, input) in inputs.iter().filter(|(label, _)| *label == "median") {
        duis_benches::libxml2::paired_validate("validate", label, input, || {
            black_box(validator.validate(black_box(input)).is_valid());
        });
    }
}

criterion_group!(benches, validate);
criterion_main!(benches);
