//! Findings and the per-message [`Report`].

mod code;

use core::fmt;
use core::ops::Range;
use std::borrow::Cow;

pub use code::{Basis, Code, Severity};

use crate::gbcs::GbcsHeader;
use crate::message::{CommandVariant, CvSet, DateTime, Eui64, MessageKind, RequestFacts, ResponseFacts, WanMatrix};
use crate::parties::RoleSet;
use crate::pki::Misfit;

/// A byte range in the input. Line and column are worked out only for display, by
/// [`Report::position`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte (equal to `start` for a point).
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub const fn point(offset: usize) -> Span {
        Span { start: offset, end: offset }
    }

    /// The span as a `Range`, for slicing the input.
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// One-based line and column (in characters) of a byte offset, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// One-based line number.
    pub line: usize,
    /// One-based column, counted in Unicode scalar values.
    pub column: usize,
}

/// The facts behind a finding. `Display` renders the human message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Detail {
    /// Nothing beyond the code.
    None,
    /// The XML parser's own description of a well-formedness error.
    Parser(String),
    /// A limit was exceeded.
    Limit {
        /// The configured maximum.
        max: u64,
    },
    /// An encoding other than UTF-8.
    Encoding {
        /// What the document declared or its byte-order mark implied.
        declared: String,
    },
    /// A character XML does not allow.
    InvalidChar {
        /// The code point.
        code_point: u32,
    },
    /// An undeclared namespace prefix.
    UnboundPrefix {
        /// The prefix.
        prefix: String,
    },
    /// An undefined entity.
    Entity {
        /// The entity name, without `&` and `;`.
        name: String,
    },
    /// A repeated attribute.
    Attribute {
        /// The attribute's qualified name.
        name: String,
    },
    /// A schema-validity problem, with the facts the schema engine found.
    Schema(Box<duis_xsd::Finding>),
    /// An SRV that is not part of the SR.
    SrvNotInSr {
        /// ServiceReference as written.
        sr: String,
        /// ServiceReferenceVariant, as written.
        srv: Cow<'static, str>,
    },
    /// A ServiceReferenceVariant a schema given at run time allows and the catalogue does not
    /// know.
    UnknownSrv {
        /// ServiceReferenceVariant, as written.
        srv: String,
    },
    /// A reply's content element that does not answer its SRV.
    Content {
        /// The content element's local name.
        element: &'static str,
        /// The reply's ServiceReferenceVariant.
        srv: &'static str,
        /// The content the SRV calls for, when there is one to name.
        expected: Option<&'static str>,
    },
    /// A reply's SR-specific ResponseCode belongs to another SR than the one it names.
    CodeOfAnotherSr {
        /// The ResponseCode.
        code: String,
        /// The SR its digits spell.
        code_sr: String,
        /// The SR the reply names.
        sr: String,
    },
    /// A SMETS1 device reply's header names another SR or SRV than the reply around it.
    Smets1Header {
        /// `ServiceReference` or `ServiceReferenceVariant`.
        field: &'static str,
        /// The value in the `SMETS1ResponseMessage`.
        outer: String,
        /// The value in the device reply's own header.
        inner: String,
    },
    /// A scheduled SRV outside the scheduled SR (5.1 Create Schedule).
    ScheduledSrvNotInSr {
        /// `DSPScheduledServiceReference` as written.
        sr: String,
        /// `DSPScheduledServiceReferenceVariant`.
        srv: &'static str,
    },
    /// A scheduled request element that does not fit the scheduled SRV.
    ScheduledBodyMismatch {
        /// `DSPScheduledServiceReferenceVariant`.
        srv: &'static str,
        /// The element the SRV is scheduled with.
        expected: String,
        /// The element found.
        found: String,
    },
    /// A scheduled SRV that the eligibility matrix does not mark "DCC Scheduled".
    NotDccScheduled {
        /// `DSPScheduledServiceReferenceVariant`.
        srv: &'static str,
    },
    /// A schedule's `DeviceID` that is the DCC's identifier.
    ScheduledDevice {
        /// The `DeviceID`.
        device: Eui64,
    },
    /// A body element that does not fit the SRV.
    BodyMismatch {
        /// ServiceReferenceVariant.
        srv: &'static str,
        /// The body element the SRV uses.
        expected: &'static str,
        /// The body element found.
        found: String,
    },
    /// A CommandVariant that does not fit.
    CommandVariant {
        /// The CommandVariant found.
        cv: CommandVariant,
        /// The SRV, where it is known.
        srv: Option<&'static str>,
        /// What is allowed here.
        allowed: CvSet,
    },
    /// A CommandVariant that does not fit the body element.
    CvBody {
        /// The CommandVariant found.
        cv: CommandVariant,
        /// The body element found.
        body: String,
    },
    /// An ExecutionDateTime rule.
    ExecutionDateTime {
        /// ServiceReferenceVariant.
        srv: &'static str,
    },
    /// The RequestID target, compared with the DCC's identifier.
    Target {
        /// The RequestID target.
        target: Eui64,
        /// The configured DCC identifier.
        dcc: Eui64,
        /// The CommandVariant.
        cv: CommandVariant,
    },
    /// A device request's target that is a DCC User (the originator, or a registered party).
    TargetParty {
        /// The RequestID target.
        target: Eui64,
        /// The CommandVariant.
        cv: CommandVariant,
    },
    /// A party the registry does not know.
    Party {
        /// Its EUI-64.
        party: Eui64,
    },
    /// A party without an eligible role.
    Eligibility {
        /// The originator.
        party: Eui64,
        /// The ServiceReferenceVariant.
        srv: &'static str,
        /// The roles the party holds.
        held: RoleSet,
        /// The roles eligible for the SRV.
        eligible: RoleSet,
        /// True when `srv` is the request a 5.1 Create Schedule schedules, not the header's.
        scheduled: bool,
    },
    /// A date-time compared with the evaluation time.
    Dates {
        /// The date-time in the message.
        value: DateTime,
        /// The evaluation time.
        now: DateTime,
    },
    /// A date-time with a CommandVariant that does not future-date.
    CvDate {
        /// The CommandVariant.
        cv: CommandVariant,
    },
    /// A replayed counter.
    Replay {
        /// The originator.
        party: Eui64,
        /// The counter in the message.
        counter: u64,
        /// The last counter accepted from the originator.
        last: u64,
    },
    /// A replayed counter in a Signed Pre-Command, judged against the Signed Pre-Commands
    /// accepted before it.
    SignedPreCommandReplay {
        /// The originator.
        party: Eui64,
        /// The counter in the message.
        counter: u64,
        /// The last Signed Pre-Command counter accepted from the originator.
        last: u64,
    },
    /// A field of an SR 12.1 WAN matrix entry.
    WanField {
        /// The element name.
        field: &'static str,
        /// Its value as written.
        value: String,
    },
    /// A RequestID counter beyond u64.
    Counter {
        /// The counter digits as written (beyond 40 digits: the first 20, an ellipsis and the
        /// number of digits).
        digits: String,
    },
    /// A `GBCSPayload` that is not base64.
    GbcsBase64 {
        /// Byte offset in the payload text (after entity expansion).
        offset: usize,
        /// The character at fault; `None` when the text ended too early.
        found: Option<char>,
        /// What base64 allows there.
        expected: &'static str,
    },
    /// A byte of the GBCS payload with the wrong value.
    GbcsByte {
        /// The field, e.g. `transaction-id length`.
        field: &'static str,
        /// Its offset in the decoded payload.
        offset: usize,
        /// The byte found.
        found: u8,
        /// What the layout requires, in hex.
        expected: &'static str,
    },
    /// A GBCS length with a value the layout does not allow.
    GbcsLength {
        /// The field, e.g. `other-information length`.
        field: &'static str,
        /// Its offset in the decoded payload.
        offset: usize,
        /// The length found.
        length: usize,
        /// What the layout requires.
        expected: &'static str,
    },
    /// The GBCS payload ends inside a field.
    GbcsTruncated {
        /// The field cut short.
        field: &'static str,
        /// Its offset in the decoded payload.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes the payload has left from `offset`.
        available: usize,
    },
    /// Bytes after the end of the GBCS APDU.
    GbcsTrailingBytes {
        /// Offset of the first extra byte in the decoded payload.
        offset: usize,
        /// How many extra bytes.
        count: usize,
    },
    /// A GBCS payload without a signature.
    GbcsUnsigned {
        /// Offset in the decoded payload where the signature length should be.
        offset: usize,
        /// True when a `00` stands there; false when the payload simply ends.
        zero: bool,
    },
    /// A GBCS header field that differs from the RequestID.
    GbcsIdentity {
        /// `originator` (RequestID field 1) or `recipient` (RequestID field 2, the target).
        field: &'static str,
        /// The system title in the APDU.
        apdu: Eui64,
        /// The EUI-64 in the RequestID.
        request: Eui64,
    },
    /// A GBCS originator counter that differs from the RequestID counter.
    GbcsCounter {
        /// The counter in the APDU.
        apdu: u64,
        /// The RequestID counter.
        request: u64,
    },
    /// A GBCS message code the SRV does not use.
    GbcsMessageCode {
        /// The message code in the APDU.
        code: u16,
        /// ServiceReferenceVariant.
        srv: &'static str,
        /// The SRV's message codes.
        expected: Vec<u16>,
    },
    /// A GBCS signature whose r or s is 0 or not below the P-256 group order: no key can
    /// verify it (SEC 1 §4.1.4 step 1).
    GbcsSignatureRange {
        /// `r` or `s`.
        part: &'static str,
    },
    /// A GBCS signature no trusted key verifies.
    GbcsSigner {
        /// The APDU originator, whose keys were looked up.
        originator: Eui64,
        /// The keys tried (empty when there were none).
        tried: Vec<String>,
    },
    /// A GBCS signature that verifies with a key of the wrong role.
    GbcsSignerRole {
        /// The APDU originator.
        originator: Eui64,
        /// The key that verified.
        key: String,
        /// Its remote party role (certificate subject OU); `None` when the OU is not two hex
        /// digits and names no role.
        role: Option<u8>,
    },
    /// A GBCS signature that verifies only with a User role key the SRV is not sent by.
    GbcsSignerNotEligible {
        /// The APDU originator.
        originator: Eui64,
        /// The key that verified.
        key: String,
        /// Its remote party role (certificate subject OU).
        role: u8,
        /// The ServiceReferenceVariant.
        srv: &'static str,
        /// The SRV's eligible User Roles (`IS GS`).
        eligible: String,
    },
    /// A Signed Pre-Command that differs from the Pre-Command the DCC issued.
    GbcsPreCommand {
        /// Offset of the first differing byte (the shorter length when one is a prefix of the other).
        offset: usize,
        /// Length of the signed payload without its signature.
        signed_length: usize,
        /// Length of the issued Pre-Command.
        issued_length: usize,
    },
    // --- sig.*, pki.*, mp104.* (src/dsig, src/pki, src/rules/mp104.rs) ---
    /// An algorithm URI outside the DUIS signature profile.
    Algorithm {
        /// The element carrying the `Algorithm` attribute.
        element: &'static str,
        /// The URI found, as written (after attribute-value normalisation).
        found: String,
        /// The only URI the profile allows.
        expected: &'static str,
    },
    /// An element the signature profile does not allow where it was found.
    SignatureElement {
        /// The element found, as `{namespace}local` or `local`, or `text`.
        found: String,
        /// The element it was found in.
        parent: &'static str,
    },
    /// Something the signature profile requires is missing.
    SignatureMissing {
        /// The missing element or attribute.
        what: &'static str,
        /// Where it belongs.
        parent: &'static str,
    },
    /// An element that occurs more often than the profile allows.
    Count {
        /// The element.
        element: &'static str,
        /// How many were found.
        found: u32,
        /// How many are allowed.
        allowed: u32,
    },
    /// A `Reference` URI other than `""`.
    ReferenceUri {
        /// The URI as written, or `None` when the attribute is absent.
        found: Option<String>,
    },
    /// A base64 value that does not decode.
    Base64 {
        /// The element holding it.
        element: &'static str,
    },
    /// A decoded value of the wrong length.
    Length {
        /// The element holding it.
        element: &'static str,
        /// The length the profile requires, in bytes.
        expected: usize,
        /// The decoded length.
        found: usize,
    },
    /// A signature value longer than the signature pass keeps.
    TooLong {
        /// The element.
        element: &'static str,
        /// The most characters kept, white space the value ignores aside.
        max: usize,
    },
    /// A `KeyInfo` value that does not parse.
    KeyName {
        /// The element.
        element: &'static str,
        /// The value as written.
        value: String,
        /// Why it does not parse.
        reason: &'static str,
    },
    /// The signed and the computed document digest.
    Digest {
        /// `DigestValue`, base64.
        signed: String,
        /// SHA-256 of the canonical document, base64.
        computed: String,
    },
    /// The certificate the signature names.
    Signer {
        /// `X509IssuerName` as written.
        issuer: String,
        /// `X509SerialNumber`, decimal.
        serial: String,
    },
    /// A certificate outside its validity period.
    Validity {
        /// `notBefore`.
        not_before: DateTime,
        /// `notAfter`.
        not_after: DateTime,
        /// The evaluation time.
        now: DateTime,
    },
    /// An evaluation time with no UTC offset: certificate validity (defined in UTC) was not
    /// checked against it.
    LocalTime {
        /// The evaluation time given.
        now: DateTime,
    },
    /// A signer certificate that does not fit the profile.
    Profile {
        /// The certificate's serial, decimal.
        serial: String,
        /// What is wrong with it.
        misfit: Misfit,
    },
    /// The signer's role, compared with what the rule needs.
    Role {
        /// The subject OU as written.
        role: String,
        /// The signer's EUI-64, when its certificate carries one.
        signer: Option<Eui64>,
        /// What the rule needs, in words.
        expected: &'static str,
    },
    /// The signer's EUI-64 compared with the RequestID originator.
    Originator {
        /// The signing certificate's EUI-64.
        signer: Eui64,
        /// The RequestID originator.
        originator: Eui64,
    },
    /// A reply's signer compared with the DCC's identifier.
    DccSigner {
        /// The signing certificate's EUI-64, if it carries one.
        signer: Option<Eui64>,
        /// Its subject OU as written.
        role: String,
        /// The configured DCC identifier.
        dcc: Eui64,
    },
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::None => Ok(()),
            Detail::Parser(message) => f.write_str(message),
            Detail::Limit { max } => write!(f, "the limit is {max}"),
            Detail::Encoding { declared } => {
                write!(f, "encoding {declared:?} is not UTF-8; DUIS messages are UTF-8")
            }
            Detail::InvalidChar { code_point } if *code_point == u32::MAX => {
                f.write_str("a character reference beyond U+10FFFF refers to no character")
            }
            Detail::InvalidChar { code_point } if char::from_u32(*code_point).is_none() => {
                write!(f, "U+{code_point:04X} is no character (a surrogate or beyond U+10FFFF)")
            }
            Detail::InvalidChar { code_point } => {
                write!(f, "character U+{code_point:04X} is not allowed in XML 1.0")
            }
            Detail::UnboundPrefix { prefix } => {
                write!(f, "namespace prefix {prefix:?} is not declared")
            }
            Detail::Entity { name } => write!(
                f,
                "entity &{name}; is not defined (only &amp; &lt; &gt; &quot; &apos; and character references are)"
            ),
            Detail::Attribute { name } => write!(f, "attribute {name:?} appears twice"),
            Detail::Schema(finding) => write!(f, "{finding}"),
            Detail::SrvNotInSr { sr, srv } => {
                write!(f, "ServiceReferenceVariant {srv:?} does not belong to ServiceReference {sr:?}")
            }
            Detail::UnknownSrv { srv } => write!(
                f,
                "ServiceReferenceVariant {srv:?} is not in the DUIS 5.4 catalogue: its body element, CommandVariant, \
                 dating and eligibility rules were not applied"
            ),
            Detail::Content { element, srv, expected: Some(expected) } => {
                write!(f, "a {srv} reply carries {element}; its content is {expected}")
            }
            Detail::Content { element, srv, expected: None } => {
                write!(f, "{element} answers 12.1 Request WAN Matrix, not ServiceReferenceVariant {srv}")
            }
            Detail::CodeOfAnotherSr { code, code_sr, sr } => {
                write!(f, "ResponseCode {code} is one of ServiceReference {code_sr}'s codes; the reply names {sr}")
            }
            Detail::Smets1Header { field, outer, inner } => write!(
                f,
                "the SMETS1 device reply's header names {field} {inner:?}; the SMETS1ResponseMessage around it names {outer:?}"
            ),
            Detail::ScheduledSrvNotInSr { sr, srv } => write!(
                f,
                "the scheduled ServiceReferenceVariant {srv} does not belong to the scheduled ServiceReference {sr:?}"
            ),
            Detail::ScheduledBodyMismatch { srv, expected, found } => write!(
                f,
                "the scheduled request is {found}, but ServiceReferenceVariant {srv} is scheduled with {expected}"
            ),
            Detail::NotDccScheduled { srv } => write!(
                f,
                "ServiceReferenceVariant {srv} is not DCC Scheduled in the eligibility matrix, although the schema \
                 lists it"
            ),
            Detail::ScheduledDevice { device } => {
                write!(f, "DeviceID {device} is the DCC's identifier; a schedule reads a device")
            }
            Detail::BodyMismatch { srv, expected, found } => {
                write!(f, "body element {found} does not fit ServiceReferenceVariant {srv}, which uses {expected}")
            }
            Detail::CommandVariant { cv, .. } if cv.get() == 9 => {
                write!(f, "CommandVariant 9 is DCC-internal and never valid on a Service Request")
            }
            Detail::CvBody { cv, body } if body == "SignedPreCommand" => write!(
                f,
                "the body is SignedPreCommand, which only CommandVariant 5, 6 or 7 submits; found CommandVariant {cv}"
            ),
            Detail::CvBody { cv, body } => write!(
                f,
                "CommandVariant {cv} submits a Signed Pre-Command, so the body must be SignedPreCommand, not {body}"
            ),
            Detail::CommandVariant { cv, srv, allowed } => {
                write!(f, "CommandVariant {cv}")?;
                if let Some(srv) = srv {
                    write!(f, " is not allowed for ServiceReferenceVariant {srv}")?;
                } else {
                    f.write_str(" is not allowed here")?;
                }
                write!(f, "; allowed: {allowed}")
            }
            Detail::ExecutionDateTime { srv } => {
                write!(f, "ServiceReferenceVariant {srv}")
            }
            Detail::Target { target, dcc, cv } => {
                write!(f, "CommandVariant {cv} targets {target}; the DCC's identifier is {dcc}")
            }
            Detail::TargetParty { target, cv } => {
                write!(f, "CommandVariant {cv} targets {target}, a DCC User's identifier, not a device")
            }
            Detail::Party { party } => write!(f, "the party registry does not know originator {party}"),
            Detail::Eligibility { party, srv, held, eligible, scheduled } => {
                let which =
                    if *scheduled { "the scheduled ServiceReferenceVariant" } else { "ServiceReferenceVariant" };
                write!(f, "originator {party} holds {held}; {which} {srv} may be sent by {eligible}")
            }
            Detail::Dates { value, now } => write!(f, "ExecutionDateTime {value}, evaluated at {now}"),
            Detail::CvDate { cv } => write!(f, "ExecutionDateTime with CommandVariant {cv}"),
            Detail::Replay { party, counter, last } => {
                write!(f, "counter {counter} from {party} is not greater than the last accepted, {last}")
            }
            Detail::SignedPreCommandReplay { party, counter, last } => write!(
                f,
                "Signed Pre-Command counter {counter} from {party} is not greater than the last Signed Pre-Command \
                 counter accepted, {last}"
            ),
            Detail::WanField { field, value } if value == " " => {
                write!(f, "{field} is \" \", which means Unknown")
            }
            Detail::WanField { field, value } => {
                write!(f, "{field} is {value:?}: white space only, kept as text (only a single space means Unknown)")
            }
            Detail::Counter { digits } => {
                write!(f, "counter {digits} is larger than 18446744073709551615")
            }
            Detail::GbcsBase64 { offset, found: Some(c), expected } => {
                write!(f, "GBCSPayload text offset {offset}: found {c:?}; expected {expected}")
            }
            Detail::GbcsBase64 { offset, found: None, expected } => {
                write!(f, "GBCSPayload text ends at offset {offset}; expected {expected}")
            }
            Detail::GbcsByte { field, offset, found, expected } => {
                write!(f, "{field} at payload offset {offset} is {found:02X}; expected {expected}")
            }
            Detail::GbcsLength { field, offset, length, expected } => {
                write!(f, "{field} at payload offset {offset} is {length}; expected {expected}")
            }
            Detail::GbcsTruncated { field, offset, needed, available } => {
                write!(f, "{field} at payload offset {offset} needs {needed} bytes; {available} remain")
            }
            Detail::GbcsTrailingBytes { offset, count } => {
                write!(f, "{count} bytes follow the end of the APDU at payload offset {offset}")
            }
            Detail::GbcsUnsigned { offset, zero: true } => {
                write!(f, "signature length at payload offset {offset} is 00: an unsigned Pre-Command")
            }
            Detail::GbcsUnsigned { offset, zero: false } => {
                write!(f, "the payload ends at offset {offset}, after the content, with no signature")
            }
            Detail::GbcsIdentity { field, apdu, request } => {
                let id_field = if *field == "originator" { "originator" } else { "target" };
                write!(f, "APDU {field} {apdu} differs from RequestID {id_field} {request}")
            }
            Detail::GbcsCounter { apdu, request } => {
                write!(f, "APDU originator counter {apdu} differs from RequestID counter {request}")
            }
            Detail::GbcsMessageCode { code, srv, expected } => {
                write!(f, "message code {code:04X} is not used by ServiceReferenceVariant {srv}; expected ")?;
                match expected.as_slice() {
                    [] => f.write_str("none (the SRV carries no GBCS command)"),
                    [one] => write!(f, "{one:04X}"),
                    many => {
                        f.write_str("one of ")?;
                        for (i, c) in many.iter().enumerate() {
                            if i > 0 {
                                f.write_str(", ")?;
                            }
                            write!(f, "{c:04X}")?;
                        }
                        Ok(())
                    }
                }
            }
            Detail::GbcsSigner { originator, tried } if tried.is_empty() => {
                write!(
                    f,
                    "no trusted Digital Signing certificate for originator {originator} to check the GBCS signature"
                )
            }
            Detail::GbcsSignatureRange { part } => {
                write!(f, "the GBCS signature's {part} is 0 or not below the P-256 group order: no key can verify it")
            }
            Detail::GbcsSigner { originator, tried } => {
                write!(
                    f,
                    "the GBCS signature verifies with no trusted key of originator {originator}; tried {}",
                    tried.join(", ")
                )
            }
            Detail::GbcsSignerNotEligible { originator, key, role, srv, eligible } => write!(
                f,
                "the GBCS signature verifies only with {key} of originator {originator}, of role {role:02X}; \
                 ServiceReferenceVariant {srv} is sent by {eligible}, whose role key must sign it"
            ),
            Detail::GbcsSignerRole { originator, key, role: Some(role) } => write!(
                f,
                "the GBCS signature verifies only with {key} of originator {originator}, whose role {role:02X} is \
                 not a User role; sign with the role Digital Signing key"
            ),
            Detail::GbcsSignerRole { originator, key, role: None } => write!(
                f,
                "the GBCS signature verifies only with {key} of originator {originator}, whose certificate's OU is \
                 not two hex digits and names no role; sign with the role Digital Signing key"
            ),
            Detail::GbcsPreCommand { offset, signed_length, issued_length } => write!(
                f,
                "the signed payload without its signature differs from the issued Pre-Command at payload offset \
                 {offset} ({signed_length} bytes against {issued_length})"
            ),
            Detail::Algorithm { element, found, expected } => {
                write!(f, "{element} Algorithm {found:?} is outside the DUIS profile, which allows only {expected:?}")
            }
            Detail::SignatureElement { found, parent } => {
                write!(f, "{found} is not allowed in {parent} by the DUIS signature profile")
            }
            Detail::SignatureMissing { what, parent } => write!(f, "{parent} has no {what}"),
            Detail::Count { element, found, allowed } => {
                write!(f, "{found} {element} elements; the DUIS signature profile allows {allowed}")
            }
            Detail::ReferenceUri { found: Some(uri) } => {
                write!(f, "Reference URI {uri:?} is not \"\" (the whole document)")
            }
            Detail::ReferenceUri { found: None } => {
                f.write_str("Reference has no URI attribute; DUIS signs the whole document with URI=\"\"")
            }
            Detail::Base64 { element } => write!(f, "{element} is not base64"),
            Detail::Length { element, expected, found } => {
                write!(f, "{element} decodes to {found} bytes, not {expected}")
            }
            Detail::KeyName { element, value, reason } => write!(f, "{element} {value:?}: {reason}"),
            Detail::TooLong { element, max } => {
                write!(f, "{element} is longer than {max} characters (white space it ignores aside)")
            }
            Detail::Digest { signed, computed } => {
                write!(f, "DigestValue is {signed} but the canonical document hashes to {computed}")
            }
            Detail::Signer { issuer, serial } => {
                write!(f, "no trusted certificate has issuer {issuer:?} and serial {serial}")
            }
            Detail::Validity { not_before, not_after, now } => {
                write!(f, "the signer's certificate is valid from {not_before} to {not_after}; the time is {now}")
            }
            Detail::LocalTime { now } => write!(
                f,
                "certificate validity was not checked: the evaluation time {now} has no UTC offset, and validity \
                 is defined in UTC; give the time with an offset (such as `Z`)"
            ),
            Detail::Profile { serial, misfit } => {
                write!(f, "the signer's certificate (serial {serial}) does not fit the profile: {misfit}")
            }
            Detail::Role { role, signer, expected } => {
                write!(f, "signed with a certificate of role OU {role:?}")?;
                if let Some(eui) = signer {
                    write!(f, " (EUI {eui})")?;
                }
                write!(f, "; {expected}")
            }
            Detail::Originator { signer, originator } => {
                write!(f, "signed by {signer}, but the RequestID originator is {originator}")
            }
            Detail::DccSigner { signer, role, dcc } => {
                match signer {
                    Some(eui) => write!(f, "signed by {eui} with role OU {role:?}")?,
                    None => write!(f, "signed by a certificate with no EUI and role OU {role:?}")?,
                }
                write!(f, "; DCC replies are signed by the DCC ({dcc}) with OU 89")
            }
        }
    }
}

