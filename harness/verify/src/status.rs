//! Credential status (OB 3.0 `#verification` step 4): `1EdTechRevocationList` (VCRL 1.0) and
//! W3C `BitstringStatusListEntry`. Tri-state: revoked / not revoked / unknown — an unreachable
//! list is never reported as "not revoked".
//!
//! A Bitstring Status List is itself a credential; it is believed only when it is authentic
//! (W3C Bitstring Status List v1.0 §3.2, validation algorithm): issued by the credential's own
//! issuer, an embedded proof that verifies with a key bound to that issuer, a `statusPurpose`
//! that matches the entry's, not expired, and at least 131,072 entries. Otherwise the status is
//! unknown (STATUS_VERIFICATION_ERROR / STATUS_LIST_LENGTH_ERROR), never "active" and never
//! "revoked" on the word of a list anyone could have served.

use std::io::Read;

use serde_json::Value;

use crate::Options;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Active(String),
    Revoked(String),
    /// The list could not be read (offline, unreachable, malformed): the reason.
    Unknown(String),
    /// Status of a type we do not know: the type.
    Unsupported(String),
}

/// Largest status list accepted after decompression (bits are bytes × 8).
const MAX_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// The shortest bitstring a status list may have (Bitstring Status List v1.0 §2.1: 16 KB, for
/// herd privacy); a shorter one is a STATUS_LIST_LENGTH_ERROR.
pub const MIN_LIST_BITS: usize = 131_072;

fn id_of(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) => Some(s),
        o => o.get("id").and_then(Value::as_str),
    }
}

/// Whether the status list credential `list` (from `url`) may be believed about a credential
/// of `issuer` with status purpose `purpose`: Ok(how it was authenticated) or why not.
fn authentic(
    list: &Value,
    url: &str,
    issuer: Option<&str>,
    purpose: &str,
    opts: &Options,
) -> Result<String, String> {
    let issuer = issuer.ok_or("the credential names no issuer id to match the list's issuer")?;
    let list_issuer = id_of(list.get("issuer")).ok_or_else(|| format!("{url} names no issuer"))?;
    if list_issuer != issuer {
        return Err(format!(
            "{url} is issued by {list_issuer}, not by the credential's issuer {issuer}"
        ));
    }
    let purposes: Vec<&str> = match list.pointer("/credentialSubject/statusPurpose") {
        Some(Value::String(p)) => vec![p.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !purposes.contains(&purpose) {
        return Err(format!(
            "{url} has statusPurpose {purposes:?}, the entry {purpose:?}"
        ));
    }
    if let Some(until) = list.get("validUntil").and_then(Value::as_str) {
        match chrono::DateTime::parse_from_rfc3339(until) {
            Ok(t) if t < opts.now => return Err(format!("{url} expired at {until}")),
            Ok(_) => {}
            Err(e) => return Err(format!("{url}: validUntil {until:?} is not a date: {e}")),
        }
    }
    let proofs: Vec<&Value> = match list.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p @ Value::Object(_)) => vec![p],
        _ => {
            return Err(format!(
                "{url} carries no embedded proof: nothing authenticates it"
            ))
        }
    };
    let mut why = Vec::new();
    for p in proofs {
        let mut trace = crate::di::ProofTrace::default();
        match crate::di::verify_proof(list, p, &opts.keys, &opts.loader, &mut trace) {
            Err(e) => why.push(format!("its proof does not verify: {e}")),
            Ok(_) => {
                let vm = trace.verification_method.clone().unwrap_or_default();
                let Some(key) = trace.key else {
                    why.push("its proof verified without a resolved key".into());
                    continue;
                };
                match crate::pipeline::bind(&key, &vm, Some(issuer), opts) {
                    crate::pipeline::Binding::Bound(how) => {
                        return Ok(format!("signed by {vm}: {how}"))
                    }
                    crate::pipeline::Binding::Unbound(w) => {
                        why.push(format!("its proof verifies with {vm}, but {w}"))
                    }
                }
            }
        }
    }
    Err(format!("{url} is not authentic: {}", why.join("; ")))
}

fn load(url: &str, opts: &Options) -> Result<Value, String> {
    let text = if let Some(t) = opts.status_files.get(url) {
        t.clone()
    } else if let Some(fetch) = &opts.fetch {
        fetch(url).map_err(|e| format!("status list {url} unreachable: {e}"))?
    } else {
        return Err(format!(
            "status list {url} not checked: offline (give --status-file '{url}=PATH' or --online)"
        ));
    };
    serde_json::from_str(&text).map_err(|e| format!("status list {url} is not JSON: {e}"))
}

