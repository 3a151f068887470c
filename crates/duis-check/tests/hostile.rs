//! Hostile input through the built binary (issue 8): each class fed on stdin to `duis-check -`,
//! streamed from a generator through the pipe so the test never holds the input, with the exact
//! code asserted in both output formats. The gigabyte case checks the binary stops reading at
//! its input limit. Peak memory is measured by `scripts/hostile-rss.sh`.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::thread;

const MIB: usize = 1024 * 1024;
/// `duis::Limits::default().max_input_bytes`.
const INPUT_LIMIT: usize = 32 * MIB;

/// An input generated on the fly: `head`, then `unit` until `total` bytes (cut to fit), then
/// `tail`. Never materialised.
struct Generated {
    head: Vec<u8>,
    unit: Vec<u8>,
    total: usize,
    tail: Vec<u8>,
}

impl Generated {
    fn new(head: &str, unit: &str, total: usize, tail: &str) -> Generated {
        Generated { head: head.into(), unit: unit.into(), total, tail: tail.into() }
    }

    fn small(bytes: &[u8]) -> Generated {
        Generated { head: bytes.to_vec(), unit: Vec::new(), total: bytes.len(), tail: Vec::new() }
    }

    /// Writes the input in 64 KiB pieces until done or the reader goes away; returns the bytes
    /// the reader accepted.
    fn stream(&self, out: &mut impl Write) -> usize {
        let mut written = 0;
        let mut send = |bytes: &[u8], written: &mut usize| -> bool {
            match out.write_all(bytes) {
                Ok(()) => {
                    *written += bytes.len();
                    true
                }
                Err(_) => false, // broken pipe: the binary stopped reading
            }
        };
        if !send(&self.head, &mut written) {
            return written;
        }
        let body = self.total.saturating_sub(self.head.len() + self.tail.len());
        if !self.unit.is_empty() {
            let per_chunk = (64 * 1024 / self.unit.len()).max(1);
            let chunk = self.unit.repeat(per_chunk);
            let mut left = body;
            while left > 0 {
                let n = left.min(chunk.len());
                if !send(&chunk[..n], &mut written) {
                    return written;
                }
                left -= n;
            }
        }
        send(&self.tail, &mut written);
        written
    }
}

/// Runs `duis-check <args> -` with the generated input on stdin. Returns the output and how
/// many bytes the binary read before it closed the pipe (or all of them).
fn run(args: &[&str], input: &Generated) -> (Output, usize) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duis-check"))
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run duis-check");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let err = thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let written = input.stream(&mut stdin);
    drop(stdin);
    let status = child.wait().unwrap();
    (Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }, written)
}

/// The one JSON line's findings as (code, line, column).
fn json_findings(output: &Output) -> Vec<(String, u64, u64)> {
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let value: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(value["file"], "<stdin>");
    assert_eq!(value["valid"], false);
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_owned(), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect()
}

/// Asserts the input gets exactly `code`, at `line:column`, in JSON. Returns the bytes read.
fn check(case: &str, input: &Generated, code: &str, line: u64, column: u64) -> usize {
    let (output, written) = run(&["--format", "json"], input);
    assert_eq!(output.status.code(), Some(1), "{case}: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(json_findings(&output), [(code.to_owned(), line, column)], "{case}");
    written
}

/// [`check`], and the same code in the human format, with bounded output: long lines are
/// windowed around the finding, never printed whole.
fn check_both(case: &str, input: &Generated, code: &str, line: u64, column: u64) -> usize {
    let written = check(case, input, code, line, column);
    let (human, _) = run(&[], input);
    assert_eq!(human.status.code(), Some(1), "{case}: {}", String::from_utf8_lossy(&human.stderr));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.starts_with(&format!("<stdin>:{line}:{column}: error {code}: ")), "{case}: {text}");
    assert!(text.len() < 4096, "{case}: {} bytes of output", text.len());
    written
}

