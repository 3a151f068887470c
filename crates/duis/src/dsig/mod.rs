//! XML signatures: canonicalisation (inclusive C14N of the document, exclusive C14N of
//! SignedInfo), the DUIS signature profile, verification and signing.
//!
//! [`SigPass`] rides the validator's single pass: each event is canonicalised straight into a
//! SHA-256 context (the document minus the root's `ds:Signature`, inclusive C14N 1.0), the
//! signature's own elements are checked against the exact DUIS profile (DUIS-FACTS §8.1) as
//! they go by, and `SignedInfo` is written in exclusive C14N into a small buffer. After the pass,
//! [`verify`] checks the digest and the ECDSA signature with a trusted certificate, and
//! `rules::mp104` decides whether that certificate may sign this message.
//!
//! Without a trust store nothing is hashed: the profile's shape is checked and the message gets
//! `sig.unverified`, because a digest or signature can only be judged together with a key (the
//! public DUIS templates carry placeholder values).

pub(crate) mod c14n;
mod sign;
pub(crate) mod verify;

use crate::report::{Code, Detail, Span};
use crate::xml::{Attribute, Event, Ns, Reader, Start, is_xml_space};
use c14n::{DocSink, Hasher, Rendered};
use std::borrow::Cow;

pub use sign::{SignError, SigningKey, sign};
#[cfg(feature = "fuzzing")]
pub use verify::InsecureAcceptAll;
pub use verify::{RingVerifier, SignatureVerifier};

/// The profile's algorithm URIs (DUIS-FACTS §8.1), compared character for character.
pub(crate) mod uri {
    /// Exclusive C14N 1.0 without comments.
    pub(crate) const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    /// ECDSA with SHA-256.
    pub(crate) const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    /// The enveloped-signature transform.
    pub(crate) const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
    /// SHA-256.
    pub(crate) const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
}

/// Where an element sits in the signature profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Signature,
    SignedInfo,
    CanonicalizationMethod,
    SignatureMethod,
    Reference,
    Transforms,
    Transform,
    DigestMethod,
    DigestValue,
    SignatureValue,
    KeyInfo,
    X509Data,
    IssuerSerial,
    IssuerName,
    SerialNumber,
    /// Content the profile does not look into (a Transform's children, an Object, an
    /// embedded certificate), or a subtree already reported.
    Ignored,
}

impl Slot {
    fn name(self) -> &'static str {
        match self {
            Slot::Signature => "Signature",
            Slot::SignedInfo => "SignedInfo",
            Slot::CanonicalizationMethod => "CanonicalizationMethod",
            Slot::SignatureMethod => "SignatureMethod",
            Slot::Reference => "Reference",
            Slot::Transforms => "Transforms",
            Slot::Transform => "Transform",
            Slot::DigestMethod => "DigestMethod",
            Slot::DigestValue => "DigestValue",
            Slot::SignatureValue => "SignatureValue",
            Slot::KeyInfo => "KeyInfo",
            Slot::X509Data => "X509Data",
            Slot::IssuerSerial => "X509IssuerSerial",
            Slot::IssuerName => "X509IssuerName",
            Slot::SerialNumber => "X509SerialNumber",
            Slot::Ignored => "content",
        }
    }

    /// The children the profile allows, in order: (local name, min, max, slot).
    fn children(self) -> &'static [(&'static str, u32, u32, Slot)] {
        match self {
            Slot::Signature => &[
                ("SignedInfo", 1, 1, Slot::SignedInfo),
                ("SignatureValue", 1, 1, Slot::SignatureValue),
                ("KeyInfo", 0, 1, Slot::KeyInfo),
                ("Object", 0, u32::MAX, Slot::Ignored),
            ],
            Slot::SignedInfo => &[
                ("CanonicalizationMethod", 1, 1, Slot::CanonicalizationMethod),
                ("SignatureMethod", 1, 1, Slot::SignatureMethod),
                ("Reference", 1, u32::MAX, Slot::Reference),
            ],
            Slot::Reference => &[
                ("Transforms", 0, 1, Slot::Transforms),
                ("DigestMethod", 1, 1, Slot::DigestMethod),
                ("DigestValue", 1, 1, Slot::DigestValue),
            ],
            Slot::Transforms => &[("Transform", 0, u32::MAX, Slot::Transform)],
            Slot::KeyInfo => &[("X509Data", 0, 1, Slot::X509Data)],
            Slot::X509Data => &[("X509IssuerSerial", 0, 1, Slot::IssuerSerial)],
            Slot::IssuerSerial => {
                &[("X509IssuerName", 1, 1, Slot::IssuerName), ("X509SerialNumber", 1, 1, Slot::SerialNumber)]
            }
            _ => &[],
        }
    }

    /// Slots whose text is a value.
    fn captures(self) -> bool {
        matches!(self, Slot::DigestValue | Slot::SignatureValue | Slot::IssuerName | Slot::SerialNumber)
    }
}

/// An open element of the signature, with progress through its children.
#[derive(Debug)]
struct Frame {
    slot: Slot,
    span: Span,
    index: usize,
    count: u32,
    /// Children seen, per particle.
    seen: [u32; 4],
    /// The element's `Algorithm` was refused (or missing): its children are that algorithm's
    /// parameters, judged with it, not elements of the profile.
    refused: bool,
}

impl Frame {
    fn new(slot: Slot, span: Span) -> Frame {
        Frame { slot, span, index: 0, count: 0, seen: [0; 4], refused: false }
    }
}

