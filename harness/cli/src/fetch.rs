//! The network, used only with `--online`: bounded in time, size and redirects.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use wellspring_verify::loader::Fetch;

/// Largest remote document accepted.
pub const MAX_BODY: u64 = 4 * 1024 * 1024;

pub fn http_fetch(timeout: Duration) -> Result<Fetch, String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("wellspring/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
    Ok(Arc::new(move |url: &str| {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("{url}: only http(s) URLs are fetched"));
        }
        let resp = client
            .get(url)
            .header(
                "Accept",
                "application/ld+json, application/json;q=0.9, */*;q=0.1",
            )
            .send()
            .map_err(|e| format!("{url}: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("{url}: HTTP {}", resp.status()));
        }
        let mut body = Vec::new();
        resp.take(MAX_BODY + 1)
            .read_to_end(&mut body)
            .map_err(|e| format!("{url}: {e}"))?;
        if body.len() as u64 > MAX_BODY {
            return Err(format!("{url}: response larger than {MAX_BODY} bytes"));
        }
        String::from_utf8(body).map_err(|_| format!("{url}: response is not UTF-8"))
    }))
}
