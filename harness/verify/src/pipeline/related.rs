//! What a credential carries or is carried in: endorsements, the recipient, the CLR's
//! bundled credentials and associations, and presentations.

use super::*;

/// Where embedded endorsements may sit (OB 3.0 / CLR 2.0: the credential, its issuer profile,
/// each achievement of each subject — one for an AchievementSubject, a list for a ClrSubject —
/// and each achievement's creator): (JSON pointer, object).
fn endorsement_places(cred: &Value) -> Vec<(String, &Value)> {
    let mut out = vec![(String::new(), cred)];
    if let Some(i) = cred.get("issuer").filter(|i| i.is_object()) {
        out.push(("/issuer".into(), i));
    }
    let subjects: Vec<(String, &Value)> = match cred.get("credentialSubject") {
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(j, s)| (format!("/credentialSubject/{j}"), s))
            .collect(),
        Some(s) => vec![("/credentialSubject".into(), s)],
        None => Vec::new(),
    };
    for (sp, subject) in subjects {
        let achievements: Vec<(String, &Value)> = match subject.get("achievement") {
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, x)| (format!("{sp}/achievement/{i}"), x))
                .collect(),
            Some(a) => vec![(format!("{sp}/achievement"), a)],
            None => Vec::new(),
        };
        for (ap, a) in achievements {
            let creator = a.get("creator").filter(|c| c.is_object());
            out.push((ap.clone(), a));
            if let Some(c) = creator {
                out.push((format!("{ap}/creator"), c));
            }
        }
    }
    out
}

