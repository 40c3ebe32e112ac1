//! `wellspring verify`.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use wellspring_report::{render, DocReport};
use wellspring_verify::{verify_bytes, Options, Recipient};

/// Verify OB 3.0 / CLR 2.0 credentials, check by check, offline.
///
/// An INPUT is a file (JSON credential or presentation, compact JWS / VC-JWT, baked PNG or
/// SVG), a directory (every .json, .jsonld, .jwt, .jws, .png and .svg file under it, recursively,
/// in name order; hidden entries and symbolic links skipped), `-` for standard input, or with
/// --online an http(s) URL. The kind is detected.
///
/// Inputs are verified on --jobs threads (default: every core) and reported in input order as
/// they finish. For large runs use --format jsonl (one JSON object per input, streamed; the
/// summary goes to standard error): memory stays bounded whatever the number of inputs.
/// --format json and --junit hold every report until the end.
///
/// Each input gets one headline:
///   VERIFIED                                   every check passed, the issuer is authenticated
///   signature valid — issuer NOT authenticated  conforms, but nothing binds the key to the issuer
///   signature valid — status not checked        conforms, but the revocation list was not read
///   NOT VERIFIED                               a check failed (exit code 1)
/// The issuer is authenticated when a document the verifier read binds the proof's key to the
/// issuer id: the issuer's own did:key / did:jwk, its did:web document (--online), a --key given
/// for the issuer's URL, its https profile listing the key (--online), or a --trust file entry.
/// Relying parties use --strict (= --require-bound-key --require-status) to fail the caveats.
///
/// Examples:
///   wellspring verify vectors/valid/ob-minimal.eddsa.json
///   wellspring verify --now 2026-01-01T00:00:00Z --format json vectors/valid/baked.eddsa.png
///   wellspring verify --key 'https://vectors.wellspring.example/issuers/rsa#key-1=vectors/keys/rsa-issuer.pub.jwk.json' \
///       vectors/valid/ob-minimal.rs256.jwt
///   cat vectors/valid/ob-minimal.eddsa.jwt | wellspring verify --junit report.xml -
///   wellspring verify --jobs 2 --format jsonl vectors/valid > results.jsonl
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// Files, directories (recursive), `-` for stdin, or URLs (with --online).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Verify this many inputs at once (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0, value_name = "N")]
    jobs: usize,
    /// Also write JUnit XML (one testcase per check per input) to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Judge validity windows at this instant (RFC 3339) instead of the clock.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Allow the network: unknown contexts, did:web and HTTP(S) keys, status lists, schemas.
    #[arg(long)]
    online: bool,
    /// With --online: also reach loopback, private and link-local addresses (local test setups).
    #[arg(long)]
    allow_private_network: bool,
    /// Key for a verification method or kid: URL=MULTIBASE (z6Mk…) or URL=FILE (JWK, Multikey, JWKS). Repeatable.
    #[arg(long = "key", value_name = "URL=KEY")]
    keys: Vec<String>,
    /// Status list document for a URL, read from a file. Repeatable.
    #[arg(long = "status-file", value_name = "URL=PATH")]
    status_files: Vec<String>,
    /// Fail (not just warn) when the proof's key is not bound to the issuer.
    #[arg(long)]
    require_bound_key: bool,
    /// Fail (not just warn) when a credential's revocation status cannot be determined.
    #[arg(long)]
    require_status: bool,
    /// What a relying party needs: --require-bound-key and --require-status.
    #[arg(long)]
    strict: bool,
    /// Trust file binding issuer ids to their keys: {"issuers":[{"id":URL,"name":…,"keys":["z6Mk…"]}]}.
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,
    /// Check the credential was issued to this recipient: TYPE:VALUE, e.g. email:someone@example.org or did:example:123.
    #[arg(long, value_name = "TYPE:VALUE")]
    recipient: Option<String>,
    /// Show evidence (values, pointers, canonical forms, hashes) under failed, warned and skipped checks.
    #[arg(short, long)]
    verbose: bool,
    /// Largest input accepted, in bytes.
    #[arg(long, default_value_t = wellspring_verify::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Deepest JSON nesting accepted.
    #[arg(long, default_value_t = wellspring_verify::DEFAULT_MAX_DEPTH)]
    max_depth: usize,
    /// Network timeout per request, in seconds (with --online).
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Lines per check and a summary, streamed.
    Human,
    /// One JSON document for the whole run, at the end.
    Json,
    /// One JSON object per input, streamed (summary on standard error).
    Jsonl,
}

