//! Displayer certification (`wellspring certify --standard ob30|clr20 --role displayer --verify-url URL`).
//!
//! OB 3.0 certification guide, Displayer: the candidate is given three badges — valid;
//! expired and not revoked; revoked and not expired — in OB 3.0 (VC DM 2.0) form and again in
//! VC DM 1.1 form, verifies each and reports its status, and shows image (if baked), name,
//! description, issuer name and issued-on date. 1EdTech asks for videos; Wellspring asks the
//! displayer's machine interface instead: a VC-API style `POST /credentials/verify` taking
//! `{"verifiableCredential": …}`. CLR 2.0: the same with ClrCredentials.
//!
//! The harness signs the badges at run time with its own test key (a did:key issuer) and
//! serves their `1EdTechRevocationList` on a loopback port (`--listen`), so the displayer
//! must really fetch the status list. How the answer is read (see `suites/ob30/README.md`):
//! a `status` string (`valid`, `expired`, `revoked`, …) when present; otherwise `verified`
//! (or the HTTP status: 2xx verified) plus the words of `errors`/`warnings` (revok…, expir…).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use wellspring_http::guard::{BlockingNet, NetError, NetPolicy};
use wellspring_model::{
    Achievement, AchievementSubject, ClrSubject, Credential, CredentialStatus, Profile,
    CONTEXT_OB_EXTENSIONS,
};
use wellspring_report::{CheckDef, CheckResult, DocReport, Verdict};
use wellspring_verify::{di, keys, loader::ContextLoader};

use crate::issuer::IssuerStandard as Standard;

const OB_CERT: &str = "https://www.imsglobal.org/spec/ob/v3p0/cert/#displayer";
const CLR_CERT: &str = "https://www.imsglobal.org/spec/clr/v2p0/cert/#displayer";
const SECURITY_DI_V1: &str = "https://w3id.org/security/data-integrity/v1";

wellspring_report::paired_checks! {
    role "displayer";
    VALID: "valid", OB_CERT, CLR_CERT, "the valid badge (VC DM 2.0) is reported verified";
    EXPIRED: "expired", OB_CERT, CLR_CERT, "the expired, not revoked badge (VC DM 2.0) is reported expired (and not revoked)";
    REVOKED: "revoked", OB_CERT, CLR_CERT, "the revoked, not expired badge (VC DM 2.0) is reported revoked";
    V1_VALID: "v1-valid", OB_CERT, CLR_CERT, "the valid badge in VC DM 1.1 form is reported verified";
    V1_EXPIRED: "v1-expired", OB_CERT, CLR_CERT, "the expired badge in VC DM 1.1 form (expirationDate) is reported expired";
    V1_REVOKED: "v1-revoked", OB_CERT, CLR_CERT, "the revoked badge in VC DM 1.1 form is reported revoked";
    TAMPERED: "tampered", OB_CERT, CLR_CERT, "a badge changed after signing is reported not verified";
    DISPLAY: "display", OB_CERT, CLR_CERT, "the displayer reports the name, description, issuer name and issued-on date each of the three badges (valid, expired, revoked) carries";
}

/// The checks of one standard's displayer role, in report order.
pub fn checks(std: Standard) -> &'static [CheckDef] {
    match std {
        Standard::Ob30 => ob3::ALL,
        Standard::Clr20 => clr2::ALL,
    }
}

/// How a displayer run is set up.
#[derive(Debug, Clone)]
pub struct Options {
    pub standard: Standard,
    /// The displayer's verify endpoint (`POST`, VC-API style).
    pub verify_url: String,
    /// Where the harness serves the status list and the badges (port 0: any free port).
    pub listen: SocketAddr,
    /// The base URL the displayer reaches the harness at, when not `http://{listen}`.
    pub public_base: Option<String>,
    /// Deadline per request to the displayer, body included.
    pub timeout: Duration,
    /// The verify endpoint may be on loopback or a private network (refused otherwise).
    pub allow_private_network: bool,
}

