//! Every framework in tests/data/frameworks (real OpenSALT exports) checked, with the verdict of
//! every check and the exact reasons asserted.

use serde_json::json;
use wellspring_report::shown::Shown;
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_case10::{check, checks, Options};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/frameworks");

fn run(name: &str) -> DocReport {
    let bytes = std::fs::read(format!("{DIR}/{name}")).unwrap();
    check(name, &bytes, &Options::default())
}

fn verdicts(r: &DocReport) -> Vec<(&'static str, Verdict)> {
    r.checks.iter().map(|c| (c.id, c.verdict)).collect()
}

/// What each call showed is kept in `reports/shown/case10.frameworks.json` under `test`.
fn expect(test: &str, r: &DocReport, failing: &[&str]) {
    let want: Vec<_> = checks::ALL
        .iter()
        .map(|c| {
            let v = if failing.contains(&c.id) {
                Verdict::Fail
            } else {
                Verdict::Pass
            };
            (c.id, v)
        })
        .collect();
    assert_eq!(verdicts(r), want, "{r:#?}");
    let mut s = Shown::new();
    s.record(&format!("suites/case10/tests/frameworks.rs::{test}"), r);
    s.assert_committed(env!("CARGO_MANIFEST_DIR"), "case10.frameworks", test);
}

/// (pointer, label, value) of a check's evidence.
fn evidence(r: &DocReport, id: &str) -> Vec<(Option<String>, String, serde_json::Value)> {
    r.find(id)
        .unwrap()
        .evidence
        .iter()
        .map(|e| (e.pointer.clone(), e.label.clone(), e.value.clone()))
        .collect()
}

fn pattern_error(pointer: &str, value: &str) -> (Option<String>, String, serde_json::Value) {
    (
        Some(pointer.into()),
        "pattern".into(),
        json!(format!(
            "\"{value}\" does not match \"{}\"",
            wellspring_case::datatypes::UUID_PATTERN
        )),
    )
}

fn uuid_error(pointer: &str, value: &str) -> (Option<String>, String, serde_json::Value) {
    (
        Some(pointer.into()),
        "not a CASE UUID".into(),
        json!(format!(
            "\"{value}\": version digit (13th hex digit) is not 1-5"
        )),
    )
}

const NIL_DOC: &str = "d0000000-0000-0000-0000-000000000000";
const NIL_ITEM: &str = "00000000-0000-0000-0000-000000000001";
const NIL_ASSOC: &str = "a0000000-0000-0000-0000-000000000001";
const NIL_TYPE: &str = "b0000000-0000-0000-0000-000000000000";

#[test]
fn every_framework_is_checked() {
    let mut names: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "AdoptedTestFramework.json",
            "EmptyExternalFramework.json",
            "ItemTypeTestFramework.json",
            "Ordering.json",
            "SequenceNumberFramework.json"
        ]
    );
    // None passes strict CASE 1.0: each has exactly the failures asserted below.
    for n in &names {
        assert!(!run(n).passed(), "{n}");
    }
}

/// OpenSALT's nil-style test identifiers (version digit 0) fail the official UUID pattern.
#[test]
fn adopted_test_framework() {
    let r = run("AdoptedTestFramework.json");
    expect(
        "adopted_test_framework",
        &r,
        &["case.package.schema", "case.package.identifiers"],
    );
    assert_eq!(
        r.find("case.package.schema").unwrap().message,
        "3 schema error(s): 3 pattern"
    );
    let mut ev = evidence(&r, "case.package.schema");
    assert_eq!(ev.pop().unwrap().2, json!({"pattern": 3}));
    assert_eq!(
        ev,
        vec![
            pattern_error("/CFDocument/identifier", NIL_DOC),
            pattern_error("/CFItems/0/identifier", NIL_ITEM),
            pattern_error("/CFAssociations/0/identifier", NIL_ASSOC),
        ]
    );
    assert_eq!(
        evidence(&r, "case.package.identifiers"),
        vec![
            uuid_error("/CFDocument/identifier", NIL_DOC),
            uuid_error("/CFItems/0/identifier", NIL_ITEM),
            uuid_error("/CFAssociations/0/identifier", NIL_ASSOC),
        ]
    );
}

#[test]
fn empty_external_framework() {
    let r = run("EmptyExternalFramework.json");
    expect(
        "empty_external_framework",
        &r,
        &["case.package.schema", "case.package.identifiers"],
    );
    let mut ev = evidence(&r, "case.package.schema");
    ev.pop();
    assert_eq!(ev, vec![pattern_error("/CFDocument/identifier", NIL_DOC)]);
    assert_eq!(
        evidence(&r, "case.package.identifiers"),
        vec![uuid_error("/CFDocument/identifier", NIL_DOC)]
    );
    assert_eq!(
        r.find("case.package.hierarchy").unwrap().message,
        "0 items, 0 isChildOf, no cycle, every item reaches the CFDocument"
    );
}

