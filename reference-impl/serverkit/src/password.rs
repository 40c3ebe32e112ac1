//! Account passwords: Argon2id in PHC string form, and a check that spends the same work
//! whether or not the account exists (no user enumeration by timing).
//!
//! Hashing is slow on purpose: callers look the stored hash up ([`lookup`]), release their
//! database lock, and only then [`check`] it, on a blocking worker of a [`crate::work::Pool`].

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

/// An account's id and stored hash: `query` selects `(id, password_hash)` for the account key
/// `?1` (already normalized by the caller). Cheap: only the row is read.
pub fn lookup(
    conn: &rusqlite::Connection,
    query: &str,
    key: &str,
) -> rusqlite::Result<Option<(i64, String)>> {
    use rusqlite::OptionalExtension;
    conn.query_row(query, [key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// The account id when `password` matches the looked-up row. An unknown account costs the
/// same hashing work as a wrong password. Call it with no lock held.
pub fn check(row: Option<(i64, String)>, password: &str) -> Option<i64> {
    let ok = matches(row.as_ref().map(|(_, h)| h.as_str()), password);
    row.filter(|_| ok).map(|(id, _)| id)
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

    #[test]
    fn lookup_then_check() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE a (id INTEGER, email TEXT, h TEXT)")
            .unwrap();
        let h = super::hash("pw-pw-pw-pw").unwrap();
        c.execute("INSERT INTO a VALUES (4, 'x@y', ?1)", [&h])
            .unwrap();
        let q = "SELECT id, h FROM a WHERE email = ?1";
        let row = super::lookup(&c, q, "x@y").unwrap();
        assert_eq!(super::check(row.clone(), "pw-pw-pw-pw"), Some(4));
        assert_eq!(super::check(row, "nope"), None);
        assert_eq!(
            super::check(super::lookup(&c, q, "z@y").unwrap(), "pw-pw-pw-pw"),
            None
        );
    }
}
