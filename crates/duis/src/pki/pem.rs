//! PEM (RFC 7468) as tools write it: the blocks of a text, each with its label and decoded
//! bytes.
//!
//! Read in RFC 7468's lax form (§2, §3): lines end with LF, CR LF or a lone CR; white space
//! may start a line (indented bundles) and a UTF-8 byte-order mark may start any line (Windows
//! editors write one, and `cat a.pem b.pem` puts b's inside the bundle); blank lines inside a
//! block are passed over. RFC 1421 headers (`Proc-Type:`, `DEK-Info:` of a legacy encrypted
//! key) are passed over where RFC 1421 puts them: right after the `BEGIN` line, up to the blank
//! line that ends them, with their continuation lines (indented deeper than the header they
//! continue). A colon anywhere else in a block is no base64, so the block is refused, as is a
//! block whose `END` label differs from its `BEGIN` label or that never ends. Text between
//! blocks is ignored (RFC 7468 §5.2 explanatory text).
//!
//! The base64 is decoded by the `base64` crate (padding required, as RFC 7468 §3 writes it).

use base64::Engine as _;

/// One block: its label and what it holds, or why it cannot be read.
#[derive(Debug)]
pub(super) struct Block {
    /// The label, as written after `BEGIN `.
    pub(super) label: String,
    pub(super) contents: Result<Vec<u8>, String>,
}

/// The blocks of `input`, in order.
pub(super) fn blocks(input: &[u8]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    for raw in lines(input) {
        let mut line = raw.trim_ascii_start();
        while let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
            line = rest.trim_ascii_start();
        }
        let indent = raw.len() - line.len();
        let line = line.trim_ascii_end();
        if let Some(label) = armour(line, b"-----BEGIN ") {
            // A BEGIN inside a block: the block before it never ended.
            if let Some(unended) = open.take() {
                out.push(unended.refuse(format!("no END line before the next BEGIN ({})", label)));
            }
            open = Some(Open::new(label));
            continue;
        }
        let Some(block) = &mut open else { continue };
        if let Some(label) = armour(line, b"-----END ") {
            let Some(block) = open.take() else { continue };
            out.push(if label == block.label {
                block.finish()
            } else {
                let begin = block.label.clone();
                block.refuse(format!("the END line names {label:?}, the BEGIN line {begin:?}"))
            });
            continue;
        }
        block.line(line, indent);
    }
    if let Some(unended) = open {
        out.push(unended.refuse("the input ends before the block's END line".to_owned()));
    }
    out
}

/// Lines ending with LF, CR LF or a lone CR.
fn lines(input: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = input;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(rest.len());
        let line = rest.get(..end).unwrap_or_default();
        let terminator = if rest.get(end..end.saturating_add(2)) == Some(b"\r\n") {
            2
        } else if end < rest.len() {
            1
        } else {
            0
        };
        rest = rest.get(end.saturating_add(terminator)..).unwrap_or_default();
        Some(line)
    })
}

/// The label of a `-----BEGIN label-----` (or END) line.
fn armour(line: &[u8], opening: &[u8]) -> Option<String> {
    let label = line.strip_prefix(opening)?.strip_suffix(b"-----")?;
    Some(String::from_utf8_lossy(label).into_owned())
}

/// A block being read.
struct Open {
    label: String,
    base64: Vec<u8>,
    /// No base64 line yet: an RFC 1421 header may come.
    at_start: bool,
    /// The indentation of the header being read, while headers are read.
    header_indent: Option<usize>,
    /// A line that cannot be in the block (a colon after the base64 began).
    problem: Option<String>,
}

impl Open {
    fn new(label: String) -> Open {
        Open { label, base64: Vec::new(), at_start: true, header_indent: None, problem: None }
    }

    fn line(&mut self, line: &[u8], indent: usize) {
        if let Some(header) = self.header_indent {
            if line.is_empty() {
                // The blank line that ends the headers: base64 follows.
                self.header_indent = None;
                self.at_start = false;
                return;
            }
            if indent > header {
                return; // a continuation of the header
            }
            if line.contains(&b':') {
                self.header_indent = Some(indent);
                return;
            }
            self.header_indent = None;
        } else if self.at_start && line.contains(&b':') {
            self.header_indent = Some(indent);
            return;
        }
        if line.is_empty() {
            return;
        }
        self.at_start = false;
        if line.contains(&b':') && self.problem.is_none() {
            self.problem = Some("a header line after the base64 began".to_owned());
        }
        self.base64.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
    }

