//! XSD text → [`Schema`]: load the documents through the caller's resolver, compile every
//! top-level component, build one automaton per content model, then intern and sort names.
//!
//! Anything outside the supported subset is a [`CompileError`] naming the construct and its
//! line:column; nothing is skipped silently.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

use roxmltree::{Document, Node, NodeId};

use crate::error::{CompileError, CompileErrorKind, Location};
use crate::model::{
    AttributeUse, Builtin, ComplexType, Content, ElementDecl, Facet, Pattern, Process, QName, Schema, SimpleType,
    Slice, State, Term, TypeRef, UNBOUNDED, WhiteSpace, Wildcard, WildcardNs,
};
use crate::value;

const XS: &str = "http://www.w3.org/2001/XMLSchema";

/// Largest `maxOccurs` on a `sequence`/`choice` that is unrolled into states. Element
/// particles are counted in place and have no such limit; DUIS uses at most 5 here.
const MAX_UNROLL: u32 = 64;
/// Bounds on what one compilation reads and builds, far above what DUIS needs (3 schema
/// documents, derivation chains a few types long, a few dozen patterns): a hostile schema is
/// refused with a clear error instead of taking minutes and gigabytes.
const MAX_DOCUMENTS: usize = 64;
const MAX_DERIVATION: usize = 256;
/// DUIS 5.4 with the MMC and xmldsig schemas has 9, none over
/// [`crate::pattern::SMALL_SIZE_LIMIT`] compiled: 200 of those take at most 50 MB.
const MAX_PATTERNS: usize = 200;
/// Patterns between [`crate::pattern::SMALL_SIZE_LIMIT`] and [`crate::pattern::SIZE_LIMIT`]
/// compiled: each costs tens of milliseconds to check and megabytes once used.
const MAX_LARGE_PATTERNS: usize = 8;

/// Compile a schema set.
///
/// `main` is the schema location of the top document; `resolve` returns the text of a
/// schema location (first `main`, then every `xs:import schemaLocation`: an absolute one as
/// written, a relative one joined to the importing document's own location, `.` and `..`
/// resolved, so that `sub/b.xsd` importing `c.xsd` asks for `sub/c.xsd`). The crate does no
/// I/O.
pub fn compile(main: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Result<Schema, CompileError> {
    // Load every document first, so that the parsed trees can borrow from one owner.
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut queue = vec![(main.to_owned(), Location::default())];
    let mut seen = HashSet::new();
    while let Some((loc, from)) = queue.pop() {
        if !seen.insert(loc.clone()) {
            continue;
        }
        if seen.len() > MAX_DOCUMENTS {
            let kind = CompileErrorKind::Unsupported(format!("more than {MAX_DOCUMENTS} schema documents"));
            return Err(CompileError { kind, location: from });
        }
        let Some(text) = resolve(&loc) else {
            return Err(CompileError { kind: CompileErrorKind::Unresolved(loc), location: from });
        };
        let doc = parse(&loc, &text)?;
        for child in doc.root_element().children().filter(Node::is_element) {
            if is_xs(child, "import")
                && let Some(sl) = child.attribute("schemaLocation")
            {
                queue.push((resolve_location(&loc, sl), location(&loc, &doc, child)));
            }
        }
        texts.push((loc, text));
    }
    let docs = texts
        .iter()
        .map(|(loc, text)| {
            let doc = parse(loc, text)?;
            let root = doc.root_element();
            if !is_xs(root, "schema") {
                return Err(err_at(loc, &doc, root, CompileErrorKind::Invalid("root element is not xs:schema".into())));
            }
            let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
            let invalid = |why: String| err_at(loc, &doc, root, CompileErrorKind::Invalid(why));
            let qualified = form(root, "elementFormDefault").map_err(invalid)?.unwrap_or(false);
            let attr_qualified = form(root, "attributeFormDefault").map_err(invalid)?.unwrap_or(false);
            Ok(Doc { loc: loc.as_str(), tns, qualified, attr_qualified, doc })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = docs.first() else {
        return Err(CompileError {
            kind: CompileErrorKind::Unresolved(main.to_owned()),
            location: Location::default(),
        });
    };
    let mut b = Builder::new(&docs, first);
    for (d, doc) in docs.iter().enumerate() {
        b.no_block(d, doc.doc.root_element(), "blockDefault")?;
    }
    b.index()?;
    b.compile_all()?;
    // Every supported built-in, used or not: an `xsi:type` may name any of them.
    for &(_, builtin) in crate::model::BUILTINS {
        b.builtin_type(builtin);
    }
    b.finish()
}

/// An attribute of type `xs:boolean` (`true`, `false`, `1`, `0`, white space collapsed):
/// `Ok(None)` when absent, `Err` with the value when it is none of those.
fn boolean(node: Node<'_, '_>, name: &str) -> Result<Option<bool>, String> {
    match node.attribute(name).map(|v| v.trim_matches(XML_SPACE)) {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(other) => Err(format!("{name}={other:?} is not an xs:boolean")),
    }
}

/// A `form`, `elementFormDefault` or `attributeFormDefault` value (white space collapsed):
/// true for `qualified`.
fn form(node: Node<'_, '_>, name: &str) -> Result<Option<bool>, String> {
    match node.attribute(name).map(|v| v.trim_matches(XML_SPACE)) {
        None => Ok(None),
        Some("qualified") => Ok(Some(true)),
        Some("unqualified") => Ok(Some(false)),
        Some(other) => Err(format!("bad {name} {other:?}")),
    }
}

/// XML white space, which the XSD attributes' types collapse.
const XML_SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// `location` as written in an `xs:import` of the document at `base`: an absolute path or a
/// URI as it is; a relative one joined to `base`'s folder, with `.` and `..` segments
/// resolved (RFC 3986 §5.2), so that one document reached under two spellings is read once.
fn resolve_location(base: &str, location: &str) -> String {
    if location.starts_with('/') || location.contains("://") {
        return location.to_owned();
    }
    let folder = base.rfind('/').map_or("", |at| base.get(..=at).unwrap_or_default());
    let joined = format!("{folder}{location}");
    let absolute = joined.starts_with('/');
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|last| *last != "..") => {
                segments.pop();
            }
            ".." if absolute => {}
            other => segments.push(other),
        }
    }
    let path = segments.join("/");
    if absolute { format!("/{path}") } else { path }
}

/// The most text a schema document's general entities may expand into.
const MAX_ENTITY_EXPANSION: usize = 1 << 20;

/// Refuses a DOCTYPE whose general entities would expand beyond [`MAX_ENTITY_EXPANSION`]
/// bytes, or nest (an entity's value referring to another, the billion-laughs shape):
/// xmldsig-core-schema.xsd declares one short entity, a hostile schema a 100 KB one used
/// thousands of times.
fn check_entities(loc: &str, text: &str) -> Result<(), CompileError> {
    let refuse = |what: String| CompileError {
        kind: CompileErrorKind::Unsupported(what),
        location: Location { schema: loc.to_owned(), line: 1, column: 1 },
    };
    // The general entities declared, by name, with their values' lengths.
    let mut lengths: HashMap<&str, usize> = HashMap::new();
    for declaration in text.split("<!ENTITY").skip(1) {
        let rest = declaration.trim_start();
        if rest.starts_with('%') {
            continue;
        }
        let name_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let name = rest.get(..name_len).unwrap_or_default();
        let body = rest.get(name_len..).unwrap_or_default().trim_start();
        let Some(quote) = body.chars().next().filter(|c| matches!(c, '\'' | '"')) else { continue };
        let value = body.get(1..).and_then(|v| v.split(quote).next()).unwrap_or_default();
        if value.contains('&') {
            return Err(refuse(format!("entity {name:?} refers to another entity in its value")));
        }
        lengths.insert(name, value.len());
    }
    if lengths.is_empty() {
        return Ok(());
    }
    // One pass over the references: each `&name;` of a declared entity adds its length.
    let mut expansion = 0usize;
    for after in text.split('&').skip(1) {
        let Some(name) = after.split_once(';').map(|(name, _)| name) else { continue };
        if let Some(&length) = lengths.get(name) {
            expansion = expansion.saturating_add(length);
            if expansion > MAX_ENTITY_EXPANSION {
                return Err(refuse(format!("entities expanding into more than {MAX_ENTITY_EXPANSION} bytes")));
            }
        }
    }
    Ok(())
}

