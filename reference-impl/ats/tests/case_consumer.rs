//! The ATS as a CASE Service Consumer, certified by the CASE consumer suite (CASE 1.0 and 1.1):
//! its framework client (the one that fetches job and alignment frameworks) reads the
//! harness's provider on loopback, and the suite judges every request it made, error handling
//! included (the harness injects a 429 with Retry-After into its first getCFPackage).

use std::time::Duration;

use wellspring_ats::case::{self, Frameworks};
use wellspring_ats::store::Store;
use wellspring_report::Verdict;
use wellspring_suite_case10::consumer::{self, Options, Version};

fn certify(version: Version) {
    let o = Options {
        wait: Duration::from_secs(20),
        quiet: Duration::from_millis(300),
        version,
        inject_errors: true,
        ..Options::default()
    };
    let session = consumer::start(&o).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let frameworks = Frameworks {
        http: case::http_client(Duration::from_secs(10), true, None).unwrap(),
        store: Store::open(&dir.path().join("ats.sqlite")).unwrap(),
    };
    let doc = session.document_id();
    // the package URL a recruiter gives for a job
    let url = format!(
        "{}{}/CFPackages/{doc}",
        session.base_url(),
        version.base_path()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let p = frameworks.package_at(&url).await.unwrap();
        assert_eq!(p["CFDocument"]["identifier"], doc.as_str());
        // a second look goes through the cache's freshness check
        frameworks.package_at(&url).await.unwrap();
    });
    let r = session.wait();
    for c in &r.checks {
        // the ATS reads packages by id and never lists documents: nothing to page
        let want = if c.id.ends_with(".paging") {
            Verdict::Skip
        } else {
            Verdict::Pass
        };
        assert_eq!(c.verdict, want, "{}: {}", c.id, c.message);
    }
    assert_eq!(r.checks.len(), consumer::checks::all(version).len());
}

#[test]
fn the_ats_framework_client_passes_the_case_1p0_consumer_suite() {
    certify(Version::V1p0);
}

#[test]
fn the_ats_framework_client_passes_the_case_1p1_consumer_suite() {
    certify(Version::V1p1);
}
