//! Keys: resolving a verification method (did:key, did:jwk, keys given with `--key`, or the
//! network with `--online`) to a public JWK, and making deterministic keys from seeds for
//! test vectors and reference servers.

use std::collections::HashMap;

use serde_json::Value;
use ssi_jwk::{Base64urlUInt, OctetParams, Params, JWK};

/// The JWK type keys are held in (re-exported so callers need no `ssi` dependency of their own).
pub type Jwk = JWK;

use crate::loader::Fetch;

/// A public key found for a verification method, and who controls it.
#[derive(Debug, Clone)]
pub struct ResolvedKey {
    pub jwk: JWK,
    /// The controller as the key's own description says (the DID, the key URL without its
    /// fragment, or the `controller` a key document names). A claim, not a binding.
    pub controller: String,
    /// How it was found: "did:key", "did:jwk", "--key", "online", "header jwk", "fragment"
    /// (offline: the Multikey in the method URL's fragment, not dereferenced).
    pub source: &'static str,
    /// The identifier that a document the verifier itself read, and which speaks for that
    /// identifier, lists this key for under the proof purpose's relationship
    /// (`assertionMethod`, `authentication`): the DID of a did:key / did:jwk, the DID of a
    /// did:web document that lists the method, the URL a `--key` was given for. `None` when
    /// only the key's own document vouches for it (an HTTPS key document, an inline `jwk`).
    pub bound_to: Option<String>,
}

/// Keys supplied by the user (`--key URL=MULTIBASE_OR_JWK_FILE`), plus the network when allowed.
#[derive(Clone, Default)]
pub struct KeyRing {
    given: HashMap<String, (JWK, Option<String>)>,
    fetch: Option<Fetch>,
}

impl KeyRing {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_fetch(mut self, fetch: Fetch) -> Self {
        self.fetch = Some(fetch);
        self
    }

    /// Adds a key for a URL: `material` is a multibase public key (`z6Mk…`), a JWK JSON
    /// text, a Multikey / JsonWebKey document, or a JWKS (first key).
    pub fn add(&mut self, url: &str, material: &str) -> Result<(), String> {
        let material = material.trim();
        let (jwk, controller) = if material.starts_with('{') {
            let doc: Value = serde_json::from_str(material)
                .map_err(|e| format!("key for {url}: not JSON: {e}"))?;
            key_from_document(&doc).ok_or_else(|| {
                format!("key for {url}: no publicKeyMultibase, publicKeyJwk or JWK found")
            })?
        } else {
            (jwk_from_multibase(material)?, None)
        };
        self.given
            .insert(url.to_owned(), (jwk.to_public(), controller));
        Ok(())
    }

    /// Finds the public key of a verification method (for `assertionMethod`).
    pub fn resolve(&self, vm: &str) -> Result<ResolvedKey, String> {
        self.resolve_for(vm, "assertionMethod")
    }

    /// Finds the public key of a verification method used for `purpose` (the verification
    /// relationship a DID document must list it under to bind it to the DID).
    pub fn resolve_for(&self, vm: &str, purpose: &str) -> Result<ResolvedKey, String> {
        let base = vm.split('#').next().unwrap_or(vm);
        if let Some((jwk, controller)) = self.given.get(vm).or_else(|| self.given.get(base)) {
            // The user handed this key over for this URL: the document at `base` holds it.
            return Ok(ResolvedKey {
                jwk: jwk.clone(),
                controller: controller.clone().unwrap_or_else(|| base.to_owned()),
                source: "--key",
                bound_to: Some(base.to_owned()),
            });
        }
        if let Some(rest) = vm.strip_prefix("did:key:") {
            let mb = rest.split('#').next().unwrap_or(rest);
            let jwk = jwk_from_multibase(mb)?;
            return Ok(ResolvedKey {
                jwk,
                controller: base.to_owned(),
                source: "did:key",
                bound_to: Some(base.to_owned()),
            });
        }
        if let Some(rest) = vm.strip_prefix("did:jwk:") {
            return did_jwk_key(rest, base);
        }
        let is_did_web = base.starts_with("did:web:");
        let url = if let Some(rest) = base.strip_prefix("did:web:") {
            did_web_url(rest)
        } else if base.starts_with("https://") || base.starts_with("http://") {
            base.to_owned()
        } else {
            return Err(format!(
                "cannot resolve verification method {vm}: unsupported method"
            ));
        };
        let Some(fetch) = &self.fetch else {
            return offline_fragment_key(vm, base);
        };
        let body = fetch(&url).map_err(|e| format!("fetching key document {url}: {e}"))?;
        let doc: Value = serde_json::from_str(&body)
            .map_err(|e| format!("key document {url} is not JSON: {e}"))?;
        online_key(&doc, &url, vm, base, is_did_web, purpose)
    }
}

