//! The hub server: the OB 3.0 / CLR 2.0 Service Provider surface (wellspring-obapi) over the
//! hub's store, the issuer's public documents (`/issuer`, `/.well-known/did.json`,
//! `/.well-known/jwks.json`), the achievement catalog, the revocation status list
//! (`/status/1`), and the admin API (`POST /admin/results`, `POST /admin/revoke`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use wellspring_obapi::{imsx, ApiError, Backend, Incoming, Item, Page, Standard, Upserted, UserId};

use crate::admin;
use crate::demo;
use crate::issue::{self, Format, Issuer, IssuerDid};
use crate::pages;
use crate::store::{Learner, Put, Store};

pub use crate::demo::{DEMO_ADMIN_TOKEN, DEMO_EMAIL, DEMO_PASSWORD};
pub const DEFAULT_PORT: u16 = 8470;
/// Where the CASE server is by default (`wellspring case serve`).
pub const DEFAULT_CASE_URL: &str = "http://127.0.0.1:8480";

#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// The URL clients reach the hub at (default `http://ADDR`).
    pub public_url: Option<String>,
    /// Demo catalog, demo learner (DT.1 and DT.2 already earned), default admin token.
    pub demo: bool,
    /// Bearer token of `/admin/*` (`--demo` defaults it to [`DEMO_ADMIN_TOKEN`]); without one
    /// the admin API is off.
    pub admin_token: Option<String>,
    /// Base URL of the CASE provider the achievements align to.
    pub case_url: String,
    pub issuer_did: IssuerDid,
    pub issuer_name: String,
    /// Access token lifetime.
    pub access_ttl: Duration,
    /// Rate limits (sign-in, registration, token).
    pub limits: wellspring_serverkit::limit::Limits,
    /// Refresh requests (`GET /refresh/…`, each signs) per client address.
    pub refresh_rate: wellspring_serverkit::limit::Rate,
}

impl Config {
    pub fn new(db: PathBuf) -> Self {
        Config {
            db,
            listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            public_url: None,
            demo: false,
            admin_token: None,
            case_url: DEFAULT_CASE_URL.into(),
            issuer_did: IssuerDid::Key,
            issuer_name: "Riverbend Community College".into(),
            access_ttl: Duration::from_secs(3600),
            limits: Default::default(),
            refresh_rate: wellspring_serverkit::limit::Rate::per_minute(60),
        }
    }
}

/// A refresh service's answer.
pub enum Refresh {
    /// The credential as it stands now, signed again.
    Current(Value),
    /// Revoked: not refreshed.
    Revoked(crate::store::StatusEntry),
}

/// The hub: store, issuer, catalog logic. Shared by the HTTP handlers and in-process callers.
pub struct Hub {
    pub store: Store,
    pub issuer: Issuer,
    pub base: String,
    pub case_url: String,
    pub(crate) admin_token: Option<String>,
    /// One issuance at a time (a CLR reissue must see every award before it).
    issuing: std::sync::Mutex<()>,
    /// The signed status list and the store's status revision it was built at: signed again
    /// only after a revocation, never per request.
    status_cache: std::sync::Mutex<Option<(i64, Arc<String>)>>,
    /// Refresh requests per client address.
    pub(crate) refresh_limit: Arc<wellspring_serverkit::limit::Limiter<std::net::IpAddr>>,
}

/// Why a hub operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubError {
    NotFound(String),
    Invalid(String),
    Internal(String),
}

impl std::fmt::Display for HubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HubError::NotFound(s) | HubError::Invalid(s) | HubError::Internal(s) => f.write_str(s),
        }
    }
}

impl From<crate::store::StoreError> for HubError {
    fn from(e: crate::store::StoreError) -> Self {
        HubError::Internal(e.0)
    }
}

/// What `POST /admin/results` did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Newly issued: (achievement slug, credential id).
    pub issued: Vec<(String, String)>,
    /// The learner's CLR id when it was (re)issued.
    pub clr: Option<String>,
    pub program_complete: bool,
    /// Achievements still open: (slug, missing item identifiers).
    pub pending: Vec<(String, Vec<String>)>,
    /// Items given that no achievement requires.
    pub unmatched: Vec<String>,
}