fn parse<'t>(loc: &str, text: &'t str) -> Result<Document<'t>, CompileError> {
    check_entities(loc, text)?;
    // xmldsig-core-schema.xsd carries an internal DTD subset (entity declarations only);
    // roxmltree reads it and never fetches the external DTD it names. Schema documents are
    // trusted input chosen by the operator, unlike messages, which refuse any DTD.
    let opts = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let doc = Document::parse_with_options(text, opts).map_err(|e| {
        // roxmltree has no position for a document cut short: it ends where the text does.
        let pos = match e {
            roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode => text_end(text),
            _ => e.pos(),
        };
        CompileError {
            kind: CompileErrorKind::Xml(e.to_string()),
            location: Location { schema: loc.to_owned(), line: pos.row, column: pos.col },
        }
    })?;
    // The compiler walks nested types, groups and particles recursively: a bound on nesting,
    // checked here without recursion, keeps that walk's stack small whatever the input.
    // Nodes come in document order, each after its parent: one depth per node, by id.
    let mut depths: Vec<usize> = Vec::new();
    for node in doc.descendants() {
        let index = |n: Node<'_, '_>| usize::try_from(n.id().get()).unwrap_or(usize::MAX);
        // The document node is depth 0, the root element 1.
        let depth = node.parent().map_or(0, |p| depths.get(index(p)).copied().unwrap_or(0).saturating_add(1));
        if node.is_element() && depth > MAX_NESTING {
            let what = format!("schema elements nested more than {MAX_NESTING} deep");
            return Err(err_at(loc, &doc, node, CompileErrorKind::Unsupported(what)));
        }
        let at = index(node);
        if depths.len() <= at {
            depths.resize(at.saturating_add(1), 0);
        }
        if let Some(slot) = depths.get_mut(at) {
            *slot = depth;
        }
    }
    Ok(doc)
}

/// Deepest element nesting in a schema document: the DUIS 5.4, MMC and xmldsig schemas nest
/// at most 13 deep.
const MAX_NESTING: usize = 128;

/// A pattern quoted in an error: its first 200 characters, and how many there were in all.
fn cut(pattern: &str) -> String {
    match pattern.char_indices().nth(200) {
        Some((at, _)) => format!("{}… ({} characters)", pattern.get(..at).unwrap_or_default(), pattern.chars().count()),
        None => pattern.to_owned(),
    }
}

/// The line and column just past the last character of `text` (lines end at LF).
fn text_end(text: &str) -> roxmltree::TextPos {
    let line = text.matches('\n').count().saturating_add(1);
    let last = text.rsplit('\n').next().unwrap_or_default();
    let column = last.chars().count().saturating_add(1);
    roxmltree::TextPos::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
}

fn location(loc: &str, doc: &Document<'_>, node: Node<'_, '_>) -> Location {
    let pos = doc.text_pos_at(node.range().start);
    Location { schema: loc.to_owned(), line: pos.row, column: pos.col }
}

fn err_at(loc: &str, doc: &Document<'_>, node: Node<'_, '_>, kind: CompileErrorKind) -> CompileError {
    CompileError { kind, location: location(loc, doc, node) }
}

fn is_xs(node: Node<'_, '_>, local: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(XS) && node.tag_name().name() == local
}

/// Element children, minus annotations (documentation only).
fn children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(|c| c.is_element() && !is_xs(*c, "annotation"))
}

struct Doc<'t> {
    loc: &'t str,
    tns: String,
    qualified: bool,
    attr_qualified: bool,
    doc: Document<'t>,
}

type Key = (String, String);

/// A particle before automaton construction.
#[derive(Debug, Clone)]
enum Particle {
    Leaf { term: Term, min: u32, max: u32 },
    Seq(Vec<Particle>),
    Choice(Vec<Particle>),
    Repeat { inner: Box<Particle>, min: u32, max: u32 },
}

impl Particle {
    /// The nodes of the tree (a loop over a work list: particles nest as deep as the schema's
    /// elements, which [`MAX_NESTING`] bounds, but extensions nest `Seq`s further).
    fn size(&self) -> usize {
        let mut count = 0usize;
        let mut work = vec![self];
        while let Some(p) = work.pop() {
            count = count.saturating_add(1);
            match p {
                Particle::Leaf { .. } => {}
                Particle::Seq(items) | Particle::Choice(items) => work.extend(items),
                Particle::Repeat { inner, .. } => work.push(inner),
            }
        }
        count
    }
}

#[derive(Clone)]
enum FacetB {
    Plain(Facet),
    Bound(fn(u32) -> Facet, String),
    Enumeration(Vec<String>),
    Pattern(Vec<(String, String)>),
}

/// Facets of one type (its own and its bases') that XSD 1.0 Part 2 forbids together: a
/// minimum length above the maximum or two lengths (§4.3.1-4.3.3), fractionDigits above
/// totalDigits (§4.3.12), and bounds out of order (§4.3.7-4.3.10: minInclusive > maxInclusive,
/// minExclusive > maxExclusive, minInclusive >= maxExclusive, minExclusive >= maxInclusive).
fn contradiction(facets: &[FacetB]) -> Option<String> {
    let mut length: Option<u64> = None;
    let (mut min_len, mut max_len) = (None::<u64>, None::<u64>);
    let (mut total, mut fraction) = (None::<u32>, None::<u32>);
    // The tightest of each bound kind, with its text.
    let mut bounds: [Option<(value::Decimal<'_>, &str)>; 4] = [None; 4];
    for facet in facets {
        match facet {
            FacetB::Plain(Facet::Length(n)) => {
                if length.is_some_and(|l| l != *n) {
                    return Some(format!("two xs:length facets, {} and {n}", length.unwrap_or_default()));
                }
                length = Some(*n);
            }
            FacetB::Plain(Facet::MinLength(n)) => min_len = Some(min_len.map_or(*n, |m| m.max(*n))),
            FacetB::Plain(Facet::MaxLength(n)) => max_len = Some(max_len.map_or(*n, |m| m.min(*n))),
            FacetB::Plain(Facet::TotalDigits(n)) => total = Some(total.map_or(*n, |m| m.min(*n))),
            FacetB::Plain(Facet::FractionDigits(n)) => fraction = Some(fraction.map_or(*n, |m| m.min(*n))),
            FacetB::Bound(make, text) => {
                let (slot, lower) = match make(0) {
                    Facet::MinInclusive(_) => (0, true),
                    Facet::MinExclusive(_) => (1, true),
                    Facet::MaxInclusive(_) => (2, false),
                    _ => (3, false),
                };
                let Some(v) = value::Decimal::parse(text, false) else { continue };
                if let Some(place) = bounds.get_mut(slot) {
                    let tighter = place.is_none_or(|(old, _)| if lower { v > old } else { v < old });
                    if tighter {
                        *place = Some((v, text.as_str()));
                    }
                }
            }
            _ => {}
        }
    }
    let min = min_len.into_iter().chain(length).max();
    let max = max_len.into_iter().chain(length).min();
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Some(format!("a minimum length of {min} above the maximum {max}: no value fits"));
    }
    if let (Some(total), Some(fraction)) = (total, fraction)
        && fraction > total
    {
        return Some(format!("xs:fractionDigits {fraction} above xs:totalDigits {total}"));
    }
    let [min_in, min_ex, max_in, max_ex] = bounds;
    let pairs = [
        (min_in, max_in, "xs:minInclusive", "xs:maxInclusive", false),
        (min_ex, max_ex, "xs:minExclusive", "xs:maxExclusive", false),
        (min_in, max_ex, "xs:minInclusive", "xs:maxExclusive", true),
        (min_ex, max_in, "xs:minExclusive", "xs:maxInclusive", true),
    ];
    for (low, high, low_name, high_name, strict) in pairs {
        if let (Some((low, low_text)), Some((high, high_text))) = (low, high)
            && (low > high || (strict && low == high))
        {
            return Some(format!("{low_name} {low_text} is not below {high_name} {high_text}"));
        }
    }
    None
}

#[derive(Clone)]
struct SimpleB {
    name: Option<u32>,
    /// The simple type this one restricts (for a built-in, its built-in base).
    base: Option<u32>,
    /// How many restrictions lead to this type from its built-in (each copies its base's
    /// facets, so a chain thousands long would be quadratic in memory).
    derivation: usize,
    builtin: Builtin,
    whitespace: WhiteSpace,
    facets: Vec<FacetB>,
}

struct ComplexB {
    name: Option<u32>,
    is_abstract: bool,
    /// Where the type is defined, for errors found only when its automaton is built.
    location: Location,
    /// `None` while the type is being compiled.
    done: Option<ComplexDone>,
}

#[derive(Clone)]
struct ComplexDone {
    /// How many derivation steps lead to this type (0 for one derived from no type).
    derivation: usize,
    /// The type this one extends, if any.
    base: Option<TypeRef>,
    simple: Option<u32>,
    particle: Option<Particle>,
    mixed: bool,
    attributes: Vec<AttributeUse>,
}

struct StateB {
    term: Term,
    min: u32,
    max: u32,
    accepting: bool,
    follow: Vec<u32>,
    /// The schema particle this position copies (its address): a repeated group makes several
    /// positions of one particle.
    origin: usize,
}

/// A Glushkov fragment: positions that can start and end it, and whether it can be empty.
struct Frag {
    first: Vec<u32>,
    last: Vec<u32>,
    nullable: bool,
}

struct WildB {
    other: Option<String>,
    process: Process,
}

struct Builder<'d, 't> {
    docs: &'d [Doc<'t>],
    first: &'d Doc<'t>,
    simple_index: HashMap<Key, (usize, NodeId)>,
    complex_index: HashMap<Key, (usize, NodeId)>,
    element_index: HashMap<Key, (usize, NodeId)>,
    names: Vec<Key>,
    name_ids: HashMap<Key, u32>,
    elements: Vec<ElementDecl>,
    globals: HashMap<Key, u32>,
    simples: Vec<SimpleB>,
    simple_memo: HashMap<Key, u32>,
    simple_busy: HashSet<Key>,
    /// Named simple and complex types being compiled, one inside another (their derivation
    /// depth).
    simple_depth: usize,
    complex_depth: usize,
    /// Pattern facets compiled so far.
    patterns: usize,
    /// Of those, patterns over [`crate::pattern::SMALL_SIZE_LIMIT`] compiled.
    large_patterns: usize,
    /// Particles of the complex types finished so far (see [`MAX_TOTAL_PARTICLES`]).
    particles: usize,
    builtin_memo: HashMap<Builtin, u32>,
    complexes: Vec<ComplexB>,
    complex_memo: HashMap<Key, u32>,
    strings: Vec<String>,
    wildcards: Vec<WildB>,
}

