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
    let app = App {
        store: store.clone(),
        base: base.clone(),
        frameworks,
        options,
        site,
        pool: wellspring_serverkit::work::Pool::default(),
        limits: c.limits,
        accounts: wellspring_serverkit::limit::Limiter::shared(c.limits.account),
        quota: (c.max_applications_per_client, c.max_applications),
    };
    let mut demo = None;
    if c.demo {
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
        if let Err(e) = demo_job(&app, &case_base).await {
            eprintln!("wellspring ats: the demo job waits for the CASE provider ({e}); retrying every 3 s");
            let a = app.clone();
            demo = Some(tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    if demo_job(&a, &case_base).await.is_ok() {
                        eprintln!("wellspring ats: demo job \"{DEMO_JOB_TITLE}\" created");
                        break;
                    }
                }
            }));
        }
    }
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

// ---- recruiters -------------------------------------------------------------------------

const COOKIE: &str = "wellspring_ats";

fn cookie(headers: &HeaderMap) -> Option<String> {
    wellspring_serverkit::session::cookie(headers, COOKIE)
}

/// The signed-in recruiter's e-mail (session cookie, or HTTP Basic for the API).
async fn recruiter(app: &App, headers: &HeaderMap) -> Option<String> {
    if let Some(t) = cookie(headers) {
        if let Ok(Some(email)) = app.store.session(&t) {
            return Some(email);
        }
    }
    let basic = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?
        .trim()
        .to_owned();
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(basic)
        .ok()?;
    let (user, pass) = String::from_utf8(raw)
        .ok()?
        .split_once(':')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))?;
    app.accounts.check(&user.trim().to_lowercase()).ok()?;
    let store = app.store.clone();
    let ok = app
        .pool
        .run(move || {
            store
                .check_password(&user, &pass)
                .map(|id| id.map(|_| user))
        })
        .await
        .ok()?
        .ok()??;
    Some(ok)
}

fn api_error(code: StatusCode, msg: impl std::fmt::Display) -> Response {
    (code, Json(json!({"error": msg.to_string()}))).into_response()
}

fn unauthorized_api() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"wellspring-ats\"")],
        Json(json!({"error": "sign in as a recruiter (session cookie or HTTP Basic)"})),
    )
        .into_response()
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
            Html(web::login(Some("Wrong e-mail or password."))),
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

fn oops(e: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(web::message("Something went wrong", None, &e.to_string())),
    )
        .into_response()
}

fn not_found(who: Option<&str>) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(web::message("Not found", who, "No such job or candidate.")),
    )
        .into_response()
}

// ---- jobs -------------------------------------------------------------------------------

/// `POST /api/jobs`.
#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase")]
pub struct NewJob {
    pub title: String,
    /// The CASE provider's base URL (with `framework`) …
    #[serde(default)]
    pub case_base: Option<String>,
    /// … the CFDocument identifier of the job-skill framework …
    #[serde(default)]
    pub framework: Option<String>,
    /// … or the package URL `{base}/ims/case/v1p0/CFPackages/{sourcedId}`.
    #[serde(default)]
    pub package_url: Option<String>,
    /// CFItem identifiers, URIs or human coding schemes; empty: every item of the framework.
    #[serde(default)]
    pub requirements: Vec<String>,
}

