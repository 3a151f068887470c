//! Test helpers: where the corpus is, and a tiny quick-xml driver for the validator.

use std::ops::Range;
use std::path::PathBuf;

use duis_xsd::{Attribute, Finding, Schema, Validator};
use quick_xml::events::Event;
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// `corpus/` in the shared folder: `$DUIS_SHARED`, or `../shared` beside the project root, as
/// for the `duis` tests. Panics (fails the test) when it is missing: a test that asked for the
/// corpus must never pass without it.
pub(crate) fn corpus() -> PathBuf {
    let shared = std::env::var_os("DUIS_SHARED")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"), PathBuf::from);
    let dir = shared.join("corpus");
    assert!(
        dir.join("xsd/DUIS-Schema-V5.4.xsd").is_file(),
        "corpus missing: expected {} (set DUIS_SHARED to the folder holding corpus/)",
        dir.display()
    );
    dir
}

/// Compile the DUIS 5.4 schema set from the corpus.
pub(crate) fn duis_schema() -> Schema {
    let xsd = corpus().join("xsd");
    duis_xsd::compile("DUIS-Schema-V5.4.xsd", &|loc| std::fs::read_to_string(xsd.join(loc)).ok())
        .unwrap_or_else(|e| panic!("DUIS schema does not compile: {e}"))
}

fn ns_of(r: &ResolveResult<'_>) -> Result<String, String> {
    match r {
        ResolveResult::Bound(ns) => Ok(text(ns.as_ref())),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(p) => Err(format!("unknown prefix {}", text(p))),
    }
}

/// Bytes quick-xml read from a `&str`, as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One reader event, owned, so that a document can be fed to a validator repeatedly.
pub(crate) enum Ev {
    Start {
        ns: String,
        local: String,
        /// (namespace, local name, value)
        attrs: Vec<(String, String, String)>,
        /// (prefix, namespace) in scope for the prefix of an `xsi:type` value, if it has one.
        scope: Vec<(String, String)>,
        span: Range<usize>,
    },
    Text(String, Range<usize>),
    End(Range<usize>),
}

/// Read a whole document. `Err` means the XML itself is not well-formed (or has a
/// DOCTYPE, which DUIS messages never carry).
pub(crate) fn events(xml: &str) -> Result<Vec<Ev>, String> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut out = Vec::new();
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap();
        let (res, ev) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        let ns = ns_of(&res);
        let end = usize::try_from(reader.buffer_position()).unwrap();
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let ns = ns?;
                let local = text(e.local_name().as_ref());
                let mut attrs = Vec::new();
                let mut scope = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    let key = a.key.as_ref();
                    if key == b"xmlns" || key.starts_with(b"xmlns:") {
                        continue;
                    }
                    let (r, l) = reader.resolver().resolve_attribute(a.key);
                    let ans = ns_of(&r)?;
                    let value =
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?.into_owned();
                    if ans == XSI && l.as_ref() == b"type" {
                        // The binding its prefix (or the default namespace) has here.
                        let qname = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
                        let prefix = qname.split_once(':').map_or("", |(p, _)| p);
                        let probe = if prefix.is_empty() { "x".to_owned() } else { format!("{prefix}:x") };
                        let (r, _) = reader.resolver().resolve_element(QName(probe.as_bytes()));
                        if let ResolveResult::Bound(uri) = r {
                            scope.push((prefix.to_owned(), text(uri.as_ref())));
                        }
                    }
                    attrs.push((ans, text(l.as_ref()), value));
                }
                out.push(Ev::Start { ns, local, attrs, scope, span: start..end });
                if empty {
                    out.push(Ev::End(end..end));
                }
            }
            Event::End(_) => out.push(Ev::End(start..end)),
            Event::Text(t) => {
                out.push(Ev::Text(t.xml10_content().map_err(|e| e.to_string())?.into_owned(), start..end))
            }
            Event::CData(t) => {
                out.push(Ev::Text(t.xml10_content().map_err(|e| e.to_string())?.into_owned(), start..end))
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.xml10_content().map_err(|e| e.to_string())?.into_owned();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("undefined entity &{name};"))?
                            .to_owned()
                    }
                };
                out.push(Ev::Text(s, start..end));
            }
            Event::DocType(_) => return Err("DOCTYPE".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Feed a document's events to `v`; returns its verdict.
pub(crate) fn feed(v: &mut Validator<'_>, events: &[Ev], findings: &mut Vec<Finding>) -> bool {
    let mut end = 0;
    for ev in events {
        match ev {
            Ev::Start { ns, local, attrs, scope, span } => {
                let list =
                    attrs.iter().map(|(n, l, val)| Attribute { ns: n, local: l, value: val, span: span.clone() });
                let scope: Vec<(&str, &str)> = scope.iter().map(|(p, u)| (p.as_str(), u.as_str())).collect();
                let namespace = v.namespace(ns);
                v.start_element_in(namespace, ns, local, list, scope.as_slice(), span.clone(), findings);
            }
            Ev::Text(t, span) => v.text(t, span.clone(), findings),
            Ev::End(span) => {
                end = span.end;
                v.end_element(span.clone(), findings);
            }
        }
    }
    v.finish(end..end, findings)
}

/// Validate a whole document; `Err` if it is not well-formed.
pub(crate) fn validate(schema: &Schema, xml: &str) -> Result<Vec<Finding>, String> {
    let evs = events(xml)?;
    let mut findings = Vec::new();
    feed(&mut schema.validator(), &evs, &mut findings);
    Ok(findings)
}
