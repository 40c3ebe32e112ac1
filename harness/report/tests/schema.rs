//! `report.json` follows the JSON Schema committed in `reports/schema/report.schema.json`;
//! a report without its metadata does not.

mod common;

use wellspring_report::render;

fn validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reports/schema/report.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn certify_json_follows_the_schema() {
    let doc = render::certify_json(&common::meta(), &common::reports());
    let v = validator();
    assert_eq!(errors(&v, &doc), Vec::<String>::new());
    assert_eq!(doc["tool"]["name"], "wellspring");
    assert_eq!(doc["generatedAt"], "2026-12-02T04:30:00Z");
    assert_eq!(
        doc["failed"],
        serde_json::json!(["ob3.provider.credentials-verify"])
    );
    let refresh = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ob3.provider.refresh")
        .unwrap();
    assert_eq!(refresh["level"], "optional");
}

#[test]
fn reports_without_metadata_or_with_a_local_time_do_not() {
    let v = validator();
    // what `verify --format json` writes has no run metadata
    let bare = render::json(&common::reports());
    assert!(!errors(&v, &bare).is_empty());
    let mut doc = render::certify_json(&common::meta(), &common::reports());
    doc["generatedAt"] = "2026-12-02T05:30:00+01:00".into();
    assert!(
        errors(&v, &doc).iter().any(|e| e.contains("generatedAt")),
        "{:?}",
        errors(&v, &doc)
    );
    let mut doc = render::certify_json(&common::meta(), &common::reports());
    doc["tool"].as_object_mut().unwrap().remove("commit");
    assert!(!errors(&v, &doc).is_empty());
}
