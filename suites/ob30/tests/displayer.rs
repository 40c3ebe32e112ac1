//! Displayer certification against real verify endpoints on loopback: the reference VC-API
//! verifier passes; purpose-built faulty displayers fail exactly the checks they should.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use wellspring_report::shown::Shown;
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_ob30::displayer::{self, Options};
use wellspring_suite_ob30::issuer::IssuerStandard as Standard;
use wellspring_vcapi::Verifier;

/// A verifier that may fetch status lists (the harness serves them on loopback).
fn online_verifier() -> Verifier {
    let client = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let fetch: wellspring_verify::loader::Fetch = Arc::new(move |url: &str| {
        let resp = client.get(url).send().map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("HTTP {}", resp.status()));
        }
        resp.text().map_err(|e| e.to_string())
    });
    Verifier::new(wellspring_verify::Options::offline(chrono::Utc::now()).with_network(fetch))
}

/// Serves `app` on a loopback port from a background runtime; returns the verify URL.
fn serve(app: Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    format!("http://{}/credentials/verify", rx.recv().unwrap())
}

/// A displayer built on our core whose answers pass through `rewrite` first.
fn faulty(v: Verifier, rewrite: fn(Value) -> Value) -> String {
    let v = Arc::new(v);
    serve(Router::new().route(
        "/credentials/verify",
        post(move |body: Bytes| {
            let v = v.clone();
            async move {
                let (code, answer) = tokio::task::spawn_blocking(move || {
                    wellspring_vcapi::verify_request(&v, &body)
                })
                .await
                .unwrap();
                let answer = rewrite(answer);
                let code = if answer["verified"] == Value::Bool(true) {
                    200
                } else {
                    code.as_u16()
                };
                (
                    axum::http::StatusCode::from_u16(code).unwrap(),
                    answer.to_string(),
                )
            }
        }),
    ))
}

/// What `test` showed, compared with its section of `reports/shown/ob30.displayer.json`.
fn commit_shown(test: &str, f: impl FnOnce(&mut Shown, &str)) {
    let mut s = Shown::new();
    f(&mut s, &format!("suites/ob30/tests/displayer.rs::{test}"));
    s.assert_committed(env!("CARGO_MANIFEST_DIR"), "ob30.displayer", test);
}

fn failed(r: &DocReport) -> Vec<&'static str> {
    r.failed_ids()
}

fn run(std: Standard, url: &str) -> DocReport {
    displayer::run(&local(Options::new(std, url))).expect("suite runs")
}

/// The displayers under test listen on loopback.
fn local(mut o: Options) -> Options {
    o.allow_private_network = true;
    o
}

#[test]
fn reference_verifier_passes_every_displayer_check() {
    let url = serve(wellspring_vcapi::router(online_verifier()));
    let r = run(Standard::Ob30, &url);
    assert!(
        r.passed(),
        "{}",
        wellspring_report::render::human(&[r.clone()], true)
    );
    assert!(
        r.checks.iter().all(|c| c.verdict == Verdict::Pass),
        "{r:#?}"
    );
    assert_eq!(r.checks.len(), 8);
    commit_shown(
        "reference_verifier_passes_every_displayer_check",
        |s, by| s.record(by, &r),
    );
}

#[test]
fn reference_verifier_passes_the_clr_displayer_checks() {
    let url = serve(wellspring_vcapi::router(online_verifier()));
    let r = run(Standard::Clr20, &url);
    assert!(
        r.passed(),
        "{}",
        wellspring_report::render::human(&[r.clone()], true)
    );
    assert!(r.checks.iter().all(|c| c.id.starts_with("clr2.displayer.")));
    commit_shown(
        "reference_verifier_passes_the_clr_displayer_checks",
        |s, by| s.record(by, &r),
    );
}

#[test]
fn a_displayer_that_never_fetches_status_misses_revocation() {
    // offline: the status list cannot be read, so the status is unknown (not a failure)
    let offline = Verifier::new(wellspring_verify::Options::offline(chrono::Utc::now()));
    let url = serve(wellspring_vcapi::router(offline));
    let r = run(Standard::Ob30, &url);
    assert_eq!(
        failed(&r),
        vec!["ob3.displayer.revoked", "ob3.displayer.v1-revoked"]
    );
}

#[test]
fn a_displayer_that_ignores_expiry_fails_the_expired_checks() {
    let url = faulty(online_verifier(), |mut a| {
        if a["status"] == "expired" {
            a["status"] = "valid".into();
            a["verified"] = true.into();
        }
        a
    });
    let r = run(Standard::Ob30, &url);
    assert_eq!(
        failed(&r),
        vec!["ob3.displayer.expired", "ob3.displayer.v1-expired"]
    );
}

#[test]
fn a_displayer_that_says_yes_to_everything_fails_all_but_the_valid_ones() {
    let url = faulty(online_verifier(), |mut a| {
        a["status"] = "valid".into();
        a["verified"] = true.into();
        a["errors"] = Value::Array(vec![]);
        a
    });
    let r = run(Standard::Ob30, &url);
    assert_eq!(
        failed(&r),
        vec![
            "ob3.displayer.expired",
            "ob3.displayer.revoked",
            "ob3.displayer.tampered",
            "ob3.displayer.v1-expired",
            "ob3.displayer.v1-revoked",
        ]
    );
}

