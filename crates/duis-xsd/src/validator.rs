//! The streaming validator: the caller feeds start tags, text and end tags, in document
//! order, from any XML reader; the validator keeps one small frame per open element and
//! reports typed [`Finding`]s to a [`Sink`].

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use crate::model::{
    AttributeUse, Builtin, Content, Process, Schema, Slice, Term, TypeRef, UNSUPPORTED_BUILTINS, WhiteSpace, WildcardNs,
};
use crate::value::{self, FacetKind};

const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XML: &str = "http://www.w3.org/XML/1998/namespace";
const XS: &str = "http://www.w3.org/2001/XMLSchema";

/// An attribute of a start tag, with its value already unescaped by the XML reader.
#[derive(Debug, Clone)]
pub struct Attribute<'a> {
    /// Namespace URI (`""` for an unprefixed attribute).
    pub ns: &'a str,
    /// Local name.
    pub local: &'a str,
    /// Value.
    pub value: &'a str,
    /// Byte range of the attribute in the input.
    pub span: Range<usize>,
}

/// The namespace declarations in scope at a start tag, its own included: what the prefix of
/// an `xsi:type` value means there (XSD 1.0 Part 1 §3.3.4 cvc-elt.4.1 reads the value as an
/// `xs:QName`). An XML reader keeps them; [`Validator::start_element_in`] asks only for an
/// element that carries `xsi:type`.
pub trait Scope {
    /// The namespace URI `prefix` is bound to, or `None` when it is unbound. `prefix` is `""`
    /// for the default namespace, for which `None` and `Some("")` (`xmlns=""`) both mean no
    /// namespace. `xml` is never asked: it is bound by definition.
    fn uri(&self, prefix: &str) -> Option<&str>;
}

/// No namespace declared: the scope [`Validator::start_element`] resolves `xsi:type` in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoDeclarations;

impl Scope for NoDeclarations {
    fn uri(&self, _prefix: &str) -> Option<&str> {
        None
    }
}

/// `(prefix, URI)` pairs, outermost declaration first: the last pair for a prefix wins, as an
/// inner declaration hides an outer one.
impl Scope for [(&str, &str)] {
    fn uri(&self, prefix: &str) -> Option<&str> {
        self.iter().rev().find(|(p, _)| *p == prefix).map(|(_, uri)| *uri)
    }
}

impl<const N: usize> Scope for [(&str, &str); N] {
    fn uri(&self, prefix: &str) -> Option<&str> {
        self.as_slice().uri(prefix)
    }
}

/// What the `xsi:type` among a start tag's attributes did to the element's type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Retyped {
    /// Nothing: none, one naming the declared type, or a bad one.
    No,
    /// It is now this type.
    To(TypeRef),
    /// It names an abstract type: the content is skipped.
    Abstract,
}

/// What an element of a type takes.
struct Typed {
    /// Its attribute uses.
    uses: Slice,
    /// How its content is checked.
    mode: Mode,
}

/// Why an `xsi:type` does not give the element its type.
enum XsiFault {
    Bad(XsiTypeProblem),
    /// It names an abstract type (cvc-type.2).
    Abstract(Name),
}

/// A namespace resolved by [`Schema::namespace`], for [`Validator::start_element_in`]. Only
/// meaningful with the schema that resolved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Namespace {
    pub(crate) id: Option<u32>,
}

/// Where findings go.
pub trait Sink {
    /// Record one finding.
    fn push(&mut self, finding: Finding);

    /// True when the sink keeps no more findings (it only counts them): the validator then
    /// skips building their details (a list of 130 expected names, say), so that a flood of
    /// faults costs a count each, not a copy of the content model each.
    fn full(&self) -> bool {
        false
    }
}

impl Sink for Vec<Finding> {
    fn push(&mut self, finding: Finding) {
        Vec::push(self, finding);
    }
}

/// The most bytes of a name or value a finding keeps: a finding quotes what it is about, it
/// does not copy a 32 MiB name or value (each finding would cost the input again).
pub const MAX_QUOTED: usize = 1024;

/// `text` as a finding keeps it: cut after [`MAX_QUOTED`] bytes, at a character boundary,
/// with `…` to show the cut.
pub fn quoted(text: &str) -> String {
    if text.len() <= MAX_QUOTED {
        return text.to_owned();
    }
    let mut cut = MAX_QUOTED;
    while !text.is_char_boundary(cut) {
        cut = cut.saturating_sub(1);
    }
    format!("{}…", text.get(..cut).unwrap_or_default())
}

/// A qualified name in a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Namespace URI (`""` for none), cut after [`MAX_QUOTED`] bytes.
    pub ns: String,
    /// Local name, cut after [`MAX_QUOTED`] bytes.
    pub local: String,
}

impl Name {
    fn new(ns: &str, local: &str) -> Self {
        Name { ns: quoted(ns), local: quoted(local) }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ns.is_empty() { f.write_str(&self.local) } else { write!(f, "{{{}}}{}", self.ns, self.local) }
    }
}

/// Why an `xsi:type` value names no type the element can take (XSD 1.0 Part 1 §3.3.4
/// cvc-elt.4).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XsiTypeProblem {
    /// The value is not an `xs:QName` (cvc-elt.4.1).
    NotQName,
    /// Its prefix is bound to no namespace at the element (cvc-elt.4.1); cut after
    /// [`MAX_QUOTED`] bytes.
    UnboundPrefix(String),
    /// It names no type definition of the schema (cvc-elt.4.2).
    UnknownType(Name),
    /// It names an XSD built-in type outside the supported subset (`xs:float`, `xs:anyType`,
    /// ...), which the engine cannot validate against.
    UnsupportedType(Name),
    /// The type it names is not validly derived from the element's declared type
    /// (cvc-elt.4.3; §3.4.6 and §3.14.6 Type Derivation OK).
    NotDerived {
        /// The type named.
        ty: Name,
        /// The declared type (`None` when it is anonymous).
        declared: Option<Name>,
    },
}

/// Something that could come next in a content model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// This element.
    Element(Name),
    /// Any element (`xs:any namespace="##any"`).
    AnyElement,
    /// Any element outside this namespace and "no namespace" (`##other`).
    AnyElementOutside(String),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Element(n) => fmt::Display::fmt(n, f),
            Expected::AnyElement => f.write_str("any element"),
            Expected::AnyElementOutside(ns) => write!(f, "any element not in {{{ns}}}"),
        }
    }
}

/// One schema-validity problem, with the byte range it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What is wrong.
    pub kind: FindingKind,
    /// Byte range supplied by the caller (start tag, end tag, text or attribute).
    pub span: Range<usize>,
}

