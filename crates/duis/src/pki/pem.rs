//! PEM (RFC 7468) as tools write it: the blocks of a text, certificates decoded, everything
//! else named.
//!
//! A trust store is read strictly where a lax reading could trust other bytes than a careful
//! reader (OpenSSL) sees, and laxly only where no byte can change meaning:
//!
//! - Lines end with LF, CR LF or a lone CR (RFC 7468 §2). White space and control bytes at
//!   either end of a line are passed over (indented bundles, a DOS file's closing Ctrl-Z, as
//!   OpenSSL does), and so is a UTF-8 byte-order mark at the start of any line (Windows
//!   editors write one; `cat a.pem b.pem` puts b's inside the bundle).
//! - A `CERTIFICATE` block (RFC 7468 §5.1 also names the legacy `X509 CERTIFICATE` and
//!   `X.509 CERTIFICATE`) holds base64 and nothing else: blank lines and white space inside
//!   lines are passed over; a header line (RFC 7468 §5.1: certificates have none), any other
//!   character, an `END` line naming another label, a `BEGIN` line inside it and a missing
//!   `END` line each refuse the block, saying on which line.
//! - A block with another label (a key, OpenSSL's `TRUSTED CERTIFICATE`) is named, never
//!   decoded: its headers (RFC 1421 `Proc-Type:` of a legacy encrypted key) do not matter.
//! - Text between blocks is explanatory (RFC 7468 §5.2) and ignored, except a line that looks
//!   like armour and is not (a `BEGIN` line with text after its dashes, an `END` line outside a
//!   block), which is reported: a certificate is never dropped without a word.
//!
//! The base64 is decoded by the `base64` crate (padding required, as RFC 7468 §3 writes it; the
//! unused bits of the last character are not looked at, as OpenSSL does not).
//! Memory follows the input: refused blocks are reported one by one up to [`MAX_REFUSED`], then
//! counted ([`Block::More`]), and labels are quoted to [`LABEL_SHOWN`] characters.

use base64::Engine as _;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};

/// Standard base64 with its padding, and, as OpenSSL reads it, whatever the unused bits of the
/// last character hold: they encode no byte, so the DER is the same either way.
const BASE64: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

/// Refused blocks and armour-like lines reported one by one; the rest are counted.
pub(super) const MAX_REFUSED: usize = 100;

/// The characters of a label (or a malformed line) quoted in a message.
const LABEL_SHOWN: usize = 64;

/// What the text holds, in order.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Block {
    /// A certificate block's DER.
    Certificate(Vec<u8>),
    /// A block with another label, as written (cut to [`LABEL_SHOWN`] characters).
    Other(String),
    /// A certificate block or an armour line that cannot be read, and why.
    Refused(String),
    /// How many more blocks or lines were refused past [`MAX_REFUSED`] (the last entry).
    More(usize),
}

/// The blocks of `input`, in order.
pub(super) fn blocks(input: &[u8]) -> Vec<Block> {
    let mut reading = Reading::default();
    let mut open: Option<Open> = None;
    for (index, raw) in lines(input).enumerate() {
        let number = index.saturating_add(1);
        let line = trim(raw);
        let armour = armour(line);
        let Some(block) = &mut open else {
            match armour {
                Some(Armour::Begin(label)) => open = Some(Open::new(label, number)),
                Some(Armour::End(label)) => {
                    reading.refuse(format!("line {number}: an END line ({}) outside any block", shown(&label)));
                }
                Some(Armour::Malformed(why)) => reading.refuse(format!("line {number}: {why}")),
                None => {} // explanatory text
            }
            continue;
        };
        match armour {
            None => block.content(line, number),
            Some(Armour::End(label)) if label == block.label => {
                if let Some(block) = open.take() {
                    reading.finish(block);
                }
            }
            Some(Armour::End(label)) => {
                let why = format!(
                    "line {number}: the END line names {}, the BEGIN line (line {}) {}",
                    shown(&label),
                    block.begun,
                    shown(&block.label)
                );
                open = None;
                reading.refuse(why);
            }
            Some(Armour::Begin(label)) => {
                let why = format!("line {number}: a BEGIN line inside the block begun on line {}", block.begun);
                reading.refuse_block(&block.label, why);
                open = Some(Open::new(label, number));
            }
            Some(Armour::Malformed(why)) => {
                let why = format!("line {number}: {why}");
                reading.refuse_block(&block.label, why);
                open = None;
            }
        }
    }
    if let Some(block) = open {
        let why = format!("the block begun on line {} has no END line", block.begun);
        reading.refuse_block(&block.label, why);
    }
    reading.done()
}

