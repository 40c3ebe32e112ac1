//! The query parameters of getAllCFDocuments judged against what the provider itself lists
//! (`links`, `sort`, `filter`, `fields`), and the CASE 1.1 discovery file.
//!
//! Sorting, filtering and field selection are optional (CASE 1.1 certification guide: a provider
//! "may support" them): a provider that refuses one (400) or ignores it (answers the unsorted,
//! unfiltered, whole documents) gets a warning with the reason; one that applies it wrongly
//! fails. The Link header is RECOMMENDED (binding §3.1): absent or missing a relation is a
//! warning, a relation naming the wrong page a failure.

use super::*;

/// Every `<url>; rel="…"` of a Link header, resolved against `base`: (relation, url).
pub(super) fn link_rels(link: &str, base: &str) -> Vec<(String, reqwest::Url)> {
    let Ok(base) = reqwest::Url::parse(base) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for part in link.split(',') {
        let (Some(a), Some(b)) = (part.find('<'), part.find('>')) else {
            continue;
        };
        if b <= a {
            continue;
        }
        let Ok(target) = base.join(&part[a + 1..b]) else {
            continue;
        };
        for p in part[b + 1..].split(';') {
            if let Some(v) = p.trim().strip_prefix("rel=") {
                for r in v.trim_matches('"').split_whitespace() {
                    out.push((r.to_ascii_lowercase(), target.clone()));
                }
            }
        }
    }
    out
}

