//! `wellspring checks`: every check the harness runs, by stable ID, with its spec clause.

use clap::Args;
use wellspring_report::CheckDef;
use wellspring_suite_ob30::issuer::IssuerStandard as Std;
use wellspring_suite_ob30::{consumer, displayer, issuer, provider};

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
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct ChecksArgs {
    /// Only checks whose ID starts with this.
    prefix: Option<String>,
    /// Print only the IDs.
    #[arg(long)]
    ids: bool,
}

/// Every check, grouped, in report order (no duplicates).
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
        (
            "CASE 1.0 provider (certify --standard case10 --role provider)".into(),
            wellspring_suite_case10::provider::checks::ALL.to_vec(),
        ),
    ];
    for (std, name) in [(Std::Ob30, "OB 3.0"), (Std::Clr20, "CLR 2.0")] {
        let label = |role: &str| format!("{name} {role}");
        groups.push((label("issuer"), issuer::checks(std).to_vec()));
        groups.push((label("displayer"), displayer::checks(std).to_vec()));
        groups.push((
            label("service provider read/write"),
            provider::checks(std, provider::Role::Write),
        ));
        // the write role leaves out the read role's calls: list both
        let mut consumer_checks = consumer::checks(std, consumer::Role::Read);
        for c in consumer::checks(std, consumer::Role::Write) {
            if !consumer_checks.iter().any(|d| d.id == c.id) {
                consumer_checks.push(c);
            }
        }
        groups.push((label("service consumer read/write"), consumer_checks));
    }
    groups
}

pub fn run(a: ChecksArgs) -> u8 {
    let prefix = a.prefix.unwrap_or_default();
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
