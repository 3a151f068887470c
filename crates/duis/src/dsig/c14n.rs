//! Canonical XML writers, fed from the reader's events (no tree).
//!
//! - Inclusive Canonical XML 1.0 without comments (W3C REC-xml-c14n-20010315), for the
//!   document digest: the Reference has no canonicalisation transform, so the node-set left by
//!   the enveloped-signature transform is serialised with the XMLDSig default (XMLDSig §4.3.3.2).
//! - Exclusive Canonical XML 1.0 without comments (W3C REC-xml-exc-c14n-20020718), for
//!   `SignedInfo`.
//!
//! The rules each function applies are cited where it applies them. The reader has already
//! resolved references (`Event::Ref`) but not end-of-line handling, which C14N §2.1 assumes done
//! (XML 1.0 §2.11): literal CRLF and CR become LF here; a CR that came from `&#13;` stays a CR
//! and is written `&#xD;`.

/// Where canonical bytes go: a SHA-256 context (the document digest, streamed) or a buffer
/// (`SignedInfo`).
pub(crate) trait Sink {
    /// Appends bytes.
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A SHA-256 context fed through a small buffer, so the many short writes of a canonical
/// serialisation cost one `update` per few kilobytes. Long runs bypass the buffer.
///
/// Most of a signed message is already in canonical form as it lies in the input (`<a>`,
/// `</a>`, text with nothing to escape): such bytes are not copied but noted as a run of the
/// input ([`DocOut::raw`]), extended while the next canonical bytes follow on directly, and
/// hashed where they lie when something else must be written.
pub(crate) struct Hasher {
    context: ring::digest::Context,
    buffer: Vec<u8>,
    /// Input bytes `start..end` owed to the digest, after `buffer`.
    run: Option<(usize, usize)>,
}

/// Bytes gathered before one `update`. Small: most of a message is hashed where it lies
/// ([`DocOut::raw`]), so the buffer takes only start tags with attributes, escapes and the like.
const HASH_BUFFER: usize = 512;

impl Hasher {
    pub(crate) fn new() -> Hasher {
        Hasher {
            context: ring::digest::Context::new(&ring::digest::SHA256),
            buffer: Vec::with_capacity(HASH_BUFFER),
            run: None,
        }
    }

    /// Hashes the buffer and the pending run of `input`, in that order.
    fn flush(&mut self, input: &[u8]) {
        if let Some((start, end)) = self.run.take() {
            self.context.update(&self.buffer);
            self.buffer.clear();
            self.context.update(input.get(start..end).unwrap_or_default());
        }
    }

    /// The SHA-256 of everything written.
    fn finish(mut self, input: &[u8]) -> [u8; 32] {
        self.flush(input);
        self.context.update(&self.buffer);
        let digest = self.context.finish();
        let mut out = [0u8; 32];
        if let Some(bytes) = digest.as_ref().get(..32) {
            out.copy_from_slice(bytes);
        }
        out
    }
}

impl Sink for Hasher {
    fn put(&mut self, bytes: &[u8]) {
        if self.buffer.len().saturating_add(bytes.len()) > HASH_BUFFER {
            self.context.update(&self.buffer);
            self.buffer.clear();
        }
        if bytes.len() >= HASH_BUFFER {
            self.context.update(bytes);
        } else {
            self.buffer.extend_from_slice(bytes);
        }
    }
}

/// Where the document's canonical form goes: a digest, or (tests, fuzzing) a buffer.
#[derive(Debug)]
pub(crate) enum DocSink {
    Hash(Box<Hasher>),
    Buffer(Vec<u8>),
}

impl DocSink {
    /// A writer of the canonical form of `input` (the whole document, as the reader's spans
    /// count it).
    pub(crate) fn out<'s, 'i>(&'s mut self, input: &'i [u8]) -> DocOut<'s, 'i> {
        DocOut { sink: self, input }
    }

