//! Service Provider certification (`wellspring certify --standard ob30|clr20
//! --role service-provider-read|service-provider-write --target BASE`): the harness is the
//! Service Consumer. One engine for both standards: [`Api`] holds what differs (paths,
//! scopes, response key, schemas, check IDs, the credential it upserts).
//!
//! The contract with providers (how login is driven, which URIs are registered…) is
//! `suites/ob30/README.md`.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Value};
use wellspring_http::oauth::{self, LoginEnd, OAuthClient, Registration};
use wellspring_http::{Body, Client, Exchange, NetPolicy, Response};
use wellspring_model::{Achievement, AchievementSubject, ClrSubject, Credential, Profile};
use wellspring_report::{CheckDef, CheckResult, DocReport, Verdict};
use wellspring_verify::schema::{self, Form};
use wellspring_verify::{di, jwt, keys, loader::ContextLoader};

use crate::issuer::IssuerStandard as Standard;

mod authorization;
mod discovery;
mod lifecycle;
mod negative;
mod resources;
mod tls;
mod write;

use authorization::*;
use discovery::*;
use lifecycle::*;
use resources::*;
pub use tls::tls_result;
use write::*;
pub use write::{lost_values, upsert_payloads};

const OB_API: &str = "https://www.imsglobal.org/spec/ob/v3p0/#api";
/// RFC 6749 §3.2.1: a confidential client authenticates at the token endpoint.
const RFC6749_CLIENT_AUTH: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-3.2.1";
/// RFC 6749 §4.1.3: a code is bound to the client and the redirect_uri it was issued for.
const RFC6749_CODE_BINDING: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3";
/// RFC 6749 §6: a refresh cannot widen the scope first granted.
const RFC6749_REFRESH: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-6";
/// RFC 9110 §15.5.6: 405 for a method the resource does not support.
const RFC9110_405: &str = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6";
/// API endpoints: secured requests travel over TLS 1.2 or 1.3 (the requirement tables quote it).
const OB_TLS: &str = "https://www.imsglobal.org/spec/ob/v3p0/#api-endpoints";
const CLR_TLS: &str = "https://www.imsglobal.org/spec/clr/v2p0/#api-endpoints";
const OB_SEC: &str = "https://www.imsglobal.org/spec/ob/v3p0/#api-security";
const OB_PAGING: &str = "https://www.imsglobal.org/spec/ob/v3p0/#paging";
const OB_EQ: &str = "https://www.imsglobal.org/spec/ob/v3p0/#credential-equality-and-comparison";
const OB_VERIFY: &str = "https://www.imsglobal.org/spec/ob/v3p0/#verification-and-validation";
const CLR_API: &str = "https://www.imsglobal.org/spec/clr/v2p0/#api";
const CLR_SEC: &str = "https://www.imsglobal.org/spec/clr/v2p0/#api-security";
const CLR_PAGING: &str = "https://www.imsglobal.org/spec/clr/v2p0/#paging";
const CLR_EQ: &str = "https://www.imsglobal.org/spec/clr/v2p0/#credential-equality-and-comparison";
const CLR_VERIFY: &str = "https://www.imsglobal.org/spec/clr/v2p0/#verification-and-validation";

