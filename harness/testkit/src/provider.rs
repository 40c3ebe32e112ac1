//! A compact, purpose-built OB 3.0 / CLR 2.0 Service Provider for the provider-suite tests
//! (suites/ob30, the CLI and the matrix tests; not a product — the reference hub is
//! `reference-impl/hub`):
//! discovery, registration, an HTML login + consent form, authorization code + PKCE, token,
//! refresh (rotating), revocation, RFC 8414 metadata, getCredentials (paging, since),
//! upsertCredential, getProfile/putProfile. In memory. `Faults` turn on one defect each.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wellspring_model::Standard;

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

fn rand_token(prefix: &str) -> String {
    use rand::RngCore;
    let mut b = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut b);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    )
}

fn imsx(status: StatusCode, minor: &str, desc: &str) -> Response {
    let body = json!({
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": desc,
        "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": minor}]}
    });
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn json_resp(status: StatusCode, v: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The request's parameters carried on as hidden inputs (not the credentials or the decision).
fn hidden(q: &HashMap<String, String>) -> maud::Markup {
    maud::html! {
        @for (k, v) in q.iter().filter(|(k, _)| !matches!(k.as_str(), "username" | "password" | "decision")) {
            input type="hidden" name=(k) value=(v);
        }
    }
}

fn html(s: String) -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/html; charset=utf-8")],
        s,
    )
        .into_response()
}

fn key_of(v: &Value) -> String {
    let iss = v
        .get("issuer")
        .map(|i| i.get("id").unwrap_or(i))
        .and_then(Value::as_str)
        .unwrap_or("");
    format!(
        "{}|{}",
        iss,
        v.get("id").and_then(Value::as_str).unwrap_or("")
    )
}

fn jws_payload(jws: &str) -> Option<Value> {
    let p = jws.split('.').nth(1)?;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p)
        .ok()?;
    let v: Value = serde_json::from_slice(&b).ok()?;
    Some(v.get("vc").cloned().unwrap_or(v))
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

fn discovery(s: &Shared) -> Response {
    let b = &s.base;
    let scopes: serde_json::Map<String, Value> = [
        "credential.readonly",
        "credential.upsert",
        "profile.readonly",
        "profile.update",
    ]
    .iter()
    .map(|x| {
        (
            format!("{}{x}", s.scope_base),
            Value::String(format!("{x} access")),
        )
    })
    .collect();
    json_resp(
        StatusCode::OK,
        json!({
            "openapi": "3.0.1",
            "info": {"title": "Suite test provider", "version": "1.0", "termsOfService": format!("{b}/tos"), "x-imssf-privacyPolicyUrl": format!("{b}/privacy")},
            "components": {"securitySchemes": {"OAuth2ACG": {
                "type": "oauth2",
                "x-imssf-registrationUrl": format!("{b}/register"),
                "flows": {"authorizationCode": {
                    "authorizationUrl": format!("{b}/authorize"),
                    "tokenUrl": format!("{b}/token"),
                    "refreshUrl": format!("{b}/token"),
                    "scopes": scopes
                }}
            }}}
        }),
    )
}

fn register(s: &Shared, body: &[u8]) -> Response {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return json_resp(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_client_metadata"}),
        );
    };
    let uris: Vec<String> = v
        .get("redirect_uris")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if uris.is_empty() && !s.faults.register_without_redirects {
        return json_resp(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_redirect_uri", "error_description": "redirect_uris is required"}),
        );
    }
    let id = rand_token("client-");
    let secret = rand_token("secret-");
    let mut g = s.inner.lock().unwrap();
    g.clients.insert(id.clone(), (secret.clone(), uris));
    g.secrets.push(secret.clone());
    let mut out = v.clone();
    out["client_id"] = json!(id);
    out["client_secret"] = json!(secret);
    out["client_id_issued_at"] = json!(chrono::Utc::now().timestamp());
    out["client_secret_expires_at"] = json!(0);
    json_resp(StatusCode::CREATED, out)
}

