//! Borrowed, typed views of a DUIS message: what it is, its header and body facts.

mod datetime;
pub(crate) mod extract;
mod ids;

use std::borrow::Cow;

use core::fmt;

pub use datetime::{DateTime, ParseDateTimeError};
pub(crate) use ids::RequestIdError;
pub use ids::{CommandVariant, CvSet, Eui64, ParseEui64Error, RequestId};

use crate::catalogue::Srv;
use crate::report::Span;

/// What a DUIS document is, from its root element and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// `sr:Request` whose body is an SRV's own element.
    ServiceRequest,
    /// `sr:Request` whose body is `SignedPreCommand` (CV 5 to 7).
    SignedPreCommand,
    /// `sr:Response` carrying a `ResponseMessage`.
    Response,
    /// `sr:Response` carrying a `DeviceAlertMessage`.
    DeviceAlert,
    /// `sr:Response` carrying a `DCCAlertMessage`.
    DccAlert,
    /// `sr:Response` carrying a `SMETS1ResponseMessage`.
    Smets1Response,
    /// `sr:Request` or `sr:Response` whose body could not be read.
    Incomplete,
    /// `sr:SMETS1SignedResponse`.
    Smets1SignedResponse,
    /// `sr:S1SPAlert`.
    S1spAlert,
    /// A root in the MMC namespace `http://www.dccinterface.co.uk/ResponseAndAlert`.
    Mmc,
}

impl MessageKind {
    /// A stable lower-case name (`service-request`, `signed-pre-command`, `response`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::ServiceRequest => "service-request",
            MessageKind::SignedPreCommand => "signed-pre-command",
            MessageKind::Response => "response",
            MessageKind::DeviceAlert => "device-alert",
            MessageKind::DccAlert => "dcc-alert",
            MessageKind::Smets1Response => "smets1-response",
            MessageKind::Incomplete => "incomplete",
            MessageKind::Smets1SignedResponse => "smets1-signed-response",
            MessageKind::S1spAlert => "s1sp-alert",
            MessageKind::Mmc => "mmc",
        }
    }

    /// A Service Request or Signed Pre-Command.
    pub fn is_request(self) -> bool {
        matches!(self, MessageKind::ServiceRequest | MessageKind::SignedPreCommand)
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value with the span of the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where its text is (the element content, or the attribute).
    pub span: Span,
}

/// The body element of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Body<'a> {
    /// Its local name, e.g. `DisableSupply` or `SignedPreCommand`.
    pub element: &'a str,
    /// Its name as written, prefix included (`sr:DisableSupply`).
    pub qname: &'a str,
    /// From its start tag to the end of its end tag.
    pub span: Span,
}

/// The facts of a Service Request or Signed Pre-Command, each present when it was read and
/// well formed. Header fields that fail their type are absent and reported as findings.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RequestFacts<'a> {
    /// The root's `schemaVersion` attribute, as written.
    pub schema_version: Option<Located<Cow<'a, str>>>,
    /// `RequestID`, parsed.
    pub request_id: Option<Located<RequestId>>,
    /// `CommandVariant`, parsed.
    pub command_variant: Option<Located<CommandVariant>>,
    /// `ServiceReference`, as written (its type is an `xs:string` enumeration: white space
    /// counts).
    pub service_reference: Option<Located<Cow<'a, str>>>,
    /// `ServiceReferenceVariant`, from the catalogue.
    pub service_reference_variant: Option<Located<&'static Srv>>,
    /// `ServiceReferenceVariant` as written, whether or not the catalogue knows it (a schema
    /// given at run time can allow one it does not).
    pub service_reference_variant_as_written: Option<Located<Cow<'a, str>>>,
    /// The body element.
    pub body: Option<Body<'a>>,
    /// The body's `ExecutionDateTime`, parsed (absent when its value is no date-time, which
    /// the schema reports).
    pub execution_date_time: Option<Located<DateTime>>,
    /// The body's `ExecutionDateTime` element, start tag to end tag, whenever it is present:
    /// whether the request is future dated does not depend on the value being well formed.
    pub execution_date_time_element: Option<Span>,
    /// The `GBCSPayload` of a Signed Pre-Command, as written (base64 text, not decoded).
    pub gbcs_payload: Option<Located<Cow<'a, str>>>,
    /// The `ds:Signature` element that is a child of the root, if any.
    pub signature: Option<Span>,
    /// For a 5.1 Create Schedule, the request it schedules.
    pub schedule: Option<Schedule<'a>>,
    /// The originator and target of a RequestID whose counter is beyond u64 (it is then
    /// absent from `request_id`).
    pub(crate) ends_of_overflowed_id: Option<Located<(Eui64, Eui64)>>,
}

