//! `wellspring hub ...`: the reference Achievement Hub (reference-impl/hub).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use wellspring_hub::issue::IssuerDid;
use wellspring_hub::server::{self, Config};

const EXAMPLES: &str = "\
Examples:
  # demo catalog (Diesel Technology outcomes aligned to the CASE demo framework), the demo
  # learner learner@example.org / wellspring-demo holding DT.1 (JSON), DT.2 (VC-JWT) and a CLR
  wellspring hub serve --demo                        # http://127.0.0.1:8470
  wellspring certify --standard ob30 --role service-provider-write --target http://127.0.0.1:8470 \\
      --login learner@example.org:wellspring-demo --allow-private-network
  # results from the LMS: when every course outcome of an achievement is satisfied, it is issued
  curl -H 'Authorization: Bearer wellspring-demo-admin' -H 'Content-Type: application/json' \\
      -d '{\"learner\":\"learner@example.org\",\"satisfied\":[\"c0115e9e-d1e5-4e11-8c01-000000000009\",\"c0115e9e-d1e5-4e11-8c01-000000000010\"]}' \\
      http://127.0.0.1:8470/admin/results
  # production-like: own database, public HTTPS URL, admin token from the environment
  WELLSPRING_HUB_ADMIN_TOKEN=... wellspring hub serve --db hub.sqlite --public-url https://hub.example.edu
  wellspring hub add-learner --db hub.sqlite someone@example.org      # password from stdin

Discovery: /ims/ob/v3p0/discovery and /ims/clr/v2p0/discovery. Issuer: /issuer,
/.well-known/did.json, /.well-known/jwks.json. Everything acknowledged is in the SQLite file
(WAL, synchronous=FULL) and survives a crash.";

#[derive(Subcommand)]
pub enum HubCmd {
    /// Start the hub (OB 3.0 / CLR 2.0 issuer and Service Provider).
    #[command(after_help = EXAMPLES)]
    Serve(ServeArgs),
    /// Create a learner account (the password is read from stdin or WELLSPRING_PASSWORD).
    AddLearner {
        #[arg(long, value_name = "PATH", default_value = "wellspring-hub.sqlite")]
        db: PathBuf,
        /// Display name of the learner.
        #[arg(long)]
        name: Option<String>,
        email: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DidArg {
    Key,
    Web,
}

#[derive(Args)]
pub struct ServeArgs {
    /// SQLite file (created on first start).
    #[arg(long, value_name = "PATH", default_value = "wellspring-hub.sqlite")]
    db: PathBuf,
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8470")]
    listen: SocketAddr,
    /// Port to listen on, replacing the port of --listen (0 = any free port).
    #[arg(long, value_name = "P")]
    port: Option<u16>,
    /// The URL clients reach the hub at (default http://ADDR).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Demo catalog and learner; admin token defaults to wellspring-demo-admin.
    #[arg(long)]
    demo: bool,
    /// Bearer token of POST /admin/results (or env WELLSPRING_HUB_ADMIN_TOKEN).
    #[arg(long, value_name = "TOKEN")]
    admin_token: Option<String>,
    /// Base URL of the CASE provider the achievements align to.
    #[arg(long, value_name = "URL", default_value = server::DEFAULT_CASE_URL)]
    case_url: String,
    /// Issuer identifier: did:key (verifiable offline) or did:web of the public URL.
    #[arg(long, value_enum, default_value = "key")]
    issuer_did: DidArg,
    /// Access token lifetime in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    token_ttl: u64,
}

fn read_password() -> Option<String> {
    if let Ok(p) = std::env::var("WELLSPRING_PASSWORD") {
        return Some(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    Some(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub fn run(c: HubCmd) -> u8 {
    match c {
        HubCmd::AddLearner { db, name, email } => {
            let Some(password) = read_password() else {
                eprintln!("wellspring hub: cannot read the password from stdin");
                return 2;
            };
            match wellspring_hub::store::Store::open(&db)
                .and_then(|s| s.add_learner(&email, &password, name.as_deref()))
            {
                Ok(_) => {
                    println!(
                        "learner {} created in {}",
                        email.trim().to_lowercase(),
                        db.display()
                    );
                    0
                }
                Err(e) => {
                    eprintln!("wellspring hub: {e}");
                    1
                }
            }
        }
        HubCmd::Serve(a) => {
            let mut cfg = Config::new(a.db);
            cfg.listen = crate::with_port(a.listen, a.port);
            cfg.public_url = a.public_url;
            cfg.demo = a.demo;
            cfg.admin_token = a
                .admin_token
                .or_else(|| std::env::var("WELLSPRING_HUB_ADMIN_TOKEN").ok())
                .filter(|t| !t.is_empty());
            cfg.case_url = a.case_url;
            cfg.issuer_did = match a.issuer_did {
                DidArg::Key => IssuerDid::Key,
                DidArg::Web => IssuerDid::Web,
            };
            cfg.access_ttl = Duration::from_secs(a.token_ttl.max(1));
            crate::serve_until_ctrl_c(
                "hub",
                server::start(cfg),
                |r| {
                    let base = &r.base_url;
                    let mut lines = vec![
                        format!("OB 3.0 discovery:  {base}/ims/ob/v3p0/discovery"),
                        format!("CLR 2.0 discovery: {base}/ims/clr/v2p0/discovery"),
                        format!("issuer: {}", r.hub.issuer.id),
                    ];
                    if a.demo {
                        lines.push(format!(
                            "demo learner: {} / {}",
                            server::DEMO_EMAIL,
                            server::DEMO_PASSWORD
                        ));
                    }
                    lines.push(match &r.admin_token {
                        Some(t) if a.demo && t == server::DEMO_ADMIN_TOKEN => {
                            format!("admin token: {t} (demo default)")
                        }
                        Some(_) => "admin API on (POST /admin/results)".into(),
                        None => "admin API off (no --admin-token)".into(),
                    });
                    (base.clone(), lines)
                },
                |r| r.stop(),
            )
        }
    }
}
