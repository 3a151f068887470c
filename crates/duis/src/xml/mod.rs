//! The XML layer: a strict, namespace-aware, limit-enforcing event stream over the borrowed
//! input.
//!
//! quick-xml does the tokenising. This module adds what a validator of hostile input needs and
//! quick-xml leaves to its caller: UTF-8 and XML `Char` checks, DOCTYPE refusal, one root and
//! nothing after it, entity resolution limited to the predefined entities, namespace resolution
//! by URI, and the [`Limits`]. Every event carries the byte span it was read from.

mod limits;

use quick_xml::NsReader;
use quick_xml::errors::{Error as QxError, IllFormedError, SyntaxError};
use quick_xml::events::attributes::AttrError;
use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event as QxEvent};
use quick_xml::name::{QName, ResolveResult};

pub use limits::Limits;

use crate::report::{Code, Detail, Findings, Span};

/// Namespace URIs the validator knows, matched by URI, never by prefix.
pub(crate) mod ns {
    /// DUIS Service User Gateway: requests, responses, alerts.
    pub(crate) const SR: &str = "http://www.dccinterface.co.uk/ServiceUserGateway";
    /// DUIS Response and Alert (MMC).
    pub(crate) const RA: &str = "http://www.dccinterface.co.uk/ResponseAndAlert";
    /// XML Signature.
    pub(crate) const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
}

/// The namespace of an element, resolved from its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No namespace.
    None,
    /// `http://www.dccinterface.co.uk/ServiceUserGateway`.
    Sr,
    /// `http://www.dccinterface.co.uk/ResponseAndAlert`.
    Ra,
    /// `http://www.w3.org/2000/09/xmldsig#`.
    Ds,
    /// Any other namespace.
    Other,
}

impl Ns {
    fn from_uri(uri: &str) -> Ns {
        match uri {
            ns::SR => Ns::Sr,
            ns::RA => Ns::Ra,
            ns::DS => Ns::Ds,
            _ => Ns::Other,
        }
    }
}

/// An element start tag. For `<a/>` an [`Event::End`] follows at once.
#[derive(Debug)]
pub(crate) struct Start<'a> {
    /// The element's namespace.
    pub(crate) ns: Ns,
    /// Its namespace URI (empty for none); borrowed for the known namespaces.
    pub(crate) uri: Cow<'static, str>,
    /// Local name (after any prefix).
    pub(crate) local: &'a str,
    /// The whole start tag.
    pub(crate) span: Span,
    /// 1 for the root element.
    pub(crate) depth: u32,
    /// quick-xml's view, for attributes.
    pub(crate) tag: BytesStart<'a>,
}

