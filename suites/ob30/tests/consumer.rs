//! Service Consumer certification: the harness is the provider; purpose-built consumers
//! (driven by the `oauth2` crate, a client nobody here wrote) talk to it over loopback. A
//! careful consumer passes; one that skips PKCE, one that asks the wrong scopes, one that
//! ignores paging and one that upserts a credential for someone else fail exactly their checks.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, RedirectUrl,
    Scope, TokenResponse, TokenUrl,
};
use serde_json::{json, Value};
use wellspring_report::DocReport;
use wellspring_suite_ob30::consumer::{self, Options, Role};
use wellspring_suite_ob30::issuer::IssuerStandard as Standard;

#[derive(Clone, Copy, Default)]
struct Faults {
    no_pkce: bool,
    wrong_scopes: bool,
    ignore_paging: bool,
    no_state: bool,
    /// registers without the software and policy fields the spec requires
    sparse_registration: bool,
    /// putProfile sends something that is not a Profile
    bad_profile: bool,
    /// claims error handling (`--inject-errors`): the harness injects a 401 and a 429
    claim_errors: bool,
    /// takes an injected 401 or 429 as the end of the listing
    ignores_errors: bool,
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn next_link(link: &str) -> Option<String> {
    link.split(',')
        .find(|p| p.contains("rel=\"next\""))
        .and_then(|p| {
            let p = p.trim();
            Some(p[p.find('<')? + 1..p.find('>')?].to_owned())
        })
}

/// A Service Consumer: discovery → registration → authorize (login form) → token → API calls.
fn consume(
    discovery_url: &str,
    api: &str,
    std: Standard,
    role: Role,
    f: Faults,
    upsert: Option<Value>,
) {
    let h = http();
    let sdd: Value = h.get(discovery_url).send().unwrap().json().unwrap();
    let scheme = &sdd["components"]["securitySchemes"]["OAuth2ACG"];
    let flow = &scheme["flows"]["authorizationCode"];
    let redirect = "https://consumer.wellspring.example/callback";
    let prefix = match std {
        Standard::Ob30 => "https://purl.imsglobal.org/spec/ob/v3p0/scope/",
        Standard::Clr20 => "https://purl.imsglobal.org/spec/clr/v2p0/scope/",
    };
    let names: &[&str] = match (role, f.wrong_scopes) {
        (_, true) => &["credential.upsert", "admin.everything"],
        (Role::Read, _) => &["credential.readonly", "profile.readonly"],
        (Role::Write, _) => &["credential.upsert", "profile.update"],
    };
    let scopes = names
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut registration = json!({
        "client_name": "Test consumer", "client_uri": "https://consumer.wellspring.example/",
        "logo_uri": "https://consumer.wellspring.example/logo.png", "tos_uri": "https://consumer.wellspring.example/tos",
        "policy_uri": "https://consumer.wellspring.example/privacy", "software_id": "test-consumer",
        "software_version": "1.0", "redirect_uris": [redirect], "scope": scopes,
        "token_endpoint_auth_method": "client_secret_basic", "grant_types": ["authorization_code", "refresh_token"],
    });
    if f.sparse_registration {
        for k in ["software_id", "software_version", "policy_uri", "tos_uri"] {
            registration.as_object_mut().unwrap().remove(k);
        }
    }
    let reg: Value = h
        .post(scheme["x-imssf-registrationUrl"].as_str().unwrap())
        .json(&registration)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let client = BasicClient::new(ClientId::new(reg["client_id"].as_str().unwrap().into()))
        .set_client_secret(ClientSecret::new(
            reg["client_secret"].as_str().unwrap().into(),
        ))
        .set_auth_uri(AuthUrl::new(flow["authorizationUrl"].as_str().unwrap().into()).unwrap())
        .set_token_uri(TokenUrl::new(flow["tokenUrl"].as_str().unwrap().into()).unwrap())
        .set_redirect_uri(RedirectUrl::new(redirect.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client.authorize_url(CsrfToken::new_random);
    for n in names {
        req = req.add_scope(Scope::new(format!("{prefix}{n}")));
    }
    if !f.no_pkce {
        req = req.set_pkce_challenge(challenge);
    }
    let (mut url, state) = req.url();
    if f.no_state {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "state")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    // the login page: a form with a hidden request id
    let html = h.get(url.as_str()).send().unwrap().text().unwrap();
    let marker = "name=\"request\" value=\"";
    let start = html.find(marker).expect("login form") + marker.len();
    let request = &html[start..start + html[start..].find('"').unwrap()];
    let base = url.origin().ascii_serialization();
    let resp = h
        .post(format!("{base}/oauth/login"))
        .form(&[
            ("request", request),
            ("username", "conformance@imsglobal.org"),
            ("password", "wellspring-conformance"),
        ])
        .send()
        .unwrap();
    let location = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = location.query_pairs().into_owned().collect();
    if !f.no_state {
        assert_eq!(q.get("state"), Some(state.secret()), "state round-trips");
    }
    // security.html lists scope among the token request's parameters; RFC 6749 does not
    let mut exchange = client
        .exchange_code(AuthorizationCode::new(q["code"].clone()))
        .add_extra_param("scope", scopes.clone());
    if !f.no_pkce {
        exchange = exchange.set_pkce_verifier(verifier);
    }
    let token = exchange.request(&h).expect("token");
    let mut bearer = token.access_token().secret().clone();
    let mut refresh = token.refresh_token().cloned();
    match role {
        Role::Read => {
            let mut next = Some(format!("{api}/credentials"));
            while let Some(u) = next.take() {
                let r = h.get(&u).bearer_auth(&bearer).send().unwrap();
                // a careful consumer: a refused token is refreshed, a busy answer waited out
                if r.status() == 401 && !f.ignores_errors {
                    if let Some(rt) = refresh.take() {
                        let t = client
                            .exchange_refresh_token(&rt)
                            .request(&h)
                            .expect("refresh");
                        bearer = t.access_token().secret().clone();
                        refresh = t.refresh_token().cloned();
                        next = Some(u);
                        continue;
                    }
                }
                if r.status() == 429 && !f.ignores_errors {
                    let secs: u64 = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok()?.parse().ok())
                        .unwrap_or(1);
                    std::thread::sleep(Duration::from_secs(secs.min(5)));
                    next = Some(u);
                    continue;
                }
                let link = r
                    .headers()
                    .get("link")
                    .map(|l| l.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                if !f.ignore_paging {
                    next = next_link(&link);
                }
            }
            h.get(format!("{api}/profile"))
                .bearer_auth(&bearer)
                .send()
                .unwrap();
        }
        Role::Write => {
            let body = upsert.unwrap();
            h.post(format!("{api}/credentials"))
                .bearer_auth(&bearer)
                .json(&body)
                .send()
                .unwrap();
            let profile = if f.bad_profile {
                json!({"id": 42, "type": "Person"})
            } else {
                json!({"id": "https://1edtech.org/issuers/cert", "type": ["Profile"], "name": "Certification Issuer"})
            };
            h.put(format!("{api}/profile"))
                .bearer_auth(&bearer)
                .json(&profile)
                .send()
                .unwrap();
        }
    }
}

fn certify(std: Standard, role: Role, f: Faults, upsert: Option<Value>) -> DocReport {
    let mut o = Options::new(std, role);
    o.wait = Duration::from_secs(30);
    o.quiet = Duration::from_millis(300);
    o.inject_errors = f.claim_errors;
    let session = consumer::start(&o).unwrap();
    let disc = session.discovery_url();
    let api = disc.trim_end_matches("/discovery").to_owned();
    let t = std::thread::spawn(move || consume(&disc, &api, std, role, f, upsert));
    let report = session.wait();
    t.join().unwrap();
    report
}

fn vector(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn show(r: &DocReport) -> String {
    wellspring_report::render::human(std::slice::from_ref(r), true)
}

/// A careful reader that claims error handling: the harness injects a 401 and a 429.
fn claims_errors() -> Faults {
    Faults {
        claim_errors: true,
        ..Faults::default()
    }
}

#[test]
fn careful_read_consumer_passes_every_check() {
    let r = certify(Standard::Ob30, Role::Read, claims_errors(), None);
    assert!(r.passed(), "{}", show(&r));
    assert_eq!(r.checks.len(), 10);
    assert!(
        r.checks
            .iter()
            .all(|c| c.verdict == wellspring_report::Verdict::Pass),
        "{}",
        show(&r)
    );
}

#[test]
fn error_handling_is_judged_only_when_claimed() {
    use wellspring_report::Verdict;
    let id = "ob3.consumer.error-handling";
    let r = certify(Standard::Ob30, Role::Read, Faults::default(), None);
    let c = r.find(id).unwrap();
    assert_eq!(c.verdict, Verdict::Skip, "{}", c.message);
    assert!(r.passed(), "{}", show(&r));
    let r = certify(Standard::Ob30, Role::Read, claims_errors(), None);
    let c = r.find(id).unwrap();
    assert_eq!(c.verdict, Verdict::Pass, "{}", show(&r));
    assert!(
        c.message.contains("refresh_token") && c.message.contains("offset 2"),
        "{}",
        c.message
    );
    let f = Faults {
        ignores_errors: true,
        ..claims_errors()
    };
    let r = certify(Standard::Ob30, Role::Read, f, None);
    let c = r.find(id).unwrap();
    assert_eq!(c.verdict, Verdict::Fail, "{}", show(&r));
    assert!(c.message.contains("got no new token"), "{}", c.message);
}

#[test]
fn careful_clr_read_consumer_passes() {
    let r = certify(Standard::Clr20, Role::Read, Faults::default(), None);
    assert!(r.passed(), "{}", show(&r));
    assert!(r.checks.iter().all(|c| c.id.starts_with("clr2.consumer.")));
}

#[test]
fn consumer_without_pkce_fails_pkce_only() {
    let r = certify(
        Standard::Ob30,
        Role::Read,
        Faults {
            no_pkce: true,
            ..Default::default()
        },
        None,
    );
    assert_eq!(
        r.failed_ids(),
        vec!["ob3.consumer.pkce", "ob3.consumer.token-request"],
        "{}",
        show(&r)
    );
}

#[test]
fn consumer_asking_wrong_scopes_fails_scopes_and_cannot_read() {
    let r = certify(
        Standard::Ob30,
        Role::Read,
        Faults {
            wrong_scopes: true,
            ..Default::default()
        },
        None,
    );
    // without credential.readonly and profile.readonly the provider refuses the reads
    assert_eq!(
        r.failed_ids(),
        vec![
            "ob3.consumer.get-credentials",
            "ob3.consumer.get-profile",
            "ob3.consumer.paging",
            "ob3.consumer.scopes"
        ],
        "{}",
        show(&r)
    );
}

#[test]
fn consumer_ignoring_paging_fails_paging_only() {
    let r = certify(
        Standard::Ob30,
        Role::Read,
        Faults {
            ignore_paging: true,
            ..Default::default()
        },
        None,
    );
    assert_eq!(r.failed_ids(), vec!["ob3.consumer.paging"], "{}", show(&r));
}

#[test]
fn consumer_without_state_fails_state_only() {
    let r = certify(
        Standard::Ob30,
        Role::Read,
        Faults {
            no_state: true,
            ..Default::default()
        },
        None,
    );
    assert_eq!(r.failed_ids(), vec!["ob3.consumer.state"], "{}", show(&r));
}

#[test]
fn write_consumer_upserting_a_conformance_credential_passes() {
    let r = certify(
        Standard::Ob30,
        Role::Write,
        Faults::default(),
        Some(vector("valid/ob-full.eddsa.json")),
    );
    assert!(r.passed(), "{}", show(&r));
    assert_eq!(
        r.find("ob3.consumer.put-profile").unwrap().verdict,
        wellspring_report::Verdict::Pass
    );
}

#[test]
fn write_consumer_upserting_someone_elses_credential_fails_upsert() {
    let r = certify(
        Standard::Ob30,
        Role::Write,
        Faults::default(),
        Some(vector("invalid/ob3.recipient.email-mismatch.json")),
    );
    assert_eq!(r.failed_ids(), vec!["ob3.consumer.upsert"], "{}", show(&r));
}

#[test]
fn a_consumer_that_never_comes_fails_for_lack_of_calls() {
    let mut o = Options::new(Standard::Ob30, Role::Read);
    o.wait = Duration::from_millis(300);
    let r = consumer::start(&o).unwrap().wait();
    assert!(
        r.failed_ids().contains(&"ob3.consumer.discovery"),
        "{}",
        show(&r)
    );
    // every check fails, but the optional one it never claimed (skipped)
    assert!(r.checks.iter().all(|c| c.verdict
        == if c.id == "ob3.consumer.error-handling" {
            wellspring_report::Verdict::Skip
        } else {
            wellspring_report::Verdict::Fail
        }));
}

#[test]
fn consumer_registering_without_required_fields_fails_register() {
    let f = Faults {
        sparse_registration: true,
        ..Faults::default()
    };
    for std in [Standard::Ob30, Standard::Clr20] {
        let r = certify(std, Role::Read, f, None);
        let id = match std {
            Standard::Ob30 => "ob3.consumer.register",
            Standard::Clr20 => "clr2.consumer.register",
        };
        assert_eq!(r.failed_ids(), vec![id], "{}", show(&r));
    }
}

#[test]
fn write_consumer_putting_something_that_is_not_a_profile_fails_put_profile() {
    let f = Faults {
        bad_profile: true,
        ..Faults::default()
    };
    let r = certify(
        Standard::Ob30,
        Role::Write,
        f,
        Some(vector("valid/ob-full.eddsa.json")),
    );
    assert_eq!(
        r.failed_ids(),
        vec!["ob3.consumer.put-profile"],
        "{}",
        show(&r)
    );
}

/// The vectors' CLR, issued to `email` and signed again by the vectors' issuer key.
fn clr_for(email: &str) -> Value {
    let mut clr = vector("valid/clr.eddsa.json");
    clr.as_object_mut().unwrap().remove("proof");
    clr["credentialSubject"]["identifier"] = json!([{
        "type": "IdentityObject", "identityType": "emailAddress", "hashed": false,
        "identityHash": email
    }]);
    let key: wellspring_verify::keys::Jwk =
        serde_json::from_value(vector("keys/ed25519-issuer.priv.jwk.json")).unwrap();
    let (_, vm) = wellspring_verify::keys::did_key_of(&key).unwrap();
    wellspring_verify::di::sign(
        &clr,
        &key,
        &vm,
        "2025-01-01T00:00:00Z",
        &wellspring_verify::loader::ContextLoader::offline(),
    )
    .unwrap()
}

/// Every consumer check, OB 3.0 and CLR 2.0, shown passing by a careful consumer and failing by
/// one with a single defect; what each showed is kept in `reports/shown/ob30.consumer.json`.
#[test]
fn every_consumer_check_is_shown_failing_and_passing() {
    use wellspring_report::shown::Shown;
    let test = "every_consumer_check_is_shown_failing_and_passing";
    let by = |label: &str| format!("suites/ob30/tests/consumer.rs::{test} (consumer that {label})");
    let f = Faults::default;
    let mut shown = Shown::new();
    for std in [Standard::Ob30, Standard::Clr20] {
        let (prefix, good, foreign) = match std {
            Standard::Ob30 => (
                "ob3.consumer.",
                vector("valid/ob-full.eddsa.json"),
                vector("invalid/ob3.recipient.email-mismatch.json"),
            ),
            Standard::Clr20 => (
                "clr2.consumer.",
                clr_for("conformance@imsglobal.org"),
                clr_for("someone-else@example.org"),
            ),
        };
        // the careful consumers pass every check they reach
        for (label, role, upsert) in [
            ("reads carefully", Role::Read, None),
            ("writes carefully", Role::Write, Some(good.clone())),
        ] {
            let r = certify(std, role, claims_errors(), upsert);
            assert!(r.passed(), "{}", show(&r));
            shown.record(&by(label), &r);
        }
        let faulty: Vec<(&str, Role, Faults, Option<Value>, &[&str])> = vec![
            (
                "skips PKCE",
                Role::Read,
                Faults {
                    no_pkce: true,
                    ..f()
                },
                None,
                &["pkce", "token-request"],
            ),
            (
                "asks the wrong scopes",
                Role::Read,
                Faults {
                    wrong_scopes: true,
                    ..f()
                },
                None,
                &["scopes", "get-credentials", "get-profile"],
            ),
            (
                "ignores paging",
                Role::Read,
                Faults {
                    ignore_paging: true,
                    ..f()
                },
                None,
                &["paging"],
            ),
            (
                "sends no state",
                Role::Read,
                Faults {
                    no_state: true,
                    ..f()
                },
                None,
                &["state"],
            ),
            (
                "registers without required fields",
                Role::Read,
                Faults {
                    sparse_registration: true,
                    ..f()
                },
                None,
                &["register"],
            ),
            (
                "ignores the errors the harness injects",
                Role::Read,
                Faults {
                    ignores_errors: true,
                    ..claims_errors()
                },
                None,
                &["error-handling"],
            ),
            (
                "upserts someone else's credential",
                Role::Write,
                f(),
                Some(foreign),
                &["upsert"],
            ),
            (
                "puts something that is not a Profile",
                Role::Write,
                Faults {
                    bad_profile: true,
                    ..f()
                },
                Some(good),
                &["put-profile"],
            ),
        ];
        for (label, role, faults, upsert, expect) in faulty {
            let r = certify(std, role, faults, upsert);
            let failed = r.failed_ids();
            let wanted: Vec<String> = expect.iter().map(|n| format!("{prefix}{n}")).collect();
            for id in &wanted {
                assert!(
                    failed.contains(&id.as_str()),
                    "{id} should fail for a consumer that {label}\n{}",
                    show(&r)
                );
            }
            shown.record_where(&by(label), &r, |id| wanted.iter().any(|w| w == id));
        }
        // a consumer that never comes fails discovery (and everything after it)
        let mut o = Options::new(std, Role::Read);
        o.wait = Duration::from_millis(300);
        let r = consumer::start(&o).unwrap().wait();
        let id = format!("{prefix}discovery");
        assert!(r.failed_ids().contains(&id.as_str()), "{}", show(&r));
        shown.record_where(&by("never comes"), &r, |i| i == id);
        for role in [Role::Read, Role::Write] {
            for def in consumer::checks(std, role) {
                let s = shown.0.get(def.id);
                assert!(
                    s.is_some_and(|s| !s.failing_by.is_empty() && !s.passing_by.is_empty()),
                    "{} is not shown both ways: {s:?}",
                    def.id
                );
            }
        }
    }
    shown.assert_committed(env!("CARGO_MANIFEST_DIR"), "ob30.consumer", test);
}
