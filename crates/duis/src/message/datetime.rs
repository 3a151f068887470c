//! `xs:dateTime` values (XML Schema 1.0 Part 2 §3.2.7), as DUIS uses them for
//! `ExecutionDateTime` and `ResponseDateTime`, and RFC 3339 instants for "now".

use core::cmp::Ordering;
use core::fmt;

/// An `xs:dateTime`: a date and time of day, with or without a time-zone offset.
///
/// Values with an offset are instants; values without one are "local" and, per XSD, are only
/// partially ordered against instants. [`DateTime::instant`] gives the UTC seconds of a value
/// with an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00 of the local date-time as written (24:00:00 already
    /// rolled over to the next day).
    local_seconds: i64,
    /// Fraction of a second, in nanoseconds (digits past the ninth are kept only as
    /// `beyond_nanos`).
    nanos: u32,
    /// A non-zero fraction digit past the ninth: the value is later than `nanos` says, which
    /// decides a comparison with a value that has no such digit (`now`, say).
    beyond_nanos: bool,
    /// Offset from UTC in minutes, when the value has one (`Z` is 0).
    offset_minutes: Option<i16>,
}

/// Why a date-time did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an xs:dateTime (expected YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm])")]
pub struct ParseDateTimeError;

impl DateTime {
    /// Parses the `xs:dateTime` lexical form. Leading and trailing XML white space is allowed
    /// (the type collapses white space); nothing else is.
    pub fn parse(text: &str) -> Result<DateTime, ParseDateTimeError> {
        parse(text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))).ok_or(ParseDateTimeError)
    }

    /// Parses an RFC 3339 `date-time` such as `2026-11-23T10:00:00Z` (RFC 3339 §5.6): a
    /// four-digit year, hours 00 to 23, an offset always, `T` and `Z` in either case. A leap
    /// second (`23:59:60`) is taken as the last instant of the second before it.
    pub fn parse_rfc3339(text: &str) -> Result<DateTime, ParseDateTimeError> {
        let b = text.as_bytes();
        // date-fullyear "-" month "-" mday "T" hour ":" minute ":" second: fixed positions.
        if b.len() < 20 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
            return Err(ParseDateTimeError);
        }
        let mut owned = text.to_owned();
        // RFC 3339 §5.6: `T` in either case, or (its note) a space, as `date --rfc-3339` writes.
        if matches!(b.get(10), Some(b't' | b' ')) {
            owned.replace_range(10..11, "T");
        }
        if owned.ends_with('z') {
            owned.replace_range(owned.len() - 1.., "Z");
        }
        if owned.get(11..13).is_some_and(|hour| hour == "24") {
            return Err(ParseDateTimeError);
        }
        let leap = owned.get(17..19) == Some("60");
        if leap {
            owned.replace_range(17..19, "59");
        }
        let mut value = parse(&owned).ok_or(ParseDateTimeError)?;
        if value.offset_minutes.is_none() {
            return Err(ParseDateTimeError);
        }
        if leap {
            // RFC 3339 §5.7: a leap second ends a UTC day, 23:59:60Z (or that instant with an
            // offset); second 60 of any other minute is no time.
            let offset = i64::from(value.offset_minutes.unwrap_or(0)) * 60;
            if value.local_seconds.saturating_sub(offset).rem_euclid(86_400) != 86_399 {
                return Err(ParseDateTimeError);
            }
            value.nanos = 999_999_999;
            value.beyond_nanos = true;
        }
        Ok(value)
    }

    /// A UTC instant from seconds since the Unix epoch.
    pub fn from_unix(seconds: i64, nanos: u32) -> DateTime {
        DateTime { local_seconds: seconds, nanos: nanos.min(999_999_999), beyond_nanos: false, offset_minutes: Some(0) }
    }

    /// The offset from UTC in minutes, if the value has one.
    pub fn offset_minutes(self) -> Option<i16> {
        self.offset_minutes
    }

    /// Seconds since the Unix epoch (UTC) and nanoseconds, for a value with an offset.
    pub fn instant(self) -> Option<(i64, u32)> {
        let offset = i64::from(self.offset_minutes?);
        Some((self.local_seconds.checked_sub(offset.checked_mul(60)?)?, self.nanos))
    }

    /// Compares two values as XSD orders them. Two values with offsets, or two without, are
    /// totally ordered; a local value and an instant compare only when they differ by more
    /// than 14 hours (XSD 1.0 §3.2.7.4), otherwise `None`. Fraction digits past the ninth
    /// count only as "later than the nanosecond": two values that differ only there compare
    /// equal.
    pub fn partial_cmp_xsd(self, other: DateTime) -> Option<Ordering> {
        match (self.instant(), other.instant()) {
            (Some(a), Some(b)) => Some((a, self.beyond_nanos).cmp(&(b, other.beyond_nanos))),
            (None, None) => Some((self.local_seconds, self.nanos, self.beyond_nanos).cmp(&(
                other.local_seconds,
                other.nanos,
                other.beyond_nanos,
            ))),
            _ => {
                // XSD 1.0 §3.2.7.4, at full precision: an instant P is before a local value Q
                // when P < (Q with +14:00), after it when P > (Q with -14:00), and otherwise
                // the two are not ordered.
                const FOURTEEN_HOURS: i64 = 14 * 3600;
                let (zoned, local, flip) = match self.instant() {
                    Some(_) => (self, other, false),
                    None => (other, self, true),
                };
                let (seconds, nanos) = zoned.instant()?;
                let p = (seconds, nanos, zoned.beyond_nanos);
                let q = |shift: i64| (local.local_seconds.saturating_add(shift), local.nanos, local.beyond_nanos);
                let order = if p < q(-FOURTEEN_HOURS) {
                    Ordering::Less
                } else if p > q(FOURTEEN_HOURS) {
                    Ordering::Greater
                } else {
                    return None;
                };
                Some(if flip { order.reverse() } else { order })
            }
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.local_seconds.div_euclid(86_400);
        let secs = self.local_seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)?;
        if self.beyond_nanos {
            // Digits past the ninth are not kept: say that there were more.
            write!(f, ".{:09}…", self.nanos)?;
        } else if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        match self.offset_minutes {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }
}

