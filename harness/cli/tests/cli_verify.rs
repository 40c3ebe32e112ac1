//! The `wellspring` binary, offline: exit codes, output formats, key / status / recipient
//! flags, `checks` and `vectors`. Runs the real executable against the committed vectors.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00Z";

const OFFICIAL_SIGNED: &str = "/work/shared/spec/ob30/test-vectors/ldp-eddsa-rdfc-2022-signed.json";
const OFFICIAL_KEY: &str = "/work/shared/spec/ob30/test-vectors/ldp-eddsa-rdfc-2022-key.json";

const REVOCATION_LIST_URL: &str = "https://vectors.wellspring.example/status/revocation-list";
const BITSTRING_LIST_URL: &str = "https://vectors.wellspring.example/status/bitstring-status-list";

/// Every check ID of the catalogue (harness/verify/src/checks.rs), in report order.
const ALL_IDS: &[&str] = &[
    "ob3.parse.json",
    "ob3.baked.png",
    "ob3.baked.svg",
    "ob3.context.base",
    "ob3.context.standard",
    "ob3.context.known",
    "ob3.context.terms",
    "ob3.type",
    "ob3.schema",
    "clr2.schema",
    "ob3.schema.declared",
    "ob3.subject.identifier",
    "ob3.proof.present",
    "ob3.proof.eddsa-rdfc-2022",
    "ob3.proof.ecdsa-sd-2023",
    "ob3.proof.legacy",
    "ob3.proof.vc-jwt",
    "ob3.proof.vc-jwt.claims",
    "ob3.proof.controller",
    "ob3.refresh",
    "ob3.validity.valid-from",
    "ob3.validity.valid-until",
    "ob3.status",
    "ob3.endorsement",
    "ob3.recipient",
    "clr2.credentials",
    "clr2.associations",
    "vp.proof",
    "vp.credentials",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `wellspring ARGS`, run from the workspace root (so `vectors/…` paths resolve).
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::null())
        .output()
        .expect("start wellspring")
}

/// `wellspring ARGS` with `input` on standard input.
fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wellspring");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap();
    out
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

fn json_report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", show(o)))
}

/// verify --now NOW --format json ARGS…
fn verify_json(args: &[&str]) -> (Output, Value) {
    let mut all = vec!["verify", "--now", NOW, "--format", "json"];
    all.extend_from_slice(args);
    let o = run(&all);
    let v = json_report(&o);
    (o, v)
}

