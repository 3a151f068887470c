//! Simple-type values: whitespace normalisation, built-in lexical spaces and facets.
//!
//! Checks work on borrowed text; normalisation allocates only when `replace`/`collapse`
//! actually changes the value.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::{Builtin, Facet, Schema, WhiteSpace};

/// Members of an enumeration a [`FacetKind::Enumeration`] finding names: enough for a
/// code list, bounded for a schema with thousands of members.
pub const ENUMERATION_LISTED: usize = 12;

/// Largest enumeration a failing value is compared with for "did you mean": DUIS 5.4's
/// largest has 194 members. The bound keeps a thousand kept findings against a run-time
/// schema's long list to a fraction of a second (each comparison is a small edit-distance
/// table).
const NEAR_MISS_MEMBERS: usize = 512;

/// Which check a value failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FacetKind {
    /// Not in the lexical space of the built-in type (XSD Part 2 §3.2, §3.3).
    Lexical(Builtin),
    /// `xs:length` (characters, or octets for binary types).
    Length {
        /// The facet value.
        expected: u64,
        /// The measured length.
        actual: u64,
    },
    /// `xs:minLength`.
    MinLength {
        /// The facet value.
        expected: u64,
        /// The measured length.
        actual: u64,
    },
    /// `xs:maxLength`.
    MaxLength {
        /// The facet value.
        expected: u64,
        /// The measured length.
        actual: u64,
    },
    /// `xs:minInclusive`.
    MinInclusive(String),
    /// `xs:maxInclusive`.
    MaxInclusive(String),
    /// `xs:minExclusive`.
    MinExclusive(String),
    /// `xs:maxExclusive`.
    MaxExclusive(String),
    /// `xs:totalDigits`.
    TotalDigits(u32),
    /// `xs:fractionDigits`.
    FractionDigits(u32),
    /// `xs:enumeration`: not one of the members.
    Enumeration {
        /// The first members, at most [`ENUMERATION_LISTED`], in the schema's sorted order.
        listed: Vec<String>,
        /// How many members there are in all.
        total: usize,
        /// The member the value most likely meant: equal but for case, or one edit away per
        /// five characters (a word for the message, never a verdict).
        near: Option<String>,
    },
    /// `xs:pattern`: matches none of these XSD patterns.
    Pattern(Vec<String>),
    /// A `fixed` value constraint.
    Fixed(String),
    /// An `xs:ID` value already used in this document.
    DuplicateId,
}

/// Apply `xs:whiteSpace`.
pub(crate) fn normalize(raw: &str, ws: WhiteSpace) -> Cow<'_, str> {
    let is_ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    match ws {
        WhiteSpace::Preserve => Cow::Borrowed(raw),
        WhiteSpace::Replace => {
            if raw.contains(['\t', '\n', '\r']) {
                Cow::Owned(raw.replace(['\t', '\n', '\r'], " "))
            } else {
                Cow::Borrowed(raw)
            }
        }
        WhiteSpace::Collapse => {
            let bytes = raw.as_bytes();
            let is_ws_byte = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
            let start = bytes.iter().position(|&b| !is_ws_byte(b)).unwrap_or(bytes.len());
            let end = bytes.iter().rposition(|&b| !is_ws_byte(b)).map_or(start, |last| last.saturating_add(1));
            let trimmed = raw.get(start..end).unwrap_or_default();
            // Already collapsed: no TAB, LF or CR (nor any other control character, which would
            // come out of the slow path unchanged), and no two spaces in a row. Passes with no
            // early exit and lane-wise operations only, which the compiler vectorises. The
            // lowest byte decides the common cases in one pass: above a space, the value has
            // no white space or control character at all (UTF-8 continuation and lead bytes
            // are all above 0x7F), so it is collapsed; below a space, it has a control
            // character, so the pair scan can only confirm the slow path.
            let t = trimmed.as_bytes();
            let lowest = t.iter().fold(u8::MAX, |low, &b| low.min(b));
            if lowest > b' ' {
                return Cow::Borrowed(trimmed);
            }
            if lowest == b' ' {
                let doubled = t
                    .iter()
                    .zip(t.iter().skip(1))
                    .fold(0u8, |seen, (&a, &b)| seen | (u8::from(a == b' ') & u8::from(b == b' ')));
                if doubled == 0 {
                    return Cow::Borrowed(trimmed);
                }
            }
            let mut s = String::with_capacity(trimmed.len());
            for word in trimmed.split(is_ws).filter(|w| !w.is_empty()) {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(word);
            }
            Cow::Owned(s)
        }
    }
}

/// Built-in whitespace handling.
pub(crate) fn builtin_whitespace(b: Builtin) -> WhiteSpace {
    match b {
        Builtin::String | Builtin::AnySimpleType => WhiteSpace::Preserve,
        Builtin::NormalizedString => WhiteSpace::Replace,
        _ => WhiteSpace::Collapse,
    }
}

/// A decimal number borrowed from its lexical form: sign, integer digits without leading
/// zeros, fraction digits without trailing zeros. Compared without converting, so
/// `unsignedLong` and unbounded `integer` values need no big-number type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decimal<'a> {
    neg: bool,
    int: &'a str,
    frac: &'a str,
}

