//! The official 1EdTech JSON Schemas (draft 2019-09), embedded, and readable error reports:
//! the root cause of each failure, with its JSON pointer, instead of a buried `oneOf` error.

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;
use wellspring_report::brief::{preview, size_over};

/// Embedded schemas: (purl URL, file text).
pub static SCHEMAS: &[(&str, &str)] = &[
    ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        include_str!("../schemas/ob_v3p0_achievementcredential_schema.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json",
        include_str!("../schemas/ob_v3p0_endorsementcredential_schema.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json",
        include_str!("../schemas/ob_v3p0_profile_schema.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_getopenbadgecredentialsresponse_schema.json",
        include_str!("../schemas/ob_v3p0_getopenbadgecredentialsresponse_schema.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_imsx_statusinfo_schema.json",
        include_str!("../schemas/ob_v3p0_imsx_statusinfo_schema.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json",
        include_str!("../schemas/clr_v2p0_clrcredential_schema.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_achievementcredential_schema.json",
        include_str!("../schemas/clr_v2p0_achievementcredential_schema.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_endorsementcredential_schema.json",
        include_str!("../schemas/clr_v2p0_endorsementcredential_schema.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_profile_schema.json",
        include_str!("../schemas/clr_v2p0_profile_schema.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_getclrcredentialsresponse_schema.json",
        include_str!("../schemas/clr_v2p0_getclrcredentialsresponse_schema.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_imsx_statusinfo_schema.json",
        include_str!("../schemas/clr_v2p0_imsx_statusinfo_schema.json")),
];

pub const OB_ACHIEVEMENT_CREDENTIAL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
pub const OB_ENDORSEMENT_CREDENTIAL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json";
pub const CLR_CREDENTIAL: &str =
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json";

/// One schema problem, at its root.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    /// JSON pointer into the credential.
    pub pointer: String,
    pub message: String,
}

/// Which data model a credential follows (decides which schema variant applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// VC Data Model 2.0 (`validFrom`), what the official schemas describe.
    V2,
    /// VC Data Model 1.1 (`issuanceDate`), kept "for verification purposes".
    V1,
}

/// The official schema adapted to VC DM 1.1: 1EdTech publishes no 1.1 schema, so the 2.0
/// schema is used with `@context` item 0 = credentials/v1 and `issuanceDate` required in
/// place of `validFrom` (OB 3.0 AchievementCredentialv1p1: `name` required too).
fn adapt_v1(mut schema: Value) -> Value {
    let v1 = "https://www.w3.org/2018/credentials/v1";
    fn walk_context(v: &mut Value, v1: &str) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Array(e)) = o.get_mut("enum") {
                    if e.iter()
                        .any(|x| x == "https://www.w3.org/ns/credentials/v2")
                    {
                        *e = vec![Value::String(v1.into())];
                    }
                }
                for (_, x) in o.iter_mut() {
                    walk_context(x, v1);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk_context(x, v1)),
            _ => {}
        }
    }
    if let Some(ctx) = schema.pointer_mut("/properties/@context") {
        walk_context(ctx, v1);
    }
    if let Some(props) = schema
        .pointer_mut("/properties")
        .and_then(Value::as_object_mut)
    {
        let dt = serde_json::json!({"type": "string", "format": "date-time"});
        props.insert("issuanceDate".into(), dt.clone());
        props.insert("expirationDate".into(), dt);
    }
    if let Some(Value::Array(req)) = schema.get_mut("required") {
        req.retain(|r| r != "validFrom");
        req.push("issuanceDate".into());
        if !req.iter().any(|r| r == "name") {
            req.push("name".into());
        }
    }
    // Credentials nested in a 1.1 credential (a CLR's verifiableCredential, endorsements) may
    // be 1.1 too: each is verified on its own against its own form, so here either date will do.
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        for name in [
            "VerifiableCredential",
            "EndorsementCredential",
            "AchievementCredential",
        ] {
            let Some(def) = defs.get_mut(name).and_then(Value::as_object_mut) else {
                continue;
            };
            let had = match def.get_mut("required") {
                Some(Value::Array(req)) if req.iter().any(|r| r == "validFrom") => {
                    req.retain(|r| r != "validFrom");
                    true
                }
                _ => false,
            };
            if let Some(ctx) = def
                .get_mut("properties")
                .and_then(|p| p.get_mut("@context"))
            {
                allow_v1_context(ctx);
            }
            if had {
                def.insert(
                    "anyOf".into(),
                    serde_json::json!([{"required": ["validFrom"]}, {"required": ["issuanceDate"]}]),
                );
                if let Some(props) = def.get_mut("properties").and_then(Value::as_object_mut) {
                    let dt = serde_json::json!({"type": "string", "format": "date-time"});
                    props.insert("issuanceDate".into(), dt.clone());
                    props.insert("expirationDate".into(), dt);
                }
            }
        }
    }
    schema
}

/// Where a nested credential's `@context` must start with the v2 context, the v1 context
/// is allowed too.
fn allow_v1_context(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(e)) = o.get_mut("enum") {
                if e.iter()
                    .any(|x| x == "https://www.w3.org/ns/credentials/v2")
                    && !e
                        .iter()
                        .any(|x| x == "https://www.w3.org/2018/credentials/v1")
                {
                    e.push("https://www.w3.org/2018/credentials/v1".into());
                }
            }
            o.values_mut().for_each(allow_v1_context);
        }
        Value::Array(a) => a.iter_mut().for_each(allow_v1_context),
        _ => {}
    }
}