#[test]
fn a_gigabyte_on_stdin_stops_at_the_input_limit() {
    // 1 GiB, generated as it is written: the binary reads one byte past its 32 MiB limit,
    // reports, and exits; the rest is never read (the write fails with a broken pipe).
    let input = Generated::new("<r>", "0123456789abcdef", 1024 * MIB, "</r>");
    let (output, written) = run(&["--format", "json"], &input);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(json_findings(&output), [("limit.input-size".to_owned(), 1, INPUT_LIMIT as u64 + 1)]);
    // At most the limit, plus what the pipe buffers and one piece in flight.
    assert!(written < INPUT_LIMIT + 2 * MIB, "{written} bytes were read");
}

#[test]
fn hostile_classes_on_stdin() {
    let mut laughs = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for level in 1..=9 {
        let prev = if level == 1 { "lol".to_owned() } else { format!("lol{}", level - 1) };
        laughs.push_str(&format!("<!ENTITY lol{level} \"{}\">", format!("&{prev};").repeat(10)));
    }
    laughs.push_str("]>\n<lolz>&lol9;</lolz>\n");
    check_both("billion laughs", &Generated::small(laughs.as_bytes()), "xml.doctype", 2, 1);
    let system = "<!DOCTYPE r SYSTEM \"http://example.invalid/r.dtd\"><r/>";
    check_both("DOCTYPE SYSTEM", &Generated::small(system.as_bytes()), "xml.doctype", 1, 1);
    let parameter = "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://example.invalid/p.dtd\"> %p;]><r/>";
    check_both("parameter entity", &Generated::small(parameter.as_bytes()), "xml.doctype", 1, 1);

    // 10^6-deep nesting: stops at the 65th tag (default depth 64).
    let read = check("deep", &Generated::new("", "<a>", 3_000_000, ""), "limit.depth", 1, 64 * 3 + 1);
    assert_eq!(read, 3_000_000);
    // 10^6 siblings: stops at the 500,000th child (default 500,000 elements, root included).
    let siblings = Generated::new("<r>", "<a/>", 3 + 4_000_000 + 4, "</r>");
    check("siblings", &siblings, "limit.elements", 1, 3 + 4 * 499_999 + 1);
    // 10^6 attributes on one element (default 64).
    let mut attributes = String::from("<r");
    for i in 0..1_000_000 {
        attributes.push_str(&format!(" a{i}=\"v\""));
    }
    attributes.push_str("/>");
    check_both("attributes", &Generated::small(attributes.as_bytes()), "limit.attributes", 1, 1);
    drop(attributes);
    // A 100 MB text node: over the input limit before a byte is parsed.
    let text = Generated::new("<r>", "x", 100_000_000, "</r>");
    let read = check("100 MB text", &text, "limit.input-size", 1, INPUT_LIMIT as u64 + 1);
    assert!(read < INPUT_LIMIT + 2 * MIB, "{read}");
    // A 20 MB attribute value: within the input limit, over the attribute limit (64 KiB);
    // located at the attribute.
    let attribute = Generated::new("<r a=\"", "x", 20_000_000, "\"/>");
    check("20 MB attribute", &attribute, "limit.attribute-length", 1, 4);

    // Encoding and characters, with the position of the offending byte.
    check_both("invalid UTF-8 in text", &Generated::small(b"<r>\n ab\xFFc</r>"), "xml.not-utf8", 2, 4);
    check_both("surrogate", &Generated::small(b"<r a=\"\xED\xA0\x80\"/>"), "xml.not-utf8", 1, 7);
    check_both("overlong", &Generated::small(b"<r\xC0\x80/>"), "xml.not-utf8", 1, 3);
    check_both("truncated sequence", &Generated::small(b"<r/>\n\xE2\x82"), "xml.not-utf8", 2, 1);
    check_both("NUL", &Generated::small(b"<r>\0</r>"), "xml.invalid-char", 1, 4);
    check_both("NUL at the start", &Generated::small(b"\0<r/>"), "xml.invalid-char", 1, 1);
    check_both("truncated", &Generated::small(b"<r><a>text</a"), "xml.unclosed", 1, 11);
}
