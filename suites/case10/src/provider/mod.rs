//! CASE 1.0 provider certification: Wellspring acts as a CASE consumer against a provider's
//! `/ims/case/v1p0` endpoints and judges what it serves (`wellspring certify --standard case10
//! --role provider --target URL`).
//!
//! | ID | judges |
//! |---|---|
//! | `case.provider.auth` | credentials configured: no token → 401, token → 200; public provider: skipped |
//! | `case.provider.endpoints` | the 11 required GET endpoints answer 200 for ids the provider serves |
//! | `case.provider.schema` | payloads validate against the 1.0 OpenAPI response schema (the standalone `allOf` types flattened) |
//! | `case.provider.declared` | no undeclared properties (`additionalProperties: false`) |
//! | `case.provider.content-type` | every body is `application/json` |
//! | `case.provider.unknown-id` | random valid UUID → 404 `failure` / `unknownobject` |
//! | `case.provider.malformed-id` | `not-a-uuid` → 404 `failure` / `invaliduuid` (1.0 OpenAPI 404 response) |
//! | `case.provider.bad-parameter` | `limit=-1`, `limit=abc` → 400 `failure` / `invalid_selection_field` |
//! | `case.provider.paging` | `X-Total-Count`, `Link rel=next` followed to the end |
//! | `case.provider.uris` | `uri`s on the target host resolve to the same identifier |
//! | `case.provider.rubrics` | referenced CFRubrics are served (not offered: warning; broken: failure) |
//! | `case.provider.package-integrity` | the `case.package.*` checks on every CFPackage, nested |
//!
//! Bounds: `--timeout` per request (the deadline covers the body; a stalled read may add one
//! more timeout), 64 MiB bodies, 5 redirects, `--max-items` objects fetched.
//!
//! [`run`] returns `Err` only when the suite could not run at all (bad target URL, nothing
//! answering, the token endpoint unreachable); every finding about the provider is a check.

pub mod checks;
pub mod http;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::time::Duration;

use jsonschema::{Draft, Validator};
use serde_json::{json, Map, Value};
use wellspring_report::{CheckDef, CheckResult, DocReport, Verdict};

use http::{Exchange, Http};

/// The base path the suite appends to the target.
pub const BASE_PATH: &str = "/ims/case/v1p0";
/// The kind shown for the provider report.
pub const KIND: &str = "CASE 1.0 provider";

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
    /// Base URL, e.g. `http://127.0.0.1:8480` (the suite appends `/ims/case/v1p0/...`).
    pub target: String,
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

fn validator(name: &str) -> Option<&'static Validator> {
    static V: OnceLock<BTreeMap<&'static str, Validator>> = OnceLock::new();
    let map = V.get_or_init(|| {
        let defs = flattened_definitions();
        let mut m = BTreeMap::new();
        for n in [
            "CFDocumentSet.Type",
            "CFDocument.Type",
            "CFPackage.Type",
            "CFItem.Type",
            "CFAssociation.Type",
            "CFAssociationSet.Type",
            "CFAssociationGrouping.Type",
            "CFConceptSet.Type",
            "CFSubjectSet.Type",
            "CFLicense.Type",
            "CFItemTypeSet.Type",
            "CFRubric.Type",
            "imsx_StatusInfo.Type",
        ] {
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
    });
    map.get(name)
}

/// The 11 required endpoints (CFRubrics is the optional 12th) and their 200 schemas.
const ENDPOINTS: &[(&str, &str)] = &[
    ("CFDocuments", "CFDocument.Type"),
    ("CFPackages", "CFPackage.Type"),
    ("CFItems", "CFItem.Type"),
    ("CFAssociations", "CFAssociation.Type"),
    ("CFItemAssociations", "CFAssociationSet.Type"),
    ("CFAssociationGroupings", "CFAssociationGrouping.Type"),
    ("CFConcepts", "CFConceptSet.Type"),
    ("CFSubjects", "CFSubjectSet.Type"),
    ("CFLicenses", "CFLicense.Type"),
    ("CFItemTypes", "CFItemTypeSet.Type"),
];

