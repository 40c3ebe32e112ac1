//! Sharing: a signed presentation of the chosen credentials.

use super::*;

pub(super) async fn share_page(State(app): State<App>, headers: HeaderMap) -> Response {
    match who(&app, &headers) {
        Ok((id, email)) => Html(web::share(
            &email,
            &app.store.credentials(id).unwrap_or_default(),
            None,
        ))
        .into_response(),
        Err(r) => r,
    }
}

pub(super) async fn share_post(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (id, email) = match who(&app, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, v)| n == k && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let all = app.store.credentials(id).unwrap_or_default();
    let picked: Vec<_> = all
        .iter()
        .filter(|c| ids.contains(&c.id))
        .cloned()
        .collect();
    let seed = match app.store.key_seed(id) {
        Ok(s) => s,
        Err(e) => return oops(e),
    };
    let (challenge, domain) = (get("challenge"), get("domain"));
    let vp = app
        .pool
        .run(move || share::presentation(seed, &picked, challenge.as_deref(), domain.as_deref()))
        .await;
    let vp = match vp {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(web::share(&email, &all, Some(&e))),
            )
                .into_response()
        }
        Err(e) => return oops(e),
    };
    if let Some(to) = get("send_to") {
        // with the learner's e-mail when asked: issuers often name learners by (hashed) e-mail
        let body = match get("email") {
            Some(e) => serde_json::json!({"presentation": vp, "email": e}),
            None => vp.clone(),
        };
        let sent = app
            .http
            .send(reqwest::Method::POST, &to, |b| b.json(&body))
            .await;
        return match sent {
            Ok(r) => {
                let body = String::from_utf8_lossy(&r.body);
                Html(web::shared(&email, &vp, Some((&to, r.status, &body)))).into_response()
            }
            Err(e) => (
                StatusCode::BAD_GATEWAY,
                Html(web::share(
                    &email,
                    &all,
                    Some(&format!("could not send to {to}: {}", e.public())),
                )),
            )
                .into_response(),
        };
    }
    Html(web::shared(&email, &vp, None)).into_response()
}
