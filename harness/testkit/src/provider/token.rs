//! The token endpoint (authorization code with PKCE, refresh) and the bearer-token check.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::reply::{imsx, json_resp, rand_token};
use super::{Inner, Shared, Token};

fn token_error(e: &str) -> Response {
    json_resp(StatusCode::BAD_REQUEST, json!({"error": e}))
}

/// The token endpoint: authenticates the client, runs the grant, issues the tokens.
pub(super) fn token(s: &Shared, h: &HeaderMap, f: &HashMap<String, String>) -> Response {
    let Some((id, secret)) = client_of(s, h, f) else {
        return json_resp(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    };
    let mut guard = s.inner.lock().unwrap();
    let g = &mut *guard;
    if g.clients
        .get(&id)
        .map(|(sec, _)| sec != &secret)
        .unwrap_or(true)
    {
        return json_resp(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    }
    let scopes = match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => code_grant(s, g, &id, f),
        Some("refresh_token") => refresh_grant(s, g, f),
        _ => Err(token_error("unsupported_grant_type")),
    };
    match scopes {
        Ok(scopes) => issue(s, g, f, scopes),
        Err(e) => e,
    }
}

/// The client id and secret of HTTP Basic authentication (form-decoded), or with the
/// `token_without_client_auth` fault the client the form names.
fn client_of(s: &Shared, h: &HeaderMap, f: &HashMap<String, String>) -> Option<(String, String)> {
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
    let decode = |x: &str| {
        url::form_urlencoded::parse(x.as_bytes())
            .map(|(k, _)| k.into_owned())
            .next()
            .unwrap_or_default()
    };
    basic
        .as_deref()
        .and_then(|b| b.split_once(':'))
        .map(|(a, b)| (decode(a), decode(b)))
}

/// The authorization_code grant: the code's scopes, or the error answer. A code used twice
/// revokes the tokens it gave (unless the `reuse_code` fault is on).
#[allow(clippy::result_large_err)]
fn code_grant(
    s: &Shared,
    g: &mut Inner,
    id: &str,
    f: &HashMap<String, String>,
) -> Result<Vec<String>, Response> {
    let code = f.get("code").cloned().unwrap_or_default();
    let Some(c) = g.codes.get_mut(&code) else {
        return Err(token_error("invalid_grant"));
    };
    if c.client != id
        || (f.get("redirect_uri") != Some(&c.redirect) && !s.faults.ignore_redirect_binding)
    {
        return Err(token_error("invalid_grant"));
    }
    if c.used && !s.faults.reuse_code {
        let revoke = c.tokens.clone();
        for t in revoke {
            if let Some(t) = g.tokens.get_mut(&t) {
                t.revoked = true;
            }
        }
        return Err(token_error("invalid_grant"));
    }
    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
    let ch = if c.plain {
        verifier.clone()
    } else {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
    };
    let no_pkce = s.faults.pkce_optional && c.challenge.is_empty();
    if ch != c.challenge && !s.faults.ignore_verifier && !no_pkce {
        return Err(token_error("invalid_grant"));
    }
    c.used = true;
    Ok(c.scopes.clone())
}

/// The refresh_token grant (the refresh token is used up): its scopes, or a narrower set asked
/// for, or the error answer.
#[allow(clippy::result_large_err)]
fn refresh_grant(
    s: &Shared,
    g: &mut Inner,
    f: &HashMap<String, String>,
) -> Result<Vec<String>, Response> {
    let rt = f.get("refresh_token").cloned().unwrap_or_default();
    match g.refresh.remove(&rt) {
        Some(_) if s.faults.refresh_widens_scope && f.contains_key("scope") => {
            Ok(f["scope"].split_whitespace().map(str::to_owned).collect())
        }
        Some(sc)
            if f.get("scope")
                .is_some_and(|w| w.split_whitespace().any(|x| !sc.iter().any(|g| g == x))) =>
        {
            Err(token_error("invalid_scope"))
        }
        Some(sc) if !s.faults.refuse_refresh => Ok(sc),
        _ => Err(token_error("invalid_grant")),
    }
}

/// Issues an access and a refresh token for `scopes`: the token response.
fn issue(s: &Shared, g: &mut Inner, f: &HashMap<String, String>, scopes: Vec<String>) -> Response {
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
pub(super) fn authz(s: &Shared, h: &HeaderMap, need: &str) -> Result<(), Response> {
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
