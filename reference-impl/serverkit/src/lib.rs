//! Plumbing the Wellspring reference servers (hub, wallet, ATS) share.

pub mod password {
    //! Account passwords: Argon2id in PHC string form, and a check that spends the same work
    //! whether or not the account exists (no user enumeration by timing).

    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use argon2::Argon2;

    /// The PHC string to store for `password` (fresh random salt).
    pub fn hash(password: &str) -> Result<String, String> {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    }

    /// The account whose password is `password`: `query` selects `(id, password_hash)` for the
    /// account key `?1` (already normalized by the caller). An unknown account costs the same
    /// hashing work as a wrong password.
    pub fn login(
        conn: &rusqlite::Connection,
        query: &str,
        key: &str,
        password: &str,
    ) -> rusqlite::Result<Option<i64>> {
        use rusqlite::OptionalExtension;
        let row: Option<(i64, String)> = conn
            .query_row(query, [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let ok = matches(row.as_ref().map(|(_, h)| h.as_str()), password);
        Ok(row.filter(|_| ok).map(|(id, _)| id))
    }

    /// Whether `password` matches the `stored` hash. `None` (no such account) or an unreadable
    /// hash is `false`, after the same hashing work as a real check.
    pub fn matches(stored: Option<&str>, password: &str) -> bool {
        match stored.map(PasswordHash::new) {
            Some(Ok(parsed)) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            _ => {
                if let Ok(salt) = SaltString::from_b64("d2VsbHNwcmluZ3Vua25vd24") {
                    let _ = Argon2::default().hash_password(password.as_bytes(), &salt);
                }
                false
            }
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn right_password_matches_wrong_and_unknown_do_not() {
            let h = super::hash("correct horse").unwrap();
            assert!(h.starts_with("$argon2id$"));
            assert!(super::matches(Some(&h), "correct horse"));
            assert!(!super::matches(Some(&h), "correct horsE"));
            assert!(!super::matches(None, "correct horse"));
            assert!(!super::matches(Some("not a phc string"), "correct horse"));
            assert_ne!(
                super::hash("correct horse").unwrap(),
                h,
                "fresh salt each time"
            );
        }
    }
}

pub mod session {
    //! Browser sign-in sessions: a cookie carrying a random token the server maps to an account.

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

    /// After a successful sign-in: `303 See Other` to `to`, setting cookie `name` to `token`
    /// (HttpOnly, SameSite=Lax, whole site).
    pub fn started(name: &str, token: &str, to: &str) -> Response {
        (
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    format!(
                        "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE_SECS}"
                    ),
                ),
                (header::LOCATION, to.to_owned()),
            ],
        )
            .into_response()
    }

    /// After signing out: `303 See Other` to `to`, clearing cookie `name`.
    pub fn ended(name: &str, to: &str) -> Response {
        (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, format!("{name}=; Path=/; Max-Age=0")),
                (header::LOCATION, to.to_owned()),
            ],
        )
            .into_response()
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
            let r = started("s", "tok", "/home");
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let set = r.headers()[header::SET_COOKIE].to_str().unwrap();
            assert!(
                set.starts_with("s=tok; ") && set.contains("HttpOnly"),
                "{set}"
            );
            assert_eq!(r.headers()[header::LOCATION], "/home");
            let r = ended("s", "/login");
            assert!(r.headers()[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .contains("Max-Age=0"));
        }
    }
}
