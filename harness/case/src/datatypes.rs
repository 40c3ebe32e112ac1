//! CASE primitive datatypes: `UUID.Type`, `DateTime`, `Date`.
//!
//! UUID rule (research notes §1.9, from the CASE 1.0 OpenAPI `UUID.Type`): lower-case hex in
//! 8-4-4-4-12 form, version nibble `1`-`5`, variant nibble `8`/`9`/`a`/`b`. The official pattern
//! has no `^…$` anchors, so JSON Schema accepts any string that merely *contains* such a UUID;
//! [`uuid_problem`] applies the pattern to the whole string.

/// The pattern of the CASE 1.0 `UUID.Type`, verbatim (unanchored).
pub const UUID_PATTERN: &str =
    "[0-9a-f]{8}-[0-9a-f]{4}-[1-5]{1}[0-9a-f]{3}-[8-9a-b]{1}[0-9a-f]{3}-[0-9a-f]{12}";

/// `None` when `s` is, as a whole, a CASE UUID; otherwise what is wrong with it.
pub fn uuid_problem(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return Some("not in the 8-4-4-4-12 form (length is not 36)");
    }
    let mut upper = false;
    for (i, &c) in b.iter().enumerate() {
        let dash = matches!(i, 8 | 13 | 18 | 23);
        if dash {
            if c != b'-' {
                return Some("not in the 8-4-4-4-12 form");
            }
        } else if c.is_ascii_uppercase() && c.is_ascii_hexdigit() {
            upper = true;
        } else if !matches!(c, b'0'..=b'9' | b'a'..=b'f') {
            return Some("contains a character that is not a hexadecimal digit");
        }
    }
    if upper {
        return Some("upper-case hexadecimal (CASE requires lower case)");
    }
    if !matches!(b[14], b'1'..=b'5') {
        return Some("version digit (13th hex digit) is not 1-5");
    }
    if !matches!(b[19], b'8' | b'9' | b'a' | b'b') {
        return Some("variant digit (17th hex digit) is not 8, 9, a or b");
    }
    None
}

pub fn is_uuid(s: &str) -> bool {
    uuid_problem(s).is_none()
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a real calendar day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    match (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10])) {
        (Some(y), Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m),
        _ => false,
    }
}

/// RFC 3339 `date-time` (what JSON Schema `format: date-time` means): `YYYY-MM-DDThh:mm:ss`,
/// optional fraction, then `Z` or `±hh:mm`. A missing offset is an error.
pub fn is_date_time(s: &str) -> bool {
    if !s.is_ascii() {
        return false;
    }
    let b = s.as_bytes();
    // `get`, not `[..10]`: a multi-byte character may straddle byte 10 (non-ASCII input).
    if b.len() < 20 || !s.get(..10).is_some_and(is_date) || !matches!(b[10], b'T' | b't') {
        return false;
    }
    if b[13] != b':' || b[16] != b':' {
        return false;
    }
    let (Some(h), Some(mi), Some(sec)) =
        (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19]))
    else {
        return false;
    };
    if h > 23 || mi > 59 || sec > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &rest[1 + n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => match (digits(&[*h1, *h2]), digits(&[*m1, *m2])) {
            (Some(oh), Some(om)) => oh <= 23 && om <= 59,
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        assert!(is_uuid("a33fc64e-5c40-11e7-82c4-3d54268aa9ee"));
        assert!(is_uuid("3d8cdec5-83d6-49b4-9300-91a824c59758"));
        assert_eq!(
            uuid_problem("d0000000-0000-0000-0000-000000000000"),
            Some("version digit (13th hex digit) is not 1-5")
        );
        assert_eq!(
            uuid_problem("3d8cdec5-83d6-49b4-c300-91a824c59758"),
            Some("variant digit (17th hex digit) is not 8, 9, a or b")
        );
        assert!(uuid_problem("3D8CDEC5-83D6-49B4-9300-91A824C59758")
            .unwrap()
            .contains("upper-case"));
        assert!(!is_uuid("x3d8cdec5-83d6-49b4-9300-91a824c59758"));
        assert!(!is_uuid("3d8cdec5_83d6-49b4-9300-91a824c59758"));
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-1-01"));
        assert!(is_date_time("2017-10-18T15:02:46+00:00"));
        assert!(is_date_time("2025-01-01T12:00:00.000Z"));
        assert!(!is_date_time("2017-05-25T18:05:33"));
        assert!(!is_date_time("2017-05-25 18:05:33Z"));
        assert!(!is_date_time("2017-05-25T24:05:33Z"));
        assert!(!is_date_time("2017-05-25T18:05:33.Z"));
        assert!(!is_date_time("2017-05-25"));
        // a multi-byte character across byte 10 (used to panic on `&s[..10]`)
        assert!(!is_date_time("2017-05-2é5T18:05:33Z"));
        assert!(!is_date_time("２０１７-05-25T18:05:33Z"));
    }
}
