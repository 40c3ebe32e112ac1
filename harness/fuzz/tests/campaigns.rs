//! The fuzzer against real targets: Wellspring's own verifier (in-process and behind the real
//! VC-API endpoint) must give no findings, with most mutants expected-rejected and rejected;
//! purpose-built weak verifiers (real HTTP servers on loopback) must each be caught, with a
//! reproducer that replays.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use wellspring_fuzz::mutate::Limits;
use wellspring_fuzz::target::{Answer, Target, TargetSpec};
use wellspring_fuzz::{
    read_reproducer, replay, write_reproducers, Campaign, Config, Oracle, Summary,
};
use wellspring_verify::Options;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}

fn config(seed: u64, cases: u64) -> Config {
    Config {
        seed,
        cases: Some(cases),
        time: None,
        jobs: 2,
        // Small enough that a debug build stays quick; the CLI defaults are larger.
        limits: Limits {
            max_string: 64 * 1024,
            max_array: 2_000,
            max_depth: 2_000,
        },
        max_findings: 60,
        shrink_steps: 64,
        resign_pool: wellspring_fuzz::mutate::RESIGN_POOL,
        slow: None,
    }
}

fn campaign(dir: &Path, spec: TargetSpec, cfg: Config) -> Arc<Campaign> {
    let set = wellspring_fuzz::seed::load(dir, None).expect("seeds load");
    let target = Target::new(spec, Duration::from_secs(20), None, true).expect("target");
    Arc::new(Campaign::new(set, target, cfg).expect("campaign"))
}

