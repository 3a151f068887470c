//! The generator of `testdata/valid` and `testdata/invalid`, and the check of both.
//!
//! Every message there is written by this file, not copied from anywhere. Invalid files are
//! named `<srv-or-topic>_<what>_<code>.xml` and must give exactly that error code; valid files
//! end in `_valid.xml` and must give no error. Run with `DUIS_REGENERATE=1` to rewrite the
//! folders after changing a case here; without it the test fails when a committed file differs
//! from what this generator makes.

use std::collections::BTreeMap;

use base64::Engine as _;
use duis::{Code, Severity, Validator};

use crate::common;

const SUPPLIER: &str = "90-B3-D5-1F-30-01-00-00";
const NETWORK_OPERATOR: &str = "90-B3-D5-1F-30-02-00-00";
const DCC: &str = "90-B3-D5-1F-30-00-00-02";
const METER: &str = "00-DB-12-34-56-78-90-A0";
const GAS_METER: &str = "00-DB-12-34-56-78-90-A1";

/// A Service Request to render.
#[derive(Clone)]
struct Request {
    originator: &'static str,
    target: &'static str,
    counter: String,
    cv: String,
    sr: &'static str,
    srv: &'static str,
    body: String,
}

impl Request {
    fn new(srv: &'static str, cv: u8, body: &str) -> Request {
        let sr = match srv.matches('.').count() {
            2 => &srv[..srv.rfind('.').unwrap()],
            _ => srv,
        };
        let target = if cv == 8 { DCC } else { METER };
        Request {
            originator: SUPPLIER,
            target,
            counter: "1000".into(),
            cv: cv.to_string(),
            sr,
            srv,
            body: body.to_owned(),
        }
    }

    fn from(mut self, originator: &'static str) -> Request {
        self.originator = originator;
        self
    }

    fn to(mut self, target: &'static str) -> Request {
        self.target = target;
        self
    }

    fn counter(mut self, counter: &str) -> Request {
        self.counter = counter.to_owned();
        self
    }

    fn sr(mut self, sr: &'static str) -> Request {
        self.sr = sr;
        self
    }

    fn render(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <sr:Request xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">\n\
             \x20 <sr:Header>\n\
             \x20   <sr:RequestID>{}:{}:{}</sr:RequestID>\n\
             \x20   <sr:CommandVariant>{}</sr:CommandVariant>\n\
             \x20   <sr:ServiceReference>{}</sr:ServiceReference>\n\
             \x20   <sr:ServiceReferenceVariant>{}</sr:ServiceReferenceVariant>\n\
             \x20 </sr:Header>\n\
             \x20 <sr:Body>\n\
             {}\n\
             \x20 </sr:Body>\n\
             </sr:Request>\n",
            self.originator, self.target, self.counter, self.cv, self.sr, self.srv, self.body
        )
    }
}

/// A 5.1 Create Schedule of a daily read of `device`, scheduling `srv` (in `sr`) with the
/// request element `scheduled`.
fn create_schedule(sr: &str, srv: &str, device: &str, scheduled: &str) -> String {
    schedule_request(sr, srv, device, daily_read(scheduled)).render()
}

/// A scheduled daily-read-log request element (`ReadLogPeriodOffset`) named `scheduled`.
fn daily_read(scheduled: &str) -> String {
    format!(
        "<sr:{scheduled}>\n        <sr:StartDateOffset>-1</sr:StartDateOffset>\n        \
         <sr:StartTime>00:00:00Z</sr:StartTime>\n        <sr:EndDateOffset>0</sr:EndDateOffset>\n        \
         <sr:EndTime>00:00:00Z</sr:EndTime>\n      </sr:{scheduled}>"
    )
}

/// A 5.1 Create Schedule (from the test supplier) of `srv` (in `sr`) on `device`, the
/// scheduled request written as `scheduled`.
fn schedule_request(sr: &str, srv: &str, device: &str, scheduled: String) -> Request {
    let children = [
        "<sr:ScheduleFrequency>Daily</sr:ScheduleFrequency>".to_owned(),
        "<sr:ScheduleStartDate>2030-01-02</sr:ScheduleStartDate>".to_owned(),
        format!("<sr:DSPScheduledServiceReference>{sr}</sr:DSPScheduledServiceReference>"),
        format!("<sr:DSPScheduledServiceReferenceVariant>{srv}</sr:DSPScheduledServiceReferenceVariant>"),
        format!("<sr:DeviceID>{device}</sr:DeviceID>"),
        scheduled,
    ];
    let children: Vec<&str> = children.iter().map(String::as_str).collect();
    Request::new("5.1", 8, &element("CreateSchedule", &children))
}

