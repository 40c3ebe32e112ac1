//! The guarded network layer against real loopback servers. No traffic leaves loopback: the
//! private-range cases are refused before any connection is tried, and a "canary" listener
//! proves that refused loopback requests never connect.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wellspring_http::guard::{self, BlockingNet, Net, NetError, NetPolicy};

/// A listener that must never see a connection.
struct Canary {
    listener: TcpListener,
}

impl Canary {
    fn v4() -> Canary {
        Canary::bind("127.0.0.1:0").expect("loopback")
    }
    fn bind(addr: &str) -> Option<Canary> {
        let listener = TcpListener::bind(addr).ok()?;
        listener.set_nonblocking(true).ok()?;
        Some(Canary { listener })
    }
    fn port(&self) -> u16 {
        self.listener.local_addr().unwrap().port()
    }
    /// The kernel completes handshakes into the backlog even when nobody accepts: an empty
    /// backlog means no connection was ever made.
    fn assert_untouched(&self) {
        match self.listener.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Ok((_, from)) => panic!("the canary got a connection from {from}"),
            Err(e) => panic!("canary: {e}"),
        }
    }
}

/// A loopback HTTP/1.1 server answering every request with `answer(path)` (raw bytes), each
/// connection on its own thread; counts requests.
struct Server {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn start(answer: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> Server {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let answer = Arc::new(answer);
        let h = hits.clone();
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(mut s) = s else { continue };
                let (answer, h) = (answer.clone(), h.clone());
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    let n = s.read(&mut buf).unwrap_or(0);
                    let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    h.fetch_add(1, Ordering::SeqCst);
                    answer(&path, &mut s);
                });
            }
        });
        Server { addr, hits }
    }
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn ok_json(s: &mut TcpStream, body: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn redirect(s: &mut TcpStream, to: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
}

fn strict() -> NetPolicy {
    NetPolicy::default().with_timeout(Duration::from_secs(3))
}

fn local() -> NetPolicy {
    NetPolicy::local().with_timeout(Duration::from_secs(3))
}

#[test]
fn loopback_names_and_literals_are_refused_before_connecting() {
    let canary = Canary::v4();
    let six = Canary::bind("[::1]:0");
    let net = BlockingNet::new(strict()).unwrap();
    let p = canary.port();
    let mut urls = vec![
        format!("http://127.0.0.1:{p}/x"),
        format!("http://localhost:{p}/x"),
        format!("http://127.1:{p}/x"),
        format!("http://2130706433:{p}/x"),
        format!("http://[::ffff:127.0.0.1]:{p}/x"),
        format!("http://0.0.0.0:{p}/x"),
    ];
    if let Some(c) = &six {
        urls.push(format!("http://[::1]:{}/x", c.port()));
    }
    for u in &urls {
        let e = net.get(u, "*/*").unwrap_err();
        assert!(e.is_refused(), "{u}: {e}");
        assert!(e.to_string().contains("--allow-private-network"), "{e}");
    }
    canary.assert_untouched();
    if let Some(c) = &six {
        c.assert_untouched();
    }
    // the same canary is reachable once private networks are allowed: the test can fail
    let open = BlockingNet::new(local().with_timeout(Duration::from_millis(300))).unwrap();
    let _ = open.get(&format!("http://127.0.0.1:{p}/x"), "*/*");
    assert!(
        canary.listener.accept().is_ok(),
        "allowed requests do connect"
    );
}

#[test]
fn private_link_local_and_metadata_literals_are_refused() {
    // refused by the literal check before any connection is tried: no packet leaves the host
    let net = BlockingNet::new(strict()).unwrap();
    for u in [
        "http://10.0.0.1/",
        "http://172.16.5.4:8080/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
    ] {
        let e = net.get(u, "*/*").unwrap_err();
        assert!(e.is_refused(), "{u}: {e}");
        assert_eq!(
            e.public(),
            "refused: the address is on a private or local network"
        );
    }
    for u in ["file:///etc/passwd", "gopher://example.org/", "not a url"] {
        let e = net.get(u, "*/*").unwrap_err();
        assert!(matches!(e, NetError::BadUrl { .. }), "{u}: {e}");
        assert_eq!(e.public(), "not an http(s) URL");
    }
}

#[test]
fn a_redirect_to_a_forbidden_address_is_refused_on_the_hop() {
    let canary = Canary::v4();
    let target = format!("http://127.0.0.1:{}/secret", canary.port());
    let t = target.clone();
    let srv = Server::start(move |_, s| redirect(s, &t));
    // only the redirecting server is exempt: the hop to the canary must be checked again
    let policy = strict().exempt(format!("http://{}", srv.addr));
    let net = BlockingNet::new(policy.clone()).unwrap();
    let e = net.get(&srv.url("/start"), "*/*").unwrap_err();
    assert!(e.is_refused(), "{e}");
    assert_eq!(srv.hits(), 1);
    canary.assert_untouched();
    // a redirect to the metadata address and to a name that resolves to loopback, likewise
    for to in [
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://localhost:{}/x", canary.port()),
    ] {
        let srv = Server::start(move |_, s| redirect(s, &to));
        let net = BlockingNet::new(strict().exempt(format!("http://{}", srv.addr))).unwrap();
        let e = net.get(&srv.url("/start"), "*/*").unwrap_err();
        assert!(e.is_refused(), "{e}");
    }
    canary.assert_untouched();
    // the async client applies the same hop check
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let net = Net::new(policy).unwrap();
    let e = rt.block_on(net.get(&srv.url("/start"), "*/*")).unwrap_err();
    assert!(e.is_refused(), "{e}");
    canary.assert_untouched();
}

#[test]
fn redirects_are_capped_and_followed_within_the_cap() {
    let srv = Server::start(|p, s| {
        let n: usize = p.trim_start_matches("/r").parse().unwrap_or(0);
        if n == 0 {
            ok_json(s, "{\"done\":true}");
        } else {
            redirect(s, &format!("/r{}", n - 1));
        }
    });
    let net = BlockingNet::new(local().with_redirects(3)).unwrap();
    let v = net.get_json(&srv.url("/r3")).unwrap();
    assert_eq!(v["done"], true);
    let e = net.get(&srv.url("/r4"), "*/*").unwrap_err();
    assert!(
        matches!(e, NetError::TooManyRedirects { max: 3, .. }),
        "{e}"
    );
    assert_eq!(e.public(), "too many redirects");
}

fn huge(s: &mut TcpStream, content_length: bool, written: &AtomicUsize) {
    let len = 64 * 1024 * 1024;
    let head = if content_length {
        format!("HTTP/1.1 200 OK\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n")
    } else {
        "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_owned()
    };
    let _ = s.write_all(head.as_bytes());
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..1024 {
        if s.write_all(&chunk).is_err() {
            return;
        }
        written.fetch_add(chunk.len(), Ordering::SeqCst);
    }
}

#[test]
fn bodies_are_capped_while_streaming() {
    for content_length in [true, false] {
        let written = Arc::new(AtomicUsize::new(0));
        let w = written.clone();
        let srv = Server::start(move |_, s| huge(s, content_length, &w));
        let net = BlockingNet::new(local().with_max_bytes(1 << 20)).unwrap();
        let t = Instant::now();
        let e = net.get(&srv.url("/huge"), "*/*").unwrap_err();
        assert!(matches!(e, NetError::TooLarge { status: 200, .. }), "{e}");
        assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
        std::thread::sleep(Duration::from_millis(200));
        let sent = written.load(Ordering::SeqCst);
        assert!(
            sent < 16 * 1024 * 1024,
            "the server wrote {sent} bytes: the body was not cut off"
        );
    }
}

#[test]
fn one_deadline_covers_a_trickled_body() {
    let srv = Server::start(|_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n");
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(100));
            if s.write_all(b"a").is_err() {
                break;
            }
        }
    });
    let policy = local().with_timeout(Duration::from_secs(1));
    let net = BlockingNet::new(policy.clone()).unwrap();
    let t = Instant::now();
    let e = net.get(&srv.url("/slow"), "*/*").unwrap_err();
    assert!(matches!(e, NetError::Timeout { .. }), "{e}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert!(e.to_string().contains("timed out"), "{e}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let t = Instant::now();
    let e = rt
        .block_on(Net::new(policy).unwrap().get(&srv.url("/slow"), "*/*"))
        .unwrap_err();
    assert!(matches!(e, NetError::Timeout { .. }), "{e}");
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn failures_never_echo_the_remote_body() {
    let srv = Server::start(|p, s| {
        let body = if p == "/deep" {
            format!("{}{}", "[".repeat(100), "]".repeat(100))
        } else {
            "SECRET-INTERNAL-DATA".to_owned()
        };
        let status = if p == "/500" { "500 Oops" } else { "200 OK" };
        let _ = write!(
            s,
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    let net = BlockingNet::new(local()).unwrap();
    for (path, kind) in [
        ("/500", "HTTP 500"),
        ("/text", "not JSON"),
        ("/deep", "deeper"),
    ] {
        let e = net.get_json(&srv.url(path)).unwrap_err();
        for m in [e.public(), e.to_string()] {
            assert!(!m.contains("SECRET"), "{m}");
            assert!(!m.contains("[["), "{m}");
        }
        assert!(e.public().contains(kind), "{path}: {}", e.public());
        assert!(!e.public().contains("127.0.0.1"), "{}", e.public());
    }
    // a closed port: the detailed form says why, the public one only the kind
    let gone = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", gone.local_addr().unwrap());
    drop(gone);
    let e = net.get(&url, "*/*").unwrap_err();
    assert_eq!(e.public(), "the server could not be reached");
    assert!(e.to_string().contains("cannot connect"), "{e}");
}

#[test]
fn allowed_private_networks_work_blocking_async_and_as_a_fetch() {
    let srv = Server::start(|_, s| ok_json(s, "{\"ok\":1}"));
    let net = BlockingNet::new(local()).unwrap();
    assert_eq!(net.get_json(&srv.url("/a")).unwrap()["ok"], 1);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let v = rt
        .block_on(Net::new(local()).unwrap().get_json(&srv.url("/b")))
        .unwrap();
    assert_eq!(v["ok"], 1);
    let fetch = guard::fetch_text(local()).unwrap();
    assert_eq!(fetch(&srv.url("/c")).unwrap(), "{\"ok\":1}");
    assert_eq!(srv.hits(), 3);
    // the same fetcher without the allowance: refused, never sent
    let fetch = guard::fetch_text(strict()).unwrap();
    let e = fetch(&srv.url("/d")).unwrap_err();
    assert!(e.contains("refused"), "{e}");
    assert_eq!(srv.hits(), 3);
}

#[test]
fn the_recording_client_is_guarded_too() {
    let canary = Canary::v4();
    let c = wellspring_http::Client::new(strict()).unwrap();
    let e = c
        .get(&format!("http://127.0.0.1:{}/x", canary.port()), None)
        .unwrap_err();
    assert!(e.0.contains("refused"), "{e}");
    assert!(c.last().unwrap().error.is_some());
    canary.assert_untouched();
}
