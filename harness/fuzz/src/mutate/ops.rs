//! Value operations: what one step of a plan does to the JSON of a credential.

use super::*;

/// Can the ops undo each other (two rotations of a two-element `@context`, two reversals of the
/// same members)? Then whether the document changed is found by comparing it.
pub(super) fn may_cancel(ops: &[ValueOp]) -> bool {
    ops.iter()
        .filter(|o| matches!(o, ValueOp::ContextReorder | ValueOp::ReorderMembers(_)))
        .count()
        >= 2
}

/// Applies each op's early (`late = false`) or late half, keeping the walk current.
pub(super) fn apply_pass(
    doc: &mut Value,
    ops: &[ValueOp],
    cx: &Ctx,
    late: bool,
    fx: &mut Effects,
    walk: &mut Walk,
) {
    for op in ops {
        let before = fx.steps.len();
        apply_value_op(doc, op, cx, late, fx, walk);
        if fx.steps.len() != before {
            walk.invalidate();
        }
    }
}

pub(super) fn parent_and_key(p: &str) -> (&str, String) {
    let (parent, last) = p.rsplit_once('/').unwrap_or(("", p));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

pub(super) fn remove_at(doc: &mut Value, p: &str) -> Option<Value> {
    let (parent, key) = parent_and_key(p);
    match doc.pointer_mut(parent)? {
        Value::Object(o) => o.shift_remove(&key),
        Value::Array(a) => {
            let i: usize = key.parse().ok()?;
            (i < a.len()).then(|| a.remove(i))
        }
        _ => None,
    }
}

pub(super) fn confuse(v: &Value, k: Kind) -> Value {
    // Each conversion changes the JSON-LD meaning (a one-element array would not: JSON-LD reads
    // `"x"` and `["x"]` alike, so arrays get a second, different element).
    match k {
        Kind::Null => Value::Null,
        Kind::Num => match v {
            Value::Number(_) => Value::from("0"),
            _ => Value::from(12345),
        },
        Kind::Str => match v {
            Value::String(s) => Value::from(format!("{s} ")),
            other => Value::from(other.to_string()),
        },
        Kind::Arr => Value::Array(vec![v.clone(), Value::from("wellspring-fuzz")]),
        Kind::Obj => match v {
            Value::Object(_) => Value::Object(Map::new()),
            other => serde_json::json!({ "id": "urn:wellspring-fuzz:confused", "value": other }),
        },
    }
}

/// Where the credential sits in the document being mutated (a JWT payload may wrap it in `vc`).
pub(super) fn cred_root(inner_doc: &Value, jws: bool) -> &'static str {
    if jws && inner_doc.get("vc").is_some_and(Value::is_object) {
        "/vc"
    } else {
        ""
    }
}

