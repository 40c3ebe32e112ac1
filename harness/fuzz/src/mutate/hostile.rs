//! The hostile-input family: inputs that once crashed, hung or fooled verifiers.
//!
//! - `bad-iri`: percent-encoded invalid UTF-8 (`%FF`, `%C3%28`, `%ED%A0%80`, a truncated
//!   `%E2%82`…) put into IRI-valued members (ids, issuer, type-like and `@id`-typed values) or the
//!   proof's `verificationMethod` / the JWS `kid`. A verifier must not crash on them.
//! - `blank-clique`: k (6–12) blank nodes that each link to all the others, added to a
//!   credential subject (a "poison graph" for RDFC-1.0). A verifier must refuse it, quickly.
//! - `svg-doctype`, `svg-entity`, `svg-entity-bomb`: a baked SVG with a DOCTYPE, with harmless
//!   internal entities (both still valid), or with nested entities that expand to gigabytes
//!   ("billion laughs": must be refused, quickly and without the memory).
//! - `inline-jwk-forgery`, `foreign-did-key-forgery`: a credential claiming a real-looking issuer,
//!   signed by a freshly made key that nothing binds to that issuer (carried in the JOSE `jwk`
//!   header, or a did:key). It may conform, but must never be reported issuer-authenticated.

use proptest::sample::Index;
use serde_json::{Map, Value};
use ssi_jwk::JWK;
use wellspring_verify::keys;

use super::{b64, di_resign, jws_sign, parent_and_key, render_json, Ctx, Effects, Layout, Node};
use super::{Shape, SvgTrick};

/// Percent-encoded byte sequences that are not UTF-8: a lone continuation byte, bytes never
/// used, a bad second byte, an encoded surrogate, a truncated sequence, an overlong `/`, a code
/// point past U+10FFFF.
pub const BAD_PERCENT: &[&str] = &[
    "%FF",
    "%C3%28",
    "%ED%A0%80",
    "%E2%82",
    "%80",
    "%C0%AF",
    "%F4%90%80%80",
];

/// Members whose values are IRIs (ids, `@id`-typed terms, `@vocab`-typed terms).
const IRI_KEYS: &[&str] = &[
    "id",
    "issuer",
    "type",
    "verificationMethod",
    "sourceId",
    "targetId",
    "image",
    "url",
    "achievementType",
    "resultType",
    "statusListCredential",
    "creator",
    "holder",
];

/// The member name an array element belongs to (`/a/type/1` -> `type`).
fn owner_key(n: &Node) -> String {
    if n.in_object {
        return n.key().to_owned();
    }
    let (parent, _) = parent_and_key(&n.ptr);
    parent_and_key(parent).1
}

/// Puts `pct` into `iri`: `at` 0 appends it, 1 puts it after the scheme, 2 before the last
/// character.
pub fn spoil(iri: &str, pct: &str, at: usize) -> String {
    match at {
        0 => format!("{iri}{pct}"),
        1 => match iri.find(':') {
            Some(i) => format!("{}{pct}{}", &iri[..=i], &iri[i + 1..]),
            None => format!("{pct}{iri}"),
        },
        _ => match iri.char_indices().last() {
            Some((i, _)) => format!("{}{pct}{}", &iri[..i], &iri[i..]),
            None => pct.to_owned(),
        },
    }
}

/// The `bad-iri` value op. True when it changed something.
pub(super) fn bad_iri(
    doc: &mut Value,
    all: &[Node],
    i: &Index,
    how: &Index,
    fx: &mut Effects,
) -> bool {
    let iris: Vec<&Node> = all
        .iter()
        .filter(|n| n.shape == Shape::String && IRI_KEYS.contains(&owner_key(n).as_str()))
        .collect();
    if iris.is_empty() {
        return false;
    }
    let p = iris[i.index(iris.len())].ptr.clone();
    let k = how.index(BAD_PERCENT.len() * 3);
    let (pct, at) = (BAD_PERCENT[k % BAD_PERCENT.len()], k / BAD_PERCENT.len());
    let Some(Value::String(s)) = doc.pointer_mut(&p) else {
        return false;
    };
    *s = spoil(s, pct, at);
    fx.steps.push(format!("bad-iri {p} = {s:?}"));
    true
}

/// The link between clique members: an absolute IRI, which every context lets through (a
/// verifier rightly refuses terms its contexts do not define).
pub const KNOWS: &str = "https://schema.org/knows";

/// The blank nodes of a clique of `k`: each `_:bN` links (`KNOWS`) to all the others.
pub fn clique(k: usize) -> Value {
    Value::Array(
        (0..k)
            .map(|a| {
                let others: Vec<Value> = (0..k)
                    .filter(|b| *b != a)
                    .map(|b| serde_json::json!({ "id": format!("_:b{b}") }))
                    .collect();
                let mut node = Map::new();
                node.insert("id".into(), Value::from(format!("_:b{a}")));
                node.insert(KNOWS.into(), Value::Array(others));
                Value::Object(node)
            })
            .collect(),
    )
}

