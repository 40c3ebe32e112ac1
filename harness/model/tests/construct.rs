//! Constructors produce spec-shaped JSON; reading accepts the compacted and
//! legacy forms seen in the wild.

use serde_json::json;
use wellspring_model::*;

fn sample_ob() -> Credential {
    let achievement = Achievement::new(
        "https://example.com/achievements/teamwork",
        "Teamwork",
        "Collaborates within a group.",
        "Nominated by peers.",
    );
    let subject = AchievementSubject::new("did:example:recipient", achievement);
    Credential::new_ob(
        "urn:uuid:00000000-0000-4000-8000-000000000001",
        Profile::new("https://example.edu/issuers/565049").with_name("Example University"),
        subject,
        "2010-01-01T00:00:00Z",
    )
    .with_name("Teamwork Badge")
}

#[test]
fn new_ob_is_spec_shaped() {
    let v = sample_ob().to_value();
    assert_eq!(
        v,
        json!({
            "@context": [CONTEXT_VC_V2, CONTEXT_OB_303],
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "https://example.edu/issuers/565049", "type": ["Profile"], "name": "Example University"},
            "validFrom": "2010-01-01T00:00:00Z",
            "name": "Teamwork Badge",
            "credentialSubject": {
                "id": "did:example:recipient",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.com/achievements/teamwork",
                    "type": ["Achievement"],
                    "criteria": {"narrative": "Nominated by peers."},
                    "description": "Collaborates within a group.",
                    "name": "Teamwork"
                }
            }
        })
    );
    // Key order of the top level follows the struct, starting with @context.
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(&keys[..4], ["@context", "id", "type", "issuer"]);
}

#[test]
fn with_json_schema_adds_schema_and_extensions_context() {
    let v = sample_ob().with_json_schema().to_value();
    assert_eq!(v["@context"][2], CONTEXT_OB_EXTENSIONS);
    assert_eq!(
        v["credentialSchema"],
        json!([{"id": SCHEMA_OB_ACHIEVEMENT_CREDENTIAL, "type": SCHEMA_VALIDATOR_TYPE}])
    );
    let endorsement = Credential::new_endorsement(
        "urn:uuid:e",
        Profile::new("https://endorser.example"),
        EndorsementSubject::new("https://example.edu/issuers/565049", Some("Good".into())),
        "2010-01-01T00:00:00Z",
        "Endorsement",
    )
    .with_json_schema();
    assert_eq!(
        endorsement.credential_schema[0].id.as_deref(),
        Some(SCHEMA_OB_ENDORSEMENT_CREDENTIAL)
    );
    assert_eq!(
        endorsement.to_value()["credentialSubject"]["endorsementComment"],
        "Good"
    );
}

#[test]
fn new_clr_is_spec_shaped() {
    let nested = sample_ob().to_value();
    let mut subject = ClrSubject::new("did:example:recipient", vec![nested.clone()]);
    subject
        .association
        .push(Association::new("isParentOf", "urn:a", "urn:b"));
    let clr = Credential::new_clr(
        "urn:uuid:clr",
        Profile::new("https://example.edu/issuers/565049"),
        subject,
        "2010-01-01T00:00:00Z",
        "Transcript",
    )
    .with_json_schema();
    let v = clr.to_value();
    assert_eq!(
        v["@context"],
        json!([
            CONTEXT_VC_V2,
            CONTEXT_CLR_201,
            CONTEXT_OB_303,
            CONTEXT_OB_EXTENSIONS
        ])
    );
    assert_eq!(v["type"], json!(["VerifiableCredential", "ClrCredential"]));
    assert_eq!(v["credentialSchema"][0]["id"], SCHEMA_CLR_CREDENTIAL);
    assert_eq!(v["credentialSubject"]["verifiableCredential"][0], nested);
    assert_eq!(
        v["credentialSubject"]["association"],
        json!([{"type": "Association", "associationType": "isParentOf", "sourceId": "urn:a", "targetId": "urn:b"}])
    );
    let back = Credential::from_value(v).unwrap();
    assert_eq!(back, clr);
}

