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
    let (rest, fragment) = match v.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (v, None),
    };
    // fragment = *( pchar / "/" / "?" ), and `[`, `]` as libxml2 allows.
    if fragment.is_some_and(|f| !all(f, |c| is_pchar(c) || matches!(c, '/' | '?' | '[' | ']'))) {
        return false;
    }
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    if query.is_some_and(|q| !all(q, |c| is_pchar(c) || matches!(c, '/' | '?'))) {
        return false;
    }
    // URI = scheme ":" hier-part ..., tried first; then relative-ref.
    if let Some((scheme, hier)) = rest.split_once(':')
        && is_scheme(scheme)
    {
        return hier_part(hier, true);
    }
    hier_part(rest, false)
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// `hier-part` (after a scheme) or `relative-part`: `"//" authority path-abempty`, or a path
/// of segments; in a relative reference the first segment has no `:` (path-noscheme).
fn hier_part(part: &str, after_scheme: bool) -> bool {
    if let Some(after) = part.strip_prefix("//") {
        let (authority, path) = match after.find('/') {
            Some(at) => (after.get(..at).unwrap_or_default(), after.get(at..).unwrap_or_default()),
            None => (after, ""),
        };
        return is_authority(authority) && all(path, |c| is_pchar(c) || c == '/');
    }
    let first = part.split('/').next().unwrap_or_default();
    (after_scheme || !first.contains(':')) && all(part, |c| is_pchar(c) || c == '/')
}

/// `authority = [ userinfo "@" ] host [ ":" port ]`; an IP literal's content is not checked,
/// as libxml2 does not.
fn is_authority(authority: &str) -> bool {
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    if userinfo.is_some_and(|u| !all(u, |c| is_unreserved(c) || is_sub_delim(c) || c == ':')) {
        return false;
    }
    let (host_ok, port) = if let Some(literal) = hostport.strip_prefix('[') {
        let Some((_, after)) = literal.split_once(']') else { return false };
        if after.is_empty() {
            (true, None)
        } else {
            // After the literal: `:port` or nothing.
            let Some(port) = after.strip_prefix(':') else { return false };
            (true, Some(port))
        }
    } else {
        let (host, port) = match hostport.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        };
        (all(host, |c| is_unreserved(c) || is_sub_delim(c)), port)
    };
    // A port after `:` has at least one digit: RFC 3986 allows it empty, libxml2 does not.
    // libxml2 also refuses a port beyond a C int.
    host_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<i32>().is_ok())
}

/// Every character of `s` passes `ok`, each `%` starting an escaped octet (`%` hex hex), and
/// each character XLink would escape counting as escaped.
fn all(s: &str, ok: impl Fn(char) -> bool) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let hex = |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit());
            if !(hex(chars.next()) && hex(chars.next())) {
                return false;
            }
        } else if !(ok(c) || xlink_escaped(c)) {
            return false;
        }
    }
    true
}

/// Characters XLink §5.4 replaces by `%XX` escapes before the value is read as a URI.
fn xlink_escaped(c: char) -> bool {
    !c.is_ascii() || c.is_ascii_control() || matches!(c, ' ' | '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn is_sub_delim(c: char) -> bool {
    matches!(c, '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '=')
}

/// `pchar = unreserved / pct-encoded / sub-delims / ":" / "@"`.
fn is_pchar(c: char) -> bool {
    is_unreserved(c) || is_sub_delim(c) || matches!(c, ':' | '@')
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
