//! The HTML matrix renders in a real headless Chromium, offline: a screenshot of the page is
//! taken and must not be blank. Chromium is Debian's `chromium` (installed by `.ci/run`); the
//! test says so and stops when it is missing, so a developer without it still runs the rest.

use std::path::Path;
use std::process::Command;

use wellspring_matrix::{registry, run};

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Pixels that are neither white nor near-white, and distinct colours seen.
fn ink(png_path: &Path) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0;
    for px in buf[..info.buffer_size()].chunks(channels) {
        let (r, g, b) = (px[0], px[1.min(channels - 1)], px[2.min(channels - 1)]);
        if r < 240 || g < 240 || b < 240 {
            inked += 1;
        }
        colours.insert((r / 16, g / 16, b / 16));
    }
    (inked, colours.len())
}

#[test]
fn matrix_page_renders_offline_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!(
            "SKIPPED: no chromium on this machine (apt-get install chromium); .ci/run installs it"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("reg");
    std::fs::create_dir_all(&reg).unwrap();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors");
    std::fs::write(
        reg.join("issuer.toml"),
        format!(
            "name = \"Issuer\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"issuer\"\ncredentials = [\"{}\", \"{}\"]\n",
            vectors.join("valid/ob-full.eddsa.json").display(),
            vectors.join("invalid/ob3.recipient.email-mismatch.json").display()
        ),
    )
    .unwrap();
    let all = registry::load_dir(&reg).unwrap();
    let mut o = run::Options::new();
    o.allow_private_network = true;
    let m = run::run(&all, &all, &o);
    let out = tmp.path().join("report");
    wellspring_matrix::write_reports(&m, &out, "Matrix under test").unwrap();
    let shot = tmp.path().join("shot.png");
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            // offline: any attempt to reach the network fails the load
            "--proxy-server=127.0.0.1:9",
            "--window-size=1200,900",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("matrix.html").display()))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let (inked, colours) = ink(&shot);
    assert!(
        inked > 20_000,
        "screenshot nearly blank: {inked} inked pixels"
    );
    assert!(colours > 8, "screenshot has only {colours} colours");
}
