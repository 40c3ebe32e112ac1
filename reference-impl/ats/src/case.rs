//! CASE 1.0 and 1.1 frameworks: fetched from any provider by URL
//! (`GET {base}/ims/case/v1p0/CFPackages/{sourcedId}`, or `v1p1`), kept in the ATS's SQLite cache with their
//! `lastChangeDateTime` (a cached package is fetched again only when `/CFDocuments/{id}` says it
//! changed), and read into one association graph across every cached framework.
//!
//! Every request has the client's timeout and a size bound ([`MAX_DOCUMENT`]); a busy provider
//! (429 / 503 with `Retry-After`) is waited out once, up to [`PATIENCE`].

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;
use wellspring_case::view::{
    AssociationView, DocumentView, Field, ItemView, List, Node, PackageView,
};
use wellspring_http::guard::{Net, NetPolicy, Patience};

use crate::store::Store;

/// Where CASE 1.0 endpoints live under a provider's base URL (a base naming no version).
pub const CASE_PATH: &str = "/ims/case/v1p0/";
/// The CASE 1.1 API path. A 1.1 provider's base keeps it (`https://host/ims/case/v1p1`), so a
/// base without it (every base stored before 1.1) still means CASE 1.0.
pub const CASE11_PATH: &str = "/ims/case/v1p1/";
/// How long a busy CASE provider is waited out: once, when it asks for 2 s at most.
pub const PATIENCE: Patience = Patience {
    max_wait: std::time::Duration::from_secs(2),
    retries: 1,
};
/// Largest CASE response read.
pub const MAX_DOCUMENT: usize = 8 * 1024 * 1024;
/// Most frameworks fetched for the alignments of one application.
pub const MAX_FETCHES_PER_APPLICATION: usize = 16;

/// A CASE URL split into the provider base, the endpoint (`CFItems`, `CFPackages`, …) and the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseUrl {
    pub base: String,
    pub endpoint: String,
    pub id: String,
}

/// Splits `https://host/prefix/ims/case/v1p0/CFItems/{id}` (query and fragment ignored); for
/// a `v1p1` URL the base keeps the API path (`https://host/prefix/ims/case/v1p1`).
pub fn split_case_url(url: &str) -> Option<CaseUrl> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return None;
    }
    let url = url.split(['?', '#']).next()?;
    let (base, rest) = match url.find(CASE_PATH) {
        Some(at) => (&url[..at], &url[at + CASE_PATH.len()..]),
        None => {
            let at = url.find(CASE11_PATH)? + CASE11_PATH.len();
            (&url[..at - 1], &url[at..])
        }
    };
    let base = base.to_owned();
    let mut rest = rest.trim_end_matches('/').split('/');
    let endpoint = rest.next()?.to_owned();
    let id = rest.next()?.to_owned();
    if rest.next().is_some() || id.is_empty() || endpoint.is_empty() {
        return None;
    }
    Some(CaseUrl { base, endpoint, id })
}

/// The API root of a provider base: the base itself when it names CASE 1.1, else its CASE 1.0 path.
fn api_root(base: &str) -> String {
    if base.ends_with(CASE11_PATH.trim_end_matches('/')) {
        base.to_owned()
    } else {
        format!("{base}{}", CASE_PATH.trim_end_matches('/'))
    }
}