impl<'d, 't> Builder<'d, 't> {
    fn new(docs: &'d [Doc<'t>], first: &'d Doc<'t>) -> Self {
        Builder {
            docs,
            first,
            simple_index: HashMap::new(),
            complex_index: HashMap::new(),
            element_index: HashMap::new(),
            names: Vec::new(),
            name_ids: HashMap::new(),
            elements: Vec::new(),
            globals: HashMap::new(),
            simples: Vec::new(),
            simple_memo: HashMap::new(),
            simple_busy: HashSet::new(),
            simple_depth: 0,
            complex_depth: 0,
            patterns: 0,
            large_patterns: 0,
            particles: 0,
            builtin_memo: HashMap::new(),
            complexes: Vec::new(),
            complex_memo: HashMap::new(),
            strings: Vec::new(),
            wildcards: Vec::new(),
        }
    }

    fn doc(&self, d: usize) -> &'d Doc<'t> {
        // `d` always comes from enumerating `docs`, so the fallback is never taken.
        self.docs.get(d).unwrap_or(self.first)
    }

    fn err(&self, d: usize, node: Node<'_, '_>, kind: CompileErrorKind) -> CompileError {
        let doc = self.doc(d);
        err_at(doc.loc, &doc.doc, node, kind)
    }

    fn unsupported(&self, d: usize, node: Node<'_, '_>, what: &str) -> CompileError {
        self.err(d, node, CompileErrorKind::Unsupported(what.to_owned()))
    }

    fn invalid(&self, d: usize, node: Node<'_, '_>, what: String) -> CompileError {
        self.err(d, node, CompileErrorKind::Invalid(what))
    }

    fn node(&self, d: usize, id: NodeId) -> Node<'d, 't> {
        let doc = self.doc(d);
        doc.doc.get_node(id).unwrap_or_else(|| doc.doc.root_element())
    }

    fn intern(&mut self, ns: &str, local: &str) -> u32 {
        let key = (ns.to_owned(), local.to_owned());
        if let Some(&id) = self.name_ids.get(&key) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(key.clone());
        self.name_ids.insert(key, id);
        id
    }

    /// Index the top-level components of every document and reject unsupported ones.
    fn index(&mut self) -> Result<(), CompileError> {
        for (d, doc) in self.docs.iter().enumerate() {
            for child in children(doc.doc.root_element()) {
                if child.tag_name().namespace() != Some(XS) {
                    return Err(self.unsupported(d, child, "non-XSD element at top level"));
                }
                let kind = child.tag_name().name();
                let index = match kind {
                    "import" => {
                        if child.attribute("schemaLocation").is_none() {
                            return Err(self.unsupported(d, child, "xs:import without schemaLocation"));
                        }
                        continue;
                    }
                    "simpleType" => &mut self.simple_index,
                    "complexType" => &mut self.complex_index,
                    "element" => &mut self.element_index,
                    other => return Err(self.unsupported(d, child, &format!("xs:{other}"))),
                };
                let Some(name) = child.attribute("name") else {
                    return Err(self.invalid(d, child, format!("top-level xs:{kind} without a name")));
                };
                let key = (doc.tns.clone(), name.to_owned());
                if index.insert(key.clone(), (d, child.id())).is_some() {
                    return Err(self.invalid(d, child, format!("duplicate xs:{kind} {name:?}")));
                }
                // Simple and complex types share one symbol space (XSD 1.0 Part 1 §2.5), the
                // built-ins included: an `xsi:type` names one type.
                let other_kind = match kind {
                    "simpleType" => self.complex_index.contains_key(&key),
                    "complexType" => self.simple_index.contains_key(&key),
                    _ => false,
                };
                let built_in =
                    key.0 == XS && (builtin(name).is_some() || crate::model::UNSUPPORTED_BUILTINS.contains(&name));
                if kind != "element" && (other_kind || built_in) {
                    return Err(self.invalid(d, child, format!("two type definitions named {name:?}")));
                }
            }
        }
        Ok(())
    }

    /// Compile every top-level component in document order (deterministic output).
    fn compile_all(&mut self) -> Result<(), CompileError> {
        for (d, doc) in self.docs.iter().enumerate() {
            for child in children(doc.doc.root_element()) {
                let Some(name) = child.attribute("name") else {
                    continue;
                };
                let key = (doc.tns.clone(), name.to_owned());
                match child.tag_name().name() {
                    "simpleType" => {
                        self.named_simple(d, child, &key)?;
                    }
                    "complexType" => {
                        self.named_complex(d, child, &key)?;
                    }
                    "element" => {
                        self.global_element(d, child, &key)?;
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Resolve a QName-valued attribute against the namespaces in scope at `node`.
    fn qname(&self, d: usize, node: Node<'_, '_>, value: &str) -> Result<Key, CompileError> {
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, value),
        };
        let ns = node.lookup_namespace_uri(prefix);
        match (ns, prefix) {
            (Some(ns), _) => Ok((ns.to_owned(), local.to_owned())),
            (None, None) => Ok((String::new(), local.to_owned())),
            (None, Some(p)) => Err(self.invalid(d, node, format!("undeclared prefix {p:?} in {value:?}"))),
        }
    }

    /// `block` (or `blockDefault`) names derivations an `xsi:type` may not use (XSD 1.0 Part 1
    /// §3.3.4 cvc-elt.4.3): outside the subset, so refused rather than ignored, which would
    /// accept a type the schema blocks. An empty list blocks nothing. (`final` only limits
    /// what the schema itself may derive, and is not checked.)
    fn no_block(&self, d: usize, node: Node<'_, '_>, attr: &str) -> Result<(), CompileError> {
        match node.attribute(attr) {
            Some(v) if !v.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')).is_empty() => {
                let what = format!("xs:{} {attr}={v:?}", node.tag_name().name());
                Err(self.unsupported(d, node, &what))
            }
            _ => Ok(()),
        }
    }

    fn occurs(&self, d: usize, node: Node<'_, '_>) -> Result<(u32, u32), CompileError> {
        let parse = |attr: &str, default: u32| -> Result<u32, CompileError> {
            match node.attribute(attr) {
                None => Ok(default),
                Some("unbounded") if attr == "maxOccurs" => Ok(UNBOUNDED),
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n != UNBOUNDED)
                    .ok_or_else(|| self.invalid(d, node, format!("bad {attr} {v:?}"))),
            }
        };
        let min = parse("minOccurs", 1)?;
        let max = parse("maxOccurs", 1)?;
        if max < min {
            return Err(self.invalid(d, node, "maxOccurs < minOccurs".into()));
        }
        Ok((min, max))
    }

    // ----- simple types -------------------------------------------------------------------

    fn builtin_type(&mut self, b: Builtin) -> u32 {
        if let Some(&id) = self.builtin_memo.get(&b) {
            return id;
        }
        // Its base first, so that an `xsi:type` naming a built-in finds the whole chain (the
        // chains are at most six long, so this recursion is shallow).
        let base = b.base().map(|base| self.builtin_type(base));
        let name = self.intern(XS, b.xsd_name());
        let id = push_id(
            &mut self.simples,
            SimpleB {
                name: Some(name),
                base,
                derivation: 0,
                builtin: b,
                whitespace: value::builtin_whitespace(b),
                facets: Vec::new(),
            },
        );
        self.builtin_memo.insert(b, id);
        id
    }

    /// A simple type by name: an XSD built-in or a named simple type.
    fn simple_by_name(&mut self, d: usize, node: Node<'_, '_>, key: &Key) -> Result<Option<u32>, CompileError> {
        if key.0 == XS {
            return match builtin(&key.1) {
                Some(b) => Ok(Some(self.builtin_type(b))),
                None if key.1 == "anyType" => Err(self.unsupported(d, node, "xs:anyType")),
                None => Err(self.unsupported(d, node, &format!("built-in type xs:{}", key.1))),
            };
        }
        match self.simple_index.get(key).copied() {
            Some((sd, id)) => {
                let n = self.node(sd, id);
                Ok(Some(self.named_simple(sd, n, key)?))
            }
            None => Ok(None),
        }
    }

    fn named_simple(&mut self, d: usize, node: Node<'_, '_>, key: &Key) -> Result<u32, CompileError> {
        if let Some(&id) = self.simple_memo.get(key) {
            return Ok(id);
        }
        if !self.simple_busy.insert(key.clone()) {
            return Err(self.err(d, node, CompileErrorKind::Circular(format!("{{{}}}{}", key.0, key.1))));
        }
        if self.simple_depth >= MAX_DERIVATION {
            return Err(self.unsupported(d, node, &format!("a chain of more than {MAX_DERIVATION} type derivations")));
        }
        let name = self.intern(&key.0, &key.1);
        self.simple_depth += 1;
        let compiled = self.simple_type(d, node, Some(name));
        self.simple_depth -= 1;
        let id = compiled?;
        self.simple_memo.insert(key.clone(), id);
        Ok(id)
    }

    /// Compile an `xs:simpleType` node.
    fn simple_type(&mut self, d: usize, node: Node<'_, '_>, name: Option<u32>) -> Result<u32, CompileError> {
        let mut kids = children(node);
        let Some(r) = kids.next() else {
            return Err(self.invalid(d, node, "empty xs:simpleType".into()));
        };
        if kids.next().is_some() {
            return Err(self.invalid(d, node, "xs:simpleType with several children".into()));
        }
        if !is_xs(r, "restriction") {
            let what = format!("xs:{}", r.tag_name().name());
            return Err(self.unsupported(d, r, &what));
        }
        let mut st = self.restriction_base(d, r)?;
        st.name = name;
        self.apply_facets(d, r, &mut st)?;
        Ok(push_id(&mut self.simples, st))
    }

    /// The base of a simple-type restriction (`base=` or an inline `xs:simpleType`).
    fn restriction_base(&mut self, d: usize, r: Node<'_, '_>) -> Result<SimpleB, CompileError> {
        let base_id = if let Some(base) = r.attribute("base") {
            let key = self.qname(d, r, base)?;
            match self.simple_by_name(d, r, &key)? {
                Some(id) => id,
                None => {
                    return Err(self.err(
                        d,
                        r,
                        CompileErrorKind::UnknownReference {
                            kind: "simple base type",
                            name: format!("{{{}}}{}", key.0, key.1),
                        },
                    ));
                }
            }
        } else if let Some(inline) = children(r).find(|c| is_xs(*c, "simpleType")) {
            self.simple_type(d, inline, None)?
        } else {
            return Err(self.invalid(d, r, "xs:restriction without a base".into()));
        };
        let mut st = self
            .simples
            .get(usize::try_from(base_id).unwrap_or(usize::MAX))
            .cloned()
            .ok_or_else(|| self.invalid(d, r, "internal: dangling base".into()))?;
        st.name = None;
        st.base = Some(base_id);
        st.derivation = st.derivation.saturating_add(1);
        if st.derivation > MAX_DERIVATION {
            return Err(self.unsupported(d, r, &format!("a chain of more than {MAX_DERIVATION} type derivations")));
        }
        Ok(st)
    }

    fn apply_facets(&mut self, d: usize, r: Node<'_, '_>, st: &mut SimpleB) -> Result<(), CompileError> {
        // Enumeration values are values of the base type (XSD 1.0 Part 2 §4.3.5.4): read with
        // its white-space rule, whatever xs:whiteSpace this restriction adds, in any order.
        let base_whitespace = st.whitespace;
        let mut enums = Vec::new();
        let mut pats = Vec::new();
        for f in children(r) {
            if is_xs(f, "simpleType") {
                continue;
            }
            if f.tag_name().namespace() != Some(XS) {
                return Err(self.unsupported(d, f, "non-XSD element in xs:restriction"));
            }
            let kind = f.tag_name().name();
            let Some(v) = f.attribute("value") else {
                return Err(self.invalid(d, f, format!("xs:{kind} without a value")));
            };
            let b = st.builtin;
            let length = |this: &Self| -> Result<u64, CompileError> {
                if !value::has_length(b) {
                    return Err(this.unsupported(d, f, &format!("xs:{kind} on {b:?}")));
                }
                v.trim().parse().map_err(|_| this.invalid(d, f, format!("bad xs:{kind} {v:?}")))
            };
            let digits = |this: &Self| -> Result<u32, CompileError> {
                if !value::is_numeric(b) {
                    return Err(this.unsupported(d, f, &format!("xs:{kind} on {b:?}")));
                }
                v.trim().parse().map_err(|_| this.invalid(d, f, format!("bad xs:{kind} {v:?}")))
            };
            let bound = |this: &Self, make: fn(u32) -> Facet| -> Result<FacetB, CompileError> {
                if !value::is_numeric(b) {
                    return Err(this.unsupported(d, f, &format!("xs:{kind} on {b:?}")));
                }
                let v = v.trim();
                if value::Decimal::parse(v, false).is_none() {
                    return Err(this.invalid(d, f, format!("bad xs:{kind} {v:?}")));
                }
                Ok(FacetB::Bound(make, v.to_owned()))
            };
            let facet = match kind {
                "enumeration" => {
                    enums.push(value::normalize(v, base_whitespace).into_owned());
                    continue;
                }
                "pattern" => {
                    self.patterns += 1;
                    if self.patterns > MAX_PATTERNS {
                        return Err(self.unsupported(d, f, &format!("more than {MAX_PATTERNS} pattern facets")));
                    }
                    let (rx, large) = crate::pattern::translate(v).map_err(|e| {
                        self.err(
                            d,
                            f,
                            CompileErrorKind::Pattern { pattern: cut(v), message: e.message, offset: e.offset },
                        )
                    })?;
                    if large {
                        self.large_patterns += 1;
                        if self.large_patterns > MAX_LARGE_PATTERNS {
                            let what = format!(
                                "more than {MAX_LARGE_PATTERNS} patterns compiling to over {} KiB",
                                crate::pattern::SMALL_SIZE_LIMIT / 1024
                            );
                            return Err(self.unsupported(d, f, &what));
                        }
                    }
                    pats.push((v.to_owned(), rx));
                    continue;
                }
                "whiteSpace" => {
                    let ws = match v.trim() {
                        "preserve" => WhiteSpace::Preserve,
                        "replace" => WhiteSpace::Replace,
                        "collapse" => WhiteSpace::Collapse,
                        _ => return Err(self.invalid(d, f, format!("bad xs:whiteSpace {v:?}"))),
                    };
                    if ws < st.whitespace {
                        return Err(self.invalid(d, f, "xs:whiteSpace weaker than the base type's".into()));
                    }
                    st.whitespace = ws;
                    continue;
                }
                "length" => FacetB::Plain(Facet::Length(length(self)?)),
                "minLength" => FacetB::Plain(Facet::MinLength(length(self)?)),
                "maxLength" => FacetB::Plain(Facet::MaxLength(length(self)?)),
                "totalDigits" => FacetB::Plain(Facet::TotalDigits(digits(self)?)),
                "fractionDigits" => FacetB::Plain(Facet::FractionDigits(digits(self)?)),
                "minInclusive" => bound(self, Facet::MinInclusive)?,
                "maxInclusive" => bound(self, Facet::MaxInclusive)?,
                "minExclusive" => bound(self, Facet::MinExclusive)?,
                "maxExclusive" => bound(self, Facet::MaxExclusive)?,
                other => return Err(self.unsupported(d, f, &format!("facet xs:{other}"))),
            };
            st.facets.push(facet);
        }
        if let Some(why) = contradiction(&st.facets) {
            return Err(self.invalid(d, r, why));
        }
        if !enums.is_empty() {
            st.facets.push(FacetB::Enumeration(enums));
        }
        if !pats.is_empty() {
            st.facets.push(FacetB::Pattern(pats));
        }
        Ok(())
    }

    // ----- elements -----------------------------------------------------------------------

    fn global_element(&mut self, d: usize, node: Node<'_, '_>, key: &Key) -> Result<u32, CompileError> {
        if let Some(&id) = self.globals.get(key) {
            return Ok(id);
        }
        // Reserve the id first: a type may contain a reference to its own element.
        let name = self.intern(&key.0, &key.1);
        let id = push_id(&mut self.elements, ElementDecl { name, ty: TypeRef::Simple(0), default: None, fixed: None });
        self.globals.insert(key.clone(), id);
        let decl = self.element_decl(d, node, name)?;
        if let Some(slot) = usize::try_from(id).ok().and_then(|i| self.elements.get_mut(i)) {
            *slot = decl;
        }
        Ok(id)
    }

    fn element_decl(&mut self, d: usize, node: Node<'_, '_>, name: u32) -> Result<ElementDecl, CompileError> {
        if let Some(v) = node.attribute("substitutionGroup") {
            return Err(self.unsupported(d, node, &format!("xs:element substitutionGroup={v:?}")));
        }
        self.no_block(d, node, "block")?;
        for attr in ["abstract", "nillable"] {
            if boolean(node, attr).map_err(|why| self.invalid(d, node, why))? == Some(true) {
                return Err(self.unsupported(d, node, &format!("xs:element {attr}=\"true\"")));
            }
        }
        let mut inline = None;
        for c in children(node) {
            if is_xs(c, "complexType") || is_xs(c, "simpleType") {
                if inline.is_some() {
                    return Err(self.invalid(d, c, "xs:element with two inline types".into()));
                }
                inline = Some(c);
            } else {
                let what = format!("xs:{} in xs:element", c.tag_name().name());
                return Err(self.unsupported(d, c, &what));
            }
        }
        let ty = match (node.attribute("type"), inline) {
            (Some(_), Some(c)) => {
                return Err(self.invalid(d, c, "xs:element with both type= and an inline type".into()));
            }
            (Some(t), None) => {
                let key = self.qname(d, node, t)?;
                if let Some(st) = self.simple_by_name(d, node, &key)? {
                    TypeRef::Simple(st)
                } else if let Some((cd, cid)) = self.complex_index.get(&key).copied() {
                    let n = self.node(cd, cid);
                    TypeRef::Complex(self.named_complex(cd, n, &key)?)
                } else {
                    return Err(self.err(
                        d,
                        node,
                        CompileErrorKind::UnknownReference { kind: "type", name: format!("{{{}}}{}", key.0, key.1) },
                    ));
                }
            }
            (None, Some(c)) if is_xs(c, "simpleType") => TypeRef::Simple(self.simple_type(d, c, None)?),
            (None, Some(c)) => TypeRef::Complex(self.complex_type(d, c, None)?),
            (None, None) => return Err(self.unsupported(d, node, "xs:element without a type (xs:anyType)")),
        };
        let mut constraint = |attr: &str| -> Result<Option<u32>, CompileError> {
            let Some(v) = node.attribute(attr) else {
                return Ok(None);
            };
            let simple = match ty {
                TypeRef::Simple(st) => Some(st),
                TypeRef::Complex(ct) => self
                    .complexes
                    .get(usize::try_from(ct).unwrap_or(usize::MAX))
                    .and_then(|c| c.done.as_ref())
                    .and_then(|c| c.simple),
            };
            if simple.is_none() {
                return Err(self.unsupported(d, node, &format!("{attr}= on an element without simple content")));
            }
            Ok(Some(push_id(&mut self.strings, v.to_owned())))
        };
        let default = constraint("default")?;
        let fixed = constraint("fixed")?;
        Ok(ElementDecl { name, ty, default, fixed })
    }

    // ----- complex types ------------------------------------------------------------------

    /// The derivation depth of a type derived from `base`: each extension copies its base's
    /// content, so a chain thousands of types long would be quadratic in memory.
    fn derivation_step(&self, d: usize, ext: Node<'_, '_>, base: &Base) -> Result<usize, CompileError> {
        let depth = match base {
            Base::Complex(_, cd) => cd.derivation.saturating_add(1),
            Base::Simple(_) => 1,
        };
        if depth > MAX_DERIVATION {
            return Err(self.unsupported(d, ext, &format!("a chain of more than {MAX_DERIVATION} type derivations")));
        }
        Ok(depth)
    }

    fn named_complex(&mut self, d: usize, node: Node<'_, '_>, key: &Key) -> Result<u32, CompileError> {
        if let Some(&id) = self.complex_memo.get(key) {
            return Ok(id);
        }
        let name = self.intern(&key.0, &key.1);
        if self.complex_depth >= MAX_DERIVATION {
            return Err(self.unsupported(d, node, &format!("a chain of more than {MAX_DERIVATION} type derivations")));
        }
        self.complex_depth += 1;
        let compiled = self.complex_type(d, node, Some((name, key.clone())));
        self.complex_depth -= 1;
        compiled
    }

    fn complex_type(&mut self, d: usize, node: Node<'_, '_>, named: Option<(u32, Key)>) -> Result<u32, CompileError> {
        self.no_block(d, node, "block")?;
        let is_abstract = boolean(node, "abstract").map_err(|why| self.invalid(d, node, why))?.unwrap_or(false);
        let location = location(self.doc(d).loc, &self.doc(d).doc, node);
        let id = push_id(
            &mut self.complexes,
            ComplexB { name: named.as_ref().map(|n| n.0), is_abstract, location, done: None },
        );
        if let Some((_, key)) = named {
            self.complex_memo.insert(key, id);
        }
        let mut mixed = boolean(node, "mixed").map_err(|why| self.invalid(d, node, why))?.unwrap_or(false);
        let mut done =
            ComplexDone { derivation: 0, base: None, simple: None, particle: None, mixed, attributes: Vec::new() };
        for c in children(node) {
            let kind = if c.tag_name().namespace() == Some(XS) { c.tag_name().name() } else { "" };
            match kind {
                "sequence" | "choice" if done.particle.is_none() && done.simple.is_none() => {
                    done.particle = self.particle(d, c)?;
                }
                "attribute" => {
                    let a = self.attribute(d, c)?;
                    push_attribute(self, d, c, &mut done.attributes, a)?;
                }
                "simpleContent" => {
                    let ext = self.derivation(d, c)?;
                    let base = self.content_base(d, ext)?;
                    done.derivation = self.derivation_step(d, ext, &base)?;
                    done.base = Some(base.id());
                    let simple = match base {
                        Base::Simple(st) => st,
                        Base::Complex(_, ref cd) => match cd.simple {
                            Some(st) => {
                                done.attributes.clone_from(&cd.attributes);
                                st
                            }
                            None => {
                                return Err(self.invalid(
                                    d,
                                    ext,
                                    "simpleContent extension of a complex type without simple content".into(),
                                ));
                            }
                        },
                    };
                    done.simple = Some(simple);
                    self.extension_rest(d, ext, &mut done, false)?;
                }
                "complexContent" => {
                    // complexContent's own `mixed`, when given, overrides the type's (XSD 1.0
                    // Part 1 §3.4.2, {content type} clause 1.1).
                    if let Some(own) = boolean(c, "mixed").map_err(|why| self.invalid(d, c, why))? {
                        mixed = own;
                        done.mixed = own;
                    }
                    let ext = self.derivation(d, c)?;
                    let base = self.content_base(d, ext)?;
                    done.derivation = self.derivation_step(d, ext, &base)?;
                    done.base = Some(base.id());
                    let Base::Complex(_, cd) = base else {
                        return Err(self.invalid(d, ext, "complexContent extension of a simple type".into()));
                    };
                    if cd.simple.is_some() {
                        return Err(self.unsupported(d, ext, "complexContent extension of a type with simple content"));
                    }
                    done.attributes = cd.attributes;
                    done.particle = cd.particle;
                    done.mixed = mixed || cd.mixed;
                    self.extension_rest(d, ext, &mut done, true)?;
                }
                "" => return Err(self.unsupported(d, c, "non-XSD element in xs:complexType")),
                other => return Err(self.unsupported(d, c, &format!("xs:{other} in xs:complexType"))),
            }
        }
        // Each extension copies its base's particles: a budget over all types, since many
        // chains each under the derivation bound add up.
        self.particles = self.particles.saturating_add(done.particle.as_ref().map_or(0, Particle::size));
        if self.particles > MAX_TOTAL_PARTICLES {
            let what = format!("content models of more than {MAX_TOTAL_PARTICLES} particles in all");
            return Err(self.unsupported(d, node, &what));
        }
        if let Some(slot) = usize::try_from(id).ok().and_then(|i| self.complexes.get_mut(i)) {
            slot.done = Some(done);
        }
        Ok(id)
    }

    /// The single `xs:extension` child of simple/complexContent (restriction is outside the
    /// subset: the three schemas never restrict a complex type).
    fn derivation<'a>(&self, d: usize, content: Node<'a, 't>) -> Result<Node<'a, 't>, CompileError> {
        let mut kids = children(content);
        let Some(ext) = kids.next() else {
            return Err(self.invalid(d, content, "empty content derivation".into()));
        };
        if kids.next().is_some() {
            return Err(self.invalid(d, content, "content derivation with several children".into()));
        }
        if !is_xs(ext, "extension") {
            let what = format!("xs:{} in xs:{}", ext.tag_name().name(), content.tag_name().name());
            return Err(self.unsupported(d, ext, &what));
        }
        Ok(ext)
    }

    fn content_base(&mut self, d: usize, ext: Node<'_, '_>) -> Result<Base, CompileError> {
        let Some(base) = ext.attribute("base") else {
            return Err(self.invalid(d, ext, "xs:extension without a base".into()));
        };
        let key = self.qname(d, ext, base)?;
        if let Some(st) = self.simple_by_name(d, ext, &key)? {
            return Ok(Base::Simple(st));
        }
        let Some((cd, cid)) = self.complex_index.get(&key).copied() else {
            return Err(self.err(
                d,
                ext,
                CompileErrorKind::UnknownReference { kind: "base type", name: format!("{{{}}}{}", key.0, key.1) },
            ));
        };
        let n = self.node(cd, cid);
        let id = self.named_complex(cd, n, &key)?;
        let done = usize::try_from(id).ok().and_then(|i| self.complexes.get(i)).and_then(|c| c.done.clone());
        match done {
            Some(done) => Ok(Base::Complex(id, done)),
            None => Err(self.err(d, ext, CompileErrorKind::Circular(format!("{{{}}}{}", key.0, key.1)))),
        }
    }

    /// Particle and attributes of an `xs:extension`.
    fn extension_rest(
        &mut self,
        d: usize,
        ext: Node<'_, '_>,
        done: &mut ComplexDone,
        particles: bool,
    ) -> Result<(), CompileError> {
        for c in children(ext) {
            let kind = if c.tag_name().namespace() == Some(XS) { c.tag_name().name() } else { "" };
            match kind {
                "sequence" | "choice" if particles => {
                    if let Some(p) = self.particle(d, c)? {
                        done.particle = Some(match done.particle.take() {
                            Some(base) => Particle::Seq(vec![base, p]),
                            None => p,
                        });
                    }
                }
                "attribute" => {
                    let a = self.attribute(d, c)?;
                    push_attribute(self, d, c, &mut done.attributes, a)?;
                }
                "" => return Err(self.unsupported(d, c, "non-XSD element in xs:extension")),
                other => return Err(self.unsupported(d, c, &format!("xs:{other} in xs:extension"))),
            }
        }
        Ok(())
    }

    fn attribute(&mut self, d: usize, node: Node<'_, '_>) -> Result<AttributeUse, CompileError> {
        if node.attribute("ref").is_some() {
            return Err(self.unsupported(d, node, "xs:attribute ref="));
        }
        let Some(name) = node.attribute("name") else {
            return Err(self.invalid(d, node, "xs:attribute without a name".into()));
        };
        let qualified =
            form(node, "form").map_err(|why| self.invalid(d, node, why))?.unwrap_or(self.doc(d).attr_qualified);
        let ns = if qualified { self.doc(d).tns.clone() } else { String::new() };
        let name = self.intern(&ns, name);
        let inline = children(node).find(|c| is_xs(*c, "simpleType"));
        let ty = match (node.attribute("type"), inline) {
            (Some(t), None) => {
                let key = self.qname(d, node, t)?;
                self.simple_by_name(d, node, &key)?.ok_or_else(|| {
                    self.err(
                        d,
                        node,
                        CompileErrorKind::UnknownReference {
                            kind: "simple type",
                            name: format!("{{{}}}{}", key.0, key.1),
                        },
                    )
                })?
            }
            (None, Some(c)) => self.simple_type(d, c, None)?,
            (None, None) => self.builtin_type(Builtin::AnySimpleType),
            (Some(_), Some(_)) => {
                return Err(self.invalid(d, node, "xs:attribute with both type= and an inline type".into()));
            }
        };
        let required = match node.attribute("use").map(str::trim) {
            None | Some("optional") => false,
            Some("required") => true,
            Some(v) => return Err(self.unsupported(d, node, &format!("xs:attribute use={v:?}"))),
        };
        let default = node.attribute("default").map(|v| push_id(&mut self.strings, v.to_owned()));
        let fixed = node.attribute("fixed").map(|v| push_id(&mut self.strings, v.to_owned()));
        Ok(AttributeUse { name, ty, required, default, fixed })
    }

    // ----- particles ----------------------------------------------------------------------

    fn particle(&mut self, d: usize, node: Node<'_, '_>) -> Result<Option<Particle>, CompileError> {
        let (min, max) = self.occurs(d, node)?;
        if max == 0 {
            return Ok(None);
        }
        let kind = if node.tag_name().namespace() == Some(XS) { node.tag_name().name() } else { "" };
        let inner = match kind {
            "element" => {
                let decl = if let Some(r) = node.attribute("ref") {
                    let key = self.qname(d, node, r)?;
                    let Some((ed, eid)) = self.element_index.get(&key).copied() else {
                        return Err(self.err(
                            d,
                            node,
                            CompileErrorKind::UnknownReference {
                                kind: "element",
                                name: format!("{{{}}}{}", key.0, key.1),
                            },
                        ));
                    };
                    let n = self.node(ed, eid);
                    self.global_element(ed, n, &key)?
                } else {
                    let Some(name) = node.attribute("name") else {
                        return Err(self.invalid(d, node, "xs:element without name or ref".into()));
                    };
                    let qualified =
                        form(node, "form").map_err(|why| self.invalid(d, node, why))?.unwrap_or(self.doc(d).qualified);
                    let ns = if qualified { self.doc(d).tns.clone() } else { String::new() };
                    let name = self.intern(&ns, name);
                    let decl = self.element_decl(d, node, name)?;
                    push_id(&mut self.elements, decl)
                };
                return Ok(Some(Particle::Leaf { term: Term::Element(decl), min, max }));
            }
            "any" => {
                let other = match node.attribute("namespace").map(str::trim) {
                    None | Some("##any") => None,
                    Some("##other") => Some(self.doc(d).tns.clone()),
                    Some(v) => return Err(self.unsupported(d, node, &format!("xs:any namespace={v:?}"))),
                };
                let process = match node.attribute("processContents").map(str::trim) {
                    None | Some("strict") => Process::Strict,
                    Some("lax") => Process::Lax,
                    Some("skip") => Process::Skip,
                    Some(v) => return Err(self.invalid(d, node, format!("bad processContents {v:?}"))),
                };
                let w = push_id(&mut self.wildcards, WildB { other, process });
                return Ok(Some(Particle::Leaf { term: Term::Wildcard(w), min, max }));
            }
            "sequence" | "choice" => {
                let mut parts = Vec::new();
                for c in children(node) {
                    if let Some(p) = self.particle(d, c)? {
                        parts.push(p);
                    }
                }
                if kind == "sequence" { Particle::Seq(parts) } else { Particle::Choice(parts) }
            }
            "" => return Err(self.unsupported(d, node, "non-XSD element in a content model")),
            other => return Err(self.unsupported(d, node, &format!("xs:{other}"))),
        };
        if (min, max) == (1, 1) {
            return Ok(Some(inner));
        }
        if max != UNBOUNDED && max > MAX_UNROLL || min > MAX_UNROLL {
            return Err(self.unsupported(
                d,
                node,
                &format!("occurs {min}..{max} on xs:{kind} (at most {MAX_UNROLL} is unrolled)"),
            ));
        }
        Ok(Some(Particle::Repeat { inner: Box::new(inner), min, max }))
    }

    // ----- finishing ----------------------------------------------------------------------

    fn finish(self) -> Result<Schema, CompileError> {
        // Sorted namespaces and names give binary-searchable tables and a stable output.
        let mut ns_set: BTreeSet<&str> = self.names.iter().map(|(ns, _)| ns.as_str()).collect();
        for w in &self.wildcards {
            if let Some(o) = &w.other {
                ns_set.insert(o);
            }
        }
        ns_set.insert("");
        let namespaces: Vec<&str> = ns_set.into_iter().collect();
        let ns_id =
            |ns: &str| -> u32 { namespaces.binary_search(&ns).ok().and_then(|i| u32::try_from(i).ok()).unwrap_or(0) };
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        let key = |i: usize| self.names.get(i).map(|(ns, local)| (ns_id(ns), local.as_str()));
        order.sort_by(|&a, &b| key(a).cmp(&key(b)));
        let mut remap = vec![0u32; self.names.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(slot) = remap.get_mut(old) {
                *slot = u32::try_from(new).unwrap_or(u32::MAX);
            }
        }
        let rn = |id: u32| -> u32 { usize::try_from(id).ok().and_then(|i| remap.get(i)).copied().unwrap_or(u32::MAX) };
        let names: Vec<QName> = order
            .iter()
            .filter_map(|&i| self.names.get(i))
            .map(|(ns, local)| QName { ns: ns_id(ns), local: Cow::Owned(local.clone()) })
            .collect();

        let elements: Vec<ElementDecl> =
            self.elements.iter().map(|e| ElementDecl { name: rn(e.name), ..e.clone() }).collect();
        let mut globals: Vec<u32> = self.globals.values().copied().collect();
        globals.sort_by_key(|&e| elements.get(usize::try_from(e).unwrap_or(usize::MAX)).map(|d| d.name));

        let mut strings = Interner::new(self.strings.clone());
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut pattern_ids: HashMap<String, u32> = HashMap::new();
        let mut facets: Vec<Facet> = Vec::new();
        let mut simple_types = Vec::with_capacity(self.simples.len());
        for s in &self.simples {
            let start = len32(&facets);
            for f in &s.facets {
                facets.push(match f {
                    FacetB::Plain(f) => *f,
                    FacetB::Bound(make, v) => make(strings.get(v)),
                    FacetB::Enumeration(members) => {
                        // Members of one facet must be contiguous, so they are appended
                        // rather than shared; sorted, so that a value is looked up by binary
                        // search (an enumeration may have thousands of members).
                        let mut sorted = members.clone();
                        sorted.sort_unstable();
                        sorted.dedup();
                        let start = len32(&strings.list);
                        let len = len32(&sorted);
                        strings.list.extend(sorted);
                        Facet::Enumeration(Slice { start, len })
                    }
                    FacetB::Pattern(ps) => {
                        let mut ids: Vec<u32> = Vec::new();
                        for (xsd, rx) in ps {
                            let id = *pattern_ids
                                .entry(xsd.clone())
                                .or_insert_with(|| push_id(&mut patterns, Pattern::owned(xsd.clone(), rx.clone())));
                            ids.push(id);
                        }
                        // A facet's patterns must be contiguous too: reuse the shared ids
                        // when they already are, else append copies.
                        let contiguous = ids.windows(2).all(|w| w.get(1) == w.first().map(|x| x + 1).as_ref());
                        if contiguous {
                            Facet::Pattern(Slice { start: ids.first().copied().unwrap_or(0), len: len32(&ids) })
                        } else {
                            let start = len32(&patterns);
                            for (xsd, rx) in ps {
                                patterns.push(Pattern::owned(xsd.clone(), rx.clone()));
                            }
                            Facet::Pattern(Slice { start, len: len32(ps) })
                        }
                    }
                });
            }
            simple_types.push(SimpleType {
                name: s.name.map(rn),
                base: s.base,
                builtin: s.builtin,
                whitespace: s.whitespace,
                facets: Slice { start, len: len32(&facets) - start },
            });
        }

        let wildcards: Vec<Wildcard> = self
            .wildcards
            .iter()
            .map(|w| Wildcard {
                namespace: match &w.other {
                    Some(o) => WildcardNs::Other(ns_id(o)),
                    None => WildcardNs::Any,
                },
                process: w.process,
            })
            .collect();

        let mut attributes: Vec<AttributeUse> = Vec::new();
        let mut states: Vec<State> = Vec::new();
        let mut edges: Vec<u32> = Vec::new();
        let mut complex_types = Vec::with_capacity(self.complexes.len());
        for (ci, c) in self.complexes.iter().enumerate() {
            let Some(done) = &c.done else {
                return Err(CompileError {
                    kind: CompileErrorKind::Invalid(format!("internal: complex type {ci} unfinished")),
                    location: Location::default(),
                });
            };
            let a_start = len32(&attributes);
            for a in &done.attributes {
                attributes.push(AttributeUse { name: rn(a.name), ..a.clone() });
            }
            let content = match done.simple {
                Some(st) => Content::Simple(st),
                None => {
                    let Some(built) = automaton(done.particle.as_ref()) else {
                        return Err(CompileError {
                            kind: CompileErrorKind::Unsupported(format!(
                                "a content model larger than {MAX_STATES} states or {MAX_EDGES} transitions once \
                                 its repeated groups are unrolled"
                            )),
                            location: c.location.clone(),
                        });
                    };
                    let base = len32(&states);
                    if let Some(problem) = upa_violation(&built, &elements, &wildcards, &names, &namespaces) {
                        let type_name = c.name.map_or_else(
                            || "an anonymous complex type".to_owned(),
                            |n| {
                                let n = rn(n);
                                names
                                    .get(usize::try_from(n).unwrap_or(usize::MAX))
                                    .map_or_else(String::new, |q| q.local.to_string())
                            },
                        );
                        let kind = match problem {
                            Nondeterminism::Particles(name) => {
                                CompileErrorKind::NotDeterministic(format!("{name} in {type_name}"))
                            }
                            Nondeterminism::Counting(name) => CompileErrorKind::Unsupported(format!(
                                "{name} in {type_name}: a counted particle repeated by its group, whose \
                                 occurrences the engine cannot count apart"
                            )),
                        };
                        return Err(CompileError { kind, location: c.location.clone() });
                    }
                    for s in &built {
                        let e_start = len32(&edges);
                        edges.extend(s.follow.iter().map(|t| t + base));
                        states.push(State {
                            term: s.term,
                            min: s.min,
                            max: s.max,
                            accepting: s.accepting,
                            edges: Slice { start: e_start, len: len32(&edges) - e_start },
                        });
                    }
                    Content::Elements { states: Slice { start: base, len: len32(&built) }, mixed: done.mixed }
                }
            };
            if states.len() > MAX_TOTAL_STATES || edges.len() > MAX_TOTAL_EDGES {
                return Err(CompileError {
                    kind: CompileErrorKind::Unsupported(format!(
                        "content models larger than {MAX_TOTAL_STATES} states or {MAX_TOTAL_EDGES} transitions in all"
                    )),
                    location: c.location.clone(),
                });
            }
            complex_types.push(ComplexType {
                name: c.name.map(rn),
                base: done.base,
                is_abstract: c.is_abstract,
                content,
                attributes: Slice { start: a_start, len: len32(&attributes) - a_start },
            });
        }

        // What an `xsi:type` can name, looked up by name id.
        let mut types: Vec<(u32, TypeRef)> = Vec::new();
        for (i, s) in simple_types.iter().enumerate() {
            if let (Some(name), Ok(i)) = (s.name, u32::try_from(i)) {
                types.push((name, TypeRef::Simple(i)));
            }
        }
        for (i, c) in complex_types.iter().enumerate() {
            if let (Some(name), Ok(i)) = (c.name, u32::try_from(i)) {
                types.push((name, TypeRef::Complex(i)));
            }
        }
        types.sort_by_key(|&(name, _)| name);

        Ok(Schema {
            namespaces: Cow::Owned(namespaces.iter().map(|s| Cow::Owned((*s).to_owned())).collect()),
            names: Cow::Owned(names),
            elements: Cow::Owned(elements),
            globals: Cow::Owned(globals),
            complex_types: Cow::Owned(complex_types),
            simple_types: Cow::Owned(simple_types),
            attributes: Cow::Owned(attributes),
            facets: Cow::Owned(facets),
            strings: Cow::Owned(strings.list.into_iter().map(Cow::Owned).collect()),
            patterns: Cow::Owned(patterns),
            states: Cow::Owned(states),
            edges: Cow::Owned(edges),
            wildcards: Cow::Owned(wildcards),
            types: Cow::Owned(types.into_iter().map(|(_, ty)| ty).collect()),
        })
    }
}