/// Compiled validators by (schema URL, data-model form), each built the first time it is needed
/// (a run over OB badges never pays for compiling the CLR schema).
type Compiled = HashMap<(&'static str, Form), OnceLock<Result<Validator, String>>>;

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        SCHEMAS
            .iter()
            .flat_map(|(url, _)| [Form::V2, Form::V1].map(|f| ((*url, f), OnceLock::new())))
            .collect()
    })
}

fn compile(url: &'static str, form: Form) -> Result<Validator, String> {
    let text = SCHEMAS
        .iter()
        .find(|(u, _)| *u == url)
        .map(|(_, t)| *t)
        .ok_or_else(|| format!("schema {url} is not shipped"))?;
    let schema: Value = serde_json::from_str(text).expect("embedded schema is JSON");
    let s = if form == Form::V1 {
        adapt_v1(schema)
    } else {
        schema
    };
    jsonschema::options()
        .with_draft(Draft::Draft201909)
        .should_validate_formats(true)
        .build(&s)
        .map_err(|e| format!("schema {url} does not compile: {e}"))
}

/// Is this schema URL one we ship?
pub fn is_known(url: &str) -> bool {
    SCHEMAS.iter().any(|(u, _)| *u == url)
}

/// Validates `instance` against the shipped schema at `url`; `None` if we do not ship it.
pub fn validate(
    url: &str,
    form: Form,
    instance: &Value,
) -> Option<Result<Vec<SchemaError>, String>> {
    let (key, _) = SCHEMAS.iter().find(|(u, _)| *u == url)?;
    let v = match compiled()
        .get(&(*key, form))?
        .get_or_init(|| compile(key, form))
    {
        Ok(v) => v,
        Err(e) => return Some(Err(e.clone())),
    };
    let mut out = Vec::new();
    // Most documents are valid: the yes/no pass builds no error values (collecting errors
    // copies the instance into every `oneOf` branch's error, a cost that grows with its size).
    if v.is_valid(instance) {
        return Some(Ok(out));
    }
    for e in v.iter_errors(instance) {
        root_causes(e, instance, &mut out);
    }
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.message.cmp(&b.message)));
    out.dedup();
    Some(Ok(out))
}