/// One problem found in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// How bad it is (the code's default severity).
    pub severity: Severity,
    /// Where in the input.
    pub span: Span,
    /// The facts, rendered by `Display`.
    pub detail: Detail,
}

impl Finding {
    pub(crate) fn new(code: Code, span: Span, detail: Detail) -> Finding {
        Finding { code, severity: code.severity(), span, detail }
    }
}

impl Finding {
    /// The human message, without the severity and code (`Display` on the finding adds them).
    pub fn message(&self) -> Message<'_> {
        Message(self)
    }
}

/// The human message of a [`Finding`], from [`Finding::message`].
#[derive(Clone, Copy, Debug)]
pub struct Message<'f>(&'f Finding);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let finding = self.0;
        match &finding.detail {
            Detail::None => write_line(f, summary(finding.code)),
            detail => {
                if needs_summary(finding.code) {
                    write_line(f, summary(finding.code).trim_end_matches('.'))?;
                    f.write_str("; ")?;
                }
                write!(f, "{detail}")
            }
        }
    }
}

impl fmt::Display for Finding {
    /// `error request.cv-not-allowed: CommandVariant 1 is not allowed ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.severity, self.code, self.message())
    }
}

/// Writes doc-comment text on one line: each line break, with the indentation after it, is
/// one space (a message is one line of the human format).
fn write_line(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        f.write_str(if i > 0 { line.trim_start() } else { line })?;
    }
    Ok(())
}

