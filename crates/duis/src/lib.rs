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
//!   depth, element count, attributes, text length and findings.
//! - The DUIS envelope: root element, header sequence and types, one body element.
//! - Header and body consistency (`request.*`): SRV within SR, body element, CommandVariant,
//!   ExecutionDateTime, CV 8 target, counter range.
//!
//! `docs/rules.md` in the repository lists every code with the clause it enforces.
//!
//! # Limitations
//!
//! This release does not yet validate the full DUIS 5.4 schema below the envelope, XML
//! signatures, certificates, eligibility or Signed Pre-Command payloads.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::as_conversions)
)]

pub mod catalogue;
mod dsig;
mod gbcs;
mod message;
mod pki;
mod report;
mod rules;
mod validator;
mod xml;

pub use message::{
    Body, CommandVariant, CvSet, DateTime, Eui64, Located, MessageKind, ParseDateTimeError, ParseEui64Error,
    RequestFacts, RequestId,
};
pub use report::{Basis, Code, Detail, Finding, Message, Position, Report, Severity, Span};
pub use validator::{Validator, ValidatorBuilder, validate};
pub use xml::Limits;
