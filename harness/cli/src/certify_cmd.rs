//! `wellspring certify`: run a certification suite against a live implementation.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use wellspring_report::{meta, render, DocReport, RunMeta, Signer, StandardRef, Tool};

use crate::claim;
use wellspring_suite_case10::provider;
use wellspring_suite_ob30::issuer::IssuerStandard;
use wellspring_suite_ob30::{consumer, displayer, issuer, provider as sp};

/// Certify an implementation for a role of a standard, acting as its counterpart, and write
/// a report a vendor can hand to a customer.
///
/// Roles:
///   case10|case11 provider        Wellspring is a CASE consumer: TARGET is the provider's base URL (API
///                                 under /ims/case/v1p0, or /ims/case/v1p1 for case11); it walks
///                                 /CFDocuments, every package and object, probes unknown and malformed
///                                 ids on every id endpoint, bad parameters, paging and Link relations,
///                                 sort / filter / fields against what the provider lists, uris, package
///                                 integrity and, for 1.1, the discovery file.
///   case10|case11 consumer        Wellspring is a CASE provider on --listen (a real framework under
///                                 /ims/case/v1p0, or /ims/case/v1p1 with its discovery file for
///                                 case11); point the consumer at the printed base URL; every
///                                 request is recorded and judged (defined endpoints and parameters only,
///                                 a framework's content read, every page read when it pages; with
///                                 --inject-errors, a 429 Retry-After waited out).
///   ob30|clr20 issuer             the credential(s) given with --credential (JSON, VC-JWT, baked PNG/SVG)
///                                 must verify, be issued to conformance@imsglobal.org, use eddsa-rdfc-2022
///                                 or VC-JWT, and (as the live test system asks) be baked.
///   ob30|clr20 displayer          Wellspring serves a valid, an expired and a revoked badge in VC DM 2.0
///                                 and 1.1 form (with their revocation list on --listen) and asks the
///                                 displayer's VC-API verify endpoint (--verify-url) about each.
///   ob30|clr20 service-provider-read|service-provider-write
///                                 Wellspring is the Service Consumer: TARGET is the provider's base URL
///                                 (API under /ims/ob/v3p0 or /ims/clr/v2p0). It reads discovery, registers
///                                 a client, logs in with --login through the provider's HTML login and
///                                 consent forms (authorization code + PKCE), then checks token, scopes,
///                                 getCredentials (schema, verification, paging, since), getProfile,
///                                 refresh, revocation, expiry and the negative cases; the write role
///                                 adds upsertCredential (JSON and JWS, read back and compared) and
///                                 putProfile. --token T runs only the API checks with T.
///   ob30|clr20 service-consumer-read|service-consumer-write
///                                 Wellspring is the provider (discovery, registration, a login page for
///                                 the test account, token, API) on --listen; point the consumer at the
///                                 printed discovery URL; every request it makes is recorded and judged.
///
/// Exit codes: 0 every check passed, 1 a check failed, 2 could not run.
///
/// Examples:
///   wellspring certify --standard case10 --role provider --target http://127.0.0.1:8480 --allow-private-network
///   wellspring certify --standard case11 --role provider --target http://127.0.0.1:8480 --allow-private-network
///   wellspring certify --standard ob30 --role issuer --credential vectors/valid/ob-full.eddsa.json --report out/
///   wellspring certify --standard ob30 --role issuer --credential vectors/valid/ob-full.eddsa.json --report out/ \
///       --sign vendor.jwk
///   wellspring certify --standard ob30 --role service-provider-read --target http://127.0.0.1:8470 \
///       --login learner@example.org:wellspring-demo --allow-private-network --report out/ob30-read
///   wellspring certify --standard clr20 --role service-provider-write --target https://hub.example.edu \
///       --login tester@example.edu:secret --revocation-url https://hub.example.edu/oauth/revoke \
///       --expiry-wait 120 --timeout 20 --report out/clr20-write
///   wellspring certify --standard ob30 --role service-provider-read --target URL --token "$TOKEN"
///   wellspring certify --standard ob30 --role displayer --verify-url http://127.0.0.1:8490/credentials/verify \
///       --allow-private-network
///   wellspring certify --standard ob30 --role service-consumer-read --listen 127.0.0.1:8455 --wait 600
///   wellspring certify --standard case10 --role consumer --listen 127.0.0.1:8456 --wait 300
///   wellspring certify --standard case11 --role consumer --listen 127.0.0.1:8456 --wait 300
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct CertifyArgs {
    /// The standard certified.
    #[arg(long, value_enum)]
    standard: Standard,
    /// The role of the implementation under test.
    #[arg(long, value_enum)]
    role: Role,
    /// Base URL of the implementation (provider roles), e.g. http://127.0.0.1:8480.
    #[arg(long, value_name = "URL")]
    target: Option<String>,
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
    /// Objects fetched at most (CASE provider).
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_items: usize,
    /// Issuer role: the credential(s) the issuer issued to conformance@imsglobal.org.
    #[arg(long = "credential", value_name = "FILE", num_args = 1..)]
    credentials: Vec<PathBuf>,
    /// Displayer role: the displayer's VC-API verify endpoint (POST {"verifiableCredential": …}).
    #[arg(long, value_name = "URL")]
    verify_url: Option<String>,
    /// Displayer and consumer roles: where Wellspring's own server listens.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Displayer and consumer roles: the base URL the implementation reaches Wellspring at
    /// (default http://ADDR).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Provider roles: the test account the provider's login form accepts (USER:PASSWORD).
    #[arg(long, value_name = "USER:PASSWORD")]
    login: Option<String>,
    /// Provider roles: RFC 7009 revocation endpoint (default: revocation_endpoint from the
    /// RFC 8414 metadata at the token URL's origin; skipped when neither exists).
    #[arg(long, value_name = "URL")]
    revocation_url: Option<String>,
    /// Provider roles: wait up to this many seconds for an access token to expire (the
    /// expired-token check is skipped when expires_in is longer).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    expiry_wait: u64,
    /// Provider roles: verify the returned credentials online (did:web / HTTPS keys, status
    /// lists, unknown contexts; bounded by --timeout and 4 MiB). Default: offline (did:key, did:jwk).
    #[arg(long)]
    online: bool,
    /// Consumer roles: how long to wait for the consumer, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    wait: u64,
    /// Consumer roles: the test account the login page accepts (USER:PASSWORD).
    #[arg(long, value_name = "USER:PASSWORD")]
    test_login: Option<String>,
    /// Consumer roles: the consumer claims error handling and the harness judges
    /// `error-handling` (skipped without it). OB/CLR read roles: a 401 and a 429 injected into
    /// getCredentials; CASE: a 429 with Retry-After on the first getCFPackage or getCFItem.
    #[arg(long)]
    inject_errors: bool,
    /// Issuer role: judge validity windows at this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Per-request deadline in seconds (body included).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    timeout: u64,
    /// The target (and what --online fetches) may be on loopback or a private network, e.g. a
    /// server under test on this machine; refused otherwise.
    #[arg(long)]
    allow_private_network: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write the report to DIR: report.html (self-contained), report.json, junit.xml.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Also write DIR/report-claim.json: the result as a Verifiable Credential (VC DM 2.0,
    /// eddsa-rdfc-2022) signed with the Ed25519 JWK in KEYFILE; when KEYFILE does not exist,
    /// a new did:key is made and kept there (mode 0600). `wellspring verify` checks the claim.
    #[arg(long, value_name = "KEYFILE", requires = "report")]
    sign: Option<PathBuf>,
    /// Show evidence (HTTP exchanges) under failed, warned and skipped checks.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Standard {
    Case10,
    Case11,
    Ob30,
    Clr20,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Role {
    Provider,
    Consumer,
    Issuer,
    Displayer,
    ServiceConsumerRead,
    ServiceConsumerWrite,
    ServiceProviderRead,
    ServiceProviderWrite,
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

fn ob_standard(s: Standard) -> IssuerStandard {
    if s == Standard::Clr20 {
        IssuerStandard::Clr20
    } else {
        IssuerStandard::Ob30
    }
}

fn case_provider(a: &CertifyArgs) -> Result<Vec<DocReport>, String> {
    let target = a
        .target
        .clone()
        .ok_or("--target URL is required for the CASE provider role")?;
    let mut opts = provider::Options::new(target);
    if a.standard == Standard::Case11 {
        opts.version = provider::Version::V1p1;
    }
    opts.timeout = Duration::from_secs(a.timeout.max(1));
    opts.allow_private_network = a.allow_private_network;
    opts.max_items = a.max_items;
    opts.auth = if let Some(t) = &a.token {
        provider::Auth::Token(t.clone())
    } else if let Some(c) = &a.client {
        let (id, secret) = c.split_once(':').ok_or("--client must be ID:SECRET")?;
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
    provider::run(&opts).map(|r| vec![r])
}

fn issuer_role(a: &CertifyArgs) -> Result<Vec<DocReport>, String> {
    if a.credentials.is_empty() {
        return Err("--credential FILE is required for the issuer role".into());
    }
    let now = match &a.now {
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|e| format!("--now {t}: {e}"))?
            .with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    };
    let opts = wellspring_verify::Options::offline(now);
    let mut out = Vec::new();
    for f in &a.credentials {
        let bytes = std::fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        out.push(issuer::run(
            ob_standard(a.standard),
            &f.display().to_string(),
            &bytes,
            &opts,
        ));
    }
    Ok(out)
}

fn displayer_role(a: &CertifyArgs) -> Result<Vec<DocReport>, String> {
    let url = a
        .verify_url
        .clone()
        .ok_or("--verify-url URL is required for the displayer role")?;
    let mut o = displayer::Options::new(ob_standard(a.standard), url);
    o.listen = a.listen;
    o.public_base = a.public_url.clone();
    o.timeout = Duration::from_secs(a.timeout.max(1));
    o.allow_private_network = a.allow_private_network;
    displayer::run(&o).map(|r| vec![r])
}

fn consumer_role(a: &CertifyArgs, role: consumer::Role) -> Result<Vec<DocReport>, String> {
    let mut o = consumer::Options::new(ob_standard(a.standard), role);
    o.listen = a.listen;
    o.public_base = a.public_url.clone();
    o.wait = Duration::from_secs(a.wait.max(1));
    o.inject_errors = a.inject_errors;
    if let Some(l) = &a.test_login {
        let (u, p) = l
            .split_once(':')
            .ok_or("--test-login must be USER:PASSWORD")?;
        o.user = u.to_owned();
        o.password = p.to_owned();
    }
    let session = consumer::start(&o)?;
    eprintln!("wellspring certify: the conformance provider is up. Point the consumer at");
    eprintln!("  discovery: {}", session.discovery_url());
    eprintln!("  test login: {} / {}", o.user, o.password);
    eprintln!(
        "  waiting up to {} s; the run ends {} after the consumer's last required call",
        o.wait.as_secs(),
        "shortly"
    );
    Ok(vec![session.wait()])
}

fn case_consumer(a: &CertifyArgs) -> Result<Vec<DocReport>, String> {
    let o = wellspring_suite_case10::consumer::Options {
        listen: a.listen,
        public_base: a.public_url.clone(),
        wait: Duration::from_secs(a.wait.max(1)),
        version: if a.standard == Standard::Case11 {
            provider::Version::V1p1
        } else {
            provider::Version::V1p0
        },
        inject_errors: a.inject_errors,
        ..Default::default()
    };
    let session = wellspring_suite_case10::consumer::start(&o)?;
    eprintln!("wellspring certify: the harness's CASE provider is up. Point the consumer at");
    eprintln!(
        "  base URL: {} (API under {})",
        session.base_url(),
        o.version.base_path()
    );
    eprintln!("  framework: CFDocument {}", session.document_id());
    eprintln!(
        "  waiting up to {} s; the run ends shortly after the consumer has read the framework",
        o.wait.as_secs()
    );
    Ok(vec![session.wait()])
}

fn provider_role(a: &CertifyArgs, role: sp::Role) -> Result<Vec<DocReport>, String> {
    let target = a
        .target
        .clone()
        .ok_or("--target URL is required for the service provider roles")?;
    let mut o = sp::Options::new(ob_standard(a.standard), role, target);
    o.timeout = Duration::from_secs(a.timeout.max(1));
    o.allow_private_network = a.allow_private_network;
    o.token = a.token.clone();
    o.revocation_url = a.revocation_url.clone();
    o.expiry_wait = Duration::from_secs(a.expiry_wait);
    o.verify_online = a.online;
    if let Some(l) = &a.login {
        let (u, p) = l.split_once(':').ok_or("--login must be USER:PASSWORD")?;
        o.login = Some((u.to_owned(), p.to_owned()));
    }
    if o.login.is_none() && o.token.is_none() {
        return Err(
            "give --login USER:PASSWORD (the OAuth flow) or --token T (API checks only)".into(),
        );
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(sp::checks(o.standard, role).len() as u64),
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    let mut progress = |done: usize, total: usize, id: &str| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(id.to_owned());
    };
    let out = sp::run(&o, &mut progress);
    bar.finish_and_clear();
    out.map(|r| vec![r])
}

fn std_id(s: Standard) -> String {
    s.to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

fn standard_ref(s: Standard) -> StandardRef {
    wellspring_matrix::suites::standard_ref(&std_id(s))
        .expect("every --standard value is in the suite table")
}

fn role_name(r: Role) -> String {
    r.to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

fn title(a: &CertifyArgs) -> String {
    let s = standard_ref(a.standard);
    format!(
        "Wellspring certification report — {} {} {}",
        s.name,
        s.version,
        role_name(a.role)
    )
}

/// The product under test, as the run saw it.
fn target(a: &CertifyArgs, reports: &[DocReport]) -> Vec<String> {
    let given = match a.role {
        Role::Issuer => a
            .credentials
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        Role::Displayer => a.verify_url.iter().cloned().collect(),
        // the consumer is whoever connected: the report's subject says where
        Role::ServiceConsumerRead | Role::ServiceConsumerWrite | Role::Consumer => Vec::new(),
        _ => a.target.iter().cloned().collect(),
    };
    if given.is_empty() {
        reports.iter().map(|r| r.subject.clone()).collect()
    } else {
        given
    }
}

/// The options that change verdicts, secrets masked.
fn verdict_options(a: &CertifyArgs) -> BTreeMap<String, serde_json::Value> {
    use serde_json::json;
    let mut o = BTreeMap::new();
    o.insert("online".into(), json!(a.online));
    o.insert(
        "now".into(),
        json!(a.now.clone().unwrap_or_else(|| "clock".into())),
    );
    o.insert("timeout".into(), json!(a.timeout.max(1)));
    let auth = if a.token.is_some() {
        "token"
    } else if a.client.is_some() {
        "client"
    } else if a.login.is_some() {
        "login"
    } else {
        "none"
    };
    o.insert("auth".into(), json!(auth));
    if a.token.is_some() {
        o.insert("token".into(), json!("***"));
    }
    if let Some(c) = &a.client {
        let id = c.split_once(':').map(|(i, _)| i).unwrap_or("");
        o.insert("client".into(), json!(format!("{id}:***")));
        o.insert(
            "clientAuth".into(),
            json!(if a.client_auth == ClientAuth::Basic {
                "basic"
            } else {
                "body"
            }),
        );
    }
    for (k, v) in [("login", &a.login), ("testLogin", &a.test_login)] {
        if let Some(l) = v {
            let user = l.split_once(':').map(|(u, _)| u).unwrap_or("");
            o.insert(k.into(), json!(format!("{user}:***")));
        }
    }
    for (k, v) in [
        ("scope", &a.scope),
        ("tokenUrl", &a.token_url),
        ("revocationUrl", &a.revocation_url),
        ("publicUrl", &a.public_url),
    ] {
        if let Some(v) = v {
            o.insert(k.into(), json!(v));
        }
    }
    match a.role {
        Role::Provider => {
            o.insert("maxItems".into(), json!(a.max_items));
        }
        Role::ServiceProviderRead | Role::ServiceProviderWrite => {
            o.insert("expiryWait".into(), json!(a.expiry_wait));
        }
        Role::ServiceConsumerRead | Role::ServiceConsumerWrite | Role::Consumer => {
            o.insert("wait".into(), json!(a.wait));
        }
        _ => {}
    }
    o
}

/// The command line that ran, secrets masked, with the program as `wellspring`.
pub(crate) fn command_line() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        *first = "wellspring".into();
    }
    meta::masked_command_line(
        &args,
        &["--token", "--client"],
        &["--login", "--test-login"],
    )
}

fn run_meta(
    a: &CertifyArgs,
    reports: &[DocReport],
    started: Instant,
    signer: Option<Signer>,
) -> RunMeta {
    RunMeta {
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        tool: Tool::wellspring(env!("WELLSPRING_COMMIT")),
        standard: standard_ref(a.standard),
        role: role_name(a.role),
        target: target(a, reports),
        options: verdict_options(a),
        duration_ms: started.elapsed().as_millis() as u64,
        command_line: command_line(),
        signer,
    }
}

fn write_report(
    dir: &Path,
    a: &CertifyArgs,
    meta: &RunMeta,
    reports: &[DocReport],
    json: &str,
) -> Result<(), String> {
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    write("report.json", json)?;
    write(
        "report.html",
        &render::certify_html(&title(a), meta, reports),
    )?;
    write("junit.xml", &render::certify_junit(meta, reports))
}

pub fn run(a: CertifyArgs) -> u8 {
    let started = Instant::now();
    // the signing key first: a bad key file is found before the run, not after
    let key = match &a.sign {
        Some(path) => match claim::load_or_create_key(path) {
            Ok(k) => Some(k),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let signer = match key.as_ref().map(claim::signer).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // the suite table says which roles a standard is certified for
    if wellspring_matrix::suites::find(&std_id(a.standard), &role_name(a.role))
        .is_none_or(|s| !s.certify)
    {
        return fail(format!(
            "{} is certified for these roles: {}",
            std_id(a.standard),
            wellspring_matrix::suites::certify_roles(&std_id(a.standard)).join(", ")
        ));
    }
    let result = match (a.standard, a.role) {
        (Standard::Case10, Role::Provider) => case_provider(&a),
        (Standard::Case10, Role::Consumer) => case_consumer(&a),
        (Standard::Case10, _) => Err("CASE 1.0 is certified for the provider and consumer roles".into()),
        (Standard::Case11, Role::Provider) => case_provider(&a),
        (Standard::Case11, Role::Consumer) => case_consumer(&a),
        (Standard::Case11, _) => Err("CASE 1.1 is certified for the provider and consumer roles".into()),
        (_, Role::Consumer) => Err("for OB 3.0 / CLR 2.0 name the consumer role: service-consumer-read or service-consumer-write".into()),
        (_, Role::Provider) => Err("for OB 3.0 / CLR 2.0 name the role: issuer, displayer, service-consumer-read, service-consumer-write, service-provider-read, service-provider-write".into()),
        (_, Role::ServiceProviderRead) => provider_role(&a, sp::Role::Read),
        (_, Role::ServiceProviderWrite) => provider_role(&a, sp::Role::Write),
        (_, Role::Issuer) => issuer_role(&a),
        (_, Role::Displayer) => displayer_role(&a),
        (_, Role::ServiceConsumerRead) => consumer_role(&a, consumer::Role::Read),
        (_, Role::ServiceConsumerWrite) => consumer_role(&a, consumer::Role::Write),
    };
    let reports = match result {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let meta = run_meta(&a, &reports, started, signer);
    let json = serde_json::to_string_pretty(&render::certify_json(&meta, &reports))
        .expect("report serializes");
    if let Some(dir) = &a.report {
        let written = write_report(dir, &a, &meta, &reports, &json).and_then(|_| match &key {
            Some(k) => claim::write_signed(dir, k, &meta, &reports, json.as_bytes()),
            None => Ok(()),
        });
        if let Err(e) = written {
            return fail(e);
        }
    }
    if let Some(path) = &a.junit {
        if let Err(e) = std::fs::write(path, render::certify_junit(&meta, &reports)) {
            return fail(format!("cannot write {}: {e}", path.display()));
        }
    }
    let out = match a.format {
        Format::Human => render::certify_human(&meta, &reports, a.verbose),
        Format::Json => format!("{json}\n"),
    };
    // a closed stdout (e.g. piped into `head`) is not a reason to panic
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush());
    if reports.iter().all(DocReport::passed) {
        0
    } else {
        1
    }
}
