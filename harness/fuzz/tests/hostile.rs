//! The hostile-input family (issue 15): each kind of mutant is made, marked with what a correct
//! verifier must do, and Wellspring's core does it: no crash on percent-encoded invalid UTF-8 in
//! IRIs, poison graphs and entity bombs refused, DOCTYPEs accepted, forgeries never
//! authenticated.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use serde_json::Value;
use wellspring_fuzz::mutate::hostile::KNOWS;
use wellspring_fuzz::mutate::{build, Expect, Layout, Mutant, Plan, ProofOp, SvgTrick, ValueOp};
use wellspring_fuzz::seed::{Inner, SeedSet};
use wellspring_fuzz::target::{Answer, Target, TargetSpec};
use wellspring_fuzz::{judge, Oracle};
use wellspring_verify::report::DocReport;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}

/// The committed valid vectors, with the manifest's options and the private keys.
fn set() -> &'static SeedSet {
    static SET: OnceLock<SeedSet> = OnceLock::new();
    SET.get_or_init(|| wellspring_fuzz::seed::load(&vectors().join("valid"), None).unwrap())
}

/// An `Index` that picks element `k` of a list of `n` (drawn until one does).
fn pick(k: usize, n: usize) -> Index {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..100_000 {
        let i = any::<Index>().new_tree(&mut runner).unwrap().current();
        if i.index(n) == k {
            return i;
        }
    }
    panic!("no index picks {k} of {n}");
}

/// Is `s` the seed file `name` (`ob-minimal.eddsa.json` is not `v1.ob-minimal.eddsa.json`)?
fn is(s: &wellspring_fuzz::seed::Seed, name: &str) -> bool {
    Path::new(&s.name).file_name().is_some_and(|f| f == name)
}

fn seed_index(name: &str) -> Index {
    let seeds = &set().seeds;
    let k = seeds
        .iter()
        .position(|s| is(s, name))
        .unwrap_or_else(|| panic!("no seed {name}"));
    pick(k, seeds.len())
}

fn plan(seed: &str, ops: Vec<ValueOp>, proof: ProofOp, layout: Layout) -> Plan {
    Plan {
        seed: seed_index(seed),
        ops,
        resign: None,
        proof,
        layout,
    }
}

/// Wellspring's report on a mutant, under its seed's options.
fn report(m: &Mutant) -> DocReport {
    let seed = set().seeds.iter().find(|s| s.name == m.seed).unwrap();
    let opts = seed.options.to_options().unwrap();
    wellspring_verify::verify_bytes(&format!("mutant.{}", m.format.ext()), &m.bytes, &opts)
}

/// The in-process target's answer (the one campaigns judge).
fn answer(m: &Mutant) -> Answer {
    let seed = set().seeds.iter().find(|s| s.name == m.seed).unwrap();
    let opts = seed.options.to_options().unwrap();
    let t = Target::new(TargetSpec::Core, Duration::from_secs(60), None, false).unwrap();
    t.run(&m.bytes, m.format, Some(&opts), 0)
}