/// The key a `did:jwk` (`rest`: the part after `did:jwk:`) embeds; `base` is the DID.
fn did_jwk_key(rest: &str, base: &str) -> Result<ResolvedKey, String> {
    let enc = rest.split('#').next().unwrap_or(rest);
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(enc)
        .map_err(|e| format!("did:jwk is not base64url: {e}"))?;
    let jwk: JWK =
        serde_json::from_slice(&bytes).map_err(|e| format!("did:jwk holds no JWK: {e}"))?;
    if jwk.to_public() != jwk {
        return Err("did:jwk embeds a private key".into());
    }
    Ok(ResolvedKey {
        jwk,
        controller: base.to_owned(),
        source: "did:jwk",
        bound_to: Some(base.to_owned()),
    })
}

/// Offline, a method URL whose fragment is a Multikey (`…#z6Mk…`) names its key the way a
/// did:key does (the 1EdTech validator reads it so). Nothing was dereferenced, so nothing binds
/// it to anyone. Any other method is not known offline.
fn offline_fragment_key(vm: &str, base: &str) -> Result<ResolvedKey, String> {
    if let Some(jwk) = vm
        .split_once('#')
        .and_then(|(_, f)| f.starts_with('z').then(|| jwk_from_multibase(f).ok())?)
    {
        return Ok(ResolvedKey {
            jwk,
            controller: base.to_owned(),
            source: "fragment",
            bound_to: None,
        });
    }
    Err(format!(
        "key {vm} is not known offline: give it with --key '{vm}=<multibase or JWK file>' or allow --online"
    ))
}

/// The key of method `vm` in the key or DID document `doc` fetched from `url` (`base`: the
/// method URL without its fragment), and whether the document binds it for `purpose`.
fn online_key(
    doc: &Value,
    url: &str,
    vm: &str,
    base: &str,
    is_did_web: bool,
    purpose: &str,
) -> Result<ResolvedKey, String> {
    let entry = find_method(doc, vm).ok_or_else(|| format!("{url} has no key {vm}"))?;
    let (jwk, controller) = key_from_document(&entry)
        .ok_or_else(|| format!("{url}: key {vm} has no usable public key"))?;
    let controller = controller
        .or_else(|| doc.get("id").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| base.to_owned());
    // A did:web document speaks for its DID: it binds the key when its id is that DID and
    // it lists the method under the purpose's relationship. An HTTPS key document speaks
    // only for itself: its `controller` claim binds nothing.
    let bound_to = (is_did_web
        && doc.get("id").and_then(Value::as_str) == Some(base)
        && lists_method(doc, purpose, vm))
    .then(|| base.to_owned());
    Ok(ResolvedKey {
        jwk,
        controller,
        source: "online",
        bound_to,
    })
}

/// Does a DID / controller document list `vm` under the verification relationship `purpose`
/// (by reference, relative reference or embedded method)?
pub fn lists_method(doc: &Value, purpose: &str, vm: &str) -> bool {
    let doc_id = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    let names = |id: &str| id == vm || (id.starts_with('#') && format!("{doc_id}{id}") == vm);
    doc.get(purpose)
        .and_then(Value::as_array)
        .is_some_and(|list| {
            list.iter().any(|m| match m {
                Value::String(id) => names(id),
                Value::Object(o) => o.get("id").and_then(Value::as_str).is_some_and(names),
                _ => false,
            })
        })
}

fn did_web_url(rest: &str) -> String {
    let mut parts = rest.split(':');
    let host = parts.next().unwrap_or_default().replace("%3A", ":");
    let path: Vec<&str> = parts.collect();
    if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    }
}

/// In a DID document or controller document, the verification method with this id.
fn find_method(doc: &Value, vm: &str) -> Option<Value> {
    if doc.get("id").and_then(Value::as_str) == Some(vm) {
        return Some(doc.clone());
    }
    let doc_id = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    for key in ["verificationMethod", "assertionMethod", "keys"] {
        if let Some(list) = doc.get(key).and_then(Value::as_array) {
            for m in list {
                let id = m.get("id").or_else(|| m.get("kid")).and_then(Value::as_str);
                let matches = id.is_some_and(|id| {
                    id == vm || (id.starts_with('#') && format!("{doc_id}{id}") == vm)
                });
                if matches {
                    return Some(m.clone());
                }
            }
        }
    }
    None
}

/// A public key and optional controller from a Multikey, JsonWebKey(2020) document, or JWK.
pub fn key_from_document(doc: &Value) -> Option<(JWK, Option<String>)> {
    let controller = doc
        .get("controller")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(mb) = doc.get("publicKeyMultibase").and_then(Value::as_str) {
        return jwk_from_multibase(mb).ok().map(|k| (k, controller));
    }
    if let Some(jwk) = doc.get("publicKeyJwk") {
        return serde_json::from_value::<JWK>(jwk.clone())
            .ok()
            .map(|k| (k.to_public(), controller));
    }
    if let Some(keys) = doc.get("keys").and_then(Value::as_array) {
        return keys
            .first()
            .and_then(|k| serde_json::from_value::<JWK>(k.clone()).ok())
            .map(|k| (k.to_public(), None));
    }
    if doc.get("kty").is_some() {
        return serde_json::from_value::<JWK>(doc.clone())
            .ok()
            .map(|k| (k.to_public(), None));
    }
    None
}

