//! The provider suite over real HTTP on loopback: the reference CASE server (demo frameworks,
//! a temp SQLite file) passes; faulty providers (a proxy in front of it that breaks one thing)
//! fail exactly the check they should.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::time::Duration;

use common::*;
use serde_json::Value;
use wellspring_report::Verdict;
use wellspring_suite_case10::provider::{self, checks, Auth, Version};

#[test]
fn reference_server_passes_every_check() {
    let server = Server::demo(None, Vec::new());
    let r = provider::run(&opts(&server.url())).expect("suite runs");
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    let ids: Vec<_> = r.checks.iter().map(|c| c.id).collect();
    let all: Vec<_> = checks::ALL.iter().map(|c| c.id).collect();
    assert_eq!(ids, all);
    for c in &r.checks {
        match c.id {
            "case.provider.auth" => {
                assert_eq!(c.verdict, Verdict::Skip);
                assert!(c.message.contains("public provider"), "{}", c.message);
            }
            _ => assert_eq!(c.verdict, Verdict::Pass, "{}", show(&r)),
        }
    }
    let schema = r.find("case.provider.schema").unwrap();
    assert!(schema.message.contains("flattened"), "{}", schema.message);
    assert_eq!(
        r.nested.len(),
        2,
        "one nested integrity report per CFPackage"
    );
}

#[test]
fn max_items_bounds_the_walk() {
    let server = Server::demo(None, Vec::new());
    let mut o = opts(&server.url());
    o.max_items = 5;
    let r = provider::run(&o).expect("suite runs");
    let ep = r.find("case.provider.endpoints").unwrap();
    assert!(ep.message.contains("max-items"), "{}", show(&r));
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
}

#[test]
fn client_credentials_pass_auth_basic_and_body() {
    let server = Server::demo(None, harness_client());
    for basic in [true, false] {
        let mut o = opts(&server.url());
        o.auth = client_auth(&server, "s3cret-value", basic);
        let r = provider::run(&o).expect("suite runs");
        assert_eq!(
            verdict(&r, "case.provider.auth"),
            Verdict::Pass,
            "{}",
            show(&r)
        );
        assert!(r.failed_ids().is_empty(), "{}", show(&r));
        let json = serde_json::to_string(&wellspring_report::render::json(&[r])).unwrap();
        assert!(
            !json.contains("s3cret-value"),
            "secret leaked into the report"
        );
    }
}

#[test]
fn missing_or_wrong_credentials_fail_auth() {
    let server = Server::demo(None, harness_client());
    let r = provider::run(&opts(&server.url())).expect("suite runs");
    assert_eq!(r.failed_ids(), vec!["case.provider.auth"], "{}", show(&r));

    let mut o = opts(&server.url());
    o.auth = client_auth(&server, "wrong", true);
    let r = provider::run(&o).expect("suite runs");
    assert_eq!(r.failed_ids(), vec!["case.provider.auth"], "{}", show(&r));
    let json = serde_json::to_string(&wellspring_report::render::json(&[r])).unwrap();
    assert!(!json.contains("\"wrong\""), "secret leaked: {json}");

    let mut o = opts(&server.url());
    o.auth = Auth::Token("not-a-token".into());
    let r = provider::run(&o).expect("suite runs");
    assert!(
        r.failed_ids().contains(&"case.provider.auth"),
        "{}",
        show(&r)
    );
    let json = serde_json::to_string(&wellspring_report::render::json(&[r])).unwrap();
    assert!(!json.contains("not-a-token"), "token leaked");
    assert!(json.contains("Bearer ****"));
}

#[test]
fn token_passes_auth() {
    let server = Server::demo(None, harness_client());
    let token: Value = serde_json::from_str(
        &reqwest::blocking::Client::new()
            .post(format!("{}/auth/token", server.url()))
            .basic_auth("harness", Some("s3cret-value"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .unwrap()
            .text()
            .unwrap(),
    )
    .unwrap();
    let mut o = opts(&server.url());
    o.auth = Auth::Token(token["access_token"].as_str().unwrap().to_owned());
    let r = provider::run(&o).expect("suite runs");
    assert_eq!(
        verdict(&r, "case.provider.auth"),
        Verdict::Pass,
        "{}",
        show(&r)
    );
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
}

#[test]
fn dead_or_silent_target_cannot_run() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = provider::run(&opts(&format!("http://127.0.0.1:{port}"))).unwrap_err();
    assert!(e.contains("cannot fetch"), "{e}");

    // accepts, never answers: the deadline ends it
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    let mut o = opts(&format!("http://{addr}"));
    o.timeout = Duration::from_secs(1);
    let t = std::time::Instant::now();
    let e = provider::run(&o).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(5), "{e}");

    assert!(provider::run(&opts("ftp://example.org")).is_err());
    assert!(provider::run(&opts("not a url")).is_err());
}

