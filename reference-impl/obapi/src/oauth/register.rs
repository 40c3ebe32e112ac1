//! RFC 7591 dynamic client registration: the request's limits (size, redirect URIs, rate) and the answer.

use super::*;

pub(super) fn reg_error(code: &str, why: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"error": code, "error_description": why}),
    )
}

pub(super) fn is_loopback(host: Option<&str>) -> bool {
    matches!(host, Some("localhost" | "127.0.0.1" | "[::1]" | "::1"))
}

/// Whether a redirect URI may be registered (RFC 9700 §2.1, §4.1): an absolute https URL
/// (http only for a loopback host, when allowed), no fragment, no user info, no wildcard; it
/// is later matched exactly.
pub(super) fn redirect_uri_ok(u: &str, allow_http_loopback: bool) -> Result<(), String> {
    let bad = |why: &str| Err(format!("{u}: {why}"));
    if u.len() > 2048 {
        return bad("longer than 2048 characters");
    }
    if u.contains('*') {
        return bad("wildcards are not allowed, redirect URIs are matched exactly");
    }
    let Ok(p) = url::Url::parse(u) else {
        return bad("not an absolute URL");
    };
    if p.fragment().is_some() || u.contains('#') {
        return bad("a redirect URI has no fragment");
    }
    if !p.username().is_empty() || p.password().is_some() {
        return bad("a redirect URI carries no user name or password");
    }
    match p.scheme() {
        "https" if p.host_str().is_some() => Ok(()),
        "http" if allow_http_loopback && is_loopback(p.host_str()) => Ok(()),
        "http" => bad("plain http is allowed for loopback hosts only (127.0.0.1, [::1], localhost); use https"),
        _ => bad("not an https URL"),
    }
}

/// RFC 7591 registration (OB 3.0 security §"Dynamic Client Registration").
pub(super) async fn register(State(ctx): State<Ctx>, body: Bytes) -> Response {
    if let Err(r) = room_for_a_client(&ctx) {
        return r;
    }
    let _ = ctx.auth.purge();
    let o = match client_metadata(&body) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match checked_metadata(&o, &ctx.cfg) {
        Ok((uris, scope)) => registered(&ctx, Value::Object(o), &uris, &scope),
        Err(r) => r,
    }
}

type Metadata = serde_json::Map<String, Value>;

/// Checks the client metadata in the order RFC 7591 errors are reported; returns the redirect
/// URIs and the scopes to register.
#[allow(clippy::result_large_err)]
fn checked_metadata(o: &Metadata, cfg: &Config) -> Result<(Vec<String>, Vec<String>), Response> {
    let uris = redirect_uris(o, cfg)?;
    descriptive_metadata(o)?;
    let scope = requested_scope(o, cfg)?;
    grant_metadata(o)?;
    Ok((uris, scope))
}

fn server_error(e: String) -> Response {
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!({"error": "server_error", "error_description": e}),
    )
}

/// Refuses a registration once `max_clients` clients are registered.
#[allow(clippy::result_large_err)]
fn room_for_a_client(ctx: &Ctx) -> Result<(), Response> {
    match ctx.auth.client_count() {
        Ok(n) if n >= ctx.cfg.max_clients => Err(json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"error": "temporarily_unavailable", "error_description": "this server takes no more client registrations"}),
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(server_error(e)),
    }
}

/// The request body: a JSON object.
#[allow(clippy::result_large_err)]
fn client_metadata(body: &[u8]) -> Result<Metadata, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(reg_error(
            "invalid_client_metadata",
            "the body is not a JSON object",
        )),
    }
}