impl RequestFacts<'_> {
    /// The RequestID's originator and target, at the RequestID: also when its counter is
    /// beyond u64, since the rules on who sends to whom do not need the counter.
    pub(crate) fn ends(&self) -> Option<Located<(Eui64, Eui64)>> {
        match &self.request_id {
            Some(id) => Some(Located { value: (id.value.originator, id.value.target), span: id.span }),
            None => self.ends_of_overflowed_id.clone(),
        }
    }
}

/// The request a 5.1 Create Schedule (`CreateSchedule`, type `DSPSchedule`) asks the DCC to
/// send on the schedule's dates: each part present when it was read and well formed.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Schedule<'a> {
    /// `DSPScheduledServiceReference`, as written.
    pub service_reference: Option<Located<Cow<'a, str>>>,
    /// `DSPScheduledServiceReferenceVariant`, from the catalogue.
    pub service_reference_variant: Option<Located<&'static Srv>>,
    /// `DeviceID`, parsed.
    pub device_id: Option<Located<Eui64>>,
    /// The scheduled request's own element (`DSPRetrieveImportDailyReadLog`, ...), with its
    /// start tag.
    pub element: Option<Located<&'a str>>,
}

impl RequestFacts<'_> {
    /// The SRV, when the header named a known one.
    pub fn srv(&self) -> Option<&'static Srv> {
        self.service_reference_variant.as_ref().map(|l| l.value)
    }

    /// True when the body is `SignedPreCommand`.
    pub fn is_signed_pre_command(&self) -> bool {
        self.body.is_some_and(|b| b.element == "SignedPreCommand")
    }
}

/// The category of a DUIS `ResponseCode`: `I0`/`I99` success, `W…` warning, `E…` error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseCategory {
    /// `I0` (success) or `I99` (accepted).
    Success,
    /// A `W…` code.
    Warning,
    /// An `E…` code.
    Error,
}

/// A `ResponseCode` as written (after `xs:token`-style trimming of surrounding white space).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseCode<'a>(pub Cow<'a, str>);

impl ResponseCode<'_> {
    /// The code's category, from its first letter; `None` for a code outside the DUIS 5.4
    /// pattern (the schema reports it).
    pub fn category(&self) -> Option<ResponseCategory> {
        match self.0.as_bytes().first() {
            Some(b'I') => Some(ResponseCategory::Success),
            Some(b'W') => Some(ResponseCategory::Warning),
            Some(b'E') => Some(ResponseCategory::Error),
            _ => None,
        }
    }

    /// The ServiceReference an SR-specific code's digits spell (`E120101` is 12.1's, `E061501`
    /// 6.15's: DUIS-FACTS §11); `None` for the short codes (`I0`, `E65`...).
    pub fn service_reference(&self) -> Option<String> {
        let code = self.0.as_bytes();
        let ([b'E' | b'W'], digits) = code.split_at_checked(1)? else { return None };
        if digits.len() != 6 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let number = |pair: &[u8]| pair.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        Some(format!("{}.{}", number(digits.get(..2)?), number(digits.get(2..4)?)))
    }
}

