//! The OAuth 2.0 consumer side: dynamic client registration (RFC 7591), the authorization code
//! grant with PKCE driven through an HTML login/consent form, token / refresh / revocation via
//! the `oauth2` crate, and RFC 8414 metadata.

use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RevocationUrl, Scope, StandardRevocableToken, TokenResponse, TokenUrl,
};
use serde_json::{json, Value};

use crate::{Body, Client, Response};

/// The redirect URI the suite registers; it never listens there.
pub const REDIRECT_URI: &str = "https://harness.wellspring.example/callback";

/// A registered client.
#[derive(Debug, Clone)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: String,
    pub response: Value,
}

/// RFC 7591 registration request body (all URLs on the harness host).
pub fn registration_request(scopes: &str) -> Value {
    json!({
        "client_name": "Wellspring conformance harness",
        "client_uri": "https://harness.wellspring.example/",
        "logo_uri": "https://harness.wellspring.example/logo.png",
        "tos_uri": "https://harness.wellspring.example/tos",
        "policy_uri": "https://harness.wellspring.example/policy",
        "software_id": "5f0f4d1c-7b0e-4c36-9a61-7765656c6c73",
        "software_version": env!("CARGO_PKG_VERSION"),
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": scopes,
    })
}

/// POSTs a registration request; returns the raw response.
pub fn register_raw(c: &Client, url: &str, body: Value) -> Result<Response, String> {
    c.send(
        "POST",
        url,
        vec![("Accept".into(), "application/json".into())],
        Body::Json(body),
    )
    .map_err(|e| e.0)
}

/// Reads client_id / client_secret from a registration response.
pub fn parse_registration(c: &Client, r: &Response) -> Result<Registration, String> {
    let v = r.json()?;
    let id = v
        .get("client_id")
        .and_then(Value::as_str)
        .ok_or("no client_id in the registration response")?;
    let secret = v
        .get("client_secret")
        .and_then(Value::as_str)
        .ok_or("no client_secret in the registration response")?;
    c.add_secret(secret);
    Ok(Registration {
        client_id: id.to_owned(),
        client_secret: secret.to_owned(),
        response: v,
    })
}

pub type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointSet>;

/// The endpoints a flow uses.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub authorize: String,
    pub token: String,
    pub refresh: Option<String>,
    pub revocation: Option<String>,
}

/// Builds the `oauth2` client for a registration.
pub fn oauth_client(
    reg: &Registration,
    ep: &Endpoints,
    token_url: &str,
) -> Result<OAuthClient, String> {
    let revocation = match &ep.revocation {
        Some(u) => {
            Some(RevocationUrl::new(u.clone()).map_err(|e| format!("revocation URL {u}: {e}"))?)
        }
        None => None,
    };
    Ok(BasicClient::new(ClientId::new(reg.client_id.clone()))
        .set_client_secret(ClientSecret::new(reg.client_secret.clone()))
        .set_auth_uri(
            AuthUrl::new(ep.authorize.clone())
                .map_err(|e| format!("authorizationUrl {}: {e}", ep.authorize))?,
        )
        .set_token_uri(
            TokenUrl::new(token_url.to_owned())
                .map_err(|e| format!("tokenUrl {token_url}: {e}"))?,
        )
        .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).expect("constant URL"))
        .set_revocation_url_option(revocation))
}

/// An authorization request about to be made.
pub struct AuthRequest {
    pub url: String,
    pub state: String,
    pub verifier: Option<PkceCodeVerifier>,
}

/// The authorization URL for `scopes`; `pkce: false` leaves out the code challenge,
/// `redirect` overrides the registered redirect URI.
pub fn auth_request(
    oc: &OAuthClient,
    scopes: &[String],
    pkce: bool,
    redirect: Option<&str>,
) -> AuthRequest {
    let mut req = oc.authorize_url(CsrfToken::new_random);
    for s in scopes {
        req = req.add_scope(Scope::new(s.clone()));
    }
    let mut verifier = None;
    if pkce {
        let (ch, v) = PkceCodeChallenge::new_random_sha256();
        req = req.set_pkce_challenge(ch);
        verifier = Some(v);
    }
    let owned;
    if let Some(r) = redirect {
        owned = RedirectUrl::new(r.to_owned()).ok();
        if let Some(o) = &owned {
            req = req.set_redirect_uri(std::borrow::Cow::Borrowed(o));
        }
    }
    let (url, state) = req.url();
    AuthRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        verifier,
    }
}

