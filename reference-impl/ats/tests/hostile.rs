//! The ATS as a hostile client sees it (real CASE provider and ATS on loopback, real HTTP):
//! security headers, cross-site form posts, application and verification floods, the
//! application quota, oversized applications, and the database file's mode.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use wellspring_serverkit::limit::Rate;

async fn ats_with(
    dir: &std::path::Path,
    case_base: &str,
    f: impl FnOnce(&mut wellspring_ats::server::Config),
) -> wellspring_ats::server::Running {
    let mut c = wellspring_ats::server::Config::new(dir.join("ats.sqlite"));
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    c.offline = true;
    c.case_base = Some(case_base.to_owned());
    f(&mut c);
    wellspring_ats::server::start(c).await.expect("ATS starts")
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// One signed badge, as a candidate applies with it (no presentation).
fn one_badge(case_base: &str, n: usize) -> Value {
    let c = college();
    let b = badge(
        &c,
        "Riverbend Community College",
        &learner().did,
        "Jordan Rivera",
        n,
        "Air Brake Systems",
        &[item_url(case_base, DT_4_1)],
    );
    sign(&c, &b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_the_security_headers_and_no_inline_code() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats_with(tmp.path(), &case.base_url, |_| {}).await;
    let http = browser();
    let base = ats.base_url.clone();
    let job = demo_job(&http, &base).await;
    for path in [
        "/login".to_owned(),
        format!("/jobs/{job}/apply"),
        "/static/style.css".into(),
        "/api/jobs".into(),
    ] {
        let r = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        if path.starts_with("/login") || path.ends_with("/apply") {
            let html = r.text().await.unwrap();
            for inline in ["<script", "<style", " style=", " onclick="] {
                assert!(!html.contains(inline), "{path} has inline {inline}");
            }
        }
    }
    // the CASE server too
    let r = http
        .get(format!("{}/ims/case/v1p0/CFDocuments", case.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("content-security-policy"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_and_cookie_calls_from_another_site_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats_with(tmp.path(), &case.base_url, |_| {}).await;
    let http = browser();
    let base = ats.base_url.clone();
    let job = demo_job(&http, &base).await;
    let login = |origin: Option<&str>| {
        let mut r = http
            .post(format!("{base}/login"))
            .form(&[("email", RECRUITER.0), ("password", RECRUITER.1)]);
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        r.send()
    };
    assert_eq!(
        login(Some("https://evil.example")).await.unwrap().status(),
        403
    );
    assert_eq!(
        login(None).await.unwrap().status(),
        403,
        "no Origin nor Referer"
    );
    assert_eq!(
        login(Some(&base)).await.unwrap().status(),
        303,
        "the recruiter's own page"
    );
    // signed in: another site tries the JSON API with the browser's cookie
    let r = http
        .post(format!("{base}/api/jobs"))
        .header("origin", "https://evil.example")
        .header("content-type", "text/plain")
        .body(
            json!({"title": "Planted", "caseBase": case.base_url, "framework": JOB_DOC})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "cross-site API call with the session cookie"
    );
    // a program (no Origin) still uses the API with HTTP Basic
    let r = reqwest::Client::new()
        .get(format!("{base}/api/jobs/{job}/ranking"))
        .basic_auth(RECRUITER.0, Some(RECRUITER.1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // a candidate's apply form posted from another site
    let form =
        reqwest::multipart::Form::new().text("text", one_badge(&case.base_url, 1).to_string());
    let r = http
        .post(format!("{base}/jobs/{job}/apply"))
        .header("origin", "https://evil.example")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn application_and_verification_floods_get_429_with_retry_after() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats_with(tmp.path(), &case.base_url, |c| {
        c.limits.apply = Rate {
            burst: 2,
            every: Duration::from_secs(3600),
        };
        c.limits.verify = Rate {
            burst: 2,
            every: Duration::from_secs(3600),
        };
    })
    .await;
    let http = browser();
    let base = ats.base_url.clone();
    let job = demo_job(&http, &base).await;
    for (url, what) in [
        (format!("{base}/api/jobs/{job}/applications"), "apply"),
        (format!("{base}/credentials/verify"), "verify"),
    ] {
        for _ in 0..2 {
            let r = http.post(&url).body("{}").send().await.unwrap();
            // answered (the ATS records an empty application; verify refuses it), not limited
            assert!(
                [201, 400].contains(&r.status().as_u16()),
                "{what}: {} before the limit",
                r.status()
            );
        }
        let r = http.post(&url).body("{}").send().await.unwrap();
        assert_eq!(r.status(), 429, "{what}");
        let wait: u64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait >= 1, "{what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_from_one_address_are_capped_and_oversized_ones_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats_with(tmp.path(), &case.base_url, |c| {
        c.max_applications_per_client = 1
    })
    .await;
    let http = browser();
    let base = ats.base_url.clone();
    let job = demo_job(&http, &base).await;
    let url = format!("{base}/api/jobs/{job}/applications");
    let r = http
        .post(&url)
        .json(&one_badge(&case.base_url, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = http
        .post(&url)
        .json(&one_badge(&case.base_url, 2))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the address's quota is used");
    let big = url.clone();
    let status = tokio::task::spawn_blocking(move || {
        wellspring_testkit::post_status(
            &big,
            &[("content-type", "application/json")],
            5 * 1024 * 1024,
        )
    })
    .await
    .unwrap();
    assert_eq!(status, Some(413));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let _ats = ats_with(tmp.path(), &case.base_url, |_| {}).await;
    for f in ["ats.sqlite", "ats.sqlite-wal", "case.sqlite"] {
        let m = std::fs::metadata(tmp.path().join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(m, 0o600, "{f}");
    }
}

/// An applicant's alignment names a CASE provider of their own that serves a framework under
/// the job framework's identifier: the ATS keeps the employer's framework (the cache is not
/// replaced from another provider) and the job's ranking still reads the employer's skills.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_cannot_replace_the_job_framework() {
    use axum::extract::Path;
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    // loopback stands for the applicant's public host here
    let ats = ats_with(tmp.path(), &case.base_url, |c| {
        c.allow_private_network = true
    })
    .await;
    let http = browser();
    let job = demo_job(&http, &ats.base_url).await;

    // the applicant's provider: every CFItem belongs to the job framework's identifier
    let planted = json!({
        "CFDocument": {"identifier": JOB_DOC, "uri": "https://evil.example/doc", "title": "Planted",
                       "lastChangeDateTime": "2099-01-01T00:00:00+00:00"},
        "CFItems": [], "CFAssociations": []
    });
    let doc = planted["CFDocument"].clone();
    let app = axum::Router::new()
        .route(
            "/ims/case/v1p0/CFItems/{id}",
            axum::routing::get(|Path(id): Path<String>| async move {
                axum::Json(json!({"identifier": id, "uri": "https://evil.example/item",
                    "fullStatement": "Planted skill", "lastChangeDateTime": "2099-01-01T00:00:00+00:00",
                    "CFDocumentURI": {"identifier": JOB_DOC, "uri": "https://evil.example/doc", "title": "Planted"}}))
            }),
        )
        .route(
            "/ims/case/v1p0/CFDocuments/{id}",
            axum::routing::get(move || {
                let d = doc.clone();
                async move { axum::Json(d) }
            }),
        )
        .route(
            "/ims/case/v1p0/CFPackages/{id}",
            axum::routing::get(move || {
                let p = planted.clone();
                async move { axum::Json(p) }
            }),
        );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let evil = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });

    let c = college();
    let mut b = badge(
        &c,
        "Riverbend Community College",
        &learner().did,
        "Jordan Rivera",
        1,
        "Air Brake Systems",
        &[item_url(&evil, "planted-item-1")],
    );
    // issued to the applicant's e-mail, so that it counts and its alignments are followed
    b["credentialSubject"]["identifier"]
        .as_array_mut()
        .unwrap()
        .push(
            json!({"type": "IdentityObject", "identityType": "emailAddress",
                     "hashed": false, "identityHash": "jordan@example.org"}),
        );
    let r = http
        .post(format!("{}/api/jobs/{job}/applications", ats.base_url))
        .json(&json!({"credential": sign(&c, &b), "email": "jordan@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let answer = r.text().await.unwrap();
    assert!(answer.contains("cannot replace it"), "{answer}");

    let db = rusqlite::Connection::open(tmp.path().join("ats.sqlite")).unwrap();
    let (base, package): (String, String) = db
        .query_row(
            "SELECT base, package FROM framework WHERE doc_id = ?1",
            [JOB_DOC],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(base, case.base_url.trim_end_matches('/'));
    assert!(!package.contains("Planted"), "{package}");
}

/// Markup and quotes a recruiter, a candidate or an issuer may put in what the pages show.
const HOSTILE: &str = "<script>alert(1)</script>\"'&";
/// The same, as it must reach the browser (text and double-quoted attribute values).
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_escape_what_recruiters_candidates_and_issuers_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats_with(tmp.path(), &case.base_url, |c| {
        c.allow_private_network = true
    })
    .await;
    let http = browser();
    let base = ats.base_url.clone();
    // the recruiter's job title
    let r = http
        .post(format!("{base}/api/jobs"))
        .basic_auth(RECRUITER.0, Some(RECRUITER.1))
        .json(&json!({"title": format!("Job {HOSTILE}"), "caseBase": case.base_url, "framework": JOB_DOC}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let job = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let page = |path: String| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let check = |what: &str, html: &str, wanted: &[String]| {
        for want in wanted {
            assert!(html.contains(want.as_str()), "{what}: {want} in {html}");
        }
        assert!(!html.contains("<script"), "{what}: {html}");
    };
    let title = format!("Job {HOSTILE_ESCAPED}");
    check(
        "apply page",
        &page(format!("/jobs/{job}/apply")).await,
        &[
            format!("<title>Apply: {title} · Wellspring Talent Search</title>"),
            format!("<h2>Apply: {title}</h2>"),
        ],
    );
    // the candidate's name, and a credential whose issuer and achievement say the same
    let c = college();
    let cred = sign(
        &c,
        &badge(
            &c,
            &format!("Issuer {HOSTILE}"),
            &learner().did,
            &format!("Learner {HOSTILE}"),
            1,
            &format!("Badge {HOSTILE}"),
            &[item_url(&case.base_url, DT_4_1)],
        ),
    );
    let form = reqwest::multipart::Form::new()
        .text("text", cred.to_string())
        .text("name", format!("Applicant {HOSTILE}"));
    let r = http
        .post(format!("{base}/jobs/{job}/apply"))
        .header("origin", &base)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let applied = r.text().await.unwrap();
    check(
        "applied page",
        &applied,
        &[
            format!(" to {title} received."),
            format!("<td>Badge {HOSTILE_ESCAPED}</td>"),
        ],
    );
    let at = applied.find("Application ").unwrap() + 12;
    let app: i64 = applied[at..at + applied[at..].find(' ').unwrap()]
        .parse()
        .unwrap();
    // the recruiter's pages
    let r = http
        .post(format!("{base}/login"))
        .header("origin", &base)
        .form(&[("email", RECRUITER.0), ("password", RECRUITER.1)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    check(
        "jobs page",
        &page("/".into()).await,
        &[format!(">{title}</a></h3>")],
    );
    check(
        "job page",
        &page(format!("/jobs/{job}")).await,
        &[format!("<h2>{title}</h2>")],
    );
    check(
        "candidate page",
        &page(format!("/jobs/{job}/candidates/{app}")).await,
        &[
            format!("← {title}</a>"),
            format!("Applicant {HOSTILE_ESCAPED}"),
            format!("Learner {HOSTILE_ESCAPED}"),
            format!("<h3>#1 Badge {HOSTILE_ESCAPED}</h3>"),
            format!("<b>Issuer {HOSTILE_ESCAPED}</b>"),
        ],
    );
}
