//! `optional-fields`: an object fetched on its own (getCFDocument, getCFItem, getCFAssociation,
//! the definitions) carries every optional field its package gives it, with the same value.

use super::*;

/// The fields each class requires (the CASE information model, 1.0 and 1.1 alike); every other
/// field is optional. `CFPackageURI` and `CFDocumentURI` are required of standalone objects only.
const REQUIRED: &[(&str, &[&str])] = &[
    (
        "CFDocument",
        &[
            "identifier",
            "uri",
            "creator",
            "title",
            "lastChangeDateTime",
            "CFPackageURI",
        ],
    ),
    (
        "CFItem",
        &[
            "identifier",
            "fullStatement",
            "uri",
            "lastChangeDateTime",
            "CFDocumentURI",
        ],
    ),
    (
        "CFAssociation",
        &[
            "identifier",
            "associationType",
            "uri",
            "originNodeURI",
            "destinationNodeURI",
            "lastChangeDateTime",
        ],
    ),
    (
        "CFConcept",
        &[
            "identifier",
            "uri",
            "title",
            "hierarchyCode",
            "lastChangeDateTime",
        ],
    ),
    (
        "CFSubject",
        &[
            "identifier",
            "uri",
            "title",
            "hierarchyCode",
            "lastChangeDateTime",
        ],
    ),
    (
        "CFLicense",
        &[
            "identifier",
            "uri",
            "title",
            "licenseText",
            "lastChangeDateTime",
        ],
    ),
    (
        "CFItemType",
        &[
            "identifier",
            "uri",
            "title",
            "description",
            "hierarchyCode",
            "lastChangeDateTime",
        ],
    ),
    (
        "CFAssociationGrouping",
        &["identifier", "uri", "title", "lastChangeDateTime"],
    ),
];

/// Where a per-object endpoint's objects sit: (endpoint, class, the package's pointer to the
/// object or its array, the array the answer wraps the object in, if any).
const PLACES: &[(&str, &str, &str, Option<&str>)] = &[
    ("CFDocuments", "CFDocument", "/CFDocument", None),
    ("CFItems", "CFItem", "/CFItems", None),
    ("CFAssociations", "CFAssociation", "/CFAssociations", None),
    (
        "CFConcepts",
        "CFConcept",
        "/CFDefinitions/CFConcepts",
        Some("CFConcepts"),
    ),
    (
        "CFSubjects",
        "CFSubject",
        "/CFDefinitions/CFSubjects",
        Some("CFSubjects"),
    ),
    ("CFLicenses", "CFLicense", "/CFDefinitions/CFLicenses", None),
    (
        "CFItemTypes",
        "CFItemType",
        "/CFDefinitions/CFItemTypes",
        Some("CFItemTypes"),
    ),
    (
        "CFAssociationGroupings",
        "CFAssociationGrouping",
        "/CFDefinitions/CFAssociationGroupings",
        None,
    ),
];

/// The object with identifier `id` under `at` in `root` (the value itself when it is an object,
/// else an element of the array), with its JSON pointer.
fn find<'a>(root: &'a Value, at: &str, id: &str) -> Option<(String, &'a Value)> {
    let v = root.pointer(at)?;
    let has_id = |o: &Value| o.get("identifier").and_then(Value::as_str) == Some(id);
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find(|(_, o)| has_id(o))
            .map(|(i, o)| (format!("{at}/{i}"), o)),
        o if has_id(o) => Some((at.to_owned(), o)),
        _ => None,
    }
}

/// JSON equality where 1 and 1.0 are the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Compares the answer `body` of `GET {endpoint}/{id}` with the same object in the package
/// `pkg` (served at `pkg_url`): every optional field of the package's copy must be in the
/// answer with an equal value. Objects not in the package and endpoints that serve no single
/// object (CFItemAssociations) are not judged.
pub(super) fn judge(
    s: &mut Suite,
    pkg_url: &str,
    pkg: &Value,
    endpoint: &str,
    id: &str,
    body: &Value,
) {
    let Some(&(_, class, at, set)) = PLACES.iter().find(|p| p.0 == endpoint) else {
        return;
    };
    let Some((pkg_ptr, copy)) = find(pkg, at, id) else {
        return;
    };
    let Some(fields) = copy.as_object() else {
        return;
    };
    let required = REQUIRED
        .iter()
        .find(|(c, _)| *c == class)
        .map(|(_, r)| *r)
        .unwrap_or_default();
    let optional: Vec<(&String, &Value)> = fields
        .iter()
        .filter(|(k, _)| !required.contains(&k.as_str()))
        .collect();
    if optional.is_empty() {
        return;
    }
    let url = s.api(&format!("{endpoint}/{}", http::enc(id)));
    let served = match set {
        Some(set) => find(body, &format!("/{set}"), id),
        None => Some((String::new(), body)),
    };
    let Gaps {
        missing,
        different,
        pointers,
    } = gaps(&optional, &pkg_ptr, served.as_ref());
    if pointers.is_empty() {
        s.optional_fields.passes.push(url);
        return;
    }
    let mut what = Vec::new();
    if !missing.is_empty() {
        what.push(format!("missing {}", missing.join(", ")));
    }
    if !different.is_empty() {
        what.push(format!("different {}", different.join(", ")));
    }
    s.optional_fields.fails.push((
        format!("{class} {id} at {url}: {} (vs {pkg_url})", what.join("; ")),
        json!({
            "identifier": id,
            "class": class,
            "served at": url,
            "package": pkg_url,
            "missing": missing,
            "different": different,
            "pointers": pointers,
        }),
    ));
}

/// The optional fields an answer lacks or serves with another value.
struct Gaps<'a> {
    missing: Vec<&'a str>,
    different: Vec<&'a str>,
    /// Per field: its name, its JSON pointers in the package and in the answer (and both
    /// values when they differ).
    pointers: Vec<Value>,
}

/// Compares the package's `optional` fields (its copy at `pkg_ptr`) with the object `served`
/// (its pointer in the answer and the object; `None` when the answer does not hold it).
fn gaps<'a>(
    optional: &[(&'a String, &'a Value)],
    pkg_ptr: &str,
    served: Option<&(String, &Value)>,
) -> Gaps<'a> {
    let mut g = Gaps {
        missing: Vec::new(),
        different: Vec::new(),
        pointers: Vec::new(),
    };
    for &(k, v) in optional {
        let got = served.and_then(|(_, o)| o.get(k.as_str()));
        if got.is_some_and(|got| same(v, got)) {
            continue;
        }
        let key = k.replace('~', "~0").replace('/', "~1");
        let served_ptr = served
            .map(|(p, _)| format!("{p}/{key}"))
            .unwrap_or_default();
        let mut at =
            json!({"field": k, "package": format!("{pkg_ptr}/{key}"), "served": served_ptr});
        match got {
            None => g.missing.push(k.as_str()),
            Some(got) => {
                g.different.push(k.as_str());
                at["package value"] = v.clone();
                at["served value"] = got.clone();
            }
        }
        g.pointers.push(at);
    }
    g
}
