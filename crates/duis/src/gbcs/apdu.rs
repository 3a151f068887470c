//! The GBCS General Signing APDU (DUIS-FACTS §4.2), parsed without copying.
//!
//! ```text
//! DF                      general-signing tag (not signed)
//! 09 CRA counter(8)       transaction id: CRA flag, originator counter
//! 08 originator(8)        originator system title
//! 08 recipient(8)         recipient system title
//! 00 | 0C date-time(12)   date-time
//! len(BER) code(2) ...    other information, message code first
//! len(BER) content        DLMS, GBZ or ASN.1
//! 40 r(32) s(32)          signature (not signed); absent or 00 in a Pre-Command
//! ```

use core::fmt;

use crate::message::Eui64;
use crate::report::{Code, Detail};

/// The general-signing tag, the first byte.
const TAG: u8 = 0xDF;
/// The transaction-id length: CRA flag and an 8-byte counter.
const TRANSACTION_ID_LENGTH: u8 = 0x09;
/// The length of each system title (an EUI-64).
const SYSTEM_TITLE_LENGTH: u8 = 0x08;
/// The length of a present date-time (a DLMS date-time).
const DATE_TIME_LENGTH: u8 = 0x0C;
/// The signature length of a signed APDU: r‖s, 32 bytes each.
const SIGNATURE_LENGTH: u8 = 0x40;

/// The trailer of a parsed APDU: what follows the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature<'a> {
    /// `40` and the 64-byte ECDSA signature r‖s: a Signed Pre-Command.
    Signed(&'a [u8; 64]),
    /// Nothing after the content: a Pre-Command as the DCC returns it (RTDS 4.5.0).
    Absent,
    /// A single `00` after the content: a Pre-Command in the strict DUIS form.
    Zero,
}

/// A parsed General Signing APDU, borrowing the decoded payload.
///
/// Parsing checks the layout only. The DUIS checks (CRA flag, identities, counter, message
/// code, signature) are separate calls in `rules::ecos`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Apdu<'a> {
    bytes: &'a [u8],
    /// The CRA flag: 1 command, 2 response, 3 alert.
    pub cra_flag: u8,
    /// The originator counter (transaction id bytes 2 to 9).
    pub counter: u64,
    /// The originator system title.
    pub originator: Eui64,
    /// The recipient system title.
    pub recipient: Eui64,
    /// The 12-byte DLMS date-time, when present.
    pub date_time: Option<&'a [u8; 12]>,
    /// The whole other-information field, message code first.
    pub other_information: &'a [u8],
    /// The GBCS message code: the first two bytes of the other information.
    pub message_code: u16,
    /// The content (DLMS, GBZ or ASN.1).
    pub content: &'a [u8],
    /// Offset of the first content byte in the payload.
    pub content_offset: usize,
    /// What follows the content.
    pub signature: Signature<'a>,
}

impl<'a> Apdu<'a> {
    /// The whole payload.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Offset of the signature-length byte (one past the last content byte).
    pub fn content_end(&self) -> usize {
        self.content_offset.saturating_add(self.content.len())
    }

    /// The bytes the GBCS signature covers: everything after the `DF` tag up to and including
    /// the last content byte (DUIS-FACTS §4.2).
    pub fn signed_bytes(&self) -> &'a [u8] {
        self.bytes.get(1..self.content_end()).unwrap_or_default()
    }

    /// The APDU without its signature trailer: the Pre-Command it was made from.
    pub fn without_signature(&self) -> &'a [u8] {
        self.bytes.get(..self.content_end()).unwrap_or_default()
    }
}

/// What is wrong with a payload, at which byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Offset in the decoded payload of the field at fault.
    pub offset: usize,
    /// The fault.
    pub kind: ParseErrorKind,
}

