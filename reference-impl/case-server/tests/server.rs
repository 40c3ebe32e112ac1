//! The real server on 127.0.0.1:0, a real SQLite file, a real HTTP client.

use std::path::{Path, PathBuf};

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wellspring_case_server::{
    api::is_case_uuid, demo_package, start, Client, Config, Running, DEMO_COLLEGE, DEMO_COLLEGE_ID,
    DEMO_EMPLOYER, DEMO_EMPLOYER_ID,
};

const V1P0: &str = "/ims/case/v1p0";

// demo identifiers
const DT_1: &str = "c0115e9e-d1e5-4e11-8c01-000000000001"; // DT.1
const DT_4_1: &str = "c0115e9e-d1e5-4e11-8c01-000000000012"; // DT.4.1
const DT_ASSOC: &str = "c0115e9e-d1e5-4e11-8c02-000000000001";
const LICENSE: &str = "c0115e9e-d1e5-4e11-8c03-000000000001";
const SUBJECT: &str = "c0115e9e-d1e5-4e11-8c03-000000000002";
const ITEM_TYPE_PO: &str = "c0115e9e-d1e5-4e11-8c03-000000000004";
const CONCEPT: &str = "c0115e9e-d1e5-4e11-8c03-000000000006";
const GROUPING: &str = "c0115e9e-d1e5-4e11-8c03-000000000008";
const RUBRIC: &str = "c0115e9e-d1e5-4e11-8c03-000000000009";
const JS_A_1: &str = "e3910e9e-d1e5-4e22-9c01-000000000002";

fn frameworks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/case/frameworks")
}

fn config(db: &Path) -> Config {
    let mut c = Config::new(db.to_path_buf());
    c.port = 0;
    c
}

async fn demo_server(dir: &Path) -> Running {
    let mut c = config(&dir.join("case.sqlite"));
    c.demo = true;
    start(c).await.expect("server starts")
}

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn get(client: &reqwest::Client, url: &str) -> Got {
    let r = client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("GET {url}: body is not JSON ({e}): {text}"));
    Got {
        status,
        headers,
        body,
    }
}

async fn get_ok(client: &reqwest::Client, url: &str) -> Value {
    let g = get(client, url).await;
    assert_eq!(g.status, StatusCode::OK, "GET {url}: {}", g.body);
    let ct = g
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        ct.starts_with("application/json"),
        "GET {url}: content-type {ct}"
    );
    g.body
}

fn assert_link_uri(v: &Value, what: &str) {
    for k in ["title", "identifier", "uri"] {
        assert!(
            v.get(k).and_then(Value::as_str).is_some(),
            "{what} lacks {k}: {v}"
        );
    }
    assert_eq!(
        v.as_object().unwrap().len(),
        3,
        "{what} has extra keys: {v}"
    );
}

fn assert_status_info(body: &Value, code_minor: &str) {
    assert_eq!(body["imsx_codeMajor"], "failure", "{body}");
    assert_eq!(body["imsx_severity"], "error", "{body}");
    assert!(body["imsx_description"].is_string(), "{body}");
    let fields = body["imsx_codeMinor"]["imsx_codeMinorField"]
        .as_array()
        .expect("codeMinorField array");
    assert_eq!(fields.len(), 1);
    assert!(fields[0]["imsx_codeMinorFieldName"].is_string());
    assert_eq!(fields[0]["imsx_codeMinorFieldValue"], code_minor, "{body}");
    assert_eq!(body.as_object().unwrap().len(), 4);
}

