//! The matrix as data: columns (implementations), rows (checks), cells (a verdict with its
//! message and evidence), the cross-implementation cells, and the runs that could not happen.
//! This is the JSON report; the HTML, JUnit and EARL renderings are made from it, and
//! `merge` combines the JSON of sharded runs into one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wellspring_report::{CheckResult, DocReport, Verdict};

use crate::registry::Implementation;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    pub tool: String,
    pub version: String,
    /// When the run (or the latest merged run) finished, RFC 3339.
    pub generated: String,
    pub implementations: Vec<Column>,
    pub checks: Vec<Row>,
    /// implementation id → check id → cell.
    pub cells: BTreeMap<String, BTreeMap<String, Cell>>,
    /// issuer × verifier cells.
    #[serde(default)]
    pub interop: Vec<InteropCell>,
    /// implementation id → runs that could not happen ("standard/role: why").
    #[serde(default)]
    pub errors: BTreeMap<String, Vec<String>>,
    /// How the run was made: commit, command line, options, duration (absent in matrices
    /// written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunInfo>,
}

/// What makes a matrix reproducible: the exact tool and how it was called.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    /// The source commit of the tool.
    pub commit: String,
    /// The command line, secrets masked.
    pub command_line: String,
    /// The options that change verdicts (`--tags`, `--shard`, `--timeout`,
    /// `--allow-private-network`; for a merge, the files merged).
    pub options: BTreeMap<String, Value>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub tags: Vec<String>,
    /// "standard/role" of every claim.
    pub claims: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub id: String,
    pub clause: String,
    pub title: String,
    /// "standard/role" the check belongs to.
    pub group: String,
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// pass | fail | warn | skip
    pub verdict: Verdict,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InteropCell {
    pub issuer: String,
    pub credential: String,
    /// An implementation id, or `wellspring` for our own core.
    pub verifier: String,
    pub verdict: Verdict,
    pub message: String,
}

/// What a cell says when there is none: the claim was not made, or its run failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    NotClaimed,
    NotRun,
}

/// Checks that test a feature the spec makes optional (a MAY/SHOULD, or an optional
/// endpoint): shown differently, and their failure is reported as such.
pub fn is_optional(id: &str) -> bool {
    wellspring_report::level_of(id) == wellspring_report::Level::Optional
}

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Skip => 0,
        Verdict::Pass => 1,
        Verdict::Warn => 2,
        Verdict::Fail => 3,
    }
}

fn evidence_of(c: &CheckResult) -> Vec<Value> {
    c.evidence
        .iter()
        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
        .collect()
}

impl Matrix {
    pub fn new() -> Self {
        Matrix {
            tool: "wellspring".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            generated: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            implementations: Vec::new(),
            checks: Vec::new(),
            cells: BTreeMap::new(),
            interop: Vec::new(),
            errors: BTreeMap::new(),
            run: None,
        }
    }

    pub fn add_column(&mut self, imp: &Implementation) {
        self.implementations.push(Column {
            id: imp.id.clone(),
            name: imp.name.clone(),
            vendor: imp.vendor.clone(),
            tags: imp.tags.clone(),
            claims: imp
                .claims
                .iter()
                .map(|c| format!("{}/{}", c.standard, c.role))
                .collect(),
        });
    }

    /// Records the top-level checks of `reports` (one claim's run) for implementation `imp`.
    /// The same check seen more than once (several documents) keeps the worst verdict.
    pub fn record(&mut self, imp: &str, group: &str, reports: &[DocReport]) {
        let row_cells = self.cells.entry(imp.to_owned()).or_default();
        for r in reports {
            for c in &r.checks {
                if !self.checks.iter().any(|row| row.id == c.id) {
                    self.checks.push(Row {
                        id: c.id.to_owned(),
                        clause: c.clause.to_owned(),
                        title: c.title.to_owned(),
                        group: group.to_owned(),
                        optional: is_optional(c.id),
                    });
                }
                let msg = if reports.len() > 1 {
                    format!("{}: {}", r.subject, c.message)
                } else {
                    c.message.clone()
                };
                match row_cells.get_mut(c.id) {
                    Some(cell) if rank(cell.verdict) >= rank(c.verdict) => {}
                    _ => {
                        row_cells.insert(
                            c.id.to_owned(),
                            Cell {
                                verdict: c.verdict,
                                message: msg,
                                evidence: evidence_of(c),
                            },
                        );
                    }
                }
            }
        }
    }

