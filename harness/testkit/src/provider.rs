//! A compact, purpose-built OB 3.0 / CLR 2.0 Service Provider for the provider-suite tests
//! (suites/ob30, the CLI and the matrix tests; not a product — the reference hub is
//! `reference-impl/hub`):
//! discovery, registration, an HTML login + consent form, authorization code + PKCE, token,
//! refresh (rotating), revocation, RFC 8414 metadata, getCredentials (paging, since),
//! upsertCredential, getProfile/putProfile. In memory. `Faults` turn on one defect each.

//!
//! The parts, by responsibility: `reply` (response and form helpers), `signin` (discovery,
//! registration, the sign-in and consent pages), `token` (the token endpoint and bearer
//! checks), `resources` (getCredentials, upsertCredential, getProfile, putProfile).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use wellspring_model::Standard;

mod reply;
mod resources;
mod signin;
mod token;

use reply::{form, imsx, json_resp};
use resources::{credentials, jws_payload, key_of, profile};
use signin::{authorize, consent, discovery, login, register};
use token::token;

pub const USER: &str = "tester@example.org";
pub const PASSWORD: &str = "pa55-w0rd-suite";

#[derive(Debug, Clone, Copy, Default)]
/// One defect each (all off: a provider that passes every check).
pub struct Faults {
    pub ignore_scopes: bool,
    pub bad_paging: bool,
    pub reuse_code: bool,
    pub lose_fields: bool,
    pub tamper: bool,
    /// access tokens live this many seconds (default 3600)
    pub short_expiry: Option<u64>,
    /// a registration without redirect_uris is accepted
    pub register_without_redirects: bool,
    /// the authorization response carries another `state`
    pub wrong_state: bool,
    /// an unregistered redirect_uri is redirected to (with an error)
    pub redirect_anywhere: bool,
    /// an authorization request without code_challenge gets the login form, and its code is
    /// exchanged without a code_verifier check
    pub pkce_optional: bool,
    /// the token response may be cached (no Cache-Control: no-store)
    pub token_cacheable: bool,
    /// the code_verifier is not compared with the code_challenge
    pub ignore_verifier: bool,
    /// a bearer token nobody issued is accepted
    pub accept_unknown_tokens: bool,
    /// `since` is ignored
    pub ignore_since: bool,
    /// invalid limit / offset values are taken as the defaults
    pub lenient_query: bool,
    /// getProfile answers an object that is not a Profile
    pub bad_profile: bool,
    /// a new credential is answered 200, not 201
    pub create_answers_200: bool,
    /// a replaced credential is answered 201, not 200
    pub replace_answers_201: bool,
    /// a compact JWS (text/plain) is refused
    pub refuse_jws: bool,
    /// a malformed upsert body is stored anyway (201)
    pub accept_malformed_upsert: bool,
    /// putProfile is not allowed (405)
    pub refuse_profile_put: bool,
    /// a malformed putProfile body is answered 200
    pub accept_malformed_profile: bool,
    /// the refresh_token grant is refused
    pub refuse_refresh: bool,
    /// revocation answers 200 and revokes nothing
    pub ignore_revocation: bool,
    /// access tokens are accepted after they expire
    pub ignore_expiry: bool,
    /// (allowed) no X-Total-Count header: the total is not known
    pub omit_total_count: bool,
    /// getProfile answers without a token
    pub profile_without_token: bool,
    /// the PKCE `plain` method is accepted besides S256
    pub accept_plain_pkce: bool,
    /// getProfile and putProfile do not look at the token's scopes
    pub profile_ignores_scopes: bool,
    /// DELETE on getCredentials' path answers 200 (and forgets every credential)
    pub delete_allowed: bool,
    /// the token endpoint takes a request that names its client without authenticating it
    pub token_without_client_auth: bool,
    /// a code is exchanged whatever redirect_uri the token request names
    pub ignore_redirect_binding: bool,
    /// a refresh grants whatever scope it asks for
    pub refresh_widens_scope: bool,
    /// an upserted compact JWS is kept as its decoded payload (JSON), not as sent
    pub jws_rewritten: bool,
    /// (allowed, a warning) no expires_in in the token response
    pub omit_expires_in: bool,
}

struct Code {
    client: String,
    redirect: String,
    challenge: String,
    /// code_challenge_method=plain (accepted only with the `accept_plain_pkce` fault)
    plain: bool,
    scopes: Vec<String>,
    used: bool,
    tokens: Vec<String>,
}

