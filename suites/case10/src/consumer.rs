//! CASE Service Consumer certification (`wellspring certify --standard case10|case11 --role
//! consumer`): the harness is the CASE provider. It serves a real framework (the ACT Holistic
//! Framework subset `Ordering.json`, OpenSALT test data) under `/ims/case/v1p0/` (CASE 1.0) or
//! `/ims/case/v1p1/` (CASE 1.1, with the discovery file), records every request the consumer
//! makes, and judges them: the consumer reached the API, used only the endpoints and query
//! parameters the REST binding defines, and read a framework's content with getCFPackage or
//! getCFItem (what the CASE certification asks of a consumer). One suite, run with a
//! [`Version`]: the check ids are `case.consumer.*` for 1.0 and `case11.consumer.*` for 1.1.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use wellspring_report::{CheckResult, DocReport, Verdict};

use crate::provider::checks::{OPENAPI10, REST10};
pub use crate::provider::Version;

/// The CASE conformance and certification guide (its consumer requirements).
pub const CERT_CONSUMER: &str = crate::provider::checks::CERT11;

/// The checks of the consumer role, declared once for both versions.
pub mod checks {
    use super::*;
    const REST11: &str = crate::provider::checks::REST11;
    const OPENAPI11: &str = crate::provider::checks::OPENAPI11;
    wellspring_report::versioned_checks! {
        v10 "case.consumer" => V10;
        v11 "case11.consumer" => V11;
        REQUESTS: "requests", CERT_CONSUMER, CERT_CONSUMER,
            "the consumer called the CASE API of the harness within the wait";
        ENDPOINTS: "endpoints", OPENAPI10, OPENAPI11,
            "every request is a GET of one of the 12 endpoints the REST binding defines";
        PARAMETERS: "parameters", OPENAPI10, OPENAPI11,
            "every query parameter is one the endpoint defines (limit, offset, sort, orderBy, filter, fields on getAllCFDocuments; none elsewhere)";
        CONTENT: "content", REST10, REST11,
            "the consumer read a framework's content with getCFPackage or getCFItem (the endpoints the certification requires of a consumer)";
    }
    pub use v10::*;

    /// The checks of a version, in report order.
    pub fn all(version: Version) -> Vec<wellspring_report::CheckDef> {
        match version {
            Version::V1p0 => v10::ALL.to_vec(),
            Version::V1p1 => v11::ALL.to_vec(),
        }
    }
}

/// The discovery file served under the 1.1 base path (a defined request, not an endpoint).
const DISCOVERY: &str = wellspring_case::openapi11::DISCOVERY_PATH;
/// The framework served (verbatim OpenSALT test data from the spec material).
const FRAMEWORK: &str = include_str!("../tests/data/frameworks/Ordering.json");
/// Endpoints taking an identifier.
const BY_ID: &[&str] = &[
    "CFDocuments",
    "CFPackages",
    "CFItems",
    "CFAssociations",
    "CFItemAssociations",
    "CFAssociationGroupings",
    "CFConcepts",
    "CFSubjects",
    "CFLicenses",
    "CFItemTypes",
    "CFRubrics",
];
/// The query parameters of getAllCFDocuments.
const LIST_PARAMS: &[&str] = &["limit", "offset", "sort", "orderBy", "filter", "fields"];

/// How a consumer run is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the harness provider listens (port 0: any free port).
    pub listen: SocketAddr,
    /// The base URL the consumer reaches the harness at, when not `http://{listen}`.
    pub public_base: Option<String>,
    /// How long to wait for the consumer at most.
    pub wait: Duration,
    /// After the consumer read content, how long without a request ends the run.
    pub quiet: Duration,
    /// The CASE version served and judged.
    pub version: Version,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_base: None,
            wait: Duration::from_secs(300),
            quiet: Duration::from_millis(1500),
            version: Version::V1p0,
        }
    }
}

/// One request the consumer made.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    status: u16,
}

impl Seen {
    fn evidence(&self) -> Value {
        let q: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        json!({"request": format!("{} {}", self.method, self.path), "query": q, "answered": self.status})
    }
}

struct Shared {
    base: String,
    version: Version,
    package: Value,
    seen: Mutex<(Vec<Seen>, Option<Instant>)>,
}

/// A running harness provider: give [`Session::base_url`] to the consumer, then [`Session::wait`].
pub struct Session {
    shared: Arc<Shared>,
    rt: tokio::runtime::Runtime,
    started: Instant,
    o: Options,
}

