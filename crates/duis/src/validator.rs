//! The [`Validator`]: configuration shared across threads, and the single pass.

use crate::dsig::{RingVerifier, SigPass, SignatureVerifier};
use crate::message::extract::Extractor;
use crate::message::{DateTime, Eui64};
use crate::pki::TrustStore;
use std::sync::Arc;

use crate::Span;
use crate::counter::CounterStore;
use crate::parties::PartyRegistry;
use crate::report::{Code, Detail, Facts, Findings, Report, Skipped};
use crate::rules;
use crate::schema::{Alone, Schema, SchemaPass};
use crate::xml::{Event, Limits, Reader};

/// Validates DUIS messages. Build one at start-up and share it: it is `Send + Sync` and
/// `validate` takes `&self`.
///
/// ```
/// let validator = duis::Validator::builder()
///     .dcc_identifier("90-B3-D5-1F-30-00-00-02".parse()?)
///     .build();
/// let report = validator.validate(b"<not-duis/>");
/// assert!(!report.is_valid());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Validator {
    limits: Limits,
    dcc: Eui64,
    schema: Schema,
    // dsig (issue 5): the trust store and the evaluation time; shared, never per message.
    trust: Option<std::sync::Arc<TrustStore>>,
    now: Option<DateTime>,
    crypto: Arc<dyn SignatureVerifier>,
    parties: Option<Arc<dyn PartyRegistry>>,
    counters: Option<Arc<dyn CounterStore>>,
}

impl Default for Validator {
    fn default() -> Validator {
        Validator::builder().build()
    }
}

impl Validator {
    /// A validator with the default [`Limits`] and the DCC Boxed DCC identifier.
    pub fn new() -> Validator {
        Validator::default()
    }

    /// A builder for the options.
    pub fn builder() -> ValidatorBuilder {
        ValidatorBuilder {
            limits: Limits::default(),
            dcc: Eui64::DCC_BOXED,
            schema: Schema::duis_5_4(),
            trust: None,
            now: None,
            crypto: Arc::new(RingVerifier),
            parties: None,
            counters: None,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The DCC identifier CV 8 requests must target.
    pub fn dcc_identifier(&self) -> Eui64 {
        self.dcc
    }

    /// The evaluation time set with [`ValidatorBuilder::now`], if any.
    pub fn now(&self) -> Option<DateTime> {
        self.now
    }

    /// This validator evaluating at `now` instead (see [`ValidatorBuilder::now`]). Cheap: the
    /// trust store, schema, registry and counter store are shared, not copied. A long-running
    /// adapter builds one validator at start-up and takes one of these per message (or per
    /// second), so certificate validity and `ExecutionDateTime` are judged at the current time:
    ///
    /// ```
    /// # let validator = duis::Validator::new();
    /// # let message = b"<not-duis/>";
    /// let now = duis::DateTime::from_unix(1_767_225_600, 0); // from the system clock
    /// let report = validator.with_now(now).validate(message);
    /// # assert!(!report.is_valid());
    /// ```
    pub fn with_now(&self, now: DateTime) -> Validator {
        Validator { now: Some(now), ..self.clone() }
    }

    /// Validates one message. Never panics; every problem is a finding in the report.
    ///
    /// The input is read once. Well-formedness, limits, the envelope structure and the
    /// request rules are checked; the rules run only when the whole document could be read.
    pub fn validate<'a>(&self, input: &'a [u8]) -> Report<'a> {
        self.run(input, None)
    }