/// The base of an extension: a simple type id, or a complex type id with what it compiled to.
enum Base {
    Simple(u32),
    Complex(u32, ComplexDone),
}

impl Base {
    fn id(&self) -> TypeRef {
        match self {
            Base::Simple(st) => TypeRef::Simple(*st),
            Base::Complex(ct, _) => TypeRef::Complex(*ct),
        }
    }
}

fn push_attribute(
    b: &Builder<'_, '_>,
    d: usize,
    node: Node<'_, '_>,
    list: &mut Vec<AttributeUse>,
    a: AttributeUse,
) -> Result<(), CompileError> {
    if list.iter().any(|x| x.name == a.name) {
        return Err(b.invalid(d, node, "attribute declared twice on one type".into()));
    }
    list.push(a);
    Ok(())
}

struct Interner {
    list: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    fn new(list: Vec<String>) -> Self {
        Interner { list, ids: HashMap::new() }
    }

    fn get(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = push_id(&mut self.list, s.to_owned());
        self.ids.insert(s.to_owned(), id);
        id
    }
}

fn len32<T>(v: &[T]) -> u32 {
    u32::try_from(v.len()).unwrap_or(u32::MAX)
}

fn push_id<T>(v: &mut Vec<T>, item: T) -> u32 {
    let id = len32(v);
    v.push(item);
    id
}

