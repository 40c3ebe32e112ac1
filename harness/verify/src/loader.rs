//! Offline JSON-LD document loader: our pinned contexts first, then the
//! contexts `ssi` ships, then (only when the caller allows it) the network.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use iref::{Iri, IriBuf};
use ssi_json_ld::json_ld::{LoadError, LoadingResult, RemoteDocument};
use ssi_json_ld::{Loader, StaticLoader};

/// A pinned context: the URL it is served at, and its bytes, embedded in the binary.
pub struct PinnedContext {
    pub url: &'static str,
    pub file: &'static str,
    pub body: &'static str,
}

macro_rules! pinned {
    ($url:expr, $file:expr) => {
        PinnedContext {
            url: $url,
            file: $file,
            body: include_str!(concat!("../contexts/", $file)),
        }
    };
}

/// Every context Wellspring accepts offline, beyond the ones `ssi` already ships.
/// Sources: `../shared/spec/contexts/` (see `SOURCES-ob-clr.md`).
pub static PINNED: &[PinnedContext] = &[
    pinned!(
        "https://www.w3.org/ns/credentials/v2",
        "validator_credentials-v2.jsonld"
    ),
    pinned!(
        "https://www.w3.org/2018/credentials/v1",
        "validator_2018-credentials-v1.jsonld"
    ),
    pinned!(
        "https://w3id.org/security/data-integrity/v1",
        "validator_data-integrity-v1.jsonld"
    ),
    pinned!(
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "lds-ed25519-2020-v1.context.json"
    ),
    pinned!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "ob_v3p0_context.json"
    ),
    pinned!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "ob_v3p0_context-3.0.1.json"
    ),
    pinned!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "ob_v3p0_context-3.0.2.json"
    ),
    // The purl copy (kept by the 1EdTech validator) defines `endorsementJwt` and `jti`
    // beyond the spec repository's copy; the purl copy is what issuers sign against.
    pinned!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "validator_ob-v3p0-3.0.3.json"
    ),
    pinned!(
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "validator_ob-v3p0-extensions.json"
    ),
    pinned!(
        "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
        "validator_clr-v2p0.json"
    ),
    pinned!(
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "validator_clr-v2p0-2.0.1.json"
    ),
];

/// Fetches a remote document body (used only with `--online`).
pub type Fetch = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct LoadFailure(String);

fn parse_document(url: &str, body: &str) -> Result<RemoteDocument, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("{url}: not JSON: {e}"))?;
    let json = json_syntax::Value::from_serde_json(value);
    let iri = IriBuf::new(url.to_owned()).map_err(|_| format!("not an IRI: {url}"))?;
    Ok(RemoteDocument::new(
        Some(iri),
        Some("application/ld+json".parse().unwrap()),
        json,
    ))
}

fn pinned_documents() -> &'static HashMap<&'static str, RemoteDocument> {
    static DOCS: OnceLock<HashMap<&'static str, RemoteDocument>> = OnceLock::new();
    DOCS.get_or_init(|| {
        PINNED
            .iter()
            .map(|c| {
                let doc = parse_document(c.url, c.body).expect("pinned context parses");
                (c.url, doc)
            })
            .collect()
    })
}

/// Is this context URL one we can load without the network?
pub fn is_known_offline(url: &str) -> bool {
    if pinned_documents().contains_key(url) {
        return true;
    }
    match Iri::new(url) {
        Ok(iri) => pollster::block_on(StaticLoader.load(iri)).is_ok(),
        Err(_) => false,
    }
}

/// How many remote (not pinned) contexts one expansion may load: a remote context that
/// imports another, and so on, is a chain an attacker controls (depth, time and stack).
pub const MAX_REMOTE_CONTEXTS: usize = 16;
/// Remote contexts kept once fetched (per loader, i.e. per run or per server).
const REMOTE_CACHE_MAX: usize = 64;

/// The loader handed to JSON-LD expansion.
#[derive(Clone, Default)]
pub struct ContextLoader {
    fetch: Option<Fetch>,
    extra: Arc<HashMap<String, RemoteDocument>>,
    fetched: Arc<Mutex<HashMap<String, RemoteDocument>>>,
}

impl ContextLoader {
    pub fn offline() -> Self {
        Self::default()
    }

    /// With the network allowed for contexts we do not pin.
    pub fn online(fetch: Fetch) -> Self {
        Self {
            fetch: Some(fetch),
            ..Default::default()
        }
    }
}

impl ContextLoader {
    /// A context known without the network: pinned, given, shipped by `ssi`, or fetched before.
    async fn load_local(&self, url: &Iri) -> Option<RemoteDocument> {
        if let Some(doc) = pinned_documents().get(url.as_str()) {
            return Some(doc.clone());
        }
        if let Some(doc) = self.extra.get(url.as_str()) {
            return Some(doc.clone());
        }
        if let Ok(doc) = StaticLoader.load(url).await {
            return Some(doc);
        }
        self.fetched.lock().ok()?.get(url.as_str()).cloned()
    }

    fn load_remote(&self, url: &Iri) -> LoadingResult {
        let Some(fetch) = &self.fetch else {
            return Err(LoadError::new(
                url.to_owned(),
                LoadFailure(format!(
                    "context {url} is not pinned and the network is off (use --online)"
                )),
            ));
        };
        let body =
            fetch(url.as_str()).map_err(|e| LoadError::new(url.to_owned(), LoadFailure(e)))?;
        let doc = parse_document(url.as_str(), &body)
            .map_err(|e| LoadError::new(url.to_owned(), LoadFailure(e)))?;
        if let Ok(mut cache) = self.fetched.lock() {
            if cache.len() < REMOTE_CACHE_MAX {
                cache.insert(url.as_str().to_owned(), doc.clone());
            }
        }
        Ok(doc)
    }

    /// A loader for one expansion: at most [`MAX_REMOTE_CONTEXTS`] remote loads.
    pub(crate) fn budgeted(&self) -> Budgeted<'_> {
        Budgeted {
            inner: self,
            remote: Cell::new(0),
        }
    }
}

impl Loader for ContextLoader {
    async fn load(&self, url: &Iri) -> LoadingResult {
        match self.load_local(url).await {
            Some(doc) => Ok(doc),
            None => self.load_remote(url),
        }
    }
}

/// [`ContextLoader`] with a count of remote loads for one expansion.
pub(crate) struct Budgeted<'a> {
    inner: &'a ContextLoader,
    remote: Cell<usize>,
}

impl Loader for Budgeted<'_> {
    async fn load(&self, url: &Iri) -> LoadingResult {
        if let Some(doc) = self.inner.load_local(url).await {
            return Ok(doc);
        }
        let n = self.remote.get() + 1;
        self.remote.set(n);
        if n > MAX_REMOTE_CONTEXTS {
            return Err(LoadError::new(
                url.to_owned(),
                LoadFailure(format!(
                    "more than {MAX_REMOTE_CONTEXTS} remote contexts in one document (a context chain): {url} not loaded"
                )),
            ));
        }
        self.inner.load_remote(url)
    }
}
