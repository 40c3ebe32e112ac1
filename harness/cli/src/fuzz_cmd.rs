//! `wellspring fuzz`: structure-aware fuzzing of credential verifiers (harness/fuzz).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use wellspring_fuzz::mutate::Limits;
use wellspring_fuzz::target::{Target, TargetSpec};
use wellspring_fuzz::{parse_duration, Campaign, Config};

const EXAMPLES: &str = "\
Examples:
  # One minute against Wellspring's own verifier (in-process), two workers
  wellspring fuzz --seed-dir vectors/ --time 60s --jobs 2

  # A fixed number of cases with a fixed seed: the same mutants every time
  wellspring fuzz --seed-dir vectors/valid --cases 5000 --seed 42

  # Your verifier as a command: {} is the mutant's file, exit 0 = accepted
  wellspring fuzz --seed-dir vectors/ --time 5m --target-cmd 'my-verifier --strict {}'

  # A VC-API verify endpoint (POST {\"verifiableCredential\": …}, 200 = accepted)
  wellspring fuzz --seed-dir vectors/ --time 2m --target-url http://127.0.0.1:8080/credentials/verify

  # An OB 3.0 / CLR 2.0 service provider's upsert endpoint
  wellspring fuzz --seed-dir vectors/ --cases 500 \\
      --target-upsert https://provider.example/ims/ob/v3p0/credentials --token \"$TOKEN\"

  # A libFuzzer corpus for cargo fuzz / ClusterFuzzLite: seeds + 2,000 mutants, by target
  wellspring fuzz --seed-dir vectors/ --export-corpus fuzz/corpus --cases 2000 --seed 1

  # Replay a finding (exit 1 while it still reproduces, 0 once it is fixed)
  wellspring fuzz --replay fuzz-findings/001-reject-tampered-alg-none.json --target-cmd 'my-verifier {}'

