//! The provider the harness plays for the consumer under test: discovery, registration, the
//! sign-in and consent pages, token, getCredentials (paged), upsertCredential, profile; every
//! request recorded for the judge.

use super::*;

pub(super) fn imsx(status: StatusCode, minor: &str, description: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": description,
               "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}]}})
        .to_string(),
    )
        .into_response()
}

pub(super) fn json_response(status: StatusCode, v: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

pub(super) fn discovery(s: &Shared) -> Value {
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

pub(super) async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let resp = route(&s, &method, &uri, &headers, &body);
    s.record(&method, &uri, &headers, &body, &resp);
    resp
}

pub(super) fn route(
    s: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
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

pub(super) fn test_profile(s: &Shared) -> Value {
    json!({"id": format!("{}/profiles/conformance", s.base), "type": ["Profile"],
           "name": "Wellspring Conformance Learner", "email": s.o.user})
}

pub(super) fn status_list(s: &Shared, path: &str) -> Response {
    if path == "/status/revocation-list" {
        return json_response(StatusCode::OK, s.status_list.clone());
    }
    imsx(StatusCode::NOT_FOUND, "not_found", "no such document")
}

pub(super) fn register(s: &Shared, body: &[u8]) -> Response {
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

/// The harness provider's page style (served inline: this page is the harness's own, not a
/// product under the reference servers' CSP).
const PAGE_STYLE: &str =
    "body{font:16px system-ui,sans-serif;max-width:420px;margin:60px auto;color:#1b1f24}\
input,button{font:inherit;display:block;width:100%;margin:6px 0 14px;padding:8px}";

pub(super) fn page(title: &str, inner: maud::Markup) -> Response {
    let m = maud::html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) }
                style { (maud::PreEscaped(PAGE_STYLE)) }
            }
            body {
                h1 { (title) }
                (inner)
            }
        }
    };
    Html(m.into_string()).into_response()
}

/// The sign-in form for pending request `id`.
fn sign_in_form(id: &str) -> maud::Markup {
    maud::html! {
        form method="post" action="/oauth/login" {
            input type="hidden" name="request" value=(id);
            label { "Email" input type="email" name="username" autocomplete="username"; }
            label { "Password" input type="password" name="password" autocomplete="current-password"; }
            button type="submit" name="decision" value="approve" { "Sign in and allow" }
        }
    }
}

pub(super) fn authorize(s: &Shared, q: &HashMap<String, String>) -> Response {
    let client_id = q.get("client_id").cloned().unwrap_or_default();
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    let mut p = s.state.lock().unwrap_or_else(|e| e.into_inner());
    let Some((_, uris)) = p.clients.get(&client_id) else {
        return page(
            "Unknown client",
            maud::html! { p { "This client_id was not registered with the conformance provider." } },
        );
    };
    if !uris.contains(&redirect_uri) {
        return page(
            "Unknown redirect URI",
            maud::html! { p { "The redirect_uri is not one the client registered; it is not redirected to." } },
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
        sign_in_form(&id),
    )
}

pub(super) fn login(s: &Shared, body: &[u8]) -> Response {
    let f = form(body);
    let mut p = s.state.lock().unwrap_or_else(|e| e.into_inner());
    let Some(req) = f.get("request").and_then(|r| p.pending.remove(r)) else {
        return page(
            "Expired",
            maud::html! { p { "This sign-in request is unknown or was already used." } },
        );
    };
    if f.get("username") != Some(&s.o.user) || f.get("password") != Some(&s.o.password) {
        let id = s.fresh(&mut p, "pending");
        p.pending.insert(id.clone(), req);
        return page("Wrong email or password", sign_in_form(&id));
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

pub(super) fn basic_client(headers: &HeaderMap) -> Option<(String, String)> {
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

pub(super) fn token_error(e: &str, d: &str) -> Response {
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

pub(super) fn token(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
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

/// Refuses a request whose bearer token does not grant `scope` (`credential.readonly`…): 403
/// for a token without it, 401 without a valid token.
fn require_scope(s: &Shared, headers: &HeaderMap, scope: &str) -> Result<(), Response> {
    match s.bearer(headers) {
        Some(sc) if sc.contains(&s.o.standard.scope(scope)) => Ok(()),
        Some(_) => Err(imsx(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("the token lacks {scope}"),
        )),
        None => Err(imsx(
            StatusCode::UNAUTHORIZED,
            "unauthorizedrequest",
            "a valid access token is required",
        )),
    }
}

pub(super) fn get_credentials(
    s: &Shared,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Response {
    if let Err(r) = require_scope(s, headers, "credential.readonly") {
        return r;
    }
    let (limit, offset) = match page_of(s, q) {
        Ok(page) => page,
        Err(r) => return r,
    };
    if let Some(r) = errors::inject(s, headers, offset) {
        return r;
    }
    let total = s.credentials.len();
    let items: Vec<Value> = s
        .credentials
        .iter()
        .skip(offset)
        .take(limit)
        .cloned()
        .collect();
    (
        StatusCode::OK,
        [
            ("content-type", "application/json".to_owned()),
            ("x-total-count", total.to_string()),
            ("link", page_links(s, limit, offset, total)),
        ],
        json!({"credential": items, "compactJwsString": []}).to_string(),
    )
        .into_response()
}

/// The page a credentials query asks for: (`limit`, at most the page size; `offset`), or the
/// 400 answer to a bad value.
fn page_of(s: &Shared, q: &HashMap<String, String>) -> Result<(usize, usize), Response> {
    let parse = |k: &str| q.get(k).map(|v| v.parse::<usize>());
    let limit = match parse("limit") {
        None => s.o.page_size,
        Some(Ok(n)) if n >= 1 => n.min(s.o.page_size),
        _ => {
            return Err(imsx(
                StatusCode::BAD_REQUEST,
                "invalid_query_parameter",
                "limit must be a positive integer",
            ))
        }
    };
    let offset = match parse("offset") {
        None => 0,
        Some(Ok(n)) => n,
        _ => {
            return Err(imsx(
                StatusCode::BAD_REQUEST,
                "invalid_query_parameter",
                "offset must be a non-negative integer",
            ))
        }
    };
    Ok((limit, offset))
}

/// The `Link` header of a page of `total` credentials: next (when there is one), last, first,
/// and prev (past the first page).
fn page_links(s: &Shared, limit: usize, offset: usize, total: usize) -> String {
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
    links.join(", ")
}

pub(super) fn upsert(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
    if let Err(r) = require_scope(s, headers, "credential.upsert") {
        return r;
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
