//! CASE provider certification, CASE 1.0 and CASE 1.1: Wellspring acts as a CASE consumer against
//! a provider's `/ims/case/v1p0` (or `/ims/case/v1p1`) endpoints and judges what it serves
//! (`wellspring certify --standard case10|case11 --role provider --target URL`). One suite, run
//! with a [`Version`]: the base path, the schemas (1.0: the OpenAPI 2.0 file; 1.1: the
//! per-operation JSON Schemas), the codeMinor spellings and the check ids (`case.provider.*` /
//! `case11.provider.*`) follow it.
//!
//! | ID (`case.provider.` / `case11.provider.`) | judges |
//! |---|---|
//! | `auth` | credentials configured: no token → 401, token → 200; public provider: skipped |
//! | `endpoints` | the 11 required GET endpoints answer 200 for ids the provider serves |
//! | `schema` | payloads validate against the version's response schema (1.0: the standalone `allOf` types flattened) |
//! | `declared` | no undeclared properties (`additionalProperties: false`) |
//! | `content-type` | every body is `application/json` |
//! | `unknown-id` | random valid UUID → 404 `failure` / `unknownobject`, on every id endpoint |
//! | `malformed-id` | `not-a-uuid` → 404 `failure` / `invaliduuid` (1.0) / `invalid_uuid` (1.1), on every id endpoint |
//! | `bad-parameter` | `limit=-1`, `limit=abc` → 400 `failure` / `invalid_selection_field` |
//! | `paging` | `X-Total-Count`, `Link rel=next` followed to the end |
//! | `links` | `first` / `prev` / `next` / `last` name the right limit and offset |
//! | `sort` | `sort=title&orderBy=asc|desc` sorted (optional: warning when ignored or refused) |
//! | `filter` | `filter=title='…'` selects exactly the documents with that title (optional) |
//! | `fields` | `fields=identifier,title` returns only those fields (optional) |
//! | `uris` | `uri`s on the target host resolve to the same identifier |
//! | `rubrics` | referenced CFRubrics are served (not offered: warning; broken: failure) |
//! | `package-integrity` | the `case.package.*` checks on every CFPackage, nested |
//! | `optional-fields` | objects fetched on their own carry the optional fields (and values) their package gives them |
//! | `discovery` (1.1 only) | the localised OpenAPI 3 file at `/ims/case/v1p1/discovery/imscasev1p1_openapi3_v1p0.json` |
//!
//! Bounds: `--timeout` per request (the deadline covers the body; a stalled read may add one
//! more timeout), 64 MiB bodies, 5 redirects, `--max-items` objects fetched.
//!
//! [`run`] returns `Err` only when the suite could not run at all (bad target URL, nothing
//! answering, the token endpoint unreachable); every finding about the provider is a check.

pub mod checks;
mod helpers;
pub mod http;
mod optional;
mod query;
mod steps;

use helpers::*;
pub use steps::run;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::time::Duration;

use jsonschema::{Draft, Validator};
use serde_json::{json, Map, Value};
use wellspring_report::{CheckDef, CheckResult, DocReport, Verdict};

use http::{Exchange, Http};

/// The base path the CASE 1.0 suite appends to the target.
pub const BASE_PATH: &str = "/ims/case/v1p0";
/// The kind shown for the CASE 1.0 provider report.
pub const KIND: &str = "CASE 1.0 provider";

/// The CASE version a run certifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    #[default]
    V1p0,
    V1p1,
}

impl Version {
    /// The base path the suite appends to the target.
    pub fn base_path(self) -> &'static str {
        match self {
            Version::V1p0 => BASE_PATH,
            Version::V1p1 => wellspring_case::openapi11::BASE_PATH,
        }
    }

    /// The kind shown for the report.
    pub fn kind(self) -> &'static str {
        match self {
            Version::V1p0 => KIND,
            Version::V1p1 => "CASE 1.1 provider",
        }
    }

    /// "1.0" / "1.1".
    pub fn label(self) -> &'static str {
        match self {
            Version::V1p0 => "1.0",
            Version::V1p1 => "1.1",
        }
    }

    /// The checks of this version, by name.
    pub fn defs(self) -> checks::Defs {
        match self {
            Version::V1p0 => checks::V10,
            Version::V1p1 => checks::V11,
        }
    }

    /// The codeMinor of a malformed identifier (renamed in 1.1).
    pub fn invalid_uuid(self) -> &'static str {
        match self {
            Version::V1p0 => "invaliduuid",
            Version::V1p1 => "invalid_uuid",
        }
    }
}