/// The malformed shapes, one per `gbcs.*` code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The payload ends inside `field`, which needs `needed` bytes where `available` remain.
    Truncated {
        /// The field cut short.
        field: &'static str,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the payload.
        available: usize,
    },
    /// The first byte is not `DF`.
    NotGeneralSigning {
        /// The byte found.
        found: u8,
    },
    /// The transaction-id length is not `09`.
    TransactionIdLength {
        /// The byte found.
        found: u8,
    },
    /// A system-title length is not `08`.
    SystemTitleLength {
        /// `originator` or `recipient`.
        field: &'static str,
        /// The byte found.
        found: u8,
    },
    /// The date-time length is neither `00` nor `0C`.
    DateTimeLength {
        /// The byte found.
        found: u8,
    },
    /// The other-information length is below 2, leaving no room for the message code.
    OtherInformationLength {
        /// The length found.
        length: usize,
    },
    /// A BER length in a form GBCS does not use: `80` (indefinite) or more than three length
    /// bytes (`84` to `FF`).
    LengthEncoding {
        /// The field whose length it is.
        field: &'static str,
        /// The first length byte.
        found: u8,
    },
    /// The byte after the content is neither `40` (signed) nor `00` (unsigned).
    SignatureLength {
        /// The byte found.
        found: u8,
    },
    /// Bytes after the end of the APDU.
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

impl ParseError {
    /// The finding code for this shape.
    pub fn code(&self) -> Code {
        match self.kind {
            ParseErrorKind::Truncated { .. } => Code::GbcsTruncated,
            ParseErrorKind::NotGeneralSigning { .. } => Code::GbcsNotGeneralSigning,
            ParseErrorKind::TransactionIdLength { .. } => Code::GbcsTransactionIdLength,
            ParseErrorKind::SystemTitleLength { .. } => Code::GbcsSystemTitleLength,
            ParseErrorKind::DateTimeLength { .. } => Code::GbcsDateTimeLength,
            ParseErrorKind::OtherInformationLength { .. } => Code::GbcsOtherInformationLength,
            ParseErrorKind::LengthEncoding { .. } => Code::GbcsLengthEncoding,
            ParseErrorKind::SignatureLength { .. } => Code::GbcsSignatureLength,
            ParseErrorKind::TrailingBytes { .. } => Code::GbcsTrailingBytes,
        }
    }

    /// The finding detail: the facts, with the payload offset.
    pub fn detail(&self) -> Detail {
        let offset = self.offset;
        match self.kind {
            ParseErrorKind::Truncated { field, needed, available } => {
                Detail::GbcsTruncated { field, offset, needed, available }
            }
            ParseErrorKind::NotGeneralSigning { found } => {
                Detail::GbcsByte { field: "general-signing tag", offset, found, expected: "DF" }
            }
            ParseErrorKind::TransactionIdLength { found } => {
                Detail::GbcsByte { field: "transaction-id length", offset, found, expected: "09" }
            }
            ParseErrorKind::SystemTitleLength { field, found } => {
                Detail::GbcsByte { field, offset, found, expected: "08" }
            }
            ParseErrorKind::DateTimeLength { found } => {
                Detail::GbcsByte { field: "date-time length", offset, found, expected: "00 or 0C" }
            }
            ParseErrorKind::OtherInformationLength { length } => Detail::GbcsLength {
                field: "other-information length",
                offset,
                length,
                expected: "at least 2 (the message code)",
            },
            ParseErrorKind::LengthEncoding { field, found } => {
                Detail::GbcsByte { field, offset, found, expected: "00 to 7F, 81, 82 or 83" }
            }
            ParseErrorKind::SignatureLength { found } => {
                Detail::GbcsByte { field: "signature length", offset, found, expected: "40" }
            }
            ParseErrorKind::TrailingBytes { count } => Detail::GbcsTrailingBytes { offset, count },
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

/// A cursor over the payload that never reads past its end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError { offset: self.at, kind }
    }

    /// The next `n` bytes of `field`.
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], ParseError> {
        let truncated = ParseErrorKind::Truncated { field, needed: n, available: self.remaining() };
        let end = self.at.checked_add(n).ok_or(self.error(truncated))?;
        let slice = self.bytes.get(self.at..end).ok_or(self.error(truncated))?;
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<&'a [u8; N], ParseError> {
        let at = self.at;
        let slice = self.take(N, field)?;
        <&[u8; N]>::try_from(slice).map_err(|_| ParseError {
            offset: at,
            kind: ParseErrorKind::Truncated { field, needed: N, available: slice.len() },
        })
    }

