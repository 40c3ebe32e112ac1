//! The verification pipeline: OB 3.0 "Verification and Validation" (`#verification`), step by
//! step, for one input. Each step reports under a check declared in `checks.rs`.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::baked;
use crate::canon::{canonical_nquads, CanonError};
use crate::checks::{self, CheckDef};
use crate::di::{self, ProofTrace, Suite};
use crate::jwt::{self, DecodedJwt};
use crate::keys::ResolvedKey;
use crate::loader::is_known_offline;
use crate::schema::{self, Form};
use crate::status::{self, Status};
use crate::Options;
use wellspring_report::{CheckResult, DocReport, Verdict};

/// How deep credentials may nest (CLR → credential → endorsement → …).
const MAX_NESTING: usize = 4;

const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";

fn res(def: &CheckDef, v: Verdict, msg: impl Into<String>) -> CheckResult {
    CheckResult::new(def, v, msg)
}

pub(crate) fn verify_input(name: &str, bytes: &[u8], opts: &Options) -> DocReport {
    let mut r = DocReport::new(name);
    if bytes.len() > opts.max_bytes {
        r.kind = "oversized input".into();
        r.push(res(
            &checks::PARSE_JSON,
            Verdict::Fail,
            format!(
                "input is larger than the {} bytes allowed (--max-bytes)",
                opts.max_bytes
            ),
        ));
        return r;
    }
    let text = if baked::is_png(bytes) {
        match baked::extract_png(bytes) {
            Ok(t) => {
                r.push(res(
                    &checks::INPUT_PNG,
                    Verdict::Pass,
                    "credential extracted from iTXt 'openbadgecredential'",
                ));
                t
            }
            Err(e) => {
                r.kind = "baked PNG".into();
                r.push(res(&checks::INPUT_PNG, Verdict::Fail, e));
                return r;
            }
        }
    } else if std::str::from_utf8(bytes)
        .map(|t| t.trim_start().starts_with('<'))
        .unwrap_or(false)
    {
        match baked::extract_svg(bytes) {
            Ok(t) => {
                r.push(res(
                    &checks::INPUT_SVG,
                    Verdict::Pass,
                    "credential extracted from openbadges:credential",
                ));
                t
            }
            Err(e) => {
                r.kind = "baked SVG".into();
                r.push(res(&checks::INPUT_SVG, Verdict::Fail, e));
                return r;
            }
        }
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_owned(),
            Err(e) => {
                r.push(res(
                    &checks::PARSE_JSON,
                    Verdict::Fail,
                    format!("input is neither UTF-8 text, PNG nor SVG: {e}"),
                ));
                return r;
            }
        }
    };
    verify_text(&mut r, &text, opts, 0, true);
    r
}

/// Nesting depth of JSON text, counted without parsing (strings skipped), stopping early.
fn json_depth_exceeds(text: &str, max: usize) -> bool {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn parse_json(r: &mut DocReport, text: &str, opts: &Options) -> Option<Value> {
    if json_depth_exceeds(text, opts.max_depth) {
        r.push(res(
            &checks::PARSE_JSON,
            Verdict::Fail,
            format!(
                "JSON nests deeper than {} levels (--max-depth)",
                opts.max_depth
            ),
        ));
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v) if v.is_object() => {
            r.push(res(
                &checks::PARSE_JSON,
                Verdict::Pass,
                "well-formed JSON object",
            ));
            Some(v)
        }
        Ok(v) => {
            r.push(res(
                &checks::PARSE_JSON,
                Verdict::Fail,
                format!("expected a JSON object, found {}", type_name(&v)),
            ));
            None
        }
        Err(e) => {
            r.push(res(
                &checks::PARSE_JSON,
                Verdict::Fail,
                format!("malformed JSON: {e}"),
            ));
            None
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A credential or presentation given as text: compact JWS or JSON.
fn verify_text(r: &mut DocReport, text: &str, opts: &Options, level: usize, top: bool) {
    if jwt::looks_like_jws(text) {
        match jwt::decode(text) {
            Ok(j) => {
                r.push(res(
                    &checks::PARSE_JSON,
                    Verdict::Pass,
                    "compact JWS with JSON header and payload",
                ));
                let cred = j.credential.clone();
                verify_credential(r, &cred, Some(&j), opts, level, top);
            }
            Err(e) => {
                r.kind = "VC-JWT".into();
                r.push(res(&checks::PARSE_JSON, Verdict::Fail, e));
            }
        }
        return;
    }
    let Some(v) = parse_json(r, text, opts) else {
        return;
    };
    if types(&v).iter().any(|t| t == "VerifiablePresentation") {
        verify_presentation(r, &v, opts, level);
    } else {
        verify_credential(r, &v, None, opts, level, top);
    }
}

fn types(v: &Value) -> Vec<String> {
    match v.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => vec![],
    }
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    OpenBadge,
    Achievement,
    Endorsement,
    Clr,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::OpenBadge => "OpenBadgeCredential",
            Kind::Achievement => "AchievementCredential",
            Kind::Endorsement => "EndorsementCredential",
            Kind::Clr => "ClrCredential",
        }
    }
}

fn contexts(cred: &Value) -> Vec<String> {
    as_list(cred.get("@context"))
        .into_iter()
        .map(|c| {
            c.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| "(inline context)".into())
        })
        .collect()
}

