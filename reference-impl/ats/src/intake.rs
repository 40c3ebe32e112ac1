//! An application as it arrives: a `VerifiablePresentation` (what the reference wallet's
//! "Share" sends: signed by the learner's `did:key` for `authentication`, with the ATS's
//! challenge and domain), or a bare credential (a CLR, an OB 3.0 credential, a VC-JWT), then
//! bound to the applicant only through an e-mail identifier the applicant gives.
//!
//! Every credential is verified by the verification core (proof, schema, status, dates, and
//! the recipient: the presentation's holder, or the given e-mail). A credential counts towards
//! the score only when its own checks pass, its status is known and it is bound to the
//! applicant; a credential bundled in a CLR is judged on its own report, so one tampered
//! credential in a CLR fails alone and the rest still count.

use serde_json::Value;
use wellspring_report::{DocReport, Verdict};
use wellspring_verify::{Options, Recipient};

use crate::score::{AlignmentRef, RedactedCandidate, RedactedCredential};

/// What the application says before any verification: its kind, holder and proof options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    /// The submitted document (the presentation, or the credential) as bytes to verify.
    pub document: Vec<u8>,
    pub presentation: bool,
    pub holder: Option<String>,
    pub challenge: Option<String>,
    pub domain: Option<String>,
    /// Given by the applicant (not used for scoring).
    pub name: Option<String>,
    pub email: Option<String>,
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|s| !s.trim().is_empty())
}

fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    }
}

fn types(v: &Value) -> Vec<String> {
    list(v.get("type"))
        .into_iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Reads a request body: a presentation, `{"presentation": …}`, `{"credential": …}` (each with
/// optional `name` and `email`), a bare credential JSON object, or a compact JWS.
pub fn envelope(body: &[u8]) -> Result<Envelope, String> {
    let t = std::str::from_utf8(body).map_err(|_| {
        "the application is not UTF-8 text (send JSON or a compact JWS)".to_string()
    })?;
    let t = t.trim();
    if t.is_empty() {
        return Err(
            "the application is empty: send a VerifiablePresentation or a credential".into(),
        );
    }
    if wellspring_verify::jwt::looks_like_jws(t) {
        return Ok(Envelope {
            document: t.as_bytes().to_vec(),
            ..Default::default()
        });
    }
    let v: Value =
        serde_json::from_str(t).map_err(|e| format!("the application is not JSON: {e}"))?;
    if !v.is_object() {
        return Err("the application must be a JSON object".into());
    }
    let (doc, name, email) = match (v.get("presentation"), v.get("credential")) {
        (Some(p), _) | (None, Some(p)) => (p.clone(), text(&v, "name"), text(&v, "email")),
        (None, None) => (v.clone(), None, None),
    };
    let document = match &doc {
        Value::String(s) => s.trim().as_bytes().to_vec(),
        Value::Object(_) => doc.to_string().into_bytes(),
        _ => {
            return Err(
                "the presentation / credential must be a JSON object or a compact JWS".into(),
            )
        }
    };
    let presentation = types(&doc).iter().any(|t| t == "VerifiablePresentation");
    let mut e = Envelope {
        document,
        presentation,
        name,
        email,
        ..Default::default()
    };
    if presentation {
        e.holder = text(&doc, "holder");
        let proof = list(doc.get("proof"))
            .into_iter()
            .find(|p| p.get("proofPurpose").and_then(Value::as_str) == Some("authentication"));
        if let Some(p) = proof {
            e.challenge = text(p, "challenge");
            e.domain = match p.get("domain") {
                Some(Value::String(d)) => Some(d.clone()),
                Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            };
        }
    }
    Ok(e)
}

/// The personal data a credential carries: shown to a recruiter who opens a candidate, never
/// given to the scorer.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub names: Vec<String>,
    pub emails: Vec<String>,
    pub photos: Vec<String>,
    pub birth_dates: Vec<String>,
    pub addresses: Vec<String>,
    /// The issuer's name.
    pub institution: Option<String>,
}

/// One credential of an application, judged.
#[derive(Debug, Clone)]
pub struct Judged {
    pub index: usize,
    /// The index of the CLR that bundles it.
    pub parent: Option<usize>,
    /// Where it sits in the submitted document (a JSON pointer; empty for the document itself).
    pub pointer: String,
    pub kind: String,
    pub credential: Value,
    /// What a Displayer shows: image, name, description, issuerName, issuedOn.
    pub display: Value,
    /// valid | expired | revoked | not-yet-valid | invalid | unknown
    pub status: String,
    pub counts: bool,
    /// Why it does not count.
    pub why_not: Option<String>,
    pub alignments: Vec<AlignmentRef>,
    pub person: Person,
    /// Its own verification report (a CLR's without the credentials it bundles).
    pub report: DocReport,
}

/// The whole application, judged.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// The holder, when a signed presentation proves it.
    pub holder: Option<String>,
    /// Problems with the presentation itself (an unverified proof, a wrong holder).
    pub presentation_error: Option<String>,
    pub credentials: Vec<Judged>,
    pub report: DocReport,
}

