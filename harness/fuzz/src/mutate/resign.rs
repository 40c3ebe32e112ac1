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
    use sha2::Digest;
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
        let mut h = sha2::Sha256::new();
        h.update(b"wellspring-fuzz resign");
        h.update(campaign_seed.to_le_bytes());
        h.update(seed.name.as_bytes());
        h.update(k.to_le_bytes());
        h.update(attempt.to_le_bytes());
        let digest: [u8; 32] = h.finalize().into();
        let rng = proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &digest,
        );
        let mut runner = proptest::test_runner::TestRunner::new_with_rng(Default::default(), rng);
        let ops =
            proptest::strategy::ValueTree::current(&resignable_ops().new_tree(&mut runner).ok()?);
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
                let alg = header.get("alg").and_then(Value::as_str)?;
                let key = set
                    .signers
                    .get(header.get("kid").and_then(Value::as_str)?)?;
                let payload_b64 = b64(render_json(&doc, &Layout::Compact).as_bytes());
                let signature_b64 = jws_sign(alg, &format!("{header_b64}.{payload_b64}"), key)?;
                Inner::Jws {
                    header: header.clone(),
                    payload: doc,
                    header_b64: header_b64.clone(),
                    payload_b64,
                    signature_b64,
                }
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