/// A CASE item URI or identifier → the identifier (last path segment, lower-case).
pub fn item_identifier(s: &str) -> String {
    let s = s.trim();
    let last = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
    last.to_ascii_lowercase()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl Hub {
    /// A credential upserted under this hub's own issuer id (any of its forms) must carry a
    /// valid proof by this hub's key: otherwise any client with the upsert scope could place
    /// (or replace) a credential that reads as issued here. Credentials of other issuers are
    /// the learner's to keep and are stored as sent (a host does not vouch for them).
    fn refuse_impersonation(&self, c: &Incoming, body: &str) -> Result<(), ApiError> {
        let ours = self
            .issuer
            .ids()
            .iter()
            .any(|id| wellspring_obapi::normalize_id(id) == c.issuer_id);
        if !ours {
            return Ok(());
        }
        let mut opts = wellspring_verify::Options::offline(chrono::Utc::now());
        opts.trust.add(&self.issuer.id, &self.issuer.public_key());
        opts.trust
            .add(&self.issuer.did_web, &self.issuer.public_key());
        // a did:web issuer's key, known here without fetching our own DID document
        let _ = opts.keys.add(&self.issuer.vm, &self.issuer.multibase);
        opts.require_bound_key = true;
        let report = wellspring_verify::verify_bytes("upsert", body.as_bytes(), &opts);
        let broken: Vec<&str> = report
            .failed_ids()
            .into_iter()
            .filter(|id| id.starts_with("ob3.proof") || id.starts_with("ob3.parse"))
            .collect();
        let unsigned = !report.checks.iter().any(|c| c.id.starts_with("ob3.proof."));
        if unsigned || !broken.is_empty() {
            return Err(ApiError::Invalid(format!(
                "the credential names this hub as its issuer but does not carry a valid proof by this hub's key{}",
                if broken.is_empty() {
                    String::new()
                } else {
                    format!(" (failed: {})", broken.join(", "))
                }
            )));
        }
        Ok(())
    }

    /// The learner's Profile as the API returns it (stored, or made from the account).
    fn profile_of(&self, l: &Learner) -> Result<Value, HubError> {
        if let Some(p) = self
            .store
            .profile(l.id)?
            .and_then(|t| serde_json::from_str(&t).ok())
        {
            return Ok(p);
        }
        Ok(
            json!({"id": l.subject_id, "type": ["Profile"], "name": l.name.clone().unwrap_or_else(|| l.email.clone()), "email": l.email}),
        )
    }

    /// Records results for a learner and issues every achievement they complete (and the
    /// learner's CLR). Blocking: signs.
    pub fn record_results(
        &self,
        email: &str,
        satisfied: &[String],
        format: Format,
    ) -> Result<Outcome, HubError> {
        let _one = self.issuing.lock().unwrap_or_else(|e| e.into_inner());
        let learner = self
            .store
            .learner_by_email(email)?
            .ok_or_else(|| HubError::NotFound(format!("no learner {email}")))?;
        let items: Vec<String> = satisfied
            .iter()
            .map(|s| item_identifier(s))
            .filter(|s| !s.is_empty())
            .collect();
        let catalog = self.store.achievements()?;
        let mut out = Outcome {
            unmatched: unmatched(&catalog, &items),
            ..Default::default()
        };
        let done: std::collections::BTreeSet<String> = self
            .store
            .add_results(learner.id, &items)?
            .into_iter()
            .collect();
        let mut awarded: Vec<String> = self
            .store
            .awards(learner.id)?
            .into_iter()
            .map(|a| a.achievement)
            .collect();
        let program: Option<Value> = self
            .store
            .meta("program")?
            .and_then(|t| serde_json::from_str(&t).ok());
        for (slug, def) in &catalog {
            let req = strings(def.get("requires"));
            let missing: Vec<String> = req.iter().filter(|i| !done.contains(*i)).cloned().collect();
            if awarded.contains(slug) {
                continue;
            }
            if !missing.is_empty() || req.is_empty() {
                out.pending.push((slug.clone(), missing));
                continue;
            }
            // every required item satisfied: issue
            let (id, program_complete) =
                self.issue_award(&learner, (slug, def), &awarded, program.as_ref(), format)?;
            out.program_complete = program_complete;
            awarded.push(slug.clone());
            out.issued.push((slug.clone(), id));
            out.clr = Some(learner.clr_id.clone());
        }
        Ok(out)
    }

    /// Issues one achievement (`slug`, its definition) to a learner and re-issues the learner's
    /// CLR over every award so far plus this one; stores both. Returns the badge's id and
    /// whether the CLR completes the program.
    fn issue_award(
        &self,
        learner: &Learner,
        (slug, def): (&str, &Value),
        awarded: &[String],
        program: Option<&Value>,
        format: Format,
    ) -> Result<(String, bool), HubError> {
        let now = issue::now_text();
        let id = crate::store::uuid_urn();
        // status list bits: a fresh random one for the badge; the CLR keeps its own
        let ob_index = self.store.status_index_for(&id, &[])?;
        let clr_index = self.store.status_index_for(&learner.clr_id, &[ob_index])?;
        let badge = Issuing {
            learner,
            id: &id,
            now: &now,
            list_url: issue::status_list_url(&self.base),
        };
        let (signed, fmt, body) = self.sign_badge(&badge, (slug, def), ob_index, format)?;
        let signed_text = signed.to_string();
        let mut now_awarded = awarded.to_vec();
        now_awarded.push(slug.to_string());
        let (prog, title) = self.program_achievement(program, &now_awarded);
        let program_complete = prog.is_some();
        let clr_text = self.sign_clr(&badge, signed, prog, &title, clr_index)?;
        let iss = wellspring_obapi::normalize_id(&self.issuer.id);
        let ob_key = wellspring_obapi::normalize_id(&id);
        let clr_key = wellspring_obapi::normalize_id(&learner.clr_id);
        let put = |standard, credential_key, format, body| Put {
            learner: learner.id,
            standard,
            issuer_key: &iss,
            credential_key,
            format,
            body,
            origin: "issued",
        };
        let puts = [
            put("ob", &ob_key, fmt, &body),
            put("clr", &clr_key, "json", &clr_text),
        ];
        let status = [
            (id.as_str(), ob_index),
            (learner.clr_id.as_str(), clr_index),
        ];
        self.store
            .award(learner.id, slug, &id, &signed_text, &puts, &status)?;
        Ok((id, program_complete))
    }

    /// The signed OpenBadgeCredential of an award, and how it is stored: its format (`json` or
    /// `jws`) and text.
    fn sign_badge(
        &self,
        badge: &Issuing<'_>,
        (slug, def): (&str, &Value),
        ob_index: u32,
        format: Format,
    ) -> Result<(Value, &'static str, String), HubError> {
        let a = issue::achievement(
            &self.base,
            &self.case_url,
            &self.issuer.profile(),
            slug,
            def,
        );
        let mut unsigned = issue::open_badge(&self.issuer, badge.learner, a, badge.id, badge.now);
        unsigned["credentialStatus"] = issue::status_entry(&badge.list_url, ob_index);
        unsigned["refreshService"] = issue::refresh_service(&self.base, badge.id);
        let signed = self
            .issuer
            .sign(&unsigned, badge.now)
            .map_err(HubError::Internal)?;
        let (fmt, body) = match format {
            Format::Json => ("json", signed.to_string()),
            Format::Jwt => (
                "jws",
                self.issuer
                    .sign_jwt(&unsigned)
                    .map_err(HubError::Internal)?,
            ),
        };
        Ok((signed, fmt, body))
    }

    /// The program's achievement when `awarded` completes it, and the CLR's title.
    fn program_achievement(
        &self,
        program: Option<&Value>,
        awarded: &[String],
    ) -> (Option<Value>, String) {
        let Some(p) = program else {
            return (None, format!("{} — learner record", self.issuer.name));
        };
        let need = strings(p.get("achievements"));
        let complete = !need.is_empty() && need.iter().all(|n| awarded.contains(n));
        let slug = p.get("slug").and_then(Value::as_str).unwrap_or("program");
        let name = p.get("name").and_then(Value::as_str).unwrap_or("Program");
        let pa = complete.then(|| {
            issue::achievement(&self.base, &self.case_url, &self.issuer.profile(), slug, p)
        });
        (pa, format!("{} — {} record", self.issuer.name, name))
    }

    /// The learner's signed CLR over every stored award plus `signed` (the new badge), as text.
    fn sign_clr(
        &self,
        badge: &Issuing<'_>,
        signed: Value,
        program: Option<Value>,
        title: &str,
        clr_index: u32,
    ) -> Result<String, HubError> {
        let learner = badge.learner;
        let mut bundled: Vec<Value> = self
            .store
            .awards(learner.id)?
            .iter()
            .filter_map(|a| serde_json::from_str(&a.signed).ok())
            .collect();
        bundled.push(signed);
        let mut clr = issue::clr(&self.issuer, learner, bundled, program, title, badge.now);
        clr["credentialStatus"] = issue::status_entry(&badge.list_url, clr_index);
        clr["refreshService"] = issue::refresh_service(&self.base, &learner.clr_id);
        let clr = self
            .issuer
            .sign(&clr, badge.now)
            .map_err(HubError::Internal)?;
        Ok(clr.to_string())
    }
}

/// An award being issued: to whom, the badge's id, the issuance time and the status list.
struct Issuing<'a> {
    learner: &'a Learner,
    id: &'a str,
    now: &'a str,
    list_url: String,
}

