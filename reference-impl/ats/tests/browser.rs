//! The recruiter's pages in a real headless Chromium (Debian's `chromium` + `chromedriver`):
//! a candidate applies through the apply page's upload form, the recruiter signs in, opens the
//! job, sees the ranked (blind) candidate with the evidence per requirement, opens the candidate
//! and sees the credentials as a displayer shows them; the screenshot of the ranking is checked
//! to be non-blank. Without chromium the test says so and stops.

mod common;

use common::*;
use fantoccini::{ClientBuilder, Locator};

use wellspring_testkit::{browser_or_explicit_skip, chromedriver, ink};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recruiter_signs_in_and_sees_the_ranked_candidate_in_headless_chromium() {
    if !browser_or_explicit_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats(tmp.path(), &case.base_url).await;
    let http = client();
    let job = demo_job(&http, &ats.base_url).await;

    let _ = rustls::crypto::ring::default_provider().install_default();
    let (_driver, port) = chromedriver();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--disable-dev-shm-usage"]}),
    );
    let b = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("webdriver session");

    // the candidate: the apply page gives a challenge and domain; the signed presentation is pasted
    b.goto(&format!("{}/jobs/{job}/apply", ats.base_url))
        .await
        .unwrap();
    let challenge = b
        .find(Locator::Css("#challenge"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let domain = b
        .find(Locator::Css("#domain"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let l = learner();
    let vp = presentation(
        &l,
        three_badges(
            &case.base_url,
            &l.did,
            "Jordan Rivera",
            "Riverbend Community College",
        ),
        &challenge,
        &domain,
    );
    // typing 20 kB into a textarea is slow in WebDriver: set it directly
    b.execute(
        "document.getElementById('text').value = arguments[0];",
        vec![serde_json::Value::from(vp.to_string())],
    )
    .await
    .unwrap();
    b.find(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys("Jordan Rivera")
        .await
        .unwrap();
    b.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("p.flash")).await.unwrap();
    let received = b
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        received.contains("received") && received.contains("Air Brake Systems"),
        "{received}"
    );

    // the recruiter
    b.goto(&format!("{}/", ats.base_url)).await.unwrap();
    b.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(RECRUITER.0)
        .await
        .unwrap();
    b.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(RECRUITER.1)
        .await
        .unwrap();
    b.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("a.job")).await.unwrap();
    b.find(Locator::Css("a.job"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css(".candidate"))
        .await
        .unwrap();
    let page = b
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("40.6%"), "{page}");
    assert!(
        page.contains("JS-A.1") && page.contains("exactMatchOf") && page.contains("DT.4.1"),
        "{page}"
    );
    assert!(
        !page.contains("Jordan") && !page.contains("Riverbend"),
        "the ranking is blind: {page}"
    );
    let shot = b.screenshot().await.unwrap();
    std::fs::write(tmp.path().join("ats.png"), &shot).unwrap();
    let (inked, colours) = ink(&shot);
    assert!(
        inked > 30_000 && colours > 8,
        "blank-looking screenshot: {inked} inked pixels, {colours} colours"
    );

    // opening the candidate reveals the person and the credentials as a displayer shows them
    b.find(Locator::LinkText("Open candidate"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css(".credential"))
        .await
        .unwrap();
    let page = b
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Jordan Rivera")
            && page.contains("Riverbend Community College")
            && page.contains("Air Brake Systems"),
        "{page}"
    );
    assert!(
        page.contains("2025-06-01") && page.contains("VALID"),
        "{page}"
    );
    b.find(Locator::Css(".credential button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("p.flash")).await.unwrap();
    let flash = b
        .find(Locator::Css("p.flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(flash, "Verified again.");
    b.close().await.unwrap();
    if let Ok(dir) = std::env::var("WELLSPRING_SCREENSHOTS") {
        let _ = std::fs::copy(
            tmp.path().join("ats.png"),
            std::path::Path::new(&dir).join("ats.png"),
        );
    }
    ats.stop().await;
    case.stop().await.unwrap();
}
