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

/// Runs a consumer claiming error handling: it asks getCFPackage, and after the injected 429
/// asks again `retries` times after `pause` (None: never).
fn run_injected(v: Version, pause: Option<Duration>, retries: usize) -> DocReport {
    let o = Options {
        wait: Duration::from_secs(5),
        quiet: Duration::from_millis(300),
        version: v,
        inject_errors: true,
        ..Options::default()
    };
    let s = consumer::start(&o).unwrap();
    let url = format!(
        "{}{}/CFPackages/{}",
        s.base_url(),
        v.base_path(),
        s.document_id()
    );
    let c = reqwest::blocking::Client::new();
    let first = c.get(&url).send().unwrap();
    assert_eq!(first.status().as_u16(), 429);
    assert_eq!(first.headers()["retry-after"], "1");
    assert_eq!(first.headers()["x-wellspring-injected"], "429");
    if let Some(pause) = pause {
        for _ in 0..retries {
            std::thread::sleep(pause);
            assert_eq!(c.get(&url).send().unwrap().status().as_u16(), 200);
        }
    }
    s.wait()
}

/// getAllCFDocuments is paged as the REST binding says: X-Total-Count, and Link relations a
/// consumer can follow to the last page.
#[test]
fn the_harness_pages_the_document_list() {
    let o = Options {
        wait: Duration::from_secs(5),
        quiet: Duration::from_millis(200),
        ..Options::default()
    };
    let s = consumer::start(&o).unwrap();
    let c = reqwest::blocking::Client::new();
    let mut url = format!("{}/ims/case/v1p0/CFDocuments?limit=1", s.base_url());
    let mut ids = Vec::new();
    for _ in 0..5 {
        let r = c.get(&url).send().unwrap();
        assert_eq!(r.headers()["x-total-count"], "2");
        let link = r.headers()["link"].to_str().unwrap().to_owned();
        let body: serde_json::Value = r.json().unwrap();
        assert_eq!(body["CFDocuments"].as_array().unwrap().len(), 1);
        ids.push(
            body["CFDocuments"][0]["identifier"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        let next = link
            .split(", ")
            .find(|l| l.ends_with("rel=\"next\""))
            .map(|l| l.split(['<', '>']).nth(1).unwrap().to_owned());
        match next {
            Some(n) => url = n,
            None => break,
        }
    }
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    let _ = c
        .get(format!(
            "{}/ims/case/v1p0/CFPackages/{}",
            s.base_url(),
            s.document_id()
        ))
        .send();
    let r = s.wait();
    assert_eq!(verdict(&r, "case.consumer.paging"), Verdict::Pass, "{r:#?}");
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
        // error handling is judged only when claimed (injected)
        let want = if c.id == id_of("error-handling") {
            Verdict::Skip
        } else {
            Verdict::Pass
        };
        assert_eq!(verdict(&good, c.id), want, "{}", c.id);
    }
    shown.record(&by("reads the framework carefully"), &good);

    let faulty: [(&str, &[&str], &str, &str); 4] = [
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
        (
            "reads the first page of documents only",
            &["CFDocuments?limit=1"],
            "GET",
            "paging",
        ),
    ];
    for (label, paths, method, name) in faulty {
        let id = id_of(name);
        let r = run(v, paths, method);
        assert_eq!(verdict(&r, &id), Verdict::Fail, "{label}: {r:#?}");
        assert_eq!(verdict(&r, &id_of("content")), Verdict::Pass, "{label}");
        shown.record_where(&by(label), &r, |i| i == id);
    }

    // claims error handling: waits out the injected 429, or does not
    for (label, pause, retries, want) in [
        (
            "waits out the injected 429",
            Some(Duration::from_millis(1100)),
            1,
            Verdict::Pass,
        ),
        (
            "retries at once after the injected 429",
            Some(Duration::ZERO),
            1,
            Verdict::Fail,
        ),
        ("gives up after the injected 429", None, 0, Verdict::Fail),
    ] {
        let r = run_injected(v, pause, retries);
        assert_eq!(
            verdict(&r, &id_of("error-handling")),
            want,
            "{label}: {r:#?}"
        );
        shown.record_where(&by(label), &r, |i| i == id_of("error-handling"));
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
    // what it never did fails; paging and error handling, judged only when used or claimed, skip
    for c in &r.checks {
        let judged_when_used = c.id == id_of("paging") || c.id == id_of("error-handling");
        let want = if judged_when_used {
            Verdict::Skip
        } else {
            Verdict::Fail
        };
        assert_eq!(c.verdict, want, "{}: {r:#?}", c.id);
    }
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