#[test]
fn passthrough_proxy_passes() {
    let r = faulty(Fault::None);
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    assert_eq!(
        verdict(&r, "case.provider.uris"),
        Verdict::Pass,
        "{}",
        show(&r)
    );
}

#[test]
fn empty_200_for_unknown_ids_fails_unknown_id() {
    let r = faulty(Fault::UnknownEmpty200);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.unknown-id"],
        "{}",
        show(&r)
    );
}

#[test]
fn missing_paging_headers_fail_paging() {
    let r = faulty(Fault::NoPaging);
    assert_eq!(r.failed_ids(), vec!["case.provider.paging"], "{}", show(&r));
    let c = r.find("case.provider.paging").unwrap();
    assert!(c.message.contains("X-Total-Count"), "{}", c.message);
}

#[test]
fn undeclared_field_fails_declared() {
    let r = faulty(Fault::ExtraField);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.declared"],
        "{}",
        show(&r)
    );
    let c = r.find("case.provider.declared").unwrap();
    let ev = serde_json::to_string(&c.evidence).unwrap();
    assert!(ev.contains("extraProperty"), "{ev}");
    assert!(ev.contains("GET http://127.0.0.1"), "{ev}");
}

#[test]
fn html_content_type_fails_content_type() {
    let r = faulty(Fault::Html);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.content-type"],
        "{}",
        show(&r)
    );
}

#[test]
fn uri_to_another_object_fails_uris() {
    let r = faulty(Fault::WrongUri);
    assert_eq!(r.failed_ids(), vec!["case.provider.uris"], "{}", show(&r));
}

#[test]
fn malformed_id_as_400_fails_malformed_id() {
    let r = faulty(Fault::Malformed400);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.malformed-id"],
        "{}",
        show(&r)
    );
}

#[test]
fn ignored_bad_parameter_fails_bad_parameter() {
    let r = faulty(Fault::BadParamIgnored);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.bad-parameter"],
        "{}",
        show(&r)
    );
}

#[test]
fn schema_violation_fails_schema() {
    let r = faulty(Fault::SchemaViolation);
    assert_eq!(r.failed_ids(), vec!["case.provider.schema"], "{}", show(&r));
    let ev = serde_json::to_string(&r.find("case.provider.schema").unwrap().evidence).unwrap();
    assert!(ev.contains("/title"), "{ev}");
}

#[test]
fn broken_endpoint_fails_endpoints() {
    let r = faulty(Fault::ConceptsBroken);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.endpoints"],
        "{}",
        show(&r)
    );
}

#[test]
fn missing_rubrics_only_warn() {
    let r = faulty(Fault::NoRubrics);
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    assert_eq!(
        verdict(&r, "case.provider.rubrics"),
        Verdict::Warn,
        "{}",
        show(&r)
    );
}

#[test]
fn broken_rubrics_fail() {
    let r = faulty(Fault::RubricsBroken);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.rubrics"],
        "{}",
        show(&r)
    );
}

#[test]
fn package_integrity_failures_are_nested() {
    let r = faulty(Fault::DuplicateIds);
    let failed = r.failed_ids();
    assert!(
        failed.contains(&"case.provider.package-integrity"),
        "{}",
        show(&r)
    );
    assert!(failed.contains(&"case.package.identifiers"), "{}", show(&r));
    assert!(
        failed
            .iter()
            .all(|id| *id == "case.provider.package-integrity" || id.starts_with("case.package.")),
        "{}",
        show(&r)
    );
    assert!(r.nested.iter().any(|n| !n.passed()));
}

/// A raw server answering every request with `response`.
fn raw(response: &'static str) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = read_head(&mut s);
            let _ = s.write_all(response.replace("{ADDR}", &addr.to_string()).as_bytes());
        }
    });
    format!("http://{addr}")
}

