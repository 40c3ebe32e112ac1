//! The ATS as a CASE Service Consumer, certified by the CASE consumer suite: its framework
//! client (the one that fetches job and alignment frameworks) reads the harness's provider on
//! loopback, and the suite judges every request it made.

use std::time::Duration;

use wellspring_ats::case::{self, Frameworks};
use wellspring_ats::store::Store;
use wellspring_report::Verdict;
use wellspring_suite_case10::consumer::{self, Options};

#[test]
fn the_ats_framework_client_passes_the_case_consumer_suite() {
    let o = Options {
        wait: Duration::from_secs(20),
        quiet: Duration::from_millis(300),
        ..Options::default()
    };
    let session = consumer::start(&o).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let frameworks = Frameworks {
        http: case::http_client(Duration::from_secs(10), true, None).unwrap(),
        store: Store::open(&dir.path().join("ats.sqlite")).unwrap(),
    };
    let base = session.base_url().to_owned();
    let doc = session.document_id();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let p = frameworks.package(&base, &doc).await.unwrap();
        assert_eq!(p["CFDocument"]["identifier"], doc.as_str());
        // a second look goes through the cache's freshness check
        frameworks.package(&base, &doc).await.unwrap();
    });
    let r = session.wait();
    for c in &r.checks {
        assert_eq!(c.verdict, Verdict::Pass, "{}: {}", c.id, c.message);
    }
    assert_eq!(r.checks.len(), consumer::checks::ALL.len());
}
