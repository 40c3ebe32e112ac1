//! The consumer side of the provider suite: a bounded HTTP client and the record of one
//! exchange (what becomes evidence). Secrets never reach a record: the `Authorization`
//! header is shown as `Bearer ****`.

use std::io::Read;
use std::time::Duration;

use serde_json::{json, Value};

/// Largest response body read, in bytes.
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// Largest body excerpt kept as evidence, in bytes.
pub const EXCERPT: usize = 2048;
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 5;

/// One request and what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: &'static str,
    pub url: String,
    pub authorized: bool,
    pub status: u16,
    pub content_type: Option<String>,
    pub total_count: Option<String>,
    pub link: Option<String>,
    pub body: Vec<u8>,
    /// Transport error (timeout, connection refused, body too large).
    pub error: Option<String>,
}

impl Exchange {
    pub fn json(&self) -> Option<Value> {
        if self.body.is_empty() {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    /// The exchange as evidence: method, URL, status, relevant headers, body excerpt.
    pub fn evidence(&self) -> Value {
        let mut e = json!({ "request": format!("{} {}", self.method, self.url) });
        if self.authorized {
            e["authorization"] = json!("Bearer ****");
        }
        if let Some(err) = &self.error {
            e["error"] = json!(err);
            return e;
        }
        e["status"] = json!(self.status);
        let mut h = serde_json::Map::new();
        if let Some(v) = &self.content_type {
            h.insert("content-type".into(), json!(v));
        }
        if let Some(v) = &self.total_count {
            h.insert("x-total-count".into(), json!(v));
        }
        if let Some(v) = &self.link {
            h.insert("link".into(), json!(v));
        }
        e["headers"] = Value::Object(h);
        e["body"] = json!(excerpt(&self.body));
        e
    }
}

/// At most [`EXCERPT`] bytes of a body, cut on a character boundary.
pub fn excerpt(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(&body[..body.len().min(EXCERPT + 4)]);
    if body.len() <= EXCERPT {
        return s.into_owned();
    }
    let mut end = EXCERPT.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], body.len())
}

pub struct Http {
    client: reqwest::blocking::Client,
    max_body: usize,
    timeout: Duration,
}

impl Http {
    pub fn new(timeout: Duration, max_body: usize) -> Result<Http, String> {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .user_agent(concat!(
                "wellspring-case-provider-suite/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(Http {
            client,
            max_body,
            timeout,
        })
    }

    pub fn get(&self, url: &str, bearer: Option<&str>) -> Exchange {
        let mut req = self.client.get(url).header("Accept", "application/json");
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        self.finish("GET", url, bearer.is_some(), req)
    }

    /// `POST` of a form (the token request). The body and any Basic credentials are not recorded.
    pub fn post_form(
        &self,
        url: &str,
        basic: Option<(&str, &str)>,
        form: &[(&str, &str)],
    ) -> Exchange {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = self
            .client
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body);
        if let Some((id, secret)) = basic {
            req = req.basic_auth(enc(id), Some(enc(secret)));
        }
        self.finish("POST", url, false, req)
    }

    fn finish(
        &self,
        method: &'static str,
        url: &str,
        authorized: bool,
        req: reqwest::blocking::RequestBuilder,
    ) -> Exchange {
        let mut ex = Exchange {
            method,
            url: url.to_owned(),
            authorized,
            status: 0,
            content_type: None,
            total_count: None,
            link: None,
            body: Vec::new(),
            error: None,
        };
        let started = std::time::Instant::now();
        let resp = match req.send() {
            Ok(r) => r,
            Err(e) => {
                ex.error = Some(describe(&e));
                return ex;
            }
        };
        ex.status = resp.status().as_u16();
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        ex.content_type = header("content-type");
        ex.total_count = header("x-total-count");
        ex.link = header("link");
        // The deadline covers the body: a provider dripping bytes is cut off when it passes.
        let mut body = Vec::new();
        let mut resp = resp;
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if started.elapsed() > self.timeout {
                ex.error = Some(format!(
                    "deadline of {} s passed while reading the body",
                    self.timeout.as_secs_f64()
                ));
                break;
            }
            match resp.read(&mut chunk) {
                Ok(0) => {
                    ex.body = std::mem::take(&mut body);
                    break;
                }
                Ok(n) => {
                    body.extend_from_slice(&chunk[..n]);
                    if body.len() > self.max_body {
                        ex.error =
                            Some(format!("response body larger than {} bytes", self.max_body));
                        break;
                    }
                }
                Err(e) => {
                    ex.error = Some(format!("reading the body: {e}"));
                    break;
                }
            }
        }
        ex
    }
}

fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    if e.is_timeout() {
        s.push_str(" (timed out)");
    }
    s
}

/// Form / userinfo percent-encoding (RFC 6749 appendix B).
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