fn digits(text: &str, n: usize) -> Option<i64> {
    let part = text.get(..n)?;
    if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None }
}

fn parse(text: &str) -> Option<DateTime> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // Year: four or more digits, no leading zero when more than four.
    let year_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if year_len < 4 || (year_len > 4 && rest.starts_with('0')) || year_len > 9 {
        return None;
    }
    let year = digits(rest, year_len)?;
    if year == 0 {
        return None; // XSD 1.0 has no year 0000.
    }
    let year = if negative { -year } else { year };
    let rest = rest.get(year_len..)?;
    let b = rest.as_bytes();
    if b.len() < 15
        || b.first() != Some(&b'-')
        || b.get(3) != Some(&b'-')
        || b.get(6) != Some(&b'T')
        || b.get(9) != Some(&b':')
        || b.get(12) != Some(&b':')
    {
        return None;
    }
    let month = digits(rest.get(1..)?, 2)?;
    let day = digits(rest.get(4..)?, 2)?;
    let hour = digits(rest.get(7..)?, 2)?;
    let minute = digits(rest.get(10..)?, 2)?;
    let second = digits(rest.get(13..)?, 2)?;
    let mut rest = rest.get(15..)?;
    let mut nanos: u32 = 0;
    let mut any_fraction = false;
    let mut beyond_nanos = false;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        for (i, d) in fraction.bytes().take(len).enumerate() {
            if i < 9 {
                nanos = nanos.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
            } else {
                beyond_nanos |= d != b'0';
            }
            any_fraction |= d != b'0';
        }
        for _ in len..9 {
            nanos = nanos.checked_mul(10)?;
        }
        rest = fraction.get(len..)?;
    }
    let offset_minutes = match rest {
        "" => None,
        "Z" => Some(0),
        zone => {
            let zb = zone.as_bytes();
            let sign = match zb.first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            if zb.len() != 6 || zb.get(3) != Some(&b':') {
                return None;
            }
            let h = digits(zone.get(1..)?, 2)?;
            let m = digits(zone.get(4..)?, 2)?;
            if m > 59 || h > 14 || (h == 14 && m != 0) {
                return None;
            }
            Some(i16::try_from(sign * (h * 60 + m)).ok()?)
        }
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || minute > 59 || second > 59 {
        return None;
    }
    // 24:00:00 is allowed only exactly, and means the start of the next day.
    if hour > 24 || (hour == 24 && (minute != 0 || second != 0 || any_fraction)) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let local_seconds = days.checked_mul(86_400)?.checked_add(hour * 3600 + minute * 60 + second)?;
    Some(DateTime { local_seconds, nanos, beyond_nanos, offset_minutes })
}

