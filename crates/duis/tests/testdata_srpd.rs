//! The `testdata/` vectors for SRPD semantics and replies (eligibility, dating, SR 12.1 WAN
//! matrix), added to the generator in `tests/testdata.rs`. The checks there run with the
//! evaluation time [`NOW`] and the party registry `testdata/parties.toml`.

use crate::replies::wan_reply;

/// The evaluation time the testdata checks use.
pub(crate) const NOW: &str = "2025-01-01T00:00:00Z";

/// A 7.4 Read Supply Status request (CV 1) from `originator`.
fn supply_status_from(originator: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<sr:Request xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">
  <sr:Header>
    <sr:RequestID>{originator}:00-DB-12-34-56-78-90-A0:1000</sr:RequestID>
    <sr:CommandVariant>1</sr:CommandVariant>
    <sr:ServiceReference>7.4</sr:ServiceReference>
    <sr:ServiceReferenceVariant>7.4</sr:ServiceReferenceVariant>
  </sr:Header>
  <sr:Body>
    <sr:ReadSupplyStatus/>
  </sr:Body>
</sr:Request>
"
    )
}

/// A 4.1.1 Read Instantaneous Import Registers request with this CV and ExecutionDateTime.
fn dated_read(cv: u8, when: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<sr:Request xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">
  <sr:Header>
    <sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000</sr:RequestID>
    <sr:CommandVariant>{cv}</sr:CommandVariant>
    <sr:ServiceReference>4.1</sr:ServiceReference>
    <sr:ServiceReferenceVariant>4.1.1</sr:ServiceReferenceVariant>
  </sr:Header>
  <sr:Body>
    <sr:ReadInstantaneousImportRegisters>
      <sr:ExecutionDateTime>{when}</sr:ExecutionDateTime>
    </sr:ReadInstantaneousImportRegisters>
  </sr:Body>
</sr:Request>
"
    )
}

/// A reply carrying a SMETS1 response with this SR/SRV pair. The SMETS1 service provider's
/// own signature inside is content (its values are placeholders: the DCC's signature over the
/// whole reply is the one verified).
fn smets1_reply(sr: &str, srv: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<sr:Response xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" xmlns:ra=\"http://www.dccinterface.co.uk/ResponseAndAlert\" schemaVersion=\"5.4\">
  <sr:Header>
    <sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000</sr:RequestID>
    <sr:ResponseID>00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:1000</sr:ResponseID>
    <sr:ResponseCode>I0</sr:ResponseCode>
    <sr:ResponseDateTime>2025-01-01T10:00:00Z</sr:ResponseDateTime>
  </sr:Header>
  <sr:Body>
    <sr:SMETS1ResponseMessage>
      <sr:ServiceReference>{sr}</sr:ServiceReference>
      <sr:ServiceReferenceVariant>{srv}</sr:ServiceReferenceVariant>
      <sr:SMETS1SignedResponse schemaVersion=\"5.4\">
        <sr:SMETS1Response>
          <sr:Header>
            <ra:BusinessOriginatorID>00-DB-12-34-56-78-90-A0</ra:BusinessOriginatorID>
            <ra:BusinessTargetID>90-B3-D5-1F-30-01-00-00</ra:BusinessTargetID>
            <ra:OriginatorCounter>1000</ra:OriginatorCounter>
          </sr:Header>
          <sr:Body>
            <sr:ResponseMessage>
              <ra:GBCSData format=\"plain\" sequence=\"0\" name=\"x\" type=\"gbcs\">3QAAAAAAAEURAAAAAN8JAgAA</ra:GBCSData>
            </sr:ResponseMessage>
          </sr:Body>
        </sr:SMETS1Response>
        <ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/><ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=S1SP</ds:X509IssuerName><ds:X509SerialNumber>1</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo></ds:Signature>
      </sr:SMETS1SignedResponse>
    </sr:SMETS1ResponseMessage>
  </sr:Body>
</sr:Response>
"
    )
}