impl Session {
    /// The base URL to give the consumer (the API is at `{base}/ims/case/v1p0`, or `v1p1`).
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The identifier of the framework (CFDocument) the harness serves.
    pub fn document_id(&self) -> String {
        self.shared.package["CFDocument"]["identifier"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn finished(&self) -> bool {
        let g = self.shared.seen.lock().unwrap_or_else(|e| e.into_inner());
        content_read(self.shared.version, &g.0) && g.1.is_some_and(|t| t.elapsed() >= self.o.quiet)
    }

    /// Waits for the consumer (until it has read content and gone quiet, or the wait is
    /// over), stops, and judges.
    pub fn wait(self) -> DocReport {
        while !self.finished() && self.started.elapsed() < self.o.wait {
            std::thread::sleep(Duration::from_millis(100));
        }
        let seen = self
            .shared
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone();
        self.rt.shutdown_timeout(Duration::from_secs(1));
        judge(self.shared.version, &self.shared.base, &seen)
    }
}

/// Starts the harness's CASE provider.
pub fn start(o: &Options) -> Result<Session, String> {
    let package: Value =
        serde_json::from_str(FRAMEWORK).map_err(|e| format!("embedded framework: {e}"))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the harness provider: {e}"))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(o.listen))
        .map_err(|e| format!("cannot listen on {}: {e}", o.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let base = o
        .public_base
        .clone()
        .unwrap_or_else(|| format!("http://{bound}"))
        .trim_end_matches('/')
        .to_owned();
    let shared = Arc::new(Shared {
        base,
        version: o.version,
        package,
        seen: Mutex::new((Vec::new(), None)),
    });
    let app = Router::new().fallback(handle).with_state(shared.clone());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Session {
        shared,
        rt,
        started: Instant::now(),
        o: o.clone(),
    })
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [("content-type", "application/json")],
        json!({"imsx_codeMajor": "failure", "imsx_severity": "error",
            "imsx_description": format!("{what} not found"),
            "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "sourcedId",
                "imsx_codeMinorFieldValue": "unknownobject"}]}})
        .to_string(),
    )
        .into_response()
}

