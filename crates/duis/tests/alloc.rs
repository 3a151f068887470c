//! Allocation budget: validating a message costs a fixed number of heap allocations,
//! independent of how many elements it has (no per-element allocation), counted with a
//! counting global allocator on the test's own thread.

use duis::Validator;

/// An SR 12.1 reply with `entries` DSPWANMatrixResponse elements (6 elements each).
fn wan_matrix_reply(entries: usize) -> Vec<u8> {
    let entry = "<sr:DSPWANMatrixResponse><sr:CSPRegion>North</sr:CSPRegion><sr:CSPRegionResponseCode>I0</sr:CSPRegionResponseCode>\
                 <sr:CoverageAvailability>true</sr:CoverageAvailability><sr:WANTechnology>4G</sr:WANTechnology>\
                 <sr:ConnectivityLikelihood>High</sr:ConnectivityLikelihood></sr:DSPWANMatrixResponse>\n";
    format!(
        "<sr:Response xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">\n\
         <sr:Header><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2030-01-01T00:00:00Z</sr:ResponseDateTime></sr:Header>\n\
         <sr:Body><sr:ResponseMessage><sr:ServiceReference>12.1</sr:ServiceReference><sr:ServiceReferenceVariant>12.1</sr:ServiceReferenceVariant>\n\
         <sr:DSPWANMatrix><sr:Request><sr:UPRN>100023336956</sr:UPRN></sr:Request>\n{}</sr:DSPWANMatrix></sr:ResponseMessage></sr:Body>\n\
         </sr:Response>\n",
        entry.repeat(entries)
    )
    .into_bytes()
}

fn allocations(validator: &Validator, bytes: &[u8]) -> u64 {
    let mut valid = false;
    let info = allocation_counter::measure(|| {
        valid = validator.validate(bytes).is_valid();
    });
    assert!(valid, "the test message must be valid: {:?}", validator.validate(bytes).findings());
    info.count_total
}

#[test]
fn allocations_do_not_grow_with_element_count() {
    let validator = Validator::new();
    // Warm up lazily compiled patterns and the like.
    let _ = validator.validate(&wan_matrix_reply(1));
    let small = allocations(&validator, &wan_matrix_reply(10));
    let large = allocations(&validator, &wan_matrix_reply(1_000));
    // 6,000 more elements may cost a few more allocations for vectors that grow by doubling
    // (the decoded WAN matrix entries among them), never one per element.
    assert!(large <= small + 16, "10 entries: {small} allocations; 1,000 entries: {large}");
    assert!(small <= 64, "a small reply took {small} allocations");
}

/// Peak heap bytes live at once while `validator` judges `bytes`, and whether it was valid.
fn peak_bytes(validator: &Validator, bytes: &[u8]) -> (u64, bool) {
    let mut valid = false;
    let info = allocation_counter::measure(|| {
        valid = validator.validate(bytes).is_valid();
    });
    (info.bytes_max, valid)
}

#[test]
fn the_largest_message_is_checked_where_it_lies() {
    // The 11.1 Update Firmware request with the largest image (13.65 MB of base64), on one line
    // and wrapped at 76 characters with CRLF, signed and verified. Its text is checked in the
    // caller's buffer: nothing near the image's size is ever copied (issue target: peak memory
    // at most 1.5x the input, the input included).
    let pki = crate::common::repo_root().join("testdata/pki");
    let key = duis::SigningKey::from_pkcs8(&std::fs::read(pki.join("user-xml-sign.key")).unwrap()).unwrap();
    let cert = duis::Certificate::from_pem(&std::fs::read(pki.join("user-xml-sign.pem")).unwrap()).unwrap();
    let mut store = duis::TrustStore::new();
    store.add_pem("user-xml-sign.pem", &std::fs::read(pki.join("user-xml-sign.pem")).unwrap());
    let now = duis::DateTime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let validator = Validator::builder().trust(store).now(now).build();

    let one_line = crate::hostile::largest_firmware_request(crate::hostile::FIRMWARE_OCTETS);
    let text = String::from_utf8(one_line.clone()).unwrap();
    let (head, rest) = text.split_once("<sr:FirmwareImage>").unwrap();
    let (image, tail) = rest.split_once("</sr:FirmwareImage>").unwrap();
    let wrapped: Vec<&str> = image.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let crlf = format!("{head}<sr:FirmwareImage>\r\n{}\r\n</sr:FirmwareImage>{tail}", wrapped.join("\r\n"));
    for (what, unsigned) in [("one line", one_line), ("CRLF-wrapped", crlf.into_bytes())] {
        let signed = duis::sign(&unsigned, &key, &cert).unwrap();
        let (peak, valid) = peak_bytes(&validator, &signed);
        assert!(valid, "{what}: {:?}", validator.validate(&signed).findings());
        println!("{what}: {} bytes in, peak heap while validating {peak} bytes", signed.len());
        assert!(peak < 1 << 20, "{what}: peak heap {peak} bytes for a {}-byte input", signed.len());
    }
}

