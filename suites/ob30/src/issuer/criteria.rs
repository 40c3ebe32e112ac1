//! `criteria`: every Achievement the submitted credential carries has criteria, and the
//! criteria say something (OB 3.0 / CLR 2.0 data model, Criteria: `id` and `narrative` are each
//! optional, but implementations SHOULD give at least one of them; an Achievement's `criteria`
//! is required).

use serde_json::{json, Value};
use wellspring_report::{CheckDef, CheckResult, Verdict};
use wellspring_verify::{baked, jwt};

/// Most nodes walked looking for achievements (a work budget on hostile input).
const MAX_NODES: usize = 100_000;

/// The submitted credential as JSON: a JSON document, a VC-JWT's credential, or what a baked PNG
/// or SVG carries.
fn credential_json(bytes: &[u8]) -> Option<Value> {
    let text = if baked::is_png(bytes) {
        baked::extract_png(bytes).ok()?
    } else if baked::is_svg(bytes) {
        baked::extract_svg(bytes).ok()?
    } else {
        String::from_utf8(bytes.to_vec()).ok()?
    };
    let text = text.trim();
    if jwt::looks_like_jws(text) {
        return jwt::decode(text).ok().map(|j| j.credential);
    }
    serde_json::from_str(text).ok()
}

fn is_achievement(v: &Value) -> bool {
    match &v["type"] {
        Value::String(t) => t == "Achievement",
        Value::Array(ts) => ts.iter().any(|t| t == "Achievement"),
        _ => false,
    }
}

/// Every Achievement object in `root`, with its JSON pointer (nested credentials included).
fn achievements(root: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), root)];
    let mut seen = 0;
    while let Some((at, v)) = stack.pop() {
        seen += 1;
        if seen > MAX_NODES {
            break;
        }
        match v {
            Value::Object(m) => {
                if is_achievement(v) {
                    out.push((at.clone(), v));
                }
                for (k, x) in m {
                    stack.push((
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        x,
                    ));
                }
            }
            Value::Array(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    stack.push((format!("{at}/{i}"), x));
                }
            }
            _ => {}
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn says_something(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Object(m)) => m.values().any(|x| says_something(Some(x))),
        _ => false,
    }
}

/// The `criteria` verdict on the submitted bytes.
pub(super) fn check(def: &CheckDef, bytes: &[u8]) -> CheckResult {
    let Some(cred) = credential_json(bytes) else {
        return CheckResult::new(
            def,
            Verdict::Fail,
            "the submitted file could not be read as a credential",
        );
    };
    let found = achievements(&cred);
    if found.is_empty() {
        return CheckResult::new(def, Verdict::Skip, "no Achievement in the credential");
    }
    let mut missing = Vec::new();
    let mut silent = Vec::new();
    for (at, a) in &found {
        match a.get("criteria") {
            Some(c @ Value::Object(_)) => {
                if !says_something(c.get("id")) && !says_something(c.get("narrative")) {
                    silent.push(json!(format!("{at}/criteria")));
                }
            }
            _ => missing.push(json!(at)),
        }
    }
    if !missing.is_empty() {
        return CheckResult::new(
            def,
            Verdict::Fail,
            format!(
                "{} of {} Achievement(s) have no criteria object (criteria is required)",
                missing.len(),
                found.len()
            ),
        )
        .with("achievements", Value::Array(missing));
    }
    if !silent.is_empty() {
        return CheckResult::new(
            def,
            Verdict::Warn,
            format!(
                "{} of {} Achievement(s) have criteria with neither id nor narrative (at least one SHOULD be given)",
                silent.len(),
                found.len()
            ),
        )
        .with("criteria", Value::Array(silent));
    }
    CheckResult::new(
        def,
        Verdict::Pass,
        format!(
            "every Achievement ({}) has criteria with an id or a narrative",
            found.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wellspring_report::check;

    check!(DEF, "x.criteria", "https://example.org", "criteria");

    fn verdict(v: Value) -> Verdict {
        check(&DEF, v.to_string().as_bytes()).verdict
    }

    #[test]
    fn criteria_are_judged_on_every_achievement() {
        let a = |c: Value| json!({"type": ["Achievement"], "criteria": c});
        let cred = |achs: Vec<Value>| {
            json!({"credentialSubject": {"achievement": achs[0].clone(),
            "verifiableCredential": [{"credentialSubject": {"achievement": achs[1].clone()}}]}})
        };
        let ok = a(json!({"narrative": "do it"}));
        assert_eq!(
            verdict(cred(vec![ok.clone(), a(json!({"id": "https://c"}))])),
            Verdict::Pass
        );
        assert_eq!(verdict(cred(vec![ok.clone(), a(json!({}))])), Verdict::Warn);
        assert_eq!(
            verdict(cred(vec![ok.clone(), a(json!({"narrative": " "}))])),
            Verdict::Warn
        );
        assert_eq!(
            verdict(cred(vec![ok.clone(), json!({"type": "Achievement"})])),
            Verdict::Fail
        );
        assert_eq!(
            verdict(json!({"type": ["VerifiableCredential"]})),
            Verdict::Skip
        );
        assert_eq!(check(&DEF, b"\xff\xfe").verdict, Verdict::Fail);
    }
}
