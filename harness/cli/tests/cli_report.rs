//! The certification report a vendor hands to a customer, through the real binary: complete
//! metadata in report.json (validated against `reports/schema/report.schema.json`), JUnit
//! and the terminal summary; and `--sign KEYFILE`: a did:key made and kept (0600), a signed
//! claim that `wellspring verify` accepts, and rejects once edited.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args(args)
        .output()
        .expect("run wellspring")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn certify_issuer(dir: &Path, key: &Path) -> Output {
    run(&[
        "certify",
        "--standard",
        "ob30",
        "--role",
        "issuer",
        "--now",
        "2026-01-01T00:00:00Z",
        "--credential",
        "vectors/valid/ob-full.eddsa.json",
        "--report",
        dir.to_str().unwrap(),
        "--sign",
        key.to_str().unwrap(),
    ])
}

fn schema_errors(doc: &serde_json::Value) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reports/schema/report.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

#[test]
fn signed_report_is_complete_and_its_claim_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, key) = (tmp.path().join("out"), tmp.path().join("vendor.jwk"));
    let o = certify_issuer(&dir, &key);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("PASSED") && out.contains("product under test"),
        "{out}"
    );
    assert!(
        out.contains("Reproduce: wellspring certify --standard ob30"),
        "{out}"
    );
    assert!(!out.contains("input(s) verified"), "{out}");

    // report.json: the schema, and what it says about the run
    let raw = std::fs::read(dir.join("report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(schema_errors(&report), Vec::<String>::new());
    assert_eq!(report["tool"]["name"], "wellspring");
    assert_eq!(report["standard"]["version"], "3.0");
    assert_eq!(report["options"]["now"], "2026-01-01T00:00:00Z");
    assert_eq!(report["target"][0], "vectors/valid/ob-full.eddsa.json");
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains("<property name=\"tool.commit\"") && junit.contains("name=\"level\""));

    // the key was made and kept private; the claim names it and hashes report.json
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let did = report["signer"]["did"].as_str().unwrap().to_owned();
    assert!(did.starts_with("did:key:z6Mk"), "{did}");
    let claim_path = dir.join("report-claim.json");
    let claim: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&claim_path).unwrap()).unwrap();
    assert_eq!(claim["issuer"]["id"], did.as_str());
    use sha2::Digest;
    assert_eq!(
        claim["credentialSubject"]["reportSha256"],
        hex::encode(sha2::Sha256::digest(&raw))
    );
    // the claim carries what the pass does not mean, as the report does
    let caveats = claim["credentialSubject"]["conformanceCaveats"]
        .as_array()
        .expect("caveats listed (maybe none)");
    let comment = claim["credentialSubject"]["endorsementComment"]
        .as_str()
        .unwrap();
    for c in caveats {
        let c = c.as_str().unwrap();
        assert!(
            out.contains(c) && comment.contains(c),
            "{c}\n{out}\n{comment}"
        );
    }
    for c in ["issuer NOT authenticated", "status not checked"] {
        if out.contains(c) {
            assert!(caveats.iter().any(|x| x == c), "{c} missing from the claim");
        }
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains(&did) && html.contains("Signed by"));

    let v = run(&["verify", claim_path.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));

    // an edited outcome breaks the signature
    let edited = claim.to_string().replacen("earl:passed", "earl:failed", 1);
    let edited_path = tmp.path().join("edited.json");
    std::fs::write(&edited_path, edited).unwrap();
    let v = run(&["verify", edited_path.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));

    // the same key signs the next run
    let dir2 = tmp.path().join("out2");
    assert_eq!(certify_issuer(&dir2, &key).status.code(), Some(0));
    let again: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir2.join("report.json")).unwrap()).unwrap();
    assert_eq!(again["signer"]["did"], did.as_str());
}

#[test]
fn a_key_file_that_is_not_an_ed25519_key_stops_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("rsa.jwk");
    std::fs::write(&key, r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#).unwrap();
    let o = certify_issuer(&tmp.path().join("out"), &key);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("Ed25519"));
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn secrets_never_reach_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let o = run(&[
        "certify",
        "--standard",
        "ob30",
        "--role",
        "issuer",
        "--credential",
        "vectors/valid/ob-full.eddsa.json",
        "--token",
        "tok-SECRET-123",
        "--login",
        "me@example.org:pw-SECRET-9",
        "--report",
        dir.to_str().unwrap(),
    ]);
    assert!(dir.join("report.json").exists(), "{}", text(&o));
    let all = [
        text(&o),
        std::fs::read_to_string(dir.join("report.json")).unwrap(),
        std::fs::read_to_string(dir.join("report.html")).unwrap(),
        std::fs::read_to_string(dir.join("junit.xml")).unwrap(),
    ]
    .join("\n");
    assert!(!all.contains("SECRET"), "{all}");
    assert!(
        all.contains("--token *** --login me@example.org:***"),
        "{all}"
    );
}
