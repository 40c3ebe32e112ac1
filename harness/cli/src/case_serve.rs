//! `wellspring case serve`: run the reference CASE 1.0 / 1.1 provider (crate `wellspring-case-server`).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use wellspring_case_server::{Client, Config};

const EXAMPLES: &str = "\
Examples:
  # the two demo frameworks (a college's Diesel Technology outcomes, an employer's Diesel Technician
  # job skills, crosswalked by exactMatchOf / isRelatedTo associations)
  wellspring case serve --demo

  curl -s http://127.0.0.1:8480/ims/case/v1p0/CFDocuments
  curl -si 'http://127.0.0.1:8480/ims/case/v1p0/CFDocuments?limit=1&offset=1'     # X-Total-Count, Link
  curl -s 'http://127.0.0.1:8480/ims/case/v1p0/CFDocuments?filter=title~%27diesel%27&fields=identifier,title'
  curl -s http://127.0.0.1:8480/ims/case/v1p0/CFPackages/c0115e9e-d1e5-4e11-8c00-000000000000
  curl -s http://127.0.0.1:8480/ims/case/v1p0/CFItemAssociations/c0115e9e-d1e5-4e11-8c01-000000000012
  curl -si http://127.0.0.1:8480/ims/case/v1p0/CFItems/not-a-uuid              # 404, invaliduuid

  # the same frameworks as CASE 1.1, and the 1.1 discovery file
  curl -s http://127.0.0.1:8480/ims/case/v1p1/CFPackages/c0115e9e-d1e5-4e11-8c00-000000000000
  curl -si http://127.0.0.1:8480/ims/case/v1p1/CFItems/not-a-uuid              # 404, invalid_uuid
  curl -s http://127.0.0.1:8480/ims/case/v1p1/discovery/imscasev1p1_openapi3_v1p0.json

  # your own frameworks (CFPackage JSON, e.g. an export of /CFPackages/{id}); kept in the database
  wellspring case serve --db frameworks.sqlite --package math.json --package ela.json

  # behind OAuth 2.0 client credentials
  wellspring case serve --demo --client harness:s3cret
  TOKEN=$(curl -s -u harness:s3cret -d grant_type=client_credentials \\
          http://127.0.0.1:8480/auth/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')
  curl -s -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8480/ims/case/v1p0/CFDocuments";

/// Serve CASE frameworks: the reference provider of the 12 CASE GET endpoints, CASE 1.0 and 1.1
/// side by side.
///
/// Frameworks are kept in an SQLite file (created on first start) and served under
/// BASE-URL/ims/case/v1p0/ (CASE 1.0 shapes; 1.1-only properties left out) and
/// BASE-URL/ims/case/v1p1/ (CASE 1.1, with the discovery file), with imsx_StatusInfo errors and the
/// /CFDocuments query parameters (limit, offset, sort, orderBy, filter, fields) with X-Total-Count
/// and Link headers. Runs until Ctrl-C.
#[derive(Args)]
#[command(after_help = EXAMPLES)]
pub struct ServeArgs {
    /// SQLite database file; created on first start, kept across restarts.
    #[arg(long, value_name = "PATH", default_value = "wellspring-case.sqlite")]
    pub db: PathBuf,
    /// TCP port (0 = any free port).
    #[arg(long, value_name = "P", default_value_t = wellspring_case_server::DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on; 0.0.0.0 or :: to accept connections from other machines.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub listen: IpAddr,
    /// URL clients reach the server at, used for back-links and the demo frameworks' uris
    /// [default: http://LISTEN:PORT].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// CFPackage JSON file to load (upserted by CFDocument identifier); repeatable.
    #[arg(long = "package", value_name = "FILE", num_args = 1..)]
    pub packages: Vec<PathBuf>,
    /// Load the two demo frameworks (their uris are generated under the base URL).
    #[arg(long)]
    pub demo: bool,
    /// Require OAuth 2.0 bearer tokens, issued by POST /auth/token (client_credentials grant,
    /// HTTP Basic or form-body client authentication) to this client; repeatable.
    #[arg(long = "client", value_name = "ID:SECRET", value_parser = parse_client)]
    pub clients: Vec<(String, String)>,
    /// Lifetime of issued tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub token_ttl: u64,
}

fn parse_client(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((id, secret)) if !id.is_empty() && !secret.is_empty() => {
            Ok((id.to_string(), secret.to_string()))
        }
        _ => Err("expected ID:SECRET, both non-empty".to_string()),
    }
}

/// Exit code: 0 after Ctrl-C, 2 when the server could not start.
pub fn run(args: ServeArgs) -> u8 {
    if let Some(b) = &args.base_url {
        if !(b.starts_with("http://") || b.starts_with("https://")) {
            eprintln!("error: --base-url must be an http:// or https:// URL, got '{b}'");
            return 2;
        }
    }
    if args.token_ttl == 0 {
        eprintln!("error: --token-ttl must be at least 1 second");
        return 2;
    }
    let mut config = Config::new(args.db);
    config.listen = args.listen;
    config.port = args.port;
    config.base_url = args.base_url;
    config.packages = args.packages;
    config.demo = args.demo;
    config.clients = args
        .clients
        .into_iter()
        .map(|(id, secret)| Client { id, secret })
        .collect();
    config.token_ttl = Duration::from_secs(args.token_ttl);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 2;
        }
    };
    match runtime.block_on(wellspring_case_server::serve(config)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
