//! The credential envelope: `Credential` (OpenBadgeCredential, AchievementCredential,
//! EndorsementCredential, ClrCredential, and their VC DM 1.1 forms), its service
//! entries, and `VerifiablePresentation`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::achievement::{Evidence, Image};
use crate::profile::Profile;
use crate::serde_util::{
    one_or_many, one_string, opt_uri_or_object, ser_opt_uri_or_object, ser_uri_or_object,
    uri_or_object,
};
use crate::subject::{AchievementSubject, ClrSubject, CredentialSubject, EndorsementSubject};
use crate::*;

/// One struct for every credential class of OB 3.0 / CLR 2.0; the kind is given
/// by `type` (see [`Credential::kind`]).
///
/// Properties the spec makes required but that differ between the VC DM 2.0 and
/// 1.1 forms (`validFrom` vs `issuanceDate`), or that the harness must be able to
/// omit when building negative vectors (`id`, `name`), are `Option`s; the
/// constructors fill everything a conformant credential needs.
///
/// `issuer` is a ProfileRef: a bare URI string reads as a `Profile` holding only
/// `id`, and such a profile is written back as the bare string.
///
/// `proof` is kept as raw JSON exactly as read (single object or array), since
/// this crate neither creates nor checks proofs; see [`Credential::proofs`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential {
    #[serde(
        rename = "@context",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub context: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub type_: Vec<String>,
    #[serde(
        deserialize_with = "uri_or_object",
        serialize_with = "ser_uri_or_object"
    )]
    pub issuer: Profile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// VC DM 1.1 form of `validFrom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuance_date: Option<String>,
    /// VC DM 1.1 form of `validUntil`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_uri_or_object",
        serialize_with = "ser_opt_uri_or_object"
    )]
    pub image: Option<Image>,
    pub credential_subject: CredentialSubject,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub endorsement: Vec<Credential>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub endorsement_jwt: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub evidence: Vec<Evidence>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub credential_schema: Vec<CredentialSchema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<CredentialStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_service: Option<RefreshService>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub terms_of_use: Vec<TermsOfUse>,
    /// ClrCredential only: true if the CLR does not hold every assertion known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<bool>,
    /// Properties not modelled above, kept verbatim (written before `proof`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// Raw `proof`: a single proof object or an array of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Value>,
}

/// Which credential class a [`Credential`]'s `type` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    OpenBadge,
    Achievement,
    Endorsement,
    Clr,
    /// None of the above.
    Other,
}

impl Credential {
    fn base(
        context: &[&str],
        kind_type: &str,
        id: impl Into<String>,
        issuer: Profile,
        subject: CredentialSubject,
        valid_from: impl Into<String>,
    ) -> Self {
        Credential {
            context: context.iter().map(|c| c.to_string()).collect(),
            id: Some(id.into()),
            type_: vec![TYPE_VC.to_string(), kind_type.to_string()],
            issuer,
            valid_from: Some(valid_from.into()),
            credential_subject: subject,
            ..Default::default()
        }
    }

    /// An `OpenBadgeCredential` in the shape of the official OB 3.0 test vector:
    /// `@context` [VC v2, OB 3.0.3], `type` [VerifiableCredential, OpenBadgeCredential],
    /// `id`, `issuer`, `validFrom`, `credentialSubject`. Add `name`, a JSON Schema
    /// entry ([`Credential::with_json_schema`]) etc. as needed.
    pub fn new_ob(
        id: impl Into<String>,
        issuer: Profile,
        subject: AchievementSubject,
        valid_from: impl Into<String>,
    ) -> Self {
        Self::base(
            &[CONTEXT_VC_V2, CONTEXT_OB_303],
            TYPE_OPEN_BADGE_CREDENTIAL,
            id,
            issuer,
            subject.into(),
            valid_from,
        )
    }

    /// Same as [`Credential::new_ob`] with type `AchievementCredential`.
    pub fn new_achievement(
        id: impl Into<String>,
        issuer: Profile,
        subject: AchievementSubject,
        valid_from: impl Into<String>,
    ) -> Self {
        Self::base(
            &[CONTEXT_VC_V2, CONTEXT_OB_303],
            TYPE_ACHIEVEMENT_CREDENTIAL,
            id,
            issuer,
            subject.into(),
            valid_from,
        )
    }

