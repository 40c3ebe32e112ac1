//! The token endpoint (client authentication as advertised, code and refresh grants), RFC 7009
//! revocation and the RFC 8414 metadata.

use super::*;

pub(super) fn token_error(status: StatusCode, code: &str, why: &str) -> Response {
    let mut r = json_response(status, &json!({"error": code, "error_description": why}));
    r.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static("Basic realm=\"oauth\""),
        );
    }
    r
}

/// Client authentication exactly as the metadata advertises (`client_secret_basic`): HTTP
/// Basic (RFC 6749 §2.3.1, form-encoded id and secret). A secret in the body
/// (`client_secret_post`) is not accepted.
pub(super) fn client_credentials(h: &HeaderMap) -> Option<(String, String)> {
    let basic = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| rest.trim().to_owned())
        });
    if let Some(b) = basic {
        let raw = base64::engine::general_purpose::STANDARD.decode(b).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (id, secret) = text.split_once(':')?;
        let dec = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        return Some((dec(id), dec(secret)));
    }
    None
}

#[allow(clippy::result_large_err)]
pub(super) fn authenticate(
    ctx: &Ctx,
    h: &HeaderMap,
    f: &HashMap<String, String>,
) -> Result<Client, Response> {
    let Some((id, secret)) = client_credentials(h) else {
        let why = if f.contains_key("client_secret") {
            "client_secret_post is not supported: authenticate with HTTP Basic (client_secret_basic)"
        } else {
            "client authentication (HTTP Basic) is required"
        };
        return Err(token_error(StatusCode::UNAUTHORIZED, "invalid_client", why));
    };
    match ctx.auth.authenticate(&id, &secret) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        )),
        Err(e) => Err(token_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &e,
        )),
    }
}

pub(super) async fn token(State(ctx): State<Ctx>, h: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let client = match authenticate(&ctx, &h, &f) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match grant(&ctx, &client, &f) {
        Err(r) => r,
        Ok(Err(TokenError(code, why))) => {
            let status = if code == "server_error" {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::BAD_REQUEST
            };
            token_error(status, code, &why)
        }
        Ok(Ok(t)) => tokens_response(t),
    }
}

/// Runs the requested grant for an authenticated client; `Err` when the request lacks what the
/// grant type needs.
#[allow(clippy::result_large_err)]
fn grant(
    ctx: &Ctx,
    client: &Client,
    f: &HashMap<String, String>,
) -> Result<Result<Tokens, TokenError>, Response> {
    let (att, rtt) = (
        ctx.cfg.access_ttl.as_secs() as i64,
        ctx.cfg.refresh_ttl.as_secs() as i64,
    );
    let g = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let invalid_request = |why: &str| token_error(StatusCode::BAD_REQUEST, "invalid_request", why);
    match g("grant_type") {
        "authorization_code" => {
            if g("code").is_empty() || g("redirect_uri").is_empty() || g("code_verifier").is_empty()
            {
                return Err(invalid_request(
                    "code, redirect_uri and code_verifier are required",
                ));
            }
            Ok(ctx.auth.exchange_code(
                &client.id,
                g("code"),
                g("redirect_uri"),
                g("code_verifier"),
                att,
                rtt,
            ))
        }
        "refresh_token" => {
            if g("refresh_token").is_empty() {
                return Err(invalid_request("refresh_token is required"));
            }
            Ok(ctx.auth.refresh(
                &client.id,
                g("refresh_token"),
                f.get("scope").map(String::as_str),
                att,
                rtt,
            ))
        }
        "" => Err(invalid_request("grant_type is required")),
        _ => Err(token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only authorization_code and refresh_token",
        )),
    }
}

/// The successful token response (RFC 6749 §5.1), never cached.
fn tokens_response(t: Tokens) -> Response {
    let mut v = json!({"access_token": t.access, "token_type": "Bearer", "expires_in": t.expires_in, "scope": t.scope});
    if let Some(r) = t.refresh {
        v["refresh_token"] = json!(r);
    }
    let mut r = json_response(StatusCode::OK, &v);
    r.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert("pragma", HeaderValue::from_static("no-cache"));
    r
}

pub(super) async fn revoke(State(ctx): State<Ctx>, h: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let client = match authenticate(&ctx, &h, &f) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(t) = f.get("token").filter(|t| !t.is_empty()) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    match ctx.auth.revoke(&client.id, t) {
        Ok(()) => {
            let mut r = StatusCode::OK.into_response();
            r.headers_mut()
                .insert("cache-control", HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => token_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e),
    }
}

/// RFC 8414 authorization server metadata.
pub fn metadata_document(cfg: &Config) -> Value {
    let b = &cfg.base_url;
    json!({
        "issuer": b,
        "authorization_endpoint": format!("{b}/oauth/authorize"),
        "token_endpoint": format!("{b}/oauth/token"),
        "registration_endpoint": format!("{b}/oauth/register"),
        "revocation_endpoint": format!("{b}/oauth/revoke"),
        "scopes_supported": cfg.known_scopes(),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "service_documentation": cfg.apis.iter().map(|s| format!("{b}{}/discovery", s.api_path())).collect::<Vec<_>>(),
    })
}

pub(super) async fn metadata(State(ctx): State<Ctx>) -> Response {
    json_response(StatusCode::OK, &metadata_document(&ctx.cfg))
}
