//! Registration, the authorization code flow with PKCE, and the token checks.

use super::*;

/// Runs one authorization flow for `scopes`: Ok((code, verifier)) or the reason.
pub(super) fn authorize(
    r: &Run,
    oc: &OAuthClient,
    scopes: &[String],
    pkce: bool,
    redirect: Option<&str>,
) -> Result<(String, Option<oauth::Verifier>, String), String> {
    authorize_with(r, oauth::auth_request(oc, scopes, pkce, redirect))
}

/// Signs in through the provider's pages with a prepared authorization request.
pub(super) fn authorize_with(
    r: &Run,
    req: oauth::AuthRequest,
) -> Result<(String, Option<oauth::Verifier>, String), String> {
    let (user, pass) = r.o.login.clone().unwrap_or_default();
    if let Some(v) = &req.verifier {
        // with the plain method the verifier travels in the authorization URL: masked there too
        r.c.add_secret(v.secret());
    }
    r.c.clear_cookies();
    match oauth::drive_login(
        &r.c,
        &req.url,
        &user,
        &pass,
        "https://harness.wellspring.example/",
    ) {
        LoginEnd::Redirect(loc) => {
            let (code, state, error) = oauth::code_and_state(&loc);
            if let Some(code) = code {
                r.c.add_secret(&code);
                if state.as_deref() != Some(req.state.as_str()) {
                    return Err(format!(
                        "the redirect carries state {:?}, not the one sent",
                        state
                    ));
                }
                Ok((code, req.verifier, oauth::mask_loc(&loc)))
            } else {
                Err(format!(
                    "redirected to {} without a code (error {:?})",
                    oauth::mask_loc(&loc),
                    error
                ))
            }
        }
        LoginEnd::Stopped(status, why) => Err(format!(
            "the flow stopped{}: {why}",
            status.map(|s| format!(" at HTTP {s}")).unwrap_or_default()
        )),
    }
}

pub(super) fn grant_of(t: &oauth2::basic::BasicTokenResponse, _code: &str) -> Grant {
    use oauth2::TokenResponse;
    Grant {
        access: t.access_token().secret().clone(),
        refresh: t.refresh_token().map(|x| x.secret().clone()),
        expires_in: t.expires_in().map(|d| d.as_secs()),
    }
}

/// The registration, authorization and token checks, one function per check; returns the
/// registered client when the flow could run.
pub(super) fn oauth_checks(
    r: &mut Run,
    sdd: &Sdd,
    main: &mut Option<Grant>,
    narrow: &mut Option<Grant>,
) -> Option<(Registration, OAuthClient, Sdd)> {
    let scopes = r.api.all_scopes();
    let reg_url = abs(r, &sdd.registration);
    let reg = check_register(r, reg_url.as_deref(), &scopes);
    check_register_invalid(r, reg_url.as_deref(), &scopes);
    let (reg, oc) = flow_client(r, sdd, reg)?;
    let first = check_authorize(r, &oc, &scopes);
    check_authorize_redirect(r, &oc, &scopes);
    check_authorize_pkce(r, &oc, &scopes);
    if let Some(g) = check_token(r, &oc, &scopes, first) {
        *main = Some(g);
    }
    check_token_verifier(r, &oc, &scopes);
    check_token_reuse(r, &oc, &scopes);
    if let Some(g) = check_scope(r, &oc) {
        *narrow = Some(g);
    }
    Some((reg, oc, sdd.clone()))
}

/// The checks that need a registered client and the flow's endpoints.
fn flow_checks(r: &Run) -> [CheckDef; 7] {
    let d = r.api.defs;
    [
        d.AUTHORIZE,
        d.AUTHORIZE_REDIRECT,
        d.AUTHORIZE_PKCE,
        d.TOKEN,
        d.TOKEN_VERIFIER,
        d.TOKEN_REUSE,
        d.SCOPE,
    ]
}

/// register: dynamic client registration answers 201 with the issued-at and expiry numbers.
fn check_register(r: &mut Run, reg_url: Option<&str>, scopes: &[String]) -> Option<Registration> {
    let d = r.api.defs;
    let m = r.start(d.REGISTER);
    let mut reg: Option<Registration> = None;
    let mut p = Vec::new();
    match reg_url {
        None => p.push("no x-imssf-registrationUrl in the service description".into()),
        Some(u) => {
            match oauth::register_raw(&r.c, u, oauth::registration_request(&scopes.join(" "))) {
                Err(e) => p.push(e),
                Ok(resp) => {
                    if resp.status != 201 {
                        p.push(format!(
                            "registration answered {} (201 expected)",
                            resp.status
                        ));
                    }
                    match oauth::parse_registration(&r.c, &resp) {
                        Err(e) => p.push(e),
                        Ok(g) => {
                            for f in ["client_id_issued_at", "client_secret_expires_at"] {
                                if g.response.get(f).and_then(Value::as_u64).is_none() {
                                    p.push(format!("{f} missing or not a number"));
                                }
                            }
                            reg = Some(g);
                        }
                    }
                }
            }
        }
    }
    let res = result(d.REGISTER, p, "client registered");
    r.done(m, res);
    reg
}

