//! The ATS server: the JSON API, the recruiters' pages, the candidates' apply page, and the
//! VC-API verify endpoint (`POST /credentials/verify`, for displayer certification).
//!
//! | route | who | |
//! |---|---|---|
//! | `GET /api/jobs`, `GET /api/jobs/{id}` | anyone | jobs and their requirements |
//! | `POST /api/jobs` | recruiter | `{title, caseBase + framework \| packageUrl, requirements?}` |
//! | `GET /api/jobs/{id}/apply` | anyone | a single-use challenge, the domain, the apply URL |
//! | `POST /api/jobs/{id}/applications` | anyone | a presentation or a credential |
//! | `GET /api/jobs/{id}/ranking` | recruiter | blind ranking with evidence per requirement |
//! | `GET /api/jobs/{id}/applications/{app}` | recruiter | the candidate opened: person, credentials |
//! | `POST /api/jobs/{id}/applications/{app}/verify` | recruiter | verify again |
//!
//! Recruiters authenticate with the session cookie of the sign-in page or HTTP Basic.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::handler::Handler;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::case::{self, Frameworks, Graph};
use crate::intake::{self, Envelope};
use crate::store::{Job, Store};
use crate::web;
use wellspring_serverkit::limit::ClientAddr;

/// The demo recruiter (`--demo`).
mod applying;
mod jobs;
mod pages;
mod ranking;
mod recruiters;

use applying::*;
use jobs::*;
pub use jobs::{create_job, NewJob};
use pages::*;
use ranking::*;
use recruiters::*;

pub const DEMO_EMAIL: &str = "recruiter@example.org";
pub const DEMO_PASSWORD: &str = "wellspring-demo";
/// The ATS's default port (the CASE provider's is 8480, the hub's 8470, the wallet's 8460).
pub const DEFAULT_PORT: u16 = 8440;
/// Where `--demo` reads the employer's framework unless `--case-base` says otherwise.
pub const DEFAULT_CASE_BASE: &str = "http://127.0.0.1:8480";
/// The demo job and its framework (the employer's Diesel Technician job skills of
/// `wellspring case serve --demo`).
pub const DEMO_JOB_TITLE: &str = "Diesel Technician I";
pub const DEMO_FRAMEWORK: &str = "e3910e9e-d1e5-4e22-9c00-000000000000";
/// Largest application accepted.
pub const MAX_BODY: usize = wellspring_serverkit::limit::body::CREDENTIAL;

#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// The URL candidates and recruiters reach the ATS at (also the presentations' `domain`).
    pub public_url: Option<String>,
    /// Create the demo recruiter and the demo job.
    pub demo: bool,
    /// The CASE provider of the demo job (default [`DEFAULT_CASE_BASE`]). With `demo`, its
    /// origin may be on a private network even without `allow_private_network`.
    pub case_base: Option<String>,
    /// Verify without the network (status lists and did:web keys then stay unknown, and
    /// credentials with a status list never count). CASE providers are still asked.
    pub offline: bool,
    /// Deadline of each request to a CASE provider, status list or key host.
    pub timeout: Duration,
    /// Issuers and their keys bound explicitly (`--trust FILE`); credentials from other
    /// issuers count only when a DID document or did:key binds their key to the issuer.
    pub trust: wellspring_verify::trust::TrustList,
    /// Let outbound requests (CASE providers, status lists, keys) reach loopback, private and
    /// link-local addresses: local test setups only.
    pub allow_private_network: bool,
    /// Rate limits (sign-in, apply, verify).
    pub limits: wellspring_serverkit::limit::Limits,
    /// Applications kept from one client address, and in all.
    pub max_applications_per_client: i64,
    pub max_applications: i64,
}

impl Config {
    pub fn new(db: PathBuf) -> Self {
        Config {
            db,
            listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            public_url: None,
            demo: false,
            case_base: None,
            offline: false,
            timeout: Duration::from_secs(15),
            trust: Default::default(),
            allow_private_network: false,
            limits: Default::default(),
            max_applications_per_client: 100,
            max_applications: 100_000,
        }
    }
}

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub base: String,
    pub frameworks: Frameworks,
    options: wellspring_verify::Options,
    site: wellspring_serverkit::Site,
    /// CPU-heavy work (password checks, verification), a few at a time.
    pool: wellspring_serverkit::work::Pool,
    limits: wellspring_serverkit::limit::Limits,
    accounts: std::sync::Arc<wellspring_serverkit::limit::Limiter<String>>,
    quota: (i64, i64),
}

/// A started ATS.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub store: Store,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    demo: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(d) = self.demo.take() {
            d.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.task.await;
    }
}

/// Opens the store, seeds the demo, binds and serves in the background.
pub async fn start(c: Config) -> Result<Running, String> {
    let store = Store::open(&c.db)?;
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
    let app = app(&c, store.clone(), base.clone()).await?;
    let demo = if c.demo {
        seed_demo(&c, &app).await?
    } else {
        None
    };
    let router = wellspring_serverkit::harden::layers(
        router(app),
        wellspring_serverkit::harden::DEFAULT_TIMEOUT,
    );
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(wellspring_serverkit::harden::serve(
        listener,
        router,
        async {
            let _ = rx.await;
        },
    ));
    Ok(Running {
        addr,
        base_url: base,
        store,
        shutdown: Some(tx),
        task,
        demo,
    })
}