fn is_leap(year: i64) -> bool {
    // XSD 1.0 years are astronomical-ish: -0001 is the year before 0001; treat -1 as leap
    // like ISO year 0 would be. Only used to bound the day of month.
    let y = if year < 0 { year + 1 } else { year };
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_duis_uses() {
        let t = DateTime::parse("2025-01-01T12:00:00Z").unwrap();
        assert_eq!(t.instant(), Some((1_735_732_800, 0)));
        assert_eq!(t.to_string(), "2025-01-01T12:00:00Z");
        let local = DateTime::parse("2025-01-01T12:00:00").unwrap();
        assert_eq!(local.instant(), None);
        let offset = DateTime::parse("2025-01-01T13:00:00+01:00").unwrap();
        assert_eq!(offset.instant(), t.instant());
        let frac = DateTime::parse(" 2025-01-01T12:00:00.250Z\n").unwrap();
        assert_eq!(frac.instant(), Some((1_735_732_800, 250_000_000)));
        assert_eq!(frac.to_string(), "2025-01-01T12:00:00.25Z");
    }

    #[test]
    fn twenty_four_hundred_is_next_midnight() {
        let a = DateTime::parse("2024-12-31T24:00:00Z").unwrap();
        let b = DateTime::parse("2025-01-01T00:00:00Z").unwrap();
        assert_eq!(a.instant(), b.instant());
        assert!(DateTime::parse("2024-12-31T24:00:01Z").is_err());
    }

    #[test]
    fn rejects_invalid_dates_and_forms() {
        for bad in [
            "2025-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-01-01 00:00:00Z",
            "2025-01-01T00:00Z",
            "25-01-01T00:00:00Z",
            "2025-01-01T00:00:00+15:00",
            "2025-01-01T00:00:00+01",
            "0000-01-01T00:00:00",
            "02025-01-01T00:00:00",
            "2025-01-01T00:00:00.",
            "2025-01-01T00:60:00",
        ] {
            assert!(DateTime::parse(bad).is_err(), "{bad:?}");
        }
        assert!(DateTime::parse("2024-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn rfc3339_needs_an_offset() {
        assert!(DateTime::parse_rfc3339("2015-01-01T00:00:00Z").is_ok());
        assert!(DateTime::parse_rfc3339("2015-01-01T00:00:00").is_err());
        // RFC 3339 §5.6: `T` and `Z` may be lower case; the year has four digits; hours stop
        // at 23; a leap second is a time.
        assert_eq!(DateTime::parse_rfc3339("2015-01-01t00:00:00z"), DateTime::parse_rfc3339("2015-01-01T00:00:00Z"));
        // `date -u --rfc-3339=seconds` separates date and time with a space (RFC 3339 §5.6 note).
        assert_eq!(
            DateTime::parse_rfc3339("2015-01-01 00:00:00+00:00"),
            DateTime::parse_rfc3339("2015-01-01T00:00:00Z")
        );
        assert!(DateTime::parse_rfc3339("2015-01-01  00:00:00Z").is_err());
        assert!(DateTime::parse_rfc3339("10000-01-01T00:00:00Z").is_err());
        assert!(DateTime::parse_rfc3339("-2015-01-01T00:00:00Z").is_err());
        assert!(DateTime::parse_rfc3339("2015-01-01T24:00:00Z").is_err());
        let leap = DateTime::parse_rfc3339("2016-12-31T23:59:60Z").unwrap();
        let before = DateTime::parse_rfc3339("2016-12-31T23:59:59.999999999Z").unwrap();
        let after = DateTime::parse_rfc3339("2017-01-01T00:00:00Z").unwrap();
        assert_eq!(leap.partial_cmp_xsd(before), Some(Ordering::Greater));
        assert_eq!(leap.partial_cmp_xsd(after), Some(Ordering::Less));
        // The same instant with an offset; second 60 of any other minute is refused.
        assert!(DateTime::parse_rfc3339("2017-01-01T00:59:60+01:00").is_ok());
        assert!(DateTime::parse_rfc3339("2016-12-31T18:29:60-05:30").is_ok());
        for not_leap in ["2026-01-01T00:00:60Z", "2026-01-01T00:59:60Z", "2016-12-31T23:59:60+01:00"] {
            assert!(DateTime::parse_rfc3339(not_leap).is_err(), "{not_leap}");
        }
    }

    #[test]
    fn ordering_follows_xsd() {
        let utc = DateTime::parse("2025-01-01T12:00:00Z").unwrap();
        let near_local = DateTime::parse("2025-01-01T13:00:00").unwrap();
        let far_local = DateTime::parse("2025-01-03T12:00:00").unwrap();
        assert_eq!(utc.partial_cmp_xsd(near_local), None);
        assert_eq!(utc.partial_cmp_xsd(far_local), Some(Ordering::Less));
        assert_eq!(far_local.partial_cmp_xsd(utc), Some(Ordering::Greater));
    }

    #[test]
    fn the_fourteen_hour_window_compares_fractions() {
        let now = DateTime::parse_rfc3339("2015-01-01T00:00:00.5Z").unwrap();
        // 14 h 0.1 s before and after now, written without a time zone.
        let past = DateTime::parse("2014-12-31T10:00:00.4").unwrap();
        let future = DateTime::parse("2015-01-01T14:00:00.6").unwrap();
        assert_eq!(past.partial_cmp_xsd(now), Some(Ordering::Less));
        assert_eq!(now.partial_cmp_xsd(past), Some(Ordering::Greater));
        assert_eq!(future.partial_cmp_xsd(now), Some(Ordering::Greater));
        assert_eq!(now.partial_cmp_xsd(future), Some(Ordering::Less));
        // Exactly 14 h away: XSD leaves the two unordered.
        let edge = DateTime::parse("2015-01-01T14:00:00.5").unwrap();
        assert_eq!(edge.partial_cmp_xsd(now), None);
        let inside = DateTime::parse("2015-01-01T14:00:00.4999999999").unwrap();
        assert_eq!(inside.partial_cmp_xsd(now), None);
        let outside = DateTime::parse("2015-01-01T14:00:00.5000000001").unwrap();
        assert_eq!(outside.partial_cmp_xsd(now), Some(Ordering::Greater));
    }

    #[test]
    fn a_fraction_past_the_nanosecond_is_still_later() {
        let now = DateTime::parse_rfc3339("2015-01-01T12:00:00Z").unwrap();
        let later = DateTime::parse("2015-01-01T12:00:00.0000000001Z").unwrap();
        let zeros = DateTime::parse("2015-01-01T12:00:00.0000000000Z").unwrap();
        assert_eq!(later.partial_cmp_xsd(now), Some(Ordering::Greater));
        assert_eq!(now.partial_cmp_xsd(later), Some(Ordering::Less));
        assert_eq!(zeros.partial_cmp_xsd(now), Some(Ordering::Equal));
        assert_eq!(later.to_string(), "2015-01-01T12:00:00.000000000…Z");
        assert_eq!(zeros.to_string(), "2015-01-01T12:00:00Z");
        let local = DateTime::parse("2015-01-01T12:00:00.0000000001").unwrap();
        let local_now = DateTime::parse("2015-01-01T12:00:00").unwrap();
        assert_eq!(local.partial_cmp_xsd(local_now), Some(Ordering::Greater));
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
