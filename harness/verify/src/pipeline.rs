//! The verification pipeline: OB 3.0 "Verification and Validation" (`#verification`), step by
//! step, for one input. Each step reports under a check declared in `checks.rs`.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::baked;
use crate::canon::{canonical_unsecured, CanonError, Canonical};
use crate::checks::{self, CheckDef};
use crate::di::{self, ProofTrace, Suite};
use crate::jwt::{self, DecodedJwt};
use crate::keys::ResolvedKey;
use crate::loader::is_known_offline;
use crate::schema::{self, Form};
use crate::status::{self, Status};
use crate::Options;
use wellspring_report::{CheckResult, DocReport, Verdict};

mod proof;
mod refresh;
mod related;
mod schema_checks;
mod validity;

use proof::*;
pub(crate) use proof::{bind, Binding};
use refresh::*;
use related::*;
use schema_checks::*;
use validity::*;

/// How deep credentials may nest (CLR → credential → endorsement → …).
const MAX_NESTING: usize = 4;

/// Most credentials verified inside one input, at every level (endorsements, a CLR's bundled
/// credentials, a presentation's): a work budget, so that a document repeating one signed
/// endorsement 70,000 times is refused at once instead of verified 70,000 times.
const MAX_EMBEDDED: usize = 1_000;

