//! CASE 1.0 conformance suite: framework integrity of a CFPackage.
//!
//! [`check`] judges one package (bytes) and returns a [`DocReport`] with one result per check
//! of [`checks::ALL`], in that order:
//!
//! | ID | judges |
//! |---|---|
//! | `case.package.parse` | well-formed JSON object within the size bound |
//! | `case.package.schema` | `CFPackage.Type` of the official CASE 1.0 OpenAPI (draft 4, formats on) |
//! | `case.package.identifiers` | whole-string lower-case UUIDs (v1-5, variant 8-b), unique across the package |
//! | `case.package.associations` | association ends resolve by identifier, or lie outside the package (warning) |
//! | `case.package.hierarchy` | isChildOf acyclic, every item reaches the CFDocument |
//! | `case.package.uris` | back-links and LinkURIs name existing objects with matching uri/title |
//! | `case.package.dates` | lastChangeDateTime RFC 3339 date-time, statusStart/EndDate dates |
//!
//! The schema pass and the integrity pass parse the input independently and run on two
//! threads; neither holds the package as a `serde_json::Value`.

pub mod checks;
pub mod consumer;
pub mod integrity;
pub mod provider;
pub mod schema;

use serde_json::json;
use wellspring_case::view::load_view;
use wellspring_report::{CheckResult, DocReport, Verdict};

pub use wellspring_case::DEFAULT_MAX_BYTES;

/// Bounds for one run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Largest package accepted, in bytes.
    pub max_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// The kind shown for every package report.
pub const KIND: &str = "CFPackage (CASE 1.0)";

fn skipped_rest(report: &mut DocReport, why: &str) {
    for def in &checks::ALL[1..] {
        report.push(CheckResult::new(def, Verdict::Skip, why));
    }
}

/// Judges one CFPackage. `subject` names it in the report (a path or URL).
pub fn check(subject: &str, bytes: &[u8], opts: &Options) -> DocReport {
    let mut report = DocReport::new(subject);
    report.kind = KIND.to_owned();
    if bytes.len() > opts.max_bytes {
        report.push(
            CheckResult::new(
                &checks::PARSE,
                Verdict::Fail,
                format!("larger than {} bytes", opts.max_bytes),
            )
            .with("bytes", bytes.len()),
        );
        skipped_rest(&mut report, "the package was not read");
        return report;
    }
    let (schema, rest) = std::thread::scope(|s| {
        let schema = s.spawn(|| schema::validate_package(bytes, integrity::EVIDENCE_LIMIT));
        let rest = judge(bytes);
        (
            schema.join().expect("schema validation does not panic"),
            rest,
        )
    });
    match rest {
        Err(e) => {
            report.push(CheckResult::new(&checks::PARSE, Verdict::Fail, e));
            skipped_rest(&mut report, "the package could not be parsed");
        }
        Ok((parse, results)) => {
            report.push(parse);
            report.push(schema_result(schema));
            report.checks.extend(results);
        }
    }
    report
}

/// Parses the lenient view and runs every integrity check on it.
fn judge(bytes: &[u8]) -> Result<(CheckResult, Vec<CheckResult>), String> {
    let pkg = load_view(bytes).map_err(|e| e.to_string())?;
    let parse = CheckResult::new(
        &checks::PARSE,
        Verdict::Pass,
        format!(
            "{} bytes: {} items, {} associations",
            bytes.len(),
            pkg.items.len(),
            pkg.associations.len()
        ),
    );
    let ix = integrity::Index::new(&pkg);
    let results = vec![
        integrity::identifiers(&ix),
        integrity::associations(&ix),
        integrity::hierarchy(&ix),
        integrity::uris(&ix),
        integrity::dates(&ix),
    ];
    Ok((parse, results))
}

fn schema_result(outcome: Result<schema::SchemaOutcome, String>) -> CheckResult {
    let o = match outcome {
        Ok(o) => o,
        Err(e) => return CheckResult::new(&checks::SCHEMA, Verdict::Skip, e),
    };
    if o.total == 0 {
        return CheckResult::new(
            &checks::SCHEMA,
            Verdict::Pass,
            "valid against CFPackage.Type (CASE 1.0 OpenAPI)",
        );
    }
    let kinds = o
        .by_keyword
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut r = CheckResult::new(
        &checks::SCHEMA,
        Verdict::Fail,
        format!("{} schema error(s): {kinds}", o.total),
    );
    for e in &o.first {
        r = r.at(&e.pointer, &e.keyword, e.message.clone());
    }
    if o.total > o.first.len() {
        r = r.with("schema", format!("… and {} more", o.total - o.first.len()));
    }
    r.with("by keyword", json!(o.by_keyword))
}