/// Captured text of a value element.
///
/// White space the value's type ignores is never kept, so it cannot use up the room a value
/// has: none at all in the base64 of `DigestValue` and `SignatureValue`, none before or after
/// the serial (`xs:integer`) or the issuer name (an escaped space, `\ `, ends a name though).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Captured<'a> {
    /// The text read, references resolved and line ends normalised; [`Captured::text`] is
    /// its first `end` bytes. Borrowed from the input while it is one run of characters as
    /// written (a value on one line, the common case), so that it costs no allocation.
    read: Cow<'a, str>,
    /// The length of the text up to its last character that is not ignored white space.
    end: usize,
    /// The element's start tag.
    pub(crate) span: Span,
    /// Set when the text was longer than [`MAX_CAPTURE`] and cut.
    pub(crate) truncated: bool,
    /// Base64 content: white space is dropped wherever it is.
    base64: bool,
    /// White space came that did not fit: cut, if anything follows it.
    spaces_overflowed: bool,
    /// The last character of text read was a CR (XML 1.0 §2.11: CR LF is one line end).
    after_cr: bool,
}

/// Longest value kept: base64 of a 64-byte signature is 88 characters, names and serials are
/// short. A value longer than this, white space it ignores aside, is reported as too long.
pub(crate) const MAX_CAPTURE: usize = 4096;

impl<'a> Captured<'a> {
    fn new(span: Span, base64: bool) -> Captured<'a> {
        Captured { read: Cow::Borrowed(""), span, base64, ..Captured::default() }
    }

    /// The text, to be added to: copied out of the input the first time, with room for a
    /// signature's 88 base64 characters, or a name or serial, in one allocation.
    fn owned(&mut self) -> &mut String {
        if let Cow::Borrowed(read) = self.read {
            let mut owned = String::with_capacity(read.len().max(64).saturating_mul(2));
            owned.push_str(read);
            self.read = Cow::Owned(owned);
        }
        self.read.to_mut()
    }

    /// The value, without the white space its type ignores.
    pub(crate) fn text(&self) -> &str {
        self.read.get(..self.end).unwrap_or_default()
    }

    /// Character data from the input, with XML end-of-line handling.
    fn push_str(&mut self, text: &'a str) {
        // Usually no white space at all: one branch-free pass, which vectorises, to find out.
        if !text.bytes().fold(false, |any, b| any | crate::xml::is_xml_space(b)) {
            if !text.is_empty() {
                self.after_cr = false;
                self.put_input_word(text);
            }
            return;
        }
        let mut rest = text;
        while !rest.is_empty() {
            // A run of other characters goes in whole; white space, all ASCII, one by one.
            let run = rest.bytes().position(crate::xml::is_xml_space).unwrap_or(rest.len());
            let (word, after) = rest.split_at_checked(run).unwrap_or((rest, ""));
            if !word.is_empty() {
                self.after_cr = false;
                self.put_input_word(word);
            }
            let Some(&space) = after.as_bytes().first() else { break };
            let after_cr = core::mem::replace(&mut self.after_cr, space == b'\r');
            match space {
                b'\r' => self.put_space('\n'),
                b'\n' if after_cr => {}
                _ => self.put_space(char::from(space)),
            }
            rest = after.get(1..).unwrap_or_default();
        }
    }

    /// A character reference's character: no end-of-line handling (`&#13;` stays a CR).
    fn push_char(&mut self, ch: char) {
        self.after_cr = false;
        if matches!(ch, ' ' | '\t' | '\n' | '\r') {
            self.put_space(ch);
        } else {
            self.put_word(ch.encode_utf8(&mut [0u8; 4]));
        }
    }

    fn put_space(&mut self, space: char) {
        if self.base64 || self.end == 0 {
            return;
        }
        if self.read.len() >= MAX_CAPTURE {
            self.spaces_overflowed = true;
            return;
        }
        // Right after the last other character, an odd run of backslashes escapes this space.
        // (Once a space is held the run is not looked at again: each space costs at most one
        // scan of the backslashes, and there are at most MAX_CAPTURE spaces kept.)
        let escaped =
            self.read.len() == self.end && self.text().bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1;
        self.owned().push(space);
        if escaped {
            self.end = self.read.len();
        }
    }

    /// [`Captured::put_word`] for characters of the input: the value's first ones are
    /// borrowed, not copied, as `put_word` would keep them whole (there is room for them).
    fn put_input_word(&mut self, word: &'a str) {
        if self.read.is_empty() && word.len() <= MAX_CAPTURE {
            self.read = Cow::Borrowed(word);
            self.end = word.len();
        } else {
            self.put_word(word);
        }
    }

    /// Characters with no white space among them.
    fn put_word(&mut self, word: &str) {
        if self.spaces_overflowed {
            self.truncated = true;
            return;
        }
        let room = MAX_CAPTURE.saturating_sub(self.read.len());
        let mut cut = room.min(word.len());
        while !word.is_char_boundary(cut) {
            cut = cut.saturating_sub(1);
        }
        if cut < word.len() {
            self.truncated = true;
        }
        self.owned().push_str(word.get(..cut).unwrap_or_default());
        self.end = self.read.len();
    }
}

/// The facts of the root's `ds:Signature`, gathered in the pass.
#[derive(Clone, Debug, Default)]
pub(crate) struct SignatureFacts<'a> {
    /// The `ds:Signature` start tag.
    pub(crate) span: Span,
    /// True when the shape broke the profile (an error was found): verification is not tried.
    pub(crate) shape_error: bool,
    pub(crate) digest_value: Option<Captured<'a>>,
    pub(crate) signature_value: Option<Captured<'a>>,
    pub(crate) issuer_name: Option<Captured<'a>>,
    pub(crate) serial_number: Option<Captured<'a>>,
    /// The `KeyInfo` start tag, if any.
    pub(crate) key_info: Option<Span>,
}

