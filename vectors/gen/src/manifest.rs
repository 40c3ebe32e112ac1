//! `manifest.json`: one entry per vector, saying what a verifier must conclude about it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version of this file.
    pub version: u32,
    /// The clock every vector is judged at (RFC 3339).
    pub now: String,
    /// The vectors, sorted by `file`.
    pub vectors: Vec<Entry>,
}

/// What a verifier must conclude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Valid,
    Invalid,
}

/// One vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Path relative to the manifest's directory.
    pub file: String,
    pub expect: Expect,
    /// Check IDs that must fail (here or in a nested credential); empty for valid vectors.
    /// The first one is the check the vector was written for.
    pub checks: Vec<String>,
    /// Check IDs expected to end in a warning (informative).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warn: Vec<String>,
    /// Spec clause of the first check (invalid vectors only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    pub description: String,
    /// "eddsa-rdfc-2022", "eddsa-2022", "vc-jwt-RS256", "vc-jwt-ES256", "vc-jwt-EdDSA",
    /// "vc-jwt-none", "vc-jwt-HS256" or "none".
    pub proof: String,
    /// Whether the document's own embedded Data Integrity signature verifies (ignoring
    /// everything else, including who controls the key); null when it has none.
    pub proof_valid: Option<bool>,
    /// Keys a verifier needs beyond did:key / did:jwk: verification method URL → key file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
    /// Status documents to serve offline: URL → file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status_files: BTreeMap<String, String>,
    /// Refreshed credentials a refresh service answers, given offline: refreshService URL → file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refresh_files: BTreeMap<String, String>,
    /// Expected recipient, `TYPE:VALUE` (e.g. `email:conformance@imsglobal.org`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// Judge as a relying party: a key not bound to the issuer and a status that cannot be
    /// determined fail (`wellspring verify --strict`). Without it they only warn.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
}

impl Entry {
    pub fn valid(file: impl Into<String>, description: impl Into<String>, proof: &str) -> Self {
        let proof_valid = if proof.starts_with("eddsa") {
            Some(true)
        } else {
            None
        };
        Entry {
            file: file.into(),
            expect: Expect::Valid,
            checks: Vec::new(),
            warn: Vec::new(),
            clause: None,
            description: description.into(),
            proof: proof.to_owned(),
            proof_valid,
            keys: BTreeMap::new(),
            status_files: BTreeMap::new(),
            refresh_files: BTreeMap::new(),
            recipient: None,
            strict: false,
        }
    }

    pub fn invalid(
        file: impl Into<String>,
        checks: &[&str],
        description: impl Into<String>,
        proof: &str,
        proof_valid: Option<bool>,
    ) -> Self {
        let clause = checks
            .first()
            .and_then(|id| wellspring_verify::checks::by_id(id))
            .map(|d| d.clause.to_owned());
        Entry {
            file: file.into(),
            expect: Expect::Invalid,
            checks: checks.iter().map(|c| c.to_string()).collect(),
            warn: Vec::new(),
            clause,
            description: description.into(),
            proof: proof.to_owned(),
            proof_valid,
            keys: BTreeMap::new(),
            status_files: BTreeMap::new(),
            refresh_files: BTreeMap::new(),
            recipient: None,
            strict: false,
        }
    }

    /// Judged with `--strict` (see [`Entry::strict`]).
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    pub fn with_key(mut self, vm: &str, file: &str) -> Self {
        self.keys.insert(vm.to_owned(), file.to_owned());
        self
    }

    pub fn with_status(mut self, url: &str, file: &str) -> Self {
        self.status_files.insert(url.to_owned(), file.to_owned());
        self
    }

    pub fn with_refresh(mut self, url: &str, file: &str) -> Self {
        self.refresh_files.insert(url.to_owned(), file.to_owned());
        self
    }

    pub fn with_recipient(mut self, r: &str) -> Self {
        self.recipient = Some(r.to_owned());
        self
    }

    pub fn with_warn(mut self, ids: &[&str]) -> Self {
        self.warn.extend(ids.iter().map(|s| s.to_string()));
        self
    }
}

impl Manifest {
    /// Reads `manifest.json`.
    pub fn load(path: &std::path::Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn now(&self) -> Result<chrono::DateTime<chrono::Utc>, String> {
        chrono::DateTime::parse_from_rfc3339(&self.now)
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|e| format!("manifest now {:?}: {e}", self.now))
    }
}

/// Pretty JSON, 2-space indent, trailing newline: the one format every JSON file is written in.
pub fn pretty(v: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("serializable");
    s.push('\n');
    s
}
