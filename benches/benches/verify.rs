//! `verify`: full validation of a signed request with a trust store (parse, schema, rules,
//! canonical digest, one ECDSA P-256 verification), next to a bare `ring` verification of the
//! same `SignedInfo` in the same run. Issue 5's target: the first at most 1.2x the second, i.e.
//! the canonicalisation and parse are negligible beside the ECDSA.
//!
//! Input: `testdata/valid/6.13_read-event-log_valid.xml`, 1.6 kB signed, close to the median
//! RTDS template (1.8 kB with its placeholder signature); signed with `testdata/pki`.

use base64::Engine as _;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const MESSAGE: &[u8] = include_bytes!("../../testdata/valid/6.13_read-event-log_valid.xml");
const CERTIFICATE: &[u8] = include_bytes!("../../testdata/pki/user-xml-sign.pem");

fn verify(c: &mut Criterion) {
    let since = std::time::SystemTime::now();
    let mut store = duis::TrustStore::new();
    assert_eq!(store.add_pem("user-xml-sign.pem", CERTIFICATE), 1);
    let public_key = store.certificates()[0].public_key().expect("a P-256 key").to_vec();
    let now = duis::DateTime::parse_rfc3339("2026-01-01T00:00:00Z").expect("a time");
    let trusting = duis::Validator::builder().trust(store).now(now).build();
    let plain = duis::Validator::new();

    // One correctness assert per benchmark.
    let report = trusting.validate(MESSAGE);
    assert!(report.findings().is_empty(), "{:?}", report.findings());
    let signed_info = duis::internal::signed_info(MESSAGE).expect("a SignedInfo");
    let text = std::str::from_utf8(MESSAGE).expect("UTF-8");
    let value = text.split("<ds:SignatureValue>").nth(1).and_then(|r| r.split('<').next()).expect("a SignatureValue");
    let signature = base64::engine::general_purpose::STANDARD.decode(value).expect("base64");
    let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, public_key);
    assert!(key.verify(&signed_info, &signature).is_ok());

    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Bytes(u64::try_from(MESSAGE.len()).unwrap_or(u64::MAX)));
    group.bench_function("validate-signed-with-trust", |b| b.iter(|| trusting.validate(black_box(MESSAGE)).is_valid()));
    group.bench_function("ring-verify-signed-info", |b| {
        b.iter(|| key.verify(black_box(&signed_info), black_box(&signature)).is_ok())
    });
    // For scale: the same message without a trust store (no digest, no ECDSA).
    group.bench_function("validate-without-trust", |b| b.iter(|| plain.validate(black_box(MESSAGE)).is_valid()));
    duis_benches::sha256_floor(&mut group, "message", MESSAGE);
    group.finish();
    duis_benches::print_ratios(
        "verify",
        &[
            ("validate-signed-with-trust", "ring-verify-signed-info"),
            ("validate-without-trust", "ring-verify-signed-info"),
        ],
        since,
    );
    duis_benches::paired_ratio(
        "verify",
        ("validate-signed-with-trust", || {
            black_box(trusting.validate(black_box(MESSAGE)).is_valid());
        }),
        ("ring-verify-signed-info", || {
            black_box(key.verify(black_box(&signed_info), black_box(&signature)).is_ok());
        }),
        20,
    );
}

criterion_group!(benches, verify);
criterion_main!(benches);
