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
    let app = App {
        store: store.clone(),
        base: base.clone(),
        verifying: Verifying { options: opts },
        http: connect::http_client(c.timeout, c.allow_private_network)?,
        site,
        pool: wellspring_serverkit::work::Pool::default(),
        limits: c.limits,
        accounts: wellspring_serverkit::limit::Limiter::shared(c.limits.account),
    };
    if c.demo
        && store
            .learner_by_email(DEMO_EMAIL)
            .map_err(|e| e.to_string())?
            .is_none()
    {
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
        .map_err(|e| e.to_string())?;
    }
    let auth = wellspring_obapi::AuthStore::open(&c.db).map_err(|e| e.to_string())?;
    let mut api = wellspring_obapi::Config::new(base.clone());
    api.title = "Wellspring Wallet".into();
    api.image_url = Some(format!("{base}/static/logo.svg"));
    api.limits = c.limits;
    let host = std::sync::Arc::new(crate::host::Host {
        store: app.store.clone(),
        verifying: app.verifying.clone(),
    });
    let pool = app.pool.clone();
    let router = router(app).merge(wellspring_obapi::router(host, auth, api, pool));
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

async fn import_page(State(app): State<App>, headers: HeaderMap) -> Response {
    match who(&app, &headers) {
        Ok((_, email)) => Html(web::import(&email, None)).into_response(),
        Err(r) => r,
    }
}

/// Verifies and stores one credential for `learner`.
async fn intake_one(
    app: &App,
    learner: i64,
    bytes: Vec<u8>,
    source: String,
) -> Result<(i64, bool), String> {
    let a = app.clone();
    app.pool
        .run(move || {
            let c = intake::take(&bytes, &source, &a.verifying)?;
            a.store
                .put_credential(learner, &c)
                .map_err(|e| e.to_string())
        })
        .await?
}

async fn import(State(app): State<App>, headers: HeaderMap, mut mp: Multipart) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut bytes: Option<(Vec<u8>, String)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let file = field.file_name().unwrap_or("pasted").to_owned();
                let Ok(data) = field.bytes().await else { break };
                if !data.is_empty() && (name == "file" || (name == "text" && bytes.is_none())) {
                    bytes = Some((
                        data.to_vec(),
                        if name == "file" {
                            file
                        } else {
                            "pasted".into()
                        },
                    ));
                }
            }
            Ok(None) => break,
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    Html(web::import(
                        &email,
                        Some(&format!("unreadable upload: {e}")),
                    )),
                )
                    .into_response()
            }
        }
    }
    let Some((bytes, name)) = bytes else {
        return (
            StatusCode::BAD_REQUEST,
            Html(web::import(
                &email,
                Some("choose a file or paste a credential"),
            )),
        )
            .into_response();
    };
    match intake_one(&app, id, bytes, format!("import: {name}")).await {
        Ok((cid, _)) => Redirect::to(&format!("/credentials/{cid}")).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, Html(web::import(&email, Some(&e)))).into_response(),
    }
}

async fn view(State(app): State<App>, headers: HeaderMap, Path(cid): Path<String>) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(cid) = cid.parse::<i64>() else {
        return (
            StatusCode::NOT_FOUND,
            Html(web::message(
                "Not found",
                Some(&email),
                "No such credential.",
            )),
        )
            .into_response();
    };
    match app.store.credential(id, cid) {
        Ok(Some(c)) => Html(web::view(&email, &c, None)).into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Html(web::message(
                "Not found",
                Some(&email),
                "No such credential.",
            )),
        )
            .into_response(),
        Err(e) => oops(e),
    }
}

