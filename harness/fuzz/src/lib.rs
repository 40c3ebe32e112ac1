//! Structure-aware fuzzing of credential parsers and verifiers (`wellspring fuzz`).
//!
//! A campaign draws [`mutate::Plan`]s from a seeded `proptest` strategy, applies each to a valid
//! seed credential, runs the mutant through a [`target::Target`] and judges the answer with the
//! oracles ([`Oracle`]). A broken oracle is shrunk (proptest's value-tree shrinking, with the same
//! oracle as the predicate) and written as a reproducer that `wellspring fuzz --replay` replays.
//!
//! Case `i` of a campaign with seed `s` is drawn from an RNG seeded by `(s, i)` alone, so a case is
//! reproducible whatever `--jobs` is.

pub mod corpus;
pub mod mutate;
pub mod seed;
pub mod target;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as PtConfig, RngAlgorithm, TestRng, TestRunner};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use wellspring_verify::Options;

use mutate::{Expect, Limits, Mutant, Plan};
use seed::{Format, SeedOptions, SeedSet};
use target::{Answer, Target, TargetSpec};

/// The properties a target must have; each finding names the one it broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Oracle {
    /// Never crash (panic, signal, dropped connection).
    NoCrash,
    /// Always answer within the timeout.
    NoHang,
    /// Never answer 5xx.
    No5xx,
    /// Reject a mutant whose signed content or signature changed.
    RejectTampered,
    /// Reject a mutant that breaks a property the schema requires.
    RejectSchemaViolation,
    /// Refuse a hostile input (poison graph, entity-expansion bomb).
    RejectHostile,
    /// Never report a credential signed by a key nothing binds to its issuer as
    /// issuer-authenticated.
    NoForgedIssuer,
}

impl Oracle {
    pub fn name(self) -> &'static str {
        match self {
            Oracle::NoCrash => "no-crash",
            Oracle::NoHang => "no-hang",
            Oracle::No5xx => "no-5xx",
            Oracle::RejectTampered => "reject-tampered",
            Oracle::RejectSchemaViolation => "reject-schema-violation",
            Oracle::RejectHostile => "reject-hostile",
            Oracle::NoForgedIssuer => "no-forged-issuer",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Oracle::NoCrash => "a target must never crash",
            Oracle::NoHang => "a target must answer within the timeout",
            Oracle::No5xx => "a target must never answer 5xx",
            Oracle::RejectTampered => {
                "a mutant whose signed content or signature changed must be rejected"
            }
            Oracle::RejectSchemaViolation => {
                "a mutant that breaks a required schema property must be rejected"
            }
            Oracle::RejectHostile => {
                "a hostile input (poison graph, entity-expansion bomb) must be refused"
            }
            Oracle::NoForgedIssuer => {
                "a credential signed by a key nothing binds to its issuer must never be reported issuer-authenticated (VERIFIED)"
            }
        }
    }
}

/// The oracle an answer breaks, if any.
pub fn judge(expect: Expect, answer: &Answer, judges: bool) -> Option<Oracle> {
    match answer {
        Answer::Crashed(_) => Some(Oracle::NoCrash),
        Answer::Hung | Answer::Slow(_) => Some(Oracle::NoHang),
        Answer::ServerError(_) => Some(Oracle::No5xx),
        a if !judges || !a.is_accepted() => None,
        _ => match expect {
            Expect::RejectTampered => Some(Oracle::RejectTampered),
            Expect::RejectSchema => Some(Oracle::RejectSchemaViolation),
            Expect::RejectHostile => Some(Oracle::RejectHostile),
            Expect::Unauthenticated if *answer == Answer::Authenticated => {
                Some(Oracle::NoForgedIssuer)
            }
            _ => None,
        },
    }
}

