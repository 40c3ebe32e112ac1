//! The CASE provider suite's run: authentication, every endpoint walked and judged, identifier
//! errors, paging, uris, the report.

use super::*;

/// Runs every provider check of `opts.version` against `opts.target`.
pub fn run(opts: &Options) -> Result<DocReport, String> {
    let target = opts.target.trim_end_matches('/').to_owned();
    match reqwest::Url::parse(&target) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
        _ => return Err(format!("{target} is not an http(s) URL")),
    }
    let http = Http::new(opts.timeout, opts.max_body, opts.allow_private_network)?;
    let v = opts.version;
    let d = v.defs();
    let mut s = Suite {
        opts,
        v,
        http,
        base: target.clone(),
        bearer: None,
        budget: opts.max_items.max(1),
        auth: Acc::new(d.AUTH),
        endpoints: Acc::new(d.ENDPOINTS),
        schema: Acc::new(d.SCHEMA),
        declared: Acc::new(d.DECLARED),
        content_type: Acc::new(d.CONTENT_TYPE),
        unknown: Acc::new(d.UNKNOWN_ID),
        malformed: Acc::new(d.MALFORMED_ID),
        bad_param: Acc::new(d.BAD_PARAMETER),
        paging: Acc::new(d.PAGING),
        links: Acc::new(d.LINKS),
        sort: Acc::new(d.SORT),
        filter: Acc::new(d.FILTER),
        fields: Acc::new(d.FIELDS),
        uris: Acc::new(d.URIS),
        rubrics: Acc::new(d.RUBRICS),
        integrity: Acc::new(d.PACKAGE_INTEGRITY),
        optional_fields: Acc::new(d.OPTIONAL_FIELDS),
        discovery: Acc::new(checks::DISCOVERY),
        nested: Vec::new(),
        exercised: BTreeMap::new(),
        served_uris: Vec::new(),
    };
    if v == Version::V1p0 {
        s.schema.note = Some("CFDocument.Type, CFItem.Type, CFAssociation.Type validated flattened: the 1.0 OpenAPI's allOf of two additionalProperties:false parts is unsatisfiable".into());
    }
    let list_url = s.api("CFDocuments");
    if let Some(stopped) = authenticate(&mut s, &list_url)? {
        return Ok(finish(s, &stopped));
    }
    let list = match document_list(&mut s, &list_url)? {
        Ok(list) => list,
        Err(stopped) => return Ok(finish(s, &stopped)),
    };
    let doc_ids = identifiers(&list);
    let rubrics_served = walk(&mut s, &doc_ids);
    identifier_errors(&mut s, rubrics_served);
    for q in ["limit=-1", "limit=abc"] {
        let url = format!("{list_url}?{q}");
        let ex = s.get(&url);
        s.judge_error(2, &ex, 400, &["invalid_selection_field"], q);
    }
    paging(&mut s, &list_url, doc_ids.len());
    query::links(&mut s, &list_url);
    query::sort(&mut s, &list_url, &list);
    query::filter(&mut s, &list_url, &list);
    query::fields(&mut s, &list_url, &list);
    uris(&mut s);
    if v == Version::V1p1 {
        query::discovery(&mut s);
    }
    Ok(finish(s, ""))
}