/// The credential exactly as it arrived (byte for byte), with its media type.
async fn export(State(app): State<App>, headers: HeaderMap, Path(cid): Path<i64>) -> Response {
    let (id, _) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match app.store.credential(id, cid) {
        Ok(Some(c)) => {
            let ext = match c.format.as_str() {
                "png" => "png",
                "svg" => "svg",
                "jwt" => "jwt",
                _ => "json",
            };
            (
                [
                    (
                        header::CONTENT_TYPE,
                        intake::media_type(&c.format).to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"credential-{cid}.{ext}\""),
                    ),
                ],
                c.original,
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => oops(e),
    }
}

async fn reverify(State(app): State<App>, headers: HeaderMap, Path(cid): Path<i64>) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(Some(c)) = app.store.credential(id, cid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let a = app.clone();
    let fresh = app
        .pool
        .run(move || intake::take(&c.original, &c.source, &a.verifying))
        .await;
    match fresh {
        Ok(Ok(n)) => {
            let _ = app.store.set_verification(cid, &n.status, &n.report);
            match app.store.credential(id, cid) {
                Ok(Some(c)) => Html(web::view(
                    &email,
                    &c,
                    Some(&format!("Verified again: {}", c.status)),
                ))
                .into_response(),
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
        Ok(Err(e)) => oops(e),
        Err(e) => oops(e),
    }
}

async fn connect_page(State(app): State<App>, headers: HeaderMap) -> Response {
    match who(&app, &headers) {
        Ok((id, email)) => Html(web::connect(
            &email,
            &app.store.connections(id).unwrap_or_default(),
            None,
        ))
        .into_response(),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct ConnectForm {
    base: String,
    standard: String,
}

fn redirect_uri(app: &App) -> String {
    format!("{}/connect/callback", app.base)
}

async fn connect_start(
    State(app): State<App>,
    headers: HeaderMap,
    Form(f): Form<ConnectForm>,
) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let fail = |e: String| {
        (
            StatusCode::BAD_GATEWAY,
            Html(web::connect(
                &email,
                &app.store.connections(id).unwrap_or_default(),
                Some(&e),
            )),
        )
            .into_response()
    };
    let Some(std) = Standard::parse(&f.standard) else {
        return fail("choose Open Badges 3.0 or CLR 2.0".into());
    };
    let p = match connect::discover(&app.http, &f.base, std).await {
        Ok(p) => p,
        Err(e) => return fail(format!("discovery failed: {e}")),
    };
    let reg = match connect::register(&app.http, &p, &app.base, &redirect_uri(&app)).await {
        Ok(r) => r,
        Err(e) => return fail(format!("registration failed: {e}")),
    };
    let provider_json = serde_json::json!({
        "name": p.name, "api": p.api, "registration_url": p.registration_url, "authorization_url": p.authorization_url,
        "token_url": p.token_url, "refresh_url": p.refresh_url, "scopes": p.scopes,
        "issuer": p.issuer, "iss_required": p.iss_required,
    });
    let cid = match app.store.add_connection(
        id,
        std.as_str(),
        &f.base,
        &provider_json.to_string(),
        &reg.client_id,
        &reg.client_secret,
    ) {
        Ok(c) => c,
        Err(e) => return oops(e),
    };
    let pending = match connect::authorize_url(&p, &reg, &redirect_uri(&app)) {
        Ok(x) => x,
        Err(e) => return fail(e.to_string()),
    };
    if let Err(e) = app
        .store
        .add_pending(&pending.state, id, cid, &pending.verifier, &pending.url)
    {
        return oops(e);
    }
    Redirect::to(&pending.url).into_response()
}

fn provider_of(c: &crate::store::ProviderConnection) -> Option<connect::Provider> {
    let v: Value = serde_json::from_str(&c.provider).ok()?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    Some(connect::Provider {
        standard: Standard::parse(&c.standard)?,
        api: s("api"),
        name: s("name"),
        registration_url: s("registration_url"),
        authorization_url: s("authorization_url"),
        token_url: s("token_url"),
        refresh_url: s("refresh_url"),
        scopes: v
            .get("scopes")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        issuer: v.get("issuer").and_then(Value::as_str).map(str::to_owned),
        iss_required: v
            .get("iss_required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// RFC 9207: who sent this authorization response.
    iss: Option<String>,
}

async fn connect_callback(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let fail = |e: String| {
        (
            StatusCode::BAD_REQUEST,
            Html(web::connect(
                &email,
                &app.store.connections(id).unwrap_or_default(),
                Some(&e),
            )),
        )
            .into_response()
    };
    if let Some(e) = q.error {
        return fail(format!(
            "the provider refused: {e} {}",
            q.error_description.unwrap_or_default()
        ));
    }
    let (Some(code), Some(state)) = (q.code, q.state) else {
        return fail("the provider sent no code or state".into());
    };
    let Ok(Some((learner, conn_id, verifier, url))) = app.store.take_pending(&state) else {
        return fail(
            "this authorization is unknown or expired (state not ours): start again".into(),
        );
    };
    if learner != id {
        return fail("this authorization was started by another account".into());
    }
    let Ok(Some(conn)) = app.store.connection(id, conn_id) else {
        return fail("connection vanished".into());
    };
    let Some(p) = provider_of(&conn) else {
        return fail("stored provider is unreadable".into());
    };
    if let Err(e) = connect::check_issuer(&p, q.iss.as_deref()) {
        return fail(e.to_string());
    }
    let reg = connect::Registration {
        client_id: conn.client_id.clone(),
        client_secret: conn.client_secret.clone(),
    };
    let pending = connect::Pending {
        url,
        state: state.clone(),
        verifier,
    };
    let t = match connect::exchange(
        &app.http,
        &p,
        &reg,
        &redirect_uri(&app),
        &pending,
        &code,
        &state,
    )
    .await
    {
        Ok(t) => t,
        Err(e) => return fail(e.to_string()),
    };
    let _ = app
        .store
        .set_tokens(conn_id, &t.access, t.refresh.as_deref(), t.expires_at);
    match pull(&app, id, &p, &t.access, &conn.base).await {
        Ok(n) => {
            let _ = app.store.set_sync(conn_id, None);
            Redirect::to(&format!(
                "/?msg={}",
                urlencode(&format!(
                    "Connected to {}: {n} credential(s) imported.",
                    p.name
                ))
            ))
            .into_response()
        }
        Err(e) => {
            let _ = app.store.set_sync(conn_id, Some(&e));
            fail(e)
        }
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// getCredentials (every page) and getProfile; each credential verified and stored.
async fn pull(
    app: &App,
    learner: i64,
    p: &connect::Provider,
    token: &str,
    base: &str,
) -> Result<usize, String> {
    let fetched = connect::fetch_credentials(&app.http, p, token)
        .await
        .map_err(|e| e.to_string())?;
    // the profile is read as the Host role asks; the wallet shows the learner's own account
    let _ = connect::fetch_profile(&app.http, p, token).await;
    let mut n = 0;
    for f in fetched {
        let bytes = match f {
            Fetched::Json(t) | Fetched::Jws(t) => t.into_bytes(),
        };
        if intake_one(app, learner, bytes, format!("provider: {base}"))
            .await
            .is_ok()
        {
            n += 1;
        }
    }
    Ok(n)
}

async fn sync(State(app): State<App>, headers: HeaderMap, Path(cid): Path<i64>) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(Some(conn)) = app.store.connection(id, cid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(p) = provider_of(&conn) else {
        return oops("stored provider is unreadable");
    };
    let reg = connect::Registration {
        client_id: conn.client_id.clone(),
        client_secret: conn.client_secret.clone(),
    };
    let mut access = conn.access.clone().unwrap_or_default();
    let expired = conn
        .expires_at
        .is_some_and(|t| t <= chrono::Utc::now().timestamp() + 30);
    if expired {
        if let Some(r) = &conn.refresh {
            match connect::refresh(&app.http, &p, &reg, &redirect_uri(&app), r).await {
                Ok(t) => {
                    let _ =
                        app.store
                            .set_tokens(cid, &t.access, t.refresh.as_deref(), t.expires_at);
                    access = t.access;
                }
                Err(e) => {
                    let _ = app.store.set_sync(cid, Some(&e.to_string()));
                }
            }
        }
    }
    let result = pull(&app, id, &p, &access, &conn.base).await;
    let _ = app
        .store
        .set_sync(cid, result.as_ref().err().map(String::as_str));
    match result {
        Ok(n) => Redirect::to(&format!(
            "/?msg={}",
            urlencode(&format!("Synced {}: {n} credential(s).", p.name))
        ))
        .into_response(),
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            Html(web::connect(
                &email,
                &app.store.connections(id).unwrap_or_default(),
                Some(&e),
            )),
        )
            .into_response(),
    }
}

async fn share_page(State(app): State<App>, headers: HeaderMap) -> Response {
    match who(&app, &headers) {
        Ok((id, email)) => Html(web::share(
            &email,
            &app.store.credentials(id).unwrap_or_default(),
            None,
        ))
        .into_response(),
        Err(r) => r,
    }
}

async fn share_post(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, v)| n == k && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let all = app.store.credentials(id).unwrap_or_default();
    let picked: Vec<_> = all
        .iter()
        .filter(|c| ids.contains(&c.id))
        .cloned()
        .collect();
    let seed = match app.store.key_seed(id) {
        Ok(s) => s,
        Err(e) => return oops(e),
    };
    let (challenge, domain) = (get("challenge"), get("domain"));
    let vp = app
        .pool
        .run(move || share::presentation(seed, &picked, challenge.as_deref(), domain.as_deref()))
        .await;
    let vp = match vp {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(web::share(&email, &all, Some(&e))),
            )
                .into_response()
        }
        Err(e) => return oops(e),
    };
    if let Some(to) = get("send_to") {
        // with the learner's e-mail when asked: issuers often name learners by (hashed) e-mail
        let body = match get("email") {
            Some(e) => serde_json::json!({"presentation": vp, "email": e}),
            None => vp.clone(),
        };
        let sent = app
            .http
            .send(reqwest::Method::POST, &to, |b| b.json(&body))
            .await;
        return match sent {
            Ok(r) => {
                let body = String::from_utf8_lossy(&r.body);
                Html(web::shared(&email, &vp, Some((&to, r.status, &body)))).into_response()
            }
            Err(e) => (
                StatusCode::BAD_GATEWAY,
                Html(web::share(
                    &email,
                    &all,
                    Some(&format!("could not send to {to}: {}", e.public())),
                )),
            )
                .into_response(),
        };
    }
    Html(web::shared(&email, &vp, None)).into_response()
}
