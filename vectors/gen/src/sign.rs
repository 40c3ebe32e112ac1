//! Signing: Data Integrity proofs (through `wellspring_verify::di`), the legacy `eddsa-2022`
//! suite, VC-JWTs, and hand-made JWS for the negative JWT vectors.

use base64::Engine;
use serde_json::{Map, Value};
use sha2::Sha256;
use ssi::jwk::Algorithm;
use ssi::JWK;
use wellspring_verify::di;
use wellspring_verify::jwt::{self, PayloadForm};
use wellspring_verify::loader::ContextLoader;

use crate::keys::Key;

/// Every proof in the set is dated this (before the manifest's `now`).
pub const CREATED: &str = "2025-01-01T00:00:00Z";

/// Adds an `eddsa-rdfc-2022` proof made with `key`, naming `key.vm`.
pub fn eddsa(doc: &Value, key: &Key) -> Result<Value, String> {
    eddsa_as(doc, key, &key.vm)
}

/// A presentation proof (`proofPurpose: authentication`) by the holder `key`.
pub fn eddsa_authentication(doc: &Value, key: &Key) -> Result<Value, String> {
    di::sign_for(
        doc,
        &key.jwk,
        &key.vm,
        CREATED,
        "authentication",
        &ContextLoader::offline(),
    )
}

/// Adds an `eddsa-rdfc-2022` proof made with `key` but naming `vm` (for wrong-key vectors).
pub fn eddsa_as(doc: &Value, key: &Key, vm: &str) -> Result<Value, String> {
    di::sign(doc, &key.jwk, vm, CREATED, &ContextLoader::offline()).map_err(|e| {
        let id = doc.get("id").and_then(Value::as_str).unwrap_or("(no id)");
        format!("signing {id}: {e}")
    })
}

/// Adds a `DataIntegrityProof` with the deprecated cryptosuite name `eddsa-2022` (same
/// transformation, hashing and signature as eddsa-rdfc-2022; only the name differs).
pub fn eddsa_2022(doc: &Value, key: &Key) -> Result<Value, String> {
    let mut proof = Map::new();
    proof.insert("type".into(), "DataIntegrityProof".into());
    proof.insert("created".into(), CREATED.into());
    proof.insert("verificationMethod".into(), key.vm.clone().into());
    proof.insert("cryptosuite".into(), "eddsa-2022".into());
    proof.insert("proofPurpose".into(), "assertionMethod".into());
    di::sign_proof(doc, &key.jwk, proof, &ContextLoader::offline())
}

/// A VC-JWT signed with `key` (kid = its verification method).
pub fn vc_jwt(credential: &Value, key: &Key, form: PayloadForm) -> Result<String, String> {
    jwt::sign(credential, &key.jwk, key.alg, Some(&key.vm), false, form)
}

/// A VC-JWT carrying the public key in the header (`jwk`) instead of a `kid`.
pub fn vc_jwt_embedded_key(credential: &Value, key: &Key) -> Result<String, String> {
    jwt::sign(
        credential,
        &key.jwk,
        key.alg,
        None,
        true,
        PayloadForm::Direct,
    )
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The registered claims a VC-JWT carries for `credential` (iss, jti, sub, nbf, exp).
pub fn claims_for(credential: &Value) -> Map<String, Value> {
    let mut c = Map::new();
    if let Some(iss) = jwt::issuer_id(credential) {
        c.insert("iss".into(), iss.into());
    }
    if let Some(id) = credential.get("id") {
        c.insert("jti".into(), id.clone());
    }
    if let Some(sub) = credential.pointer("/credentialSubject/id") {
        c.insert("sub".into(), sub.clone());
    }
    let from = credential
        .get("validFrom")
        .or_else(|| credential.get("issuanceDate"));
    if let Some(t) = from.and_then(Value::as_str).and_then(jwt::numeric_date) {
        c.insert("nbf".into(), t.into());
    }
    let until = credential
        .get("validUntil")
        .or_else(|| credential.get("expirationDate"));
    if let Some(t) = until.and_then(Value::as_str).and_then(jwt::numeric_date) {
        c.insert("exp".into(), t.into());
    }
    c
}

/// The payload of a direct-form VC-JWT: the credential plus `claims`.
pub fn direct_payload(credential: &Value, claims: Map<String, Value>) -> Map<String, Value> {
    let mut p = credential.as_object().cloned().unwrap_or_default();
    for (k, v) in claims {
        p.insert(k, v);
    }
    p
}

/// `header.payload` (both base64url of compact JSON).
pub fn signing_input(header: &Map<String, Value>, payload: &Map<String, Value>) -> String {
    let h = serde_json::to_vec(header).expect("JSON");
    let p = serde_json::to_vec(payload).expect("JSON");
    format!("{}.{}", b64(&h), b64(&p))
}

/// A compact JWS over any header and payload, signed with `jwk` under `alg`.
pub fn compact(
    header: &Map<String, Value>,
    payload: &Map<String, Value>,
    jwk: &JWK,
    alg: &str,
) -> Result<String, String> {
    let input = signing_input(header, payload);
    let alg: Algorithm =
        serde_json::from_value(Value::String(alg.to_owned())).map_err(|e| e.to_string())?;
    let sig =
        ssi::claims::jws::sign_bytes(alg, input.as_bytes(), jwk).map_err(|e| e.to_string())?;
    Ok(format!("{input}.{}", b64(&sig)))
}

/// HMAC-SHA256 (RFC 2104, the `hmac` crate), for the HS256 vector (a symmetric alg OB does not allow).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use hmac::{Mac, SimpleHmac};
    let mut mac =
        SimpleHmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// A JOSE header `{"alg", "typ": "JWT", "kid"}`.
pub fn header(alg: &str, kid: Option<&str>) -> Map<String, Value> {
    let mut h = Map::new();
    h.insert("alg".into(), alg.into());
    h.insert("typ".into(), "JWT".into());
    if let Some(k) = kid {
        h.insert("kid".into(), k.into());
    }
    h
}

/// Recomputes nothing: swaps the payload of a signed compact JWS (the signature is kept).
pub fn replace_payload(jws: &str, payload: &Map<String, Value>) -> String {
    let mut parts = jws.split('.');
    let h = parts.next().unwrap_or_default();
    let _ = parts.next();
    let s = parts.next().unwrap_or_default();
    format!(
        "{h}.{}.{s}",
        b64(&serde_json::to_vec(payload).expect("JSON"))
    )
}

/// Swaps the header of a signed compact JWS (the signature is kept).
pub fn replace_header(jws: &str, header: &Map<String, Value>) -> String {
    let mut parts = jws.split('.');
    let _ = parts.next();
    let p = parts.next().unwrap_or_default();
    let s = parts.next().unwrap_or_default();
    format!(
        "{}.{p}.{s}",
        b64(&serde_json::to_vec(header).expect("JSON"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
