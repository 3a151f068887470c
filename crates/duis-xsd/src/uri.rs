//! The lexical space of `xs:anyURI`: URI references, read as libxml2 reads them, by RFC 3986
//! (which XSD 1.1 cites; XSD 1.0 cites its predecessor RFC 2396, whose grammar differs in
//! corners such as `a:` or `http://a:b:c/`, and libxml2, the parity peer, follows RFC 3986).
//!
//! First the characters XLink §5.4 escapes (outside printable ASCII, and `<`, `>`, `"`, space,
//! `{`, `}`, `|`, `\`, `^`, `` ` ``) count as escaped octets, accepted wherever an unreserved
//! character is (everywhere but the scheme). `%`, `#`, `[` and `]` are not escaped: a `%`
//! without two hex digits, a second `#`, a bracket outside an IP literal (or a fragment,
//! where libxml2 allows them), or an ill-formed scheme or port (empty included, as libxml2
//! reads it) make the value no URI.

/// True when `v` (already whitespace-collapsed) is in the lexical space of `xs:anyURI`.
pub(crate) fn is_any_uri(v: &str) -> bool {
    // The values every signed DUIS message carries, known to pass (a test checks each against
    // the full reading): one comparison each instead of a parse.
    KNOWN.contains(&v) || parse(v.as_bytes())
}

/// The xmldsig algorithm identifiers of the DUIS signature profile, and the empty reference.
const KNOWN: [&str; 5] = [
    "",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/04/xmlenc#sha256",
];

/// The full reading of [`is_any_uri`].
fn parse(v: &[u8]) -> bool {
    let (rest, fragment) = split(v, b'#');
    // fragment = *( pchar / "/" / "?" ), and `[`, `]` as libxml2 allows.
    if fragment.is_some_and(|f| !all(f, PCHAR | SLASH_QUERY | BRACKET)) {
        return false;
    }
    let (rest, query) = split(rest, b'?');
    if query.is_some_and(|q| !all(q, PCHAR | SLASH_QUERY)) {
        return false;
    }
    // URI = scheme ":" hier-part ..., tried first; then relative-ref.
    if let (scheme, Some(hier)) = split(rest, b':')
        && is_scheme(scheme)
    {
        return hier_part(hier, true);
    }
    hier_part(rest, false)
}

/// `bytes` cut at the first `at`: before it, and after it if it occurs.
fn split(bytes: &[u8], at: u8) -> (&[u8], Option<&[u8]>) {
    match bytes.iter().position(|&b| b == at) {
        Some(i) => (bytes.get(..i).unwrap_or_default(), bytes.get(i + 1..)),
        None => (bytes, None),
    }
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_alphabetic)
        && s.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// `hier-part` (after a scheme) or `relative-part`: `"//" authority path-abempty`, or a path
/// of segments; in a relative reference the first segment has no `:` (path-noscheme).
fn hier_part(part: &[u8], after_scheme: bool) -> bool {
    if let Some(after) = part.strip_prefix(b"//") {
        let at = after.iter().position(|&b| b == b'/').unwrap_or(after.len());
        let (authority, path) = after.split_at(at);
        return is_authority(authority) && all(path, PCHAR | SLASH);
    }
    let first = split(part, b'/').0;
    (after_scheme || !first.contains(&b':')) && all(part, PCHAR | SLASH)
}

