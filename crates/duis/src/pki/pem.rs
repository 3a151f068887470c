//! PEM (RFC 7468) as tools write it: the blocks of a text, certificates decoded, everything
//! else named.
//!
//! A trust store must not trust a block that OpenSSL, which operators use to look at their
//! bundles, would read otherwise or not at all. So PEM is read the way OpenSSL reads it, and
//! what OpenSSL would read differently is refused with a note rather than guessed at:
//!
//! - Lines end with LF or CR LF. A lone CR is no line end for OpenSSL, so a line holding one
//!   is refused (RFC 7468 §2 allows CR-only files; OpenSSL reads them as one line).
//! - Armour lines start at the first column (a UTF-8 byte-order mark may begin the input, or
//!   the BEGIN line right after a certificate's END line, where OpenSSL passes over one);
//!   bytes up to 0x20 after them are passed over (trailing white space, a DOS file's closing
//!   Ctrl-Z), as OpenSSL does. An indented armour line, which OpenSSL does not see, an armour
//!   line of 253 bytes or more (OpenSSL reads it in pieces), or a line that looks like armour
//!   and is not (RFC 7468 §3's grammar), is reported.
//! - A `CERTIFICATE` block (or the legacy `X509 CERTIFICATE`, which OpenSSL also reads) holds
//!   base64 and nothing else: spaces and tabs inside lines and trailing bytes up to 0x20 are
//!   passed over; a blank line (OpenSSL takes the lines before it for headers), a line like
//!   armour that is not (OpenSSL reads on to the END line), a header line (RFC 7468 §5.1:
//!   certificates have none), any other byte, base64 after its padding, an `END` line naming
//!   another label, a `BEGIN` line inside it and a missing `END` line each refuse the block,
//!   saying on which line. A block begun inside an unended one is refused too (OpenSSL reads
//!   the outer one), and so is one begun by a line that starts like a BEGIN line and is not
//!   one (OpenSSL may read it as one: it passes over high bytes at line ends and splits lines
//!   past 254 bytes), with everything up to its END line.
//! - A block with another label (a key, OpenSSL's `TRUSTED CERTIFICATE`) is named, never
//!   decoded: its headers (RFC 1421 `Proc-Type:` of a legacy encrypted key) do not matter.
//! - Text between blocks is explanatory (RFC 7468 §5.2) and ignored.
//! - A NUL byte anywhere ends the reading there, with a note: OpenSSL's line ends at a NUL
//!   and a line starting with one ends its reading, so what follows would be seen by one reader
//!   and not the other.
//!
//! The base64 is decoded by the `base64` crate (padding required, as RFC 7468 §3 writes it; the
//! unused bits of the last character are not looked at, as OpenSSL does not). Labels are quoted
//! to [`LABEL_SHOWN`] characters; the caller bounds how many blocks it keeps.

use base64::Engine as _;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};

/// Standard base64 with its padding, and, as OpenSSL reads it, whatever the unused bits of the
/// last character hold: they encode no byte, so the DER is the same either way.
const BASE64: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

/// The longest line, without its line end, that OpenSSL's PEM reader takes in one piece (it
/// reads 254 bytes at a time, a CR included); longer armour lines are refused.
const OPENSSL_PIECE: usize = 253;

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
}

