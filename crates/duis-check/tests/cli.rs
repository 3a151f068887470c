//! The CLI contract (DESIGN §5): exit codes, human and JSON output, stdin, folders, --explain.
//! These run the built binary, as scripts do.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duis-check"))
}

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(rel)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run duis-check")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child =
        bin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // The child may stop reading early (input over the limit): a broken pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

#[test]
fn valid_folder_exits_zero() {
    let out = run(&[testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(text.lines().count() >= 20);
    assert!(text.lines().all(|l| l.ends_with(')') && l.contains(": ok (")), "{text}");
}

#[test]
fn invalid_file_exits_one_with_location_and_caret() {
    let file = testdata("invalid/7.2_cv1-on-critical_request.cv-not-allowed.xml");
    let out = run(&[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with(&format!("{}:5:24: error request.cv-not-allowed: ", file.display())), "{first}");
    assert!(text.contains("<sr:CommandVariant>1</sr:CommandVariant>"), "{text}");
    assert!(text.lines().any(|l| l.trim_end().ends_with("^ request.cv-not-allowed")), "{text}");
}

#[test]
fn json_has_one_object_per_input_in_input_order() {
    let a = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let b = testdata("invalid/xml_mismatched-end_xml.mismatched-end.xml");
    let out = run(&["--format", "json", b.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], b.to_str().unwrap());
    assert_eq!(lines[0]["valid"], false);
    let finding = &lines[0]["findings"][0];
    assert_eq!(finding["code"], "xml.mismatched-end");
    assert_eq!(finding["severity"], "error");
    assert_eq!((finding["line"].as_u64(), finding["column"].as_u64()), (Some(8), Some(3)));
    assert!(finding["message"].as_str().unwrap().contains("</sr:Headers>"));
    assert_eq!(lines[1]["valid"], true);
    assert_eq!(lines[1]["kind"], "service-request");
    assert_eq!(lines[1]["findings"], serde_json::json!([]));
    // Keys in the documented order.
    assert!(stdout(&out).lines().all(|l| l.starts_with("{\"file\":")));
}

#[test]
fn stdin_is_read_with_dash() {
    let bytes = std::fs::read(testdata("valid/7.4_read-supply-status-cv1_valid.xml")).unwrap();
    let out = run_stdin(&["--format", "json", "-"], &bytes);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out)[0]["file"], "<stdin>");
    let out = run_stdin(&["-"], b"<a>");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("xml.unclosed"));
}

#[test]
fn oversized_stdin_is_a_limit_finding_not_a_memory_blow_up() {
    // 40 MiB of text, over the 32 MiB default: read up to the limit and reported.
    let big = vec![b' '; 40 * 1024 * 1024];
    let out = run_stdin(&["--format", "json", "-"], &big);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out)[0]["findings"][0]["code"], "limit.input-size");
}

#[test]
fn missing_path_exits_two_with_a_message() {
    let out = run(&["/definitely/not/here.xml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/definitely/not/here.xml") && err.contains("No such file"), "{err}");
    // An I/O error wins over an invalid input.
    let invalid = testdata("invalid/xml_empty_xml.no-root.xml");
    let out = run(&[invalid.to_str().unwrap(), "/definitely/not/here.xml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["--format", "yaml", "x"]).status.code(), Some(2));
    assert_eq!(run(&["--now", "yesterday", "x"]).status.code(), Some(2));
    let out = run(&["--trust", "certs", testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported yet"));
}

#[test]
fn now_accepts_rfc3339() {
    let out = run(&["--now", "2015-01-01T00:00:00Z", testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn explain_prints_the_code_and_its_clause() {
    let out = run(&["--explain", "request.cv-not-allowed"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("request.cv-not-allowed (error, certain)"), "{text}");
    assert!(text.contains("clause: DUIS-FACTS"));
    let out = run(&["--explain", "request.nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("request.cv-not-allowed"));
}

#[test]
fn every_invalid_sample_gives_its_code_through_the_cli() {
    let out = run(&["--format", "json", testdata("invalid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert!(lines.len() >= 20);
    for line in lines {
        let file = line["file"].as_str().unwrap();
        let code = file.strip_suffix(".xml").unwrap().rsplit('_').next().unwrap();
        assert_eq!(line["valid"], false, "{file}");
        assert!(line["findings"].as_array().unwrap().iter().any(|f| f["code"] == code), "{file}: {line}");
    }
}