    fn finish(self) -> Block {
        let contents = match self.problem {
            Some(problem) => Err(problem),
            None => base64::engine::general_purpose::STANDARD
                .decode(&self.base64)
                .map_err(|error| format!("the block's base64 does not decode: {error}")),
        };
        Block { label: self.label, contents }
    }

    fn refuse(self, why: String) -> Block {
        Block { label: self.label, contents: Err(why) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, Result<Vec<u8>, String>)> {
        blocks(text.as_bytes()).into_iter().map(|b| (b.label, b.contents)).collect()
    }

    #[test]
    fn lines_end_with_lf_crlf_or_a_lone_cr() {
        let found: Vec<&[u8]> = lines(b"a\nb\r\nc\rd\r\n\re").collect();
        assert_eq!(found, [&b"a"[..], b"b", b"c", b"d", b"", b"e"]);
        // Each call consumes a line and its ending, the last one too: the iterator ends.
        for text in [&b"\r"[..], b"\n", b"\r\n", b"a\r", b"\r\r"] {
            assert!(lines(text).count() <= 2, "{text:?}");
        }
    }

    #[test]
    fn blocks_decode_in_every_line_ending_and_indentation() {
        for text in [
            "-----BEGIN X-----\nAAEC\nAw==\n-----END X-----\n",
            "-----BEGIN X-----\r\nAAEC\r\nAw==\r\n-----END X-----\r\n",
            "-----BEGIN X-----\rAAEC\rAw==\r-----END X-----\r",
            "  -----BEGIN X-----  \n  AAEC\n\n  Aw==\n  -----END X-----\n",
            "\u{feff}-----BEGIN X-----\n\u{feff}AAECAw==\n-----END X-----",
            "explanatory text: ignored\n-----BEGIN X-----\nAAECAw==\n-----END X-----\nmore: text\n",
        ] {
            assert_eq!(read(text), [("X".to_owned(), Ok(vec![0, 1, 2, 3]))], "{text:?}");
        }
    }

    #[test]
    fn headers_are_passed_over_only_where_rfc_1421_puts_them() {
        let headed =
            "-----BEGIN K-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,\n  0011\n\nAAECAw==\n-----END K-----\n";
        assert_eq!(read(headed), [("K".to_owned(), Ok(vec![0, 1, 2, 3]))]);
        // Indented as a whole: a continuation is deeper than its header, base64 is not.
        let indented = "  -----BEGIN K-----\n  Comment: a\n  AAECAw==\n  -----END K-----\n";
        assert_eq!(read(indented), [("K".to_owned(), Ok(vec![0, 1, 2, 3]))]);
        // A colon after the base64 began is refused, whatever follows it.
        let late = "-----BEGIN K-----\nAAEC\nX: y\n AwAA\n-----END K-----\n";
        assert!(read(late)[0].1.as_ref().is_err_and(|e| e.contains("header line")), "{:?}", read(late));
    }

    #[test]
    fn labels_must_match_and_blocks_must_end() {
        assert_eq!(read("-----BEGIN A-B-----\nAA==\n-----END A-B-----\n"), [("A-B".to_owned(), Ok(vec![0]))]);
        let mismatched = read("-----BEGIN CERTIFICATE-----\nAA==\n-----END PRIVATE KEY-----\n");
        assert!(mismatched[0].1.as_ref().is_err_and(|e| e.contains("END line names")), "{mismatched:?}");
        let unended = read("-----BEGIN A-----\nAA==\n-----BEGIN B-----\nAQ==\n-----END B-----\n-----BEGIN C-----\nAA");
        assert_eq!(unended.len(), 3, "{unended:?}");
        assert!(unended[0].1.is_err() && unended[1].1 == Ok(vec![1]) && unended[2].1.is_err(), "{unended:?}");
        assert!(read("-----BEGIN A-----\nAA=\n-----END A-----\n")[0].1.is_err());
        assert!(read("no blocks here").is_empty());
    }
}
