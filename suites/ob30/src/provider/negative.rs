//! The provider suite's refusals: requests a Service Provider must turn down, each built from
//! a valid one with one thing wrong (RFC 6749 client authentication, code binding and refresh
//! scope; the profile scopes; methods the API does not define).

use super::*;

/// Runs the five checks. `flow` is the registration, OAuth client and service description of
/// the OAuth checks (None when they could not run or `--token` replaced them).
pub(super) fn checks(
    r: &mut Run,
    flow: Option<&(Registration, OAuthClient, Sdd)>,
    main: Option<&Grant>,
    narrow: Option<&Grant>,
    oauth_skip: Option<&str>,
) {
    let d = r.api.defs;
    let oauth_defs = [
        d.TOKEN_CLIENT_AUTH,
        d.TOKEN_REDIRECT,
        d.REFRESH_SCOPE,
        d.PROFILE_SCOPE,
    ];
    match (
        oauth_skip,
        flow.and_then(|f| endpoints(r, &f.2).map(|e| (f, e))),
    ) {
        (Some(why), _) => oauth_defs.iter().for_each(|x| r.skip(*x, why)),
        (None, None) => {
            for x in oauth_defs {
                let m = r.start(x);
                r.done(m, CheckResult::new(&x, Verdict::Fail, "no registered client or no authorization/token URL (see register, authorize)"));
            }
        }
        (None, Some(((reg, oc, _), eps))) => {
            client_auth(r, reg, oc, &eps);
            redirect_binding(r, reg, oc, &eps);
            refresh_scope(r, reg, oc, &eps);
            profile_scope(r, oc, main, narrow);
        }
    }
    wrong_method(r, main);
}

/// A POST to the token endpoint with a form body and, when `client` is given, HTTP Basic
/// client authentication (RFC 6749 §2.3.1: both parts form-url-encoded).
fn token_post(
    r: &Run,
    url: &str,
    client: Option<&Registration>,
    form: Vec<(&str, String)>,
) -> Result<Response, String> {
    use base64::Engine;
    let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
    if let Some(reg) = client {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            enc(&reg.client_id),
            enc(&reg.client_secret)
        ));
        headers.push(("Authorization".into(), format!("Basic {basic}")));
    }
    let form = form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let resp =
        r.c.send("POST", url, headers, Body::Form(form))
            .map_err(|e| e.0)?;
    // whatever token came back is a secret from now on
    if let Ok(v) = resp.json() {
        for k in ["access_token", "refresh_token"] {
            if let Some(t) = v.get(k).and_then(Value::as_str) {
                r.c.add_secret(t);
            }
        }
    }
    Ok(resp)
}

/// The access token of a 2xx token response, if any.
fn issued(resp: &Response) -> Option<String> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    resp.json()
        .ok()?
        .get("access_token")?
        .as_str()
        .map(str::to_owned)
}

/// The form of an authorization_code token request.
fn code_form(
    code: &str,
    redirect: &str,
    verifier: Option<&oauth::Verifier>,
) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.to_owned()),
        ("redirect_uri", redirect.to_owned()),
    ];
    if let Some(v) = verifier {
        f.push(("code_verifier", v.secret().clone()));
    }
    f
}

fn client_auth(r: &mut Run, reg: &Registration, oc: &OAuthClient, eps: &oauth::Endpoints) {
    let def = r.api.defs.TOKEN_CLIENT_AUTH;
    let m = r.start(def);
    let scopes = vec![r.api.scope("credential.readonly")];
    let res = match authorize(r, oc, &scopes, true, None) {
        Err(e) => CheckResult::new(&def, Verdict::Fail, format!("could not get a code: {e}")),
        Ok((code, verifier, _)) => {
            let mut form = code_form(&code, oauth::REDIRECT_URI, verifier.as_ref());
            form.push(("client_id", reg.client_id.clone()));
            match token_post(r, &eps.token, None, form) {
                Err(e) => CheckResult::new(&def, Verdict::Fail, e),
                Ok(resp) if issued(&resp).is_some() => CheckResult::new(
                    &def,
                    Verdict::Fail,
                    format!("a token was issued to a request that named client_id {} without its secret (HTTP {})", reg.client_id, resp.status),
                ),
                Ok(resp) if (200..300).contains(&resp.status) || resp.status >= 500 => {
                    CheckResult::new(
                        &def,
                        Verdict::Fail,
                        format!("answered {} (400 or 401 expected)", resp.status),
                    )
                }
                Ok(resp) => CheckResult::new(
                    &def,
                    Verdict::Pass,
                    format!("refused with {} (no client authentication)", resp.status),
                ),
            }
        }
    };
    r.done(m, res);
}