    /// The SHA-256 of the canonical form of `input`, and the form itself when buffered.
    pub(crate) fn finish(self, input: &[u8]) -> ([u8; 32], Option<Vec<u8>>) {
        match self {
            DocSink::Hash(hasher) => (hasher.finish(input), None),
            DocSink::Buffer(buffer) => {
                let mut hasher = Hasher::new();
                hasher.put(&buffer);
                (hasher.finish(input), Some(buffer))
            }
        }
    }
}

/// The document's canonical form being written: bytes made for it ([`Sink::put`]) and bytes
/// of the input that are canonical as they stand ([`DocOut::raw`]), in document order.
pub(crate) struct DocOut<'s, 'i> {
    sink: &'s mut DocSink,
    input: &'i [u8],
}

impl DocOut<'_, '_> {
    /// Appends the input's bytes `span`, which the caller has found to be their own canonical
    /// form.
    pub(crate) fn raw(&mut self, span: crate::report::Span) {
        match self.sink {
            DocSink::Hash(hasher) => match &mut hasher.run {
                Some((_, end)) if *end == span.start => *end = span.end,
                _ => {
                    hasher.flush(self.input);
                    hasher.run = Some((span.start, span.end));
                }
            },
            DocSink::Buffer(buffer) => buffer.put(self.input.get(span.start..span.end).unwrap_or_default()),
        }
    }
}

impl Sink for DocOut<'_, '_> {
    fn put(&mut self, bytes: &[u8]) {
        match self.sink {
            DocSink::Hash(hasher) => {
                hasher.flush(self.input);
                hasher.put(bytes);
            }
            DocSink::Buffer(buffer) => buffer.put(bytes),
        }
    }
}

impl core::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Hasher")
    }
}

/// Writes character data (text or a CDATA section's content, C14N §2.3 "Text Nodes"): `&`,
/// `<`, `>` escaped; literal CRLF and CR become LF (XML 1.0 §2.11).
pub(crate) fn text(out: &mut impl Sink, text: &str) {
    let bytes = text.as_bytes();
    // Most text needs no escape: one branch-free pass (which the compiler vectorises) finds
    // that out, and the text goes through whole.
    if !bytes.iter().fold(false, |any, &b| any | matches!(b, b'&' | b'<' | b'>' | b'\r')) {
        out.put(bytes);
        return;
    }
    let mut start = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            // CRLF: drop the CR, the LF follows. A lone CR is a line end: LF.
            b'\r' if bytes.get(i.saturating_add(1)) == Some(&b'\n') => b"",
            b'\r' => b"\n",
            _ => continue,
        };
        out.put(bytes.get(start..i).unwrap_or_default());
        out.put(replacement);
        start = i.saturating_add(1);
    }
    out.put(bytes.get(start..).unwrap_or_default());
}

/// Writes a character that came from a reference: it is data, so a CR stays a CR and is
/// escaped as `&#xD;` (C14N §2.3).
pub(crate) fn reference(out: &mut impl Sink, ch: char) {
    match ch {
        '&' => out.put(b"&amp;"),
        '<' => out.put(b"&lt;"),
        '>' => out.put(b"&gt;"),
        '\r' => out.put(b"&#xD;"),
        _ => {
            let mut buffer = [0u8; 4];
            out.put(ch.encode_utf8(&mut buffer).as_bytes());
        }
    }
}

/// Writes an attribute or namespace value, already normalised (XML 1.0 §3.3.3), with the
/// escapes of C14N §2.3 "Attribute Nodes": `&` `<` `"` and TAB, LF, CR as character references.
pub(crate) fn attribute_value(out: &mut impl Sink, value: &str) {
    let bytes = value.as_bytes();
    if !bytes.iter().fold(false, |any, &b| any | matches!(b, b'&' | b'<' | b'"' | b'\t' | b'\n' | b'\r')) {
        out.put(bytes);
        return;
    }
    let mut start = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'"' => b"&quot;",
            b'\t' => b"&#x9;",
            b'\n' => b"&#xA;",
            b'\r' => b"&#xD;",
            _ => continue,
        };
        out.put(bytes.get(start..i).unwrap_or_default());
        out.put(replacement);
        start = i.saturating_add(1);
    }
    out.put(bytes.get(start..).unwrap_or_default());
}

