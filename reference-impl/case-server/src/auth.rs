//! Optional OAuth 2.0 client-credentials protection (RFC 6749 §4.4).
//!
//! CASE 1.0 defines no security scheme; deployments commonly put the CASE endpoints behind a
//! client-credentials token endpoint and `Authorization: Bearer`. Tokens are opaque random strings
//! kept in memory (only their SHA-256 is stored) until they expire; a restart forgets them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub struct Client {
    pub id: String,
    pub secret: String,
}

pub struct Auth {
    /// SHA-256 of (client id, secret) pairs: comparing fixed-length digests in constant time does not
    /// leak the length or a prefix of a secret.
    clients: Vec<([u8; 32], [u8; 32])>,
    tokens: Mutex<HashMap<[u8; 32], Instant>>,
    ttl: Duration,
}

fn digest(s: &[u8]) -> [u8; 32] {
    Sha256::digest(s).into()
}

pub enum TokenError {
    /// 400 invalid_request
    InvalidRequest(String),
    /// 400 unsupported_grant_type
    UnsupportedGrant,
    /// 401 invalid_client
    InvalidClient,
}

pub enum BearerError {
    Missing,
    Invalid,
}

impl Auth {
    pub fn new(clients: &[Client], ttl: Duration) -> Auth {
        Auth {
            clients: clients
                .iter()
                .map(|c| (digest(c.id.as_bytes()), digest(c.secret.as_bytes())))
                .collect(),
            tokens: Mutex::new(HashMap::new()),
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn client_ok(&self, id: &str, secret: &str) -> bool {
        let (id, secret) = (digest(id.as_bytes()), digest(secret.as_bytes()));
        // look at every registered client, whichever matches
        let mut ok = subtle::Choice::from(0u8);
        for (cid, csecret) in &self.clients {
            ok |= cid.ct_eq(&id) & csecret.ct_eq(&secret);
        }
        ok.into()
    }

    /// Handles a token request: the `Authorization` header (if any) and the form body.
    pub fn issue(&self, authorization: Option<&str>, body: &[u8]) -> Result<String, TokenError> {
        let form: Vec<(String, String)> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let get = |name: &str| -> Result<Option<&str>, TokenError> {
            let mut found = form.iter().filter(|(k, _)| k == name);
            let first = found.next().map(|(_, v)| v.as_str());
            if found.next().is_some() {
                return Err(TokenError::InvalidRequest(format!(
                    "parameter '{name}' is repeated"
                )));
            }
            Ok(first)
        };
        match get("grant_type")? {
            None => return Err(TokenError::InvalidRequest("grant_type is missing".into())),
            Some("client_credentials") => {}
            Some(_) => return Err(TokenError::UnsupportedGrant),
        }
        let basic = match authorization {
            Some(h) => Some(parse_basic(h).ok_or(TokenError::InvalidClient)?),
            None => None,
        };
        let body_creds = match (get("client_id")?, get("client_secret")?) {
            (Some(i), Some(s)) => Some((i.to_string(), s.to_string())),
            (None, None) => None,
            _ => return Err(TokenError::InvalidClient),
        };
        let (id, secret) = match (basic, body_creds) {
            (Some(_), Some(_)) => {
                // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
                return Err(TokenError::InvalidRequest(
                    "client credentials given both in the header and the body".into(),
                ));
            }
            (Some(c), None) | (None, Some(c)) => c,
            (None, None) => return Err(TokenError::InvalidClient),
        };
        if !self.client_ok(&id, &secret) {
            return Err(TokenError::InvalidClient);
        }
        let mut raw = [0u8; 32];
        getrandom::getrandom(&mut raw)
            .map_err(|e| TokenError::InvalidRequest(format!("no randomness: {e}")))?;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        let now = Instant::now();
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.retain(|_, exp| *exp > now);
        tokens.insert(digest(token.as_bytes()), now + self.ttl);
        Ok(token)
    }

    /// Checks an `Authorization: Bearer` header value.
    pub fn check_bearer(&self, authorization: Option<&str>) -> Result<(), BearerError> {
        let h = authorization.ok_or(BearerError::Missing)?;
        let (scheme, token) = h.trim().split_once(' ').ok_or(BearerError::Missing)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(BearerError::Missing);
        }
        let key = digest(token.trim().as_bytes());
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        match tokens.get(&key) {
            Some(exp) if *exp > Instant::now() => Ok(()),
            _ => Err(BearerError::Invalid),
        }
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
fn parse_basic(h: &str) -> Option<(String, String)> {
    let (scheme, b64) = h.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}
