//! The re-signed pool's entries: a seed mutated by size-neutral value ops, then signed again by
//! its real issuer.

use super::*;

/// Value ops a re-signed entry may start from: the size-neutral ones (huge and deep mutants
/// test robustness; signing them would only cost time).
pub(super) fn resignable_ops() -> impl Strategy<Value = Vec<ValueOp>> {
    let tiny = Limits {
        max_string: 1,
        max_array: 1,
        max_depth: 1,
    };
    proptest::collection::vec(
        value_op(tiny).prop_filter("size-neutral", |o| {
            !matches!(
                o,
                ValueOp::HugeString(..)
                    | ValueOp::HugeArray(..)
                    | ValueOp::DeepNesting(..)
                    | ValueOp::BlankClique(..)
            )
        }),
        1..=2,
    )
}

pub(super) fn make_variant(
    set: &SeedSet,
    at: usize,
    campaign_seed: u64,
    k: u64,
) -> Option<Variant> {
    let seed = &set.seeds[at];
    if !seed.inner.is_signed() {
        return None;
    }
    let cx = Ctx {
        set,
        seed,
        jws: matches!(seed.inner, Inner::Jws { .. }),
        signed: true,
    };
    // A few tries: an op can find nothing to change (no date in the document…).
    for attempt in 0u64..4 {
        let ops = variant_ops(&seed.name, campaign_seed, k, attempt)?;
        let mut fx = Effects::default();
        let mut walk = Walk::new(Some(seed_walk(seed)), cx.jws);
        let inner = match &seed.inner {
            Inner::Json(v) => {
                let mut doc = v.clone();
                apply_pass(&mut doc, &ops, &cx, false, &mut fx, &mut walk);
                if !fx.changed {
                    continue;
                }
                Inner::Json(di_resign(&doc, set, None, None)?)
            }
            Inner::Jws {
                header,
                payload,
                header_b64,
                ..
            } => {
                // A JWS signs bytes: its late (textual) tricks are signed too.
                let mut doc = payload.clone();
                apply_pass(&mut doc, &ops, &cx, false, &mut fx, &mut walk);
                apply_pass(&mut doc, &ops, &cx, true, &mut fx, &mut walk);
                if fx.steps.is_empty() {
                    continue;
                }
                jws_resign(header, header_b64, doc, set)?
            }
        };
        // Signed again by the issuer: the content is new, either answer may be right (unless
        // a step removed a required property, or tampered with what the signature does not
        // cover, such as a nested credential).
        fx.changed = false;
        fx.unknown = true;
        fx.steps.push("re-signed-by-issuer".into());
        return Some(Variant {
            inner,
            effects: fx,
            walk: Default::default(),
        });
    }
    None
}

/// The ops of try `attempt` at entry `k` of a seed's pool, drawn from an RNG seeded by these
/// and the campaign's seed alone.
fn variant_ops(seed_name: &str, campaign_seed: u64, k: u64, attempt: u64) -> Option<Vec<ValueOp>> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"wellspring-fuzz resign");
    h.update(campaign_seed.to_le_bytes());
    h.update(seed_name.as_bytes());
    h.update(k.to_le_bytes());
    h.update(attempt.to_le_bytes());
    let digest: [u8; 32] = h.finalize().into();
    let rng = proptest::test_runner::TestRng::from_seed(
        proptest::test_runner::RngAlgorithm::ChaCha,
        &digest,
    );
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(Default::default(), rng);
    Some(proptest::strategy::ValueTree::current(
        &resignable_ops().new_tree(&mut runner).ok()?,
    ))
}

/// A JWS with a new payload, signed by the issuer's key (the one its `kid` names) under its
/// header's `alg`; the header is kept byte for byte.
fn jws_resign(
    header: &Map<String, Value>,
    header_b64: &str,
    payload: Value,
    set: &SeedSet,
) -> Option<Inner> {
    let alg = header.get("alg").and_then(Value::as_str)?;
    let key = set
        .signers
        .get(header.get("kid").and_then(Value::as_str)?)?;
    let payload_b64 = b64(render_json(&payload, &Layout::Compact).as_bytes());
    let signature_b64 = jws_sign(alg, &format!("{header_b64}.{payload_b64}"), key)?;
    Some(Inner::Jws {
        header: header.clone(),
        payload,
        header_b64: header_b64.to_owned(),
        payload_b64,
        signature_b64,
    })
}