#[test]
fn a_displayer_that_shows_the_wrong_issuer_fails_display_and_one_without_display_skips() {
    let url = faulty(online_verifier(), |mut a| {
        a["display"]["issuerName"] = "Someone Else".into();
        a
    });
    let r = run(Standard::Ob30, &url);
    assert_eq!(failed(&r), vec!["ob3.displayer.display"]);

    let url = faulty(online_verifier(), |mut a| {
        a.as_object_mut().unwrap().remove("display");
        a.as_object_mut().unwrap().remove("status");
        a
    });
    let r = run(Standard::Ob30, &url);
    let d = r.find("ob3.displayer.display").unwrap();
    assert_eq!(d.verdict, Verdict::Skip, "{d:?}");
    // without `status`, the words of the errors still tell expired from revoked
    assert!(
        r.passed(),
        "{}",
        wellspring_report::render::human(&[r.clone()], true)
    );
}

#[test]
fn an_unreachable_displayer_is_a_run_error_not_a_verdict() {
    let e = displayer::run(&local(Options::new(
        Standard::Ob30,
        "http://127.0.0.1:9/credentials/verify",
    )))
    .unwrap_err();
    assert!(e.contains("cannot be reached"), "{e}");
}

/// Every displayer check, OB 3.0 and CLR 2.0 alike, is made to fail by one of three faulty
/// displayers: one that refuses everything, one that accepts everything, one that names
/// another issuer.
#[test]
fn every_displayer_check_fails_against_some_faulty_displayer() {
    let refuse_all = |mut a: Value| {
        a["status"] = "invalid".into();
        a["verified"] = false.into();
        a["errors"] = Value::Array(vec!["refused".into()]);
        a
    };
    let accept_all = |mut a: Value| {
        a["status"] = "valid".into();
        a["verified"] = true.into();
        a["errors"] = Value::Array(vec![]);
        a
    };
    let wrong_issuer = |mut a: Value| {
        a["display"]["issuerName"] = "Someone Else".into();
        a
    };
    let test = "every_displayer_check_fails_against_some_faulty_displayer";
    let mut record = Shown::new();
    for (std, prefix) in [
        (Standard::Ob30, "ob3.displayer."),
        (Standard::Clr20, "clr2.displayer."),
    ] {
        let mut shown = std::collections::BTreeSet::new();
        for (label, fault, expect) in [
            (
                "refuses everything",
                refuse_all as fn(Value) -> Value,
                &["valid", "v1-valid"][..],
            ),
            (
                "accepts everything",
                accept_all,
                &["expired", "revoked", "tampered", "v1-expired", "v1-revoked"][..],
            ),
            ("names another issuer", wrong_issuer, &["display"][..]),
        ] {
            let r = run(std, &faulty(online_verifier(), fault));
            let f = failed(&r);
            for name in expect {
                let id = format!("{prefix}{name}");
                assert!(
                    f.contains(&id.as_str()),
                    "{id} should fail\n{}",
                    wellspring_report::render::human(&[r.clone()], true)
                );
            }
            shown.extend(f.iter().map(|s| s.to_string()));
            let wanted: Vec<String> = expect.iter().map(|n| format!("{prefix}{n}")).collect();
            record.record_where(
                &format!("suites/ob30/tests/displayer.rs::{test} (displayer that {label})"),
                &r,
                |id| wanted.iter().any(|w| w == id),
            );
        }
        for c in displayer::checks(std) {
            assert!(shown.contains(c.id), "{} is never shown failing", c.id);
        }
    }
    commit_shown(test, |s, _| s.merge(record));
}

/// The display is compared for each of the three badges, not only the valid one: a displayer
/// that shows the revoked badge with another issuer, or the expired one without a display,
/// fails `display`.
#[test]
fn display_is_judged_for_all_three_badges() {
    let url = faulty(online_verifier(), |mut a| {
        if a["status"] == "revoked" {
            a["display"]["issuerName"] = "Someone Else".into();
        }
        a
    });
    let r = run(Standard::Ob30, &url);
    let d = r.find("ob3.displayer.display").unwrap();
    assert_eq!(d.verdict, Verdict::Fail, "{d:?}");
    let ev = serde_json::to_string(&d.evidence).unwrap();
    assert!(ev.contains("\"badge\":\"revoked\""), "{ev}");

    let url = faulty(online_verifier(), |mut a| {
        if a["status"] == "expired" {
            a.as_object_mut().unwrap().remove("display");
        }
        a
    });
    let r = run(Standard::Ob30, &url);
    let d = r.find("ob3.displayer.display").unwrap();
    assert_eq!(d.verdict, Verdict::Fail, "{d:?}");
    assert!(
        d.message.contains("no display for the expired"),
        "{}",
        d.message
    );
}
