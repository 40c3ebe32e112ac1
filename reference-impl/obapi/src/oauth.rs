//! The OAuth 2.0 authorization server of the Service Provider: RFC 7591 dynamic client
//! registration, the authorization code grant with PKCE S256 (HTML sign-in, then consent),
//! the token endpoint (code, rotating refresh), RFC 7009 revocation and RFC 8414 metadata.
//!
//! State lives in SQLite tables owned by this module (`oauth_*`), so a restart keeps clients
//! and tokens. Secrets (client secrets, codes, tokens, consent tickets) are stored as SHA-256
//! hashes only. A code is single-use: a second exchange is refused and revokes every token of
//! that grant; a refresh rotates (the old refresh token stops working).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{json_response, pages, Config, Ctx, UserId};

mod authorize;
mod register;
mod token;

pub(crate) use authorize::AuthzRequest;
use authorize::*;
use register::*;
pub use token::metadata_document;
use token::*;

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS oauth_client (
        id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, redirect_uris TEXT NOT NULL,
        scope TEXT NOT NULL, metadata TEXT NOT NULL, created INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS oauth_consent (
        ticket_hash TEXT PRIMARY KEY, user INTEGER NOT NULL, client TEXT NOT NULL, redirect_uri TEXT NOT NULL,
        scope TEXT NOT NULL, state TEXT NOT NULL, challenge TEXT NOT NULL, expires INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS oauth_code (
        code_hash TEXT PRIMARY KEY, user INTEGER NOT NULL, client TEXT NOT NULL, redirect_uri TEXT NOT NULL,
        scope TEXT NOT NULL, challenge TEXT NOT NULL, expires INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS oauth_token (
        token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, grant_id TEXT NOT NULL, user INTEGER NOT NULL,
        client TEXT NOT NULL, scope TEXT NOT NULL, expires INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS oauth_token_grant ON oauth_token(grant_id)",
];

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// SHA-256 hex of a secret: what the store keeps.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A fresh random secret (256 bits, URL-safe).
pub fn random_secret() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A registered client.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub secret_hash: String,
    pub redirect_uris: Vec<String>,
    pub scope: Vec<String>,
    pub name: String,
}

/// A valid access token's grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub user: UserId,
    pub scopes: Vec<String>,
    pub expires: i64,
}

/// A pending authorization after sign-in, waiting for consent.
#[derive(Debug, Clone)]
pub struct Consent {
    pub user: UserId,
    pub client: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub challenge: String,
}

/// Issued tokens.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
    pub scope: String,
    pub expires_in: i64,
}

/// Why a token request failed (RFC 6749 §5.2 error code, description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError(pub &'static str, pub String);

/// The authorization server's SQLite tables (its own connection; WAL, synchronous=FULL).
#[derive(Clone)]
pub struct AuthStore {
    db: Arc<Mutex<Connection>>,
    /// Validated access tokens (hash → grant) so the API path does not hit SQLite on every
    /// call; revocation removes entries.
    cache: Arc<Mutex<HashMap<String, Access>>>,
}

type R<T> = Result<T, String>;

fn db_err(e: rusqlite::Error) -> String {
    format!("oauth store: {e}")
}

