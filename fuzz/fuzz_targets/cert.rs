//! `cert`: trust-store loading of arbitrary PEM and DER. Loading never fails on content: every
//! input either adds certificates or is reported once in `issues()`; everything loaded renders.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut store = duis::TrustStore::new();
    let added_pem = store.add_pem("input.pem", data);
    let added_der = usize::from(store.add_der("input.der", data));
    assert!(store.len() <= added_pem + added_der);
    for certificate in store.certificates() {
        let _ = (certificate.issuer_name(), certificate.serial_decimal(), certificate.role(), certificate.eui());
        let _ = (certificate.not_before().to_string(), certificate.not_after().to_string());
        if let Some(misfit) = certificate.misfit() {
            let _ = misfit.to_string();
        }
    }
    for issue in store.issues() {
        let _ = format!("{issue:?}");
    }
});
