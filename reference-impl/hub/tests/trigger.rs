//! Achievement triggers: results satisfying every item an achievement requires issue it (it
//! appears in getCredentials and verifies with the core); partial results issue nothing; the
//! admin token is checked. Also the demo data, the CLR, and the issuer documents.

mod common;

use serde_json::{json, Value};
use wellspring_hub::server::{DEMO_ADMIN_TOKEN, DEMO_EMAIL};

const DT3: [&str; 2] = [
    "c0115e9e-d1e5-4e11-8c01-000000000009",
    "c0115e9e-d1e5-4e11-8c01-000000000010",
];

fn post_results(base: &str, token: Option<&str>, body: Value) -> reqwest::blocking::Response {
    let mut r = common::http()
        .post(format!("{base}/admin/results"))
        .json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().unwrap()
}

#[test]
fn results_issue_credentials_that_verify() {
    let hub = common::start();
    let base = hub.base.clone();
    let h = hub.running.as_ref().unwrap().hub.clone();
    h.store
        .add_learner(
            "student@example.org",
            "student-password",
            Some("Sam Student"),
        )
        .unwrap();
    let token = common::token(
        &base,
        &common::all_scopes(),
        "student@example.org",
        "student-password",
    )["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(common::list(&base, "/ims/ob/v3p0", &token).2, 0);

    // bad / missing admin token
    assert_eq!(
        post_results(
            &base,
            Some("wrong"),
            json!({"learner": "student@example.org", "satisfied": DT3})
        )
        .status(),
        401
    );
    assert_eq!(
        post_results(
            &base,
            None,
            json!({"learner": "student@example.org", "satisfied": DT3})
        )
        .status(),
        401
    );
    assert_eq!(
        common::list(&base, "/ims/ob/v3p0", &token).2,
        0,
        "nothing issued without the admin token"
    );
    // bad bodies
    assert_eq!(
        post_results(&base, Some(DEMO_ADMIN_TOKEN), json!({"satisfied": DT3})).status(),
        400
    );
    assert_eq!(
        post_results(
            &base,
            Some(DEMO_ADMIN_TOKEN),
            json!({"learner": "student@example.org", "satisfied": [1]})
        )
        .status(),
        400
    );
    assert_eq!(
        post_results(
            &base,
            Some(DEMO_ADMIN_TOKEN),
            json!({"learner": "nobody@example.org", "satisfied": DT3})
        )
        .status(),
        404
    );

    // partial: one of DT.3's two course outcomes (as a CASE URI)
    let r = post_results(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"learner": "student@example.org", "satisfied": [format!("http://127.0.0.1:8480/ims/case/v1p0/CFItems/{}", DT3[0])]}),
    );
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    assert_eq!(v["issued"], json!([]));
    let pending = v["pending"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["achievement"] == "dt3-electrical")
        .unwrap()
        .clone();
    assert_eq!(pending["missing"], json!([DT3[1]]));
    assert_eq!(
        common::list(&base, "/ims/ob/v3p0", &token).2,
        0,
        "partial results issue nothing"
    );
    assert_eq!(common::list(&base, "/ims/clr/v2p0", &token).2, 0);

    // the rest (as an identifier, upper case): DT.3 is issued
    let r = post_results(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"learner": "student@example.org", "satisfied": [DT3[1].to_uppercase(), "not-an-item"]}),
    );
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    assert_eq!(v["issued"].as_array().unwrap().len(), 1);
    assert_eq!(v["issued"][0]["achievement"], "dt3-electrical");
    assert_eq!(v["unmatched"], json!(["not-an-item"]));
    let (creds, jws, total) = common::list(&base, "/ims/ob/v3p0", &token);
    assert_eq!((creds.len(), jws.len(), total), (1, 0, 1));
    let c = &creds[0];
    assert_eq!(c["id"], v["issued"][0]["credentialId"]);
    assert_eq!(
        c["credentialSubject"]["achievement"]["name"],
        "Heavy-Vehicle Electrical Systems"
    );
    let al = c["credentialSubject"]["achievement"]["alignment"]
        .as_array()
        .unwrap();
    assert_eq!(al.len(), 3, "aligned to DT.3 and its two course outcomes");
    assert!(al.iter().all(|a| a["targetType"] == "CFItem"
        && a["targetUrl"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:8480/ims/case/v1p0/CFItems/c0115e9e-")));
    let failures = common::verify_failures(c.to_string().as_bytes());
    assert!(failures.is_empty(), "{failures:?}");
    // the CLR bundles it and verifies (nested credential included)
    let (clrs, _, n) = common::list(&base, "/ims/clr/v2p0", &token);
    assert_eq!(n, 1);
    assert_eq!(
        clrs[0]["credentialSubject"]["verifiableCredential"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let failures = common::verify_failures(clrs[0].to_string().as_bytes());
    assert!(failures.is_empty(), "{failures:?}");

    // the same results again: nothing new
    let v: Value = post_results(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"learner": "student@example.org", "satisfied": DT3}),
    )
    .json()
    .unwrap();
    assert_eq!(v["issued"], json!([]));
    assert_eq!(common::list(&base, "/ims/ob/v3p0", &token).2, 1);

    // every other outcome, as VC-JWT: the program completes, the CLR (same id) lists it
    let all: Vec<String> = (2..=13)
        .filter(|n| ![5, 8, 11].contains(n))
        .map(|n| format!("c0115e9e-d1e5-4e11-8c01-{n:012}"))
        .collect();
    let v: Value = post_results(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"learner": "student@example.org", "satisfied": all, "format": "jwt"}),
    )
    .json()
    .unwrap();
    assert_eq!(v["issued"].as_array().unwrap().len(), 3);
    assert_eq!(v["programComplete"], json!(true));
    let (creds, jws, total) = common::list(&base, "/ims/ob/v3p0", &token);
    assert_eq!((creds.len(), jws.len(), total), (1, 3, 4));
    for j in &jws {
        let f = common::verify_failures(j.as_bytes());
        assert!(f.is_empty(), "{f:?}");
    }
    let (clrs, _, n) = common::list(&base, "/ims/clr/v2p0", &token);
    assert_eq!(n, 1, "one CLR per learner, replaced at each award");
    let s = &clrs[0]["credentialSubject"];
    assert_eq!(s["verifiableCredential"].as_array().unwrap().len(), 4);
    assert_eq!(s["association"].as_array().unwrap().len(), 4);
    assert_eq!(s["achievement"][0]["name"], "Diesel Technology (A.A.S.)");
    let f = common::verify_failures(clrs[0].to_string().as_bytes());
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn demo_learner_and_issuer_documents() {
    let hub = common::start();
    let base = hub.base.clone();
    let token = common::demo_token(&base);
    let (creds, jws, total) = common::list(&base, "/ims/ob/v3p0", &token);
    assert_eq!(
        (creds.len(), jws.len(), total),
        (1, 1, 2),
        "DT.1 as JSON, DT.2 as VC-JWT"
    );
    for b in creds
        .iter()
        .map(|c| c.to_string().into_bytes())
        .chain(jws.iter().map(|j| j.clone().into_bytes()))
    {
        let f = common::verify_failures(&b);
        assert!(f.is_empty(), "{f:?}");
    }
    let http = common::http();
    let issuer: Value = http
        .get(format!("{base}/issuer"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(creds[0]["issuer"]["id"], issuer["id"]);
    assert!(issuer["id"].as_str().unwrap().starts_with("did:key:z6Mk"));
    let did: Value = http
        .get(format!("{base}/.well-known/did.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(did["alsoKnownAs"], json!([issuer["id"]]));
    assert!(did["id"]
        .as_str()
        .unwrap()
        .starts_with("did:web:127.0.0.1%3A"));
    let jwks: Value = http
        .get(format!("{base}/.well-known/jwks.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "no private key published"
    );
    let a: Value = http
        .get(format!("{base}/achievements/dt1-engine-repair"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        a["id"],
        json!(format!("{base}/achievements/dt1-engine-repair"))
    );
    assert_eq!(
        http.get(format!("{base}/achievements/nope"))
            .send()
            .unwrap()
            .status(),
        404
    );
    // unknown paths are imsx 404s
    let r = http
        .get(format!("{base}/ims/ob/v3p0/nothing"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().unwrap()["imsx_codeMajor"], "failure");
}

#[test]
fn did_web_issuer_verifies_with_its_published_key() {
    let hub = common::start_with(|c| c.issuer_did = wellspring_hub::issue::IssuerDid::Web);
    let base = hub.base.clone();
    let token = common::demo_token(&base);
    let (creds, _, _) = common::list(&base, "/ims/ob/v3p0", &token);
    let c = &creds[0];
    let did: Value = common::http()
        .get(format!("{base}/.well-known/did.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(c["issuer"]["id"], did["id"]);
    let vm = c["proof"]["verificationMethod"].as_str().unwrap();
    // offline it is unknown ...
    assert!(!common::verify_failures(c.to_string().as_bytes()).is_empty());
    // ... given the published verification method, it verifies (controller = the issuer)
    let mut opts = wellspring_verify::Options::offline(chrono::Utc::now());
    opts.keys
        .add(vm, &did["verificationMethod"][0].to_string())
        .unwrap();
    let rep = wellspring_verify::verify_bytes("did:web", c.to_string().as_bytes(), &opts);
    let mut all = Vec::new();
    rep.walk(&mut all);
    let failed: Vec<_> = all
        .iter()
        .filter(|(_, x)| x.verdict == wellspring_report::Verdict::Fail)
        .map(|(_, x)| (x.id, x.message.clone()))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert!(all
        .iter()
        .any(|(_, x)| x.id == "ob3.proof.controller"
            && x.verdict == wellspring_report::Verdict::Pass));
    let _ = DEMO_EMAIL;
}
