//! CASE 1.1 beside CASE 1.0: the real server on 127.0.0.1:0, a real SQLite file, a real HTTP
//! client; every 1.1 payload validated against the official 1.1 per-operation JSON Schema
//! (draft 2020-12, formats asserted).

use std::path::Path;

use reqwest::StatusCode;
use serde_json::{json, Value};
use wellspring_case::openapi11::response_schema;
use wellspring_case_server::{start, Client, Config, Running, DEMO_COLLEGE_ID, DEMO_EMPLOYER_ID};

const V1P0: &str = "/ims/case/v1p0";
const V1P1: &str = "/ims/case/v1p1";

async fn server(dir: &Path, packages: Vec<std::path::PathBuf>, clients: Vec<Client>) -> Running {
    let mut c = Config::new(dir.join("case.sqlite"));
    c.port = 0;
    c.demo = true;
    c.packages = packages;
    c.clients = clients;
    start(c).await.expect("server starts")
}

async fn get(url: &str) -> (StatusCode, Value) {
    let r = reqwest::get(url).await.unwrap();
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(ct.starts_with("application/json"), "{url}: {ct}");
    (status, r.json().await.unwrap())
}

/// GETs `url` and validates the body against the 1.1 schema of `op` (200 or error payload).
async fn valid(url: &str, op: &str) -> (StatusCode, Value) {
    let (status, body) = get(url).await;
    let schema = response_schema(op, status == StatusCode::OK).unwrap();
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errs: Vec<String> = v
        .iter_errors(&body)
        .map(|e| format!("{} {e}", e.instance_path))
        .collect();
    assert!(errs.is_empty(), "{url} against {op}: {errs:?}\n{body}");
    (status, body)
}

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["identifier"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_1p1_payload_validates_against_the_official_1p1_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let s = server(dir.path(), Vec::new(), Vec::new()).await;
    let base = format!("{}{V1P1}", s.base_url);
    let (_, list) = valid(&format!("{base}/CFDocuments"), "getAllCFDocuments").await;
    let docs = ids(&list, "CFDocuments");
    assert_eq!(docs.len(), 2);
    let mut fetched = 0;
    for doc in &docs {
        let (_, d) = valid(&format!("{base}/CFDocuments/{doc}"), "getCFDocument").await;
        assert_eq!(
            d["CFPackageURI"]["uri"],
            format!("{base}/CFPackages/{doc}"),
            "1.1 back-links point at 1.1"
        );
        let (_, pkg) = valid(&format!("{base}/CFPackages/{doc}"), "getCFPackage").await;
        for (key, ep, op) in [
            ("CFItems", "CFItems", "getCFItem"),
            ("CFItems", "CFItemAssociations", "getCFItemAssociations"),
            ("CFAssociations", "CFAssociations", "getCFAssociation"),
            ("CFRubrics", "CFRubrics", "getCFRubric"),
        ] {
            for id in ids(&pkg, key) {
                let (_, b) = valid(&format!("{base}/{ep}/{id}"), op).await;
                if ep == "CFItems" {
                    assert_eq!(
                        b["CFDocumentURI"]["uri"],
                        format!("{base}/CFDocuments/{doc}")
                    );
                }
                fetched += 1;
            }
        }
        for (key, op) in [
            ("CFConcepts", "getCFConcept"),
            ("CFSubjects", "getCFSubject"),
            ("CFLicenses", "getCFLicense"),
            ("CFItemTypes", "getCFItemType"),
            ("CFAssociationGroupings", "getCFAssociationGrouping"),
        ] {
            for id in ids(&pkg["CFDefinitions"], key) {
                valid(&format!("{base}/{key}/{id}"), op).await;
                fetched += 1;
            }
        }
    }
    assert!(fetched > 50, "{fetched}");
    // errors: 1.1 codeMinor spellings, 1.1 error payload schema
    let (st, e) = valid(&format!("{base}/CFItems/not-a-uuid"), "getCFItem").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(
        e["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "invalid_uuid"
    );
    let unknown = "0b5e4f1a-9c2d-4e3f-8a1b-2c3d4e5f6a7b";
    let (st, e) = valid(&format!("{base}/CFRubrics/{unknown}"), "getCFRubric").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(
        e["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "unknownobject"
    );
    let (st, _) = valid(&format!("{base}/CFDocuments?limit=0"), "getAllCFDocuments").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // the query parameters work the same under 1.1, with 1.1 Link URLs
    let r = reqwest::get(format!("{base}/CFDocuments?limit=1&offset=1"))
        .await
        .unwrap();
    let link = r.headers()["link"].to_str().unwrap().to_owned();
    assert!(
        link.contains(&format!(
            "<{base}/CFDocuments?limit=1&offset=0>; rel=\"prev\""
        )),
        "{link}"
    );
    // 1.0 is unchanged beside it
    let (_, e) = get(&format!("{}{V1P0}/CFItems/not-a-uuid", s.base_url)).await;
    assert_eq!(
        e["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "invaliduuid"
    );
    let (_, d) = get(&format!(
        "{}{V1P0}/CFDocuments/{DEMO_COLLEGE_ID}",
        s.base_url
    ))
    .await;
    assert!(d["CFPackageURI"]["uri"]
        .as_str()
        .unwrap()
        .contains("/ims/case/v1p0/CFPackages/"));
    let (st, e) = get(&format!("{base}/CFNothing/{DEMO_EMPLOYER_ID}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(e["imsx_description"].as_str().unwrap().contains("CASE 1.1"));
    s.stop().await.unwrap();
}

#[tokio::test]
async fn the_discovery_file_is_the_1p1_openapi_localised_and_public() {
    let dir = tempfile::tempdir().unwrap();
    let clients = vec![Client {
        id: "c".into(),
        secret: "secret-secret".into(),
    }];
    let s = server(dir.path(), Vec::new(), clients).await;
    let (st, api) = get(&format!(
        "{}{V1P1}/discovery/imscasev1p1_openapi3_v1p0.json",
        s.base_url
    ))
    .await;
    assert_eq!(st, StatusCode::OK, "public although clients are configured");
    assert_eq!(api["openapi"], "3.0.0");
    assert_eq!(api["servers"][0]["url"], format!("{}{V1P1}", s.base_url));
    assert_eq!(api["paths"].as_object().unwrap().len(), 12);
    // the endpoints stay protected, with the 1.1 spelling of the codeMinor
    let (st, e) = valid(
        &format!("{}{V1P1}/CFDocuments", s.base_url),
        "getAllCFDocuments",
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(
        e["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "unauthorised_request"
    );
    let (_, e) = get(&format!("{}{V1P0}/CFDocuments", s.base_url)).await;
    assert_eq!(
        e["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "unauthorisedrequest"
    );
    s.stop().await.unwrap();
}

/// A package with the 1.1-only properties: served as loaded under 1.1, without them under 1.0.
#[tokio::test]
async fn a_1p1_package_is_served_whole_as_1p1_and_without_1p1_fields_as_1p0() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "7d2a9b1c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
    let item = "7d2a9b1c-3e4f-4a5b-8c6d-7e8f9a0b1c01";
    let assoc = "7d2a9b1c-3e4f-4a5b-8c6d-7e8f9a0b1c02";
    let t = "2025-01-24T12:00:00+00:00";
    let pkg = json!({
        "CFDocument": {"identifier": doc, "uri": format!("https://example.org/{doc}"), "creator": "Wellspring",
            "title": "A 1.1 framework", "lastChangeDateTime": t, "caseVersion": "1.1",
            "frameworkType": "CourseCodes", "extensions": {"note": "x"}},
        "CFItems": [{"identifier": item, "uri": format!("https://example.org/{item}"), "fullStatement": "Do *this*",
            "lastChangeDateTime": t, "subject": ["Maths"], "extensions": {"k": 1}}],
        "CFAssociations": [{"identifier": assoc, "uri": format!("https://example.org/{assoc}"),
            "associationType": "isChildOf", "lastChangeDateTime": t, "notes": "a note",
            "originNodeURI": {"title": "i", "identifier": item, "uri": format!("https://example.org/{item}"), "targetType": "CASE"},
            "destinationNodeURI": {"title": "d", "identifier": doc, "uri": format!("https://example.org/{doc}"), "targetType": "CASE"}}],
        "extensions": {"package": true}
    });
    let file = dir.path().join("p11.json");
    std::fs::write(&file, pkg.to_string()).unwrap();
    let s = server(dir.path(), vec![file], Vec::new()).await;
    let new = format!("{}{V1P1}", s.base_url);
    let old = format!("{}{V1P0}", s.base_url);
    let (_, p) = valid(&format!("{new}/CFPackages/{doc}"), "getCFPackage").await;
    assert_eq!(p["extensions"], json!({"package": true}));
    assert_eq!(p["CFDocument"]["caseVersion"], "1.1");
    let (_, i) = valid(&format!("{new}/CFItems/{item}"), "getCFItem").await;
    assert_eq!(i["subject"], json!(["Maths"]));
    let (_, a) = valid(&format!("{new}/CFAssociations/{assoc}"), "getCFAssociation").await;
    assert_eq!(a["notes"], "a note");
    assert_eq!(a["originNodeURI"]["targetType"], "CASE");
    let (_, p) = get(&format!("{old}/CFPackages/{doc}")).await;
    assert!(p.get("extensions").is_none(), "{p}");
    for k in ["caseVersion", "frameworkType", "extensions"] {
        assert!(p["CFDocument"].get(k).is_none(), "{k}: {p}");
    }
    assert!(p["CFItems"][0].get("subject").is_none(), "{p}");
    assert!(p["CFAssociations"][0].get("notes").is_none(), "{p}");
    assert!(p["CFAssociations"][0]["originNodeURI"]
        .get("targetType")
        .is_none());
    let (_, d) = get(&format!("{old}/CFDocuments/{doc}")).await;
    assert!(d.get("caseVersion").is_none(), "{d}");
    let (_, set) = get(&format!("{old}/CFItemAssociations/{item}")).await;
    assert!(set["CFItem"].get("extensions").is_none(), "{set}");
    assert!(set["CFAssociations"][0].get("notes").is_none(), "{set}");
    s.stop().await.unwrap();
}