impl Options {
    pub fn new(standard: Standard, verify_url: impl Into<String>) -> Self {
        Options {
            standard,
            verify_url: verify_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_base: None,
            timeout: Duration::from_secs(20),
            allow_private_network: false,
        }
    }
}

/// The six badges and one tampered copy, as served and sent.
#[derive(Debug, Clone)]
pub struct Badges {
    pub base: String,
    /// (label, credential): valid, expired, revoked, v1-valid, v1-expired, v1-revoked, tampered.
    pub items: Vec<(&'static str, Value)>,
    pub status_list: Value,
}

fn run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}-{}", std::process::id())
}

fn urn(run: &str, label: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("wellspring-displayer/{run}/{label}").as_bytes());
    let x = hex::encode(&h[..16]);
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// What every badge of one run is made with.
struct Maker {
    std: Standard,
    key: keys::Jwk,
    vm: String,
    loader: ContextLoader,
    list_url: String,
    run: String,
    issuer: Profile,
    kind: &'static str,
}

impl Maker {
    fn sign(&self, v: &Value) -> Result<Value, String> {
        di::sign(v, &self.key, &self.vm, "2025-01-01T00:00:00Z", &self.loader)
    }

    /// The status list, the OB extensions context, and for `v1` the VC DM 1.1 form with the
    /// Data Integrity context: the credential as JSON.
    fn finish(&self, mut c: Credential, v1: bool) -> Value {
        c.credential_status = Some(CredentialStatus::revocation_list(self.list_url.clone()));
        c.context.push(CONTEXT_OB_EXTENSIONS.to_owned());
        if v1 {
            c = c.into_vcdm_v1();
        }
        let mut v = c.to_value();
        if v1 {
            if let Some(Value::Array(a)) = v.get_mut("@context") {
                a.push(SECURITY_DI_V1.into());
            }
        }
        v
    }

    /// The unsigned OB credential `label`, valid from `from` until `until`.
    fn ob(&self, label: &str, from: &str, until: Option<&str>, v1: bool) -> Value {
        let kind = self.kind;
        let mut a = Achievement::new(
            urn(&self.run, &format!("achievement/{label}")),
            format!("Wellspring Displayer Test {kind} ({label})"),
            format!("A {label} test badge the harness issued to judge a displayer."),
            "Be shown by a displayer under certification.",
        );
        a.extra
            .insert("tag".into(), json!(["wellspring", "displayer"]));
        let subject = AchievementSubject::new("did:example:wellspring-displayer-learner", a);
        let mut c = Credential::new_ob(urn(&self.run, label), self.issuer.clone(), subject, from);
        c.name = Some(format!("Wellspring Displayer Test {kind} ({label})"));
        c.description = Some(format!(
            "The {label} badge of a Wellspring displayer certification run."
        ));
        c.valid_until = until.map(str::to_owned);
        self.finish(c, v1)
    }

    /// The signed item under test: the OB credential itself, or a CLR bundling it.
    fn wrap(&self, label: &str, inner: Value, v1: bool) -> Result<Value, String> {
        match self.std {
            Standard::Ob30 => self.sign(&inner),
            Standard::Clr20 => self.clr(label, inner, v1),
        }
    }