/// Validates a schema given as a document (a `credentialSchema` fetched with `--online`).
pub fn validate_with(schema: &Value, instance: &Value) -> Result<Vec<SchemaError>, String> {
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| format!("schema does not compile: {e}"))?;
    let mut out = Vec::new();
    for e in v.iter_errors(instance) {
        root_causes(e, instance, &mut out);
    }
    Ok(out)
}

/// Descends into `oneOf`/`anyOf` failures: the schemas allow "one value or an array of them",
/// so we follow the branch that fits the value's JSON type, and report what is wrong inside it.
/// `root` is the validated document: errors inside a branch carry no copy of their value
/// (vendored `jsonschema`, `ValidationError::detached`), [`leaf`] finds it there.
fn root_causes<'r>(mut e: ValidationError<'r>, root: &'r Value, out: &mut Vec<SchemaError>) {
    let (one_of, branches) = match std::mem::replace(&mut e.kind, ValidationErrorKind::FalseSchema)
    {
        ValidationErrorKind::OneOfNotValid { context } => (true, context),
        ValidationErrorKind::AnyOf { context } => (false, context),
        kind => {
            e.kind = kind;
            return out.push(leaf(e, root));
        }
    };
    // A branch whose errors are all below the value (not a type mismatch of the value
    // itself) is the one the author meant; else the branch with the fewest errors.
    let here = e.instance_path.as_str();
    let meant = |b: &Vec<ValidationError<'static>>| {
        !b.iter().any(|x| {
            x.instance_path.as_str() == here && matches!(x.kind, ValidationErrorKind::Type { .. })
        })
    };
    let pick = branches
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.is_empty())
        .min_by_key(|(_, b)| (!meant(b), b.len()))
        .map(|(i, _)| i);
    match pick {
        Some(i) => {
            for x in branches.into_iter().nth(i).unwrap_or_default() {
                root_causes(x, root, out);
            }
        }
        None => {
            e.kind = if one_of {
                ValidationErrorKind::OneOfNotValid { context: branches }
            } else {
                ValidationErrorKind::AnyOf { context: branches }
            };
            out.push(leaf(e, root))
        }
    }
}

/// Longest schema error message kept; the value is at the error's pointer in any case.
const MESSAGE_MAX: usize = 400;

/// One root cause as we report it. jsonschema's message quotes the offending value whole: a
/// value of a megabyte (a fuzzer's, an attacker's) is shown by a preview of it instead, and the
/// message is cut at [`MESSAGE_MAX`] bytes.
fn leaf<'r>(e: ValidationError<'r>, root: &'r Value) -> SchemaError {
    // The value the error is about, wherever the error came from (a branch's error carries
    // none of its own).
    let mut e = ValidationError {
        instance: match root.pointer(e.instance_path.as_str()) {
            Some(v) => std::borrow::Cow::Borrowed(v),
            None => e.instance,
        },
        kind: e.kind,
        instance_path: e.instance_path,
        schema_path: e.schema_path,
    };
    let pointer = e.instance_path.as_str().to_owned();
    let message = match &e.kind {
        ValidationErrorKind::Required { property } => {
            format!("required property {property} is missing")
        }
        // Its message lists the array's extra items from the instance itself.
        ValidationErrorKind::AdditionalItems { .. } => capped(&e),
        _ => {
            if let Some(p) = size_over(&e.instance, 200)
                .then(|| preview(&e.instance, 3))
                .flatten()
            {
                e.instance = std::borrow::Cow::Owned(p);
            }
            capped(&e)
        }
    };
    SchemaError { pointer, message }
}

