//! Trust file (`--trust FILE`): issuer ids and the keys the relying party knows are theirs.
//! A key listed for an issuer binds a proof made with it to that issuer, however the key was
//! found (a `kid`, an inline `jwk`, a did:key, an HTTPS key document).
//!
//! ```json
//! { "issuers": [
//!     { "id": "https://example.edu/issuers/565049", "name": "Example University",
//!       "keys": ["z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"] } ] }
//! ```
//! A key is a multibase Multikey (`z6Mk…`), a `did:key:z…` (its key), or a public JWK object.

use std::collections::HashMap;

use serde_json::Value;
use ssi_jwk::JWK;

use crate::keys::jwk_from_multibase;

/// Issuer id → public keys bound to it by the relying party.
#[derive(Clone, Debug, Default)]
pub struct TrustList {
    issuers: HashMap<String, TrustedIssuer>,
}

#[derive(Clone, Debug)]
struct TrustedIssuer {
    name: Option<String>,
    keys: Vec<JWK>,
}

impl TrustList {
    /// Parses a trust file's text; every entry must be well-formed (a typo must not silently
    /// trust nothing).
    pub fn parse(text: &str) -> Result<TrustList, String> {
        let doc: Value =
            serde_json::from_str(text).map_err(|e| format!("trust file is not JSON: {e}"))?;
        let entries = doc
            .get("issuers")
            .and_then(Value::as_array)
            .ok_or("trust file needs an \"issuers\" array")?;
        let mut out = TrustList::default();
        for (i, e) in entries.iter().enumerate() {
            let id = e
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("trust file issuers[{i}] has no \"id\""))?;
            let keys = e
                .get("keys")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("trust file issuers[{i}] ({id}) has no \"keys\" array"))?;
            let keys = keys
                .iter()
                .map(parse_key)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("trust file issuers[{i}] ({id}): {e}"))?;
            let name = e.get("name").and_then(Value::as_str).map(str::to_owned);
            out.issuers
                .insert(id.to_owned(), TrustedIssuer { name, keys });
        }
        Ok(out)
    }

    /// Adds one issuer and its key (the reference servers bind their own keys this way).
    pub fn add(&mut self, issuer: &str, key: &JWK) {
        let entry = self
            .issuers
            .entry(issuer.to_owned())
            .or_insert_with(|| TrustedIssuer {
                name: None,
                keys: Vec::new(),
            });
        entry.keys.push(key.to_public());
    }

    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }

    /// Does the trust file list `key` for `issuer`? Returns the issuer's name (or id) if so.
    pub fn binds(&self, issuer: &str, key: &JWK) -> Option<String> {
        let t = self.issuers.get(issuer)?;
        let public = key.to_public();
        t.keys
            .iter()
            .any(|k| k.to_public() == public)
            .then(|| t.name.clone().unwrap_or_else(|| issuer.to_owned()))
    }
}

fn parse_key(v: &Value) -> Result<JWK, String> {
    match v {
        Value::String(s) => {
            let mb = s.strip_prefix("did:key:").unwrap_or(s);
            let mb = mb.split('#').next().unwrap_or(mb);
            jwk_from_multibase(mb)
        }
        Value::Object(_) => serde_json::from_value::<JWK>(v.clone())
            .map(|k| k.to_public())
            .map_err(|e| format!("key is not a JWK: {e}")),
        other => Err(format!(
            "key must be a multibase string or a JWK, found {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";

    #[test]
    fn binds_only_the_listed_issuer_and_key() {
        let t = TrustList::parse(&format!(
            r#"{{"issuers":[{{"id":"https://u.example","name":"U","keys":["{KEY}"]}}]}}"#
        ))
        .unwrap();
        let k = jwk_from_multibase(KEY).unwrap();
        assert_eq!(t.binds("https://u.example", &k).as_deref(), Some("U"));
        assert_eq!(t.binds("https://other.example", &k), None);
        let other = crate::keys::ed25519_from_seed([7; 32]);
        assert_eq!(t.binds("https://u.example", &other), None);
    }

    #[test]
    fn malformed_entries_are_refused() {
        assert!(TrustList::parse(r#"{"issuers":[{"id":"x"}]}"#).is_err());
        assert!(TrustList::parse(r#"{"issuers":[{"id":"x","keys":["nope"]}]}"#).is_err());
        assert!(TrustList::parse("[]").is_err());
    }
}
