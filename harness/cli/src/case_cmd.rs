//! `wellspring case`: CASE 1.0 commands.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use wellspring_http::guard::BlockingNet;
use wellspring_report::{render, DocReport};
use wellspring_suite_case10 as suite;

#[derive(Subcommand)]
pub enum CaseCmd {
    Check(CheckArgs),
    /// List every CASE check (package integrity; provider and consumer certification, CASE 1.0
    /// then CASE 1.1): stable ID, spec clause.
    Checks,
    Serve(crate::case_serve::ServeArgs),
}

/// Check the framework integrity of CASE 1.0 packages (CFPackage JSON), check by check.
///
/// An INPUT is a file, `-` for stdin, or with --online an http(s) URL (e.g. a provider's
/// /ims/case/v1p0/CFPackages/{id}). Checks: schema (official CASE 1.0 CFPackage.Type),
/// identifiers (UUIDs, unique), associations (ends resolve or are external), hierarchy
/// (isChildOf acyclic, no orphans), uris (back-links consistent), dates.
///
/// Examples:
///   wellspring case check suites/case10/tests/data/frameworks/Ordering.json
///   wellspring case check -v --format json --junit case.xml suites/case10/tests/data/frameworks/*.json
///   wellspring case check --online https://example.org/ims/case/v1p0/CFPackages/<id>
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Files, `-` for stdin, or URLs (with --online).
    #[arg(required = true, value_name = "FILE|URL")]
    inputs: Vec<String>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write JUnit XML (one testcase per check per input) to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Show evidence (offending identifiers, JSON pointers) under failed and warned checks.
    #[arg(short, long)]
    verbose: bool,
    /// Allow fetching http(s) URL inputs.
    #[arg(long)]
    online: bool,
    /// With --online: also reach loopback, private and link-local addresses (local test setups).
    #[arg(long)]
    allow_private_network: bool,
    /// Largest package accepted (file or download), in bytes.
    #[arg(long, default_value_t = suite::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Network timeout per request, in seconds (with --online).
    #[arg(long, default_value_t = 60)]
    timeout: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn usage(msg: String) -> u8 {
    eprintln!("wellspring case check: {msg}");
    2
}

pub fn run(cmd: CaseCmd) -> u8 {
    match cmd {
        CaseCmd::Check(a) => check(a),
        CaseCmd::Serve(a) => crate::case_serve::run(a),
        CaseCmd::Checks => {
            print!("{}", checks_listing());
            0
        }
    }
}

/// `wellspring case checks`: the CASE 1.0 checks (package integrity, provider, consumer), then
/// under a `CASE 1.1` heading the 1.1 provider and consumer checks.
fn checks_listing() -> String {
    use suite::provider::Version;
    let line = |c: &wellspring_report::CheckDef| {
        format!("{:<28} {}\n{:<28} {}\n", c.id, c.title, "", c.clause)
    };
    let mut out = String::new();
    for c in suite::checks::ALL
        .iter()
        .chain(suite::provider::checks::ALL)
        .chain(suite::consumer::checks::ALL)
    {
        out.push_str(&line(c));
    }
    out.push_str("\nCASE 1.1 (wellspring certify --standard case11)\n");
    for c in suite::provider::checks::all(Version::V1p1)
        .iter()
        .chain(&suite::consumer::checks::all(Version::V1p1))
    {
        out.push_str(&line(c));
    }
    out
}

fn check(a: CheckArgs) -> u8 {
    let opts = suite::Options {
        max_bytes: a.max_bytes,
    };
    let client = if a.online {
        match client(
            Duration::from_secs(a.timeout),
            a.max_bytes,
            a.allow_private_network,
        ) {
            Ok(c) => Some(c),
            Err(e) => return usage(e),
        }
    } else {
        None
    };
    let mut reports: Vec<DocReport> = Vec::new();
    for input in &a.inputs {
        let bytes = if input == "-" {
            let mut b = Vec::new();
            match std::io::stdin()
                .take(a.max_bytes as u64 + 1)
                .read_to_end(&mut b)
            {
                Ok(_) => b,
                Err(e) => return usage(format!("cannot read standard input: {e}")),
            }
        } else if input.starts_with("https://") || input.starts_with("http://") {
            match &client {
                Some(c) => match fetch(c, input) {
                    Ok(b) => b,
                    Err(e) => return usage(format!("cannot fetch {input}: {e}")),
                },
                None => return usage(format!("{input} is a URL: add --online to fetch it")),
            }
        } else {
            match read_bounded(input, a.max_bytes) {
                Ok(b) => b,
                Err(e) => return usage(e),
            }
        };
        reports.push(suite::check(input, &bytes, &opts));
    }
    match a.format {
        Format::Human => print!("{}", render::human(&reports, a.verbose)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&render::json(&reports)).expect("report serializes")
        ),
    }
    if let Some(path) = &a.junit {
        if let Err(e) = std::fs::write(path, render::junit(&reports)) {
            return usage(format!("cannot write {}: {e}", path.display()));
        }
    }
    if reports.iter().all(|r| r.passed()) {
        0
    } else {
        1
    }
}

fn read_bounded(path: &str, max: usize) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut b = Vec::new();
    f.take(max as u64 + 1)
        .read_to_end(&mut b)
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(b)
}

/// The guarded client for package downloads: same time and redirect bounds as `fetch::http_fetch`,
/// but packages may be far larger than its 4 MiB cap, so the size bound is `--max-bytes`.
fn client(timeout: Duration, max: usize, allow_private: bool) -> Result<BlockingNet, String> {
    BlockingNet::new(crate::fetch::policy(timeout, allow_private).with_max_bytes(max))
        .map_err(|e| e.to_string())
}

fn fetch(client: &BlockingNet, url: &str) -> Result<Vec<u8>, String> {
    client
        .get(url, "application/json")
        .and_then(|r| r.success())
        .map(|r| r.body)
        .map_err(|e| e.to_string())
}