/// What the pass found, for the checks after it.
#[derive(Debug, Default)]
pub(crate) struct SigOutcome<'a> {
    /// The root's (first) `ds:Signature`, when there is one.
    pub(crate) signature: Option<SignatureFacts<'a>>,
    /// True when a `ds:Signature` was found anywhere (even misplaced).
    pub(crate) any_signature: bool,
    /// SHA-256 of the inclusive canonical document minus the signature (verify mode only).
    pub(crate) digest: Option<[u8; 32]>,
    /// Exclusive canonical `SignedInfo` (verify mode only).
    pub(crate) signed_info: Vec<u8>,
    /// The inclusive canonical document, when the pass was made with [`SigPass::canonical`].
    pub(crate) canonical: Option<Vec<u8>>,
    /// Shape findings, held until the document is known to be complete.
    pub(crate) findings: Vec<(Code, Span, Detail)>,
}

/// The signature's share of the single pass. Feed it every event with [`SigPass::event`],
/// then take the [`SigOutcome`] with [`SigPass::finish`].
#[derive(Debug)]
pub(crate) struct SigPass<'a> {
    /// Hash the document and capture `SignedInfo` (only when there is a key to verify with).
    verify: bool,
    hasher: Option<DocSink>,
    rendered: Rendered,
    /// Scratch for ordering a start tag's attributes and namespaces: indices, so that it is
    /// allocated once per message, not once per element.
    order: Vec<usize>,
    depth: u32,
    root_seen: bool,
    /// Depth of the root-child `ds:Signature` being skipped by the digest.
    excluded: Option<u32>,
    /// Depth of `SignedInfo` while it is being canonicalised.
    in_signed_info: Option<u32>,
    signed_info_done: bool,
    /// Profile frames of the first root-child signature, outermost first.
    frames: Vec<Frame>,
    /// Depth of the first root-child signature while it is open.
    parsing: Option<u32>,
    /// A root-child signature that has ended, to report if an element follows it.
    ended: Option<Span>,
    misplaced_reported: bool,
    comments: Comments,
    /// The first start tag declaring a relative namespace URI, which canonical XML cannot
    /// process (reported only for a signed document).
    relative_namespace: Option<Span>,
    /// Depth of an open `sr:SMETS1SignedResponse` or `sr:S1SPAlert` below the root, whose own
    /// `ds:Signature` child (the SMETS1 service provider's) is content.
    provider_signed: Option<u32>,
    outcome: SigOutcome<'a>,
}

