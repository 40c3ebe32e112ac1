//! The catalogue of CASE 1.0 package checks. Each is declared once here: stable ID, the spec
//! clause it enforces, a title. Anchors are those of the CASE 1.1 information model (the 1.0
//! document uses the same data model for these classes; the 1.0 schema check cites the 1.0
//! information model).

pub use wellspring_report::CheckDef;

/// CASE 1.0 information model.
pub const IM10: &str = "https://www.imsglobal.org/sites/default/files/CASE/casev1p0/information_model/caseservicev1p0_infomodelv1p0.html";
/// CASE 1.1 information model (anchors verified against the published HTML).
macro_rules! im11 {
    ($anchor:literal) => {
        concat!(
            "https://www.imsglobal.org/spec/case/v1p1/caseservicev1p1_infomodelv1p0.html#",
            $anchor
        )
    };
}

use wellspring_report::check;

check!(
    PARSE,
    "case.package.parse",
    im11!("Data_CFPackage"),
    "input is well-formed JSON whose root is an object, within the size bound"
);
check!(
    SCHEMA,
    "case.package.schema",
    IM10,
    "package validates against CFPackage.Type of the official CASE 1.0 OpenAPI (JSON Schema draft 4, formats checked)"
);
check!(
    IDENTIFIERS,
    "case.package.identifiers",
    im11!("Derived_UUID"),
    "every identifier is a whole lower-case UUID (version 1-5, variant 8-b) and no two objects share one"
);
check!(
    ASSOCIATIONS,
    "case.package.associations",
    im11!("DataAttribute_CFPckgAssociation_originNodeURI"),
    "every association end resolves to an object of the package by identifier, or is a reference outside it"
);
check!(
    HIERARCHY,
    "case.package.hierarchy",
    im11!("Enumerated_CFAssociationTypeEnum"),
    "isChildOf has no cycle and every item reaches the CFDocument through isChildOf"
);
check!(
    URIS,
    "case.package.uris",
    im11!("Data_LinkURI"),
    "every LinkURI into the package (CFDocumentURI, CFPackageURI, CFItemURI, definition links, association ends) names an existing object and matches its uri and title"
);
check!(
    DATES,
    "case.package.dates",
    im11!("DataAttribute_CFPckgDocument_lastChangeDateTime"),
    "lastChangeDateTime is an RFC 3339 date-time; statusStartDate / statusEndDate are dates"
);

/// Every check, in report order.
pub const ALL: &[CheckDef] = &[
    PARSE,
    SCHEMA,
    IDENTIFIERS,
    ASSOCIATIONS,
    HIERARCHY,
    URIS,
    DATES,
];