/// `<sr:Name/>` or `<sr:Name>children</sr:Name>`, indented for the body.
fn element(name: &str, children: &[&str]) -> String {
    if children.is_empty() {
        return format!("    <sr:{name}/>");
    }
    let inner: Vec<String> = children.iter().map(|c| format!("      {c}")).collect();
    format!("    <sr:{name}>\n{}\n    </sr:{name}>", inner.join("\n"))
}

/// A GBCS-shaped Signed Pre-Command payload made up here: general-signing tag, transaction id
/// with the command flag and counter, both system titles, no date-time, message code, a small
/// DLMS-looking content and a 64-byte signature field. Only its base64 form matters to these
/// tests; the GBCS checks come with their own generated keys.
fn pre_command_payload(counter: u64, message_code: u16) -> String {
    let eui = |text: &str| -> Vec<u8> { text.split('-').map(|h| u8::from_str_radix(h, 16).unwrap()).collect() };
    let mut apdu = vec![0xDF, 0x09, 0x01];
    apdu.extend_from_slice(&counter.to_be_bytes());
    apdu.push(0x08);
    apdu.extend(eui(SUPPLIER));
    apdu.push(0x08);
    apdu.extend(eui(METER));
    apdu.extend_from_slice(&[0x00, 0x02]);
    apdu.extend_from_slice(&message_code.to_be_bytes());
    let content = [0xD9, 0x20, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x01, 0x00, 0x46];
    apdu.push(u8::try_from(content.len()).unwrap());
    apdu.extend_from_slice(&content);
    // Signed as a User signs a Pre-Command: with its role Digital Signing key (the test
    // supplier's, testdata/pki/supplier-ds), over everything after the `DF` tag.
    let signature = sign_gbcs(&apdu[1..]);
    apdu.push(0x40);
    apdu.extend_from_slice(&signature);
    base64::engine::general_purpose::STANDARD.encode(apdu)
}

/// ECDSA P-256 / SHA-256, r‖s, with `testdata/pki/supplier-ds.key`.
fn sign_gbcs(signed: &[u8]) -> Vec<u8> {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    let pem = std::fs::read_to_string(common::repo_root().join("testdata/pki/supplier-ds.key")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    let rng = ring::rand::SystemRandom::new();
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng).unwrap();
    key.sign(&rng, signed).unwrap().as_ref().to_vec()
}

/// The bytes with the 64-byte GBCS signature inside each `GBCSPayload` zeroed: ECDSA
/// signatures are randomised, so committed and regenerated files differ there only.
/// `tests/signatures.rs` verifies the committed signatures with testdata/pki.
fn mask_gbcs_signature(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (open, close) = ("<sr:GBCSPayload>", "</sr:GBCSPayload>");
    let (Some(start), Some(end)) = (text.find(open), text.find(close)) else { return bytes.to_vec() };
    let payload = &text[start + open.len()..end];
    let Ok(mut apdu) = base64::engine::general_purpose::STANDARD.decode(payload) else { return bytes.to_vec() };
    let len = apdu.len();
    if len > 64 {
        apdu[len - 64..].fill(0);
    }
    format!("{}{}{}", &text[..start + open.len()], base64::engine::general_purpose::STANDARD.encode(apdu), &text[end..])
        .into_bytes()
}

fn signed_pre_command(cv: u8) -> Request {
    let payload = pre_command_payload(1000, 0x0050);
    Request::new("7.2", cv, &element("SignedPreCommand", &[&format!("<sr:GBCSPayload>{payload}</sr:GBCSPayload>")]))
}

