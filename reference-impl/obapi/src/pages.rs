//! The sign-in and consent pages of the authorization server: plain HTML forms that work in
//! any browser and that a scripted client can fill (one `<form>` per page). Built with `maud`,
//! which escapes every value it is given.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::oauth::AuthzRequest;
use crate::Config;

pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f3f6f8;color:#1d2b36;margin:0}\
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:12px;box-shadow:0 2px 12px #0002}\
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}\
button{margin-top:1rem;padding:.55rem 1.2rem;border-radius:6px;border:1px solid #0b4f6c;background:#0b4f6c;color:#fff;font-size:1rem}\
button.secondary{background:#fff;color:#0b4f6c}.err{color:#a4161a}ul{padding-left:1.2rem}small{color:#5b6b76}";

fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                title { (title) }
                link rel="stylesheet" href="/oauth/style.css";
            }
            body { main { (body) } }
        }
    }
    .into_string()
}

pub(crate) fn login(cfg: &Config, client: &str, a: &AuthzRequest, error: Option<&str>) -> String {
    page(
        "Sign in",
        html! {
            h1 { "Sign in to " (cfg.title) }
            p { b { (client) } " asks to connect to your account." }
            @if let Some(e) = error {
                p.err role="alert" { (e) }
            }
            form method="post" action="/oauth/login" {
                @for (k, v) in a.pairs() {
                    input type="hidden" name=(k) value=(v);
                }
                label for="username" { "Email" }
                input type="email" id="username" name="username" autocomplete="username" required;
                label for="password" { "Password" }
                input type="password" id="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// What one scope lets the client do, in words.
fn describe(s: &str) -> String {
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
}

pub(crate) fn consent(cfg: &Config, client: &str, user: &str, scope: &str, ticket: &str) -> String {
    page(
        "Allow access",
        html! {
            h1 { "Allow " (client) " to access your account?" }
            p { "Signed in to " (cfg.title) " as " b { (user) } "." }
            p { "It will be able to:" }
            ul {
                @for s in scope.split_whitespace() {
                    li { (describe(s)) }
                }
            }
            form method="post" action="/oauth/consent" {
                input type="hidden" name="ticket" value=(ticket);
                button type="submit" name="decision" value="approve" { "Allow" }
                " "
                button type="submit" name="decision" value="deny" class="secondary" { "Deny" }
            }
            p { small { "You can revoke this access at any time." } }
        },
    )
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        Html(page(
            "Authorization error",
            html! {
                h1 { "Authorization error" }
                p.err { (message) }
            },
        )),
    )
        .into_response()
}
