//! In-process fuzz throughput (a benchmark, not a test): mutants per second through
//! (1) the pipeline up to the proof check — draw a plan, mutate, serialize, and Wellspring's
//!     parse stage (baked extraction, JWS split, JSON under the depth bound);
//! (2) the whole verification core (context, schema, canonicalization, signature).
//!
//! `cargo bench -p wellspring-fuzz` (WELLSPRING_BENCH_SECS, default 10 s per stage; jobs = CPUs).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use wellspring_fuzz::mutate::Limits;
use wellspring_fuzz::target::{Target, TargetSpec};
use wellspring_fuzz::{Campaign, Config};

fn main() {
    let secs: u64 = std::env::var("WELLSPRING_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors");
    println!(
        "wellspring-fuzz throughput: {jobs} job(s), {secs} s per stage, seeds {}",
        vectors.display()
    );
    for (label, spec) in [
        (
            "mutate + parse stage (up to the proof check)",
            TargetSpec::Parse,
        ),
        ("mutate + full verification core", TargetSpec::Core),
    ] {
        let set = wellspring_fuzz::seed::load(&vectors, None).expect("seeds");
        let target = Target::new(spec, Duration::from_secs(30), None).expect("target");
        let config = Config {
            seed: 2026,
            cases: None,
            time: Some(Duration::from_secs(secs)),
            jobs,
            limits: Limits::default(),
            max_findings: 20,
            shrink_steps: 0,
        };
        let c = Arc::new(Campaign::new(set, target, config).expect("campaign"));
        let sm = c.run(&|_, _| {});
        println!(
            "{label:48} {:>9} cases in {:>5.1} s = {:>9.0} mutants/s ({} finding(s))",
            sm.cases,
            sm.elapsed.as_secs_f64(),
            sm.cases_per_sec(),
            sm.findings.len()
        );
    }
}