/// Besides the nil-style identifiers, the item's CFItemTypeURI carries the uri of a
/// CFDocument (`…/CFDocuments/b000…`) while the CFItemType it names has `…/CFItemTypes/b000…`.
#[test]
fn item_type_test_framework() {
    let r = run("ItemTypeTestFramework.json");
    expect(
        "item_type_test_framework",
        &r,
        &[
            "case.package.schema",
            "case.package.identifiers",
            "case.package.uris",
        ],
    );
    let mut ev = evidence(&r, "case.package.schema");
    assert_eq!(ev.pop().unwrap().2, json!({"pattern": 5}));
    assert_eq!(
        ev,
        vec![
            pattern_error("/CFDocument/identifier", NIL_DOC),
            pattern_error("/CFDefinitions/CFItemTypes/0/identifier", NIL_TYPE),
            pattern_error("/CFItems/0/identifier", NIL_ITEM),
            pattern_error("/CFItems/0/CFItemTypeURI/identifier", NIL_TYPE),
            pattern_error("/CFAssociations/0/identifier", NIL_ASSOC),
        ]
    );
    assert_eq!(
        evidence(&r, "case.package.identifiers"),
        vec![
            uuid_error("/CFDocument/identifier", NIL_DOC),
            uuid_error("/CFItems/0/identifier", NIL_ITEM),
            uuid_error("/CFAssociations/0/identifier", NIL_ASSOC),
            uuid_error("/CFDefinitions/CFItemTypes/0/identifier", NIL_TYPE),
            uuid_error("/CFItems/0/CFItemTypeURI/identifier", NIL_TYPE),
        ]
    );
    assert_eq!(
        evidence(&r, "case.package.uris"),
        vec![(
            Some("/CFItems/0/CFItemTypeURI/uri".into()),
            "inconsistent reference".into(),
            json!("uri is \"https://server/ims/case/v1p0/CFDocuments/b0000000-0000-0000-0000-000000000000\", the target's is \"https://server/ims/case/v1p0/CFItemTypes/b0000000-0000-0000-0000-000000000000\"")
        )]
    );
}

/// A real ACT framework: every integrity check passes, but the export embeds the standalone
/// back-links (CFPackageURI on the document, CFDocumentURI on all 28 items and 28
/// associations), which CFPackage.Type forbids: 57 additionalProperties errors.
#[test]
fn ordering() {
    let r = run("Ordering.json");
    expect("ordering", &r, &["case.package.schema"]);
    let s = r.find("case.package.schema").unwrap();
    assert_eq!(s.message, "57 schema error(s): 57 additionalProperties");
    assert_eq!(s.evidence.len(), 20 + 2);
    assert_eq!(
        (s.evidence[0].pointer.as_deref(), &s.evidence[0].value),
        (
            Some("/CFDocument"),
            &json!("Additional properties are not allowed ('CFPackageURI' was unexpected)")
        )
    );
    for (i, e) in s.evidence[1..20].iter().enumerate() {
        assert_eq!(e.pointer.as_deref(), Some(format!("/CFItems/{i}").as_str()));
        assert_eq!(
            e.value,
            json!("Additional properties are not allowed ('CFDocumentURI' was unexpected)")
        );
    }
    assert_eq!(s.evidence[20].value, json!("… and 37 more"));
    assert_eq!(
        r.find("case.package.uris").unwrap().message,
        "113 references, each names an object of the package with its uri and title"
    );
    assert_eq!(
        r.find("case.package.hierarchy").unwrap().message,
        "28 items, 28 isChildOf, no cycle, every item reaches the CFDocument"
    );
}

/// Real v1 UUIDs for items and associations; only the document identifier is nil-style.
#[test]
fn sequence_number_framework() {
    let r = run("SequenceNumberFramework.json");
    expect(
        "sequence_number_framework",
        &r,
        &["case.package.schema", "case.package.identifiers"],
    );
    let mut ev = evidence(&r, "case.package.schema");
    ev.pop();
    assert_eq!(ev, vec![pattern_error("/CFDocument/identifier", NIL_DOC)]);
    assert_eq!(
        evidence(&r, "case.package.identifiers"),
        vec![uuid_error("/CFDocument/identifier", NIL_DOC)]
    );
}
