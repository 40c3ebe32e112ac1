//! The hub's HTML pages (home, terms, privacy): built with `maud`, which escapes every value
//! it is given. No script and no inline style (the CSP forbids both): the stylesheet is served
//! at `/static/style.css`.

use maud::{html, Markup, DOCTYPE};
use serde_json::Value;

pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1d2b36}code{background:#eef}";

/// A page: the title is also its heading.
fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                h1 { (title) }
                (body)
            }
        }
    }
    .into_string()
}

pub(crate) fn terms() -> String {
    page(
        "Terms of service",
        html! {
            p { "A reference hub for conformance testing and demonstrations. Its institution and data are fictional." }
        },
    )
}

pub(crate) fn privacy() -> String {
    page(
        "Privacy policy",
        html! {
            p { "Accounts, results and credentials stay in this hub's database. Nothing is shared unless the learner authorizes an application." }
        },
    )
}

/// The home page: the APIs, the issuer and the achievement catalog ((slug, definition)).
pub(crate) fn home(issuer_name: &str, issuer_id: &str, catalog: &[(String, Value)]) -> String {
    page(
        &format!("{issuer_name} Achievement Hub"),
        html! {
            p { "An Open Badges 3.0 and CLR 2.0 issuer and Service Provider." }
            ul {
                li { "OB 3.0 API: " a href="/ims/ob/v3p0/discovery" { code { "/ims/ob/v3p0/discovery" } } }
                li { "CLR 2.0 API: " a href="/ims/clr/v2p0/discovery" { code { "/ims/clr/v2p0/discovery" } } }
                li {
                    "Issuer: " a href="/issuer" { code { (issuer_id) } }
                    " (" a href="/.well-known/did.json" { "did.json" } ", "
                    a href="/.well-known/jwks.json" { "jwks.json" } ")"
                }
                li { "Revocation status list: " a href="/status/1" { code { "/status/1" } } }
            }
            h2 { "Achievements" }
            ul {
                @for (slug, d) in catalog {
                    li {
                        a href={ "/achievements/" (slug) } {
                            (d.get("name").and_then(Value::as_str).unwrap_or(slug))
                        }
                    }
                }
                @if catalog.is_empty() {
                    li { "none in the catalog" }
                }
            }
        },
    )
}