/// The blocks found so far, with the count of refusals past [`MAX_REFUSED`].
#[derive(Default)]
struct Reading {
    out: Vec<Block>,
    refused: usize,
}

impl Reading {
    fn refuse(&mut self, why: String) {
        self.refused = self.refused.saturating_add(1);
        if self.refused <= MAX_REFUSED {
            self.out.push(Block::Refused(why));
        }
    }

    /// A block that cannot be read: a certificate is refused, another block is only named.
    fn refuse_block(&mut self, label: &str, why: String) {
        if is_certificate(label) {
            self.refuse(why);
        } else {
            self.other(label);
        }
    }

    fn other(&mut self, label: &str) {
        self.refused = self.refused.saturating_add(1);
        if self.refused <= MAX_REFUSED {
            self.out.push(Block::Other(cut(label)));
        }
    }

    fn finish(&mut self, block: Open) {
        if !is_certificate(&block.label) {
            self.other(&block.label);
            return;
        }
        if let Some(why) = block.problem {
            self.refuse(why);
            return;
        }
        match BASE64.decode(&block.base64) {
            Ok(der) => self.out.push(Block::Certificate(der)),
            Err(_) => self.refuse(format!(
                "the block begun on line {}: its base64 is cut short or wrongly padded ({} characters)",
                block.begun,
                block.base64.len()
            )),
        }
    }

    fn done(mut self) -> Vec<Block> {
        if let Some(more) = self.refused.checked_sub(MAX_REFUSED).filter(|&more| more > 0) {
            self.out.push(Block::More(more));
        }
        self.out
    }
}

/// The labels read as certificates (RFC 7468 §5.1, with the legacy spellings it lists).
fn is_certificate(label: &str) -> bool {
    matches!(label, "CERTIFICATE" | "X509 CERTIFICATE" | "X.509 CERTIFICATE")
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

/// A line without the white space, control bytes and byte-order marks at its ends. A NUL is
/// passed over only at the end: OpenSSL reads a line up to its first NUL, so a NUL before text
/// would make the two readers see different lines (it is refused as no base64 instead).
fn trim(line: &[u8]) -> &[u8] {
    let blank = |b: &u8| *b <= b' ' || *b == 0x7F;
    let leading = |b: &u8| blank(b) && *b != 0;
    let mut line = line;
    loop {
        let start = line.iter().position(|b| !leading(b)).unwrap_or(line.len());
        line = line.get(start..).unwrap_or_default();
        match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => line = rest,
            None => break,
        }
    }
    let end = line.iter().rposition(|b| !blank(b)).map_or(0, |i| i.saturating_add(1));
    line.get(..end).unwrap_or_default()
}

/// What an armour-like line is.
enum Armour {
    Begin(String),
    End(String),
    /// Starts like armour but is not (RFC 7468 §3's grammar).
    Malformed(String),
}

/// The armour a line is, if it looks like one: starts with five dashes and BEGIN or END, or
/// holds `-----BEGIN ` or `-----END ` further on.
fn armour(line: &[u8]) -> Option<Armour> {
    let (kind, rest) = if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
        ("a BEGIN", rest)
    } else if let Some(rest) = line.strip_prefix(b"-----END ") {
        ("an END", rest)
    } else {
        let inside = |needle: &[u8]| line.windows(needle.len()).any(|w| w == needle);
        if inside(b"-----BEGIN ") || inside(b"-----END ") {
            let text = String::from_utf8_lossy(line);
            return Some(Armour::Malformed(format!("text before a BEGIN or END line: {}", shown(&text))));
        }
        return None;
    };
    let Some(end) = rest.windows(5).position(|w| w == b"-----") else {
        return Some(Armour::Malformed(format!("{kind} line without its closing dashes")));
    };
    let label = rest.get(..end).unwrap_or_default();
    let after = rest.get(end.saturating_add(5)..).unwrap_or_default();
    if !after.is_empty() {
        let joined = if after.starts_with(b"-----") { " (two files joined without a line break?)" } else { "" };
        return Some(Armour::Malformed(format!("text after the closing dashes of {kind} line{joined}")));
    }
    if !is_label(label) {
        let text = String::from_utf8_lossy(label);
        return Some(Armour::Malformed(format!("{kind} line whose label {} is not one", shown(&text))));
    }
    let label = String::from_utf8_lossy(label).into_owned();
    Some(if kind == "a BEGIN" { Armour::Begin(label) } else { Armour::End(label) })
}

