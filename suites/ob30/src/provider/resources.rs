//! The read API: getCredentials (listing, verification, paging, since, bad queries) and getProfile.

use super::*;

pub(super) fn random_hex(n: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// GET credentials with a query; (response, listing) or the problem.
pub(super) fn get_list(r: &Run, token: &str, query: &str) -> Result<(Response, Listing), String> {
    let u = if query.is_empty() {
        r.url("/credentials")
    } else {
        format!("{}?{query}", r.url("/credentials"))
    };
    let resp = r.c.get(&u, Some(token)).map_err(|e| e.0)?;
    if resp.status != 200 {
        return Err(format!("GET {u} answered {}", resp.status));
    }
    let v = resp.json()?;
    Ok((resp, listing(&v)))
}

/// The read checks, one function per check.
pub(super) fn api_read_checks(r: &mut Run, main: Option<&Grant>, _narrow: Option<&Grant>) {
    let d = r.api.defs;
    check_auth_required(r);
    check_auth_invalid(r);
    let Some(g) = main else {
        for x in [
            d.CREDENTIALS,
            d.CREDENTIALS_VERIFY,
            d.PAGING,
            d.SINCE,
            d.BAD_QUERY,
            d.PROFILE,
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
    let all = read_credentials(r, &token, d.CREDENTIALS);
    verify_credentials(r, all.as_ref());
    paging(r, &token, all.as_ref());
    check_since(r, &token, all.as_ref());
    check_bad_query(r, &token);
    profile_check(r, &token, d.PROFILE);
}

/// auth-required: every endpoint the role uses answers 401 with imsx_StatusInfo without a token.
fn check_auth_required(r: &mut Run) {
    let d = r.api.defs;
    let m = r.start(d.AUTH_REQUIRED);
    // every endpoint the role uses, without a token (the bodies are well-formed, so only the
    // missing token can be the reason to refuse)
    let mut calls: Vec<(&str, &str, Body)> = vec![
        ("GET", "/credentials", Body::None),
        ("GET", "/profile", Body::None),
    ];
    if r.o.role == Role::Write {
        let (cred, _) = upsert_payloads(r.o.standard).unwrap_or_default();
        calls.push(("POST", "/credentials", Body::Json(cred)));
        calls.push((
            "PUT",
            "/profile",
            Body::Json(json!({"type": ["Profile"], "name": "No token"})),
        ));
    }
    let mut problems = Vec::new();
    for (method, path, body) in calls {
        let accept = vec![("Accept".to_owned(), "application/json".to_owned())];
        match r.c.send(method, &r.url(path), accept, body) {
            Err(e) => problems.push(format!("{method} {path}: {}", e.0)),
            Ok(x) if x.status == 401 => problems.extend(
                r.imsx_problems(&x)
                    .into_iter()
                    .map(|p| format!("{method} {path}: {p}")),
            ),
            Ok(x) => problems.push(format!(
                "{method} {path} answered {} without a token (401 expected)",
                x.status
            )),
        }
    }
    let res = result(
        d.AUTH_REQUIRED,
        problems,
        "401 with imsx_StatusInfo on every endpoint without a token",
    );
    r.done(m, res);
}

/// auth-invalid: an unknown token is answered 401 with imsx_StatusInfo.
fn check_auth_invalid(r: &mut Run) {
    let d = r.api.defs;
    let m = r.start(d.AUTH_INVALID);
    let bogus = format!("wellspring-invalid-{}", random_hex(12));
    let res = match r.c.get(&r.url("/credentials"), Some(&bogus)) {
        Err(e) => CheckResult::new(&d.AUTH_INVALID, Verdict::Fail, e.0),
        Ok(x) if x.status == 401 => result(
            d.AUTH_INVALID,
            r.imsx_problems(&x),
            "401 with imsx_StatusInfo",
        ),
        Ok(x) => CheckResult::new(
            &d.AUTH_INVALID,
            Verdict::Fail,
            format!("answered {} with an unknown token (401 expected)", x.status),
        ),
    };
    r.done(m, res);
}

/// since: a future date returns nothing, a date long past returns every credential.
fn check_since(r: &mut Run, token: &str, all: Option<&Listing>) {
    let d = r.api.defs;
    let m = r.start(d.SINCE);
    let mut p = Vec::new();
    match get_list(r, token, "since=2999-01-01T00:00:00Z") {
        Err(e) => p.push(e),
        Ok((_, l)) if l.len() > 0 => p.push(format!(
            "since=2999-01-01T00:00:00Z returned {} credential(s)",
            l.len()
        )),
        Ok(_) => {}
    }
    match (
        get_list(r, token, "since=1900-01-01T00:00:00Z&limit=1000"),
        all,
    ) {
        (Err(e), _) => p.push(e),
        (Ok((_, l)), Some(a)) if l.len() < a.len().min(1000) => p.push(format!(
            "since=1900-01-01T00:00:00Z returned {} of {} credentials",
            l.len(),
            a.len()
        )),
        _ => {}
    }
    let res = result(d.SINCE, p, "since filters by issue date");
    r.done(m, res);
}

/// bad-query: malformed limit and offset are answered 400 with imsx_StatusInfo.
fn check_bad_query(r: &mut Run, token: &str) {
    let d = r.api.defs;
    let m = r.start(d.BAD_QUERY);
    let mut p = Vec::new();
    for q in ["limit=0", "limit=abc", "offset=-1"] {
        match r
            .c
            .get(&format!("{}?{q}", r.url("/credentials")), Some(token))
        {
            Err(e) => p.push(e.0),
            Ok(x) if x.status == 400 => {
                p.extend(r.imsx_problems(&x).into_iter().map(|s| format!("{q}: {s}")))
            }
            Ok(x) => p.push(format!("{q} answered {} (400 expected)", x.status)),
        }
    }
    let res = result(d.BAD_QUERY, p, "400 with imsx_StatusInfo");
    r.done(m, res);
}

/// getCredentials + schema; every page walked (limit 1000 would be a guess, follow next).
pub(super) fn read_credentials(r: &mut Run, token: &str, def: CheckDef) -> Option<Listing> {
    let m = r.start(def);
    let mut p = Vec::new();
    let mut out = None;
    let mut warn = None;
    match r.c.get(&r.url("/credentials"), Some(token)) {
        Err(e) => p.push(e.0),
        Ok(x) if x.status != 200 => p.push(format!("getCredentials answered {}", x.status)),
        Ok(x) => {
            if !x.header("content-type").unwrap_or("").contains("json") {
                p.push(format!(
                    "Content-Type {:?} is not JSON",
                    x.header("content-type")
                ));
            }
            match x.json() {
                Err(e) => p.push(e),
                Ok(v) => {
                    let mut l = listing(&v);
                    if l.plural {
                        warn = Some("compactJwsStrings (plural, api.html sample) used instead of compactJwsString".to_owned());
                        let mut v2 = v.clone();
                        if let Some(o) = v2.as_object_mut() {
                            if let Some(x) = o.remove("compactJwsStrings") {
                                o.insert("compactJwsString".into(), x);
                            }
                        }
                        p.extend(schema_problems(r.api.response_schema, &v2));
                    } else {
                        p.extend(schema_problems(r.api.response_schema, &v));
                    }
                    // follow next pages so "every credential" means every one
                    let mut next = next_link(&x);
                    let mut guard = 0;
                    while let Some(u) = next {
                        guard += 1;
                        if guard > 50 {
                            break;
                        }
                        match r.c.get(&u, Some(token)).ok().filter(|y| y.status == 200) {
                            Some(y) => {
                                let more = y.json().map(|v| listing(&v)).unwrap_or_default();
                                l.json.extend(more.json);
                                l.jws.extend(more.jws);
                                next = next_link(&y);
                            }
                            None => break,
                        }
                    }
                    out = Some(l);
                }
            }
        }
    }
    let mut res = result(
        def,
        p,
        &format!(
            "200, valid response ({} credential(s))",
            out.as_ref().map(Listing::len).unwrap_or(0)
        ),
    );
    if let (Some(w), Verdict::Pass) = (warn, res.verdict) {
        res.verdict = Verdict::Warn;
        res.message = w;
    }
    r.done(m, res);
    out
}

pub(super) fn verify_credentials(r: &mut Run, all: Option<&Listing>) {
    let d = r.api.defs.CREDENTIALS_VERIFY;
    let Some(l) = all else {
        let m = r.start(d);
        r.done(
            m,
            CheckResult::new(&d, Verdict::Fail, "no credentials read (see credentials)"),
        );
        return;
    };
    if l.len() == 0 {
        r.skip(d, "the provider returned no credential to verify");
        return;
    }
    let m = r.start(d);
    let mut opts = wellspring_verify::Options::offline(chrono::Utc::now());
    if r.o.verify_online {
        let policy = NetPolicy::default()
            .with_timeout(r.o.timeout)
            .allow_private(r.o.allow_private_network);
        if let Ok(fetch) = wellspring_http::guard::fetch_text(policy) {
            opts = opts.with_network(fetch);
        }
    }
    let mut failed = Vec::new();
    let items: Vec<(String, Vec<u8>)> = l
        .json
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("credential[{i}]"),
                serde_json::to_vec(c).unwrap_or_default(),
            )
        })
        .chain(
            l.jws
                .iter()
                .enumerate()
                .map(|(i, j)| (format!("compactJwsString[{i}]"), j.as_bytes().to_vec())),
        )
        .collect();
    let mut refresh = Refreshes::default();
    for (name, bytes) in &items {
        let rep = wellspring_verify::verify_bytes(name, bytes, &opts);
        refresh.count(&rep);
        let mut all = Vec::new();
        rep.walk(&mut all);
        for (subject, c) in all {
            if c.verdict == Verdict::Fail {
                failed.push(json!({"credential": name, "subject": subject, "check": c.id, "message": c.message}));
            }
        }
    }
    let res = if failed.is_empty() {
        CheckResult::new(
            &d,
            Verdict::Pass,
            format!("{} credential(s) verified{}", items.len(), refresh.said()),
        )
    } else {
        CheckResult::new(
            &d,
            Verdict::Fail,
            format!("{} verification check(s) failed", failed.len()),
        )
        .with("failures", Value::Array(failed))
    };
    r.done(m, res);
}

