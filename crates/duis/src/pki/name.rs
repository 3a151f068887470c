//! Distinguished names compared as names, not strings (RFC 4514 and RFC 4517), and serial
//! numbers written in decimal.
//!
//! XMLDSig's `X509IssuerName` is an RFC 4514 string (RDNs in reverse DER order); the
//! certificate's issuer is DER. Both are turned into the same [`Name`] here: attribute types as
//! dotted OIDs, string values with insignificant space removed and case folded (caseIgnoreMatch,
//! RFC 4517 §4.2.11, which every attribute in Organisation Certificate names uses), other values
//! as their DER tag and content.

use core::fmt::Write as _;

/// One attribute value, ready for comparison.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Value {
    /// A string value: trimmed, inner white-space runs collapsed to one space, lower case.
    Text(String),
    /// Any other value: DER tag byte and content.
    Raw(u8, Vec<u8>),
}

/// An attribute type and value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Ava {
    /// Dotted OID, e.g. `2.5.4.3`.
    pub(crate) oid: String,
    pub(crate) value: Value,
}

/// A distinguished name in DER order (most significant RDN first). Each RDN's AVAs are sorted,
/// since a set has no order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub(crate) struct Name(pub(crate) Vec<Vec<Ava>>);

/// Short names RFC 4514 §3 lists, plus those seen in smart-metering certificates.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("CN", "2.5.4.3"),
    ("L", "2.5.4.7"),
    ("ST", "2.5.4.8"),
    ("O", "2.5.4.10"),
    ("OU", "2.5.4.11"),
    ("C", "2.5.4.6"),
    ("STREET", "2.5.4.9"),
    ("DC", "0.9.2342.19200300.100.1.25"),
    ("UID", "0.9.2342.19200300.100.1.1"),
    ("SERIALNUMBER", "2.5.4.5"),
    ("X500UNIQUEIDENTIFIER", "2.5.4.45"),
    ("EMAILADDRESS", "1.2.840.113549.1.9.1"),
    ("E", "1.2.840.113549.1.9.1"),
];

/// DER string tags whose content is text (UTF8String, NumericString, PrintableString,
/// TeletexString treated as Latin-1-compatible ASCII, IA5String, BMPString excluded).
const STRING_TAGS: &[u8] = &[0x0C, 0x12, 0x13, 0x14, 0x16, 0x1A];

/// True for the DER string tags read as text ([`STRING_TAGS`]).
pub(crate) fn is_string_tag(tag: u8) -> bool {
    STRING_TAGS.contains(&tag)
}

/// Folds a string value for caseIgnoreMatch: trims, collapses white space, lower-cases.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A value from its DER tag and content.
pub(crate) fn value_from_der(tag: u8, content: &[u8]) -> Value {
    if STRING_TAGS.contains(&tag)
        && let Ok(text) = core::str::from_utf8(content)
    {
        return Value::Text(fold(text));
    }
    Value::Raw(tag, content.to_vec())
}

fn oid_of(kind: &str) -> Option<String> {
    let kind = kind.trim_matches(' ');
    if kind.is_empty() {
        return None;
    }
    if kind.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let well_formed = kind.split('.').count() >= 2 && kind.split('.').all(|arc| !arc.is_empty());
        return well_formed.then(|| kind.to_owned());
    }
    let kind = kind.strip_prefix("OID.").or_else(|| kind.strip_prefix("oid.")).unwrap_or(kind);
    if kind.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return oid_of(kind);
    }
    SHORT_NAMES.iter().find(|(short, _)| short.eq_ignore_ascii_case(kind)).map(|(_, oid)| (*oid).to_owned())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses `#` followed by the hex of a DER TLV with a short or long length.
fn hex_value(text: &str) -> Option<Value> {
    let digits = text.trim_matches(' ').as_bytes();
    if digits.is_empty() || !digits.len().is_multiple_of(2) {
        return None;
    }
    let mut bytes = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks(2) {
        let (hi, lo) = (hex(*pair.first()?)?, hex(*pair.get(1)?)?);
        bytes.push((hi << 4) | lo);
    }
    let (&tag, rest) = bytes.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let content = if len < 0x80 {
        rest
    } else {
        let count = usize::from(len & 0x7F);
        let (len_bytes, rest) = rest.split_at_checked(count)?;
        let n = len_bytes.iter().try_fold(0usize, |acc, &b| acc.checked_mul(256)?.checked_add(usize::from(b)))?;
        if n != rest.len() {
            return None;
        }
        rest
    };
    if len < 0x80 && usize::from(len) != content.len() {
        return None;
    }
    Some(value_from_der(tag, content))
}

