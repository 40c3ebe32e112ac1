//! Property tests: arbitrary JSON, and arbitrary mutations of a validly signed credential,
//! never panic the verifier; removing or corrupting the proof never verifies.

use proptest::prelude::*;
use serde_json::{json, Value};
use wellspring_verify::{di, keys, loader::ContextLoader, verify_bytes, Options};

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn signed() -> Value {
    let k = keys::ed25519_from_seed([11; 32]);
    let (did, vm) = keys::did_key_of(&k).unwrap();
    let c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {"id": "did:example:s", "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.org/a", "type": ["Achievement"], "name": "A",
                "description": "D", "criteria": {"narrative": "N"}}}
    });
    di::sign(
        &c,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap()
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,24}".prop_map(Value::from),
        prop_oneof![
            Just("VerifiableCredential"),
            Just("OpenBadgeCredential"),
            Just("ClrCredential"),
            Just("https://www.w3.org/ns/credentials/v2"),
            Just("2025-13-45T99:00:00Z"),
            Just("did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"),
            Just("eddsa-rdfc-2022"),
            Just("@context"),
            Just("\u{0}"),
            Just("\u{202e}")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    ".{0,8}".prop_map(String::from),
                    Just("@context".to_string()),
                    Just("type".to_string()),
                    Just("proof".to_string()),
                    Just("credentialSubject".to_string()),
                    Just("@id".to_string())
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer in a document.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            pointers(
                x,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let r = verify_bytes("p", v.to_string().as_bytes(), &Options::offline(now()));
        prop_assert!(!r.passed());
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..512)) {
        let r = verify_bytes("p", &b, &Options::offline(now()));
        prop_assert!(!r.passed());
    }

    #[test]
    fn mutated_credentials_never_panic(pick in any::<prop::sample::Index>(), replacement in arb_json(), delete in any::<bool>()) {
        let mut v = signed();
        let mut ps = Vec::new();
        pointers(&v, String::new(), &mut ps);
        let p = pick.get(&ps[1..]).clone();
        let (parent, last) = p.rsplit_once('/').unwrap();
        let mut changed = true;
        if let Some(target) = v.pointer_mut(parent) {
            match target {
                Value::Object(o) if delete => { o.remove(&last.replace("~1", "/").replace("~0", "~")); }
                Value::Array(a) if delete => { let i: usize = last.parse().unwrap(); a.remove(i); }
                _ => {
                    let slot = v.pointer_mut(&p).unwrap();
                    changed = *slot != replacement;
                    *slot = replacement;
                }
            }
        }
        let r = verify_bytes("m", v.to_string().as_bytes(), &Options::offline(now()));
        // The proof itself was touched: it can no longer verify.
        if changed && p.starts_with("/proof") && (p.contains("proofValue") || p == "/proof" || p.contains("verificationMethod")) {
            prop_assert!(!r.passed(), "mutating {p} still verified");
        }
    }
}

#[test]
fn unmutated_credential_verifies() {
    let r = verify_bytes(
        "m",
        signed().to_string().as_bytes(),
        &Options::offline(now()),
    );
    assert!(r.passed(), "{r:#?}");
}
