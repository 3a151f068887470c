//! The stable registry of finding codes.
//!
//! Every code is a `family.name` string that never changes meaning once released. The family says
//! where the rule lives:
//!
//! | family | module |
//! |---|---|
//! | `xml` | `src/xml/` (well-formedness, DTD, encoding) |
//! | `limit` | `src/xml/limits.rs` (numbers), `src/xml/mod.rs` (checks); `limit.findings`: `src/report/mod.rs` |
//! | `schema` | `src/schema/` (the pass) and `crates/duis-xsd` (the engine); `schema.not-a-message`: `src/validator.rs` |
//! | `request` | `src/rules/request.rs`; `request.counter-overflow`: `src/message/extract.rs` |
//! | `response` | `src/rules/response.rs` |
//! | `wan-matrix` | `src/rules/wan_matrix.rs` |
//! | `eligibility` | `src/rules/eligibility.rs` (registry: `src/parties.rs`) |
//! | `date` | `src/rules/dates.rs` |
//! | `counter` | `src/rules/counter.rs` (stores: `src/counter.rs`, `crates/duis-store`) |
//! | `gbcs` | `src/gbcs/` (payload layout) and `src/rules/ecos.rs` (checks against the header) |
//! | `sig` | `src/dsig/` (XML signature profile, canonical digest, ECDSA); `sig.missing`, `sig.reply-unsigned`, `sig.unverified`: `src/rules/mp104.rs` |
//! | `pki` | `src/pki/` (trust store, Organisation Certificate profile); per message: `src/dsig/verify.rs`, `src/rules/ecos.rs` |
//! | `mp104` | `src/rules/mp104.rs` (who may sign what) |
//!
//! `docs/rules.md` lists the same codes with their clause; a test keeps the two in step.

use core::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; never makes a message invalid.
    Info,
    /// Doubtful but not known to be rejected; never makes a message invalid.
    Warning,
    /// The message breaks a rule: [`Report::is_valid`](crate::Report::is_valid) is false.
    Error,
}

impl Severity {
    /// The lower-case name used in output (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a rule is stated by the specification or chosen by us from evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Read from the schema, the specification or checked on real messages.
    Certain,
    /// Our reading of the specification; see `docs/rules.md` for the reasoning.
    Inferred,
}

macro_rules! codes {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident = $name:literal, $severity:ident, $basis:ident, $clause:literal;
    )+) => {
        /// A stable finding code.
        ///
        /// Match on the variant (or compare [`Code::as_str`]), never on message text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable `family.name` string.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            /// The severity a finding with this code has.
            pub const fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)+ }
            }

            /// Whether the rule is certain or inferred.
            pub const fn basis(self) -> Basis {
                match self { $(Code::$variant => Basis::$basis,)+ }
            }

            /// The clause of DUIS, XML, XSD or this project's design that the rule enforces.
            pub const fn clause(self) -> &'static str {
                match self { $(Code::$variant => $clause,)+ }
            }

            /// What the code means, in full (the text `duis-check --explain` prints).
            pub const fn explanation(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc, "\n"),+),)+ }
            }
        }
    };
}

