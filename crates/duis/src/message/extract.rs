//! The fact extractor: collects, from the event stream, the typed header and body facts the
//! rules need, each with its span.
//!
//! It checks nothing itself: the schema engine validates the same events in the same pass and
//! reports every structural or type problem. A field whose text does not parse is simply
//! absent from the facts, so no rule runs on it. The one exception is a RequestID counter
//! beyond u64, which gets its own, more precise code.

use std::borrow::Cow;

use crate::catalogue;
use crate::message::{
    Body, CommandVariant, DateTime, Eui64, Located, MessageKind, RequestFacts, RequestId, RequestIdError, ResponseCode,
    ResponseFacts, Schedule, WanMatrix, WanMatrixEntry, WanText,
};
use crate::report::{Code, Detail, Findings, Span};
use crate::xml::{Event, Ns, Reader, Start};

const RESPONSE_BODIES: &[(&str, MessageKind)] = &[
    ("ResponseMessage", MessageKind::Response),
    ("DeviceAlertMessage", MessageKind::DeviceAlert),
    ("DCCAlertMessage", MessageKind::DccAlert),
    ("SMETS1ResponseMessage", MessageKind::Smets1Response),
];

/// The header and body fields whose text is captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    RequestId,
    CommandVariant,
    ServiceReference,
    ServiceReferenceVariant,
    ExecutionDateTime,
    GbcsPayload,
    ResponseId,
    ResponseCode,
    ResponseDateTime,
    /// `DSPScheduledServiceReference` in a Create Schedule.
    ScheduledServiceReference,
    /// `DSPScheduledServiceReferenceVariant` in a Create Schedule.
    ScheduledServiceReferenceVariant,
    /// `DeviceID` in a Create Schedule.
    ScheduledDeviceId,
    /// A field of the current `DSPWANMatrixResponse`.
    Wan(WanField),
    /// `ServiceReference` in a SMETS1 device reply's own header.
    Smets1ServiceReference,
    /// `ServiceReferenceVariant` in a SMETS1 device reply's own header.
    Smets1ServiceReferenceVariant,
}

/// The fields of a `DSPWANMatrixResponse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WanField {
    CspRegion,
    CspRegionResponseCode,
    CoverageAvailability,
    AnticipatedCoverageDate,
    WanTechnology,
    ConnectivityLikelihood,
    AuxiliaryEquipmentRequired,
    AdditionalInformation,
}

impl WanField {
    fn from_name(local: &str) -> Option<WanField> {
        Some(match local {
            "CSPRegion" => WanField::CspRegion,
            "CSPRegionResponseCode" => WanField::CspRegionResponseCode,
            "CoverageAvailability" => WanField::CoverageAvailability,
            "AnticipatedCoverageDate" => WanField::AnticipatedCoverageDate,
            "WANTechnology" => WanField::WanTechnology,
            "ConnectivityLikelihood" => WanField::ConnectivityLikelihood,
            "AuxiliaryEquipmentRequired" => WanField::AuxiliaryEquipmentRequired,
            "AdditionalInformation" => WanField::AdditionalInformation,
            _ => return None,
        })
    }
}

impl Field {
    /// Its slot in `Extractor::raw` (WAN fields go to the current entry instead).
    fn index(self) -> Option<usize> {
        Some(match self {
            Field::RequestId => 0,
            Field::CommandVariant => 1,
            Field::ServiceReference => 2,
            Field::ServiceReferenceVariant => 3,
            Field::ExecutionDateTime => 4,
            Field::GbcsPayload => 5,
            Field::ResponseId => 6,
            Field::ResponseCode => 7,
            Field::ResponseDateTime => 8,
            Field::ScheduledServiceReference => 9,
            Field::ScheduledServiceReferenceVariant => 10,
            Field::ScheduledDeviceId => 11,
            Field::Smets1ServiceReference => 12,
            Field::Smets1ServiceReferenceVariant => 13,
            Field::Wan(_) => return None,
        })
    }
}

const FIELDS: usize = 14;