/// One item of the document, with its span.
#[derive(Debug)]
pub(crate) enum Event<'a> {
    /// A start tag.
    Start(Start<'a>),
    /// An end tag (or the virtual end of an empty-element tag).
    End(Span),
    /// Character data with no references in it. End-of-line handling is not applied.
    Text(&'a str, Span),
    /// A predefined entity or character reference, resolved.
    Ref(char, Span),
    /// A CDATA section's content.
    CData(&'a str, Span),
    /// A processing instruction's content (between `<?` and `?>`), inside or outside the root.
    /// Canonical XML keeps these.
    Pi(&'a str),
    /// A comment inside the root element (its span, `<!--` to `-->`). Canonical XML drops
    /// comments; the signature pass still notes where they are. Comments outside the root
    /// are not reported.
    Comment(Span),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    BeforeRoot,
    InRoot,
    AfterRoot,
    Done,
}

/// The strict event reader. Construct with [`Reader::new`]; call [`Reader::next`] until it
/// returns `None`.
pub(crate) struct Reader<'a> {
    inner: NsReader<&'a [u8]>,
    /// The text given to quick-xml: the input after any BOM.
    text: &'a str,
    /// Offset of the slice given to quick-xml within the caller's input (a UTF-8 BOM is
    /// skipped).
    base: usize,
    limits: Limits,
    depth: u32,
    elements: u32,
    /// Bytes of text read since the last tag, for `max_text_bytes`.
    text_len: usize,
    state: State,
    /// An `End` owed for an empty-element tag, which quick-xml reports as one event.
    pending_end: Option<Span>,
    /// Set when the document was read to its end with no fatal finding.
    complete: bool,
}

impl<'a> Reader<'a> {
    /// Runs the whole-input checks (size, encoding, characters) and sets up the reader.
    /// Returns `None`, with a finding, when the input cannot be read as XML at all.
    pub(crate) fn new(input: &'a [u8], limits: Limits, findings: &mut Findings) -> Option<Reader<'a>> {
        if input.len() > limits.max_input_bytes {
            let max = u64::try_from(limits.max_input_bytes).unwrap_or(u64::MAX);
            findings.push(Code::LimitInputSize, Span::point(limits.max_input_bytes), Detail::Limit { max });
            return None;
        }
        if input.starts_with(&[0xFE, 0xFF]) || input.starts_with(&[0xFF, 0xFE]) {
            findings.push(Code::XmlEncoding, Span::new(0, 2), Detail::Encoding { declared: "UTF-16".into() });
            return None;
        }
        let base = if input.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
        let body = input.get(base..).unwrap_or_default();
        let text = match core::str::from_utf8(body) {
            Ok(text) => text,
            Err(error) => {
                let at = base.saturating_add(error.valid_up_to());
                let len = error.error_len().unwrap_or(1);
                findings.push(Code::XmlNotUtf8, Span::new(at, at.saturating_add(len)), Detail::None);
                return None;
            }
        };
        if let Some((at, ch)) = first_invalid_char(text) {
            let at = base.saturating_add(at);
            findings.push(
                Code::XmlInvalidChar,
                Span::new(at, at.saturating_add(ch.len_utf8())),
                Detail::InvalidChar { code_point: u32::from(ch) },
            );
            return None;
        }
        let mut inner = NsReader::from_str(text);
        let config = inner.config_mut();
        // Every field set here on purpose: some quick-xml defaults are lax.
        config.allow_dangling_amp = false;
        config.allow_unmatched_ends = false;
        config.check_comments = true;
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_markup_names_in_closing_tags = true;
        config.trim_text_start = false;
        config.trim_text_end = false;
        Some(Reader {
            inner,
            text,
            base,
            limits,
            depth: 0,
            elements: 0,
            text_len: 0,
            state: State::BeforeRoot,
            pending_end: None,
            complete: false,
        })
    }

    /// True once the whole document was read with no fatal finding.
    pub(crate) fn is_complete(&self) -> bool {
        self.complete
    }

    /// Current nesting depth (1 inside the root's start tag and content).
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    fn position(&self) -> usize {
        usize::try_from(self.inner.buffer_position()).map_or(usize::MAX, |p| p.saturating_add(self.base))
    }

    fn stop(&mut self) -> Option<Event<'a>> {
        self.state = State::Done;
        None
    }

    /// The next event, or `None` at the end of the document or after a fatal finding.
    pub(crate) fn next(&mut self, findings: &mut Findings) -> Option<Event<'a>> {
        if let Some(span) = self.pending_end.take() {
            return Some(self.close(span));
        }
        loop {
            if self.state == State::Done {
                return None;
            }
            let start = self.position();
            let (resolved, event) = match self.inner.read_resolved_event() {
                Ok((resolved, event)) => (resolve(resolved), event),
                Err(error) => {
                    self.report_error(error, start, findings);
                    return self.stop();
                }
            };
            let span = Span::new(start, self.position());
            match event {
                QxEvent::Start(tag) => return self.open(resolved, tag, span, false, findings),
                QxEvent::Empty(tag) => return self.open(resolved, tag, span, true, findings),
                QxEvent::End(_) => return Some(self.close(span)),
                QxEvent::Text(text) => {
                    let _ = text;
                    let raw = self.slice(span, 0, 0);
                    if self.state != State::InRoot {
                        if raw.bytes().all(is_xml_space) {
                            continue;
                        }
                        findings.push(Code::XmlContentOutsideRoot, span, Detail::None);
                        return self.stop();
                    }
                    if !self.add_text(raw.len(), span, findings) {
                        return self.stop();
                    }
                    return Some(Event::Text(raw, span));
                }
                QxEvent::CData(data) => {
                    let _ = data;
                    let raw = self.slice(span, 9, 3);
                    if self.state != State::InRoot {
                        findings.push(Code::XmlContentOutsideRoot, span, Detail::None);
                        return self.stop();
                    }
                    if !self.add_text(raw.len(), span, findings) {
                        return self.stop();
                    }
                    return Some(Event::CData(raw, span));
                }
                QxEvent::GeneralRef(reference) => {
                    if self.state != State::InRoot {
                        findings.push(Code::XmlContentOutsideRoot, span, Detail::None);
                        return self.stop();
                    }
                    let ch = match resolve_reference(&reference) {
                        Ok(ch) => ch,
                        Err((code, detail)) => {
                            findings.push(code, span, detail);
                            return self.stop();
                        }
                    };
                    if !self.add_text(ch.len_utf8(), span, findings) {
                        return self.stop();
                    }
                    return Some(Event::Ref(ch, span));
                }
                QxEvent::DocType(_) => {
                    findings.push(Code::XmlDoctype, span, Detail::None);
                    return self.stop();
                }
                QxEvent::Decl(decl) => {
                    if let Some(Ok(encoding)) = decl.encoding() {
                        let name = encoding;
                        if !name.eq_ignore_ascii_case("UTF-8") && !name.eq_ignore_ascii_case("UTF8") {
                            findings.push(Code::XmlEncoding, span, Detail::Encoding { declared: name.into_owned() });
                        }
                    }
                }
                // Comments carry no DUIS content and canonical XML without comments drops
                // them; quick-xml has already checked them for `--`. Inside the root they
                // are reported, for the signature pass.
                QxEvent::Comment(_) => {
                    if self.state == State::InRoot {
                        return Some(Event::Comment(span));
                    }
                }
                QxEvent::PI(pi) => {
                    let _ = pi;
                    return Some(Event::Pi(self.slice(span, 2, 2)));
                }
                QxEvent::Eof => {
                    match self.state {
                        State::BeforeRoot => findings.push(Code::XmlNoRoot, Span::point(start), Detail::None),
                        State::InRoot => findings.push(Code::XmlUnclosed, Span::point(start), Detail::None),
                        State::AfterRoot => self.complete = true,
                        State::Done => {}
                    }
                    return self.stop();
                }
            }
        }
    }

    fn add_text(&mut self, len: usize, span: Span, findings: &mut Findings) -> bool {
        self.text_len = self.text_len.saturating_add(len);
        if self.text_len > self.limits.max_text_bytes {
            let max = u64::try_from(self.limits.max_text_bytes).unwrap_or(u64::MAX);
            findings.push(Code::LimitTextLength, span, Detail::Limit { max });
            return false;
        }
        true
    }

    fn open(
        &mut self,
        resolved: Result<(Ns, Cow<'static, str>), String>,
        tag: BytesStart<'a>,
        span: Span,
        empty: bool,
        findings: &mut Findings,
    ) -> Option<Event<'a>> {
        if self.state == State::AfterRoot {
            findings.push(Code::XmlContentOutsideRoot, span, Detail::None);
            return self.stop();
        }
        self.state = State::InRoot;
        self.text_len = 0;
        self.depth = self.depth.saturating_add(1);
        if self.depth > self.limits.max_depth {
            findings.push(Code::LimitDepth, span, Detail::Limit { max: u64::from(self.limits.max_depth) });
            return self.stop();
        }
        self.elements = self.elements.saturating_add(1);
        if self.elements > self.limits.max_elements {
            findings.push(Code::LimitElements, span, Detail::Limit { max: u64::from(self.limits.max_elements) });
            return self.stop();
        }
        // Most DUIS elements carry no attributes: skip the attribute walk for them.
        if tag.attributes_raw().bytes().any(|b| !is_xml_space(b)) && !self.check_attributes(&tag, span, findings) {
            return self.stop();
        }
        let (ns, uri) = match resolved {
            Ok(resolved) => resolved,
            Err(prefix) => {
                findings.push(Code::XmlUnboundPrefix, span, Detail::UnboundPrefix { prefix });
                return self.stop();
            }
        };
        let name = self.slice(span, 1, 0).get(..tag.name().as_ref().len()).unwrap_or_default();
        // quick-xml does not check name characters: `<a//>` would be an element named `a/`.
        if !is_xml_name(name) {
            findings.push(Code::XmlMalformed, span, Detail::Parser(format!("{name:?} is not an XML name")));
            return self.stop();
        }
        let local = name.rsplit_once(':').map_or(name, |(_, local)| local);
        if empty {
            self.pending_end = Some(Span::point(span.end));
        }
        Some(Event::Start(Start { ns, uri, local, span, depth: self.depth, tag }))
    }

    fn close(&mut self, span: Span) -> Event<'a> {
        self.depth = self.depth.saturating_sub(1);
        self.text_len = 0;
        if self.depth == 0 {
            self.state = State::AfterRoot;
        }
        Event::End(span)
    }

    /// Counts attributes, checks their syntax, uniqueness, value length and characters, and
    /// that every attribute prefix is declared.
    fn check_attributes(&self, tag: &BytesStart<'a>, span: Span, findings: &mut Findings) -> bool {
        let mut count: u32 = 0;
        for attribute in tag.attributes().with_checks(true) {
            count = count.saturating_add(1);
            if count > self.limits.max_attributes {
                findings.push(
                    Code::LimitAttributes,
                    span,
                    Detail::Limit { max: u64::from(self.limits.max_attributes) },
                );
                return false;
            }
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(AttrError::Duplicated(at, _)) => {
                    let tag_text: &str = tag;
                    let name = tag_text
                        .get(at..)
                        .unwrap_or_default()
                        .split(|c: char| c == '=' || c.is_ascii_whitespace())
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    findings.push(Code::XmlDuplicateAttribute, span, Detail::Attribute { name });
                    return false;
                }
                Err(error) => {
                    findings.push(Code::XmlMalformed, span, Detail::Parser(error.to_string()));
                    return false;
                }
            };
            if attribute.value.len() > self.limits.max_text_bytes {
                let max = u64::try_from(self.limits.max_text_bytes).unwrap_or(u64::MAX);
                findings.push(Code::LimitTextLength, span, Detail::Limit { max });
                return false;
            }
            if let Err((code, detail)) = check_attribute_value(&attribute.value) {
                findings.push(code, span, detail);
                return false;
            }
            let key = attribute.key;
            if !is_xml_name(key.0) {
                let name = key.0;
                findings.push(Code::XmlMalformed, span, Detail::Parser(format!("{name:?} is not an XML name")));
                return false;
            }
            if key.as_namespace_binding().is_some() {
                continue;
            }
            if let (ResolveResult::Unknown(prefix), _) = self.inner.resolver().resolve_attribute(key) {
                findings.push(Code::XmlUnboundPrefix, span, Detail::UnboundPrefix { prefix });
                return false;
            }
        }
        true
    }

    /// The value of an unqualified attribute, unescaped and normalised as XML 1.0 §3.3.3 says
    /// (borrowed unless it holds references or white space to replace). Attribute syntax was
    /// checked when the element was read.
    pub(crate) fn attribute<'t>(tag: &'t BytesStart<'a>, name: &str) -> Option<Cow<'t, str>> {
        let mut attributes = tag.attributes();
        attributes.with_checks(false);
        attributes
            .flatten()
            .find(|a| a.key == QName(name))
            .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
    }

    /// A slice of the reader's text from an absolute span, trimmed by `head` and `tail` bytes.
    fn slice(&self, span: Span, head: usize, tail: usize) -> &'a str {
        let start = span.start.saturating_sub(self.base).saturating_add(head);
        let end = span.end.saturating_sub(self.base).saturating_sub(tail);
        self.text.get(start..end).unwrap_or_default()
    }

    fn report_error(&self, error: QxError, start: usize, findings: &mut Findings) {
        let at = usize::try_from(self.inner.error_position()).map_or(start, |p| p.saturating_add(self.base)).max(start);
        let span = Span::new(start, at.max(start));
        let (code, detail) = match error {
            QxError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => (
                Code::XmlMismatchedEnd,
                Detail::Parser(format!("end tag </{found}> does not match the open element <{expected}>")),
            ),
            QxError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                (Code::XmlMismatchedEnd, Detail::Parser(format!("end tag </{name}> closes no open element")))
            }
            QxError::Syntax(SyntaxError::UnclosedTag)
            | QxError::Syntax(SyntaxError::UnclosedComment)
            | QxError::Syntax(SyntaxError::UnclosedCData)
            | QxError::Syntax(SyntaxError::UnclosedPI)
            | QxError::Syntax(SyntaxError::UnclosedXmlDecl)
            | QxError::Syntax(SyntaxError::UnclosedSingleQuotedAttributeValue)
            | QxError::Syntax(SyntaxError::UnclosedDoubleQuotedAttributeValue) => {
                // quick-xml reports these only when the input ends inside the construct.
                (Code::XmlUnclosed, Detail::Parser(error.to_string()))
            }
            // A DOCTYPE is refused as such, even when the input ends inside it.
            QxError::Syntax(SyntaxError::UnclosedDoctype) => (Code::XmlDoctype, Detail::None),
            QxError::Syntax(SyntaxError::InvalidBangMarkup) if self.at_doctype(start) => {
                (Code::XmlDoctype, Detail::None)
            }
            QxError::InvalidAttr(AttrError::Duplicated(..)) => {
                (Code::XmlDuplicateAttribute, Detail::Parser(error.to_string()))
            }
            QxError::Namespace(_) => (Code::XmlMalformed, Detail::Parser(error.to_string())),
            other => (Code::XmlMalformed, Detail::Parser(other.to_string())),
        };
        findings.push(code, span, detail);
    }

    fn at_doctype(&self, start: usize) -> bool {
        let text = self.text.as_bytes();
        start
            .checked_sub(self.base)
            .and_then(|s| text.get(s..))
            .is_some_and(|rest| rest.len() >= 9 && rest.get(..9).is_some_and(|p| p.eq_ignore_ascii_case(b"<!DOCTYPE")))
    }
}