/// Base64 of bytes made up here, standing in for certificates where only the base64Binary type
/// matters.
fn made_up_base64(seed: u8) -> String {
    let bytes: Vec<u8> = (0u8..96).map(|i| i.wrapping_mul(31).wrapping_add(seed)).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn opt_out(with_date: bool) -> Request {
    let mut children = Vec::new();
    if with_date {
        children.push("<sr:ExecutionDateTime>2030-01-15T00:00:00Z</sr:ExecutionDateTime>".to_owned());
    }
    children.push("<sr:ACBFloorSeqNumber>0</sr:ACBFloorSeqNumber>".to_owned());
    children.push(format!(
        "<sr:ReplacementCertificates>\n        <sr:KeyAgreementCertificate>{}</sr:KeyAgreementCertificate>\n      </sr:ReplacementCertificates>",
        made_up_base64(1)
    ));
    children.push(format!(
        "<sr:CertificationPathCertificates>\n        <sr:Certificate>{}</sr:Certificate>\n      </sr:CertificationPathCertificates>",
        made_up_base64(2)
    ));
    children.push("<sr:ApplyTimeBasedCPVChecks>true</sr:ApplyTimeBasedCPVChecks>".to_owned());
    let refs: Vec<&str> = children.iter().map(String::as_str).collect();
    Request::new("8.5", 1, &element("ServiceOptOut", &refs))
}

fn read_registers() -> Request {
    Request::new("4.1.1", 1, &element("ReadInstantaneousImportRegisters", &[]))
}

fn supply_status(cv: u8) -> Request {
    Request::new("7.4", cv, &element("ReadSupplyStatus", &[]))
}

/// Every generated file: name → bytes.
fn generate() -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut add = |name: &str, text: String| {
        assert!(files.insert(name.to_owned(), text.into_bytes()).is_none(), "duplicate {name}");
    };

    // Valid: every CV 1 to 8, device and non-device SRs, future dating, lexical latitude.
    add("valid/4.1.1_read-registers-cv1_valid.xml", read_registers().render());
    add("valid/4.1.1_read-registers-cv2_valid.xml", Request { cv: "2".into(), ..read_registers() }.render());
    add("valid/4.1.1_read-registers-cv3_valid.xml", Request { cv: "3".into(), ..read_registers() }.render());
    add(
        "valid/4.1.1_read-registers-future-dated_valid.xml",
        Request::new(
            "4.1.1",
            1,
            &element(
                "ReadInstantaneousImportRegisters",
                &["<sr:ExecutionDateTime>2030-06-01T09:00:00Z</sr:ExecutionDateTime>"],
            ),
        )
        .render(),
    );
    add("valid/7.4_read-supply-status-cv1_valid.xml", supply_status(1).render());
    add(
        "valid/7.4_read-supply-status-cv2-network-operator_valid.xml",
        supply_status(2).from(NETWORK_OPERATOR).render(),
    );
    add(
        "valid/6.2.7_read-mpxn-cv3-gas_valid.xml",
        Request::new("6.2.7", 3, &element("ReadDeviceConfigurationMPxN", &[])).to(GAS_METER).render(),
    );
    add(
        "valid/6.13_read-event-log_valid.xml",
        Request::new(
            "6.13",
            1,
            &element(
                "ReadEventOrSecurityLog",
                &[
                    "<sr:ReadLogPeriod>\n        <sr:StartDateTime>2029-12-31T00:00:00Z</sr:StartDateTime>\n        <sr:EndDateTime>2030-01-01T00:00:00Z</sr:EndDateTime>\n      </sr:ReadLogPeriod>",
                    "<sr:LogToRead>Event</sr:LogToRead>",
                ],
            ),
        )
        .render(),
    );
    add("valid/7.2_disable-supply-cv4_valid.xml", Request::new("7.2", 4, &element("DisableSupply", &[])).render());
    add("valid/7.1_enable-supply-cv4_valid.xml", Request::new("7.1", 4, &element("EnableSupply", &[])).render());
    add("valid/7.3_arm-supply-cv4_valid.xml", Request::new("7.3", 4, &element("ArmSupply", &[])).render());
    add("valid/7.2_signed-pre-command-cv5_valid.xml", signed_pre_command(5).render());
    add("valid/7.2_signed-pre-command-cv6_valid.xml", signed_pre_command(6).render());
    add("valid/7.2_signed-pre-command-cv7_valid.xml", signed_pre_command(7).render());
    add(
        "valid/8.2_read-inventory-cv8_valid.xml",
        Request::new("8.2", 8, &element("ReadInventory", &[&format!("<sr:DeviceID>{METER}</sr:DeviceID>")])).render(),
    );
    add(
        "valid/8.3_decommission-cv8_valid.xml",
        Request::new("8.3", 8, &element("DecommissionDevice", &[&format!("<sr:DeviceID>{METER}</sr:DeviceID>")]))
            .render(),
    );
    add(
        "valid/12.1_wan-matrix-uprn_valid.xml",
        Request::new("12.1", 8, &element("RequestWANMatrix", &["<sr:UPRN>100023336956</sr:UPRN>"])).render(),
    );
    add(
        "valid/12.1_wan-matrix-partial-address_valid.xml",
        Request::new(
            "12.1",
            8,
            &element(
                "RequestWANMatrix",
                &["<sr:PartialAddress>\n        <sr:PostCode>AB1 2CD</sr:PostCode>\n        <sr:AddressIdentifier>1 High Street</sr:AddressIdentifier>\n      </sr:PartialAddress>"],
            ),
        )
        .render(),
    );
    add(
        "valid/5.2_read-schedule-cv8_valid.xml",
        Request::new("5.2", 8, &element("ReadSchedule", &["<sr:DSPScheduleID>42</sr:DSPScheduleID>"])).render(),
    );
    add(
        "valid/5.1_create-schedule-cv8_valid.xml",
        create_schedule("4.6", "4.6.1", METER, "DSPRetrieveImportDailyReadLog"),
    );
    add(
        "invalid/5.1_scheduled-srv-of-another-sr_request.schedule-srv-not-in-sr.xml",
        create_schedule("4.8", "4.6.1", METER, "DSPRetrieveImportDailyReadLog"),
    );
    add(
        "invalid/5.1_scheduled-element-of-another-srv_request.schedule-body-mismatch.xml",
        create_schedule("4.6", "4.6.2", METER, "DSPRetrieveImportDailyReadLog"),
    );
    add(
        "invalid/5.1_scheduled-on-the-dcc_request.schedule-device-is-dcc.xml",
        create_schedule("4.6", "4.6.1", DCC, "DSPRetrieveImportDailyReadLog"),
    );
    // The schema lets a schedule name 4.2; the matrix does not mark it DCC Scheduled.
    add(
        "invalid/5.1_schedules-4.2_request.schedule-not-dcc-scheduled.xml",
        schedule_request("4.2", "4.2", METER, "<sr:DSPReadInstantaneousExportRegisters/>".into()).render(),
    );
    // The other user (OU) may send 5.1 but not 4.6.1 (IS, GS), so it may not schedule it.
    add(
        "invalid/5.1_other-user-schedules-an-import-read_eligibility.role.xml",
        schedule_request("4.6", "4.6.1", METER, daily_read("DSPRetrieveImportDailyReadLog"))
            .from("00-DB-12-34-56-78-00-04")
            .render(),
    );
    add(
        "valid/11.2_read-firmware-version_valid.xml",
        Request::new("11.2", 1, &element("ReadFirmwareVersion", &[])).render(),
    );
    add("valid/8.5_service-opt-out-dated_valid.xml", opt_out(true).render());
    add("valid/11.1_update-firmware-48k_valid.xml", update_firmware(48 * 1024));
    add("valid/7.4_max-counter_valid.xml", supply_status(1).counter("18446744073709551615").render());
    add(
        "valid/7.4_token-whitespace-lowercase-eui_valid.xml",
        supply_status(1)
            .render()
            .replace(
                &format!("<sr:RequestID>{SUPPLIER}:{METER}:1000</sr:RequestID>"),
                "<sr:RequestID>\n      90-b3-d5-1f-30-01-00-00:00-db-12-34-56-78-90-a0:1000\n    </sr:RequestID>",
            )
            .replace("<sr:CommandVariant>1<", "<sr:CommandVariant> +01 <"),
    );
    // An xsi:type naming the element's own declared type changes nothing.
    add(
        "valid/7.4_xsi-type-declared-type_valid.xml",
        supply_status(1).render().replace(
            "<sr:ReadSupplyStatus/>",
            "<sr:ReadSupplyStatus xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"sr:ReadDataOnDemand\"/>",
        ),
    );
    add(
        "valid/7.4_default-namespace_valid.xml",
        supply_status(1).render().replace("<sr:", "<").replace("</sr:", "</").replace("xmlns:sr=", "xmlns="),
    );

    // SRPD semantics and replies.
    for (name, text) in crate::testdata_srpd::vectors() {
        add(name, text);
    }

    // Invalid request rules.
    add(
        "invalid/7.2_cv1-on-critical_request.cv-not-allowed.xml",
        Request::new("7.2", 1, &element("DisableSupply", &[])).render(),
    );
    add(
        "invalid/8.2_cv1-on-non-device_request.cv-not-allowed.xml",
        Request::new("8.2", 1, &element("ReadInventory", &[&format!("<sr:DeviceID>{METER}</sr:DeviceID>")]))
            .to(METER)
            .render(),
    );
    add("invalid/7.2_cv9_request.cv-reserved.xml", Request::new("7.2", 9, &element("DisableSupply", &[])).render());
    add(
        "invalid/7.3_srv-of-another-sr_request.srv-not-in-sr.xml",
        Request::new("7.3", 4, &element("ArmSupply", &[])).sr("7.2").render(),
    );
    add(
        "invalid/7.2_arm-supply-body_request.body-mismatch.xml",
        Request::new("7.2", 4, &element("ArmSupply", &[])).render(),
    );
    add(
        "invalid/7.2_cv5-plain-body_request.cv-needs-signed-pre-command.xml",
        Request::new("7.2", 5, &element("DisableSupply", &[])).render(),
    );
    add("invalid/7.2_signed-pre-command-cv4_request.signed-pre-command-cv.xml", signed_pre_command(4).render());
    add(
        "invalid/7.4_execution-date-time_request.execution-date-time-not-allowed.xml",
        Request::new(
            "7.4",
            1,
            &element("ReadSupplyStatus", &["<sr:ExecutionDateTime>2030-01-01T00:00:00Z</sr:ExecutionDateTime>"]),
        )
        .render(),
    );
    add("invalid/8.5_no-execution-date-time_request.execution-date-time-required.xml", opt_out(false).render());
    add(
        "invalid/8.2_cv8-to-device_request.target-not-dcc.xml",
        Request::new("8.2", 8, &element("ReadInventory", &[&format!("<sr:DeviceID>{METER}</sr:DeviceID>")]))
            .to(METER)
            .render(),
    );
    add("invalid/7.4_device-cv-to-dcc_request.target-is-dcc.xml", supply_status(1).to(DCC).render());
    add("invalid/7.4_target-is-originator_request.target-is-originator.xml", supply_status(1).to(SUPPLIER).render());
    add(
        "invalid/7.4_counter-beyond-u64_request.counter-overflow.xml",
        supply_status(1).counter("18446744073709551616").render(),
    );

    // Invalid envelope (schema).
    add(
        "invalid/envelope_missing-srv_schema.missing-element.xml",
        supply_status(1).render().replace("    <sr:ServiceReferenceVariant>7.4</sr:ServiceReferenceVariant>\n", ""),
    );
    add(
        "invalid/envelope_missing-cv_schema.unexpected-element.xml",
        supply_status(1).render().replace("    <sr:CommandVariant>1</sr:CommandVariant>\n", ""),
    );
    add("invalid/envelope_cv-word_schema.bad-value.xml", Request { cv: "one".into(), ..supply_status(1) }.render());
    add(
        "invalid/envelope_unknown-srv_schema.bad-value.xml",
        Request::new("7.4", 1, &element("ReadSupplyStatus", &[]))
            .render()
            .replace(">7.4</sr:ServiceReferenceVariant>", ">7.99</sr:ServiceReferenceVariant>"),
    );
    add("invalid/envelope_malformed-request-id_schema.bad-value.xml", supply_status(1).counter("01000").render());
    add(
        "invalid/envelope_no-schema-version_schema.missing-attribute.xml",
        supply_status(1).render().replace(" schemaVersion=\"5.4\"", ""),
    );
    add(
        "invalid/envelope_unknown-root_schema.unknown-root.xml",
        supply_status(1).render().replace("sr:Request", "sr:Requests"),
    );
    // A declared element that is no message: the RequestID alone (left unsigned, as a
    // signature would be a child it cannot have).
    add(
        "invalid/envelope_request-id-alone_schema.not-a-message.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sr:RequestID xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\">\
         90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000</sr:RequestID>\n"
            .to_owned(),
    );
    // The MMC schema's other global element, a part of a GBCS response, alone.
    add(
        "invalid/mmc_gbcs-data-alone_schema.not-a-message.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ra:GBCSData xmlns:ra=\"http://www.dccinterface.co.uk/ResponseAndAlert\" \
         format=\"plain\" sequence=\"0\" name=\"x\" type=\"gbcs\">3QAAAAAAAEURAAAAAN8JAgAA</ra:GBCSData>\n"
            .to_owned(),
    );
    // An MMC response whose header names an SRV of another SR (11.2 with 4.1.1).
    let mmc = |sr: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ra:GBCSResponse xmlns:ra=\"http://www.dccinterface.co.uk/ResponseAndAlert\" schemaVersion=\"5.4\">\n\
             \x20 <ra:Header>\n\
             \x20   <ra:BusinessOriginatorID>00-DB-12-34-56-78-90-A0</ra:BusinessOriginatorID>\n\
             \x20   <ra:BusinessTargetID>90-B3-D5-1F-30-01-00-00</ra:BusinessTargetID>\n\
             \x20   <ra:OriginatorCounter>1000</ra:OriginatorCounter>\n\
             \x20   <ra:ServiceReference>{sr}</ra:ServiceReference>\n\
             \x20   <ra:ServiceReferenceVariant>4.1.1</ra:ServiceReferenceVariant>\n\
             \x20 </ra:Header>\n\
             \x20 <ra:Body><ra:ResponseMessage/></ra:Body>\n\
             </ra:GBCSResponse>\n"
        )
    };
    add("valid/mmc_4.1.1_valid.xml", mmc("4.1"));
    add("invalid/mmc_srv-of-another-sr_response.srv-not-in-sr.xml", mmc("11.2"));
    add(
        "invalid/6.13_log-to-read-typo_schema.bad-value.xml",
        Request::new("6.13", 1, &element("ReadEventOrSecurityLog", &[
            "<sr:ReadLogPeriod>\n        <sr:StartDateTime>2029-12-31T00:00:00Z</sr:StartDateTime>\n        <sr:EndDateTime>2030-01-01T00:00:00Z</sr:EndDateTime>\n      </sr:ReadLogPeriod>",
            "<sr:LogToRead>Everything</sr:LogToRead>",
        ]))
        .render(),
    );
    add(
        "invalid/envelope_unknown-attribute_schema.unknown-attribute.xml",
        supply_status(1).render().replace("<sr:Header>", "<sr:Header priority=\"high\">"),
    );
    add(
        "invalid/7.4_xsi-nil-on-body_schema.not-nillable.xml",
        supply_status(1).render().replace(
            "<sr:Body>",
            "<sr:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"false\">",
        ),
    );
    // xsi:type (XSD cvc-elt.4) naming a type that is not ReadSupplyStatus's declared
    // ReadDataOnDemand nor derived from it.
    add(
        "invalid/7.4_xsi-type-not-derived_schema.bad-xsi-type.xml",
        supply_status(1).render().replace(
            "<sr:ReadSupplyStatus/>",
            "<sr:ReadSupplyStatus xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"sr:ReadLogOnDemand\"/>",
        ),
    );
    add(
        "invalid/envelope_text-in-body_schema.unexpected-text.xml",
        supply_status(1).render().replace("<sr:Body>", "<sr:Body>urgent"),
    );
    add(
        "invalid/7.4_space-in-empty-content_schema.unexpected-text.xml",
        supply_status(1).render().replace("<sr:ReadSupplyStatus/>", "<sr:ReadSupplyStatus> </sr:ReadSupplyStatus>"),
    );
    add(
        "invalid/envelope_two-body-elements_schema.unexpected-element.xml",
        supply_status(1)
            .render()
            .replace("    <sr:ReadSupplyStatus/>", "    <sr:ReadSupplyStatus/>\n    <sr:ReadSupplyStatus/>"),
    );

    // Invalid XML.
    add(
        "invalid/xml_doctype_xml.doctype.xml",
        supply_status(1).render().replacen(
            "<sr:Request",
            "<!DOCTYPE sr:Request [<!ENTITY lol \"lol\">]>\n<sr:Request",
            1,
        ),
    );
    let full = supply_status(1).render();
    add("invalid/xml_truncated_xml.unclosed.xml", full[..full.find("</sr:Body>").unwrap()].to_owned());
    add("invalid/xml_mismatched-end_xml.mismatched-end.xml", full.replace("</sr:Header>", "</sr:Headers>"));
    add("invalid/xml_encoding-latin1_xml.encoding.xml", full.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""));
    add(
        "invalid/xml_undeclared-prefix_xml.unbound-prefix.xml",
        full.replace("<sr:ReadSupplyStatus/>", "<x:ReadSupplyStatus/>"),
    );
    add(
        "invalid/xml_nbsp-entity_xml.undefined-entity.xml",
        full.replace(">1</sr:CommandVariant>", ">1&nbsp;</sr:CommandVariant>"),
    );
    add(
        "invalid/xml_duplicate-attribute_xml.duplicate-attribute.xml",
        full.replace("schemaVersion=\"5.4\"", "schemaVersion=\"5.4\" schemaVersion=\"5.4\""),
    );
    add("invalid/xml_second-root_xml.content-outside-root.xml", format!("{full}<sr:Request/>\n"));
    add("invalid/xml_empty_xml.no-root.xml", String::new());
    add("invalid/xml_unquoted-attribute_xml.malformed.xml", full.replace("schemaVersion=\"5.4\"", "schemaVersion=5.4"));
    add(
        "invalid/xml_nested-100-deep_limit.depth.xml",
        full.replace(
            "<sr:ReadSupplyStatus/>",
            &format!("<sr:ReadSupplyStatus>{}{}</sr:ReadSupplyStatus>", "<sr:x>".repeat(100), "</sr:x>".repeat(100)),
        ),
    );
    let mut latin1 = full.clone().into_bytes();
    let at = full.find("</sr:Body>").unwrap();
    latin1.splice(at..at, b"<!-- caf\xE9 -->".iter().copied());
    files.insert("invalid/xml_latin1-byte_xml.not-utf8.xml".into(), latin1);
    files.insert(
        "invalid/xml_control-char_xml.invalid-char.xml".into(),
        full.replacen("1000<", "1000\u{1}<", 1).into_bytes(),
    );
    files
}