pub(super) fn apply_value_op(
    doc: &mut Value,
    op: &ValueOp,
    cx: &Ctx,
    late: bool,
    fx: &mut Effects,
    walk: &mut Walk,
) {
    let is_late = matches!(op, ValueOp::DuplicateKey(_))
        || matches!(op, ValueOp::Unicode(_, u) if UNICODE[u.index(UNICODE.len())] == LONE);
    if is_late != late {
        return;
    }
    let root = cred_root(doc, cx.jws);
    let all = walk.get(doc);
    if all.is_empty() {
        return;
    }
    let changed_signed = |fx: &mut Effects, late: bool| {
        if cx.signed {
            // A JWS is re-signed after its late ops; Data Integrity documents before them.
            if late && !cx.jws {
                fx.tampered = true;
            } else {
                fx.changed = true;
            }
        } else {
            fx.unknown = true;
        }
    };
    match op {
        ValueOp::DropRequired(i) => {
            let ts = doc
                .pointer(&format!("{root}/type"))
                .map(Value::to_string)
                .unwrap_or_default();
            if !ts.contains("\"VerifiableCredential\"") {
                return;
            }
            let clr = ts.contains("\"ClrCredential\"");
            let present: Vec<String> = REQUIRED
                .iter()
                .filter(|p| !(clr && p.starts_with("/credentialSubject/achievement")))
                .map(|p| format!("{root}{p}"))
                .filter(|p| doc.pointer(p).is_some())
                .collect();
            if present.is_empty() {
                return;
            }
            let p = &present[i.index(present.len())];
            remove_at(doc, p);
            changed_signed(fx, late);
            fx.schema = true;
            fx.steps.push(format!("drop-required {p}"));
        }
        ValueOp::DuplicateKey(i) => {
            let members: Vec<&Node> = all.iter().filter(|n| n.in_object).collect();
            if members.is_empty() {
                return;
            }
            let p = members[i.index(members.len())].ptr.clone();
            let (parent, key) = parent_and_key(&p);
            let old = doc.pointer(&p).cloned().unwrap_or(Value::Null);
            let new = confuse(&old, Kind::Str);
            if let Some(Value::Object(o)) = doc.pointer_mut(parent) {
                o.insert(format!("{DUP}{key}"), new);
            }
            changed_signed(fx, late);
            fx.steps.push(format!("duplicate-key {p}"));
        }
        ValueOp::TypeConfusion(i, k) => {
            let p = &all[i.index(all.len())].ptr;
            let old = doc.pointer(p).cloned().unwrap_or(Value::Null);
            let new = confuse(&old, *k);
            if new == old {
                return;
            }
            *doc.pointer_mut(p).expect("pointer exists") = new;
            changed_signed(fx, late);
            fx.steps.push(format!("type-confusion {p} -> {k:?}"));
        }
        ValueOp::Date(i, d) => {
            let dates: Vec<&Node> = all
                .iter()
                .filter(|n| n.in_object && DATE_KEYS.contains(&n.key()))
                .collect();
            if dates.is_empty() {
                return;
            }
            let p = dates[i.index(dates.len())].ptr.clone();
            let (text, malformed) = DATES[d.index(DATES.len())];
            let slot = doc.pointer_mut(&p).expect("pointer exists");
            if slot.as_str() == Some(text) {
                return;
            }
            *slot = Value::from(text);
            changed_signed(fx, late);
            // The official schemas type these as `date-time`.
            let typed = matches!(
                parent_and_key(&p).1.as_str(),
                "validFrom" | "validUntil" | "awardedDate"
            );
            if malformed && typed {
                fx.bad_dates.insert(p.clone());
            } else {
                fx.bad_dates.remove(&p);
                fx.unknown = true;
            }
            fx.steps.push(format!("date {p} = {text:?}"));
        }
        ValueOp::HugeString(i, n) => {
            let p = &all[i.index(all.len())].ptr;
            *doc.pointer_mut(p).expect("pointer exists") = Value::from("A".repeat(*n));
            changed_signed(fx, late);
            fx.steps.push(format!("huge-string {p} ({n} bytes)"));
        }
        ValueOp::HugeArray(i, n) => {
            let p = &all[i.index(all.len())].ptr;
            let a: Vec<Value> = (0..*n)
                .map(|k| Value::from(format!("wellspring-fuzz-{k}")))
                .collect();
            *doc.pointer_mut(p).expect("pointer exists") = Value::Array(a);
            changed_signed(fx, late);
            fx.steps.push(format!("huge-array {p} ({n} elements)"));
        }
        ValueOp::DeepNesting(i, n) => {
            let p = &all[i.index(all.len())].ptr;
            let mut v = doc.pointer(p).cloned().unwrap_or(Value::Null);
            for k in 0..*n {
                v = if k % 2 == 0 {
                    Value::Array(vec![v])
                } else {
                    // Moved in, never copied (`json!` would serialize `v` again at every level).
                    let mut o = Map::new();
                    o.insert("nested".into(), v);
                    Value::Object(o)
                };
            }
            *doc.pointer_mut(p).expect("pointer exists") = v;
            // JSON-LD flattens nested arrays: the signed meaning may or may not change.
            if cx.jws {
                changed_signed(fx, late);
            } else {
                fx.unknown = true;
            }
            fx.steps.push(format!("deep-nesting {p} ({n} levels)"));
        }
        ValueOp::Unicode(i, u) => {
            let names: Vec<&Node> = all
                .iter()
                .filter(|n| {
                    n.in_object
                        && n.shape == Shape::String
                        && matches!(n.key(), "name" | "id" | "description" | "narrative")
                })
                .collect();
            if names.is_empty() {
                return;
            }
            let p = names[i.index(names.len())].ptr.clone();
            let add = UNICODE[u.index(UNICODE.len())];
            let slot = doc.pointer_mut(&p).expect("pointer exists");
            let old = slot.as_str().unwrap_or_default().to_owned();
            *slot = Value::from(format!("{old}{add}"));
            changed_signed(fx, late);
            fx.steps.push(format!("unicode {p} += {add:?}"));
        }
        ValueOp::ExtraTerm(i) => {
            let objects: Vec<&str> = std::iter::once("")
                .chain(
                    all.iter()
                        .filter(|n| n.shape == Shape::Object)
                        .map(|n| n.ptr.as_str()),
                )
                .collect();
            let p = objects[i.index(objects.len())];
            if let Some(Value::Object(o)) = doc.pointer_mut(p) {
                o.insert("wellspringFuzzUndefined".into(), Value::from("extra"));
            }
            // JSON-LD drops an undefined term: the signed RDF is the same (a JWT's bytes are not).
            if cx.jws {
                changed_signed(fx, late);
            } else {
                fx.unknown = true;
            }
            fx.steps
                .push(format!("extra-term {p}/wellspringFuzzUndefined"));
        }
        ValueOp::ContextReorder => {
            let p = format!("{root}/@context");
            let Some(Value::Array(a)) = doc.pointer_mut(&p) else {
                return;
            };
            if a.len() < 2 {
                return;
            }
            a.rotate_left(1);
            if cx.jws {
                changed_signed(fx, late); // the signed bytes changed
            }
            // Data Integrity signs the RDF, which the order of contexts may leave as it was:
            // whether the base context still comes first is judged on the finished document
            // (`build_json`), as several rotations may bring it back.
            fx.steps.push(format!("context-reorder {p}"));
        }
        ValueOp::RemoteContext(i) => {
            let p = format!("{root}/@context");
            let url = REMOTE_CONTEXTS[i.index(REMOTE_CONTEXTS.len())];
            match doc.pointer_mut(&p) {
                Some(Value::Array(a)) => a.push(Value::from(url)),
                Some(other) => *other = Value::Array(vec![other.clone(), Value::from(url)]),
                None => return,
            }
            changed_signed(fx, late);
            fx.steps.push(format!("remote-context {url}"));
        }
        ValueOp::IdCollision(a, b) => {
            let ids: Vec<&String> = all
                .iter()
                .filter(|n| n.in_object && n.shape == Shape::String && n.key() == "id")
                .map(|n| &n.ptr)
                .collect();
            if ids.len() < 2 {
                return;
            }
            let (pa, pb) = (
                ids[a.index(ids.len())].clone(),
                ids[b.index(ids.len())].clone(),
            );
            let va = doc.pointer(&pa).cloned().unwrap_or(Value::Null);
            let slot = doc.pointer_mut(&pb).expect("pointer exists");
            if *slot == va {
                return;
            }
            *slot = va;
            changed_signed(fx, late);
            // a blank node of a poison clique given a real id: the clique is smaller, and whether
            // what is left still exceeds the work budget is not known here
            let knows = format!("/{}/", hostile::KNOWS.replace('~', "~0").replace('/', "~1"));
            if fx.hostile && pb.contains(&knows) {
                fx.hostile = false;
                fx.unknown = true;
            }
            fx.steps.push(format!("id-collision {pb} = {pa}"));
        }
        ValueOp::ReorderMembers(i) => {
            let objects: Vec<&str> = std::iter::once("")
                .chain(
                    all.iter()
                        .filter(|n| n.shape == Shape::Object)
                        .map(|n| n.ptr.as_str()),
                )
                .collect();
            let p = objects[i.index(objects.len())];
            let Some(Value::Object(o)) = doc.pointer_mut(p) else {
                return;
            };
            if o.len() < 2 {
                return;
            }
            let mut entries: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
            entries.reverse();
            o.extend(entries);
            if cx.jws {
                changed_signed(fx, late);
            }
            fx.steps.push(format!(
                "reorder-members {}",
                if p.is_empty() { "/" } else { p }
            ));
        }
        ValueOp::NestedTamper(i) => {
            let nested: Vec<String> = all
                .iter()
                .map(|n| &n.ptr)
                .filter(|p| {
                    let (parent, _) = parent_and_key(p);
                    parent.ends_with("/verifiableCredential")
                        || p.ends_with("/verifiableCredential")
                })
                .filter(|p| match doc.pointer(p) {
                    Some(Value::Object(o)) => o.contains_key("proof"),
                    Some(Value::String(s)) => jwt::looks_like_jws(s),
                    _ => false,
                })
                .cloned()
                .collect();
            if nested.is_empty() {
                return;
            }
            let p = &nested[i.index(nested.len())];
            let slot = doc.pointer_mut(p).expect("pointer exists");
            match slot {
                Value::Object(o) => {
                    let name = o
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("credential");
                    o.insert("name".into(), Value::from(format!("{name} (tampered)")));
                }
                Value::String(s) => {
                    // Change the payload: flip one character of its middle part.
                    let parts: Vec<&str> = s.split('.').collect();
                    let mut payload = parts[1].as_bytes().to_vec();
                    let at = payload.len() / 2;
                    payload[at] = if payload[at] == b'A' { b'B' } else { b'A' };
                    *s = format!(
                        "{}.{}.{}",
                        parts[0],
                        String::from_utf8_lossy(&payload),
                        parts[2]
                    );
                }
                _ => return,
            }
            fx.tampered = true;
            fx.changed = cx.signed;
            fx.steps.push(format!("nested-tamper {p}"));
        }
        ValueOp::AssociationCycle => {
            let p = format!("{root}/credentialSubject/association");
            let Some(Value::Array(a)) = doc.pointer_mut(&p) else {
                return;
            };
            let mut extra = Vec::new();
            for assoc in a.iter() {
                if let (Some(s), Some(t)) = (assoc.get("sourceId"), assoc.get("targetId")) {
                    let mut back = assoc.clone();
                    back["sourceId"] = t.clone();
                    back["targetId"] = s.clone();
                    extra.push(back);
                    let mut self_loop = assoc.clone();
                    self_loop["targetId"] = s.clone();
                    extra.push(self_loop);
                }
            }
            if extra.is_empty() {
                return;
            }
            a.extend(extra);
            changed_signed(fx, late);
            fx.unknown = true;
            fx.steps.push(format!("association-cycle {p}"));
        }
        ValueOp::BadIri(i, how) => {
            if hostile::bad_iri(doc, all, i, how, fx) {
                changed_signed(fx, late);
            }
        }
        ValueOp::BlankClique(i, k) => {
            if let Some(di_signed) = hostile::blank_clique(doc, all, i, *k, fx) {
                changed_signed(fx, late);
                // Verifying its proof canonicalizes the poisoned graph: it must be refused
                // (a JWS signs bytes, and only its broken signature decides).
                fx.hostile |= di_signed;
            }
        }
    }
}
