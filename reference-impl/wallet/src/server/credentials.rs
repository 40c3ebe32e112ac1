//! The learner's credentials: import (files, pasted text), view, export, re-verify.

use super::*;

pub(super) async fn import_page(State(app): State<App>, headers: HeaderMap) -> Response {
    match who(&app, &headers) {
        Ok((_, email)) => Html(web::import(&email, None)).into_response(),
        Err(r) => r,
    }
}

/// Verifies and stores one credential for `learner`.
pub(super) async fn intake_one(
    app: &App,
    learner: i64,
    bytes: Vec<u8>,
    source: String,
) -> Result<(i64, bool), String> {
    let a = app.clone();
    app.pool
        .run(move || {
            let c = intake::take(&bytes, &source, &a.verifying)?;
            a.store
                .put_credential(learner, &c)
                .map_err(|e| e.to_string())
        })
        .await?
}

pub(super) async fn import(
    State(app): State<App>,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut bytes: Option<(Vec<u8>, String)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let file = field.file_name().unwrap_or("pasted").to_owned();
                let Ok(data) = field.bytes().await else { break };
                if !data.is_empty() && (name == "file" || (name == "text" && bytes.is_none())) {
                    bytes = Some((
                        data.to_vec(),
                        if name == "file" {
                            file
                        } else {
                            "pasted".into()
                        },
                    ));
                }
            }
            Ok(None) => break,
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    Html(web::import(
                        &email,
                        Some(&format!("unreadable upload: {e}")),
                    )),
                )
                    .into_response()
            }
        }
    }
    let Some((bytes, name)) = bytes else {
        return (
            StatusCode::BAD_REQUEST,
            Html(web::import(
                &email,
                Some("choose a file or paste a credential"),
            )),
        )
            .into_response();
    };
    match intake_one(&app, id, bytes, format!("import: {name}")).await {
        Ok((cid, _)) => Redirect::to(&format!("/credentials/{cid}")).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, Html(web::import(&email, Some(&e)))).into_response(),
    }
}

pub(super) async fn view(
    State(app): State<App>,
    headers: HeaderMap,
    Path(cid): Path<String>,
) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(cid) = cid.parse::<i64>() else {
        return (
            StatusCode::NOT_FOUND,
            Html(web::message(
                "Not found",
                Some(&email),
                "No such credential.",
            )),
        )
            .into_response();
    };
    match app.store.credential(id, cid) {
        Ok(Some(c)) => Html(web::view(&email, &c, None)).into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Html(web::message(
                "Not found",
                Some(&email),
                "No such credential.",
            )),
        )
            .into_response(),
        Err(e) => oops(e),
    }
}

/// The credential exactly as it arrived (byte for byte), with its media type.
pub(super) async fn export(
    State(app): State<App>,
    headers: HeaderMap,
    Path(cid): Path<i64>,
) -> Response {
    let (id, _) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match app.store.credential(id, cid) {
        Ok(Some(c)) => {
            let ext = match c.format.as_str() {
                "png" => "png",
                "svg" => "svg",
                "jwt" => "jwt",
                _ => "json",
            };
            (
                [
                    (
                        header::CONTENT_TYPE,
                        intake::media_type(&c.format).to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"credential-{cid}.{ext}\""),
                    ),
                ],
                c.original,
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => oops(e),
    }
}

pub(super) async fn reverify(
    State(app): State<App>,
    headers: HeaderMap,
    Path(cid): Path<i64>,
) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(Some(c)) = app.store.credential(id, cid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let a = app.clone();
    let fresh = app
        .pool
        .run(move || intake::take(&c.original, &c.source, &a.verifying))
        .await;
    match fresh {
        Ok(Ok(n)) => {
            let _ = app.store.set_verification(cid, &n.status, &n.report);
            match app.store.credential(id, cid) {
                Ok(Some(c)) => Html(web::view(
                    &email,
                    &c,
                    Some(&format!("Verified again: {}", c.status)),
                ))
                .into_response(),
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
        Ok(Err(e)) => oops(e),
        Err(e) => oops(e),
    }
}
