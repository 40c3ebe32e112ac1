//! Wellspring's reference CASE provider, CASE 1.0 and CASE 1.1 side by side.
//!
//! Serves the twelve GET endpoints of the CASE 1.0 OpenAPI under `/ims/case/v1p0/` and of the CASE 1.1
//! OpenAPI under `/ims/case/v1p1/` (with the 1.1 discovery file), from the same CFPackages kept in
//! an SQLite file, with optional OAuth 2.0 client-credentials protection. It shares no code with
//! the conformance suites that judge CASE providers.
//!
//! ```no_run
//! # async fn run() -> Result<(), wellspring_case_server::ServerError> {
//! let mut config = wellspring_case_server::Config::new("case.sqlite".into());
//! config.demo = true;
//! wellspring_case_server::serve(config).await
//! # }
//! ```

pub mod api;
pub mod auth;
pub mod query;
pub mod store;
pub mod version;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

pub use auth::Client;
pub use store::{LoadSummary, Store, StoreError};
pub use version::Version;

pub const DEFAULT_PORT: u16 = 8480;

/// The demo frameworks, with `{{BASE}}` where the server's base URL goes.
pub const DEMO_COLLEGE: &str = include_str!("../demo/diesel-technology.json");
pub const DEMO_EMPLOYER: &str = include_str!("../demo/diesel-technician.json");
/// CFDocument identifiers of the demo frameworks.
pub const DEMO_COLLEGE_ID: &str = "c0115e9e-d1e5-4e11-8c00-000000000000";
pub const DEMO_EMPLOYER_ID: &str = "e3910e9e-d1e5-4e22-9c00-000000000000";

#[derive(Debug)]
pub struct ServerError(pub String);

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServerError {}

impl From<StoreError> for ServerError {
    fn from(e: StoreError) -> Self {
        ServerError(e.0)
    }
}

pub struct Config {
    /// SQLite file, created on first start.
    pub db: PathBuf,
    pub listen: IpAddr,
    /// 0 = any free port.
    pub port: u16,
    /// Base URL the server is reached at (no trailing slash); default `http://LISTEN:PORT` (with
    /// 127.0.0.1 for an unspecified listen address). Back-links and demo `uri`s are built from it.
    pub base_url: Option<String>,
    /// CFPackage JSON files loaded (upserted) on start.
    pub packages: Vec<PathBuf>,
    /// Load the two demo frameworks.
    pub demo: bool,
    /// Non-empty: require OAuth 2.0 bearer tokens from `POST /auth/token`.
    pub clients: Vec<Client>,
    pub token_ttl: Duration,
}

impl Config {
    pub fn new(db: PathBuf) -> Config {
        Config {
            db,
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            base_url: None,
            packages: Vec::new(),
            demo: false,
            clients: Vec::new(),
            token_ttl: Duration::from_secs(3600),
        }
    }
}

pub struct Inner {
    pub store: Store,
    /// e.g. `http://127.0.0.1:8480`, no trailing slash.
    pub base_url: String,
    pub auth: Option<auth::Auth>,
}

/// Shared state of the router.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Store, base_url: String, auth: Option<auth::Auth>) -> AppState {
        AppState(Arc::new(Inner {
            store,
            base_url: base_url.trim_end_matches('/').to_string(),
            auth,
        }))
    }
}

/// The HTTP routes: the CASE endpoints under `/ims/case/v1p0` and `/ims/case/v1p1` (behind bearer
/// auth when clients are configured), the CASE 1.1 discovery file, and `POST /auth/token`.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new();
    for v in Version::ALL {
        let mut case = Router::new()
            .route("/CFDocuments", get(api::get_all_documents))
            .route("/CFDocuments/{sourcedId}", get(api::get_document))
            .route("/CFPackages/{sourcedId}", get(api::get_package))
            .route("/CFItems/{sourcedId}", get(api::get_item))
            .route("/CFAssociations/{sourcedId}", get(api::get_association))
            .route(
                "/CFItemAssociations/{sourcedId}",
                get(api::get_item_associations),
            )
            .route(
                "/CFAssociationGroupings/{sourcedId}",
                get(api::get_association_grouping),
            )
            .route("/CFConcepts/{sourcedId}", get(api::get_concept))
            .route("/CFSubjects/{sourcedId}", get(api::get_subject))
            .route("/CFLicenses/{sourcedId}", get(api::get_license))
            .route("/CFItemTypes/{sourcedId}", get(api::get_item_type))
            .route("/CFRubrics/{sourcedId}", get(api::get_rubric))
            .fallback(api::unknown_endpoint)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                api::require_bearer,
            ));
        if v == Version::V1p1 {
            // public, like the OpenAPI file it is (added after the bearer layer, so outside it)
            case = case.route(
                wellspring_case::openapi11::DISCOVERY_PATH,
                get(api::discovery),
            );
        }
        app = app.nest(v.base_path(), case.layer(axum::Extension(v)));
    }
    if state.0.auth.is_some() {
        use wellspring_serverkit::limit::{per_client, Limiter, Limits};
        app = app.route(
            "/auth/token",
            post(axum::handler::Handler::layer(
                api::token,
                axum::middleware::from_fn_with_state(
                    Limiter::shared(Limits::default().token),
                    per_client,
                ),
            )),
        );
    }
    app.layer(axum::extract::DefaultBodyLimit::max(
        wellspring_serverkit::limit::body::SMALL_JSON,
    ))
    .with_state(state)
}

