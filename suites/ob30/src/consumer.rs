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

const OB_HOST: &str = "https://www.imsglobal.org/spec/ob/v3p0/cert/#service-consumer-read";
const OB_WRITE: &str = "https://www.imsglobal.org/spec/ob/v3p0/cert/#service-consumer-write";
const OB_SEC: &str = "https://www.imsglobal.org/spec/ob/v3p0/#api-security";
const CLR_HOST: &str = "https://www.imsglobal.org/spec/clr/v2p0/cert/#service-consumer-read";
const CLR_WRITE: &str = "https://www.imsglobal.org/spec/clr/v2p0/cert/#service-consumer-write";
const CLR_SEC: &str = "https://www.imsglobal.org/spec/clr/v2p0/#api-security";

macro_rules! consumer_checks {
    ($($name:ident: $suffix:literal, $ob:ident, $clr:ident, $title:literal;)*) => {
        /// OB 3.0 consumer checks.
        pub mod ob3 {
            use super::*;
            $(pub const $name: CheckDef = CheckDef { id: concat!("ob3.consumer.", $suffix), clause: $ob, title: $title };)*
        }
        /// CLR 2.0 consumer checks.
        pub mod clr2 {
            use super::*;
            $(pub const $name: CheckDef = CheckDef { id: concat!("clr2.consumer.", $suffix), clause: $clr, title: $title };)*
        }
    };
}

consumer_checks! {
    DISCOVERY: "discovery", OB_SEC, CLR_SEC, "the consumer fetched the service description (discovery) first, without credentials";
    REGISTER: "register", OB_SEC, CLR_SEC, "dynamic client registration carries every required field (client_name, client_uri, logo_uri, tos_uri, policy_uri, software_id, software_version, redirect_uris[], scope)";
    SCOPES: "scopes", OB_SEC, CLR_SEC, "the authorization request asks the scopes the role needs, and only scopes the provider offers";
    PKCE: "pkce", OB_SEC, CLR_SEC, "PKCE: code_challenge with method S256, and the token request's code_verifier matches it";
    STATE: "state", OB_SEC, CLR_SEC, "the authorization request carries a state value (CSRF protection)";
    TOKEN: "token-request", OB_SEC, CLR_SEC, "the token request: HTTP Basic client authentication, grant_type authorization_code, code, redirect_uri as authorized, code_verifier";
    CREDENTIALS: "get-credentials", OB_HOST, CLR_HOST, "getCredentials called with the access token";
    PAGING: "paging", OB_HOST, CLR_HOST, "every page of getCredentials fetched (the Link rel=next followed, or limit/offset walked)";
    PROFILE: "get-profile", OB_HOST, CLR_HOST, "getProfile called with the access token";
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
    let all: [CheckDef; 11] = match std {
        Standard::Ob30 => [
            ob3::DISCOVERY,
            ob3::REGISTER,
            ob3::SCOPES,
            ob3::PKCE,
            ob3::STATE,
            ob3::TOKEN,
            ob3::CREDENTIALS,
            ob3::PAGING,
            ob3::PROFILE,
            ob3::UPSERT,
            ob3::PUT_PROFILE,
        ],
        Standard::Clr20 => [
            clr2::DISCOVERY,
            clr2::REGISTER,
            clr2::SCOPES,
            clr2::PKCE,
            clr2::STATE,
            clr2::TOKEN,
            clr2::CREDENTIALS,
            clr2::PAGING,
            clr2::PROFILE,
            clr2::UPSERT,
            clr2::PUT_PROFILE,
        ],
    };
    match role {
        Role::Read => all[..9].to_vec(),
        Role::Write => [&all[..6], &all[9..]].concat(),
    }
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

    fn record(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8], status: u16) {
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

fn imsx(status: StatusCode, minor: &str, description: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": description,
               "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}]}})
        .to_string(),
    )
        .into_response()
}

