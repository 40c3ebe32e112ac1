//! The hub's SQLite store: learners (Argon2id password hashes), the issuer key, the catalog of
//! achievements (what CASE items each requires), the results received, what was awarded, and
//! every credential a learner holds (issued here or upserted by a client), kept as exact text.
//!
//! Status: every credential the hub issues has an index in the revocation status list
//! (`status_entry`), drawn at random among the free ones and recorded in the transaction that
//! stores the credential; revoking sets its `revoked` flag and bumps `meta.status_revision`
//! (what the served list's cache is keyed on).
//!
//! WAL and `synchronous=FULL`: a write is acknowledged only after its transaction is durable,
//! so whatever the hub answered survives `kill -9`. Migrations run in code on open.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// Schema version this code writes (`PRAGMA user_version`).
const VERSION: i64 = 1;

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS learner (
        id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
        name TEXT, subject_id TEXT NOT NULL, clr_id TEXT NOT NULL, salt TEXT NOT NULL,
        profile TEXT, created TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS issuer_key (
        id INTEGER PRIMARY KEY, seed BLOB NOT NULL, created TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS achievement (
        slug TEXT PRIMARY KEY, position INTEGER NOT NULL, definition TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS result (
        learner INTEGER NOT NULL REFERENCES learner(id), item TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (learner, item))",
    "CREATE TABLE IF NOT EXISTS award (
        learner INTEGER NOT NULL REFERENCES learner(id), achievement TEXT NOT NULL,
        credential_id TEXT NOT NULL, signed TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (learner, achievement))",
    "CREATE TABLE IF NOT EXISTS credential (
        id INTEGER PRIMARY KEY, learner INTEGER NOT NULL REFERENCES learner(id), standard TEXT NOT NULL,
        issuer_key TEXT NOT NULL, credential_key TEXT NOT NULL, format TEXT NOT NULL, body TEXT NOT NULL,
        stored INTEGER NOT NULL, origin TEXT NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS credential_same ON credential(learner, standard, issuer_key, credential_key)",
    "CREATE INDEX IF NOT EXISTS credential_list ON credential(learner, standard, stored, id)",
    // one status list (`/status/1`): `idx` is the credential's bit in it
    "CREATE TABLE IF NOT EXISTS status_entry (
        idx INTEGER PRIMARY KEY CHECK (idx >= 0), credential_id TEXT NOT NULL UNIQUE,
        allocated TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, reason TEXT, revoked_at TEXT)",
    "CREATE INDEX IF NOT EXISTS status_revoked ON status_entry(revoked)",
];

/// Entries in the status list: 131,072 bits (16 KB), the minimum the Bitstring Status List
/// asks for so that one credential's bit hides among many (herd privacy).
pub const STATUS_LIST_BITS: u32 = 131_072;

#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("store: {e}"))
    }
}

type R<T> = Result<T, StoreError>;

/// A learner account.
#[derive(Debug, Clone, PartialEq)]
pub struct Learner {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    /// The learner's subject id in credentials (`urn:uuid:…`).
    pub subject_id: String,
    /// The id of the learner's ClrCredential (stable: each reissue replaces it).
    pub clr_id: String,
    /// Salt of the hashed email identifier in credentials.
    pub salt: String,
}

/// One stored credential row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `json` or `jws`.
    pub format: String,
    pub body: String,
    /// When it was stored (Unix ms): what `since` compares.
    pub stored: i64,
}

/// A credential to store for a learner.
pub struct Put<'a> {
    pub learner: i64,
    pub standard: &'a str,
    pub issuer_key: &'a str,
    pub credential_key: &'a str,
    pub format: &'a str,
    pub body: &'a str,
    pub origin: &'a str,
}

/// What was awarded to a learner.
#[derive(Debug, Clone, PartialEq)]
pub struct Award {
    pub achievement: String,
    pub credential_id: String,
    /// The Data Integrity–signed OpenBadgeCredential (bundled in the CLR).
    pub signed: String,
    pub at: String,
}

/// A credential's place in the status list.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEntry {
    pub credential_id: String,
    pub index: u32,
    pub revoked: bool,
    pub reason: Option<String>,
    pub revoked_at: Option<String>,
}