/// RFC 7468 §3: printable ASCII but `-`, single hyphens or spaces between.
fn is_label(label: &[u8]) -> bool {
    let labelchar = |b: &u8| matches!(b, 0x21..=0x2C | 0x2E..=0x7E);
    let mut previous_separator = true; // no separator first
    for b in label {
        if labelchar(b) {
            previous_separator = false;
        } else if matches!(b, b'-' | b' ') && !previous_separator {
            previous_separator = true;
        } else {
            return false;
        }
    }
    label.is_empty() || !previous_separator
}

/// At most [`LABEL_SHOWN`] characters.
fn cut(text: &str) -> String {
    match text.char_indices().nth(LABEL_SHOWN) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// A label or line quoted in a message, cut to [`LABEL_SHOWN`] characters.
fn shown(text: &str) -> String {
    format!("{:?}", cut(text))
}

/// A block being read.
struct Open {
    label: String,
    /// The line of its BEGIN.
    begun: usize,
    base64: Vec<u8>,
    /// The first line that is no base64, for a certificate block.
    problem: Option<String>,
}

impl Open {
    fn new(label: String, begun: usize) -> Open {
        Open { label, begun, base64: Vec::new(), problem: None }
    }

    /// A line inside the block. Only a certificate's is read.
    fn content(&mut self, line: &[u8], number: usize) {
        if self.problem.is_some() || !is_certificate(&self.label) {
            return;
        }
        let base64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
        for (column, b) in line.iter().enumerate() {
            if base64(b) {
                self.base64.push(*b);
            } else if !matches!(b, b' ' | b'\t') {
                let column = column.saturating_add(1);
                self.problem = Some(if *b == b':' {
                    format!("line {number}: a header line in a certificate block (RFC 7468 §5.1: it has none)")
                } else {
                    format!("line {number}, byte {column}: 0x{b:02X} is not base64")
                });
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Block> {
        blocks(text.as_bytes())
    }

    fn refused(text: &str) -> String {
        match read(text).as_slice() {
            [Block::Refused(why)] => why.clone(),
            other => panic!("{text:?}: {other:?}"),
        }
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
    fn certificates_decode_in_every_line_ending_and_indentation() {
        for text in [
            "-----BEGIN CERTIFICATE-----\nAAEC\nAw==\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\r\nAAEC\r\nAw==\r\n-----END CERTIFICATE-----\r\n",
            "-----BEGIN CERTIFICATE-----\rAAEC\rAw==\r-----END CERTIFICATE-----\r",
            "  -----BEGIN CERTIFICATE-----  \n  AAEC\n\n  Aw==\n  -----END CERTIFICATE-----\n",
            "\u{feff}-----BEGIN CERTIFICATE-----\n\u{feff}AAECAw==\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\u{b}\nAA EC\tAw==\n-----END CERTIFICATE-----\u{1a}",
            "text: ignored\n-----BEGIN X509 CERTIFICATE-----\nAAECAw==\n-----END X509 CERTIFICATE-----\nmore\n",
        ] {
            assert_eq!(read(text), [Block::Certificate(vec![0, 1, 2, 3])], "{text:?}");
        }
    }

    #[test]
    fn a_certificate_block_holds_base64_and_nothing_else() {
        let headed = "-----BEGIN CERTIFICATE-----\nComment: x\n\nAAECAw==\n-----END CERTIFICATE-----\n";
        assert_eq!(refused(headed), "line 2: a header line in a certificate block (RFC 7468 §5.1: it has none)");
        let late = "-----BEGIN CERTIFICATE-----\nAAEC\n  X: y\n AwAA\n-----END CERTIFICATE-----\n";
        assert_eq!(refused(late), "line 3: a header line in a certificate block (RFC 7468 §5.1: it has none)");
        let nul = "-----BEGIN CERTIFICATE-----\nAAEC\u{0}: x\nAw==\n-----END CERTIFICATE-----\n";
        assert_eq!(refused(nul), "line 2, byte 5: 0x00 is not base64");
        let leading_nul = "-----BEGIN CERTIFICATE-----\nAAEC\n\u{0}Aw==\n-----END CERTIFICATE-----\n";
        assert_eq!(refused(leading_nul), "line 3, byte 1: 0x00 is not base64");
        let trailing_nul = "-----BEGIN CERTIFICATE-----\nAAECAw==\u{0}\n-----END CERTIFICATE-----\u{0}";
        assert_eq!(read(trailing_nul), [Block::Certificate(vec![0, 1, 2, 3])]);
        let padding = "-----BEGIN CERTIFICATE-----\nAA=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            refused(padding),
            "the block begun on line 1: its base64 is cut short or wrongly padded (3 characters)"
        );
        // Unused bits in the last character encode no byte: the same DER (`AB==` is `AA==`).
        let bits = "-----BEGIN CERTIFICATE-----\nAB==\n-----END CERTIFICATE-----\n";
        assert_eq!(read(bits), [Block::Certificate(vec![0])]);
    }

    #[test]
    fn other_blocks_are_named_whatever_they_hold() {
        let key = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES,\n  00\n\nAA==\n-----END EC PRIVATE KEY-----\n";
        assert_eq!(read(key), [Block::Other("EC PRIVATE KEY".to_owned())]);
        let long = format!("-----BEGIN {}-----\n-----END {0}-----\n", "A".repeat(1000));
        assert_eq!(read(&long), [Block::Other(format!("{}…", "A".repeat(LABEL_SHOWN)))]);
    }

    #[test]
    fn armour_must_be_whole_and_match() {
        let cert = |begin: &str, end: &str| format!("{begin}\nAA==\n{end}\n");
        let cases = [
            (
                cert("-----BEGIN CERTIFICATE-----", "-----END PRIVATE KEY-----"),
                "line 3: the END line names \"PRIVATE KEY\", the BEGIN line (line 1) \"CERTIFICATE\"",
            ),
            (
                cert("-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE----------BEGIN CERTIFICATE-----"),
                "line 3: text after the closing dashes of an END line (two files joined without a line break?)",
            ),
            (
                cert("-----BEGIN CERTIFICATE----- x", "-----END CERTIFICATE-----"),
                "line 1: text after the closing dashes of a BEGIN line",
            ),
            (
                cert("-----BEGIN CERTIFICATE--FOO-----", "-----END CERTIFICATE--FOO-----"),
                "line 1: a BEGIN line whose label \"CERTIFICATE--FOO\" is not one",
            ),
            (
                cert("\u{a0}-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"),
                "line 1: text before a BEGIN or END line: \"\\u{a0}-----BEGIN CERTIFICATE-----\"",
            ),
            ("-----BEGIN CERTIFICATE-----\nAA==\n".to_owned(), "the block begun on line 1 has no END line"),
        ];
        for (text, why) in cases {
            let found = read(&text);
            assert!(matches!(found.first(), Some(Block::Refused(w)) if w == why), "{text:?}: {found:?}");
        }
        // A label with single hyphens is a label: another block.
        assert_eq!(
            read(&cert("-----BEGIN CERTIFICATE-FOO-----", "-----END CERTIFICATE-FOO-----")),
            [Block::Other("CERTIFICATE-FOO".to_owned())]
        );
        let nested =
            read("-----BEGIN CERTIFICATE-----\nAA==\n-----BEGIN CERTIFICATE-----\nAQ==\n-----END CERTIFICATE-----\n");
        assert_eq!(
            nested,
            [
                Block::Refused("line 3: a BEGIN line inside the block begun on line 1".to_owned()),
                Block::Certificate(vec![1])
            ]
        );
        assert!(read("no blocks here\nAAAA\n").is_empty());
    }

    #[test]
    fn refusals_past_the_bound_are_counted() {
        let text = "-----BEGIN -----\n".repeat(MAX_REFUSED + 50);
        let found = read(&text);
        assert_eq!(found.len(), MAX_REFUSED + 1);
        assert_eq!(found.last(), Some(&Block::More(50)));
    }
}