    /// An `EndorsementCredential` (`name` is required for this class).
    pub fn new_endorsement(
        id: impl Into<String>,
        issuer: Profile,
        subject: EndorsementSubject,
        valid_from: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        let mut c = Self::base(
            &[CONTEXT_VC_V2, CONTEXT_OB_303],
            TYPE_ENDORSEMENT_CREDENTIAL,
            id,
            issuer,
            subject.into(),
            valid_from,
        );
        c.name = Some(name.into());
        c
    }

    /// A `ClrCredential`: `@context` [VC v2, CLR 2.0.1, OB 3.0.3] (`name` is required).
    pub fn new_clr(
        id: impl Into<String>,
        issuer: Profile,
        subject: ClrSubject,
        valid_from: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        let mut c = Self::base(
            &[CONTEXT_VC_V2, CONTEXT_CLR_201, CONTEXT_OB_303],
            TYPE_CLR_CREDENTIAL,
            id,
            issuer,
            subject.into(),
            valid_from,
        );
        c.name = Some(name.into());
        c
    }

    /// Turn a VC DM 2.0 credential into the legacy VC DM 1.1 form: context[0]
    /// becomes the v1 context, `validFrom`/`validUntil` move to
    /// `issuanceDate`/`expirationDate`.
    pub fn into_vcdm_v1(mut self) -> Self {
        match self.context.first_mut() {
            Some(first) if first == CONTEXT_VC_V2 => *first = CONTEXT_VC_V1.to_string(),
            Some(_) => self.context.insert(0, CONTEXT_VC_V1.to_string()),
            None => self.context.push(CONTEXT_VC_V1.to_string()),
        }
        if let Some(v) = self.valid_from.take() {
            self.issuance_date = Some(v);
        }
        if let Some(v) = self.valid_until.take() {
            self.expiration_date = Some(v);
        }
        self
    }

    /// Builder: set `name`.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Builder: add the spec's own JSON Schema entry (type
    /// `1EdTechJsonSchemaValidator2019`, URL chosen by [`Credential::kind`]) and
    /// the OB extensions context that defines that type, as the full spec examples do.
    pub fn with_json_schema(mut self) -> Self {
        let url = match self.kind() {
            CredentialKind::Endorsement => SCHEMA_OB_ENDORSEMENT_CREDENTIAL,
            CredentialKind::Clr => SCHEMA_CLR_CREDENTIAL,
            _ => SCHEMA_OB_ACHIEVEMENT_CREDENTIAL,
        };
        self.credential_schema
            .push(CredentialSchema::json_schema(url));
        if !self.context.iter().any(|c| c == CONTEXT_OB_EXTENSIONS) {
            self.context.push(CONTEXT_OB_EXTENSIONS.to_string());
        }
        self
    }

