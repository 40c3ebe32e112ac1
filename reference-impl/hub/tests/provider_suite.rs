//! The provider certification suites (OB 3.0 and CLR 2.0, Read and Write) against the hub:
//! every check passes, the expired-token check included (tokens live 15 s here and the suite
//! waits them out).

mod common;

use std::time::Duration;

use wellspring_report::{render, Verdict};
use wellspring_suite_ob30::issuer::IssuerStandard as Standard;
use wellspring_suite_ob30::provider::{self, Options, Role};

#[test]
fn hub_passes_every_provider_check_for_ob_and_clr_read_and_write() {
    let hub = common::start_with(|c| c.access_ttl = Duration::from_secs(15));
    let runs: Vec<(Standard, Role)> = vec![
        (Standard::Ob30, Role::Read),
        (Standard::Ob30, Role::Write),
        (Standard::Clr20, Role::Read),
        (Standard::Clr20, Role::Write),
    ];
    // one learner per run (runs are concurrent; paging totals must not move under a reader),
    // each holding a JSON badge, a VC-JWT badge and a CLR issued by the hub
    let h = hub.running.as_ref().unwrap().hub.clone();
    let handles: Vec<_> = runs
        .into_iter()
        .enumerate()
        .map(|(i, (std, role))| {
            let (user, pass) = (
                format!("suite{i}@example.org"),
                format!("suite-password-{i}"),
            );
            h.store.add_learner(&user, &pass, None).unwrap();
            for (items, fmt) in wellspring_hub::demo::seed_results() {
                let o = h.record_results(&user, &items, fmt).unwrap();
                assert_eq!(o.issued.len(), 1);
            }
            let base = hub.base.clone();
            std::thread::spawn(move || {
                let mut o = Options::new(std, role, base);
                o.allow_private_network = true;
                o.login = Some((user, pass));
                o.expiry_wait = Duration::from_secs(16);
                o.timeout = Duration::from_secs(30);
                let rep = provider::run(&o, &mut |_, _, _| {}).expect("the suite runs");
                (std, role, rep)
            })
        })
        .collect();
    for h in handles {
        let (std, role, rep) = h.join().unwrap();
        let shown = render::human(std::slice::from_ref(&rep), true);
        let ids: Vec<&str> = rep.checks.iter().map(|c| c.id).collect();
        let declared: Vec<&str> = provider::checks(std, role).iter().map(|c| c.id).collect();
        assert_eq!(ids, declared, "every check reported");
        for c in &rep.checks {
            // the hub runs on http here: the TLS check has nothing to judge
            let want = if c.id.ends_with(".provider.tls") {
                Verdict::Skip
            } else {
                Verdict::Pass
            };
            assert_eq!(
                c.verdict, want,
                "{:?} {:?}: {} is {:?}: {}\n{shown}",
                std, role, c.id, c.verdict, c.message
            );
        }
    }
}