/// What became of the credentials' `refreshService` (OB 3.0 verification step 3): followed
/// only with `--online`, through the guarded network layer.
#[derive(Default)]
struct Refreshes {
    refreshed: usize,
    offline: usize,
}

impl Refreshes {
    fn count(&mut self, rep: &wellspring_verify::DocReport) {
        let id = wellspring_verify::checks::REFRESH.id;
        for c in rep.checks.iter().filter(|c| c.id == id) {
            match c.verdict {
                Verdict::Pass => self.refreshed += 1,
                Verdict::Skip if c.message.contains("offline") => self.offline += 1,
                _ => {}
            }
        }
    }

    fn said(&self) -> String {
        match (self.refreshed, self.offline) {
            (0, 0) => String::new(),
            (n, 0) => format!("; {n} refreshed through their refreshService"),
            (_, n) => format!(
                "; {n} refreshService not followed (offline: certify --online follows them)"
            ),
        }
    }
}

/// The Link header's rel targets.
pub(super) fn links(resp: &Response) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in &resp.headers {
        if !k.eq_ignore_ascii_case("link") {
            continue;
        }
        for part in v.split(',') {
            let mut segs = part.split(';');
            let Some(u) = segs.next() else { continue };
            let u = u
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
            for s in segs {
                let s = s.trim();
                if let Some(rel) = s.strip_prefix("rel=") {
                    for one in rel.trim_matches('"').split_whitespace() {
                        out.push((one.to_owned(), u.clone()));
                    }
                }
            }
        }
    }
    out
}

