//! Shared helpers for the round-trip tests.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// `/work/shared/spec` unless `WELLSPRING_SPEC_DIR` says otherwise.
pub fn spec_dir() -> PathBuf {
    std::env::var_os("WELLSPRING_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/spec"))
}

pub fn read_json(path: &std::path::Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// Properties that the model reads in single-value OR array form but always
/// writes as an array (plus the single-valued `type`s, which the model writes
/// as a string even if the input used a one-element array).
///
/// Why a normalizer: the spec lets producers compact one-element arrays
/// (`"type": "Profile"`, `"proof": {...}`), and the spec examples do so
/// inconsistently. The model deliberately writes one canonical form (arrays for
/// multi-valued properties), so the written JSON can differ from the input in
/// exactly this way and no other. The round-trip tests therefore compare
/// `normalize(input) == normalize(output)`, where `normalize` rewrites every
/// value under one of these keys into array form, on both sides alike.
/// Because it is applied symmetrically it can never hide a lost or changed key
/// or value; it only forgets the single-vs-array spelling. Tests that need the
/// exact form (`fullOpenBadge_…`, the OB test vector) compare without it.
pub const ONE_OR_MANY_KEYS: &[&str] = &[
    "@context",
    "type",
    "credentialSchema",
    "termsOfUse",
    "evidence",
    "identifier",
    "endorsement",
    "endorsementJwt",
    "alignment",
    "result",
    "resultDescription",
    "rubricCriterionLevel",
    "otherIdentifier",
    "related",
    "tag",
    "allowedValue",
    "achievement",
    "association",
    "verifiableCredential",
    "proof",
];

/// See [`ONE_OR_MANY_KEYS`].
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let n = normalize(v);
                    let n = if ONE_OR_MANY_KEYS.contains(&k.as_str()) && !n.is_array() {
                        Value::Array(vec![n])
                    } else {
                        n
                    };
                    (k.clone(), n)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Human-readable list of differences between two JSON values (paths).
pub fn diff(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(a, b, "$", &mut out);
    out
}

fn walk(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            for (k, va) in ma {
                match mb.get(k) {
                    Some(vb) => walk(va, vb, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: LOST (was {va})")),
                }
            }
            for k in mb.keys().filter(|k| !ma.contains_key(*k)) {
                out.push(format!("{path}.{k}: ADDED ({})", mb[k]));
            }
        }
        (Value::Array(xa), Value::Array(xb)) if xa.len() == xb.len() => {
            for (i, (va, vb)) in xa.iter().zip(xb).enumerate() {
                walk(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: {a} != {b}")),
    }
}

/// Panic with a readable diff unless `input` and `output` are equal.
pub fn assert_same_json(what: &str, input: &Value, output: &Value) {
    let d = diff(input, output);
    assert!(
        d.is_empty() && input == output,
        "{what}: round trip changed the document:\n  {}",
        d.join("\n  ")
    );
}
