//! Verification step 3, refresh (`ob3.refresh`): credentials signed here with real keys, their
//! refreshService answered by a real HTTP server on loopback, fetched through the guarded
//! network layer (`wellspring_http::guard`), as `wellspring verify --online
//! --allow-private-network` does.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;

use serde_json::{json, Value};
use wellspring_http::guard::{self, NetPolicy};
use wellspring_verify::{
    di, keys, loader::ContextLoader, verify_bytes, DocReport, Options, Verdict,
};

const EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

/// A did:key issuer from a seed: (key, did, verification method).
fn key(seed: u8) -> (ssi_jwk::JWK, String, String) {
    let k = keys::ed25519_from_seed([seed; 32]);
    let (did, vm) = keys::did_key_of(&k).unwrap();
    (k, did, vm)
}

/// A credential of issuer `did` whose refreshService is `refresh` (none when null).
fn credential(did: &str, refresh: Value, valid_until: &str) -> Value {
    let mut c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", EXTENSIONS],
        "id": "urn:uuid:6b1f0d3e-2a4c-4e8b-9f10-0a1b2c3d4e5f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Wellspring Refresh College"},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": valid_until,
        "name": "Welding Safety",
        "credentialSubject": {
            "id": "did:example:refresh-learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/welding-1", "type": ["Achievement"],
                "name": "Welding Safety", "description": "Works safely at the bench.",
                "criteria": {"narrative": "Pass the bench check."}
            }
        },
        "refreshService": refresh
    });
    if c["refreshService"].is_null() {
        c.as_object_mut().unwrap().remove("refreshService");
    }
    c
}

fn sign(doc: &Value, seed: u8) -> Value {
    let (k, _, vm) = key(seed);
    di::sign(
        doc,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap()
}

/// A loopback listener and its base URL (bound first, so credentials can name it).
fn listener() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    (l, base)
}

/// Serves `routes` (path → (status, body)) on `l` for `n` requests, in a thread.
fn serve(l: TcpListener, routes: HashMap<String, (u16, String)>, n: usize) {
    std::thread::spawn(move || {
        for stream in l.incoming().take(n) {
            let Ok(mut s) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => buf.extend_from_slice(&chunk[..k]),
                }
            }
            let head = String::from_utf8_lossy(&buf).to_string();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, body) = match routes.get(&path) {
                Some(r) if head.starts_with("GET ") => r.clone(),
                _ => (404, "not found".to_owned()),
            };
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes());
        }
    });
}

fn online() -> Options {
    let fetch = guard::fetch_text(NetPolicy::default().allow_private(true)).unwrap();
    Options::offline(now()).with_network(fetch)
}

fn run(v: &Value, opts: &Options) -> DocReport {
    verify_bytes("t", serde_json::to_string(v).unwrap().as_bytes(), opts)
}

/// The document's own `ob3.refresh` results (not the refreshed credential's nested report).
fn refresh_results(r: &DocReport) -> Vec<(Verdict, String)> {
    r.checks
        .iter()
        .filter(|c| c.id == "ob3.refresh")
        .map(|c| (c.verdict, c.message.clone()))
        .collect()
}

fn own(r: &DocReport, id: &str) -> Verdict {
    r.checks.iter().find(|c| c.id == id).unwrap().verdict
}

fn refresh_entry(url: &str) -> Value {
    json!({"id": url, "type": "1EdTechCredentialRefresh"})
}

#[test]
fn an_expired_credential_refreshed_by_its_issuer_is_judged_as_refreshed() {
    let (_, did, _) = key(21);
    let (l, base) = listener();
    let url = format!("{base}/refresh/1");
    let expired = sign(
        &credential(&did, refresh_entry(&url), "2025-06-01T00:00:00Z"),
        21,
    );

    // Offline: not attempted, never a pass; the original (expired) is judged.
    let r = run(&expired, &Options::offline(now()));
    let got = refresh_results(&r);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Verdict::Skip, "{got:?}");
    assert!(got[0].1.contains("not attempted offline"), "{got:?}");
    assert_eq!(own(&r, "ob3.validity.valid-until"), Verdict::Fail);

    // Online: the server answers the same credential valid until 2030, re-signed by the
    // issuer; it is authentic, and the later steps judge it.
    let current = sign(
        &credential(&did, refresh_entry(&url), "2030-01-01T00:00:00Z"),
        21,
    );
    serve(
        l,
        HashMap::from([("/refresh/1".to_owned(), (200, current.to_string()))]),
        1,
    );
    let r = run(&expired, &online());
    let got = refresh_results(&r);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Verdict::Pass, "{got:?}");
    assert!(got[0].1.contains("refreshed once from"), "{got:?}");
    assert_eq!(own(&r, "ob3.validity.valid-until"), Verdict::Pass, "{r:#?}");
    assert!(r.passed(), "{r:#?}");
    assert_eq!(
        r.nested.len(),
        1,
        "steps 1–2 of the refreshed credential are reported"
    );
    assert!(r.nested[0].subject.contains("refreshed from"));
    assert_eq!(
        r.nested[0]
            .find("ob3.proof.eddsa-rdfc-2022")
            .unwrap()
            .verdict,
        Verdict::Pass
    );
}