/// The first sentence of the code's explanation.
fn summary(code: Code) -> &'static str {
    let text = code.explanation().trim_start();
    let end = text.find(". ").or_else(|| text.find(".\n")).map_or(text.len(), |i| i + 1);
    text.get(..end).unwrap_or(text).trim_end()
}

/// Details that do not say on their own what went wrong get the code's summary in front.
fn needs_summary(code: Code) -> bool {
    matches!(
        code,
        Code::LimitInputSize
            | Code::LimitDepth
            | Code::LimitElements
            | Code::LimitAttributes
            | Code::LimitTextLength
            | Code::LimitAttributeLength
            | Code::LimitFindings
            | Code::XmlUnclosed
            | Code::RequestExecutionDateTimeNotAllowed
            | Code::RequestExecutionDateTimeRequired
    )
}

/// Collects findings, up to the `max_findings` limit.
#[derive(Debug)]
pub(crate) struct Findings {
    list: Vec<Finding>,
    max: usize,
    dropped: usize,
    /// An error is among the findings kept.
    error_kept: bool,
}

impl Findings {
    /// At most `max` findings, and never fewer than one: an empty list would leave nowhere for
    /// the error that decides the verdict.
    pub(crate) fn new(max: usize) -> Findings {
        Findings { list: Vec::new(), max: max.max(1), dropped: 0, error_kept: false }
    }

