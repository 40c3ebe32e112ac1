//! `wellspring checks`: every check the harness runs, by stable ID, with its spec clause.

use clap::{Args, ValueEnum};
use wellspring_report::shown::{Shown, ShownFile};
use wellspring_report::{level_of, CheckDef};

/// List every check: stable ID, title and the spec clause it enforces.
///
/// Groups: credential verification (`verify`), CASE package integrity (`case check`), and the
/// certification suites (`certify`: CASE provider, OB 3.0 / CLR 2.0 issuer, displayer,
/// Service Provider, Service Consumer).
///
/// Examples:
///   wellspring checks                      # all of them
///   wellspring checks ob3.provider         # IDs starting with a prefix
///   wellspring checks --ids | wc -l        # IDs only, one per line
///   wellspring checks --format json        # with level, and the tests and vectors that
///                                          # show each check failing and passing
///   wellspring checks --coverage           # per standard: how many of the spec's MUSTs
///                                          # (suites/requirements/*.tsv) have a check
///   wellspring checks --coverage --gaps    # ... and which have none
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct ChecksArgs {
    /// Only checks whose ID starts with this.
    prefix: Option<String>,
    /// Print only the IDs.
    #[arg(long, conflicts_with = "format")]
    ids: bool,
    /// Output format. `json` adds each check's level and `shown_failing_by` /
    /// `shown_passing_by`: the tests and vectors that make it fail and pass (from the test
    /// suite's own records in reports/shown/, kept current by the tests).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Instead of the checks: per standard, how many of the mandatory requirements in the
    /// committed requirement tables (suites/requirements/: one row per MUST, with its clause)
    /// have a check.
    #[arg(long, conflicts_with = "ids")]
    coverage: bool,
    /// With --coverage: list the mandatory requirements no check tests.
    #[arg(long, requires = "coverage")]
    gaps: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// What the tests and vectors showed, as committed in `reports/shown/` (one file per test
/// file; each test keeps its section current, see `wellspring_report::shown`).
pub const SHOWN_FILES: &[(&str, &str)] = &[
    (
        "case10.broken",
        include_str!("../../../reports/shown/case10.broken.json"),
    ),
    (
        "case10.consumer",
        include_str!("../../../reports/shown/case10.consumer.json"),
    ),
    (
        "case10.frameworks",
        include_str!("../../../reports/shown/case10.frameworks.json"),
    ),
    (
        "case10.provider",
        include_str!("../../../reports/shown/case10.provider.json"),
    ),
    (
        "case11.consumer",
        include_str!("../../../reports/shown/case11.consumer.json"),
    ),
    (
        "case11.provider",
        include_str!("../../../reports/shown/case11.provider.json"),
    ),
    (
        "ob30.consumer",
        include_str!("../../../reports/shown/ob30.consumer.json"),
    ),
    (
        "ob30.displayer",
        include_str!("../../../reports/shown/ob30.displayer.json"),
    ),
    (
        "ob30.issuer",
        include_str!("../../../reports/shown/ob30.issuer.json"),
    ),
    (
        "ob30.provider",
        include_str!("../../../reports/shown/ob30.provider.json"),
    ),
    (
        "vectors",
        include_str!("../../../reports/shown/vectors.json"),
    ),
    (
        "wallet.consumer",
        include_str!("../../../reports/shown/wallet.consumer.json"),
    ),
];

/// Everything the committed records show, by check ID.
pub fn shown() -> Shown {
    let mut all = Shown::new();
    for (name, text) in SHOWN_FILES {
        let f = ShownFile::parse(text)
            .unwrap_or_else(|e| panic!("reports/shown/{name}.json is not a shown file: {e}"));
        all.merge(f.union());
    }
    all
}

/// Every check, grouped, in report order (no duplicates): the verification core, the CASE
/// package checks, then every certification suite of the suite table
/// (`wellspring_matrix::suites`); a role that extends another lists what it adds.
pub fn all() -> Vec<(String, Vec<CheckDef>)> {
    let mut groups: Vec<(String, Vec<CheckDef>)> = vec![
        (
            "credential verification (wellspring verify)".into(),
            wellspring_verify::checks::ALL.to_vec(),
        ),
        (
            "CASE 1.0 package (wellspring case check)".into(),
            wellspring_suite_case10::checks::ALL.to_vec(),
        ),
    ];
    let mut listed: Vec<&'static str> = Vec::new();
    for suite in wellspring_matrix::suites::all() {
        let checks: Vec<CheckDef> = (suite.checks)();
        let extends = checks.iter().any(|c| listed.contains(&c.id));
        let new: Vec<CheckDef> = checks
            .into_iter()
            .filter(|c| !listed.contains(&c.id))
            .collect();
        if new.is_empty() {
            continue;
        }
        listed.extend(new.iter().map(|c| c.id));
        let title = format!(
            "{} (certify --standard {} --role {}){}",
            suite.title,
            suite.standard,
            suite.role,
            if extends { ": what it adds" } else { "" }
        );
        groups.push((title, new));
    }
    groups
}

pub fn run(a: ChecksArgs) -> u8 {
    let prefix = a.prefix.unwrap_or_default();
    if a.coverage {
        return coverage(a.format, a.gaps);
    }
    if a.format == Format::Json {
        return json(&prefix);
    }
    let mut shown = 0;
    for (group, defs) in all() {
        let defs: Vec<_> = defs
            .into_iter()
            .filter(|d| d.id.starts_with(&prefix))
            .collect();
        if defs.is_empty() {
            continue;
        }
        if !a.ids {
            println!("# {group}");
        }
        for c in defs {
            shown += 1;
            if a.ids {
                println!("{}", c.id);
            } else {
                println!("{:<40} {}\n{:<40} {}", c.id, c.title, "", c.clause);
            }
        }
        if !a.ids {
            println!();
        }
    }
    if shown == 0 {
        eprintln!("no check ID starts with {prefix:?}");
        return 1;
    }
    0
}

/// `--format json`: one object per check, grouped as in the text listing.
fn json(prefix: &str) -> u8 {
    let shown = shown();
    let mut out = Vec::new();
    for (group, defs) in all() {
        for c in defs.into_iter().filter(|d| d.id.starts_with(prefix)) {
            let s = shown.0.get(c.id).cloned().unwrap_or_default();
            out.push(serde_json::json!({
                "id": c.id,
                "title": c.title,
                "clause": c.clause,
                "level": level_of(c.id).word(),
                "group": group,
                "shown_failing_by": s.failing_by,
                "shown_passing_by": s.passing_by,
            }));
        }
    }
    if out.is_empty() {
        eprintln!("no check ID starts with {prefix:?}");
        return 1;
    }
    let doc = serde_json::json!({ "checks": out });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("plain data")
    );
    0
}