/// How a campaign runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// Stop after this many cases…
    pub cases: Option<u64>,
    /// …or after this long (whichever comes first; neither = 60 s).
    pub time: Option<Duration>,
    pub jobs: usize,
    pub limits: Limits,
    /// Distinct findings kept (each shrunk); further failures are only counted.
    pub max_findings: usize,
    /// Most target runs spent shrinking one finding.
    pub shrink_steps: u32,
    /// Mutants re-signed by their issuer kept per seed ([`mutate::ResignPool`]; 0 = none).
    pub resign_pool: usize,
    /// A case answered after longer than this is a `no-hang` finding too (None: only the
    /// target's timeout counts).
    pub slow: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 0,
            cases: None,
            time: None,
            jobs: 1,
            limits: Limits::default(),
            max_findings: 20,
            shrink_steps: 256,
            resign_pool: mutate::RESIGN_POOL,
            slow: None,
        }
    }
}

/// One broken oracle, shrunk.
#[derive(Debug, Clone)]
pub struct Finding {
    pub oracle: Oracle,
    pub case: u64,
    pub answer: String,
    pub mutant: Mutant,
    pub seed_options: SeedOptions,
    /// Target runs spent shrinking, and how many of them still broke the oracle.
    pub shrink_runs: u32,
    pub shrink_kept: u32,
}

/// What a campaign did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub seeds: usize,
    pub signers: usize,
    pub cases: u64,
    pub elapsed: Duration,
    /// Seeds the target rejected before any mutation (their reject oracles are trivially met).
    pub baseline_rejected: Vec<String>,
    pub expected_reject: u64,
    pub rejected_as_expected: u64,
    pub expected_accept: u64,
    pub accepted_as_expected: u64,
    pub expected_any: u64,
    /// Forgeries (a key nothing binds to the issuer), and how many were not reported
    /// issuer-authenticated.
    pub expected_unauthenticated: u64,
    pub unauthenticated_as_expected: u64,
    /// The slowest case: how long the target took, the case, its mutation kind.
    pub slowest: Option<(Duration, u64, String)>,
    /// Cases per mutation kind (the first step's kind).
    pub kinds: BTreeMap<String, u64>,
    /// Time per mutation kind: building the mutant and running the target on it.
    pub kind_time: BTreeMap<String, Duration>,
    /// Every failure, by oracle (findings are the distinct ones among them).
    pub failures: BTreeMap<String, u64>,
    pub not_run: u64,
    pub findings: Vec<Finding>,
}

