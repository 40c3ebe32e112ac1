//! A client nobody here wrote drives the hub: the `oauth2` crate runs the authorization code
//! grant with PKCE, the refresh (rotation), and the failures (wrong verifier, reused code);
//! reqwest posts the HTML sign-in and consent forms.

mod common;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenResponse, TokenUrl,
};
use serde_json::{json, Value};
use wellspring_hub::server::{DEMO_EMAIL, DEMO_PASSWORD};

type Client = BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn client(base: &str, id: &str, secret: &str) -> Client {
    BasicClient::new(ClientId::new(id.into()))
        .set_client_secret(ClientSecret::new(secret.into()))
        .set_auth_uri(AuthUrl::new(format!("{base}/oauth/authorize")).unwrap())
        .set_token_uri(TokenUrl::new(format!("{base}/oauth/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(common::REDIRECT.into()).unwrap())
}

/// Authorization through the pages: (code, verifier).
fn authorize(
    http: &reqwest::blocking::Client,
    oc: &Client,
    base: &str,
    scopes: &[String],
) -> (String, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = oc
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge);
    for s in scopes {
        req = req.add_scope(Scope::new(s.clone()));
    }
    let (url, state) = req.url();
    let loc = common::sign_in(http, url.as_str(), DEMO_EMAIL, DEMO_PASSWORD);
    assert!(loc.starts_with(common::REDIRECT), "{loc}");
    let loc = url::Url::parse(&loc).unwrap();
    let q = |k: &str| {
        loc.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(
        q("state").as_deref(),
        Some(state.secret().as_str()),
        "state comes back unchanged"
    );
    let _ = base;
    (q("code").expect("a code"), verifier)
}

fn get_credentials(
    http: &reqwest::blocking::Client,
    base: &str,
    token: &str,
) -> reqwest::blocking::Response {
    http.get(format!("{base}/ims/ob/v3p0/credentials"))
        .bearer_auth(token)
        .send()
        .unwrap()
}

#[test]
fn oauth2_crate_runs_code_pkce_refresh_and_is_refused_what_it_must() {
    let hub = common::start();
    let base = hub.base.clone();
    let http = common::http();
    let scopes = common::all_scopes();
    let (id, secret) = common::register(&http, &base, &scopes);
    let oc = client(&base, &id, &secret);

    // code + PKCE
    let (code, verifier) = authorize(&http, &oc, &base, &scopes);
    let t = oc
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(verifier)
        .request(&http)
        .expect("token");
    let access = t.access_token().secret().clone();
    assert!(t.expires_in().is_some_and(|d| d.as_secs() > 0));
    let granted: Vec<String> = t.scopes().unwrap().iter().map(|s| s.to_string()).collect();
    assert_eq!(granted.len(), scopes.len());
    let r = get_credentials(&http, &base, &access);
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    assert_eq!(
        v["credential"].as_array().unwrap().len() + v["compactJwsString"].as_array().unwrap().len(),
        2,
        "the demo learner's two badges"
    );

    // the same code again: refused, and the token from it is revoked
    let again = oc
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new("x".repeat(43)))
        .request(&http);
    assert!(again.is_err());
    assert_eq!(
        get_credentials(&http, &base, &access).status(),
        401,
        "tokens of a reused code are revoked"
    );

    // a fresh grant; refresh rotates
    let (code, verifier) = authorize(&http, &oc, &base, &scopes);
    let t = oc
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request(&http)
        .unwrap();
    let rt = t
        .refresh_token()
        .expect("offline_access gives a refresh token")
        .secret()
        .clone();
    let t2 = oc
        .exchange_refresh_token(&RefreshToken::new(rt.clone()))
        .request(&http)
        .expect("refresh");
    assert_ne!(t2.access_token().secret(), t.access_token().secret());
    assert_eq!(
        get_credentials(&http, &base, t2.access_token().secret()).status(),
        200
    );
    assert!(
        oc.exchange_refresh_token(&RefreshToken::new(rt))
            .request(&http)
            .is_err(),
        "the rotated refresh token is dead"
    );
    // the replay means the old token leaked: the whole grant is gone (RFC 9700 §4.14.2)
    let rt2 = t2.refresh_token().unwrap().secret().clone();
    assert!(oc
        .exchange_refresh_token(&RefreshToken::new(rt2))
        .request(&http)
        .is_err());
    assert_eq!(
        get_credentials(&http, &base, t2.access_token().secret()).status(),
        401
    );

    // wrong verifier
    let (code, _) = authorize(&http, &oc, &base, &scopes);
    let bad = oc
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new("w".repeat(50)))
        .request(&http);
    assert!(bad.is_err());

    // a narrower grant is held to its scope
    let only = vec![common::ob_scope("profile.readonly")];
    let (code, verifier) = authorize(&http, &oc, &base, &only);
    let t = oc
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request(&http)
        .unwrap();
    assert!(
        t.refresh_token().is_none(),
        "no offline_access, no refresh token"
    );
    let r = get_credentials(&http, &base, t.access_token().secret());
    assert_eq!(r.status(), 403);
    let r = http
        .get(format!("{base}/ims/ob/v3p0/profile"))
        .bearer_auth(t.access_token().secret())
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .get(format!("{base}/ims/clr/v2p0/profile"))
        .bearer_auth(t.access_token().secret())
        .send()
        .unwrap();
    assert_eq!(r.status(), 403, "an OB scope does not open the CLR API");

    // revocation (RFC 7009) with HTTP Basic
    let r = http
        .post(format!("{base}/oauth/revoke"))
        .basic_auth(&id, Some(&secret))
        .form(&[("token", t.access_token().secret().as_str())])
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .get(format!("{base}/ims/ob/v3p0/profile"))
        .bearer_auth(t.access_token().secret())
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    let m: Value = http
        .get(format!("{base}/.well-known/oauth-authorization-server"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        m["revocation_endpoint"],
        json!(format!("{base}/oauth/revoke"))
    );
}

#[test]
fn authorization_requests_that_cannot_be_trusted_are_refused() {
    let hub = common::start();
    let base = hub.base.clone();
    let http = common::http();
    let scopes = common::all_scopes();
    let (id, _) = common::register(&http, &base, &scopes);
    let auth = |pairs: &[(&str, &str)]| {
        let mut u = url::Url::parse(&format!("{base}/oauth/authorize")).unwrap();
        u.query_pairs_mut().extend_pairs(pairs);
        http.get(u).send().unwrap()
    };
    let ch = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let s = scopes.join(" ");
    // unregistered redirect URI: an error page, never a redirect
    let r = auth(&[
        ("response_type", "code"),
        ("client_id", &id),
        ("redirect_uri", "https://evil.example/cb"),
        ("scope", &s),
        ("state", "x"),
        ("code_challenge", ch),
        ("code_challenge_method", "S256"),
    ]);
    assert_eq!(r.status(), 400);
    // unknown client
    let r = auth(&[
        ("response_type", "code"),
        ("client_id", "nobody"),
        ("redirect_uri", common::REDIRECT),
        ("scope", &s),
        ("state", "x"),
        ("code_challenge", ch),
        ("code_challenge_method", "S256"),
    ]);
    assert_eq!(r.status(), 400);
    // no PKCE, plain PKCE: back to the client with invalid_request
    for m in [None, Some("plain")] {
        let mut p = vec![
            ("response_type", "code"),
            ("client_id", id.as_str()),
            ("redirect_uri", common::REDIRECT),
            ("scope", s.as_str()),
            ("state", "x"),
        ];
        if let Some(m) = m {
            p.push(("code_challenge", ch));
            p.push(("code_challenge_method", m));
        }
        let r = auth(&p);
        assert_eq!(r.status(), 302);
        let loc = r.headers()["location"].to_str().unwrap();
        assert!(
            loc.starts_with(common::REDIRECT)
                && loc.contains("error=invalid_request")
                && loc.contains("state=x"),
            "{loc}"
        );
    }
    // a scope the client did not register
    let (narrow, _) = common::register(&http, &base, &[common::ob_scope("profile.readonly")]);
    let r = auth(&[
        ("response_type", "code"),
        ("client_id", &narrow),
        ("redirect_uri", common::REDIRECT),
        ("scope", &s),
        ("state", "x"),
        ("code_challenge", ch),
        ("code_challenge_method", "S256"),
    ]);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("error=invalid_scope"));
    // wrong password: the sign-in page again, 401
    let r = http
        .post(format!("{base}/oauth/login"))
        .header("origin", format!("{base}"))
        .form(&[
            ("response_type", "code"),
            ("client_id", id.as_str()),
            ("redirect_uri", common::REDIRECT),
            ("scope", s.as_str()),
            ("state", "x"),
            ("code_challenge", ch),
            ("code_challenge_method", "S256"),
            ("username", DEMO_EMAIL),
            ("password", "wrong-password"),
        ])
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().unwrap().contains("<form"));
    // a forged consent ticket
    let r = http
        .post(format!("{base}/oauth/consent"))
        .header("origin", format!("{base}"))
        .form(&[("ticket", "forged"), ("decision", "approve")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    // deny: access_denied to the client
    let mut u = url::Url::parse(&format!("{base}/oauth/authorize")).unwrap();
    u.query_pairs_mut().extend_pairs([
        ("response_type", "code"),
        ("client_id", id.as_str()),
        ("redirect_uri", common::REDIRECT),
        ("scope", s.as_str()),
        ("state", "st"),
        ("code_challenge", ch),
        ("code_challenge_method", "S256"),
    ]);
    let page = http.get(u).send().unwrap().text().unwrap();
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
    .map(|k| (k.to_string(), common::hidden(&page, k).unwrap()))
    .collect();
    form.push(("username".into(), DEMO_EMAIL.into()));
    form.push(("password".into(), DEMO_PASSWORD.into()));
    let consent = http
        .post(format!("{base}/oauth/login"))
        .header("origin", format!("{base}"))
        .form(&form)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let ticket = common::hidden(&consent, "ticket").unwrap();
    let r = http
        .post(format!("{base}/oauth/consent"))
        .header("origin", format!("{base}"))
        .form(&[("ticket", ticket.as_str()), ("decision", "deny")])
        .send()
        .unwrap();
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("error=access_denied"));
    // a ticket is single-use
    let r = http
        .post(format!("{base}/oauth/consent"))
        .header("origin", format!("{base}"))
        .form(&[("ticket", ticket.as_str()), ("decision", "approve")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[test]
fn registration_is_validated() {
    let hub = common::start();
    let http = common::http();
    let url = format!("{}/oauth/register", hub.base);
    let good = common::registration(&common::all_scopes());
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut v = good.clone();
                v.as_object_mut().unwrap().remove("redirect_uris");
                v
            },
            "invalid_redirect_uri",
        ),
        (
            {
                let mut v = good.clone();
                v["redirect_uris"] = json!(["http://client.example.org/cb"]);
                v
            },
            "invalid_redirect_uri",
        ),
        (
            {
                let mut v = good.clone();
                v.as_object_mut().unwrap().remove("client_name");
                v
            },
            "invalid_client_metadata",
        ),
        (
            {
                let mut v = good.clone();
                v["scope"] = json!("https://example.org/other-scope");
                v
            },
            "invalid_client_metadata",
        ),
        (
            {
                let mut v = good.clone();
                v["grant_types"] = json!(["client_credentials"]);
                v
            },
            "invalid_client_metadata",
        ),
        (
            {
                let mut v = good.clone();
                v["token_endpoint_auth_method"] = json!("none");
                v
            },
            "invalid_client_metadata",
        ),
        (json!([1, 2]), "invalid_client_metadata"),
    ];
    for (body, err) in cases {
        let r = http.post(&url).json(&body).send().unwrap();
        assert_eq!(r.status(), 400, "{body}");
        let v: Value = r.json().unwrap();
        assert_eq!(v["error"], json!(err), "{body}");
    }
    let r = http
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    // loopback http redirect URIs are fine (a wallet on this machine)
    let mut v = good.clone();
    v["redirect_uris"] = json!(["http://127.0.0.1:8460/connect/callback"]);
    let r = http.post(&url).json(&v).send().unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().unwrap();
    assert_eq!(v["client_secret_expires_at"], json!(0));
    assert!(v["client_id_issued_at"].as_u64().is_some());
}