/// Judges one `credentialStatus` entry of the credential whose id is `credential_id`, issued by
/// `issuer`.
pub fn check(
    entry: &Value,
    credential_id: Option<&str>,
    issuer: Option<&str>,
    opts: &Options,
) -> Status {
    let ty = entry
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match ty {
        "1EdTechRevocationList" => revocation_list(entry, credential_id, opts),
        "BitstringStatusListEntry" | "StatusList2021Entry" => bitstring(entry, issuer, opts),
        other => Status::Unsupported(other.to_owned()),
    }
}

/// A `1EdTechRevocationList` entry: the credential is revoked when the list names its id.
fn revocation_list(entry: &Value, credential_id: Option<&str>, opts: &Options) -> Status {
    let Some(url) = entry.get("id").and_then(Value::as_str) else {
        return Status::Unknown("credentialStatus has no id (the list URL)".into());
    };
    let Some(cid) = credential_id else {
        return Status::Unknown("the credential has no id to look up in the list".into());
    };
    let list = match load(url, opts) {
        Ok(l) => l,
        Err(e) => return Status::Unknown(e),
    };
    let Some(entries) = list.get("revokedCredential").and_then(Value::as_array) else {
        return Status::Unknown(format!("{url} has no revokedCredential array"));
    };
    let hit = entries
        .iter()
        .find(|e| e.get("id").and_then(Value::as_str) == Some(cid));
    match hit {
        Some(e) if e.get("revoked").and_then(Value::as_bool) != Some(false) => {
            let reason = e
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            Status::Revoked(format!("{cid} is listed as revoked in {url}{reason}"))
        }
        _ => Status::Active(format!("{cid} is not revoked in {url}")),
    }
}

/// A `BitstringStatusListEntry` (or `StatusList2021Entry`): the entry's bit of an authentic list.
fn bitstring(entry: &Value, issuer: Option<&str>, opts: &Options) -> Status {
    let purpose = entry
        .get("statusPurpose")
        .and_then(Value::as_str)
        .unwrap_or("revocation");
    let Some(url) = entry.get("statusListCredential").and_then(Value::as_str) else {
        return Status::Unknown("statusListCredential missing".into());
    };
    let index = match entry.get("statusListIndex") {
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let Some(index) = index else {
        return Status::Unknown("statusListIndex missing or not a non-negative integer".into());
    };
    let list = match load(url, opts) {
        Ok(l) => l,
        Err(e) => return Status::Unknown(e),
    };
    let authenticated = match authentic(&list, url, issuer, purpose, opts) {
        Ok(how) => how,
        Err(e) => return Status::Unknown(e),
    };
    let set = match list_bit(&list, url, index) {
        Ok(set) => set,
        Err(e) => return Status::Unknown(e),
    };
    match (set, purpose) {
        (true, "revocation") => Status::Revoked(format!(
            "bit {index} of {url} is set (revocation); the list is {authenticated}"
        )),
        (true, p) => Status::Revoked(format!(
            "bit {index} of {url} is set ({p}); the list is {authenticated}"
        )),
        (false, p) => Status::Active(format!(
            "bit {index} of {url} is clear ({p}); the list is {authenticated}"
        )),
    }
}

/// Bit `index` of the status list credential `list` (from `url`), or why it cannot be read.
fn list_bit(list: &Value, url: &str, index: u64) -> Result<bool, String> {
    let encoded = list
        .pointer("/credentialSubject/encodedList")
        .and_then(Value::as_str);
    let Some(encoded) = encoded else {
        return Err(format!("{url} has no credentialSubject.encodedList"));
    };
    let bits = decode_list(encoded).map_err(|e| format!("{url}: {e}"))?;
    if bits.len() * 8 < MIN_LIST_BITS {
        return Err(format!(
            "{url} has {} entries, fewer than the {MIN_LIST_BITS} a status list must have",
            bits.len() * 8
        ));
    }
    let byte = (index / 8) as usize;
    if byte >= bits.len() {
        return Err(format!(
            "statusListIndex {index} is beyond the list's {} entries",
            bits.len() * 8
        ));
    }
    Ok(bits[byte] & (0x80 >> (index % 8)) != 0)
}

/// `encodedList`: multibase base64url (no padding, 'u' prefix) of a GZIP-compressed bitstring.
/// A bare base64url string (StatusList2021) is accepted too.
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let body = encoded.strip_prefix('u').unwrap_or(encoded);
    let gz = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .map_err(|e| format!("encodedList is not base64url: {e}"))?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("encodedList is not GZIP: {e}"))?;
    if out.len() as u64 > MAX_LIST_BYTES {
        return Err(format!("encodedList expands past {MAX_LIST_BYTES} bytes"));
    }
    Ok(out)
}

/// Encodes a bitstring list (for vectors and servers): GZIP, base64url, 'u' prefix.
pub fn encode_list(bits: &[u8]) -> String {
    use base64::Engine;
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bits).expect("in-memory write");
    let bytes = gz.finish().expect("in-memory gzip");
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}