wellspring_report::paired_checks! {
    role "provider";
    TLS: "tls", OB_TLS, CLR_TLS, "an https target negotiates TLS 1.2 or later (the version is the evidence); skipped for an http target";
    DISCOVERY: "discovery", OB_SEC, CLR_SEC, "GET /discovery without auth answers the service description: openapi, info.{title,version,termsOfService,x-imssf-privacyPolicyUrl}, OAuth2ACG with registration, authorization and token URLs and the standard's scopes";
    REGISTER: "register", OB_SEC, CLR_SEC, "dynamic client registration (RFC 7591) answers 201 with client_id, client_secret, client_id_issued_at, client_secret_expires_at";
    REGISTER_INVALID: "register-invalid", OB_SEC, CLR_SEC, "a registration missing a required field (redirect_uris) is refused: 400 {error}";
    AUTHORIZE: "authorize", OB_SEC, CLR_SEC, "authorization code + PKCE S256: after login and consent the browser is redirected to the registered redirect URI with a code and the same state";
    AUTHORIZE_REDIRECT: "authorize-redirect-mismatch", OB_SEC, CLR_SEC, "an unregistered redirect_uri is never redirected to";
    AUTHORIZE_PKCE: "authorize-pkce-required", OB_SEC, CLR_SEC, "an authorization request without code_challenge, or with the plain method, is rejected (no usable code)";
    TOKEN: "token", OB_SEC, CLR_SEC, "the token response: token_type Bearer, scope, Cache-Control: no-store (expires_in recommended: a warning when absent)";
    TOKEN_VERIFIER: "token-wrong-verifier", OB_SEC, CLR_SEC, "a token request with the wrong code_verifier is rejected";
    TOKEN_REUSE: "token-code-reuse", OB_SEC, CLR_SEC, "an authorization code used twice is rejected (and SHOULD revoke the tokens issued from it)";
    AUTH_REQUIRED: "auth-required", OB_API, CLR_API, "every endpoint of the role without a token (getCredentials, getProfile; upsertCredential and putProfile for write) answers 401 with imsx_StatusInfo";
    AUTH_INVALID: "auth-invalid-token", OB_API, CLR_API, "getCredentials with an unknown token answers 401 with imsx_StatusInfo";
    SCOPE: "scope", OB_API, CLR_API, "a token without credential.readonly (granted only profile.readonly) gets 403 on getCredentials";
    CREDENTIALS: "credentials", OB_API, CLR_API, "getCredentials answers 200 application/json valid against the official response schema";
    CREDENTIALS_VERIFY: "credentials-verify", OB_VERIFY, CLR_VERIFY, "every returned credential (JSON and compactJwsString) verifies with the Wellspring verification core";
    PAGING: "paging", OB_PAGING, CLR_PAGING, "limit/offset paging: X-Total-Count consistent when sent, Link rel first/last always, next while incomplete, prev after the first page; pages add up to the total without duplicates";
    SINCE: "since", OB_API, CLR_API, "since: a date in the far future gives no credential, one in the far past gives them all";
    BAD_QUERY: "bad-query", OB_API, CLR_API, "an invalid query (limit=0, limit=abc) answers 400 with imsx_StatusInfo";
    PROFILE: "profile", OB_API, CLR_API, "getProfile answers 200 with a Profile valid against the official schema";
    UPSERT_CREATE: "upsert-create", OB_API, CLR_API, "upsertCredential of a new credential (JSON) answers 201 and echoes it";
    UPSERT_REPLACE: "upsert-replace", OB_API, CLR_API, "upsertCredential of the same credential again answers 200 (replaced)";
    UPSERT_PRESERVE: "upsert-preserve", OB_EQ, CLR_EQ, "the upserted credential comes back from getCredentials, equal by the equality algorithm, every property unchanged";
    UPSERT_JWS: "upsert-jws", OB_API, CLR_API, "upsertCredential of a VC-JWT compact JWS (text/plain) answers 200/201";
    UPSERT_MALFORMED: "upsert-malformed", OB_API, CLR_API, "upsertCredential of a malformed body answers 400 with imsx_StatusInfo";
    UPSERT_SCOPE: "upsert-scope", OB_API, CLR_API, "upsertCredential with a token lacking credential.upsert answers 403";
    PROFILE_PUT: "profile-put", OB_API, CLR_API, "putProfile of the provider's own profile answers 200 with a Profile, or 202";
    PROFILE_PUT_MALFORMED: "profile-put-malformed", OB_API, CLR_API, "putProfile of a malformed body answers 400";
    REFRESH: "refresh", OB_SEC, CLR_SEC, "refresh_token grant gives a new access token with which the read calls pass again (a rotated refresh token's old value should be rejected)";
    REVOKE: "revoke", OB_SEC, CLR_SEC, "after RFC 7009 revocation, calls with the token fail with 401";
    TOKEN_EXPIRED: "token-expired", OB_SEC, CLR_SEC, "an expired access token gets 401";
    TOKEN_CLIENT_AUTH: "token-client-auth", RFC6749_CLIENT_AUTH, RFC6749_CLIENT_AUTH, "a code exchange that names the client without authenticating it (no secret) gets no token";
    TOKEN_REDIRECT: "token-redirect-binding", RFC6749_CODE_BINDING, RFC6749_CODE_BINDING, "a code exchanged with another redirect_uri than the one it was issued for gets no token";
    REFRESH_SCOPE: "refresh-scope", RFC6749_REFRESH, RFC6749_REFRESH, "a refresh asking for a scope the grant does not hold is refused (invalid_scope), never widened (skipped without refresh tokens)";
    PROFILE_SCOPE: "profile-scope", OB_API, CLR_API, "getProfile with a token without profile.readonly gets 403 (write role: putProfile without profile.update gets 403)";
    WRONG_METHOD: "wrong-method", RFC9110_405, RFC9110_405, "a method the API does not define (DELETE on getCredentials' and getProfile's paths) gets 405 and changes nothing";
}