/// The requirement tables: (standard, its name, the TSV).
pub const REQUIREMENTS: &[(&str, &str, &str)] = &[
    (
        "ob30",
        "Open Badges 3.0",
        include_str!("../../../suites/requirements/ob30.tsv"),
    ),
    (
        "clr20",
        "CLR 2.0",
        include_str!("../../../suites/requirements/clr20.tsv"),
    ),
    (
        "case10",
        "CASE 1.0",
        include_str!("../../../suites/requirements/case10.tsv"),
    ),
    (
        "case11",
        "CASE 1.1",
        include_str!("../../../suites/requirements/case11.tsv"),
    ),
];

/// One row of a requirement table.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub id: String,
    pub level: String,
    pub clause: String,
    pub requirement: String,
    pub checks: Vec<String>,
}

impl Requirement {
    /// MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT: counted in coverage (SHOULD is listed only).
    pub fn mandatory(&self) -> bool {
        matches!(
            self.level.as_str(),
            "MUST" | "MUST NOT" | "REQUIRED" | "SHALL" | "SHALL NOT"
        )
    }
}

/// Reads one table (header line, `#` comments, five tab-separated columns).
pub fn parse_requirements(text: &str) -> Result<Vec<Requirement>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "id\tlevel\tclause\trequirement\tchecks")) => {}
        other => return Err(format!("bad header: {other:?}")),
    }
    let mut out = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, level, clause, requirement, checks] = cols[..] else {
            return Err(format!("line {}: {} columns, not 5", n + 1, cols.len()));
        };
        out.push(Requirement {
            id: id.into(),
            level: level.into(),
            clause: clause.into(),
            requirement: requirement.into(),
            checks: if checks == "-" {
                Vec::new()
            } else {
                checks.split(',').map(str::to_owned).collect()
            },
        });
    }
    Ok(out)
}