impl Summary {
    /// The `n` mutation kinds that took the most time, with their share of all case time,
    /// e.g. `deep-nesting 31 % (4.2 ms a case), huge-array 12 % (2.0 ms a case)` (where a campaign's time goes).
    pub fn busiest_kinds(&self, n: usize) -> String {
        let total: Duration = self.kind_time.values().sum();
        let mut by: Vec<_> = self.kind_time.iter().collect();
        by.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        by.iter()
            .take(n)
            .map(|(k, t)| {
                let share = 100.0 * t.as_secs_f64() / total.as_secs_f64().max(f64::MIN_POSITIVE);
                let each = t.as_secs_f64() * 1000.0
                    / self.kinds.get(*k).copied().unwrap_or(1).max(1) as f64;
                format!("{k} {share:.0} % ({each:.1} ms a case)")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Adds another summary's per-case counts (kinds, failures, expectations) to these.
    fn add_counts(&mut self, other: Summary) {
        for (k, n) in other.kinds {
            *self.kinds.entry(k).or_default() += n;
        }
        for (k, t) in other.kind_time {
            *self.kind_time.entry(k).or_default() += t;
        }
        for (k, n) in other.failures {
            *self.failures.entry(k).or_default() += n;
        }
        self.expected_accept += other.expected_accept;
        self.accepted_as_expected += other.accepted_as_expected;
        self.expected_reject += other.expected_reject;
        self.rejected_as_expected += other.rejected_as_expected;
        self.expected_any += other.expected_any;
        self.expected_unauthenticated += other.expected_unauthenticated;
        self.unauthenticated_as_expected += other.unauthenticated_as_expected;
        self.not_run += other.not_run;
        if other.slowest.as_ref().map(|s| s.0) > self.slowest.as_ref().map(|s| s.0) {
            self.slowest = other.slowest;
        }
    }

    /// Counts one case: its mutation kind, the time spent on it (`took`: the target's run;
    /// `spent`: building the mutant and running the target), what was expected of the answer,
    /// and the oracle it broke.
    fn count_case(
        &mut self,
        case: u64,
        m: &Mutant,
        a: &Answer,
        took: Duration,
        spent: Duration,
        broken: Option<Oracle>,
    ) {
        match self.kinds.get_mut(m.kind()) {
            Some(n) => *n += 1,
            None => {
                self.kinds.insert(m.kind().to_owned(), 1);
            }
        }
        match self.kind_time.get_mut(m.kind()) {
            Some(t) => *t += spent,
            None => {
                self.kind_time.insert(m.kind().to_owned(), spent);
            }
        }
        match m.expect {
            Expect::Accept => {
                self.expected_accept += 1;
                self.accepted_as_expected += a.is_accepted() as u64;
            }
            Expect::RejectTampered | Expect::RejectSchema | Expect::RejectHostile => {
                self.expected_reject += 1;
                self.rejected_as_expected += (*a == Answer::Rejected) as u64;
            }
            Expect::Unauthenticated => {
                self.expected_unauthenticated += 1;
                self.unauthenticated_as_expected += (*a != Answer::Authenticated) as u64;
            }
            Expect::Any => self.expected_any += 1,
        }
        if self.slowest.as_ref().is_none_or(|s| took > s.0) {
            self.slowest = Some((took, case, m.kind().to_owned()));
        }
        if matches!(a, Answer::NotRun(_)) {
            self.not_run += 1;
        }
        if let Some(o) = broken {
            *self.failures.entry(o.name().to_owned()).or_default() += 1;
        }
    }

    pub fn cases_per_sec(&self) -> f64 {
        self.cases as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

fn case_rng(seed: u64, case: u64) -> TestRng {
    let mut h = sha2::Sha256::new();
    h.update(b"wellspring-fuzz case");
    h.update(seed.to_le_bytes());
    h.update(case.to_le_bytes());
    let digest: [u8; 32] = h.finalize().into();
    TestRng::from_seed(RngAlgorithm::ChaCha, &digest)
}

/// Draws case `case` of campaign `seed`: the plan's value tree (for shrinking).
pub fn draw(seed: u64, case: u64, limits: Limits) -> Box<dyn ValueTree<Value = Plan>> {
    // The strategy is a tree of boxed alternatives: built once per thread and limits.
    thread_local! {
        static STRATEGY: std::cell::RefCell<Option<(Limits, proptest::strategy::BoxedStrategy<Plan>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let mut runner = TestRunner::new_with_rng(PtConfig::default(), case_rng(seed, case));
    STRATEGY.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().is_none_or(|(l, _)| *l != limits) {
            *cell = Some((limits, mutate::plan_strategy(limits).boxed()));
        }
        let (_, strategy) = cell.as_ref().expect("just set");
        strategy
            .new_tree(&mut runner)
            .expect("the plan strategy never rejects")
    })
}

/// The campaign: seeds, options per seed, target.
pub struct Campaign {
    pub set: SeedSet,
    options: Vec<Options>,
    pub target: Target,
    pub config: Config,
}

impl Campaign {
    pub fn new(mut set: SeedSet, target: Target, config: Config) -> Result<Campaign, String> {
        set.resigned = mutate::ResignPool::new(set.seeds.len(), config.seed, config.resign_pool);
        let options = set
            .seeds
            .iter()
            .map(|s| {
                s.options
                    .to_options()
                    .map_err(|e| format!("{}: {e}", s.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Campaign {
            set,
            options,
            target,
            config,
        })
    }

    fn options_for(&self, m: &Mutant) -> Option<&Options> {
        self.set
            .seeds
            .iter()
            .position(|s| s.name == m.seed)
            .map(|i| &self.options[i])
    }

    fn seed_options(&self, m: &Mutant) -> SeedOptions {
        self.set
            .seeds
            .iter()
            .find(|s| s.name == m.seed)
            .map(|s| s.options.clone())
            .unwrap_or_default()
    }

    /// Builds and runs one plan: the mutant, the answer, and how long the target took. An
    /// answer that came after [`Config::slow`] is [`Answer::Slow`].
    pub fn execute(&self, plan: &Plan, slot: usize) -> (Mutant, Answer, Duration) {
        let m = mutate::build(&self.set, plan);
        let start = Instant::now();
        let a = self
            .target
            .run(&m.bytes, m.format, self.options_for(&m), slot);
        let took = start.elapsed();
        let a = match a {
            Answer::Accepted | Answer::Authenticated | Answer::Rejected
                if self.config.slow.is_some_and(|s| took > s) =>
            {
                Answer::Slow(took)
            }
            a => a,
        };
        (m, a, took)
    }

    /// Runs every seed unmutated; the ones the target rejects.
    pub fn baseline(&self) -> Vec<(String, Answer)> {
        self.set
            .seeds
            .iter()
            .zip(&self.options)
            .filter_map(|(s, o)| {
                let a = self.target.run(&s.bytes, s.format, Some(o), 0);
                (!a.is_accepted()).then(|| (s.name.clone(), a))
            })
            .collect()
    }

    /// Shrinks case `case` while it keeps breaking `oracle`.
    fn shrink(&self, case: u64, oracle: Oracle, slot: usize, busy: &Busy) -> Option<Finding> {
        let mut tree = draw(self.config.seed, case, self.config.limits);
        let run = |plan: &Plan| {
            *busy.lock().unwrap() = Some((case, Instant::now()));
            let (m, a, _) = self.execute(plan, slot);
            *busy.lock().unwrap() = None;
            (m, a)
        };
        let (m, a) = run(&tree.current());
        if judge(m.expect, &a, self.target.spec.judges()) != Some(oracle) {
            return None; // Not deterministic (a hang that did not repeat…): keep nothing.
        }
        let mut best = (m, a);
        let (mut runs, mut kept) = (0u32, 0u32);
        if tree.simplify() {
            while runs < self.config.shrink_steps {
                runs += 1;
                let (m, a) = run(&tree.current());
                if judge(m.expect, &a, self.target.spec.judges()) == Some(oracle) {
                    kept += 1;
                    best = (m, a);
                    if !tree.simplify() {
                        break;
                    }
                } else if !tree.complicate() {
                    break;
                }
            }
        }
        let (mutant, answer) = best;
        Some(Finding {
            oracle,
            case,
            answer: answer.word(),
            seed_options: self.seed_options(&mutant),
            mutant,
            shrink_runs: runs,
            shrink_kept: kept,
        })
    }

    fn worker(&self, slot: usize, sh: &Shared, deadline: Option<Instant>, limit: u64) {
        let judges = self.target.spec.judges();
        let busy = &sh.busy[slot];
        // Counted here and added to the shared summary at the end (and before each shrink, the
        // slow part): no lock shared with the other workers on the per-case path.
        let mut local = Summary::default();
        loop {
            if sh.stop.load(Ordering::Relaxed) {
                break;
            }
            let case = sh.next.fetch_add(1, Ordering::Relaxed);
            if case >= limit || deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let plan = draw(self.config.seed, case, self.config.limits).current();
            let began = Instant::now();
            *busy.lock().unwrap() = Some((case, began));
            let (m, a, took) = self.execute(&plan, slot);
            *busy.lock().unwrap() = None;
            let spent = began.elapsed();
            // A worker stuck in a later case (the in-process watchdog gives up on it) still
            // had its counts added up to here.
            if sh.done.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
                sh.flush(&mut local);
            }
            let broken = judge(m.expect, &a, judges);
            local.count_case(case, &m, &a, took, spent, broken);
            let Some(oracle) = broken else { continue };
            // Distinct failures: (oracle, mutation kind). The first case of each is shrunk.
            let key = (oracle, m.kind().to_owned());
            if sh.first_seen(key, case, self.config.max_findings) {
                sh.flush(&mut local);
                if let Some(f) = self.shrink(case, oracle, slot, busy) {
                    sh.keep(f);
                }
            }
        }
        sh.flush(&mut local);
    }

    /// Runs the campaign. `progress` is called about once a second with (cases, findings).
    ///
    /// An in-process case cannot be interrupted: one stuck past the timeout is reported as a
    /// `no-hang` finding, the campaign stops, and the stuck worker thread is left behind.
    pub fn run(self: &Arc<Self>, progress: &dyn Fn(u64, usize)) -> Summary {
        let start = Instant::now();
        let deadline = match (self.config.cases, self.config.time) {
            (_, Some(t)) => Some(start + t),
            (Some(_), None) => None,
            (None, None) => Some(start + Duration::from_secs(60)),
        };
        let limit = self.config.cases.unwrap_or(u64::MAX);
        let jobs = self.config.jobs.max(1);
        let sh = Arc::new(Shared::new(jobs));
        let handles: Vec<_> = (0..jobs)
            .map(|slot| {
                let (c, sh) = (Arc::clone(self), Arc::clone(&sh));
                // Deeply nested mutants are built, serialized and dropped recursively.
                std::thread::Builder::new()
                    .name(format!("fuzz-{slot}"))
                    .stack_size(WORKER_STACK)
                    .spawn(move || c.worker(slot, &sh, deadline, limit))
                    .expect("a worker thread starts")
            })
            .collect();
        let stuck = self.watch(&handles, &sh, progress);
        for (i, h) in handles.into_iter().enumerate() {
            if !stuck.iter().any(|(j, _)| *j == i) {
                let _ = h.join();
            }
        }
        self.summarize(&sh, &stuck, start)
    }

    /// Waits for the workers, reporting progress about once a second. In process, a worker
    /// busy with one case past the timeout is given up on, and the campaign stopped: the
    /// stuck workers and their cases.
    fn watch(
        &self,
        handles: &[std::thread::JoinHandle<()>],
        sh: &Shared,
        progress: &dyn Fn(u64, usize),
    ) -> Vec<(usize, u64)> {
        let in_process = matches!(self.target.spec, TargetSpec::Core | TargetSpec::Parse);
        let mut stuck: Vec<(usize, u64)> = Vec::new();
        let mut last = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(10));
            let finished = handles
                .iter()
                .enumerate()
                .all(|(i, h)| h.is_finished() || stuck.iter().any(|(j, _)| *j == i));
            if finished {
                break;
            }
            if last.elapsed() >= Duration::from_secs(1) {
                last = Instant::now();
                progress(
                    sh.done.load(Ordering::Relaxed),
                    sh.found.lock().unwrap().len(),
                );
            }
            if in_process {
                for (i, b) in sh.busy.iter().enumerate() {
                    if let Some((case, since)) = *b.lock().unwrap() {
                        if since.elapsed() > self.target.timeout
                            && !stuck.iter().any(|(j, _)| *j == i)
                        {
                            stuck.push((i, case));
                            sh.stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
            }
        }
        stuck
    }

    /// The summary of a finished campaign: the workers' counts and findings, and a `no-hang`
    /// finding for each stuck case.
    fn summarize(&self, sh: &Shared, stuck: &[(usize, u64)], start: Instant) -> Summary {
        let mut sm = sh.summary.lock().unwrap().clone();
        sm.seeds = self.set.seeds.len();
        sm.signers = self.set.signers.len();
        sm.cases = sh.done.load(Ordering::Relaxed);
        sm.elapsed = start.elapsed();
        let mut found: Vec<Finding> = std::mem::take(&mut *sh.found.lock().unwrap());
        for &(_, case) in stuck {
            let m = mutate::build(
                &self.set,
                &draw(self.config.seed, case, self.config.limits).current(),
            );
            *sm.failures.entry(Oracle::NoHang.name().into()).or_default() += 1;
            found.push(Finding {
                oracle: Oracle::NoHang,
                case,
                answer: Answer::Hung.word(),
                seed_options: self.seed_options(&m),
                mutant: m,
                shrink_runs: 0,
                shrink_kept: 0,
            });
        }
        found.sort_by_key(|f| (f.case, f.oracle));
        sm.findings = found;
        sm
    }
}

/// Stack of a worker thread.
const WORKER_STACK: usize = 256 << 20;

type Busy = Arc<Mutex<Option<(u64, Instant)>>>;

/// State the workers share.
struct Shared {
    next: AtomicU64,
    done: AtomicU64,
    stop: AtomicBool,
    summary: Mutex<Summary>,
    seen: Mutex<HashMap<(Oracle, String), u64>>,
    found: Mutex<Vec<Finding>>,
    /// The case each worker is in, and since when (the in-process hang watchdog).
    busy: Vec<Busy>,
}

impl Shared {
    fn new(jobs: usize) -> Shared {
        Shared {
            next: AtomicU64::new(0),
            done: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            summary: Mutex::new(Summary::default()),
            seen: Mutex::new(HashMap::new()),
            found: Mutex::new(Vec::new()),
            busy: (0..jobs).map(|_| Arc::new(Mutex::new(None))).collect(),
        }
    }

    /// Adds a worker's counts to the campaign's summary, and clears them.
    fn flush(&self, local: &mut Summary) {
        self.summary
            .lock()
            .unwrap()
            .add_counts(std::mem::take(local));
    }

    /// Whether `key` (oracle, mutation kind) is a distinct failure not seen before, to be
    /// shrunk (at most `max` are); if so it is recorded as first seen in `case`.
    fn first_seen(&self, key: (Oracle, String), case: u64, max: usize) -> bool {
        let mut seen = self.seen.lock().unwrap();
        if seen.len() >= max || seen.contains_key(&key) {
            false
        } else {
            seen.insert(key, case);
            true
        }
    }

    /// Keeps a shrunk finding: two cases may shrink to the same finding, only one is kept.
    fn keep(&self, f: Finding) {
        let mut found = self.found.lock().unwrap();
        let dup = found.iter().any(|g| {
            g.oracle == f.oracle
                && g.mutant.seed == f.mutant.seed
                && g.mutant.steps == f.mutant.steps
        });
        if !dup {
            found.push(f);
        }
    }
}

/// A reproducer file: everything needed to replay one finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reproducer {
    pub wellspring_fuzz_reproducer: u32,
    pub oracle: Oracle,
    pub rule: String,
    pub expect: Expect,
    pub answer: String,
    pub target: TargetSpec,
    pub campaign_seed: u64,
    pub case: u64,
    pub seed_file: String,
    pub steps: Vec<String>,
    pub format: Format,
    /// The mutant file, next to this one.
    pub input: String,
    /// The in-process verifier's options for the seed (clock, keys, status lists, recipient).
    pub options: SeedOptions,
    pub replay: String,
}

/// Writes each finding as `NNN-ORACLE-KIND.json` + the mutant file
/// (`NNN-ORACLE-KIND.mutant.EXT`); returns the reproducer paths.
pub fn write_reproducers(
    dir: &Path,
    findings: &[Finding],
    spec: &TargetSpec,
    campaign_seed: u64,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let stem = format!("{:03}-{}-{}", i + 1, f.oracle.name(), f.mutant.kind());
        // `.mutant.` keeps a JSON mutant from sharing its name with the reproducer.
        let input = format!("{stem}.mutant.{}", f.mutant.format.ext());
        let file = dir.join(format!("{stem}.json"));
        std::fs::write(dir.join(&input), &f.mutant.bytes)
            .map_err(|e| format!("{}: {e}", dir.join(&input).display()))?;
        let r = Reproducer {
            wellspring_fuzz_reproducer: 1,
            oracle: f.oracle,
            rule: f.oracle.describe().into(),
            expect: f.mutant.expect,
            answer: f.answer.clone(),
            target: spec.clone(),
            campaign_seed,
            case: f.case,
            seed_file: f.mutant.seed.clone(),
            steps: f.mutant.steps.clone(),
            format: f.mutant.format,
            input,
            options: f.seed_options.clone(),
            replay: format!(
                "wellspring fuzz --replay {}{}",
                file.display(),
                spec.flags()
            ),
        };
        let text = serde_json::to_string_pretty(&r).expect("reproducer serializes");
        std::fs::write(&file, text + "\n").map_err(|e| format!("{}: {e}", file.display()))?;
        out.push(file);
    }
    Ok(out)
}

/// Reads a reproducer and its mutant bytes.
pub fn read_reproducer(path: &Path) -> Result<(Reproducer, Vec<u8>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let r: Reproducer = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a wellspring fuzz reproducer: {e}", path.display()))?;
    let input = path.parent().unwrap_or(Path::new(".")).join(&r.input);
    let bytes = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
    Ok((r, bytes))
}

/// Replays a reproducer against `target`: the answer, and the oracle it still breaks.
pub fn replay(
    r: &Reproducer,
    bytes: &[u8],
    target: &Target,
) -> Result<(Answer, Option<Oracle>), String> {
    let opts = r.options.to_options()?;
    let answer = target.run(bytes, r.format, Some(&opts), 0);
    let broken = judge(r.expect, &answer, target.spec.judges());
    Ok((answer, broken))
}

/// Parses `60s`, `10m`, `1h`, `500ms` or a number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| s.split_at(i))
        .unwrap_or((s, "s"));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("bad duration {s:?} (try 60s, 10m, 1h, 500ms)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" | "" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("bad duration unit in {s:?} (ms, s, m, h)")),
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("bad duration {s:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60s").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("3 weeks").is_err());
    }

    #[test]
    fn oracles_follow_expectations() {
        assert_eq!(
            judge(Expect::RejectTampered, &Answer::Accepted, true),
            Some(Oracle::RejectTampered)
        );
        assert_eq!(
            judge(Expect::RejectTampered, &Answer::Accepted, false),
            None
        );
        assert_eq!(
            judge(Expect::RejectSchema, &Answer::Accepted, true),
            Some(Oracle::RejectSchemaViolation)
        );
        assert_eq!(judge(Expect::Any, &Answer::Accepted, true), None);
        assert_eq!(judge(Expect::Accept, &Answer::Rejected, true), None);
        assert_eq!(
            judge(Expect::Any, &Answer::ServerError(500), true),
            Some(Oracle::No5xx)
        );
        assert_eq!(
            judge(Expect::Any, &Answer::Hung, true),
            Some(Oracle::NoHang)
        );
        assert_eq!(
            judge(Expect::Accept, &Answer::Slow(Duration::from_secs(3)), true),
            Some(Oracle::NoHang)
        );
        assert_eq!(
            judge(Expect::RejectTampered, &Answer::Authenticated, true),
            Some(Oracle::RejectTampered)
        );
        assert_eq!(
            judge(Expect::RejectHostile, &Answer::Accepted, true),
            Some(Oracle::RejectHostile)
        );
        assert_eq!(judge(Expect::RejectHostile, &Answer::Rejected, true), None);
    }

    #[test]
    fn a_forgery_may_conform_but_never_authenticate() {
        let e = Expect::Unauthenticated;
        assert_eq!(judge(e, &Answer::Accepted, true), None);
        assert_eq!(judge(e, &Answer::Rejected, true), None);
        assert_eq!(
            judge(e, &Answer::Authenticated, true),
            Some(Oracle::NoForgedIssuer)
        );
        // A target that does not judge (the parsers) is never held to it.
        assert_eq!(judge(e, &Answer::Authenticated, false), None);
        // Honest credentials may be authenticated.
        assert_eq!(judge(Expect::Accept, &Answer::Authenticated, true), None);
        assert_eq!(judge(Expect::Any, &Answer::Authenticated, true), None);
    }

    #[test]
    fn cases_are_reproducible() {
        let a = format!("{:?}", draw(7, 42, Limits::default()).current());
        let b = format!("{:?}", draw(7, 42, Limits::default()).current());
        let c = format!("{:?}", draw(8, 42, Limits::default()).current());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
