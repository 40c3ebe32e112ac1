//! The matrix over real servers on loopback: the reference CASE server and verifier, a CASE
//! provider that answers text/html, a verifier that says yes to everything, and two issuers
//! given as credential files. Exactly the expected cells fail; sharded runs merged equal one
//! full run; the registry refuses secrets written into a file.

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use wellspring_matrix::{merge, registry, run, Matrix};
use wellspring_vcapi::Verifier;

mod support;
use support::{case_server, html_case_server, serve};

fn online_verifier() -> Verifier {
    let client = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let fetch: wellspring_verify::loader::Fetch = Arc::new(move |url: &str| {
        client
            .get(url)
            .send()
            .and_then(|r| r.text())
            .map_err(|e| e.to_string())
    });
    Verifier::new(wellspring_verify::Options::offline(chrono::Utc::now()).with_network(fetch))
}

fn yes_verifier() -> String {
    let app = Router::new().route(
        "/credentials/verify",
        post(|_b: Bytes| async {
            (
                [("content-type", "application/json")],
                r#"{"verified":true,"status":"valid"}"#,
            )
        }),
    );
    format!("http://{}/credentials/verify", serve(app))
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn registry_dir(tmp: &Path) -> std::path::PathBuf {
    let reg = tmp.join("registry");
    std::fs::create_dir_all(&reg).unwrap();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors");
    let case_ok = case_server(tmp, None);
    let case_html = html_case_server(tmp);
    let verifier = format!(
        "http://{}/credentials/verify",
        serve(wellspring_vcapi::router(online_verifier()))
    );
    let yes = yes_verifier();
    write(&reg, "a-case-ref.toml", &format!(
        "name = \"Reference CASE\"\nvendor = \"Wellspring\"\ntags = [\"reference\"]\n[[claims]]\nstandard = \"case10\"\nrole = \"provider\"\ntarget = \"{case_ok}\"\n"));
    write(&reg, "b-case-html.toml", &format!(
        "name = \"HTML CASE\"\nvendor = \"Faulty\"\ntags = [\"faulty\"]\n[[claims]]\nstandard = \"case10\"\nrole = \"provider\"\ntarget = \"{case_html}\"\n"));
    write(&reg, "c-verifier-ref.toml", &format!(
        "name = \"Reference verifier\"\nvendor = \"Wellspring\"\ntags = [\"reference\"]\n[[claims]]\nstandard = \"ob30\"\nrole = \"displayer\"\nverify_url = \"{verifier}\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"verifier\"\nverify_url = \"{verifier}\"\n"));
    write(&reg, "d-verifier-yes.toml", &format!(
        "name = \"Yes verifier\"\nvendor = \"Faulty\"\ntags = [\"faulty\"]\n[[claims]]\nstandard = \"ob30\"\nrole = \"displayer\"\nverify_url = \"{yes}\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"verifier\"\nverify_url = \"{yes}\"\n"));
    write(&reg, "e-issuer-ok.toml", &format!(
        "name = \"Good issuer\"\nvendor = \"Vectors\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"issuer\"\ncredentials = [\"{}\"]\n",
        vectors.join("valid/ob-full.eddsa.json").display()));
    write(&reg, "f-issuer-wrong-recipient.toml", &format!(
        "name = \"Issuer to someone else\"\nvendor = \"Vectors\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"issuer\"\ncredentials = [\"{}\"]\n",
        vectors.join("invalid/ob3.recipient.email-mismatch.json").display()));
    reg
}

fn options() -> run::Options {
    let mut o = run::Options::new();
    o.allow_private_network = true;
    o.now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    o
}

/// The matrix without what differs between two runs of the same servers (time, fresh badge
/// ids and ports in messages and evidence): columns, rows, every verdict, the cross cells.
fn comparable(m: Matrix) -> Value {
    let verdicts: std::collections::BTreeMap<_, std::collections::BTreeMap<_, _>> = m
        .cells
        .iter()
        .map(|(imp, cells)| {
            (
                imp.clone(),
                cells
                    .iter()
                    .map(|(id, c)| (id.clone(), c.verdict))
                    .collect(),
            )
        })
        .collect();
    let interop: Vec<_> = m
        .interop
        .iter()
        .map(|c| {
            (
                c.issuer.clone(),
                c.credential.clone(),
                c.verifier.clone(),
                c.verdict,
            )
        })
        .collect();
    serde_json::json!({
        "implementations": m.implementations,
        "checks": m.checks,
        "verdicts": verdicts,
        "interop": interop,
        "errors": m.errors,
    })
}

#[test]
fn matrix_marks_exactly_the_expected_cells_and_shards_merge_to_the_full_run() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = registry_dir(tmp.path());
    let all = registry::load_dir(&reg).unwrap();
    assert_eq!(all.len(), 6);

    let full = run::run(&all, &all, &options());
    assert!(full.errors.values().all(Vec::is_empty), "{:?}", full.errors);
    assert_eq!(
        full.failed_cells(),
        vec![
            "b-case-html case.provider.content-type",
            "d-verifier-yes ob3.displayer.expired",
            "d-verifier-yes ob3.displayer.revoked",
            "d-verifier-yes ob3.displayer.tampered",
            "d-verifier-yes ob3.displayer.v1-expired",
            "d-verifier-yes ob3.displayer.v1-revoked",
            "f-issuer-wrong-recipient ob3.issuer.recipient",
        ]
    );
    assert!(!full.passed());
    // not claimed: the CASE servers were not judged as displayers
    assert!(full.cell("a-case-ref", "ob3.displayer.valid").is_err());
    // the cross cells: two issuers × (our core + two verifiers)
    assert_eq!(full.interop.len(), 6);
    let ours: Vec<_> = full
        .interop
        .iter()
        .filter(|c| c.verifier == "wellspring")
        .map(|c| c.verdict)
        .collect();
    assert_eq!(ours.len(), 2);

    // shards of the registry, merged, equal the full run
    let s1 = run::run(&registry::shard(all.clone(), 1, 2), &all, &options());
    let s2 = run::run(&registry::shard(all.clone(), 2, 2), &all, &options());
    let round_trip: Vec<Matrix> = [s1, s2]
        .iter()
        .map(|m| serde_json::from_str(&serde_json::to_string(m).unwrap()).unwrap())
        .collect();
    let merged = merge(round_trip).unwrap();
    assert_eq!(comparable(merged), comparable(full.clone()));

    // tags select
    let refs = registry::select(all.clone(), &["reference".into()]);
    assert_eq!(refs.len(), 2);

    // reports
    let out = tmp.path().join("report");
    wellspring_matrix::write_reports(&full, &out, "Wellspring interop matrix").unwrap();
    let html = std::fs::read_to_string(out.join("matrix.html")).unwrap();
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\"http"));
    assert!(html.contains("class=\"c fail\""));
    assert!(html.contains("(optional)") || html.contains("class=\"optional\""));
    let earl: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("earl.jsonld")).unwrap()).unwrap();
    let outcomes: Vec<&str> = earl["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| {
            n.pointer("/earl:result/earl:outcome/@id")
                .and_then(Value::as_str)
        })
        .collect();
    assert!(outcomes.contains(&"earl:failed") && outcomes.contains(&"earl:passed"));
    assert!(out.join("junit/b-case-html.xml").exists());
    let junit = std::fs::read_to_string(out.join("junit/b-case-html.xml")).unwrap();
    assert!(junit.contains("<failure"));
}