impl AuthRequest {
    /// The same request with the PKCE `plain` method: the challenge is the verifier itself.
    /// RFC 9700 §2.1.1: clients use S256, and an authorization server should not accept
    /// `plain`; a provider that issues a usable code for it is flagged. Without a verifier
    /// (no PKCE) the request is unchanged.
    pub fn with_plain_pkce(mut self) -> AuthRequest {
        let Some(v) = &self.verifier else {
            return self;
        };
        if let Ok(mut u) = url::Url::parse(&self.url) {
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, x)| match k.as_ref() {
                    "code_challenge" => (k.into_owned(), v.secret().clone()),
                    "code_challenge_method" => (k.into_owned(), "plain".to_owned()),
                    _ => (k.into_owned(), x.into_owned()),
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
            self.url = u.to_string();
        }
        self
    }
}

/// Where the browser ended.
#[derive(Debug, Clone)]
pub enum LoginEnd {
    /// A redirect to the redirect URI, with its (unmasked) Location.
    Redirect(String),
    /// Anything else: the last status and why it stopped.
    Stopped(Option<u16>, String),
}

/// Drives the login and consent pages as a browser would (see suites/ob30/README.md):
/// at most 5 pages; ends at a redirect whose Location starts with `redirect_prefix`.
pub fn drive_login(
    c: &Client,
    start: &str,
    user: &str,
    password: &str,
    redirect_prefix: &str,
) -> LoginEnd {
    c.add_secret(password);
    let mut next: Submission = ("GET".into(), start.to_owned(), Vec::new());
    // the page the pending form is on: a browser names its origin when posting the form
    let mut from = start.to_owned();
    let mut pages = 0;
    for _ in 0..12 {
        let (method, url, form) = next.clone();
        let r = if method == "POST" {
            let mut headers = vec![("Accept".into(), "text/html".into())];
            if let Ok(page) = url::Url::parse(&from) {
                headers.push(("Origin".into(), page.origin().ascii_serialization()));
            }
            c.send("POST", &url, headers, Body::Form(form))
        } else {
            let mut u = url.clone();
            if !form.is_empty() {
                if let Ok(mut p) = url::Url::parse(&url) {
                    p.query_pairs_mut().clear().extend_pairs(form.iter());
                    u = p.to_string();
                }
            }
            c.send(
                "GET",
                &u,
                vec![("Accept".into(), "text/html".into())],
                Body::None,
            )
        };
        let r = match r {
            Ok(r) => r,
            Err(e) => return LoginEnd::Stopped(None, e.0),
        };
        if r.is_redirect() {
            let Some(loc) = r.header("location") else {
                return LoginEnd::Stopped(Some(r.status), "redirect without Location".into());
            };
            if loc.starts_with(redirect_prefix) {
                return LoginEnd::Redirect(loc.to_owned());
            }
            let Some(abs) = url::Url::parse(&url).ok().and_then(|b| b.join(loc).ok()) else {
                return LoginEnd::Stopped(Some(r.status), format!("unusable Location {loc}"));
            };
            if abs.scheme() != "http" && abs.scheme() != "https" {
                return LoginEnd::Stopped(Some(r.status), format!("redirect to {abs}"));
            }
            next = ("GET".into(), abs.to_string(), Vec::new());
            continue;
        }
        if r.status != 200 {
            return LoginEnd::Stopped(
                Some(r.status),
                format!("the authorization page answered {}", r.status),
            );
        }
        pages += 1;
        if pages > 5 {
            return LoginEnd::Stopped(
                Some(r.status),
                "more than 5 pages without reaching the redirect URI".into(),
            );
        }
        match fill_form(&r.text(), &url, user, password) {
            Ok(n) => {
                from = url.clone();
                next = n
            }
            Err(e) => return LoginEnd::Stopped(Some(r.status), e),
        }
    }
    LoginEnd::Stopped(None, "too many redirects".into())
}

fn reads_like(s: &str, words: &[&str]) -> bool {
    let s = s.to_ascii_lowercase();
    words.iter().any(|w| s.contains(w))
}