/// The facts of a DUIS reply (`sr:Response`: a Service Response, Device Alert or DCC Alert; a
/// stand-alone `SMETS1SignedResponse`; an MMC `GBCSResponse`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ResponseFacts<'a> {
    /// `RequestID`, when the reply echoes one.
    pub request_id: Option<Located<RequestId>>,
    /// `ResponseID` (same grammar as RequestID; the responder comes first).
    pub response_id: Option<Located<RequestId>>,
    /// `ResponseCode`.
    pub response_code: Option<Located<ResponseCode<'a>>>,
    /// `ResponseDateTime`.
    pub response_date_time: Option<Located<DateTime>>,
    /// The `ServiceReference` of a `ResponseMessage`, when it is a DUIS one.
    pub service_reference: Option<Located<Cow<'a, str>>>,
    /// The `ServiceReferenceVariant` of a `ResponseMessage`.
    pub service_reference_variant: Option<Located<&'static Srv>>,
    /// The decoded `DSPWANMatrix` of a reply (in an SR 12.1 reply, `" "` is Unknown).
    pub wan_matrix: Option<WanMatrix<'a>>,
    /// The content element of a `ResponseMessage` (what follows its SR and SRV), by local
    /// name, at its start tag.
    pub content: Option<Located<&'a str>>,
    /// The `ServiceReference` in the header of a SMETS1 device reply (`SMETS1Response/Header`,
    /// inside a `SMETS1ResponseMessage` or a stand-alone `SMETS1SignedResponse`).
    pub smets1_service_reference: Option<Located<Cow<'a, str>>>,
    /// The `ServiceReferenceVariant` in the header of a SMETS1 device reply.
    pub smets1_service_reference_variant: Option<Located<&'static Srv>>,
}

/// A free-text field of an SR 12.1 WAN matrix entry. DUIS (SEC modification MP106) sends a
/// single space for "Unknown"; that decodes as [`WanText::Unknown`], never as the text `" "`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WanText<'a> {
    /// The value was exactly one space (U+0020).
    Unknown,
    /// Any other value, exactly as written (never trimmed).
    Text(Cow<'a, str>),
}

impl<'a> WanText<'a> {
    /// Decodes a value as written.
    pub fn decode(value: Cow<'a, str>) -> WanText<'a> {
        if value == " " { WanText::Unknown } else { WanText::Text(value) }
    }

    /// The text, or `None` for Unknown.
    pub fn text(&self) -> Option<&str> {
        match self {
            WanText::Unknown => None,
            WanText::Text(text) => Some(text),
        }
    }
}

/// One `DSPWANMatrixResponse` of an SR 12.1 reply.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WanMatrixEntry<'a> {
    /// The `DSPWANMatrixResponse` element.
    pub span: Span,
    /// `CSPRegion` (North, Central, South, 4G North, ..., Unknown, SMETS1).
    pub csp_region: Option<Cow<'a, str>>,
    /// `CSPRegionResponseCode`.
    pub csp_region_response_code: Option<Cow<'a, str>>,
    /// `CoverageAvailability`.
    pub coverage_availability: Option<bool>,
    /// `AnticipatedCoverageDate`, without the white space `xs:date` collapses.
    pub anticipated_coverage_date: Option<Cow<'a, str>>,
    /// `WANTechnology`.
    pub wan_technology: Option<Located<WanText<'a>>>,
    /// `ConnectivityLikelihood` (High, Medium, Low).
    pub connectivity_likelihood: Option<Cow<'a, str>>,
    /// `AuxiliaryEquipmentRequired`.
    pub auxiliary_equipment_required: Option<Located<WanText<'a>>>,
    /// `AdditionalInformation`.
    pub additional_information: Option<Located<WanText<'a>>>,
}

/// The decoded `DSPWANMatrix` of an SR 12.1 Request WAN Matrix reply.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WanMatrix<'a> {
    /// The `DSPWANMatrix` element.
    pub span: Span,
    /// Its `DSPWANMatrixResponse` entries, in document order.
    pub entries: Vec<WanMatrixEntry<'a>>,
}
