//! OB 3.0 / CLR 2.0 REST API and OAuth 2.0 authorization server, shared by the reference hub
//! and wallet.
//!
//! A product that keeps learner credentials implements [`Backend`] (sign-in, list, upsert,
//! profile); [`router`] then serves the whole Service Provider surface over it:
//!
//! * discovery (`/ims/ob/v3p0/discovery`, `/ims/clr/v2p0/discovery`): the OpenAPI service
//!   description with the `OAuth2ACG` security scheme;
//! * the OAuth 2.0 authorization server ([`oauth`]): RFC 7591 registration, authorization code
//!   with PKCE S256 through an HTML sign-in and consent page, token, rotating refresh, RFC 7009
//!   revocation, RFC 8414 metadata; its state lives in SQLite tables of its own ([`AuthStore`]);
//! * the API ([`api`]): getCredentials (`limit`, `offset`, `since`, `X-Total-Count`, `Link`),
//!   upsertCredential (JSON or compact JWS; 201 created / 200 replaced by the spec's credential
//!   equality), getProfile / putProfile; every call scope-checked; every error an
//!   `imsx_StatusInfo`.

pub mod api;
pub mod oauth;
mod pages;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

pub use oauth::AuthStore;

/// Who signed in: the backend's own user id.
pub type UserId = i64;

/// The two APIs this crate serves: the workspace's one [`Standard`] (data model crate).
pub use wellspring_model::Standard;
use wellspring_model::SCOPE_NAMES;

/// The scope that asks for a refresh token.
pub const OFFLINE_ACCESS: &str = "offline_access";

/// A stored credential as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A JSON credential: its exact text (returned unchanged in `credential`).
    Json(String),
    /// A VC-JWT compact JWS (returned in `compactJwsString`).
    Jws(String),
}

/// One page of a learner's credentials and how many there are in all.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
    pub total: usize,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Replaced,
}

/// A credential arriving by upsertCredential, already checked to be a credential of the API's
/// standard with an `id` and an issuer id.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub standard: Standard,
    /// The spec's equality key: issuer id and credential id, percent-decoded and trimmed
    /// (OB 3.0 §"Credential equality and comparison").
    pub issuer_id: String,
    pub credential_id: String,
    /// The credential as JSON (the JWS payload's credential for a VC-JWT).
    pub credential: Value,
    /// What is kept and returned: the exact JSON text or the compact JWS.
    pub item: Item,
}

/// Why a backend call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request is not acceptable (400 `invalid_data`).
    Invalid(String),
    /// Nothing there (404 `not_found`).
    NotFound(String),
    /// The backend broke (500 `internal_server_error`).
    Internal(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Invalid(s) | ApiError::NotFound(s) | ApiError::Internal(s) => f.write_str(s),
        }
    }
}

/// What a product provides to be served as an OB 3.0 / CLR 2.0 Service Provider. Calls are
/// short (SQLite); `check_login` may be slow (password hashing) and is run off the async
/// workers.
pub trait Backend: Send + Sync + 'static {
    /// The user when the sign-in is right.
    fn check_login(&self, user: &str, password: &str) -> Result<Option<UserId>, ApiError>;
    /// How to name the user on the consent page.
    fn user_label(&self, user: UserId) -> Option<String>;
    /// The user's credentials of a standard, oldest first, those stored after `since`
    /// (Unix milliseconds) only when given; `limit` items from `offset`.
    fn list_credentials(
        &self,
        user: UserId,
        standard: Standard,
        since: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> Result<Page, ApiError>;
    /// Stores a credential; the same issuer id + credential id replaces the stored one.
    fn upsert_credential(&self, user: UserId, c: &Incoming) -> Result<Upserted, ApiError>;
    /// The user's Profile (an OB 3.0 `Profile` object).
    fn get_profile(&self, user: UserId) -> Result<Option<Value>, ApiError>;
    /// Replaces the user's Profile; returns the stored Profile.
    fn put_profile(&self, user: UserId, profile: Value) -> Result<Value, ApiError>;
}

/// How the surface is served.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where clients reach the server (no trailing slash); every URL handed out starts with it.
    pub base_url: String,
    /// The APIs served (OB, CLR or both).
    pub apis: Vec<Standard>,
    /// Name shown in discovery and on the sign-in page.
    pub title: String,
    pub terms_url: String,
    pub privacy_url: String,
    /// Optional logo (`x-imssf-image`).
    pub image_url: Option<String>,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub code_ttl: Duration,
    /// getCredentials page size when `limit` is absent, and the largest honoured.
    pub default_limit: usize,
    pub max_limit: usize,
    /// Largest request body (upserts).
    pub max_body: usize,
    /// Allow `http://` redirect URIs for loopback hosts only (otherwise https is required).
    pub allow_http_loopback: bool,
    /// Redirect URIs one client may register.
    pub max_redirect_uris: usize,
    /// Registered clients kept at most (anonymous registration cannot fill the disk).
    pub max_clients: usize,
    /// Rate limits of sign-in (per address and per account), registration and token.
    pub limits: wellspring_serverkit::limit::Limits,
}

impl Config {
    pub fn new(base_url: impl Into<String>) -> Config {
        let base = base_url.into().trim_end_matches('/').to_owned();
        Config {
            terms_url: format!("{base}/terms"),
            privacy_url: format!("{base}/privacy"),
            base_url: base,
            apis: vec![Standard::Ob30, Standard::Clr20],
            title: "Wellspring Service Provider".into(),
            image_url: None,
            access_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            code_ttl: Duration::from_secs(600),
            default_limit: 100,
            max_limit: 1000,
            max_body: wellspring_serverkit::limit::body::CREDENTIAL,
            allow_http_loopback: true,
            max_redirect_uris: 5,
            max_clients: 10_000,
            limits: Default::default(),
        }
    }