impl<'a> Decimal<'a> {
    /// Parse `[+-]?(d+(.d*)?|.d+)`; with `integer`, no fraction part.
    pub(crate) fn parse(s: &'a str, integer: bool) -> Option<Self> {
        let (neg, rest) = match s.as_bytes().first() {
            Some(b'-') => (true, s.get(1..)?),
            Some(b'+') => (false, s.get(1..)?),
            _ => (false, s),
        };
        // Values are short: plain byte loops, where `split_once` and `trim_*_matches` with a
        // character pattern cost a call and a searcher each.
        let (int, frac) = match rest.bytes().position(|b| b == b'.') {
            Some(_) if integer => return None,
            Some(at) => (rest.get(..at)?, rest.get(at.saturating_add(1)..)?),
            None => (rest, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Digits only from here: a byte is a character.
        let int = int.get(int.bytes().take_while(|&b| b == b'0').count()..)?;
        let frac = frac.get(..frac.bytes().rposition(|b| b != b'0').map_or(0, |last| last.saturating_add(1)))?;
        let zero = int.is_empty() && frac.is_empty();
        Some(Decimal { neg: neg && !zero, int, frac })
    }

    fn cmp_abs(&self, other: &Self) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(other.int))
            .then_with(|| self.frac.cmp(other.frac))
    }

    pub(crate) fn total_digits(&self) -> usize {
        (self.int.len() + self.frac.len()).max(1)
    }

    pub(crate) fn fraction_digits(&self) -> usize {
        self.frac.len()
    }
}

impl PartialEq for Decimal<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Decimal<'_> {}
impl PartialOrd for Decimal<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Decimal<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_abs(other),
            (true, true) => other.cmp_abs(self),
        }
    }
}

/// Inclusive value range of the integer built-ins (`None` = unbounded side).
fn integer_range(b: Builtin) -> Option<(Option<&'static str>, Option<&'static str>)> {
    Some(match b {
        Builtin::Integer => (None, None),
        Builtin::NonPositiveInteger => (None, Some("0")),
        Builtin::NegativeInteger => (None, Some("-1")),
        Builtin::Long => (Some("-9223372036854775808"), Some("9223372036854775807")),
        Builtin::Int => (Some("-2147483648"), Some("2147483647")),
        Builtin::Short => (Some("-32768"), Some("32767")),
        Builtin::Byte => (Some("-128"), Some("127")),
        Builtin::NonNegativeInteger => (Some("0"), None),
        Builtin::UnsignedLong => (Some("0"), Some("18446744073709551615")),
        Builtin::UnsignedInt => (Some("0"), Some("4294967295")),
        Builtin::UnsignedShort => (Some("0"), Some("65535")),
        Builtin::UnsignedByte => (Some("0"), Some("255")),
        Builtin::PositiveInteger => (Some("1"), None),
        _ => return None,
    })
}

/// [`integer_range`] read once, at compile time: the bounds as [`Decimal::parse`] gives them
/// (no leading zeros, no fraction, zero not negative), so that checking a value of a bounded
/// integer type parses only the value. A unit test compares each with the parsed text.
fn integer_bounds(b: Builtin) -> Option<(Option<Decimal<'static>>, Option<Decimal<'static>>)> {
    const fn pos(int: &'static str) -> Option<Decimal<'static>> {
        Some(Decimal { neg: false, int, frac: "" })
    }
    const fn neg(int: &'static str) -> Option<Decimal<'static>> {
        Some(Decimal { neg: true, int, frac: "" })
    }
    // Zero has no integer digits once its leading zeros are trimmed.
    const ZERO: Option<Decimal<'static>> = pos("");
    Some(match b {
        Builtin::Integer => (None, None),
        Builtin::NonPositiveInteger => (None, ZERO),
        Builtin::NegativeInteger => (None, neg("1")),
        Builtin::Long => (neg("9223372036854775808"), pos("9223372036854775807")),
        Builtin::Int => (neg("2147483648"), pos("2147483647")),
        Builtin::Short => (neg("32768"), pos("32767")),
        Builtin::Byte => (neg("128"), pos("127")),
        Builtin::NonNegativeInteger => (ZERO, None),
        Builtin::UnsignedLong => (ZERO, pos("18446744073709551615")),
        Builtin::UnsignedInt => (ZERO, pos("4294967295")),
        Builtin::UnsignedShort => (ZERO, pos("65535")),
        Builtin::UnsignedByte => (ZERO, pos("255")),
        Builtin::PositiveInteger => (pos("1"), None),
        _ => return None,
    })
}

/// Built-ins whose value space is decimal numbers.
pub(crate) fn is_numeric(b: Builtin) -> bool {
    b == Builtin::Decimal || integer_range(b).is_some()
}

/// Built-ins on which the length facets are meaningful.
pub(crate) fn has_length(b: Builtin) -> bool {
    matches!(
        b,
        Builtin::String
            | Builtin::NormalizedString
            | Builtin::Token
            | Builtin::Language
            | Builtin::Name
            | Builtin::NcName
            | Builtin::NmToken
            | Builtin::Id
            | Builtin::IdRef
            | Builtin::AnyUri
            | Builtin::Base64Binary
            | Builtin::HexBinary
    )
}

/// Check a normalised value against the lexical space of `b`.
pub(crate) fn lexical_ok(b: Builtin, v: &str) -> bool {
    match b {
        Builtin::AnySimpleType | Builtin::String | Builtin::NormalizedString | Builtin::Token => true,
        Builtin::AnyUri => crate::uri::is_any_uri(v),
        Builtin::Language => {
            let mut parts = v.split('-');
            parts.next().is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()))
                && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        }
        Builtin::Name => is_name(v, true),
        Builtin::NcName | Builtin::Id | Builtin::IdRef => is_name(v, false),
        Builtin::NmToken => !v.is_empty() && v.chars().all(|c| is_name_char(c, true)),
        Builtin::Boolean => matches!(v, "true" | "false" | "1" | "0"),
        Builtin::Decimal => Decimal::parse(v, false).is_some(),
        Builtin::Date => datetime::date(v),
        Builtin::DateTime => datetime::date_time(v),
        Builtin::Time => datetime::time(v),
        Builtin::GYear => datetime::g_year(v),
        Builtin::GYearMonth => datetime::g_year_month(v),
        Builtin::GMonth => datetime::g_month(v),
        Builtin::GMonthDay => datetime::g_month_day(v),
        Builtin::GDay => datetime::g_day(v),
        Builtin::Base64Binary => base64_octets(v).is_some(),
        Builtin::HexBinary => v.len().is_multiple_of(2) && v.bytes().all(|b| b.is_ascii_hexdigit()),
        // The unsigned types' lexical space is digits only, without a sign (§3.3.21-24).
        Builtin::UnsignedLong | Builtin::UnsignedInt | Builtin::UnsignedShort | Builtin::UnsignedByte
            if v.starts_with(['+', '-']) =>
        {
            false
        }
        _ => match (integer_bounds(b), Decimal::parse(v, true)) {
            (Some((lo, hi)), Some(d)) => lo.is_none_or(|l| d >= l) && hi.is_none_or(|h| d <= h),
            _ => false,
        },
    }
}