fn usage(msg: String) -> u8 {
    eprintln!("wellspring verify: {msg}");
    2
}

/// Builds Options from the flags (shared with `vectors run`).
pub fn options(
    now: Option<&str>,
    keys: &[String],
    status_files: &[String],
    recipient: Option<&str>,
) -> Result<Options, String> {
    let now = match now {
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|e| format!("--now {t:?} is not RFC 3339: {e}"))?
            .with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    };
    let mut opts = Options::offline(now);
    for k in keys {
        let (url, material) = k
            .rsplit_once('=')
            .filter(|(u, _)| !u.is_empty())
            .ok_or_else(|| format!("--key {k:?}: expected URL=MULTIBASE or URL=FILE"))?;
        let material = if material.starts_with('z') && !std::path::Path::new(material).exists() {
            material.to_owned()
        } else {
            std::fs::read_to_string(material)
                .map_err(|e| format!("--key {url}: cannot read {material}: {e}"))?
        };
        opts.keys.add(url, &material)?;
    }
    for s in status_files {
        let (url, path) = s
            .rsplit_once('=')
            .ok_or_else(|| format!("--status-file {s:?}: expected URL=PATH"))?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--status-file {url}: cannot read {path}: {e}"))?;
        opts.status_files.insert(url.to_owned(), text);
    }
    if let Some(r) = recipient {
        opts.recipient = Some(r.parse::<Recipient>()?);
    }
    Ok(opts)
}

pub fn run(a: VerifyArgs) -> u8 {
    let (opts, fetch) = match run_options(&a) {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let inputs = match checked_inputs(&a.inputs, fetch.is_some()) {
        Ok(i) => i,
        Err(e) => return usage(e),
    };
    let read = |input: &Input| read_input(input, fetch.as_ref(), a.max_bytes);
    let jobs = match a.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let keep = matches!(a.format, Format::Json) || a.junit.is_some();
    let bar = progress(inputs.len());
    let mut kept: Vec<DocReport> = Vec::new();
    let mut summary = render::Summary::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // standard output closed (`| head`): nobody reads the rest, so the run stops
    let closed = std::sync::atomic::AtomicBool::new(false);
    let outcome = crate::batch::run(
        &inputs,
        jobs,
        // each input's lines are rendered on its worker thread; this thread only writes them
        |i| {
            if closed.load(std::sync::atomic::Ordering::Relaxed) {
                return Err("standard output is closed".to_owned());
            }
            read(i).map(|b| {
                let r = verify_bytes(&i.name(), &b, &opts);
                let text = match a.format {
                    Format::Human => render::human_doc(&r, a.verbose),
                    Format::Jsonl => render::jsonl_line(&r) + "\n",
                    Format::Json => String::new(),
                };
                (r, text)
            })
        },
        |(r, text)| {
            summary.add(&r);
            bar.inc(1);
            if !text.is_empty() {
                bar.suspend(|| {
                    use std::io::Write;
                    if out.write_all(text.as_bytes()).is_err() {
                        closed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                });
            }
            if keep {
                kept.push(r);
            }
        },
    );
    bar.finish_and_clear();
    if closed.load(std::sync::atomic::Ordering::Relaxed) {
        return 2; // the reader went away: no summary to give, nothing to report to
    }
    if let Err(e) = outcome {
        return usage(e);
    }
    finish(&a, &summary, &kept, &mut out)
}

/// The verification options of the command line, and the fetcher when `--online`.
fn run_options(a: &VerifyArgs) -> Result<(Options, Option<crate::fetch::FetchBytes>), String> {
    let mut opts = options(
        a.now.as_deref(),
        &a.keys,
        &a.status_files,
        a.recipient.as_deref(),
    )?;
    opts.max_bytes = a.max_bytes;
    opts.max_depth = a.max_depth;
    opts.require_bound_key = a.require_bound_key || a.strict;
    opts.require_status = a.require_status || a.strict;
    if let Some(path) = &a.trust {
        opts.trust = read_trust(path)?;
    }
    let fetch = if a.online {
        let f = crate::fetch::http_fetch_bytes(
            Duration::from_secs(a.timeout),
            a.allow_private_network,
        )?;
        opts = opts.with_network(crate::fetch::http_fetch(f.clone()));
        Some(f)
    } else {
        None
    };
    Ok((opts, fetch))
}

/// The inputs named, standard input at most once, URLs only with `--online`.
fn checked_inputs(args: &[String], online: bool) -> Result<Vec<Input>, String> {
    let inputs = expand_inputs(args)?;
    if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
        return Err("`-` (standard input) can be given once".into());
    }
    if !online {
        if let Some(Input::Url(u)) = inputs.iter().find(|i| matches!(i, Input::Url(_))) {
            return Err(format!("{u} is a URL: add --online to fetch it"));
        }
    }
    Ok(inputs)
}

/// The bytes of one input (at most `max_bytes` + 1, so an oversized one is seen as such).
fn read_input(
    input: &Input,
    fetch: Option<&crate::fetch::FetchBytes>,
    max_bytes: usize,
) -> Result<Vec<u8>, String> {
    match input {
        Input::Stdin => {
            let mut b = Vec::new();
            std::io::stdin()
                .take(max_bytes as u64 + 1)
                .read_to_end(&mut b)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(b)
        }
        // URLs without --online were refused before
        Input::Url(u) => fetch
            .ok_or_else(|| format!("{u} is a URL: add --online to fetch it"))
            .and_then(|f| f(u).map_err(|e| format!("cannot fetch {u}: {e}"))),
        Input::File(p) => read_bounded(p, max_bytes),
    }
}

/// The summary (or the JSON report), the JUnit file, and the exit code.
fn finish(
    a: &VerifyArgs,
    summary: &render::Summary,
    kept: &[DocReport],
    out: &mut impl std::io::Write,
) -> u8 {
    let tail = match a.format {
        Format::Human => render::human_summary(summary),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&render::json(kept)).expect("report serializes")
        ),
        Format::Jsonl => {
            eprint!("{}", render::human_summary(summary).trim_start());
            String::new()
        }
    };
    let _ = out.write_all(tail.as_bytes());
    let _ = out.flush();
    if let Some(path) = &a.junit {
        if let Err(e) = std::fs::write(path, render::junit(kept)) {
            return usage(format!("cannot write {}: {e}", path.display()));
        }
    }
    if summary.all_passed() {
        0
    } else {
        1
    }
}

