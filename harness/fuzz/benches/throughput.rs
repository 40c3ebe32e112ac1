//! In-process fuzz throughput (a benchmark, not a test): mutants per second through
//! (1) the pipeline up to the proof check — draw a plan, mutate, serialize, and Wellspring's
//!     parse stage (baked extraction, JWS split, JSON under the depth bound);
//! (2) the whole verification core (context, schema, canonicalization, signature).
//!
//! `cargo bench -p wellspring-fuzz` (WELLSPRING_BENCH_SECS, default 10 s per stage; jobs = CPUs;
//! WELLSPRING_BENCH_KINDS=1 first shows where one thread's time goes, stage by stage and kind
//! by kind). Target: 20,000 mutants/s through (1) with small limits on 2 cores.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use wellspring_fuzz::mutate::Limits;
use wellspring_fuzz::target::{Target, TargetSpec};
use wellspring_fuzz::{Campaign, Config};

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Where the time goes (one thread): draw, mutate and parse per case, and mutate + parse per
/// mutation kind, after an untimed pass that fills the re-signed pool.
fn by_kind(vectors: &Path, limits: Limits, cases: u64) {
    let set = wellspring_fuzz::seed::load(vectors, None).expect("seeds");
    for case in 0..cases {
        let plan = wellspring_fuzz::draw(8, case, limits).current();
        let _ = wellspring_fuzz::mutate::build(&set, &plan);
    }
    let mut t: std::collections::BTreeMap<String, (u64, Duration)> = Default::default();
    let mut stage = [Duration::ZERO; 3];
    for case in 0..cases {
        let t0 = std::time::Instant::now();
        let plan = wellspring_fuzz::draw(7, case, limits).current();
        let t1 = std::time::Instant::now();
        let m = wellspring_fuzz::mutate::build(&set, &plan);
        let t2 = std::time::Instant::now();
        let _ = wellspring_fuzz::target::parse_front(&m.bytes);
        let t3 = std::time::Instant::now();
        for (s, d) in stage.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2]) {
            *s += d;
        }
        let e = t.entry(m.kind().to_owned()).or_default();
        e.0 += 1;
        e.1 += t3 - t1;
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / cases as f64;
    println!(
        "  {limits:?}: per case draw {:.1} µs, mutate {:.1} µs, parse {:.1} µs",
        per(stage[0]),
        per(stage[1]),
        per(stage[2])
    );
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
        by_kind(&vectors, Limits::default(), 2_000);
        by_kind(&vectors, small, 20_000);
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
        let target = Target::new(spec, Duration::from_secs(30), None, true).expect("target");
        let config = Config {
            seed: 2026,
            cases: None,
            time: Some(Duration::from_secs(secs)),
            jobs,
            limits,
            max_findings: 20,
            shrink_steps: 0,
            resign_pool: wellspring_fuzz::mutate::RESIGN_POOL,
            slow: None,
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
