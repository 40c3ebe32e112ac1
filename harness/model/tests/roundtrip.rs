//! Every credential-shaped spec example and both official signed test vectors
//! read into the model and write back to the same JSON.

mod common;

use common::*;
use serde_json::Value;
use wellspring_model::*;

/// Example files that are not OB 3.0 credentials, with the reason they are
/// not round-tripped as one. Every other file must be handled by a test below.
const NOT_CREDENTIALS: &[(&str, &str)] = &[
    (
        "extensions_OB_CLR_Extension_JSON_LD_Context.json",
        "a JSON-LD @context document, not a credential",
    ),
    (
        "extensions_OB_CLR_Extension_JSON_Schema.json",
        "a JSON Schema (mentions credentialSubject only as a schema property)",
    ),
    (
        "integrity_Sample_JOSE_Header_with_reference_to_a_public_key_in_a_JWKS.json",
        "a JOSE header, not a credential",
    ),
];

/// Fragments `{"credentialSubject": {...}}` from the recommended-practices page:
/// round-tripped as a `CredentialSubject` on its own.
const SUBJECT_FRAGMENTS: &[&str] = &[
    "recommended_practices_Email_identifier_in_credential_subject.json",
    "recommended_practices_Given_name_and_family_name_credential_subject_wi.json",
    "recommended_practices_Name_identifier_in_credential_subject.json",
];

/// OB 2.0 documents from the migration guide, round-tripped as the OB 3.0 class
/// closest to them (unknown OB 2.0 properties go through `extra`).
const OB2_PROFILE_DOCS: &[&str] =
    &["migrating_Issuer_profile_relation_between_Open_Badges_2_0_and_Open_Bad.json"];
const OB2_ACHIEVEMENT_DOCS: &[&str] =
    &["migrating_OpenBadges_2_0_with_related_OpenBadges_3_0.json"];

fn examples_dir() -> std::path::PathBuf {
    spec_dir().join("ob30/examples")
}

fn roundtrip_credential(name: &str, input: &Value) -> Credential {
    let cred: Credential = serde_json::from_value(input.clone())
        .unwrap_or_else(|e| panic!("{name}: does not deserialize as Credential: {e}"));
    let output = cred.to_value();
    assert_same_json(name, &normalize(input), &normalize(&output));
    // Reading our own output gives the same struct again.
    let again = Credential::from_value(output).unwrap();
    assert_eq!(cred, again, "{name}: second round trip differs");
    cred
}

fn roundtrip_as<T>(name: &str, input: &Value) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let x: T = serde_json::from_value(input.clone())
        .unwrap_or_else(|e| panic!("{name}: does not deserialize: {e}"));
    let output = serde_json::to_value(&x).unwrap();
    assert_same_json(name, &normalize(input), &normalize(&output));
    x
}

#[test]
fn all_spec_examples_round_trip_or_are_listed() {
    let mut entries: Vec<_> = std::fs::read_dir(examples_dir())
        .expect("examples dir")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    assert!(
        entries.len() >= 20,
        "expected the spec examples, found {}",
        entries.len()
    );

    let mut credentials = 0;
    let mut exact = Vec::new();
    for path in &entries {
        let name = path.file_name().unwrap().to_str().unwrap();
        if let Some((_, reason)) = NOT_CREDENTIALS.iter().find(|(n, _)| *n == name) {
            eprintln!("skip {name}: {reason}");
            continue;
        }
        // All remaining example files are valid JSON; a parse failure here is a real failure.
        let input = read_json(path);
        if SUBJECT_FRAGMENTS.contains(&name) {
            let subject: CredentialSubject = roundtrip_as(name, &input["credentialSubject"]);
            assert!(
                subject.as_achievement().is_some(),
                "{name}: not an AchievementSubject"
            );
            continue;
        }
        if OB2_PROFILE_DOCS.contains(&name) {
            roundtrip_as::<Profile>(name, &input);
            continue;
        }
        if OB2_ACHIEVEMENT_DOCS.contains(&name) {
            roundtrip_as::<Achievement>(name, &input);
            continue;
        }
        assert!(
            input.get("credentialSubject").is_some() && input.get("@context").is_some(),
            "{name}: not a credential and not listed in NOT_CREDENTIALS / fragments"
        );
        let cred = roundtrip_credential(name, &input);
        if cred.to_value() == input {
            exact.push(name.to_string());
        }
        credentials += 1;
    }
    eprintln!("{credentials} credential examples round-tripped; exact (no normalization needed): {exact:?}");
    assert!(
        credentials >= 15,
        "only {credentials} credential examples found"
    );
}

