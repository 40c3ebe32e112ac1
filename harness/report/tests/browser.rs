//! The certification report's layout, measured in a real headless Chromium (Debian's
//! `chromium` and `chromium-driver`, installed by `.ci/run`) at a desktop (1366×900), a phone
//! (390×844) and the extremes (360 and 1920 px): nothing overflows the page sideways, and
//! every check ID sits on one line inside its cell. A page laid out the old way (a narrow ID
//! column that breaks words, evidence that widens the page) is measured too and must be
//! caught. If the browser cannot start, these tests fail.

mod common;

use wellspring_report::render;
use wellspring_testkit::layout::{browser, measure, Layout};

fn page_url(dir: &std::path::Path, name: &str, html: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, html).unwrap();
    format!("file://{}", p.display())
}

async fn certify_layout(width: u32, height: u32) -> Layout {
    let tmp = tempfile::tempdir().unwrap();
    let html = render::certify_html(
        "Wellspring certification report — Open Badges 3.0 service-provider-write",
        &common::meta(),
        &common::reports(),
    );
    let url = page_url(tmp.path(), "report.html", &html);
    let b = browser(width, height).await;
    let l = measure(&b, &url, "td.id").await;
    let _ = b.client.close().await;
    l
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certify_report_reads_at_desktop_width() {
    let l = certify_layout(1366, 900).await;
    l.assert_readable("1366×900");
    assert_eq!(l.cells.len(), 5, "{l:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certify_report_reads_at_phone_width() {
    let l = certify_layout(390, 844).await;
    l.assert_readable("390×844");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certify_report_reads_at_the_narrowest_and_widest() {
    certify_layout(360, 740).await.assert_readable("360×740");
    certify_layout(1920, 1080)
        .await
        .assert_readable("1920×1080");
}

/// The measurement catches the layout the issue found: an ID column 32 px wide whose IDs
/// break letter by letter, and evidence that pushes the page wider than the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_squeezed_layout_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = format!(
        "<!doctype html><meta name=viewport content='width=device-width'><table><tr>\
         <td class=id style='width:32px;word-break:break-all'><code>ob3.provider.credentials-verify</code></td>\
         <td><pre>{}</pre></td></tr></table>",
        "x".repeat(400)
    );
    let url = page_url(tmp.path(), "bad.html", &bad);
    let b = browser(390, 844).await;
    let l = measure(&b, &url, "td.id").await;
    let _ = b.client.close().await;
    assert!(l.document > l.viewport, "{l:?}");
    assert!(l.cells[0].lines > 1.0, "{l:?}");
    let caught = std::panic::catch_unwind(|| l.assert_readable("bad page"));
    assert!(caught.is_err());
}