/// What is wrong. Each variant names the XSD 1.0 Part 1 validation rule it enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingKind {
    /// The root element has no global declaration (§3.3.4, Validation Root).
    UnknownRoot {
        /// The root element.
        name: Name,
    },
    /// A child element the content model does not allow here (§3.4.4 cvc-complex-type.2.4).
    UnexpectedElement {
        /// The child found.
        name: Name,
        /// What could have come instead (empty: no child elements allowed at all).
        expected: Vec<Expected>,
    },
    /// The element ended before its content model was satisfied (cvc-complex-type.2.4).
    MissingElement {
        /// The element whose content is incomplete.
        parent: Name,
        /// What must come next (one of).
        expected: Vec<Expected>,
    },
    /// An element matched by a strict wildcard has no global declaration (cvc-wildcard).
    UndeclaredElement {
        /// The element.
        name: Name,
    },
    /// A value outside its simple type (§3.14.4 cvc-simple-type, cvc-facet-valid).
    BadValue {
        /// The element holding the value.
        element: Name,
        /// The attribute, for attribute values.
        attribute: Option<Name>,
        /// The value as written, cut after [`MAX_QUOTED`] bytes (with `…`).
        value: String,
        /// The check that failed.
        facet: FacetKind,
    },
    /// An attribute the type does not declare (cvc-complex-type.3.2).
    UnknownAttribute {
        /// The element.
        element: Name,
        /// The attribute.
        attribute: Name,
    },
    /// A `use="required"` attribute is absent (cvc-complex-type.4).
    MissingAttribute {
        /// The element.
        element: Name,
        /// The attribute.
        attribute: Name,
    },
    /// Non-whitespace text in element-only content (cvc-complex-type.2.3), or any character,
    /// white space included, in empty content (cvc-complex-type.2.1).
    UnexpectedText {
        /// The element.
        element: Name,
        /// The element's content type is empty.
        empty: bool,
    },
    /// The element's type is abstract (cvc-type.2): its declared type, with no `xsi:type`
    /// naming a concrete type derived from it, or the type its `xsi:type` names. Located at
    /// the `xsi:type` attribute in the second case.
    AbstractType {
        /// The element.
        element: Name,
        /// The abstract type the `xsi:type` names (`None`: the declared type is abstract).
        xsi_type: Option<Name>,
    },
    /// `xsi:nil` on an element that is not nillable (cvc-elt.3.1): the subset compiles no
    /// nillable declaration, so any `xsi:nil`, even `"false"`, is this.
    NotNillable {
        /// The element.
        element: Name,
    },
    /// An `xsi:type` that names no type the element can take (§3.3.4 cvc-elt.4): the
    /// element is then validated against its declared type. Located at the attribute.
    BadXsiType {
        /// The element.
        element: Name,
        /// The attribute's value, cut after [`MAX_QUOTED`] bytes (with `…`).
        value: String,
        /// What is wrong with it.
        problem: XsiTypeProblem,
    },
    /// The caller broke the call protocol (a bug in the caller, never in the input):
    /// a second root, an end without a start, or `finish` with elements still open.
    Usage(&'static str),
}

impl Finding {
    /// Stable code, for matching in tests and for documentation.
    pub fn code(&self) -> &'static str {
        match self.kind {
            FindingKind::UnknownRoot { .. } => "schema.unknown-root",
            FindingKind::UnexpectedElement { .. } => "schema.unexpected-element",
            FindingKind::MissingElement { .. } => "schema.missing-element",
            FindingKind::UndeclaredElement { .. } => "schema.undeclared-element",
            FindingKind::BadValue { .. } => "schema.bad-value",
            FindingKind::UnknownAttribute { .. } => "schema.unknown-attribute",
            FindingKind::MissingAttribute { .. } => "schema.missing-attribute",
            FindingKind::UnexpectedText { .. } => "schema.unexpected-text",
            FindingKind::AbstractType { .. } => "schema.abstract-type",
            FindingKind::NotNillable { .. } => "schema.not-nillable",
            FindingKind::BadXsiType { .. } => "schema.bad-xsi-type",
            FindingKind::Usage(_) => "usage",
        }
    }
}

/// `text` quoted for a message, cut after 200 characters.
fn quoted_short(text: &str) -> String {
    let cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() { format!("{cut:?}…") } else { format!("{cut:?}") }
}

/// Expected items a message names before it says how many more there are: a choice of 130
/// request bodies would make a 12 KB line (the finding itself keeps them all).
const LISTED: usize = 12;

/// The expected element in the same namespace a misspelt name most likely meant
/// ([`crate::near::near_miss`]).
fn near_miss<'e>(name: &Name, expected: &'e [Expected]) -> Option<&'e Name> {
    let same_namespace = || {
        expected.iter().filter_map(|e| match e {
            Expected::Element(n) if n.ns == name.ns => Some(n),
            _ => None,
        })
    };
    let local = crate::near::near_miss(&name.local, same_namespace().map(|n| n.local.as_str()))?;
    same_namespace().find(|n| n.local == local)
}