const APPROVE: &[&str] = &[
    "approve", "allow", "accept", "authori", "yes", "grant", "consent", "continue", "sign in",
    "log in", "login", "submit",
];
const DENY: &[&str] = &["deny", "cancel", "reject", "decline", "no"];

/// A form submission: (method, absolute action URL, fields).
pub type Submission = (String, String, Vec<(String, String)>);

/// Fills the page's form (see [`drive_login`]).
pub fn fill_form(html: &str, base: &str, user: &str, password: &str) -> Result<Submission, String> {
    let doc = scraper::Html::parse_document(html);
    let form_sel = scraper::Selector::parse("form").expect("selector");
    let input_sel = scraper::Selector::parse("input, button, select, textarea").expect("selector");
    let form = doc
        .select(&form_sel)
        .next()
        .ok_or("the page has no <form>")?;
    let action = form.value().attr("action").unwrap_or("");
    let action = url::Url::parse(base)
        .and_then(|b| b.join(action))
        .map_err(|e| format!("form action {action}: {e}"))?;
    let method = form
        .value()
        .attr("method")
        .unwrap_or("GET")
        .to_ascii_uppercase();
    let mut f = Filling {
        user,
        password,
        fields: Vec::new(),
        submit: None,
        user_filled: false,
    };
    for el in form.select(&input_sel) {
        f.control(el);
    }
    let mut fields = f.fields;
    if let Some(s) = f.submit {
        fields.push(s);
    }
    Ok((
        if method == "POST" {
            "POST".into()
        } else {
            "GET".into()
        },
        action.to_string(),
        fields,
    ))
}

/// A form being filled: the fields so far, the approving submit button, whether the user
/// name went in.
struct Filling<'a> {
    user: &'a str,
    password: &'a str,
    fields: Vec<(String, String)>,
    submit: Option<(String, String)>,
    user_filled: bool,
}

impl Filling<'_> {
    /// One form control: the password and the first empty text or e-mail field get the
    /// credentials, checked boxes and other named fields keep their values, the first submit
    /// button that reads like approval is the one pressed.
    fn control(&mut self, el: scraper::ElementRef) {
        let v = el.value();
        let name = v.attr("name").unwrap_or("");
        let ty = v
            .attr("type")
            .unwrap_or(if v.name() == "button" {
                "submit"
            } else {
                "text"
            })
            .to_ascii_lowercase();
        match ty.as_str() {
            "submit" | "image" => {
                let label = format!(
                    "{} {}",
                    v.attr("value").unwrap_or(""),
                    el.text().collect::<String>()
                );
                if self.submit.is_none()
                    && !name.is_empty()
                    && reads_like(&label, APPROVE)
                    && !reads_like(label.split_whitespace().next().unwrap_or(""), DENY)
                {
                    self.submit = Some((name.to_owned(), v.attr("value").unwrap_or("").to_owned()));
                }
            }
            "password" if !name.is_empty() => {
                self.fields
                    .push((name.to_owned(), self.password.to_owned()));
            }
            "email" | "text"
                if !name.is_empty()
                    && !self.user_filled
                    && v.attr("value").unwrap_or("").is_empty() =>
            {
                self.user_filled = true;
                self.fields.push((name.to_owned(), self.user.to_owned()));
            }
            "checkbox" | "radio" if v.attr("checked").is_some() && !name.is_empty() => {
                self.fields
                    .push((name.to_owned(), v.attr("value").unwrap_or("on").to_owned()));
            }
            "checkbox" | "radio" => {}
            "button" | "reset" => {}
            _ if !name.is_empty() => {
                let lname = name.to_ascii_lowercase();
                if !self.user_filled && ["username", "email", "login"].contains(&lname.as_str()) {
                    self.user_filled = true;
                    self.fields.push((name.to_owned(), self.user.to_owned()));
                } else {
                    self.fields
                        .push((name.to_owned(), v.attr("value").unwrap_or("").to_owned()));
                }
            }
            _ => {}
        }
    }
}

/// The `code` and `state` of a redirect Location.
pub fn code_and_state(location: &str) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(u) = url::Url::parse(location) else {
        return (None, None, None);
    };
    let get = |n: &str| {
        u.query_pairs()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.into_owned())
    };
    (get("code"), get("state"), get("error"))
}

/// What a token request returned.
pub type TokenResult = Result<BasicTokenResponse, String>;