/// The satisfied items no achievement of the catalog requires.
fn unmatched(catalog: &[(String, Value)], items: &[String]) -> Vec<String> {
    let known: std::collections::BTreeSet<String> = catalog
        .iter()
        .flat_map(|(_, d)| strings(d.get("requires")))
        .collect();
    items
        .iter()
        .filter(|i| !known.contains(*i))
        .cloned()
        .collect()
}

impl Hub {
    /// The URL of the hub's revocation status list (`<public URL>/status/1`).
    pub fn status_list_url(&self) -> String {
        issue::status_list_url(&self.base)
    }

    /// The signed status list when the cached one is current (no revocation since it was
    /// signed).
    pub fn status_list_cached(&self) -> Result<Option<Arc<String>>, HubError> {
        let rev = self.store.status_revision()?;
        let cache = self.status_cache.lock().unwrap_or_else(|e| e.into_inner());
        Ok(cache
            .as_ref()
            .filter(|(r, _)| *r == rev)
            .map(|(_, body)| body.clone()))
    }

    /// The BitstringStatusListCredential (revocation) of every credential the hub issued,
    /// signed (eddsa-rdfc-2022) by the issuer key: the cached copy, or signed anew when a
    /// revocation happened since (in this process or through `wellspring hub revoke`).
    /// Blocking: may sign.
    pub fn status_list(&self) -> Result<Arc<String>, HubError> {
        let mut cache = self.status_cache.lock().unwrap_or_else(|e| e.into_inner());
        // the revision first: a revocation landing between the two reads makes the list newer
        // than its key, never older (it is then signed once more)
        let rev = self.store.status_revision()?;
        if let Some((r, body)) = cache.as_ref() {
            if *r == rev {
                return Ok(body.clone());
            }
        }
        let revoked = self.store.revoked_indexes()?;
        let now = issue::now_text();
        let unsigned =
            issue::status_list_credential(&self.issuer, &self.status_list_url(), &revoked, &now);
        let signed = self
            .issuer
            .sign(&unsigned, &now)
            .map_err(HubError::Internal)?;
        let body = Arc::new(signed.to_string());
        *cache = Some((rev, body.clone()));
        Ok(body)
    }

