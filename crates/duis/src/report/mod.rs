//! Findings and the per-message [`Report`].

mod code;

use core::fmt;
use core::ops::Range;

pub use code::{Basis, Code, Severity};

use crate::message::{CommandVariant, CvSet, Eui64, MessageKind, RequestFacts};

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
    /// An element where another (or none) was expected.
    UnexpectedElement {
        /// The element found, as `{namespace}local` or `local`.
        found: String,
        /// What the schema allows here; empty when nothing is allowed.
        expected: Vec<&'static str>,
    },
    /// A required element that is absent.
    MissingElement {
        /// The missing element.
        element: &'static str,
        /// Its parent.
        parent: &'static str,
    },
    /// A required attribute that is absent.
    MissingAttribute {
        /// The attribute.
        attribute: &'static str,
        /// The element that should carry it.
        element: &'static str,
    },
    /// A value outside its type.
    BadValue {
        /// The element holding the value.
        element: &'static str,
        /// The value as written.
        value: String,
        /// What the type allows.
        expected: &'static str,
    },
    /// An SRV that is not part of the SR.
    SrvNotInSr {
        /// ServiceReference as written.
        sr: String,
        /// ServiceReferenceVariant.
        srv: &'static str,
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
    /// A RequestID counter beyond u64.
    Counter {
        /// The counter digits as written.
        digits: String,
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
            Detail::UnexpectedElement { found, expected } => {
                write!(f, "element {found} is not allowed here")?;
                match expected.as_slice() {
                    [] => Ok(()),
                    [one] => write!(f, "; expected {one}"),
                    many => write!(f, "; expected one of {}", many.join(", ")),
                }
            }
            Detail::MissingElement { element, parent } => {
                write!(f, "{parent} has no {element}")
            }
            Detail::MissingAttribute { attribute, element } => {
                write!(f, "{element} has no {attribute} attribute")
            }
            Detail::BadValue { element, value, expected } => {
                write!(f, "{element} value {value:?} is not {expected}")
            }
            Detail::SrvNotInSr { sr, srv } => {
                write!(f, "ServiceReferenceVariant {srv} does not belong to ServiceReference {sr:?}")
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
            Detail::Counter { digits } => {
                write!(f, "counter {digits} is larger than 18446744073709551615")
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
            Detail::None => f.write_str(summary(finding.code)),
            detail => {
                if needs_summary(finding.code) {
                    write!(f, "{}; ", summary(finding.code).trim_end_matches('.'))?;
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
}

impl Findings {
    pub(crate) fn new(max: usize) -> Findings {
        Findings { list: Vec::new(), max, dropped: 0 }
    }

    pub(crate) fn push(&mut self, code: Code, span: Span, detail: Detail) {
        if self.list.len() < self.max {
            self.list.push(Finding::new(code, span, detail));
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    #[cfg(test)]
    pub(crate) fn finish_for_tests(self) -> Vec<Finding> {
        self.finish()
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
}

impl<'a> Report<'a> {
    pub(crate) fn new(
        input: &'a [u8],
        kind: Option<MessageKind>,
        findings: Findings,
        request: Option<RequestFacts<'a>>,
    ) -> Report<'a> {
        Report { input, kind, findings: findings.finish(), request }
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
}

/// Line and column of `offset` in `input`.
pub(crate) fn position(input: &[u8], offset: usize) -> Position {
    let offset = offset.min(input.len());
    let before = input.get(..offset).unwrap_or(input);
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let on_line = before.get(line_start..).unwrap_or_default();
    // Count characters: every byte that is not a UTF-8 continuation byte starts one.
    let column = on_line.iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1;
    Position { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

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
