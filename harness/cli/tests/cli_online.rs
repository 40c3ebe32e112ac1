//! `wellspring verify --online` against real HTTP servers started by each test on loopback.
//!
//! Every server binds 127.0.0.1:0; every document a test builds names only that address, and
//! the credentials fetched online carry no other remote reference (did:key issuers, pinned or
//! loopback contexts, no status list or schema elsewhere). Proxy variables are removed from
//! the child's environment so a request for 127.0.0.1 cannot be sent anywhere else.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00Z";

/// Any run that takes longer than this is treated as hung: the child is killed and the test fails.
const HANG_LIMIT: Duration = Duration::from_secs(40);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn vector_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join("vectors").join(rel)).expect("committed vector")
}

// ---------------------------------------------------------------------------------------------
// A small HTTP/1.1 server on loopback.

/// What the server does with a request for one path.
#[derive(Clone)]
enum Reply {
    /// 200 with this content type and body.
    Body(&'static str, Vec<u8>),
    /// An empty response with this status line (e.g. "500 Internal Server Error").
    Status(&'static str),
    /// 302 to this location.
    Redirect(String),
    /// 200 with `len` bytes of body, written in chunks, announced by Content-Length or not.
    /// The outcome (bytes written, whether all were written) is sent on the server's channel.
    Huge { len: u64, content_length: bool },
    /// Accept and never answer (the connection stays open).
    Silent,
    /// Headers, then one body byte every 250 ms, for ever.
    Trickle,
    /// These bytes as the whole response, then close.
    Raw(Vec<u8>),
}

type Routes = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

struct Server {
    addr: SocketAddr,
    /// Paths requested so far, in order.
    log: Arc<Mutex<Vec<String>>>,
    /// One entry per `Reply::Huge` served: (bytes written, every byte written).
    huge: mpsc::Receiver<(u64, bool)>,
}

impl Server {
    fn start(routes: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        assert!(
            addr.ip().is_loopback(),
            "test servers listen on loopback only"
        );
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let routes: Routes = Arc::new(routes);
        let log2 = log.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(stream) = conn else { continue };
                let (routes, log, tx) = (routes.clone(), log2.clone(), tx.clone());
                thread::spawn(move || answer(stream, &*routes, &log, &tx));
            }
        });
        Server {
            addr,
            log,
            huge: rx,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

/// Reads a request head; None if the peer sent none in time.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn answer(
    mut stream: TcpStream,
    routes: &dyn Fn(&str) -> Reply,
    log: &Mutex<Vec<String>>,
    tx: &mpsc::Sender<(u64, bool)>,
) {
    let Some(head) = read_head(&mut stream) else {
        return;
    };
    let path = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("")
        .to_owned();
    log.lock().unwrap().push(path.clone());
    match routes(&path) {
        Reply::Body(ctype, body) => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
        Reply::Status(line) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {line}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Reply::Redirect(to) => {
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Reply::Huge {
            len,
            content_length,
        } => {
            let mut headers = String::from(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n",
            );
            if content_length {
                headers.push_str(&format!("Content-Length: {len}\r\n"));
            }
            headers.push_str("\r\n");
            let _ = stream.write_all(headers.as_bytes());
            let chunk = vec![b' '; 64 * 1024];
            let mut written = 0u64;
            let mut complete = true;
            while written < len {
                let n = chunk.len().min((len - written) as usize);
                if stream.write_all(&chunk[..n]).is_err() {
                    complete = false;
                    break;
                }
                written += n as u64;
            }
            let _ = tx.send((written, complete));
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Reply::Silent => thread::sleep(Duration::from_secs(60)),
        Reply::Trickle => {
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n{",
            );
            for _ in 0..240 {
                thread::sleep(Duration::from_millis(250));
                if stream.write_all(b" ").is_err() {
                    break;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary.

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn report(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `wellspring ARGS` with no proxy configured, killing it (and failing) after HANG_LIMIT.
fn wellspring(args: &[&str]) -> Run {
    wellspring_within(HANG_LIMIT, args)
}

/// Runs `wellspring ARGS` with no proxy configured, killing it (and failing) after `limit`.
fn wellspring_within(limit: Duration, args: &[&str]) -> Run {
    let start = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wellspring"));
    cmd.args(args)
        .current_dir(repo())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost");
    for v in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(v);
    }
    let mut child = cmd.spawn().expect("start wellspring");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_t = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("wellspring {args:?} still running after {limit:?}: hung");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_t.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_t.join().unwrap()).into_owned();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("wellspring {args:?} killed by a signal; stderr:\n{stderr}"));
    assert!(
        !stderr.contains("panicked"),
        "wellspring {args:?} panicked:\n{stderr}"
    );
    Run {
        code,
        stdout,
        stderr,
        elapsed,
    }
}

/// The verdict and message of check `id` in the first input of a JSON report.
fn check(report: &Value, id: &str) -> (String, String) {
    let checks = report["inputs"][0]["checks"]
        .as_array()
        .expect("inputs[0].checks");
    let c = checks
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"));
    (
        c["verdict"].as_str().unwrap().to_owned(),
        c["message"].as_str().unwrap_or_default().to_owned(),
    )
}

// ---------------------------------------------------------------------------------------------
// A credential served over HTTP as the input.

#[test]
fn url_input_is_fetched_and_verified() {
    let body = vector_bytes("valid/ob-minimal.eddsa.json");
    let srv = Server::start(move |p| match p {
        "/cred.json" => Reply::Body("application/json", body.clone()),
        _ => Reply::Status("404 Not Found"),
    });
    let url = srv.url("/cred.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &url,
    ]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let rep = r.report();
    assert_eq!(rep["verified"], true);
    assert_eq!(rep["inputs"][0]["subject"], url.as_str());
    assert_eq!(check(&rep, "ob3.proof.eddsa-rdfc-2022").0, "pass");
    assert_eq!(srv.requests(), vec!["/cred.json".to_owned()]);
}

/// Without --allow-private-network the guarded layer refuses loopback before connecting: the
/// server sees no request and the message says how to allow it.
#[test]
fn url_input_on_loopback_is_refused_without_allow_private_network() {
    let body = vector_bytes("valid/ob-minimal.eddsa.json");
    let srv = Server::start(move |_| Reply::Body("application/json", body.clone()));
    let url = srv.url("/cred.json");
    let r = wellspring(&["verify", "--online", "--now", NOW, &url]);
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains("refused") && r.stderr.contains("--allow-private-network"),
        "{}",
        r.stderr
    );
    assert!(srv.requests().is_empty(), "the server was asked");
}

#[test]
fn url_input_tampered_credential_fails_its_check() {
    let body = vector_bytes("invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json");
    let srv = Server::start(move |_| Reply::Body("application/ld+json", body.clone()));
    let url = srv.url("/tampered.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &url,
    ]);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    let rep = r.report();
    assert_eq!(rep["verified"], false);
    assert_eq!(check(&rep, "ob3.proof.eddsa-rdfc-2022").0, "fail");
}

#[test]
fn url_input_404_is_a_usage_error() {
    let srv = Server::start(|_| Reply::Status("404 Not Found"));
    let url = srv.url("/missing.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        &url,
    ]);
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains(&url),
        "stderr names the URL:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("404"),
        "stderr gives the status:\n{}",
        r.stderr
    );
}

/// A baked PNG is a documented INPUT kind, and with --online an INPUT may be a URL; the PNG's
/// bytes are binary, so fetching one must not require UTF-8.
#[test]
fn url_input_baked_png_is_verified() {
    let body = vector_bytes("valid/baked.eddsa.png");
    let srv = Server::start(move |_| Reply::Body("image/png", body.clone()));
    let url = srv.url("/badge.png");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &url,
    ]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert_eq!(check(&r.report(), "ob3.baked.png").0, "pass");
}

// ---------------------------------------------------------------------------------------------
// Hostile servers: each run ends quickly with exit 1 or 2 and says why.

fn assert_refused(r: &Run, url: &str, why: &[&str]) {
    assert_eq!(
        r.code, 2,
        "a URL input that cannot be fetched is a usage error; stdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    assert!(
        r.stderr.contains("cannot fetch") && r.stderr.contains(url),
        "stderr names the URL:\n{}",
        r.stderr
    );
    let lower = r.stderr.to_lowercase();
    assert!(
        why.iter().any(|w| lower.contains(w)),
        "stderr should say why (one of {why:?}):\n{}",
        r.stderr
    );
    assert!(
        r.stdout.is_empty(),
        "no report for an input never read:\n{}",
        r.stdout
    );
}

fn huge_body(content_length: bool) {
    const LEN: u64 = 50 * 1024 * 1024;
    let srv = Server::start(move |_| Reply::Huge {
        len: LEN,
        content_length,
    });
    let url = srv.url("/huge.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        &url,
    ]);
    assert_refused(&r, &url, &["larger than", "too large"]);
    assert!(r.elapsed < Duration::from_secs(15), "took {:?}", r.elapsed);
    // The client stopped reading long before the end: the server could not write it all. A
    // client that buffered the whole body would have let every byte through.
    let (written, complete) = srv
        .huge
        .recv_timeout(Duration::from_secs(20))
        .expect("the server finished writing");
    assert!(
        !complete && written < 20 * 1024 * 1024,
        "the server wrote {written} of {LEN} bytes (complete: {complete}): the body was not cut off"
    );
}

