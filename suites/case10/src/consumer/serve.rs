//! The harness's CASE provider: the embedded frameworks, getAllCFDocuments paged as the REST
//! binding describes (`limit`, `offset`, `X-Total-Count`, `Link`), the error it injects, and
//! the record of every request.

use axum::http::HeaderValue;

use super::*;

/// The header marking an injected answer (the harness's own).
pub(super) const INJECTED_HEADER: &str = "x-wellspring-injected";
/// What the injected 429 asks the consumer to wait, in seconds.
pub(super) const RETRY_AFTER_SECS: u64 = 1;
/// The page size of getAllCFDocuments when the consumer gives none (REST binding §3.1).
const DEFAULT_LIMIT: usize = 100;

fn imsx(status: StatusCode, minor: &str, description: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"imsx_codeMajor": "failure", "imsx_severity": "error",
            "imsx_description": description,
            "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "sourcedId",
                "imsx_codeMinorFieldValue": minor}]}})
        .to_string(),
    )
        .into_response()
}

fn not_found(what: &str) -> Response {
    imsx(
        StatusCode::NOT_FOUND,
        "unknownobject",
        &format!("{what} not found"),
    )
}

fn ok(v: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

/// One page of getAllCFDocuments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Page {
    pub(super) limit: usize,
    pub(super) offset: usize,
}

impl Page {
    /// The page `limit` and `offset` ask for (defaults when absent or not a number; a zero
    /// limit counts as one).
    pub(super) fn of(limit: Option<&str>, offset: Option<&str>) -> Page {
        let num = |v: Option<&str>| v.and_then(|v| v.trim().parse::<usize>().ok());
        Page {
            limit: num(limit).unwrap_or(DEFAULT_LIMIT).max(1),
            offset: num(offset).unwrap_or(0),
        }
    }

    /// The `Link` header value for this page of `total` at `url` (first, last, next, prev).
    fn links(&self, url: &str, total: usize) -> String {
        let at = |rel: &str, offset: usize| {
            format!(
                "<{url}?limit={}&offset={offset}>; rel=\"{rel}\"",
                self.limit
            )
        };
        let last = total.saturating_sub(1) / self.limit * self.limit;
        let mut out = vec![at("first", 0), at("last", last)];
        if self.offset + self.limit < total {
            out.push(at("next", self.offset + self.limit));
        }
        if self.offset > 0 {
            out.push(at("prev", self.offset.saturating_sub(self.limit)));
        }
        out.join(", ")
    }
}

/// getAllCFDocuments: one page of the served frameworks' CFDocuments, with `X-Total-Count` and
/// `Link`.
fn document_list(s: &Shared, query: &[(String, String)]) -> Response {
    let param = |n: &str| query.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let page = Page::of(param("limit"), param("offset"));
    let total = s.packages.len();
    let docs: Vec<Value> = s
        .packages
        .iter()
        .skip(page.offset)
        .take(page.limit)
        .map(|p| p["CFDocument"].clone())
        .collect();
    let url = format!("{}{}/CFDocuments", s.base, s.version.base_path());
    let mut r = ok(json!({ "CFDocuments": docs }));
    let h = r.headers_mut();
    h.insert("x-total-count", HeaderValue::from(total));
    if let Ok(v) = HeaderValue::from_str(&page.links(&url, total)) {
        h.insert("link", v);
    }
    r
}

/// The object with `identifier` == `id` in list `list` of any served package.
fn by_id(s: &Shared, list: &str, id: &str) -> Option<Value> {
    s.packages
        .iter()
        .filter_map(|p| p[list].as_array())
        .flatten()
        .find(|x| x["identifier"] == id)
        .cloned()
}

/// getCFItemAssociations: the item and every association that starts or ends at it.
fn item_associations(s: &Shared, id: &str) -> Response {
    let Some(item) = by_id(s, "CFItems", id) else {
        return not_found("CFItem");
    };
    let uri = item["uri"].clone();
    let assocs: Vec<Value> = s
        .packages
        .iter()
        .filter_map(|p| p["CFAssociations"].as_array())
        .flatten()
        .filter(|a| {
            a["originNodeURI"]["identifier"] == id
                || a["destinationNodeURI"]["identifier"] == id
                || a["originNodeURI"]["uri"] == uri
        })
        .cloned()
        .collect();
    ok(json!({"CFItem": item, "CFAssociations": assocs}))
}

