//! The vector keys: every one derived from a fixed seed, so they are the same on every run.
//! They are published with their private halves: test keys, never to be trusted.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use ssi::JWK;
use wellspring_verify::keys as vkeys;

use crate::manifest::pretty;
use crate::Writer;

pub const DID_WEB: &str = "did:web:vectors.wellspring.example";
pub const DID_WEB_VM: &str = "did:web:vectors.wellspring.example#key-1";
pub const RSA_ISSUER: &str = "https://vectors.wellspring.example/issuers/rsa";
pub const RSA_KID: &str = "https://vectors.wellspring.example/issuers/rsa#key-1";

/// One signing key and how it is named.
#[derive(Clone)]
pub struct Key {
    /// File stem under `keys/`.
    pub name: &'static str,
    pub jwk: JWK,
    /// The issuer / holder id that controls this key.
    pub controller: String,
    /// Verification method URL (proof `verificationMethod`, JWT `kid`).
    pub vm: String,
    /// JWS algorithm this key signs with.
    pub alg: &'static str,
    /// Whether a verifier must be given this key (it is not self-resolving like did:key).
    pub needs_key_file: bool,
}

impl Key {
    pub fn pub_file(&self) -> String {
        format!("keys/{}.pub.jwk.json", self.name)
    }
    pub fn priv_file(&self) -> String {
        format!("keys/{}.priv.jwk.json", self.name)
    }
}

/// All keys of the vector set.
pub struct Keys {
    pub issuer: Key,
    pub endorser: Key,
    pub holder: Key,
    pub wrong: Key,
    pub did_web: Key,
    pub p256: Key,
    pub rsa: Key,
}

pub fn seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("wellspring-vectors/{label}").as_bytes()).into()
}

fn did_key(name: &'static str, label: &str) -> Result<Key, String> {
    let jwk = vkeys::ed25519_from_seed(seed(label));
    let (did, vm) = vkeys::did_key_of(&jwk)?;
    Ok(Key {
        name,
        jwk,
        controller: did,
        vm,
        alg: "EdDSA",
        needs_key_file: false,
    })
}

impl Keys {
    pub fn derive() -> Result<Keys, String> {
        let issuer = did_key("ed25519-issuer", "ed25519-issuer")?;
        let endorser = did_key("ed25519-endorser", "ed25519-endorser")?;
        let holder = did_key("ed25519-holder", "ed25519-holder")?;
        let wrong = did_key("ed25519-wrong", "ed25519-wrong")?;
        let did_web = Key {
            name: "ed25519-did-web",
            jwk: vkeys::ed25519_from_seed(seed("ed25519-did-web")),
            controller: DID_WEB.into(),
            vm: DID_WEB_VM.into(),
            alg: "EdDSA",
            needs_key_file: true,
        };
        let p256_jwk = vkeys::p256_from_seed(seed("p256-issuer"))?;
        let (p_did, p_vm) = vkeys::did_jwk_of(&p256_jwk);
        let p256 = Key {
            name: "p256-issuer",
            jwk: p256_jwk,
            controller: p_did,
            vm: p_vm,
            alg: "ES256",
            needs_key_file: false,
        };
        let rsa = Key {
            name: "rsa-issuer",
            jwk: vkeys::rsa2048_from_seed(seed("rsa-issuer"))?,
            controller: RSA_ISSUER.into(),
            vm: RSA_KID.into(),
            alg: "RS256",
            needs_key_file: true,
        };
        Ok(Keys {
            issuer,
            endorser,
            holder,
            wrong,
            did_web,
            p256,
            rsa,
        })
    }

    fn all(&self) -> [&Key; 7] {
        [
            &self.issuer,
            &self.endorser,
            &self.holder,
            &self.wrong,
            &self.did_web,
            &self.p256,
            &self.rsa,
        ]
    }

    /// Writes `keys/`: public and private JWK of each key, the did:web DID document, and
    /// `keys.json` (every Ed25519 verification method as a Multikey).
    pub fn write(&self, w: &Writer) -> Result<(), String> {
        for k in self.all() {
            let public = serde_json::to_value(k.jwk.to_public()).map_err(|e| e.to_string())?;
            let private = serde_json::to_value(&k.jwk).map_err(|e| e.to_string())?;
            w.text(&k.pub_file(), &pretty(&public))?;
            w.text(&k.priv_file(), &pretty(&private))?;
        }
        let mb = vkeys::multibase_of(&self.did_web.jwk)?;
        let did_doc = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": DID_WEB,
            "verificationMethod": [{
                "id": DID_WEB_VM,
                "type": "Multikey",
                "controller": DID_WEB,
                "publicKeyMultibase": mb,
            }],
            "assertionMethod": [DID_WEB_VM],
        });
        w.text("keys/did-web.json", &pretty(&did_doc))?;
        let mut vms: Vec<Value> = Vec::new();
        for k in self.all() {
            if k.alg != "EdDSA" {
                continue;
            }
            vms.push(json!({
                "id": k.vm,
                "type": "Multikey",
                "controller": k.controller,
                "publicKeyMultibase": vkeys::multibase_of(&k.jwk)?,
            }));
        }
        w.text(
            "keys/keys.json",
            &pretty(&json!({ "verificationMethods": vms })),
        )?;
        Ok(())
    }
}
