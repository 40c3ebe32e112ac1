//! Building a mutant from a plan: JSON credentials (Data Integrity, re-signed or not) and
//! compact JWS, with the expectation each mutant carries.

use super::*;

pub(super) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Deepest nesting the pretty layout indents. Indentation grows with the square of the depth
/// (a 10,000-deep mutant would print as ~100 MB of spaces), so a deeper value is written compact:
/// the layout varies whitespace, the depth itself is the other mutation's job.
const PRETTY_MAX_DEPTH: usize = 64;

/// Whether `v` nests deeper than `limit` (iterative: the mutants may be 10,000 deep).
fn deeper_than(v: &Value, limit: usize) -> bool {
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(o) => Box::new(o.values()),
            _ => continue,
        };
        if d >= limit {
            return true;
        }
        stack.extend(children.map(|c| (c, d + 1)));
    }
    false
}

pub(super) fn render_json(v: &Value, layout: &Layout) -> String {
    let text = match layout {
        Layout::Pretty if !deeper_than(v, PRETTY_MAX_DEPTH) => serde_json::to_string_pretty(v),
        _ => serde_json::to_string(v),
    }
    .expect("a JSON value serializes");
    // Most mutants hold no marker: no copy for them.
    let text = if text.contains(DUP) {
        text.replace(&format!("\"{DUP}"), "\"")
    } else {
        text
    };
    let text = if text.contains(LONE) {
        text.replace(LONE, "\\ud800")
    } else {
        text
    };
    match layout {
        Layout::Padded => format!("\n \t{text}\r\n"),
        _ => text,
    }
}

/// Signs a JWS signing input with `key` under `alg` (ssi-jws does the cryptography).
pub(super) fn jws_sign(alg: &str, input: &str, key: &JWK) -> Option<String> {
    let alg: Algorithm = serde_json::from_value(Value::from(alg)).ok()?;
    let sig = ssi_jws::sign_bytes(alg, input.as_bytes(), key).ok()?;
    Some(b64(&sig))
}

/// Re-signs a Data Integrity document with its proof's options and the key of its method.
pub(super) fn di_resign(
    doc: &Value,
    set: &SeedSet,
    key: Option<&JWK>,
    vm: Option<&str>,
) -> Option<Value> {
    let proof = doc.get("proof")?.as_object()?.clone();
    let vm = vm
        .map(str::to_owned)
        .or_else(|| proof.get("verificationMethod")?.as_str().map(str::to_owned))?;
    let key = key.or_else(|| set.signers.get(&vm))?;
    let mut options = proof;
    options.remove("proofValue");
    options.insert("verificationMethod".into(), Value::from(vm));
    let mut unsecured = doc.clone();
    unsecured.as_object_mut()?.remove("proof");
    di::sign_proof(&unsecured, key, options, &set.loader).ok()
}

pub(super) const SUITES: &[&str] = &[
    "eddsa-2022",
    "ecdsa-rdfc-2019",
    "eddsa-jcs-2022",
    "bbs-2023",
    "EDDSA-RDFC-2022",
    "",
];
pub(super) const ALGS: &[&str] = &[
    "RS256", "ES256", "EdDSA", "PS256", "ES256K", "HS256", "RS512",
];
pub(super) const NONE_ALGS: &[&str] = &["none", "None", "NONE", "nOnE"];

/// Applies `plan` to the seed set: the mutant.
pub fn build(set: &SeedSet, plan: &Plan) -> Mutant {
    let at = plan.seed.index(set.seeds.len());
    let seed = &set.seeds[at];
    let cx = Ctx {
        set,
        seed,
        jws: matches!(seed.inner, Inner::Jws { .. }),
        signed: seed.inner.is_signed(),
    };
    // The starting point: the seed, or one of its mutants re-signed by the issuer.
    let (inner, mut fx, pristine) = match plan.resign.and_then(|i| set.resigned.get(set, at, i)) {
        Some(v) => (
            &v.inner,
            v.effects.clone(),
            Some(v.walk.get_or_init(|| walk_of(&v.inner)).as_slice()),
        ),
        None => (&seed.inner, Effects::default(), Some(seed_walk(seed))),
    };
    let mut walk = Walk::new(pristine, cx.jws);
    let text = match inner {
        Inner::Json(v) => build_json(v, plan, &cx, &mut fx, &mut walk),
        Inner::Jws {
            header,
            payload,
            header_b64,
            payload_b64,
            signature_b64,
        } => build_jws(
            header,
            payload,
            [header_b64, payload_b64, signature_b64],
            plan,
            &cx,
            &mut fx,
            &mut walk,
        ),
    };
    let format = match plan.layout {
        Layout::Svg(_) => Format::Svg,
        _ => seed.format,
    };
    let mut bytes = carry(text, format, seed, &plan.layout, &mut fx);
    if let Layout::ByteFlip(i, x) = &plan.layout {
        byte_flip(&mut bytes, i, *x, inner, &mut fx);
    }
    Mutant {
        seed: seed.name.clone(),
        format,
        bytes,
        expect: expectation(&fx),
        steps: fx.steps,
    }
}

