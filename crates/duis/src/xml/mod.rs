//! The XML layer: a strict, namespace-aware, limit-enforcing event stream over the borrowed
//! input.
//!
//! quick-xml does the tokenising. This module adds what a validator of hostile input needs and
//! quick-xml leaves to its caller: UTF-8 and XML `Char` checks, DOCTYPE refusal, one root and
//! nothing after it, entity resolution limited to the predefined entities, namespace resolution
//! by URI, and the [`Limits`]. Every event carries the byte span it was read from.
//!
//! One exception to "quick-xml tokenises": a start tag whose attributes all have the plain
//! form `name="value"` (every DUIS tag) is split by `SimpleAttributes`, a few memchr calls
//! instead of quick-xml's attribute iterator (about 400 instructions an attribute). Any other
//! form goes to quick-xml, faults included; a test runs both on every short tag text and
//! requires the same names and values, so a quick-xml upgrade that reads a form differently
//! fails it.

mod limits;

use quick_xml::Reader as QxReader;
use quick_xml::errors::{Error as QxError, IllFormedError, SyntaxError};
use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event as QxEvent};

pub use limits::Limits;

use crate::report::{Code, Detail, Findings, Span};
// A finding quotes a name, cut to a bound: never a copy of a 32 MiB name.
use duis_xsd::quoted;

/// Namespace URIs the validator knows, matched by URI, never by prefix.
pub(crate) mod ns {
    /// DUIS Service User Gateway: requests, responses, alerts.
    pub(crate) const SR: &str = "http://www.dccinterface.co.uk/ServiceUserGateway";
    /// DUIS Response and Alert (MMC).
    pub(crate) const RA: &str = "http://www.dccinterface.co.uk/ResponseAndAlert";
    /// XML Signature.
    pub(crate) const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    /// The `xml` prefix's namespace, bound without a declaration (Namespaces in XML 1.0 §3).
    pub(crate) const XML: &str = "http://www.w3.org/XML/1998/namespace";
    /// The namespace of namespace declarations, never declared.
    pub(crate) const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
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

/// An element start tag. For `<a/>` an [`Event::End`] follows at once. Its attributes are
/// [`Reader::attributes`] and its namespace URI [`Reader::element_uri`] until the next event
/// is read (kept in the reader, so that every event, which each pass is handed, stays small).
#[derive(Debug)]
pub(crate) struct Start<'a> {
    /// The element's namespace.
    pub(crate) ns: Ns,
    /// The name as written (`prefix:local` or `local`).
    pub(crate) qname: &'a str,
    /// Local name (after any prefix).
    pub(crate) local: &'a str,
    /// The whole start tag.
    pub(crate) span: Span,
    /// 1 for the root element.
    pub(crate) depth: u32,
}

/// One attribute of the current start tag. Attributes are read once per element, checked and
/// resolved by the reader, and shared by every pass.
#[derive(Debug)]
pub(crate) struct Attribute<'a> {
    /// The name as written.
    pub(crate) qname: &'a str,
    /// The prefix (`""` for none).
    pub(crate) prefix: &'a str,
    /// The local part of the name.
    pub(crate) local: &'a str,
    /// The namespace URI: `""` for an unprefixed attribute (attributes are never in the
    /// default namespace), the `xmlns` namespace for a namespace declaration.
    pub(crate) uri: Cow<'a, str>,
    /// The value with references resolved and white space normalised (XML 1.0 §3.3.3);
    /// borrowed from the input unless that changed it.
    pub(crate) value: Cow<'a, str>,
    /// For a namespace declaration, the prefix it binds (`""` for the default namespace).
    pub(crate) declares: Option<&'a str>,
    /// From the name to the closing quote.
    pub(crate) span: Span,
}

