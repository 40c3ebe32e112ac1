//! Real servers for the matrix tests: the reference CASE server, and the same server behind a
//! proxy that relabels every answer text/html (a purpose-built faulty CASE provider).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;

use axum::extract::Request;
use axum::Router;

pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

pub fn serve(app: Router) -> SocketAddr {
    let l = runtime()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = l.local_addr().unwrap();
    runtime().spawn(async move { axum::serve(l, app).await.unwrap() });
    addr
}

pub fn case_server(dir: &Path, base_url: Option<String>) -> String {
    let mut c = wellspring_case_server::Config::new(
        dir.join(format!("case-{}.sqlite", base_url.is_some())),
    );
    c.port = 0;
    c.demo = true;
    c.base_url = base_url;
    let running = runtime()
        .block_on(wellspring_case_server::start(c))
        .unwrap();
    // where it really listens (its base_url may name a proxy in front of it)
    let url = format!("http://{}", running.addr);
    std::mem::forget(running); // serves until the test process ends
    url
}

/// A CASE provider that serves the right bodies as text/html.
pub fn html_case_server(dir: &Path) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let base = format!("http://{addr}");
    let upstream = case_server(dir, Some(base.clone()));
    let client = reqwest::Client::new();
    let app = Router::new().fallback(move |req: Request| {
        let (client, upstream) = (client.clone(), upstream.clone());
        async move {
            let path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            let r = client
                .get(format!("{upstream}{path}"))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let mut headers = Vec::new();
            for h in ["x-total-count", "link"] {
                if let Some(v) = r.headers().get(h) {
                    headers.push((h.to_owned(), v.to_str().unwrap().to_owned()));
                }
            }
            let body = r.bytes().await.unwrap();
            let mut resp = axum::response::Response::builder()
                .status(status)
                .header("content-type", "text/html");
            for (k, v) in headers {
                resp = resp.header(k, v);
            }
            resp.body(axum::body::Body::from(body)).unwrap()
        }
    });
    let l = runtime()
        .block_on(tokio::net::TcpListener::bind(addr))
        .unwrap();
    runtime().spawn(async move { axum::serve(l, app).await.unwrap() });
    base
}