fn token_err<E>(e: oauth2::RequestTokenError<crate::HttpError, E>) -> String
where
    E: oauth2::ErrorResponse,
{
    match e {
        oauth2::RequestTokenError::ServerResponse(r) => format!("token endpoint error: {r}"),
        oauth2::RequestTokenError::Request(e) => format!("token request failed: {e}"),
        oauth2::RequestTokenError::Parse(e, _) => format!("token response unreadable: {e}"),
        oauth2::RequestTokenError::Other(e) => format!("token request: {e}"),
    }
}

/// Exchanges a code (with `verifier` when given). Registers the tokens as secrets.
pub fn exchange_code(
    c: &Client,
    oc: &OAuthClient,
    code: &str,
    verifier: Option<PkceCodeVerifier>,
    scopes: &[String],
) -> TokenResult {
    c.add_secret(code);
    let mut req = oc.exchange_code(AuthorizationCode::new(code.to_owned()));
    if !scopes.is_empty() {
        req = req.add_extra_param("scope", scopes.join(" "));
    }
    if let Some(v) = verifier {
        c.add_secret(v.secret());
        req = req.set_pkce_verifier(v);
    }
    let t = req.request(c).map_err(token_err)?;
    remember(c, &t);
    Ok(t)
}

pub fn remember(c: &Client, t: &BasicTokenResponse) {
    c.add_secret(t.access_token().secret());
    if let Some(r) = t.refresh_token() {
        c.add_secret(r.secret());
    }
}

/// Refreshes at `refresh_url` (an `oauth2` client pointed there).
pub fn refresh(c: &Client, oc: &OAuthClient, refresh_token: &str) -> TokenResult {
    let rt = RefreshToken::new(refresh_token.to_owned());
    let t = oc
        .exchange_refresh_token(&rt)
        .request(c)
        .map_err(token_err)?;
    remember(c, &t);
    Ok(t)
}

/// Revokes an access token (RFC 7009) through the `oauth2` crate. The crate refuses a
/// revocation endpoint that is not HTTPS; for a plain-http endpoint (a loopback test server)
/// the same request (HTTP Basic client auth, form `token` + `token_type_hint`) is sent as is.
pub fn revoke(
    c: &Client,
    oc: &OAuthClient,
    reg: &Registration,
    url: &str,
    access_token: &str,
) -> Result<(), String> {
    if url.starts_with("http://") {
        use base64::Engine;
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            enc(&reg.client_id),
            enc(&reg.client_secret)
        ));
        let r = c
            .send(
                "POST",
                url,
                vec![
                    ("Authorization".into(), format!("Basic {basic}")),
                    ("Accept".into(), "application/json".into()),
                ],
                Body::Form(vec![
                    ("token".into(), access_token.into()),
                    ("token_type_hint".into(), "access_token".into()),
                ]),
            )
            .map_err(|e| e.0)?;
        return if r.status == 200 {
            Ok(())
        } else {
            Err(format!("revocation endpoint answered {}", r.status))
        };
    }
    let tok =
        StandardRevocableToken::AccessToken(oauth2::AccessToken::new(access_token.to_owned()));
    oc.revoke_token(tok)
        .map_err(|e| format!("no revocation endpoint: {e}"))?
        .request(c)
        .map_err(|e| match e {
            oauth2::RequestTokenError::ServerResponse(r) => {
                format!("revocation endpoint error: {r}")
            }
            oauth2::RequestTokenError::Request(e) => format!("revocation request failed: {e}"),
            oauth2::RequestTokenError::Parse(e, _) => {
                format!("revocation response unreadable: {e}")
            }
            oauth2::RequestTokenError::Other(e) => format!("revocation: {e}"),
        })
}

/// RFC 8414 metadata at `{origin of token_url}/.well-known/oauth-authorization-server`.
pub fn metadata(c: &Client, token_url: &str) -> Option<Value> {
    let u = url::Url::parse(token_url).ok()?;
    let origin = u.origin().ascii_serialization();
    let r = c
        .get(
            &format!("{origin}/.well-known/oauth-authorization-server"),
            None,
        )
        .ok()?;
    if r.status != 200 {
        return None;
    }
    r.json().ok()
}

pub use oauth2::{PkceCodeVerifier as Verifier, TokenResponse as _};
pub fn mask_loc(s: &str) -> String {
    crate::mask_url(s)
}