fn builtin(local: &str) -> Option<Builtin> {
    crate::model::BUILTINS.iter().find(|(name, _)| *name == local).map(|(_, b)| *b)
}

// ----- automaton construction ---------------------------------------------------------------

/// Glushkov (position) automaton of a particle: one state per element/wildcard particle
/// occurrence, plus the start state 0. Repeats of a single particle are counted at run time
/// (`State::min`/`max`), so `maxOccurs="19056"` costs one state; repeated groups are
/// unrolled, bounded by [`MAX_UNROLL`].
/// The most states one content model may unroll into, and the most transitions among them:
/// DUIS 5.4's largest model has a few hundred states. Nested repeated groups multiply
/// (`maxOccurs="64"` five deep is 10^9 states) and a long run of optional particles has a
/// transition from each to every later one; past these bounds a schema is refused, not
/// compiled for minutes into gigabytes.
const MAX_STATES: usize = 20_000;
const MAX_EDGES: usize = 250_000;
/// The same over all content models of a schema: DUIS 5.4 has about 3,100 states and 11,200
/// transitions in all (the MMC schema half that). Many models each under the bounds above
/// would otherwise add up to minutes of compiling.
const MAX_TOTAL_STATES: usize = 200_000;
const MAX_TOTAL_EDGES: usize = 1_000_000;
/// Particles over all complex types, counted as each is finished: an extension copies its
/// base's, so chains of extensions under [`MAX_DERIVATION`] grow quadratically.
const MAX_TOTAL_PARTICLES: usize = 500_000;