fn list(f: &mut fmt::Formatter<'_>, items: &[Expected]) -> fmt::Result {
    for (i, e) in items.iter().take(LISTED).enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        fmt::Display::fmt(e, f)?;
    }
    if items.len() > LISTED {
        write!(f, ", and {} more", items.len() - LISTED)?;
    }
    Ok(())
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FindingKind::UnknownRoot { name } => write!(f, "no global declaration for root {name}"),
            FindingKind::UnexpectedElement { name, expected } if expected.is_empty() => {
                write!(f, "element {name} not allowed here: no child elements expected")
            }
            FindingKind::UnexpectedElement { name, expected } => {
                // The same local name expected in a namespace: say which namespace it is in.
                let elsewhere = expected.iter().any(|e| matches!(e, Expected::Element(n) if n.local == name.local));
                match name.ns.as_str() {
                    "" if elsewhere => write!(f, "element {name} (in no namespace) not allowed here; ")?,
                    _ => write!(f, "element {name} not allowed here; ")?,
                }
                if let Some(near) = near_miss(name, expected).filter(|_| !elsewhere) {
                    write!(f, "did you mean {near}? ")?;
                }
                f.write_str("expected one of: ")?;
                list(f, expected)
            }
            FindingKind::MissingElement { parent, expected } => {
                write!(f, "{parent} is incomplete; expected one of: ")?;
                list(f, expected)
            }
            FindingKind::UndeclaredElement { name } => {
                write!(f, "element {name} is not declared (strict wildcard)")
            }
            FindingKind::BadValue { element, attribute, value, facet } => {
                match attribute {
                    Some(a) => write!(f, "attribute {a} of {element}")?,
                    None => write!(f, "element {element}")?,
                }
                let shown: String = value.chars().take(64).collect();
                let more = if shown.len() < value.len() { "..." } else { "" };
                write!(f, ": value {shown:?}{more} ")?;
                match facet {
                    FacetKind::Lexical(b) => write!(f, "is not a valid xs:{}", b.xsd_name()),
                    FacetKind::Length { expected, actual } => {
                        write!(f, "has length {actual}, must be {expected}")
                    }
                    FacetKind::MinLength { expected, actual } => {
                        write!(f, "has length {actual}, must be at least {expected}")
                    }
                    FacetKind::MaxLength { expected, actual } => {
                        write!(f, "has length {actual}, must be at most {expected}")
                    }
                    FacetKind::MinInclusive(b) => write!(f, "is below the minimum {b}"),
                    FacetKind::MaxInclusive(b) => write!(f, "is above the maximum {b}"),
                    FacetKind::MinExclusive(b) => write!(f, "must be greater than {b}"),
                    FacetKind::MaxExclusive(b) => write!(f, "must be less than {b}"),
                    FacetKind::TotalDigits(n) => write!(f, "has more than {n} digits"),
                    FacetKind::FractionDigits(n) => {
                        write!(f, "has more than {n} fraction digits")
                    }
                    FacetKind::Enumeration { listed, total, near } => {
                        f.write_str("is not one of the allowed values")?;
                        if !listed.is_empty() {
                            let shown: Vec<String> = listed.iter().map(|m| quoted_short(m)).collect();
                            write!(f, ": {}", shown.join(", "))?;
                        }
                        match total.saturating_sub(listed.len()) {
                            0 => {}
                            more => write!(f, ", and {more} more")?,
                        }
                        match near {
                            Some(near) => write!(f, "; did you mean {}?", quoted_short(near)),
                            None => Ok(()),
                        }
                    }
                    FacetKind::Pattern(p) => {
                        // A type may hold thousands of patterns: the message names a few,
                        // each cut, and says how many more (the finding keeps them all).
                        let shown: Vec<String> = p.iter().take(3).map(|x| quoted_short(x)).collect();
                        write!(f, "does not match pattern {}", shown.join(" or "))?;
                        match p.len().saturating_sub(3) {
                            0 => Ok(()),
                            more => write!(f, " (or {more} more)"),
                        }
                    }
                    FacetKind::Fixed(v) => write!(f, "differs from the fixed value {v:?}"),
                    FacetKind::DuplicateId => f.write_str("is an ID already used"),
                }
            }
            FindingKind::UnknownAttribute { element, attribute } => {
                write!(f, "attribute {attribute} is not allowed on {element}")
            }
            FindingKind::MissingAttribute { element, attribute } => {
                write!(f, "required attribute {attribute} missing on {element}")
            }
            FindingKind::UnexpectedText { element, empty: false } => {
                write!(f, "text is not allowed in element-only content of {element}")
            }
            FindingKind::UnexpectedText { element, empty: true } => {
                write!(f, "{element} has empty content: no character is allowed in it, not even white space")
            }
            FindingKind::AbstractType { element, xsi_type: None } => {
                write!(f, "element {element} has an abstract type")
            }
            FindingKind::AbstractType { element, xsi_type: Some(ty) } => {
                write!(f, "element {element}: xsi:type names the abstract type {ty}")
            }
            FindingKind::NotNillable { element } => {
                write!(f, "element {element} is not nillable: xsi:nil is not allowed on it")
            }
            FindingKind::BadXsiType { element, value, problem } => {
                write!(f, "element {element}: xsi:type {} ", quoted_short(value))?;
                match problem {
                    XsiTypeProblem::NotQName => f.write_str("is not a qualified name"),
                    XsiTypeProblem::UnboundPrefix(prefix) => {
                        write!(f, "has the prefix {}, bound to no namespace here", quoted_short(prefix))
                    }
                    XsiTypeProblem::UnknownType(ty) => write!(f, "names no type of the schema ({ty})"),
                    XsiTypeProblem::UnsupportedType(ty) => {
                        write!(f, "names {ty}, a built-in type outside the supported XSD subset")
                    }
                    XsiTypeProblem::NotDerived { ty, declared: Some(declared) } => {
                        write!(f, "names {ty}, which is not derived from the declared type {declared}")
                    }
                    XsiTypeProblem::NotDerived { ty, declared: None } => {
                        write!(f, "names {ty}, which is not derived from the element's anonymous type")
                    }
                }
            }
            FindingKind::Usage(what) => write!(f, "validator misuse: {what}"),
        }
    }
}

#[derive(Debug, Clone)]
enum Mode {
    /// Element-only or mixed content, at automaton state `state` seen `count` times.
    Elements {
        states: Slice,
        mixed: bool,
        state: u32,
        count: u32,
        /// An error was reported in this content: do not pile "missing" on top.
        errored: bool,
        text_reported: bool,
        /// The first white space seen in empty content, reported at the end tag unless a
        /// child element was reported first (the child is the problem then).
        blank: Option<Range<usize>>,
    },
    /// Simple content checked against `st` at the end tag; text collects in the buffer.
    Simple { st: u32, child_reported: bool, text_span: Option<Range<usize>> },
    /// Under a lax wildcard, with no declaration: children validated only if declared.
    Lax,
    /// Skipped subtree (processContents="skip" or after an error).
    Skip,
}

/// How the content of an element of simple type `st` is checked.
fn simple_mode(st: u32) -> Mode {
    Mode::Simple { st, child_reported: false, text_span: None }
}

/// How the content of an element of a complex type with this content is checked.
fn content_mode(content: Content) -> Mode {
    match content {
        Content::Simple(st) => simple_mode(st),
        Content::Elements { states, mixed } => Mode::Elements {
            states,
            mixed,
            state: states.start,
            count: 0,
            errored: false,
            text_reported: false,
            blank: None,
        },
    }
}

/// True for an `xsi:type` attribute.
fn is_xsi_type(a: &Attribute<'_>) -> bool {
    a.ns == XSI && a.local == "type"
}

#[derive(Debug, Clone)]
struct Frame {
    /// Element declaration id (for names, default and fixed), if declared.
    decl: Option<u32>,
    mode: Mode,
    start: Range<usize>,
}

/// The frames the stack is allocated with (see [`Validator::new`]).
const STACK_FRAMES: usize = 14;