    /// Every scope this server grants.
    pub fn known_scopes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.apis.iter().flat_map(|s| s.scopes()).collect();
        v.push(OFFLINE_ACCESS.into());
        v
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct Ctx {
    pub backend: Arc<dyn Backend>,
    pub auth: AuthStore,
    pub cfg: Arc<Config>,
    /// Where password checks run (a few at a time, off the async workers).
    pub pool: wellspring_serverkit::work::Pool,
    /// Sign-in attempts per account.
    pub accounts: Arc<wellspring_serverkit::limit::Limiter<String>>,
}

/// The Service Provider surface: discovery, OAuth, API, for every standard in `cfg.apis`.
/// Merge it with the product's own routes (it claims `/oauth/*`,
/// `/.well-known/oauth-authorization-server` and the API prefixes).
/// Password checks share `pool` with the product's own sign-in pages.
pub fn router(
    backend: Arc<dyn Backend>,
    auth: AuthStore,
    cfg: Config,
    pool: wellspring_serverkit::work::Pool,
) -> Router {
    let ctx = Ctx {
        backend,
        auth,
        accounts: wellspring_serverkit::limit::Limiter::shared(cfg.limits.account),
        cfg: Arc::new(cfg),
        pool,
    };
    let mut r = oauth::routes(&ctx.cfg);
    for s in ctx.cfg.apis.clone() {
        r = r.merge(api::routes(s));
    }
    r.layer(axum::extract::DefaultBodyLimit::max(ctx.cfg.max_body))
        .with_state(ctx)
}

/// An `imsx_StatusInfo` error body with its HTTP status.
pub fn imsx(status: StatusCode, minor: &str, description: &str) -> Response {
    let body = json!({
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": minor}]}
    });
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Invalid(s) => imsx(StatusCode::BAD_REQUEST, "invalid_data", &s),
            ApiError::NotFound(s) => imsx(StatusCode::NOT_FOUND, "not_found", &s),
            ApiError::Internal(s) => imsx(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_server_error",
                &s,
            ),
        }
    }
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, v: &Value) -> Response {
    let mut r = (status, v.to_string()).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

/// The service description document (OpenAPI 3.0) of one API.
pub fn discovery_document(cfg: &Config, s: Standard) -> Value {
    let b = &cfg.base_url;
    let scopes: serde_json::Map<String, Value> = SCOPE_NAMES
        .iter()
        .map(|n| {
            let what = match *n {
                "credential.readonly" => "Permission to read the learner's credentials",
                "credential.upsert" => "Permission to create or update the learner's credentials",
                "profile.readonly" => "Permission to read the learner's profile",
                _ => "Permission to update the learner's profile",
            };
            (s.scope(n), Value::String(what.into()))
        })
        .collect();
    let sec = json!([{"OAuth2ACG": []}]);
    let op = |id: &str, scope: &str, summary: &str| {
        let mut o = json!({"operationId": id, "summary": summary, "security": sec, "responses": {"default": {"description": "imsx_StatusInfo"}}});
        o["x-imssf-scope"] = json!(s.scope(scope));
        o
    };
    let mut info = json!({
        "title": format!("{} — {}", cfg.title, s.title()),
        "description": format!("{} API of {}.", s.title(), cfg.title),
        "version": "1.0",
        "termsOfService": cfg.terms_url,
        "x-imssf-privacyPolicyUrl": cfg.privacy_url,
    });
    if let Some(i) = &cfg.image_url {
        info["x-imssf-image"] = json!(i);
    }
    json!({
        "openapi": "3.0.1",
        "info": info,
        "servers": [{"url": format!("{b}{}", s.api_path()), "description": cfg.title}],
        "tags": [{"name": s.title()}],
        "paths": {
            "/credentials": {
                "get": op("getCredentials", "credential.readonly", "The learner's credentials (limit, offset, since)"),
                "post": op("upsertCredential", "credential.upsert", "Create or replace one credential"),
            },
            "/profile": {
                "get": op("getProfile", "profile.readonly", "The learner's profile"),
                "put": op("putProfile", "profile.update", "Replace the learner's profile"),
            },
            "/discovery": {"get": {"operationId": "getServiceDescription", "summary": "This document", "security": [], "responses": {"200": {"description": "ServiceDescriptionDocument"}}}},
        },
        "components": {"securitySchemes": {"OAuth2ACG": {
            "type": "oauth2",
            "description": "OAuth 2.0 authorization code grant with PKCE (S256); dynamic client registration (RFC 7591)",
            "x-imssf-registrationUrl": format!("{b}/oauth/register"),
            "flows": {"authorizationCode": {
                "authorizationUrl": format!("{b}/oauth/authorize"),
                "tokenUrl": format!("{b}/oauth/token"),
                "refreshUrl": format!("{b}/oauth/token"),
                "scopes": scopes,
            }},
        }}},
    })
}

/// The spec's equality form of an identifier (percent-decoded, trimmed).
pub fn normalize_id(s: &str) -> String {
    wellspring_model::normalize_identifier(s)
}

/// The issuer id of a credential (`issuer` as a string or a Profile with an `id`).
pub fn issuer_id(c: &Value) -> Option<&str> {
    match c.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}
