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
  # revoke an issued credential: its bit in the status list /status/1 is set
  curl -H 'Authorization: Bearer wellspring-demo-admin' -H 'Content-Type: application/json' \\
      -d '{\"credentialId\":\"urn:uuid:…\",\"reason\":\"issued in error\"}' http://127.0.0.1:8470/admin/revoke
  wellspring hub revoke --db hub.sqlite --credential-id urn:uuid:… --reason 'issued in error'

Discovery: /ims/ob/v3p0/discovery and /ims/clr/v2p0/discovery. Issuer: /issuer,
/.well-known/did.json, /.well-known/jwks.json. Revocation: every credential issued carries a
BitstringStatusListEntry into the signed list at /status/1 (131,072 entries, random indexes).
Everything acknowledged is in the SQLite file (WAL, synchronous=FULL) and survives a crash.";

const REVOKE_EXAMPLES: &str = "\
Examples:
  # the credential ids are in the hub's answers to POST /admin/results (issued[].credentialId)
  # and in each credential's \"id\"
  wellspring hub revoke --db hub.sqlite --credential-id urn:uuid:0b6f3c1e-4d2a-4c7e-9a51-2f0e8d7c6b5a \\
      --reason 'issued in error'
  # the same over HTTP, while the hub runs with an admin token
  curl -H \"Authorization: Bearer $WELLSPRING_HUB_ADMIN_TOKEN\" -H 'Content-Type: application/json' \\
      -d '{\"credentialId\":\"urn:uuid:…\",\"reason\":\"issued in error\"}' https://hub.example.edu/admin/revoke

The credential's bit in the hub's status list is set for good (revoking again changes nothing;
there is no un-revoke). A running hub on the same file serves the new list at its next
GET /status/1; clients that cached the old one (Cache-Control: max-age=60) see it within a
minute. A CLR keeps its id when it is reissued, so a revoked CLR stays revoked. Exit 0 when
revoked (or already revoked), 1 when no credential issued by this hub has that id, 2 when the
database cannot be read.";

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
    /// Revoke a credential the hub issued: set its bit in the status list (/status/1).
    #[command(after_help = REVOKE_EXAMPLES)]
    Revoke {
        /// The hub's SQLite file (it must exist).
        #[arg(long, value_name = "PATH", default_value = "wellspring-hub.sqlite")]
        db: PathBuf,
        /// The id of the credential (its `id`, `urn:uuid:…`).
        #[arg(long, value_name = "ID")]
        credential_id: String,
        /// Why (kept in the database; not published in the list).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
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
    /// Bearer token of POST /admin/results and /admin/revoke (or env WELLSPRING_HUB_ADMIN_TOKEN).
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
        HubCmd::Revoke {
            db,
            credential_id,
            reason,
        } => revoke(&db, &credential_id, reason.as_deref()),
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
                        format!("status list: {}", r.hub.status_list_url()),
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
                        Some(_) => "admin API on (POST /admin/results, POST /admin/revoke)".into(),
                        None => "admin API off (no --admin-token)".into(),
                    });
                    (base.clone(), lines)
                },
                |r| r.stop(),
            )
        }
    }
}

fn revoke(db: &std::path::Path, credential_id: &str, reason: Option<&str>) -> u8 {
    if !db.is_file() {
        eprintln!(
            "wellspring hub: {} does not exist (give the hub's database with --db)",
            db.display()
        );
        return 2;
    }
    let store = match wellspring_hub::store::Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wellspring hub: {e}");
            return 2;
        }
    };
    match store.revoke(credential_id, reason) {
        Ok(Some(r)) => {
            let e = &r.entry;
            if r.already {
                println!(
                    "{} was already revoked (status list index {}, {}{})",
                    e.credential_id,
                    e.index,
                    e.revoked_at.as_deref().unwrap_or("earlier"),
                    e.reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                );
            } else {
                println!(
                    "{} revoked: bit {} of the status list /status/1 is set",
                    e.credential_id, e.index
                );
            }
            0
        }
        Ok(None) => {
            eprintln!(
                "wellspring hub: no credential issued by the hub in {} has the id {:?}",
                db.display(),
                credential_id.trim()
            );
            1
        }
        Err(e) => {
            eprintln!("wellspring hub: {e}");
            2
        }
    }
}
