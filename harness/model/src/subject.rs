//! Credential subjects: `AchievementSubject`, `EndorsementSubject`, `ClrSubject`,
//! plus `IdentityObject` and the CLR `Association`.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::achievement::{Achievement, Image, ResultEntry};
use crate::profile::Profile;
use crate::serde_util::{one_or_many, one_string, opt_uri_or_object, ser_opt_uri_or_object};

/// The `credentialSubject` of a [`crate::Credential`].
///
/// Reading picks the variant from the subject's own `type`: `ClrSubject` → `Clr`,
/// `EndorsementSubject` → `Endorsement`, anything else (including no `type` at
/// all) → `Achievement`. When `type` names neither, a `verifiableCredential`
/// property means CLR and an `endorsementComment` means endorsement.
/// Writing emits the inner object as-is (no tag).
// The achievement variant is by far the common one; boxing it would add an
// indirection to every OB credential just to shrink the rare variants.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum CredentialSubject {
    Achievement(AchievementSubject),
    Endorsement(EndorsementSubject),
    Clr(ClrSubject),
}

impl Default for CredentialSubject {
    fn default() -> Self {
        CredentialSubject::Achievement(AchievementSubject::default())
    }
}

impl CredentialSubject {
    /// The subject's `id`, whichever kind it is.
    pub fn id(&self) -> Option<&str> {
        match self {
            CredentialSubject::Achievement(s) => s.id.as_deref(),
            CredentialSubject::Endorsement(s) => s.id.as_deref(),
            CredentialSubject::Clr(s) => s.id.as_deref(),
        }
    }

    /// The subject's `type` list.
    pub fn types(&self) -> &[String] {
        match self {
            CredentialSubject::Achievement(s) => &s.type_,
            CredentialSubject::Endorsement(s) => &s.type_,
            CredentialSubject::Clr(s) => &s.type_,
        }
    }

    /// The subject's `identifier` list (empty for endorsement subjects).
    pub fn identifiers(&self) -> &[IdentityObject] {
        match self {
            CredentialSubject::Achievement(s) => &s.identifier,
            CredentialSubject::Endorsement(_) => &[],
            CredentialSubject::Clr(s) => &s.identifier,
        }
    }

    pub fn as_achievement(&self) -> Option<&AchievementSubject> {
        match self {
            CredentialSubject::Achievement(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_endorsement(&self) -> Option<&EndorsementSubject> {
        match self {
            CredentialSubject::Endorsement(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_clr(&self) -> Option<&ClrSubject> {
        match self {
            CredentialSubject::Clr(s) => Some(s),
            _ => None,
        }
    }
}

impl From<AchievementSubject> for CredentialSubject {
    fn from(s: AchievementSubject) -> Self {
        CredentialSubject::Achievement(s)
    }
}

impl From<EndorsementSubject> for CredentialSubject {
    fn from(s: EndorsementSubject) -> Self {
        CredentialSubject::Endorsement(s)
    }
}

impl From<ClrSubject> for CredentialSubject {
    fn from(s: ClrSubject) -> Self {
        CredentialSubject::Clr(s)
    }
}

enum SubjectKind {
    Achievement,
    Endorsement,
    Clr,
}

fn subject_kind(v: &Value) -> SubjectKind {
    let has_type = |name: &str| match v.get("type") {
        Some(Value::String(s)) => s == name,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(name)),
        _ => false,
    };
    if has_type(crate::TYPE_CLR_SUBJECT) {
        SubjectKind::Clr
    } else if has_type(crate::TYPE_ENDORSEMENT_SUBJECT) {
        SubjectKind::Endorsement
    } else if has_type(crate::TYPE_ACHIEVEMENT_SUBJECT) {
        SubjectKind::Achievement
    } else if v.get("verifiableCredential").is_some() {
        SubjectKind::Clr
    } else if v.get("endorsementComment").is_some() {
        SubjectKind::Endorsement
    } else {
        SubjectKind::Achievement
    }
}

impl<'de> Deserialize<'de> for CredentialSubject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let parsed = match subject_kind(&v) {
            SubjectKind::Achievement => {
                serde_json::from_value(v).map(CredentialSubject::Achievement)
            }
            SubjectKind::Endorsement => {
                serde_json::from_value(v).map(CredentialSubject::Endorsement)
            }
            SubjectKind::Clr => serde_json::from_value(v).map(CredentialSubject::Clr),
        };
        parsed.map_err(D::Error::custom)
    }
}

impl Serialize for CredentialSubject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CredentialSubject::Achievement(x) => x.serialize(s),
            CredentialSubject::Endorsement(x) => x.serialize(s),
            CredentialSubject::Clr(x) => x.serialize(s),
        }
    }
}

