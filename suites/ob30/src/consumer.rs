//! Service Consumer certification (`wellspring certify --standard ob30|clr20
//! --role service-consumer-read|service-consumer-write --listen ADDR`): the harness is the
//! provider, as 1EdTech's test system is. It serves discovery, dynamic client registration, an
//! authorization endpoint with a login page for the test account, token (and refresh),
//! getCredentials (test credentials: valid, expired, revoked, VC DM 1.1 — paged two at a time
//! so paging must be followed), getProfile, upsertCredential and putProfile. It records every
//! request the consumer makes and, when the consumer is done (its required calls made, then a
//! quiet spell) or the wait is over, judges the record.
//!
//! OB 3.0 cert guide: Host §Service Consumer (Read), Issuer §Service Consumer (Write);
//! `security.html` for registration, PKCE S256, state, the token request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use wellspring_report::{CheckDef, CheckResult, DocReport, Verdict};

use crate::displayer;
use crate::issuer::{IssuerStandard as Standard, CONFORMANCE_RECIPIENT};

mod errors;
mod judge;
mod server;

use judge::*;
use server::*;

const OB_HOST: &str = "https://www.imsglobal.org/spec/ob/v3p0/cert/#service-consumer-read";
const OB_WRITE: &str = "https://www.imsglobal.org/spec/ob/v3p0/cert/#service-consumer-write";
const OB_SEC: &str = "https://www.imsglobal.org/spec/ob/v3p0/#api-security";
const CLR_HOST: &str = "https://www.imsglobal.org/spec/clr/v2p0/cert/#service-consumer-read";
const CLR_WRITE: &str = "https://www.imsglobal.org/spec/clr/v2p0/cert/#service-consumer-write";
const CLR_SEC: &str = "https://www.imsglobal.org/spec/clr/v2p0/#api-security";

wellspring_report::paired_checks! {
    role "consumer";
    DISCOVERY: "discovery", OB_SEC, CLR_SEC, "the consumer fetched the service description (discovery) first, without credentials";
    REGISTER: "register", OB_SEC, CLR_SEC, "dynamic client registration carries every required field (client_name, client_uri, logo_uri, tos_uri, policy_uri, software_id, software_version, redirect_uris[], scope)";
    SCOPES: "scopes", OB_SEC, CLR_SEC, "the authorization request asks the scopes the role needs, and only scopes the provider offers";
    PKCE: "pkce", OB_SEC, CLR_SEC, "PKCE: code_challenge with method S256, and the token request's code_verifier matches it";
    STATE: "state", OB_SEC, CLR_SEC, "the authorization request carries a state value (CSRF protection)";
    TOKEN: "token-request", OB_SEC, CLR_SEC, "the token request: HTTP Basic client authentication, grant_type authorization_code, code, redirect_uri as authorized, code_verifier";
    CREDENTIALS: "get-credentials", OB_HOST, CLR_HOST, "getCredentials called with the access token";
    PAGING: "paging", OB_HOST, CLR_HOST, "every page of getCredentials fetched (the Link rel=next followed, or limit/offset walked)";
    PROFILE: "get-profile", OB_HOST, CLR_HOST, "getProfile called with the access token";
    ERRORS: "error-handling", OB_HOST, CLR_HOST, "optional, when the consumer claims it (--inject-errors): after an injected 401 on getCredentials it gets a new token (refresh) and calls again; after an injected 429 on a later page it waits the Retry-After and fetches that page again";
    UPSERT: "upsert", OB_WRITE, CLR_WRITE, "upsertCredential sends a credential that verifies and is issued to conformance@imsglobal.org";
    PUT_PROFILE: "put-profile", OB_WRITE, CLR_WRITE, "putProfile (optional) sends a well-formed Profile";
}

/// Which consumer role is certified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Read,
    Write,
}