/// A SMETS1 reply whose device reply's own header names `sr`/`srv` too.
fn smets1_reply_with_device_pair(outer: (&str, &str), inner: (&str, &str)) -> String {
    let counter = "<ra:OriginatorCounter>1000</ra:OriginatorCounter>";
    smets1_reply(outer.0, outer.1).replace(
        counter,
        &format!(
            "{counter}\n            <ra:ServiceReference>{}</ra:ServiceReference>\n            \
             <ra:ServiceReferenceVariant>{}</ra:ServiceReferenceVariant>",
            inner.0, inner.1
        ),
    )
}

/// (file name under testdata/, text). Valid files may name the warning or info code they
/// must give just before `_valid.xml`.
pub(crate) fn vectors() -> Vec<(&'static str, String)> {
    vec![
        ("valid/12.1-reply_plain_valid.xml", wan_reply("true", "4G", Some("None"), Some("Mast planned"))),
        // A 12.2 code (its digits spell the SR) in a 12.1 reply: a warning, never invalid.
        (
            "valid/12.1-reply_12.2-code_response.code-of-another-sr_valid.xml",
            wan_reply("true", "4G", None, None).replace("<sr:ResponseCode>I0<", "<sr:ResponseCode>E120201<"),
        ),
        (
            "valid/12.1-reply_unknown-in-three-fields_wan-matrix.unknown_valid.xml",
            wan_reply("false", " ", Some(" "), Some(" ")),
        ),
        ("valid/12.1-reply_two-spaces_wan-matrix.blank-text_valid.xml", wan_reply("true", "  ", None, None)),
        ("valid/12.1-reply_tab_wan-matrix.blank-text_valid.xml", wan_reply("true", "4G", None, Some("\t"))),
        ("invalid/12.1-reply_space-in-coverage_schema.bad-value.xml", wan_reply(" ", "4G", None, None)),
        (
            "invalid/12.1-reply_service-reference-4.1_response.srv-not-in-sr.xml",
            wan_reply("true", "4G", None, None).replace(
                "<sr:ServiceReference>12.1</sr:ServiceReference>",
                "<sr:ServiceReference>4.1</sr:ServiceReference>",
            ),
        ),
        (
            "invalid/12.1-reply_schedule-id-content_response.content-mismatch.xml",
            wan_reply("true", "4G", None, None)
                .split_once("<sr:DSPWANMatrix>")
                .map(|(head, _)| format!("{head}<sr:DSPScheduleID>42</sr:DSPScheduleID>\n    </sr:ResponseMessage>\n  </sr:Body>\n</sr:Response>\n"))
                .unwrap(),
        ),
        (
            "invalid/12.2-reply_wan-matrix-content_response.content-mismatch.xml",
            wan_reply("true", "4G", None, None)
                .replace(">12.1</sr:ServiceReferenceVariant>", ">12.2</sr:ServiceReferenceVariant>")
                .replace(">12.1</sr:ServiceReference>", ">12.2</sr:ServiceReference>"),
        ),
        ("valid/smets1-reply_4.1.1_valid.xml", smets1_reply("4.1", "4.1.1")),
        // A 12.1 reply is a ResponseMessage carrying DSPWANMatrix; a SMETS1 reply cannot be one.
        ("invalid/smets1-reply_12.1_response.content-mismatch.xml", smets1_reply("12.1", "12.1")),
        (
            "invalid/smets1-reply_service-reference-4.1-variant-12.1_response.srv-not-in-sr.xml",
            smets1_reply("4.1", "12.1"),
        ),
        ("valid/smets1-reply_4.1.1-in-both-headers_valid.xml", smets1_reply_with_device_pair(("4.1", "4.1.1"), ("4.1", "4.1.1"))),
        // The device reply's own header and the reply around it name two requests.
        (
            "invalid/smets1-reply_device-header-11.2_response.smets1-header-mismatch.xml",
            smets1_reply_with_device_pair(("4.1", "4.1.1"), ("11.2", "11.2")),
        ),
        (
            "invalid/smets1-reply_device-header-7.4-variant-4.1.1_response.srv-not-in-sr.xml",
            smets1_reply_with_device_pair(("4.1", "4.1.1"), ("7.4", "4.1.1")),
        ),
        // SR 12.1 alone (its SRV is optional) names the WAN matrix service as surely.
        (
            "invalid/smets1-reply_sr-12.1-alone_response.content-mismatch.xml",
            smets1_reply("12.1", "12.1").replace("      <sr:ServiceReferenceVariant>12.1</sr:ServiceReferenceVariant>\n", ""),
        ),
        ("invalid/7.4_other-user_eligibility.role.xml", supply_status_from("00-DB-12-34-56-78-00-04")),
        ("invalid/7.4_unregistered-party_eligibility.unknown-party.xml", supply_status_from("90-B3-D5-1F-30-09-00-00")),
        (
            "invalid/7.4_target-is-a-registered-party_eligibility.target-is-party.xml",
            supply_status_from("90-B3-D5-1F-30-01-00-00").replace(":00-DB-12-34-56-78-90-A0:", ":90-B3-D5-1F-30-02-00-00:"),
        ),
        ("invalid/4.1.1_past-execution-date_date.not-future.xml", dated_read(1, "2024-06-01T09:00:00Z")),
        ("valid/4.1.1_cv3-future-dated_date.cv-not-future-dated_valid.xml", dated_read(3, "2030-06-01T09:00:00Z")),
    ]
}

