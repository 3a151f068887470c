//! Schema validation inside the single pass.
//!
//! The DUIS 5.4 schema set (with MMC 5.4 and xmldsig) is compiled by `duis-xsd` into the static
//! tables in `generated/duis54.rs`, committed, so no XSD is read at run time. A schema compiled
//! at run time ([`Schema::compile`]) validates other DUIS versions with the same code.

use std::sync::Arc;

use crate::report::{Code, Detail, Findings, Span};
use crate::xml::{Event, Ns, Reader, Start, ns};

#[rustfmt::skip]
#[allow(unreachable_pub, missing_docs, clippy::all)]
#[path = "generated/duis54.rs"]
mod duis54;

/// A compiled schema set to validate against.
///
/// [`Schema::duis_5_4`] is built in; [`Schema::compile`] compiles the XSD text of another DUIS
/// version (its imports supplied by the caller, since the library reads no files).
#[derive(Clone, Debug)]
pub struct Schema(Inner);

#[derive(Clone, Debug)]
enum Inner {
    Builtin,
    /// A compiled schema, with its [`Schema::known`] namespaces.
    Compiled(Arc<duis_xsd::Schema>, Known),
}

/// Why an XSD did not compile: the construct and its line and column.
pub type SchemaError = duis_xsd::CompileError;

/// What kind of [`SchemaError`] it is.
pub type SchemaErrorKind = duis_xsd::CompileErrorKind;

impl Schema {
    /// The built-in DUIS 5.4 schema set (DUIS, MMC and xmldsig), from static tables.
    pub fn duis_5_4() -> Schema {
        Schema(Inner::Builtin)
    }