/// `AchievementSubject`: the recipient of an OpenBadgeCredential / AchievementCredential.
/// Either `id` or at least one `identifier` MUST be supplied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
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
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub identifier: Vec<IdentityObject>,
    /// Required by the spec (`1`); `Option` so that bare examples still read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement: Option<Achievement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_earned: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub result: Vec<ResultEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_uri_or_object",
        serialize_with = "ser_opt_uri_or_object"
    )]
    pub source: Option<Profile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_uri_or_object",
        serialize_with = "ser_opt_uri_or_object"
    )]
    pub image: Option<Image>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AchievementSubject {
    /// `{"id": id, "type": ["AchievementSubject"], "achievement": achievement}`.
    pub fn new(id: impl Into<String>, achievement: Achievement) -> Self {
        AchievementSubject {
            id: Some(id.into()),
            type_: vec![crate::TYPE_ACHIEVEMENT_SUBJECT.to_string()],
            achievement: Some(achievement),
            ..Default::default()
        }
    }

    /// Like [`AchievementSubject::new`] but identified only by `identifier`
    /// entries (no `id`).
    pub fn with_identifiers(identifier: Vec<IdentityObject>, achievement: Achievement) -> Self {
        AchievementSubject {
            type_: vec![crate::TYPE_ACHIEVEMENT_SUBJECT.to_string()],
            identifier,
            achievement: Some(achievement),
            ..Default::default()
        }
    }
}

/// `IdentityObject`: a (possibly hashed) recipient identifier.
/// `type` is the single string `"IdentityObject"`; `identityHash` is either the
/// plaintext value (`hashed: false`) or `"sha256$<hex>"` / `"md5$<hex>"` of value‖salt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "one_string"
    )]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IdentityObject {
    /// An unhashed identifier: `{"type":"IdentityObject","hashed":false,...}`.
    pub fn plain(identity_type: impl Into<String>, value: impl Into<String>) -> Self {
        IdentityObject {
            type_: crate::TYPE_IDENTITY_OBJECT.to_string(),
            identity_hash: Some(value.into()),
            identity_type: Some(identity_type.into()),
            hashed: Some(false),
            ..Default::default()
        }
    }

    /// A hashed identifier; `identity_hash` must already be `"<alg>$<hex>"`
    /// (this crate does no hashing).
    pub fn hashed(
        identity_type: impl Into<String>,
        identity_hash: impl Into<String>,
        salt: Option<String>,
    ) -> Self {
        IdentityObject {
            type_: crate::TYPE_IDENTITY_OBJECT.to_string(),
            identity_hash: Some(identity_hash.into()),
            identity_type: Some(identity_type.into()),
            hashed: Some(true),
            salt,
            ..Default::default()
        }
    }
}

/// `EndorsementSubject`: the endorsed entity (`id` is required by the spec).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementSubject {
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
    pub endorsement_comment: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EndorsementSubject {
    pub fn new(id: impl Into<String>, endorsement_comment: Option<String>) -> Self {
        EndorsementSubject {
            id: Some(id.into()),
            type_: vec![crate::TYPE_ENDORSEMENT_SUBJECT.to_string()],
            endorsement_comment,
            ..Default::default()
        }
    }
}

/// `ClrSubject`: the learner of a ClrCredential.
///
/// `verifiableCredential` items are kept as raw JSON: they are independently
/// signed documents, and re-serializing them through typed structs could change
/// bytes that a proof covers (number formatting, compacted forms, key order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClrSubject {
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
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub identifier: Vec<IdentityObject>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub verifiable_credential: Vec<Value>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub achievement: Vec<Achievement>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub association: Vec<Association>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ClrSubject {
    /// `{"id": id, "type": ["ClrSubject"], "verifiableCredential": credentials}`.
    pub fn new(id: impl Into<String>, verifiable_credential: Vec<Value>) -> Self {
        ClrSubject {
            id: Some(id.into()),
            type_: vec![crate::TYPE_CLR_SUBJECT.to_string()],
            verifiable_credential,
            ..Default::default()
        }
    }
}

/// CLR `Association` between two achievements (all four properties required;
/// `associationType` ∈ exactMatchOf, isChildOf, isParentOf, isPartOf, isPeerOf,
/// isRelatedTo, precedes, replacedBy).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "one_string"
    )]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Association {
    pub fn new(
        association_type: impl Into<String>,
        source_id: impl Into<String>,
        target_id: impl Into<String>,
    ) -> Self {
        Association {
            type_: crate::TYPE_ASSOCIATION.to_string(),
            association_type: Some(association_type.into()),
            source_id: Some(source_id.into()),
            target_id: Some(target_id.into()),
            ..Default::default()
        }
    }
}
