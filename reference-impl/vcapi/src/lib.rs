//! A W3C VC-API style verify endpoint over the Wellspring verification core.
//!
//! `POST /credentials/verify` with `{"verifiableCredential": <credential object or compact JWS>}`
//! answers 200 when the credential verifies and 400 when it does not (VC-API), with a body
//! that says *why* in a form a Displayer certification can read:
//!
//! ```json
//! { "verified": false, "status": "revoked",
//!   "checks": ["ob3.parse.json", ...], "warnings": [{"id": ..., "message": ...}],
//!   "errors": [{"id": "ob3.status", "message": "..."}],
//!   "display": {"name": ..., "description": ..., "issuerName": ..., "issuedOn": ..., "image": ...},
//!   "report": { the full check report } }
//! ```
//!
//! `status` is `valid`, `revoked`, `expired`, `not-yet-valid` or `invalid` (anything else
//! failed). The reference wallet and ATS mount this router; `wellspring verifier serve` runs
//! it alone.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};
use wellspring_report::{DocReport, Verdict};
use wellspring_serverkit::limit::Rate;
use wellspring_serverkit::work::Pool;
use wellspring_verify::Options;

/// Largest request body accepted (read in a stream and refused with 413 past it).
pub const MAX_BODY: usize = wellspring_serverkit::limit::body::CREDENTIAL;

/// How each request is verified: a fresh clock per request unless `fixed_now` is set.
#[derive(Clone)]
pub struct Verifier {
    pub options: Options,
    /// Judge validity windows at this instant instead of the wall clock (tests, replays).
    pub fixed_now: Option<chrono::DateTime<chrono::Utc>>,
    /// Where verifications run: a few at a time, off the async workers.
    pub pool: Pool,
    /// Verifications per client address (a public server sets one; None: unlimited).
    pub limit: Option<Rate>,
}

impl Verifier {
    pub fn new(options: Options) -> Self {
        Verifier {
            options,
            fixed_now: None,
            pool: Pool::default(),
            limit: None,
        }
    }

    /// The same verifier sharing a server's work pool and limited per client address.
    pub fn guarded(mut self, pool: Pool, limit: Rate) -> Self {
        self.pool = pool;
        self.limit = Some(limit);
        self
    }
}

/// The router: `POST /credentials/verify`.
pub fn router(verifier: Verifier) -> Router {
    use axum::handler::Handler;
    let verify = match verifier.limit {
        Some(rate) => post(verify_handler.layer(axum::middleware::from_fn_with_state(
            wellspring_serverkit::limit::Limiter::shared(rate),
            wellspring_serverkit::limit::per_client,
        ))),
        None => post(verify_handler),
    };
    Router::new()
        .route("/credentials/verify", verify)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(Arc::new(verifier))
}

async fn verify_handler(State(v): State<Arc<Verifier>>, body: Bytes) -> Response {
    let v2 = v.clone();
    match v.pool.run(move || verify_request(&v2, &body)).await {
        Ok((code, body)) => (
            code,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"verified": false, "status": "invalid", "errors": [{"id": "internal", "message": "verification did not finish"}]}).to_string(),
        )
            .into_response(),
    }
}

fn bad_request(message: &str) -> (StatusCode, Value) {
    (
        StatusCode::BAD_REQUEST,
        json!({"verified": false, "status": "invalid", "checks": [], "warnings": [],
               "errors": [{"id": "request", "message": message}]}),
    )
}

/// Verifies one request body; the HTTP status and the JSON answer.
pub fn verify_request(v: &Verifier, body: &[u8]) -> (StatusCode, Value) {
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return bad_request("the body is not JSON");
    };
    let Some(vc) = req.get("verifiableCredential") else {
        return bad_request("the body has no verifiableCredential");
    };
    let (bytes, credential) = match vc {
        Value::String(jws) => (
            jws.as_bytes().to_vec(),
            wellspring_verify::jwt::decode(jws)
                .map(|d| d.credential)
                .ok(),
        ),
        Value::Object(_) => (vc.to_string().into_bytes(), Some(vc.clone())),
        _ => {
            return bad_request(
                "verifiableCredential must be a JSON object or a compact JWS string",
            )
        }
    };
    let mut opts = v.options.clone();
    opts.now = v.fixed_now.unwrap_or_else(chrono::Utc::now);
    let report = wellspring_verify::verify_bytes("verifiableCredential", &bytes, &opts);
    let answer = answer(&report, credential.as_ref());
    let code = if report.passed() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    (code, answer)
}

