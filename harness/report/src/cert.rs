//! Certification renderings: the same results as `render`, with the run's metadata
//! ([`RunMeta`]) in every format and the words of a certification (checks, the product
//! under test) rather than those of `verify` (inputs).

use std::fmt::Write;

use serde_json::{json, Value};

use crate::meta::{level_of, RunMeta};
use crate::render::Tally;
use crate::{CheckResult, DocReport, Verdict};

/// Every check of a run, with the document it belongs to.
fn all_checks(reports: &[DocReport]) -> Vec<(&str, &CheckResult)> {
    let mut all = Vec::new();
    for r in reports {
        r.walk(&mut all);
    }
    all
}

pub(crate) fn passed(reports: &[DocReport]) -> bool {
    reports.iter().all(DocReport::passed)
}

/// The IDs of failed checks, in report order, without repeats.
pub(crate) fn failed_ids(reports: &[DocReport]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for (_, c) in all_checks(reports) {
        if c.verdict == Verdict::Fail && !ids.contains(&c.id) {
            ids.push(c.id);
        }
    }
    ids
}

/// The machine-readable certification report (see `reports/schema/report.schema.json`).
pub fn json(meta: &RunMeta, reports: &[DocReport]) -> Value {
    let t = Tally::of(reports);
    let checks: Vec<Value> = all_checks(reports)
        .into_iter()
        .map(|(subject, c)| {
            json!({
                "id": c.id,
                "level": level_of(c.id),
                "verdict": c.verdict,
                "title": c.title,
                "clause": c.clause,
                "subject": subject,
                "message": c.message,
            })
        })
        .collect();
    let mut v = json!({
        "generatedAt": meta.generated_at,
        "tool": meta.tool,
        "standard": meta.standard,
        "role": meta.role,
        "target": meta.target,
        "options": meta.options,
        "durationMs": meta.duration_ms,
        "commandLine": meta.command_line,
        "passed": passed(reports),
        "verified": passed(reports),
        "summary": {
            "total": t.pass + t.fail + t.warn + t.skip,
            "pass": t.pass, "fail": t.fail, "warn": t.warn, "skip": t.skip,
        },
        "failed": failed_ids(reports),
        "checks": checks,
        "inputs": reports,
    });
    if let Some(s) = &meta.signer {
        v["signer"] = json!(s);
    }
    v
}

/// One line, e.g. `29 checks: 27 passed, 1 failed, 1 warning, 0 skipped`.
pub(crate) fn counts(t: &Tally) -> String {
    format!(
        "{} checks: {} passed, {} failed, {} warning{}, {} skipped",
        t.pass + t.fail + t.warn + t.skip,
        t.pass,
        t.fail,
        t.warn,
        if t.warn == 1 { "" } else { "s" },
        t.skip
    )
}

/// The options, as `name=value` words.
pub(crate) fn option_words(meta: &RunMeta) -> Vec<String> {
    meta.options
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}={s}"),
            v => format!("{k}={v}"),
        })
        .collect()
}

/// The terminal summary of a certification run: the verdict first, the checks, then how
/// to reproduce it.
pub fn summary(meta: &RunMeta, reports: &[DocReport], evidence: bool) -> String {
    let t = Tally::of(reports);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} — {} — product under test: {}",
        meta.standard.name,
        meta.standard.version,
        meta.role,
        meta.target.join(", ")
    );
    for (subject, c) in all_checks(reports) {
        let at =
            if reports.len() > 1 || Some(subject) != reports.first().map(|r| r.subject.as_str()) {
                format!("  [{subject}]")
            } else {
                String::new()
            };
        let level = match level_of(c.id) {
            crate::meta::Level::Required => String::new(),
            l => format!(" ({})", l.word()),
        };
        let _ = writeln!(
            out,
            "  {} {:<32} {}{level}{at}",
            c.verdict.mark(),
            c.id,
            c.message
        );
        if evidence && c.verdict != Verdict::Pass {
            for e in &c.evidence {
                let value = match &e.value {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                let _ = writeln!(
                    out,
                    "        {}: {}",
                    e.label,
                    value.replace('\n', "\n        ")
                );
            }
        }
    }
    let failed = failed_ids(reports);
    let verdict = if passed(reports) { "PASSED" } else { "FAILED" };
    let _ = writeln!(out, "\n{verdict} — {}", counts(&t));
    if !failed.is_empty() {
        let _ = writeln!(out, "Failed: {}", failed.join(", "));
    }
    let _ = writeln!(
        out,
        "Generated {} by {} {} (commit {}) in {:.1} s",
        meta.generated_at,
        meta.tool.name,
        meta.tool.version,
        meta.tool.commit,
        meta.duration_ms as f64 / 1000.0
    );
    let _ = writeln!(out, "Options: {}", option_words(meta).join(" "));
    if let Some(s) = &meta.signer {
        let _ = writeln!(out, "Signed claim: {} by {}", s.claim, s.did);
    }
    let _ = writeln!(out, "Reproduce: {}", meta.command_line);
    out
}

fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control())
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn properties(meta: &RunMeta) -> Vec<(String, String)> {
    let mut p = vec![
        ("generatedAt".to_owned(), meta.generated_at.clone()),
        ("tool.name".into(), meta.tool.name.clone()),
        ("tool.version".into(), meta.tool.version.clone()),
        ("tool.commit".into(), meta.tool.commit.clone()),
        ("standard".into(), meta.standard.id.clone()),
        ("standard.name".into(), meta.standard.name.clone()),
        ("standard.version".into(), meta.standard.version.clone()),
        ("role".into(), meta.role.clone()),
        ("target".into(), meta.target.join(" ")),
        ("durationMs".into(), meta.duration_ms.to_string()),
        ("commandLine".into(), meta.command_line.clone()),
    ];
    for (k, v) in &meta.options {
        let v = v
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string());
        p.push((format!("option.{k}"), v));
    }
    if let Some(s) = &meta.signer {
        p.push(("signer".into(), s.did.clone()));
    }
    p
}

/// JUnit XML with the run's metadata as `<properties>` and each check's level as a
/// testcase property.
pub fn junit(meta: &RunMeta, reports: &[DocReport]) -> String {
    let t = Tally::of(reports);
    let name = format!("wellspring certify {} {}", meta.standard.id, meta.role);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\" timestamp=\"{}\">",
        xml(&name),
        t.pass + t.fail + t.warn + t.skip,
        t.fail,
        t.skip,
        meta.duration_ms as f64 / 1000.0,
        xml(&meta.generated_at)
    );
    for r in reports {
        let mut all = Vec::new();
        r.walk(&mut all);
        let count = |v: Verdict| all.iter().filter(|(_, c)| c.verdict == v).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" timestamp=\"{}\">\n    <properties>",
            xml(&r.subject),
            all.len(),
            count(Verdict::Fail),
            count(Verdict::Skip),
            xml(&meta.generated_at)
        );
        for (k, v) in properties(meta) {
            let _ = writeln!(
                out,
                "      <property name=\"{}\" value=\"{}\"/>",
                xml(&k),
                xml(&v)
            );
        }
        out.push_str("    </properties>\n");
        for (subject, c) in all {
            testcase(&mut out, subject, c);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, subject: &str, c: &CheckResult) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"><properties><property name=\"level\" value=\"{}\"/><property name=\"clause\" value=\"{}\"/></properties>",
        xml(subject),
        xml(c.id),
        level_of(c.id).word(),
        xml(c.clause)
    );
    match c.verdict {
        Verdict::Pass => {}
        Verdict::Warn => {
            let _ = write!(out, "<system-out>warning: {}</system-out>", xml(&c.message));
        }
        Verdict::Skip => {
            let _ = write!(out, "<skipped message=\"{}\"/>", xml(&c.message));
        }
        Verdict::Fail => {
            let _ = write!(
                out,
                "<failure message=\"{}\" type=\"{}\">{}</failure>",
                xml(&c.message),
                xml(c.id),
                xml(c.clause)
            );
        }
    }
    out.push_str("</testcase>\n");
}
