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

mod negative;

const OB_API: &str = "https://www.imsglobal.org/spec/ob/v3p0/#api";
/// RFC 6749 §3.2.1: a confidential client authenticates at the token endpoint.
const RFC6749_CLIENT_AUTH: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-3.2.1";
/// RFC 6749 §4.1.3: a code is bound to the client and the redirect_uri it was issued for.
const RFC6749_CODE_BINDING: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3";
/// RFC 6749 §6: a refresh cannot widen the scope first granted.
const RFC6749_REFRESH: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-6";
/// RFC 9110 §15.5.6: 405 for a method the resource does not support.
const RFC9110_405: &str = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6";
const OB_SEC: &str = "https://www.imsglobal.org/spec/ob/v3p0/#api-security";
const OB_PAGING: &str = "https://www.imsglobal.org/spec/ob/v3p0/#paging";
const OB_EQ: &str = "https://www.imsglobal.org/spec/ob/v3p0/#credential-equality-and-comparison";
const OB_VERIFY: &str = "https://www.imsglobal.org/spec/ob/v3p0/#verification-and-validation";
const CLR_API: &str = "https://www.imsglobal.org/spec/clr/v2p0/#api";
const CLR_SEC: &str = "https://www.imsglobal.org/spec/clr/v2p0/#api-security";
const CLR_PAGING: &str = "https://www.imsglobal.org/spec/clr/v2p0/#paging";
const CLR_EQ: &str = "https://www.imsglobal.org/spec/clr/v2p0/#credential-equality-and-comparison";
const CLR_VERIFY: &str = "https://www.imsglobal.org/spec/clr/v2p0/#verification-and-validation";

macro_rules! provider_checks {
    ($($name:ident: $suffix:literal, $ob:ident, $clr:ident, $title:literal;)*) => {
        /// The provider checks of one standard, by name.
        #[allow(non_snake_case)]
        #[derive(Debug, Clone, Copy)]
        pub struct Defs { $(pub $name: CheckDef,)* }
        /// OB 3.0 provider checks.
        pub const OB3: Defs = Defs { $($name: CheckDef { id: concat!("ob3.provider.", $suffix), clause: $ob, title: $title },)* };
        /// CLR 2.0 provider checks.
        pub const CLR2: Defs = Defs { $($name: CheckDef { id: concat!("clr2.provider.", $suffix), clause: $clr, title: $title },)* };
        impl Defs {
            /// Every check, in test order.
            pub fn all(&self) -> Vec<CheckDef> { vec![$(self.$name,)*] }
        }
    };
}

