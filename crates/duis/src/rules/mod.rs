//! The DUIS rules, one module per finding family. Each runs on the typed facts gathered in the
//! single pass, never on the raw input.

pub(crate) mod counter;
pub(crate) mod dates;
pub(crate) mod ecos;
pub(crate) mod eligibility;
pub(crate) mod mp104;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod wan_matrix;

use crate::report::{Code, Detail, Finding, Findings};

/// A DUIS rule that says precisely what is wrong with an element stands in for the schema
/// engine's generic finding on the same element, so each problem is reported once, under its
/// most precise code:
///
/// - `request.counter-overflow` for the RequestID pattern failure it explains;
/// - `request.execution-date-time-not-allowed` for the schema's unexpected `ExecutionDateTime`;
/// - `request.execution-date-time-required` for the schema's missing `ExecutionDateTime`;
/// - `gbcs.base64` for the `xs:base64Binary` failure of the same `GBCSPayload`;
/// - `xml.encoding` for `sig.digest-mismatch`: a document declared in another encoding was
///   read as UTF-8, so its digest says nothing about whether it was changed.
pub(crate) fn supersede(findings: &mut Findings) {
    let specific: Vec<(Code, crate::report::Span)> = findings
        .list()
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                Code::RequestCounterOverflow
                    | Code::RequestExecutionDateTimeNotAllowed
                    | Code::RequestExecutionDateTimeRequired
                    | Code::GbcsBase64
                    | Code::XmlEncoding
            )
        })
        .map(|f| (f.code, f.span))
        .collect();
    if specific.is_empty() {
        return;
    }
    findings.retain(|generic| {
        !specific.iter().any(|(code, span)| match code {
            Code::RequestCounterOverflow | Code::GbcsBase64 => {
                generic.code == Code::SchemaBadValue && generic.span.start < span.end && span.start < generic.span.end
            }
            Code::RequestExecutionDateTimeNotAllowed => {
                generic.code == Code::SchemaUnexpectedElement
                    && span.start <= generic.span.start
                    && generic.span.start < span.end
            }
            Code::RequestExecutionDateTimeRequired => expects_execution_date_time(generic),
            Code::XmlEncoding => generic.code == Code::SigDigestMismatch,
            _ => false,
        })
    });
}

/// A schema finding whose "expected" list names `ExecutionDateTime`.
fn expects_execution_date_time(finding: &Finding) -> bool {
    let Detail::Schema(schema) = &finding.detail else { return false };
    let expected = match &schema.kind {
        duis_xsd::FindingKind::UnexpectedElement { expected, .. }
        | duis_xsd::FindingKind::MissingElement { expected, .. } => expected,
        _ => return false,
    };
    expected.iter().any(|e| matches!(e, duis_xsd::Expected::Element(name) if name.local == "ExecutionDateTime"))
}
