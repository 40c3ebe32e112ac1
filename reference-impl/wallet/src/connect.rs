//! The wallet as Service Consumer (Read): connects a learner's wallet to any OB 3.0 or CLR 2.0
//! provider by its base URL — discovery, dynamic client registration (RFC 7591), the
//! authorization code grant with PKCE S256 (the learner's browser is sent to the provider's
//! login and consent), token, getCredentials following paging, getProfile, refresh.
//!
//! The OAuth 2.0 client is the `oauth2` crate; registration is a plain JSON POST (the crate
//! has none). Each credential keeps the exact bytes the provider sent (a `RawValue` per
//! array element), so what the wallet exports later is what it was given.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use wellspring_http::guard::{parse_json, Net, NetError, NetPolicy, Patience, Reply};

/// Which API a provider is connected for: the workspace's one `Standard` (data model crate).
pub use wellspring_model::Standard;

/// What went wrong, in words safe to show the learner (who may be hostile): fetch failures
/// are given by kind only, never with the provider's own words or addresses.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{}", .0.public())]
    Net(NetError),
    #[error("the provider's answer is not usable: {0}")]
    Provider(String),
    #[error("OAuth: {0}")]
    OAuth(String),
    /// The API refused the access token (401): a refreshed token may still be accepted.
    #[error("OAuth: {0}")]
    Unauthorized(String),
}

type R<T> = Result<T, ConnectError>;

/// What discovery told us.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    pub standard: Standard,
    /// The API base, e.g. `https://hub.example/ims/ob/v3p0`.
    pub api: String,
    pub name: String,
    pub registration_url: String,
    pub authorization_url: String,
    pub token_url: String,
    pub refresh_url: String,
    pub scopes: Vec<String>,
    /// The authorization server's issuer identifier (RFC 8414 metadata), when it publishes one.
    pub issuer: Option<String>,
    /// The server says it puts `iss` in every authorization response (RFC 9207), so a
    /// response without it is refused.
    pub iss_required: bool,
}

/// A registered client (RFC 7591 answer).
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: String,
}

/// Tokens from the token endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
    /// Seconds since the epoch when the access token stops working (if the provider said).
    pub expires_at: Option<i64>,
    pub scope: String,
}

/// One credential as the provider sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// The exact JSON text of one `credential` array element.
    Json(String),
    /// One `compactJwsString` element.
    Jws(String),
}

/// Upper bound on one API answer (the body is read whole).
pub const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;
/// Pages followed at most.
pub const MAX_PAGES: usize = 1000;

/// The guarded HTTP client: bounded in time and size, no redirects followed (RFC 6749 §3.2
/// answers are direct), no private or local address unless `allow_private_network`.
pub fn http_client(timeout: Duration, allow_private_network: bool) -> Result<Net, String> {
    let policy = NetPolicy::default()
        .with_timeout(timeout)
        .with_max_bytes(MAX_PAGE_BYTES)
        .with_redirects(0)
        .allow_private(allow_private_network);
    Net::with_agent(
        policy,
        concat!("wellspring-wallet/", env!("CARGO_PKG_VERSION")),
    )
    .map_err(|e| e.to_string())
}

fn json_of(http: &Net, r: &Reply) -> R<Value> {
    parse_json(&r.url, &r.body, http.policy().max_json_depth).map_err(ConnectError::Net)
}

fn text(v: &Value, ptr: &str) -> R<String> {
    v.pointer(ptr)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ConnectError::Provider(format!("service description has no {ptr}")))
}

/// Discovery: `GET {base}{api}/discovery`. `base` may also be the discovery URL itself.
pub async fn discover(http: &Net, base: &str, standard: Standard) -> R<Provider> {
    let base = base.trim_end_matches('/');
    let url = if base.ends_with("/discovery") {
        base.to_owned()
    } else if base.ends_with(standard.api_path()) {
        format!("{base}/discovery")
    } else {
        format!("{base}{}/discovery", standard.api_path())
    };
    let r = http
        .get(&url, "application/json")
        .await
        .map_err(ConnectError::Net)?;
    if r.status != 200 {
        return Err(ConnectError::Provider(format!(
            "discovery answered HTTP {}",
            r.status
        )));
    }
    let sdd = json_of(http, &r)?;
    let scheme = "/components/securitySchemes/OAuth2ACG";
    let flow = format!("{scheme}/flows/authorizationCode");
    let token_url = text(&sdd, &format!("{flow}/tokenUrl"))?;
    let authorization_url = text(&sdd, &format!("{flow}/authorizationUrl"))?;
    let (issuer, iss_required) = as_metadata(http, &authorization_url).await;
    Ok(Provider {
        standard,
        api: url.trim_end_matches("/discovery").to_owned(),
        name: sdd
            .pointer("/info/x-imssf-name")
            .or_else(|| sdd.pointer("/info/title"))
            .and_then(Value::as_str)
            .unwrap_or("provider")
            .to_owned(),
        registration_url: text(&sdd, &format!("{scheme}/x-imssf-registrationUrl"))?,
        authorization_url,
        issuer,
        iss_required,
        refresh_url: sdd
            .pointer(&format!("{flow}/refreshUrl"))
            .and_then(Value::as_str)
            .unwrap_or(&token_url)
            .to_owned(),
        token_url,
        scopes: sdd
            .pointer(&format!("{flow}/scopes"))
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default(),
    })
}