/// register-invalid: a registration without redirect_uris is refused with 400 and an error.
fn check_register_invalid(r: &mut Run, reg_url: Option<&str>, scopes: &[String]) {
    let d = r.api.defs;
    let m = r.start(d.REGISTER_INVALID);
    let mut p = Vec::new();
    if let Some(u) = reg_url {
        let mut body = oauth::registration_request(&scopes.join(" "));
        if let Some(o) = body.as_object_mut() {
            o.remove("redirect_uris");
        }
        match oauth::register_raw(&r.c, u, body) {
            Err(e) => p.push(e),
            Ok(resp) => {
                if resp.status != 400 {
                    p.push(format!(
                        "a registration without redirect_uris answered {} (400 expected)",
                        resp.status
                    ));
                }
                if resp.status == 400
                    && resp
                        .json()
                        .ok()
                        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
                        .is_none()
                {
                    p.push("the 400 body has no {\"error\": …}".into());
                }
                if resp.status < 300 {
                    let _ = oauth::parse_registration(&r.c, &resp);
                }
            }
        }
    } else {
        p.push("no registration URL".into());
    }
    let res = result(d.REGISTER_INVALID, p, "invalid registration refused");
    r.done(m, res);
}

/// The OAuth client of the registration, or every flow check failed with the reason there is none.
fn flow_client(
    r: &mut Run,
    sdd: &Sdd,
    reg: Option<Registration>,
) -> Option<(Registration, OAuthClient)> {
    let eps = endpoints(r, sdd);
    let (Some(reg), Some(eps)) = (reg, eps) else {
        let why = "no registered client or no authorization/token URL: cannot run the flow";
        fail_all(r, flow_checks(r), why);
        return None;
    };
    match oauth::oauth_client(&reg, &eps, &eps.token) {
        Ok(oc) => Some((reg, oc)),
        Err(e) => {
            fail_all(r, flow_checks(r), &e);
            None
        }
    }
}

fn fail_all(r: &mut Run, defs: [CheckDef; 7], why: &str) {
    for x in defs {
        let m = r.start(x);
        r.done(m, CheckResult::new(&x, Verdict::Fail, why));
    }
}

type Code = Result<(String, Option<oauth::Verifier>, String), String>;

/// authorize: the sign-in ends in a redirect with a code and the same state.
fn check_authorize(r: &mut Run, oc: &OAuthClient, scopes: &[String]) -> Code {
    let d = r.api.defs;
    let m = r.start(d.AUTHORIZE);
    let first = authorize(r, oc, scopes, true, None);
    let res = match &first {
        Ok((_, _, loc)) => CheckResult::new(
            &d.AUTHORIZE,
            Verdict::Pass,
            "redirected with a code and the same state",
        )
        .with("redirect", loc.clone()),
        Err(e) => CheckResult::new(&d.AUTHORIZE, Verdict::Fail, e.clone()),
    };
    r.done(m, res);
    first
}

/// authorize-redirect-mismatch: an unregistered redirect URI is never redirected to.
fn check_authorize_redirect(r: &mut Run, oc: &OAuthClient, scopes: &[String]) {
    let d = r.api.defs;
    let m = r.start(d.AUTHORIZE_REDIRECT);
    let bad = "https://harness.wellspring.example/not-registered";
    let req = oauth::auth_request(oc, scopes, true, Some(bad));
    let (user, pass) = r.o.login.clone().unwrap_or_default();
    r.c.clear_cookies();
    let res = match oauth::drive_login(
        &r.c,
        &req.url,
        &user,
        &pass,
        "https://harness.wellspring.example/",
    ) {
        LoginEnd::Redirect(loc) if loc.starts_with(bad) => CheckResult::new(
            &d.AUTHORIZE_REDIRECT,
            Verdict::Fail,
            format!(
                "redirected to the unregistered URI: {}",
                oauth::mask_loc(&loc)
            ),
        ),
        LoginEnd::Redirect(loc) => CheckResult::new(
            &d.AUTHORIZE_REDIRECT,
            Verdict::Pass,
            format!(
                "not redirected to the unregistered URI (went to {})",
                oauth::mask_loc(&loc)
            ),
        ),
        LoginEnd::Stopped(s, why) => CheckResult::new(
            &d.AUTHORIZE_REDIRECT,
            Verdict::Pass,
            format!(
                "refused ({}): {why}",
                s.map(|x| x.to_string()).unwrap_or_default()
            ),
        ),
    };
    r.done(m, res);
}