    /// A signed CLR with the dates and status of `inner`, bundling `inner` signed without them.
    fn clr(&self, label: &str, inner: Value, v1: bool) -> Result<Value, String> {
        // the CLR carries the status under test; the credential it bundles is sound
        let mut sound = inner.clone();
        if let Some(o) = sound.as_object_mut() {
            for k in ["validUntil", "expirationDate", "credentialStatus"] {
                o.remove(k);
            }
        }
        let signed_inner = self.sign(&sound)?;
        let from = inner
            .get("validFrom")
            .or_else(|| inner.get("issuanceDate"))
            .cloned()
            .unwrap_or(Value::Null);
        let mut c = Credential::new_clr(
            urn(&self.run, &format!("clr/{label}")),
            self.issuer.clone(),
            ClrSubject::new(
                "did:example:wellspring-displayer-learner",
                vec![signed_inner],
            ),
            from.as_str().unwrap_or("2025-01-01T00:00:00Z"),
            format!("Wellspring Displayer Test CLR ({label})"),
        );
        c.description = Some(format!(
            "The {label} CLR of a Wellspring displayer certification run."
        ));
        c.valid_until = inner
            .get("validUntil")
            .or_else(|| inner.get("expirationDate"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let v = self.finish(c, v1);
        self.sign(&v)
    }
}

/// Builds and signs the badges for `base` (where the status list is served).
pub fn badges(std: Standard, base: &str) -> Result<Badges, String> {
    let key = keys::ed25519_from_seed(*b"wellspring displayer test key 01");
    let (did, vm) = keys::did_key_of(&key)?;
    let list_url = format!("{base}/status/revocation-list");
    let m = Maker {
        std,
        key,
        vm,
        loader: ContextLoader::offline(),
        list_url: list_url.clone(),
        run: run_id(),
        issuer: Profile::new(did.clone()).with_name("Wellspring Displayer Test Issuer"),
        kind: match std {
            Standard::Ob30 => "Badge",
            Standard::Clr20 => "CLR",
        },
    };
    let past_from = "2024-01-01T00:00:00Z";
    let past_until = "2025-01-01T00:00:00Z";
    let from = "2025-01-01T00:00:00Z";
    let far = "2099-01-01T00:00:00Z";
    let mut items = Vec::new();
    for (label, from, until, v1) in [
        ("valid", from, None, false),
        ("expired", past_from, Some(past_until), false),
        ("revoked", from, Some(far), false),
        ("v1-valid", from, None, true),
        ("v1-expired", past_from, Some(past_until), true),
        ("v1-revoked", from, Some(far), true),
    ] {
        let inner = m.ob(label, from, until, v1);
        items.push((label, m.wrap(label, inner, v1)?));
    }
    let mut tampered = items[0].1.clone();
    tampered["name"] = json!("Wellspring Displayer Test (changed after signing)");
    items.push(("tampered", tampered));

    let revoked: Vec<Value> = items
        .iter()
        .filter(|(l, _)| l.ends_with("revoked"))
        .map(|(_, c)| json!({"id": c["id"], "revoked": true, "revocationReason": "Revoked for a Wellspring displayer certification run"}))
        .collect();
    let status_list = json!({"id": list_url, "revokedCredential": revoked});
    Ok(Badges {
        base: base.to_owned(),
        items,
        status_list,
    })
}

/// The harness's little web server: the status list and each badge as a file.
fn serve(badges: Arc<Badges>) -> Router {
    let list = badges.status_list.to_string();
    let mut app = Router::new().route(
        "/status/revocation-list",
        get(move || async move { ([("content-type", "application/json")], list) }),
    );
    for (label, cred) in &badges.items {
        let body = serde_json::to_string_pretty(cred).unwrap_or_default();
        app = app.route(
            &format!("/badges/{label}.json"),
            get(move || async move { ([("content-type", "application/json")], body) }),
        );
    }
    app
}

/// What the displayer said about one badge.
#[derive(Debug, Clone)]
struct Reported {
    /// `valid`, `expired`, `revoked`, `invalid`, …, or `unknown` when the answer does not say.
    status: String,
    verified: Option<bool>,
    display: Option<Value>,
    exchange: Value,
}

fn read_answer(code: u16, body: &[u8]) -> (Option<bool>, String, Option<Value>) {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let verified = json
        .as_ref()
        .and_then(|j| j.get("verified"))
        .and_then(Value::as_bool)
        .or(Some((200..300).contains(&code)));
    if let Some(s) = json
        .as_ref()
        .and_then(|j| j.get("status"))
        .and_then(Value::as_str)
    {
        return (
            verified,
            s.to_ascii_lowercase(),
            json.as_ref().and_then(|j| j.get("display")).cloned(),
        );
    }
    let words = json
        .as_ref()
        .map(|j| {
            format!(
                "{} {}",
                j.get("errors").cloned().unwrap_or(Value::Null),
                j.get("warnings").cloned().unwrap_or(Value::Null)
            )
        })
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned())
        .to_ascii_lowercase();
    let status = match verified {
        Some(true) => "valid",
        _ if words.contains("revok") => "revoked",
        _ if words.contains("expir") => "expired",
        Some(false) => "invalid",
        None => "unknown",
    };
    (
        verified,
        status.to_owned(),
        json.as_ref().and_then(|j| j.get("display")).cloned(),
    )
}

fn ask(client: &BlockingNet, url: &str, cred: &Value) -> Reported {
    let request = json!({"verifiableCredential": cred});
    let mut exchange = json!({"request": format!("POST {url}"), "body": "{\"verifiableCredential\": …the badge…}"});
    let (code, body) = match client.send(reqwest::Method::POST, url, |b| b.json(&request)) {
        Ok(r) => (r.status, Ok(r.body)),
        Err(NetError::TooLarge { max, status, .. }) => {
            (status, Err(format!("answer larger than {max} bytes")))
        }
        Err(e) => {
            exchange["error"] = json!(e.to_string());
            return Reported {
                status: "unreachable".into(),
                verified: None,
                display: None,
                exchange,
            };
        }
    };
    let (verified, status, display) = match &body {
        Ok(b) => read_answer(code, b),
        Err(_) => (None, "unknown".into(), None),
    };
    exchange["status"] = json!(code);
    match body {
        Ok(b) => {
            let text = String::from_utf8_lossy(&b[..b.len().min(2048)]).into_owned();
            exchange["response"] = json!(text);
        }
        Err(e) => exchange["error"] = json!(e),
    }
    Reported {
        status,
        verified,
        display,
        exchange,
    }
}

fn judge(def: &CheckDef, want: &str, r: &Reported, cred: &Value) -> CheckResult {
    let ok = match want {
        "valid" => r.status == "valid" && r.verified != Some(false),
        "invalid" => {
            r.verified == Some(false)
                || !matches!(r.status.as_str(), "valid" | "unreachable" | "unknown")
        }
        w => r.status == w,
    };
    let msg = if ok {
        format!("reported {}", r.status)
    } else if r.status == "unreachable" {
        "the displayer's verify endpoint could not be reached".to_owned()
    } else {
        format!(
            "expected {want}, the displayer reported {} (verified: {})",
            r.status,
            r.verified
                .map(|b| b.to_string())
                .unwrap_or_else(|| "not said".into())
        )
    };
    CheckResult::new(def, if ok { Verdict::Pass } else { Verdict::Fail }, msg)
        .with("badge id", cred.get("id").cloned().unwrap_or(Value::Null))
        .with("exchange", r.exchange.clone())
}

/// What a display shows differently from the badge: (field, expected, shown) as JSON.
fn display_differences(shown: &Value, cred: &Value) -> Vec<Value> {
    let expected = json!({
        "name": cred.get("name"),
        "description": cred.get("description"),
        "issuerName": cred.pointer("/issuer/name"),
        "issuedOn": cred.get("validFrom").or_else(|| cred.get("issuanceDate")),
    });
    expected
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, want)| shown.get(k.as_str()) != Some(want))
        .map(|(k, want)| json!({"field": k, "expected": want, "shown": shown.get(k.as_str())}))
        .collect()
}

