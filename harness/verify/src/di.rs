//! Data Integrity proofs: `eddsa-rdfc-2022` (VC-DI-EdDSA §3.3, RDFC-1.0 + SHA-256 + Ed25519),
//! and the legacy `Ed25519Signature2020` / `eddsa-2022` (same transformation and hashing).
//! Every intermediate value is kept so a failed proof can be debugged from the report.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use ssi_jwk::JWK;

use crate::canon::{canonical_nquads, canonical_unsecured, CanonError, Canonical};
use crate::keys::{ed25519_public, ed25519_secret, KeyRing, ResolvedKey};
use crate::loader::ContextLoader;

/// Which suite a proof claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    EddsaRdfc2022,
    /// `DataIntegrityProof` with the pre-standard cryptosuite name `eddsa-2022`.
    Eddsa2022,
    Ed25519Signature2020,
    /// `DataIntegrityProof` / `ecdsa-sd-2023` (selective disclosure; see `sd.rs`).
    EcdsaSd2023,
}

impl Suite {
    pub fn of(proof: &Value) -> Option<Suite> {
        let ty = proof.get("type").and_then(Value::as_str)?;
        match (ty, proof.get("cryptosuite").and_then(Value::as_str)) {
            ("DataIntegrityProof", Some("eddsa-rdfc-2022")) => Some(Suite::EddsaRdfc2022),
            ("DataIntegrityProof", Some("eddsa-2022")) => Some(Suite::Eddsa2022),
            ("DataIntegrityProof", Some("ecdsa-sd-2023")) => Some(Suite::EcdsaSd2023),
            ("Ed25519Signature2020", _) => Some(Suite::Ed25519Signature2020),
            _ => None,
        }
    }

    pub fn is_legacy(self) -> bool {
        matches!(self, Suite::Eddsa2022 | Suite::Ed25519Signature2020)
    }
}

/// What verifying one proof found.
#[derive(Debug, Clone, Default)]
pub struct ProofTrace {
    pub verification_method: Option<String>,
    pub key: Option<ResolvedKey>,
    pub canonical_document: Option<String>,
    pub canonical_proof_config: Option<String>,
    pub document_hash: Option<String>,
    pub proof_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub enum ProofError {
    /// The proof object is malformed (missing member, wrong value).
    Malformed(String),
    /// Canonicalization failed (unknown context, undefined term, too large...).
    Canon(CanonError),
    /// The key could not be found.
    Key(String),
    /// The signature does not verify.
    BadSignature,
    /// The proof could not be judged with the libraries we have (the message says why).
    Unsupported(String),
}

impl std::fmt::Display for ProofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProofError::Malformed(m) => write!(f, "malformed proof: {m}"),
            ProofError::Canon(e) => write!(f, "{e}"),
            ProofError::Key(m) | ProofError::Unsupported(m) => write!(f, "{m}"),
            ProofError::BadSignature => write!(
                f,
                "signature does not verify: the signed data or the key differs from what was signed"
            ),
        }
    }
}

/// Canonicalizes and hashes: returns (proof-config hash ‖ document hash), filling the trace.
/// `doc` is canonicalized without its `proof`, unless the caller already did (`doc_canon`: the
/// lines, or the error canonicalizing it gave, which is then this proof's error too).
fn hash_data(
    doc: &Value,
    proof_config: Value,
    loader: &ContextLoader,
    trace: &mut ProofTrace,
    doc_canon: Option<&Canonical>,
) -> Result<Vec<u8>, ProofError> {
    let doc = match doc_canon {
        Some(Ok(lines)) => lines.concat(),
        Some(Err(e)) => return Err(ProofError::Canon(e.clone())),
        None => canonical_unsecured(doc, loader)
            .map_err(ProofError::Canon)?
            .concat(),
    };
    let doc_hash = Sha256::digest(doc.as_bytes());
    trace.canonical_document = Some(doc);
    trace.document_hash = Some(hex::encode(doc_hash));
    let cfg_lines = canonical_nquads(&proof_config, loader).map_err(ProofError::Canon)?;
    let cfg = cfg_lines.concat();
    let cfg_hash = Sha256::digest(cfg.as_bytes());
    trace.canonical_proof_config = Some(cfg);
    trace.proof_hash = Some(hex::encode(cfg_hash));
    let mut out = cfg_hash.to_vec();
    out.extend_from_slice(&doc_hash);
    Ok(out)
}

/// The proof configuration: the proof without `proofValue`, carrying the document's `@context`.
fn proof_configuration(doc: &Value, proof: &Map<String, Value>) -> Value {
    let mut cfg = proof.clone();
    cfg.remove("proofValue");
    if let Some(ctx) = doc.get("@context") {
        cfg.insert("@context".into(), ctx.clone());
    }
    Value::Object(cfg)
}

/// Verifies one embedded proof of `doc` (the proof given separately, so that proof sets work).
pub fn verify_proof(
    doc: &Value,
    proof: &Value,
    keys: &KeyRing,
    loader: &ContextLoader,
    trace: &mut ProofTrace,
) -> Result<Suite, ProofError> {
    verify_proof_with(doc, proof, keys, loader, trace, None, "assertionMethod")
}