/// `e`'s message, at most [`MESSAGE_MAX`] bytes (formatting stops there).
fn capped(e: &ValidationError<'_>) -> String {
    struct Cap(String);
    impl std::fmt::Write for Cap {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let room = MESSAGE_MAX - self.0.len();
            if s.len() <= room {
                self.0.push_str(s);
                return Ok(());
            }
            let mut end = room;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            self.0.push_str(&s[..end]);
            self.0.push('…');
            Err(std::fmt::Error)
        }
    }
    let mut c = Cap(String::new());
    let _ = std::fmt::write(&mut c, format_args!("{e}"));
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Validators are compiled when first needed: every shipped schema must compile, in both
    /// data-model forms, before a user meets one that does not.
    #[test]
    fn every_shipped_schema_compiles_in_both_forms() {
        for (url, _) in SCHEMAS {
            for form in [Form::V2, Form::V1] {
                assert!(compile(url, form).is_ok(), "{url} {form:?}");
            }
        }
    }

    /// A schema error names the offending value by a short preview when it is large (a
    /// megabyte in a message made megabyte reports), and in full when it is small.
    /// An error inside a `oneOf` branch is reported with its value, found at its pointer (the
    /// vendored jsonschema's branch errors carry no copy): a wrong type, and a language map
    /// whose key is not a language code (`propertyNames`, whose message quotes the key).
    #[test]
    fn branch_errors_quote_their_values() {
        let text = include_str!("../../../vectors/valid/ob-minimal.eddsa.json");
        let mut cred: Value = serde_json::from_str(text).unwrap();
        cred["credentialSubject"]["achievement"]["name"] = serde_json::json!({"EN": "Badge"});
        cred["credentialSubject"]["achievement"]["description"] = serde_json::json!(7);
        let errs = validate(OB_ACHIEVEMENT_CREDENTIAL, Form::V2, &cred)
            .unwrap()
            .unwrap();
        let all: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert!(
            all.iter().any(|m| m.starts_with("7 is not of type")),
            "{all:?}"
        );
        assert!(all.iter().any(|m| m.contains("\"EN\"")), "{all:?}");
        assert!(!all.iter().any(|m| m.starts_with("null ")), "{all:?}");
    }

    #[test]
    fn error_messages_preview_large_values() {
        let text = include_str!("../../../vectors/valid/ob-minimal.eddsa.json");
        let mut cred: Value = serde_json::from_str(text).unwrap();
        let big: Vec<String> = (0..60_000).map(|i| format!("item-{i}")).collect();
        cred["credentialSubject"]["achievement"]["name"] = Value::from(big);
        cred["credentialSubject"]["achievement"]["description"] = Value::from(7);
        let errs = validate(OB_ACHIEVEMENT_CREDENTIAL, Form::V2, &cred)
            .unwrap()
            .unwrap();
        let name = errs.iter().find(|e| e.pointer.ends_with("/name")).unwrap();
        assert_eq!(
            name.message,
            r#"["item-0","item-1","item-2","item-3","… 59996 more"] is not of type "string""#
        );
        let description = errs
            .iter()
            .find(|e| e.pointer.ends_with("/description"))
            .unwrap();
        assert_eq!(description.message, r#"7 is not of type "string""#);
        cred["credentialSubject"]["achievement"]["criteria"] = Value::from("x".repeat(1 << 20));
        cred["credentialSubject"]["achievement"]["description"] = Value::from(["a", "b"]);
        let errs = validate(OB_ACHIEVEMENT_CREDENTIAL, Form::V2, &cred)
            .unwrap()
            .unwrap();
        let description = errs
            .iter()
            .find(|e| e.pointer.ends_with("/description"))
            .unwrap();
        assert_eq!(description.message, r#"["a","b"] is not of type "string""#);
        let criteria = errs
            .iter()
            .find(|e| e.pointer.ends_with("/criteria"))
            .unwrap();
        let x80 = "x".repeat(80);
        assert_eq!(
            criteria.message,
            format!(r#""{x80}… (1048576 bytes)" is not of type "object""#)
        );
        assert!(
            errs.iter().all(|e| e.message.len() <= MESSAGE_MAX + 3),
            "{errs:?}"
        );
    }
}