fn is_ob_context(c: &str) -> bool {
    matches!(
        c,
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
            | "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json"
            | "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
            | "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
            | "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    )
}

fn is_clr_context(c: &str) -> bool {
    c.starts_with("https://purl.imsglobal.org/spec/clr/v2p0/context") && c.ends_with(".json")
}

fn verify_credential(
    r: &mut DocReport,
    cred: &Value,
    jwt: Option<&DecodedJwt>,
    opts: &Options,
    level: usize,
    top: bool,
) {
    // 3. Type (first: it decides which schema and context apply).
    let ts = types(cred);
    let kind = if ts.iter().any(|t| t == "ClrCredential") {
        Some(Kind::Clr)
    } else if ts.iter().any(|t| t == "EndorsementCredential") {
        Some(Kind::Endorsement)
    } else if ts.iter().any(|t| t == "OpenBadgeCredential") {
        Some(Kind::OpenBadge)
    } else if ts.iter().any(|t| t == "AchievementCredential") {
        Some(Kind::Achievement)
    } else {
        None
    };
    let proof_label = match jwt {
        Some(j) => format!(
            "VC-JWT {}",
            j.header.get("alg").and_then(Value::as_str).unwrap_or("?")
        ),
        // every proof of a proof set, in order: "eddsa-rdfc-2022 + ecdsa-sd-2023"
        None => {
            let suites: Vec<&str> = as_list(cred.get("proof"))
                .iter()
                .map(|p| {
                    p.get("cryptosuite")
                        .or_else(|| p.get("type"))
                        .and_then(Value::as_str)
                        .unwrap_or("unnamed proof")
                })
                .collect();
            if suites.is_empty() {
                "no proof".to_owned()
            } else {
                suites.join(" + ")
            }
        }
    };
    r.kind = format!(
        "{} ({proof_label})",
        kind.map(Kind::name).unwrap_or("unknown credential type")
    );
    let has_vc = ts.iter().any(|t| t == "VerifiableCredential");
    match (has_vc, kind) {
        (true, Some(k)) => r.push(res(&checks::TYPE, Verdict::Pass, format!("VerifiableCredential, {}", k.name()))),
        _ => r.push(res(&checks::TYPE, Verdict::Fail, format!(
            "type must contain VerifiableCredential and one of OpenBadgeCredential, AchievementCredential, EndorsementCredential, ClrCredential; found {ts:?}"
        )).at("/type", "type", cred.get("type").cloned().unwrap_or(Value::Null))),
    }
    let kind = kind.unwrap_or(Kind::OpenBadge);

    // 2. Context.
    let ctx = contexts(cred);
    let form = if ctx.first().map(String::as_str) == Some(VC_V1) {
        Form::V1
    } else {
        Form::V2
    };
    base_context(r, &ctx);
    let (std_ok, std_name) = if kind == Kind::Clr {
        (ctx.iter().any(|c| is_clr_context(c)), "CLR 2.0")
    } else {
        (ctx.iter().any(|c| is_ob_context(c)), "OB 3.0")
    };
    if std_ok {
        r.push(res(
            &checks::CONTEXT_OB,
            Verdict::Pass,
            format!("{std_name} context present"),
        ));
    } else {
        r.push(
            res(
                &checks::CONTEXT_OB,
                Verdict::Fail,
                format!("the {std_name} context is missing from @context"),
            )
            .at("/@context", "@context", Value::from(ctx.clone())),
        );
    }
    let unknown: Vec<&String> = ctx
        .iter()
        .filter(|c| !c.starts_with('(') && !is_known_offline(c))
        .collect();
    let contexts_loadable = if unknown.is_empty() {
        r.push(res(
            &checks::CONTEXT_KNOWN,
            Verdict::Pass,
            format!("{} context(s), all pinned", ctx.len()),
        ));
        true
    } else if opts.fetch.is_some() {
        r.push(res(
            &checks::CONTEXT_KNOWN,
            Verdict::Warn,
            format!("not pinned, fetched online: {unknown:?}"),
        ));
        true
    } else {
        r.push(
            res(
                &checks::CONTEXT_KNOWN,
                Verdict::Fail,
                format!(
            "unknown remote context(s) {unknown:?}: not fetched offline (use --online to fetch)"
        ),
            )
            .at("/@context", "@context", Value::from(ctx.clone())),
        );
        false
    };

    // Canonical form of the credential without its proof: judges the terms, and is reused
    // by the Data Integrity proof check.
    let mut unsecured = cred.clone();
    if let Some(o) = unsecured.as_object_mut() {
        o.remove("proof");
    }
    let canon = if contexts_loadable {
        Some(canonical_nquads(&unsecured, &opts.loader))
    } else {
        None
    };
    match &canon {
        None => r.push(res(
            &checks::CONTEXT_TERMS,
            Verdict::Skip,
            "contexts could not be loaded",
        )),
        Some(Ok(lines)) => r.push(res(
            &checks::CONTEXT_TERMS,
            Verdict::Pass,
            format!("every term defined ({} quads)", lines.len()),
        )),
        // Expansion succeeded; only the canonicalization's bounds were hit: the proof check
        // reports it (the terms are fine).
        Some(Err(e @ (CanonError::Budget(_) | CanonError::TooLarge(_)))) => r.push(res(
            &checks::CONTEXT_TERMS,
            Verdict::Pass,
            format!("every term defined (canonicalization refused: {e})"),
        )),
        Some(Err(e)) => r.push(res(&checks::CONTEXT_TERMS, Verdict::Fail, e.to_string())),
    }

    // 4. Schema.
    let main_schema = match kind {
        Kind::Clr => schema::CLR_CREDENTIAL,
        Kind::Endorsement => schema::OB_ENDORSEMENT_CREDENTIAL,
        _ => schema::OB_ACHIEVEMENT_CREDENTIAL,
    };
    let schema_def = if kind == Kind::Clr {
        &checks::SCHEMA_CLR
    } else {
        &checks::SCHEMA_OB
    };
    let schema_ok = schema_check(r, schema_def, main_schema, form, cred);
    declared_schemas(r, cred, form, main_schema, schema_ok, opts);

    // 5. Subject.
    let subject = cred.get("credentialSubject");
    match subject {
        Some(Value::Object(s)) => {
            let id = s.get("id").and_then(Value::as_str);
            let idents = as_list(s.get("identifier")).len();
            if id.is_some() || idents > 0 {
                r.push(res(
                    &checks::SUBJECT_ID,
                    Verdict::Pass,
                    match id {
                        Some(id) => format!("subject id {id}"),
                        None => format!("{idents} identifier(s)"),
                    },
                ));
            } else {
                r.push(
                    res(
                        &checks::SUBJECT_ID,
                        Verdict::Fail,
                        "credentialSubject has neither id nor identifier",
                    )
                    .at(
                        "/credentialSubject",
                        "credentialSubject",
                        Value::Object(s.clone()),
                    ),
                );
            }
        }
        other => r.push(res(
            &checks::SUBJECT_ID,
            Verdict::Fail,
            format!(
                "credentialSubject must be an object; found {}",
                other.map(type_name).unwrap_or("nothing")
            ),
        )),
    }

    // 6. Proof.
    let issuer = jwt::issuer_id(cred).map(str::to_owned);
    proofs(
        r,
        cred,
        jwt,
        canon.and_then(Result::ok),
        issuer.as_deref(),
        opts,
    );

    // 7. Validity window.
    validity(r, cred, jwt, form, opts);

    // 8. Status.
    let cid = cred.get("id").and_then(Value::as_str);
    let entries = as_list(cred.get("credentialStatus"));
    if entries.is_empty() {
        r.push(res(
            &checks::STATUS,
            Verdict::Skip,
            "no credentialStatus: nothing to check",
        ));
    }
    for e in entries {
        match status::check(e, cid, opts) {
            Status::Active(m) => r.push(res(&checks::STATUS, Verdict::Pass, m)),
            Status::Revoked(m) => {
                r.push(res(&checks::STATUS, Verdict::Fail, format!("revoked: {m}")))
            }
            Status::Unknown(m) => status_not_checked(r, format!("status not checked: {m}"), opts),
            Status::Unsupported(t) => status_not_checked(
                r,
                format!("status not checked: status type {t:?} is not supported"),
                opts,
            ),
        }
    }

    // 9. Endorsements.
    endorsements(r, cred, opts, level);

    // 10. Recipient.
    if top {
        recipient(r, cred, opts);
    }

    // CLR 2.0: bundled credentials and associations.
    if kind == Kind::Clr {
        clr(r, cred, opts, level);
    }
}

/// A proof of a suite we do not verify is still JSON-LD: its terms must be defined (a proof
/// set whose other proof verifies does not excuse an undefined proof `type`).
fn unknown_proof_terms(
    r: &mut DocReport,
    cred: &Value,
    proof: &Value,
    pointer: &str,
    opts: &Options,
) {
    let Some(p) = proof.as_object() else {
        return;
    };
    let mut cfg = p.clone();
    if let Some(ctx) = cred.get("@context") {
        cfg.insert("@context".into(), ctx.clone());
    }
    if let Err(e) = crate::canon::check_terms(&Value::Object(cfg), &opts.loader) {
        r.push(
            res(
                &checks::CONTEXT_TERMS,
                Verdict::Fail,
                format!("in the proof at {pointer}: {e}"),
            )
            .at(pointer, "proof", proof.clone()),
        );
    }
}

/// A status that could not be determined: never "not revoked". A warning and the caveat in
/// every output, or a failure with `--require-status`.
fn status_not_checked(r: &mut DocReport, msg: String, opts: &Options) {
    r.caveat(wellspring_report::CAVEAT_STATUS);
    if opts.require_status {
        r.push(res(
            &checks::STATUS,
            Verdict::Fail,
            format!("{msg} (--require-status)"),
        ));
    } else {
        r.push(res(&checks::STATUS, Verdict::Warn, msg));
    }
}

fn schema_check(r: &mut DocReport, def: &CheckDef, url: &str, form: Form, cred: &Value) -> bool {
    let form_note = if form == Form::V1 {
        " (adapted to VC DM 1.1: issuanceDate for validFrom)"
    } else {
        ""
    };
    match schema::validate(url, form, cred) {
        Some(Ok(errs)) if errs.is_empty() => {
            r.push(res(
                def,
                Verdict::Pass,
                format!("valid against {}{form_note}", short(url)),
            ));
            true
        }
        Some(Ok(errs)) => {
            let first = &errs[0];
            let mut c = res(
                def,
                Verdict::Fail,
                format!(
                    "{} schema error(s) against {}{form_note}; first: {} at {}",
                    errs.len(),
                    short(url),
                    first.message,
                    if first.pointer.is_empty() {
                        "/"
                    } else {
                        &first.pointer
                    }
                ),
            );
            for e in errs.iter().take(20) {
                c = c.at(&e.pointer, "schema error", Value::from(e.message.clone()));
            }
            r.push(c);
            false
        }
        Some(Err(e)) => {
            r.push(res(def, Verdict::Fail, e));
            false
        }
        None => {
            r.push(res(def, Verdict::Skip, format!("no shipped schema {url}")));
            false
        }
    }
}

fn short(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

fn declared_schemas(
    r: &mut DocReport,
    cred: &Value,
    form: Form,
    main: &str,
    main_ok: bool,
    opts: &Options,
) {
    let entries = as_list(cred.get("credentialSchema"));
    if entries.is_empty() {
        r.push(res(
            &checks::SCHEMA_DECLARED,
            Verdict::Skip,
            "no credentialSchema declared",
        ));
        return;
    }
    for e in entries {
        let id = e.get("id").and_then(Value::as_str).unwrap_or_default();
        let ty = e.get("type").and_then(Value::as_str).unwrap_or_default();
        if ty != "1EdTechJsonSchemaValidator2019" {
            r.push(res(
                &checks::SCHEMA_DECLARED,
                Verdict::Warn,
                format!("credentialSchema type {ty:?} is not supported: {id} not checked"),
            ));
            continue;
        }
        if id == main {
            let v = if main_ok {
                Verdict::Pass
            } else {
                Verdict::Fail
            };
            r.push(res(
                &checks::SCHEMA_DECLARED,
                v,
                format!("{} (same schema as the type's official schema)", short(id)),
            ));
        } else if schema::is_known(id) {
            schema_check(r, &checks::SCHEMA_DECLARED, id, form, cred);
        } else if let Some(fetch) = &opts.fetch {
            let outcome = fetch(id)
                .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
                .and_then(|s| schema::validate_with(&s, cred));
            match outcome {
                Ok(errs) if errs.is_empty() => r.push(res(
                    &checks::SCHEMA_DECLARED,
                    Verdict::Pass,
                    format!("valid against {id} (fetched)"),
                )),
                Ok(errs) => {
                    let mut c = res(
                        &checks::SCHEMA_DECLARED,
                        Verdict::Fail,
                        format!("{} error(s) against {id}", errs.len()),
                    );
                    for e in errs.iter().take(20) {
                        c = c.at(&e.pointer, "schema error", Value::from(e.message.clone()));
                    }
                    r.push(c);
                }
                // Online, a declared schema that cannot be read or used leaves conformance
                // unestablished (the 1EdTech validator fails it too).
                Err(e) => r.push(res(
                    &checks::SCHEMA_DECLARED,
                    Verdict::Fail,
                    format!("credentialSchema {id} could not be read or used: {e}"),
                )),
            }
        } else {
            r.push(res(
                &checks::SCHEMA_DECLARED,
                Verdict::Warn,
                format!(
                    "schema {id} is not shipped and the network is off (--online): not checked"
                ),
            ));
        }
    }
}

fn trace_evidence(mut c: CheckResult, t: &ProofTrace) -> CheckResult {
    if let Some(vm) = &t.verification_method {
        c = c.at(
            "/proof/verificationMethod",
            "verification method",
            Value::from(vm.clone()),
        );
    }
    if let Some(k) = &t.key {
        c = c
            .with("key source", Value::from(k.source))
            .with("key controller", Value::from(k.controller.clone()));
    }
    if let Some(h) = &t.proof_hash {
        c = c.with("proof configuration hash (SHA-256)", Value::from(h.clone()));
    }
    if let Some(h) = &t.document_hash {
        c = c.with("document hash (SHA-256)", Value::from(h.clone()));
    }
    if let Some(x) = &t.canonical_proof_config {
        c = c.with(
            "canonical proof configuration (N-Quads)",
            Value::from(x.clone()),
        );
    }
    if let Some(x) = &t.canonical_document {
        c = c.with("canonical document (N-Quads)", Value::from(x.clone()));
    }
    c
}

fn proofs(
    r: &mut DocReport,
    cred: &Value,
    jwt: Option<&DecodedJwt>,
    canon: Option<Vec<String>>,
    issuer: Option<&str>,
    opts: &Options,
) {
    let embedded = as_list(cred.get("proof"));
    if embedded.is_empty() && jwt.is_none() {
        r.push(res(
            &checks::PROOF_PRESENT,
            Verdict::Fail,
            "no proof: neither an embedded proof nor a VC-JWT",
        ));
        return;
    }
    r.push(res(
        &checks::PROOF_PRESENT,
        Verdict::Pass,
        format!(
            "{} embedded proof(s){}",
            embedded.len(),
            if jwt.is_some() { " + VC-JWT" } else { "" }
        ),
    ));
    let mut results: Vec<CheckResult> = Vec::new();
    let mut bindings: Vec<(String, String, Binding)> = Vec::new();
    let mut any_ok = false;
    for (i, p) in embedded.iter().enumerate() {
        let pointer = if cred.get("proof").is_some_and(Value::is_array) {
            format!("/proof/{i}")
        } else {
            "/proof".into()
        };
        let suite = Suite::of(p);
        if suite.is_none() {
            unknown_proof_terms(r, cred, p, &pointer, opts);
        }
        let def = match suite {
            Some(s) if s.is_legacy() => &checks::PROOF_LEGACY,
            Some(Suite::EcdsaSd2023) => &checks::PROOF_ECDSA_SD,
            _ => &checks::PROOF_EDDSA,
        };
        let mut trace = ProofTrace::default();
        match di::verify_proof_with(
            cred,
            p,
            &opts.keys,
            &opts.loader,
            &mut trace,
            canon.as_deref(),
            "assertionMethod",
        ) {
            Ok(s) => {
                any_ok = true;
                let (v, note) = if s.is_legacy() {
                    (
                        Verdict::Warn,
                        " (deprecated suite: issue eddsa-rdfc-2022 instead)",
                    )
                } else {
                    (Verdict::Pass, "")
                };
                let key = trace.key.clone();
                results.push(
                    res(
                        def,
                        v,
                        format!(
                            "signature verifies with {}{note}",
                            trace.verification_method.clone().unwrap_or_default()
                        ),
                    )
                    .at(
                        &pointer,
                        "verification method",
                        Value::from(trace.verification_method.clone().unwrap_or_default()),
                    ),
                );
                if let Some(k) = key {
                    let vm = trace.verification_method.clone().unwrap_or_default();
                    bindings.push((pointer.clone(), vm.clone(), bind(&k, &vm, issuer, opts)));
                }
            }
            Err(e) => {
                results.push(trace_evidence(
                    res(def, Verdict::Fail, e.to_string()),
                    &trace,
                ));
            }
        }
    }
    if let Some(j) = jwt {
        match jwt::verify_signature(j, &opts.keys) {
            Ok((source, key)) => {
                any_ok = true;
                results.push(res(
                    &checks::PROOF_JWT,
                    Verdict::Pass,
                    format!(
                        "{} signature verifies with the key from the {source}",
                        j.header.get("alg").and_then(Value::as_str).unwrap_or("?")
                    ),
                ));
                let kid = j.header.get("kid").and_then(Value::as_str).unwrap_or("jwk");
                bindings.push((
                    "/header/kid".into(),
                    kid.to_owned(),
                    bind(&key, kid, issuer, opts),
                ));
            }
            Err(e) => results.push(
                res(&checks::PROOF_JWT, Verdict::Fail, e)
                    .with("JOSE header", Value::Object(j.header.clone())),
            ),
        }
        let bad = jwt::claim_mismatches(j);
        let form = match j.form {
            jwt::PayloadForm::Direct => "payload is the credential",
            jwt::PayloadForm::VcClaim => "credential in the vc claim",
        };
        if bad.is_empty() {
            r.push(res(
                &checks::PROOF_JWT_CLAIMS,
                Verdict::Pass,
                format!("iss/jti/sub/nbf/exp agree with the credential ({form})"),
            ));
        } else {
            let mut c = res(&checks::PROOF_JWT_CLAIMS, Verdict::Fail, bad.join("; "));
            for b in &bad {
                c = c.with("mismatch", Value::from(b.clone()));
            }
            r.push(c);
        }
    }
    // Any one proof suffices (OB 3.0 §"Proofs"): others that fail are warnings then.
    for mut c in results {
        if any_ok && c.verdict == Verdict::Fail {
            c.verdict = Verdict::Warn;
            c.message = format!("{} (another proof verified)", c.message);
        }
        r.push(c);
    }
    controller_results(r, bindings, opts);
}

/// Whether a verified proof's key is bound to the credential's issuer, and how (or why not).
enum Binding {
    Bound(String),
    Unbound(String),
}

/// Decides the binding of `key` (found for verification method / kid `vm`) to `issuer`.
/// Binds: a trust-file entry; a did:key / did:jwk equal to the issuer id; a did:web document of
/// the issuer listing the method under assertionMethod; a `--key` given for the issuer's URL;
/// with `--online`, the issuer's own (https) profile listing the method under assertionMethod.
/// Never binds: an inline `jwk`, a key document's `controller` claim about itself.
fn bind(key: &ResolvedKey, vm: &str, issuer: Option<&str>, opts: &Options) -> Binding {
    let Some(issuer) = issuer else {
        return Binding::Unbound("the credential names no issuer id to bind the key to".into());
    };
    if let Some(name) = opts.trust.binds(issuer, &key.jwk) {
        return Binding::Bound(format!("the trust file lists this key for {name}"));
    }
    match (&key.bound_to, key.source) {
        (Some(b), source) if b == issuer => Binding::Bound(match source {
            "did:key" | "did:jwk" => format!("the key is the issuer's own {source} {issuer}"),
            "--key" => format!("the key was given with --key for the issuer's URL {issuer}"),
            _ => format!("the issuer's DID document lists {vm} under assertionMethod"),
        }),
        (Some(b), "did:key" | "did:jwk") => Binding::Unbound(format!(
            "the key is {b}, which is not the issuer id {issuer}: a {} binds only to itself",
            key.source
        )),
        (_, "header jwk") => Binding::Unbound(format!(
            "the key is carried inline in the JOSE header (jwk): nothing the verifier read binds it to {issuer}"
        )),
        (_, "fragment") => Binding::Unbound(format!(
            "the key was read from the fragment of {vm} without dereferencing it (offline): nothing binds it to {issuer}; give it with --key for the issuer's URL, --trust FILE, or --online"
        )),
        (bound_to, _) => match issuer_profile_lists(issuer, vm, key, opts) {
            Ok(()) => Binding::Bound(format!(
                "the issuer's profile {issuer} (fetched) lists {vm} under assertionMethod"
            )),
            Err(why) => Binding::Unbound(match bound_to {
                Some(b) => format!("the key belongs to {b}, not to the issuer {issuer}; {why}"),
                None => format!(
                    "the key document names controller {:?}, but a key document's claim about itself never binds; {why}",
                    key.controller
                ),
            }),
        },
    }
}

/// With `--online`, reads the issuer's own profile (an https issuer id) and checks that it
/// lists `vm` under `assertionMethod` with the same key.
fn issuer_profile_lists(
    issuer: &str,
    vm: &str,
    key: &ResolvedKey,
    opts: &Options,
) -> Result<(), String> {
    const HOW: &str = "bind it with --trust FILE, or --key for a method under the issuer's URL";
    if !issuer.starts_with("https://") {
        return Err(format!("{HOW}"));
    }
    let Some(fetch) = &opts.fetch else {
        return Err(format!(
            "the issuer's profile was not read (offline: --online reads it); or {HOW}"
        ));
    };
    let doc: Value = fetch(issuer)
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|e| format!("the issuer's profile {issuer} could not be read ({e}); {HOW}"))?;
    if doc.get("id").and_then(Value::as_str) != Some(issuer) {
        return Err(format!(
            "the document at {issuer} is not the issuer's profile (its id differs); {HOW}"
        ));
    }
    if !crate::keys::lists_method(&doc, "assertionMethod", vm) {
        return Err(format!(
            "the issuer's profile {issuer} does not list {vm} under assertionMethod; {HOW}"
        ));
    }
    let embedded = doc
        .get("assertionMethod")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(crate::keys::key_from_document)
        .map(|(k, _)| k);
    match embedded.collect::<Vec<_>>() {
        ks if ks.is_empty() || ks.iter().any(|k| k.to_public() == key.jwk.to_public()) => Ok(()),
        _ => Err(format!(
            "the issuer's profile {issuer} lists {vm} with a different key; {HOW}"
        )),
    }
}

/// `ob3.proof.controller` for every verified proof: pass when one key is bound to the issuer;
/// otherwise a warning (a fail with `--require-bound-key`) and the caveat in every output.
fn controller_results(r: &mut DocReport, bindings: Vec<(String, String, Binding)>, opts: &Options) {
    if bindings.is_empty() {
        r.push(res(
            &checks::PROOF_CONTROLLER,
            Verdict::Skip,
            "no proof verified: no key to bind to the issuer",
        ));
        return;
    }
    let any_bound = bindings
        .iter()
        .any(|(_, _, b)| matches!(b, Binding::Bound(_)));
    if !any_bound {
        r.caveat(wellspring_report::CAVEAT_ISSUER);
    }
    for (pointer, vm, b) in bindings {
        let c = match b {
            Binding::Bound(how) => res(
                &checks::PROOF_CONTROLLER,
                Verdict::Pass,
                format!("issuer authenticated: {how}"),
            ),
            Binding::Unbound(why) => {
                let v = if !any_bound && opts.require_bound_key {
                    Verdict::Fail
                } else {
                    Verdict::Warn
                };
                let tail = if any_bound {
                    " (another proof's key is bound)"
                } else if opts.require_bound_key {
                    " (--require-bound-key)"
                } else {
                    ""
                };
                res(
                    &checks::PROOF_CONTROLLER,
                    v,
                    format!("issuer NOT authenticated: {why}{tail}"),
                )
            }
        };
        r.push(c.at(&pointer, "verification method", Value::from(vm)));
    }
}

fn parse_time(v: &Value) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let s = v.as_str().ok_or_else(|| format!("{v} is not a string"))?;
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 date-time: {e}"))
}

