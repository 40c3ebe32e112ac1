//! The ATS's pages (server-rendered HTML, one linked stylesheet, no script, no inline style): sign in, jobs,
//! a job's blind ranking with the evidence per requirement, a candidate opened (the person and
//! each credential as a Displayer shows it, with its report and "Verify again"), and the
//! candidates' apply page. Built with `maud`, which escapes every value it is given.

use maud::{html, Markup, DOCTYPE};
use serde_json::Value;

use crate::case::Graph;
use crate::score::{Score, W_EXACT, W_PART, W_RELATED};
use crate::store::{Application, CredentialRow, Job};

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

fn layout(title: &str, who: Option<&str>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) " · Wellspring Talent Search" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header {
                    h1 { "Wellspring Talent Search" }
                    @if let Some(w) = who {
                        nav { a href="/" { "Jobs" } }
                        form method="post" action="/logout" {
                            span.who { (w) }
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

/// A message in a paragraph of `class` (`error` or `flash`), when there is one.
fn flash(msg: Option<&str>, class: &str) -> Markup {
    html! {
        @if let Some(m) = msg {
            p class=(class) { (m) }
        }
    }
}

pub fn login(error: Option<&str>) -> String {
    layout(
        "Sign in",
        None,
        html! {
            (flash(error, "error"))
            form.box method="post" action="/login" {
                h2 { "Recruiter sign-in" }
                label for="email" { "E-mail" }
                input id="email" name="email" type="email" autocomplete="username" required;
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                button.primary type="submit" { "Sign in" }
            }
        },
    )
}

pub fn message(title: &str, who: Option<&str>, text: &str) -> String {
    layout(
        title,
        who,
        html! {
            h2 { (title) }
            p { (text) }
        },
    )
}

/// The title of a job's framework (its identifier when the framework is not cached).
fn framework_title<'a>(g: &'a Graph, j: &'a Job) -> &'a str {
    g.frameworks
        .get(&j.framework)
        .map(|f| f.title.as_str())
        .unwrap_or(&j.framework)
}

/// The form that posts a job.
fn post_job_form() -> Markup {
    html! {
        form.box method="post" action="/jobs" {
            h2 { "Post a job" }
            p.muted { "Requirements are items of a CASE 1.0 job-skill framework, read from any CASE provider." }
            label for="title" { "Title" }
            input id="title" name="title" required;
            label for="package_url" { "CFPackage URL" }
            input id="package_url" name="package_url" placeholder="https://case.example.org/ims/case/v1p0/CFPackages/…";
            p.muted { "…or a CASE base URL and the framework's CFDocument identifier:" }
            label for="case_base" { "CASE base URL" }
            input id="case_base" name="case_base" placeholder="http://127.0.0.1:8480";
            label for="framework" { "Framework (CFDocument identifier)" }
            input id="framework" name="framework";
            label for="requirements" { "Requirements (CFItem identifiers, URIs or codes; empty: every item)" }
            textarea id="requirements" name="requirements" rows="3" {}
            button.primary type="submit" { "Post the job" }
        }
    }
}

pub fn jobs(who: &str, jobs: &[Job], counts: &[usize], g: &Graph, error: Option<&str>) -> String {
    let body = html! {
        (flash(error, "error"))
        h2 { "Jobs" }
        @if jobs.is_empty() {
            p.muted { "No job yet: post one below." }
        }
        @for (j, n) in jobs.iter().zip(counts) {
            div.card {
                div {
                    h3 { a.job href={ "/jobs/" (j.id) } { (j.title) } }
                    div.muted {
                        (j.requirements.len()) " requirement(s) from " b { (framework_title(g, j)) }
                        " · " (n) " application(s) · "
                        a href={ "/jobs/" (j.id) "/apply" } { "apply page" }
                    }
                }
            }
        }
        (post_job_form())
    };
    layout("Jobs", Some(who), body)
}

fn bar(p: f64) -> Markup {
    let step = (p.clamp(0.0, 100.0) / 5.0).round() as u32 * 5;
    html! {
        div.bar { i class={ "w" (step) } {} }
    }
}

fn path_html(g: &Graph, e: &crate::score::Evidence) -> Markup {
    html! {
        "credential #" (e.credential + 1) " aligns to " b { (g.label(&e.aligned_item)) }
        @for h in &e.path {
            " →" i { (h.association) } " (×" (h.weight) ") " b { (g.label(&h.to)) }
        }
        @if let Some(r) = &e.alignment.result {
            " · result: " (r)
        }
    }
}

fn evidence_table(g: &Graph, s: &Score) -> Markup {
    html! {
        table.evidence {
            tr { th { "requirement" } th { "score" } th { "evidence (credential, alignment path)" } }
            @for r in &s.requirements {
                tr {
                    td { (g.label(&r.item)) }
                    td { (r.score) }
                    td.path {
                        @match &r.evidence {
                            Some(e) => { (path_html(g, e)) }
                            None => { span.muted { "no evidence" } }
                        }
                    }
                }
            }
        }
    }
}

/// How the ranking is made, in words.
fn ranking_note() -> Markup {
    html! {
        p.muted {
            "Blind ranking: names, photos, birth dates, addresses and institution names are not inputs to the score and stay hidden until you open a candidate. \
             Weights: aligned to the requirement itself or " code { "exactMatchOf" } " ×" (W_EXACT) ", "
            code { "isRelatedTo" } " ×" (W_RELATED) ", "
            code { "isChildOf" } "/" code { "isPartOf" } " (part → whole) ×" (W_PART)
            "; the score is the mean over the requirements. Only verified credentials bound to the applicant count."
        }
    }
}

pub fn job(who: &str, j: &Job, g: &Graph, ranked: &[crate::Ranked], base: &str) -> String {
    let body = html! {
        h2 { (j.title) }
        p.muted {
            "Requirements from " b { (framework_title(g, j)) } " (" (j.framework) " at " (j.case_base)
            "). Candidates apply at " a href={ "/jobs/" (j.id) "/apply" } { (base) "/jobs/" (j.id) "/apply" } "."
        }
        (ranking_note())
        h3 { "Candidates (" (ranked.len()) ")" }
        @if ranked.is_empty() {
            p.muted { "No application yet." }
        }
        @for (i, r) in ranked.iter().enumerate() {
            div.card.candidate.block {
                div.row.wide-gap {
                    span.muted { "#" (i + 1) }
                    h3.flat { "Candidate " (r.application) }
                    span.score { (format!("{:.1}", r.score.percent)) "%" }
                    (bar(r.score.percent))
                    span.muted { (r.counted) " of " (r.total) " credential(s) count" }
                    a.push href={ "/jobs/" (j.id) "/candidates/" (r.application) } { "Open candidate" }
                }
                (evidence_table(g, &r.score))
            }
        }
    };
    layout(&j.title, Some(who), body)
}

/// Only data: and http(s) images are shown.
fn shown_image(src: &str) -> bool {
    src.starts_with("data:image/") || src.starts_with("https://") || src.starts_with("http://")
}

fn picture(display: &Value, name: &str) -> Markup {
    html! {
        @match display.get("image").and_then(Value::as_str) {
            Some(src) if shown_image(src) => { img src=(src) alt=""; }
            _ => { div.badge { (name.chars().next().unwrap_or('★')) } }
        }
    }
}

/// One row of a verification report: nesting depth, verdict, check id, message.
struct ReportRow<'a> {
    depth: usize,
    verdict: &'a str,
    id: &'a str,
    message: &'a str,
}

fn report_rows(report: &Value) -> Vec<ReportRow<'_>> {
    fn walk<'a>(doc: &'a Value, depth: usize, rows: &mut Vec<ReportRow<'a>>) {
        for c in doc
            .get("checks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            rows.push(ReportRow {
                depth: depth.min(6),
                verdict: c["verdict"].as_str().unwrap_or("?"),
                id: c["id"].as_str().unwrap_or(""),
                message: c["message"].as_str().unwrap_or(""),
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
    let mut rows = Vec::new();
    walk(report, 0, &mut rows);
    rows
}

/// Everything the application and its credentials say about the person, each list sorted and
/// without repeats: (names, e-mails, photos, birth dates).
fn person(a: &Application, rows: &[CredentialRow]) -> [Vec<String>; 4] {
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
    let mut all = [names, emails, photos, births];
    for v in &mut all {
        v.sort();
        v.dedup();
    }
    all
}

/// The candidate opened: the person, the score and its evidence.
fn candidate_head(
    j: &Job,
    a: &Application,
    rows: &[CredentialRow],
    s: &Score,
    g: &Graph,
) -> Markup {
    let [names, emails, photos, births] = person(a, rows);
    html! {
        @if let Some(p) = photos.iter().find(|p| shown_image(p)) {
            img src=(p) alt="" class="portrait";
        }
        p { a href={ "/jobs/" (j.id) } { "← " (j.title) } }
        h2.person {
            "Candidate " (a.id) ": "
            @if names.is_empty() { "(no name given)" } @else { (names.join(", ")) }
        }
        p.muted {
            "E-mail: "
            @if emails.is_empty() { "(none)" } @else { (emails.join(", ")) }
            " · holder: " code { (a.holder.as_deref().unwrap_or("(no signed presentation)")) }
            " · received " (a.received) " · verified " (a.verified_at)
            @if !births.is_empty() { " · born " (births.join(", ")) }
            @if let Some(e) = &a.presentation_error { " · " b { "presentation: " (e) } }
        }
        div.row {
            span.score { (format!("{:.1}", s.percent)) "%" }
            (bar(s.percent))
            form method="post" action={ "/jobs/" (j.id) "/candidates/" (a.id) "/verify" } {
                button.primary.flat { "Verify again" }
            }
        }
        (evidence_table(g, s))
    }
}

/// One credential of the candidate, as a Displayer shows it, with its report.
fn credential_card(j: &Job, a: &Application, r: &CredentialRow) -> Markup {
    let t = |k: &str| r.display.get(k).and_then(Value::as_str).unwrap_or("");
    let name = r
        .display
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed credential)");
    let on = t("issuedOn");
    let issuer = Some(t("issuerName"))
        .filter(|s| !s.is_empty())
        .unwrap_or("unknown issuer");
    html! {
        div.card.credential.nested[r.parent.is_some()] {
            (picture(&r.display, name))
            div.grow {
                h3 { "#" (r.index + 1) " " (name) }
                div {
                    span class={ "status s-" (r.status) } { (r.status) }
                    " "
                    span.muted {
                        (r.kind)
                        @if let Some(p) = r.parent { ", bundled in #" (p + 1) }
                    }
                    " "
                    @if r.counts {
                        b.yes { "counts" }
                    } @else {
                        b.no { "does not count" } " " span.muted { (r.why_not.as_deref().unwrap_or("")) }
                    }
                }
                div.muted { (t("description").chars().take(240).collect::<String>()) }
                div.muted {
                    "Issued by " b { (issuer) } " on "
                    (on.get(..10).unwrap_or(if on.is_empty() { "?" } else { on }))
                }
                form method="post" action={ "/jobs/" (j.id) "/candidates/" (a.id) "/verify" } class="inline" {
                    button { "Verify again" }
                }
                details {
                    summary { "Verification report" }
                    table {
                        @for row in report_rows(&r.report) {
                            tr {
                                td class={ "v " (row.verdict) } { (row.verdict) }
                                td class={ "d" (row.depth) } { code { (row.id) } }
                                td { (row.message) }
                            }
                        }
                    }
                }
            }
        }
    }
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
    let body = html! {
        (flash(msg, "flash"))
        (candidate_head(j, a, rows, s, g))
        h3 { "Credentials" }
        @for r in rows {
            (credential_card(j, a, r))
        }
    };
    layout(&format!("Candidate {}", a.id), Some(who), body)
}

pub fn apply(j: &Job, g: &Graph, info: &Value, error: Option<&str>) -> String {
    let s = |k: &str| info[k].as_str().unwrap_or("").to_owned();
    let body = html! {
        (flash(error, "error"))
        h2 { "Apply: " (j.title) }
        p { "This job asks for:" }
        ul {
            @for r in &j.requirements {
                li { (g.label(r)) }
            }
        }
        h3 { "From your wallet" }
        p { "In the Wellspring wallet, " b { "Share" } " your credentials with:" }
        table {
            tr { th { "Send to" } td { code id="apply-url" { (s("applyUrl")) } } }
            tr { th { "Challenge" } td { code id="challenge" { (s("challenge")) } } }
            tr { th { "Domain" } td { code id="domain" { (s("domain")) } } }
        }
        p.muted { "The challenge is single-use and expires in an hour; reload this page for a new one." }
        form.box method="post" action={ "/jobs/" (j.id) "/apply" } enctype="multipart/form-data" {
            h3 { "…or upload" }
            p.muted { "A signed presentation (with the challenge and domain above), or a CLR / credential with the e-mail it was issued to." }
            label for="file" { "File" }
            input id="file" type="file" name="file";
            label for="text" { "…or paste it" }
            textarea id="text" name="text" rows="6" {}
            label for="name" { "Your name" }
            input id="name" name="name";
            label for="aemail" { "Your e-mail" }
            input id="aemail" name="email" type="email";
            button.primary type="submit" { "Apply" }
        }
    };
    layout(&format!("Apply: {}", j.title), None, body)
}

pub fn applied(j: &Job, id: i64, v: &Value) -> String {
    let body = html! {
        p.flash { "Application " (id) " to " (j.title) " received." }
        table {
            tr { th { "#" } th { "credential" } th { "status" } th { "counts" } }
            @for c in v["credentials"].as_array().into_iter().flatten() {
                tr {
                    td { (c["index"].as_u64().unwrap_or(0) + 1) }
                    td { (c["name"].as_str().unwrap_or("(unnamed)")) }
                    td { (c["status"].as_str().unwrap_or("")) }
                    td {
                        @if c["counts"].as_bool() == Some(true) {
                            "yes"
                        } @else {
                            "no: " (c["whyNot"].as_str().unwrap_or(""))
                        }
                    }
                }
            }
        }
    };
    layout("Applied", None, body)
}
