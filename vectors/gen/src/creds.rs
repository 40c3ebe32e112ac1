//! The credentials of the vector set, built from the `wellspring-model` types. Everything that
//! varies between vectors (issuer, ids, dates) is a parameter; everything else is fixed text,
//! so the same call always gives the same JSON.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wellspring_model::*;

pub const BASE: &str = "https://vectors.wellspring.example";
pub const LEARNER: &str = "did:example:wellspring-learner";
pub const VALID_FROM: &str = "2025-01-01T00:00:00Z";
pub const VALID_UNTIL: &str = "2030-01-01T00:00:00Z";
pub const RECIPIENT_EMAIL: &str = "conformance@imsglobal.org";
pub const SALT: &str = "wellspring-vectors-salt";
pub const REVOCATION_LIST_URL: &str = "https://vectors.wellspring.example/status/revocation-list";
pub const BITSTRING_LIST_URL: &str =
    "https://vectors.wellspring.example/status/bitstring-status-list";

/// A stable `urn:uuid:` (version-4 shaped) derived from a label.
pub fn urn(label: &str) -> String {
    let h = Sha256::digest(format!("wellspring-vectors/id/{label}").as_bytes());
    let mut b: [u8; 16] = h[..16].try_into().unwrap();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// `sha256$<hex>` of value‖salt (OB 3.0 IdentityHash).
pub fn identity_hash(value: &str, salt: &str) -> String {
    format!(
        "sha256${}",
        hex::encode(Sha256::digest(format!("{value}{salt}").as_bytes()))
    )
}

/// The hashed email identifier of the recipient.
pub fn hashed_email(email: &str) -> IdentityObject {
    IdentityObject::hashed(
        "emailAddress",
        identity_hash(email, SALT),
        Some(SALT.to_owned()),
    )
}

/// An issuer profile: id, type, name.
pub fn issuer(id: &str) -> Profile {
    Profile::new(id).with_name("Wellspring Vectors Issuer")
}

/// A minimal achievement (every required property, nothing else).
pub fn achievement(label: &str, name: &str) -> Achievement {
    Achievement::new(
        urn(&format!("achievement/{label}")),
        name,
        format!("{name}: awarded to learners who complete the Wellspring conformance exercise."),
        "Complete every exercise of the Wellspring conformance course.",
    )
}

/// A minimal OpenBadgeCredential: @context, id, type, issuer, validFrom, credentialSubject.
pub fn ob_minimal(label: &str, issuer_id: &str) -> Credential {
    let subject = AchievementSubject::new(LEARNER, achievement(label, "Wellspring Test Badge"));
    Credential::new_ob(
        urn(&format!("credential/{label}")),
        issuer(issuer_id),
        subject,
        VALID_FROM,
    )
}

/// Same, as an `AchievementCredential` (the alias type).
pub fn achievement_credential(label: &str, issuer_id: &str) -> Credential {
    let subject =
        AchievementSubject::new(LEARNER, achievement(label, "Wellspring Test Achievement"));
    Credential::new_achievement(
        urn(&format!("credential/{label}")),
        issuer(issuer_id),
        subject,
        VALID_FROM,
    )
}

fn image(label: &str, caption: &str) -> Image {
    Image::new(format!("{BASE}/images/{label}.png")).with_caption(caption)
}

fn case_alignment(code: &str, name: &str) -> Alignment {
    Alignment {
        type_: vec![TYPE_ALIGNMENT.into()],
        target_code: Some(code.into()),
        target_description: Some(format!("CASE framework item {code}: {name}.")),
        target_name: Some(name.into()),
        target_framework: Some("Wellspring Sample CASE Framework".into()),
        target_type: Some("CFItem".into()),
        target_url: Some(format!(
            "{BASE}/ims/case/v1p0/CFItems/{}",
            urn(&format!("cfitem/{code}")).trim_start_matches("urn:uuid:")
        )),
        ..Default::default()
    }
}

/// A Profile with every optional property (organisation fields and person name parts).
fn full_profile(id: &str) -> Profile {
    Profile {
        id: id.into(),
        type_: vec![TYPE_PROFILE.into()],
        name: Some("Wellspring Vectors Issuer".into()),
        url: Some(format!("{BASE}/")),
        phone: Some("+1-555-0100".into()),
        description: Some("A fictitious issuer that signs the Wellspring test vectors.".into()),
        image: Some(image("issuer", "Issuer logo")),
        email: Some("issuer@vectors.wellspring.example".into()),
        address: Some(Address {
            type_: vec!["Address".into()],
            address_country: Some("United States".into()),
            address_country_code: Some("US".into()),
            address_region: Some("Oregon".into()),
            address_locality: Some("Portland".into()),
            street_address: Some("1 Spring Street".into()),
            post_office_box_number: Some("42".into()),
            postal_code: Some("97201".into()),
            geo: Some(GeoCoordinates {
                type_: "GeoCoordinates".into(),
                latitude: Some(45.5),
                longitude: Some(-122.5),
                ..Default::default()
            }),
            ..Default::default()
        }),
        other_identifier: vec![IdentifierEntry::new("WS-ISSUER-1", "systemId")],
        official: Some("Registrar".into()),
        parent_org: Some(Box::new(
            Profile::new(format!("{BASE}/organizations/parent"))
                .with_name("Wellspring Parent Organization"),
        )),
        ..Default::default()
    }
}

/// A person Profile (the achievement's creator) with the person name parts.
fn person_profile() -> Profile {
    Profile {
        id: format!("{BASE}/people/creator"),
        type_: vec![TYPE_PROFILE.into()],
        name: Some("Dr. Ada Q. Spring Jr.".into()),
        given_name: Some("Ada".into()),
        family_name: Some("Spring".into()),
        additional_name: Some("Quinn".into()),
        patronymic_name: Some("Adasdottir".into()),
        honorific_prefix: Some("Dr.".into()),
        honorific_suffix: Some("Jr.".into()),
        family_name_prefix: Some("van".into()),
        date_of_birth: Some("1980-02-29".into()),
        ..Default::default()
    }
}

/// An achievement with every optional property.
pub fn achievement_full(label: &str) -> Achievement {
    let rd_id = urn(&format!("result-description/{label}"));
    let level_id = urn(&format!("rubric-level/{label}/proficient"));
    Achievement {
        id: Some(urn(&format!("achievement/{label}"))),
        type_: vec![TYPE_ACHIEVEMENT.into()],
        achievement_type: Some("Certificate".into()),
        alignment: vec![case_alignment("WS.1.2", "Verify a credential")],
        creator: Some(person_profile()),
        credits_available: Some(3.0),
        criteria: Some(Criteria {
            id: Some(format!("{BASE}/criteria/{label}")),
            narrative: Some(
                "1. Issue a credential.\n2. Verify it with two independent verifiers.".into(),
            ),
            ..Default::default()
        }),
        description: Some("Awarded for verifying Open Badges 3.0 credentials correctly.".into()),
        field_of_study: Some("Credential verification".into()),
        human_code: Some("WS-101".into()),
        image: Some(image(label, "Badge image")),
        in_language: Some("en".into()),
        name: Some("Wellspring Full Badge".into()),
        other_identifier: vec![IdentifierEntry::new("WS-ACH-101", "identifier")],
        related: vec![Related {
            id: Some(urn(&format!("achievement/{label}/es"))),
            type_: vec!["Related".into()],
            in_language: Some("es".into()),
            version: Some("1.0".into()),
            ..Default::default()
        }],
        result_description: vec![ResultDescription {
            id: Some(rd_id),
            type_: vec![TYPE_RESULT_DESCRIPTION.into()],
            alignment: vec![case_alignment("WS.1.2.a", "Verify a signature")],
            allowed_value: vec!["novice".into(), "proficient".into(), "expert".into()],
            name: Some("Verification level".into()),
            required_level: Some(level_id.clone()),
            required_value: Some("proficient".into()),
            result_type: Some("RubricCriterionLevel".into()),
            rubric_criterion_level: vec![RubricCriterionLevel {
                id: Some(level_id),
                type_: vec![TYPE_RUBRIC_CRITERION_LEVEL.into()],
                alignment: vec![case_alignment("WS.1.2.b", "Verify a proof chain")],
                description: Some("Verifies every proof format.".into()),
                level: Some("2".into()),
                name: Some("Proficient".into()),
                points: Some("4".into()),
                ..Default::default()
            }],
            value_max: Some("expert".into()),
            value_min: Some("novice".into()),
            ..Default::default()
        }],
        specialization: Some("Data Integrity proofs".into()),
        tag: vec!["conformance".into(), "testing".into()],
        version: Some("1.0".into()),
        ..Default::default()
    }
}

/// A subject with every optional property, identified by id and a hashed email.
pub fn subject_full(label: &str, email: &str) -> AchievementSubject {
    let ach = achievement_full(label);
    let rd = ach.result_description[0].clone();
    AchievementSubject {
        id: Some(LEARNER.into()),
        type_: vec![TYPE_ACHIEVEMENT_SUBJECT.into()],
        identifier: vec![hashed_email(email)],
        achievement: Some(ach),
        activity_start_date: Some("2024-09-01T00:00:00Z".into()),
        activity_end_date: Some("2024-12-20T00:00:00Z".into()),
        credits_earned: Some(3.0),
        license_number: Some("WS-LIC-0001".into()),
        narrative: Some("Verified every vector of the Wellspring set.".into()),
        result: vec![ResultEntry {
            type_: vec![TYPE_RESULT.into()],
            achieved_level: rd.rubric_criterion_level[0].id.clone(),
            alignment: vec![case_alignment("WS.1.2.c", "Report a verdict")],
            result_description: rd.id.clone(),
            status: Some("Completed".into()),
            value: Some("proficient".into()),
            ..Default::default()
        }],
        role: Some("Student".into()),
        source: Some(
            Profile::new(format!("{BASE}/organizations/school")).with_name("Wellspring School"),
        ),
        term: Some("Fall 2024".into()),
        image: Some(image(&format!("{label}-subject"), "Baked badge")),
        ..Default::default()
    }
}

/// An OpenBadgeCredential with every optional property, a JSON Schema entry and a
/// 1EdTechRevocationList status (the credential is not on the list).
pub fn ob_full(label: &str, issuer_id: &str, email: &str) -> Credential {
    let mut c = Credential::new_ob(
        urn(&format!("credential/{label}")),
        full_profile(issuer_id),
        subject_full(label, email),
        VALID_FROM,
    );
    c.name = Some("Wellspring Full Badge Credential".into());
    c.description = Some("An OpenBadgeCredential using every optional property.".into());
    c.image = Some(image(&format!("{label}-credential"), "Credential image"));
    c.awarded_date = Some("2024-12-20T00:00:00Z".into());
    c.valid_until = Some(VALID_UNTIL.into());
    c.evidence = vec![Evidence {
        id: Some(format!("{BASE}/evidence/{label}")),
        type_: vec![TYPE_EVIDENCE.into()],
        narrative: Some("Ran the verifier on every vector.".into()),
        name: Some("Verification log".into()),
        description: Some("The log of the verification run.".into()),
        genre: Some("Log".into()),
        audience: Some("Assessors".into()),
        ..Default::default()
    }];
    c.credential_status = Some(CredentialStatus::revocation_list(REVOCATION_LIST_URL));
    c.refresh_service = Some(RefreshService::credential_refresh(format!(
        "{BASE}/refresh/{label}"
    )));
    c.with_json_schema()
}

/// An EndorsementCredential endorsing `endorsed` (an achievement, profile or credential id).
pub fn endorsement(label: &str, issuer_id: &str, endorsed: &str) -> Credential {
    let subject = EndorsementSubject::new(
        endorsed,
        Some("This achievement is rigorous and well assessed.".into()),
    );
    Credential::new_endorsement(
        urn(&format!("endorsement/{label}")),
        issuer(issuer_id).with_name("Wellspring Vectors Endorser"),
        subject,
        VALID_FROM,
        "Endorsement of the Wellspring Test Badge",
    )
}

/// A ClrCredential bundling `credentials` (already signed), listing `achievements` and
/// linking them with `associations`.
pub fn clr(
    label: &str,
    issuer_id: &str,
    credentials: Vec<Value>,
    achievements: Vec<Achievement>,
    associations: Vec<Association>,
) -> Credential {
    let mut subject = ClrSubject::new(LEARNER, credentials);
    subject.achievement = achievements;
    subject.association = associations;
    Credential::new_clr(
        urn(&format!("clr/{label}")),
        issuer(issuer_id),
        subject,
        VALID_FROM,
        "Wellspring Comprehensive Learner Record",
    )
}

/// Serializes a model credential (the one place that goes from types to JSON).
pub fn to_json(c: &Credential) -> Value {
    c.to_value()
}

/// A VerifiablePresentation of `credentials`, held by `holder`.
pub fn presentation(label: &str, holder: Option<&str>, credentials: Vec<Value>) -> Value {
    let mut vp = VerifiablePresentation::new(holder.map(str::to_owned), credentials);
    vp.id = Some(urn(&format!("presentation/{label}")));
    vp.to_value()
}

/// The W3C BitstringStatusListCredential (unsigned; signed by the caller).
pub fn bitstring_list_credential(issuer_id: &str, encoded_list: &str) -> Value {
    json!({
        "@context": [CONTEXT_VC_V2],
        "id": BITSTRING_LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": VALID_FROM,
        "credentialSubject": {
            "id": format!("{BITSTRING_LIST_URL}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        }
    })
}

/// A BitstringStatusListEntry for index `index`.
pub fn bitstring_entry(index: u32) -> CredentialStatus {
    let mut s = CredentialStatus {
        id: Some(format!("{BITSTRING_LIST_URL}#{index}")),
        type_: "BitstringStatusListEntry".into(),
        ..Default::default()
    };
    s.extra.insert("statusPurpose".into(), "revocation".into());
    s.extra
        .insert("statusListIndex".into(), index.to_string().into());
    s.extra
        .insert("statusListCredential".into(), BITSTRING_LIST_URL.into());
    s
}
