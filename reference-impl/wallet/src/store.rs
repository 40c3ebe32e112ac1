//! The wallet's SQLite store: learners (password hashes by Argon2id), their credentials (the
//! exact bytes received, the credential as JSON for display, the last verification and its
//! status), provider connections (tokens), pending authorizations and browser sessions.
//! Migrations run in code on open; every write is one transaction, acknowledged only after
//! it is committed.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{0}")]
    Other(String),
}

type R<T> = Result<T, StoreError>;

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS learner (
        id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
        key_seed BLOB NOT NULL, created TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS credential (
        id INTEGER PRIMARY KEY, learner INTEGER NOT NULL REFERENCES learner(id),
        format TEXT NOT NULL, original BLOB NOT NULL, credential TEXT NOT NULL,
        vc_id TEXT, issuer_id TEXT, kind TEXT NOT NULL, name TEXT, description TEXT,
        issuer_name TEXT, issued_on TEXT, image TEXT, status TEXT NOT NULL, report TEXT NOT NULL,
        verified_at TEXT NOT NULL, source TEXT NOT NULL, added TEXT NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS credential_same ON credential(learner, issuer_id, vc_id)",
    "CREATE TABLE IF NOT EXISTS connection (
        id INTEGER PRIMARY KEY, learner INTEGER NOT NULL REFERENCES learner(id), standard TEXT NOT NULL,
        base TEXT NOT NULL, provider TEXT NOT NULL, client_id TEXT NOT NULL, client_secret TEXT NOT NULL,
        access TEXT, refresh TEXT, expires_at INTEGER, last_sync TEXT, last_error TEXT, created TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS pending (
        state TEXT PRIMARY KEY, learner INTEGER NOT NULL, connection INTEGER NOT NULL,
        verifier TEXT NOT NULL, url TEXT NOT NULL, created INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS profile (learner INTEGER PRIMARY KEY REFERENCES learner(id), json TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS session (
        token_hash TEXT PRIMARY KEY, learner INTEGER NOT NULL, expires INTEGER NOT NULL)",
];

/// One stored credential.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredCredential {
    pub id: i64,
    /// `json`, `jwt`, `png` or `svg`: how it arrived (and how it is exported).
    pub format: String,
    #[serde(skip)]
    pub original: Vec<u8>,
    pub credential: String,
    pub vc_id: Option<String>,
    pub issuer_id: Option<String>,
    pub kind: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub issuer_name: Option<String>,
    pub issued_on: Option<String>,
    pub image: Option<String>,
    /// valid | expired | revoked | not-yet-valid | unknown | invalid
    pub status: String,
    pub report: String,
    pub verified_at: String,
    pub source: String,
}

/// What `add_credential` needs (everything but the id).
pub type NewCredential = StoredCredential;

#[derive(Debug, Clone, PartialEq)]
pub struct Connection_ {
    pub id: i64,
    pub standard: String,
    pub base: String,
    pub provider: String,
    pub client_id: String,
    pub client_secret: String,
    pub access: Option<String>,
    pub refresh: Option<String>,
    pub expires_at: Option<i64>,
    pub last_sync: Option<String>,
    pub last_error: Option<String>,
}

/// A provider connection.
pub type ProviderConnection = Connection_;

#[derive(Clone)]
pub struct Store {
    db: Arc<Mutex<Connection>>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A random token (URL-safe), from the OS generator.
pub fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

impl Store {
    pub fn open(path: &Path) -> R<Store> {
        wellspring_serverkit::files::private_db(path)
            .map_err(|e| StoreError::Other(format!("{}: {e}", path.display())))?;
        let c = Connection::open(path)?;
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.pragma_update(None, "synchronous", "FULL")?;
        c.pragma_update(None, "foreign_keys", "ON")?;
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        for s in SCHEMA {
            c.execute(s, [])?;
        }
        Ok(Store {
            db: Arc::new(Mutex::new(c)),
        })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates a learner (the password is stored as an Argon2id hash); the learner's holder
    /// key seed is drawn from the OS generator.
    pub fn add_learner(&self, email: &str, password: &str) -> R<i64> {
        use rand::RngCore;
        if email.trim().is_empty() || password.len() < 8 {
            return Err(StoreError::Other(
                "an email and a password of at least 8 characters are needed".into(),
            ));
        }
        let hash = wellspring_serverkit::password::hash(password).map_err(StoreError::Other)?;
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let db = self.db();
        db.execute(
            "INSERT INTO learner (email, password_hash, key_seed, created) VALUES (?1, ?2, ?3, ?4)",
            params![email.trim().to_lowercase(), hash, seed.to_vec(), now()],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Other(format!("{email} already has an account"))
            }
            e => e.into(),
        })?;
        Ok(db.last_insert_rowid())
    }

    /// The learner id when the password is right.
    pub fn check_password(&self, email: &str, password: &str) -> R<Option<i64>> {
        // the lock is released before the (slow) hash check
        let row = wellspring_serverkit::password::lookup(
            &self.db(),
            "SELECT id, password_hash FROM learner WHERE email = ?1",
            &email.trim().to_lowercase(),
        )?;
        Ok(wellspring_serverkit::password::check(row, password))
    }

    pub fn learner_email(&self, id: i64) -> R<Option<String>> {
        Ok(self
            .db()
            .query_row(
                "SELECT email FROM learner WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn learner_by_email(&self, email: &str) -> R<Option<i64>> {
        Ok(self
            .db()
            .query_row(
                "SELECT id FROM learner WHERE email = ?1",
                params![email.trim().to_lowercase()],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn key_seed(&self, learner: i64) -> R<[u8; 32]> {
        let v: Vec<u8> = self.db().query_row(
            "SELECT key_seed FROM learner WHERE id = ?1",
            params![learner],
            |r| r.get(0),
        )?;
        v.try_into()
            .map_err(|_| StoreError::Other("bad key seed".into()))
    }

    /// Adds a credential; the same issuer + credential id (the spec's equality) replaces the
    /// older copy. Returns the row id and whether it was new.
    pub fn put_credential(&self, learner: i64, c: &NewCredential) -> R<(i64, bool)> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let existing: Option<i64> = match (&c.issuer_id, &c.vc_id) {
            (Some(i), Some(v)) => tx
                .query_row(
                    "SELECT id FROM credential WHERE learner = ?1 AND issuer_id = ?2 AND vc_id = ?3",
                    params![learner, i, v],
                    |r| r.get(0),
                )
                .optional()?,
            _ => None,
        };
        let vals = params![
            learner,
            c.format,
            c.original,
            c.credential,
            c.vc_id,
            c.issuer_id,
            c.kind,
            c.name,
            c.description,
            c.issuer_name,
            c.issued_on,
            c.image,
            c.status,
            c.report,
            c.verified_at,
            c.source,
            now()
        ];
        let id = if let Some(id) = existing {
            tx.execute("DELETE FROM credential WHERE id = ?1", params![id])?;
            tx.execute(
                "INSERT INTO credential (learner, format, original, credential, vc_id, issuer_id, kind, name, description,
                 issuer_name, issued_on, image, status, report, verified_at, source, added, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                rusqlite::params_from_iter(vals.iter().copied().chain(std::iter::once(&id as &dyn rusqlite::ToSql))),
            )?;
            id
        } else {
            tx.execute(
                "INSERT INTO credential (learner, format, original, credential, vc_id, issuer_id, kind, name, description,
                 issuer_name, issued_on, image, status, report, verified_at, source, added)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                vals,
            )?;
            tx.last_insert_rowid()
        };
        tx.commit()?;
        Ok((id, existing.is_none()))
    }

    fn row(r: &rusqlite::Row) -> rusqlite::Result<StoredCredential> {
        Ok(StoredCredential {
            id: r.get(0)?,
            format: r.get(1)?,
            original: r.get(2)?,
            credential: r.get(3)?,
            vc_id: r.get(4)?,
            issuer_id: r.get(5)?,
            kind: r.get(6)?,
            name: r.get(7)?,
            description: r.get(8)?,
            issuer_name: r.get(9)?,
            issued_on: r.get(10)?,
            image: r.get(11)?,
            status: r.get(12)?,
            report: r.get(13)?,
            verified_at: r.get(14)?,
            source: r.get(15)?,
        })
    }

    const COLS: &'static str = "id, format, original, credential, vc_id, issuer_id, kind, name, description, issuer_name, issued_on, image, status, report, verified_at, source";

    pub fn credentials(&self, learner: i64) -> R<Vec<StoredCredential>> {
        let db = self.db();
        let mut st = db.prepare(&format!(
            "SELECT {} FROM credential WHERE learner = ?1 ORDER BY id",
            Self::COLS
        ))?;
        let rows = st.query_map(params![learner], Self::row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One page of the learner's credentials of the given kinds, oldest first, those added at
    /// or after `since` (Unix milliseconds) when given, and how many match in all.
    pub fn credentials_of_kinds(
        &self,
        learner: i64,
        kinds: &[&str],
        since: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> R<(Vec<StoredCredential>, usize)> {
        let since = since
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default();
        let kinds = serde_json::to_string(kinds).unwrap_or_default();
        let filter = "learner = ?1 AND kind IN (SELECT value FROM json_each(?2)) AND added >= ?3";
        let db = self.db();
        let total: i64 = db.query_row(
            &format!("SELECT COUNT(*) FROM credential WHERE {filter}"),
            params![learner, kinds, since],
            |r| r.get(0),
        )?;
        let mut st = db.prepare(&format!(
            "SELECT {} FROM credential WHERE {filter} ORDER BY id LIMIT ?4 OFFSET ?5",
            Self::COLS
        ))?;
        let rows = st.query_map(
            params![learner, kinds, since, limit as i64, offset as i64],
            Self::row,
        )?;
        Ok((rows.collect::<Result<_, _>>()?, total as usize))
    }

    /// The learner's Profile JSON as last put.
    pub fn profile(&self, learner: i64) -> R<Option<String>> {
        Ok(self
            .db()
            .query_row(
                "SELECT json FROM profile WHERE learner = ?1",
                params![learner],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_profile(&self, learner: i64, json: &str) -> R<()> {
        self.db().execute(
            "INSERT INTO profile (learner, json) VALUES (?1, ?2) ON CONFLICT(learner) DO UPDATE SET json = excluded.json",
            params![learner, json],
        )?;
        Ok(())
    }

    pub fn credential(&self, learner: i64, id: i64) -> R<Option<StoredCredential>> {
        Ok(self
            .db()
            .query_row(
                &format!(
                    "SELECT {} FROM credential WHERE learner = ?1 AND id = ?2",
                    Self::COLS
                ),
                params![learner, id],
                Self::row,
            )
            .optional()?)
    }

    pub fn set_verification(&self, id: i64, status: &str, report: &str) -> R<()> {
        self.db().execute(
            "UPDATE credential SET status = ?2, report = ?3, verified_at = ?4 WHERE id = ?1",
            params![id, status, report, now()],
        )?;
        Ok(())
    }

    pub fn delete_credential(&self, learner: i64, id: i64) -> R<bool> {
        Ok(self.db().execute(
            "DELETE FROM credential WHERE learner = ?1 AND id = ?2",
            params![learner, id],
        )? > 0)
    }

    pub fn add_connection(
        &self,
        learner: i64,
        standard: &str,
        base: &str,
        provider: &str,
        client_id: &str,
        client_secret: &str,
    ) -> R<i64> {
        let db = self.db();
        db.execute(
            "INSERT INTO connection (learner, standard, base, provider, client_id, client_secret, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![learner, standard, base, provider, client_id, client_secret, now()],
        )?;
        Ok(db.last_insert_rowid())
    }

    pub fn connections(&self, learner: i64) -> R<Vec<ProviderConnection>> {
        let db = self.db();
        let mut st = db.prepare(
            "SELECT id, standard, base, provider, client_id, client_secret, access, refresh, expires_at, last_sync, last_error
             FROM connection WHERE learner = ?1 ORDER BY id",
        )?;
        let rows = st.query_map(params![learner], |r| {
            Ok(Connection_ {
                id: r.get(0)?,
                standard: r.get(1)?,
                base: r.get(2)?,
                provider: r.get(3)?,
                client_id: r.get(4)?,
                client_secret: r.get(5)?,
                access: r.get(6)?,
                refresh: r.get(7)?,
                expires_at: r.get(8)?,
                last_sync: r.get(9)?,
                last_error: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn connection(&self, learner: i64, id: i64) -> R<Option<ProviderConnection>> {
        Ok(self.connections(learner)?.into_iter().find(|c| c.id == id))
    }

    pub fn set_tokens(
        &self,
        id: i64,
        access: &str,
        refresh: Option<&str>,
        expires_at: Option<i64>,
    ) -> R<()> {
        self.db().execute(
            "UPDATE connection SET access = ?2, refresh = ?3, expires_at = ?4 WHERE id = ?1",
            params![id, access, refresh, expires_at],
        )?;
        Ok(())
    }

    pub fn set_sync(&self, id: i64, error: Option<&str>) -> R<()> {
        self.db().execute(
            "UPDATE connection SET last_sync = ?2, last_error = ?3 WHERE id = ?1",
            params![id, now(), error],
        )?;
        Ok(())
    }

    pub fn add_pending(
        &self,
        state: &str,
        learner: i64,
        connection: i64,
        verifier: &str,
        url: &str,
    ) -> R<()> {
        self.db().execute(
            "INSERT INTO pending (state, learner, connection, verifier, url, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![state, learner, connection, verifier, url, chrono::Utc::now().timestamp()],
        )?;
        Ok(())
    }

    /// Takes (and deletes) a pending authorization: (learner, connection, verifier, url).
    /// Older than ten minutes counts as absent.
    pub fn take_pending(&self, state: &str) -> R<Option<(i64, i64, String, String)>> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let row = tx
            .query_row(
                "SELECT learner, connection, verifier, url, created FROM pending WHERE state = ?1",
                params![state],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()?;
        tx.execute("DELETE FROM pending WHERE state = ?1", params![state])?;
        tx.commit()?;
        Ok(row.and_then(|(l, c, v, u, t)| {
            (chrono::Utc::now().timestamp() - t <= 600).then_some((l, c, v, u))
        }))
    }

    /// A browser session for a signed-in learner; the cookie holds the token, the store its hash.
    pub fn new_session(&self, learner: i64) -> R<String> {
        let t = random_token();
        self.db().execute(
            "INSERT INTO session (token_hash, learner, expires) VALUES (?1, ?2, ?3)",
            params![
                token_hash(&t),
                learner,
                chrono::Utc::now().timestamp() + 12 * 3600
            ],
        )?;
        Ok(t)
    }

    pub fn session(&self, token: &str) -> R<Option<i64>> {
        Ok(self
            .db()
            .query_row(
                "SELECT learner FROM session WHERE token_hash = ?1 AND expires > ?2",
                params![token_hash(token), chrono::Utc::now().timestamp()],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn end_session(&self, token: &str) -> R<()> {
        self.db().execute(
            "DELETE FROM session WHERE token_hash = ?1",
            params![token_hash(token)],
        )?;
        Ok(())
    }
}
