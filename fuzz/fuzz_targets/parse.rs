//! `parse`: arbitrary bytes through `Validator::validate` (reader, envelope facts, request
//! rules). Beyond "no panic", every finding must point inside the input and render, and the
//! verdict must agree with the findings.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits so the fuzzer reaches every limit path quickly.
    let limits = duis::Limits::default().max_depth(16).max_elements(256).max_text_bytes(1024).max_findings(32);
    let validator = duis::Validator::builder().limits(limits).build();
    let report = validator.validate(data);
    let mut errors = 0;
    for finding in report.findings() {
        assert!(finding.span.start <= finding.span.end, "{finding:?}");
        assert!(finding.span.end <= data.len().max(limits.max_input_bytes), "{finding:?}");
        let _ = finding.to_string();
        let _ = report.position(finding.span.start);
        if finding.severity == duis::Severity::Error {
            errors += 1;
        }
    }
    assert_eq!(report.is_valid(), errors == 0);
    assert!(report.findings().len() <= 33);
    if let Some(request) = report.request() {
        let _ = format!("{request:?}");
        if report.is_valid() {
            assert!(report.kind().is_some_and(|k| k.is_request()));
        }
    }
});