/// `--coverage`.
fn coverage(format: Format, gaps: bool) -> u8 {
    let mut doc = Vec::new();
    for (std, name, text) in REQUIREMENTS {
        let rows = match parse_requirements(text) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("suites/requirements/{std}.tsv: {e}");
                return 2;
            }
        };
        let mandatory: Vec<&Requirement> = rows.iter().filter(|r| r.mandatory()).collect();
        let covered = mandatory.iter().filter(|r| !r.checks.is_empty()).count();
        let missing: Vec<&&Requirement> =
            mandatory.iter().filter(|r| r.checks.is_empty()).collect();
        let pct = if mandatory.is_empty() {
            0.0
        } else {
            100.0 * covered as f64 / mandatory.len() as f64
        };
        match format {
            Format::Text => {
                println!(
                    "{name:<16} {covered:>4} of {:>4} mandatory requirements have a check ({pct:.0} %); {} recommendations listed",
                    mandatory.len(),
                    rows.len() - mandatory.len()
                );
                if gaps {
                    for r in &missing {
                        println!("    {:<44} {}\n    {:<44} {}", r.id, r.requirement, "", r.clause);
                    }
                }
            }
            Format::Json => doc.push(serde_json::json!({
                "standard": std,
                "name": name,
                "mandatory": mandatory.len(),
                "covered": covered,
                "percent": (pct * 10.0).round() / 10.0,
                "gaps": if gaps {
                    missing
                        .iter()
                        .map(|r| serde_json::json!({
                            "id": r.id, "level": r.level, "clause": r.clause, "requirement": r.requirement,
                        }))
                        .collect::<Vec<_>>()
                        .into()
                } else {
                    serde_json::Value::Null
                },
            })),
        }
    }
    if format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "coverage": doc }))
                .expect("plain data")
        );
    } else {
        println!(
            "\nthe tables: suites/requirements/ (one row per MUST, with its clause and checks)"
        );
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every check the harness runs is shown failing by some test or vector and passing by
    /// another (as the tests recorded it in reports/shown/).
    #[test]
    fn every_check_is_shown_failing_and_passing() {
        let shown = shown();
        let mut missing = Vec::new();
        for (group, defs) in all() {
            for c in defs {
                let s = shown.0.get(c.id).cloned().unwrap_or_default();
                if s.failing_by.is_empty() || s.passing_by.is_empty() {
                    missing.push(format!(
                        "{} ({group}): failing_by {}, passing_by {}",
                        c.id,
                        s.failing_by.len(),
                        s.passing_by.len()
                    ));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "checks not shown both ways:\n{}",
            missing.join("\n")
        );
    }

    /// Every record under reports/shown/ is embedded, and every record names known checks only.
    #[test]
    fn every_shown_file_is_embedded_and_names_known_checks() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reports/shown");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| {
                let n = e.ok()?.file_name().into_string().ok()?;
                n.strip_suffix(".json").map(str::to_owned)
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = SHOWN_FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, embedded, "reports/shown/ and SHOWN_FILES differ");
        let known: Vec<&str> = all()
            .into_iter()
            .flat_map(|(_, d)| d)
            .map(|d| d.id)
            .collect();
        for id in shown().0.keys() {
            assert!(
                known.contains(&id.as_str()),
                "reports/shown/ names an unknown check {id}"
            );
        }
    }

    /// The requirement tables parse, their ids are unique, and every check they name exists.
    #[test]
    fn requirement_tables_name_real_checks() {
        let known: Vec<&str> = all()
            .into_iter()
            .flat_map(|(_, d)| d)
            .map(|d| d.id)
            .collect();
        let mut ids = std::collections::BTreeSet::new();
        for (std, _, text) in REQUIREMENTS {
            let rows = parse_requirements(text).unwrap_or_else(|e| panic!("{std}: {e}"));
            assert!(rows.iter().filter(|r| r.mandatory()).count() > 20, "{std}");
            for r in rows {
                assert!(ids.insert(r.id.clone()), "{} twice", r.id);
                assert!(r.id.starts_with(&format!("{std}.req.")), "{}", r.id);
                assert!(r.clause.starts_with("https://"), "{}: {}", r.id, r.clause);
                for c in &r.checks {
                    assert!(known.contains(&c.as_str()), "{}: unknown check {c}", r.id);
                }
            }
        }
        assert!(parse_requirements("id\tlevel\nx").is_err());
        assert!(parse_requirements("id\tlevel\tclause\trequirement\tchecks\na\tMUST\tc").is_err());
    }
}