/// The display of the three VC DM 2.0 badges (valid, expired, revoked): each must show the
/// name, description, issuer name and issued-on date it carries.
fn judge_display(def: &CheckDef, shown: &[(&str, &Reported, &Value)]) -> CheckResult {
    let with: Vec<_> = shown
        .iter()
        .filter_map(|(l, r, c)| {
            r.display
                .as_ref()
                .filter(|d| d.is_object())
                .map(|d| (*l, d, *c))
        })
        .collect();
    if with.is_empty() {
        return CheckResult::new(def, Verdict::Skip, "the verify answers have no `display` object: show name, description, issuer name and issued-on date by video, as the 1EdTech guide asks");
    }
    let missing: Vec<&str> = shown
        .iter()
        .map(|(l, _, _)| *l)
        .filter(|l| !with.iter().any(|(w, _, _)| w == l))
        .collect();
    let mut wrong = Vec::new();
    for (label, d, cred) in &with {
        for mut x in display_differences(d, cred) {
            x["badge"] = Value::from(*label);
            wrong.push(x);
        }
    }
    let labels: Vec<&str> = shown.iter().map(|(l, _, _)| *l).collect();
    if wrong.is_empty() && missing.is_empty() {
        CheckResult::new(
            def,
            Verdict::Pass,
            format!(
                "name, description, issuer name and issued-on date shown as each badge carries them ({})",
                labels.join(", ")
            ),
        )
        .with(
            "display",
            Value::Array(with.iter().map(|(_, d, _)| (*d).clone()).collect()),
        )
    } else {
        let mut msg = Vec::new();
        if !wrong.is_empty() {
            msg.push(format!(
                "{} field(s) shown differently from the badge",
                wrong.len()
            ));
        }
        if !missing.is_empty() {
            msg.push(format!(
                "no display for the {} badge(s)",
                missing.join(", ")
            ));
        }
        CheckResult::new(def, Verdict::Fail, msg.join("; "))
            .with("differences", Value::Array(wrong))
    }
}

