//! The HTML matrix in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
//! installed by `.ci/run`), offline, at a desktop (1366×900) and a phone (390×844) width:
//! the page never scrolls sideways (the tables scroll inside their own box), every check ID
//! sits on one line inside its cell, and the page is not blank. If the browser cannot
//! start, the test fails.

use std::path::Path;

use wellspring_matrix::{registry, run};
use wellspring_testkit::ink;
use wellspring_testkit::layout::{browser, measure};

fn matrix_page(dir: &Path) -> String {
    let reg = dir.join("reg");
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
    let out = dir.join("report");
    wellspring_matrix::write_reports(&m, &out, "Matrix under test").unwrap();
    format!("file://{}", out.join("matrix.html").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_page_reads_offline_at_desktop_and_phone_widths() {
    let tmp = tempfile::tempdir().unwrap();
    // the matrix run uses blocking HTTP clients: off the async runtime
    let dir = tmp.path().to_owned();
    let url = tokio::task::spawn_blocking(move || matrix_page(&dir))
        .await
        .unwrap();
    for (w, h) in [(1366, 900), (390, 844)] {
        let b = browser(w, h).await;
        let l = measure(&b, &url, "td.check").await;
        l.assert_readable(&format!("matrix at {w}×{h}"));
        assert!(l.cells.len() > 3, "{l:?}");
        let shot = b.client.screenshot().await.unwrap();
        let _ = b.client.close().await;
        let (inked, colours) = ink(&shot);
        assert!(
            inked > 20_000,
            "{w}×{h}: screenshot nearly blank: {inked} inked pixels"
        );
        assert!(
            colours > 8,
            "{w}×{h}: screenshot has only {colours} colours"
        );
    }
}
