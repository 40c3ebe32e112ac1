//! Wellspring verification core: judges Open Badges 3.0 and CLR 2.0 credentials offline,
//! check by check. See `checks.rs` for the catalogue of checks and `pipeline.rs` for the order
//! in which they run (OB 3.0 §"Verification and Validation", `#verification`).

pub mod baked;
pub mod canon;
pub mod checks;
pub mod di;
pub mod jwt;
pub mod keys;
pub mod loader;
mod pipeline;
pub mod schema;
pub mod sd;
pub mod status;
pub mod trust;

use std::collections::HashMap;

pub use pipeline::MAX_JSON_VALUES;
pub use wellspring_report as report;
pub use wellspring_report::{CheckResult, DocReport, Verdict};

/// Default bounds on an input.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// The recipient to check against (`--recipient TYPE:VALUE`, OB 3.0 `#verify-identifier`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// An IdentityObject `identityType`, e.g. `emailAddress` (`email` is accepted as an alias).
    pub identity_type: String,
    pub value: String,
}

impl std::str::FromStr for Recipient {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (t, v) = s.split_once(':').ok_or_else(|| {
            format!("recipient must be TYPE:VALUE (e.g. email:someone@example.org), got {s:?}")
        })?;
        let t = match t {
            "email" => "emailAddress",
            "did" | "id" => "id",
            other => other,
        };
        // `did:example:123` given as `did:example:123` means the subject id.
        let (t, v) = if t == "id" && !v.starts_with("did:") && s.starts_with("did:") {
            ("id", s.to_owned())
        } else {
            (t, v.to_owned())
        };
        Ok(Recipient {
            identity_type: t.to_owned(),
            value: v,
        })
    }
}

/// How a run is configured. `Options::offline(now)` is the default: no network at all.
#[derive(Clone)]
pub struct Options {
    /// The clock (`--now`): validity windows are judged against it.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Keys known offline (`--key`), and the network for keys when `--online`.
    pub keys: keys::KeyRing,
    /// JSON-LD contexts: pinned, and the network when `--online`.
    pub loader: loader::ContextLoader,
    /// Status list documents given offline (`--status-file URL=PATH`): URL → document text.
    pub status_files: HashMap<String, String>,
    /// Refreshed credentials given offline (`refreshService` URL → the credential's text), as a
    /// 1EdTechCredentialRefresh service would answer; without one, a refresh needs `fetch`.
    pub refresh_files: HashMap<String, String>,
    /// Fetches status lists and remote schemas when `--online`.
    pub fetch: Option<loader::Fetch>,
    pub recipient: Option<Recipient>,
    pub max_bytes: usize,
    pub max_depth: usize,
    /// Issuers and keys the relying party binds explicitly (`--trust FILE`).
    pub trust: trust::TrustList,
    /// `--require-bound-key`: a proof whose key nothing binds to the issuer fails
    /// `ob3.proof.controller` (by default it warns: the spec does not require the binding).
    pub require_bound_key: bool,
    /// `--require-status`: a status that could not be determined fails `ob3.status`
    /// (by default it warns and the headline says "status not checked").
    pub require_status: bool,
}

impl Options {
    pub fn offline(now: chrono::DateTime<chrono::Utc>) -> Self {
        Options {
            now,
            keys: keys::KeyRing::new(),
            loader: loader::ContextLoader::offline(),
            status_files: HashMap::new(),
            refresh_files: HashMap::new(),
            fetch: None,
            recipient: None,
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            trust: trust::TrustList::default(),
            require_bound_key: false,
            require_status: false,
        }
    }

    /// `--strict`: what a relying party needs: the issuer authenticated and the status known.
    pub fn strict(mut self) -> Self {
        self.require_bound_key = true;
        self.require_status = true;
        self
    }

    /// Allows the network for contexts, keys, status lists, schemas and credential refresh.
    pub fn with_network(mut self, fetch: loader::Fetch) -> Self {
        self.loader = loader::ContextLoader::online(fetch.clone());
        self.keys = self.keys.with_fetch(fetch.clone());
        self.fetch = Some(fetch);
        self
    }
}

/// Verifies one input (a JSON credential or presentation, a compact JWS, a baked PNG or SVG).
/// Never panics on bad input: every problem becomes a failed check with a message.
///
/// A panic below the verifier (a dependency's, or ours) is caught here and becomes a failed
/// `ob3.parse.json` naming the input: one bad file never takes a batch or a server down.
pub fn verify_bytes(name: &str, bytes: &[u8], opts: &Options) -> DocReport {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pipeline::verify_input(name, bytes, opts)
    })) {
        Ok(r) => r,
        Err(payload) => {
            let mut r = DocReport::new(name);
            r.kind = "unverifiable input".into();
            r.push(CheckResult::new(
                &checks::PARSE_JSON,
                Verdict::Fail,
                format!(
                    "the verifier could not process {name}: internal error ({}); the input is refused",
                    panic_message(&payload)
                ),
            ));
            r
        }
    }
}

/// The text of a caught panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// The `@context` entries when every one is a URL string (None when any is inline).
pub(crate) fn pipeline_contexts(ctx: &serde_json::Value) -> Option<Vec<&str>> {
    match ctx {
        serde_json::Value::String(s) => Some(vec![s.as_str()]),
        serde_json::Value::Array(a) => a.iter().map(serde_json::Value::as_str).collect(),
        _ => None,
    }
}
