//! The provider suite over real HTTP on loopback: the reference CASE server (demo frameworks,
//! a temp SQLite file) passes; faulty providers (a proxy in front of it that breaks one thing)
//! fail exactly the check they should.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use serde_json::Value;
use wellspring_case_server::{start, Client, Config, Running, DEMO_COLLEGE_ID};
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_case10::provider::{self, checks, Auth, Options};

struct Server {
    rt: tokio::runtime::Runtime,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// The reference server with the demo frameworks; `base_url` when it sits behind a proxy.
    fn demo(base_url: Option<String>, clients: Vec<Client>) -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut c = Config::new(dir.path().join("case.sqlite"));
        c.port = 0;
        c.demo = true;
        c.base_url = base_url;
        c.clients = clients;
        let running = rt.block_on(start(c)).expect("reference server starts");
        Server {
            rt,
            running: Some(running),
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.running.as_ref().unwrap().addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = self.rt.block_on(r.stop());
        }
    }
}

fn opts(target: &str) -> Options {
    let mut o = Options::new(target);
    o.allow_private_network = true;
    o.timeout = Duration::from_secs(10);
    o
}

fn verdict(r: &DocReport, id: &str) -> Verdict {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} in the report"))
        .verdict
}

fn show(r: &DocReport) -> String {
    wellspring_report::render::human(std::slice::from_ref(r), true)
}

#[test]
fn reference_server_passes_every_check() {
    let server = Server::demo(None, Vec::new());
    let r = provider::run(&opts(&server.url())).expect("suite runs");
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    let ids: Vec<_> = r.checks.iter().map(|c| c.id).collect();
    let all: Vec<_> = checks::ALL.iter().map(|c| c.id).collect();
    assert_eq!(ids, all);
    for c in &r.checks {
        match c.id {
            "case.provider.auth" => {
                assert_eq!(c.verdict, Verdict::Skip);
                assert!(c.message.contains("public provider"), "{}", c.message);
            }
            _ => assert_eq!(c.verdict, Verdict::Pass, "{}", show(&r)),
        }
    }
    let schema = r.find("case.provider.schema").unwrap();
    assert!(schema.message.contains("flattened"), "{}", schema.message);
    assert_eq!(
        r.nested.len(),
        2,
        "one nested integrity report per CFPackage"
    );
}

#[test]
fn max_items_bounds_the_walk() {
    let server = Server::demo(None, Vec::new());
    let mut o = opts(&server.url());
    o.max_items = 5;
    let r = provider::run(&o).expect("suite runs");
    let ep = r.find("case.provider.endpoints").unwrap();
    assert!(ep.message.contains("max-items"), "{}", show(&r));
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
}

fn harness_client() -> Vec<Client> {
    vec![Client {
        id: "harness".into(),
        secret: "s3cret-value".into(),
    }]
}

fn client_auth(server: &Server, secret: &str, basic: bool) -> Auth {
    Auth::Client {
        id: "harness".into(),
        secret: secret.into(),
        token_url: format!("{}/auth/token", server.url()),
        basic,
        scope: None,
    }
}

#[test]
fn client_credentials_pass_auth_basic_and_body() {
    let server = Server::demo(None, harness_client());
    for basic in [true, false] {
        let mut o = opts(&server.url());
        o.auth = client_auth(&server, "s3cret-value", basic);
        let r = provider::run(&o).expect("suite runs");
        assert_eq!(
            verdict(&r, "case.provider.auth"),
            Verdict::Pass,
            "{}",
            show(&r)
        );
        assert!(r.failed_ids().is_empty(), "{}", show(&r));
        let json = serde_json::to_string(&wellspring_report::render::json(&[r])).unwrap();
        assert!(
            !json.contains("s3cret-value"),
            "secret leaked into the report"
        );
    }
}