/// The bytes of a mutant's text in `format`: baked in a PNG or an SVG (with the layout's SVG
/// trick), or the text itself.
fn carry(text: String, format: Format, seed: &Seed, layout: &Layout, fx: &mut Effects) -> Vec<u8> {
    match format {
        Format::Png => baked::bake_png_as(&text, 8, [43, 108, 176], seed.baking())
            .unwrap_or_else(|_| seed.bytes.clone()),
        Format::Svg => {
            let svg = baked::bake_svg_as(&text, seed.baking());
            match layout {
                Layout::Svg(t) => {
                    let svg = hostile::svg_trick(&svg, t, fx);
                    if seed.format != Format::Svg {
                        if let Some(last) = fx.steps.last_mut() {
                            last.push_str(" (seed baked in an SVG)");
                        }
                    }
                    svg.into_bytes()
                }
                _ => svg.into_bytes(),
            }
        }
        _ => text.into_bytes(),
    }
}

/// Flips bits of one byte of the finished mutant.
fn byte_flip(bytes: &mut [u8], i: &Index, x: u8, inner: &Inner, fx: &mut Effects) {
    if bytes.is_empty() {
        return;
    }
    let at = i.index(bytes.len());
    bytes[at] ^= x;
    fx.unknown = true;
    fx.steps.push(format!("byte-flip @{at} ^ {x:#04x}"));
    // a flip that renames a presentation's own `proof` leaves an unsigned presentation:
    // as with strip-proof, what changed in it then breaks no signature (a tampered
    // nested credential still does)
    if let (Inner::Json(v), Ok(after)) = (inner, serde_json::from_slice::<Value>(bytes)) {
        if unsigned_presentation_now(v, &after) {
            fx.changed = false;
            if only_outer_signature_broken(v, &after, false) {
                fx.tampered = false;
            }
        }
    }
}

/// What a correct verifier must conclude from the effects of a mutant's steps.
fn expectation(fx: &Effects) -> Expect {
    if fx.hostile {
        Expect::RejectHostile
    } else if fx.tampered || fx.changed {
        Expect::RejectTampered
    } else if fx.schema || !fx.bad_dates.is_empty() || !fx.missing.is_empty() {
        Expect::RejectSchema
    } else if fx.unbound {
        Expect::Unauthenticated
    } else if fx.unknown {
        Expect::Any
    } else {
        Expect::Accept
    }
}

pub(super) fn build_json(
    v: &Value,
    plan: &Plan,
    cx: &Ctx,
    fx: &mut Effects,
    walk: &mut Walk,
) -> String {
    if plan.ops.is_empty() && matches!(plan.proof, ProofOp::None) {
        return render_json(v, &plan.layout); // nothing to change: no copy
    }
    let mut doc = v.clone();
    apply_pass(&mut doc, &plan.ops, cx, false, fx, walk);
    apply_pass(&mut doc, &plan.ops, cx, true, fx, walk);
    // Steps can undo each other (two rotations of a two-element `@context`; an id changed, then
    // another id copied over it): whether the signed content changed is found by comparing it.
    if fx.changed && doc == *v {
        fx.changed = false;
    }
    heal_missing(&doc, fx);
    judge_cliques(&doc, fx);
    check_base_context(&doc, cx, fx);
    let is_di = doc.get("proof").is_some_and(Value::is_object);
    if is_di {
        di_proof_op(&mut doc, v, &plan.proof, cx, fx);
    }
    di_hostile_proof_op(&mut doc, v, plan, cx, fx, is_di);
    render_json(&doc, &plan.layout)
}

