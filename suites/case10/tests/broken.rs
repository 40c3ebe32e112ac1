//! Purpose-built broken packages, each made from a valid one (the real Ordering.json framework
//! with its standalone back-links removed), each failing exactly the check it should.

#[path = "../benches/synth.rs"]
mod synth;

use serde_json::{json, Value};
use wellspring_report::shown::Shown;
use wellspring_report::{DocReport, Verdict};
use wellspring_suite_case10::{check, checks, Options};

const ORDERING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/frameworks/Ordering.json"
);

fn ordering() -> Value {
    serde_json::from_slice(&std::fs::read(ORDERING).unwrap()).unwrap()
}

/// Ordering.json made schema-valid: the standalone back-links (CFPackageURI, CFDocumentURI)
/// do not belong in a package.
fn valid() -> Value {
    let mut p = ordering();
    p["CFDocument"]
        .as_object_mut()
        .unwrap()
        .remove("CFPackageURI");
    for key in ["CFItems", "CFAssociations"] {
        for o in p[key].as_array_mut().unwrap() {
            o.as_object_mut().unwrap().remove("CFDocumentURI");
        }
    }
    p
}

fn run(p: &Value) -> DocReport {
    check("test", &serde_json::to_vec(p).unwrap(), &Options::default())
}

fn verdict(r: &DocReport, id: &str) -> Verdict {
    r.find(id).unwrap().verdict
}

/// Asserts every check's verdict: those named get the given verdict, the rest pass.
/// What each call showed is kept in `reports/shown/case10.broken.json` under `test`.
fn expect(test: &str, r: &DocReport, not_passing: &[(&str, Verdict)]) {
    let got: Vec<_> = r.checks.iter().map(|c| (c.id, c.verdict)).collect();
    let want: Vec<_> = checks::ALL
        .iter()
        .map(|c| {
            let v = not_passing
                .iter()
                .find(|(id, _)| *id == c.id)
                .map_or(Verdict::Pass, |(_, v)| *v);
            (c.id, v)
        })
        .collect();
    assert_eq!(got, want, "{r:#?}");
    let mut s = Shown::new();
    s.record(&format!("suites/case10/tests/broken.rs::{test}"), r);
    s.assert_committed(env!("CARGO_MANIFEST_DIR"), "case10.broken", test);
}

fn evidence(r: &DocReport, id: &str) -> Vec<(String, Value)> {
    r.find(id)
        .unwrap()
        .evidence
        .iter()
        .map(|e| (e.pointer.clone().unwrap_or_default(), e.value.clone()))
        .collect()
}

fn items(p: &Value) -> &Vec<Value> {
    p["CFItems"].as_array().unwrap()
}

fn assocs(p: &Value) -> &Vec<Value> {
    p["CFAssociations"].as_array().unwrap()
}

fn id(v: &Value) -> String {
    v["identifier"].as_str().unwrap().to_owned()
}

/// The node link of an item: {title, identifier, uri}.
fn node(item: &Value) -> Value {
    json!({"title": "x", "identifier": item["identifier"], "uri": item["uri"]})
}

fn association(identifier: &str, kind: &str, origin: Value, destination: Value) -> Value {
    json!({
        "identifier": identifier,
        "associationType": kind,
        "uri": format!("http://localhost:3000/ims/case/v1p0/CFAssociations/{identifier}"),
        "originNodeURI": origin,
        "destinationNodeURI": destination,
        "lastChangeDateTime": "2025-01-01T00:00:00+00:00"
    })
}

const FRESH: &str = "5a1b2c3d-0000-4000-8000-00000000f00d";
const FRESH2: &str = "5a1b2c3d-0000-4000-8000-00000000beef";

#[test]
fn valid_package_passes_every_check() {
    let r = run(&valid());
    expect("valid_package_passes_every_check", &r, &[]);
    assert_eq!(r.checks.len(), checks::ALL.len());
    assert_eq!(
        r.find("case.package.identifiers").unwrap().message,
        "57 identifiers, all CASE UUIDs, all distinct"
    );
}

