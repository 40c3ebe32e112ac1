//! Refresh: every credential the hub issues (JSON and VC-JWT, OB and CLR) carries a
//! `refreshService` of type `1EdTechCredentialRefresh` whose URL the hub answers (GET, 1EdTech
//! VCCR 1.0) with the credential as it stands now, signed again; the verification core, online
//! through the guarded network layer, refreshes it and finds the refreshed credential
//! authentic. A revoked credential is not refreshed (410 Gone) and the core then judges the
//! original, which its status list says is revoked. The endpoint is limited per client.

mod common;

use serde_json::{json, Value};
use wellspring_http::guard::{self, NetPolicy};
use wellspring_hub::server::DEMO_ADMIN_TOKEN;
use wellspring_report::{DocReport, Verdict};

fn online() -> wellspring_verify::Options {
    let fetch = guard::fetch_text(NetPolicy::default().allow_private(true)).unwrap();
    wellspring_verify::Options::offline(chrono::Utc::now()).with_network(fetch)
}

/// The payload of a compact JWS (the VC-JWT's credential).
fn jwt_payload(jws: &str) -> Value {
    use base64::Engine;
    let p = jws.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap(),
    )
    .unwrap()
}

/// The demo learner's credentials as getCredentials serves them: (OB JSON, OB VC-JWT, CLR).
fn demo_credentials(base: &str) -> (Value, String, Value) {
    let t = common::demo_token(base);
    let (json, jws, _) = common::list(base, "/ims/ob/v3p0", &t);
    let (clrs, _, _) = common::list(base, "/ims/clr/v2p0", &t);
    assert_eq!((json.len(), jws.len(), clrs.len()), (1, 1, 1));
    (json[0].clone(), jws[0].clone(), clrs[0].clone())
}

/// The document's own `ob3.refresh` / `ob3.status` results.
fn own(r: &DocReport, id: &str) -> Vec<(Verdict, String)> {
    r.checks
        .iter()
        .filter(|c| c.id == id)
        .map(|c| (c.verdict, c.message.clone()))
        .collect()
}

fn refresh_url(cred: &Value, base: &str) -> String {
    let rs = &cred["refreshService"];
    assert_eq!(rs["type"], "1EdTechCredentialRefresh", "{cred}");
    let url = rs["id"].as_str().expect("refreshService.id").to_owned();
    assert!(url.starts_with(&format!("{base}/refresh/")), "{url}");
    url
}

#[test]
fn issued_credentials_offer_refresh_and_the_core_verifies_the_refreshed_one() {
    let hub = common::start();
    let base = hub.base.clone();
    let (ob, jws, clr) = demo_credentials(&base);
    let http = common::http();
    for (what, cred) in [
        ("OB JSON", &ob),
        ("OB VC-JWT", &jwt_payload(&jws)),
        ("CLR", &clr),
    ] {
        let url = refresh_url(cred, &base);
        let r = http.get(&url).send().unwrap();
        assert_eq!(r.status(), 200, "{what}: GET {url}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!(ct, "application/vc+ld+json", "{what}");
        let fresh: Value = r.json().unwrap();
        for k in [
            "id",
            "type",
            "credentialSubject",
            "credentialStatus",
            "refreshService",
        ] {
            assert_eq!(fresh[k], cred[k], "{what}: {k} kept");
        }
        assert_eq!(fresh["issuer"]["id"], cred["issuer"]["id"], "{what}");
        assert_eq!(fresh["proof"]["cryptosuite"], "eddsa-rdfc-2022", "{what}");
    }
    // the core, online: refreshed once from the hub, authentic; status read from the hub's list
    for (what, bytes) in [
        ("OB JSON", ob.to_string().into_bytes()),
        ("OB VC-JWT", jws.clone().into_bytes()),
        ("CLR", clr.to_string().into_bytes()),
    ] {
        let r = wellspring_verify::verify_bytes("hub", &bytes, &online());
        let got = own(&r, "ob3.refresh");
        assert_eq!(got.len(), 1, "{what}: {got:?}");
        assert_eq!(got[0].0, Verdict::Pass, "{what}: {got:?}");
        assert!(
            got[0].1.contains(&format!("{base}/refresh/")),
            "{what}: {got:?}"
        );
        assert_eq!(own(&r, "ob3.status")[0].0, Verdict::Pass, "{what}");
        assert!(
            r.passed(),
            "{what}: {}",
            wellspring_report::render::human(std::slice::from_ref(&r), true)
        );
    }
    // an id the hub did not issue, and one too long
    let r = http
        .get(format!("{base}/refresh/urn%3Auuid%3Anot-issued-here"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = http
        .get(format!("{base}/refresh/{}", "x".repeat(600)))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn a_revoked_credential_is_not_refreshed_and_the_core_finds_it_revoked() {
    let hub = common::start();
    let base = hub.base.clone();
    let (ob, _, clr) = demo_credentials(&base);
    let r = common::http()
        .post(format!("{base}/admin/revoke"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&json!({"credentialId": ob["id"], "reason": "issued in error"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = common::http().get(refresh_url(&ob, &base)).send().unwrap();
    assert_eq!(r.status(), 410, "a revoked credential is gone");
    let body: Value = r.json().unwrap();
    assert!(
        body["imsx_description"]
            .as_str()
            .unwrap()
            .contains("issued in error"),
        "{body}"
    );
    // the core: the refresh is not completed (a warning), the original is judged: revoked
    let r = wellspring_verify::verify_bytes("hub", ob.to_string().as_bytes(), &online());
    let got = own(&r, "ob3.refresh");
    assert_eq!(got[0].0, Verdict::Warn, "{got:?}");
    assert!(got[0].1.contains("410"), "{got:?}");
    let st = own(&r, "ob3.status");
    assert_eq!(st[0].0, Verdict::Fail, "{st:?}");
    assert!(!r.passed());
    // the CLR (not revoked) still refreshes
    assert_eq!(
        common::http()
            .get(refresh_url(&clr, &base))
            .send()
            .unwrap()
            .status(),
        200
    );
}

#[test]
fn refresh_requests_are_limited_per_client() {
    let hub =
        common::start_with(|c| c.refresh_rate = wellspring_serverkit::limit::Rate::per_minute(2));
    let base = hub.base.clone();
    let (ob, _, _) = demo_credentials(&base);
    let url = refresh_url(&ob, &base);
    let http = common::http();
    let codes: Vec<u16> = (0..3)
        .map(|_| http.get(&url).send().unwrap().status().as_u16())
        .collect();
    assert_eq!(codes, [200, 200, 429]);
    let r = http.get(&url).send().unwrap();
    assert!(r.headers().get("retry-after").is_some());
}
