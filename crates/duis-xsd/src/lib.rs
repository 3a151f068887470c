//! Compiler for the subset of XML Schema 1.0 used by the DUIS 5.4, MMC 5.4 and xmldsig
//! schemas, plus a streaming validator driven by plain calls.
//!
//! * [`compile`] turns XSD text into a [`Schema`]: interned names, one deterministic
//!   automaton per content model (repeats counted, not unrolled), simple types as facet
//!   lists, patterns translated to Rust `regex` syntax. The caller supplies the text of each
//!   schema document through a resolver; this crate does no I/O.
//! * [`codegen::emit`] writes a [`Schema`] as Rust `static` tables, which is how the `duis`
//!   crate ships DUIS 5.4 without any XSD at run time. The same [`model`] types serve both.
//! * [`Validator`] checks one document in a single pass, fed by any XML reader: call
//!   [`Validator::start_element`], [`Validator::text`], [`Validator::end_element`] in
//!   document order, then [`Validator::finish`]. Findings are typed values pushed to a
//!   [`Sink`], each with the byte range the caller gave. A reader that keeps namespace
//!   declarations calls [`Validator::start_element_in`] with them (a [`Scope`]): they
//!   resolve the `xs:QName` an `xsi:type` holds.
//!
//! ```
//! use duis_xsd::{Attribute, Finding, Validator};
//!
//! let xsd = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
//!                         targetNamespace="urn:t" elementFormDefault="qualified">
//!   <xs:element name="Root">
//!     <xs:complexType>
//!       <xs:sequence><xs:element name="N" type="xs:unsignedByte" maxOccurs="3"/></xs:sequence>
//!     </xs:complexType>
//!   </xs:element>
//! </xs:schema>"#;
//! let schema = duis_xsd::compile("t.xsd", &|_| Some(xsd.to_owned()))?;
//! let mut v = Validator::new(&schema);
//! let mut findings: Vec<Finding> = Vec::new();
//! v.start_element("urn:t", "Root", [], 0..6, &mut findings);
//! v.start_element("urn:t", "N", std::iter::empty::<Attribute<'_>>(), 6..9, &mut findings);
//! v.text("300", 9..12, &mut findings);
//! v.end_element(12..16, &mut findings);
//! v.end_element(16..23, &mut findings);
//! assert!(!v.finish(23..23, &mut findings));
//! assert_eq!(findings[0].code(), "schema.bad-value");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Supported subset
//!
//! `xs:schema` (targetNamespace, elementFormDefault, attributeFormDefault), `xs:import`
//! with `schemaLocation`, top-level and local `xs:element` (name, ref, type, inline types,
//! minOccurs/maxOccurs, default, fixed, form), `xs:complexType` (abstract, mixed),
//! `xs:sequence`, `xs:choice`, `xs:any` (namespace `##any`/`##other`, processContents),
//! `xs:simpleContent`/`xs:complexContent` with `xs:extension`, `xs:attribute` (name, type,
//! inline type, use, default, fixed, form), `xs:simpleType` with `xs:restriction` and the
//! facets enumeration, pattern, length, minLength, maxLength, min/max Inclusive/Exclusive
//! (numeric types), totalDigits, fractionDigits and whiteSpace. Built-in types: the string
//! family (string, normalizedString, token, language, Name, NCName, NMTOKEN, ID, IDREF,
//! anyURI), boolean, decimal and the whole integer family, date, dateTime, time, gYear,
//! gYearMonth, gMonth, gMonthDay, gDay, base64Binary, hexBinary.
//!
//! In instances, `xsi:type` (XSD 1.0 Part 1 §3.3.4 cvc-elt.4): its `xs:QName` value,
//! white space collapsed, is resolved in the [`Scope`] the caller gives; the type it names
//! (a simple, complex or built-in type) must be the declared type or derived from it by
//! following base types (complex types by extension, simple types by restriction, a complex
//! type with simple content from the simple type it extends) and not abstract; the element
//! is then validated against it, its attributes included, whatever their order. An element
//! declared with an abstract type is valid through such an `xsi:type`, and an undeclared
//! element a lax or strict wildcard matches is validated against its `xsi:type`.
//!
//! # Limitations
//!
//! Everything else is a [`CompileError`] naming the construct and its line:column: among
//! others `xs:include`, `xs:redefine`, `xs:group`, `xs:all`, `xs:attributeGroup`,
//! `xs:anyAttribute`, `xs:list`, `xs:union`, identity constraints (`xs:key`...),
//! substitution groups, nillable elements, complex-type restriction, `xs:anyType`, float,
//! double and duration. Content models must be deterministic (Unique Particle
//! Attribution); a repeated `sequence`/`choice` is unrolled up to 64 times. A particle its
//! group repeats with counts the automaton could not tell apart (`(a{2,3})+`, `(a{1,2}){2}`:
//! legal XSD) is refused as unsupported rather than judged greedily. `block` and
//! `blockDefault`, which bar derivations from `xsi:type`, are refused too (an empty list
//! aside). At run time `xsi:nil` is reported as not nillable and `xsi:schemaLocation` is
//! ignored. An `xsi:type` naming a built-in type outside the subset (`xs:float`,
//! `xs:anyType`, ...) is reported as such, even under a declared `xs:anySimpleType` that
//! would admit it; [`Validator::start_element`] resolves `xsi:type` values with no namespace
//! declared, and [`Validator::start_element_in`] with the caller's [`Scope`].
//! `anyURI` takes RFC 3986 URI references after XLink escaping, as libxml2 reads them
//! (see `uri.rs` for where that differs from XSD 1.0's RFC 2396).
//! `IDREF` values are not resolved against the document's IDs.
//! Names (`Name`, `NCName`, `ID`, and the pattern escapes `\i` and `\c`) take the name
//! characters of XML 1.0 fifth edition, as XSD 1.1 does, not the older tables XSD 1.0 cites:
//! `Id="١a"` is a valid `xs:ID` here and not to libxml2.
//! Not checked at compile time: that a default or fixed value, an enumeration member or a
//! bound is a value of its type (an instance meets the bad value instead); `fixed` is
//! compared in the value space of numbers, booleans and binary types, as text otherwise
//! (dates and times included). Nor these constraints on schemas (XSD 1.0 Part 1 §3.14.6,
//! Part 2 §4.3): that a derived type's facets only narrow its base's (a looser one is applied
//! beside the base's, so the base's still holds), that a `fixed` facet is not changed, that
//! derived enumeration members are base members, at most one `xs:ID` attribute per type,
//! `default` with `use="required"`, that a type extending a mixed base is itself mixed, and
//! that no type is derived against its base's `final`.
//! Facets no value can satisfy together (a minimum length above the maximum, bounds out of
//! order, fractionDigits above totalDigits) are refused.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::as_conversions)
)]

