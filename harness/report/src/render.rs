//! Renderings of reports: human terminal lines, JSON, JUnit XML.

use std::fmt::Write;

use crate::{DocReport, Verdict};

/// Counts of verdicts over a set of reports (nested documents included).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
}

impl Tally {
    pub fn of(reports: &[DocReport]) -> Tally {
        let mut t = Tally::default();
        for r in reports {
            t.add(r);
        }
        t
    }

    /// Adds the checks of one report (nested documents included).
    pub fn add(&mut self, r: &DocReport) {
        let mut all = Vec::new();
        r.walk(&mut all);
        for (_, c) in all {
            match c.verdict {
                Verdict::Pass => self.pass += 1,
                Verdict::Fail => self.fail += 1,
                Verdict::Warn => self.warn += 1,
                Verdict::Skip => self.skip += 1,
            }
        }
    }
}

/// What the closing lines of a run need, gathered one report at a time, so a run over many
/// inputs can print each report as it is made and keep only this.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub inputs: usize,
    /// Inputs that passed every check.
    pub passed: usize,
    pub tally: Tally,
    /// Of the passed inputs: how many carry each caveat ([`crate::CAVEAT_ISSUER`], [`crate::CAVEAT_STATUS`]).
    pub caveats: [usize; 2],
}

impl Summary {
    pub fn of(reports: &[DocReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            s.add(r);
        }
        s
    }

    pub fn add(&mut self, r: &DocReport) {
        self.inputs += 1;
        self.tally.add(r);
        if r.passed() {
            self.passed += 1;
            let caveats = r.all_caveats();
            for (n, caveat) in [crate::CAVEAT_ISSUER, crate::CAVEAT_STATUS]
                .iter()
                .enumerate()
            {
                if caveats.contains(caveat) {
                    self.caveats[n] += 1;
                }
            }
        }
    }

    /// Every input passed every check.
    pub fn all_passed(&self) -> bool {
        self.passed == self.inputs
    }
}

/// One input's lines of the human rendering (see [`human`]).
pub fn human_doc(r: &DocReport, evidence: bool) -> String {
    let mut out = String::new();
    doc_lines(&mut out, r, 0, evidence);
    out
}

/// The closing lines of the human rendering: inputs passed, check counts, caveats.
pub fn human_summary(s: &Summary) -> String {
    let mut out = String::new();
    let t = s.tally;
    let _ = writeln!(
        out,
        "\n{} of {} input(s) passed every check — checks: {} passed, {} failed, {} warnings, {} skipped",
        s.passed, s.inputs, t.pass, t.fail, t.warn, t.skip
    );
    for (n, caveat) in [crate::CAVEAT_ISSUER, crate::CAVEAT_STATUS]
        .iter()
        .enumerate()
    {
        if s.caveats[n] > 0 {
            let _ = writeln!(out, "{} of those: {caveat}", s.caveats[n]);
        }
    }
    out
}

/// One line per check (mark, ID, message), nested documents indented, then a summary.
/// With `evidence`, each non-passing check is followed by what was seen.
pub fn human(reports: &[DocReport], evidence: bool) -> String {
    let mut out = String::new();
    for r in reports {
        doc_lines(&mut out, r, 0, evidence);
    }
    out.push_str(&human_summary(&Summary::of(reports)));
    out
}

