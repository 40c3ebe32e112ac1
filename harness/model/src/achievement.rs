//! `Achievement` and the classes it is built from: `Criteria`, `Alignment`,
//! `ResultDescription`, `RubricCriterionLevel`, `Result` (here `ResultEntry`),
//! `Related`, `IdentifierEntry`, `Image`, `Evidence`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::credential::Credential;
use crate::profile::Profile;
use crate::serde_util::{
    one_or_many, one_string, opt_uri_or_object, ser_opt_uri_or_object, UriOrObject,
};

/// An `Achievement` (badge class / learning achievement).
///
/// Schema-required: `id`, `type` ∋ `Achievement`, `criteria`, `description`, `name`.
/// They are `Option` here so that non-conformant documents can still be read and
/// negative test vectors built; [`Achievement::new`] fills all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
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
    pub achievement_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub alignment: Vec<Alignment>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_uri_or_object",
        serialize_with = "ser_opt_uri_or_object"
    )]
    pub creator: Option<Profile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Criteria>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_uri_or_object",
        serialize_with = "ser_opt_uri_or_object"
    )]
    pub image: Option<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub other_identifier: Vec<IdentifierEntry>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub related: Vec<Related>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub result_description: Vec<ResultDescription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialization: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub tag: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Achievement {
    /// A spec-valid minimal achievement: id, `type: ["Achievement"]`, name,
    /// description and a criteria narrative.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        description: impl Into<String>,
        criteria_narrative: impl Into<String>,
    ) -> Self {
        Achievement {
            id: Some(id.into()),
            type_: vec![crate::TYPE_ACHIEVEMENT.to_string()],
            name: Some(name.into()),
            description: Some(description.into()),
            criteria: Some(Criteria {
                narrative: Some(criteria_narrative.into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

/// `Criteria`: at least one of `id` / `narrative` SHOULD be given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Alignment` to an external framework item (CASE, CTDL, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub type_: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Alignment {
    /// `{"type": ["Alignment"], "targetName": name, "targetUrl": url}`.
    pub fn new(target_name: impl Into<String>, target_url: impl Into<String>) -> Self {
        Alignment {
            type_: vec![crate::TYPE_ALIGNMENT.to_string()],
            target_name: Some(target_name.into()),
            target_url: Some(target_url.into()),
            ..Default::default()
        }
    }
}

/// `ResultDescription`: describes a possible result of an achievement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDescription {
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
    pub alignment: Vec<Alignment>,
    /// Ordered from low to high.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub allowed_value: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<String>,
    /// Ordered from low to high.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub rubric_criterion_level: Vec<RubricCriterionLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_min: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `RubricCriterionLevel`: one level of a rubric criterion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricCriterionLevel {
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
    pub alignment: Vec<Alignment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A string in the spec (e.g. `"4"`), not a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `Result` entry of an AchievementSubject (named `ResultEntry` to avoid
/// clashing with `std::result::Result`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultEntry {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub type_: Vec<String>,
    /// `id` of a `RubricCriterionLevel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub alignment: Vec<Alignment>,
    /// `id` of a `ResultDescription` of the same achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_description: Option<String>,
    /// ResultStatusType: Completed, Enrolled, Failed, InProgress, OnHold, Provisional, Withdrew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ResultEntry {
    /// `{"type": ["Result"]}`; fill the rest with struct update syntax.
    pub fn new() -> Self {
        ResultEntry {
            type_: vec![crate::TYPE_RESULT.to_string()],
            ..Default::default()
        }
    }
}

/// `Related`: another version / language of the same achievement or profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Related {
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
    pub in_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `IdentifierEntry`: `type` is the single string `"IdentifierEntry"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierEntry {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "one_string"
    )]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_type: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IdentifierEntry {
    pub fn new(identifier: impl Into<String>, identifier_type: impl Into<String>) -> Self {
        IdentifierEntry {
            type_: crate::TYPE_IDENTIFIER_ENTRY.to_string(),
            identifier: Some(identifier.into()),
            identifier_type: Some(identifier_type.into()),
            ..Default::default()
        }
    }
}

/// `Image`: `id` (URI or data URI) and `type` = the single string `"Image"`.
///
/// A bare string (OB 2.0 style `"image": "https://…"`) reads as `Image { id, .. }`
/// with an empty `type_`, and is written back as the bare string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub id: String,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "one_string"
    )]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Image {
    /// `{"id": id, "type": "Image"}`.
    pub fn new(id: impl Into<String>) -> Self {
        Image {
            id: id.into(),
            type_: crate::TYPE_IMAGE.to_string(),
            ..Default::default()
        }
    }

    /// Builder: set `caption`.
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }
}

impl UriOrObject for Image {
    fn from_uri(uri: String) -> Self {
        Image {
            id: uri,
            ..Default::default()
        }
    }
    fn bare_uri(&self) -> Option<&str> {
        (self.type_.is_empty() && self.caption.is_none() && self.extra.is_empty())
            .then_some(self.id.as_str())
    }
}

/// `Evidence` supporting the award.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
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
    pub narrative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Evidence {
    /// `{"type": ["Evidence"]}` with an optional `id`.
    pub fn new(id: Option<String>) -> Self {
        Evidence {
            id,
            type_: vec![crate::TYPE_EVIDENCE.to_string()],
            ..Default::default()
        }
    }
}
