//! `wellspring matrix` and `wellspring verifier serve` through the real binary: a shipped
//! registry entry, sharded runs merged, exit codes, a verifier child process on loopback
//! judged as a displayer.

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
fn shipped_offline_registry_entry_passes_and_shards_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("reg");
    std::fs::create_dir_all(&reg).unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    for (name, file) in [
        ("good", "valid/ob-full.eddsa.json"),
        ("wrong", "invalid/ob3.recipient.email-mismatch.json"),
    ] {
        std::fs::write(
            reg.join(format!("{name}.toml")),
            format!("name = \"{name}\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"issuer\"\ncredentials = [\"{root}/vectors/{file}\"]\n"),
        )
        .unwrap();
    }
    let out = |n: &str| tmp.path().join(n).display().to_string();

    let o = run(&[
        "matrix",
        "--allow-private-network",
        "--registry",
        "reports/registry",
        "--tags",
        "offline",
        "--report",
        &out("shipped"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let full = run(&[
        "matrix",
        "--allow-private-network",
        "--registry",
        reg.to_str().unwrap(),
        "--report",
        &out("full"),
    ]);
    assert_eq!(
        full.status.code(),
        Some(1),
        "a failed cell exits 1: {}",
        text(&full)
    );
    for i in ["1/2", "2/2"] {
        let o = run(&[
            "matrix",
            "--allow-private-network",
            "--registry",
            reg.to_str().unwrap(),
            "--shard",
            i,
            "--report",
            &out(&i.replace('/', "of")),
        ]);
        assert!(o.status.code().is_some_and(|c| c <= 1), "{}", text(&o));
    }
    let merged = run(&[
        "matrix",
        "--allow-private-network",
        "--merge",
        &format!("{}/matrix.json", out("1of2")),
        &format!("{}/matrix.json", out("2of2")),
        "--report",
        &out("merged"),
    ]);
    assert_eq!(merged.status.code(), Some(1), "{}", text(&merged));
    let cells = |dir: &str| -> serde_json::Value {
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/matrix.json")).unwrap())
                .unwrap();
        let mut c = m["cells"].clone();
        for imp in c.as_object_mut().unwrap().values_mut() {
            for cell in imp.as_object_mut().unwrap().values_mut() {
                cell.as_object_mut().unwrap().retain(|k, _| k == "verdict");
            }
        }
        c
    };
    assert_eq!(cells(&out("merged")), cells(&out("full")));
    // every rendering says how it was made: commit, command line, options, duration
    let meta = |dir: &str| -> serde_json::Value {
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/matrix.json")).unwrap())
                .unwrap();
        m["run"].clone()
    };
    let shard = meta(&out("1of2"));
    assert!(!shard["commit"].as_str().unwrap().is_empty(), "{shard}");
    assert!(
        shard["commandLine"]
            .as_str()
            .unwrap()
            .starts_with("wellspring matrix ")
            && shard["commandLine"]
                .as_str()
                .unwrap()
                .contains("--shard 1/2"),
        "{shard}"
    );
    assert_eq!(shard["options"]["shard"], "1/2");
    assert!(shard["durationMs"].is_u64());
    assert_eq!(
        meta(&out("merged"))["options"]["merge"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let html = std::fs::read_to_string(format!("{}/matrix.html", out("merged"))).unwrap();
    assert!(
        html.contains("wellspring matrix --allow-private-network --merge"),
        "{html}"
    );
    let junit_dir = std::path::Path::new(&out("merged")).join("junit");
    let first = std::fs::read_dir(&junit_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let junit = std::fs::read_to_string(first).unwrap();
    for p in [
        "name=\"commit\"",
        "name=\"commandLine\"",
        "name=\"generatedAt\"",
    ] {
        assert!(junit.contains(p), "{junit}");
    }
    let earl = std::fs::read_to_string(format!("{}/earl.jsonld", out("merged"))).unwrap();
    assert!(earl.contains("run as: wellspring matrix"), "{earl}");

    let bad = run(&[
        "matrix",
        "--allow-private-network",
        "--registry",
        &out("nowhere"),
        "--report",
        &out("x"),
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    let twice = run(&[
        "matrix",
        "--allow-private-network",
        "--merge",
        &format!("{}/matrix.json", out("full")),
        &format!("{}/matrix.json", out("full")),
        "--report",
        &out("y"),
    ]);
    assert_eq!(twice.status.code(), Some(2), "{}", text(&twice));
}

#[test]
fn verifier_serve_child_passes_displayer_certification_in_the_matrix() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
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
    let tmp = tempfile::tempdir().unwrap();
    let o = bin()
        .args([
            "matrix",
            "--allow-private-network",
            "--registry",
            "reports/registry",
            "--tags",
            "reference",
            "--report",
        ])
        .arg(tmp.path().join("m"))
        .env(
            "WELLSPRING_VERIFIER_URL",
            format!("http://127.0.0.1:{port}/credentials/verify"),
        )
        .env("WELLSPRING_CASE_URL", "http://127.0.0.1:9")
        .env("WELLSPRING_HUB_URL", "http://127.0.0.1:9")
        .env("WELLSPRING_WALLET_URL", "http://127.0.0.1:9")
        .env("WELLSPRING_ATS_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("m/matrix.json")).unwrap())
            .unwrap();
    let cells = &m["cells"]["wellspring-verifier"];
    for id in [
        "ob3.displayer.valid",
        "ob3.displayer.expired",
        "ob3.displayer.revoked",
        "ob3.displayer.v1-revoked",
        "clr2.displayer.revoked",
        "ob3.displayer.display",
    ] {
        assert_eq!(cells[id]["verdict"], "pass", "{id}: {}", text(&o));
    }
    // the CASE server was not started: its run could not happen, and that is an exit 1
    assert!(
        m["errors"]["wellspring-case"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{m}"
    );
    assert_eq!(o.status.code(), Some(1));
}