#[test]
fn merging_the_same_implementation_twice_is_refused() {
    let mut a = Matrix::new();
    a.implementations.push(wellspring_matrix::model::Column {
        id: "x".into(),
        name: "X".into(),
        vendor: String::new(),
        tags: vec![],
        claims: vec![],
    });
    let e = merge(vec![a.clone(), a]).unwrap_err();
    assert!(e.contains("appears in two inputs"), "{e}");
}

#[test]
fn registry_refuses_secrets_unknown_claims_and_missing_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path();
    write(reg, "a.toml", "name = \"A\"\npassword = \"hunter2\"\n");
    let e = registry::load_dir(reg).unwrap_err();
    assert!(e.contains("a.toml") && e.contains("password"), "{e}");
    write(
        reg,
        "a.toml",
        "name = \"A\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"teleporter\"\n",
    );
    assert!(registry::load_dir(reg).unwrap_err().contains("teleporter"));
    write(
        reg,
        "a.toml",
        "name = \"A\"\n[[claims]]\nstandard = \"case10\"\nrole = \"provider\"\n",
    );
    assert!(registry::load_dir(reg)
        .unwrap_err()
        .contains("needs `target`"));
    write(
        reg,
        "a.toml",
        "name = \"A\"\n[auth]\ntoken_env = \"WELLSPRING_TEST_SURELY_UNSET\"\n",
    );
    let all = registry::load_dir(reg).unwrap();
    assert!(all[0]
        .auth
        .token()
        .unwrap_err()
        .contains("WELLSPRING_TEST_SURELY_UNSET"));
    assert_eq!(registry::parse_shard("2/3").unwrap(), (2, 3));
    assert!(registry::parse_shard("4/3").is_err());
}

/// A registry entry claiming `case11` / `provider` runs the CASE 1.1 provider suite (its
/// `case11.provider.*` rows, discovery included), beside a `case10` claim on the same server.
#[test]
fn a_case11_provider_claim_runs_the_1p1_suite() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("registry");
    std::fs::create_dir_all(&reg).unwrap();
    let url = case_server(tmp.path(), None);
    write(
        &reg,
        "case.toml",
        &format!(
            "name = \"Reference CASE\"\n[[claims]]\nstandard = \"case11\"\nrole = \"provider\"\ntarget = \"{url}\"\n[[claims]]\nstandard = \"case10\"\nrole = \"provider\"\ntarget = \"{url}\"\n"
        ),
    );
    let all = registry::load_dir(&reg).unwrap();
    let m = run::run(&all, &all, &options());
    assert!(m.errors.values().all(Vec::is_empty), "{:?}", m.errors);
    assert!(m.failed_cells().is_empty(), "{:?}", m.failed_cells());
    for id in [
        "case11.provider.endpoints",
        "case11.provider.discovery",
        "case11.provider.optional-fields",
        "case.provider.endpoints",
    ] {
        let c = m.cell("case", id).unwrap_or_else(|_| panic!("{id}"));
        assert_eq!(c.verdict, wellspring_report::Verdict::Pass, "{id}");
    }
    let malformed = m.cell("case", "case11.provider.malformed-id").unwrap();
    assert_eq!(malformed.verdict, wellspring_report::Verdict::Pass);
}