#[test]
fn empty_and_none_are_omitted() {
    let mut c = sample_ob();
    c.endorsement.clear();
    c.description = None;
    c.proof = None;
    let v = c.to_value();
    for key in [
        "endorsement",
        "description",
        "proof",
        "evidence",
        "termsOfUse",
        "validUntil",
    ] {
        assert!(v.get(key).is_none(), "{key} should be omitted");
    }
    fn no_nulls_or_empty(v: &serde_json::Value) {
        match v {
            serde_json::Value::Null => panic!("null written"),
            serde_json::Value::Array(a) => {
                assert!(!a.is_empty(), "empty array written");
                a.iter().for_each(no_nulls_or_empty)
            }
            serde_json::Value::Object(m) => m.values().for_each(no_nulls_or_empty),
            _ => {}
        }
    }
    no_nulls_or_empty(&v);
}

#[test]
fn reads_compacted_single_values() {
    let v = json!({
        "@context": CONTEXT_VC_V2,
        "id": "urn:x",
        "type": "VerifiableCredential",
        "issuer": "https://example.edu/issuers/1",
        "validFrom": "2010-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:1",
            "type": "AchievementSubject",
            "identifier": {"type": ["IdentityObject"], "hashed": true, "identityHash": "sha256$00", "identityType": "emailAddress", "salt": "s"},
            "achievement": {"id": "urn:a", "type": "Achievement", "image": "https://example.edu/a.png",
                             "alignment": {"type": "Alignment", "targetName": "n", "targetUrl": "https://u"}}
        },
        "credentialSchema": {"id": SCHEMA_OB_ACHIEVEMENT_CREDENTIAL, "type": SCHEMA_VALIDATOR_TYPE},
        "termsOfUse": {"type": "TrustFramework", "trustFramework": "x"},
        "evidence": {"type": "Evidence", "name": "e"},
        "proof": {"type": "DataIntegrityProof"}
    });
    let c = Credential::from_value(v).unwrap();
    assert_eq!(c.context, [CONTEXT_VC_V2]);
    assert_eq!(c.type_, ["VerifiableCredential"]);
    assert_eq!(c.issuer, Profile::uri("https://example.edu/issuers/1"));
    let s = c.credential_subject.as_achievement().unwrap();
    assert_eq!(s.identifier[0].type_, "IdentityObject");
    assert_eq!(s.identifier[0].hashed, Some(true));
    let a = s.achievement.as_ref().unwrap();
    assert_eq!(a.image.as_ref().unwrap().id, "https://example.edu/a.png");
    assert_eq!(a.alignment[0].target_name.as_deref(), Some("n"));
    assert_eq!(c.credential_schema.len(), 1);
    assert_eq!(c.terms_of_use[0].extra["trustFramework"], "x");
    assert_eq!(c.evidence[0].name.as_deref(), Some("e"));
    assert_eq!(c.proofs().len(), 1);

    // Written back: arrays for multi-valued properties, bare URIs stay bare,
    // single-valued types are strings, `proof` keeps its original shape.
    let out = c.to_value();
    assert_eq!(out["@context"], json!([CONTEXT_VC_V2]));
    assert_eq!(out["type"], json!(["VerifiableCredential"]));
    assert_eq!(out["issuer"], "https://example.edu/issuers/1");
    assert_eq!(
        out["credentialSubject"]["identifier"][0]["type"],
        "IdentityObject"
    );
    assert_eq!(
        out["credentialSubject"]["achievement"]["image"],
        "https://example.edu/a.png"
    );
    assert_eq!(out["credentialSchema"][0]["type"], SCHEMA_VALIDATOR_TYPE);
    assert_eq!(out["proof"], json!({"type": "DataIntegrityProof"}));
}

#[test]
fn subject_variant_is_chosen_by_type() {
    let endorse: CredentialSubject = serde_json::from_value(
        json!({"id": "urn:x", "type": "EndorsementSubject", "endorsementComment": "ok"}),
    )
    .unwrap();
    assert!(endorse.as_endorsement().is_some());
    let clr: CredentialSubject =
        serde_json::from_value(json!({"type": ["ClrSubject"], "verifiableCredential": [{"a": 1}]}))
            .unwrap();
    assert!(clr.as_clr().is_some());
    let untyped_clr: CredentialSubject =
        serde_json::from_value(json!({"verifiableCredential": {"a": 1}})).unwrap();
    assert_eq!(untyped_clr.as_clr().unwrap().verifiable_credential.len(), 1);
    let bare: CredentialSubject = serde_json::from_value(json!({"id": "did:example:1"})).unwrap();
    assert_eq!(bare.id(), Some("did:example:1"));
    assert!(bare.as_achievement().is_some());
    // Errors from the chosen variant are reported, not swallowed.
    let err = serde_json::from_value::<CredentialSubject>(
        json!({"type": "AchievementSubject", "creditsEarned": "x"}),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("invalid type"), "{err}");
}

