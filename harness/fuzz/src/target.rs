//! Targets: what a mutant is run through, and what it answered.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wellspring_http::guard::{BlockingNet, NetError, NetPolicy};
use wellspring_verify::{baked, jwt, verify_bytes, Options};

use crate::seed::{Format, SeedOptions};

/// Where mutants go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum TargetSpec {
    /// Wellspring's verification core, in-process (each seed's manifest options).
    Core,
    /// Wellspring's parsers only (baked extraction, JWS split, JSON with a depth bound): the
    /// pipeline up to the proof check. Only crash / hang apply.
    Parse,
    /// A local command; `{}` is the mutant's file. Exit 0 = accepted.
    Cmd(String),
    /// A VC-API verify endpoint: `POST URL {"verifiableCredential": …}`; 200 = accepted.
    Url(String),
    /// An OB 3.0 / CLR 2.0 service provider's upsert endpoint (`POST …/credentials`, bearer
    /// token); 200 / 201 = accepted. The API does not require a provider to verify what it
    /// stores, so only crash / hang / 5xx apply.
    Upsert(String),
    /// The same, for a provider that verifies what it stores (a wallet): the reject oracles
    /// apply too.
    UpsertVerifying(String),
}

impl std::fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetSpec::Core => write!(f, "Wellspring verification core (in-process)"),
            TargetSpec::Parse => write!(f, "Wellspring parsers (in-process)"),
            TargetSpec::Cmd(c) => write!(f, "command `{c}`"),
            TargetSpec::Url(u) => write!(f, "VC-API verify endpoint {u}"),
            TargetSpec::Upsert(u) => write!(f, "upsert endpoint {u}"),
            TargetSpec::UpsertVerifying(u) => {
                write!(f, "upsert endpoint {u} (must refuse what does not verify)")
            }
        }
    }
}

impl TargetSpec {
    /// Does the target judge validity (so that the reject oracles apply)?
    pub fn judges(&self) -> bool {
        !matches!(self, TargetSpec::Parse | TargetSpec::Upsert(_))
    }

    /// The `wellspring fuzz` flags that select it.
    pub fn flags(&self) -> String {
        let q = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        match self {
            TargetSpec::Core => String::new(),
            TargetSpec::Parse => " --target parse".into(),
            TargetSpec::Cmd(c) => format!(" --target-cmd {}", q(c)),
            TargetSpec::Url(u) => format!(" --target-url {}", q(u)),
            TargetSpec::Upsert(u) => format!(" --target-upsert {} --token \"$TOKEN\"", q(u)),
            TargetSpec::UpsertVerifying(u) => format!(
                " --target-upsert {} --upsert-verifies --token \"$TOKEN\"",
                q(u)
            ),
        }
    }
}

/// What the target did with one mutant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Accepted (by the in-process core: passed, with the issuer NOT authenticated).
    Accepted,
    /// Accepted and reported issuer-authenticated ("VERIFIED"). Only targets whose report says
    /// so (the in-process core) answer this; for the others every acceptance is `Accepted`.
    Authenticated,
    Rejected,
    /// Panicked, died by a signal, or (HTTP) stopped answering.
    Crashed(String),
    /// No answer within the timeout.
    Hung,
    /// HTTP 5xx.
    ServerError(u16),
    /// Could not even try (the command could not be started…).
    NotRun(String),
    /// Answered, but only after this long (past the campaign's limit for one case).
    Slow(Duration),
}

impl Answer {
    /// Accepted, issuer authenticated or not.
    pub fn is_accepted(&self) -> bool {
        matches!(self, Answer::Accepted | Answer::Authenticated)
    }

    pub fn word(&self) -> String {
        match self {
            Answer::Accepted => "accepted".into(),
            Answer::Authenticated => "accepted as VERIFIED (issuer authenticated)".into(),
            Answer::Slow(d) => format!("answered, but after {:.1} s", d.as_secs_f64()),
            Answer::Rejected => "rejected".into(),
            Answer::Crashed(m) => format!("crashed: {m}"),
            Answer::Hung => "no answer within the timeout".into(),
            Answer::ServerError(c) => format!("HTTP {c}"),
            Answer::NotRun(m) => format!("not run: {m}"),
        }
    }
}

/// A ready target.
pub struct Target {
    pub spec: TargetSpec,
    pub timeout: Duration,
    /// Command targets: address-space limit for the command (`ulimit -v`), in MiB.
    pub max_memory_mib: u64,
    token: Option<String>,
    http: Option<BlockingNet>,
    scratch: Option<tempfile::TempDir>,
}