struct Token {
    scopes: Vec<String>,
    until: Instant,
    revoked: bool,
}

#[derive(Default)]
struct Inner {
    clients: HashMap<String, (String, Vec<String>)>,
    codes: HashMap<String, Code>,
    tokens: HashMap<String, Token>,
    refresh: HashMap<String, Vec<String>>,
    /// (key for equality, stored item: JSON credential or JWS string, issued)
    creds: Vec<(String, Value, chrono::DateTime<chrono::Utc>)>,
    profile: Value,
    /// every secret handed out, so tests can look for leaks
    secrets: Vec<String>,
}

/// A running fixture provider (lives until the process ends).
pub struct Provider {
    pub base: String,
    pub standard: Standard,
    state: Arc<Shared>,
}

struct Shared {
    inner: Mutex<Inner>,
    faults: Faults,
    path: &'static str,
    scope_base: &'static str,
    base: String,
}

impl Provider {
    /// Every client secret, code and token it handed out.
    pub fn secrets(&self) -> Vec<String> {
        self.state.inner.lock().unwrap().secrets.clone()
    }
}

/// Starts a provider on a loopback port, seeded with two JSON credentials and two VC-JWTs:
/// `seed` gives one signed credential of the standard and the same as a VC-JWT (the suites'
/// `provider::upsert_payloads`; the test kit signs nothing itself).
pub fn start_seeded(
    standard: Standard,
    faults: Faults,
    seed: &dyn Fn() -> (Value, String),
) -> Provider {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let (path, scope_base) = match standard {
        Standard::Ob30 => (
            "/ims/ob/v3p0",
            "https://purl.imsglobal.org/spec/ob/v3p0/scope/",
        ),
        Standard::Clr20 => (
            "/ims/clr/v2p0",
            "https://purl.imsglobal.org/spec/clr/v2p0/scope/",
        ),
    };
    let mut inner = Inner::default();
    // seed: two JSON credentials and two VC-JWTs
    let now = chrono::Utc::now();
    for i in 0..2 {
        let (mut c, jws) = seed();
        if faults.tamper && i == 0 {
            c["name"] = json!("changed after signing");
        }
        inner
            .creds
            .push((key_of(&c), c, now - chrono::Duration::days(2 - i)));
        let p = jws_payload(&jws).unwrap();
        inner.creds.push((
            key_of(&p),
            Value::String(jws),
            now - chrono::Duration::days(1),
        ));
    }
    inner.profile = json!({"id": format!("{base}/profile/tester"), "type": ["Profile"], "name": "Suite Tester", "email": USER});
    let state = Arc::new(Shared {
        inner: Mutex::new(inner),
        faults,
        path,
        scope_base,
        base: base.clone(),
    });
    let app = Router::new().fallback(handle).with_state(state.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    Provider {
        base,
        standard,
        state,
    }
}

async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let q: HashMap<String, String> = uri.query().map(|q| form(q.as_bytes())).unwrap_or_default();
    let api = s.path;
    match (method.as_str(), path.as_str()) {
        ("GET", p) if p == format!("{api}/discovery") => discovery(&s),
        ("POST", "/register") => register(&s, &body),
        ("GET", "/authorize") => authorize(&s, &q),
        ("POST", "/login") => login(&s, &form(&body)),
        ("POST", "/consent") => consent(&s, &form(&body)),
        ("POST", "/token") => token(&s, &headers, &form(&body)),
        ("POST", "/revoke") => {
            let f = form(&body);
            let mut g = s.inner.lock().unwrap();
            if let Some(t) = f.get("token").and_then(|t| g.tokens.get_mut(t)) {
                t.revoked = !s.faults.ignore_revocation;
            }
            StatusCode::OK.into_response()
        }
        ("GET", "/.well-known/oauth-authorization-server") => json_resp(
            StatusCode::OK,
            json!({"issuer": s.base, "token_endpoint": format!("{}/token", s.base), "revocation_endpoint": format!("{}/revoke", s.base)}),
        ),
        (m, p) if p == format!("{api}/credentials") => credentials(&s, m, &headers, &q, &body),
        (m, p) if p == format!("{api}/profile") => profile(&s, m, &headers, &body),
        _ => imsx(StatusCode::NOT_FOUND, "not_found", "no such endpoint"),
    }
}