/// A namespace declaration in scope.
#[derive(Debug)]
pub(crate) struct Binding<'a> {
    /// The prefix bound (`""` for the default namespace).
    pub(crate) prefix: &'a str,
    /// The namespace URI (`""` for `xmlns=""`, which undeclares the default namespace).
    pub(crate) uri: Cow<'a, str>,
    ns: Ns,
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
    inner: QxReader<&'a [u8]>,
    /// The caller's input, which spans index.
    input: &'a [u8],
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
    /// The attributes of the latest start tag.
    attributes: Vec<Attribute<'a>>,
    /// The namespace declarations in scope, outermost first.
    bindings: Vec<Binding<'a>>,
    /// Per open element, outermost first: the number of bindings in scope before its own,
    /// and its qualified name.
    open: Vec<(usize, &'a str)>,
    /// The qualified name of the element the latest `End` closed.
    closed: &'a str,
    /// The namespace URI of the latest start tag's element (empty for none), as declared.
    element_uri: Cow<'a, str>,
    /// The input holds `]]>` somewhere (a CDATA section's end, or a fault in text): only then
    /// is each text searched for it.
    cdata_end_anywhere: bool,
    /// The input holds a carriage return somewhere: without one, no text needs end-of-line
    /// handling (XML 1.0 §2.11) and consumers need not search each text for one.
    has_cr: bool,
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
        // Byte-order marks of other encodings (XML 1.0 Appendix F.1), UTF-32's before UTF-16's,
        // whose marks begin theirs.
        let marks: [(&[u8], &str); 4] = [
            (&[0xFF, 0xFE, 0x00, 0x00], "UTF-32LE"),
            (&[0x00, 0x00, 0xFE, 0xFF], "UTF-32BE"),
            (&[0xFE, 0xFF], "UTF-16"),
            (&[0xFF, 0xFE], "UTF-16"),
        ];
        if let Some((mark, name)) = marks.iter().find(|(mark, _)| input.starts_with(mark)) {
            findings.push(Code::XmlEncoding, Span::new(0, mark.len()), Detail::Encoding { declared: (*name).into() });
            return None;
        }
        let base = if input.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
        // One byte-order mark is the encoding signature; a second is a U+FEFF character before
        // the root, which quick-xml would also take as a signature and drop.
        if base == 3 && input.get(3..6) == Some([0xEF, 0xBB, 0xBF].as_slice()) {
            findings.push(
                Code::XmlMalformed,
                Span::new(3, 6),
                Detail::Parser("a second byte-order mark: U+FEFF is not allowed before the root element".into()),
            );
            return None;
        }
        let body = input.get(base..).unwrap_or_default();
        let text = match core::str::from_utf8(body) {
            Ok(text) => text,
            Err(error) => {
                // A declaration that names another encoding says why the bytes are no UTF-8.
                if let Some((name, len)) = declared_encoding(body).filter(|(name, _)| !is_utf8_name(name)) {
                    let span = Span::new(base, base.saturating_add(len));
                    findings.push(Code::XmlEncoding, span, Detail::Encoding { declared: name.to_owned() });
                    return None;
                }
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
        let mut inner = QxReader::from_str(text);
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
            input,
            text,
            base,
            limits,
            depth: 0,
            elements: 0,
            text_len: 0,
            state: State::BeforeRoot,
            pending_end: None,
            complete: false,
            // Sized for a DUIS message (a few attributes, a few namespaces, about ten deep):
            // one allocation each per message, none per element.
            attributes: Vec::with_capacity(8),
            bindings: Vec::with_capacity(8),
            open: Vec::with_capacity(32),
            closed: "",
            element_uri: Cow::Borrowed(""),
            // A DUIS message rarely holds a `]` at all: one vectorised byte search says so.
            cdata_end_anywhere: memchr::memchr(b']', text.as_bytes()).is_some() && find_cdata_end(text).is_some(),
            has_cr: memchr::memchr(b'\r', text.as_bytes()).is_some(),
        })
    }

    /// True once the whole document was read with no fatal finding.
    pub(crate) fn is_complete(&self) -> bool {
        self.complete
    }

    /// True when the input holds a carriage return anywhere (each text may then need XML's
    /// end-of-line handling); false says no text does.
    pub(crate) fn has_cr(&self) -> bool {
        self.has_cr
    }

    /// The caller's input, which every span indexes.
    pub(crate) fn input(&self) -> &'a [u8] {
        self.input
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
            let event = match self.inner.read_event() {
                Ok(event) => event,
                Err(error) => {
                    self.report_error(error, start, findings);
                    return self.stop();
                }
            };
            let span = Span::new(start, self.position());
            match event {
                QxEvent::Start(tag) => return self.open(&tag, span, false, findings),
                QxEvent::Empty(tag) => return self.open(&tag, span, true, findings),
                QxEvent::End(_) => return Some(self.close(span)),
                QxEvent::Text(text) => {
                    let _ = text;
                    let raw = self.slice(span, 0, 0);
                    if self.state != State::InRoot {
                        // Located at the first character that is not white space.
                        let Some(at) = raw.bytes().position(|b| !is_xml_space(b)) else { continue };
                        let span = Span::new(span.start.saturating_add(at), span.end);
                        findings.push(Code::XmlContentOutsideRoot, span, Detail::None);
                        return self.stop();
                    }
                    if !self.add_text(raw.len(), span, findings) {
                        return self.stop();
                    }
                    // XML 1.0 §2.4 [14]: character data never holds the literal `]]>`. A
                    // reference is an event of its own, so `]]&gt;` never gets here.
                    if let Some(at) = self.cdata_end_anywhere.then(|| find_cdata_end(raw)).flatten() {
                        let at = span.start.saturating_add(at);
                        findings.push(
                            Code::XmlMalformed,
                            Span::new(at, at.saturating_add(3)),
                            Detail::Parser("`]]>` is not allowed in character data".into()),
                        );
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
                QxEvent::GeneralRef(_) => {
                    if self.state != State::InRoot {
                        findings.push(Code::XmlContentOutsideRoot, span, Detail::None);
                        return self.stop();
                    }
                    let ch = match resolve_reference(self.slice(span, 1, 1)) {
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
                QxEvent::Decl(_) => {
                    // XML 1.0 §2.8: the declaration, if any, is the document's very first
                    // bytes (after a byte-order mark); anywhere else `<?xml` is a reserved
                    // processing-instruction target.
                    if start != self.base {
                        let message = "the XML declaration may only come first, at the very start of the document";
                        findings.push(Code::XmlMalformed, span, Detail::Parser(message.into()));
                        return self.stop();
                    }
                    match xml_declaration(self.slice(span, 2, 2)) {
                        Err(message) => {
                            findings.push(Code::XmlMalformed, span, Detail::Parser(message));
                            return self.stop();
                        }
                        Ok(Some(name)) if !is_utf8_name(name) => {
                            findings.push(Code::XmlEncoding, span, Detail::Encoding { declared: name.to_owned() });
                        }
                        Ok(_) => {}
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
                QxEvent::PI(_) => {
                    let content = self.slice(span, 2, 2);
                    if let Err(message) = check_pi_target(content) {
                        findings.push(Code::XmlMalformed, span, Detail::Parser(message));
                        return self.stop();
                    }
                    return Some(Event::Pi(content));
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

    fn open(&mut self, tag: &BytesStart<'a>, span: Span, empty: bool, findings: &mut Findings) -> Option<Event<'a>> {
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
        let qname = self.slice(span, 1, 0).get(..tag.name().as_ref().len()).unwrap_or_default();
        // quick-xml does not check name characters: `<a//>` would be an element named `a/`.
        let Some((prefix, local)) = split_qname(qname) else {
            let name = quoted(qname);
            findings.push(Code::XmlMalformed, span, Detail::Parser(format!("{name:?} is not an XML name")));
            return self.stop();
        };
        self.open.push((self.bindings.len(), qname));
        self.attributes.clear();
        // Most DUIS elements carry no attributes: skip the attribute walk for them.
        if tag.attributes_raw().iter().any(|&b| !is_xml_space(b)) && !self.read_attributes(tag, span, findings) {
            return self.stop();
        }
        let (ns, uri) = match prefix {
            "xmlns" => {
                findings.push(
                    Code::XmlMalformed,
                    span,
                    Detail::Parser("an element cannot have the prefix xmlns".into()),
                );
                return self.stop();
            }
            "xml" => (Ns::Other, Cow::Borrowed(ns::XML)),
            _ => match self.binding(prefix) {
                Some(binding) => (binding.ns, binding.uri.clone()),
                // No default namespace in scope: the element is in no namespace.
                None if prefix.is_empty() => (Ns::None, Cow::Borrowed("")),
                None => {
                    let prefix = quoted(prefix);
                    findings.push(Code::XmlUnboundPrefix, span, Detail::UnboundPrefix { prefix });
                    return self.stop();
                }
            },
        };
        if empty {
            self.pending_end = Some(Span::point(span.end));
        }
        self.element_uri = uri;
        Some(Event::Start(Start { ns, qname, local, span, depth: self.depth }))
    }

    fn close(&mut self, span: Span) -> Event<'a> {
        self.depth = self.depth.saturating_sub(1);
        self.text_len = 0;
        if self.depth == 0 {
            self.state = State::AfterRoot;
        }
        if let Some((mark, qname)) = self.open.pop() {
            self.bindings.truncate(mark);
            self.closed = qname;
        }
        Event::End(span)
    }

    /// Reads the attributes of a start tag into [`Reader::attributes`]: counts them, checks
    /// their syntax, names, value length and characters, takes in the namespace declarations
    /// (Namespaces in XML 1.0 §3, reserved prefixes and names included), then resolves every
    /// attribute prefix and checks that no two attributes share an expanded name (§6.3).
    // Out of line: most elements have no attributes, and `open` stays small without it.
    #[inline(never)]
    fn read_attributes(&mut self, tag: &BytesStart<'a>, span: Span, findings: &mut Findings) -> bool {
        // A fault is located at the attribute it is in: `text` starts one byte into the tag.
        let at = |offset: usize| span.start.saturating_add(1).saturating_add(offset);
        let malformed = |findings: &mut Findings, where_: Span, message: String| {
            findings.push(Code::XmlMalformed, where_, Detail::Parser(message));
            false
        };
        // The same bytes borrowed from the input, so that names and values outlive `tag`.
        let text: &'a str = self.slice(span, 1, 0).get(..tag.len()).unwrap_or_default();
        let name_len = tag.name().as_ref().len();
        // Nearly every tag is in the simple form `SimpleAttributes::read` reads, which yields what
        // quick-xml would; any other is read by quick-xml, its errors included.
        let mut simple = SimpleAttributes { text, ranges: [(0, 0, 0, 0); SIMPLE_ATTRIBUTES], len: 0 };
        let simple = simple.read(name_len).then_some(&simple);
        let mut attributes = quick_xml::events::attributes::Attributes::new(text, name_len);
        // Duplicates are found below, against the list being built: quick-xml's own check
        // allocates a list of its own for every start tag.
        let attributes = attributes.with_checks(false);
        let mut index = 0usize;
        let mut next = || match simple {
            Some(simple) => {
                let (key, value) = simple.get(index)?;
                index = index.saturating_add(1);
                let key = quick_xml::name::QName(key.as_bytes());
                Some(Ok(quick_xml::events::attributes::Attribute { key, value: Cow::Borrowed(value.as_bytes()) }))
            }
            None => attributes.next(),
        };
        let mut count: u32 = 0;
        while let Some(attribute) = next() {
            count = count.saturating_add(1);
            if count > self.limits.max_attributes {
                let max = u64::from(self.limits.max_attributes);
                findings.push(Code::LimitAttributes, span, Detail::Limit { max });
                return false;
            }
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(error) => {
                    use quick_xml::events::attributes::AttrError;
                    let (position, message) = match error {
                        // quick-xml points where it looked for `=`: the name it follows is at fault.
                        AttrError::ExpectedEq(p) => (name_before(text, p), "an attribute name is not followed by `=`"),
                        AttrError::ExpectedValue(p) => (p, "an attribute has `=` but no value"),
                        AttrError::UnquotedValue(p) => (p, "an attribute value is not quoted"),
                        AttrError::ExpectedQuote(p, _) => (p, "an attribute value is not closed by its quote"),
                        AttrError::Duplicated(p, _) => (p, "an attribute appears twice"),
                    };
                    return malformed(findings, Span::point(at(position).min(span.end)), message.into());
                }
            };
            let Some(placed) = place(text, &attribute.value) else {
                return malformed(findings, span, "an attribute value outside its tag".into());
            };
            let Some(key) = place(text, attribute.key.0) else {
                return malformed(findings, span, "an attribute name outside its tag".into());
            };
            // From the name to the closing quote.
            let attribute_span = Span::new(at(key.start), at(placed.end.saturating_add(1)));
            if attribute.value.len() > self.limits.max_attribute_bytes {
                let max = u64::try_from(self.limits.max_attribute_bytes).unwrap_or(u64::MAX);
                findings.push(Code::LimitAttributeLength, attribute_span, Detail::Limit { max });
                return false;
            }
            // XML 1.0 §3.1: white space separates attributes (`a="1"b="2"` is not a tag).
            if text.as_bytes().get(placed.end.saturating_add(1)).is_some_and(|&b| !is_xml_space(b)) {
                let next = at(placed.end.saturating_add(1));
                return malformed(findings, Span::point(next), "attributes must be separated by white space".into());
            }
            // Nearly every value holds no reference and no white space other than spaces: it
            // is already its own normalised form (XML 1.0 §3.3.3), and needs no further check.
            let raw = text.get(placed.clone()).unwrap_or_default();
            // A branch-free pass, which vectorises: values are long URIs, and nearly always plain.
            let plain = !raw.bytes().fold(false, |any, b| any | matches!(b, b'<' | b'&' | b'\t' | b'\n' | b'\r'));
            if !plain && let Err((code, detail)) = check_attribute_value(raw) {
                findings.push(code, attribute_span, detail);
                return false;
            }
            let qname = text.get(key.clone()).unwrap_or_default();
            if self.attributes.iter().any(|a| a.qname == qname) {
                let name = quoted(qname);
                findings.push(Code::XmlDuplicateAttribute, attribute_span, Detail::Attribute { name });
                return false;
            }
            let Some((prefix, local)) = split_qname(qname) else {
                return malformed(findings, attribute_span, format!("{:?} is not an XML name", quoted(qname)));
            };
            let normalised = if plain {
                Ok(Cow::Borrowed(raw))
            } else {
                attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            };
            let value = match normalised {
                Ok(value) => value,
                Err(error) => return malformed(findings, attribute_span, error.to_string()),
            };
            let declares = match (prefix, local) {
                ("", "xmlns") => Some(""),
                ("xmlns", declared) => Some(declared),
                _ => None,
            };
            if let Some(declared) = declares {
                if let Err(message) = check_declaration(declared, &value) {
                    return malformed(findings, attribute_span, message);
                }
                // `xml` is bound already, and may only be declared to its own URI.
                if declared != "xml" {
                    if self.bindings.len() >= self.limits.max_namespaces {
                        let max = u64::try_from(self.limits.max_namespaces).unwrap_or(u64::MAX);
                        findings.push(Code::LimitNamespaces, attribute_span, Detail::Limit { max });
                        return false;
                    }
                    let ns = if value.is_empty() { Ns::None } else { Ns::from_uri(&value) };
                    self.bindings.push(Binding { prefix: declared, uri: value.clone(), ns });
                }
            }
            let uri = if declares.is_some() { Cow::Borrowed(ns::XMLNS) } else { Cow::Borrowed("") };
            self.attributes.push(Attribute { qname, prefix, local, uri, value, declares, span: attribute_span });
        }
        // Prefixes resolve once every declaration on the element is in.
        let mut qualified = false;
        for i in 0..self.attributes.len() {
            let Some(attribute) = self.attributes.get(i) else { break };
            if attribute.declares.is_some() || attribute.prefix.is_empty() {
                continue;
            }
            let uri = match attribute.prefix {
                "xml" => Cow::Borrowed(ns::XML),
                prefix => match self.binding(prefix) {
                    Some(binding) => binding.uri.clone(),
                    None => {
                        let where_ = attribute.span;
                        let prefix = quoted(prefix);
                        findings.push(Code::XmlUnboundPrefix, where_, Detail::UnboundPrefix { prefix });
                        return false;
                    }
                },
            };
            if let Some(attribute) = self.attributes.get_mut(i) {
                attribute.uri = uri;
            }
            qualified = true;
        }
        // Two prefixes bound to one URI can name one attribute twice (Namespaces §6.3); the
        // same qualified name twice was caught above.
        if qualified {
            let named = |a: &Attribute<'_>| a.declares.is_none() && !a.prefix.is_empty();
            for (i, a) in self.attributes.iter().enumerate().filter(|(_, a)| named(a)) {
                let twin = self.attributes.iter().skip(i.saturating_add(1)).filter(|b| named(b));
                if let Some(b) = twin.into_iter().find(|b| b.local == a.local && b.uri == a.uri) {
                    let name = quoted(b.qname);
                    findings.push(Code::XmlDuplicateAttribute, b.span, Detail::Attribute { name });
                    return false;
                }
            }
        }
        true
    }

    /// The innermost declaration of `prefix` in scope (`""`: the default namespace).
    fn binding(&self, prefix: &str) -> Option<&Binding<'a>> {
        self.bindings.iter().rev().find(|b| same_short(b.prefix, prefix))
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
                Detail::Parser(format!(
                    "end tag </{}> does not match the open element <{}>",
                    quoted(&found),
                    quoted(&expected)
                )),
            ),
            QxError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                (Code::XmlMismatchedEnd, Detail::Parser(format!("end tag </{}> closes no open element", quoted(&name))))
            }
            QxError::Syntax(SyntaxError::UnclosedTag)
            | QxError::Syntax(SyntaxError::UnclosedComment)
            | QxError::Syntax(SyntaxError::UnclosedCData)
            | QxError::Syntax(SyntaxError::UnclosedPI)
            | QxError::Syntax(SyntaxError::UnclosedXmlDecl)
            | QxError::Syntax(SyntaxError::UnclosedSingleQuotedAttributeValue)
            | QxError::Syntax(SyntaxError::UnclosedDoubleQuotedAttributeValue) => {
                // quick-xml reports these only when the input ends inside the construct: with
                // the root open that is a truncated message; before the root or after it, markup
                // that never ends is malformed, not a root left open.
                let in_a_tag = matches!(
                    error,
                    QxError::Syntax(
                        SyntaxError::UnclosedTag
                            | SyntaxError::UnclosedSingleQuotedAttributeValue
                            | SyntaxError::UnclosedDoubleQuotedAttributeValue
                    )
                );
                let truncated = self.state == State::InRoot || (self.state == State::BeforeRoot && in_a_tag);
                let code = if truncated { Code::XmlUnclosed } else { Code::XmlMalformed };
                (code, Detail::Parser(error.to_string()))
            }
            // A DOCTYPE is refused as such, even when the input ends inside it or names nothing.
            QxError::Syntax(SyntaxError::UnclosedDoctype) | QxError::IllFormed(IllFormedError::MissingDoctypeName) => {
                (Code::XmlDoctype, Detail::None)
            }
            QxError::Syntax(SyntaxError::InvalidBangMarkup) if self.at_doctype(start) => {
                (Code::XmlDoctype, Detail::None)
            }
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

impl<'a> Reader<'a> {
    /// The input text under `span` (a span of an event this reader gave).
    pub(crate) fn source(&self, span: Span) -> &'a str {
        self.slice(span, 0, 0)
    }

    /// The qualified name of the element the latest [`Event::End`] closed.
    pub(crate) fn closed_name(&self) -> &'a str {
        self.closed
    }

    /// The namespace URI of the latest start tag's element, as declared (`""` for none).
    pub(crate) fn element_uri(&self) -> &str {
        &self.element_uri
    }

    /// The attributes of the latest start tag, namespace declarations included.
    pub(crate) fn attributes(&self) -> &[Attribute<'a>] {
        &self.attributes
    }

    /// The value of the latest start tag's unprefixed attribute `name`.
    pub(crate) fn attribute(&self, name: &str) -> Option<Cow<'a, str>> {
        self.attributes.iter().find(|a| a.qname == name).map(|a| a.value.clone())
    }

    /// The URI bound to `prefix` in scope, the latest start tag's declarations included
    /// (`""` for the default namespace; `None` when unbound). The `xml` prefix is not listed.
    pub(crate) fn namespace(&self, prefix: &str) -> Option<&str> {
        self.binding(prefix).map(|b| b.uri.as_ref())
    }

    /// The URI bound to `prefix` outside the innermost open element.
    pub(crate) fn outer_namespace(&self, prefix: &str) -> Option<&str> {
        let mark = self.open.last().map_or(0, |(mark, _)| *mark);
        let outer = self.bindings.get(..mark).unwrap_or_default();
        outer.iter().rev().find(|b| b.prefix == prefix).map(|b| b.uri.as_ref())
    }

    /// The namespace declarations made on the innermost open element (none for `xml`).
    pub(crate) fn declared_here(&self) -> &[Binding<'a>] {
        let mark = self.open.last().map_or(0, |(mark, _)| *mark);
        self.bindings.get(mark..).unwrap_or_default()
    }
}

/// Most attributes [`SimpleAttributes::read`] reads at once; a tag with more goes to quick-xml.
const SIMPLE_ATTRIBUTES: usize = 8;

/// The attributes of a start tag in the simple form [`SimpleAttributes::read`] reads: (name,
/// value) byte ranges into the tag's text.
struct SimpleAttributes<'a> {
    text: &'a str,
    ranges: [(usize, usize, usize, usize); SIMPLE_ATTRIBUTES],
    len: usize,
}

impl<'a> SimpleAttributes<'a> {
    /// Reads the attributes of a start tag's text (after `<`, up to `>` or `/>`) from `from`,
    /// the end of the element name, when every one has the form nearly all have: white space,
    /// a name up to `=` (no white space in it or around the `=`), and a value in quotes.
    /// quick-xml's attribute parser gives the same names and values for such a tag: it skips
    /// white space, takes the name up to the first `=` or white space, skips white space after
    /// `=`, and takes the value up to the next quote of its kind. False for any other form, or
    /// for more than [`SIMPLE_ATTRIBUTES`] attributes: quick-xml then reads the tag, and reports
    /// its faults. (Filled in place: the list is too large to return by value cheaply.)
    fn read(&mut self, from: usize) -> bool {
        let bytes = self.text.as_bytes();
        self.len = 0;
        let mut at = from;
        loop {
            let Some(rest) = bytes.get(at..) else { return false };
            let Some(skip) = rest.iter().position(|&b| !is_xml_space(b)) else { return true };
            // The separating white space is not required here: quick-xml does not need it
            // either, and the reader reports its absence.
            let name_start = at.saturating_add(skip);
            // As quick-xml does, the name's first byte is taken whatever it is (an `=` too):
            // the search for its end starts after it.
            let rest = bytes.get(name_start.saturating_add(1)..).unwrap_or_default();
            let Some(name_len) = rest.iter().position(|&b| b == b'=' || is_xml_space(b)) else { return false };
            let name_end = name_start.saturating_add(1).saturating_add(name_len);
            let value_start = name_end.saturating_add(2);
            let quote = match bytes.get(name_end..value_start) {
                Some([b'=', quote @ (b'"' | b'\'')]) => *quote,
                _ => return false,
            };
            let rest = bytes.get(value_start..).unwrap_or_default();
            let Some(value_len) = memchr::memchr(quote, rest) else { return false };
            let value_end = value_start.saturating_add(value_len);
            let Some(slot) = self.ranges.get_mut(self.len) else { return false };
            *slot = (name_start, name_end, value_start, value_end);
            self.len = self.len.saturating_add(1);
            at = value_end.saturating_add(1);
        }
    }

    /// The name and raw value of the `i`th attribute.
    fn get(&self, i: usize) -> Option<(&'a str, &'a str)> {
        let &(name_start, name_end, value_start, value_end) = self.ranges.get(..self.len)?.get(i)?;
        Some((self.text.get(name_start..name_end)?, self.text.get(value_start..value_end)?))
    }
}

/// Where `part`, a slice quick-xml borrowed from `text`, lies in it. Cutting the already
/// validated text there costs two boundary checks where converting `part` would validate its
/// UTF-8 again.
fn place(text: &str, part: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = part.as_ptr().addr().checked_sub(text.as_ptr().addr())?;
    let end = start.checked_add(part.len())?;
    (end <= text.len()).then_some(start..end)
}

/// `a == b`, compared in line: `==` on strings calls `memcmp`, which costs more than the two
/// or three bytes of a namespace prefix.
fn same_short(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
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
    if !bytes.iter().fold(false, |any, &b| any | suspicious_byte(b)) {
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

/// A control character other than TAB, LF and CR, or 0xEF. TAB (0x09) and CR (0x0D) are the
/// only bytes that OR 0x04 makes 0x0D: one compare for both, one fewer per byte in the
/// vectorised pass of [`first_invalid_char`].
fn suspicious_byte(b: u8) -> bool {
    (b < 0x20 && (b | 0x04) != b'\r' && b != b'\n') || b == 0xEF
}

/// Splits a qualified name (Namespaces in XML 1.0 §4: `NCName` or `NCName ':' NCName`) into
/// prefix (`""` for none) and local part; `None` when it is not one. One pass over the bytes.
/// Non-ASCII characters are accepted as the `Name` production's large Unicode ranges allow them
/// (U+00B7 and combining marks included), so only the ASCII cases, where markup characters
/// hide, are told apart.
fn split_qname(name: &str) -> Option<(&str, &str)> {
    let bytes = name.as_bytes();
    // Prefixes are short (`sr`, `ds`, `xmlns`): a plain loop over the first bytes finds the
    // colon of nearly every prefixed name, and each part is then classified once. Any other
    // name is classified whole, which also says whether a colon comes later.
    let head = bytes.get(..bytes.len().min(SHORT_PREFIX)).unwrap_or_default();
    let (colon, whole) = match head.iter().position(|&b| b == b':') {
        Some(at) => (Some(at), 0),
        None => {
            let classes = classes_of(bytes);
            let colon = if classes & COLON == 0 { None } else { bytes.iter().position(|&b| b == b':') };
            (colon, classes)
        }
    };
    // One table lookup per byte; the OR of the classes says whether a forbidden ASCII byte, a
    // non-ASCII character or (in the local part) a second colon occurred, with no branch per byte.
    let (prefix, local, classes) = match colon {
        Some(at) => {
            let (prefix, local) = (name.get(..at)?, name.get(at.saturating_add(1)..)?);
            let local_classes = classes_of(local.as_bytes());
            if prefix.is_empty() || local_classes & COLON != 0 {
                return None;
            }
            (prefix, local, classes_of(prefix.as_bytes()) | local_classes)
        }
        None => ("", name, whole),
    };
    if classes & FORBIDDEN != 0 {
        return None;
    }
    // Non-ASCII characters are checked one by one against the Name production's ranges: the
    // rare case, so the table above stays one bit per byte class.
    if classes & NON_ASCII != 0 && !non_ascii_parts_are_names(name) {
        return None;
    }
    // Each part starts with a letter, `_` or a non-ASCII character.
    let starts = |part: &str| part.bytes().next().is_some_and(|b| name_byte(b) & START != 0);
    (starts(local) && (prefix.is_empty() || starts(prefix))).then_some((prefix, local))
}

/// The OR of the [`name_byte`] classes of `bytes`.
fn classes_of(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |seen, &b| seen | name_byte(b))
}

/// Every part of a name between colons is an `NCName`, each character checked: out of line,
/// so that the ASCII names [`split_qname`] nearly always sees pay nothing for it.
#[cold]
#[inline(never)]
fn non_ascii_parts_are_names(name: &str) -> bool {
    name.split(':').all(is_nc_name)
}

/// How far into a name [`split_qname`] looks for the colon before classifying it whole.
const SHORT_PREFIX: usize = 8;

/// [`name_byte`] classes.
const START: u8 = 1;
const COLON: u8 = 2;
const FORBIDDEN: u8 = 4;
const NON_ASCII: u8 = 8;

/// The class of a byte in a name: ASCII letters, `_` and every byte of a non-ASCII character
/// may start a name part; digits, `-` and `.` may follow; `:` separates the prefix; any other
/// ASCII byte is forbidden.
const fn class_of(b: u8) -> u8 {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | b'_' => START,
        0x80..=0xFF => START | NON_ASCII,
        b'0'..=b'9' | b'-' | b'.' => 0,
        b':' => COLON,
        _ => FORBIDDEN,
    }
}

/// [`class_of`] for every byte, built at compile time: one load per byte of a name.
// The loop runs at compile time over 0..256: the index and the cast cannot go wrong.
#[allow(clippy::indexing_slicing, clippy::as_conversions, clippy::cast_possible_truncation)]
static NAME_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = class_of(i as u8);
        i += 1;
    }
    table
};

