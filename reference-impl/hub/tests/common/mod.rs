//! Test support: a hub on a loopback port over a temporary SQLite file, and a small OAuth
//! client (reqwest) that signs in through the HTML pages as a browser would.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::{json, Value};
use wellspring_hub::server::{self, Config, Running};

pub struct Hub {
    pub rt: tokio::runtime::Runtime,
    pub running: Option<Running>,
    pub base: String,
    pub dir: tempfile::TempDir,
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.stop());
        }
    }
}

pub fn start_with(f: impl FnOnce(&mut Config)) -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("hub.sqlite"));
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    f(&mut c);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let running = rt.block_on(server::start(c)).expect("hub starts");
    let base = running.base_url.clone();
    Hub {
        rt,
        running: Some(running),
        base,
        dir,
    }
}

pub fn start() -> Hub {
    start_with(|_| {})
}

pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub const REDIRECT: &str = "https://client.example.org/callback";

pub fn ob_scope(n: &str) -> String {
    format!("https://purl.imsglobal.org/spec/ob/v3p0/scope/{n}")
}
pub fn clr_scope(n: &str) -> String {
    format!("https://purl.imsglobal.org/spec/clr/v2p0/scope/{n}")
}
pub fn all_scopes() -> Vec<String> {
    let mut v: Vec<String> = [
        "credential.readonly",
        "credential.upsert",
        "profile.readonly",
        "profile.update",
    ]
    .iter()
    .flat_map(|n| [ob_scope(n), clr_scope(n)])
    .collect();
    v.push("offline_access".into());
    v
}

pub fn registration(scopes: &[String]) -> Value {
    json!({
        "client_name": "Test client", "client_uri": "https://client.example.org/", "logo_uri": "https://client.example.org/logo.png",
        "tos_uri": "https://client.example.org/tos", "policy_uri": "https://client.example.org/privacy",
        "software_id": "test-client", "software_version": "1", "redirect_uris": [REDIRECT], "scope": scopes.join(" "),
    })
}

/// Registers a client: (client_id, client_secret).
pub fn register(c: &reqwest::blocking::Client, base: &str, scopes: &[String]) -> (String, String) {
    let r = c
        .post(format!("{base}/oauth/register"))
        .json(&registration(scopes))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().unwrap();
    (
        v["client_id"].as_str().unwrap().to_owned(),
        v["client_secret"].as_str().unwrap().to_owned(),
    )
}

/// The value of a hidden input in a page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(
        rest[..rest.find('"')?]
            .replace("&amp;", "&")
            .replace("&quot;", "\""),
    )
}

/// Follows an authorization URL through sign-in and consent; returns the final Location.
pub fn sign_in(
    c: &reqwest::blocking::Client,
    authorize_url: &str,
    user: &str,
    password: &str,
) -> String {
    let r = c.get(authorize_url).send().unwrap();
    assert_eq!(r.status(), 200, "authorize page");
    let page = r.text().unwrap();
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
    form.push(("username".into(), user.into()));
    form.push(("password".into(), password.into()));
    let base = authorize_url.split("/oauth/").next().unwrap();
    let r = c
        .post(format!("{base}/oauth/login"))
        .header("origin", format!("{base}"))
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200, "sign-in accepted");
    let page = r.text().unwrap();
    let ticket = hidden(&page, "ticket").expect("consent page with a ticket");
    let r = c
        .post(format!("{base}/oauth/consent"))
        .header("origin", format!("{base}"))
        .form(&[("ticket", ticket.as_str()), ("decision", "approve")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 302);
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// A whole flow (PKCE S256 by hand): the token response.
pub fn token(base: &str, scopes: &[String], user: &str, password: &str) -> Value {
    use base64::Engine;
    use sha2::Digest;
    let c = http();
    let (id, secret) = register(&c, base, scopes);
    let verifier = "a-test-code-verifier-of-enough-length-0123456789";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let mut u = url::Url::parse(&format!("{base}/oauth/authorize")).unwrap();
    u.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", &scopes.join(" "))
        .append_pair("state", "s1")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let loc = sign_in(&c, u.as_str(), user, password);
    let loc = url::Url::parse(&loc).unwrap();
    let code = loc
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let r = c
        .post(format!("{base}/oauth/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

pub fn demo_token(base: &str) -> String {
    token(
        base,
        &all_scopes(),
        server::DEMO_EMAIL,
        server::DEMO_PASSWORD,
    )["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every credential of a getCredentials walk: (JSON credentials, compact JWSs, total header).
pub fn list(base: &str, api: &str, token: &str) -> (Vec<Value>, Vec<String>, usize) {
    let c = http();
    let r = c
        .get(format!("{base}{api}/credentials?limit=1000"))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let total: usize = r.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let v: Value = r.json().unwrap();
    let json = v["credential"].as_array().unwrap().clone();
    let jws = v["compactJwsString"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    (json, jws, total)
}

/// Verifies with the Wellspring core (offline); returns the failed check IDs.
pub fn verify_failures(bytes: &[u8]) -> Vec<String> {
    let opts = wellspring_verify::Options::offline(chrono::Utc::now());
    let rep = wellspring_verify::verify_bytes("hub", bytes, &opts);
    let mut all = Vec::new();
    rep.walk(&mut all);
    all.iter()
        .filter(|(_, c)| c.verdict == wellspring_report::Verdict::Fail)
        .map(|(s, c)| format!("{s}: {} {}", c.id, c.message))
        .collect()
}
