//! OB 3.0 §"Credential equality and comparison".
//!
//! Two credentials are the same when both the issuer `id` and the credential
//! `id` are equal after unescaping percent-encoded characters (RFC 3986) and
//! then trimming leading and trailing whitespace. Among equal credentials the
//! one with the newer `validFrom` is the up-to-date representation.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset};

use crate::credential::Credential;

/// Percent-decode `s` (RFC 3986 `%XX`; malformed escapes are kept literally,
/// decoded bytes that are not UTF-8 become U+FFFD), then trim whitespace.
pub fn normalize_identifier(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).trim().to_string()
}

/// Are `a` and `b` the same identifier after [`normalize_identifier`]?
pub fn same_identifier(a: &str, b: &str) -> bool {
    normalize_identifier(a) == normalize_identifier(b)
}

/// Do `a` and `b` denote the same credential (same issuer id and same credential
/// id, compared per the spec)? Credentials without an `id` are never the same.
pub fn same_credential(a: &Credential, b: &Credential) -> bool {
    match (&a.id, &b.id) {
        (Some(ia), Some(ib)) => {
            same_identifier(ia, ib) && same_identifier(&a.issuer.id, &b.issuer.id)
        }
        _ => false,
    }
}

/// Parse an RFC 3339 / XML Schema dateTime with offset (`2010-01-01T00:00:00Z`).
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).ok()
}

/// Compare the `validFrom` instants (`issuanceDate` for VC DM 1.1) of `a` and `b`.
/// `None` if either is missing or unparseable.
pub fn compare_valid_from(a: &Credential, b: &Credential) -> Option<Ordering> {
    let ta = parse_datetime(a.effective_valid_from()?)?;
    let tb = parse_datetime(b.effective_valid_from()?)?;
    Some(ta.cmp(&tb))
}

/// The more up-to-date of two credentials: the one with the newer `validFrom`.
/// On a tie, or when the dates cannot be compared, returns `a`.
/// (Callers should first check [`same_credential`].)
pub fn newer<'a>(a: &'a Credential, b: &'a Credential) -> &'a Credential {
    match compare_valid_from(a, b) {
        Some(Ordering::Less) => b,
        _ => a,
    }
}
