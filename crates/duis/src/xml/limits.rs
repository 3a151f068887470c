//! Resource limits for hostile input.

/// Bounds on what one message may cost. `Limits::default()` is strict but accepts every
/// legitimate DUIS 5.4 message, the largest being an 11.1 Update Firmware request.
///
/// Each limit, when exceeded, gives its own `limit.*` finding and stops reading, so work and
/// memory stay linear in the bytes actually read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input, in bytes (`limit.input-size`). Default 32 MiB: an 11.1 Update Firmware
    /// request carries a `FirmwareImage` of up to 10,240,000 octets (13,653,336 base64
    /// characters, more with line breaks) and a `DeviceIDList` of up to 1,199,999 characters,
    /// about 15 MB in all; 32 MiB leaves room for line-wrapped base64 and indentation.
    pub max_input_bytes: usize,
    /// Deepest element nesting (`limit.depth`). Default 64: the deepest DUIS 5.4 content is
    /// under 20 levels, and a depth bound keeps every per-level stack small.
    pub max_depth: u32,
    /// Most elements in one document (`limit.elements`). Default 500,000: bounds work on
    /// element-dense input while leaving room for the largest schedule, inventory and profile
    /// data replies.
    pub max_elements: u32,
    /// Most attributes on one element, namespace declarations included (`limit.attributes`).
    /// Default 64: DUIS elements carry at most a handful.
    pub max_attributes: u32,
    /// Most namespace declarations in scope at once (`limit.namespaces`). Default 128: DUIS
    /// messages declare two or three; the bound keeps every prefix lookup short, so work stays
    /// linear in the input even when each of thousands of nested elements declares namespaces.
    pub max_namespaces: usize,
    /// Longest text content of one element, in bytes (`limit.text-length`). Default 16 MiB:
    /// room for the 13,653,336-character `FirmwareImage` with line breaks. It is also the
    /// bound on base64 text (DESIGN §7 asks for a base64 length limit): every base64 value in
    /// DUIS is one element's text, so a second number would only repeat this one, and XSD
    /// length facets then bound each value's octets exactly. A `GBCSPayload` is decoded only
    /// within it.
    pub max_text_bytes: usize,
    /// Longest attribute value, in bytes as written (`limit.attribute-length`). Default 64 KiB:
    /// DUIS attributes (`schemaVersion`, the signature's algorithm URIs and `URI=""`,
    /// namespace declarations) are under 100 bytes, and no DUIS value lives in an attribute;
    /// a megabyte attribute is an attack, refused before it is normalised or checked.
    pub max_attribute_bytes: usize,
    /// Most findings kept per message (`limit.findings`). Default 1,000: enough to diagnose any
    /// real message; a flood from a garbage input is counted, not stored. Zero counts as one:
    /// the error that makes a message invalid is always kept, so no limit changes a verdict.
    pub max_findings: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 32 * 1024 * 1024,
            max_depth: 64,
            max_elements: 500_000,
            max_attributes: 64,
            max_namespaces: 128,
            max_text_bytes: 16 * 1024 * 1024,
            max_attribute_bytes: 64 * 1024,
            max_findings: 1_000,
        }
    }
}

impl Limits {
    /// Sets [`Limits::max_input_bytes`].
    pub fn max_input_bytes(mut self, bytes: usize) -> Limits {
        self.max_input_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_depth`].
    pub fn max_depth(mut self, depth: u32) -> Limits {
        self.max_depth = depth;
        self
    }

    /// Sets [`Limits::max_elements`].
    pub fn max_elements(mut self, elements: u32) -> Limits {
        self.max_elements = elements;
        self
    }

    /// Sets [`Limits::max_attributes`].
    pub fn max_attributes(mut self, attributes: u32) -> Limits {
        self.max_attributes = attributes;
        self
    }

    /// Sets [`Limits::max_namespaces`].
    pub fn max_namespaces(mut self, namespaces: usize) -> Limits {
        self.max_namespaces = namespaces;
        self
    }

    /// Sets [`Limits::max_text_bytes`].
    pub fn max_text_bytes(mut self, bytes: usize) -> Limits {
        self.max_text_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_attribute_bytes`].
    pub fn max_attribute_bytes(mut self, bytes: usize) -> Limits {
        self.max_attribute_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_findings`].
    pub fn max_findings(mut self, findings: usize) -> Limits {
        self.max_findings = findings;
        self
    }
}