/// Writes a processing instruction (C14N §2.3 "Processing Instruction Nodes"): `<?`, the
/// target, a space and the string value when it is not empty, `?>`. `content` is everything
/// between `<?` and `?>`; the white space after the target is not part of the value.
pub(crate) fn processing_instruction(out: &mut impl Sink, content: &str) {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let (target, data) = match content.find(is_space) {
        Some(at) => {
            (content.get(..at).unwrap_or_default(), content.get(at..).unwrap_or_default().trim_start_matches(is_space))
        }
        None => (content, ""),
    };
    out.put(b"<?");
    out.put(target.as_bytes());
    if !data.is_empty() {
        out.put(b" ");
        // End-of-line handling applies to the whole document entity, PIs included.
        let bytes = data.as_bytes();
        let mut start = 0usize;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\r' {
                out.put(bytes.get(start..i).unwrap_or_default());
                if bytes.get(i.saturating_add(1)) != Some(&b'\n') {
                    out.put(b"\n");
                }
                start = i.saturating_add(1);
            }
        }
        out.put(bytes.get(start..).unwrap_or_default());
    }
    out.put(b"?>");
}

/// Writes a start tag: the qualified name, the namespace declarations `(prefix, URI)`, then the
/// attributes `(qualified name, normalised value)`. The caller gives both in canonical order:
/// declarations by prefix, the default namespace first; attributes by namespace URI, then local
/// name (C14N §2.2 "Document Order", §2.3 "Element Nodes").
pub(crate) fn start_tag<'x>(
    out: &mut impl Sink,
    qname: &str,
    namespaces: impl Iterator<Item = (&'x str, &'x str)>,
    attributes: impl Iterator<Item = (&'x str, &'x str)>,
) {
    out.put(b"<");
    out.put(qname.as_bytes());
    for (prefix, uri) in namespaces {
        if prefix.is_empty() {
            out.put(b" xmlns=\"");
        } else {
            out.put(b" xmlns:");
            out.put(prefix.as_bytes());
            out.put(b"=\"");
        }
        attribute_value(out, uri);
        out.put(b"\"");
    }
    for (qname, value) in attributes {
        out.put(b" ");
        out.put(qname.as_bytes());
        out.put(b"=\"");
        attribute_value(out, value);
        out.put(b"\"");
    }
    out.put(b">");
}

/// Writes an end tag. Empty elements are written as a start and an end tag (C14N §2.3).
pub(crate) fn end_tag(out: &mut impl Sink, qname: &str) {
    out.put(b"</");
    out.put(qname.as_bytes());
    out.put(b">");
}

/// The namespaces an exclusive-C14N output ancestor has rendered (Exc-C14N §3), innermost last.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    rendered: Vec<(String, String)>,
    marks: Vec<usize>,
}

impl Rendered {
    pub(crate) fn open(&mut self) {
        self.marks.push(self.rendered.len());
    }

    pub(crate) fn close(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.rendered.truncate(mark);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.rendered.clear();
        self.marks.clear();
    }

    fn lookup(&self, prefix: &str) -> Option<&str> {
        self.rendered.iter().rev().find(|(p, _)| p == prefix).map(|(_, uri)| uri.as_str())
    }

    /// Exc-C14N §3: a visibly utilised namespace is rendered unless the nearest output
    /// ancestor rendered the same binding. An empty default (`xmlns=""`) is rendered only to
    /// undo a non-empty default an ancestor rendered.
    pub(crate) fn needs(&self, prefix: &str, uri: &str) -> bool {
        match self.lookup(prefix) {
            Some(done) => done != uri,
            None => !(prefix.is_empty() && uri.is_empty()),
        }
    }

    pub(crate) fn record(&mut self, prefix: &str, uri: &str) {
        self.rendered.push((prefix.to_owned(), uri.to_owned()));
    }
}

#[cfg(test)]
mod tests;