/// How the suite authenticates.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    #[default]
    Anonymous,
    /// A bearer token given as is.
    Token(String),
    /// OAuth 2.0 client credentials (RFC 6749 §4.4).
    Client {
        id: String,
        secret: String,
        token_url: String,
        /// Client authentication in the `Authorization: Basic` header (else in the form body).
        basic: bool,
        scope: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Base URL, e.g. `http://127.0.0.1:8480` (the suite appends `/ims/case/v1p0/...` or
    /// `/ims/case/v1p1/...`).
    pub target: String,
    pub version: Version,
    pub auth: Auth,
    /// Per-request deadline, body included.
    pub timeout: Duration,
    /// Objects fetched at most (documents, packages, items, associations, definitions, uris).
    pub max_items: usize,
    pub max_body: usize,
    /// The target may be on loopback or a private network (refused otherwise).
    pub allow_private_network: bool,
}

impl Options {
    pub fn new(target: impl Into<String>) -> Options {
        Options {
            target: target.into(),
            version: Version::V1p0,
            auth: Auth::Anonymous,
            timeout: Duration::from_secs(10),
            max_items: 200,
            max_body: http::MAX_BODY,
            allow_private_network: false,
        }
    }
}

/// What one check has gathered.
struct Acc {
    def: CheckDef,
    passes: Vec<String>,
    fails: Vec<(String, Value)>,
    warns: Vec<(String, Value)>,
    skip: Option<String>,
    note: Option<String>,
}

impl Acc {
    fn new(def: CheckDef) -> Acc {
        Acc {
            def,
            passes: Vec::new(),
            fails: Vec::new(),
            warns: Vec::new(),
            skip: None,
            note: None,
        }
    }

    fn finish(self, pass_default: &str) -> CheckResult {
        let note = self.note.map(|n| format!(" ({n})")).unwrap_or_default();
        if !self.fails.is_empty() {
            let mut r = CheckResult::new(
                &self.def,
                Verdict::Fail,
                format!(
                    "{} problem(s); first: {}{note}",
                    self.fails.len(),
                    self.fails[0].0
                ),
            );
            for (m, e) in self.fails.iter().take(5) {
                r = r.with(m, e.clone());
            }
            return r;
        }
        if !self.warns.is_empty() {
            let mut r = CheckResult::new(
                &self.def,
                Verdict::Warn,
                format!("{}{note}", self.warns[0].0),
            );
            for (m, e) in self.warns.iter().take(5) {
                r = r.with(m, e.clone());
            }
            return r;
        }
        if self.passes.is_empty() {
            let why = self.skip.unwrap_or_else(|| "nothing to judge".into());
            return CheckResult::new(&self.def, Verdict::Skip, format!("{why}{note}"));
        }
        let msg = if self.passes.len() == 1 {
            self.passes[0].clone()
        } else {
            format!("{} ({} responses){note}", pass_default, self.passes.len())
        };
        CheckResult::new(&self.def, Verdict::Pass, msg)
    }
}

/// The standalone `allOf` types of the 1.0 OpenAPI, flattened.
pub const FLATTENED: &[&str] = &["CFDocument.Type", "CFItem.Type", "CFAssociation.Type"];
/// What the schema check says about the flattening.
pub const FLATTEN_NOTE: &str = "the 1.0 OpenAPI builds CFDocument.Type, CFItem.Type and CFAssociation.Type as allOf of two parts that each say additionalProperties: false, which no document can satisfy; Wellspring validates them flattened (the parts' properties and required lists merged into one object schema, additionalProperties: false)";

/// The OpenAPI definitions with every top-level `allOf` merged into one object schema.
fn flattened_definitions() -> Value {
    let swagger: Value = serde_json::from_str(wellspring_case::openapi::SWAGGER_V1P0)
        .expect("embedded OpenAPI is JSON");
    let mut defs = swagger["definitions"].clone();
    let names: Vec<String> = defs
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let Some(parts) = defs[&name].get("allOf").and_then(Value::as_array).cloned() else {
            continue;
        };
        let mut props = Map::new();
        let mut required: Vec<Value> = Vec::new();
        for part in parts {
            let part = match part.get("$ref").and_then(Value::as_str) {
                Some(r) => defs[r.trim_start_matches("#/definitions/")].clone(),
                None => part,
            };
            if let Some(p) = part.get("properties").and_then(Value::as_object) {
                props.extend(p.clone());
            }
            for r in part
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
        }
        let mut flat =
            json!({"type": "object", "properties": props, "additionalProperties": false});
        if let Some(d) = defs[&name].get("description") {
            flat["description"] = d.clone();
        }
        if !required.is_empty() {
            flat["required"] = Value::Array(required);
        }
        defs[&name] = flat;
    }
    defs
}

