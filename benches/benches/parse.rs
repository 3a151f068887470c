//! `parse`: the strict reader alone (UTF-8 and character checks, well-formedness, namespaces,
//! limits; no schema, rules or signature pass) on the small, median and large samples, beside
//! quick-xml's own tokenising of the same bytes (the reader's floor), SHA-256 of them, and, with
//! `--features libxml2`, libxml2 building its tree.

use std::time::SystemTime;

use criterion::{Criterion, criterion_group, criterion_main};
use duis_benches::{bytes, print_ratios, sha256_floor, sizes};
use std::hint::black_box;

/// quick-xml with no checks of its own: every event read and dropped.
fn tokenise(input: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(error) => panic!("quick-xml: {error}"),
        }
    }
}

fn parse(c: &mut Criterion) {
    let since = SystemTime::now();
    let inputs = sizes();
    let mut group = c.benchmark_group("parse");
    for (label, input) in &inputs {
        // One correctness assert: the whole document is read.
        let events = duis::internal::read(input).expect("well formed");
        assert!(events > 10 && tokenise(input) > 10, "{label}: {events} events");
        group.throughput(bytes(input));
        group.bench_function(format!("duis/{label}"), |b| b.iter(|| duis::internal::read(black_box(input))));
        group.bench_function(format!("quick-xml/{label}"), |b| b.iter(|| tokenise(black_box(input))));
        sha256_floor(&mut group, label, input);
    }
    #[cfg(feature = "libxml2")]
    duis_benches::libxml2::parse(&mut group, &inputs.iter().map(|(l, i)| (*l, i.as_slice())).collect::<Vec<_>>());
    group.finish();
    for (label, _) in &inputs {
        let ours = format!("duis/{label}");
        print_ratios(
            "parse",
            &[
                (&ours, &format!("quick-xml/{label}")),
                (&ours, &format!("sha256/{label}")),
                (&ours, &format!("libxml2-parse/{label}")),
            ],
            since,
        );
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