    /// Validates a Signed Pre-Command and also compares its GBCS payload, minus the signature,
    /// with the Pre-Command the DCC issued for it (raw APDU bytes; a trailing `00` in the
    /// issued form is accepted): `gbcs.pre-command-mismatch` when they differ. Any other kind
    /// of message is validated as [`Validator::validate`] would and the issued Pre-Command is
    /// not used: check [`Report::kind`](crate::Report::kind) when that matters (`duis-check --pre-command` notes it).
    pub fn validate_signed_pre_command<'a>(&self, input: &'a [u8], issued_pre_command: &[u8]) -> Report<'a> {
        self.run(input, Some(issued_pre_command))
    }

    fn run<'a>(&self, input: &'a [u8], issued: Option<&[u8]>) -> Report<'a> {
        let mut findings = Findings::new(self.limits.max_findings);
        let Some(mut reader) = Reader::new(input, self.limits, &mut findings) else {
            return Report::new(input, findings, Facts::default());
        };
        let mut schema = SchemaPass::new(&self.schema, self.limits.max_findings);
        let mut extractor = Extractor::new(reader.has_cr());
        // dsig (issue 5): canonical digest, SignedInfo and signature profile, in the same pass.
        let mut sig = SigPass::new(self.trust.is_some());
        let mut root = None;
        while let Some(event) = reader.next(&mut findings) {
            feed(event, &reader, &mut root, &mut schema, &mut sig, &mut extractor);
        }
        let extraction = extractor.finish(&mut findings);
        let mut gbcs = None;
        let mut xml_signer = None;
        // A document that could not be read to its end gets its well-formedness finding
        // only: schema and rule findings about a fragment would be noise.
        if reader.is_complete() {
            schema.finish(input.len(), &mut findings);
            // A declared element that is no message (an undeclared one is schema.unknown-root).
            if extraction.kind.is_none() && !findings.list().iter().any(|f| f.code == Code::SchemaUnknownRoot) {
                findings.push(Code::SchemaNotAMessage, root.unwrap_or_default(), Detail::None);
            }
            if let Some(request) = &extraction.request {
                rules::request::check(request, self.dcc, &mut findings);
                rules::request::srv_not_in_catalogue(request, &mut findings);
                if request.is_signed_pre_command() {
                    let keys = self.trust.as_deref().map(|store| rules::ecos::TrustedRoleKeys { store, now: self.now });
                    let keys = keys.as_ref().map(|k| -> &dyn crate::gbcs::RoleKeys { k });
                    gbcs = rules::ecos::check(request, &self.limits, keys, issued, &mut findings);
                }
            }
            // dsig (issue 5): signature profile, verification with the trust store, MP104.
            let context = rules::mp104::Context {
                kind: extraction.kind,
                originator: extraction.request.as_ref().and_then(|r| r.ends()).map(|ends| ends.value.0),
                trust: self.trust.as_deref(),
                now: self.now,
                dcc: self.dcc,
                crypto: self.crypto.as_ref(),
                root: root.unwrap_or_default(),
            };
            xml_signer = rules::mp104::check(sig.finish(input), &context, &mut findings);
            if let Some(response) = &extraction.response {
                let smets1 = matches!(
                    extraction.kind,
                    Some(crate::MessageKind::Smets1Response | crate::MessageKind::Smets1SignedResponse)
                );
                rules::response::check(response, smets1, &mut findings);
                rules::wan_matrix::check(response, &mut findings);
            }
            if let Some(request) = &extraction.request {
                rules::dates::check(request, self.now, &mut findings);
                if let Some(parties) = &self.parties {
                    rules::eligibility::check(request, parties.as_ref(), self.dcc, &mut findings);
                }
            }
            rules::supersede(&mut findings);
            // Last, and only for an otherwise valid request: a rejected message must never
            // advance the counter.
            if let (Some(request), Some(store)) = (&extraction.request, &self.counters) {
                rules::counter::check(request, store.as_ref(), &mut findings);
            }
        }
        let mut skipped = Vec::new();
        if extraction.request.is_some() {
            if self.parties.is_none() {
                skipped.push(Skipped::Eligibility);
            }
            if self.counters.is_none() {
                skipped.push(Skipped::ReplayProtection);
            }
            if self.now.is_none() {
                skipped.push(Skipped::Clock);
            }
        }
        if self.trust.is_none() && extraction.request.as_ref().is_some_and(|r| r.is_signed_pre_command()) {
            skipped.push(Skipped::GbcsSignature);
        }
        let facts = Facts {
            kind: extraction.kind,
            request: extraction.request,
            response: extraction.response,
            gbcs,
            skipped,
            xml_signer,
        };
        Report::new(input, findings, facts)
    }
}

/// Options for a [`Validator`]. Every option has a safe default.
#[derive(Clone, Debug)]
pub struct ValidatorBuilder {
    limits: Limits,
    dcc: Eui64,
    schema: Schema,
    trust: Option<std::sync::Arc<TrustStore>>,
    now: Option<DateTime>,
    crypto: Arc<dyn SignatureVerifier>,
    parties: Option<Arc<dyn PartyRegistry>>,
    counters: Option<Arc<dyn CounterStore>>,
}

impl ValidatorBuilder {
    /// Who holds which User Roles, for eligibility (`eligibility.*`). Without a registry,
    /// eligibility is not checked and [`Report::skipped`] says so.
    pub fn parties(mut self, registry: impl PartyRegistry + 'static) -> ValidatorBuilder {
        self.parties = Some(Arc::new(registry));
        self
    }

