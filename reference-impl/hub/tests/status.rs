//! Revocation: every credential the hub issues (JSON and VC-JWT, OB and CLR) carries a
//! `BitstringStatusListEntry` into the signed list at `/status/1`; the verification core reads
//! that list and finds the credential active; `POST /admin/revoke` (admin token only) or a
//! revocation written to the database by another process (`wellspring hub revoke`) sets the
//! credential's bit, and the core then reports it revoked while the others stay active.
//! Indexes are random (distinct, not in issue order) in a list of at least 131,072 bits.

mod common;

use serde_json::{json, Value};
use wellspring_hub::server::{DEMO_ADMIN_TOKEN, DEMO_EMAIL};
use wellspring_report::{DocReport, Verdict};

const DT3: [&str; 2] = [
    "c0115e9e-d1e5-4e11-8c01-000000000009",
    "c0115e9e-d1e5-4e11-8c01-000000000010",
];

/// The list's URL for a hub.
fn list_url(base: &str) -> String {
    format!("{base}/status/1")
}

/// `GET /status/1`: (body, content-type, cache-control).
fn get_list(base: &str) -> (String, String, String) {
    let r = common::http().get(list_url(base)).send().unwrap();
    assert_eq!(r.status(), 200, "GET /status/1");
    let h = |k: &str| {
        r.headers()
            .get(k)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (ct, cc) = (h("content-type"), h("cache-control"));
    (r.text().unwrap(), ct, cc)
}

fn revoke(base: &str, token: Option<&str>, body: Value) -> reqwest::blocking::Response {
    let mut r = common::http()
        .post(format!("{base}/admin/revoke"))
        .json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().unwrap()
}

/// Verifies with the core, given the list as served (`--status-file URL=…`), requiring a
/// determined status (`--require-status`).
fn verify(bytes: &[u8], base: &str, list: &str) -> DocReport {
    let mut o = wellspring_verify::Options::offline(chrono::Utc::now());
    o.status_files.insert(list_url(base), list.to_owned());
    o.require_status = true;
    wellspring_verify::verify_bytes("hub", bytes, &o)
}

/// The verdicts of the document's own `ob3.status` checks (not those of bundled credentials).
fn own_status(r: &DocReport) -> Vec<(Verdict, String)> {
    r.checks
        .iter()
        .filter(|c| c.id == "ob3.status")
        .map(|c| (c.verdict, c.message.clone()))
        .collect()
}

fn assert_active(r: &DocReport, what: &str) {
    let s = own_status(r);
    assert_eq!(s.len(), 1, "{what}: one status check: {s:?}");
    assert_eq!(s[0].0, Verdict::Pass, "{what}: active: {s:?}");
    assert!(s[0].1.contains("is clear"), "{what}: {s:?}");
}

fn assert_revoked(r: &DocReport, what: &str) {
    let s = own_status(r);
    assert_eq!(s.len(), 1, "{what}: one status check: {s:?}");
    assert_eq!(s[0].0, Verdict::Fail, "{what}: revoked: {s:?}");
    assert!(s[0].1.starts_with("revoked:"), "{what}: {s:?}");
    assert!(!r.passed(), "{what}: a revoked credential does not verify");
}

/// A credential's status entry, checked for shape: its index.
fn entry_index(cred: &Value, base: &str) -> u32 {
    let e = &cred["credentialStatus"];
    let url = list_url(base);
    assert!(e.is_object(), "credentialStatus is one object: {cred}");
    assert_eq!(e["type"], "BitstringStatusListEntry");
    assert_eq!(e["statusPurpose"], "revocation");
    assert_eq!(e["statusListCredential"], json!(url));
    let idx = e["statusListIndex"]
        .as_str()
        .expect("statusListIndex is a string");
    let n: u32 = idx.parse().expect("a base-10 integer");
    assert_eq!(n.to_string(), idx, "canonical base 10");
    assert_eq!(e["id"], json!(format!("{url}#{idx}")));
    n
}

/// The payload of a compact JWS (the VC-JWT's credential).
fn jwt_payload(jws: &str) -> Value {
    use base64::Engine;
    let p = jws.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap(),
    )
    .unwrap()
}

