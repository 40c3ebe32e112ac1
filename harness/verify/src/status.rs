//! Credential status (OB 3.0 `#verification` step 4): `1EdTechRevocationList` (VCRL 1.0) and
//! W3C `BitstringStatusListEntry`. Tri-state: revoked / not revoked / unknown — an unreachable
//! list is never reported as "not revoked".

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

/// Judges one `credentialStatus` entry of the credential whose id is `credential_id`.
pub fn check(entry: &Value, credential_id: Option<&str>, opts: &Options) -> Status {
    let ty = entry
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match ty {
        "1EdTechRevocationList" => {
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
        "BitstringStatusListEntry" | "StatusList2021Entry" => {
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
                return Status::Unknown(
                    "statusListIndex missing or not a non-negative integer".into(),
                );
            };
            let list = match load(url, opts) {
                Ok(l) => l,
                Err(e) => return Status::Unknown(e),
            };
            let encoded = list
                .pointer("/credentialSubject/encodedList")
                .and_then(Value::as_str);
            let Some(encoded) = encoded else {
                return Status::Unknown(format!("{url} has no credentialSubject.encodedList"));
            };
            let bits = match decode_list(encoded) {
                Ok(b) => b,
                Err(e) => return Status::Unknown(format!("{url}: {e}")),
            };
            let byte = (index / 8) as usize;
            if byte >= bits.len() {
                return Status::Unknown(format!(
                    "statusListIndex {index} is beyond the list's {} entries",
                    bits.len() * 8
                ));
            }
            let set = bits[byte] & (0x80 >> (index % 8)) != 0;
            match (set, purpose) {
                (true, "revocation") => {
                    Status::Revoked(format!("bit {index} of {url} is set (revocation)"))
                }
                (true, p) => Status::Revoked(format!("bit {index} of {url} is set ({p})")),
                (false, p) => Status::Active(format!("bit {index} of {url} is clear ({p})")),
            }
        }
        other => Status::Unsupported(other.to_owned()),
    }
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