thread_local! {
    /// Embedded credentials met so far in the input this thread verifies.
    static EMBEDDED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Takes `n` embedded credentials from the input's budget: Err(message) when it is spent
/// (nothing is taken then).
fn take_embedded(n: usize) -> Result<(), String> {
    EMBEDDED.with(|c| {
        let total = c.get().saturating_add(n);
        if total > MAX_EMBEDDED {
            Err(format!(
                "{n} embedded credential(s) here would make more than {MAX_EMBEDDED} in one input, past the verifier's work budget: not verified"
            ))
        } else {
            c.set(total);
            Ok(())
        }
    })
}

const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";

fn res(def: &CheckDef, v: Verdict, msg: impl Into<String>) -> CheckResult {
    CheckResult::new(def, v, msg)
}

pub(crate) fn verify_input(name: &str, bytes: &[u8], opts: &Options) -> DocReport {
    EMBEDDED.with(|c| c.set(0));
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
    let mut baked_as = None;
    let text = if baked::is_png(bytes) {
        match baked::extract_png_baked(bytes) {
            Ok((t, baking)) => {
                baked_as = Some((&checks::INPUT_PNG, baking));
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
        match baked::extract_svg_baked(bytes) {
            Ok((t, baking)) => {
                baked_as = Some((&checks::INPUT_SVG, baking));
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
    let at = r.checks.len();
    verify_text(&mut r, &text, opts, 0, true);
    if let Some((check, found)) = baked_as {
        // judged from the credential type verify_text found (the text is not parsed again)
        let wanted = baked_for_kind(&r.kind).unwrap_or(found);
        r.checks.insert(at, baked_names(check, found, wanted));
    }
    r
}

/// The names a credential of this report kind is baked under; `None` when the text was no
/// credential of a known type (the steps after judge that; the names are then not at issue).
fn baked_for_kind(kind: &str) -> Option<baked::Baking> {
    if kind.starts_with(Kind::Clr.name()) {
        Some(baked::Baking::Clr)
    } else if [Kind::OpenBadge, Kind::Achievement, Kind::Endorsement]
        .iter()
        .any(|k| kind.starts_with(k.name()))
    {
        Some(baked::Baking::Ob)
    } else {
        None
    }
}

/// The baked-image check: where the credential was found, and whether those are the names its
/// type is baked under (a ClrCredential under CLR 2.0's, any other under Open Badges 3.0's).
fn baked_names(
    check: &'static CheckDef,
    found: baked::Baking,
    wanted: baked::Baking,
) -> CheckResult {
    let png = std::ptr::eq(check, &checks::INPUT_PNG);
    let names = |b: baked::Baking| {
        if png {
            format!("iTXt '{}'", b.png_keyword())
        } else {
            format!("{}:credential ({})", b.svg_prefix(), b.svg_ns())
        }
    };
    if wanted == found {
        return res(
            check,
            Verdict::Pass,
            format!("credential extracted from {}", names(found)),
        );
    }
    let what = match wanted {
        baked::Baking::Clr => "a ClrCredential",
        baked::Baking::Ob => "a credential that is not a ClrCredential",
    };
    res(
        check,
        Verdict::Fail,
        format!(
            "{what} baked under {}: it belongs under {} (the names the 1EdTech validator reads it by)",
            names(found),
            names(wanted)
        ),
    )
}

/// Most JSON values a document may hold (counted before parsing: separators and containers).
/// A credential has hundreds; JSON-LD expansion refuses more than 200,000
/// (`canon::EXPANSION_BUDGET`), so a document beyond this could never verify, and parsing its
/// millions of values first (then copying them for schema validation and expansion) is what
/// made one 14 MB array cost gigabytes. At the limit a document costs about 150 MB.
pub const MAX_JSON_VALUES: usize = 500_000;

/// Why JSON text is refused before parsing, if it is: nesting deeper than `max_depth`, or more
/// than `max_values` values. One pass over the bytes, strings skipped, stopping early.
fn json_shape_refused(text: &str, max_depth: usize, max_values: usize) -> Option<String> {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    // Every value but the first follows a `,` or is the first member of a container: the
    // values are 1 + separators + containers opened, less the containers that are empty.
    let (mut values, mut just_opened) = (1usize, false);
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        at += 1;
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                // The rest of a string's text, up to its next quote or backslash, at once.
                _ => match memchr::memchr2(b'"', b'\\', &bytes[at..]) {
                    Some(k) => at += k,
                    None => at = bytes.len(),
                },
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        let opened = std::mem::replace(&mut just_opened, false);
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                values += 1;
                just_opened = true;
                if depth > max_depth {
                    return Some(format!("JSON nests deeper than {max_depth} levels"));
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if opened {
                    values -= 1;
                }
            }
            b',' => values += 1,
            _ => {}
        }
        // (Right after an opening the count includes a member that may not come.)
        if values > max_values && !just_opened {
            return Some(format!(
                "JSON holds more than {max_values} values (a credential has hundreds; nothing this large could be canonicalized)"
            ));
        }
    }
    None
}

fn parse_json(r: &mut DocReport, text: &str, opts: &Options) -> Option<Value> {
    if let Some(why) = json_shape_refused(text, opts.max_depth, MAX_JSON_VALUES) {
        let hint = if why.contains("nests") {
            " (--max-depth)"
        } else {
            ""
        };
        r.push(res(
            &checks::PARSE_JSON,
            Verdict::Fail,
            format!("{why}{hint}"),
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
            Ok(mut j) => {
                r.push(res(
                    &checks::PARSE_JSON,
                    Verdict::Pass,
                    "compact JWS with JSON header and payload",
                ));
                // Moved out, not copied: the checks below get the credential on its own.
                let cred = std::mem::take(&mut j.credential);
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
    // 1–2. Conformance and proof (type, context, schema, subject, proof).
    let kind = conform_and_prove(r, cred, jwt, opts);

    // 3. Refresh, once, after the proof check. An authentic refreshed credential is the one
    // the later steps judge; otherwise the original stands.
    let refreshed = refresh(r, cred, opts);
    let (cred, jwt) = match &refreshed {
        Some(x) => (&x.cred, x.jwt.as_ref()),
        None => (cred, jwt),
    };

    // 7. Validity window.
    validity(r, cred, jwt, form_of(cred), opts);

    // 8. Status.
    credential_status(r, cred, opts);

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

/// The JSON-LD form a credential's first context selects (VC 1.1 or 2.0).
fn form_of(cred: &Value) -> Form {
    if contexts(cred).first().map(String::as_str) == Some(VC_V1) {
        Form::V1
    } else {
        Form::V2
    }
}

/// OB 3.0 verification steps 1–2 on one credential: type, context, schema, subject, proof.
/// Run on the credential given and again on a refreshed one (step 3).
fn conform_and_prove(
    r: &mut DocReport,
    cred: &Value,
    jwt: Option<&DecodedJwt>,
    opts: &Options,
) -> Kind {
    // Type (first: it decides which schema and context apply).
    let kind = credential_type(r, cred, jwt);
    let form = form_of(cred);

    // Context; its canonical form is reused by the Data Integrity proof check.
    let canon = context_step(r, cred, kind, opts);

    // Schema.
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

    // Subject.
    subject_step(r, cred);

    // Proof.
    let issuer = jwt::issuer_id(cred).map(str::to_owned);
    proofs(r, cred, jwt, canon.as_ref(), issuer.as_deref(), opts);
    kind
}

/// The credential kind from `type` (reported under `ob3.type`) and the report's kind label.
fn credential_type(r: &mut DocReport, cred: &Value, jwt: Option<&DecodedJwt>) -> Kind {
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
    r.kind = format!(
        "{} ({})",
        kind.map(Kind::name).unwrap_or("unknown credential type"),
        proof_label(cred, jwt)
    );
    let has_vc = ts.iter().any(|t| t == "VerifiableCredential");
    match (has_vc, kind) {
        (true, Some(k)) => r.push(res(&checks::TYPE, Verdict::Pass, format!("VerifiableCredential, {}", k.name()))),
        _ => r.push(res(&checks::TYPE, Verdict::Fail, format!(
            "type must contain VerifiableCredential and one of OpenBadgeCredential, AchievementCredential, EndorsementCredential, ClrCredential; found {ts:?}"
        )).at("/type", "type", cred.get("type").cloned().unwrap_or(Value::Null))),
    }
    kind.unwrap_or(Kind::OpenBadge)
}

/// "VC-JWT RS256", or every proof of a proof set, in order: "eddsa-rdfc-2022 + ecdsa-sd-2023".
fn proof_label(cred: &Value, jwt: Option<&DecodedJwt>) -> String {
    if let Some(j) = jwt {
        return format!(
            "VC-JWT {}",
            j.header.get("alg").and_then(Value::as_str).unwrap_or("?")
        );
    }
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

/// The context checks; the canonical form of the credential without its proof when its
/// contexts could be loaded.
fn context_step(
    r: &mut DocReport,
    cred: &Value,
    kind: Kind,
    opts: &Options,
) -> Option<Result<Vec<String>, CanonError>> {
    let ctx = contexts(cred);
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
    let canon = if known_contexts(r, &ctx, opts) {
        Some(canonical_unsecured(cred, &opts.loader))
    } else {
        None
    };
    context_terms(r, &canon);
    canon
}

/// `ob3.context.known`: whether every context can be loaded (pinned, or fetched online).
fn known_contexts(r: &mut DocReport, ctx: &[String], opts: &Options) -> bool {
    let unknown: Vec<&String> = ctx
        .iter()
        .filter(|c| !c.starts_with('(') && !is_known_offline(c))
        .collect();
    if unknown.is_empty() {
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
            .at("/@context", "@context", Value::from(ctx.to_vec())),
        );
        false
    }
}

/// `ob3.context.terms` from the canonicalization's outcome.
fn context_terms(r: &mut DocReport, canon: &Option<Canonical>) {
    match canon {
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
        // Expansion stopped at its budget: the terms after that point were not looked at.
        Some(Err(e @ CanonError::TooLargeToExpand(_))) => r.push(res(
            &checks::CONTEXT_TERMS,
            Verdict::Skip,
            format!("not every term checked: JSON-LD expansion stopped at its budget ({e})"),
        )),
        Some(Err(e)) => r.push(res(&checks::CONTEXT_TERMS, Verdict::Fail, e.to_string())),
    }
}

/// `ob3.subject.identifier`: the subject has an id or an identifier.
fn subject_step(r: &mut DocReport, cred: &Value) {
    match cred.get("credentialSubject") {
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
}

/// Step 8: every `credentialStatus` entry.
fn credential_status(r: &mut DocReport, cred: &Value, opts: &Options) {
    let cid = cred.get("id").and_then(Value::as_str);
    let issuer_id = match cred.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(o) => o.get("id").and_then(Value::as_str),
        None => None,
    };
    let entries = as_list(cred.get("credentialStatus"));
    if entries.is_empty() {
        r.push(res(
            &checks::STATUS,
            Verdict::Skip,
            "no credentialStatus: nothing to check",
        ));
    }
    for e in entries {
        match status::check(e, cid, issuer_id, opts) {
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

#[cfg(test)]
mod tests {
    use super::json_shape_refused;

    /// The values are counted exactly (empty containers, strings with separators in them,
    /// whitespace), so a document is refused only when it holds more than the limit.
    #[test]
    fn json_is_refused_beyond_its_depth_or_value_count() {
        for (text, values) in [
            ("1", 1),
            ("[]", 1),
            ("{}", 1),
            ("[1,2]", 3),
            (" { \"a\" : [ ] , \"b\":{}, \"c\": \"x,y[z{\\\",\" } ", 4),
            ("[[],[[]],{}]", 5),
            // Strings are skipped to their closing quote: escaped quotes and backslashes,
            // brackets and commas inside, an escape at a string's very end.
            (r#"["a\\", "[b,\"{c,", "\\\"],[" , ""]"#, 5),
            (r#"{"k": "x\\\\"}"#, 2),
        ] {
            assert_eq!(json_shape_refused(text, 10, values), None, "{text}");
            let why = json_shape_refused(text, 10, values - 1);
            assert!(why.is_some_and(|w| w.contains("more than")), "{text}");
        }
        assert!(json_shape_refused("[[[1]]]", 3, 100).is_none());
        assert!(json_shape_refused("[[[[1]]]]", 3, 100).is_some_and(|w| w.contains("deeper")));
        // Brackets inside a string are not nesting.
        assert!(json_shape_refused(r#"["[[[[[[", "\\", "]]]]"]"#, 2, 100).is_none());
    }
}