#[test]
fn hostile_50mb_body_with_content_length_is_refused() {
    huge_body(true);
}

#[test]
fn hostile_50mb_body_without_content_length_is_refused() {
    huge_body(false);
}

#[test]
fn hostile_silent_server_times_out() {
    let srv = Server::start(|_| Reply::Silent);
    let url = srv.url("/silent.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--timeout",
        "2",
        "--now",
        NOW,
        &url,
    ]);
    assert_refused(&r, &url, &["error sending request", "timed out", "timeout"]);
    assert!(
        r.elapsed >= Duration::from_millis(1500) && r.elapsed < Duration::from_secs(15),
        "--timeout 2 should end the run after about 2 s; took {:?}",
        r.elapsed
    );
    assert_eq!(srv.requests(), vec!["/silent.json".to_owned()]);
}

/// The message should say the request timed out, not only that sending it failed.
#[test]
fn hostile_silent_server_message_says_timed_out() {
    let srv = Server::start(|_| Reply::Silent);
    let url = srv.url("/silent.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--timeout",
        "2",
        "--now",
        NOW,
        &url,
    ]);
    assert_refused(&r, &url, &["timed out", "timeout"]);
}

/// `--timeout` is documented as the network timeout per request: a server that sends the
/// headers, then one byte every 250 ms, must not keep the run going past it.
#[test]
fn hostile_trickling_server_times_out() {
    let srv = Server::start(|_| Reply::Trickle);
    let url = srv.url("/slow.json");
    let r = wellspring_within(
        Duration::from_secs(20),
        &[
            "verify",
            "--online",
            "--allow-private-network",
            "--timeout",
            "2",
            "--now",
            NOW,
            &url,
        ],
    );
    assert_refused(&r, &url, &["timed out", "timeout", "error"]);
    assert!(
        r.elapsed < Duration::from_secs(15),
        "a body trickled byte by byte must not outlast --timeout; took {:?}",
        r.elapsed
    );
}

