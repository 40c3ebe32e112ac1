//! The W3C VC-DI-EdDSA test vectors (eddsa-rdfc-2022 and the legacy Ed25519Signature2020),
//! verified with our Data Integrity code and did:key resolution, intermediate values compared.

use serde_json::Value;
use wellspring_verify::{di, keys::KeyRing, loader::ContextLoader};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/spec/w3c-vectors/w3c-vc-di-eddsa/TestVectors/"
);

fn read(p: &str) -> String {
    std::fs::read_to_string(format!("{DIR}{p}")).unwrap()
}

fn check(signed: &str, doc_hash: &str, proof_hash: &str, suite: di::Suite) {
    let v: Value = serde_json::from_str(&read(signed)).unwrap();
    let mut trace = di::ProofTrace::default();
    let s = di::verify_proof(
        &v,
        &v["proof"],
        &KeyRing::new(),
        &ContextLoader::offline(),
        &mut trace,
    )
    .unwrap_or_else(|e| panic!("{signed}: {e}"));
    assert_eq!(s, suite);
    assert_eq!(trace.document_hash.unwrap(), read(doc_hash).trim());
    assert_eq!(trace.proof_hash.unwrap(), read(proof_hash).trim());
    let mut t = v.clone();
    t["credentialSubject"]["id"] = "did:example:other".into();
    let r = di::verify_proof(
        &t,
        &t["proof"],
        &KeyRing::new(),
        &ContextLoader::offline(),
        &mut di::ProofTrace::default(),
    );
    assert!(matches!(r, Err(di::ProofError::BadSignature)));
}

#[test]
fn eddsa_rdfc_2022_vector() {
    check(
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-rdfc-2022/docHashDataInt.txt",
        "eddsa-rdfc-2022/proofHashDataInt.txt",
        di::Suite::EddsaRdfc2022,
    );
}

#[test]
fn ed25519_signature_2020_legacy_vector() {
    check(
        "Ed25519Signature2020/signedEdSig.json",
        "Ed25519Signature2020/docHashEdSig.txt",
        "Ed25519Signature2020/proofHashEdSig.txt",
        di::Suite::Ed25519Signature2020,
    );
}
