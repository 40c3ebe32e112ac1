//! `wellspring certify --standard ob30|clr20 --role service-provider-*` run as a binary against
//! the suite's fixture provider (loopback) and against a dead port.

use std::process::Command;

use wellspring_suite_ob30::issuer::IssuerStandard;
use wellspring_suite_ob30::provider::upsert_payloads;
use wellspring_testkit::provider::{self as provider_fixture, Faults, Provider, PASSWORD, USER};

/// The test kit's provider, seeded with the suite's signed credentials.
fn start(std: IssuerStandard, faults: Faults) -> Provider {
    provider_fixture::start_seeded(std, faults, &|| upsert_payloads(std).unwrap())
}

fn certify(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .arg("certify")
        .arg("--allow-private-network")
        .args(args)
        .output()
        .expect("binary runs")
}

#[test]
fn certify_provider_passes_and_writes_the_report_directory() {
    let p = start(IssuerStandard::Ob30, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let login = format!("{USER}:{PASSWORD}");
    let o = certify(&[
        "--standard",
        "ob30",
        "--role",
        "service-provider-write",
        "--target",
        &p.base,
        "--login",
        &login,
        "--report",
        out_dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in ["report.json", "report.html", "junit.xml"] {
        assert!(out_dir.join(f).is_file(), "{f} written");
    }
    let json = std::fs::read_to_string(out_dir.join("report.json")).unwrap();
    assert!(json.contains("ob3.provider.upsert-preserve"));
    assert!(!json.contains(PASSWORD));
    for s in p.secrets() {
        assert!(!json.contains(&s), "secret leaked");
    }
}

#[test]
fn certify_faulty_clr_provider_exits_1() {
    let p = start(
        IssuerStandard::Clr20,
        Faults {
            bad_paging: true,
            ..Default::default()
        },
    );
    let login = format!("{USER}:{PASSWORD}");
    let o = certify(&[
        "--standard",
        "clr20",
        "--role",
        "service-provider-read",
        "--target",
        &p.base,
        "--login",
        &login,
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("✘ clr2.provider.paging"), "{stdout}");
}

#[test]
fn certify_dead_port_exits_2() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let target = format!("http://127.0.0.1:{port}");
    let o = certify(&[
        "--standard",
        "ob30",
        "--role",
        "service-provider-read",
        "--target",
        &target,
        "--login",
        "a:b",
        "--timeout",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot reach"));
}

#[test]
fn certify_provider_needs_login_or_token() {
    let o = certify(&[
        "--standard",
        "ob30",
        "--role",
        "service-provider-read",
        "--target",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn matrix_runs_provider_claims_with_the_login_from_the_environment() {
    let good = start(IssuerStandard::Ob30, Faults::default());
    let bad = start(
        IssuerStandard::Ob30,
        Faults {
            ignore_scopes: true,
            ..Default::default()
        },
    );
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("reg");
    std::fs::create_dir_all(&reg).unwrap();
    for (name, p) in [("good", &good), ("noscopes", &bad)] {
        std::fs::write(
            reg.join(format!("{name}.toml")),
            format!(
                "name = \"{name}\"\n[auth]\nlogin_env = \"WS_TEST_LOGIN\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"service-provider-read\"\ntarget = \"{}\"\n",
                p.base
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args([
            "matrix",
            "--allow-private-network",
            "--registry",
            reg.to_str().unwrap(),
            "--report",
            out.to_str().unwrap(),
        ])
        .env("WS_TEST_LOGIN", format!("{USER}:{PASSWORD}"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "the faulty provider fails a cell: {text}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("matrix.json")).unwrap()).unwrap();
    let verdict = |imp: &str, id: &str| {
        m["cells"][imp][id]["verdict"]
            .as_str()
            .unwrap_or("absent")
            .to_owned()
    };
    assert_eq!(
        verdict("good", "ob3.provider.credentials"),
        "pass",
        "{text}"
    );
    assert_eq!(verdict("good", "ob3.provider.scope"), "pass");
    assert_eq!(verdict("noscopes", "ob3.provider.scope"), "fail");
    assert_eq!(verdict("noscopes", "ob3.provider.credentials"), "pass");
    let html = std::fs::read_to_string(out.join("matrix.html")).unwrap();
    assert!(
        !html.contains(PASSWORD),
        "the login never reaches the report"
    );

    // without the variable the claim cannot run: named in the message, exit 1
    let o = Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args([
            "matrix",
            "--allow-private-network",
            "--registry",
            reg.to_str().unwrap(),
            "--report",
            tmp.path().join("o2").to_str().unwrap(),
        ])
        .env_remove("WS_TEST_LOGIN")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(1), "{text}");
    let m = std::fs::read_to_string(tmp.path().join("o2/matrix.json")).unwrap();
    assert!(m.contains("WS_TEST_LOGIN"), "{m}");
}

#[test]
fn checks_lists_every_suite_with_unique_ids() {
    let o = Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args(["checks", "--ids"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let ids: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "IDs are unique across suites");
    for id in [
        "ob3.proof.eddsa-rdfc-2022",
        "case.package.schema",
        "case.provider.paging",
        "ob3.provider.upsert-preserve",
        "clr2.consumer.pkce",
        "clr2.displayer.revoked",
        "ob3.issuer.recipient",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} listed");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args(["checks", "clr2.provider"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("clr2.provider.token-code-reuse") && !text.contains("ob3."),
        "{text}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args(["checks", "nothing.like.this"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}
