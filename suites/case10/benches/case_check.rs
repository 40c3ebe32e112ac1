//! `cargo bench -p wellspring-suite-case10`: time `check` on a generated package of 100,000
//! items and 150,000 associations, and report the process's peak resident memory (VmHWM).
//! Targets: < 2 s per check, < 300 MB peak.

#[path = "synth.rs"]
mod synth;

use std::time::Instant;

use wellspring_report::Verdict;
use wellspring_suite_case10::{check, Options};

fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let items = 100_000;
    let associations = 150_000;
    let t = Instant::now();
    let json = synth::package(items, associations, 8);
    println!(
        "generated {items} items, {associations} associations: {:.1} MB of JSON in {:.2?}",
        json.len() as f64 / 1e6,
        t.elapsed()
    );
    println!(
        "peak RSS after generation: {:.0} MB",
        peak_mb().unwrap_or(f64::NAN)
    );
    let opts = Options::default();
    let mut times = Vec::new();
    for run in 0..5 {
        let t = Instant::now();
        let report = check("bench", json.as_bytes(), &opts);
        let dt = t.elapsed();
        times.push(dt);
        if run == 0 {
            for c in &report.checks {
                assert_eq!(c.verdict, Verdict::Pass, "{}: {}", c.id, c.message);
            }
        }
        println!("check #{run}: {dt:.2?}");
    }
    times.sort();
    println!(
        "check: best {:.2?}, median {:.2?} (target < 2 s)",
        times[0],
        times[times.len() / 2]
    );
    println!(
        "peak RSS of the process (VmHWM, JSON text included): {:.0} MB (target < 300 MB)",
        peak_mb().unwrap_or(f64::NAN)
    );
}