/// `limit` and `offset` of a page URL (`offset` 0 when absent).
fn page_of(u: &reqwest::Url) -> (Option<usize>, usize) {
    let get = |k: &str| {
        u.query_pairs()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    (get("limit"), get("offset").unwrap_or(0))
}

/// Judges the relations of the limit=1 page at `offset` of `total` documents.
fn judge_page(s: &mut Suite, list_url: &str, offset: usize, total: usize) {
    let url = format!("{list_url}?limit=1&offset={offset}");
    let ex = s.get(&url);
    let Some(link) = ex.link.clone() else {
        s.links.warns.push((
            format!("{url}: no Link header (RECOMMENDED by the binding)"),
            ex.evidence(),
        ));
        return;
    };
    let rels = link_rels(&link, &url);
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    let last_ok = |o: usize, l: Option<usize>| o < total && o + l.unwrap_or(1) >= total;
    let expect: [(&str, Option<usize>); 3] = [
        ("first", Some(0)),
        ("prev", (offset > 0).then(|| offset - 1)),
        ("next", (offset + 1 < total).then_some(offset + 1)),
    ];
    for (rel, want) in expect {
        let got: Vec<_> = rels.iter().filter(|(r, _)| r == rel).collect();
        match (want, got.first()) {
            (Some(_), None) => missing.push(rel),
            (None, Some((_, u))) if rel == "next" => {
                problems.push(format!("rel=next ({u}) on the last page"))
            }
            (None, _) => {}
            (Some(w), Some((_, u))) => {
                let (l, o) = page_of(u);
                if o != w || l.is_some_and(|l| l != 1) {
                    problems.push(format!(
                        "rel={rel} is {u}: expected offset {w} with limit 1"
                    ));
                }
            }
        }
    }
    match rels.iter().find(|(r, _)| r == "last") {
        None => missing.push("last"),
        Some((_, u)) => {
            let (l, o) = page_of(u);
            if !last_ok(o, l) {
                problems.push(format!(
                    "rel=last is {u}: its page does not hold the last of {total} documents"
                ));
            }
        }
    }
    if !problems.is_empty() {
        s.links
            .fails
            .push((format!("{url}: {}", problems.join("; ")), ex.evidence()));
    } else if !missing.is_empty() {
        s.links.warns.push((
            format!("{url}: no rel={} (RECOMMENDED)", missing.join(", rel=")),
            ex.evidence(),
        ));
    } else {
        s.links.passes.push(format!(
            "{url}: first/prev/next/last name the right pages of {total}"
        ));
    }
}

pub(super) fn links(s: &mut Suite, list_url: &str) {
    let probe = s.get(&format!("{list_url}?limit=1&offset=0"));
    let total = probe
        .total_count
        .as_deref()
        .and_then(|t| t.trim().parse::<usize>().ok());
    let Some(total) = total.filter(|t| *t > 0) else {
        s.links.skip = Some(
            "no X-Total-Count (or no documents): the pages the relations should name are not known"
                .into(),
        );
        return;
    };
    let mut offsets = vec![0];
    if total > 2 {
        offsets.push(1);
    }
    if total > 1 {
        offsets.push(total - 1);
    }
    for o in offsets {
        judge_page(s, list_url, o, total);
    }
}

/// (identifier, title) of each listed document, in the provider's order.
fn listed(list: &Value) -> Vec<(String, Option<String>)> {
    list.get("CFDocuments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|d| {
                    let id = d.get("identifier")?.as_str()?.to_owned();
                    let t = d.get("title").and_then(Value::as_str).map(str::to_owned);
                    Some((id, t))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// GETs a query; `None` (judged) unless it answered 200 with JSON.
fn ask(s: &mut Suite, which: u8, url: &str, what: &str) -> Option<(Exchange, Value)> {
    let ex = s.get(url);
    let acc = match which {
        0 => &mut s.sort,
        1 => &mut s.filter,
        _ => &mut s.fields,
    };
    match (ex.status, ex.json()) {
        (200, Some(b)) => return Some((ex, b)),
        (400, _) => acc.warns.push((
            format!("{what} is refused (HTTP 400): the provider does not support it (optional)"),
            ex.evidence(),
        )),
        _ => acc.fails.push((
            format!(
                "{what}: {}",
                ex.error
                    .clone()
                    .unwrap_or_else(|| format!("HTTP {}", ex.status))
            ),
            ex.evidence(),
        )),
    }
    None
}

pub(super) fn sort(s: &mut Suite, list_url: &str, list: &Value) {
    let docs = listed(list);
    let default: Vec<String> = docs.iter().map(|(i, _)| i.clone()).collect();
    let mut titles: Vec<String> = docs.iter().filter_map(|(_, t)| t.clone()).collect();
    titles.iter_mut().for_each(|t| *t = t.to_lowercase());
    titles.sort();
    titles.dedup();
    if titles.len() < 2 {
        s.sort.skip =
            Some("fewer than two distinct document titles: an order cannot be observed".into());
        return;
    }
    for order in ["asc", "desc"] {
        let url = format!("{list_url}?sort=title&orderBy={order}");
        let Some((ex, body)) = ask(s, 0, &url, &format!("sort=title&orderBy={order}")) else {
            continue;
        };
        let got = listed(&body);
        let ids: Vec<String> = got.iter().map(|(i, _)| i.clone()).collect();
        let keys: Vec<String> = got
            .iter()
            .map(|(_, t)| t.clone().unwrap_or_default().to_lowercase())
            .collect();
        let sorted = keys.windows(2).all(|w| {
            if order == "asc" {
                w[0] <= w[1]
            } else {
                w[0] >= w[1]
            }
        });
        let same_set = {
            let (mut a, mut b) = (ids.clone(), default.clone());
            a.sort();
            b.sort();
            a == b
        };
        if !same_set {
            s.sort.fails.push((
                format!("{url}: not the documents the unsorted list holds"),
                ex.evidence(),
            ));
        } else if sorted {
            s.sort
                .passes
                .push(format!("{url}: sorted by title, {order}"));
        } else if ids == default {
            s.sort.warns.push((format!("{url}: the provider's default order came back; sorting is not supported (optional)"), ex.evidence()));
        } else {
            let mut ev = ex.evidence();
            ev["titles in the order served"] = json!(keys);
            s.sort
                .fails
                .push((format!("{url}: the titles are not in {order} order"), ev));
        }
    }
}

pub(super) fn filter(s: &mut Suite, list_url: &str, list: &Value) {
    let docs = listed(list);
    let Some(title) = docs
        .iter()
        .filter_map(|(_, t)| t.clone())
        .find(|t| !t.contains('\'') && !t.is_empty())
    else {
        s.filter.skip = Some("no listed document has a title to filter on".into());
        return;
    };
    let mut want: Vec<String> = docs
        .iter()
        .filter(|(_, t)| t.as_deref().map(str::to_lowercase) == Some(title.to_lowercase()))
        .map(|(i, _)| i.clone())
        .collect();
    want.sort();
    let url = format!(
        "{list_url}?filter={}",
        http::enc(&format!("title='{title}'"))
    );
    let Some((ex, body)) = ask(s, 1, &url, "filter=title='…'") else {
        return;
    };
    let mut got: Vec<String> = listed(&body).into_iter().map(|(i, _)| i).collect();
    got.sort();
    let mut all: Vec<String> = docs.into_iter().map(|(i, _)| i).collect();
    all.sort();
    if got == want {
        s.filter.passes.push(format!(
            "{url}: exactly the {} document(s) titled '{title}'",
            want.len()
        ));
    } else if got == all {
        s.filter.warns.push((
            format!("{url}: every document came back; filtering is not supported (optional)"),
            ex.evidence(),
        ));
    } else {
        let mut ev = ex.evidence();
        ev["expected identifiers"] = json!(want);
        ev["served identifiers"] = json!(got);
        s.filter.fails.push((
            format!(
                "{url}: {} document(s) served, {} titled '{title}' are listed",
                got.len(),
                want.len()
            ),
            ev,
        ));
    }
}

pub(super) fn fields(s: &mut Suite, list_url: &str, list: &Value) {
    let full: BTreeMap<String, BTreeSet<String>> = list
        .get("CFDocuments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let id = d.get("identifier")?.as_str()?.to_owned();
            Some((id, d.as_object()?.keys().cloned().collect()))
        })
        .collect();
    if full.is_empty() {
        s.fields.skip = Some("the provider lists no CFDocuments".into());
        return;
    }
    let url = format!("{list_url}?fields=identifier,title");
    let Some((ex, body)) = ask(s, 2, &url, "fields=identifier,title") else {
        return;
    };
    let served: Vec<BTreeSet<String>> = body
        .get("CFDocuments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|d| {
            d.as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        })
        .collect();
    let wanted: BTreeSet<String> = ["identifier".to_owned(), "title".to_owned()].into();
    let everything = served
        .iter()
        .all(|k| full.values().any(|f| f == k) && k.len() > 2);
    if served.is_empty() {
        s.fields
            .fails
            .push((format!("{url}: no documents came back"), ex.evidence()));
    } else if served.iter().all(|k| *k == wanted) {
        s.fields.passes.push(format!(
            "{url}: {} document(s), identifier and title only",
            served.len()
        ));
    } else if everything {
        s.fields.warns.push((
            format!(
                "{url}: whole documents came back; field selection is not supported (optional)"
            ),
            ex.evidence(),
        ));
    } else {
        let bad: Vec<String> = served
            .iter()
            .filter(|k| **k != wanted)
            .map(|k| k.iter().cloned().collect::<Vec<_>>().join(","))
            .collect();
        let mut ev = ex.evidence();
        ev["fields served"] = json!(bad);
        s.fields.fails.push((
            format!(
                "{url}: {} document(s) do not carry exactly identifier and title",
                bad.len()
            ),
            ev,
        ));
    }
}

/// The 11 required CASE 1.1 paths the discovery file must describe.
const REQUIRED_PATHS: &[&str] = &[
    "/CFDocuments",
    "/CFDocuments/{sourcedId}",
    "/CFPackages/{sourcedId}",
    "/CFItems/{sourcedId}",
    "/CFAssociations/{sourcedId}",
    "/CFItemAssociations/{sourcedId}",
    "/CFAssociationGroupings/{sourcedId}",
    "/CFConcepts/{sourcedId}",
    "/CFSubjects/{sourcedId}",
    "/CFLicenses/{sourcedId}",
    "/CFItemTypes/{sourcedId}",
];

pub(super) fn discovery(s: &mut Suite) {
    let url = s.api(wellspring_case::openapi11::DISCOVERY_PATH.trim_start_matches('/'));
    let ex = s.get(&url);
    let body = match (ex.status, ex.json()) {
        (200, Some(b)) => b,
        _ => {
            let why = ex
                .error
                .clone()
                .unwrap_or_else(|| format!("HTTP {}", ex.status));
            s.discovery.fails.push((
                format!("GET {url}: {why} (expected the OpenAPI 3 JSON file)"),
                ex.evidence(),
            ));
            return;
        }
    };
    let version = body.get("openapi").and_then(Value::as_str).unwrap_or("");
    let missing: Vec<&str> = REQUIRED_PATHS
        .iter()
        .copied()
        .filter(|p| {
            body.pointer(&format!(
                "/paths/{}",
                p.replace('~', "~0").replace('/', "~1")
            ))
            .is_none()
        })
        .collect();
    let here = authority(&s.base).unwrap_or_default();
    let servers: Vec<String> = body
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|sv| sv.get("url").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let localised = servers
        .iter()
        .any(|u| authority(u).as_deref() == Some(here.as_str()));
    if !version.starts_with("3.") {
        s.discovery.fails.push((
            format!("{url}: openapi is '{version}', expected an OpenAPI 3 file"),
            ex.evidence(),
        ));
    } else if !missing.is_empty() {
        s.discovery.fails.push((
            format!("{url}: the file does not describe {}", missing.join(", ")),
            ex.evidence(),
        ));
    } else if !localised {
        let mut ev = ex.evidence();
        ev["servers"] = json!(servers);
        s.discovery.fails.push((format!("{url}: its servers do not name this provider ({here}); the file must be localised (hostName set to the actual service provider)"), ev));
    } else {
        s.discovery.passes.push(format!(
            "{url}: OpenAPI {version}, localised to {here}, with the 11 required paths"
        ));
    }
}
