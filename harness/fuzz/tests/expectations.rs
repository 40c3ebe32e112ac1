//! What a mutant is expected to do follows what was really changed: changes that undo each
//! other leave a document its signature still covers.

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use wellspring_fuzz::mutate::{build, Expect, Layout, Plan, ProofOp, ValueOp};

/// The index that picks the first of any list (a fully shrunk `Index`).
fn first() -> Index {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut tree = any::<Index>().new_tree(&mut runner).unwrap();
    while tree.simplify() {}
    tree.current()
}

/// A seed set holding only `file` of the committed valid vectors.
fn only(file: &str) -> wellspring_fuzz::seed::SeedSet {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../vectors/valid")
        .join(file);
    std::fs::copy(&src, dir.path().join(file)).unwrap();
    let set = wellspring_fuzz::seed::load(dir.path(), Some("2026-01-01T00:00:00Z")).unwrap();
    assert_eq!(set.seeds.len(), 1);
    set
}

fn plan(ops: Vec<ValueOp>) -> Plan {
    Plan {
        seed: first(),
        ops,
        resign: None,
        proof: ProofOp::None,
        layout: Layout::Compact,
    }
}

#[test]
fn two_rotations_of_a_two_element_context_change_nothing() {
    let set = only("ob-endorsed.eddsa.json");
    // Once: the base context is no longer first, which the data model forbids.
    let once = build(&set, &plan(vec![ValueOp::ContextReorder]));
    assert_eq!(once.expect, Expect::RejectSchema, "{:?}", once.steps);
    let twice = build(
        &set,
        &plan(vec![ValueOp::ContextReorder, ValueOp::ContextReorder]),
    );
    assert_eq!(twice.steps.len(), 2, "{:?}", twice.steps);
    assert_eq!(twice.expect, Expect::Accept, "{:?}", twice.steps);
}

#[test]
fn two_reversals_of_a_jwt_payload_give_back_its_signed_bytes() {
    let set = only("ob-minimal.eddsa.jwt");
    let seed_text = String::from_utf8(set.seeds[0].bytes.clone()).unwrap();
    let i = first(); // the payload object itself
    let once = build(&set, &plan(vec![ValueOp::ReorderMembers(i)]));
    assert_eq!(once.expect, Expect::RejectTampered, "{:?}", once.steps);
    let twice = build(
        &set,
        &plan(vec![ValueOp::ReorderMembers(i), ValueOp::ReorderMembers(i)]),
    );
    // The vector's payload is compact JSON in document order: reversed twice, the same bytes,
    // so the issuer's signature still holds.
    let text = String::from_utf8(twice.bytes.clone()).unwrap();
    assert_eq!(text.trim(), seed_text.trim());
    assert_eq!(twice.expect, Expect::Accept, "{:?}", twice.steps);
}

#[test]
fn a_presentation_stripped_of_its_proof_has_no_signature_to_break() {
    let set = only("vp.clr.signed.eddsa.json");
    let changed = Plan {
        proof: ProofOp::Strip,
        ..plan(vec![ValueOp::RemoteContext(first())])
    };
    let m = build(&set, &changed);
    assert_eq!(m.steps.len(), 2, "{:?}", m.steps);
    // An unsigned presentation is valid; what changed in it broke no signature.
    assert_eq!(m.expect, Expect::Any, "{:?}", m.steps);
    // Still signed, the same change must be refused.
    let m = build(&set, &plan(vec![ValueOp::RemoteContext(first())]));
    assert_eq!(m.expect, Expect::RejectTampered, "{:?}", m.steps);
}

/// An `Index` for which the one-op plan `op(index)` takes a step starting with `step`.
fn index_for(set: &wellspring_fuzz::seed::SeedSet, op: fn(Index) -> ValueOp, step: &str) -> Index {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..10_000 {
        let i = any::<Index>().new_tree(&mut runner).unwrap().current();
        if build(set, &plan(vec![op(i)])).steps[0].starts_with(step) {
            return i;
        }
    }
    panic!("no index gives {step}");
}

#[test]
fn a_required_member_dropped_then_its_object_replaced_no_longer_breaks_the_schema() {
    let set = only("ob-minimal.eddsa.jwt");
    let drop = index_for(&set, ValueOp::DropRequired, "drop-required /issuer/id");
    let on_issuer = index_for(&set, |i| ValueOp::HugeString(i, 1), "huge-string /issuer ");
    let on_name = index_for(
        &set,
        |i| ValueOp::HugeString(i, 1),
        "huge-string /credentialSubject/achievement/name ",
    );
    // Re-signed by a stranger's key: the signature holds, the issuer is not authenticated.
    let forged = |ops| Plan {
        proof: ProofOp::KeyElsewhere(first()),
        ..plan(ops)
    };
    let m = build(&set, &forged(vec![ValueOp::DropRequired(drop)]));
    assert_eq!(m.expect, Expect::RejectSchema, "{:?}", m.steps);
    let m = build(
        &set,
        &forged(vec![
            ValueOp::DropRequired(drop),
            ValueOp::HugeString(on_name, 1),
        ]),
    );
    assert_eq!(m.expect, Expect::RejectSchema, "{:?}", m.steps);
    // The issuer object, `id` gone, replaced by a string: an issuer IRI, which the schema allows.
    let m = build(
        &set,
        &forged(vec![
            ValueOp::DropRequired(drop),
            ValueOp::HugeString(on_issuer, 1),
        ]),
    );
    assert_eq!(m.steps.len(), 3, "{:?}", m.steps);
    assert_eq!(m.expect, Expect::Unauthenticated, "{:?}", m.steps);
}
