//! Issuer certification (`wellspring certify --standard ob30|clr20 --role issuer --credential FILE`).
//!
//! OB 3.0 certification guide, Issuer: "Create a valid 3.0 badge and issue it to recipient
//! conformance@imsglobal.org, then submit the issued badge"; linked-data proofs must be
//! `eddsa-rdfc-2022`. The live test system asks for a *baked* badge; the guide does not, so a
//! plain credential is a warning, not a failure. CLR 2.0: the same with a `ClrCredential`
//! (issuer-only certification is not offered for CLR, but the credential test is the same).
//! The submitted credential is judged by the verification core, offline unless the caller's
//! options allow the network; its report is nested under the issuer checks as evidence.

use serde_json::Value;
use wellspring_report::{CheckDef, CheckResult, DocReport, Verdict};
use wellspring_verify::{Options, Recipient};

/// The recipient the 1EdTech test system names.
pub const CONFORMANCE_RECIPIENT: &str = "conformance@imsglobal.org";

const OB_CERT: &str = "https://www.imsglobal.org/spec/ob/v3p0/cert/#issuer";
const CLR_CERT: &str = "https://www.imsglobal.org/spec/clr/v2p0/cert/#issuer";
const OB_CRITERIA: &str = "https://www.imsglobal.org/spec/ob/v3p0/#criteria";
const CLR_CRITERIA: &str = "https://www.imsglobal.org/spec/clr/v2p0/#criteria";

mod criteria;

/// The standard an issuer is certified for: the workspace's one `Standard` (data model crate),
/// under the name the suites have always used.
pub use wellspring_model::Standard as IssuerStandard;

wellspring_report::paired_checks! {
    role "issuer";
    TYPE: "credential-type", OB_CERT, CLR_CERT, "the submitted document is a credential of the certified kind (OpenBadgeCredential / AchievementCredential, or ClrCredential)";
    VC_DM2: "vc-dm-2", OB_CERT, CLR_CERT, "a newly issued credential is in the VC Data Model 2.0 form (@context[0] https://www.w3.org/ns/credentials/v2); the 1.1 form is accepted for verification only";
    VERIFIES: "verifies", OB_CERT, CLR_CERT, "the credential passes every check of the verification core (proof, schema, dates, status, endorsements)";
    RECIPIENT: "recipient", OB_CERT, CLR_CERT, "the credential is issued to conformance@imsglobal.org (plain or hashed identifier)";
    PROOF_FORMAT: "proof-format", OB_CERT, CLR_CERT, "every proof is Data Integrity eddsa-rdfc-2022, or the credential is a VC-JWT (the formats certification accepts)";
    BAKED: "baked", OB_CERT, CLR_CERT, "the badge is baked into a PNG or SVG (asked by the live test system; a plain credential is a warning)";
    CRITERIA: "criteria", OB_CRITERIA, CLR_CRITERIA, "every Achievement has criteria (required), with an id or a narrative (at least one SHOULD be given: a warning otherwise)";
}

/// The checks of one standard's issuer role, in report order.
pub fn checks(std: IssuerStandard) -> &'static [CheckDef] {
    match std {
        IssuerStandard::Ob30 => ob3::ALL,
        IssuerStandard::Clr20 => clr2::ALL,
    }
}

/// Judges one submitted credential (`name` is how it is shown, `bytes` the file as submitted).
/// `opts` carries the clock, known keys and status files; its recipient is replaced by the
/// conformance recipient.
pub fn run(std: IssuerStandard, name: &str, bytes: &[u8], opts: &Options) -> DocReport {
    let defs = checks(std);
    let [type_, vc_dm2, verifies, recipient, proof_format, baked_def, criteria_def] = defs else {
        unreachable!("seven issuer checks per standard")
    };
    let mut opts = opts.clone();
    opts.recipient = Some(Recipient {
        identity_type: "emailAddress".into(),
        value: CONFORMANCE_RECIPIENT.into(),
    });
    let inner = wellspring_verify::verify_bytes(name, bytes, &opts);
    let mut r = DocReport::new(format!("issuer certification: {name}"));
    r.kind = match std {
        IssuerStandard::Ob30 => "OB 3.0 Issuer".into(),
        IssuerStandard::Clr20 => "CLR 2.0 Issuer".into(),
    };
    r.push(type_check(std, type_, &inner));
    r.push(vc_dm2_check(vc_dm2, &inner));
    r.push(verifies_check(verifies, &inner));
    r.push(recipient_check(recipient, &inner));
    r.push(proof_format_check(proof_format, &inner));
    r.push(baked_check(baked_def, &inner));
    r.push(criteria::check(criteria_def, bytes));
    r.nested.push(inner);
    r
}

/// The core's check `id` on the top-level credential.
fn core_check<'a>(inner: &'a DocReport, id: &str) -> Option<&'a CheckResult> {
    inner.checks.iter().find(|c| c.id == id)
}