impl AuthStore {
    /// Opens (creating when absent) the tables in the SQLite file at `path`.
    pub fn open(path: &Path) -> R<AuthStore> {
        wellspring_serverkit::files::private_db(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let c = Connection::open(path).map_err(db_err)?;
        c.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        c.pragma_update(None, "synchronous", "FULL")
            .map_err(db_err)?;
        c.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_err)?;
        for s in SCHEMA {
            c.execute(s, []).map_err(db_err)?;
        }
        Ok(AuthStore {
            db: Arc::new(Mutex::new(c)),
            cache: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Access>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a client; returns (client_id, client_secret).
    pub fn add_client(
        &self,
        redirect_uris: &[String],
        scope: &[String],
        metadata: &Value,
    ) -> R<(String, String)> {
        let id = format!("wsc-{}", &random_secret()[..22]);
        let secret = random_secret();
        self.db()
            .execute(
                "INSERT INTO oauth_client (id, secret_hash, redirect_uris, scope, metadata, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, hash(&secret), json!(redirect_uris).to_string(), scope.join(" "), metadata.to_string(), now()],
            )
            .map_err(db_err)?;
        Ok((id, secret))
    }

    pub fn client(&self, id: &str) -> R<Option<Client>> {
        let row: Option<(String, String, String, String)> = self
            .db()
            .query_row("SELECT secret_hash, redirect_uris, scope, metadata FROM oauth_client WHERE id = ?1", params![id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
            .map_err(db_err)?;
        Ok(row.map(|(secret_hash, uris, scope, meta)| {
            let meta: Value = serde_json::from_str(&meta).unwrap_or(Value::Null);
            Client {
                id: id.to_owned(),
                secret_hash,
                redirect_uris: serde_json::from_str(&uris).unwrap_or_default(),
                scope: scope.split_whitespace().map(str::to_owned).collect(),
                name: meta
                    .get("client_name")
                    .and_then(Value::as_str)
                    .unwrap_or(id)
                    .to_owned(),
            }
        }))
    }

    /// The client when `secret` is its secret (compared in constant time).
    pub fn authenticate(&self, id: &str, secret: &str) -> R<Option<Client>> {
        use subtle::ConstantTimeEq;
        let Some(c) = self.client(id)? else {
            return Ok(None);
        };
        let ok: bool = hash(secret)
            .as_bytes()
            .ct_eq(c.secret_hash.as_bytes())
            .into();
        Ok(ok.then_some(c))
    }

    /// Records a signed-in user's pending authorization; returns the consent ticket.
    pub fn add_consent(&self, c: &Consent, ttl: i64) -> R<String> {
        let t = random_secret();
        self.db()
            .execute(
                "INSERT INTO oauth_consent (ticket_hash, user, client, redirect_uri, scope, state, challenge, expires)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![hash(&t), c.user, c.client, c.redirect_uri, c.scope, c.state, c.challenge, now() + ttl],
            )
            .map_err(db_err)?;
        Ok(t)
    }

    /// Takes (single use) a consent ticket that has not expired.
    pub fn take_consent(&self, ticket: &str) -> R<Option<Consent>> {
        let mut db = self.db();
        let tx = db
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db_err)?;
        let h = hash(ticket);
        let row = tx
            .query_row(
                "SELECT user, client, redirect_uri, scope, state, challenge, expires FROM oauth_consent WHERE ticket_hash = ?1",
                params![h],
                |r| {
                    Ok((
                        Consent { user: r.get(0)?, client: r.get(1)?, redirect_uri: r.get(2)?, scope: r.get(3)?, state: r.get(4)?, challenge: r.get(5)? },
                        r.get::<_, i64>(6)?,
                    ))
                },
            )
            .optional()
            .map_err(db_err)?;
        tx.execute(
            "DELETE FROM oauth_consent WHERE ticket_hash = ?1 OR expires < ?2",
            params![h, now()],
        )
        .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        Ok(row.and_then(|(c, exp)| (exp >= now()).then_some(c)))
    }

    /// Deletes what can no longer be used: expired tokens and consent tickets, and codes a
    /// day after they expired (kept that long so that a late replay still revokes its grant).
    /// Run on every authorization and registration. Returns the rows deleted.
    pub fn purge(&self) -> R<usize> {
        let t = now();
        let db = self.db();
        let mut n = db
            .execute("DELETE FROM oauth_token WHERE expires < ?1", params![t])
            .map_err(db_err)?;
        n += db
            .execute("DELETE FROM oauth_consent WHERE expires < ?1", params![t])
            .map_err(db_err)?;
        n += db
            .execute(
                "DELETE FROM oauth_code WHERE expires < ?1",
                params![t - 86_400],
            )
            .map_err(db_err)?;
        Ok(n)
    }

    /// How many clients are registered.
    pub fn client_count(&self) -> R<usize> {
        self.db()
            .query_row("SELECT COUNT(*) FROM oauth_client", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
            .map_err(db_err)
    }

    /// Issues an authorization code for an approved consent.
    pub fn add_code(&self, c: &Consent, ttl: i64) -> R<String> {
        self.purge()?;
        let code = random_secret();
        self.db()
            .execute(
                "INSERT INTO oauth_code (code_hash, user, client, redirect_uri, scope, challenge, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![hash(&code), c.user, c.client, c.redirect_uri, c.scope, c.challenge, now() + ttl],
            )
            .map_err(db_err)?;
        Ok(code)
    }

    fn insert_tokens(
        tx: &rusqlite::Transaction,
        grant: &str,
        user: UserId,
        client: &str,
        scope: &str,
        access_ttl: i64,
        refresh_ttl: i64,
    ) -> rusqlite::Result<Tokens> {
        let access = random_secret();
        let t = now();
        tx.execute(
            "INSERT INTO oauth_token (token_hash, kind, grant_id, user, client, scope, expires) VALUES (?1, 'access', ?2, ?3, ?4, ?5, ?6)",
            params![hash(&access), grant, user, client, scope, t + access_ttl],
        )?;
        let refresh = if scope.split_whitespace().any(|s| s == crate::OFFLINE_ACCESS) {
            let r = random_secret();
            tx.execute(
                "INSERT INTO oauth_token (token_hash, kind, grant_id, user, client, scope, expires) VALUES (?1, 'refresh', ?2, ?3, ?4, ?5, ?6)",
                params![hash(&r), grant, user, client, scope, t + refresh_ttl],
            )?;
            Some(r)
        } else {
            None
        };
        Ok(Tokens {
            access,
            refresh,
            scope: scope.to_owned(),
            expires_in: access_ttl,
        })
    }

    /// Exchanges a code (authorization_code grant). A reused code revokes its grant's tokens.
    pub fn exchange_code(
        &self,
        client: &str,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
        access_ttl: i64,
        refresh_ttl: i64,
    ) -> Result<Tokens, TokenError> {
        let internal = |e: rusqlite::Error| TokenError("server_error", db_err(e));
        let h = hash(code);
        let mut db = self.db();
        let tx = db
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(internal)?;
        let row: Option<(UserId, String, String, String, String, i64, bool)> = tx
            .query_row(
                "SELECT user, client, redirect_uri, scope, challenge, expires, used FROM oauth_code WHERE code_hash = ?1",
                params![h],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get::<_, i64>(6)? != 0)),
            )
            .optional()
            .map_err(internal)?;
        let Some((user, owner, redirect, scope, challenge, expires, used)) = row else {
            return Err(TokenError(
                "invalid_grant",
                "unknown authorization code".into(),
            ));
        };
        if owner != client {
            return Err(TokenError(
                "invalid_grant",
                "the code was issued to another client".into(),
            ));
        }
        if used {
            let n = tx
                .execute(
                    "UPDATE oauth_token SET revoked = 1 WHERE grant_id = ?1",
                    params![h],
                )
                .map_err(internal)?;
            tx.commit().map_err(internal)?;
            if n > 0 {
                self.cache().clear();
            }
            return Err(TokenError(
                "invalid_grant",
                "the authorization code was already used; the tokens issued from it are revoked"
                    .into(),
            ));
        }
        // single use from the first attempt on, whatever its outcome
        tx.execute(
            "UPDATE oauth_code SET used = 1 WHERE code_hash = ?1",
            params![h],
        )
        .map_err(internal)?;
        let outcome = if expires < now() {
            Err(TokenError(
                "invalid_grant",
                "the authorization code expired".into(),
            ))
        } else if redirect != redirect_uri {
            Err(TokenError(
                "invalid_grant",
                "redirect_uri differs from the authorization request".into(),
            ))
        } else if pkce_s256(verifier) != challenge || !(43..=128).contains(&verifier.len()) {
            Err(TokenError(
                "invalid_grant",
                "code_verifier does not match the code_challenge".into(),
            ))
        } else {
            Self::insert_tokens(&tx, &h, user, client, &scope, access_ttl, refresh_ttl)
                .map_err(internal)
        };
        tx.commit().map_err(internal)?;
        outcome
    }

    /// Rotates a refresh token: the old one is revoked, new tokens are issued for the same
    /// grant (`scope`, when given, must be within it).
    pub fn refresh(
        &self,
        client: &str,
        refresh: &str,
        scope: Option<&str>,
        access_ttl: i64,
        refresh_ttl: i64,
    ) -> Result<Tokens, TokenError> {
        let internal = |e: rusqlite::Error| TokenError("server_error", db_err(e));
        let h = hash(refresh);
        let mut db = self.db();
        let tx = db
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(internal)?;
        let row: Option<(String, UserId, String, String, i64, bool)> = tx
            .query_row(
                "SELECT grant_id, user, client, scope, expires, revoked FROM oauth_token WHERE token_hash = ?1 AND kind = 'refresh'",
                params![h],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, i64>(5)? != 0)),
            )
            .optional()
            .map_err(internal)?;
        let Some((grant, user, owner, granted, expires, revoked)) = row else {
            return Err(TokenError("invalid_grant", "unknown refresh token".into()));
        };
        if owner == client && revoked {
            // RFC 9700 §4.14.2: a refresh token used again after rotation means it leaked;
            // the whole grant dies, the newer tokens with it
            tx.execute(
                "UPDATE oauth_token SET revoked = 1 WHERE grant_id = ?1",
                params![grant],
            )
            .map_err(internal)?;
            tx.commit().map_err(internal)?;
            self.cache().clear();
            return Err(TokenError(
                "invalid_grant",
                "the refresh token was already used; every token of its grant is revoked".into(),
            ));
        }
        if owner != client || expires < now() {
            return Err(TokenError(
                "invalid_grant",
                "the refresh token is expired or not this client's".into(),
            ));
        }
        let scope = match scope.map(str::trim).filter(|s| !s.is_empty()) {
            None => granted.clone(),
            Some(s) => {
                let have: Vec<&str> = granted.split_whitespace().collect();
                if !s.split_whitespace().all(|x| have.contains(&x)) {
                    return Err(TokenError(
                        "invalid_scope",
                        "the scope exceeds the original grant".into(),
                    ));
                }
                let mut v: Vec<&str> = s.split_whitespace().collect();
                // the refresh token keeps the grant alive
                if have.contains(&crate::OFFLINE_ACCESS) && !v.contains(&crate::OFFLINE_ACCESS) {
                    v.push(crate::OFFLINE_ACCESS);
                }
                v.join(" ")
            }
        };
        tx.execute(
            "UPDATE oauth_token SET revoked = 1 WHERE token_hash = ?1",
            params![h],
        )
        .map_err(internal)?;
        let t = Self::insert_tokens(&tx, &grant, user, client, &scope, access_ttl, refresh_ttl)
            .map_err(internal)?;
        tx.commit().map_err(internal)?;
        Ok(t)
    }

    /// RFC 7009: revokes a token of this client (a refresh token takes its whole grant along).
    /// Unknown tokens are ignored.
    pub fn revoke(&self, client: &str, token: &str) -> R<()> {
        let h = hash(token);
        let db = self.db();
        let row: Option<(String, String, String)> = db
            .query_row(
                "SELECT kind, grant_id, client FROM oauth_token WHERE token_hash = ?1",
                params![h],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db_err)?;
        if let Some((kind, grant, owner)) = row {
            if owner == client {
                if kind == "refresh" {
                    db.execute(
                        "UPDATE oauth_token SET revoked = 1 WHERE grant_id = ?1",
                        params![grant],
                    )
                    .map_err(db_err)?;
                    self.cache().clear();
                } else {
                    db.execute(
                        "UPDATE oauth_token SET revoked = 1 WHERE token_hash = ?1",
                        params![h],
                    )
                    .map_err(db_err)?;
                    self.cache().remove(&h);
                }
            }
        }
        Ok(())
    }

    /// The grant of a live access token.
    pub fn access(&self, token: &str) -> R<Option<Access>> {
        let h = hash(token);
        let t = now();
        if let Some(a) = self.cache().get(&h) {
            if a.expires > t {
                return Ok(Some(a.clone()));
            }
        }
        let row: Option<(UserId, String, i64)> = self
            .db()
            .query_row(
                "SELECT user, scope, expires FROM oauth_token WHERE token_hash = ?1 AND kind = 'access' AND revoked = 0",
                params![h],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db_err)?;
        let Some((user, scope, expires)) = row else {
            return Ok(None);
        };
        if expires <= t {
            return Ok(None);
        }
        let a = Access {
            user,
            scopes: scope.split_whitespace().map(str::to_owned).collect(),
            expires,
        };
        let mut c = self.cache();
        if c.len() > 10_000 {
            c.clear();
        }
        c.insert(h, a.clone());
        Ok(Some(a))
    }
}

/// BASE64URL(SHA256(verifier)), RFC 7636 §4.2.
pub fn pkce_s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub(crate) fn routes(cfg: &Config) -> Router<Ctx> {
    use axum::extract::DefaultBodyLimit;
    use axum::handler::Handler;
    use axum::middleware::from_fn_with_state;
    use wellspring_serverkit::limit::{body, per_client, Limiter};
    use wellspring_serverkit::{csrf, Site};
    let site = Site::new(&cfg.base_url).unwrap_or_else(|| Site {
        public_url: cfg.base_url.clone(),
        origin: cfg.base_url.clone(),
        secure: cfg.base_url.starts_with("https:"),
    });
    let forms = csrf::Guard::strict(&site);
    let l = &cfg.limits;
    let (sign_in, register_, token_) = (
        Limiter::shared(l.sign_in),
        Limiter::shared(l.register),
        Limiter::shared(l.token),
    );
    Router::new()
        .route(
            "/oauth/register",
            post(
                register
                    .layer(from_fn_with_state(register_, per_client))
                    .layer(DefaultBodyLimit::max(body::REGISTRATION)),
            ),
        )
        .route("/oauth/authorize", get(authorize))
        .route(
            "/oauth/login",
            post(
                login
                    .layer(from_fn_with_state(sign_in, per_client))
                    .layer(from_fn_with_state(forms.clone(), csrf::guard))
                    .layer(DefaultBodyLimit::max(body::FORM)),
            ),
        )
        .route(
            "/oauth/consent",
            post(
                consent
                    .layer(from_fn_with_state(forms, csrf::guard))
                    .layer(DefaultBodyLimit::max(body::FORM)),
            ),
        )
        .route(
            "/oauth/token",
            post(
                token
                    .layer(from_fn_with_state(token_.clone(), per_client))
                    .layer(DefaultBodyLimit::max(body::FORM)),
            ),
        )
        .route(
            "/oauth/revoke",
            post(
                revoke
                    .layer(from_fn_with_state(token_, per_client))
                    .layer(DefaultBodyLimit::max(body::FORM)),
            ),
        )
        .route(
            "/oauth/style.css",
            get(|| async { wellspring_serverkit::harden::stylesheet(pages::STYLE) }),
        )
        .route("/.well-known/oauth-authorization-server", get(metadata))
}

pub(crate) fn form(body: &[u8]) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        m.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn store_keeps_hashes_and_enforces_single_use_codes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("auth.sqlite");
        let s = AuthStore::open(&path).unwrap();
        let scope = format!(
            "{} {}",
            crate::Standard::Ob30.scope("credential.readonly"),
            crate::OFFLINE_ACCESS
        );
        let (client, secret) = s
            .add_client(
                &["https://c.example/cb".into()],
                std::slice::from_ref(&scope),
                &json!({"client_name": "c"}),
            )
            .unwrap();
        assert!(s.authenticate(&client, &secret).unwrap().is_some());
        assert!(s.authenticate(&client, "wrong").unwrap().is_none());
        let verifier = "v".repeat(43);
        let c = Consent {
            user: 7,
            client: client.clone(),
            redirect_uri: "https://c.example/cb".into(),
            scope: scope.clone(),
            state: "s".into(),
            challenge: pkce_s256(&verifier),
        };
        let code = s.add_code(&c, 600).unwrap();
        let t = s
            .exchange_code(&client, &code, "https://c.example/cb", &verifier, 60, 600)
            .unwrap();
        assert_eq!(s.access(&t.access).unwrap().unwrap().user, 7);
        // nothing secret is stored in clear
        let db = Connection::open(&path).unwrap();
        let dump: String = db
            .query_row(
                "SELECT group_concat(token_hash) FROM oauth_token",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!dump.contains(&t.access) && dump.contains(&hash(&t.access)));
        // reuse: refused, and the grant's tokens die (the cached one too)
        assert_eq!(
            s.exchange_code(&client, &code, "https://c.example/cb", &verifier, 60, 600)
                .unwrap_err()
                .0,
            "invalid_grant"
        );
        assert!(s.access(&t.access).unwrap().is_none());
        let refresh = t.refresh.unwrap();
        assert!(s.refresh(&client, &refresh, None, 60, 600).is_err());
        // reopened: a new grant still works, state is on disk
        let code = s.add_code(&c, 600).unwrap();
        let t = s
            .exchange_code(&client, &code, "https://c.example/cb", &verifier, 60, 600)
            .unwrap();
        let again = AuthStore::open(&path).unwrap();
        assert!(again.access(&t.access).unwrap().is_some());
        again.revoke(&client, &t.access).unwrap();
        assert!(again.access(&t.access).unwrap().is_none());
    }

    #[test]
    fn expired_codes_tokens_and_tickets_are_purged_on_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("auth.sqlite");
        let s = AuthStore::open(&path).unwrap();
        let scope = format!(
            "{} {}",
            crate::Standard::Ob30.scope("credential.readonly"),
            crate::OFFLINE_ACCESS
        );
        let (client, _) = s
            .add_client(
                &["https://c.example/cb".into()],
                std::slice::from_ref(&scope),
                &json!({}),
            )
            .unwrap();
        let verifier = "v".repeat(43);
        let c = Consent {
            user: 1,
            client: client.clone(),
            redirect_uri: "https://c.example/cb".into(),
            scope,
            state: "s".into(),
            challenge: pkce_s256(&verifier),
        };
        // tokens that died a second ago, a code long expired, a ticket expired
        let code = s.add_code(&c, 600).unwrap();
        s.add_code(&c, -100_000).unwrap();
        s.exchange_code(&client, &code, "https://c.example/cb", &verifier, -1, -1)
            .unwrap();
        s.add_consent(&c, -1).unwrap();
        let count = |t: &str| -> i64 {
            Connection::open(&path)
                .unwrap()
                .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(count("oauth_token"), 2);
        assert_eq!(count("oauth_code"), 2);
        assert_eq!(count("oauth_consent"), 1);
        // the next authorization purges them; the fresh code stays
        s.add_code(&c, 600).unwrap();
        assert_eq!(count("oauth_token"), 0);
        assert_eq!(
            count("oauth_code"),
            2,
            "the used code (kept a day for replay detection) and the new one"
        );
        assert_eq!(count("oauth_consent"), 0);
    }
}
