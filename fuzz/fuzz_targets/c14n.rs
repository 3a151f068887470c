//! `c14n`: canonicalising canonical output is the identity (inclusive C14N 1.0 of the document
//! minus its signature), and canonical output is itself well formed.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(canonical) = duis::internal::canonicalize(data) else { return };
    let again = duis::internal::canonicalize(&canonical).expect("canonical XML is well formed");
    assert_eq!(canonical, again, "C14N is not idempotent");
    let _ = duis::internal::signed_info(data);
});