/// Largest HTTP answer read (a larger one is judged by its status alone).
const MAX_ANSWER: usize = 1024 * 1024;

impl Target {
    /// `allow_private_network`: HTTP targets may be on loopback or a private network (the
    /// guarded client refuses them otherwise).
    pub fn new(
        spec: TargetSpec,
        timeout: Duration,
        token: Option<String>,
        allow_private_network: bool,
    ) -> Result<Target, String> {
        let http = match spec {
            TargetSpec::Url(_) | TargetSpec::Upsert(_) | TargetSpec::UpsertVerifying(_) => {
                let policy = NetPolicy::default()
                    .with_timeout(timeout)
                    .with_max_bytes(MAX_ANSWER)
                    .with_redirects(0)
                    .allow_private(allow_private_network);
                Some(BlockingNet::new(policy).map_err(|e| format!("HTTP client: {e}"))?)
            }
            _ => None,
        };
        let scratch = match spec {
            TargetSpec::Cmd(_) => Some(
                tempfile::Builder::new()
                    .prefix("wellspring-fuzz-")
                    .tempdir()
                    .map_err(|e| format!("scratch folder: {e}"))?,
            ),
            _ => None,
        };
        Ok(Target {
            spec,
            timeout,
            max_memory_mib: 4096,
            token,
            http,
            scratch,
        })
    }

    /// Runs one mutant. `opts`: the in-process verifier's options for its seed. `slot`: a
    /// per-worker number so that command targets never share a file.
    pub fn run(&self, bytes: &[u8], format: Format, opts: Option<&Options>, slot: usize) -> Answer {
        match &self.spec {
            TargetSpec::Core => {
                let fallback;
                let opts = match opts {
                    Some(o) => o,
                    None => {
                        fallback = SeedOptions {
                            now: chrono::Utc::now().to_rfc3339(),
                            ..SeedOptions::default()
                        }
                        .to_options()
                        .expect("default options");
                        &fallback
                    }
                };
                let name = format!("mutant.{}", format.ext());
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    verify_bytes(&name, bytes, opts)
                })) {
                    // Authenticated by either sign: the relying party's verdict, or a headline
                    // that says VERIFIED without a caveat.
                    Ok(r) if r.passed() && (r.authenticated() || r.headline() == "VERIFIED") => {
                        Answer::Authenticated
                    }
                    Ok(r) if r.passed() => Answer::Accepted,
                    Ok(_) => Answer::Rejected,
                    Err(p) => Answer::Crashed(panic_message(&p)),
                }
            }
            TargetSpec::Parse => match std::panic::catch_unwind(|| parse_front(bytes)) {
                Ok(true) => Answer::Accepted,
                Ok(false) => Answer::Rejected,
                Err(p) => Answer::Crashed(panic_message(&p)),
            },
            TargetSpec::Cmd(cmd) => self.run_cmd(cmd, bytes, format, slot),
            TargetSpec::Url(url) => {
                let text = credential_text(bytes, format);
                let vc = if jwt::looks_like_jws(&text) {
                    serde_json::to_string(text.trim()).expect("a string serializes")
                } else {
                    text
                };
                let body = format!("{{\"verifiableCredential\": {vc}}}");
                self.post(url, body, "application/json", |c| c == 200)
            }
            TargetSpec::Upsert(url) | TargetSpec::UpsertVerifying(url) => {
                let text = credential_text(bytes, format);
                let ct = if jwt::looks_like_jws(&text) {
                    "text/plain"
                } else {
                    "application/json"
                };
                self.post(url, text, ct, |c| c == 200 || c == 201)
            }
        }
    }

    fn post(&self, url: &str, body: String, ct: &str, ok: impl Fn(u16) -> bool) -> Answer {
        let client = self.http.as_ref().expect("HTTP target has a client");
        let sent = client.send(reqwest::Method::POST, url, |mut req| {
            req = req.header("content-type", ct).body(body);
            match &self.token {
                Some(t) => req.bearer_auth(t),
                None => req,
            }
        });
        let code = match sent {
            Ok(r) => r.status,
            Err(NetError::TooLarge { status, .. }) => status,
            Err(NetError::Timeout { .. }) => return Answer::Hung,
            Err(e @ NetError::Refused { .. }) => return Answer::NotRun(e.to_string()),
            Err(e) => return Answer::Crashed(format!("no HTTP answer: {e}")),
        };
        if code >= 500 {
            Answer::ServerError(code)
        } else if ok(code) {
            Answer::Accepted
        } else {
            Answer::Rejected
        }
    }

    fn run_cmd(&self, cmd: &str, bytes: &[u8], format: Format, slot: usize) -> Answer {
        let dir = self
            .scratch
            .as_ref()
            .expect("command target has a scratch folder");
        let path: PathBuf = dir.path().join(format!("mutant-{slot}.{}", format.ext()));
        if let Err(e) = std::fs::write(&path, bytes) {
            return Answer::NotRun(format!("{}: {e}", path.display()));
        }
        let quoted = format!("'{}'", path.display().to_string().replace('\'', r"'\''"));
        let line = if cmd.contains("{}") {
            cmd.replace("{}", &quoted)
        } else {
            format!("{cmd} {quoted}")
        };
        let script = format!(
            "ulimit -v {} 2>/dev/null; {line}",
            self.max_memory_mib * 1024
        );
        let stderr_path = dir.path().join(format!("stderr-{slot}"));
        let Ok(stderr) = std::fs::File::create(&stderr_path) else {
            return Answer::NotRun("cannot create the stderr file".into());
        };
        let child = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .process_group(0)
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => return Answer::NotRun(format!("sh: {e}")),
        };
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break s,
                Ok(None) if start.elapsed() > self.timeout => {
                    // The whole process group (the shell and what it started; `process_group(0)`
                    // made the shell its leader), never anything else.
                    if let Ok(pgid) = i32::try_from(child.id()) {
                        if pgid > 1 {
                            // SAFETY: kill(2) with a negative pid signals exactly that group.
                            unsafe {
                                libc::kill(-pgid, libc::SIGKILL);
                            }
                        }
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                    return Answer::Hung;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(1)),
                Err(e) => return Answer::NotRun(e.to_string()),
            }
        };
        use std::os::unix::process::ExitStatusExt;
        let err_text = std::fs::read(&stderr_path)
            .map(|b| String::from_utf8_lossy(&b[..b.len().min(4096)]).into_owned())
            .unwrap_or_default();
        if let Some(sig) = status.signal() {
            return Answer::Crashed(format!("killed by signal {sig}"));
        }
        match status.code() {
            Some(0) => Answer::Accepted,
            // 101: a Rust panic; 134/139: the shell's report of SIGABRT / SIGSEGV in a child.
            Some(c @ (101 | 134 | 139)) => {
                Answer::Crashed(format!("exit {c}: {}", last_line(&err_text)))
            }
            _ if err_text.contains("panicked at") => Answer::Crashed(last_line(&err_text)),
            Some(127) => Answer::NotRun(format!("command not found: {}", last_line(&err_text))),
            _ => Answer::Rejected,
        }
    }
}