/// The identifiers of the documents of a `/CFDocuments` body.
pub(super) fn identifiers(list: &Value) -> Vec<String> {
    list.get("CFDocuments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|d| {
                    d.get("identifier")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Obtains the token and judges `auth`. `Ok(Some(why))`: the provider refused every call.
fn authenticate(s: &mut Suite, list_url: &str) -> Result<Option<String>, String> {
    let mut refused = false;
    match &s.opts.auth {
        Auth::Anonymous => {}
        Auth::Token(t) => s.bearer = Some(t.clone()),
        Auth::Client {
            id,
            secret,
            token_url,
            basic,
            scope,
        } => match client_token(&s.http, id, secret, token_url, *basic, scope.as_deref())? {
            Ok(t) => s.bearer = Some(t),
            Err(f) => {
                s.auth.fails.push(f);
                refused = true;
            }
        },
    }
    let anon = s.http.get(list_url, None);
    if let Some(e) = &anon.error {
        return Err(format!("cannot fetch {list_url}: {e}"));
    }
    if s.bearer.is_some() {
        if anon.status == 401 {
            s.auth
                .passes
                .push(format!("without the token: 401 ({list_url})"));
        } else {
            s.auth.fails.push((
                format!(
                    "a call without the token got HTTP {} (expected 401)",
                    anon.status
                ),
                anon.evidence(),
            ));
        }
    } else if anon.status == 401 || anon.status == 403 {
        if !refused {
            s.auth.fails.push((
                format!("the provider requires authentication (HTTP {}) and no credentials were given (--token or --client)", anon.status),
                anon.evidence(),
            ));
        }
        return Ok(Some(
            "the provider refused every call: no usable credentials".into(),
        ));
    } else {
        s.auth.skip = Some(
            "public provider: no credentials configured and anonymous calls are answered".into(),
        );
    }
    if refused {
        s.bearer = None;
    }
    Ok(None)
}

/// Fetches and judges `/CFDocuments`. `Ok(Err(why))`: nothing more can be judged.
fn document_list(s: &mut Suite, list_url: &str) -> Result<Result<Value, String>, String> {
    let list = s.get(list_url);
    if let Some(e) = &list.error {
        return Err(format!("cannot fetch {list_url}: {e}"));
    }
    if s.bearer.is_some() {
        if list.status == 200 {
            s.auth
                .passes
                .push(format!("with the token: 200 ({list_url})"));
        } else {
            s.auth.fails.push((
                format!("a call with the token got HTTP {}", list.status),
                list.evidence(),
            ));
        }
    }
    if list.status != 200 {
        s.endpoints.fails.push((
            format!("GET /CFDocuments: HTTP {}", list.status),
            list.evidence(),
        ));
        return Ok(Err("GET /CFDocuments failed".into()));
    }
    let Some(body) = list.json() else {
        s.endpoints.fails.push((
            "GET /CFDocuments: the body is not JSON".into(),
            list.evidence(),
        ));
        return Ok(Err("GET /CFDocuments returned no JSON".into()));
    };
    s.endpoints.passes.push(list_url.to_owned());
    *s.exercised.entry("CFDocuments (list)").or_default() += 1;
    s.validate(&list, "getAllCFDocuments", &body);
    Ok(Ok(body))
}

/// Walks every document: its package, what the package references, its rubrics. Returns
/// whether the provider served a CFRubric.
fn walk(s: &mut Suite, doc_ids: &[String]) -> bool {
    let mut rubric_refs = 0usize;
    for doc in doc_ids {
        if s.budget == 0 {
            break;
        }
        let doc_body = s.fetch_known("CFDocuments", "getCFDocument", doc);
        let Some(pkg) = s.fetch_known("CFPackages", "getCFPackage", doc) else {
            continue;
        };
        let pkg_url = s.api(&format!("CFPackages/{doc}"));
        if let Some(body) = doc_body {
            optional::judge(s, &pkg_url, &pkg, "CFDocuments", doc, &body);
        }
        let bytes = serde_json::to_vec(&pkg).unwrap_or_default();
        let mut nested = crate::check(&pkg_url, &bytes, &crate::Options::default());
        if s.v == Version::V1p1 {
            one_schema_per_version(&mut nested);
        }
        if nested.passed() {
            s.integrity
                .passes
                .push(format!("{pkg_url}: every case.package check passed"));
        } else {
            s.integrity.fails.push((
                format!("{pkg_url}: {}", nested.failed_ids().join(", ")),
                json!({"package": pkg_url, "failed": nested.failed_ids()}),
            ));
        }
        s.nested.push(nested);
        let refs = references(&pkg);
        fetch_references(s, &pkg_url, &pkg, &refs);
        for id in refs.get("CFRubrics").into_iter().flatten() {
            rubric_refs += 1;
            if s.budget == 0 {
                break;
            }
            s.budget -= 1;
            rubric(s, id);
        }
    }
    if doc_ids.is_empty() {
        s.endpoints.note = Some("the provider lists no CFDocuments".into());
    }
    if rubric_refs == 0 {
        s.rubrics.skip = Some("no package references a CFRubric".into());
    }
    s.optional_fields.skip =
        Some("no object served on its own has optional fields in its package".into());
    let missing: Vec<&str> = ENDPOINTS
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| !s.exercised.contains_key(e))
        .collect();
    if !missing.is_empty() {
        let m = format!(
            "not exercised (no identifiers served for them): {}",
            missing.join(", ")
        );
        s.endpoints.note = Some(match s.endpoints.note.take() {
            Some(n) => format!("{n}; {m}"),
            None => m,
        });
    }
    !s.rubrics.passes.is_empty()
}

/// Fetches every object the package references from its own endpoint, and compares the
/// answer with the package's copy (`optional-fields`).
fn fetch_references(
    s: &mut Suite,
    pkg_url: &str,
    pkg: &Value,
    refs: &BTreeMap<&'static str, BTreeSet<String>>,
) {
    for (ep, op) in ENDPOINTS.iter().skip(2) {
        for id in refs.get(ep).into_iter().flatten() {
            if let Some(body) = s.fetch_known(ep, op, id) {
                optional::judge(s, pkg_url, pkg, ep, id, &body);
            }
        }
    }
}

/// In a CASE 1.1 run the package's schema is the 1.1 getCFPackage schema, judged by
/// `case11.provider.schema`; the nested `case.package.schema` (the 1.0 `CFPackage.Type`, which
/// forbids the 1.1 properties) is skipped with that reason.
fn one_schema_per_version(nested: &mut DocReport) {
    for c in nested
        .checks
        .iter_mut()
        .filter(|c| c.id == crate::checks::SCHEMA.id)
    {
        c.verdict = Verdict::Skip;
        c.message = "CASE 1.1 package: its schema is the CASE 1.1 getCFPackage payload schema, judged by case11.provider.schema (case.package.schema is the CASE 1.0 CFPackage.Type)".into();
        c.evidence.clear();
    }
}

/// One referenced CFRubric.
fn rubric(s: &mut Suite, id: &str) {
    let url = s.api(&format!("CFRubrics/{}", http::enc(id)));
    let ex = s.get(&url);
    match (ex.status, ex.json()) {
        (200, Some(b)) => {
            s.rubrics.passes.push(url.clone());
            s.validate(&ex, "getCFRubric", &b);
        }
        // Rubrics are optional: not offered (404 / 405 / 501) is a warning; offered
        // but broken (5xx, a 200 that is not JSON, a transport error) is a failure.
        (404 | 405 | 501, _) => s.rubrics.warns.push((
            format!(
                "CFRubric {id} is in the package but the provider does not serve CFRubrics (HTTP {})",
                ex.status
            ),
            ex.evidence(),
        )),
        _ => s.rubrics.fails.push((
            format!(
                "CFRubric {id} is in the package but GET /CFRubrics/{id} gave {}",
                ex.error
                    .clone()
                    .unwrap_or_else(|| format!("HTTP {}", ex.status))
            ),
            ex.evidence(),
        )),
    }
}

/// Unknown and malformed identifiers on every endpoint that takes one (CFRubrics too when the
/// provider serves rubrics).
fn identifier_errors(s: &mut Suite, rubrics_served: bool) {
    let unknown = random_uuid();
    let mut eps: Vec<&str> = ENDPOINTS.iter().map(|(e, _)| *e).collect();
    if rubrics_served {
        eps.push("CFRubrics");
    }
    let invalid = s.v.invalid_uuid();
    for ep in eps {
        let url = s.api(&format!("{ep}/{unknown}"));
        let ex = s.get(&url);
        s.judge_error(
            0,
            &ex,
            404,
            &["unknownobject"],
            &format!("{ep}/{{random UUID}}"),
        );
        let url = s.api(&format!("{ep}/not-a-uuid"));
        let ex = s.get(&url);
        s.judge_error(1, &ex, 404, &[invalid], &format!("{ep}/not-a-uuid (404 response of every getCF* operation: \"an invalid UUID has been supplied\", codeMinor {invalid})"));
    }
}

pub(super) fn paging(s: &mut Suite, list_url: &str, listed: usize) {
    let first = format!("{list_url}?limit=1&offset=0");
    let ex = s.get(&first);
    if ex.error.is_some() || ex.status != 200 {
        s.paging
            .fails
            .push((format!("GET {first}: HTTP {}", ex.status), ex.evidence()));
        return;
    }
    let total = ex
        .total_count
        .as_deref()
        .and_then(|t| t.trim().parse::<usize>().ok());
    let Some(total) = total else {
        s.paging.fails.push((
            "X-Total-Count is missing or not an integer".into(),
            ex.evidence(),
        ));
        return;
    };
    if total < listed {
        s.paging.fails.push((
            format!("X-Total-Count {total} but the unpaged list holds {listed}"),
            ex.evidence(),
        ));
    }
    match follow_next(s, ex, first, total) {
        Ok((pages, reached)) => s.paging.passes.push(format!(
            "X-Total-Count {total}; {pages} page(s) of limit=1 followed by rel=next reached {reached} document(s)"
        )),
        Err(fail) => s.paging.fails.push(fail),
    }
}

/// Follows rel=next from the first page of limit=1 (at `url`) until there is none. Returns
/// the pages walked and the distinct documents reached, or the failure and its evidence.
fn follow_next(
    s: &mut Suite,
    mut page: Exchange,
    mut url: String,
    total: usize,
) -> Result<(usize, usize), (String, Value)> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut hops = 0usize;
    loop {
        let ids = identifiers(&page.json().unwrap_or(Value::Null));
        if ids.len() > 1 {
            return Err((
                format!("{url}: limit=1 returned {} documents", ids.len()),
                page.evidence(),
            ));
        }
        seen.extend(ids);
        let Some(n) = page.link.as_deref().and_then(|l| link_next(l, &url)) else {
            if seen.len() < total {
                return Err((
                    format!(
                        "{url}: no Link rel=next, yet only {} of {total} documents were reached",
                        seen.len()
                    ),
                    page.evidence(),
                ));
            }
            return Ok((hops + 1, seen.len()));
        };
        hops += 1;
        if hops > total + 1 || hops > s.opts.max_items {
            return Err((
                format!("rel=next still present after {hops} pages of 1 (total {total})"),
                page.evidence(),
            ));
        }
        url = n;
        page = s.get(&url);
        if page.error.is_some() || page.status != 200 {
            return Err((
                format!("following rel=next: HTTP {}", page.status),
                page.evidence(),
            ));
        }
    }
}

