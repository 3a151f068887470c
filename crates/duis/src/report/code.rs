//! The stable registry of finding codes.
//!
//! Every code is a `family.name` string that never changes meaning once released. The family says
//! where the rule lives:
//!
//! | family | module |
//! |---|---|
//! | `xml` | `src/xml/` (well-formedness, DTD, encoding) |
//! | `limit` | `src/xml/limits.rs` |
//! | `schema` | `src/message/extract.rs` (envelope structure; the full schema engine replaces it) |
//! | `request` | `src/rules/request.rs` |
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
    /// The input is not well-formed XML 1.0 (unclosed tag, bad markup, mismatched quotes, ...).
    /// The detail carries the parser's description; reading stops at the first such error.
    XmlMalformed = "xml.malformed", Error, Certain, "XML 1.0 §2.1 (well-formed documents)";
    /// An end tag does not match the open element, or closes an element that is not open.
    XmlMismatchedEnd = "xml.mismatched-end", Error, Certain, "XML 1.0 §3 (element type match)";
    /// The input ended before the root element was closed (a truncated message).
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
    /// UTF-16 byte-order mark.
    XmlEncoding = "xml.encoding", Error, Certain, "XML 1.0 §4.3.3; DUIS messages are UTF-8";
    /// A character XML 1.0 does not allow (NUL, most C0 controls, U+FFFE, U+FFFF), either
    /// literally or as a character reference.
    XmlInvalidChar = "xml.invalid-char", Error, Certain, "XML 1.0 §2.2 (Char production)";
    /// A namespace prefix is used without a declaration in scope.
    XmlUnboundPrefix = "xml.unbound-prefix", Error, Certain, "Namespaces in XML 1.0 §5 (namespace constraint: prefix declared)";
    /// An entity reference other than the five predefined ones (`&amp;` `&lt;` `&gt;` `&quot;`
    /// `&apos;`) or a character reference. Without a DTD no other entity can be defined.
    XmlUndefinedEntity = "xml.undefined-entity", Error, Certain, "XML 1.0 §4.1 (WFC: entity declared)";
    /// The same attribute appears twice on one element.
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
    /// The text of one element, or one attribute value, is longer than `Limits::max_text_bytes`.
    LimitTextLength = "limit.text-length", Error, Certain, "DESIGN §7 (hostile input)";
    /// More findings than `Limits::max_findings`; the rest were dropped. The message is judged
    /// on the findings kept.
    LimitFindings = "limit.findings", Warning, Certain, "DESIGN §7 (hostile input)";

    /// The root element is not one the DUIS 5.4 schema declares (`Request`, `Response`, ... in the
    /// `http://www.dccinterface.co.uk/ServiceUserGateway` namespace).
    SchemaUnknownRoot = "schema.unknown-root", Error, Certain, "DUIS 5.4 XSD (global elements)";
    /// A required element is missing (for example `CommandVariant` in the header).
    SchemaMissingElement = "schema.missing-element", Error, Certain, "DUIS 5.4 XSD (content models)";
    /// An element appears where the schema does not allow it (wrong name, wrong namespace,
    /// wrong order, or too many).
    SchemaUnexpectedElement = "schema.unexpected-element", Error, Certain, "DUIS 5.4 XSD (content models)";
    /// An element's value is outside its type (not in the enumeration, does not match the
    /// pattern, out of range).
    SchemaBadValue = "schema.bad-value", Error, Certain, "DUIS 5.4 XSD (simple types)";
    /// A required attribute is missing (for example `schemaVersion` on the root).
    SchemaMissingAttribute = "schema.missing-attribute", Error, Certain, "DUIS 5.4 XSD (attributes)";

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
    RequestExecutionDateTimeNotAllowed = "request.execution-date-time-not-allowed", Error, Certain, "DUIS-FACTS §3 (ExecutionDateTime column), §3.2 rule 4";
    /// `ExecutionDateTime` is missing but the ServiceReferenceVariant requires it (8.5 Service
    /// Opt Out).
    RequestExecutionDateTimeRequired = "request.execution-date-time-required", Error, Certain, "DUIS-FACTS §3 (8.5 mandatory), §3.2 rule 4";
    /// CommandVariant 8 (a DCC-only, non-device request) must target the DCC's own identifier.
    RequestTargetNotDcc = "request.target-not-dcc", Error, Inferred, "DUIS-FACTS §1.2, §3.2 rule 5";
    /// A device CommandVariant (anything but 8) targets the DCC's identifier instead of a device.
    RequestTargetIsDcc = "request.target-is-dcc", Error, Inferred, "DUIS-FACTS §1.2, §3.2 rule 5";
    /// The RequestID counter is larger than 18446744073709551615 (u64), which the schema pattern
    /// and the GBCS originator counter (8 bytes) both forbid.
    RequestCounterOverflow = "request.counter-overflow", Error, Certain, "DUIS-FACTS §1.2 (COUNTER); GBCS originator counter is 8 bytes";
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
