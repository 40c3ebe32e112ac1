//! The ATS's pages (server-rendered HTML, one linked stylesheet, no script, no inline style): sign in, jobs,
//! a job's blind ranking with the evidence per requirement, a candidate opened (the person and
//! each credential as a Displayer shows it, with its report and "Verify again"), and the
//! candidates' apply page.

use std::fmt::Write;

use serde_json::Value;

use crate::case::Graph;
use crate::score::{Score, W_EXACT, W_PART, W_RELATED};
use crate::store::{Application, CredentialRow, Job};

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
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24;background:#f4f6f9}
header{background:#5b2a86;color:#fff;padding:14px 28px;display:flex;align-items:center;gap:24px}
header h1{font-size:20px;margin:0}header nav a{color:#fff;margin-right:16px;text-decoration:none;font-weight:500}
header form{margin-left:auto}header button{background:transparent;color:#fff;border:1px solid #fff8;border-radius:4px;padding:4px 10px}
main{max-width:1100px;margin:24px auto;padding:0 20px}
.flash{background:#dafbe1;border:1px solid #1a7f3755;padding:10px 14px;border-radius:6px;margin-bottom:16px}
.error{background:#ffebe9;border:1px solid #cf222e55;padding:10px 14px;border-radius:6px;margin-bottom:16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:16px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;display:flex;gap:14px;margin-bottom:12px}
.card img,.badge{width:72px;height:72px;border-radius:8px;flex:none;object-fit:cover}
.badge{background:linear-gradient(135deg,#5b2a86,#c86dd7);color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:26px}
.card h2,.card h3{font-size:16px;margin:0 0 4px}a{color:#5b2a86}
.muted{color:#57606a;font-size:13px}
.status{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:700;text-transform:uppercase}
.s-valid{background:#dafbe1;color:#1a7f37}.s-expired,.s-not-yet-valid{background:#fff8c5;color:#9a6700}
.s-revoked,.s-invalid{background:#ffebe9;color:#cf222e}.s-unknown{background:#eaeef2;color:#57606a}
.score{font-size:28px;font-weight:800;color:#5b2a86}
.bar{height:8px;background:#eaeef2;border-radius:4px;overflow:hidden;width:160px}.bar i{display:block;height:100%;background:#8250df}
form.box{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:20px;max-width:640px;margin-bottom:20px}
label{display:block;font-weight:600;margin:10px 0 4px}input,select,textarea{width:100%;font:inherit;padding:8px;border:1px solid #d0d7de;border-radius:6px}
button.primary{margin-top:14px;background:#5b2a86;color:#fff;border:0;border-radius:6px;padding:9px 16px;font:inherit;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:16px}td,th{border-top:1px solid #eaeef2;padding:6px 8px;text-align:left;vertical-align:top;font-size:13px}
td.v{font-weight:700;text-transform:uppercase;font-size:11px;width:56px}td.pass{color:#1a7f37}td.fail{color:#cf222e}td.warn{color:#9a6700}td.skip{color:#57606a}
.path{font-family:ui-monospace,monospace;font-size:12px}
pre{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px;overflow:auto;max-height:420px;font-size:12px}

header .who{color:#fffc;margin-right:10px;font-size:13px}.card.block{display:block}.row{display:flex;gap:16px;align-items:center}.row.wide-gap{gap:18px}
h3.flat{margin:0}button.flat{margin:0}a.push{margin-left:auto}img.portrait{width:96px;height:96px;border-radius:48px;object-fit:cover;float:right}
.card.nested{margin-left:40px}.grow{flex:1}form.inline{display:inline}b.yes{color:#1a7f37}b.no{color:#cf222e}
.d0{padding-left:8px}.d1{padding-left:24px}.d2{padding-left:40px}.d3{padding-left:56px}.d4{padding-left:72px}.d5{padding-left:88px}.d6{padding-left:104px}
.bar i.w0{width:0%}.bar i.w5{width:5%}.bar i.w10{width:10%}.bar i.w15{width:15%}.bar i.w20{width:20%}.bar i.w25{width:25%}.bar i.w30{width:30%}.bar i.w35{width:35%}.bar i.w40{width:40%}.bar i.w45{width:45%}.bar i.w50{width:50%}.bar i.w55{width:55%}.bar i.w60{width:60%}.bar i.w65{width:65%}.bar i.w70{width:70%}.bar i.w75{width:75%}.bar i.w80{width:80%}.bar i.w85{width:85%}.bar i.w90{width:90%}.bar i.w95{width:95%}.bar i.w100{width:100%}
";

pub fn layout(title: &str, who: Option<&str>, body: &str) -> String {
    let nav = match who {
        Some(w) => format!(
            "<nav><a href=\"/\">Jobs</a></nav><form method=\"post\" action=\"/logout\"><span class=\"who\">{}</span><button>Sign out</button></form>",
            esc(w)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{t} · Wellspring Talent Search</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><header><h1>Wellspring Talent Search</h1>{nav}</header><main>{body}</main></body></html>",
        t = esc(title)
    )
}

fn flash(msg: Option<&str>, class: &str) -> String {
    msg.map(|m| format!("<p class=\"{class}\">{}</p>", esc(m)))
        .unwrap_or_default()
}

pub fn login(error: Option<&str>) -> String {
    layout(
        "Sign in",
        None,
        &format!(
            "{}<form class=\"box\" method=\"post\" action=\"/login\"><h2>Recruiter sign-in</h2>\
             <label for=\"email\">E-mail</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required>\
             <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
             <button class=\"primary\" type=\"submit\">Sign in</button></form>",
            flash(error, "error")
        ),
    )
}

pub fn message(title: &str, who: Option<&str>, text: &str) -> String {
    layout(
        title,
        who,
        &format!("<h2>{}</h2><p>{}</p>", esc(title), esc(text)),
    )
}

pub fn jobs(who: &str, jobs: &[Job], counts: &[usize], g: &Graph, error: Option<&str>) -> String {
    let mut b = flash(error, "error");
    b.push_str("<h2>Jobs</h2>");
    if jobs.is_empty() {
        b.push_str("<p class=\"muted\">No job yet: post one below.</p>");
    }
    for (j, n) in jobs.iter().zip(counts) {
        let fw = g
            .frameworks
            .get(&j.framework)
            .map(|f| f.title.as_str())
            .unwrap_or(&j.framework);
        let _ = write!(
            b,
            "<div class=\"card\"><div><h3><a class=\"job\" href=\"/jobs/{id}\">{t}</a></h3><div class=\"muted\">{r} requirement(s) from <b>{fw}</b> · {n} application(s) · \
             <a href=\"/jobs/{id}/apply\">apply page</a></div></div></div>",
            id = j.id,
            t = esc(&j.title),
            r = j.requirements.len(),
            fw = esc(fw),
        );
    }
    b.push_str(
        "<form class=\"box\" method=\"post\" action=\"/jobs\"><h2>Post a job</h2>\
         <p class=\"muted\">Requirements are items of a CASE 1.0 job-skill framework, read from any CASE provider.</p>\
         <label for=\"title\">Title</label><input id=\"title\" name=\"title\" required>\
         <label for=\"package_url\">CFPackage URL</label><input id=\"package_url\" name=\"package_url\" placeholder=\"https://case.example.org/ims/case/v1p0/CFPackages/…\">\
         <p class=\"muted\">…or a CASE base URL and the framework's CFDocument identifier:</p>\
         <label for=\"case_base\">CASE base URL</label><input id=\"case_base\" name=\"case_base\" placeholder=\"http://127.0.0.1:8480\">\
         <label for=\"framework\">Framework (CFDocument identifier)</label><input id=\"framework\" name=\"framework\">\
         <label for=\"requirements\">Requirements (CFItem identifiers, URIs or codes; empty: every item)</label><textarea id=\"requirements\" name=\"requirements\" rows=\"3\"></textarea>\
         <button class=\"primary\" type=\"submit\">Post the job</button></form>",
    );
    layout("Jobs", Some(who), &b)
}

fn bar(p: f64) -> String {
    format!(
        "<div class=\"bar\"><i class=\"w{}\"></i></div>",
        (p.clamp(0.0, 100.0) / 5.0).round() as u32 * 5
    )
}

fn path_html(g: &Graph, e: &crate::score::Evidence) -> String {
    let mut s = format!(
        "credential #{} aligns to <b>{}</b>",
        e.credential + 1,
        esc(&g.label(&e.aligned_item))
    );
    for h in &e.path {
        let _ = write!(
            s,
            " →<i>{}</i> (×{}) <b>{}</b>",
            esc(&h.association),
            h.weight,
            esc(&g.label(&h.to))
        );
    }
    if let Some(r) = &e.alignment.result {
        let _ = write!(s, " · result: {}", esc(r));
    }
    s
}

fn evidence_table(g: &Graph, s: &Score) -> String {
    let mut t = String::from("<table class=\"evidence\"><tr><th>requirement</th><th>score</th><th>evidence (credential, alignment path)</th></tr>");
    for r in &s.requirements {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td class=\"path\">{}</td></tr>",
            esc(&g.label(&r.item)),
            r.score,
            r.evidence
                .as_ref()
                .map(|e| path_html(g, e))
                .unwrap_or_else(|| "<span class=\"muted\">no evidence</span>".into())
        );
    }
    t.push_str("</table>");
    t
}

pub fn job(who: &str, j: &Job, g: &Graph, ranked: &[crate::Ranked], base: &str) -> String {
    let mut b = format!("<h2>{}</h2>", esc(&j.title));
    let fw = g
        .frameworks
        .get(&j.framework)
        .map(|f| f.title.as_str())
        .unwrap_or(&j.framework);
    let _ = write!(
        b,
        "<p class=\"muted\">Requirements from <b>{}</b> ({} at {}). Candidates apply at <a href=\"/jobs/{id}/apply\">{base}/jobs/{id}/apply</a>.</p>",
        esc(fw),
        esc(&j.framework),
        esc(&j.case_base),
        id = j.id,
        base = esc(base)
    );
    let _ = write!(
        b,
        "<p class=\"muted\">Blind ranking: names, photos, birth dates, addresses and institution names are not inputs to the score and stay hidden until you open a candidate. \
         Weights: aligned to the requirement itself or <code>exactMatchOf</code> ×{W_EXACT}, <code>isRelatedTo</code> ×{W_RELATED}, \
         <code>isChildOf</code>/<code>isPartOf</code> (part → whole) ×{W_PART}; the score is the mean over the requirements. Only verified credentials bound to the applicant count.</p>"
    );
    let _ = write!(b, "<h3>Candidates ({})</h3>", ranked.len());
    if ranked.is_empty() {
        b.push_str("<p class=\"muted\">No application yet.</p>");
    }
    for (i, r) in ranked.iter().enumerate() {
        let _ = write!(
            b,
            "<div class=\"card candidate block\"><div class=\"row wide-gap\"><span class=\"muted\">#{rank}</span>\
             <h3 class=\"flat\">Candidate {app}</h3><span class=\"score\">{pct:.1}%</span>{bar}\
             <span class=\"muted\">{c} of {t} credential(s) count</span><a class=\"push\" href=\"/jobs/{job}/candidates/{app}\">Open candidate</a></div>{table}</div>",
            rank = i + 1,
            app = r.application,
            pct = r.score.percent,
            bar = bar(r.score.percent),
            c = r.counted,
            t = r.total,
            job = j.id,
            table = evidence_table(g, &r.score),
        );
    }
    layout(&j.title, Some(who), &b)
}

fn picture(display: &Value, name: &str) -> String {
    match display.get("image").and_then(Value::as_str) {
        Some(src)
            if src.starts_with("data:image/")
                || src.starts_with("https://")
                || src.starts_with("http://") =>
        {
            format!("<img src=\"{}\" alt=\"\">", esc(src))
        }
        _ => format!(
            "<div class=\"badge\">{}</div>",
            esc(&name.chars().next().unwrap_or('★').to_string())
        ),
    }
}

fn report_rows(report: &Value) -> String {
    let mut rows = String::new();
    fn walk(doc: &Value, depth: usize, rows: &mut String) {
        for c in doc
            .get("checks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let verdict = c["verdict"].as_str().unwrap_or("?");
            let _ = write!(
                rows,
                "<tr><td class=\"v {verdict}\">{verdict}</td><td class=\"d{}\"><code>{}</code></td><td>{}</td></tr>",
                depth.min(6),
                esc(c["id"].as_str().unwrap_or("")),
                esc(c["message"].as_str().unwrap_or(""))
            );
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
    walk(report, 0, &mut rows);
    rows
}

pub fn candidate(
    who: &str,
    j: &Job,
    a: &Application,
    rows: &[CredentialRow],
    s: &Score,
    g: &Graph,
    msg: Option<&str>,
) -> String {
    let mut b = flash(msg, "flash");
    let mut names: Vec<String> = a.name.iter().cloned().collect();
    let mut emails: Vec<String> = a.email.iter().cloned().collect();
    let mut photos = Vec::new();
    let mut births = Vec::new();
    for r in rows {
        names.extend(r.person.names.iter().cloned());
        emails.extend(r.person.emails.iter().cloned());
        photos.extend(r.person.photos.iter().cloned());
        births.extend(r.person.birth_dates.iter().cloned());
    }
    for v in [&mut names, &mut emails, &mut photos, &mut births] {
        v.sort();
        v.dedup();
    }
    for p in photos
        .iter()
        .filter(|p| {
            p.starts_with("data:image/") || p.starts_with("https://") || p.starts_with("http://")
        })
        .take(1)
    {
        let _ = write!(b, "<img src=\"{}\" alt=\"\" class=\"portrait\">", esc(p));
    }
    let _ = write!(
        b,
        "<p><a href=\"/jobs/{}\">← {}</a></p><h2 class=\"person\">Candidate {}: {}</h2>\
         <p class=\"muted\">E-mail: {} · holder: <code>{}</code> · received {} · verified {}{}{}</p>",
        j.id,
        esc(&j.title),
        a.id,
        esc(&if names.is_empty() { "(no name given)".to_owned() } else { names.join(", ") }),
        esc(&if emails.is_empty() { "(none)".to_owned() } else { emails.join(", ") }),
        esc(a.holder.as_deref().unwrap_or("(no signed presentation)")),
        esc(&a.received),
        esc(&a.verified_at),
        if births.is_empty() { String::new() } else { format!(" · born {}", esc(&births.join(", "))) },
        a.presentation_error.as_deref().map(|e| format!(" · <b>presentation: {}</b>", esc(e))).unwrap_or_default(),
    );
    let _ = write!(
        b,
        "<div class=\"row\"><span class=\"score\">{:.1}%</span>{}\
         <form method=\"post\" action=\"/jobs/{}/candidates/{}/verify\"><button class=\"primary flat\">Verify again</button></form></div>{}",
        s.percent,
        bar(s.percent),
        j.id,
        a.id,
        evidence_table(g, s)
    );
    b.push_str("<h3>Credentials</h3>");
    for r in rows {
        let name = r
            .display
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed credential)");
        let t = |k: &str| {
            r.display
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let on = t("issuedOn");
        let _ = write!(
            b,
            "<div class=\"card credential{indent}\">{pic}<div class=\"grow\"><h3>#{n} {name}</h3><div><span class=\"status s-{st}\">{st}</span> <span class=\"muted\">{kind}{within}</span> {counts}</div>\
             <div class=\"muted\">{desc}</div><div class=\"muted\">Issued by <b>{issuer}</b> on {on}</div>\
             <form method=\"post\" action=\"/jobs/{job}/candidates/{app}/verify\" class=\"inline\"><button>Verify again</button></form>\
             <details><summary>Verification report</summary><table>{rows}</table></details></div></div>",
            indent = if r.parent.is_some() { " nested" } else { "" },
            pic = picture(&r.display, name),
            n = r.index + 1,
            name = esc(name),
            st = esc(&r.status),
            kind = esc(&r.kind),
            within = r.parent.map(|p| format!(", bundled in #{}", p + 1)).unwrap_or_default(),
            counts = if r.counts {
                "<b class=\"yes\">counts</b>".to_owned()
            } else {
                format!("<b class=\"no\">does not count</b> <span class=\"muted\">{}</span>", esc(r.why_not.as_deref().unwrap_or("")))
            },
            desc = esc(&t("description").chars().take(240).collect::<String>()),
            issuer = esc(&Some(t("issuerName")).filter(|s| !s.is_empty()).unwrap_or_else(|| "unknown issuer".into())),
            on = esc(on.get(..10).unwrap_or(if on.is_empty() { "?" } else { &on })),
            job = j.id,
            app = a.id,
            rows = report_rows(&r.report),
        );
    }
    layout(&format!("Candidate {}", a.id), Some(who), &b)
}

pub fn apply(j: &Job, g: &Graph, info: &Value, error: Option<&str>) -> String {
    let mut b = flash(error, "error");
    let _ = write!(
        b,
        "<h2>Apply: {}</h2><p>This job asks for:</p><ul>",
        esc(&j.title)
    );
    for r in &j.requirements {
        let _ = write!(b, "<li>{}</li>", esc(&g.label(r)));
    }
    let s = |k: &str| esc(info[k].as_str().unwrap_or(""));
    let _ = write!(
        b,
        "</ul><h3>From your wallet</h3><p>In the Wellspring wallet, <b>Share</b> your credentials with:</p>\
         <table><tr><th>Send to</th><td><code id=\"apply-url\">{}</code></td></tr><tr><th>Challenge</th><td><code id=\"challenge\">{}</code></td></tr>\
         <tr><th>Domain</th><td><code id=\"domain\">{}</code></td></tr></table>\
         <p class=\"muted\">The challenge is single-use and expires in an hour; reload this page for a new one.</p>\
         <form class=\"box\" method=\"post\" action=\"/jobs/{}/apply\" enctype=\"multipart/form-data\"><h3>…or upload</h3>\
         <p class=\"muted\">A signed presentation (with the challenge and domain above), or a CLR / credential with the e-mail it was issued to.</p>\
         <label for=\"file\">File</label><input id=\"file\" type=\"file\" name=\"file\">\
         <label for=\"text\">…or paste it</label><textarea id=\"text\" name=\"text\" rows=\"6\"></textarea>\
         <label for=\"name\">Your name</label><input id=\"name\" name=\"name\">\
         <label for=\"aemail\">Your e-mail</label><input id=\"aemail\" name=\"email\" type=\"email\">\
         <button class=\"primary\" type=\"submit\">Apply</button></form>",
        s("applyUrl"),
        s("challenge"),
        s("domain"),
        j.id
    );
    layout(&format!("Apply: {}", j.title), None, &b)
}

pub fn applied(j: &Job, id: i64, v: &Value) -> String {
    let mut b = format!("<p class=\"flash\">Application {id} to {} received.</p><table><tr><th>#</th><th>credential</th><th>status</th><th>counts</th></tr>", esc(&j.title));
    for c in v["credentials"].as_array().into_iter().flatten() {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c["index"].as_u64().unwrap_or(0) + 1,
            esc(c["name"].as_str().unwrap_or("(unnamed)")),
            esc(c["status"].as_str().unwrap_or("")),
            if c["counts"].as_bool() == Some(true) {
                "yes".to_owned()
            } else {
                format!("no: {}", esc(c["whyNot"].as_str().unwrap_or("")))
            }
        );
    }
    b.push_str("</table>");
    layout("Applied", None, &b)
}