pub(super) fn uris(s: &mut Suite) {
    let Some(target) = authority(&s.base) else {
        return;
    };
    let list = std::mem::take(&mut s.served_uris);
    let mut off_host = 0usize;
    for (uri, ident, served_at) in list {
        if authority(&uri).as_deref() != Some(target.as_str()) {
            off_host += 1;
            continue;
        }
        if s.budget == 0 {
            s.uris.note = Some("stopped at --max-items".into());
            break;
        }
        s.budget -= 1;
        let ex = s.get(&uri);
        let got = ex.json().and_then(|b| {
            b.get("identifier")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        if ex.status == 200 && got.as_deref() == Some(ident.as_str()) {
            s.uris.passes.push(uri);
        } else {
            let mut ev = ex.evidence();
            ev["served at"] = json!(served_at);
            ev["expected identifier"] = json!(ident);
            s.uris.fails.push((
                format!(
                    "uri {uri} of {ident} gave HTTP {} with identifier {:?}",
                    ex.status, got
                ),
                ev,
            ));
        }
    }
    if off_host > 0 {
        let m = format!("{off_host} uri(s) not on the target host were not fetched");
        if s.uris.passes.is_empty() && s.uris.fails.is_empty() {
            s.uris.skip = Some(m);
        } else {
            s.uris.note = Some(m);
        }
    } else if s.uris.passes.is_empty() && s.uris.fails.is_empty() {
        s.uris.skip = Some("no served object carries a uri".into());
    }
}

pub(super) fn finish(s: Suite, stopped: &str) -> DocReport {
    let mut report = DocReport::new(s.base.clone());
    report.kind = s.v.kind().to_owned();
    let stop = |mut a: Acc| {
        if !stopped.is_empty() && a.skip.is_none() {
            a.skip = Some(stopped.to_owned());
        }
        a
    };
    let label = s.v.label();
    let mut results = vec![
        stop(s.auth).finish("authentication enforced"),
        stop(s.endpoints).finish("every fetched endpoint answered 200"),
        stop(s.schema).finish(&format!(
            "every payload validates against its CASE {label} schema"
        )),
        stop(s.declared).finish("no undeclared properties"),
        stop(s.content_type).finish("every body served as application/json"),
        stop(s.unknown)
            .finish("404 failure/unknownobject on every endpoint that takes an identifier"),
        stop(s.malformed).finish(&format!(
            "404 failure/{} on every endpoint that takes an identifier",
            s.v.invalid_uuid()
        )),
        stop(s.bad_param).finish("400 failure/invalid_selection_field"),
        stop(s.paging).finish("paging headers present and consistent"),
        stop(s.links).finish("every Link relation names the right page"),
        stop(s.sort).finish("sorted as asked"),
        stop(s.filter).finish("filtered as asked"),
        stop(s.fields).finish("only the selected fields"),
        stop(s.uris).finish("every uri on the target host resolves to its object"),
        stop(s.rubrics).finish("every referenced CFRubric is served"),
        stop(s.integrity).finish("every fetched CFPackage passed the integrity checks"),
        stop(s.optional_fields)
            .finish("every object served on its own carries its package's optional fields"),
    ];
    if s.v == Version::V1p1 {
        results.push(stop(s.discovery).finish("the discovery file is served"));
    }
    report.checks = results;
    report.nested = s.nested;
    report
}