    pub(crate) fn push(&mut self, code: Code, span: Span, detail: Detail) {
        let error = code.severity() == Severity::Error;
        if self.list.len() < self.max {
            self.list.push(Finding::new(code, span, detail));
            self.error_kept |= error;
            return;
        }
        self.dropped = self.dropped.saturating_add(1);
        // A list full of warnings must not hide the error that makes the message invalid (a
        // WAN matrix reply with a thousand blank-text warnings, then a bad value): the first
        // error dropped takes the place of the last warning kept.
        if error
            && !self.error_kept
            && let Some(slot) = self.list.iter_mut().rev().find(|f| f.severity != Severity::Error)
        {
            *slot = Finding::new(code, span, detail);
            self.error_kept = true;
        }
    }

    /// Counts findings dropped before they reached this list (the schema pass keeps its own
    /// up to the same limit).
    pub(crate) fn note_dropped(&mut self, dropped: usize) {
        self.dropped = self.dropped.saturating_add(dropped);
    }

    #[cfg(test)]
    pub(crate) fn finish_for_tests(self) -> Vec<Finding> {
        self.finish()
    }

    /// Keeps only the findings `keep` accepts.
    pub(crate) fn retain(&mut self, keep: impl FnMut(&Finding) -> bool) {
        self.list.retain(keep);
        self.error_kept = self.list.iter().any(|f| f.severity == Severity::Error);
    }