fn norm(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// The guarded HTTP client for CASE providers: timeout per request, five redirects at most,
/// [`MAX_DOCUMENT`] bytes, no private or local address unless `allow_private_network`, except
/// the `exempt` origin (the demo job's CASE provider, which the operator named).
pub fn http_client(
    timeout: std::time::Duration,
    allow_private_network: bool,
    exempt: Option<&str>,
) -> Result<Net, String> {
    let mut policy = NetPolicy::default()
        .with_timeout(timeout)
        .with_max_bytes(MAX_DOCUMENT)
        .with_redirects(5)
        .allow_private(allow_private_network);
    if let Some(o) = exempt {
        policy = policy.exempt(o);
    }
    Net::with_agent(
        policy,
        concat!("wellspring-ats/", env!("CARGO_PKG_VERSION")),
    )
    .map_err(|e| e.to_string())
}

/// GET a JSON document under the client's policy. The error names the URL asked and the kind
/// of failure only (callers may be hostile applicants: no remote content, no addresses).
pub async fn get_json(http: &Net, url: &str) -> Result<Value, String> {
    http.get_json_patiently(url, PATIENCE)
        .await
        .map_err(|e| format!("{url}: {}", e.public()))
}

/// `v` read through the CASE model's lenient view as a `T` (a package, a document, an item):
/// None when `v` is not a JSON object.
fn view<'a, T: Deserialize<'a>>(v: &'a Value) -> Option<T> {
    match Node::<T>::deserialize(v) {
        Ok(Node::Obj(t)) => Some(t),
        _ => None,
    }
}

/// The CFDocument identifier of a CFPackage, as given.
pub fn package_identifier(p: &Value) -> Option<String> {
    let pkg: PackageView = view(p)?;
    pkg.document.get()?.identifier.as_str().map(str::to_owned)
}

/// The `lastChangeDateTime` of a CFDocument, or of a CFPackage's CFDocument.
fn last_change(doc: &Value) -> Option<String> {
    let own: DocumentView = view(doc)?;
    let field = match own.last_change_date_time {
        Field::Absent => {
            let pkg: PackageView = view(doc)?;
            pkg.document.get()?.last_change_date_time.clone()
        }
        f => f,
    };
    field.as_str().map(str::to_owned)
}

/// Fetches frameworks through the cache.
#[derive(Clone)]
pub struct Frameworks {
    pub http: Net,
    pub store: Store,
}

impl Frameworks {
    /// The CFPackage of framework `doc_id` at provider `base`: from the cache when the
    /// provider's `lastChangeDateTime` is the cached one (or the provider cannot be reached and a
    /// copy is cached), fetched otherwise.
    ///
    /// For the frameworks of jobs (the recruiter names the provider): a framework cached from
    /// another provider under the same identifier is replaced.
    pub async fn package(&self, base: &str, doc_id: &str) -> Result<Value, String> {
        self.fetch(base, doc_id, true).await
    }

    /// As [`Frameworks::package`]; with `replace_other_provider` false (an applicant's
    /// alignment names the provider), a framework cached from another provider is kept and
    /// this one refused: an applicant cannot replace an employer's job framework by serving a
    /// package with the same identifier.
    async fn fetch(
        &self,
        base: &str,
        doc_id: &str,
        replace_other_provider: bool,
    ) -> Result<Value, String> {
        let base = base.trim_end_matches('/');
        let id = norm(doc_id);
        if id.is_empty() || id.contains(['/', '?', '#']) {
            return Err(format!("{doc_id:?} is not a CFDocument identifier"));
        }
        let cached = self.store.framework(&id).map_err(|e| e.to_string())?;
        if let Some(c) = cached.as_ref().filter(|c| c.base != base) {
            if !replace_other_provider {
                return Err(format!(
                    "framework {id} is known from {}; {base} cannot replace it",
                    c.base
                ));
            }
        }
        if let Some(cached) = cached.filter(|c| c.base == base) {
            let url = format!("{}/CFDocuments/{id}", api_root(base));
            match get_json(&self.http, &url).await {
                Ok(d) if last_change(&d).is_some() && last_change(&d) == cached.last_change => {
                    return Ok(cached.package);
                }
                Ok(_) => {}
                Err(_) => return Ok(cached.package),
            }
        }
        let url = format!("{}/CFPackages/{id}", api_root(base));
        let p = get_json(&self.http, &url).await?;
        let got = package_identifier(&p).map(|i| norm(&i));
        if got.as_deref() != Some(id.as_str()) {
            return Err(format!("{url}: not the CFPackage of {id}"));
        }
        if view::<PackageView>(&p).is_some_and(|v| matches!(v.items, List::Other)) {
            return Err(format!("{url}: CFItems is not an array"));
        }
        self.store
            .put_framework(&id, base, &p, last_change(&p).as_deref())
            .map_err(|e| e.to_string())?;
        Ok(p)
    }

    /// The package a `packageUrl` (`{base}/ims/case/v1p0/CFPackages/{id}`, or `v1p1`) names.
    pub async fn package_at(&self, url: &str) -> Result<Value, String> {
        match split_case_url(url) {
            Some(u) if u.endpoint == "CFPackages" || u.endpoint == "CFDocuments" => {
                self.package(&u.base, &u.id).await
            }
            _ => Err(format!(
                "{url} is not a CASE 1.0 or 1.1 CFPackages/{{sourcedId}} URL"
            )),
        }
    }

    /// Makes sure the framework of an aligned CASE URL (a CFItem, CFDocument or CFPackage URL)
    /// is cached; returns whether something had to be fetched.
    pub async fn follow(&self, url: &str, known: &Graph) -> Result<bool, String> {
        let Some(u) = split_case_url(url) else {
            return Ok(false);
        };
        match u.endpoint.as_str() {
            "CFItems" => {
                if known.items.contains_key(&norm(&u.id)) {
                    return Ok(false);
                }
                let item =
                    get_json(&self.http, url.split(['?', '#']).next().unwrap_or(url)).await?;
                // the CFItem itself, or wrapped as {"CFItem": …}
                let item = item.get("CFItem").unwrap_or(&item);
                let doc = view::<ItemView>(item)
                    .and_then(|i| {
                        i.cf_document_uri
                            .get()?
                            .identifier
                            .as_str()
                            .map(str::to_owned)
                    })
                    .ok_or_else(|| format!("{url}: the CFItem names no CFDocumentURI"))?;
                self.fetch(&u.base, &doc, false).await.map(|_| true)
            }
            "CFDocuments" | "CFPackages" => {
                if known.frameworks.contains_key(&norm(&u.id)) {
                    return Ok(false);
                }
                self.fetch(&u.base, &u.id, false).await.map(|_| true)
            }
            _ => Ok(false),
        }
    }

    /// The graph of every cached framework.
    pub fn graph(&self) -> Result<Graph, String> {
        let all = self.store.frameworks().map_err(|e| e.to_string())?;
        Ok(Graph::from_packages(&all))
    }
}

/// One CASE item.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Item {
    pub id: String,
    pub uri: String,
    pub code: Option<String>,
    pub statement: String,
    /// The CFDocument identifier of its framework.
    pub framework: String,
    /// Position in its package.
    pub order: usize,
}