fn resolve(result: ResolveResult<'_>) -> Result<(Ns, Cow<'static, str>), String> {
    match result {
        ResolveResult::Unbound => Ok((Ns::None, Cow::Borrowed(""))),
        ResolveResult::Bound(namespace) => {
            let uri: &str = namespace.as_ref();
            Ok(match Ns::from_uri(uri) {
                Ns::Sr => (Ns::Sr, Cow::Borrowed(ns::SR)),
                Ns::Ra => (Ns::Ra, Cow::Borrowed(ns::RA)),
                Ns::Ds => (Ns::Ds, Cow::Borrowed(ns::DS)),
                other => (other, Cow::Owned(uri.to_owned())),
            })
        }
        ResolveResult::Unknown(prefix) => Err(prefix),
    }
}

/// Reads a whole document and drops its events: their number, or the first finding's code.
pub(crate) fn read_all(input: &[u8], limits: Limits) -> Result<usize, Code> {
    let mut findings = Findings::new(limits.max_findings);
    let first = |findings: &Findings| findings.list().first().map_or(Code::XmlMalformed, |f| f.code);
    let Some(mut reader) = Reader::new(input, limits, &mut findings) else {
        return Err(first(&findings));
    };
    let mut events = 0usize;
    while reader.next(&mut findings).is_some() {
        events = events.saturating_add(1);
    }
    if reader.is_complete() { Ok(events) } else { Err(first(&findings)) }
}

