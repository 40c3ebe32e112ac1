//! `wellspring`: the command line of the Wellspring conformance harness.

mod ats_cmd;
mod batch;
mod case_cmd;
mod case_serve;
mod certify_cmd;
mod checks_cmd;
mod claim;
mod demo_cmd;
mod fetch;
mod fuzz_cmd;
mod hub_cmd;
mod matrix_cmd;
mod vectors_cmd;
mod verifier_cmd;
mod verify_cmd;
mod wallet_cmd;

use std::process::ExitCode;

/// The servers' structured request log (`tracing`) on stderr: what `RUST_LOG` selects
/// (`RUST_LOG=info` shows one line per request), warnings only by default.
pub(crate) fn request_log() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs a reference server until Ctrl-C: exit 0 after a clean stop, 2 when it cannot start.
/// `describe` gives its URL and the lines to print under it once it listens.
pub(crate) fn serve_until_ctrl_c<R, E, Stop>(
    name: &str,
    start: impl std::future::Future<Output = Result<R, E>>,
    describe: impl FnOnce(&R) -> (String, Vec<String>),
    stop: impl FnOnce(R) -> Stop,
) -> u8
where
    E: std::fmt::Display,
    Stop: std::future::Future<Output = ()>,
{
    request_log();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wellspring {name}: cannot start the runtime: {e}");
            return 2;
        }
    };
    rt.block_on(async move {
        let running = match start.await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("wellspring {name}: {e}");
                return 2;
            }
        };
        let (url, lines) = describe(&running);
        eprintln!("wellspring {name}: {url} (Ctrl-C stops)");
        for l in lines {
            eprintln!("  {l}");
        }
        let _ = tokio::signal::ctrl_c().await;
        stop(running).await;
        0
    })
}

/// `--listen ADDR` with the port `--port P` gives, if it gives one.
pub(crate) fn with_port(
    mut listen: std::net::SocketAddr,
    port: Option<u16>,
) -> std::net::SocketAddr {
    if let Some(p) = port {
        listen.set_port(p);
    }
    listen
}

use clap::{Parser, Subcommand};

/// JSON-LD context processing is allocation-bound: mimalloc more than doubles throughput
/// (`cargo bench -p wellspring-verify`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// No transparent huge pages for this process. Verifying and fuzzing allocate and free
/// memory at a high rate; the allocator hands freed memory back to the system, and with huge
/// pages every fresh 2 MB page is zeroed whole by the kernel when touched again: the fuzzer
/// spent 40 % of its time there (`perf`, `clear_page_erms`). Without them: 1,134 → 1,861
/// cases/s (`wellspring fuzz --seed-dir vectors --cases 8000 --seed 22 --jobs 2`).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flags.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Open, offline-first conformance and interop harness for 1EdTech Open Badges 3.0,
/// CLR 2.0 and CASE 1.0.
///
/// Exit codes: 0 = every check passed, 1 = a check failed, 2 = could not run.
#[derive(Parser)]
#[command(name = "wellspring", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
// Commands taking an Args struct get their help from its doc comment (a doc comment here
// would replace it, examples and all).
enum Command {
    Verify(verify_cmd::VerifyArgs),
    #[command(subcommand)]
    Vectors(vectors_cmd::VectorsCmd),
    Checks(checks_cmd::ChecksArgs),
    /// CASE 1.0: framework integrity checks (`case check`) and the reference provider (`case serve`).
    #[command(subcommand)]
    Case(case_cmd::CaseCmd),
    Certify(certify_cmd::CertifyArgs),
    /// The reference Achievement Hub: an OB 3.0 / CLR 2.0 issuer and Service Provider.
    #[command(subcommand)]
    Hub(hub_cmd::HubCmd),
    Fuzz(fuzz_cmd::FuzzArgs),
    /// The verification core behind a VC-API style endpoint (`verifier serve`).
    #[command(subcommand)]
    Verifier(verifier_cmd::VerifierCmd),
    Matrix(matrix_cmd::MatrixArgs),
    /// The reference Open Digital Wallet: a learner's wallet, Service Consumer and Host.
    #[command(subcommand)]
    Wallet(wallet_cmd::WalletCmd),
    /// The reference Talent Search / ATS: verifies presented credentials, ranks candidates by CASE skills.
    #[command(subcommand)]
    Ats(ats_cmd::AtsCmd),
    Demo(demo_cmd::DemoArgs),
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // documentation tests parse every `wellspring …` line of the READMEs against this CLI
    // without running it (harness/cli/tests/cli_docs.rs)
    if std::env::var_os("WELLSPRING_PARSE_ONLY").is_some() {
        return ExitCode::SUCCESS;
    }
    let code = match cli.command {
        Command::Verify(a) => verify_cmd::run(a),
        Command::Vectors(v) => vectors_cmd::run(v),
        Command::Case(c) => case_cmd::run(c),
        Command::Certify(a) => certify_cmd::run(a),
        Command::Hub(c) => hub_cmd::run(c),
        Command::Fuzz(a) => fuzz_cmd::run(a),
        Command::Verifier(c) => verifier_cmd::run(c),
        Command::Matrix(a) => matrix_cmd::run(a),
        Command::Wallet(c) => wallet_cmd::run(c),
        Command::Ats(c) => ats_cmd::run(c),
        Command::Demo(a) => demo_cmd::run(a),
        Command::Checks(a) => checks_cmd::run(a),
    };
    ExitCode::from(code)
}
