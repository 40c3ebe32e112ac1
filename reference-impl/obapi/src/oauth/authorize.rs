//! The authorization endpoint: the request checked against the client, the sign-in and consent
//! pages, the redirect with the code (and RFC 9207 `iss`).

use super::*;

/// The fields of an authorization request, carried through the sign-in page.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthzRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: String,
    pub scope: String,
    pub state: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
}

impl AuthzRequest {
    fn of(q: &HashMap<String, String>) -> Self {
        let g = |k: &str| q.get(k).cloned().unwrap_or_default();
        AuthzRequest {
            client_id: g("client_id"),
            redirect_uri: g("redirect_uri"),
            response_type: g("response_type"),
            scope: g("scope"),
            state: g("state"),
            code_challenge: g("code_challenge"),
            code_challenge_method: g("code_challenge_method"),
        }
    }
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("response_type", &self.response_type),
            ("scope", &self.scope),
            ("state", &self.state),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
        ]
    }
}

/// An authorization response: a redirect to the client's registered redirect URI with extra
/// query parameters and, per RFC 9207, `iss` (this server's issuer identifier), so that a
/// client talking to several servers can tell which one answered (mix-up defence).
pub(super) fn redirect_to(uri: &str, iss: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut u) = url::Url::parse(uri) else {
        return pages::error_page(StatusCode::BAD_REQUEST, "The redirect URI is not a URL.");
    };
    {
        let mut q = u.query_pairs_mut();
        for (k, v) in pairs {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        q.append_pair("iss", iss);
    }
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(h) = HeaderValue::from_str(u.as_str()) {
        r.headers_mut().insert("location", h);
    }
    r.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    r
}

/// Checks an authorization request. `Err` is the response: an error page when the client or
/// redirect URI cannot be trusted (never redirected to), else a redirect with `error`.
#[allow(clippy::result_large_err)]
pub(super) fn check_request(ctx: &Ctx, a: &AuthzRequest) -> Result<Client, Response> {
    let client = match ctx.auth.client(&a.client_id) {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Err(pages::error_page(
                StatusCode::BAD_REQUEST,
                "Unknown client_id: this application is not registered here.",
            ))
        }
        Err(e) => return Err(pages::error_page(StatusCode::INTERNAL_SERVER_ERROR, &e)),
    };
    if !client.redirect_uris.iter().any(|u| u == &a.redirect_uri) {
        return Err(pages::error_page(
            StatusCode::BAD_REQUEST,
            "The redirect_uri is not one this application registered; it is not followed.",
        ));
    }
    let fail = |code: &str, why: &str| {
        Err(redirect_to(
            &a.redirect_uri,
            &ctx.cfg.base_url,
            &[
                ("error", code),
                ("error_description", why),
                ("state", &a.state),
            ],
        ))
    };
    if a.response_type != "code" {
        return fail("unsupported_response_type", "response_type must be code");
    }
    if a.code_challenge.is_empty() || a.code_challenge_method != "S256" {
        return fail(
            "invalid_request",
            "PKCE is required: code_challenge with code_challenge_method=S256",
        );
    }
    if !(43..=128).contains(&a.code_challenge.len()) {
        return fail("invalid_request", "code_challenge is not a S256 challenge");
    }
    if a.state.is_empty() {
        return fail("invalid_request", "state is required");
    }
    let asked: Vec<&str> = a.scope.split_whitespace().collect();
    if asked.is_empty() {
        return fail("invalid_scope", "scope is required");
    }
    if let Some(bad) = asked.iter().find(|s| !client.scope.iter().any(|c| c == *s)) {
        return fail(
            "invalid_scope",
            &format!("scope {bad} was not registered by this client"),
        );
    }
    Ok(client)
}

pub(super) async fn authorize(State(ctx): State<Ctx>, uri: Uri) -> Response {
    let q = form(uri.query().unwrap_or("").as_bytes());
    let a = AuthzRequest::of(&q);
    match check_request(&ctx, &a) {
        Err(r) => r,
        Ok(c) => Html(pages::login(&ctx.cfg, &c.name, &a, None)).into_response(),
    }
}

pub(super) async fn login(State(ctx): State<Ctx>, body: Bytes) -> Response {
    let f = form(&body);
    let a = AuthzRequest::of(&f);
    let client = match check_request(&ctx, &a) {
        Err(r) => return r,
        Ok(c) => c,
    };
    let (user, pass) = (
        f.get("username").cloned().unwrap_or_default(),
        f.get("password").cloned().unwrap_or_default(),
    );
    if let Err(wait) = ctx.accounts.check(&user.trim().to_lowercase()) {
        return wellspring_serverkit::limit::too_many(wait);
    }
    let backend = ctx.backend.clone();
    let who = ctx
        .pool
        .run(move || backend.check_login(&user, &pass))
        .await;
    let id = match who {
        Ok(Ok(Some(id))) => id,
        Ok(Ok(None)) => {
            return (
                StatusCode::UNAUTHORIZED,
                Html(pages::login(
                    &ctx.cfg,
                    &client.name,
                    &a,
                    Some("Wrong email or password."),
                )),
            )
                .into_response()
        }
        Ok(Err(e)) => return pages::error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(e) => return pages::error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let c = Consent {
        user: id,
        client: a.client_id.clone(),
        redirect_uri: a.redirect_uri.clone(),
        scope: a.scope.clone(),
        state: a.state.clone(),
        challenge: a.code_challenge.clone(),
    };
    match ctx.auth.add_consent(&c, ctx.cfg.code_ttl.as_secs() as i64) {
        Ok(ticket) => {
            let label = ctx.backend.user_label(id).unwrap_or_default();
            let mut r = Html(pages::consent(
                &ctx.cfg,
                &client.name,
                &label,
                &a.scope,
                &ticket,
            ))
            .into_response();
            r.headers_mut()
                .insert("cache-control", HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => pages::error_page(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

pub(super) async fn consent(State(ctx): State<Ctx>, body: Bytes) -> Response {
    let f = form(&body);
    let ticket = f.get("ticket").cloned().unwrap_or_default();
    let c =
        match ctx.auth.take_consent(&ticket) {
            Ok(Some(c)) => c,
            Ok(None) => return pages::error_page(
                StatusCode::BAD_REQUEST,
                "This sign-in has expired or was already used. Start again from the application.",
            ),
            Err(e) => return pages::error_page(StatusCode::INTERNAL_SERVER_ERROR, &e),
        };
    if f.get("decision").map(String::as_str) != Some("approve") {
        return redirect_to(
            &c.redirect_uri,
            &ctx.cfg.base_url,
            &[
                ("error", "access_denied"),
                ("error_description", "the user denied access"),
                ("state", &c.state),
            ],
        );
    }
    match ctx.auth.add_code(&c, ctx.cfg.code_ttl.as_secs() as i64) {
        Ok(code) => redirect_to(
            &c.redirect_uri,
            &ctx.cfg.base_url,
            &[("code", &code), ("scope", &c.scope), ("state", &c.state)],
        ),
        Err(e) => pages::error_page(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}