    /// A replay-protection store (`counter.*`), shared with whoever else uses it. Without one
    /// each message is judged on its own. With one, validating a valid request records its
    /// counter: validate each message once, in the order the DCC would receive them.
    pub fn counters(mut self, store: Arc<dyn CounterStore>) -> ValidatorBuilder {
        self.counters = Some(store);
        self
    }

    /// Resource limits (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> ValidatorBuilder {
        self.limits = limits;
        self
    }

    /// The DCC's identifier, which CV 8 (DCC-only) requests must target. Default
    /// `90-B3-D5-1F-30-00-00-02`, the DCC Boxed test value; the production value is
    /// configuration.
    pub fn dcc_identifier(mut self, dcc: Eui64) -> ValidatorBuilder {
        self.dcc = dcc;
        self
    }

    /// The schema to validate against (default: the built-in DUIS 5.4 set). The DUIS rules
    /// still use the DUIS 5.4 Service Reference Variant catalogue.
    pub fn schema(mut self, schema: Schema) -> ValidatorBuilder {
        self.schema = schema;
        self
    }

    /// The Organisation Certificates to verify XML signatures with (default: none). Without a
    /// trust store a signed message gets `sig.unverified` (a warning) and nothing about its
    /// digest, signature or signer is checked; with one, everything is (DESIGN §6).
    pub fn trust(mut self, store: TrustStore) -> ValidatorBuilder {
        self.trust = Some(std::sync::Arc::new(store));
        self
    }

    /// The evaluation time ("now") for certificate validity and for `ExecutionDateTime`
    /// (default: none; the core has no clock). With a trust store and no time, validity is not
    /// checked and `pki.no-time` says so; without a time, `date.not-future` is not checked.
    /// Give an instant (a time with a UTC offset, as [`DateTime::parse_rfc3339`] and
    /// [`DateTime::from_unix`] make): a time without one names no instant, so certificate validity
    /// is not checked against it either, and `pki.no-time` says that too. The time is fixed once
    /// built; [`Validator::with_now`] moves it on.
    pub fn now(mut self, now: DateTime) -> ValidatorBuilder {
        self.now = Some(now);
        self
    }

    /// The cryptographic checks of XML signatures (default: [`RingVerifier`]). A seam for fuzz
    /// targets and benches (`InsecureAcceptAll`, with the `fuzzing` feature); production code
    /// has no reason to change it.
    pub fn verifier(mut self, verifier: Arc<dyn SignatureVerifier>) -> ValidatorBuilder {
        self.crypto = verifier;
        self
    }

    /// The validator.
    pub fn build(self) -> Validator {
        Validator {
            limits: self.limits,
            dcc: self.dcc,
            schema: self.schema,
            trust: self.trust,
            now: self.now,
            crypto: self.crypto,
            parties: self.parties,
            counters: self.counters,
        }
    }
}

/// Hands one event to the three passes, as each pass's `event` would take it: the kinds nearly
/// every event is (start tag, end tag, text) are told apart once here and go to each pass's
/// entry point for that kind, not decoded again by each pass. `root` takes the first start
/// tag's span.
#[inline(always)]
fn feed<'a>(
    event: Event<'a>,
    reader: &Reader<'a>,
    root: &mut Option<Span>,
    schema: &mut SchemaPass<'_>,
    sig: &mut SigPass<'a>,
    extractor: &mut Extractor<'a>,
) {
    match event {
        Event::Start(start) => {
            if root.is_none() {
                *root = Some(start.span);
            }
            schema.start_tag(&start, reader);
            sig.start_tag(&start, reader);
            extractor.start_tag(&start, reader);
        }
        Event::End(span) => {
            schema.end_tag(span, reader);
            sig.end_tag(span, reader);
            extractor.end_tag(span, reader);
        }
        Event::Text(text, span) => {
            schema.text(text, span, reader);
            sig.text_event(text, span, reader);
            extractor.text(text, span);
        }
        other => {
            schema.event(&other, reader);
            sig.event(&other, reader);
            extractor.event(&other, reader);
        }
    }
}

