//! The fact extractor: reads the envelope (root, header, body) from the event stream, checks
//! its structure, and collects the typed facts the rules need.
//!
//! The structure checks here are those of the DUIS 5.4 envelope only (root element, header
//! sequence, one body element); they give the same `schema.*` codes the full schema engine
//! gives for the rest of the document.

use std::borrow::Cow;

use crate::catalogue;
use crate::message::{Body, CommandVariant, DateTime, Located, MessageKind, RequestFacts, RequestId, RequestIdError};
use crate::report::{Code, Detail, Findings, Span};
use crate::xml::{Event, Ns, Reader, Start, is_xml_space};

/// One particle of an envelope sequence.
#[derive(Clone, Copy, Debug)]
struct Particle {
    ns: Ns,
    name: &'static str,
    min: u8,
    max: u8,
}

const fn sr(name: &'static str, min: u8, max: u8) -> Particle {
    Particle { ns: Ns::Sr, name, min, max }
}

const REQUEST_CHILDREN: &[Particle] =
    &[sr("Header", 1, 1), sr("Body", 1, 1), Particle { ns: Ns::Ds, name: "Signature", min: 0, max: 1 }];
const RESPONSE_CHILDREN: &[Particle] = REQUEST_CHILDREN;
const REQUEST_HEADER: &[Particle] = &[
    sr("RequestID", 1, 1),
    sr("FirstInSequence", 0, 1),
    sr("PrecedingServiceRequestID", 0, 1),
    sr("CommandVariant", 1, 1),
    sr("ServiceReference", 1, 1),
    sr("ServiceReferenceVariant", 1, 1),
];
const RESPONSE_HEADER: &[Particle] =
    &[sr("RequestID", 0, 1), sr("ResponseID", 0, 1), sr("ResponseCode", 1, 1), sr("ResponseDateTime", 1, 1)];
const RESPONSE_BODIES: &[(&str, MessageKind)] = &[
    ("ResponseMessage", MessageKind::Response),
    ("DeviceAlertMessage", MessageKind::DeviceAlert),
    ("DCCAlertMessage", MessageKind::DccAlert),
    ("SMETS1ResponseMessage", MessageKind::Smets1Response),
];

/// Progress through a sequence of particles, reporting missing and unexpected children.
#[derive(Debug)]
struct Sequence {
    particles: &'static [Particle],
    parent: &'static str,
    index: usize,
    count: u8,
}

impl Sequence {
    fn new(particles: &'static [Particle], parent: &'static str) -> Sequence {
        Sequence { particles, parent, index: 0, count: 0 }
    }

    /// Accepts a child, returning the name of the particle it matched.
    fn child(&mut self, ns: Ns, local: &str, span: Span, findings: &mut Findings) -> Option<&'static str> {
        let matches = |p: &Particle| p.ns == ns && p.name == local;
        let found = (self.index..self.particles.len())
            .find(|&i| self.particles.get(i).is_some_and(|p| matches(p) && (i != self.index || self.count < p.max)));
        let Some(found) = found else {
            findings.push(
                Code::SchemaUnexpectedElement,
                span,
                Detail::UnexpectedElement { found: qualified(ns, local), expected: self.expected() },
            );
            return None;
        };
        for i in self.index..found {
            let seen = if i == self.index { self.count } else { 0 };
            if let Some(p) = self.particles.get(i).filter(|p| seen < p.min) {
                findings.push(
                    Code::SchemaMissingElement,
                    span,
                    Detail::MissingElement { element: p.name, parent: self.parent },
                );
            }
        }
        if found != self.index {
            self.index = found;
            self.count = 0;
        }
        self.count = self.count.saturating_add(1);
        self.particles.get(found).map(|p| p.name)
    }

    /// What may come next: every particle from here up to and including the first required one.
    fn expected(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (i, p) in self.particles.iter().enumerate().skip(self.index) {
            let seen = if i == self.index { self.count } else { 0 };
            if seen < p.max {
                out.push(p.name);
            }
            if seen < p.min {
                break;
            }
        }
        out
    }

    /// Reports the required particles never seen.
    fn finish(&self, span: Span, findings: &mut Findings) {
        for (i, p) in self.particles.iter().enumerate().skip(self.index) {
            let seen = if i == self.index { self.count } else { 0 };
            if seen < p.min {
                findings.push(
                    Code::SchemaMissingElement,
                    span,
                    Detail::MissingElement { element: p.name, parent: self.parent },
                );
            }
        }
    }
}

