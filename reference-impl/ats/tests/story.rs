//! The issue-8 story over real HTTP on loopback: the reference CASE provider serves the college's
//! Diesel Technology outcomes and the employer's Diesel Technician job skills; the ATS (--demo)
//! posts the "Diesel Technician I" job from the employer's framework; a learner applies with a
//! presentation (signed by the learner's did:key with the ATS's challenge and domain) of three
//! course badges the college signed, aligned to college outcome items; the ATS follows the
//! alignments to the college framework, crosses to the job skills over the employer's
//! exactMatchOf / isRelatedTo associations, and ranks the learner with the expected score and
//! evidence. A second candidate's CLR carries one tampered credential: it is shown failed and
//! excluded, the rest count.

mod common;

use common::*;
use serde_json::Value;

fn req<'a>(cand: &'a Value, item: &str) -> &'a Value {
    cand["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item"] == item)
        .unwrap_or_else(|| panic!("requirement {item} in {cand}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learner_is_ranked_with_explained_evidence_and_a_tampered_clr_credential_is_excluded() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats(tmp.path(), &case.base_url).await;
    let http = client();
    let base = ats.base_url.clone();
    let job = demo_job(&http, &base).await;

    // the demo job: every item of the employer's framework
    let j: Value = http
        .get(format!("{base}/api/jobs/{job}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(j["framework"], JOB_DOC);
    assert_eq!(j["requirements"].as_array().unwrap().len(), 8, "{j}");
    assert_eq!(j["requirements"][1]["code"], "JS-A.1");

    // candidate 1: a presentation of three badges
    let learner = learner();
    let (challenge, domain, apply_url) = challenge(&http, &base, job).await;
    assert_eq!(domain, base);
    let vp = presentation(
        &learner,
        three_badges(
            &case.base_url,
            &learner.did,
            "Jordan Rivera",
            "Riverbend Community College",
        ),
        &challenge,
        &domain,
    );
    let r = http.post(&apply_url).json(&vp).send().await.unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{body:#}");
    assert_eq!(body["score"], 40.625, "{body:#}");
    assert!(
        body["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["counts"] == true && c["status"] == "valid"),
        "{body:#}"
    );
    let first = body["application"].as_i64().unwrap();

    // the same challenge again: refused
    let r = http.post(&apply_url).json(&vp).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("challenge"));
    // a presentation for another domain: refused
    let (c2, _, _) = common::challenge(&http, &base, job).await;
    let other = presentation(
        &learner,
        three_badges(
            &case.base_url,
            &learner.did,
            "Jordan Rivera",
            "Riverbend Community College",
        ),
        &c2,
        "https://elsewhere.example",
    );
    let r = http.post(&apply_url).json(&other).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("domain"));
    // a presentation changed after signing: refused
    let mut forged = presentation(
        &learner,
        three_badges(
            &case.base_url,
            &learner.did,
            "Jordan Rivera",
            "Riverbend Community College",
        ),
        &c2,
        &domain,
    );
    forged["holder"] = Value::from(key(9).did);
    let r = http.post(&apply_url).json(&forged).send().await.unwrap();
    assert_eq!(r.status(), 400);
    // no challenge at all: refused, with where to get one
    let r = http
        .post(&apply_url)
        .json(&presentation(&learner, vec![], "", &domain))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // garbage: refused with a message, no panic
    let r = http
        .post(&apply_url)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not JSON"));

    // candidate 2: a CLR whose second bundled credential was changed after signing
    let other_learner = key(43);
    let mut bundled = three_badges(
        &case.base_url,
        &other_learner.did,
        "Sam Okafor",
        "Riverbend Community College",
    );
    bundled[1]["credentialSubject"]["achievement"]["name"] =
        Value::from("Diesel Engine Testing (with honours)");
    let clr = clr(
        &college(),
        "Riverbend Community College",
        &other_learner.did,
        bundled,
    );
    let (challenge, domain, _) = common::challenge(&http, &base, job).await;
    let vp = presentation(&other_learner, vec![clr], &challenge, &domain);
    let r = http.post(&apply_url).json(&vp).send().await.unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{body:#}");
    let creds = body["credentials"].as_array().unwrap();
    assert_eq!(
        creds.len(),
        4,
        "the CLR and its three credentials: {body:#}"
    );
    assert_eq!(
        (creds[0]["kind"].as_str(), creds[0]["counts"].as_bool()),
        (Some("ClrCredential"), Some(true)),
        "{body:#}"
    );
    assert_eq!(
        (creds[2]["status"].as_str(), creds[2]["counts"].as_bool()),
        (Some("invalid"), Some(false)),
        "{body:#}"
    );
    assert!(
        creds[2]["whyNot"].as_str().unwrap().contains("ob3.proof"),
        "{body:#}"
    );
    for i in [1, 3] {
        assert_eq!(
            (creds[i]["status"].as_str(), creds[i]["counts"].as_bool()),
            (Some("valid"), Some(true)),
            "{body:#}"
        );
    }
    assert_eq!(
        body["score"], 28.125,
        "JS-A.2 (only evidenced by the tampered credential) is lost: {body:#}"
    );

    // the ranking, blind and explained
    let rank = ranking(&http, &base, job).await;
    let cands = rank["candidates"].as_array().unwrap();
    assert_eq!(cands.len(), 2);
    assert_eq!(
        (cands[0]["application"].as_i64(), cands[0]["score"].as_f64()),
        (Some(first), Some(40.625))
    );
    assert_eq!(cands[1]["score"], 28.125);
    let text = rank.to_string();
    for hidden in ["Jordan", "Rivera", "Okafor", "Riverbend Community College"] {
        assert!(
            !text.contains(hidden),
            "{hidden} shows in the blind ranking"
        );
    }
    let c = &cands[0];
    let a1 = req(c, JS_A_1);
    assert_eq!(a1["score"], 1.0);
    let e = &a1["evidence"];
    assert_eq!(e["credential"], 0, "the air brakes badge");
    assert_eq!(e["alignedItem"], DT_4_1);
    assert_eq!(e["targetUrl"], item_url(&case.base_url, DT_4_1));
    let path = e["path"].as_array().unwrap();
    assert_eq!(path.len(), 1, "{e:#}");
    assert_eq!(path[0]["association"], "exactMatchOf");
    assert!(
        path[0]["from"].as_str().unwrap().starts_with("DT.4.1 "),
        "{e:#}"
    );
    assert!(
        path[0]["to"].as_str().unwrap().starts_with("JS-A.1 "),
        "{e:#}"
    );
    // the duty above it: exactMatchOf then isChildOf, half
    let a = req(c, JS_A);
    assert_eq!(a["score"], 0.5);
    let hops: Vec<&str> = a["evidence"]["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["association"].as_str().unwrap())
        .collect();
    assert_eq!(hops, ["exactMatchOf", "isChildOf"]);
    assert_eq!(req(c, JS_A_2)["score"], 1.0);
    assert_eq!(req(c, JS_B_2)["score"], 0.5, "isRelatedTo counts half");
    assert_eq!(
        req(c, JS_B_2)["evidence"]["path"][0]["association"],
        "isRelatedTo"
    );
    assert_eq!(req(c, JS_B)["score"], 0.25);
    // candidate 2 kept the air brakes and electrical credentials, lost the tampered one
    assert_eq!(req(&cands[1], JS_A_1)["evidence"]["credential"], 1);
    assert_eq!(req(&cands[1], JS_A_2)["score"], 0.0);

    // opening a candidate shows the person and each credential as a displayer would
    let app: Value = http
        .get(format!("{base}/api/jobs/{job}/applications/{first}"))
        .basic_auth(RECRUITER.0, Some(RECRUITER.1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(app["holder"], learner.did.as_str());
    assert_eq!(app["credentials"][0]["person"]["names"][0], "Jordan Rivera");
    assert_eq!(
        app["credentials"][0]["display"]["issuerName"],
        "Riverbend Community College"
    );
    assert_eq!(
        app["credentials"][0]["display"]["name"],
        "Air Brake Systems"
    );
    // verify again keeps the verdicts
    let again: Value = http
        .post(format!("{base}/api/jobs/{job}/applications/{first}/verify"))
        .basic_auth(RECRUITER.0, Some(RECRUITER.1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["ranking"]["score"], 40.625, "{again:#}");
    // recruiter-only views
    let r = http
        .get(format!("{base}/api/jobs/{job}/ranking"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .get(format!("{base}/api/jobs/{job}/ranking"))
        .basic_auth(RECRUITER.0, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // both frameworks were fetched once: the college's by following an alignment, neither again
    // while its lastChangeDateTime stayed the same
    for doc in [COLLEGE_DOC, JOB_DOC] {
        let f = ats
            .store
            .framework(doc)
            .unwrap()
            .unwrap_or_else(|| panic!("{doc} cached"));
        assert_eq!(f.fetches, 1, "{doc} fetched {} times", f.fetches);
    }

    ats.stop().await;
    case.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_posted_from_any_case_provider_and_bad_requests_are_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats(tmp.path(), &case.base_url).await;
    let http = client();
    let base = ats.base_url.clone();
    let post = |body: Value| {
        let http = http.clone();
        let url = format!("{base}/api/jobs");
        async move {
            let r = http
                .post(url)
                .basic_auth(RECRUITER.0, Some(RECRUITER.1))
                .json(&body)
                .send()
                .await
                .unwrap();
            let s = r.status().as_u16();
            (s, r.json::<Value>().await.unwrap())
        }
    };
    let pkg = format!("{}/ims/case/v1p0/CFPackages/{JOB_DOC}", case.base_url);
    let (s, v) = post(serde_json::json!({"title": "Brake specialist", "packageUrl": pkg, "requirements": [JS_A_1, item_url(&case.base_url, JS_A_2), "JS-B.2"]})).await;
    assert_eq!(s, 201, "{v}");
    let codes: Vec<&str> = v["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["JS-A.1", "JS-A.2", "JS-B.2"]);
    let (s, v) = post(serde_json::json!({"title": "X", "caseBase": case.base_url, "framework": JOB_DOC, "requirements": ["JS-Z.9"]})).await;
    assert_eq!(s, 400);
    assert!(v["error"].as_str().unwrap().contains("JS-Z.9"), "{v}");
    let (s, v) = post(serde_json::json!({"title": "X"})).await;
    assert_eq!(s, 400);
    assert!(v["error"].as_str().unwrap().contains("packageUrl"), "{v}");
    let (s, _) = post(serde_json::json!({"title": "X", "caseBase": case.base_url, "framework": "00000000-0000-4000-8000-000000000000"})).await;
    assert_eq!(s, 502);
    let r = http
        .post(format!("{base}/api/jobs"))
        .json(&serde_json::json!({"title": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // the framework cache: asked again only through /CFDocuments while lastChangeDateTime holds
    let cached = ats.store.framework(JOB_DOC).unwrap().unwrap();
    assert_eq!(
        (cached.fetches, cached.last_change.as_deref()),
        (1, Some("2026-01-15T09:00:00+00:00"))
    );
    // a cached copy older than the provider's is fetched again
    ats.store
        .put_framework(
            JOB_DOC,
            &case.base_url,
            &cached.package,
            Some("2025-01-01T00:00:00+00:00"),
        )
        .unwrap();
    let (s, v) = post(serde_json::json!({"title": "Y", "packageUrl": pkg})).await;
    assert_eq!(s, 201, "{v}");
    let again = ats.store.framework(JOB_DOC).unwrap().unwrap();
    assert_eq!(
        (again.fetches, again.last_change.as_deref()),
        (3, Some("2026-01-15T09:00:00+00:00"))
    );
    ats.stop().await;
    case.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_clr_counts_only_when_the_given_email_is_its_recipient() {
    use wellspring_model::{ClrSubject, Credential, IdentityObject, Profile};
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats(tmp.path(), &case.base_url).await;
    let http = client();
    let job = demo_job(&http, &ats.base_url).await;
    let url = format!("{}/api/jobs/{job}/applications", ats.base_url);
    let c = college();
    let subject = "did:example:kim-without-a-wallet";
    let mut s = ClrSubject::new(
        subject,
        three_badges(
            &case.base_url,
            subject,
            "Kim Lee",
            "Riverbend Community College",
        ),
    );
    s.identifier
        .push(IdentityObject::plain("emailAddress", "kim@example.org"));
    let clr = Credential::new_clr(
        "urn:uuid:c1a00000-0000-4000-8000-000000000002",
        Profile::new(c.did.clone()).with_name("Riverbend Community College"),
        s,
        "2025-06-01T00:00:00Z",
        "Transcript",
    );
    let clr = sign(&c, &clr.to_value());
    let apply = |body: Value| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()
        }
    };
    let v = apply(
        serde_json::json!({"credential": clr, "email": "kim@example.org", "name": "Kim Lee"}),
    )
    .await;
    assert_eq!(v["score"], 40.625, "{v:#}");
    assert!(
        v["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["counts"] == true),
        "{v:#}"
    );
    let v = apply(clr.clone()).await;
    assert_eq!(v["score"], 0.0, "{v:#}");
    assert!(
        v["credentials"][0]["whyNot"]
            .as_str()
            .unwrap()
            .contains("not bound"),
        "{v:#}"
    );
    assert!(
        v["credentials"][1]["whyNot"]
            .as_str()
            .unwrap()
            .contains("the CLR that bundles it"),
        "{v:#}"
    );
    let v =
        apply(serde_json::json!({"credential": clr, "email": "someone.else@example.org"})).await;
    assert_eq!(v["score"], 0.0, "{v:#}");
    assert!(
        v["credentials"][0]["whyNot"]
            .as_str()
            .unwrap()
            .contains("not the applicant's"),
        "{v:#}"
    );
    ats.stop().await;
    case.stop().await.unwrap();
}