    /// The findings so far.
    pub(crate) fn list(&self) -> &[Finding] {
        &self.list
    }

    fn finish(mut self) -> Vec<Finding> {
        if self.dropped > 0 {
            let max = u64::try_from(self.max).unwrap_or(u64::MAX);
            let span = self.list.last().map_or(Span::default(), |f| f.span);
            self.list.push(Finding::new(Code::LimitFindings, span, Detail::Limit { max }));
        }
        self.list.sort_by_key(|f| (f.span.start, f.span.end));
        self.list
    }
}

/// The result of validating one message. Borrows the input.
///
/// The message is valid when no finding has [`Severity::Error`]; [`Report::findings`] lists
/// every finding, warnings included, in input order.
#[derive(Debug)]
pub struct Report<'a> {
    input: &'a [u8],
    kind: Option<MessageKind>,
    findings: Vec<Finding>,
    request: Option<RequestFacts<'a>>,
    response: Option<ResponseFacts<'a>>,
    gbcs: Option<GbcsHeader>,
    skipped: Vec<Skipped>,
    xml_signer: Option<std::sync::Arc<XmlSigner>>,
}

/// What the pass found about the message, for [`Report::new`].
#[derive(Debug, Default)]
pub(crate) struct Facts<'a> {
    pub(crate) kind: Option<MessageKind>,
    pub(crate) request: Option<RequestFacts<'a>>,
    pub(crate) response: Option<ResponseFacts<'a>>,
    pub(crate) gbcs: Option<GbcsHeader>,
    pub(crate) skipped: Vec<Skipped>,
    /// Shared with the trust store's certificate: no copy per message.
    pub(crate) xml_signer: Option<std::sync::Arc<XmlSigner>>,
}

