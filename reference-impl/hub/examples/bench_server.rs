//! For `bench.sh`: starts the demo hub on a loopback port over the given SQLite file, mints an
//! access token for the demo learner through the authorization server's own store (client,
//! consent, code with PKCE, exchange), prints `BASE TOKEN` on one line, and serves until killed.

use std::time::Duration;

use wellspring_hub::server::{self, Config, DEMO_EMAIL};
use wellspring_obapi::oauth::{pkce_s256, AuthStore, Consent};

fn main() {
    let db = std::env::args()
        .nth(1)
        .expect("usage: bench_server DB.sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut c = Config::new(db.clone().into());
        c.listen = "127.0.0.1:0".parse().unwrap();
        c.demo = true;
        let running = server::start(c).await.expect("hub starts");
        let learner = running
            .hub
            .store
            .learner_by_email(DEMO_EMAIL)
            .unwrap()
            .unwrap();
        let auth = AuthStore::open(std::path::Path::new(&db)).unwrap();
        let scope = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly";
        let redirect = "https://bench.example/cb".to_owned();
        let (client, _) = auth
            .add_client(
                std::slice::from_ref(&redirect),
                &[scope.into()],
                &serde_json::json!({"client_name": "bench"}),
            )
            .unwrap();
        let verifier = "bench-verifier-0123456789-0123456789-0123456789";
        let consent = Consent {
            user: learner.id,
            client: client.clone(),
            redirect_uri: redirect.clone(),
            scope: scope.into(),
            state: "s".into(),
            challenge: pkce_s256(verifier),
        };
        let code = auth.add_code(&consent, 600).unwrap();
        let t = auth
            .exchange_code(&client, &code, &redirect, verifier, 3600, 3600)
            .unwrap();
        println!("{} {}", running.base_url, t.access);
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
}
