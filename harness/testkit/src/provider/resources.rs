//! getCredentials (paging, since), upsertCredential, getProfile and putProfile.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{json, Value};

use super::reply::{imsx, json_resp};
use super::token::authz;
use super::Shared;

pub(super) fn key_of(v: &Value) -> String {
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

pub(super) fn jws_payload(jws: &str) -> Option<Value> {
    let p = jws.split('.').nth(1)?;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p)
        .ok()?;
    let v: Value = serde_json::from_slice(&b).ok()?;
    Some(v.get("vc").cloned().unwrap_or(v))
}

/// getCredentials' path: upsert (POST), list (GET), and DELETE with the `delete_allowed` fault.
pub(super) fn credentials(
    s: &Shared,
    m: &str,
    h: &HeaderMap,
    q: &HashMap<String, String>,
    body: &[u8],
) -> Response {
    match m {
        "POST" => upsert(s, h, body),
        "DELETE" if s.faults.delete_allowed => {
            s.inner.lock().unwrap().creds.clear();
            StatusCode::OK.into_response()
        }
        "GET" => list(s, h, q),
        _ => imsx(
            StatusCode::METHOD_NOT_ALLOWED,
            "not_allowed",
            "method not allowed",
        ),
    }
}

/// What an upsert stores: (key for equality, stored item, echoed body, its content type).
type Upserted = (String, Value, String, &'static str);

/// upsertCredential: a JSON credential or a compact JWS, created (201) or replaced (200).
fn upsert(s: &Shared, h: &HeaderMap, body: &[u8]) -> Response {
    if let Err(e) = authz(s, h, "credential.upsert") {
        return e;
    }
    let ctype = h
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parsed = if ctype.starts_with("text/plain") {
        upserted_jws(s, body)
    } else {
        upserted_json(s, body)
    };
    let (key, stored, echo, ct) = match parsed {
        Ok(x) => x,
        Err(e) => return e,
    };
    let mut g = s.inner.lock().unwrap();
    let now = chrono::Utc::now();
    let (replaced, created) = match (s.faults.replace_answers_201, s.faults.create_answers_200) {
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
    (status, [("content-type", ct)], echo).into_response()
}

/// An upserted compact JWS (text/plain), or the refusal.
#[allow(clippy::result_large_err)]
fn upserted_jws(s: &Shared, body: &[u8]) -> Result<Upserted, Response> {
    if s.faults.refuse_jws {
        return Err(imsx(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "JSON only",
        ));
    }
    let text = String::from_utf8_lossy(body).trim().to_owned();
    let Some(p) = jws_payload(&text) else {
        return Err(imsx(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "not a compact JWS",
        ));
    };
    let stored = if s.faults.jws_rewritten {
        p.clone()
    } else {
        Value::String(text.clone())
    };
    Ok((key_of(&p), stored, text, "text/plain"))
}

/// An upserted JSON credential, or the answer (a refusal, or with the
/// `accept_malformed_upsert` fault a 201 that stores nothing).
#[allow(clippy::result_large_err)]
fn upserted_json(s: &Shared, body: &[u8]) -> Result<Upserted, Response> {
    let v = match serde_json::from_slice::<Value>(body) {
        Ok(v) => v,
        Err(_) if s.faults.accept_malformed_upsert => {
            let text = String::from_utf8_lossy(body).into_owned();
            return Err((
                StatusCode::CREATED,
                [("content-type", "application/json")],
                text,
            )
                .into_response());
        }
        Err(_) => {
            return Err(imsx(
                StatusCode::BAD_REQUEST,
                "invalid_data",
                "malformed JSON",
            ))
        }
    };
    if v.get("id").is_none() || v.get("issuer").is_none() {
        return Err(imsx(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "not a credential",
        ));
    }
    let mut st = v.clone();
    if s.faults.lose_fields {
        if let Some(o) = st.as_object_mut() {
            o.remove("proof");
        }
    }
    Ok((key_of(&v), st, v.to_string(), "application/json"))
}

/// getCredentials' query: (limit, offset, since), or the 400 answer.
type Query = (
    Option<i64>,
    Option<i64>,
    Option<chrono::DateTime<chrono::Utc>>,
);

#[allow(clippy::result_large_err)]
fn query(s: &Shared, q: &HashMap<String, String>) -> Result<Query, Response> {
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
        return Err(imsx(
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
            "limit must be ≥ 1, offset ≥ 0",
        ));
    };
    let since = match q.get("since") {
        None => None,
        Some(v) => match chrono::DateTime::parse_from_rfc3339(v) {
            Ok(d) => Some(d.with_timezone(&chrono::Utc)),
            Err(_) => {
                return Err(imsx(
                    StatusCode::BAD_REQUEST,
                    "invalid_query_parameter",
                    "since is not a date-time",
                ))
            }
        },
    };
    Ok((limit, offset, since))
}

/// getCredentials: one page of the credentials issued after `since`.
fn list(s: &Shared, h: &HeaderMap, q: &HashMap<String, String>) -> Response {
    if let Err(e) = authz(s, h, "credential.readonly") {
        return e;
    }
    let (limit, offset, since) = match query(s, q) {
        Ok(x) => x,
        Err(e) => return e,
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
        paging_headers(s, &mut r, total, offset, limit, page.len());
    }
    r
}

/// The Link (first, last, next, prev) and X-Total-Count headers of a page.
fn paging_headers(
    s: &Shared,
    r: &mut Response,
    total: usize,
    offset: usize,
    limit: usize,
    len: usize,
) {
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
    if offset + len < total {
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

pub(super) fn profile(s: &Shared, m: &str, h: &HeaderMap, body: &[u8]) -> Response {
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
