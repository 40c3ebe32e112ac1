//! SSRF: URLs that recruiters (framework references) and anonymous applicants (credential
//! alignments) give the ATS never reach loopback, private or metadata addresses unless the
//! operator allows private networks. A canary listener on loopback must see no connection, and
//! the errors returned never carry what a remote server said.

mod common;

use std::net::TcpListener;

use common::*;
use serde_json::{json, Value};

/// A framework the ATS has not cached (a cached one would be served from the cache).
const UNCACHED: &str = "0f0f0f0f-0000-4000-8000-000000000001";

fn canary() -> TcpListener {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    l
}

/// A connection completes into the backlog even when nobody accepts: an empty backlog means
/// nothing ever connected.
fn touched(l: &TcpListener) -> bool {
    l.accept().is_ok()
}

async fn start(
    dir: &std::path::Path,
    case_base: &str,
    allow: bool,
) -> wellspring_ats::server::Running {
    let mut c = wellspring_ats::server::Config::new(dir.join("ats.sqlite"));
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    // the demo job's provider is on loopback too: exempt as the operator's own choice
    c.case_base = Some(case_base.to_owned());
    c.allow_private_network = allow;
    c.timeout = std::time::Duration::from_secs(2);
    wellspring_ats::server::start(c).await.expect("ATS starts")
}

async fn post_job(http: &reqwest::Client, base: &str, body: Value) -> (u16, Value) {
    let r = http
        .post(format!("{base}/api/jobs"))
        .basic_auth(RECRUITER.0, Some(RECRUITER.1))
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// An application whose credential aligns to a CFItem at `item`.
async fn apply_aligned(http: &reqwest::Client, base: &str, item: &str) -> Value {
    let job = demo_job(http, base).await;
    let learner = learner();
    let (challenge, domain, apply_url) = challenge(http, base, job).await;
    let c = college();
    let cred = sign(
        &c,
        &badge(
            &c,
            "Riverbend Community College",
            &learner.did,
            "Jordan Rivera",
            9,
            "Air Brake Systems",
            &[item.to_owned()],
        ),
    );
    let vp = presentation(&learner, vec![cred], &challenge, &domain);
    let r = http.post(&apply_url).json(&vp).send().await.unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_named_urls_never_reach_private_addresses() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = start(tmp.path(), &case.base_url, false).await;
    let (http, base) = (client(), ats.base_url.clone());
    let trap = canary();
    let trap_base = format!("http://127.0.0.1:{}", trap.local_addr().unwrap().port());

    // a recruiter's framework on loopback, on the metadata address, on a private range
    for body in [
        json!({"title": "X", "caseBase": trap_base, "framework": UNCACHED}),
        json!({"title": "X", "packageUrl": format!("http://localhost:{}/ims/case/v1p0/CFPackages/{UNCACHED}", trap.local_addr().unwrap().port())}),
        json!({"title": "X", "packageUrl": format!("http://169.254.169.254/ims/case/v1p0/CFPackages/{UNCACHED}")}),
        json!({"title": "X", "caseBase": "http://10.0.0.1:8480", "framework": UNCACHED}),
    ] {
        let (s, v) = post_job(&http, &base, body.clone()).await;
        assert_eq!(s, 502, "{body}: {v}");
        let e = v["error"].as_str().unwrap_or_default();
        assert!(e.contains("refused"), "{e}");
    }

    // an anonymous applicant's alignment to a CFItem on the canary: a warning, no fetch
    let v = apply_aligned(&http, &base, &item_url(&trap_base, DT_4_1)).await;
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("refused"), "{v:#}");
    assert!(!touched(&trap), "the ATS connected to the canary");

    ats.stop().await;
    case.stop().await.unwrap();
}

/// The same requests with private networks allowed do reach the canary: the test above can
/// fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_private_networks_allowed_the_canary_is_reached() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = start(tmp.path(), &case.base_url, true).await;
    let (http, base) = (client(), ats.base_url.clone());
    let trap = canary();
    let trap_base = format!("http://127.0.0.1:{}", trap.local_addr().unwrap().port());
    let (s, _) = post_job(
        &http,
        &base,
        json!({"title": "X", "caseBase": trap_base, "framework": UNCACHED}),
    )
    .await;
    assert_eq!(s, 502);
    assert!(touched(&trap), "allowed requests connect");
    ats.stop().await;
    case.stop().await.unwrap();
}

/// A reachable provider's error body never comes back to the caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_error_bodies_are_not_echoed() {
    use axum::http::StatusCode;
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let evil = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .fallback(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "db password is hunter2") });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let ats = start(tmp.path(), &case.base_url, true).await;
    let (s, v) = post_job(
        &client(),
        &ats.base_url,
        json!({"title": "X", "caseBase": evil, "framework": UNCACHED}),
    )
    .await;
    assert_eq!(s, 502, "{v}");
    let e = v["error"].as_str().unwrap_or_default();
    assert!(e.contains("HTTP 500") && !e.contains("hunter2"), "{e}");
    ats.stop().await;
    case.stop().await.unwrap();
}