    pub fn error(&mut self, imp: &str, what: String) {
        self.errors.entry(imp.to_owned()).or_default().push(what);
    }

    /// Sorted, so equal runs give equal JSON whatever the order work finished in.
    pub fn normalize(&mut self) {
        self.implementations.sort_by(|a, b| a.id.cmp(&b.id));
        self.checks
            .sort_by(|a, b| (&a.group, &a.id).cmp(&(&b.group, &b.id)));
        self.checks.dedup_by(|a, b| a.id == b.id);
        self.interop.sort_by(|a, b| {
            (&a.issuer, &a.credential, &a.verifier).cmp(&(&b.issuer, &b.credential, &b.verifier))
        });
        for e in self.errors.values_mut() {
            e.sort();
        }
    }

    /// The cell of (implementation, check), or why there is none.
    pub fn cell(&self, imp: &str, check: &str) -> Result<&Cell, Empty> {
        if let Some(c) = self.cells.get(imp).and_then(|m| m.get(check)) {
            return Ok(c);
        }
        let group = self
            .checks
            .iter()
            .find(|r| r.id == check)
            .map(|r| r.group.as_str());
        let claimed = self
            .implementations
            .iter()
            .find(|c| c.id == imp)
            .is_some_and(|c| group.is_some_and(|g| c.claims.iter().any(|x| x == g)));
        Err(if claimed {
            Empty::NotRun
        } else {
            Empty::NotClaimed
        })
    }

    /// Did every check pass (and every run happen)? An optional feature that is not offered
    /// is skipped, not failed.
    pub fn passed(&self) -> bool {
        self.errors.values().all(Vec::is_empty)
            // an optional feature that is offered but broken fails too
            && self.cells.values().flat_map(|m| m.values()).all(|c| c.verdict != Verdict::Fail)
            && self.interop.iter().all(|c| c.verdict != Verdict::Fail)
    }

    /// Failed cells as "implementation check" strings, sorted (tests compare these).
    pub fn failed_cells(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .cells
            .iter()
            .flat_map(|(imp, m)| {
                m.iter()
                    .filter(|(_, c)| c.verdict == Verdict::Fail)
                    .map(move |(id, _)| format!("{imp} {id}"))
            })
            .collect();
        out.sort();
        out
    }
}

impl Default for Matrix {
    fn default() -> Self {
        Self::new()
    }
}

/// Combines partial results (e.g. CI shards) into one. The same implementation in two
/// inputs is an error: shards are disjoint.
pub fn merge(parts: Vec<Matrix>) -> Result<Matrix, String> {
    let mut out = Matrix::new();
    out.generated = String::new();
    for p in parts {
        if p.generated > out.generated {
            out.generated = p.generated.clone();
        }
        for col in p.implementations {
            if out.implementations.iter().any(|c| c.id == col.id) {
                return Err(format!(
                    "implementation {} appears in two inputs: merge takes disjoint shards",
                    col.id
                ));
            }
            out.implementations.push(col);
        }
        for row in p.checks {
            if !out.checks.iter().any(|r| r.id == row.id) {
                out.checks.push(row);
            }
        }
        out.cells.extend(p.cells);
        out.interop.extend(p.interop);
        for (k, v) in p.errors {
            out.errors.entry(k).or_default().extend(v);
        }
    }
    out.normalize();
    Ok(out)
}
