//! EUI-64 identifiers, RequestIDs and CommandVariants (DUIS-FACTS §1.2, §2).

use core::fmt;
use core::str::FromStr;

/// An EUI-64: eight bytes written `90-B3-D5-1F-30-01-00-00`. Compared on the bytes, so case in
/// the text does not matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Eui64(pub [u8; 8]);

impl Eui64 {
    /// The DCC's identifier in DCC Boxed test data, the default target of CV 8 requests.
    pub const DCC_BOXED: Eui64 = Eui64([0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x00, 0x00, 0x02]);

    /// Parses exactly `HH-HH-HH-HH-HH-HH-HH-HH` (upper or lower case hex), with no white space:
    /// the form of a value in a message. `FromStr` (`"…".parse()`), meant for configuration
    /// text, also allows white space around it (a line read from a file).
    pub fn parse(text: &str) -> Option<Eui64> {
        let bytes = text.as_bytes();
        if bytes.len() != 23 {
            return None;
        }
        let mut out = [0u8; 8];
        for (i, slot) in out.iter_mut().enumerate() {
            let at = i.checked_mul(3)?;
            if i > 0 && bytes.get(at.checked_sub(1)?) != Some(&b'-') {
                return None;
            }
            let hi = hex(*bytes.get(at)?)?;
            let lo = hex(*bytes.get(at.checked_add(1)?)?)?;
            *slot = (hi << 4) | lo;
        }
        Some(Eui64(out))
    }

    /// The eight bytes.
    pub fn bytes(self) -> [u8; 8] {
        self.0
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Eui64 {
    /// Upper-case hex with dashes, the form DUIS examples use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// Error from parsing an [`Eui64`] with `FromStr`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an EUI-64 (expected eight hex bytes joined by '-', e.g. 90-B3-D5-1F-30-00-00-02)")]
pub struct ParseEui64Error;

/// Configuration text: [`Eui64::parse`] of the text with white space around it removed.
impl FromStr for Eui64 {
    type Err = ParseEui64Error;

    fn from_str(s: &str) -> Result<Eui64, ParseEui64Error> {
        Eui64::parse(s.trim()).ok_or(ParseEui64Error)
    }
}

/// A parsed RequestID (or ResponseID): `originator:target:counter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestId {
    /// Field 1: the business originator, the User's EUI-64.
    pub originator: Eui64,
    /// Field 2: the business target, a device or the DCC.
    pub target: Eui64,
    /// Field 3: the originator's counter.
    pub counter: u64,
}

/// Why a RequestID did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestIdError {
    /// Not `EUI64:EUI64:digits`, or a counter with a leading zero.
    Syntax,
    /// Well formed, but the counter is above u64::MAX: the originator and target, which the
    /// rules that do not need the counter still judge.
    Overflow { originator: Eui64, target: Eui64 },
}

impl RequestId {
    /// Parses a RequestID after `xs:token` white-space collapse has been applied.
    pub(crate) fn parse(text: &str) -> Result<RequestId, RequestIdError> {
        // An EUI-64 is exactly 23 bytes with no colon in it: the three colon-separated fields
        // can only start at fixed places, so they are cut there rather than searched for.
        let bytes = text.as_bytes();
        let fields = (text.get(..23), bytes.get(23), text.get(24..47), bytes.get(47), text.get(48..));
        let (Some(originator), Some(b':'), Some(target), Some(b':'), Some(counter)) = fields else {
            return Err(RequestIdError::Syntax);
        };
        RequestId::from_fields(originator, target, counter)
    }

    /// A RequestID from its three fields, once cut apart.
    fn from_fields(originator: &str, target: &str, counter: &str) -> Result<RequestId, RequestIdError> {
        let originator = Eui64::parse(originator).ok_or(RequestIdError::Syntax)?;
        let target = Eui64::parse(target).ok_or(RequestIdError::Syntax)?;
        let digits = counter.as_bytes();
        let well_formed = !digits.is_empty()
            && digits.iter().all(u8::is_ascii_digit)
            && (digits.len() == 1 || digits.first() != Some(&b'0'));
        if !well_formed {
            return Err(RequestIdError::Syntax);
        }
        // Any number of digits with no leading zero: beyond 20 digits it is beyond u64 too.
        let counter = counter.parse::<u64>().map_err(|_| RequestIdError::Overflow { originator, target })?;
        Ok(RequestId { originator, target, counter })
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.originator, self.target, self.counter)
    }
}

/// A DUIS CommandVariant (1 to 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandVariant(u8);

impl CommandVariant {
    /// A CommandVariant from its number; `None` outside 1..=9.
    pub const fn new(value: u8) -> Option<CommandVariant> {
        if value >= 1 && value <= 9 { Some(CommandVariant(value)) } else { None }
    }

    /// The number.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// CV 5, 6 and 7 submit a Signed Pre-Command.
    pub const fn is_signed_pre_command(self) -> bool {
        matches!(self.0, 5..=7)
    }

    /// Parses the XSD lexical form: a `positiveInteger` (optional `+`, leading zeros allowed)
    /// after white-space collapse, enumerated 1 to 9.
    pub(crate) fn parse(text: &str) -> Option<CommandVariant> {
        let digits = text.strip_prefix('+').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let significant = digits.trim_start_matches('0');
        if significant.len() != 1 {
            return None;
        }
        significant.parse::<u8>().ok().and_then(CommandVariant::new)
    }
}

impl fmt::Display for CommandVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A set of CommandVariants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct CvSet(u16);