fn authorize(s: &Shared, q: &HashMap<String, String>) -> Response {
    let g = s.inner.lock().unwrap();
    let client = q.get("client_id").and_then(|c| g.clients.get(c));
    let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
    let Some((_, uris)) = client else {
        return (StatusCode::BAD_REQUEST, "unknown client").into_response();
    };
    if !uris.contains(&redirect) {
        if s.faults.redirect_anywhere {
            let loc = format!("{redirect}?error=invalid_request");
            return (StatusCode::FOUND, [("location", loc)]).into_response();
        }
        return (StatusCode::BAD_REQUEST, "redirect_uri is not registered").into_response();
    }
    let method = q.get("code_challenge_method").map(String::as_str);
    let method_ok =
        method == Some("S256") || (s.faults.accept_plain_pkce && method == Some("plain"));
    if !s.faults.pkce_optional && (q.get("code_challenge").is_none() || !method_ok) {
        let loc = format!(
            "{redirect}?error=invalid_request&state={}",
            q.get("state").cloned().unwrap_or_default()
        );
        return (StatusCode::FOUND, [("location", loc)]).into_response();
    }
    html(
        maud::html! {
            (maud::DOCTYPE)
            title { "Sign in" }
            form method="post" action="login" {
                (hidden(q))
                label { "Email " input type="email" name="username"; }
                label { "Password " input type="password" name="password"; }
                button type="submit" { "Sign in" }
            }
        }
        .into_string(),
    )
}

fn login(_s: &Shared, f: &HashMap<String, String>) -> Response {
    if f.get("username").map(String::as_str) != Some(USER)
        || f.get("password").map(String::as_str) != Some(PASSWORD)
    {
        return (
            StatusCode::UNAUTHORIZED,
            [("content-type", "text/html")],
            "<p>wrong login</p>",
        )
            .into_response();
    }
    html(
        maud::html! {
            (maud::DOCTYPE)
            title { "Consent" }
            p { "Allow access?" }
            form method="post" action="/consent" {
                (hidden(f))
                button type="submit" name="decision" value="deny" { "Deny" }
                button type="submit" name="decision" value="approve" { "Approve" }
            }
        }
        .into_string(),
    )
}

fn consent(s: &Shared, f: &HashMap<String, String>) -> Response {
    let redirect = f.get("redirect_uri").cloned().unwrap_or_default();
    let state = f.get("state").cloned().unwrap_or_default();
    if f.get("decision").map(String::as_str) != Some("approve") {
        return (
            StatusCode::FOUND,
            [(
                "location",
                format!("{redirect}?error=access_denied&state={state}"),
            )],
        )
            .into_response();
    }
    let mut g = s.inner.lock().unwrap();
    let ok = f
        .get("client_id")
        .and_then(|c| g.clients.get(c))
        .is_some_and(|(_, u)| u.contains(&redirect));
    if !ok {
        return (StatusCode::BAD_REQUEST, "bad client").into_response();
    }
    let code = rand_token("code-");
    g.secrets.push(code.clone());
    g.codes.insert(
        code.clone(),
        Code {
            client: f["client_id"].clone(),
            redirect: redirect.clone(),
            challenge: f.get("code_challenge").cloned().unwrap_or_default(),
            plain: f.get("code_challenge_method").map(String::as_str) == Some("plain"),
            scopes: f
                .get("scope")
                .map(|x| x.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            used: false,
            tokens: Vec::new(),
        },
    );
    let state = if s.faults.wrong_state {
        format!("{state}-other")
    } else {
        state
    };
    let mut loc = url::Url::parse(&redirect).unwrap();
    loc.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &state);
    (StatusCode::FOUND, [("location", loc.to_string())]).into_response()
}

fn token_error(e: &str) -> Response {
    json_resp(StatusCode::BAD_REQUEST, json!({"error": e}))
}