    /// What the refresh service answers for the credential `credential_id`: the current
    /// credential signed again, or that it was revoked. Blocking: signs.
    pub fn refresh(&self, credential_id: &str) -> Result<Refresh, HubError> {
        let unknown = || {
            HubError::NotFound(format!(
                "no credential issued by this hub has the id {:?}",
                credential_id.trim()
            ))
        };
        let entry = self
            .store
            .status_entry(credential_id)?
            .ok_or_else(unknown)?;
        if entry.revoked {
            return Ok(Refresh::Revoked(entry));
        }
        let text = self.store.issued_json(credential_id)?.ok_or_else(unknown)?;
        let signed: Value =
            serde_json::from_str(&text).map_err(|e| HubError::Internal(e.to_string()))?;
        let now = issue::now_text();
        let fresh = issue::refreshed(&self.issuer, &signed, &now).map_err(HubError::Internal)?;
        Ok(Refresh::Current(fresh))
    }

    /// Revokes a credential the hub issued (idempotent) and signs the new list.
    pub fn revoke(
        &self,
        credential_id: &str,
        reason: Option<&str>,
    ) -> Result<crate::store::Revoked, HubError> {
        let r = self.store.revoke(credential_id, reason)?.ok_or_else(|| {
            HubError::NotFound(format!(
                "no credential issued by this hub has the id {:?} (or it was issued before the hub kept a status list)",
                credential_id.trim()
            ))
        })?;
        // the revocation is durable; should signing fail, the next GET /status/1 tries again
        let _ = self.status_list();
        Ok(r)
    }
}