/// The exact code an invalid file must give: the part of its name after the last `_`.
fn expected_code(name: &str) -> Code {
    let stem = name.strip_suffix(".xml").unwrap();
    let code = stem.rsplit('_').next().unwrap();
    Code::from_name(code).unwrap_or_else(|| panic!("{name}: {code:?} is not a finding code"))
}

#[test]
fn testdata_is_generated_and_each_file_gives_its_code() {
    let root = common::repo_root().join("testdata");
    // dsig (issue 5): DUIS requests are signed; see `sign_all`.
    let generated = sign_all(generate());
    if std::env::var_os("DUIS_REGENERATE").is_some() {
        for dir in ["valid", "invalid"] {
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (name, bytes) in &generated {
            std::fs::write(root.join(name), bytes).unwrap();
        }
    }
    let on_disk = |dir: &str| -> Vec<String> {
        common::files(&root.join(dir), |_| true)
            .into_iter()
            .map(|p| format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()))
            .collect()
    };
    let mut committed = on_disk("valid");
    committed.extend(on_disk("invalid"));
    let names: Vec<&String> = generated.keys().collect();
    assert_eq!(
        committed.iter().collect::<std::collections::BTreeSet<_>>(),
        names.iter().copied().collect(),
        "testdata/ differs from the generator: rerun with DUIS_REGENERATE=1"
    );
    assert!(generated.keys().filter(|n| n.starts_with("valid/")).count() >= 20);
    assert!(generated.keys().filter(|n| n.starts_with("invalid/")).count() >= 20);

    // The SRPD vectors need a clock and a party registry: the example registry, so it is
    // tested too.
    let validator = Validator::builder()
        .now(duis::DateTime::parse_rfc3339(crate::testdata_srpd::NOW).unwrap())
        .parties(example_parties())
        .build();
    let mut cvs_seen = std::collections::BTreeSet::new();
    for (name, bytes) in &generated {
        let disk = std::fs::read(root.join(name)).unwrap();
        // ECDSA is randomised: compare with the SignatureValue masked (tests/signatures.rs
        // verifies the committed signatures with testdata/pki).
        assert!(
            mask_signature_value(&mask_gbcs_signature(&disk)) == mask_signature_value(&mask_gbcs_signature(bytes)),
            "{name}: committed bytes differ from the generator"
        );
        let report = validator.validate(bytes);
        if name.starts_with("valid/") {
            assert!(report.is_valid(), "{name}: {:?}", report.findings());
            assert!(report.kind().is_some(), "{name}");
            // A valid file may name the warning or info code it must give.
            let stem = name.strip_suffix("_valid.xml").unwrap();
            if let Some(code) = stem.rsplit('_').next().and_then(Code::from_name) {
                assert!(report.has(code), "{name}: no {code}: {:?}", report.findings());
            }
            if let Some(cv) = report.request().and_then(|r| r.command_variant.as_ref()) {
                cvs_seen.insert(cv.value.get());
            }
        } else {
            let errors: Vec<Code> =
                report.findings().iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect();
            assert_eq!(errors, vec![expected_code(name)], "{name}: {:?}", report.findings());
        }
    }
    assert_eq!(cvs_seen.into_iter().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6, 7, 8], "every CV has a valid sample");
    let non_device = generated
        .keys()
        .filter(|n| {
            n.starts_with("valid/") && ["8.2", "8.3", "12.1", "5.2"].iter().any(|s| n.contains(&format!("/{s}_")))
        })
        .count();
    assert!(non_device >= 4);
}