/// The checks of a role, in report order.
pub fn checks(std: Standard, role: Role) -> Vec<CheckDef> {
    let d = match std {
        Standard::Ob30 => OB3,
        Standard::Clr20 => CLR2,
    };
    let common = [d.DISCOVERY, d.REGISTER, d.SCOPES, d.PKCE, d.STATE, d.TOKEN];
    let own: &[CheckDef] = match role {
        Role::Read => &[d.CREDENTIALS, d.PAGING, d.PROFILE, d.ERRORS],
        Role::Write => &[d.UPSERT, d.PUT_PROFILE],
    };
    [&common[..], own].concat()
}

/// How a consumer run is set up.
#[derive(Debug, Clone)]
pub struct Options {
    pub standard: Standard,
    pub role: Role,
    /// Where the harness provider listens (port 0: any free port).
    pub listen: SocketAddr,
    /// The base URL the consumer reaches the harness at, when not `http://{listen}`.
    pub public_base: Option<String>,
    /// How long to wait for the consumer at most.
    pub wait: Duration,
    /// After the required calls, how long without a request ends the run.
    pub quiet: Duration,
    /// The test account the login page accepts.
    pub user: String,
    pub password: String,
    /// getCredentials page size (the consumer must follow paging).
    pub page_size: usize,
    /// The consumer claims it handles provider errors (`--inject-errors`): the harness injects
    /// a 401 and a 429 into getCredentials and judges `error-handling` (skipped otherwise).
    pub inject_errors: bool,
}

impl Options {
    pub fn new(standard: Standard, role: Role) -> Self {
        Options {
            standard,
            role,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_base: None,
            wait: Duration::from_secs(300),
            quiet: Duration::from_millis(1500),
            user: "conformance@imsglobal.org".into(),
            password: "wellspring-conformance".into(),
            page_size: 2,
            inject_errors: false,
        }
    }
}

/// One request the consumer made, as judged (secrets kept for judging, masked in evidence).
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: HashMap<String, String>,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
    status: u16,
    /// When it arrived.
    at: Instant,
    /// The error the harness injected into its answer ("401", "429"), if any.
    injected: Option<String>,
}

impl Seen {
    fn evidence(&self) -> Value {
        let mut q: Map<String, Value> = self
            .query
            .iter()
            .map(|(k, v)| (k.clone(), json!(mask_field(k, v))))
            .collect();
        q.sort_keys();
        let auth = self
            .authorization
            .as_deref()
            .map(|a| match a.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} ****"),
                None => "****".into(),
            });
        let body = if self
            .content_type
            .as_deref()
            .is_some_and(|c| c.contains("x-www-form-urlencoded"))
        {
            let f: Map<String, Value> = form(&self.body)
                .into_iter()
                .map(|(k, v)| {
                    let m = mask_field(&k, &v);
                    (k, json!(m))
                })
                .collect();
            Value::Object(f)
        } else {
            let t = String::from_utf8_lossy(&self.body[..self.body.len().min(1024)]).into_owned();
            json!(t)
        };
        json!({"request": format!("{} {}", self.method, self.path), "query": q, "authorization": auth,
               "content-type": self.content_type, "body": body, "answered": self.status})
    }
}

fn mask_field(k: &str, v: &str) -> String {
    match k {
        "password" | "client_secret" | "code" | "code_verifier" | "refresh_token"
        | "access_token" | "token" => "****".into(),
        _ => v.to_owned(),
    }
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

#[derive(Debug, Clone)]
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    challenge: Option<String>,
}

#[derive(Default)]
struct Provider {
    seen: Vec<Seen>,
    last: Option<Instant>,
    clients: HashMap<String, (String, Vec<String>)>,
    pending: HashMap<String, AuthRequest>,
    codes: HashMap<String, AuthRequest>,
    tokens: HashMap<String, String>,
    refresh: HashMap<String, String>,
    counter: u64,
    /// Which errors were injected already (each once).
    injected_401: bool,
    injected_429: bool,
}

struct Shared {
    o: Options,
    base: String,
    credentials: Vec<Value>,
    status_list: Value,
    state: Mutex<Provider>,
}