/// The certificate whose key verified a message's XML signature (whether or not MP104 then
/// accepts it as the right signer).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct XmlSigner {
    /// The certificate's issuer, RFC 4514.
    pub issuer: String,
    /// Its serial number, decimal.
    pub serial: String,
    /// Its subject OU (role) as written, e.g. `87`.
    pub role: String,
    /// Its subject EUI-64.
    pub eui: Option<Eui64>,
}

impl fmt::Display for XmlSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} serial {} (OU {}", self.issuer, self.serial, self.role)?;
        if let Some(eui) = self.eui {
            write!(f, ", {eui}")?;
        }
        f.write_str(")")
    }
}

/// A check the validator could not run for want of configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Skipped {
    /// No party registry: eligibility (`eligibility.*`) was not checked.
    Eligibility,
    /// No counter store: replay protection (`counter.*`) was not checked.
    ReplayProtection,
    /// No evaluation time: `ExecutionDateTime` was not compared with "now".
    Clock,
    /// No trust store: the GBCS signature inside a Signed Pre-Command was not verified (the
    /// XML signature says so itself, with `sig.unverified`).
    GbcsSignature,
}

impl Skipped {
    /// A stable lower-case name (`eligibility`, `replay-protection`, `clock`, `gbcs-signature`).
    pub fn as_str(self) -> &'static str {
        match self {
            Skipped::Eligibility => "eligibility",
            Skipped::ReplayProtection => "replay-protection",
            Skipped::Clock => "clock",
            Skipped::GbcsSignature => "gbcs-signature",
        }
    }
}