fn token(s: &Shared, h: &HeaderMap, f: &HashMap<String, String>) -> Response {
    let basic = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let unauthenticated = basic.is_none() && s.faults.token_without_client_auth;
    let basic = if unauthenticated {
        f.get("client_id").map(|id| {
            let secret = s
                .inner
                .lock()
                .unwrap()
                .clients
                .get(id)
                .map(|(sec, _)| sec.clone())
                .unwrap_or_default();
            format!("{id}:{secret}")
        })
    } else {
        basic
    };
    let Some((id, secret)) = basic
        .as_deref()
        .and_then(|b| b.split_once(':'))
        .map(|(a, b)| {
            (
                url::form_urlencoded::parse(a.as_bytes())
                    .map(|(k, _)| k.into_owned())
                    .next()
                    .unwrap_or_default(),
                url::form_urlencoded::parse(b.as_bytes())
                    .map(|(k, _)| k.into_owned())
                    .next()
                    .unwrap_or_default(),
            )
        })
    else {
        return json_resp(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    };
    let mut g = s.inner.lock().unwrap();
    if g.clients
        .get(&id)
        .map(|(sec, _)| sec != &secret)
        .unwrap_or(true)
    {
        return json_resp(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    }
    let scopes = match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = f.get("code").cloned().unwrap_or_default();
            let Some(c) = g.codes.get_mut(&code) else {
                return token_error("invalid_grant");
            };
            if c.client != id
                || (f.get("redirect_uri") != Some(&c.redirect) && !s.faults.ignore_redirect_binding)
            {
                return token_error("invalid_grant");
            }
            if c.used && !s.faults.reuse_code {
                let revoke = c.tokens.clone();
                for t in revoke {
                    if let Some(t) = g.tokens.get_mut(&t) {
                        t.revoked = true;
                    }
                }
                return token_error("invalid_grant");
            }
            let verifier = f.get("code_verifier").cloned().unwrap_or_default();
            let ch = if c.plain {
                verifier.clone()
            } else {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()))
            };
            let no_pkce = s.faults.pkce_optional && c.challenge.is_empty();
            if ch != c.challenge && !s.faults.ignore_verifier && !no_pkce {
                return token_error("invalid_grant");
            }
            c.used = true;
            c.scopes.clone()
        }
        Some("refresh_token") => {
            let rt = f.get("refresh_token").cloned().unwrap_or_default();
            match g.refresh.remove(&rt) {
                Some(_) if s.faults.refresh_widens_scope && f.contains_key("scope") => {
                    f["scope"].split_whitespace().map(str::to_owned).collect()
                }
                Some(sc)
                    if f.get("scope").is_some_and(|w| {
                        w.split_whitespace().any(|x| !sc.iter().any(|g| g == x))
                    }) =>
                {
                    return token_error("invalid_scope")
                }
                Some(sc) if !s.faults.refuse_refresh => sc,
                _ => return token_error("invalid_grant"),
            }
        }
        _ => return token_error("unsupported_grant_type"),
    };
    let access = rand_token("at-");
    let refresh = rand_token("rt-");
    let life = s.faults.short_expiry.unwrap_or(3600);
    g.tokens.insert(
        access.clone(),
        Token {
            scopes: scopes.clone(),
            until: Instant::now() + Duration::from_secs(life),
            revoked: false,
        },
    );
    g.refresh.insert(refresh.clone(), scopes.clone());
    g.secrets.push(access.clone());
    g.secrets.push(refresh.clone());
    if let Some(c) = f.get("code").and_then(|c| g.codes.get_mut(c)) {
        c.tokens.push(access.clone());
    }
    let mut answer = json!({"access_token": access, "token_type": "Bearer", "expires_in": life, "refresh_token": refresh, "scope": scopes.join(" ")});
    if s.faults.omit_expires_in {
        answer.as_object_mut().unwrap().remove("expires_in");
    }
    let mut r = json_resp(StatusCode::OK, answer);
    if !s.faults.token_cacheable {
        r.headers_mut()
            .insert("cache-control", HeaderValue::from_static("no-store"));
        r.headers_mut()
            .insert("pragma", HeaderValue::from_static("no-cache"));
    }
    r
}

