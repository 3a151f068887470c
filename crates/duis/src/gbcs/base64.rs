//! Decoding `xs:base64Binary` text straight into the output buffer: one copy, XML white space
//! skipped anywhere, canonical padding required.
//!
//! The general-purpose decoders reject white space, so using one would mean copying the text
//! without it first. The schema's `base64Binary` lexical space (XSD 1.1 Part 2 §3.3.16) allows
//! white space (collapsed) and requires the unused bits before `=` padding to be zero; both are
//! enforced here so the decoded bytes are exactly the ones the schema accepted.

use core::fmt;

/// Why a base64 text did not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base64Error {
    /// A byte that is neither base64 nor XML white space, or `=` where padding cannot be.
    /// `offset` is its byte offset in the text; `found` the character there.
    Invalid {
        /// Byte offset in the text.
        offset: usize,
        /// The character at that offset.
        found: char,
    },
    /// The number of base64 characters is not a multiple of four; `offset` is the text length.
    Incomplete {
        /// Byte offset in the text where a character is missing.
        offset: usize,
    },
    /// The last character before `=` padding has non-zero unused bits (a non-canonical
    /// encoding, which `xs:base64Binary` does not allow).
    Padding {
        /// Byte offset of that character in the text.
        offset: usize,
    },
    /// The decoded bytes would be more than `max`.
    TooLarge {
        /// The largest decoded length allowed.
        max: usize,
        /// The decoded length the text holds.
        length: usize,
    },
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base64Error::Invalid { offset, found } => {
                write!(f, "character {found:?} at text offset {offset} is not base64")
            }
            Base64Error::Incomplete { offset } => {
                write!(f, "text ends at offset {offset} inside a group of four base64 characters")
            }
            Base64Error::Padding { offset } => {
                write!(f, "character at text offset {offset} has non-zero bits before the '=' padding")
            }
            Base64Error::TooLarge { max, length } => write!(f, "decodes to {length} bytes; the limit is {max}"),
        }
    }
}

/// XML white space (XML 1.0 §2.3 production S).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The 6-bit value of a base64 alphabet byte.
fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// The character starting at byte `offset` of `text`, for reports.
fn char_at(text: &str, offset: usize) -> char {
    text.get(offset..).and_then(|rest| rest.chars().next()).unwrap_or('\u{FFFD}')
}

/// Decodes `text`, skipping XML white space, into a new buffer of exactly the decoded length.
/// Fails before allocating when the decoded length would exceed `max`.
pub fn decode(text: &str, max: usize) -> Result<Vec<u8>, Base64Error> {
    let bytes = text.as_bytes();
    // First pass, no allocation: validate the alphabet and padding placement, and count.
    let mut symbols = 0usize;
    let mut padding = 0usize;
    for (offset, &b) in bytes.iter().enumerate() {
        if is_space(b) {
            continue;
        }
        if b == b'=' {
            // At most two, and only in the last group of four.
            if padding == 2 || symbols % 4 < 2 {
                return Err(Base64Error::Invalid { offset, found: '=' });
            }
            padding = padding.saturating_add(1);
        } else if sextet(b).is_some() && padding == 0 {
            symbols = symbols.saturating_add(1);
        } else {
            return Err(Base64Error::Invalid { offset, found: char_at(text, offset) });
        }
    }
    if !symbols.saturating_add(padding).is_multiple_of(4) {
        return Err(Base64Error::Incomplete { offset: bytes.len() });
    }
    // symbols = 4k + r with r in {0, 2, 3}; r = 1 was ruled out above (padding needs r >= 2, and
    // without padding the total is a multiple of four).
    let length = (symbols / 4).saturating_mul(3).saturating_add((symbols % 4).saturating_sub(1));
    if length > max {
        return Err(Base64Error::TooLarge { max, length });
    }

    // Second pass: decode into the exact-size buffer.
    let mut out = Vec::with_capacity(length);
    let mut acc = 0u32;
    let mut held = 0u8;
    let mut last = 0usize;
    for (offset, &b) in bytes.iter().enumerate() {
        let Some(v) = sextet(b) else { continue };
        last = offset;
        acc = (acc << 6) | u32::from(v);
        held = held.saturating_add(1);
        if held == 4 {
            out.extend_from_slice(acc.to_be_bytes().get(1..).unwrap_or_default());
            acc = 0;
            held = 0;
        }
    }
    // The tail group: 2 symbols give one byte (4 unused bits), 3 give two (2 unused bits).
    let unused_bits = match held {
        2 => 4u32,
        3 => 2u32,
        _ => 0u32,
    };
    if acc & ((1u32 << unused_bits) - 1) != 0 {
        return Err(Base64Error::Padding { offset: last });
    }
    let tail = (acc >> unused_bits).to_be_bytes();
    match held {
        2 => out.extend_from_slice(tail.get(3..).unwrap_or_default()),
        3 => out.extend_from_slice(tail.get(2..).unwrap_or_default()),
        _ => {}
    }
    debug_assert_eq!(out.len(), length);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_with_white_space_anywhere() {
        assert_eq!(decode("", 10), Ok(vec![]));
        assert_eq!(decode("  \r\n", 10), Ok(vec![]));
        assert_eq!(decode("3wk=", 10), Ok(vec![0xDF, 0x09]));
        assert_eq!(decode(" 3w\r\nk =\t", 10), Ok(vec![0xDF, 0x09]));
        assert_eq!(decode("3wkB", 10), Ok(vec![0xDF, 0x09, 0x01]));
        assert_eq!(decode("3w==", 10), Ok(vec![0xDF]));
        assert_eq!(decode("AAAA3w==", 10), Ok(vec![0, 0, 0, 0xDF]));
        assert_eq!(decode("+/+/", 10), Ok(vec![0xFB, 0xFF, 0xBF]));
    }

    #[test]
    fn rejects_bad_characters_and_padding() {
        assert_eq!(decode("3w-k", 10), Err(Base64Error::Invalid { offset: 2, found: '-' }));
        assert_eq!(decode("3wé=", 10), Err(Base64Error::Invalid { offset: 2, found: 'é' }));
        assert_eq!(decode("3w=k", 10), Err(Base64Error::Invalid { offset: 3, found: 'k' }));
        assert_eq!(decode("3===", 10), Err(Base64Error::Invalid { offset: 1, found: '=' }));
        assert_eq!(decode("=AAA", 10), Err(Base64Error::Invalid { offset: 0, found: '=' }));
        assert_eq!(decode("3w===", 10), Err(Base64Error::Invalid { offset: 4, found: '=' }));
        assert_eq!(decode("3wk", 10), Err(Base64Error::Incomplete { offset: 3 }));
        assert_eq!(decode("3", 10), Err(Base64Error::Incomplete { offset: 1 }));
        assert_eq!(decode("3w=", 10), Err(Base64Error::Incomplete { offset: 3 }));
        // "3x==" and "3wl=" carry non-zero bits that the padding drops.
        assert_eq!(decode("3x==", 10), Err(Base64Error::Padding { offset: 1 }));
        assert_eq!(decode("3wl=", 10), Err(Base64Error::Padding { offset: 2 }));
    }

    #[test]
    fn limit_is_checked_before_decoding() {
        assert_eq!(decode("AAAA", 3), Ok(vec![0, 0, 0]));
        assert_eq!(decode("AAAAAA==", 3), Err(Base64Error::TooLarge { max: 3, length: 4 }));
    }
}