pub(super) fn next_link(resp: &Response) -> Option<String> {
    let l = links(resp).into_iter().find(|(r, _)| r == "next")?.1;
    url::Url::parse(&resp.url)
        .ok()?
        .join(&l)
        .ok()
        .map(|u| u.to_string())
}

/// paging: getCredentials walked one item a page, following `Link: rel="next"`.
pub(super) fn paging(r: &mut Run, token: &str, all: Option<&Listing>) {
    let d = r.api.defs.PAGING;
    let m = r.start(d);
    let mut p = Vec::new();
    let total_known = all.map(Listing::len);
    let mut seen: Vec<String> = Vec::new();
    let mut url = format!("{}?limit=1&offset=0", r.url("/credentials"));
    let mut offset = 0usize;
    let mut total: Option<usize> = None;
    for _ in 0..200 {
        let resp = match r.c.get(&url, Some(token)) {
            Err(e) => {
                p.push(e.0);
                break;
            }
            Ok(x) => x,
        };
        if resp.status != 200 {
            p.push(format!("{url} answered {}", resp.status));
            break;
        }
        let l = resp.json().map(|v| listing(&v)).unwrap_or_default();
        if l.len() > 1 {
            p.push(format!("limit=1 returned {} items", l.len()));
        }
        page_total(&resp, &mut total, &mut p);
        let t = total.or(total_known).unwrap_or(0);
        let incomplete = offset + l.len() < t;
        page_links(&resp, offset, incomplete, t, &mut p);
        seen.extend(l.keys());
        if l.len() == 0 {
            break;
        }
        offset += l.len();
        match next_link(&resp) {
            Some(n) if incomplete => url = n,
            _ => break,
        }
        if p.len() > 20 {
            break;
        }
    }
    distinct_items(&seen, total.or(total_known), &mut p);
    p.dedup();
    let res = result(d, p, &format!("{} page(s) of 1 walked", seen.len()));
    r.done(m, res);
}

