//! Runs every claimed suite against every implementation (bounded concurrency), then the
//! cross-implementation cells: each issuer's credentials verified by our core and by every
//! registered verifier endpoint.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use wellspring_http::guard::{BlockingNet, NetPolicy};
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_case10::provider as case_provider;
use wellspring_suite_ob30::{displayer, issuer, provider as sp};

use crate::model::{InteropCell, Matrix};
use crate::registry::{self, Claim, Implementation};

/// Progress events, for a bar per implementation.
#[derive(Debug, Clone)]
pub enum Event {
    /// An implementation's run starts: how many claims it has.
    Start {
        claims: usize,
    },
    /// One claim started ("standard/role").
    Claim(String),
    /// One claim finished.
    ClaimDone,
    Done,
}

pub type Progress = Arc<dyn Fn(&str, Event) + Send + Sync>;

/// Runs one claim of a provider API suite (OB 3.0 / CLR 2.0 Service Provider). The default is
/// [`provider_suite`]; a caller may plug in another driver.
/// It gets the per-request deadline and whether private networks may be reached.
pub type ApiSuite = Arc<
    dyn Fn(&Implementation, &Claim, Duration, bool) -> Result<Vec<DocReport>, String> + Send + Sync,
>;

#[derive(Clone)]
pub struct Options {
    /// Implementations run at the same time.
    pub jobs: usize,
    /// Per-request deadline given to each suite.
    pub timeout: Duration,
    /// The clock issuer credentials are judged at.
    pub now: chrono::DateTime<chrono::Utc>,
    pub progress: Option<Progress>,
    pub api_suite: Option<ApiSuite>,
    /// Targets (providers, verify endpoints) may be on loopback or a private network; the
    /// guarded client refuses them otherwise (`--allow-private-network`).
    pub allow_private_network: bool,
}