/// The bearer token's scopes, or the error response.
#[allow(clippy::result_large_err)]
fn authz(s: &Shared, h: &HeaderMap, need: &str) -> Result<(), Response> {
    let t = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let g = s.inner.lock().unwrap();
    if s.faults.accept_unknown_tokens && t.as_ref().is_some_and(|t| !g.tokens.contains_key(t)) {
        return Ok(());
    }
    let Some(tok) = t.and_then(|t| g.tokens.get(&t)) else {
        return Err(imsx(
            StatusCode::UNAUTHORIZED,
            "unauthorizedrequest",
            "a valid access token is required",
        ));
    };
    if tok.revoked || (Instant::now() >= tok.until && !s.faults.ignore_expiry) {
        return Err(imsx(
            StatusCode::UNAUTHORIZED,
            "unauthorizedrequest",
            "the access token is revoked or expired",
        ));
    }
    if !s.faults.ignore_scopes
        && !tok
            .scopes
            .iter()
            .any(|x| x == &format!("{}{need}", s.scope_base))
    {
        return Err(imsx(StatusCode::FORBIDDEN, "forbidden", "scope missing"));
    }
    Ok(())
}

fn credentials(
    s: &Shared,
    m: &str,
    h: &HeaderMap,
    q: &HashMap<String, String>,
    body: &[u8],
) -> Response {
    if m == "POST" {
        if let Err(e) = authz(s, h, "credential.upsert") {
            return e;
        }
        let ctype = h
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (key, stored, echo, ct) = if ctype.starts_with("text/plain") {
            if s.faults.refuse_jws {
                return imsx(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "JSON only",
                );
            }
            let text = String::from_utf8_lossy(body).trim().to_owned();
            let Some(p) = jws_payload(&text) else {
                return imsx(StatusCode::BAD_REQUEST, "invalid_data", "not a compact JWS");
            };
            let stored = if s.faults.jws_rewritten {
                p.clone()
            } else {
                Value::String(text.clone())
            };
            (key_of(&p), stored, text, "text/plain")
        } else {
            let v = match serde_json::from_slice::<Value>(body) {
                Ok(v) => v,
                Err(_) if s.faults.accept_malformed_upsert => {
                    let text = String::from_utf8_lossy(body).into_owned();
                    return (
                        StatusCode::CREATED,
                        [("content-type", "application/json")],
                        text,
                    )
                        .into_response();
                }
                Err(_) => return imsx(StatusCode::BAD_REQUEST, "invalid_data", "malformed JSON"),
            };
            if v.get("id").is_none() || v.get("issuer").is_none() {
                return imsx(StatusCode::BAD_REQUEST, "invalid_data", "not a credential");
            }
            let mut st = v.clone();
            if s.faults.lose_fields {
                if let Some(o) = st.as_object_mut() {
                    o.remove("proof");
                }
            }
            (key_of(&v), st, v.to_string(), "application/json")
        };
        let mut g = s.inner.lock().unwrap();
        let now = chrono::Utc::now();
        let (replaced, created) = match (s.faults.replace_answers_201, s.faults.create_answers_200)
        {
            (true, _) => (StatusCode::CREATED, StatusCode::CREATED),
            (_, true) => (StatusCode::OK, StatusCode::OK),
            _ => (StatusCode::OK, StatusCode::CREATED),
        };
        let status = if let Some(e) = g.creds.iter_mut().find(|(k, _, _)| *k == key) {
            e.1 = stored;
            replaced
        } else {
            g.creds.push((key, stored, now));
            created
        };
        return (status, [("content-type", ct)], echo).into_response();
    }
    if m == "DELETE" && s.faults.delete_allowed {
        s.inner.lock().unwrap().creds.clear();
        return StatusCode::OK.into_response();
    }
    if m != "GET" {
        return imsx(
            StatusCode::METHOD_NOT_ALLOWED,
            "not_allowed",
            "method not allowed",
        );
    }
    if let Err(e) = authz(s, h, "credential.readonly") {
        return e;
    }
    let parse = |k: &str, min: i64| -> Result<Option<i64>, ()> {
        match q.get(k) {
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= min)
                .map(Some)
                .ok_or(()),
        }
    };
    let lenient = |r: Result<Option<i64>, ()>| match r {
        Err(()) if s.faults.lenient_query => Ok(None),
        r => r,
    };
    let (Ok(limit), Ok(offset)) = (lenient(parse("limit", 1)), lenient(parse("offset", 0))) else {
        return imsx(
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
            "limit must be ≥ 1, offset ≥ 0",
        );
    };
    let since = match q.get("since") {
        None => None,
        Some(v) => match chrono::DateTime::parse_from_rfc3339(v) {
            Ok(d) => Some(d.with_timezone(&chrono::Utc)),
            Err(_) => {
                return imsx(
                    StatusCode::BAD_REQUEST,
                    "invalid_query_parameter",
                    "since is not a date-time",
                )
            }
        },
    };
    let g = s.inner.lock().unwrap();
    let items: Vec<&Value> = g
        .creds
        .iter()
        .filter(|(_, _, at)| s.faults.ignore_since || since.is_none_or(|d| *at > d))
        .map(|(_, v, _)| v)
        .collect();
    let total = items.len();
    let offset = offset.unwrap_or(0) as usize;
    let limit = limit.unwrap_or(100) as usize;
    let page: Vec<&Value> = items.iter().skip(offset).take(limit).copied().collect();
    let body = json!({
        "credential": page.iter().filter(|v| v.is_object()).collect::<Vec<_>>(),
        "compactJwsString": page.iter().filter(|v| v.is_string()).collect::<Vec<_>>(),
    });
    let mut r = json_resp(StatusCode::OK, body);
    if !s.faults.bad_paging {
        let u = |o: usize| {
            format!(
                "<{}{}/credentials?limit={limit}&offset={o}>",
                s.base, s.path
            )
        };
        let last = if total == 0 {
            0
        } else {
            (total - 1) / limit * limit
        };
        let mut l = vec![
            format!("{}; rel=\"first\"", u(0)),
            format!("{}; rel=\"last\"", u(last)),
        ];
        if offset + page.len() < total {
            l.push(format!("{}; rel=\"next\"", u(offset + limit)));
        }
        if offset > 0 {
            l.push(format!("{}; rel=\"prev\"", u(offset.saturating_sub(limit))));
        }
        if !s.faults.omit_total_count {
            r.headers_mut()
                .insert("x-total-count", HeaderValue::from(total));
        }
        r.headers_mut()
            .insert("link", HeaderValue::from_str(&l.join(", ")).unwrap());
    }
    r
}