/// Decodes a multibase, multicodec-prefixed public key (e.g. `z6Mk…` for Ed25519).
pub fn jwk_from_multibase(mb: &str) -> Result<JWK, String> {
    let (_, bytes) = multibase::decode(mb).map_err(|e| format!("not multibase: {mb}: {e}"))?;
    let enc = ssi_multicodec::MultiEncoded::new(&bytes)
        .map_err(|e| format!("not a multicodec key: {mb}: {e}"))?;
    JWK::from_multicodec(enc).map_err(|e| format!("unsupported key type in {mb}: {e}"))
}

/// The multibase (base58btc) multicodec encoding of a public key.
pub fn multibase_of(jwk: &JWK) -> Result<String, String> {
    let mc = jwk.to_public().to_multicodec().map_err(|e| e.to_string())?;
    Ok(multibase::encode(
        multibase::Base::Base58Btc,
        mc.into_bytes(),
    ))
}

/// `did:key:z…` and its key's verification method URL (`did:key:z…#z…`).
pub fn did_key_of(jwk: &JWK) -> Result<(String, String), String> {
    let mb = multibase_of(jwk)?;
    Ok((format!("did:key:{mb}"), format!("did:key:{mb}#{mb}")))
}

/// `did:jwk:…` of a public key, and its verification method (`#0`).
pub fn did_jwk_of(jwk: &JWK) -> (String, String) {
    use base64::Engine;
    let text = serde_json::to_string(&jwk.to_public()).expect("JWK serializes");
    let did = format!(
        "did:jwk:{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    );
    let vm = format!("{did}#0");
    (did, vm)
}

/// An Ed25519 private key from a 32-byte seed.
pub fn ed25519_from_seed(seed: [u8; 32]) -> JWK {
    let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
    JWK::from(Params::OKP(OctetParams {
        curve: "Ed25519".into(),
        public_key: Base64urlUInt(sk.verifying_key().to_bytes().to_vec()),
        private_key: Some(Base64urlUInt(seed.to_vec())),
    }))
}

/// A P-256 private key from a 32-byte seed (the seed is the scalar; must be in range).
pub fn p256_from_seed(seed: [u8; 32]) -> Result<JWK, String> {
    let sk = p256::SecretKey::from_bytes(&seed.into()).map_err(|e| e.to_string())?;
    Ok(JWK::from(Params::EC(ssi_jwk::ECParams::from(&sk))))
}

/// An RSA-2048 private key generated from a seeded RNG: the same seed gives the same key
/// with the pinned `rsa` version.
pub fn rsa2048_from_seed(seed: [u8; 32]) -> Result<JWK, String> {
    use rand_chacha::rand_core::SeedableRng;
    let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed);
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
    use num_bigint_dig::ModInverse;
    use rsa::PublicKeyParts;
    let b = |n: &rsa::BigUint| Some(Base64urlUInt(n.to_bytes_be()));
    let primes = key.primes();
    let (p, q) = (&primes[0], &primes[1]);
    let one = rsa::BigUint::from(1u8);
    let dp = key.d() % (p - &one);
    let dq = key.d() % (q - &one);
    let qi = q
        .clone()
        .mod_inverse(p)
        .and_then(|v| v.to_biguint())
        .ok_or("RSA CRT coefficient does not exist")?;
    let mut params = ssi_jwk::RSAParams::new_public(&key.e().to_bytes_be(), &key.n().to_bytes_be());
    params.private_exponent = b(key.d());
    params.first_prime_factor = b(p);
    params.second_prime_factor = b(q);
    params.first_prime_factor_crt_exponent = b(&dp);
    params.second_prime_factor_crt_exponent = b(&dq);
    params.first_crt_coefficient = b(&qi);
    Ok(JWK::from(Params::RSA(params)))
}

/// The raw 32-byte Ed25519 signing seed of a private OKP JWK.
pub(crate) fn ed25519_secret(jwk: &JWK) -> Option<ed25519_dalek::SigningKey> {
    match &jwk.params {
        Params::OKP(p) if p.curve == "Ed25519" => {
            let d = p.private_key.as_ref()?;
            let seed: [u8; 32] = d.0.as_slice().try_into().ok()?;
            Some(ed25519_dalek::SigningKey::from_bytes(&seed))
        }
        _ => None,
    }
}

pub(crate) fn ed25519_public(jwk: &JWK) -> Option<ed25519_dalek::VerifyingKey> {
    match &jwk.params {
        Params::OKP(p) if p.curve == "Ed25519" => {
            let x: [u8; 32] = p.public_key.0.as_slice().try_into().ok()?;
            ed25519_dalek::VerifyingKey::from_bytes(&x).ok()
        }
        _ => None,
    }
}
