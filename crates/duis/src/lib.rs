//! `duis`: a fast, strict validator for DUIS messages.
//!
//! DUIS (the DCC User Interface Specification) is how DCC Users talk to Great Britain's smart
//! meters: XML Service Requests, signed by the User and checked by the DCC before anything
//! reaches a meter. This crate checks a message the way the DCC's Service Request Processing
//! does, in one pass over the borrowed bytes, and reports every problem as a [`Finding`] with a
//! stable [`Code`] and a byte [`Span`].
//!
//! ```
//! let message = br#"<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">
//!   <sr:Header>
//!     <sr:RequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000</sr:RequestID>
//!     <sr:CommandVariant>1</sr:CommandVariant>
//!     <sr:ServiceReference>7.2</sr:ServiceReference>
//!     <sr:ServiceReferenceVariant>7.2</sr:ServiceReferenceVariant>
//!   </sr:Header>
//!   <sr:Body><sr:DisableSupply/></sr:Body>
//! </sr:Request>"#;
//! let report = duis::validate(message);
//! // 7.2 Disable Supply is critical: CV 1 is not allowed (CV 4 asks for a Pre-Command).
//! assert!(report.has(duis::Code::RequestCvNotAllowed));
//! let request = report.request().ok_or("not a request")?;
//! assert_eq!(request.srv().map(|s| s.name), Some("Disable Supply"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is checked
//!
//! - XML 1.0 well-formedness, UTF-8, XML characters; DOCTYPE refused; [`Limits`] on size,
//!   depth, element count, attributes, namespace declarations, text length, attribute value
//!   length and findings.
//! - The whole document against the DUIS 5.4 schema set (`schema.*`), from generated tables,
//!   in the same pass; [`Schema::compile`] and [`ValidatorBuilder::schema`] validate other
//!   DUIS versions.
//! - Header and body consistency (`request.*`): SRV within SR, body element, CommandVariant,
//!   ExecutionDateTime, CV 8 target, counter range.
//! - The XML signature (`sig.*`): the exact DUIS profile always; with a [`TrustStore`]
//!   ([`ValidatorBuilder::trust`]), the document digest (inclusive C14N 1.0, streamed in the
//!   same pass), the ECDSA P-256 signature over the exclusive-C14N `SignedInfo`, the signer's
//!   certificate (`pki.*`) and who may sign what (`mp104.*`). [`sign`] makes such signatures.
//! - Signed Pre-Commands (`gbcs.*`): the GBCS APDU inside, its header against the RequestID,
//!   its message code against the SRV, its role signature with the trust store, and
//!   optionally the issued Pre-Command ([`Validator::validate_signed_pre_command`]);
//!   [`Report::gbcs_header`] gives the parsed header.
//! - Eligibility against a [`PartyRegistry`] (`eligibility.*`), `ExecutionDateTime` against
//!   the caller's time (`date.*`), replay protection with a [`CounterStore`] (`counter.*`).
//! - Replies: typed [`ResponseFacts`], and SR 12.1 WAN matrices where a single space decodes
//!   as [`WanText::Unknown`] (`wan-matrix.*`).
//!
//! `docs/rules.md` in the repository lists every code with the clause it enforces.
//!
//! # Limitations
//!
//! Certificate revocation is not checked: the trust store is the list of certificates the
//! caller trusts now. The ECoS checks are those the evidence supports (DUIS-FACTS §4.3, §12);
//! the SRPD's own check list is not public, so `docs/rules.md` marks each rule certain or
//! inferred.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::as_conversions)
)]

pub mod catalogue;
mod counter;
mod dsig;
mod gbcs;
mod message;
mod parties;
mod pki;
mod report;
mod rules;
mod schema;
mod validator;
mod xml;

