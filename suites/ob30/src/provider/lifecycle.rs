//! The token lifecycle: refresh, revocation, expiry.

use super::*;

/// The lifecycle checks, one function per check.
pub(super) fn lifecycle_checks(
    r: &mut Run,
    flow: Option<(Registration, OAuthClient, Sdd)>,
    main: Option<Grant>,
    oauth_skip: Option<&str>,
) {
    let d = r.api.defs;
    let Some((reg, oc, sdd)) = flow else {
        let why = oauth_skip.unwrap_or("the OAuth flow did not complete");
        for x in [d.REFRESH, d.REVOKE, d.TOKEN_EXPIRED] {
            r.skip(x, why);
        }
        return;
    };
    let mut current = main.clone();
    match main.as_ref().and_then(|g| g.refresh.clone()) {
        None => r.skip(d.REFRESH, "the token response carried no refresh_token"),
        Some(rt) => {
            if let Some(g) = check_refresh(r, &reg, &sdd, main.as_ref(), &rt) {
                current = Some(g);
            }
        }
    }
    check_revoke(r, &reg, &sdd, current);
    check_token_expired(r, &oc);
}

/// refresh: the refresh token gives a new access token the read calls pass with; a rotated
/// refresh token's predecessor should then be refused. Returns the new grant unless it failed.
fn check_refresh(
    r: &mut Run,
    reg: &Registration,
    sdd: &Sdd,
    main: Option<&Grant>,
    rt: &str,
) -> Option<Grant> {
    let d = r.api.defs;
    let m = r.start(d.REFRESH);
    let eps = endpoints(r, sdd);
    let refresh_url = sdd
        .refresh
        .as_ref()
        .and_then(|_| abs(r, &sdd.refresh))
        .or(eps.as_ref().map(|e| e.token.clone()));
    let mut fresh = None;
    let res = match eps
        .zip(refresh_url)
        .ok_or("no token URL".to_owned())
        .and_then(|(e, u)| oauth::oauth_client(reg, &e, &u))
    {
        Err(e) => CheckResult::new(&d.REFRESH, Verdict::Fail, e),
        Ok(rc) => match oauth::refresh(&r.c, &rc, rt) {
            Err(e) => CheckResult::new(&d.REFRESH, Verdict::Fail, e),
            Ok(t) => {
                let g = grant_of(&t, "");
                let res = refreshed(r, &rc, main, rt, &g);
                if res.verdict != Verdict::Fail {
                    fresh = Some(g);
                }
                res
            }
        },
    };
    r.done(m, res);
    fresh
}

/// The verdict on the grant `g` a refresh with `rt` gave.
fn refreshed(r: &Run, rc: &OAuthClient, main: Option<&Grant>, rt: &str, g: &Grant) -> CheckResult {
    let d = r.api.defs;
    let mut p = Vec::new();
    if Some(&g.access) == main.map(|x| &x.access) {
        p.push("the refreshed access token is the old one".to_owned());
    }
    match get_list(r, &g.access, "") {
        Err(e) => p.push(format!("getCredentials with the new token: {e}")),
        Ok((resp, _)) => {
            if let Ok(v) = resp.json() {
                p.extend(
                    schema_problems(r.api.response_schema, &v)
                        .into_iter()
                        .map(|s| format!("getCredentials again: {s}")),
                );
            }
        }
    }
    match r.c.get(&r.url("/profile"), Some(&g.access)) {
        Ok(x) if x.status == 200 => {}
        Ok(x) => p.push(format!(
            "getProfile with the new token answered {}",
            x.status
        )),
        Err(e) => p.push(e.0),
    }
    let mut res = result(
        d.REFRESH,
        p,
        "new access token; the read calls pass with it",
    );
    if res.verdict == Verdict::Pass && g.refresh.as_deref().is_some_and(|n| n != rt) {
        // rotated: the old refresh token should now be rejected
        if oauth::refresh(&r.c, rc, rt).is_ok() {
            res.verdict = Verdict::Warn;
            res.message = "refresh token rotated, but the old one still works".into();
        } else {
            res.message
                .push_str("; rotated refresh token, old one rejected");
        }
    }
    res
}

