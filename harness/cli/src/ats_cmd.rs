//! `wellspring ats ...`: the reference Talent Search / ATS (reference-impl/ats).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use wellspring_ats::server::{self, Config};

const EXAMPLES: &str = "\
Examples:
  # the CASE provider with the diesel demo frameworks, then the ATS with the demo job
  wellspring case serve --demo                       # http://127.0.0.1:8480
  wellspring ats serve --demo                        # http://127.0.0.1:8440
  #   recruiter sign-in: recruiter@example.org / wellspring-demo
  #   job \"Diesel Technician I\": every item of the employer's Diesel Technician job skills

  # candidates: a challenge and domain, then a presentation signed with them (the wallet's Share)
  curl -s http://127.0.0.1:8440/api/jobs/1/apply
  curl -s -H 'Content-Type: application/json' --data @presentation.json http://127.0.0.1:8440/api/jobs/1/applications
  # ...or a CLR bound to the applicant by the e-mail it was issued to
  curl -s --data '{\"credential\": '\"$(cat clr.json)\"', \"email\": \"me@example.org\"}' http://127.0.0.1:8440/api/jobs/1/applications

  # employers: a job from any CASE 1.0 provider (requirements: CFItem identifiers, URIs or codes)
  curl -s -u recruiter@example.org:wellspring-demo -H 'Content-Type: application/json' \\
       -d '{\"title\": \"Brake specialist\", \"packageUrl\": \"http://127.0.0.1:8480/ims/case/v1p0/CFPackages/e3910e9e-d1e5-4e22-9c00-000000000000\", \"requirements\": [\"JS-A.1\"]}' \\
       http://127.0.0.1:8440/api/jobs
  curl -s -u recruiter@example.org:wellspring-demo http://127.0.0.1:8440/api/jobs/1/ranking

  # displayer certification of the ATS's verify endpoint
  wellspring certify --standard ob30 --role displayer --verify-url http://127.0.0.1:8440/credentials/verify --allow-private-network

Every credential is verified (proof, schema, status, dates, recipient: the presentation's holder
or the given e-mail); only verified, bound credentials count. The score follows each
achievement's CASE alignments across frameworks (exactMatchOf x1, isRelatedTo x1/2,
isChildOf / isPartOf from part to whole x1/2) and is blind to names, photos, birth dates,
addresses and institution names.";

#[derive(Subcommand)]
pub enum AtsCmd {
    /// Start the ATS (recruiter pages, candidates' apply page, JSON API, VC-API verify endpoint).
    #[command(after_help = EXAMPLES)]
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// SQLite file (created on first start).
    #[arg(long, value_name = "PATH", default_value = "wellspring-ats.sqlite")]
    db: PathBuf,
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8440")]
    listen: SocketAddr,
    /// Port to listen on, replacing the port of --listen (0 = any free port).
    #[arg(long, value_name = "P")]
    port: Option<u16>,
    /// The URL candidates and recruiters reach the ATS at; also the presentations' domain
    /// (default http://ADDR).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Create the demo recruiter (recruiter@example.org / wellspring-demo) and the demo job
    /// "Diesel Technician I" from the CASE provider at --case-base.
    #[arg(long)]
    demo: bool,
    /// The CASE 1.0 provider of the demo job.
    #[arg(long, value_name = "URL", default_value = server::DEFAULT_CASE_BASE)]
    case_base: String,
    /// Verify without the network (status lists, did:web keys stay unknown and such credentials
    /// do not count). CASE providers are still read.
    #[arg(long)]
    offline: bool,
    /// Deadline of each request to a CASE provider, status list or key host, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 15)]
    timeout: u64,
    /// Trust file: issuer ids and their keys ({"issuers":[{"id":URL,"keys":["z6Mk…"]}]}).
    /// Credentials count as verified only with a key bound to their issuer (by this file, the
    /// issuer's did:key / DID document, or its profile).
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,
    /// Let outbound requests (CASE providers, keys and status lists) reach loopback, private and link-local
    /// addresses. For local test setups only (e.g. a provider on 127.0.0.1); never on a public host.
    #[arg(long)]
    allow_private_network: bool,
}

pub fn run(c: AtsCmd) -> u8 {
    match c {
        AtsCmd::Serve(a) => {
            if !(a.case_base.starts_with("http://") || a.case_base.starts_with("https://")) {
                eprintln!(
                    "wellspring ats: --case-base must be an http(s) URL, got {:?}",
                    a.case_base
                );
                return 2;
            }
            let mut cfg = Config::new(a.db);
            cfg.listen = crate::with_port(a.listen, a.port);
            cfg.public_url = a.public_url;
            cfg.demo = a.demo;
            cfg.case_base = Some(a.case_base);
            cfg.offline = a.offline;
            if let Some(path) = &a.trust {
                match crate::verify_cmd::read_trust(path) {
                    Ok(t) => cfg.trust = t,
                    Err(e) => {
                        eprintln!("wellspring ats: {e}");
                        return 2;
                    }
                }
            }
            cfg.timeout = Duration::from_secs(a.timeout.max(1));
            cfg.allow_private_network = a.allow_private_network;
            crate::serve_until_ctrl_c(
                "ats",
                server::start(cfg),
                |r| {
                    let mut lines = Vec::new();
                    if a.demo {
                        lines.push(format!(
                            "demo recruiter: {} / {}",
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
