//! Bounded HTTP client with exchange recording (secrets masked) and the OAuth 2.0 consumer flow used by the API suites.
//!
//! * [`Client`]: blocking, no automatic redirects (every 302 is seen), one deadline per request
//!   (body included), a body cap, a small cookie jar; every exchange is recorded as an
//!   [`Exchange`] with secrets masked.
//! * [`oauth`]: the `oauth2` crate driven through [`Client`] (it implements `SyncHttpClient`),
//!   dynamic client registration (RFC 7591), RFC 8414 metadata, and the HTML login/consent
//!   form driver.

pub mod guard;
pub mod oauth;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub use guard::{BlockingNet, Net, NetError, NetPolicy, Reply};

/// Form / JSON fields whose values never appear in evidence.
pub const SECRET_FIELDS: &[&str] = &[
    "password",
    "client_secret",
    "code",
    "code_verifier",
    "access_token",
    "refresh_token",
    "token",
];

/// How much of a body is kept in the evidence.
const EXCERPT: usize = 4096;

/// One recorded request/response pair (already masked).
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    pub error: Option<String>,
    pub elapsed_ms: u64,
}

impl Exchange {
    pub fn to_json(&self) -> Value {
        let hs = |h: &[(String, String)]| {
            Value::Array(
                h.iter()
                    .map(|(k, v)| Value::String(format!("{k}: {v}")))
                    .collect(),
            )
        };
        let mut o = json!({
            "request": {"method": self.method, "url": self.url, "headers": hs(&self.request_headers)},
            "elapsed_ms": self.elapsed_ms,
        });
        if !self.request_body.is_empty() {
            o["request"]["body"] = self.request_body.clone().into();
        }
        if let Some(s) = self.status {
            o["response"] = json!({"status": s, "headers": hs(&self.response_headers), "body": self.response_body});
        }
        if let Some(e) = &self.error {
            o["error"] = e.clone().into();
        }
        o
    }
}

/// Why a request produced no response.
#[derive(Debug, Clone)]
pub struct HttpError(pub String);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for HttpError {}

/// A response read within the deadline and the body cap.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// First header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("body is not JSON: {e}"))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }
}

/// A request body.
pub enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Raw(String, Vec<u8>),
}

impl Body {
    /// The content type it implies (none for [`Body::None`]) and the bytes sent.
    fn encode(self) -> (Option<String>, Vec<u8>) {
        match self {
            Body::None => (None, Vec::new()),
            Body::Json(v) => (
                Some("application/json".to_owned()),
                serde_json::to_vec(&v).unwrap_or_default(),
            ),
            Body::Form(f) => (
                Some("application/x-www-form-urlencoded".to_owned()),
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(f.iter())
                    .finish()
                    .into_bytes(),
            ),
            Body::Raw(t, b) => (Some(t), b),
        }
    }
}

/// The bounded, recording client (on the guarded [`BlockingNet`]; redirects never followed).
pub struct Client {
    inner: BlockingNet,
    pub timeout: Duration,
    pub max_body: usize,
    log: Mutex<Vec<Exchange>>,
    cookies: Mutex<HashMap<String, Vec<(String, String)>>>,
    secrets: Mutex<Vec<String>>,
}

impl Client {
    /// A client under `policy`, except that no redirect is followed (every 3xx is seen).
    pub fn new(policy: NetPolicy) -> Result<Client, String> {
        let policy = policy.with_redirects(0);
        let (timeout, max_body) = (policy.timeout, policy.max_bytes);
        let inner = BlockingNet::new(policy).map_err(|e| e.to_string())?;
        Ok(Client {
            inner,
            timeout,
            max_body,
            log: Mutex::new(Vec::new()),
            cookies: Mutex::new(HashMap::new()),
            secrets: Mutex::new(Vec::new()),
        })
    }

    /// A value that must never appear in evidence (a token, a password, a client secret).
    pub fn add_secret(&self, s: &str) {
        if s.len() >= 4 {
            self.secrets
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(s.to_owned());
        }
    }

