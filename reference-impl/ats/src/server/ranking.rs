//! Ranking and candidates: scores explained, applications read and re-verified.

use super::*;

// ---- ranking and candidates ---------------------------------------------------------------

pub(super) fn explain(g: &Graph, s: &crate::score::Score) -> Value {
    json!({
        "score": s.percent,
        "requirements": s.requirements.iter().map(|r| json!({
            "item": r.item, "label": g.label(&r.item), "score": r.score,
            "evidence": r.evidence.as_ref().map(|e| json!({
                "credential": e.credential,
                "alignedItem": e.aligned_item, "alignedLabel": g.label(&e.aligned_item),
                "targetUrl": e.alignment.target_url, "targetCode": e.alignment.target_code,
                "result": e.alignment.result,
                "path": e.path.iter().map(|h| json!({"from": g.label(&h.from), "association": h.association, "to": g.label(&h.to), "weight": h.weight})).collect::<Vec<_>>(),
            })),
        })).collect::<Vec<_>>(),
        "unresolvedAlignments": s.unresolved,
    })
}

pub(super) async fn api_ranking(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    let g = match app.frameworks.graph() {
        Ok(g) => g,
        Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    match crate::rank(&app.store, &job, &g) {
        Ok(r) => Json(json!({
            "job": job_json(&job, &g, &app.base),
            "candidates": r.iter().enumerate().map(|(i, c)| {
                let mut v = explain(&g, &c.score);
                v["rank"] = json!(i + 1);
                v["candidate"] = json!(format!("Candidate {}", c.application));
                v["application"] = json!(c.application);
                v["counted"] = json!(c.counted);
                v["credentials"] = json!(c.total);
                v
            }).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

pub(super) fn candidate_json(app: &App, job: &Job, a: &crate::store::Application) -> Value {
    let rows = app.store.credentials(a.id).unwrap_or_default();
    let g = app.frameworks.graph().unwrap_or_default();
    let redacted = intake::redact(
        rows.iter()
            .map(|r| (r.index, r.counts, r.alignments.as_slice())),
    );
    let s = crate::score::score(&job.requirements, &redacted, &g);
    json!({
        "application": a.id, "received": a.received, "verifiedAt": a.verified_at,
        "holder": a.holder, "name": a.name, "email": a.email, "presentationError": a.presentation_error,
        "ranking": explain(&g, &s),
        "credentials": rows,
    })
}

pub(super) fn load_application(
    app: &App,
    job: &Job,
    id: &str,
) -> Result<crate::store::Application, Box<Response>> {
    match id
        .parse::<i64>()
        .ok()
        .map(|i| app.store.application(job.id, i))
    {
        Some(Ok(Some(a))) => Ok(a),
        Some(Err(e)) => Err(Box::new(api_error(StatusCode::INTERNAL_SERVER_ERROR, e))),
        _ => Err(Box::new(api_error(
            StatusCode::NOT_FOUND,
            format!("no application {id} for job {}", job.id),
        ))),
    }
}

pub(super) async fn api_application(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match load_application(&app, &job, &a) {
        Ok(a) => Json(candidate_json(&app, &job, &a)).into_response(),
        Err(r) => *r,
    }
}

/// Verifies a stored application again (status lists, dates, keys may have changed); the
/// challenge it was accepted with is not asked again.
pub(super) async fn reverify(
    app: &App,
    job: &Job,
    a: &crate::store::Application,
) -> Result<(), String> {
    let mut env = intake::envelope(&a.document)?;
    env.name = a.name.clone();
    env.email = a.email.clone();
    let ok = if env.presentation && env.challenge.is_some() && env.challenge == a.challenge {
        Ok(())
    } else {
        Err("the presentation's challenge is not the one it was accepted with".to_string())
    };
    let ok = if env.presentation { ok } else { Ok(()) };
    let j = judge(app, env, ok).await?;
    let _ = follow_alignments(app, job, &j).await;
    app.store.rejudge(a.id, &j)
}

pub(super) async fn api_reverify(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    if recruiter(&app, &headers).await.is_none() {
        return unauthorized_api();
    }
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    let a = match load_application(&app, &job, &a) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match reverify(&app, &job, &a).await {
        Ok(()) => match app.store.application(job.id, a.id) {
            Ok(Some(a)) => Json(candidate_json(&app, &job, &a)).into_response(),
            _ => api_error(StatusCode::NOT_FOUND, "the application vanished"),
        },
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}
