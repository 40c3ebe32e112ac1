//! The Service Provider suite against purpose-built providers (tests/support): a good one passes
//! every check; each faulty one fails exactly the checks it should.

mod support;

use std::time::Duration;

use support::{Faults, PASSWORD, USER};
use wellspring_report::shown::Shown;
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

/// What `test` showed, compared with its section of `reports/shown/ob30.provider.json`.
fn commit_shown(test: &str, s: Shown) {
    s.assert_committed(env!("CARGO_MANIFEST_DIR"), "ob30.provider", test);
}

fn by(test: &str) -> String {
    format!("suites/ob30/tests/provider.rs::{test}")
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
            // an http (loopback) target: no TLS to judge
            "ob3.provider.token-expired" | "ob3.provider.tls" => c.verdict == Verdict::Skip,
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
    let test = "good_ob30_provider_passes_every_check";
    let mut s = Shown::new();
    s.record(&by(test), &rep);
    commit_shown(test, s);
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
        [
            "ob3.provider.profile-scope",
            "ob3.provider.scope",
            "ob3.provider.upsert-scope"
        ],
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
    let test = "expired_token_is_checked_when_short_enough";
    let mut s = Shown::new();
    for std in [Standard::Ob30, Standard::Clr20] {
        let p = support::start(
            std,
            Faults {
                short_expiry: Some(2),
                ..Default::default()
            },
        );
        let mut o = Options::new(std, Role::Read, p.base.clone());
        o.allow_private_network = true;
        o.login = Some((USER.into(), PASSWORD.into()));
        o.expiry_wait = Duration::from_secs(5);
        let rep = provider::run(&o, &mut |_, _, _| {}).unwrap();
        let id = format!("{}.provider.token-expired", std.check_prefix());
        assert_eq!(
            rep.find(&id).unwrap().verdict,
            Verdict::Pass,
            "{}",
            show(&rep)
        );
        s.record_where(&by(test), &rep, |i| i == id);
    }
    commit_shown(test, s);
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
    let test = "good_clr_provider_passes_every_check";
    let mut s = Shown::new();
    s.record(&by(test), &rep);
    commit_shown(test, s);
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
    let test = "hostile_provider_gives_failed_checks";
    let mut s = Shown::new();
    for (std, prefix) in [
        (Standard::Ob30, "ob3.provider."),
        (Standard::Clr20, "clr2.provider."),
    ] {
        let mut o = Options::new(std, Role::Write, base.clone());
        o.allow_private_network = true;
        o.login = Some((USER.into(), PASSWORD.into()));
        o.timeout = Duration::from_secs(3);
        let t = std::time::Instant::now();
        let rep = provider::run(&o, &mut |_, _, _| {}).unwrap();
        assert!(t.elapsed() < Duration::from_secs(60));
        let f = failed(&rep);
        for name in ["discovery", "register", "auth-required", "credentials"] {
            let id = format!("{prefix}{name}");
            assert!(f.contains(&id.as_str()), "{id} should fail\n{}", show(&rep));
        }
        s.record_where(&by(test), &rep, |id| {
            FAILED_BY_THE_HOSTILE_PROVIDER
                .iter()
                .any(|n| id == format!("{prefix}{n}"))
        });
    }
    commit_shown(test, s);
}