/// Where character data came from: whether its bytes in the input are its own text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source<'a> {
    /// Text as written, at this span (no references in it).
    Text(&'a str, Span),
    /// A CDATA section's content.
    CData(&'a str),
    /// A resolved reference.
    Reference,
}

/// Where comments sit in the document, for `sig.comment` and `sig.comment-in-value`.
///
/// Canonical XML without comments drops them, so a comment added to signed content leaves
/// the signature valid. Between elements that is harmless. Inside a value (`<a>12<!---->34</a>`)
/// it is how the comment-truncation attacks on XML signatures work: a reader that takes the
/// first text node sees `12` where the signer signed `1234`.
#[derive(Debug, Default)]
struct Comments {
    /// Non-blank character data since the last tag.
    text_since_tag: bool,
    /// Any character data, white space included, since the last tag.
    any_text_since_tag: bool,
    /// The last tag was a start tag: what follows, up to the next tag, is inside an element
    /// that may turn out to be a leaf (its next tag its own end tag).
    after_start: bool,
    /// A comment since the last tag, not yet known to be inside a value.
    pending: Option<PendingComment>,
    /// The first comment between elements, in signed content.
    between: Option<Span>,
    /// The first comment inside a value.
    in_value: Option<Span>,
}

/// A comment waiting for the next tag to say where it sits.
#[derive(Debug)]
struct PendingComment {
    span: Span,
    /// In signed content (outside the root's `ds:Signature`).
    signed: bool,
    /// Right after a start tag (no tag in between).
    after_start: bool,
    /// Character data between the last tag and the comment, or after the comment.
    text_around: bool,
}

impl Comments {
    /// A start tag (`end` false) or an end tag. A comment in a leaf element with any character
    /// data beside it, white space included, splits that element's value: in SR 12.1 replies
    /// a single space is a value of its own ("Unknown"), so `<x> <!---->  </x>` reads as one
    /// to a reader that stops at the comment and as another to the signer.
    fn tag(&mut self, end: bool) {
        if let Some(pending) = self.pending.take() {
            if end && pending.after_start && pending.text_around {
                self.in_value.get_or_insert(pending.span);
            } else if pending.signed {
                self.between.get_or_insert(pending.span);
            }
        }
        self.text_since_tag = false;
        self.any_text_since_tag = false;
        self.after_start = !end;
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.any_text_since_tag = true;
        if let Some(pending) = &mut self.pending {
            pending.text_around = true;
        }
        if !self.text_since_tag && text.bytes().any(|b| !crate::xml::is_xml_space(b)) {
            self.text_since_tag = true;
            if let Some(pending) = self.pending.take() {
                self.in_value.get_or_insert(pending.span);
            }
        }
    }

    fn comment(&mut self, span: Span, signed: bool) {
        if self.text_since_tag {
            self.in_value.get_or_insert(span);
        } else if self.pending.is_none() {
            self.pending = Some(PendingComment {
                span,
                signed,
                after_start: self.after_start,
                text_around: self.any_text_since_tag,
            });
        }
    }
}

impl<'a> SigPass<'a> {
    /// A pass; `verify` turns on the digest and `SignedInfo` canonicalisation.
    pub(crate) fn new(verify: bool) -> SigPass<'a> {
        SigPass {
            verify,
            hasher: verify.then(|| DocSink::Hash(Box::new(Hasher::new()))),
            rendered: Rendered::default(),
            order: Vec::new(),
            depth: 0,
            root_seen: false,
            excluded: None,
            in_signed_info: None,
            signed_info_done: false,
            frames: Vec::new(),
            parsing: None,
            ended: None,
            misplaced_reported: false,
            comments: Comments::default(),
            relative_namespace: None,
            provider_signed: None,
            // A DUIS SignedInfo canonicalises to about 700 bytes: one allocation, not a
            // doubling per element.
            outcome: SigOutcome {
                signed_info: Vec::with_capacity(if verify { 1024 } else { 0 }),
                ..SigOutcome::default()
            },
        }
    }

    fn report(&mut self, code: Code, span: Span, detail: Detail) {
        if code.severity() == crate::Severity::Error
            && let Some(signature) = &mut self.outcome.signature
        {
            signature.shape_error = true;
        }
        self.outcome.findings.push((code, span, detail));
    }

    /// A pass that also keeps the document's canonical form (tests and fuzzing).
    pub(crate) fn canonical() -> SigPass<'a> {
        SigPass { hasher: Some(DocSink::Buffer(Vec::new())), ..SigPass::new(true) }
    }

    /// Feeds one event, just read by `reader`.
    ///
    /// Inlined into the validator's loop: character data outside the signature, in a pass
    /// without a trust store, only moves the comment tracker, so it costs no call at all.
    #[inline]
    pub(crate) fn event(&mut self, event: &Event<'a>, reader: &Reader<'_>) {
        match event {
            Event::Start(start) => self.start_tag(start, reader),
            Event::End(span) => self.end_tag(*span, reader),
            Event::Text(text, span) => self.text_event(text, *span, reader),
            Event::CData(text, _) => {
                self.comments.text(text);
                if self.wants_text() {
                    self.text(text, Source::CData(text), reader);
                }
            }
            Event::Ref(ch, _) => {
                let mut buffer = [0u8; 4];
                let text = ch.encode_utf8(&mut buffer);
                self.comments.text(text);
                if self.wants_text() {
                    self.text(text, Source::Reference, reader);
                }
            }
            Event::Pi(content) => self.pi(content, reader),
            Event::Comment(span) => self.comments.comment(*span, self.excluded.is_none()),
        }
    }

    /// An [`Event::Start`] (the validator's loop, which has told the kinds apart, calls this
    /// and the two below directly).
    #[inline]
    pub(crate) fn start_tag(&mut self, start: &Start<'_>, reader: &Reader<'_>) {
        self.comments.tag(false);
        self.start(start.ns, start.local, start.span, start.qname, reader);
    }

    /// An [`Event::End`].
    #[inline]
    pub(crate) fn end_tag(&mut self, span: Span, reader: &Reader<'_>) {
        self.comments.tag(true);
        self.end(reader.closed_name(), span, reader);
    }

    /// An [`Event::Text`].
    #[inline]
    pub(crate) fn text_event(&mut self, text: &'a str, span: Span, reader: &Reader<'_>) {
        self.comments.text(text);
        if self.wants_text() {
            self.text(text, Source::Text(text, span), reader);
        }
    }

    /// Inlined: for an element outside the signature, without a trust store, a start tag only
    /// moves the depth and the placement checks; the signature's profile and the canonical form
    /// are out of line. (Always: with two callers in the validator's loop, `#[inline]` was
    /// no longer taken, at about 110 instructions a message.)
    #[inline(always)]
    fn start(&mut self, ns: Ns, local: &str, span: Span, qname: &str, reader: &Reader<'_>) {
        let attributes = reader.attributes();
        if self.relative_namespace.is_none()
            && attributes.iter().any(|a| a.declares.is_some() && !a.value.is_empty() && !is_absolute_uri(&a.value))
        {
            self.relative_namespace = Some(span);
        }
        self.depth = self.depth.saturating_add(1);
        let depth = self.depth;
        self.root_seen = true;
        // The SMETS1 service provider's signature, which the schema puts as the last child of a
        // nested SMETS1SignedResponse (a reply) or S1SPAlert (a DCC alert), is content of the
        // message: signed by the DCC with the rest, neither its signature nor a misplaced one.
        let provider_signature = self.provider_signed.is_some_and(|at| depth == at.saturating_add(1));
        if ns == Ns::Sr
            && matches!(local, "SMETS1SignedResponse" | "S1SPAlert")
            && depth > 1
            && self.provider_signed.is_none()
        {
            self.provider_signed = Some(depth);
        }
        let is_signature = ns == Ns::Ds && local == "Signature" && !provider_signature;
        // An element after the root's signature makes it misplaced; a second signature there
        // is reported as a duplicate instead, once.
        if depth == 2
            && !is_signature
            && let Some(previous) = self.ended
            && !self.misplaced_reported
        {
            self.misplaced_reported = true;
            self.report(Code::SigMisplaced, previous, Detail::None);
        }
        if is_signature {
            self.signature_start(depth, span, attributes);
        } else if self.parsing.is_some() && depth > 2 {
            self.profile_start(ns, local, span, attributes);
        }
        if self.verify {
            self.canonical_start(qname, span, reader);
        }
    }

    /// A `ds:Signature` start tag: the root's first one opens the profile.
    #[inline(never)]
    fn signature_start(&mut self, depth: u32, span: Span, attributes: &[Attribute<'_>]) {
        let first = !self.outcome.any_signature;
        self.outcome.any_signature = true;
        if !first {
            self.report(Code::SigDuplicate, span, Detail::None);
        }
        if depth != 2 {
            self.report(Code::SigMisplaced, span, Detail::None);
        }
        if depth == 2 && self.excluded.is_none() {
            self.excluded = Some(depth);
            if first {
                self.outcome.signature = Some(SignatureFacts { span, ..SignatureFacts::default() });
                self.parsing = Some(depth);
                // The profile nests six deep: one allocation for all the frames.
                self.frames.reserve(8);
                self.frames.push(Frame::new(Slot::Signature, span));
                self.check_attributes(attributes, Slot::Signature, span);
            }
        }
    }

    #[inline(never)]
    fn profile_start(&mut self, ns: Ns, local: &str, span: Span, attributes: &[Attribute<'_>]) {
        let Some(parent) = self.frames.last_mut() else { return };
        let parent_slot = parent.slot;
        if parent_slot == Slot::Ignored || parent.refused {
            // A refused Transform's children (an XPath expression, say) go with its
            // Algorithm. The enveloped-signature transform takes none: a child of it is an
            // element outside the profile, reported below.
            self.frames.push(Frame::new(Slot::Ignored, span));
            return;
        }
        let particles = parent_slot.children();
        let found = if ns == Ns::Ds {
            particles.iter().enumerate().skip(parent.index).find(|(_, (name, ..))| *name == local)
        } else {
            None
        };
        // A child the profile has, but after one it must precede (a KeyInfo after an Object):
        // out of order, yet present, so it is read for what it holds and nothing says it is
        // missing.
        let early = if found.is_none() && ns == Ns::Ds {
            particles.iter().enumerate().take(parent.index).find(|(_, (name, ..))| *name == local)
        } else {
            None
        };
        if let Some((i, (_, _, _, slot))) = early {
            if let Some(seen) = parent.seen.get_mut(i) {
                *seen = seen.saturating_add(1);
            }
            let slot = *slot;
            let found = format!("{local} (out of order: the profile puts it earlier)");
            self.report(Code::SigStructure, span, Detail::SignatureElement { found, parent: parent_slot.name() });
            if slot == Slot::KeyInfo
                && let Some(signature) = &mut self.outcome.signature
            {
                signature.key_info = Some(span);
            }
            self.frames.push(Frame::new(slot, span));
            return;
        }
        let slot = match found {
            Some((i, (_, _, max, slot))) => {
                if i != parent.index {
                    parent.index = i;
                    parent.count = 0;
                }
                parent.count = parent.count.saturating_add(1);
                if let Some(seen) = parent.seen.get_mut(i) {
                    *seen = seen.saturating_add(1);
                }
                let count = parent.count;
                match (parent_slot, *slot) {
                    (Slot::Signature, Slot::Ignored) => {
                        self.report(Code::SigObject, span, Detail::None);
                    }
                    (Slot::SignedInfo, Slot::Reference) if count == 2 => {
                        self.report(
                            Code::SigExtraReference,
                            span,
                            Detail::Count { element: "Reference", found: count, allowed: 1 },
                        );
                    }
                    (Slot::Transforms, Slot::Transform) if count == 2 => {
                        self.report(
                            Code::SigUnsupportedTransform,
                            span,
                            Detail::Count { element: "Transform", found: count, allowed: 1 },
                        );
                    }
                    _ if count > *max => {
                        self.report(
                            Code::SigStructure,
                            span,
                            Detail::SignatureElement { found: local.to_owned(), parent: parent_slot.name() },
                        );
                        self.frames.push(Frame::new(Slot::Ignored, span));
                        return;
                    }
                    _ => {}
                }
                *slot
            }
            None if ns == Ns::Ds && parent_slot == Slot::X509Data && local == "X509Certificate" => {
                self.report(Code::SigEmbeddedCertificate, span, Detail::None);
                Slot::Ignored
            }
            None => {
                let found =
                    if ns == Ns::Ds { local.to_owned() } else { format!("{local} (not in the xmldsig namespace)") };
                self.report(Code::SigStructure, span, Detail::SignatureElement { found, parent: parent_slot.name() });
                Slot::Ignored
            }
        };
        if slot == Slot::KeyInfo
            && let Some(signature) = &mut self.outcome.signature
        {
            signature.key_info = Some(span);
        }
        if slot.captures() {
            let captured = Some(Captured::new(span, matches!(slot, Slot::DigestValue | Slot::SignatureValue)));
            if let Some(signature) = &mut self.outcome.signature {
                match slot {
                    Slot::DigestValue => signature.digest_value = captured,
                    Slot::SignatureValue => signature.signature_value = captured,
                    Slot::IssuerName => signature.issuer_name = captured,
                    _ => signature.serial_number = captured,
                }
            }
        }
        if slot == Slot::SignedInfo && self.verify && !self.signed_info_done {
            self.in_signed_info = Some(self.depth);
            self.rendered.clear();
        }
        let refused = slot != Slot::Ignored && self.check_attributes(attributes, slot, span);
        self.frames.push(Frame { refused, ..Frame::new(slot, span) });
    }

    /// The attributes the profile allows: `Algorithm` on the method and transform elements,
    /// `URI` on Reference, namespace declarations anywhere; nothing else (no `Id`, `Type`).
    /// True when the element's `Algorithm` was refused or is missing.
    fn check_attributes(&mut self, attributes: &[Attribute<'_>], slot: Slot, span: Span) -> bool {
        let mut algorithm: Option<&str> = None;
        let mut reference_uri: Option<&str> = None;
        for attribute in attributes.iter().filter(|a| a.declares.is_none()) {
            let name = attribute.qname;
            let value = attribute.value.as_ref();
            match (slot, name) {
                (
                    Slot::CanonicalizationMethod | Slot::SignatureMethod | Slot::Transform | Slot::DigestMethod,
                    "Algorithm",
                ) => algorithm = Some(value),
                (Slot::Reference, "URI") => reference_uri = Some(value),
                _ => self.report(
                    Code::SigStructure,
                    span,
                    Detail::SignatureElement { found: format!("attribute {name}"), parent: slot.name() },
                ),
            }
        }
        let (code, expected) = match slot {
            Slot::CanonicalizationMethod => (Code::SigUnsupportedC14n, uri::EXC_C14N),
            Slot::SignatureMethod => (Code::SigUnsupportedSignatureMethod, uri::ECDSA_SHA256),
            Slot::Transform => (Code::SigUnsupportedTransform, uri::ENVELOPED),
            Slot::DigestMethod => (Code::SigUnsupportedDigest, uri::SHA256),
            Slot::Reference => {
                if reference_uri != Some("") {
                    let found = reference_uri.map(str::to_owned);
                    self.report(Code::SigReferenceUri, span, Detail::ReferenceUri { found });
                }
                return false;
            }
            _ => return false,
        };
        match algorithm {
            Some(found) if found == expected => false,
            Some(found) => {
                let found = found.to_owned();
                self.report(code, span, Detail::Algorithm { element: slot.name(), found, expected });
                true
            }
            None => {
                self.report(
                    Code::SigStructure,
                    span,
                    Detail::SignatureMissing { what: "an Algorithm attribute", parent: slot.name() },
                );
                true
            }
        }
    }

    /// Inlined: outside the signature and without a trust store an end tag only moves the
    /// depth; the profile and the canonical form are out of line.
    #[inline]
    fn end(&mut self, qname: &str, span: Span, reader: &Reader<'_>) {
        let depth = self.depth;
        if self.verify {
            self.canonical_end(qname, span, reader);
        }
        if self.parsing.is_some() {
            self.profile_pop(depth);
        }
        if self.excluded == Some(depth) {
            self.excluded = None;
            if let Some(signature) = &self.outcome.signature
                && self.ended.is_none()
            {
                self.ended = Some(signature.span);
            }
        }
        if self.in_signed_info == Some(depth) {
            self.in_signed_info = None;
            self.signed_info_done = true;
        }
        if self.provider_signed == Some(depth) {
            self.provider_signed = None;
        }
        self.depth = depth.saturating_sub(1);
    }

    /// Closes the innermost profile frame, and the profile with the signature's end.
    #[inline(never)]
    fn profile_pop(&mut self, depth: u32) {
        if let Some(frame) = self.frames.pop() {
            self.profile_end(&frame);
        }
        if self.parsing == Some(depth) {
            self.parsing = None;
            self.frames.clear();
        }
    }

    /// Reports the children a closing element still needed.
    fn profile_end(&mut self, frame: &Frame) {
        for (i, (name, min, _, _)) in frame.slot.children().iter().enumerate() {
            let seen = frame.seen.get(i).copied().unwrap_or(0);
            if seen >= *min {
                continue;
            }
            self.report(
                Code::SigStructure,
                frame.span,
                Detail::SignatureMissing { what: name, parent: frame.slot.name() },
            );
        }
        let seen = |i: usize| frame.seen.get(i).copied().unwrap_or(0);
        match frame.slot {
            // No KeyInfo, or a KeyInfo with no X509IssuerSerial: the signature names no key.
            Slot::Signature if seen(2) == 0 => self.report(Code::SigNoKeyInfo, frame.span, Detail::None),
            Slot::KeyInfo if seen(0) == 0 => self.report(Code::SigNoKeyInfo, frame.span, Detail::None),
            Slot::X509Data if seen(0) == 0 => self.report(Code::SigNoKeyInfo, frame.span, Detail::None),
            // Without the enveloped-signature transform the digest would cover the signature.
            Slot::Reference if seen(0) == 0 => self.report(
                Code::SigUnsupportedTransform,
                frame.span,
                Detail::Count { element: "Transform", found: 0, allowed: 1 },
            ),
            Slot::Transforms if seen(0) == 0 => self.report(
                Code::SigUnsupportedTransform,
                frame.span,
                Detail::Count { element: "Transform", found: 0, allowed: 1 },
            ),
            _ => {}
        }
    }

    /// Whether [`SigPass::text`] has anything to do: it captures or checks text only inside the
    /// signature's profile (`parsing`), and hashes it only with a trust store (`verify`).
    fn wants_text(&self) -> bool {
        self.parsing.is_some() || self.verify
    }

    #[inline(never)]
    fn text(&mut self, text: &str, source: Source<'a>, reader: &Reader<'_>) {
        let is_reference = source == Source::Reference;
        if self.parsing.is_some()
            && let Some(frame) = self.frames.last()
        {
            let slot = frame.slot;
            if slot.captures() {
                if let Some(signature) = &mut self.outcome.signature {
                    let target = match slot {
                        Slot::DigestValue => &mut signature.digest_value,
                        Slot::SignatureValue => &mut signature.signature_value,
                        Slot::IssuerName => &mut signature.issuer_name,
                        _ => &mut signature.serial_number,
                    };
                    if let Some(captured) = target {
                        match source {
                            Source::Text(text, _) | Source::CData(text) => captured.push_str(text),
                            Source::Reference => text.chars().for_each(|ch| captured.push_char(ch)),
                        }
                    }
                }
            } else if slot != Slot::Ignored && !text.bytes().all(is_xml_space) {
                let span = frame.span;
                self.report(
                    Code::SigStructure,
                    span,
                    Detail::SignatureElement { found: "text".to_owned(), parent: slot.name() },
                );
            }
        }
        if !self.verify {
            return;
        }
        if self.excluded.is_none()
            && let Some(hasher) = &mut self.hasher
        {
            let mut out = hasher.out(reader.input());
            match source {
                Source::Reference => text.chars().for_each(|ch| c14n::reference(&mut out, ch)),
                // Text without `>` or CR is its own canonical form (a reference, `&` included,
                // is an event of its own).
                Source::Text(_, span) if !text.bytes().fold(false, |any, b| any | matches!(b, b'>' | b'\r')) => {
                    out.raw(span);
                }
                Source::Text(..) | Source::CData(_) => c14n::text(&mut out, text),
            }
        }
        if self.in_signed_info.is_some() {
            let out = &mut self.outcome.signed_info;
            if is_reference {
                text.chars().for_each(|ch| c14n::reference(out, ch));
            } else {
                c14n::text(out, text);
            }
        }
    }

    fn pi(&mut self, content: &str, reader: &Reader<'_>) {
        if !self.verify {
            return;
        }
        if self.excluded.is_none()
            && let Some(sink) = &mut self.hasher
        {
            let hasher = &mut sink.out(reader.input());
            // C14N §2.1: outside the root, a PI is separated from the root by a line feed.
            if self.depth == 0 && self.root_seen {
                c14n::Sink::put(hasher, b"\n");
            }
            c14n::processing_instruction(hasher, content);
            if self.depth == 0 && !self.root_seen {
                c14n::Sink::put(hasher, b"\n");
            }
        }
        if self.in_signed_info.is_some() {
            c14n::processing_instruction(&mut self.outcome.signed_info, content);
        }
    }

    /// Canonicalises a start tag: inclusive into the digest, exclusive into `SignedInfo`.
    #[inline(never)]
    fn canonical_start(&mut self, qname: &str, span: Span, reader: &Reader<'_>) {
        let attributes = reader.attributes();
        // `<qname>` with no attribute and no declaration is its own canonical form: the
        // parent, always in the node-set here, has the same namespaces in scope.
        if attributes.is_empty()
            && self.in_signed_info.is_none()
            && span.end.saturating_sub(span.start) == qname.len().saturating_add(2)
        {
            if self.excluded.is_none()
                && let Some(hasher) = &mut self.hasher
            {
                hasher.out(reader.input()).raw(span);
            }
            return;
        }
        // C14N §2.2: attributes in order of namespace URI, then local name.
        let order = &mut self.order;
        order.clear();
        order.extend(attributes.iter().enumerate().filter(|(_, a)| a.declares.is_none()).map(|(i, _)| i));
        let key = |i: &usize| attributes.get(*i).map(|a| (a.uri.as_ref(), a.local));
        if order.len() > 1 {
            order.sort_unstable_by_key(key);
        }
        let plain = order.len();
        let by_index = |i: &usize| attributes.get(*i).map(|a| (a.qname, a.value.as_ref()));

        if self.excluded.is_none()
            && let Some(hasher) = &mut self.hasher
        {
            // C14N §2.3 (namespace axis): a declaration is rendered unless the parent, which
            // is always in the node-set here, has the same binding in scope; `xmlns=""` only
            // when it undoes a non-empty default. Declarations sort by prefix, default first.
            let declared = reader.declared_here();
            order.truncate(plain);
            order.extend((0..declared.len()).filter(|i| {
                declared.get(*i).is_some_and(|b| reader.outer_namespace(b.prefix).unwrap_or_default() != b.uri)
            }));
            let (attribute_order, namespace_order) = order.split_at_mut(plain);
            namespace_order.sort_unstable_by_key(|i| declared.get(*i).map(|b| b.prefix));
            let namespaces =
                namespace_order.iter().filter_map(|i| declared.get(*i)).map(|b| (b.prefix, b.uri.as_ref()));
            let mut out = hasher.out(reader.input());
            c14n::start_tag(&mut out, qname, namespaces, attribute_order.iter().filter_map(by_index));
        }
        if self.in_signed_info.is_some() {
            // Exc-C14N §3: the namespaces visibly utilised by the element (its own prefix and
            // its attributes' prefixes other than `xml`) that the nearest output ancestor did
            // not render with the same URI.
            self.rendered.open();
            let element_prefix = qname.split_once(':').map_or("", |(p, _)| p);
            let prefix_of =
                |i: usize| if i == usize::MAX { element_prefix } else { attributes.get(i).map_or("", |a| a.prefix) };
            order.truncate(plain);
            for candidate in core::iter::once(usize::MAX).chain(0..attributes.len()) {
                let prefix = prefix_of(candidate);
                let utilised = candidate == usize::MAX
                    || attributes.get(candidate).is_some_and(|a| a.declares.is_none() && !a.prefix.is_empty());
                let seen = order.get(plain..).unwrap_or_default().iter().any(|j| prefix_of(*j) == prefix);
                if !utilised || prefix == "xml" || seen {
                    continue;
                }
                if self.rendered.needs(prefix, reader.namespace(prefix).unwrap_or_default()) {
                    order.push(candidate);
                }
            }
            let (attribute_order, namespace_order) = order.split_at_mut(plain);
            namespace_order.sort_unstable_by_key(|i| prefix_of(*i));
            for i in namespace_order.iter() {
                let prefix = prefix_of(*i);
                self.rendered.record(prefix, reader.namespace(prefix).unwrap_or_default());
            }
            let namespaces =
                namespace_order.iter().map(|i| (prefix_of(*i), reader.namespace(prefix_of(*i)).unwrap_or_default()));
            c14n::start_tag(
                &mut self.outcome.signed_info,
                qname,
                namespaces,
                attribute_order.iter().filter_map(by_index),
            );
        }
    }

    #[inline(never)]
    fn canonical_end(&mut self, qname: &str, span: Span, reader: &Reader<'_>) {
        if self.excluded.is_none()
            && let Some(hasher) = &mut self.hasher
        {
            let mut out = hasher.out(reader.input());
            // `</qname>` as written (no white space before `>`; an empty-element tag's end
            // is a point, and is written out).
            if span.end.saturating_sub(span.start) == qname.len().saturating_add(3) {
                out.raw(span);
            } else {
                c14n::end_tag(&mut out, qname);
            }
        }
        if self.in_signed_info.is_some() {
            c14n::end_tag(&mut self.outcome.signed_info, qname);
            self.rendered.close();
        }
    }

    /// Ends the pass.
    pub(crate) fn finish(mut self, input: &[u8]) -> SigOutcome<'a> {
        // Only a signed document has signed content for a comment to hide in.
        if self.outcome.any_signature {
            if let Some(span) = self.comments.in_value {
                self.outcome.findings.push((Code::SigCommentInValue, span, Detail::None));
            }
            if let Some(span) = self.comments.between {
                self.outcome.findings.push((Code::SigComment, span, Detail::None));
            }
            if let Some(span) = self.relative_namespace {
                self.outcome.findings.push((Code::SigRelativeNamespace, span, Detail::None));
                // No canonical form, so no digest to compare: nothing to verify.
                if let Some(signature) = &mut self.outcome.signature {
                    signature.shape_error = true;
                }
            }
        }
        if let Some(sink) = self.hasher {
            let (digest, canonical) = sink.finish(input);
            self.outcome.digest = Some(digest);
            self.outcome.canonical = canonical;
        }
        self.outcome
    }
}

/// True for an absolute URI (RFC 3986 §4.3): a scheme (§3.1: a letter, then letters, digits,
/// `+`, `-` or `.`), a colon, and only characters a URI may hold (unreserved, reserved, and
/// `%` with two hex digits). Canonical XML fails on any other non-empty namespace URI
/// (Canonical XML 1.0 §2.1), as Apache Santuario and libxml2 do for relative ones; libxml2,
/// and so xmlsec1, also fails on a name that is no URI (`urn:a b`, `urn:é`, `http://x/%zz`).
fn is_absolute_uri(uri: &str) -> bool {
    // The namespaces of every DUIS message, checked without a scan.
    if [crate::xml::ns::SR, crate::xml::ns::DS, crate::xml::ns::RA].contains(&uri) {
        return true;
    }
    let Some((scheme, _)) = uri.split_once(':') else { return false };
    let mut bytes = scheme.bytes();
    let scheme_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let bytes = uri.as_bytes();
    let characters_ok = bytes.iter().enumerate().all(|(i, &b)| match b {
        b'%' => bytes
            .get(i.saturating_add(1)..i.saturating_add(3))
            .is_some_and(|hex| hex.len() == 2 && hex.iter().all(u8::is_ascii_hexdigit)),
        // RFC 3986 unreserved and reserved characters.
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => true,
        b'-' | b'.' | b'_' | b'~' | b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@' => true,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' => true,
        _ => false,
    });
    // Then the structure (one `#`, brackets only around an IP literal, a numeric port...), as
    // libxml2 parses it: xmlsec1 cannot canonicalise a namespace name it cannot parse.
    scheme_ok && characters_ok && duis_xsd::is_uri_reference(uri)
}

/// The SHA-256 digest and exclusive canonical `SignedInfo` of a document, by the same pass the
/// validator runs (used by signing, so that sign → verify round-trips by construction). `None`
/// when the document is not well formed.
pub(crate) fn digest_and_signed_info(input: &[u8]) -> Option<SigOutcome<'_>> {
    run(input, SigPass::new(true))
}

/// The inclusive canonical form of a document minus its root-child `ds:Signature` (the bytes
/// the Reference digest covers), or `None` when the document is not well formed.
pub(crate) fn canonicalize(input: &[u8]) -> Option<Vec<u8>> {
    run(input, SigPass::canonical()).and_then(|outcome| outcome.canonical)
}

fn run<'a>(input: &'a [u8], mut pass: SigPass<'a>) -> Option<SigOutcome<'a>> {
    let limits = crate::Limits::default();
    let mut findings = crate::report::Findings::new(limits.max_findings);
    let mut reader = crate::xml::Reader::new(input, limits, &mut findings)?;
    while let Some(event) = reader.next(&mut findings) {
        pass.event(&event, &reader);
    }
    reader.is_complete().then(|| pass.finish(input))
}

#[cfg(test)]
mod tests;