impl Judgement {
    /// What the scorer may see.
    pub fn redacted(&self) -> RedactedCandidate {
        redact(
            self.credentials
                .iter()
                .map(|c| (c.index, c.counts, c.alignments.as_slice())),
        )
    }
}

/// Keeps only the counted credentials' positions and alignments.
pub fn redact<'a>(
    rows: impl Iterator<Item = (usize, bool, &'a [AlignmentRef])>,
) -> RedactedCandidate {
    RedactedCandidate {
        credentials: rows
            .filter(|(_, counts, a)| *counts && !a.is_empty())
            .map(|(i, _, a)| RedactedCredential {
                credential: i,
                alignments: a.to_vec(),
            })
            .collect(),
    }
}

/// Why a credential does not count: the failed checks, or the headline's caveat (an issuer
/// not authenticated, a status not checked) when nothing failed.
fn not_verified(status: &str, r: &DocReport) -> String {
    let failed = r.failed_ids();
    if failed.is_empty() {
        format!("not verified ({status}): {}", r.headline())
    } else {
        format!("not verified ({status}): {}", failed.join(", "))
    }
}

fn own_report(r: &DocReport, drop_bundle: bool) -> DocReport {
    let mut own = r.clone();
    if drop_bundle {
        own.checks.retain(|c| c.id != "clr2.credentials");
        own.nested.retain(|n| {
            !n.subject
                .contains("/credentialSubject/verifiableCredential/")
        });
    }
    own
}

/// The status word, as a displayer shows it; `unknown` when a `credentialStatus` could not be read.
pub fn status_word(report: &DocReport, credential: &Value) -> &'static str {
    let s = wellspring_vcapi::status_of(report);
    if s == "valid" && credential.get("credentialStatus").is_some() {
        let known = report
            .checks
            .iter()
            .any(|c| c.id == "ob3.status" && c.verdict == Verdict::Pass);
        if !known {
            return "unknown";
        }
    }
    s
}

/// The alignments of a credential's achievement(s), and of the result descriptions the learner
/// has a result for. `skip` lists achievement ids that must not count (a CLR's copies of
/// achievements whose own credential failed).
fn alignments(cred: &Value, skip: &[String]) -> Vec<AlignmentRef> {
    let mut out = Vec::new();
    for subject in list(cred.get("credentialSubject")) {
        let results = list(subject.get("result"));
        for a in list(subject.get("achievement")) {
            if a.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| skip.iter().any(|s| s == id))
            {
                continue;
            }
            for al in list(a.get("alignment")) {
                out.push(alignment(al, None));
            }
            for rd in list(a.get("resultDescription")) {
                let Some(rd_id) = rd.get("id").and_then(Value::as_str) else {
                    continue;
                };
                let got = results
                    .iter()
                    .find(|r| r.get("resultDescription").and_then(Value::as_str) == Some(rd_id));
                let Some(got) = got else { continue };
                let value = text(got, "value")
                    .or_else(|| text(got, "achievedLevel"))
                    .or_else(|| text(got, "status"))
                    .unwrap_or_else(|| "result present".into());
                let label = match text(rd, "name") {
                    Some(n) => format!("{n}: {value}"),
                    None => value,
                };
                for al in list(rd.get("alignment")) {
                    out.push(alignment(al, Some(label.clone())));
                }
            }
        }
    }
    out
}

