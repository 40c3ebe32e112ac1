//! `wellspring demo --headless`: the whole Wellspring story through the real binary — CASE
//! server, hub, wallet and ATS on loopback; results → hub issues → wallet connects over OAuth
//! and imports → wallet shares a signed presentation → the ATS ranks the learner first with an
//! evidence path through an exactMatchOf association from a college outcome to a job skill.

use std::process::Command;

#[test]
fn demo_headless_runs_the_whole_story() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_wellspring"))
        .args(["demo", "--headless", "--dir", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for step in 1..=4 {
        assert!(
            out.contains(&format!("✔ {step}.")),
            "step {step} passed: {out}"
        );
    }
    assert!(out.contains("rank 1 of 1"), "{out}");
    assert!(out.contains("3 of 3 credentials counted"), "{out}");
    // the brake outcome of the college evidences the employer's PM-B inspection skill
    assert!(out.contains("DT.4.1 Inspect and adjust air brake slack adjusters to federal out-of-service criteria. -exactMatchOf-> JS-A.1"), "{out}");
    for db in ["case.sqlite", "hub.sqlite", "wallet.sqlite", "ats.sqlite"] {
        assert!(dir.path().join(db).is_file(), "{db} kept in --dir");
    }
}