/// `redirect_uris`: a non-empty array of at most `max_redirect_uris` acceptable URLs.
#[allow(clippy::result_large_err)]
fn redirect_uris(o: &Metadata, cfg: &Config) -> Result<Vec<String>, Response> {
    let uris: Vec<String> = match o.get("redirect_uris") {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .map(|x| x.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                reg_error(
                    "invalid_redirect_uri",
                    "redirect_uris must be an array of URLs",
                )
            })?,
        _ => {
            return Err(reg_error(
                "invalid_redirect_uri",
                "redirect_uris (a non-empty array) is required",
            ))
        }
    };
    if uris.len() > cfg.max_redirect_uris {
        return Err(reg_error(
            "invalid_redirect_uri",
            &format!(
                "at most {} redirect_uris may be registered",
                cfg.max_redirect_uris
            ),
        ));
    }
    for u in &uris {
        redirect_uri_ok(u, cfg.allow_http_loopback)
            .map_err(|why| reg_error("invalid_redirect_uri", &why))?;
    }
    Ok(uris)
}

/// The client's name, links, software and scope: required non-blank strings, the links URLs.
#[allow(clippy::result_large_err)]
fn descriptive_metadata(o: &Metadata) -> Result<(), Response> {
    for f in [
        "client_name",
        "client_uri",
        "logo_uri",
        "tos_uri",
        "policy_uri",
        "software_id",
        "software_version",
        "scope",
    ] {
        if o.get(f)
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
        {
            return Err(reg_error(
                "invalid_client_metadata",
                &format!("{f} (a string) is required"),
            ));
        }
    }
    for f in ["client_uri", "logo_uri", "tos_uri", "policy_uri"] {
        if url::Url::parse(o[f].as_str().unwrap_or_default()).is_err() {
            return Err(reg_error(
                "invalid_client_metadata",
                &format!("{f} is not a URL"),
            ));
        }
    }
    Ok(())
}

/// The requested scopes, each one this server offers.
#[allow(clippy::result_large_err)]
fn requested_scope(o: &Metadata, cfg: &Config) -> Result<Vec<String>, Response> {
    let scope: Vec<String> = o["scope"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let known = cfg.known_scopes();
    if let Some(bad) = scope.iter().find(|s| !known.contains(s)) {
        return Err(reg_error(
            "invalid_client_metadata",
            &format!("scope {bad} is not offered here"),
        ));
    }
    Ok(scope)
}

/// The token endpoint authentication method, grant types and response types, if given, are
/// the ones this server supports.
#[allow(clippy::result_large_err)]
fn grant_metadata(o: &Metadata) -> Result<(), Response> {
    if let Some(m) = o.get("token_endpoint_auth_method") {
        if m.as_str() != Some("client_secret_basic") {
            return Err(reg_error(
                "invalid_client_metadata",
                "token_endpoint_auth_method must be client_secret_basic",
            ));
        }
    }
    if !only(o, "grant_types", &["authorization_code", "refresh_token"]) {
        return Err(reg_error(
            "invalid_client_metadata",
            "grant_types may hold only authorization_code and refresh_token",
        ));
    }
    if !only(o, "response_types", &["code"]) {
        return Err(reg_error(
            "invalid_client_metadata",
            "response_types may hold only code",
        ));
    }
    Ok(())
}

/// Whether the array `f`, if present, holds only `allowed` strings.
fn only(o: &Metadata, f: &str, allowed: &[&str]) -> bool {
    match o.get(f) {
        None => true,
        Some(Value::Array(a)) => a
            .iter()
            .all(|x| x.as_str().is_some_and(|s| allowed.contains(&s))),
        _ => false,
    }
}

/// Stores the client and answers with its metadata and credentials.
fn registered(ctx: &Ctx, v: Value, uris: &[String], scope: &[String]) -> Response {
    let (id, secret) = match ctx.auth.add_client(uris, scope, &v) {
        Ok(x) => x,
        Err(e) => return server_error(e),
    };
    let mut out = v;
    out["client_id"] = json!(id);
    out["client_secret"] = json!(secret);
    out["client_id_issued_at"] = json!(now());
    out["client_secret_expires_at"] = json!(0);
    out["token_endpoint_auth_method"] = json!("client_secret_basic");
    let mut r = json_response(StatusCode::CREATED, &out);
    r.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    r
}
