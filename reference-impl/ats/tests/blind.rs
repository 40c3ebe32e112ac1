//! Blindness. The scorer takes a `RedactedCandidate` (credential positions and alignments
//! only), so names cannot reach it by construction; these tests check the whole path from
//! signed bytes to score: credentials re-signed with any learner name and any institution
//! (issuer) name are verified by the core, judged, redacted and scored, and the score and its
//! explanation never change — while changing an alignment does change it (the test can fail).
//! One end-to-end check over HTTP does the same through the running ATS.

mod common;

use common::*;
use proptest::prelude::*;
use wellspring_ats::case::Graph;
use wellspring_ats::{intake, score};

const CASE: &str = "http://case.test";

fn graph() -> Graph {
    let p = |t: &str| wellspring_case_server::demo_package(t, CASE).unwrap();
    Graph::from_packages(&[
        p(wellspring_case_server::DEMO_COLLEGE),
        p(wellspring_case_server::DEMO_EMPLOYER),
    ])
}

fn requirements(g: &Graph) -> Vec<String> {
    g.items_of(JOB_DOC).iter().map(|i| i.id.clone()).collect()
}

fn options() -> wellspring_verify::Options {
    wellspring_verify::Options::offline("2026-01-01T00:00:00Z".parse().unwrap())
}

/// Signed bytes → verification → judgement → redaction → score.
fn scored(badges: Vec<serde_json::Value>, g: &Graph) -> (score::RedactedCandidate, score::Score) {
    let vp = presentation(&learner(), badges, "challenge", "https://ats.test");
    let env = intake::envelope(vp.to_string().as_bytes()).unwrap();
    let j = intake::judge(&env, &options(), Ok(()));
    assert!(j.presentation_error.is_none(), "{:?}", j.presentation_error);
    assert!(
        j.credentials.iter().all(|c| c.counts),
        "{:?}",
        j.credentials.iter().map(|c| &c.why_not).collect::<Vec<_>>()
    );
    let r = j.redacted();
    let s = score::score(&requirements(g), &r, g);
    (r, s)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]
    #[test]
    fn names_and_institutions_never_move_the_score(name in "\\PC{1,40}", institution in "\\PC{1,60}") {
        let g = graph();
        let l = learner();
        let (base_r, base) = scored(three_badges(CASE, &l.did, "Jordan Rivera", "Riverbend Community College"), &g);
        prop_assert_eq!(base.percent, 40.625);
        let (r, s) = scored(three_badges(CASE, &l.did, &name, &institution), &g);
        prop_assert_eq!(&r, &base_r);
        prop_assert_eq!(&s, &base);
    }
}

#[test]
fn what_matters_does_move_the_score() {
    let g = graph();
    let l = learner();
    let c = college();
    let mut badges = three_badges(CASE, &l.did, "Jordan Rivera", "Riverbend Community College");
    // the electrical course aligned to DT.1.1 instead of DT.3.2: JS-B.2 and JS-B lose their evidence
    badges[2] = sign(
        &c,
        &badge(
            &c,
            "Riverbend Community College",
            &l.did,
            "Jordan Rivera",
            3,
            "Heavy-Vehicle Electrical Systems",
            &[item_url(CASE, DT_1_1)],
        ),
    );
    let (_, s) = scored(badges, &g);
    assert_eq!(s.percent, 100.0 * 2.5 / 8.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_candidates_differing_only_in_names_score_the_same_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats(tmp.path(), &case.base_url).await;
    let http = client();
    let job = demo_job(&http, &ats.base_url).await;
    for (seed, name, inst) in [
        (50, "Ana Lima", "Riverbend Community College"),
        (
            51,
            "Bartholomew Q. Zyx",
            "Northern Plains Technical Institute",
        ),
    ] {
        let k = key(seed);
        let (ch, dom, url) = challenge(&http, &ats.base_url, job).await;
        let vp = presentation(
            &k,
            three_badges(&case.base_url, &k.did, name, inst),
            &ch,
            &dom,
        );
        let r = http.post(url).json(&vp).send().await.unwrap();
        assert_eq!(r.status(), 201);
    }
    let rank = ranking(&http, &ats.base_url, job).await;
    let c = rank["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0]["score"], 40.625);
    assert_eq!(
        c[0]["requirements"], c[1]["requirements"],
        "same evidence, same explanation"
    );
    ats.stop().await;
    case.stop().await.unwrap();
}
