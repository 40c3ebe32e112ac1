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
