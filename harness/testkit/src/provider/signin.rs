//! Discovery, dynamic client registration, and the sign-in and consent pages.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::reply::{hidden, html, json_resp, rand_token};
use super::{Code, Shared, PASSWORD, USER};

pub(super) fn discovery(s: &Shared) -> Response {
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

pub(super) fn register(s: &Shared, body: &[u8]) -> Response {
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

pub(super) fn authorize(s: &Shared, q: &HashMap<String, String>) -> Response {
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

pub(super) fn login(_s: &Shared, f: &HashMap<String, String>) -> Response {
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

pub(super) fn consent(s: &Shared, f: &HashMap<String, String>) -> Response {
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
