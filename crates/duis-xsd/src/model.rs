//! The compiled schema: flat tables that index into each other with `u32` ids.
//!
//! One set of types serves both a schema compiled at run time (every table is
//! `Cow::Owned`) and the generated DUIS 5.4 tables (every table is a `static` array behind
//! `Cow::Borrowed`), so the validator has a single code path. Tables are flat, with
//! [`Slice`]s pointing into shared arrays, because nested slices cannot be borrowed from
//! `static` items without a named item per slice.
//!
//! The fields are public so that generated code in another crate can build a [`Schema`] as
//! a constant expression; treat them as read-only facts produced by the compiler.

use std::borrow::Cow;
use std::sync::OnceLock;

/// Marker for an unbounded `maxOccurs`.
pub const UNBOUNDED: u32 = u32::MAX;

/// A `start..start + len` window into one of the [`Schema`] tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Slice {
    /// First index.
    pub start: u32,
    /// Number of entries.
    pub len: u32,
}

impl Slice {
    /// The entries of `table` this slice covers (empty if it is out of range, which the
    /// compiler never produces).
    pub(crate) fn of<T>(self, table: &[T]) -> &[T] {
        let start = usize::try_from(self.start).unwrap_or(usize::MAX);
        let len = usize::try_from(self.len).unwrap_or(0);
        start.checked_add(len).and_then(|end| table.get(start..end)).unwrap_or(&[])
    }
}

/// A compiled schema set: every table the validator needs, no XSD text.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// Namespace URIs, sorted; `""` is "no namespace". Index = namespace id.
    pub namespaces: Cow<'static, [Cow<'static, str>]>,
    /// Qualified names, sorted by (namespace id, local name). Index = name id.
    pub names: Cow<'static, [QName]>,
    /// Element declarations (global and local). Index = element id.
    pub elements: Cow<'static, [ElementDecl]>,
    /// Global element declarations, as element ids sorted by name id.
    pub globals: Cow<'static, [u32]>,
    /// Complex types. Index = complex type id.
    pub complex_types: Cow<'static, [ComplexType]>,
    /// Simple types (named, anonymous and the built-ins in use). Index = simple type id.
    pub simple_types: Cow<'static, [SimpleType]>,
    /// Attribute uses, referenced by [`ComplexType::attributes`].
    pub attributes: Cow<'static, [AttributeUse]>,
    /// Facets, referenced by [`SimpleType::facets`].
    pub facets: Cow<'static, [Facet]>,
    /// Literal values: enumeration members, bounds, defaults and fixed values.
    pub strings: Cow<'static, [Cow<'static, str>]>,
    /// Patterns, referenced by [`Facet::Pattern`].
    pub patterns: Cow<'static, [Pattern]>,
    /// Content-model automaton states, grouped per complex type.
    pub states: Cow<'static, [State]>,
    /// Transitions: target state ids, referenced by [`State::edges`].
    pub edges: Cow<'static, [u32]>,
    /// Element wildcards (`xs:any`).
    pub wildcards: Cow<'static, [Wildcard]>,
    /// Named types (simple, complex, and every supported built-in), sorted by name id: what
    /// an `xsi:type` can name.
    pub types: Cow<'static, [TypeRef]>,
}

/// A qualified name: namespace id plus local name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QName {
    /// Index into [`Schema::namespaces`].
    pub ns: u32,
    /// Local name.
    pub local: Cow<'static, str>,
}

/// An element declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementDecl {
    /// Name id.
    pub name: u32,
    /// Its type.
    pub ty: TypeRef,
    /// `default`: index into [`Schema::strings`], used when the element is empty.
    pub default: Option<u32>,
    /// `fixed`: index into [`Schema::strings`].
    pub fixed: Option<u32>,
}

/// The type of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeRef {
    /// Index into [`Schema::simple_types`].
    Simple(u32),
    /// Index into [`Schema::complex_types`].
    Complex(u32),
}

/// A complex type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplexType {
    /// Name id, for named types.
    pub name: Option<u32>,
    /// The type this one extends (`simpleContent` or `complexContent` extension); `None` for
    /// a type derived from `xs:anyType` by no stated derivation.
    pub base: Option<TypeRef>,
    /// `abstract="true"`: no element is valid with this type as its own; an `xsi:type`
    /// naming a concrete type derived from it is needed.
    pub is_abstract: bool,
    /// What the element may contain.
    pub content: Content,
    /// Window into [`Schema::attributes`].
    pub attributes: Slice,
}

/// Content of a complex type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Text only, checked against this simple type id.
    Simple(u32),
    /// Child elements driven by the automaton whose states are `states`
    /// (the first one is the start state); text is allowed only if `mixed`.
    Elements {
        /// Window into [`Schema::states`]; `states.start` is the start state.
        states: Slice,
        /// `mixed="true"`.
        mixed: bool,
    },
}