impl Item {
    /// `DT.4.1 Inspect and adjust …`.
    pub fn label(&self) -> String {
        match &self.code {
            Some(c) => format!("{c} {}", self.statement),
            None => self.statement.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Framework {
    pub id: String,
    pub uri: String,
    pub title: String,
}

/// One way evidence flows between items.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub to: String,
    /// The CASE `associationType` (symmetric ones are followed both ways under the same name).
    pub association: String,
    pub weight: f64,
}

/// Every cached framework's items and associations. How evidence flows is set by
/// [`crate::score::hop_weight`].
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub items: BTreeMap<String, Item>,
    pub frameworks: BTreeMap<String, Framework>,
    edges: HashMap<String, Vec<Edge>>,
    by_uri: HashMap<String, String>,
}

fn text(f: &Field) -> Option<String> {
    f.as_str().map(str::to_owned)
}

impl Graph {
    /// The graph of `packages` (CFPackages as JSON), each read through the CASE model's lenient
    /// view: what is not where CASE puts it is left out.
    pub fn from_packages(packages: &[Value]) -> Graph {
        let views: Vec<PackageView> = packages.iter().filter_map(view).collect();
        let mut g = Graph::default();
        for p in &views {
            g.add_framework(p);
        }
        let mut seen = std::collections::HashSet::new();
        for p in &views {
            for (_, a) in p.associations.iter() {
                g.add_association(a, &mut seen);
            }
        }
        g
    }

    /// A package's framework and items (packages without a CFDocument identifier are left out).
    fn add_framework(&mut self, p: &PackageView) {
        let Some(doc) = p.document.get() else {
            return;
        };
        let Some(doc_id) = doc.identifier.as_str().map(norm) else {
            return;
        };
        let uri = text(&doc.uri).unwrap_or_default();
        self.by_uri.insert(uri.clone(), doc_id.clone());
        self.frameworks.insert(
            doc_id.clone(),
            Framework {
                id: doc_id.clone(),
                uri,
                title: text(&doc.title).unwrap_or_default(),
            },
        );
        for (order, it) in p.items.iter() {
            self.add_item(it, &doc_id, order);
        }
    }