codes! {
    /// The input is not well-formed XML 1.0 (unclosed tag, bad markup, mismatched quotes, ...),
    /// or not namespace-well-formed (a name with two colons, a reserved prefix or URI misused, a
    /// prefix bound to an empty URI). The detail carries the parser's description; reading
    /// stops at the first such error.
    XmlMalformed = "xml.malformed", Error, Certain, "XML 1.0 §2.1 (well-formed documents)";
    /// An end tag does not match the open element, or closes an element that is not open.
    XmlMismatchedEnd = "xml.mismatched-end", Error, Certain, "XML 1.0 §3 (element type match)";
    /// The input ended before the root element was closed (a truncated message). Markup left
    /// open before the root or after it is `xml.malformed`.
    XmlUnclosed = "xml.unclosed", Error, Certain, "XML 1.0 §2.1 (document)";
    /// The input holds no root element.
    XmlNoRoot = "xml.no-root", Error, Certain, "XML 1.0 §2.1 (document)";
    /// Something other than comments, processing instructions or whitespace follows the root
    /// element, or non-whitespace text precedes it.
    XmlContentOutsideRoot = "xml.content-outside-root", Error, Certain, "XML 1.0 §2.1 (document: one root)";
    /// A `<!DOCTYPE` declaration. DUIS messages never carry one, and a DTD can define entities
    /// (billion laughs, external entities), so it is refused and nothing after it is read.
    XmlDoctype = "xml.doctype", Error, Certain, "DUIS-FACTS §12 (no DOCTYPE); hostile-input policy";
    /// The bytes are not valid UTF-8. The span points at the first bad byte.
    XmlNotUtf8 = "xml.not-utf8", Error, Certain, "XML 1.0 §4.3.3; DUIS messages are UTF-8";
    /// The XML declaration names an encoding other than UTF-8, or the input starts with a
    /// UTF-16 byte-order mark. Bytes that are not UTF-8 under a declaration naming another
    /// encoding get this code, which names the cause.
    XmlEncoding = "xml.encoding", Error, Certain, "XML 1.0 §4.3.3; DUIS messages are UTF-8";
    /// A character XML 1.0 does not allow (NUL, most C0 controls, U+FFFE, U+FFFF), either
    /// literally or as a character reference (also one to a surrogate or beyond U+10FFFF).
    XmlInvalidChar = "xml.invalid-char", Error, Certain, "XML 1.0 §2.2 (Char production)";
    /// A namespace prefix is used without a declaration in scope.
    XmlUnboundPrefix = "xml.unbound-prefix", Error, Certain, "Namespaces in XML 1.0 §5 (namespace constraint: prefix declared)";
    /// An entity reference other than the five predefined ones (`&amp;` `&lt;` `&gt;` `&quot;`
    /// `&apos;`) or a character reference. Without a DTD no other entity can be defined. A
    /// reference whose name is no XML name (`&1a;`, `&;`) is `xml.malformed`.
    XmlUndefinedEntity = "xml.undefined-entity", Error, Certain, "XML 1.0 §4.1 (WFC: entity declared)";
    /// The same attribute appears twice on one element, by name or by expanded name.
    XmlDuplicateAttribute = "xml.duplicate-attribute", Error, Certain, "XML 1.0 §3.1 (WFC: unique att spec)";

    /// The input is larger than `Limits::max_input_bytes`.
    LimitInputSize = "limit.input-size", Error, Certain, "DESIGN §7 (hostile input)";
    /// Elements are nested deeper than `Limits::max_depth`.
    LimitDepth = "limit.depth", Error, Certain, "DESIGN §7 (hostile input)";
    /// The document holds more elements than `Limits::max_elements`.
    LimitElements = "limit.elements", Error, Certain, "DESIGN §7 (hostile input)";
    /// One element carries more attributes (namespace declarations included) than
    /// `Limits::max_attributes`.
    LimitAttributes = "limit.attributes", Error, Certain, "DESIGN §7 (hostile input)";
    /// More namespace declarations are in scope at once than `Limits::max_namespaces`.
    LimitNamespaces = "limit.namespaces", Error, Certain, "DESIGN §7 (hostile input)";
    /// The text of one element is longer than `Limits::max_text_bytes`.
    LimitTextLength = "limit.text-length", Error, Certain, "DESIGN §7 (hostile input)";
    /// One attribute value is longer than `Limits::max_attribute_bytes` (as written, before
    /// references are resolved).
    LimitAttributeLength = "limit.attribute-length", Error, Certain, "DESIGN §7 (hostile input)";
    /// More findings than `Limits::max_findings`; the rest were dropped. The message is judged
    /// on the findings kept.
    LimitFindings = "limit.findings", Warning, Certain, "DESIGN §7 (hostile input)";

    /// The root element has no global declaration in the schema (DUIS 5.4: `Request`,
    /// `Response`, `SMETS1SignedResponse`, `S1SPAlert` in the ServiceUserGateway namespace, the
    /// MMC roots, ...).
    SchemaUnknownRoot = "schema.unknown-root", Error, Certain, "XSD 1.0 Part 1 §3.3.4 (validation root); DUIS 5.4 XSD global elements";
    /// The root element is declared in the schema but is no DUIS message: not a `Request`,
    /// `Response`, `SMETS1SignedResponse` or `S1SPAlert`, nor the MMC's `GBCSResponse`. A part
    /// of a message (`ds:KeyName`, `sr:RequestID`, `ra:GBCSData`, ...) sent alone.
    SchemaNotAMessage = "schema.not-a-message", Error, Certain, "DUIS-FACTS §4, §5 (message roots); DUIS 5.4 XSD global elements";
    /// An element ended before its content model was satisfied: a required child is missing.
    /// The detail lists what had to come next.
    SchemaMissingElement = "schema.missing-element", Error, Certain, "XSD 1.0 Part 1 cvc-complex-type.2.4; DUIS 5.4 XSD content models";
    /// An element appears where the content model does not allow it (wrong name, wrong
    /// namespace, wrong order, or too many). The detail lists what was expected.
    SchemaUnexpectedElement = "schema.unexpected-element", Error, Certain, "XSD 1.0 Part 1 cvc-complex-type.2.4; DUIS 5.4 XSD content models";
    /// An element matched by a strict wildcard has no declaration.
    SchemaUndeclaredElement = "schema.undeclared-element", Error, Certain, "XSD 1.0 Part 1 cvc-wildcard; xmldsig schema wildcards";
    /// A value is outside its simple type: not in the lexical space (an `xs:anyURI` is read
    /// by RFC 3986, as libxml2 reads it), or a facet failed (enumeration, pattern, length,
    /// range, digits). The detail names the facet.
    SchemaBadValue = "schema.bad-value", Error, Certain, "XSD 1.0 Part 2 (datatypes and facets); DUIS 5.4 XSD simple types";
    /// An attribute the element's type does not declare.
    SchemaUnknownAttribute = "schema.unknown-attribute", Error, Certain, "XSD 1.0 Part 1 cvc-complex-type.3.2";
    /// A required attribute is missing (for example `schemaVersion` on the root).
    SchemaMissingAttribute = "schema.missing-attribute", Error, Certain, "XSD 1.0 Part 1 cvc-complex-type.4";
    /// Non-white-space text where the type allows only elements, or any character where its
    /// content is empty.
    SchemaUnexpectedText = "schema.unexpected-text", Error, Certain, "XSD 1.0 Part 1 cvc-complex-type.2.3 (element-only content), 2.1 (empty content)";
    /// An element whose type is abstract: its declared type, with no `xsi:type` naming a
    /// concrete type derived from it, or the type its `xsi:type` names.
    SchemaAbstractType = "schema.abstract-type", Error, Certain, "XSD 1.0 Part 1 cvc-type.2";
    /// `xsi:nil` on an element: no DUIS element is nillable, so the attribute is not allowed,
    /// whatever its value.
    SchemaNotNillable = "schema.not-nillable", Error, Certain, "XSD 1.0 Part 1 cvc-elt.3.1";
    /// An `xsi:type` that names no type the element can take: not a qualified name, a prefix
    /// bound to no namespace, no type of that name in the schema, or a type not derived from
    /// the element's declared type. The element is then validated against its declared type.
    SchemaBadXsiType = "schema.bad-xsi-type", Error, Certain, "XSD 1.0 Part 1 cvc-elt.4.1-4.3";
    /// The schema engine reached a state it should not; please report the input.
    SchemaInternal = "schema.internal", Error, Certain, "this project (internal consistency)";

    /// The ServiceReferenceVariant does not belong to the ServiceReference: the SRV must be the
    /// SR or start with the SR followed by a dot.
    RequestSrvNotInSr = "request.srv-not-in-sr", Error, Inferred, "DUIS-FACTS §3.2 rule 1";
    /// The body element is not the one the ServiceReferenceVariant uses (each SRV has exactly
    /// one body element).
    RequestBodyMismatch = "request.body-mismatch", Error, Inferred, "DUIS-FACTS §3.1, §3.2 rule 2";
    /// The body is `SignedPreCommand` but the CommandVariant is not 5, 6 or 7.
    RequestSignedPreCommandCv = "request.signed-pre-command-cv", Error, Inferred, "DUIS-FACTS §2 (CV 5-7 take a Signed Pre-Command), §3.2 rule 2";
    /// The CommandVariant is 5, 6 or 7, which submit a Signed Pre-Command, but the body is not
    /// `SignedPreCommand`.
    RequestCvNeedsSignedPreCommand = "request.cv-needs-signed-pre-command", Error, Inferred, "DUIS-FACTS §2 (CV 5-7 take a Signed Pre-Command), §3.2 rule 2";
    /// The CommandVariant is not one the ServiceReferenceVariant allows (for example CV 1 on a
    /// critical SRV, or CV 8 on a device SRV).
    RequestCvNotAllowed = "request.cv-not-allowed", Error, Certain, "DUIS-FACTS §2, §3 (CV to enforce); 7.12-7.15 corrected from the matrix [I]";
    /// CommandVariant 9 is DCC-internal and never valid on a Service Request.
    RequestCvReserved = "request.cv-reserved", Error, Certain, "DUIS 5.4 XSD CommandVariant comment (CV 9 not applicable)";
    /// `ExecutionDateTime` is present but the ServiceReferenceVariant cannot be future dated.
    RequestExecutionDateTimeNotAllowed = "request.execution-date-time-not-allowed", Error, Inferred, "DUIS-FACTS §3 (ExecutionDateTime column), §3.2 rule 4";
    /// `ExecutionDateTime` is missing but the ServiceReferenceVariant requires it (8.5 Service
    /// Opt Out).
    RequestExecutionDateTimeRequired = "request.execution-date-time-required", Error, Certain, "DUIS-FACTS §3 (8.5 mandatory), §3.2 rule 4";
    /// CommandVariant 8 (a DCC-only, non-device request) must target the DCC's own identifier.
    RequestTargetNotDcc = "request.target-not-dcc", Error, Inferred, "DUIS-FACTS §1.2, §3.2 rule 5";
    /// A device CommandVariant (anything but 8) targets the DCC's identifier instead of a device.
    RequestTargetIsDcc = "request.target-is-dcc", Error, Inferred, "DUIS-FACTS §1.2, §3.2 rule 5";
    /// A device CommandVariant (anything but 8) targets the originator's own identifier: a DCC
    /// User, not a device.
    RequestTargetIsOriginator = "request.target-is-originator", Error, Inferred, "DUIS-FACTS §1 (field 2 is the Device ID), §3.2 rule 5";
    /// In a 5.1 Create Schedule, the scheduled ServiceReferenceVariant does not belong to the
    /// scheduled ServiceReference (`DSPScheduledServiceReference` 4.6 with variant 14.1).
    RequestScheduleSrvNotInSr = "request.schedule-srv-not-in-sr", Error, Inferred, "DUIS-FACTS §3.2 rule 1, applied to the request a 5.1 Create Schedule schedules";
    /// In a 5.1 Create Schedule, the scheduled request's element is not the scheduled SRV's
    /// (`DSP` and the SRV's body element: 4.6.1 takes `DSPRetrieveImportDailyReadLog`).
    RequestScheduleBodyMismatch = "request.schedule-body-mismatch", Error, Inferred, "DUIS-FACTS §3.2 rule 2, applied to the request a 5.1 Create Schedule schedules (DUIS 5.4 XSD DSPSchedule)";
    /// In a 5.1 Create Schedule, the scheduled ServiceReferenceVariant is one the schema lets a
    /// schedule name but the eligibility matrix does not mark "DCC Scheduled" (4.2).
    RequestScheduleNotDccScheduled = "request.schedule-not-dcc-scheduled", Error, Inferred, "DUIS-FACTS §3 (DCC Scheduled column and the note on 4.2)";
    /// In a 5.1 Create Schedule, `DeviceID` is the DCC's identifier: the scheduled requests are
    /// device requests.
    RequestScheduleDeviceIsDcc = "request.schedule-device-is-dcc", Error, Inferred, "DUIS-FACTS §3.2 rule 5, applied to the request a 5.1 Create Schedule schedules";
    /// The ServiceReferenceVariant is not in this validator's catalogue (DUIS 5.4's), which a
    /// schema given at run time (`--schema`, a newer DUIS version) can allow: its body element,
    /// CommandVariant, dating and eligibility rules were not applied.
    RequestSrvNotInCatalogue = "request.srv-not-in-catalogue", Warning, Certain, "DUIS-FACTS §3 (the SRV catalogue is DUIS 5.4's)";
    /// The RequestID counter is larger than 18446744073709551615 (u64), which the schema pattern
    /// and the GBCS originator counter (8 bytes) both forbid.
    RequestCounterOverflow = "request.counter-overflow", Error, Certain, "DUIS-FACTS §1.2 (COUNTER); GBCS originator counter is 8 bytes";

    /// A reply's `ServiceReferenceVariant` does not belong to its `ServiceReference`
    /// (`ResponseMessage` with 4.1 and 12.1): a reply echoes the request's pair, which must fit.
    ResponseSrvNotInSr = "response.srv-not-in-sr", Error, Inferred, "DUIS-FACTS §5 (ResponseMessage), §3.2 rule 1";
    /// A SMETS1 device reply's own header (`SMETS1Response/Header`) names another
    /// ServiceReference or ServiceReferenceVariant than the `SMETS1ResponseMessage` around it:
    /// both name the request answered.
    ResponseSmets1HeaderMismatch = "response.smets1-header-mismatch", Error, Inferred, "DUIS-FACTS §5 (SMETS1ResponseMessage), §3.2 rule 1";
    /// A reply's ResponseCode is one of another SR's codes (its digits spell the SR: `E120201`
    /// is 12.2's) than the ServiceReference the reply names.
    ResponseCodeOfAnotherSr = "response.code-of-another-sr", Warning, Inferred, "DUIS-FACTS §11 (SR-specific codes, grouped by the SR their digits spell)";
    /// A reply's content does not fit its ServiceReferenceVariant: a `DSPWANMatrix`, the answer
    /// to SR 12.1 Request WAN Matrix, under another SRV, or a 12.1 reply with other content.
    ResponseContentMismatch = "response.content-mismatch", Error, Inferred, "DUIS-FACTS §10 (the 12.1 response is ResponseMessage/DSPWANMatrix)";

    /// An SR 12.1 reply sends a single space in `WANTechnology`, `AuxiliaryEquipmentRequired`
    /// or `AdditionalInformation`, which means "Unknown" (SEC modification MP106). Decoded as
    /// `WanText::Unknown`; reported so the value is never shown as a blank.
    WanMatrixUnknown = "wan-matrix.unknown", Info, Inferred, "DUIS-FACTS §10 (MP106: \" \" means Unknown)";
    /// An SR 12.1 free-text field holds white space other than exactly one space (two spaces,
    /// a tab): schema-valid text, kept as written, but it would display as a blank.
    WanMatrixBlankText = "wan-matrix.blank-text", Warning, Inferred, "DUIS-FACTS §10 (only \" \" means Unknown)";

    /// The originator holds none of the User Roles eligible for the ServiceReferenceVariant
    /// (per the caller's party registry and the DUIS eligibility matrix). The DCC answers such a
    /// request with E2.
    EligibilityRole = "eligibility.role", Error, Inferred, "DUIS-FACTS §3 (eligible roles, from the DUIS request matrix), §3.2 rule 6; response code E2";
    /// A party registry is configured but does not know the originator, so its roles cannot be
    /// established. The DCC answers an unknown User/role pair with E1.
    EligibilityUnknownParty = "eligibility.unknown-party", Error, Inferred, "DUIS-FACTS §3.2 rule 6; response code E1";
    /// A device CommandVariant (anything but 8) targets another party the registry lists: a
    /// DCC User's identifier, not a device.
    EligibilityTargetIsParty = "eligibility.target-is-party", Error, Inferred, "DUIS-FACTS §1 (field 2 is the Device ID), §3.2 rules 5 and 6";
    /// `ExecutionDateTime` is not after the evaluation time ("now"): a future-dated request must
    /// name a future time.
    DateNotFuture = "date.not-future", Error, Inferred, "DUIS-FACTS §2 (future dated mode of operation)";
    /// `ExecutionDateTime` has no time zone and lies within 14 hours of "now", so XSD cannot say
    /// whether it is in the future; give it a `Z` or an offset.
    DateIndeterminate = "date.indeterminate", Warning, Certain, "XSD 1.0 Part 2 §3.2.7.4 (order relation on dateTime)";
    /// `ExecutionDateTime` with CommandVariant 2, 3, 6 or 7: only CV 1 and 5 (and CV 4, whose
    /// Pre-Command returns as CV 5) list future dating as a mode of operation.
    DateCvNotFutureDated = "date.cv-not-future-dated", Warning, Inferred, "DUIS-FACTS §2 (CommandVariant table: mode of operation)";
    /// The RequestID counter is not greater than the last one accepted from this originator: a
    /// replay, or counters reused. Checked only with a counter store configured.
    CounterReplay = "counter.replay", Error, Inferred, "DUIS-FACTS §12 (Counter): strictly increasing per originator";
    /// The counter store could not be read or written, so the counter could not be checked; the
    /// message is not accepted.
    CounterUnavailable = "counter.unavailable", Error, Certain, "this project (a message is never accepted unchecked)";

    /// The `GBCSPayload` of a Signed Pre-Command is not base64: a character outside the
    /// alphabet, `=` before the end, a character count that is not a multiple of four, or
    /// non-zero bits before the padding. The detail gives the offset in the payload text. The
    /// GBCS checks stop here.
    GbcsBase64 = "gbcs.base64", Error, Certain, "XSD Part 2 §3.3.16 (base64Binary); DUIS 5.4 XSD (GBCSPayload)";
    /// The GBCS payload ends inside a field. The detail names the field, its offset in the
    /// decoded payload and how many bytes it needs.
    GbcsTruncated = "gbcs.truncated", Error, Certain, "DUIS-FACTS §4.2 (General Signing layout)";
    /// The GBCS payload does not start with the General Signing tag `DF`.
    GbcsNotGeneralSigning = "gbcs.not-general-signing", Error, Certain, "DUIS-FACTS §4.2 (offset 0: DF)";
    /// The transaction-id length (offset 1) is not `09` (CRA flag and an 8-byte counter).
    GbcsTransactionIdLength = "gbcs.transaction-id-length", Error, Certain, "DUIS-FACTS §4.2 (offset 1: 09)";
    /// A system-title length (offsets 11 and 20) is not `08`: system titles are EUI-64s.
    GbcsSystemTitleLength = "gbcs.system-title-length", Error, Certain, "DUIS-FACTS §4.2 (offsets 11, 20: 08)";
    /// The date-time length (offset 29) is neither `00` (absent) nor `0C` (a 12-byte DLMS
    /// date-time).
    GbcsDateTimeLength = "gbcs.date-time-length", Error, Certain, "DUIS-FACTS §4.2 (offset 29: 00 or 0C)";
    /// The other-information length is below 2, leaving no room for the message code.
    GbcsOtherInformationLength = "gbcs.other-information-length", Error, Certain, "DUIS-FACTS §4.2 (other information, message code first)";
    /// A length (other information or content) is in a BER form GBCS does not use: `80`
    /// (indefinite) or more than three length bytes.
    GbcsLengthEncoding = "gbcs.length-encoding", Error, Certain, "DUIS-FACTS §4.2 (BER lengths: 00-7F, 81, 82, 83)";
    /// The byte after the content is neither `40` (the signature length of a Signed Pre-Command)
    /// nor `00`.
    GbcsSignatureLength = "gbcs.signature-length", Error, Certain, "DUIS-FACTS §4.2 (signature length 40)";
    /// Bytes follow the end of the APDU (after the 64 signature bytes, or after the `00` of an
    /// unsigned form).
    GbcsTrailingBytes = "gbcs.trailing-bytes", Error, Certain, "DUIS-FACTS §4.2, §4.3 check 2 (no trailing bytes)";
    /// The payload is an unsigned Pre-Command (nothing, or `00`, after the content): a Signed
    /// Pre-Command must carry `40` and the 64-byte signature.
    GbcsUnsigned = "gbcs.unsigned", Error, Certain, "DUIS-FACTS §4.2 (signature length 40 in a Signed Pre-Command)";
    /// The CRA flag is not `01` (command): the payload is a response or an alert.
    GbcsNotCommand = "gbcs.not-command", Error, Inferred, "DUIS-FACTS §4.2 (offset 2), §4.3 check 1";
    /// The APDU's originator system title differs from the RequestID originator.
    GbcsOriginatorMismatch = "gbcs.originator-mismatch", Error, Inferred, "DUIS-FACTS §4.3 check 3";
    /// The APDU's recipient system title differs from the RequestID target.
    GbcsRecipientMismatch = "gbcs.recipient-mismatch", Error, Inferred, "DUIS-FACTS §4.3 check 3";
    /// The APDU's originator counter differs from the RequestID counter.
    GbcsCounterMismatch = "gbcs.counter-mismatch", Error, Inferred, "DUIS-FACTS §4.3 check 3";
    /// The APDU's message code is not one of the ServiceReferenceVariant's GBCS message codes.
    GbcsMessageCode = "gbcs.message-code", Error, Inferred, "DUIS-FACTS §4.3 check 4, §7";
    /// The trust store holds no Digital Signing certificate for the APDU's originator, so the
    /// GBCS signature cannot be checked.
    GbcsUnknownSigner = "gbcs.unknown-signer", Error, Inferred, "DUIS-FACTS §4.3 check 5; DESIGN §6 (trust model)";
    /// The GBCS signature verifies with none of the originator's trusted Digital Signing keys.
    GbcsBadSignature = "gbcs.bad-signature", Error, Certain, "DUIS-FACTS §4.2 (signed bytes, role key), §4.3 check 5";
    /// The GBCS signature verifies, but only with a key whose role is not a User role (an
    /// XML-signing key, OU 87 or 89, or a DCC role): the command must be signed with the
    /// User's role Digital Signing key.
    GbcsSignerRole = "gbcs.signer-role", Error, Inferred, "DUIS-FACTS §4.2 (key), §9.3 (reverse of MP104); DESIGN §6";
    /// The signed payload without its signature differs from the Pre-Command the DCC issued.
    GbcsPreCommandMismatch = "gbcs.pre-command-mismatch", Error, Inferred, "DUIS-FACTS §4.2 (Pre-Command to Signed Pre-Command), §4.3 check 6";

    // --- sig.*, pki.*, mp104.*: src/dsig/, src/pki/, src/rules/mp104.rs (issue 5) ---
    /// A Service Request or Signed Pre-Command carries no `ds:Signature`. DUIS requires every
    /// request to be signed with the User's XML-signing key.
    SigMissing = "sig.missing", Error, Certain, "DUIS-FACTS §4.1, §8.1; MP104";
    /// A DCC reply carries no `ds:Signature`. DCC replies are signed by the DCC, but DCC Boxed
    /// acknowledgements are not, so this is a warning: an adapter that must authenticate
    /// replies treats it as a rejection.
    SigReplyUnsigned = "sig.reply-unsigned", Warning, Inferred, "DUIS-FACTS §5 (DCC replies are signed); DESIGN §6";
    /// The signature was not verified: no trust store was given.
    /// The digest, the signature and the signer were not checked; only the signature's shape
    /// was.
    SigUnverified = "sig.unverified", Warning, Inferred, "DESIGN §6 (trust is caller-supplied)";
    /// The `ds:Signature` is not the last child of the root element.
    /// It is inside the Body or deeper, before the Body, or followed by another element.
    SigMisplaced = "sig.misplaced", Error, Certain, "DUIS-FACTS §8.1 (position); DESIGN §1 (signature wrapping)";
    /// More than one `ds:Signature` in the document.
    SigDuplicate = "sig.duplicate", Error, Certain, "DUIS-FACTS §8.1 (exactly one Signature); DESIGN §1";
    /// The signature's elements do not have the DUIS shape: a missing, repeated, unknown or
    /// misordered element, an unexpected attribute, text where only elements belong, or a
    /// missing `Algorithm`.
    SigStructure = "sig.structure", Error, Certain, "DUIS-FACTS §8.1 (exact shape); XMLDSig §4";
    /// `CanonicalizationMethod` is not exclusive C14N without comments
    /// (`http://www.w3.org/2001/10/xml-exc-c14n#`).
    SigUnsupportedC14n = "sig.unsupported-c14n", Error, Certain, "DUIS-FACTS §8.1, §8.2 step 2a";
    /// `SignatureMethod` is not ECDSA P-256 with SHA-256
    /// (`http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256`): RSA, HMAC, DSA, SHA-1 and every
    /// other method are refused, never tried.
    SigUnsupportedSignatureMethod = "sig.unsupported-signature-method", Error, Certain, "DUIS-FACTS §8.1, §8.2 step 2a";
    /// `DigestMethod` is not SHA-256 (`http://www.w3.org/2001/04/xmlenc#sha256`).
    SigUnsupportedDigest = "sig.unsupported-digest", Error, Certain, "DUIS-FACTS §8.1, §8.2 step 2a";
    /// A `Transform` other than the enveloped-signature transform (XPath, XSLT, a
    /// canonicalisation, ...), or not exactly one transform.
    SigUnsupportedTransform = "sig.unsupported-transform", Error, Certain, "DUIS-FACTS §8.1, §8.2 step 2a";
    /// A comment inside a value of a signed document (`<a>12<!---->34</a>`). Canonical XML
    /// drops comments, so the signature still verifies, but a reader that stops at the comment
    /// sees another value than the one signed: the comment-truncation attack on XML signatures.
    SigCommentInValue = "sig.comment-in-value", Error, Inferred, "DUIS-FACTS §8.2 step 1 (C14N without comments); XMLDSig §3.1.1";
    /// A namespace declaration with a relative URI (`xmlns:f="relative"`) in a signed document.
    /// Canonical XML cannot process it, so no conforming verifier can check the signature.
    SigRelativeNamespace = "sig.relative-namespace", Error, Certain, "Canonical XML 1.0 §2.1 (relative namespace URIs make canonicalization fail)";
    /// A comment between elements in the signed content of a document. The digest does not cover
    /// it (canonical XML without comments drops it); it changes no value, so it is a warning.
    SigComment = "sig.comment", Warning, Inferred, "DUIS-FACTS §8.2 step 1 (C14N without comments)";
    /// `SignedInfo` holds more than one `Reference`. DUIS signs the whole document with one.
    SigExtraReference = "sig.extra-reference", Error, Certain, "DUIS-FACTS §8.1 (one Reference)";
    /// The `Reference` URI is not `""` (the whole document).
    SigReferenceUri = "sig.reference-uri", Error, Certain, "DUIS-FACTS §8.1 (Reference URI=\"\")";
    /// A `ds:Object` inside the signature. DUIS signatures carry none, and an Object is where
    /// wrapping attacks hide signed content.
    SigObject = "sig.object", Error, Certain, "DUIS-FACTS §8.1 (no Object)";
    /// `DigestValue` or `SignatureValue` is not base64 (white space, including `&#13;`, is
    /// allowed). Checked when verifying, that is with a trust store.
    SigBadBase64 = "sig.bad-base64", Error, Certain, "XMLDSig §4.3.3.5, §4.2; DUIS-FACTS §8.2 step 3";
    /// `DigestValue` does not decode to 32 bytes (SHA-256) or `SignatureValue` to 64 bytes
    /// (ECDSA P-256 r‖s). Checked when verifying, that is with a trust store.
    SigBadLength = "sig.bad-length", Error, Certain, "DUIS-FACTS §8.1, §8.2 step 3";
    /// The signature names no key: no `KeyInfo/X509Data/X509IssuerSerial`.
    SigNoKeyInfo = "sig.no-key-info", Error, Certain, "DUIS-FACTS §8.1, §8.2 step 4";
    /// `KeyInfo` carries an `X509Certificate`. It is ignored: a certificate inside the message
    /// is never trusted; the signer is found in the trust store by issuer and serial.
    SigEmbeddedCertificate = "sig.embedded-certificate", Warning, Inferred, "DESIGN §6 (trust model)";
    /// `X509IssuerName` is not an RFC 4514 distinguished name.
    SigBadIssuerName = "sig.bad-issuer-name", Error, Certain, "XMLDSig §4.4.4; RFC 4514 §3";
    /// `X509SerialNumber` is not a non-negative decimal integer.
    SigBadSerial = "sig.bad-serial", Error, Certain, "XMLDSig §4.4.4 (X509SerialNumber is an integer)";
    /// The SHA-256 of the document's inclusive canonical form (without the signature) is not
    /// the `DigestValue`: the signed content was changed.
    SigDigestMismatch = "sig.digest-mismatch", Error, Certain, "DUIS-FACTS §8.2 step 1";
    /// The signature does not verify with the signer's public key.
    /// The ECDSA P-256 signature is checked over the exclusive canonical `SignedInfo`.
    SigBadSignature = "sig.bad-signature", Error, Certain, "DUIS-FACTS §8.2 step 2";

    /// The certificate named by `X509IssuerSerial` is not in the trust store. A listed
    /// certificate is trusted because it is listed; nothing else is.
    PkiUnknownSigner = "pki.unknown-signer", Error, Certain, "DESIGN §6 (trust model); DUIS-FACTS §8.2 step 4";
    /// The signer's certificate expired before the evaluation time (`notAfter` is inclusive).
    PkiExpired = "pki.expired", Error, Certain, "RFC 5280 §4.1.2.5; DUIS-FACTS §9.3 item 3";
    /// The signer's certificate is not valid yet at the evaluation time (`notBefore` is
    /// inclusive).
    PkiNotYetValid = "pki.not-yet-valid", Error, Certain, "RFC 5280 §4.1.2.5; DUIS-FACTS §9.3 item 3";
    /// The signer's certificate has no keyUsage, a keyUsage other than digitalSignature alone
    /// (keyAgreement certificates cannot sign), or a keyUsage not marked critical.
    PkiKeyUsage = "pki.key-usage", Error, Inferred, "DUIS-FACTS §9.1 (keyUsage), §9.3 item 3";
    /// The signer's certificate is listed but does not fit the Organisation Certificate
    /// profile (not an EC P-256 key, a CA certificate, no role OU or one that is not text, no
    /// EUI-64 in x500UniqueIdentifier, no certificatePolicies or one not critical, a serial
    /// that is not positive, an extension twice or unreadable, a critical extension the
    /// profile does not process), or a different certificate in the store has the same issuer
    /// and serial. The store reported it when it was loaded.
    PkiBadProfile = "pki.bad-profile", Error, Inferred, "DUIS-FACTS §9.1 (profile)";
    /// The signer's certificate does not chain to a CA certificate in the trust store.
    /// Checked only in strict chain mode (`TrustStore::require_chain`).
    PkiNoChain = "pki.no-chain", Error, Inferred, "DESIGN §6 (optional strict mode)";
    /// Certificate validity was not checked: no evaluation time (an instant, with a UTC offset)
    /// was given. Give it with `ValidatorBuilder::now`.
    PkiNoTime = "pki.no-time", Warning, Inferred, "STYLE §2 (time is an input)";

    /// A Service Request or Signed Pre-Command was signed with a certificate whose role is
    /// not User XML signing (subject OU `87`). A role key (OU `02` Supplier, ...) that verifies
    /// is still refused; an OU not written as two hex digits names no role.
    Mp104Role = "mp104.role", Error, Inferred, "MP104; DUIS-FACTS §9.3 items 1 and 5";
    /// The signing certificate's EUI-64 (x500UniqueIdentifier) is not the RequestID
    /// originator.
    Mp104Originator = "mp104.originator", Error, Inferred, "MP104; DUIS-FACTS §9.3 item 2";
    /// A DCC reply signed by a certificate that is not the DCC's own (its EUI-64 is not the
    /// configured DCC identifier) or is not in a DCC role (OU `89`, legacy `04`).
    Mp104DccSigner = "mp104.dcc-signer", Error, Inferred, "DUIS-FACTS §9.3 (DCC replies)";
    /// A DCC reply signed with the legacy Access Control Broker role (OU `04`) instead of DCC
    /// XML signing (`89`). Older DCC Boxed releases did this; accepted.
    Mp104DccLegacyRole = "mp104.dcc-legacy-role", Warning, Inferred, "DUIS-FACTS §5, §9.2, §9.3 (DCC replies)";
    /// A DCC reply signed with a certificate whose OU is `137`, the decimal spelling of `89`
    /// (a DCC Boxed defect). Accepted for replies; on a request this spelling names no role.
    Mp104DccDecimalRole = "mp104.dcc-decimal-role", Warning, Inferred, "DUIS-FACTS §9.2 (OU 137), §9.3 (DCC replies)";
}

impl Code {
    /// Looks a code up by its `family.name` string.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The family: the part of the name before the dot.
    pub fn family(self) -> &'static str {
        let name = self.as_str();
        name.split_once('.').map_or(name, |(family, _)| family)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
