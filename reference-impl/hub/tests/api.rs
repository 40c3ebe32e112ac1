//! The API surface beyond what the suites check: paging links, since, upsert equality
//! (percent-decoding, trimming), media types, profile validation, methods, bad input.

mod common;

use serde_json::{json, Value};

fn cred(id: &str, issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": id, "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Someone"},
        "validFrom": "2026-01-01T00:00:00Z", "name": "A badge",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "urn:uuid:1", "type": ["Achievement"], "name": "x", "criteria": {"narrative": "y"}, "description": "z"}}
    })
}

#[test]
fn api_behaves_on_good_and_bad_input() {
    let hub = common::start();
    let base = hub.base.clone();
    let t = common::demo_token(&base);
    let http = common::http();
    let api = format!("{base}/ims/ob/v3p0");
    let post = |ctype: &str, body: String| {
        http.post(format!("{api}/credentials"))
            .bearer_auth(&t)
            .header("content-type", ctype)
            .body(body)
            .send()
            .unwrap()
    };

    // equality: same issuer + id after percent-decoding and trimming replaces
    let r = post(
        "application/json",
        cred("urn:uuid:abc-1", "https://issuer.example/a b").to_string(),
    );
    assert_eq!(r.status(), 201);
    let r = post(
        "application/ld+json",
        cred(" urn:uuid:%61bc-1 ", "https://issuer.example/a%20b").to_string(),
    );
    assert_eq!(r.status(), 200, "same credential by the equality algorithm");
    let r = post(
        "application/json",
        cred("urn:uuid:abc-1", "https://other.example/").to_string(),
    );
    assert_eq!(r.status(), 201, "another issuer: another credential");
    // the echo is the exact body
    let body = format!("  {}\n", cred("urn:uuid:abc-2", "https://issuer.example/"));
    let r = post("application/json", body.clone());
    assert_eq!(r.text().unwrap(), body.trim());

    // bad upserts
    for (ctype, body, status) in [
        ("application/json", "{\"@context\": [".to_owned(), 400),
        ("application/json", "[]".to_owned(), 400),
        (
            "application/json",
            json!({"type": ["VerifiableCredential", "OpenBadgeCredential"]}).to_string(),
            400,
        ),
        (
            "application/json",
            {
                let mut c = cred("urn:uuid:x", "https://i.example/");
                c["type"] = json!(["VerifiableCredential", "ClrCredential"]);
                c.to_string()
            },
            400,
        ),
        (
            "application/json",
            {
                let mut c = cred("urn:uuid:x", "https://i.example/");
                c.as_object_mut().unwrap().remove("id");
                c.to_string()
            },
            400,
        ),
        ("text/plain", "not.a.jws!".to_owned(), 400),
        ("text/plain", "a.b".to_owned(), 400),
        ("application/xml", "<x/>".to_owned(), 415),
    ] {
        let r = post(ctype, body.clone());
        assert_eq!(r.status(), status, "{ctype} {body}");
        let v: Value = r.json().unwrap();
        assert_eq!(v["imsx_codeMajor"], "failure");
    }
    // a CLR credential is not an OB one, and vice versa
    let r = http
        .post(format!("{base}/ims/clr/v2p0/credentials"))
        .bearer_auth(&t)
        .json(&cred("urn:uuid:q", "https://i.example/"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);

    // paging: 2 demo + 3 upserted = 5
    let (_, _, total) = common::list(&base, "/ims/ob/v3p0", &t);
    assert_eq!(total, 5);
    let r = http
        .get(format!("{api}/credentials?limit=4&offset=2"))
        .bearer_auth(&t)
        .send()
        .unwrap();
    assert_eq!(r.headers()["x-total-count"], "5");
    let link = r.headers()["link"].to_str().unwrap().to_owned();
    assert!(
        link.contains(&format!(
            "<{api}/credentials?limit=4&offset=4>; rel=\"last\""
        )),
        "{link}"
    );
    assert!(
        link.contains("rel=\"first\"") && link.contains("offset=0>; rel=\"prev\""),
        "{link}"
    );
    assert!(!link.contains("rel=\"next\""), "{link}");
    let r = http
        .get(format!("{api}/credentials?limit=2"))
        .bearer_auth(&t)
        .send()
        .unwrap();
    assert!(r.headers()["link"]
        .to_str()
        .unwrap()
        .contains("offset=2>; rel=\"next\""));
    // since (an unencoded + offset arrives as a space)
    let r = http
        .get(format!("{api}/credentials?since=2000-01-01T00:00:00+00:00"))
        .bearer_auth(&t)
        .send()
        .unwrap();
    assert_eq!(r.headers()["x-total-count"], "5");
    let r = http
        .get(format!("{api}/credentials?since=2999-01-01T00:00:00Z"))
        .bearer_auth(&t)
        .send()
        .unwrap();
    assert_eq!(r.headers()["x-total-count"], "0");
    assert!(r.headers()["link"]
        .to_str()
        .unwrap()
        .contains("since=2999-01-01T00%3A00%3A00Z"));
    for q in [
        "limit=0",
        "limit=-1",
        "limit=abc",
        "offset=-1",
        "offset=1.5",
        "since=yesterday",
        "limit=1&limit=2",
        "limit=99999999999",
    ] {
        let r = http
            .get(format!("{api}/credentials?{q}"))
            .bearer_auth(&t)
            .send()
            .unwrap();
        assert_eq!(r.status(), 400, "{q}");
        assert_eq!(
            r.json::<Value>().unwrap()["imsx_codeMinor"]["imsx_codeMinorField"][0]
                ["imsx_codeMinorFieldValue"],
            "invalid_query_parameter"
        );
    }
    // auth
    assert_eq!(
        http.get(format!("{api}/credentials"))
            .send()
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        http.get(format!("{api}/credentials"))
            .header("authorization", "Basic abc")
            .send()
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        http.get(format!("{api}/credentials"))
            .bearer_auth("nope")
            .send()
            .unwrap()
            .status(),
        401
    );
    // methods
    let r = http
        .delete(format!("{api}/credentials"))
        .bearer_auth(&t)
        .send()
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, POST");
    assert_eq!(
        http.post(format!("{api}/profile"))
            .bearer_auth(&t)
            .send()
            .unwrap()
            .status(),
        405
    );

    // profile: read, put back, malformed, not a Profile, id change
    let p: Value = http
        .get(format!("{api}/profile"))
        .bearer_auth(&t)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(p["email"], "learner@example.org");
    let mut p2 = p.clone();
    p2["name"] = json!("Jordan R.");
    let r = http
        .put(format!("{api}/profile"))
        .bearer_auth(&t)
        .json(&p2)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let got: Value = http
        .get(format!("{base}/ims/clr/v2p0/profile"))
        .bearer_auth(&t)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(got["name"], "Jordan R.", "one profile for both APIs");
    for body in [
        "[1, 2".to_owned(),
        "[]".to_owned(),
        json!({"name": "no id or type"}).to_string(),
        {
            let mut x = p.clone();
            x["id"] = json!("urn:uuid:someone-else");
            x.to_string()
        },
    ] {
        let r = http
            .put(format!("{api}/profile"))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
    }
    // discovery is open and complete
    let d: Value = http
        .get(format!("{base}/ims/clr/v2p0/discovery"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let s = &d["components"]["securitySchemes"]["OAuth2ACG"];
    assert_eq!(
        s["x-imssf-registrationUrl"],
        json!(format!("{base}/oauth/register"))
    );
    assert_eq!(
        s["flows"]["authorizationCode"]["scopes"]
            .as_object()
            .unwrap()
            .len(),
        4
    );
    assert!(d["info"]["x-imssf-privacyPolicyUrl"].is_string());
}