#[test]
fn not_json_fails_parse_and_skips_the_rest() {
    for bytes in [&b"{\"CFDocument\": "[..], b"[]", b"\"x\""] {
        let r = check("t", bytes, &Options::default());
        assert_eq!(r.checks.len(), checks::ALL.len());
        assert_eq!(r.checks[0].id, "case.package.parse");
        assert_eq!(r.checks[0].verdict, Verdict::Fail);
        assert!(r.checks[1..].iter().all(|c| c.verdict == Verdict::Skip));
    }
    let r = check("t", b"{}", &Options { max_bytes: 1 });
    assert_eq!(r.checks[0].verdict, Verdict::Fail);
    assert_eq!(r.checks[0].message, "larger than 1 bytes");
    let test = "not_json_fails_parse_and_skips_the_rest";
    let mut s = Shown::new();
    s.record(&format!("suites/case10/tests/broken.rs::{test}"), &r);
    s.assert_committed(env!("CARGO_MANIFEST_DIR"), "case10.broken", test);
}

#[test]
fn extension_property_fails_only_the_schema() {
    let mut p = valid();
    p["CFDocument"]["updatedAt"] = json!("2025-01-01");
    p["CFItems"][3]["educationLevel"] = json!("09");
    let r = run(&p);
    expect(
        "extension_property_fails_only_the_schema",
        &r,
        &[("case.package.schema", Verdict::Fail)],
    );
    let ev = evidence(&r, "case.package.schema");
    assert_eq!(
        ev[0],
        (
            "/CFDocument".into(),
            json!("Additional properties are not allowed ('updatedAt' was unexpected)")
        )
    );
    assert_eq!(
        ev[1],
        (
            "/CFItems/3/educationLevel".into(),
            json!("\"09\" is not of type \"array\"")
        )
    );
}

#[test]
fn missing_document_fails_schema() {
    let mut p = valid();
    p.as_object_mut().unwrap().remove("CFDocument");
    let r = run(&p);
    assert_eq!(verdict(&r, "case.package.schema"), Verdict::Fail);
    assert_eq!(
        evidence(&r, "case.package.schema")[0],
        ("".into(), json!("\"CFDocument\" is a required property"))
    );
    // Without a document nothing reaches it.
    assert_eq!(verdict(&r, "case.package.hierarchy"), Verdict::Fail);
}

#[test]
fn duplicate_identifier_fails_only_identifiers() {
    let mut p = valid();
    let first = id(&assocs(&p)[0]);
    p["CFAssociations"][5]["identifier"] = json!(first);
    let r = run(&p);
    expect(
        "duplicate_identifier_fails_only_identifiers",
        &r,
        &[("case.package.identifiers", Verdict::Fail)],
    );
    assert_eq!(
        evidence(&r, "case.package.identifiers"),
        vec![(
            "/CFAssociations/5/identifier".into(),
            json!(format!(
                "{first} (CFAssociation) is already the identifier of the CFAssociation at /CFAssociations/0"
            ))
        )]
    );
    assert_eq!(
        r.find("case.package.identifiers").unwrap().message,
        "1 duplicate identifier (of 57 objects)"
    );
}

/// The official pattern is unanchored: `urn:uuid:<uuid>` contains a UUID and passes the
/// schema, but is not a UUID. Upper case fails both.
#[test]
fn non_uuid_identifier_fails_identifiers() {
    let mut p = valid();
    let good = id(&assocs(&p)[2]);
    p["CFAssociations"][2]["identifier"] = json!(format!("urn:uuid:{good}"));
    let r = run(&p);
    expect(
        "non_uuid_identifier_fails_identifiers",
        &r,
        &[("case.package.identifiers", Verdict::Fail)],
    );
    assert_eq!(
        evidence(&r, "case.package.identifiers"),
        vec![(
            "/CFAssociations/2/identifier".into(),
            json!(format!(
                "\"urn:uuid:{good}\": not in the 8-4-4-4-12 form (length is not 36)"
            ))
        )]
    );

    let mut p = valid();
    p["CFAssociations"][2]["identifier"] = json!(good.to_uppercase());
    let r = run(&p);
    expect(
        "non_uuid_identifier_fails_identifiers (2)",
        &r,
        &[
            ("case.package.schema", Verdict::Fail),
            ("case.package.identifiers", Verdict::Fail),
        ],
    );
    assert_eq!(
        evidence(&r, "case.package.schema")[0].0,
        "/CFAssociations/2/identifier"
    );
    assert_eq!(
        evidence(&r, "case.package.identifiers")[0].1,
        json!(format!(
            "{:?}: upper-case hexadecimal (CASE requires lower case)",
            good.to_uppercase()
        ))
    );
}

