//! The write API: upsertCredential (create, replace, preserve, JWS, malformed, scope) and putProfile.

use super::*;

/// A freshly signed credential for this run: (JSON credential, VC-JWT of another one).
pub fn upsert_payloads(standard: Standard) -> Result<(Value, String), String> {
    let key = keys::ed25519_from_seed(*b"wellspring provider suite key 01");
    let (did, vm) = keys::did_key_of(&key)?;
    let loader = ContextLoader::offline();
    let issuer = Profile::new(did.clone()).with_name("Wellspring Conformance Harness");
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let ob = |label: &str| -> Value {
        let a = Achievement::new(
            uuid_urn(),
            format!("Wellspring Provider Test Badge ({label})"),
            "A badge the Wellspring harness upserted to certify a Service Provider.",
            "Be upserted by the Wellspring conformance harness.",
        );
        let s = AchievementSubject::new("did:example:wellspring-provider-learner", a);
        let mut c = Credential::new_ob(uuid_urn(), issuer.clone(), s, &now);
        c.name = Some(format!("Wellspring Provider Test Badge ({label})"));
        c.to_value()
    };
    let sign = |v: &Value| di::sign(v, &key, &vm, &now, &loader);
    let (json_cred, jwt_source) = match standard {
        Standard::Ob30 => (sign(&ob("json"))?, ob("jwt")),
        Standard::Clr20 => {
            let clr = |label: &str| -> Result<Value, String> {
                let inner = sign(&ob(label))?;
                let c = Credential::new_clr(
                    uuid_urn(),
                    issuer.clone(),
                    ClrSubject::new("did:example:wellspring-provider-learner", vec![inner]),
                    &now,
                    format!("Wellspring Provider Test CLR ({label})"),
                );
                Ok(c.to_value())
            };
            (sign(&clr("json")?)?, clr("jwt")?)
        }
    };
    let jws = jwt::sign(
        &jwt_source,
        &key,
        "EdDSA",
        Some(&vm),
        false,
        jwt::PayloadForm::Direct,
    )?;
    Ok((json_cred, jws))
}