/// Hands each block of `input` to `each`, in order.
pub(super) fn for_each_block(input: &[u8], mut each: impl FnMut(Block)) {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut open: Option<Open> = None;
    // The line before was the END of a certificate read whole: the only place, beside the
    // input's start, where OpenSSL passes over a byte-order mark before a BEGIN line.
    let mut after_good_end = false;
    for (index, raw) in lines(input).enumerate() {
        let number = index.saturating_add(1);
        if raw.contains(&0) {
            // OpenSSL's line ends at a NUL, and a line that starts with one ends its reading:
            // nothing from here on is read, so that neither reader sees what the other does not.
            let why = format!("line {number}: a NUL byte, where OpenSSL stops reading; the rest is not read");
            match open.take() {
                Some(block) => each(block.refuse(why)),
                None => each(Block::Refused(why)),
            }
            return;
        }
        let line = trim_end(raw);
        // `cat a.pem b.pem`, b from Notepad: OpenSSL takes the mark right after a's END line.
        let line = match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if after_good_end && rest.starts_with(b"-----BEGIN ") => rest,
            _ => line,
        };
        after_good_end = false;
        let armour = match armour(line) {
            // OpenSSL reads 254 bytes at a time: a longer armour line reaches it in pieces, its
            // rest a line of its own, so it is no armour line here either.
            Some(Armour::Begin(_) | Armour::End(_)) if raw.len() >= OPENSSL_PIECE => {
                let why = "an armour line of 253 bytes or more, which OpenSSL reads in pieces";
                Some(Armour::Malformed(why.to_owned()))
            }
            other => other,
        };
        let Some(block) = &mut open else {
            match armour {
                Some(Armour::Begin(label)) => open = Some(Open::new(label, number)),
                Some(Armour::End(label)) => {
                    each(Block::Refused(format!("line {number}: an END line ({}) outside any block", shown(&label))));
                }
                // A line that starts like a BEGIN line may be one to OpenSSL (it passes over high
                // bytes at line ends, and splits lines past 254 bytes): what follows it, up to an
                // END line, is taken as a block, and refused.
                Some(Armour::Malformed(why)) if line.starts_with(b"-----BEGIN") => {
                    let mut block = Open::new("CERTIFICATE".to_owned(), number);
                    block.problem = Some(format!("line {number}: {why}"));
                    block.any_end = true;
                    open = Some(block);
                }
                Some(Armour::Malformed(why)) => each(Block::Refused(format!("line {number}: {why}"))),
                None => {} // explanatory text
            }
            continue;
        };
        match armour {
            None => block.content(line, number),
            Some(Armour::End(label)) if label == block.label || block.any_end => {
                if let Some(block) = open.take() {
                    let finished = block.finish();
                    after_good_end = matches!(finished, Block::Certificate(_));
                    each(finished);
                }
            }
            Some(Armour::End(label)) => {
                let why = format!(
                    "line {number}: the END line names {}, the BEGIN line (line {}) {}",
                    shown(&label),
                    block.begun,
                    shown(&block.label)
                );
                each(block.refuse(why));
                open = None;
            }
            Some(Armour::Begin(label)) => {
                let outer = block.begun;
                each(block.refuse(format!("line {number}: a BEGIN line inside the block begun on line {outer}")));
                // OpenSSL reads on in the outer block: the inner one is not taken either.
                let mut inner = Open::new(label, number);
                inner.problem = Some(format!("line {number}: a block begun inside the block begun on line {outer}"));
                open = Some(inner);
            }
            Some(Armour::Malformed(why)) => {
                // OpenSSL reads on to the block's END: so does this, the block refused.
                block.problem.get_or_insert_with(|| format!("line {number}: {why}"));
            }
        }
    }
    if let Some(block) = open {
        let why = format!("the block begun on line {} has no END line", block.begun);
        each(block.refuse(why));
    }
}

/// The labels read as certificates (RFC 7468 §5.1, and the legacy one OpenSSL reads).
fn is_certificate(label: &str) -> bool {
    matches!(label, "CERTIFICATE" | "X509 CERTIFICATE")
}

/// Lines ending with LF or CR LF (the CR is dropped; a lone CR stays in its line).
fn lines(input: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(input);
    std::iter::from_fn(move || {
        let text = rest.take()?;
        let line = match text.iter().position(|&b| b == b'\n') {
            Some(end) => {
                let after = text.get(end.saturating_add(1)..).unwrap_or_default();
                rest = (!after.is_empty()).then_some(after);
                text.get(..end).unwrap_or_default()
            }
            None if text.is_empty() => return None,
            None => text,
        };
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    })
}

