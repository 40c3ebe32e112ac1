//! The one guarded outbound network layer. Every component that fetches a URL it was given
//! (CLI `--online`, matrix, suites, fuzz targets, wallet, ATS, verifier service) builds its
//! client here:
//!
//! * [`NetPolicy`]: private networks allowed or not, body cap, redirect cap, total deadline,
//!   JSON nesting cap.
//! * The address guard ([`addr`]): after DNS resolution (a reqwest resolver hook), before any
//!   connection, loopback / private / link-local (metadata) / unique-local / CGNAT / multicast /
//!   unspecified addresses and their IPv6 forms are refused unless `allow_private_network`.
//!   Literal-IP URLs (which reqwest never resolves) are checked before sending, and every
//!   redirect target is checked again (scheme, literal address, count; names resolve again).
//! * Bodies are read as a stream and refused as soon as they pass the cap (or announce a larger
//!   `Content-Length`); one deadline covers the whole exchange, body included.
//! * [`NetError`]: [`NetError::public`] is a short message safe for an untrusted caller (never
//!   remote content, never addresses); `Display` is the detailed form for the CLI user.
//!
//! [`Net`] is the async client (servers), [`BlockingNet`] the blocking one (CLI, suites).

pub mod addr;
mod blocking;
mod error;
mod nonblocking;
pub mod tls;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

pub use blocking::BlockingNet;
pub use error::NetError;
pub use nonblocking::Net;

/// What outbound requests may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetPolicy {
    /// Reach loopback, private, link-local and other non-public addresses (local test setups).
    pub allow_private_network: bool,
    /// Largest body read.
    pub max_bytes: usize,
    /// Redirects followed; 0 returns the 3xx answer itself.
    pub max_redirects: usize,
    /// One deadline for the whole exchange (connect, headers, body).
    pub timeout: Duration,
    /// Deepest JSON nesting accepted by [`parse_json`].
    pub max_json_depth: usize,
    /// Origins (`http://10.1.2.3:8480`) reachable even when private networks are not: one
    /// internal service the operator names, while every other private address stays refused.
    pub exempt_origins: Vec<String>,
}

impl Default for NetPolicy {
    fn default() -> Self {
        NetPolicy {
            allow_private_network: false,
            max_bytes: 4 * 1024 * 1024,
            max_redirects: 5,
            timeout: Duration::from_secs(10),
            max_json_depth: 64,
            exempt_origins: Vec::new(),
        }
    }
}

impl NetPolicy {
    /// The defaults with private networks allowed: tests and local setups on loopback.
    pub fn local() -> Self {
        NetPolicy {
            allow_private_network: true,
            ..NetPolicy::default()
        }
    }
    /// Same as [`NetPolicy::local`].
    pub fn for_tests() -> Self {
        NetPolicy::local()
    }
    pub fn allow_private(mut self, allow: bool) -> Self {
        self.allow_private_network = allow;
        self
    }
    pub fn with_timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    pub fn with_max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }
    pub fn with_redirects(mut self, n: usize) -> Self {
        self.max_redirects = n;
        self
    }
    pub fn exempt(mut self, origin: impl Into<String>) -> Self {
        self.exempt_origins.push(origin.into());
        self
    }
    pub(crate) fn guard(&self) -> addr::Guard {
        addr::Guard::new(self.allow_private_network, &self.exempt_origins)
    }
}

/// A complete answer: status, final URL, headers, the body read within the cap.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub url: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
    /// The reply when its status is 2xx, [`NetError::Status`] otherwise.
    pub fn success(self) -> Result<Reply, NetError> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(NetError::Status {
                url: self.url,
                status: self.status,
            })
        }
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The wait a busy server asks for: on 429 or 503, its `Retry-After` in seconds (1 s when
    /// absent or given as a date); None on any other status.
    pub fn retry_after(&self) -> Option<Duration> {
        if self.status != 429 && self.status != 503 {
            return None;
        }
        let secs = self
            .header("retry-after")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1);
        Some(Duration::from_secs(secs))
    }
}

/// How a client waits out a busy server (429 or 503 with `Retry-After`, RFC 9110 §10.2.3):
/// it waits what the server asks when that is at most `max_wait`, `retries` times at most;
/// a longer wait, or one more busy answer, is returned as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    pub max_wait: Duration,
    pub retries: usize,
}