/// A streaming validator over one [`Schema`]. Reusable: after [`Validator::finish`] it is
/// ready for the next document and keeps its buffers, so a warmed-up validator allocates
/// only to report findings (and for `xs:ID` values).
#[derive(Debug)]
pub struct Validator<'s> {
    schema: &'s Schema,
    stack: Vec<Frame>,
    text: String,
    ids: HashSet<String>,
    /// The attribute uses met on a start tag, for a type declaring more than 64 (the others
    /// take a bit mask).
    seen: Vec<bool>,
    root_done: bool,
    findings: usize,
    /// The namespaces met lately, as the schema spells them, with their ids: a document uses
    /// two or three, so most lookups are one string comparison instead of a search.
    recent_ns: [Option<(&'s str, u32)>; 4],
    next_ns: usize,
    /// The id of "no namespace" (every unprefixed attribute's), once looked up.
    no_namespace: Option<Option<u32>>,
    /// The names of the open elements that no declaration governs but an `xsi:type` types,
    /// with their depths (0: the root), innermost last: frames keep declaration ids, which
    /// such an element has none of. Entries deeper than the open elements are stale.
    undeclared: Vec<(usize, Name)>,
}

impl<'s> Validator<'s> {
    /// A validator for `schema`.
    pub fn new(schema: &'s Schema) -> Self {
        Validator {
            schema,
            // A DUIS message nests about ten deep (at most ten in the DUIS samples): one
            // allocation, not several doublings. 14 frames are 1,008 bytes, which the system
            // allocator serves from its cache of small blocks (glibc: up to 1,032 bytes); 32
            // took its slower path for larger blocks, at about 580 instructions a message.
            stack: Vec::with_capacity(STACK_FRAMES),
            text: String::new(),
            ids: HashSet::new(),
            seen: Vec::new(),
            root_done: false,
            findings: 0,
            recent_ns: [None; 4],
            next_ns: 0,
            no_namespace: None,
            undeclared: Vec::new(),
        }
    }

    /// The id of namespace `uri`, if the schema has one.
    fn ns_id(&mut self, uri: &str) -> Option<u32> {
        // Most attributes are unprefixed: their lookup is remembered apart from the cache
        // (which answers the same, `schema.ns_id(uri)`), at the cost of one test.
        if uri.is_empty() {
            let schema = self.schema;
            return *self.no_namespace.get_or_insert_with(|| schema.ns_id(""));
        }
        if let Some((_, id)) = self.recent_ns.iter().flatten().find(|(known, _)| *known == uri) {
            return Some(*id);
        }
        let schema = self.schema;
        let id = schema.ns_id(uri)?;
        let spelled = usize::try_from(id).ok().and_then(|i| schema.namespaces.get(i))?;
        if let Some(slot) = self.recent_ns.get_mut(self.next_ns % 4) {
            *slot = Some((spelled.as_ref(), id));
        }
        self.next_ns = self.next_ns.wrapping_add(1);
        Some(id)
    }

    fn report(&mut self, sink: &mut impl Sink, kind: FindingKind, span: Range<usize>) {
        self.findings += 1;
        sink.push(Finding { kind, span });
    }

    fn decl_name(&self, decl: Option<u32>) -> Name {
        let (ns, local) = decl.and_then(|d| self.schema.element(d)).map_or(("", ""), |d| self.schema.name(d.name));
        Name::new(ns, local)
    }

    /// The name of the element of the frame at `depth` (0: the root), which `decl` declares;
    /// an undeclared one, validated through its `xsi:type`, is named from `self.undeclared`.
    fn element_name(&self, decl: Option<u32>, depth: usize) -> Name {
        if decl.is_some() {
            return self.decl_name(decl);
        }
        let named = self.undeclared.iter().rev().find(|(at, _)| *at == depth);
        named.map_or_else(|| Name::new("", ""), |(_, name)| name.clone())
    }

    /// A start tag. `ns` is the element's namespace URI (`""` for none); `attrs` are its
    /// attributes, namespace declarations included or not (they are ignored).
    ///
    /// An `xsi:type` value is resolved as if no namespace were declared (only the `xml`
    /// prefix is bound): when its values may use a prefix or a default namespace, give the
    /// declarations in scope to [`Validator::start_element_in`].
    pub fn start_element<'a>(
        &mut self,
        ns: &str,
        local: &str,
        attrs: impl IntoIterator<Item = Attribute<'a>, IntoIter: Clone>,
        span: Range<usize>,
        sink: &mut impl Sink,
    ) {
        let namespace = self.namespace(ns);
        self.start_element_in(namespace, ns, local, attrs, &NoDeclarations, span, sink);
    }

    /// Namespace `uri` resolved as [`Schema::namespace`] does, through a small cache of the
    /// namespaces met lately.
    pub fn namespace(&mut self, uri: &str) -> Namespace {
        Namespace { id: self.ns_id(uri) }
    }

    /// [`Validator::start_element`] with the element's namespace already resolved
    /// (`namespace` must be `schema.namespace(ns)` of this validator's schema) and the
    /// namespace declarations in scope at the element, which resolve the `xs:QName` value of an
    /// `xsi:type` attribute (XSD 1.0 Part 1 §3.3.4 cvc-elt.4.1). `scope` is consulted only
    /// for an element that carries `xsi:type`.
    ///
    /// `attrs` is walked once, except where an `xsi:type` may change which attributes the
    /// element's type declares: then a copy of the iterator looks ahead for it.
    // The parts of a start tag as a reader gives them, unbundled: this is the per-element path.
    #[allow(clippy::too_many_arguments)]
    pub fn start_element_in<'a>(
        &mut self,
        namespace: Namespace,
        ns: &str,
        local: &str,
        attrs: impl IntoIterator<Item = Attribute<'a>, IntoIter: Clone>,
        scope: &(impl Scope + ?Sized),
        span: Range<usize>,
        sink: &mut impl Sink,
    ) {
        let schema = self.schema;
        let ns_id = namespace.id;
        let attrs = attrs.into_iter();
        // The name id is looked up only where a global declaration is needed: content model
        // edges compare names directly, which is cheaper than a search of every name.
        let name = || schema.name_id(ns_id, local);
        let Some(parent) = self.stack.last_mut() else {
            if self.root_done {
                self.report(sink, FindingKind::Usage("second root element"), span.clone());
                self.push_skip(span);
                return;
            }
            match name().and_then(|n| schema.global(n)) {
                Some(decl) => self.enter(decl, attrs, scope, span, sink),
                None => {
                    let name = Name::new(ns, local);
                    self.report(sink, FindingKind::UnknownRoot { name }, span.clone());
                    self.push_skip(span);
                }
            }
            return;
        };
        match &mut parent.mode {
            Mode::Skip => self.push_skip(span),
            Mode::Lax => match name().and_then(|n| schema.global(n)) {
                Some(decl) => self.enter(decl, attrs, scope, span, sink),
                None => self.enter_undeclared(Process::Lax, ns, local, attrs, scope, span, sink),
            },
            Mode::Simple { child_reported, .. } => {
                let first = !*child_reported;
                *child_reported = true;
                if first {
                    let name = Name::new(ns, local);
                    self.report(sink, FindingKind::UnexpectedElement { name, expected: Vec::new() }, span.clone());
                }
                self.push_skip(span);
            }
            Mode::Elements { states, state, count, errored, .. } => {
                let matches = |t: Term| term_matches(schema, t, local, ns_id, ns.is_empty());
                if let Some((next, n)) = step(schema, *state, *count, &matches) {
                    *state = next;
                    *count = n;
                    let term = schema.state(next).map_or(Term::Start, |s| s.term);
                    self.enter_term(term, ns_id, ns, local, attrs, scope, span, sink);
                    return;
                }
                let expected = if sink.full() { Vec::new() } else { expected(schema, *state, *count) };
                // Resynchronise on another particle of this model for the same element
                // name, so that its subtree is still checked; otherwise skip the subtree.
                let resync = (states.start..states.start.saturating_add(states.len)).find(|&s| {
                    schema.state(s).is_some_and(|st| matches!(st.term, Term::Element(_)) && matches(st.term))
                });
                // Otherwise, an element the model expects next under another namespace (an
                // unqualified `TimeDebtRegister1` where the DUIS one is due) is taken as that
                // particle's occurrence, so that its siblings are judged where they stand;
                // its subtree, not the declared element's, is skipped.
                let misnamed = if resync.is_none() {
                    let same_local = |t: Term| match t {
                        Term::Element(d) => schema.element(d).is_some_and(|d| schema.name(d.name).1 == local),
                        _ => false,
                    };
                    step(schema, *state, *count, &same_local)
                } else {
                    None
                };
                *errored = true;
                if let Some(s) = resync {
                    *state = s;
                    *count = 1;
                } else if let Some((next, n)) = misnamed {
                    *state = next;
                    *count = n;
                }
                let found = Name::new(ns, local);
                self.report(sink, FindingKind::UnexpectedElement { name: found, expected }, span.clone());
                match resync.and_then(|s| schema.state(s)).map(|s| s.term) {
                    Some(Term::Element(decl)) => self.enter(decl, attrs, scope, span, sink),
                    _ => self.push_skip(span),
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // private plumbing between two entry points
    fn enter_term<'a, I, S>(
        &mut self,
        term: Term,
        ns_id: Option<u32>,
        ns: &str,
        local: &str,
        attrs: I,
        scope: &S,
        span: Range<usize>,
        sink: &mut impl Sink,
    ) where
        I: Iterator<Item = Attribute<'a>> + Clone,
        S: Scope + ?Sized,
    {
        let schema = self.schema;
        match term {
            Term::Element(decl) => self.enter(decl, attrs, scope, span, sink),
            Term::Wildcard(w) => {
                let process = schema.wildcard(w).map_or(Process::Skip, |w| w.process);
                let global = schema.name_id(ns_id, local).and_then(|n| schema.global(n));
                match (process, global) {
                    (Process::Skip, _) => self.push_skip(span),
                    (_, Some(decl)) => self.enter(decl, attrs, scope, span, sink),
                    (_, None) => self.enter_undeclared(process, ns, local, attrs, scope, span, sink),
                }
            }
            Term::Start => self.push_skip(span),
        }
    }

    fn push_skip(&mut self, span: Range<usize>) {
        self.stack.push(Frame { decl: None, mode: Mode::Skip, start: span });
    }

    /// What an element of type `ty` takes.
    fn typed(&self, ty: TypeRef) -> Option<Typed> {
        match ty {
            TypeRef::Simple(st) => Some(Typed { uses: Slice::default(), mode: simple_mode(st) }),
            TypeRef::Complex(ct) => {
                let c = self.schema.complex(ct)?;
                Some(Typed { uses: c.attributes, mode: content_mode(c.content) })
            }
        }
    }

    /// Start an element declared by `decl`.
    fn enter<'a, I, S>(&mut self, decl: u32, attrs: I, scope: &S, span: Range<usize>, sink: &mut impl Sink)
    where
        I: Iterator<Item = Attribute<'a>> + Clone,
        S: Scope + ?Sized,
    {
        let schema = self.schema;
        let Some(d) = schema.element(decl) else {
            self.push_skip(span);
            return;
        };
        let (uses, mut mode) = match d.ty {
            TypeRef::Simple(st) => (Slice::default(), simple_mode(st)),
            TypeRef::Complex(ct) => {
                let Some(c) = schema.complex(ct) else {
                    self.push_skip(span);
                    return;
                };
                if c.is_abstract {
                    self.enter_abstract(decl, d.ty, attrs, scope, span, sink);
                    return;
                }
                (c.attributes, content_mode(c.content))
            }
        };
        // Most elements neither declare nor carry attributes: nothing to check then.
        let mut attrs = attrs.peekable();
        if uses.len != 0 || attrs.peek().is_some() {
            match self.check_attributes(Some(decl), uses, true, attrs, scope, &span, sink) {
                Retyped::No => {}
                Retyped::To(ty) => match self.typed(ty) {
                    Some(typed) => mode = typed.mode,
                    None => {
                        self.push_skip(span);
                        return;
                    }
                },
                Retyped::Abstract => {
                    self.push_skip(span);
                    return;
                }
            }
        }
        self.text.clear();
        self.stack.push(Frame { decl: Some(decl), mode, start: span });
    }

    /// Start an element declared with an abstract type: valid only through an `xsi:type`
    /// naming a concrete type derived from it (cvc-type.2), so that attribute is judged
    /// first, wherever it is among the others.
    #[cold]
    #[inline(never)]
    fn enter_abstract<'a, I, S>(
        &mut self,
        decl: u32,
        declared: TypeRef,
        attrs: I,
        scope: &S,
        span: Range<usize>,
        sink: &mut impl Sink,
    ) where
        I: Iterator<Item = Attribute<'a>> + Clone,
        S: Scope + ?Sized,
    {
        let xsi = attrs.clone().find(is_xsi_type);
        let judged = xsi.map(|a| (self.judge_xsi_type(a.value, Some(declared), scope), a));
        let concrete = match judged {
            Some((Ok(ty), _)) => self.typed(ty),
            Some((Err(fault), a)) => {
                let named_abstract = matches!(fault, XsiFault::Abstract(_));
                self.report_xsi(Some(decl), a.value, fault, a.span, sink);
                if named_abstract {
                    self.push_skip(span);
                    return;
                }
                None
            }
            None => None,
        };
        let Some(typed) = concrete else {
            let element = self.decl_name(Some(decl));
            self.report(sink, FindingKind::AbstractType { element, xsi_type: None }, span.clone());
            self.push_skip(span);
            return;
        };
        let _ = self.check_attributes(Some(decl), typed.uses, false, attrs, scope, &span, sink);
        self.text.clear();
        self.stack.push(Frame { decl: Some(decl), mode: typed.mode, start: span });
    }

    /// Start an element that no declaration governs, matched by a strict or lax wildcard (or
    /// inside laxly assessed content). An `xsi:type` on it gives it a type to be validated
    /// against (XSD 1.0 Part 1 §3.3.4, Schema-Validity Assessment (Element) clause 1.2.1.2;
    /// §3.10.1 lets it meet a strict wildcard). Without one, lax content is assessed laxly
    /// and a strict wildcard's element is undeclared.
    #[allow(clippy::too_many_arguments)] // private plumbing, as enter_term's
    fn enter_undeclared<'a, I, S>(
        &mut self,
        process: Process,
        ns: &str,
        local: &str,
        attrs: I,
        scope: &S,
        span: Range<usize>,
        sink: &mut impl Sink,
    ) where
        I: Iterator<Item = Attribute<'a>> + Clone,
        S: Scope + ?Sized,
    {
        let Some(xsi) = attrs.clone().find(is_xsi_type) else {
            if process == Process::Strict {
                let name = Name::new(ns, local);
                self.report(sink, FindingKind::UndeclaredElement { name }, span.clone());
                self.push_skip(span);
            } else {
                self.stack.push(Frame { decl: None, mode: Mode::Lax, start: span });
            }
            return;
        };
        // Its name, for findings about it and its content (frames keep declaration ids only).
        let depth = self.stack.len();
        while self.undeclared.last().is_some_and(|(at, _)| *at >= depth) {
            self.undeclared.pop();
        }
        self.undeclared.push((depth, Name::new(ns, local)));
        let typed = match self.judge_xsi_type(xsi.value, None, scope) {
            Ok(ty) => self.typed(ty),
            Err(fault) => {
                let abstract_type = matches!(fault, XsiFault::Abstract(_));
                self.report_xsi(None, xsi.value, fault, xsi.span, sink);
                if process == Process::Lax && !abstract_type {
                    self.stack.push(Frame { decl: None, mode: Mode::Lax, start: span });
                    return;
                }
                None
            }
        };
        let Some(typed) = typed else {
            self.push_skip(span);
            return;
        };
        let _ = self.check_attributes(None, typed.uses, false, attrs, scope, &span, sink);
        self.text.clear();
        self.stack.push(Frame { decl: None, mode: typed.mode, start: span });
    }

    /// What an `xsi:type` value names, if the element can take it: an `xs:QName` (white space
    /// collapsed) resolved in `scope` (cvc-elt.4.1), naming a type of the schema (4.2), validly
    /// derived from the declared type if there is one (4.3), and not abstract (cvc-type.2).
    fn judge_xsi_type(
        &mut self,
        value: &str,
        declared: Option<TypeRef>,
        scope: &(impl Scope + ?Sized),
    ) -> Result<TypeRef, XsiFault> {
        let schema = self.schema;
        let qname = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
        let is_ncname = |part: &str| value::lexical_ok(Builtin::NcName, part);
        if !is_ncname(local) || (qname.contains(':') && !is_ncname(prefix)) {
            return Err(XsiFault::Bad(XsiTypeProblem::NotQName));
        }
        // `xml` is bound by definition (Namespaces in XML 1.0 §3), never by a declaration.
        let uri = match (prefix, scope.uri(prefix)) {
            ("xml", _) => XML,
            ("", uri) => uri.unwrap_or(""),
            (_, Some(uri)) if !uri.is_empty() => uri,
            (_, _) => return Err(XsiFault::Bad(XsiTypeProblem::UnboundPrefix(quoted(prefix)))),
        };
        let ns = self.ns_id(uri);
        let Some(ty) = schema.name_id(ns, local).and_then(|n| schema.named_type(n)) else {
            let name = Name::new(uri, local);
            let unsupported = uri == XS && UNSUPPORTED_BUILTINS.contains(&local);
            return Err(XsiFault::Bad(if unsupported {
                XsiTypeProblem::UnsupportedType(name)
            } else {
                XsiTypeProblem::UnknownType(name)
            }));
        };
        if let Some(declared) = declared
            && !schema.derives(ty, declared)
        {
            let ty = Name::new(uri, local);
            let declared = self.type_name(declared);
            return Err(XsiFault::Bad(XsiTypeProblem::NotDerived { ty, declared }));
        }
        if schema.is_abstract(ty) {
            return Err(XsiFault::Abstract(Name::new(uri, local)));
        }
        Ok(ty)
    }

    /// The name of a named type.
    fn type_name(&self, ty: TypeRef) -> Option<Name> {
        let (ns, local) = self.schema.name(self.schema.type_name(ty)?);
        Some(Name::new(ns, local))
    }

    /// The name of the element whose start tag is being read (its frame not pushed yet).
    fn tag_name(&self, decl: Option<u32>) -> Name {
        self.element_name(decl, self.stack.len())
    }

    /// Reports why an `xsi:type` does not apply, at the attribute, for the element whose start
    /// tag is being read.
    fn report_xsi(
        &mut self,
        decl: Option<u32>,
        value: &str,
        fault: XsiFault,
        span: Range<usize>,
        sink: &mut impl Sink,
    ) {
        let element = self.tag_name(decl);
        let kind = match fault {
            XsiFault::Abstract(ty) => FindingKind::AbstractType { element, xsi_type: Some(ty) },
            XsiFault::Bad(problem) => FindingKind::BadXsiType { element, value: quoted(value), problem },
        };
        self.report(sink, kind, span);
    }

    /// Checks a start tag's attributes against `uses`, the attribute uses of the element's
    /// type (`decl` declares the element; `None` for one typed by `xsi:type` alone).
    ///
    /// An `xsi:type` not yet judged (`xsi_pending`, for a declared element) is judged where it
    /// stands, and a valid one takes over from the declared type for the attributes after it
    /// ([`Retyped::To`]). Those before it were all declared by the declared type, whose uses
    /// the derived type has too (every derivation in the subset is an extension): only
    /// whether they were seen carries over. An attribute the declared type does not declare
    /// may belong to the derived type, so the first such one looks ahead for the `xsi:type`
    /// (once, on a copy of the iterator).
    // Inlined into its one hot caller, `enter` (the others are rare): called, it cost each
    // element with attributes some 25 instructions more.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)] // private plumbing from the three ways into an element
    fn check_attributes<'a>(
        &mut self,
        decl: Option<u32>,
        uses: Slice,
        mut xsi_pending: bool,
        mut attrs: impl Iterator<Item = Attribute<'a>> + Clone,
        scope: &(impl Scope + ?Sized),
        span: &Range<usize>,
        sink: &mut impl Sink,
    ) -> Retyped {
        let schema = self.schema;
        let mut uses = uses.of(&schema.attributes);
        let mut retyped = Retyped::No;
        // The uses met, a bit each: a type declares a few attributes, so the list (an
        // allocation per message) is only kept for a type with more than 64.
        let mut seen = 0u64;
        let mut wide = uses.len() > 64;
        if wide {
            self.seen.clear();
            self.seen.resize(uses.len(), false);
        }
        while let Some(a) = attrs.next() {
            if a.ns == XMLNS || (a.ns.is_empty() && a.local == "xmlns") {
                continue;
            }
            if a.ns == XSI {
                match a.local {
                    "schemaLocation" | "noNamespaceSchemaLocation" => continue,
                    "nil" => {
                        let element = self.tag_name(decl);
                        self.report(sink, FindingKind::NotNillable { element }, a.span);
                        continue;
                    }
                    "type" => {
                        if xsi_pending {
                            xsi_pending = false;
                            retyped = self.take_xsi_type(decl, &a, scope, sink);
                            match retyped {
                                Retyped::No => {}
                                Retyped::To(ty) => self.retype(ty, &mut uses, &mut seen, &mut wide),
                                Retyped::Abstract => return retyped,
                            }
                        }
                        continue;
                    }
                    _ => {}
                }
            }
            // Compared with the few declared uses by name, not searched among all names.
            let ns = self.ns_id(a.ns);
            let find =
                |uses: &[AttributeUse]| ns.and_then(|_| uses.iter().position(|u| schema.is_name(u.name, ns, a.local)));
            let mut found = find(uses);
            if found.is_none() && xsi_pending {
                xsi_pending = false;
                if let Some(ahead) = attrs.clone().find(is_xsi_type) {
                    retyped = self.take_xsi_type(decl, &ahead, scope, sink);
                    match retyped {
                        Retyped::No => {}
                        Retyped::To(ty) => {
                            self.retype(ty, &mut uses, &mut seen, &mut wide);
                            found = find(uses);
                        }
                        Retyped::Abstract => return retyped,
                    }
                }
            }
            let Some((i, u)) = found.and_then(|i| Some((i, uses.get(i)?))) else {
                let element = self.tag_name(decl);
                let attribute = Name::new(a.ns, a.local);
                self.report(sink, FindingKind::UnknownAttribute { element, attribute }, a.span);
                continue;
            };
            match use_bit(i) {
                Some(bit) if !wide => seen |= bit,
                _ => {
                    if let Some(s) = self.seen.get_mut(i) {
                        *s = true;
                    }
                }
            }
            let problem = match value::check(schema, u.ty, a.value, !sink.full()) {
                Err(f) => Some(f),
                Ok(()) => match u.fixed.map(|f| schema.string(f)) {
                    Some(fixed) if !value::equals_fixed(schema, u.ty, a.value, fixed) => {
                        Some(FacetKind::Fixed(fixed.to_owned()))
                    }
                    _ => self.check_id(u.ty, a.value),
                },
            };
            if let Some(facet) = problem {
                let element = self.tag_name(decl);
                self.report(
                    sink,
                    FindingKind::BadValue {
                        element,
                        attribute: Some(Name::new(a.ns, a.local)),
                        value: quoted(a.value),
                        facet,
                    },
                    a.span,
                );
            }
        }
        let was_seen = |i: usize| match use_bit(i) {
            Some(bit) if !wide => seen & bit != 0,
            _ => self.seen.get(i).copied().unwrap_or(false),
        };
        let missing: Vec<u32> =
            uses.iter().enumerate().filter(|&(i, u)| u.required && !was_seen(i)).map(|(_, u)| u.name).collect();
        for n in missing {
            let (ns, local) = schema.name(n);
            let element = self.tag_name(decl);
            let attribute = Name::new(ns, local);
            self.report(sink, FindingKind::MissingAttribute { element, attribute }, span.clone());
        }
        retyped
    }

    /// Judges an `xsi:type` attribute met while checking the attributes of the element `decl`
    /// declares: [`Retyped::To`] for a valid one naming another type than the declared one.
    /// Out of line: only an element with an `xsi:type` (or with an attribute its type does not
    /// declare) comes here.
    #[cold]
    #[inline(never)]
    fn take_xsi_type<'a>(
        &mut self,
        decl: Option<u32>,
        xsi: &Attribute<'a>,
        scope: &(impl Scope + ?Sized),
        sink: &mut impl Sink,
    ) -> Retyped {
        let schema = self.schema;
        let Some(declared) = decl.and_then(|d| schema.element(d)).map(|d| d.ty) else {
            return Retyped::No;
        };
        match self.judge_xsi_type(xsi.value, Some(declared), scope) {
            Ok(ty) if ty == declared => Retyped::No,
            Ok(ty) => Retyped::To(ty),
            Err(fault) => {
                let abstract_type = matches!(fault, XsiFault::Abstract(_));
                self.report_xsi(decl, xsi.value, fault, xsi.span.clone(), sink);
                if abstract_type { Retyped::Abstract } else { Retyped::No }
            }
        }
    }

    /// Makes `uses` the attribute uses of `ty`, the type an `xsi:type` gave the element, with
    /// the uses met so far (`seen`, a bit each, or `self.seen` when `wide`) carried over by
    /// name.
    #[cold]
    #[inline(never)]
    fn retype(&mut self, ty: TypeRef, uses: &mut &'s [AttributeUse], seen: &mut u64, wide: &mut bool) {
        let schema = self.schema;
        let was_seen = |i: usize| match use_bit(i) {
            Some(bit) if !*wide => *seen & bit != 0,
            _ => self.seen.get(i).copied().unwrap_or(false),
        };
        let met: Vec<u32> = uses.iter().enumerate().filter(|&(i, _)| was_seen(i)).map(|(_, u)| u.name).collect();
        let new = self.typed(ty).map_or(Slice::default(), |t| t.uses).of(&schema.attributes);
        *seen = 0;
        *wide = new.len() > 64;
        if *wide {
            self.seen.clear();
            self.seen.resize(new.len(), false);
        }
        for (i, _) in new.iter().enumerate().filter(|(_, u)| met.contains(&u.name)) {
            match use_bit(i) {
                Some(bit) if !*wide => *seen |= bit,
                _ => {
                    if let Some(s) = self.seen.get_mut(i) {
                        *s = true;
                    }
                }
            }
        }
        *uses = new;
    }

    /// `xs:ID` values must be unique in a document (XSD Part 2 §3.3.8, cvc-id.2).
    #[inline]
    fn check_id(&mut self, st: u32, raw: &str) -> Option<FacetKind> {
        // Called for every valid value, nearly none of them an ID: the type test is inline,
        // the set lookup (with its large stack frame) out of line.
        let ty = self.schema.simple(st)?;
        if ty.builtin != Builtin::Id {
            return None;
        }
        self.record_id(ty.whitespace, raw)
    }

    #[inline(never)]
    fn record_id(&mut self, whitespace: WhiteSpace, raw: &str) -> Option<FacetKind> {
        let v = value::normalize(raw, whitespace);
        if self.ids.contains(v.as_ref()) {
            return Some(FacetKind::DuplicateId);
        }
        self.ids.insert(v.into_owned());
        None
    }

    /// Character data inside the current element (any number of chunks).
    pub fn text(&mut self, chunk: &str, span: Range<usize>, sink: &mut impl Sink) {
        // An empty chunk (an empty CDATA section) holds no character: the infoset has no CDATA
        // boundaries, so it neither fills empty content nor stops a default applying.
        if chunk.is_empty() {
            return;
        }
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        let decl = top.decl;
        let schema = self.schema;
        match &mut top.mode {
            Mode::Simple { text_span, .. } => {
                self.text.push_str(chunk);
                *text_span = Some(match text_span.take() {
                    Some(s) => s.start..span.end,
                    None => span,
                });
            }
            // Element-only content allows white space between the children; empty content
            // allows no character at all, white space included (cvc-complex-type.2.1).
            Mode::Elements { mixed: false, states, text_reported, blank, .. } if !*text_reported => {
                let empty = || schema.state(states.start).is_some_and(|start| start.edges.len == 0);
                if !chunk.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
                    *text_reported = true;
                    let empty = empty();
                    self.unexpected_text(decl, empty, span, sink);
                } else if blank.is_none() && empty() {
                    *blank = Some(span);
                }
            }
            _ => {}
        }
    }

    /// The finding for text in element-only or empty content: out of line, so that the white
    /// space between elements (a call per line of an indented message) takes the short path.
    #[cold]
    #[inline(never)]
    fn unexpected_text(&mut self, decl: Option<u32>, empty: bool, span: Range<usize>, sink: &mut impl Sink) {
        let element = self.element_name(decl, self.stack.len().saturating_sub(1));
        self.report(sink, FindingKind::UnexpectedText { element, empty }, span);
    }

    /// True when the open element's value is simple-typed with `whiteSpace="collapse"`, so
    /// that XML end-of-line handling (CR LF or CR to LF) cannot change its checks: the caller
    /// may pass its text unnormalised, without a copy.
    pub fn open_value_collapses_whitespace(&self) -> bool {
        let schema = self.schema;
        self.stack.last().is_some_and(|top| match top.mode {
            Mode::Simple { st, .. } => schema.simple(st).is_some_and(|t| t.whitespace == WhiteSpace::Collapse),
            _ => false,
        })
    }

    /// The last chunk of an element's text (not given to [`Validator::text`]), then its end
    /// tag. When it is the element's only chunk, the common case for a simple-typed value, it
    /// is checked where it lies, without the copy that [`Validator::text`] makes.
    pub fn end_element_with_text(
        &mut self,
        last: &str,
        text_span: Range<usize>,
        span: Range<usize>,
        sink: &mut impl Sink,
    ) {
        let only_chunk = self.text.is_empty()
            && self.stack.last().is_some_and(|top| matches!(top.mode, Mode::Simple { text_span: None, .. }));
        if only_chunk {
            self.end(span, Some((last, text_span)), sink);
        } else {
            self.text(last, text_span, sink);
            self.end(span, None, sink);
        }
    }

    /// An end tag.
    pub fn end_element(&mut self, span: Range<usize>, sink: &mut impl Sink) {
        self.end(span, None, sink);
    }

    /// An end tag; `direct` is the element's whole text when it was not buffered.
    fn end(&mut self, span: Range<usize>, direct: Option<(&str, Range<usize>)>, sink: &mut impl Sink) {
        let Some(frame) = self.stack.pop() else {
            self.report(sink, FindingKind::Usage("end tag without a start tag"), span);
            return;
        };
        if self.stack.is_empty() {
            self.root_done = true;
        }
        let schema = self.schema;
        match frame.mode {
            Mode::Elements { state, count, errored: false, text_reported, blank, .. } => {
                if let (false, Some(blank)) = (text_reported, blank) {
                    let element = self.element_name(frame.decl, self.stack.len());
                    self.report(sink, FindingKind::UnexpectedText { element, empty: true }, blank);
                }
                let done =
                    schema.state(state).is_some_and(|s| s.accepting && (s.term == Term::Start || count >= s.min));
                if !done {
                    let parent = self.element_name(frame.decl, self.stack.len());
                    let expected = if sink.full() { Vec::new() } else { expected(schema, state, count) };
                    self.report(sink, FindingKind::MissingElement { parent, expected }, span);
                }
            }
            Mode::Simple { st, child_reported: false, text_span } => {
                let decl = frame.decl.and_then(|d| schema.element(d));
                let text = std::mem::take(&mut self.text);
                let (text_value, text_span) = match direct {
                    Some((last, last_span)) => (last, Some(last_span)),
                    None => (text.as_str(), text_span),
                };
                let value = match decl.and_then(|d| d.default.or(d.fixed)) {
                    // An empty element takes its default or fixed value (XSD Part 1 §3.3.4
                    // clause 5.1).
                    Some(def) if text_value.is_empty() => schema.string(def),
                    _ => text_value,
                };
                let problem = match value::check(schema, st, value, !sink.full()) {
                    Err(f) => Some(f),
                    Ok(()) => match decl.and_then(|d| d.fixed).map(|f| schema.string(f)) {
                        Some(fixed) if !value::equals_fixed(schema, st, value, fixed) => {
                            Some(FacetKind::Fixed(fixed.to_owned()))
                        }
                        _ => self.check_id(st, value),
                    },
                };
                if let Some(facet) = problem {
                    let element = self.element_name(frame.decl, self.stack.len());
                    let value = quoted(value);
                    self.report(
                        sink,
                        FindingKind::BadValue { element, attribute: None, value, facet },
                        text_span.unwrap_or(frame.start),
                    );
                }
                // Hand the buffer back so its capacity is reused.
                self.text = text;
                self.text.clear();
            }
            _ => {}
        }
    }

    /// End of the document: reports a missing root or unclosed elements, returns whether
    /// the document was valid, and resets the validator for the next one.
    pub fn finish(&mut self, span: Range<usize>, sink: &mut impl Sink) -> bool {
        if !self.stack.is_empty() {
            self.report(sink, FindingKind::Usage("document ended with open elements"), span);
        } else if !self.root_done {
            self.report(sink, FindingKind::Usage("document has no root element"), span);
        }
        let valid = self.findings == 0;
        self.reset();
        valid
    }

    /// Forget the current document.
    pub fn reset(&mut self) {
        self.stack.clear();
        self.text.clear();
        self.ids.clear();
        self.undeclared.clear();
        self.root_done = false;
        self.findings = 0;
    }

    /// Number of findings reported for the current document so far.
    pub fn finding_count(&self) -> usize {
        self.findings
    }
}