fn origin(u: &str) -> Option<String> {
    url::Url::parse(u)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

/// The authorization server's RFC 8414 metadata at the authorization endpoint's origin: its
/// `issuer` (kept only when it is of that origin) and whether it promises RFC 9207 `iss`.
/// A server without metadata gives (None, false).
async fn as_metadata(
    http: &wellspring_http::Net,
    authorization_url: &str,
) -> (Option<String>, bool) {
    let Some(o) = origin(authorization_url) else {
        return (None, false);
    };
    let url = format!("{o}/.well-known/oauth-authorization-server");
    let Ok(v) = http.get_json(&url).await else {
        return (None, false);
    };
    let issuer = v
        .get("issuer")
        .and_then(Value::as_str)
        .filter(|i| origin(i).as_deref() == Some(o.as_str()))
        .map(|i| i.trim_end_matches('/').to_owned());
    let promised = v
        .get("authorization_response_iss_parameter_supported")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    (issuer.clone(), promised && issuer.is_some())
}

/// RFC 9207 mix-up defence at the callback: an `iss` must name the server the learner was
/// sent to (its published issuer, else the authorization endpoint's origin); a server that
/// promised `iss` must send it.
pub fn check_issuer(p: &Provider, iss: Option<&str>) -> R<()> {
    match iss {
        Some(got) => {
            let got = got.trim_end_matches('/');
            let ok = match &p.issuer {
                Some(want) => got == want,
                None => origin(got).is_some() && origin(got) == origin(&p.authorization_url),
            };
            if ok {
                Ok(())
            } else {
                Err(ConnectError::OAuth(format!(
                    "the authorization response comes from issuer {got}, not from the server this connection was started with: refused (mix-up)"
                )))
            }
        }
        None if p.iss_required => Err(ConnectError::OAuth(
            "the provider promises an iss parameter (RFC 9207) but the authorization response has none: refused".into(),
        )),
        None => Ok(()),
    }
}

/// The scopes the wallet asks as a Service Consumer (Read), plus `offline_access` for refresh.
pub fn read_scopes(standard: Standard) -> Vec<String> {
    vec![
        standard.scope("credential.readonly"),
        standard.scope("profile.readonly"),
        "offline_access".to_owned(),
    ]
}

/// Dynamic client registration. Every URL shares the wallet's host, as the spec asks.
pub async fn register(
    http: &Net,
    p: &Provider,
    wallet_base: &str,
    redirect_uri: &str,
) -> R<Registration> {
    let wallet_base = wallet_base.trim_end_matches('/');
    let req = json!({
        "client_name": "Wellspring Open Digital Wallet",
        "client_uri": format!("{wallet_base}/"),
        "logo_uri": format!("{wallet_base}/static/logo.svg"),
        "tos_uri": format!("{wallet_base}/terms"),
        "policy_uri": format!("{wallet_base}/privacy"),
        "software_id": "wellspring-wallet",
        "software_version": env!("CARGO_PKG_VERSION"),
        "redirect_uris": [redirect_uri],
        "scope": read_scopes(p.standard).join(" "),
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    });
    let r = http
        .send(reqwest::Method::POST, &p.registration_url, |b| b.json(&req))
        .await
        .map_err(ConnectError::Net)?;
    let v: Value = json_of(http, &r).unwrap_or(Value::Null);
    if r.status != 201 && r.status != 200 {
        return Err(ConnectError::Provider(format!(
            "registration refused (HTTP {}{})",
            r.status,
            error_code(&v).map(|c| format!(", {c}")).unwrap_or_default()
        )));
    }
    Ok(Registration {
        client_id: text(&v, "/client_id")?,
        client_secret: text(&v, "/client_secret")?,
    })
}

/// The provider's `error` field when it is an RFC 6749 / 7591 style code (short, lower-case
/// ASCII), never its free-text description.
fn error_code(v: &Value) -> Option<&str> {
    v.get("error")
        .and_then(Value::as_str)
        .filter(|c| c.len() <= 40 && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
}

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn client(p: &Provider, reg: &Registration, redirect_uri: &str, token_url: &str) -> R<Client> {
    let bad = |e: oauth2::url::ParseError| ConnectError::Provider(e.to_string());
    Ok(BasicClient::new(ClientId::new(reg.client_id.clone()))
        .set_client_secret(ClientSecret::new(reg.client_secret.clone()))
        .set_auth_uri(AuthUrl::new(p.authorization_url.clone()).map_err(bad)?)
        .set_token_uri(TokenUrl::new(token_url.to_owned()).map_err(bad)?)
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).map_err(bad)?))
}