/// `authority = [ userinfo "@" ] host [ ":" port ]`; an IP literal's content is not checked,
/// as libxml2 does not.
fn is_authority(authority: &[u8]) -> bool {
    let (userinfo, hostport) = match authority.iter().rposition(|&b| b == b'@') {
        Some(i) => (authority.get(..i), authority.get(i + 1..).unwrap_or_default()),
        None => (None, authority),
    };
    if userinfo.is_some_and(|u| !all(u, UNRESERVED | SUB_DELIM | COLON)) {
        return false;
    }
    let (host_ok, port) = if let Some(literal) = hostport.strip_prefix(b"[") {
        let (_, Some(after)) = split(literal, b']') else { return false };
        if after.is_empty() {
            (true, None)
        } else {
            // After the literal: `:port` or nothing.
            let Some(port) = after.strip_prefix(b":") else { return false };
            (true, Some(port))
        }
    } else {
        let (host, port) = split(hostport, b':');
        (all(host, UNRESERVED | SUB_DELIM), port)
    };
    // A port after `:` has at least one digit: RFC 3986 allows it empty, libxml2 does not.
    // libxml2 also refuses a port beyond a C int.
    host_ok
        && port.is_none_or(|p| {
            !p.is_empty()
                && p.iter().all(u8::is_ascii_digit)
                && std::str::from_utf8(p).ok().and_then(|p| p.parse::<i32>().ok()).is_some()
        })
}

/// Byte classes, as bits of [`class`].
const UNRESERVED: u8 = 1;
const SUB_DELIM: u8 = 2;
const COLON: u8 = 4;
const AT: u8 = 8;
const SLASH: u8 = 16;
const SLASH_QUERY: u8 = 16 | 32;
const BRACKET: u8 = 64;
/// Escaped by XLink §5.4 before the value is read as a URI (outside printable ASCII, and `<`,
/// `>`, `"`, space, `{`, `}`, `|`, `\`, `^`, `` ` ``): accepted wherever a class is.
const XLINK: u8 = 128;
/// `pchar = unreserved / pct-encoded / sub-delims / ":" / "@"`.
const PCHAR: u8 = UNRESERVED | SUB_DELIM | COLON | AT;

/// The class of byte `c` (the compiler makes the match a table).
fn class(c: u8) -> u8 {
    if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
        return UNRESERVED;
    }
    match c {
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' => SUB_DELIM,
        b':' => COLON,
        b'@' => AT,
        b'/' => SLASH,
        b'?' => 32,
        b'[' | b']' => BRACKET,
        b' ' | b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`' => XLINK,
        _ if !(0x20..0x7F).contains(&c) => XLINK,
        _ => 0,
    }
}

/// Every byte of `s` is in one of the `allowed` classes or XLink-escaped, and each `%` starts
/// an escaped octet (`%` hex hex).
fn all(s: &[u8], allowed: u8) -> bool {
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if b == b'%' {
            let hex = |at: usize| s.get(at).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if class(b) & (allowed | XLINK) == 0 {
            return false;
        } else {
            i += 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_any_uri;

    #[test]
    fn uri_references_are_accepted() {
        for v in [
            "",
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "urn:oid:1.2.3",
            "mailto:a@b.c",
            "a/b/c?x=1#frag",
            "/abs/path",
            "#fragment",
            "../up",
            "http://[::1]:80/x",
            "http://user@[fe80::1]/",
            "file:///etc/x",
            "a b",
            "é/ü",
            "http://a/%20b",
            "?query",
            "a:",
            "a:b:c",
            "http://a:2147483647/",
            "//",
            "x#[y]",
            "http://[g]/",
        ] {
            assert!(is_any_uri(v), "{v:?}");
        }
    }

    #[test]
    fn the_known_values_pass_the_full_reading() {
        for v in super::KNOWN {
            assert!(super::parse(v.as_bytes()), "{v:?}");
        }
    }

    #[test]
    fn malformed_references_are_refused() {
        for v in [
            "%",
            "%2",
            "%zz",
            "a%",
            "##",
            "#a#b",
            "http://a#b#c",
            ":",
            "::",
            "[",
            "]",
            "http://a/[x]",
            "1a:b",
            "http://[/",
            "http://[::1/",
            "-:x",
            "http://a:b:c/",
            "http://a:-1/",
            "http://u@h:/",
            "http://a:2147483648/",
            "a:[b]",
            "?[x]",
            "a/[b]",
        ] {
            assert!(!is_any_uri(v), "{v:?}");
        }
    }
}