/// What a revocation did.
#[derive(Debug, Clone, PartialEq)]
pub struct Revoked {
    pub entry: StatusEntry,
    /// It was revoked before this call (nothing changed: the first reason and time stay).
    pub already: bool,
}

#[derive(Clone)]
pub struct Store {
    db: Arc<Mutex<Connection>>,
    path: std::path::PathBuf,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn uuid_urn() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl Store {
    pub fn open(path: &Path) -> R<Store> {
        wellspring_serverkit::files::private_db(path)
            .map_err(|e| StoreError(format!("{}: {e}", path.display())))?;
        let c = Connection::open(path)?;
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.pragma_update(None, "synchronous", "FULL")?;
        c.pragma_update(None, "foreign_keys", "ON")?;
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v > VERSION {
            return Err(StoreError(format!(
                "{} was written by a newer hub (schema {v}, this one knows {VERSION})",
                path.display()
            )));
        }
        for s in SCHEMA {
            c.execute(s, [])?;
        }
        c.pragma_update(None, "user_version", VERSION)?;
        Ok(Store {
            db: Arc::new(Mutex::new(c)),
            path: path.to_owned(),
        })
    }

    /// The SQLite file (the OAuth tables live there too).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The issuer's Ed25519 seed, drawn from the OS generator on first use and kept.
    pub fn issuer_seed(&self) -> R<[u8; 32]> {
        use rand::RngCore;
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let got: Option<Vec<u8>> = tx
            .query_row("SELECT seed FROM issuer_key ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        let seed = match got {
            Some(s) => s,
            None => {
                let mut s = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut s);
                tx.execute(
                    "INSERT INTO issuer_key (seed, created) VALUES (?1, ?2)",
                    params![s.to_vec(), now()],
                )?;
                s.to_vec()
            }
        };
        tx.commit()?;
        seed.try_into()
            .map_err(|_| StoreError("the stored issuer key is not 32 bytes".into()))
    }

