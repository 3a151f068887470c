//! Rendering a report: human (`file:line:col: severity code: message` and the source line),
//! JSON (one object per input per line) or GitHub Actions workflow commands (SARIF, a log for
//! the whole run, is `sarif.rs`).

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use duis::{Report, Severity};

/// Longest stretch of a source line shown; long lines (base64 payloads, minified XML) are
/// windowed around the finding.
const WINDOW_BEFORE: usize = 60;
const WINDOW_AFTER: usize = 100;

/// The human rendering of one report.
pub(crate) fn human(name: &str, report: &Report<'_>, colour: bool, quiet: bool) -> String {
    let name = &printable(name);
    let mut out = String::new();
    if report.findings().is_empty() {
        if !quiet {
            let _ = writeln!(out, "{name}: ok ({})", describe(report));
            gbcs_line(&mut out, report);
        }
        return out;
    }
    let renderer = if colour { Renderer::styled() } else { Renderer::plain() };
    for (finding, at) in report.findings().iter().zip(report.finding_positions()) {
        let _ = writeln!(
            out,
            "{name}:{}:{}: {} {}: {}",
            at.line,
            at.column,
            finding.severity,
            finding.code,
            printable(&finding.message().to_string())
        );
        if let Some((line_text, range)) = excerpt(report.input(), finding.span).map(|(t, r)| visible(&t, r)) {
            let level = match finding.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                _ => Level::INFO,
            };
            let group = Group::with_level(level).element(
                Snippet::source(&line_text)
                    .line_start(at.line)
                    .fold(false)
                    .annotation(AnnotationKind::Primary.span(range).label(finding.code.as_str())),
            );
            let _ = writeln!(out, "{}", renderer.render(&[group]));
        }
    }
    if report.is_valid() && !quiet {
        let _ = writeln!(out, "{name}: ok ({})", describe(report));
    }
    if !quiet || !report.is_valid() {
        gbcs_line(&mut out, report);
    }
    out
}

/// Which certificate verified the XML signature, and for a Signed Pre-Command the GBCS header
/// and whose role key verified its signature.
fn gbcs_line(out: &mut String, report: &Report<'_>) {
    if let Some(signer) = report.xml_signer() {
        let _ = writeln!(out, "  xml signature: verified with {signer}");
    }
    let Some(gbcs) = report.gbcs_header() else { return };
    let use_case = gbcs.use_case.map(|u| format!(" ({u})")).unwrap_or_default();
    let signature = match (&gbcs.verified_by, gbcs.signed) {
        (Some(key), _) => format!("GBCS signature verified with {key}"),
        (None, true) => "GBCS signature not verified".to_owned(),
        (None, false) => "not signed".to_owned(),
    };
    let _ = writeln!(
        out,
        "  gbcs: message code 0x{:04X}{use_case}, counter {}, {} -> {}, {} content of {} bytes; {signature}",
        gbcs.message_code, gbcs.counter, gbcs.originator, gbcs.recipient, gbcs.content_kind, gbcs.content_length
    );
}

/// `service-request 7.2 CV 4`, or what is known of the message.
fn describe(report: &Report<'_>) -> String {
    let mut text = report.kind().map_or_else(|| "unknown".to_owned(), |k| k.to_string());
    if let Some(request) = report.request() {
        if let Some(srv) = request.srv() {
            let _ = write!(text, " {}", srv.id);
        }
        if let Some(cv) = &request.command_variant {
            let _ = write!(text, " CV {}", cv.value);
        }
    }
    text
}

/// The source line holding `span.start`, windowed (long lines, base64 payloads and minified
/// XML, are cut around the finding: only the window is ever read), and the span within it.
fn excerpt(input: &[u8], span: duis::Span) -> Option<(String, std::ops::Range<usize>)> {
    let start = span.start.min(input.len());
    let earliest = start.saturating_sub(WINDOW_BEFORE);
    // Lines end at LF, CR LF or a lone CR (XML 1.0 §2.11), as the reported line numbers count.
    let is_end = |b: &u8| matches!(b, b'\n' | b'\r');
    let from = input.get(earliest..start)?.iter().rposition(is_end).map_or(earliest, |i| earliest + i + 1);
    // A byte-order mark is no part of the first line's text.
    let from = if input.starts_with(&[0xEF, 0xBB, 0xBF]) && from < 3 && start >= 3 { 3 } else { from };
    let latest = start.saturating_add(WINDOW_AFTER).min(input.len());
    let to = input.get(start..latest)?.iter().position(is_end).map_or(latest, |i| start + i);
    let window = input.get(from..to)?;
    let lossy = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut text = lossy(window);
    if text.ends_with('\r') {
        text.pop();
    }
    let rel_start = lossy(input.get(from..start)?).len();
    let end = span.end.clamp(start, to);
    let mut rel_end = lossy(input.get(from..end)?).len().min(text.len());
    if rel_end <= rel_start {
        // A point: mark the character there, or the line end.
        rel_end = text.get(rel_start..).and_then(|r| r.chars().next()).map_or(rel_start, |c| rel_start + c.len_utf8());
    }
    Some((text, rel_start..rel_end))
}

/// One GitHub Actions workflow command per finding (`::error file=F,line=L,col=C,title=CODE::
/// message`), which Actions shows as an annotation on the file; `notice` for information.
/// Nothing for a report without findings.
pub(crate) fn github(name: &str, report: &Report<'_>) -> String {
    let mut out = String::new();
    for (finding, at) in report.findings().iter().zip(report.finding_positions()) {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            github_property(name),
            at.line,
            at.column,
            github_property(finding.code.as_str()),
            github_data(&finding.message().to_string())
        );
    }
    out
}

/// The workflow command for an input that could not be read.
pub(crate) fn github_unreadable(name: &str, message: &str) -> String {
    format!("::error file={}::{}\n", github_property(name), github_data(message))
}

