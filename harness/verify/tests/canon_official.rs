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
    assert_eq!(hex::encode(h), "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773");
}