/// The bit of attribute use `i` in [`Validator::check_attributes`]'s mask (`None` from 64 on).
fn use_bit(i: usize) -> Option<u64> {
    u32::try_from(i).ok().and_then(|i| 1u64.checked_shl(i))
}

fn term_matches(schema: &Schema, t: Term, local: &str, ns: Option<u32>, no_ns: bool) -> bool {
    match t {
        Term::Start => false,
        Term::Element(d) => ns.is_some() && schema.element(d).is_some_and(|d| schema.is_name(d.name, ns, local)),
        Term::Wildcard(w) => match schema.wildcard(w).map(|w| w.namespace) {
            Some(WildcardNs::Any) => true,
            Some(WildcardNs::Other(o)) => !no_ns && ns != Some(o),
            None => false,
        },
    }
}

/// One automaton step: repeat the current particle while under its `maxOccurs`, else move
/// to a following particle once `minOccurs` is reached. The content models are
/// deterministic (checked at compile time), so the first match is the only one.
fn step(schema: &Schema, state: u32, count: u32, matches: &impl Fn(Term) -> bool) -> Option<(u32, u32)> {
    let s = schema.state(state)?;
    if s.term != Term::Start && count < s.max && matches(s.term) {
        return Some((state, count + 1));
    }
    if s.term != Term::Start && count < s.min {
        return None;
    }
    s.edges
        .of(&schema.edges)
        .iter()
        .copied()
        .find(|&t| schema.state(t).is_some_and(|ts| matches(ts.term)))
        .map(|t| (t, 1))
}