fn describe(sm: &Summary) -> String {
    sm.findings
        .iter()
        .map(|f| {
            format!(
                "{} [{}] {} -> {}",
                f.oracle.name(),
                f.mutant.seed,
                f.mutant.steps.join("; "),
                f.answer
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Options the manifest gives every seed (the RSA key, status lists), for servers that verify.
fn server_options() -> Options {
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut o = Options::offline(now);
    let v = vectors();
    let key = std::fs::read_to_string(v.join("keys/rsa-issuer.pub.jwk.json")).unwrap();
    o.keys
        .add("https://vectors.wellspring.example/issuers/rsa#key-1", &key)
        .unwrap();
    let web = std::fs::read_to_string(v.join("keys/ed25519-did-web.pub.jwk.json")).unwrap();
    o.keys
        .add("did:web:vectors.wellspring.example#key-1", &web)
        .unwrap();
    for (url, file) in [
        (
            "https://vectors.wellspring.example/status/revocation-list",
            "status/revocation-list.json",
        ),
        (
            "https://vectors.wellspring.example/status/bitstring-status-list",
            "status/bitstring-status-list.json",
        ),
    ] {
        o.status_files
            .insert(url.into(), std::fs::read_to_string(v.join(file)).unwrap());
    }
    o
}

/// Serves `app` on a loopback port from its own runtime thread; the verify URL.
fn serve(app: Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    format!("http://{addr}/credentials/verify")
}

fn verifier() -> wellspring_vcapi::Verifier {
    let mut v = wellspring_vcapi::Verifier::new(server_options());
    v.fixed_now = Some(v.options.now);
    v
}

fn our_endpoint() -> String {
    serve(wellspring_vcapi::router(verifier()))
}

/// A weak verifier: `decide(body) -> Some(status)` overrides, None = Wellspring's answer.
fn weak_endpoint(decide: fn(&Value, &[u8]) -> Option<u16>) -> String {
    let verifier = Arc::new(verifier());
    let app = Router::new().route(
        "/credentials/verify",
        post(move |body: Bytes| {
            let v = verifier.clone();
            async move {
                // As the reference endpoint does: a panic in the worker becomes a 500.
                let r = tokio::task::spawn_blocking(move || {
                    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    match decide(&req, &body) {
                        Some(code) => code,
                        None => wellspring_vcapi::verify_request(&v, &body).0.as_u16(),
                    }
                })
                .await;
                StatusCode::from_u16(r.unwrap_or(500)).unwrap()
            }
        }),
    );
    serve(app)
}

/// Nesting depth of JSON text, as a naive recursive-descent parser would reach it.
fn depth(text: &[u8]) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in text {
        match (in_str, esc, b) {
            (true, true, _) => esc = false,
            (true, false, b'\\') => esc = true,
            (true, false, b'"') => in_str = false,
            (true, ..) => {}
            (false, _, b'"') => in_str = true,
            (false, _, b'{' | b'[') => {
                d += 1;
                max = max.max(d);
            }
            (false, _, b'}' | b']') => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Checks a weak verifier is caught by `oracle` through a mutation of `kind`, and that the
/// reproducer replays against it and not against Wellspring's endpoint.
fn caught(sm: &Summary, spec: &TargetSpec, oracle: Oracle, kind: &str) {
    let f = sm
        .findings
        .iter()
        .find(|f| f.oracle == oracle && f.mutant.steps.iter().any(|s| s.starts_with(kind)))
        .unwrap_or_else(|| {
            panic!(
                "no {} finding by {kind}; findings:\n{}",
                oracle.name(),
                describe(sm)
            )
        });
    let dir = tempfile::tempdir().unwrap();
    let files = write_reproducers(dir.path(), std::slice::from_ref(f), spec, 1).unwrap();
    let (r, bytes) = read_reproducer(&files[0]).unwrap();
    assert_eq!(r.oracle, oracle);
    assert!(
        bytes == f.mutant.bytes,
        "the reproducer's mutant file is not the mutant"
    );
    assert!(r.replay.contains("--replay"), "{}", r.replay);
    let weak = Target::new(spec.clone(), Duration::from_secs(20), None, true).unwrap();
    let (answer, broken) = replay(&r, &bytes, &weak).unwrap();
    assert_eq!(
        broken,
        Some(oracle),
        "replay against the weak verifier: {answer:?}"
    );
    let ours = Target::new(
        TargetSpec::Url(our_endpoint()),
        Duration::from_secs(20),
        None,
        true,
    )
    .unwrap();
    let (answer, broken) = replay(&r, &bytes, &ours).unwrap();
    assert_eq!(broken, None, "Wellspring's endpoint answered {answer:?}");
}

#[test]
fn our_verifier_in_process_finds_nothing() {
    let c = campaign(&vectors(), TargetSpec::Core, config(11, 800));
    assert!(
        c.baseline().is_empty(),
        "every seed verifies: {:?}",
        c.baseline()
    );
    let sm = c.run(&|_, _| {});
    assert_eq!(sm.cases, 800);
    assert!(sm.findings.is_empty(), "findings:\n{}", describe(&sm));
    // Not vacuous: most mutants must be rejected and were; semantics-preserving ones accepted.
    assert!(sm.expected_reject >= 400, "{sm:?}");
    assert_eq!(sm.rejected_as_expected, sm.expected_reject);
    assert!(sm.expected_accept >= 20, "{sm:?}");
    assert_eq!(sm.accepted_as_expected, sm.expected_accept, "{sm:?}");
    // The strategies all ran.
    for kind in [
        "drop-required",
        "duplicate-key",
        "type-confusion",
        "date",
        "huge-string",
        "huge-array",
        "deep-nesting",
        "unicode",
        "extra-term",
        "remote-context",
        "id-collision",
        "reorder-members",
        "nested-tamper",
        "proof-bit-flip",
        "signature-bit-flip",
        "alg-none",
        "alg-confusion",
        "kid-injection",
        "verification-method-elsewhere",
        "cryptosuite-swap",
        "alg-swap",
        "bad-iri",
        "bad-iri-method",
        "blank-clique",
        "svg-doctype",
        "svg-entity",
        "svg-entity-bomb",
        "inline-jwk-forgery",
        "foreign-did-key-forgery",
    ] {
        assert!(
            sm.kinds.contains_key(kind),
            "{kind} never ran: {:?}",
            sm.kinds
        );
    }
}

#[test]
fn our_vcapi_endpoint_finds_nothing() {
    let c = campaign(
        &vectors().join("valid"),
        TargetSpec::Url(our_endpoint()),
        config(12, 300),
    );
    let sm = c.run(&|_, _| {});
    assert_eq!(sm.cases, 300);
    assert!(sm.findings.is_empty(), "findings:\n{}", describe(&sm));
    assert!(
        sm.expected_reject >= 150 && sm.rejected_as_expected == sm.expected_reject,
        "{sm:?}"
    );
}

#[test]
fn finds_a_verifier_that_ignores_the_signature() {
    // Accepts any credential object or JWS: never looks at the proof.
    let spec = TargetSpec::Url(weak_endpoint(|req, _| {
        req.get("verifiableCredential").map(|_| 200)
    }));
    let c = campaign(&vectors(), spec.clone(), config(13, 300));
    let sm = c.run(&|_, _| {});
    caught(&sm, &spec, Oracle::RejectTampered, "proof-bit-flip");
    caught(&sm, &spec, Oracle::RejectSchemaViolation, "drop-required");
}

#[test]
fn finds_a_verifier_that_checks_only_the_signature() {
    // Wellspring's verdict with every schema check ignored: a mutant that lost a required
    // property passes if its signature holds, which only a mutant re-signed by its issuer does.
    let spec = TargetSpec::Url(weak_endpoint(|req, _| {
        let bytes = match req.get("verifiableCredential")? {
            Value::String(jws) => jws.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        };
        let v = verifier();
        let mut opts = v.options.clone();
        opts.now = v.fixed_now?;
        let report = wellspring_verify::verify_bytes("vc", &bytes, &opts);
        let failed = report.failed_ids();
        Some(if failed.iter().all(|id| id.contains(".schema")) {
            200
        } else {
            400
        })
    }));
    let c = campaign(&vectors(), spec.clone(), config(16, 400));
    let sm = c.run(&|_, _| {});
    caught(&sm, &spec, Oracle::RejectSchemaViolation, "drop-required");
    // Only mutants whose signature is valid get through: re-signed by the issuer, or by a key
    // nothing binds to the issuer (which conforms by default, and so must meet the schema too).
    let validly_signed = |s: &String| {
        s == "re-signed-by-issuer"
            || s.contains("re-signed by the attacker")
            || s.contains("-forgery ")
    };
    assert!(
        sm.findings
            .iter()
            .all(|f| f.oracle == Oracle::RejectSchemaViolation
                && f.mutant.steps.iter().any(validly_signed)),
        "{}",
        describe(&sm)
    );
}

#[test]
fn finds_a_verifier_that_accepts_alg_none() {
    let spec = TargetSpec::Url(weak_endpoint(|req, _| {
        let jws = req.get("verifiableCredential")?.as_str()?;
        let header = jws.split('.').next()?;
        use base64::Engine;
        let h = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .ok()?;
        let h: Value = serde_json::from_slice(&h).ok()?;
        h.get("alg")?
            .as_str()?
            .eq_ignore_ascii_case("none")
            .then_some(200)
    }));
    let c = campaign(&vectors(), spec.clone(), config(14, 400));
    let sm = c.run(&|_, _| {});
    caught(&sm, &spec, Oracle::RejectTampered, "alg-none");
    // Otherwise it is Wellspring: nothing else is found.
    assert!(
        sm.findings
            .iter()
            .all(|f| f.mutant.steps.iter().any(|s| s.starts_with("alg-none"))),
        "{}",
        describe(&sm)
    );
}

#[test]
fn finds_a_verifier_that_panics_on_deep_nesting() {
    let spec = TargetSpec::Url(weak_endpoint(|_, body| {
        if depth(body) > 100 {
            panic!("recursion limit");
        }
        None
    }));
    let c = campaign(&vectors(), spec.clone(), config(15, 400));
    let sm = c.run(&|_, _| {});
    caught(&sm, &spec, Oracle::No5xx, "deep-nesting");
    // Shrinking brought the depth down to near the threshold.
    let f = sm
        .findings
        .iter()
        .find(|f| f.oracle == Oracle::No5xx)
        .unwrap();
    assert!(f.shrink_kept > 0, "the finding was not shrunk");
}

#[test]
fn in_process_parse_stage_never_panics_and_hangs_are_caught_for_commands() {
    let c = campaign(&vectors(), TargetSpec::Parse, config(16, 2_000));
    let sm = c.run(&|_, _| {});
    assert_eq!(sm.cases, 2_000);
    assert!(sm.findings.is_empty(), "{}", describe(&sm));

    let mut cfg = config(17, 2);
    cfg.shrink_steps = 1;
    let set = wellspring_fuzz::seed::load(&vectors().join("valid"), None).unwrap();
    let t = Target::new(
        TargetSpec::Cmd("sleep 5 #".into()),
        Duration::from_millis(200),
        None,
        false,
    )
    .unwrap();
    let c = Arc::new(Campaign::new(set, t, cfg).unwrap());
    let sm = c.run(&|_, _| {});
    assert!(
        sm.findings.iter().any(|f| f.oracle == Oracle::NoHang),
        "{}",
        describe(&sm)
    );
}

#[test]
fn command_answers() {
    let t = |cmd: &str| {
        Target::new(
            TargetSpec::Cmd(cmd.into()),
            Duration::from_secs(5),
            None,
            false,
        )
        .unwrap()
    };
    let f = wellspring_fuzz::seed::Format::Json;
    assert_eq!(t("test -s {}").run(b"{}", f, None, 0), Answer::Accepted);
    assert_eq!(t("exit 1; {}").run(b"{}", f, None, 0), Answer::Rejected);
    assert!(matches!(
        t("kill -SEGV $$ #").run(b"{}", f, None, 0),
        Answer::Crashed(_)
    ));
    assert!(matches!(
        t("echo \"thread 'main' panicked at src/x.rs\" >&2; exit 3 #").run(b"{}", f, None, 0),
        Answer::Crashed(_)
    ));
}