/// The reader alone, or the reader and the schema pass with the built-in DUIS 5.4 model (what
/// `xmllint --schema` decides): the number of events read, whether the reader reached the end
/// of the document, and the well-formedness, limit and schema findings, in the order full
/// validation reports them before its rules run. For the `parse` and `schema` benches.
///
/// One loop serves both (`SCHEMA`); the schema pass is its own instance ([`Alone`]), so that
/// [`Validator::run`]'s is compiled as if this one did not exist.
pub(crate) fn read_alone<const SCHEMA: bool>(input: &[u8]) -> (usize, bool, Findings) {
    let limits = Limits::default();
    let mut findings = Findings::new(limits.max_findings);
    let Some(mut reader) = Reader::new(input, limits, &mut findings) else {
        return (0, false, findings);
    };
    let model = Schema::duis_5_4();
    let mut schema = SCHEMA.then(|| SchemaPass::<Alone>::new(&model, limits.max_findings));
    let mut events = 0usize;
    while let Some(event) = reader.next(&mut findings) {
        events = events.saturating_add(1);
        if let Some(pass) = schema.as_mut() {
            pass.event(&event, &reader);
        }
    }
    let complete = reader.is_complete();
    // As in `run`: nothing the schema would say about a fragment.
    if let (true, Some(pass)) = (complete, schema) {
        pass.finish(input.len(), &mut findings);
    }
    (events, complete, findings)
}

/// Validates one message with the default [`Validator`].
pub fn validate(input: &[u8]) -> Report<'_> {
    Validator::default().validate(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` and feeds every event to the three passes, through [`feed`] as
    /// [`Validator::run`] does (`general` false) or through each pass's `event`.
    /// Returns what the passes found, as text.
    fn passes(input: &[u8], verify: bool, general: bool) -> String {
        let limits = Limits::default();
        let mut findings = Findings::new(limits.max_findings);
        let Some(mut reader) = Reader::new(input, limits, &mut findings) else { return "unreadable".into() };
        let schema_set = Schema::duis_5_4();
        let mut schema = SchemaPass::new(&schema_set, limits.max_findings);
        let mut extractor = Extractor::new(reader.has_cr());
        let mut sig = SigPass::new(verify);
        while let Some(event) = reader.next(&mut findings) {
            if general {
                schema.event(&event, &reader);
                sig.event(&event, &reader);
                extractor.event(&event, &reader);
            } else {
                feed(event, &reader, &mut None, &mut schema, &mut sig, &mut extractor);
            }
        }
        let extraction = extractor.finish(&mut findings);
        schema.finish(input.len(), &mut findings);
        let outcome = sig.finish(input);
        format!("{:?}\n{extraction:?}\n{outcome:?}", findings.list())
    }

    /// What the extractor finds in `input`, told that the input may hold a CR (`general`) or
    /// whether it does.
    fn extraction(input: &[u8], general: bool) -> String {
        let limits = Limits::default();
        let mut findings = Findings::new(limits.max_findings);
        let Some(mut reader) = Reader::new(input, limits, &mut findings) else { return "unreadable".into() };
        let mut extractor = Extractor::new(general || reader.has_cr());
        while let Some(event) = reader.next(&mut findings) {
            extractor.event(&event, &reader);
        }
        format!("{:?}", extractor.finish(&mut findings))
    }

    /// Every message of the test data, and one with every kind of event in it.
    fn documents() -> Vec<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
        let mut files = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "xml") {
                    files.push(std::fs::read(path).unwrap());
                }
            }
        }
        assert!(files.len() > 50, "{} files", files.len());
        // Every kind of event, text with a CR and references among them, inside a message.
        let message = std::fs::read_to_string(root.join("valid/6.13_read-event-log_valid.xml")).unwrap();
        let odd = message
            .replacen("<sr:Body>", "<sr:Body>\r\n<!-- a --><?pi x?><![CDATA[ ]]>&#32;", 1)
            .replacen("Event<", "Ev&#101;nt<![CDATA[]]><!---->\r<", 1)
            .replacen("4097", " 40&#57;7\r\n", 1)
            .replacen(":1000<", ":10\r\n00<", 1);
        files.push(odd.into_bytes());
        files
    }

    /// The extractor skips end-of-line handling in an input with no CR: it finds what it finds
    /// when told that any text may hold one.
    #[test]
    fn text_without_a_cr_anywhere_is_taken_as_it_is() {
        for input in documents() {
            assert_eq!(extraction(&input, false), extraction(&input, true), "{}", String::from_utf8_lossy(&input));
        }
    }

    /// The validator's loop tells the event kinds apart once and calls each pass's entry point
    /// for that kind: the passes find what they find when each is handed the events whole.
    #[test]
    fn the_loop_feeds_the_passes_as_their_event_does() {
        let files = documents();
        for input in &files {
            for verify in [false, true] {
                assert_eq!(
                    passes(input, verify, false),
                    passes(input, verify, true),
                    "{}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }
}
