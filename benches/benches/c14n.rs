//! `c14n`: the document digest as verification computes it (inclusive C14N 1.0 of the document
//! minus its signature, streamed into SHA-256, in one read of the document), on the small,
//! median and large signed samples, beside SHA-256 of the same bytes: the floor, since the
//! canonical form is about as long as the input. `canonical-copy` builds the canonical bytes
//! instead (tests and fuzzing use it; validation never does).

use std::time::SystemTime;

use criterion::{Criterion, criterion_group, criterion_main};
use duis_benches::{bytes, print_ratios, sha256_floor, sizes};
use std::hint::black_box;

fn c14n(c: &mut Criterion) {
    let since = SystemTime::now();
    let inputs = sizes();
    let mut group = c.benchmark_group("c14n");
    for (label, input) in &inputs {
        // One correctness assert: the streamed digest is SHA-256 of the canonical bytes.
        let canonical = duis::internal::canonicalize(input).expect("well formed");
        let digest = duis::internal::document_digest(input).expect("well formed");
        assert_eq!(digest.as_slice(), ring::digest::digest(&ring::digest::SHA256, &canonical).as_ref(), "{label}");
        group.throughput(bytes(input));
        group.bench_function(format!("digest/{label}"), |b| {
            b.iter(|| duis::internal::document_digest(black_box(input)))
        });
        group.bench_function(format!("canonical-copy/{label}"), |b| {
            b.iter(|| duis::internal::canonicalize(black_box(input)))
        });
        sha256_floor(&mut group, label, input);
    }
    group.finish();
    for (label, _) in &inputs {
        print_ratios("c14n", &[(&format!("digest/{label}"), &format!("sha256/{label}"))], since);
    }
}

criterion_group!(benches, c14n);
criterion_main!(benches);
