//! The Service Provider suite against purpose-built providers (tests/support): a good one passes
//! every check; each faulty one fails exactly the checks it should.

mod support;

use std::time::Duration;

use support::{Faults, PASSWORD, USER};
use wellspring_report::{render, DocReport, Verdict};
use wellspring_suite_ob30::issuer::IssuerStandard as Standard;
use wellspring_suite_ob30::provider::{self, Options, Role};

fn run(std: Standard, role: Role, faults: Faults) -> (support::Provider, DocReport) {
    let p = support::start(std, faults);
    let mut o = Options::new(std, role, p.base.clone());
    o.allow_private_network = true;
    o.login = Some((USER.into(), PASSWORD.into()));
    o.timeout = Duration::from_secs(10);
    let mut steps = Vec::new();
    let rep = provider::run(&o, &mut |done, total, id| {
        steps.push((done, total, id.to_owned()))
    })
    .expect("suite runs");
    assert!(
        steps.len() >= provider::checks(std, role).len(),
        "progress called per step"
    );
    (p, rep)
}

fn failed(rep: &DocReport) -> Vec<&'static str> {
    rep.failed_ids()
}

fn show(rep: &DocReport) -> String {
    render::human(std::slice::from_ref(rep), true)
}

#[test]
fn good_ob30_provider_passes_every_check() {
    let (p, rep) = run(Standard::Ob30, Role::Write, Faults::default());
    assert!(failed(&rep).is_empty(), "{}", show(&rep));
    // every declared check reported once, in declared order
    let ids: Vec<_> = rep.checks.iter().map(|c| c.id).collect();
    let declared: Vec<_> = provider::checks(Standard::Ob30, Role::Write)
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, declared);
    for c in &rep.checks {
        let ok = match c.id {
            "ob3.provider.token-expired" => c.verdict == Verdict::Skip,
            _ => c.verdict == Verdict::Pass,
        };
        assert!(
            ok,
            "{} is {:?}: {}\n{}",
            c.id,
            c.verdict,
            c.message,
            show(&rep)
        );
    }
    // masking: no password, client secret, code or token reaches the report
    let json = serde_json::to_string(&render::json(std::slice::from_ref(&rep))).unwrap();
    assert!(!json.contains(PASSWORD));
    let secrets = p.secrets();
    assert!(secrets.len() > 5);
    for s in secrets {
        assert!(!json.contains(&s), "secret {s} leaked into the report");
    }
    assert!(json.contains("Bearer ****") && json.contains("Basic ****"));
}

#[test]
fn read_role_has_no_write_checks() {
    let (_p, rep) = run(Standard::Ob30, Role::Read, Faults::default());
    assert!(failed(&rep).is_empty(), "{}", show(&rep));
    assert!(rep.find("ob3.provider.upsert-create").is_none());
    assert!(rep.find("ob3.provider.paging").is_some());
}

#[test]
fn provider_ignoring_scopes_fails_scope_checks() {
    let (_p, rep) = run(
        Standard::Ob30,
        Role::Write,
        Faults {
            ignore_scopes: true,
            ..Default::default()
        },
    );
    assert_eq!(
        failed(&rep),
        ["ob3.provider.scope", "ob3.provider.upsert-scope"],
        "{}",
        show(&rep)
    );
}

#[test]
fn provider_with_broken_paging_headers_fails_paging() {
    let (_p, rep) = run(
        Standard::Ob30,
        Role::Write,
        Faults {
            bad_paging: true,
            ..Default::default()
        },
    );
    assert_eq!(failed(&rep), ["ob3.provider.paging"], "{}", show(&rep));
}

#[test]
fn provider_accepting_a_reused_code_fails_code_reuse() {
    let (_p, rep) = run(
        Standard::Ob30,
        Role::Write,
        Faults {
            reuse_code: true,
            ..Default::default()
        },
    );
    assert_eq!(
        failed(&rep),
        ["ob3.provider.token-code-reuse"],
        "{}",
        show(&rep)
    );
}

#[test]
fn provider_losing_fields_fails_preserve_with_pointers() {
    let (_p, rep) = run(
        Standard::Ob30,
        Role::Write,
        Faults {
            lose_fields: true,
            ..Default::default()
        },
    );
    assert_eq!(
        failed(&rep),
        ["ob3.provider.upsert-preserve"],
        "{}",
        show(&rep)
    );
    let c = rep.find("ob3.provider.upsert-preserve").unwrap();
    assert!(
        c.evidence
            .iter()
            .any(|e| e.pointer.as_deref() == Some("/proof")),
        "{:?}",
        c.evidence
    );
}