/// The 1.0 OpenAPI definition of each operation's 200 payload.
const DEFS10: &[(&str, &str)] = &[
    ("getAllCFDocuments", "CFDocumentSet.Type"),
    ("getCFDocument", "CFDocument.Type"),
    ("getCFPackage", "CFPackage.Type"),
    ("getCFItem", "CFItem.Type"),
    ("getCFAssociation", "CFAssociation.Type"),
    ("getCFItemAssociations", "CFAssociationSet.Type"),
    ("getCFAssociationGrouping", "CFAssociationGrouping.Type"),
    ("getCFConcept", "CFConceptSet.Type"),
    ("getCFSubject", "CFSubjectSet.Type"),
    ("getCFLicense", "CFLicense.Type"),
    ("getCFItemType", "CFItemTypeSet.Type"),
    ("getCFRubric", "CFRubric.Type"),
];

/// The schema name shown in evidence: the 1.0 definition, or the 1.1 operation's payload schema.
fn schema_name(v: Version, op: &str, ok: bool) -> String {
    match (v, ok) {
        (Version::V1p0, true) => DEFS10
            .iter()
            .find(|(o, _)| *o == op)
            .map(|(_, d)| (*d).to_owned())
            .unwrap_or_default(),
        (Version::V1p0, false) => "imsx_StatusInfo.Type".to_owned(),
        (Version::V1p1, true) => format!("{op}-200-responsepayload-schema"),
        (Version::V1p1, false) => {
            format!("{op}-400-401-403-404-429-500-default-responsepayload-schema")
        }
    }
}

fn validators10() -> &'static BTreeMap<&'static str, Validator> {
    static V: OnceLock<BTreeMap<&'static str, Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let defs = flattened_definitions();
        let mut m = BTreeMap::new();
        for n in DEFS10
            .iter()
            .map(|(_, d)| *d)
            .chain(["imsx_StatusInfo.Type"])
        {
            let schema = json!({
                "$schema": wellspring_case::openapi::DRAFT4,
                "$ref": format!("#/definitions/{n}"),
                "definitions": defs,
            });
            if let Ok(v) = jsonschema::options()
                .with_draft(Draft::Draft4)
                .should_validate_formats(true)
                .build(&schema)
            {
                m.insert(n, v);
            }
        }
        m
    })
}

fn validators11() -> &'static BTreeMap<(String, bool), Validator> {
    static V: OnceLock<BTreeMap<(String, bool), Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let mut m = BTreeMap::new();
        for (op, _) in DEFS10 {
            for ok in [true, false] {
                let Some(schema) = wellspring_case::openapi11::response_schema(op, ok) else {
                    continue;
                };
                if let Ok(v) = jsonschema::options()
                    .with_draft(Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&schema)
                {
                    m.insert(((*op).to_owned(), ok), v);
                }
            }
        }
        m
    })
}