fn name_byte(b: u8) -> u8 {
    // Never `None`: the table has an entry for every byte.
    NAME_BYTES.get(usize::from(b)).copied().unwrap_or(FORBIDDEN)
}

/// XML 1.0 §2.3 `NameStartChar`, without the colon (Namespaces in XML 1.0 `NCName`).
fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 §2.3 `NameChar`, without the colon.
fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// A name with no colon (Namespaces in XML 1.0 `NCName`), every character checked.
fn is_nc_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// XML 1.0 §2.6: a processing instruction's target is a name (with no colon, Namespaces in
/// XML 1.0 §7), not `xml` in any case, and white space separates it from the rest.
fn check_pi_target(content: &str) -> Result<(), String> {
    let target = content.split([' ', '\t', '\n', '\r']).next().unwrap_or_default();
    if !is_nc_name(target) {
        return Err(format!("{target:?} is not a processing-instruction target"));
    }
    if target.eq_ignore_ascii_case("xml") {
        return Err(format!("the processing-instruction target {target:?} is reserved"));
    }
    Ok(())
}

/// XML 1.0 §2.8 `XMLDecl`, given the text between `<?` and `?>`: `version` (`1.` and digits),
/// then optionally `encoding` (an `EncName`) and `standalone` (`yes` or `no`), in that order,
/// each after white space, each value quoted. Returns the declared encoding.
fn xml_declaration(content: &str) -> Result<Option<&str>, String> {
    // The declarations DUIS messages carry, answered without parsing: each reads as below.
    match content {
        "xml version=\"1.0\" encoding=\"UTF-8\"" | "xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"" => {
            return Ok(Some("UTF-8"));
        }
        "xml version=\"1.0\"" => return Ok(None),
        _ => {}
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let mut rest = content.strip_prefix("xml").ok_or("not an XML declaration")?;
    // At most three pseudo-attributes: kept on the stack, no allocation per message.
    let mut pseudo: [(&str, &str); 3] = [("", ""); 3];
    let mut count = 0;
    loop {
        let trimmed = rest.trim_start_matches(is_space);
        if trimmed.is_empty() {
            break;
        }
        if trimmed.len() == rest.len() || count == pseudo.len() {
            return Err("the XML declaration is malformed".into());
        }
        let name_end = trimmed.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(trimmed.len());
        let (name, after) = trimmed.split_at(name_end);
        let after = after.trim_start_matches(is_space).strip_prefix('=').ok_or("the XML declaration is malformed")?;
        let after = after.trim_start_matches(is_space);
        let quote =
            after.chars().next().filter(|&q| q == '"' || q == '\'').ok_or("the XML declaration is malformed")?;
        let body = after.get(1..).unwrap_or_default();
        let end = body.find(quote).ok_or("the XML declaration is malformed")?;
        if let Some(slot) = pseudo.get_mut(count) {
            *slot = (name, body.get(..end).unwrap_or_default());
        }
        count += 1;
        rest = body.get(end.saturating_add(1)..).unwrap_or_default();
    }
    let mut items = pseudo.into_iter().take(count).peekable();
    match items.next() {
        Some(("version", version))
            if version
                .strip_prefix("1.")
                .is_some_and(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit())) => {}
        Some(("version", version)) => return Err(format!("XML version {version:?} is not 1.x")),
        _ => return Err("the XML declaration must start with its version".into()),
    }
    let mut encoding = None;
    if let Some(&("encoding", name)) = items.peek() {
        let mut chars = name.chars();
        let enc_name = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !enc_name {
            return Err(format!("{name:?} is not an encoding name"));
        }
        encoding = Some(name);
        items.next();
    }
    if let Some(&("standalone", value)) = items.peek() {
        if value != "yes" && value != "no" {
            return Err(format!("standalone must be \"yes\" or \"no\", not {value:?}"));
        }
        items.next();
    }
    match items.next() {
        Some((name, _)) => Err(format!("{name:?} is out of place in the XML declaration")),
        None => Ok(encoding),
    }
}

