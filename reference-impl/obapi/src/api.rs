//! The API of one standard: discovery, getCredentials, upsertCredential, getProfile,
//! putProfile. Every call but discovery needs a bearer token with the operation's scope;
//! every error is an `imsx_StatusInfo` with the HTTP status the spec lists.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use base64::Engine;
use serde_json::Value;

use crate::oauth::Access;
use crate::{imsx, json_response, ApiError, Ctx, Incoming, Item, Standard, Upserted};

pub(crate) fn routes(s: Standard) -> Router<Ctx> {
    let p = s.api_path();
    Router::new()
        .route(&format!("{p}/discovery"), get(move |State(ctx): State<Ctx>| async move { discovery(ctx, s) }))
        .route(
            &format!("{p}/credentials"),
            any(move |State(ctx): State<Ctx>, m: Method, uri: Uri, h: HeaderMap, body: Bytes| async move {
                match m {
                    Method::GET => get_credentials(ctx, s, &uri, &h).await,
                    Method::POST => upsert(ctx, s, &h, body).await,
                    _ => not_allowed("GET, POST"),
                }
            }),
        )
        .route(
            &format!("{p}/profile"),
            any(move |State(ctx): State<Ctx>, m: Method, h: HeaderMap, body: Bytes| async move {
                match m {
                    Method::GET => get_profile(ctx, s, &h).await,
                    Method::PUT => put_profile(ctx, s, &h, body).await,
                    _ => not_allowed("GET, PUT"),
                }
            }),
        )
        .route(&format!("{p}/{{*rest}}"), any(|| async { imsx(StatusCode::NOT_FOUND, "not_found", "no such endpoint") }))
}

fn not_allowed(allow: &'static str) -> Response {
    let mut r = imsx(
        StatusCode::METHOD_NOT_ALLOWED,
        "not_allowed",
        "method not allowed",
    );
    r.headers_mut()
        .insert("allow", HeaderValue::from_static(allow));
    r
}

fn discovery(ctx: Ctx, s: Standard) -> Response {
    let mut r = json_response(StatusCode::OK, &crate::discovery_document(&ctx.cfg, s));
    r.headers_mut().insert(
        "cache-control",
        HeaderValue::from_static("public, max-age=300"),
    );
    r
}

fn unauthorized(why: &str, invalid: bool) -> Response {
    let mut r = imsx(StatusCode::UNAUTHORIZED, "unauthorizedrequest", why);
    let v = if invalid {
        "Bearer error=\"invalid_token\""
    } else {
        "Bearer"
    };
    r.headers_mut()
        .insert("www-authenticate", HeaderValue::from_static(v));
    r
}

/// The bearer token's grant when it carries `scope` of the standard.
#[allow(clippy::result_large_err)]
fn authorize(ctx: &Ctx, h: &HeaderMap, s: Standard, scope: &str) -> Result<Access, Response> {
    let token = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(unauthorized(
            "an access token is required (Authorization: Bearer)",
            false,
        ));
    };
    let a = match ctx.auth.access(token) {
        Ok(Some(a)) => a,
        Ok(None) => {
            return Err(unauthorized(
                "the access token is unknown, expired or revoked",
                true,
            ))
        }
        Err(e) => {
            return Err(imsx(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_server_error",
                &e,
            ))
        }
    };
    let need = s.scope(scope);
    if !a.scopes.contains(&need) {
        let mut r = imsx(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("the access token lacks the scope {need}"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "Bearer error=\"insufficient_scope\", scope=\"{need}\""
        )) {
            r.headers_mut().insert("www-authenticate", v);
        }
        return Err(r);
    }
    Ok(a)
}

fn bad_query(why: &str) -> Response {
    imsx(StatusCode::BAD_REQUEST, "invalid_query_parameter", why)
}

/// getCredentials query: limit, offset, since (Unix ms and the text given).
type Query = (usize, usize, Option<(i64, String)>);

