//! The verdicts: what the recorded requests of a consumer show, check by check.

use super::*;

pub(super) fn defs(s: &Shared) -> HashMap<&'static str, CheckDef> {
    checks(s.o.standard, s.o.role)
        .into_iter()
        .map(|d| (d.id.rsplit('.').next().unwrap_or(d.id), d))
        .collect()
}

/// What the recorded requests show, and the checks' definitions: each check is one method.
struct Judge<'a> {
    s: &'a Shared,
    seen: &'a [Seen],
    timed_out: bool,
    d: HashMap<&'static str, CheckDef>,
    std: Standard,
    api: &'static str,
    /// The first discovery request and the first registration, by position.
    disc: Option<usize>,
    reg: Option<usize>,
    /// The authorization request the token was finally obtained from.
    auth: Option<&'a Seen>,
    /// The authorization_code token request.
    token_req: Option<&'a Seen>,
}

impl<'a> Judge<'a> {
    fn new(s: &'a Shared, seen: &'a [Seen], timed_out: bool) -> Self {
        let std = s.o.standard;
        let api = std.api_path();
        let first = |pred: &dyn Fn(&Seen) -> bool| seen.iter().position(pred);
        let disc = first(&|x| x.method == "GET" && x.path == format!("{api}/discovery"));
        let reg = first(&|x| x.method == "POST" && x.path == "/oauth/register");
        let auth = seen
            .iter()
            .rev()
            .find(|x| x.method == "GET" && x.path == "/oauth/authorize");
        let token_req = seen.iter().find(|x| {
            x.method == "POST"
                && x.path == "/oauth/token"
                && form(&x.body)
                    .get("grant_type")
                    .is_some_and(|g| g == "authorization_code")
        });
        Judge {
            s,
            seen,
            timed_out,
            d: defs(s),
            std,
            api,
            disc,
            reg,
            auth,
            token_req,
        }
    }

    fn def(&self, k: &str) -> CheckDef {
        self.d[k]
    }

    /// The failure of a check whose step the consumer never took.
    fn nothing(&self, k: &str, what: &str) -> CheckResult {
        CheckResult::new(
            &self.def(k),
            Verdict::Fail,
            format!(
                "the consumer never {what}{}",
                if self.timed_out {
                    " before the wait ran out"
                } else {
                    ""
                }
            ),
        )
    }

