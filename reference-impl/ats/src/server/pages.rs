//! The recruiter's and the applicant's pages (the HTML is in `web.rs`).

use super::*;

// ---- pages ------------------------------------------------------------------------------

pub(super) async fn home(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let g = app.frameworks.graph().unwrap_or_default();
    match app.store.jobs() {
        Ok(jobs) => {
            let counts: Vec<usize> = jobs
                .iter()
                .map(|j| app.store.applications(j.id).map(|a| a.len()).unwrap_or(0))
                .collect();
            Html(web::jobs(&who, &jobs, &counts, &g, None)).into_response()
        }
        Err(e) => oops(e),
    }
}

pub(super) async fn post_job_form(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    };
    let req = NewJob {
        title: get("title").unwrap_or_default(),
        package_url: get("package_url"),
        case_base: get("case_base"),
        framework: get("framework"),
        requirements: get("requirements")
            .map(|r| {
                r.split([',', '\n', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    };
    match create_job(&app, req).await {
        Ok(id) => Redirect::to(&format!("/jobs/{id}")).into_response(),
        Err((code, e)) => {
            let g = app.frameworks.graph().unwrap_or_default();
            let jobs = app.store.jobs().unwrap_or_default();
            let counts: Vec<usize> = jobs
                .iter()
                .map(|j| app.store.applications(j.id).map(|a| a.len()).unwrap_or(0))
                .collect();
            (code, Html(web::jobs(&who, &jobs, &counts, &g, Some(&e)))).into_response()
        }
    }
}

pub(super) async fn job_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(job) = load_job(&app, &id) else {
        return not_found(Some(&who));
    };
    let g = app.frameworks.graph().unwrap_or_default();
    match crate::rank(&app.store, &job, &g) {
        Ok(r) => Html(web::job(&who, &job, &g, &r, &app.base)).into_response(),
        Err(e) => oops(e),
    }
}

pub(super) async fn candidate_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(job) = load_job(&app, &id) else {
        return not_found(Some(&who));
    };
    let Ok(a) = load_application(&app, &job, &a) else {
        return not_found(Some(&who));
    };
    candidate_html(&app, &who, &job, &a, None)
}

pub(super) fn candidate_html(
    app: &App,
    who: &str,
    job: &Job,
    a: &crate::store::Application,
    flash: Option<&str>,
) -> Response {
    let rows = app.store.credentials(a.id).unwrap_or_default();
    let g = app.frameworks.graph().unwrap_or_default();
    let redacted = intake::redact(
        rows.iter()
            .map(|r| (r.index, r.counts, r.alignments.as_slice())),
    );
    let s = crate::score::score(&job.requirements, &redacted, &g);
    Html(web::candidate(who, job, a, &rows, &s, &g, flash)).into_response()
}

pub(super) async fn reverify_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path((id, a)): Path<(String, String)>,
) -> Response {
    let Some(who) = recruiter(&app, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(job) = load_job(&app, &id) else {
        return not_found(Some(&who));
    };
    let Ok(a) = load_application(&app, &job, &a) else {
        return not_found(Some(&who));
    };
    let msg = match reverify(&app, &job, &a).await {
        Ok(()) => "Verified again.".to_owned(),
        Err(e) => format!("Could not verify again: {e}"),
    };
    match app.store.application(job.id, a.id) {
        Ok(Some(a)) => candidate_html(&app, &who, &job, &a, Some(&msg)),
        _ => not_found(Some(&who)),
    }
}

pub(super) async fn apply_page(State(app): State<App>, Path(id): Path<String>) -> Response {
    let Ok(job) = load_job(&app, &id) else {
        return not_found(None);
    };
    let g = app.frameworks.graph().unwrap_or_default();
    match apply_info(&app, &job) {
        Ok(info) => Html(web::apply(&job, &g, &info, None)).into_response(),
        Err(e) => oops(e),
    }
}

pub(super) async fn apply_form(
    State(app): State<App>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Response {
    let Ok(job) = load_job(&app, &id) else {
        return not_found(None);
    };
    let g = app.frameworks.graph().unwrap_or_default();
    let again = |app: &App, msg: &str, code: StatusCode| -> Response {
        match apply_info(app, &job) {
            Ok(info) => (code, Html(web::apply(&job, &g, &info, Some(msg)))).into_response(),
            Err(e) => oops(e),
        }
    };
    let (mut bytes, mut name, mut email) = (None::<Vec<u8>>, None, None);
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let n = field.name().unwrap_or("").to_owned();
                let Ok(data) = field.bytes().await else { break };
                let text = String::from_utf8_lossy(&data).trim().to_owned();
                match n.as_str() {
                    "file" if !data.is_empty() => bytes = Some(data.to_vec()),
                    "text" if !text.is_empty() && bytes.is_none() => {
                        bytes = Some(text.into_bytes())
                    }
                    "name" if !text.is_empty() => name = Some(text),
                    "email" if !text.is_empty() => email = Some(text),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => {
                return again(
                    &app,
                    &format!("unreadable upload: {e}"),
                    StatusCode::BAD_REQUEST,
                )
            }
        }
    }
    let Some(bytes) = bytes else {
        return again(
            &app,
            "choose a file or paste a presentation or credential",
            StatusCode::BAD_REQUEST,
        );
    };
    match take_application(&app, &job, &bytes, name, email, client).await {
        Ok((id, v)) => Html(web::applied(&job, id, &v)).into_response(),
        Err((code, v)) => again(
            &app,
            v["error"].as_str().unwrap_or("the application was refused"),
            code,
        ),
    }
}