fn ok(v: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

/// The answer to one request, from the embedded package.
fn answer(s: &Shared, method: &Method, path: &str) -> Response {
    if method != Method::GET {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let api = s.version.base_path();
    if s.version == Version::V1p1 && path == format!("{api}{DISCOVERY}") {
        return ok(wellspring_case::openapi11::localised_openapi(&s.base));
    }
    let Some(rest) = path.strip_prefix(api).and_then(|r| r.strip_prefix('/')) else {
        return not_found("endpoint");
    };
    let p = &s.package;
    let by_id = |list: &str, id: &str| -> Option<Value> {
        p[list]
            .as_array()?
            .iter()
            .find(|x| x["identifier"] == id)
            .cloned()
    };
    match rest.split_once('/') {
        None if rest == "CFDocuments" => ok(json!({"CFDocuments": [p["CFDocument"].clone()]})),
        Some(("CFDocuments", id)) if p["CFDocument"]["identifier"] == id => {
            ok(p["CFDocument"].clone())
        }
        Some(("CFPackages", id)) if p["CFDocument"]["identifier"] == id => ok(p.clone()),
        Some(("CFItems", id)) => by_id("CFItems", id).map_or_else(|| not_found("CFItem"), ok),
        Some(("CFAssociations", id)) => {
            by_id("CFAssociations", id).map_or_else(|| not_found("CFAssociation"), ok)
        }
        Some(("CFItemAssociations", id)) => match by_id("CFItems", id) {
            Some(item) => {
                let uri = item["uri"].clone();
                let assocs: Vec<Value> = p["CFAssociations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|a| {
                        a["originNodeURI"]["identifier"] == id
                            || a["destinationNodeURI"]["identifier"] == id
                            || a["originNodeURI"]["uri"] == uri
                    })
                    .cloned()
                    .collect();
                ok(json!({"CFItem": item, "CFAssociations": assocs}))
            }
            None => not_found("CFItem"),
        },
        _ => not_found("object"),
    }
}

async fn handle(State(s): State<Arc<Shared>>, method: Method, uri: Uri, _h: HeaderMap) -> Response {
    let path = uri.path().to_owned();
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let resp = answer(&s, &method, &path);
    let mut g = s.seen.lock().unwrap_or_else(|e| e.into_inner());
    if g.0.len() < 10_000 {
        g.0.push(Seen {
            method: method.to_string(),
            path,
            query,
            status: resp.status().as_u16(),
        });
    }
    g.1 = Some(Instant::now());
    resp
}

/// The endpoint a path names ("CFDocuments", or "CFItems" for `/CFItems/{id}`), if defined
/// (the 1.1 discovery file counts as defined, as "discovery").
fn endpoint(v: Version, path: &str) -> Option<(&str, bool)> {
    let rest = path.strip_prefix(v.base_path())?;
    if v == Version::V1p1 && rest == DISCOVERY {
        return Some(("discovery", false));
    }
    let rest = rest.strip_prefix('/')?;
    match rest.split_once('/') {
        None if rest == "CFDocuments" => Some(("CFDocuments", false)),
        Some((e, id)) if BY_ID.contains(&e) && !id.is_empty() && !id.contains('/') => {
            Some((e, true))
        }
        _ => None,
    }
}

fn content_read(v: Version, seen: &[Seen]) -> bool {
    let got = |e: &str| {
        seen.iter()
            .any(|s| s.status == 200 && endpoint(v, &s.path) == Some((e, true)))
    };
    got("CFPackages") || got("CFItems")
}

/// The verdicts on what the consumer did.
fn judge(v: Version, base: &str, seen: &[Seen]) -> DocReport {
    let d = match v {
        Version::V1p0 => checks::V10,
        Version::V1p1 => checks::V11,
    };
    let api_path = v.base_path();
    let mut r = DocReport::new(format!("CASE consumer certification: provider at {base}"));
    r.kind = format!("CASE {} Service Consumer", v.label());
    let ev =
        |list: Vec<&Seen>| Value::Array(list.into_iter().take(20).map(Seen::evidence).collect());
    let api: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.path.starts_with(api_path))
        .collect();
    r.push(if api.is_empty() {
        CheckResult::new(
            &d.REQUESTS,
            Verdict::Fail,
            format!("no request reached {base}{api_path} within the wait"),
        )
        .with("requests", ev(seen.iter().collect()))
    } else {
        CheckResult::new(
            &d.REQUESTS,
            Verdict::Pass,
            format!("{} request(s) to the CASE API", api.len()),
        )
    });
    let undefined: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.method != "GET" || endpoint(v, &s.path).is_none())
        .collect();
    r.push(match (seen.is_empty(), undefined.is_empty()) {
        (true, _) => CheckResult::new(&d.ENDPOINTS, Verdict::Fail, "no request to judge"),
        (false, true) => CheckResult::new(
            &d.ENDPOINTS,
            Verdict::Pass,
            "every request a GET of a defined endpoint",
        ),
        (false, false) => CheckResult::new(
            &d.ENDPOINTS,
            Verdict::Fail,
            format!(
                "{} request(s) to methods or paths the REST binding does not define",
                undefined.len()
            ),
        )
        .with("requests", ev(undefined)),
    });
    r.push(parameters(v, &d, seen, api.is_empty()));
    r.push(if content_read(v, seen) {
        CheckResult::new(
            &d.CONTENT,
            Verdict::Pass,
            "the framework's content was read",
        )
    } else {
        CheckResult::new(
            &d.CONTENT,
            Verdict::Fail,
            "neither getCFPackage nor getCFItem was called (answered 200)",
        )
        .with("requests", ev(api))
    });
    r
}

/// The `parameters` verdict: only the query parameters each endpoint defines.
fn parameters(v: Version, d: &checks::Defs, seen: &[Seen], no_api: bool) -> CheckResult {
    let ev =
        |list: Vec<&Seen>| Value::Array(list.into_iter().take(20).map(Seen::evidence).collect());
    let bad_params: Vec<&Seen> = seen
        .iter()
        .filter(|s| match endpoint(v, &s.path) {
            Some(("CFDocuments", false)) => s
                .query
                .iter()
                .any(|(k, _)| !LIST_PARAMS.contains(&k.as_str())),
            _ => !s.query.is_empty(),
        })
        .collect();
    match (no_api, bad_params.is_empty()) {
        (true, _) => CheckResult::new(&d.PARAMETERS, Verdict::Fail, "no request to judge"),
        (false, true) => CheckResult::new(
            &d.PARAMETERS,
            Verdict::Pass,
            "only defined query parameters",
        ),
        (false, false) => CheckResult::new(
            &d.PARAMETERS,
            Verdict::Fail,
            format!(
                "{} request(s) with query parameters the endpoint does not define",
                bad_params.len()
            ),
        )
        .with("requests", ev(bad_params)),
    }
}