/// The `blank-clique` value op: a clique of `k` added to a credential subject. Returns whether
/// the credential holding that subject carries a Data Integrity proof (whose canonicalization
/// the clique poisons), or None when there is no subject to add it to.
pub(super) fn blank_clique(
    doc: &mut Value,
    all: &[Node],
    i: &Index,
    k: usize,
    fx: &mut Effects,
) -> Option<bool> {
    let subjects: Vec<&str> = all
        .iter()
        .filter(|n| n.in_object && n.shape == Shape::Object && n.key() == "credentialSubject")
        .map(|n| n.ptr.as_str())
        .collect();
    if subjects.is_empty() {
        return None;
    }
    let p = subjects[i.index(subjects.len())].to_owned();
    let (holder, _) = parent_and_key(&p);
    let signed = doc
        .pointer(holder)
        .and_then(|h| h.get("proof"))
        .is_some_and(|pr| pr.is_object() || pr.is_array());
    let Some(Value::Object(o)) = doc.pointer_mut(&p) else {
        return None;
    };
    o.insert(KNOWS.into(), clique(k));
    fx.steps.push(format!("blank-clique {p} ({k} blank nodes)"));
    if signed {
        fx.cliques.insert(
            format!("{p}/{}", KNOWS.replace('~', "~0").replace('/', "~1")),
            k,
        );
    }
    Some(signed)
}

const DOCTYPES: &[&str] = &[
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">",
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.0//EN\" \"http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd\">",
    "<!DOCTYPE svg>",
    "<!DOCTYPE svg SYSTEM \"svg11.dtd\">",
];

/// Declarations an illustration tool writes, and a text that uses them.
const ENTITY_SETS: &[(&str, &str)] = &[
    (
        "<!ENTITY ns_extend \"http://ns.adobe.com/Extensibility/1.0/\">\n\t<!ENTITY ns_ai \"http://ns.adobe.com/AdobeIllustrator/10.0/\">",
        "badge",
    ),
    ("<!ENTITY org \"Wellspring\">", "&org; badge"),
    (
        "<!ENTITY org \"Wellspring\">\n\t<!ENTITY title \"&org; conformance badge\">",
        "&title; (&org;)",
    ),
];

/// Inserts `inner` just after the `<svg …>` start tag.
fn after_svg_tag(svg: &str, inner: &str) -> String {
    let at = svg
        .find("<svg")
        .and_then(|s| svg[s..].find('>').map(|e| s + e + 1))
        .unwrap_or(0);
    format!("{}\n{inner}{}", &svg[..at], &svg[at..])
}

/// Nested entities `lol0` … `lolN`, each ten references to the one before: 3·10^N bytes.
pub fn entity_bomb(levels: u8) -> String {
    let mut decls = String::from("<!ENTITY lol0 \"lol\">");
    for l in 1..=levels {
        let refs = format!("&lol{};", l - 1).repeat(10);
        decls.push_str(&format!("\n\t<!ENTITY lol{l} \"{refs}\">"));
    }
    decls
}

/// Applies an SVG trick to a baked SVG.
pub(super) fn svg_trick(svg: &str, t: &SvgTrick, fx: &mut Effects) -> String {
    match t {
        SvgTrick::Doctype(i) => {
            let d = DOCTYPES[i.index(DOCTYPES.len())];
            fx.steps.push(format!("svg-doctype {d:?}"));
            format!("{d}\n{svg}")
        }
        SvgTrick::Entity(i) => {
            let (decls, title) = ENTITY_SETS[i.index(ENTITY_SETS.len())];
            let d = format!("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [\n\t{decls}\n]>");
            fx.steps.push(format!(
                "svg-entity {decls:?} used in <title>{title}</title>"
            ));
            after_svg_tag(&format!("{d}\n{svg}"), &format!("<title>{title}</title>"))
        }
        SvgTrick::Bomb(levels) => {
            let d = format!("<!DOCTYPE svg [\n\t{}\n]>", entity_bomb(*levels));
            fx.hostile = true;
            fx.steps.push(format!(
                "svg-entity-bomb {levels} levels of 10 (3e{levels} bytes expanded)"
            ));
            after_svg_tag(
                &format!("{d}\n{svg}"),
                &format!("<desc>&lol{levels};</desc>"),
            )
        }
    }
}

/// Issuers a forger claims besides the seed's own (when that is an https URL or a did:web).
const CLAIMED: &[&str] = &[
    "https://registrar.university.example/issuers/1",
    "did:web:university.example",
];

fn real_looking(id: &str) -> bool {
    id.starts_with("https://") || id.starts_with("did:web:")
}

