//! Test support shared by the Wellspring crates' tests (a dev-dependency only): ChromeDriver
//! for headless-Chromium page tests (Debian's `chromium` and `chromium-driver`, installed by
//! `.ci/run`), and a check that a screenshot is not blank.

pub mod layout;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a command is installed (answers `--version`).
pub fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
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