/// The states being built, and whether a bound was crossed.
struct Build {
    states: Vec<StateB>,
    edges: usize,
    over: bool,
}

/// The content model's automaton, or `None` when it is larger than [`MAX_STATES`] states or
/// [`MAX_EDGES`] transitions.
fn automaton(p: Option<&Particle>) -> Option<Vec<StateB>> {
    let start = StateB { term: Term::Start, min: 1, max: 1, accepting: false, follow: Vec::new(), origin: 0 };
    let mut b = Build { states: vec![start], edges: 0, over: false };
    let frag = match p {
        Some(p) => glushkov(p, &mut b),
        None => Frag { first: vec![], last: vec![], nullable: true },
    };
    if b.over {
        return None;
    }
    let mut states = b.states;
    if let Some(s) = states.first_mut() {
        s.follow = frag.first;
        s.accepting = frag.nullable;
    }
    for l in frag.last {
        if let Some(s) = usize::try_from(l).ok().and_then(|i| states.get_mut(i)) {
            s.accepting = true;
        }
    }
    // Transitions were added without a search for repeats (that made long optional runs
    // cubic); each list keeps its first occurrences, in order.
    for s in &mut states {
        let mut seen = std::collections::HashSet::with_capacity(s.follow.len());
        s.follow.retain(|t| seen.insert(*t));
    }
    Some(states)
}

