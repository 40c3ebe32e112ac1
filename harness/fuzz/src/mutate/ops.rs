//! Value operations: what one step of a plan does to the JSON of a credential.

use super::*;

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

/// What one value op works with besides the document: the walk's nodes, where the credential sits
/// (`root`), and the pass it runs in.
struct OpCx<'a> {
    all: &'a [Node],
    root: &'static str,
    cx: &'a Ctx<'a>,
    late: bool,
}

impl OpCx<'_> {
    /// Records that the signed content changed. A JWS is re-signed after its late ops; Data
    /// Integrity documents before them.
    fn changed_signed(&self, fx: &mut Effects) {
        if self.cx.signed {
            if self.late && !self.cx.jws {
                fx.tampered = true;
            } else {
                fx.changed = true;
            }
        } else {
            fx.unknown = true;
        }
    }

    /// A change JSON-LD may or may not see (the signed RDF can stay the same): counted as a
    /// change of the signed content only for a JWS, which signs bytes.
    fn changed_if_jws(&self, fx: &mut Effects) {
        if self.cx.jws {
            self.changed_signed(fx);
        } else {
            fx.unknown = true;
        }
    }

    /// The root and every object of the document, by pointer.
    fn objects(&self) -> Vec<&str> {
        std::iter::once("")
            .chain(
                self.all
                    .iter()
                    .filter(|n| n.shape == Shape::Object)
                    .map(|n| n.ptr.as_str()),
            )
            .collect()
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
    let ox = OpCx {
        all,
        root,
        cx,
        late,
    };
    match op {
        ValueOp::DropRequired(i) => drop_required(doc, &ox, i, fx),
        ValueOp::DuplicateKey(i) => duplicate_key(doc, &ox, i, fx),
        ValueOp::TypeConfusion(i, k) => type_confusion(doc, &ox, i, *k, fx),
        ValueOp::Date(i, d) => date(doc, &ox, i, d, fx),
        ValueOp::HugeString(i, n) => huge_string(doc, &ox, i, *n, fx),
        ValueOp::HugeArray(i, n) => huge_array(doc, &ox, i, *n, fx),
        ValueOp::DeepNesting(i, n) => deep_nesting(doc, &ox, i, *n, fx),
        ValueOp::Unicode(i, u) => unicode(doc, &ox, i, u, fx),
        ValueOp::ExtraTerm(i) => extra_term(doc, &ox, i, fx),
        ValueOp::ContextReorder => context_reorder(doc, &ox, fx),
        ValueOp::RemoteContext(i) => remote_context(doc, &ox, i, fx),
        ValueOp::IdCollision(a, b) => id_collision(doc, &ox, a, b, fx),
        ValueOp::ReorderMembers(i) => reorder_members(doc, &ox, i, fx),
        ValueOp::NestedTamper(i) => nested_tamper(doc, &ox, i, fx),
        ValueOp::AssociationCycle => association_cycle(doc, &ox, fx),
        ValueOp::BadIri(i, how) => {
            if hostile::bad_iri(doc, all, i, how, fx) {
                ox.changed_signed(fx);
            }
        }
        ValueOp::BlankClique(i, k) => {
            // Verifying its proof canonicalizes the poisoned graph: it must be refused (a JWS
            // signs bytes, and only its broken signature decides); `judge_cliques` decides once
            // every step is done.
            if hostile::blank_clique(doc, all, i, *k, fx).is_some() {
                ox.changed_signed(fx);
            }
        }
    }
}

/// Removes a property the official schema requires (of a credential; a CLR's subject has no
/// `achievement`).
fn drop_required(doc: &mut Value, ox: &OpCx, i: &Index, fx: &mut Effects) {
    let root = ox.root;
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
    ox.changed_signed(fx);
    fx.missing.insert(p.clone());
    fx.steps.push(format!("drop-required {p}"));
}

/// Adds a marked twin of a member, which rendering turns into a repeated key.
fn duplicate_key(doc: &mut Value, ox: &OpCx, i: &Index, fx: &mut Effects) {
    let members: Vec<&Node> = ox.all.iter().filter(|n| n.in_object).collect();
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
    ox.changed_signed(fx);
    fx.steps.push(format!("duplicate-key {p}"));
}

fn type_confusion(doc: &mut Value, ox: &OpCx, i: &Index, k: Kind, fx: &mut Effects) {
    let p = &ox.all[i.index(ox.all.len())].ptr;
    let old = doc.pointer(p).cloned().unwrap_or(Value::Null);
    let new = confuse(&old, k);
    if new == old {
        return;
    }
    *doc.pointer_mut(p).expect("pointer exists") = new;
    ox.changed_signed(fx);
    fx.steps.push(format!("type-confusion {p} -> {k:?}"));
}