/// Fetches the framework (through the cache) and stores the job.
pub async fn create_job(app: &App, j: NewJob) -> Result<i64, (StatusCode, String)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let title = j.title.trim();
    if title.is_empty() {
        return Err(bad("a job needs a title".into()));
    }
    let (base, doc) = match (&j.package_url, &j.case_base, &j.framework) {
        (Some(u), _, _) if !u.trim().is_empty() => match case::split_case_url(u.trim()) {
            Some(c) if c.endpoint == "CFPackages" || c.endpoint == "CFDocuments" => (c.base, c.id),
            _ => {
                return Err(bad(format!(
                "packageUrl {u:?} is not a CASE 1.0 …/ims/case/v1p0/CFPackages/{{sourcedId}} URL"
            )))
            }
        },
        (_, Some(b), Some(f)) if !b.trim().is_empty() && !f.trim().is_empty() => {
            let b = b.trim().trim_end_matches('/');
            if !(b.starts_with("http://") || b.starts_with("https://")) {
                return Err(bad(format!("caseBase must be an http(s) URL, got {b:?}")));
            }
            (b.to_owned(), f.trim().to_ascii_lowercase())
        }
        _ => {
            return Err(bad(
                "give packageUrl, or caseBase and framework (a CFDocument identifier)".into(),
            ))
        }
    };
    let package = app.frameworks.package(&base, &doc).await.map_err(|e| {
        (
            StatusCode::BAD_GATEWAY,
            format!("cannot read the framework: {e}"),
        )
    })?;
    let doc = package
        .pointer("/CFDocument/identifier")
        .and_then(Value::as_str)
        .unwrap_or(doc.as_str())
        .to_ascii_lowercase();
    let graph = Graph::from_packages(std::slice::from_ref(&package));
    let items = graph.items_of(&doc);
    if items.is_empty() {
        return Err(bad(format!("the framework {doc} has no items")));
    }
    let mut reqs = Vec::new();
    let mut unknown = Vec::new();
    for r in &j.requirements {
        let r = r.trim();
        if r.is_empty() {
            continue;
        }
        let hit = items.iter().find(|i| {
            i.id == r.to_ascii_lowercase()
                || i.uri == r
                || i.code.as_deref() == Some(r)
                || case::split_case_url(r).is_some_and(|u| u.id.to_ascii_lowercase() == i.id)
        });
        match hit {
            Some(i) if !reqs.contains(&i.id) => reqs.push(i.id.clone()),
            Some(_) => {}
            None => unknown.push(r.to_owned()),
        }
    }
    if !unknown.is_empty() {
        return Err(bad(format!(
            "not items of the framework {doc}: {}",
            unknown.join(", ")
        )));
    }
    if reqs.is_empty() {
        reqs = items.iter().map(|i| i.id.clone()).collect();
    }
    app.store
        .add_job(title, &doc, &base, &reqs)
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))
}

fn job_json(j: &Job, g: &Graph, base: &str) -> Value {
    json!({
        "id": j.id, "title": j.title, "framework": j.framework, "caseBase": j.case_base,
        "frameworkTitle": g.frameworks.get(&j.framework).map(|f| f.title.clone()),
        "requirements": j.requirements.iter().map(|r| {
            let i = g.items.get(r);
            json!({"identifier": r, "uri": i.map(|i| i.uri.clone()), "code": i.and_then(|i| i.code.clone()), "statement": i.map(|i| i.statement.clone())})
        }).collect::<Vec<_>>(),
        "apply": format!("{base}/api/jobs/{}/apply", j.id),
    })
}

async fn api_jobs(State(app): State<App>) -> Response {
    let (jobs, g) = match (app.store.jobs(), app.frameworks.graph()) {
        (Ok(j), Ok(g)) => (j, g),
        (Err(e), _) | (_, Err(e)) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    Json(Value::from(
        jobs.iter()
            .map(|j| job_json(j, &g, &app.base))
            .collect::<Vec<_>>(),
    ))
    .into_response()
}

fn load_job(app: &App, id: &str) -> Result<Job, Box<Response>> {
    match id.parse::<i64>().ok().map(|i| app.store.job(i)) {
        Some(Ok(Some(j))) => Ok(j),
        Some(Err(e)) => Err(Box::new(api_error(StatusCode::INTERNAL_SERVER_ERROR, e))),
        _ => Err(Box::new(api_error(
            StatusCode::NOT_FOUND,
            format!("no job {id}"),
        ))),
    }
}

async fn api_job(State(app): State<App>, Path(id): Path<String>) -> Response {
    let j = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match app.frameworks.graph() {
        Ok(g) => Json(job_json(&j, &g, &app.base)).into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

async fn api_post_job(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let j: NewJob = match serde_json::from_slice(&body) {
        Ok(j) => j,
        Err(e) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{title, caseBase + framework | packageUrl, requirements?}}: {e}"
                ),
            )
        }
    };
    match create_job(&app, j).await {
        Ok(id) => {
            let job = app.store.job(id).ok().flatten();
            let g = app.frameworks.graph().unwrap_or_default();
            (
                StatusCode::CREATED,
                Json(
                    job.map(|j| job_json(&j, &g, &app.base))
                        .unwrap_or(Value::Null),
                ),
            )
                .into_response()
        }
        Err((code, e)) => api_error(code, e),
    }
}

