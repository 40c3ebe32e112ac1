//! OB 3.0 verification step 3, refresh: a `refreshService` of type `1EdTechCredentialRefresh`
//! (1EdTech VCCR 1.0) names a URL the issuer answers with the credential's current version
//! (an HTTP GET). The credential is refreshed once, after the proof check, and steps 1–2 are
//! repeated on what comes back.
//!
//! The core is offline by default: without `fetch` (`--online`) and without the refreshed
//! credential given (`Options::refresh_files`), the refresh is not attempted and the check is a
//! skip that says so, never a pass. What the service answers is believed only when it is
//! authentic: the same issuer, credential id and subject as the original, conforming, with a
//! proof that verifies with a key bound to that issuer. Otherwise the check fails with the
//! reasons and the original credential is what the later steps judge.

use super::*;

/// The refresh service type OB 3.0 and CLR 2.0 name.
pub(super) const REFRESH_TYPE: &str = "1EdTechCredentialRefresh";

/// A refreshed credential that passed every authenticity test.
pub(super) struct Refreshed {
    pub cred: Value,
    pub jwt: Option<DecodedJwt>,
}

/// The refreshed credential as read: offline (not attempted), not obtained, or its text.
enum Loaded {
    Offline,
    Failed(String),
    Text(String),
}

fn load(url: &str, opts: &Options) -> Loaded {
    if let Some(t) = opts.refresh_files.get(url) {
        return Loaded::Text(t.clone());
    }
    match &opts.fetch {
        None => Loaded::Offline,
        Some(fetch) => match fetch(url) {
            Ok(t) => Loaded::Text(t),
            Err(e) => Loaded::Failed(e),
        },
    }
}

/// An absolute http(s) URL with a host, as a refresh service id must be.
fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// One `refreshService` entry: Ok((id, types)) or why it is malformed.
fn well_formed(entry: &Value) -> Result<(&str, Vec<String>), String> {
    if !entry.is_object() {
        return Err(format!(
            "a refreshService must be an object; found {}",
            type_name(entry)
        ));
    }
    let ts = types(entry);
    if ts.is_empty() {
        return Err("the refreshService has no type".into());
    }
    let Some(id) = entry.get("id") else {
        return Err("the refreshService has no id (the refresh URL)".into());
    };
    let Some(id) = id.as_str() else {
        return Err(format!(
            "the refreshService id must be a URL string; found {}",
            type_name(id)
        ));
    };
    if ts.iter().any(|t| t == REFRESH_TYPE) && !is_http_url(id) {
        return Err(format!(
            "the {REFRESH_TYPE} id {id:?} is not an http(s) URL"
        ));
    }
    Ok((id, ts))
}

/// Step 3. Reports `ob3.refresh` once and returns the refreshed credential when it may
/// replace the original.
pub(super) fn refresh(r: &mut DocReport, cred: &Value, opts: &Options) -> Option<Refreshed> {
    let entries = as_list(cred.get("refreshService"));
    if entries.is_empty() {
        r.push(res(
            &checks::REFRESH,
            Verdict::Skip,
            "no refreshService: nothing to refresh",
        ));
        return None;
    }
    let many = cred.get("refreshService").is_some_and(Value::is_array);
    let mut chosen: Option<(&str, String)> = None;
    let mut malformed = false;
    for (i, e) in entries.iter().enumerate() {
        let pointer = if many {
            format!("/refreshService/{i}")
        } else {
            "/refreshService".into()
        };
        match well_formed(e) {
            Err(why) => {
                malformed = true;
                r.push(res(&checks::REFRESH, Verdict::Fail, why).at(
                    &pointer,
                    "refreshService",
                    (*e).clone(),
                ));
            }
            Ok((id, ts)) if chosen.is_none() && ts.iter().any(|t| t == REFRESH_TYPE) => {
                chosen = Some((id, pointer))
            }
            Ok(_) => {}
        }
    }
    if malformed {
        return None;
    }
    let Some((url, pointer)) = chosen else {
        let found: Vec<Vec<String>> = entries.iter().map(|e| types(e)).collect();
        r.push(res(
            &checks::REFRESH,
            Verdict::Skip,
            format!("refreshService of type {found:?}: only {REFRESH_TYPE} is refreshed"),
        ));
        return None;
    };
    let entry = cred.pointer(&pointer).cloned().unwrap_or(Value::Null);
    match load(url, opts) {
        Loaded::Offline => {
            r.push(res(&checks::REFRESH, Verdict::Skip, format!(
                "not attempted offline: the credential names the refresh service {url} (use --online to refresh it); the original credential is judged"
            )).at(&pointer, "refreshService", entry));
            None
        }
        Loaded::Failed(e) => {
            r.push(
                res(
                    &checks::REFRESH,
                    Verdict::Warn,
                    format!(
                        "refresh from {url} not completed: {e}; the original credential is judged"
                    ),
                )
                .at(&pointer, "refreshService", entry),
            );
            None
        }
        Loaded::Text(text) => judge_refreshed(r, cred, url, &text, opts),
    }
}