/// Keeps the removed required members that the finished document still lacks: the member's
/// object is still there (an object) without it. A member put back, or an object replaced by a
/// value of another kind (an issuer object by its IRI, which the schema allows), no longer counts.
fn heal_missing(doc: &Value, fx: &mut Effects) {
    fx.missing.retain(|p| {
        let (parent, key) = parent_and_key(p);
        matches!(doc.pointer(parent), Some(Value::Object(o)) if !o.contains_key(&key))
    });
}

/// A poison clique still whole in the finished document must be refused; one a later step
/// changed is no longer certain to exceed the canonicalization budget (a renamed node breaks
/// its symmetry: the rest may be a clique small enough to canonicalize).
fn judge_cliques(doc: &Value, fx: &mut Effects) {
    for (p, k) in std::mem::take(&mut fx.cliques) {
        if doc.pointer(&p) == Some(&hostile::clique(k)) {
            fx.hostile = true;
        } else {
            fx.unknown = true;
        }
    }
}

/// The VC data model requires its base context first: moved away, the document must be
/// refused whatever its signature says.
fn check_base_context(doc: &Value, cx: &Ctx, fx: &mut Effects) {
    if let Inner::Json(seed_doc) = &cx.seed.inner {
        let first = |d: &Value| match d.get("@context") {
            Some(Value::Array(a)) => a.first().cloned(),
            Some(other) => Some(other.clone()),
            None => None,
        };
        let before = first(seed_doc);
        if before.is_some() && first(doc) != before {
            fx.schema = true;
        }
    }
}

/// Applies a proof trick to a Data Integrity document (`v` is the document before its ops).
fn di_proof_op(doc: &mut Value, v: &Value, proof: &ProofOp, cx: &Ctx, fx: &mut Effects) {
    match proof {
        ProofOp::None => {}
        ProofOp::BitFlip(i) => {
            let pv = doc
                .pointer("/proof/proofValue")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Ok((base, mut raw)) = multibase::decode(pv) {
                if !raw.is_empty() {
                    let bit = i.index(raw.len() * 8);
                    raw[bit / 8] ^= 1 << (bit % 8);
                    doc["proof"]["proofValue"] = Value::from(multibase::encode(base, raw));
                    fx.tampered = true;
                    fx.steps.push(format!("proof-bit-flip bit {bit}"));
                }
            }
        }
        ProofOp::SuiteSwap(i) => {
            let to = SUITES[i.index(SUITES.len())];
            if doc["proof"].get("cryptosuite").and_then(Value::as_str) != Some(to) {
                doc["proof"]["cryptosuite"] = Value::from(to);
                fx.tampered = true;
                fx.steps.push(format!("cryptosuite-swap {to:?}"));
            }
        }
        ProofOp::KeyElsewhere(i) => key_elsewhere(doc, i, cx, fx),
        ProofOp::ForeignProof(i) => foreign_proof(doc, i, cx, fx),
        ProofOp::Strip => strip_proof(doc, v, fx),
        ProofOp::Unsigned(_) => {
            doc["proof"]
                .as_object_mut()
                .expect("object")
                .remove("proofValue");
            fx.tampered = true;
            fx.steps.push("unsigned (proofValue removed)".into());
        }
        ProofOp::HmacConfusion(_) => {}
        ProofOp::DuplicateProof => {
            let p = doc["proof"].clone();
            doc["proof"] = Value::Array(vec![p.clone(), p]);
            fx.unknown = true;
            fx.steps.push("duplicate-proof".into());
        }
        ProofOp::Forge(_) | ProofOp::BadIriMethod(_) => {}
    }
}