/// Parses one RFC 4514 attribute value (the part after `=`), handling `\` escapes. Unescaped
/// leading and trailing spaces are insignificant.
fn string_value(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            let next = *bytes.get(i.checked_add(1)?)?;
            if let Some(hi) = hex(next) {
                let lo = hex(*bytes.get(i.checked_add(2)?)?)?;
                out.push((hi << 4) | lo);
                i = i.checked_add(3)?;
            } else if b" \"#+,;<=>\\".contains(&next) {
                out.push(next);
                i = i.checked_add(2)?;
            } else {
                return None;
            }
        } else if b == b'"' {
            // RFC 2253's quoted values were dropped by RFC 4514; refused.
            return None;
        } else {
            out.push(b);
            i = i.checked_add(1)?;
        }
    }
    String::from_utf8(out).ok()
}

/// Splits on `sep` where it is not escaped by a backslash.
fn split_unescaped<'t>(text: &'t str, seps: &[u8]) -> Vec<&'t str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0usize;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if seps.contains(&b) {
            parts.push(text.get(start..i).unwrap_or_default());
            start = i.saturating_add(1);
        }
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// Parses an RFC 4514 string. RDNs are separated by `,` (or the RFC 2253-era `;`), AVAs within
/// an RDN by `+`; spaces around separators are tolerated, as XMLDSig producers write
/// `CN=U1, OU=07`. Returns the name in DER order.
pub(crate) fn parse_rfc4514(text: &str) -> Option<Name> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let text = text.trim_start_matches(is_space);
    let mut end = text.trim_end_matches(is_space).len();
    // A trailing space escaped with a backslash is part of the value.
    let backslashes = text.get(..end).unwrap_or_default().bytes().rev().take_while(|&b| b == b'\\').count();
    if !backslashes.is_multiple_of(2) && end < text.len() {
        end = end.saturating_add(1);
    }
    let text = text.get(..end).unwrap_or_default();
    if text.is_empty() {
        return Some(Name::default());
    }
    let mut rdns = Vec::new();
    for rdn in split_unescaped(text, b",;") {
        let mut avas = Vec::new();
        for ava in split_unescaped(rdn, b"+") {
            let (kind, value) = ava.split_once('=')?;
            let oid = oid_of(kind)?;
            let value = value.trim_start_matches(' ');
            let value = if let Some(hex) = value.strip_prefix('#') {
                hex_value(hex)?
            } else {
                Value::Text(fold(&string_value(value)?))
            };
            avas.push(Ava { oid, value });
        }
        avas.sort_by(|a, b| (&a.oid, format!("{:?}", a.value)).cmp(&(&b.oid, format!("{:?}", b.value))));
        rdns.push(avas);
    }
    rdns.reverse();
    Some(Name(rdns))
}

/// Renders one RFC 4514 value, escaping what §2.4 requires.
fn escape_value(text: &str, out: &mut String) {
    let last = text.chars().count().saturating_sub(1);
    for (i, ch) in text.chars().enumerate() {
        let special = matches!(ch, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (i == 0 && matches!(ch, ' ' | '#'))
            || (i == last && ch == ' ');
        if special {
            out.push('\\');
        }
        if ch == '\0' {
            out.push_str("\\00");
        } else {
            out.push(ch);
        }
    }
}

/// The short name of an OID for rendering, or the dotted OID.
fn short_name(oid: &str) -> &str {
    SHORT_NAMES.iter().find(|(_, o)| *o == oid).map_or(oid, |(short, _)| short)
}

/// Renders a name given as (dotted OID, DER tag, content) RDNs in DER order as an RFC 4514
/// string (`CN=Z1,OU=07`).
pub(crate) fn render_rfc4514(rdns: &[Vec<(String, u8, Vec<u8>)>]) -> String {
    render(rdns, ",")
}

/// [`render_rfc4514`] with a space after each RDN separator (`CN=Z1, OU=07`), as many XMLDSig
/// producers write it.
pub(crate) fn render_rfc4514_spaced(rdns: &[Vec<(String, u8, Vec<u8>)>]) -> String {
    render(rdns, ", ")
}

fn render(rdns: &[Vec<(String, u8, Vec<u8>)>], separator: &str) -> String {
    let mut out = String::new();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        for (j, (oid, tag, content)) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            out.push_str(short_name(oid));
            out.push('=');
            match core::str::from_utf8(content) {
                Ok(text) if STRING_TAGS.contains(tag) => escape_value(text, &mut out),
                _ => {
                    out.push('#');
                    let _ = write!(out, "{tag:02X}");
                    let len = content.len();
                    if len < 0x80 {
                        let _ = write!(out, "{len:02X}");
                    } else {
                        let be = len.to_be_bytes();
                        let skip = be.iter().take_while(|&&b| b == 0).count();
                        let significant = be.get(skip..).unwrap_or_default();
                        let count = u8::try_from(significant.len()).unwrap_or(0);
                        let _ = write!(out, "{:02X}", 0x80 | count);
                        for b in significant {
                            let _ = write!(out, "{b:02X}");
                        }
                    }
                    for b in content {
                        let _ = write!(out, "{b:02X}");
                    }
                }
            }
        }
    }
    out
}