/// One end of the validity window: where it was read (for evidence) and its value.
struct Bound<'a> {
    key: &'static str,
    value: &'a Value,
}

/// The window's start and end. The credential's own dates first (`validFrom`/`validUntil`, or
/// `issuanceDate`/`expirationDate` in VC DM 1.1 form); a VC-JWT's `nbf`/`exp` when the
/// credential has none (OB 3.0 `#jwt-verify`: `exp` bounds the credential like `validUntil`).
fn window<'a>(
    cred: &'a Value,
    jwt: Option<&'a DecodedJwt>,
    form: Form,
) -> (Option<Bound<'a>>, Option<Bound<'a>>) {
    let (from_keys, until_keys) = match form {
        Form::V1 => (
            ["issuanceDate", "validFrom"],
            ["expirationDate", "validUntil"],
        ),
        Form::V2 => (
            ["validFrom", "issuanceDate"],
            ["validUntil", "expirationDate"],
        ),
    };
    let pick = |keys: [&'static str; 2], claim: &'static str| {
        keys.iter()
            .find_map(|k| cred.get(*k).map(|value| Bound { key: k, value }))
            .or_else(|| {
                jwt.and_then(|j| j.payload.get(claim))
                    .map(|value| Bound { key: claim, value })
            })
    };
    (pick(from_keys, "nbf"), pick(until_keys, "exp"))
}

/// A date-time string, or a JWT NumericDate (seconds since the epoch).
fn parse_bound(b: &Bound) -> Result<chrono::DateTime<chrono::Utc>, String> {
    match b.value {
        Value::Number(n) => n
            .as_i64()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .ok_or_else(|| format!("{} = {n} is not a NumericDate", b.key)),
        v => parse_time(v),
    }
}

fn validity(r: &mut DocReport, cred: &Value, jwt: Option<&DecodedJwt>, form: Form, opts: &Options) {
    let now = opts.now;
    let (from, until) = window(cred, jwt, form);
    let evidence = |c: CheckResult, b: &Bound| {
        let pointer = if matches!(b.key, "nbf" | "exp") {
            format!("/payload/{}", b.key)
        } else {
            format!("/{}", b.key)
        };
        c.at(&pointer, b.key, b.value.clone())
    };
    match from.as_ref().map(|b| (b, parse_bound(b))) {
        // Absence is a schema matter (VC DM 2.0 makes validFrom optional): the window is open.
        None => r.push(res(
            &checks::VALID_FROM,
            Verdict::Skip,
            "no validFrom (or issuanceDate / nbf): the validity window has no start to check",
        )),
        Some((b, Err(e))) => r.push(evidence(res(&checks::VALID_FROM, Verdict::Fail, e), b)),
        Some((b, Ok(t))) if t > now => r.push(evidence(
            res(
                &checks::VALID_FROM,
                Verdict::Fail,
                format!(
                    "not yet valid: {} {} is after now ({})",
                    b.key,
                    t.to_rfc3339(),
                    now.to_rfc3339()
                ),
            ),
            b,
        )),
        Some((b, Ok(t))) => r.push(res(
            &checks::VALID_FROM,
            Verdict::Pass,
            format!("valid since {} ({})", t.to_rfc3339(), b.key),
        )),
    }
    match until.as_ref().map(|b| (b, parse_bound(b))) {
        None => r.push(res(&checks::VALID_UNTIL, Verdict::Pass, "no expiry")),
        Some((b, Err(e))) => r.push(evidence(res(&checks::VALID_UNTIL, Verdict::Fail, e), b)),
        Some((b, Ok(t))) if t < now => r.push(evidence(
            res(
                &checks::VALID_UNTIL,
                Verdict::Fail,
                format!(
                    "expired: {} {} is before now ({})",
                    b.key,
                    t.to_rfc3339(),
                    now.to_rfc3339()
                ),
            ),
            b,
        )),
        Some((b, Ok(t))) => r.push(res(
            &checks::VALID_UNTIL,
            Verdict::Pass,
            format!("valid until {} ({})", t.to_rfc3339(), b.key),
        )),
    }
}

/// Where embedded endorsements may sit (OB 3.0: credential, issuer profile, achievement, its creator).
const ENDORSEMENT_PLACES: &[&str] = &[
    "",
    "/issuer",
    "/credentialSubject/achievement",
    "/credentialSubject/achievement/creator",
];

fn endorsements(r: &mut DocReport, cred: &Value, opts: &Options, level: usize) {
    let mut found: Vec<(String, Option<&Value>, Option<&str>)> = Vec::new();
    for place in ENDORSEMENT_PLACES {
        let Some(obj) = cred.pointer(place) else {
            continue;
        };
        for (i, e) in as_list(obj.get("endorsement")).into_iter().enumerate() {
            found.push((format!("{place}/endorsement/{i}"), Some(e), None));
        }
        for (i, e) in as_list(obj.get("endorsementJwt")).into_iter().enumerate() {
            found.push((format!("{place}/endorsementJwt/{i}"), None, e.as_str()));
        }
    }
    if found.is_empty() {
        r.push(res(
            &checks::ENDORSEMENTS,
            Verdict::Skip,
            "no embedded endorsements",
        ));
        return;
    }
    if level >= MAX_NESTING {
        r.push(res(
            &checks::ENDORSEMENTS,
            Verdict::Fail,
            format!("endorsements nested deeper than {MAX_NESTING} levels"),
        ));
        return;
    }
    let mut failed = Vec::new();
    for (pointer, json, text) in found {
        let mut sub = DocReport::new(format!("{}{pointer}", r.subject));
        match (json, text) {
            (Some(v), _) => verify_credential(&mut sub, v, None, opts, level + 1, false),
            (None, Some(t)) => verify_text(&mut sub, t, opts, level + 1, false),
            _ => sub.push(res(
                &checks::PARSE_JSON,
                Verdict::Fail,
                "endorsementJwt entry is not a string",
            )),
        }
        let is_endorsement = types(json.unwrap_or(&Value::Null))
            .iter()
            .any(|t| t == "EndorsementCredential")
            || sub.kind.starts_with("EndorsementCredential");
        if !is_endorsement {
            sub.push(res(
                &checks::ENDORSEMENTS,
                Verdict::Fail,
                "embedded endorsement is not an EndorsementCredential",
            ));
        }
        if !sub.passed() {
            failed.push(pointer.clone());
        }
        r.nested.push(sub);
    }
    if failed.is_empty() {
        r.push(res(
            &checks::ENDORSEMENTS,
            Verdict::Pass,
            "every embedded endorsement verifies",
        ));
    } else {
        r.push(res(
            &checks::ENDORSEMENTS,
            Verdict::Fail,
            format!("endorsement(s) failed: {}", failed.join(", ")),
        ));
    }
}

fn recipient(r: &mut DocReport, cred: &Value, opts: &Options) {
    let Some(want) = &opts.recipient else {
        r.push(res(
            &checks::RECIPIENT,
            Verdict::Skip,
            "no --recipient given",
        ));
        return;
    };
    let subject = cred
        .get("credentialSubject")
        .cloned()
        .unwrap_or(Value::Null);
    if want.identity_type == "id" {
        let got = subject.get("id").and_then(Value::as_str);
        if got == Some(want.value.as_str()) {
            r.push(res(
                &checks::RECIPIENT,
                Verdict::Pass,
                format!("subject id is {}", want.value),
            ));
        } else {
            r.push(res(
                &checks::RECIPIENT,
                Verdict::Fail,
                format!("subject id is {got:?}, not {}", want.value),
            ));
        }
        return;
    }
    let mut seen = 0;
    for ident in as_list(subject.get("identifier")) {
        if ident.get("identityType").and_then(Value::as_str) != Some(want.identity_type.as_str()) {
            continue;
        }
        seen += 1;
        let Some(stored) = ident.get("identityHash").and_then(Value::as_str) else {
            continue;
        };
        let hashed = ident
            .get("hashed")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let matched = if hashed {
            let salt = ident.get("salt").and_then(Value::as_str).unwrap_or("");
            match stored.split_once('$') {
                Some(("sha256", hex)) => {
                    let h = Sha256::digest(format!("{}{salt}", want.value).as_bytes());
                    hex::encode(h).eq_ignore_ascii_case(hex)
                }
                Some((alg, _)) => {
                    r.push(res(
                        &checks::RECIPIENT,
                        Verdict::Warn,
                        format!("identityHash algorithm {alg:?} not supported"),
                    ));
                    continue;
                }
                None => false,
            }
        } else {
            stored == want.value
        };
        if matched {
            r.push(res(
                &checks::RECIPIENT,
                Verdict::Pass,
                format!(
                    "{} {} matches an identifier{}",
                    want.identity_type,
                    want.value,
                    if hashed { " (hashed)" } else { "" }
                ),
            ));
            return;
        }
    }
    r.push(res(
        &checks::RECIPIENT,
        Verdict::Fail,
        format!(
            "no identifier of type {} matches {} ({seen} of that type checked)",
            want.identity_type, want.value
        ),
    ));
}

fn clr(r: &mut DocReport, cred: &Value, opts: &Options, level: usize) {
    let subject = cred
        .get("credentialSubject")
        .cloned()
        .unwrap_or(Value::Null);
    let mut achievement_ids: std::collections::BTreeSet<String> =
        as_list(subject.get("achievement"))
            .into_iter()
            .filter_map(|a| a.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect();
    let nested = as_list(subject.get("verifiableCredential"));
    if nested.is_empty() {
        r.push(res(
            &checks::CLR_CREDENTIALS,
            Verdict::Fail,
            "the CLR bundles no credentials (credentialSubject.verifiableCredential is empty)",
        ));
    } else if level >= MAX_NESTING {
        r.push(res(
            &checks::CLR_CREDENTIALS,
            Verdict::Fail,
            format!("credentials nested deeper than {MAX_NESTING} levels"),
        ));
    } else {
        let mut failed = Vec::new();
        for (i, c) in nested.iter().enumerate() {
            let pointer = format!("/credentialSubject/verifiableCredential/{i}");
            let mut sub = DocReport::new(format!("{}{pointer}", r.subject));
            let json = match c {
                Value::String(t) => {
                    verify_text(&mut sub, t, opts, level + 1, false);
                    jwt::decode(t).ok().map(|j| j.credential)
                }
                v => {
                    verify_credential(&mut sub, v, None, opts, level + 1, false);
                    Some((*v).clone())
                }
            };
            if let Some(id) = json
                .as_ref()
                .and_then(|j| j.pointer("/credentialSubject/achievement/id"))
                .and_then(Value::as_str)
            {
                achievement_ids.insert(id.to_owned());
            }
            if !sub.passed() {
                failed.push(pointer);
            }
            r.nested.push(sub);
        }
        if failed.is_empty() {
            r.push(res(
                &checks::CLR_CREDENTIALS,
                Verdict::Pass,
                format!("all {} bundled credential(s) verify", nested.len()),
            ));
        } else {
            r.push(res(
                &checks::CLR_CREDENTIALS,
                Verdict::Fail,
                format!("bundled credential(s) failed: {}", failed.join(", ")),
            ));
        }
    }
    let assocs = as_list(subject.get("association"));
    if assocs.is_empty() {
        r.push(res(
            &checks::CLR_ASSOCIATIONS,
            Verdict::Skip,
            "no associations",
        ));
        return;
    }
    let mut dangling = Vec::new();
    for (i, a) in assocs.iter().enumerate() {
        for end in ["sourceId", "targetId"] {
            let id = a.get(end).and_then(Value::as_str);
            if !id.is_some_and(|id| achievement_ids.contains(id)) {
                dangling.push(format!(
                    "/credentialSubject/association/{i}/{end} = {}",
                    id.unwrap_or("(missing)")
                ));
            }
        }
    }
    if dangling.is_empty() {
        r.push(res(
            &checks::CLR_ASSOCIATIONS,
            Verdict::Pass,
            format!(
                "{} association(s), every end names an achievement in the CLR",
                assocs.len()
            ),
        ));
    } else {
        let mut c = res(
            &checks::CLR_ASSOCIATIONS,
            Verdict::Fail,
            format!(
                "association end(s) name no achievement in the CLR: {}",
                dangling.join("; ")
            ),
        );
        c = c.with(
            "achievements present",
            Value::from(achievement_ids.into_iter().collect::<Vec<_>>()),
        );
        r.push(c);
    }
}

/// `ob3.context.base`: the W3C credentials context first (a credential's, a presentation's).
fn base_context(r: &mut DocReport, ctx: &[String]) {
    match ctx.first().map(String::as_str) {
        Some(VC_V2) => r.push(res(
            &checks::CONTEXT_BASE,
            Verdict::Pass,
            "VC Data Model 2.0 context first",
        )),
        Some(VC_V1) => r.push(res(
            &checks::CONTEXT_BASE,
            Verdict::Warn,
            format!("VC Data Model 1.1 context first: an outdated form (OB 3.0 / CLR 2.0 credentials use {VC_V2}); accepted for verification"),
        )),
        other => r.push(
            res(
                &checks::CONTEXT_BASE,
                Verdict::Fail,
                format!(
                    "first @context must be {VC_V2} (or {VC_V1}); found {}",
                    other.unwrap_or("nothing")
                ),
            )
            .at(
                "/@context/0",
                "@context[0]",
                other.map(Value::from).unwrap_or(Value::Null),
            ),
        ),
    }
}

fn verify_presentation(r: &mut DocReport, vp: &Value, opts: &Options, level: usize) {
    r.kind = "VerifiablePresentation".into();
    // The data model's rule holds for presentations too, signed or not.
    base_context(r, &contexts(vp));
    let proofs = as_list(vp.get("proof"));
    if proofs.is_empty() {
        r.push(res(
            &checks::VP_PROOF,
            Verdict::Skip,
            "the presentation is not signed",
        ));
    }
    for p in proofs {
        let mut trace = ProofTrace::default();
        match di::verify_proof_with(
            vp,
            p,
            &opts.keys,
            &opts.loader,
            &mut trace,
            None,
            "authentication",
        ) {
            Ok(_) => {
                let holder = vp.get("holder").and_then(Value::as_str);
                let ctrl = trace
                    .key
                    .as_ref()
                    .map(|k| k.controller.clone())
                    .unwrap_or_default();
                if holder.is_some_and(|h| h != ctrl) {
                    r.push(res(
                        &checks::VP_PROOF,
                        Verdict::Fail,
                        format!(
                            "signed by {ctrl}, not the holder {}",
                            holder.unwrap_or_default()
                        ),
                    ));
                } else {
                    r.push(res(
                        &checks::VP_PROOF,
                        Verdict::Pass,
                        format!("presentation signed by {ctrl}"),
                    ));
                }
            }
            Err(e) => r.push(trace_evidence(
                res(&checks::VP_PROOF, Verdict::Fail, e.to_string()),
                &trace,
            )),
        }
    }
    let creds = as_list(vp.get("verifiableCredential"));
    if creds.is_empty() {
        r.push(res(
            &checks::VP_CREDENTIALS,
            Verdict::Fail,
            "the presentation holds no credentials",
        ));
        return;
    }
    let mut failed = Vec::new();
    for (i, c) in creds.iter().enumerate() {
        let pointer = format!("/verifiableCredential/{i}");
        let mut sub = DocReport::new(format!("{}{pointer}", r.subject));
        match c {
            Value::String(t) => verify_text(&mut sub, t, opts, level + 1, true),
            v => verify_credential(&mut sub, v, None, opts, level + 1, true),
        }
        if !sub.passed() {
            failed.push(pointer);
        }
        r.nested.push(sub);
    }
    if failed.is_empty() {
        r.push(res(
            &checks::VP_CREDENTIALS,
            Verdict::Pass,
            format!("all {} credential(s) verify", creds.len()),
        ));
    } else {
        r.push(res(
            &checks::VP_CREDENTIALS,
            Verdict::Fail,
            format!("credential(s) failed: {}", failed.join(", ")),
        ));
    }
}