use std::os::unix::process::CommandExt;

fn last_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panic".into())
}

/// The credential text of a mutant (what an HTTP target receives for a baked image).
pub fn credential_text(bytes: &[u8], format: Format) -> String {
    match format {
        Format::Png => baked::extract_png(bytes).unwrap_or_default(),
        Format::Svg => baked::extract_svg(bytes).unwrap_or_default(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Nesting deeper than this is refused by the parse stage (as the verifier's `--max-depth`).
const PARSE_MAX_DEPTH: usize = wellspring_verify::DEFAULT_MAX_DEPTH;

fn too_deep(text: &str) -> bool {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > PARSE_MAX_DEPTH {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The verifier's front end: baked extraction, then a compact JWS split and decoded, or a JSON
/// object parsed under the depth bound. True when a credential object came out.
pub fn parse_front(bytes: &[u8]) -> bool {
    use std::borrow::Cow;
    let text: Cow<str> = if baked::is_png(bytes) {
        match baked::extract_png(bytes) {
            Ok(t) => Cow::Owned(t),
            Err(_) => return false,
        }
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) if t.trim_start().starts_with('<') => match baked::extract_svg(bytes) {
                Ok(t) => Cow::Owned(t),
                Err(_) => return false,
            },
            Ok(t) => Cow::Borrowed(t),
            Err(_) => return false,
        }
    };
    if jwt::looks_like_jws(&text) {
        return jwt::decode(&text).is_ok();
    }
    !too_deep(&text)
        && serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.is_object())
}