/// An attribute use on a complex type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeUse {
    /// Name id.
    pub name: u32,
    /// Simple type id.
    pub ty: u32,
    /// `use="required"`.
    pub required: bool,
    /// `default`: index into [`Schema::strings`].
    pub default: Option<u32>,
    /// `fixed`: index into [`Schema::strings`].
    pub fixed: Option<u32>,
}

/// The built-in type a simple type is ultimately derived from: it fixes the lexical space,
/// the value space used by enumeration and range facets, and what length facets count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are the XSD built-in type names
pub enum Builtin {
    AnySimpleType,
    String,
    NormalizedString,
    Token,
    Language,
    Name,
    NcName,
    NmToken,
    Id,
    IdRef,
    AnyUri,
    Boolean,
    Decimal,
    Integer,
    NonPositiveInteger,
    NegativeInteger,
    Long,
    Int,
    Short,
    Byte,
    NonNegativeInteger,
    UnsignedLong,
    UnsignedInt,
    UnsignedShort,
    UnsignedByte,
    PositiveInteger,
    Date,
    DateTime,
    Time,
    GYear,
    GYearMonth,
    GMonth,
    GMonthDay,
    GDay,
    Base64Binary,
    HexBinary,
}

/// The built-in types by their XSD names.
pub(crate) const BUILTINS: &[(&str, Builtin)] = &[
    ("anySimpleType", Builtin::AnySimpleType),
    ("string", Builtin::String),
    ("normalizedString", Builtin::NormalizedString),
    ("token", Builtin::Token),
    ("language", Builtin::Language),
    ("Name", Builtin::Name),
    ("NCName", Builtin::NcName),
    ("NMTOKEN", Builtin::NmToken),
    ("ID", Builtin::Id),
    ("IDREF", Builtin::IdRef),
    ("anyURI", Builtin::AnyUri),
    ("boolean", Builtin::Boolean),
    ("decimal", Builtin::Decimal),
    ("integer", Builtin::Integer),
    ("nonPositiveInteger", Builtin::NonPositiveInteger),
    ("negativeInteger", Builtin::NegativeInteger),
    ("long", Builtin::Long),
    ("int", Builtin::Int),
    ("short", Builtin::Short),
    ("byte", Builtin::Byte),
    ("nonNegativeInteger", Builtin::NonNegativeInteger),
    ("unsignedLong", Builtin::UnsignedLong),
    ("unsignedInt", Builtin::UnsignedInt),
    ("unsignedShort", Builtin::UnsignedShort),
    ("unsignedByte", Builtin::UnsignedByte),
    ("positiveInteger", Builtin::PositiveInteger),
    ("date", Builtin::Date),
    ("dateTime", Builtin::DateTime),
    ("time", Builtin::Time),
    ("gYear", Builtin::GYear),
    ("gYearMonth", Builtin::GYearMonth),
    ("gMonth", Builtin::GMonth),
    ("gMonthDay", Builtin::GMonthDay),
    ("gDay", Builtin::GDay),
    ("base64Binary", Builtin::Base64Binary),
    ("hexBinary", Builtin::HexBinary),
];

impl Builtin {
    /// The type's XSD name (`anyURI`, `dateTime`, ...).
    pub fn xsd_name(self) -> &'static str {
        BUILTINS.iter().find(|(_, b)| *b == self).map_or("anySimpleType", |(name, _)| name)
    }

    /// The built-in this one is derived from by restriction (XSD 1.0 Part 2 §3.2, §3.3);
    /// `None` for `anySimpleType`, whose base is the complex ur-type.
    pub fn base(self) -> Option<Builtin> {
        use Builtin as B;
        Some(match self {
            B::AnySimpleType => return None,
            B::String
            | B::Boolean
            | B::Decimal
            | B::AnyUri
            | B::Date
            | B::DateTime
            | B::Time
            | B::GYear
            | B::GYearMonth
            | B::GMonth
            | B::GMonthDay
            | B::GDay
            | B::Base64Binary
            | B::HexBinary => B::AnySimpleType,
            B::NormalizedString => B::String,
            B::Token => B::NormalizedString,
            B::Language | B::Name | B::NmToken => B::Token,
            B::NcName => B::Name,
            B::Id | B::IdRef => B::NcName,
            B::Integer => B::Decimal,
            B::NonPositiveInteger | B::Long | B::NonNegativeInteger => B::Integer,
            B::NegativeInteger => B::NonPositiveInteger,
            B::Int => B::Long,
            B::Short => B::Int,
            B::Byte => B::Short,
            B::UnsignedLong | B::PositiveInteger => B::NonNegativeInteger,
            B::UnsignedInt => B::UnsignedLong,
            B::UnsignedShort => B::UnsignedInt,
            B::UnsignedByte => B::UnsignedShort,
        })
    }
}

