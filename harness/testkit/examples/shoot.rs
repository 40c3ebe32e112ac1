//! Screenshots of pages in headless Chromium at an emulated viewport, for the sample reports
//! (`reports/samples/make.sh`): `shoot WIDTH HEIGHT URL OUT.png [URL OUT.png]…`. It also
//! prints the page's scroll width against the viewport, so a sideways overflow is seen.

use wellspring_testkit::layout::{browser, measure};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 || args.len() % 2 != 0 {
        eprintln!("usage: shoot WIDTH HEIGHT URL OUT.png [URL OUT.png]...");
        std::process::exit(2);
    }
    let (w, h): (u32, u32) = (
        args[0].parse().expect("WIDTH"),
        args[1].parse().expect("HEIGHT"),
    );
    let b = browser(w, h).await;
    for pair in args[2..].chunks(2) {
        let l = measure(&b, &pair[0], "td.id, td.check").await;
        let png = b.client.screenshot().await.expect("screenshot");
        std::fs::write(&pair[1], png).expect("write the screenshot");
        println!(
            "{}: {w}×{h}, page {} px wide in a {} px viewport, {} ID cells",
            pair[1],
            l.document,
            l.viewport,
            l.cells.len()
        );
    }
    let _ = b.client.close().await;
}
