//! The wallet's web pages (server-rendered HTML, one linked stylesheet, no script, no inline style): sign in,
//! the list of credentials (image, name, description, issuer name, issued-on date, status),
//! one credential with its verification report, import, connect to a provider, share.

use std::fmt::Write;

use serde_json::Value;

use crate::store::{ProviderConnection, StoredCredential};

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

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
pub fn layout(title: &str, learner: Option<&str>, body: &str) -> String {
    let nav = match learner {
        Some(who) => format!(
            "<nav><a href=\"/\">Credentials</a><a href=\"/import\">Import</a><a href=\"/connect\">Connect</a><a href=\"/share\">Share</a></nav>\
             <form method=\"post\" action=\"/logout\"><span class=\"muted who\">{}</span><button>Sign out</button></form>",
            esc(who)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{t} · Wellspring Wallet</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><header><h1>Wellspring Wallet</h1>{nav}</header><main>{body}</main></body></html>",
        t = esc(title)
    )
}

pub fn login(error: Option<&str>) -> String {
    let e = error
        .map(|e| format!("<p class=\"error\">{}</p>", esc(e)))
        .unwrap_or_default();
    layout(
        "Sign in",
        None,
        &format!(
            "{e}<form class=\"box\" method=\"post\" action=\"/login\"><h2>Sign in to your wallet</h2>\
             <label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required>\
             <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
             <button class=\"primary\" type=\"submit\">Sign in</button></form>"
        ),
    )
}

fn status(s: &str) -> String {
    format!("<span class=\"status s-{0}\">{0}</span>", esc(s))
}

fn picture(c: &StoredCredential) -> String {
    match c.image.as_deref() {
        Some(src)
            if src.starts_with("data:image/")
                || src.starts_with("https://")
                || src.starts_with("http://") =>
        {
            format!("<img src=\"{}\" alt=\"\">", esc(src))
        }
        _ if c.format == "png" => format!("<img src=\"/credentials/{}/export\" alt=\"\">", c.id),
        _ => {
            let initial = c
                .name
                .as_deref()
                .and_then(|n| n.chars().next())
                .unwrap_or('★');
            format!("<div class=\"badge\">{}</div>", esc(&initial.to_string()))
        }
    }
}

pub fn list(learner: &str, creds: &[StoredCredential], flash: Option<&str>) -> String {
    let mut b = String::new();
    if let Some(f) = flash {
        let _ = write!(b, "<p class=\"flash\">{}</p>", esc(f));
    }
    let _ = write!(b, "<h2>Your credentials ({})</h2>", creds.len());
    if creds.is_empty() {
        b.push_str("<p class=\"muted\">Nothing here yet: <a href=\"/import\">import a credential</a> or <a href=\"/connect\">connect to a provider</a>.</p>");
    }
    b.push_str("<div class=\"grid\">");
    for c in creds {
        let _ = write!(
            b,
            "<div class=\"card\">{pic}<div><h2><a href=\"/credentials/{id}\">{name}</a></h2><div>{status}</div>\
             <div class=\"muted\">{desc}</div><div class=\"muted\">Issued by <b>{issuer}</b> on {on}</div></div></div>",
            pic = picture(c),
            id = c.id,
            name = esc(c.name.as_deref().unwrap_or("(unnamed credential)")),
            status = status(&c.status),
            desc = esc(&c.description.as_deref().unwrap_or("").chars().take(160).collect::<String>()),
            issuer = esc(c.issuer_name.as_deref().or(c.issuer_id.as_deref()).unwrap_or("unknown issuer")),
            on = esc(c.issued_on.as_deref().map(|d| d.get(..10).unwrap_or(d)).unwrap_or("?")),
        );
    }
    b.push_str("</div>");
    layout("Credentials", Some(learner), &b)
}

fn report_rows(report: &str) -> String {
    let v: Value = serde_json::from_str(report).unwrap_or(Value::Null);
    let mut rows = String::new();
    fn walk(doc: &Value, depth: usize, rows: &mut String) {
        if let Some(checks) = doc.get("checks").and_then(Value::as_array) {
            for c in checks {
                let verdict = c["verdict"].as_str().unwrap_or("?");
                let _ = write!(
                    rows,
                    "<tr><td class=\"v {verdict}\">{verdict}</td><td class=\"d{}\"><code>{}</code></td><td>{}</td></tr>",
                    depth.min(6),
                    esc(c["id"].as_str().unwrap_or("")),
                    esc(c["message"].as_str().unwrap_or(""))
                );
            }
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
    let mut b = String::new();
    if let Some(f) = flash {
        let _ = write!(b, "<p class=\"flash\">{}</p>", esc(f));
    }
    let _ = write!(
        b,
        "<div class=\"card wide\">{pic}<div><h2>{name}</h2><div>{status} <span class=\"muted\">verified {at}</span></div>\
         <p>{desc}</p><div class=\"muted\">Issued by <b>{issuer}</b> on {on} · {kind} · arrived as {format} from {source}</div>\
         <form method=\"post\" action=\"/credentials/{id}/verify\" class=\"inline\"><button class=\"primary\">Verify again</button></form> \
         <a href=\"/credentials/{id}/export\" download>Export (as received)</a></div></div>\
         <h3>Verification report</h3><table>{rows}</table><h3>Credential</h3><pre>{json}</pre>",
        pic = picture(c),
        name = esc(c.name.as_deref().unwrap_or("(unnamed credential)")),
        status = status(&c.status),
        at = esc(&c.verified_at),
        desc = esc(c.description.as_deref().unwrap_or("")),
        issuer = esc(c.issuer_name.as_deref().or(c.issuer_id.as_deref()).unwrap_or("unknown issuer")),
        on = esc(c.issued_on.as_deref().unwrap_or("?")),
        kind = esc(&c.kind),
        format = esc(&c.format),
        source = esc(&c.source),
        id = c.id,
        rows = report_rows(&c.report),
        json = esc(&c.credential),
    );
    layout(c.name.as_deref().unwrap_or("Credential"), Some(learner), &b)
}

pub fn import(learner: &str, error: Option<&str>) -> String {
    let e = error
        .map(|e| format!("<p class=\"error\">{}</p>", esc(e)))
        .unwrap_or_default();
    layout(
        "Import",
        Some(learner),
        &format!(
            "{e}<form class=\"box\" method=\"post\" action=\"/import\" enctype=\"multipart/form-data\"><h2>Import a credential</h2>\
             <p class=\"muted\">OB 3.0 or CLR 2.0: JSON, VC-JWT, or a baked PNG / SVG badge. It is verified on arrival and kept exactly as given.</p>\
             <label for=\"file\">File</label><input id=\"file\" type=\"file\" name=\"file\">\
             <label for=\"text\">…or paste it</label><textarea id=\"text\" name=\"text\" rows=\"8\"></textarea>\
             <button class=\"primary\" type=\"submit\">Import</button></form>"
        ),
    )
}

pub fn connect(learner: &str, conns: &[ProviderConnection], error: Option<&str>) -> String {
    let e = error
        .map(|e| format!("<p class=\"error\">{}</p>", esc(e)))
        .unwrap_or_default();
    let mut rows = String::new();
    for c in conns {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><form method=\"post\" action=\"/connections/{}/sync\"><button>Sync</button></form></td></tr>",
            esc(&c.provider),
            esc(&c.standard),
            esc(&c.base),
            esc(c.last_error.as_deref().map(|e| format!("error: {e}")).or(c.last_sync.clone().map(|s| format!("synced {s}"))).as_deref().unwrap_or("not synced")),
            c.id
        );
    }
    let table = if conns.is_empty() {
        String::new()
    } else {
        format!("<h3>Connected providers</h3><table><tr><th>provider</th><th>API</th><th>base URL</th><th>last sync</th><th></th></tr>{rows}</table>")
    };
    layout(
        "Connect",
        Some(learner),
        &format!(
            "{e}<form class=\"box\" method=\"post\" action=\"/connect\"><h2>Connect to a provider</h2>\
             <p class=\"muted\">Any Open Badges 3.0 or CLR 2.0 Service Provider: you will sign in there and allow this wallet to read your credentials.</p>\
             <label for=\"base\">Provider base URL</label><input id=\"base\" name=\"base\" type=\"url\" placeholder=\"https://issuer.example.org\" required>\
             <label for=\"standard\">API</label><select id=\"standard\" name=\"standard\"><option value=\"ob30\">Open Badges 3.0</option><option value=\"clr20\">CLR 2.0</option></select>\
             <button class=\"primary\" type=\"submit\">Connect</button></form>{table}"
        ),
    )
}

pub fn share(learner: &str, creds: &[StoredCredential], error: Option<&str>) -> String {
    let e = error
        .map(|e| format!("<p class=\"error\">{}</p>", esc(e)))
        .unwrap_or_default();
    let mut items = String::new();
    for c in creds {
        let _ = write!(
            items,
            "<label class=\"pick\"><input type=\"checkbox\" name=\"id\" value=\"{}\"> {} {}</label>",
            c.id,
            esc(c.name.as_deref().unwrap_or("(unnamed)")),
            status(&c.status)
        );
    }
    layout(
        "Share",
        Some(learner),
        &format!(
            "{e}<form class=\"box\" method=\"post\" action=\"/share\"><h2>Share credentials</h2>\
             <p class=\"muted\">The wallet signs a presentation with your own key (did:key) holding the credentials you pick.</p>{items}\
             <label for=\"send_to\">Send to (an application's apply URL, optional)</label><input id=\"send_to\" name=\"send_to\" type=\"url\">\
             <label for=\"challenge\">Challenge (optional)</label><input id=\"challenge\" name=\"challenge\">\
             <label for=\"domain\">Domain (optional)</label><input id=\"domain\" name=\"domain\">\
             <label><input type=\"checkbox\" name=\"email\" value=\"{}\"> Send my e-mail address with it (when the credentials were issued to it)</label>\
             <button class=\"primary\" type=\"submit\">Share</button></form>",
            esc(learner)
        ),
    )
}

pub fn shared(learner: &str, vp: &Value, sent: Option<(&str, u16, &str)>) -> String {
    let s = match sent {
        Some((to, code, body)) => format!(
            "<p class=\"flash\">Sent to {} — it answered {code}.</p><pre>{}</pre>",
            esc(to),
            esc(&body.chars().take(4000).collect::<String>())
        ),
        None => String::new(),
    };
    layout(
        "Shared",
        Some(learner),
        &format!(
            "{s}<h2>Your signed presentation</h2><pre>{}</pre>",
            esc(&serde_json::to_string_pretty(vp).unwrap_or_default())
        ),
    )
}

pub fn message(title: &str, learner: Option<&str>, text: &str) -> String {
    layout(
        title,
        learner,
        &format!("<h2>{}</h2><p>{}</p>", esc(title), esc(text)),
    )
}