/// dsig (issue 5): signs every generated message that can be signed (well-formed XML) with the
/// test User XML-signing key of its originator (`testdata/pki`, made by `tests/pki.rs`), since
/// DUIS requires requests to be signed and an unsigned one gets `sig.missing`. Messages that
/// are not well-formed stay as they are: reading stops before any signature rule runs.
fn sign_all(files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let (user, user_key) = crate::pki::load("user-xml-sign");
    let (user2, user2_key) = crate::pki::load("user2-xml-sign");
    let (other, other_key) = crate::pki::load("other-user-xml-sign");
    let (dcc, dcc_key) = crate::pki::load("dcc-xml-sign");
    files
        .into_iter()
        .map(|(name, bytes)| {
            if name.ends_with("_schema.not-a-message.xml") {
                return (name, bytes);
            }
            let text = String::from_utf8_lossy(&bytes).to_ascii_uppercase();
            // Replies are signed by the DCC; requests by their originator's XML-signing key.
            let (cert, key) = if text.contains("<SR:RESPONSE") {
                (&dcc, &dcc_key)
            } else if text.contains(&format!("<SR:REQUESTID>{NETWORK_OPERATOR}:")) {
                (&user2, &user2_key)
            } else if text.contains("<SR:REQUESTID>00-DB-12-34-56-78-00-04:") {
                (&other, &other_key)
            } else {
                (&user, &user_key)
            };
            // The XML declaration is no signed content: a message declaring another encoding
            // (which `sign` refuses) is signed as UTF-8 and its declaration changed after, as a
            // faulty serialiser would.
            let (latin1, utf8) = (b"encoding=\"ISO-8859-1\"".as_slice(), b"encoding=\"UTF-8\"".as_slice());
            if let Some(at) = bytes.windows(latin1.len()).position(|w| w == latin1) {
                let as_utf8 = [&bytes[..at], utf8, &bytes[at + latin1.len()..]].concat();
                if let Ok(signed) = duis::sign(&as_utf8, key, cert) {
                    let at = signed.windows(utf8.len()).position(|w| w == utf8).unwrap();
                    return (name, [&signed[..at], latin1, &signed[at + utf8.len()..]].concat());
                }
            }
            let signed = duis::sign(&bytes, key, cert).unwrap_or(bytes);
            (name, signed)
        })
        .collect()
}