// ---- applying ---------------------------------------------------------------------------

fn apply_info(app: &App, job: &Job) -> Result<Value, String> {
    let challenge = app.store.new_challenge(job.id)?;
    Ok(json!({
        "job": job.id, "challenge": challenge, "domain": app.base,
        "applyUrl": format!("{}/api/jobs/{}/applications", app.base, job.id),
        "expiresIn": 3600,
        "accepts": "a VerifiablePresentation signed by its holder for authentication with this challenge and domain \
                    (the Wellspring wallet's Share does this), or {\"credential\": CLR or credential, \"email\": the recipient's e-mail}",
    }))
}

async fn api_apply_info(State(app): State<App>, Path(id): Path<String>) -> Response {
    let j = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match apply_info(&app, &j) {
        Ok(v) => Json(v).into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

/// Checks the presentation's challenge (live, for this job) and domain (this ATS).
fn check_challenge(app: &App, job: i64, env: &Envelope) -> Result<(), String> {
    let Some(c) = &env.challenge else {
        return Err(format!("the presentation's proof carries no challenge: get one from GET {}/api/jobs/{job}/apply", app.base));
    };
    if env.domain.as_deref() != Some(app.base.as_str()) {
        return Err(format!(
            "the presentation's proof is for the domain {:?}, not {:?}",
            env.domain.as_deref().unwrap_or("(none)"),
            app.base
        ));
    }
    if !app.store.challenge_live(job, c)? {
        return Err(format!(
            "the challenge {c:?} is unknown, used or expired for job {job}: get a new one"
        ));
    }
    Ok(())
}

/// Fetches the frameworks the counted credentials align to (bounded), and refreshes the
/// job's framework when its provider says it changed. Problems become warnings.
async fn follow_alignments(app: &App, job: &Job, j: &intake::Judgement) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Err(e) = app.frameworks.package(&job.case_base, &job.framework).await {
        warnings.push(format!("job framework: {e}"));
    }
    let mut fetched = 0;
    for c in j.credentials.iter().filter(|c| c.counts) {
        for a in &c.alignments {
            let Some(url) = &a.target_url else { continue };
            if fetched >= case::MAX_FETCHES_PER_APPLICATION {
                warnings.push(format!(
                    "not followed (more than {} frameworks): {url}",
                    case::MAX_FETCHES_PER_APPLICATION
                ));
                continue;
            }
            let g = app.frameworks.graph().unwrap_or_default();
            match app.frameworks.follow(url, &g).await {
                Ok(true) => fetched += 1,
                Ok(false) => {}
                Err(e) => warnings.push(format!("alignment {url}: {e}")),
            }
        }
    }
    warnings
}

async fn judge(
    app: &App,
    env: Envelope,
    challenge_ok: Result<(), String>,
) -> Result<intake::Judgement, String> {
    let mut opts = app.options.clone();
    opts.now = chrono::Utc::now();
    app.pool
        .run(move || intake::judge(&env, &opts, challenge_ok))
        .await
}

fn summary(app: &App, job: &Job, id: i64, warnings: &[String]) -> Value {
    let rows = app.store.credentials(id).unwrap_or_default();
    let g = app.frameworks.graph().unwrap_or_default();
    let redacted = intake::redact(
        rows.iter()
            .map(|r| (r.index, r.counts, r.alignments.as_slice())),
    );
    let s = crate::score::score(&job.requirements, &redacted, &g);
    json!({
        "application": id,
        "job": job.id,
        "score": s.percent,
        "credentials": rows.iter().map(|r| json!({
            "index": r.index, "parent": r.parent, "kind": r.kind, "name": r.display.get("name"),
            "status": r.status, "counts": r.counts, "whyNot": r.why_not,
        })).collect::<Vec<_>>(),
        "warnings": warnings,
    })
}

/// Takes an application in; the stored application's id and its summary.
async fn take_application(
    app: &App,
    job: &Job,
    body: &[u8],
    name: Option<String>,
    email: Option<String>,
    client: std::net::IpAddr,
) -> Result<(i64, Value), (StatusCode, Value)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, json!({"error": m}));
    let client = client.to_string();
    let (total, mine) = app
        .store
        .application_counts(&client)
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e})))?;
    if mine >= app.quota.0 || total >= app.quota.1 {
        return Err((
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": "this ATS takes no more applications from this address"}),
        ));
    }
    let mut env = intake::envelope(body).map_err(bad)?;
    if name.is_some() {
        env.name = name;
    }
    if email.is_some() {
        env.email = email;
    }
    let challenge = env.challenge.clone();
    if env.presentation {
        check_challenge(app, job.id, &env).map_err(bad)?;
    }
    let j = judge(app, env.clone(), Ok(()))
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e})))?;
    if let Some(e) = &j.presentation_error {
        return Err((
            StatusCode::BAD_REQUEST,
            json!({"error": e, "report": j.report}),
        ));
    }
    if j.credentials.is_empty() {
        return Err((
            StatusCode::BAD_REQUEST,
            json!({"error": "no credential could be read from the application", "report": j.report}),
        ));
    }
    let warnings = follow_alignments(app, job, &j).await;
    let id = app
        .store
        .add_application(
            job.id,
            body,
            env.name.as_deref(),
            env.email.as_deref(),
            if env.presentation {
                challenge.as_deref()
            } else {
                None
            },
            &j,
        )
        .map_err(|e| (StatusCode::CONFLICT, json!({"error": e})))?;
    let _ = app.store.set_application_client(id, &client);
    Ok((id, summary(app, job, id, &warnings)))
}