fn is_name_char(c: char, rest: bool) -> bool {
    let start = c == ':'
        || c == '_'
        || c.is_ascii_alphabetic()
        || matches!(u32::from(c), 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF | 0x370..=0x37D
            | 0x37F..=0x1FFF | 0x200C..=0x200D | 0x2070..=0x218F | 0x2C00..=0x2FEF
            | 0x3001..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFFD | 0x10000..=0xEFFFF);
    start
        || rest
            && (c == '-'
                || c == '.'
                || c.is_ascii_digit()
                || matches!(u32::from(c), 0xB7 | 0x300..=0x36F | 0x203F..=0x2040))
}

fn is_name(v: &str, colon: bool) -> bool {
    let mut chars = v.chars();
    chars.next().is_some_and(|c| is_name_char(c, false) && (colon || c != ':'))
        && chars.all(|c| is_name_char(c, true) && (colon || c != ':'))
}

/// Number of octets in a base64Binary value, or `None` if it is not base64. XML whitespace
/// may appear anywhere (libxml2 accepts that too); `=` padding only at the end.
pub(crate) fn base64_octets(v: &str) -> Option<u64> {
    let bytes = v.as_bytes();
    // Whole 32-byte groups go through the branch-free loop, which the compiler vectorises
    // (a 13.65 MB FirmwareImage is checked at memory speed); the last 0 to 31 bytes, which
    // that loop would take one at a time at some 35 instructions each, go through a table.
    let (head, tail) = bytes.split_at(bytes.len() - bytes.len() % 32);
    let (mut bad, mut spaces, mut pads) = (false, 0u64, 0u64);
    // Byte counters per 128-byte block and no short-circuits, so that the loop runs 32 bytes
    // to an instruction.
    for block in head.chunks(128) {
        let (mut block_bad, mut block_spaces, mut block_pads) = (0u8, 0u8, 0u8);
        for &b in block {
            let alphabet =
                ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10) | (b == b'+') | (b == b'/');
            let space = (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\r');
            let pad = b == b'=';
            block_bad |= u8::from(!(alphabet | space | pad));
            block_spaces += u8::from(space);
            block_pads += u8::from(pad);
        }
        bad |= block_bad != 0;
        spaces += u64::from(block_spaces);
        pads += u64::from(block_pads);
    }
    // At most 31 bytes: the 8-bit fields of the sum cannot overflow.
    let tail_classes = tail.iter().fold(0u32, |sum, &b| sum + base64_class(b));
    bad |= tail_classes >> 16 != 0;
    spaces += u64::from(tail_classes & 0xFF);
    pads += u64::from((tail_classes >> 8) & 0xFF);
    if bad {
        return None;
    }
    // `=` only at the end: every `=` lies in the final run of `=` and white space (then
    // nothing but more `=` and white space follows the first one). The byte before that run,
    // if any, is the last character of the alphabet, which carries the final quantum's
    // unused bits.
    let run = bytes.iter().rev().take_while(|&&b| matches!(b, b'=' | b' ' | b'\t' | b'\n' | b'\r'));
    let (run_len, run_pads) = run.fold((0usize, 0u64), |(n, p), &b| (n + 1, p + u64::from(b == b'=')));
    if run_pads != pads {
        return None;
    }
    let last = (bytes.len() - run_len).checked_sub(1).and_then(|i| bytes.get(i)).copied().unwrap_or(0);
    let chars = u64::try_from(bytes.len()).unwrap_or(u64::MAX) - spaces - pads;
    let (pad, total) = (pads, chars + pads);
    if !total.is_multiple_of(4) || pad > 2 || (pad > 0 && chars == 0) {
        return None;
    }
    // The bits a padded final quantum does not use must be zero (Part 2 §3.2.16: B04 and
    // B16); libxml2 checks this too.
    let unused_bits_zero = match pad {
        2 => b"AQgw".contains(&last),
        1 => b"AEIMQUYcgkosw048".contains(&last),
        _ => true,
    };
    unused_bits_zero.then_some(total / 4 * 3 - pad)
}

