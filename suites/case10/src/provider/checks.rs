//! The catalogue of CASE provider checks: `wellspring certify --standard case10 --role provider`
//! (ids `case.provider.*`, judged against the CASE 1.0 OpenAPI under `/ims/case/v1p0`) and
//! `--standard case11` (ids `case11.provider.*`, the CASE 1.1 OpenAPI and response schemas under
//! `/ims/case/v1p1`). One table declares each check shared by both versions once, with each
//! version's clause ([`wellspring_report::versioned_checks!`]); `case11.provider.discovery` is
//! 1.1's alone.

use wellspring_report::CheckDef;

/// CASE 1.0 REST binding (the OpenAPI file is its machine-readable form).
pub const REST10: &str = "https://www.imsglobal.org/sites/default/files/CASE/casev1p0/rest_binding/caseservicev1p0_restbindv1p0.html";
/// CASE 1.0 OpenAPI (JSON) definition.
pub const OPENAPI10: &str = "https://www.imsglobal.org/sites/default/files/CASE/casev1p0/rest_binding/caseservicev1p0_openapi2_v1p0.json";
/// CASE 1.1 conformance and certification guide (provider requirements).
pub const CERT11: &str = "https://www.imsglobal.org/spec/case/v1p1/cert/";
/// CASE 1.1 REST/JSON binding.
pub const REST11: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html";
/// CASE 1.1 OpenAPI 3.0 (JSON) definition.
pub const OPENAPI11: &str =
    "https://purl.imsglobal.org/spec/case/v1p1/schema/openapi/imscasev1p1_openapi3_v1p0.json";
/// CASE 1.1 per-operation response payload JSON Schemas (REST binding Appendix C).
pub const JSD11: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#AppC";
const STATUS11: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#Main2p4";
const PAGING11: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#Main3p1";
const SORT11: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#Main3p2";
const FILTER11: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#Main3p3";
const FIELDS11: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#Main3p4";
const PACKAGE: &str =
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_infomodelv1p0.html#Data_CFPackage";

wellspring_report::versioned_checks! {
    v10 "case.provider" => V10;
    v11 "case11.provider" => V11;
    AUTH: "auth", CERT11, CERT11,
        "with credentials configured: a call without the token gets 401, with it 200 (skipped for a public provider)";
    ENDPOINTS: "endpoints", OPENAPI10, OPENAPI11,
        "the 11 required GET endpoints answer 200 for identifiers the provider itself serves";
    SCHEMA: "schema", OPENAPI10, JSD11,
        "every payload validates against the official schema of its response (1.0: the OpenAPI, standalone CFDocument/CFItem/CFAssociation flattened; 1.1: the per-operation JSON Schemas)";
    DECLARED: "declared", OPENAPI10, JSD11,
        "no payload carries properties its schema does not declare (additionalProperties: false)";
    CONTENT_TYPE: "content-type", REST10, REST11,
        "every response body is served as application/json";
    UNKNOWN_ID: "unknown-id", OPENAPI10, STATUS11,
        "an unknown (random, valid) UUID gets 404 with imsx_StatusInfo failure / unknownobject on every endpoint that takes an identifier";
    MALFORMED_ID: "malformed-id", OPENAPI10, STATUS11,
        "a malformed identifier gets 404 with imsx_StatusInfo failure / invaliduuid (1.0) or invalid_uuid (1.1) on every endpoint that takes an identifier";
    BAD_PARAMETER: "bad-parameter", OPENAPI10, STATUS11,
        "an invalid query parameter (limit=-1, limit=abc) gets 400 with imsx_StatusInfo failure / invalid_selection_field";
    PAGING: "paging", REST10, PAGING11,
        "/CFDocuments?limit=1&offset=0 sends X-Total-Count and, when more exist, Link rel=next; following next reaches every document";
    LINKS: "links", REST10, PAGING11,
        "the Link header's first, prev, next and last relations name the right pages (limit and offset), and none is offered where it cannot apply";
    SORT: "sort", REST10, SORT11,
        "/CFDocuments?sort=title&orderBy=asc|desc returns the documents sorted by title (optional: ignored or refused is a warning)";
    FILTER: "filter", REST10, FILTER11,
        "/CFDocuments?filter=title='…' returns exactly the documents with that title (optional: ignored or refused is a warning)";
    FIELDS: "fields", REST10, FIELDS11,
        "/CFDocuments?fields=identifier,title returns only those fields (optional: ignored or refused is a warning)";
    URIS: "uris", REST10, REST11,
        "the uri of each served object on the target host resolves to an object with the same identifier";
    RUBRICS: "rubrics", OPENAPI10, OPENAPI11,
        "CFRubrics referenced by a package are served by /CFRubrics/{id} (optional: absent is a warning, broken a failure)";
    PACKAGE_INTEGRITY: "package-integrity", PACKAGE, PACKAGE,
        "every fetched CFPackage passes the package integrity checks (case.package.*), reported nested";
    OPTIONAL_FIELDS: "optional-fields", REST10, REST11,
        "every optional field a CFPackage gives an object is also served, with the same value, by the object's own endpoint (getCFDocument, getCFItem, getCFAssociation, the definitions)";
}

pub use v10::*;

wellspring_report::check!(
    DISCOVERY,
    "case11.provider.discovery",
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_restbindv1p0.html#Main2p5",
    "the CASE 1.1 OpenAPI 3 file is served at /ims/case/v1p1/discovery/imscasev1p1_openapi3_v1p0.json, localised (its servers name this provider), and describes the 11 required endpoints"
);

/// Every check of a version, in report order (1.1 adds the discovery file).
pub fn all(version: super::Version) -> Vec<CheckDef> {
    match version {
        super::Version::V1p0 => v10::ALL.to_vec(),
        super::Version::V1p1 => {
            let mut v = v11::ALL.to_vec();
            v.push(DISCOVERY);
            v
        }
    }
}