/// A page's X-Total-Count: a number, the same on every page.
fn page_total(resp: &Response, total: &mut Option<usize>, p: &mut Vec<String>) {
    match resp
        .header("x-total-count")
        .map(|s| s.trim().parse::<usize>())
    {
        Some(Ok(n)) => {
            if total.is_some_and(|t| t != n) {
                p.push(format!(
                    "X-Total-Count changed between pages ({:?} then {n})",
                    total
                ));
            }
            *total = Some(n);
        }
        Some(Err(_)) => p.push("X-Total-Count is not a number".into()),
        // sent when the provider knows the total, omitted otherwise (the API's header description)
        None => {}
    }
}

/// A page's Link relations: next exactly when more follow, first and last, prev after the first.
fn page_links(resp: &Response, offset: usize, incomplete: bool, t: usize, p: &mut Vec<String>) {
    let rels: Vec<String> = links(resp).into_iter().map(|(r, _)| r).collect();
    if incomplete && !rels.iter().any(|x| x == "next") {
        p.push(format!("no Link rel=\"next\" at offset {offset} of {t}"));
    }
    if !incomplete && rels.iter().any(|x| x == "next") {
        p.push(format!(
            "Link rel=\"next\" on the last page (offset {offset} of {t})"
        ));
    }
    if !rels.is_empty() || incomplete {
        for must in ["first", "last"] {
            if !rels.iter().any(|x| x == must) {
                p.push(format!("no Link rel=\"{must}\" at offset {offset}"));
            }
        }
    }
    if offset > 0 && !rels.iter().any(|x| x == "prev") {
        p.push(format!("no Link rel=\"prev\" at offset {offset}"));
    }
}

/// The items seen across pages: no duplicates, as many as the total.
fn distinct_items(seen: &[String], total: Option<usize>, p: &mut Vec<String>) {
    let uniq: BTreeSet<&String> = seen.iter().collect();
    if uniq.len() != seen.len() {
        p.push(format!(
            "{} duplicate item(s) across pages",
            seen.len() - uniq.len()
        ));
    }
    if let Some(t) = total {
        if uniq.len() != t {
            p.push(format!(
                "the pages hold {} distinct item(s), the total is {t}",
                uniq.len()
            ));
        }
    }
}

pub(super) fn profile_check(r: &mut Run, token: &str, def: CheckDef) -> Option<Value> {
    let m = r.start(def);
    let mut p = Vec::new();
    let mut out = None;
    match r.c.get(&r.url("/profile"), Some(token)) {
        Err(e) => p.push(e.0),
        Ok(x) if x.status != 200 => p.push(format!("getProfile answered {}", x.status)),
        Ok(x) => match x.json() {
            Err(e) => p.push(e),
            Ok(v) => {
                p.extend(schema_problems(r.api.profile_schema, &v));
                out = Some(v);
            }
        },
    }
    let res = result(def, p, "200 with a valid Profile");
    r.done(m, res);
    out
}

// ---------- write ----------