#[test]
fn an_inauthentic_answer_fails_the_check_and_the_original_stands() {
    let (_, did, _) = key(22);
    let (_, other_did, _) = key(23);
    let (l, base) = listener();
    let ok = "2030-01-01T00:00:00Z";
    let expired = "2025-06-01T00:00:00Z";
    let mut routes = HashMap::new();
    let mut cases = Vec::new();
    // (path, answer, what the message must say)
    let answers: Vec<(&str, Value, &str)> = vec![
        // another issuer, its own valid proof
        (
            "/other-issuer",
            sign(&credential(&other_did, Value::Null, ok), 23),
            "its issuer is",
        ),
        // the same issuer named, another key signing
        (
            "/unbound",
            sign(&credential(&did, Value::Null, ok), 23),
            "bound to the issuer",
        ),
        // a different credential id
        (
            "/other-id",
            {
                let mut c = credential(&did, Value::Null, ok);
                c["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000".into();
                sign(&c, 22)
            },
            "its id is",
        ),
        // a different subject
        (
            "/other-subject",
            {
                let mut c = credential(&did, Value::Null, ok);
                c["credentialSubject"]["id"] = "did:example:someone-else".into();
                sign(&c, 22)
            },
            "its credentialSubject.id is",
        ),
        // tampered after signing
        (
            "/tampered",
            {
                let mut c = sign(&credential(&did, Value::Null, ok), 22);
                c["name"] = "Welding Mastery".into();
                c
            },
            "it fails ob3.proof.eddsa-rdfc-2022",
        ),
        // not a credential
        (
            "/garbage",
            json!(["not", "a", "credential"]),
            "answered with no credential",
        ),
    ];
    for (path, answer, says) in answers {
        let url = format!("{base}{path}");
        routes.insert(path.to_owned(), (200, answer.to_string()));
        cases.push((
            url.clone(),
            sign(&credential(&did, refresh_entry(&url), expired), 22),
            says,
        ));
    }
    let n = cases.len();
    serve(l, routes, n);
    let opts = online();
    for (url, cred, says) in cases {
        let r = run(&cred, &opts);
        let got = refresh_results(&r);
        assert_eq!(got.len(), 1, "{url}: {got:?}");
        assert_eq!(got[0].0, Verdict::Fail, "{url}: {got:?}");
        assert!(got[0].1.contains(says), "{url}: {got:?}");
        assert!(
            got[0].1.contains("the original credential is judged"),
            "{url}: {got:?}"
        );
        // The original (expired) is what step 7 judged.
        assert_eq!(own(&r, "ob3.validity.valid-until"), Verdict::Fail, "{url}");
        assert!(!r.passed());
    }
}

#[test]
fn an_unreachable_service_warns_and_a_malformed_one_fails() {
    let (_, did, _) = key(24);
    let (l, base) = listener();
    serve(l, HashMap::new(), 1);
    let ok = "2030-01-01T00:00:00Z";
    // 404 from the service: not completed (a warning), the original judged and still valid.
    let c = sign(
        &credential(&did, refresh_entry(&format!("{base}/gone")), ok),
        24,
    );
    let r = run(&c, &online());
    let got = refresh_results(&r);
    assert_eq!(got[0].0, Verdict::Warn, "{got:?}");
    assert!(got[0].1.contains("not completed"), "{got:?}");
    assert!(r.passed());
    // Malformed: a failed check, with or without the network (judged before any proof, so
    // these are left unsigned).
    let malformed: Vec<(Value, &str)> = vec![
        (json!({"type": "1EdTechCredentialRefresh"}), "no id"),
        (json!({"id": "https://example.org/refresh"}), "no type"),
        (
            json!({"id": "not a url", "type": "1EdTechCredentialRefresh"}),
            "not an http(s) URL",
        ),
        (
            json!({"id": "urn:uuid:6b1f0d3e", "type": "1EdTechCredentialRefresh"}),
            "not an http(s) URL",
        ),
        (
            json!({"id": 7, "type": "1EdTechCredentialRefresh"}),
            "must be a URL string",
        ),
        (json!("https://example.org/refresh"), "must be an object"),
    ];
    for (entry, says) in malformed {
        let c = credential(&did, entry.clone(), ok);
        for opts in [Options::offline(now()), online()] {
            let r = run(&c, &opts);
            let got = refresh_results(&r);
            assert_eq!(got.len(), 1, "{entry}: {got:?}");
            assert_eq!(got[0].0, Verdict::Fail, "{entry}: {got:?}");
            assert!(got[0].1.contains(says), "{entry}: {got:?}");
        }
    }
    // Another refresh type: not refreshed, said so.
    let c = credential(
        &did,
        json!({"id": "https://example.org/r", "type": "ManualRefreshService2018"}),
        ok,
    );
    let got = refresh_results(&run(&c, &online()));
    assert_eq!(got[0].0, Verdict::Skip, "{got:?}");
    assert!(
        got[0].1.contains("only 1EdTechCredentialRefresh"),
        "{got:?}"
    );
}