pub(super) fn endorsements(r: &mut DocReport, cred: &Value, opts: &Options, level: usize) {
    let mut found: Vec<(String, Option<&Value>, Option<&str>)> = Vec::new();
    for (place, obj) in endorsement_places(cred) {
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
    if let Err(e) = take_embedded(found.len()) {
        r.push(res(&checks::ENDORSEMENTS, Verdict::Fail, e));
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

pub(super) fn recipient(r: &mut DocReport, cred: &Value, opts: &Options) {
    let Some(want) = &opts.recipient else {
        r.push(res(
            &checks::RECIPIENT,
            Verdict::Skip,
            "no --recipient given",
        ));
        return;
    };
    let subject = cred.get("credentialSubject").unwrap_or(&Value::Null);
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
    recipient_identifiers(r, &subject, want);
}

/// `ob3.recipient` by the subject's `identifier`s of the wanted type: one must match.
fn recipient_identifiers(r: &mut DocReport, subject: &Value, want: &crate::Recipient) {
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
            match identity_hash_matches(stored, salt, &want.value) {
                Ok(m) => m,
                Err(why) => {
                    r.push(res(&checks::RECIPIENT, Verdict::Warn, why));
                    continue;
                }
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

/// Whether a hashed `identityHash` (`sha256$HEX`) is the hash of `value` salted with `salt`;
/// an error for an algorithm the verifier does not support.
fn identity_hash_matches(stored: &str, salt: &str, value: &str) -> Result<bool, String> {
    match stored.split_once('$') {
        Some(("sha256", hex)) => {
            let h = Sha256::digest(format!("{value}{salt}").as_bytes());
            Ok(hex::encode(h).eq_ignore_ascii_case(hex))
        }
        Some((alg, _)) => Err(format!("identityHash algorithm {alg:?} not supported")),
        None => Ok(false),
    }
}

pub(super) fn clr(r: &mut DocReport, cred: &Value, opts: &Options, level: usize) {
    let subject = cred.get("credentialSubject").unwrap_or(&Value::Null);
    let mut achievement_ids: std::collections::BTreeSet<String> =
        as_list(subject.get("achievement"))
            .into_iter()
            .filter_map(|a| a.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect();
    clr_credentials(r, subject, opts, level, &mut achievement_ids);
    clr_associations(r, &subject, achievement_ids);
}

/// `clr2.credentials`: every credential the CLR bundles verifies (each as a nested report).
/// Adds the achievement id each bundled credential awards to `achievement_ids`.
fn clr_credentials(
    r: &mut DocReport,
    subject: &Value,
    opts: &Options,
    level: usize,
    achievement_ids: &mut std::collections::BTreeSet<String>,
) {
    let nested = as_list(subject.get("verifiableCredential"));
    if nested.is_empty() {
        r.push(res(
            &checks::CLR_CREDENTIALS,
            Verdict::Fail,
            "the CLR bundles no credentials (credentialSubject.verifiableCredential is empty)",
        ));
        return;
    }
    if level >= MAX_NESTING {
        r.push(res(
            &checks::CLR_CREDENTIALS,
            Verdict::Fail,
            format!("credentials nested deeper than {MAX_NESTING} levels"),
        ));
        return;
    }
    if let Err(e) = take_embedded(nested.len()) {
        r.push(res(&checks::CLR_CREDENTIALS, Verdict::Fail, e));
        return;
    }
    let mut failed = Vec::new();
    for (i, c) in nested.iter().enumerate() {
        let pointer = format!("/credentialSubject/verifiableCredential/{i}");
        let mut sub = DocReport::new(format!("{}{pointer}", r.subject));
        if let Some(id) = verify_bundled(&mut sub, c, opts, level) {
            achievement_ids.insert(id);
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

/// Verifies one bundled credential (a VC-JWT string or an embedded JSON credential) into `sub`;
/// returns the id of the achievement it awards, when it can be read.
fn verify_bundled(sub: &mut DocReport, c: &Value, opts: &Options, level: usize) -> Option<String> {
    let awarded = |cred: &Value| {
        cred.pointer("/credentialSubject/achievement/id")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match c {
        Value::String(t) => {
            verify_text(sub, t, opts, level + 1, false);
            jwt::decode(t).ok().and_then(|j| awarded(&j.credential))
        }
        v => {
            verify_credential(sub, v, None, opts, level + 1, false);
            awarded(v)
        }
    }
}

/// `clr2.associations`: both ends of every association name an achievement in the CLR.
fn clr_associations(
    r: &mut DocReport,
    subject: &Value,
    achievement_ids: std::collections::BTreeSet<String>,
) {
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
pub(super) fn base_context(r: &mut DocReport, ctx: &[String]) {
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

/// The media types of a VC-JWT in an `EnvelopedVerifiableCredential`'s `data:` URL (VC DM 2.0
/// § Enveloped Verifiable Credentials; VC-JOSE-COSE registers `application/vc+jwt`).
const ENVELOPED_JWT: &[&str] = &[
    "application/vc+jwt",
    "application/vc-ld+jwt",
    "application/jwt",
];

/// An `EnvelopedVerifiableCredential` of a presentation: Some(Ok(the compact JWS its `data:` URL
/// carries)), Some(Err(why not)), or None for anything else.
pub(super) fn enveloped(c: &Value) -> Option<Result<&str, String>> {
    if !types(c)
        .iter()
        .any(|t| t == "EnvelopedVerifiableCredential")
    {
        return None;
    }
    let id = c.get("id").and_then(Value::as_str).unwrap_or_default();
    let Some((media, data)) = id.strip_prefix("data:").and_then(|r| r.split_once(',')) else {
        return Some(Err(format!(
            "an EnvelopedVerifiableCredential's id must be a data: URL of a VC-JWT; found {:?}",
            id.chars().take(80).collect::<String>()
        )));
    };
    if !ENVELOPED_JWT.contains(&media) {
        return Some(Err(format!(
            "EnvelopedVerifiableCredential of media type {media:?}: only a VC-JWT ({}) is read",
            ENVELOPED_JWT.join(", ")
        )));
    }
    Some(Ok(data))
}

pub(super) fn verify_presentation(r: &mut DocReport, vp: &Value, opts: &Options, level: usize) {
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
        r.push(vp_proof(vp, p, opts));
    }
    vp_credentials(r, vp, opts, level);
}

/// `vp.proof` for one proof `p` of presentation `vp`: it verifies (for authentication), with a
/// key of the holder when the presentation names one.
fn vp_proof(vp: &Value, p: &Value, opts: &Options) -> CheckResult {
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
                res(
                    &checks::VP_PROOF,
                    Verdict::Fail,
                    format!(
                        "signed by {ctrl}, not the holder {}",
                        holder.unwrap_or_default()
                    ),
                )
            } else {
                res(
                    &checks::VP_PROOF,
                    Verdict::Pass,
                    format!("presentation signed by {ctrl}"),
                )
            }
        }
        Err(e) => trace_evidence(res(&checks::VP_PROOF, Verdict::Fail, e.to_string()), &trace),
    }
}

/// `vp.credentials`: the presentation holds credentials and every one verifies (each as a
/// nested report).
fn vp_credentials(r: &mut DocReport, vp: &Value, opts: &Options, level: usize) {
    let creds = as_list(vp.get("verifiableCredential"));
    if creds.is_empty() {
        r.push(res(
            &checks::VP_CREDENTIALS,
            Verdict::Fail,
            "the presentation holds no credentials",
        ));
        return;
    }
    if let Err(e) = take_embedded(creds.len()) {
        r.push(res(&checks::VP_CREDENTIALS, Verdict::Fail, e));
        return;
    }
    let mut failed = Vec::new();
    for (i, c) in creds.iter().enumerate() {
        let pointer = format!("/verifiableCredential/{i}");
        let mut sub = DocReport::new(format!("{}{pointer}", r.subject));
        match (c, enveloped(c)) {
            (_, Some(Ok(jws))) => verify_text(&mut sub, jws, opts, level + 1, true),
            (_, Some(Err(e))) => sub.push(res(&checks::PARSE_JSON, Verdict::Fail, e)),
            (Value::String(t), None) => verify_text(&mut sub, t, opts, level + 1, true),
            (v, None) => verify_credential(&mut sub, v, None, opts, level + 1, true),
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