fn json_response(status: StatusCode, v: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn discovery(s: &Shared) -> Value {
    let std = s.o.standard;
    let mut scopes = Map::new();
    for (n, d) in [
        ("credential.readonly", "Read the test account's credentials"),
        (
            "credential.upsert",
            "Create or update the test account's credentials",
        ),
        ("profile.readonly", "Read the test account's profile"),
        ("profile.update", "Update the test account's profile"),
    ] {
        scopes.insert(std.scope(n), json!(d));
    }
    json!({
        "openapi": "3.0.1",
        "info": {
            "title": "Wellspring conformance provider",
            "version": match std { Standard::Ob30 => "3.0", Standard::Clr20 => "2.0" },
            "termsOfService": format!("{}/terms", s.base),
            "x-imssf-name": "Wellspring conformance provider",
            "x-imssf-privacyPolicyUrl": format!("{}/privacy", s.base),
        },
        "servers": [{"url": format!("{}{}", s.base, std.api_path())}],
        "paths": {},
        "components": {"securitySchemes": {"OAuth2ACG": {
            "type": "oauth2",
            "description": "OAuth 2.0 authorization code grant with PKCE",
            "x-imssf-registrationUrl": format!("{}/oauth/register", s.base),
            "flows": {"authorizationCode": {
                "authorizationUrl": format!("{}/oauth/authorize", s.base),
                "tokenUrl": format!("{}/oauth/token", s.base),
                "refreshUrl": format!("{}/oauth/token", s.base),
                "scopes": scopes,
            }},
        }}},
    })
}

async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let resp = route(&s, &method, &uri, &headers, &body);
    s.record(&method, &uri, &headers, &body, resp.status().as_u16());
    resp
}

fn route(s: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
    let api = s.o.standard.api_path();
    let path = uri.path();
    let query: HashMap<String, String> =
        uri.query().map(|q| form(q.as_bytes())).unwrap_or_default();
    match (method.as_str(), path) {
        ("GET", p) if p == format!("{api}/discovery") => {
            json_response(StatusCode::OK, discovery(s))
        }
        ("POST", "/oauth/register") => register(s, body),
        ("GET", "/oauth/authorize") => authorize(s, &query),
        ("POST", "/oauth/login") => login(s, body),
        ("POST", "/oauth/token") => token(s, headers, body),
        ("GET", p) if p == format!("{api}/credentials") => get_credentials(s, headers, &query),
        ("POST", p) if p == format!("{api}/credentials") => upsert(s, headers, body),
        ("GET", p) if p == format!("{api}/profile") => match s.bearer(headers) {
            Some(sc) if sc.contains(&s.o.standard.scope("profile.readonly")) => {
                json_response(StatusCode::OK, test_profile(s))
            }
            Some(_) => imsx(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the token lacks profile.readonly",
            ),
            None => imsx(
                StatusCode::UNAUTHORIZED,
                "unauthorizedrequest",
                "a valid access token is required",
            ),
        },
        ("PUT", p) if p == format!("{api}/profile") => match s.bearer(headers) {
            Some(sc) if sc.contains(&s.o.standard.scope("profile.update")) => {
                match serde_json::from_slice::<Value>(body) {
                    Ok(v) if v.is_object() => json_response(StatusCode::OK, v),
                    _ => imsx(
                        StatusCode::BAD_REQUEST,
                        "invalid_data",
                        "the body is not a Profile JSON object",
                    ),
                }
            }
            Some(_) => imsx(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the token lacks profile.update",
            ),
            None => imsx(
                StatusCode::UNAUTHORIZED,
                "unauthorizedrequest",
                "a valid access token is required",
            ),
        },
        _ if path.starts_with("/status/") || path.starts_with("/badges/") => status_list(s, path),
        _ => imsx(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such endpoint on the conformance provider",
        ),
    }
}

fn test_profile(s: &Shared) -> Value {
    json!({"id": format!("{}/profiles/conformance", s.base), "type": ["Profile"],
           "name": "Wellspring Conformance Learner", "email": s.o.user})
}

fn status_list(s: &Shared, path: &str) -> Response {
    if path == "/status/revocation-list" {
        return json_response(StatusCode::OK, s.status_list.clone());
    }
    imsx(StatusCode::NOT_FOUND, "not_found", "no such document")
}

