//! The strict model against real OpenSALT exports.

use wellspring_case::model::{AssociationType, CfPackage};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../suites/case10/tests/data/frameworks/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn strict_model_reads_a_package_and_round_trips() {
    let p: CfPackage = serde_json::from_slice(&read("SequenceNumberFramework.json")).unwrap();
    let items = p.items.as_ref().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].human_coding_scheme.as_deref(), Some("SNT.1"));
    let assocs = p.associations.as_ref().unwrap();
    assert_eq!(assocs[0].association_type, AssociationType::IsChildOf);
    assert_eq!(assocs[1].sequence_number, Some(1));
    let back: CfPackage = serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
    assert_eq!(back, p);
}

#[test]
fn strict_model_rejects_standalone_back_links_in_a_package() {
    let e = serde_json::from_slice::<CfPackage>(&read("Ordering.json")).unwrap_err();
    assert!(
        e.to_string().contains("unknown field `CFPackageURI`"),
        "{e}"
    );
}
