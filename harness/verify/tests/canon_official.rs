use sha2::{Digest, Sha256};
use wellspring_verify::{canon, loader::ContextLoader};

#[test]
fn official_ob_vector_document_hash_matches() {
    let signed: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../shared/spec/ob30/test-vectors/ldp-eddsa-rdfc-2022-signed.json"
    ))
    .unwrap();
    let mut doc = signed.clone();
    doc.as_object_mut().unwrap().remove("proof");
    let lines = canon::canonical_nquads(&doc, &ContextLoader::offline()).unwrap();
    let h = Sha256::digest(lines.concat().as_bytes());
    assert_eq!(
        hex::encode(h),
        "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
    );
}

fn official(path: &str) -> (serde_json::Value, serde_json::Value) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/");
    let signed = std::fs::read_to_string(format!(
        "{dir}{path}/test-vectors/ldp-eddsa-rdfc-2022-signed.json"
    ))
    .unwrap();
    let key = std::fs::read_to_string(format!(
        "{dir}{path}/test-vectors/ldp-eddsa-rdfc-2022-key.json"
    ))
    .unwrap();
    (
        serde_json::from_str(&signed).unwrap(),
        serde_json::from_str(&key).unwrap(),
    )
}

#[test]
fn official_vectors_verify_with_given_key_and_fail_when_tampered() {
    use wellspring_verify::{di, keys::KeyRing};
    for std in ["ob30", "clr20"] {
        let (signed, key) = official(std);
        let mut ring = KeyRing::new();
        ring.add(
            key["verificationMethod"].as_str().unwrap(),
            key["publicKeyMultibase"].as_str().unwrap(),
        )
        .unwrap();
        let loader = ContextLoader::offline();
        let mut trace = di::ProofTrace::default();
        let proof = if signed["proof"].is_array() {
            signed["proof"][0].clone()
        } else {
            signed["proof"].clone()
        };
        let r = di::verify_proof(&signed, &proof, &ring, &loader, &mut trace);
        assert!(r.is_ok(), "{std}: {:?}", r.err());
        assert_eq!(
            trace.document_hash.as_deref(),
            key["documentHashHex"].as_str()
        );
        assert_eq!(trace.proof_hash.as_deref(), key["proofHashHex"].as_str());
        let mut tampered = signed.clone();
        tampered["name"] = "Tampered".into();
        let r = di::verify_proof(
            &tampered,
            &proof,
            &ring,
            &loader,
            &mut di::ProofTrace::default(),
        );
        assert!(
            matches!(r, Err(di::ProofError::BadSignature)),
            "{std}: tampered must fail"
        );
        // Without the key, offline: the Multikey in the method URL's fragment verifies it,
        // as the 1EdTech validator reads it, but binds it to nobody.
        let mut trace = di::ProofTrace::default();
        let r = di::verify_proof(&signed, &proof, &KeyRing::new(), &loader, &mut trace);
        assert!(r.is_ok(), "{std}: {r:?}");
        let key = trace.key.expect("resolved key");
        assert_eq!((key.source, key.bound_to), ("fragment", None));
    }
}

/// JSON-LD 1.1 toRdf: a native value keeps the datatype its term declares (OB declares
/// `hashed` as `https://www.w3.org/2001/XMLSchema#boolean`, with https), and integral numbers
/// get the integer lexical form (`3.0` → "3"), as jsonld.js and the digitalbazaar verifier do.
#[test]
fn typed_native_values_follow_json_ld_to_rdf() {
    let doc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"type": ["AchievementSubject"], "creditsEarned": 3.0,
            "identifier": [{"type": "IdentityObject", "hashed": true, "identityHash": "x", "identityType": "emailAddress"}]}
    });
    let lines = canon::canonical_nquads(&doc, &ContextLoader::offline())
        .unwrap()
        .concat();
    assert!(
        lines.contains("\"true\"^^<https://www.w3.org/2001/XMLSchema#boolean>"),
        "{lines}"
    );
    assert!(
        lines.contains("\"3\"^^<https://www.w3.org/2001/XMLSchema#float>"),
        "{lines}"
    );
}