    fn byte(&mut self, field: &'static str) -> Result<u8, ParseError> {
        self.array::<1>(field).map(|[b]| *b)
    }

    /// A byte that must equal `expected`; `wrong` builds the error from the byte found.
    fn expect(
        &mut self,
        expected: u8,
        field: &'static str,
        wrong: impl FnOnce(u8) -> ParseErrorKind,
    ) -> Result<(), ParseError> {
        let at = self.at;
        let found = self.byte(field)?;
        if found == expected { Ok(()) } else { Err(ParseError { offset: at, kind: wrong(found) }) }
    }

    /// A BER length: `00`-`7F` itself, or `81`-`83` followed by one to three big-endian bytes.
    fn ber_length(&mut self, field: &'static str) -> Result<usize, ParseError> {
        let at = self.at;
        let first = self.byte(field)?;
        let count = match first {
            0x00..=0x7F => return Ok(usize::from(first)),
            0x81 => 1,
            0x82 => 2,
            0x83 => 3,
            _ => return Err(ParseError { offset: at, kind: ParseErrorKind::LengthEncoding { field, found: first } }),
        };
        let digits = self.take(count, field)?;
        Ok(digits.iter().fold(0usize, |n, &d| (n << 8) | usize::from(d)))
    }
}

/// Parses a decoded `GBCSPayload` as a General Signing APDU, to its last byte.
///
/// Accepts the signed form (`40` + 64 bytes) and both unsigned Pre-Command forms (nothing, or
/// a single `00`, after the content); whether a signature is required is the caller's check.
pub fn parse(bytes: &[u8]) -> Result<Apdu<'_>, ParseError> {
    let mut c = Cursor { bytes, at: 0 };
    c.expect(TAG, "general-signing tag", |found| ParseErrorKind::NotGeneralSigning { found })?;
    c.expect(TRANSACTION_ID_LENGTH, "transaction-id length", |found| ParseErrorKind::TransactionIdLength { found })?;
    let cra_flag = c.byte("CRA flag")?;
    let counter = u64::from_be_bytes(*c.array::<8>("originator counter")?);
    c.expect(SYSTEM_TITLE_LENGTH, "originator system-title length", |found| ParseErrorKind::SystemTitleLength {
        field: "originator system-title length",
        found,
    })?;
    let originator = Eui64(*c.array::<8>("originator system title")?);
    c.expect(SYSTEM_TITLE_LENGTH, "recipient system-title length", |found| ParseErrorKind::SystemTitleLength {
        field: "recipient system-title length",
        found,
    })?;
    let recipient = Eui64(*c.array::<8>("recipient system title")?);

    let at = c.at;
    let date_time = match c.byte("date-time length")? {
        0 => None,
        DATE_TIME_LENGTH => Some(c.array::<12>("date-time")?),
        found => return Err(ParseError { offset: at, kind: ParseErrorKind::DateTimeLength { found } }),
    };

    let at = c.at;
    let length = c.ber_length("other-information length")?;
    if length < 2 {
        return Err(ParseError { offset: at, kind: ParseErrorKind::OtherInformationLength { length } });
    }
    let other_information = c.take(length, "other information")?;
    let message_code = match other_information {
        [hi, lo, ..] => u16::from_be_bytes([*hi, *lo]),
        // Unreachable: the length is at least 2.
        _ => return Err(ParseError { offset: at, kind: ParseErrorKind::OtherInformationLength { length } }),
    };

    let length = c.ber_length("content length")?;
    let content_offset = c.at;
    let content = c.take(length, "content")?;

    let at = c.at;
    let signature = match c.remaining() {
        0 => Signature::Absent,
        _ => match c.byte("signature length")? {
            0x00 => Signature::Zero,
            SIGNATURE_LENGTH => Signature::Signed(c.array::<64>("signature")?),
            found => return Err(ParseError { offset: at, kind: ParseErrorKind::SignatureLength { found } }),
        },
    };
    if c.remaining() > 0 {
        return Err(c.error(ParseErrorKind::TrailingBytes { count: c.remaining() }));
    }
    Ok(Apdu {
        bytes,
        cra_flag,
        counter,
        originator,
        recipient,
        date_time,
        other_information,
        message_code,
        content,
        content_offset,
        signature,
    })
}
