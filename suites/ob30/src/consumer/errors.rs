//! Errors the harness injects, as a real provider may give them, and how the consumer handled
//! them (`error-handling`, optional: only when the consumer claims it, `Options::inject_errors`).
//!
//! Two, into getCredentials, each once:
//! * **401**: the first getCredentials with a valid token is refused and that access token is
//!   revoked (as a provider does with a token revoked or expired early). A consumer handling it
//!   gets a new token (the refresh_token grant, or a new authorization) and calls again.
//! * **429**: the first request for a later page (offset > 0) is answered 429 with
//!   `Retry-After: 1`. A consumer handling it waits at least that long and fetches the same page
//!   again, instead of stopping or skipping it.
//!
//! An injected answer carries the header `X-Wellspring-Injected` (the harness's own, naming
//! the error), so the record and the consumer's logs both show what was staged.

use super::*;

/// The header marking an injected answer.
pub(super) const INJECTED_HEADER: &str = "x-wellspring-injected";
/// What the injected 429 asks the consumer to wait, in seconds.
pub(super) const RETRY_AFTER_SECS: u64 = 1;
/// A retry this much before the Retry-After is over still counts as waiting (clock slack).
const SLACK: Duration = Duration::from_millis(100);

fn marked(mut r: Response, what: &'static str) -> Response {
    r.headers_mut()
        .insert(INJECTED_HEADER, axum::http::HeaderValue::from_static(what));
    r
}

/// The error to answer an authorized getCredentials request for `offset` with, if one is due.
pub(super) fn inject(s: &Shared, headers: &HeaderMap, offset: usize) -> Option<Response> {
    if !s.o.inject_errors {
        return None;
    }
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split_once(' ').map(|(_, t)| t.trim().to_owned()))?;
    let mut p = s.state.lock().unwrap_or_else(|e| e.into_inner());
    if !p.injected_401 {
        p.injected_401 = true;
        p.tokens.remove(&token);
        let mut r = imsx(
            StatusCode::UNAUTHORIZED,
            "unauthorizedrequest",
            "the access token is no longer valid (an error injected by the conformance harness: get a new token)",
        );
        r.headers_mut().insert(
            "www-authenticate",
            axum::http::HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        return Some(marked(r, "401"));
    }
    if offset > 0 && !p.injected_429 {
        p.injected_429 = true;
        let mut r = imsx(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "slow down (an error injected by the conformance harness): retry after the Retry-After",
        );
        r.headers_mut().insert(
            "retry-after",
            axum::http::HeaderValue::from(RETRY_AFTER_SECS),
        );
        return Some(marked(r, "429"));
    }
    None
}

fn offset_of(x: &Seen) -> usize {
    x.query
        .get("offset")
        .and_then(|o| o.parse().ok())
        .unwrap_or(0)
}

/// After the injected 401 at `k`: a new token (200 from the token endpoint), then
/// getCredentials answered 200. Ok(what happened) or the problem.
fn after_401(seen: &[Seen], k: usize, creds: &str) -> Result<String, String> {
    let grant = seen[k..]
        .iter()
        .position(|x| x.method == "POST" && x.path == "/oauth/token" && x.status == 200);
    let Some(g) = grant.map(|g| g + k) else {
        return Err("after the injected 401 the consumer got no new token (no refresh_token grant, no new authorization)".into());
    };
    let how = form(&seen[g].body)
        .get("grant_type")
        .cloned()
        .unwrap_or_else(|| "?".into());
    if seen[g..]
        .iter()
        .any(|x| x.method == "GET" && x.path == creds && x.status == 200)
    {
        Ok(format!(
            "after the injected 401 it got a new token ({how}) and called getCredentials again"
        ))
    } else {
        Err(format!(
            "after the injected 401 it got a new token ({how}) but never called getCredentials again with it"
        ))
    }
}

/// After the injected 429 at `m`: the same page fetched again, not before the Retry-After.
fn after_429(seen: &[Seen], m: usize, creds: &str) -> Result<String, String> {
    let offset = offset_of(&seen[m]);
    let again = seen[m + 1..]
        .iter()
        .find(|x| x.method == "GET" && x.path == creds && offset_of(x) == offset);
    let wait = Duration::from_secs(RETRY_AFTER_SECS);
    match again {
        None => Err(format!(
            "after the injected 429 the consumer never fetched the page at offset {offset} again"
        )),
        Some(x) if x.at.duration_since(seen[m].at) + SLACK < wait => Err(format!(
            "after the injected 429 the consumer fetched the page at offset {offset} again after {} ms, before the Retry-After of {RETRY_AFTER_SECS} s",
            x.at.duration_since(seen[m].at).as_millis()
        )),
        Some(x) if x.status != 200 => Err(format!(
            "after the injected 429 the page at offset {offset} was fetched again, answered {}",
            x.status
        )),
        Some(x) => Ok(format!(
            "after the injected 429 it waited {} ms (Retry-After {RETRY_AFTER_SECS} s) and fetched the page at offset {offset} again",
            x.at.duration_since(seen[m].at).as_millis()
        )),
    }
}

/// `error-handling`.
pub(super) fn judge(s: &Shared, seen: &[Seen], def: CheckDef) -> CheckResult {
    if !s.o.inject_errors {
        return CheckResult::new(
            &def,
            Verdict::Skip,
            "not claimed: no error injected (the consumer claims error handling with --inject-errors)",
        );
    }
    let creds = format!("{}/credentials", s.o.standard.api_path());
    let at = |what: &str| {
        seen.iter()
            .position(|x| x.injected.as_deref() == Some(what))
    };
    let mut done = Vec::new();
    let mut problems = Vec::new();
    let mut evidence = Vec::new();
    match at("401") {
        None => problems.push(
            "the consumer never called getCredentials with a valid token: no 401 could be injected"
                .to_owned(),
        ),
        Some(k) => {
            evidence.push(seen[k].evidence());
            match after_401(seen, k, &creds) {
                Ok(m) => done.push(m),
                Err(e) => problems.push(e),
            }
        }
    }
    match at("429") {
        None => problems.push("the consumer never asked for a later page with a valid token: no 429 could be injected".to_owned()),
        Some(m) => {
            evidence.push(seen[m].evidence());
            match after_429(seen, m, &creds) {
                Ok(x) => done.push(x),
                Err(e) => problems.push(e),
            }
        }
    }
    let r = if problems.is_empty() {
        CheckResult::new(&def, Verdict::Pass, done.join("; "))
    } else {
        CheckResult::new(&def, Verdict::Fail, problems.join("; "))
    };
    r.with("injected", Value::Array(evidence))
}