fn profile(s: &Shared, m: &str, h: &HeaderMap, body: &[u8]) -> Response {
    match m {
        "GET" => {
            let anonymous = !h.contains_key("authorization");
            if !(s.faults.profile_without_token && anonymous) {
                let need = if s.faults.profile_ignores_scopes {
                    "credential.readonly"
                } else {
                    "profile.readonly"
                };
                if let Err(e) = authz(s, h, need) {
                    return e;
                }
            }
            if s.faults.bad_profile {
                return json_resp(StatusCode::OK, json!({"profile": "Suite Tester"}));
            }
            json_resp(StatusCode::OK, s.inner.lock().unwrap().profile.clone())
        }
        "PUT" if s.faults.refuse_profile_put => imsx(
            StatusCode::METHOD_NOT_ALLOWED,
            "not_allowed",
            "method not allowed",
        ),
        "PUT" => {
            let need = if s.faults.profile_ignores_scopes {
                "profile.readonly"
            } else {
                "profile.update"
            };
            if let Err(e) = authz(s, h, need) {
                return e;
            }
            let Ok(v) = serde_json::from_slice::<Value>(body) else {
                if s.faults.accept_malformed_profile {
                    return json_resp(StatusCode::OK, s.inner.lock().unwrap().profile.clone());
                }
                return imsx(StatusCode::BAD_REQUEST, "invalid_data", "malformed JSON");
            };
            if !v.is_object() {
                return imsx(StatusCode::BAD_REQUEST, "invalid_data", "not a Profile");
            }
            s.inner.lock().unwrap().profile = v.clone();
            json_resp(StatusCode::OK, v)
        }
        _ => imsx(
            StatusCode::METHOD_NOT_ALLOWED,
            "not_allowed",
            "method not allowed",
        ),
    }
}