fn add_follow(b: &mut Build, from: &[u32], to: &[u32]) {
    b.edges = b.edges.saturating_add(from.len().saturating_mul(to.len()));
    if b.edges > MAX_EDGES {
        b.over = true;
        return;
    }
    for &f in from {
        if let Some(s) = usize::try_from(f).ok().and_then(|i| b.states.get_mut(i)) {
            s.follow.extend_from_slice(to);
        }
    }
}

fn seq_frag(b: &mut Build, x: Frag, y: Frag) -> Frag {
    add_follow(b, &x.last, &y.first);
    let mut first = x.first;
    if x.nullable {
        first.extend(y.first);
    }
    let mut last = y.last;
    if y.nullable {
        last.extend(x.last);
    }
    Frag { first, last, nullable: x.nullable && y.nullable }
}

fn glushkov(p: &Particle, b: &mut Build) -> Frag {
    if b.over || b.states.len() > MAX_STATES {
        b.over = true;
        return Frag { first: vec![], last: vec![], nullable: true };
    }
    match p {
        Particle::Leaf { term, min, max } => {
            let origin = core::ptr::from_ref(p).addr();
            let state = StateB { term: *term, min: *min, max: *max, accepting: false, follow: Vec::new(), origin };
            let id = push_id(&mut b.states, state);
            Frag { first: vec![id], last: vec![id], nullable: *min == 0 }
        }
        Particle::Seq(parts) => {
            let mut acc = Frag { first: vec![], last: vec![], nullable: true };
            for part in parts {
                let f = glushkov(part, b);
                acc = seq_frag(b, acc, f);
            }
            acc
        }
        Particle::Choice(parts) => {
            // A choice of nothing matches nothing, not even empty content (XSD 1.0 Part 1
            // §3.8.4): only a member that is itself optional makes it optional.
            let mut acc = Frag { first: vec![], last: vec![], nullable: false };
            for part in parts {
                let f = glushkov(part, b);
                acc.first.extend(f.first);
                acc.last.extend(f.last);
                acc.nullable |= f.nullable;
            }
            acc
        }
        Particle::Repeat { inner, min, max } => {
            let mut acc = Frag { first: vec![], last: vec![], nullable: true };
            if *max == UNBOUNDED {
                // min-1 plain copies, then one copy that loops back on itself.
                for _ in 1..(*min).max(1) {
                    let f = glushkov(inner, b);
                    acc = seq_frag(b, acc, f);
                }
                let mut f = glushkov(inner, b);
                add_follow(b, &f.last.clone(), &f.first.clone());
                f.nullable |= *min == 0;
                acc = seq_frag(b, acc, f);
            } else {
                for _ in 0..*min {
                    let f = glushkov(inner, b);
                    acc = seq_frag(b, acc, f);
                }
                // (x (x (x)?)?)? built outside-in: each optional copy may only start after
                // the previous one.
                let mut opt: Option<Frag> = None;
                let mut chain: Vec<Frag> = Vec::new();
                for _ in *min..*max {
                    chain.push(glushkov(inner, b));
                }
                while let Some(mut f) = chain.pop() {
                    if let Some(rest) = opt.take() {
                        f = seq_frag(b, f, rest);
                    }
                    f.nullable = true;
                    opt = Some(f);
                }
                if let Some(o) = opt {
                    acc = seq_frag(b, acc, o);
                }
            }
            acc
        }
    }
}

