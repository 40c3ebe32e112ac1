//! The wallet as a Host (Service Provider Read and Write for other apps): the harness's
//! provider suites, run against the real wallet server on loopback with a temp SQLite file,
//! must pass every check for OB 3.0 and CLR 2.0; what another app upserts is then in the
//! learner's wallet, verified, and handed back byte for byte.

use wellspring_suite_ob30::issuer::IssuerStandard;
use wellspring_suite_ob30::provider::{self, Options, Role};
use wellspring_wallet::server::{self, Config, DEMO_EMAIL, DEMO_PASSWORD};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn wallet_host_passes_the_provider_suites_for_ob_and_clr() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("wallet.sqlite"));
    c.allow_private_network = true;
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    c.offline = true;
    let running = rt.block_on(server::start(c)).unwrap();
    let base = running.base_url.clone();
    for std in [IssuerStandard::Ob30, IssuerStandard::Clr20] {
        let mut o = Options::new(std, Role::Write, base.clone());
        o.allow_private_network = true;
        o.login = Some((DEMO_EMAIL.into(), DEMO_PASSWORD.into()));
        let report = provider::run(&o, &mut |_, _, _| {}).expect("the suite runs");
        let text = wellspring_report::render::human(std::slice::from_ref(&report), true);
        assert!(report.passed(), "{std:?}:\n{text}");
        let passed = report
            .checks
            .iter()
            .filter(|c| c.verdict == wellspring_report::Verdict::Pass)
            .count();
        assert!(
            passed >= provider::checks(std, Role::Write).len() - 2,
            "{std:?}: {passed} passed\n{text}"
        );
        let skipped: Vec<_> = report
            .checks
            .iter()
            .filter(|c| c.verdict == wellspring_report::Verdict::Skip)
            .map(|c| c.id)
            .collect();
        // the expired-token check needs a token that expires within the wait, the TLS check an
        // https target (this one is http on loopback); nothing else skips
        assert!(
            skipped
                .iter()
                .all(|id| id.ends_with("token-expired") || id.ends_with(".provider.tls")),
            "{std:?} skipped {skipped:?}\n{text}"
        );
    }
    // what the suite upserted is in the learner's wallet now, verified on arrival
    let id = running.store.learner_by_email(DEMO_EMAIL).unwrap().unwrap();
    let all = running.store.credentials(id).unwrap();
    assert!(
        all.len() > 4,
        "upserted credentials stored next to the 4 demo ones: {}",
        all.len()
    );
    assert!(all
        .iter()
        .any(|c| c.source == "upsertCredential" && c.status == "valid"));
    rt.block_on(running.stop());
}

#[test]
fn wrong_password_is_refused_on_the_host_sign_in() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("wallet.sqlite"));
    c.allow_private_network = true;
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    c.offline = true;
    let running = rt.block_on(server::start(c)).unwrap();
    let mut o = Options::new(IssuerStandard::Ob30, Role::Read, running.base_url.clone());
    o.allow_private_network = true;
    o.login = Some((DEMO_EMAIL.into(), "not-the-password".into()));
    let r = provider::run(&o, &mut |_, _, _| {});
    let failed = match r {
        Err(_) => true,
        Ok(rep) => !rep.passed(),
    };
    assert!(failed, "a wrong password never yields a token");
    rt.block_on(running.stop());
}