/// One faulty provider per check: the defect, and the check it must make fail.
fn shown_failing_by() -> Vec<(&'static str, Faults)> {
    let f = Faults::default;
    vec![
        (
            "register-invalid",
            Faults {
                register_without_redirects: true,
                ..f()
            },
        ),
        (
            "authorize",
            Faults {
                wrong_state: true,
                ..f()
            },
        ),
        (
            "authorize-redirect-mismatch",
            Faults {
                redirect_anywhere: true,
                ..f()
            },
        ),
        (
            "authorize-pkce-required",
            Faults {
                pkce_optional: true,
                ..f()
            },
        ),
        (
            "authorize-pkce-required",
            Faults {
                accept_plain_pkce: true,
                ..f()
            },
        ),
        (
            "profile-scope",
            Faults {
                profile_ignores_scopes: true,
                ..f()
            },
        ),
        (
            "wrong-method",
            Faults {
                delete_allowed: true,
                ..f()
            },
        ),
        (
            "token-client-auth",
            Faults {
                token_without_client_auth: true,
                ..f()
            },
        ),
        (
            "token-redirect-binding",
            Faults {
                ignore_redirect_binding: true,
                ..f()
            },
        ),
        (
            "refresh-scope",
            Faults {
                refresh_widens_scope: true,
                ..f()
            },
        ),
        (
            "upsert-jws",
            Faults {
                jws_rewritten: true,
                ..f()
            },
        ),
        (
            "token",
            Faults {
                token_cacheable: true,
                ..f()
            },
        ),
        (
            "token-wrong-verifier",
            Faults {
                ignore_verifier: true,
                ..f()
            },
        ),
        (
            "token-code-reuse",
            Faults {
                reuse_code: true,
                ..f()
            },
        ),
        (
            "auth-required",
            Faults {
                profile_without_token: true,
                ..f()
            },
        ),
        (
            "auth-invalid-token",
            Faults {
                accept_unknown_tokens: true,
                ..f()
            },
        ),
        (
            "scope",
            Faults {
                ignore_scopes: true,
                ..f()
            },
        ),
        (
            "credentials-verify",
            Faults {
                tamper: true,
                ..f()
            },
        ),
        (
            "paging",
            Faults {
                bad_paging: true,
                ..f()
            },
        ),
        (
            "since",
            Faults {
                ignore_since: true,
                ..f()
            },
        ),
        (
            "bad-query",
            Faults {
                lenient_query: true,
                ..f()
            },
        ),
        (
            "profile",
            Faults {
                bad_profile: true,
                ..f()
            },
        ),
        (
            "upsert-create",
            Faults {
                create_answers_200: true,
                ..f()
            },
        ),
        (
            "upsert-replace",
            Faults {
                replace_answers_201: true,
                ..f()
            },
        ),
        (
            "upsert-preserve",
            Faults {
                lose_fields: true,
                ..f()
            },
        ),
        (
            "upsert-jws",
            Faults {
                refuse_jws: true,
                ..f()
            },
        ),
        (
            "upsert-malformed",
            Faults {
                accept_malformed_upsert: true,
                ..f()
            },
        ),
        (
            "upsert-scope",
            Faults {
                ignore_scopes: true,
                ..f()
            },
        ),
        (
            "profile-put",
            Faults {
                refuse_profile_put: true,
                ..f()
            },
        ),
        (
            "profile-put-malformed",
            Faults {
                accept_malformed_profile: true,
                ..f()
            },
        ),
        (
            "refresh",
            Faults {
                refuse_refresh: true,
                ..f()
            },
        ),
        (
            "revoke",
            Faults {
                ignore_revocation: true,
                ..f()
            },
        ),
        (
            "token-expired",
            Faults {
                short_expiry: Some(1),
                ignore_expiry: true,
                ..f()
            },
        ),
    ]
}

/// Checks the hostile provider of `hostile_provider_gives_failed_checks` makes fail.
const FAILED_BY_THE_HOSTILE_PROVIDER: &[&str] = &["discovery", "register", "credentials"];

/// Checks shown failing by fixtures of their own: `tls` by the TLS servers of
/// `tls_version_is_judged_from_the_handshake` (the faulty provider is http).
const FAILED_BY_OWN_FIXTURE: &[&str] = &["tls"];

/// Every check of the write role (the read role's are a subset) is shown failing by a
/// provider with one defect, for OB 3.0 and CLR 2.0 alike, and passing by the good provider.
#[test]
fn every_provider_check_is_shown_failing_by_a_faulty_provider() {
    let test = "every_provider_check_is_shown_failing_by_a_faulty_provider";
    let mut shown = Shown::new();
    for std in [Standard::Ob30, Standard::Clr20] {
        let prefix = match std {
            Standard::Ob30 => "ob3.provider.",
            Standard::Clr20 => "clr2.provider.",
        };
        let table = shown_failing_by();
        let mut unshown = Vec::new();
        for def in provider::checks(std, Role::Write) {
            let name = def.id.strip_prefix(prefix).expect("provider check prefix");
            if FAILED_BY_THE_HOSTILE_PROVIDER.contains(&name)
                || FAILED_BY_OWN_FIXTURE.contains(&name)
            {
                continue;
            }
            if !table.iter().any(|(n, _)| *n == name) {
                unshown.push(def.id);
            }
        }
        assert!(
            unshown.is_empty(),
            "no faulty provider makes these fail: {unshown:?}"
        );
        for (name, faults) in table {
            if FAILED_BY_THE_HOSTILE_PROVIDER.contains(&name) {
                continue;
            }
            let p = support::start(std, faults);
            let mut o = Options::new(std, Role::Write, p.base.clone());
            o.allow_private_network = true;
            o.login = Some((USER.into(), PASSWORD.into()));
            o.timeout = Duration::from_secs(10);
            if faults.short_expiry.is_some() {
                o.expiry_wait = Duration::from_secs(3);
            }
            let rep = provider::run(&o, &mut |_, _, _| {}).expect("suite runs");
            let id = format!("{prefix}{name}");
            assert_eq!(
                rep.find(&id).map(|c| c.verdict),
                Some(Verdict::Fail),
                "{id} should fail against {faults:?}\n{}",
                show(&rep)
            );
            shown.record_where(
                &format!("{} (faulty provider: {name})", by(test)),
                &rep,
                |i| i == id,
            );
        }
    }
    commit_shown(test, shown);
}