/// Why a content model cannot become this engine's automaton.
enum Nondeterminism {
    /// Two particles compete for one element (XSD Unique Particle Attribution): the name.
    Particles(String),
    /// One particle, repeated by its group, with counts the automaton cannot tell apart: a
    /// legal model (`(a{2,3})+`, `(a{1,2}){2}`) outside the supported subset.
    Counting(String),
}

/// The first pair of distinct competing states that can match the same element, or a counted
/// particle its enclosing group repeats; `None` if the automaton decides every element.
fn upa_violation(
    states: &[StateB],
    elements: &[ElementDecl],
    wildcards: &[Wildcard],
    names: &[QName],
    namespaces: &[&str],
) -> Option<Nondeterminism> {
    let state = |id: u32| states.get(usize::try_from(id).ok()?);
    for (i, s) in states.iter().enumerate() {
        let me = u32::try_from(i).ok()?;
        // Counting up, or starting the particle again, would both fit: the automaton counts
        // greedily, so only a count that cannot end below the minimum after a restart is safe.
        if s.term != Term::Start && s.follow.contains(&me) && s.min >= 2 && s.max > s.min && s.max != UNBOUNDED {
            let name = overlap(s.term, s.term, elements, wildcards, names, namespaces).unwrap_or_default();
            return Some(Nondeterminism::Counting(name));
        }
        let mut cands: Vec<u32> = s.follow.clone();
        if s.max > 1 && s.term != Term::Start && !cands.contains(&me) {
            cands.push(me);
        }
        let clash = |a: u32, b: u32| -> Option<Nondeterminism> {
            let (sa, sb) = (state(a)?, state(b)?);
            let n = overlap(sa.term, sb.term, elements, wildcards, names, namespaces)?;
            Some(if sa.origin == sb.origin && sa.origin != 0 {
                Nondeterminism::Counting(n)
            } else {
                Nondeterminism::Particles(n)
            })
        };
        // Two element candidates overlap only when they share a name: found through a map, in
        // linear time (comparing every pair made a choice of 20,000 elements take minutes).
        // Wildcard candidates, a few at most, are compared with every other candidate.
        let mut by_name: HashMap<u32, u32> = HashMap::with_capacity(cands.len());
        let mut wild: Vec<u32> = Vec::new();
        for &a in &cands {
            match state(a).map(|sa| sa.term) {
                Some(Term::Element(d)) => {
                    let Some(name) = elements.get(usize::try_from(d).ok()?).map(|e| e.name) else { continue };
                    match by_name.get(&name) {
                        Some(&b) => return clash(b, a),
                        None => {
                            by_name.insert(name, a);
                        }
                    }
                }
                Some(Term::Wildcard(_)) => wild.push(a),
                _ => {}
            }
        }
        for &w in &wild {
            if let Some(found) = cands.iter().filter(|&&c| c != w).find_map(|&c| clash(w, c)) {
                return Some(found);
            }
        }
    }
    None
}

fn overlap(
    a: Term,
    b: Term,
    elements: &[ElementDecl],
    wildcards: &[Wildcard],
    names: &[QName],
    namespaces: &[&str],
) -> Option<String> {
    let name = |e: u32| -> Option<&QName> {
        let d = elements.get(usize::try_from(e).ok()?)?;
        names.get(usize::try_from(d.name).ok()?)
    };
    let wild = |w: u32| wildcards.get(usize::try_from(w).ok()?).copied();
    let ns_str = |n: u32| namespaces.get(usize::try_from(n).unwrap_or(usize::MAX)).copied().unwrap_or("");
    let admits = |w: Wildcard, ns: u32| match w.namespace {
        WildcardNs::Any => true,
        WildcardNs::Other(o) => ns != o && !ns_str(ns).is_empty(),
    };
    match (a, b) {
        (Term::Element(x), Term::Element(y)) => {
            let (qx, qy) = (name(x)?, name(y)?);
            (qx == qy).then(|| format!("{{{}}}{}", ns_str(qx.ns), qx.local))
        }
        (Term::Element(e), Term::Wildcard(w)) | (Term::Wildcard(w), Term::Element(e)) => {
            let q = name(e)?;
            admits(wild(w)?, q.ns).then(|| format!("{{{}}}{} and a wildcard", ns_str(q.ns), q.local))
        }
        (Term::Wildcard(_), Term::Wildcard(_)) => Some("two wildcards".to_owned()),
        _ => None,
    }
}