/// The refreshed credential from the service's answer: a JSON credential or a VC-JWT.
fn parse_refreshed(text: &str, opts: &Options) -> Result<(Value, Option<DecodedJwt>), String> {
    let text = text.trim();
    if jwt::looks_like_jws(text) {
        let j =
            jwt::decode(text).map_err(|e| format!("a compact JWS that does not decode: {e}"))?;
        return Ok((j.credential.clone(), Some(j)));
    }
    if let Some(why) = json_shape_refused(text, opts.max_depth, MAX_JSON_VALUES) {
        return Err(why);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v) if v.is_object() && !types(&v).iter().any(|t| t == "VerifiablePresentation") => {
            Ok((v, None))
        }
        Ok(v) => Err(format!("{} instead of a credential", type_name(&v))),
        Err(e) => Err(format!("neither JSON nor a compact JWS: {e}")),
    }
}

fn issuer_of(cred: &Value) -> Option<&str> {
    match cred.get("issuer")? {
        Value::String(s) => Some(s),
        o => o.get("id").and_then(Value::as_str),
    }
}

fn subject_of(cred: &Value) -> Option<&str> {
    cred.pointer("/credentialSubject/id")
        .and_then(Value::as_str)
}

/// What makes the refreshed credential a version of the original: the same issuer, the same
/// credential id and the same subject id (each compared when the original has it).
fn same_credential(original: &Value, refreshed: &Value) -> Vec<String> {
    let mut why = Vec::new();
    let pairs = [
        ("issuer", issuer_of(original), issuer_of(refreshed)),
        (
            "id",
            original.get("id").and_then(Value::as_str),
            refreshed.get("id").and_then(Value::as_str),
        ),
        (
            "credentialSubject.id",
            subject_of(original),
            subject_of(refreshed),
        ),
    ];
    for (what, was, now) in pairs {
        match (was, now) {
            (None, _) if what != "issuer" => {}
            (Some(a), Some(b)) if a == b => {}
            _ => why.push(format!("its {what} is {now:?}, the original's {was:?}")),
        }
    }
    why
}

/// Steps 1–2 on the refreshed credential (in a nested report) and the authenticity tests.
fn judge_refreshed(
    r: &mut DocReport,
    original: &Value,
    url: &str,
    text: &str,
    opts: &Options,
) -> Option<Refreshed> {
    let (cred, jwt) = match parse_refreshed(text, opts) {
        Ok(x) => x,
        Err(e) => {
            r.push(res(&checks::REFRESH, Verdict::Fail, format!(
                "the refresh service {url} answered with no credential: {e}; the original credential is judged"
            )));
            return None;
        }
    };
    let mut sub = DocReport::new(format!("{} (refreshed from {url})", r.subject));
    conform_and_prove(&mut sub, &cred, jwt.as_ref(), opts);
    let mut why = same_credential(original, &cred);
    let failed = sub.failed_ids();
    if !failed.is_empty() {
        why.push(format!("it fails {}", failed.join(", ")));
    }
    let bound = sub
        .checks
        .iter()
        .find(|c| c.id == checks::PROOF_CONTROLLER.id && c.verdict == Verdict::Pass)
        .map(|c| c.message.clone());
    if bound.is_none() {
        why.push("no proof of it verifies with a key bound to the issuer".into());
    }
    sub.kind = format!("refreshed {}", sub.kind);
    r.nested.push(sub);
    let evidence = |c: CheckResult| {
        c.with("refresh URL", Value::from(url))
            .with("refreshed issuer", Value::from(issuer_of(&cred)))
            .with(
                "refreshed id",
                cred.get("id").cloned().unwrap_or(Value::Null),
            )
            .with("refreshed subject id", Value::from(subject_of(&cred)))
    };
    match (why.is_empty(), bound) {
        (true, Some(how)) => {
            r.push(evidence(res(&checks::REFRESH, Verdict::Pass, format!(
                "refreshed once from {url}: same issuer, id and subject; it conforms and its proof verifies ({how}); the later steps judge the refreshed credential"
            ))));
            Some(Refreshed { cred, jwt })
        }
        _ => {
            r.push(evidence(res(&checks::REFRESH, Verdict::Fail, format!(
                "the credential from the refresh service {url} is not authentic: {}; the original credential is judged",
                why.join("; ")
            ))));
            None
        }
    }
}