impl CvSet {
    /// The set of the listed variants (numbers outside 1..=9 are ignored).
    pub const fn of(variants: &[u8]) -> CvSet {
        let mut bits = 0u16;
        let mut rest = variants;
        while let [v, tail @ ..] = rest {
            if *v >= 1 && *v <= 9 {
                bits |= 1 << *v;
            }
            rest = tail;
        }
        CvSet(bits)
    }

    /// True when `cv` is in the set.
    pub const fn contains(self, cv: CommandVariant) -> bool {
        self.0 & (1 << cv.0) != 0
    }

    /// The variants in the set, in order.
    pub fn iter(self) -> impl Iterator<Item = CommandVariant> {
        (1u8..=9).filter_map(CommandVariant::new).filter(move |cv| self.contains(*cv))
    }
}

impl fmt::Display for CvSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for cv in self.iter() {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{cv}")?;
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eui_parses_either_case_and_compares_on_bytes() {
        let upper = Eui64::parse("90-B3-D5-1F-30-01-00-00");
        let lower = Eui64::parse("90-b3-d5-1f-30-01-00-00");
        assert!(upper.is_some());
        assert_eq!(upper, lower);
        assert_eq!(upper.map(|e| e.to_string()).as_deref(), Some("90-B3-D5-1F-30-01-00-00"));
    }

    #[test]
    fn eui_rejects_near_misses() {
        for bad in [
            "",
            "90-B3-D5-1F-30-01-00",
            "90-B3-D5-1F-30-01-00-0G",
            "90:B3-D5-1F-30-01-00-00",
            "90B3D51F30010000",
            " 90-B3-D5-1F-30-01-00-00",
            "90-B3-D5-1F-30-01-00-000",
        ] {
            assert_eq!(Eui64::parse(bad), None, "{bad:?}");
        }
        // Configuration text may carry white space around the value; a message value may not.
        let padded = " 90-B3-D5-1F-30-01-00-00\n";
        assert_eq!(padded.parse::<Eui64>(), Ok(Eui64::parse("90-B3-D5-1F-30-01-00-00").unwrap()));
        assert_eq!(Eui64::parse(padded), None);
    }

    #[test]
    fn request_id_counter_bounds() {
        let id = RequestId::parse("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:18446744073709551615");
        assert_eq!(id.map(|i| i.counter), Ok(u64::MAX));
        assert_eq!(
            RequestId::parse("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:18446744073709551616"),
            Err(RequestIdError::Overflow {
                originator: Eui64::parse("90-B3-D5-1F-30-01-00-00").unwrap(),
                target: Eui64::parse("00-DB-12-34-56-78-90-A4").unwrap()
            })
        );
        // More digits than u64 can hold is the same overflow, not a syntax error.
        let long = format!("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:1{}", "0".repeat(10_000));
        assert!(matches!(RequestId::parse(&long), Err(RequestIdError::Overflow { .. })));
        assert_eq!(RequestId::parse("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:0").map(|i| i.counter), Ok(0));
        for bad in [
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:01",
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:",
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:-1",
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4",
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:1 2",
        ] {
            assert_eq!(RequestId::parse(bad), Err(RequestIdError::Syntax), "{bad:?}");
        }
    }

    /// [`RequestId::parse`] cuts the fields at their places: it answers as splitting at the
    /// colons did, for a RequestID with any one character removed, replaced or added.
    #[test]
    fn request_id_fields_are_cut_as_split() {
        fn split(text: &str) -> Result<RequestId, RequestIdError> {
            let mut fields = text.splitn(3, ':');
            let (Some(originator), Some(target), Some(counter)) = (fields.next(), fields.next(), fields.next()) else {
                return Err(RequestIdError::Syntax);
            };
            // What is compared is the cutting; the fields are read the same way.
            RequestId::from_fields(originator, target, counter)
        }
        let ids = [
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:1000",
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:18446744073709551616",
            "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A4:0",
        ];
        let others = [":", "-", "0", "A", "g", " ", "\u{e9}", "::"];
        for id in ids {
            let chars: Vec<char> = id.chars().collect();
            let mut texts = vec![id.to_owned(), String::new()];
            for at in 0..=chars.len() {
                let (head, tail) = chars.split_at(at);
                let head: String = head.iter().collect();
                let tail: String = tail.iter().collect();
                texts.push(format!("{head}{}", tail.get(1..).unwrap_or_default()));
                texts.push(head.clone());
                for other in others {
                    texts.push(format!("{head}{other}{tail}"));
                    texts.push(format!("{head}{other}{}", tail.get(1..).unwrap_or_default()));
                }
            }
            for text in &texts {
                assert_eq!(RequestId::parse(text), split(text), "{text:?}");
            }
        }
    }

    #[test]
    fn command_variant_lexical_space() {
        for (text, cv) in [
            ("1", Some(1)),
            ("01", Some(1)),
            ("+8", Some(8)),
            ("009", Some(9)),
            ("0", None),
            ("10", None),
            ("", None),
            ("1.0", None),
            ("-1", None),
            ("+", None),
        ] {
            assert_eq!(CommandVariant::parse(text).map(CommandVariant::get), cv, "{text:?}");
        }
    }

    #[test]
    fn cv_set_membership_and_display() {
        let set = CvSet::of(&[4, 5, 6, 7]);
        assert!(set.contains(CommandVariant(5)));
        assert!(!set.contains(CommandVariant(1)));
        assert_eq!(set.to_string(), "4, 5, 6, 7");
        assert_eq!(CvSet::default().to_string(), "none");
    }
}