/// authorize-pkce-required: neither no code_challenge nor the `plain` method gives a usable code.
fn check_authorize_pkce(r: &mut Run, oc: &OAuthClient, scopes: &[String]) {
    let d = r.api.defs;
    let m = r.start(d.AUTHORIZE_PKCE);
    let res = match authorize(r, oc, scopes, false, None) {
        Err(e) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Pass, format!("rejected: {e}")),
        Ok((code, _, _)) => match oauth::exchange_code(&r.c, oc, &code, None, scopes) {
            Err(e) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Pass, format!("a code was issued but cannot be exchanged: {e}")),
            Ok(_) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Fail, "an authorization without code_challenge gave a code that was exchanged for a token"),
        },
    };
    // the `plain` method must not give a usable code either (RFC 9700 §2.1.1: S256 only)
    let res = if res.verdict == Verdict::Pass {
        let plain = oauth::auth_request(oc, scopes, true, None).with_plain_pkce();
        match authorize_with(r, plain) {
            Err(_) => res,
            Ok((code, verifier, _)) => match oauth::exchange_code(&r.c, oc, &code, verifier, scopes) {
                Err(_) => res,
                Ok(_) => CheckResult::new(&d.AUTHORIZE_PKCE, Verdict::Fail, "code_challenge_method=plain gave a code that was exchanged for a token (only S256 may be accepted)"),
            },
        }
    } else {
        res
    };
    r.done(m, res);
}

/// token: the first code is exchanged for a Bearer token, not cached, with its scope.
/// Returns the grant when the exchange succeeded.
fn check_token(r: &mut Run, oc: &OAuthClient, scopes: &[String], first: Code) -> Option<Grant> {
    let d = r.api.defs;
    let m = r.start(d.TOKEN);
    let mut grant = None;
    let res = match first {
        Err(_) => CheckResult::new(
            &d.TOKEN,
            Verdict::Fail,
            "no authorization code (see authorize)",
        ),
        Ok((code, verifier, _)) => match oauth::exchange_code(&r.c, oc, &code, verifier, scopes) {
            Err(e) => CheckResult::new(&d.TOKEN, Verdict::Fail, e),
            Ok(t) => {
                let (p, advice) = token_response_problems(r);
                grant = Some(grant_of(&t, &code));
                match (p.is_empty(), advice.is_empty()) {
                    (true, false) => CheckResult::new(&d.TOKEN, Verdict::Warn, advice.join("; ")),
                    _ => result(d.TOKEN, p, "access token issued"),
                }
            }
        },
    };
    r.done(m, res);
    grant
}

/// What the last exchange (a token response) lacks: (problems, advice).
fn token_response_problems(r: &Run) -> (Vec<String>, Vec<&'static str>) {
    let mut p = Vec::new();
    let mut advice: Vec<&str> = Vec::new();
    if let Some(ex) = r.c.last() {
        let cc = ex
            .response_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
            .map(|(_, v)| v.to_ascii_lowercase());
        if !cc.as_deref().unwrap_or("").contains("no-store") {
            p.push(format!("Cache-Control is {:?}, not no-store", cc));
        }
        let body: Value = serde_json::from_str(&ex.response_body).unwrap_or(Value::Null);
        if !body
            .get("token_type")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
        {
            p.push("token_type is not Bearer".into());
        }
        if body.get("scope").and_then(Value::as_str).is_none() {
            p.push("scope missing from the token response".into());
        }
        // RFC 6749 §5.1: expires_in is RECOMMENDED, not required
        if body.get("expires_in").and_then(Value::as_u64).is_none() {
            advice.push("expires_in is absent (RFC 6749 §5.1 recommends it)");
        }
    }
    (p, advice)
}

