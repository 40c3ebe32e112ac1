//! Large values made readable in reports: a check's message or evidence that quotes a value
//! from the input (a claim, a type, a schema error's instance) shows a preview of it when it is
//! large, and no message is longer than [`MESSAGE_MAX`] bytes. A hostile or fuzzed input with a
//! megabyte array must not make a megabyte report line, nor the time to write one.

use serde_json::Value;

/// Longest check message kept (cut on a character boundary, with a note of the full length).
pub const MESSAGE_MAX: usize = 2_000;

/// Evidence arrays and objects whose JSON is longer than this are shown by a [`preview`].
pub const EVIDENCE_MAX: usize = 64 * 1024;

/// Evidence strings are kept whole up to this many bytes: a canonical document (N-Quads) is the
/// evidence a failed signature most needs, and canonicalization bounds it (20,000 statements).
pub const EVIDENCE_STRING_MAX: usize = 8 * 1024 * 1024;

/// Whether `v` as JSON is longer than about `max` bytes (stops counting there).
pub fn size_over(v: &Value, max: usize) -> bool {
    fn walk(v: &Value, left: &mut isize) {
        if *left < 0 {
            return;
        }
        match v {
            Value::String(s) => *left -= s.len() as isize + 3,
            Value::Array(a) => {
                *left -= 2;
                for x in a {
                    walk(x, left);
                    if *left < 0 {
                        return;
                    }
                }
            }
            Value::Object(o) => {
                *left -= 2;
                for (k, x) in o {
                    *left -= k.len() as isize + 4;
                    walk(x, left);
                    if *left < 0 {
                        return;
                    }
                }
            }
            _ => *left -= 6,
        }
    }
    let mut left = max as isize;
    walk(v, &mut left);
    left < 0
}

/// A shortened copy of `v` if it is large (long strings cut, arrays and objects trimmed to their
/// first few members with a note of how many more), `None` if it is small enough to show.
pub fn preview(v: &Value, depth: usize) -> Option<Value> {
    const STRING: usize = 80;
    const MEMBERS: usize = 4;
    match v {
        Value::String(s) if s.len() > STRING => {
            let mut end = STRING;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            Some(Value::String(format!("{}… ({} bytes)", &s[..end], s.len())))
        }
        Value::Array(a) if depth == 0 && !a.is_empty() => {
            Some(Value::String(format!("[… {} items]", a.len())))
        }
        Value::Object(o) if depth == 0 && !o.is_empty() => {
            Some(Value::String(format!("{{… {} members}}", o.len())))
        }
        Value::Array(a) => {
            let mut items: Vec<Value> = Vec::new();
            let mut changed = a.len() > MEMBERS;
            for x in a.iter().take(MEMBERS) {
                let p = preview(x, depth - 1);
                changed |= p.is_some();
                items.push(p.unwrap_or_else(|| x.clone()));
            }
            if a.len() > MEMBERS {
                items.push(Value::String(format!("… {} more", a.len() - MEMBERS)));
            }
            changed.then_some(Value::Array(items))
        }
        Value::Object(o) => {
            let mut members = serde_json::Map::new();
            let mut changed = o.len() > MEMBERS;
            for (k, x) in o.iter().take(MEMBERS) {
                let p = preview(x, depth - 1);
                changed |= p.is_some();
                members.insert(k.clone(), p.unwrap_or_else(|| x.clone()));
            }
            if o.len() > MEMBERS {
                members.insert(
                    "…".into(),
                    Value::String(format!("{} more", o.len() - MEMBERS)),
                );
            }
            changed.then_some(Value::Object(members))
        }
        _ => None,
    }
}

/// `v` as JSON text for a message: whole if short (about 200 bytes), else its [`preview`].
pub fn brief(v: &Value) -> String {
    match size_over(v, 200).then(|| preview(v, 3)).flatten() {
        Some(p) => p.to_string(),
        None => v.to_string(),
    }
}

/// `m` cut to [`MESSAGE_MAX`] bytes (on a character boundary), noting its full length.
pub fn cap_message(mut m: String) -> String {
    if m.len() > MESSAGE_MAX {
        let mut end = MESSAGE_MAX;
        while !m.is_char_boundary(end) {
            end -= 1;
        }
        let full = m.len();
        m.truncate(end);
        m.push_str(&format!("… (message cut: {full} bytes)"));
    }
    m
}

/// An evidence value as reports keep it: whole unless its JSON exceeds [`EVIDENCE_MAX`] (a
/// string: [`EVIDENCE_STRING_MAX`]).
pub fn evidence_value(v: Value) -> Value {
    let max = match &v {
        Value::String(_) => EVIDENCE_STRING_MAX,
        _ => EVIDENCE_MAX,
    };
    if size_over(&v, max) {
        preview(&v, 3).unwrap_or(v)
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn large_values_are_previewed_and_small_ones_kept() {
        assert_eq!(brief(&json!(["a", 1, null])), r#"["a",1,null]"#);
        let big: Vec<String> = (0..50_000).map(|i| format!("v{i}")).collect();
        assert_eq!(
            brief(&json!(big)),
            r#"["v0","v1","v2","v3","… 49996 more"]"#
        );
        let long = "é".repeat(5_000);
        let m = cap_message(format!("claim x = {long}"));
        assert!(m.len() <= MESSAGE_MAX + 40, "{}", m.len());
        assert!(m.ends_with("… (message cut: 10010 bytes)"), "{m}");
        assert_eq!(cap_message("short".into()), "short");
        let e = evidence_value(json!({"items": big}));
        assert_eq!(
            e,
            json!({"items": ["v0", "v1", "v2", "v3", "… 49996 more"]})
        );
        assert_eq!(evidence_value(json!({"a": 1})), json!({"a": 1}));
        let nquads = "<https://example.org/x> <https://example.org/v#p> \"v\" .\n".repeat(10_000);
        assert_eq!(evidence_value(json!(nquads.clone())), json!(nquads));
    }
}