/// Text being collected for a field: borrowed while it is one chunk.
#[derive(Debug)]
enum Text<'a> {
    Empty,
    Borrowed(&'a str),
    Owned(String),
}

impl<'a> Text<'a> {
    /// Character data; `may_hold_cr` false says the input holds no CR at all.
    fn push_str(&mut self, chunk: &'a str, may_hold_cr: bool) {
        // XML end-of-line handling (XML 1.0 §2.11): CRLF and lone CR become LF.
        if may_hold_cr && chunk.contains('\r') {
            self.push_owned(&chunk.replace("\r\n", "\n").replace('\r', "\n"));
        } else if matches!(self, Text::Empty) {
            *self = Text::Borrowed(chunk);
        } else {
            self.push_owned(chunk);
        }
    }

    fn push_char(&mut self, ch: char) {
        let mut buffer = [0u8; 4];
        self.push_owned(ch.encode_utf8(&mut buffer));
    }

    fn push_owned(&mut self, more: &str) {
        let mut current = match core::mem::replace(self, Text::Empty) {
            Text::Empty => String::new(),
            Text::Borrowed(s) => s.to_owned(),
            Text::Owned(s) => s,
        };
        current.push_str(more);
        *self = Text::Owned(current);
    }

    fn into_cow(self) -> Cow<'a, str> {
        match self {
            Text::Empty => Cow::Borrowed(""),
            Text::Borrowed(s) => Cow::Borrowed(s),
            Text::Owned(s) => Cow::Owned(s),
        }
    }
}

/// A field being captured: its text, the span of that text, and the element's start.
#[derive(Debug)]
struct Capture<'a> {
    field: Field,
    text: Text<'a>,
    content: Span,
    element_start: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Root {
    Request,
    Response,
    /// An MMC `GBCSResponse`: only its header's SR and SRV are read.
    Mmc,
    /// A stand-alone `SMETS1SignedResponse`: only its header's SR and SRV are read.
    Smets1,
    Other,
}

/// What the element open at each tracked depth is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Root,
    Header,
    Body,
    Signature,
    Field(Field),
    BodyElement,
    WanMatrix,
    WanEntry,
    /// `SMETS1SignedResponse`, `SMETS1Response` and its `Header`: a SMETS1 device reply.
    Smets1Signed,
    Smets1Response,
    Smets1Header,
    Skip,
}

/// Depths the extractor tracks: root (1), header/body (2), fields and body element (3),
/// ExecutionDateTime, GBCSPayload, a reply's SR/SRV, DSPWANMatrix and SMETS1SignedResponse (4),
/// matrix entries and SMETS1Response (5), entry fields and the SMETS1 header (6), its SR and
/// SRV (7).
const TRACKED: usize = 7;

/// What the extractor found.
#[derive(Debug)]
pub(crate) struct Extraction<'a> {
    pub(crate) kind: Option<MessageKind>,
    pub(crate) request: Option<RequestFacts<'a>>,
    pub(crate) response: Option<ResponseFacts<'a>>,
}