fn redirect_binding(r: &mut Run, reg: &Registration, oc: &OAuthClient, eps: &oauth::Endpoints) {
    let def = r.api.defs.TOKEN_REDIRECT;
    let m = r.start(def);
    let scopes = vec![r.api.scope("credential.readonly")];
    let other = "https://harness.wellspring.example/another-callback";
    let res = match authorize(r, oc, &scopes, true, None) {
        Err(e) => CheckResult::new(&def, Verdict::Fail, format!("could not get a code: {e}")),
        Ok((code, verifier, _)) => {
            let form = code_form(&code, other, verifier.as_ref());
            match token_post(r, &eps.token, Some(reg), form) {
                Err(e) => CheckResult::new(&def, Verdict::Fail, e),
                Ok(resp) if issued(&resp).is_some() => CheckResult::new(
                    &def,
                    Verdict::Fail,
                    format!(
                        "a code issued for {} was exchanged with redirect_uri {other}",
                        oauth::REDIRECT_URI
                    ),
                ),
                Ok(resp) if resp.status >= 500 => CheckResult::new(
                    &def,
                    Verdict::Fail,
                    format!("answered {} (400 invalid_grant expected)", resp.status),
                ),
                Ok(resp) => {
                    CheckResult::new(&def, Verdict::Pass, format!("refused with {}", resp.status))
                }
            }
        }
    };
    r.done(m, res);
}

fn refresh_scope(r: &mut Run, reg: &Registration, oc: &OAuthClient, eps: &oauth::Endpoints) {
    let def = r.api.defs.REFRESH_SCOPE;
    let m = r.start(def);
    let granted = vec![r.api.scope("profile.readonly"), "offline_access".to_owned()];
    let grant = authorize(r, oc, &granted, true, None).and_then(|(code, v, _)| {
        oauth::exchange_code(&r.c, oc, &code, v, &granted).map(|t| grant_of(&t, &code))
    });
    let res = match grant {
        Err(e) => CheckResult::new(
            &def,
            Verdict::Fail,
            format!("could not get a profile.readonly token: {e}"),
        ),
        Ok(Grant { refresh: None, .. }) => CheckResult::new(
            &def,
            Verdict::Skip,
            "no refresh token issued (refresh is optional)",
        ),
        Ok(Grant {
            refresh: Some(rt), ..
        }) => {
            let url = eps.refresh.clone().unwrap_or_else(|| eps.token.clone());
            let wider = r.api.scope("credential.readonly");
            let form = vec![
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", rt),
                ("scope", wider.clone()),
            ];
            match token_post(r, &url, Some(reg), form) {
                Err(e) => CheckResult::new(&def, Verdict::Fail, e),
                Ok(resp) => match issued(&resp) {
                    None if resp.status >= 500 => CheckResult::new(
                        &def,
                        Verdict::Fail,
                        format!("answered {} (400 invalid_scope expected)", resp.status),
                    ),
                    None => CheckResult::new(
                        &def,
                        Verdict::Pass,
                        format!("a refresh asking for {wider} was refused ({})", resp.status),
                    ),
                    Some(t) => {
                        let reads =
                            r.c.get(&r.url("/credentials"), Some(&t))
                                .map(|x| x.status)
                                .unwrap_or(0);
                        if (200..300).contains(&reads) {
                            CheckResult::new(
                                &def,
                                Verdict::Fail,
                                format!("a refresh of a profile.readonly grant asking for {wider} gave a token that reads credentials"),
                            )
                        } else {
                            CheckResult::new(
                                &def,
                                Verdict::Warn,
                                format!("the refresh asking for {wider} was answered with a token (the scope was not widened: getCredentials answered {reads}); RFC 6749 §6 asks for an invalid_scope error"),
                            )
                        }
                    }
                },
            }
        }
    };
    r.done(m, res);
}