#[allow(clippy::result_large_err)]
fn parse_query(ctx: &Ctx, uri: &Uri) -> Result<Query, Response> {
    let (mut limit, mut offset, mut since) = (None, None, None);
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "limit" if limit.is_none() => match v.trim().parse::<i32>() {
                Ok(n) if n >= 1 => limit = Some(n as usize),
                _ => return Err(bad_query("limit must be a positive integer")),
            },
            "offset" if offset.is_none() => match v.trim().parse::<i32>() {
                Ok(n) if n >= 0 => offset = Some(n as usize),
                _ => return Err(bad_query("offset must be a non-negative integer")),
            },
            "since" if since.is_none() => {
                match chrono::DateTime::parse_from_rfc3339(&v.trim().replace(' ', "+")) {
                    // an unencoded `+` of a UTC offset arrives as a space
                    Ok(d) => since = Some((d.timestamp_millis(), v.trim().replace(' ', "+"))),
                    Err(_) => return Err(bad_query("since must be an RFC 3339 date-time")),
                }
            }
            "limit" | "offset" | "since" => return Err(bad_query(&format!("{k} is given twice"))),
            _ => {}
        }
    }
    Ok((
        limit
            .unwrap_or(ctx.cfg.default_limit)
            .min(ctx.cfg.max_limit),
        offset.unwrap_or(0),
        since,
    ))
}

fn json_string(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

async fn get_credentials(ctx: Ctx, s: Standard, uri: &Uri, h: &HeaderMap) -> Response {
    let a = match authorize(&ctx, h, s, "credential.readonly") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (limit, offset, since) = match parse_query(&ctx, uri) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let page =
        match ctx
            .backend
            .list_credentials(a.user, s, since.as_ref().map(|x| x.0), limit, offset)
        {
            Ok(p) => p,
            Err(e) => return e.into_response(),
        };
    let mut r = (StatusCode::OK, credentials_body(&page.items)).into_response();
    let hs = r.headers_mut();
    hs.insert("content-type", HeaderValue::from_static("application/json"));
    hs.insert("cache-control", HeaderValue::from_static("no-store"));
    hs.insert("x-total-count", HeaderValue::from(page.total));
    let base = format!("{}{}/credentials", ctx.cfg.base_url, s.api_path());
    let extra = since
        .map(|(_, t)| {
            format!(
                "&since={}",
                url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
            )
        })
        .unwrap_or_default();
    let links = page_links(&base, &extra, (limit, offset), page.items.len(), page.total);
    if let Ok(v) = HeaderValue::from_str(&links) {
        hs.insert("link", v);
    }
    r
}

/// The getCredentials body: the stored JSON texts go out as they are (no re-serialization),
/// the compact JWSs as JSON strings.
fn credentials_body(items: &[Item]) -> String {
    let mut body = String::with_capacity(
        items
            .iter()
            .map(|i| match i {
                Item::Json(t) | Item::Jws(t) => t.len() + 4,
            })
            .sum::<usize>()
            + 48,
    );
    body.push_str("{\"credential\":[");
    let json = items.iter().filter_map(|i| match i {
        Item::Json(t) => Some(t.as_str()),
        Item::Jws(_) => None,
    });
    push_joined(&mut body, json);
    body.push_str("],\"compactJwsString\":[");
    let jws = items.iter().filter_map(|i| match i {
        Item::Jws(t) => Some(json_string(t)),
        Item::Json(_) => None,
    });
    push_joined(&mut body, jws);
    body.push_str("]}");
    body
}

/// Appends `parts` separated by commas.
fn push_joined<S: AsRef<str>>(out: &mut String, parts: impl Iterator<Item = S>) {
    for (n, p) in parts.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(p.as_ref());
    }
}

