//! Shared parts of the provider-suite tests: the reference CASE server on loopback and a proxy
//! in front of it that breaks one thing (a [`Fault`]), for CASE 1.0 and CASE 1.1 runs.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use serde_json::Value;
use wellspring_case_server::{start, Client, Config, Running, DEMO_COLLEGE_ID};
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_case10::provider::{self, Auth, Options, Version};

pub struct Server {
    rt: tokio::runtime::Runtime,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// The reference server with the demo frameworks; `base_url` when it sits behind a proxy.
    pub fn demo(base_url: Option<String>, clients: Vec<Client>) -> Server {
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

    pub fn url(&self) -> String {
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

pub fn opts(target: &str) -> Options {
    opts_for(target, Version::V1p0)
}

pub fn opts_for(target: &str, version: Version) -> Options {
    let mut o = Options::new(target);
    o.version = version;
    o.allow_private_network = true;
    o.timeout = Duration::from_secs(10);
    o
}

pub fn verdict(r: &DocReport, id: &str) -> Verdict {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} in the report"))
        .verdict
}

pub fn show(r: &DocReport) -> String {
    wellspring_report::render::human(std::slice::from_ref(r), true)
}

pub fn harness_client() -> Vec<Client> {
    vec![Client {
        id: "harness".into(),
        secret: "s3cret-value".into(),
    }]
}

pub fn client_auth(server: &Server, secret: &str, basic: bool) -> Auth {
    Auth::Client {
        id: "harness".into(),
        secret: secret.into(),
        token_url: format!("{}/auth/token", server.url()),
        basic,
        scope: None,
    }
}

// ---------------------------------------------------------------------------------------------
// faulty providers: a loopback proxy in front of the reference server that breaks one thing

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
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
    /// 500 for a malformed identifier on /CFSubjects only (right on the other endpoints).
    MalformedOnSubjects,
    /// The Link header's rel="last" names offset 0.
    WrongLastLink,
    /// sort=…&orderBy=asc served descending and desc ascending.
    SortReversed,
    /// filter= ignored and the first document left out.
    FilterWrong,
    /// fields= answered without the title.
    FieldsWrong,
    /// sort, filter and fields ignored (the provider does not support them): warnings only.
    QueryIgnored,
    /// No discovery file (404).
    NoDiscovery,
    /// The CASE 1.0 codeMinor `invaliduuid` where CASE 1.1 says `invalid_uuid`.
    OldSpelling,
    /// The discovery file as published (servers: the 1EdTech default host), not localised.
    DiscoveryNotLocalised,
    /// getCFItem answers without the optional `notes` and `abbreviatedStatement` (the package
    /// still has them).
    DropsOptionalFields,
}

/// The request the proxy forwards for `path`.
fn forward_path(fault: Fault, path: &str) -> String {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let keep = |pred: &dyn Fn(&str) -> bool| {
        let kept: Vec<&str> = q.split('&').filter(|kv| pred(kv)).collect();
        if kept.iter().all(|kv| kv.is_empty()) {
            p.to_owned()
        } else {
            format!("{p}?{}", kept.join("&"))
        }
    };
    match fault {
        Fault::BadParamIgnored if q.contains("limit=") && !q.contains("limit=1") => p.to_owned(),
        Fault::SortReversed if q.contains("orderBy=") => path
            .replace("orderBy=asc", "orderBy=X")
            .replace("orderBy=desc", "orderBy=asc")
            .replace("orderBy=X", "orderBy=desc"),
        Fault::FilterWrong => keep(&|kv| !kv.starts_with("filter=")),
        Fault::QueryIgnored => keep(&|kv| {
            !["sort=", "orderBy=", "filter=", "fields="]
                .iter()
                .any(|k| kv.starts_with(k))
        }),
        _ => path.to_owned(),
    }
}

struct Upstream {
    status: u16,
    content_type: Option<String>,
    total: Option<String>,
    link: Option<String>,
    body: Vec<u8>,
}

pub fn read_head(s: &mut TcpStream) -> Option<(String, String)> {
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
        let forward = forward_path(fault, &path);
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

/// A 404 for a malformed identifier, in either version's spelling.
fn malformed(u: &Upstream) -> bool {
    let b = String::from_utf8_lossy(&u.body);
    b.contains("invaliduuid") || b.contains("invalid_uuid")
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
        Fault::DropsOptionalFields if item => edit(u, &|v| {
            if let Some(m) = v.as_object_mut() {
                m.remove("notes");
                m.remove("abbreviatedStatement");
            }
        }),
        Fault::Html => u.content_type = Some("text/html; charset=utf-8".into()),
        Fault::WrongUri if item => {
            let doc = format!("{base}/ims/case/v1p0/CFDocuments/{DEMO_COLLEGE_ID}");
            edit(u, &|v| v["uri"] = Value::String(doc.clone()))
        }
        Fault::Malformed400 if u.status == 404 && malformed(u) => {
            u.status = 400;
        }
        Fault::MalformedOnSubjects
            if path.contains("/CFSubjects/") && u.status == 404 && malformed(u) =>
        {
            u.status = 500;
        }
        Fault::WrongLastLink | Fault::FilterWrong | Fault::FieldsWrong => {
            apply_query_fault(fault, path, u)
        }
        Fault::OldSpelling if u.status == 404 => {
            let b = String::from_utf8_lossy(&u.body).replace("invalid_uuid", "invaliduuid");
            u.body = b.into_bytes();
        }
        Fault::DiscoveryNotLocalised if path.contains("/discovery/") => edit(u, &|v| {
            v["servers"] = serde_json::json!([{"url": "https://{hostName}{basePath}",
                "variables": {"hostName": {"default": "www.imsglobal.org"}}}]);
        }),
        Fault::NoDiscovery if path.contains("/discovery/") => {
            u.status = 404;
            u.body = br#"{"imsx_codeMajor":"failure","imsx_severity":"error"}"#.to_vec();
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

/// The faults of the /CFDocuments query parameters.
fn apply_query_fault(fault: Fault, path: &str, u: &mut Upstream) {
    let edit = |u: &mut Upstream, f: &dyn Fn(&mut Value)| {
        if let Ok(mut v) = serde_json::from_slice::<Value>(&u.body) {
            f(&mut v);
            u.body = serde_json::to_vec(&v).unwrap();
        }
    };
    match fault {
        Fault::WrongLastLink => {
            if let Some(l) = &u.link {
                let parts: Vec<String> = l
                    .split(", ")
                    .map(|part| {
                        if !part.contains("rel=\"last\"") {
                            return part.to_owned();
                        }
                        let at = part.find("offset=").map(|i| i + 7).unwrap_or(part.len());
                        let end = part[at..].find(['&', '>']).map(|e| at + e).unwrap_or(at);
                        format!("{}0{}", &part[..at], &part[end..])
                    })
                    .collect();
                u.link = Some(parts.join(", "));
            }
        }
        Fault::FilterWrong if path.contains("filter=") && u.status == 200 => edit(u, &|v| {
            if let Some(a) = v["CFDocuments"].as_array_mut() {
                a.remove(0);
            }
        }),
        Fault::FieldsWrong if path.contains("fields=") && u.status == 200 => edit(u, &|v| {
            for d in v["CFDocuments"].as_array_mut().into_iter().flatten() {
                d.as_object_mut().map(|m| m.remove("title"));
            }
        }),
        _ => {}
    }
}

pub fn faulty(fault: Fault) -> DocReport {
    behind_proxy(fault, true, Version::V1p0)
}

pub fn faulty_for(fault: Fault, version: Version) -> DocReport {
    behind_proxy(fault, true, version)
}

/// The reference server behind a proxy that applies `fault`; `uris_on_proxy`: the server
/// builds its uris from the proxy's address (else from its own, another host:port).
pub fn behind_proxy(fault: Fault, uris_on_proxy: bool, version: Version) -> DocReport {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = Server::demo(uris_on_proxy.then(|| base.clone()), Vec::new());
    let upstream = server.url();
    let b = base.clone();
    std::thread::spawn(move || proxy(listener, upstream, b, fault));
    let r = provider::run(&opts_for(&base, version)).expect("suite runs");
    drop(server);
    r
}

/// Records every check of `version` shown passing (the reference server; `auth` with client
/// credentials) and failing (the server behind a proxy with one defect; `auth` without
/// credentials) and compares the record with `reports/shown/<shown_name>.json`.
pub fn shown_both_ways(version: Version, file: &str, test: &str, shown_name: &str) {
    let prefix = match version {
        Version::V1p0 => "case.provider.",
        Version::V1p1 => "case11.provider.",
    };
    let by = |label: &str| format!("{file}::{test} ({label})");
    let mut shown = wellspring_report::shown::Shown::new();
    let server = Server::demo(None, Vec::new());
    let r = provider::run(&opts_for(&server.url(), version)).expect("suite runs");
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    shown.record_where(&by("reference server"), &r, |id| id.starts_with(prefix));
    drop(server);
    let auth = format!("{prefix}auth");
    let server = Server::demo(None, harness_client());
    let mut o = opts_for(&server.url(), version);
    o.auth = client_auth(&server, "s3cret-value", true);
    let r = provider::run(&o).expect("suite runs");
    assert_eq!(verdict(&r, &auth), Verdict::Pass, "{}", show(&r));
    shown.record_where(&by("reference server with client credentials"), &r, |id| {
        id == auth
    });
    let r = provider::run(&opts_for(&server.url(), version)).expect("suite runs");
    assert_eq!(verdict(&r, &auth), Verdict::Fail, "{}", show(&r));
    shown.record_where(&by("credentials required, none given"), &r, |id| id == auth);
    drop(server);
    let mut faults = vec![
        (Fault::UnknownEmpty200, "unknown-id"),
        (Fault::NoPaging, "paging"),
        (Fault::ExtraField, "declared"),
        (Fault::Html, "content-type"),
        (Fault::WrongUri, "uris"),
        (Fault::Malformed400, "malformed-id"),
        (Fault::MalformedOnSubjects, "malformed-id"),
        (Fault::BadParamIgnored, "bad-parameter"),
        (Fault::SchemaViolation, "schema"),
        (Fault::ConceptsBroken, "endpoints"),
        (Fault::RubricsBroken, "rubrics"),
        (Fault::DuplicateIds, "package-integrity"),
        (Fault::WrongLastLink, "links"),
        (Fault::SortReversed, "sort"),
        (Fault::FilterWrong, "filter"),
        (Fault::FieldsWrong, "fields"),
        (Fault::DropsOptionalFields, "optional-fields"),
    ];
    if version == Version::V1p1 {
        faults.push((Fault::NoDiscovery, "discovery"));
        faults.push((Fault::DiscoveryNotLocalised, "discovery"));
    }
    for (fault, name) in faults {
        let id = format!("{prefix}{name}");
        let r = faulty_for(fault, version);
        assert_eq!(
            verdict(&r, &id),
            Verdict::Fail,
            "{id} against {fault:?}\n{}",
            show(&r)
        );
        shown.record_where(&by(&format!("proxy fault {fault:?}")), &r, |i| i == id);
    }
    for def in provider::checks::all(version) {
        let s = shown.0.get(def.id);
        assert!(
            s.is_some_and(|s| !s.failing_by.is_empty() && !s.passing_by.is_empty()),
            "{} is not shown both ways: {s:?}",
            def.id
        );
    }
    shown.assert_committed(env!("CARGO_MANIFEST_DIR"), shown_name, test);
}
