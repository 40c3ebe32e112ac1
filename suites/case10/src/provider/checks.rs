//! The catalogue of CASE 1.0 provider checks (`wellspring certify --standard case10 --role provider`).

use wellspring_report::CheckDef;

/// CASE 1.0 REST binding (the OpenAPI file is its machine-readable form).
pub const REST10: &str = "https://www.imsglobal.org/sites/default/files/CASE/casev1p0/rest_binding/caseservicev1p0_restbindv1p0.html";
/// CASE 1.0 OpenAPI (JSON) definition.
pub const OPENAPI10: &str = "https://www.imsglobal.org/sites/default/files/CASE/casev1p0/rest_binding/caseservicev1p0_openapi2_v1p0.json";
/// CASE 1.1 conformance and certification guide (provider requirements).
pub const CERT11: &str = "https://www.imsglobal.org/spec/case/v1p1/cert/";

use wellspring_report::check;

check!(AUTH, "case.provider.auth", CERT11,
    "with credentials configured: a call without the token gets 401, with it 200 (skipped for a public provider)");
check!(
    ENDPOINTS,
    "case.provider.endpoints",
    OPENAPI10,
    "the 11 required GET endpoints answer 200 for identifiers the provider itself serves"
);
check!(SCHEMA, "case.provider.schema", OPENAPI10,
    "every payload validates against the official CASE 1.0 OpenAPI schema of its response (standalone CFDocument/CFItem/CFAssociation flattened)");
check!(
    DECLARED,
    "case.provider.declared",
    OPENAPI10,
    "no payload carries properties its schema does not declare (additionalProperties: false)"
);
check!(
    CONTENT_TYPE,
    "case.provider.content-type",
    REST10,
    "every response body is served as application/json"
);
check!(
    UNKNOWN_ID,
    "case.provider.unknown-id",
    OPENAPI10,
    "an unknown (random, valid) UUID gets 404 with imsx_StatusInfo failure / unknownobject"
);
check!(MALFORMED_ID, "case.provider.malformed-id", OPENAPI10,
    "a malformed identifier gets 404 with imsx_StatusInfo failure / invaliduuid (1.0 OpenAPI, 404 response of every getCF* operation)");
check!(BAD_PARAMETER, "case.provider.bad-parameter", OPENAPI10,
    "an invalid query parameter (limit=-1, limit=abc) gets 400 with imsx_StatusInfo failure / invalid_selection_field");
check!(PAGING, "case.provider.paging", REST10,
    "/CFDocuments?limit=1&offset=0 sends X-Total-Count and, when more exist, Link rel=next; following next reaches every document");
check!(URIS, "case.provider.uris", REST10,
    "the uri of each served object on the target host resolves to an object with the same identifier");
check!(RUBRICS, "case.provider.rubrics", OPENAPI10,
    "CFRubrics referenced by a package are served by /CFRubrics/{id} (optional: absent is a warning, broken a failure)");
check!(
    PACKAGE_INTEGRITY,
    "case.provider.package-integrity",
    "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_infomodelv1p0.html#Data_CFPackage",
    "every fetched CFPackage passes the package integrity checks (case.package.*), reported nested"
);

/// Every check, in report order.
pub const ALL: &[CheckDef] = &[
    AUTH,
    ENDPOINTS,
    SCHEMA,
    DECLARED,
    CONTENT_TYPE,
    UNKNOWN_ID,
    MALFORMED_ID,
    BAD_PARAMETER,
    PAGING,
    URIS,
    RUBRICS,
    PACKAGE_INTEGRITY,
];
