//! DUIS replies: typed Response facts, and the SR 12.1 WAN matrix where a single space in the
//! three free-text fields means Unknown (DUIS-FACTS §10).

use duis::{Code, MessageKind, ResponseCategory, Severity, Validator, WanText};

/// A 12.1 reply with one entry whose optional group carries the given free-text values.
pub(crate) fn wan_reply(
    coverage: &str,
    technology: &str,
    equipment: Option<&str>,
    information: Option<&str>,
) -> String {
    let mut optional = String::new();
    if let Some(e) = equipment {
        optional.push_str(&format!("\n          <sr:AuxiliaryEquipmentRequired>{e}</sr:AuxiliaryEquipmentRequired>"));
    }
    if let Some(i) = information {
        optional.push_str(&format!("\n          <sr:AdditionalInformation>{i}</sr:AdditionalInformation>"));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<sr:Response xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">
  <sr:Header>
    <sr:RequestID>90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:1000</sr:RequestID>
    <sr:ResponseID>90-B3-D5-1F-30-00-00-02:90-B3-D5-1F-30-01-00-00:1000</sr:ResponseID>
    <sr:ResponseCode>I0</sr:ResponseCode>
    <sr:ResponseDateTime>2030-01-01T10:00:00Z</sr:ResponseDateTime>
  </sr:Header>
  <sr:Body>
    <sr:ResponseMessage>
      <sr:ServiceReference>12.1</sr:ServiceReference>
      <sr:ServiceReferenceVariant>12.1</sr:ServiceReferenceVariant>
      <sr:DSPWANMatrix>
        <sr:Request>
          <sr:UPRN>100023336956</sr:UPRN>
        </sr:Request>
        <sr:DSPWANMatrixResponse>
          <sr:CSPRegion>North</sr:CSPRegion>
          <sr:CSPRegionResponseCode>I0</sr:CSPRegionResponseCode>
          <sr:CoverageAvailability>{coverage}</sr:CoverageAvailability>
          <sr:WANTechnology>{technology}</sr:WANTechnology>
          <sr:ConnectivityLikelihood>High</sr:ConnectivityLikelihood>{optional}
        </sr:DSPWANMatrixResponse>
      </sr:DSPWANMatrix>
    </sr:ResponseMessage>
  </sr:Body>
</sr:Response>
"
    )
}

fn errors(report: &duis::Report<'_>) -> Vec<Code> {
    report.findings().iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect()
}

fn has(report: &duis::Report<'_>, code: Code) -> usize {
    report.findings().iter().filter(|f| f.code == code).count()
}

#[test]
fn response_header_facts_are_typed() {
    let text = wan_reply("true", "4G", None, None);
    let report = Validator::new().validate(text.as_bytes());
    assert_eq!(errors(&report), Vec::<Code>::new(), "{:?}", report.findings());
    assert_eq!(report.kind(), Some(MessageKind::Response));
    let response = report.response().unwrap();
    assert_eq!(response.response_code.as_ref().unwrap().value.category(), Some(ResponseCategory::Success));
    assert_eq!(response.response_id.as_ref().unwrap().value.counter, 1000);
    assert_eq!(response.request_id.as_ref().unwrap().value.target, duis::Eui64::DCC_BOXED);
    assert_eq!(response.service_reference_variant.as_ref().unwrap().value.id, "12.1");
    assert_eq!(response.response_date_time.as_ref().unwrap().value.to_string(), "2030-01-01T10:00:00Z");
    let matrix = report.wan_matrix().unwrap();
    assert_eq!(matrix.entries.len(), 1);
    let entry = &matrix.entries[0];
    assert_eq!(entry.csp_region.as_deref(), Some("North"));
    assert_eq!(entry.coverage_availability, Some(true));
    assert_eq!(entry.wan_technology.as_ref().unwrap().value, WanText::Text("4G".into()));
    assert!(report.request().is_none());
}

#[test]
fn a_single_space_decodes_as_unknown_in_each_free_text_field() {
    let text = wan_reply("false", " ", Some(" "), Some(" "));
    let report = Validator::new().validate(text.as_bytes());
    assert_eq!(errors(&report), Vec::<Code>::new(), "{:?}", report.findings());
    let entry = &report.wan_matrix().unwrap().entries[0];
    assert_eq!(entry.wan_technology.as_ref().unwrap().value, WanText::Unknown);
    assert_eq!(entry.auxiliary_equipment_required.as_ref().unwrap().value, WanText::Unknown);
    assert_eq!(entry.additional_information.as_ref().unwrap().value, WanText::Unknown);
    assert_eq!(has(&report, Code::WanMatrixUnknown), 3);
    assert_eq!(has(&report, Code::WanMatrixBlankText), 0);
}