/// The validator of an operation's 200 payload (`ok`) or error payload, for a version.
fn validator(v: Version, op: &str, ok: bool) -> Option<&'static Validator> {
    match v {
        Version::V1p0 => validators10().get(schema_name(v, op, ok).as_str()),
        Version::V1p1 => validators11().get(&(op.to_owned(), ok)),
    }
}

/// The 11 required endpoints that take an identifier (CFRubrics is the optional 12th) and
/// their operations.
const ENDPOINTS: &[(&str, &str)] = &[
    ("CFDocuments", "getCFDocument"),
    ("CFPackages", "getCFPackage"),
    ("CFItems", "getCFItem"),
    ("CFAssociations", "getCFAssociation"),
    ("CFItemAssociations", "getCFItemAssociations"),
    ("CFAssociationGroupings", "getCFAssociationGrouping"),
    ("CFConcepts", "getCFConcept"),
    ("CFSubjects", "getCFSubject"),
    ("CFLicenses", "getCFLicense"),
    ("CFItemTypes", "getCFItemType"),
];

struct Suite<'a> {
    opts: &'a Options,
    v: Version,
    http: Http,
    base: String,
    bearer: Option<String>,
    budget: usize,
    auth: Acc,
    endpoints: Acc,
    schema: Acc,
    declared: Acc,
    content_type: Acc,
    unknown: Acc,
    malformed: Acc,
    bad_param: Acc,
    paging: Acc,
    links: Acc,
    sort: Acc,
    filter: Acc,
    fields: Acc,
    uris: Acc,
    rubrics: Acc,
    integrity: Acc,
    optional_fields: Acc,
    discovery: Acc,
    nested: Vec<DocReport>,
    exercised: BTreeMap<&'static str, usize>,
    /// (uri, identifier, where it was served)
    served_uris: Vec<(String, String, String)>,
}

fn short(s: &str) -> String {
    s.chars().take(300).collect()
}

impl<'a> Suite<'a> {
    /// The URL of `rest` under the version's base path.
    fn api(&self, rest: &str) -> String {
        format!("{}{}/{rest}", self.base, self.v.base_path())
    }

    /// A GET with the configured token, judged for content type.
    fn get(&mut self, url: &str) -> Exchange {
        let ex = self.http.get(url, self.bearer.as_deref());
        self.judge_content_type(&ex);
        ex
    }

    fn judge_content_type(&mut self, ex: &Exchange) {
        if ex.error.is_some() || ex.body.is_empty() {
            return;
        }
        let ct = ex.content_type.as_deref().unwrap_or("");
        let media = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media == "application/json" {
            self.content_type.passes.push(ex.url.clone());
        } else {
            self.content_type.fails.push((
                format!("{} served as '{}'", ex.url, short(ct)),
                ex.evidence(),
            ));
        }
    }

    fn validate(&mut self, ex: &Exchange, op: &str, body: &Value) {
        let def = schema_name(self.v, op, true);
        let def = def.as_str();
        let Some(v) = validator(self.v, op, true) else {
            self.schema.skip = Some(format!("{def} did not compile"));
            return;
        };
        let mut schema_errs = Vec::new();
        let mut undeclared = Vec::new();
        for e in v.iter_errors(body) {
            let kw = e
                .schema_path
                .as_str()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            let item = json!({"pointer": e.instance_path.as_str(), "keyword": kw, "error": short(&e.to_string())});
            if kw == "additionalProperties" {
                undeclared.push(item);
            } else {
                schema_errs.push(item);
            }
        }
        let flat = if self.v == Version::V1p0 && FLATTENED.contains(&def) {
            " (flattened)"
        } else {
            ""
        };
        if schema_errs.is_empty() {
            self.schema.passes.push(ex.url.clone());
        } else {
            let mut ev = ex.evidence();
            ev["schema"] = json!(format!("{def}{flat}"));
            ev["errors"] = Value::Array(schema_errs.iter().take(10).cloned().collect());
            if !flat.is_empty() {
                ev["note"] = json!(FLATTEN_NOTE);
            }
            self.schema.fails.push((
                format!(
                    "{}: {} error(s) against {def}{flat}",
                    ex.url,
                    schema_errs.len()
                ),
                ev,
            ));
        }
        if undeclared.is_empty() {
            self.declared.passes.push(ex.url.clone());
        } else {
            let mut ev = ex.evidence();
            ev["schema"] = json!(format!("{def}{flat}"));
            ev["errors"] = Value::Array(undeclared.iter().take(10).cloned().collect());
            self.declared.fails.push((
                format!("{}: undeclared properties against {def}{flat}", ex.url),
                ev,
            ));
        }
    }