impl Shared {
    fn fresh(&self, p: &mut Provider, what: &str) -> String {
        p.counter += 1;
        let h = Sha256::digest(
            format!("{what}/{}/{:?}/{}", p.counter, Instant::now(), self.base).as_bytes(),
        );
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&h[..24])
    }

    fn record(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
        resp: &Response,
    ) {
        let status = resp.status().as_u16();
        let injected = resp
            .headers()
            .get(errors::INJECTED_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let query = uri.query().map(|q| form(q.as_bytes())).unwrap_or_default();
        let h = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let mut p = self.state.lock().unwrap_or_else(|e| e.into_inner());
        p.seen.push(Seen {
            method: method.to_string(),
            path: uri.path().to_owned(),
            query,
            authorization: h("authorization"),
            content_type: h("content-type"),
            body: body.to_vec(),
            status,
            at: Instant::now(),
            injected,
        });
        p.last = Some(Instant::now());
    }

    /// The scopes of a bearer token, if it is one we issued.
    fn bearer(&self, headers: &HeaderMap) -> Option<String> {
        let a = headers.get("authorization")?.to_str().ok()?;
        let t = a
            .strip_prefix("Bearer ")
            .or_else(|| a.strip_prefix("bearer "))?;
        self.state.lock().ok()?.tokens.get(t.trim()).cloned()
    }
}

/// A running conformance provider, waiting for a consumer.
pub struct Session {
    shared: Arc<Shared>,
    rt: tokio::runtime::Runtime,
    started: Instant,
}

impl Session {
    /// The base URL to give the consumer (discovery is at `{base}/ims/ob/v3p0/discovery`).
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    pub fn discovery_url(&self) -> String {
        format!(
            "{}{}/discovery",
            self.shared.base,
            self.shared.o.standard.api_path()
        )
    }

    /// Has the consumer made the calls its role requires, and been quiet since?
    fn finished(&self) -> bool {
        let p = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let api = self.shared.o.standard.api_path();
        let called = |m: &str, path: String| p.seen.iter().any(|x| x.method == m && x.path == path);
        let required = match self.shared.o.role {
            Role::Read => {
                called("GET", format!("{api}/credentials"))
                    && called("GET", format!("{api}/profile"))
            }
            Role::Write => called("POST", format!("{api}/credentials")),
        };
        required && p.last.is_some_and(|t| t.elapsed() >= self.shared.o.quiet)
    }

    /// Waits for the consumer (until it is done or the wait is over), stops, and judges.
    pub fn wait(self) -> DocReport {
        while !self.finished() && self.started.elapsed() < self.shared.o.wait {
            std::thread::sleep(Duration::from_millis(100));
        }
        let timed_out = !self.finished();
        let seen = self
            .shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .seen
            .clone();
        self.rt.shutdown_timeout(Duration::from_secs(1));
        judge(&self.shared, &seen, timed_out)
    }
}

/// Starts the conformance provider; give `Session::base_url` to the consumer, then `wait`.
pub fn start(o: &Options) -> Result<Session, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the conformance provider: {e}"))?;
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
    let badges = displayer::badges(o.standard, &base)?;
    let credentials: Vec<Value> = badges
        .items
        .iter()
        .cloned()
        .filter(|(l, _)| matches!(*l, "valid" | "expired" | "revoked" | "v1-valid"))
        .map(|(_, c)| c)
        .collect();
    let shared = Arc::new(Shared {
        o: o.clone(),
        base,
        credentials,
        status_list: badges.status_list,
        state: Mutex::new(Provider::default()),
    });
    let app = Router::new()
        .route(
            "/",
            get(|| async { Html("Wellspring conformance provider") }),
        )
        .fallback(handle)
        .route("/oauth/token", post(handle))
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
        .with_state(shared.clone());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Session {
        shared,
        rt,
        started: Instant::now(),
    })
}