#[test]
fn the_single_space_convention_is_12_1_s_only() {
    // The same matrix in a reply of another SRV: a space there is only text (and the matrix,
    // which answers 12.1, is out of place there).
    let text = wan_reply("false", " ", Some(" "), Some("  "))
        .replace(">12.1</sr:ServiceReference>", ">8.2</sr:ServiceReference>")
        .replace(">12.1</sr:ServiceReferenceVariant>", ">8.2</sr:ServiceReferenceVariant>");
    let report = Validator::new().validate(text.as_bytes());
    assert_eq!(has(&report, Code::WanMatrixUnknown) + has(&report, Code::WanMatrixBlankText), 0);
    // The facts say the same as the findings: the space is text there.
    let entry = &report.wan_matrix().unwrap().entries[0];
    assert_eq!(entry.wan_technology.as_ref().unwrap().value, WanText::Text(" ".into()));
    assert_eq!(entry.additional_information.as_ref().unwrap().value, WanText::Text("  ".into()));
    assert_eq!(errors(&report), vec![Code::ResponseContentMismatch], "{:?}", report.findings());
}

#[test]
fn a_reply_s_srv_must_belong_to_its_sr() {
    let text = wan_reply("true", "4G", None, None).replace(">12.1</sr:ServiceReference>", ">4.1</sr:ServiceReference>");
    let report = Validator::new().validate(text.as_bytes());
    assert_eq!(errors(&report), vec![Code::ResponseSrvNotInSr], "{:?}", report.findings());
    let response = report.response().unwrap();
    assert_eq!(response.service_reference.as_ref().unwrap().value, "4.1");
}

#[test]
fn the_anticipated_coverage_date_is_given_without_white_space() {
    let text = wan_reply("false", "4G", None, None)
        .replace("<sr:CoverageAvailability>false</sr:CoverageAvailability>", "<sr:CoverageAvailability>false</sr:CoverageAvailability>\n          <sr:AnticipatedCoverageDate> 2030-06-01\n</sr:AnticipatedCoverageDate>");
    let report = Validator::new().validate(text.as_bytes());
    assert!(report.is_valid(), "{:?}", report.findings());
    let entry = &report.wan_matrix().unwrap().entries[0];
    assert_eq!(entry.anticipated_coverage_date.as_deref(), Some("2030-06-01"));
}

#[test]
fn other_blank_text_is_kept_and_warned_never_invalid() {
    for blank in ["  ", "\t", " \t "] {
        let text = wan_reply("true", blank, Some(blank), Some(blank));
        let report = Validator::new().validate(text.as_bytes());
        assert!(report.is_valid(), "{blank:?}: {:?}", report.findings());
        let entry = &report.wan_matrix().unwrap().entries[0];
        assert_eq!(entry.wan_technology.as_ref().unwrap().value, WanText::Text(blank.into()), "never trimmed");
        assert_eq!(has(&report, Code::WanMatrixBlankText), 3, "{blank:?}");
        assert_eq!(has(&report, Code::WanMatrixUnknown), 0);
    }
}

#[test]
fn a_space_where_the_type_does_not_allow_it_is_a_schema_error() {
    let text = wan_reply(" ", "4G", None, None);
    let report = Validator::new().validate(text.as_bytes());
    assert_eq!(errors(&report), vec![Code::SchemaBadValue], "{:?}", report.findings());
    // An empty WANTechnology breaks its minLength 1: the reason DUIS uses a space for Unknown.
    let text = wan_reply("true", "", None, None);
    assert_eq!(errors(&Validator::new().validate(text.as_bytes())), vec![Code::SchemaBadValue]);
}

#[test]
fn a_cdata_section_s_line_ends_are_normalised_before_lengths_count() {
    // 248 characters, a CR LF (one line end) and one more: 250, AdditionalInformation's most.
    let cdata = wan_reply("true", "4G", None, Some(&format!("<![CDATA[{}\r\nx]]>", "x".repeat(248))));
    let report = Validator::new().validate(cdata.as_bytes());
    assert!(report.is_valid(), "{:?}", report.findings());
    let longer = wan_reply("true", "4G", None, Some(&format!("<![CDATA[{}\r\nxx]]>", "x".repeat(248))));
    let report = Validator::new().validate(longer.as_bytes());
    assert_eq!(errors(&report), vec![Code::SchemaBadValue]);
}

#[test]
fn an_attribute_finding_points_at_the_attribute() {
    let text = wan_reply("true", "4G", None, None).replace(" schemaVersion=\"5.4\">", "\n    schemaVersion=\"5,4\">");
    let report = Validator::new().validate(text.as_bytes());
    let finding = report.findings().iter().find(|f| f.code == Code::SchemaBadValue).unwrap();
    assert_eq!(&text[finding.span.start..finding.span.end], "schemaVersion=\"5,4\"");
}

