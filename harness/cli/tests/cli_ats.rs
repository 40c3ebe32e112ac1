//! `wellspring ats serve` through the real binary: the reference CASE provider and the ATS as
//! child processes (SQLite files in a temp dir) on loopback; the demo job appears from the CASE
//! provider, the recruiter API answers, bad flags exit 2 with a message.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wellspring"));
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

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(url: &str, auth: bool) -> Option<(u16, String)> {
    let c = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .ok()?;
    let mut r = c.get(url);
    if auth {
        r = r.basic_auth("recruiter@example.org", Some("wellspring-demo"));
    }
    let r = r.send().ok()?;
    Some((r.status().as_u16(), r.text().ok()?))
}

#[test]
fn ats_serve_demo_posts_the_diesel_job_from_the_case_provider() {
    let dir = tempfile::tempdir().unwrap();
    let (cp, ap) = (free_port(), free_port());
    let case_db = dir.path().join("case.sqlite");
    let ats_db = dir.path().join("ats.sqlite");
    // the ATS first: it waits for the CASE provider and retries
    let _ats = Kill(
        bin()
            .args([
                "ats",
                "serve",
                "--allow-private-network",
                "--demo",
                "--listen",
                &format!("127.0.0.1:{ap}"),
                "--db",
                ats_db.to_str().unwrap(),
            ])
            .args(["--case-base", &format!("http://127.0.0.1:{cp}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let _case = Kill(
        bin()
            .args([
                "case",
                "serve",
                "--demo",
                "--port",
                &cp.to_string(),
                "--db",
                case_db.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{ap}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let jobs = loop {
        if let Some((200, body)) = get(&format!("{base}/api/jobs"), false) {
            if body.contains("Diesel Technician I") {
                break body;
            }
        }
        assert!(Instant::now() < deadline, "the demo job did not appear");
        std::thread::sleep(Duration::from_millis(200));
    };
    let v: serde_json::Value = serde_json::from_str(&jobs).unwrap();
    assert_eq!(v[0]["requirements"].as_array().unwrap().len(), 8, "{v}");
    let (code, body) = get(&format!("{base}/api/jobs/1/ranking"), true).unwrap();
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("\"candidates\":[]"), "{body}");
    assert_eq!(
        get(&format!("{base}/api/jobs/1/ranking"), false).unwrap().0,
        401
    );
    let (code, body) = get(&format!("{base}/login"), false).unwrap();
    assert_eq!(code, 200);
    assert!(body.contains("Recruiter sign-in"));
}

#[test]
fn ats_serve_help_and_bad_flags() {
    let o = bin().args(["ats", "serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    for s in [
        "--case-base",
        "--offline",
        "--public-url",
        "recruiter@example.org / wellspring-demo",
        "Examples:",
    ] {
        assert!(help.contains(s), "help lacks {s}: {help}");
    }
    let o = bin()
        .args([
            "ats",
            "serve",
            "--case-base",
            "ftp://x",
            "--db",
            "/nonexistent/x.sqlite",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--case-base"));
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .args([
            "ats",
            "serve",
            "--db",
            dir.path().join("no/such/dir/ats.sqlite").to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("wellspring ats:"));
}