/// The extractor. Feed it every event with [`Extractor::event`], then call
/// [`Extractor::finish`].
#[derive(Debug)]
pub(crate) struct Extractor<'a> {
    root: Option<Root>,
    kind: Option<MessageKind>,
    nodes: [Node; TRACKED],
    starts: [usize; TRACKED],
    body_children: u32,
    capture: Option<Capture<'a>>,
    raw: [Option<(Located<Cow<'a, str>>, usize)>; FIELDS],
    facts: RequestFacts<'a>,
    /// The WAN matrix of a 12.1 reply, decoded as its fields end.
    wan: Option<WanMatrix<'a>>,
    /// The first element of a `ResponseMessage` after its SR and SRV.
    response_content: Option<Located<&'a str>>,
    /// The scheduled request's element in a Create Schedule.
    scheduled_element: Option<Located<&'a str>>,
    /// The input holds a CR somewhere ([`Reader::has_cr`]): without one, no text needs
    /// end-of-line handling, nor a search for a CR.
    has_cr: bool,
}

impl<'a> Extractor<'a> {
    /// An extractor for an input that holds a CR somewhere (`has_cr`, [`Reader::has_cr`]) or
    /// none.
    pub(crate) fn new(has_cr: bool) -> Extractor<'a> {
        Extractor {
            root: None,
            kind: None,
            nodes: [Node::Skip; TRACKED],
            starts: [0; TRACKED],
            body_children: 0,
            capture: None,
            raw: Default::default(),
            facts: RequestFacts::default(),
            wan: None,
            response_content: None,
            scheduled_element: None,
            has_cr,
        }
    }

    /// Takes one event, just read by `reader`.
    pub(crate) fn event(&mut self, event: &Event<'a>, reader: &Reader<'a>) {
        match event {
            Event::Start(start) => self.start_tag(start, reader),
            Event::End(span) => self.end_tag(*span, reader),
            Event::Text(text, span) | Event::CData(text, span) => self.text(text, *span),
            Event::Ref(ch, span) => {
                if let Some(capture) = &mut self.capture {
                    if matches!(capture.text, Text::Empty) {
                        capture.content = Span::point(span.start);
                    }
                    capture.text.push_char(*ch);
                    capture.content.end = span.end;
                }
            }
            Event::Pi(..) | Event::Comment(_) => {}
        }
    }

    /// An [`Event::Start`] (the validator's loop, which has told the kinds apart, calls this
    /// and the two below directly).
    #[inline]
    pub(crate) fn start_tag(&mut self, start: &Start<'a>, reader: &Reader<'a>) {
        self.start(start, reader);
    }

    /// An [`Event::End`].
    #[inline]
    pub(crate) fn end_tag(&mut self, span: Span, reader: &Reader<'a>) {
        self.end(span, reader.depth());
    }

    /// An [`Event::Text`] or [`Event::CData`].
    #[inline]
    pub(crate) fn text(&mut self, text: &'a str, span: Span) {
        if let Some(capture) = &mut self.capture {
            if matches!(capture.text, Text::Empty) {
                capture.content = Span::point(span.start);
            }
            capture.text.push_str(text, self.has_cr);
            capture.content.end = span.end;
        }
    }

    fn slot(depth: u32) -> Option<usize> {
        usize::try_from(depth).ok().and_then(|d| d.checked_sub(1))
    }

    fn parent(&self, depth: u32) -> Node {
        Self::slot(depth).and_then(|i| i.checked_sub(1)).and_then(|i| self.nodes.get(i).copied()).unwrap_or(Node::Skip)
    }

    fn start(&mut self, start: &Start<'a>, reader: &Reader<'a>) {
        // A captured field has simple content; a child element ends the capture (the schema
        // engine reports the child).
        self.capture = None;
        let node = if start.depth == 1 {
            self.root_start(start, reader)
        } else {
            match (self.parent(start.depth), start.ns, start.local) {
                (Node::Root, Ns::Sr, "Header") => Node::Header,
                (Node::Root, Ns::Sr, "Body") => Node::Body,
                (Node::Root, Ns::Ra, "Header") if self.root == Some(Root::Mmc) => Node::Header,
                // An MMC header carries the SR and SRV of the request answered, both optional.
                (Node::Header, Ns::Ra, local) if self.root == Some(Root::Mmc) => match local {
                    "ServiceReference" => Node::Field(Field::ServiceReference),
                    "ServiceReferenceVariant" => Node::Field(Field::ServiceReferenceVariant),
                    _ => Node::Skip,
                },
                (Node::Root, Ns::Ds, "Signature") if self.facts.signature.is_none() => Node::Signature,
                (Node::Header, Ns::Sr, local) if self.root == Some(Root::Request) => match local {
                    "RequestID" => Node::Field(Field::RequestId),
                    "CommandVariant" => Node::Field(Field::CommandVariant),
                    "ServiceReference" => Node::Field(Field::ServiceReference),
                    "ServiceReferenceVariant" => Node::Field(Field::ServiceReferenceVariant),
                    _ => Node::Skip,
                },
                (Node::Header, Ns::Sr, local) if self.root == Some(Root::Response) => match local {
                    "RequestID" => Node::Field(Field::RequestId),
                    "ResponseID" => Node::Field(Field::ResponseId),
                    "ResponseCode" => Node::Field(Field::ResponseCode),
                    "ResponseDateTime" => Node::Field(Field::ResponseDateTime),
                    _ => Node::Skip,
                },
                // A ResponseMessage or SMETS1ResponseMessage echoes the request's SR and SRV.
                (Node::BodyElement, Ns::Sr, local)
                    if matches!(self.kind, Some(MessageKind::Response | MessageKind::Smets1Response)) =>
                {
                    match local {
                        "ServiceReference" => Node::Field(Field::ServiceReference),
                        "ServiceReferenceVariant" => Node::Field(Field::ServiceReferenceVariant),
                        "SMETS1SignedResponse" if self.kind == Some(MessageKind::Smets1Response) => Node::Smets1Signed,
                        local => {
                            if self.kind == Some(MessageKind::Response) && self.response_content.is_none() {
                                self.response_content = Some(Located { value: local, span: start.span });
                            }
                            if local == "DSPWANMatrix" && self.wan.is_none() {
                                self.wan = Some(WanMatrix { span: Span::point(start.span.start), entries: Vec::new() });
                                Node::WanMatrix
                            } else {
                                Node::Skip
                            }
                        }
                    }
                }
                (Node::Smets1Signed, Ns::Sr, "SMETS1Response") => Node::Smets1Response,
                (Node::Smets1Response, Ns::Sr, "Header") => Node::Smets1Header,
                (Node::Smets1Header, Ns::Ra, "ServiceReference") => Node::Field(Field::Smets1ServiceReference),
                (Node::Smets1Header, Ns::Ra, "ServiceReferenceVariant") => {
                    Node::Field(Field::Smets1ServiceReferenceVariant)
                }
                (Node::WanMatrix, Ns::Sr, "DSPWANMatrixResponse") => {
                    if let Some(matrix) = &mut self.wan {
                        matrix
                            .entries
                            .push(WanMatrixEntry { span: Span::point(start.span.start), ..Default::default() });
                    }
                    Node::WanEntry
                }
                (Node::WanEntry, Ns::Sr, local) => {
                    WanField::from_name(local).map_or(Node::Skip, |f| Node::Field(Field::Wan(f)))
                }
                (Node::Body, ns, local) => self.body_child(ns, local, start.qname, start.span),
                (Node::BodyElement, Ns::Sr, "ExecutionDateTime") if self.root == Some(Root::Request) => {
                    Node::Field(Field::ExecutionDateTime)
                }
                (Node::BodyElement, Ns::Sr, "GBCSPayload") if self.kind == Some(MessageKind::SignedPreCommand) => {
                    Node::Field(Field::GbcsPayload)
                }
                (Node::BodyElement, Ns::Sr, local)
                    if self.root == Some(Root::Request)
                        && self.facts.body.is_some_and(|b| b.element == "CreateSchedule") =>
                {
                    match local {
                        "DSPScheduledServiceReference" => Node::Field(Field::ScheduledServiceReference),
                        "DSPScheduledServiceReferenceVariant" => Node::Field(Field::ScheduledServiceReferenceVariant),
                        "DeviceID" => Node::Field(Field::ScheduledDeviceId),
                        _ => {
                            // The scheduled request's element is the only other `DSP…` child.
                            if local.starts_with("DSP") && self.scheduled_element.is_none() {
                                self.scheduled_element = Some(Located { value: local, span: start.span });
                            }
                            Node::Skip
                        }
                    }
                }
                _ => Node::Skip,
            }
        };
        if let Node::Field(field) = node {
            self.capture = Some(Capture {
                field,
                text: Text::Empty,
                content: Span::point(start.span.end),
                element_start: start.span.start,
            });
        }
        if let Some(i) = Self::slot(start.depth) {
            if let Some(slot) = self.nodes.get_mut(i) {
                *slot = node;
            }
            if let Some(slot) = self.starts.get_mut(i) {
                *slot = start.span.start;
            }
        }
    }

    fn root_start(&mut self, start: &Start<'a>, reader: &Reader<'a>) -> Node {
        let root = match (start.ns, start.local) {
            (Ns::Sr, "Request") => Root::Request,
            (Ns::Sr, "Response") => Root::Response,
            (Ns::Sr, "SMETS1SignedResponse") => {
                self.kind = Some(MessageKind::Smets1SignedResponse);
                Root::Smets1
            }
            (Ns::Sr, "S1SPAlert") => {
                self.kind = Some(MessageKind::S1spAlert);
                Root::Other
            }
            // The MMC schema's one message root; its other global element, `GBCSData`, is a
            // part of a response.
            (Ns::Ra, "GBCSResponse") => {
                self.kind = Some(MessageKind::Mmc);
                Root::Mmc
            }
            _ => Root::Other,
        };
        self.root = Some(root);
        match root {
            Root::Other => return Node::Skip,
            Root::Mmc => return Node::Root,
            Root::Smets1 => return Node::Smets1Signed,
            Root::Request | Root::Response => {}
        }
        self.kind = Some(MessageKind::Incomplete);
        if root == Root::Request
            && let Some(value) = reader.attribute("schemaVersion")
        {
            self.facts.schema_version = Some(Located { value, span: start.span });
        }
        Node::Root
    }

    fn body_child(&mut self, ns: Ns, local: &'a str, qname: &'a str, span: Span) -> Node {
        self.body_children = self.body_children.saturating_add(1);
        if self.body_children > 1 || ns != Ns::Sr {
            return Node::Skip;
        }
        let kind = match self.root {
            Some(Root::Request) if local == "SignedPreCommand" => MessageKind::SignedPreCommand,
            Some(Root::Request) if catalogue::srv_by_body_element(local).is_some() => MessageKind::ServiceRequest,
            Some(Root::Response) => match RESPONSE_BODIES.iter().find(|(name, _)| *name == local) {
                Some((_, kind)) => *kind,
                None => return Node::Skip,
            },
            _ => return Node::Skip,
        };
        self.kind = Some(kind);
        if self.root == Some(Root::Request) {
            self.facts.body = Some(Body { element: local, qname, span });
        }
        Node::BodyElement
    }

    fn end(&mut self, span: Span, depth_after: u32) {
        let depth = depth_after.saturating_add(1);
        let slot = Self::slot(depth);
        let node = slot.and_then(|i| self.nodes.get(i).copied()).unwrap_or(Node::Skip);
        let started = slot.and_then(|i| self.starts.get(i).copied()).unwrap_or(span.start);
        let whole = Span::new(started, span.end);
        match node {
            Node::Field(field) => {
                if let Some(capture) = self.capture.take()
                    && capture.field == field
                {
                    let located = Located { value: capture.text.into_cow(), span: capture.content };
                    match field {
                        Field::Wan(wan_field) => {
                            // A single space means Unknown in SR 12.1 replies only (MP106); the
                            // ResponseMessage names its SRV before the matrix.
                            let srv = Field::ServiceReferenceVariant.index().and_then(|i| self.raw.get(i));
                            let mp106 = srv.is_some_and(|s| s.as_ref().is_some_and(|(l, _)| l.value == "12.1"));
                            if let Some(entry) = self.wan.as_mut().and_then(|m| m.entries.last_mut()) {
                                decode_wan_field(entry, wan_field, located, mp106);
                            }
                        }
                        _ => {
                            if let Some(place) = field.index().and_then(|i| self.raw.get_mut(i)) {
                                *place = Some((located, capture.element_start));
                            }
                        }
                    }
                }
            }
            Node::WanMatrix => {
                if let Some(matrix) = &mut self.wan {
                    matrix.span.end = whole.end;
                }
            }
            Node::WanEntry => {
                if let Some(entry) = self.wan.as_mut().and_then(|m| m.entries.last_mut()) {
                    entry.span.end = whole.end;
                }
            }
            Node::BodyElement => {
                if let Some(body) = &mut self.facts.body
                    && body.span.start == started
                {
                    body.span = whole;
                }
            }
            Node::Signature => self.facts.signature = Some(whole),
            Node::Root
            | Node::Header
            | Node::Body
            | Node::Smets1Signed
            | Node::Smets1Response
            | Node::Smets1Header
            | Node::Skip => {}
        }
        if let Some(i) = slot
            && let Some(place) = self.nodes.get_mut(i)
        {
            *place = Node::Skip;
        }
    }

    /// Parses the captured fields and returns the facts.
    pub(crate) fn finish(mut self, findings: &mut Findings) -> Extraction<'a> {
        if matches!(self.root, Some(Root::Response | Root::Mmc | Root::Smets1)) {
            let response = self.finish_response();
            return Extraction { kind: self.kind, request: None, response: Some(response) };
        }
        if self.root != Some(Root::Request) {
            return Extraction { kind: self.kind, request: None, response: None };
        }
        let [request_id, cv, sr, srv, edt, payload, _, _, _, scheduled_sr, scheduled_srv, scheduled_device, _, _] =
            core::mem::take(&mut self.raw);
        if self.facts.body.is_some_and(|b| b.element == "CreateSchedule") {
            self.facts.schedule = Some(Schedule {
                service_reference: scheduled_sr.map(|(located, _)| located),
                service_reference_variant: scheduled_srv.and_then(|(Located { value, span }, _)| {
                    catalogue::srv(&value).map(|value| Located { value, span })
                }),
                device_id: scheduled_device.and_then(|(Located { value, span }, _)| {
                    Eui64::parse(trim_xml(&value)).map(|value| Located { value, span })
                }),
                element: self.scheduled_element.take(),
            });
        }
        self.facts.gbcs_payload = payload.map(|(located, _)| located);
        if let Some((Located { value, span }, _)) = request_id {
            match RequestId::parse(trim_xml(&value)) {
                Ok(id) => self.facts.request_id = Some(Located { value: id, span }),
                Err(RequestIdError::Overflow { originator, target }) => {
                    let digits = counter_digits(trim_xml(&value).rsplit(':').next().unwrap_or_default());
                    findings.push(Code::RequestCounterOverflow, span, Detail::Counter { digits });
                    self.facts.ends_of_overflowed_id = Some(Located { value: (originator, target), span });
                }
                // The schema engine reports the pattern mismatch.
                Err(RequestIdError::Syntax) => {}
            }
        }
        if let Some((Located { value, span }, _)) = cv {
            self.facts.command_variant = CommandVariant::parse(trim_xml(&value)).map(|value| Located { value, span });
        }
        // As written, whether or not DUIS 5.4 knows it: a schema given at run time may allow
        // more SRs, and the SR/SRV rule needs none of the catalogue's.
        if let Some((located, _)) = sr {
            self.facts.service_reference = Some(located);
        }
        if let Some((Located { value, span }, _)) = srv {
            self.facts.service_reference_variant = catalogue::srv(&value).map(|srv| Located { value: srv, span });
            self.facts.service_reference_variant_as_written = Some(Located { value, span });
        }
        if let Some((Located { value, span }, element_start)) = edt {
            // The span covers the whole element, so a rule about its presence can stand in for
            // the schema's finding on the same element.
            let whole = Span::new(element_start, span.end);
            self.facts.execution_date_time_element = Some(whole);
            self.facts.execution_date_time = DateTime::parse(&value).ok().map(|value| Located { value, span: whole });
        }
        Extraction { kind: self.kind, request: Some(self.facts), response: None }
    }

    fn finish_response(&mut self) -> ResponseFacts<'a> {
        let [request_id, _, sr, srv, _, _, response_id, code, date_time, _, _, _, smets1_sr, smets1_srv] =
            core::mem::take(&mut self.raw);
        let sr_of = |raw: Option<(Located<Cow<'a, str>>, usize)>| {
            raw.map(|(located, _)| located).filter(|sr| catalogue::is_service_reference(&sr.value))
        };
        let srv_of = |raw: Option<(Located<Cow<'a, str>>, usize)>| {
            raw.and_then(|(Located { value, span }, _)| catalogue::srv(&value).map(|value| Located { value, span }))
        };
        let id = |raw: Option<(Located<Cow<'a, str>>, usize)>| {
            raw.and_then(|(Located { value, span }, _)| {
                RequestId::parse(trim_xml(&value)).ok().map(|value| Located { value, span })
            })
        };
        ResponseFacts {
            request_id: id(request_id),
            response_id: id(response_id),
            response_code: code
                .map(|(Located { value, span }, _)| Located { value: ResponseCode(trim_xml_cow(value)), span }),
            response_date_time: date_time.and_then(|(Located { value, span }, _)| {
                DateTime::parse(&value).ok().map(|value| Located { value, span })
            }),
            service_reference: sr_of(sr),
            service_reference_variant: srv_of(srv),
            wan_matrix: self.wan.take(),
            content: self.response_content.take(),
            smets1_service_reference: sr_of(smets1_sr),
            smets1_service_reference_variant: srv_of(smets1_srv),
        }
    }
}

