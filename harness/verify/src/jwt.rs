//! VC-JWT (OB 3.0 §8.2 "JSON Web Token Proof Format", `#jwt-proof`, `#jwt-verify`): a compact
//! JWS whose payload is the credential itself (current text) or carries it in a `vc` claim
//! (earlier text, and most VC-JWTs in the wild). Signature verification is `ssi-jws`.

use base64::Engine;
use serde_json::{Map, Value};
use ssi_jwk::{Algorithm, JWK};

use crate::keys::{KeyRing, ResolvedKey};

/// Algorithms a VC-JWT may use here. RS256 is the spec's minimum; ES256 and EdDSA interoperate.
pub const ALLOWED_ALGS: &[&str] = &["RS256", "ES256", "EdDSA"];

/// Is this text a compact JWS (three base64url parts)?
pub fn looks_like_jws(text: &str) -> bool {
    // Three parts of base64url characters (a JSON text fails at its first `{`); the header must
    // not be empty, the payload may be (detached), the signature must not. A table lookup per
    // byte: a fuzzed JWS can be megabytes.
    const B64URL: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
            b += 1;
        }
        t
    };
    let mut parts = text.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let b64 = |x: &str| x.bytes().all(|b| B64URL[b as usize]);
    !h.is_empty() && !s.is_empty() && b64(h) && b64(p) && b64(s)
}

/// Where the credential sits in the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadForm {
    /// The payload is the credential (OB 3.0 current text, VC-JOSE-COSE).
    Direct,
    /// The credential is the `vc` claim (VC-JWT 1.1 form).
    VcClaim,
}

/// A decoded (not yet verified) VC-JWT.
#[derive(Debug, Clone)]
pub struct DecodedJwt {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    pub credential: Value,
    pub form: PayloadForm,
    signing_input: String,
    signature: Vec<u8>,
}

fn b64(part: &str, what: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| format!("JWT {what} is not base64url: {e}"))
}