/// The write-only checks.
fn write_only(d: &Defs) -> Vec<&'static str> {
    [
        d.UPSERT_CREATE,
        d.UPSERT_REPLACE,
        d.UPSERT_PRESERVE,
        d.UPSERT_JWS,
        d.UPSERT_MALFORMED,
        d.UPSERT_SCOPE,
        d.PROFILE_PUT,
        d.PROFILE_PUT_MALFORMED,
    ]
    .iter()
    .map(|c| c.id)
    .collect()
}

/// Which provider role is certified (write runs read + write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Read,
    Write,
}

/// What differs between OB 3.0 and CLR 2.0.
#[derive(Debug, Clone)]
pub struct Api {
    pub standard: Standard,
    pub defs: Defs,
    pub path: &'static str,
    pub scope_base: &'static str,
    pub response_schema: &'static str,
    pub profile_schema: &'static str,
    pub imsx_schema: &'static str,
}

impl Api {
    pub fn of(standard: Standard) -> Api {
        match standard {
            Standard::Ob30 => Api {
                standard,
                defs: OB3,
                path: standard.api_path(),
                scope_base: standard.scope_base(),
                response_schema: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_getopenbadgecredentialsresponse_schema.json",
                profile_schema: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json",
                imsx_schema: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_imsx_statusinfo_schema.json",
            },
            Standard::Clr20 => Api {
                standard,
                defs: CLR2,
                path: standard.api_path(),
                scope_base: standard.scope_base(),
                response_schema: "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_getclrcredentialsresponse_schema.json",
                profile_schema: "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_profile_schema.json",
                imsx_schema: "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_imsx_statusinfo_schema.json",
            },
        }
    }
    pub fn scope(&self, name: &str) -> String {
        format!("{}{name}", self.scope_base)
    }
    fn all_scopes(&self) -> Vec<String> {
        let mut v: Vec<String> = wellspring_model::SCOPE_NAMES
            .iter()
            .map(|s| self.scope(s))
            .collect();
        v.push("offline_access".into());
        v
    }
}

/// The checks of a role, in report order.
pub fn checks(standard: Standard, role: Role) -> Vec<CheckDef> {
    let d = Api::of(standard).defs;
    let w = write_only(&d);
    d.all()
        .into_iter()
        .filter(|c| role == Role::Write || !w.contains(&c.id))
        .collect()
}

/// How a run is configured.
#[derive(Debug, Clone)]
pub struct Options {
    pub standard: Standard,
    pub role: Role,
    /// Base URL of the provider (the API is under `{target}/ims/ob/v3p0` or `/ims/clr/v2p0`).
    pub target: String,
    /// The test account for the login form (`--login user:pass`).
    pub login: Option<(String, String)>,
    /// A ready access token (`--token`): the OAuth checks are skipped.
    pub token: Option<String>,
    pub revocation_url: Option<String>,
    /// Expired-token check runs only when `expires_in` ≤ this.
    pub expiry_wait: Duration,
    pub timeout: Duration,
    pub max_body: usize,
    /// Let `credentials-verify` fetch keys (did:web, HTTPS), status lists and unknown contexts
    /// (bounded by `timeout`, 4 MiB). Off: offline verification (did:key, did:jwk, pinned contexts).
    pub verify_online: bool,
    /// The target (and what `verify_online` fetches) may be on loopback or a private network;
    /// the guarded client refuses such addresses otherwise.
    pub allow_private_network: bool,
}