#[test]
fn dangling_association_fails_only_associations() {
    // The destination's uri is an item of this package, its identifier is not.
    let mut p = valid();
    let (a, b) = (items(&p)[3].clone(), items(&p)[4].clone());
    let mut dest = node(&b);
    dest["identifier"] = json!(FRESH2);
    let extra = association(FRESH, "isRelatedTo", node(&a), dest);
    p["CFAssociations"].as_array_mut().unwrap().push(extra);
    let r = run(&p);
    expect(
        "dangling_association_fails_only_associations",
        &r,
        &[("case.package.associations", Verdict::Fail)],
    );
    assert_eq!(
        evidence(&r, "case.package.associations"),
        vec![(
            "/CFAssociations/28/destinationNodeURI".into(),
            json!({"identifier": FRESH2, "uri": b["uri"],
                   "why": "its uri is an object of this package, but its identifier is not"})
        )]
    );

    // Neither end is in the package.
    let mut p = valid();
    let far = json!({"title": "t", "identifier": FRESH2, "uri": "https://elsewhere.example/x"});
    let extra = association(FRESH, "isPeerOf", far.clone(), far);
    p["CFAssociations"].as_array_mut().unwrap().push(extra);
    let r = run(&p);
    expect(
        "dangling_association_fails_only_associations (2)",
        &r,
        &[("case.package.associations", Verdict::Fail)],
    );
    assert_eq!(
        r.find("case.package.associations").unwrap().message,
        "2 dangling reference (of 29 associations)"
    );
}

/// A reference to another framework is allowed (LinkGenURI): a warning, not a failure.
#[test]
fn external_reference_is_a_warning() {
    let mut p = valid();
    let a = items(&p)[3].clone();
    let far = json!({"title": "destination node", "identifier": "MATH.1.2",
                     "uri": "https://case.example.org/ims/case/v1p0/CFItems/MATH.1.2"});
    let extra = association(FRESH, "exactMatchOf", node(&a), far.clone());
    p["CFAssociations"].as_array_mut().unwrap().push(extra);
    let r = run(&p);
    expect(
        "external_reference_is_a_warning",
        &r,
        &[("case.package.associations", Verdict::Warn)],
    );
    assert!(r.passed());
    assert_eq!(
        evidence(&r, "case.package.associations")[0].0,
        "/CFAssociations/28/destinationNodeURI"
    );
}

/// Ordering's parent map, child identifier → parent identifiers.
fn parents(p: &Value) -> Vec<(String, String, usize)> {
    assocs(p)
        .iter()
        .enumerate()
        .filter(|(_, a)| a["associationType"] == "isChildOf")
        .map(|(i, a)| (id(&a["originNodeURI"]), id(&a["destinationNodeURI"]), i))
        .collect()
}

#[test]
fn cycle_fails_only_hierarchy() {
    // Make the top-level item also the child of its own child: every item still reaches the
    // document, but isChildOf now has a cycle of two.
    let mut p = valid();
    let doc = id(&p["CFDocument"]);
    let rel = parents(&p);
    let top = rel
        .iter()
        .find(|(_, par, _)| *par == doc)
        .unwrap()
        .0
        .clone();
    let child = rel
        .iter()
        .find(|(_, par, _)| *par == top)
        .unwrap()
        .0
        .clone();
    let find = |x: &str| items(&p).iter().find(|i| id(i) == x).unwrap().clone();
    let extra = association(FRESH, "isChildOf", node(&find(&top)), node(&find(&child)));
    p["CFAssociations"].as_array_mut().unwrap().push(extra);
    let r = run(&p);
    expect(
        "cycle_fails_only_hierarchy",
        &r,
        &[("case.package.hierarchy", Verdict::Fail)],
    );
    let ev = evidence(&r, "case.package.hierarchy");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].1["length"], 2);
    let mut ids: Vec<String> = serde_json::from_value(ev[0].1["identifiers"].clone()).unwrap();
    ids.sort();
    let mut want = vec![top, child];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(
        r.find("case.package.hierarchy").unwrap().message,
        "1 isChildOf cycle (28 items, 29 isChildOf)"
    );
}