/// Points the proof at a key that is not the issuer's, or has the attacker sign the seed.
fn key_elsewhere(doc: &mut Value, i: &Index, cx: &Ctx, fx: &mut Effects) {
    let (akey, _, avm) = attacker();
    let variants = 5;
    match i.index(variants) {
        // The attacker signs the seed itself (made once per seed: signing costs far
        // more than mutating); a document already changed is pointed at the
        // attacker's key instead (variant 1).
        0 if fx.steps.is_empty() => {
            let signed = cx
                .seed
                .attacker_signed
                .get_or_init(|| di_resign(doc, cx.set, Some(akey), Some(avm)));
            if let Some(d) = signed {
                *doc = d.clone();
                // A valid signature by a key nothing binds to the issuer.
                fx.unbound = true;
                fx.steps.push(
                    "verification-method-elsewhere attacker did:key, re-signed by the attacker"
                        .into(),
                );
            }
        }
        k => {
            let to = match k {
                0 | 1 => avm.clone(),
                2 => "https://attacker.example/keys/1".into(),
                3 => "did:web:attacker.example#key-1".into(),
                _ => format!(
                    "{}#other",
                    doc["proof"]["verificationMethod"]
                        .as_str()
                        .unwrap_or("did:example:1")
                ),
            };
            doc["proof"]["verificationMethod"] = Value::from(to.clone());
            fx.tampered = true;
            fx.steps.push(format!("verification-method-elsewhere {to}"));
        }
    }
}

/// Replaces the proof with another seed's.
fn foreign_proof(doc: &mut Value, i: &Index, cx: &Ctx, fx: &mut Effects) {
    let others: Vec<&Value> = cx
        .set
        .seeds
        .iter()
        .filter_map(|s| match &s.inner {
            Inner::Json(o) => o
                .get("proof")
                .filter(|p| p.is_object() && **p != doc["proof"]),
            _ => None,
        })
        .collect();
    if !others.is_empty() {
        doc["proof"] = others[i.index(others.len())].clone();
        fx.tampered = true;
        fx.steps
            .push("foreign-proof (the proof of another document)".into());
    }
}

fn strip_proof(doc: &mut Value, v: &Value, fx: &mut Effects) {
    doc.as_object_mut().expect("object").remove("proof");
    // A presentation need not be signed by its holder (an unsigned VP is valid); a
    // credential must be.
    let vp = doc.get("type").map(Value::to_string).unwrap_or_default();
    if vp.contains("\"VerifiablePresentation\"") {
        // Nothing signs the presentation's own content any more: what changed in it
        // breaks no signature (a tampered nested credential still does).
        fx.changed = false;
        fx.unknown = true;
        if only_outer_signature_broken(v, doc, false) {
            fx.tampered = false;
        }
    } else {
        fx.tampered = true;
    }
    fx.steps.push("strip-proof".into());
}

/// Whether `after` is a presentation that lost the proof its `before` had (its key renamed
/// by a byte flip, say): an unsigned presentation, which is valid as such.
pub(super) fn unsigned_presentation_now(before: &Value, after: &Value) -> bool {
    let vp = |d: &Value| {
        d.get("type")
            .map(Value::to_string)
            .unwrap_or_default()
            .contains("\"VerifiablePresentation\"")
    };
    vp(before) && vp(after) && before.get("proof").is_some() && after.get("proof").is_none()
}