/// The store seen through the Service Provider API.
struct HubBackend(Arc<Hub>);

fn api_err(e: crate::store::StoreError) -> ApiError {
    ApiError::Internal(e.0)
}

impl Backend for HubBackend {
    fn check_login(&self, user: &str, password: &str) -> Result<Option<UserId>, ApiError> {
        self.0.store.check_password(user, password).map_err(api_err)
    }
    fn user_label(&self, user: UserId) -> Option<String> {
        self.0.store.learner(user).ok().flatten().map(|l| l.email)
    }
    fn list_credentials(
        &self,
        user: UserId,
        standard: Standard,
        since: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> Result<Page, ApiError> {
        let (rows, total) = self
            .0
            .store
            .credentials(user, standard.code(), since, limit, offset)
            .map_err(api_err)?;
        let items = rows
            .into_iter()
            .map(|r| {
                if r.format == "jws" {
                    Item::Jws(r.body)
                } else {
                    Item::Json(r.body)
                }
            })
            .collect();
        Ok(Page { items, total })
    }
    fn upsert_credential(&self, user: UserId, c: &Incoming) -> Result<Upserted, ApiError> {
        let (format, body) = match &c.item {
            Item::Json(t) => ("json", t.as_str()),
            Item::Jws(t) => ("jws", t.as_str()),
        };
        self.0.refuse_impersonation(c, body)?;
        let p = Put {
            learner: user,
            standard: c.standard.code(),
            issuer_key: &c.issuer_id,
            credential_key: &c.credential_id,
            format,
            body,
            origin: "upsert",
        };
        match self.0.store.put_credential(&p).map_err(api_err)? {
            true => Ok(Upserted::Created),
            false => Ok(Upserted::Replaced),
        }
    }
    fn get_profile(&self, user: UserId) -> Result<Option<Value>, ApiError> {
        let Some(l) = self.0.store.learner(user).map_err(api_err)? else {
            return Ok(None);
        };
        self.0
            .profile_of(&l)
            .map(Some)
            .map_err(|e| ApiError::Internal(e.to_string()))
    }
    fn put_profile(&self, user: UserId, mut profile: Value) -> Result<Value, ApiError> {
        let Some(l) = self.0.store.learner(user).map_err(api_err)? else {
            return Err(ApiError::NotFound("no such learner".into()));
        };
        profile["id"] = json!(l.subject_id);
        self.0
            .store
            .set_profile(user, &profile.to_string())
            .map_err(api_err)?;
        Ok(profile)
    }
}

/// A started hub.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub hub: Arc<Hub>,
    /// The admin token in force (None: admin API off).
    pub admin_token: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.task.await;
    }
}

