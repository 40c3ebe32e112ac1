//! Sharing: the learner picks credentials and the wallet builds a VerifiablePresentation whose
//! holder is the learner's `did:key` (a key the wallet keeps for the learner), signed with an
//! `eddsa-rdfc-2022` proof for `authentication`, optionally bound to a verifier's challenge and
//! domain. A CLR can also be handed over as it is.

use serde_json::{json, Value};
use wellspring_model::VerifiablePresentation;
use wellspring_verify::{di, keys, loader::ContextLoader};

use crate::store::StoredCredential;

/// The learner's holder DID and verification method, from the stored key seed.
pub fn holder(seed: [u8; 32]) -> Result<(wellspring_verify::keys::Jwk, String, String), String> {
    let jwk = keys::ed25519_from_seed(seed);
    let (did, vm) = keys::did_key_of(&jwk)?;
    Ok((jwk, did, vm))
}

/// What goes in `verifiableCredential` for a stored credential: the JSON object (a baked
/// image's credential is its embedded one), or the compact JWS as a string.
pub fn embedded(c: &StoredCredential) -> Result<Value, String> {
    if c.format == "jwt" {
        let t =
            std::str::from_utf8(&c.original).map_err(|_| "stored JWT is not text".to_string())?;
        return Ok(Value::String(t.trim().to_owned()));
    }
    let (_, v) = crate::intake::open(&c.original)?;
    // a baked VC-JWT: hand over the JWS, whose signature covers it
    if matches!(c.format.as_str(), "png" | "svg") {
        let text = if c.format == "png" {
            wellspring_verify::baked::extract_png(&c.original)?
        } else {
            wellspring_verify::baked::extract_svg(&c.original)?
        };
        if wellspring_verify::jwt::looks_like_jws(text.trim()) {
            return Ok(Value::String(text.trim().to_owned()));
        }
    }
    Ok(v)
}

/// A signed presentation of `credentials`.
pub fn presentation(
    seed: [u8; 32],
    credentials: &[StoredCredential],
    challenge: Option<&str>,
    domain: Option<&str>,
) -> Result<Value, String> {
    if credentials.is_empty() {
        return Err("pick at least one credential to share".into());
    }
    let (jwk, did, vm) = holder(seed)?;
    let vcs = credentials
        .iter()
        .map(embedded)
        .collect::<Result<Vec<_>, _>>()?;
    // a VC-JWT travels enveloped (VC DM 2.0 § Enveloped Verifiable Credentials): JSON-LD gives
    // a bare string in `verifiableCredential` no meaning, so it could not be signed
    let vcs: Vec<Value> = vcs
        .into_iter()
        .map(|v| match v {
            Value::String(jws) => json!({
                "@context": "https://www.w3.org/ns/credentials/v2",
                "id": format!("data:application/vc+jwt,{jws}"),
                "type": "EnvelopedVerifiableCredential",
            }),
            v => v,
        })
        .collect();
    let mut vp = VerifiablePresentation::new(Some(did), vcs);
    vp.id = Some(format!("urn:uuid:{}", uuid_v4()));
    let mut v = vp.to_value();
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut proof = serde_json::Map::new();
    proof.insert("type".into(), json!("DataIntegrityProof"));
    proof.insert("created".into(), json!(created));
    proof.insert("verificationMethod".into(), json!(vm));
    proof.insert("cryptosuite".into(), json!("eddsa-rdfc-2022"));
    proof.insert("proofPurpose".into(), json!("authentication"));
    if let Some(c) = challenge {
        proof.insert("challenge".into(), json!(c));
    }
    if let Some(d) = domain {
        proof.insert("domain".into(), json!(d));
    }
    v = di::sign_proof(&v, &jwk, proof, &ContextLoader::offline())?;
    Ok(v)
}

fn uuid_v4() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