    /// One item of framework `doc_id`, at position `order` of its package.
    fn add_item(&mut self, it: &ItemView, doc_id: &str, order: usize) {
        let Some(id) = it.identifier.as_str().map(norm) else {
            return;
        };
        let uri = text(&it.uri).unwrap_or_default();
        if !uri.is_empty() {
            self.by_uri.insert(uri.clone(), id.clone());
        }
        self.items.insert(
            id.clone(),
            Item {
                id,
                uri,
                code: text(&it.human_coding_scheme).filter(|c| !c.is_empty()),
                statement: text(&it.full_statement)
                    .or_else(|| text(&it.abbreviated_statement))
                    .unwrap_or_default(),
                framework: doc_id.to_owned(),
                order,
            },
        );
    }

    /// The edges of one association (each distinct association once), weighted by
    /// [`crate::score::hop_weight`].
    fn add_association(
        &mut self,
        a: &AssociationView,
        seen: &mut std::collections::HashSet<(String, String, String)>,
    ) {
        let end = |l: &Node<Box<wellspring_case::view::LinkView>>| {
            l.get().and_then(|l| l.identifier.as_str().map(norm))
        };
        let (Some(kind), Some(from), Some(to)) = (
            text(&a.association_type),
            end(&a.origin),
            end(&a.destination),
        ) else {
            return;
        };
        if !seen.insert((kind.clone(), from.clone(), to.clone())) {
            return;
        }
        let (fw, bw) = crate::score::hop_weight(&kind);
        if let Some(w) = fw {
            self.edges.entry(from.clone()).or_default().push(Edge {
                to: to.clone(),
                association: kind.clone(),
                weight: w,
            });
        }
        if let Some(w) = bw {
            self.edges.entry(to).or_default().push(Edge {
                to: from,
                association: kind.clone(),
                weight: w,
            });
        }
    }