/// The status word a displayer shows for a report: `valid` only when every check passed AND
/// the issuer is authenticated; `unauthenticated` when the proof verifies with a key nothing
/// binds to the issuer (never shown as valid).
pub fn status_of(report: &DocReport) -> &'static str {
    if report.passed() {
        return if report.authenticated() {
            "valid"
        } else {
            "unauthenticated"
        };
    }
    let failed = report.failed_ids();
    if failed.contains(&"ob3.status") {
        "revoked"
    } else if failed.contains(&"ob3.validity.valid-until") && failed.len() == 1 {
        "expired"
    } else if failed.contains(&"ob3.validity.valid-from") && failed.len() == 1 {
        "not-yet-valid"
    } else {
        "invalid"
    }
}

fn answer(report: &DocReport, credential: Option<&Value>) -> Value {
    let mut all = Vec::new();
    report.walk(&mut all);
    let pick = |v: Verdict| -> Vec<Value> {
        all.iter()
            .filter(|(_, c)| c.verdict == v)
            .map(|(s, c)| json!({"id": c.id, "message": c.message, "subject": s}))
            .collect()
    };
    let mut passed: Vec<&str> = all
        .iter()
        .filter(|(_, c)| c.verdict == Verdict::Pass)
        .map(|(_, c)| c.id)
        .collect();
    passed.sort_unstable();
    passed.dedup();
    json!({
        "verified": report.passed(),
        "issuerAuthenticated": report.authenticated(),
        "headline": report.headline(),
        "caveats": report.all_caveats(),
        "status": status_of(report),
        "checks": passed,
        "warnings": pick(Verdict::Warn),
        "errors": pick(Verdict::Fail),
        "display": credential.map(display).unwrap_or(Value::Null),
        "report": wellspring_report::render::json(std::slice::from_ref(report)),
    })
}

fn text(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::String(s) => Some(Value::from(s.clone())),
        _ => None,
    }
}

/// What a Displayer shows (OB 3.0 cert guide, Displayer): image, name, description,
/// issuer name, issued-on date. Read from the credential, falling back to its achievement.
pub fn display(cred: &Value) -> Value {
    let subject = match cred.get("credentialSubject") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    };
    let achievement = subject.and_then(|s| s.get("achievement"));
    let image = |v: Option<&Value>| -> Option<Value> {
        match v? {
            Value::String(s) => Some(Value::from(s.clone())),
            Value::Object(o) => text(o.get("id")),
            _ => None,
        }
    };
    let issuer_name = match cred.get("issuer") {
        Some(Value::Object(o)) => text(o.get("name")),
        _ => None,
    };
    let mut out = Map::new();
    let fields = [
        (
            "name",
            text(cred.get("name")).or_else(|| text(achievement.and_then(|a| a.get("name")))),
        ),
        (
            "description",
            text(cred.get("description"))
                .or_else(|| text(achievement.and_then(|a| a.get("description")))),
        ),
        ("issuerName", issuer_name),
        (
            "issuedOn",
            text(cred.get("validFrom"))
                .or_else(|| text(cred.get("issuanceDate")))
                .or_else(|| text(cred.get("awardedDate"))),
        ),
        (
            "image",
            image(cred.get("image")).or_else(|| image(achievement.and_then(|a| a.get("image")))),
        ),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            out.insert(k.into(), v);
        }
    }
    Value::Object(out)
}

/// Verification options: the network through the guarded layer (timeout, 4 MiB, 5 redirects,
/// no private or local address unless `allow_private_network`) unless offline.
pub fn verify_options(
    offline: bool,
    timeout: std::time::Duration,
    allow_private_network: bool,
) -> wellspring_verify::Options {
    let o = wellspring_verify::Options::offline(chrono::Utc::now());
    if offline {
        return o;
    }
    let policy = wellspring_http::NetPolicy::default()
        .with_timeout(timeout)
        .allow_private(allow_private_network);
    match wellspring_http::guard::fetch_text(policy) {
        Ok(fetch) => o.with_network(fetch),
        Err(_) => o,
    }
}