fn failures(r: &DocReport) -> String {
    let mut all = Vec::new();
    r.walk(&mut all);
    all.iter()
        .filter(|(_, c)| c.verdict == wellspring_verify::report::Verdict::Fail)
        .map(|(_, c)| format!("{}: {}", c.id, c.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bad_percent_encodings_in_iris_are_tampering_and_never_crash() {
    let n = wellspring_fuzz::mutate::hostile::BAD_PERCENT.len() * 3;
    for seed in [
        "ob-minimal.eddsa.json",
        "ob-minimal.eddsa.jwt",
        "clr.eddsa.json",
    ] {
        let mut places = std::collections::BTreeSet::new();
        for k in 0..24 {
            let op = ValueOp::BadIri(pick(k, 24), pick(k % n, n));
            let m = build(set(), &plan(seed, vec![op], ProofOp::None, Layout::Compact));
            let step = &m.steps[0];
            assert!(step.starts_with("bad-iri /"), "{step}");
            assert!(step.contains('%'), "{step}");
            places.insert(step.split_whitespace().nth(1).unwrap().to_owned());
            assert_eq!(m.expect, Expect::RejectTampered, "{step}");
            let a = answer(&m);
            assert_eq!(a, Answer::Rejected, "{seed}: {step}: {a:?}");
        }
        // Ids, types and the issuer were all reached.
        let joined = places.iter().cloned().collect::<Vec<_>>().join(" ");
        for member in ["/id", "/type", "/issuer"] {
            assert!(joined.contains(member), "{seed}: {joined}");
        }
    }
    // The verification method / kid: a broken proof, and no crash.
    for (seed, k) in [("ob-minimal.eddsa.json", 0), ("ob-minimal.eddsa.jwt", 5)] {
        let m = build(
            set(),
            &plan(
                seed,
                vec![],
                ProofOp::BadIriMethod(pick(k, 21)),
                Layout::Compact,
            ),
        );
        assert!(m.steps[0].starts_with("bad-iri-method"), "{:?}", m.steps);
        assert_eq!(m.expect, Expect::RejectTampered);
        assert_eq!(answer(&m), Answer::Rejected, "{:?}", m.steps);
    }
}

/// Signs `doc` again as its issuer (the fuzzer's own keys): a re-signed mutant, or the
/// signer's refusal.
fn resign_di(doc: &Value) -> Result<Value, String> {
    let s = set();
    let mut proof = doc["proof"].as_object().unwrap().clone();
    proof.remove("proofValue");
    let vm = proof["verificationMethod"].as_str().unwrap().to_owned();
    let key = s.signers.get(&vm).expect("the issuer's private key");
    let mut unsecured = doc.clone();
    unsecured.as_object_mut().unwrap().remove("proof");
    wellspring_verify::di::sign_proof(&unsecured, key, proof, &s.loader)
}

#[test]
fn re_signed_bad_iris_may_go_either_way_but_never_crash() {
    let seed = set()
        .seeds
        .iter()
        .find(|s| is(s, "ob-minimal.eddsa.json"))
        .unwrap();
    let Inner::Json(base) = &seed.inner else {
        panic!("a JSON seed")
    };
    let opts = seed.options.to_options().unwrap();
    let mut verified = 0;
    for (k, pct) in wellspring_fuzz::mutate::hostile::BAD_PERCENT
        .iter()
        .enumerate()
    {
        for ptr in [
            "/credentialSubject/achievement/id",
            "/issuer/id",
            "/id",
            "/credentialSubject/achievement/type/0",
        ] {
            let mut doc = base.clone();
            let old = doc.pointer(ptr).unwrap().as_str().unwrap().to_owned();
            let at = k % 3;
            *doc.pointer_mut(ptr).unwrap() =
                Value::from(wellspring_fuzz::mutate::hostile::spoil(&old, pct, at));
            // The fuzzer's signer must not crash either (it shares the JSON-LD stack); it may
            // refuse (an undefined type).
            let signed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| resign_di(&doc)))
                .unwrap_or_else(|_| panic!("signing {ptr} += {pct} panicked"));
            let Ok(signed) = signed else { continue };
            let bytes = serde_json::to_vec(&signed).unwrap();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                wellspring_verify::verify_bytes("resigned.json", &bytes, &opts)
            }))
            .unwrap_or_else(|_| panic!("{ptr} += {pct}: the verifier panicked"));
            // Either verdict; but a refusal names a check, never an internal error.
            assert!(
                !failures(&r).contains("internal error"),
                "{ptr} += {pct}:\n{}",
                failures(&r)
            );
            verified += 1;
        }
    }
    assert!(verified >= 14, "only {verified} re-signed mutants");
}

#[test]
fn a_blank_node_clique_is_refused_for_its_canonicalization_budget() {
    for k in [6usize, 10, 12] {
        let m = build(
            set(),
            &plan(
                "ob-minimal.eddsa.json",
                vec![ValueOp::BlankClique(pick(0, 1), k)],
                ProofOp::None,
                Layout::Compact,
            ),
        );
        assert_eq!(m.expect, Expect::RejectHostile, "{:?}", m.steps);
        let doc: Value = serde_json::from_slice(&m.bytes).unwrap();
        let nodes = doc["credentialSubject"][KNOWS]
            .as_array()
            .unwrap_or_else(|| panic!("{:?}: {}", m.steps, doc["credentialSubject"]));
        assert_eq!(nodes.len(), k);
        for n in nodes {
            assert_eq!(n[KNOWS].as_array().unwrap().len(), k - 1, "{n}");
        }
        let r = report(&m);
        assert!(!r.passed(), "a poison graph of {k} was accepted");
        if k >= 10 {
            let f = failures(&r);
            assert!(
                f.contains("ob3.proof") && f.contains("canonicalization"),
                "{k}: {f}"
            );
        }
        assert_eq!(
            judge(m.expect, &Answer::Accepted, true),
            Some(Oracle::RejectHostile)
        );
    }
    // A JWS signs bytes: the clique only breaks its signature.
    let m = build(
        set(),
        &plan(
            "ob-minimal.eddsa.jwt",
            vec![ValueOp::BlankClique(pick(0, 1), 10)],
            ProofOp::None,
            Layout::Compact,
        ),
    );
    assert_eq!(m.expect, Expect::RejectTampered, "{:?}", m.steps);
    assert_eq!(answer(&m), Answer::Rejected);
}