/// The bytes with the text of every `SignatureValue` and `DigestValue` replaced by `*`: ECDSA
/// is randomised, and a randomised GBCS signature inside the message changes the digest too.
/// The committed files' own signatures are verified by `tests/signatures.rs`.
pub(crate) fn mask_signature_value(bytes: &[u8]) -> Vec<u8> {
    let masked = mask_element(bytes, b"<ds:SignatureValue>", b"</ds:SignatureValue>");
    mask_element(&masked, b"<ds:DigestValue>", b"</ds:DigestValue>")
}

fn mask_element(bytes: &[u8], open: &[u8], close: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = rest.windows(open.len()).position(|w| w == open) {
        let after = &rest[at + open.len()..];
        let Some(end) = after.windows(close.len()).position(|w| w == close) else { break };
        out.extend_from_slice(&rest[..at + open.len()]);
        out.push(b'*');
        rest = &after[end..];
    }
    out.extend_from_slice(rest);
    out
}

/// `testdata/parties.toml`, the example party registry, read as `duis-check --parties` reads it.
fn example_parties() -> duis::Parties {
    let text = std::fs::read_to_string(common::repo_root().join("testdata/parties.toml")).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let mut parties = duis::Parties::new();
    for (eui, roles) in table {
        let roles: Vec<duis::catalogue::UserRole> = roles
            .as_array()
            .unwrap()
            .iter()
            .map(|r| duis::catalogue::UserRole::from_code(r.as_str().unwrap()).unwrap())
            .collect();
        parties.insert(eui.parse().unwrap(), duis::RoleSet::of(&roles));
    }
    parties
}

