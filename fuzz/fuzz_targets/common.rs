//! Shared by the fuzz targets: the test PKI and the invariants every report must hold.

/// The project's test Organisation Certificates (testdata/pki), built into the target.
#[allow(dead_code, reason = "not every target uses the test PKI")]
pub fn test_trust() -> duis::TrustStore {
    let mut store = duis::TrustStore::new();
    for (name, pem) in [
        ("user-xml-sign", &include_bytes!("../../testdata/pki/user-xml-sign.pem")[..]),
        ("user2-xml-sign", &include_bytes!("../../testdata/pki/user2-xml-sign.pem")[..]),
        ("supplier-ds", &include_bytes!("../../testdata/pki/supplier-ds.pem")[..]),
        ("dcc-xml-sign", &include_bytes!("../../testdata/pki/dcc-xml-sign.pem")[..]),
        ("wrong-role", &include_bytes!("../../testdata/pki/wrong-role.pem")[..]),
    ] {
        store.add_pem(name, pem);
    }
    store
}

/// Spans inside the input, every finding renders, the verdict agrees with the findings.
pub fn check_report(data: &[u8], report: &duis::Report<'_>, limits: &duis::Limits) {
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
    let _ = format!("{:?} {:?} {:?}", report.request(), report.response(), report.gbcs_header());
}