#[test]
fn hostile_targets_end_cleanly() {
    // redirect loop: bounded, reported, no panic
    let t = raw("HTTP/1.1 302 Found\r\nLocation: http://{ADDR}/again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let e = provider::run(&opts(&t)).unwrap_err();
    assert!(e.contains("redirect"), "{e}");
    // not HTTP at all
    let t = raw("garbage\r\n\r\n");
    assert!(provider::run(&opts(&t)).is_err());
    // a body over the bound
    let t = raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n");
    let mut o = opts(&t);
    o.max_body = 1024;
    o.timeout = Duration::from_secs(2);
    let r = provider::run(&o);
    assert!(r.is_err(), "{r:?}");
    // 200 with HTML instead of a document list
    let t = raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\nConnection: close\r\n\r\n<html>");
    let r = provider::run(&opts(&t)).expect("suite runs");
    assert_eq!(
        verdict(&r, "case.provider.endpoints"),
        Verdict::Fail,
        "{}",
        show(&r)
    );
    assert_eq!(
        verdict(&r, "case.provider.content-type"),
        Verdict::Fail,
        "{}",
        show(&r)
    );
}

#[test]
fn slow_body_is_cut_at_the_deadline() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = read_head(&mut s);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
            );
            std::thread::spawn(move || {
                for _ in 0..100 {
                    if s.write_all(b" ").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            });
        }
    });
    let mut o = opts(&format!("http://{addr}"));
    o.timeout = Duration::from_secs(1);
    let t = std::time::Instant::now();
    let e = provider::run(&o).unwrap_err();
    assert!(e.contains("deadline") || e.contains("timed out"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[test]
fn uris_on_another_host_are_skipped_with_a_reason() {
    let r = behind_proxy(Fault::None, false, Version::V1p0);
    assert_eq!(
        verdict(&r, "case.provider.uris"),
        Verdict::Skip,
        "{}",
        show(&r)
    );
    let c = r.find("case.provider.uris").unwrap();
    assert!(
        c.message.contains("not on the target host"),
        "{}",
        c.message
    );
}

/// Every CASE 1.0 provider check shown passing (the reference server; `auth` with client
/// credentials) and failing (the server behind a proxy with one defect; `auth` without
/// credentials); what each showed is kept in `reports/shown/case10.provider.json`.
#[test]
fn every_provider_check_is_shown_failing_and_passing() {
    shown_both_ways(
        Version::V1p0,
        "suites/case10/tests/provider.rs",
        "every_provider_check_is_shown_failing_and_passing",
        "case10.provider",
    );
}

#[test]
fn a_malformed_id_mishandled_on_one_endpoint_fails_malformed_id() {
    let r = faulty(Fault::MalformedOnSubjects);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.malformed-id"],
        "{}",
        show(&r)
    );
    let c = r.find("case.provider.malformed-id").unwrap();
    assert!(c.message.contains("CFSubjects"), "{}", c.message);
}

#[test]
fn query_parameters_applied_wrongly_fail_their_check() {
    for (fault, id) in [
        (Fault::WrongLastLink, "case.provider.links"),
        (Fault::SortReversed, "case.provider.sort"),
        (Fault::FilterWrong, "case.provider.filter"),
        (Fault::FieldsWrong, "case.provider.fields"),
    ] {
        let r = faulty(fault);
        assert_eq!(r.failed_ids(), vec![id], "{fault:?}\n{}", show(&r));
    }
}

#[test]
fn optional_query_parameters_ignored_only_warn() {
    let r = faulty(Fault::QueryIgnored);
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    for id in [
        "case.provider.sort",
        "case.provider.filter",
        "case.provider.fields",
    ] {
        assert_eq!(verdict(&r, id), Verdict::Warn, "{id}\n{}", show(&r));
        assert!(
            r.find(id).unwrap().message.contains("optional"),
            "{}",
            show(&r)
        );
    }
}

#[test]
fn optional_fields_dropped_by_get_cf_item_fail_optional_fields() {
    let r = faulty(Fault::DropsOptionalFields);
    assert_eq!(
        r.failed_ids(),
        vec!["case.provider.optional-fields"],
        "{}",
        show(&r)
    );
    let c = r.find("case.provider.optional-fields").unwrap();
    assert!(c.message.contains("CFItem "), "{}", c.message);
    assert!(c.message.contains("missing"), "{}", c.message);
    let ev = serde_json::to_string(&c.evidence).unwrap();
    for want in [
        "\"notes\"",
        "\"abbreviatedStatement\"",
        "/CFItems/",
        "/abbreviatedStatement",
        "\"identifier\"",
    ] {
        assert!(ev.contains(want), "{want} in {ev}");
    }
    // the per-object answer's pointer is its root
    assert!(ev.contains("\"served\":\"/notes\""), "{ev}");
}