#[test]
fn missing_or_wrong_credentials_fail_auth() {
    let server = Server::demo(None, harness_client());
    let r = provider::run(&opts(&server.url())).expect("suite runs");
    assert_eq!(r.failed_ids(), vec!["case.provider.auth"], "{}", show(&r));

    let mut o = opts(&server.url());
    o.auth = client_auth(&server, "wrong", true);
    let r = provider::run(&o).expect("suite runs");
    assert_eq!(r.failed_ids(), vec!["case.provider.auth"], "{}", show(&r));
    let json = serde_json::to_string(&wellspring_report::render::json(&[r])).unwrap();
    assert!(!json.contains("\"wrong\""), "secret leaked: {json}");

    let mut o = opts(&server.url());
    o.auth = Auth::Token("not-a-token".into());
    let r = provider::run(&o).expect("suite runs");
    assert!(
        r.failed_ids().contains(&"case.provider.auth"),
        "{}",
        show(&r)
    );
    let json = serde_json::to_string(&wellspring_report::render::json(&[r])).unwrap();
    assert!(!json.contains("not-a-token"), "token leaked");
    assert!(json.contains("Bearer ****"));
}

#[test]
fn token_passes_auth() {
    let server = Server::demo(None, harness_client());
    let token: Value = serde_json::from_str(
        &reqwest::blocking::Client::new()
            .post(format!("{}/auth/token", server.url()))
            .basic_auth("harness", Some("s3cret-value"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .unwrap()
            .text()
            .unwrap(),
    )
    .unwrap();
    let mut o = opts(&server.url());
    o.auth = Auth::Token(token["access_token"].as_str().unwrap().to_owned());
    let r = provider::run(&o).expect("suite runs");
    assert_eq!(
        verdict(&r, "case.provider.auth"),
        Verdict::Pass,
        "{}",
        show(&r)
    );
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
}

#[test]
fn dead_or_silent_target_cannot_run() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = provider::run(&opts(&format!("http://127.0.0.1:{port}"))).unwrap_err();
    assert!(e.contains("cannot fetch"), "{e}");

    // accepts, never answers: the deadline ends it
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    let mut o = opts(&format!("http://{addr}"));
    o.timeout = Duration::from_secs(1);
    let t = std::time::Instant::now();
    let e = provider::run(&o).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(5), "{e}");

    assert!(provider::run(&opts("ftp://example.org")).is_err());
    assert!(provider::run(&opts("not a url")).is_err());
}

// ---------------------------------------------------------------------------------------------
// faulty providers: a loopback proxy in front of the reference server that breaks one thing

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// 200 with an empty body for unknown identifiers.
    UnknownEmpty200,
    /// No X-Total-Count / Link.
    NoPaging,
    /// An undeclared property on every CFItem.
    ExtraField,
    /// text/html content type everywhere.
    Html,
    /// CFItem uris point at the CFDocument.
    WrongUri,
    /// 400 instead of 404 for a malformed identifier.
    Malformed400,
    /// Invalid query parameters ignored (200 with the unpaged list).
    BadParamIgnored,
    /// A CFLicense whose title is a number.
    SchemaViolation,
    /// 500 for known CFConcepts.
    ConceptsBroken,
    /// 404 for every CFRubric.
    NoRubrics,
    /// 500 for every CFRubric: offered, but broken.
    RubricsBroken,
    /// Two CFItems of a package share an identifier.
    DuplicateIds,
}

struct Upstream {
    status: u16,
    content_type: Option<String>,
    total: Option<String>,
    link: Option<String>,
    body: Vec<u8>,
}