fn svg(seed: &str, t: SvgTrick) -> Mutant {
    build(set(), &plan(seed, vec![], ProofOp::None, Layout::Svg(t)))
}

#[test]
fn svg_doctypes_and_entities_are_accepted_and_entity_bombs_refused() {
    for k in 0..4 {
        let m = svg("baked.eddsa.svg", SvgTrick::Doctype(pick(k, 4)));
        let text = String::from_utf8(m.bytes.clone()).unwrap();
        assert!(text.contains("<!DOCTYPE svg"), "{text}");
        assert_eq!(m.expect, Expect::Accept, "{:?}", m.steps);
        let r = report(&m);
        assert!(r.passed(), "{:?}:\n{}", m.steps, failures(&r));
    }
    for k in 0..3 {
        let m = svg("baked.rs256.svg", SvgTrick::Entity(pick(k, 3)));
        assert!(String::from_utf8_lossy(&m.bytes).contains("<!ENTITY"));
        assert_eq!(m.expect, Expect::Accept, "{:?}", m.steps);
        let r = report(&m);
        assert!(r.passed(), "{:?}:\n{}", m.steps, failures(&r));
    }
    // Any seed can be baked: a VC-JWT in an SVG with a DOCTYPE.
    let m = svg("ob-minimal.eddsa.jwt", SvgTrick::Doctype(pick(0, 4)));
    assert_eq!(m.format, wellspring_fuzz::seed::Format::Svg);
    assert!(
        m.steps[0].ends_with("(seed baked in an SVG)"),
        "{:?}",
        m.steps
    );
    assert!(answer(&m).is_accepted(), "{:?}", m.steps);
    for levels in [7u8, 9, 12] {
        let m = svg("baked.eddsa.svg", SvgTrick::Bomb(levels));
        assert_eq!(m.expect, Expect::RejectHostile, "{:?}", m.steps);
        let r = report(&m);
        assert!(
            !r.passed(),
            "an entity bomb of {levels} levels was accepted"
        );
        assert!(
            failures(&r).contains("entity expansion"),
            "{}",
            failures(&r)
        );
    }
}

/// A forgery: conforms by default, never authenticated, fails under `--require-bound-key`.
fn assert_forgery_not_authenticated(m: &Mutant) {
    assert_eq!(m.expect, Expect::Unauthenticated, "{:?}", m.steps);
    let r = report(m);
    assert!(r.passed(), "{:?}:\n{}", m.steps, failures(&r));
    assert!(!r.authenticated(), "{:?} authenticated", m.steps);
    assert_ne!(r.headline(), "VERIFIED", "{:?}", m.steps);
    assert!(
        r.headline().contains("issuer NOT authenticated"),
        "{}",
        r.headline()
    );
    assert_eq!(answer(m), Answer::Accepted, "{:?}", m.steps);
    let seed = set().seeds.iter().find(|s| s.name == m.seed).unwrap();
    let mut strict = seed.options.to_options().unwrap();
    strict.require_bound_key = true;
    let r = wellspring_verify::verify_bytes("forged", &m.bytes, &strict);
    assert!(!r.passed(), "{:?} passed --require-bound-key", m.steps);
}

#[test]
fn issuer_forgeries_may_conform_but_are_never_authenticated() {
    let mut claimed = std::collections::BTreeSet::new();
    for seed in [
        "ob-minimal.rs256.jwt",
        "ob-minimal.eddsa.jwt",
        "v1.ob-minimal.rs256.jwt",
        "ob-minimal.eddsa.json",
        "ob-minimal.did-web.eddsa.json",
    ] {
        for k in 0..4 {
            let m = build(
                set(),
                &plan(seed, vec![], ProofOp::Forge(pick(k, 7)), Layout::Compact),
            );
            let step = m
                .steps
                .first()
                .unwrap_or_else(|| panic!("{seed}: no forgery"));
            assert!(step.contains("-forgery issuer "), "{step}");
            claimed.insert(step.split_whitespace().nth(2).unwrap().to_owned());
            assert_forgery_not_authenticated(&m);
        }
    }
    assert!(
        claimed.iter().any(|c| c.starts_with("https://")),
        "{claimed:?}"
    );
    assert!(
        claimed.iter().any(|c| c.starts_with("did:web:")),
        "{claimed:?}"
    );
    // The attacker's did:key re-signing a Data Integrity seed, and its kid re-signing a JWS.
    let m = build(
        set(),
        &plan(
            "ob-minimal.eddsa.json",
            vec![],
            ProofOp::KeyElsewhere(pick(0, 5)),
            Layout::Compact,
        ),
    );
    assert!(
        m.steps[0].contains("re-signed by the attacker"),
        "{:?}",
        m.steps
    );
    assert_forgery_not_authenticated(&m);
    let m = build(
        set(),
        &plan(
            "ob-minimal.eddsa.jwt",
            vec![],
            ProofOp::KeyElsewhere(pick(0, 7)),
            Layout::Compact,
        ),
    );
    assert!(
        m.steps[0].contains("re-signed by the attacker"),
        "{:?}",
        m.steps
    );
    assert_forgery_not_authenticated(&m);
}

