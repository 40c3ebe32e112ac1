//! The wallet server: web pages for the learner, the provider connection flow, sharing, the
//! export of each credential exactly as received, and the VC-API verify endpoint.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::handler::Handler;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::connect::{self, Fetched, Standard};
use crate::intake::{self, Verifying};
use crate::store::Store;
use crate::{share, web};

/// The demo learner (`--demo`).
mod credentials;
mod providers;
mod sharing;

use credentials::*;
use providers::*;
use sharing::*;

pub const DEMO_EMAIL: &str = "learner@example.org";
pub const DEMO_PASSWORD: &str = "wellspring-demo";
pub const DEFAULT_PORT: u16 = 8460;
/// Largest upload (one credential: JSON, VC-JWT or baked image).
pub const MAX_UPLOAD: usize = wellspring_serverkit::limit::body::CREDENTIAL;

/// Demo credentials: committed Wellspring test vectors (valid, a VC-JWT, a baked PNG, a CLR).
const DEMO: &[(&str, &[u8])] = &[
    (
        "demo: ob-full.eddsa.json",
        include_bytes!("../../../vectors/valid/ob-full.eddsa.json"),
    ),
    (
        "demo: ob-minimal.eddsa.jwt",
        include_bytes!("../../../vectors/valid/ob-minimal.eddsa.jwt"),
    ),
    (
        "demo: baked.eddsa.png",
        include_bytes!("../../../vectors/valid/baked.eddsa.png"),
    ),
    (
        "demo: clr.eddsa.json",
        include_bytes!("../../../vectors/valid/clr.eddsa.json"),
    ),
];

#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// The URL learners and providers reach the wallet at (redirect URI base).
    pub public_url: Option<String>,
    pub demo: bool,
    /// Verify without the network (status lists and did:web keys then stay unknown).
    pub offline: bool,
    /// Deadline of each request to a provider.
    pub timeout: Duration,
    /// Issuers and their keys bound explicitly (`--trust FILE`): a credential shows as valid
    /// only when its key is bound to its issuer (here, or by a DID document / did:key).
    pub trust: wellspring_verify::trust::TrustList,
    /// Let outbound requests (providers, share targets, verification fetches) reach loopback,
    /// private and link-local addresses: local test setups only.
    pub allow_private_network: bool,
    /// Rate limits (sign-in, registration, token, verify).
    pub limits: wellspring_serverkit::limit::Limits,
}

impl Config {
    pub fn new(db: PathBuf) -> Self {
        Config {
            db,
            listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            public_url: None,
            demo: false,
            offline: false,
            timeout: Duration::from_secs(20),
            trust: Default::default(),
            allow_private_network: false,
            limits: Default::default(),
        }
    }
}

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub base: String,
    verifying: Verifying,
    http: wellspring_http::Net,
    site: wellspring_serverkit::Site,
    /// CPU-heavy work (password checks, verification, signing), a few at a time.
    pool: wellspring_serverkit::work::Pool,
    limits: wellspring_serverkit::limit::Limits,
    accounts: std::sync::Arc<wellspring_serverkit::limit::Limiter<String>>,
}

/// A started wallet.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub store: Store,
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

/// Opens the store, seeds the demo, binds and serves in the background.
pub async fn start(c: Config) -> Result<Running, String> {
    let store = Store::open(&c.db).map_err(|e| e.to_string())?;
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
    if c.demo {
        seed_demo(&app).await?;
    }
    let router = full_router(&c, app, &base)?;
    let router =
        wellspring_serverkit::harden::layers(router, wellspring_serverkit::harden::DEFAULT_TIMEOUT);
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
    })
}

/// The application state: verification options, the outbound client, the limits.
async fn app(c: &Config, store: Store, base: String) -> Result<App, String> {
    let site = wellspring_serverkit::Site::new(&base)
        .ok_or_else(|| format!("the public URL must be an http(s) URL, got {base:?}"))?;
    let opts = {
        let (offline, timeout, allow) = (c.offline, c.timeout, c.allow_private_network);
        let mut o = tokio::task::spawn_blocking(move || {
            wellspring_vcapi::verify_options(offline, timeout, allow)
        })
        .await
        .map_err(|e| e.to_string())?;
        o.trust = c.trust.clone();
        o
    };
    Ok(App {
        store,
        base,
        verifying: Verifying { options: opts },
        http: connect::http_client(c.timeout, c.allow_private_network)?,
        site,
        pool: wellspring_serverkit::work::Pool::default(),
        limits: c.limits,
        accounts: wellspring_serverkit::limit::Limiter::shared(c.limits.account),
    })
}

/// The demo learner with the demo credentials, unless the learner exists.
async fn seed_demo(app: &App) -> Result<(), String> {
    let store = &app.store;
    if store
        .learner_by_email(DEMO_EMAIL)
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Ok(());
    }
    let id = store
        .add_learner(DEMO_EMAIL, DEMO_PASSWORD)
        .map_err(|e| e.to_string())?;
    let a = app.clone();
    tokio::task::spawn_blocking(move || {
        for (name, bytes) in DEMO {
            if let Ok(c) = intake::take(bytes, name, &a.verifying) {
                let _ = a.store.put_credential(id, &c);
            }
        }
    })
    .await
    .map_err(|e| e.to_string())
}

