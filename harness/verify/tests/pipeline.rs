//! End-to-end checks of the pipeline on credentials signed here with real keys.

use serde_json::{json, Value};
use wellspring_verify::{
    baked, di, jwt, keys, loader::ContextLoader, status, verify_bytes, Options, Verdict,
};

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn issuer_key() -> (ssi_jwk::JWK, String, String) {
    let k = keys::ed25519_from_seed([7; 32]);
    let (did, vm) = keys::did_key_of(&k).unwrap();
    (k, did, vm)
}

fn credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2f0c5a4e-7c1b-4f8e-9a3d-1b2c3d4e5f60",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Wellspring Test College"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Diesel Engine Basics",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject", "hashed": true, "identityType": "emailAddress", "salt": "pepper",
                "identityHash": format!("sha256${}", hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"learner@example.orgpepper")))
            }],
            "achievement": {
                "id": "https://example.org/achievements/diesel-1", "type": ["Achievement"],
                "name": "Diesel Engine Basics", "description": "Knows the four strokes.",
                "criteria": {"narrative": "Pass the shop assessment."}
            }
        }
    })
}

fn signed() -> Value {
    let (k, did, vm) = issuer_key();
    di::sign(
        &credential(&did),
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap()
}

fn run(v: &Value, opts: &Options) -> wellspring_verify::DocReport {
    verify_bytes("t", serde_json::to_string(v).unwrap().as_bytes(), opts)
}

fn verdict(r: &wellspring_verify::DocReport, id: &str) -> Verdict {
    r.find(id)
        .unwrap_or_else(|| panic!("no {id} in {r:#?}"))
        .verdict
}

#[test]
fn self_signed_did_key_credential_verifies() {
    let r = run(&signed(), &Options::offline(now()));
    assert!(r.passed(), "{r:#?}");
    assert_eq!(verdict(&r, "ob3.proof.eddsa-rdfc-2022"), Verdict::Pass);
    assert_eq!(verdict(&r, "ob3.proof.controller"), Verdict::Pass);
}

#[test]
fn tampering_swapping_issuer_and_wrong_key_fail_the_proof() {
    let mut t = signed();
    t["credentialSubject"]["achievement"]["name"] = "Master Mechanic".into();
    let r = run(&t, &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.proof.eddsa-rdfc-2022"), Verdict::Fail);
    // The failure shows every intermediate value.
    let c = r.find("ob3.proof.eddsa-rdfc-2022").unwrap();
    assert!(c
        .evidence
        .iter()
        .any(|e| e.label.starts_with("canonical document")));

    let mut swapped = signed();
    swapped["issuer"]["id"] = "did:example:someone-else".into();
    let r = run(&swapped, &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.proof.eddsa-rdfc-2022"), Verdict::Fail);

    // Signed with another key but claiming the issuer's verification method.
    let (_, did, vm) = issuer_key();
    let other = keys::ed25519_from_seed([9; 32]);
    let forged = di::sign(
        &credential(&did),
        &other,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    assert_eq!(
        verdict(
            &run(&forged, &Options::offline(now())),
            "ob3.proof.eddsa-rdfc-2022"
        ),
        Verdict::Fail
    );

    // Validly signed by a key the issuer does not control.
    let (_, other_did, other_vm) = (
        other.clone(),
        keys::did_key_of(&other).unwrap().0,
        keys::did_key_of(&other).unwrap().1,
    );
    let _ = other_did;
    let by_other = di::sign(
        &credential(&did),
        &other,
        &other_vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let r = run(&by_other, &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.proof.eddsa-rdfc-2022"), Verdict::Pass);
    // conforms, but the issuer is not authenticated: a warning by default, a failure for a
    // relying party
    assert_eq!(verdict(&r, "ob3.proof.controller"), Verdict::Warn);
    assert!(!r.authenticated());
    let r = run(&by_other, &Options::offline(now()).strict());
    assert_eq!(verdict(&r, "ob3.proof.controller"), Verdict::Fail);
}

#[test]
fn validly_signed_but_schema_invalid_is_invalid() {
    let (k, did, vm) = issuer_key();
    let mut c = credential(&did);
    c["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("criteria");
    let s = di::sign(
        &c,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let r = run(&s, &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.proof.eddsa-rdfc-2022"), Verdict::Pass);
    assert_eq!(verdict(&r, "ob3.schema"), Verdict::Fail);
    let msg = &r.find("ob3.schema").unwrap().message;
    assert!(
        msg.contains("criteria") && msg.contains("/credentialSubject/achievement"),
        "{msg}"
    );
    assert!(!r.passed());
}

#[test]
fn vc_jwt_all_algs_both_payload_forms() {
    let (_, did, _) = issuer_key();
    let cred = credential(&did);
    let ed = keys::ed25519_from_seed([7; 32]);
    let ec = keys::p256_from_seed([3; 32]).unwrap();
    let rsa = keys::rsa2048_from_seed([5; 32]).unwrap();
    for (key, alg) in [(&ed, "EdDSA"), (&ec, "ES256"), (&rsa, "RS256")] {
        for form in [jwt::PayloadForm::Direct, jwt::PayloadForm::VcClaim] {
            // Key named by the issuer's did:key for EdDSA; inline jwk for the others.
            let (kid, embed) = if alg == "EdDSA" {
                (Some(keys::did_key_of(key).unwrap().1), false)
            } else {
                (None, true)
            };
            let token = jwt::sign(&cred, key, alg, kid.as_deref(), embed, form).unwrap();
            let r = verify_bytes("t.jwt", token.as_bytes(), &Options::offline(now()));
            assert!(r.passed(), "{alg} {form:?}: {r:#?}");
            assert_eq!(verdict(&r, "ob3.proof.vc-jwt"), Verdict::Pass);
            assert_eq!(verdict(&r, "ob3.proof.vc-jwt.claims"), Verdict::Pass);
            // Changing the payload after signing breaks the signature.
            let parts: Vec<&str> = token.split('.').collect();
            let mut other = cred.clone();
            other["name"] = "Changed".into();
            let forged_payload = jwt::sign(&other, key, alg, kid.as_deref(), embed, form).unwrap();
            let forged = format!(
                "{}.{}.{}",
                parts[0],
                forged_payload.split('.').nth(1).unwrap(),
                parts[2]
            );
            let r = verify_bytes("t.jwt", forged.as_bytes(), &Options::offline(now()));
            assert_eq!(
                verdict(&r, "ob3.proof.vc-jwt"),
                Verdict::Fail,
                "{alg} {form:?}"
            );
        }
    }
}

#[test]
fn jwt_alg_none_and_hs256_are_refused() {
    use base64::Engine;
    let (_, did, _) = issuer_key();
    let enc = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    for alg in ["none", "HS256"] {
        let token = format!(
            "{}.{}.{}",
            enc(&json!({"alg": alg, "typ": "JWT"})),
            enc(&credential(&did)),
            "c2ln"
        );
        let r = verify_bytes("t.jwt", token.as_bytes(), &Options::offline(now()));
        let c = r.find("ob3.proof.vc-jwt").unwrap();
        assert_eq!(c.verdict, Verdict::Fail);
        assert!(c.message.contains("not allowed"), "{}", c.message);
    }
}

#[test]
fn baked_png_and_svg_round_trip_and_corrupt_png_fails() {
    let text = serde_json::to_string(&signed()).unwrap();
    let png = baked::bake_png(&text, 16, [200, 100, 0]).unwrap();
    let r = verify_bytes("b.png", &png, &Options::offline(now()));
    assert!(r.passed(), "{r:#?}");
    assert_eq!(verdict(&r, "ob3.baked.png"), Verdict::Pass);
    let svg = baked::bake_svg(&text);
    let r = verify_bytes("b.svg", svg.as_bytes(), &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.baked.svg"), Verdict::Pass);
    assert!(r.passed());
    let mut bad = png.clone();
    let i = bad.windows(4).position(|w| w == b"iTXt").unwrap();
    bad[i + 10] ^= 0xff; // inside the chunk: the CRC no longer matches
    let r = verify_bytes("b.png", &bad, &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.baked.png"), Verdict::Fail);
}

#[test]
fn validity_window_and_recipient() {
    let (k, did, vm) = issuer_key();
    let sign = |c: &Value| {
        di::sign(
            c,
            &k,
            &vm,
            "2025-01-01T00:00:00Z",
            &ContextLoader::offline(),
        )
        .unwrap()
    };
    let mut c = credential(&did);
    c["validUntil"] = "2025-06-01T00:00:00Z".into();
    assert_eq!(
        verdict(
            &run(&sign(&c), &Options::offline(now())),
            "ob3.validity.valid-until"
        ),
        Verdict::Fail
    );
    let mut c = credential(&did);
    c["validFrom"] = "2027-01-01T00:00:00Z".into();
    assert_eq!(
        verdict(
            &run(&sign(&c), &Options::offline(now())),
            "ob3.validity.valid-from"
        ),
        Verdict::Fail
    );

    let mut o = Options::offline(now());
    o.recipient = Some("email:learner@example.org".parse().unwrap());
    assert_eq!(verdict(&run(&signed(), &o), "ob3.recipient"), Verdict::Pass);
    o.recipient = Some("email:someone@example.org".parse().unwrap());
    assert_eq!(verdict(&run(&signed(), &o), "ob3.recipient"), Verdict::Fail);
}

#[test]
fn status_is_tri_state() {
    let (k, did, vm) = issuer_key();
    let mut c = credential(&did);
    c["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json".into());
    c["credentialStatus"] =
        json!({"id": "https://example.org/revocations", "type": "1EdTechRevocationList"});
    let s = di::sign(
        &c,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let mut o = Options::offline(now());
    assert_eq!(
        verdict(&run(&s, &o), "ob3.status"),
        Verdict::Warn,
        "offline: unknown (a caveat), never a pass"
    );
    o.status_files.insert(
        "https://example.org/revocations".into(),
        json!({"revokedCredential": [{"id": c["id"], "revoked": true}]}).to_string(),
    );
    assert_eq!(verdict(&run(&s, &o), "ob3.status"), Verdict::Fail);
    o.status_files.insert(
        "https://example.org/revocations".into(),
        json!({"revokedCredential": []}).to_string(),
    );
    assert_eq!(verdict(&run(&s, &o), "ob3.status"), Verdict::Pass);

    // Bitstring status list, signed by the issuer: bit 3 set.
    let bits = {
        let mut b = vec![0u8; status::MIN_LIST_BITS / 8];
        b[0] = 0b0001_0000;
        b
    };
    let list = status_list(&did, &k, &vm, &bits);
    let mut c2 = credential(&did);
    c2["credentialStatus"] = json!({"id": "https://example.org/sl#3", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "3", "statusListCredential": "https://example.org/sl"});
    let s2 = di::sign(
        &c2,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let mut o = Options::offline(now());
    o.status_files
        .insert("https://example.org/sl".into(), list.to_string());
    assert_eq!(verdict(&run(&s2, &o), "ob3.status"), Verdict::Fail);
    c2["credentialStatus"]["statusListIndex"] = "4".into();
    let s3 = di::sign(
        &c2,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    assert_eq!(verdict(&run(&s3, &o), "ob3.status"), Verdict::Pass);
}

#[test]
fn contexts_unknown_and_undefined_terms() {
    let (k, did, vm) = issuer_key();
    let mut c = credential(&did);
    c["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://evil.example/context.json".into());
    let r = run(&c, &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.context.known"), Verdict::Fail);

    // VC 1.1 has no @vocab: an undefined term would be dropped from the signature.
    let mut c = credential(&did);
    c["@context"] = json!([
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    ]);
    c["issuanceDate"] = c["validFrom"].take();
    c.as_object_mut().unwrap().remove("validFrom");
    c["sneaky"] = "dropped".into();
    let r = run(&c, &Options::offline(now()));
    let t = r.find("ob3.context.terms").unwrap();
    assert_eq!(t.verdict, Verdict::Fail);
    assert!(t.message.contains("sneaky"), "{}", t.message);

    // VC 2.0 (the published context has no @vocab): the same.
    let mut c = credential(&did);
    c["sneaky"] = "dropped".into();
    assert_eq!(
        verdict(&run(&c, &Options::offline(now())), "ob3.context.terms"),
        Verdict::Fail
    );
    // And signing refuses to sign a document whose terms would be dropped.
    assert!(di::sign(
        &c,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline()
    )
    .is_err());
}

/// A credential larger than we canonicalize is refused while it is expanded: its terms were
/// not all looked at, so the terms check does not pass it (skip, saying why), whether or not
/// it also holds an undefined term; the proof check fails it. Below the limit, the undefined
/// term is found.
#[test]
fn a_credential_refused_during_expansion_is_not_said_to_define_every_term() {
    let (_, did, _) = issuer_key();
    let mut c = signed();
    let names: Vec<String> = (0..25_000).map(|i| format!("name {i}")).collect();
    c["credentialSubject"]["achievement"]["name"] = names.into();
    c["credentialSubject"]["sneaky"] = "dropped".into();
    let r = run(&c, &Options::offline(now()));
    let t = r.find("ob3.context.terms").unwrap();
    assert_eq!(t.verdict, Verdict::Skip, "{}", t.message);
    assert!(t.message.contains("stopped at its budget"), "{}", t.message);
    assert_eq!(verdict(&r, "ob3.proof.eddsa-rdfc-2022"), Verdict::Fail);
    let mut c = credential(&did);
    c["credentialSubject"]["sneaky"] = "dropped".into();
    let r = run(&c, &Options::offline(now()));
    assert_eq!(verdict(&r, "ob3.context.terms"), Verdict::Fail);
}

#[test]
fn hostile_inputs_fail_cleanly() {
    let o = Options::offline(now());
    for bad in [
        &b"{"[..],
        b"[]",
        b"null",
        b"\xff\xfe",
        b"{\"type\": 5}",
        b"aaaa.bbbb.cccc",
        b"<svg><x/></svg>",
        b"\x89PNG\r\n\x1a\nxx",
    ] {
        let r = verify_bytes("bad", bad, &o);
        assert!(!r.passed(), "{:?}", String::from_utf8_lossy(bad));
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = verify_bytes("deep", deep.as_bytes(), &o);
    assert_eq!(verdict(&r, "ob3.parse.json"), Verdict::Fail);
    // Millions of values are refused before they are parsed (one 14 MB array took 3.6 GB).
    let many = format!(
        "{{\"a\":[{}0]}}",
        "0,".repeat(wellspring_verify::MAX_JSON_VALUES)
    );
    let r = verify_bytes("many", many.as_bytes(), &o);
    let p = r.find("ob3.parse.json").unwrap();
    assert_eq!(p.verdict, Verdict::Fail);
    assert!(
        p.message.contains("more than 500000 values"),
        "{}",
        p.message
    );
    let mut small = Options::offline(now());
    small.max_bytes = 10;
    let r = verify_bytes("big", &[b' '; 11], &small);
    assert_eq!(verdict(&r, "ob3.parse.json"), Verdict::Fail);
}

#[test]
fn a_presentation_needs_the_base_context_first_signed_or_not() {
    // Found by `wellspring fuzz`: an unsigned presentation with its contexts rotated was accepted.
    let opts = Options::offline(now());
    let vp = |ctx: Value| {
        json!({
            "@context": ctx,
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [signed()]
        })
    };
    let good = run(&vp(json!(["https://www.w3.org/ns/credentials/v2"])), &opts);
    assert_eq!(
        verdict(&good, "ob3.context.base"),
        Verdict::Pass,
        "{good:#?}"
    );
    assert!(good.passed(), "{good:#?}");
    let rotated = run(
        &vp(json!([
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://www.w3.org/ns/credentials/v2"
        ])),
        &opts,
    );
    assert_eq!(verdict(&rotated, "ob3.context.base"), Verdict::Fail);
    assert!(!rotated.passed());
}

/// A BitstringStatusListCredential (revocation) of `bits`, issued by `issuer` and signed by `key`.
fn status_list(issuer: &str, key: &wellspring_verify::keys::Jwk, vm: &str, bits: &[u8]) -> Value {
    let list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://example.org/sl",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "https://example.org/sl#list", "type": "BitstringStatusList",
            "statusPurpose": "revocation", "encodedList": status::encode_list(bits)}
    });
    di::sign(
        &list,
        key,
        vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap()
}

/// A status list is believed only when it is authentic: issued and signed by the credential's
/// issuer, for the entry's purpose, unexpired, and long enough. Otherwise the status is not
/// checked (a warning and the caveat), never "revoked" or "active" on its word.
#[test]
fn a_status_list_is_believed_only_when_authentic() {
    let k = keys::ed25519_from_seed([7; 32]);
    let (did, vm) = keys::did_key_of(&k).unwrap();
    let other = keys::ed25519_from_seed([8; 32]);
    let (other_did, other_vm) = keys::did_key_of(&other).unwrap();
    let mut revoked_bits = vec![0u8; status::MIN_LIST_BITS / 8];
    revoked_bits[0] = 0b0001_0000;
    let mut c = credential(&did);
    c["credentialStatus"] = json!({"id": "https://example.org/sl#3", "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "3", "statusListCredential": "https://example.org/sl"});
    let signed = di::sign(
        &c,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let judge = |list: Value| {
        let mut o = Options::offline(now());
        o.status_files
            .insert("https://example.org/sl".into(), list.to_string());
        let r = run(&signed, &o);
        let m = r.find("ob3.status").unwrap().message.clone();
        (verdict(&r, "ob3.status"), m)
    };
    // authentic: the revocation is believed
    let good = status_list(&did, &k, &vm, &revoked_bits);
    assert_eq!(judge(good.clone()).0, Verdict::Fail);
    // unsigned
    let mut unsigned = good.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let (v, m) = judge(unsigned);
    assert_eq!(v, Verdict::Warn, "{m}");
    assert!(m.contains("no embedded proof"), "{m}");
    // altered after signing (the bit cleared by someone on the way)
    let mut altered = good.clone();
    altered["credentialSubject"]["encodedList"] =
        status::encode_list(&vec![0u8; status::MIN_LIST_BITS / 8]).into();
    let (v, m) = judge(altered);
    assert_eq!(v, Verdict::Warn, "{m}");
    assert!(m.contains("does not verify"), "{m}");
    // issued by someone else
    let (v, m) = judge(status_list(&other_did, &other, &other_vm, &revoked_bits));
    assert_eq!(v, Verdict::Warn, "{m}");
    assert!(m.contains("not by the credential's issuer"), "{m}");
    // naming the issuer but signed by another key
    let (v, m) = judge(status_list(&did, &other, &other_vm, &revoked_bits));
    assert_eq!(v, Verdict::Warn, "{m}");
    assert!(m.contains("not authentic"), "{m}");
    // another purpose
    let mut suspension = good.clone();
    suspension.as_object_mut().unwrap().remove("proof");
    suspension["credentialSubject"]["statusPurpose"] = "suspension".into();
    let suspension = di::sign(
        &suspension,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let (v, m) = judge(suspension);
    assert_eq!(v, Verdict::Warn, "{m}");
    assert!(m.contains("statusPurpose"), "{m}");
    // too short for herd privacy
    let (v, m) = judge(status_list(&did, &k, &vm, &[0b0001_0000, 0]));
    assert_eq!(v, Verdict::Warn, "{m}");
    assert!(m.contains("fewer than the 131072"), "{m}");
}

/// Endorsements are found wherever the data model allows them, including the achievements of a
/// ClrSubject (a list): a tampered endorsement on a CLR's achievement fails the endorsements
/// check instead of going unseen.
#[test]
fn endorsements_of_a_clr_achievement_are_verified() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors");
    let read = |f: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap()
    };
    let key: keys::Jwk = serde_json::from_value(read("keys/ed25519-issuer.priv.jwk.json")).unwrap();
    let (_, vm) = keys::did_key_of(&key).unwrap();
    let mut endorsement = read("valid/endorsement.eddsa.json");
    let with = |endorsement: &Value| {
        let mut clr = read("valid/clr.eddsa.json");
        clr.as_object_mut().unwrap().remove("proof");
        clr["credentialSubject"]["achievement"][0]["endorsement"] = json!([endorsement]);
        let signed = di::sign(
            &clr,
            &key,
            &vm,
            "2025-01-01T00:00:00Z",
            &ContextLoader::offline(),
        )
        .unwrap();
        let r = run(&signed, &Options::offline(now()));
        (verdict(&r, "ob3.endorsement"), r)
    };
    let (v, r) = with(&endorsement);
    assert_eq!(v, Verdict::Pass, "{r:#?}");
    assert!(
        r.nested.iter().any(|n| n
            .subject
            .ends_with("/credentialSubject/achievement/0/endorsement/0")),
        "{r:#?}"
    );
    endorsement["name"] = "changed after signing".into();
    let (v, _) = with(&endorsement);
    assert_eq!(v, Verdict::Fail);
}

/// An EnvelopedVerifiableCredential is read only as a VC-JWT in a data: URL; anything else in
/// one fails the presentation's credentials.
#[test]
fn an_enveloped_credential_must_be_a_vc_jwt_data_url() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors");
    let mut vp: Value = serde_json::from_slice(
        &std::fs::read(dir.join("valid/vp.enveloped-jwt.signed.eddsa.json")).unwrap(),
    )
    .unwrap();
    let o = Options::offline(now());
    assert_eq!(verdict(&run(&vp, &o), "vp.credentials"), Verdict::Pass);
    vp.as_object_mut().unwrap().remove("proof");
    let jws = vp["verifiableCredential"][0]["id"]
        .as_str()
        .unwrap()
        .split_once(',')
        .unwrap()
        .1
        .to_owned();
    for id in [
        format!("data:text/plain,{jws}"),
        format!("https://example.org/{}", &jws[..10]),
    ] {
        vp["verifiableCredential"][0]["id"] = id.clone().into();
        assert_eq!(
            verdict(&run(&vp, &o), "vp.credentials"),
            Verdict::Fail,
            "{id}"
        );
    }
}

/// One signed endorsement repeated thousands of times is refused on the work budget of
/// embedded credentials, not verified thousands of times; a few are verified as usual.
#[test]
fn embedded_credentials_have_a_work_budget() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/valid/");
    let endorsed: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}ob-endorsed.eddsa.json")).unwrap(),
    )
    .unwrap();
    let one = endorsed["endorsement"][0].clone();
    let opts = Options::offline(now());
    let with = |n: usize| {
        let mut v = endorsed.clone();
        v["endorsement"] = Value::Array(vec![one.clone(); n]);
        run(&v, &opts)
    };
    let few = with(3);
    let e = few.find("ob3.endorsement").unwrap();
    assert_eq!(e.verdict, Verdict::Pass, "{}", e.message);
    assert_eq!(few.nested.len(), 3);
    let many = with(1_100);
    let e = many.find("ob3.endorsement").unwrap();
    assert_eq!(e.verdict, Verdict::Fail);
    assert!(e.message.contains("work budget"), "{}", e.message);
    assert!(many.nested.is_empty());
    // the budget is per input: the next one starts afresh
    let again = with(3);
    assert_eq!(
        again.find("ob3.endorsement").unwrap().verdict,
        Verdict::Pass
    );
}
