//! The validity window: validFrom / validUntil (and the VC-JWT nbf / exp).

use super::*;

pub(super) fn parse_time(v: &Value) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let s = v.as_str().ok_or_else(|| format!("{v} is not a string"))?;
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 date-time: {e}"))
}

/// One end of the validity window: where it was read (for evidence) and its value.
pub(super) struct Bound<'a> {
    key: &'static str,
    value: &'a Value,
}

/// The window's start and end. The credential's own dates first (`validFrom`/`validUntil`, or
/// `issuanceDate`/`expirationDate` in VC DM 1.1 form); a VC-JWT's `nbf`/`exp` when the
/// credential has none (OB 3.0 `#jwt-verify`: `exp` bounds the credential like `validUntil`).
pub(super) fn window<'a>(
    cred: &'a Value,
    jwt: Option<&'a DecodedJwt>,
    form: Form,
) -> (Option<Bound<'a>>, Option<Bound<'a>>) {
    let (from_keys, until_keys) = match form {
        Form::V1 => (
            ["issuanceDate", "validFrom"],
            ["expirationDate", "validUntil"],
        ),
        Form::V2 => (
            ["validFrom", "issuanceDate"],
            ["validUntil", "expirationDate"],
        ),
    };
    let pick = |keys: [&'static str; 2], claim: &'static str| {
        keys.iter()
            .find_map(|k| cred.get(*k).map(|value| Bound { key: k, value }))
            .or_else(|| {
                jwt.and_then(|j| j.payload.get(claim))
                    .map(|value| Bound { key: claim, value })
            })
    };
    (pick(from_keys, "nbf"), pick(until_keys, "exp"))
}

/// A date-time string, or a JWT NumericDate (seconds since the epoch).
pub(super) fn parse_bound(b: &Bound) -> Result<chrono::DateTime<chrono::Utc>, String> {
    match b.value {
        Value::Number(n) => n
            .as_i64()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .ok_or_else(|| format!("{} = {n} is not a NumericDate", b.key)),
        v => parse_time(v),
    }
}

pub(super) fn validity(
    r: &mut DocReport,
    cred: &Value,
    jwt: Option<&DecodedJwt>,
    form: Form,
    opts: &Options,
) {
    let now = opts.now;
    let (from, until) = window(cred, jwt, form);
    let evidence = |c: CheckResult, b: &Bound| {
        let pointer = if matches!(b.key, "nbf" | "exp") {
            format!("/payload/{}", b.key)
        } else {
            format!("/{}", b.key)
        };
        c.at(&pointer, b.key, b.value.clone())
    };
    match from.as_ref().map(|b| (b, parse_bound(b))) {
        // Absence is a schema matter (VC DM 2.0 makes validFrom optional): the window is open.
        None => r.push(res(
            &checks::VALID_FROM,
            Verdict::Skip,
            "no validFrom (or issuanceDate / nbf): the validity window has no start to check",
        )),
        Some((b, Err(e))) => r.push(evidence(res(&checks::VALID_FROM, Verdict::Fail, e), b)),
        Some((b, Ok(t))) if t > now => r.push(evidence(
            res(
                &checks::VALID_FROM,
                Verdict::Fail,
                format!(
                    "not yet valid: {} {} is after now ({})",
                    b.key,
                    t.to_rfc3339(),
                    now.to_rfc3339()
                ),
            ),
            b,
        )),
        Some((b, Ok(t))) => r.push(res(
            &checks::VALID_FROM,
            Verdict::Pass,
            format!("valid since {} ({})", t.to_rfc3339(), b.key),
        )),
    }
    match until.as_ref().map(|b| (b, parse_bound(b))) {
        None => r.push(res(&checks::VALID_UNTIL, Verdict::Pass, "no expiry")),
        Some((b, Err(e))) => r.push(evidence(res(&checks::VALID_UNTIL, Verdict::Fail, e), b)),
        Some((b, Ok(t))) if t < now => r.push(evidence(
            res(
                &checks::VALID_UNTIL,
                Verdict::Fail,
                format!(
                    "expired: {} {} is before now ({})",
                    b.key,
                    t.to_rfc3339(),
                    now.to_rfc3339()
                ),
            ),
            b,
        )),
        Some((b, Ok(t))) => r.push(res(
            &checks::VALID_UNTIL,
            Verdict::Pass,
            format!("valid until {} ({})", t.to_rfc3339(), b.key),
        )),
    }
}
