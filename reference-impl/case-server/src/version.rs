//! The two CASE versions the server speaks, side by side, from the same stored packages.
//!
//! CASE 1.1 kept the twelve operations and the payload shapes of 1.0 (REST binding 1.1 §1.3) and
//! added optional properties: `CFDocument.frameworkType` / `caseVersion`, `CFItem.subject` /
//! `subjectURI`, `CFAssociation.notes`, `LinkGenURI.targetType`, `extensions` on thirteen classes
//! (the package included). Two `imsx_codeMinorFieldValue` tokens were renamed
//! (`invaliduuid` → `invalid_uuid`, `unauthorisedrequest` → `unauthorised_request`), and 1.1
//! requires a discovery file (§2.5).
//!
//! A stored object is served as it was loaded under `/ims/case/v1p1`; under `/ims/case/v1p0` the
//! 1.1-only properties are left out ([`Version::project`]), since every 1.0 type says
//! `additionalProperties: false`.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1p0,
    V1p1,
}

/// 1.1-only properties, by the package array (or object) that holds their owner.
const ONLY_1P1: &[(&str, &[&str])] = &[
    (
        "CFDocument",
        &["frameworkType", "caseVersion", "extensions"],
    ),
    ("CFItems", &["subject", "subjectURI", "extensions"]),
    ("CFAssociations", &["notes", "extensions"]),
    ("CFConcepts", &["extensions"]),
    ("CFSubjects", &["extensions"]),
    ("CFLicenses", &["extensions"]),
    ("CFItemTypes", &["extensions"]),
    ("CFAssociationGroupings", &["extensions"]),
    ("CFRubrics", &["extensions"]),
    ("CFRubricCriteria", &["extensions"]),
    ("CFRubricCriterionLevels", &["extensions"]),
    ("CFDefinitions", &["extensions"]),
    ("CFPackage", &["extensions"]),
];

impl Version {
    pub const ALL: [Version; 2] = [Version::V1p0, Version::V1p1];

    pub fn base_path(self) -> &'static str {
        match self {
            Version::V1p0 => "/ims/case/v1p0",
            Version::V1p1 => wellspring_case::openapi11::BASE_PATH,
        }
    }

    /// "1.0" / "1.1".
    pub fn label(self) -> &'static str {
        match self {
            Version::V1p0 => "1.0",
            Version::V1p1 => "1.1",
        }
    }

    /// codeMinor of a malformed identifier.
    pub fn invalid_uuid(self) -> &'static str {
        match self {
            Version::V1p0 => "invaliduuid",
            Version::V1p1 => "invalid_uuid",
        }
    }

    /// codeMinor of a request without valid credentials.
    pub fn unauthorised(self) -> &'static str {
        match self {
            Version::V1p0 => "unauthorisedrequest",
            Version::V1p1 => "unauthorised_request",
        }
    }

    /// An object of the kind `kind` (a package array name, `CFDocument` or `CFPackage`) as this
    /// version serves it: unchanged for 1.1, without the 1.1-only properties for 1.0 (nested
    /// objects included: a package's members, a rubric's criteria and levels, LinkGenURI
    /// `targetType`).
    pub fn project(self, kind: &str, mut v: Value) -> Value {
        if self == Version::V1p0 {
            strip(kind, &mut v);
        }
        v
    }
}

fn strip(kind: &str, v: &mut Value) {
    let Value::Object(m) = v else {
        if let Value::Array(list) = v {
            list.iter_mut().for_each(|x| strip(kind, x));
        }
        return;
    };
    if let Some((_, keys)) = ONLY_1P1.iter().find(|(k, _)| *k == kind) {
        for k in *keys {
            m.remove(*k);
        }
    }
    if kind == "CFAssociations" {
        for node in ["originNodeURI", "destinationNodeURI"] {
            if let Some(Value::Object(link)) = m.get_mut(node) {
                link.remove("targetType");
            }
        }
    }
    for (key, child) in m.iter_mut() {
        let nested = match (kind, key.as_str()) {
            ("CFPackage", "CFDocument" | "CFItems" | "CFAssociations" | "CFRubrics") => key,
            ("CFPackage", "CFDefinitions") => key,
            ("CFDefinitions", _) | ("CFItemAssociations", "CFAssociations") => key,
            ("CFRubrics", "CFRubricCriteria") => key,
            ("CFRubricCriteria", "CFRubricCriterionLevels") => key,
            // getCFItemAssociations: {CFItem, CFAssociations}
            (_, "CFItem") => "CFItems",
            _ => continue,
        };
        let nested = nested.to_string();
        strip(&nested, child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn version_1p0_leaves_out_the_1p1_properties() {
        let pkg = json!({
            "CFDocument": {"identifier": "d", "caseVersion": "1.1", "frameworkType": "CourseCodes", "subject": ["x"]},
            "CFItems": [{"identifier": "i", "subject": ["s"], "fullStatement": "f"}],
            "CFAssociations": [{"notes": "n", "originNodeURI": {"identifier": "o", "targetType": "CASE"}}],
            "CFDefinitions": {"CFConcepts": [{"identifier": "c", "extensions": {}}]},
            "CFRubrics": [{"CFRubricCriteria": [{"extensions": {}, "CFRubricCriterionLevels": [{"extensions": {}, "score": 1}]}]}],
            "extensions": {"a": 1}
        });
        let old = Version::V1p0.project("CFPackage", pkg.clone());
        assert_eq!(
            old,
            json!({
                "CFDocument": {"identifier": "d", "subject": ["x"]},
                "CFItems": [{"identifier": "i", "fullStatement": "f"}],
                "CFAssociations": [{"originNodeURI": {"identifier": "o"}}],
                "CFDefinitions": {"CFConcepts": [{"identifier": "c"}]},
                "CFRubrics": [{"CFRubricCriteria": [{"CFRubricCriterionLevels": [{"score": 1}]}]}]
            })
        );
        assert_eq!(Version::V1p1.project("CFPackage", pkg.clone()), pkg);
        let set = json!({"CFItem": {"subject": ["s"]}, "CFAssociations": [{"notes": "n"}]});
        assert_eq!(
            Version::V1p0.project("CFItemAssociations", set),
            json!({"CFItem": {}, "CFAssociations": [{}]})
        );
    }
}
