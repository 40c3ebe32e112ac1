//! SSRF: the provider base a learner types into Connect, and the address a presentation is sent
//! to, never reach loopback, private or metadata addresses unless the operator allows private
//! networks. A canary listener on loopback must see no connection; the pages shown to the
//! learner never carry what a remote server said.

use std::net::TcpListener;
use std::time::Duration;

use wellspring_wallet::server::{self, Config, DEMO_EMAIL, DEMO_PASSWORD};

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

fn start(dir: &std::path::Path, allow: bool) -> server::Running {
    let mut c = Config::new(dir.join("wallet.sqlite"));
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    c.offline = true;
    c.timeout = Duration::from_secs(1);
    c.allow_private_network = allow;
    rt().block_on(server::start(c)).unwrap()
}

fn browser(base: &str) -> reqwest::blocking::Client {
    let b = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let r = b
        .post(format!("{base}/login"))
        .header("origin", base)
        .form(&[("email", DEMO_EMAIL), ("password", DEMO_PASSWORD)])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "signed in");
    b
}

fn canary() -> TcpListener {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    l
}

/// A connection completes into the backlog even when nobody accepts.
fn touched(l: &TcpListener) -> bool {
    l.accept().is_ok()
}

fn connect(b: &reqwest::blocking::Client, base: &str, provider: &str) -> (u16, String) {
    let r = b
        .post(format!("{base}/connect"))
        .header("origin", base)
        .form(&[("base", provider), ("standard", "ob30")])
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

#[test]
fn connect_and_share_never_reach_private_addresses() {
    let tmp = tempfile::tempdir().unwrap();
    let w = start(tmp.path(), false);
    let base = w.base_url.clone();
    let b = browser(&base);
    let trap = canary();
    let port = trap.local_addr().unwrap().port();
    for provider in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://[::ffff:127.0.0.1]:{port}"),
        "http://169.254.169.254".to_owned(),
        "http://10.0.0.1:8080".to_owned(),
    ] {
        let (status, page) = connect(&b, &base, &provider);
        assert_eq!(status, 502, "{provider}: {page}");
        assert!(page.contains("refused"), "{provider}: {page}");
    }
    // sharing a presentation with an address on loopback
    let learner = w.store.learner_by_email(DEMO_EMAIL).unwrap().unwrap();
    let held = w.store.credentials(learner).unwrap();
    let mut form: Vec<(String, String)> = held
        .iter()
        .filter(|c| c.format == "json")
        .map(|c| ("id".to_owned(), c.id.to_string()))
        .collect();
    form.push(("send_to".into(), format!("http://127.0.0.1:{port}/apply")));
    let r = b
        .post(format!("{base}/share"))
        .header("origin", base)
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 502);
    assert!(r.text().unwrap().contains("refused"));
    assert!(!touched(&trap), "the wallet connected to the canary");
    rt().block_on(w.stop());
}

/// With private networks allowed the same Connect reaches the canary: the test above can fail.
#[test]
fn with_private_networks_allowed_the_canary_is_reached() {
    let tmp = tempfile::tempdir().unwrap();
    let w = start(tmp.path(), true);
    let base = w.base_url.clone();
    let b = browser(&base);
    let trap = canary();
    let port = trap.local_addr().unwrap().port();
    let (status, _) = connect(&b, &base, &format!("http://127.0.0.1:{port}"));
    assert_eq!(status, 502);
    assert!(touched(&trap));
    rt().block_on(w.stop());
}

/// A provider that answers with its own words: the learner sees the kind of failure and the
/// RFC 7591 error code, never the provider's text.
#[test]
fn provider_error_text_is_not_echoed() {
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    let listener = rt()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let evil = format!("http://{}", listener.local_addr().unwrap());
    let reg = format!("{evil}/register");
    let discovery = serde_json::json!({"components": {"securitySchemes": {"OAuth2ACG": {
        "x-imssf-registrationUrl": reg,
        "flows": {"authorizationCode": {"authorizationUrl": format!("{evil}/authorize"),
            "tokenUrl": format!("{evil}/token"), "scopes": {}}}}}}});
    let app = axum::Router::new()
        .route(
            "/broken/ims/ob/v3p0/discovery",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "db password is hunter2") }),
        )
        .route(
            "/ims/ob/v3p0/discovery",
            get(move || {
                let d = discovery.clone();
                async move { axum::Json(d) }
            }),
        )
        .route(
            "/register",
            post(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(serde_json::json!({"error": "invalid_client_metadata",
                        "error_description": "db password is hunter2"})),
                )
            }),
        );
    rt().spawn(async move { axum::serve(listener, app).await });
    let tmp = tempfile::tempdir().unwrap();
    let w = start(tmp.path(), true);
    let b = browser(&w.base_url);
    let (status, page) = connect(&b, &w.base_url, &format!("{evil}/broken"));
    assert_eq!(status, 502);
    assert!(
        page.contains("HTTP 500") && !page.contains("hunter2"),
        "{page}"
    );
    let (status, page) = connect(&b, &w.base_url, &evil);
    assert_eq!(status, 502);
    assert!(
        page.contains("invalid_client_metadata") && !page.contains("hunter2"),
        "{page}"
    );
    rt().block_on(w.stop());
}
