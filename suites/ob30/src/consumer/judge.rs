//! The verdicts: what the recorded requests of a consumer show, check by check.

use super::*;

pub(super) fn defs(s: &Shared) -> HashMap<&'static str, CheckDef> {
    checks(s.o.standard, s.o.role)
        .into_iter()
        .map(|d| (d.id.rsplit('.').next().unwrap_or(d.id), d))
        .collect()
}

pub(super) fn judge(s: &Shared, seen: &[Seen], timed_out: bool) -> DocReport {
    let std = s.o.standard;
    let api = std.api_path();
    let d = defs(s);
    let def = |k: &str| d[k];
    let mut r = DocReport::new(format!("consumer certification: provider at {}", s.base));
    r.kind = format!(
        "{} Service Consumer ({})",
        match std {
            Standard::Ob30 => "OB 3.0",
            Standard::Clr20 => "CLR 2.0",
        },
        match s.o.role {
            Role::Read => "Read",
            Role::Write => "Write",
        }
    );
    let first = |pred: &dyn Fn(&Seen) -> bool| seen.iter().position(pred);
    let disc = first(&|x| x.method == "GET" && x.path == format!("{api}/discovery"));
    let reg = first(&|x| x.method == "POST" && x.path == "/oauth/register");
    let nothing = |k: &str, what: &str| {
        CheckResult::new(
            &def(k),
            Verdict::Fail,
            format!(
                "the consumer never {what}{}",
                if timed_out {
                    " before the wait ran out"
                } else {
                    ""
                }
            ),
        )
    };

    // discovery
    r.push(match (disc, reg) {
        (Some(i), reg) if reg.is_none_or(|j| i < j) => {
            let x = &seen[i];
            if x.authorization.is_some() {
                CheckResult::new(
                    &def("discovery"),
                    Verdict::Warn,
                    "discovery fetched first, but with an Authorization header (it is public)",
                )
                .with("request", x.evidence())
            } else {
                CheckResult::new(
                    &def("discovery"),
                    Verdict::Pass,
                    "service description fetched first",
                )
                .with("request", x.evidence())
            }
        }
        (Some(_), Some(j)) | (None, Some(j)) if disc.is_none_or(|i| i > j) => CheckResult::new(
            &def("discovery"),
            Verdict::Fail,
            if disc.is_some() {
                "the consumer registered before fetching the service description"
            } else {
                "the consumer registered without fetching the service description"
            },
        )
        .with("registration", seen[j].evidence()),
        _ => nothing("discovery", "fetched the service description"),
    });

    // registration
    r.push(match reg {
        None => nothing("register", "registered a client"),
        Some(j) => {
            let x = &seen[j];
            let body: Value = serde_json::from_slice(&x.body).unwrap_or(Value::Null);
            let mut missing: Vec<&str> = [
                "client_name",
                "client_uri",
                "logo_uri",
                "tos_uri",
                "policy_uri",
                "software_id",
                "software_version",
                "scope",
            ]
            .into_iter()
            .filter(|k| {
                !body
                    .get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|v| !v.is_empty())
            })
            .collect();
            if !body
                .get("redirect_uris")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                missing.push("redirect_uris (an array)");
            }
            if missing.is_empty() {
                CheckResult::new(
                    &def("register"),
                    Verdict::Pass,
                    "every required registration field present",
                )
                .with("request", x.evidence())
            } else {
                CheckResult::new(
                    &def("register"),
                    Verdict::Fail,
                    format!("registration lacks: {}", missing.join(", ")),
                )
                .with("request", x.evidence())
            }
        }
    });

    // the authorization request, the one the token was finally obtained from
    let auth = seen
        .iter()
        .rev()
        .find(|x| x.method == "GET" && x.path == "/oauth/authorize");
    let needed: Vec<String> = match s.o.role {
        Role::Read => vec![
            std.scope("credential.readonly"),
            std.scope("profile.readonly"),
        ],
        Role::Write => vec![std.scope("credential.upsert")],
    };
    r.push(match auth {
        None => nothing("scopes", "sent the learner to the authorization endpoint"),
        Some(x) => {
            let asked: Vec<&str> = x
                .query
                .get("scope")
                .map(|s| s.split_whitespace().collect())
                .unwrap_or_default();
            let offered: Vec<String> = [
                "credential.readonly",
                "credential.upsert",
                "profile.readonly",
                "profile.update",
            ]
            .iter()
            .map(|n| std.scope(n))
            .collect();
            let lacking: Vec<&String> = needed
                .iter()
                .filter(|n| !asked.contains(&n.as_str()))
                .collect();
            let unknown: Vec<&&str> = asked
                .iter()
                .filter(|a| **a != "offline_access" && !offered.iter().any(|o| o == *a))
                .collect();
            if lacking.is_empty() && unknown.is_empty() {
                CheckResult::new(
                    &def("scopes"),
                    Verdict::Pass,
                    format!("asked: {}", asked.join(" ")),
                )
                .with("request", x.evidence())
            } else {
                let mut why = Vec::new();
                if !lacking.is_empty() {
                    why.push(format!(
                        "missing {}",
                        lacking
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if !unknown.is_empty() {
                    why.push(format!(
                        "not offered: {}",
                        unknown.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
                    ));
                }
                CheckResult::new(&def("scopes"), Verdict::Fail, why.join("; "))
                    .with("request", x.evidence())
            }
        }
    });

    // PKCE: on the authorization request, then its verifier at the token endpoint
    let token_req = seen.iter().find(|x| {
        x.method == "POST"
            && x.path == "/oauth/token"
            && form(&x.body)
                .get("grant_type")
                .is_some_and(|g| g == "authorization_code")
    });
    r.push(match auth {
        None => nothing("pkce", "sent an authorization request"),
        Some(x) => {
            let method = x.query.get("code_challenge_method").map(String::as_str);
            let challenge = x.query.get("code_challenge");
            match (challenge, method) {
                (None, _) => CheckResult::new(
                    &def("pkce"),
                    Verdict::Fail,
                    "no code_challenge: PKCE is required",
                )
                .with("request", x.evidence()),
                (Some(_), m) if m != Some("S256") => CheckResult::new(
                    &def("pkce"),
                    Verdict::Fail,
                    format!(
                        "code_challenge_method is {}, S256 is required",
                        m.unwrap_or("absent (plain)")
                    ),
                )
                .with("request", x.evidence()),
                (Some(ch), _) => match token_req.map(|t| form(&t.body)) {
                    None => nothing("pkce", "exchanged the code at the token endpoint"),
                    Some(f) => match f.get("code_verifier") {
                        Some(v)
                            if base64::engine::general_purpose::URL_SAFE_NO_PAD
                                .encode(Sha256::digest(v.as_bytes()))
                                == *ch =>
                        {
                            CheckResult::new(
                                &def("pkce"),
                                Verdict::Pass,
                                "S256 challenge, and the verifier matches",
                            )
                        }
                        Some(_) => CheckResult::new(
                            &def("pkce"),
                            Verdict::Fail,
                            "the code_verifier does not hash to the code_challenge",
                        ),
                        None => CheckResult::new(
                            &def("pkce"),
                            Verdict::Fail,
                            "the token request has no code_verifier",
                        ),
                    },
                },
            }
        }
    });

    // state
    r.push(match auth {
        None => nothing("state", "sent an authorization request"),
        Some(x) => match x.query.get("state") {
            Some(st) if st.len() >= 8 => CheckResult::new(
                &def("state"),
                Verdict::Pass,
                format!("state of {} characters", st.len()),
            ),
            Some(st) => CheckResult::new(
                &def("state"),
                Verdict::Warn,
                format!("state of only {} characters: guessable", st.len()),
            ),
            None => CheckResult::new(
                &def("state"),
                Verdict::Fail,
                "no state parameter: the spec requires one against CSRF",
            )
            .with("request", x.evidence()),
        },
    });

    // token request
    r.push(match token_req {
        None => nothing(
            "token-request",
            "exchanged an authorization code for a token",
        ),
        Some(t) => {
            let f = form(&t.body);
            let mut wrong = Vec::new();
            if !t
                .authorization
                .as_deref()
                .is_some_and(|a| a.to_ascii_lowercase().starts_with("basic "))
            {
                wrong.push("no HTTP Basic client authentication (client_secret_basic)".to_owned());
            }
            for k in ["code", "redirect_uri", "code_verifier"] {
                if !f.contains_key(k) {
                    wrong.push(format!("no {k}"));
                }
            }
            if let (Some(a), Some(ru)) = (auth, f.get("redirect_uri")) {
                if a.query.get("redirect_uri") != Some(ru) {
                    wrong.push("redirect_uri differs from the authorization request's".into());
                }
            }
            if t.status >= 300 {
                wrong.push(format!("the provider refused it ({})", t.status));
            }
            if wrong.is_empty() {
                let v = if f.contains_key("scope") {
                    Verdict::Pass
                } else {
                    Verdict::Warn
                };
                CheckResult::new(
                    &def("token-request"),
                    v,
                    if v == Verdict::Pass {
                        "well-formed token request".to_owned()
                    } else {
                        "well-formed, but without the scope parameter the spec lists as required"
                            .to_owned()
                    },
                )
                .with("request", t.evidence())
            } else {
                CheckResult::new(&def("token-request"), Verdict::Fail, wrong.join("; "))
                    .with("request", t.evidence())
            }
        }
    });

    let api_calls = |m: &str, p: &str| -> Vec<&Seen> {
        seen.iter()
            .filter(|x| x.method == m && x.path == format!("{api}{p}"))
            .collect()
    };
    match s.o.role {
        Role::Read => {
            let gets = api_calls("GET", "/credentials");
            let ok: Vec<&&Seen> = gets.iter().filter(|x| x.status == 200).collect();
            r.push(match (gets.is_empty(), ok.is_empty()) {
                (true, _) => nothing("get-credentials", "called getCredentials"),
                (false, true) => CheckResult::new(
                    &def("get-credentials"),
                    Verdict::Fail,
                    "getCredentials was called, never with a valid token and scope",
                )
                .with("request", gets[0].evidence()),
                _ => CheckResult::new(
                    &def("get-credentials"),
                    Verdict::Pass,
                    format!("{} successful call(s)", ok.len()),
                )
                .with("first", ok[0].evidence()),
            });
            let total = s.credentials.len();
            let mut got = std::collections::BTreeSet::new();
            for x in &ok {
                let offset: usize = x
                    .query
                    .get("offset")
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(0);
                let limit: usize = x
                    .query
                    .get("limit")
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(s.o.page_size)
                    .min(s.o.page_size)
                    .max(1);
                for i in offset..(offset + limit).min(total) {
                    got.insert(i);
                }
            }
            r.push(if ok.is_empty() {
                nothing("paging", "fetched a page of credentials")
            } else if got.len() == total {
                CheckResult::new(&def("paging"), Verdict::Pass, format!("all {total} credentials fetched over {} page request(s)", ok.len()))
            } else {
                CheckResult::new(&def("paging"), Verdict::Fail, format!("only {} of {total} credentials fetched: the Link rel=\"next\" was not followed", got.len()))
                    .with("pages fetched", Value::Array(ok.iter().map(|x| x.evidence()).collect()))
            });
            let prof = api_calls("GET", "/profile");
            r.push(match prof.iter().find(|x| x.status == 200) {
                Some(x) => CheckResult::new(&def("get-profile"), Verdict::Pass, "profile fetched")
                    .with("request", x.evidence()),
                None if !prof.is_empty() => CheckResult::new(
                    &def("get-profile"),
                    Verdict::Fail,
                    "getProfile was called, never with a valid token and scope",
                )
                .with("request", prof[0].evidence()),
                None => nothing("get-profile", "called getProfile"),
            });
        }
        Role::Write => {
            let ups = api_calls("POST", "/credentials");
            r.push(match ups.last() {
                None => nothing("upsert", "called upsertCredential"),
                Some(x) if x.status >= 300 => CheckResult::new(
                    &def("upsert"),
                    Verdict::Fail,
                    format!(
                        "upsertCredential was refused ({}): token, scope or body",
                        x.status
                    ),
                )
                .with("request", x.evidence()),
                Some(x) => {
                    let std_issuer = crate::issuer::run(
                        std,
                        "upserted credential",
                        &x.body,
                        &wellspring_verify::Options::offline(chrono::Utc::now()),
                    );
                    let failed: Vec<&str> = std_issuer
                        .checks
                        .iter()
                        .filter(|c| c.verdict == Verdict::Fail)
                        .map(|c| c.id)
                        .collect();
                    if failed.is_empty() {
                        CheckResult::new(
                            &def("upsert"),
                            Verdict::Pass,
                            format!(
                                "the credential verifies and is issued to {CONFORMANCE_RECIPIENT}"
                            ),
                        )
                        .with("request", x.evidence())
                    } else {
                        let mut c = CheckResult::new(
                            &def("upsert"),
                            Verdict::Fail,
                            format!("the upserted credential fails {}", failed.join(", ")),
                        )
                        .with("request", x.evidence());
                        for f in std_issuer
                            .checks
                            .iter()
                            .filter(|c| c.verdict == Verdict::Fail)
                        {
                            c = c.with(f.id, f.message.clone());
                        }
                        c
                    }
                }
            });
            let puts = api_calls("PUT", "/profile");
            r.push(match puts.last() {
                None => CheckResult::new(&def("put-profile"), Verdict::Skip, "putProfile not called (optional)"),
                Some(x) => {
                    let v: Option<Value> = serde_json::from_slice(&x.body).ok();
                    let url = match std {
                        Standard::Ob30 => "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json",
                        Standard::Clr20 => "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_profile_schema.json",
                    };
                    match v.as_ref().and_then(|v| wellspring_verify::schema::validate(url, wellspring_verify::schema::Form::V2, v)) {
                        Some(Ok(errs)) if errs.is_empty() => CheckResult::new(&def("put-profile"), Verdict::Pass, "a Profile valid against the official schema").with("request", x.evidence()),
                        Some(Ok(errs)) => CheckResult::new(&def("put-profile"), Verdict::Fail, format!("{} schema error(s); first: {}", errs.len(), errs[0].message)).with("request", x.evidence()),
                        _ => CheckResult::new(&def("put-profile"), Verdict::Fail, "the body is not a JSON Profile").with("request", x.evidence()),
                    }
                }
            });
        }
    }
    r
}