/// The bytes without their root `ds:Signature` element: the message as it was before
/// `duis::sign` appended it.
pub(crate) fn strip_signature(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let (Some(start), Some(end)) = (text.find("<ds:Signature"), text.find("</ds:Signature>")) else {
        return bytes.to_vec();
    };
    format!("{}{}", &text[..start], &text[end + "</ds:Signature>".len()..]).into_bytes()
}

/// An 11.1 Update Firmware request to the DCC (CV 8) whose image is `octets` bytes of
/// deterministic noise, base64 wrapped at 76 characters: the large sample of the benches.
fn update_firmware(octets: usize) -> String {
    use base64::Engine as _;
    let image: Vec<u8> = (0..octets).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let image = base64::engine::general_purpose::STANDARD.encode(image);
    let lines: Vec<&str> = image.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let image = format!("<sr:FirmwareImage>\n{}\n      </sr:FirmwareImage>", lines.join("\n"));
    Request::new(
        "11.1",
        8,
        &element(
            "UpdateFirmware",
            &[
                &image,
                "<sr:FirmwareVersion>01020304</sr:FirmwareVersion>",
                "<sr:DeviceIDList>00-DB-12-34-56-78-90-A0</sr:DeviceIDList>",
            ],
        ),
    )
    .to(DCC)
    .render()
}