impl<'a> Report<'a> {
    pub(crate) fn new(input: &'a [u8], findings: Findings, facts: Facts<'a>) -> Report<'a> {
        let Facts { kind, request, response, gbcs, skipped, xml_signer } = facts;
        Report { input, kind, findings: findings.finish(), request, response, gbcs, skipped, xml_signer }
    }

    /// The certificate that verified the XML signature: set only when a trust store was given,
    /// the digest matched, the signature verified with the certificate's key, and the
    /// certificate was accepted (in date at `now`, chained when chains are required). MP104
    /// findings say whether it was the right signer.
    pub fn xml_signer(&self) -> Option<&XmlSigner> {
        self.xml_signer.as_deref()
    }

    /// The checks that did not run because the validator was built without what they need
    /// (a party registry, a counter store, a time). Empty for replies.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// The GBCS header of a Signed Pre-Command's payload, when it could be parsed: counter,
    /// system titles, message code and use case, content kind and length, and which role key
    /// verified its signature.
    pub fn gbcs_header(&self) -> Option<&GbcsHeader> {
        self.gbcs.as_ref()
    }

    /// The header facts of a reply (Service Response, Device Alert, DCC Alert; of an MMC
    /// `GBCSResponse`, its header's ServiceReference and ServiceReferenceVariant only).
    pub fn response(&self) -> Option<&ResponseFacts<'a>> {
        self.response.as_ref()
    }

    /// The decoded `DSPWANMatrix` of a reply. In an SR 12.1 reply a single space is
    /// [`WanText::Unknown`](crate::WanText::Unknown); under any other SRV it stays text.
    pub fn wan_matrix(&self) -> Option<&WanMatrix<'a>> {
        self.response.as_ref().and_then(|r| r.wan_matrix.as_ref())
    }

    /// True when no finding is an error.
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Every finding, in input order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// True when some finding has this code.
    pub fn has(&self, code: Code) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    /// What the message is, when its root element could be read.
    pub fn kind(&self) -> Option<MessageKind> {
        self.kind
    }

    /// The header and body facts of a Service Request or Signed Pre-Command.
    pub fn request(&self) -> Option<&RequestFacts<'a>> {
        self.request.as_ref()
    }

    /// The input this report describes.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// One-based line and column of a byte offset in the input. Columns count characters;
    /// an offset inside invalid UTF-8 counts each remaining byte as one column.
    pub fn position(&self, offset: usize) -> Position {
        position(self.input, offset)
    }

    /// The position of every finding's start, in the order of [`Report::findings`], found in
    /// one pass over the input: a thousand findings late in a 30 MB file cost one reading of
    /// it, where a [`Report::position`] each would read it a thousand times.
    pub fn finding_positions(&self) -> Vec<Position> {
        self.positions_of(self.findings.iter().map(|f| f.span.start))
    }

    /// Where every finding's span starts and ends (the end is the position of the first
    /// character after the span, as SARIF's `endLine` and `endColumn` take it), in the order
    /// of [`Report::findings`], found in one pass over the input like
    /// [`Report::finding_positions`]. A finding that marks a point starts and ends at it.
    pub fn finding_ranges(&self) -> Vec<Range<Position>> {
        let ends = self.findings.iter().flat_map(|f| [f.span.start, f.span.end.max(f.span.start)]);
        let both = self.positions_of(ends);
        both.chunks_exact(2).filter_map(|pair| Some(*pair.first()?..*pair.get(1)?)).collect()
    }

    /// The positions of `offsets`, in their order, in one forward walk over the input.
    fn positions_of(&self, offsets: impl Iterator<Item = usize>) -> Vec<Position> {
        let mut order: Vec<(usize, usize)> =
            offsets.enumerate().map(|(i, offset)| (offset.min(self.input.len()), i)).collect();
        order.sort_unstable();
        let mut out = vec![Position { line: 1, column: 1 }; order.len()];
        let mut walk = Walk::new(self.input);
        for (offset, index) in order {
            let here = walk.to(offset);
            if let Some(slot) = out.get_mut(index) {
                *slot = here;
            }
        }
        out
    }
}

/// Line and column counting through an input, forward only: lines end at LF, CR LF or a lone
/// CR (XML 1.0 §2.11); columns count characters; a UTF-8 byte-order mark takes none.
struct Walk<'a> {
    input: &'a [u8],
    at: usize,
    here: Position,
}

impl<'a> Walk<'a> {
    fn new(input: &'a [u8]) -> Walk<'a> {
        let bom = if input.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
        Walk { input, at: bom, here: Position { line: 1, column: 1 } }
    }

    /// The position of `offset` (not before the last one asked for).
    fn to(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.input.len());
        if offset <= self.at {
            return self.here;
        }
        let segment = self.input.get(self.at..offset).unwrap_or_default();
        // The byte before this segment, when it is a CR, ends a line the LF right after it
        // belongs to.
        let after_cr = self.at > 0 && self.input.get(self.at - 1) == Some(&b'\r');
        let line_end = |i: usize, b: u8| match b {
            b'\n' => !(if i == 0 { after_cr } else { segment.get(i - 1) == Some(&b'\r') }),
            b'\r' => true,
            _ => false,
        };
        let mut last_end = None;
        let mut lines = 0usize;
        for (i, &b) in segment.iter().enumerate() {
            if matches!(b, b'\n' | b'\r') {
                if line_end(i, b) {
                    lines += 1;
                }
                last_end = Some(i);
            }
        }
        match last_end {
            Some(last) => {
                self.here.line = self.here.line.saturating_add(lines);
                self.here.column = characters(segment.get(last.saturating_add(1)..).unwrap_or_default()) + 1;
            }
            None => self.here.column = self.here.column.saturating_add(characters(segment)),
        }
        self.at = offset;
        self.here
    }
}

