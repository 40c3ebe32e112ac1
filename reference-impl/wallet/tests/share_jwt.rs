//! A VC-JWT shared in a signed presentation travels as an EnvelopedVerifiableCredential (VC DM
//! 2.0): the presentation signs, and the verification core verifies it and the JWT inside.

use wellspring_verify::{verify_bytes, Options, Verdict};
use wellspring_wallet::share;
use wellspring_wallet::store::StoredCredential;

#[test]
fn a_shared_vc_jwt_is_enveloped_and_verifies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/valid");
    let jws = std::fs::read(dir.join("ob-minimal.eddsa.jwt")).unwrap();
    let stored = StoredCredential {
        id: 1,
        format: "jwt".into(),
        original: jws.clone(),
        credential: String::new(),
        vc_id: None,
        issuer_id: None,
        kind: "OpenBadgeCredential".into(),
        name: None,
        description: None,
        issuer_name: None,
        issued_on: None,
        image: None,
        status: "valid".into(),
        report: String::new(),
        verified_at: String::new(),
        source: "test".into(),
    };
    let vp = share::presentation([9; 32], &[stored], Some("challenge-1"), None).unwrap();
    let env = &vp["verifiableCredential"][0];
    assert_eq!(env["type"], "EnvelopedVerifiableCredential");
    let jws = String::from_utf8(jws).unwrap();
    assert_eq!(env["id"], format!("data:application/vc+jwt,{}", jws.trim()));
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let r = verify_bytes(
        "vp.json",
        &serde_json::to_vec(&vp).unwrap(),
        &Options::offline(now),
    );
    assert!(r.passed(), "{r:#?}");
    assert_eq!(
        r.find("vp.proof").map(|c| c.verdict),
        Some(Verdict::Pass),
        "{r:#?}"
    );
    assert_eq!(
        r.find("vp.credentials").map(|c| c.verdict),
        Some(Verdict::Pass)
    );
}