/// The `Link` header of a getCredentials page (next, last, first, prev): `shown` items of
/// `total` from `offset`, `limit` per page; `extra` is appended to each query (the `since`).
fn page_links(
    base: &str,
    extra: &str,
    (limit, offset): (usize, usize),
    shown: usize,
    total: usize,
) -> String {
    let link =
        |o: usize, rel: &str| format!("<{base}?limit={limit}&offset={o}{extra}>; rel=\"{rel}\"");
    let last = if total == 0 {
        0
    } else {
        (total - 1) / limit * limit
    };
    let mut links = Vec::with_capacity(4);
    if offset + shown < total {
        links.push(link(offset + limit.max(shown), "next"));
    }
    links.push(link(last, "last"));
    links.push(link(0, "first"));
    if offset > 0 {
        links.push(link(offset.saturating_sub(limit), "prev"));
    }
    links.join(", ")
}

fn invalid(why: &str) -> Response {
    imsx(StatusCode::BAD_REQUEST, "invalid_data", why)
}

/// Reads an upsert body: JSON (`application/json`, `application/ld+json`,
/// `application/vc+ld+json`) or a compact JWS (`text/plain`, `application/jwt`,
/// `application/vc+jwt`).
#[allow(clippy::result_large_err)]
fn incoming(s: Standard, h: &HeaderMap, body: &[u8]) -> Result<(Incoming, &'static str), Response> {
    let ctype = h
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let media = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (credential, item, echo_type) = match media.as_str() {
        "text/plain" | "application/jwt" | "application/vc+jwt" => {
            let (cred, text) = jws_body(body)?;
            (cred, Item::Jws(text), "text/plain")
        }
        "application/json" | "application/ld+json" | "application/vc+ld+json" => {
            let (v, text) = json_body(body)?;
            (v, Item::Json(text), "application/json")
        }
        _ => {
            return Err(imsx(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_data",
                "send application/json (a credential) or text/plain (a compact JWS)",
            ))
        }
    };
    let (credential_id, issuer_id) = credential_ids(s, &credential)?;
    let inc = Incoming {
        standard: s,
        issuer_id,
        credential_id,
        credential,
        item,
    };
    Ok((inc, echo_type))
}

/// A compact JWS body: the credential (the payload, or its `vc` claim) and the trimmed text.
#[allow(clippy::result_large_err)]
fn jws_body(body: &[u8]) -> Result<(Value, String), Response> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(invalid("the body is not UTF-8 text"));
    };
    let text = text.trim();
    let parts: Vec<&str> = text.split('.').collect();
    let ok_chars = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if parts.len() != 3 || !parts.iter().all(|p| ok_chars(p)) {
        return Err(invalid(
            "the body is not a compact JWS (three base64url parts)",
        ));
    }
    let decode = |part: &str| -> Option<Value> {
        let b = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .ok()?;
        serde_json::from_slice(&b).ok()
    };
    if decode(parts[0])
        .as_ref()
        .and_then(|h| h.get("alg"))
        .and_then(Value::as_str)
        .is_none()
    {
        return Err(invalid("the JOSE header is not JSON with an alg"));
    }
    let Some(payload) = decode(parts[1]).filter(Value::is_object) else {
        return Err(invalid("the JWS payload is not a JSON object"));
    };
    let cred = payload
        .get("vc")
        .filter(|v| v.is_object())
        .cloned()
        .unwrap_or(payload);
    Ok((cred, text.to_owned()))
}

/// A JSON body: the credential and the trimmed text.
#[allow(clippy::result_large_err)]
fn json_body(body: &[u8]) -> Result<(Value, String), Response> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Err(invalid(&format!("the body is not JSON: {e}"))),
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(invalid("the body is not UTF-8"));
    };
    Ok((v, text.trim().to_owned()))
}