pub use counter::{Advance, CounterStore, CounterStoreError, MemoryCounters};
#[cfg(feature = "fuzzing")]
pub use dsig::InsecureAcceptAll;
pub use dsig::{RingVerifier, SignError, SignatureVerifier, SigningKey, sign};
/// The schema engine, whose types appear in [`Detail::Schema`] (what was expected, which facet
/// failed) and [`SchemaError`]: use it from here to inspect them at the matching version.
pub use duis_xsd as xsd;
pub use gbcs::{ContentKind, GbcsHeader, VerifiedKey};
pub use message::{
    Body, CommandVariant, CvSet, DateTime, Eui64, Located, MessageKind, ParseDateTimeError, ParseEui64Error,
    RequestFacts, RequestId, ResponseCategory, ResponseCode, ResponseFacts, Schedule, WanMatrix, WanMatrixEntry,
    WanText,
};
pub use parties::{Parties, PartyRegistry, RoleSet};
pub use pki::{Certificate, CertificateError, LoadIssue, LoadIssueKind, Misfit, TrustStore};
pub use report::{Basis, Code, Detail, Finding, Message, Position, Report, Severity, Skipped, Span, XmlSigner};
pub use schema::{Schema, SchemaError, SchemaErrorKind};
pub use validator::{Validator, ValidatorBuilder, validate};
pub use xml::Limits;

/// Hooks for the fuzz targets and integration tests: the GBCS payload decoder and APDU parser.
///
/// **Unstable**: not part of the public API; anything here may change or go in any release.
#[doc(hidden)]
pub mod internal {
    pub use crate::gbcs::{
        Apdu as GbcsApdu, Base64Error as GbcsBase64Error, ParseError as GbcsParseError,
        ParseErrorKind as GbcsParseErrorKind, Signature as GbcsSignature, decode_base64 as decode_gbcs_base64,
        parse as parse_gbcs,
    };

    /// The inclusive Canonical XML 1.0 form (without comments) of a document minus its
    /// root-child `ds:Signature`: the bytes a DUIS signature's digest covers. `None` when the
    /// document is not well formed. For the `c14n` fuzz target and tests.
    pub fn canonicalize(input: &[u8]) -> Option<Vec<u8>> {
        crate::dsig::canonicalize(input)
    }

    /// The strict reader alone (limits, well-formedness, namespaces; no schema, rules or
    /// signature pass): the number of events in a well-formed document, or the code of the
    /// finding that stopped it. For the `parse` bench.
    pub fn read(input: &[u8]) -> Result<usize, crate::Code> {
        match crate::validator::read_alone::<false>(input) {
            (events, true, _) => Ok(events),
            (_, false, findings) => Err(findings.list().first().map_or(crate::Code::XmlMalformed, |f| f.code)),
        }
    }

    /// The reader and the schema pass alone (built-in DUIS 5.4 model; no signature pass, no
    /// rules): the codes of the `xml.*`, `limit.*` and `schema.*` findings, empty when the
    /// document is well formed and schema-valid. For the `schema` bench's like-for-like figure
    /// against libxml2, which parses and validates against the schema only.
    pub fn schema_only(input: &[u8]) -> Vec<crate::Code> {
        let (_, complete, findings) = crate::validator::read_alone::<true>(input);
        let codes: Vec<crate::Code> = findings.list().iter().map(|f| f.code).collect();
        // A reader that stopped early has said why; never call a fragment valid.
        if !complete && codes.is_empty() { vec![crate::Code::XmlMalformed] } else { codes }
    }

    /// SHA-256 of the inclusive canonical form of a document minus its root-child
    /// `ds:Signature`, streamed as the validator does it: what the Reference's `DigestValue`
    /// must hold. `None` when the document is not well formed. For the `c14n` bench.
    pub fn document_digest(input: &[u8]) -> Option<[u8; 32]> {
        crate::dsig::digest_and_signed_info(input).and_then(|outcome| outcome.digest)
    }

    /// The exclusive canonical form of the root signature's `SignedInfo`: the bytes its
    /// ECDSA signature covers. `None` when the document is not well formed. For the `verify`
    /// bench.
    pub fn signed_info(input: &[u8]) -> Option<Vec<u8>> {
        crate::dsig::digest_and_signed_info(input).map(|outcome| outcome.signed_info).filter(|s| !s.is_empty())
    }
}
