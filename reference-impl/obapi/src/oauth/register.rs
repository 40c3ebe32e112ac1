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
    match ctx.auth.client_count() {
        Ok(n) if n >= ctx.cfg.max_clients => {
            return json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &json!({"error": "temporarily_unavailable", "error_description": "this server takes no more client registrations"}),
            )
        }
        Ok(_) => {}
        Err(e) => {
            return json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &json!({"error": "server_error", "error_description": e}),
            )
        }
    }
    let _ = ctx.auth.purge();
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return reg_error("invalid_client_metadata", "the body is not a JSON object");
    };
    let Some(o) = v.as_object() else {
        return reg_error("invalid_client_metadata", "the body is not a JSON object");
    };
    let uris: Vec<String> = match o.get("redirect_uris") {
        Some(Value::Array(a)) if !a.is_empty() => match a
            .iter()
            .map(|x| x.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
        {
            Some(u) => u,
            None => {
                return reg_error(
                    "invalid_redirect_uri",
                    "redirect_uris must be an array of URLs",
                )
            }
        },
        _ => {
            return reg_error(
                "invalid_redirect_uri",
                "redirect_uris (a non-empty array) is required",
            )
        }
    };
    if uris.len() > ctx.cfg.max_redirect_uris {
        return reg_error(
            "invalid_redirect_uri",
            &format!(
                "at most {} redirect_uris may be registered",
                ctx.cfg.max_redirect_uris
            ),
        );
    }
    for u in &uris {
        if let Err(why) = redirect_uri_ok(u, ctx.cfg.allow_http_loopback) {
            return reg_error("invalid_redirect_uri", &why);
        }
    }
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
            return reg_error(
                "invalid_client_metadata",
                &format!("{f} (a string) is required"),
            );
        }
    }
    for f in ["client_uri", "logo_uri", "tos_uri", "policy_uri"] {
        if url::Url::parse(o[f].as_str().unwrap_or_default()).is_err() {
            return reg_error("invalid_client_metadata", &format!("{f} is not a URL"));
        }
    }
    let scope: Vec<String> = o["scope"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let known = ctx.cfg.known_scopes();
    if let Some(bad) = scope.iter().find(|s| !known.contains(s)) {
        return reg_error(
            "invalid_client_metadata",
            &format!("scope {bad} is not offered here"),
        );
    }
    if let Some(m) = o.get("token_endpoint_auth_method") {
        if m.as_str() != Some("client_secret_basic") {
            return reg_error(
                "invalid_client_metadata",
                "token_endpoint_auth_method must be client_secret_basic",
            );
        }
    }
    let only = |f: &str, allowed: &[&str]| -> bool {
        match o.get(f) {
            None => true,
            Some(Value::Array(a)) => a
                .iter()
                .all(|x| x.as_str().is_some_and(|s| allowed.contains(&s))),
            _ => false,
        }
    };
    if !only("grant_types", &["authorization_code", "refresh_token"]) {
        return reg_error(
            "invalid_client_metadata",
            "grant_types may hold only authorization_code and refresh_token",
        );
    }
    if !only("response_types", &["code"]) {
        return reg_error(
            "invalid_client_metadata",
            "response_types may hold only code",
        );
    }
    let auth = ctx.auth.clone();
    let meta = v.clone();
    let (id, secret) = match auth.add_client(&uris, &scope, &meta) {
        Ok(x) => x,
        Err(e) => {
            return json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &json!({"error": "server_error", "error_description": e}),
            )
        }
    };
    let mut out = v.clone();
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