fn read_head(s: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut b = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut b).ok()? == 0 || buf.len() > 65536 {
            return None;
        }
        buf.push(b[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let path = head.split_whitespace().nth(1)?.to_owned();
    let auth = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .map(|l| l[14..].trim().to_owned())
        .unwrap_or_default();
    Some((path, auth))
}

fn proxy(listener: TcpListener, upstream: String, base: String, fault: Fault) {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for stream in listener.incoming() {
        let Ok(mut s) = stream else { continue };
        let Some((path, auth)) = read_head(&mut s) else {
            continue;
        };
        let forward = if fault == Fault::BadParamIgnored
            && path.contains("limit=")
            && !path.contains("limit=1")
        {
            path.split('?').next().unwrap_or("").to_owned()
        } else {
            path.clone()
        };
        let mut req = client.get(format!("{upstream}{forward}"));
        if !auth.is_empty() {
            req = req.header("Authorization", auth);
        }
        let Ok(r) = req.send() else { continue };
        let h = |n: &str| {
            r.headers()
                .get(n)
                .map(|v| v.to_str().unwrap_or("").to_owned())
        };
        let mut u = Upstream {
            status: r.status().as_u16(),
            content_type: h("content-type"),
            total: h("x-total-count"),
            link: h("link"),
            body: Vec::new(),
        };
        u.body = r.bytes().map(|b| b.to_vec()).unwrap_or_default();
        apply(fault, &path, &base, &mut u);
        let mut out = format!(
            "HTTP/1.1 {} X\r\nConnection: close\r\nContent-Length: {}\r\n",
            u.status,
            u.body.len()
        );
        for (n, v) in [
            ("Content-Type", &u.content_type),
            ("X-Total-Count", &u.total),
            ("Link", &u.link),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
        }
        out.push_str("\r\n");
        let _ = s.write_all(out.as_bytes());
        let _ = s.write_all(&u.body);
    }
}

fn apply(fault: Fault, path: &str, base: &str, u: &mut Upstream) {
    let edit = |u: &mut Upstream, f: &dyn Fn(&mut Value)| {
        if let Ok(mut v) = serde_json::from_slice::<Value>(&u.body) {
            f(&mut v);
            u.body = serde_json::to_vec(&v).unwrap();
        }
    };
    let item = path.contains("/CFItems/") && u.status == 200;
    match fault {
        Fault::None => {}
        Fault::UnknownEmpty200
            if u.status == 404 && String::from_utf8_lossy(&u.body).contains("unknownobject") =>
        {
            u.status = 200;
            u.body.clear();
        }
        Fault::NoPaging => {
            u.total = None;
            u.link = None;
        }
        Fault::ExtraField if item => edit(u, &|v| v["extraProperty"] = Value::Bool(true)),
        Fault::Html => u.content_type = Some("text/html; charset=utf-8".into()),
        Fault::WrongUri if item => {
            let doc = format!("{base}/ims/case/v1p0/CFDocuments/{DEMO_COLLEGE_ID}");
            edit(u, &|v| v["uri"] = Value::String(doc.clone()))
        }
        Fault::Malformed400
            if u.status == 404 && String::from_utf8_lossy(&u.body).contains("invaliduuid") =>
        {
            u.status = 400;
        }
        Fault::SchemaViolation if path.contains("/CFLicenses/") && u.status == 200 => {
            edit(u, &|v| v["title"] = Value::from(5))
        }
        Fault::ConceptsBroken if path.contains("/CFConcepts/") && u.status == 200 => {
            u.status = 500;
        }
        Fault::NoRubrics if path.contains("/CFRubrics/") => {
            u.status = 404;
            u.body = br#"{"imsx_codeMajor":"unsupported","imsx_severity":"error"}"#.to_vec();
        }
        Fault::RubricsBroken if path.contains("/CFRubrics/") => {
            u.status = 500;
        }
        Fault::DuplicateIds if path.contains("/CFPackages/") && u.status == 200 => edit(u, &|v| {
            let first = v["CFItems"][0]["identifier"].clone();
            v["CFItems"][1]["identifier"] = first;
        }),
        _ => {}
    }
}

fn faulty(fault: Fault) -> DocReport {
    behind_proxy(fault, true)
}

/// The reference server behind a proxy that applies `fault`; `uris_on_proxy`: the server
/// builds its uris from the proxy's address (else from its own, another host:port).
fn behind_proxy(fault: Fault, uris_on_proxy: bool) -> DocReport {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = Server::demo(uris_on_proxy.then(|| base.clone()), Vec::new());
    let upstream = server.url();
    let b = base.clone();
    std::thread::spawn(move || proxy(listener, upstream, b, fault));
    let r = provider::run(&opts(&base)).expect("suite runs");
    drop(server);
    r
}

#[test]
fn passthrough_proxy_passes() {
    let r = faulty(Fault::None);
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    assert_eq!(
        verdict(&r, "case.provider.uris"),
        Verdict::Pass,
        "{}",
        show(&r)
    );
}

#[test]
fn empty_200_for_unknown_ids_fails_unknown_id() {
    let r = faulty(Fault::UnknownEmpty200);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.unknown-id"],
        "{}",
        show(&r)
    );
}