provider_checks! {
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
    let c = Client::new(
        NetPolicy::default()
            .with_timeout(o.timeout)
            .with_max_bytes(o.max_body)
            .allow_private(o.allow_private_network),
    )?;
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
    // reachability first: an unreachable target is "could not run", not a failed check
    let disc_url = r.url("/discovery");
    if let Err(e) = r.c.get(&disc_url, None) {
        return Err(format!("cannot reach the provider: {e}"));
    }
    let mut doc = DocReport::new(format!("{target} ({})", api.path));
    doc.kind = match o.standard {
        Standard::Ob30 => "OB 3.0 Service Provider".into(),
        Standard::Clr20 => "CLR 2.0 Service Provider".into(),
    };
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

fn check_discovery(r: &mut Run) -> Sdd {
    let d = r.api.defs.DISCOVERY;
    let m = r.start(d);
    let mut p = Vec::new();
    let mut sdd = Sdd::default();
    match r.c.get(&r.url("/discovery"), None) {
        Err(e) => p.push(e.0),
        Ok(resp) if resp.status != 200 => p.push(format!(
            "GET /discovery answered {} (it must not be protected)",
            resp.status
        )),
        Ok(resp) => match resp.json() {
            Err(e) => p.push(e),
            Ok(v) => {
                for ptr in [
                    "/openapi",
                    "/info/title",
                    "/info/version",
                    "/info/termsOfService",
                    "/info/x-imssf-privacyPolicyUrl",
                ] {
                    if v.pointer(ptr).is_none() {
                        p.push(format!("{ptr} missing"));
                    }
                }
                let s = v
                    .pointer("/components/securitySchemes/OAuth2ACG")
                    .cloned()
                    .unwrap_or(Value::Null);
                if s.is_null() {
                    p.push("/components/securitySchemes/OAuth2ACG missing".into());
                }
                let get = |ptr: &str| s.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
                sdd.registration = get("/x-imssf-registrationUrl");
                sdd.authorize = get("/flows/authorizationCode/authorizationUrl");
                sdd.token = get("/flows/authorizationCode/tokenUrl");
                sdd.refresh = get("/flows/authorizationCode/refreshUrl");
                if !s.is_null() && s.get("type").and_then(Value::as_str) != Some("oauth2") {
                    p.push("OAuth2ACG.type is not oauth2".into());
                }
                for (name, val) in [
                    ("x-imssf-registrationUrl", &sdd.registration),
                    ("authorizationUrl", &sdd.authorize),
                    ("tokenUrl", &sdd.token),
                ] {
                    if val.is_none() && !s.is_null() {
                        p.push(format!("OAuth2ACG {name} missing"));
                    }
                }
                if let Some(o) = s
                    .pointer("/flows/authorizationCode/scopes")
                    .and_then(Value::as_object)
                {
                    sdd.scopes = o.keys().cloned().collect();
                }
                for sc in [
                    "credential.readonly",
                    "credential.upsert",
                    "profile.readonly",
                    "profile.update",
                ] {
                    let full = r.api.scope(sc);
                    if !sdd.scopes.contains(&full) && !s.is_null() {
                        p.push(format!("scope {full} not offered"));
                    }
                }
            }
        },
    }
    let res = result(d, p, "service description complete");
    r.done(m, res);
    sdd
}

/// The SDD's endpoints, made absolute against the target.
fn abs(r: &Run, u: &Option<String>) -> Option<String> {
    let u = u.as_ref()?;
    url::Url::parse(&r.base)
        .ok()?
        .join(u)
        .ok()
        .map(|x| x.to_string())
}

fn endpoints(r: &Run, sdd: &Sdd) -> Option<oauth::Endpoints> {
    Some(oauth::Endpoints {
        authorize: abs(r, &sdd.authorize)?,
        token: abs(r, &sdd.token)?,
        refresh: abs(r, &sdd.refresh),
        revocation: r.o.revocation_url.clone(),
    })
}

/// Runs one authorization flow for `scopes`: Ok((code, verifier)) or the reason.
fn authorize(
    r: &Run,
    oc: &OAuthClient,
    scopes: &[String],
    pkce: bool,
    redirect: Option<&str>,
) -> Result<(String, Option<oauth::Verifier>, String), String> {
    authorize_with(r, oauth::auth_request(oc, scopes, pkce, redirect))
}

/// Signs in through the provider's pages with a prepared authorization request.
fn authorize_with(
    r: &Run,
    req: oauth::AuthRequest,
) -> Result<(String, Option<oauth::Verifier>, String), String> {
    let (user, pass) = r.o.login.clone().unwrap_or_default();
    if let Some(v) = &req.verifier {
        // with the plain method the verifier travels in the authorization URL: masked there too
        r.c.add_secret(v.secret());
    }
    r.c.clear_cookies();
    match oauth::drive_login(
        &r.c,
        &req.url,
        &user,
        &pass,
        "https://harness.wellspring.example/",
    ) {
        LoginEnd::Redirect(loc) => {
            let (code, state, error) = oauth::code_and_state(&loc);
            if let Some(code) = code {
                r.c.add_secret(&code);
                if state.as_deref() != Some(req.state.as_str()) {
                    return Err(format!(
                        "the redirect carries state {:?}, not the one sent",
                        state
                    ));
                }
                Ok((code, req.verifier, oauth::mask_loc(&loc)))
            } else {
                Err(format!(
                    "redirected to {} without a code (error {:?})",
                    oauth::mask_loc(&loc),
                    error
                ))
            }
        }
        LoginEnd::Stopped(status, why) => Err(format!(
            "the flow stopped{}: {why}",
            status.map(|s| format!(" at HTTP {s}")).unwrap_or_default()
        )),
    }
}

fn grant_of(t: &oauth2::basic::BasicTokenResponse, _code: &str) -> Grant {
    use oauth2::TokenResponse;
    Grant {
        access: t.access_token().secret().clone(),
        refresh: t.refresh_token().map(|x| x.secret().clone()),
        expires_in: t.expires_in().map(|d| d.as_secs()),
    }
}

fn oauth_checks(
    r: &mut Run,
    sdd: &Sdd,
    main: &mut Option<Grant>,
    narrow: &mut Option<Grant>,
) -> Option<(Registration, OAuthClient, Sdd)> {
    let d = r.api.defs;
    let scopes = r.api.all_scopes();
    // register
    let m = r.start(d.REGISTER);
    let reg_url = abs(r, &sdd.registration);
    let mut reg: Option<Registration> = None;
    let mut p = Vec::new();
    match &reg_url {
        None => p.push("no x-imssf-registrationUrl in the service description".into()),
        Some(u) => {
            match oauth::register_raw(&r.c, u, oauth::registration_request(&scopes.join(" "))) {
                Err(e) => p.push(e),
                Ok(resp) => {
                    if resp.status != 201 {
                        p.push(format!(
                            "registration answered {} (201 expected)",
                            resp.status
                        ));
                    }
                    match oauth::parse_registration(&r.c, &resp) {
                        Err(e) => p.push(e),
                        Ok(g) => {
                            for f in ["client_id_issued_at", "client_secret_expires_at"] {
                                if g.response.get(f).and_then(Value::as_u64).is_none() {
                                    p.push(format!("{f} missing or not a number"));
                                }
                            }
                            reg = Some(g);
                        }
                    }
                }
            }
        }
    }
    let res = result(d.REGISTER, p, "client registered");
    r.done(m, res);

    // register-invalid
    let m = r.start(d.REGISTER_INVALID);
    let mut p = Vec::new();
    if let Some(u) = &reg_url {
        let mut body = oauth::registration_request(&scopes.join(" "));
        if let Some(o) = body.as_object_mut() {
            o.remove("redirect_uris");
        }
        match oauth::register_raw(&r.c, u, body) {
            Err(e) => p.push(e),
            Ok(resp) => {
                if resp.status != 400 {
                    p.push(format!(
                        "a registration without redirect_uris answered {} (400 expected)",
                        resp.status
                    ));
                }
                if resp.status == 400
                    && resp
                        .json()
                        .ok()
                        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
                        .is_none()
                {
                    p.push("the 400 body has no {\"error\": …}".into());
                }
                if resp.status < 300 {
                    let _ = oauth::parse_registration(&r.c, &resp);
                }
            }
        }
    } else {
        p.push("no registration URL".into());
    }
    let res = result(d.REGISTER_INVALID, p, "invalid registration refused");
    r.done(m, res);

    let eps = endpoints(r, sdd);
    let (Some(reg), Some(eps)) = (reg, eps) else {
        let why = "no registered client or no authorization/token URL: cannot run the flow";
        for x in [
            d.AUTHORIZE,
            d.AUTHORIZE_REDIRECT,
            d.AUTHORIZE_PKCE,
            d.TOKEN,
            d.TOKEN_VERIFIER,
            d.TOKEN_REUSE,
            d.SCOPE,
        ] {
            let m = r.start(x);
            r.done(m, CheckResult::new(&x, Verdict::Fail, why));
        }
        return None;
    };
    let oc = match oauth::oauth_client(&reg, &eps, &eps.token) {
        Ok(oc) => oc,
        Err(e) => {
            for x in [
                d.AUTHORIZE,
                d.AUTHORIZE_REDIRECT,
                d.AUTHORIZE_PKCE,
                d.TOKEN,
                d.TOKEN_VERIFIER,
                d.TOKEN_REUSE,
                d.SCOPE,
            ] {
                let m = r.start(x);
                r.done(m, CheckResult::new(&x, Verdict::Fail, e.clone()));
            }
            return None;
        }
    };

    // authorize
    let m = r.start(d.AUTHORIZE);
    let first = authorize(r, &oc, &scopes, true, None);
    let res = match &first {
        Ok((_, _, loc)) => CheckResult::new(
            &d.AUTHORIZE,
            Verdict::Pass,
            "redirected with a code and the same state",
        )
        .with("redirect", loc.clone()),
        Err(e) => CheckResult::new(&d.AUTHORIZE, Verdict::Fail, e.clone()),
    };
    r.done(m, res);

    // authorize-redirect-mismatch
    let m = r.start(d.AUTHORIZE_REDIRECT);
    let bad = "https://harness.wellspring.example/not-registered";
    let req = oauth::auth_request(&oc, &scopes, true, Some(bad));
    let (user, pass) = r.o.login.clone().unwrap_or_default();
    r.c.clear_cookies();
    let res = match oauth::drive_login(
        &r.c,
        &req.url,
        &user,
        &pass,
        "https://harness.wellspring.example/",
    ) {
        LoginEnd::Redirect(loc) if loc.starts_with(bad) => CheckResult::new(
            &d.AUTHORIZE_REDIRECT,
            Verdict::Fail,
            format!(
                "redirected to the unregistered URI: {}",
                oauth::mask_loc(&loc)
            ),
        ),
        LoginEnd::Redirect(loc) => CheckResult::new(
            &d.AUTHORIZE_REDIRECT,
            Verdict::Pass,
            format!(
                "not redirected to the unregistered URI (went to {})",
                oauth::mask_loc(&loc)
            ),
        ),
        LoginEnd::Stopped(s, why) => CheckResult::new(
            &d.AUTHORIZE_REDIRECT,
            Verdict::Pass,
            format!(
                "refused ({}): {why}",
                s.map(|x| x.to_string()).unwrap_or_default()
            ),
        ),
    };
    r.done(m, res);

    // authorize-pkce-required
    let m = r.start(d.AUTHORIZE_PKCE);
    let res = match authorize(r, &oc, &scopes, false, None) {
        Err(e) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Pass, format!("rejected: {e}")),
        Ok((code, _, _)) => match oauth::exchange_code(&r.c, &oc, &code, None, &scopes) {
            Err(e) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Pass, format!("a code was issued but cannot be exchanged: {e}")),
            Ok(_) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Fail, "an authorization without code_challenge gave a code that was exchanged for a token"),
        },
    };
    // the `plain` method must not give a usable code either (RFC 9700 §2.1.1: S256 only)
    let res = if res.verdict == Verdict::Pass {
        let plain = oauth::auth_request(&oc, &scopes, true, None).with_plain_pkce();
        match authorize_with(r, plain) {
            Err(_) => res,
            Ok((code, verifier, _)) => match oauth::exchange_code(&r.c, &oc, &code, verifier, &scopes) {
                Err(_) => res,
                Ok(_) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Fail, "code_challenge_method=plain gave a code that was exchanged for a token (only S256 may be accepted)"),
            },
        }
    } else {
        res
    };
    r.done(m, res);

    // token
    let m = r.start(d.TOKEN);
    let res = match first {
        Err(_) => CheckResult::new(
            &d.TOKEN,
            Verdict::Fail,
            "no authorization code (see authorize)",
        ),
        Ok((code, verifier, _)) => {
            match oauth::exchange_code(&r.c, &oc, &code, verifier, &scopes) {
                Err(e) => CheckResult::new(&d.TOKEN, Verdict::Fail, e),
                Ok(t) => {
                    let mut p = Vec::new();
                    let mut advice: Vec<&str> = Vec::new();
                    if let Some(ex) = r.c.last() {
                        let cc = ex
                            .response_headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
                            .map(|(_, v)| v.to_ascii_lowercase());
                        if !cc.as_deref().unwrap_or("").contains("no-store") {
                            p.push(format!("Cache-Control is {:?}, not no-store", cc));
                        }
                        let body: Value =
                            serde_json::from_str(&ex.response_body).unwrap_or(Value::Null);
                        if !body
                            .get("token_type")
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
                        {
                            p.push("token_type is not Bearer".into());
                        }
                        if body.get("scope").and_then(Value::as_str).is_none() {
                            p.push("scope missing from the token response".into());
                        }
                        // RFC 6749 §5.1: expires_in is RECOMMENDED, not required
                        if body.get("expires_in").and_then(Value::as_u64).is_none() {
                            advice.push("expires_in is absent (RFC 6749 §5.1 recommends it)");
                        }
                    }
                    *main = Some(grant_of(&t, &code));
                    match (p.is_empty(), advice.is_empty()) {
                        (true, false) => {
                            CheckResult::new(&d.TOKEN, Verdict::Warn, advice.join("; "))
                        }
                        _ => result(d.TOKEN, p, "access token issued"),
                    }
                }
            }
        }
    };
    r.done(m, res);

    // token-wrong-verifier
    let m = r.start(d.TOKEN_VERIFIER);
    let res = match authorize(r, &oc, &scopes, true, None) {
        Err(e) => CheckResult::new(
            &d.TOKEN_VERIFIER,
            Verdict::Fail,
            format!("could not get a code: {e}"),
        ),
        Ok((code, _, _)) => {
            let wrong =
                oauth::Verifier::new(format!("wellspring-wrong-verifier-{}", random_hex(16)));
            match oauth::exchange_code(&r.c, &oc, &code, Some(wrong), &scopes) {
                Err(e) => {
                    CheckResult::new(&d.TOKEN_VERIFIER, Verdict::Pass, format!("rejected: {e}"))
                }
                Ok(_) => CheckResult::new(
                    &d.TOKEN_VERIFIER,
                    Verdict::Fail,
                    "a wrong code_verifier was accepted",
                ),
            }
        }
    };
    r.done(m, res);

    // token-code-reuse
    let m = r.start(d.TOKEN_REUSE);
    let res = match authorize(r, &oc, &scopes, true, None) {
        Err(e) => CheckResult::new(
            &d.TOKEN_REUSE,
            Verdict::Fail,
            format!("could not get a code: {e}"),
        ),
        Ok((code, verifier, _)) => {
            let v2 = verifier
                .as_ref()
                .map(|v| oauth::Verifier::new(v.secret().clone()));
            match oauth::exchange_code(&r.c, &oc, &code, verifier, &scopes) {
                Err(e) => CheckResult::new(
                    &d.TOKEN_REUSE,
                    Verdict::Fail,
                    format!("the first exchange failed: {e}"),
                ),
                Ok(t) => match oauth::exchange_code(&r.c, &oc, &code, v2, &scopes) {
                    Ok(_) => CheckResult::new(
                        &d.TOKEN_REUSE,
                        Verdict::Fail,
                        "the same code was exchanged twice",
                    ),
                    Err(e) => {
                        let g = grant_of(&t, &code);
                        let still =
                            r.c.get(&r.url("/credentials"), Some(&g.access))
                                .map(|x| x.status)
                                .unwrap_or(0);
                        if (200..300).contains(&still) {
                            CheckResult::new(&d.TOKEN_REUSE, Verdict::Warn, format!("reuse rejected ({e}), but the token from the first exchange still works (SHOULD be revoked)"))
                        } else {
                            CheckResult::new(
                                &d.TOKEN_REUSE,
                                Verdict::Pass,
                                format!("reuse rejected ({e}); the first token was revoked"),
                            )
                        }
                    }
                },
            }
        }
    };
    r.done(m, res);

    // a token granted only profile.readonly (used by scope and upsert-scope)
    let m = r.start(d.SCOPE);
    let only = vec![r.api.scope("profile.readonly")];
    let res = match authorize(r, &oc, &only, true, None).and_then(|(code, v, _)| {
        oauth::exchange_code(&r.c, &oc, &code, v, &only).map(|t| grant_of(&t, &code))
    }) {
        Err(e) => CheckResult::new(
            &d.SCOPE,
            Verdict::Fail,
            format!("could not get a profile.readonly token: {e}"),
        ),
        Ok(g) => {
            let resp = r.c.get(&r.url("/credentials"), Some(&g.access));
            *narrow = Some(g);
            match resp {
                Err(e) => CheckResult::new(&d.SCOPE, Verdict::Fail, e.0),
                Ok(x) if x.status == 403 => {
                    let p = r.imsx_problems(&x);
                    result(
                        d.SCOPE,
                        p.into_iter().map(|s| format!("403 body: {s}")).collect(),
                        "403 for a token without credential.readonly",
                    )
                }
                Ok(x) => CheckResult::new(
                    &d.SCOPE,
                    Verdict::Fail,
                    format!(
                        "getCredentials with a profile.readonly token answered {} (403 expected)",
                        x.status
                    ),
                ),
            }
        }
    };
    r.done(m, res);
    Some((reg, oc, sdd.clone()))
}