impl<'a> Reader<'a> {
    /// The input text under `span` (a span of an event this reader gave).
    pub(crate) fn source(&self, span: Span) -> &'a str {
        self.slice(span, 0, 0)
    }

    /// The namespace URI of an attribute name (empty for an unprefixed one: attributes are
    /// never in the default namespace).
    pub(crate) fn attribute_uri(&self, key: QName<'_>) -> &str {
        match self.inner.resolver().resolve_attribute(key) {
            (ResolveResult::Bound(namespace), _) => namespace.0,
            _ => "",
        }
    }
}

/// XML white space (`S` production).
pub(crate) fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The first character XML 1.0 forbids, with its byte offset. Surrogates cannot occur in a
/// `str`; the C0 controls other than TAB, LF and CR, and U+FFFE / U+FFFF can.
fn first_invalid_char(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    // Fast path, one branch-free pass the compiler vectorises: no control character other than
    // TAB/LF/CR, and no 0xEF lead byte (which U+FFFE and U+FFFF need).
    let suspicious = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF;
    if !bytes.iter().fold(false, |any, &b| any | suspicious(b)) {
        return None;
    }
    let at = bytes.iter().enumerate().position(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || (b == 0xEF
                && bytes.get(i.saturating_add(1)) == Some(&0xBF)
                && matches!(bytes.get(i.saturating_add(2)), Some(0xBE | 0xBF)))
    })?;
    text.get(at..).and_then(|rest| rest.chars().next()).map(|ch| (at, ch))
}

