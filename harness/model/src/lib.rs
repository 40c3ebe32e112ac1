//! # wellspring-model
//!
//! Rust types for the Open Badges 3.0 and CLR 2.0 data model, used by the
//! Wellspring harness to **generate** test-vector credentials and to **read**
//! credentials under test.
//!
//! ## Serialization rules (OB 3.0 §Serialization)
//! * JSON property names are the spec's camelCase; `@context` and `type` are
//!   the Rust fields `context` and `type_`.
//! * `None` and empty `Vec`s are never written (null values and empty arrays
//!   MUST be omitted).
//! * Multi-valued properties are written as arrays, but read from either an
//!   array or a single compacted value. Single-valued `type`s (`Image`,
//!   `IdentityObject`, `IdentifierEntry`, `GeoCoordinates`, `Association`, the
//!   `type` of credentialSchema/credentialStatus/refreshService/termsOfUse) are
//!   written as a string and read from a string or a one-element array.
//! * `issuer`, `creator`, `source` and `image` also read from a bare URI string
//!   and, if nothing but the `id` is present, are written back that way.
//! * Every object keeps unknown properties in a `#[serde(flatten)] extra` map,
//!   so reading and writing loses nothing; [`Credential::unknown_properties`]
//!   lists them.
//! * `proof` and nested `verifiableCredential`s stay raw `serde_json::Value`
//!   because they are signed material.
//! * Known limitations: text properties are plain `String`s, so the
//!   language-map form (`{"en": "…"}`) that the purl "JSON-LD adaptation"
//!   schemas also allow fails to deserialize in a modelled text property (it is
//!   kept verbatim in unmodelled ones); `@context` entries must be URL strings
//!   (no inline context objects). Numbers (`creditsEarned`, `creditsAvailable`,
//!   `latitude`, `longitude`) are `f64`, so an integer written as `3` comes
//!   back as `3.0`.
//!
//! Properties that the spec requires are mostly still `Option` so that
//! non-conformant input can be read and negative vectors built; the
//! constructors (`Credential::new_ob`, `Achievement::new`, …) produce
//! conformant objects.

mod achievement;
mod credential;
mod equality;
mod extras;
mod profile;
mod serde_util;
mod standard;
mod subject;

pub use achievement::{
    Achievement, Alignment, Criteria, Evidence, IdentifierEntry, Image, Related, ResultDescription,
    ResultEntry, RubricCriterionLevel,
};
pub use credential::{
    Credential, CredentialKind, CredentialSchema, CredentialStatus, RefreshService, TermsOfUse,
    TypedEntry, VerifiablePresentation,
};
pub use equality::{
    compare_valid_from, newer, normalize_identifier, parse_datetime, same_credential,
    same_identifier,
};
pub use profile::{Address, GeoCoordinates, Profile};
pub use standard::{Standard, SCOPE_NAMES};
pub use subject::{
    AchievementSubject, Association, ClrSubject, CredentialSubject, EndorsementSubject,
    IdentityObject,
};

// ---- @context URLs -------------------------------------------------------

/// W3C VC Data Model 2.0 context (must be `@context[0]` of OB 3.0 / CLR 2.0 credentials).
pub const CONTEXT_VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// W3C VC Data Model 1.1 context (legacy form, verification only).
pub const CONTEXT_VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// Current OB 3.0 context.
pub const CONTEXT_OB_303: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// OB/CLR extensions context (defines `1EdTechJsonSchemaValidator2019`, `1EdTechRevocationList`,
/// `1EdTechCredentialRefresh`).
pub const CONTEXT_OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// Current CLR 2.0 context.
pub const CONTEXT_CLR_201: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

// ---- JSON Schema URLs (credentialSchema ids) -----------------------------

pub const SCHEMA_OB_ACHIEVEMENT_CREDENTIAL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
pub const SCHEMA_OB_ENDORSEMENT_CREDENTIAL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json";
pub const SCHEMA_CLR_CREDENTIAL: &str =
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json";

// ---- service `type` values -------------------------------------------------

/// `credentialSchema.type` for 1EdTech JSON Schema validation.
pub const SCHEMA_VALIDATOR_TYPE: &str = "1EdTechJsonSchemaValidator2019";
/// `credentialStatus.type` of the 1EdTech revocation list.
pub const STATUS_REVOCATION_LIST: &str = "1EdTechRevocationList";
/// `refreshService.type` of the 1EdTech credential refresh service.
pub const REFRESH_CREDENTIAL_REFRESH: &str = "1EdTechCredentialRefresh";

// ---- class `type` values ---------------------------------------------------

pub const TYPE_VC: &str = "VerifiableCredential";
pub const TYPE_VP: &str = "VerifiablePresentation";
pub const TYPE_OPEN_BADGE_CREDENTIAL: &str = "OpenBadgeCredential";
pub const TYPE_ACHIEVEMENT_CREDENTIAL: &str = "AchievementCredential";
pub const TYPE_ENDORSEMENT_CREDENTIAL: &str = "EndorsementCredential";
pub const TYPE_CLR_CREDENTIAL: &str = "ClrCredential";
pub const TYPE_ACHIEVEMENT_SUBJECT: &str = "AchievementSubject";
pub const TYPE_ENDORSEMENT_SUBJECT: &str = "EndorsementSubject";
pub const TYPE_CLR_SUBJECT: &str = "ClrSubject";
pub const TYPE_ACHIEVEMENT: &str = "Achievement";
pub const TYPE_PROFILE: &str = "Profile";
pub const TYPE_IMAGE: &str = "Image";
pub const TYPE_ALIGNMENT: &str = "Alignment";
pub const TYPE_RESULT: &str = "Result";
pub const TYPE_RESULT_DESCRIPTION: &str = "ResultDescription";
pub const TYPE_RUBRIC_CRITERION_LEVEL: &str = "RubricCriterionLevel";
pub const TYPE_EVIDENCE: &str = "Evidence";
pub const TYPE_IDENTITY_OBJECT: &str = "IdentityObject";
pub const TYPE_IDENTIFIER_ENTRY: &str = "IdentifierEntry";
pub const TYPE_ASSOCIATION: &str = "Association";