/// Opens (creating) the store, seeds the demo, binds and serves in the background.
pub async fn start(c: Config) -> Result<Running, String> {
    let store = Store::open(&c.db).map_err(|e| e.to_string())?;
    let auth = wellspring_obapi::AuthStore::open(&c.db)?;
    let listener = tokio::net::TcpListener::bind(c.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", c.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base = c
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    url::Url::parse(&base).map_err(|e| format!("public URL {base}: {e}"))?;
    let seed = store.issuer_seed().map_err(|e| e.to_string())?;
    let issuer = Issuer::new(seed, &base, &c.issuer_name, c.issuer_did)?;
    let admin_token = c
        .admin_token
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| c.demo.then(|| DEMO_ADMIN_TOKEN.to_owned()));
    let hub = Arc::new(Hub {
        store: store.clone(),
        issuer,
        base: base.clone(),
        case_url: c.case_url.trim_end_matches('/').to_owned(),
        admin_token: admin_token.clone(),
        issuing: std::sync::Mutex::new(()),
        status_cache: std::sync::Mutex::new(None),
        refresh_limit: wellspring_serverkit::limit::Limiter::shared(c.refresh_rate),
    });
    if c.demo {
        let h = hub.clone();
        tokio::task::spawn_blocking(move || seed_demo(&h))
            .await
            .map_err(|e| e.to_string())??;
    }
    let mut api = wellspring_obapi::Config::new(base.clone());
    api.title = format!("{} Achievement Hub", c.issuer_name);
    api.access_ttl = c.access_ttl;
    api.image_url = Some(format!("{base}/static/logo.svg"));
    api.limits = c.limits;
    let backend: Arc<dyn Backend> = Arc::new(HubBackend(hub.clone()));
    let pool = wellspring_serverkit::work::Pool::default();
    let app = wellspring_obapi::router(backend, auth, api, pool).merge(routes(hub.clone()));
    let app =
        wellspring_serverkit::harden::layers(app, wellspring_serverkit::harden::DEFAULT_TIMEOUT);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(wellspring_serverkit::harden::serve(listener, app, async {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        base_url: base,
        hub,
        admin_token,
        shutdown: Some(tx),
        task,
    })
}

/// Demo catalog (always refreshed) and, on first start, the demo learner with DT.1 (JSON)
/// and DT.2 (VC-JWT) earned.
fn seed_demo(h: &Hub) -> Result<(), String> {
    let (catalog, program) = demo::catalog()?;
    for (i, (slug, def)) in catalog.iter().enumerate() {
        h.store
            .put_achievement(slug, i as i64, def)
            .map_err(|e| e.to_string())?;
    }
    h.store
        .set_meta("program", &program.to_string())
        .map_err(|e| e.to_string())?;
    if h.store
        .learner_by_email(DEMO_EMAIL)
        .map_err(|e| e.to_string())?
        .is_none()
    {
        h.store
            .add_learner(DEMO_EMAIL, DEMO_PASSWORD, Some("Jordan Rivera"))
            .map_err(|e| e.to_string())?;
        for (items, fmt) in demo::seed_results() {
            h.record_results(DEMO_EMAIL, &items, fmt)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

type S = State<Arc<Hub>>;

fn routes(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/terms", get(|| async { Html(pages::terms()) }))
        .route("/privacy", get(|| async { Html(pages::privacy()) }))
        .route("/issuer", get(|State(h): S| async move { json_ok(&h.issuer.profile()) }))
        .route("/.well-known/did.json", get(|State(h): S| async move { json_ok(&h.issuer.did_document()) }))
        .route("/.well-known/jwks.json", get(|State(h): S| async move { json_ok(&h.issuer.jwks()) }))
        .route("/achievements", get(achievements))
        .route("/achievements/{slug}", get(achievement))
        .route(issue::STATUS_LIST_PATH, get(admin::status_list))
        .route(&format!("{}/{{id}}", issue::REFRESH_PATH), get(admin::refresh))
        .route("/admin/results", post(admin::admin_results))
        .route("/admin/revoke", post(admin::admin_revoke))
        .route("/static/logo.svg", get(|| async {
            ([("content-type", "image/svg+xml")], "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\" rx=\"12\" fill=\"#7a3b00\"/><text x=\"32\" y=\"42\" font-size=\"28\" text-anchor=\"middle\" fill=\"#fff\">AH</text></svg>")
        }))
        .route("/static/style.css", get(|| async { wellspring_serverkit::harden::stylesheet(pages::STYLE) }))
        .fallback(|| async { imsx(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(axum::extract::DefaultBodyLimit::max(wellspring_serverkit::limit::body::SMALL_JSON))
        .with_state(hub)
}

pub(crate) fn json_ok(v: &Value) -> Response {
    let mut r = (StatusCode::OK, v.to_string()).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

async fn home(State(h): S) -> Html<String> {
    let catalog = h.store.achievements().unwrap_or_default();
    Html(pages::home(&h.issuer.name, &h.issuer.id, &catalog))
}

async fn achievements(State(h): S) -> Response {
    match h.store.achievements() {
        Ok(c) => {
            let profile = h.issuer.profile();
            let v: Vec<Value> = c
                .iter()
                .map(|(s, d)| issue::achievement(&h.base, &h.case_url, &profile, s, d))
                .collect();
            json_ok(&Value::Array(v))
        }
        Err(e) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e.0,
        ),
    }
}

async fn achievement(State(h): S, Path(slug): Path<String>) -> Response {
    match h.store.achievements() {
        Ok(c) => match c.iter().find(|(s, _)| *s == slug) {
            Some((s, d)) => json_ok(&issue::achievement(
                &h.base,
                &h.case_url,
                &h.issuer.profile(),
                s,
                d,
            )),
            None => imsx(StatusCode::NOT_FOUND, "not_found", "no such achievement"),
        },
        Err(e) => imsx(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &e.0,
        ),
    }
}
