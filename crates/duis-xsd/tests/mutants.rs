//! Deterministic mutants: each keeps the document well-formed and changes one thing.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// One mutant and what was done.
pub(crate) struct Mutant {
    pub(crate) xml: String,
    pub(crate) what: String,
}

struct Elem {
    /// Whole element, start tag to end tag.
    range: std::ops::Range<usize>,
    /// Qualified name as written.
    qname: String,
    /// Offset of the name in the start tag.
    name_at: usize,
    /// Offset of the name in the end tag (None for `<x/>`).
    end_name_at: Option<usize>,
    /// Text content range, for leaves.
    text: Option<std::ops::Range<usize>>,
    depth: usize,
}

fn elements(xml: &str) -> Vec<Elem> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String, bool, Option<std::ops::Range<usize>>)> = Vec::new();
    loop {
        let start = usize::try_from(r.buffer_position()).unwrap();
        let ev = r.read_event().unwrap();
        let end = usize::try_from(r.buffer_position()).unwrap();
        match ev {
            Event::Start(e) => {
                if let Some(top) = stack.last_mut() {
                    top.2 = true;
                }
                stack.push((start, String::from_utf8_lossy(e.name().as_ref()).into_owned(), false, None));
            }
            Event::Empty(e) => {
                if let Some(top) = stack.last_mut() {
                    top.2 = true;
                }
                out.push(Elem {
                    range: start..end,
                    qname: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    name_at: start + 1,
                    end_name_at: None,
                    text: Some(end - 2..end - 2),
                    depth: stack.len(),
                });
            }
            Event::Text(_) | Event::GeneralRef(_) => {
                if let Some(top) = stack.last_mut() {
                    top.3 = Some(match top.3.take() {
                        Some(t) => t.start..end,
                        None => start..end,
                    });
                }
            }
            Event::End(_) => {
                let (s, qname, has_child, text) = stack.pop().unwrap();
                out.push(Elem {
                    range: s..end,
                    name_at: s + 1,
                    end_name_at: Some(start + 2),
                    text: if has_child { None } else { Some(text.unwrap_or(start..start)) },
                    qname,
                    depth: stack.len(),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.sort_by_key(|e| e.range.start);
    out
}

/// A small deterministic generator (SplitMix64), seeded per template.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }
}

const VALUES: &[&str] = &[
    "",
    "x",
    "-1",
    "0",
    "1.5",
    "99999999999999999999",
    "2024-13-01T00:00:00Z",
    "2024-02-29T24:00:00Z",
    "00-DB-12-34-56-78-90-A",
    "true",
    "ZZ",
    " 1 ",
    "QUJD=",
    "AAAA",
    // Boundaries of the integer family and of common facets.
    "-129",
    "128",
    "256",
    "65536",
    "4294967296",
    "-32769",
    "1.001",
    "+7",
    "0x10",
    // Strings: trailing space on an enumeration member, over-long text, list separators.
    "GBP ",
    "HOURLY",
    "00-DB-12-34-56-78-90-A0,",
    "00-db-12-34-56-78-90-a0",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    // Dates and times at the edges.
    "2024-02-29",
    "2023-02-29T00:00:00Z",
    "2024-01-01T00:00:00+14:00",
    "12:00:00",
    "2024-01-01T00:00:00.5",
];

/// `n` mutants of `xml`; the same inputs always give the same mutants.
pub(crate) fn mutants(xml: &str, seed: &str, n: usize) -> Vec<Mutant> {
    let elems = elements(xml);
    let mut rng =
        Rng(seed.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)));
    let candidates: Vec<&Elem> = elems.iter().filter(|e| e.depth > 0).collect();
    let mut out = Vec::new();
    if candidates.is_empty() {
        return out;
    }
    while out.len() < n {
        let e = candidates[rng.below(candidates.len())];
        let r = e.range.clone();
        let m = match rng.below(5) {
            0 => Mutant { xml: format!("{}{}", &xml[..r.start], &xml[r.end..]), what: format!("drop {}", e.qname) },
            1 => Mutant {
                xml: format!("{}{}{}", &xml[..r.end], &xml[r.clone()], &xml[r.end..]),
                what: format!("duplicate {}", e.qname),
            },
            2 => {
                // Swap with the next sibling, if any.
                let Some(next) = elems.iter().find(|x| x.range.start >= r.end && x.depth == e.depth) else {
                    continue;
                };
                let between = &xml[r.end..next.range.start];
                if !between.trim().is_empty()
                    || elems.iter().any(|p| {
                        p.depth + 1 == e.depth
                            && p.range.start < r.start
                            && p.range.end > r.end
                            && p.range.end < next.range.end
                    })
                {
                    continue;
                }
                Mutant {
                    xml: format!(
                        "{}{}{}{}{}",
                        &xml[..r.start],
                        &xml[next.range.clone()],
                        between,
                        &xml[r.clone()],
                        &xml[next.range.end..]
                    ),
                    what: format!("swap {} with {}", e.qname, next.qname),
                }
            }
            3 => {
                let len = e.qname.len();
                let mut s = String::with_capacity(xml.len() + 2);
                let mut last = 0;
                for at in [Some(e.name_at), e.end_name_at].into_iter().flatten() {
                    s.push_str(&xml[last..at + len]);
                    s.push('X');
                    last = at + len;
                }
                s.push_str(&xml[last..]);
                Mutant { xml: s, what: format!("rename {}", e.qname) }
            }
            _ => {
                let Some(t) = e.text.clone() else { continue };
                let v = VALUES[rng.below(VALUES.len())];
                let (xml2, what) = if e.end_name_at.is_none() {
                    // <x/> → <x>v</x>
                    let tag = &xml[r.start..r.end - 2];
                    (
                        format!("{}{}>{}</{}>{}", &xml[..r.start], tag, v, e.qname, &xml[r.end..]),
                        format!("value {:?} in empty {}", v, e.qname),
                    )
                } else {
                    (format!("{}{}{}", &xml[..t.start], v, &xml[t.end..]), format!("value {:?} in {}", v, e.qname))
                };
                Mutant { xml: xml2, what }
            }
        };
        out.push(m);
    }
    out
}