#[test]
fn unknown_properties_are_kept_and_listed() {
    let mut v = sample_ob().to_value();
    v["issuer"]["alsoKnownAs"] = json!("https://old.example/issuer");
    v["credentialSubject"]["achievement"]["myField"] = json!("x");
    v["credentialStatus"] = json!({"id": "https://s/1#23", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "23", "statusListCredential": "https://s/1"});
    let c = Credential::from_value(v.clone()).unwrap();
    assert_eq!(c.to_value(), v);
    let mut unknown = c.unknown_properties();
    unknown.sort();
    assert_eq!(
        unknown,
        [
            "credentialStatus.statusListCredential",
            "credentialStatus.statusListIndex",
            "credentialStatus.statusPurpose",
            "credentialSubject.achievement.myField",
            "issuer.alsoKnownAs",
        ]
    );
    assert_eq!(
        c.credential_status.unwrap().get("statusPurpose").unwrap(),
        "revocation"
    );
}

#[test]
fn vcdm_v1_form() {
    let mut c = sample_ob();
    c.valid_until = Some("2030-01-01T00:00:00Z".into());
    let v1 = c.into_vcdm_v1();
    assert!(v1.is_vcdm_v1());
    let v = v1.to_value();
    assert_eq!(v["@context"][0], CONTEXT_VC_V1);
    assert_eq!(v["issuanceDate"], "2010-01-01T00:00:00Z");
    assert_eq!(v["expirationDate"], "2030-01-01T00:00:00Z");
    assert!(v.get("validFrom").is_none() && v.get("validUntil").is_none());
    assert_eq!(v1.effective_valid_from(), Some("2010-01-01T00:00:00Z"));
    assert_eq!(v1.effective_valid_until(), Some("2030-01-01T00:00:00Z"));
}

#[test]
fn proof_helpers() {
    let mut c = sample_ob();
    assert!(c.proofs().is_empty());
    c.push_proof(json!({"type": "DataIntegrityProof", "proofValue": "z1"}));
    assert_eq!(
        c.to_value()["proof"],
        json!([{"type": "DataIntegrityProof", "proofValue": "z1"}])
    );
    c.push_proof(json!({"type": "DataIntegrityProof", "proofValue": "z2"}));
    assert_eq!(c.proofs().len(), 2);
    assert!(c.without_proof().to_value().get("proof").is_none());
}

#[test]
fn presentation_shape() {
    let vp = VerifiablePresentation::new(
        Some("did:example:holder".into()),
        vec![sample_ob().to_value()],
    );
    let v = vp.to_value();
    assert_eq!(v["@context"], json!([CONTEXT_VC_V2]));
    assert_eq!(v["type"], json!(["VerifiablePresentation"]));
    assert_eq!(v["holder"], "did:example:holder");
    assert_eq!(
        v["verifiableCredential"][0]["type"][1],
        "OpenBadgeCredential"
    );
    let back: VerifiablePresentation = serde_json::from_value(v).unwrap();
    assert_eq!(back, vp);
}

#[test]
fn identity_object_constructors() {
    let plain =
        serde_json::to_value(IdentityObject::plain("emailAddress", "a@example.com")).unwrap();
    assert_eq!(
        plain,
        json!({"type": "IdentityObject", "identityHash": "a@example.com", "identityType": "emailAddress", "hashed": false})
    );
    let hashed = IdentityObject::hashed(
        "emailAddress",
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
        Some("Kosher".into()),
    );
    assert_eq!(hashed.hashed, Some(true));
    assert_eq!(serde_json::to_value(&hashed).unwrap()["salt"], "Kosher");
    let img = serde_json::to_value(Image::new("https://x/i.png").with_caption("c")).unwrap();
    assert_eq!(
        img,
        json!({"id": "https://x/i.png", "type": "Image", "caption": "c"})
    );
}