/// Why an `X509SerialNumber` gives no serial to look up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SerialError {
    /// Not a non-negative decimal integer.
    NotDecimal,
    /// A number of more than 100 significant digits: no certificate has it (serials are at
    /// most 20 octets, RFC 5280 §4.1.2.2), so it is not converted.
    TooLarge,
}

/// Parses a decimal `X509SerialNumber` (an `xs:integer`: optional sign, leading zeros, white
/// space around it) into big-endian bytes with no leading zeros. A negative value is an error;
/// `-0` is zero.
pub(crate) fn decimal_to_bytes(text: &str) -> Result<Vec<u8>, SerialError> {
    let text = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SerialError::NotDecimal);
    }
    let significant = digits.trim_start_matches('0');
    if negative && !significant.is_empty() {
        return Err(SerialError::NotDecimal);
    }
    if significant.len() > 100 {
        return Err(SerialError::TooLarge);
    }
    let mut out: Vec<u8> = Vec::new();
    for d in significant.bytes() {
        let mut carry = u16::from(d - b'0');
        for byte in out.iter_mut().rev() {
            let v = u16::from(*byte).checked_mul(10).and_then(|v| v.checked_add(carry)).ok_or(SerialError::TooLarge)?;
            *byte = u8::try_from(v & 0xFF).map_err(|_| SerialError::TooLarge)?;
            carry = v >> 8;
        }
        while carry > 0 {
            out.insert(0, u8::try_from(carry & 0xFF).map_err(|_| SerialError::TooLarge)?);
            carry >>= 8;
        }
    }
    Ok(out)
}

/// Big-endian bytes as a decimal string.
pub(crate) fn bytes_to_decimal(bytes: &[u8]) -> String {
    let mut number: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    if number.is_empty() {
        return "0".to_owned();
    }
    let mut digits = Vec::new();
    while !number.is_empty() {
        let mut remainder = 0u16;
        for byte in &mut number {
            let v = (remainder << 8) | u16::from(*byte);
            *byte = u8::try_from(v / 10).unwrap_or(0);
            remainder = v % 10;
        }
        digits.push(char::from(b'0'.saturating_add(u8::try_from(remainder).unwrap_or(0))));
        let zeros = number.iter().take_while(|&&b| b == 0).count();
        number.drain(..zeros);
    }
    digits.iter().rev().collect()
}