pub(super) fn uuid_urn() -> String {
    let x = random_hex(16);
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// JSON pointers of every leaf of `sent` that is missing or different in `got`.
pub fn lost_values(sent: &Value, got: &Value) -> Vec<(String, Value, Value)> {
    let mut out = Vec::new();
    fn walk(ptr: String, s: &Value, g: Option<&Value>, out: &mut Vec<(String, Value, Value)>) {
        match (s, g) {
            (Value::Object(so), Some(Value::Object(go))) => {
                for (k, v) in so {
                    let p = format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1"));
                    walk(p, v, go.get(k), out);
                }
            }
            (Value::Array(sa), Some(Value::Array(ga))) if sa.len() == ga.len() => {
                for (i, v) in sa.iter().enumerate() {
                    walk(format!("{ptr}/{i}"), v, ga.get(i), out);
                }
            }
            (s, Some(g)) if s == g => {}
            (s, g) => out.push((ptr, s.clone(), g.cloned().unwrap_or(Value::Null))),
        }
    }
    walk(String::new(), sent, Some(got), &mut out);
    out
}

pub(super) fn post_credential(
    r: &Run,
    token: &str,
    ctype: &str,
    body: Vec<u8>,
) -> Result<Response, String> {
    r.c.send(
        "POST",
        &r.url("/credentials"),
        vec![
            ("Authorization".into(), format!("Bearer {token}")),
            ("Accept".into(), "application/json".into()),
        ],
        Body::Raw(ctype.to_owned(), body),
    )
    .map_err(|e| e.0)
}

/// The write checks, one function per check.
pub(super) fn write_checks(r: &mut Run, main: Option<&Grant>, narrow: Option<&Grant>) {
    let d = r.api.defs;
    let Some(g) = main else {
        for x in [
            d.UPSERT_CREATE,
            d.UPSERT_REPLACE,
            d.UPSERT_PRESERVE,
            d.UPSERT_JWS,
            d.UPSERT_MALFORMED,
            d.UPSERT_SCOPE,
            d.PROFILE_PUT,
            d.PROFILE_PUT_MALFORMED,
        ] {
            let m = r.start(x);
            r.done(
                m,
                CheckResult::new(&x, Verdict::Fail, "no access token (see token)"),
            );
        }
        return;
    };
    let token = g.access.clone();
    let (cred, jws) = match upsert_payloads(r.api.standard) {
        Ok(x) => x,
        Err(e) => {
            for x in [
                d.UPSERT_CREATE,
                d.UPSERT_REPLACE,
                d.UPSERT_PRESERVE,
                d.UPSERT_JWS,
            ] {
                r.skip(
                    x,
                    &format!("the harness could not sign its credential: {e}"),
                );
            }
            (Value::Null, String::new())
        }
    };
    if !cred.is_null() {
        let bytes = serde_json::to_vec(&cred).unwrap_or_default();
        check_upsert_create(r, &token, &cred, bytes.clone());
        check_upsert_replace(r, &token, bytes);
        check_upsert_preserve(r, &token, &cred);
        check_upsert_jws(r, &token, &jws);
    }
    check_upsert_malformed(r, &token);
    match narrow {
        None => r.skip(
            d.UPSERT_SCOPE,
            "no token with a narrower scope (OAuth flow not run)",
        ),
        Some(n) => check_upsert_scope(r, n, &cred),
    }
    check_profile_put(r, &token);
    check_profile_put_malformed(r, &token);
}

/// upsert-create: a new credential is answered 201 and echoed.
fn check_upsert_create(r: &mut Run, token: &str, cred: &Value, bytes: Vec<u8>) {
    let d = r.api.defs;
    let m = r.start(d.UPSERT_CREATE);
    let res = match post_credential(r, token, "application/json", bytes) {
        Err(e) => CheckResult::new(&d.UPSERT_CREATE, Verdict::Fail, e),
        Ok(x) => {
            let mut p = Vec::new();
            if x.status != 201 {
                p.push(format!(
                    "answered {} (201 expected for a new credential)",
                    x.status
                ));
            }
            match x.json() {
                Ok(v) if v.get("id") == cred.get("id") => {}
                Ok(_) => p.push("the response does not echo the credential sent".into()),
                Err(e) => p.push(format!("response: {e}")),
            }
            result(d.UPSERT_CREATE, p, "201, echoed")
        }
    };
    r.done(m, res);
}

/// upsert-replace: the same credential again is answered 200.
fn check_upsert_replace(r: &mut Run, token: &str, bytes: Vec<u8>) {
    let d = r.api.defs;
    let m = r.start(d.UPSERT_REPLACE);
    let res = match post_credential(r, token, "application/json", bytes) {
        Err(e) => CheckResult::new(&d.UPSERT_REPLACE, Verdict::Fail, e),
        Ok(x) if x.status == 200 => {
            CheckResult::new(&d.UPSERT_REPLACE, Verdict::Pass, "200, replaced")
        }
        Ok(x) => CheckResult::new(
            &d.UPSERT_REPLACE,
            Verdict::Fail,
            format!(
                "answered {} (200 expected for an existing credential)",
                x.status
            ),
        ),
    };
    r.done(m, res);
}

/// upsert-preserve: getCredentials returns the upserted credential with every value unchanged.
fn check_upsert_preserve(r: &mut Run, token: &str, cred: &Value) {
    let d = r.api.defs;
    let m = r.start(d.UPSERT_PRESERVE);
    let sent: Option<Credential> = Credential::from_value(cred.clone()).ok();
    let mut found: Option<Value> = None;
    let err = walk_pages(r, token, |l| {
        for c in &l.json {
            let same = match (&sent, Credential::from_value(c.clone()).ok()) {
                (Some(a), Some(b)) => wellspring_model::same_credential(a, &b),
                _ => false,
            };
            if same {
                found = Some(c.clone());
            }
        }
        found.is_some()
    })
    .err();
    let res = match (found, err) {
        (Some(got), _) => preserved(d.UPSERT_PRESERVE, cred, &got),
        (None, Some(e)) => CheckResult::new(&d.UPSERT_PRESERVE, Verdict::Fail, e),
        (None, None) => CheckResult::new(
            &d.UPSERT_PRESERVE,
            Verdict::Fail,
            "the upserted credential is not returned by getCredentials (same issuer id and id)",
        ),
    };
    r.done(m, res);
}

/// The verdict on a credential read back: pass when no value of `cred` was lost or changed.
fn preserved(def: CheckDef, cred: &Value, got: &Value) -> CheckResult {
    let lost = lost_values(cred, got);
    if lost.is_empty() {
        return CheckResult::new(
            &def,
            Verdict::Pass,
            "read back equal, every property unchanged",
        );
    }
    let mut res = CheckResult::new(
        &def,
        Verdict::Fail,
        format!("{} value(s) lost or changed", lost.len()),
    );
    for (ptr, s, g) in lost.into_iter().take(50) {
        res = res.at(&ptr, "sent / returned", json!({"sent": s, "returned": g}));
    }
    res
}

/// upsert-jws: a compact JWS is accepted, echoed and read back byte for byte.
fn check_upsert_jws(r: &mut Run, token: &str, jws: &str) {
    let d = r.api.defs;
    let m = r.start(d.UPSERT_JWS);
    let res = match post_credential(r, token, "text/plain", jws.as_bytes().to_vec()) {
        Err(e) => CheckResult::new(&d.UPSERT_JWS, Verdict::Fail, e),
        Ok(x) if x.status == 200 || x.status == 201 => jws_read_back(r, token, jws, &x),
        Ok(x) => CheckResult::new(
            &d.UPSERT_JWS,
            Verdict::Fail,
            format!("answered {} (201 expected)", x.status),
        ),
    };
    r.done(m, res);
}

/// The JWS was accepted (`x`): getCredentials must return it byte for byte.
fn jws_read_back(r: &Run, token: &str, jws: &str, x: &Response) -> CheckResult {
    let d = r.api.defs;
    let mut back = false;
    let walked = walk_pages(r, token, |l| {
        back = l.jws.iter().any(|j| j == jws);
        back
    });
    match (back, walked) {
        (false, Err(e)) => CheckResult::new(&d.UPSERT_JWS, Verdict::Fail, format!("{}, but it could not be read back: {e}", x.status)),
        (false, Ok(_)) => CheckResult::new(
            &d.UPSERT_JWS,
            Verdict::Fail,
            format!("{}, but getCredentials does not return the compact JWS byte for byte (compactJwsString)", x.status),
        ),
        (true, _) if x.text().trim() == jws => CheckResult::new(
            &d.UPSERT_JWS,
            Verdict::Pass,
            format!("{}, echoed, read back byte for byte", x.status),
        ),
        (true, _) => CheckResult::new(
            &d.UPSERT_JWS,
            Verdict::Warn,
            format!("{}, read back byte for byte, but the body does not echo the compact JWS", x.status),
        ),
    }
}

/// upsert-malformed: malformed JSON is answered 400 with imsx_StatusInfo.
fn check_upsert_malformed(r: &mut Run, token: &str) {
    let d = r.api.defs;
    let m = r.start(d.UPSERT_MALFORMED);
    let res = match post_credential(r, token, "application/json", b"{\"@context\": [".to_vec()) {
        Err(e) => CheckResult::new(&d.UPSERT_MALFORMED, Verdict::Fail, e),
        Ok(x) if x.status == 400 => result(
            d.UPSERT_MALFORMED,
            r.imsx_problems(&x),
            "400 with imsx_StatusInfo",
        ),
        Ok(x) => CheckResult::new(
            &d.UPSERT_MALFORMED,
            Verdict::Fail,
            format!("answered {} (400 expected)", x.status),
        ),
    };
    r.done(m, res);
}

/// upsert-scope: a token without credential.upsert is answered 403.
fn check_upsert_scope(r: &mut Run, n: &Grant, cred: &Value) {
    let d = r.api.defs;
    let m = r.start(d.UPSERT_SCOPE);
    let body = if cred.is_null() {
        b"{}".to_vec()
    } else {
        serde_json::to_vec(cred).unwrap_or_default()
    };
    let res = match post_credential(r, &n.access, "application/json", body) {
        Err(e) => CheckResult::new(&d.UPSERT_SCOPE, Verdict::Fail, e),
        Ok(x) if x.status == 403 => CheckResult::new(
            &d.UPSERT_SCOPE,
            Verdict::Pass,
            "403 without credential.upsert",
        ),
        Ok(x) => CheckResult::new(
            &d.UPSERT_SCOPE,
            Verdict::Fail,
            format!(
                "answered {} with a profile.readonly token (403 expected)",
                x.status
            ),
        ),
    };
    r.done(m, res);
}

/// profile-put: the profile read back and put unchanged is answered 200 (a valid Profile) or 202.
fn check_profile_put(r: &mut Run, token: &str) {
    let d = r.api.defs;
    let m = r.start(d.PROFILE_PUT);
    let current =
        r.c.get(&r.url("/profile"), Some(token))
            .ok()
            .filter(|x| x.status == 200)
            .and_then(|x| x.json().ok());
    let res = match current {
        None => CheckResult::new(
            &d.PROFILE_PUT,
            Verdict::Fail,
            "could not read the profile to put it back",
        ),
        Some(p) => match r.c.send(
            "PUT",
            &r.url("/profile"),
            vec![("Authorization".into(), format!("Bearer {token}"))],
            Body::Json(p),
        ) {
            Err(e) => CheckResult::new(&d.PROFILE_PUT, Verdict::Fail, e.0),
            Ok(x) if x.status == 200 => {
                let v = x.json().unwrap_or(Value::Null);
                result(
                    d.PROFILE_PUT,
                    schema_problems(r.api.profile_schema, &v),
                    "200 with a valid Profile",
                )
            }
            Ok(x) if x.status == 202 => {
                CheckResult::new(&d.PROFILE_PUT, Verdict::Pass, "202 accepted")
            }
            Ok(x) => CheckResult::new(
                &d.PROFILE_PUT,
                Verdict::Fail,
                format!("answered {} (200 or 202 expected)", x.status),
            ),
        },
    };
    r.done(m, res);
}

/// profile-put-malformed: a malformed profile body is answered 400.
fn check_profile_put_malformed(r: &mut Run, token: &str) {
    let d = r.api.defs;
    let m = r.start(d.PROFILE_PUT_MALFORMED);
    let res = match r.c.send(
        "PUT",
        &r.url("/profile"),
        vec![("Authorization".into(), format!("Bearer {token}"))],
        Body::Raw("application/json".into(), b"[1, 2".to_vec()),
    ) {
        Err(e) => CheckResult::new(&d.PROFILE_PUT_MALFORMED, Verdict::Fail, e.0),
        Ok(x) if x.status == 400 => {
            CheckResult::new(&d.PROFILE_PUT_MALFORMED, Verdict::Pass, "400")
        }
        Ok(x) => CheckResult::new(
            &d.PROFILE_PUT_MALFORMED,
            Verdict::Fail,
            format!("answered {} (400 expected)", x.status),
        ),
    };
    r.done(m, res);
}

// ---------- refresh, revoke, expiry ----------

/// Walks getCredentials page by page (`limit=100`, then `Link: rel="next"`, at most 100
/// pages) until `stop` says the listing so far has what it looks for: Ok(whether it stopped).
fn walk_pages(
    r: &Run,
    token: &str,
    mut stop: impl FnMut(&Listing) -> bool,
) -> Result<bool, String> {
    let mut url = Some(format!("{}?limit=100", r.url("/credentials")));
    let mut pages = 0;
    while let Some(u) = url.take() {
        pages += 1;
        if pages > 100 {
            break;
        }
        let x = r.c.get(&u, Some(token)).map_err(|e| e.0)?;
        if x.status != 200 {
            return Err(format!("getCredentials answered {}", x.status));
        }
        let l = x.json().map(|v| listing(&v)).unwrap_or_default();
        if stop(&l) {
            return Ok(true);
        }
        url = next_link(&x);
    }
    Ok(false)
}
