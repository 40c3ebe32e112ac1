//! Plumbing the Wellspring reference servers (hub, wallet, ATS, CASE server, verifier) share,
//! written once so that every server faces the network the same way:
//!
//! * [`harden`]: the outer layers of every server (security headers with a CSP that allows no
//!   inline script or style, a request timeout, a structured request log);
//! * [`csrf`]: the Origin / Referer check of state-changing browser forms;
//! * [`limit`]: per-client-address and per-account rate limits (HTTP 429 with `Retry-After`)
//!   and the request body sizes of each kind of route;
//! * [`work`]: CPU-heavy work (password hashing, credential verification) off the async
//!   workers behind a concurrency limit;
//! * [`files`]: database and key files readable by their owner only (0600);
//! * [`password`] and [`session`]: account passwords (Argon2id) and browser sign-in cookies.

pub mod csrf;
pub mod files;
pub mod harden;
pub mod limit;
pub mod password;
pub mod session;
pub mod work;

/// Where a server is reached, as the shared layers need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The public URL (no trailing slash).
    pub public_url: String,
    /// Its origin (`scheme://host[:port]`), what browsers send in `Origin`.
    pub origin: String,
    /// Whether the public URL is https (cookies then carry `Secure`).
    pub secure: bool,
}

impl Site {
    /// The site of a public URL; `None` when it is not an absolute http(s) URL.
    pub fn new(public_url: &str) -> Option<Site> {
        let u = url::Url::parse(public_url).ok()?;
        if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
            return None;
        }
        Some(Site {
            public_url: public_url.trim_end_matches('/').to_owned(),
            origin: u.origin().ascii_serialization(),
            secure: u.scheme() == "https",
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn site_of_a_public_url() {
        let s = super::Site::new("https://Hub.Example:8443/base/").unwrap();
        assert_eq!(s.origin, "https://hub.example:8443");
        assert_eq!(s.public_url, "https://Hub.Example:8443/base");
        assert!(s.secure);
        let s = super::Site::new("http://127.0.0.1:80").unwrap();
        assert_eq!(s.origin, "http://127.0.0.1");
        assert!(!s.secure);
        assert!(super::Site::new("ftp://x").is_none());
        assert!(super::Site::new("not a url").is_none());
    }
}
