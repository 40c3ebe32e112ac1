//! The hub's admin API (`POST /admin/results`, `POST /admin/revoke`, bearer token), the
//! revocation status list it maintains (`GET /status/1`) and the refresh service of what it
//! issues (`GET /refresh/{id}`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use wellspring_obapi::imsx;

use crate::issue::Format;
use crate::server::{json_ok, Hub, HubError, Refresh};
use wellspring_serverkit::limit::{too_many, ClientAddr};

type S = State<Arc<Hub>>;

#[allow(clippy::result_large_err)]
fn admin_ok(h: &Hub, headers: &HeaderMap) -> Result<(), Response> {
    use subtle::ConstantTimeEq;
    let Some(want) = &h.admin_token else {
        return Err(imsx(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the admin API is off (start the hub with --admin-token)",
        ));
    };
    let got = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .trim();
    let same: bool = wellspring_obapi::oauth::hash(got)
        .as_bytes()
        .ct_eq(wellspring_obapi::oauth::hash(want).as_bytes())
        .into();
    if got.is_empty() || !same {
        let mut r = imsx(
            StatusCode::UNAUTHORIZED,
            "unauthorizedrequest",
            "a valid admin token is required (Authorization: Bearer)",
        );
        r.headers_mut()
            .insert("www-authenticate", HeaderValue::from_static("Bearer"));
        return Err(r);
    }
    Ok(())
}

/// `POST /admin/results` `{"learner": EMAIL, "satisfied": [CASE item URI or identifier…],
/// "format": "json" | "jwt"}`.
pub(crate) async fn admin_results(State(h): S, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = admin_ok(&h, &headers) {
        return r;
    }
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
    let Some(email) = v.get("learner").and_then(Value::as_str).map(str::to_owned) else {
        return imsx(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "learner (an email) is required",
        );
    };
    let Some(items) = v.get("satisfied").and_then(Value::as_array).and_then(|a| {
        a.iter()
            .map(|x| x.as_str().map(str::to_owned))
            .collect::<Option<Vec<String>>>()
    }) else {
        return imsx(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "satisfied (an array of CASE item URIs or identifiers) is required",
        );
    };
    let format = match v.get("format").and_then(Value::as_str) {
        None | Some("json") => Format::Json,
        Some("jwt") | Some("vc-jwt") => Format::Jwt,
        Some(f) => {
            return imsx(
                StatusCode::BAD_REQUEST,
                "invalid_data",
                &format!("format {f} is not json or jwt"),
            )
        }
    };
    let hub = h.clone();
    let done =
        tokio::task::spawn_blocking(move || hub.record_results(&email, &items, format)).await;
    match done {
        Ok(Ok(o)) => json_ok(&json!({
            "issued": o.issued.iter().map(|(s, id)| json!({"achievement": s, "credentialId": id})).collect::<Vec<_>>(),
            "clr": o.clr,
            "programComplete": o.program_complete,
            "pending": o.pending.iter().map(|(s, m)| json!({"achievement": s, "missing": m})).collect::<Vec<_>>(),
            "unmatched": o.unmatched,
        })),
        Ok(Err(HubError::NotFound(e))) => imsx(StatusCode::NOT_FOUND, "not_found", &e),
        Ok(Err(HubError::Invalid(e))) => imsx(StatusCode::BAD_REQUEST, "invalid_data", &e),
        Ok(Err(HubError::Internal(e))) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e,
        ),
        Err(e) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e.to_string(),
        ),
    }
}

/// Longest credential id a refresh request may name.
const MAX_REFRESH_ID: usize = 512;