/// XML 1.0 `Name` (§2.3): a NameStartChar, then NameChars. Non-ASCII characters are accepted
/// as the production's large Unicode ranges allow them (U+00B7 and combining marks included), so
/// only the ASCII cases, where markup characters hide, are told apart.
fn is_xml_name(name: &str) -> bool {
    // Byte-wise first: nearly every name is ASCII letters, digits and `:`, `_`, `-`, `.`.
    let ascii_rest = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.');
    if let Some((&first, rest)) = name.as_bytes().split_first()
        && (first.is_ascii_alphabetic() || first == b'_' || first == b':')
        && rest.iter().all(|&b| ascii_rest(b))
    {
        return true;
    }
    let start = |c: char| c.is_ascii_alphabetic() || c == '_' || c == ':' || !c.is_ascii();
    let rest = |c: char| start(c) || c.is_ascii_digit() || c == '-' || c == '.';
    let mut chars = name.chars();
    chars.next().is_some_and(start) && chars.all(rest)
}

fn is_xml_char(ch: char) -> bool {
    matches!(u32::from(ch), 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Resolves `&name;`: the five predefined entities and character references only.
fn resolve_reference(name: &str) -> Result<char, (Code, Detail)> {
    let ch = if let Some(number) = name.strip_prefix('#') {
        let parsed = match number.strip_prefix('x') {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).ok()
            }
            Some(_) => None,
            None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => number.parse::<u32>().ok(),
            None => None,
        };
        match parsed.and_then(char::from_u32) {
            Some(ch) => ch,
            None => {
                return Err((
                    Code::XmlMalformed,
                    Detail::Parser(format!("&{name}; is not a valid character reference")),
                ));
            }
        }
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                return Err((Code::XmlUndefinedEntity, Detail::Entity { name: name.to_owned() }));
            }
        }
    };
    if is_xml_char(ch) {
        Ok(ch)
    } else {
        Err((Code::XmlInvalidChar, Detail::InvalidChar { code_point: u32::from(ch) }))
    }
}

/// Checks the references in a raw attribute value.
fn check_attribute_value(raw: &str) -> Result<(), (Code, Detail)> {
    if raw.contains('<') {
        return Err((Code::XmlMalformed, Detail::Parser("'<' is not allowed in an attribute value".into())));
    }
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        let after = rest.get(amp.saturating_add(1)..).unwrap_or_default();
        let Some(semi) = after.find(';') else {
            return Err((Code::XmlMalformed, Detail::Parser("'&' without ';' in an attribute value".into())));
        };
        resolve_reference(after.get(..semi).unwrap_or_default())?;
        rest = after.get(semi.saturating_add(1)..).unwrap_or_default();
    }
    Ok(())
}

#[cfg(test)]
mod tests;