    pub fn meta(&self, key: &str) -> R<Option<String>> {
        Ok(self
            .db()
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> R<()> {
        self.db().execute("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![key, value])?;
        Ok(())
    }

    /// Creates a learner (Argon2id password hash). Email is kept lower-case.
    pub fn add_learner(&self, email: &str, password: &str, name: Option<&str>) -> R<i64> {
        let email = email.trim().to_lowercase();
        if !email.contains('@') || email.len() > 254 {
            return Err(StoreError(format!("{email:?} is not an email address")));
        }
        if password.chars().count() < 8 {
            return Err(StoreError(
                "the password must have at least 8 characters".into(),
            ));
        }
        let hash = wellspring_serverkit::password::hash(password).map_err(StoreError)?;
        let id_salt = hex::encode(uuid_urn().as_bytes())[..16].to_owned();
        let db = self.db();
        db.execute(
            "INSERT INTO learner (email, password_hash, name, subject_id, clr_id, salt, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![email, hash, name, uuid_urn(), uuid_urn(), id_salt, now()],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => StoreError(format!("{email} already has an account")),
            e => e.into(),
        })?;
        Ok(db.last_insert_rowid())
    }

    /// The learner when the password is right (same work for unknown accounts).
    pub fn check_password(&self, email: &str, password: &str) -> R<Option<i64>> {
        // the lock is released before the (slow) hash check
        let row = wellspring_serverkit::password::lookup(
            &self.db(),
            "SELECT id, password_hash FROM learner WHERE email = ?1",
            &email.trim().to_lowercase(),
        )?;
        Ok(wellspring_serverkit::password::check(row, password))
    }

    fn learner_row(r: &rusqlite::Row) -> rusqlite::Result<Learner> {
        Ok(Learner {
            id: r.get(0)?,
            email: r.get(1)?,
            name: r.get(2)?,
            subject_id: r.get(3)?,
            clr_id: r.get(4)?,
            salt: r.get(5)?,
        })
    }

    pub fn learner(&self, id: i64) -> R<Option<Learner>> {
        Ok(self
            .db()
            .query_row(
                "SELECT id, email, name, subject_id, clr_id, salt FROM learner WHERE id = ?1",
                params![id],
                Self::learner_row,
            )
            .optional()?)
    }

    pub fn learner_by_email(&self, email: &str) -> R<Option<Learner>> {
        Ok(self
            .db()
            .query_row(
                "SELECT id, email, name, subject_id, clr_id, salt FROM learner WHERE email = ?1",
                params![email.trim().to_lowercase()],
                Self::learner_row,
            )
            .optional()?)
    }

    pub fn profile(&self, learner: i64) -> R<Option<String>> {
        Ok(self
            .db()
            .query_row(
                "SELECT profile FROM learner WHERE id = ?1",
                params![learner],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    pub fn set_profile(&self, learner: i64, profile: &str) -> R<()> {
        self.db().execute(
            "UPDATE learner SET profile = ?2 WHERE id = ?1",
            params![learner, profile],
        )?;
        Ok(())
    }

    /// Stores a credential; the same (learner, standard, issuer, credential id) replaces the
    /// stored copy. True when it was new.
    pub fn put_credential(&self, p: &Put) -> R<bool> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM credential WHERE learner = ?1 AND standard = ?2 AND issuer_key = ?3 AND credential_key = ?4",
                params![p.learner, p.standard, p.issuer_key, p.credential_key],
                |r| r.get(0),
            )
            .optional()?;
        let t = chrono::Utc::now().timestamp_millis();
        match existing {
            Some(id) => {
                tx.execute("UPDATE credential SET format = ?2, body = ?3, stored = ?4, origin = ?5 WHERE id = ?1", params![id, p.format, p.body, t, p.origin])?;
            }
            None => {
                tx.execute(
                    "INSERT INTO credential (learner, standard, issuer_key, credential_key, format, body, stored, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![p.learner, p.standard, p.issuer_key, p.credential_key, p.format, p.body, t, p.origin],
                )?;
            }
        }
        tx.commit()?;
        Ok(existing.is_none())
    }

    /// A page of a learner's credentials of a standard (oldest first) and the total.
    pub fn credentials(
        &self,
        learner: i64,
        standard: &str,
        since: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> R<(Vec<Row>, usize)> {
        let db = self.db();
        let since = since.unwrap_or(i64::MIN);
        let total: i64 = db
            .prepare_cached("SELECT COUNT(*) FROM credential WHERE learner = ?1 AND standard = ?2 AND stored > ?3")?
            .query_row(params![learner, standard, since], |r| r.get(0))?;
        let mut st = db.prepare_cached(
            "SELECT format, body, stored FROM credential WHERE learner = ?1 AND standard = ?2 AND stored > ?3 ORDER BY stored, id LIMIT ?4 OFFSET ?5",
        )?;
        let rows = st
            .query_map(
                params![learner, standard, since, limit as i64, offset as i64],
                |r| {
                    Ok(Row {
                        format: r.get(0)?,
                        body: r.get(1)?,
                        stored: r.get(2)?,
                    })
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((rows, total as usize))
    }

    /// Replaces the catalog entry of an achievement.
    pub fn put_achievement(&self, slug: &str, position: i64, definition: &Value) -> R<()> {
        self.db().execute(
            "INSERT INTO achievement (slug, position, definition) VALUES (?1, ?2, ?3)
             ON CONFLICT(slug) DO UPDATE SET position = excluded.position, definition = excluded.definition",
            params![slug, position, definition.to_string()],
        )?;
        Ok(())
    }

    /// The catalog, in order: (slug, definition).
    pub fn achievements(&self) -> R<Vec<(String, Value)>> {
        let db = self.db();
        let mut st =
            db.prepare("SELECT slug, definition FROM achievement ORDER BY position, slug")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for r in rows {
            let (slug, def) = r?;
            out.push((slug, serde_json::from_str(&def).unwrap_or(Value::Null)));
        }
        Ok(out)
    }

    /// Records satisfied items (idempotent); returns every item the learner has satisfied.
    pub fn add_results(&self, learner: i64, items: &[String]) -> R<Vec<String>> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let t = now();
        for i in items {
            tx.execute(
                "INSERT OR IGNORE INTO result (learner, item, at) VALUES (?1, ?2, ?3)",
                params![learner, i, t],
            )?;
        }
        let all = {
            let mut st = tx.prepare("SELECT item FROM result WHERE learner = ?1 ORDER BY item")?;
            let rows = st.query_map(params![learner], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        tx.commit()?;
        Ok(all)
    }

    pub fn awards(&self, learner: i64) -> R<Vec<Award>> {
        let db = self.db();
        let mut st = db.prepare(
            "SELECT a.achievement, a.credential_id, a.signed, a.at FROM award a LEFT JOIN achievement c ON c.slug = a.achievement
             WHERE a.learner = ?1 ORDER BY c.position, a.at",
        )?;
        let rows = st.query_map(params![learner], |r| {
            Ok(Award {
                achievement: r.get(0)?,
                credential_id: r.get(1)?,
                signed: r.get(2)?,
                at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Records an award and stores its credential(s) in one transaction: either all of it is
    /// durable or none. `creds` are the learner's credentials to put (OB, then the CLR);
    /// `status` the status list indexes they carry (credential id, index), from
    /// [`Store::status_index_for`]: recorded here, in the same transaction.
    pub fn award(
        &self,
        learner: i64,
        achievement: &str,
        credential_id: &str,
        signed: &str,
        creds: &[Put],
        status: &[(&str, u32)],
    ) -> R<()> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (cid, idx) in status {
            record_status(&tx, cid, *idx)?;
        }
        tx.execute(
            "INSERT INTO award (learner, achievement, credential_id, signed, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![learner, achievement, credential_id, signed, now()],
        )?;
        let t = chrono::Utc::now().timestamp_millis();
        for p in creds {
            tx.execute(
                "INSERT INTO credential (learner, standard, issuer_key, credential_key, format, body, stored, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(learner, standard, issuer_key, credential_key) DO UPDATE SET format = excluded.format, body = excluded.body, stored = excluded.stored, origin = excluded.origin",
                params![p.learner, p.standard, p.issuer_key, p.credential_key, p.format, p.body, t, p.origin],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The status list index of a credential: the one it already has (a reissued CLR keeps
    /// its own), or a free one drawn at random from the OS generator so that indexes say
    /// nothing about the order of issuance. `taken` are indexes already promised to other
    /// credentials of the same issuance. Not recorded here: [`Store::award`] records it with
    /// the credential. Callers issue one at a time (the hub's issuing lock).
    pub fn status_index_for(&self, credential_id: &str, taken: &[u32]) -> R<u32> {
        use rand::Rng;
        let db = self.db();
        let existing: Option<u32> = db
            .query_row(
                "SELECT idx FROM status_entry WHERE credential_id = ?1",
                params![credential_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(i) = existing {
            return Ok(i);
        }
        let used = |i: u32| -> R<bool> {
            Ok(taken.contains(&i)
                || db
                    .prepare_cached("SELECT 1 FROM status_entry WHERE idx = ?1")?
                    .query_row(params![i], |_| Ok(()))
                    .optional()?
                    .is_some())
        };
        let mut rng = rand::rngs::OsRng;
        // a sparse list: a few random draws find a free bit
        for _ in 0..64 {
            let i = rng.gen_range(0..STATUS_LIST_BITS);
            if !used(i)? {
                return Ok(i);
            }
        }
        // a nearly full one: draw among the free bits themselves
        let mut st = db.prepare("SELECT idx FROM status_entry")?;
        let all: std::collections::HashSet<u32> = st
            .query_map([], |r| r.get::<_, u32>(0))?
            .collect::<Result<_, _>>()?;
        let free: Vec<u32> = (0..STATUS_LIST_BITS)
            .filter(|i| !all.contains(i) && !taken.contains(i))
            .collect();
        if free.is_empty() {
            return Err(StoreError(format!(
                "the status list is full ({STATUS_LIST_BITS} credentials): no index left to issue with"
            )));
        }
        Ok(free[rng.gen_range(0..free.len())])
    }

    /// The signed JSON of a credential the hub issued, as last issued: an OpenBadgeCredential
    /// (its award; JSON even when delivered as a VC-JWT) or a learner's current ClrCredential.
    pub fn issued_json(&self, credential_id: &str) -> R<Option<String>> {
        let db = self.db();
        let id = credential_id.trim();
        let award: Option<String> = db
            .query_row(
                "SELECT signed FROM award WHERE credential_id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        if award.is_some() {
            return Ok(award);
        }
        Ok(db
            .query_row(
                "SELECT c.body FROM credential c JOIN learner l ON l.id = c.learner
                 WHERE l.clr_id = ?1 AND c.standard = 'clr' AND c.origin = 'issued' AND c.format = 'json'",
                params![id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The status entry of a credential the hub issued.
    pub fn status_entry(&self, credential_id: &str) -> R<Option<StatusEntry>> {
        Ok(self
            .db()
            .query_row(
                "SELECT credential_id, idx, revoked, reason, revoked_at FROM status_entry WHERE credential_id = ?1",
                params![credential_id.trim()],
                status_row,
            )
            .optional()?)
    }

    /// Revokes a credential the hub issued (its bit in the status list is set from now on).
    /// Idempotent: revoking it again changes nothing. `None`: no credential of that id has a
    /// status entry here.
    pub fn revoke(&self, credential_id: &str, reason: Option<&str>) -> R<Option<Revoked>> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let Some(before) = tx
            .query_row(
                "SELECT credential_id, idx, revoked, reason, revoked_at FROM status_entry WHERE credential_id = ?1",
                params![credential_id.trim()],
                status_row,
            )
            .optional()?
        else {
            return Ok(None);
        };
        if before.revoked {
            return Ok(Some(Revoked {
                entry: before,
                already: true,
            }));
        }
        let at = now();
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        tx.execute(
            "UPDATE status_entry SET revoked = 1, reason = ?2, revoked_at = ?3 WHERE idx = ?1",
            params![before.index, reason, at],
        )?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('status_revision', '1')
             ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
            [],
        )?;
        tx.commit()?;
        Ok(Some(Revoked {
            entry: StatusEntry {
                revoked: true,
                reason: reason.map(str::to_owned),
                revoked_at: Some(at),
                ..before
            },
            already: false,
        }))
    }

    /// The revoked indexes of the status list.
    pub fn revoked_indexes(&self) -> R<Vec<u32>> {
        let db = self.db();
        let mut st = db.prepare_cached("SELECT idx FROM status_entry WHERE revoked = 1")?;
        let rows = st.query_map([], |r| r.get::<_, u32>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Changes with every revocation (by this process or another one on the same file, such
    /// as `wellspring hub revoke`): what the served list is cached under.
    pub fn status_revision(&self) -> R<i64> {
        Ok(self
            .meta("status_revision")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}

fn status_row(r: &rusqlite::Row) -> rusqlite::Result<StatusEntry> {
    Ok(StatusEntry {
        credential_id: r.get(0)?,
        index: r.get(1)?,
        revoked: r.get::<_, i64>(2)? != 0,
        reason: r.get(3)?,
        revoked_at: r.get(4)?,
    })
}

/// Records a credential's status index inside the issuing transaction. The credential keeps
/// the index it has (a reissued CLR); an index another credential holds is refused (the
/// transaction fails and nothing of the issuance is stored).
fn record_status(tx: &rusqlite::Transaction, credential_id: &str, idx: u32) -> R<()> {
    if idx >= STATUS_LIST_BITS {
        return Err(StoreError(format!(
            "status index {idx} is outside the list (0..{STATUS_LIST_BITS})"
        )));
    }
    let have: Option<u32> = tx
        .query_row(
            "SELECT idx FROM status_entry WHERE credential_id = ?1",
            params![credential_id],
            |r| r.get(0),
        )
        .optional()?;
    match have {
        Some(i) if i == idx => Ok(()),
        Some(i) => Err(StoreError(format!(
            "{credential_id} already has status index {i}, not {idx}"
        ))),
        None => {
            tx.execute(
                "INSERT INTO status_entry (idx, credential_id, allocated) VALUES (?1, ?2, ?3)",
                params![idx, credential_id, now()],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    StoreError(format!(
                        "status index {idx} was taken meanwhile: the issuance is not stored, try again"
                    ))
                }
                e => e.into(),
            })?;
            Ok(())
        }
    }
}
