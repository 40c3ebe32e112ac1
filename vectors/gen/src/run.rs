//! Running verifiers over the set: Wellspring's own core, or any command; the result table;
//! and the coverage table (which checks the set exercises).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wellspring_verify::report::{DocReport, Verdict};
use wellspring_verify::{checks, verify_bytes, Options, Recipient};

use crate::manifest::{Entry, Expect, Manifest};

/// How long an external verifier may take on one vector.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

/// What a verifier did with one vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub file: String,
    pub expect: Expect,
    /// Did the verifier accept the vector?
    pub accepted: bool,
    /// Core runs only: the failed check IDs (here and nested), sorted.
    pub failed_checks: Option<Vec<String>>,
    /// Core runs only: do the failed checks equal the manifest's `checks` (as sets)?
    pub checks_match: Option<bool>,
    /// Core runs only: expected warnings that did not appear.
    pub missing_warnings: Vec<String>,
    /// Anything worth showing (a timeout, a spawn error, the first failure message).
    pub note: String,
}

impl Outcome {
    /// Verdict right (and, for core runs, exactly the expected checks failed).
    pub fn ok(&self) -> bool {
        self.accepted == (self.expect == Expect::Valid) && self.checks_match != Some(false)
    }
}

/// The verifier options a manifest entry asks for.
pub fn options_for(manifest: &Manifest, entry: &Entry, root: &Path) -> Result<Options, String> {
    let mut opts = Options::offline(manifest.now()?);
    for (vm, file) in &entry.keys {
        let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        opts.keys.add(vm, &text)?;
    }
    for (url, file) in &entry.status_files {
        let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        opts.status_files.insert(url.clone(), text);
    }
    for (url, file) in &entry.refresh_files {
        let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        opts.refresh_files.insert(url.clone(), text);
    }
    if let Some(r) = &entry.recipient {
        opts.recipient = Some(r.parse::<Recipient>()?);
    }
    if entry.strict {
        opts = opts.strict();
    }
    Ok(opts)
}

/// Runs the Wellspring core on every vector: (entry file, report).
pub fn core_reports(manifest: &Manifest, root: &Path) -> Vec<(String, Result<DocReport, String>)> {
    manifest
        .vectors
        .iter()
        .map(|e| {
            let r = options_for(manifest, e, root).and_then(|opts| {
                let bytes = std::fs::read(root.join(&e.file))
                    .map_err(|err| format!("{}: {err}", e.file))?;
                Ok(verify_bytes(&e.file, &bytes, &opts))
            });
            (e.file.clone(), r)
        })
        .collect()
}

fn warned_ids(r: &DocReport) -> BTreeSet<&'static str> {
    let mut all = Vec::new();
    r.walk(&mut all);
    all.into_iter()
        .filter(|(_, c)| c.verdict == Verdict::Warn)
        .map(|(_, c)| c.id)
        .collect()
}

fn first_failure(r: &DocReport) -> String {
    let mut all = Vec::new();
    r.walk(&mut all);
    all.into_iter()
        .find(|(_, c)| c.verdict == Verdict::Fail)
        .map(|(s, c)| format!("{} [{}]: {}", c.id, s, c.message))
        .unwrap_or_default()
}

/// Runs the core on every vector and compares verdicts and failed check IDs with the manifest.
pub fn run_core(manifest: &Manifest, root: &Path) -> Vec<Outcome> {
    let reports = core_reports(manifest, root);
    manifest
        .vectors
        .iter()
        .zip(reports)
        .map(|(e, (_, r))| match r {
            Ok(report) => {
                let failed: Vec<String> =
                    report.failed_ids().iter().map(|s| s.to_string()).collect();
                let want: BTreeSet<&str> = e.checks.iter().map(String::as_str).collect();
                let got: BTreeSet<&str> = failed.iter().map(String::as_str).collect();
                let warned = warned_ids(&report);
                let missing_warnings = e
                    .warn
                    .iter()
                    .filter(|w| !warned.contains(w.as_str()))
                    .cloned()
                    .collect();
                Outcome {
                    file: e.file.clone(),
                    expect: e.expect,
                    accepted: report.passed(),
                    checks_match: Some(want == got),
                    failed_checks: Some(failed),
                    missing_warnings,
                    note: first_failure(&report),
                }
            }
            Err(err) => Outcome {
                file: e.file.clone(),
                expect: e.expect,
                accepted: false,
                failed_checks: None,
                checks_match: Some(false),
                missing_warnings: Vec::new(),
                note: format!("could not run: {err}"),
            },
        })
        .collect()
}

/// Single-quotes a path for `sh`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Runs an external verifier on every vector: `template` with `{}` replaced by the vector's
/// path, through `sh -c`; exit status 0 means accepted. Each run is killed after 20 s.
pub fn run_command(manifest: &Manifest, root: &Path, template: &str) -> Vec<Outcome> {
    manifest
        .vectors
        .iter()
        .map(|e| {
            let path = root.join(&e.file);
            let cmd = template
                .replace("{strict}", if e.strict { "--strict" } else { "" })
                .replace("{}", &shell_quote(&path.to_string_lossy()));
            let (accepted, note) = run_one(&cmd);
            Outcome {
                file: e.file.clone(),
                expect: e.expect,
                accepted,
                failed_checks: None,
                checks_match: None,
                missing_warnings: Vec::new(),
                note,
            }
        })
        .collect()
}

