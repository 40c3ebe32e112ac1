//! `wellspring verifier serve`: the verification core behind a VC-API style endpoint
//! (crate `wellspring-vcapi`), for displayer certification, fuzzing over HTTP and interop runs.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Subcommand};

const EXAMPLES: &str = "\
Examples:
  wellspring verifier serve                       # http://127.0.0.1:8490/credentials/verify
  curl -s -X POST -H 'Content-Type: application/json' \\
       --data \"{\\\"verifiableCredential\\\": $(cat vectors/valid/ob-minimal.eddsa.json)}\" \\
       http://127.0.0.1:8490/credentials/verify
  # status lists, did:web keys and remote contexts fetched when needed (displayer certification)
  wellspring verifier serve --online
  wellspring certify --standard ob30 --role displayer --verify-url http://127.0.0.1:8490/credentials/verify --allow-private-network

Answer: 200 when the credential verifies, 400 when not, with
  {\"verified\", \"status\": valid|expired|revoked|not-yet-valid|invalid, \"checks\", \"warnings\",
   \"errors\": [{\"id\", \"message\"}], \"display\": {name, description, issuerName, issuedOn, image},
   \"report\": the full check report}";

#[derive(Subcommand)]
pub enum VerifierCmd {
    /// Serve POST /credentials/verify (W3C VC-API style) over the verification core.
    #[command(after_help = EXAMPLES)]
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8490")]
    listen: SocketAddr,
    /// Port to listen on, replacing the port of --listen (0 = any free port).
    #[arg(long, value_name = "P")]
    port: Option<u16>,
    /// Allow the network for status lists, keys (did:web, HTTPS) and contexts not pinned.
    #[arg(long)]
    online: bool,
    /// With --online: also reach loopback, private and link-local addresses (local test setups).
    #[arg(long)]
    allow_private_network: bool,
    /// Per-fetch deadline in seconds when --online (body included).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    timeout: u64,
}

pub fn run(c: VerifierCmd) -> u8 {
    let VerifierCmd::Serve(a) = c;
    let mut opts = wellspring_verify::Options::offline(chrono::Utc::now());
    if a.online {
        let bytes = match crate::fetch::http_fetch_bytes(
            Duration::from_secs(a.timeout.max(1)),
            a.allow_private_network,
        ) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("wellspring verifier: {e}");
                return 2;
            }
        };
        opts = opts.with_network(crate::fetch::http_fetch(bytes));
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wellspring verifier: cannot start the runtime: {e}");
            return 2;
        }
    };
    rt.block_on(async move {
        let listen = crate::with_port(a.listen, a.port);
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("wellspring verifier: cannot listen on {listen}: {e}");
                return 2;
            }
        };
        let addr = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        eprintln!(
            "wellspring verifier: POST http://{addr}/credentials/verify ({}); Ctrl-C stops",
            if a.online {
                "online: status lists and keys fetched"
            } else {
                "offline"
            }
        );
        crate::request_log();
        let app = wellspring_serverkit::harden::layers(
            wellspring_vcapi::router(wellspring_vcapi::Verifier::new(opts)),
            wellspring_serverkit::harden::DEFAULT_TIMEOUT,
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match wellspring_serverkit::harden::serve(listener, app, shutdown).await {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("wellspring verifier: {e}");
                2
            }
        }
    })
}
