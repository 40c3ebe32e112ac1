//! The wallet's web pages (server-rendered HTML, one linked stylesheet, no script, no inline style): sign in,
//! the list of credentials (image, name, description, issuer name, issued-on date, status),
//! one credential with its verification report, import, connect to a provider, share.
//! Built with `maud`, which escapes every value it is given.

use maud::{html, Markup, DOCTYPE};
use serde_json::Value;

use crate::store::{ProviderConnection, StoredCredential};

pub const STYLE: &str = "
header .who{color:#fffc;margin-right:10px}.card.wide{max-width:760px}form.inline{display:inline}label.pick{font-weight:400}label.pick input{width:auto}
.d0{padding-left:8px}.d1{padding-left:24px}.d2{padding-left:40px}.d3{padding-left:56px}.d4{padding-left:72px}.d5{padding-left:88px}.d6{padding-left:104px}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24;background:#f4f6f9}
header{background:#0b4f6c;color:#fff;padding:14px 28px;display:flex;align-items:center;gap:24px}
header h1{font-size:20px;margin:0}header nav a{color:#fff;margin-right:16px;text-decoration:none;font-weight:500}
header form{margin-left:auto}header button{background:transparent;color:#fff;border:1px solid #fff8;border-radius:4px;padding:4px 10px}
main{max-width:1040px;margin:24px auto;padding:0 20px}
.flash{background:#dafbe1;border:1px solid #1a7f3755;padding:10px 14px;border-radius:6px;margin-bottom:16px}
.error{background:#ffebe9;border:1px solid #cf222e55;padding:10px 14px;border-radius:6px;margin-bottom:16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;display:flex;gap:14px}
.card img,.badge{width:72px;height:72px;border-radius:8px;flex:none;object-fit:cover}
.badge{background:linear-gradient(135deg,#0b4f6c,#01baef);color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:26px}
.card h2{font-size:16px;margin:0 0 4px}.card h2 a{color:#0b4f6c;text-decoration:none}
.muted{color:#57606a;font-size:13px}
.status{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:700;text-transform:uppercase}
.s-valid{background:#dafbe1;color:#1a7f37}.s-expired,.s-not-yet-valid{background:#fff8c5;color:#9a6700}
.s-revoked,.s-invalid{background:#ffebe9;color:#cf222e}.s-unknown{background:#eaeef2;color:#57606a}
form.box{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:20px;max-width:560px}
label{display:block;font-weight:600;margin:10px 0 4px}input,select,textarea{width:100%;font:inherit;padding:8px;border:1px solid #d0d7de;border-radius:6px}
button.primary{margin-top:14px;background:#0b4f6c;color:#fff;border:0;border-radius:6px;padding:9px 16px;font:inherit;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border-top:1px solid #eaeef2;padding:6px 8px;text-align:left;vertical-align:top;font-size:13px}
td.v{font-weight:700;text-transform:uppercase;font-size:11px;width:56px}td.pass{color:#1a7f37}td.fail{color:#cf222e}td.warn{color:#9a6700}td.skip{color:#57606a}
pre{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px;overflow:auto;max-height:420px;font-size:12px}
";

/// A whole page. `learner` is the signed-in email (None on the sign-in page).
fn layout(title: &str, learner: Option<&str>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) " · Wellspring Wallet" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header {
                    h1 { "Wellspring Wallet" }
                    @if let Some(who) = learner {
                        nav {
                            a href="/" { "Credentials" }
                            a href="/import" { "Import" }
                            a href="/connect" { "Connect" }
                            a href="/share" { "Share" }
                        }
                        form method="post" action="/logout" {
                            span.muted.who { (who) }
                            button { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
    .into_string()
}

/// An error message above a form, when there is one.
fn error_line(error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error {
            p.error { (e) }
        }
    }
}

/// A success message, when there is one.
fn flash_line(flash: Option<&str>) -> Markup {
    html! {
        @if let Some(f) = flash {
            p.flash { (f) }
        }
    }
}

pub fn login(error: Option<&str>) -> String {
    layout(
        "Sign in",
        None,
        html! {
            (error_line(error))
            form.box method="post" action="/login" {
                h2 { "Sign in to your wallet" }
                label for="email" { "Email" }
                input id="email" name="email" type="email" autocomplete="username" required;
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                button.primary type="submit" { "Sign in" }
            }
        },
    )
}

fn status(s: &str) -> Markup {
    html! {
        span class={ "status s-" (s) } { (s) }
    }
}

fn picture(c: &StoredCredential) -> Markup {
    html! {
        @match c.image.as_deref() {
            Some(src) if src.starts_with("data:image/")
                || src.starts_with("https://")
                || src.starts_with("http://") =>
            {
                img src=(src) alt="";
            }
            _ if c.format == "png" => {
                img src={ "/credentials/" (c.id) "/export" } alt="";
            }
            _ => {
                div.badge {
                    (c.name.as_deref().and_then(|n| n.chars().next()).unwrap_or('★'))
                }
            }
        }
    }
}

fn issuer_of(c: &StoredCredential) -> &str {
    c.issuer_name
        .as_deref()
        .or(c.issuer_id.as_deref())
        .unwrap_or("unknown issuer")
}

pub fn list(learner: &str, creds: &[StoredCredential], flash: Option<&str>) -> String {
    layout(
        "Credentials",
        Some(learner),
        html! {
            (flash_line(flash))
            h2 { "Your credentials (" (creds.len()) ")" }
            @if creds.is_empty() {
                p.muted {
                    "Nothing here yet: " a href="/import" { "import a credential" }
                    " or " a href="/connect" { "connect to a provider" } "."
                }
            }
            div.grid {
                @for c in creds {
                    div.card {
                        (picture(c))
                        div {
                            h2 {
                                a href={ "/credentials/" (c.id) } {
                                    (c.name.as_deref().unwrap_or("(unnamed credential)"))
                                }
                            }
                            div { (status(&c.status)) }
                            div.muted {
                                (c.description.as_deref().unwrap_or("").chars().take(160).collect::<String>())
                            }
                            div.muted {
                                "Issued by " b { (issuer_of(c)) } " on "
                                (c.issued_on.as_deref().map(|d| d.get(..10).unwrap_or(d)).unwrap_or("?"))
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One row of the verification report: nesting depth, verdict, check id, message.
struct Row {
    depth: usize,
    verdict: String,
    id: String,
    message: String,
}

fn report_rows(report: &str) -> Vec<Row> {
    fn walk(doc: &Value, depth: usize, rows: &mut Vec<Row>) {
        for c in doc
            .get("checks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = |k: &str| c[k].as_str().unwrap_or("").to_owned();
            rows.push(Row {
                depth: depth.min(6),
                verdict: c["verdict"].as_str().unwrap_or("?").to_owned(),
                id: text("id"),
                message: text("message"),
            });
        }
        for n in doc
            .get("nested")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(n, depth + 1, rows);
        }
    }
    let v: Value = serde_json::from_str(report).unwrap_or(Value::Null);
    let mut rows = Vec::new();
    for input in v
        .get("inputs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(input, 0, &mut rows);
    }
    rows
}

pub fn view(learner: &str, c: &StoredCredential, flash: Option<&str>) -> String {
    let body = html! {
        (flash_line(flash))
        div.card.wide {
            (picture(c))
            div {
                h2 { (c.name.as_deref().unwrap_or("(unnamed credential)")) }
                div { (status(&c.status)) " " span.muted { "verified " (c.verified_at) } }
                p { (c.description.as_deref().unwrap_or("")) }
                div.muted {
                    "Issued by " b { (issuer_of(c)) } " on " (c.issued_on.as_deref().unwrap_or("?"))
                    " · " (c.kind) " · arrived as " (c.format) " from " (c.source)
                }
                form method="post" action={ "/credentials/" (c.id) "/verify" } class="inline" {
                    button.primary { "Verify again" }
                }
                " "
                a href={ "/credentials/" (c.id) "/export" } download { "Export (as received)" }
            }
        }
        h3 { "Verification report" }
        table {
            @for r in report_rows(&c.report) {
                tr {
                    td class={ "v " (r.verdict) } { (r.verdict) }
                    td class={ "d" (r.depth) } { code { (r.id) } }
                    td { (r.message) }
                }
            }
        }
        h3 { "Credential" }
        pre { (c.credential) }
    };
    layout(
        c.name.as_deref().unwrap_or("Credential"),
        Some(learner),
        body,
    )
}

pub fn import(learner: &str, error: Option<&str>) -> String {
    layout(
        "Import",
        Some(learner),
        html! {
            (error_line(error))
            form.box method="post" action="/import" enctype="multipart/form-data" {
                h2 { "Import a credential" }
                p.muted { "OB 3.0 or CLR 2.0: JSON, VC-JWT, or a baked PNG / SVG badge. It is verified on arrival and kept exactly as given." }
                label for="file" { "File" }
                input id="file" type="file" name="file";
                label for="text" { "…or paste it" }
                textarea id="text" name="text" rows="8" {}
                button.primary type="submit" { "Import" }
            }
        },
    )
}

/// The last sync of a connection, in words.
fn last_sync(c: &ProviderConnection) -> String {
    match (&c.last_error, &c.last_sync) {
        (Some(e), _) => format!("error: {e}"),
        (None, Some(s)) => format!("synced {s}"),
        (None, None) => "not synced".into(),
    }
}

pub fn connect(learner: &str, conns: &[ProviderConnection], error: Option<&str>) -> String {
    layout(
        "Connect",
        Some(learner),
        html! {
            (error_line(error))
            form.box method="post" action="/connect" {
                h2 { "Connect to a provider" }
                p.muted { "Any Open Badges 3.0 or CLR 2.0 Service Provider: you will sign in there and allow this wallet to read your credentials." }
                label for="base" { "Provider base URL" }
                input id="base" name="base" type="url" placeholder="https://issuer.example.org" required;
                label for="standard" { "API" }
                select id="standard" name="standard" {
                    option value="ob30" { "Open Badges 3.0" }
                    option value="clr20" { "CLR 2.0" }
                }
                button.primary type="submit" { "Connect" }
            }
            @if !conns.is_empty() {
                h3 { "Connected providers" }
                table {
                    tr { th { "provider" } th { "API" } th { "base URL" } th { "last sync" } th {} }
                    @for c in conns {
                        tr {
                            td { (c.provider) }
                            td { (c.standard) }
                            td { (c.base) }
                            td { (last_sync(c)) }
                            td {
                                form method="post" action={ "/connections/" (c.id) "/sync" } {
                                    button { "Sync" }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub fn share(learner: &str, creds: &[StoredCredential], error: Option<&str>) -> String {
    layout(
        "Share",
        Some(learner),
        html! {
            (error_line(error))
            form.box method="post" action="/share" {
                h2 { "Share credentials" }
                p.muted { "The wallet signs a presentation with your own key (did:key) holding the credentials you pick." }
                @for c in creds {
                    label.pick {
                        input type="checkbox" name="id" value=(c.id);
                        " " (c.name.as_deref().unwrap_or("(unnamed)")) " " (status(&c.status))
                    }
                }
                label for="send_to" { "Send to (an application's apply URL, optional)" }
                input id="send_to" name="send_to" type="url";
                label for="challenge" { "Challenge (optional)" }
                input id="challenge" name="challenge";
                label for="domain" { "Domain (optional)" }
                input id="domain" name="domain";
                label {
                    input type="checkbox" name="email" value=(learner);
                    " Send my e-mail address with it (when the credentials were issued to it)"
                }
                button.primary type="submit" { "Share" }
            }
        },
    )
}

pub fn shared(learner: &str, vp: &Value, sent: Option<(&str, u16, &str)>) -> String {
    layout(
        "Shared",
        Some(learner),
        html! {
            @if let Some((to, code, body)) = sent {
                p.flash { "Sent to " (to) " — it answered " (code) "." }
                pre { (body.chars().take(4000).collect::<String>()) }
            }
            h2 { "Your signed presentation" }
            pre { (serde_json::to_string_pretty(vp).unwrap_or_default()) }
        },
    )
}

pub fn message(title: &str, learner: Option<&str>, text: &str) -> String {
    layout(
        title,
        learner,
        html! {
            h2 { (title) }
            p { (text) }
        },
    )
}