pub mod codegen;
mod compile;
mod error;
pub mod model;
mod near;
mod pattern;
mod uri;
mod validator;
mod value;

pub use compile::compile;
pub use error::{CompileError, CompileErrorKind, Location};
pub use model::Schema;
pub use validator::{
    Attribute, Expected, Finding, FindingKind, MAX_QUOTED, Name, Namespace, NoDeclarations, Scope, Sink, Validator,
    XsiTypeProblem, quoted,
};
pub use value::{ENUMERATION_LISTED, FacetKind};

/// True when `v` is a URI reference as libxml2 reads `xs:anyURI` (RFC 3986, after XLink §5.4
/// escaping): the check behind `xs:anyURI`, for callers that judge other URIs the same way.
pub fn is_uri_reference(v: &str) -> bool {
    uri::is_any_uri(v)
}

impl Schema {
    /// A reusable streaming validator for this schema.
    pub fn validator(&self) -> Validator<'_> {
        Validator::new(self)
    }

    /// Namespace `uri` as this schema knows it, resolved once for
    /// [`Validator::start_element_in`]: a caller that classifies namespaces itself (an XML
    /// reader does, per declaration) saves the validator a string comparison per element.
    pub fn namespace(&self, uri: &str) -> Namespace {
        Namespace { id: self.ns_id(uri) }
    }
}