/// Each byte of a base64 value as `base64_octets` sums them: 1 for white space, 1 << 8 for
/// `=`, 1 << 16 for a byte outside the alphabet, 0 for the alphabet. A table, not a `match`:
/// the compiler vectorises a `match` four bytes at a time at more cost than one load a byte.
static BASE64_CLASS: [u32; 256] = {
    let mut table = [1 << 16; 256];
    let mut b: u8 = 0;
    loop {
        let class = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => 0,
            b' ' | b'\t' | b'\n' | b'\r' => 1,
            b'=' => 1 << 8,
            _ => 1 << 16,
        };
        // Evaluated at compile time (where `usize::from` is not available): an index out of
        // range would fail the build.
        #[allow(clippy::indexing_slicing, clippy::as_conversions)]
        {
            table[b as usize] = class;
        }
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

fn base64_class(b: u8) -> u32 {
    BASE64_CLASS.get(usize::from(b)).copied().unwrap_or(1 << 16)
}

/// Length of a value as the length facets measure it.
fn measured_length(b: Builtin, v: &str, octets: Option<u64>) -> u64 {
    let n = match b {
        Builtin::Base64Binary => return octets.or_else(|| base64_octets(v)).unwrap_or(0),
        Builtin::HexBinary => v.len() / 2,
        _ => v.chars().count(),
    };
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Whether two different texts can be the same value of `b` (`1.0` and `1`, `AB` and `ab`).
fn value_space_differs(b: Builtin) -> bool {
    is_numeric(b) || matches!(b, Builtin::HexBinary | Builtin::Boolean | Builtin::Base64Binary)
}

/// Whether a value equals an enumeration member or bound, in the value space of `b`.
fn same_value(b: Builtin, a: &str, member: &str) -> bool {
    if is_numeric(b) {
        return match (Decimal::parse(a, false), Decimal::parse(member, false)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        };
    }
    match b {
        Builtin::HexBinary => a.eq_ignore_ascii_case(member),
        Builtin::Boolean => matches!(a, "true" | "1") == matches!(member, "true" | "1"),
        Builtin::Base64Binary => {
            a.bytes().filter(|c| !c.is_ascii_whitespace()).eq(member.bytes().filter(|c| !c.is_ascii_whitespace()))
        }
        _ => a == member,
    }
}

/// Check `raw` against simple type `st`. Returns the failed check, with its details (the
/// members and patterns it names, the likely member meant) only when `detail`: a finding the
/// sink will only count costs no more than the check.
pub(crate) fn check(schema: &Schema, st: u32, raw: &str, detail: bool) -> Result<(), FacetKind> {
    let Some(ty) = schema.simple(st) else {
        return Ok(());
    };
    let b = ty.builtin;
    let facets = ty.facets.of(&schema.facets);
    let v = if ty.whitespace == WhiteSpace::Collapse && !collapse_matters(b, facets) {
        // Trimming is enough here (no allocation): either the lexical space has no inner
        // whitespace at all, so a value with some fails either way, or (base64) inner
        // whitespace is ignored by the check and no facet looks at the text itself.
        Cow::Borrowed(raw.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')))
    } else {
        normalize(raw, ty.whitespace)
    };
    let v = v.as_ref();
    // base64Binary is read once: its octet count serves the lexical check and the length
    // facets.
    let octets = (b == Builtin::Base64Binary).then(|| base64_octets(v));
    let lexical = match octets {
        Some(octets) => octets.is_some(),
        None => lexical_ok(b, v),
    };
    if !lexical {
        return Err(FacetKind::Lexical(b));
    }
    let octets = octets.flatten();
    for facet in facets {
        check_facet(schema, b, v, *facet, octets, detail)?;
    }
    Ok(())
}

/// Whether collapsing inner whitespace (not just trimming) can change a check's outcome.
fn collapse_matters(b: Builtin, facets: &[Facet]) -> bool {
    match b {
        Builtin::Token | Builtin::NormalizedString | Builtin::String | Builtin::AnyUri | Builtin::AnySimpleType => true,
        Builtin::Base64Binary => facets.iter().any(|f| matches!(f, Facet::Pattern(_) | Facet::Enumeration(_))),
        _ => false,
    }
}

/// One facet; `Err` names it.
fn check_facet(
    schema: &Schema,
    b: Builtin,
    v: &str,
    facet: Facet,
    octets: Option<u64>,
    detail: bool,
) -> Result<(), FacetKind> {
    let number = || Decimal::parse(v, false);
    let bound = |id: u32| Decimal::parse(schema.string(id), false);
    let compare = |id: u32, ok: fn(Ordering) -> bool| match (number(), bound(id)) {
        (Some(x), Some(l)) => ok(x.cmp(&l)),
        _ => false,
    };
    let length = |n: u64, ok: fn(u64, u64) -> bool, kind: fn(u64, u64) -> FacetKind| {
        let actual = measured_length(b, v, octets);
        if ok(actual, n) { Ok(()) } else { Err(kind(n, actual)) }
    };
    // The failure is built only on failure: bounds are owned strings in findings.
    let fail = |ok: bool, kind: &dyn Fn() -> FacetKind| if ok { Ok(()) } else { Err(kind()) };
    let bound_text = |id: u32| schema.string(id).to_owned();
    match facet {
        Facet::Length(n) => length(n, |a, n| a == n, |expected, actual| FacetKind::Length { expected, actual }),
        Facet::MinLength(n) => length(n, |a, n| a >= n, |expected, actual| FacetKind::MinLength { expected, actual }),
        Facet::MaxLength(n) => length(n, |a, n| a <= n, |expected, actual| FacetKind::MaxLength { expected, actual }),
        Facet::MinInclusive(s) => fail(compare(s, Ordering::is_ge), &|| FacetKind::MinInclusive(bound_text(s))),
        Facet::MaxInclusive(s) => fail(compare(s, Ordering::is_le), &|| FacetKind::MaxInclusive(bound_text(s))),
        Facet::MinExclusive(s) => fail(compare(s, Ordering::is_gt), &|| FacetKind::MinExclusive(bound_text(s))),
        Facet::MaxExclusive(s) => fail(compare(s, Ordering::is_lt), &|| FacetKind::MaxExclusive(bound_text(s))),
        Facet::TotalDigits(n) => {
            fail(number().is_some_and(|d| u32::try_from(d.total_digits()).is_ok_and(|t| t <= n)), &|| {
                FacetKind::TotalDigits(n)
            })
        }
        Facet::FractionDigits(n) => {
            fail(number().is_some_and(|d| u32::try_from(d.fraction_digits()).is_ok_and(|t| t <= n)), &|| {
                FacetKind::FractionDigits(n)
            })
        }
        Facet::Enumeration(members) => {
            let members = members.of(&schema.strings);
            // Equal text is an equal value in every type, and how members are nearly always
            // written; the value-space comparison is needed only where the text can differ.
            // Members are sorted by the compiler.
            let found = members.binary_search_by(|m| m.as_ref().cmp(v)).is_ok()
                || (value_space_differs(b) && members.iter().any(|m| same_value(b, v, m)));
            fail(found, &|| FacetKind::Enumeration {
                // Cut as every text a finding keeps: a thousand findings stay small.
                listed: members
                    .iter()
                    .take(if detail { ENUMERATION_LISTED } else { 0 })
                    .map(|m| crate::quoted(m))
                    .collect(),
                total: members.len(),
                // Only in lists a person reads: a run-time schema's 300,000-member enumeration
                // must not cost a scan per failing value.
                near: (detail && members.len() <= NEAR_MISS_MEMBERS)
                    .then(|| crate::near::near_miss(v, members.iter().map(AsRef::as_ref)).map(crate::quoted))
                    .flatten(),
            })
        }
        Facet::Pattern(pats) => {
            let pats = pats.of(&schema.patterns);
            // A pattern that cannot compile was rejected by the compiler; treat it as a
            // failed match rather than letting a value through unchecked.
            let hit = pats.iter().any(|p| p.compiled().is_some_and(|re| re.is_match(v)));
            if hit {
                Ok(())
            } else {
                let named = if detail { pats.len() } else { 0 };
                Err(FacetKind::Pattern(pats.iter().take(named).map(|p| p.xsd.to_string()).collect()))
            }
        }
    }
}

/// Whether `raw` equals the `fixed` value `fixed` in the value space of `st`.
pub(crate) fn equals_fixed(schema: &Schema, st: u32, raw: &str, fixed: &str) -> bool {
    let Some(ty) = schema.simple(st) else {
        return raw == fixed;
    };
    let a = normalize(raw, ty.whitespace);
    let f = normalize(fixed, ty.whitespace);
    same_value(ty.builtin, &a, &f)
}

/// Date and time lexical spaces (XSD 1.0 Part 2 §3.2.7-§3.2.14).
mod datetime {
    /// The value of a run of ASCII digits: `None` if it is empty, holds anything else or
    /// overflows, as `str::parse` gives it for digits alone (without its sign handling).
    pub(super) fn number(digits: &str) -> Option<u64> {
        if digits.is_empty() {
            return None;
        }
        digits.bytes().try_fold(0u64, |value, b| {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            value.checked_mul(10)?.checked_add(u64::from(digit))
        })
    }

    fn digits(s: &str, n: usize) -> Option<(u32, &str)> {
        let head = s.get(..n)?;
        Some((u32::try_from(number(head)?).ok()?, s.get(n..)?))
    }

    fn lit(s: &str, c: char) -> Option<&str> {
        s.strip_prefix(c)
    }

    /// `-?YYYY+` with no leading zero beyond four digits and no year 0000.
    fn year(s: &str) -> Option<(i64, &str)> {
        let (neg, s) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n < 4 || (n > 4 && s.starts_with('0')) {
            return None;
        }
        let y = i64::try_from(number(s.get(..n)?)?).ok()?;
        if y == 0 {
            return None;
        }
        Some((if neg { -y } else { y }, s.get(n..)?))
    }

    fn leap(y: i64) -> bool {
        // XSD 1.0 Appendix E (`maximumDayInMonthFor`) takes the year value as written, negative
        // ones too: -0004 is a leap year and -0001 is not, as libxml2 and Xerces read them
        // (and XSD 1.1, whose year 0000 makes -0004 the astronomical year -4).
        y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0)
    }

    fn days_in(y: Option<i64>, m: u32) -> u32 {
        match m {
            2 => match y {
                Some(y) if !leap(y) => 28,
                _ => 29,
            },
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Optional `Z` or `(+|-)hh:mm` with |offset| <= 14:00, then end of input.
    fn tz_end(s: &str) -> bool {
        if s.is_empty() || s == "Z" {
            return true;
        }
        let Some(rest) = s.strip_prefix(['+', '-']) else {
            return false;
        };
        let Some((h, rest)) = digits(rest, 2) else {
            return false;
        };
        let Some((m, rest)) = lit(rest, ':').and_then(|r| digits(r, 2)) else {
            return false;
        };
        rest.is_empty() && m <= 59 && (h < 14 || h == 14 && m == 0)
    }

    /// `MM-DD` after the year's dash.
    fn month_day(s: &str, y: Option<i64>) -> Option<&str> {
        let (m, s) = digits(s, 2)?;
        let (d, s) = digits(lit(s, '-')?, 2)?;
        ((1..=12).contains(&m) && d >= 1 && d <= days_in(y, m)).then_some(s)
    }

    /// `hh:mm:ss(.s+)?`; 24:00:00 is allowed (XSD 1.0 2nd edition) and means midnight.
    fn hms(s: &str) -> Option<&str> {
        let (h, s) = digits(s, 2)?;
        let (m, s) = digits(lit(s, ':')?, 2)?;
        let (sec, mut s) = digits(lit(s, ':')?, 2)?;
        let mut frac_zero = true;
        if let Some(r) = s.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            frac_zero = r.get(..n)?.bytes().all(|b| b == b'0');
            s = r.get(n..)?;
        }
        let ok = (h < 24 && m < 60 && sec < 60) || (h == 24 && m == 0 && sec == 0 && frac_zero);
        ok.then_some(s)
    }

    pub(super) fn date_time(v: &str) -> bool {
        (|| {
            let (y, s) = year(v)?;
            let s = month_day(lit(s, '-')?, Some(y))?;
            let s = hms(lit(s, 'T')?)?;
            tz_end(s).then_some(())
        })()
        .is_some()
    }

    pub(super) fn date(v: &str) -> bool {
        (|| {
            let (y, s) = year(v)?;
            let s = month_day(lit(s, '-')?, Some(y))?;
            tz_end(s).then_some(())
        })()
        .is_some()
    }

    pub(super) fn time(v: &str) -> bool {
        hms(v).is_some_and(tz_end)
    }

    pub(super) fn g_year(v: &str) -> bool {
        year(v).is_some_and(|(_, s)| tz_end(s))
    }

    pub(super) fn g_year_month(v: &str) -> bool {
        (|| {
            let (_, s) = year(v)?;
            let (m, s) = digits(lit(s, '-')?, 2)?;
            ((1..=12).contains(&m) && tz_end(s)).then_some(())
        })()
        .is_some()
    }

    pub(super) fn g_month(v: &str) -> bool {
        (|| {
            let (m, s) = digits(v.strip_prefix("--")?, 2)?;
            ((1..=12).contains(&m) && tz_end(s)).then_some(())
        })()
        .is_some()
    }

    pub(super) fn g_month_day(v: &str) -> bool {
        v.strip_prefix("--").and_then(|s| month_day(s, None)).is_some_and(tz_end)
    }

    pub(super) fn g_day(v: &str) -> bool {
        (|| {
            let (d, s) = digits(v.strip_prefix("---")?, 2)?;
            ((1..=31).contains(&d) && tz_end(s)).then_some(())
        })()
        .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_borrows_when_clean() {
        assert!(matches!(normalize("a b", WhiteSpace::Collapse), Cow::Borrowed("a b")));
        assert!(matches!(normalize("  a b\n", WhiteSpace::Collapse), Cow::Borrowed("a b")));
        assert_eq!(normalize(" a \t\n b ", WhiteSpace::Collapse), "a b");
        assert_eq!(normalize("a  b", WhiteSpace::Collapse), "a b");
        assert_eq!(normalize("a\rb", WhiteSpace::Collapse), "a b");
        assert_eq!(normalize(" \t ", WhiteSpace::Collapse), "");
        assert!(matches!(normalize("", WhiteSpace::Collapse), Cow::Borrowed("")));
        assert_eq!(normalize("a\tb", WhiteSpace::Replace), "a b");
        assert_eq!(normalize(" a ", WhiteSpace::Preserve), " a ");
    }

    #[test]
    fn decimals() {
        for ok in ["+1.50", "-0", "0.", ".5", "007", "-12.000"] {
            assert!(lexical_ok(Builtin::Decimal, ok), "{ok}");
        }
        for bad in ["", ".", "+", "1e3", "1.2.3", " 1", "0x1", "1,5"] {
            assert!(!lexical_ok(Builtin::Decimal, bad), "{bad}");
        }
        let d = |s| Decimal::parse(s, false).unwrap();
        assert!(d("+1.50") == d("1.5"));
        assert!(d("-0") == d("0.0"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("10") > d("9.99"));
        assert_eq!(d("012.340").total_digits(), 4);
        assert_eq!(d("012.340").fraction_digits(), 2);
        assert_eq!(d("0").total_digits(), 1);
    }

    /// [`Decimal::parse`] reads with byte loops what it read with `split_once` and
    /// `trim_*_matches`: the same parts for every short string of its alphabet and more.
    #[test]
    fn decimal_parse_reads_as_the_string_methods_did() {
        fn reference(s: &str, integer: bool) -> Option<(bool, &str, &str)> {
            let (neg, rest) = match s.as_bytes().first() {
                Some(b'-') => (true, s.get(1..)?),
                Some(b'+') => (false, s.get(1..)?),
                _ => (false, s),
            };
            let (int, frac) = match rest.split_once('.') {
                Some(_) if integer => return None,
                Some((i, f)) => (i, f),
                None => (rest, ""),
            };
            if int.is_empty() && frac.is_empty() {
                return None;
            }
            if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let int = int.trim_start_matches('0');
            let frac = frac.trim_end_matches('0');
            let zero = int.is_empty() && frac.is_empty();
            Some((neg && !zero, int, frac))
        }
        let alphabet = ["0", "1", "9", ".", "-", "+", "a", "\u{e9}", " "];
        let mut strings = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                strings.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            strings.extend(longer);
            strings.sort();
            strings.dedup();
        }
        strings.extend(["007.500", "-000.000", "+18446744073709551615", "1.2.3", "00", ".0"].map(String::from));
        for s in &strings {
            for integer in [false, true] {
                let got = Decimal::parse(s, integer).map(|d| (d.neg, d.int, d.frac));
                assert_eq!(got, reference(s, integer), "{s:?} (integer: {integer})");
            }
        }
    }

    #[test]
    fn integer_bounds_are_the_parsed_ranges() {
        let fields = |d: Option<Decimal<'_>>| d.map(|d| (d.neg, d.int.to_owned(), d.frac.to_owned()));
        for &(_, b) in crate::model::BUILTINS {
            let parse = |s: Option<&'static str>| s.map(|s| Decimal::parse(s, true).unwrap());
            match (integer_range(b), integer_bounds(b)) {
                (None, None) => {}
                (Some((lo, hi)), Some((l, h))) => {
                    assert_eq!(fields(parse(lo)), fields(l), "{b:?} minimum");
                    assert_eq!(fields(parse(hi)), fields(h), "{b:?} maximum");
                }
                (range, bounds) => panic!("{b:?}: {range:?} but {bounds:?}"),
            }
        }
    }

    #[test]
    fn integer_ranges() {
        let cases: &[(Builtin, &str, &str, &str, &str)] = &[
            (Builtin::Byte, "-128", "127", "-129", "128"),
            (Builtin::Short, "-32768", "32767", "-32769", "32768"),
            (Builtin::Int, "-2147483648", "2147483647", "-2147483649", "2147483648"),
            (
                Builtin::Long,
                "-9223372036854775808",
                "9223372036854775807",
                "-9223372036854775809",
                "9223372036854775808",
            ),
            (Builtin::UnsignedByte, "0", "255", "-1", "256"),
            (Builtin::UnsignedShort, "0", "65535", "-0", "65536"),
            (Builtin::UnsignedInt, "00", "4294967295", "+1", "4294967296"),
            (Builtin::UnsignedLong, "0", "18446744073709551615", "-1", "18446744073709551616"),
            (Builtin::PositiveInteger, "1", "99999999999999999999999", "0", "-1"),
            (Builtin::NonNegativeInteger, "0", "1", "-1", "1.0"),
            (Builtin::NonPositiveInteger, "0", "-5", "1", "x"),
            (Builtin::NegativeInteger, "-1", "-99", "0", "1"),
        ];
        for &(b, lo, hi, below, above) in cases {
            assert!(lexical_ok(b, lo), "{b:?} {lo}");
            assert!(lexical_ok(b, hi), "{b:?} {hi}");
            assert!(!lexical_ok(b, below), "{b:?} {below}");
            assert!(!lexical_ok(b, above), "{b:?} {above}");
        }
        assert!(lexical_ok(Builtin::Integer, "-000123"));
        assert!(!lexical_ok(Builtin::Integer, "1.0"));
    }

    #[test]
    fn booleans() {
        for ok in ["true", "false", "1", "0"] {
            assert!(lexical_ok(Builtin::Boolean, ok));
        }
        for bad in ["TRUE", "yes", "", "2"] {
            assert!(!lexical_ok(Builtin::Boolean, bad));
        }
        assert!(same_value(Builtin::Boolean, "1", "true"));
    }

    #[test]
    fn digit_runs_read_as_str_parse_reads_them() {
        for s in [
            "",
            "0",
            "00",
            "07",
            "12",
            "99",
            "+1",
            "-1",
            "1a",
            " 1",
            "\u{660}",
            "4294967295",
            "4294967296",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "000000000000000000000000000001",
            "99999999999999999999999999",
        ] {
            let digits_only = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let as_u32 = datetime::number(s).and_then(|n| u32::try_from(n).ok());
            let as_i64 = datetime::number(s).and_then(|n| i64::try_from(n).ok());
            assert_eq!(as_u32, s.parse::<u32>().ok().filter(|_| digits_only), "{s:?}");
            assert_eq!(as_i64, s.parse::<i64>().ok().filter(|_| digits_only), "{s:?}");
        }
    }

    #[test]
    fn date_times() {
        let ok = [
            "2024-02-29T00:00:00",
            "2024-01-31T23:59:59Z",
            "2024-01-31T23:59:59.123+01:00",
            "2024-01-31T24:00:00",
            "2024-01-31T24:00:00.000Z",
            "-0044-03-15T12:00:00-14:00",
            "12024-01-01T00:00:00",
        ];
        let bad = [
            "2023-02-29T00:00:00",
            "2024-13-01T00:00:00",
            "2024-01-32T00:00:00",
            "2024-01-31T24:00:01",
            "2024-01-31T24:01:00",
            "2024-01-31T23:60:00",
            "2024-01-31T23:59:60",
            "2024-01-31T23:59:59+14:01",
            "2024-01-31T23:59:59+15:00",
            "2024-01-31T23:59:59.",
            "2024-01-31 23:59:59",
            "0000-01-01T00:00:00",
            "02024-01-01T00:00:00",
            "24-01-01T00:00:00",
            "2024-01-01",
            "2024-01-01T00:00",
        ];
        for v in ok {
            assert!(lexical_ok(Builtin::DateTime, v), "{v}");
        }
        for v in bad {
            assert!(!lexical_ok(Builtin::DateTime, v), "{v}");
        }
        assert!(lexical_ok(Builtin::Date, "2024-02-29Z"));
        assert!(!lexical_ok(Builtin::Date, "2024-02-30"));
        // Negative years by XSD 1.0 Appendix E, the value as written (libxml2, Xerces).
        assert!(lexical_ok(Builtin::Date, "-0004-02-29"));
        assert!(!lexical_ok(Builtin::Date, "-0001-02-29"));
        assert!(!lexical_ok(Builtin::Date, "-0005-02-29"));
        assert!(lexical_ok(Builtin::Date, "-0400-02-29"));
        assert!(!lexical_ok(Builtin::Date, "-0100-02-29"));
        assert!(lexical_ok(Builtin::Time, "13:20:00.5-05:00"));
        assert!(lexical_ok(Builtin::Time, "24:00:00"));
        assert!(!lexical_ok(Builtin::Time, "13:20"));
        assert!(lexical_ok(Builtin::GYear, "2024"));
        assert!(lexical_ok(Builtin::GYearMonth, "2024-12Z"));
        assert!(lexical_ok(Builtin::GMonth, "--12"));
        assert!(lexical_ok(Builtin::GMonthDay, "--02-29"));
        assert!(!lexical_ok(Builtin::GMonthDay, "--02-30"));
        assert!(lexical_ok(Builtin::GDay, "---31"));
        assert!(!lexical_ok(Builtin::GDay, "---32"));
    }

    /// The byte-at-a-time reading of XSD Part 2 §3.2.16 the fast `base64_octets` must agree with.
    fn base64_octets_reference(v: &str) -> Option<u64> {
        let (mut chars, mut pad, mut last) = (0u64, 0u64, 0u8);
        for b in v.bytes() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {}
                b'=' => pad += 1,
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad == 0 => {
                    chars += 1;
                    last = b;
                }
                _ => return None,
            }
        }
        let total = chars + pad;
        if !total.is_multiple_of(4) || pad > 2 || (pad > 0 && chars == 0) {
            return None;
        }
        let unused_bits_zero = match pad {
            2 => b"AQgw".contains(&last),
            1 => b"AEIMQUYcgkosw048".contains(&last),
            _ => true,
        };
        unused_bits_zero.then_some(total / 4 * 3 - pad)
    }

    #[test]
    fn base64_octets_agrees_with_the_byte_at_a_time_reading() {
        const BYTES: &[u8] = b"AQgwBZaz09+/= \n\r\t!-_.{";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut valid = 0;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = (state >> 59) as usize;
            let text: String = (0..len)
                .map(|i| {
                    let r = state.rotate_left(7 * i as u32 + 3);
                    // Mostly alphabet, so that valid values are common too.
                    let pick =
                        if r.is_multiple_of(4) { (r >> 8) as usize % BYTES.len() } else { (r >> 8) as usize % 12 };
                    BYTES[pick] as char
                })
                .collect();
            assert_eq!(base64_octets(&text), base64_octets_reference(&text), "{text:?}");
            valid += usize::from(base64_octets(&text).is_some_and(|n| n > 0));
        }
        assert!(valid > 500, "only {valid} non-empty valid values: the test data is too weak");
    }

    /// Long values too, so that both the vectorised 32-byte groups and the table-read tail
    /// are exercised, with padding, white space and bad bytes on either side of the split.
    #[test]
    fn base64_octets_agrees_with_the_reference_on_long_values() {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const NOISE: &[u8] = b" \t\n\r=!-_.{\x00\x7f";
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let (mut valid, mut invalid) = (0, 0);
        for _ in 0..20_000 {
            let quanta = next() % 40;
            let mut text: Vec<u8> = (0..quanta * 4).map(|_| ALPHABET[next() % ALPHABET.len()]).collect();
            // Valid padding on the final quantum, most of the time.
            match (quanta > 0).then(|| next() % 3) {
                Some(1) => {
                    let n = text.len();
                    text[n - 1] = b'=';
                    text[n - 2] = b'=';
                    text[n - 3] = b"AQgw"[next() % 4];
                }
                Some(2) => {
                    let n = text.len();
                    text[n - 1] = b'=';
                    text[n - 2] = b"AEIMQUYcgkosw048"[next() % 16];
                }
                _ => {}
            }
            // White space anywhere, and now and then a stray byte or a lost character.
            for _ in 0..next() % 6 {
                let at = next() % (text.len() + 1);
                text.insert(at, b" \t\n\r"[next() % 4]);
            }
            if next() % 4 == 0 && !text.is_empty() {
                let at = next() % text.len();
                text[at] = NOISE[next() % NOISE.len()];
            }
            if next() % 8 == 0 && !text.is_empty() {
                text.remove(next() % text.len());
            }
            let text = String::from_utf8(text).unwrap();
            let expected = base64_octets_reference(&text);
            assert_eq!(base64_octets(&text), expected, "{text:?}");
            if expected.is_some() { valid += 1 } else { invalid += 1 }
        }
        assert!(valid > 5_000 && invalid > 2_000, "{valid} valid, {invalid} invalid: the test data is too weak");
    }

    /// The plain reading of `whiteSpace="collapse"` the borrowing fast paths must agree with.
    #[test]
    fn collapse_agrees_with_split_and_join() {
        const BYTES: &[&str] = &["a", "b", " ", " ", "\t", "\n", "\r", "\u{1}", "\u{e9}", "\u{a0}", "\u{7f}"];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = (state >> 59) as usize;
            let text: String =
                (0..len).map(|i| BYTES[(state.rotate_left(5 * i as u32 + 1) >> 40) as usize % BYTES.len()]).collect();
            let expected = text.split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
            let got = normalize(&text, WhiteSpace::Collapse);
            assert_eq!(got, expected, "{text:?}");
            // Borrowed exactly when trimming is all it takes and no control character is in it.
            let trimmed = text.trim_matches([' ', '\t', '\n', '\r']);
            let clean = !trimmed.contains("  ") && !trimmed.bytes().any(|b| b < b' ');
            assert_eq!(matches!(got, Cow::Borrowed(_)), clean, "{text:?}");
        }
    }

    #[test]
    fn binary() {
        assert_eq!(base64_octets("QUJD"), Some(3));
        assert_eq!(base64_octets("QUI="), Some(2));
        assert_eq!(base64_octets("QQ=="), Some(1));
        assert_eq!(base64_octets("QU\nJD\r\n QQ =="), Some(4));
        assert_eq!(base64_octets(""), Some(0));
        assert_eq!(base64_octets("QUJ"), None);
        assert_eq!(base64_octets("Q==="), None);
        assert_eq!(base64_octets("QQ==QUJD"), None);
        assert_eq!(base64_octets("QU!D"), None);
        // Unused bits of a padded quantum must be zero.
        assert_eq!(base64_octets("QR=="), None);
        assert_eq!(base64_octets("QUJ="), None);
        assert_eq!(base64_octets("QUI="), Some(2));
        assert!(lexical_ok(Builtin::HexBinary, "0aFF"));
        assert!(!lexical_ok(Builtin::HexBinary, "0aF"));
        assert!(!lexical_ok(Builtin::HexBinary, "0g"));
        assert_eq!(measured_length(Builtin::HexBinary, "0aFF", None), 2);
        assert_eq!(measured_length(Builtin::String, "caf\u{e9}", None), 4);
        assert!(same_value(Builtin::HexBinary, "0A", "0a"));
    }

    #[test]
    fn names() {
        assert!(lexical_ok(Builtin::NcName, "_a-1.b"));
        assert!(!lexical_ok(Builtin::NcName, "a:b"));
        assert!(!lexical_ok(Builtin::Id, "1a"));
        assert!(lexical_ok(Builtin::Name, "a:b"));
        assert!(lexical_ok(Builtin::NmToken, "1a"));
        assert!(lexical_ok(Builtin::Language, "en-GB"));
        assert!(!lexical_ok(Builtin::Language, "englishes-x"));
    }
}
