//! `Profile` (issuer, creator, source, endorser, parent organisation) and its parts.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::achievement::{IdentifierEntry, Image};
use crate::credential::Credential;
use crate::serde_util::{
    one_or_many, one_string, opt_uri_or_object, ser_opt_uri_or_object, UriOrObject,
};

/// A Profile: a person or organisation (OB 3.0 `Profile`; shared with CLR 2.0).
///
/// Schema-required: `id`, `type` ∋ `Profile`. Where the spec allows a *ProfileRef*
/// (`Credential::issuer`), a bare URI string reads as `Profile { id, ..Default }`,
/// and such a bare profile (no `type`, nothing but `id`) is written back as the string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub type_: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_uri_or_object",
        serialize_with = "ser_opt_uri_or_object"
    )]
    pub image: Option<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub other_identifier: Vec<IdentifierEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_org: Option<Box<Profile>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// Properties not modelled above (extensions, `alsoKnownAs`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Profile {
    /// A spec-valid minimal profile: `{"id": id, "type": ["Profile"]}`.
    pub fn new(id: impl Into<String>) -> Self {
        Profile {
            id: id.into(),
            type_: vec![crate::TYPE_PROFILE.to_string()],
            ..Default::default()
        }
    }

    /// A profile carrying only its URI; serialized as a bare string where the
    /// spec allows a ProfileRef (`issuer`).
    pub fn uri(id: impl Into<String>) -> Self {
        Profile {
            id: id.into(),
            ..Default::default()
        }
    }

    /// Builder: set `name`.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl UriOrObject for Profile {
    fn from_uri(uri: String) -> Self {
        Profile::uri(uri)
    }
    fn bare_uri(&self) -> Option<&str> {
        let bare = Profile::uri(self.id.clone());
        (*self == bare).then_some(self.id.as_str())
    }
}

/// A postal address (`Address`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub type_: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_office_box_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoCoordinates>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GeoCoordinates`: `type` is the single string `"GeoCoordinates"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoCoordinates {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "one_string"
    )]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