    /// The API calls of `m` on `p` (under the standard's API path).
    fn api_calls(&self, m: &str, p: &str) -> Vec<&'a Seen> {
        self.seen
            .iter()
            .filter(|x| x.method == m && x.path == format!("{}{p}", self.api))
            .collect()
    }

    /// `discovery`: the service description fetched first, without credentials.
    fn discovery(&self) -> CheckResult {
        match (self.disc, self.reg) {
            (Some(i), reg) if reg.is_none_or(|j| i < j) => {
                let x = &self.seen[i];
                if x.authorization.is_some() {
                    CheckResult::new(
                        &self.def("discovery"),
                        Verdict::Warn,
                        "discovery fetched first, but with an Authorization header (it is public)",
                    )
                    .with("request", x.evidence())
                } else {
                    CheckResult::new(
                        &self.def("discovery"),
                        Verdict::Pass,
                        "service description fetched first",
                    )
                    .with("request", x.evidence())
                }
            }
            (Some(_), Some(j)) | (None, Some(j)) if self.disc.is_none_or(|i| i > j) => {
                CheckResult::new(
                    &self.def("discovery"),
                    Verdict::Fail,
                    if self.disc.is_some() {
                        "the consumer registered before fetching the service description"
                    } else {
                        "the consumer registered without fetching the service description"
                    },
                )
                .with("registration", self.seen[j].evidence())
            }
            _ => self.nothing("discovery", "fetched the service description"),
        }
    }

    /// `register`: the registration carries every required field.
    fn register(&self) -> CheckResult {
        match self.reg {
            None => self.nothing("register", "registered a client"),
            Some(j) => {
                let x = &self.seen[j];
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
                        &self.def("register"),
                        Verdict::Pass,
                        "every required registration field present",
                    )
                    .with("request", x.evidence())
                } else {
                    CheckResult::new(
                        &self.def("register"),
                        Verdict::Fail,
                        format!("registration lacks: {}", missing.join(", ")),
                    )
                    .with("request", x.evidence())
                }
            }
        }
    }

    /// `scopes`: the role's scopes asked, and only scopes on offer.
    fn scopes(&self) -> CheckResult {
        let needed: Vec<String> = match self.s.o.role {
            Role::Read => vec![
                self.std.scope("credential.readonly"),
                self.std.scope("profile.readonly"),
            ],
            Role::Write => vec![self.std.scope("credential.upsert")],
        };
        match self.auth {
            None => self.nothing("scopes", "sent the learner to the authorization endpoint"),
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
                .map(|n| self.std.scope(n))
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
                        &self.def("scopes"),
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
                    CheckResult::new(&self.def("scopes"), Verdict::Fail, why.join("; "))
                        .with("request", x.evidence())
                }
            }
        }
    }

    /// `pkce`: S256 on the authorization request, its verifier at the token endpoint.
    fn pkce(&self) -> CheckResult {
        match self.auth {
            None => self.nothing("pkce", "sent an authorization request"),
            Some(x) => {
                let method = x.query.get("code_challenge_method").map(String::as_str);
                let challenge = x.query.get("code_challenge");
                match (challenge, method) {
                    (None, _) => CheckResult::new(
                        &self.def("pkce"),
                        Verdict::Fail,
                        "no code_challenge: PKCE is required",
                    )
                    .with("request", x.evidence()),
                    (Some(_), m) if m != Some("S256") => CheckResult::new(
                        &self.def("pkce"),
                        Verdict::Fail,
                        format!(
                            "code_challenge_method is {}, S256 is required",
                            m.unwrap_or("absent (plain)")
                        ),
                    )
                    .with("request", x.evidence()),
                    (Some(ch), _) => match self.token_req.map(|t| form(&t.body)) {
                        None => self.nothing("pkce", "exchanged the code at the token endpoint"),
                        Some(f) => match f.get("code_verifier") {
                            Some(v)
                                if base64::engine::general_purpose::URL_SAFE_NO_PAD
                                    .encode(Sha256::digest(v.as_bytes()))
                                    == *ch =>
                            {
                                CheckResult::new(
                                    &self.def("pkce"),
                                    Verdict::Pass,
                                    "S256 challenge, and the verifier matches",
                                )
                            }
                            Some(_) => CheckResult::new(
                                &self.def("pkce"),
                                Verdict::Fail,
                                "the code_verifier does not hash to the code_challenge",
                            ),
                            None => CheckResult::new(
                                &self.def("pkce"),
                                Verdict::Fail,
                                "the token request has no code_verifier",
                            ),
                        },
                    },
                }
            }
        }
    }

    /// `state`: a state value long enough not to be guessed.
    fn state(&self) -> CheckResult {
        match self.auth {
            None => self.nothing("state", "sent an authorization request"),
            Some(x) => match x.query.get("state") {
                Some(st) if st.len() >= 8 => CheckResult::new(
                    &self.def("state"),
                    Verdict::Pass,
                    format!("state of {} characters", st.len()),
                ),
                Some(st) => CheckResult::new(
                    &self.def("state"),
                    Verdict::Warn,
                    format!("state of only {} characters: guessable", st.len()),
                ),
                None => CheckResult::new(
                    &self.def("state"),
                    Verdict::Fail,
                    "no state parameter: the spec requires one against CSRF",
                )
                .with("request", x.evidence()),
            },
        }
    }

    /// `token-request`: Basic client authentication and every required parameter.
    fn token_request(&self) -> CheckResult {
        match self.token_req {
            None => self.nothing(
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
                    wrong.push(
                        "no HTTP Basic client authentication (client_secret_basic)".to_owned(),
                    );
                }
                for k in ["code", "redirect_uri", "code_verifier"] {
                    if !f.contains_key(k) {
                        wrong.push(format!("no {k}"));
                    }
                }
                if let (Some(a), Some(ru)) = (self.auth, f.get("redirect_uri")) {
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
                        &self.def("token-request"),
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
                    CheckResult::new(&self.def("token-request"), Verdict::Fail, wrong.join("; "))
                        .with("request", t.evidence())
                }
            }
        }
    }

    /// The read role: getCredentials, every page of it, getProfile.
    fn read_calls(&self, r: &mut DocReport) {
        let gets = self.api_calls("GET", "/credentials");
        let ok: Vec<&&Seen> = gets.iter().filter(|x| x.status == 200).collect();
        r.push(match (gets.is_empty(), ok.is_empty()) {
            (true, _) => self.nothing("get-credentials", "called getCredentials"),
            (false, true) => CheckResult::new(
                &self.def("get-credentials"),
                Verdict::Fail,
                "getCredentials was called, never with a valid token and scope",
            )
            .with("request", gets[0].evidence()),
            _ => CheckResult::new(
                &self.def("get-credentials"),
                Verdict::Pass,
                format!("{} successful call(s)", ok.len()),
            )
            .with("first", ok[0].evidence()),
        });
        let total = self.s.credentials.len();
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
                .unwrap_or(self.s.o.page_size)
                .min(self.s.o.page_size)
                .max(1);
            for i in offset..(offset + limit).min(total) {
                got.insert(i);
            }
        }
        r.push(if ok.is_empty() {
                self.nothing("paging", "fetched a page of credentials")
            } else if got.len() == total {
                CheckResult::new(&self.def("paging"), Verdict::Pass, format!("all {total} credentials fetched over {} page request(s)", ok.len()))
            } else {
                CheckResult::new(&self.def("paging"), Verdict::Fail, format!("only {} of {total} credentials fetched: the Link rel=\"next\" was not followed", got.len()))
                    .with("pages fetched", Value::Array(ok.iter().map(|x| x.evidence()).collect()))
            });
        let prof = self.api_calls("GET", "/profile");
        r.push(match prof.iter().find(|x| x.status == 200) {
            Some(x) => CheckResult::new(&self.def("get-profile"), Verdict::Pass, "profile fetched")
                .with("request", x.evidence()),
            None if !prof.is_empty() => CheckResult::new(
                &self.def("get-profile"),
                Verdict::Fail,
                "getProfile was called, never with a valid token and scope",
            )
            .with("request", prof[0].evidence()),
            None => self.nothing("get-profile", "called getProfile"),
        });
    }

    /// The write role: upsertCredential (a conformance credential) and putProfile.
    fn write_calls(&self, r: &mut DocReport) {
        let ups = self.api_calls("POST", "/credentials");
        r.push(match ups.last() {
            None => self.nothing("upsert", "called upsertCredential"),
            Some(x) if x.status >= 300 => CheckResult::new(
                &self.def("upsert"),
                Verdict::Fail,
                format!(
                    "upsertCredential was refused ({}): token, scope or body",
                    x.status
                ),
            )
            .with("request", x.evidence()),
            Some(x) => {
                let std_issuer = crate::issuer::run(
                    self.std,
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
                        &self.def("upsert"),
                        Verdict::Pass,
                        format!("the credential verifies and is issued to {CONFORMANCE_RECIPIENT}"),
                    )
                    .with("request", x.evidence())
                } else {
                    let mut c = CheckResult::new(
                        &self.def("upsert"),
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
        let puts = self.api_calls("PUT", "/profile");
        r.push(match puts.last() {
                None => CheckResult::new(&self.def("put-profile"), Verdict::Skip, "putProfile not called (optional)"),
                Some(x) => {
                    let v: Option<Value> = serde_json::from_slice(&x.body).ok();
                    let url = match self.std {
                        Standard::Ob30 => "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json",
                        Standard::Clr20 => "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_profile_schema.json",
                    };
                    match v.as_ref().and_then(|v| wellspring_verify::schema::validate(url, wellspring_verify::schema::Form::V2, v)) {
                        Some(Ok(errs)) if errs.is_empty() => CheckResult::new(&self.def("put-profile"), Verdict::Pass, "a Profile valid against the official schema").with("request", x.evidence()),
                        Some(Ok(errs)) => CheckResult::new(&self.def("put-profile"), Verdict::Fail, format!("{} schema error(s); first: {}", errs.len(), errs[0].message)).with("request", x.evidence()),
                        _ => CheckResult::new(&self.def("put-profile"), Verdict::Fail, "the body is not a JSON Profile").with("request", x.evidence()),
                    }
                }
            });
    }
}

pub(super) fn judge(s: &Shared, seen: &[Seen], timed_out: bool) -> DocReport {
    let std = s.o.standard;
    let j = Judge::new(s, seen, timed_out);
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
    r.push(j.discovery());
    r.push(j.register());
    r.push(j.scopes());
    r.push(j.pkce());
    r.push(j.state());
    r.push(j.token_request());
    match s.o.role {
        Role::Read => {
            j.read_calls(&mut r);
            r.push(errors::judge(s, seen, j.def("error-handling")));
        }
        Role::Write => j.write_calls(&mut r),
    }
    r
}
