//! The CASE consumer suite against purpose-built consumers (plain HTTP clients on loopback): a
//! careful one passes every check; each faulty one fails the check it should. What each showed
//! is kept in `reports/shown/case10.consumer.json`.

use std::time::Duration;

use wellspring_report::shown::Shown;
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_case10::consumer::{self, checks, Options};

const API: &str = "/ims/case/v1p0";

/// Runs a consumer that GETs `paths` (relative to the API; `{doc}` is the framework's id and
/// `{item}` its first item's) and returns the suite's report.
fn run(paths: &[&str], method: &str) -> DocReport {
    let o = Options {
        wait: Duration::from_secs(20),
        quiet: Duration::from_millis(300),
        ..Options::default()
    };
    let s = consumer::start(&o).unwrap();
    let base = format!("{}{API}", s.base_url());
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
    let test = "every_consumer_check_is_shown_failing_and_passing";
    let by =
        |label: &str| format!("suites/case10/tests/consumer.rs::{test} (consumer that {label})");
    let mut shown = Shown::new();

    let good = run(
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
    for c in checks::ALL {
        assert_eq!(verdict(&good, c.id), Verdict::Pass, "{}", c.id);
    }
    shown.record(&by("reads the framework carefully"), &good);

    let faulty: [(&str, &[&str], &str, &str); 3] = [
        (
            "calls an undefined path",
            &["CFPackage/{doc}"],
            "GET",
            "case.consumer.endpoints",
        ),
        (
            "sends a parameter the endpoint does not define",
            &["CFItems/{item}?fields=title"],
            "GET",
            "case.consumer.parameters",
        ),
        (
            "uses a method the API does not define",
            &["CFDocuments"],
            "POST",
            "case.consumer.endpoints",
        ),
    ];
    for (label, paths, method, id) in faulty {
        let r = run(paths, method);
        assert_eq!(verdict(&r, id), Verdict::Fail, "{label}: {r:#?}");
        assert_eq!(
            verdict(&r, "case.consumer.content"),
            Verdict::Pass,
            "{label}"
        );
        shown.record_where(&by(label), &r, |i| i == id);
    }

    // reads only the list: no content
    let o = Options {
        wait: Duration::from_secs(2),
        quiet: Duration::from_millis(200),
        ..Options::default()
    };
    let s = consumer::start(&o).unwrap();
    let _ = reqwest::blocking::get(format!("{}{API}/CFDocuments", s.base_url()));
    let r = s.wait();
    assert_eq!(
        verdict(&r, "case.consumer.content"),
        Verdict::Fail,
        "{r:#?}"
    );
    assert_eq!(verdict(&r, "case.consumer.requests"), Verdict::Pass);
    shown.record_where(&by("reads only the document list"), &r, |i| {
        i == "case.consumer.content"
    });

    // never comes
    let o = Options {
        wait: Duration::from_millis(300),
        ..Options::default()
    };
    let r = consumer::start(&o).unwrap().wait();
    assert!(
        r.checks.iter().all(|c| c.verdict == Verdict::Fail),
        "{r:#?}"
    );
    shown.record_where(&by("never comes"), &r, |i| i == "case.consumer.requests");

    for c in checks::ALL {
        let s = shown.0.get(c.id);
        assert!(
            s.is_some_and(|s| !s.failing_by.is_empty() && !s.passing_by.is_empty()),
            "{} is not shown both ways",
            c.id
        );
    }
    shown.assert_committed(env!("CARGO_MANIFEST_DIR"), "case10.consumer", test);
}