Oracles (each finding names the one it broke):
  no-crash                 a target must never crash (panic, signal, dropped connection)
  no-hang                  a target must answer within --timeout (in-process: within --slow)
  no-5xx                   an HTTP target must never answer 5xx
  reject-tampered          a mutant whose signed content or signature changed must be rejected
  reject-schema-violation  a mutant that breaks a required schema property must be rejected
  reject-hostile           a poison graph or an XML entity bomb must be refused
  no-forged-issuer         a credential signed by a key nothing binds to its issuer (inline JOSE
                           jwk, a stranger's did:key) may conform but must never be reported
                           issuer-authenticated (in-process target only: its report says so)

Every mutant is marked with what a correct verifier must do: expected-reject (signed content or
signature changed, signed by a stranger, nested credential tampered, required property removed),
expected-accept (signed content semantically unchanged: member order, whitespace), or either.

Mutations: drop / duplicate required properties, type confusion, boundary and malformed dates,
huge strings and arrays, deep nesting, Unicode edge cases (NUL, lone surrogates, RTL,
normalization variants), JSON-LD tricks (undefined terms, @context reordering, remote context
injection, @id collisions), proof tricks (proofValue bit flips, cryptosuite swap,
verificationMethod elsewhere, another document's proof, JWT alg none, HS256 keyed with the public
key, kid injection, payload changed after signing), CLR tricks (nested credential tampered,
association cycles), hostile inputs (percent-encoded invalid UTF-8 in IRIs and in
verificationMethod / kid, blank-node cliques that poison RDF canonicalization, baked SVGs with a
DOCTYPE, harmless entities or a billion-laughs entity bomb, issuer forgeries signed by a fresh key
in the JOSE jwk header or a fresh did:key). Mutants are sometimes re-signed by their real issuer (when the seed folder
has the private keys, as vectors/keys does) so the schema oracle is tested apart from the
signature.

Exit code: 0 nothing found, 1 findings (or, with --replay, the finding reproduces), 2 could not run.";

/// Fuzz a credential verifier with structure-aware mutants of valid credentials.
///
/// Mutates the valid credentials in --seed-dir (a vector folder with manifest.json, or any
/// folder of JSON / VC-JWT / baked PNG / SVG credentials), runs each mutant through the target
/// (Wellspring's own verification core by default), judges the answer with the oracles, and
/// writes each finding, shrunk to a minimal mutant, as a reproducer in --out.
#[derive(Args)]
#[command(verbatim_doc_comment, after_help = EXAMPLES)]
pub struct FuzzArgs {
    /// Folder of seed credentials (valid ones; a manifest.json here or in the parent selects
    /// its `valid` entries and supplies their keys, status lists and recipient).
    #[arg(long, value_name = "DIR", default_value = "vectors")]
    seed_dir: PathBuf,
    /// Run this long (e.g. 60s, 10m, 1h). Default 60s unless --cases is given.
    #[arg(long, value_name = "DURATION")]
    time: Option<String>,
    /// Run this many cases.
    #[arg(long, value_name = "N")]
    cases: Option<u64>,
    /// Parallel workers (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Campaign seed: the same seed gives the same mutants (default: random, printed).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Where reproducers are written.
    #[arg(long, value_name = "DIR", default_value = "fuzz-findings")]
    out: PathBuf,
    /// A local command; {} is the mutant's file (appended if absent). Exit 0 = accepted.
    #[arg(long, value_name = "CMD", group = "tgt")]
    target_cmd: Option<String>,
    /// A VC-API verify endpoint (POST {"verifiableCredential": …}; 200 = accepted).
    #[arg(long, value_name = "URL", group = "tgt")]
    target_url: Option<String>,
    /// An OB/CLR service provider's upsert endpoint (POST the credential; 200/201 = accepted).
    #[arg(long, value_name = "URL", group = "tgt")]
    target_upsert: Option<String>,
    /// With --target-upsert: the provider verifies what it stores (as a wallet should), so a
    /// tampered or schema-breaking credential it accepts is a finding. Without it only crash,
    /// hang and 5xx are (the API does not require a provider to verify).
    #[arg(long, requires = "target_upsert")]
    upsert_verifies: bool,
    /// Built-in target: `core` (Wellspring's verification core, the default) or `parse`
    /// (its parsers only: baked extraction, JWS split, JSON under the depth bound).
    #[arg(long, value_name = "NAME", group = "tgt")]
    target: Option<String>,
    /// Bearer token for --target-upsert / --target-url.
    #[arg(long, value_name = "T")]
    token: Option<String>,
    /// --target-upsert / --target-url may be on loopback or a private network (a local server
    /// under test); refused otherwise.
    #[arg(long)]
    allow_private_network: bool,
    /// Longest a target may take on one mutant.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    timeout: String,
    /// In-process targets: a case answered after longer than this is a no-hang finding too
    /// (a verifier must refuse hostile input fast, not merely eventually).
    #[arg(long, value_name = "DURATION", default_value = "2s")]
    slow: String,
    /// Command targets: address-space limit (MiB).
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    max_memory: u64,
    /// Largest huge string (bytes); huge arrays get a tenth as many elements.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_size: usize,
    /// Deepest nesting tried.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_depth: usize,
    /// Distinct findings kept and shrunk (further failures are only counted).
    #[arg(long, value_name = "N", default_value_t = 20)]
    max_findings: usize,
    /// Most target runs spent shrinking one finding.
    #[arg(long, value_name = "N", default_value_t = 256)]
    shrink_steps: u32,
    /// Mutants re-signed by their issuer kept per seed (when its private key is in the seed
    /// folder's keys/): a quarter of the cases start from one and mutate on. Each costs a
    /// signature the first time it is used; 0 = never re-sign.
    #[arg(long, value_name = "N", default_value_t = wellspring_fuzz::mutate::RESIGN_POOL)]
    resign_pool: usize,
    /// Judge validity windows at this instant (default: the manifest's `now`, else the clock).
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Write a libFuzzer corpus instead of fuzzing: the seeds and the mutants of --cases cases
    /// (default 1000) of campaign --seed, as DIR/<cargo-fuzz target>/<sha256>, for `cargo fuzz`
    /// and ClusterFuzzLite (fuzz/fuzz_targets/). Inputs over 64 KiB are left out.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["replay", "tgt"])]
    export_corpus: Option<PathBuf>,
    /// Replay a reproducer written by an earlier run (against the target given, else the one
    /// it was found with).
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
}

fn spec_of(a: &FuzzArgs) -> Result<Option<TargetSpec>, String> {
    Ok(if let Some(c) = &a.target_cmd {
        Some(TargetSpec::Cmd(c.clone()))
    } else if let Some(u) = &a.target_url {
        Some(TargetSpec::Url(u.clone()))
    } else if let Some(u) = &a.target_upsert {
        Some(if a.upsert_verifies {
            TargetSpec::UpsertVerifying(u.clone())
        } else {
            TargetSpec::Upsert(u.clone())
        })
    } else {
        match a.target.as_deref() {
            None => None,
            Some("core") => Some(TargetSpec::Core),
            Some("parse") => Some(TargetSpec::Parse),
            Some(other) => return Err(format!("unknown --target {other:?} (core or parse)")),
        }
    })
}

pub fn run(a: FuzzArgs) -> u8 {
    match go(a) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wellspring fuzz: {e}");
            2
        }
    }
}