fn register(s: &Shared, body: &[u8]) -> Response {
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_client_metadata", "error_description": "the body is not JSON"}),
        );
    };
    let uris: Vec<String> = match req.get("redirect_uris") {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"error": "invalid_redirect_uri", "error_description": "redirect_uris must be a non-empty array"}),
            )
        }
    };
    let mut p = s.state.lock().unwrap_or_else(|e| e.into_inner());
    let id = s.fresh(&mut p, "client");
    let secret = s.fresh(&mut p, "secret");
    p.clients.insert(id.clone(), (secret.clone(), uris));
    let mut out = req.as_object().cloned().unwrap_or_default();
    out.insert("client_id".into(), json!(id));
    out.insert("client_secret".into(), json!(secret));
    out.insert(
        "client_id_issued_at".into(),
        json!(chrono::Utc::now().timestamp()),
    );
    out.insert("client_secret_expires_at".into(), json!(0));
    json_response(StatusCode::CREATED, Value::Object(out))
}

fn page(title: &str, inner: &str) -> Response {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:420px;margin:60px auto;color:#1b1f24}}\
         input,button{{font:inherit;display:block;width:100%;margin:6px 0 14px;padding:8px}}</style></head>\
         <body><h1>{title}</h1>{inner}</body></html>"
    ))
    .into_response()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn authorize(s: &Shared, q: &HashMap<String, String>) -> Response {
    let client_id = q.get("client_id").cloned().unwrap_or_default();
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    let mut p = s.state.lock().unwrap_or_else(|e| e.into_inner());
    let Some((_, uris)) = p.clients.get(&client_id) else {
        return page(
            "Unknown client",
            "<p>This client_id was not registered with the conformance provider.</p>",
        );
    };
    if !uris.contains(&redirect_uri) {
        return page(
            "Unknown redirect URI",
            "<p>The redirect_uri is not one the client registered; it is not redirected to.</p>",
        );
    }
    let req = AuthRequest {
        client_id,
        redirect_uri,
        scope: q.get("scope").cloned().unwrap_or_default(),
        state: q.get("state").cloned(),
        challenge: q.get("code_challenge").cloned(),
    };
    let id = s.fresh(&mut p, "pending");
    p.pending.insert(id.clone(), req);
    page(
        "Sign in to the Wellspring conformance provider",
        &format!(
            "<form method=\"post\" action=\"/oauth/login\"><input type=\"hidden\" name=\"request\" value=\"{}\">\
             <label>Email<input type=\"email\" name=\"username\" autocomplete=\"username\"></label>\
             <label>Password<input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label>\
             <button type=\"submit\" name=\"decision\" value=\"approve\">Sign in and allow</button></form>",
            esc(&id)
        ),
    )
}

fn login(s: &Shared, body: &[u8]) -> Response {
    let f = form(body);
    let mut p = s.state.lock().unwrap_or_else(|e| e.into_inner());
    let Some(req) = f.get("request").and_then(|r| p.pending.remove(r)) else {
        return page(
            "Expired",
            "<p>This sign-in request is unknown or was already used.</p>",
        );
    };
    if f.get("username") != Some(&s.o.user) || f.get("password") != Some(&s.o.password) {
        let id = s.fresh(&mut p, "pending");
        p.pending.insert(id.clone(), req);
        return page("Wrong email or password", &format!(
            "<form method=\"post\" action=\"/oauth/login\"><input type=\"hidden\" name=\"request\" value=\"{}\">\
             <label>Email<input type=\"email\" name=\"username\"></label><label>Password<input type=\"password\" name=\"password\"></label>\
             <button type=\"submit\" name=\"decision\" value=\"approve\">Sign in and allow</button></form>", esc(&id)));
    }
    let code = s.fresh(&mut p, "code");
    let mut target = url::Url::parse(&req.redirect_uri)
        .unwrap_or_else(|_| url::Url::parse("http://invalid.invalid/").unwrap());
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("scope", &req.scope);
    if let Some(st) = &req.state {
        target.query_pairs_mut().append_pair("state", st);
    }
    p.codes.insert(code, req);
    Redirect::to(target.as_str()).into_response()
}

