//! Cross-site request forgery: a state-changing request made by a browser carries where it
//! came from (`Origin`, else `Referer`, and `Sec-Fetch-Site`); it is accepted only from the
//! site's own public origin.
//!
//! Browser forms (sign-in, consent, import, apply...) are guarded [`Mode::Strict`]: a request
//! that names no origin at all is refused too, so every form must be posted by a page of the
//! site (browsers send `Origin` on every POST; the servers send `Referrer-Policy: same-origin`
//! so that it is never blanked). APIs that also accept a session cookie are guarded
//! [`Mode::Lenient`]: a foreign origin is refused, a request naming none (a program, not a
//! browser) passes.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How much provenance a guarded route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A matching `Origin` or `Referer` is required.
    Strict,
    /// A foreign one is refused; none at all passes.
    Lenient,
}

/// The state of [`guard`]: the site's origin and the mode.
#[derive(Debug, Clone)]
pub struct Guard {
    pub origin: String,
    pub mode: Mode,
}

impl Guard {
    pub fn strict(site: &crate::Site) -> Guard {
        Guard {
            origin: site.origin.clone(),
            mode: Mode::Strict,
        }
    }
    pub fn lenient(site: &crate::Site) -> Guard {
        Guard {
            origin: site.origin.clone(),
            mode: Mode::Lenient,
        }
    }
}

fn text<'a>(h: &'a HeaderMap, name: header::HeaderName) -> Option<&'a str> {
    h.get(name).map(|v| v.to_str().unwrap_or("\u{0}"))
}

/// Whether a request with these headers may change state on the site at `origin`.
pub fn check(origin: &str, method: &Method, h: &HeaderMap, mode: Mode) -> Result<(), &'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if let Some(o) = text(h, header::ORIGIN) {
        return if o.eq_ignore_ascii_case(origin) {
            Ok(())
        } else {
            Err("the request comes from another site (Origin)")
        };
    }
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Err("the request comes from another site (Sec-Fetch-Site)");
        }
    }
    if let Some(r) = text(h, header::REFERER) {
        let from = url::Url::parse(r).map(|u| u.origin().ascii_serialization());
        return match from {
            Ok(f) if f.eq_ignore_ascii_case(origin) => Ok(()),
            _ => Err("the request comes from another site (Referer)"),
        };
    }
    match mode {
        Mode::Strict => Err("the request does not say where it comes from (no Origin or Referer): forms must be posted from this site's pages"),
        Mode::Lenient => Ok(()),
    }
}

/// 403 with the reason (plain text).
pub fn refused(why: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("Forbidden: {why}.\n"),
    )
        .into_response()
}

/// Middleware: refuses (403) a state-changing request that fails [`check`]. Use with
/// `axum::middleware::from_fn_with_state(Guard::strict(&site), guard)`.
pub async fn guard(State(g): State<Guard>, req: Request, next: Next) -> Response {
    match check(&g.origin, req.method(), req.headers(), g.mode) {
        Ok(()) => next.run(req).await,
        Err(why) => refused(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, v.parse().unwrap());
        }
        m
    }

    const O: &str = "https://hub.example";

    #[test]
    fn strict_wants_the_sites_own_origin() {
        let post = Method::POST;
        let s = Mode::Strict;
        assert!(check(O, &post, &h(&[("origin", O)]), s).is_ok());
        assert!(check(O, &post, &h(&[("origin", "https://evil.example")]), s).is_err());
        assert!(check(O, &post, &h(&[("origin", "null")]), s).is_err());
        assert!(check(
            O,
            &post,
            &h(&[("referer", "https://hub.example/oauth/authorize?x=1")]),
            s
        )
        .is_ok());
        assert!(check(O, &post, &h(&[("referer", "https://hub.example.evil/")]), s).is_err());
        assert!(check(O, &post, &h(&[]), s).is_err());
        assert!(check(
            O,
            &post,
            &h(&[
                ("sec-fetch-site", "cross-site"),
                ("referer", "https://hub.example/")
            ]),
            s
        )
        .is_err());
        assert!(check(O, &Method::GET, &h(&[]), s).is_ok());
    }

    #[test]
    fn lenient_lets_programs_through_but_not_other_sites() {
        let post = Method::POST;
        let l = Mode::Lenient;
        assert!(check(O, &post, &h(&[]), l).is_ok());
        assert!(check(O, &post, &h(&[("origin", "https://evil.example")]), l).is_err());
        assert!(check(O, &post, &h(&[("sec-fetch-site", "same-site")]), l).is_err());
    }
}