    /// Number of exchanges recorded so far (use with [`Client::since`]).
    pub fn mark(&self) -> usize {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// The exchanges recorded after `mark`, as JSON evidence.
    pub fn since(&self, mark: usize) -> Vec<Exchange> {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.get(mark..).map(|s| s.to_vec()).unwrap_or_default()
    }

    pub fn last(&self) -> Option<Exchange> {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .last()
            .cloned()
    }

    /// Forgets the cookie jar (a new "browser").
    pub fn clear_cookies(&self) {
        self.cookies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub fn get(&self, url: &str, bearer: Option<&str>) -> Result<Response, HttpError> {
        let mut h = vec![("Accept".to_owned(), "application/json".to_owned())];
        if let Some(t) = bearer {
            h.push(("Authorization".into(), format!("Bearer {t}")));
        }
        self.send("GET", url, h, Body::None)
    }

    /// Sends one request, records it (masked), never follows redirects.
    pub fn send(
        &self,
        method: &str,
        url: &str,
        mut headers: Vec<(String, String)>,
        body: Body,
    ) -> Result<Response, HttpError> {
        let started = Instant::now();
        let (ctype, bytes) = body.encode();
        if let Some(t) = ctype.filter(|t| !t.is_empty()) {
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".into(), t));
            }
        }
        let parsed = url::Url::parse(url);
        let host = parsed
            .as_ref()
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        if let Some(v) = self.cookie_header(&host) {
            headers.push(("Cookie".into(), v));
        }
        let mut ex = Exchange {
            method: method.to_owned(),
            url: url.to_owned(),
            request_headers: headers.clone(),
            request_body: String::from_utf8_lossy(&bytes).into_owned(),
            status: None,
            response_headers: Vec::new(),
            response_body: String::new(),
            error: None,
            elapsed_ms: 0,
        };
        let result = self.perform(method, url, &headers, bytes);
        ex.elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(r) => {
                ex.status = Some(r.status);
                ex.response_headers = r.headers.clone();
                let text = String::from_utf8_lossy(&r.body);
                ex.response_body = text.chars().take(EXCERPT).collect();
                if text.chars().count() > EXCERPT {
                    ex.response_body
                        .push_str(&format!("… ({} bytes)", r.body.len()));
                }
                self.keep_cookies(&host, &r.headers);
            }
            Err(e) => ex.error = Some(e.0.clone()),
        }
        self.mask(&mut ex);
        self.log.lock().unwrap_or_else(|e| e.into_inner()).push(ex);
        result
    }

    /// The `Cookie` header for `host` from the jar, when it holds any.
    fn cookie_header(&self, host: &str) -> Option<String> {
        let jar = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        let c = jar.get(host)?;
        if c.is_empty() {
            return None;
        }
        Some(
            c.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// Keeps the cookies a response from `host` sets (name=value only; a name set again
    /// replaces the old value).
    fn keep_cookies(&self, host: &str, headers: &[(String, String)]) {
        let mut jar = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        for (k, v) in headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let pair = v.split(';').next().unwrap_or("");
                if let Some((n, val)) = pair.split_once('=') {
                    let e = jar.entry(host.to_owned()).or_default();
                    e.retain(|(x, _)| x != n.trim());
                    e.push((n.trim().to_owned(), val.trim().to_owned()));
                }
            }
        }
    }

    fn perform(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Response, HttpError> {
        let m =
            reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| HttpError(e.to_string()))?;
        let r = self
            .inner
            .send(m, url, |mut rb| {
                for (k, v) in headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                if body.is_empty() {
                    rb
                } else {
                    rb.body(body)
                }
            })
            .map_err(|e| HttpError(e.to_string()))?;
        Ok(Response {
            status: r.status,
            url: r.url,
            headers: r
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: r.body,
        })
    }

    fn mask(&self, ex: &mut Exchange) {
        for (k, v) in ex
            .request_headers
            .iter_mut()
            .chain(ex.response_headers.iter_mut())
        {
            if k.eq_ignore_ascii_case("authorization") {
                let scheme = v.split_whitespace().next().unwrap_or("").to_owned();
                *v = format!("{scheme} ****");
            } else if k.eq_ignore_ascii_case("cookie") || k.eq_ignore_ascii_case("set-cookie") {
                *v = v
                    .split(';')
                    .next()
                    .and_then(|p| p.split_once('='))
                    .map(|(n, _)| format!("{n}=****"))
                    .unwrap_or_default();
            } else if k.eq_ignore_ascii_case("location") {
                *v = mask_url(v);
            }
        }
        ex.url = mask_url(&ex.url);
        ex.request_body = mask_body(&ex.request_body);
        ex.response_body = mask_body(&ex.response_body);
        let secrets = self.secrets.lock().unwrap_or_else(|e| e.into_inner());
        let scrub = |s: &mut String| {
            for sec in secrets.iter() {
                if s.contains(sec.as_str()) {
                    *s = s.replace(sec.as_str(), "****");
                }
            }
        };
        scrub(&mut ex.url);
        scrub(&mut ex.request_body);
        scrub(&mut ex.response_body);
        for (_, v) in ex
            .request_headers
            .iter_mut()
            .chain(ex.response_headers.iter_mut())
        {
            scrub(v);
        }
    }
}

fn is_secret(k: &str) -> bool {
    SECRET_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(k))
}