fn run_one(cmd: &str) -> (bool, String) {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        c.process_group(0);
    }
    let mut child = match c.spawn() {
        Ok(ch) => ch,
        Err(e) => return (false, format!("cannot start sh: {e}")),
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let note = match status.code() {
                    Some(0) => String::new(),
                    Some(n) => format!("exit {n}"),
                    None => "killed by a signal".into(),
                };
                return (status.success(), note);
            }
            Ok(None) if start.elapsed() >= COMMAND_TIMEOUT => {
                // The whole process group: the command and anything it started.
                let _ = Command::new("kill")
                    .arg("-KILL")
                    .arg("--")
                    .arg(format!("-{}", child.id()))
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return (
                    false,
                    format!("timed out after {} s", COMMAND_TIMEOUT.as_secs()),
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return (false, format!("wait failed: {e}")),
        }
    }
}

/// A JSONTestSuite-style report: every vector, then which were accepted though they should
/// have been rejected and the reverse, and a last line `N passed, M failed`.
pub fn results_table(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let width = outcomes
        .iter()
        .map(|o| o.file.len())
        .max()
        .unwrap_or(4)
        .max(4);
    s.push_str(&format!(
        "{:<6} {:<width$} {:<8} {:<8} {}\n",
        "", "file", "expect", "got", "note"
    ));
    for o in outcomes {
        let mark = if o.ok() { "ok" } else { "FAIL" };
        let expect = if o.expect == Expect::Valid {
            "valid"
        } else {
            "invalid"
        };
        let got = if o.accepted { "accepted" } else { "rejected" };
        let mut note = String::new();
        if o.checks_match == Some(false) {
            note = format!(
                "failed checks {:?}",
                o.failed_checks.clone().unwrap_or_default()
            );
        }
        if !o.missing_warnings.is_empty() {
            note.push_str(&format!(" missing warnings {:?}", o.missing_warnings));
        }
        s.push_str(&format!(
            "{mark:<6} {:<width$} {expect:<8} {got:<8} {}\n",
            o.file,
            note.trim()
        ));
    }
    let wrongly_accepted: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.expect == Expect::Invalid && o.accepted)
        .collect();
    let wrongly_rejected: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.expect == Expect::Valid && !o.accepted)
        .collect();
    let wrong_checks: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.checks_match == Some(false) && o.accepted == (o.expect == Expect::Valid))
        .collect();
    let mut section = |title: &str, list: &[&Outcome]| {
        if list.is_empty() {
            return;
        }
        s.push_str(&format!("\n{title} ({}):\n", list.len()));
        for o in list {
            if o.note.is_empty() {
                s.push_str(&format!("  {}\n", o.file));
            } else {
                s.push_str(&format!("  {}  -- {}\n", o.file, o.note));
            }
        }
    };
    section("SHOULD HAVE BEEN REJECTED, but accepted", &wrongly_accepted);
    section("SHOULD HAVE BEEN ACCEPTED, but rejected", &wrongly_rejected);
    section("right verdict, wrong checks failed", &wrong_checks);
    let passed = outcomes.iter().filter(|o| o.ok()).count();
    s.push_str(&format!(
        "\n{passed} passed, {} failed\n",
        outcomes.len() - passed
    ));
    s
}

/// `COVERAGE.md`: for every check in the catalogue, in how many vectors it passed, warned,
/// failed (counting nested credentials too: a vector counts once per verdict).
pub fn coverage_markdown(manifest: &Manifest, reports: &[DocReport]) -> String {
    let mut s = String::new();
    s.push_str("# Coverage of the Wellspring test vectors\n\n");
    s.push_str(&format!(
        "Generated from `manifest.json` ({} vectors) by running the Wellspring core at `now` = {}.\n",
        manifest.vectors.len(),
        manifest.now
    ));
    s.push_str(
        "A vector counts once in a column when the check reached that verdict anywhere in it\n",
    );
    s.push_str("(the document itself or a credential nested in it). Do not edit: regenerate.\n\n");
    s.push_str("| check | passed | warned | failed | skipped | clause |\n");
    s.push_str("|---|---:|---:|---:|---:|---|\n");
    for def in checks::ALL {
        let mut counts = [0usize; 4];
        for r in reports {
            let mut all = Vec::new();
            r.walk(&mut all);
            for (i, v) in [Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Skip]
                .iter()
                .enumerate()
            {
                if all.iter().any(|(_, c)| c.id == def.id && c.verdict == *v) {
                    counts[i] += 1;
                }
            }
        }
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            def.id, counts[0], counts[1], counts[2], counts[3], def.clause
        ));
    }
    s
}
