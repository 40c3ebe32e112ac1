//! The network, used only with `--online`: bounded in time (one deadline for the whole
//! request, body included), size and redirects.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wellspring_verify::loader::Fetch;

/// Largest remote document accepted.
pub const MAX_BODY: u64 = 4 * 1024 * 1024;

/// Fetches raw bytes (URL inputs may be baked PNGs).
pub type FetchBytes = Arc<dyn Fn(&str) -> Result<Vec<u8>, String> + Send + Sync>;

/// The error and its causes, in words ("timed out after 2 s" rather than "error sending request").
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("timed out after {} s (--timeout)", timeout.as_secs());
    }
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_redirect() {
        msg.push_str(" (too many redirects)");
    }
    msg
}

pub fn http_fetch_bytes(timeout: Duration) -> Result<FetchBytes, String> {
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
        let deadline = Instant::now() + timeout;
        let mut resp = client
            .get(url)
            .header(
                "Accept",
                "application/ld+json, application/json;q=0.9, */*;q=0.1",
            )
            .send()
            .map_err(|e| format!("{url}: {}", describe(&e, timeout)))?;
        if !resp.status().is_success() {
            return Err(format!("{url}: HTTP {}", resp.status()));
        }
        if resp.content_length().is_some_and(|n| n > MAX_BODY) {
            return Err(format!("{url}: response larger than {MAX_BODY} bytes"));
        }
        // reqwest's timeout bounds each read; a server trickling bytes must still end in time.
        let mut body = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if Instant::now() > deadline {
                return Err(format!(
                    "{url}: timed out after {} s (--timeout) while reading the body",
                    timeout.as_secs()
                ));
            }
            let n = resp.read(&mut chunk).map_err(|e| {
                if e.kind() == std::io::ErrorKind::TimedOut {
                    format!("{url}: timed out after {} s (--timeout)", timeout.as_secs())
                } else {
                    format!("{url}: {e}")
                }
            })?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
            if body.len() as u64 > MAX_BODY {
                return Err(format!("{url}: response larger than {MAX_BODY} bytes"));
            }
        }
        Ok(body)
    }))
}

/// Text documents (contexts, keys, status lists, schemas) for the verification core.
pub fn http_fetch(bytes: FetchBytes) -> Fetch {
    Arc::new(move |url: &str| {
        let body = bytes(url)?;
        String::from_utf8(body).map_err(|_| format!("{url}: response is not UTF-8"))
    })
}