#[test]
fn missing_paging_headers_fail_paging() {
    let r = faulty(Fault::NoPaging);
    assert_eq!(r.failed_ids(), vec!["case.provider.paging"], "{}", show(&r));
    let c = r.find("case.provider.paging").unwrap();
    assert!(c.message.contains("X-Total-Count"), "{}", c.message);
}

#[test]
fn undeclared_field_fails_declared() {
    let r = faulty(Fault::ExtraField);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.declared"],
        "{}",
        show(&r)
    );
    let c = r.find("case.provider.declared").unwrap();
    let ev = serde_json::to_string(&c.evidence).unwrap();
    assert!(ev.contains("extraProperty"), "{ev}");
    assert!(ev.contains("GET http://127.0.0.1"), "{ev}");
}

#[test]
fn html_content_type_fails_content_type() {
    let r = faulty(Fault::Html);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.content-type"],
        "{}",
        show(&r)
    );
}

#[test]
fn uri_to_another_object_fails_uris() {
    let r = faulty(Fault::WrongUri);
    assert_eq!(r.failed_ids(), vec!["case.provider.uris"], "{}", show(&r));
}

#[test]
fn malformed_id_as_400_fails_malformed_id() {
    let r = faulty(Fault::Malformed400);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.malformed-id"],
        "{}",
        show(&r)
    );
}

#[test]
fn ignored_bad_parameter_fails_bad_parameter() {
    let r = faulty(Fault::BadParamIgnored);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.bad-parameter"],
        "{}",
        show(&r)
    );
}

#[test]
fn schema_violation_fails_schema() {
    let r = faulty(Fault::SchemaViolation);
    assert_eq!(r.failed_ids(), vec!["case.provider.schema"], "{}", show(&r));
    let ev = serde_json::to_string(&r.find("case.provider.schema").unwrap().evidence).unwrap();
    assert!(ev.contains("/title"), "{ev}");
}

#[test]
fn broken_endpoint_fails_endpoints() {
    let r = faulty(Fault::ConceptsBroken);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.endpoints"],
        "{}",
        show(&r)
    );
}

#[test]
fn missing_rubrics_only_warn() {
    let r = faulty(Fault::NoRubrics);
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    assert_eq!(
        verdict(&r, "case.provider.rubrics"),
        Verdict::Warn,
        "{}",
        show(&r)
    );
}

#[test]
fn broken_rubrics_fail() {
    let r = faulty(Fault::RubricsBroken);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.rubrics"],
        "{}",
        show(&r)
    );
}

#[test]
fn package_integrity_failures_are_nested() {
    let r = faulty(Fault::DuplicateIds);
    let failed = r.failed_ids();
    assert!(
        failed.contains(&"case.provider.package-integrity"),
        "{}",
        show(&r)
    );
    assert!(failed.contains(&"case.package.identifiers"), "{}", show(&r));
    assert!(
        failed
            .iter()
            .all(|id| *id == "case.provider.package-integrity" || id.starts_with("case.package.")),
        "{}",
        show(&r)
    );
    assert!(r.nested.iter().any(|n| !n.passed()));
}

/// A raw server answering every request with `response`.
fn raw(response: &'static str) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = read_head(&mut s);
            let _ = s.write_all(response.replace("{ADDR}", &addr.to_string()).as_bytes());
        }
    });
    format!("http://{addr}")
}