fn doc_lines(out: &mut String, r: &DocReport, indent: usize, evidence: bool) {
    let pad = "  ".repeat(indent);
    let _ = writeln!(out, "{pad}{} — {} — {}", r.subject, r.kind, r.headline());
    for c in &r.checks {
        let _ = writeln!(
            out,
            "{pad}  {} {:<28} {}",
            c.verdict.mark(),
            c.id,
            c.message
        );
        if evidence && c.verdict != Verdict::Pass {
            for e in &c.evidence {
                let value = match &e.value {
                    serde_json::Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                let at = e
                    .pointer
                    .as_deref()
                    .map(|p| format!(" at {p}"))
                    .unwrap_or_default();
                let value = value.replace('\n', &format!("\n{pad}        "));
                let _ = writeln!(out, "{pad}      {}{at}: {value}", e.label);
            }
        }
    }
    for n in &r.nested {
        doc_lines(out, n, indent + 1, evidence);
    }
}

/// An input's headline as JSON: subject, headline, passed, issuer authenticated, status checked.
fn headline_json(r: &DocReport) -> serde_json::Value {
    serde_json::json!({
        "subject": r.subject,
        "headline": r.headline(),
        "passed": r.passed(),
        "issuerAuthenticated": r.passed() && !r.all_caveats().contains(&crate::CAVEAT_ISSUER),
        "statusChecked": !r.all_caveats().contains(&crate::CAVEAT_STATUS),
    })
}

/// One line of `--format jsonl`: the input's report (as in [`json`]'s `inputs`) with its
/// headline fields (`headline`, `passed`, `issuerAuthenticated`, `statusChecked`) added.
pub fn jsonl_line(r: &DocReport) -> String {
    let mut v = serde_json::to_value(r).expect("report serializes");
    if let (Some(obj), serde_json::Value::Object(head)) = (v.as_object_mut(), headline_json(r)) {
        for (k, x) in head {
            obj.entry(k).or_insert(x);
        }
    }
    v.to_string()
}

/// The machine-readable report.
pub fn json(reports: &[DocReport]) -> serde_json::Value {
    let headlines: Vec<serde_json::Value> = reports.iter().map(headline_json).collect();
    serde_json::json!({
        "tool": "wellspring",
        "verified": reports.iter().all(|r| r.passed()),
        "issuerAuthenticated": reports.iter().all(|r| r.authenticated()),
        "summary": Tally::of(reports),
        "headlines": headlines,
        "inputs": reports,
    })
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

/// JUnit XML: a testsuite per input, a testcase per check (per nested document).
pub fn junit(reports: &[DocReport]) -> String {
    let t = Tally::of(reports);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"wellspring verify\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        t.pass + t.fail + t.warn + t.skip,
        t.fail,
        t.skip
    );
    for r in reports {
        let mut all = Vec::new();
        r.walk(&mut all);
        let failures = all
            .iter()
            .filter(|(_, c)| c.verdict == Verdict::Fail)
            .count();
        let skipped = all
            .iter()
            .filter(|(_, c)| c.verdict == Verdict::Skip)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
            xml(&r.subject),
            all.len()
        );
        let _ = writeln!(
            out,
            "    <properties><property name=\"headline\" value=\"{}\"/></properties>",
            xml(&r.headline())
        );
        for (subject, c) in all {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(subject),
                xml(c.id)
            );
            match c.verdict {
                Verdict::Pass => out.push_str("/>\n"),
                Verdict::Warn => {
                    let _ = writeln!(
                        out,
                        "><system-out>warning: {}</system-out></testcase>",
                        xml(&c.message)
                    );
                }
                Verdict::Skip => {
                    let _ = writeln!(
                        out,
                        "><skipped message=\"{}\"/></testcase>",
                        xml(&c.message)
                    );
                }
                Verdict::Fail => {
                    let _ = writeln!(
                        out,
                        "><failure message=\"{}\" type=\"{}\">{}</failure></testcase>",
                        xml(&c.message),
                        xml(c.id),
                        xml(c.clause)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A self-contained HTML page (no external scripts, fonts or styles; readable offline):
/// a summary, then every check with its verdict, spec clause link, message and evidence.
pub fn html(title: &str, reports: &[DocReport]) -> String {
    crate::html::page(title, reports)
}

/// The certification report as JSON: [`json`]'s `inputs`, with the run's metadata
/// (`generatedAt`, `tool`, `standard`, `role`, `target`, `options`, `durationMs`,
/// `commandLine`, `signer`) and a flat `checks` list carrying each check's level. Follows
/// `reports/schema/report.schema.json`.
pub fn certify_json(meta: &crate::RunMeta, reports: &[DocReport]) -> serde_json::Value {
    crate::cert::json(meta, reports)
}

/// The certification report as a self-contained HTML page: the verdict, what failed and the
/// command line first, then the run's metadata (and who signed its claim), then every check.
pub fn certify_html(title: &str, meta: &crate::RunMeta, reports: &[DocReport]) -> String {
    crate::html::page_with(title, Some(meta), reports)
}

/// The certification report as JUnit XML, the run's metadata in `<properties>`.
pub fn certify_junit(meta: &crate::RunMeta, reports: &[DocReport]) -> String {
    crate::cert::junit(meta, reports)
}

/// The terminal summary of a certification run: the product under test, each check, the
/// result and counts, what failed, and the command line that reproduces it.
pub fn certify_human(meta: &crate::RunMeta, reports: &[DocReport], evidence: bool) -> String {
    crate::cert::summary(meta, reports, evidence)
}
