//! Taking a credential in: every format a Host must import (OB 3.0 JSON, VC-JWT, baked PNG,
//! baked SVG, CLR), verified on arrival by the verification core. The bytes as given are kept
//! untouched (that is what export returns); the credential JSON is read from them for display.

use serde_json::Value;
use wellspring_report::{DocReport, Verdict};

use crate::store::NewCredential;

/// How the credential is verified: the wallet fetches status lists and keys unless offline.
#[derive(Clone)]
pub struct Verifying {
    pub options: wellspring_verify::Options,
}

impl Verifying {
    pub fn at_now(&self) -> wellspring_verify::Options {
        let mut o = self.options.clone();
        o.now = chrono::Utc::now();
        o
    }
}

/// The format of a received credential, and the credential as JSON (a VC-JWT's credential
/// is its payload or `vc` claim).
pub fn open(bytes: &[u8]) -> Result<(&'static str, Value), String> {
    use wellspring_verify::baked;
    let (format, text) = if baked::is_png(bytes) {
        ("png", baked::extract_png(bytes)?)
    } else if baked::is_svg(bytes) {
        ("svg", baked::extract_svg(bytes)?)
    } else {
        let t = std::str::from_utf8(bytes)
            .map_err(|_| "not a credential: neither UTF-8 text nor a PNG".to_string())?;
        let t = t.trim();
        if wellspring_verify::jwt::looks_like_jws(t) {
            ("jwt", t.to_owned())
        } else {
            ("json", t.to_owned())
        }
    };
    let t = text.trim();
    let credential = if wellspring_verify::jwt::looks_like_jws(t) {
        wellspring_verify::jwt::decode(t)?.credential
    } else {
        let v: Value = serde_json::from_str(t).map_err(|e| format!("not JSON: {e}"))?;
        if !v.is_object() {
            return Err("not a credential: the JSON is not an object".into());
        }
        v
    };
    Ok((format, credential))
}

/// The status word shown for a verification report: `valid`, `expired`, `revoked`,
/// `not-yet-valid`, `invalid`, or `unknown` when everything else passed but the status list
/// could not be read.
pub fn status(report: &DocReport, credential: &Value) -> &'static str {
    let s = wellspring_vcapi::status_of(report);
    if s == "valid" && credential.get("credentialStatus").is_some() {
        let status_known = report
            .checks
            .iter()
            .find(|c| c.id == "ob3.status")
            .is_some_and(|c| c.verdict == Verdict::Pass);
        if !status_known {
            return "unknown";
        }
    }
    s
}

fn text(v: &Value, ptr: &str) -> Option<String> {
    v.pointer(ptr).and_then(Value::as_str).map(str::to_owned)
}

/// Verifies `bytes` and makes the row to store.
pub fn take(bytes: &[u8], source: &str, v: &Verifying) -> Result<NewCredential, String> {
    let (format, credential) = open(bytes)?;
    let report = wellspring_verify::verify_bytes(source, bytes, &v.at_now());
    let display = wellspring_vcapi::display(&credential);
    let types: Vec<String> = match credential.get("type") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => vec![],
    };
    let kind = [
        "ClrCredential",
        "EndorsementCredential",
        "OpenBadgeCredential",
        "AchievementCredential",
    ]
    .into_iter()
    .find(|k| types.iter().any(|t| t == k))
    .unwrap_or("VerifiableCredential")
    .to_owned();
    let issuer_id = match credential.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(o) => text(o, "/id"),
        None => None,
    }
    .map(|s| wellspring_model::normalize_identifier(&s));
    Ok(NewCredential {
        id: 0,
        format: format.to_owned(),
        original: bytes.to_vec(),
        credential: serde_json::to_string_pretty(&credential).unwrap_or_default(),
        vc_id: text(&credential, "/id").map(|s| wellspring_model::normalize_identifier(&s)),
        issuer_id,
        kind,
        name: text(&display, "/name"),
        description: text(&display, "/description"),
        issuer_name: text(&display, "/issuerName"),
        issued_on: text(&display, "/issuedOn"),
        image: text(&display, "/image"),
        status: status(&report, &credential).to_owned(),
        report: wellspring_report::render::json(std::slice::from_ref(&report)).to_string(),
        verified_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: source.to_owned(),
    })
}

/// The media type a stored credential is exported with.
pub fn media_type(format: &str) -> &'static str {
    match format {
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jwt" => "text/plain",
        _ => "application/json",
    }
}