/// A demo framework with its uris under `base_url`.
pub fn demo_package(text: &str, base_url: &str) -> Result<Value, ServerError> {
    let text = text.replace("{{BASE}}", base_url.trim_end_matches('/'));
    serde_json::from_str(&text).map_err(|e| ServerError(format!("demo framework: {e}")))
}

/// Reads and stores one CFPackage file.
pub fn load_file(store: &Store, path: &std::path::Path) -> Result<LoadSummary, ServerError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ServerError(format!("{}: {e}", path.display())))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| ServerError(format!("{}: not JSON: {e}", path.display())))?;
    store
        .load_package(&v)
        .map_err(|e| ServerError(format!("{}: {e}", path.display())))
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    /// What was loaded on start (packages, then demo frameworks).
    pub loaded: Vec<LoadSummary>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting connections, lets requests in flight finish, and closes the database.
    pub async fn stop(mut self) -> Result<(), ServerError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.await {
            Ok(r) => r.map_err(|e| ServerError(format!("server: {e}"))),
            Err(e) => Err(ServerError(format!("server task: {e}"))),
        }
    }
}

/// Opens the store, loads packages, binds, and serves in a background task.
pub async fn start(config: Config) -> Result<Running, ServerError> {
    let listener = tokio::net::TcpListener::bind((config.listen, config.port))
        .await
        .map_err(|e| {
            ServerError(format!(
                "cannot listen on {}:{}: {e}",
                config.listen, config.port
            ))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError(e.to_string()))?;
    let base_url = match &config.base_url {
        Some(b) => b.trim_end_matches('/').to_string(),
        None => {
            let host = if addr.ip().is_unspecified() {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            } else {
                addr.ip()
            };
            format!("http://{}", SocketAddr::new(host, addr.port()))
        }
    };
    let db = config.db.clone();
    let packages = config.packages.clone();
    let demo = config.demo;
    let base = base_url.clone();
    let (store, loaded) = tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
        let store = Store::open(&db).map_err(|e| ServerError(format!("{}: {e}", db.display())))?;
        let mut loaded = Vec::new();
        for p in &packages {
            loaded.push(load_file(&store, p)?);
        }
        if demo {
            for text in [DEMO_COLLEGE, DEMO_EMPLOYER] {
                loaded.push(store.load_package(&demo_package(text, &base)?)?);
            }
        }
        Ok((store, loaded))
    })
    .await
    .map_err(|e| ServerError(e.to_string()))??;
    let auth = if config.clients.is_empty() {
        None
    } else {
        Some(auth::Auth::new(&config.clients, config.token_ttl))
    };
    let app = wellspring_serverkit::harden::layers(
        router(AppState::new(store, base_url.clone(), auth)),
        wellspring_serverkit::harden::DEFAULT_TIMEOUT,
    );
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(wellspring_serverkit::harden::serve(listener, app, async {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        base_url,
        loaded,
        shutdown: Some(tx),
        task,
    })
}

/// Runs the server until Ctrl-C, printing the base URL and what was loaded.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let auth = !config.clients.is_empty();
    let running = start(config).await?;
    for l in &running.loaded {
        println!(
            "loaded {} \"{}\": {} items, {} associations, {} definitions, {} rubrics",
            l.document, l.title, l.items, l.associations, l.definitions, l.rubrics
        );
    }
    for v in Version::ALL {
        println!(
            "CASE {} provider at {}{}",
            v.label(),
            running.base_url,
            v.base_path()
        );
    }
    if auth {
        println!(
            "bearer tokens required: POST {}/auth/token (client_credentials)",
            running.base_url
        );
    }
    println!("listening on {} (Ctrl-C to stop)", running.addr);
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await
}