impl Patience {
    /// Up to 5 s, twice: what the reference wallet and ATS allow a provider.
    pub const DEFAULT: Patience = Patience {
        max_wait: Duration::from_secs(5),
        retries: 2,
    };
    /// The wait before try `tries + 1` after `reply`, if the client should try again.
    pub fn wait_after(&self, reply: &Reply, tries: usize) -> Option<Duration> {
        reply
            .retry_after()
            .filter(|w| *w <= self.max_wait && tries < self.retries)
    }
}

/// Depth of a JSON value (a scalar is 0, `[]` is 1), without recursion.
pub fn json_depth(v: &Value) -> usize {
    let mut max = 0;
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        max = max.max(d);
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    max
}

/// Parses a fetched body as JSON and refuses nesting deeper than `max_depth` (serde_json's own
/// recursion limit keeps the parse itself bounded).
pub fn parse_json(url: &str, body: &[u8], max_depth: usize) -> Result<Value, NetError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| NetError::NotJson {
        url: url.to_owned(),
        detail: e.to_string(),
    })?;
    if json_depth(&v) > max_depth {
        return Err(NetError::TooDeep {
            url: url.to_owned(),
            max: max_depth,
        });
    }
    Ok(v)
}

/// Fetches raw bytes (2xx only).
pub type FetchBytes = Arc<dyn Fn(&str) -> Result<Vec<u8>, String> + Send + Sync>;
/// Fetches text (2xx only), the shape of `wellspring_verify::loader::Fetch`.
pub type FetchText = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

const ACCEPT_LD: &str = "application/ld+json, application/json;q=0.9, */*;q=0.1";

/// A guarded blocking fetcher of bytes; errors in the detailed form (for the CLI user).
pub fn fetch_bytes(policy: NetPolicy) -> Result<FetchBytes, NetError> {
    let net = BlockingNet::new(policy)?;
    Ok(Arc::new(move |url: &str| {
        net.get(url, ACCEPT_LD)
            .and_then(Reply::success)
            .map(|r| r.body)
            .map_err(|e| e.to_string())
    }))
}

/// A guarded blocking fetcher of text documents (contexts, keys, status lists, schemas) for
/// the verification core's `loader::Fetch`.
pub fn fetch_text(policy: NetPolicy) -> Result<FetchText, NetError> {
    Ok(text_of(fetch_bytes(policy)?))
}

/// Text on top of a byte fetcher (UTF-8 required).
pub fn text_of(bytes: FetchBytes) -> FetchText {
    Arc::new(move |url: &str| {
        let body = bytes(url)?;
        String::from_utf8(body).map_err(|_| {
            NetError::NotText {
                url: url.to_owned(),
            }
            .to_string()
        })
    })
}

/// An absolute http(s) URL, or [`NetError::BadUrl`].
pub(crate) fn http_url(url: &str) -> Result<reqwest::Url, NetError> {
    let bad = |reason: String| NetError::BadUrl {
        url: url.to_owned(),
        reason,
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("only http and https URLs are fetched".into()));
    }
    Ok(parsed)
}

pub(crate) fn user_agent() -> &'static str {
    concat!("wellspring/", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, retry_after: Option<&str>) -> Reply {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(v) = retry_after {
            headers.insert("retry-after", v.parse().unwrap());
        }
        Reply {
            status,
            url: "http://x/".into(),
            headers,
            body: Vec::new(),
        }
    }

    #[test]
    fn a_busy_answer_is_waited_out_only_as_patience_allows() {
        let p = Patience::DEFAULT;
        assert_eq!(reply(200, Some("1")).retry_after(), None);
        assert_eq!(
            reply(429, Some(" 3 ")).retry_after(),
            Some(Duration::from_secs(3))
        );
        // absent or an HTTP date: one second
        assert_eq!(reply(503, None).retry_after(), Some(Duration::from_secs(1)));
        assert_eq!(
            reply(429, Some("Wed, 21 Oct 2015 07:28:00 GMT")).retry_after(),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            reply(429, Some("5")).retry_after(),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            p.wait_after(&reply(429, Some("5")), 0),
            Some(Duration::from_secs(5))
        );
        assert_eq!(p.wait_after(&reply(429, Some("6")), 0), None);
        assert_eq!(p.wait_after(&reply(429, Some("1")), 2), None);
        assert_eq!(p.wait_after(&reply(404, None), 0), None);
    }
}
