//! Displayer certification against the ATS's machine interface: `wellspring certify --role
//! displayer` signs a valid, an expired and a revoked badge (VC DM 2.0 and 1.1) and a tampered
//! one, serves their revocation list on loopback, and asks the ATS's `POST /credentials/verify`
//! about each. The ATS must pass for OB 3.0 and CLR 2.0.

use wellspring_suite_ob30::displayer::{self, Options};
use wellspring_suite_ob30::issuer::IssuerStandard;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ats_passes_displayer_certification_for_ob30_and_clr20() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = wellspring_ats::server::Config::new(tmp.path().join("ats.sqlite"));
    c.allow_private_network = true;
    c.listen = "127.0.0.1:0".parse().unwrap();
    let ats = wellspring_ats::server::start(c).await.unwrap();
    let url = format!("{}/credentials/verify", ats.base_url);
    for std in [IssuerStandard::Ob30, IssuerStandard::Clr20] {
        let mut o = Options::new(std, url.clone());
        o.allow_private_network = true;
        let report = tokio::task::spawn_blocking(move || displayer::run(&o))
            .await
            .unwrap()
            .expect("the run happens");
        assert!(
            report.passed(),
            "{}",
            wellspring_report::render::human(std::slice::from_ref(&report), true)
        );
        assert_eq!(
            report.checks.len(),
            displayer::checks(std).len(),
            "every displayer check ran"
        );
    }
    ats.stop().await;
}