#[test]
fn full_open_badge_round_trips_exactly_with_every_property_typed() {
    let name = "fullOpenBadge_Complete_OpenBadgeCredential.json";
    let input = read_json(&examples_dir().join(name));
    let cred = Credential::from_value(input.clone()).unwrap();
    // Exact: no key lost, no key added, same single/array spelling.
    assert_same_json(name, &input, &cred.to_value());
    // And nothing went through the `extra` catch-alls: the typed model covers
    // every property of the complete example.
    assert_eq!(cred.unknown_properties(), Vec::<String>::new());

    // Spot checks that values land in typed fields.
    assert_eq!(cred.kind(), CredentialKind::OpenBadge);
    assert_eq!(cred.issuer.id, "https://1edtech.edu/issuers/565049");
    let geo = cred.issuer.address.as_ref().unwrap().geo.as_ref().unwrap();
    assert_eq!(
        (geo.type_.as_str(), geo.latitude),
        ("GeoCoordinates", Some(1.0))
    );
    assert_eq!(cred.issuer.endorsement.len(), 1);
    assert_eq!(cred.endorsement[0].kind(), CredentialKind::Endorsement);
    let subject = cred.credential_subject.as_achievement().unwrap();
    assert_eq!(subject.credits_earned, Some(42.0));
    assert_eq!(subject.identifier.len(), 2);
    assert_eq!(subject.identifier[0].hashed, Some(false));
    assert_eq!(subject.result.len(), 3);
    assert_eq!(subject.result[2].status.as_deref(), Some("Completed"));
    let ach = subject.achievement.as_ref().unwrap();
    assert_eq!(ach.achievement_type.as_deref(), Some("Degree"));
    assert_eq!(
        ach.result_description[1].rubric_criterion_level[0]
            .points
            .as_deref(),
        Some("4")
    );
    assert_eq!(
        ach.result_description[0].allowed_value,
        ["D", "C", "B", "A"]
    );
    assert_eq!(ach.creator.as_ref().unwrap().endorsement.len(), 2);
    assert_eq!(
        ach.creator
            .as_ref()
            .unwrap()
            .parent_org
            .as_ref()
            .unwrap()
            .id,
        "did:example:123456789"
    );
    assert_eq!(ach.tag, ["research", "computer science"]);
    assert_eq!(
        cred.credential_schema[0].id.as_deref(),
        Some(SCHEMA_OB_ACHIEVEMENT_CREDENTIAL)
    );
    assert_eq!(
        cred.credential_status.as_ref().unwrap().type_,
        STATUS_REVOCATION_LIST
    );
    assert_eq!(
        cred.refresh_service.as_ref().unwrap().type_,
        REFRESH_CREDENTIAL_REFRESH
    );
    assert_eq!(cred.evidence.len(), 2);
}

#[test]
fn dropping_a_property_is_detected() {
    // Guard for the guard: the comparison used above does notice a lost key.
    let input = read_json(&examples_dir().join("fullOpenBadge_Complete_OpenBadgeCredential.json"));
    let mut cred = Credential::from_value(input.clone()).unwrap();
    cred.credential_subject = match cred.credential_subject {
        CredentialSubject::Achievement(mut s) => {
            s.term = None;
            CredentialSubject::Achievement(s)
        }
        other => other,
    };
    let d = diff(&normalize(&input), &normalize(&cred.to_value()));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("$.credentialSubject.term: LOST"), "{d:?}");
}

#[test]
fn ob_signed_test_vector_round_trips_exactly() {
    let input = read_json(&spec_dir().join("ob30/test-vectors/ldp-eddsa-rdfc-2022-signed.json"));
    let cred = Credential::from_value(input.clone()).unwrap();
    assert_same_json("ob30 vector", &input, &cred.to_value());
    assert_eq!(cred.kind(), CredentialKind::OpenBadge);
    assert!(
        cred.unknown_properties().is_empty(),
        "{:?}",
        cred.unknown_properties()
    );
    // `proof` is a single object in this vector and stays one.
    assert!(cred.proof.as_ref().unwrap().is_object());
    assert_eq!(cred.proofs().len(), 1);
    assert_eq!(cred.proofs()[0]["cryptosuite"], "eddsa-rdfc-2022");
}

#[test]
fn clr_signed_test_vector_round_trips() {
    let input = read_json(&spec_dir().join("clr20/test-vectors/ldp-eddsa-rdfc-2022-signed.json"));
    let cred = roundtrip_credential("clr20 vector", &input);
    assert_eq!(cred.kind(), CredentialKind::Clr);
    assert!(
        cred.unknown_properties().is_empty(),
        "{:?}",
        cred.unknown_properties()
    );
    let subject = cred.credential_subject.as_clr().expect("ClrSubject");
    assert_eq!(subject.verifiable_credential.len(), 1);
    // Nested credentials are raw JSON, byte-for-byte the input value.
    assert_eq!(
        subject.verifiable_credential[0],
        input["credentialSubject"]["verifiableCredential"][0]
    );
    assert_eq!(subject.achievement.len(), 2);
    assert_eq!(
        subject.association[0].association_type.as_deref(),
        Some("isParentOf")
    );
    // The CLR vector writes `"type": "Profile"`; the model writes the array form.
    assert_eq!(
        cred.to_value()["issuer"]["type"],
        serde_json::json!(["Profile"])
    );
    // The nested credential itself reads as an AchievementCredential.
    let nested = Credential::from_value(subject.verifiable_credential[0].clone()).unwrap();
    assert_eq!(nested.kind(), CredentialKind::Achievement);
}