#[test]
fn self_parent_is_a_cycle() {
    let mut p = valid();
    let a = items(&p)[7].clone();
    let extra = association(FRESH, "isChildOf", node(&a), node(&a));
    p["CFAssociations"].as_array_mut().unwrap().push(extra);
    let r = run(&p);
    expect(
        "self_parent_is_a_cycle",
        &r,
        &[("case.package.hierarchy", Verdict::Fail)],
    );
    assert_eq!(
        evidence(&r, "case.package.hierarchy")[0].1["identifiers"],
        json!([id(&a)])
    );
}

#[test]
fn orphan_item_fails_only_hierarchy() {
    // Remove the isChildOf of a leaf: it no longer reaches the document.
    let mut p = valid();
    let rel = parents(&p);
    let leaf = rel
        .iter()
        .find(|(c, _, _)| !rel.iter().any(|(_, par, _)| par == c))
        .unwrap()
        .clone();
    p["CFAssociations"].as_array_mut().unwrap().remove(leaf.2);
    let at = items(&p).iter().position(|i| id(i) == leaf.0).unwrap();
    let r = run(&p);
    expect(
        "orphan_item_fails_only_hierarchy",
        &r,
        &[("case.package.hierarchy", Verdict::Fail)],
    );
    assert_eq!(
        evidence(&r, "case.package.hierarchy"),
        vec![(format!("/CFItems/{at}"), json!(leaf.0))]
    );
}

#[test]
fn bad_dates_fail_dates_and_the_schema_format() {
    let mut p = valid();
    p["CFItems"][1]["lastChangeDateTime"] = json!("2017-10-18 15:02:46");
    let r = run(&p);
    expect(
        "bad_dates_fail_dates_and_the_schema_format",
        &r,
        &[
            ("case.package.schema", Verdict::Fail),
            ("case.package.dates", Verdict::Fail),
        ],
    );
    assert_eq!(
        evidence(&r, "case.package.schema"),
        vec![
            (
                "/CFItems/1/lastChangeDateTime".into(),
                json!("\"2017-10-18 15:02:46\" is not a \"date-time\"")
            ),
            ("".into(), json!({"format": 1})),
        ]
    );
    assert_eq!(
        evidence(&r, "case.package.dates")[0].0,
        "/CFItems/1/lastChangeDateTime"
    );

    let mut p = valid();
    p["CFDocument"]["statusStartDate"] = json!("2025-02-30");
    let r = run(&p);
    assert_eq!(verdict(&r, "case.package.dates"), Verdict::Fail);
    assert_eq!(
        evidence(&r, "case.package.dates"),
        vec![(
            "/CFDocument/statusStartDate".into(),
            json!("\"2025-02-30\" is not a date (YYYY-MM-DD)")
        )]
    );

    // An end before the start is only a warning.
    let mut p = valid();
    p["CFDocument"]["statusStartDate"] = json!("2025-02-01");
    p["CFDocument"]["statusEndDate"] = json!("2024-02-01");
    let r = run(&p);
    expect(
        "bad_dates_fail_dates_and_the_schema_format (2)",
        &r,
        &[("case.package.dates", Verdict::Warn)],
    );
}

/// CFDocumentURI belongs to standalone CFItems; the real Ordering.json export carries it in
/// the package (57 schema errors). Pointing one elsewhere adds exactly a uris failure.
#[test]
fn cf_document_uri_pointing_elsewhere_fails_uris() {
    let base = run(&ordering());
    let mut p = ordering();
    p["CFItems"][2]["CFDocumentURI"]["identifier"] = json!(FRESH);
    let r = run(&p);
    expect(
        "cf_document_uri_pointing_elsewhere_fails_uris",
        &r,
        &[
            ("case.package.schema", Verdict::Fail),
            ("case.package.uris", Verdict::Fail),
        ],
    );
    assert_eq!(
        r.find("case.package.schema"),
        base.find("case.package.schema"),
        "the schema errors are those of the unmodified export"
    );
    assert_eq!(
        evidence(&r, "case.package.uris"),
        vec![(
            "/CFItems/2/CFDocumentURI/identifier".into(),
            json!(format!(
                "CFDocumentURI names \"{FRESH}\", but this package's CFDocument is \"a33fc64e-5c40-11e7-82c4-3d54268aa9ee\""
            ))
        )]
    );

    let mut p = ordering();
    p["CFAssociations"][4]["CFDocumentURI"]["title"] = json!("Another framework");
    let r = run(&p);
    assert_eq!(
        evidence(&r, "case.package.uris"),
        vec![(
            "/CFAssociations/4/CFDocumentURI/title".into(),
            json!(
                "title is \"Another framework\", the target's is \"ACT Holistic Framework, Math\""
            )
        )]
    );
}