/// token-wrong-verifier: a code exchanged with a wrong code_verifier is refused.
fn check_token_verifier(r: &mut Run, oc: &OAuthClient, scopes: &[String]) {
    let d = r.api.defs;
    let m = r.start(d.TOKEN_VERIFIER);
    let res = match authorize(r, oc, scopes, true, None) {
        Err(e) => CheckResult::new(
            &d.TOKEN_VERIFIER,
            Verdict::Fail,
            format!("could not get a code: {e}"),
        ),
        Ok((code, _, _)) => {
            let wrong =
                oauth::Verifier::new(format!("wellspring-wrong-verifier-{}", random_hex(16)));
            match oauth::exchange_code(&r.c, oc, &code, Some(wrong), scopes) {
                Err(e) => {
                    CheckResult::new(&d.TOKEN_VERIFIER, Verdict::Pass, format!("rejected: {e}"))
                }
                Ok(_) => CheckResult::new(
                    &d.TOKEN_VERIFIER,
                    Verdict::Fail,
                    "a wrong code_verifier was accepted",
                ),
            }
        }
    };
    r.done(m, res);
}

/// token-code-reuse: a code is exchanged once; the first token SHOULD then be revoked.
fn check_token_reuse(r: &mut Run, oc: &OAuthClient, scopes: &[String]) {
    let d = r.api.defs;
    let m = r.start(d.TOKEN_REUSE);
    let res = match authorize(r, oc, scopes, true, None) {
        Err(e) => CheckResult::new(
            &d.TOKEN_REUSE,
            Verdict::Fail,
            format!("could not get a code: {e}"),
        ),
        Ok((code, verifier, _)) => {
            let v2 = verifier
                .as_ref()
                .map(|v| oauth::Verifier::new(v.secret().clone()));
            match oauth::exchange_code(&r.c, oc, &code, verifier, scopes) {
                Err(e) => CheckResult::new(
                    &d.TOKEN_REUSE,
                    Verdict::Fail,
                    format!("the first exchange failed: {e}"),
                ),
                Ok(t) => match oauth::exchange_code(&r.c, oc, &code, v2, scopes) {
                    Ok(_) => CheckResult::new(
                        &d.TOKEN_REUSE,
                        Verdict::Fail,
                        "the same code was exchanged twice",
                    ),
                    Err(e) => reuse_refused(r, &grant_of(&t, &code), &e),
                },
            }
        }
    };
    r.done(m, res);
}

/// The second exchange was refused: pass when the first token no longer works, else warn.
fn reuse_refused(r: &Run, g: &Grant, e: &str) -> CheckResult {
    let d = r.api.defs;
    let still =
        r.c.get(&r.url("/credentials"), Some(&g.access))
            .map(|x| x.status)
            .unwrap_or(0);
    if (200..300).contains(&still) {
        CheckResult::new(&d.TOKEN_REUSE, Verdict::Warn, format!("reuse rejected ({e}), but the token from the first exchange still works (SHOULD be revoked)"))
    } else {
        CheckResult::new(
            &d.TOKEN_REUSE,
            Verdict::Pass,
            format!("reuse rejected ({e}); the first token was revoked"),
        )
    }
}

/// scope: a token granted only profile.readonly gets 403 from getCredentials.
/// Returns that narrow grant (used by upsert-scope) when one was obtained.
fn check_scope(r: &mut Run, oc: &OAuthClient) -> Option<Grant> {
    let d = r.api.defs;
    let m = r.start(d.SCOPE);
    let only = vec![r.api.scope("profile.readonly")];
    let mut narrow = None;
    let res = match authorize(r, oc, &only, true, None).and_then(|(code, v, _)| {
        oauth::exchange_code(&r.c, oc, &code, v, &only).map(|t| grant_of(&t, &code))
    }) {
        Err(e) => CheckResult::new(
            &d.SCOPE,
            Verdict::Fail,
            format!("could not get a profile.readonly token: {e}"),
        ),
        Ok(g) => {
            let resp = r.c.get(&r.url("/credentials"), Some(&g.access));
            narrow = Some(g);
            match resp {
                Err(e) => CheckResult::new(&d.SCOPE, Verdict::Fail, e.0),
                Ok(x) if x.status == 403 => {
                    let p = r.imsx_problems(&x);
                    result(
                        d.SCOPE,
                        p.into_iter().map(|s| format!("403 body: {s}")).collect(),
                        "403 for a token without credential.readonly",
                    )
                }
                Ok(x) => CheckResult::new(
                    &d.SCOPE,
                    Verdict::Fail,
                    format!(
                        "getCredentials with a profile.readonly token answered {} (403 expected)",
                        x.status
                    ),
                ),
            }
        }
    };
    r.done(m, res);
    narrow
}