#[test]
fn hostile_redirect_loop_is_refused() {
    let srv = Server::start(|p| Reply::Redirect(p.to_owned()));
    let url = srv.url("/loop.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        &url,
    ]);
    assert_refused(&r, &url, &["redirect"]);
    assert!(r.elapsed < Duration::from_secs(15), "took {:?}", r.elapsed);
    let n = srv.requests().len();
    assert!(
        (2..=10).contains(&n),
        "redirects are followed a few times, then given up: {n} requests"
    );
}

#[test]
fn hostile_500_is_refused() {
    let srv = Server::start(|_| Reply::Status("500 Internal Server Error"));
    let url = srv.url("/err.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        &url,
    ]);
    assert_refused(&r, &url, &["500"]);
}

#[test]
fn hostile_non_utf8_body_fails_parse() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| 0x80 | (i.wrapping_mul(37) as u8))
        .collect();
    assert!(std::str::from_utf8(&garbage).is_err());
    let srv = Server::start(move |_| Reply::Body("application/json", garbage.clone()));
    let url = srv.url("/garbage.json");
    // Fetched fine, so it is judged: not UTF-8, PNG or SVG is a failed parse check (exit 1).
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &url,
    ]);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let (verdict, message) = check(&r.report(), "ob3.parse.json");
    assert_eq!(verdict, "fail");
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn hostile_truncated_body_is_refused() {
    let srv = Server::start(|_| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{\"@context\": [".to_vec(),
        )
    });
    let url = srv.url("/cut.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        &url,
    ]);
    assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cannot fetch") && r.stderr.contains(&url),
        "{}",
        r.stderr
    );
    assert!(r.elapsed < Duration::from_secs(15), "took {:?}", r.elapsed);
}

#[test]
fn hostile_not_http_is_refused() {
    let srv =
        Server::start(|_| Reply::Raw(b"\x00\xffSSH-2.0-definitely-not-http\r\n\r\n".to_vec()));
    let url = srv.url("/what.json");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        &url,
    ]);
    assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cannot fetch") && r.stderr.contains(&url),
        "{}",
        r.stderr
    );
    assert!(r.elapsed < Duration::from_secs(15), "took {:?}", r.elapsed);
}