/// Writes a boundary or malformed date into a date property.
fn date(doc: &mut Value, ox: &OpCx, i: &Index, d: &Index, fx: &mut Effects) {
    let dates: Vec<&Node> = ox
        .all
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
    ox.changed_signed(fx);
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

fn huge_string(doc: &mut Value, ox: &OpCx, i: &Index, n: usize, fx: &mut Effects) {
    let p = &ox.all[i.index(ox.all.len())].ptr;
    *doc.pointer_mut(p).expect("pointer exists") = Value::from("A".repeat(n));
    ox.changed_signed(fx);
    fx.steps.push(format!("huge-string {p} ({n} bytes)"));
}

fn huge_array(doc: &mut Value, ox: &OpCx, i: &Index, n: usize, fx: &mut Effects) {
    let p = &ox.all[i.index(ox.all.len())].ptr;
    let a: Vec<Value> = (0..n)
        .map(|k| Value::from(format!("wellspring-fuzz-{k}")))
        .collect();
    *doc.pointer_mut(p).expect("pointer exists") = Value::Array(a);
    ox.changed_signed(fx);
    fx.steps.push(format!("huge-array {p} ({n} elements)"));
}

/// Wraps a value `n` levels deep, in arrays and objects by turns.
fn deep_nesting(doc: &mut Value, ox: &OpCx, i: &Index, n: usize, fx: &mut Effects) {
    let p = &ox.all[i.index(ox.all.len())].ptr;
    let mut v = doc.pointer(p).cloned().unwrap_or(Value::Null);
    for k in 0..n {
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
    ox.changed_if_jws(fx);
    fx.steps.push(format!("deep-nesting {p} ({n} levels)"));
}

/// Appends a tricky code point to a name, id, description or narrative.
fn unicode(doc: &mut Value, ox: &OpCx, i: &Index, u: &Index, fx: &mut Effects) {
    let names: Vec<&Node> = ox
        .all
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
    ox.changed_signed(fx);
    fx.steps.push(format!("unicode {p} += {add:?}"));
}

fn extra_term(doc: &mut Value, ox: &OpCx, i: &Index, fx: &mut Effects) {
    let objects = ox.objects();
    let p = objects[i.index(objects.len())];
    if let Some(Value::Object(o)) = doc.pointer_mut(p) {
        o.insert("wellspringFuzzUndefined".into(), Value::from("extra"));
    }
    // JSON-LD drops an undefined term: the signed RDF is the same (a JWT's bytes are not).
    ox.changed_if_jws(fx);
    fx.steps
        .push(format!("extra-term {p}/wellspringFuzzUndefined"));
}

fn context_reorder(doc: &mut Value, ox: &OpCx, fx: &mut Effects) {
    let p = format!("{}/@context", ox.root);
    let Some(Value::Array(a)) = doc.pointer_mut(&p) else {
        return;
    };
    if a.len() < 2 {
        return;
    }
    a.rotate_left(1);
    if ox.cx.jws {
        ox.changed_signed(fx); // the signed bytes changed
    }
    // Data Integrity signs the RDF, which the order of contexts may leave as it was:
    // whether the base context still comes first is judged on the finished document
    // (`build_json`), as several rotations may bring it back.
    fx.steps.push(format!("context-reorder {p}"));
}

fn remote_context(doc: &mut Value, ox: &OpCx, i: &Index, fx: &mut Effects) {
    let p = format!("{}/@context", ox.root);
    let url = REMOTE_CONTEXTS[i.index(REMOTE_CONTEXTS.len())];
    match doc.pointer_mut(&p) {
        Some(Value::Array(a)) => a.push(Value::from(url)),
        Some(other) => *other = Value::Array(vec![other.clone(), Value::from(url)]),
        None => return,
    }
    ox.changed_signed(fx);
    fx.steps.push(format!("remote-context {url}"));
}

/// Gives one `id` the value of another.
fn id_collision(doc: &mut Value, ox: &OpCx, a: &Index, b: &Index, fx: &mut Effects) {
    let ids: Vec<&String> = ox
        .all
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
    ox.changed_signed(fx);
    // a blank node of a poison clique given a real id: the clique is smaller, and whether
    // what is left still exceeds the work budget is not known here
    let knows = format!("/{}/", hostile::KNOWS.replace('~', "~0").replace('/', "~1"));
    if fx.hostile && pb.contains(&knows) {
        fx.hostile = false;
        fx.unknown = true;
    }
    fx.steps.push(format!("id-collision {pb} = {pa}"));
}

/// Reverses the members of an object.
fn reorder_members(doc: &mut Value, ox: &OpCx, i: &Index, fx: &mut Effects) {
    let objects = ox.objects();
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
    if ox.cx.jws {
        ox.changed_signed(fx);
    }
    fx.steps.push(format!(
        "reorder-members {}",
        if p.is_empty() { "/" } else { p }
    ));
}

/// Alters a signed credential bundled in this one (a CLR's or a presentation's).
fn nested_tamper(doc: &mut Value, ox: &OpCx, i: &Index, fx: &mut Effects) {
    let nested: Vec<String> = ox
        .all
        .iter()
        .map(|n| &n.ptr)
        .filter(|p| {
            let (parent, _) = parent_and_key(p);
            parent.ends_with("/verifiableCredential") || p.ends_with("/verifiableCredential")
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
        Value::String(s) => flip_jws_payload(s),
        _ => return,
    }
    fx.tampered = true;
    fx.changed = ox.cx.signed;
    fx.steps.push(format!("nested-tamper {p}"));
}

/// Changes the payload of a compact JWS: flips one character of its middle part.
fn flip_jws_payload(s: &mut String) {
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

/// CLR: adds to each association its reverse and a self-loop.
fn association_cycle(doc: &mut Value, ox: &OpCx, fx: &mut Effects) {
    let p = format!("{}/credentialSubject/association", ox.root);
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
    ox.changed_signed(fx);
    fx.unknown = true;
    fx.steps.push(format!("association-cycle {p}"));
}
