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
    for fault in [Fault::NoDiscovery, Fault::DiscoveryNotLocalised] {
        let r = faulty_for(fault, Version::V1p1);
        assert_eq!(
            r.failed_ids(),
            vec!["case11.provider.discovery"],
            "{fault:?}\n{}",
            show(&r)
        );
    }
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
        (
            Fault::DropsOptionalFields,
            "case11.provider.optional-fields",
        ),
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

/// A framework with the CASE 1.1-only properties (caseVersion, CFItem.subject, association notes,
/// LinkGenURI targetType, extensions) passes the 1.1 suite; the nested 1.0 package schema is
/// skipped with its reason, not failed.
#[test]
fn a_1p1_framework_passes_the_1p1_suite() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "7d2a9b1c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
    let item = "7d2a9b1c-3e4f-4a5b-8c6d-7e8f9a0b1c01";
    let assoc = "7d2a9b1c-3e4f-4a5b-8c6d-7e8f9a0b1c02";
    let t = "2025-01-24T12:00:00+00:00";
    let pkg = serde_json::json!({
        "CFDocument": {"identifier": doc, "uri": format!("https://example.org/{doc}"), "creator": "Wellspring",
            "title": "A 1.1 framework", "lastChangeDateTime": t, "caseVersion": "1.1",
            "frameworkType": "CourseCodes", "extensions": {"note": "x"}},
        "CFItems": [{"identifier": item, "uri": format!("https://example.org/{item}"), "fullStatement": "Do *this*",
            "lastChangeDateTime": t, "subject": ["Maths"], "extensions": {"k": 1}}],
        "CFAssociations": [{"identifier": assoc, "uri": format!("https://example.org/{assoc}"),
            "associationType": "isChildOf", "lastChangeDateTime": t, "notes": "a note",
            "originNodeURI": {"title": "i", "identifier": item, "uri": format!("https://example.org/{item}"), "targetType": "CASE"},
            "destinationNodeURI": {"title": "d", "identifier": doc, "uri": format!("https://example.org/{doc}"), "targetType": "CASE"}}],
        "extensions": {"package": true}
    });
    let file = dir.path().join("p11.json");
    std::fs::write(&file, pkg.to_string()).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut c = wellspring_case_server::Config::new(dir.path().join("case.sqlite"));
    c.port = 0;
    c.demo = true;
    c.packages = vec![file];
    let running = rt.block_on(wellspring_case_server::start(c)).unwrap();
    let base = format!("http://{}", running.addr);
    let r = provider::run(&opts_for(&base, Version::V1p1)).expect("suite runs");
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    assert_eq!(r.nested.len(), 3);
    let skipped = r
        .nested
        .iter()
        .flat_map(|n| &n.checks)
        .filter(|c| c.id == "case.package.schema");
    assert!(skipped.into_iter().all(|c| c.verdict == Verdict::Skip));
    // the same server judged as CASE 1.0 also passes: the 1.1 properties are left out there
    let r = provider::run(&opts_for(&base, Version::V1p0)).expect("suite runs");
    assert!(r.failed_ids().is_empty(), "{}", show(&r));
    rt.block_on(running.stop()).unwrap();
}