    /// Serialize to a `serde_json::Value` (spec-shaped JSON).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a Credential always serializes to JSON")
    }

    /// Read a credential from a JSON value.
    pub fn from_value(v: Value) -> serde_json::Result<Self> {
        serde_json::from_value(v)
    }

    /// Read a credential from JSON text.
    pub fn from_json_str(s: &str) -> serde_json::Result<Self> {
        serde_json::from_str(s)
    }

    /// Does `type` contain `t`?
    pub fn has_type(&self, t: &str) -> bool {
        self.type_.iter().any(|x| x == t)
    }

    /// The credential class named by `type`.
    pub fn kind(&self) -> CredentialKind {
        if self.has_type(TYPE_CLR_CREDENTIAL) {
            CredentialKind::Clr
        } else if self.has_type(TYPE_ENDORSEMENT_CREDENTIAL) {
            CredentialKind::Endorsement
        } else if self.has_type(TYPE_ACHIEVEMENT_CREDENTIAL) {
            CredentialKind::Achievement
        } else if self.has_type(TYPE_OPEN_BADGE_CREDENTIAL) {
            CredentialKind::OpenBadge
        } else {
            CredentialKind::Other
        }
    }

    /// True when `@context[0]` is the VC DM 1.1 context.
    pub fn is_vcdm_v1(&self) -> bool {
        self.context.first().map(String::as_str) == Some(CONTEXT_VC_V1)
    }

    /// `validFrom`, or `issuanceDate` for the VC DM 1.1 form.
    pub fn effective_valid_from(&self) -> Option<&str> {
        self.valid_from.as_deref().or(self.issuance_date.as_deref())
    }

    /// `validUntil`, or `expirationDate` for the VC DM 1.1 form.
    pub fn effective_valid_until(&self) -> Option<&str> {
        self.valid_until
            .as_deref()
            .or(self.expiration_date.as_deref())
    }

    /// The proofs, whether `proof` was written as one object or an array.
    pub fn proofs(&self) -> Vec<&Value> {
        match &self.proof {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
        }
    }

    /// Builder: append one proof object, keeping `proof` an array.
    pub fn push_proof(&mut self, proof: Value) {
        match self.proof.take() {
            None | Some(Value::Null) => self.proof = Some(Value::Array(vec![proof])),
            Some(Value::Array(mut items)) => {
                items.push(proof);
                self.proof = Some(Value::Array(items));
            }
            Some(one) => self.proof = Some(Value::Array(vec![one, proof])),
        }
    }

    /// A copy without `proof` (the "unsecured document" that a proof signs).
    pub fn without_proof(&self) -> Self {
        Credential {
            proof: None,
            ..self.clone()
        }
    }

    /// Dotted paths of every property that landed in an `extra` catch-all map,
    /// i.e. that the typed model does not know (extensions, typos, OB 2.0 leftovers).
    pub fn unknown_properties(&self) -> Vec<String> {
        let mut out = Vec::new();
        crate::extras::Extras::collect_extras(self, "", &mut out);
        out
    }
}

/// An `{id, type}` entry of a credential: `credentialSchema` (`1EdTechJsonSchemaValidator2019`),
/// `credentialStatus` (`1EdTechRevocationList`, `BitstringStatusListEntry`, …), `refreshService`
/// (`1EdTechCredentialRefresh`) and `termsOfUse` all share this shape; any further
/// properties of the method (`statusListIndex`, policy terms, …) stay in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypedEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "one_string"
    )]
    pub type_: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `credentialSchema` entry: `{"id": <schema URL>, "type": "1EdTechJsonSchemaValidator2019"}`.
pub type CredentialSchema = TypedEntry;
/// `credentialStatus` entry.
pub type CredentialStatus = TypedEntry;
/// `refreshService` entry.
pub type RefreshService = TypedEntry;
/// `termsOfUse` entry (`type` required, `id` optional).
pub type TermsOfUse = TypedEntry;

impl TypedEntry {
    fn new(id: impl Into<String>, type_: &str) -> Self {
        TypedEntry {
            id: Some(id.into()),
            type_: type_.to_string(),
            ..Default::default()
        }
    }

    /// A `1EdTechJsonSchemaValidator2019` `credentialSchema` entry for `url`.
    pub fn json_schema(url: impl Into<String>) -> Self {
        Self::new(url, SCHEMA_VALIDATOR_TYPE)
    }

    /// A `1EdTechRevocationList` `credentialStatus` entry pointing at the issuer's list URL.
    pub fn revocation_list(id: impl Into<String>) -> Self {
        Self::new(id, STATUS_REVOCATION_LIST)
    }

    /// A `1EdTechCredentialRefresh` `refreshService` entry.
    pub fn credential_refresh(id: impl Into<String>) -> Self {
        Self::new(id, REFRESH_CREDENTIAL_REFRESH)
    }

    /// A further property of the entry (`statusListIndex`, …).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.extra.get(key)
    }
}

/// A `VerifiablePresentation` wrapping credentials (kept raw, as they are signed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiablePresentation {
    #[serde(
        rename = "@context",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub context: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub type_: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub verifiable_credential: Vec<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Value>,
}

impl VerifiablePresentation {
    /// `{"@context": [VC v2], "type": ["VerifiablePresentation"], ...}`.
    pub fn new(holder: Option<String>, verifiable_credential: Vec<Value>) -> Self {
        VerifiablePresentation {
            context: vec![CONTEXT_VC_V2.to_string()],
            type_: vec![TYPE_VP.to_string()],
            holder,
            verifiable_credential,
            ..Default::default()
        }
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a VerifiablePresentation always serializes to JSON")
    }
}