/// The decoded bitstring of a served list.
fn bits(list: &str) -> Vec<u8> {
    let v: Value = serde_json::from_str(list).unwrap();
    let enc = v["credentialSubject"]["encodedList"].as_str().unwrap();
    assert!(enc.starts_with('u'), "multibase base64url: {enc}");
    wellspring_verify::status::decode_list(enc).unwrap()
}

fn bit(bits: &[u8], i: u32) -> bool {
    bits[(i / 8) as usize] & (0x80 >> (i % 8)) != 0
}

/// The demo learner's credentials as getCredentials serves them: (OB JSON, OB VC-JWT, CLR).
fn demo_credentials(base: &str) -> (Value, String, Value) {
    let t = common::demo_token(base);
    let (json, jws, _) = common::list(base, "/ims/ob/v3p0", &t);
    let (clrs, _, _) = common::list(base, "/ims/clr/v2p0", &t);
    assert_eq!((json.len(), jws.len(), clrs.len()), (1, 1, 1));
    (json[0].clone(), jws[0].clone(), clrs[0].clone())
}

#[test]
fn issued_credentials_carry_an_entry_into_a_signed_list_that_reads_active() {
    let hub = common::start();
    let base = hub.base.clone();
    let (ob, jws, clr) = demo_credentials(&base);

    // every form carries an entry, each its own index
    let i_ob = entry_index(&ob, &base);
    let i_jwt = entry_index(&jwt_payload(&jws), &base);
    let i_clr = entry_index(&clr, &base);
    let bundled = clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap();
    assert_eq!(bundled.len(), 2);
    // the CLR bundles the Data Integrity copies of both badges: the same ids, the same bits
    let mut i_b: Vec<u32> = bundled.iter().map(|c| entry_index(c, &base)).collect();
    i_b.sort();
    let mut want = vec![i_ob, i_jwt];
    want.sort();
    assert_eq!(i_b, want);
    let all = [i_ob, i_jwt, i_clr];
    assert!(
        i_ob != i_jwt && i_ob != i_clr && i_jwt != i_clr,
        "distinct indexes: {all:?}"
    );

    // the list: a signed BitstringStatusListCredential of at least 131,072 bits, all clear
    let (list, ct, cc) = get_list(&base);
    assert!(
        ct == "application/vc+ld+json" || ct.starts_with("application/json"),
        "{ct}"
    );
    let age: u64 = cc
        .split(',')
        .find_map(|p| p.trim().strip_prefix("max-age="))
        .expect("Cache-Control max-age")
        .parse()
        .unwrap();
    assert!((1..=300).contains(&age), "a short max-age: {cc}");
    let v: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(
        v["type"],
        json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert_eq!(v["id"], json!(list_url(&base)));
    assert_eq!(v["issuer"], ob["issuer"]["id"], "the badges' issuer");
    assert_eq!(v["credentialSubject"]["type"], "BitstringStatusList");
    assert_eq!(v["credentialSubject"]["statusPurpose"], "revocation");
    let b = bits(&list);
    assert!(b.len() * 8 >= 131_072, "{} bits", b.len() * 8);
    assert!(b.iter().all(|x| *x == 0), "nothing revoked yet");
    // its proof: eddsa-rdfc-2022 by the issuer key (the method of the badges' proofs)
    assert_eq!(v["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(
        v["proof"]["verificationMethod"],
        ob["proof"]["verificationMethod"]
    );
    let loader = wellspring_verify::loader::ContextLoader::offline();
    let keys = wellspring_verify::keys::KeyRing::new();
    let mut trace = Default::default();
    wellspring_verify::di::verify_proof(&v, &v["proof"], &keys, &loader, &mut trace)
        .expect("the status list's proof verifies");
    // ...and a changed list does not
    let mut forged = v.clone();
    forged["credentialSubject"]["encodedList"] =
        json!(wellspring_verify::status::encode_list(&vec![0xff; 16384]));
    assert!(wellspring_verify::di::verify_proof(
        &forged,
        &forged["proof"],
        &keys,
        &loader,
        &mut Default::default()
    )
    .is_err());

    // the core reads the list: each credential is active and fully verified
    for (what, bytes) in [
        ("OB JSON", ob.to_string().into_bytes()),
        ("OB VC-JWT", jws.clone().into_bytes()),
        ("CLR", clr.to_string().into_bytes()),
    ] {
        let r = verify(&bytes, &base, &list);
        assert_active(&r, what);
        assert_eq!(
            r.headline(),
            "VERIFIED",
            "{what}: {}",
            wellspring_report::render::human(std::slice::from_ref(&r), true)
        );
    }
    // without the list the core says so (the entry is really read, not skipped)
    let mut o = wellspring_verify::Options::offline(chrono::Utc::now());
    o.require_status = true;
    let r = wellspring_verify::verify_bytes("hub", ob.to_string().as_bytes(), &o);
    assert_eq!(own_status(&r)[0].0, Verdict::Fail, "status not determined");

    // the JSON Schemas (OB 3.0, CLR 2.0) and the JSON-LD contexts still hold with
    // credentialStatus: checked by name, so that a skipped check would show
    for (what, bytes, schema) in [
        ("OB JSON", ob.to_string().into_bytes(), "ob3.schema"),
        ("CLR", clr.to_string().into_bytes(), "clr2.schema"),
    ] {
        let r = verify(&bytes, &base, &list);
        for id in [schema, "ob3.context.terms"] {
            let v: Vec<Verdict> = r
                .checks
                .iter()
                .filter(|c| c.id == id)
                .map(|c| c.verdict)
                .collect();
            assert!(
                !v.is_empty() && v.iter().all(|x| *x == Verdict::Pass),
                "{what} {id}: {v:?}"
            );
        }
    }
}

#[test]
fn admin_revoke_sets_the_bit_and_the_core_reports_revoked() {
    let hub = common::start();
    let base = hub.base.clone();
    let (ob, jws, clr) = demo_credentials(&base);
    let jwt_cred = jwt_payload(&jws);
    let i_ob = entry_index(&ob, &base);
    let i_jwt = entry_index(&jwt_cred, &base);

    // served from the cache until something changes: the same signed bytes
    let (before, _, _) = get_list(&base);
    assert_eq!(get_list(&base).0, before, "not signed again per request");

    let r = revoke(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"credentialId": ob["id"], "reason": "issued in error"}),
    );
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    assert_eq!(v["statusListIndex"], json!(i_ob.to_string()));
    assert_eq!(v["credentialId"], ob["id"]);
    assert_eq!(v["alreadyRevoked"], false);
    assert_eq!(v["statusListCredential"], json!(list_url(&base)));

    let (after, _, _) = get_list(&base);
    assert_ne!(after, before, "the list was rebuilt");
    let b = bits(&after);
    assert!(bit(&b, i_ob));
    assert_eq!(
        b.iter().map(|x| x.count_ones()).sum::<u32>(),
        1,
        "one bit set"
    );

    // the core: the revoked badge fails its status, the VC-JWT one stays active
    assert_revoked(&verify(ob.to_string().as_bytes(), &base, &after), "OB JSON");
    let r = verify(jws.as_bytes(), &base, &after);
    assert_active(&r, "OB VC-JWT");
    assert!(r.passed());
    // the CLR is active itself, but the badge it bundles is revoked
    let r = verify(clr.to_string().as_bytes(), &base, &after);
    assert_active(&r, "CLR");
    let mut all = Vec::new();
    r.walk(&mut all);
    assert!(
        all.iter().any(|(s, c)| s.contains("verifiableCredential")
            && c.id == "ob3.status"
            && c.verdict == Verdict::Fail),
        "the bundled badge is revoked"
    );
    // the old list (a cache elsewhere) still says active: the change is in the list itself
    assert_active(
        &verify(ob.to_string().as_bytes(), &base, &before),
        "OB JSON, old list",
    );

    // idempotent: same index, nothing changes (the first reason stays)
    let r = revoke(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"credentialId": ob["id"], "reason": "another reason"}),
    );
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    assert_eq!(v["statusListIndex"], json!(i_ob.to_string()));
    assert_eq!(v["alreadyRevoked"], true);
    assert_eq!(v["reason"], "issued in error");
    assert_eq!(get_list(&base).0, after, "nothing to sign again");

    // unknown ids and bad bodies
    let r = revoke(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"credentialId": "urn:uuid:00000000-0000-4000-8000-000000000000"}),
    );
    assert_eq!(r.status(), 404);
    for body in [
        json!({}),
        json!({"credentialId": 7}),
        json!({"credentialId": ""}),
    ] {
        let r = revoke(&base, Some(DEMO_ADMIN_TOKEN), body.clone());
        assert_eq!(r.status(), 400, "{body}");
    }
    let r = revoke(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"credentialId": jwt_cred["id"], "reason": 5}),
    );
    assert_eq!(r.status(), 400);
    assert!(
        !bit(&bits(&get_list(&base).0), i_jwt),
        "nothing revoked by a bad body"
    );

    // the VC-JWT form is revoked the same way
    let r = revoke(
        &base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"credentialId": jwt_cred["id"]}),
    );
    assert_eq!(r.status(), 200);
    let (l3, _, _) = get_list(&base);
    assert_revoked(&verify(jws.as_bytes(), &base, &l3), "OB VC-JWT");
    assert_active(
        &verify(clr.to_string().as_bytes(), &base, &l3),
        "CLR, never revoked",
    );
}