/// The digits of an overflowing counter for its finding: as written, or for more than 40 of
/// them (a hostile input can send millions) the first 20, an ellipsis and the count.
fn counter_digits(digits: &str) -> String {
    match digits.get(..20) {
        Some(head) if digits.len() > 40 => format!("{head}… ({} digits)", digits.len()),
        _ => digits.to_owned(),
    }
}

/// Decodes one field of a `DSPWANMatrixResponse` into its entry. The three free-text fields
/// are never trimmed; with `mp106` (an SR 12.1 reply) a single space means Unknown
/// (DUIS-FACTS §10).
fn decode_wan_field<'a>(entry: &mut WanMatrixEntry<'a>, field: WanField, located: Located<Cow<'a, str>>, mp106: bool) {
    let Located { value, span } = located;
    let text = |value: Cow<'a, str>| if mp106 { WanText::decode(value) } else { WanText::Text(value) };
    {
        match field {
            WanField::CspRegion => entry.csp_region = Some(value),
            WanField::CspRegionResponseCode => entry.csp_region_response_code = Some(value),
            WanField::CoverageAvailability => {
                entry.coverage_availability = match trim_xml(&value) {
                    "true" | "1" => Some(true),
                    "false" | "0" => Some(false),
                    _ => None,
                }
            }
            // xs:date collapses white space: the date is the value without it.
            WanField::AnticipatedCoverageDate => entry.anticipated_coverage_date = Some(trim_xml_cow(value)),
            WanField::WanTechnology => entry.wan_technology = Some(Located { value: text(value), span }),
            WanField::ConnectivityLikelihood => entry.connectivity_likelihood = Some(value),
            WanField::AuxiliaryEquipmentRequired => {
                entry.auxiliary_equipment_required = Some(Located { value: text(value), span })
            }
            WanField::AdditionalInformation => {
                entry.additional_information = Some(Located { value: text(value), span })
            }
        }
    }
}