fn random_hex(n: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// GET credentials with a query; (response, listing) or the problem.
fn get_list(r: &Run, token: &str, query: &str) -> Result<(Response, Listing), String> {
    let u = if query.is_empty() {
        r.url("/credentials")
    } else {
        format!("{}?{query}", r.url("/credentials"))
    };
    let resp = r.c.get(&u, Some(token)).map_err(|e| e.0)?;
    if resp.status != 200 {
        return Err(format!("GET {u} answered {}", resp.status));
    }
    let v = resp.json()?;
    Ok((resp, listing(&v)))
}

fn api_read_checks(r: &mut Run, main: Option<&Grant>, _narrow: Option<&Grant>) {
    let d = r.api.defs;
    // auth-required
    let m = r.start(d.AUTH_REQUIRED);
    // every endpoint the role uses, without a token (the bodies are well-formed, so only the
    // missing token can be the reason to refuse)
    let mut calls: Vec<(&str, &str, Body)> = vec![
        ("GET", "/credentials", Body::None),
        ("GET", "/profile", Body::None),
    ];
    if r.o.role == Role::Write {
        let (cred, _) = upsert_payloads(r.o.standard).unwrap_or_default();
        calls.push(("POST", "/credentials", Body::Json(cred)));
        calls.push((
            "PUT",
            "/profile",
            Body::Json(json!({"type": ["Profile"], "name": "No token"})),
        ));
    }
    let mut problems = Vec::new();
    for (method, path, body) in calls {
        let accept = vec![("Accept".to_owned(), "application/json".to_owned())];
        match r.c.send(method, &r.url(path), accept, body) {
            Err(e) => problems.push(format!("{method} {path}: {}", e.0)),
            Ok(x) if x.status == 401 => problems.extend(
                r.imsx_problems(&x)
                    .into_iter()
                    .map(|p| format!("{method} {path}: {p}")),
            ),
            Ok(x) => problems.push(format!(
                "{method} {path} answered {} without a token (401 expected)",
                x.status
            )),
        }
    }
    let res = result(
        d.AUTH_REQUIRED,
        problems,
        "401 with imsx_StatusInfo on every endpoint without a token",
    );
    r.done(m, res);
    let m = r.start(d.AUTH_INVALID);
    let bogus = format!("wellspring-invalid-{}", random_hex(12));
    let res = match r.c.get(&r.url("/credentials"), Some(&bogus)) {
        Err(e) => CheckResult::new(&d.AUTH_INVALID, Verdict::Fail, e.0),
        Ok(x) if x.status == 401 => result(
            d.AUTH_INVALID,
            r.imsx_problems(&x),
            "401 with imsx_StatusInfo",
        ),
        Ok(x) => CheckResult::new(
            &d.AUTH_INVALID,
            Verdict::Fail,
            format!("answered {} with an unknown token (401 expected)", x.status),
        ),
    };
    r.done(m, res);

    let Some(g) = main else {
        for x in [
            d.CREDENTIALS,
            d.CREDENTIALS_VERIFY,
            d.PAGING,
            d.SINCE,
            d.BAD_QUERY,
            d.PROFILE,
        ] {
            let m = r.start(x);
            r.done(
                m,
                CheckResult::new(&x, Verdict::Fail, "no access token (see token)"),
            );
        }
        return;
    };
    let token = g.access.clone();
    let all = read_credentials(r, &token, d.CREDENTIALS);
    verify_credentials(r, all.as_ref());
    paging(r, &token, all.as_ref());
    // since
    let m = r.start(d.SINCE);
    let mut p = Vec::new();
    match get_list(r, &token, "since=2999-01-01T00:00:00Z") {
        Err(e) => p.push(e),
        Ok((_, l)) if l.len() > 0 => p.push(format!(
            "since=2999-01-01T00:00:00Z returned {} credential(s)",
            l.len()
        )),
        Ok(_) => {}
    }
    match (
        get_list(r, &token, "since=1900-01-01T00:00:00Z&limit=1000"),
        &all,
    ) {
        (Err(e), _) => p.push(e),
        (Ok((_, l)), Some(a)) if l.len() < a.len().min(1000) => p.push(format!(
            "since=1900-01-01T00:00:00Z returned {} of {} credentials",
            l.len(),
            a.len()
        )),
        _ => {}
    }
    let res = result(d.SINCE, p, "since filters by issue date");
    r.done(m, res);
    // bad-query
    let m = r.start(d.BAD_QUERY);
    let mut p = Vec::new();
    for q in ["limit=0", "limit=abc", "offset=-1"] {
        match r
            .c
            .get(&format!("{}?{q}", r.url("/credentials")), Some(&token))
        {
            Err(e) => p.push(e.0),
            Ok(x) if x.status == 400 => {
                p.extend(r.imsx_problems(&x).into_iter().map(|s| format!("{q}: {s}")))
            }
            Ok(x) => p.push(format!("{q} answered {} (400 expected)", x.status)),
        }
    }
    let res = result(d.BAD_QUERY, p, "400 with imsx_StatusInfo");
    r.done(m, res);
    profile_check(r, &token, d.PROFILE);
}

/// getCredentials + schema; every page walked (limit 1000 would be a guess, follow next).
fn read_credentials(r: &mut Run, token: &str, def: CheckDef) -> Option<Listing> {
    let m = r.start(def);
    let mut p = Vec::new();
    let mut out = None;
    let mut warn = None;
    match r.c.get(&r.url("/credentials"), Some(token)) {
        Err(e) => p.push(e.0),
        Ok(x) if x.status != 200 => p.push(format!("getCredentials answered {}", x.status)),
        Ok(x) => {
            if !x.header("content-type").unwrap_or("").contains("json") {
                p.push(format!(
                    "Content-Type {:?} is not JSON",
                    x.header("content-type")
                ));
            }
            match x.json() {
                Err(e) => p.push(e),
                Ok(v) => {
                    let mut l = listing(&v);
                    if l.plural {
                        warn = Some("compactJwsStrings (plural, api.html sample) used instead of compactJwsString".to_owned());
                        let mut v2 = v.clone();
                        if let Some(o) = v2.as_object_mut() {
                            if let Some(x) = o.remove("compactJwsStrings") {
                                o.insert("compactJwsString".into(), x);
                            }
                        }
                        p.extend(schema_problems(r.api.response_schema, &v2));
                    } else {
                        p.extend(schema_problems(r.api.response_schema, &v));
                    }
                    // follow next pages so "every credential" means every one
                    let mut next = next_link(&x);
                    let mut guard = 0;
                    while let Some(u) = next {
                        guard += 1;
                        if guard > 50 {
                            break;
                        }
                        match r.c.get(&u, Some(token)).ok().filter(|y| y.status == 200) {
                            Some(y) => {
                                let more = y.json().map(|v| listing(&v)).unwrap_or_default();
                                l.json.extend(more.json);
                                l.jws.extend(more.jws);
                                next = next_link(&y);
                            }
                            None => break,
                        }
                    }
                    out = Some(l);
                }
            }
        }
    }
    let mut res = result(
        def,
        p,
        &format!(
            "200, valid response ({} credential(s))",
            out.as_ref().map(Listing::len).unwrap_or(0)
        ),
    );
    if let (Some(w), Verdict::Pass) = (warn, res.verdict) {
        res.verdict = Verdict::Warn;
        res.message = w;
    }
    r.done(m, res);
    out
}

fn verify_credentials(r: &mut Run, all: Option<&Listing>) {
    let d = r.api.defs.CREDENTIALS_VERIFY;
    let Some(l) = all else {
        let m = r.start(d);
        r.done(
            m,
            CheckResult::new(&d, Verdict::Fail, "no credentials read (see credentials)"),
        );
        return;
    };
    if l.len() == 0 {
        r.skip(d, "the provider returned no credential to verify");
        return;
    }
    let m = r.start(d);
    let mut opts = wellspring_verify::Options::offline(chrono::Utc::now());
    if r.o.verify_online {
        let policy = NetPolicy::default()
            .with_timeout(r.o.timeout)
            .allow_private(r.o.allow_private_network);
        if let Ok(fetch) = wellspring_http::guard::fetch_text(policy) {
            opts = opts.with_network(fetch);
        }
    }
    let mut failed = Vec::new();
    let items: Vec<(String, Vec<u8>)> = l
        .json
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("credential[{i}]"),
                serde_json::to_vec(c).unwrap_or_default(),
            )
        })
        .chain(
            l.jws
                .iter()
                .enumerate()
                .map(|(i, j)| (format!("compactJwsString[{i}]"), j.as_bytes().to_vec())),
        )
        .collect();
    for (name, bytes) in &items {
        let rep = wellspring_verify::verify_bytes(name, bytes, &opts);
        let mut all = Vec::new();
        rep.walk(&mut all);
        for (subject, c) in all {
            if c.verdict == Verdict::Fail {
                failed.push(json!({"credential": name, "subject": subject, "check": c.id, "message": c.message}));
            }
        }
    }
    let res = if failed.is_empty() {
        CheckResult::new(
            &d,
            Verdict::Pass,
            format!("{} credential(s) verified", items.len()),
        )
    } else {
        CheckResult::new(
            &d,
            Verdict::Fail,
            format!("{} verification check(s) failed", failed.len()),
        )
        .with("failures", Value::Array(failed))
    };
    r.done(m, res);
}

