//! Which tests and vectors show each check failing and passing.
//!
//! A test that makes checks fail or pass records what it saw in a [`Shown`], named after
//! itself (`suites/ob30/tests/provider.rs::good_ob30_provider_passes_every_check`) or after the
//! input (`vectors/invalid/…json`), and compares it with its section of the committed file
//! `reports/shown/<crate>.<test file>.json` ([`Shown::assert_committed`]). The committed files are therefore what the
//! tests really observed, kept current by the tests themselves; `wellspring checks --format json`
//! embeds them, and a meta-test fails when a check has no test or vector on either side.
//!
//! Regenerate after a deliberate change: `WELLSPRING_UPDATE_SHOWN=1 cargo test --workspace`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{DocReport, Verdict};

/// For one check: the tests or vectors where it failed, and where it passed (or warned).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sides {
    #[serde(default)]
    pub failing_by: BTreeSet<String>,
    #[serde(default)]
    pub passing_by: BTreeSet<String>,
}

/// What one test observed, by check ID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Shown(pub BTreeMap<String, Sides>);

/// Most witnesses kept per side of one check in one file (the first in name order): enough to
/// find them, small enough to read.
pub const WITNESSES_PER_SIDE: usize = 5;

impl Shown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records every failed and every passed (or warned) check of `rep`, here and nested, as
    /// shown by `by`. Skipped checks show nothing.
    pub fn record(&mut self, by: &str, rep: &DocReport) {
        self.record_where(by, rep, |_| true);
    }

    /// As [`Shown::record`], for the checks `keep` accepts only (a test that asserts one check
    /// records that one, not whatever else its fixture happened to trip).
    pub fn record_where(&mut self, by: &str, rep: &DocReport, keep: impl Fn(&str) -> bool) {
        let mut all = Vec::new();
        rep.walk(&mut all);
        for (_, c) in all {
            if keep(c.id) {
                self.note(c.id, c.verdict, by);
            }
        }
    }

    /// Records one observation.
    pub fn note(&mut self, id: &str, verdict: Verdict, by: &str) {
        let sides = self.0.entry(id.to_owned()).or_default();
        match verdict {
            Verdict::Fail => sides.failing_by.insert(by.to_owned()),
            Verdict::Pass | Verdict::Warn => sides.passing_by.insert(by.to_owned()),
            Verdict::Skip => false,
        };
    }

    /// Adds what `other` shows.
    pub fn merge(&mut self, other: Shown) {
        for (id, s) in other.0 {
            let mine = self.0.entry(id).or_default();
            mine.failing_by.extend(s.failing_by);
            mine.passing_by.extend(s.passing_by);
        }
    }

    /// The same, with at most [`WITNESSES_PER_SIDE`] witnesses per side.
    pub fn trimmed(mut self) -> Shown {
        for s in self.0.values_mut() {
            s.failing_by = s
                .failing_by
                .iter()
                .take(WITNESSES_PER_SIDE)
                .cloned()
                .collect();
            s.passing_by = s
                .passing_by
                .iter()
                .take(WITNESSES_PER_SIDE)
                .cloned()
                .collect();
        }
        self
    }

    /// Stable text: sorted keys, two-space indent, a final newline.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("plain data serializes");
        s.push('\n');
        s
    }

    pub fn parse(text: &str) -> Result<Shown, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// The committed file `name` (`<crate>.<test file>`, e.g. `ob30.provider`) under
    /// `reports/shown/` of the workspace that holds `manifest_dir`.
    pub fn committed_path(manifest_dir: &str, name: &str) -> PathBuf {
        let mut dir = Path::new(manifest_dir).to_path_buf();
        while !dir.join("reports").join("shown").is_dir() {
            if !dir.pop() {
                panic!("no reports/shown/ above {manifest_dir}");
            }
        }
        dir.join("reports")
            .join("shown")
            .join(format!("{name}.json"))
    }

    /// Asserts that the committed file `file` holds, under the test's name `test`, exactly
    /// what this test observed (trimmed). With `WELLSPRING_UPDATE_SHOWN=1` in the environment,
    /// writes that section instead (under a file lock: tests of one file run in parallel).
    pub fn assert_committed(self, manifest_dir: &str, file: &str, test: &str) {
        let path = Self::committed_path(manifest_dir, file);
        let mine = self.trimmed();
        if std::env::var_os("WELLSPRING_UPDATE_SHOWN").is_some() {
            let f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            f.lock()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let mut all = if text.trim().is_empty() {
                ShownFile::default()
            } else {
                ShownFile::parse(&text).unwrap_or_default()
            };
            all.0.insert(test.to_owned(), mine);
            std::fs::write(&path, all.to_text())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            return;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let committed = ShownFile::parse(&text)
            .ok()
            .and_then(|mut f| f.0.remove(test));
        if committed.as_ref() != Some(&mine) {
            panic!(
                "{} does not say what the test {test} observed; if the change is meant, \
                 regenerate with `WELLSPRING_UPDATE_SHOWN=1 cargo test --workspace` and review \
                 the diff.\nobserved:\n{}",
                path.display(),
                mine.to_text()
            );
        }
    }
}

/// One committed file of `reports/shown/`: what each test of one test file observed, by test
/// function name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShownFile(pub BTreeMap<String, Shown>);

impl ShownFile {
    pub fn parse(text: &str) -> Result<ShownFile, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// Stable text: sorted keys, two-space indent, a final newline.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("plain data serializes");
        s.push('\n');
        s
    }

    /// Everything every test of the file showed, together.
    pub fn union(self) -> Shown {
        let mut out = Shown::new();
        for (_, s) in self.0 {
            out.merge(s);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckDef, CheckResult};

    const A: CheckDef = CheckDef {
        id: "x.a",
        clause: "c",
        title: "t",
    };
    const B: CheckDef = CheckDef {
        id: "x.b",
        clause: "c",
        title: "t",
    };

    #[test]
    fn records_both_sides_and_trims() {
        let mut rep = DocReport::new("r");
        rep.push(CheckResult::new(&A, Verdict::Fail, ""));
        rep.push(CheckResult::new(&B, Verdict::Skip, ""));
        let mut nested = DocReport::new("n");
        nested.push(CheckResult::new(&B, Verdict::Warn, ""));
        rep.nested.push(nested);
        let mut s = Shown::new();
        for i in 0..9 {
            s.record(&format!("t{i}"), &rep);
        }
        let s = s.trimmed();
        assert_eq!(s.0["x.a"].failing_by.len(), WITNESSES_PER_SIDE);
        assert!(s.0["x.a"].passing_by.is_empty());
        assert_eq!(s.0["x.b"].passing_by.len(), WITNESSES_PER_SIDE);
        assert!(s.0["x.b"].failing_by.is_empty());
        let back = Shown::parse(&s.to_text()).unwrap();
        assert_eq!(back, s);
        let mut only = Shown::new();
        only.record_where("t", &rep, |id| id == "x.b");
        assert!(!only.0.contains_key("x.a"));
    }
}
