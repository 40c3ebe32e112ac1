//! Small serde helpers shared by the model types.
//!
//! The OB 3.0 / CLR 2.0 JSON rules (spec "Serialization") let producers compact a
//! one-element array to its single value for `type`, `credentialSchema`, `proof`,
//! `termsOfUse`, and the purl JSON Schemas accept the single form for most other
//! multi-valued properties too. Readers therefore have to accept both forms; the
//! helpers here do that, while the writers always emit the array form.
//!
//! The helpers go through `serde_json::Value` so that error messages from the
//! element type survive (an untagged enum would only say "did not match any variant").

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Deserialize a property that may be a single value or an array of values.
/// `null` reads as the empty list (the spec says nulls must be omitted anyway).
pub(crate) fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|item| serde_json::from_value(item).map_err(D::Error::custom))
            .collect(),
        single => serde_json::from_value(single)
            .map(|x| vec![x])
            .map_err(D::Error::custom),
    }
}

/// Deserialize a single-valued string property (e.g. `"type": "Image"`) that
/// some documents nevertheless write as a one-element array (`["Image"]`).
/// More than one element is an error: the property is single-valued in the spec.
pub(crate) fn one_string<'de, D>(d: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        Value::Array(mut items) if items.len() == 1 => match items.pop() {
            Some(Value::String(s)) => Ok(s),
            other => Err(D::Error::custom(format!(
                "expected a string, found {}",
                other.unwrap_or(Value::Null)
            ))),
        },
        other => Err(D::Error::custom(format!(
            "expected a single string (or a one-element array), found {other}"
        ))),
    }
}

/// Types that the wild sometimes write as a bare URI instead of an object
/// (`"issuer": "https://…"`, OB 2.0 style `"image": "https://…"`).
pub(crate) trait UriOrObject: Serialize + DeserializeOwned {
    /// Build the object form holding only this URI as its `id`.
    fn from_uri(uri: String) -> Self;
    /// `Some(id)` when the value carries nothing but an `id` (no `type`, no other
    /// property): such a value is written back as the bare URI string.
    fn bare_uri(&self) -> Option<&str>;
}

fn value_to<T: UriOrObject, E: serde::de::Error>(v: Value) -> Result<T, E> {
    match v {
        Value::String(s) => Ok(T::from_uri(s)),
        other => serde_json::from_value(other).map_err(E::custom),
    }
}

pub(crate) fn uri_or_object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: UriOrObject,
{
    value_to(Value::deserialize(d)?)
}

pub(crate) fn opt_uri_or_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: UriOrObject,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => value_to(v).map(Some),
    }
}

pub(crate) fn ser_uri_or_object<S, T>(v: &T, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: UriOrObject,
{
    match v.bare_uri() {
        Some(uri) => s.serialize_str(uri),
        None => v.serialize(s),
    }
}

pub(crate) fn ser_opt_uri_or_object<S, T>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: UriOrObject,
{
    match v {
        Some(inner) => ser_uri_or_object(inner, s),
        None => s.serialize_none(),
    }
}
