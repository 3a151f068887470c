//! `verify`: the real verifier (ring) with the test PKI on arbitrary input: must never panic,
//! and a report that says valid for a request must name a verified signature (no `sig.unverified`).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn validator() -> &'static duis::Validator {
    static VALIDATOR: OnceLock<duis::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        duis::Validator::builder()
            .trust(common::test_trust())
            .now(duis::DateTime::parse_rfc3339("2025-01-01T00:00:00Z").unwrap())
            .build()
    })
}

fuzz_target!(|data: &[u8]| {
    let validator = validator();
    let report = validator.validate(data);
    common::check_report(data, &report, validator.limits());
    assert!(!report.has(duis::Code::SigUnverified), "a trust store was given");
});