#[test]
fn a_signed_request_costs_a_few_dozen_allocations_verified_or_not() {
    // The median signed request of the benches: the whole pass, then with a trust store the
    // digest, the key lookup and the ECDSA verification. The bounds sit a little above what
    // the pass takes today (14 and 23), so that a per-element allocation slipping back in,
    // or a scratch buffer that grows by doubling again, fails here.
    let root = crate::common::repo_root();
    let message = std::fs::read(root.join("testdata/valid/6.13_read-event-log_valid.xml")).unwrap();
    let mut store = duis::TrustStore::new();
    store.add_pem("user-xml-sign.pem", &std::fs::read(root.join("testdata/pki/user-xml-sign.pem")).unwrap());
    let now = duis::DateTime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let trusting = Validator::builder().trust(store).now(now).build();
    // Warm-up: a regular expression of the schema is compiled on first use.
    let _ = Validator::new().validate(&message);
    let _ = trusting.validate(&message);
    let unverified = allocations(&Validator::new(), &message);
    let verified = allocations(&trusting, &message);
    println!("median signed request: {unverified} allocations unverified, {verified} verified");
    assert!(unverified <= 18, "{unverified} allocations without a trust store");
    assert!(verified <= 28, "{verified} allocations with one");
}

/// Findings past the limit are counted, not kept: 200,000 unexpected siblings cost no more
/// heap than the thousand findings reported (they used to cost 500 bytes each, kept).
#[test]
fn findings_past_the_limit_cost_no_memory() {
    let siblings = |n: usize| -> Vec<u8> {
        format!(
            "<sr:Request xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\">{}</sr:Request>",
            "<x/>".repeat(n)
        )
        .into_bytes()
    };
    let validator = Validator::new();
    let (few, _) = peak_bytes(&validator, &siblings(20_000));
    let input = siblings(200_000);
    let (many, _) = peak_bytes(&validator, &input);
    let report = validator.validate(&input);
    assert!(report.has(duis::Code::LimitFindings));
    // The bigger input itself is not on the heap here (the caller owns it).
    assert!(many < few + few / 2, "{few} bytes for 20,000 siblings, {many} for 200,000");
}

/// A flood of misplaced elements past the findings limit costs a count each: the details a
/// kept finding carries (the 130 request bodies a `Body` expects) are not built for findings
/// that are only counted.
#[test]
fn findings_past_the_limit_are_counted_without_their_details() {
    let valid =
        std::fs::read(crate::common::repo_root().join("testdata/valid/7.4_read-supply-status-cv1_valid.xml")).unwrap();
    let flood = |n: usize| {
        String::from_utf8(valid.clone()).unwrap().replace("<sr:ReadSupplyStatus/>", &"<sr:X/>".repeat(n)).into_bytes()
    };
    let validator = Validator::new();
    let count = |bytes: &[u8]| allocation_counter::measure(|| drop(validator.validate(bytes))).count_total;
    let (small, large) = (count(&flood(2_000)), count(&flood(12_000)));
    // Past the 1,000 kept findings, 10,000 more elements may cost a name each, never a list
    // of the 130 expected bodies each.
    assert!(large - small < 10 * 10_000, "2,000: {small} allocations; 12,000: {large}");
}
