//! `parse`: arbitrary bytes through `Validator::validate` (reader, limits, schema, facts, rules)
//! with small limits so every limit path is reached quickly. Beyond "no panic": every finding
//! points inside the input and renders, the verdict agrees with the findings, the findings cap
//! holds, and a valid report of a request is a request.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let limits = duis::Limits::default().max_depth(16).max_elements(256).max_text_bytes(1024).max_findings(32);
    let validator = duis::Validator::builder().limits(limits).build();
    let report = validator.validate(data);
    common::check_report(data, &report, &limits);
    assert!(report.findings().len() <= 33);
    if report.is_valid() && report.request().is_some() {
        assert!(report.kind().is_some_and(|k| k.is_request()));
    }
});
