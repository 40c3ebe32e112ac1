//! Strict CASE 1.0 package types, as the CASE 1.0 OpenAPI (`CFPackage.Type` and the types it
//! references) defines them. Unknown properties are rejected (`additionalProperties: false`
//! in the OpenAPI; CASE 1.0 has no extension fields). Optional properties are `Option`, and are
//! left out when serializing. Property names are the wire names.
//!
//! Use these to produce packages (a reference server) or to read packages that are known to be
//! conformant; to inspect arbitrary input use [`crate::view`].

use serde::{Deserialize, Serialize};

/// `LinkURI.Type`: a reference to a CASE object (identifier is a UUID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkUri {
    pub title: String,
    pub identifier: String,
    pub uri: String,
}

/// `LinkGenURI.Type`: an association end; the identifier "may or may not be a UUID".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkGenUri {
    pub title: String,
    pub identifier: String,
    pub uri: String,
}

/// The CASE 1.0 `associationType` vocabulary (closed in 1.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AssociationType {
    IsChildOf,
    IsPeerOf,
    IsPartOf,
    ExactMatchOf,
    Precedes,
    IsRelatedTo,
    ReplacedBy,
    Exemplar,
    HasSkillLevel,
}

/// `CFPckgDocument.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfPckgDocument {
    pub identifier: String,
    pub uri: String,
    pub creator: String,
    pub title: String,
    pub last_change_date_time: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "officialSourceURL"
    )]
    pub official_source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Vec<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "subjectURI"
    )]
    pub subject_uri: Option<Vec<LinkUri>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adoption_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_end_date: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "licenseURI"
    )]
    pub license_uri: Option<LinkUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `CFPckgItem.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfPckgItem {
    pub identifier: String,
    pub full_statement: String,
    pub uri: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_label: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFItemType"
    )]
    pub cf_item_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_coding_scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_enumeration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abbreviated_statement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept_keywords: Option<Vec<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "conceptKeywordsURI"
    )]
    pub concept_keywords_uri: Option<LinkUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education_level: Option<Vec<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFItemTypeURI"
    )]
    pub cf_item_type_uri: Option<LinkUri>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "licenseURI"
    )]
    pub license_uri: Option<LinkUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_end_date: Option<String>,
}

/// `CFPckgAssociation.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfPckgAssociation {
    pub identifier: String,
    pub association_type: AssociationType,
    pub uri: String,
    #[serde(rename = "originNodeURI")]
    pub origin_node_uri: LinkGenUri,
    #[serde(rename = "destinationNodeURI")]
    pub destination_node_uri: LinkGenUri,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<i32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFAssociationGroupingURI"
    )]
    pub cf_association_grouping_uri: Option<LinkUri>,
}

/// `CFConcept.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfConcept {
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub hierarchy_code: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `CFSubject.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfSubject {
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub hierarchy_code: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `CFLicense.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfLicense {
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub license_text: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `CFItemType.Type` (description is required in 1.0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfItemType {
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub description: String,
    pub hierarchy_code: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
}

/// `CFAssociationGrouping.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfAssociationGrouping {
    pub identifier: String,
    pub uri: String,
    pub title: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `CFDefinition.Type`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CfDefinitions {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFConcepts"
    )]
    pub concepts: Option<Vec<CfConcept>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFSubjects"
    )]
    pub subjects: Option<Vec<CfSubject>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFLicenses"
    )]
    pub licenses: Option<Vec<CfLicense>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFItemTypes"
    )]
    pub item_types: Option<Vec<CfItemType>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFAssociationGroupings"
    )]
    pub association_groupings: Option<Vec<CfAssociationGrouping>>,
}

/// `CFRubricCriterionLevel.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfRubricCriterionLevel {
    pub identifier: String,
    pub uri: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric_criterion_id: Option<String>,
}

/// `CFRubricCriterion.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfRubricCriterion {
    pub identifier: String,
    pub uri: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "CFItemURI")]
    pub cf_item_uri: Option<LinkUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFRubricCriterionLevels"
    )]
    pub levels: Option<Vec<CfRubricCriterionLevel>>,
}

/// `CFRubric.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CfRubric {
    pub identifier: String,
    pub uri: String,
    pub last_change_date_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFRubricCriteria"
    )]
    pub criteria: Option<Vec<CfRubricCriterion>>,
}

/// `CFPackage.Type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CfPackage {
    #[serde(rename = "CFDocument")]
    pub document: CfPckgDocument,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "CFItems")]
    pub items: Option<Vec<CfPckgItem>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFAssociations"
    )]
    pub associations: Option<Vec<CfPckgAssociation>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFDefinitions"
    )]
    pub definitions: Option<CfDefinitions>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "CFRubrics")]
    pub rubrics: Option<Vec<CfRubric>>,
}
