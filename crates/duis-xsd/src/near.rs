//! "Did you mean": the expected name or value a misspelt one most likely meant. Used only to
//! word findings (never to decide validity), so it runs only on the failure path.

/// Longest text, in characters, that is compared at all: edit distance costs the product of
/// the two lengths, and a slip of the hand is in a name or a code, not in a long text.
const LONGEST: usize = 64;

/// The candidate `written` most likely meant: equal but for ASCII case, or within one edit
/// (a character added, dropped, changed, or two swapped: Damerau-Levenshtein) per five
/// characters, at least one from three characters on. The first closest when several are as
/// close; `None` when none is, or when `written` is too short or too long to judge.
pub(crate) fn near_miss<'c>(written: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let length = written.chars().count();
    if length > LONGEST {
        return None;
    }
    // One or two characters are too few for an edit to tell a slip from another name.
    let budget = if length < 3 { 0 } else { (length / 5).max(1) };
    candidates
        .into_iter()
        .filter(|c| *c != written)
        // Lengths further apart than the budget cannot be within it: no distance computed, so
        // a flood of unrelated values against a long list costs next to nothing.
        .filter(|c| c.len() <= LONGEST.saturating_mul(4) && c.chars().count().abs_diff(length) <= budget)
        .map(|c| {
            let distance = if c.eq_ignore_ascii_case(written) { 0 } else { strsim::damerau_levenshtein(c, written) };
            (distance, c)
        })
        .filter(|(distance, _)| *distance <= budget)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn slips_are_found_and_other_names_are_not() {
        let names = ["ReadEventOrSecurityLog", "LogToRead", "Ab", "Event", "Security"];
        for (written, meant) in [
            ("ReadEventOrSecurityLogs", Some("ReadEventOrSecurityLog")),
            ("ReadEvnetOrSecurityLog", Some("ReadEventOrSecurityLog")),
            ("READEVENTORSECURITYLOG", Some("ReadEventOrSecurityLog")),
            ("event", Some("Event")),
            ("Evnt", Some("Event")),
            ("LogTo", None),
            ("Abc", Some("Ab")),
            ("A", None),
            ("Xyz", None),
            ("Event", None),
        ] {
            assert_eq!(near_miss(written, names), meant, "{written}");
        }
        let long = "E".repeat(65);
        assert_eq!(near_miss(&long, [&long[1..]]), None);
    }
}