/// revoke: after RFC 7009 revocation the token gets 401.
fn check_revoke(r: &mut Run, reg: &Registration, sdd: &Sdd, current: Option<Grant>) {
    let d = r.api.defs;
    let revocation = r.o.revocation_url.clone().or_else(|| {
        let tok = abs(r, &sdd.token)?;
        oauth::metadata(&r.c, &tok)?
            .get("revocation_endpoint")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let (u, g) = match (revocation, current) {
        (None, _) => {
            return r.skip(
                d.REVOKE,
                "no --revocation-url and no revocation_endpoint in RFC 8414 metadata",
            )
        }
        (_, None) => return r.skip(d.REVOKE, "no token to revoke"),
        (Some(u), Some(g)) => (u, g),
    };
    let m = r.start(d.REVOKE);
    let res = match endpoints(r, sdd)
        .ok_or("no token URL".to_owned())
        .and_then(|mut e| {
            e.revocation = Some(u.clone());
            let t = e.token.clone();
            oauth::oauth_client(reg, &e, &t)
        }) {
        Err(e) => CheckResult::new(&d.REVOKE, Verdict::Fail, e),
        Ok(rc) => match oauth::revoke(&r.c, &rc, reg, &u, &g.access) {
            Err(e) => CheckResult::new(&d.REVOKE, Verdict::Fail, e),
            Ok(()) => match r.c.get(&r.url("/credentials"), Some(&g.access)) {
                Ok(x) if x.status == 401 => {
                    CheckResult::new(&d.REVOKE, Verdict::Pass, "revoked; calls answer 401")
                }
                Ok(x) => CheckResult::new(
                    &d.REVOKE,
                    Verdict::Fail,
                    format!("after revocation getCredentials answered {}", x.status),
                ),
                Err(e) => CheckResult::new(&d.REVOKE, Verdict::Fail, e.0),
            },
        },
    };
    r.done(m, res);
}

/// token-expired: a fresh token is refused once its expires_in has passed (when that is
/// within --expiry-wait).
fn check_token_expired(r: &mut Run, oc: &OAuthClient) {
    let d = r.api.defs;
    let wait = r.o.expiry_wait.as_secs();
    let m = r.start(d.TOKEN_EXPIRED);
    let scopes = r.api.all_scopes();
    let fresh = authorize(r, oc, &scopes, true, None).and_then(|(code, v, _)| {
        oauth::exchange_code(&r.c, oc, &code, v, &scopes).map(|t| grant_of(&t, &code))
    });
    match fresh {
        Err(e) => r.done(
            m,
            CheckResult::new(
                &d.TOKEN_EXPIRED,
                Verdict::Fail,
                format!("could not get a token: {e}"),
            ),
        ),
        Ok(g) => match g.expires_in {
            Some(s) if s <= wait => {
                std::thread::sleep(Duration::from_secs(s + 1));
                let res = match r.c.get(&r.url("/credentials"), Some(&g.access)) {
                    Ok(x) if x.status == 401 => CheckResult::new(
                        &d.TOKEN_EXPIRED,
                        Verdict::Pass,
                        format!("401 after {s} s"),
                    ),
                    Ok(x) => CheckResult::new(
                        &d.TOKEN_EXPIRED,
                        Verdict::Fail,
                        format!("after expires_in ({s} s) the token still gets {}", x.status),
                    ),
                    Err(e) => CheckResult::new(&d.TOKEN_EXPIRED, Verdict::Fail, e.0),
                };
                r.done(m, res);
            }
            other => {
                let _ = r.c.since(m);
                r.results.push(CheckResult::new(
                    &d.TOKEN_EXPIRED,
                    Verdict::Skip,
                    format!(
                        "expires_in is {} s, more than --expiry-wait {wait} s",
                        other
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "absent".into())
                    ),
                ));
            }
        },
    }
}
