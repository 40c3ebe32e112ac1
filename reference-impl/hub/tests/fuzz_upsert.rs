//! `wellspring fuzz --target-upsert` against the hub's upsertCredential: a real provider on a
//! loopback port, signed in through its OAuth pages. The hub stores what it is sent (the API
//! does not ask a provider to verify), so the robustness oracles must all hold; the verifying
//! mode's reject oracles then fire, as they would against a wallet that skipped its checks.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use wellspring_fuzz::mutate::Limits;
use wellspring_fuzz::target::{Target, TargetSpec};
use wellspring_fuzz::{Campaign, Config, Oracle};

fn campaign(spec: TargetSpec, token: &str, seed: u64, cases: u64) -> Arc<Campaign> {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/valid");
    let set = wellspring_fuzz::seed::load(&vectors, None).expect("seeds");
    let target = Target::new(spec, Duration::from_secs(20), Some(token.to_owned()), true).unwrap();
    let config = Config {
        seed,
        cases: Some(cases),
        jobs: 2,
        limits: Limits {
            max_string: 64 * 1024,
            max_array: 2_000,
            max_depth: 2_000,
        },
        shrink_steps: 16,
        ..Config::default()
    };
    Arc::new(Campaign::new(set, target, config).unwrap())
}

#[test]
fn the_hub_upsert_endpoint_survives_fuzzing() {
    let hub = common::start();
    let token = common::demo_token(&hub.base);
    let url = format!("{}/ims/ob/v3p0/credentials", hub.base);
    let before = common::list(&hub.base, "/ims/ob/v3p0", &token).2;

    let sm = campaign(TargetSpec::Upsert(url.clone()), &token, 21, 300).run(&|_, _| {});
    assert_eq!(sm.cases, 300);
    assert_eq!(sm.not_run, 0, "{sm:?}");
    assert!(
        sm.findings.is_empty(),
        "crash / hang / 5xx: {:?}",
        sm.findings
            .iter()
            .map(|f| (f.oracle, f.mutant.steps.clone(), f.answer.clone()))
            .collect::<Vec<_>>()
    );
    // Not vacuous: intact mutants were stored, broken ones refused (4xx), and the store kept
    // answering getCredentials throughout.
    assert!(sm.accepted_as_expected > 0, "{sm:?}");
    assert!(sm.rejected_as_expected > 0, "{sm:?}");
    assert!(common::list(&hub.base, "/ims/ob/v3p0", &token).2 > before);

    // Judged as a verifying host, the hub is caught storing tampered credentials.
    let sm = campaign(TargetSpec::UpsertVerifying(url), &token, 22, 100).run(&|_, _| {});
    assert!(
        sm.findings
            .iter()
            .any(|f| f.oracle == Oracle::RejectTampered),
        "{sm:?}"
    );
    // (the hostile family's forgeries and poison graphs are stored too: a host keeps the
    // learner's credentials of other issuers as sent; only credentials naming the hub itself
    // as issuer must carry its proof — tests/hostile.rs, an_upsert_cannot_impersonate_the_hub)
    assert!(
        sm.findings.iter().all(|f| matches!(
            f.oracle,
            Oracle::RejectTampered
                | Oracle::RejectSchemaViolation
                | Oracle::RejectHostile
                | Oracle::NoForgedIssuer
        )),
        "{sm:?}"
    );
}
