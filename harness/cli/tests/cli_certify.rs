//! `wellspring certify` for the OB 3.0 / CLR 2.0 roles through the real binary: issuer
//! (committed vectors), displayer (a `verifier serve` child on loopback), consumer (nobody
//! comes: every check fails, exit 1), and the report folder.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wellspring"));
    c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    for v in [
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(v);
    }
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run wellspring")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn issuer_role_passes_for_the_conformance_recipient_and_fails_for_another() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let ok = run(&[
        "certify",
        "--allow-private-network",
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
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("ob3.issuer.recipient"));
    for f in ["report.json", "report.html", "junit.xml"] {
        assert!(dir.join(f).exists(), "{f}");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Open Badges 3.0 issuer") && !html.contains("<script"));

    let bad = run(&[
        "certify",
        "--allow-private-network",
        "--standard",
        "ob30",
        "--role",
        "issuer",
        "--credential",
        "vectors/invalid/ob3.recipient.email-mismatch.json",
    ]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let missing = run(&[
        "certify",
        "--allow-private-network",
        "--standard",
        "ob30",
        "--role",
        "issuer",
    ]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(text(&missing).contains("--credential"));
}

#[test]
fn displayer_role_against_the_reference_verifier() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = bin()
        .args([
            "verifier",
            "serve",
            "--online",
            "--allow-private-network",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "verifier did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = format!("http://127.0.0.1:{port}/credentials/verify");
    let o = run(&[
        "certify",
        "--allow-private-network",
        "--standard",
        "clr20",
        "--role",
        "displayer",
        "--verify-url",
        &url,
    ]);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("clr2.displayer.revoked"));
    // a dead displayer: could not run
    let dead = run(&[
        "certify",
        "--allow-private-network",
        "--standard",
        "ob30",
        "--role",
        "displayer",
        "--verify-url",
        "http://127.0.0.1:9/credentials/verify",
    ]);
    assert_eq!(dead.status.code(), Some(2), "{}", text(&dead));
}

#[test]
fn consumer_role_with_no_consumer_fails_every_check() {
    let o = run(&[
        "certify",
        "--allow-private-network",
        "--standard",
        "ob30",
        "--role",
        "service-consumer-read",
        "--wait",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["fail"], 9);
    assert!(String::from_utf8_lossy(&o.stderr).contains("/ims/ob/v3p0/discovery"));
}
