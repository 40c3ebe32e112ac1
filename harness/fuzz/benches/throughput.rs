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

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Time per mutation kind (one thread, mutate + parse stage): where the time goes.
fn by_kind(vectors: &Path, limits: Limits, cases: u64) {
    let set = wellspring_fuzz::seed::load(vectors, None).expect("seeds");
    let mut t: std::collections::BTreeMap<String, (u64, Duration)> = Default::default();
    for case in 0..cases {
        let start = std::time::Instant::now();
        let plan = wellspring_fuzz::draw(7, case, limits).current();
        let m = wellspring_fuzz::mutate::build(&set, &plan);
        let _ = wellspring_fuzz::target::parse_front(&m.bytes);
        let e = t.entry(m.kind().to_owned()).or_default();
        e.0 += 1;
        e.1 += start.elapsed();
    }
    let mut rows: Vec<_> = t.into_iter().collect();
    rows.sort_by_key(|(_, (_, d))| std::cmp::Reverse(*d));
    for (k, (n, d)) in rows.iter().take(8) {
        println!(
            "  {k:32} {n:>6} cases {:>9.1} ms total {:>9.3} ms/case",
            d.as_secs_f64() * 1e3,
            d.as_secs_f64() * 1e3 / *n as f64
        );
    }
}

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
    // Default limits (1 MiB strings, 100,000-element arrays, 10,000 levels), and small ones
    // (4 KiB, 100, 100) that leave the per-mutant overhead visible.
    let small = Limits {
        max_string: 4096,
        max_array: 100,
        max_depth: 100,
    };
    if std::env::var("WELLSPRING_BENCH_KINDS").is_ok() {
        by_kind(&vectors, Limits::default(), 500);
        by_kind(&vectors, small, 2000);
    }
    for (label, spec, limits) in [
        (
            "mutate + parse stage, small limits",
            TargetSpec::Parse,
            small,
        ),
        (
            "mutate + parse stage, default limits",
            TargetSpec::Parse,
            Limits::default(),
        ),
        ("mutate + full core, small limits", TargetSpec::Core, small),
    ] {
        let set = wellspring_fuzz::seed::load(&vectors, None).expect("seeds");
        let target = Target::new(spec, Duration::from_secs(30), None).expect("target");
        let config = Config {
            seed: 2026,
            cases: None,
            time: Some(Duration::from_secs(secs)),
            jobs,
            limits,
            max_findings: 20,
            shrink_steps: 0,
            resign_pool: wellspring_fuzz::mutate::RESIGN_POOL,
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
        for f in &sm.findings {
            println!(
                "  finding: {} — {} (seed {}, case {}, answer {})",
                f.oracle.name(),
                f.mutant.steps.join("; "),
                f.mutant.seed,
                f.case,
                f.answer
            );
        }
    }
}
