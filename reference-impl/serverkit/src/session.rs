//! Browser sign-in sessions: a cookie carrying a random token the server maps to an account.
//! The cookie is `HttpOnly; SameSite=Lax`, and `Secure` whenever the site is served over https.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// How long a session cookie lives in the browser (the server's session may end sooner).
const MAX_AGE_SECS: u32 = 12 * 3600;

/// The value of the cookie `name` in a request, if it carries one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let raw = headers.get(header::COOKIE)?.to_str().ok()?;
    raw.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

fn attributes(secure: bool) -> &'static str {
    if secure {
        "Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Lax"
    }
}

fn see_other(set_cookie: String, to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, set_cookie),
            (header::LOCATION, to.to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// After a successful sign-in: `303 See Other` to `to`, setting cookie `name` to `token`.
/// `secure`: the site is https ([`crate::Site::secure`]).
pub fn started(name: &str, token: &str, to: &str, secure: bool) -> Response {
    see_other(
        format!(
            "{name}={token}; {}; Max-Age={MAX_AGE_SECS}",
            attributes(secure)
        ),
        to,
    )
}

/// After signing out: `303 See Other` to `to`, clearing cookie `name`.
pub fn ended(name: &str, to: &str, secure: bool) -> Response {
    see_other(format!("{name}=; {}; Max-Age=0", attributes(secure)), to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_its_own_cookie_only() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "other=1; wellspring_x=abc; wellspring_xy=zzz"
                .parse()
                .unwrap(),
        );
        assert_eq!(cookie(&h, "wellspring_x").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "wellspring_xy").as_deref(), Some("zzz"));
        assert_eq!(cookie(&h, "wellspring"), None);
        assert_eq!(cookie(&HeaderMap::new(), "wellspring_x"), None);
    }

    #[test]
    fn sets_and_clears_the_cookie() {
        let r = started("s", "tok", "/home", false);
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let set = r.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(
            set.starts_with("s=tok; ") && set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        assert!(!set.contains("Secure"), "{set}");
        assert_eq!(r.headers()[header::LOCATION], "/home");
        let r = ended("s", "/login", false);
        assert!(r.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0"));
    }

    #[test]
    fn secure_behind_https() {
        let r = started("s", "tok", "/", true);
        let set = r.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(
            set.contains("; Secure") && set.contains("HttpOnly"),
            "{set}"
        );
        let r = ended("s", "/", true);
        assert!(r.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Secure"));
    }
}
