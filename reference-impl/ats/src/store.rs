//! The ATS's SQLite store: recruiters (Argon2id password hashes) and their sessions, jobs,
//! application challenges, applications (the exact bytes received) with each credential's
//! judgement, and the CASE framework cache. Migrations run on open.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::intake::{Judgement, Person};
use crate::score::AlignmentRef;

pub type R<T> = Result<T, String>;

fn e(x: rusqlite::Error) -> String {
    format!("store: {x}")
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS recruiter (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS session (token_hash TEXT PRIMARY KEY, recruiter INTEGER NOT NULL, expires INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS job (id INTEGER PRIMARY KEY, title TEXT NOT NULL, framework TEXT NOT NULL,
        case_base TEXT NOT NULL, requirements TEXT NOT NULL, created TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS challenge (value TEXT PRIMARY KEY, job INTEGER NOT NULL, expires INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS application (id INTEGER PRIMARY KEY, job INTEGER NOT NULL REFERENCES job(id),
        received TEXT NOT NULL, holder TEXT, name TEXT, email TEXT, document BLOB NOT NULL, challenge TEXT,
        presentation_error TEXT, report TEXT NOT NULL, verified_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS credential (id INTEGER PRIMARY KEY, application INTEGER NOT NULL REFERENCES application(id),
        idx INTEGER NOT NULL, parent INTEGER, pointer TEXT NOT NULL, kind TEXT NOT NULL, credential TEXT NOT NULL,
        display TEXT NOT NULL, status TEXT NOT NULL, counts INTEGER NOT NULL, why_not TEXT, alignments TEXT NOT NULL,
        person TEXT NOT NULL, report TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS framework (doc_id TEXT PRIMARY KEY, base TEXT NOT NULL, package TEXT NOT NULL,
        last_change TEXT, fetched_at TEXT NOT NULL, fetches INTEGER NOT NULL)",
];

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Job {
    pub id: i64,
    pub title: String,
    /// CFDocument identifier of the job-skill framework.
    pub framework: String,
    pub case_base: String,
    /// CFItem identifiers.
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Application {
    pub id: i64,
    pub job: i64,
    pub received: String,
    pub holder: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(skip)]
    pub document: Vec<u8>,
    pub challenge: Option<String>,
    pub presentation_error: Option<String>,
    pub verified_at: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CredentialRow {
    pub index: usize,
    pub parent: Option<usize>,
    pub pointer: String,
    pub kind: String,
    pub credential: Value,
    pub display: Value,
    pub status: String,
    pub counts: bool,
    pub why_not: Option<String>,
    pub alignments: Vec<AlignmentRef>,
    pub person: Person,
    pub report: Value,
}

#[derive(Debug, Clone)]
pub struct CachedFramework {
    pub package: Value,
    /// The CASE provider it was fetched from.
    pub base: String,
    pub last_change: Option<String>,
    pub fetched_at: String,
    /// How many times the package was fetched.
    pub fetches: i64,
}

#[derive(Clone)]
pub struct Store {
    db: Arc<Mutex<Connection>>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random URL-safe token from the OS generator.
pub fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut raw = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

impl Store {
    pub fn open(path: &Path) -> R<Store> {
        wellspring_serverkit::files::private_db(path)
            .map_err(|x| format!("{}: {x}", path.display()))?;
        let c = Connection::open(path).map_err(|x| format!("{}: {x}", path.display()))?;
        c.pragma_update(None, "journal_mode", "WAL").map_err(e)?;
        c.pragma_update(None, "foreign_keys", "ON").map_err(e)?;
        c.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(e)?;
        for s in SCHEMA {
            c.execute(s, []).map_err(e)?;
        }
        // the client address of each application (quotas); older files get the column
        let has_client = c.prepare("SELECT client FROM application LIMIT 0").is_ok();
        if !has_client {
            c.execute("ALTER TABLE application ADD COLUMN client TEXT", [])
                .map_err(e)?;
        }
        Ok(Store {
            db: Arc::new(Mutex::new(c)),
        })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add_recruiter(&self, email: &str, password: &str) -> R<i64> {
        if email.trim().is_empty() || password.len() < 8 {
            return Err("an e-mail and a password of at least 8 characters are needed".into());
        }
        let h = wellspring_serverkit::password::hash(password)?;
        let db = self.db();
        db.execute(
            "INSERT INTO recruiter (email, password_hash) VALUES (?1, ?2)",
            params![email.trim(), h],
        )
        .map_err(e)?;
        Ok(db.last_insert_rowid())
    }

    pub fn has_recruiter(&self, email: &str) -> R<bool> {
        let n: i64 = self
            .db()
            .query_row(
                "SELECT COUNT(*) FROM recruiter WHERE email = ?1",
                [email],
                |r| r.get(0),
            )
            .map_err(e)?;
        Ok(n > 0)
    }

    /// The recruiter's id when the password is right.
    pub fn check_password(&self, email: &str, password: &str) -> R<Option<i64>> {
        // the lock is released before the (slow) hash check
        let row = wellspring_serverkit::password::lookup(
            &self.db(),
            "SELECT id, password_hash FROM recruiter WHERE email = ?1",
            email.trim(),
        )
        .map_err(e)?;
        Ok(wellspring_serverkit::password::check(row, password))
    }

    pub fn new_session(&self, recruiter: i64) -> R<String> {
        let t = random_token();
        let exp = chrono::Utc::now().timestamp() + 12 * 3600;
        self.db()
            .execute(
                "INSERT INTO session VALUES (?1, ?2, ?3)",
                params![hash(&t), recruiter, exp],
            )
            .map_err(e)?;
        Ok(t)
    }

    pub fn session(&self, token: &str) -> R<Option<String>> {
        self.db()
            .query_row(
                "SELECT r.email FROM session s JOIN recruiter r ON r.id = s.recruiter WHERE s.token_hash = ?1 AND s.expires > ?2",
                params![hash(token), chrono::Utc::now().timestamp()],
                |r| r.get(0),
            )
            .optional()
            .map_err(e)
    }

    pub fn end_session(&self, token: &str) -> R<()> {
        self.db()
            .execute("DELETE FROM session WHERE token_hash = ?1", [hash(token)])
            .map_err(e)?;
        Ok(())
    }

    pub fn add_job(
        &self,
        title: &str,
        framework: &str,
        case_base: &str,
        requirements: &[String],
    ) -> R<i64> {
        let db = self.db();
        db.execute(
            "INSERT INTO job (title, framework, case_base, requirements, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![title, framework, case_base, serde_json::to_string(requirements).unwrap_or_default(), now()],
        )
        .map_err(e)?;
        Ok(db.last_insert_rowid())
    }

    fn job_of(r: &rusqlite::Row) -> rusqlite::Result<Job> {
        let reqs: String = r.get(4)?;
        Ok(Job {
            id: r.get(0)?,
            title: r.get(1)?,
            framework: r.get(2)?,
            case_base: r.get(3)?,
            requirements: serde_json::from_str(&reqs).unwrap_or_default(),
        })
    }

    pub fn jobs(&self) -> R<Vec<Job>> {
        let db = self.db();
        let mut st = db
            .prepare("SELECT id, title, framework, case_base, requirements FROM job ORDER BY id")
            .map_err(e)?;
        let rows = st.query_map([], Self::job_of).map_err(e)?;
        rows.collect::<Result<_, _>>().map_err(e)
    }

    pub fn job(&self, id: i64) -> R<Option<Job>> {
        self.db()
            .query_row(
                "SELECT id, title, framework, case_base, requirements FROM job WHERE id = ?1",
                [id],
                Self::job_of,
            )
            .optional()
            .map_err(e)
    }

    /// A fresh single-use challenge for applying to `job`, valid for an hour.
    pub fn new_challenge(&self, job: i64) -> R<String> {
        let c = random_token();
        let now = chrono::Utc::now().timestamp();
        let db = self.db();
        db.execute("DELETE FROM challenge WHERE expires < ?1", [now])
            .map_err(e)?;
        db.execute(
            "INSERT INTO challenge VALUES (?1, ?2, ?3)",
            params![c, job, now + 3600],
        )
        .map_err(e)?;
        Ok(c)
    }

    /// Whether `challenge` is live for `job` (not consumed).
    pub fn challenge_live(&self, job: i64, challenge: &str) -> R<bool> {
        let n: i64 = self
            .db()
            .query_row(
                "SELECT COUNT(*) FROM challenge WHERE value = ?1 AND job = ?2 AND expires >= ?3",
                params![challenge, job, chrono::Utc::now().timestamp()],
                |r| r.get(0),
            )
            .map_err(e)?;
        Ok(n > 0)
    }

    /// Applications stored in all, and those sent from `client`.
    pub fn application_counts(&self, client: &str) -> R<(i64, i64)> {
        self.db()
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(client = ?1), 0) FROM application",
                [client],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(e)
    }

    /// Records the client address an application came from.
    pub fn set_application_client(&self, application: i64, client: &str) -> R<()> {
        self.db()
            .execute(
                "UPDATE application SET client = ?2 WHERE id = ?1",
                params![application, client],
            )
            .map_err(e)?;
        Ok(())
    }

    /// Stores a judged application, consuming its challenge in the same transaction (fails
    /// when another application used it first).
    pub fn add_application(
        &self,
        job: i64,
        document: &[u8],
        name: Option<&str>,
        email: Option<&str>,
        challenge: Option<&str>,
        j: &Judgement,
    ) -> R<i64> {
        let mut db = self.db();
        let tx = db.transaction().map_err(e)?;
        if let Some(c) = challenge {
            let n = tx
                .execute(
                    "DELETE FROM challenge WHERE value = ?1 AND job = ?2",
                    params![c, job],
                )
                .map_err(e)?;
            if n != 1 {
                return Err(
                    "this challenge was already used or has expired: ask for a new one".into(),
                );
            }
        }
        let t = now();
        tx.execute(
            "INSERT INTO application (job, received, holder, name, email, document, challenge, presentation_error, report, verified_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?2)",
            params![job, t, j.holder, name, email, document, challenge, j.presentation_error, report_json(&j.report)],
        )
        .map_err(e)?;
        let id = tx.last_insert_rowid();
        put_credentials(&tx, id, j)?;
        tx.commit().map_err(e)?;
        Ok(id)
    }

    /// Replaces an application's judgement (verify again).
    pub fn rejudge(&self, application: i64, j: &Judgement) -> R<()> {
        let mut db = self.db();
        let tx = db.transaction().map_err(e)?;
        tx.execute(
            "UPDATE application SET holder = ?2, presentation_error = ?3, report = ?4, verified_at = ?5 WHERE id = ?1",
            params![application, j.holder, j.presentation_error, report_json(&j.report), now()],
        )
        .map_err(e)?;
        tx.execute(
            "DELETE FROM credential WHERE application = ?1",
            [application],
        )
        .map_err(e)?;
        put_credentials(&tx, application, j)?;
        tx.commit().map_err(e)
    }

    fn application_of(r: &rusqlite::Row) -> rusqlite::Result<Application> {
        Ok(Application {
            id: r.get(0)?,
            job: r.get(1)?,
            received: r.get(2)?,
            holder: r.get(3)?,
            name: r.get(4)?,
            email: r.get(5)?,
            document: r.get(6)?,
            challenge: r.get(7)?,
            presentation_error: r.get(8)?,
            verified_at: r.get(9)?,
        })
    }

    pub fn applications(&self, job: i64) -> R<Vec<Application>> {
        let db = self.db();
        let mut st = db
            .prepare("SELECT id, job, received, holder, name, email, document, challenge, presentation_error, verified_at FROM application WHERE job = ?1 ORDER BY id")
            .map_err(e)?;
        let rows = st.query_map([job], Self::application_of).map_err(e)?;
        rows.collect::<Result<_, _>>().map_err(e)
    }

    pub fn application(&self, job: i64, id: i64) -> R<Option<Application>> {
        self.db()
            .query_row(
                "SELECT id, job, received, holder, name, email, document, challenge, presentation_error, verified_at FROM application WHERE job = ?1 AND id = ?2",
                [job, id],
                Self::application_of,
            )
            .optional()
            .map_err(e)
    }

    pub fn credentials(&self, application: i64) -> R<Vec<CredentialRow>> {
        let db = self.db();
        let mut st = db
            .prepare(
                "SELECT idx, parent, pointer, kind, credential, display, status, counts, why_not, alignments, person, report
                 FROM credential WHERE application = ?1 ORDER BY idx",
            )
            .map_err(e)?;
        let rows = st
            .query_map([application], |r| {
                let j = |i: usize| -> rusqlite::Result<Value> {
                    Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or(Value::Null))
                };
                Ok(CredentialRow {
                    index: r.get::<_, i64>(0)? as usize,
                    parent: r.get::<_, Option<i64>>(1)?.map(|p| p as usize),
                    pointer: r.get(2)?,
                    kind: r.get(3)?,
                    credential: j(4)?,
                    display: j(5)?,
                    status: r.get(6)?,
                    counts: r.get::<_, i64>(7)? != 0,
                    why_not: r.get(8)?,
                    alignments: serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default(),
                    person: serde_json::from_str(&r.get::<_, String>(10)?).unwrap_or_default(),
                    report: j(11)?,
                })
            })
            .map_err(e)?;
        rows.collect::<Result<_, _>>().map_err(e)
    }

    pub fn framework(&self, doc_id: &str) -> R<Option<CachedFramework>> {
        self.db()
            .query_row(
                "SELECT package, last_change, fetched_at, fetches, base FROM framework WHERE doc_id = ?1",
                [doc_id],
                |r| {
                    Ok(CachedFramework {
                        package: serde_json::from_str(&r.get::<_, String>(0)?)
                            .unwrap_or(Value::Null),
                        last_change: r.get(1)?,
                        fetched_at: r.get(2)?,
                        fetches: r.get(3)?,
                        base: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(e)
    }

    pub fn put_framework(
        &self,
        doc_id: &str,
        base: &str,
        package: &Value,
        last_change: Option<&str>,
    ) -> R<()> {
        self.db()
            .execute(
                "INSERT INTO framework VALUES (?1, ?2, ?3, ?4, ?5, 1) ON CONFLICT(doc_id) DO UPDATE SET
                 base = excluded.base, package = excluded.package, last_change = excluded.last_change,
                 fetched_at = excluded.fetched_at, fetches = framework.fetches + 1",
                params![doc_id, base, package.to_string(), last_change, now()],
            )
            .map_err(e)?;
        Ok(())
    }

    pub fn frameworks(&self) -> R<Vec<Value>> {
        let db = self.db();
        let mut st = db
            .prepare("SELECT package FROM framework ORDER BY doc_id")
            .map_err(e)?;
        let rows = st.query_map([], |r| r.get::<_, String>(0)).map_err(e)?;
        let texts: Vec<String> = rows.collect::<Result<_, _>>().map_err(e)?;
        Ok(texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect())
    }
}

fn report_json(r: &wellspring_report::DocReport) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

fn put_credentials(tx: &rusqlite::Transaction, application: i64, j: &Judgement) -> R<()> {
    for c in &j.credentials {
        tx.execute(
            "INSERT INTO credential (application, idx, parent, pointer, kind, credential, display, status, counts, why_not, alignments, person, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                application,
                c.index as i64,
                c.parent.map(|p| p as i64),
                c.pointer,
                c.kind,
                c.credential.to_string(),
                c.display.to_string(),
                c.status,
                c.counts as i64,
                c.why_not,
                serde_json::to_string(&c.alignments).unwrap_or_default(),
                serde_json::to_string(&c.person).unwrap_or_default(),
                report_json(&c.report),
            ],
        )
        .map_err(e)?;
    }
    Ok(())
}