/// The Link header's rel targets.
fn links(resp: &Response) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in &resp.headers {
        if !k.eq_ignore_ascii_case("link") {
            continue;
        }
        for part in v.split(',') {
            let mut segs = part.split(';');
            let Some(u) = segs.next() else { continue };
            let u = u
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
            for s in segs {
                let s = s.trim();
                if let Some(rel) = s.strip_prefix("rel=") {
                    for one in rel.trim_matches('"').split_whitespace() {
                        out.push((one.to_owned(), u.clone()));
                    }
                }
            }
        }
    }
    out
}

fn next_link(resp: &Response) -> Option<String> {
    let l = links(resp).into_iter().find(|(r, _)| r == "next")?.1;
    url::Url::parse(&resp.url)
        .ok()?
        .join(&l)
        .ok()
        .map(|u| u.to_string())
}

fn paging(r: &mut Run, token: &str, all: Option<&Listing>) {
    let d = r.api.defs.PAGING;
    let m = r.start(d);
    let mut p = Vec::new();
    let total_known = all.map(Listing::len);
    let mut seen: Vec<String> = Vec::new();
    let mut url = format!("{}?limit=1&offset=0", r.url("/credentials"));
    let mut offset = 0usize;
    let mut total: Option<usize> = None;
    for _ in 0..200 {
        let resp = match r.c.get(&url, Some(token)) {
            Err(e) => {
                p.push(e.0);
                break;
            }
            Ok(x) => x,
        };
        if resp.status != 200 {
            p.push(format!("{url} answered {}", resp.status));
            break;
        }
        let l = resp.json().map(|v| listing(&v)).unwrap_or_default();
        if l.len() > 1 {
            p.push(format!("limit=1 returned {} items", l.len()));
        }
        match resp
            .header("x-total-count")
            .map(|s| s.trim().parse::<usize>())
        {
            Some(Ok(n)) => {
                if total.is_some_and(|t| t != n) {
                    p.push(format!(
                        "X-Total-Count changed between pages ({:?} then {n})",
                        total
                    ));
                }
                total = Some(n);
            }
            Some(Err(_)) => p.push("X-Total-Count is not a number".into()),
            // sent when the provider knows the total, omitted otherwise (the API's header description)
            None => {}
        }
        let rels: Vec<String> = links(&resp).into_iter().map(|(r, _)| r).collect();
        let t = total.or(total_known).unwrap_or(0);
        let incomplete = offset + l.len() < t;
        if incomplete && !rels.iter().any(|x| x == "next") {
            p.push(format!("no Link rel=\"next\" at offset {offset} of {t}"));
        }
        if !incomplete && rels.iter().any(|x| x == "next") {
            p.push(format!(
                "Link rel=\"next\" on the last page (offset {offset} of {t})"
            ));
        }
        if !rels.is_empty() || incomplete {
            for must in ["first", "last"] {
                if !rels.iter().any(|x| x == must) {
                    p.push(format!("no Link rel=\"{must}\" at offset {offset}"));
                }
            }
        }
        if offset > 0 && !rels.iter().any(|x| x == "prev") {
            p.push(format!("no Link rel=\"prev\" at offset {offset}"));
        }
        seen.extend(l.keys());
        if l.len() == 0 {
            break;
        }
        offset += l.len();
        match next_link(&resp) {
            Some(n) if incomplete => url = n,
            _ => break,
        }
        if p.len() > 20 {
            break;
        }
    }
    let uniq: BTreeSet<&String> = seen.iter().collect();
    if uniq.len() != seen.len() {
        p.push(format!(
            "{} duplicate item(s) across pages",
            seen.len() - uniq.len()
        ));
    }
    if let Some(t) = total.or(total_known) {
        if uniq.len() != t {
            p.push(format!(
                "the pages hold {} distinct item(s), the total is {t}",
                uniq.len()
            ));
        }
    }
    p.dedup();
    let res = result(d, p, &format!("{} page(s) of 1 walked", seen.len()));
    r.done(m, res);
}