#[test]
fn the_real_issuer_is_authenticated_so_the_forgery_oracle_can_fail() {
    // The unmutated seed is issuer-authenticated: had a forgery been answered so, it would be a
    // finding.
    let m = build(
        set(),
        &plan(
            "ob-minimal.eddsa.json",
            vec![],
            ProofOp::None,
            Layout::Compact,
        ),
    );
    assert_eq!(m.expect, Expect::Accept);
    let a = answer(&m);
    assert_eq!(a, Answer::Authenticated);
    assert_eq!(
        judge(Expect::Unauthenticated, &a, true),
        Some(Oracle::NoForgedIssuer)
    );
}

/// Issue 15's oracle disagreement, decided: the oracle is right. An achievement id ending in
/// U+FFFF is not an IRI (RFC 3987 `ucschar` leaves out U+FFFF; OB 3.0 types Achievement.id as a
/// URI; the official schema has no `format: uri` to catch it), so JSON-LD turns it into an
/// invalid id and its node — name, description, type, the link from the subject — drops out
/// of the RDF the proof signs. Changed after signing, such an achievement must still be
/// refused. Ignored until the verifier refuses ids that are not IRIs (see the report to the lead).
#[test]
fn an_achievement_whose_id_is_not_an_iri_is_not_signed_so_must_be_refused() {
    let seed = set()
        .seeds
        .iter()
        .find(|s| is(s, "ob-minimal.eddsa.json"))
        .unwrap();
    let Inner::Json(base) = &seed.inner else {
        panic!("a JSON seed")
    };
    let opts = seed.options.to_options().unwrap();
    let mut doc = base.clone();
    let p = "/credentialSubject/achievement/id";
    let old = doc.pointer(p).unwrap().as_str().unwrap().to_owned();
    *doc.pointer_mut(p).unwrap() = Value::from(format!("{old}\u{ffff}"));
    // JSON-LD to RDF would drop the achievement's statements, so nothing signs them: the
    // signer refuses, and the verifier fails the document (ob3.context.terms names the IRI).
    assert!(
        resign_di(&doc).is_err(),
        "a signature over an id that is not an IRI was made"
    );
    let r =
        wellspring_verify::verify_bytes("bad-iri.json", &serde_json::to_vec(&doc).unwrap(), &opts);
    assert!(
        !r.passed(),
        "an achievement id that is not an IRI was accepted"
    );
    let c = r.find("ob3.context.terms").unwrap();
    assert!(c.message.contains("not a well-formed IRI"), "{}", c.message);
}

/// A clique a later step changed (a node or a link renamed) is no longer one: the rest may be small
/// enough to canonicalize, so the mutant is judged on its other effects (here a change under
/// the issuer's signature), not as a poison graph every verifier must refuse.
#[test]
fn a_clique_broken_by_a_later_step_is_no_longer_hostile() {
    let seed = "ob-minimal.eddsa.json";
    let clique = ValueOp::BlankClique(pick(0, 1), 6);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let renamed = (0..20_000)
        .map(|_| {
            let a = any::<Index>().new_tree(&mut runner).unwrap().current();
            let b = any::<Index>().new_tree(&mut runner).unwrap().current();
            ValueOp::Unicode(a, b)
        })
        .map(|u| {
            build(
                set(),
                &plan(
                    seed,
                    vec![clique.clone(), u],
                    ProofOp::None,
                    Layout::Compact,
                ),
            )
        })
        .find(|m| m.steps.iter().any(|s| s.contains("knows/0/id +=")))
        .expect("a unicode step on a clique node's id");
    assert_eq!(
        renamed.expect,
        Expect::RejectTampered,
        "{:?}",
        renamed.steps
    );
    assert_eq!(answer(&renamed), Answer::Rejected);
    let whole = build(
        set(),
        &plan(seed, vec![clique], ProofOp::None, Layout::Compact),
    );
    assert_eq!(whole.expect, Expect::RejectHostile, "{:?}", whole.steps);
}
