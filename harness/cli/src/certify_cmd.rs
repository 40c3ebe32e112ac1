//! `wellspring certify`: run a certification suite against a live implementation.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use wellspring_report::render;
use wellspring_suite_case10::provider;

/// Certify a live implementation against a standard, acting as its counterpart.
///
/// CASE 1.0 provider: Wellspring acts as a CASE consumer. TARGET is the base URL; the suite
/// appends /ims/case/v1p0/... It walks /CFDocuments, every document's CFPackage and every
/// object the package references, then probes unknown and malformed identifiers, a bad query
/// parameter, paging, uris, and runs the package integrity checks on each CFPackage.
///
/// Exit codes: 0 every check passed, 1 a check failed, 2 could not run.
///
/// Examples:
///   wellspring certify --standard case10 --role provider --target http://127.0.0.1:8480
///   wellspring certify --standard case10 --role provider --target https://case.example.org \
///       --client ID:SECRET --token-url https://case.example.org/auth/token -v --junit case.xml
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct CertifyArgs {
    /// The standard certified.
    #[arg(long, value_enum)]
    standard: Standard,
    /// The role of the implementation under test.
    #[arg(long, value_enum)]
    role: Role,
    /// Base URL of the implementation, e.g. http://127.0.0.1:8480.
    #[arg(long, value_name = "URL")]
    target: String,
    /// Bearer token sent with every call.
    #[arg(long, value_name = "TOKEN", conflicts_with = "client")]
    token: Option<String>,
    /// OAuth 2.0 client credentials (needs --token-url).
    #[arg(long, value_name = "ID:SECRET", requires = "token_url")]
    client: Option<String>,
    /// Token endpoint for --client.
    #[arg(long, value_name = "URL")]
    token_url: Option<String>,
    /// How the client authenticates at the token endpoint.
    #[arg(long, value_enum, default_value_t = ClientAuth::Basic)]
    client_auth: ClientAuth,
    /// Scope requested with --client.
    #[arg(long)]
    scope: Option<String>,
    /// Objects fetched at most.
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_items: usize,
    /// Per-request deadline in seconds (body included).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    timeout: u64,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write the JSON report to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Show evidence (HTTP exchanges) under failed, warned and skipped checks.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Standard {
    Case10,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Provider,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ClientAuth {
    Basic,
    Body,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn fail(msg: String) -> u8 {
    eprintln!("wellspring certify: {msg}");
    2
}

pub fn run(a: CertifyArgs) -> u8 {
    let (Standard::Case10, Role::Provider) = (a.standard, a.role);
    let mut opts = provider::Options::new(a.target.clone());
    opts.timeout = Duration::from_secs(a.timeout.max(1));
    opts.max_items = a.max_items;
    opts.auth = if let Some(t) = &a.token {
        provider::Auth::Token(t.clone())
    } else if let Some(c) = &a.client {
        let Some((id, secret)) = c.split_once(':') else {
            return fail("--client must be ID:SECRET".into());
        };
        provider::Auth::Client {
            id: id.to_owned(),
            secret: secret.to_owned(),
            token_url: a.token_url.clone().unwrap_or_default(),
            basic: a.client_auth == ClientAuth::Basic,
            scope: a.scope.clone(),
        }
    } else {
        provider::Auth::Anonymous
    };
    let report = match provider::run(&opts) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let reports = [report];
    let json = serde_json::to_string_pretty(&render::json(&reports)).expect("report serializes");
    if let Some(path) = &a.report {
        if let Err(e) = std::fs::write(path, &json) {
            return fail(format!("cannot write {}: {e}", path.display()));
        }
    }
    if let Some(path) = &a.junit {
        if let Err(e) = std::fs::write(path, render::junit(&reports)) {
            return fail(format!("cannot write {}: {e}", path.display()));
        }
    }
    let out = match a.format {
        Format::Human => render::human(&reports, a.verbose),
        Format::Json => format!("{json}\n"),
    };
    // a closed stdout (e.g. piped into `head`) is not a reason to panic
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush());
    if reports[0].passed() {
        0
    } else {
        1
    }
}
