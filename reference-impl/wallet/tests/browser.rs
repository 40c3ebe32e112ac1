//! The wallet's pages in a real headless Chromium (Debian's `chromium` + `chromedriver`,
//! installed by `.ci/run`): the learner signs in, connects the wallet to a provider (the
//! harness's conformance provider, signing in there too), sees the imported credentials, and
//! the screenshot of the list is checked to be non-blank. Without chromium the test says so
//! and stops.

use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use wellspring_suite_ob30::consumer::{self, Options, Role};
use wellspring_suite_ob30::issuer::IssuerStandard;
use wellspring_wallet::server::{self, Config, DEMO_EMAIL, DEMO_PASSWORD};

use wellspring_testkit::{browser_or_explicit_skip, chromedriver, ink};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learner_signs_in_connects_imports_in_headless_chromium() {
    if !browser_or_explicit_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut c = Config::new(tmp.path().join("wallet.sqlite"));
    c.allow_private_network = true;
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    let w = server::start(c).await.unwrap();
    let mut o = Options::new(IssuerStandard::Ob30, Role::Read);
    o.wait = Duration::from_secs(60);
    o.quiet = Duration::from_millis(500);
    let (user, pass) = (o.user.clone(), o.password.clone());
    let session = tokio::task::spawn_blocking(move || consumer::start(&o).unwrap())
        .await
        .unwrap();
    let provider = session.base_url().to_owned();

    // two rustls back-ends are linked in this test binary: pick one for the WebDriver client
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (_driver, port) = chromedriver();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--disable-dev-shm-usage"]}),
    );
    let b = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("webdriver session");

    b.goto(&format!("{}/", w.base_url)).await.unwrap();
    b.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(DEMO_EMAIL)
        .await
        .unwrap();
    b.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(DEMO_PASSWORD)
        .await
        .unwrap();
    b.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css(".grid")).await.unwrap();

    b.goto(&format!("{}/connect", w.base_url)).await.unwrap();
    b.find(Locator::Css("#base"))
        .await
        .unwrap()
        .send_keys(&provider)
        .await
        .unwrap();
    b.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // the provider's sign-in page
    b.wait()
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap();
    b.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(&user)
        .await
        .unwrap();
    b.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(&pass)
        .await
        .unwrap();
    b.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // back in the wallet, with the imported credentials
    b.wait().for_element(Locator::Css("p.flash")).await.unwrap();
    let flash = b
        .find(Locator::Css("p.flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(flash.contains("4 credential(s) imported"), "{flash}");
    let shot = b.screenshot().await.unwrap();
    std::fs::write(tmp.path().join("wallet.png"), &shot).unwrap();
    let (inked, colours) = ink(&shot);
    assert!(
        inked > 30_000 && colours > 8,
        "blank-looking screenshot: {inked} inked pixels, {colours} colours"
    );
    b.close().await.unwrap();

    let report = tokio::task::spawn_blocking(move || session.wait())
        .await
        .unwrap();
    assert!(
        report.passed(),
        "{}",
        wellspring_report::render::human(std::slice::from_ref(&report), true)
    );
    if let Ok(dir) = std::env::var("WELLSPRING_SCREENSHOTS") {
        let _ = std::fs::copy(
            tmp.path().join("wallet.png"),
            std::path::Path::new(&dir).join("wallet.png"),
        );
    }
    w.stop().await;
}