fn profile_check(r: &mut Run, token: &str, def: CheckDef) -> Option<Value> {
    let m = r.start(def);
    let mut p = Vec::new();
    let mut out = None;
    match r.c.get(&r.url("/profile"), Some(token)) {
        Err(e) => p.push(e.0),
        Ok(x) if x.status != 200 => p.push(format!("getProfile answered {}", x.status)),
        Ok(x) => match x.json() {
            Err(e) => p.push(e),
            Ok(v) => {
                p.extend(schema_problems(r.api.profile_schema, &v));
                out = Some(v);
            }
        },
    }
    let res = result(def, p, "200 with a valid Profile");
    r.done(m, res);
    out
}

// ---------- write ----------

/// A freshly signed credential for this run: (JSON credential, VC-JWT of another one).
pub fn upsert_payloads(standard: Standard) -> Result<(Value, String), String> {
    let key = keys::ed25519_from_seed(*b"wellspring provider suite key 01");
    let (did, vm) = keys::did_key_of(&key)?;
    let loader = ContextLoader::offline();
    let issuer = Profile::new(did.clone()).with_name("Wellspring Conformance Harness");
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let ob = |label: &str| -> Value {
        let a = Achievement::new(
            uuid_urn(),
            format!("Wellspring Provider Test Badge ({label})"),
            "A badge the Wellspring harness upserted to certify a Service Provider.",
            "Be upserted by the Wellspring conformance harness.",
        );
        let s = AchievementSubject::new("did:example:wellspring-provider-learner", a);
        let mut c = Credential::new_ob(uuid_urn(), issuer.clone(), s, &now);
        c.name = Some(format!("Wellspring Provider Test Badge ({label})"));
        c.to_value()
    };
    let sign = |v: &Value| di::sign(v, &key, &vm, &now, &loader);
    let (json_cred, jwt_source) = match standard {
        Standard::Ob30 => (sign(&ob("json"))?, ob("jwt")),
        Standard::Clr20 => {
            let clr = |label: &str| -> Result<Value, String> {
                let inner = sign(&ob(label))?;
                let c = Credential::new_clr(
                    uuid_urn(),
                    issuer.clone(),
                    ClrSubject::new("did:example:wellspring-provider-learner", vec![inner]),
                    &now,
                    format!("Wellspring Provider Test CLR ({label})"),
                );
                Ok(c.to_value())
            };
            (sign(&clr("json")?)?, clr("jwt")?)
        }
    };
    let jws = jwt::sign(
        &jwt_source,
        &key,
        "EdDSA",
        Some(&vm),
        false,
        jwt::PayloadForm::Direct,
    )?;
    Ok((json_cred, jws))
}

