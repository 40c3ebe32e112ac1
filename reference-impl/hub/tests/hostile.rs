//! The hub as a hostile client sees it (real server on loopback, real HTTP): security headers,
//! cross-site form posts, floods, oversized and dangerous registrations, refresh-token replay,
//! the RFC 9207 `iss` parameter, client authentication, and the database file's mode.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use wellspring_serverkit::limit::Rate;

const VERIFIER: &str = "a-test-code-verifier-of-enough-length-0123456789";

fn challenge() -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(VERIFIER.as_bytes()))
}

fn authorize_url(base: &str, client: &str, scopes: &[String]) -> String {
    let mut u = url::Url::parse(&format!("{base}/oauth/authorize")).unwrap();
    u.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", &scopes.join(" "))
        .append_pair("state", "s1")
        .append_pair("code_challenge", &challenge())
        .append_pair("code_challenge_method", "S256");
    u.to_string()
}

/// The sign-in form of an authorization request, with the demo learner's credentials.
fn sign_in_form(c: &reqwest::blocking::Client, url: &str, password: &str) -> Vec<(String, String)> {
    let page = c.get(url).send().unwrap().text().unwrap();
    let mut form: Vec<(String, String)> = [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    ]
    .iter()
    .map(|k| (k.to_string(), hidden(&page, k).unwrap_or_default()))
    .collect();
    form.push(("username".into(), DEMO_EMAIL.into()));
    form.push(("password".into(), password.into()));
    form
}

use wellspring_hub::server::{DEMO_EMAIL, DEMO_PASSWORD};

fn query(loc: &str, k: &str) -> Option<String> {
    url::Url::parse(loc)
        .unwrap()
        .query_pairs()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.into_owned())
}

