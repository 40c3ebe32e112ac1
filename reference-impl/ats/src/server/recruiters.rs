//! Recruiters: sign-in, sessions, the API's error answers.

use super::*;

// ---- recruiters -------------------------------------------------------------------------

pub(super) const COOKIE: &str = "wellspring_ats";

pub(super) fn cookie(headers: &HeaderMap) -> Option<String> {
    wellspring_serverkit::session::cookie(headers, COOKIE)
}

/// The signed-in recruiter's e-mail (session cookie, or HTTP Basic for the API).
pub(super) async fn recruiter(app: &App, headers: &HeaderMap) -> Option<String> {
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

pub(super) fn api_error(code: StatusCode, msg: impl std::fmt::Display) -> Response {
    (code, Json(json!({"error": msg.to_string()}))).into_response()
}

pub(super) fn unauthorized_api() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"wellspring-ats\"")],
        Json(json!({"error": "sign in as a recruiter (session cookie or HTTP Basic)"})),
    )
        .into_response()
}

pub(super) async fn login_page() -> Html<String> {
    Html(web::login(None))
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    email: String,
    password: String,
}

pub(super) async fn login(State(app): State<App>, Form(f): Form<LoginForm>) -> Response {
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

pub(super) async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(t) = cookie(&headers) {
        let _ = app.store.end_session(&t);
    }
    wellspring_serverkit::session::ended(COOKIE, "/login", app.site.secure)
}

pub(super) fn oops(e: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(web::message("Something went wrong", None, &e.to_string())),
    )
        .into_response()
}

pub(super) fn not_found(who: Option<&str>) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(web::message("Not found", who, "No such job or candidate.")),
    )
        .into_response()
}
