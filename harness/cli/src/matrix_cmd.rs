//! `wellspring matrix`: every applicable suite against every registered implementation.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Args;
use wellspring_matrix::{merge, registry, run, Matrix};

/// Run every applicable suite against every implementation of a registry and write an
/// interop matrix: one offline HTML page (rows = checks by standard/role with spec links,
/// columns = implementations, each cell linked to its evidence), the JSON behind it, JUnit per
/// implementation and EARL (W3C Evaluation and Report Language, JSON-LD).
///
/// The registry is a folder of TOML files, one per implementation (see
/// harness/matrix/src/registry.rs and reports/registry/ for examples). Secrets never sit in a
/// file: `[auth] login_env / token_env / client_env` name environment variables.
///
/// Exit codes: 0 every cell passed, 1 a cell failed or a run could not happen, 2 could not run
/// at all (bad registry, unwritable report folder).
///
/// Examples:
///   wellspring matrix --registry reports/registry --report out/matrix
///   wellspring matrix --registry reg --tags reference --jobs 4 --report out
///   # a large registry over CI jobs: each runs a shard, one job merges
///   wellspring matrix --registry reg --shard 1/3 --report out/shard1
///   wellspring matrix --merge out/shard1/matrix.json out/shard2/matrix.json out/shard3/matrix.json --report out/all
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct MatrixArgs {
    /// Folder of implementation TOML files.
    #[arg(long, value_name = "DIR", required_unless_present = "merge")]
    registry: Option<PathBuf>,
    /// Only implementations carrying every one of these tags.
    #[arg(long, value_name = "TAG", num_args = 1..)]
    tags: Vec<String>,
    /// Implementations judged at the same time.
    #[arg(long, value_name = "N", default_value_t = 2)]
    jobs: usize,
    /// Run only shard I of N (1-based), for spreading a registry over CI jobs.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Combine the matrix.json of earlier (sharded) runs instead of running.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["registry", "shard", "tags"])]
    merge: Vec<PathBuf>,
    /// Folder the reports are written to (created).
    #[arg(long, value_name = "DIR")]
    report: PathBuf,
    /// Per-request deadline in seconds (body included).
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    timeout: u64,
    /// Targets may be on loopback or a private network (local servers under test); refused
    /// otherwise.
    #[arg(long)]
    allow_private_network: bool,
    /// Title of the HTML page.
    #[arg(long, default_value = "Wellspring interop matrix")]
    title: String,
}

fn fail(msg: String) -> u8 {
    eprintln!("wellspring matrix: {msg}");
    2
}

fn progress_bars() -> Option<run::Progress> {
    use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let bars: Arc<Mutex<std::collections::HashMap<String, ProgressBar>>> = Arc::default();
    let style = ProgressStyle::with_template("{prefix:>24} [{bar:20}] {pos}/{len} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    Some(Arc::new(move |imp: &str, e: run::Event| {
        let mut bars = bars.lock().unwrap_or_else(|p| p.into_inner());
        match e {
            run::Event::Start { claims } => {
                let b = multi.add(ProgressBar::new(claims as u64));
                b.set_style(style.clone());
                b.set_prefix(imp.to_owned());
                bars.insert(imp.to_owned(), b);
            }
            run::Event::Claim(c) => {
                if let Some(b) = bars.get(imp) {
                    b.set_message(c);
                }
            }
            run::Event::ClaimDone => {
                if let Some(b) = bars.get(imp) {
                    b.inc(1);
                }
            }
            run::Event::Done => {
                if let Some(b) = bars.get(imp) {
                    b.finish_with_message("done");
                }
            }
        }
    }))
}

fn summary(m: &Matrix) -> String {
    let mut lines = Vec::new();
    for c in &m.implementations {
        let cells = m.cells.get(&c.id);
        let count = |v| {
            cells
                .map(|x| x.values().filter(|c| c.verdict == v).count())
                .unwrap_or(0)
        };
        use wellspring_report::Verdict::*;
        lines.push(format!(
            "{:<28} {:>3} passed {:>3} failed {:>3} warnings {:>3} skipped{}",
            c.id,
            count(Pass),
            count(Fail),
            count(Warn),
            count(Skip),
            match m.errors.get(&c.id) {
                Some(e) if !e.is_empty() => format!("  — could not run: {}", e.join("; ")),
                _ => String::new(),
            }
        ));
    }
    let bad = m
        .interop
        .iter()
        .filter(|c| c.verdict == wellspring_report::Verdict::Fail)
        .count();
    if !m.interop.is_empty() {
        lines.push(format!(
            "cross-implementation cells: {} ({bad} failed)",
            m.interop.len()
        ));
    }
    lines.join("\n")
}

pub fn run(a: MatrixArgs) -> u8 {
    let started = std::time::Instant::now();
    let mut options = std::collections::BTreeMap::new();
    if !a.merge.is_empty() {
        let files: Vec<String> = a.merge.iter().map(|f| f.display().to_string()).collect();
        options.insert("merge".to_owned(), serde_json::json!(files));
    } else {
        options.insert("tags".to_owned(), serde_json::json!(a.tags));
        options.insert("shard".to_owned(), serde_json::json!(a.shard));
        options.insert("timeout".to_owned(), serde_json::json!(a.timeout));
        options.insert(
            "allowPrivateNetwork".to_owned(),
            serde_json::json!(a.allow_private_network),
        );
    }
    let mut m = if !a.merge.is_empty() {
        let mut parts = Vec::new();
        for f in &a.merge {
            let text = match std::fs::read_to_string(f) {
                Ok(t) => t,
                Err(e) => return fail(format!("cannot read {}: {e}", f.display())),
            };
            match serde_json::from_str::<Matrix>(&text) {
                Ok(m) => parts.push(m),
                Err(e) => return fail(format!("{} is not a matrix.json: {e}", f.display())),
            }
        }
        match merge(parts) {
            Ok(m) => m,
            Err(e) => return fail(e),
        }
    } else {
        let dir = a.registry.clone().unwrap_or_default();
        let all = match registry::load_dir(&dir) {
            Ok(a) => a,
            Err(e) => return fail(e),
        };
        // the tag selection is the world of this run: its verifiers make the cross cells,
        // whichever shard is judged here
        let all = registry::select(all, &a.tags);
        let mut subjects = all.clone();
        if let Some(s) = &a.shard {
            let (i, n) = match registry::parse_shard(s) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            subjects = registry::shard(subjects, i, n);
        }
        if subjects.is_empty() {
            return fail("no implementation selected (check --tags / --shard)".into());
        }
        let mut o = run::Options::new();
        o.jobs = a.jobs.max(1);
        o.timeout = Duration::from_secs(a.timeout.max(1));
        o.allow_private_network = a.allow_private_network;
        o.progress = progress_bars();
        run::run(&subjects, &all, &o)
    };
    m.run = Some(wellspring_matrix::RunInfo {
        commit: env!("WELLSPRING_COMMIT").to_owned(),
        command_line: crate::certify_cmd::command_line(),
        options,
        duration_ms: started.elapsed().as_millis() as u64,
    });
    if let Err(e) = wellspring_matrix::write_reports(&m, &a.report, &a.title) {
        return fail(e);
    }
    println!("{}", summary(&m));
    println!(
        "reports: {}/matrix.html, matrix.json, earl.jsonld, junit/",
        a.report.display()
    );
    if m.passed() {
        0
    } else {
        1
    }
}
