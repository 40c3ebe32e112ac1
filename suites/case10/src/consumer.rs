//! CASE Service Consumer certification (`wellspring certify --standard case10|case11 --role
//! consumer`): the harness is the CASE provider. It serves a real framework (the ACT Holistic
//! Framework subset `Ordering.json`, OpenSALT test data, and a second, small OpenSALT framework)
//! under `/ims/case/v1p0/` (CASE 1.0) or `/ims/case/v1p1/` (CASE 1.1, with the discovery file),
//! records every request the consumer makes, and judges them: the consumer reached the API, used
//! only the endpoints and query parameters the REST binding defines, read a framework's content
//! with getCFPackage or getCFItem (what the CASE certification asks of a consumer), followed the
//! paging to the end when it paged (optional for a consumer, but then the paging headers must be
//! supported), and, when it claims so, waited out a busy answer the harness injects. One suite,
//! run with a [`Version`]: the check ids are `case.consumer.*` for 1.0 and `case11.consumer.*`
//! for 1.1.

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

mod judge;
mod serve;

use judge::judge;
use serve::{content_read, handle};

/// The CASE conformance and certification guide (its consumer requirements).
pub const CERT_CONSUMER: &str = crate::provider::checks::CERT11;

/// The checks of the consumer role, declared once for both versions.
pub mod checks {
    use super::*;
    const REST11: &str = crate::provider::checks::REST11;
    const OPENAPI11: &str = crate::provider::checks::OPENAPI11;
    const PAGING11: &str =
        "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#Main3p1";
    /// The CASE bindings list 429 for every endpoint but say nothing of retrying: HTTP does.
    const RETRY_AFTER: &str = "https://www.rfc-editor.org/rfc/rfc6585#section-4";
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
        PAGING: "paging", REST10, PAGING11,
            "when the consumer pages getAllCFDocuments (limit, offset), its pages cover every document X-Total-Count announces (paging is optional for a consumer; skipped when it does not page)";
        ERRORS: "error-handling", RETRY_AFTER, RETRY_AFTER,
            "optional, when the consumer claims it (--inject-errors): after an injected 429 with Retry-After on its first content request it asks again, no sooner than the Retry-After";
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
/// The frameworks served (verbatim OpenSALT test data from the spec material); the first is the
/// one [`Session::document_id`] names. Two, so that a page of one document is not the whole list.
const FRAMEWORKS: [&str; 2] = [
    include_str!("../tests/data/frameworks/Ordering.json"),
    include_str!("../tests/data/frameworks/SequenceNumberFramework.json"),
];
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
    /// The consumer claims error handling: its first content request is answered 429 with
    /// `Retry-After` and `error-handling` is judged (skipped otherwise).
    pub inject_errors: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_base: None,
            wait: Duration::from_secs(300),
            quiet: Duration::from_millis(1500),
            version: Version::V1p0,
            inject_errors: false,
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
    /// When it came, from the start of the run.
    at: Duration,
    /// The answer was an error the harness injected.
    injected: bool,
}

impl Seen {
    fn evidence(&self) -> Value {
        let q: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        json!({"request": format!("{} {}", self.method, self.path), "query": q,
            "answered": self.status, "atMs": self.at.as_millis() as u64, "injected": self.injected})
    }

    /// The value of query parameter `name`, if given.
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the harness recorded: the requests, when the last came, whether the error was injected.
#[derive(Default)]
struct Log {
    seen: Vec<Seen>,
    last: Option<Instant>,
    injected: bool,
}

struct Shared {
    base: String,
    version: Version,
    inject_errors: bool,
    packages: Vec<Value>,
    started: Instant,
    log: Mutex<Log>,
}

impl Shared {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running harness provider: give [`Session::base_url`] to the consumer, then [`Session::wait`].
pub struct Session {
    shared: Arc<Shared>,
    rt: tokio::runtime::Runtime,
    o: Options,
}

impl Session {
    /// The base URL to give the consumer (the API is at `{base}/ims/case/v1p0`, or `v1p1`).
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The identifier of the framework (CFDocument) the harness serves.
    pub fn document_id(&self) -> String {
        self.shared.packages[0]["CFDocument"]["identifier"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn finished(&self) -> bool {
        let g = self.shared.log();
        content_read(self.shared.version, &g.seen)
            && g.last.is_some_and(|t| t.elapsed() >= self.o.quiet)
    }

    /// Waits for the consumer (until it has read content and gone quiet, or the wait is
    /// over), stops, and judges.
    pub fn wait(self) -> DocReport {
        while !self.finished() && self.shared.started.elapsed() < self.o.wait {
            std::thread::sleep(Duration::from_millis(100));
        }
        let seen = self.shared.log().seen.clone();
        self.rt.shutdown_timeout(Duration::from_secs(1));
        judge(&self.shared, &seen)
    }
}

/// Starts the harness's CASE provider.
pub fn start(o: &Options) -> Result<Session, String> {
    let packages = FRAMEWORKS
        .iter()
        .map(|f| serde_json::from_str(f).map_err(|e| format!("embedded framework: {e}")))
        .collect::<Result<Vec<Value>, String>>()?;
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
        inject_errors: o.inject_errors,
        packages,
        started: Instant::now(),
        log: Mutex::new(Log::default()),
    });
    let app = Router::new().fallback(handle).with_state(shared.clone());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Session {
        shared,
        rt,
        o: o.clone(),
    })
}
