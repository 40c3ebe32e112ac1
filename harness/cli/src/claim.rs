//! `certify --sign KEYFILE`: a conformance claim anyone can check. The claim is a VC Data
//! Model 2.0 credential shaped as an Open Badges 3.0 EndorsementCredential (so `wellspring
//! verify` judges it with its pinned contexts and schema), signed `eddsa-rdfc-2022` by the
//! vendor's did:key. Its subject endorses the product under test and carries the run's EARL
//! assertions (check ID, outcome, level) and the SHA-256 of `report.json`, so a customer can
//! tell that neither the results nor the report were edited.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wellspring_report::{level_of, DocReport, RunMeta, Signer, Verdict};
use wellspring_verify::keys::{did_key_of, ed25519_from_seed, Jwk};
use wellspring_verify::loader::ContextLoader;

/// The file the claim is written to, next to report.json.
pub const CLAIM_FILE: &str = "report-claim.json";

/// The vocabulary of the claim's own terms (inline context; EARL for the assertions).
fn vocabulary() -> Value {
    json!({
        "wsp": "https://wellspring.example/ns#",
        "earl": "http://www.w3.org/ns/earl#",
        "reportSha256": "wsp:reportSha256",
        "conformanceStandard": "wsp:standard",
        "conformanceRole": "wsp:role",
        "conformancePassed": {"@id": "wsp:passed", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
        "conformanceTool": "wsp:tool",
        "conformanceCaveats": {"@id": "wsp:caveat", "@container": "@set"},
        "assertions": {"@id": "wsp:assertion", "@container": "@set"},
        "Assertion": "earl:Assertion",
        "checkId": "earl:test",
        "checkLevel": "wsp:level",
        "outcome": {"@id": "earl:outcome", "@type": "@vocab"},
    })
}

/// Reads the Ed25519 JWK in `path`, or makes one and keeps it there (mode 0600).
pub fn load_or_create_key(path: &Path) -> Result<Jwk, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let v: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
            let ed25519 = v["kty"] == "OKP" && v["crv"] == "Ed25519" && v["d"].is_string();
            if !ed25519 {
                return Err(format!(
                    "{}: the signing key must be a private Ed25519 JWK (kty OKP, crv Ed25519, d)",
                    path.display()
                ));
            }
            serde_json::from_value(v).map_err(|e| format!("{}: not a JWK: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key(path),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn create_key(path: &Path) -> Result<Jwk, String> {
    use rand::RngCore;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let jwk = ed25519_from_seed(seed);
    let text = serde_json::to_string_pretty(&jwk).map_err(|e| e.to_string())?;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write the new key to {}: {e}", path.display()))?;
    Ok(jwk)
}

/// Who signs with `key`: its did:key and verification method.
pub fn signer(key: &Jwk) -> Result<Signer, String> {
    let (did, vm) = did_key_of(key)?;
    Ok(Signer {
        did,
        verification_method: vm,
        claim: CLAIM_FILE.into(),
    })
}

fn outcome(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "earl:passed",
        Verdict::Fail => "earl:failed",
        Verdict::Warn => "earl:cantTell",
        Verdict::Skip => "earl:inapplicable",
    }
}

/// The subject's id: the product's URL when it has one, else the report's hash.
fn subject_id(meta: &RunMeta, hash: &str) -> String {
    match meta.target.first() {
        Some(t) if t.starts_with("https://") || t.starts_with("http://") => t.clone(),
        _ => format!("urn:wellspring:report:sha256:{hash}"),
    }
}

/// The unsigned claim for a run whose report.json is `report_json`.
pub fn claim(meta: &RunMeta, reports: &[DocReport], report_json: &[u8], s: &Signer) -> Value {
    let hash = hex::encode(Sha256::digest(report_json));
    let mut all = Vec::new();
    for r in reports {
        r.walk(&mut all);
    }
    let assertions: Vec<Value> = all
        .iter()
        .map(|(_, c)| {
            json!({"type": "Assertion", "checkId": c.id, "outcome": outcome(c.verdict), "checkLevel": level_of(c.id).word()})
        })
        .collect();
    let passed = reports.iter().all(DocReport::passed);
    // what a pass does not mean (issuer not authenticated, status not checked)
    let mut caveats: Vec<String> = Vec::new();
    for r in reports {
        for c in r.all_caveats() {
            if !caveats.iter().any(|x| x == c) {
                caveats.push(c.to_string());
            }
        }
    }
    let verdict = match (passed, caveats.is_empty()) {
        (false, _) => "at least one check failed".to_owned(),
        (true, true) => "every required check passed".to_owned(),
        (true, false) => format!(
            "every required check passed, with caveats: {}",
            caveats.join("; ")
        ),
    };
    let what = format!(
        "{} {} {}",
        meta.standard.name, meta.standard.version, meta.role
    );
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            vocabulary(),
        ],
        "id": format!("urn:wellspring:claim:sha256:{hash}"),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": format!("Wellspring conformance claim: {what}: {}", if passed { "passed" } else { "failed" }),
        "issuer": {"id": s.did, "type": ["Profile"], "name": format!("Signer of a Wellspring report ({})", s.did)},
        "validFrom": meta.generated_at,
        "credentialSubject": {
            "id": subject_id(meta, &hash),
            "type": ["EndorsementSubject"],
            "endorsementComment": format!(
                "Certified with {} {} (commit {}) for {what} on {}: {}. Reproduce: {}",
                meta.tool.name, meta.tool.version, meta.tool.commit, meta.generated_at,
                verdict,
                meta.command_line
            ),
            "conformanceStandard": meta.standard.id,
            "conformanceRole": meta.role,
            "conformancePassed": passed,
            "conformanceTool": format!("{} {} {}", meta.tool.name, meta.tool.version, meta.tool.commit),
            "conformanceCaveats": caveats,
            "reportSha256": hash,
            "assertions": assertions,
        },
    })
}

/// Signs the claim (eddsa-rdfc-2022, VC DM 2.0) and writes it into `dir`.
pub fn write_signed(
    dir: &Path,
    key: &Jwk,
    meta: &RunMeta,
    reports: &[DocReport],
    report_json: &[u8],
) -> Result<(), String> {
    let s = signer(key)?;
    let doc = claim(meta, reports, report_json, &s);
    let signed = wellspring_verify::di::sign(
        &doc,
        key,
        &s.verification_method,
        &meta.generated_at,
        &ContextLoader::offline(),
    )?;
    let text = serde_json::to_string_pretty(&signed).map_err(|e| e.to_string())?;
    let path = dir.join(CLAIM_FILE);
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
