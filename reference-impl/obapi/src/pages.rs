//! The sign-in and consent pages of the authorization server: plain HTML forms that work in
//! any browser and that a scripted client can fill (one `<form>` per page).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::oauth::AuthzRequest;
use crate::Config;

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f3f6f8;color:#1d2b36;margin:0}\
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:12px;box-shadow:0 2px 12px #0002}\
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}\
button{margin-top:1rem;padding:.55rem 1.2rem;border-radius:6px;border:1px solid #0b4f6c;background:#0b4f6c;color:#fff;font-size:1rem}\
button.secondary{background:#fff;color:#0b4f6c}.err{color:#a4161a}ul{padding-left:1.2rem}small{color:#5b6b76}";

fn page(title: &str, body: &str) -> String {
    format!("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><link rel=\"stylesheet\" href=\"/oauth/style.css\"></head><body><main>{body}</main></body></html>", esc(title))
}

pub(crate) fn login(cfg: &Config, client: &str, a: &AuthzRequest, error: Option<&str>) -> String {
    let hidden: String = a
        .pairs()
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{k}\" value=\"{}\">", esc(v)))
        .collect();
    let err = error
        .map(|e| format!("<p class=\"err\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    page(
        "Sign in",
        &format!(
            "<h1>Sign in to {}</h1><p><b>{}</b> asks to connect to your account.</p>{err}\
             <form method=\"post\" action=\"/oauth/login\">{hidden}\
             <label for=\"username\">Email</label><input type=\"email\" id=\"username\" name=\"username\" autocomplete=\"username\" required>\
             <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
             <button type=\"submit\">Sign in</button></form>",
            esc(&cfg.title),
            esc(client)
        ),
    )
}

fn describe(scope: &str) -> String {
    let what = |s: &str| -> String {
        let api = if s.contains("/clr/") {
            "Comprehensive Learner Records"
        } else {
            "Open Badges"
        };
        match s.rsplit('/').next().unwrap_or(s) {
            "credential.readonly" => format!("read your {api} credentials"),
            "credential.upsert" => format!("add or update your {api} credentials"),
            "profile.readonly" => format!("read your profile ({api} API)"),
            "profile.update" => format!("update your profile ({api} API)"),
            "offline_access" => "stay connected when you are away (refresh tokens)".into(),
            other => other.to_owned(),
        }
    };
    scope
        .split_whitespace()
        .map(|s| format!("<li>{}</li>", esc(&what(s))))
        .collect()
}

pub(crate) fn consent(cfg: &Config, client: &str, user: &str, scope: &str, ticket: &str) -> String {
    page(
        "Allow access",
        &format!(
            "<h1>Allow {} to access your account?</h1><p>Signed in to {} as <b>{}</b>.</p><p>It will be able to:</p><ul>{}</ul>\
             <form method=\"post\" action=\"/oauth/consent\"><input type=\"hidden\" name=\"ticket\" value=\"{}\">\
             <button type=\"submit\" name=\"decision\" value=\"approve\">Allow</button> \
             <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button></form>\
             <p><small>You can revoke this access at any time.</small></p>",
            esc(client),
            esc(&cfg.title),
            esc(user),
            describe(scope),
            esc(ticket)
        ),
    )
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        Html(page(
            "Authorization error",
            &format!(
                "<h1>Authorization error</h1><p class=\"err\">{}</p>",
                esc(message)
            ),
        )),
    )
        .into_response()
}