/// As [`verify_proof`], reusing the canonical N-Quads of the unsecured document if known.
pub fn verify_proof_with(
    doc: &Value,
    proof: &Value,
    keys: &KeyRing,
    loader: &ContextLoader,
    trace: &mut ProofTrace,
    doc_canon: Option<&Canonical>,
    purpose: &str,
) -> Result<Suite, ProofError> {
    let p = proof
        .as_object()
        .ok_or_else(|| ProofError::Malformed("proof is not an object".into()))?;
    let suite = Suite::of(proof).ok_or_else(|| {
        ProofError::Malformed(format!(
            "unsupported proof type/cryptosuite: {}/{}",
            p.get("type").unwrap_or(&Value::Null),
            p.get("cryptosuite").unwrap_or(&Value::Null)
        ))
    })?;
    if suite == Suite::EcdsaSd2023 {
        let v = crate::sd::verify_ecdsa_sd_with(doc, proof, keys, loader, doc_canon, purpose)?;
        trace.verification_method = Some(v.verification_method);
        trace.key = Some(v.key);
        return Ok(suite);
    }
    if p.get("proofPurpose").and_then(Value::as_str) != Some(purpose) {
        return Err(ProofError::Malformed(format!(
            "proofPurpose must be \"{purpose}\", found {}",
            p.get("proofPurpose").unwrap_or(&Value::Null)
        )));
    }
    let vm = p
        .get("verificationMethod")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ProofError::Malformed("verificationMethod missing or not a string".into())
        })?;
    trace.verification_method = Some(vm.to_owned());
    let pv = p
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or_else(|| ProofError::Malformed("proofValue missing or not a string".into()))?;
    if !pv.starts_with('z') {
        return Err(ProofError::Malformed(
            "proofValue must be multibase base58btc ('z…')".into(),
        ));
    }
    let (_, sig) = multibase::decode(pv)
        .map_err(|e| ProofError::Malformed(format!("proofValue is not multibase: {e}")))?;
    let sig: [u8; 64] = sig.as_slice().try_into().map_err(|_| {
        ProofError::Malformed(format!("proofValue decodes to {} bytes, not 64", sig.len()))
    })?;
    if let Some(created) = p.get("created") {
        let ok = created
            .as_str()
            .is_some_and(|c| chrono::DateTime::parse_from_rfc3339(c).is_ok());
        if !ok {
            return Err(ProofError::Malformed(format!(
                "created is not an RFC 3339 date-time: {created}"
            )));
        }
    }
    let key = keys.resolve_for(vm, purpose).map_err(ProofError::Key)?;
    let public = ed25519_public(&key.jwk)
        .ok_or_else(|| ProofError::Key(format!("key {vm} is not an Ed25519 key")))?;
    trace.key = Some(key);

    let cfg = proof_configuration(doc, p);
    let data = hash_data(doc, cfg, loader, trace, doc_canon)?;
    use ed25519_dalek::Verifier;
    public
        .verify(&data, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| ProofError::BadSignature)?;
    Ok(suite)
}

/// Signs `doc` with an `eddsa-rdfc-2022` proof (added as `proof`; an existing proof becomes a set).
pub fn sign(
    doc: &Value,
    key: &JWK,
    verification_method: &str,
    created: &str,
    loader: &ContextLoader,
) -> Result<Value, String> {
    sign_for(
        doc,
        key,
        verification_method,
        created,
        "assertionMethod",
        loader,
    )
}

/// As [`sign`], with another proof purpose (a presentation: `authentication`).
pub fn sign_for(
    doc: &Value,
    key: &JWK,
    verification_method: &str,
    created: &str,
    purpose: &str,
    loader: &ContextLoader,
) -> Result<Value, String> {
    let mut proof = Map::new();
    proof.insert("type".into(), "DataIntegrityProof".into());
    proof.insert("created".into(), created.into());
    proof.insert("verificationMethod".into(), verification_method.into());
    proof.insert("cryptosuite".into(), "eddsa-rdfc-2022".into());
    proof.insert("proofPurpose".into(), purpose.into());
    sign_proof(doc, key, proof, loader)
}

/// Signs `doc` with the given proof options (everything but `proofValue`): RDFC-1.0, SHA-256,
/// Ed25519. `sign` and `sign_for` build the options; test vectors use this for legacy names.
pub fn sign_proof(
    doc: &Value,
    key: &JWK,
    mut proof: Map<String, Value>,
    loader: &ContextLoader,
) -> Result<Value, String> {
    let sk = ed25519_secret(key).ok_or("signing key is not a private Ed25519 key")?;
    let mut unsecured = doc.clone();
    let existing = unsecured.as_object_mut().and_then(|o| o.remove("proof"));
    let cfg = proof_configuration(doc, &proof);
    let data = hash_data(&unsecured, cfg, loader, &mut ProofTrace::default(), None)
        .map_err(|e| e.to_string())?;
    use ed25519_dalek::Signer;
    let sig = sk.sign(&data);
    proof.insert(
        "proofValue".into(),
        multibase::encode(multibase::Base::Base58Btc, sig.to_bytes()).into(),
    );
    let mut out = doc.clone();
    let o = out.as_object_mut().ok_or("document is not a JSON object")?;
    let new = Value::Object(proof);
    let value = match existing {
        None => new,
        Some(Value::Array(mut a)) => {
            a.push(new);
            Value::Array(a)
        }
        Some(one) => Value::Array(vec![one, new]),
    };
    o.insert("proof".into(), value);
    Ok(out)
}