/// The application state: verification options, the CASE client and cache, the limits.
async fn app(c: &Config, store: Store, base: String) -> Result<App, String> {
    let site = wellspring_serverkit::Site::new(&base)
        .ok_or_else(|| format!("the public URL must be http(s), got {base:?}"))?;
    let options = {
        let (offline, timeout, allow) = (c.offline, c.timeout, c.allow_private_network);
        let mut o = tokio::task::spawn_blocking(move || {
            wellspring_vcapi::verify_options(offline, timeout, allow)
        })
        .await
        .map_err(|e| e.to_string())?;
        o.trust = c.trust.clone();
        o
    };
    let frameworks = Frameworks {
        http: case::http_client(
            c.timeout,
            c.allow_private_network,
            c.case_base.as_deref().filter(|_| c.demo),
        )?,
        store: store.clone(),
    };
    Ok(App {
        store,
        base,
        frameworks,
        options,
        site,
        pool: wellspring_serverkit::work::Pool::default(),
        limits: c.limits,
        accounts: wellspring_serverkit::limit::Limiter::shared(c.limits.account),
        quota: (c.max_applications_per_client, c.max_applications),
    })
}

/// The demo recruiter and job; while the CASE provider cannot be reached, a task that retries
/// the job every 3 s (returned, to be stopped with the server).
async fn seed_demo(c: &Config, app: &App) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
    let store = &app.store;
    if !store.has_recruiter(DEMO_EMAIL)? {
        let s = store.clone();
        tokio::task::spawn_blocking(move || s.add_recruiter(DEMO_EMAIL, DEMO_PASSWORD))
            .await
            .map_err(|e| e.to_string())??;
    }
    let case_base = c
        .case_base
        .clone()
        .unwrap_or_else(|| DEFAULT_CASE_BASE.to_owned());
    let Err(e) = demo_job(app, &case_base).await else {
        return Ok(None);
    };
    eprintln!("wellspring ats: the demo job waits for the CASE provider ({e}); retrying every 3 s");
    let a = app.clone();
    Ok(Some(tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(3)).await;
            if demo_job(&a, &case_base).await.is_ok() {
                eprintln!("wellspring ats: demo job \"{DEMO_JOB_TITLE}\" created");
                break;
            }
        }
    })))
}

/// Creates the demo job unless a job of that title exists.
async fn demo_job(app: &App, case_base: &str) -> Result<(), String> {
    if app.store.jobs()?.iter().any(|j| j.title == DEMO_JOB_TITLE) {
        return Ok(());
    }
    let req = NewJob {
        title: DEMO_JOB_TITLE.into(),
        case_base: Some(case_base.into()),
        framework: Some(DEMO_FRAMEWORK.into()),
        ..Default::default()
    };
    create_job(app, req).await.map(|_| ()).map_err(|(_, e)| e)
}

/// The recruiters' and candidates' pages (forms guarded against cross-site posts), the JSON
/// API (a foreign Origin refused: it also takes the session cookie), the verify endpoint.
pub fn router(app: App) -> Router {
    use axum::middleware::from_fn_with_state;
    use wellspring_serverkit::csrf::{guard, Guard};
    use wellspring_serverkit::limit::{body, per_client, Limiter};
    let verifier = wellspring_vcapi::Verifier::new(app.options.clone())
        .guarded(app.pool.clone(), app.limits.verify);
    let sign_in = Limiter::shared(app.limits.sign_in);
    let apply = Limiter::shared(app.limits.apply);
    fn applying<H: Handler<T, App>, T: 'static>(
        h: H,
        limiter: std::sync::Arc<Limiter<std::net::IpAddr>>,
    ) -> axum::routing::MethodRouter<App> {
        post(
            h.layer(from_fn_with_state(limiter, per_client))
                .layer(DefaultBodyLimit::max(MAX_BODY)),
        )
    }
    let pages = Router::new()
        .route("/", get(home))
        .route(
            "/login",
            get(login_page).post(login.layer(from_fn_with_state(sign_in, per_client))),
        )
        .route("/logout", post(logout))
        .route("/jobs", post(post_job_form))
        .route("/jobs/{id}", get(job_page))
        .route(
            "/jobs/{id}/apply",
            get(apply_page).merge(applying(apply_form, apply.clone())),
        )
        .route("/jobs/{id}/candidates/{app}", get(candidate_page))
        .route("/jobs/{id}/candidates/{app}/verify", post(reverify_page))
        .route(
            "/static/style.css",
            get(|| async { wellspring_serverkit::harden::stylesheet(web::STYLE) }),
        )
        .layer(from_fn_with_state(Guard::strict(&app.site), guard));
    let api = Router::new()
        .route("/api/jobs", get(api_jobs).post(api_post_job))
        .route("/api/jobs/{id}", get(api_job))
        .route("/api/jobs/{id}/apply", get(api_apply_info))
        .route("/api/jobs/{id}/applications", applying(api_apply, apply))
        .route("/api/jobs/{id}/ranking", get(api_ranking))
        .route("/api/jobs/{id}/applications/{app}", get(api_application))
        .route(
            "/api/jobs/{id}/applications/{app}/verify",
            post(api_reverify),
        )
        .layer(from_fn_with_state(Guard::lenient(&app.site), guard));
    pages
        .merge(api)
        .layer(DefaultBodyLimit::max(body::SMALL_JSON))
        .with_state(app)
        .merge(wellspring_vcapi::router(verifier))
}
