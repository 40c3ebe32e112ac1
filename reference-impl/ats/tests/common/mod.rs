//! Real parts for the ATS tests: the reference CASE provider with the two diesel demo frameworks,
//! the ATS on loopback with a temporary SQLite file, credentials signed at run time by a
//! college's did:key, presentations signed by a learner's did:key.
#![allow(dead_code)]

use serde_json::{json, Value};
use wellspring_model::{
    Achievement, AchievementSubject, Alignment, ClrSubject, Credential, IdentityObject, Profile,
};
use wellspring_verify::{di, keys, loader::ContextLoader};

pub const COLLEGE_DOC: &str = "c0115e9e-d1e5-4e11-8c00-000000000000";
pub const JOB_DOC: &str = "e3910e9e-d1e5-4e22-9c00-000000000000";
/// College learning outcomes (course level).
pub const DT_1_1: &str = "c0115e9e-d1e5-4e11-8c01-000000000002";
pub const DT_3_2: &str = "c0115e9e-d1e5-4e11-8c01-000000000010";
pub const DT_4_1: &str = "c0115e9e-d1e5-4e11-8c01-000000000012";
/// Job skills.
pub const JS_A: &str = "e3910e9e-d1e5-4e22-9c01-000000000001";
pub const JS_A_1: &str = "e3910e9e-d1e5-4e22-9c01-000000000002";
pub const JS_A_2: &str = "e3910e9e-d1e5-4e22-9c01-000000000003";
pub const JS_B: &str = "e3910e9e-d1e5-4e22-9c01-000000000004";
pub const JS_B_2: &str = "e3910e9e-d1e5-4e22-9c01-000000000006";

pub async fn case_server(dir: &std::path::Path) -> wellspring_case_server::Running {
    let mut c = wellspring_case_server::Config::new(dir.join("case.sqlite"));
    c.port = 0;
    c.demo = true;
    wellspring_case_server::start(c)
        .await
        .expect("CASE server starts")
}

pub async fn ats(dir: &std::path::Path, case_base: &str) -> wellspring_ats::server::Running {
    let mut c = wellspring_ats::server::Config::new(dir.join("ats.sqlite"));
    c.allow_private_network = true;
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.demo = true;
    c.case_base = Some(case_base.to_owned());
    wellspring_ats::server::start(c).await.expect("ATS starts")
}

pub struct Key {
    pub jwk: keys::Jwk,
    pub did: String,
    pub vm: String,
}

pub fn key(seed: u8) -> Key {
    let jwk = keys::ed25519_from_seed([seed; 32]);
    let (did, vm) = keys::did_key_of(&jwk).unwrap();
    Key { jwk, did, vm }
}

pub fn college() -> Key {
    key(7)
}

pub fn learner() -> Key {
    key(42)
}

pub fn item_url(case_base: &str, id: &str) -> String {
    format!("{case_base}/ims/case/v1p0/CFItems/{id}")
}

/// An unsigned OpenBadgeCredential for `subject` from `issuer_name`, aligned to `aligned`
/// (CFItem URLs), the learner named by an identifier.
pub fn badge(
    issuer: &Key,
    issuer_name: &str,
    subject: &str,
    learner_name: &str,
    n: usize,
    title: &str,
    aligned: &[String],
) -> Value {
    let mut a = Achievement::new(
        format!("urn:uuid:7a1e0000-0000-4000-8000-{n:012}"),
        title,
        format!("{title}: a course of the Diesel Technology program."),
        "Pass the course.",
    );
    for url in aligned {
        let mut al = Alignment::new(title, url.clone());
        al.target_type = Some("CFItem".into());
        a.alignment.push(al);
    }
    let mut s = AchievementSubject::new(subject, a);
    s.identifier
        .push(IdentityObject::plain("name", learner_name));
    let mut c = Credential::new_ob(
        format!("urn:uuid:c4ed0000-0000-4000-8000-{n:012}"),
        Profile::new(issuer.did.clone()).with_name(issuer_name),
        s,
        "2025-06-01T00:00:00Z",
    );
    c.name = Some(title.to_owned());
    c.to_value()
}

