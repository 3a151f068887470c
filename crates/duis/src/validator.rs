//! The [`Validator`]: configuration shared across threads, and the single pass.

use crate::message::Eui64;
use crate::message::extract::Extractor;
use crate::report::{Findings, Report};
use crate::rules;
use crate::xml::{Limits, Reader};

/// Validates DUIS messages. Build one at start-up and share it: it is `Send + Sync` and
/// `validate` takes `&self`.
///
/// ```
/// let validator = duis::Validator::builder()
///     .dcc_identifier("90-B3-D5-1F-30-00-00-02".parse()?)
///     .build();
/// let report = validator.validate(b"<not-duis/>");
/// assert!(!report.is_valid());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Validator {
    limits: Limits,
    dcc: Eui64,
}

impl Default for Validator {
    fn default() -> Validator {
        Validator::builder().build()
    }
}

impl Validator {
    /// A validator with the default [`Limits`] and the DCC Boxed DCC identifier.
    pub fn new() -> Validator {
        Validator::default()
    }

    /// A builder for the options.
    pub fn builder() -> ValidatorBuilder {
        ValidatorBuilder { limits: Limits::default(), dcc: Eui64::DCC_BOXED }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The DCC identifier CV 8 requests must target.
    pub fn dcc_identifier(&self) -> Eui64 {
        self.dcc
    }

    /// Validates one message. Never panics; every problem is a finding in the report.
    ///
    /// The input is read once. Well-formedness, limits, the envelope structure and the
    /// request rules are checked; the rules run only when the whole document could be read.
    pub fn validate<'a>(&self, input: &'a [u8]) -> Report<'a> {
        let mut findings = Findings::new(self.limits.max_findings);
        let Some(mut reader) = Reader::new(input, self.limits, &mut findings) else {
            return Report::new(input, None, findings, None);
        };
        let mut extractor = Extractor::new();
        while let Some(event) = reader.next(&mut findings) {
            extractor.event(&event, reader.depth(), &mut findings);
        }
        let extraction = extractor.finish(&mut findings);
        if reader.is_complete()
            && let Some(request) = &extraction.request
        {
            rules::request::check(request, self.dcc, &mut findings);
        }
        Report::new(input, extraction.kind, findings, extraction.request)
    }
}

/// Options for a [`Validator`]. Every option has a safe default.
#[derive(Clone, Debug)]
pub struct ValidatorBuilder {
    limits: Limits,
    dcc: Eui64,
}

impl ValidatorBuilder {
    /// Resource limits (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> ValidatorBuilder {
        self.limits = limits;
        self
    }

    /// The DCC's identifier, which CV 8 (DCC-only) requests must target. Default
    /// `90-B3-D5-1F-30-00-00-02`, the DCC Boxed test value; the production value is
    /// configuration.
    pub fn dcc_identifier(mut self, dcc: Eui64) -> ValidatorBuilder {
        self.dcc = dcc;
        self
    }

    /// The validator.
    pub fn build(self) -> Validator {
        Validator { limits: self.limits, dcc: self.dcc }
    }
}

/// Validates one message with the default [`Validator`].
pub fn validate(input: &[u8]) -> Report<'_> {
    Validator::default().validate(input)
}
