//! `case.package.schema`: validation against `CFPackage.Type` of the official CASE 1.0 OpenAPI.
//!
//! A package of 100,000 items held as one `serde_json::Value` costs several hundred MB, so the
//! package is validated as it is parsed: each element of `CFItems` and `CFAssociations` is
//! parsed on its own, validated against `CFPckgItem.Type` / `CFPckgAssociation.Type` (its
//! errors' pointers prefixed with its position) and dropped; the rest of the package (with
//! those arrays emptied) is validated against `CFPackage.Type`. `CFPackage.Type` declares those
//! two arrays as `{type: array, minItems: 0, items: {$ref}}`, so the errors found are exactly
//! those of validating the whole document at once.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use jsonschema::{Draft, Validator};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use wellspring_case::openapi::definition_schema;

/// One schema error: where, which keyword, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub pointer: String,
    pub keyword: String,
    pub message: String,
}

/// What validation found: every error counted, the first `keep` kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaOutcome {
    pub total: usize,
    pub by_keyword: BTreeMap<String, usize>,
    pub first: Vec<SchemaError>,
}

struct Validators {
    package: Validator,
    item: Validator,
    association: Validator,
}

fn compile(name: &str) -> Validator {
    let schema = definition_schema(name).expect("definition exists in the embedded OpenAPI");
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("embedded {name} compiles: {e}"))
}

fn validators() -> &'static Validators {
    static V: OnceLock<Validators> = OnceLock::new();
    V.get_or_init(|| Validators {
        package: compile("CFPackage.Type"),
        item: compile("CFPckgItem.Type"),
        association: compile("CFPckgAssociation.Type"),
    })
}

struct Sink {
    keep: usize,
    out: SchemaOutcome,
}

impl Sink {
    fn validate(&mut self, v: &Validator, instance: &Value, prefix: &str) {
        for e in v.iter_errors(instance) {
            self.out.total += 1;
            let keyword = e
                .schema_path
                .as_str()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            *self.out.by_keyword.entry(keyword.clone()).or_default() += 1;
            if self.out.first.len() < self.keep {
                self.out.first.push(SchemaError {
                    pointer: format!("{prefix}{}", e.instance_path.as_str()),
                    keyword,
                    message: e.to_string(),
                });
            }
        }
    }
}

/// Validates `bytes` (a JSON object) against CFPackage.Type, keeping the first `keep` errors.
/// `Err` when the bytes are not a JSON object (the parse check reports that).
pub fn validate_package(bytes: &[u8], keep: usize) -> Result<SchemaOutcome, String> {
    let v = validators();
    let mut sink = Sink {
        keep,
        out: SchemaOutcome::default(),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let skeleton = Top { v, sink: &mut sink }
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    // The package-level errors come first, as a whole-document validation would order them.
    let streamed = std::mem::take(&mut sink.out);
    sink.validate(&v.package, &skeleton, "");
    let mut out = sink.out;
    out.total += streamed.total;
    for (k, n) in streamed.by_keyword {
        *out.by_keyword.entry(k).or_default() += n;
    }
    let room = keep.saturating_sub(out.first.len());
    out.first.extend(streamed.first.into_iter().take(room));
    Ok(out)
}

struct Top<'s> {
    v: &'static Validators,
    sink: &'s mut Sink,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CFPackage object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut skeleton = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let streamed = match key.as_str() {
                "CFItems" => Some(&self.v.item),
                "CFAssociations" => Some(&self.v.association),
                _ => None,
            };
            let value = match streamed {
                Some(validator) => map.next_value_seed(Elements {
                    validator,
                    prefix: format!("/{key}/"),
                    sink: &mut *self.sink,
                })?,
                None => map.next_value::<Value>()?,
            };
            skeleton.insert(key, value);
        }
        Ok(Value::Object(skeleton))
    }
}

/// An array whose elements are validated one by one and dropped (the array becomes `[]`);
/// any other value is kept as it is.
struct Elements<'s> {
    validator: &'static Validator,
    prefix: String,
    sink: &'s mut Sink,
}

impl<'de> DeserializeSeed<'de> for Elements<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut i = 0usize;
        while let Some(element) = seq.next_element::<Value>()? {
            let prefix = format!("{}{i}", self.prefix);
            self.sink.validate(self.validator, &element, &prefix);
            i += 1;
        }
        Ok(Value::Array(Vec::new()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        serde::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}
