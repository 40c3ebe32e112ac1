//! Connected providers: the OAuth connection (RFC 9207 iss checked), and pulling credentials.

use super::*;

pub(super) async fn connect_page(State(app): State<App>, headers: HeaderMap) -> Response {
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
pub(super) struct ConnectForm {
    base: String,
    standard: String,
}

pub(super) fn redirect_uri(app: &App) -> String {
    format!("{}/connect/callback", app.base)
}

pub(super) async fn connect_start(
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

pub(super) fn provider_of(c: &crate::store::ProviderConnection) -> Option<connect::Provider> {
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
pub(super) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// RFC 9207: who sent this authorization response.
    iss: Option<String>,
}

pub(super) async fn connect_callback(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match complete_connection(&app, id, q).await {
        Ok(msg) => Redirect::to(&format!("/?msg={}", urlencode(&msg))).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Html(web::connect(
                &email,
                &app.store.connections(id).unwrap_or_default(),
                Some(&e),
            )),
        )
            .into_response(),
    }
}

/// What an authorization response continues: (code, the connection, its provider, the
/// pending authorization).
type Continued = (
    String,
    crate::store::ProviderConnection,
    connect::Provider,
    connect::Pending,
);

/// The authorization response of learner `id`, checked: no error, a code and a state of ours
/// started by this learner, a readable connection, the issuer (RFC 9207) expected.
fn continued(app: &App, id: i64, q: Callback) -> Result<Continued, String> {
    if let Some(e) = q.error {
        return Err(format!(
            "the provider refused: {e} {}",
            q.error_description.unwrap_or_default()
        ));
    }
    let (Some(code), Some(state)) = (q.code, q.state) else {
        return Err("the provider sent no code or state".into());
    };
    let Ok(Some((learner, conn_id, verifier, url))) = app.store.take_pending(&state) else {
        return Err(
            "this authorization is unknown or expired (state not ours): start again".into(),
        );
    };
    if learner != id {
        return Err("this authorization was started by another account".into());
    }
    let Ok(Some(conn)) = app.store.connection(id, conn_id) else {
        return Err("connection vanished".into());
    };
    let Some(p) = provider_of(&conn) else {
        return Err("stored provider is unreadable".into());
    };
    connect::check_issuer(&p, q.iss.as_deref()).map_err(|e| e.to_string())?;
    let pending = connect::Pending {
        url,
        state,
        verifier,
    };
    Ok((code, conn, p, pending))
}

/// Exchanges the code, keeps the tokens and imports the credentials: the message to show, or
/// the error.
async fn complete_connection(app: &App, id: i64, q: Callback) -> Result<String, String> {
    let (code, conn, p, pending) = continued(app, id, q)?;
    let conn_id = conn.id;
    let reg = connect::Registration {
        client_id: conn.client_id.clone(),
        client_secret: conn.client_secret.clone(),
    };
    let t = connect::exchange(
        &app.http,
        &p,
        &reg,
        &redirect_uri(app),
        &pending,
        &code,
        &pending.state,
    )
    .await
    .map_err(|e| e.to_string())?;
    let _ = app
        .store
        .set_tokens(conn_id, &t.access, t.refresh.as_deref(), t.expires_at);
    let ru = redirect_uri(app);
    let auth = connect::Refresher {
        reg: &reg,
        redirect_uri: &ru,
    };
    match pull(app, id, &p, &auth, conn_id, t, &conn.base).await {
        Ok(n) => {
            let _ = app.store.set_sync(conn_id, None);
            Ok(format!(
                "Connected to {}: {n} credential(s) imported.",
                p.name
            ))
        }
        Err(e) => {
            let _ = app.store.set_sync(conn_id, Some(&e));
            Err(e)
        }
    }
}

pub(super) fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// getCredentials (every page) and getProfile; each credential verified and stored.
/// A token refused mid-way (401) is refreshed once and the new tokens stored on connection
/// `conn_id`.
pub(super) async fn pull(
    app: &App,
    learner: i64,
    p: &connect::Provider,
    auth: &connect::Refresher<'_>,
    conn_id: i64,
    mut t: connect::Tokens,
    base: &str,
) -> Result<usize, String> {
    let before = t.access.clone();
    let fetched = connect::fetch_credentials_refreshing(&app.http, p, auth, &mut t).await;
    if t.access != before {
        let _ = app
            .store
            .set_tokens(conn_id, &t.access, t.refresh.as_deref(), t.expires_at);
    }
    let fetched = fetched.map_err(|e| e.to_string())?;
    // the profile is read as the Host role asks; the wallet shows the learner's own account
    let _ = connect::fetch_profile(&app.http, p, &t.access).await;
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

pub(super) async fn sync(
    State(app): State<App>,
    headers: HeaderMap,
    Path(cid): Path<i64>,
) -> Response {
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
    let mut tokens = connect::Tokens {
        access: conn.access.clone().unwrap_or_default(),
        refresh: conn.refresh.clone(),
        expires_at: conn.expires_at,
        scope: String::new(),
    };
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
                    tokens = t;
                }
                Err(e) => {
                    let _ = app.store.set_sync(cid, Some(&e.to_string()));
                }
            }
        }
    }
    let ru = redirect_uri(&app);
    let auth = connect::Refresher {
        reg: &reg,
        redirect_uri: &ru,
    };
    let result = pull(&app, id, &p, &auth, cid, tokens, &conn.base).await;
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
