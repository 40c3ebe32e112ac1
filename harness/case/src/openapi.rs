//! The official CASE 1.0 OpenAPI 2.0 definition ("Competencies and Academic Standards Exchange
//! (CASE) Service OpenAPI (JSON) Definition", info.version 1.0, basePath `/ims/case/v1p0`),
//! embedded verbatim from `shared/spec/case/v1p0/case-v1p0-swagger.json`.
//!
//! Swagger 2.0 schema objects are a subset of JSON Schema draft 4, and the file declares no
//! `$schema`, so the schemas cut from it here declare draft 4.
//!
//! Note: the standalone types (`CFDocument.Type`, `CFItem.Type`, `CFAssociation.Type`) are built
//! as `allOf` of two branches that each say `additionalProperties: false`, which no real
//! payload can satisfy. That concerns the API payloads of `getCFDocument`/`getCFItem`/
//! `getCFAssociation` only: `CFPackage.Type` references the package flavours
//! (`CFPckgDocument.Type`, …), which have no `allOf`.

use serde_json::{json, Value};

/// The embedded OpenAPI file.
pub const SWAGGER_V1P0: &str = include_str!("../schemas/case-v1p0-swagger.json");

/// The JSON Schema draft the cut schemas declare.
pub const DRAFT4: &str = "http://json-schema.org/draft-04/schema#";

/// A standalone JSON Schema whose root is the OpenAPI definition `name` (e.g. `CFPackage.Type`):
/// the root `$ref`s the definition, and carries every definition so `#/definitions/…` resolves.
/// `None` when the definition does not exist.
pub fn definition_schema(name: &str) -> Option<Value> {
    let swagger: Value = serde_json::from_str(SWAGGER_V1P0).expect("embedded OpenAPI is JSON");
    let defs = swagger.get("definitions")?.clone();
    defs.get(name)?;
    let pointer = format!(
        "#/definitions/{}",
        name.replace('~', "~0").replace('/', "~1")
    );
    Some(json!({
        "$schema": DRAFT4,
        "$ref": pointer,
        "definitions": defs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_schema_is_cut_from_the_openapi() {
        let s = definition_schema("CFPackage.Type").unwrap();
        assert_eq!(s["$ref"], "#/definitions/CFPackage.Type");
        assert_eq!(
            s["definitions"]["CFPackage.Type"]["required"],
            json!(["CFDocument"])
        );
        assert_eq!(
            s["definitions"]["UUID.Type"]["pattern"],
            crate::datatypes::UUID_PATTERN
        );
        assert!(definition_schema("Nope.Type").is_none());
    }
}