impl Options {
    pub fn new() -> Self {
        Options {
            jobs: 2,
            timeout: Duration::from_secs(20),
            now: chrono::Utc::now(),
            progress: None,
            api_suite: Some(provider_suite()),
            allow_private_network: false,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

fn issuer_std(s: &str) -> issuer::IssuerStandard {
    if s == "clr20" {
        issuer::IssuerStandard::Clr20
    } else {
        issuer::IssuerStandard::Ob30
    }
}

/// The OB 3.0 / CLR 2.0 Service Provider suites: the claim's `target` is the provider's base
/// URL; `[auth] token_env` (a ready access token) or `login_env` (`user:pass` for the
/// provider's sign-in form).
pub fn provider_suite() -> ApiSuite {
    Arc::new(|imp, claim, timeout, allow_private| {
        let role = if claim.role.ends_with("write") {
            sp::Role::Write
        } else {
            sp::Role::Read
        };
        let target = registry::expand(claim.target.as_deref().unwrap_or_default())?;
        if target.is_empty() {
            return Err(format!(
                "{}: the {} claim needs a target URL",
                imp.id, claim.role
            ));
        }
        let mut o = sp::Options::new(issuer_std(&claim.standard), role, target);
        o.timeout = timeout;
        o.allow_private_network = allow_private;
        if let Some(t) = imp.auth.token()? {
            o.token = Some(t);
        } else if let Some(l) = imp.auth.login()? {
            let (u, p) = l
                .split_once(':')
                .ok_or("the test login must be USER:PASSWORD")?;
            o.login = Some((u.to_owned(), p.to_owned()));
        } else {
            return Err(format!(
                "{}: a provider claim needs [auth] login_env or token_env",
                imp.id
            ));
        }
        sp::run(&o, &mut |_, _, _| {}).map(|r| vec![r])
    })
}

/// The files a claim's `credentials` name: files, or every file in a named folder.
pub fn credential_files(imp: &Implementation, claim: &Claim) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for c in &claim.credentials {
        let p = if Path::new(c).is_absolute() {
            PathBuf::from(c)
        } else {
            imp.dir.join(c)
        };
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            v.sort();
            out.extend(v);
        } else if p.is_file() {
            out.push(p);
        } else {
            return Err(format!("credential file {} does not exist", p.display()));
        }
    }
    Ok(out)
}

fn run_claim(imp: &Implementation, claim: &Claim, o: &Options) -> Result<Vec<DocReport>, String> {
    match (claim.standard.as_str(), claim.role.as_str()) {
        (std @ ("case10" | "case11"), "provider") => {
            let target = registry::expand(claim.target.as_deref().unwrap_or_default())?;
            let mut opts = case_provider::Options::new(target);
            if std == "case11" {
                opts.version = case_provider::Version::V1p1;
            }
            opts.timeout = o.timeout;
            opts.allow_private_network = o.allow_private_network;
            if let Some(t) = imp.auth.token()? {
                opts.auth = case_provider::Auth::Token(t);
            } else if let Some(c) = imp.auth.client()? {
                let (id, secret) = c
                    .split_once(':')
                    .ok_or("client credentials must be ID:SECRET")?;
                opts.auth = case_provider::Auth::Client {
                    id: id.into(),
                    secret: secret.into(),
                    token_url: registry::expand(imp.auth.token_url.as_deref().unwrap_or_default())?,
                    basic: true,
                    scope: None,
                };
            }
            case_provider::run(&opts).map(|r| vec![r])
        }
        (std, "displayer") => {
            let url = registry::expand(claim.verify_url.as_deref().unwrap_or_default())?;
            let mut opts = displayer::Options::new(issuer_std(std), url);
            opts.timeout = o.timeout;
            opts.allow_private_network = o.allow_private_network;
            displayer::run(&opts).map(|r| vec![r])
        }
        (std, "issuer") => {
            let files = credential_files(imp, claim)?;
            let opts = wellspring_verify::Options::offline(o.now);
            Ok(files
                .iter()
                .map(|f| {
                    let name = f
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    match std::fs::read(f) {
                        Ok(b) => issuer::run(issuer_std(std), &name, &b, &opts),
                        Err(e) => {
                            let mut r = DocReport::new(name);
                            r.kind = format!("unreadable: {e}");
                            r
                        }
                    }
                })
                .collect())
        }
        (_, "verifier") => Ok(Vec::new()),
        (_, "service-provider-read" | "service-provider-write") => match &o.api_suite {
            Some(s) => s(imp, claim, o.timeout, o.allow_private_network),
            None => Err("the provider API suite is not available in this build".into()),
        },
        (s, r) => Err(format!("{s}/{r} is not a claim the matrix runs")),
    }
}

/// What to send a verifier endpoint: the credential JSON (a baked image is opened first), or
/// the compact JWS as a string.
fn payload(bytes: &[u8]) -> Result<Value, String> {
    let text = if wellspring_verify::baked::is_png(bytes) {
        wellspring_verify::baked::extract_png(bytes)?
    } else {
        let t = String::from_utf8(bytes.to_vec()).map_err(|_| "not UTF-8".to_string())?;
        if t.trim_start().starts_with('<') {
            wellspring_verify::baked::extract_svg(bytes)?
        } else {
            t
        }
    };
    let t = text.trim();
    if t.starts_with('{') {
        serde_json::from_str(t).map_err(|e| format!("not JSON: {e}"))
    } else {
        Ok(Value::String(t.to_owned()))
    }
}

fn ask(client: &BlockingNet, url: &str, vc: &Value) -> (Verdict, String) {
    let body = json!({"verifiableCredential": vc});
    match client.send(reqwest::Method::POST, url, |b| b.json(&body)) {
        Err(e) => (Verdict::Fail, format!("no answer: {e}")),
        Ok(r) => {
            let code = r.status;
            let body: Option<Value> = serde_json::from_slice(&r.body).ok();
            let verified = body
                .as_ref()
                .and_then(|b| b.get("verified"))
                .and_then(Value::as_bool)
                .unwrap_or((200..300).contains(&code));
            if verified {
                (Verdict::Pass, format!("verified (HTTP {code})"))
            } else {
                let why = body
                    .as_ref()
                    .and_then(|b| b.get("errors"))
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                (
                    Verdict::Fail,
                    format!(
                        "not verified (HTTP {code}) {}",
                        why.chars().take(300).collect::<String>()
                    ),
                )
            }
        }
    }
}

/// issuer × verifier cells for the issuers in `subjects`, against every verifier of `all`.
fn interop(subjects: &[Implementation], all: &[Implementation], o: &Options) -> Vec<InteropCell> {
    let verifiers: Vec<(String, String)> = all
        .iter()
        .flat_map(|i| {
            i.claims
                .iter()
                .filter(|c| c.role == "verifier")
                .filter_map(move |c| {
                    c.verify_url
                        .as_deref()
                        .and_then(|u| registry::expand(u).ok())
                        .map(|u| (i.id.clone(), u))
                })
        })
        .collect();
    let client = BlockingNet::new(
        NetPolicy::default()
            .with_timeout(o.timeout)
            .allow_private(o.allow_private_network),
    );
    let mut out = Vec::new();
    for imp in subjects {
        for claim in imp.claims.iter().filter(|c| c.role == "issuer") {
            let Ok(files) = credential_files(imp, claim) else {
                continue;
            };
            for f in files {
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let bytes = std::fs::read(&f).unwrap_or_default();
                let core = wellspring_verify::verify_bytes(
                    &name,
                    &bytes,
                    &wellspring_verify::Options::offline(o.now),
                );
                out.push(InteropCell {
                    issuer: imp.id.clone(),
                    credential: name.clone(),
                    verifier: "wellspring".into(),
                    verdict: if core.passed() {
                        Verdict::Pass
                    } else {
                        Verdict::Fail
                    },
                    message: if core.passed() {
                        "verified by the Wellspring core".into()
                    } else {
                        format!("failed: {}", core.failed_ids().join(", "))
                    },
                });
                let vc = payload(&bytes);
                for (vid, url) in &verifiers {
                    let (verdict, message) = match (&client, &vc) {
                        (Err(e), _) => (Verdict::Fail, format!("HTTP client: {e}")),
                        (_, Err(e)) => (Verdict::Fail, format!("cannot send: {e}")),
                        (Ok(c), Ok(vc)) => ask(c, url, vc),
                    };
                    out.push(InteropCell {
                        issuer: imp.id.clone(),
                        credential: name.clone(),
                        verifier: vid.clone(),
                        verdict,
                        message,
                    });
                }
            }
        }
    }
    out
}

/// Runs `subjects` (a selection or shard of `all`); cross cells use every verifier of `all`.
pub fn run(subjects: &[Implementation], all: &[Implementation], o: &Options) -> Matrix {
    let matrix = Arc::new(Mutex::new(Matrix::new()));
    {
        let mut m = matrix.lock().unwrap();
        for imp in subjects {
            m.add_column(imp);
        }
    }
    let next = Arc::new(AtomicUsize::new(0));
    let jobs = o.jobs.max(1).min(subjects.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let (matrix, next) = (matrix.clone(), next.clone());
            s.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                let Some(imp) = subjects.get(k) else { break };
                let tell = |e: Event| {
                    if let Some(p) = &o.progress {
                        p(&imp.id, e);
                    }
                };
                tell(Event::Start {
                    claims: imp.claims.len(),
                });
                for claim in &imp.claims {
                    let group = format!("{}/{}", claim.standard, claim.role);
                    tell(Event::Claim(group.clone()));
                    let result = run_claim(imp, claim, o);
                    let mut m = matrix.lock().unwrap();
                    match result {
                        Ok(reports) => m.record(&imp.id, &group, &reports),
                        Err(e) => m.error(&imp.id, format!("{group}: {e}")),
                    }
                    drop(m);
                    tell(Event::ClaimDone);
                }
                tell(Event::Done);
            });
        }
    });
    let cells = interop(subjects, all, o);
    let mut m = Arc::try_unwrap(matrix)
        .map(|m| m.into_inner().unwrap())
        .unwrap_or_else(|a| a.lock().unwrap().clone());
    m.interop = cells;
    m.generated = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    m.normalize();
    m
}