#[test]
fn revoke_without_the_admin_token_changes_nothing() {
    let hub = common::start();
    let base = hub.base.clone();
    let h = hub.running.as_ref().unwrap().hub.clone();
    let awards = h
        .store
        .awards(h.store.learner_by_email(DEMO_EMAIL).unwrap().unwrap().id)
        .unwrap();
    let id = awards[0].credential_id.clone();
    let (before, _, _) = get_list(&base);

    for token in [None, Some("wrong"), Some("")] {
        let r = revoke(&base, token, json!({"credentialId": id}));
        assert_eq!(r.status(), 401, "{token:?}");
        assert!(r.headers().contains_key("www-authenticate"));
    }
    // a Basic header with the right secret is not a bearer token
    let r = common::http()
        .post(format!("{base}/admin/revoke"))
        .basic_auth(DEMO_ADMIN_TOKEN, None::<&str>)
        .json(&json!({"credentialId": id}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(!h.store.status_entry(&id).unwrap().unwrap().revoked);
    let (after, _, _) = get_list(&base);
    assert_eq!(after, before, "the list is unchanged");
    assert!(bits(&after).iter().all(|b| *b == 0));
    let signed = &awards[0].signed;
    assert_active(&verify(signed.as_bytes(), &base, &after), "still active");

    // a hub without an admin token has no admin API at all
    let off = common::start_with(|c| c.demo = false);
    let r = revoke(
        &off.base,
        Some(DEMO_ADMIN_TOKEN),
        json!({"credentialId": id}),
    );
    assert_eq!(r.status(), 403);
}

#[test]
fn indexes_are_distinct_and_not_in_issue_order() {
    let hub = common::start();
    let base = hub.base.clone();
    let h = hub.running.as_ref().unwrap().hub.clone();
    let mut ob_order = Vec::new();
    let mut all = Vec::new();
    for n in 0..50 {
        let email = format!("student{n}@example.org");
        let learner = h
            .store
            .add_learner(&email, "student-password", None)
            .unwrap();
        let format = if n % 2 == 0 { "json" } else { "jwt" };
        let r = common::http()
            .post(format!("{base}/admin/results"))
            .bearer_auth(DEMO_ADMIN_TOKEN)
            .json(&json!({"learner": email, "satisfied": DT3, "format": format}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().unwrap();
        let id = v["issued"][0]["credentialId"].as_str().unwrap().to_owned();
        // the credential as stored (what getCredentials serves)
        let (rows, _) = h.store.credentials(learner, "ob", None, 10, 0).unwrap();
        assert_eq!(rows.len(), 1);
        let cred = if rows[0].format == "jws" {
            jwt_payload(&rows[0].body)
        } else {
            serde_json::from_str(&rows[0].body).unwrap()
        };
        assert_eq!(cred["id"], json!(id));
        let i = entry_index(&cred, &base);
        assert_eq!(
            h.store.status_entry(&id).unwrap().unwrap().index,
            i,
            "recorded with the credential"
        );
        ob_order.push(i);
        all.push(i);
        let (clrs, _) = h.store.credentials(learner, "clr", None, 10, 0).unwrap();
        let clr: Value = serde_json::from_str(&clrs[0].body).unwrap();
        all.push(entry_index(&clr, &base));
    }
    let mut d = all.clone();
    d.sort();
    d.dedup();
    assert_eq!(d.len(), 100, "100 credentials, 100 distinct indexes");
    assert!(all.iter().all(|i| *i < 131_072));
    let ascending = ob_order.windows(2).all(|w| w[0] < w[1]);
    let descending = ob_order.windows(2).all(|w| w[0] > w[1]);
    assert!(
        !ascending && !descending,
        "indexes follow issue order: {ob_order:?}"
    );
    // spread over the list, not a block next to the first one
    let span = d[d.len() - 1] - d[0];
    assert!(span > 16_384, "indexes packed in {span} entries: {d:?}");
    // neighbours in issue order are not neighbours in the list
    let adjacent = ob_order
        .windows(2)
        .filter(|w| w[0].abs_diff(w[1]) <= 8)
        .count();
    assert!(
        adjacent < 5,
        "{adjacent} consecutive issues sit side by side"
    );
}

#[test]
fn a_revocation_written_by_another_process_is_served() {
    let hub = common::start();
    let base = hub.base.clone();
    let h = hub.running.as_ref().unwrap().hub.clone();
    let learner = h.store.learner_by_email(DEMO_EMAIL).unwrap().unwrap();
    let award = h.store.awards(learner.id).unwrap()[0].clone();
    let cred: Value = serde_json::from_str(&award.signed).unwrap();
    let i = entry_index(&cred, &base);
    let (before, _, _) = get_list(&base);
    assert!(!bit(&bits(&before), i));

    // what `wellspring hub revoke --db FILE` does: its own connection to the same file
    let other = wellspring_hub::store::Store::open(h.store.path()).unwrap();
    let r = other
        .revoke(&award.credential_id, Some("by the registrar"))
        .unwrap()
        .expect("the hub issued it");
    assert_eq!(r.entry.index, i);
    assert!(!r.already);
    assert!(other.revoke("urn:uuid:unknown", None).unwrap().is_none());
    drop(other);

    let (after, _, _) = get_list(&base);
    assert!(bit(&bits(&after), i), "the running hub serves the new list");
    assert_revoked(&verify(award.signed.as_bytes(), &base, &after), "OB");
    let e = h.store.status_entry(&award.credential_id).unwrap().unwrap();
    assert_eq!(e.reason.as_deref(), Some("by the registrar"));
    assert!(e.revoked_at.is_some());
}