/// The answer to one request, from the embedded packages.
fn answer(s: &Shared, method: &Method, path: &str, query: &[(String, String)]) -> Response {
    if method != Method::GET {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let api = s.version.base_path();
    if s.version == Version::V1p1 && path == format!("{api}{DISCOVERY}") {
        return ok(wellspring_case::openapi11::localised_openapi(&s.base));
    }
    let Some(rest) = path.strip_prefix(api).and_then(|r| r.strip_prefix('/')) else {
        return not_found("endpoint");
    };
    let package = |id: &str| {
        s.packages
            .iter()
            .find(|p| p["CFDocument"]["identifier"] == id)
    };
    match rest.split_once('/') {
        None if rest == "CFDocuments" => document_list(s, query),
        Some(("CFDocuments", id)) => {
            package(id).map_or_else(|| not_found("CFDocument"), |p| ok(p["CFDocument"].clone()))
        }
        Some(("CFPackages", id)) => {
            package(id).map_or_else(|| not_found("CFPackage"), |p| ok(p.clone()))
        }
        Some(("CFItems", id)) => by_id(s, "CFItems", id).map_or_else(|| not_found("CFItem"), ok),
        Some(("CFAssociations", id)) => {
            by_id(s, "CFAssociations", id).map_or_else(|| not_found("CFAssociation"), ok)
        }
        Some(("CFItemAssociations", id)) => item_associations(s, id),
        _ => not_found("object"),
    }
}

/// The injected error, when the consumer claims error handling and this is its first content
/// request (getCFPackage or getCFItem): 429 with `Retry-After`, marked as injected.
fn inject(s: &Shared, log: &mut Log, method: &Method, path: &str) -> Option<Response> {
    let content = matches!(
        endpoint(s.version, path),
        Some(("CFPackages", true)) | Some(("CFItems", true))
    );
    if !s.inject_errors || log.injected || method != Method::GET || !content {
        return None;
    }
    log.injected = true;
    let mut r = imsx(
        StatusCode::TOO_MANY_REQUESTS,
        "server_busy",
        "slow down (an error injected by the conformance harness): retry after the Retry-After",
    );
    let h = r.headers_mut();
    h.insert("retry-after", HeaderValue::from(RETRY_AFTER_SECS));
    h.insert(INJECTED_HEADER, HeaderValue::from_static("429"));
    Some(r)
}

pub(super) async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    _h: HeaderMap,
) -> Response {
    let path = uri.path().to_owned();
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    // the log is held only to decide the injection and to record, not while answering
    let injected = inject(&s, &mut s.log(), &method, &path);
    let was_injected = injected.is_some();
    let resp = injected.unwrap_or_else(|| answer(&s, &method, &path, &query));
    let mut log = s.log();
    if log.seen.len() < 10_000 {
        let at = s.started.elapsed();
        log.seen.push(Seen {
            method: method.to_string(),
            path,
            query,
            status: resp.status().as_u16(),
            at,
            injected: was_injected,
        });
    }
    log.last = Some(Instant::now());
    resp
}

/// The endpoint a path names ("CFDocuments", or "CFItems" for `/CFItems/{id}`), if defined
/// (the 1.1 discovery file counts as defined, as "discovery").
pub(super) fn endpoint(v: Version, path: &str) -> Option<(&str, bool)> {
    let rest = path.strip_prefix(v.base_path())?;
    if v == Version::V1p1 && rest == DISCOVERY {
        return Some(("discovery", false));
    }
    let rest = rest.strip_prefix('/')?;
    match rest.split_once('/') {
        None if rest == "CFDocuments" => Some(("CFDocuments", false)),
        Some((e, id)) if BY_ID.contains(&e) && !id.is_empty() && !id.contains('/') => {
            Some((e, true))
        }
        _ => None,
    }
}

/// The consumer read a framework's content (getCFPackage or getCFItem answered 200).
pub(super) fn content_read(v: Version, seen: &[Seen]) -> bool {
    let got = |e: &str| {
        seen.iter()
            .any(|s| s.status == 200 && endpoint(v, &s.path) == Some((e, true)))
    };
    got("CFPackages") || got("CFItems")
}
