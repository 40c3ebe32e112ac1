//! The official CASE 1.1 machine-readable files, embedded verbatim from
//! `shared/spec/case/v1p1/`: the OpenAPI 3.0 file (the one a 1.1 provider localises for service
//! discovery, REST binding §2.5) and the 24 per-operation response payload JSON Schemas
//! (REST binding Appendix C: for each of the 12 operations, the 200 payload and the
//! `imsx_StatusInfo` payload of 400/401/403/404/429/500/default), JSON Schema draft 2020-12.

use serde_json::Value;

/// The base path every CASE 1.1 endpoint has (REST binding §2.2).
pub const BASE_PATH: &str = "/ims/case/v1p1";
/// Where a 1.1 provider serves its localised OpenAPI file, under [`BASE_PATH`] (REST binding §2.5).
pub const DISCOVERY_PATH: &str = "/discovery/imscasev1p1_openapi3_v1p0.json";

/// `imscasev1p1_openapi3_v1p0.json`, as published.
pub const OPENAPI3_V1P1: &str = include_str!("../schemas/v1p1/imscasev1p1_openapi3_v1p0.json");

macro_rules! op_schemas {
    ($($op:literal),*) => {
        /// (operation in lower case, 200 payload schema, error payload schema), in the binding's order.
        pub const RESPONSE_SCHEMAS: &[(&str, &str, &str)] = &[$((
            $op,
            include_str!(concat!("../schemas/v1p1/jsonschema/caseservicegroupv1p1-", $op, "-200-responsepayload-schemav1p0p0.json")),
            include_str!(concat!("../schemas/v1p1/jsonschema/caseservicegroupv1p1-", $op, "-400-401-403-404-429-500-default-responsepayload-schemav1p0p0.json")),
        )),*];
    };
}

op_schemas!(
    "getallcfdocuments",
    "getcfdocument",
    "getcfpackage",
    "getcfitem",
    "getcfitemassociations",
    "getcfassociation",
    "getcfassociationgrouping",
    "getcfconcept",
    "getcfsubject",
    "getcflicense",
    "getcfitemtype",
    "getcfrubric"
);

/// How the official files name their draft.
pub const DRAFT_AS_PUBLISHED: &str = "http://json-schema.org/draft/2020-12/schema";
/// The `$id` of the draft 2020-12 metaschema.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The payload schema of an operation (`getCFItem` or `getcfitem`): its 200 response when `ok`,
/// else its `imsx_StatusInfo` error response. `None` for an unknown operation.
///
/// The one change to the published text: `$schema` is given as the metaschema's own `$id`
/// ([`DRAFT_2020_12`], `https`) instead of [`DRAFT_AS_PUBLISHED`] (`http`), which no validator
/// knows offline as draft 2020-12 and would try to fetch.
pub fn response_schema(operation: &str, ok: bool) -> Option<Value> {
    let op = operation.to_ascii_lowercase();
    let (_, good, bad) = RESPONSE_SCHEMAS.iter().find(|(o, _, _)| *o == op)?;
    let mut v: Value = serde_json::from_str(if ok { good } else { bad }).ok()?;
    if v["$schema"] == DRAFT_AS_PUBLISHED {
        v["$schema"] = Value::from(DRAFT_2020_12);
    }
    Some(v)
}

/// The OpenAPI file localised for a provider at `base_url` (scheme, host and any prefix, no
/// trailing slash): `servers` names that provider's 1.1 base URL instead of the 1EdTech default.
pub fn localised_openapi(base_url: &str) -> Value {
    let mut v: Value = serde_json::from_str(OPENAPI3_V1P1).expect("embedded OpenAPI is JSON");
    v["servers"] = serde_json::json!([{
        "url": format!("{}{BASE_PATH}", base_url.trim_end_matches('/')),
        "description": "This service provider's CASE 1.1 endpoints."
    }]);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_both_schemas_and_they_are_draft_2020_12() {
        assert_eq!(RESPONSE_SCHEMAS.len(), 12);
        assert!(RESPONSE_SCHEMAS
            .iter()
            .all(|(_, a, b)| a.contains(DRAFT_AS_PUBLISHED) && b.contains(DRAFT_AS_PUBLISHED)));
        for (op, _, _) in RESPONSE_SCHEMAS {
            for ok in [true, false] {
                let s = response_schema(op, ok).unwrap();
                assert_eq!(s["$schema"], DRAFT_2020_12, "{op}");
            }
        }
        let doc = response_schema("getCFDocument", true).unwrap();
        assert!(doc["required"]
            .as_array()
            .unwrap()
            .contains(&"CFPackageURI".into()));
        assert!(response_schema("getCFNothing", true).is_none());
        let api = localised_openapi("https://case.example.org/");
        assert_eq!(
            api["servers"][0]["url"],
            "https://case.example.org/ims/case/v1p1"
        );
        assert_eq!(api["paths"].as_object().unwrap().len(), 12);
    }
}
