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
    let files = std::fs::read_dir(testdata("valid")).unwrap().count();
    assert!(files >= 20);
    // One "ok" line per file; warnings (an unverified signature without --trust) may precede it.
    assert_eq!(text.lines().filter(|l| l.contains(": ok (")).count(), files, "{text}");
    assert!(!text.lines().any(|l| l.contains(": error ")), "{text}");
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
    let pki = testdata("pki");
    let (pki, now) = (pki.to_str().unwrap(), "2026-01-01T00:00:00Z");
    let out = run(&["--format", "json", "--trust", pki, "--now", now, b.to_str().unwrap(), a.to_str().unwrap()]);
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
fn every_input_gets_its_json_line_even_unreadable_ones() {
    let valid = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let out = run(&["--format", "json", "/no/such/file.xml", valid.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert_eq!(lines[0]["file"], "/no/such/file.xml");
    assert!(lines[0]["valid"].is_null() && lines[0]["error"].as_str().unwrap().contains("cannot open"));
    assert_eq!(lines[1]["valid"], true);
}

#[test]
fn an_empty_directory_or_stdin_twice_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("duis-check-empty-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a message").unwrap();
    // Hidden files and directories are passed over, as git and ripgrep do.
    let sample = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    std::fs::copy(&sample, dir.join(".hidden/a.xml")).unwrap();
    std::fs::copy(&sample, dir.join(".b.xml")).unwrap();
    // A broken link that names no message is only noted.
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("gone"), dir.join("README")).unwrap();
    let out = run(&[dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no .xml file"), "{}", String::from_utf8_lossy(&out.stderr));
    // The other inputs are still checked, each with its line; the status says one failed.
    let out = run(&["--format", "json", dir.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert!(lines[0]["valid"].is_null() && lines[1]["valid"] == true, "{}", stdout(&out));
    std::fs::remove_dir_all(&dir).unwrap();
    let out = run_stdin(&["-", "-"], b"<a/>");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("given twice"));
}

#[test]
fn a_pre_command_file_that_is_neither_raw_nor_hex_is_a_usage_error() {
    let message = testdata("valid/7.2_signed-pre-command-cv5_valid.xml");
    let dir = std::env::temp_dir().join(format!("duis-check-pre-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content, expected) in [
        ("prefixed.hex", &b"0xDF09"[..], "neither a raw Pre-Command"),
        ("colons.hex", &b"DF:09:01"[..], "neither a raw Pre-Command"),
        // A byte-order mark is passed over: what follows it is judged.
        ("bom.hex", &b"\xEF\xBB\xBFDF0"[..], "odd number of hex digits"),
        ("odd.hex", &b"DF0"[..], "odd number of hex digits"),
        ("empty.hex", &b" \n"[..], "empty"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let out = run(&["--pre-command", path.to_str().unwrap(), message.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{name}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["--format", "yaml", "x"]).status.code(), Some(2));
    assert_eq!(run(&["--now", "yesterday", "x"]).status.code(), Some(2));
    let out = run(&["--parties", "/no/parties.toml", testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--parties /no/parties.toml"));
}

#[test]
fn dcc_identifier_names_the_dcc_cv8_requests_must_target() {
    let file = testdata("valid/5.2_read-schedule-cv8_valid.xml");
    let file = file.to_str().unwrap();
    // DCC Boxed's identifier by default, and given explicitly.
    assert_eq!(run(&["--format", "json", file]).status.code(), Some(0));
    assert_eq!(run(&["--format", "json", "--dcc-identifier", "90-B3-D5-1F-30-00-00-02", file]).status.code(), Some(0));
    // Another DCC: the same request now targets the wrong party.
    let out = run(&["--format", "json", "--dcc-identifier", "00-11-22-33-44-55-66-77", file]);
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<String> = json_lines(&out)[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes, ["request.target-not-dcc", "sig.unverified"]);
    // Not an EUI-64: a usage error.
    let out = run(&["--dcc-identifier", "90-B3-D5", file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("EUI-64"), "{}", String::from_utf8_lossy(&out.stderr));
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
    // It checks nothing, so PATHs beside it are a usage error, not passed over.
    let out = run(&["--explain", "request.cv-not-allowed", testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_prints_the_whole_section_of_docs_rules_md() {
    let rules = std::fs::read_to_string(testdata("").parent().unwrap().join("docs/rules.md")).unwrap();
    for code in duis::Code::ALL {
        let heading = format!("### `{code}`\n");
        let start = rules.find(&heading).unwrap_or_else(|| panic!("{code} has no section")) + heading.len();
        let section = &rules[start..];
        let section = &section[..section.find("\n#").unwrap_or(section.len())];
        // Every paragraph after the severity line, in full.
        let body = section.trim().split_once("\n\n").map_or("", |(_, body)| body.trim());
        let text = stdout(&run(&["--explain", code.as_str()]));
        assert!(text.starts_with(&format!("{code} ({}", code.severity())), "{text}");
        assert!(!body.is_empty() && text.contains(body), "{code}: {text}");
    }
}

#[test]
fn every_invalid_sample_gives_its_code_through_the_cli() {
    let out = run(&[
        "--format",
        "json",
        "--parties",
        testdata("parties.toml").to_str().unwrap(),
        testdata("invalid").to_str().unwrap(),
    ]);
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

fn shared() -> PathBuf {
    let dir = std::env::var_os("DUIS_SHARED")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"), PathBuf::from);
    assert!(dir.join("corpus").is_dir(), "this test needs the shared corpus at {}", dir.display());
    dir
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn schema_option_gives_the_built_in_verdicts() {
    let corpus = shared().join("corpus");
    let xsd = corpus.join("xsd/DUIS-Schema-V5.4.xsd");
    let inputs = [corpus.join("requests"), corpus.join("responses"), testdata("valid"), testdata("invalid")];
    // A fixed time: date findings quote it, and the two runs must print the same.
    let mut args: Vec<&str> = vec!["--format", "json", "--now", "2015-01-01T00:00:00Z"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let built_in = run(&args);
    let mut with_schema = vec!["--schema", xsd.to_str().unwrap()];
    with_schema.extend(&args);
    let compiled = run(&with_schema);
    assert_eq!(compiled.status.code(), built_in.status.code());
    let (a, b) = (stdout(&built_in), stdout(&compiled));
    assert!(a.lines().count() > 300, "{}", a.lines().count());
    for (x, y) in a.lines().zip(b.lines()) {
        assert_eq!(x, y);
    }
    assert_eq!(a.lines().count(), b.lines().count());
}

#[test]
fn schema_outside_the_subset_is_a_clear_usage_error() {
    let dir = std::env::temp_dir().join(format!("duis-check-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xsd = dir.join("redefine.xsd");
    std::fs::write(
        &xsd,
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n  <xs:redefine schemaLocation=\"other.xsd\"/>\n</xs:schema>\n",
    )
    .unwrap();
    let out = run(&["--schema", xsd.to_str().unwrap(), testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("redefine") && err.contains(":2:"), "{err}");
    let missing = run(&["--schema", "/no/such.xsd", testdata("valid").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

// --- signatures: --trust and `duis-check sign` (issue 5) ---

const TEST_NOW: &str = "2026-01-01T00:00:00Z";

#[test]
fn trust_verifies_our_signed_vectors_and_gives_each_its_code() {
    let out = run(&[
        "--format",
        "json",
        "--now",
        TEST_NOW,
        "--trust",
        testdata("pki").to_str().unwrap(),
        testdata("signed").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = json_lines(&out);
    assert!(lines.len() >= 30);
    for line in lines {
        let file = line["file"].as_str().unwrap();
        let stem = file.rsplit('/').next().unwrap().strip_suffix(".xml").unwrap();
        let expected = stem.rsplit('_').next().unwrap();
        let codes: Vec<&str> =
            line["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
        if expected == "valid" {
            assert_eq!(line["valid"], true, "{file}: {codes:?}");
        } else {
            assert!(codes.contains(&expected), "{file}: {codes:?}");
        }
    }
    // The CA is a CA: noted once, kept aside.
    assert!(String::from_utf8_lossy(&out.stderr).contains("CA certificate"));
}

#[test]
fn without_trust_a_signed_message_is_valid_with_an_unverified_warning() {
    let out =
        run(&["--format", "json", testdata("signed/7.4_signed-with-a-role-key_mp104.role.xml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let line = &json_lines(&out)[0];
    assert_eq!(line["findings"][0]["code"], "sig.unverified");
    assert_eq!(line["findings"][0]["severity"], "warning");
}

#[test]
fn trust_that_holds_no_certificate_is_a_usage_error() {
    let out = run(&["--trust", testdata("valid").to_str().unwrap(), testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no certificate found"));
    let out = run(&["--trust", "/nonexistent/pki.pem", testdata("valid").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sign_then_check_round_trips() {
    let key = testdata("pki/user-xml-sign.key");
    let cert = testdata("pki/user-xml-sign.pem");
    let unsigned = testdata("signed/7.4_unsigned_sig.missing.xml");
    let out =
        run(&["sign", "--key", key.to_str().unwrap(), "--cert", cert.to_str().unwrap(), unsigned.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let signed = out.stdout.clone();
    assert!(stdout(&out).contains("<ds:X509SerialNumber>4097</ds:X509SerialNumber>"));
    let trust = testdata("pki");
    let checked = run_stdin(&["--format", "json", "--now", TEST_NOW, "--trust", trust.to_str().unwrap(), "-"], &signed);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
    assert_eq!(json_lines(&checked)[0]["findings"].as_array().unwrap().len(), 0);

    // --out FILE, and a DER key.
    let dir = std::env::temp_dir().join(format!("duis-check-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let der_key = dir.join("key.der");
    let pem = std::fs::read_to_string(&key).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    std::fs::write(&der_key, base64_decode(&body)).unwrap();
    let target = dir.join("signed.xml");
    let out = run(&[
        "sign",
        "--key",
        der_key.to_str().unwrap(),
        "--cert",
        cert.to_str().unwrap(),
        "--out",
        target.to_str().unwrap(),
        unsigned.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let checked = run(&["--now", TEST_NOW, "--trust", trust.to_str().unwrap(), target.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));

    // --out DIR with two inputs of one name: refused before anything is written.
    let (a, b, out_dir) = (dir.join("a"), dir.join("b"), dir.join("out"));
    for d in [&a, &b, &out_dir] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::copy(&unsigned, a.join("m.xml")).unwrap();
    std::fs::copy(&unsigned, b.join("m.xml")).unwrap();
    let (first, second) = (a.join("m.xml"), b.join("m.xml"));
    let (key, cert) = (key.to_str().unwrap(), cert.to_str().unwrap());
    let out = run(&[
        "sign",
        "--key",
        key,
        "--cert",
        cert,
        "--out",
        out_dir.to_str().unwrap(),
        first.to_str().unwrap(),
        second.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("same name"));
    assert!(!out_dir.join("m.xml").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Signing with a certificate the receiver will refuse works, with a warning saying why.
#[test]
fn sign_warns_of_a_certificate_the_receiver_will_refuse() {
    let unsigned = testdata("signed/7.4_unsigned_sig.missing.xml");
    // The request's originator is the supplier whose key `user-xml-sign` is.
    for (name, why) in [
        ("user-xml-sign-expired", "pki.expired"),
        ("supplier-ds", "mp104.role"),
        ("other-user-xml-sign", "mp104.originator"),
        ("dcc-xml-sign", "mp104.role"),
        ("user-xml-sign", ""),
    ] {
        let (key, cert) = (testdata(&format!("pki/{name}.key")), testdata(&format!("pki/{name}.pem")));
        let out = run(&[
            "sign",
            "--key",
            key.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            unsigned.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if why.is_empty() {
            assert!(!stderr.contains("warning"), "{name}: {stderr}");
        } else {
            assert!(stderr.contains(why), "{name}: {stderr}");
        }
    }
}

#[test]
fn sign_refuses_a_key_that_does_not_match_the_certificate() {
    let out = run(&[
        "sign",
        "--key",
        testdata("pki/user2-xml-sign.key").to_str().unwrap(),
        "--cert",
        testdata("pki/user-xml-sign.pem").to_str().unwrap(),
        testdata("signed/7.4_unsigned_sig.missing.xml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not belong"));
}

/// Standard base64, for the DER key test (no extra dependency for one use).
fn base64_decode(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

#[test]
fn parties_file_drives_eligibility() {
    let sample = testdata("valid/7.4_read-supply-status-cv2-network-operator_valid.xml");
    let parties = testdata("parties.toml");
    let out = run(&["--format", "json", "--parties", parties.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let line = &json_lines(&out)[0];
    assert!(!line["skipped"].as_array().unwrap().iter().any(|s| s == "eligibility"));
    // The network operator may not send 1.6 (IS GS only).
    let dir = std::env::temp_dir().join(format!("duis-check-parties-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("parties.json");
    std::fs::write(&json, r#"{"90-B3-D5-1F-30-02-00-00": ["OU"]}"#).unwrap();
    let out = run(&["--format", "json", "--parties", json.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json_lines(&out)[0]["findings"].as_array().unwrap().iter().any(|f| f["code"] == "eligibility.role"));
    std::fs::write(&json, r#"{"90-B3-D5-1F-30-02-00-00": ["XX"]}"#).unwrap();
    let out = run(&["--parties", json.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown User Role \"XX\""));
    // A party named twice, as the same key or spelt in another case, is refused: which roles
    // it holds would be a guess.
    for twice in [
        r#"{"90-B3-D5-1F-30-02-00-00": ["ED"], "90-B3-D5-1F-30-02-00-00": ["OU"]}"#,
        r#"{"90-B3-D5-1F-30-02-00-00": ["ED"], "90-b3-d5-1f-30-02-00-00": ["OU"]}"#,
    ] {
        std::fs::write(&json, twice).unwrap();
        let out = run(&["--parties", json.to_str().unwrap(), sample.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{twice}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("named twice"), "{twice}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn counters_database_rejects_replays_across_runs() {
    let dir = std::env::temp_dir().join(format!("duis-check-counters-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("counters.redb");
    let sample = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let first = run(&["--format", "json", "--counters", db.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(0), "{}", stdout(&first));
    // A store made from nothing is said to be new, once.
    assert!(String::from_utf8_lossy(&first.stderr).contains("a new, empty counter store"));
    // A second run (a restart) sees the same counter as a replay.
    let second = run(&["--format", "json", "--counters", db.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&second.stderr).contains("new, empty"));
    assert!(json_lines(&second)[0]["findings"].as_array().unwrap().iter().any(|f| f["code"] == "counter.replay"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn wan_matrix_reply_json_shows_unknown_values() {
    let reply = "<sr:Response xmlns:sr=\"http://www.dccinterface.co.uk/ServiceUserGateway\" schemaVersion=\"5.4\">\
        <sr:Header><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2030-01-01T00:00:00Z</sr:ResponseDateTime></sr:Header>\
        <sr:Body><sr:ResponseMessage><sr:ServiceReference>12.1</sr:ServiceReference><sr:ServiceReferenceVariant>12.1</sr:ServiceReferenceVariant>\
        <sr:DSPWANMatrix><sr:Request><sr:UPRN>1</sr:UPRN></sr:Request><sr:DSPWANMatrixResponse><sr:CSPRegion>North</sr:CSPRegion>\
        <sr:CSPRegionResponseCode>I0</sr:CSPRegionResponseCode><sr:CoverageAvailability>true</sr:CoverageAvailability>\
        <sr:WANTechnology> </sr:WANTechnology><sr:ConnectivityLikelihood>Low</sr:ConnectivityLikelihood>\
        <sr:AdditionalInformation>Mast due</sr:AdditionalInformation>\
        </sr:DSPWANMatrixResponse></sr:DSPWANMatrix></sr:ResponseMessage></sr:Body></sr:Response>";
    let out = run_stdin(&["--format", "json", "-"], reply.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let line = &json_lines(&out)[0];
    let entry = &line["wan_matrix"][0];
    assert_eq!(entry["wan_technology"], serde_json::json!({"unknown": true}));
    assert_eq!(entry["additional_information"], serde_json::json!({"text": "Mast due"}));
    assert_eq!(entry["auxiliary_equipment_required"], serde_json::Value::Null);
    assert!(line["findings"].as_array().unwrap().iter().any(|f| f["code"] == "wan-matrix.unknown"));
}

#[test]
fn signed_pre_command_shows_its_gbcs_header_and_compares_the_issued_pre_command() {
    let sample = testdata("valid/7.2_signed-pre-command-cv5_valid.xml");
    let out = run(&["--format", "json", sample.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let gbcs = &json_lines(&out)[0]["gbcs"];
    assert_eq!(gbcs["message_code"], "0x0050");
    assert_eq!(gbcs["use_case"], "ECS43");
    assert_eq!(gbcs["counter"], 1000);
    let human = stdout(&run(&[sample.to_str().unwrap()]));
    assert!(human.contains("gbcs: message code 0x0050 (ECS43), counter 1000"), "{human}");
    // With the test PKI, both signatures' results: the XML one (User XML-signing key, OU 87)
    // and the GBCS one (the supplier's role key, OU 02).
    let trusted = stdout(&run(&["--trust", testdata("pki").to_str().unwrap(), sample.to_str().unwrap()]));
    assert!(trusted.contains("xml signature: verified with") && trusted.contains("(OU 87,"), "{trusted}");
    assert!(trusted.contains("GBCS signature verified with") && trusted.contains("(role 02)"), "{trusted}");
    // A Pre-Command that is not the one signed.
    let dir = std::env::temp_dir().join(format!("duis-check-pre-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let issued = dir.join("issued.hex");
    std::fs::write(&issued, "DF 09 01 00 00 00 00 00 00 03 E8").unwrap();
    let out = run(&["--format", "json", "--pre-command", issued.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let line = &json_lines(&out)[0];
    assert!(line["findings"].as_array().unwrap().iter().any(|f| f["code"] == "gbcs.pre-command-mismatch"), "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn configured_vectors_give_their_codes_in_order() {
    // testdata/configured: checked in name order with a clock and a fresh counter store.
    let dir = std::env::temp_dir().join(format!("duis-check-configured-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("counters.redb");
    let out = run(&[
        "--format",
        "json",
        "--now",
        "2025-01-01T00:00:00Z",
        "--counters",
        db.to_str().unwrap(),
        testdata("configured").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    for line in lines {
        let file = line["file"].as_str().unwrap();
        let stem = file.strip_suffix(".xml").unwrap();
        let codes: Vec<&str> = line["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .filter(|c| *c != "sig.unverified")
            .collect();
        match stem.strip_suffix("_valid") {
            Some(valid) => {
                assert_eq!(line["valid"], true, "{file}");
                let code = valid.rsplit('_').next().unwrap();
                if code.contains('.') {
                    assert_eq!(codes, vec![code], "{file}");
                }
            }
            None => assert_eq!(codes, vec![stem.rsplit('_').next().unwrap()], "{file}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Configuration files are small: a device or an endless pipe given by mistake is refused
/// after a bounded read, never read until memory runs out.
#[test]
fn configuration_files_are_read_to_a_bound() {
    let sample = testdata("valid/7.2_signed-pre-command-cv5_valid.xml");
    let sample = sample.to_str().unwrap();
    let zero = "/dev/zero";
    for args in [
        vec!["--parties", zero, sample],
        vec!["--pre-command", zero, sample],
        vec!["--schema", zero, sample],
        vec!["--trust", zero, sample],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("larger than"), "{args:?}");
    }
    let (key, cert) = (testdata("pki/user-xml-sign.key"), testdata("pki/user-xml-sign.pem"));
    for args in [
        vec!["sign", "--key", zero, "--cert", cert.to_str().unwrap(), sample],
        vec!["sign", "--key", key.to_str().unwrap(), "--cert", cert.to_str().unwrap(), zero],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("larger than"), "{args:?}");
    }
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn a_schema_allowing_an_srv_the_catalogue_does_not_know_says_so() {
    // The DUIS 5.4 schema with two more SRVs, 7.99 and 7.4.9, as a newer DUIS version would add.
    let corpus = shared().join("corpus/xsd");
    let dir = std::env::temp_dir().join(format!("duis-check-newer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let main = dir.join("DUIS-Schema-V5.4.xsd");
    let text = std::fs::read_to_string(&main).unwrap();
    let sr = text.match_indices("<xs:enumeration value=\"7.4\"/>").next().map(|(at, _)| at).unwrap();
    let srv = text.match_indices("<xs:enumeration value=\"7.4\"/>").nth(1).map(|(at, _)| at).unwrap();
    let added = "<xs:enumeration value=\"7.99\"/><xs:enumeration value=\"7.4.9\"/>";
    let text = format!("{}{added}{}", &text[..srv], &text[srv..]);
    // And one more SR, 99.
    std::fs::write(&main, format!("{}<xs:enumeration value=\"99\"/>{}", &text[..sr], &text[sr..])).unwrap();
    let message = testdata("invalid").join("envelope_unknown-srv_schema.bad-value.xml");
    let args = ["--format", "json", "--now", "2015-01-01T00:00:00Z"];
    let built_in = stdout(&run(&[&args[..], &[message.to_str().unwrap()]].concat()));
    assert!(
        built_in.contains("\"code\":\"schema.bad-value\"") && !built_in.contains("srv-not-in-catalogue"),
        "{built_in}"
    );
    let newer = stdout(&run(&[&args[..], &["--schema", main.to_str().unwrap(), message.to_str().unwrap()]].concat()));
    assert!(
        newer.contains("\"code\":\"request.srv-not-in-catalogue\"") && !newer.contains("\"code\":\"schema."),
        "{newer}"
    );
    // SR/SRV rule 1 needs no catalogue: 7.99 is not SR 7.4's, 7.4.9 is.
    assert!(newer.contains("\"code\":\"request.srv-not-in-sr\""), "{newer}");
    assert!(newer.contains("ServiceReferenceVariant \\\"7.99\\\" is not in the DUIS 5.4 catalogue"), "{newer}");
    let fitting = dir.join("fitting.xml");
    let text = std::fs::read_to_string(&message).unwrap();
    std::fs::write(&fitting, text.replace(">7.99<", ">7.4.9<")).unwrap();
    let newer = stdout(&run(&[&args[..], &["--schema", main.to_str().unwrap(), fitting.to_str().unwrap()]].concat()));
    assert!(newer.contains("\"code\":\"request.srv-not-in-catalogue\"") && !newer.contains("srv-not-in-sr"), "{newer}");
    // An SR the catalogue does not know, with an SRV it does: the rule still runs.
    let other_sr = dir.join("other-sr.xml");
    std::fs::write(&other_sr, text.replace(">7.99<", ">7.4<").replace("ServiceReference>7.4<", "ServiceReference>99<"))
        .unwrap();
    let newer = stdout(&run(&[&args[..], &["--schema", main.to_str().unwrap(), other_sr.to_str().unwrap()]].concat()));
    assert!(newer.contains("\"code\":\"request.srv-not-in-sr\"") && !newer.contains("schema."), "{newer}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_cut_short_by_a_closed_pipe_is_an_io_error_not_success() {
    // Four times testdata in JSON is well over a pipe's 64 KiB buffer: the child meets the
    // closed pipe whatever the timing. Under `set -o pipefail`, `duis-check ... | head` must
    // not pass inputs that were never reported.
    let dir = testdata("");
    let paths = [dir.to_str().unwrap(); 4];
    let mut child =
        bin().args(["--format", "json"]).args(paths).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

#[cfg(unix)]
#[test]
fn trust_folders_pass_over_dangling_links_and_hidden_folders() {
    let dir = std::env::temp_dir().join(format!("duis-check-trust-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".old")).unwrap();
    std::fs::copy(testdata("pki/user-xml-sign.pem"), dir.join("user-xml-sign.pem")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.pem", dir.join("x.pem")).unwrap();
    // A hidden folder is passed over: the copy inside it would be a duplicate, noted as a
    // certificate listed twice.
    std::fs::copy(testdata("pki/user-xml-sign.pem"), dir.join(".old/copy.pem")).unwrap();
    let message = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let out = run(&["--trust", dir.to_str().unwrap(), "--now", "2026-01-01T00:00:00Z", message.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("x.pem: skipped"), "{stderr}");
    assert!(!stderr.contains("twice"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trust_folders_load_der_certificates_as_single_files_do() {
    let dir = std::env::temp_dir().join(format!("duis-check-trust-der-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let pem = std::fs::read(testdata("pki/user-xml-sign.pem")).unwrap();
    let der = duis::Certificate::from_pem(&pem).unwrap().der().to_vec();
    std::fs::write(dir.join("user.cer"), &der).unwrap();
    // A PEM file whose first line starts with `0` (0x30, a DER SEQUENCE's tag) is still PEM.
    let mut headed = b"0090B3D51F30020000 network operator XML signing\n".to_vec();
    headed.extend(std::fs::read(testdata("pki/user2-xml-sign.pem")).unwrap());
    std::fs::write(dir.join("user2.pem"), headed).unwrap();
    // A .crt holding neither DER nor PEM is noted, never passed over in silence.
    std::fs::write(dir.join("notes.crt"), "not a certificate\n").unwrap();
    let message = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let out = run(&["--trust", dir.to_str().unwrap(), "--now", "2026-01-01T00:00:00Z", message.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}{stderr}", stdout(&out));
    assert!(stdout(&out).contains("verified with"), "{}", stdout(&out));
    assert!(stderr.contains("notes.crt: no certificate in it"), "{stderr}");
    // Signed by the network operator, whose certificate is the PEM file with the header.
    let other = testdata("valid/7.4_read-supply-status-cv2-network-operator_valid.xml");
    let out = run(&["--trust", dir.to_str().unwrap(), "--now", "2026-01-01T00:00:00Z", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("verified with"), "{}", stdout(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn sign_out_follows_links_keeps_permissions_and_never_replaces_a_device() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("duis-check-sign-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let unsigned = testdata("signed/7.4_unsigned_sig.missing.xml");
    let (key, cert) = (testdata("pki/user-xml-sign.key"), testdata("pki/user-xml-sign.pem"));
    let sign = |out: &std::path::Path| {
        let args = ["sign", "--key", key.to_str().unwrap(), "--cert", cert.to_str().unwrap(), "--out"];
        let out = run(&[&args[..], &[out.to_str().unwrap(), unsigned.to_str().unwrap()]].concat());
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    };
    // A link: its target is rewritten, the link stays a link.
    std::fs::write(dir.join("target.xml"), "old").unwrap();
    std::fs::set_permissions(dir.join("target.xml"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("target.xml", dir.join("link.xml")).unwrap();
    sign(&dir.join("link.xml"));
    assert!(std::fs::symlink_metadata(dir.join("link.xml")).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.join("target.xml")).unwrap().contains("<ds:SignatureValue>"));
    // The file keeps its permissions.
    assert_eq!(std::fs::metadata(dir.join("target.xml")).unwrap().permissions().mode() & 0o777, 0o600);
    // A link to a file not made yet: the file is made, the link stays (as with `>` in a shell).
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("sub/new.xml", dir.join("dangling.xml")).unwrap();
    sign(&dir.join("dangling.xml"));
    assert!(std::fs::symlink_metadata(dir.join("dangling.xml")).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.join("sub/new.xml")).unwrap().contains("<ds:SignatureValue>"));
    // A loop of links is an error, as it would be for any program creating the file.
    std::os::unix::fs::symlink("loop-b.xml", dir.join("loop-a.xml")).unwrap();
    std::os::unix::fs::symlink("loop-a.xml", dir.join("loop-b.xml")).unwrap();
    let args = ["sign", "--key", key.to_str().unwrap(), "--cert", cert.to_str().unwrap(), "--out"];
    let out = run(&[&args[..], &[dir.join("loop-a.xml").to_str().unwrap(), unsigned.to_str().unwrap()]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic links"));
    assert!(std::fs::symlink_metadata(dir.join("loop-a.xml")).unwrap().file_type().is_symlink());
    // A device is written into, not replaced by a file.
    sign(std::path::Path::new("/dev/null"));
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn configuration_faults_are_named_not_copied() {
    let dir = std::env::temp_dir().join(format!("duis-check-config-bounds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let message = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    // A 100,000-character key in --parties: the error quotes 200 characters of it.
    std::fs::write(dir.join("parties.toml"), format!("\"{}\" = [\"IS\"]\n", "9".repeat(100_000))).unwrap();
    let out = run(&["--parties", dir.join("parties.toml").to_str().unwrap(), message.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.len() < 2_000, "{} bytes on stderr", out.stderr.len());
    // A bundle of 500 bad blocks beside a good certificate: twenty notes and a count.
    let mut bundle = "-----BEGIN CERTIFICATE-----\nnot base64 !!!\n-----END CERTIFICATE-----\n".repeat(500);
    bundle.push_str(&std::fs::read_to_string(testdata("pki/user-xml-sign.pem")).unwrap());
    std::fs::write(dir.join("bundle.pem"), bundle).unwrap();
    let out = run(&[
        "--trust",
        dir.join("bundle.pem").to_str().unwrap(),
        "--now",
        "2026-01-01T00:00:00Z",
        message.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("480 more notes like these"), "{stderr}");
    assert!(stderr.lines().count() < 30, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn terminal_controls_in_messages_and_excerpts_are_never_written_raw() {
    // A namespace URI with a right-to-left override, a NEL and a line separator, named in a
    // schema message and shown in the excerpt.
    let input = "<?xml version=\"1.0\"?>\n<q:Request xmlns:q=\"urn:\u{202E}x\u{85}y\u{2028}z\"/>\n";
    let out = run_stdin(&["-"], input.as_bytes());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for raw in ['\u{202E}', '\u{85}', '\u{2028}'] {
        assert!(!text.contains(raw), "{raw:?} in {text}");
    }
    let out = run_stdin(&["--format", "json", "-"], input.as_bytes());
    let json = stdout(&out);
    assert!(!json.contains('\u{2028}'), "{json}");
    assert_eq!(json.lines().count(), json.split('\n').filter(|l| !l.is_empty()).count());
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert!(first["findings"][0]["message"].as_str().unwrap().contains('\u{2028}'), "{first}");
}

#[test]
fn a_schema_import_that_cannot_be_read_says_why() {
    let dir = std::env::temp_dir().join(format!("duis-check-schema-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let main = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:m"><xs:import namespace="urn:b" schemaLocation="sub"/></xs:schema>"#;
    std::fs::write(dir.join("main.xsd"), main).unwrap();
    let message = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let out = run(&["--schema", dir.join("main.xsd").to_str().unwrap(), message.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot resolve schema document \"") && stderr.contains("cannot read"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sign_names_the_finding_a_misfit_certificate_brings() {
    let unsigned = std::fs::read(testdata("signed/7.4_unsigned_sig.missing.xml")).unwrap();
    let (key, cert) = (testdata("pki/wrong-key-usage.key"), testdata("pki/wrong-key-usage.pem"));
    let out = run_stdin(&["sign", "--key", key.to_str().unwrap(), "--cert", cert.to_str().unwrap(), "-"], &unsigned);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("the message will be refused (pki.key-usage)"), "{stderr}");
    assert!(!stderr.contains("mp104"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_keep_their_bytes() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = std::env::temp_dir().join(format!("duis-check-bytes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let valid = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let invalid = testdata("invalid/7.2_cv9_request.cv-reserved.xml");
    std::fs::copy(&valid, dir.join(std::ffi::OsStr::from_bytes(b"a\xff.xml"))).unwrap();
    std::fs::copy(&invalid, dir.join(std::ffi::OsStr::from_bytes(b"a\xfe.xml"))).unwrap();
    let text = stdout(&run(&["--format", "json", "--now", "2026-01-01T00:00:00Z", dir.to_str().unwrap()]));
    assert!(text.contains("a\\\\xFE.xml"), "{text}");
    assert!(text.contains("a\\\\xFF.xml"), "{text}");
    assert!(!text.contains('\u{FFFD}'), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_escaped_in_human_output() {
    let dir = std::env::temp_dir().join(format!("duis-check-names-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let invalid = testdata("invalid/7.2_cv9_request.cv-reserved.xml");
    std::fs::copy(&invalid, dir.join("new\nline\u{1b}[31m.xml")).unwrap();
    let out = run(&[dir.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("new\\u{a}line\\u{1b}[31m.xml:"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        text.lines()
            .filter(|l| l.contains(": error request.cv-reserved"))
            .all(|l| l.starts_with(dir.to_str().unwrap()))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sign_reads_standard_input_as_the_checker_does() {
    let unsigned = std::fs::read(testdata("signed/7.4_unsigned_sig.missing.xml")).unwrap();
    let (key, cert) = (testdata("pki/user-xml-sign.key"), testdata("pki/user-xml-sign.pem"));
    let out = run_stdin(&["sign", "--key", key.to_str().unwrap(), "--cert", cert.to_str().unwrap(), "-"], &unsigned);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let signed = out.stdout;
    let checked =
        run_stdin(&["--trust", testdata("pki").to_str().unwrap(), "--now", "2026-01-01T00:00:00Z", "-"], &signed);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
}

/// A scratch folder of this test's own, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duis-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sign_args<'a>(key: &'a str, cert: &'a str) -> Vec<&'a str> {
    vec!["sign", "--key", key, "--cert", cert]
}

#[test]
fn sign_goes_on_past_a_file_it_cannot_sign_and_says_so() {
    let dir = scratch("sign-several");
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let unsigned = testdata("signed/7.4_unsigned_sig.missing.xml");
    std::fs::copy(&unsigned, dir.join("a.xml")).unwrap();
    std::fs::copy(&unsigned, dir.join("c.xml")).unwrap();
    let doctype = testdata("invalid/xml_doctype_xml.doctype.xml");
    let (key, cert) = (testdata("pki/user-xml-sign.key"), testdata("pki/user-xml-sign.pem"));
    let mut args = sign_args(key.to_str().unwrap(), cert.to_str().unwrap());
    let (a, c) = (dir.join("a.xml"), dir.join("c.xml"));
    args.extend([
        "--out",
        out_dir.to_str().unwrap(),
        a.to_str().unwrap(),
        doctype.to_str().unwrap(),
        c.to_str().unwrap(),
    ]);
    let out = run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot sign: error xml.doctype"), "{stderr}");
    assert!(stderr.contains("1 of 3 FILEs not signed"), "{stderr}");
    for name in ["a.xml", "c.xml"] {
        assert!(std::fs::read_to_string(out_dir.join(name)).unwrap().contains("<ds:SignatureValue>"), "{name}");
    }
    assert!(!out_dir.join("xml_doctype_xml.doctype.xml").exists());
    // Standard input twice is refused before anything is read.
    let mut twice = sign_args(key.to_str().unwrap(), cert.to_str().unwrap());
    twice.extend(["-", "-"]);
    let out = run_stdin(&twice, b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("- (standard input) given twice"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(target_os = "linux")]
#[test]
fn sign_out_writes_through_an_exclusive_temporary_file_and_any_legal_name() {
    let dir = scratch("sign-temporary");
    let unsigned = testdata("signed/7.4_unsigned_sig.missing.xml");
    let (key, cert) = (testdata("pki/user-xml-sign.key"), testdata("pki/user-xml-sign.pem"));
    // Links planted at the name an earlier version gave its temporary file, for the next
    // thousand process ids (the signer's among them, tests running beside it or not), lead
    // nowhere now: the victim is untouched and the target is a plain file.
    std::fs::write(dir.join("victim.txt"), "precious").unwrap();
    let last: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid").unwrap().trim().parse().unwrap();
    for pid in last..last + 1000 {
        std::os::unix::fs::symlink("victim.txt", dir.join(format!(".target.xml.duis-check-{pid}.tmp"))).unwrap();
    }
    let target = dir.join("target.xml");
    let mut args = sign_args(key.to_str().unwrap(), cert.to_str().unwrap());
    args.extend(["--out", target.to_str().unwrap(), unsigned.to_str().unwrap()]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("victim.txt")).unwrap(), "precious");
    assert!(!std::fs::symlink_metadata(&target).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().contains("<ds:SignatureValue>"));
    // A 250-byte name (the file system allows 255) is signed in place.
    let long = dir.join(format!("{}.xml", "L".repeat(246)));
    std::fs::copy(&unsigned, &long).unwrap();
    let mut args = sign_args(key.to_str().unwrap(), cert.to_str().unwrap());
    args.extend(["--out", long.to_str().unwrap(), long.to_str().unwrap()]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&long).unwrap().contains("<ds:SignatureValue>"));
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp") && !e.file_type().unwrap().is_symlink())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The PKCS#8 DER of a test key with its optional public key left out (RFC 5915 §3): the
/// key file's 32-byte private scalar in a minimal `PrivateKeyInfo`.
fn pkcs8_without_public_key(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    // ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING (32) privateKey, ... }.
    let at = der.windows(5).position(|w| w == [0x02, 0x01, 0x01, 0x04, 0x20]).unwrap() + 5;
    let scalar = &der[at..at + 32];
    let mut out = vec![0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    out.extend([0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01]);
    out.extend([0x04, 0x20]);
    out.extend(scalar);
    out
}

#[test]
fn sign_takes_a_key_without_its_public_key_from_the_certificate() {
    let dir = scratch("sign-no-public-key");
    let key = dir.join("nopub.der");
    std::fs::write(
        &key,
        pkcs8_without_public_key(&std::fs::read_to_string(testdata("pki/user-xml-sign.key")).unwrap()),
    )
    .unwrap();
    let unsigned = testdata("signed/7.4_unsigned_sig.missing.xml");
    let cert = testdata("pki/user-xml-sign.pem");
    let mut args = sign_args(key.to_str().unwrap(), cert.to_str().unwrap());
    args.push(unsigned.to_str().unwrap());
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let checked =
        run_stdin(&["--trust", testdata("pki").to_str().unwrap(), "--now", "2026-01-01T00:00:00Z", "-"], &out.stdout);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
    // With another certificate the key has no public key to check against but that one, and
    // it does not fit.
    let other = testdata("pki/user2-xml-sign.pem");
    let mut args = sign_args(key.to_str().unwrap(), other.to_str().unwrap());
    args.push(unsigned.to_str().unwrap());
    let out = run(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not belong to the signing key"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sign_names_what_a_reply_signer_s_role_brings() {
    let reply = testdata("signed/response_unsigned_sig.reply-unsigned.xml");
    let (key, cert) = (testdata("pki/dcc-legacy-acb.key"), testdata("pki/dcc-legacy-acb.pem"));
    let mut args = sign_args(key.to_str().unwrap(), cert.to_str().unwrap());
    args.push(reply.to_str().unwrap());
    let out = run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("the message will be accepted with a warning (mp104.dcc-legacy-role)"), "{stderr}");
    assert!(!stderr.contains("mp104.role"), "{stderr}");
    // A User's key on a reply: refused, under the reply's own code.
    let (key, cert) = (testdata("pki/user-xml-sign.key"), testdata("pki/user-xml-sign.pem"));
    let mut args = sign_args(key.to_str().unwrap(), cert.to_str().unwrap());
    args.push(reply.to_str().unwrap());
    let stderr = String::from_utf8_lossy(&run(&args).stderr).into_owned();
    assert!(stderr.contains("the message will be refused (mp104.dcc-signer)"), "{stderr}");
    assert!(!stderr.contains("mp104.role"), "{stderr}");
    // Several certificates in --cert: the first signs, and that is said.
    let dir = scratch("sign-two-certs");
    let two = dir.join("two.pem");
    let pems = [testdata("pki/user-xml-sign.pem"), testdata("pki/user2-xml-sign.pem")];
    std::fs::write(&two, pems.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect::<String>()).unwrap();
    let unsigned = testdata("signed/7.4_unsigned_sig.missing.xml");
    let mut args = sign_args(key.to_str().unwrap(), two.to_str().unwrap());
    args.push(unsigned.to_str().unwrap());
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 certificates in the file: signing with the first"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn folders_pass_over_hidden_names_and_unresolvable_links_and_names_stay_distinct() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = scratch("walk");
    let valid = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let invalid = testdata("invalid/7.2_cv9_request.cv-reserved.xml");
    std::fs::copy(&valid, dir.join("a.xml")).unwrap();
    // Hidden, whether or not the name is UTF-8.
    std::fs::copy(&invalid, dir.join(std::ffi::OsStr::from_bytes(b".h\xFF.xml"))).unwrap();
    std::fs::create_dir_all(dir.join(std::ffi::OsStr::from_bytes(b".d\xFF"))).unwrap();
    std::fs::copy(&invalid, dir.join(std::ffi::OsStr::from_bytes(b".d\xFF/x.xml"))).unwrap();
    // A link to itself and a loop of two: noted, not inputs.
    std::os::unix::fs::symlink("self", dir.join("self")).unwrap();
    std::os::unix::fs::symlink("loop2", dir.join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", dir.join("loop2")).unwrap();
    let out = run(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(json_lines(&out).len(), 1, "{}", stdout(&out));
    // A byte that is not UTF-8 and a backslash written out are two names.
    let names = scratch("walk-names");
    std::fs::copy(&valid, names.join("b\\xFF.xml")).unwrap();
    std::fs::copy(&invalid, names.join(std::ffi::OsStr::from_bytes(b"b\xFF.xml"))).unwrap();
    let out = run(&["--format", "json", names.to_str().unwrap()]);
    let files: Vec<String> = json_lines(&out).iter().map(|v| v["file"].as_str().unwrap().to_owned()).collect();
    assert_eq!(files.len(), 2);
    assert_ne!(files[0], files[1], "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("b\\\\xFF.xml")) && files.iter().any(|f| f.ends_with("b\\xFF.xml")));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&names);
}

#[test]
fn folders_are_walked_depth_first_in_name_order() {
    let dir = scratch("order");
    let valid = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    // Created out of order; read back sorted by name, each folder's files where its name sorts.
    for name in ["b.xml", "a-b/x.xml", "a.xml", "a/z.xml", "a/c/y.xml", "A.xml"] {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(&valid, &path).unwrap();
    }
    let out = run(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let files: Vec<String> = json_lines(&out)
        .iter()
        .map(|v| v["file"].as_str().unwrap().strip_prefix(dir.to_str().unwrap()).unwrap().to_owned())
        .collect();
    let sep = std::path::MAIN_SEPARATOR;
    let expected: Vec<String> = ["A.xml", "a/c/y.xml", "a/z.xml", "a-b/x.xml", "a.xml", "b.xml"]
        .iter()
        .map(|n| format!("{sep}{}", n.replace('/', &sep.to_string())))
        .collect();
    assert_eq!(files, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn results_wait_in_order_behind_a_slow_first_input() {
    // The first input is a named pipe nobody has written yet: one worker blocks on it while
    // the other checks the rest until the reorder window (256 results) is full and waits for
    // room. Writing the pipe must release both, and every result comes out in input order.
    let dir = scratch("window");
    let fifo = dir.join("first.xml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let valid = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    let invalid = testdata("invalid/7.2_cv9_request.cv-reserved.xml");
    let mut args: Vec<PathBuf> = vec![fifo.clone()];
    args.extend((0..600).map(|i| if i % 2 == 0 { valid.clone() } else { invalid.clone() }));
    let child = bin()
        .args(["--format", "json", "--threads", "2"])
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let the other worker fill the window first (the test holds either way).
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(&fifo, std::fs::read(&valid).unwrap()).unwrap();
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let out = wait.recv_timeout(std::time::Duration::from_secs(60)).expect("duis-check finished").unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 601);
    assert_eq!(lines[0]["file"], fifo.to_str().unwrap());
    for (i, line) in lines.iter().enumerate().skip(1) {
        assert_eq!(line["valid"], i % 2 == 1, "result {i} out of order");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_oversized_file_is_read_only_to_the_limit() {
    // A sparse file of 1 GiB: reading it whole would take a gigabyte; only the limit (32 MiB)
    // and one byte are read, and the finding says why.
    let dir = scratch("oversized");
    let big = dir.join("big.xml");
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
    let out = run(&["--format", "json", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json_lines(&out)[0]["findings"][0]["code"], "limit.input-size");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pre_command_says_when_an_input_had_nothing_to_compare() {
    let dir = scratch("pre-nothing");
    let hex = dir.join("issued.hex");
    std::fs::write(&hex, "DF11").unwrap();
    let plain = testdata("valid/7.2_disable-supply-cv4_valid.xml");
    let out = run(&["--pre-command", hex.to_str().unwrap(), plain.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a Signed Pre-Command: --pre-command compared nothing"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(target_os = "linux")]
#[test]
fn help_and_version_that_cannot_be_written_exit_two() {
    for flag in ["--help", "--version"] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = bin().arg(flag).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
    }
    let out = run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).ends_with('\n'));
}

#[test]
fn github_format_annotates_each_finding_where_json_puts_it() {
    let invalid = testdata("invalid");
    let json = json_lines(&run(&["--format", "json", "--now", "2026-01-01T00:00:00Z", invalid.to_str().unwrap()]));
    let out = run(&["--format", "github", "--now", "2026-01-01T00:00:00Z", invalid.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let mut expected = Vec::new();
    for line in &json {
        for finding in line["findings"].as_array().unwrap() {
            let command = match finding["severity"].as_str().unwrap() {
                "error" => "error",
                "warning" => "warning",
                _ => "notice",
            };
            // Paths and codes here hold no character a property must escape; messages may
            // hold `%` or line breaks, which must not end the command.
            let message = finding["message"].as_str().unwrap().replace('%', "%25").replace('\n', "%0A");
            expected.push(format!(
                "::{command} file={},line={},col={},title={}::{message}",
                line["file"].as_str().unwrap(),
                finding["line"],
                finding["column"],
                finding["code"].as_str().unwrap()
            ));
        }
    }
    assert!(expected.len() > json.len(), "every invalid sample has a finding");
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    // The run's summary goes to stderr, beside the annotations.
    let summary = format!("{} checked: ", json.len());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&summary), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn github_format_escapes_names_and_annotates_unreadable_inputs() {
    let dir = std::env::temp_dir().join(format!("duis-check-github-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let odd = dir.join("a,b:c%.xml");
    let backslash = dir.join("back\\slash.xml");
    let source = testdata("invalid/7.2_cv1-on-critical_request.cv-not-allowed.xml");
    std::fs::copy(&source, &odd).unwrap();
    std::fs::copy(&source, &backslash).unwrap();
    let out = run(&["--format", "github", odd.to_str().unwrap(), backslash.to_str().unwrap(), "/no/such/file.xml"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    // The path as it is (a tool opens it), escaped only where a workflow command needs it.
    for file in [format!("{}/a%2Cb%3Ac%25.xml", dir.display()), format!("{}/back\\slash.xml", dir.display())] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("::error file={file},line=5,col=24,title=request.cv-not-allowed::"))),
            "{file}: {text}"
        );
    }
    assert_eq!(
        text.lines().last().unwrap(),
        "::error file=/no/such/file.xml::/no/such/file.xml%3A cannot open%3A No such file or directory (os error 2)"
            .replace("%3A", ":")
    );
}

fn sarif(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

#[test]
fn sarif_format_is_one_log_holding_every_finding_of_the_run() {
    let invalid = testdata("invalid");
    let json = json_lines(&run(&["--format", "json", "--now", "2026-01-01T00:00:00Z", invalid.to_str().unwrap()]));
    let out = run(&["--format", "sarif", "--now", "2026-01-01T00:00:00Z", invalid.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let log = sarif(&out);
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "duis-check");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    // One rule per finding code, each with its section of docs/rules.md as help.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let codes: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(codes.contains(&"request.cv-not-allowed") && codes.contains(&"mp104.role"), "{codes:?}");
    for rule in rules {
        assert!(rule["help"]["text"].as_str().is_some_and(|t| t.len() > 20), "{rule}");
        assert!(rule["shortDescription"]["text"].as_str().unwrap().ends_with('.'), "{rule}");
        assert!(matches!(rule["defaultConfiguration"]["level"].as_str(), Some("error" | "warning" | "note")));
    }
    // The results are JSON's findings, in order, with their rule, level and place.
    let results = run["results"].as_array().unwrap();
    let findings: Vec<(&serde_json::Value, &serde_json::Value)> =
        json.iter().flat_map(|line| line["findings"].as_array().unwrap().iter().map(move |f| (line, f))).collect();
    assert_eq!(results.len(), findings.len());
    for (result, (line, finding)) in results.iter().zip(&findings) {
        assert_eq!(result["ruleId"], finding["code"]);
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], finding["code"]);
        let level = match finding["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(result["level"], level);
        assert_eq!(result["message"]["text"], finding["message"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["region"]["startLine"], finding["line"]);
        assert_eq!(location["region"]["startColumn"], finding["column"]);
        // A span ends after it starts; a point has no end.
        if let Some(end_line) = location["region"]["endLine"].as_u64() {
            let start = (location["region"]["startLine"].as_u64(), location["region"]["startColumn"].as_u64());
            let end = (Some(end_line), location["region"]["endColumn"].as_u64());
            assert!(end > start, "{location}");
        }
        // Absolute paths become file: URIs (these hold nothing to percent-encode).
        assert_eq!(location["artifactLocation"]["uri"], format!("file://{}", line["file"].as_str().unwrap()));
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(run["invocations"][0]["toolExecutionNotifications"], serde_json::json!([]));
}

#[test]
fn sarif_names_files_as_uri_references_and_unreadable_inputs_as_notifications() {
    let dir = std::env::temp_dir().join(format!("duis-check-sarif-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("x:y")).unwrap();
    let source = testdata("invalid/7.2_cv1-on-critical_request.cv-not-allowed.xml");
    std::fs::copy(&source, dir.join("x:y/a b#1%.xml")).unwrap();
    let message = std::fs::read(&source).unwrap();
    let out = bin()
        .current_dir(&dir)
        .args(["--format", "sarif", "x:y/a b#1%.xml", "-", "/no/such/file.xml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(&message)?;
            child.wait_with_output()
        })
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    let log = sarif(&out);
    let run = &log["runs"][0];
    let places: Vec<&serde_json::Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .collect();
    // A relative path stays relative, every byte outside RFC 3986's unreserved set encoded
    // (a colon too, so the first segment never reads as a scheme).
    assert_eq!(places[0]["uri"], "x%3Ay/a%20b%231%25.xml");
    // The finding's region: `1` in `<sr:CommandVariant>1</sr:CommandVariant>`, line 5.
    let region = &run["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region, &serde_json::json!({ "startLine": 5, "startColumn": 24, "endLine": 5, "endColumn": 25 }));
    // Standard input has no URI: it is described.
    let stdin = places.iter().find(|p| p.get("uri").is_none()).expect("a result from standard input");
    assert_eq!(stdin["description"]["text"], "standard input");
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["level"], "error");
    assert!(notes[0]["message"]["text"].as_str().unwrap().starts_with("/no/such/file.xml: cannot open"), "{notes:?}");
    assert_eq!(notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "file:///no/such/file.xml");
}

#[test]
fn generate_prints_the_man_page_and_completions_from_the_arguments() {
    let man = run(&["--generate", "man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = stdout(&man);
    assert!(page.contains(".TH duis-check 1"), "{page}");
    // Every option, this one too, as roff writes it.
    for option in ["trust", "format", "pre\\-command", "generate"] {
        assert!(page.contains(&format!("\\-\\-{option}")), "{option}: {page}");
    }
    // It names the sign subcommand's page, which man-sign prints; clap's `help` has none.
    assert!(page.contains("duis\\-check\\-sign(1)") && !page.contains("duis\\-check\\-help"), "{page}");
    let sign = stdout(&run(&["--generate", "man-sign"]));
    assert!(sign.contains(".TH duis-check-sign 1"), "{sign}");
    for option in ["key", "cert", "out"] {
        assert!(sign.contains(&format!("\\-\\-{option}")), "{option}: {sign}");
    }
    for (kind, marker) in [
        ("complete-bash", "complete -F _duis__check"),
        ("complete-zsh", "#compdef duis-check"),
        ("complete-fish", "complete -c duis-check"),
        ("complete-powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(&["--generate", kind]);
        assert_eq!(out.status.code(), Some(0), "{kind}");
        let script = stdout(&out);
        assert!(script.contains(marker) && script.contains("trust") && script.contains("sarif"), "{kind}: {script}");
    }
    // bash completes the sign subcommand's options (clap_complete's spelling fixed up).
    let script = std::env::temp_dir().join(format!("duis-check-completion-{}.bash", std::process::id()));
    std::fs::write(&script, &run(&["--generate", "complete-bash"]).stdout).unwrap();
    let completion = |words: &str, current: usize, previous: &str| {
        let call = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={current}; _duis__check duis-check \"${{COMP_WORDS[{current}]}}\" {previous}; echo \"${{COMPREPLY[*]}}\"",
            script.display()
        );
        let out = Command::new("bash").args(["-c", &call]).output().expect("bash, which runs .ci/run too");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(completion("duis-check sign --", 2, "sign"), "--key --cert --out --help");
    assert_eq!(completion("duis-check --format ''", 2, "--format"), "human json github sarif");
    let _ = std::fs::remove_file(&script);
    // Nothing is checked beside it; an unknown kind is a usage error.
    let valid = testdata("valid/7.4_read-supply-status-cv1_valid.xml");
    for args in [&["--generate", "man", valid.to_str().unwrap()][..], &["--generate", "complete-tcsh"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
#[cfg(unix)]
fn no_file_name_starts_a_line_of_its_own_on_stderr() {
    // A CI runner reads workflow commands from both streams: a name with a line feed must not
    // be able to write `::stop-commands::` at the start of a line and hide the annotations.
    let dir = std::env::temp_dir().join(format!("duis-check-inject-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::create_dir_all(dir.join("trust")).unwrap();
    std::fs::copy(testdata("invalid/7.2_cv9_request.cv-reserved.xml"), dir.join("in/bad.xml")).unwrap();
    std::fs::copy(testdata("pki/user-xml-sign.pem"), dir.join("trust/user.pem")).unwrap();
    std::os::unix::fs::symlink("nowhere", dir.join("in/z\n::stop-commands::in")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", dir.join("trust/z\n::stop-commands::trust.pem")).unwrap();
    let trust = dir.join("trust");
    let input = dir.join("in");
    let out = run(&["--format", "github", "--trust", trust.to_str().unwrap(), input.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\\u{a}::stop-commands::in"), "{stderr}");
    assert!(stderr.contains("\\u{a}::stop-commands::trust.pem"), "{stderr}");
    assert!(!stderr.lines().any(|l| l.starts_with("::")), "{stderr}");
    assert!(stdout(&out).starts_with("::error file="), "{}", stdout(&out));
}