    pub fn edges(&self, item: &str) -> &[Edge] {
        self.edges.get(item).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The item an alignment points to: by `targetUrl` (the item's uri, or any CASE
    /// `CFItems/{id}` URL of a cached item), else by `targetCode` (an identifier, or a
    /// `humanCodingScheme` within the framework `targetFramework` names, or unique across
    /// every framework).
    pub fn resolve(
        &self,
        target_url: Option<&str>,
        target_code: Option<&str>,
        target_framework: Option<&str>,
    ) -> Option<String> {
        if let Some(url) = target_url {
            if let Some(id) = self.by_uri.get(url) {
                if self.items.contains_key(id) {
                    return Some(id.clone());
                }
            }
            if let Some(u) = split_case_url(url) {
                let id = norm(&u.id);
                if u.endpoint == "CFItems" && self.items.contains_key(&id) {
                    return Some(id);
                }
            }
        }
        let code = target_code?.trim();
        if self.items.contains_key(&norm(code)) {
            return Some(norm(code));
        }
        let frameworks: Vec<&str> = match target_framework {
            Some(f) => self
                .frameworks
                .values()
                .filter(|d| d.title == f || d.uri == f || d.id == norm(f))
                .map(|d| d.id.as_str())
                .collect(),
            None => vec![],
        };
        let hits: Vec<&Item> = self
            .items
            .values()
            .filter(|i| i.code.as_deref() == Some(code))
            .filter(|i| frameworks.is_empty() || frameworks.contains(&i.framework.as_str()))
            .collect();
        match hits.as_slice() {
            [one] => Some(one.id.clone()),
            _ => None,
        }
    }

    /// The item's label, or its identifier when the item is not cached.
    pub fn label(&self, id: &str) -> String {
        self.items
            .get(id)
            .map(Item::label)
            .unwrap_or_else(|| id.to_owned())
    }

    /// The items of one framework, in package order.
    pub fn items_of(&self, framework: &str) -> Vec<&Item> {
        let mut v: Vec<&Item> = self
            .items
            .values()
            .filter(|i| i.framework == framework)
            .collect();
        v.sort_by_key(|i| i.order);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The graph reads whatever is where CASE puts it and leaves the rest out, keeping package
    /// positions (a non-object item still takes its place in the order).
    #[test]
    fn graph_reads_packages_leniently() {
        let pkg = serde_json::json!({
            "CFDocument": {"identifier": "D", "uri": "http://c/doc/d", "title": 7},
            "CFItems": [
                3,
                {"identifier": "A", "fullStatement": null, "abbreviatedStatement": "abbr", "humanCodingScheme": ""},
                {"identifier": 5, "fullStatement": "no identifier"},
                {"identifier": "b", "fullStatement": "Bee", "humanCodingScheme": "B.1", "uri": "http://c/b"}
            ],
            "CFAssociations": [
                {"associationType": "isChildOf", "originNodeURI": {"identifier": "B"}, "destinationNodeURI": {"identifier": "a"}},
                {"associationType": "isChildOf", "originNodeURI": {"identifier": "b"}, "destinationNodeURI": {"identifier": "A"}},
                {"associationType": "isChildOf", "originNodeURI": "b", "destinationNodeURI": {"identifier": "a"}},
                {"associationType": 1, "originNodeURI": {"identifier": "a"}, "destinationNodeURI": {"identifier": "b"}}
            ]
        });
        let other = serde_json::json!({"CFItems": [{"identifier": "orphan"}]});
        let g = Graph::from_packages(&[pkg.clone(), serde_json::json!([1]), other]);
        assert_eq!(g.frameworks.len(), 1);
        assert_eq!(g.frameworks["d"].title, "");
        let ids: Vec<_> = g.items.keys().cloned().collect();
        assert_eq!(ids, vec!["a", "b"]);
        assert_eq!(
            (
                g.items["a"].order,
                g.items["a"].code.clone(),
                g.items["a"].statement.as_str()
            ),
            (1, None, "abbr")
        );
        assert_eq!(g.items["b"].order, 3);
        assert_eq!(g.items["b"].label(), "B.1 Bee");
        // one edge: the same association twice counts once, a malformed one not at all
        assert_eq!(g.edges("b").len(), 1);
        assert_eq!(g.edges("b")[0].to, "a");
        assert!(g.edges("a").is_empty());
        assert_eq!(g.resolve(Some("http://c/b"), None, None), Some("b".into()));
        assert_eq!(package_identifier(&pkg).as_deref(), Some("D"));
        assert_eq!(
            package_identifier(&serde_json::json!({"CFDocument": 1})),
            None
        );
    }

    #[test]
    fn last_change_of_a_document_or_a_package() {
        use serde_json::json;
        let doc = json!({"lastChangeDateTime": "2025-01-01T00:00:00Z"});
        assert_eq!(last_change(&doc).as_deref(), Some("2025-01-01T00:00:00Z"));
        let pkg = json!({"CFDocument": {"lastChangeDateTime": "2025-02-02T00:00:00Z"}});
        assert_eq!(last_change(&pkg).as_deref(), Some("2025-02-02T00:00:00Z"));
        // present but not a string: no date (the package's is not looked at)
        let odd = json!({"lastChangeDateTime": 5, "CFDocument": {"lastChangeDateTime": "x"}});
        assert_eq!(last_change(&odd), None);
        assert_eq!(last_change(&json!("text")), None);
    }

    #[test]
    fn splits_case_urls() {
        let u = split_case_url("http://127.0.0.1:8480/ims/case/v1p0/CFItems/abc?x=1").unwrap();
        assert_eq!(
            (u.base.as_str(), u.endpoint.as_str(), u.id.as_str()),
            ("http://127.0.0.1:8480", "CFItems", "abc")
        );
        assert!(split_case_url("http://x/ims/case/v1p0/CFItems").is_none());
        assert!(split_case_url("ftp://x/ims/case/v1p0/CFItems/a").is_none());
        assert!(split_case_url("http://x/other/CFItems/a").is_none());
        let u = split_case_url("https://h/p/ims/case/v1p1/CFPackages/d").unwrap();
        assert_eq!(u.base, "https://h/p/ims/case/v1p1");
        assert_eq!(api_root(&u.base), "https://h/p/ims/case/v1p1");
        assert_eq!(api_root("https://h/p"), "https://h/p/ims/case/v1p0");
    }
}