/// The wallet's pages and the OB/CLR Service Provider API it hosts.
fn full_router(c: &Config, app: App, base: &str) -> Result<Router, String> {
    let auth = wellspring_obapi::AuthStore::open(&c.db).map_err(|e| e.to_string())?;
    let mut api = wellspring_obapi::Config::new(base.to_owned());
    api.title = "Wellspring Wallet".into();
    api.image_url = Some(format!("{base}/static/logo.svg"));
    api.limits = c.limits;
    let host = std::sync::Arc::new(crate::host::Host {
        store: app.store.clone(),
        verifying: app.verifying.clone(),
    });
    let pool = app.pool.clone();
    Ok(router(app).merge(wellspring_obapi::router(host, auth, api, pool)))
}

/// The wallet's own pages (every form guarded against cross-site posts), then the VC-API
/// verify endpoint.
pub fn router(app: App) -> Router {
    use axum::middleware::from_fn_with_state;
    use wellspring_serverkit::limit::{body, per_client, Limiter};
    let verifier = wellspring_vcapi::Verifier::new(app.verifying.options.clone())
        .guarded(app.pool.clone(), app.limits.verify);
    let forms = wellspring_serverkit::csrf::Guard::strict(&app.site);
    let sign_in = Limiter::shared(app.limits.sign_in);
    let imports = Limiter::shared(app.limits.verify);
    Router::new()
        .route("/", get(home))
        .route(
            "/login",
            get(login_page).post(login.layer(from_fn_with_state(sign_in, per_client))),
        )
        .route("/logout", post(logout))
        .route(
            "/import",
            get(import_page).post(
                import
                    .layer(from_fn_with_state(imports, per_client))
                    .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
            ),
        )
        .route("/credentials/{id}", get(view))
        .route("/credentials/{id}/export", get(export))
        .route("/credentials/{id}/verify", post(reverify))
        .route("/connect", get(connect_page).post(connect_start))
        .route("/connect/callback", get(connect_callback))
        .route("/connections/{id}/sync", post(sync))
        .route("/share", get(share_page).post(share_post))
        .route("/terms", get(|| async { Html(web::message("Terms", None, "A reference wallet for conformance testing.")) }))
        .route("/privacy", get(|| async { Html(web::message("Privacy", None, "Credentials stay in this wallet's database.")) }))
        .route("/static/style.css", get(|| async { wellspring_serverkit::harden::stylesheet(web::STYLE) }))
        .route("/static/logo.svg", get(|| async {
            ([(header::CONTENT_TYPE, "image/svg+xml")], "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\" rx=\"12\" fill=\"#0b4f6c\"/><text x=\"32\" y=\"42\" font-size=\"30\" text-anchor=\"middle\" fill=\"#fff\">W</text></svg>")
        }))
        .layer(from_fn_with_state(forms, wellspring_serverkit::csrf::guard))
        .layer(DefaultBodyLimit::max(body::SMALL_JSON))
        .with_state(app)
        .merge(wellspring_vcapi::router(verifier))
}

const COOKIE: &str = "wellspring_wallet";

fn cookie(headers: &HeaderMap) -> Option<String> {
    wellspring_serverkit::session::cookie(headers, COOKIE)
}

/// The signed-in learner (id, email), or a redirect to the sign-in page.
fn who(app: &App, headers: &HeaderMap) -> Result<(i64, String), Response> {
    let id = cookie(headers).and_then(|t| app.store.session(&t).ok().flatten());
    match id.and_then(|id| app.store.learner_email(id).ok().flatten().map(|e| (id, e))) {
        Some(x) => Ok(x),
        None => Err(Redirect::to("/login").into_response()),
    }
}

fn oops(e: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(web::message("Something went wrong", None, &e.to_string())),
    )
        .into_response()
}

#[derive(Deserialize, Default)]
struct Flash {
    msg: Option<String>,
}

async fn home(State(app): State<App>, headers: HeaderMap, Query(f): Query<Flash>) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match app.store.credentials(id) {
        Ok(c) => Html(web::list(&email, &c, f.msg.as_deref())).into_response(),
        Err(e) => oops(e),
    }
}

async fn login_page() -> Html<String> {
    Html(web::login(None))
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login(State(app): State<App>, Form(f): Form<LoginForm>) -> Response {
    if let Err(wait) = app.accounts.check(&f.email.trim().to_lowercase()) {
        return wellspring_serverkit::limit::too_many(wait);
    }
    let store = app.store.clone();
    let checked = app
        .pool
        .run(move || store.check_password(&f.email, &f.password))
        .await;
    match checked {
        Ok(Ok(Some(id))) => match app.store.new_session(id) {
            Ok(t) => wellspring_serverkit::session::started(COOKIE, &t, "/", app.site.secure),
            Err(e) => oops(e),
        },
        Ok(Ok(None)) => (
            StatusCode::UNAUTHORIZED,
            Html(web::login(Some("Wrong email or password."))),
        )
            .into_response(),
        Ok(Err(e)) => oops(e),
        Err(e) => oops(e),
    }
}

async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(t) = cookie(&headers) {
        let _ = app.store.end_session(&t);
    }
    wellspring_serverkit::session::ended(COOKIE, "/login", app.site.secure)
}