/// The XSD 1.0 built-in types outside the supported subset (with `anyType`): an `xsi:type`
/// naming one is reported as such, not as an unknown name.
pub(crate) const UNSUPPORTED_BUILTINS: &[&str] =
    &["anyType", "float", "double", "duration", "QName", "NOTATION", "NMTOKENS", "IDREFS", "ENTITY", "ENTITIES"];

/// `xs:whiteSpace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WhiteSpace {
    /// Keep the text as is.
    Preserve,
    /// Tab, line feed and carriage return become spaces.
    Replace,
    /// Replace, then squeeze runs of spaces and trim.
    Collapse,
}

/// A simple type: a built-in base plus the facets of every derivation step (all of which a
/// value must satisfy, so they are kept as one conjunctive list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleType {
    /// Name id, for named types (and built-ins).
    pub name: Option<u32>,
    /// The type this one restricts (for a built-in, the built-in it is derived from);
    /// `None` for `xs:anySimpleType`.
    pub base: Option<u32>,
    /// The built-in ancestor.
    pub builtin: Builtin,
    /// Effective whitespace handling.
    pub whitespace: WhiteSpace,
    /// Window into [`Schema::facets`].
    pub facets: Slice,
}

/// A constraining facet. Bounds and members are indexes into [`Schema::strings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the variants are the XSD facet names
pub enum Facet {
    Length(u64),
    MinLength(u64),
    MaxLength(u64),
    MinInclusive(u32),
    MaxInclusive(u32),
    MinExclusive(u32),
    MaxExclusive(u32),
    TotalDigits(u32),
    FractionDigits(u32),
    /// One derivation step's enumeration: the value must equal one member
    /// (window into [`Schema::strings`]).
    Enumeration(Slice),
    /// One derivation step's patterns: the value must match one of them
    /// (window into [`Schema::patterns`]).
    Pattern(Slice),
}

/// An XSD pattern and its Rust `regex` translation, compiled on first use so that loading a
/// schema with hundreds of patterns costs nothing until a value needs one.
#[derive(Debug)]
pub struct Pattern {
    /// The pattern as written in the XSD.
    pub xsd: Cow<'static, str>,
    /// The anchored Rust `regex` translation.
    pub regex: Cow<'static, str>,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// A pattern from static text (generated code).
    pub const fn new(xsd: &'static str, regex: &'static str) -> Self {
        Pattern { xsd: Cow::Borrowed(xsd), regex: Cow::Borrowed(regex), compiled: OnceLock::new() }
    }

    pub(crate) fn owned(xsd: String, regex: String) -> Self {
        Pattern { xsd: Cow::Owned(xsd), regex: Cow::Owned(regex), compiled: OnceLock::new() }
    }

    /// The compiled regex; `None` only if the translation does not compile, which the
    /// compiler rules out when it builds the pattern.
    pub(crate) fn compiled(&self) -> Option<&regex::Regex> {
        self.compiled
            .get_or_init(|| {
                // The limit the compiler checked the pattern against.
                crate::pattern::build(&self.regex).ok()
            })
            .as_ref()
    }
}

impl Clone for Pattern {
    fn clone(&self) -> Self {
        Pattern { xsd: self.xsd.clone(), regex: self.regex.clone(), compiled: OnceLock::new() }
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.xsd == other.xsd && self.regex == other.regex
    }
}

/// One automaton state: the particle it stands for, with its occurrence bounds. Repeats of
/// the same particle are counted in place (up to `max`) rather than unrolled into states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    /// What this state matched.
    pub term: Term,
    /// `minOccurs` of the particle.
    pub min: u32,
    /// `maxOccurs` of the particle ([`UNBOUNDED`] for unbounded).
    pub max: u32,
    /// The content may end here (once `min` is reached).
    pub accepting: bool,
    /// Window into [`Schema::edges`]: the states that may follow.
    pub edges: Slice,
}

/// What an automaton state matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// The start state of a content model.
    Start,
    /// An element declaration id.
    Element(u32),
    /// A wildcard id.
    Wildcard(u32),
}

/// `xs:any`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wildcard {
    /// Which namespaces match.
    pub namespace: WildcardNs,
    /// `processContents`.
    pub process: Process,
}

/// The namespace constraint of a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WildcardNs {
    /// `##any`.
    Any,
    /// `##other`: any namespace except this namespace id and "no namespace".
    Other(u32),
}

/// `processContents` of a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    /// Validate; the element must be declared globally.
    Strict,
    /// Validate if declared globally, else accept (its children laxly).
    Lax,
    /// Accept anything.
    Skip,
}

