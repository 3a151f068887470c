//! `gbcs`: the Signed Pre-Command payload: decoding the `GBCSPayload` base64 text and parsing
//! the General Signing APDU, on our own small (120 B) and median (413 B) APDUs from
//! `testdata/gbcs` (GBCS commands are short: none of the RTDS vectors reaches 2 kB), beside
//! SHA-256 of the same bytes. The role signature itself is one ring P-256 verify, measured in
//! `verify`.

use std::time::SystemTime;

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use duis_benches::{bytes, print_ratios, sha256_floor, testdata};
use std::hint::black_box;

fn gbcs(c: &mut Criterion) {
    let since = SystemTime::now();
    let inputs = [
        ("small", testdata("gbcs/7.2_disable-supply_valid.bin")),
        ("median", testdata("gbcs/7.2_date-time-and-long-content_valid.bin")),
    ];
    let mut group = c.benchmark_group("gbcs");
    for (label, apdu) in &inputs {
        // As an XML writer puts it in GBCSPayload: base64, a line break every 76 characters.
        let encoded = base64::engine::general_purpose::STANDARD.encode(apdu);
        let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|l| std::str::from_utf8(l).expect("ASCII")).collect();
        let text = lines.join("\n");
        // One correctness assert: the text decodes to the APDU, which parses to its end.
        assert_eq!(duis::internal::decode_gbcs_base64(&text, apdu.len()).as_deref(), Ok(apdu.as_slice()));
        let parsed = duis::internal::parse_gbcs(apdu).expect("a valid APDU");
        assert!(!parsed.content.is_empty(), "{label}");
        group.throughput(bytes(apdu));
        group.bench_function(format!("parse/{label}"), |b| {
            b.iter(|| duis::internal::parse_gbcs(black_box(apdu)).is_ok())
        });
        group.bench_function(format!("decode-and-parse/{label}"), |b| {
            b.iter(|| {
                let decoded = duis::internal::decode_gbcs_base64(black_box(&text), 4096).expect("base64");
                duis::internal::parse_gbcs(&decoded).is_ok()
            })
        });
        sha256_floor(&mut group, label, apdu);
    }
    group.finish();
    for (label, _) in &inputs {
        print_ratios("gbcs", &[(&format!("decode-and-parse/{label}"), &format!("sha256/{label}"))], since);
    }
}

criterion_group!(benches, gbcs);
criterion_main!(benches);