#[test]
fn provider_with_tampered_credentials_fails_verification() {
    let (_p, rep) = run(
        Standard::Ob30,
        Role::Write,
        Faults {
            tamper: true,
            ..Default::default()
        },
    );
    assert_eq!(
        failed(&rep),
        ["ob3.provider.credentials-verify"],
        "{}",
        show(&rep)
    );
}

#[test]
fn expired_token_is_checked_when_short_enough() {
    let p = support::start(
        Standard::Ob30,
        Faults {
            short_expiry: Some(2),
            ..Default::default()
        },
    );
    let mut o = Options::new(Standard::Ob30, Role::Read, p.base.clone());
    o.allow_private_network = true;
    o.login = Some((USER.into(), PASSWORD.into()));
    o.expiry_wait = Duration::from_secs(5);
    let rep = provider::run(&o, &mut |_, _, _| {}).unwrap();
    assert_eq!(
        rep.find("ob3.provider.token-expired").unwrap().verdict,
        Verdict::Pass,
        "{}",
        show(&rep)
    );
}

#[test]
fn token_option_skips_the_oauth_checks() {
    let p = support::start(Standard::Ob30, Faults::default());
    let mut o = Options::new(Standard::Ob30, Role::Read, p.base.clone());
    o.allow_private_network = true;
    o.token = Some("not-a-real-token".into());
    let rep = provider::run(&o, &mut |_, _, _| {}).unwrap();
    assert_eq!(
        rep.find("ob3.provider.register").unwrap().verdict,
        Verdict::Skip
    );
    assert_eq!(
        rep.find("ob3.provider.credentials").unwrap().verdict,
        Verdict::Fail
    );
}

#[test]
fn good_clr_provider_passes_every_check() {
    let (_p, rep) = run(Standard::Clr20, Role::Write, Faults::default());
    assert!(failed(&rep).is_empty(), "{}", show(&rep));
    assert!(rep
        .checks
        .iter()
        .all(|c| c.id.starts_with("clr2.provider.")));
}

#[test]
fn clr_provider_losing_fields_fails_preserve() {
    let (_p, rep) = run(
        Standard::Clr20,
        Role::Write,
        Faults {
            lose_fields: true,
            ..Default::default()
        },
    );
    assert_eq!(
        failed(&rep),
        ["clr2.provider.upsert-preserve"],
        "{}",
        show(&rep)
    );
}

#[test]
fn unreachable_target_cannot_run() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let mut o = Options::new(
        Standard::Ob30,
        Role::Read,
        format!("http://127.0.0.1:{port}"),
    );
    o.allow_private_network = true;
    o.login = Some((USER.into(), PASSWORD.into()));
    assert!(provider::run(&o, &mut |_, _, _| {}).is_err());
}

/// A hostile provider: HTML for discovery, redirect loops and garbage elsewhere. The suite
/// must end with failed checks, not a panic or a hang.
#[test]
fn hostile_provider_gives_failed_checks() {
    use axum::http::{StatusCode, Uri};
    use axum::response::IntoResponse;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(|uri: Uri| async move {
        match uri.path() {
            p if p.ends_with("/discovery") => {
                (StatusCode::OK, "<html>not json</html>").into_response()
            }
            p if p.starts_with("/loop") => {
                (StatusCode::FOUND, [("location", "/loop")]).into_response()
            }
            _ => (
                StatusCode::OK,
                [("content-type", "application/json")],
                "{\"credential\": [1, 2",
            )
                .into_response(),
        }
    });
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    let mut o = Options::new(Standard::Ob30, Role::Write, base);
    o.allow_private_network = true;
    o.login = Some((USER.into(), PASSWORD.into()));
    o.timeout = Duration::from_secs(3);
    let t = std::time::Instant::now();
    let rep = provider::run(&o, &mut |_, _, _| {}).unwrap();
    assert!(t.elapsed() < Duration::from_secs(60));
    let f = failed(&rep);
    for id in [
        "ob3.provider.discovery",
        "ob3.provider.register",
        "ob3.provider.auth-required",
        "ob3.provider.credentials",
    ] {
        assert!(f.contains(&id), "{id} should fail\n{}", show(&rep));
    }
}
