//! The embedded store: one SQLite file, every CASE object kept as its JSON text, keyed by identifier.
//!
//! Tables (see [`MIGRATIONS`]):
//! - `documents`: one row per CFDocument, with a `layout` that remembers the shape of the package it
//!   came in (key order, which arrays were present, unknown top-level keys) so `/CFPackages/{id}` gives
//!   back what was loaded;
//! - `objects`: every other object (items, associations, definitions, rubrics) by `(kind, identifier)`,
//!   with the document that last loaded it and, for associations, the origin/destination identifiers;
//! - `members`: which objects each package lists, in order.
//!
//! Nothing in a loaded object is rewritten: the JSON text stored is the JSON text read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use wellspring_case::view::{
    AssociationView, DefinitionsView, Identified, Link, List, LoadError, PackageView,
};

/// Object kinds kept in `objects`, named as the package arrays that hold them.
pub const ITEMS: &str = "CFItems";
pub const ASSOCIATIONS: &str = "CFAssociations";
pub const RUBRICS: &str = "CFRubrics";
/// The five `CFDefinitions` arrays.
pub const DEFINITION_KINDS: [&str; 5] = [
    "CFConcepts",
    "CFSubjects",
    "CFLicenses",
    "CFItemTypes",
    "CFAssociationGroupings",
];

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: initial schema
    "CREATE TABLE documents (
         identifier TEXT PRIMARY KEY,
         json       TEXT NOT NULL,
         layout     TEXT NOT NULL
     );
     CREATE TABLE objects (
         kind        TEXT NOT NULL,
         identifier  TEXT NOT NULL,
         doc_id      TEXT NOT NULL,
         json        TEXT NOT NULL,
         origin_id   TEXT,
         dest_id     TEXT,
         PRIMARY KEY (kind, identifier)
     );
     CREATE INDEX objects_origin ON objects(origin_id);
     CREATE INDEX objects_dest ON objects(dest_id);
     CREATE TABLE members (
         doc_id     TEXT NOT NULL,
         kind       TEXT NOT NULL,
         position   INTEGER NOT NULL,
         identifier TEXT NOT NULL,
         PRIMARY KEY (doc_id, kind, position)
     );
     CREATE INDEX members_object ON members(kind, identifier);",
];

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
        StoreError(format!("sqlite: {e}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(format!("json: {e}"))
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// What loading one package stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    pub document: String,
    pub title: String,
    pub items: usize,
    pub associations: usize,
    pub definitions: usize,
    pub rubrics: usize,
}

/// An object found by identifier, with the CFDocument that owns it.
pub struct Found {
    pub json: Value,
    pub doc_id: String,
}

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        wellspring_serverkit::files::private_db(path).map_err(|e| StoreError(e.to_string()))?;
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        conn.pragma_update(None, "journal_mode", "WAL").ok();
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let applied: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let applied = usize::try_from(applied).unwrap_or(0);
        if applied > MIGRATIONS.len() {
            return Err(StoreError(format!(
                "database schema version {applied} is newer than this server knows ({})",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores a CFPackage, replacing whatever an earlier load of the same CFDocument identifier (or
    /// the same object identifiers) stored: loading the same file twice changes nothing.
    pub fn load_package(&self, pkg: &Value) -> Result<LoadSummary> {
        let read = ReadPackage::read(pkg)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO documents (identifier, json, layout) VALUES (?1, ?2, ?3)
             ON CONFLICT(identifier) DO UPDATE SET json = excluded.json, layout = excluded.layout",
            params![
                read.doc_id,
                serde_json::to_string(read.doc)?,
                serde_json::to_string(&read.layout)?
            ],
        )?;
        tx.execute(
            "DELETE FROM members WHERE doc_id = ?1",
            params![read.doc_id],
        )?;
        let summary = put_objects(&tx, &read)?;
        // Objects no package lists any more (a re-load dropped them) are removed.
        tx.execute(
            "DELETE FROM objects WHERE NOT EXISTS
               (SELECT 1 FROM members m WHERE m.kind = objects.kind AND m.identifier = objects.identifier)",
            [],
        )?;
        tx.commit()?;
        Ok(summary)
    }

    /// Every CFDocument, in the order first loaded.
    pub fn documents(&self) -> Result<Vec<Value>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT json FROM documents ORDER BY rowid")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?)?);
        }
        Ok(out)
    }

    pub fn document(&self, id: &str) -> Result<Option<Value>> {
        let conn = self.conn();
        let text: Option<String> = conn
            .query_row(
                "SELECT json FROM documents WHERE identifier = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match text {
            Some(t) => Some(serde_json::from_str(&t)?),
            None => None,
        })
    }

    pub fn object(&self, kind: &str, id: &str) -> Result<Option<Found>> {
        let conn = self.conn();
        let row: Option<(String, String)> = conn
            .query_row(
                "SELECT json, doc_id FROM objects WHERE kind = ?1 AND identifier = ?2",
                params![kind, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            Some((json, doc_id)) => Some(Found {
                json: serde_json::from_str(&json)?,
                doc_id,
            }),
            None => None,
        })
    }

    /// Associations whose origin or destination is `id`, from every package.
    pub fn associations_touching(&self, id: &str) -> Result<Vec<Value>> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT json FROM objects WHERE kind = ?1 AND (origin_id = ?2 OR dest_id = ?2) ORDER BY rowid",
        )?;
        let rows = st.query_map(params![ASSOCIATIONS, id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?)?);
        }
        Ok(out)
    }

    /// Objects of `kind` listed by any package that also lists `id` (the candidates for a definition's
    /// hierarchyCode children), excluding `id` itself.
    pub fn siblings_in_packages(&self, kind: &str, id: &str) -> Result<Vec<Value>> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT DISTINCT o.json, o.rowid FROM objects o
               JOIN members m ON m.kind = o.kind AND m.identifier = o.identifier
              WHERE o.kind = ?1 AND o.identifier != ?2
                AND m.doc_id IN (SELECT doc_id FROM members WHERE kind = ?1 AND identifier = ?2)
              ORDER BY o.rowid",
        )?;
        let rows = st.query_map(params![kind, id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?)?);
        }
        Ok(out)
    }

    /// Rebuilds the CFPackage of a CFDocument as it was loaded.
    pub fn package(&self, doc_id: &str) -> Result<Option<Value>> {
        let conn = self.conn();
        let row: Option<(String, String)> = conn
            .query_row(
                "SELECT json, layout FROM documents WHERE identifier = ?1",
                params![doc_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((doc, layout)) = row else {
            return Ok(None);
        };
        let doc: Value = serde_json::from_str(&doc)?;
        let layout: Map<String, Value> = serde_json::from_str(&layout)?;

        let mut st = conn.prepare(
            "SELECT m.kind, m.identifier, o.json FROM members m
               JOIN objects o ON o.kind = m.kind AND o.identifier = m.identifier
              WHERE m.doc_id = ?1",
        )?;
        let rows = st.query_map(params![doc_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut objects: HashMap<(String, String), Value> = HashMap::new();
        for r in rows {
            let (kind, id, json) = r?;
            objects.insert((kind, id), serde_json::from_str(&json)?);
        }
        let expand = |kind: &str, ids: &Value| -> Value {
            let list = ids.as_array().map(Vec::as_slice).unwrap_or(&[]);
            Value::Array(
                list.iter()
                    .filter_map(|id| id.as_str())
                    .filter_map(|id| objects.get(&(kind.to_string(), id.to_string())).cloned())
                    .collect(),
            )
        };
        let verbatim = |v: &Value| v.get("verbatim").cloned().unwrap_or(Value::Null);

        let mut pkg = Map::new();
        for (key, shape) in &layout {
            let value = match key.as_str() {
                "CFDocument" => doc.clone(),
                ITEMS | ASSOCIATIONS | RUBRICS => expand(key, shape),
                "CFDefinitions" => match shape {
                    Value::Object(m) if !m.contains_key("verbatim") => {
                        let mut defs = Map::new();
                        for (dkey, dshape) in m {
                            let v = if DEFINITION_KINDS.contains(&dkey.as_str()) {
                                expand(dkey, dshape)
                            } else {
                                verbatim(dshape)
                            };
                            defs.insert(dkey.clone(), v);
                        }
                        Value::Object(defs)
                    }
                    other => verbatim(other),
                },
                _ => verbatim(shape),
            };
            pkg.insert(key.clone(), value);
        }
        Ok(Some(Value::Object(pkg)))
    }
}

/// Stores the objects of a package and its membership rows; counts them by kind.
fn put_objects(tx: &rusqlite::Transaction<'_>, read: &ReadPackage<'_>) -> Result<LoadSummary> {
    let mut summary = LoadSummary {
        document: read.doc_id.clone(),
        title: read.title.clone(),
        items: 0,
        associations: 0,
        definitions: 0,
        rubrics: 0,
    };
    let mut put_member = tx.prepare(
        "INSERT INTO members (doc_id, kind, position, identifier) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut put_object = tx.prepare(
        "INSERT INTO objects (kind, identifier, doc_id, json, origin_id, dest_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(kind, identifier) DO UPDATE SET doc_id = excluded.doc_id,
             json = excluded.json, origin_id = excluded.origin_id, dest_id = excluded.dest_id",
    )?;
    for row in &read.rows {
        put_member.execute(params![read.doc_id, row.kind, row.pos as i64, row.id])?;
        put_object.execute(params![
            row.kind,
            row.id,
            read.doc_id,
            serde_json::to_string(row.json)?,
            row.origin,
            row.dest
        ])?;
        match row.kind {
            ITEMS => summary.items += 1,
            ASSOCIATIONS => summary.associations += 1,
            RUBRICS => summary.rubrics += 1,
            _ => summary.definitions += 1,
        }
    }
    Ok(summary)
}

/// A CFPackage read through the CASE model's lenient view, ready to store.
struct ReadPackage<'a> {
    doc_id: String,
    title: String,
    /// The CFDocument as given.
    doc: &'a Value,
    /// Every object the package lists.
    rows: Vec<Row<'a>>,
    /// The package's shape (see the module documentation).
    layout: Map<String, Value>,
}

/// One object a package lists.
struct Row<'a> {
    kind: &'a str,
    pos: usize,
    id: String,
    /// The object as given.
    json: &'a Value,
    /// For an association, the identifiers of its origin and destination nodes.
    origin: Option<String>,
    dest: Option<String>,
}

impl<'a> ReadPackage<'a> {
    /// Reads `pkg`, refusing what cannot be stored by identifier. Objects are listed, and errors
    /// found, in the order of the package's properties.
    fn read(pkg: &'a Value) -> Result<Self> {
        let view = PackageView::from_value(pkg).map_err(|e| match e {
            LoadError::NotObject => StoreError("a CFPackage must be a JSON object".into()),
            LoadError::Json(e) => StoreError(format!("json: {e}")),
        })?;
        let doc = view
            .document
            .get()
            .ok_or_else(|| StoreError("the package has no CFDocument object".into()))?;
        let mut read = ReadPackage {
            doc_id: identifier_of(doc, "CFDocument")?,
            title: doc.title.as_str().unwrap_or("").to_string(),
            doc: &pkg["CFDocument"],
            rows: Vec::new(),
            layout: Map::new(),
        };
        let top = pkg.as_object().into_iter().flatten();
        for (key, value) in top {
            let shape = match key.as_str() {
                "CFDocument" => Value::Null,
                ITEMS => read.list(ITEMS, &view.items, value, no_nodes)?,
                ASSOCIATIONS => read.list(ASSOCIATIONS, &view.associations, value, nodes)?,
                RUBRICS => read.list(RUBRICS, &view.rubrics, value, no_nodes)?,
                "CFDefinitions" => match view.definitions.get() {
                    Some(defs) => read.definitions(defs, value)?,
                    // OpenSALT writes an empty CFDefinitions as []; keep whatever it was
                    None => verbatim(value),
                },
                _ => verbatim(value),
            };
            read.layout.insert(key.clone(), shape);
        }
        Ok(read)
    }

    /// Reads the `CFDefinitions` object; returns its shape.
    fn definitions(&mut self, defs: &DefinitionsView<'a>, value: &'a Value) -> Result<Value> {
        let mut shape = Map::new();
        for (dkey, dval) in value.as_object().into_iter().flatten() {
            let s = match defs.by_kind(dkey) {
                Some(list) => self.list(dkey, list, dval, no_nodes)?,
                // kept verbatim; a 1.0 package has no other keys here
                None => verbatim(dval),
            };
            shape.insert(dkey.clone(), s);
        }
        Ok(Value::Object(shape))
    }

    /// Adds the objects of one package array (`value`, read as `list`) to the rows; returns their
    /// identifiers in order.
    fn list<T: Identified>(
        &mut self,
        kind: &'a str,
        list: &List<T>,
        value: &'a Value,
        nodes: impl Fn(&T) -> (Option<String>, Option<String>),
    ) -> Result<Value> {
        let entries = list
            .entries()
            .ok_or_else(|| StoreError(format!("{kind} must be an array")))?;
        let mut ids = Vec::with_capacity(entries.len());
        for (pos, entry) in entries.iter().enumerate() {
            let obj = entry
                .as_ref()
                .ok_or_else(|| StoreError(format!("{kind}[{pos}] is not an object")))?;
            let id = identifier_of(obj, &format!("{kind}[{pos}]"))?;
            let (origin, dest) = nodes(obj);
            ids.push(Value::String(id.clone()));
            self.rows.push(Row {
                kind,
                pos,
                id,
                json: &value[pos],
                origin,
                dest,
            });
        }
        Ok(Value::Array(ids))
    }
}

/// The origin and destination node identifiers of an association.
fn nodes(a: &AssociationView<'_>) -> (Option<String>, Option<String>) {
    let id = |l: &Link<'_>| {
        l.get()
            .and_then(|l| l.identifier.as_str().map(str::to_string))
    };
    (id(&a.origin), id(&a.destination))
}

fn no_nodes<T>(_: &T) -> (Option<String>, Option<String>) {
    (None, None)
}

/// The layout entry of a property kept as given.
fn verbatim(value: &Value) -> Value {
    serde_json::json!({ "verbatim": value })
}

fn identifier_of(obj: &impl Identified, what: &str) -> Result<String> {
    match obj.identifier().as_str() {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(StoreError(format!(
            "a {what} has no string identifier, so it cannot be stored by identifier"
        ))),
    }
}
