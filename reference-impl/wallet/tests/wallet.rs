//! The wallet server on loopback with a real SQLite file: sign in, the demo credentials,
//! import and byte-identical export, connecting to a provider through the learner's browser
//! (a cookie-keeping HTTP client that fills the provider's login form), sharing a signed
//! presentation that the verification core accepts, and data kept across a restart.

use std::collections::HashMap;
use std::time::Duration;

use wellspring_suite_ob30::consumer::{self, Options, Role};
use wellspring_suite_ob30::issuer::IssuerStandard;
use wellspring_wallet::server::{self, Config, DEMO_EMAIL, DEMO_PASSWORD};

fn browser() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

fn start(db: &std::path::Path, demo: bool) -> server::Running {
    let mut c = Config::new(db.to_path_buf());
    c.allow_private_network = true;
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = demo;
    c.offline = false;
    rt().block_on(server::start(c)).unwrap()
}

fn sign_in(b: &reqwest::blocking::Client, base: &str) {
    let r = b
        .post(format!("{base}/login"))
        .header("origin", format!("{base}"))
        .form(&[("email", DEMO_EMAIL), ("password", DEMO_PASSWORD)])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "signed in");
}

fn location(r: &reqwest::blocking::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[test]
fn sign_in_list_import_export_share() {
    let tmp = tempfile::tempdir().unwrap();
    let w = start(&tmp.path().join("wallet.sqlite"), true);
    let base = w.base_url.clone();
    let b = browser();

    // signed out: the list sends you to sign in; a wrong password is refused
    assert_eq!(
        location(&b.get(format!("{base}/")).send().unwrap()),
        "/login"
    );
    let r = b
        .post(format!("{base}/login"))
        .header("origin", format!("{base}"))
        .form(&[("email", DEMO_EMAIL), ("password", "nope-nope")])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    sign_in(&b, &base);

    let list = b.get(format!("{base}/")).send().unwrap().text().unwrap();
    assert!(list.contains("Your credentials (4)"), "{list}");
    for field in ["Issued by", "status s-"] {
        assert!(list.contains(field), "{field}");
    }

    // import a baked PNG; export gives the very same bytes back
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../vectors/valid/baked.rs256.png"
    ))
    .unwrap();
    let form = reqwest::blocking::multipart::Form::new().part(
        "file",
        reqwest::blocking::multipart::Part::bytes(png.clone()).file_name("badge.png"),
    );
    let r = b
        .post(format!("{base}/import"))
        .header("origin", format!("{base}"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let page = location(&r);
    let view = b
        .get(format!("{base}{page}"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        view.contains("Verification report") && view.contains("ob3.baked.png"),
        "{view}"
    );
    let exported = b.get(format!("{base}{page}/export")).send().unwrap();
    assert_eq!(exported.headers()["content-type"], "image/png");
    assert_eq!(
        exported.bytes().unwrap().to_vec(),
        png,
        "export is byte-identical"
    );

    // garbage is refused with a message, not stored
    let form = reqwest::blocking::multipart::Form::new().text("text", "{\"not\": \"a credential\"");
    let r = b
        .post(format!("{base}/import"))
        .header("origin", format!("{base}"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);

    // share the JSON demo credential: a presentation signed by the learner's did:key
    let r = b
        .post(format!("{base}/share"))
        .header("origin", format!("{base}"))
        .body("id=1&challenge=abc123")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .unwrap();
    let html = r.text().unwrap();
    let from = html.find("<pre>").unwrap() + 5;
    let json = html[from..from + html[from..].find("</pre>").unwrap()]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let vp: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(vp["holder"].as_str().unwrap().starts_with("did:key:"));
    assert_eq!(vp["proof"]["challenge"], "abc123");
    let report = wellspring_verify::verify_bytes(
        "vp",
        json.as_bytes(),
        &wellspring_verify::Options::offline(chrono::Utc::now()),
    );
    let proof = report.find("vp.proof").unwrap();
    assert_eq!(
        proof.verdict,
        wellspring_report::Verdict::Pass,
        "{report:#?}"
    );

    // restart on the same file: everything acknowledged is still there
    rt().block_on(w.stop());
    let w = start(&tmp.path().join("wallet.sqlite"), true);
    let b = browser();
    sign_in(&b, &w.base_url);
    let list = b
        .get(format!("{}/", w.base_url))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        list.contains("Your credentials (5)"),
        "demo not seeded twice, import kept"
    );
}

#[test]
fn connect_to_a_provider_through_the_browser_and_pass_consumer_read_certification() {
    let tmp = tempfile::tempdir().unwrap();
    let w = start(&tmp.path().join("wallet.sqlite"), true);
    let base = w.base_url.clone();
    let mut o = Options::new(IssuerStandard::Ob30, Role::Read);
    o.wait = Duration::from_secs(30);
    o.quiet = Duration::from_millis(500);
    let (user, pass) = (o.user.clone(), o.password.clone());
    let session = consumer::start(&o).unwrap();
    let provider = session.base_url().to_owned();

    let b = browser();
    sign_in(&b, &base);
    // the learner asks to connect: the wallet discovers, registers, and sends the browser on
    let r = b
        .post(format!("{base}/connect"))
        .header("origin", format!("{base}"))
        .form(&[("base", provider.as_str()), ("standard", "ob30")])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().unwrap_or_default());
    let authorize = location(&r);
    assert!(authorize.starts_with(&provider));
    // at the provider: the login form
    let html = b.get(&authorize).send().unwrap().text().unwrap();
    let marker = "name=\"request\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let request = html[at..at + html[at..].find('"').unwrap()].to_owned();
    let r = b
        .post(format!("{provider}/oauth/login"))
        .header("origin", format!("{provider}"))
        .form(&[
            ("request", request.as_str()),
            ("username", &user),
            ("password", &pass),
        ])
        .send()
        .unwrap();
    let callback = location(&r);
    assert!(
        callback.starts_with(&format!("{base}/connect/callback")),
        "{callback}"
    );
    // back at the wallet: the code is exchanged and every page read
    let r = b.get(&callback).send().unwrap();
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().unwrap_or_default());
    let msg: HashMap<_, _> = url::Url::parse(&format!("{base}{}", location(&r)))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert!(msg["msg"].contains("4 credential(s) imported"), "{msg:?}");

    let report = session.wait();
    assert!(
        report.passed(),
        "{}",
        wellspring_report::render::human(std::slice::from_ref(&report), true)
    );

    // the provider's expired and revoked test credentials are shown as such
    let list = b.get(format!("{base}/")).send().unwrap().text().unwrap();
    assert!(
        list.contains("s-expired") && list.contains("s-revoked"),
        "{list}"
    );
    // a replayed callback (state already used) is refused
    let r = b.get(&callback).send().unwrap();
    assert_eq!(r.status().as_u16(), 400);
}