impl Options {
    pub fn new(standard: Standard, role: Role, target: impl Into<String>) -> Options {
        Options {
            standard,
            role,
            target: target.into(),
            login: None,
            token: None,
            revocation_url: None,
            expiry_wait: Duration::from_secs(0),
            timeout: Duration::from_secs(10),
            max_body: 8 << 20,
            verify_online: false,
            allow_private_network: false,
        }
    }
}

/// Progress: (steps done, steps in all, check ID about to run).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

struct Run<'a> {
    o: &'a Options,
    api: Api,
    c: Client,
    base: String,
    results: Vec<CheckResult>,
    progress: Progress<'a>,
    total: usize,
}

fn ev(list: Vec<Exchange>) -> Value {
    Value::Array(list.iter().map(Exchange::to_json).collect())
}

impl Run<'_> {
    fn start(&mut self, d: CheckDef) -> usize {
        (self.progress)(self.results.len(), self.total, d.id);
        self.c.mark()
    }
    /// Records a result with the exchanges since `mark` as evidence.
    fn done(&mut self, mark: usize, r: CheckResult) {
        let ex = self.c.since(mark);
        let r = if ex.is_empty() {
            r
        } else {
            r.with("http", ev(ex))
        };
        self.results.push(r);
    }
    fn skip(&mut self, d: CheckDef, why: &str) {
        (self.progress)(self.results.len(), self.total, d.id);
        self.results.push(CheckResult::new(&d, Verdict::Skip, why));
    }
    fn url(&self, rel: &str) -> String {
        format!("{}{}", self.base, rel)
    }
    fn imsx_problems(&self, r: &Response) -> Vec<String> {
        let v = match r.json() {
            Ok(v) => v,
            Err(e) => return vec![format!("the error body is not imsx_StatusInfo JSON: {e}")],
        };
        schema_problems(self.api.imsx_schema, &v)
    }
}

fn schema_problems(url: &str, v: &Value) -> Vec<String> {
    match schema::validate(url, Form::V2, v) {
        Some(Ok(errs)) => errs
            .iter()
            .map(|e| {
                format!(
                    "{}: {}",
                    if e.pointer.is_empty() {
                        "/"
                    } else {
                        &e.pointer
                    },
                    e.message
                )
            })
            .collect(),
        Some(Err(e)) => vec![format!("schema unusable: {e}")],
        None => vec![format!("schema {url} not shipped")],
    }
}

fn result(d: CheckDef, problems: Vec<String>, ok: &str) -> CheckResult {
    if problems.is_empty() {
        CheckResult::new(&d, Verdict::Pass, ok)
    } else {
        let mut r = CheckResult::new(&d, Verdict::Fail, problems.join("; "));
        if problems.len() > 1 {
            r = r.with("problems", problems);
        }
        r
    }
}

/// A token obtained through one authorization flow.
#[derive(Clone, Debug)]
struct Grant {
    access: String,
    refresh: Option<String>,
    expires_in: Option<u64>,
}

/// Endpoints read from the service description.
#[derive(Clone, Debug, Default)]
struct Sdd {
    registration: Option<String>,
    authorize: Option<String>,
    token: Option<String>,
    refresh: Option<String>,
    scopes: Vec<String>,
}

/// A credential's items as returned by getCredentials: JSON credentials and JWS strings.
#[derive(Debug, Default, Clone)]
struct Listing {
    json: Vec<Value>,
    jws: Vec<String>,
    plural: bool,
}