struct Suite<'a> {
    opts: &'a Options,
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
    uris: Acc,
    rubrics: Acc,
    integrity: Acc,
    nested: Vec<DocReport>,
    exercised: BTreeMap<&'static str, usize>,
    /// (uri, identifier, where it was served)
    served_uris: Vec<(String, String, String)>,
}

fn short(s: &str) -> String {
    s.chars().take(300).collect()
}

impl<'a> Suite<'a> {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
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

    fn validate(&mut self, ex: &Exchange, def: &str, body: &Value) {
        let Some(v) = validator(def) else {
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
        let flat = if FLATTENED.contains(&def) {
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
    fn fetch_known(&mut self, endpoint: &'static str, def: &str, id: &str) -> Option<Value> {
        if self.budget == 0 {
            self.endpoints.note = Some(format!("stopped at --max-items {}", self.opts.max_items));
            return None;
        }
        self.budget -= 1;
        let url = self.url(&format!("{BASE_PATH}/{endpoint}/{}", http::enc(id)));
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
        self.validate(&ex, def, &body);
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
                    let schema_ok = validator("imsx_StatusInfo.Type")
                        .map(|v| v.is_valid(&body))
                        .unwrap_or(true);
                    if major != Some("failure") {
                        Some(format!("imsx_codeMajor is {major:?}, expected \"failure\""))
                    } else if !got.iter().any(|g| minor.contains(g)) {
                        Some(format!(
                            "imsx_codeMinorFieldValue {got:?}, expected one of {minor:?}"
                        ))
                    } else if !schema_ok {
                        Some("body does not validate against imsx_StatusInfo.Type".to_owned())
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

fn random_uuid() -> String {
    // Not security-relevant: a valid v4 UUID the provider will not know.
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for chunk in bytes.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `host:port` of a URL, for "on the target host".
fn authority(u: &str) -> Option<String> {
    let url = reqwest::Url::parse(u).ok()?;
    Some(format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str()?.to_ascii_lowercase(),
        url.port_or_known_default()?
    ))
}

/// `rel="next"` target of a Link header, resolved against `base`.
fn link_next(link: &str, base: &str) -> Option<String> {
    for part in link.split(',') {
        let (Some(a), Some(b)) = (part.find('<'), part.find('>')) else {
            continue;
        };
        if b <= a {
            continue;
        }
        let rels = part[b + 1..].to_ascii_lowercase();
        let is_next = rels.split(';').any(|p| {
            let p = p.trim();
            p.strip_prefix("rel=")
                .map(|v| v.trim_matches('"').split_whitespace().any(|r| r == "next"))
                .unwrap_or(false)
        });
        if is_next {
            let target = &part[a + 1..b];
            return reqwest::Url::parse(base)
                .ok()?
                .join(target)
                .ok()
                .map(|u| u.to_string());
        }
    }
    None
}

/// Identifiers referenced in a package, by endpoint.
fn references(pkg: &Value) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let ids = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|o| {
                        o.get("identifier")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let items = ids(pkg.get("CFItems"));
    out.entry("CFItemAssociations")
        .or_default()
        .extend(items.iter().cloned());
    out.entry("CFItems").or_default().extend(items);
    out.entry("CFAssociations")
        .or_default()
        .extend(ids(pkg.get("CFAssociations")));
    let defs = pkg.get("CFDefinitions");
    for (key, ep) in [
        ("CFConcepts", "CFConcepts"),
        ("CFSubjects", "CFSubjects"),
        ("CFLicenses", "CFLicenses"),
        ("CFItemTypes", "CFItemTypes"),
        ("CFAssociationGroupings", "CFAssociationGroupings"),
    ] {
        out.entry(ep)
            .or_default()
            .extend(ids(defs.and_then(|d| d.get(key))));
    }
    for a in pkg
        .get("CFAssociations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(g) = a
            .pointer("/CFAssociationGroupingURI/identifier")
            .and_then(Value::as_str)
        {
            out.entry("CFAssociationGroupings")
                .or_default()
                .insert(g.to_owned());
        }
    }
    if let Some(l) = pkg
        .pointer("/CFDocument/licenseURI/identifier")
        .and_then(Value::as_str)
    {
        out.entry("CFLicenses").or_default().insert(l.to_owned());
    }
    out.entry("CFRubrics")
        .or_default()
        .extend(ids(pkg.get("CFRubrics")));
    out
}

/// Obtains a token with client credentials. `Err` = could not run; `Ok(Err)` = the provider
/// refused the credentials (a finding).
fn client_token(
    http: &Http,
    id: &str,
    secret: &str,
    token_url: &str,
    basic: bool,
    scope: Option<&str>,
) -> Result<Result<String, (String, Value)>, String> {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    if !basic {
        form.push(("client_id", id));
        form.push(("client_secret", secret));
    }
    let ex = http.post_form(token_url, basic.then_some((id, secret)), &form);
    let mut ev = ex.evidence();
    ev["body"] = json!("(not shown: token response)");
    if let Some(e) = &ex.error {
        return Err(format!("cannot reach the token endpoint {token_url}: {e}"));
    }
    if ex.status != 200 {
        let mut ev = ex.evidence();
        ev["client"] = json!(format!("{id}:****"));
        return Ok(Err((
            format!("token request refused: HTTP {}", ex.status),
            ev,
        )));
    }
    match ex.json().and_then(|b| {
        b.get("access_token")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }) {
        Some(t) if !t.is_empty() => Ok(Ok(t)),
        _ => Ok(Err(("token response has no access_token".into(), ev))),
    }
}

/// Runs every provider check against `opts.target`.
pub fn run(opts: &Options) -> Result<DocReport, String> {
    let target = opts.target.trim_end_matches('/').to_owned();
    match reqwest::Url::parse(&target) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
        _ => return Err(format!("{target} is not an http(s) URL")),
    }
    let http = Http::new(opts.timeout, opts.max_body, opts.allow_private_network)?;
    let mut s = Suite {
        opts,
        http,
        base: target.clone(),
        bearer: None,
        budget: opts.max_items.max(1),
        auth: Acc::new(checks::AUTH),
        endpoints: Acc::new(checks::ENDPOINTS),
        schema: Acc::new(checks::SCHEMA),
        declared: Acc::new(checks::DECLARED),
        content_type: Acc::new(checks::CONTENT_TYPE),
        unknown: Acc::new(checks::UNKNOWN_ID),
        malformed: Acc::new(checks::MALFORMED_ID),
        bad_param: Acc::new(checks::BAD_PARAMETER),
        paging: Acc::new(checks::PAGING),
        uris: Acc::new(checks::URIS),
        rubrics: Acc::new(checks::RUBRICS),
        integrity: Acc::new(checks::PACKAGE_INTEGRITY),
        nested: Vec::new(),
        exercised: BTreeMap::new(),
        served_uris: Vec::new(),
    };
    s.schema.note = Some("CFDocument.Type, CFItem.Type, CFAssociation.Type validated flattened: the 1.0 OpenAPI's allOf of two additionalProperties:false parts is unsatisfiable".into());
    let list_url = s.url(&format!("{BASE_PATH}/CFDocuments"));

    // authentication
    let mut refused = false;
    match &opts.auth {
        Auth::Anonymous => {}
        Auth::Token(t) => s.bearer = Some(t.clone()),
        Auth::Client {
            id,
            secret,
            token_url,
            basic,
            scope,
        } => match client_token(&s.http, id, secret, token_url, *basic, scope.as_deref())? {
            Ok(t) => s.bearer = Some(t),
            Err(f) => {
                s.auth.fails.push(f);
                refused = true;
            }
        },
    }
    let anon = s.http.get(&list_url, None);
    if let Some(e) = &anon.error {
        return Err(format!("cannot fetch {list_url}: {e}"));
    }
    if s.bearer.is_some() {
        if anon.status == 401 {
            s.auth
                .passes
                .push(format!("without the token: 401 ({list_url})"));
        } else {
            s.auth.fails.push((
                format!(
                    "a call without the token got HTTP {} (expected 401)",
                    anon.status
                ),
                anon.evidence(),
            ));
        }
    } else if anon.status == 401 || anon.status == 403 {
        if !refused {
            s.auth.fails.push((
                format!("the provider requires authentication (HTTP {}) and no credentials were given (--token or --client)", anon.status),
                anon.evidence(),
            ));
        }
        let report = finish(s, "the provider refused every call: no usable credentials");
        return Ok(report);
    } else {
        s.auth.skip = Some(
            "public provider: no credentials configured and anonymous calls are answered".into(),
        );
    }

    // the document list
    let list = s.get(&list_url);
    if let Some(e) = &list.error {
        return Err(format!("cannot fetch {list_url}: {e}"));
    }
    if s.bearer.is_some() && !refused {
        if list.status == 200 {
            s.auth
                .passes
                .push(format!("with the token: 200 ({list_url})"));
        } else {
            s.auth.fails.push((
                format!("a call with the token got HTTP {}", list.status),
                list.evidence(),
            ));
        }
    }
    if list.status != 200 {
        s.endpoints.fails.push((
            format!("GET /CFDocuments: HTTP {}", list.status),
            list.evidence(),
        ));
        return Ok(finish(s, "GET /CFDocuments failed"));
    }
    let Some(list_body) = list.json() else {
        s.endpoints.fails.push((
            "GET /CFDocuments: the body is not JSON".into(),
            list.evidence(),
        ));
        return Ok(finish(s, "GET /CFDocuments returned no JSON"));
    };
    s.endpoints.passes.push(list_url.clone());
    *s.exercised.entry("CFDocuments (list)").or_default() += 1;
    s.validate(&list, "CFDocumentSet.Type", &list_body);
    let doc_ids: Vec<String> = list_body
        .get("CFDocuments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|d| {
                    d.get("identifier")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();

    // walk every document
    let mut rubric_refs = 0usize;
    for doc in &doc_ids {
        if s.budget == 0 {
            break;
        }
        s.fetch_known("CFDocuments", "CFDocument.Type", doc);
        let Some(pkg) = s.fetch_known("CFPackages", "CFPackage.Type", doc) else {
            continue;
        };
        let pkg_url = s.url(&format!("{BASE_PATH}/CFPackages/{doc}"));
        let bytes = serde_json::to_vec(&pkg).unwrap_or_default();
        let nested = crate::check(&pkg_url, &bytes, &crate::Options::default());
        if nested.passed() {
            s.integrity
                .passes
                .push(format!("{pkg_url}: every case.package check passed"));
        } else {
            s.integrity.fails.push((
                format!("{pkg_url}: {}", nested.failed_ids().join(", ")),
                json!({"package": pkg_url, "failed": nested.failed_ids()}),
            ));
        }
        s.nested.push(nested);
        let refs = references(&pkg);
        for (ep, def) in ENDPOINTS.iter().skip(2) {
            for id in refs.get(ep).into_iter().flatten() {
                s.fetch_known(ep, def, id);
            }
        }
        for id in refs.get("CFRubrics").into_iter().flatten() {
            rubric_refs += 1;
            if s.budget == 0 {
                break;
            }
            s.budget -= 1;
            let url = s.url(&format!("{BASE_PATH}/CFRubrics/{}", http::enc(id)));
            let ex = s.get(&url);
            match (ex.status, ex.json()) {
                (200, Some(b)) => {
                    s.rubrics.passes.push(url.clone());
                    s.validate(&ex, "CFRubric.Type", &b);
                }
                // Rubrics are optional: not offered (404 / 405 / 501) is a warning; offered
                // but broken (5xx, a 200 that is not JSON, a transport error) is a failure.
                (404 | 405 | 501, _) => s.rubrics.warns.push((
                    format!(
                        "CFRubric {id} is in the package but the provider does not serve CFRubrics (HTTP {})",
                        ex.status
                    ),
                    ex.evidence(),
                )),
                _ => s.rubrics.fails.push((
                    format!(
                        "CFRubric {id} is in the package but GET /CFRubrics/{id} gave {}",
                        ex.error
                            .clone()
                            .unwrap_or_else(|| format!("HTTP {}", ex.status))
                    ),
                    ex.evidence(),
                )),
            }
        }
    }
    if doc_ids.is_empty() {
        s.endpoints.note = Some("the provider lists no CFDocuments".into());
    }
    if rubric_refs == 0 {
        s.rubrics.skip = Some("no package references a CFRubric".into());
    }
    let missing: Vec<&str> = ENDPOINTS
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| !s.exercised.contains_key(e))
        .collect();
    if !missing.is_empty() {
        let m = format!(
            "not exercised (no identifiers served for them): {}",
            missing.join(", ")
        );
        s.endpoints.note = Some(match s.endpoints.note.take() {
            Some(n) => format!("{n}; {m}"),
            None => m,
        });
    }

    // unknown and malformed identifiers, on every required endpoint
    let unknown = random_uuid();
    for (ep, _) in ENDPOINTS {
        let url = s.url(&format!("{BASE_PATH}/{ep}/{unknown}"));
        let ex = s.get(&url);
        s.judge_error(
            0,
            &ex,
            404,
            &["unknownobject"],
            &format!("{ep}/{{random UUID}}"),
        );
    }
    for (ep, _) in ENDPOINTS.iter().take(3) {
        let url = s.url(&format!("{BASE_PATH}/{ep}/not-a-uuid"));
        let ex = s.get(&url);
        s.judge_error(1, &ex, 404, &["invaliduuid"], &format!("{ep}/not-a-uuid (1.0 OpenAPI, 404 response of getCF*: \"an invalid UUID has been supplied\", codeMinor invaliduuid)"));
    }
    // bad query parameters
    for q in ["limit=-1", "limit=abc"] {
        let url = format!("{list_url}?{q}");
        let ex = s.get(&url);
        s.judge_error(2, &ex, 400, &["invalid_selection_field"], q);
    }

    paging(&mut s, &list_url, doc_ids.len());
    uris(&mut s);
    Ok(finish(s, ""))
}

fn paging(s: &mut Suite, list_url: &str, listed: usize) {
    let first = format!("{list_url}?limit=1&offset=0");
    let ex = s.get(&first);
    if ex.error.is_some() || ex.status != 200 {
        s.paging
            .fails
            .push((format!("GET {first}: HTTP {}", ex.status), ex.evidence()));
        return;
    }
    let total = ex
        .total_count
        .as_deref()
        .and_then(|t| t.trim().parse::<usize>().ok());
    let Some(total) = total else {
        s.paging.fails.push((
            "X-Total-Count is missing or not an integer".into(),
            ex.evidence(),
        ));
        return;
    };
    if total < listed {
        s.paging.fails.push((
            format!("X-Total-Count {total} but the unpaged list holds {listed}"),
            ex.evidence(),
        ));
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut page = ex;
    let mut url = first;
    let mut hops = 0usize;
    loop {
        let body = page.json().unwrap_or(Value::Null);
        let ids: Vec<String> = body
            .get("CFDocuments")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| {
                        d.get("identifier")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if ids.len() > 1 {
            s.paging.fails.push((
                format!("{url}: limit=1 returned {} documents", ids.len()),
                page.evidence(),
            ));
            return;
        }
        seen.extend(ids);
        let next = page.link.as_deref().and_then(|l| link_next(l, &url));
        match next {
            None => {
                if seen.len() < total {
                    s.paging.fails.push((
                        format!("{url}: no Link rel=next, yet only {} of {total} documents were reached", seen.len()),
                        page.evidence(),
                    ));
                    return;
                }
                break;
            }
            Some(n) => {
                hops += 1;
                if hops > total + 1 || hops > s.opts.max_items {
                    s.paging.fails.push((
                        format!("rel=next still present after {hops} pages of 1 (total {total})"),
                        page.evidence(),
                    ));
                    return;
                }
                url = n;
                page = s.get(&url);
                if page.error.is_some() || page.status != 200 {
                    s.paging.fails.push((
                        format!("following rel=next: HTTP {}", page.status),
                        page.evidence(),
                    ));
                    return;
                }
            }
        }
    }
    s.paging.passes.push(format!(
        "X-Total-Count {total}; {} page(s) of limit=1 followed by rel=next reached {} document(s)",
        hops + 1,
        seen.len()
    ));
}

fn uris(s: &mut Suite) {
    let Some(target) = authority(&s.base) else {
        return;
    };
    let list = std::mem::take(&mut s.served_uris);
    let mut off_host = 0usize;
    for (uri, ident, served_at) in list {
        if authority(&uri).as_deref() != Some(target.as_str()) {
            off_host += 1;
            continue;
        }
        if s.budget == 0 {
            s.uris.note = Some("stopped at --max-items".into());
            break;
        }
        s.budget -= 1;
        let ex = s.get(&uri);
        let got = ex.json().and_then(|b| {
            b.get("identifier")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        if ex.status == 200 && got.as_deref() == Some(ident.as_str()) {
            s.uris.passes.push(uri);
        } else {
            let mut ev = ex.evidence();
            ev["served at"] = json!(served_at);
            ev["expected identifier"] = json!(ident);
            s.uris.fails.push((
                format!(
                    "uri {uri} of {ident} gave HTTP {} with identifier {:?}",
                    ex.status, got
                ),
                ev,
            ));
        }
    }
    if off_host > 0 {
        let m = format!("{off_host} uri(s) not on the target host were not fetched");
        if s.uris.passes.is_empty() && s.uris.fails.is_empty() {
            s.uris.skip = Some(m);
        } else {
            s.uris.note = Some(m);
        }
    } else if s.uris.passes.is_empty() && s.uris.fails.is_empty() {
        s.uris.skip = Some("no served object carries a uri".into());
    }
}

fn finish(s: Suite, stopped: &str) -> DocReport {
    let mut report = DocReport::new(s.base.clone());
    report.kind = KIND.to_owned();
    let stop = |mut a: Acc| {
        if !stopped.is_empty() && a.skip.is_none() {
            a.skip = Some(stopped.to_owned());
        }
        a
    };
    let results = vec![
        stop(s.auth).finish("authentication enforced"),
        stop(s.endpoints).finish("every fetched endpoint answered 200"),
        stop(s.schema).finish("every payload validates against its CASE 1.0 OpenAPI schema"),
        stop(s.declared).finish("no undeclared properties"),
        stop(s.content_type).finish("every body served as application/json"),
        stop(s.unknown).finish("404 failure/unknownobject on every required endpoint"),
        stop(s.malformed).finish("404 failure/invaliduuid"),
        stop(s.bad_param).finish("400 failure/invalid_selection_field"),
        stop(s.paging).finish("paging headers present and consistent"),
        stop(s.uris).finish("every uri on the target host resolves to its object"),
        stop(s.rubrics).finish("every referenced CFRubric is served"),
        stop(s.integrity).finish("every fetched CFPackage passed the integrity checks"),
    ];
    report.checks = results;
    report.nested = s.nested;
    report
}