/// `GET /refresh/{id}` (1EdTech VCCR 1.0, `1EdTechCredentialRefresh`): the credential `id` as
/// it stands now, signed again; 410 Gone for a revoked credential (its status list says so
/// too), 404 for an id the hub did not issue. Public, like the status list: limited per client
/// address, since every answer is signed.
pub(crate) async fn refresh(
    State(h): S,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
) -> Response {
    if let Err(wait) = h.refresh_limit.check(&client) {
        return too_many(wait);
    }
    if id.len() > MAX_REFRESH_ID {
        return imsx(StatusCode::NOT_FOUND, "not_found", "no such credential");
    }
    let hub = h.clone();
    let done = tokio::task::spawn_blocking(move || hub.refresh(&id)).await;
    match done {
        Ok(Ok(Refresh::Current(v))) => {
            let mut r = json_ok(&v);
            r.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("application/vc+ld+json"),
            );
            r.headers_mut()
                .insert("cache-control", HeaderValue::from_static("no-store"));
            r
        }
        Ok(Ok(Refresh::Revoked(e))) => imsx(
            StatusCode::GONE,
            "gone",
            &format!(
                "credential {} was revoked{}: it is not refreshed",
                e.credential_id,
                e.reason.map(|r| format!(" ({r})")).unwrap_or_default()
            ),
        ),
        Ok(Err(HubError::NotFound(e))) => imsx(StatusCode::NOT_FOUND, "not_found", &e),
        Ok(Err(HubError::Invalid(e))) => imsx(StatusCode::BAD_REQUEST, "invalid_data", &e),
        Ok(Err(HubError::Internal(e))) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e,
        ),
        Err(e) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e.to_string(),
        ),
    }
}

/// How long a client may keep the status list: a revocation shows within a minute.
const STATUS_LIST_MAX_AGE: &str = "public, max-age=60";

/// `GET /status/1`: the BitstringStatusListCredential, signed once per revocation.
pub(crate) async fn status_list(State(h): S) -> Response {
    let body = match h.status_list_cached() {
        Ok(Some(b)) => Ok(b),
        Ok(None) => {
            let hub = h.clone();
            match tokio::task::spawn_blocking(move || hub.status_list()).await {
                Ok(r) => r,
                Err(e) => Err(HubError::Internal(e.to_string())),
            }
        }
        Err(e) => Err(e),
    };
    match body {
        Ok(b) => {
            let mut r = (StatusCode::OK, b.as_str().to_owned()).into_response();
            r.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("application/vc+ld+json"),
            );
            r.headers_mut().insert(
                "cache-control",
                HeaderValue::from_static(STATUS_LIST_MAX_AGE),
            );
            r
        }
        Err(e) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e.to_string(),
        ),
    }
}

/// Longest revocation reason kept.
const MAX_REASON_CHARS: usize = 1000;

/// `POST /admin/revoke` `{"credentialId": ID, "reason": TEXT}` (reason optional): sets the
/// credential's bit in the status list. Idempotent; 404 for an id the hub did not issue.
pub(crate) async fn admin_revoke(State(h): S, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = admin_ok(&h, &headers) {
        return r;
    }
    let bad = |m: &str| imsx(StatusCode::BAD_REQUEST, "invalid_data", m);
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad(&format!("the body is not JSON: {e}")),
    };
    let Some(id) = v
        .get("credentialId")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
    else {
        return bad("credentialId (the id of a credential this hub issued) is required");
    };
    let reason = match v.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if r.chars().count() <= MAX_REASON_CHARS => Some(r.clone()),
        Some(Value::String(_)) => {
            return bad(&format!(
                "reason is longer than {MAX_REASON_CHARS} characters"
            ))
        }
        Some(_) => return bad("reason must be a string"),
    };
    let hub = h.clone();
    let done = tokio::task::spawn_blocking(move || hub.revoke(&id, reason.as_deref())).await;
    match done {
        Ok(Ok(r)) => json_ok(&json!({
            "credentialId": r.entry.credential_id,
            "revoked": true,
            "alreadyRevoked": r.already,
            "statusListIndex": r.entry.index.to_string(),
            "statusListCredential": h.status_list_url(),
            "reason": r.entry.reason,
            "revokedAt": r.entry.revoked_at,
        })),
        Ok(Err(HubError::NotFound(e))) => imsx(StatusCode::NOT_FOUND, "not_found", &e),
        Ok(Err(HubError::Invalid(e))) => bad(&e),
        Ok(Err(HubError::Internal(e))) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e,
        ),
        Err(e) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e.to_string(),
        ),
    }
}