/// Splits and decodes a compact JWS; checks nothing cryptographic.
pub fn decode(jws: &str) -> Result<DecodedJwt, String> {
    let jws = jws.trim();
    if !looks_like_jws(jws) {
        return Err("not a compact JWS (three base64url parts separated by '.')".into());
    }
    let mut it = jws.split('.');
    let (h, p, s) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    let header: Map<String, Value> = serde_json::from_slice(&b64(h, "header")?)
        .map_err(|e| format!("JWT header is not a JSON object: {e}"))?;
    let payload: Map<String, Value> = serde_json::from_slice(&b64(p, "payload")?)
        .map_err(|e| format!("JWT payload is not a JSON object: {e}"))?;
    let signature = b64(s, "signature")?;
    let (credential, form) = match payload.get("vc") {
        Some(vc @ Value::Object(_)) => (vc.clone(), PayloadForm::VcClaim),
        Some(_) => return Err("JWT `vc` claim is not an object".into()),
        None => (Value::Object(payload.clone()), PayloadForm::Direct),
    };
    Ok(DecodedJwt {
        header,
        payload,
        credential,
        form,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

/// JOSE header parameters this verifier understands and processes, so `crit` may name none
/// of them: `crit` lists extensions, and every one listed must be understood (RFC 7515 §4.1.11).
pub const UNDERSTOOD_CRIT: &[&str] = &[];

/// RFC 7515 §4.1.11: a `crit` header must be a non-empty array of extension names that this
/// verifier understands; anything else makes the JWS invalid.
pub fn check_crit(header: &Map<String, Value>) -> Result<(), String> {
    let Some(crit) = header.get("crit") else {
        return Ok(());
    };
    let names: Option<Vec<&str>> = crit
        .as_array()
        .filter(|a| !a.is_empty())
        .and_then(|a| a.iter().map(Value::as_str).collect());
    match names {
        None => Err(format!(
            "JOSE header crit must be a non-empty array of names (RFC 7515 §4.1.11); found {crit}"
        )),
        Some(n) if n.iter().all(|x| UNDERSTOOD_CRIT.contains(x)) => Ok(()),
        Some(_) => Err(format!(
            "JOSE header crit names extension(s) this verifier does not understand: {crit}; RFC 7515 §4.1.11 requires rejecting the JWS"
        )),
    }
}

/// The JOSE header members OB 3.0 allows (§ JOSE Header: alg, kid or jwk, typ; "additional
/// headers are not allowed").
pub const HEADER_MEMBERS: &[&str] = &["alg", "kid", "jwk", "typ"];

/// Members of a JWK that are private key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
const PRIVATE_JWK_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// OB 3.0 § JOSE Header: `typ`, when present, is "JWT"; no member beyond alg, kid, jwk, typ;
/// an inline `jwk` is a public key only.
pub fn check_header(header: &Map<String, Value>) -> Result<(), String> {
    if let Some(typ) = header.get("typ") {
        if typ.as_str().is_none_or(|t| !t.eq_ignore_ascii_case("JWT")) {
            return Err(format!(
                "JOSE header typ is {typ}; when present it must be \"JWT\" (OB 3.0 § JOSE Header)"
            ));
        }
    }
    let extra: Vec<&str> = header
        .keys()
        .map(String::as_str)
        .filter(|k| !HEADER_MEMBERS.contains(k))
        .collect();
    if !extra.is_empty() {
        return Err(format!(
            "JOSE header carries {} besides alg, kid, jwk and typ: additional headers are not allowed (OB 3.0 § JOSE Header)",
            extra.join(", ")
        ));
    }
    if let Some(jwk) = header.get("jwk").and_then(Value::as_object) {
        let private: Vec<&str> = PRIVATE_JWK_MEMBERS
            .iter()
            .copied()
            .filter(|m| jwk.contains_key(*m))
            .collect();
        if !private.is_empty() {
            return Err(format!(
                "JOSE header jwk contains private key material ({}): never publish it",
                private.join(", ")
            ));
        }
    }
    Ok(())
}

/// Verifies the JWS signature: `crit` understood, the header as OB 3.0 allows it, `alg`
/// allowed, key from `jwk` (public only) or `kid`. Returns where the key came from and the key;
/// an inline `jwk` is bound to nobody.
pub fn verify_signature(jwt: &DecodedJwt, keys: &KeyRing) -> Result<(String, ResolvedKey), String> {
    check_crit(&jwt.header)?;
    check_header(&jwt.header)?;
    let alg_name = jwt.header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !ALLOWED_ALGS.contains(&alg_name) {
        return Err(format!(
            "JOSE header alg {:?} is not allowed (allowed: {})",
            jwt.header.get("alg").unwrap_or(&Value::Null),
            ALLOWED_ALGS.join(", ")
        ));
    }
    let alg: Algorithm = serde_json::from_value(Value::String(alg_name.to_owned()))
        .map_err(|e| format!("alg {alg_name}: {e}"))?;
    let (resolved, source) = if let Some(jwk) = jwt.header.get("jwk") {
        let jwk: JWK =
            serde_json::from_value(jwk.clone()).map_err(|e| format!("header jwk: {e}"))?;
        let key = ResolvedKey {
            jwk,
            controller: String::new(),
            source: "header jwk",
            bound_to: None,
        };
        (key, "header jwk".to_owned())
    } else if let Some(kid) = jwt.header.get("kid").and_then(Value::as_str) {
        (keys.resolve(kid)?, format!("kid {kid}"))
    } else {
        return Err("JOSE header has neither kid nor jwk: no key to verify with".into());
    };
    ssi_jws::verify_bytes(
        alg,
        jwt.signing_input.as_bytes(),
        &resolved.jwk,
        &jwt.signature,
    )
    .map_err(|e| format!("signature does not verify with the key from the {source}: {e}"))?;
    Ok((source, resolved))
}

/// Signs a credential as a VC-JWT. `kid`: header kid; `embed_jwk`: put the public key in the header.
pub fn sign(
    credential: &Value,
    key: &JWK,
    alg: &str,
    kid: Option<&str>,
    embed_jwk: bool,
    form: PayloadForm,
) -> Result<String, String> {
    let cred = credential
        .as_object()
        .ok_or("credential is not a JSON object")?;
    let mut header = Map::new();
    header.insert("alg".into(), alg.into());
    header.insert("typ".into(), "JWT".into());
    if let Some(kid) = kid {
        header.insert("kid".into(), kid.into());
    }
    if embed_jwk {
        header.insert(
            "jwk".into(),
            serde_json::to_value(key.to_public()).map_err(|e| e.to_string())?,
        );
    }
    let mut claims = Map::new();
    if let Some(iss) = issuer_id(credential) {
        claims.insert("iss".into(), iss.into());
    }
    if let Some(id) = cred.get("id") {
        claims.insert("jti".into(), id.clone());
    }
    if let Some(sub) = credential.pointer("/credentialSubject/id") {
        claims.insert("sub".into(), sub.clone());
    }
    let from = cred.get("validFrom").or_else(|| cred.get("issuanceDate"));
    if let Some(t) = from.and_then(Value::as_str).and_then(numeric_date) {
        claims.insert("nbf".into(), t.into());
    }
    let until = cred
        .get("validUntil")
        .or_else(|| cred.get("expirationDate"));
    if let Some(t) = until.and_then(Value::as_str).and_then(numeric_date) {
        claims.insert("exp".into(), t.into());
    }
    let payload = match form {
        PayloadForm::Direct => {
            let mut p = cred.clone();
            for (k, v) in claims {
                p.insert(k, v);
            }
            p
        }
        PayloadForm::VcClaim => {
            claims.insert("vc".into(), credential.clone());
            claims
        }
    };
    let enc = |v: &Map<String, Value>| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(v).expect("JSON"))
    };
    let input = format!("{}.{}", enc(&header), enc(&payload));
    let alg: Algorithm =
        serde_json::from_value(Value::String(alg.to_owned())).map_err(|e| e.to_string())?;
    let sig = ssi_jws::sign_bytes(alg, input.as_bytes(), key).map_err(|e| e.to_string())?;
    Ok(format!(
        "{input}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sig)
    ))
}

/// The issuer's id, whether `issuer` is a string or a Profile object.
pub fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// RFC 3339 → NumericDate (seconds since the epoch).
pub fn numeric_date(t: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|d| d.timestamp())
}