/// Whether whatever tampering `doc` carries broke only the outer document's own signature,
/// so that signing it again (a forger) or dropping that signature (an unsigned presentation)
/// leaves nothing tampered: every nested signed credential (an object with a `proof`, or a
/// compact JWS string) is one of the seed's, unchanged, and no marker waits to be patched into
/// the text after signing.
///
/// `resigned`: the outer document is signed again (markers patched in afterwards would break
/// that signature too); otherwise its signature is gone and only nested ones count.
pub(super) fn only_outer_signature_broken(seed: &Value, doc: &Value, resigned: bool) -> bool {
    fn compact_jws(s: &str) -> bool {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
    }
    fn nested(v: &Value, top: bool, out: &mut Vec<Value>) {
        match v {
            Value::Object(o) => {
                if !top && o.contains_key("proof") {
                    out.push(v.clone());
                }
                for (k, x) in o {
                    if !(top && k == "proof") {
                        nested(x, false, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| nested(x, false, out)),
            Value::String(s) if compact_jws(s) => out.push(v.clone()),
            // an EnvelopedVerifiableCredential's VC-JWT, in its data: URL
            Value::String(s)
                if s.split_once(',').is_some_and(|(m, j)| {
                    m.starts_with("data:application/") && m.ends_with("jwt") && compact_jws(j)
                }) =>
            {
                out.push(v.clone())
            }
            _ => {}
        }
    }
    let text = doc.to_string();
    if resigned && (text.contains(DUP) || text.contains(LONE)) {
        return false;
    }
    let (mut before, mut after) = (Vec::new(), Vec::new());
    nested(seed, true, &mut before);
    nested(doc, true, &mut after);
    after.iter().all(|x| before.contains(x))
}

/// The hostile family's proof ops on a Data Integrity document.
pub(super) fn di_hostile_proof_op(
    doc: &mut Value,
    seed: &Value,
    plan: &Plan,
    cx: &Ctx,
    fx: &mut Effects,
    is_di: bool,
) {
    if !is_di {
        return;
    }
    match &plan.proof {
        ProofOp::Forge(i) => {
            if let Some((d, step)) = hostile::forge_di(doc, cx, i) {
                *doc = d;
                // The forger signed what is there: only the key is wrong (what was tampered
                // before is signed now, unless it sits in a nested credential or is patched
                // into the text after signing).
                fx.changed = false;
                fx.unbound = true;
                if only_outer_signature_broken(seed, doc, true) {
                    fx.tampered = false;
                }
                fx.steps.push(step);
            }
        }
        ProofOp::BadIriMethod(i) => {
            let vm = doc["proof"]["verificationMethod"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let to = spoil_with(&vm, i);
            doc["proof"]["verificationMethod"] = Value::from(to.as_str());
            fx.tampered = true;
            fx.steps.push(format!("bad-iri-method {to:?}"));
        }
        _ => {}
    }
}

/// `iri` with one of [`hostile::BAD_PERCENT`] put in where `i` says.
pub(super) fn spoil_with(iri: &str, i: &Index) -> String {
    let n = hostile::BAD_PERCENT.len();
    let k = i.index(n * 3);
    hostile::spoil(iri, hostile::BAD_PERCENT[k % n], k / n)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn build_jws(
    header: &Map<String, Value>,
    payload: &Value,
    parts: [&String; 3],
    plan: &Plan,
    cx: &Ctx,
    fx: &mut Effects,
    walk: &mut Walk,
) -> String {
    let before = fx.steps.len();
    let doc = (!plan.ops.is_empty()).then(|| {
        let mut doc = payload.clone();
        apply_pass(&mut doc, &plan.ops, cx, false, fx, walk);
        apply_pass(&mut doc, &plan.ops, cx, true, fx, walk);
        heal_missing(&doc, fx);
        doc
    });
    // Bytes are what a JWS signs: an untouched payload is kept byte for byte (and one whose
    // changes cancel out may come back to the same bytes).
    let mut payload_b64 = match &doc {
        Some(doc) if fx.steps.len() != before => {
            let p = b64(render_json(&doc, &Layout::Compact).as_bytes());
            fx.changed = p != *parts[1];
            p
        }
        _ => parts[1].clone(),
    };
    let mut header = header.clone();
    let mut header_b64 = parts[0].clone();
    let mut sig = parts[2].clone();
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let kid = header.get("kid").and_then(Value::as_str).map(str::to_owned);
    let enc_header =
        |h: &Map<String, Value>| b64(serde_json::to_string(h).expect("JSON").as_bytes());
    match &plan.proof {
        ProofOp::None => {}
        ProofOp::BitFlip(i) => {
            if let Ok(mut raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&sig) {
                if !raw.is_empty() {
                    let bit = i.index(raw.len() * 8);
                    raw[bit / 8] ^= 1 << (bit % 8);
                    sig = b64(&raw);
                    fx.tampered = true;
                    fx.steps.push(format!("signature-bit-flip bit {bit}"));
                }
            }
        }
        ProofOp::SuiteSwap(i) => {
            let to = ALGS[i.index(ALGS.len())];
            if to != alg {
                header.insert("alg".into(), Value::from(to));
                header_b64 = enc_header(&header);
                fx.tampered = true;
                fx.steps.push(format!("alg-swap {to} (signature kept)"));
            }
        }
        ProofOp::KeyElsewhere(i) => {
            let (akey, adid, avm) = attacker();
            let (_, ajwk_vm) = wellspring_verify::keys::did_jwk_of(akey);
            let variants: [(&str, bool); 7] = [
                (avm.as_str(), true),
                (ajwk_vm.as_str(), true),
                (adid.as_str(), true),
                ("../../../../../../dev/null", false),
                ("' OR '1'='1", false),
                ("https://attacker.example/.well-known/jwks.json#1", false),
                ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", false),
            ];
            let (to, resign) = variants[i.index(variants.len())];
            header.remove("jwk");
            header.insert("kid".into(), Value::from(to));
            if resign {
                header.insert("alg".into(), Value::from("EdDSA"));
            }
            header_b64 = enc_header(&header);
            let signed = resign
                && jws_sign("EdDSA", &format!("{header_b64}.{payload_b64}"), akey)
                    .map(|s| sig = s)
                    .is_some();
            if signed {
                // A valid signature by a key nothing binds to the issuer, over what is there.
                fx.changed = false;
                fx.unbound = true;
            } else {
                fx.tampered = true;
            }
            fx.steps.push(format!(
                "kid-injection {to:?}{}",
                if resign {
                    ", re-signed by the attacker"
                } else {
                    ""
                }
            ));
        }
        ProofOp::ForeignProof(i) => {
            let others: Vec<&String> = cx
                .set
                .seeds
                .iter()
                .filter_map(|s| match &s.inner {
                    Inner::Jws { signature_b64, .. } if *signature_b64 != sig => {
                        Some(signature_b64)
                    }
                    _ => None,
                })
                .collect();
            if !others.is_empty() {
                sig = others[i.index(others.len())].clone();
                fx.tampered = true;
                fx.steps
                    .push("foreign-signature (the signature of another JWS)".into());
            }
        }
        ProofOp::Strip => {
            sig = String::new();
            fx.tampered = true;
            fx.steps.push("strip-signature".into());
        }
        ProofOp::Unsigned(i) => {
            let to = NONE_ALGS[i.index(NONE_ALGS.len())];
            header.insert("alg".into(), Value::from(to));
            header_b64 = enc_header(&header);
            // Half the variants keep a (now meaningless) signature, half send none.
            if i.index(2) == 0 {
                sig = String::new();
            }
            fx.tampered = true;
            fx.steps.push(format!("alg-none {to:?}"));
        }
        ProofOp::HmacConfusion(i) => {
            // The issuer's public key, as the verifier would find it, used as an HMAC secret.
            let public = cx.seed.kid_public.get_or_init(|| {
                let k = kid.as_deref()?;
                let r = cx.seed.options.to_options().ok()?.keys.resolve(k).ok()?;
                Some(r.jwk.to_public())
            });
            if let Some(public) = public {
                let secret: Vec<u8> = match i.index(2) {
                    0 => serde_json::to_vec(&public).expect("JSON"),
                    _ => wellspring_verify::keys::multibase_of(&public)
                        .unwrap_or_default()
                        .into_bytes(),
                };
                header.insert("alg".into(), Value::from("HS256"));
                header_b64 = enc_header(&header);
                use hmac::Mac;
                let mut mac =
                    hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).expect("any key length");
                mac.update(format!("{header_b64}.{payload_b64}").as_bytes());
                sig = b64(&mac.finalize().into_bytes());
                fx.tampered = true;
                fx.steps.push(format!(
                    "alg-confusion HS256 keyed with the issuer's public key ({})",
                    if i.index(2) == 0 {
                        "JWK JSON"
                    } else {
                        "multibase"
                    }
                ));
            }
        }
        ProofOp::DuplicateProof => {}
        ProofOp::Forge(i) => {
            if let Some((parts, step)) = hostile::forge_jws(doc.as_ref().unwrap_or(payload), i) {
                [header_b64, payload_b64, sig] = parts;
                fx.changed = false;
                fx.unbound = true;
                fx.steps.push(step);
            }
        }
        ProofOp::BadIriMethod(i) => {
            if let Some(k) = &kid {
                let to = spoil_with(k, i);
                header.insert("kid".into(), Value::from(to.as_str()));
                header_b64 = enc_header(&header);
                fx.tampered = true;
                fx.steps.push(format!("bad-iri-method kid {to:?}"));
            }
        }
    }
    let text = format!("{header_b64}.{payload_b64}.{sig}");
    match plan.layout {
        Layout::Padded => {
            fx.unknown = true;
            format!("\n{text}\n")
        }
        _ => text,
    }
}