/// A workflow command's message, escaped as `@actions/core` does: `%`, CR and LF, which would
/// otherwise end the command or be read as an escape.
fn github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: as [`github_data`], and `:` and `,`, which end a
/// property.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The JSON line for an input that could not be read: no verdict, the reason instead (the
/// exit status is 2 for it).
pub(crate) fn json_unreadable(name: &str, error: &str) -> String {
    json_line(&serde_json::json!({ "file": name, "valid": null, "error": error }))
}

/// One JSON line, with U+2028 and U+2029 escaped: valid JSON either way, but readers that split
/// lines at every Unicode line break would otherwise see one object as two lines.
fn json_line(value: &serde_json::Value) -> String {
    let text = value.to_string();
    let mut line = if text.contains(['\u{2028}', '\u{2029}']) {
        text.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
    } else {
        text
    };
    line.push('\n');
    line
}

pub(crate) fn json(name: &str, report: &Report<'_>) -> String {
    let findings: Vec<serde_json::Value> = report
        .findings()
        .iter()
        .zip(report.finding_positions())
        .map(|(f, at)| {
            serde_json::json!({
                "code": f.code.as_str(),
                "severity": f.severity.as_str(),
                "message": f.message().to_string(),
                "line": at.line,
                "column": at.column,
            })
        })
        .collect();
    let mut value = serde_json::json!({
        "file": name,
        "valid": report.is_valid(),
        "kind": report.kind().map(|k| k.as_str()),
        "findings": findings,
    });
    if let Some(object) = value.as_object_mut() {
        if let Some(matrix) = report.wan_matrix() {
            object.insert("wan_matrix".to_owned(), wan_matrix_json(matrix));
        }
        if let Some(gbcs) = report.gbcs_header() {
            object.insert(
                "gbcs".to_owned(),
                serde_json::json!({
                    "message_code": format!("0x{:04X}", gbcs.message_code),
                    "use_case": gbcs.use_case,
                    "counter": gbcs.counter,
                    "originator": gbcs.originator.to_string(),
                    "recipient": gbcs.recipient.to_string(),
                    "content_kind": gbcs.content_kind.to_string(),
                    "content_length": gbcs.content_length,
                    "signed": gbcs.signed,
                    "verified_by": gbcs.verified_by.as_ref().map(ToString::to_string),
                }),
            );
        }
        if let Some(signer) = report.xml_signer() {
            object.insert("xml_signer".to_owned(), serde_json::json!(signer.to_string()));
        }
        if !report.skipped().is_empty() {
            let skipped: Vec<&str> = report.skipped().iter().map(|s| s.as_str()).collect();
            object.insert("skipped".to_owned(), serde_json::json!(skipped));
        }
    }
    json_line(&value)
}

/// An SR 12.1 WAN matrix for JSON: free-text fields are `{"text": ...}` or `{"unknown": true}`
/// (a single space in the reply), so a consumer can never show Unknown as a blank.
fn wan_matrix_json(matrix: &duis::WanMatrix<'_>) -> serde_json::Value {
    let text = |value: &Option<duis::Located<duis::WanText<'_>>>| match value {
        None => serde_json::Value::Null,
        Some(located) => match &located.value {
            duis::WanText::Unknown => serde_json::json!({ "unknown": true }),
            duis::WanText::Text(text) => serde_json::json!({ "text": text }),
        },
    };
    let entries: Vec<serde_json::Value> = matrix
        .entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "csp_region": e.csp_region,
                "csp_region_response_code": e.csp_region_response_code,
                "coverage_availability": e.coverage_availability,
                "anticipated_coverage_date": e.anticipated_coverage_date,
                "wan_technology": text(&e.wan_technology),
                "connectivity_likelihood": e.connectivity_likelihood,
                "auxiliary_equipment_required": text(&e.auxiliary_equipment_required),
                "additional_information": text(&e.additional_information),
            })
        })
        .collect();
    serde_json::Value::Array(entries)
}

/// Characters a terminal would act on rather than show: C0 and C1 controls (NEL, CSI), the
/// Unicode line and paragraph separators, and the bidirectional marks and overrides.
fn odd(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A source excerpt as the human format shows it: the characters [`odd`] names other than
/// TAB (and the C0 controls, which the snippet renderer draws as control pictures) become
/// U+FFFD, and `range` moves with the bytes that changed length.
fn visible(text: &str, range: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    let replace = |c: char| odd(c) && !matches!(c, '\u{0}'..='\u{1F}');
    if !text.chars().any(replace) {
        return (text.to_owned(), range);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let (mut start, mut end) = (range.start, range.end);
    for (at, c) in text.char_indices() {
        if at == range.start {
            start = out.len();
        }
        if at == range.end {
            end = out.len();
        }
        out.push(if replace(c) { '\u{FFFD}' } else { c });
    }
    if range.end >= text.len() {
        end = out.len();
    }
    if range.start >= text.len() {
        start = out.len();
    }
    (out, start..end.max(start))
}

/// A file name as the human format prints it: control characters (a line feed, an escape
/// sequence) and bidirectional overrides escaped, so that a name can neither break the
/// `file:line:col` line nor drive the terminal.
pub(crate) fn printable(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.chars().any(odd) {
        return std::borrow::Cow::Borrowed(name);
    }
    std::borrow::Cow::Owned(
        name.chars().map(|c| if odd(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_commands_escape_what_would_end_them() {
        assert_eq!(github_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(github_property("dir/a,b:c%\n.xml"), "dir/a%2Cb%3Ac%25%0A.xml");
        assert_eq!(github_unreadable("a:b", "a:b: gone\n"), "::error file=a%3Ab::a:b: gone%0A\n");
    }
}