/// A line without the bytes up to 0x20 at its end, as OpenSSL trims them; a NUL is kept
/// (OpenSSL's line ends at it).
fn trim_end(line: &[u8]) -> &[u8] {
    let end = line.iter().rposition(|&b| b > b' ' || b == 0).map_or(0, |i| i.saturating_add(1));
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
        // What a reader might take for armour and OpenSSL does not: said, not dropped.
        let upper = line.to_ascii_uppercase();
        let inside = |needle: &[u8]| upper.windows(needle.len()).any(|w| w == needle);
        let dashed = line.trim_ascii_start().starts_with(b"-") && (inside(b"BEGIN") || inside(b"END"));
        if dashed || inside(b"-----BEGIN") || inside(b"-----END") {
            let text = String::from_utf8_lossy(line);
            let what = if line.first().is_some_and(u8::is_ascii_whitespace) {
                "an indented armour line, which OpenSSL does not read"
            } else {
                "a line like armour that is not armour"
            };
            return Some(Armour::Malformed(format!("{what}: {}", shown(&text))));
        }
        return None;
    };
    if rest.contains(&b'\r') {
        let why = "a lone CR (CR-only line ends, which OpenSSL reads as one line)";
        return Some(Armour::Malformed(format!("{kind} line followed by {why}")));
    }
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
    /// Padding seen: nothing but more padding may follow.
    padded: bool,
    /// Why a certificate block cannot be read (its first bad line).
    problem: Option<String>,
    /// Begun by a malformed BEGIN line: any END line ends it.
    any_end: bool,
}

impl Open {
    fn new(label: String, begun: usize) -> Open {
        Open { label, begun, base64: Vec::new(), padded: false, problem: None, any_end: false }
    }

    /// A line inside the block. Only a certificate's is read.
    fn content(&mut self, line: &[u8], number: usize) {
        if self.problem.is_some() || !is_certificate(&self.label) {
            return;
        }
        if line.is_empty() {
            let why = "a blank line in a certificate block (OpenSSL takes the lines before it for headers)";
            self.problem = Some(format!("line {number}: {why}"));
            return;
        }
        for (column, &b) in line.iter().enumerate() {
            let column = column.saturating_add(1);
            let problem = match b {
                b' ' | b'\t' => continue,
                b'=' => {
                    self.padded = true;
                    self.base64.push(b);
                    continue;
                }
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if !self.padded => {
                    self.base64.push(b);
                    continue;
                }
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                    format!("line {number}, byte {column}: base64 after its padding")
                }
                b'\r' => format!("line {number}, byte {column}: a lone CR (OpenSSL reads on as one line)"),
                _ if is_header(line) => {
                    format!("line {number}: a header line in a certificate block (RFC 7468 §5.1: it has none)")
                }
                _ => format!("line {number}, byte {column}: 0x{b:02X} is not base64"),
            };
            self.problem = Some(problem);
            return;
        }
    }

    fn finish(self) -> Block {
        if !is_certificate(&self.label) {
            return Block::Other(cut(&self.label));
        }
        if let Some(why) = self.problem {
            return Block::Refused(why);
        }
        if self.base64.is_empty() {
            return Block::Refused(format!("the block begun on line {} is empty", self.begun));
        }
        match BASE64.decode(&self.base64) {
            Ok(der) => Block::Certificate(der),
            Err(_) => Block::Refused(format!(
                "the block begun on line {}: its base64 is cut short or wrongly padded ({} characters)",
                self.begun,
                self.base64.len()
            )),
        }
    }

    /// The block cannot be read: a certificate is refused (for its first fault, if a line in
    /// it had one already), another block is only named.
    fn refuse(&self, why: String) -> Block {
        match &self.problem {
            _ if !is_certificate(&self.label) => Block::Other(cut(&self.label)),
            Some(first) => Block::Refused(first.clone()),
            None => Block::Refused(why),
        }
    }
}

