//! "Did you mean": the expected name or value a misspelt one most likely meant. Used only to
//! word findings (never to decide validity), so it runs only on the failure path.

/// Longest text, in characters, that is compared at all: a slip of the hand is in a name or
/// a code (DUIS names reach 68 characters), not in a long text.
const LONGEST: usize = 100;

/// Most edit-distance cells (written length times candidate length, summed) one search may
/// cost: room for a long DUIS name against a 130-element choice, and a bound on what a
/// thousand findings against a run-time schema's long lists can cost. Past it there is no
/// suggestion.
const CELLS: usize = 200_000;

/// The candidate `written` most likely meant: equal but for ASCII case, or within one edit
/// (a character added, dropped, changed, or two neighbours swapped: optimal string alignment
/// distance) per five characters, at least one from three characters on. The first closest
/// when several are as close; `None` when none is, or when `written` is too short or too long
/// to judge.
pub(crate) fn near_miss<'c>(written: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let length = written.chars().count();
    if length > LONGEST {
        return None;
    }
    // One or two characters are too few for an edit to tell a slip from another name.
    let budget = if length < 3 { 0 } else { (length / 5).max(1) };
    let mut cells = 0usize;
    let mut best: Option<(usize, &'c str)> = None;
    for candidate in candidates {
        if candidate == written {
            continue;
        }
        // Lengths further apart than the budget cannot be within it: no distance computed, so
        // a flood of unrelated names against a long list costs next to nothing. A character is
        // at most four bytes, so a much longer candidate is passed over before it is counted.
        if candidate.len() > length.saturating_add(budget).saturating_mul(4) {
            continue;
        }
        let candidate_length = candidate.chars().count();
        if candidate_length.abs_diff(length) > budget {
            continue;
        }
        let distance = if candidate.eq_ignore_ascii_case(written) {
            0
        } else {
            cells = cells.saturating_add(candidate_length.saturating_mul(length));
            if cells > CELLS {
                return None;
            }
            strsim::osa_distance(candidate, written)
        };
        if distance <= budget && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
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
        // DUIS names reach 68 characters; past 100 nothing is judged.
        let name = "E".repeat(68);
        assert_eq!(near_miss(&name, [&name[1..]]), Some(&name[1..]));
        let long = "E".repeat(101);
        assert_eq!(near_miss(&long, [&long[1..]]), None);
        // A search past its cost bound suggests nothing rather than part of an answer.
        let many: Vec<String> = (0..100).map(|i| format!("{}{i:02}", "V".repeat(98))).collect();
        assert_eq!(near_miss(&"V".repeat(100), many.iter().map(String::as_str)), None);
    }
}
