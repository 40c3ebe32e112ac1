//! The CASE consumer suite, CASE 1.0 and 1.1, against purpose-built consumers (plain HTTP clients
//! on loopback): a careful one passes every check; each faulty one fails the check it should.
//! What each showed is kept in `reports/shown/case10.consumer.json` (`case.consumer.*`) and
//! `reports/shown/case11.consumer.json` (`case11.consumer.*`).

use std::time::Duration;

use wellspring_report::shown::Shown;
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_case10::consumer::{self, checks, Options, Version};

/// Runs a consumer that GETs `paths` (relative to the API; `{doc}` is the framework's id and
/// `{item}` its first item's) and returns the suite's report.
fn run(v: Version, paths: &[&str], method: &str) -> DocReport {
    let o = Options {
        wait: Duration::from_secs(20),
        quiet: Duration::from_millis(300),
        version: v,
        ..Options::default()
    };
    let s = consumer::start(&o).unwrap();
    let base = format!("{}{}", s.base_url(), v.base_path());
    let doc = s.document_id();
    let c = reqwest::blocking::Client::new();
    let item = c
        .get(format!("{base}/CFPackages/{doc}"))
        .send()
        .ok()
        .and_then(|r| r.json::<serde_json::Value>().ok())
        .and_then(|p| p["CFItems"][0]["identifier"].as_str().map(str::to_owned))
        .unwrap_or_default();
    // that first look is part of every run except the ones that never come
    for p in paths {
        let url = format!(
            "{base}/{}",
            p.replace("{doc}", &doc).replace("{item}", &item)
        );
        let _ = c.request(method.parse().unwrap(), url).send();
    }
    s.wait()
}

fn verdict(r: &DocReport, id: &str) -> Verdict {
    r.find(id).unwrap_or_else(|| panic!("{id}")).verdict
}

#[test]
fn every_consumer_check_is_shown_failing_and_passing() {
    shown_both_ways(
        Version::V1p0,
        "every_consumer_check_is_shown_failing_and_passing",
        "case10.consumer",
    );
}

#[test]
fn every_1p1_consumer_check_is_shown_failing_and_passing() {
    shown_both_ways(
        Version::V1p1,
        "every_1p1_consumer_check_is_shown_failing_and_passing",
        "case11.consumer",
    );
}

/// The 1.1 harness provider serves the discovery file, and a consumer reading it stays within
/// the defined requests; a consumer asking the 1.0 path of a 1.1 harness reached nothing.
#[test]
fn the_1p1_harness_serves_discovery_and_only_1p1_paths() {
    let r = run(
        Version::V1p1,
        &["discovery/imscasev1p1_openapi3_v1p0.json", "CFItems/{item}"],
        "GET",
    );
    assert!(r.passed(), "{r:#?}");
    assert!(r
        .checks
        .iter()
        .all(|c| c.id.starts_with("case11.consumer.")));
    assert_eq!(r.kind, "CASE 1.1 Service Consumer");
    let o = Options {
        wait: Duration::from_secs(2),
        quiet: Duration::from_millis(200),
        version: Version::V1p1,
        ..Options::default()
    };
    let s = consumer::start(&o).unwrap();
    let api = reqwest::blocking::get(format!(
        "{}/ims/case/v1p1/discovery/imscasev1p1_openapi3_v1p0.json",
        s.base_url()
    ))
    .unwrap()
    .json::<serde_json::Value>()
    .unwrap();
    assert_eq!(
        api["servers"][0]["url"],
        format!("{}/ims/case/v1p1", s.base_url())
    );
    let old =
        reqwest::blocking::get(format!("{}/ims/case/v1p0/CFDocuments", s.base_url())).unwrap();
    assert_eq!(old.status().as_u16(), 404);
    let r = s.wait();
    assert_eq!(
        verdict(&r, "case11.consumer.endpoints"),
        Verdict::Fail,
        "{r:#?}"
    );
}

fn shown_both_ways(v: Version, test: &str, shown_name: &str) {
    let prefix = match v {
        Version::V1p0 => "case.consumer.",
        Version::V1p1 => "case11.consumer.",
    };
    let id_of = |name: &str| format!("{prefix}{name}");
    let by =
        |label: &str| format!("suites/case10/tests/consumer.rs::{test} (consumer that {label})");
    let mut shown = Shown::new();

    let good = run(
        v,
        &[
            "CFDocuments",
            "CFDocuments/{doc}",
            "CFItems/{item}",
            "CFItemAssociations/{item}",
            "CFDocuments?limit=10&offset=0",
        ],
        "GET",
    );
    assert!(good.passed(), "{good:#?}");
    for c in checks::all(v) {
        assert_eq!(verdict(&good, c.id), Verdict::Pass, "{}", c.id);
    }
    shown.record(&by("reads the framework carefully"), &good);

    let faulty: [(&str, &[&str], &str, &str); 3] = [
        (
            "calls an undefined path",
            &["CFPackage/{doc}"],
            "GET",
            "endpoints",
        ),
        (
            "sends a parameter the endpoint does not define",
            &["CFItems/{item}?fields=title"],
            "GET",
            "parameters",
        ),
        (
            "uses a method the API does not define",
            &["CFDocuments"],
            "POST",
            "endpoints",
        ),
    ];
    for (label, paths, method, name) in faulty {
        let id = id_of(name);
        let r = run(v, paths, method);
        assert_eq!(verdict(&r, &id), Verdict::Fail, "{label}: {r:#?}");
        assert_eq!(verdict(&r, &id_of("content")), Verdict::Pass, "{label}");
        shown.record_where(&by(label), &r, |i| i == id);
    }

    // reads only the list: no content
    let o = Options {
        wait: Duration::from_secs(2),
        quiet: Duration::from_millis(200),
        version: v,
        ..Options::default()
    };
    let s = consumer::start(&o).unwrap();
    let _ = reqwest::blocking::get(format!("{}{}/CFDocuments", s.base_url(), v.base_path()));
    let r = s.wait();
    assert_eq!(verdict(&r, &id_of("content")), Verdict::Fail, "{r:#?}");
    assert_eq!(verdict(&r, &id_of("requests")), Verdict::Pass);
    shown.record_where(&by("reads only the document list"), &r, |i| {
        i == id_of("content")
    });

    // never comes
    let o = Options {
        wait: Duration::from_millis(300),
        version: v,
        ..Options::default()
    };
    let r = consumer::start(&o).unwrap().wait();
    assert!(
        r.checks.iter().all(|c| c.verdict == Verdict::Fail),
        "{r:#?}"
    );
    shown.record_where(&by("never comes"), &r, |i| i == id_of("requests"));

    for c in checks::all(v) {
        let s = shown.0.get(c.id);
        assert!(
            s.is_some_and(|s| !s.failing_by.is_empty() && !s.passing_by.is_empty()),
            "{} is not shown both ways",
            c.id
        );
    }
    shown.assert_committed(env!("CARGO_MANIFEST_DIR"), shown_name, test);
}
