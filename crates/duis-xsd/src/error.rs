//! Schema compilation errors: a kind plus the place in the XSD text.

use std::fmt;

/// Where in which schema document a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The schema location, as given to (or requested from) the resolver.
    pub schema: String,
    /// 1-based line (0 when the problem has no position, such as a missing file).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.schema)
        } else {
            write!(f, "{}:{}:{}", self.schema, self.line, self.column)
        }
    }
}

/// A schema that cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct CompileError {
    /// What went wrong.
    pub kind: CompileErrorKind,
    /// Where.
    pub location: Location,
}

/// What went wrong while compiling a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileErrorKind {
    /// The resolver had no text for a `schemaLocation`.
    #[error("cannot resolve schema document {0:?}")]
    Unresolved(String),
    /// The XSD text is not well-formed XML.
    #[error("not well-formed XML: {0}")]
    Xml(String),
    /// A construct outside the supported XSD subset (see the crate docs).
    #[error("unsupported XSD construct: {0}")]
    Unsupported(String),
    /// A QName that names no component of the right kind.
    #[error("unknown {kind} {name}")]
    UnknownReference {
        /// `type`, `element`, `base type` ...
        kind: &'static str,
        /// The name as `{namespace}local`.
        name: String,
    },
    /// A component that breaks an XSD constraint (bad attribute value, misplaced child).
    #[error("invalid schema: {0}")]
    Invalid(String),
    /// A pattern that cannot be translated to a Rust regex.
    #[error("pattern {pattern:?} at character {offset}: {message}")]
    Pattern {
        /// The XSD pattern.
        pattern: String,
        /// What is wrong.
        message: String,
        /// Character offset in the pattern.
        offset: usize,
    },
    /// Two particles of a content model compete for the same element
    /// (XSD 1.0 Part 1 §3.8.6, Unique Particle Attribution).
    #[error("content model is not deterministic: {0} can match two particles")]
    NotDeterministic(String),
    /// A type derived from itself.
    #[error("circular type derivation through {0}")]
    Circular(String),
}