/// Strips leading and trailing XML white space.
pub(crate) fn trim_xml(text: &str) -> &str {
    // Byte loops: XML white space is ASCII, so the first and last other bytes start and end
    // characters, and a character searcher per end costs more than a short value.
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|&b| !crate::xml::is_xml_space(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !crate::xml::is_xml_space(b)).map_or(start, |last| last.saturating_add(1));
    text.get(start..end).unwrap_or_default()
}

/// [`trim_xml`], keeping a borrowed value borrowed.
fn trim_xml_cow(value: Cow<'_, str>) -> Cow<'_, str> {
    match value {
        Cow::Borrowed(text) => Cow::Borrowed(trim_xml(text)),
        Cow::Owned(text) => Cow::Owned(trim_xml(&text).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::trim_xml;

    /// [`trim_xml`] trims as `trim_matches` on the four XML white-space characters does, for
    /// every short string of white space, ASCII and non-ASCII characters.
    #[test]
    fn trim_xml_trims_as_trim_matches() {
        let alphabet = [" ", "\t", "\n", "\r", "a", "\u{e9}", "\u{2028}", "\u{a0}"];
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> =
                strings.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            strings.extend(longer);
            strings.sort();
            strings.dedup();
        }
        for s in &strings {
            assert_eq!(trim_xml(s), s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')), "{s:?}");
        }
    }
}