fn uuid_urn() -> String {
    let x = random_hex(16);
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// JSON pointers of every leaf of `sent` that is missing or different in `got`.
pub fn lost_values(sent: &Value, got: &Value) -> Vec<(String, Value, Value)> {
    let mut out = Vec::new();
    fn walk(ptr: String, s: &Value, g: Option<&Value>, out: &mut Vec<(String, Value, Value)>) {
        match (s, g) {
            (Value::Object(so), Some(Value::Object(go))) => {
                for (k, v) in so {
                    let p = format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1"));
                    walk(p, v, go.get(k), out);
                }
            }
            (Value::Array(sa), Some(Value::Array(ga))) if sa.len() == ga.len() => {
                for (i, v) in sa.iter().enumerate() {
                    walk(format!("{ptr}/{i}"), v, ga.get(i), out);
                }
            }
            (s, Some(g)) if s == g => {}
            (s, g) => out.push((ptr, s.clone(), g.cloned().unwrap_or(Value::Null))),
        }
    }
    walk(String::new(), sent, Some(got), &mut out);
    out
}

fn post_credential(r: &Run, token: &str, ctype: &str, body: Vec<u8>) -> Result<Response, String> {
    r.c.send(
        "POST",
        &r.url("/credentials"),
        vec![
            ("Authorization".into(), format!("Bearer {token}")),
            ("Accept".into(), "application/json".into()),
        ],
        Body::Raw(ctype.to_owned(), body),
    )
    .map_err(|e| e.0)
}

fn write_checks(r: &mut Run, main: Option<&Grant>, narrow: Option<&Grant>) {
    let d = r.api.defs;
    let Some(g) = main else {
        for x in [
            d.UPSERT_CREATE,
            d.UPSERT_REPLACE,
            d.UPSERT_PRESERVE,
            d.UPSERT_JWS,
            d.UPSERT_MALFORMED,
            d.UPSERT_SCOPE,
            d.PROFILE_PUT,
            d.PROFILE_PUT_MALFORMED,
        ] {
            let m = r.start(x);
            r.done(
                m,
                CheckResult::new(&x, Verdict::Fail, "no access token (see token)"),
            );
        }
        return;
    };
    let token = g.access.clone();
    let (cred, jws) = match upsert_payloads(r.api.standard) {
        Ok(x) => x,
        Err(e) => {
            for x in [
                d.UPSERT_CREATE,
                d.UPSERT_REPLACE,
                d.UPSERT_PRESERVE,
                d.UPSERT_JWS,
            ] {
                r.skip(
                    x,
                    &format!("the harness could not sign its credential: {e}"),
                );
            }
            (Value::Null, String::new())
        }
    };
    if !cred.is_null() {
        let bytes = serde_json::to_vec(&cred).unwrap_or_default();
        let m = r.start(d.UPSERT_CREATE);
        let res = match post_credential(r, &token, "application/json", bytes.clone()) {
            Err(e) => CheckResult::new(&d.UPSERT_CREATE, Verdict::Fail, e),
            Ok(x) => {
                let mut p = Vec::new();
                if x.status != 201 {
                    p.push(format!(
                        "answered {} (201 expected for a new credential)",
                        x.status
                    ));
                }
                match x.json() {
                    Ok(v) if v.get("id") == cred.get("id") => {}
                    Ok(_) => p.push("the response does not echo the credential sent".into()),
                    Err(e) => p.push(format!("response: {e}")),
                }
                result(d.UPSERT_CREATE, p, "201, echoed")
            }
        };
        r.done(m, res);
        let m = r.start(d.UPSERT_REPLACE);
        let res = match post_credential(r, &token, "application/json", bytes) {
            Err(e) => CheckResult::new(&d.UPSERT_REPLACE, Verdict::Fail, e),
            Ok(x) if x.status == 200 => {
                CheckResult::new(&d.UPSERT_REPLACE, Verdict::Pass, "200, replaced")
            }
            Ok(x) => CheckResult::new(
                &d.UPSERT_REPLACE,
                Verdict::Fail,
                format!(
                    "answered {} (200 expected for an existing credential)",
                    x.status
                ),
            ),
        };
        r.done(m, res);
        // preserve
        let m = r.start(d.UPSERT_PRESERVE);
        let sent: Option<Credential> = Credential::from_value(cred.clone()).ok();
        let mut found: Option<Value> = None;
        let mut url = Some(format!("{}?limit=100", r.url("/credentials")));
        let mut err = None;
        let mut guard = 0;
        while let Some(u) = url.take() {
            guard += 1;
            if guard > 100 {
                break;
            }
            match r.c.get(&u, Some(&token)) {
                Ok(x) if x.status == 200 => {
                    let l = x.json().map(|v| listing(&v)).unwrap_or_default();
                    for c in l.json {
                        let same = match (&sent, Credential::from_value(c.clone()).ok()) {
                            (Some(a), Some(b)) => wellspring_model::same_credential(a, &b),
                            _ => false,
                        };
                        if same {
                            found = Some(c);
                        }
                    }
                    if found.is_none() {
                        url = next_link(&x);
                    }
                }
                Ok(x) => err = Some(format!("getCredentials answered {}", x.status)),
                Err(e) => err = Some(e.0),
            }
        }
        let res = match (found, err) {
            (Some(got), _) => {
                let lost = lost_values(&cred, &got);
                if lost.is_empty() {
                    CheckResult::new(
                        &d.UPSERT_PRESERVE,
                        Verdict::Pass,
                        "read back equal, every property unchanged",
                    )
                } else {
                    let mut res = CheckResult::new(
                        &d.UPSERT_PRESERVE,
                        Verdict::Fail,
                        format!("{} value(s) lost or changed", lost.len()),
                    );
                    for (ptr, s, g) in lost.into_iter().take(50) {
                        res = res.at(&ptr, "sent / returned", json!({"sent": s, "returned": g}));
                    }
                    res
                }
            }
            (None, Some(e)) => CheckResult::new(&d.UPSERT_PRESERVE, Verdict::Fail, e),
            (None, None) => CheckResult::new(
                &d.UPSERT_PRESERVE,
                Verdict::Fail,
                "the upserted credential is not returned by getCredentials (same issuer id and id)",
            ),
        };
        r.done(m, res);
        let m = r.start(d.UPSERT_JWS);
        let res = match post_credential(r, &token, "text/plain", jws.clone().into_bytes()) {
            Err(e) => CheckResult::new(&d.UPSERT_JWS, Verdict::Fail, e),
            Ok(x) if x.status == 200 || x.status == 201 => {
                if x.text().trim() == jws {
                    CheckResult::new(
                        &d.UPSERT_JWS,
                        Verdict::Pass,
                        format!("{}, echoed", x.status),
                    )
                } else {
                    CheckResult::new(
                        &d.UPSERT_JWS,
                        Verdict::Warn,
                        format!("{}, but the body does not echo the compact JWS", x.status),
                    )
                }
            }
            Ok(x) => CheckResult::new(
                &d.UPSERT_JWS,
                Verdict::Fail,
                format!("answered {} (201 expected)", x.status),
            ),
        };
        r.done(m, res);
    }
    let m = r.start(d.UPSERT_MALFORMED);
    let res = match post_credential(r, &token, "application/json", b"{\"@context\": [".to_vec()) {
        Err(e) => CheckResult::new(&d.UPSERT_MALFORMED, Verdict::Fail, e),
        Ok(x) if x.status == 400 => result(
            d.UPSERT_MALFORMED,
            r.imsx_problems(&x),
            "400 with imsx_StatusInfo",
        ),
        Ok(x) => CheckResult::new(
            &d.UPSERT_MALFORMED,
            Verdict::Fail,
            format!("answered {} (400 expected)", x.status),
        ),
    };
    r.done(m, res);
    match narrow {
        None => r.skip(
            d.UPSERT_SCOPE,
            "no token with a narrower scope (OAuth flow not run)",
        ),
        Some(n) => {
            let m = r.start(d.UPSERT_SCOPE);
            let body = if cred.is_null() {
                b"{}".to_vec()
            } else {
                serde_json::to_vec(&cred).unwrap_or_default()
            };
            let res = match post_credential(r, &n.access, "application/json", body) {
                Err(e) => CheckResult::new(&d.UPSERT_SCOPE, Verdict::Fail, e),
                Ok(x) if x.status == 403 => CheckResult::new(
                    &d.UPSERT_SCOPE,
                    Verdict::Pass,
                    "403 without credential.upsert",
                ),
                Ok(x) => CheckResult::new(
                    &d.UPSERT_SCOPE,
                    Verdict::Fail,
                    format!(
                        "answered {} with a profile.readonly token (403 expected)",
                        x.status
                    ),
                ),
            };
            r.done(m, res);
        }
    }
    // profile-put
    let m = r.start(d.PROFILE_PUT);
    let current =
        r.c.get(&r.url("/profile"), Some(&token))
            .ok()
            .filter(|x| x.status == 200)
            .and_then(|x| x.json().ok());
    let res = match current {
        None => CheckResult::new(
            &d.PROFILE_PUT,
            Verdict::Fail,
            "could not read the profile to put it back",
        ),
        Some(p) => match r.c.send(
            "PUT",
            &r.url("/profile"),
            vec![("Authorization".into(), format!("Bearer {token}"))],
            Body::Json(p),
        ) {
            Err(e) => CheckResult::new(&d.PROFILE_PUT, Verdict::Fail, e.0),
            Ok(x) if x.status == 200 => {
                let v = x.json().unwrap_or(Value::Null);
                result(
                    d.PROFILE_PUT,
                    schema_problems(r.api.profile_schema, &v),
                    "200 with a valid Profile",
                )
            }
            Ok(x) if x.status == 202 => {
                CheckResult::new(&d.PROFILE_PUT, Verdict::Pass, "202 accepted")
            }
            Ok(x) => CheckResult::new(
                &d.PROFILE_PUT,
                Verdict::Fail,
                format!("answered {} (200 or 202 expected)", x.status),
            ),
        },
    };
    r.done(m, res);
    let m = r.start(d.PROFILE_PUT_MALFORMED);
    let res = match r.c.send(
        "PUT",
        &r.url("/profile"),
        vec![("Authorization".into(), format!("Bearer {token}"))],
        Body::Raw("application/json".into(), b"[1, 2".to_vec()),
    ) {
        Err(e) => CheckResult::new(&d.PROFILE_PUT_MALFORMED, Verdict::Fail, e.0),
        Ok(x) if x.status == 400 => {
            CheckResult::new(&d.PROFILE_PUT_MALFORMED, Verdict::Pass, "400")
        }
        Ok(x) => CheckResult::new(
            &d.PROFILE_PUT_MALFORMED,
            Verdict::Fail,
            format!("answered {} (400 expected)", x.status),
        ),
    };
    r.done(m, res);
}

// ---------- refresh, revoke, expiry ----------

fn lifecycle_checks(
    r: &mut Run,
    flow: Option<(Registration, OAuthClient, Sdd)>,
    main: Option<Grant>,
    oauth_skip: Option<&str>,
) {
    let d = r.api.defs;
    let Some((reg, oc, sdd)) = flow else {
        let why = oauth_skip.unwrap_or("the OAuth flow did not complete");
        for x in [d.REFRESH, d.REVOKE, d.TOKEN_EXPIRED] {
            r.skip(x, why);
        }
        return;
    };
    let mut current = main.clone();
    // refresh
    match main.as_ref().and_then(|g| g.refresh.clone()) {
        None => r.skip(d.REFRESH, "the token response carried no refresh_token"),
        Some(rt) => {
            let m = r.start(d.REFRESH);
            let eps = endpoints(r, &sdd);
            let refresh_url = sdd
                .refresh
                .as_ref()
                .and_then(|_| abs(r, &sdd.refresh))
                .or(eps.as_ref().map(|e| e.token.clone()));
            let res = match eps
                .zip(refresh_url)
                .ok_or("no token URL".to_owned())
                .and_then(|(e, u)| oauth::oauth_client(&reg, &e, &u))
            {
                Err(e) => CheckResult::new(&d.REFRESH, Verdict::Fail, e),
                Ok(rc) => match oauth::refresh(&r.c, &rc, &rt) {
                    Err(e) => CheckResult::new(&d.REFRESH, Verdict::Fail, e),
                    Ok(t) => {
                        let g = grant_of(&t, "");
                        let mut p = Vec::new();
                        if Some(&g.access) == main.as_ref().map(|x| &x.access) {
                            p.push("the refreshed access token is the old one".to_owned());
                        }
                        match get_list(r, &g.access, "") {
                            Err(e) => p.push(format!("getCredentials with the new token: {e}")),
                            Ok((resp, _)) => {
                                if let Ok(v) = resp.json() {
                                    p.extend(
                                        schema_problems(r.api.response_schema, &v)
                                            .into_iter()
                                            .map(|s| format!("getCredentials again: {s}")),
                                    );
                                }
                            }
                        }
                        match r.c.get(&r.url("/profile"), Some(&g.access)) {
                            Ok(x) if x.status == 200 => {}
                            Ok(x) => p.push(format!(
                                "getProfile with the new token answered {}",
                                x.status
                            )),
                            Err(e) => p.push(e.0),
                        }
                        let mut res = result(
                            d.REFRESH,
                            p,
                            "new access token; the read calls pass with it",
                        );
                        if res.verdict == Verdict::Pass
                            && g.refresh.as_deref().is_some_and(|n| n != rt)
                        {
                            // rotated: the old refresh token should now be rejected
                            if oauth::refresh(&r.c, &rc, &rt).is_ok() {
                                res.verdict = Verdict::Warn;
                                res.message =
                                    "refresh token rotated, but the old one still works".into();
                            } else {
                                res.message
                                    .push_str("; rotated refresh token, old one rejected");
                            }
                        }
                        if res.verdict != Verdict::Fail {
                            current = Some(g);
                        }
                        res
                    }
                },
            };
            r.done(m, res);
        }
    }
    // revoke
    let revocation = r.o.revocation_url.clone().or_else(|| {
        let tok = abs(r, &sdd.token)?;
        oauth::metadata(&r.c, &tok)?
            .get("revocation_endpoint")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    match (revocation, current) {
        (None, _) => r.skip(
            d.REVOKE,
            "no --revocation-url and no revocation_endpoint in RFC 8414 metadata",
        ),
        (_, None) => r.skip(d.REVOKE, "no token to revoke"),
        (Some(u), Some(g)) => {
            let m = r.start(d.REVOKE);
            let res = match endpoints(r, &sdd)
                .ok_or("no token URL".to_owned())
                .and_then(|mut e| {
                    e.revocation = Some(u.clone());
                    let t = e.token.clone();
                    oauth::oauth_client(&reg, &e, &t)
                }) {
                Err(e) => CheckResult::new(&d.REVOKE, Verdict::Fail, e),
                Ok(rc) => match oauth::revoke(&r.c, &rc, &reg, &u, &g.access) {
                    Err(e) => CheckResult::new(&d.REVOKE, Verdict::Fail, e),
                    Ok(()) => match r.c.get(&r.url("/credentials"), Some(&g.access)) {
                        Ok(x) if x.status == 401 => {
                            CheckResult::new(&d.REVOKE, Verdict::Pass, "revoked; calls answer 401")
                        }
                        Ok(x) => CheckResult::new(
                            &d.REVOKE,
                            Verdict::Fail,
                            format!("after revocation getCredentials answered {}", x.status),
                        ),
                        Err(e) => CheckResult::new(&d.REVOKE, Verdict::Fail, e.0),
                    },
                },
            };
            r.done(m, res);
        }
    }
    // token-expired
    let wait = r.o.expiry_wait.as_secs();
    let m = r.start(d.TOKEN_EXPIRED);
    let scopes = r.api.all_scopes();
    let fresh = authorize(r, &oc, &scopes, true, None).and_then(|(code, v, _)| {
        oauth::exchange_code(&r.c, &oc, &code, v, &scopes).map(|t| grant_of(&t, &code))
    });
    match fresh {
        Err(e) => r.done(
            m,
            CheckResult::new(
                &d.TOKEN_EXPIRED,
                Verdict::Fail,
                format!("could not get a token: {e}"),
            ),
        ),
        Ok(g) => match g.expires_in {
            Some(s) if s <= wait => {
                std::thread::sleep(Duration::from_secs(s + 1));
                let res = match r.c.get(&r.url("/credentials"), Some(&g.access)) {
                    Ok(x) if x.status == 401 => CheckResult::new(
                        &d.TOKEN_EXPIRED,
                        Verdict::Pass,
                        format!("401 after {s} s"),
                    ),
                    Ok(x) => CheckResult::new(
                        &d.TOKEN_EXPIRED,
                        Verdict::Fail,
                        format!("after expires_in ({s} s) the token still gets {}", x.status),
                    ),
                    Err(e) => CheckResult::new(&d.TOKEN_EXPIRED, Verdict::Fail, e.0),
                };
                r.done(m, res);
            }
            other => {
                let _ = r.c.since(m);
                r.results.push(CheckResult::new(
                    &d.TOKEN_EXPIRED,
                    Verdict::Skip,
                    format!(
                        "expires_in is {} s, more than --expiry-wait {wait} s",
                        other
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "absent".into())
                    ),
                ));
            }
        },
    }
}
