//! The proof checks of the pipeline and the binding of each verifying key to the issuer.

use super::*;

pub(super) fn trace_evidence(mut c: CheckResult, t: &ProofTrace) -> CheckResult {
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

pub(super) fn proofs(
    r: &mut DocReport,
    cred: &Value,
    jwt: Option<&DecodedJwt>,
    canon: Option<&Canonical>,
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
    let mut run = ProofRun {
        cred,
        issuer,
        opts,
        results: Vec::new(),
        bindings: Vec::new(),
        any_ok: false,
    };
    for (i, p) in embedded.iter().enumerate() {
        run.embedded(r, i, p, canon);
    }
    if let Some(j) = jwt {
        run.jwt(j);
        r.push(jwt_claims(j, cred));
    }
    run.finish(r);
}

/// The proofs of one credential as they are verified: their results wait until every proof
/// has been tried, since any one proof that verifies makes the others' failures warnings.
struct ProofRun<'a> {
    cred: &'a Value,
    issuer: Option<&'a str>,
    opts: &'a Options,
    results: Vec<CheckResult>,
    /// (JSON pointer, verification method or kid, binding) of every verified proof's key.
    bindings: Vec<(String, String, Binding)>,
    any_ok: bool,
}

impl ProofRun<'_> {
    /// Verifies the `i`-th embedded proof `p` (Data Integrity or a legacy suite).
    fn embedded(&mut self, r: &mut DocReport, i: usize, p: &Value, canon: Option<&Canonical>) {
        let (cred, opts) = (self.cred, self.opts);
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
            canon,
            "assertionMethod",
        ) {
            Ok(s) => self.embedded_verified(def, s, &pointer, &trace),
            Err(e) => {
                self.results.push(trace_evidence(
                    res(def, Verdict::Fail, e.to_string()),
                    &trace,
                ));
            }
        }
    }

    /// Records an embedded proof at `pointer` that verified with suite `s`, and its key's binding.
    fn embedded_verified(&mut self, def: &CheckDef, s: Suite, pointer: &str, trace: &ProofTrace) {
        self.any_ok = true;
        let (v, note) = if s.is_legacy() {
            (
                Verdict::Warn,
                " (deprecated suite: issue eddsa-rdfc-2022 instead)",
            )
        } else {
            (Verdict::Pass, "")
        };
        let key = trace.key.clone();
        self.results.push(
            res(
                def,
                v,
                format!(
                    "signature verifies with {}{note}",
                    trace.verification_method.clone().unwrap_or_default()
                ),
            )
            .at(
                pointer,
                "verification method",
                Value::from(trace.verification_method.clone().unwrap_or_default()),
            ),
        );
        if let Some(k) = key {
            let vm = trace.verification_method.clone().unwrap_or_default();
            self.bindings.push((
                pointer.to_owned(),
                vm.clone(),
                bind(&k, &vm, self.issuer, self.opts),
            ));
        }
    }

    /// Verifies the VC-JWT signature.
    fn jwt(&mut self, j: &DecodedJwt) {
        match jwt::verify_signature(j, &self.opts.keys) {
            Ok((source, key)) => {
                self.any_ok = true;
                self.results.push(res(
                    &checks::PROOF_JWT,
                    Verdict::Pass,
                    format!(
                        "{} signature verifies with the key from the {source}",
                        j.header.get("alg").and_then(Value::as_str).unwrap_or("?")
                    ),
                ));
                let kid = j.header.get("kid").and_then(Value::as_str).unwrap_or("jwk");
                self.bindings.push((
                    "/header/kid".into(),
                    kid.to_owned(),
                    bind(&key, kid, self.issuer, self.opts),
                ));
            }
            Err(e) => self.results.push(
                res(&checks::PROOF_JWT, Verdict::Fail, e)
                    .with("JOSE header", Value::Object(j.header.clone())),
            ),
        }
    }

    /// Reports the proof results, then the binding of their keys to the issuer.
    fn finish(self, r: &mut DocReport) {
        // Any one proof suffices (OB 3.0 §"Proofs"): others that fail are warnings then.
        for mut c in self.results {
            if self.any_ok && c.verdict == Verdict::Fail {
                c.verdict = Verdict::Warn;
                c.message = format!("{} (another proof verified)", c.message);
            }
            r.push(c);
        }
        controller_results(r, self.bindings, self.opts);
    }
}

/// `ob3.proof.vc-jwt.claims`: the registered JWT claims agree with the credential.
fn jwt_claims(j: &DecodedJwt, cred: &Value) -> CheckResult {
    let bad = jwt::claim_mismatches(j, cred);
    let form = match j.form {
        jwt::PayloadForm::Direct => "payload is the credential",
        jwt::PayloadForm::VcClaim => "credential in the vc claim",
    };
    if bad.is_empty() {
        res(
            &checks::PROOF_JWT_CLAIMS,
            Verdict::Pass,
            format!("iss/jti/sub/nbf/exp agree with the credential ({form})"),
        )
    } else {
        let mut c = res(&checks::PROOF_JWT_CLAIMS, Verdict::Fail, bad.join("; "));
        for b in &bad {
            c = c.with("mismatch", Value::from(b.clone()));
        }
        c
    }
}

/// Whether a verified proof's key is bound to the credential's issuer, and how (or why not).
pub(crate) enum Binding {
    Bound(String),
    Unbound(String),
}

/// Decides the binding of `key` (found for verification method / kid `vm`) to `issuer`.
/// Binds: a trust-file entry; a did:key / did:jwk equal to the issuer id; a did:web document of
/// the issuer listing the method under assertionMethod; a `--key` given for the issuer's URL;
/// with `--online`, the issuer's own (https) profile listing the method under assertionMethod.
/// Never binds: an inline `jwk`, a key document's `controller` claim about itself.
pub(crate) fn bind(key: &ResolvedKey, vm: &str, issuer: Option<&str>, opts: &Options) -> Binding {
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
pub(super) fn issuer_profile_lists(
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
pub(super) fn controller_results(
    r: &mut DocReport,
    bindings: Vec<(String, String, Binding)>,
    opts: &Options,
) {
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
