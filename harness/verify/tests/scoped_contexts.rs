//! The JSON-LD crate remembers what processing a scoped or embedded context against an active
//! context gave (vendor/json-ld-core/src/context/memo.rs). These tests hold it to its promises:
//! a remembered result is only reused for an equal context (never for one that merely sits at
//! the same address), and memos are freed with the contexts that hold them.

use serde_json::{json, Value};
use ssi_json_ld::json_ld::context::live_memo_entries;
use std::sync::Mutex;
use wellspring_verify::{canon::canonical_nquads, loader::ContextLoader};

/// The two tests count live memo entries: they must not run at the same time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A node whose embedded context maps `x` to `iri`, under the pinned VC 2.0 context (whose
/// processed form the verifier keeps for the whole process, memo included).
fn embedded(iri: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "@context": {"x": iri},
            "id": "did:example:subject",
            "x": "value"
        }
    })
}

/// A document with its own inline context (never kept by the verifier) whose two types give
/// `x` different meanings through type-scoped contexts.
fn typed(ty: &str, a: &str, b: &str) -> Value {
    json!({
        "@context": {
            "@version": 1.1,
            "A": {"@id": "https://example.org/A", "@context": {"x": a}},
            "B": {"@id": "https://example.org/B", "@context": {"x": b}}
        },
        "@id": "https://example.org/node",
        "@type": ty,
        "x": "value"
    })
}

fn quads(doc: &Value) -> String {
    canonical_nquads(doc, &ContextLoader::offline())
        .unwrap_or_else(|e| panic!("{e}"))
        .concat()
}

#[test]
fn a_remembered_result_is_reused_only_for_an_equal_context() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let a = embedded("https://a.example/x");
    let b = embedded("https://b.example/x");
    let (qa, qb) = (quads(&a), quads(&b));
    assert!(qa.contains("<https://a.example/x>"), "{qa}");
    assert!(qb.contains("<https://b.example/x>"), "{qb}");
    // each embedded context is parsed afresh, often at the address the other one had
    for _ in 0..50 {
        assert_eq!(quads(&a), qa);
        assert_eq!(quads(&b), qb);
    }
    let (ta, tb) = (
        typed("A", "https://a.example/x", "https://b.example/x"),
        typed("B", "https://a.example/x", "https://b.example/x"),
    );
    let swapped = typed("A", "https://b.example/x", "https://a.example/x");
    let (qta, qtb, qs) = (quads(&ta), quads(&tb), quads(&swapped));
    assert!(qta.contains("<https://a.example/x>"), "{qta}");
    assert!(qtb.contains("<https://b.example/x>"), "{qtb}");
    assert!(qs.contains("<https://b.example/x>"), "{qs}");
    for _ in 0..50 {
        assert_eq!(quads(&ta), qta);
        assert_eq!(quads(&tb), qtb);
        assert_eq!(quads(&swapped), qs);
    }
}

#[test]
fn memos_are_freed_with_their_contexts() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // warm up: what the process keeps (pinned contexts and their memos) is made here
    for i in 0..3 {
        quads(&typed(
            "A",
            &format!("https://a.example/{i}"),
            "https://b.example/x",
        ));
        quads(&embedded(&format!("https://e.example/{i}")));
    }
    let before = live_memo_entries();
    for i in 0..400 {
        // inline contexts, each different: nothing of them may outlive its document
        quads(&typed(
            "A",
            &format!("https://a.example/{i}"),
            "https://b.example/x",
        ));
        quads(&typed(
            "B",
            "https://a.example/x",
            &format!("https://b.example/{i}"),
        ));
    }
    let after = live_memo_entries();
    assert!(
        after <= before,
        "{} memo entries outlived their documents",
        after - before
    );
    // embedded contexts are remembered by the pinned context the process keeps: bounded
    for i in 0..400 {
        quads(&embedded(&format!("https://e.example/{i}")));
    }
    let kept = live_memo_entries();
    assert!(
        kept <= before + json_ld_memo_per_context(),
        "{} memo entries kept for 400 embedded contexts",
        kept - before
    );
}

fn json_ld_memo_per_context() -> usize {
    ssi_json_ld::json_ld::context::memo::PER_CONTEXT
}