fn expected(schema: &Schema, state: u32, count: u32) -> Vec<Expected> {
    let Some(s) = schema.state(state) else {
        return Vec::new();
    };
    let describe = |t: Term| -> Option<Expected> {
        match t {
            Term::Start => None,
            Term::Element(d) => {
                let (ns, local) = schema.name(schema.element(d)?.name);
                Some(Expected::Element(Name::new(ns, local)))
            }
            Term::Wildcard(w) => Some(match schema.wildcard(w)?.namespace {
                WildcardNs::Any => Expected::AnyElement,
                WildcardNs::Other(o) => Expected::AnyElementOutside(
                    usize::try_from(o)
                        .ok()
                        .and_then(|i| schema.namespaces.get(i))
                        .map_or_else(String::new, |n| n.to_string()),
                ),
            }),
        }
    };
    let mut out = Vec::new();
    // Terms already listed, compared as numbers: the names they describe, compared as text,
    // made each finding at a choice of a hundred elements (a DUIS Body) cost quadratic time.
    // A deterministic model reaches one element name through one declaration, so equal names
    // come from equal terms; only wildcards can describe alike from different terms.
    let mut listed: Vec<Term> = Vec::new();
    let mut add = |term: Term, out: &mut Vec<Expected>| {
        if listed.contains(&term) {
            return;
        }
        listed.push(term);
        if let Some(e) = describe(term)
            && !(matches!(term, Term::Wildcard(_)) && out.contains(&e))
        {
            out.push(e);
        }
    };
    if s.term != Term::Start && count < s.max {
        add(s.term, &mut out);
    }
    if s.term == Term::Start || count >= s.min {
        for &t in s.edges.of(&schema.edges) {
            if let Some(ts) = schema.state(t) {
                add(ts.term, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The frame stack's first allocation stays within glibc's small-block cache (requests of
    /// up to 1,032 bytes): a larger `Frame` needs fewer frames in [`STACK_FRAMES`].
    #[test]
    fn the_frame_stack_is_a_small_block() {
        assert!(size_of::<Frame>() * STACK_FRAMES <= 1032, "{} bytes a frame", size_of::<Frame>());
    }
}
