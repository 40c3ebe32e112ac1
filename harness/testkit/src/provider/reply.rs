//! Response and form helpers of the test provider.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{json, Value};

pub(super) fn rand_token(prefix: &str) -> String {
    use rand::RngCore;
    let mut b = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut b);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    )
}

pub(super) fn imsx(status: StatusCode, minor: &str, desc: &str) -> Response {
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

pub(super) fn json_resp(status: StatusCode, v: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

pub(super) fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The request's parameters carried on as hidden inputs (not the credentials or the decision).
pub(super) fn hidden(q: &HashMap<String, String>) -> maud::Markup {
    maud::html! {
        @for (k, v) in q.iter().filter(|(k, _)| !matches!(k.as_str(), "username" | "password" | "decision")) {
            input type="hidden" name=(k) value=(v);
        }
    }
}

pub(super) fn html(s: String) -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/html; charset=utf-8")],
        s,
    )
        .into_response()
}
