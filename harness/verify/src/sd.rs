//! `ecdsa-sd-2023` selective-disclosure proofs (VC-DI-ECDSA §3.4). A verifier only ever
//! sees *derived* proofs: the holder reveals a subset of the claims and the proof carries one
//! ECDSA P-256 signature per revealed statement. All cryptography, CBOR decoding, HMAC blank
//! node labelling and canonicalization are `ssi`'s (`EcdsaSd2023`); this module resolves the
//! key through our [`KeyRing`], loads contexts only through our [`ContextLoader`], and bounds
//! the work first with our own canonicalization (which rejects undefined terms and
//! oversized or poison graphs) before `ssi` canonicalizes the same graph again.
//!
//! Issuing (a base proof) and deriving are here too, for tests, vectors and reference servers.

use std::collections::HashMap;

use iref::{IriBuf, UriBuf};
use serde_json::{Map, Value};
use ssi::claims::data_integrity::suites::EcdsaSd2023;
use ssi::claims::data_integrity::{DataIntegrity, DataIntegrityDocument};
use ssi::claims::{ProofValidationError, VerificationParameters};
use ssi::security::MultibaseBuf;
use ssi::verification_methods::multikey::PublicKey;
use ssi::verification_methods::Multikey;
use ssi_jwk::Params;

use crate::canon::canonical_nquads;
use crate::di::ProofError;
use crate::keys::{multibase_of, KeyRing, ResolvedKey};
use crate::loader::ContextLoader;

mod issue;
pub use issue::{base_example, derive, derived_example, sign_base, BaseSigning, EXAMPLE_DISCLOSED};

/// The cryptosuite name.
pub const CRYPTOSUITE: &str = "ecdsa-sd-2023";

/// CBOR tag prefixes of the decoded `proofValue` (VC-DI-ECDSA §3.5.2 and §3.5.7).
const BASE_HEADER: [u8; 3] = [0xd9, 0x5d, 0x00];
const DERIVED_HEADER: [u8; 3] = [0xd9, 0x5d, 0x01];

/// What a verified derived proof was signed with; the caller judges issuer binding from it.
#[derive(Debug, Clone)]
pub struct SdVerified {
    /// The proof's `verificationMethod`.
    pub verification_method: String,
    /// The issuer's P-256 public key and who controls it (for did:key: the DID).
    pub key: ResolvedKey,
    /// How many statements (N-Quads) the holder disclosed.
    pub disclosed_statements: usize,
}

/// Verifies an `ecdsa-sd-2023` derived proof of `doc` (the proof given separately, so that
/// proof sets work) for the `assertionMethod` purpose.
pub fn verify_ecdsa_sd(
    doc: &Value,
    proof: &Value,
    keys: &KeyRing,
    loader: &ContextLoader,
) -> Result<SdVerified, ProofError> {
    verify_ecdsa_sd_with(doc, proof, keys, loader, None, "assertionMethod")
}

/// As [`verify_ecdsa_sd`], with the proof purpose to require and, when the caller already
/// canonicalized the unsecured document, its N-Quads (the bounding pass is then skipped).
pub fn verify_ecdsa_sd_with(
    doc: &Value,
    proof: &Value,
    keys: &KeyRing,
    loader: &ContextLoader,
    doc_canon: Option<&crate::canon::Canonical>,
    purpose: &str,
) -> Result<SdVerified, ProofError> {
    let p = proof
        .as_object()
        .ok_or_else(|| malformed("proof is not an object"))?;
    check_options(p, purpose)?;
    let vm = p
        .get("verificationMethod")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("verificationMethod missing or not a string"))?;
    check_proof_value(p)?;
    let key = keys.resolve(vm).map_err(ProofError::Key)?;
    let method = multikey(vm, &key)?;
    let mut unsecured = doc.clone();
    unsecured
        .as_object_mut()
        .ok_or_else(|| malformed("the credential is not a JSON object"))?
        .remove("proof");
    let own;
    let lines = match doc_canon {
        Some(Ok(lines)) => &lines[..],
        Some(Err(e)) => return Err(ProofError::Canon(e.clone())),
        None => {
            own = canonical_nquads(&unsecured, loader).map_err(ProofError::Canon)?;
            &own[..]
        }
    };
    if let Some(o) = unsecured.as_object_mut() {
        o.insert("proof".into(), proof.clone());
    }
    let secured: DataIntegrity<DataIntegrityDocument, EcdsaSd2023> =
        serde_json::from_value(unsecured)
            .map_err(|e| malformed(&format!("not an ecdsa-sd-2023 secured document: {e}")))?;
    match run_ssi(&secured, method, loader) {
        Err(ProofError::BadSignature) if lines.iter().any(|l| mistyped_by_ssi(l)) => {
            return Err(ProofError::Unsupported(MISTYPED.into()))
        }
        r => r?,
    }
    Ok(SdVerified {
        verification_method: vm.to_owned(),
        key,
        disclosed_statements: lines.len(),
    })
}

const MISTYPED: &str = "ecdsa-sd-2023 signature does not verify, but this cannot be \
    judged: the disclosed statements hold a JSON boolean or number whose term the context types \
    with an https://www.w3.org/2001/XMLSchema# datatype, which ssi 0.16 re-types as http://… \
    before checking (spruceid/ssi#709, not yet released); the proof may be valid";

