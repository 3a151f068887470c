//! `validate`: full validation with every rule on, a trust store, a clock and a party registry,
//! but the fuzzing-only `InsecureAcceptAll` verifier (NO SECURITY), so the fuzzer can reach the
//! rules behind a "verified" signature (MP104, GBCS signer roles) without forging ECDSA.

#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn validator() -> &'static (duis::Validator, duis::Limits) {
    static VALIDATOR: OnceLock<(duis::Validator, duis::Limits)> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let limits = duis::Limits::default().max_depth(24).max_elements(512).max_text_bytes(4096).max_findings(64);
        let mut parties = duis::Parties::new();
        parties.insert(
            "90-B3-D5-1F-30-01-00-00".parse().unwrap(),
            duis::RoleSet::of(&[duis::catalogue::UserRole::ImportSupplier, duis::catalogue::UserRole::GasSupplier]),
        );
        let validator = duis::Validator::builder()
            .limits(limits)
            .trust(common::test_trust())
            .now(duis::DateTime::parse_rfc3339("2025-01-01T00:00:00Z").unwrap())
            .parties(parties)
            .verifier(Arc::new(duis::InsecureAcceptAll))
            .build();
        (validator, limits)
    })
}

fuzz_target!(|data: &[u8]| {
    let (validator, limits) = validator();
    let report = validator.validate(data);
    common::check_report(data, &report, limits);
});