pub fn sign(k: &Key, v: &Value) -> Value {
    di::sign(
        v,
        &k.jwk,
        &k.vm,
        "2025-06-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap()
}

/// A signed CLR bundling already-signed credentials.
pub fn clr(issuer: &Key, issuer_name: &str, subject: &str, bundled: Vec<Value>) -> Value {
    let c = Credential::new_clr(
        "urn:uuid:c1a00000-0000-4000-8000-000000000001",
        Profile::new(issuer.did.clone()).with_name(issuer_name),
        ClrSubject::new(subject, bundled),
        "2025-06-01T00:00:00Z",
        "Diesel Technology transcript",
    );
    sign(issuer, &c.to_value())
}

/// A presentation signed by the holder for `authentication` with a challenge and domain (what
/// the wallet's Share produces).
pub fn presentation(holder: &Key, creds: Vec<Value>, challenge: &str, domain: &str) -> Value {
    let vp =
        wellspring_model::VerifiablePresentation::new(Some(holder.did.clone()), creds).to_value();
    let mut proof = serde_json::Map::new();
    proof.insert("type".into(), json!("DataIntegrityProof"));
    proof.insert("created".into(), json!("2026-01-01T00:00:00Z"));
    proof.insert("verificationMethod".into(), json!(holder.vm));
    proof.insert("cryptosuite".into(), json!("eddsa-rdfc-2022"));
    proof.insert("proofPurpose".into(), json!("authentication"));
    proof.insert("challenge".into(), json!(challenge));
    proof.insert("domain".into(), json!(domain));
    di::sign_proof(&vp, &holder.jwk, proof, &ContextLoader::offline()).unwrap()
}

/// The three courses of the story: air brakes (DT.4.1), engine testing (DT.1.1), electrical
/// (DT.3.2), signed by the college for `subject`.
pub fn three_badges(
    case_base: &str,
    subject: &str,
    learner_name: &str,
    institution: &str,
) -> Vec<Value> {
    let c = college();
    [
        (1, "Air Brake Systems", DT_4_1),
        (2, "Diesel Engine Testing", DT_1_1),
        (3, "Heavy-Vehicle Electrical Systems", DT_3_2),
    ]
    .iter()
    .map(|(n, t, item)| {
        sign(
            &c,
            &badge(
                &c,
                institution,
                subject,
                learner_name,
                *n,
                t,
                &[item_url(case_base, item)],
            ),
        )
    })
    .collect()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

pub const RECRUITER: (&str, &str) = (
    wellspring_ats::server::DEMO_EMAIL,
    wellspring_ats::server::DEMO_PASSWORD,
);

/// The demo job's id.
pub async fn demo_job(http: &reqwest::Client, base: &str) -> i64 {
    let jobs: Value = http
        .get(format!("{base}/api/jobs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jobs.as_array()
        .unwrap()
        .iter()
        .find(|j| j["title"] == wellspring_ats::server::DEMO_JOB_TITLE)
        .and_then(|j| j["id"].as_i64())
        .expect("the demo job exists")
}

/// A fresh challenge and the domain for applying to `job`.
pub async fn challenge(http: &reqwest::Client, base: &str, job: i64) -> (String, String, String) {
    let v: Value = http
        .get(format!("{base}/api/jobs/{job}/apply"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        v["challenge"].as_str().unwrap().to_owned(),
        v["domain"].as_str().unwrap().to_owned(),
        v["applyUrl"].as_str().unwrap().to_owned(),
    )
}

pub async fn ranking(http: &reqwest::Client, base: &str, job: i64) -> Value {
    let r = http
        .get(format!("{base}/api/jobs/{job}/ranking"))
        .basic_auth(RECRUITER.0, Some(RECRUITER.1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}