#[test]
fn hostile_body_that_is_not_json_fails_parse() {
    // Fetched fine, but not a credential: a verification failure (exit 1), not a usage error.
    let srv =
        Server::start(|_| Reply::Body("text/html", b"<html><body>hello</body></html>".to_vec()));
    let url = srv.url("/page.html");
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &url,
    ]);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let rep = r.report();
    assert_eq!(rep["verified"], false);
    let fails: Vec<&str> = rep["inputs"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "fail")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!fails.is_empty(), "{rep:#}");
}

// ---------------------------------------------------------------------------------------------
// Remote @context and status list fetched online while verifying.

/// An unsigned VC 1.1 OpenBadgeCredential (VC 1.1 has no @vocab, so an undefined term is
/// dropped by expansion and reported) whose subject uses `favouriteColour`, a term only the
/// loopback context defines.
fn credential_with_context(ctx_url: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ctx_url
        ],
        "id": "urn:uuid:6c0f9a43-2d55-4b0e-9d35-0e3f3c1d7a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "did:example:wellspring-test-issuer",
            "type": ["Profile"],
            "name": "Loopback Test Issuer"
        },
        "issuanceDate": "2025-01-01T00:00:00Z",
        "name": "Loopback context badge",
        "credentialSubject": {
            "id": "did:example:wellspring-test-learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:1d5d0f0e-8d0c-4f7c-8a55-3d1b1a0c2b44",
                "type": ["Achievement"],
                "criteria": {"narrative": "Serve a context on loopback."},
                "description": "A test achievement.",
                "name": "Loopback context"
            },
            "favouriteColour": "green"
        }
    })
}

fn write_temp(dir: &tempfile::TempDir, name: &str, v: &Value) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p.to_string_lossy().into_owned()
}

fn context_server(defines_term: bool) -> Server {
    let ctx = if defines_term {
        json!({"@context": {"favouriteColour": "https://wellspring.test/vocab#favouriteColour"}})
    } else {
        json!({"@context": {"somethingElse": "https://wellspring.test/vocab#somethingElse"}})
    };
    let body = serde_json::to_vec(&ctx).unwrap();
    Server::start(move |p| match p {
        "/ctx.json" => Reply::Body("application/ld+json", body.clone()),
        _ => Reply::Status("404 Not Found"),
    })
}

#[test]
fn remote_context_offline_is_unknown() {
    let srv = context_server(true);
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        &dir,
        "cred.json",
        &credential_with_context(&srv.url("/ctx.json")),
    );
    let r = wellspring(&["verify", "--now", NOW, "--format", "json", &file]);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    let rep = r.report();
    let (v, msg) = check(&rep, "ob3.context.known");
    assert_eq!(v, "fail", "{msg}");
    assert!(
        msg.contains(&srv.url("/ctx.json")),
        "names the context: {msg}"
    );
    assert!(msg.contains("--online"), "says how to fetch it: {msg}");
    assert_eq!(check(&rep, "ob3.context.terms").0, "skip");
    assert!(
        srv.requests().is_empty(),
        "offline means no request: {:?}",
        srv.requests()
    );
}

#[test]
fn remote_context_online_is_fetched_and_defines_the_term() {
    let srv = context_server(true);
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        &dir,
        "cred.json",
        &credential_with_context(&srv.url("/ctx.json")),
    );
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &file,
    ]);
    let rep = r.report();
    let (v, msg) = check(&rep, "ob3.context.known");
    assert_eq!(v, "warn", "{msg}");
    assert!(
        msg.contains(&srv.url("/ctx.json")),
        "names the context: {msg}"
    );
    let (v, msg) = check(&rep, "ob3.context.terms");
    assert_eq!(v, "pass", "{msg}");
    assert!(srv.requests().iter().any(|p| p == "/ctx.json"));
    // Unsigned: the run as a whole still fails, on the proof only.
    assert_eq!(r.code, 1);
    assert_eq!(check(&rep, "ob3.proof.present").0, "fail");
}

#[test]
fn remote_context_online_without_the_term_fails_terms() {
    let srv = context_server(false);
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        &dir,
        "cred.json",
        &credential_with_context(&srv.url("/ctx.json")),
    );
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &file,
    ]);
    assert_eq!(r.code, 1);
    let rep = r.report();
    assert_eq!(check(&rep, "ob3.context.known").0, "warn");
    let (v, msg) = check(&rep, "ob3.context.terms");
    assert_eq!(v, "fail", "{msg}");
    assert!(msg.contains("favouriteColour"), "names the term: {msg}");
}

