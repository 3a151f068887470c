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