fn alignment(al: &Value, result: Option<String>) -> AlignmentRef {
    AlignmentRef {
        target_url: text(al, "targetUrl"),
        target_code: text(al, "targetCode"),
        target_framework: text(al, "targetFramework"),
        target_type: text(al, "targetType"),
        target_name: text(al, "targetName"),
        result,
    }
}

fn person(cred: &Value) -> Person {
    let mut p = Person::default();
    for subject in list(cred.get("credentialSubject")) {
        for ident in list(subject.get("identifier")) {
            if ident.get("hashed").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let Some(v) = text(ident, "identityHash") else {
                continue;
            };
            match ident.get("identityType").and_then(Value::as_str) {
                Some("name") => p.names.push(v),
                Some("emailAddress") => p.emails.push(v),
                _ => {}
            }
        }
        if let Some(img) = subject
            .get("image")
            .and_then(|i| i.as_str().map(str::to_owned).or_else(|| text(i, "id")))
        {
            p.photos.push(img);
        }
        for k in ["birthDate", "dateOfBirth"] {
            if let Some(d) = text(subject, k) {
                p.birth_dates.push(d);
            }
        }
        if let Some(a) = subject.get("address") {
            p.addresses.push(a.to_string());
        }
    }
    p.institution = cred.get("issuer").and_then(|i| text(i, "name"));
    p
}

fn kind_of(cred: &Value) -> String {
    let ts = types(cred);
    [
        "ClrCredential",
        "EndorsementCredential",
        "OpenBadgeCredential",
        "AchievementCredential",
    ]
    .into_iter()
    .find(|k| ts.iter().any(|t| t == k))
    .unwrap_or("VerifiableCredential")
    .to_owned()
}

fn credential_json(item: &Value) -> Option<Value> {
    match item {
        Value::String(t) => wellspring_verify::jwt::decode(t.trim())
            .ok()
            .map(|j| j.credential),
        Value::Object(_) => Some(item.clone()),
        _ => None,
    }
}

fn subject_id(cred: &Value) -> Option<String> {
    list(cred.get("credentialSubject"))
        .first()
        .and_then(|s| text(s, "id"))
}

/// How the applicant is known: the holder the presentation proves, or an e-mail.
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    Holder(String),
    Email(String),
    None,
}

/// Verifies the application (an [`envelope`]) and judges every credential in it.
/// `holder_ok`: whether the presentation's challenge and domain were accepted (checked by the
/// caller); a presentation whose holder is not proven binds nothing.
pub fn judge(env: &Envelope, opts: &Options, challenge_ok: Result<(), String>) -> Judgement {
    let binding = binding_of(env);
    let mut o = opts.clone();
    o.recipient = recipient_of(&binding);
    let report = wellspring_verify::verify_bytes("application", &env.document, &o);
    let doc = document_json(&env.document);
    let mut presentation_error = None;
    let mut holder = None;
    let mut tops: Vec<(String, Value, DocReport)> = Vec::new();
    if env.presentation {
        match presentation_holder(env, &report, &challenge_ok) {
            Ok(h) => holder = Some(h),
            Err(e) => presentation_error = Some(e),
        }
        tops = presented(doc.as_ref(), &report);
    } else if let Some(d) = doc {
        tops.push((String::new(), d, report.clone()));
    }
    let bound = Bound {
        binding: &binding,
        presentation: env.presentation,
        holder: &holder,
        presentation_error: &presentation_error,
    };
    let mut out: Vec<Judged> = Vec::new();
    for (pointer, cred, r) in tops {
        judge_one(&mut out, &bound, pointer, cred, &r);
    }
    Judgement {
        holder,
        presentation_error,
        credentials: out,
        report,
    }
}