fn qualified(ns: Ns, local: &str) -> String {
    let uri = match ns {
        Ns::None => return local.to_owned(),
        Ns::Sr => "http://www.dccinterface.co.uk/ServiceUserGateway",
        Ns::Ra => "http://www.dccinterface.co.uk/ResponseAndAlert",
        Ns::Ds => "http://www.w3.org/2000/09/xmldsig#",
        Ns::Other => "another namespace",
    };
    format!("{local} (in {uri})")
}

/// The header fields whose text is captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    RequestId,
    CommandVariant,
    ServiceReference,
    ServiceReferenceVariant,
    ExecutionDateTime,
    GbcsPayload,
}

/// Text being collected for a field: borrowed while it is one chunk.
#[derive(Debug)]
enum Text<'a> {
    Empty,
    Borrowed(&'a str),
    Owned(String),
}

impl<'a> Text<'a> {
    fn push_str(&mut self, chunk: &'a str) {
        // XML end-of-line handling (XML 1.0 §2.11): CRLF and lone CR become LF.
        if chunk.contains('\r') {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Root {
    Request,
    Response,
    Other,
}

/// Where the extractor is in the envelope, for the element at each depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Root,
    Header,
    Body,
    Signature,
    Field(Field),
    BodyElement,
    Skip,
}

/// Envelope depth the extractor tracks: root (1), header/body (2), fields and body element (3),
/// ExecutionDateTime (4).
const TRACKED: usize = 5;

/// What the extractor found.
#[derive(Debug)]
pub(crate) struct Extraction<'a> {
    pub(crate) kind: Option<MessageKind>,
    pub(crate) request: Option<RequestFacts<'a>>,
}

/// The extractor. Feed it every event with [`Extractor::event`], then call
/// [`Extractor::finish`].
#[derive(Debug)]
pub(crate) struct Extractor<'a> {
    root: Option<Root>,
    kind: Option<MessageKind>,
    /// Depth of the innermost open element (0 outside the root).
    depth: u32,
    nodes: [Node; TRACKED],
    starts: [usize; TRACKED],
    children: Option<Sequence>,
    header: Option<Sequence>,
    body_children: u32,
    body_element_children: u32,
    capture: Option<(Field, Text<'a>, Span)>,
    raw: [Option<Located<Cow<'a, str>>>; 6],
    facts: RequestFacts<'a>,
}

impl<'a> Extractor<'a> {
    pub(crate) fn new() -> Extractor<'a> {
        Extractor {
            root: None,
            kind: None,
            depth: 0,
            nodes: [Node::Skip; TRACKED],
            starts: [0; TRACKED],
            children: None,
            header: None,
            body_children: 0,
            body_element_children: 0,
            capture: None,
            raw: Default::default(),
            facts: RequestFacts::default(),
        }
    }

    pub(crate) fn event(&mut self, event: &Event<'a>, depth_after: u32, findings: &mut Findings) {
        match event {
            Event::Start(start) => self.start(start, findings),
            Event::End(span) => self.end(*span, depth_after, findings),
            Event::Text(text, span) => self.text(text, *span, findings),
            Event::CData(text, span) => {
                if let Some((_, buffer, content)) = &mut self.capture {
                    buffer.push_str(text);
                    content.end = span.end;
                } else if !text.is_empty() {
                    self.stray_text(*span, findings);
                }
            }
            Event::Pi(..) => {}
            Event::Ref(ch, span) => {
                if let Some((_, buffer, content)) = &mut self.capture {
                    buffer.push_char(*ch);
                    content.end = span.end;
                } else {
                    self.stray_text(*span, findings);
                }
            }
        }
    }

    fn parent(&self, depth: u32) -> Node {
        usize::try_from(depth)
            .ok()
            .and_then(|d| d.checked_sub(2))
            .and_then(|i| self.nodes.get(i).copied())
            .unwrap_or(Node::Skip)
    }

    fn set_node(&mut self, depth: u32, node: Node, start: usize) {
        if let Some(i) = usize::try_from(depth).ok().and_then(|d| d.checked_sub(1)) {
            if let Some(slot) = self.nodes.get_mut(i) {
                *slot = node;
            }
            if let Some(slot) = self.starts.get_mut(i) {
                *slot = start;
            }
        }
    }

    fn start(&mut self, start: &Start<'a>, findings: &mut Findings) {
        self.depth = start.depth;
        if self.capture.is_some() {
            // A captured field is a simple type: it has no child elements.
            findings.push(
                Code::SchemaUnexpectedElement,
                start.span,
                Detail::UnexpectedElement { found: qualified(start.ns, start.local), expected: Vec::new() },
            );
            self.capture = None;
        }
        let node = if start.depth == 1 {
            self.root_start(start, findings)
        } else {
            match self.parent(start.depth) {
                Node::Root => self.root_child(start, findings),
                Node::Header => self.header_child(start, findings),
                Node::Body => self.body_child(start, findings),
                Node::BodyElement => {
                    self.body_element_children = self.body_element_children.saturating_add(1);
                    let in_request = self.root == Some(Root::Request);
                    match (start.ns, start.local) {
                        (Ns::Sr, "ExecutionDateTime") if in_request => Node::Field(Field::ExecutionDateTime),
                        (Ns::Sr, "GBCSPayload") if in_request && self.kind == Some(MessageKind::SignedPreCommand) => {
                            Node::Field(Field::GbcsPayload)
                        }
                        _ => Node::Skip,
                    }
                }
                _ => Node::Skip,
            }
        };
        if let Node::Field(field) = node {
            self.capture = Some((field, Text::Empty, Span::point(start.span.end)));
        }
        self.set_node(start.depth, node, start.span.start);
    }

    fn root_start(&mut self, start: &Start<'a>, findings: &mut Findings) -> Node {
        let root = match (start.ns, start.local) {
            (Ns::Sr, "Request") => Root::Request,
            (Ns::Sr, "Response") => Root::Response,
            (Ns::Sr, "SMETS1SignedResponse") => {
                self.kind = Some(MessageKind::Smets1SignedResponse);
                Root::Other
            }
            (Ns::Sr, "S1SPAlert") => {
                self.kind = Some(MessageKind::S1spAlert);
                Root::Other
            }
            (Ns::Ra, _) => {
                self.kind = Some(MessageKind::Mmc);
                Root::Other
            }
            (ns, local) => {
                findings.push(
                    Code::SchemaUnknownRoot,
                    start.span,
                    Detail::UnexpectedElement {
                        found: qualified(ns, local),
                        expected: vec!["Request", "Response", "SMETS1SignedResponse", "S1SPAlert"],
                    },
                );
                Root::Other
            }
        };
        self.root = Some(root);
        if root == Root::Other {
            return Node::Skip;
        }
        self.kind = Some(MessageKind::Incomplete);
        let (children, parent) = match root {
            Root::Request => (REQUEST_CHILDREN, "Request"),
            _ => (RESPONSE_CHILDREN, "Response"),
        };
        self.children = Some(Sequence::new(children, parent));
        match Reader::attribute(&start.tag, "schemaVersion") {
            None => findings.push(
                Code::SchemaMissingAttribute,
                start.span,
                Detail::MissingAttribute { attribute: "schemaVersion", element: parent },
            ),
            Some(value) => {
                if !is_decimal(trim_xml(&value)) {
                    findings.push(
                        Code::SchemaBadValue,
                        start.span,
                        Detail::BadValue {
                            element: "schemaVersion",
                            value: value.to_string(),
                            expected: "an xs:decimal",
                        },
                    );
                }
                if root == Root::Request {
                    self.facts.schema_version =
                        Some(Located { value: Cow::Owned(value.into_owned()), span: start.span });
                }
            }
        }
        Node::Root
    }

    fn root_child(&mut self, start: &Start<'a>, findings: &mut Findings) -> Node {
        let Some(children) = &mut self.children else {
            return Node::Skip;
        };
        match children.child(start.ns, start.local, start.span, findings) {
            Some("Header") => {
                let header = if self.root == Some(Root::Request) { REQUEST_HEADER } else { RESPONSE_HEADER };
                self.header = Some(Sequence::new(header, "Header"));
                Node::Header
            }
            Some("Body") => Node::Body,
            Some("Signature") => Node::Signature,
            _ => Node::Skip,
        }
    }

    fn header_child(&mut self, start: &Start<'a>, findings: &mut Findings) -> Node {
        let Some(header) = &mut self.header else {
            return Node::Skip;
        };
        let matched = header.child(start.ns, start.local, start.span, findings);
        if self.root != Some(Root::Request) {
            return Node::Skip;
        }
        match matched {
            Some("RequestID") => Node::Field(Field::RequestId),
            Some("CommandVariant") => Node::Field(Field::CommandVariant),
            Some("ServiceReference") => Node::Field(Field::ServiceReference),
            Some("ServiceReferenceVariant") => Node::Field(Field::ServiceReferenceVariant),
            _ => Node::Skip,
        }
    }

    fn body_child(&mut self, start: &Start<'a>, findings: &mut Findings) -> Node {
        self.body_children = self.body_children.saturating_add(1);
        let known = match self.root {
            Some(Root::Request) => {
                start.ns == Ns::Sr
                    && (start.local == "SignedPreCommand" || catalogue::srv_by_body_element(start.local).is_some())
            }
            _ => start.ns == Ns::Sr && RESPONSE_BODIES.iter().any(|(name, _)| *name == start.local),
        };
        if self.body_children > 1 || !known {
            let expected = if self.body_children > 1 {
                Vec::new()
            } else if self.root == Some(Root::Request) {
                vec!["an SRV body element", "SignedPreCommand"]
            } else {
                RESPONSE_BODIES.iter().map(|(name, _)| *name).collect()
            };
            findings.push(
                Code::SchemaUnexpectedElement,
                start.span,
                Detail::UnexpectedElement { found: qualified(start.ns, start.local), expected },
            );
            return Node::Skip;
        }
        self.kind = Some(match self.root {
            Some(Root::Request) if start.local == "SignedPreCommand" => MessageKind::SignedPreCommand,
            Some(Root::Request) => MessageKind::ServiceRequest,
            _ => RESPONSE_BODIES
                .iter()
                .find(|(name, _)| *name == start.local)
                .map_or(MessageKind::Incomplete, |(_, kind)| *kind),
        });
        if self.root == Some(Root::Request) {
            self.facts.body = Some(Body { element: start.local, span: start.span });
        }
        Node::BodyElement
    }

    fn end(&mut self, span: Span, depth_after: u32, findings: &mut Findings) {
        let depth = depth_after.saturating_add(1);
        let node = self.parent(depth.saturating_add(1));
        let started = usize::try_from(depth)
            .ok()
            .and_then(|d| d.checked_sub(1))
            .and_then(|i| self.starts.get(i).copied())
            .unwrap_or(span.start);
        let whole = Span::new(started, span.end);
        match node {
            Node::Field(field) => {
                if let Some((captured, text, content)) = self.capture.take()
                    && captured == field
                {
                    self.store(field, text.into_cow(), content);
                }
            }
            Node::Root => {
                if let Some(children) = &self.children {
                    children.finish(Span::point(span.start), findings);
                }
            }
            Node::Header => {
                if let Some(header) = &self.header {
                    header.finish(Span::point(span.start), findings);
                }
            }
            Node::Body => {
                if self.body_children == 0 {
                    findings.push(
                        Code::SchemaMissingElement,
                        Span::point(span.start),
                        Detail::MissingElement { element: "a body element", parent: "Body" },
                    );
                }
            }
            Node::BodyElement => {
                if let Some(body) = &mut self.facts.body
                    && body.span.start == started
                {
                    body.span = whole;
                }
            }
            Node::Signature => {
                if self.facts.signature.is_none() {
                    self.facts.signature = Some(whole);
                }
            }
            Node::Skip => {}
        }
        self.set_node(depth, Node::Skip, 0);
        self.depth = depth_after;
    }

    fn text(&mut self, text: &'a str, span: Span, findings: &mut Findings) {
        if let Some((_, buffer, content)) = &mut self.capture {
            if matches!(buffer, Text::Empty) {
                content.start = span.start;
            }
            buffer.push_str(text);
            content.end = span.end;
            return;
        }
        if !text.bytes().all(is_xml_space) {
            self.stray_text(span, findings);
        }
    }

    /// Non-white-space text where the envelope allows only elements (directly inside the root,
    /// `Header` or `Body`). Text deeper down is the schema engine's business.
    fn stray_text(&mut self, span: Span, findings: &mut Findings) {
        let here = usize::try_from(self.depth).ok().and_then(|d| d.checked_sub(1)).and_then(|i| self.nodes.get(i));
        if matches!(here, Some(Node::Root | Node::Header | Node::Body)) {
            findings.push(
                Code::SchemaUnexpectedElement,
                span,
                Detail::UnexpectedElement { found: "text".to_owned(), expected: Vec::new() },
            );
        }
    }

    fn store(&mut self, field: Field, value: Cow<'a, str>, span: Span) {
        let slot = match field {
            Field::RequestId => 0,
            Field::CommandVariant => 1,
            Field::ServiceReference => 2,
            Field::ServiceReferenceVariant => 3,
            Field::ExecutionDateTime => 4,
            Field::GbcsPayload => 5,
        };
        if let Some(place) = self.raw.get_mut(slot) {
            *place = Some(Located { value, span });
        }
    }

    /// Parses the captured fields and returns the facts.
    pub(crate) fn finish(mut self, findings: &mut Findings) -> Extraction<'a> {
        let [request_id, cv, sr, srv, edt, payload] = core::mem::take(&mut self.raw);
        self.facts.gbcs_payload = payload;
        if self.root != Some(Root::Request) {
            return Extraction { kind: self.kind, request: None };
        }
        if let Some(Located { value, span }) = request_id {
            match RequestId::parse(trim_xml(&value)) {
                Ok(id) => self.facts.request_id = Some(Located { value: id, span }),
                Err(RequestIdError::Overflow) => {
                    let digits = trim_xml(&value).rsplit(':').next().unwrap_or_default().to_owned();
                    findings.push(Code::RequestCounterOverflow, span, Detail::Counter { digits });
                }
                Err(RequestIdError::Syntax) => findings.push(
                    Code::SchemaBadValue,
                    span,
                    Detail::BadValue {
                        element: "RequestID",
                        value: value.into_owned(),
                        expected: "EUI-64:EUI-64:counter (e.g. 90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:1000)",
                    },
                ),
            }
        }
        if let Some(Located { value, span }) = cv {
            match CommandVariant::parse(trim_xml(&value)) {
                Some(cv) => self.facts.command_variant = Some(Located { value: cv, span }),
                None => findings.push(
                    Code::SchemaBadValue,
                    span,
                    Detail::BadValue {
                        element: "CommandVariant",
                        value: value.into_owned(),
                        expected: "an integer from 1 to 9",
                    },
                ),
            }
        }
        if let Some(Located { value, span }) = sr {
            if catalogue::is_service_reference(&value) {
                self.facts.service_reference = Some(Located { value, span });
            } else {
                findings.push(
                    Code::SchemaBadValue,
                    span,
                    Detail::BadValue {
                        element: "ServiceReference",
                        value: value.into_owned(),
                        expected: "a DUIS 5.4 ServiceReference (white space is significant)",
                    },
                );
            }
        }
        if let Some(Located { value, span }) = srv {
            match catalogue::srv(&value) {
                Some(srv) => self.facts.service_reference_variant = Some(Located { value: srv, span }),
                None => findings.push(
                    Code::SchemaBadValue,
                    span,
                    Detail::BadValue {
                        element: "ServiceReferenceVariant",
                        value: value.into_owned(),
                        expected: "a DUIS 5.4 ServiceReferenceVariant (white space is significant)",
                    },
                ),
            }
        }
        if let Some(Located { value, span }) = edt {
            match DateTime::parse(&value) {
                Ok(dt) => self.facts.execution_date_time = Some(Located { value: dt, span }),
                Err(_) => findings.push(
                    Code::SchemaBadValue,
                    span,
                    Detail::BadValue {
                        element: "ExecutionDateTime",
                        value: value.into_owned(),
                        expected: "an xs:dateTime",
                    },
                ),
            }
        }
        Extraction { kind: self.kind, request: Some(self.facts) }
    }
}

/// Strips leading and trailing XML white space.
fn trim_xml(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// The `xs:decimal` lexical space: optional sign, digits with an optional point.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    (!int.is_empty() || !frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}