/// Masks secret query parameters of a URL (e.g. the `code` in a redirect).
pub fn mask_url(u: &str) -> String {
    let Ok(mut p) = url::Url::parse(u) else {
        return u.to_owned();
    };
    if p.query().is_none() {
        return u.to_owned();
    }
    let pairs: Vec<(String, String)> = p
        .query_pairs()
        .map(|(k, v)| {
            let v = if is_secret(&k) {
                "****".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    p.query_pairs_mut().clear().extend_pairs(pairs);
    p.to_string()
}

/// Masks secret fields of a JSON or form body.
pub fn mask_body(b: &str) -> String {
    let t = b.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(mut v) = serde_json::from_str::<Value>(t) {
            mask_json(&mut v);
            return v.to_string();
        }
        return b.to_owned();
    }
    if !t.contains('=') || t.contains(' ') || t.contains('<') {
        return b.to_owned();
    }
    url::form_urlencoded::parse(t.as_bytes())
        .map(|(k, v)| {
            let v = if is_secret(&k) {
                "****".to_owned()
            } else {
                v.into_owned()
            };
            format!(
                "{}={}",
                k,
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub fn mask_json(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if is_secret(k) && x.is_string() {
                    *x = "****".into();
                } else {
                    mask_json(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_json),
        _ => {}
    }
}

impl oauth2::SyncHttpClient for Client {
    type Error = HttpError;
    fn call(&self, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, HttpError> {
        let method = request.method().as_str().to_owned();
        let url = request.uri().to_string();
        let headers = request
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = request.into_body();
        let r = self.send(
            &method,
            &url,
            headers,
            if body.is_empty() {
                Body::None
            } else {
                Body::Raw(String::new(), body)
            },
        )?;
        let mut b = oauth2::http::Response::builder().status(r.status);
        for (k, v) in &r.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        b.body(r.body).map_err(|e| HttpError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_form_json_and_urls() {
        let f = mask_body("grant_type=authorization_code&code=abc123&code_verifier=v3r1f13r&redirect_uri=https%3A%2F%2Fx");
        assert!(!f.contains("abc123") && !f.contains("v3r1f13r"));
        assert!(f.contains("grant_type=authorization_code") && f.contains("redirect_uri="));
        let j = mask_body(
            r#"{"access_token":"AT-1","refresh_token":"RT-1","client_secret":"S","nested":{"password":"pw"},"scope":"a b"}"#,
        );
        for s in ["AT-1", "RT-1", "\"S\"", "\"pw\""] {
            assert!(!j.contains(s), "{j}");
        }
        assert!(j.contains("\"scope\":\"a b\""));
        let u = mask_url("https://h.example/cb?code=SECRETCODE&state=xyz");
        assert!(!u.contains("SECRETCODE") && u.contains("state=xyz"));
        assert_eq!(mask_body("<html>code=1</html>"), "<html>code=1</html>");
    }

    #[test]
    fn dead_port_is_an_error_not_a_panic() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let c = Client::new(
            NetPolicy::local()
                .with_timeout(Duration::from_secs(2))
                .with_max_bytes(1024),
        )
        .unwrap();
        let e = c
            .get(&format!("http://127.0.0.1:{port}/x"), Some("tok-secret"))
            .unwrap_err();
        assert!(e.0.contains("cannot connect"), "{e}");
        let ex = c.last().unwrap();
        assert!(ex.error.is_some());
        assert!(ex
            .request_headers
            .iter()
            .any(|(k, v)| k == "Authorization" && v == "Bearer ****"));
    }

    #[test]
    fn slow_and_huge_answers_are_bounded() {
        use std::io::Write;
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        std::thread::spawn(move || {
            for (i, s) in l.incoming().enumerate() {
                let Ok(mut s) = s else { continue };
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    let _ = std::io::Read::read(&mut s, &mut buf);
                    if i == 0 {
                        // huge body
                        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10000000\r\n\r\n");
                        let chunk = vec![b'a'; 65536];
                        for _ in 0..160 {
                            if s.write_all(&chunk).is_err() {
                                break;
                            }
                        }
                    } else {
                        // headers, then a body that trickles forever
                        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n");
                        for _ in 0..100 {
                            std::thread::sleep(Duration::from_millis(200));
                            if s.write_all(b"a").is_err() {
                                break;
                            }
                        }
                    }
                });
            }
        });
        let c = Client::new(
            NetPolicy::local()
                .with_timeout(Duration::from_secs(2))
                .with_max_bytes(1 << 20),
        )
        .unwrap();
        let e = c.get(&format!("http://{addr}/huge"), None).unwrap_err();
        assert!(e.0.contains("larger than"), "{e}");
        let t = Instant::now();
        let e = c.get(&format!("http://{addr}/slow"), None).unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(5), "{e}");
    }
}