/// The issuer id of a credential object (`issuer` as a string or an object with an `id`).
fn issuer_id(cred: &Value) -> Option<&str> {
    match cred.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

/// Replaces the issuer id where the credential has one as a string (`issuer` itself, or its
/// `id`); an issuer id that an earlier step dropped or retyped stays as it is, so the schema
/// fault that step made is still there. Whether the id was replaced.
fn set_issuer(cred: &mut Value, to: &str) -> bool {
    let slot = match cred.get_mut("issuer") {
        Some(Value::Object(o)) => o.get_mut("id"),
        other => other,
    };
    match slot {
        Some(s @ Value::String(_)) => {
            *s = Value::from(to);
            true
        }
        _ => false,
    }
}

/// The issuer a forger claims: `keep` = the credential's own (whatever it is), else one of the
/// real-looking ones (the seed's own first, when it is real-looking).
fn claim(current: Option<&str>, pick: usize, keep: bool) -> Option<String> {
    let mut options: Vec<String> = Vec::new();
    if let Some(c) = current {
        if keep || real_looking(c) {
            options.push(c.to_owned());
        }
    }
    options.extend(CLAIMED.iter().map(|s| (*s).to_owned()));
    options.get(pick % options.len()).cloned()
}

/// A key made for one forgery (Ed25519 or P-256), from the case's choice.
fn fresh_key(i: &Index) -> (JWK, &'static str) {
    use sha2::Digest;
    let n = i.index(1 << 30) as u64;
    let seed: [u8; 32] = sha2::Sha256::digest(format!("wellspring-fuzz forger {n}")).into();
    if n % 2 == 1 {
        if let Ok(k) = keys::p256_from_seed(seed) {
            return (k, "ES256");
        }
    }
    (keys::ed25519_from_seed(seed), "EdDSA")
}

/// A VC-JWT payload re-issued by a forger: the issuer claims (`iss`, the credential's issuer)
/// set to a real-looking issuer, signed by a fresh key carried in the JOSE `jwk` header. The
/// header, payload and signature, and the step.
pub(super) fn forge_jws(payload: &Value, i: &Index) -> Option<([String; 3], String)> {
    let mut doc = payload.clone();
    let cred_at = if doc.get("vc").is_some_and(Value::is_object) {
        "/vc"
    } else {
        ""
    };
    let current = doc
        .pointer(cred_at)
        .and_then(issuer_id)
        .or_else(|| doc.get("iss").and_then(Value::as_str))
        .map(str::to_owned);
    let mut to = claim(current.as_deref(), i.index(7), false)?;
    let set = doc
        .pointer_mut(cred_at)
        .is_some_and(|cred| set_issuer(cred, &to));
    if !set {
        // the credential's issuer id was dropped or retyped: the forger keeps it that way
        // and claims the issuer in `iss` only
        to = current.clone().unwrap_or(to);
    }
    if doc.get("iss").is_some_and(Value::is_string) {
        doc["iss"] = Value::from(to.as_str());
    }
    let (key, alg) = fresh_key(i);
    let mut header = Map::new();
    header.insert("alg".into(), Value::from(alg));
    header.insert("typ".into(), Value::from("JWT"));
    header.insert("jwk".into(), serde_json::to_value(key.to_public()).ok()?);
    let header_b64 = b64(serde_json::to_string(&header).ok()?.as_bytes());
    let payload_b64 = b64(render_json(&doc, &Layout::Compact).as_bytes());
    let sig = jws_sign(alg, &format!("{header_b64}.{payload_b64}"), &key)?;
    let step =
        format!("inline-jwk-forgery issuer {to} signed {alg} by a fresh key in the jwk header");
    Some(([header_b64, payload_b64, sig], step))
}

/// A Data Integrity credential re-issued by a forger: its issuer kept or set to a real-looking
/// one, signed by a fresh did:key that is not the issuer id. The document and the step.
pub(super) fn forge_di(doc: &Value, cx: &Ctx, i: &Index) -> Option<(Value, String)> {
    let types = doc.get("type").map(Value::to_string).unwrap_or_default();
    if !types.contains("\"VerifiableCredential\"") {
        return None; // a presentation has a holder, not an issuer
    }
    let mut d = doc.clone();
    let mut to = claim(issuer_id(doc), i.index(7), true)?;
    if !set_issuer(&mut d, &to) {
        to = "(the credential's own, no string id)".into();
    }
    use sha2::Digest;
    let n = i.index(1 << 30);
    let seed: [u8; 32] = sha2::Sha256::digest(format!("wellspring-fuzz forger did:key {n}")).into();
    let key = keys::ed25519_from_seed(seed);
    let (_, vm) = keys::did_key_of(&key).ok()?;
    let signed = di_resign(&d, cx.set, Some(&key), Some(&vm))?;
    Some((
        signed,
        format!("foreign-did-key-forgery issuer {to} signed by {vm}"),
    ))
}