/// Type: the verifier's kind line names what it found.
fn type_check(std: IssuerStandard, def: &CheckDef, inner: &DocReport) -> CheckResult {
    let kind = inner.kind.clone();
    let wanted: &[&str] = match std {
        IssuerStandard::Ob30 => &["OpenBadgeCredential", "AchievementCredential"],
        IssuerStandard::Clr20 => &["ClrCredential"],
    };
    let ok_type = wanted.iter().any(|w| kind.starts_with(w));
    CheckResult::new(
        def,
        if ok_type {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
        if ok_type {
            format!("found {kind}")
        } else {
            format!("expected {}, found {kind}", wanted.join(" or "))
        },
    )
    .with("kind", kind.clone())
}

/// VC DM 2.0: the core's base-context check warns on the 1.1 form, which a new credential
/// may not use.
fn vc_dm2_check(def: &CheckDef, inner: &DocReport) -> CheckResult {
    match core_check(inner, "ob3.context.base") {
        Some(c) if c.verdict == Verdict::Pass => {
            CheckResult::new(def, Verdict::Pass, c.message.clone())
        }
        Some(c) if c.verdict == Verdict::Warn => CheckResult::new(
            def,
            Verdict::Fail,
            format!(
                "{}: certification asks for newly issued credentials in the VC DM 2.0 form",
                c.message
            ),
        ),
        Some(c) => CheckResult::new(def, Verdict::Fail, c.message.clone()),
        None => CheckResult::new(
            def,
            Verdict::Fail,
            "the credential could not be read far enough to find its @context",
        ),
    }
}

/// Verifies: every check of the core, nested documents included, except the recipient
/// check, which has its own line here.
fn verifies_check(def: &CheckDef, inner: &DocReport) -> CheckResult {
    let mut all = Vec::new();
    inner.walk(&mut all);
    let failed: Vec<Value> = all
        .iter()
        .filter(|(_, c)| c.verdict == Verdict::Fail && !c.id.ends_with(".recipient"))
        .map(|(s, c)| Value::from(format!("{} ({s}): {}", c.id, c.message)))
        .collect();
    if failed.is_empty() {
        CheckResult::new(
            def,
            Verdict::Pass,
            format!(
                "{} checks of the verification core passed or were not applicable",
                all.len()
            ),
        )
    } else {
        CheckResult::new(
            def,
            Verdict::Fail,
            format!("{} check(s) of the verification core failed", failed.len()),
        )
        .with("failed checks", Value::Array(failed))
    }
}

/// Recipient: the core's recipient check on the top-level credential.
fn recipient_check(def: &CheckDef, inner: &DocReport) -> CheckResult {
    match core_check(inner, "ob3.recipient") {
        Some(c) if c.verdict == Verdict::Pass => {
            CheckResult::new(def, Verdict::Pass, c.message.clone())
        }
        Some(c) => CheckResult::new(def, Verdict::Fail, c.message.clone())
            .with("recipient expected", CONFORMANCE_RECIPIENT),
        None => CheckResult::new(
            def,
            Verdict::Fail,
            "the credential could not be read far enough to find its recipient",
        ),
    }
}

/// Proof format: read from the kind line, e.g. "OpenBadgeCredential (eddsa-rdfc-2022)".
fn proof_format_check(def: &CheckDef, inner: &DocReport) -> CheckResult {
    let label = inner
        .kind
        .rsplit_once('(')
        .map(|(_, l)| l.trim_end_matches(')').to_owned())
        .unwrap_or_default();
    // a proof set: every proof must be of an accepted format, not only the first
    let proof_ok = label.starts_with("VC-JWT")
        || (!label.is_empty()
            && label != "no proof"
            && label.split(" + ").all(|suite| suite == "eddsa-rdfc-2022"));
    CheckResult::new(
        def,
        if proof_ok { Verdict::Pass } else { Verdict::Fail },
        if proof_ok {
            format!("proof format {label}")
        } else if label.is_empty() {
            "no proof format could be read".to_owned()
        } else {
            format!("proof format {label}: certification requires eddsa-rdfc-2022 for Data Integrity proofs, or VC-JWT")
        },
    )
    .with("proof", label.clone())
}

/// Baked: the verifier records where the credential came from.
fn baked_check(def: &CheckDef, inner: &DocReport) -> CheckResult {
    let baked = inner
        .checks
        .iter()
        .find(|c| c.id == "ob3.baked.png" || c.id == "ob3.baked.svg");
    match baked {
        Some(c) if c.verdict == Verdict::Pass => CheckResult::new(def, Verdict::Pass, format!("baked: {}", c.message)),
        Some(c) => CheckResult::new(def, Verdict::Fail, c.message.clone()),
        None => CheckResult::new(def, Verdict::Warn, "a plain credential, not baked: the live 1EdTech test system asks for a baked badge (PNG or SVG)"),
    }
}