/// OB 3.0 `#jwt-verify` step 5: the registered claims must agree with the credential.
/// Returns the list of disagreements (empty = consistent). `c` is the credential (the
/// decoded JWT's `credential`, which a caller may have taken out of it).
pub fn claim_mismatches(jwt: &DecodedJwt, c: &Value) -> Vec<String> {
    use wellspring_report::brief::brief;
    let p = &jwt.payload;
    let mut bad = Vec::new();
    let mut same = |claim: &str, expected: Option<&Value>, required: bool| {
        match (p.get(claim), expected) {
            (Some(got), Some(want)) if got != want => bad.push(format!(
                "claim {claim} = {} but the credential says {}",
                brief(got),
                brief(want)
            )),
            (None, Some(want)) if required => bad.push(format!(
                "claim {claim} missing (credential has {}); OB 3.0 #jwt-proof requires it (the spec decides here; some validators do not check it)",
                brief(want)
            )),
            _ => {}
        }
    };
    let iss = issuer_id(c).map(|s| Value::String(s.to_owned()));
    same("iss", iss.as_ref(), true);
    same("jti", c.get("id"), true);
    same("sub", c.pointer("/credentialSubject/id"), true);
    let from = c
        .get("validFrom")
        .or_else(|| c.get("issuanceDate"))
        .and_then(Value::as_str);
    let until = c
        .get("validUntil")
        .or_else(|| c.get("expirationDate"))
        .and_then(Value::as_str);
    for (claim, date, required) in [("nbf", from, true), ("exp", until, true)] {
        let want = date.and_then(numeric_date);
        match (p.get(claim), want) {
            (Some(got), Some(want)) if got.as_i64() != Some(want) => bad.push(format!(
                "claim {claim} = {} but the credential's date is {} ({want})",
                brief(got),
                date.unwrap_or_default()
            )),
            (None, Some(want)) if required => bad.push(format!(
                "claim {claim} missing (credential date gives {want})"
            )),
            _ => {}
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::looks_like_jws;

    #[test]
    fn compact_jws_shape() {
        for yes in ["a.b.c", "eyJ.eyJ.sig", " a..c\n", "A-_.b.c-_"] {
            assert!(looks_like_jws(yes), "{yes:?}");
        }
        for no in [
            "",
            "a.b",
            "a.b.c.d",
            ".b.c",
            "a.b.",
            "{\"a\":1}",
            "a.b.c=",
            "a b.c.d",
            "a.b.c/",
        ] {
            assert!(!looks_like_jws(no), "{no:?}");
        }
    }
}