/// The constraints on a namespace declaration (Namespaces in XML 1.0 §3): `xml` only to its
/// own URI and that URI to no other prefix, `xmlns` and its URI never, and no prefix undeclared
/// with an empty URI (XML 1.0 namespaces have no prefix undeclaring).
fn check_declaration(prefix: &str, uri: &str) -> Result<(), String> {
    match (prefix, uri) {
        ("xml", ns::XML) => Ok(()),
        ("xml", _) => Err(format!("the prefix xml cannot be bound to {uri:?}")),
        ("xmlns", _) => Err("the prefix xmlns cannot be declared".into()),
        (_, ns::XML | ns::XMLNS) => Err(format!("{uri:?} cannot be bound to the prefix {prefix:?}")),
        (prefix, "") if !prefix.is_empty() => Err(format!("the prefix {prefix:?} cannot be bound to an empty URI")),
        _ => Ok(()),
    }
}

fn is_xml_char(ch: char) -> bool {
    matches!(u32::from(ch), 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Resolves `&name;`: the five predefined entities and character references only.
fn resolve_reference(name: &str) -> Result<char, (Code, Detail)> {
    let ch = if let Some(number) = name.strip_prefix('#') {
        // A well-formed number too large for 32 bits is beyond U+10FFFF all the same.
        let parsed = match number.strip_prefix('x') {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Some(u32::from_str_radix(hex, 16).unwrap_or(u32::MAX))
            }
            Some(_) => None,
            None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                Some(number.parse::<u32>().unwrap_or(u32::MAX))
            }
            None => None,
        };
        match (parsed, parsed.and_then(char::from_u32)) {
            (_, Some(ch)) => ch,
            // A number that is no character (a surrogate, beyond U+10FFFF): WFC Legal Character.
            (Some(code_point), None) => {
                return Err((Code::XmlInvalidChar, Detail::InvalidChar { code_point }));
            }
            (None, None) => {
                return Err((
                    Code::XmlMalformed,
                    Detail::Parser(format!("&{}; is not a valid character reference", quoted(name))),
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
            // §4.1 [68]: `&` Name `;`. A reference that is no name is a syntax error, not an
            // undeclared entity.
            // An entity name holds no colon (Namespaces in XML 1.0 §7).
            _ if !is_nc_name(name) => {
                return Err((
                    Code::XmlMalformed,
                    Detail::Parser(format!("&{}; is not a reference: {:?} is not a name", quoted(name), quoted(name))),
                ));
            }
            _ => {
                return Err((Code::XmlUndefinedEntity, Detail::Entity { name: quoted(name) }));
            }
        }
    };
    if is_xml_char(ch) {
        Ok(ch)
    } else {
        Err((Code::XmlInvalidChar, Detail::InvalidChar { code_point: u32::from(ch) }))
    }
}

/// The encoding an XML declaration at the very start of `body` names, and the declaration's
/// length, read from its ASCII bytes alone (for input that is not UTF-8).
fn declared_encoding(body: &[u8]) -> Option<(&str, usize)> {
    if !body.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(body, b"?>")?;
    let content = core::str::from_utf8(body.get(2..end)?).ok()?;
    let name = xml_declaration(content).ok()??;
    Some((name, end.saturating_add(2)))
}

/// `UTF-8` as an encoding name may be written (case aside).
fn is_utf8_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("UTF-8") || name.eq_ignore_ascii_case("UTF8")
}

/// Where the literal `]]>` starts in character data, if it does.
fn find_cdata_end(text: &str) -> Option<usize> {
    memchr::memmem::find(text.as_bytes(), b"]]>")
}

/// The start of the name that ends before `position` in a tag's text (white space between
/// them skipped): where an attribute name missing its `=` begins.
fn name_before(text: &str, position: usize) -> usize {
    let bytes = text.as_bytes().get(..position.min(text.len())).unwrap_or_default();
    let end = bytes.iter().rposition(|&b| !is_xml_space(b)).map_or(0, |i| i.saturating_add(1));
    bytes.get(..end).and_then(|head| head.iter().rposition(|&b| is_xml_space(b))).map_or(0, |i| i.saturating_add(1))
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