async fn api_apply(
    State(app): State<App>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match take_application(&app, &job, &body, None, None, client).await {
        Ok((_, v)) => (StatusCode::CREATED, Json(v)).into_response(),
        Err((code, v)) => (code, Json(v)).into_response(),
    }
}

// ---- ranking and candidates ---------------------------------------------------------------

fn explain(g: &Graph, s: &crate::score::Score) -> Value {
    json!({
        "score": s.percent,
        "requirements": s.requirements.iter().map(|r| json!({
            "item": r.item, "label": g.label(&r.item), "score": r.score,
            "evidence": r.evidence.as_ref().map(|e| json!({
                "credential": e.credential,
                "alignedItem": e.aligned_item, "alignedLabel": g.label(&e.aligned_item),
                "targetUrl": e.alignment.target_url, "targetCode": e.alignment.target_code,
                "result": e.alignment.result,
                "path": e.path.iter().map(|h| json!({"from": g.label(&h.from), "association": h.association, "to": g.label(&h.to), "weight": h.weight})).collect::<Vec<_>>(),
            })),
        })).collect::<Vec<_>>(),
        "unresolvedAlignments": s.unresolved,
    })
}

async fn api_ranking(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    let g = match app.frameworks.graph() {
        Ok(g) => g,
        Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    match crate::rank(&app.store, &job, &g) {
        Ok(r) => Json(json!({
            "job": job_json(&job, &g, &app.base),
            "candidates": r.iter().enumerate().map(|(i, c)| {
                let mut v = explain(&g, &c.score);
                v["rank"] = json!(i + 1);
                v["candidate"] = json!(format!("Candidate {}", c.application));
                v["application"] = json!(c.application);
                v["counted"] = json!(c.counted);
                v["credentials"] = json!(c.total);
                v
            }).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

fn candidate_json(app: &App, job: &Job, a: &crate::store::Application) -> Value {
    let rows = app.store.credentials(a.id).unwrap_or_default();
    let g = app.frameworks.graph().unwrap_or_default();
    let redacted = intake::redact(
        rows.iter()
            .map(|r| (r.index, r.counts, r.alignments.as_slice())),
    );
    let s = crate::score::score(&job.requirements, &redacted, &g);
    json!({
        "application": a.id, "received": a.received, "verifiedAt": a.verified_at,
        "holder": a.holder, "name": a.name, "email": a.email, "presentationError": a.presentation_error,
        "ranking": explain(&g, &s),
        "credentials": rows,
    })
}

fn load_application(
    app: &App,
    job: &Job,
    id: &str,
) -> Result<crate::store::Application, Box<Response>> {
    match id
        .parse::<i64>()
        .ok()
        .map(|i| app.store.application(job.id, i))
    {
        Some(Ok(Some(a))) => Ok(a),
        Some(Err(e)) => Err(Box::new(api_error(StatusCode::INTERNAL_SERVER_ERROR, e))),
        _ => Err(Box::new(api_error(
            StatusCode::NOT_FOUND,
            format!("no application {id} for job {}", job.id),
        ))),
    }
}

async fn api_application(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match load_application(&app, &job, &a) {
        Ok(a) => Json(candidate_json(&app, &job, &a)).into_response(),
        Err(r) => *r,
    }
}

/// Verifies a stored application again (status lists, dates, keys may have changed); the
/// challenge it was accepted with is not asked again.
async fn reverify(app: &App, job: &Job, a: &crate::store::Application) -> Result<(), String> {
    let mut env = intake::envelope(&a.document)?;
    env.name = a.name.clone();
    env.email = a.email.clone();
    let ok = if env.presentation && env.challenge.is_some() && env.challenge == a.challenge {
        Ok(())
    } else {
        Err("the presentation's challenge is not the one it was accepted with".to_string())
    };
    let ok = if env.presentation { ok } else { Ok(()) };
    let j = judge(app, env, ok).await?;
    let _ = follow_alignments(app, job, &j).await;
    app.store.rejudge(a.id, &j)
}

async fn api_reverify(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    let a = match load_application(&app, &job, &a) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match reverify(&app, &job, &a).await {
        Ok(()) => match app.store.application(job.id, a.id) {
            Ok(Some(a)) => Json(candidate_json(&app, &job, &a)).into_response(),
            _ => api_error(StatusCode::NOT_FOUND, "the application vanished"),
        },
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

// ---- pages ------------------------------------------------------------------------------

async fn home(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let g = app.frameworks.graph().unwrap_or_default();
    match app.store.jobs() {
        Ok(jobs) => {
            let counts: Vec<usize> = jobs
                .iter()
                .map(|j| app.store.applications(j.id).map(|a| a.len()).unwrap_or(0))
                .collect();
            Html(web::jobs(&who, &jobs, &counts, &g, None)).into_response()
        }
        Err(e) => oops(e),
    }
}

async fn post_job_form(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    };
    let req = NewJob {
        title: get("title").unwrap_or_default(),
        package_url: get("package_url"),
        case_base: get("case_base"),
        framework: get("framework"),
        requirements: get("requirements")
            .map(|r| {
                r.split([',', '\n', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    };
    match create_job(&app, req).await {
        Ok(id) => Redirect::to(&format!("/jobs/{id}")).into_response(),
        Err((code, e)) => {
            let g = app.frameworks.graph().unwrap_or_default();
            let jobs = app.store.jobs().unwrap_or_default();
            let counts: Vec<usize> = jobs
                .iter()
                .map(|j| app.store.applications(j.id).map(|a| a.len()).unwrap_or(0))
                .collect();
            (code, Html(web::jobs(&who, &jobs, &counts, &g, Some(&e)))).into_response()
        }
    }
}

async fn job_page(State(app): State<App>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(job) = load_job(&app, &id) else {
        return not_found(Some(&who));
    };
    let g = app.frameworks.graph().unwrap_or_default();
    match crate::rank(&app.store, &job, &g) {
        Ok(r) => Html(web::job(&who, &job, &g, &r, &app.base)).into_response(),
        Err(e) => oops(e),
    }
}

async fn candidate_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(job) = load_job(&app, &id) else {
        return not_found(Some(&who));
    };
    let Ok(a) = load_application(&app, &job, &a) else {
        return not_found(Some(&who));
    };
    candidate_html(&app, &who, &job, &a, None)
}

fn candidate_html(
    app: &App,
    who: &str,
    job: &Job,
    a: &crate::store::Application,
    flash: Option<&str>,
) -> Response {
    let rows = app.store.credentials(a.id).unwrap_or_default();
    let g = app.frameworks.graph().unwrap_or_default();
    let redacted = intake::redact(
        rows.iter()
            .map(|r| (r.index, r.counts, r.alignments.as_slice())),
    );
    let s = crate::score::score(&job.requirements, &redacted, &g);
    Html(web::candidate(who, job, a, &rows, &s, &g, flash)).into_response()
}

async fn reverify_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(job) = load_job(&app, &id) else {
        return not_found(Some(&who));
    };
    let Ok(a) = load_application(&app, &job, &a) else {
        return not_found(Some(&who));
    };
    let msg = match reverify(&app, &job, &a).await {
        Ok(()) => "Verified again.".to_owned(),
        Err(e) => format!("Could not verify again: {e}"),
    };
    match app.store.application(job.id, a.id) {
        Ok(Some(a)) => candidate_html(&app, &who, &job, &a, Some(&msg)),
        _ => not_found(Some(&who)),
    }
}

async fn apply_page(State(app): State<App>, Path(id): Path<String>) -> Response {
    let Ok(job) = load_job(&app, &id) else {
        return not_found(None);
    };
    let g = app.frameworks.graph().unwrap_or_default();
    match apply_info(&app, &job) {
        Ok(info) => Html(web::apply(&job, &g, &info, None)).into_response(),
        Err(e) => oops(e),
    }
}

async fn apply_form(
    State(app): State<App>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Response {
    let Ok(job) = load_job(&app, &id) else {
        return not_found(None);
    };
    let g = app.frameworks.graph().unwrap_or_default();
    let again = |app: &App, msg: &str, code: StatusCode| -> Response {
        match apply_info(app, &job) {
            Ok(info) => (code, Html(web::apply(&job, &g, &info, Some(msg)))).into_response(),
            Err(e) => oops(e),
        }
    };
    let (mut bytes, mut name, mut email) = (None::<Vec<u8>>, None, None);
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let n = field.name().unwrap_or("").to_owned();
                let Ok(data) = field.bytes().await else { break };
                let text = String::from_utf8_lossy(&data).trim().to_owned();
                match n.as_str() {
                    "file" if !data.is_empty() => bytes = Some(data.to_vec()),
                    "text" if !text.is_empty() && bytes.is_none() => {
                        bytes = Some(text.into_bytes())
                    }
                    "name" if !text.is_empty() => name = Some(text),
                    "email" if !text.is_empty() => email = Some(text),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => {
                return again(
                    &app,
                    &format!("unreadable upload: {e}"),
                    StatusCode::BAD_REQUEST,
                )
            }
        }
    }
    let Some(bytes) = bytes else {
        return again(
            &app,
            "choose a file or paste a presentation or credential",
            StatusCode::BAD_REQUEST,
        );
    };
    match take_application(&app, &job, &bytes, name, email, client).await {
        Ok((id, v)) => Html(web::applied(&job, id, &v)).into_response(),
        Err((code, v)) => again(
            &app,
            v["error"].as_str().unwrap_or("the application was refused"),
            code,
        ),
    }
}
