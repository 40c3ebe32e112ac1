//! Applying: the challenge, the presentation judged by the core, alignments followed, the application kept.

use super::*;

// ---- applying ---------------------------------------------------------------------------

/// What an application may be (the `accepts` of the apply information).
const ACCEPTS: &str = concat!(
    "a VerifiablePresentation signed by its holder for authentication with this challenge and domain ",
    "(the Wellspring wallet's Share does this), or ",
    r#"{"credential": CLR or credential, "email": the recipient's e-mail}"#,
);

/// How to apply to `job`: a fresh challenge, the domain, the URL, what is accepted.
pub(super) fn apply_info(app: &App, job: &Job) -> Result<Value, String> {
    let challenge = app.store.new_challenge(job.id)?;
    Ok(json!({
        "job": job.id, "challenge": challenge, "domain": app.base,
        "applyUrl": format!("{}/api/jobs/{}/applications", app.base, job.id),
        "expiresIn": 3600,
        "accepts": ACCEPTS,
    }))
}

pub(super) async fn api_apply_info(State(app): State<App>, Path(id): Path<String>) -> Response {
    let j = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match apply_info(&app, &j) {
        Ok(v) => Json(v).into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

/// Checks the presentation's challenge (live, for this job) and domain (this ATS).
pub(super) fn check_challenge(app: &App, job: i64, env: &Envelope) -> Result<(), String> {
    let Some(c) = &env.challenge else {
        return Err(format!("the presentation's proof carries no challenge: get one from GET {}/api/jobs/{job}/apply", app.base));
    };
    if env.domain.as_deref() != Some(app.base.as_str()) {
        return Err(format!(
            "the presentation's proof is for the domain {:?}, not {:?}",
            env.domain.as_deref().unwrap_or("(none)"),
            app.base
        ));
    }
    if !app.store.challenge_live(job, c)? {
        return Err(format!(
            "the challenge {c:?} is unknown, used or expired for job {job}: get a new one"
        ));
    }
    Ok(())
}

/// Fetches the frameworks the counted credentials align to (bounded), and refreshes the
/// job's framework when its provider says it changed. Problems become warnings.
pub(super) async fn follow_alignments(app: &App, job: &Job, j: &intake::Judgement) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Err(e) = app.frameworks.package(&job.case_base, &job.framework).await {
        warnings.push(format!("job framework: {e}"));
    }
    let mut fetched = 0;
    for c in j.credentials.iter().filter(|c| c.counts) {
        for a in &c.alignments {
            let Some(url) = &a.target_url else { continue };
            if fetched >= case::MAX_FETCHES_PER_APPLICATION {
                warnings.push(format!(
                    "not followed (more than {} frameworks): {url}",
                    case::MAX_FETCHES_PER_APPLICATION
                ));
                continue;
            }
            let g = app.frameworks.graph().unwrap_or_default();
            match app.frameworks.follow(url, &g).await {
                Ok(true) => fetched += 1,
                Ok(false) => {}
                Err(e) => warnings.push(format!("alignment {url}: {e}")),
            }
        }
    }
    warnings
}

pub(super) async fn judge(
    app: &App,
    env: Envelope,
    challenge_ok: Result<(), String>,
) -> Result<intake::Judgement, String> {
    let mut opts = app.options.clone();
    opts.now = chrono::Utc::now();
    app.pool
        .run(move || intake::judge(&env, &opts, challenge_ok))
        .await
}

pub(super) fn summary(app: &App, job: &Job, id: i64, warnings: &[String]) -> Value {
    let rows = app.store.credentials(id).unwrap_or_default();
    let g = app.frameworks.graph().unwrap_or_default();
    let redacted = intake::redact(
        rows.iter()
            .map(|r| (r.index, r.counts, r.alignments.as_slice())),
    );
    let s = crate::score::score(&job.requirements, &redacted, &g);
    json!({
        "application": id,
        "job": job.id,
        "score": s.percent,
        "credentials": rows.iter().map(|r| json!({
            "index": r.index, "parent": r.parent, "kind": r.kind, "name": r.display.get("name"),
            "status": r.status, "counts": r.counts, "whyNot": r.why_not,
        })).collect::<Vec<_>>(),
        "warnings": warnings,
    })
}

/// Takes an application in; the stored application's id and its summary.
pub(super) async fn take_application(
    app: &App,
    job: &Job,
    body: &[u8],
    name: Option<String>,
    email: Option<String>,
    client: std::net::IpAddr,
) -> Result<(i64, Value), (StatusCode, Value)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, json!({"error": m}));
    let client = client.to_string();
    let (total, mine) = app
        .store
        .application_counts(&client)
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e})))?;
    if mine >= app.quota.0 || total >= app.quota.1 {
        return Err((
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": "this ATS takes no more applications from this address"}),
        ));
    }
    let mut env = intake::envelope(body).map_err(bad)?;
    if name.is_some() {
        env.name = name;
    }
    if email.is_some() {
        env.email = email;
    }
    let challenge = env.challenge.clone();
    if env.presentation {
        check_challenge(app, job.id, &env).map_err(bad)?;
    }
    let j = judge(app, env.clone(), Ok(()))
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e})))?;
    if let Some(e) = &j.presentation_error {
        return Err((
            StatusCode::BAD_REQUEST,
            json!({"error": e, "report": j.report}),
        ));
    }
    if j.credentials.is_empty() {
        return Err((
            StatusCode::BAD_REQUEST,
            json!({"error": "no credential could be read from the application", "report": j.report}),
        ));
    }
    let warnings = follow_alignments(app, job, &j).await;
    let id = app
        .store
        .add_application(
            job.id,
            body,
            env.name.as_deref(),
            env.email.as_deref(),
            if env.presentation {
                challenge.as_deref()
            } else {
                None
            },
            &j,
        )
        .map_err(|e| (StatusCode::CONFLICT, json!({"error": e})))?;
    let _ = app.store.set_application_client(id, &client);
    Ok((id, summary(app, job, id, &warnings)))
}

pub(super) async fn api_apply(
    State(app): State<App>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let job = match load_job(&app, &id) {
        Ok(j) => j,
        Err(r) => return *r,
    };
    match take_application(&app, &job, &body, None, None, client).await {
        Ok((_, v)) => (StatusCode::CREATED, Json(v)).into_response(),
        Err((code, v)) => (code, Json(v)).into_response(),
    }
}
