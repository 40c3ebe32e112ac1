//! The CASE 1.1 provider suite (`case11.provider.*`) over real HTTP on loopback: the reference
//! CASE server's `/ims/case/v1p1` passes; the same faulty proxy as for 1.0 fails exactly the
//! check it should, and a provider without the discovery file fails `case11.provider.discovery`.

mod common;

use common::*;
use wellspring_report::Verdict;
use wellspring_suite_case10::provider::{self, checks, Version};

#[test]
fn reference_server_passes_every_1p1_check() {
    let server = Server::demo(None, Vec::new());
    let r = provider::run(&opts_for(&server.url(), Version::V1p1)).expect("suite runs");
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    assert_eq!(r.kind, "CASE 1.1 provider");
    let ids: Vec<_> = r.checks.iter().map(|c| c.id).collect();
    let all: Vec<_> = checks::all(Version::V1p1).iter().map(|c| c.id).collect();
    assert_eq!(ids, all);
    assert!(ids.iter().all(|i| i.starts_with("case11.provider.")));
    for c in &r.checks {
        let want = if c.id == "case11.provider.auth" {
            Verdict::Skip
        } else {
            Verdict::Pass
        };
        assert_eq!(c.verdict, want, "{}", show(&r));
    }
    // every identifier endpoint probed, CFRubrics included (the demo serves one)
    let malformed = r.find("case11.provider.malformed-id").unwrap();
    assert!(
        malformed.message.contains("invalid_uuid"),
        "{}",
        malformed.message
    );
}

#[test]
fn passthrough_passes_and_a_missing_discovery_file_fails_discovery() {
    let r = faulty_for(Fault::None, Version::V1p1);
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    let r = faulty_for(Fault::NoDiscovery, Version::V1p1);
    assert_eq!(
        r.failed_ids(),
        vec!["case11.provider.discovery"],
        "{}",
        show(&r)
    );
}

#[test]
fn the_1p0_spelling_of_invalid_uuid_fails_1p1_malformed_id() {
    let r = faulty_for(Fault::OldSpelling, Version::V1p1);
    assert_eq!(
        r.failed_ids(),
        vec!["case11.provider.malformed-id"],
        "{}",
        show(&r)
    );
    let ev =
        serde_json::to_string(&r.find("case11.provider.malformed-id").unwrap().evidence).unwrap();
    assert!(ev.contains("invaliduuid"), "{ev}");
}

#[test]
fn faulty_1p1_providers_fail_the_1p1_ids() {
    for (fault, id) in [
        (Fault::Malformed400, "case11.provider.malformed-id"),
        (Fault::MalformedOnSubjects, "case11.provider.malformed-id"),
        (Fault::SortReversed, "case11.provider.sort"),
        (Fault::WrongLastLink, "case11.provider.links"),
    ] {
        let r = faulty_for(fault, Version::V1p1);
        assert_eq!(r.failed_ids(), vec![id], "{fault:?}\n{}", show(&r));
    }
}

/// Every CASE 1.1 provider check shown passing and failing; kept in
/// `reports/shown/case11.provider.json`.
#[test]
fn every_1p1_provider_check_is_shown_failing_and_passing() {
    shown_both_ways(
        Version::V1p1,
        "suites/case10/tests/provider11.rs",
        "every_1p1_provider_check_is_shown_failing_and_passing",
        "case11.provider",
    );
}