/// Where to send the learner's browser, and what to keep until the callback.
#[derive(Debug, Clone)]
pub struct Pending {
    pub url: String,
    pub state: String,
    pub verifier: String,
}

/// The authorization request: PKCE S256, a random state, the read scopes.
pub fn authorize_url(p: &Provider, reg: &Registration, redirect_uri: &str) -> R<Pending> {
    let c = client(p, reg, redirect_uri, &p.token_url)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = c
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge);
    for s in read_scopes(p.standard) {
        req = req.add_scope(Scope::new(s));
    }
    let (url, state) = req.url();
    Ok(Pending {
        url: url.to_string(),
        state: state.secret().clone(),
        verifier: verifier.secret().clone(),
    })
}

fn tokens<T: TokenResponse>(t: &T, scope_asked: &str) -> Tokens {
    Tokens {
        access: t.access_token().secret().clone(),
        refresh: t.refresh_token().map(|r| r.secret().clone()),
        expires_at: t
            .expires_in()
            .map(|d| chrono::Utc::now().timestamp() + d.as_secs() as i64),
        scope: t
            .scopes()
            .map(|s| {
                s.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|| scope_asked.to_owned()),
    }
}

/// The callback: the state must be ours; the code is exchanged with the PKCE verifier.
pub async fn exchange(
    http: &Net,
    p: &Provider,
    reg: &Registration,
    redirect_uri: &str,
    pending: &Pending,
    code: &str,
    state: &str,
) -> R<Tokens> {
    if state != pending.state {
        return Err(ConnectError::OAuth(
            "the state does not match the request: refused (CSRF)".into(),
        ));
    }
    let scope = read_scopes(p.standard).join(" ");
    let c = client(p, reg, redirect_uri, &p.token_url)?;
    let t = c
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
        // security.html lists scope in the token request; RFC 6749 does not forbid it
        .add_extra_param("scope", scope.clone())
        .request_async(http)
        .await
        .map_err(|e| ConnectError::OAuth(format!("token request: {}", describe(e))))?;
    Ok(tokens(&t, &scope))
}

/// Refresh (RFC 6749 §6) at the provider's refresh URL.
pub async fn refresh(
    http: &Net,
    p: &Provider,
    reg: &Registration,
    redirect_uri: &str,
    refresh_token: &str,
) -> R<Tokens> {
    let scope = read_scopes(p.standard).join(" ");
    let c = client(p, reg, redirect_uri, &p.refresh_url)?;
    let t = c
        .exchange_refresh_token(&RefreshToken::new(refresh_token.to_owned()))
        .request_async(http)
        .await
        .map_err(|e| ConnectError::OAuth(format!("refresh: {}", describe(e))))?;
    let mut t = tokens(&t, &scope);
    if t.refresh.is_none() {
        t.refresh = Some(refresh_token.to_owned());
    }
    Ok(t)
}

/// A failed token request in safe words: the kind of fetch failure, or the provider's error
/// code; never its description or body.
fn describe<T: oauth2::ErrorResponse>(e: oauth2::RequestTokenError<NetError, T>) -> String {
    match e {
        oauth2::RequestTokenError::Request(n) => n.public(),
        oauth2::RequestTokenError::ServerResponse(r) => {
            let v = serde_json::to_value(&r).unwrap_or(Value::Null);
            match error_code(&v) {
                Some(c) => format!("the provider refused ({c})"),
                None => "the provider refused".into(),
            }
        }
        oauth2::RequestTokenError::Parse(..) => "the token response is not understood".into(),
        oauth2::RequestTokenError::Other(_) => "unexpected token response".into(),
    }
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(default, borrow)]
    credential: Vec<&'a RawValue>,
    #[serde(default, rename = "compactJwsString")]
    jws: Vec<String>,
    /// api.html's sample spells it in the plural.
    #[serde(default, rename = "compactJwsStrings")]
    jws_plural: Vec<String>,
}

fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let part = part.trim();
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

async fn get_api(http: &Net, url: &str, token: &str) -> R<(reqwest::header::HeaderMap, Vec<u8>)> {
    // a busy provider (429 / 503 with Retry-After up to 5 s) is waited out, twice at most
    let r = http
        .send_patiently(
            reqwest::Method::GET,
            url,
            |b| b.bearer_auth(token).header("accept", "application/json"),
            Patience::DEFAULT,
        )
        .await
        .map_err(ConnectError::Net)?;
    if r.status == 401 {
        return Err(ConnectError::Unauthorized(
            "the API answered HTTP 401: the token was refused".into(),
        ));
    }
    if r.status == 403 {
        return Err(ConnectError::OAuth(format!(
            "the API answered HTTP {}: the token was refused",
            r.status
        )));
    }
    if r.status != 200 {
        return Err(ConnectError::Provider(format!(
            "the API answered HTTP {}",
            r.status
        )));
    }
    Ok((r.headers, r.body))
}

/// getCredentials, every page (the `Link rel="next"` followed), each credential's exact bytes.
pub async fn fetch_credentials(http: &Net, p: &Provider, token: &str) -> R<Vec<Fetched>> {
    let mut out = Vec::new();
    let mut next = Some(format!("{}/credentials", p.api));
    let mut seen = std::collections::HashSet::new();
    while let Some(url) = next.take() {
        if !seen.insert(url.clone()) || seen.len() > MAX_PAGES {
            return Err(ConnectError::Provider(format!(
                "paging loops or never ends"
            )));
        }
        let (headers, bytes) = get_api(http, &url, token).await?;
        let page: Page = serde_json::from_slice(&bytes)
            .map_err(|_| ConnectError::Provider("not a credentials response".into()))?;
        out.extend(
            page.credential
                .iter()
                .map(|r| Fetched::Json(r.get().to_owned())),
        );
        out.extend(
            page.jws
                .into_iter()
                .chain(page.jws_plural)
                .map(Fetched::Jws),
        );
        next = next_link(&headers);
    }
    Ok(out)
}

/// The OAuth context a token refresh needs.
pub struct Refresher<'a> {
    pub reg: &'a Registration,
    pub redirect_uri: &'a str,
}

/// [`fetch_credentials`] with the tokens `t`; when the provider refuses the access token (401:
/// revoked, or expired before the time it gave), refreshes it once with `t.refresh` and fetches
/// again. `t` holds the tokens in use afterwards (the caller stores them when they changed).
pub async fn fetch_credentials_refreshing(
    http: &Net,
    p: &Provider,
    auth: &Refresher<'_>,
    t: &mut Tokens,
) -> R<Vec<Fetched>> {
    match fetch_credentials(http, p, &t.access).await {
        Err(ConnectError::Unauthorized(why)) => {
            let Some(r) = t.refresh.clone() else {
                return Err(ConnectError::Unauthorized(why));
            };
            *t = refresh(http, p, auth.reg, auth.redirect_uri, &r).await?;
            fetch_credentials(http, p, &t.access).await
        }
        other => other,
    }
}

/// getProfile.
pub async fn fetch_profile(http: &Net, p: &Provider, token: &str) -> R<Value> {
    let url = format!("{}/profile", p.api);
    let (_, bytes) = get_api(http, &url, token).await?;
    parse_json(&url, &bytes, http.policy().max_json_depth).map_err(ConnectError::Net)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(issuer: Option<&str>, required: bool) -> Provider {
        Provider {
            standard: Standard::Ob30,
            api: "https://hub.example/ims/ob/v3p0".into(),
            name: "hub".into(),
            registration_url: "https://hub.example/oauth/register".into(),
            authorization_url: "https://hub.example/oauth/authorize".into(),
            token_url: "https://hub.example/oauth/token".into(),
            refresh_url: "https://hub.example/oauth/token".into(),
            scopes: vec![],
            issuer: issuer.map(str::to_owned),
            iss_required: required,
        }
    }

    #[test]
    fn iss_must_name_the_server_asked() {
        let p = provider(Some("https://hub.example"), true);
        assert!(check_issuer(&p, Some("https://hub.example")).is_ok());
        assert!(check_issuer(&p, Some("https://evil.example")).is_err());
        assert!(check_issuer(&p, None).is_err(), "promised, so required");
        let p = provider(None, false);
        assert!(check_issuer(&p, None).is_ok());
        assert!(check_issuer(&p, Some("https://hub.example")).is_ok());
        assert!(check_issuer(&p, Some("https://evil.example")).is_err());
    }
}
