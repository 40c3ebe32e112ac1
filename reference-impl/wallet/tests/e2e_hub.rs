//! End to end, all real servers on loopback with temp SQLite files: the reference hub issues
//! the demo learner's credentials; the learner signs in to the wallet, connects it to the hub
//! (discovery, registration, the hub's own sign-in and consent pages, token, getCredentials);
//! the wallet exports each imported credential, which verifies with the core and equals, byte
//! for byte, what the hub serves.

use scraper::{Html, Selector};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The only form of a page: its action and every named input's value.
fn form(html: &str) -> (String, Vec<(String, String)>) {
    let doc = Html::parse_document(html);
    let f = doc
        .select(&Selector::parse("form").unwrap())
        .next()
        .unwrap_or_else(|| panic!("a form in {html}"));
    let action = f.value().attr("action").unwrap_or_default().to_owned();
    let fields = f
        .select(&Selector::parse("input[name]").unwrap())
        .map(|i| {
            (
                i.value().attr("name").unwrap().to_owned(),
                i.value().attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    (action, fields)
}

fn origin(url: &str) -> String {
    url::Url::parse(url).unwrap().origin().ascii_serialization()
}

#[test]
fn hub_issues_wallet_imports_over_oauth_and_exports_the_same_bytes() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();

    let mut h = wellspring_hub::server::Config::new(dir.path().join("hub.sqlite"));
    h.listen = "127.0.0.1:0".parse().unwrap();
    h.demo = true;
    let hub = rt.block_on(wellspring_hub::server::start(h)).unwrap();

    let mut w = wellspring_wallet::server::Config::new(dir.path().join("wallet.sqlite"));
    w.allow_private_network = true;
    w.listen = "127.0.0.1:0".parse().unwrap();
    // online: the hub's credentials carry a status list entry, read over loopback
    w.offline = false;
    let wallet = rt.block_on(wellspring_wallet::server::start(w)).unwrap();
    let learner = wallet
        .store
        .add_learner("learner@example.org", "wallet-password")
        .unwrap();

    // the learner's browser: cookies per site, redirects followed by hand to see each step
    let b = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let wb = &wallet.base_url;
    let r = b
        .post(format!("{wb}/login"))
        .header("origin", format!("{wb}"))
        .form(&[
            ("email", "learner@example.org"),
            ("password", "wallet-password"),
        ])
        .send()
        .unwrap();
    assert!(
        r.status().is_redirection(),
        "signed in to the wallet: {}",
        r.status()
    );
    let r = b
        .post(format!("{wb}/connect"))
        .header("origin", format!("{wb}"))
        .form(&[("base", hub.base_url.as_str()), ("standard", "ob30")])
        .send()
        .unwrap();
    assert!(
        r.status().is_redirection(),
        "the wallet sends the learner to the hub: {} {}",
        r.status(),
        r.text().unwrap_or_default()
    );
    let authorize = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(authorize.starts_with(&hub.base_url), "{authorize}");

    // the hub's sign-in page, then its consent page
    let (action, mut fields) = form(&b.get(&authorize).send().unwrap().text().unwrap());
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "username" => *v = wellspring_hub::server::DEMO_EMAIL.into(),
            "password" => *v = wellspring_hub::server::DEMO_PASSWORD.into(),
            _ => {}
        }
    }
    let r = b
        .post(format!("{}{action}", origin(&authorize)))
        .header("origin", format!("{}", origin(&authorize)))
        .form(&fields)
        .send()
        .unwrap();
    let consent = r.text().unwrap();
    assert!(consent.contains("Allow"), "{consent}");
    let (action, mut fields) = form(&consent);
    fields.push(("decision".into(), "approve".into()));
    let r = b
        .post(format!("{}{action}", origin(&authorize)))
        .header("origin", format!("{}", origin(&authorize)))
        .form(&fields)
        .send()
        .unwrap();
    let callback = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&format!("{wb}/connect/callback")),
        "{callback}"
    );
    let r = b.get(&callback).send().unwrap();
    let done = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(done.contains("imported"), "the callback imports: {done}");

    // what the hub serves for the learner, and what the wallet now holds
    let hl = hub
        .hub
        .store
        .learner_by_email(wellspring_hub::server::DEMO_EMAIL)
        .unwrap()
        .unwrap();
    let (issued, total) = hub
        .hub
        .store
        .credentials(hl.id, "ob", None, 100, 0)
        .unwrap();
    assert!(total >= 1, "the demo learner has credentials at the hub");
    let held = wallet.store.credentials(learner).unwrap();
    assert_eq!(held.len(), issued.len(), "every credential imported");
    let now = wellspring_verify::Options::offline(chrono::Utc::now());
    for (row, c) in issued.iter().zip(&held) {
        let exported = b
            .get(format!("{wb}/credentials/{}/export", c.id))
            .send()
            .unwrap()
            .bytes()
            .unwrap();
        assert_eq!(
            exported.as_ref(),
            row.body.as_bytes(),
            "exported byte for byte as issued"
        );
        let report = wellspring_verify::verify_bytes("exported", &exported, &now);
        assert!(
            report.passed(),
            "{}",
            wellspring_report::render::human(std::slice::from_ref(&report), true)
        );
        assert_eq!(c.status, "valid");
    }
    rt.block_on(wallet.stop());
    rt.block_on(hub.stop());
}