/// Runs the displayer suite: serves the badges, asks the displayer about each, judges.
pub fn run(o: &Options) -> Result<DocReport, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the harness server: {e}"))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(o.listen))
        .map_err(|e| format!("cannot listen on {}: {e}", o.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let base = o
        .public_base
        .clone()
        .unwrap_or_else(|| format!("http://{bound}"))
        .trim_end_matches('/')
        .to_owned();
    let badges = Arc::new(badges(o.standard, &base)?);
    let app = serve(badges.clone());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    // the runtime (and with it the server) lives until the judging is done
    let report = judge_all(o, &badges);
    rt.shutdown_timeout(Duration::from_secs(1));
    report
}

fn judge_all(o: &Options, badges: &Badges) -> Result<DocReport, String> {
    let client = BlockingNet::new(
        NetPolicy::default()
            .with_timeout(o.timeout)
            .allow_private(o.allow_private_network),
    )
    .map_err(|e| e.to_string())?;
    let defs = checks(o.standard);
    let mut r = DocReport::new(format!("displayer certification: {}", o.verify_url));
    r.kind = match o.standard {
        Standard::Ob30 => "OB 3.0 Displayer".into(),
        Standard::Clr20 => "CLR 2.0 Displayer".into(),
    };
    let wants = [
        "valid", "expired", "revoked", "valid", "expired", "revoked", "invalid",
    ];
    let mut answers = Vec::new();
    for (i, (label, cred)) in badges.items.iter().enumerate() {
        let answer = ask(&client, &o.verify_url, cred);
        if i == 0 && answer.status == "unreachable" {
            return Err(format!(
                "the displayer's verify endpoint {} cannot be reached: {}",
                o.verify_url,
                answer
                    .exchange
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("no answer")
            ));
        }
        r.push(
            judge(&defs[i], wants[i], &answer, cred)
                .with("badge", format!("{}/badges/{label}.json", badges.base)),
        );
        answers.push(answer);
    }
    let three: Vec<(&str, &Reported, &Value)> = (0..3)
        .map(|i| (badges.items[i].0, &answers[i], &badges.items[i].1))
        .collect();
    r.push(judge_display(&defs[7], &three));
    Ok(r)
}