fn profile_scope(r: &mut Run, oc: &OAuthClient, main: Option<&Grant>, narrow: Option<&Grant>) {
    let def = r.api.defs.PROFILE_SCOPE;
    let m = r.start(def);
    let only = vec![r.api.scope("credential.readonly")];
    let mut problems = Vec::new();
    match authorize(r, oc, &only, true, None).and_then(|(code, v, _)| {
        oauth::exchange_code(&r.c, oc, &code, v, &only).map(|t| grant_of(&t, &code))
    }) {
        Err(e) => problems.push(format!("could not get a credential.readonly token: {e}")),
        Ok(g) => match r.c.get(&r.url("/profile"), Some(&g.access)) {
            Err(e) => problems.push(e.0),
            Ok(x) if x.status == 403 => {}
            Ok(x) => problems.push(format!(
                "getProfile with a credential.readonly token answered {} (403 expected)",
                x.status
            )),
        },
    }
    let mut notes = Vec::new();
    if r.o.role == Role::Write {
        // the profile to put back: the provider's own, read with the full token
        let current = main
            .and_then(|g| r.c.get(&r.url("/profile"), Some(&g.access)).ok())
            .filter(|x| x.status == 200)
            .and_then(|x| x.json().ok());
        match (narrow, current) {
            (Some(g), Some(profile)) => {
                let put = r.c.send(
                    "PUT",
                    &r.url("/profile"),
                    vec![
                        ("Accept".into(), "application/json".into()),
                        ("Authorization".into(), format!("Bearer {}", g.access)),
                    ],
                    Body::Json(profile),
                );
                match put {
                    Err(e) => problems.push(e.0),
                    Ok(x) if x.status == 403 => {}
                    Ok(x) if x.status == 405 => {
                        notes.push("putProfile is not offered (405)".to_owned())
                    }
                    Ok(x) => problems.push(format!(
                        "putProfile with a profile.readonly token answered {} (403 expected)",
                        x.status
                    )),
                }
            }
            _ => notes.push(
                "putProfile not probed: no profile.readonly token or no profile to put".to_owned(),
            ),
        }
    }
    let ok = if notes.is_empty() {
        "403 without the profile scope".to_owned()
    } else {
        format!("403 without the profile scope; {}", notes.join("; "))
    };
    let res = result(def, problems, &ok);
    r.done(m, res);
}

fn wrong_method(r: &mut Run, main: Option<&Grant>) {
    let def = r.api.defs.WRONG_METHOD;
    let Some(g) = main else {
        r.skip(def, "no access token (see token)");
        return;
    };
    let m = r.start(def);
    let before = get_list(r, &g.access, "").ok().map(|(_, l)| l.len());
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for path in ["/credentials", "/profile"] {
        let resp = r.c.send(
            "DELETE",
            &r.url(path),
            vec![
                ("Accept".into(), "application/json".into()),
                ("Authorization".into(), format!("Bearer {}", g.access)),
            ],
            Body::None,
        );
        match resp {
            Err(e) => problems.push(format!("DELETE {path}: {}", e.0)),
            Ok(x) if x.status == 405 => {}
            Ok(x) if (200..300).contains(&x.status) || x.status >= 500 => problems.push(format!(
                "DELETE {path} answered {} (405 expected)",
                x.status
            )),
            Ok(x) => warnings.push(format!(
                "DELETE {path} answered {} (405 expected)",
                x.status
            )),
        }
    }
    let after = get_list(r, &g.access, "").ok().map(|(_, l)| l.len());
    if let (Some(b), Some(a)) = (before, after) {
        if a < b {
            problems.push(format!(
                "getCredentials listed {b} credential(s) before the DELETE and {a} after"
            ));
        }
    }
    let res = if !problems.is_empty() {
        result(def, problems, "")
    } else if !warnings.is_empty() {
        CheckResult::new(&def, Verdict::Warn, warnings.join("; "))
    } else {
        CheckResult::new(
            &def,
            Verdict::Pass,
            "405 for DELETE on both paths; nothing changed",
        )
    };
    r.done(m, res);
}