impl Listing {
    fn keys(&self) -> Vec<String> {
        self.json
            .iter()
            .map(|c| {
                c.get("id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| c.to_string())
            })
            .chain(self.jws.iter().cloned())
            .collect()
    }
    fn len(&self) -> usize {
        self.json.len() + self.jws.len()
    }
}

fn listing(v: &Value) -> Listing {
    let mut l = Listing::default();
    if let Some(a) = v.get("credential").and_then(Value::as_array) {
        l.json = a.clone();
    }
    let jws = match v.get("compactJwsString") {
        Some(x) => Some(x),
        None => {
            let p = v.get("compactJwsStrings");
            l.plural = p.is_some();
            p
        }
    };
    if let Some(a) = jws.and_then(Value::as_array) {
        l.jws = a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    l
}

/// Runs the suite. `Err` only when it could not run at all (target unreachable, bad options).
pub fn run(o: &Options, progress: Progress) -> Result<DocReport, String> {
    let api = Api::of(o.standard);
    let policy = NetPolicy::default()
        .with_timeout(o.timeout)
        .with_max_bytes(o.max_body)
        .allow_private(o.allow_private_network);
    let c = Client::new(policy.clone())?;
    if let Some((_, p)) = &o.login {
        c.add_secret(p);
    }
    if let Some(t) = &o.token {
        c.add_secret(t);
    }
    let target = o.target.trim_end_matches('/');
    url::Url::parse(target).map_err(|e| format!("--target {target}: {e}"))?;
    let total = checks(o.standard, o.role).len();
    let mut r = Run {
        o,
        api: api.clone(),
        c,
        base: format!("{target}{}", api.path),
        results: Vec::new(),
        progress,
        total,
    };
    (r.progress)(0, total, api.defs.TLS.id);
    let tls = tls_result(o.standard, target, &policy);
    let mut doc = DocReport::new(format!("{target} ({})", api.path));
    doc.kind = match o.standard {
        Standard::Ob30 => "OB 3.0 Service Provider".into(),
        Standard::Clr20 => "CLR 2.0 Service Provider".into(),
    };
    // reachability first: an unreachable target is "could not run", not a failed check;
    // unless it is unreachable because it speaks no TLS 1.2+, which is the failed check
    let disc_url = r.url("/discovery");
    if let Err(e) = r.c.get(&disc_url, None) {
        if tls.verdict != Verdict::Fail {
            return Err(format!("cannot reach the provider: {e}"));
        }
        doc.checks = checks(o.standard, o.role)
            .iter()
            .map(|d| match d.id == tls.id {
                true => tls.clone(),
                false => CheckResult::new(
                    d,
                    Verdict::Skip,
                    "not run: the provider negotiates no TLS 1.2 or later",
                ),
            })
            .collect();
        return Ok(doc);
    }
    r.results.push(tls);
    engine(&mut r);
    (r.progress)(r.total, r.total, "done");
    // report in declared order
    let order = checks(o.standard, o.role);
    let mut results = std::mem::take(&mut r.results);
    results.sort_by_key(|x| {
        order
            .iter()
            .position(|d| d.id == x.id)
            .unwrap_or(usize::MAX)
    });
    doc.checks = results;
    Ok(doc)
}

fn engine(r: &mut Run) {
    let d = r.api.defs;
    let sdd = check_discovery(r);
    let oauth_skip = if r.o.token.is_some() {
        Some("--token given: the OAuth flow is not exercised")
    } else if r.o.login.is_none() {
        Some("no --login user:pass: the OAuth flow cannot be driven")
    } else {
        None
    };
    let mut main: Option<Grant> = r.o.token.clone().map(|t| Grant {
        access: t,
        refresh: None,
        expires_in: None,
    });
    let mut narrow: Option<Grant> = None;
    let mut flow: Option<(Registration, OAuthClient, Sdd)> = None;
    if let Some(why) = oauth_skip {
        for x in [
            d.REGISTER,
            d.REGISTER_INVALID,
            d.AUTHORIZE,
            d.AUTHORIZE_REDIRECT,
            d.AUTHORIZE_PKCE,
            d.TOKEN,
            d.TOKEN_VERIFIER,
            d.TOKEN_REUSE,
            d.SCOPE,
        ] {
            r.skip(x, why);
        }
    } else {
        flow = oauth_checks(r, &sdd, &mut main, &mut narrow);
    }
    api_read_checks(r, main.as_ref(), narrow.as_ref());
    if r.o.role == Role::Write {
        write_checks(r, main.as_ref(), narrow.as_ref());
    }
    negative::checks(r, flow.as_ref(), main.as_ref(), narrow.as_ref(), oauth_skip);
    lifecycle_checks(r, flow, main, oauth_skip);
}