/// Every check (id, verdict, message) of a document and the documents nested in it.
fn all_checks(doc: &Value, out: &mut Vec<(String, String, String)>) {
    for c in doc["checks"].as_array().expect("checks array") {
        out.push((
            c["id"].as_str().expect("id").to_owned(),
            c["verdict"].as_str().expect("verdict").to_owned(),
            c["message"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    if let Some(nested) = doc.get("nested").and_then(Value::as_array) {
        for n in nested {
            all_checks(n, out);
        }
    }
}

/// The verdict and message of top-level check `id` of input `i`.
fn check(report: &Value, i: usize, id: &str) -> (String, String) {
    let c = report["inputs"][i]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("input {i} has no check {id}: {report:#}"));
    (
        c["verdict"].as_str().unwrap().to_owned(),
        c["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// IDs of the top-level checks of input `i` with this verdict.
fn ids_with(report: &Value, i: usize, verdict: &str) -> BTreeSet<String> {
    report["inputs"][i]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["verdict"] == verdict)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

fn manifest() -> Value {
    serde_json::from_slice(&std::fs::read(repo().join("vectors/manifest.json")).unwrap())
        .expect("manifest.json")
}

fn manifest_entry(file: &str) -> Value {
    manifest()["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["file"] == file)
        .unwrap_or_else(|| panic!("{file} not in manifest.json"))
        .clone()
}

fn official_key() -> (String, String) {
    let k: Value = serde_json::from_slice(&std::fs::read(OFFICIAL_KEY).unwrap()).unwrap();
    (
        k["verificationMethod"].as_str().unwrap().to_owned(),
        k["publicKeyMultibase"].as_str().unwrap().to_owned(),
    )
}

fn official_key_hex() -> String {
    let k: Value = serde_json::from_slice(&std::fs::read(OFFICIAL_KEY).unwrap()).unwrap();
    k["publicKeyHex"].as_str().unwrap().to_owned()
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Exit codes.

#[test]
fn valid_vector_exits_0() {
    let o = run(&[
        "verify",
        "--now",
        NOW,
        "vectors/valid/ob-minimal.eddsa.json",
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert!(
        out.contains("ob-minimal.eddsa.json — OpenBadgeCredential (eddsa-rdfc-2022) — VERIFIED"),
        "{out}"
    );
    assert!(out.contains("1 of 1 input(s) passed every check"), "{out}");
    assert!(!out.contains('✘'), "{out}");
}

#[test]
fn invalid_proof_vector_exits_1() {
    let o = run(&[
        "verify",
        "--now",
        NOW,
        "vectors/invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json",
    ]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let out = stdout(&o);
    assert!(out.contains("NOT VERIFIED"), "{out}");
    assert!(out.contains("✘ ob3.proof.eddsa-rdfc-2022"), "{out}");
    assert!(out.contains("0 of 1 input(s) passed every check"), "{out}");
    assert!(stderr(&o).is_empty(), "{}", show(&o));
}

#[test]
fn one_bad_input_among_several_exits_1() {
    let o = run(&[
        "verify",
        "--now",
        NOW,
        "vectors/valid/ob-minimal.eddsa.json",
        "vectors/invalid/ob3.proof.vc-jwt.tampered-payload.jwt",
        "vectors/valid/ob-minimal.eddsa.jwt",
    ]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(
        stdout(&o).contains("2 of 3 input(s) passed every check"),
        "{}",
        show(&o)
    );
}

#[test]
fn clock_decides_validity() {
    // Without --now the real clock is used; with a date before validFrom the same vector fails.
    let o = run(&[
        "verify",
        "--now",
        "2024-06-01T00:00:00Z",
        "vectors/valid/ob-minimal.eddsa.json",
    ]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(
        stdout(&o).contains("✘ ob3.validity.valid-from"),
        "{}",
        show(&o)
    );
}

/// Usage errors: exit 2, nothing on stdout, the reason on stderr.
fn assert_usage(args: &[&str], why: &[&str]) {
    let o = run(args);
    assert_eq!(code(&o), 2, "{args:?}\n{}", show(&o));
    assert!(
        o.stdout.is_empty(),
        "{args:?}: no report on a usage error\n{}",
        show(&o)
    );
    let err = stderr(&o);
    for w in why {
        assert!(
            err.contains(w),
            "{args:?}: stderr should contain {w:?}\n{}",
            show(&o)
        );
    }
}

#[test]
fn missing_file_exits_2() {
    assert_usage(
        &["verify", "--now", NOW, "vectors/valid/no-such-file.json"],
        &["cannot read", "vectors/valid/no-such-file.json"],
    );
}

#[test]
fn missing_file_after_good_input_exits_2() {
    assert_usage(
        &[
            "verify",
            "--now",
            NOW,
            "vectors/valid/ob-minimal.eddsa.json",
            "nope.json",
        ],
        &["cannot read nope.json"],
    );
}

#[test]
fn unknown_flag_exits_2() {
    assert_usage(
        &[
            "verify",
            "--frobnicate",
            "vectors/valid/ob-minimal.eddsa.json",
        ],
        &["unexpected argument", "--frobnicate"],
    );
}

#[test]
fn bad_format_value_exits_2() {
    assert_usage(
        &[
            "verify",
            "--format",
            "yaml",
            "vectors/valid/ob-minimal.eddsa.json",
        ],
        &["yaml", "--format"],
    );
}

#[test]
fn no_input_exits_2() {
    assert_usage(&["verify"], &["<INPUT>"]);
}

#[test]
fn bad_now_exits_2() {
    assert_usage(
        &[
            "verify",
            "--now",
            "next tuesday",
            "vectors/valid/ob-minimal.eddsa.json",
        ],
        &["--now", "next tuesday", "RFC 3339"],
    );
    assert_usage(
        &[
            "verify",
            "--now",
            "2026-01-01",
            "vectors/valid/ob-minimal.eddsa.json",
        ],
        &["--now", "RFC 3339"],
    );
}

#[test]
fn key_without_equals_exits_2() {
    assert_usage(
        &[
            "verify",
            "--now",
            NOW,
            "--key",
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            OFFICIAL_SIGNED,
        ],
        &["--key", "URL=MULTIBASE or URL=FILE"],
    );
}

#[test]
fn key_with_unreadable_file_exits_2() {
    assert_usage(
        &[
            "verify",
            "--now",
            NOW,
            "--key",
            "https://example.edu/k#1=/nonexistent/key.jwk",
            OFFICIAL_SIGNED,
        ],
        &["--key", "cannot read /nonexistent/key.jwk"],
    );
}

#[test]
fn key_file_without_a_key_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.json");
    std::fs::write(&p, r#"{"hello": "world"}"#).unwrap();
    let arg = format!("https://example.edu/k#1={}", p.display());
    assert_usage(
        &["verify", "--now", NOW, "--key", &arg, OFFICIAL_SIGNED],
        &["https://example.edu/k#1"],
    );
}

#[test]
fn status_file_without_equals_exits_2() {
    assert_usage(
        &[
            "verify",
            "--now",
            NOW,
            "--status-file",
            "status/revocation-list.json",
            "vectors/valid/ob-minimal.eddsa.json",
        ],
        &["--status-file", "URL=PATH"],
    );
}

#[test]
fn bad_recipient_exits_2() {
    assert_usage(
        &[
            "verify",
            "--now",
            NOW,
            "--recipient",
            "conformance@imsglobal.org",
            "vectors/valid/ob-minimal.eddsa.json",
        ],
        &["TYPE:VALUE"],
    );
}

#[test]
fn url_without_online_exits_2() {
    assert_usage(
        &["verify", "--now", NOW, "http://127.0.0.1:9/cred.json"],
        &["http://127.0.0.1:9/cred.json", "--online"],
    );
}

#[test]
fn unwritable_junit_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no/such/dir/report.xml");
    let o = run(&[
        "verify",
        "--now",
        NOW,
        "--junit",
        target.to_str().unwrap(),
        "vectors/valid/ob-minimal.eddsa.json",
    ]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(stderr(&o).contains("cannot write"), "{}", show(&o));
}

#[test]
fn help_and_version_exit_0() {
    let o = run(&["verify", "--help"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    for flag in [
        "--online",
        "--key",
        "--status-file",
        "--recipient",
        "--junit",
        "--now",
        "--timeout",
    ] {
        assert!(stdout(&o).contains(flag), "help lists {flag}\n{}", show(&o));
    }
    let o = run(&["--version"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(stdout(&o).starts_with("wellspring "), "{}", show(&o));
}

// ---------------------------------------------------------------------------------------------
// Bounds.

#[test]
fn max_bytes_rejects_a_larger_input() {
    let o = run(&[
        "verify",
        "--now",
        NOW,
        "--format",
        "json",
        "--max-bytes",
        "100",
        "vectors/valid/ob-minimal.eddsa.json",
    ]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let rep = json_report(&o);
    let (v, msg) = check(&rep, 0, "ob3.parse.json");
    assert_eq!(v, "fail");
    assert!(msg.contains("larger than the 100 bytes allowed"), "{msg}");
}

/// The message states the input's size; it should be the file's real size, not the
/// number of bytes read before giving up (max + 1).
#[test]
fn max_bytes_message_states_the_real_size() {
    let real = std::fs::metadata(repo().join("vectors/valid/ob-minimal.eddsa.json"))
        .unwrap()
        .len();
    let (_, rep) = verify_json(&["--max-bytes", "100", "vectors/valid/ob-minimal.eddsa.json"]);
    let (_, msg) = check(&rep, 0, "ob3.parse.json");
    assert!(
        !msg.contains("input is 101 bytes"),
        "the file has {real} bytes: {msg}"
    );
}

#[test]
fn max_bytes_bounds_stdin() {
    // 8 MB piped in; only max + 1 bytes are read, the rest is refused.
    let big = vec![b' '; 8 * 1024 * 1024];
    let start = std::time::Instant::now();
    let o = run_stdin(
        &[
            "verify",
            "--now",
            NOW,
            "--format",
            "json",
            "--max-bytes",
            "1000",
            "-",
        ],
        &big,
    );
    assert_eq!(code(&o), 1, "{}", show(&o));
    let (v, msg) = check(&json_report(&o), 0, "ob3.parse.json");
    assert_eq!(v, "fail");
    assert!(msg.contains("larger than the 1000 bytes allowed"), "{msg}");
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn max_depth_rejects_deep_nesting() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let o = run_stdin(
        &[
            "verify",
            "--now",
            NOW,
            "--format",
            "json",
            "--max-depth",
            "10",
            "-",
        ],
        deep.as_bytes(),
    );
    assert_eq!(code(&o), 1, "{}", show(&o));
    let rep = json_report(&o);
    assert_eq!(check(&rep, 0, "ob3.parse.json").0, "fail");
}

// ---------------------------------------------------------------------------------------------
// Output formats.

#[test]
fn json_report_shape() {
    let (o, rep) = verify_json(&[
        "vectors/valid/ob-minimal.eddsa.json",
        "vectors/invalid/ob3.validity.valid-until.expired.json",
    ]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert_eq!(rep["tool"], "wellspring");
    assert_eq!(rep["verified"], false);
    let inputs = rep["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["subject"], "vectors/valid/ob-minimal.eddsa.json");
    let mut checks = Vec::new();
    for i in inputs {
        all_checks(i, &mut checks);
    }
    let count = |v: &str| checks.iter().filter(|c| c.1 == v).count() as u64;
    let s = &rep["summary"];
    assert_eq!(s["pass"].as_u64(), Some(count("pass")));
    assert_eq!(s["fail"].as_u64(), Some(count("fail")));
    assert_eq!(s["warn"].as_u64(), Some(count("warn")));
    assert_eq!(s["skip"].as_u64(), Some(count("skip")));
    assert_eq!(count("fail"), 1);
    for (id, v, _) in &checks {
        assert!(ALL_IDS.contains(&id.as_str()), "unknown check id {id}");
        assert!(
            ["pass", "fail", "warn", "skip"].contains(&v.as_str()),
            "verdict {v}"
        );
    }
    let first: Vec<&str> = inputs[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(first[0], "ob3.parse.json");
    assert!(first.contains(&"ob3.proof.eddsa-rdfc-2022"));
    // Every check carries its clause and title.
    for c in inputs[0]["checks"].as_array().unwrap() {
        assert!(c["clause"].as_str().unwrap().starts_with("https://"), "{c}");
        assert!(!c["title"].as_str().unwrap().is_empty(), "{c}");
    }
    assert_eq!(
        ids_with(&rep, 1, "fail"),
        BTreeSet::from(["ob3.validity.valid-until".to_owned()])
    );
}

#[test]
fn failing_ids_match_the_manifest() {
    for file in [
        "invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json",
        "invalid/ob3.proof.vc-jwt.alg-none.jwt",
        "invalid/ob3.type.no-openbadgecredential.json",
        "invalid/ob3.schema.achievement-name-missing.json",
        "invalid/ob3.context.known.unknown-remote-context.eddsa.jwt",
        "invalid/ob3.proof.controller.key-not-issuers.json",
    ] {
        let entry = manifest_entry(file);
        assert_eq!(entry["expect"], "invalid");
        let strict = entry["strict"] == true;
        let expected: BTreeSet<String> = entry["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        let path = format!("vectors/{file}");
        let mut args = vec![path.as_str()];
        if strict {
            args.insert(0, "--strict");
        }
        let (o, rep) = verify_json(&args);
        assert_eq!(code(&o), 1, "{file}\n{}", show(&o));
        assert_eq!(ids_with(&rep, 0, "fail"), expected, "{file}");
    }
}

#[test]
fn junit_has_a_testcase_per_check_and_a_failure_per_failed_check() {
    let dir = tempfile::tempdir().unwrap();
    let xml_path = dir.path().join("report.xml");
    let inputs = [
        "vectors/valid/clr.eddsa.json",
        "vectors/invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json",
        "vectors/invalid/clr2.credentials.tampered-nested.json",
        "vectors/valid/legacy.eddsa-2022.json",
    ];
    let mut args = vec!["--junit", xml_path.to_str().unwrap()];
    args.extend_from_slice(&inputs);
    let (o, rep) = verify_json(&args);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let xml = std::fs::read_to_string(&xml_path).expect("junit written");
    assert!(xml.starts_with("<?xml"), "{xml}");

    let mut checks = Vec::new();
    for i in rep["inputs"].as_array().unwrap() {
        all_checks(i, &mut checks);
    }
    let failed = checks.iter().filter(|c| c.1 == "fail").count();
    let skipped = checks.iter().filter(|c| c.1 == "skip").count();
    let warned = checks.iter().filter(|c| c.1 == "warn").count();
    assert!(
        failed >= 2 && warned >= 1,
        "the inputs were chosen to fail and warn"
    );

    assert_eq!(xml.matches("<testcase ").count(), checks.len(), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), failed, "{xml}");
    assert_eq!(xml.matches("<skipped ").count(), skipped, "{xml}");
    assert_eq!(xml.matches("<system-out>warning:").count(), warned, "{xml}");
    assert_eq!(xml.matches("<testsuite ").count(), inputs.len(), "{xml}");
    assert!(
        xml.contains(&format!(
            "tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\"",
            checks.len()
        )),
        "{xml}"
    );
    // Each failure names its check.
    for (id, v, _) in &checks {
        if v == "fail" {
            assert!(xml.contains(&format!("type=\"{id}\"")), "{id}\n{xml}");
        }
    }
    // The testcase list matches the JSON, check by check, in order.
    let names: Vec<&str> = xml
        .split("<testcase ")
        .skip(1)
        .map(|t| {
            let from = t.find(" name=\"").unwrap() + 7;
            &t[from..from + t[from..].find('"').unwrap()]
        })
        .collect();
    let ids: Vec<&str> = checks.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ids);
}

#[test]
fn junit_escapes_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("a&b<c>\"d.json");
    std::fs::copy(repo().join("vectors/valid/ob-minimal.eddsa.json"), &odd).unwrap();
    let xml_path = dir.path().join("report.xml");
    let o = run(&[
        "verify",
        "--now",
        NOW,
        "--junit",
        xml_path.to_str().unwrap(),
        odd.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    assert!(!xml.contains("a&b<c>"), "{xml}");
    assert!(xml.contains("a&amp;b&lt;c&gt;&quot;d.json"), "{xml}");
}

#[test]
fn stdin_input() {
    let bytes = std::fs::read(repo().join("vectors/valid/ob-minimal.eddsa.json")).unwrap();
    let o = run_stdin(&["verify", "--now", NOW, "--format", "json", "-"], &bytes);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let rep = json_report(&o);
    assert_eq!(rep["verified"], true);
    assert_eq!(rep["inputs"][0]["subject"], "-");
    assert_eq!(check(&rep, 0, "ob3.proof.eddsa-rdfc-2022").0, "pass");

    // A compact JWS on stdin, and a tampered one.
    let jwt = std::fs::read(repo().join("vectors/valid/ob-minimal.eddsa.jwt")).unwrap();
    let o = run_stdin(&["verify", "--now", NOW, "--format", "json", "-"], &jwt);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(check(&json_report(&o), 0, "ob3.proof.vc-jwt").0, "pass");
    let bad = std::fs::read(repo().join("vectors/invalid/ob3.proof.vc-jwt.tampered-payload.jwt"))
        .unwrap();
    let o = run_stdin(&["verify", "--now", NOW, "-"], &bad);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stdout(&o).contains("✘ ob3.proof.vc-jwt"), "{}", show(&o));

    // Garbage on stdin is a failed parse, not a crash.
    let o = run_stdin(&["verify", "--now", NOW, "-"], b"{\"@context\": [");
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stdout(&o).contains("✘ ob3.parse.json"), "{}", show(&o));
}

#[test]
fn baked_images_verify() {
    let (o, rep) = verify_json(&[
        "vectors/valid/baked.eddsa.png",
        "vectors/valid/baked.eddsa.svg",
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(check(&rep, 0, "ob3.baked.png").0, "pass");
    assert_eq!(check(&rep, 1, "ob3.baked.svg").0, "pass");
}

// ---------------------------------------------------------------------------------------------
// --key, on the official 1EdTech eddsa-rdfc-2022 vector.

#[test]
fn official_vector_without_key_verifies_with_the_fragment_key_but_is_not_authenticated() {
    // Offline, the Multikey in the method URL's fragment is the key (as the 1EdTech validator
    // reads it), but nothing dereferenced binds it to the issuer: the headline says so and a
    // relying party (--require-bound-key) fails it. --key binds it (next tests).
    let (vm, _) = official_key();
    let (o, rep) = verify_json(&[OFFICIAL_SIGNED]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(check(&rep, 0, "ob3.proof.eddsa-rdfc-2022").0, "pass");
    let (v, msg) = check(&rep, 0, "ob3.proof.controller");
    assert_eq!(v, "warn", "{msg}");
    assert!(msg.contains("--key") && msg.contains(&vm), "{msg}");
    assert_eq!(rep["issuerAuthenticated"], false);
    assert_eq!(
        rep["headlines"][0]["headline"],
        "signature valid — issuer NOT authenticated"
    );
    let (o, rep) = verify_json(&["--require-bound-key", OFFICIAL_SIGNED]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert_eq!(
        ids_with(&rep, 0, "fail"),
        BTreeSet::from(["ob3.proof.controller".to_owned()])
    );
}

fn assert_official_passes_with(key_arg: &str) {
    let (o, rep) = verify_json(&["--key", key_arg, OFFICIAL_SIGNED]);
    assert_eq!(code(&o), 0, "--key {key_arg}\n{}", show(&o));
    assert_eq!(rep["verified"], true);
    let (v, msg) = check(&rep, 0, "ob3.proof.eddsa-rdfc-2022");
    assert_eq!(v, "pass", "{msg}");
    assert_eq!(check(&rep, 0, "ob3.proof.controller").0, "pass");
}

#[test]
fn official_vector_with_multibase_key() {
    let (vm, mb) = official_key();
    assert_official_passes_with(&format!("{vm}={mb}"));
}

#[test]
fn official_vector_with_multikey_file() {
    let (vm, mb) = official_key();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("multikey.json");
    let doc = json!({
        "@context": "https://w3id.org/security/multikey/v1",
        "id": vm,
        "type": "Multikey",
        "controller": vm.split('#').next().unwrap(),
        "publicKeyMultibase": mb,
    });
    std::fs::write(&p, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    assert_official_passes_with(&format!("{vm}={}", p.display()));
}

#[test]
fn official_vector_with_jwk_file() {
    let (vm, _) = official_key();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("key.jwk.json");
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": base64url(&hex(&official_key_hex()))});
    std::fs::write(&p, serde_json::to_vec(&jwk).unwrap()).unwrap();
    assert_official_passes_with(&format!("{vm}={}", p.display()));
}

#[test]
fn official_vector_with_the_wrong_key_fails() {
    let (vm, _) = official_key();
    // The vectors' own issuer key: a valid Ed25519 key, but not the one that signed.
    let wrong = "z6MkqnTCeW1iF7vW34fRecRDrFsChnv9WgckNESmbExbYYbN";
    let (o, rep) = verify_json(&["--key", &format!("{vm}={wrong}"), OFFICIAL_SIGNED]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let (v, msg) = check(&rep, 0, "ob3.proof.eddsa-rdfc-2022");
    assert_eq!(v, "fail", "{msg}");
    assert!(msg.contains("does not verify"), "{msg}");
}

#[test]
fn key_for_another_url_does_not_apply() {
    let (_, mb) = official_key();
    let (o, rep) = verify_json(&[
        "--key",
        &format!("https://example.edu/issuers/other#k={mb}"),
        "--require-bound-key",
        OFFICIAL_SIGNED,
    ]);
    // the key given for another URL is not used: the proof verifies with the fragment's key
    // (offline), which binds nobody, so a relying party fails it
    assert_eq!(code(&o), 1, "{}", show(&o));
    let (v, msg) = check(&rep, 0, "ob3.proof.controller");
    assert_eq!(v, "fail", "{msg}");
    assert!(msg.contains("fragment") && msg.contains("--key"), "{msg}");
}

#[test]
fn rs256_vector_needs_its_key_from_the_manifest() {
    let file = "valid/ob-minimal.rs256.jwt";
    let entry = manifest_entry(file);
    let (url, key_file) = entry["keys"].as_object().unwrap().iter().next().unwrap();
    let key_path = repo().join("vectors").join(key_file.as_str().unwrap());
    let path = format!("vectors/{file}");

    let (o, rep) = verify_json(&[&path]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(check(&rep, 0, "ob3.proof.vc-jwt").1.contains("--key"));

    let (o, rep) = verify_json(&["--key", &format!("{url}={}", key_path.display()), &path]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(check(&rep, 0, "ob3.proof.vc-jwt").0, "pass");
}

// ---------------------------------------------------------------------------------------------
// --status-file and --recipient.

fn status_arg(url: &str, rel: &str) -> String {
    format!("{url}={}", repo().join("vectors").join(rel).display())
}

#[test]
fn status_files_from_the_manifest() {
    for (file, url, list) in [
        (
            "invalid/ob3.status.revocation-list-revoked.json",
            REVOCATION_LIST_URL,
            "status/revocation-list.json",
        ),
        (
            "invalid/ob3.status.bitstring-revoked.json",
            BITSTRING_LIST_URL,
            "status/bitstring-status-list.json",
        ),
        (
            "valid/status.revocation-list-active.eddsa.json",
            REVOCATION_LIST_URL,
            "status/revocation-list.json",
        ),
        (
            "valid/status.bitstring-active.eddsa.json",
            BITSTRING_LIST_URL,
            "status/bitstring-status-list.json",
        ),
    ] {
        let entry = manifest_entry(file);
        assert_eq!(
            entry["status_files"][url], list,
            "{file}: manifest names {url}"
        );
        let path = format!("vectors/{file}");
        let (o, rep) = verify_json(&["--status-file", &status_arg(url, list), &path]);
        let (v, msg) = check(&rep, 0, "ob3.status");
        if entry["expect"] == "invalid" {
            assert_eq!(code(&o), 1, "{file}\n{}", show(&o));
            assert_eq!(v, "fail", "{file}: {msg}");
            assert!(
                msg.contains("revoked") && msg.contains(url),
                "{file}: {msg}"
            );
            assert_eq!(
                ids_with(&rep, 0, "fail"),
                BTreeSet::from(["ob3.status".to_owned()])
            );
        } else {
            assert_eq!(code(&o), 0, "{file}\n{}", show(&o));
            assert_eq!(v, "pass", "{file}: {msg}");
        }
    }
}

#[test]
fn status_unknown_without_status_file() {
    let (_, rep) = verify_json(&["vectors/invalid/ob3.status.revocation-list-revoked.json"]);
    let (v, msg) = check(&rep, 0, "ob3.status");
    assert_eq!(
        v, "warn",
        "an unreadable list is never 'not revoked': {msg}"
    );
    assert_eq!(rep["headlines"][0]["statusChecked"], false);
    assert!(
        msg.contains("--status-file") && msg.contains(REVOCATION_LIST_URL),
        "{msg}"
    );
}

#[test]
fn status_file_for_another_url_is_not_used() {
    let (_, rep) = verify_json(&[
        "--status-file",
        &status_arg(
            "https://vectors.wellspring.example/status/other",
            "status/revocation-list.json",
        ),
        "vectors/invalid/ob3.status.revocation-list-revoked.json",
    ]);
    assert_eq!(check(&rep, 0, "ob3.status").0, "warn");
}

#[test]
fn status_file_unreadable_exits_2() {
    let arg = format!("{REVOCATION_LIST_URL}=/nonexistent/list.json");
    assert_usage(
        &[
            "verify",
            "--now",
            NOW,
            "--status-file",
            &arg,
            "vectors/valid/ob-minimal.eddsa.json",
        ],
        &["--status-file", "cannot read /nonexistent/list.json"],
    );
}

#[test]
fn recipient_from_the_manifest() {
    let status = status_arg(REVOCATION_LIST_URL, "status/revocation-list.json");
    for file in [
        "valid/ob-full.eddsa.json",
        "valid/ob-full.eddsa.jwt",
        "invalid/ob3.recipient.email-mismatch.json",
    ] {
        let entry = manifest_entry(file);
        let recipient = entry["recipient"].as_str().expect("manifest recipient");
        let path = format!("vectors/{file}");
        let (o, rep) = verify_json(&["--status-file", &status, "--recipient", recipient, &path]);
        let (v, msg) = check(&rep, 0, "ob3.recipient");
        if entry["expect"] == "valid" {
            assert_eq!(code(&o), 0, "{file}\n{}", show(&o));
            assert_eq!(v, "pass", "{file}: {msg}");
            assert_eq!(check(&rep, 0, "ob3.status").0, "pass");
        } else {
            assert_eq!(code(&o), 1, "{file}\n{}", show(&o));
            assert_eq!(v, "fail", "{file}: {msg}");
            assert_eq!(
                ids_with(&rep, 0, "fail"),
                BTreeSet::from(["ob3.recipient".to_owned()])
            );
        }
    }
}

#[test]
fn recipient_mismatch_and_absence() {
    let status = status_arg(REVOCATION_LIST_URL, "status/revocation-list.json");
    let (o, rep) = verify_json(&[
        "--status-file",
        &status,
        "--recipient",
        "email:somebody-else@example.org",
        "vectors/valid/ob-full.eddsa.json",
    ]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let (v, msg) = check(&rep, 0, "ob3.recipient");
    assert_eq!(v, "fail");
    assert!(msg.contains("somebody-else@example.org"), "{msg}");

    let (o, rep) = verify_json(&["--status-file", &status, "vectors/valid/ob-full.eddsa.json"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(check(&rep, 0, "ob3.recipient").0, "skip");

    // The subject id, given as a DID.
    let (o, rep) = verify_json(&[
        "--recipient",
        "did:example:wellspring-learner",
        "vectors/valid/ob-minimal.eddsa.json",
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(check(&rep, 0, "ob3.recipient").0, "pass");
}

// ---------------------------------------------------------------------------------------------
// -v evidence.

#[test]
fn verbose_shows_evidence() {
    let file = "vectors/invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json";
    let quiet = run(&["verify", "--now", NOW, file]);
    let loud = run(&["verify", "--now", NOW, "-v", file]);
    assert_eq!(code(&quiet), 1);
    assert_eq!(code(&loud), 1);
    let (q, l) = (stdout(&quiet), stdout(&loud));
    for needle in [
        "canonical document",
        "document hash (SHA-256)",
        "canonical proof configuration",
    ] {
        assert!(l.contains(needle), "-v shows {needle:?}\n{l}");
        assert!(!q.contains(needle), "without -v no {needle:?}\n{q}");
    }
    // The canonical document is N-Quads of the tampered credential.
    assert!(l.contains("<https://schema.org/name>"), "{l}");
    let long = run(&["verify", "--now", NOW, "--verbose", file]);
    assert_eq!(stdout(&long), l);
}

// ---------------------------------------------------------------------------------------------
// wellspring checks.

#[test]
fn checks_lists_every_id() {
    let o = run(&["checks"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    // group headers start with '#', groups end with a blank line
    let lines: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
    let listed: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#'))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    // the credential checks come first, in report order; the suites' checks follow
    assert_eq!(&listed[..ALL_IDS.len()], ALL_IDS, "{out}");
    assert!(
        listed.len() > ALL_IDS.len(),
        "the suites' checks are listed too"
    );
    let ids = run(&["checks", "--ids"]);
    assert_eq!(stdout(&ids).lines().collect::<Vec<_>>(), listed);
    // Each ID is followed by its clause.
    for (i, l) in lines.iter().enumerate() {
        if !l.starts_with(' ') && !l.starts_with('#') {
            let clause = lines.get(i + 1).map(|c| c.trim()).unwrap_or_default();
            assert!(
                clause.starts_with("https://"),
                "{l} has no clause line\n{out}"
            );
        }
    }
    // Every ID a report uses is listed.
    let (_, rep) = verify_json(&[
        "vectors/valid/clr.eddsa.json",
        "vectors/valid/vp.clr.signed.eddsa.json",
        "vectors/valid/ob-endorsed.eddsa.jwt",
        "vectors/valid/baked.eddsa.png",
        "vectors/valid/baked.eddsa.svg",
        "vectors/valid/legacy.eddsa-2022.json",
    ]);
    let mut seen = Vec::new();
    for i in rep["inputs"].as_array().unwrap() {
        all_checks(i, &mut seen);
    }
    let used: BTreeSet<&str> = seen.iter().map(|c| c.0.as_str()).collect();
    for id in &used {
        assert!(
            listed.contains(id),
            "{id} used in a report but not listed by `checks`"
        );
    }
    assert!(
        used.len() >= 20,
        "the inputs exercise most checks: {used:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// wellspring vectors.

fn manifest_counts() -> (usize, usize) {
    let m = manifest();
    let v = m["vectors"].as_array().unwrap();
    let valid = v.iter().filter(|e| e["expect"] == "valid").count();
    (valid, v.len() - valid)
}

fn last_line(s: &str) -> &str {
    s.trim_end().lines().last().unwrap_or_default()
}

#[test]
fn vectors_run_core_passes_the_committed_set() {
    let (valid, invalid) = manifest_counts();
    let o = run(&["vectors", "run"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert_eq!(
        last_line(&out),
        format!("{} passed, 0 failed", valid + invalid)
    );
    assert!(!out.contains("FAIL "), "{out}");
    assert!(out.contains("valid/ob-minimal.eddsa.json"), "{out}");
}

#[test]
fn vectors_run_verifier_that_rejects_everything() {
    let (valid, invalid) = manifest_counts();
    let o = run(&["vectors", "run", "--verifier", "false {}"]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let out = stdout(&o);
    assert_eq!(last_line(&out), format!("{invalid} passed, {valid} failed"));
    assert!(
        out.contains(&format!(
            "SHOULD HAVE BEEN ACCEPTED, but rejected ({valid})"
        )),
        "{out}"
    );
    assert!(!out.contains("SHOULD HAVE BEEN REJECTED"), "{out}");
}

#[test]
fn vectors_run_verifier_that_accepts_everything() {
    let (valid, invalid) = manifest_counts();
    let o = run(&["vectors", "run", "--verifier", "true {}"]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let out = stdout(&o);
    assert_eq!(last_line(&out), format!("{valid} passed, {invalid} failed"));
    assert!(
        out.contains(&format!(
            "SHOULD HAVE BEEN REJECTED, but accepted ({invalid})"
        )),
        "{out}"
    );
}

#[test]
fn vectors_run_verifier_gets_each_path() {
    // A verifier that accepts a file only if its path names a valid/ vector and exists.
    let (valid, invalid) = manifest_counts();
    let o = run(&[
        "vectors",
        "run",
        "--verifier",
        "sh -c 'test -f \"$1\" && case \"$1\" in */valid/*) exit 0;; *) exit 1;; esac' x {}",
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(
        last_line(&stdout(&o)),
        format!("{} passed, 0 failed", valid + invalid)
    );
}

#[test]
fn vectors_run_usage_errors() {
    let o = run(&["vectors", "run", "--verifier", "true"]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(stderr(&o).contains("{}"), "{}", show(&o));
    let o = run(&["vectors", "run", "--dir", "/nonexistent/vector-set"]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(
        stderr(&o).contains("/nonexistent/vector-set"),
        "{}",
        show(&o)
    );
}

#[test]
fn vectors_generate_writes_the_committed_set() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("set");
    let o = run(&["vectors", "generate", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let (valid, invalid) = manifest_counts();
    assert!(
        stdout(&o).starts_with(&format!("{} vectors written to", valid + invalid)),
        "{}",
        show(&o)
    );
    let generated = std::fs::read(out_dir.join("manifest.json")).expect("manifest.json written");
    let committed = std::fs::read(repo().join("vectors/manifest.json")).unwrap();
    assert!(
        generated == committed,
        "generated manifest.json differs from the committed one"
    );
    for f in [
        "valid/ob-minimal.eddsa.json",
        "status/revocation-list.json",
        "COVERAGE.md",
    ] {
        assert!(out_dir.join(f).is_file(), "{f} generated");
    }
    // The generated set is a vector set the core passes.
    let o = run(&["vectors", "run", "--dir", out_dir.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(
        last_line(&stdout(&o)),
        format!("{} passed, 0 failed", valid + invalid)
    );
}

/// A directory is verified file by file (recursively, in name order, hidden entries skipped);
/// `--format jsonl` streams one object per input and puts the summary on standard error; the
/// output does not depend on `--jobs`.
#[test]
fn directories_stream_as_json_lines_in_name_order_whatever_the_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(repo().join("vectors/valid/ob-minimal.eddsa.json")).unwrap();
    let mut bad: serde_json::Value = serde_json::from_slice(&good).unwrap();
    bad["name"] = serde_json::json!("changed after signing");
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    std::fs::create_dir_all(dir.path().join(".hidden")).unwrap();
    for i in 0..40 {
        std::fs::write(dir.path().join(format!("{i:02}.json")), &good).unwrap();
    }
    std::fs::write(dir.path().join("sub/z-tampered.json"), bad.to_string()).unwrap();
    std::fs::write(dir.path().join(".hidden/skipped.json"), b"not json").unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"not a credential").unwrap();
    let d = dir.path().to_str().unwrap();
    let lines = |jobs: &str| {
        let o = run(&[
            "verify",
            "--now",
            "2026-01-01T00:00:00Z",
            "--jobs",
            jobs,
            "--format",
            "jsonl",
            d,
        ]);
        assert_eq!(code(&o), 1, "one input fails\n{}", show(&o));
        assert!(
            stderr(&o).contains("40 of 41 input(s) passed every check"),
            "{}",
            show(&o)
        );
        stdout(&o)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let one = lines("1");
    assert_eq!(one.len(), 41);
    let subjects: Vec<&str> = one.iter().map(|v| v["subject"].as_str().unwrap()).collect();
    assert!(subjects[0].ends_with("00.json") && subjects[39].ends_with("39.json"));
    assert!(subjects[40].ends_with("sub/z-tampered.json"));
    assert_eq!(one[0]["passed"], true);
    assert_eq!(one[40]["passed"], false);
    assert_eq!(one[40]["headline"], "NOT VERIFIED");
    assert!(one[40]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "ob3.proof.eddsa-rdfc-2022" && c["verdict"] == "fail"));
    assert_eq!(lines("3"), one, "--jobs changes nothing but the speed");
    let o = run(&[
        "verify",
        "--now",
        "2026-01-01T00:00:00Z",
        &format!("{d}/sub"),
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("0 of 1 input(s) passed"),
        "{}",
        show(&o)
    );
    let empty = tempfile::tempdir().unwrap();
    assert_usage(
        &["verify", empty.path().to_str().unwrap()],
        &["holds no .json"],
    );
}