/// Checks what an upserted credential must hold; returns its normalized id and issuer id.
#[allow(clippy::result_large_err)]
fn credential_ids(s: Standard, credential: &Value) -> Result<(String, String), Response> {
    if !credential.is_object() {
        return Err(invalid("the credential is not a JSON object"));
    }
    let types: Vec<&str> = match credential.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.contains(&"VerifiableCredential")
        || !s.credential_types().iter().any(|t| types.contains(t))
    {
        return Err(invalid(&format!(
            "type must hold VerifiableCredential and one of {}",
            s.credential_types().join(", ")
        )));
    }
    if credential.get("@context").is_none() || credential.get("credentialSubject").is_none() {
        return Err(invalid("@context and credentialSubject are required"));
    }
    let Some(id) = credential
        .get("id")
        .and_then(Value::as_str)
        .filter(|x| !x.trim().is_empty())
    else {
        return Err(invalid("the credential has no id: it could not be told apart from others (credential equality)"));
    };
    let Some(iss) = crate::issuer_id(credential).filter(|x| !x.trim().is_empty()) else {
        return Err(invalid("the credential has no issuer id"));
    };
    Ok((crate::normalize_id(id), crate::normalize_id(iss)))
}

async fn upsert(ctx: Ctx, s: Standard, h: &HeaderMap, body: Bytes) -> Response {
    let a = match authorize(&ctx, h, s, "credential.upsert") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (inc, echo_type) = match incoming(s, h, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    // the backend may verify the credential (CPU-heavy): a few at a time, off the workers
    let (backend, user) = (ctx.backend.clone(), a.user);
    let done = ctx
        .pool
        .run(move || backend.upsert_credential(user, &inc).map(|d| (d, inc)))
        .await
        .unwrap_or_else(|e| Err(crate::ApiError::Internal(e)));
    match done {
        Err(e) => e.into_response(),
        Ok((done, inc)) => {
            let status = if done == Upserted::Created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let text = match inc.item {
                Item::Json(t) | Item::Jws(t) => t,
            };
            let mut r = (status, text).into_response();
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static(echo_type));
            r
        }
    }
}

async fn get_profile(ctx: Ctx, s: Standard, h: &HeaderMap) -> Response {
    let a = match authorize(&ctx, h, s, "profile.readonly") {
        Ok(a) => a,
        Err(r) => return r,
    };
    match ctx.backend.get_profile(a.user) {
        Ok(Some(p)) => json_response(StatusCode::OK, &p),
        Ok(None) => imsx(StatusCode::NOT_FOUND, "not_found", "no profile"),
        Err(e) => e.into_response(),
    }
}

async fn put_profile(ctx: Ctx, s: Standard, h: &HeaderMap, body: Bytes) -> Response {
    let a = match authorize(&ctx, h, s, "profile.update") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return imsx(
                StatusCode::BAD_REQUEST,
                "invalid_data",
                &format!("the body is not JSON: {e}"),
            )
        }
    };
    if !v.is_object() {
        return imsx(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "the body is not a Profile object",
        );
    }
    // the official Profile schema of the standard
    match wellspring_verify::schema::validate(
        s.profile_schema(),
        wellspring_verify::schema::Form::V2,
        &v,
    ) {
        Some(Ok(errs)) if !errs.is_empty() => {
            let why: Vec<String> = errs
                .iter()
                .take(5)
                .map(|e| {
                    format!(
                        "{}: {}",
                        if e.pointer.is_empty() {
                            "/"
                        } else {
                            &e.pointer
                        },
                        e.message
                    )
                })
                .collect();
            return imsx(
                StatusCode::BAD_REQUEST,
                "invalid_data",
                &format!("not a valid Profile: {}", why.join("; ")),
            );
        }
        _ => {}
    }
    match ctx.backend.get_profile(a.user) {
        Ok(Some(cur)) if cur.get("id").is_some() && v.get("id") != cur.get("id") => {
            return imsx(
                StatusCode::BAD_REQUEST,
                "invalid_data",
                "the Profile id cannot be changed",
            );
        }
        Err(e) => return e.into_response(),
        _ => {}
    }
    match ctx.backend.put_profile(a.user, v) {
        Ok(p) => json_response(StatusCode::OK, &p),
        Err(e) => e.into_response(),
    }
}

impl From<String> for ApiError {
    fn from(s: String) -> Self {
        ApiError::Internal(s)
    }
}