#[test]
fn remote_context_from_a_silent_server_fails_within_the_timeout() {
    let srv = Server::start(|_| Reply::Silent);
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        &dir,
        "cred.json",
        &credential_with_context(&srv.url("/ctx.json")),
    );
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--timeout",
        "2",
        "--now",
        NOW,
        "--format",
        "json",
        &file,
    ]);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    assert!(r.elapsed < Duration::from_secs(15), "took {:?}", r.elapsed);
    let (v, msg) = check(&r.report(), "ob3.context.terms");
    assert_eq!(v, "fail", "{msg}");
    assert!(
        msg.contains(&srv.url("/ctx.json")),
        "names the context: {msg}"
    );
}

#[test]
fn remote_context_larger_than_the_limit_fails() {
    let srv = Server::start(|_| Reply::Huge {
        len: 50 * 1024 * 1024,
        content_length: true,
    });
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(
        &dir,
        "cred.json",
        &credential_with_context(&srv.url("/ctx.json")),
    );
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &file,
    ]);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    assert!(r.elapsed < Duration::from_secs(15), "took {:?}", r.elapsed);
    let (v, msg) = check(&r.report(), "ob3.context.terms");
    assert_eq!(v, "fail", "{msg}");
    assert!(msg.contains("larger than"), "{msg}");
}

/// An unsigned credential whose 1EdTechRevocationList lives on loopback.
fn credential_with_status(list_url: &str, id: &str) -> Value {
    let mut c = credential_with_context("https://w3id.org/security/data-integrity/v1");
    c["id"] = json!(id);
    c["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("favouriteColour");
    c["credentialStatus"] = json!({"id": list_url, "type": "1EdTechRevocationList"});
    c
}

#[test]
fn status_list_fetched_online_reports_revocation() {
    let revoked = "urn:uuid:0b7e6f3e-4f7a-4c83-9b0e-6a1f0f4c9e01";
    let active = "urn:uuid:0b7e6f3e-4f7a-4c83-9b0e-6a1f0f4c9e02";
    let list = json!({
        "id": "http://127.0.0.1/status/list",
        "issuer": "did:example:wellspring-test-issuer",
        "revokedCredential": [
            {"id": revoked, "revoked": true, "revocationReason": "loopback test"}
        ]
    });
    let body = serde_json::to_vec(&list).unwrap();
    let srv = Server::start(move |p| match p {
        "/status/list" => Reply::Body("application/json", body.clone()),
        _ => Reply::Status("500 Internal Server Error"),
    });
    let dir = tempfile::tempdir().unwrap();
    let list_url = srv.url("/status/list");
    let f_revoked = write_temp(
        &dir,
        "revoked.json",
        &credential_with_status(&list_url, revoked),
    );
    let f_active = write_temp(
        &dir,
        "active.json",
        &credential_with_status(&list_url, active),
    );
    let f_down = write_temp(
        &dir,
        "down.json",
        &credential_with_status(&srv.url("/status/broken"), active),
    );

    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &f_revoked,
    ]);
    let (v, msg) = check(&r.report(), "ob3.status");
    assert_eq!(v, "fail", "{msg}");
    assert!(
        msg.contains("revoked") && msg.contains("loopback test"),
        "{msg}"
    );

    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &f_active,
    ]);
    let (v, msg) = check(&r.report(), "ob3.status");
    assert_eq!(v, "pass", "{msg}");

    // An unreachable list is never "not revoked".
    let r = wellspring(&[
        "verify",
        "--online",
        "--allow-private-network",
        "--now",
        NOW,
        "--format",
        "json",
        &f_down,
    ]);
    let (v, msg) = check(&r.report(), "ob3.status");
    assert_ne!(v, "pass", "{msg}");
    assert!(msg.contains("500"), "{msg}");

    // Offline, the list is not fetched at all.
    let before = srv.requests().len();
    let r = wellspring(&["verify", "--now", NOW, "--format", "json", &f_revoked]);
    let (v, msg) = check(&r.report(), "ob3.status");
    assert_ne!(v, "pass", "{msg}");
    assert!(
        msg.contains("--status-file") || msg.contains("--online"),
        "{msg}"
    );
    assert_eq!(srv.requests().len(), before);
}