/// A progress bar on standard error for runs of more than one input, when it is a terminal.
fn progress(n: usize) -> indicatif::ProgressBar {
    let target = if n > 1 && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressDrawTarget::stderr()
    } else {
        indicatif::ProgressDrawTarget::hidden()
    };
    let bar = indicatif::ProgressBar::with_draw_target(Some(n as u64), target);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {per_sec} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// One input of a run.
pub enum Input {
    Stdin,
    Url(String),
    File(PathBuf),
}

impl Input {
    /// The name reports give the input: as typed, or the path under a directory.
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::Url(u) => u.clone(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// File extensions taken from a directory.
const DIRECTORY_EXTENSIONS: &[&str] = &["json", "jsonld", "jwt", "jws", "png", "svg"];

/// Inputs as given, with each directory replaced by the credential files under it.
fn expand_inputs(args: &[String]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for a in args {
        if a == "-" {
            out.push(Input::Stdin);
        } else if a.starts_with("https://") || a.starts_with("http://") {
            out.push(Input::Url(a.clone()));
        } else {
            let p = PathBuf::from(a);
            if p.is_dir() {
                let before = out.len();
                walk(&p, &mut out).map_err(|e| format!("cannot read directory {a}: {e}"))?;
                if out.len() == before {
                    return Err(format!(
                        "directory {a} holds no .{} file",
                        DIRECTORY_EXTENSIONS.join(", .")
                    ));
                }
            } else {
                // a missing file is a usage error before any report is printed
                std::fs::metadata(&p).map_err(|e| format!("cannot read {a}: {e}"))?;
                out.push(Input::File(p));
            }
        }
    }
    Ok(out)
}

fn walk(dir: &std::path::Path, out: &mut Vec<Input>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = e.file_type()?;
        let path = e.path();
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file()
            && path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| DIRECTORY_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
        {
            out.push(Input::File(path));
        }
    }
    Ok(())
}

/// Reads a `--trust FILE` (verify, and the wallet and ATS servers).
pub fn read_trust(path: &std::path::Path) -> Result<wellspring_verify::trust::TrustList, String> {
    std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| wellspring_verify::trust::TrustList::parse(&t))
        .map_err(|e| format!("--trust {}: {e}", path.display()))
}

/// Reads at most `max + 1` bytes, so a huge file is judged (too large) without loading it.
fn read_bounded(path: &std::path::Path, max: usize) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut b = Vec::new();
    f.take(max as u64 + 1)
        .read_to_end(&mut b)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    Ok(b)
}
