//! The issuer: its key and identity, and the OB 3.0 / CLR 2.0 credentials it signs
//! (eddsa-rdfc-2022 embedded proofs; VC-JWT on request) with the verification core's signer.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wellspring_model as m;
use wellspring_verify::keys::{self, Jwk};
use wellspring_verify::{di, jwt, loader::ContextLoader};

use crate::store::Learner;

/// How the issuer names itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IssuerDid {
    /// `did:key` of the issuer key: verifiable by anyone offline (the default).
    #[default]
    Key,
    /// `did:web` of the public URL's host (`/.well-known/did.json`): verifiable online when
    /// the hub is served over HTTPS at that host.
    Web,
}

/// How an awarded OpenBadgeCredential is delivered in getCredentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON with an embedded eddsa-rdfc-2022 proof.
    #[default]
    Json,
    /// A VC-JWT (EdDSA), in `compactJwsString`.
    Jwt,
}

/// The issuer key and identity.
#[derive(Clone)]
pub struct Issuer {
    key: Jwk,
    /// The issuer id (`did:key:…` or `did:web:…`).
    pub id: String,
    /// The verification method in proofs and the JWS `kid`.
    pub vm: String,
    /// `did:key` form of the same key (listed in the did:web document's `alsoKnownAs`).
    pub did_key: String,
    /// `did:web` form for the public URL.
    pub did_web: String,
    pub multibase: String,
    pub name: String,
    pub base: String,
    loader: ContextLoader,
}