impl Schema {
    /// Namespace id of `uri`.
    pub(crate) fn ns_id(&self, uri: &str) -> Option<u32> {
        let i = self.namespaces.binary_search_by(|n| n.as_ref().cmp(uri)).ok()?;
        u32::try_from(i).ok()
    }

    /// Name id of (`ns`, `local`).
    pub(crate) fn name_id(&self, ns: Option<u32>, local: &str) -> Option<u32> {
        let ns = ns?;
        let i = self.names.binary_search_by(|n| n.ns.cmp(&ns).then_with(|| n.local.as_ref().cmp(local))).ok()?;
        u32::try_from(i).ok()
    }

    /// True when name id `id` is (`ns`, `local`).
    pub(crate) fn is_name(&self, id: u32, ns: Option<u32>, local: &str) -> bool {
        usize::try_from(id).ok().and_then(|i| self.names.get(i)).is_some_and(|q| Some(q.ns) == ns && q.local == local)
    }

    /// Global element declaration for a name id.
    pub(crate) fn global(&self, name: u32) -> Option<u32> {
        let i = self.globals.binary_search_by(|&e| self.element(e).map_or(u32::MAX, |d| d.name).cmp(&name)).ok()?;
        self.globals.get(i).copied()
    }

    pub(crate) fn element(&self, id: u32) -> Option<&ElementDecl> {
        self.elements.get(usize::try_from(id).ok()?)
    }

    pub(crate) fn complex(&self, id: u32) -> Option<&ComplexType> {
        self.complex_types.get(usize::try_from(id).ok()?)
    }

    pub(crate) fn simple(&self, id: u32) -> Option<&SimpleType> {
        self.simple_types.get(usize::try_from(id).ok()?)
    }

    pub(crate) fn state(&self, id: u32) -> Option<&State> {
        self.states.get(usize::try_from(id).ok()?)
    }

    pub(crate) fn string(&self, id: u32) -> &str {
        usize::try_from(id).ok().and_then(|i| self.strings.get(i)).map_or("", |s| s.as_ref())
    }

    pub(crate) fn wildcard(&self, id: u32) -> Option<&Wildcard> {
        self.wildcards.get(usize::try_from(id).ok()?)
    }

    /// The named type (simple, complex or built-in) with name id `name`.
    pub(crate) fn named_type(&self, name: u32) -> Option<TypeRef> {
        let i = self.types.binary_search_by(|&t| self.type_name(t).unwrap_or(u32::MAX).cmp(&name)).ok()?;
        self.types.get(i).copied()
    }

    /// The name id of a type, if it is named.
    pub(crate) fn type_name(&self, ty: TypeRef) -> Option<u32> {
        match ty {
            TypeRef::Simple(s) => self.simple(s)?.name,
            TypeRef::Complex(c) => self.complex(c)?.name,
        }
    }

    /// The type `ty` is derived from (one step), if any.
    pub(crate) fn base_of(&self, ty: TypeRef) -> Option<TypeRef> {
        match ty {
            TypeRef::Simple(s) => self.simple(s)?.base.map(TypeRef::Simple),
            TypeRef::Complex(c) => self.complex(c)?.base,
        }
    }

    /// True when `derived` is `base` or is reached from it by following base types: XSD 1.0
    /// Part 1 §3.4.6 Type Derivation OK (Complex) and §3.14.6 (Simple) with an empty set of
    /// blocked derivations (the subset compiles no `block`), for the derivations the subset
    /// has (extension of complex types, restriction of simple ones).
    pub(crate) fn derives(&self, derived: TypeRef, base: TypeRef) -> bool {
        // Every chain the compiler builds is shorter than the tables; a hand-made cycle ends here.
        let steps = self.complex_types.len().saturating_add(self.simple_types.len());
        let mut ty = Some(derived);
        for _ in 0..=steps {
            match ty {
                Some(t) if t == base => return true,
                Some(t) => ty = self.base_of(t),
                None => return false,
            }
        }
        false
    }

    /// True when `ty` is an abstract complex type.
    pub(crate) fn is_abstract(&self, ty: TypeRef) -> bool {
        match ty {
            TypeRef::Complex(c) => self.complex(c).is_some_and(|c| c.is_abstract),
            TypeRef::Simple(_) => false,
        }
    }

    /// (namespace URI, local name) of a name id.
    pub(crate) fn name(&self, id: u32) -> (&str, &str) {
        let Some(q) = usize::try_from(id).ok().and_then(|i| self.names.get(i)) else {
            return ("", "");
        };
        let ns = usize::try_from(q.ns).ok().and_then(|i| self.namespaces.get(i)).map_or("", |s| s.as_ref());
        (ns, q.local.as_ref())
    }
}