/// What the spec leaves to the provider is not failed: X-Total-Count omitted (the total is not
/// known) passes the paging check; expires_in omitted (RFC 6749 recommends it) is a warning.
#[test]
fn optional_parts_of_the_api_are_not_failed() {
    let (_p, rep) = run(
        Standard::Ob30,
        Role::Write,
        Faults {
            omit_total_count: true,
            omit_expires_in: true,
            ..Default::default()
        },
    );
    assert!(failed(&rep).is_empty(), "{}", show(&rep));
    assert_eq!(
        rep.find("ob3.provider.paging").unwrap().verdict,
        Verdict::Pass
    );
    let token = rep.find("ob3.provider.token").unwrap();
    assert_eq!(token.verdict, Verdict::Warn, "{}", show(&rep));
    assert!(token.message.contains("expires_in"), "{}", token.message);
}

/// TLS 1.2+ (`tls`): judged from a handshake with loopback servers: rustls negotiating TLS 1.3
/// or only TLS 1.2 pass (the version is the evidence); a server answering with a TLS 1.0
/// ServerHello, or alerting `protocol_version`, fails; an http target is skipped. A whole run
/// against a TLS 1.0 server reports the failure instead of "cannot reach the provider".
#[test]
fn tls_version_is_judged_from_the_handshake() {
    use wellspring_http::NetPolicy;
    use wellspring_testkit::tls::{serve, TlsServer};
    let policy = NetPolicy::default()
        .with_timeout(Duration::from_secs(10))
        .allow_private(true);
    let test = "tls_version_is_judged_from_the_handshake";
    let mut s = Shown::new();
    for std in [Standard::Ob30, Standard::Clr20] {
        let mut doc = DocReport::new(format!("{std:?} TLS fixtures"));
        for (kind, verdict, says) in [
            (TlsServer::Tls13, Verdict::Pass, "TLS 1.3 negotiated"),
            (TlsServer::Tls12Only, Verdict::Pass, "TLS 1.2 negotiated"),
            (TlsServer::AnswersTls10, Verdict::Fail, "below TLS 1.2"),
            (
                TlsServer::AlertsProtocolVersion,
                Verdict::Fail,
                "alert protocol_version",
            ),
        ] {
            let base = serve(kind, 1);
            let r = provider::tls_result(std, &base, &policy);
            assert_eq!(r.verdict, verdict, "{kind:?}: {}", r.message);
            assert!(r.message.contains(says), "{kind:?}: {}", r.message);
            doc.push(r);
        }
        let r = provider::tls_result(std, "http://127.0.0.1:1", &policy);
        assert_eq!(r.verdict, Verdict::Skip);
        // without --allow-private-network the probe refuses loopback like every request
        let base = serve(TlsServer::Tls13, 1);
        let r = provider::tls_result(std, &base, &NetPolicy::default());
        assert_eq!(r.verdict, Verdict::Warn, "{}", r.message);
        assert!(r.message.contains("refused"), "{}", r.message);
        s.record(&by(test), &doc);
    }
    // a whole run against a TLS 1.0 server: the failed check, every other one skipped
    let base = serve(TlsServer::AnswersTls10, 2);
    let mut o = Options::new(Standard::Ob30, Role::Read, base);
    o.allow_private_network = true;
    let rep = provider::run(&o, &mut |_, _, _| {}).expect("a report, not an error");
    assert_eq!(failed(&rep), ["ob3.provider.tls"], "{}", show(&rep));
    assert!(rep
        .checks
        .iter()
        .filter(|c| c.id != "ob3.provider.tls")
        .all(|c| c.verdict == Verdict::Skip));
    commit_shown(test, s);
}