#[test]
fn hostile_targets_end_cleanly() {
    // redirect loop: bounded, reported, no panic
    let t = raw("HTTP/1.1 302 Found\r\nLocation: http://{ADDR}/again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let e = provider::run(&opts(&t)).unwrap_err();
    assert!(e.contains("redirect"), "{e}");
    // not HTTP at all
    let t = raw("garbage\r\n\r\n");
    assert!(provider::run(&opts(&t)).is_err());
    // a body over the bound
    let t = raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n");
    let mut o = opts(&t);
    o.max_body = 1024;
    o.timeout = Duration::from_secs(2);
    let r = provider::run(&o);
    assert!(r.is_err(), "{r:?}");
    // 200 with HTML instead of a document list
    let t = raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\nConnection: close\r\n\r\n<html>");
    let r = provider::run(&opts(&t)).expect("suite runs");
    assert_eq!(
        verdict(&r, "case.provider.endpoints"),
        Verdict::Fail,
        "{}",
        show(&r)
    );
    assert_eq!(
        verdict(&r, "case.provider.content-type"),
        Verdict::Fail,
        "{}",
        show(&r)
    );
}

#[test]
fn slow_body_is_cut_at_the_deadline() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = read_head(&mut s);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
            );
            std::thread::spawn(move || {
                for _ in 0..100 {
                    if s.write_all(b" ").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            });
        }
    });
    let mut o = opts(&format!("http://{addr}"));
    o.timeout = Duration::from_secs(1);
    let t = std::time::Instant::now();
    let e = provider::run(&o).unwrap_err();
    assert!(e.contains("deadline") || e.contains("timed out"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[test]
fn uris_on_another_host_are_skipped_with_a_reason() {
    let r = behind_proxy(Fault::None, false);
    assert_eq!(
        verdict(&r, "case.provider.uris"),
        Verdict::Skip,
        "{}",
        show(&r)
    );
    let c = r.find("case.provider.uris").unwrap();
    assert!(
        c.message.contains("not on the target host"),
        "{}",
        c.message
    );
}

/// Every provider check shown passing (the reference server; `auth` with client credentials)
/// and failing (the server behind a proxy with one defect; `auth` without credentials); what
/// each showed is kept in `reports/shown/case10.provider.json`.
#[test]
fn every_provider_check_is_shown_failing_and_passing() {
    let test = "every_provider_check_is_shown_failing_and_passing";
    let by = |label: &str| format!("suites/case10/tests/provider.rs::{test} ({label})");
    let mut shown = wellspring_report::shown::Shown::new();
    let server = Server::demo(None, Vec::new());
    let r = provider::run(&opts(&server.url())).expect("suite runs");
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    shown.record_where(&by("reference server"), &r, |id| {
        id.starts_with("case.provider.")
    });
    drop(server);
    let server = Server::demo(None, harness_client());
    let mut o = opts(&server.url());
    o.auth = client_auth(&server, "s3cret-value", true);
    let r = provider::run(&o).expect("suite runs");
    assert_eq!(
        verdict(&r, "case.provider.auth"),
        Verdict::Pass,
        "{}",
        show(&r)
    );
    shown.record_where(&by("reference server with client credentials"), &r, |id| {
        id == "case.provider.auth"
    });
    let r = provider::run(&opts(&server.url())).expect("suite runs");
    assert_eq!(
        verdict(&r, "case.provider.auth"),
        Verdict::Fail,
        "{}",
        show(&r)
    );
    shown.record_where(&by("credentials required, none given"), &r, |id| {
        id == "case.provider.auth"
    });
    drop(server);
    for (fault, id) in [
        (Fault::UnknownEmpty200, "case.provider.unknown-id"),
        (Fault::NoPaging, "case.provider.paging"),
        (Fault::ExtraField, "case.provider.declared"),
        (Fault::Html, "case.provider.content-type"),
        (Fault::WrongUri, "case.provider.uris"),
        (Fault::Malformed400, "case.provider.malformed-id"),
        (Fault::BadParamIgnored, "case.provider.bad-parameter"),
        (Fault::SchemaViolation, "case.provider.schema"),
        (Fault::ConceptsBroken, "case.provider.endpoints"),
        (Fault::RubricsBroken, "case.provider.rubrics"),
        (Fault::DuplicateIds, "case.provider.package-integrity"),
    ] {
        let r = faulty(fault);
        assert_eq!(
            verdict(&r, id),
            Verdict::Fail,
            "{id} against {fault:?}\n{}",
            show(&r)
        );
        shown.record_where(&by(&format!("proxy fault {fault:?}")), &r, |i| i == id);
    }
    for def in checks::ALL {
        let s = shown.0.get(def.id);
        assert!(
            s.is_some_and(|s| !s.failing_by.is_empty() && !s.passing_by.is_empty()),
            "{} is not shown both ways: {s:?}",
            def.id
        );
    }
    shown.assert_committed(env!("CARGO_MANIFEST_DIR"), "case10.provider", test);
}
