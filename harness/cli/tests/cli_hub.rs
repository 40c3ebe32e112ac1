//! `wellspring hub`: the built binary serves the demo hub (discovery answers), creates
//! learners, and keeps everything it acknowledged across a SIGKILL and a restart on the same
//! database (clients, tokens, upserted and issued credentials, the issuer key).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_wellspring");
const REDIRECT: &str = "https://client.example.org/callback";
// RFC 7636 appendix B
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn serve(db: &std::path::Path, port: u16) -> Server {
    let child = Command::new(BIN)
        .args(["hub", "serve", "--demo", "--db"])
        .arg(db)
        // --port replaces the port of the default --listen (127.0.0.1:8470)
        .args(["--port", &port.to_string()])
        .env_remove("WELLSPRING_HUB_ADMIN_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let s = Server(child);
    let c = http();
    let t = Instant::now();
    loop {
        if let Ok(r) = c
            .get(format!("http://127.0.0.1:{port}/ims/ob/v3p0/discovery"))
            .send()
        {
            if r.status() == 200 {
                return s;
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(90),
            "the hub did not come up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].replace("&amp;", "&")
}

/// Register, sign in through the pages, approve, exchange: the access token.
fn token(base: &str, user: &str, password: &str) -> String {
    let c = http();
    let scopes: Vec<String> = ["ob/v3p0", "clr/v2p0"]
        .iter()
        .flat_map(|s| {
            [
                "credential.readonly",
                "credential.upsert",
                "profile.readonly",
            ]
            .map(|n| format!("https://purl.imsglobal.org/spec/{s}/scope/{n}"))
        })
        .collect();
    let reg = json!({"client_name": "cli test", "client_uri": "https://client.example.org/", "logo_uri": "https://client.example.org/l.png",
        "tos_uri": "https://client.example.org/t", "policy_uri": "https://client.example.org/p", "software_id": "cli-test", "software_version": "1",
        "redirect_uris": [REDIRECT], "scope": scopes.join(" ")});
    let r: Value = c
        .post(format!("{base}/oauth/register"))
        .json(&reg)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let (id, secret) = (
        r["client_id"].as_str().unwrap().to_owned(),
        r["client_secret"].as_str().unwrap().to_owned(),
    );
    let scope = scopes.join(" ");
    let q = [
        ("response_type", "code"),
        ("client_id", &id),
        ("redirect_uri", REDIRECT),
        ("scope", &scope),
        ("state", "st"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let page = c
        .get(format!("{base}/oauth/authorize"))
        .query(&q)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let mut form: Vec<(String, String)> = q
        .iter()
        .map(|(k, _)| (k.to_string(), hidden(&page, k)))
        .collect();
    form.push(("username".into(), user.into()));
    form.push(("password".into(), password.into()));
    let consent = c
        .post(format!("{base}/oauth/login"))
        .header("origin", format!("{base}"))
        .form(&form)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let r = c
        .post(format!("{base}/oauth/consent"))
        .header("origin", format!("{base}"))
        .form(&[
            ("ticket", hidden(&consent, "ticket")),
            ("decision", "approve".into()),
        ])
        .send()
        .unwrap();
    let loc = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let code = loc
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let t: Value = c
        .post(format!("{base}/oauth/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    t["access_token"].as_str().unwrap().to_owned()
}

fn ids(base: &str, api: &str, token: &str) -> Vec<String> {
    let r = http()
        .get(format!("{base}{api}/credentials"))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    let mut out: Vec<String> = v["credential"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    out.extend(
        v["compactJwsString"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j.as_str().unwrap().to_owned()),
    );
    out
}

#[test]
fn hub_help_and_bad_flags() {
    let o = Command::new(BIN)
        .args(["hub", "serve", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Examples:") && text.contains("--admin-token") && text.contains("8470"),
        "{text}"
    );
    let o = Command::new(BIN)
        .args(["hub", "serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn demo_hub_survives_sigkill_with_everything_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.sqlite");
    // a learner from the command line (password from the environment), twice
    let add = || {
        Command::new(BIN)
            .args(["hub", "add-learner", "--db"])
            .arg(&db)
            .arg("student@example.org")
            .env("WELLSPRING_PASSWORD", "student-password")
            .output()
            .unwrap()
    };
    let o = add();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(add().status.code(), Some(1), "the account exists already");

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let hub = serve(&db, port);
    let c = http();
    for api in ["/ims/ob/v3p0", "/ims/clr/v2p0"] {
        let d: Value = c
            .get(format!("{base}{api}/discovery"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(
            d["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]
                ["tokenUrl"],
            json!(format!("{base}/oauth/token"))
        );
    }
    let issuer: Value = c
        .get(format!("{base}/issuer"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let t = token(&base, "student@example.org", "student-password");
    let demo_t = token(&base, "learner@example.org", "wellspring-demo");
    assert_eq!(ids(&base, "/ims/ob/v3p0", &demo_t).len(), 2);

    // acknowledged writes: an upsert and an issue
    let cred = json!({"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:8d2f1c3a-0000-4000-8000-00000000c11b", "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://elsewhere.example/issuer", "type": ["Profile"], "name": "Elsewhere"}, "validFrom": "2026-01-01T00:00:00Z",
        "name": "Upserted", "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "urn:uuid:1", "type": ["Achievement"], "name": "n", "description": "d", "criteria": {"narrative": "c"}}}});
    let r = c
        .post(format!("{base}/ims/ob/v3p0/credentials"))
        .bearer_auth(&t)
        .json(&cred)
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = c
        .post(format!("{base}/admin/results"))
        .bearer_auth("wellspring-demo-admin")
        .json(&json!({"learner": "student@example.org", "satisfied": ["c0115e9e-d1e5-4e11-8c01-000000000009", "c0115e9e-d1e5-4e11-8c01-000000000010"]}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let issued: Value = r.json().unwrap();
    let issued_id = issued["issued"][0]["credentialId"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = ids(&base, "/ims/ob/v3p0", &t);
    assert_eq!(before.len(), 2);
    let clr_before = ids(&base, "/ims/clr/v2p0", &t);
    assert_eq!(clr_before.len(), 1);

    // kill -9, restart on the same file
    let mut hub = hub;
    hub.0.kill().unwrap(); // SIGKILL
    hub.0.wait().unwrap();
    drop(hub);
    let _hub = serve(&db, port);
    // the old token still works (tokens are in the store), and everything is there
    let after = ids(&base, "/ims/ob/v3p0", &t);
    assert_eq!(after, before);
    assert!(
        after.contains(&"urn:uuid:8d2f1c3a-0000-4000-8000-00000000c11b".to_owned())
            && after.contains(&issued_id)
    );
    assert_eq!(ids(&base, "/ims/clr/v2p0", &t), clr_before);
    assert_eq!(
        ids(&base, "/ims/ob/v3p0", &demo_t).len(),
        2,
        "the demo is not seeded twice"
    );
    let issuer2: Value = c
        .get(format!("{base}/issuer"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(issuer2["id"], issuer["id"], "the issuer key is kept");
    // the same upsert again is a replace, not a second copy
    let r = c
        .post(format!("{base}/ims/ob/v3p0/credentials"))
        .bearer_auth(&t)
        .json(&cred)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// The provider suite's `credentials-verify` result for a certify run against the demo hub.
fn credentials_verify(base: &str, online: bool) -> (i32, Value) {
    let mut args = vec![
        "certify",
        "--standard",
        "ob30",
        "--role",
        "service-provider-read",
        "--target",
        base,
        "--login",
        "learner@example.org:wellspring-demo",
        "--allow-private-network",
        "--format",
        "json",
    ];
    if online {
        args.push("--online");
    }
    let o = Command::new(BIN).args(&args).output().unwrap();
    let out: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let found: Vec<&Value> = out["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["id"] == "ob3.provider.credentials-verify")
        .collect();
    assert_eq!(found.len(), 1, "{}", out["summary"]);
    (o.status.code().unwrap_or(-1), found[0].clone())
}

#[test]
fn certify_online_follows_the_hubs_refresh_service() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _hub = serve(&dir.path().join("hub.db"), port);
    let base = format!("http://127.0.0.1:{port}");
    // offline (the default): the refreshService is named, not followed
    let (_, off) = credentials_verify(&base, false);
    assert_eq!(off["verdict"], "pass", "{off}");
    let said = off["message"].as_str().unwrap();
    assert!(said.contains("refreshService not followed"), "{said}");
    // --online: each credential (JSON and VC-JWT) is refreshed from the hub and verified again
    let (code, on) = credentials_verify(&base, true);
    assert_eq!(on["verdict"], "pass", "{on}");
    let said = on["message"].as_str().unwrap();
    assert!(
        said.contains("2 refreshed through their refreshService"),
        "{said}"
    );
    assert_eq!(code, 0);
}
