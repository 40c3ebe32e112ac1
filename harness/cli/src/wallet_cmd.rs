//! `wellspring wallet serve`: the reference Open Digital Wallet (reference-impl/wallet).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use wellspring_wallet::server::{self, Config};

const EXAMPLES: &str = "\
Examples:
  # a demo learner (learner@example.org / wellspring-demo) holding four demo credentials
  wellspring wallet serve --demo                     # http://127.0.0.1:8460
  # connect it to the reference hub: sign in, Connect, base URL http://127.0.0.1:8470
  wellspring wallet serve --db wallet.sqlite --public-url https://wallet.example.org
  wellspring wallet add-learner --db wallet.sqlite someone@example.org   # password from stdin

The wallet verifies every credential on arrival (status lists and did:web keys are fetched;
--offline keeps it off the network), keeps each exactly as received, and exports it byte for
byte. POST /credentials/verify is the VC-API verify endpoint over the same core.";

#[derive(Subcommand)]
pub enum WalletCmd {
    /// Start the wallet (web pages for learners, provider connections, sharing).
    #[command(after_help = EXAMPLES)]
    Serve(ServeArgs),
    /// Create a learner account (the password is read from stdin or WELLSPRING_PASSWORD).
    AddLearner {
        #[arg(long, value_name = "PATH", default_value = "wellspring-wallet.sqlite")]
        db: PathBuf,
        email: String,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// SQLite file (created on first start).
    #[arg(long, value_name = "PATH", default_value = "wellspring-wallet.sqlite")]
    db: PathBuf,
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8460")]
    listen: SocketAddr,
    /// Port to listen on, replacing the port of --listen (0 = any free port).
    #[arg(long, value_name = "P")]
    port: Option<u16>,
    /// The URL learners and providers reach the wallet at (default http://ADDR).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Create the demo learner with demo credentials.
    #[arg(long)]
    demo: bool,
    /// Verify without the network (status lists, did:web keys stay unknown).
    #[arg(long)]
    offline: bool,
    /// Deadline of each request to a provider, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    timeout: u64,
    /// Trust file: issuer ids and their keys ({"issuers":[{"id":URL,"keys":["z6Mk…"]}]}).
    /// Credentials count as verified only with a key bound to their issuer (by this file, the
    /// issuer's did:key / DID document, or its profile).
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,
    /// Let outbound requests (providers, share targets, keys and status lists) reach loopback, private and link-local
    /// addresses. For local test setups only (e.g. a provider on 127.0.0.1); never on a public host.
    #[arg(long)]
    allow_private_network: bool,
}

pub fn run(c: WalletCmd) -> u8 {
    match c {
        WalletCmd::AddLearner { db, email } => {
            let password = match std::env::var("WELLSPRING_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    if std::io::stdin().read_line(&mut line).is_err() {
                        eprintln!("wellspring wallet: cannot read the password from stdin");
                        return 2;
                    }
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            match wellspring_wallet::store::Store::open(&db)
                .and_then(|s| s.add_learner(&email, &password))
            {
                Ok(_) => {
                    println!("learner {email} created in {}", db.display());
                    0
                }
                Err(e) => {
                    eprintln!("wellspring wallet: {e}");
                    2
                }
            }
        }
        WalletCmd::Serve(a) => {
            let mut cfg = Config::new(a.db);
            cfg.listen = crate::with_port(a.listen, a.port);
            cfg.public_url = a.public_url;
            cfg.demo = a.demo;
            cfg.offline = a.offline;
            if let Some(path) = &a.trust {
                match crate::verify_cmd::read_trust(path) {
                    Ok(t) => cfg.trust = t,
                    Err(e) => {
                        eprintln!("wellspring wallet: {e}");
                        return 2;
                    }
                }
            }
            cfg.timeout = Duration::from_secs(a.timeout.max(1));
            cfg.allow_private_network = a.allow_private_network;
            crate::serve_until_ctrl_c(
                "wallet",
                server::start(cfg),
                |r| {
                    let mut lines = Vec::new();
                    if a.demo {
                        lines.push(format!(
                            "demo learner: {} / {}",
                            server::DEMO_EMAIL,
                            server::DEMO_PASSWORD
                        ));
                    }
                    (r.base_url.clone(), lines)
                },
                |r| r.stop(),
            )
        }
    }
}
