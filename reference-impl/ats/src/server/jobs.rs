//! Jobs: creating one (its CASE framework fetched from the provider the recruiter names), listing.

use super::*;

// ---- jobs -------------------------------------------------------------------------------

/// `POST /api/jobs`.
#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase")]
pub struct NewJob {
    pub title: String,
    /// The CASE provider's base URL (with `framework`) …
    #[serde(default)]
    pub case_base: Option<String>,
    /// … the CFDocument identifier of the job-skill framework …
    #[serde(default)]
    pub framework: Option<String>,
    /// … or the package URL `{base}/ims/case/v1p0/CFPackages/{sourcedId}` (or `v1p1`).
    #[serde(default)]
    pub package_url: Option<String>,
    /// CFItem identifiers, URIs or human coding schemes; empty: every item of the framework.
    #[serde(default)]
    pub requirements: Vec<String>,
}

/// Fetches the framework (through the cache) and stores the job.
pub async fn create_job(app: &App, j: NewJob) -> Result<i64, (StatusCode, String)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let title = j.title.trim();
    if title.is_empty() {
        return Err(bad("a job needs a title".into()));
    }
    let (base, doc) = match (&j.package_url, &j.case_base, &j.framework) {
        (Some(u), _, _) if !u.trim().is_empty() => match case::split_case_url(u.trim()) {
            Some(c) if c.endpoint == "CFPackages" || c.endpoint == "CFDocuments" => (c.base, c.id),
            _ => {
                return Err(bad(format!(
                "packageUrl {u:?} is not a CASE 1.0 or 1.1 …/ims/case/v1p0/CFPackages/{{sourcedId}} URL"
            )))
            }
        },
        (_, Some(b), Some(f)) if !b.trim().is_empty() && !f.trim().is_empty() => {
            let b = b.trim().trim_end_matches('/');
            if !(b.starts_with("http://") || b.starts_with("https://")) {
                return Err(bad(format!("caseBase must be an http(s) URL, got {b:?}")));
            }
            (b.to_owned(), f.trim().to_ascii_lowercase())
        }
        _ => {
            return Err(bad(
                "give packageUrl, or caseBase and framework (a CFDocument identifier)".into(),
            ))
        }
    };
    let package = app.frameworks.package(&base, &doc).await.map_err(|e| {
        (
            StatusCode::BAD_GATEWAY,
            format!("cannot read the framework: {e}"),
        )
    })?;
    let doc = crate::case::package_identifier(&package)
        .unwrap_or(doc)
        .to_ascii_lowercase();
    let graph = Graph::from_packages(std::slice::from_ref(&package));
    let items = graph.items_of(&doc);
    if items.is_empty() {
        return Err(bad(format!("the framework {doc} has no items")));
    }
    let mut reqs = Vec::new();
    let mut unknown = Vec::new();
    for r in &j.requirements {
        let r = r.trim();
        if r.is_empty() {
            continue;
        }
        let hit = items.iter().find(|i| {
            i.id == r.to_ascii_lowercase()
                || i.uri == r
                || i.code.as_deref() == Some(r)
                || case::split_case_url(r).is_some_and(|u| u.id.to_ascii_lowercase() == i.id)
        });
        match hit {
            Some(i) if !reqs.contains(&i.id) => reqs.push(i.id.clone()),
            Some(_) => {}
            None => unknown.push(r.to_owned()),
        }
    }
    if !unknown.is_empty() {
        return Err(bad(format!(
            "not items of the framework {doc}: {}",
            unknown.join(", ")
        )));
    }
    if reqs.is_empty() {
        reqs = items.iter().map(|i| i.id.clone()).collect();
    }
    app.store
        .add_job(title, &doc, &base, &reqs)
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))
}

pub(super) fn job_json(j: &Job, g: &Graph, base: &str) -> Value {
    json!({
        "id": j.id, "title": j.title, "framework": j.framework, "caseBase": j.case_base,
        "frameworkTitle": g.frameworks.get(&j.framework).map(|f| f.title.clone()),
        "requirements": j.requirements.iter().map(|r| {
            let i = g.items.get(r);
            json!({"identifier": r, "uri": i.map(|i| i.uri.clone()), "code": i.and_then(|i| i.code.clone()), "statement": i.map(|i| i.statement.clone())})
        }).collect::<Vec<_>>(),
        "apply": format!("{base}/api/jobs/{}/apply", j.id),
    })
}

pub(super) async fn api_jobs(State(app): State<App>) -> Response {
    let (jobs, g) = match (app.store.jobs(), app.frameworks.graph()) {
        (Ok(j), Ok(g)) => (j, g),
        (Err(e), _) | (_, Err(e)) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    Json(Value::from(
        jobs.iter()
            .map(|j| job_json(j, &g, &app.base))
            .collect::<Vec<_>>(),
    ))
    .into_response()
}

pub(super) fn load_job(app: &App, id: &str) -> Result<Job, Box<Response>> {
    match id.parse::<i64>().ok().map(|i| app.store.job(i)) {
        Some(Ok(Some(j))) => Ok(j),
        Some(Err(e)) => Err(Box::new(api_error(StatusCode::INTERNAL_SERVER_ERROR, e))),
        _ => Err(Box::new(api_error(
            StatusCode::NOT_FOUND,
            format!("no job {id}"),
        ))),
    }
}

pub(super) async fn api_job(State(app): State<App>, Path(id): Path<String>) -> Response {
    let j = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match app.frameworks.graph() {
        Ok(g) => Json(job_json(&j, &g, &app.base)).into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

pub(super) async fn api_post_job(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let j: NewJob = match serde_json::from_slice(&body) {
        Ok(j) => j,
        Err(e) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{title, caseBase + framework | packageUrl, requirements?}}: {e}"
                ),
            )
        }
    };
    match create_job(&app, j).await {
        Ok(id) => {
            let job = app.store.job(id).ok().flatten();
            let g = app.frameworks.graph().unwrap_or_default();
            (
                StatusCode::CREATED,
                Json(
                    job.map(|j| job_json(&j, &g, &app.base))
                        .unwrap_or(Value::Null),
                ),
            )
                .into_response()
        }
        Err((code, e)) => api_error(code, e),
    }
}
