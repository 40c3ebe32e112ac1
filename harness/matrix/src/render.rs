//! Renderings of a matrix: one offline HTML page (built with `maud`, which escapes every value
//! it is given), JUnit per implementation, EARL (JSON-LD).

use std::fmt::Write;

use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::{json, Value};
use wellspring_report::Verdict;

use crate::model::{Empty, Matrix};

/// Without control characters (tab and newline kept): what a page or an XML file can carry.
fn printable(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

fn anchor(imp: &str, check: &str) -> String {
    format!("ev-{}-{}", slug(imp), slug(check))
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn word(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Warn => "warn",
        Verdict::Skip => "skip",
    }
}

fn link(clause: &str) -> Markup {
    html! {
        @if clause.starts_with("https://") || clause.starts_with("http://") {
            a href=(clause) rel="noreferrer" { "spec" }
        }
    }
}

/// Layout: the tables scroll sideways inside their own box (the page never does), the check
/// column stays in view and its IDs never wrap; evidence scrolls inside its own box; printing
/// keeps rows whole.
const STYLE: &str = "
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace}
header{background:#13315c;color:#fff;padding:16px clamp(12px,3vw,24px)}header h1{margin:0;font-size:21px;overflow-wrap:anywhere}header p{margin:4px 0 0;opacity:.85}header code{color:#fff;overflow-wrap:anywhere;word-break:break-word}
main{padding:16px clamp(8px,3vw,24px)}
.scroll{overflow-x:auto;max-width:100%;width:fit-content;border:1px solid #d0d7de;background:#fff}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th.impl{min-width:90px;font-size:13px}
th.impl small{display:block;font-weight:400;color:#57606a}
tr.group td{background:#eef2f7;font-weight:700}
td.check{background:#fff;min-width:14em}
@media (min-width:700px){td.check{position:sticky;left:0;z-index:1}}
td.check code.id{white-space:nowrap;font-size:12px}
td.check small{color:#57606a;display:block;max-width:520px}
td.c{text-align:center;font-weight:700;font-size:12px;text-transform:uppercase;white-space:nowrap}
td.c a{color:inherit;text-decoration:none;display:block}
td.pass{background:#dafbe1;color:#1a7f37}td.fail{background:#ffebe9;color:#cf222e}
td.warn{background:#fff8c5;color:#9a6700}td.skip{background:#f6f8fa;color:#57606a}
td.none{background:#fff;color:#afb8c1;font-weight:400;text-transform:none}
td.notrun{background:#ffebe9;color:#cf222e;font-weight:400;text-transform:none}
td.wrap{overflow-wrap:anywhere;min-width:8em}
tr.optional td.check small:after{content:' (optional)';font-style:italic}
.legend span{display:inline-block;padding:2px 8px;margin:0 6px 4px 0;border:1px solid #d0d7de;background:#fff}
.legend .pass{background:#dafbe1}.legend .fail{background:#ffebe9}.legend .warn{background:#fff8c5}.legend .skip{background:#f6f8fa}
section.ev{background:#fff;border:1px solid #d0d7de;margin:8px 0;padding:6px 12px;overflow-wrap:anywhere}
section.ev:target{outline:3px solid #0969da}
section.ev code{white-space:nowrap}
pre{background:#f6f8fa;padding:6px;white-space:pre;overflow:auto;max-height:320px;font-size:12px;overflow-wrap:normal}
h2{font-size:17px;margin:22px 0 8px}
ul{overflow-wrap:anywhere}
@media print{
body{background:#fff;font-size:10pt}
header{background:none;color:#000;border-bottom:2px solid #000}
.scroll{overflow:visible;border:0}
td.check{position:static}
tr,section.ev,.legend{break-inside:avoid}
thead{display:table-header-group}
pre{max-height:none;overflow:visible;white-space:pre-wrap;overflow-wrap:anywhere}
a{color:inherit;text-decoration:none}
}
";

/// One self-contained page: rows = checks grouped by standard/role with spec links, columns =
/// implementations; each cell links to its evidence further down (no script, works offline).
pub fn html(m: &Matrix, title: &str) -> String {
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) }
                // a constant of this file
                style { (PreEscaped(STYLE)) }
            }
            body {
                (header(m, title))
                main {
                    "\n"
                    p.legend {
                        span.pass { "pass" } span.fail { "fail" } span.warn { "warn" }
                        span.skip { "skip: not applicable or not offered" } span { "· not claimed" }
                        span.fail { "not run: the claim's run failed" }
                        " " i { "italic rows" } " test optional features."
                    }
                    "\n"
                    (checks_table(m))
                    (interop_table(m))
                    (run_errors(m))
                    h2 { "Evidence" } "\n"
                    (evidence(m))
                }
            }
        }
    };
    page.into_string() + "\n"
}

fn header(m: &Matrix, title: &str) -> Markup {
    html! {
        header {
            h1 { (title) }
            p {
                (m.implementations.len()) " implementation(s), " (m.checks.len()) " check(s), generated "
                (printable(&m.generated)) " by wellspring " (printable(&m.version))
                @if let Some(r) = &m.run { " (" (printable(&r.commit)) ")" }
            }
            @if let Some(r) = &m.run {
                p.how {
                    "in " (format!("{:.1}", r.duration_ms as f64 / 1000.0)) " s: "
                    code { (printable(&r.command_line)) }
                }
            }
        }
    }
}

/// The matrix itself: a row per check (grouped), a column per implementation.
fn checks_table(m: &Matrix) -> Markup {
    let groups_start = |i: usize| i == 0 || m.checks[i - 1].group != m.checks[i].group;
    html! {
        div.scroll {
            table {
                thead {
                    tr {
                        th { "check" }
                        @for c in &m.implementations {
                            th.impl { (printable(&c.name)) small { (printable(&c.vendor)) } }
                        }
                    }
                }
                tbody {
                    "\n"
                    @for (i, row) in m.checks.iter().enumerate() {
                        @if groups_start(i) {
                            tr.group {
                                td colspan=(m.implementations.len() + 1) { (printable(&row.group)) }
                            }
                            "\n"
                        }
                        tr class=[row.optional.then_some("optional")] {
                            td.check id={ "row-" (slug(&row.id)) } {
                                code.id { (printable(&row.id)) } " " (link(&row.clause))
                                small { (printable(&row.title)) }
                            }
                            @for c in &m.implementations {
                                (cell(m, &c.id, &row.id))
                            }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

/// One implementation's verdict on one check, linked to its evidence.
fn cell(m: &Matrix, imp: &str, check: &str) -> Markup {
    html! {
        @match m.cell(imp, check) {
            Ok(cell) => {
                td class={ "c " (word(cell.verdict)) } title=(printable(&cell.message)) {
                    a href={ "#" (anchor(imp, check)) } { (word(cell.verdict)) }
                }
            }
            Err(Empty::NotClaimed) => { td.c.none { "·" } }
            Err(Empty::NotRun) => { td.c.notrun { "not run" } }
        }
    }
}

fn interop_table(m: &Matrix) -> Markup {
    html! {
        @if !m.interop.is_empty() {
            h2 { "Cross-implementation: each issuer's credentials, by each verifier" }
            div.scroll {
                table {
                    thead {
                        tr {
                            th { "issuer" } th { "credential" } th { "verifier" } th { "verdict" } th { "message" }
                        }
                    }
                    tbody {
                        "\n"
                        @for c in &m.interop {
                            tr {
                                td.wrap { (printable(&c.issuer)) }
                                td.wrap { (printable(&c.credential)) }
                                td.wrap { (printable(&c.verifier)) }
                                td class={ "c " (word(c.verdict)) } { (word(c.verdict)) }
                                td.wrap { (printable(&c.message)) }
                            }
                            "\n"
                        }
                    }
                }
            }
            "\n"
        }
    }
}

fn run_errors(m: &Matrix) -> Markup {
    html! {
        @if m.errors.values().any(|e| !e.is_empty()) {
            h2 { "Runs that could not happen" }
            ul {
                @for (imp, errs) in &m.errors {
                    @for e in errs {
                        li { b { (printable(imp)) } ": " (printable(e)) }
                    }
                }
            }
            "\n"
        }
    }
}

/// A section per cell: the message and the evidence (HTTP exchanges, JSON).
fn evidence(m: &Matrix) -> Markup {
    html! {
        @for c in &m.implementations {
            @for row in &m.checks {
                @if let Ok(cell) = m.cell(&c.id, &row.id) {
                    section.ev id=(anchor(&c.id, &row.id)) {
                        b { (printable(&c.name)) } " · " code { (printable(&row.id)) } " · "
                        (word(cell.verdict)) br; (printable(&cell.message))
                        @for e in &cell.evidence {
                            pre { (printable(&serde_json::to_string_pretty(e).unwrap_or_default())) }
                        }
                    }
                    "\n"
                }
            }
        }
    }
}

/// Text or an attribute value of the JUnit XML, escaped (the HTML page escapes through `maud`).
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in printable(s).chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML for one implementation: a testcase per check it was judged on.
pub fn junit(m: &Matrix, imp: &str) -> String {
    let cells = m.cells.get(imp);
    let all: Vec<_> = cells.map(|c| c.iter().collect()).unwrap_or_default();
    let failures = all
        .iter()
        .filter(|(_, c)| c.verdict == Verdict::Fail)
        .count();
    let skipped = all
        .iter()
        .filter(|(_, c)| c.verdict == Verdict::Skip)
        .count();
    let errors = m.errors.get(imp).map(Vec::len).unwrap_or(0);
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" timestamp=\"{}\">",
        xml(imp),
        all.len() + errors,
        xml(&m.generated)
    );
    o.push_str("  <properties>\n");
    let mut props = vec![
        ("tool".to_owned(), format!("{} {}", m.tool, m.version)),
        ("generatedAt".to_owned(), m.generated.clone()),
    ];
    if let Some(r) = &m.run {
        props.push(("commit".into(), r.commit.clone()));
        props.push(("commandLine".into(), r.command_line.clone()));
        props.push(("durationMs".into(), r.duration_ms.to_string()));
        for (k, v) in &r.options {
            props.push((format!("option {k}"), v.to_string()));
        }
    }
    for (k, v) in props {
        let _ = writeln!(
            o,
            "    <property name=\"{}\" value=\"{}\"/>",
            xml(&k),
            xml(&v)
        );
    }
    o.push_str("  </properties>\n");
    for (id, c) in all {
        let _ = write!(
            o,
            "  <testcase classname=\"{}\" name=\"{}\"",
            xml(imp),
            xml(id)
        );
        match c.verdict {
            Verdict::Pass => o.push_str("/>\n"),
            Verdict::Warn => {
                let _ = writeln!(
                    o,
                    "><system-out>warning: {}</system-out></testcase>",
                    xml(&c.message)
                );
            }
            Verdict::Skip => {
                let _ = writeln!(o, "><skipped message=\"{}\"/></testcase>", xml(&c.message));
            }
            Verdict::Fail => {
                let _ = writeln!(o, "><failure message=\"{}\"/></testcase>", xml(&c.message));
            }
        }
    }
    for e in m.errors.get(imp).into_iter().flatten() {
        let _ = writeln!(
            o,
            "  <testcase classname=\"{}\" name=\"run\"><error message=\"{}\"/></testcase>",
            xml(imp),
            xml(e)
        );
    }
    o.push_str("</testsuite>\n");
    o
}

/// W3C EARL 1.0 in JSON-LD: one assertion per cell, so results can be published as
/// conformance claims.
pub fn earl(m: &Matrix) -> Value {
    let tool = json!({
        "@id": "https://github.com/wellspring-conformance/wellspring",
        "@type": ["earl:Assertor", "earl:Software"],
        "dct:title": "Wellspring",
        "dct:hasVersion": m.version,
        "dct:description": m.run.as_ref().map(|r| format!(
            "commit {}; run as: {}", r.commit, r.command_line
        )),
    });
    let mut graph = vec![tool];
    for c in &m.implementations {
        graph.push(json!({
            "@id": format!("urn:wellspring:implementation:{}", c.id),
            "@type": ["earl:TestSubject", "doap:Project"],
            "doap:name": c.name,
            "doap:vendor": {"foaf:name": c.vendor},
        }));
    }
    for row in &m.checks {
        graph.push(json!({
            "@id": format!("urn:wellspring:check:{}", row.id),
            "@type": ["earl:TestCriterion", "earl:TestCase"],
            "dct:identifier": row.id,
            "dct:title": row.title,
            "dct:isPartOf": row.group,
            "rdfs:seeAlso": {"@id": row.clause},
            "earl:optional": row.optional,
        }));
    }
    for c in &m.implementations {
        for row in &m.checks {
            let (outcome, desc) = match m.cell(&c.id, &row.id) {
                Ok(cell) => (
                    match cell.verdict {
                        Verdict::Pass => "earl:passed",
                        Verdict::Fail => "earl:failed",
                        Verdict::Warn => "earl:cantTell",
                        Verdict::Skip => "earl:inapplicable",
                    },
                    cell.message.clone(),
                ),
                Err(Empty::NotClaimed) => continue,
                Err(Empty::NotRun) => (
                    "earl:untested",
                    "the run for this claim could not happen".to_owned(),
                ),
            };
            graph.push(json!({
                "@type": "earl:Assertion",
                "earl:assertedBy": {"@id": "https://github.com/wellspring-conformance/wellspring"},
                "earl:subject": {"@id": format!("urn:wellspring:implementation:{}", c.id)},
                "earl:test": {"@id": format!("urn:wellspring:check:{}", row.id)},
                "earl:mode": {"@id": "earl:automatic"},
                "earl:result": {
                    "@type": "earl:TestResult",
                    "earl:outcome": {"@id": outcome},
                    "dct:description": desc,
                    "dct:date": m.generated,
                },
            }));
        }
    }
    json!({
        "@context": {
            "earl": "http://www.w3.org/ns/earl#",
            "dct": "http://purl.org/dc/terms/",
            "doap": "http://usefulinc.com/ns/doap#",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "earl:optional": {"@id": "https://wellspring.example/ns#optional"},
        },
        "@graph": graph,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, Column, InteropCell, Row};

    /// Markup and quotes a registry entry or an implementation's answers may carry.
    const HOSTILE: &str = "<script>alert(1)</script>\"'&";
    /// The same, as it must reach the browser (text and double-quoted attribute values).
    const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;";

    #[test]
    fn the_page_escapes_what_implementations_and_their_answers_say() {
        let mut m = Matrix::new();
        m.implementations.push(Column {
            id: "x".into(),
            name: format!("Impl {HOSTILE}"),
            vendor: format!("Vendor {HOSTILE}"),
            tags: vec![],
            claims: vec!["ob30/issuer".into()],
        });
        m.checks.push(Row {
            id: "ob3.x".into(),
            clause: format!("https://spec.example/{HOSTILE}"),
            title: format!("Title {HOSTILE}"),
            group: "ob30/issuer".into(),
            optional: true,
        });
        m.cells.entry("x".into()).or_default().insert(
            "ob3.x".into(),
            Cell {
                verdict: Verdict::Fail,
                message: format!("Message {HOSTILE}"),
                evidence: vec![json!({ "body": HOSTILE })],
            },
        );
        m.interop.push(InteropCell {
            issuer: "x".into(),
            credential: format!("cred {HOSTILE}"),
            verifier: "wellspring".into(),
            verdict: Verdict::Pass,
            message: "ok".into(),
        });
        m.errors
            .insert("x".into(), vec![format!("Error {HOSTILE}")]);
        let page = html(&m, &format!("Matrix {HOSTILE}"));
        for want in [
            format!("<title>Matrix {ESCAPED}</title>"),
            format!("<h1>Matrix {ESCAPED}</h1>"),
            format!("<th class=\"impl\">Impl {ESCAPED}<small>Vendor {ESCAPED}</small></th>"),
            format!("<a href=\"https://spec.example/{ESCAPED}\" rel=\"noreferrer\">spec</a>"),
            format!("<small>Title {ESCAPED}</small>"),
            "<tr class=\"optional\">".to_owned(),
            format!("<td class=\"c fail\" title=\"Message {ESCAPED}\"><a href=\"#ev-x-ob3.x\">fail</a></td>"),
            format!("<td class=\"wrap\">cred {ESCAPED}</td>"),
            format!("<li><b>x</b>: Error {ESCAPED}</li>"),
            format!("<br>Message {ESCAPED}"),
            "<pre>{\n  &quot;body&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;\\&quot;'&amp;&quot;\n}</pre>"
                .to_owned(),
        ] {
            assert!(page.contains(&want), "{want} in {page}");
        }
        assert!(!page.contains("<script"), "{page}");
        // JUnit is XML, escaped by hand
        let junit = junit(&m, "x");
        assert!(
            junit.contains(
                "message=\"Message &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\""
            ),
            "{junit}"
        );
    }
}