fn basic_client(headers: &HeaderMap) -> Option<(String, String)> {
    let a = headers.get("authorization")?.to_str().ok()?;
    let b = a
        .strip_prefix("Basic ")
        .or_else(|| a.strip_prefix("basic "))?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    let dec = |x: &str| {
        url::form_urlencoded::parse(format!("x={x}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((dec(id), dec(secret)))
}

fn token_error(e: &str, d: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [
            ("content-type", "application/json"),
            ("cache-control", "no-store"),
        ],
        json!({"error": e, "error_description": d}).to_string(),
    )
        .into_response()
}

fn token(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
    let f = form(body);
    let mut p = s.state.lock().unwrap_or_else(|e| e.into_inner());
    // the client: Basic (as the spec says) or, leniently, in the body — judged later
    let client = basic_client(headers)
        .or_else(|| Some((f.get("client_id")?.clone(), f.get("client_secret")?.clone())));
    let Some((id, secret)) = client else {
        return token_error("invalid_client", "client authentication is required");
    };
    if p.clients.get(&id).map(|c| &c.0) != Some(&secret) {
        return token_error("invalid_client", "unknown client or wrong secret");
    }
    let scope = match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(req) = f.get("code").and_then(|c| p.codes.remove(c)) else {
                return token_error("invalid_grant", "unknown or used code");
            };
            if req.client_id != id {
                return token_error("invalid_grant", "the code was issued to another client");
            }
            if let Some(ch) = &req.challenge {
                let ok = f.get("code_verifier").is_some_and(|v| {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .encode(Sha256::digest(v.as_bytes()))
                        == *ch
                });
                if !ok {
                    return token_error(
                        "invalid_grant",
                        "code_verifier does not match the code_challenge",
                    );
                }
            }
            req.scope
        }
        Some("refresh_token") => match f.get("refresh_token").and_then(|r| p.refresh.remove(r)) {
            Some(sc) => sc,
            None => return token_error("invalid_grant", "unknown refresh token"),
        },
        _ => {
            return token_error(
                "unsupported_grant_type",
                "authorization_code or refresh_token",
            )
        }
    };
    let access = s.fresh(&mut p, "access");
    let refresh = s.fresh(&mut p, "refresh");
    p.tokens.insert(access.clone(), scope.clone());
    p.refresh.insert(refresh.clone(), scope.clone());
    (
        StatusCode::OK,
        [("content-type", "application/json"), ("cache-control", "no-store"), ("pragma", "no-cache")],
        json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600, "scope": scope, "refresh_token": refresh}).to_string(),
    )
        .into_response()
}

fn get_credentials(s: &Shared, headers: &HeaderMap, q: &HashMap<String, String>) -> Response {
    match s.bearer(headers) {
        Some(sc) if sc.contains(&s.o.standard.scope("credential.readonly")) => {}
        Some(_) => {
            return imsx(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the token lacks credential.readonly",
            )
        }
        None => {
            return imsx(
                StatusCode::UNAUTHORIZED,
                "unauthorizedrequest",
                "a valid access token is required",
            )
        }
    }
    let parse = |k: &str| q.get(k).map(|v| v.parse::<usize>());
    let limit = match parse("limit") {
        None => s.o.page_size,
        Some(Ok(n)) if n >= 1 => n.min(s.o.page_size),
        _ => {
            return imsx(
                StatusCode::BAD_REQUEST,
                "invalid_query_parameter",
                "limit must be a positive integer",
            )
        }
    };
    let offset = match parse("offset") {
        None => 0,
        Some(Ok(n)) => n,
        _ => {
            return imsx(
                StatusCode::BAD_REQUEST,
                "invalid_query_parameter",
                "offset must be a non-negative integer",
            )
        }
    };
    let total = s.credentials.len();
    let items: Vec<Value> = s
        .credentials
        .iter()
        .skip(offset)
        .take(limit)
        .cloned()
        .collect();
    let url = |o: usize| {
        format!(
            "<{}{}/credentials?limit={limit}&offset={o}>",
            s.base,
            s.o.standard.api_path()
        )
    };
    let last = if total == 0 {
        0
    } else {
        (total - 1) / limit * limit
    };
    let mut links = Vec::new();
    if offset + limit < total {
        links.push(format!("{}; rel=\"next\"", url(offset + limit)));
    }
    links.push(format!("{}; rel=\"last\"", url(last)));
    links.push(format!("{}; rel=\"first\"", url(0)));
    if offset > 0 {
        links.push(format!(
            "{}; rel=\"prev\"",
            url(offset.saturating_sub(limit))
        ));
    }
    (
        StatusCode::OK,
        [
            ("content-type", "application/json".to_owned()),
            ("x-total-count", total.to_string()),
            ("link", links.join(", ")),
        ],
        json!({"credential": items, "compactJwsString": []}).to_string(),
    )
        .into_response()
}