    /// Compiles an XSD. `main` names the main document; `resolve` returns the text of a
    /// document by location: first `main` itself, then each `xs:import schemaLocation`, a
    /// relative one joined to the importing document's location (see [`duis_xsd::compile`]).
    /// Constructs outside the supported subset are an error naming the construct and its
    /// position.
    pub fn compile(main: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Result<Schema, SchemaError> {
        duis_xsd::compile(main, resolve).map(|schema| {
            let known = known_in(&schema);
            Schema(Inner::Compiled(Arc::new(schema), known))
        })
    }

    /// True for the built-in DUIS 5.4 set.
    pub fn is_builtin(&self) -> bool {
        matches!(self.0, Inner::Builtin)
    }

    fn tables(&self) -> &duis_xsd::Schema {
        match &self.0 {
            Inner::Builtin => &duis54::SCHEMA,
            Inner::Compiled(schema, _) => schema,
        }
    }
}

/// The namespaces the reader classifies, resolved in a schema: no namespace, DUIS requests,
/// DUIS responses, xmldsig (in the order of [`KNOWN_URIS`]).
type Known = [duis_xsd::Namespace; 4];

/// The URIs of [`Known`].
const KNOWN_URIS: [&str; 4] = ["", ns::SR, ns::RA, ns::DS];

fn known_in(tables: &duis_xsd::Schema) -> Known {
    KNOWN_URIS.map(|uri| tables.namespace(uri))
}

impl Schema {
    /// The [`Known`] namespaces, resolved once per schema, not once per message.
    fn known(&self) -> Known {
        static BUILTIN: std::sync::OnceLock<Known> = std::sync::OnceLock::new();
        match &self.0 {
            Inner::Builtin => *BUILTIN.get_or_init(|| known_in(&duis54::SCHEMA)),
            Inner::Compiled(_, known) => *known,
        }
    }
}

impl Default for Schema {
    fn default() -> Schema {
        Schema::duis_5_4()
    }
}

/// The schema engine's findings for one message, kept up to the findings limit and counted
/// beyond it: 400,000 unexpected siblings must not cost 400,000 kept findings.
struct Kept {
    list: Vec<duis_xsd::Finding>,
    max: usize,
    dropped: usize,
}

impl duis_xsd::Sink for Kept {
    fn push(&mut self, finding: duis_xsd::Finding) {
        if self.list.len() < self.max {
            self.list.push(finding);
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    fn full(&self) -> bool {
        self.list.len() >= self.max
    }
}

/// The schema engine's state for one message. `Use` tells the validator's instance
/// ([`InValidator`]) from the one that runs alone (`read_alone` in `validator.rs`, for the
/// `schema` bench): each is compiled on its own, so a second caller of the per-event entry
/// points does not change how the compiler inlines them into the validator's loop (it did:
/// 2% more instructions per message).
pub(crate) struct SchemaPass<'s, Use = InValidator> {
    validator: duis_xsd::Validator<'s>,
    findings: Kept,
    /// The latest text event, held back so that an element's only chunk of text reaches the
    /// validator with its end tag and is checked where it lies in the input, never copied
    /// (a 13.65 MB `FirmwareImage` would otherwise be held twice).
    pending: Option<Span>,
    /// The namespaces the reader classifies (no namespace, DUIS requests, DUIS responses,
    /// xmldsig) resolved once per message, not compared as strings per element.
    known: [duis_xsd::Namespace; 4],
    used: std::marker::PhantomData<Use>,
}

/// The [`SchemaPass`] of the validator's loop.
pub(crate) struct InValidator;

/// The [`SchemaPass`] that runs with the reader alone.
pub(crate) struct Alone;

impl<'s, Use> SchemaPass<'s, Use> {
    /// A pass keeping at most `max_findings` findings (at least one, as [`Findings`] does).
    ///
    /// [`Findings`]: crate::report::Findings
    pub(crate) fn new(schema: &'s Schema, max_findings: usize) -> SchemaPass<'s, Use> {
        let findings = Kept { list: Vec::new(), max: max_findings.max(1), dropped: 0 };
        let tables = schema.tables();
        let known = schema.known();
        SchemaPass { validator: tables.validator(), findings, pending: None, known, used: std::marker::PhantomData }
    }

    /// Feeds one event. The validator's loop, which has already told the kinds apart, calls
    /// [`SchemaPass::start_tag`], [`SchemaPass::end_tag`] and [`SchemaPass::text`] directly.
    pub(crate) fn event(&mut self, event: &Event<'_>, reader: &Reader<'_>) {
        match event {
            Event::Start(start) => self.start_tag(start, reader),
            Event::End(span) => self.end_tag(*span, reader),
            Event::Text(text, span) => self.text(text, *span, reader),
            // An empty CDATA section holds no character (XML Infoset §2.6): nothing to type.
            Event::CData("", _) => {}
            Event::CData(text, span) => {
                self.flush(reader);
                if reader.has_cr() && text.contains('\r') && !self.validator.open_value_collapses_whitespace() {
                    self.normalised_text(text, *span);
                } else {
                    self.validator.text(text, span.range(), &mut self.findings);
                }
            }
            Event::Ref(ch, span) => {
                self.flush(reader);
                let mut buffer = [0u8; 4];
                self.validator.text(ch.encode_utf8(&mut buffer), span.range(), &mut self.findings);
            }
            Event::Pi(..) | Event::Comment(_) => {}
        }
    }

    /// An [`Event::Start`].
    #[inline]
    pub(crate) fn start_tag(&mut self, start: &Start<'_>, reader: &Reader<'_>) {
        self.flush(reader);
        self.start(start, reader);
    }

    /// An [`Event::End`].
    #[inline]
    pub(crate) fn end_tag(&mut self, span: Span, reader: &Reader<'_>) {
        match self.pending.take() {
            Some(text) => self.validator.end_element_with_text(
                reader.source(text),
                text.range(),
                span.range(),
                &mut self.findings,
            ),
            None => self.validator.end_element(span.range(), &mut self.findings),
        }
    }

    /// An [`Event::Text`].
    #[inline]
    pub(crate) fn text(&mut self, text: &str, span: Span, reader: &Reader<'_>) {
        self.flush(reader);
        if reader.has_cr() && text.contains('\r') && !self.validator.open_value_collapses_whitespace() {
            self.normalised_text(text, span);
        } else {
            self.pending = Some(span);
        }
    }

    /// Text with a CR in it, after XML end-of-line handling (XML 1.0 §2.11, which covers CDATA
    /// sections too): a value that collapses white space would not tell CR from LF, so only
    /// the others come here.
    fn normalised_text(&mut self, text: &str, span: Span) {
        let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        self.validator.text(&normalised, span.range(), &mut self.findings);
    }

    /// Gives held-back text to the validator (copied there: more text follows).
    fn flush(&mut self, reader: &Reader<'_>) {
        if let Some(text) = self.pending.take() {
            self.validator.text(reader.source(text), text.range(), &mut self.findings);
        }
    }

    fn start(&mut self, start: &Start<'_>, reader: &Reader<'_>) {
        // The reader has resolved and normalised the attributes; declarations are not
        // attributes to the schema.
        let span = start.span.range();
        let list = reader.attributes().iter().filter(|a| a.declares.is_none()).map(|a| duis_xsd::Attribute {
            ns: &a.uri,
            local: a.local,
            value: &a.value,
            span: a.span.range(),
        });
        let namespace = match start.ns {
            Ns::None => self.known.first(),
            Ns::Sr => self.known.get(1),
            Ns::Ra => self.known.get(2),
            Ns::Ds => self.known.get(3),
            Ns::Other => None,
        };
        let uri = reader.element_uri();
        let namespace = namespace.copied().unwrap_or_else(|| self.validator.namespace(uri));
        let scope = InScope(reader);
        self.validator.start_element_in(namespace, uri, start.local, list, &scope, span, &mut self.findings);
    }

    /// Ends the document and moves the findings into the report.
    pub(crate) fn finish(mut self, end: usize, findings: &mut Findings) {
        self.validator.finish(end..end, &mut self.findings);
        for finding in self.findings.list {
            let code = code_of(&finding.kind);
            findings.push(code, Span::new(finding.span.start, finding.span.end), Detail::Schema(Box::new(finding)));
        }
        findings.note_dropped(self.findings.dropped);
    }
}

/// The namespace declarations in scope at the reader's latest start tag, which resolve the
/// prefix of an `xsi:type` value.
struct InScope<'r, 'a>(&'r Reader<'a>);

impl duis_xsd::Scope for InScope<'_, '_> {
    fn uri(&self, prefix: &str) -> Option<&str> {
        self.0.namespace(prefix)
    }
}

/// The stable code of a schema finding.
fn code_of(kind: &duis_xsd::FindingKind) -> Code {
    use duis_xsd::FindingKind as K;
    match kind {
        K::UnknownRoot { .. } => Code::SchemaUnknownRoot,
        K::UnexpectedElement { .. } => Code::SchemaUnexpectedElement,
        K::MissingElement { .. } => Code::SchemaMissingElement,
        K::UndeclaredElement { .. } => Code::SchemaUndeclaredElement,
        K::BadValue { .. } => Code::SchemaBadValue,
        K::UnknownAttribute { .. } => Code::SchemaUnknownAttribute,
        K::MissingAttribute { .. } => Code::SchemaMissingAttribute,
        K::UnexpectedText { .. } => Code::SchemaUnexpectedText,
        K::AbstractType { .. } => Code::SchemaAbstractType,
        K::NotNillable { .. } => Code::SchemaNotNillable,
        K::BadXsiType { .. } => Code::SchemaBadXsiType,
        _ => Code::SchemaInternal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The namespaces resolved once per schema are those a lookup per message finds, for the
    /// built-in set and for a compiled schema (which declares only some of them).
    #[test]
    fn known_namespaces_are_resolved_once_as_each_lookup_would() {
        let xsd = format!(
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{}"
                elementFormDefault="qualified"><xs:element name="Request" type="xs:string"/></xs:schema>"#,
            ns::SR
        );
        let compiled = Schema::compile("t.xsd", &|_| Some(xsd.clone())).unwrap();
        for schema in [Schema::duis_5_4(), compiled] {
            let each = KNOWN_URIS.map(|uri| schema.tables().namespace(uri));
            assert_eq!(schema.known(), each);
            assert_eq!(schema.known(), each, "asked again");
        }
        // The compiled schema has no xmldsig namespace; the built-in set has all four.
        let builtin = Schema::duis_5_4().known();
        assert!(builtin.iter().all(|n| *n != Schema::duis_5_4().tables().namespace("urn:none")));
    }
}