/// Characters in `bytes`: every byte that is not a UTF-8 continuation byte starts one.
fn characters(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Line and column of `offset` in `input`.
pub(crate) fn position(input: &[u8], offset: usize) -> Position {
    Walk::new(input).to(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_past_the_findings_limit_is_never_hidden_by_warnings() {
        let mut findings = Findings::new(3);
        for at in 0..5 {
            findings.push(Code::WanMatrixBlankText, Span::new(at, at + 1), Detail::None);
        }
        findings.push(Code::SchemaBadValue, Span::new(9, 10), Detail::None);
        findings.push(Code::SchemaBadValue, Span::new(11, 12), Detail::None);
        let kept = findings.finish_for_tests();
        let codes: Vec<Code> = kept.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [Code::WanMatrixBlankText, Code::WanMatrixBlankText, Code::SchemaBadValue, Code::LimitFindings]
        );
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let input = "ab\ncé\nx".as_bytes();
        assert_eq!(position(input, 0), Position { line: 1, column: 1 });
        assert_eq!(position(input, 3), Position { line: 2, column: 1 });
        // 'é' is two bytes: the byte after it is column 3.
        assert_eq!(position(input, 6), Position { line: 2, column: 3 });
        assert_eq!(position(input, 7), Position { line: 3, column: 1 });
        assert_eq!(position(input, 100), Position { line: 3, column: 2 });
    }

    #[test]
    fn lines_end_at_cr_lf_and_lone_cr_and_a_bom_takes_no_column() {
        let input = "a\r\nb\rc\nd".as_bytes();
        assert_eq!(position(input, 3), Position { line: 2, column: 1 });
        assert_eq!(position(input, 5), Position { line: 3, column: 1 });
        assert_eq!(position(input, 7), Position { line: 4, column: 1 });
        // The LF of a CR LF is part of the line end the CR began: it is where the next line is.
        assert_eq!(position(input, 2), Position { line: 2, column: 1 });
        let bom = "\u{FEFF}<a/>".as_bytes();
        assert_eq!(position(bom, 3), Position { line: 1, column: 1 });
        assert_eq!(position(bom, 4), Position { line: 1, column: 2 });
    }

    #[test]
    fn all_finding_positions_in_one_pass_agree_with_each_position() {
        let input = "ab\ncé\r\nxyz\r\rq\n\nr".as_bytes();
        let mut findings = Findings::new(20);
        for start in [9, 0, 6, 7, 8, 3, 100, 6, 11, 12, 13, 4, 14] {
            findings.push(Code::XmlMalformed, Span::point(start), Detail::None);
        }
        let report = Report::new(input, findings, Facts::default());
        let each: Vec<Position> = report.findings().iter().map(|f| report.position(f.span.start)).collect();
        assert_eq!(report.finding_positions(), each);
    }

    #[test]
    fn finding_ranges_agree_with_the_position_of_each_end() {
        let input = "ab\ncé\r\nxyz\r\rq\n\nr".as_bytes();
        let mut findings = Findings::new(20);
        for (start, end) in [(9, 14), (0, 2), (6, 6), (3, 9), (100, 200), (12, 13), (4, 6), (13, 3)] {
            findings.push(Code::XmlMalformed, Span { start, end }, Detail::None);
        }
        let report = Report::new(input, findings, Facts::default());
        let each: Vec<Range<Position>> = report
            .findings()
            .iter()
            .map(|f| report.position(f.span.start)..report.position(f.span.end.max(f.span.start)))
            .collect();
        assert_eq!(report.finding_ranges(), each);
        let range_of = |start: usize, end: usize| {
            let index = report.findings().iter().position(|f| f.span == Span { start, end }).unwrap();
            report.finding_ranges()[index].clone()
        };
        // "é" is line 2, column 2; the CR LF after it is column 3.
        assert_eq!(range_of(4, 6), Position { line: 2, column: 2 }..Position { line: 2, column: 3 });
        // From "c" to "y", over a CR LF: line 2 column 1 to line 3 column 2.
        assert_eq!(range_of(3, 9), Position { line: 2, column: 1 }..Position { line: 3, column: 2 });
        // An end before the start is the start.
        let backwards = range_of(13, 3);
        assert_eq!(backwards.start, backwards.end);
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate code names");
        for code in Code::ALL {
            let name = code.as_str();
            assert!(name.contains('.'), "{name} has no family");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '-' || c.is_ascii_digit()),
                "{name} is not lower-case kebab"
            );
            assert_eq!(Code::from_name(name), Some(*code));
            assert!(!code.explanation().is_empty());
        }
    }

    #[test]
    fn every_message_is_one_line() {
        for code in Code::ALL {
            let mut findings = Findings::new(10);
            findings.push(*code, Span::point(0), Detail::None);
            findings.push(*code, Span::point(0), Detail::Limit { max: 64 });
            for finding in findings.finish().iter().filter(|f| f.code == *code) {
                let message = finding.message().to_string();
                assert!(!message.contains('\n'), "{code}: {message:?}");
                assert!(!message.contains("  "), "{code}: {message:?}");
            }
        }
    }

    #[test]
    fn summary_is_the_first_sentence() {
        assert_eq!(summary(Code::XmlNoRoot), "The input holds no root element.");
        assert_eq!(summary(Code::LimitDepth), "Elements are nested deeper than `Limits::max_depth`.");
    }

    #[test]
    fn findings_beyond_the_limit_are_counted_not_kept() {
        let mut findings = Findings::new(2);
        for i in 0..5 {
            findings.push(Code::SchemaBadValue, Span::point(i), Detail::None);
        }
        let list = findings.finish();
        assert_eq!(list.len(), 3);
        assert_eq!(list.last().map(|f| f.code), Some(Code::LimitFindings));
    }
}