fn upsert(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
    match s.bearer(headers) {
        Some(sc) if sc.contains(&s.o.standard.scope("credential.upsert")) => {}
        Some(_) => {
            return imsx(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the token lacks credential.upsert",
            )
        }
        None => {
            return imsx(
                StatusCode::UNAUTHORIZED,
                "unauthorizedrequest",
                "a valid access token is required",
            )
        }
    }
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = String::from_utf8_lossy(body);
    let ok = if ct.starts_with("text/plain") {
        wellspring_verify::jwt::looks_like_jws(text.trim())
    } else {
        serde_json::from_slice::<Value>(body).is_ok_and(|v| v.is_object())
    };
    if !ok {
        return imsx(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "the body is not a credential (JSON object, or a compact JWS as text/plain)",
        );
    }
    (
        StatusCode::CREATED,
        [(
            "content-type",
            if ct.is_empty() {
                "application/json".to_owned()
            } else {
                ct
            },
        )],
        body.to_vec(),
    )
        .into_response()
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

fn defs(s: &Shared) -> HashMap<&'static str, CheckDef> {
    checks(s.o.standard, s.o.role)
        .into_iter()
        .map(|d| (d.id.rsplit('.').next().unwrap_or(d.id), d))
        .collect()
}

fn judge(s: &Shared, seen: &[Seen], timed_out: bool) -> DocReport {
    let std = s.o.standard;
    let api = std.api_path();
    let d = defs(s);
    let def = |k: &str| d[k];
    let mut r = DocReport::new(format!("consumer certification: provider at {}", s.base));
    r.kind = format!(
        "{} Service Consumer ({})",
        match std {
            Standard::Ob30 => "OB 3.0",
            Standard::Clr20 => "CLR 2.0",
        },
        match s.o.role {
            Role::Read => "Read",
            Role::Write => "Write",
        }
    );
    let first = |pred: &dyn Fn(&Seen) -> bool| seen.iter().position(pred);
    let disc = first(&|x| x.method == "GET" && x.path == format!("{api}/discovery"));
    let reg = first(&|x| x.method == "POST" && x.path == "/oauth/register");
    let nothing = |k: &str, what: &str| {
        CheckResult::new(
            &def(k),
            Verdict::Fail,
            format!(
                "the consumer never {what}{}",
                if timed_out {
                    " before the wait ran out"
                } else {
                    ""
                }
            ),
        )
    };

    // discovery
    r.push(match (disc, reg) {
        (Some(i), reg) if reg.is_none_or(|j| i < j) => {
            let x = &seen[i];
            if x.authorization.is_some() {
                CheckResult::new(
                    &def("discovery"),
                    Verdict::Warn,
                    "discovery fetched first, but with an Authorization header (it is public)",
                )
                .with("request", x.evidence())
            } else {
                CheckResult::new(
                    &def("discovery"),
                    Verdict::Pass,
                    "service description fetched first",
                )
                .with("request", x.evidence())
            }
        }
        (Some(_), Some(j)) | (None, Some(j)) if disc.is_none_or(|i| i > j) => CheckResult::new(
            &def("discovery"),
            Verdict::Fail,
            if disc.is_some() {
                "the consumer registered before fetching the service description"
            } else {
                "the consumer registered without fetching the service description"
            },
        )
        .with("registration", seen[j].evidence()),
        _ => nothing("discovery", "fetched the service description"),
    });

    // registration
    r.push(match reg {
        None => nothing("register", "registered a client"),
        Some(j) => {
            let x = &seen[j];
            let body: Value = serde_json::from_slice(&x.body).unwrap_or(Value::Null);
            let mut missing: Vec<&str> = [
                "client_name",
                "client_uri",
                "logo_uri",
                "tos_uri",
                "policy_uri",
                "software_id",
                "software_version",
                "scope",
            ]
            .into_iter()
            .filter(|k| {
                !body
                    .get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|v| !v.is_empty())
            })
            .collect();
            if !body
                .get("redirect_uris")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                missing.push("redirect_uris (an array)");
            }
            if missing.is_empty() {
                CheckResult::new(
                    &def("register"),
                    Verdict::Pass,
                    "every required registration field present",
                )
                .with("request", x.evidence())
            } else {
                CheckResult::new(
                    &def("register"),
                    Verdict::Fail,
                    format!("registration lacks: {}", missing.join(", ")),
                )
                .with("request", x.evidence())
            }
        }
    });

    // the authorization request, the one the token was finally obtained from
    let auth = seen
        .iter()
        .rev()
        .find(|x| x.method == "GET" && x.path == "/oauth/authorize");
    let needed: Vec<String> = match s.o.role {
        Role::Read => vec![
            std.scope("credential.readonly"),
            std.scope("profile.readonly"),
        ],
        Role::Write => vec![std.scope("credential.upsert")],
    };
    r.push(match auth {
        None => nothing("scopes", "sent the learner to the authorization endpoint"),
        Some(x) => {
            let asked: Vec<&str> = x
                .query
                .get("scope")
                .map(|s| s.split_whitespace().collect())
                .unwrap_or_default();
            let offered: Vec<String> = [
                "credential.readonly",
                "credential.upsert",
                "profile.readonly",
                "profile.update",
            ]
            .iter()
            .map(|n| std.scope(n))
            .collect();
            let lacking: Vec<&String> = needed
                .iter()
                .filter(|n| !asked.contains(&n.as_str()))
                .collect();
            let unknown: Vec<&&str> = asked
                .iter()
                .filter(|a| **a != "offline_access" && !offered.iter().any(|o| o == *a))
                .collect();
            if lacking.is_empty() && unknown.is_empty() {
                CheckResult::new(
                    &def("scopes"),
                    Verdict::Pass,
                    format!("asked: {}", asked.join(" ")),
                )
                .with("request", x.evidence())
            } else {
                let mut why = Vec::new();
                if !lacking.is_empty() {
                    why.push(format!(
                        "missing {}",
                        lacking
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if !unknown.is_empty() {
                    why.push(format!(
                        "not offered: {}",
                        unknown.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
                    ));
                }
                CheckResult::new(&def("scopes"), Verdict::Fail, why.join("; "))
                    .with("request", x.evidence())
            }
        }
    });

    // PKCE: on the authorization request, then its verifier at the token endpoint
    let token_req = seen.iter().find(|x| {
        x.method == "POST"
            && x.path == "/oauth/token"
            && form(&x.body)
                .get("grant_type")
                .is_some_and(|g| g == "authorization_code")
    });
    r.push(match auth {
        None => nothing("pkce", "sent an authorization request"),
        Some(x) => {
            let method = x.query.get("code_challenge_method").map(String::as_str);
            let challenge = x.query.get("code_challenge");
            match (challenge, method) {
                (None, _) => CheckResult::new(
                    &def("pkce"),
                    Verdict::Fail,
                    "no code_challenge: PKCE is required",
                )
                .with("request", x.evidence()),
                (Some(_), m) if m != Some("S256") => CheckResult::new(
                    &def("pkce"),
                    Verdict::Fail,
                    format!(
                        "code_challenge_method is {}, S256 is required",
                        m.unwrap_or("absent (plain)")
                    ),
                )
                .with("request", x.evidence()),
                (Some(ch), _) => match token_req.map(|t| form(&t.body)) {
                    None => nothing("pkce", "exchanged the code at the token endpoint"),
                    Some(f) => match f.get("code_verifier") {
                        Some(v)
                            if base64::engine::general_purpose::URL_SAFE_NO_PAD
                                .encode(Sha256::digest(v.as_bytes()))
                                == *ch =>
                        {
                            CheckResult::new(
                                &def("pkce"),
                                Verdict::Pass,
                                "S256 challenge, and the verifier matches",
                            )
                        }
                        Some(_) => CheckResult::new(
                            &def("pkce"),
                            Verdict::Fail,
                            "the code_verifier does not hash to the code_challenge",
                        ),
                        None => CheckResult::new(
                            &def("pkce"),
                            Verdict::Fail,
                            "the token request has no code_verifier",
                        ),
                    },
                },
            }
        }
    });

    // state
    r.push(match auth {
        None => nothing("state", "sent an authorization request"),
        Some(x) => match x.query.get("state") {
            Some(st) if st.len() >= 8 => CheckResult::new(
                &def("state"),
                Verdict::Pass,
                format!("state of {} characters", st.len()),
            ),
            Some(st) => CheckResult::new(
                &def("state"),
                Verdict::Warn,
                format!("state of only {} characters: guessable", st.len()),
            ),
            None => CheckResult::new(
                &def("state"),
                Verdict::Fail,
                "no state parameter: the spec requires one against CSRF",
            )
            .with("request", x.evidence()),
        },
    });

    // token request
    r.push(match token_req {
        None => nothing(
            "token-request",
            "exchanged an authorization code for a token",
        ),
        Some(t) => {
            let f = form(&t.body);
            let mut wrong = Vec::new();
            if !t
                .authorization
                .as_deref()
                .is_some_and(|a| a.to_ascii_lowercase().starts_with("basic "))
            {
                wrong.push("no HTTP Basic client authentication (client_secret_basic)".to_owned());
            }
            for k in ["code", "redirect_uri", "code_verifier"] {
                if !f.contains_key(k) {
                    wrong.push(format!("no {k}"));
                }
            }
            if let (Some(a), Some(ru)) = (auth, f.get("redirect_uri")) {
                if a.query.get("redirect_uri") != Some(ru) {
                    wrong.push("redirect_uri differs from the authorization request's".into());
                }
            }
            if t.status >= 300 {
                wrong.push(format!("the provider refused it ({})", t.status));
            }
            if wrong.is_empty() {
                let v = if f.contains_key("scope") {
                    Verdict::Pass
                } else {
                    Verdict::Warn
                };
                CheckResult::new(
                    &def("token-request"),
                    v,
                    if v == Verdict::Pass {
                        "well-formed token request".to_owned()
                    } else {
                        "well-formed, but without the scope parameter the spec lists as required"
                            .to_owned()
                    },
                )
                .with("request", t.evidence())
            } else {
                CheckResult::new(&def("token-request"), Verdict::Fail, wrong.join("; "))
                    .with("request", t.evidence())
            }
        }
    });

    let api_calls = |m: &str, p: &str| -> Vec<&Seen> {
        seen.iter()
            .filter(|x| x.method == m && x.path == format!("{api}{p}"))
            .collect()
    };
    match s.o.role {
        Role::Read => {
            let gets = api_calls("GET", "/credentials");
            let ok: Vec<&&Seen> = gets.iter().filter(|x| x.status == 200).collect();
            r.push(match (gets.is_empty(), ok.is_empty()) {
                (true, _) => nothing("get-credentials", "called getCredentials"),
                (false, true) => CheckResult::new(
                    &def("get-credentials"),
                    Verdict::Fail,
                    "getCredentials was called, never with a valid token and scope",
                )
                .with("request", gets[0].evidence()),
                _ => CheckResult::new(
                    &def("get-credentials"),
                    Verdict::Pass,
                    format!("{} successful call(s)", ok.len()),
                )
                .with("first", ok[0].evidence()),
            });
            let total = s.credentials.len();
            let mut got = std::collections::BTreeSet::new();
            for x in &ok {
                let offset: usize = x
                    .query
                    .get("offset")
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(0);
                let limit: usize = x
                    .query
                    .get("limit")
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(s.o.page_size)
                    .min(s.o.page_size)
                    .max(1);
                for i in offset..(offset + limit).min(total) {
                    got.insert(i);
                }
            }
            r.push(if ok.is_empty() {
                nothing("paging", "fetched a page of credentials")
            } else if got.len() == total {
                CheckResult::new(&def("paging"), Verdict::Pass, format!("all {total} credentials fetched over {} page request(s)", ok.len()))
            } else {
                CheckResult::new(&def("paging"), Verdict::Fail, format!("only {} of {total} credentials fetched: the Link rel=\"next\" was not followed", got.len()))
                    .with("pages fetched", Value::Array(ok.iter().map(|x| x.evidence()).collect()))
            });
            let prof = api_calls("GET", "/profile");
            r.push(match prof.iter().find(|x| x.status == 200) {
                Some(x) => CheckResult::new(&def("get-profile"), Verdict::Pass, "profile fetched")
                    .with("request", x.evidence()),
                None if !prof.is_empty() => CheckResult::new(
                    &def("get-profile"),
                    Verdict::Fail,
                    "getProfile was called, never with a valid token and scope",
                )
                .with("request", prof[0].evidence()),
                None => nothing("get-profile", "called getProfile"),
            });
        }
        Role::Write => {
            let ups = api_calls("POST", "/credentials");
            r.push(match ups.last() {
                None => nothing("upsert", "called upsertCredential"),
                Some(x) if x.status >= 300 => CheckResult::new(
                    &def("upsert"),
                    Verdict::Fail,
                    format!(
                        "upsertCredential was refused ({}): token, scope or body",
                        x.status
                    ),
                )
                .with("request", x.evidence()),
                Some(x) => {
                    let std_issuer = crate::issuer::run(
                        std,
                        "upserted credential",
                        &x.body,
                        &wellspring_verify::Options::offline(chrono::Utc::now()),
                    );
                    let failed: Vec<&str> = std_issuer
                        .checks
                        .iter()
                        .filter(|c| c.verdict == Verdict::Fail)
                        .map(|c| c.id)
                        .collect();
                    if failed.is_empty() {
                        CheckResult::new(
                            &def("upsert"),
                            Verdict::Pass,
                            format!(
                                "the credential verifies and is issued to {CONFORMANCE_RECIPIENT}"
                            ),
                        )
                        .with("request", x.evidence())
                    } else {
                        let mut c = CheckResult::new(
                            &def("upsert"),
                            Verdict::Fail,
                            format!("the upserted credential fails {}", failed.join(", ")),
                        )
                        .with("request", x.evidence());
                        for f in std_issuer
                            .checks
                            .iter()
                            .filter(|c| c.verdict == Verdict::Fail)
                        {
                            c = c.with(f.id, f.message.clone());
                        }
                        c
                    }
                }
            });
            let puts = api_calls("PUT", "/profile");
            r.push(match puts.last() {
                None => CheckResult::new(&def("put-profile"), Verdict::Skip, "putProfile not called (optional)"),
                Some(x) => {
                    let v: Option<Value> = serde_json::from_slice(&x.body).ok();
                    let url = match std {
                        Standard::Ob30 => "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json",
                        Standard::Clr20 => "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_profile_schema.json",
                    };
                    match v.as_ref().and_then(|v| wellspring_verify::schema::validate(url, wellspring_verify::schema::Form::V2, v)) {
                        Some(Ok(errs)) if errs.is_empty() => CheckResult::new(&def("put-profile"), Verdict::Pass, "a Profile valid against the official schema").with("request", x.evidence()),
                        Some(Ok(errs)) => CheckResult::new(&def("put-profile"), Verdict::Fail, format!("{} schema error(s); first: {}", errs.len(), errs[0].message)).with("request", x.evidence()),
                        _ => CheckResult::new(&def("put-profile"), Verdict::Fail, "the body is not a JSON Profile").with("request", x.evidence()),
                    }
                }
            });
        }
    }
    r
}
