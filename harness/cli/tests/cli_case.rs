//! The `case` and `certify` commands through the real binary: a real reference server
//! (`wellspring case serve`, child process, SQLite file in a temp dir) on loopback.

use std::process::{Child, Command, Output, Stdio};
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

struct Served {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `wellspring case serve --demo` on a free loopback port and waits until it answers.
fn serve() -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.db");
    let child = bin()
        .args([
            "case",
            "serve",
            "--demo",
            "--port",
            &port.to_string(),
            "--db",
            db.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Served {
        child,
        base,
        _dir: dir,
    }
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn failed_ids(report: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["checks"].as_array().unwrap().iter())
        .filter(|c| c["verdict"] == "fail")
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn certify_the_reference_server_and_check_its_packages() {
    let s = serve();
    let o = run(&[
        "certify",
        "--allow-private-network",
        "--standard",
        "case10",
        "--role",
        "provider",
        "--target",
        &s.base,
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let r = json(&o);
    assert!(failed_ids(&r).is_empty(), "{r:#}");

    // A package fetched online from the provider passes every integrity check.
    let url = format!(
        "{}/ims/case/v1p0/CFPackages/c0115e9e-d1e5-4e11-8c00-000000000000",
        s.base
    );
    let o = run(&[
        "case",
        "check",
        "--online",
        "--allow-private-network",
        "--format",
        "json",
        &url,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Without --online a URL is a usage error.
    assert_eq!(run(&["case", "check", &url]).status.code(), Some(2));
}

/// `wellspring case serve` (the real binary) passes `certify --standard case11 --role provider`
/// and `--standard case10` side by side: every check passes, the 1.1 report names CASE 1.1 and
/// carries the `case11.provider.*` ids, the discovery check among them.
#[test]
fn certify_case11_and_case10_against_the_same_server() {
    let s = serve();
    for (standard, prefix, version) in [
        ("case11", "case11.provider.", "1.1"),
        ("case10", "case.provider.", "1.0"),
    ] {
        let o = run(&[
            "certify",
            "--allow-private-network",
            "--standard",
            standard,
            "--role",
            "provider",
            "--target",
            &s.base,
            "--format",
            "json",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{standard}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        let r = json(&o);
        assert!(failed_ids(&r).is_empty(), "{r:#}");
        let text = r.to_string();
        assert!(text.contains(&format!("\"{prefix}links\"")), "{standard}");
        assert!(text.contains(&format!("\"{prefix}sort\"")), "{standard}");
        assert!(
            text.contains(&format!("\"version\":\"{version}\"")),
            "{standard}: {text}"
        );
        assert_eq!(
            text.contains("\"case11.provider.discovery\""),
            standard == "case11"
        );
    }
}

/// `certify --standard case11 --role consumer` serves the 1.1 API and judges with the
/// `case11.consumer.*` ids: a consumer that never comes fails `requests`.
#[test]
fn certify_case11_consumer_waits_and_judges_with_1p1_ids() {
    let o = run(&[
        "certify",
        "--standard",
        "case11",
        "--role",
        "consumer",
        "--listen",
        "127.0.0.1:0",
        "--wait",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("/ims/case/v1p1"));
    let r = json(&o);
    assert!(
        failed_ids(&r).contains(&"case11.consumer.requests".to_owned()),
        "{r:#}"
    );
}

#[test]
fn certify_a_dead_target_could_not_run() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = run(&[
        "certify",
        "--allow-private-network",
        "--standard",
        "case10",
        "--role",
        "provider",
        "--target",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot fetch"));
}

#[test]
fn real_frameworks_fail_for_named_reasons() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../suites/case10/tests/data/frameworks/"
    );
    let o = run(&[
        "case",
        "check",
        "--format",
        "json",
        &format!("{dir}Ordering.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(failed_ids(&json(&o)), vec!["case.package.schema"]);
    let o = run(&[
        "case",
        "check",
        "--format",
        "json",
        &format!("{dir}ItemTypeTestFramework.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        failed_ids(&json(&o)),
        vec![
            "case.package.identifiers",
            "case.package.schema",
            "case.package.uris"
        ]
    );
    assert_eq!(
        run(&["case", "check", "/nonexistent.json"]).status.code(),
        Some(2)
    );
}

/// `case checks` lists the CASE 1.0 checks first, as before, then under a `CASE 1.1` heading the
/// 1.1 provider and consumer checks, each id once with its clause on the next line.
#[test]
fn case_checks_lists_both_versions() {
    use wellspring_suite_case10::{checks, consumer, provider};
    let o = run(&["case", "checks"]);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    let (v10, v11) = out
        .split_once("\nCASE 1.1 (wellspring certify --standard case11)\n")
        .expect("a CASE 1.1 heading");
    let block = |c: &wellspring_report::CheckDef| {
        format!("{:<28} {}\n{:<28} {}\n", c.id, c.title, "", c.clause)
    };
    let want10: String = checks::ALL
        .iter()
        .chain(provider::checks::ALL)
        .chain(consumer::checks::ALL)
        .map(block)
        .collect();
    assert_eq!(v10, want10);
    let want11: Vec<_> = provider::checks::all(provider::Version::V1p1)
        .into_iter()
        .chain(consumer::checks::all(provider::Version::V1p1))
        .collect();
    assert_eq!(v11, want11.iter().map(block).collect::<String>());
    for id in [
        "case11.provider.discovery",
        "case11.provider.optional-fields",
        "case11.consumer.content",
        "case.provider.optional-fields",
    ] {
        assert_eq!(out.matches(&format!("{id} ")).count(), 1, "{id}\n{out}");
    }
}