/// `testdata/configured/`: vectors that need configuration, checked in file-name order with
/// `--now` [`NOW`] and a fresh counter store (see `duis-check`'s `configured_vectors` test):
/// a request, the same request again (a replay), and a local-time ExecutionDateTime within
/// 14 hours of now.
pub(crate) fn configured() -> Vec<(&'static str, String)> {
    let first = supply_status_from("90-B3-D5-1F-30-01-00-00");
    vec![
        ("configured/1_first-request_valid.xml", first.clone()),
        ("configured/2_same-counter-again_counter.replay.xml", first),
        (
            "configured/3_local-time-near-now_date.indeterminate_valid.xml",
            dated_read(1, "2025-01-01T06:00:00").replace(":1000</sr:RequestID>", ":2000</sr:RequestID>"),
        ),
    ]
}

#[test]
fn configured_vectors_are_generated() {
    let root = crate::common::repo_root().join("testdata");
    let vectors = configured();
    if std::env::var_os("DUIS_REGENERATE").is_some() {
        let _ = std::fs::remove_dir_all(root.join("configured"));
        std::fs::create_dir_all(root.join("configured")).unwrap();
        for (name, text) in &vectors {
            // Unsigned files would also get sig.missing: sign like the other requests.
            let (cert, key) = crate::pki::load("user-xml-sign");
            std::fs::write(root.join(name), duis::sign(text.as_bytes(), &key, &cert).unwrap()).unwrap();
        }
    }
    let mut on_disk: Vec<String> = crate::common::files(&root.join("configured"), |_| true)
        .iter()
        .map(|p| format!("configured/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    on_disk.sort();
    let names: Vec<String> = vectors.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(on_disk, names, "testdata/configured differs from the generator: rerun with DUIS_REGENERATE=1");
    for (name, text) in &vectors {
        let disk = std::fs::read(root.join(name)).unwrap();
        // Signing adds the signature and the white space that indents it.
        let blank_lines_out = |bytes: &[u8]| -> String {
            String::from_utf8_lossy(bytes).lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n")
        };
        let unsigned = crate::testdata::strip_signature(&disk);
        assert_eq!(
            blank_lines_out(&unsigned),
            blank_lines_out(text.as_bytes()),
            "{name}: committed file differs from the generator"
        );
    }
}
