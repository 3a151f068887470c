//! `--format sarif`: one SARIF 2.1.0 log for the whole run (OASIS SARIF v2.1.0), the format
//! code-scanning services read (GitHub's `upload-sarif`, GitLab, Azure DevOps).
//!
//! The log is written as results come, like the other formats: [`header`] (the tool and one
//! rule per finding code, with its section of `docs/rules.md` as help), each input's results
//! ([`results`], one per line), then [`footer`] (the invocation: whether the run could read
//! everything, and what it could not). Memory does not grow with the number of inputs: the
//! notifications for unreadable inputs are kept up to [`MAX_NOTIFICATIONS`], then counted.

use duis::{Code, Report, Severity};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use serde_json::json;

use crate::inputs::Input;

/// Unreadable inputs named one by one in the log; more are counted in one last notification.
pub(crate) const MAX_NOTIFICATIONS: usize = 1000;

/// The characters of a path kept as they are in its URI reference (RFC 3986 unreserved, and
/// `/` between segments); every other byte is percent-encoded, so a space, `#`, `%` or a byte
/// that is not UTF-8 cannot change what the reference names.
const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "note",
    }
}

/// The opening of the log, up to the `results` array it leaves open.
pub(crate) fn header(help: impl Fn(Code) -> Option<&'static str>) -> String {
    let rules: Vec<serde_json::Value> = Code::ALL
        .iter()
        .map(|&code| {
            let explanation: Vec<&str> = code.explanation().lines().map(str::trim).collect();
            let full = explanation.join(" ");
            let short = full.split_once(". ").map_or(full.as_str(), |(first, _)| first).trim_end_matches('.');
            let mut rule = json!({
                "id": code.as_str(),
                "shortDescription": { "text": format!("{short}.") },
                "fullDescription": { "text": full },
                "defaultConfiguration": { "level": level(code.severity()) },
                "properties": {
                    "tags": [code.as_str().split('.').next().unwrap_or_default()],
                    "basis": match code.basis() { duis::Basis::Certain => "certain", _ => "inferred" },
                    "clause": code.clause(),
                },
            });
            if let (Some(text), Some(object)) = (help(code), rule.as_object_mut()) {
                object.insert("help".to_owned(), json!({ "text": text, "markdown": text }));
            }
            rule
        })
        .collect();
    let driver = json!({
        "name": "duis-check",
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    // The object is written by hand up to `"results":[` so that results can follow one by
    // one; every value in it is serde_json's.
    format!(
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{driver}}},\"columnKind\":\"unicodeCodePoints\",\"results\":[\n"
    )
}

/// Where an input is, as SARIF names an artifact: a relative path as a relative URI
/// reference, an absolute one as a `file:` URI, standard input by description only.
pub(crate) fn artifact(input: &Input) -> serde_json::Value {
    let path = match input {
        Input::Stdin => return json!({ "description": { "text": "standard input" } }),
        Input::File(path) | Input::Unreadable(path, _) => path,
    };
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt as _;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let encoded = percent_encoding::percent_encode(&bytes, PATH).to_string();
    // A colon is encoded too, so a relative path never reads as a scheme.
    let uri = if bytes.first() == Some(&b'/') { format!("file://{encoded}") } else { encoded };
    json!({ "uri": uri })
}

/// One input's results, one JSON object per line, each line ending `,\n` but the last; empty
/// when the report has no finding.
pub(crate) fn results(artifact: &serde_json::Value, report: &Report<'_>) -> String {
    let mut out = String::new();
    for (finding, range) in report.findings().iter().zip(report.finding_ranges()) {
        let rule_index = Code::ALL.iter().position(|&c| c == finding.code);
        let (at, end) = (range.start, range.end);
        // A span's end is the character after it, as SARIF's `endColumn` is; a point has none.
        let region = if end == at {
            json!({ "startLine": at.line, "startColumn": at.column })
        } else {
            json!({ "startLine": at.line, "startColumn": at.column, "endLine": end.line, "endColumn": end.column })
        };
        let result = json!({
            "ruleId": finding.code.as_str(),
            "ruleIndex": rule_index,
            "level": level(finding.severity),
            "message": { "text": finding.message().to_string() },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": region,
                },
            }],
        });
        if !out.is_empty() {
            out.push_str(",\n");
        }
        out.push_str(&result.to_string());
    }
    out
}

/// The notification for an input that could not be read: the reason, and where the input is.
pub(crate) fn notification(input: &Input, message: &str) -> serde_json::Value {
    json!({
        "level": "error",
        "message": { "text": message },
        "locations": [{ "physicalLocation": { "artifactLocation": artifact(input) } }],
    })
}

/// The close of the `results` array and the rest of the log: the invocation, successful when
/// every input was read and the counter store worked, with a [`notification`] per input that
/// could not be read.
pub(crate) fn footer(unreadable: &[serde_json::Value], more_unreadable: usize, successful: bool) -> String {
    let mut notifications = unreadable.to_vec();
    if more_unreadable > 0 {
        notifications.push(json!({
            "level": "error",
            "message": { "text": format!("{more_unreadable} more inputs could not be read") },
        }));
    }
    let invocation = json!({
        "executionSuccessful": successful,
        "toolExecutionNotifications": notifications,
    });
    format!("\n],\"invocations\":[{invocation}]}}]}}\n")
}