/// Every string under a key named `uri` in a JSON value.
fn uris(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "uri" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    uris(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| uris(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_endpoint_serves_the_demo_frameworks() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let base = format!("{}{V1P0}", server.base_url);
    let c = reqwest::Client::new();

    // getAllCFDocuments
    let all = get_ok(&c, &format!("{base}/CFDocuments")).await;
    let docs = all["CFDocuments"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["identifier"], DEMO_COLLEGE_ID);
    assert_eq!(docs[1]["identifier"], DEMO_EMPLOYER_ID);
    for d in docs {
        assert_link_uri(&d["CFPackageURI"], "CFPackageURI");
    }

    // getCFDocument: the list entry, with its CFPackageURI back-link
    let doc = get_ok(&c, &format!("{base}/CFDocuments/{DEMO_COLLEGE_ID}")).await;
    assert_eq!(&doc, &docs[0]);
    assert_eq!(doc["CFPackageURI"]["identifier"], DEMO_COLLEGE_ID);
    assert_eq!(
        doc["CFPackageURI"]["uri"],
        format!("{base}/CFPackages/{DEMO_COLLEGE_ID}")
    );

    // getCFPackage: exactly what was loaded, no back-links inside
    let pkg = get_ok(&c, &format!("{base}/CFPackages/{DEMO_COLLEGE_ID}")).await;
    let college = demo_package(DEMO_COLLEGE, &server.base_url).unwrap();
    assert_eq!(pkg, college);
    assert!(pkg["CFDocument"].get("CFPackageURI").is_none());
    assert_eq!(pkg["CFItems"].as_array().unwrap().len(), 13);
    let employer = get_ok(&c, &format!("{base}/CFPackages/{DEMO_EMPLOYER_ID}")).await;
    assert_eq!(
        employer,
        demo_package(DEMO_EMPLOYER, &server.base_url).unwrap()
    );
    assert_eq!(employer["CFItems"].as_array().unwrap().len(), 8);

    // getCFItem
    let item = get_ok(&c, &format!("{base}/CFItems/{DT_1}")).await;
    assert_eq!(item["identifier"], DT_1);
    assert_eq!(item["humanCodingScheme"], "DT.1");
    assert_link_uri(&item["CFDocumentURI"], "CFDocumentURI");
    assert_eq!(item["CFDocumentURI"]["identifier"], DEMO_COLLEGE_ID);

    // getCFItemAssociations: structural and crosswalk associations from both frameworks
    let ia = get_ok(&c, &format!("{base}/CFItemAssociations/{DT_4_1}")).await;
    assert_eq!(ia.as_object().unwrap().len(), 2);
    assert_eq!(ia["CFItem"]["identifier"], DT_4_1);
    assert_eq!(ia["CFItem"]["CFDocumentURI"]["identifier"], DEMO_COLLEGE_ID);
    let assocs = ia["CFAssociations"].as_array().unwrap();
    for a in assocs {
        let touches = a["originNodeURI"]["identifier"] == DT_4_1
            || a["destinationNodeURI"]["identifier"] == DT_4_1;
        assert!(touches, "{a}");
    }
    let types: Vec<&str> = assocs
        .iter()
        .map(|a| a["associationType"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"isChildOf"), "{types:?}");
    assert!(
        assocs.iter().any(|a| a["associationType"] == "exactMatchOf"
            && a["originNodeURI"]["identifier"] == JS_A_1),
        "the employer's crosswalk association is listed"
    );

    // getCFAssociation
    let a = get_ok(&c, &format!("{base}/CFAssociations/{DT_ASSOC}")).await;
    assert_eq!(a["associationType"], "isChildOf");
    assert_eq!(a["destinationNodeURI"]["identifier"], DEMO_COLLEGE_ID);
    assert_link_uri(&a["CFDocumentURI"], "CFDocumentURI");

    // bare definitions
    let g = get_ok(&c, &format!("{base}/CFAssociationGroupings/{GROUPING}")).await;
    assert_eq!(g["identifier"], GROUPING);
    let l = get_ok(&c, &format!("{base}/CFLicenses/{LICENSE}")).await;
    assert_eq!(l["identifier"], LICENSE);
    assert!(l["licenseText"].is_string());
    let r = get_ok(&c, &format!("{base}/CFRubrics/{RUBRIC}")).await;
    assert_eq!(r["identifier"], RUBRIC);
    assert_eq!(
        r["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // hierarchical definition sets: requested first, then hierarchyCode children of the same framework
    for (path, key, id) in [
        ("CFConcepts", "CFConcepts", CONCEPT),
        ("CFSubjects", "CFSubjects", SUBJECT),
        ("CFItemTypes", "CFItemTypes", ITEM_TYPE_PO),
    ] {
        let set = get_ok(&c, &format!("{base}/{path}/{id}")).await;
        assert_eq!(set.as_object().unwrap().len(), 1);
        let list = set[key].as_array().unwrap();
        assert_eq!(list[0]["identifier"], id, "{path}");
        assert_eq!(list.len(), 2, "{path}: {set}");
        let parent = list[0]["hierarchyCode"].as_str().unwrap();
        assert!(list[1]["hierarchyCode"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{parent}.")));
    }

    // every uri in both packages resolves on this server
    let mut all_uris = Vec::new();
    uris(&pkg, &mut all_uris);
    uris(&employer, &mut all_uris);
    uris(&all, &mut all_uris);
    all_uris.sort();
    all_uris.dedup();
    assert!(all_uris.len() > 60, "{}", all_uris.len());
    for u in &all_uris {
        assert!(u.starts_with(&base), "{u} is not served here");
        let without_fragment = u.split('#').next().unwrap();
        get_ok(&c, without_fragment).await;
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn unknown_and_malformed_identifiers_are_404_with_status_info() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let base = format!("{}{V1P0}", server.base_url);
    let c = reqwest::Client::new();
    let unknown = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
    for ep in [
        "CFDocuments",
        "CFPackages",
        "CFItems",
        "CFAssociations",
        "CFItemAssociations",
        "CFAssociationGroupings",
        "CFConcepts",
        "CFSubjects",
        "CFLicenses",
        "CFItemTypes",
        "CFRubrics",
    ] {
        let g = get(&c, &format!("{base}/{ep}/{unknown}")).await;
        assert_eq!(g.status, StatusCode::NOT_FOUND, "{ep}");
        assert!(g.headers[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        assert_status_info(&g.body, "unknownobject");
        // a malformed identifier: the same 404, codeMinor invaliduuid
        for bad in [
            "not-a-uuid",
            "C0115E9E-D1E5-4E11-8C01-000000000001",
            "d0000000-0000-0000-0000-000000000000",
        ] {
            let g = get(&c, &format!("{base}/{ep}/{bad}")).await;
            assert_eq!(g.status, StatusCode::NOT_FOUND, "{ep}/{bad}");
            assert_status_info(&g.body, "invaliduuid");
        }
    }
    // an object of another kind is not found under this kind
    let g = get(&c, &format!("{base}/CFItems/{DEMO_COLLEGE_ID}")).await;
    assert_eq!(g.status, StatusCode::NOT_FOUND);
    assert_status_info(&g.body, "unknownobject");
    // not an endpoint
    let g = get(&c, &format!("{base}/CFItems")).await;
    assert_eq!(g.status, StatusCode::NOT_FOUND);
    assert_status_info(&g.body, "unknownobject");
    server.stop().await.unwrap();
}

/// A small valid package with a given title.
fn synthetic(n: u32, title: &str) -> Value {
    let id = format!("5a5a5a5a-0000-4000-8000-{n:012}");
    json!({
        "CFDocument": {
            "identifier": id, "uri": format!("https://example.org/ims/case/v1p0/CFDocuments/{id}"),
            "creator": "Wellspring tests", "title": title, "lastChangeDateTime": "2026-01-01T00:00:00+00:00",
            "version": format!("{n}.0"), "subject": ["Testing", format!("Topic {n}")]
        },
        "CFItems": [], "CFAssociations": []
    })
}

fn parse_links(h: &HeaderMap) -> Vec<(String, String)> {
    let v = h.get("link").expect("Link header").to_str().unwrap();
    v.split(", ")
        .map(|part| {
            let (url, rel) = part.split_once(">; rel=\"").expect("link-value");
            (
                rel.trim_end_matches('"').to_string(),
                url.trim_start_matches('<').to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn cf_documents_query_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (n, title) in [
        (1, "Alpha Framework"),
        (2, "Bravo Framework"),
        (3, "Charlie Framework"),
    ] {
        let p = dir.path().join(format!("pkg{n}.json"));
        std::fs::write(&p, synthetic(n, title).to_string()).unwrap();
        files.push(p);
    }
    let mut cfg = config(&dir.path().join("case.sqlite"));
    cfg.packages = files;
    cfg.demo = true;
    let server = start(cfg).await.unwrap();
    let base = format!("{}{V1P0}", server.base_url);
    let c = reqwest::Client::new();

    // paging: walk with limit=2 by following rel="next"
    let mut url = format!("{base}/CFDocuments?limit=2");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let g = get(&c, &url).await;
        assert_eq!(g.status, StatusCode::OK);
        assert_eq!(g.headers["x-total-count"], "5");
        let links = parse_links(&g.headers);
        let rel = |r: &str| links.iter().find(|(k, _)| k == r).map(|(_, u)| u.clone());
        assert_eq!(
            rel("first").unwrap(),
            format!("{base}/CFDocuments?limit=2&offset=0")
        );
        assert_eq!(
            rel("last").unwrap(),
            format!("{base}/CFDocuments?limit=2&offset=4")
        );
        let page = g.body["CFDocuments"].as_array().unwrap();
        assert_eq!(page.len(), if pages == 2 { 1 } else { 2 });
        seen.extend(
            page.iter()
                .map(|d| d["identifier"].as_str().unwrap().to_string()),
        );
        match pages {
            0 => assert!(rel("prev").is_none()),
            _ => assert_eq!(
                rel("prev").unwrap(),
                format!("{base}/CFDocuments?limit=2&offset={}", (pages - 1) * 2)
            ),
        }
        pages += 1;
        match rel("next") {
            Some(next) => {
                assert_eq!(
                    next,
                    format!("{base}/CFDocuments?limit=2&offset={}", pages * 2)
                );
                url = next;
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "{seen:?}");

    // offset past the end: an empty page, headers still right
    let g = get(&c, &format!("{base}/CFDocuments?offset=10")).await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(g.body["CFDocuments"].as_array().unwrap().len(), 0);
    assert_eq!(g.headers["x-total-count"], "5");

    // bad parameters: 400 invalid_selection_field
    for q in [
        "limit=0",
        "limit=-3",
        "limit=ten",
        "limit=",
        "offset=-1",
        "orderBy=sideways",
        "fields=",
        "fields=title,,uri",
        "filter=nosuch%3D%27x%27",
        "filter=title%3Dunquoted",
        "filter=title~%27a%27%20XOR%20title~%27b%27",
    ] {
        let g = get(&c, &format!("{base}/CFDocuments?{q}")).await;
        assert_eq!(g.status, StatusCode::BAD_REQUEST, "{q}: {}", g.body);
        assert_status_info(&g.body, "invalid_selection_field");
    }

    // sort + orderBy
    let g = get_ok(&c, &format!("{base}/CFDocuments?sort=title&orderBy=desc")).await;
    let titles: Vec<&str> = g["CFDocuments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort_by_key(|t| std::cmp::Reverse(t.to_lowercase()));
    assert_eq!(titles, sorted);
    // unknown sort field: default order (binding §3.2), not an error
    let g = get_ok(&c, &format!("{base}/CFDocuments?sort=nosuch")).await;
    assert_eq!(g["CFDocuments"].as_array().unwrap().len(), 5);

    // filter: the binding's grammar
    let count = |v: &Value| v["CFDocuments"].as_array().unwrap().len();
    let g = get(&c, &format!("{base}/CFDocuments?filter=title~%27DIESEL%27")).await;
    assert_eq!(count(&g.body), 2);
    assert_eq!(g.headers["x-total-count"], "2");
    let g = get_ok(
        &c,
        &format!("{base}/CFDocuments?filter=version%3D%272.0%27"),
    )
    .await;
    assert_eq!(count(&g), 1);
    assert_eq!(g["CFDocuments"][0]["title"], "Bravo Framework");
    let g = get_ok(&c, &format!("{base}/CFDocuments?filter=version%3E%271.0%27%20AND%20creator%3D%27wellspring%20tests%27")).await;
    assert_eq!(count(&g), 2);
    let g = get_ok(&c, &format!("{base}/CFDocuments?filter=title%3D%27alpha%20framework%27%20OR%20adoptionStatus%3D%27draft%27")).await;
    assert_eq!(count(&g), 2);
    let g = get_ok(
        &c,
        &format!("{base}/CFDocuments?filter=subject%3D%27Testing%27"),
    )
    .await;
    assert_eq!(count(&g), 0, "'=' on an array compares the whole list");
    let g = get_ok(
        &c,
        &format!("{base}/CFDocuments?filter=subject~%27testing%27"),
    )
    .await;
    assert_eq!(count(&g), 3);
    let g = get_ok(
        &c,
        &format!("{base}/CFDocuments?filter=licenseURI.title%3D%27CC%20BY%204.0%27"),
    )
    .await;
    assert_eq!(count(&g), 1);
    // the filter is kept in the Link URLs
    let g = get(
        &c,
        &format!("{base}/CFDocuments?filter=subject~%27testing%27&limit=1"),
    )
    .await;
    let links = parse_links(&g.headers);
    let next = &links.iter().find(|(r, _)| r == "next").unwrap().1;
    assert_eq!(
        next,
        &format!("{base}/CFDocuments?filter=subject~%27testing%27&limit=1&offset=1")
    );
    assert_eq!(
        get_ok(&c, next).await["CFDocuments"][0]["title"],
        "Bravo Framework"
    );

    // fields
    let g = get_ok(&c, &format!("{base}/CFDocuments?fields=identifier,title")).await;
    for d in g["CFDocuments"].as_array().unwrap() {
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["identifier", "title"]);
    }
    // a non-existent field: all data
    let g = get_ok(&c, &format!("{base}/CFDocuments?fields=identifier,nosuch")).await;
    assert!(g["CFDocuments"][0]["CFPackageURI"].is_object());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn client_credentials_protect_the_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(&dir.path().join("case.sqlite"));
    cfg.demo = true;
    cfg.clients = vec![Client {
        id: "harness".into(),
        secret: "s3cret-value".into(),
    }];
    let server = start(cfg).await.unwrap();
    let base = format!("{}{V1P0}", server.base_url);
    let token_url = format!("{}/auth/token", server.base_url);
    let c = reqwest::Client::new();
    let docs = format!("{base}/CFDocuments");

    // no token
    let r = c.get(&docs).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    assert_status_info(&r.json().await.unwrap(), "unauthorisedrequest");
    // unknown ids are not revealed before authentication
    let r = c
        .get(format!("{base}/CFItems/not-a-uuid"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let form = "grant_type=client_credentials";
    let ct = "application/x-www-form-urlencoded";
    // bad secret (Basic)
    let r = c
        .post(&token_url)
        .basic_auth("harness", Some("wrong"))
        .header(CONTENT_TYPE, ct)
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    // bad secret (body)
    let r = c
        .post(&token_url)
        .header(CONTENT_TYPE, ct)
        .body("grant_type=client_credentials&client_id=harness&client_secret=s3cret-valu")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // wrong grant
    let r = c
        .post(&token_url)
        .basic_auth("harness", Some("s3cret-value"))
        .header(CONTENT_TYPE, ct)
        .body("grant_type=password")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );

    // a made-up token
    let r = c.get(&docs).bearer_auth("made-up").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));

    // good credentials, both client authentication methods
    for basic in [true, false] {
        let req = c.post(&token_url).header(CONTENT_TYPE, ct);
        let req = if basic {
            req.basic_auth("harness", Some("s3cret-value")).body(form)
        } else {
            req.body("grant_type=client_credentials&client_id=harness&client_secret=s3cret-value")
        };
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["cache-control"], "no-store");
        let t: Value = r.json().await.unwrap();
        assert_eq!(t["token_type"], "Bearer");
        assert_eq!(t["expires_in"], 3600);
        let token = t["access_token"].as_str().unwrap();
        assert!(token.len() >= 43);
        let r = c.get(&docs).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["CFDocuments"].as_array().unwrap().len(), 2);
        let r = c
            .get(format!("{base}/CFPackages/{DEMO_COLLEGE_ID}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn tokens_expire() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(&dir.path().join("case.sqlite"));
    cfg.clients = vec![Client {
        id: "a".into(),
        secret: "b".into(),
    }];
    cfg.token_ttl = std::time::Duration::from_millis(300);
    let server = start(cfg).await.unwrap();
    let c = reqwest::Client::new();
    let t: Value = c
        .post(format!("{}/auth/token", server.base_url))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=a&client_secret=b")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = t["access_token"].as_str().unwrap().to_string();
    let docs = format!("{}{V1P0}/CFDocuments", server.base_url);
    assert_eq!(
        c.get(&docs)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(
        c.get(&docs)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_restart_on_the_same_file_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("case.sqlite");
    let mut cfg = config(&db);
    cfg.demo = true;
    let first = start(cfg).await.unwrap();
    let c = reqwest::Client::new();
    let before = get_ok(
        &c,
        &format!("{}{V1P0}/CFPackages/{DEMO_EMPLOYER_ID}", first.base_url),
    )
    .await;
    first.stop().await.unwrap();

    // no --demo, no --package: only what the file holds
    let second = start(config(&db)).await.unwrap();
    let base = format!("{}{V1P0}", second.base_url);
    assert!(second.loaded.is_empty());
    let all = get_ok(&c, &format!("{base}/CFDocuments")).await;
    assert_eq!(all["CFDocuments"].as_array().unwrap().len(), 2);
    let after = get_ok(&c, &format!("{base}/CFPackages/{DEMO_EMPLOYER_ID}")).await;
    assert_eq!(before, after);
    get_ok(&c, &format!("{base}/CFItems/{DT_1}")).await;
    second.stop().await.unwrap();
}

#[tokio::test]
async fn loading_is_an_idempotent_upsert() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("pkg.json");
    let mut pkg = synthetic(7, "Upsert");
    pkg["CFItems"] = json!([{
        "identifier": "5a5a5a5a-0000-4000-8001-000000000001", "uri": "https://example.org/i/1",
        "fullStatement": "first", "lastChangeDateTime": "2026-01-01T00:00:00+00:00"
    }, {
        "identifier": "5a5a5a5a-0000-4000-8001-000000000002", "uri": "https://example.org/i/2",
        "fullStatement": "second", "lastChangeDateTime": "2026-01-01T00:00:00+00:00"
    }]);
    std::fs::write(&p, pkg.to_string()).unwrap();
    let store = wellspring_case_server::Store::open(&dir.path().join("db.sqlite")).unwrap();
    let a = wellspring_case_server::load_file(&store, &p).unwrap();
    let b = wellspring_case_server::load_file(&store, &p).unwrap();
    assert_eq!(a, b);
    assert_eq!(store.documents().unwrap().len(), 1);
    assert_eq!(store.package(&a.document).unwrap().unwrap(), pkg);

    // a new version drops an item and changes the other: the store follows
    pkg["CFItems"].as_array_mut().unwrap().remove(0);
    pkg["CFItems"][0]["fullStatement"] = json!("second, revised");
    std::fs::write(&p, pkg.to_string()).unwrap();
    wellspring_case_server::load_file(&store, &p).unwrap();
    assert_eq!(store.package(&a.document).unwrap().unwrap(), pkg);
    assert!(store
        .object("CFItems", "5a5a5a5a-0000-4000-8001-000000000001")
        .unwrap()
        .is_none());

    // what cannot be stored is refused, not half-stored
    let bad = json!({"CFDocument": {"title": "no identifier"}});
    assert!(store.load_package(&bad).is_err());
    let bad =
        json!({"CFDocument": synthetic(8, "x")["CFDocument"], "CFItems": [{"identifier": 5}]});
    assert!(store.load_package(&bad).is_err());
    assert_eq!(store.documents().unwrap().len(), 1);
}

#[tokio::test]
async fn the_opensalt_frameworks_load_and_round_trip() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(frameworks_dir())
        .expect("shared/spec/case/frameworks beside the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    let c = reqwest::Client::new();
    for f in &files {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(&dir.path().join("case.sqlite"));
        cfg.packages = vec![f.clone()];
        let server = start(cfg)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let base = format!("{}{V1P0}", server.base_url);
        let original: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let id = original["CFDocument"]["identifier"].as_str().unwrap();
        let pkg = get_ok(&c, &format!("{base}/CFPackages/{id}")).await;
        assert_eq!(pkg, original, "{} round-trips", f.display());
        let doc = get_ok(&c, &format!("{base}/CFDocuments/{id}")).await;
        assert!(doc["CFPackageURI"].is_object());
        for item in original["CFItems"].as_array().unwrap() {
            let iid = item["identifier"].as_str().unwrap();
            let got = get_ok(&c, &format!("{base}/CFItems/{iid}")).await;
            assert_eq!(got["CFDocumentURI"]["identifier"], id);
            get_ok(&c, &format!("{base}/CFItemAssociations/{iid}")).await;
        }
        for a in original["CFAssociations"].as_array().unwrap() {
            get_ok(
                &c,
                &format!(
                    "{base}/CFAssociations/{}",
                    a["identifier"].as_str().unwrap()
                ),
            )
            .await;
        }
        server.stop().await.unwrap();
    }

    // all at once: four of them share the CFDocument identifier d0000000-…, so the last one loaded
    // replaces the others (upsert by identifier)
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(&dir.path().join("case.sqlite"));
    cfg.packages = files.clone();
    let server = start(cfg).await.unwrap();
    let all = get_ok(&c, &format!("{}{V1P0}/CFDocuments", server.base_url)).await;
    let mut ids: Vec<String> = files
        .iter()
        .map(|f| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            v["CFDocument"]["identifier"].as_str().unwrap().to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(all["CFDocuments"].as_array().unwrap().len(), ids.len());
    server.stop().await.unwrap();
}

#[test]
fn the_demo_frameworks_are_valid_case_1_0_packages() {
    let schema: Value = serde_json::from_str(include_str!(
        "../../../../shared/spec/case/v1p0/opensalt-case-v1p0-cfpackage-schema.json"
    ))
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    // the validator does reject a broken package (a missing required property, a bad date-time)
    let mut broken = demo_package(DEMO_EMPLOYER, "http://127.0.0.1:8480").unwrap();
    broken["CFItems"][0]
        .as_object_mut()
        .unwrap()
        .remove("fullStatement");
    broken["CFDocument"]["lastChangeDateTime"] = json!("yesterday");
    assert_eq!(validator.iter_errors(&broken).count(), 2);
    // and against CFPackage.Type of the official CASE 1.0 OpenAPI itself
    let openapi: Value = serde_json::from_str(include_str!(
        "../../../../shared/spec/case/v1p0/case-v1p0-swagger.json"
    ))
    .unwrap();
    let official =
        json!({"definitions": openapi["definitions"], "$ref": "#/definitions/CFPackage.Type"});
    let official = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&official)
        .unwrap();
    assert!(official.iter_errors(&broken).count() >= 2);
    for text in [DEMO_COLLEGE, DEMO_EMPLOYER] {
        let pkg = demo_package(text, "http://127.0.0.1:8480").unwrap();
        let errors: Vec<String> = official
            .iter_errors(&pkg)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "official CFPackage.Type: {errors:#?}");
        let errors: Vec<String> = validator
            .iter_errors(&pkg)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // stricter than that lenient schema: the official lower-case UUID pattern, anchored
        let text = pkg.to_string();
        let mut ids = Vec::new();
        collect_identifiers(&pkg, &mut ids);
        assert!(ids.len() > 50);
        for id in ids {
            assert!(is_case_uuid(&id), "{id}");
        }
        assert!(!text.contains("{{BASE}}"));
        // structure: every item has exactly one isChildOf parent
        let items = pkg["CFItems"].as_array().unwrap();
        for it in items {
            let id = &it["identifier"];
            let parents = pkg["CFAssociations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| {
                    a["associationType"] == "isChildOf" && &a["originNodeURI"]["identifier"] == id
                })
                .count();
            assert_eq!(parents, 1, "{id}");
        }
    }
}

fn collect_identifiers(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "identifier" || k == "rubricId" || k == "rubricCriterionId" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    collect_identifiers(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_identifiers(x, out)),
        _ => {}
    }
}

/// The CASE 1.0 OpenAPI definitions, with the three standalone types flattened: as written
/// (`allOf` of two closed objects) they accept nothing, so each becomes its package type plus the
/// back-link property, the way CASE 1.1 defines them.
fn openapi_definitions() -> Value {
    let openapi: Value = serde_json::from_str(include_str!(
        "../../../../shared/spec/case/v1p0/case-v1p0-swagger.json"
    ))
    .unwrap();
    let mut defs = openapi["definitions"].clone();
    for (standalone, pckg, link, required) in [
        (
            "CFDocument.Type",
            "CFPckgDocument.Type",
            "CFPackageURI",
            true,
        ),
        ("CFItem.Type", "CFPckgItem.Type", "CFDocumentURI", true),
        (
            "CFAssociation.Type",
            "CFPckgAssociation.Type",
            "CFDocumentURI",
            false,
        ),
    ] {
        let mut flat = defs[pckg].clone();
        flat["properties"][link] = json!({"$ref": "#/definitions/LinkURI.Type"});
        if required {
            flat["required"].as_array_mut().unwrap().push(json!(link));
        }
        defs[standalone] = flat;
    }
    defs
}

fn openapi_validator(defs: &Value, ty: &str) -> jsonschema::Validator {
    let schema = json!({"definitions": defs, "$ref": format!("#/definitions/{ty}")});
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[tokio::test]
async fn responses_validate_against_the_case_1_0_openapi() {
    let defs = openapi_definitions();
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let base = format!("{}{V1P0}", server.base_url);
    let c = reqwest::Client::new();
    let check = |ty: &str, body: &Value| {
        let v = openapi_validator(&defs, ty);
        let errors: Vec<String> = v
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{ty}: {errors:#?}");
    };
    // the validators are not vacuous: a package item (no back-link) is not a CFItem, extensions are refused
    let pkg_item =
        get_ok(&c, &format!("{base}/CFPackages/{DEMO_COLLEGE_ID}")).await["CFItems"][0].clone();
    assert!(!openapi_validator(&defs, "CFItem.Type").is_valid(&pkg_item));
    let mut item = get_ok(&c, &format!("{base}/CFItems/{DT_1}")).await;
    assert!(openapi_validator(&defs, "CFItem.Type").is_valid(&item));
    item["updatedAt"] = json!("2026-01-01");
    assert!(!openapi_validator(&defs, "CFItem.Type").is_valid(&item));
    check(
        "CFDocumentSet.Type",
        &get_ok(&c, &format!("{base}/CFDocuments")).await,
    );
    check(
        "CFDocumentSet.Type",
        &get_ok(&c, &format!("{base}/CFDocuments?sort=title&limit=1")).await,
    );
    for doc in [DEMO_COLLEGE_ID, DEMO_EMPLOYER_ID] {
        check(
            "CFDocument.Type",
            &get_ok(&c, &format!("{base}/CFDocuments/{doc}")).await,
        );
        let pkg = get_ok(&c, &format!("{base}/CFPackages/{doc}")).await;
        check("CFPackage.Type", &pkg);
        for item in pkg["CFItems"].as_array().unwrap() {
            let id = item["identifier"].as_str().unwrap();
            check(
                "CFItem.Type",
                &get_ok(&c, &format!("{base}/CFItems/{id}")).await,
            );
            check(
                "CFAssociationSet.Type",
                &get_ok(&c, &format!("{base}/CFItemAssociations/{id}")).await,
            );
        }
        for a in pkg["CFAssociations"].as_array().unwrap() {
            let id = a["identifier"].as_str().unwrap();
            check(
                "CFAssociation.Type",
                &get_ok(&c, &format!("{base}/CFAssociations/{id}")).await,
            );
        }
        let defs_of = |k: &str| {
            pkg["CFDefinitions"][k]
                .as_array()
                .cloned()
                .unwrap_or_default()
        };
        for (key, path, ty) in [
            ("CFConcepts", "CFConcepts", "CFConceptSet.Type"),
            ("CFSubjects", "CFSubjects", "CFSubjectSet.Type"),
            ("CFItemTypes", "CFItemTypes", "CFItemTypeSet.Type"),
            ("CFLicenses", "CFLicenses", "CFLicense.Type"),
            (
                "CFAssociationGroupings",
                "CFAssociationGroupings",
                "CFAssociationGrouping.Type",
            ),
        ] {
            for d in defs_of(key) {
                let id = d["identifier"].as_str().unwrap();
                check(ty, &get_ok(&c, &format!("{base}/{path}/{id}")).await);
            }
        }
        for r in pkg["CFRubrics"].as_array().unwrap() {
            let id = r["identifier"].as_str().unwrap();
            check(
                "CFRubric.Type",
                &get_ok(&c, &format!("{base}/CFRubrics/{id}")).await,
            );
        }
    }
    // error bodies
    for url in [
        format!("{base}/CFItems/0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"),
        format!("{base}/CFItems/not-a-uuid"),
        format!("{base}/CFDocuments?limit=0"),
        format!("{base}/CFDocuments?filter=nosuch%3D%27x%27"),
    ] {
        let g = get(&c, &url).await;
        assert!(g.status.is_client_error());
        check("imsx_StatusInfo.Type", &g.body);
    }
    server.stop().await.unwrap();
}
