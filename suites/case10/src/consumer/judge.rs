//! The verdicts on what the consumer did, from the record of its requests.

use super::serve::{endpoint, Page, RETRY_AFTER_SECS};
use super::*;

/// A retry this much before the Retry-After is over still counts as waiting (clock slack).
const SLACK: Duration = Duration::from_millis(100);

fn ev(list: Vec<&Seen>) -> Value {
    Value::Array(list.into_iter().take(20).map(Seen::evidence).collect())
}

/// The verdicts on what the consumer did.
pub(super) fn judge(s: &Shared, seen: &[Seen]) -> DocReport {
    let (v, base) = (s.version, s.base.as_str());
    let d = match v {
        Version::V1p0 => checks::V10,
        Version::V1p1 => checks::V11,
    };
    let api_path = v.base_path();
    let mut r = DocReport::new(format!("CASE consumer certification: provider at {base}"));
    r.kind = format!("CASE {} Service Consumer", v.label());
    let api: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.path.starts_with(api_path))
        .collect();
    r.push(if api.is_empty() {
        CheckResult::new(
            &d.REQUESTS,
            Verdict::Fail,
            format!("no request reached {base}{api_path} within the wait"),
        )
        .with("requests", ev(seen.iter().collect()))
    } else {
        CheckResult::new(
            &d.REQUESTS,
            Verdict::Pass,
            format!("{} request(s) to the CASE API", api.len()),
        )
    });
    let undefined: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.method != "GET" || endpoint(v, &s.path).is_none())
        .collect();
    r.push(match (seen.is_empty(), undefined.is_empty()) {
        (true, _) => CheckResult::new(&d.ENDPOINTS, Verdict::Fail, "no request to judge"),
        (false, true) => CheckResult::new(
            &d.ENDPOINTS,
            Verdict::Pass,
            "every request a GET of a defined endpoint",
        ),
        (false, false) => CheckResult::new(
            &d.ENDPOINTS,
            Verdict::Fail,
            format!(
                "{} request(s) to methods or paths the REST binding does not define",
                undefined.len()
            ),
        )
        .with("requests", ev(undefined)),
    });
    r.push(parameters(v, &d, seen, api.is_empty()));
    r.push(if content_read(v, seen) {
        CheckResult::new(
            &d.CONTENT,
            Verdict::Pass,
            "the framework's content was read",
        )
    } else {
        CheckResult::new(
            &d.CONTENT,
            Verdict::Fail,
            "neither getCFPackage nor getCFItem was called (answered 200)",
        )
        .with("requests", ev(api))
    });
    r.push(paging(v, &d, seen, s.packages.len()));
    r.push(error_handling(s, &d, seen));
    r
}

/// The `parameters` verdict: only the query parameters each endpoint defines.
fn parameters(v: Version, d: &checks::Defs, seen: &[Seen], no_api: bool) -> CheckResult {
    let bad_params: Vec<&Seen> = seen
        .iter()
        .filter(|s| match endpoint(v, &s.path) {
            Some(("CFDocuments", false)) => s
                .query
                .iter()
                .any(|(k, _)| !LIST_PARAMS.contains(&k.as_str())),
            _ => !s.query.is_empty(),
        })
        .collect();
    match (no_api, bad_params.is_empty()) {
        (true, _) => CheckResult::new(&d.PARAMETERS, Verdict::Fail, "no request to judge"),
        (false, true) => CheckResult::new(
            &d.PARAMETERS,
            Verdict::Pass,
            "only defined query parameters",
        ),
        (false, false) => CheckResult::new(
            &d.PARAMETERS,
            Verdict::Fail,
            format!(
                "{} request(s) with query parameters the endpoint does not define",
                bad_params.len()
            ),
        )
        .with("requests", ev(bad_params)),
    }
}

/// The getAllCFDocuments requests answered 200.
fn lists(v: Version, seen: &[Seen]) -> Vec<&Seen> {
    seen.iter()
        .filter(|s| s.status == 200 && endpoint(v, &s.path) == Some(("CFDocuments", false)))
        .collect()
}

/// The `paging` verdict: a consumer that pages reads every page (skipped when it does not page).
fn paging(v: Version, d: &checks::Defs, seen: &[Seen], total: usize) -> CheckResult {
    let lists = lists(v, seen);
    let paged: Vec<&Seen> = lists
        .iter()
        .copied()
        .filter(|s| s.param("limit").is_some() || s.param("offset").is_some())
        .collect();
    if paged.is_empty() {
        return CheckResult::new(
            &d.PAGING,
            Verdict::Skip,
            "the consumer did not page getAllCFDocuments (no limit or offset): paging is optional for a consumer",
        );
    }
    let mut read = vec![false; total];
    for s in &lists {
        let p = Page::of(s.param("limit"), s.param("offset"));
        for r in read.iter_mut().skip(p.offset).take(p.limit) {
            *r = true;
        }
    }
    let n = read.iter().filter(|r| **r).count();
    if n == total {
        CheckResult::new(
            &d.PAGING,
            Verdict::Pass,
            format!("the consumer's pages covered all {total} documents X-Total-Count announced"),
        )
    } else {
        CheckResult::new(
            &d.PAGING,
            Verdict::Fail,
            format!(
                "the consumer paged getAllCFDocuments but read {n} of the {total} documents X-Total-Count announced (the Link header named the next page)"
            ),
        )
        .with("requests", ev(paged))
    }
}

/// The `error-handling` verdict: after the injected 429 the same request again, no sooner than
/// the Retry-After, answered 200 (skipped unless the consumer claims error handling).
fn error_handling(s: &Shared, d: &checks::Defs, seen: &[Seen]) -> CheckResult {
    if !s.inject_errors {
        return CheckResult::new(
            &d.ERRORS,
            Verdict::Skip,
            "not claimed: no error injected (the consumer claims error handling with --inject-errors)",
        );
    }
    let Some(k) = seen.iter().position(|x| x.injected) else {
        return CheckResult::new(
            &d.ERRORS,
            Verdict::Fail,
            "the consumer never asked getCFPackage or getCFItem: no 429 could be injected",
        );
    };
    let hit = &seen[k];
    let again = seen[k + 1..]
        .iter()
        .find(|x| x.method == hit.method && x.path == hit.path);
    let wait = Duration::from_secs(RETRY_AFTER_SECS);
    let (verdict, message) = match again {
        None => (
            Verdict::Fail,
            format!("after the injected 429 (Retry-After: {RETRY_AFTER_SECS}) the consumer never asked {} again", hit.path),
        ),
        Some(x) if x.at + SLACK < hit.at + wait => (
            Verdict::Fail,
            format!(
                "the consumer asked again {} ms after the injected 429, sooner than its Retry-After ({RETRY_AFTER_SECS} s)",
                x.at.saturating_sub(hit.at).as_millis()
            ),
        ),
        Some(x) if x.status != 200 => (
            Verdict::Fail,
            format!("the request asked again was answered {}", x.status),
        ),
        Some(x) => (
            Verdict::Pass,
            format!(
                "after the injected 429 the consumer waited {} ms (Retry-After: {RETRY_AFTER_SECS}) and asked again",
                x.at.saturating_sub(hit.at).as_millis()
            ),
        ),
    };
    let shown: Vec<&Seen> = std::iter::once(hit).chain(again).collect();
    CheckResult::new(&d.ERRORS, verdict, message).with("requests", ev(shown))
}