/// How the application binds its credentials to the applicant.
fn binding_of(env: &Envelope) -> Binding {
    // An e-mail address the applicant gives names the recipient the credentials were issued
    // to (issuers commonly identify learners by hashed e-mail, not by the wallet's DID); without
    // one, a presentation binds its credentials to its proven holder.
    match (&env.holder, &env.email) {
        (_, Some(e)) => Binding::Email(e.clone()),
        (Some(h), None) if env.presentation => Binding::Holder(h.clone()),
        _ => Binding::None,
    }
}

/// The recipient the verification core checks each credential against.
fn recipient_of(binding: &Binding) -> Option<Recipient> {
    match binding {
        Binding::Holder(h) => Some(Recipient {
            identity_type: "id".into(),
            value: h.clone(),
        }),
        Binding::Email(e) => Some(Recipient {
            identity_type: "emailAddress".into(),
            value: e.clone(),
        }),
        Binding::None => None,
    }
}

/// The submitted document as JSON (a VC-JWT decoded to its credential).
fn document_json(bytes: &[u8]) -> Option<Value> {
    std::str::from_utf8(bytes).ok().and_then(|t| {
        let t = t.trim();
        if wellspring_verify::jwt::looks_like_jws(t) {
            wellspring_verify::jwt::decode(t).ok().map(|j| j.credential)
        } else {
            serde_json::from_str(t).ok()
        }
    })
}

/// The holder a presentation proves (its proof verifies, it names a holder, its challenge was
/// accepted), or what is wrong with the presentation.
fn presentation_holder(
    env: &Envelope,
    report: &DocReport,
    challenge_ok: &Result<(), String>,
) -> Result<String, String> {
    let proof_ok = report
        .checks
        .iter()
        .any(|c| c.id == "vp.proof" && c.verdict == Verdict::Pass)
        && !report
            .checks
            .iter()
            .any(|c| c.id == "vp.proof" && c.verdict != Verdict::Pass);
    if !proof_ok {
        let why = report
            .checks
            .iter()
            .find(|c| c.id == "vp.proof")
            .map(|c| c.message.clone())
            .unwrap_or_default();
        return Err(format!("the presentation's proof does not verify: {why}"));
    }
    match (&env.holder, challenge_ok) {
        (None, _) => Err("the presentation names no holder".into()),
        (Some(_), Err(e)) => Err(e.clone()),
        (Some(h), Ok(())) => Ok(h.clone()),
    }
}

/// The credentials a presentation carries: (pointer, credential, its nested report).
fn presented(doc: Option<&Value>, report: &DocReport) -> Vec<(String, Value, DocReport)> {
    let items: Vec<&Value> = doc
        .map(|d| list(d.get("verifiableCredential")))
        .unwrap_or_default();
    let mut tops = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/verifiableCredential/{i}");
        let sub = nested_report(report, &pointer);
        if let Some(c) = credential_json(item) {
            tops.push((pointer, c, sub));
        }
    }
    tops
}

/// The report nested in `r` for the document at `pointer` (an empty one when there is none).
fn nested_report(r: &DocReport, pointer: &str) -> DocReport {
    r.nested
        .iter()
        .find(|n| n.subject.ends_with(pointer))
        .cloned()
        .unwrap_or_else(|| DocReport::new(pointer.to_owned()))
}

/// What decides whether a credential is the applicant's.
struct Bound<'a> {
    binding: &'a Binding,
    presentation: bool,
    holder: &'a Option<String>,
    presentation_error: &'a Option<String>,
}