/// Strips leading zero bytes (a DER INTEGER's sign padding).
pub(crate) fn magnitude(bytes: &[u8]) -> &[u8] {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    bytes.get(zeros..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(oid: &str, value: &str) -> Ava {
        Ava { oid: oid.into(), value: Value::Text(value.into()) }
    }

    #[test]
    fn rfc4514_strings_parse_into_der_order() {
        let name = parse_rfc4514("CN=Z1,OU=07").unwrap();
        assert_eq!(name, Name(vec![vec![text("2.5.4.11", "07")], vec![text("2.5.4.3", "z1")]]));
        // Spaces after the comma, lower-case type names, an OID type and case all differ;
        // the names are equal.
        assert_eq!(parse_rfc4514("cn=z1,  OU = 07").unwrap(), name);
        assert_eq!(parse_rfc4514("2.5.4.3=Z1,OU=07").unwrap(), name);
        assert_eq!(parse_rfc4514("CN=Z1;OU=07").unwrap(), name);
        // Hex form of a PrintableString "07".
        assert_eq!(parse_rfc4514("CN=Z1,OU=#13023037").unwrap(), name);
        assert_ne!(parse_rfc4514("OU=07,CN=Z1").unwrap(), name, "RDN order matters");
    }

    #[test]
    fn rfc4514_escapes_and_multivalued_rdns() {
        let name = parse_rfc4514(r"CN=a\,b+O=x,OU=\30\37").unwrap();
        assert_eq!(name.0.len(), 2);
        assert_eq!(name.0.first().unwrap(), &vec![text("2.5.4.11", "07")]);
        assert_eq!(name.0.get(1).unwrap(), &vec![text("2.5.4.10", "x"), text("2.5.4.3", "a,b")]);
        assert_eq!(parse_rfc4514("O=x+CN=a\\,b,OU=07").unwrap(), name, "AVA order inside an RDN is free");
        for bad in ["CN", "=x", "XX=1", "CN=a\\q", "CN=#123", "1.=x"] {
            assert_eq!(parse_rfc4514(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_render_as_rfc4514() {
        let rdns = vec![
            vec![("2.5.4.11".to_owned(), 0x13, b"07".to_vec())],
            vec![("2.5.4.3".to_owned(), 0x0C, b"Z1".to_vec())],
        ];
        assert_eq!(render_rfc4514(&rdns), "CN=Z1,OU=07");
        let odd =
            vec![vec![("2.5.4.3".to_owned(), 0x0C, b" a,b ".to_vec())], vec![("1.2.3".to_owned(), 0x04, vec![1, 2])]];
        let text = render_rfc4514(&odd);
        assert_eq!(text, r"1.2.3=#04020102,CN=\ a\,b\ ");
        let parsed = parse_rfc4514(&text).unwrap();
        assert_eq!(parsed.0.first().unwrap(), &vec![text_value("2.5.4.3", "a,b")]);
    }

    fn text_value(oid: &str, value: &str) -> Ava {
        text(oid, value)
    }

    proptest::proptest! {
        #[test]
        fn rendered_names_parse_back_to_the_same_name(
            rdns in proptest::collection::vec(
                (proptest::sample::select(vec!["2.5.4.3", "2.5.4.11", "2.5.4.10", "1.2.3.4"]),
                 "[ -~]{0,12}"),
                1..5,
            )
        ) {
            let rdns: Vec<Vec<(String, u8, Vec<u8>)>> =
                rdns.into_iter().map(|(oid, value)| vec![(oid.to_owned(), 0x0C, value.into_bytes())]).collect();
            let expected: Name = Name(
                rdns.iter()
                    .map(|rdn| rdn.iter().map(|(oid, tag, v)| Ava { oid: oid.clone(), value: value_from_der(*tag, v) }).collect())
                    .collect(),
            );
            let text = render_rfc4514(&rdns);
            proptest::prop_assert_eq!(parse_rfc4514(&text), Some(expected), "{}", text);
        }

        #[test]
        fn serials_round_trip(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..20)) {
            let decimal = bytes_to_decimal(&bytes);
            proptest::prop_assert_eq!(decimal_to_bytes(&decimal), Ok(magnitude(&bytes).to_vec()));
        }
    }

    #[test]
    fn serials_convert_both_ways() {
        let serial = "27572613927499351639968579586655397031";
        let bytes = decimal_to_bytes(serial).unwrap();
        assert_eq!(
            bytes,
            vec![0x14, 0xBE, 0x4A, 0xD2, 0xEA, 0x1D, 0x0E, 0x4E, 0xC7, 0xF7, 0x15, 0x6B, 0xD2, 0x46, 0x24, 0xA7]
        );
        assert_eq!(bytes_to_decimal(&bytes), serial);
        assert_eq!(decimal_to_bytes(" +00256 "), Ok(vec![1, 0]));
        assert_eq!(decimal_to_bytes("0"), Ok(vec![]));
        assert_eq!(decimal_to_bytes("-0"), Ok(vec![]));
        assert_eq!(decimal_to_bytes("-000"), Ok(vec![]));
        assert_eq!(bytes_to_decimal(&[0, 0]), "0");
        for bad in ["", "-1", "-", "+", "1e3", "12a", "0x10", "+-1"] {
            assert_eq!(decimal_to_bytes(bad), Err(SerialError::NotDecimal), "{bad}");
        }
        // Leading zeros never count towards the size; a hundred significant digits do.
        let padded = format!("{}4097", "0".repeat(10_000));
        assert_eq!(decimal_to_bytes(&padded), Ok(vec![0x10, 0x01]));
        assert_eq!(decimal_to_bytes(&"9".repeat(101)), Err(SerialError::TooLarge));
        assert!(decimal_to_bytes(&"9".repeat(100)).is_ok());
    }
}
