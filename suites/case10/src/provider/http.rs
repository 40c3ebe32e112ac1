//! The consumer side of the provider suite: a bounded HTTP client and the record of one
//! exchange (what becomes evidence). Secrets never reach a record: the `Authorization`
//! header is shown as `Bearer ****`.

use std::time::Duration;

use serde_json::{json, Value};
use wellspring_http::guard::{BlockingNet, NetError, NetPolicy, Reply};

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

/// The suite's client: the guarded layer of `wellspring_http` (address guard, one deadline
/// for the whole exchange, body cap, [`MAX_REDIRECTS`]).
pub struct Http {
    net: BlockingNet,
}

impl Http {
    pub fn new(
        timeout: Duration,
        max_body: usize,
        allow_private_network: bool,
    ) -> Result<Http, String> {
        let policy = NetPolicy::default()
            .with_timeout(timeout)
            .with_max_bytes(max_body)
            .with_redirects(MAX_REDIRECTS)
            .allow_private(allow_private_network);
        let net = BlockingNet::with_agent(
            policy,
            concat!("wellspring-case-provider-suite/", env!("CARGO_PKG_VERSION")),
        )
        .map_err(|e| e.to_string())?;
        Ok(Http { net })
    }

    pub fn get(&self, url: &str, bearer: Option<&str>) -> Exchange {
        let r = self.net.send(reqwest::Method::GET, url, |mut req| {
            req = req.header("Accept", "application/json");
            match bearer {
                Some(t) => req.bearer_auth(t),
                None => req,
            }
        });
        finish("GET", url, bearer.is_some(), r)
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
        let r = self.net.send(reqwest::Method::POST, url, |mut req| {
            req = req
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .body(body);
            match basic {
                Some((id, secret)) => req.basic_auth(enc(id), Some(enc(secret))),
                None => req,
            }
        });
        finish("POST", url, false, r)
    }
}

fn finish(
    method: &'static str,
    url: &str,
    authorized: bool,
    r: Result<Reply, NetError>,
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
    match r {
        Ok(reply) => {
            ex.status = reply.status;
            let header = |n: &str| {
                reply
                    .headers
                    .get(n)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            };
            ex.content_type = header("content-type");
            ex.total_count = header("x-total-count");
            ex.link = header("link");
            ex.body = reply.body;
        }
        Err(e) => {
            if let NetError::TooLarge { status, .. } = &e {
                ex.status = *status;
            }
            ex.error = Some(e.to_string());
        }
    }
    ex
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
