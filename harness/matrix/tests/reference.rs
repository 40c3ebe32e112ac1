//! The matrix over the four reference servers — CASE server, hub, wallet (as Host and as a
//! displayer) and ATS (as a displayer) — plus two purpose-built faulty servers (a CASE provider
//! answering text/html and an OB provider that ignores scopes), each started for real on
//! loopback with a temp SQLite file. Exactly the faulty servers' cells fail.

use std::path::Path;

use wellspring_matrix::{registry, run};
use wellspring_suite_ob30::issuer::IssuerStandard;
use wellspring_suite_ob30::provider::upsert_payloads;
use wellspring_testkit::provider::{self as provider_fixture, Faults};

mod support;
use support::{html_case_server, runtime};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn four_reference_servers_pass_and_exactly_the_faulty_cells_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let rt = runtime();

    let case_url = support::case_server(t, None);
    let html_case = html_case_server(t);

    let mut h = wellspring_hub::server::Config::new(t.join("hub.sqlite"));
    h.listen = "127.0.0.1:0".parse().unwrap();
    h.demo = true;
    h.case_url = case_url.clone();
    let hub = rt.block_on(wellspring_hub::server::start(h)).unwrap();

    let mut w = wellspring_wallet::server::Config::new(t.join("wallet.sqlite"));
    w.allow_private_network = true;
    w.listen = "127.0.0.1:0".parse().unwrap();
    w.demo = true;
    let wallet = rt.block_on(wellspring_wallet::server::start(w)).unwrap();

    let mut a = wellspring_ats::server::Config::new(t.join("ats.sqlite"));
    a.allow_private_network = true;
    a.listen = "127.0.0.1:0".parse().unwrap();
    a.case_base = Some(case_url.clone());
    let ats = rt.block_on(wellspring_ats::server::start(a)).unwrap();

    let noscopes = provider_fixture::start_seeded(
        IssuerStandard::Ob30,
        Faults {
            ignore_scopes: true,
            ..Default::default()
        },
        &|| upsert_payloads(IssuerStandard::Ob30).unwrap(),
    );

    std::env::set_var("WS_MATRIX_HUB_LOGIN", "learner@example.org:wellspring-demo");
    std::env::set_var(
        "WS_MATRIX_WALLET_LOGIN",
        "learner@example.org:wellspring-demo",
    );
    std::env::set_var(
        "WS_MATRIX_FIXTURE_LOGIN",
        format!("{}:{}", provider_fixture::USER, provider_fixture::PASSWORD),
    );

    let reg = t.join("registry");
    std::fs::create_dir_all(&reg).unwrap();
    write(&reg, "case.toml", &format!("name = \"Wellspring CASE server\"\ntags = [\"reference\"]\n[[claims]]\nstandard = \"case10\"\nrole = \"provider\"\ntarget = \"{case_url}\"\n"));
    let sp = |std: &str, url: &str| {
        format!("[[claims]]\nstandard = \"{std}\"\nrole = \"service-provider-write\"\ntarget = \"{url}\"\n")
    };
    let disp = |std: &str, url: &str| {
        format!("[[claims]]\nstandard = \"{std}\"\nrole = \"displayer\"\nverify_url = \"{url}/credentials/verify\"\n")
    };
    write(&reg, "hub.toml", &format!("name = \"Wellspring hub\"\ntags = [\"reference\"]\n[auth]\nlogin_env = \"WS_MATRIX_HUB_LOGIN\"\n{}{}", sp("ob30", &hub.base_url), sp("clr20", &hub.base_url)));
    write(&reg, "wallet.toml", &format!(
        "name = \"Wellspring wallet\"\ntags = [\"reference\"]\n[auth]\nlogin_env = \"WS_MATRIX_WALLET_LOGIN\"\n{}{}{}",
        sp("ob30", &wallet.base_url), sp("clr20", &wallet.base_url), disp("ob30", &wallet.base_url)));
    write(
        &reg,
        "ats.toml",
        &format!(
            "name = \"Wellspring ATS\"\ntags = [\"reference\"]\n{}{}",
            disp("ob30", &ats.base_url),
            disp("clr20", &ats.base_url)
        ),
    );
    write(&reg, "x-case-html.toml", &format!("name = \"HTML CASE\"\ntags = [\"faulty\"]\n[[claims]]\nstandard = \"case10\"\nrole = \"provider\"\ntarget = \"{html_case}\"\n"));
    write(&reg, "y-noscopes.toml", &format!(
        "name = \"Scope-blind provider\"\ntags = [\"faulty\"]\n[auth]\nlogin_env = \"WS_MATRIX_FIXTURE_LOGIN\"\n[[claims]]\nstandard = \"ob30\"\nrole = \"service-provider-read\"\ntarget = \"{}\"\n",
        noscopes.base));

    let all = registry::load_dir(&reg).unwrap();
    assert_eq!(all.len(), 6);
    let mut o = run::Options::new();
    o.allow_private_network = true;
    o.jobs = 3;
    let m = run::run(&all, &all, &o);
    assert!(m.errors.values().all(Vec::is_empty), "{:?}", m.errors);
    assert_eq!(
        m.failed_cells(),
        vec![
            "x-case-html case.provider.content-type",
            "y-noscopes ob3.provider.profile-scope",
            "y-noscopes ob3.provider.scope"
        ]
    );
    // every claimed suite ran: the reference servers' cells are there and passed
    for (imp, id) in [
        ("hub", "ob3.provider.upsert-preserve"),
        ("hub", "clr2.provider.credentials-verify"),
        ("wallet", "clr2.provider.refresh"),
        ("wallet", "ob3.displayer.revoked"),
        ("ats", "clr2.displayer.tampered"),
        ("case", "case.provider.paging"),
    ] {
        let c = m.cell(imp, id).unwrap_or_else(|_| panic!("{imp} {id} ran"));
        assert_eq!(c.verdict, wellspring_report::Verdict::Pass, "{imp} {id}");
    }
    assert!(m.cell("ats", "ob3.provider.scope").is_err(), "not claimed");
    rt.block_on(ats.stop());
    rt.block_on(wallet.stop());
    rt.block_on(hub.stop());
}
