//! # wellspring-vectors
//!
//! Deterministic generator of the Wellspring test vectors: OB 3.0 / CLR 2.0 credentials,
//! valid and invalid, in every proof format, each with the verdict a verifier must reach and,
//! for invalid ones, the checks it must trip (`manifest.json`). Credentials are built from
//! the `wellspring-model` types and signed with keys derived from fixed seeds; with the fixed
//! clock, every run writes byte-identical files.
//!
//! * [`generate`] writes the set (`keys/`, `valid/`, `invalid/`, `status/`, `manifest.json`);
//! * [`run_core`] / [`run_command`] run a verifier over it; [`results_table`] reports;
//! * [`coverage_markdown`] tabulates which checks the set exercises (`COVERAGE.md`).

use std::path::{Path, PathBuf};

mod creds;
mod gen;
mod keys;
pub mod manifest;
mod run;
mod sign;

pub use manifest::{Entry, Expect, Manifest};
pub use run::{
    core_reports, coverage_markdown, options_for, results_table, run_command, run_core, Outcome,
    COMMAND_TIMEOUT,
};

/// The clock the whole set is judged at.
pub const NOW: &str = "2026-01-01T00:00:00Z";

/// The directories and file [`generate`] owns under its output directory (and replaces).
pub const OWNED: &[&str] = &["keys", "valid", "invalid", "status", "manifest.json"];

/// Writes files under a root directory, creating parents.
pub struct Writer {
    root: PathBuf,
}

impl Writer {
    pub fn new(root: &Path) -> Self {
        Writer {
            root: root.to_owned(),
        }
    }

    pub fn bytes(&self, rel: &str, content: &[u8]) -> Result<(), String> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn text(&self, rel: &str, content: &str) -> Result<(), String> {
        self.bytes(rel, content.as_bytes())
    }
}

/// Generates the whole vector set under `out`, replacing `keys/`, `valid/`, `invalid/`,
/// `status/` and `manifest.json` there (nothing else in `out` is touched).
pub fn generate(out: &Path) -> Result<Manifest, String> {
    for name in OWNED {
        let p = out.join(name);
        if p.is_dir() {
            std::fs::remove_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if p.exists() {
            std::fs::remove_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    let w = Writer::new(out);
    let keys = keys::Keys::derive()?;
    keys.write(&w)?;
    let mut vectors = gen::all(&keys, &w)?;
    vectors.sort_by(|a, b| a.file.cmp(&b.file));
    for pair in vectors.windows(2) {
        if pair[0].file == pair[1].file {
            return Err(format!("two vectors named {}", pair[0].file));
        }
    }
    let manifest = Manifest {
        version: 1,
        now: NOW.to_owned(),
        vectors,
    };
    w.text("manifest.json", &manifest::pretty(&manifest))?;
    Ok(manifest)
}

/// [`generate`], then runs the Wellspring core over the set and writes `COVERAGE.md` next to
/// `manifest.json` (what `wellspring vectors generate` and the `generate` example do).
pub fn generate_with_coverage(out: &Path) -> Result<Manifest, String> {
    let manifest = generate(out)?;
    let mut reports = Vec::new();
    for (file, r) in core_reports(&manifest, out) {
        reports.push(r.map_err(|e| format!("{file}: {e}"))?);
    }
    let path = out.join("COVERAGE.md");
    std::fs::write(&path, coverage_markdown(&manifest, &reports))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(manifest)
}

/// Every file under `root` (relative paths, `/`-separated, sorted), skipping the given
/// top-level names. Used to compare two generated trees.
pub fn list_files(root: &Path, skip: &[&str]) -> Result<Vec<String>, String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), String> {
        let mut items: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .collect();
        items.sort_by_key(|e| e.file_name());
        for item in items {
            let name = item.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if item.path().is_dir() {
                walk(&item.path(), &r, out)?;
            } else {
                out.push(r);
            }
        }
        Ok(())
    }
    let mut all = Vec::new();
    walk(root, "", &mut all)?;
    Ok(all
        .into_iter()
        .filter(|f| {
            !skip
                .iter()
                .any(|s| f == s || f.starts_with(&format!("{s}/")))
        })
        .collect())
}