fn did_web_of(base: &str) -> String {
    let u = url::Url::parse(base).ok();
    let host = u
        .as_ref()
        .and_then(|u| u.host_str())
        .unwrap_or("localhost")
        .to_owned();
    let host = match u.as_ref().and_then(|u| u.port()) {
        Some(p) => format!("{host}%3A{p}"),
        None => host,
    };
    let path: Vec<String> = u
        .as_ref()
        .map(|u| {
            u.path_segments()
                .map(|s| s.filter(|x| !x.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    if path.is_empty() {
        format!("did:web:{host}")
    } else {
        format!("did:web:{host}:{}", path.join(":"))
    }
}

impl Issuer {
    /// The public half of the signing key.
    pub fn public_key(&self) -> Jwk {
        self.key.to_public()
    }

    /// Every id this issuer goes by (its id, did:key and did:web forms).
    pub fn ids(&self) -> [&str; 3] {
        [&self.id, &self.did_key, &self.did_web]
    }

    pub fn new(seed: [u8; 32], base: &str, name: &str, mode: IssuerDid) -> Result<Issuer, String> {
        let key = keys::ed25519_from_seed(seed);
        let (did_key, key_vm) = keys::did_key_of(&key)?;
        let multibase = keys::multibase_of(&key)?;
        let did_web = did_web_of(base);
        let (id, vm) = match mode {
            IssuerDid::Key => (did_key.clone(), key_vm),
            IssuerDid::Web => (did_web.clone(), format!("{did_web}#key-1")),
        };
        Ok(Issuer {
            key,
            id,
            vm,
            did_key,
            did_web,
            multibase,
            name: name.to_owned(),
            base: base.to_owned(),
            loader: ContextLoader::offline(),
        })
    }

    /// The issuer Profile (embedded in credentials, served at `/issuer`).
    pub fn profile(&self) -> Value {
        json!({
            "id": self.id,
            "type": ["Profile"],
            "name": self.name,
            "url": self.base,
            "description": "The Wellspring Achievement Hub issuing on behalf of this institution (a fictional demo issuer).",
            "email": "registrar@riverbend.example.edu",
        })
    }

    /// The did:web document for the public URL's host (the same key; `alsoKnownAs` did:key).
    pub fn did_document(&self) -> Value {
        let vm = format!("{}#key-1", self.did_web);
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did_web,
            "alsoKnownAs": [self.did_key],
            "verificationMethod": [{
                "id": vm, "type": "Multikey", "controller": self.did_web, "publicKeyMultibase": self.multibase,
            }],
            "assertionMethod": [vm],
            "authentication": [vm],
        })
    }

    /// The public key as a JWKS (`kid` = the verification method used in proofs).
    pub fn jwks(&self) -> Value {
        let mut k = serde_json::to_value(self.key.to_public()).unwrap_or(Value::Null);
        k["kid"] = json!(self.vm);
        k["use"] = json!("sig");
        k["alg"] = json!("EdDSA");
        json!({"keys": [k]})
    }

    /// Adds an eddsa-rdfc-2022 proof.
    pub fn sign(&self, doc: &Value, created: &str) -> Result<Value, String> {
        di::sign(doc, &self.key, &self.vm, created, &self.loader)
    }

    /// A VC-JWT of an unsigned credential (payload = the credential with the JWT claims).
    pub fn sign_jwt(&self, doc: &Value) -> Result<String, String> {
        jwt::sign(
            doc,
            &self.key,
            "EdDSA",
            Some(&self.vm),
            false,
            jwt::PayloadForm::Direct,
        )
    }
}

/// The learner's hashed email identifier (`sha256$` + hex(sha256(email ‖ salt))).
pub fn email_identifier(l: &Learner) -> Value {
    let h = hex::encode(Sha256::digest(format!("{}{}", l.email, l.salt).as_bytes()));
    json!({"type": "IdentityObject", "identityHash": format!("sha256${h}"), "identityType": "emailAddress", "hashed": true, "salt": l.salt})
}

/// The Achievement of a catalog entry, its alignments pointing at the CASE items.
pub fn achievement(base: &str, case_url: &str, issuer: &Value, slug: &str, def: &Value) -> Value {
    let s = |k: &str| {
        def.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let alignment: Vec<Value> = def
        .get("aligned")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|i| {
                    let g = |k: &str| i.get(k).and_then(Value::as_str).unwrap_or_default();
                    json!({
                        "type": ["Alignment"],
                        "targetType": "CFItem",
                        "targetName": g("name"),
                        "targetCode": g("code"),
                        "targetFramework": g("framework"),
                        "targetUrl": format!("{}/ims/case/v1p0/CFItems/{}", case_url.trim_end_matches('/'), g("id")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut a = json!({
        "id": format!("{base}/achievements/{slug}"),
        "type": ["Achievement"],
        "achievementType": s("achievementType"),
        "name": s("name"),
        "description": s("description"),
        "criteria": {"narrative": s("criteria")},
        "creator": issuer,
        "humanCode": s("humanCode"),
    });
    if !alignment.is_empty() {
        a["alignment"] = Value::Array(alignment);
    }
    if let Some(o) = a.as_object_mut() {
        o.retain(|_, v| v.as_str() != Some(""));
    }
    a
}

pub fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An unsigned OpenBadgeCredential awarding `achievement` to the learner.
pub fn open_badge(
    issuer: &Issuer,
    learner: &Learner,
    achievement: Value,
    id: &str,
    now: &str,
) -> Value {
    let name = achievement.get("name").cloned().unwrap_or(Value::Null);
    json!({
        "@context": [m::CONTEXT_VC_V2, m::CONTEXT_OB_303, m::CONTEXT_OB_EXTENSIONS],
        "id": id,
        "type": [m::TYPE_VC, m::TYPE_OPEN_BADGE_CREDENTIAL],
        "issuer": issuer.profile(),
        "validFrom": now,
        "name": name,
        "credentialSubject": {
            "id": learner.subject_id,
            "type": [m::TYPE_ACHIEVEMENT_SUBJECT],
            "identifier": [email_identifier(learner)],
            "achievement": achievement,
        },
        "credentialSchema": [{"id": m::SCHEMA_OB_ACHIEVEMENT_CREDENTIAL, "type": m::SCHEMA_VALIDATOR_TYPE}],
    })
}

/// An unsigned ClrCredential bundling the learner's signed OpenBadgeCredentials; when the
/// program is complete, the program achievement and its `isParentOf` associations too.
pub fn clr(
    issuer: &Issuer,
    learner: &Learner,
    bundled: Vec<Value>,
    program: Option<Value>,
    title: &str,
    now: &str,
) -> Value {
    let mut subject = json!({
        "id": learner.subject_id,
        "type": [m::TYPE_CLR_SUBJECT],
        "identifier": [email_identifier(learner)],
        "verifiableCredential": bundled,
    });
    let complete = program.is_some();
    if let Some(p) = program {
        let pid = p.get("id").cloned().unwrap_or(Value::Null);
        let assoc: Vec<Value> = subject["verifiableCredential"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.pointer("/credentialSubject/achievement/id").cloned())
                    .map(|t| json!({"type": "Association", "associationType": "isParentOf", "sourceId": pid, "targetId": t}))
                    .collect()
            })
            .unwrap_or_default();
        subject["achievement"] = json!([p]);
        subject["association"] = Value::Array(assoc);
    }
    let desc = if complete {
        "The learner's complete record for the program: every achievement earned, each as its own signed credential."
    } else {
        "The learner's record so far: every achievement earned, each as its own signed credential. Reissued (same id) at each new achievement."
    };
    json!({
        "@context": [m::CONTEXT_VC_V2, m::CONTEXT_CLR_201, m::CONTEXT_OB_303, m::CONTEXT_OB_EXTENSIONS],
        "id": learner.clr_id,
        "type": [m::TYPE_VC, m::TYPE_CLR_CREDENTIAL],
        "issuer": issuer.profile(),
        "validFrom": now,
        "name": title,
        "description": desc,
        "credentialSubject": subject,
        "credentialSchema": [{"id": m::SCHEMA_CLR_CREDENTIAL, "type": m::SCHEMA_VALIDATOR_TYPE}],
    })
}

/// Where the hub answers refresh requests (1EdTech VCCR 1.0, `1EdTechCredentialRefresh`): the
/// credential id follows, percent-encoded.
pub const REFRESH_PATH: &str = "/refresh";

/// The refresh URL of the credential `id`.
pub fn refresh_url(base: &str, id: &str) -> String {
    let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    format!("{}{REFRESH_PATH}/{enc}", base.trim_end_matches('/'))
}

/// The `refreshService` every credential the hub issues carries.
pub fn refresh_service(base: &str, id: &str) -> Value {
    json!({"id": refresh_url(base, id), "type": "1EdTechCredentialRefresh"})
}

/// The credential as its refresh service answers it: the stored signed credential with the
/// issuer's current profile, signed again now.
pub fn refreshed(issuer: &Issuer, signed: &Value, now: &str) -> Result<Value, String> {
    let mut c = signed.clone();
    let o = c
        .as_object_mut()
        .ok_or("the stored credential is not a JSON object")?;
    o.remove("proof");
    o.insert("issuer".into(), issuer.profile());
    issuer.sign(&c, now)
}

/// The path of the hub's (one) revocation status list under its public URL.
pub const STATUS_LIST_PATH: &str = "/status/1";

/// The URL of the hub's revocation status list.
pub fn status_list_url(base: &str) -> String {
    format!("{}{STATUS_LIST_PATH}", base.trim_end_matches('/'))
}

/// The `credentialStatus` of a credential holding bit `index` of the list at `list_url`
/// (Bitstring Status List v1.0, revocation; the index as a base-10 string).
pub fn status_entry(list_url: &str, index: u32) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The bitstring of `bits` entries (a multiple of 8) with the `revoked` indexes set: index 0
/// is the left-most (most significant) bit of the first byte.
pub fn bitstring(bits: u32, revoked: &[u32]) -> Vec<u8> {
    let mut b = vec![0u8; bits.div_ceil(8) as usize];
    for &i in revoked.iter().filter(|&&i| i < bits) {
        b[(i / 8) as usize] |= 0x80 >> (i % 8);
    }
    b
}

/// The unsigned BitstringStatusListCredential (revocation) of the list at `list_url`.
pub fn status_list_credential(
    issuer: &Issuer,
    list_url: &str,
    revoked: &[u32],
    now: &str,
) -> Value {
    let bits = bitstring(crate::store::STATUS_LIST_BITS, revoked);
    json!({
        "@context": [m::CONTEXT_VC_V2],
        "id": list_url,
        "type": [m::TYPE_VC, "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": now,
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": wellspring_verify::status::encode_list(&bits),
        },
    })
}