impl Bound<'_> {
    /// Ok when the credential with report `r` is bound to the applicant, else why not.
    fn check(&self, r: &DocReport) -> Result<(), String> {
        match (self.binding, self.presentation, self.holder) {
            (Binding::Holder(_), true, None) => Err(self
                .presentation_error
                .clone()
                .unwrap_or_else(|| "the holder is not proven".into())),
            (Binding::None, _, _) => {
                Err("not bound to the applicant: no signed presentation and no e-mail given".into())
            }
            _ => match r.checks.iter().find(|c| c.id == "ob3.recipient") {
                Some(c) if c.verdict == Verdict::Pass => Ok(()),
                Some(c) => Err(format!("not the applicant's: {}", c.message)),
                None => Err("the recipient was not checked".into()),
            },
        }
    }
}

/// A credential bundled in a CLR: (pointer, credential, status, why it does not count, report).
type Bundled = (String, Value, String, Option<String>, DocReport);

/// Judges one top-level credential (and, for a CLR, the credentials it bundles) into `out`.
fn judge_one(out: &mut Vec<Judged>, bound: &Bound, pointer: String, cred: Value, r: &DocReport) {
    let is_clr = types(&cred).iter().any(|t| t == "ClrCredential");
    let own = own_report(r, is_clr);
    // the credential's own status, judged apart from whose it is (binding comes next)
    let mut unbound = own.clone();
    unbound.checks.retain(|c| c.id != "ob3.recipient");
    let status = status_word(&unbound, &cred).to_owned();
    let why_not = if status != "valid" {
        Some(not_verified(&status, &own))
    } else {
        bound.check(&own).err()
    };
    let idx = out.len();
    let (children, skip) = if is_clr {
        bundled(&cred, &pointer, r, &why_not)
    } else {
        (Vec::new(), Vec::new())
    };
    out.push(Judged {
        index: idx,
        parent: None,
        pointer,
        kind: kind_of(&cred),
        display: wellspring_vcapi::display(&cred),
        status,
        counts: why_not.is_none(),
        why_not,
        alignments: alignments(&cred, &skip),
        person: person(&cred),
        credential: cred,
        report: own,
    });
    for (p, c, st, why, sub) in children {
        let index = out.len();
        out.push(Judged {
            index,
            parent: Some(idx),
            pointer: p,
            kind: kind_of(&c),
            display: wellspring_vcapi::display(&c),
            status: st,
            counts: why.is_none(),
            why_not: why,
            alignments: alignments(&c, &[]),
            person: person(&c),
            credential: c,
            report: sub,
        });
    }
}

/// The credentials a CLR bundles, judged, and the achievements of those that are not valid
/// (the CLR's alignments to them are skipped).
fn bundled(
    cred: &Value,
    pointer: &str,
    r: &DocReport,
    clr_why_not: &Option<String>,
) -> (Vec<Bundled>, Vec<String>) {
    let mut skip = Vec::new();
    let mut children = Vec::new();
    let items = list(cred.pointer("/credentialSubject/verifiableCredential"));
    for (j, item) in items.iter().enumerate() {
        let p = format!("{pointer}/credentialSubject/verifiableCredential/{j}");
        let sub = nested_report(r, &p);
        let Some(c) = credential_json(item) else {
            continue;
        };
        let st = status_word(&sub, &c).to_owned();
        let same_subject = match (subject_id(&c), subject_id(cred)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let why = if st != "valid" {
            Some(not_verified(&st, &sub))
        } else if let Some(w) = clr_why_not {
            Some(format!("the CLR that bundles it does not count: {w}"))
        } else if !same_subject {
            Some("its subject is not the CLR's subject".into())
        } else {
            None
        };
        if st != "valid" {
            for s in list(c.get("credentialSubject")) {
                for a in list(s.get("achievement")) {
                    if let Some(id) = a.get("id").and_then(Value::as_str) {
                        skip.push(id.to_owned());
                    }
                }
            }
        }
        children.push((p, c, st, why, sub));
    }
    (children, skip)
}