/// An RFC 1421 header line: a name of letters, digits and hyphens, then a colon.
fn is_header(line: &[u8]) -> bool {
    let line = line.trim_ascii_start();
    line.iter().position(|&b| b == b':').is_some_and(|colon| {
        let name = line.get(..colon).unwrap_or_default();
        !name.is_empty() && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Block> {
        let mut out = Vec::new();
        for_each_block(text.as_bytes(), |block| out.push(block));
        out
    }

    fn refused(text: &str) -> String {
        match read(text).as_slice() {
            [Block::Refused(why)] => why.clone(),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn lines_end_with_lf_or_crlf() {
        let found: Vec<&[u8]> = lines(b"a\nb\r\nc\rd\r\n\n").collect();
        assert_eq!(found, [&b"a"[..], b"b", b"c\rd", b""]);
        for text in [&b""[..], b"\n", b"\r\n", b"a", b"\r"] {
            assert!(lines(text).count() <= 1, "{text:?}");
        }
    }

    #[test]
    fn certificates_decode_as_openssl_reads_them() {
        for text in [
            "-----BEGIN CERTIFICATE-----\nAAEC\nAw==\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\r\nAAEC\r\nAw==\r\n-----END CERTIFICATE-----\r\n",
            "-----BEGIN CERTIFICATE-----  \n  AAEC\n\tAw==  \n-----END CERTIFICATE-----",
            "\u{feff}-----BEGIN CERTIFICATE-----\nAAECAw==\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\u{b}\nAA EC\tAw==\u{1a}\n-----END CERTIFICATE-----\u{1a}",
            "text: ignored\n-----BEGIN X509 CERTIFICATE-----\nAAECAw==\n-----END X509 CERTIFICATE-----\nmore\n",
            // Unused bits in the last character encode no byte (`Aw==` and `Ax==` are one byte).
            "-----BEGIN CERTIFICATE-----\nAAECAx==\n-----END CERTIFICATE-----\n",
        ] {
            assert_eq!(read(text), [Block::Certificate(vec![0, 1, 2, 3])], "{text:?}");
        }
    }

    #[test]
    fn a_certificate_block_holds_base64_and_nothing_else() {
        let cases = [
            ("Comment: x\nAAECAw==", "line 2: a header line in a certificate block (RFC 7468 §5.1: it has none)"),
            (
                "Proc-Type: 4,ENCRYPTED\nAAECAw==",
                "line 2: a header line in a certificate block (RFC 7468 §5.1: it has none)",
            ),
            ("AAEC\n  X: y\n AwAA", "line 3: a header line in a certificate block (RFC 7468 §5.1: it has none)"),
            ("AAEC\u{0}: x\nAw==", "line 2: a NUL byte, where OpenSSL stops reading; the rest is not read"),
            ("AAEC\n\u{0}Aw==", "line 3: a NUL byte, where OpenSSL stops reading; the rest is not read"),
            ("AAEC\rAw==", "line 2, byte 5: a lone CR (OpenSSL reads on as one line)"),
            ("\u{1b}AAECAw==", "line 2, byte 1: 0x1B is not base64"),
            ("AA==\nAQ==", "line 3, byte 1: base64 after its padding"),
            ("AA=", "the block begun on line 1: its base64 is cut short or wrongly padded (3 characters)"),
            ("", "line 2: a blank line in a certificate block (OpenSSL takes the lines before it for headers)"),
            (
                "AAEC\n  \nAw==",
                "line 3: a blank line in a certificate block (OpenSSL takes the lines before it for headers)",
            ),
            ("AAEC\n-----BEGIN CERTIFICATE\nAw==", "line 3: a BEGIN line without its closing dashes"),
        ];
        for (body, why) in cases {
            let text = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
            assert_eq!(refused(&text), why, "{body:?}");
        }
    }

    #[test]
    fn other_blocks_are_named_whatever_they_hold() {
        let key = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES,\n  00\n\nAA==\n-----END EC PRIVATE KEY-----\n";
        assert_eq!(read(key), [Block::Other("EC PRIVATE KEY".to_owned())]);
        let long = format!("-----BEGIN {}-----\n-----END {0}-----\n", "A".repeat(200));
        assert_eq!(read(&long), [Block::Other(format!("{}…", "A".repeat(LABEL_SHOWN)))]);
        let legacy = "-----BEGIN X.509 CERTIFICATE-----\nAA==\n-----END X.509 CERTIFICATE-----\n";
        assert_eq!(read(legacy), [Block::Other("X.509 CERTIFICATE".to_owned())]);
    }

    #[test]
    fn armour_must_be_whole_at_the_line_start_and_match() {
        let cert = |begin: &str, end: &str| format!("{begin}\nAA==\n{end}\n");
        let first = |text: &str| match read(text).into_iter().next() {
            Some(Block::Refused(why)) => why,
            other => panic!("{text:?}: {other:?}"),
        };
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
                cert("  -----BEGIN CERTIFICATE-----", "  -----END CERTIFICATE-----"),
                "line 1: an indented armour line, which OpenSSL does not read: \"  -----BEGIN CERTIFICATE-----\"",
            ),
            (
                cert("\u{a0}-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"),
                "line 1: a line like armour that is not armour: \"\\u{a0}-----BEGIN CERTIFICATE-----\"",
            ),
            (
                cert("----BEGIN CERTIFICATE-----", "----END CERTIFICATE-----"),
                "line 1: a line like armour that is not armour: \"----BEGIN CERTIFICATE-----\"",
            ),
            (
                "-----BEGIN CERTIFICATE-----\rAA==\r-----END CERTIFICATE-----\r".to_owned(),
                "line 1: a BEGIN line followed by a lone CR (CR-only line ends, which OpenSSL reads as one line)",
            ),
            ("-----BEGIN CERTIFICATE-----\nAA==\n".to_owned(), "the block begun on line 1 has no END line"),
            ("-----END CERTIFICATE-----\n".to_owned(), "line 1: an END line (\"CERTIFICATE\") outside any block"),
        ];
        for (text, why) in cases {
            assert_eq!(first(&text), why, "{text:?}");
        }
        // A label with single hyphens is a label: another block.
        assert_eq!(
            read(&cert("-----BEGIN CERTIFICATE-FOO-----", "-----END CERTIFICATE-FOO-----")),
            [Block::Other("CERTIFICATE-FOO".to_owned())]
        );
        // A block begun inside another is refused with it: OpenSSL reads the outer one.
        let nested =
            read("-----BEGIN CERTIFICATE-----\nAA==\n-----BEGIN CERTIFICATE-----\nAQ==\n-----END CERTIFICATE-----\n");
        assert_eq!(
            nested,
            [
                Block::Refused("line 3: a BEGIN line inside the block begun on line 1".to_owned()),
                Block::Refused("line 3: a block begun inside the block begun on line 1".to_owned()),
            ]
        );
        assert!(read("no blocks here\nAAAA\n").is_empty());
        // A NUL between blocks ends the reading; a byte-order mark before a BEGIN line is taken.
        let u = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
        let found = read(&format!("{u}\u{0}\n{u}"));
        assert_eq!(
            found,
            [
                Block::Certificate(vec![0]),
                Block::Refused("line 4: a NUL byte, where OpenSSL stops reading; the rest is not read".to_owned())
            ]
        );
        assert_eq!(read(&format!("{u}\u{feff}{u}")), [Block::Certificate(vec![0]), Block::Certificate(vec![0])]);
        // Elsewhere a mark hides the BEGIN line from OpenSSL: said, not read.
        let after_text = read(&format!("text\n\u{feff}{u}"));
        assert!(
            matches!(after_text.first(), Some(Block::Refused(why)) if why.contains("not armour")),
            "{after_text:?}"
        );
        assert!(!after_text.contains(&Block::Certificate(vec![0])), "{after_text:?}");
        // A malformed armour line inside a block keeps it open to its END, as OpenSSL reads:
        // the block begun after it is refused as nested, not trusted.
        let inner = read(&format!("-----BEGIN CERTIFICATE-----\nAA==\n-----BEGIN CERTIFICATE\n{u}"));
        assert!(!inner.iter().any(|b| matches!(b, Block::Certificate(_))), "{inner:?}");
        // A BEGIN or END line padded to OpenSSL's piece size is read by it in two pieces.
        let padded = format!("-----BEGIN CERTIFICATE-----{}\nAA==\n-----END CERTIFICATE-----\n", " ".repeat(230));
        assert_eq!(first(&padded), "line 1: an armour line of 253 bytes or more, which OpenSSL reads in pieces");
        let end = format!("{}{}\n\u{feff}{u}", u.trim_end(), " ".repeat(230));
        assert!(!read(&end).iter().any(|b| matches!(b, Block::Certificate(_))), "{:?}", read(&end));
        // So does a malformed BEGIN line outside a block: OpenSSL may read it as a BEGIN line.
        let outer = read(&format!("-----BEGIN CERTIFICATE-----\u{a0}\nAA==\n{u}-----END CERTIFICATE-----\n"));
        assert!(!outer.iter().any(|b| matches!(b, Block::Certificate(_))), "{outer:?}");
    }
}