    /// Fetches a known object from an endpoint: 200, JSON, schema, declared. Returns the body.
    fn fetch_known(&mut self, endpoint: &'static str, op: &str, id: &str) -> Option<Value> {
        if self.budget == 0 {
            self.endpoints.note = Some(format!("stopped at --max-items {}", self.opts.max_items));
            return None;
        }
        self.budget -= 1;
        let url = self.api(&format!("{endpoint}/{}", http::enc(id)));
        let ex = self.get(&url);
        if ex.error.is_some() || ex.status != 200 {
            let why = ex
                .error
                .clone()
                .unwrap_or_else(|| format!("HTTP {}", ex.status));
            self.endpoints
                .fails
                .push((format!("GET {endpoint}/{id}: {why}"), ex.evidence()));
            return None;
        }
        let Some(body) = ex.json() else {
            self.endpoints.fails.push((
                format!("GET {endpoint}/{id}: 200 but the body is not JSON"),
                ex.evidence(),
            ));
            return None;
        };
        *self.exercised.entry(endpoint).or_default() += 1;
        self.endpoints.passes.push(url.clone());
        self.validate(&ex, op, &body);
        if let (Some(uri), Some(ident)) = (
            body.get("uri").and_then(Value::as_str),
            body.get("identifier").and_then(Value::as_str),
        ) {
            self.served_uris
                .push((uri.to_owned(), ident.to_owned(), url));
        }
        Some(body)
    }

    /// Judges an imsx_StatusInfo error response.
    fn judge_error(&mut self, which: u8, ex: &Exchange, status: u16, minor: &[&str], what: &str) {
        let op = ENDPOINTS
            .iter()
            .find(|(ep, _)| ex.url.contains(&format!("/{ep}/")))
            .map(|(_, op)| *op)
            .unwrap_or("getAllCFDocuments");
        let problem = if let Some(e) = &ex.error {
            Some(e.clone())
        } else if ex.status != status {
            Some(format!("HTTP {} (expected {status})", ex.status))
        } else {
            match ex.json() {
                None => Some("no imsx_StatusInfo JSON body".to_owned()),
                Some(body) => {
                    let major = body.get("imsx_codeMajor").and_then(Value::as_str);
                    let got: Vec<&str> = body
                        .pointer("/imsx_codeMinor/imsx_codeMinorField")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|f| {
                                    f.get("imsx_codeMinorFieldValue").and_then(Value::as_str)
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let schema_ok = validator(self.v, op, false)
                        .map(|v| v.is_valid(&body))
                        .unwrap_or(true);
                    if major != Some("failure") {
                        Some(format!("imsx_codeMajor is {major:?}, expected \"failure\""))
                    } else if !got.iter().any(|g| minor.contains(g)) {
                        Some(format!(
                            "imsx_codeMinorFieldValue {got:?}, expected one of {minor:?}"
                        ))
                    } else if !schema_ok {
                        Some(format!(
                            "body does not validate against {}",
                            schema_name(self.v, op, false)
                        ))
                    } else {
                        None
                    }
                }
            }
        };
        let acc = match which {
            0 => &mut self.unknown,
            1 => &mut self.malformed,
            _ => &mut self.bad_param,
        };
        match problem {
            None => acc
                .passes
                .push(format!("{what}: {} {status} {}", ex.url, minor[0])),
            Some(p) => acc.fails.push((format!("{what}: {p}"), ex.evidence())),
        }
    }
}
