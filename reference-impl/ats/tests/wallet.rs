//! "Apply from wallet" with the real reference wallet: the learner's credentials (issued to the
//! learner's wallet did:key by the college) are imported into the wallet over HTTP; the learner
//! asks the ATS for a challenge, and the wallet's Share signs a presentation with it and the
//! ATS's domain and sends it to the job's apply URL. The ATS answers 201 and ranks the learner.

mod common;

use common::*;
use serde_json::Value;
use wellspring_wallet::server as wallet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallets_share_is_an_application() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_server(tmp.path()).await;
    let ats = ats(tmp.path(), &case.base_url).await;
    let mut wc = wallet::Config::new(tmp.path().join("wallet.sqlite"));
    wc.allow_private_network = true;
    wc.listen = "127.0.0.1:0".parse().unwrap();
    wc.demo = true;
    wc.offline = true;
    let w = wallet::start(wc).await.unwrap();
    let learner_id = w
        .store
        .learner_by_email(wallet::DEMO_EMAIL)
        .unwrap()
        .unwrap();
    let (_, did, _) =
        wellspring_wallet::share::holder(w.store.key_seed(learner_id).unwrap()).unwrap();

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = browser
        .post(format!("{}/login", w.base_url))
        .header("origin", format!("{}", w.base_url))
        .form(&[
            ("email", wallet::DEMO_EMAIL),
            ("password", wallet::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let mut ids = Vec::new();
    for badge in three_badges(
        &case.base_url,
        &did,
        "Jordan Rivera",
        "Riverbend Community College",
    ) {
        let form = reqwest::multipart::Form::new().text("text", badge.to_string());
        let r = browser
            .post(format!("{}/import", w.base_url))
            .header("origin", format!("{}", w.base_url))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        ids.push(to.rsplit('/').next().unwrap().to_owned());
    }

    let http = client();
    let job = demo_job(&http, &ats.base_url).await;
    let (challenge, domain, apply_url) = common::challenge(&http, &ats.base_url, job).await;
    let mut form: Vec<(&str, &str)> = ids.iter().map(|i| ("id", i.as_str())).collect();
    form.extend([
        ("send_to", apply_url.as_str()),
        ("challenge", challenge.as_str()),
        ("domain", domain.as_str()),
    ]);
    let r = browser
        .post(format!("{}/share", w.base_url))
        .header("origin", format!("{}", w.base_url))
        .form(&form)
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("it answered 201"), "{page}");

    let rank = ranking(&http, &ats.base_url, job).await;
    let c = &rank["candidates"].as_array().unwrap()[0];
    assert_eq!(c["score"], 40.625, "{rank:#}");
    let app: Value = http
        .get(format!(
            "{}/api/jobs/{job}/applications/{}",
            ats.base_url, c["application"]
        ))
        .basic_auth(RECRUITER.0, Some(RECRUITER.1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(app["holder"], did.as_str());
    w.stop().await;
    ats.stop().await;
    case.stop().await.unwrap();
}
