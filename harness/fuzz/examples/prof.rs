use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use wellspring_fuzz::mutate::Limits;
fn main() {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors");
    let set = wellspring_fuzz::seed::load(&vectors, None).expect("seeds");
    let small = Limits {
        max_string: 4096,
        max_array: 100,
        max_depth: 100,
    };
    let mut t: BTreeMap<String, (u64, Duration)> = Default::default();
    let mut draw_t = Duration::ZERO;
    let mut parse_t = Duration::ZERO;
    let mut build_t = Duration::ZERO;
    let n: u64 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    for case in 0..n {
        if std::env::var("WARM").is_ok() {
            let plan = wellspring_fuzz::draw(7, case + 1_000_000, small).current();
            let _ = wellspring_fuzz::mutate::build(&set, &plan);
        }
    }
    for case in 0..n {
        let s0 = Instant::now();
        let mut plan = wellspring_fuzz::draw(7, case, small).current();
        if std::env::var("NORESIGN").is_ok() {
            plan.resign = None;
        }
        let s1 = Instant::now();
        let m = wellspring_fuzz::mutate::build(&set, &plan);
        let s2 = Instant::now();
        let _ = wellspring_fuzz::target::parse_front(&m.bytes);
        let s3 = Instant::now();
        draw_t += s1 - s0;
        build_t += s2 - s1;
        parse_t += s3 - s2;
        let resigned = m.steps.iter().any(|s| s.contains("re-signed-by-issuer"));
        let last = m
            .steps
            .iter()
            .filter(|s| !s.contains("re-signed"))
            .last()
            .map(|s| s.split_whitespace().next().unwrap_or("").to_owned())
            .unwrap_or_default();
        for key in [
            format!("fmt {:?}", m.format),
            format!("resigned {resigned}"),
            format!("last {last}"),
            format!("seed {}", m.seed),
        ] {
            let e = t.entry(key).or_default();
            e.0 += 1;
            e.1 += s2 - s1;
        }
    }
    println!(
        "draw {:?}/case build {:?}/case parse {:?}/case",
        draw_t / n as u32,
        build_t / n as u32,
        parse_t / n as u32
    );
    let mut rows: Vec<_> = t.into_iter().collect();
    rows.sort_by_key(|(_, (_, d))| std::cmp::Reverse(*d));
    for (k, (c, d)) in rows.iter().take(40) {
        println!(
            "  {k:50} {c:>6} {:>9.1} ms total {:>8.3} ms/case",
            d.as_secs_f64() * 1e3,
            d.as_secs_f64() * 1e3 / *c as f64
        );
    }
}
