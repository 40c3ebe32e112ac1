//! Rate limits and request sizes.
//!
//! A [`Limiter`] counts attempts per key (a client address, an account) with the GCRA of the
//! `governor` crate: `burst` attempts at once, then one more every `every`. Past that the
//! caller gets [`too_many`]: HTTP 429 with `Retry-After`. [`per_client`] is the middleware
//! that applies a limiter to a route by the peer address (`ConnectInfo<SocketAddr>`, so serve
//! with `into_make_service_with_connect_info`; behind a reverse proxy every client shares the
//! proxy's address, see the README's "Running in production").

use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// Request body sizes by kind of route.
pub mod body {
    /// A sign-in, consent, token, revocation or small settings form.
    pub const FORM: usize = 16 * 1024;
    /// RFC 7591 client metadata.
    pub const REGISTRATION: usize = 16 * 1024;
    /// A JSON API call that carries no credential.
    pub const SMALL_JSON: usize = 64 * 1024;
    /// One credential or presentation (JSON, VC-JWT, baked image): upsert, verify, apply,
    /// import.
    pub const CREDENTIAL: usize = 4 * 1024 * 1024;
}

/// How often something may happen per key: `burst` at once, then one per `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

impl Rate {
    /// `n` per minute (and `n` at once).
    pub const fn per_minute(n: u32) -> Rate {
        Rate {
            burst: n,
            every: Duration::from_millis(60_000 / if n == 0 { 1 } else { n as u64 }),
        }
    }
    /// `n` per hour (and `n` at once).
    pub const fn per_hour(n: u32) -> Rate {
        Rate {
            burst: n,
            every: Duration::from_millis(3_600_000 / if n == 0 { 1 } else { n as u64 }),
        }
    }
    fn quota(self) -> Quota {
        let every = self.every.max(Duration::from_millis(1));
        Quota::with_period(every)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN))
    }
}

/// The limits of a reference server; each server uses those of the routes it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sign-in attempts per client address (HTML sign-in pages, OAuth sign-in).
    pub sign_in: Rate,
    /// Sign-in attempts per account, from any address.
    pub account: Rate,
    /// Dynamic client registrations per client address.
    pub register: Rate,
    /// OAuth token and revocation requests per client address.
    pub token: Rate,
    /// Applications (ATS) per client address.
    pub apply: Rate,
    /// Verifications (`POST /credentials/verify`, wallet imports) per client address.
    pub verify: Rate,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            sign_in: Rate::per_minute(60),
            // a burst of 30 (a conformance run signs one test account in two dozen times),
            // then one every 6 s: 10 a minute from any number of addresses
            account: Rate {
                burst: 30,
                every: Duration::from_secs(6),
            },
            register: Rate::per_hour(60),
            token: Rate::per_minute(120),
            apply: Rate::per_minute(30),
            // a displayer certification posts a few hundred vectors in a row
            verify: Rate::per_minute(300),
        }
    }
}

/// Keys kept before the limiter forgets the ones that are back to a full burst.
const KEEP: usize = 10_000;

/// Attempts per key.
pub struct Limiter<K: Hash + Eq + Clone> {
    inner: DefaultKeyedRateLimiter<K>,
}

impl<K: Hash + Eq + Clone> std::fmt::Debug for Limiter<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limiter")
    }
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub fn new(rate: Rate) -> Limiter<K> {
        Limiter {
            inner: DefaultKeyedRateLimiter::keyed(rate.quota()),
        }
    }

    /// A limiter to share between handlers and layers.
    pub fn shared(rate: Rate) -> Arc<Limiter<K>> {
        Arc::new(Limiter::new(rate))
    }

    /// Counts one attempt for `key`: `Err(wait)` when it is over the limit.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        if self.inner.len() > KEEP {
            self.inner.retain_recent();
        }
        self.inner
            .check_key(key)
            .map_err(|no| no.wait_time_from(DefaultClock::default().now()))
    }
}

/// HTTP 429 with `Retry-After` (whole seconds, at least 1).
pub fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::CONTENT_TYPE, "application/json")],
        "{\"error\":\"too_many_requests\",\"error_description\":\"slow down: too many requests from this client\"}",
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// The peer address of a request (unspecified when the server was not started with
/// `into_make_service_with_connect_info`).
pub fn client_of(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Extractor: the peer address of the request (never fails; unspecified without
/// `ConnectInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
                .unwrap_or(IpAddr::from([0, 0, 0, 0])),
        ))
    }
}

/// Middleware: counts each request against `limiter` by client address; 429 past the limit.
/// Use with `axum::middleware::from_fn_with_state(limiter, per_client)`.
pub async fn per_client(
    State(limiter): State<Arc<Limiter<IpAddr>>>,
    req: Request,
    next: Next,
) -> Response {
    match limiter.check(&client_of(&req)) {
        Ok(()) => next.run(req).await,
        Err(wait) => too_many(wait),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refused_with_a_wait() {
        let l: Limiter<String> = Limiter::new(Rate::per_hour(3));
        for _ in 0..3 {
            assert!(l.check(&"a".to_owned()).is_ok());
        }
        let wait = l.check(&"a".to_owned()).unwrap_err();
        assert!(wait > Duration::from_secs(60), "{wait:?}");
        // another key has its own budget
        assert!(l.check(&"b".to_owned()).is_ok());
        let r = too_many(wait);
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let secs: u64 = r.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((60..=1200).contains(&secs), "{secs}");
    }
}
