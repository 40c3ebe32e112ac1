//! Test support shared by the Wellspring crates' tests (a dev-dependency only): ChromeDriver
//! for headless-Chromium page tests (Debian's `chromium` and `chromium-driver`, installed by
//! `.ci/run`), a check that a screenshot is not blank, and a purpose-built OB 3.0 / CLR 2.0
//! Service Provider with one switchable defect per check ([`provider`]).

pub mod layout;
pub mod provider;
pub mod tls;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a command is installed (answers `--version`).
pub fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether a browser test should run. Chromium and ChromeDriver installed: yes. Missing: the
/// test fails (a browser test that passes without a browser proves nothing), unless
/// `WELLSPRING_SKIP_BROWSER=1` is set, which skips it with a line on standard error.
pub fn browser_or_explicit_skip() -> bool {
    if have("chromium") && have("chromedriver") {
        return true;
    }
    if std::env::var("WELLSPRING_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED (WELLSPRING_SKIP_BROWSER=1): chromium / chromedriver not installed");
        return false;
    }
    panic!(
        "chromium and chromedriver are needed for this test: apt-get install chromium chromium-driver \
         (.ci/run installs them), or set WELLSPRING_SKIP_BROWSER=1 to skip the browser tests"
    );
}

/// A running ChromeDriver, stopped when dropped.
pub struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts ChromeDriver on a free loopback port and waits until it listens (20 s at most).
pub fn chromedriver() -> (Driver, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Driver(child), port)
}

/// Pixels of a PNG that are not near-white, and distinct colours (coarse).
pub fn ink(png_bytes: &[u8]) -> (usize, usize) {
    let mut r = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    let n = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0;
    for px in buf[..info.buffer_size()].chunks(n) {
        if px[0] < 235 || px[1] < 235 || px[2] < 235 {
            inked += 1;
        }
        colours.insert((px[0] / 16, px[1] / 16, px[2] / 16));
    }
    (inked, colours.len())
}

/// Status code a server answers to a POST of `len` bytes of spaces to `url` (plain `http://`
/// only), sent over a raw socket. A server that refuses an oversized body answers and closes the
/// connection while the client is still writing; an HTTP client library then reports the broken
/// write and never shows the answer. Here the body is written from another thread, write errors
/// are ignored, and the status line is read as soon as it arrives (30 s at most). `None`: the
/// connection closed without a status line.
pub fn post_status(url: &str, headers: &[(&str, &str)], len: usize) -> Option<u16> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("a plain http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = std::net::TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head =
        format!("POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {len}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        if writer.write_all(head.as_bytes()).is_err() {
            return;
        }
        let chunk = [b' '; 16 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(chunk.len());
            if writer.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n;
        }
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !got.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    let line = String::from_utf8_lossy(&got);
    line.split_whitespace().nth(1)?.parse().ok()
}