/// Schema-valid references: a rubric criterion's CFItemURI, an association end's uri.
#[test]
fn inconsistent_references_fail_only_uris() {
    let mut p = valid();
    let item = items(&p)[5].clone();
    p["CFRubrics"] = json!([{
        "identifier": FRESH,
        "uri": format!("http://localhost:3000/ims/case/v1p0/CFRubrics/{FRESH}"),
        "lastChangeDateTime": "2025-01-01T00:00:00Z",
        "CFRubricCriteria": [{
            "identifier": FRESH2,
            "uri": format!("http://localhost:3000/ims/case/v1p0/CFRubricCriteria/{FRESH2}"),
            "lastChangeDateTime": "2025-01-01T00:00:00Z",
            "CFItemURI": {"title": item["humanCodingScheme"], "identifier": item["identifier"],
                          "uri": "http://localhost:3000/ims/case/v1p0/CFItems/wrong"}
        }]
    }]);
    let r = run(&p);
    expect(
        "inconsistent_references_fail_only_uris",
        &r,
        &[("case.package.uris", Verdict::Fail)],
    );
    assert_eq!(
        evidence(&r, "case.package.uris")[0].0,
        "/CFRubrics/0/CFRubricCriteria/0/CFItemURI/uri"
    );

    p["CFRubrics"][0]["CFRubricCriteria"][0]["CFItemURI"]["uri"] = item["uri"].clone();
    expect("inconsistent_references_fail_only_uris (2)", &run(&p), &[]);
    p["CFRubrics"][0]["CFRubricCriteria"][0]["CFItemURI"]["identifier"] = json!(FRESH);
    let r = run(&p);
    assert_eq!(
        evidence(&r, "case.package.uris")[0].1,
        json!(format!("\"{FRESH}\" is not a CFItem of this package"))
    );

    let mut p = valid();
    p["CFAssociations"][0]["destinationNodeURI"]["uri"] = json!("https://elsewhere.example/doc");
    let r = run(&p);
    expect(
        "inconsistent_references_fail_only_uris (3)",
        &r,
        &[("case.package.uris", Verdict::Fail)],
    );
    assert_eq!(
        evidence(&r, "case.package.uris")[0].0,
        "/CFAssociations/0/destinationNodeURI/uri"
    );
}

#[test]
fn evidence_is_bounded() {
    // 25 orphans: 20 listed, then the count of the rest.
    let mut p = valid();
    for n in 0..25 {
        let id = format!("5a1b2c3d-0000-4000-8000-{n:012x}");
        p["CFItems"].as_array_mut().unwrap().push(json!({
            "identifier": id,
            "uri": format!("http://localhost:3000/ims/case/v1p0/CFItems/{id}"),
            "fullStatement": "orphan",
            "lastChangeDateTime": "2025-01-01T00:00:00Z"
        }));
    }
    let r = run(&p);
    expect(
        "evidence_is_bounded",
        &r,
        &[("case.package.hierarchy", Verdict::Fail)],
    );
    let ev = evidence(&r, "case.package.hierarchy");
    assert_eq!(ev.len(), 21);
    assert_eq!(ev[0].0, "/CFItems/28");
    assert_eq!(ev[20].1, json!("… and 5 more"));
    assert_eq!(
        r.find("case.package.hierarchy").unwrap().message,
        "25 orphan item (does not reach the CFDocument) (53 items, 28 isChildOf)"
    );
}

/// A single chain 50,000 deep: iterative walks, no stack overflow.
#[test]
fn deep_hierarchy_and_synthetic_package_pass() {
    let json = synth::package(50_000, 60_000, 1);
    let r = check("deep", json.as_bytes(), &Options::default());
    expect("deep_hierarchy_and_synthetic_package_pass", &r, &[]);
}