#[test]
fn only_the_mmc_response_root_is_an_mmc_message() {
    let ra = "xmlns:ra=\"http://www.dccinterface.co.uk/ResponseAndAlert\"";
    let undeclared = format!("<ra:Nope {ra}/>");
    let undeclared = Validator::new().validate(undeclared.as_bytes());
    assert_eq!(errors(&undeclared), vec![Code::SchemaUnknownRoot], "{:?}", undeclared.findings());
    assert_eq!(undeclared.kind(), None);
    let part = format!(
        "<ra:GBCSData {ra} format=\"plain\" sequence=\"0\" name=\"x\" type=\"gbcs\">3QAAAAAAAEURAAAAAN8JAgAA</ra:GBCSData>"
    );
    let validator = Validator::new();
    let part = validator.validate(part.as_bytes());
    assert_eq!(errors(&part), vec![Code::SchemaNotAMessage], "{:?}", part.findings());
    assert_eq!(part.kind(), None);
}

/// A stand-alone `SMETS1SignedResponse` (the SMETS1 service provider's signed device reply)
/// whose header names `sr`/`srv`.
fn smets1_signed_response(sr: &str, srv: &str) -> String {
    format!(
        "<sr:SMETS1SignedResponse xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" \
         xmlns:ra=\"http://www.dccinterface.co.uk/ResponseAndAlert\" schemaVersion=\"5.4\"><sr:SMETS1Response><sr:Header>\
         <ra:BusinessOriginatorID>00-DB-12-34-56-78-90-A0</ra:BusinessOriginatorID>\
         <ra:BusinessTargetID>90-B3-D5-1F-30-01-00-00</ra:BusinessTargetID>\
         <ra:OriginatorCounter>1000</ra:OriginatorCounter>\
         <ra:ServiceReference>{sr}</ra:ServiceReference><ra:ServiceReferenceVariant>{srv}</ra:ServiceReferenceVariant>\
         </sr:Header><sr:Body><sr:ResponseMessage/></sr:Body></sr:SMETS1Response>\
         <ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
         <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>\
         <ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
         <ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference></ds:SignedInfo>\
         <ds:SignatureValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==</ds:SignatureValue>\
         <ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=S1SP</ds:X509IssuerName>\
         <ds:X509SerialNumber>1</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo></ds:Signature>\
         </sr:SMETS1SignedResponse>"
    )
}

#[test]
fn a_stand_alone_smets1_signed_response_s_header_pair_must_fit() {
    let validator = Validator::new();
    let good = smets1_signed_response("4.1", "4.1.1");
    let report = validator.validate(good.as_bytes());
    assert_eq!(errors(&report), vec![], "{:?}", report.findings());
    assert_eq!(report.kind(), Some(MessageKind::Smets1SignedResponse));
    let facts = report.response().unwrap();
    assert_eq!(facts.smets1_service_reference.as_ref().unwrap().value, "4.1");
    assert_eq!(facts.smets1_service_reference_variant.as_ref().unwrap().value.id, "4.1.1");
    assert!(facts.service_reference.is_none());

    let broken = smets1_signed_response("4.1", "12.1");
    let report = validator.validate(broken.as_bytes());
    assert_eq!(errors(&report), vec![Code::ResponseSrvNotInSr], "{:?}", report.findings());
    // A SMETS1 device reply never answers 12.1 Request WAN Matrix.
    let wan = smets1_signed_response("12.1", "12.1");
    let report = validator.validate(wan.as_bytes());
    assert_eq!(errors(&report), vec![Code::ResponseContentMismatch], "{:?}", report.findings());
}

#[test]
fn an_sr_specific_code_of_another_sr_is_a_warning() {
    let validator = Validator::new();
    let with_code = |code: &str| wan_reply("true", "4G", None, None).replace(">I0<", &format!(">{code}<"));
    for (code, warned) in [("E120201", true), ("W050201", true), ("E120101", false), ("I0", false), ("E65", false)] {
        let text = with_code(code);
        let report = validator.validate(text.as_bytes());
        assert_eq!(has(&report, Code::ResponseCodeOfAnotherSr), usize::from(warned), "{code}: {:?}", report.findings());
        assert!(errors(&report).is_empty(), "{code}: {:?}", report.findings());
    }
    let text = with_code("E120201");
    let report = validator.validate(text.as_bytes());
    let finding = report.findings().iter().find(|f| f.code == Code::ResponseCodeOfAnotherSr).unwrap();
    assert_eq!(
        finding.message().to_string(),
        "ResponseCode E120201 is one of ServiceReference 12.2's codes; the reply names 12.1"
    );
    let code = report.response().unwrap().response_code.as_ref().unwrap();
    assert_eq!(code.value.service_reference().as_deref(), Some("12.2"));
    assert_eq!(duis::ResponseCode("E061501".into()).service_reference().as_deref(), Some("6.15"));
    assert_eq!(duis::ResponseCode("E080405".into()).service_reference().as_deref(), Some("8.4"));
}