/// Does this canonical N-Quad hold a native JSON boolean or number typed with an `https`
/// XML Schema datatype (OB 3.0's context does this for `hashed` and numeric fields)?
fn mistyped_by_ssi(line: &str) -> bool {
    const NATIVE: &[&str] = &[
        "boolean",
        "integer",
        "float",
        "double",
        "decimal",
        "nonNegativeInteger",
        "positiveInteger",
    ];
    NATIVE
        .iter()
        .any(|t| line.contains(&format!("\"^^<https://www.w3.org/2001/XMLSchema#{t}> ")))
}

fn malformed(m: &str) -> ProofError {
    ProofError::Malformed(m.to_owned())
}

/// `type`, `cryptosuite`, `proofPurpose` and `created`, as VC Data Integrity §4.3 requires.
fn check_options(p: &Map<String, Value>, purpose: &str) -> Result<(), ProofError> {
    let ty = p.get("type").and_then(Value::as_str);
    let suite = p.get("cryptosuite").and_then(Value::as_str);
    if ty != Some("DataIntegrityProof") || suite != Some(CRYPTOSUITE) {
        return Err(malformed(&format!(
            "not a DataIntegrityProof with cryptosuite {CRYPTOSUITE}: {}/{}",
            p.get("type").unwrap_or(&Value::Null),
            p.get("cryptosuite").unwrap_or(&Value::Null)
        )));
    }
    if p.get("proofPurpose").and_then(Value::as_str) != Some(purpose) {
        return Err(malformed(&format!(
            "proofPurpose must be \"{purpose}\", found {}",
            p.get("proofPurpose").unwrap_or(&Value::Null)
        )));
    }
    if let Some(created) = p.get("created") {
        let ok = created
            .as_str()
            .is_some_and(|c| chrono::DateTime::parse_from_rfc3339(c).is_ok());
        if !ok {
            return Err(malformed(&format!(
                "created is not an RFC 3339 date-time: {created}"
            )));
        }
    }
    Ok(())
}

/// The `proofValue` must be a multibase base64url derived proof; a base proof is the
/// issuer-to-holder form and says so.
fn check_proof_value(p: &Map<String, Value>) -> Result<(), ProofError> {
    let pv = p
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("proofValue missing or not a string"))?;
    if !pv.starts_with('u') {
        return Err(malformed(
            "proofValue must be multibase base64url ('u…') for ecdsa-sd-2023",
        ));
    }
    let (_, bytes) = multibase::decode(pv)
        .map_err(|e| malformed(&format!("proofValue is not multibase: {e}")))?;
    match bytes.get(..3) {
        Some(h) if h == DERIVED_HEADER => Ok(()),
        Some(h) if h == BASE_HEADER => Err(malformed(
            "base proof: not for verifiers (an ecdsa-sd-2023 base proof is for the holder, who \
             must derive a disclosure proof from it, VC-DI-ECDSA §3.4.1)",
        )),
        _ => Err(malformed(
            "proofValue is neither an ecdsa-sd-2023 base nor derived proof (CBOR tag header)",
        )),
    }
}

/// The resolved key as the `Multikey` `ssi` verifies with: P-256 only.
fn multikey(vm: &str, key: &ResolvedKey) -> Result<Multikey, ProofError> {
    let p256 = matches!(&key.jwk.params, Params::EC(ec) if ec.curve.as_deref() == Some("P-256"));
    if !p256 {
        return Err(ProofError::Key(format!(
            "key {vm} is not a P-256 key (ecdsa-sd-2023 needs one)"
        )));
    }
    let mb = multibase_of(&key.jwk).map_err(ProofError::Key)?;
    let id = IriBuf::new(vm.to_owned())
        .map_err(|_| malformed(&format!("verificationMethod is not an IRI: {vm}")))?;
    let controller = UriBuf::new(key.controller.clone().into_bytes())
        .map_err(|_| ProofError::Key(format!("controller is not a URI: {}", key.controller)))?;
    Ok(Multikey {
        id,
        controller,
        public_key: PublicKey::from_multibase(MultibaseBuf::new(mb)),
    })
}

/// `ssi`'s derived-proof verification (VC-DI-ECDSA §3.4.8 verifyDerivedProof). A panic in
/// the dependency becomes a failed proof rather than taking the verifier down.
fn run_ssi(
    secured: &DataIntegrity<DataIntegrityDocument, EcdsaSd2023>,
    method: Multikey,
    loader: &ContextLoader,
) -> Result<(), ProofError> {
    let mut methods: HashMap<IriBuf, Multikey> = HashMap::new();
    methods.insert(method.id.clone(), method);
    let params = VerificationParameters::from_resolver(methods).with_json_ld_loader(loader.clone());
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pollster::block_on(secured.verify(&params))
    }))
    .map_err(|_| malformed("ecdsa-sd-2023 verification failed inside ssi (panic)"))?;
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) | Err(ProofValidationError::InvalidSignature) => Err(ProofError::BadSignature),
        Err(e) => Err(malformed(&format!("ecdsa-sd-2023: {e}"))),
    }
}
