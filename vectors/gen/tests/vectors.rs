//! The vector set: deterministic, committed as generated, judged as the manifest says by the
//! Wellspring core, and covering every check of the catalogue.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use wellspring_vectors::{
    core_reports, coverage_markdown, generate, list_files, results_table, run_command, run_core,
    Expect, Manifest,
};

/// What `generate` does not own in the committed `vectors/` directory.
const NOT_GENERATED: &[&str] = &["README.md", "COVERAGE.md", "crosscheck", "gen"];

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One generated set per test binary (generation takes a few seconds in debug builds).
fn generated() -> &'static (tempfile::TempDir, Manifest) {
    static SET: OnceLock<(tempfile::TempDir, Manifest)> = OnceLock::new();
    SET.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let m = generate(dir.path()).expect("generate");
        (dir, m)
    })
}

fn same_trees(a: &Path, b: &Path, skip: &[&str]) -> Result<(), String> {
    let fa = list_files(a, skip)?;
    let fb = list_files(b, skip)?;
    if fa != fb {
        let only_a: Vec<_> = fa.iter().filter(|f| !fb.contains(f)).collect();
        let only_b: Vec<_> = fb.iter().filter(|f| !fa.contains(f)).collect();
        return Err(format!(
            "file lists differ: only in {}: {only_a:?}; only in {}: {only_b:?}",
            a.display(),
            b.display()
        ));
    }
    let differing: Vec<_> = fa
        .iter()
        .filter(|f| std::fs::read(a.join(f)).ok() != std::fs::read(b.join(f)).ok())
        .collect();
    if differing.is_empty() {
        Ok(())
    } else {
        Err(format!("{} file(s) differ: {differing:?}", differing.len()))
    }
}

#[test]
fn generation_is_byte_identical_across_runs() {
    let (first, m1) = generated();
    let second = tempfile::tempdir().unwrap();
    let m2 = generate(second.path()).unwrap();
    assert_eq!(m1, &m2);
    same_trees(first.path(), second.path(), &[]).unwrap();
}

#[test]
fn committed_vectors_are_what_the_generator_writes() {
    let (dir, _) = generated();
    same_trees(dir.path(), &committed(), NOT_GENERATED).unwrap_or_else(|e| {
        panic!("{e}\nthe committed vectors are stale: regenerate with `cargo run -p wellspring-vectors --example generate`")
    });
}

#[test]
fn manifest_is_sorted_and_consistent() {
    let (dir, m) = generated();
    let files: Vec<&str> = m.vectors.iter().map(|v| v.file.as_str()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "manifest not sorted by file");
    for v in &m.vectors {
        assert!(dir.path().join(&v.file).is_file(), "{} missing", v.file);
        match v.expect {
            Expect::Valid => assert!(v.checks.is_empty(), "{}: valid vector lists checks", v.file),
            Expect::Invalid => {
                assert!(
                    !v.checks.is_empty(),
                    "{}: invalid vector lists no check",
                    v.file
                );
                let name = v.file.trim_start_matches("invalid/");
                assert!(
                    name.starts_with(&format!("{}.", v.checks[0])),
                    "{}: not named after {}",
                    v.file,
                    v.checks[0]
                );
                assert!(v.clause.is_some(), "{}: no clause", v.file);
            }
        }
        for id in v.checks.iter().chain(&v.warn) {
            assert!(
                wellspring_verify::checks::by_id(id).is_some(),
                "{}: unknown check {id}",
                v.file
            );
        }
        for f in v
            .keys
            .values()
            .chain(v.status_files.values())
            .chain(v.refresh_files.values())
        {
            assert!(dir.path().join(f).is_file(), "{}: {f} missing", v.file);
        }
    }
    let text = std::fs::read_to_string(dir.path().join("manifest.json")).unwrap();
    assert!(text.ends_with("}\n") && text.contains("\n  \"vectors\": ["));
}

#[test]
fn core_reaches_every_expected_verdict_and_failed_checks() {
    let (dir, m) = generated();
    let outcomes = run_core(m, dir.path());
    let table = results_table(&outcomes);
    let bad: Vec<_> = outcomes
        .iter()
        .filter(|o| !o.ok() || !o.missing_warnings.is_empty())
        .collect();
    assert!(bad.is_empty(), "{table}");
    assert!(table
        .trim_end()
        .ends_with(&format!("{} passed, 0 failed", outcomes.len())));
}

#[test]
fn every_check_passes_somewhere_and_fails_somewhere() {
    let (dir, m) = generated();
    let reports: Vec<_> = core_reports(m, dir.path())
        .into_iter()
        .map(|(f, r)| r.unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect();
    let mut missing = Vec::new();
    for def in wellspring_verify::checks::ALL {
        let mut passed = false;
        let mut failed = false;
        for r in &reports {
            let mut all = Vec::new();
            r.walk(&mut all);
            for (_, c) in all.into_iter().filter(|(_, c)| c.id == def.id) {
                match c.verdict {
                    wellspring_verify::Verdict::Pass | wellspring_verify::Verdict::Warn => {
                        passed = true
                    }
                    wellspring_verify::Verdict::Fail => failed = true,
                    wellspring_verify::Verdict::Skip => {}
                }
            }
        }
        if !passed || !failed {
            missing.push(format!("{} (passes: {passed}, fails: {failed})", def.id));
        }
    }
    assert!(
        missing.is_empty(),
        "checks not exercised both ways: {missing:?}"
    );
    // what each vector showed, for `wellspring checks --format json` (reports/shown/)
    let mut shown = wellspring_report::shown::Shown::new();
    for (v, r) in m.vectors.iter().zip(&reports) {
        shown.record(&format!("vectors/{}", v.file), r);
    }
    shown.assert_committed(
        env!("CARGO_MANIFEST_DIR"),
        "vectors",
        "every_check_passes_somewhere_and_fails_somewhere",
    );
    let coverage = coverage_markdown(m, &reports);
    let committed = std::fs::read_to_string(committed().join("COVERAGE.md")).unwrap_or_default();
    assert_eq!(coverage, committed, "COVERAGE.md is stale: regenerate with `cargo run -p wellspring-vectors --example generate`");
}

#[test]
fn external_command_runner_reports_like_json_test_suite() {
    let (dir, m) = generated();
    // A "verifier" that accepts exactly the files under valid/.
    let outcomes = run_command(
        m,
        dir.path(),
        "case {} in */valid/*) exit 0;; *) exit 1;; esac",
    );
    assert!(
        outcomes.iter().all(|o| o.ok()),
        "{}",
        results_table(&outcomes)
    );
    // One that accepts everything: every invalid vector is reported.
    let outcomes = run_command(m, dir.path(), "true {}");
    let table = results_table(&outcomes);
    let invalid = m
        .vectors
        .iter()
        .filter(|v| v.expect == Expect::Invalid)
        .count();
    assert!(
        table.contains(&format!(
            "SHOULD HAVE BEEN REJECTED, but accepted ({invalid})"
        )),
        "{table}"
    );
    assert!(table.trim_end().ends_with(&format!(
        "{} passed, {invalid} failed",
        m.vectors.len() - invalid
    )));
}

/// Writes the committed set: `cargo test -p wellspring-vectors -- --ignored write_committed`.
#[test]
#[ignore]
fn write_committed_vectors() {
    let root = committed();
    let m = generate(&root).unwrap();
    let reports: Vec<_> = core_reports(&m, &root)
        .into_iter()
        .filter_map(|(_, r)| r.ok())
        .collect();
    std::fs::write(root.join("COVERAGE.md"), coverage_markdown(&m, &reports)).unwrap();
}