fn go(a: FuzzArgs) -> Result<u8, String> {
    let timeout = parse_duration(&a.timeout)?;
    let spec = spec_of(&a)?;
    if let Some(file) = &a.replay {
        return replay(
            file,
            spec,
            timeout,
            a.token.clone(),
            a.max_memory,
            a.allow_private_network,
        );
    }
    if let Some(dir) = &a.export_corpus {
        return export_corpus(&a, dir);
    }
    let spec = spec.unwrap_or(TargetSpec::Core);
    let seed = a.seed.unwrap_or_else(random_seed);
    let jobs = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let campaign = Arc::new(campaign(&a, &spec, timeout, seed, jobs)?);
    println!(
        "wellspring fuzz: target {spec}; {} seed credential(s) from {}, {} signing key(s); seed {seed}; {jobs} job(s)",
        campaign.set.seeds.len(),
        a.seed_dir.display(),
        campaign.set.signers.len(),
    );
    println!("  reproduce this run: --seed {seed}");
    baseline(&campaign, &spec)?;
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let sm = campaign.run(&|cases, found| {
        if interactive {
            eprint!("\r  {cases} cases, {found} finding(s)…   ");
        }
    });
    if interactive {
        eprintln!();
    }
    print_summary(&sm);
    if sm.findings.is_empty() {
        let once: u64 = sm.failures.values().sum();
        if once > 0 {
            // broke an oracle once, then not when run again to shrink (a timing limit met
            // under load): said, not hidden, but no reproducer to keep
            println!(
                "  {once} case(s) broke an oracle once but not when run again ({}): not kept",
                sm.failures
                    .iter()
                    .map(|(o, n)| format!("{o} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        println!("no findings");
        return Ok(0);
    }
    print_findings(&a, &sm, &spec, seed)?;
    Ok(1)
}

/// A campaign seed when none is given: from the clock, below 10⁹ (short enough to type).
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish() % 1_000_000_000
}

/// The campaign the options describe: seeds, target, limits.
fn campaign(
    a: &FuzzArgs,
    spec: &TargetSpec,
    timeout: Duration,
    seed: u64,
    jobs: usize,
) -> Result<Campaign, String> {
    let time = a.time.as_deref().map(parse_duration).transpose()?;
    let set = wellspring_fuzz::seed::load(&a.seed_dir, a.now.as_deref())?;
    let mut target = Target::new(
        spec.clone(),
        timeout,
        a.token.clone(),
        a.allow_private_network,
    )?;
    target.max_memory_mib = a.max_memory;
    let config = Config {
        seed,
        cases: a.cases,
        time,
        jobs,
        limits: Limits {
            max_string: a.max_size.max(1),
            max_array: (a.max_size / 10).max(1),
            max_depth: a.max_depth.max(1),
        },
        max_findings: a.max_findings,
        shrink_steps: a.shrink_steps,
        resign_pool: a.resign_pool,
        slow: matches!(spec, TargetSpec::Core | TargetSpec::Parse)
            .then(|| parse_duration(&a.slow))
            .transpose()?,
    };
    Campaign::new(set, target, config)
}

/// How the target answers the unmutated seeds; Err when it could not be run on any.
fn baseline(campaign: &Campaign, spec: &TargetSpec) -> Result<(), String> {
    let baseline = campaign.baseline();
    if baseline.len() == campaign.set.seeds.len() && spec.judges() {
        for (name, ans) in &baseline {
            eprintln!("  seed {name}: {}", ans.word());
        }
        if baseline
            .iter()
            .all(|(_, a)| matches!(a, wellspring_fuzz::target::Answer::NotRun(_)))
        {
            return Err("the target could not be run on any seed".into());
        }
        eprintln!("  warning: the target rejects every unmutated seed; only crash / hang / 5xx can be found");
    } else {
        for (name, ans) in &baseline {
            println!(
                "  note: the target does not accept the unmutated seed {name} ({})",
                ans.word()
            );
        }
    }
    Ok(())
}

/// The campaign's figures: speed, expectations met, the slowest case, where the time went.
fn print_summary(sm: &wellspring_fuzz::Summary) {
    println!(
        "{} cases in {:.1} s: {:.0} cases/s",
        sm.cases,
        sm.elapsed.as_secs_f64(),
        sm.cases_per_sec()
    );
    println!(
        "  expected-reject: {} (rejected: {}); expected-accept: {} (accepted: {}); either: {}",
        sm.expected_reject,
        sm.rejected_as_expected,
        sm.expected_accept,
        sm.accepted_as_expected,
        sm.expected_any
    );
    if sm.expected_unauthenticated > 0 {
        println!(
            "  forged issuer (never to be authenticated): {} (not authenticated: {})",
            sm.expected_unauthenticated, sm.unauthenticated_as_expected
        );
    }
    if let Some((took, case, kind)) = &sm.slowest {
        println!(
            "  slowest case: {:.0} ms (case {case}, {kind})",
            took.as_secs_f64() * 1000.0
        );
    }
    if !sm.kind_time.is_empty() {
        println!("  most time: {}", sm.busiest_kinds(5));
    }
    if sm.not_run > 0 {
        println!("  {} case(s) could not be run", sm.not_run);
    }
}

/// Writes a reproducer per finding and lists them with their replay command.
fn print_findings(
    a: &FuzzArgs,
    sm: &wellspring_fuzz::Summary,
    spec: &TargetSpec,
    seed: u64,
) -> Result<(), String> {
    let files = wellspring_fuzz::write_reproducers(&a.out, &sm.findings, spec, seed)?;
    let total: u64 = sm.failures.values().sum();
    println!(
        "{} finding(s) ({} failing case(s): {}):",
        sm.findings.len(),
        total,
        sm.failures
            .iter()
            .map(|(o, n)| format!("{o} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (f, file) in sm.findings.iter().zip(&files) {
        println!(
            "  ✘ {} — {} ({}); seed {}, case {}",
            f.oracle.name(),
            f.mutant.steps.join("; "),
            f.answer,
            f.mutant.seed,
            f.case
        );
        println!("    {}  (shrunk in {} runs)", file.display(), f.shrink_runs);
        println!(
            "    replay: wellspring fuzz --replay {}{}",
            file.display(),
            spec.flags()
        );
    }
    Ok(())
}

/// `--export-corpus DIR`.
fn export_corpus(a: &FuzzArgs, dir: &std::path::Path) -> Result<u8, String> {
    let seed = a.seed.unwrap_or(1);
    let cases = a.cases.unwrap_or(1000);
    let set = wellspring_fuzz::seed::load(&a.seed_dir, a.now.as_deref())?;
    let limits = Limits {
        max_string: a.max_size.clamp(1, 16 * 1024),
        max_array: (a.max_size / 10).clamp(1, 1600),
        max_depth: a.max_depth.clamp(1, 256),
    };
    let e =
        wellspring_fuzz::corpus::export(set, seed, cases, limits, a.resign_pool, 64 * 1024, dir)?;
    for (target, n) in &e.written {
        println!(
            "  {target}: {n} new input(s) in {}",
            dir.join(target).display()
        );
    }
    println!(
        "wrote {} input(s) (seeds and {cases} mutants of campaign --seed {seed}); {} left out as over 64 KiB",
        e.written.values().sum::<usize>(),
        e.too_large
    );
    println!(
        "  fuzz from them: cd fuzz && cargo fuzz run credential_json {}",
        dir.join("credential_json").display()
    );
    Ok(0)
}

fn replay(
    file: &std::path::Path,
    spec: Option<TargetSpec>,
    timeout: Duration,
    token: Option<String>,
    max_memory: u64,
    allow_private_network: bool,
) -> Result<u8, String> {
    let (r, bytes) = wellspring_fuzz::read_reproducer(file)?;
    let spec = spec.unwrap_or_else(|| r.target.clone());
    let mut target = Target::new(spec.clone(), timeout, token, allow_private_network)?;
    target.max_memory_mib = max_memory;
    let (answer, broken) = wellspring_fuzz::replay(&r, &bytes, &target)?;
    println!("{}: {} against {spec}", file.display(), r.steps.join("; "));
    println!("  expected: {:?}; answer: {}", r.expect, answer.word());
    match broken {
        Some(o) => {
            println!("  ✘ reproduces: {} — {}", o.name(), o.describe());
            Ok(1)
        }
        None => {
            println!(
                "  ✔ does not reproduce (was {}: {})",
                r.oracle.name(),
                r.answer
            );
            Ok(0)
        }
    }
}