fn exchange(
    c: &reqwest::blocking::Client,
    base: &str,
    id: &str,
    secret: &str,
    code: &str,
) -> Value {
    let r = c
        .post(format!("{base}/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

fn refresh(
    c: &reqwest::blocking::Client,
    base: &str,
    id: &str,
    secret: &str,
    token: &str,
) -> reqwest::blocking::Response {
    c.post(format!("{base}/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .unwrap()
}

fn assert_hardened(r: &reqwest::blocking::Response, what: &str) {
    let h = r.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["x-frame-options"], "DENY", "{what}");
    assert_eq!(h["referrer-policy"], "same-origin", "{what}");
}

#[test]
fn every_response_carries_the_security_headers() {
    let hub = start();
    let c = http();
    let b = &hub.base;
    let (id, _) = register(&c, b, &all_scopes());
    for (what, url) in [
        ("home page", format!("{b}/")),
        ("sign-in page", authorize_url(b, &id, &all_scopes())),
        (
            "metadata",
            format!("{b}/.well-known/oauth-authorization-server"),
        ),
        ("unknown path", format!("{b}/no/such/thing")),
        (
            "API without a token",
            format!("{b}/ims/ob/v3p0/credentials"),
        ),
    ] {
        let r = c.get(&url).send().unwrap();
        assert_hardened(&r, what);
        if what.ends_with("page") {
            let html = r.text().unwrap();
            for inline in ["<script", "<style", " style=", " onclick=", " onload="] {
                assert!(!html.contains(inline), "{what} has inline {inline}: {html}");
            }
            assert!(
                html.contains("rel=\"stylesheet\""),
                "{what} links its stylesheet"
            );
        }
    }
    for css in ["/static/style.css", "/oauth/style.css"] {
        let r = c.get(format!("{b}{css}")).send().unwrap();
        assert_eq!(r.status(), 200, "{css}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css"));
    }
}

#[test]
fn forms_posted_from_another_site_are_refused_and_the_browser_flow_works() {
    let hub = start();
    let c = http();
    let b = hub.base.clone();
    let (id, _) = register(&c, &b, &all_scopes());
    let url = authorize_url(&b, &id, &all_scopes());
    let form = sign_in_form(&c, &url, DEMO_PASSWORD);
    let login = format!("{b}/oauth/login");
    for (name, header, value) in [
        ("foreign Origin", "origin", "https://evil.example"),
        ("opaque Origin", "origin", "null"),
        ("foreign Referer", "referer", "https://evil.example/page"),
        ("cross-site fetch", "sec-fetch-site", "cross-site"),
    ] {
        let r = c
            .post(&login)
            .header(header, value)
            .form(&form)
            .send()
            .unwrap();
        assert_eq!(r.status(), 403, "{name}");
    }
    let r = c.post(&login).form(&form).send().unwrap();
    assert_eq!(r.status(), 403, "a form post that names no origin");
    // what a browser does: Origin of the page the form is on
    let r = c
        .post(&login)
        .header("origin", &b)
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200, "same-origin sign-in");
    let ticket = hidden(&r.text().unwrap(), "ticket").unwrap();
    let consent = [("ticket", ticket.as_str()), ("decision", "approve")];
    let r = c
        .post(format!("{b}/oauth/consent"))
        .header("origin", "https://evil.example")
        .form(&consent)
        .send()
        .unwrap();
    assert_eq!(r.status(), 403, "cross-site consent");
    let r = c
        .post(format!("{b}/oauth/consent"))
        .header("referer", format!("{b}/oauth/login"))
        .form(&consent)
        .send()
        .unwrap();
    assert_eq!(r.status(), 302, "same-origin consent (Referer)");
    assert!(query(r.headers()["location"].to_str().unwrap(), "code").is_some());
}

#[test]
fn a_sign_in_flood_from_one_address_gets_429_with_retry_after() {
    let hub = start_with(|c| {
        c.limits.sign_in = Rate {
            burst: 3,
            every: Duration::from_secs(3600),
        };
    });
    let c = http();
    let b = hub.base.clone();
    let (id, _) = register(&c, &b, &all_scopes());
    let form = sign_in_form(&c, &authorize_url(&b, &id, &all_scopes()), "wrong password");
    for _ in 0..3 {
        let r = c
            .post(format!("{b}/oauth/login"))
            .header("origin", &b)
            .form(&form)
            .send()
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = c
        .post(format!("{b}/oauth/login"))
        .header("origin", &b)
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
}

#[test]
fn one_account_is_limited_whatever_the_address() {
    let hub = start_with(|c| {
        c.limits.account = Rate {
            burst: 2,
            every: Duration::from_secs(3600),
        };
    });
    let c = http();
    let b = hub.base.clone();
    let (id, _) = register(&c, &b, &all_scopes());
    let url = authorize_url(&b, &id, &all_scopes());
    let form = sign_in_form(&c, &url, "wrong password");
    for _ in 0..2 {
        let r = c
            .post(format!("{b}/oauth/login"))
            .header("origin", &b)
            .form(&form)
            .send()
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = c
        .post(format!("{b}/oauth/login"))
        .header("origin", &b)
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(r.status(), 429, "the account's budget is spent");
    assert!(r.headers().contains_key("retry-after"));
    // another account still gets its answer
    let mut other = form.clone();
    for (k, v) in other.iter_mut() {
        if k == "username" {
            *v = "someone.else@example.org".into();
        }
    }
    let r = c
        .post(format!("{b}/oauth/login"))
        .header("origin", &b)
        .form(&other)
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[test]
fn registration_is_bounded_in_size_uris_and_rate() {
    let hub = start_with(|c| {
        c.limits.register = Rate {
            burst: 7,
            every: Duration::from_secs(3600),
        };
    });
    let c = http();
    let b = hub.base.clone();
    let reg = |body: &Value| {
        c.post(format!("{b}/oauth/register"))
            .json(body)
            .send()
            .unwrap()
    };
    assert_eq!(
        wellspring_testkit::post_status(
            &format!("{b}/oauth/register"),
            &[("content-type", "application/json")],
            64 * 1024
        ),
        Some(413),
        "64 KiB of metadata"
    );
    let with = |uris: Value| {
        let mut v = registration(&all_scopes());
        v["redirect_uris"] = uris;
        v
    };
    for (why, uris) in [
        (
            "plain http, not loopback",
            json!(["http://client.example.org/cb"]),
        ),
        ("wildcard host", json!(["https://*.example.org/cb"])),
        ("fragment", json!(["https://client.example.org/cb#x"])),
        (
            "too many",
            json!((0..6)
                .map(|i| format!("https://client.example.org/cb{i}"))
                .collect::<Vec<_>>()),
        ),
    ] {
        let r = reg(&with(uris));
        assert_eq!(r.status(), 400, "{why}");
        let v: Value = r.json().unwrap();
        assert_eq!(v["error"], "invalid_redirect_uri", "{why}");
    }
    assert_eq!(
        reg(&with(json!(["http://127.0.0.1:9/cb"]))).status(),
        201,
        "loopback http"
    );
    assert_eq!(
        reg(&with(json!(["https://client.example.org/cb"]))).status(),
        201
    );
    // seven requests so far counted against the address: the next is refused
    let r = reg(&registration(&all_scopes()));
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

#[test]
fn a_replayed_refresh_token_revokes_the_whole_grant() {
    let hub = start();
    let c = http();
    let b = hub.base.clone();
    let scopes = vec![ob_scope("credential.readonly"), "offline_access".to_owned()];
    let (id, secret) = register(&c, &b, &scopes);
    let loc = sign_in(
        &c,
        &authorize_url(&b, &id, &scopes),
        DEMO_EMAIL,
        DEMO_PASSWORD,
    );
    let t = exchange(&c, &b, &id, &secret, &query(&loc, "code").unwrap());
    let first = t["refresh_token"].as_str().unwrap().to_owned();
    let r = refresh(&c, &b, &id, &secret, &first);
    assert_eq!(r.status(), 200);
    let t2: Value = r.json().unwrap();
    let (access2, refresh2) = (
        t2["access_token"].as_str().unwrap().to_owned(),
        t2["refresh_token"].as_str().unwrap().to_owned(),
    );
    let api = format!("{b}/ims/ob/v3p0/credentials");
    assert_eq!(
        c.get(&api).bearer_auth(&access2).send().unwrap().status(),
        200
    );
    // the rotated-out token comes back: someone else has it
    let r = refresh(&c, &b, &id, &secret, &first);
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().unwrap()["error"], "invalid_grant");
    assert_eq!(
        c.get(&api).bearer_auth(&access2).send().unwrap().status(),
        401,
        "newer access token revoked"
    );
    assert_eq!(
        refresh(&c, &b, &id, &secret, &refresh2).status(),
        400,
        "newer refresh token revoked"
    );
}

#[test]
fn authorization_responses_name_the_issuer() {
    let hub = start();
    let c = http();
    let b = hub.base.clone();
    let meta: Value = c
        .get(format!("{b}/.well-known/oauth-authorization-server"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
    let (id, _) = register(&c, &b, &all_scopes());
    let loc = sign_in(
        &c,
        &authorize_url(&b, &id, &all_scopes()),
        DEMO_EMAIL,
        DEMO_PASSWORD,
    );
    assert_eq!(
        query(&loc, "iss").as_deref(),
        Some(meta["issuer"].as_str().unwrap())
    );
    assert_eq!(query(&loc, "iss").as_deref(), Some(b.as_str()));
    // an error response too
    let mut bad = url::Url::parse(&authorize_url(&b, &id, &all_scopes())).unwrap();
    let pairs: Vec<(String, String)> = bad
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "code_challenge_method" {
                "plain".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    bad.query_pairs_mut().clear().extend_pairs(pairs);
    let r = c.get(bad.as_str()).send().unwrap();
    let loc = r.headers()["location"].to_str().unwrap();
    assert_eq!(query(loc, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(loc, "iss").as_deref(), Some(b.as_str()));
}

#[test]
fn the_token_endpoint_takes_only_the_advertised_client_authentication() {
    let hub = start();
    let c = http();
    let b = hub.base.clone();
    let meta: Value = c
        .get(format!("{b}/.well-known/oauth-authorization-server"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        meta["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic"])
    );
    let scopes = vec![ob_scope("credential.readonly")];
    let (id, secret) = register(&c, &b, &scopes);
    let loc = sign_in(
        &c,
        &authorize_url(&b, &id, &scopes),
        DEMO_EMAIL,
        DEMO_PASSWORD,
    );
    let code = query(&loc, "code").unwrap();
    let r = c
        .post(format!("{b}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            ("client_id", &id),
            ("client_secret", &secret),
        ])
        .send()
        .unwrap();
    assert_eq!(r.status(), 401, "client_secret_post is not advertised");
    assert_eq!(r.json::<Value>().unwrap()["error"], "invalid_client");
}

#[test]
fn an_oversized_upsert_is_refused_before_it_is_read() {
    let hub = start();
    let token = demo_token(&hub.base);
    let auth = format!("Bearer {token}");
    let status = wellspring_testkit::post_status(
        &format!("{}/ims/ob/v3p0/credentials", hub.base),
        &[
            ("content-type", "application/json"),
            ("authorization", &auth),
        ],
        5 * 1024 * 1024,
    );
    assert_eq!(status, Some(413));
}

#[cfg(unix)]
#[test]
fn the_database_holding_the_issuer_key_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.sqlite");
    // a file left world-readable by an earlier version
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let hub = start_with(|c| c.db = db.clone());
    let _ = demo_token(&hub.base);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&dir.path().join("old.sqlite-wal")), 0o600);
    let fresh = start();
    assert_eq!(mode(&fresh.dir.path().join("hub.sqlite")), 0o600);
}

/// A client with the upsert scope cannot place or replace a credential that reads as issued
/// by the hub: one naming the hub as issuer must carry the hub's own valid proof. A genuine
/// hub credential sent back is taken (200, replaced); other issuers' credentials are stored.
#[test]
fn an_upsert_cannot_impersonate_the_hub() {
    use wellspring_verify::{di, keys, loader::ContextLoader};
    let hub = start();
    let token = demo_token(&hub.base);
    let (creds, _, before) = list(&hub.base, "/ims/ob/v3p0", &token);
    let genuine = creds
        .iter()
        .find(|c| c.get("proof").is_some())
        .expect("a hub-issued JSON credential")
        .clone();
    let c = http();
    let upsert = |v: &Value| {
        c.post(format!("{}/ims/ob/v3p0/credentials", hub.base))
            .bearer_auth(&token)
            .json(v)
            .send()
            .unwrap()
    };
    let r = upsert(&genuine);
    assert_eq!(r.status(), 200, "the hub's own credential, sent back");

    // the same credential, its name changed and re-signed by a key of the attacker's
    let forger = keys::ed25519_from_seed([7; 32]);
    let (_, vm) = keys::did_key_of(&forger).unwrap();
    let mut forged = genuine.clone();
    forged.as_object_mut().unwrap().remove("proof");
    forged["name"] = json!("Doctor of Everything");
    let forged = di::sign(
        &forged,
        &forger,
        &vm,
        "2026-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let r = upsert(&forged);
    assert_eq!(r.status(), 400, "a forgery replacing the hub's credential");
    let text = r.text().unwrap();
    assert!(text.contains("names this hub as its issuer"), "{text}");
    // the same, unsigned, under a new id
    let mut unsigned = genuine.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    unsigned["id"] = json!("urn:uuid:5e1f0000-0000-4000-8000-000000000001");
    assert_eq!(
        upsert(&unsigned).status(),
        400,
        "an unsigned one under the hub's name"
    );

    // the stored credential is still the hub's
    let (after, _, n) = list(&hub.base, "/ims/ob/v3p0", &token);
    assert_eq!(n, before);
    assert!(after.iter().any(|c| c == &genuine));
    assert!(!after.iter().any(|c| c["name"] == "Doctor of Everything"));
}

/// Markup and quotes a client or an administrator may put in what the pages show.
const HOSTILE: &str = "<script>alert(1)</script>\"'&";
/// The same, as it must reach the browser (text and double-quoted attribute values).
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;";

/// An attribute value as a browser reads it.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn the_sign_in_and_consent_pages_escape_what_a_client_registered_and_sent() {
    let hub = start();
    let c = http();
    let b = hub.base.clone();
    let mut reg = registration(&all_scopes());
    reg["client_name"] = json!(format!("Evil {HOSTILE}"));
    let r = c
        .post(format!("{b}/oauth/register"))
        .json(&reg)
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // the state is the client's too: it comes back in a hidden input
    let mut u = url::Url::parse(&authorize_url(&b, &id, &all_scopes())).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                HOSTILE.into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(&pairs);
    let page = c.get(u.as_str()).send().unwrap().text().unwrap();
    assert!(
        page.contains(&format!("<b>Evil {HOSTILE_ESCAPED}</b>")),
        "{page}"
    );
    assert!(
        page.contains(&format!("name=\"state\" value=\"{HOSTILE_ESCAPED}\"")),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    // what a browser posts back: the values as they were sent
    let mut form: Vec<(String, String)> = [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    ]
    .iter()
    .map(|k| {
        let at = page.find(&format!("name=\"{k}\" value=\"")).unwrap() + k.len() + 15;
        (
            k.to_string(),
            unescape(&page[at..at + page[at..].find('"').unwrap()]),
        )
    })
    .collect();
    assert_eq!(form[4].1, HOSTILE);
    form.push(("username".into(), DEMO_EMAIL.into()));
    form.push(("password".into(), DEMO_PASSWORD.into()));
    let r = c
        .post(format!("{b}/oauth/login"))
        .header("origin", &b)
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().unwrap();
    assert!(
        page.contains(&format!(
            "<h1>Allow Evil {HOSTILE_ESCAPED} to access your account?</h1>"
        )),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    let ticket = hidden(&page, "ticket").unwrap();
    let r = c
        .post(format!("{b}/oauth/consent"))
        .header("origin", &b)
        .form(&[("ticket", ticket.as_str()), ("decision", "approve")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 302);
    let state = query(r.headers()["location"].to_str().unwrap(), "state");
    assert_eq!(
        state.as_deref(),
        Some(HOSTILE),
        "the state comes back unchanged"
    );
}

#[test]
fn the_home_page_escapes_the_issuer_name_and_the_catalog() {
    let hub = start_with(|c| c.issuer_name = format!("Evil {HOSTILE}"));
    let h = &hub.running.as_ref().unwrap().hub;
    h.store
        .put_achievement(
            &format!("x{HOSTILE}"),
            99,
            &json!({"name": format!("Badge {HOSTILE}")}),
        )
        .unwrap();
    let page = http()
        .get(format!("{}/", hub.base))
        .send()
        .unwrap()
        .text()
        .unwrap();
    for want in [
        format!("<title>Evil {HOSTILE_ESCAPED} Achievement Hub</title>"),
        format!("<h1>Evil {HOSTILE_ESCAPED} Achievement Hub</h1>"),
        format!("<a href=\"/achievements/x{HOSTILE_ESCAPED}\">Badge {HOSTILE_ESCAPED}</a>"),
    ] {
        assert!(page.contains(&want), "{want} in {page}");
    }
    assert!(!page.contains("<script"), "{page}");
}
