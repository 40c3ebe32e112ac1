//! The service description (discovery) and the OAuth endpoints it names.

use super::*;

pub(super) fn check_discovery(r: &mut Run) -> Sdd {
    let d = r.api.defs.DISCOVERY;
    let m = r.start(d);
    let mut p = Vec::new();
    let mut sdd = Sdd::default();
    match r.c.get(&r.url("/discovery"), None) {
        Err(e) => p.push(e.0),
        Ok(resp) if resp.status != 200 => p.push(format!(
            "GET /discovery answered {} (it must not be protected)",
            resp.status
        )),
        Ok(resp) => match resp.json() {
            Err(e) => p.push(e),
            Ok(v) => {
                for ptr in [
                    "/openapi",
                    "/info/title",
                    "/info/version",
                    "/info/termsOfService",
                    "/info/x-imssf-privacyPolicyUrl",
                ] {
                    if v.pointer(ptr).is_none() {
                        p.push(format!("{ptr} missing"));
                    }
                }
                let s = v
                    .pointer("/components/securitySchemes/OAuth2ACG")
                    .cloned()
                    .unwrap_or(Value::Null);
                if s.is_null() {
                    p.push("/components/securitySchemes/OAuth2ACG missing".into());
                }
                let get = |ptr: &str| s.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
                sdd.registration = get("/x-imssf-registrationUrl");
                sdd.authorize = get("/flows/authorizationCode/authorizationUrl");
                sdd.token = get("/flows/authorizationCode/tokenUrl");
                sdd.refresh = get("/flows/authorizationCode/refreshUrl");
                if !s.is_null() && s.get("type").and_then(Value::as_str) != Some("oauth2") {
                    p.push("OAuth2ACG.type is not oauth2".into());
                }
                for (name, val) in [
                    ("x-imssf-registrationUrl", &sdd.registration),
                    ("authorizationUrl", &sdd.authorize),
                    ("tokenUrl", &sdd.token),
                ] {
                    if val.is_none() && !s.is_null() {
                        p.push(format!("OAuth2ACG {name} missing"));
                    }
                }
                if let Some(o) = s
                    .pointer("/flows/authorizationCode/scopes")
                    .and_then(Value::as_object)
                {
                    sdd.scopes = o.keys().cloned().collect();
                }
                for sc in [
                    "credential.readonly",
                    "credential.upsert",
                    "profile.readonly",
                    "profile.update",
                ] {
                    let full = r.api.scope(sc);
                    if !sdd.scopes.contains(&full) && !s.is_null() {
                        p.push(format!("scope {full} not offered"));
                    }
                }
            }
        },
    }
    let res = result(d, p, "service description complete");
    r.done(m, res);
    sdd
}

/// The SDD's endpoints, made absolute against the target.
pub(super) fn abs(r: &Run, u: &Option<String>) -> Option<String> {
    let u = u.as_ref()?;
    url::Url::parse(&r.base)
        .ok()?
        .join(u)
        .ok()
        .map(|x| x.to_string())
}

pub(super) fn endpoints(r: &Run, sdd: &Sdd) -> Option<oauth::Endpoints> {
    Some(oauth::Endpoints {
        authorize: abs(r, &sdd.authorize)?,
        token: abs(r, &sdd.token)?,
        refresh: abs(r, &sdd.refresh),
        revocation: r.o.revocation_url.clone(),
    })
}