/// `duis::internal::schema_only` (the reader and the schema pass, which the `schema` bench
/// times against libxml2) finds exactly the well-formedness, limit and schema findings that
/// full validation reports, on every committed message; where a rule's precise code stands in
/// for the schema's generic one, the schema pass alone still rejects the message. The reader
/// alone (`duis::internal::read`, for the `parse` bench) reads what the schema pass accepts.
#[test]
fn schema_pass_alone_finds_what_full_validation_does() {
    let root = common::repo_root().join("testdata");
    let validator = Validator::new();
    let stands_in = [
        Code::RequestCounterOverflow,
        Code::RequestExecutionDateTimeNotAllowed,
        Code::RequestExecutionDateTimeRequired,
        Code::GbcsBase64,
    ];
    let mut checked = (0, 0);
    for dir in ["valid", "invalid", "signed"] {
        for path in common::files(&root.join(dir), |n| n.ends_with(".xml")) {
            let bytes = std::fs::read(&path).unwrap();
            let alone = duis::internal::schema_only(&bytes);
            let report = validator.validate(&bytes);
            let full: Vec<Code> = report
                .findings()
                .iter()
                .map(|f| f.code)
                // A declared element that is no DUIS message is schema-valid to XSD: that is a
                // rule's finding, not the schema pass's.
                .filter(|&c| ["xml", "limit", "schema"].contains(&c.family()) && c != Code::SchemaNotAMessage)
                .collect();
            // The reader alone reads what the schema pass accepts, and stops with a finding the
            // schema pass also reports.
            match duis::internal::read(&bytes) {
                Ok(events) => assert!(events > 0, "{}", path.display()),
                Err(code) => assert!(alone.contains(&code), "{}: {code} not in {alone:?}", path.display()),
            }
            if report.findings().iter().any(|f| stands_in.contains(&f.code)) {
                assert!(!alone.is_empty(), "{}: the schema pass alone accepts it", path.display());
            } else {
                assert_eq!(alone, full, "{}", path.display());
            }
            checked.0 += usize::from(alone.is_empty());
            checked.1 += usize::from(!alone.is_empty());
        }
    }
    assert!(checked.0 >= 30 && checked.1 >= 10, "{checked:?}");
}
