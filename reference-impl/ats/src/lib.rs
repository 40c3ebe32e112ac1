//! The Wellspring Talent Search / ATS (issue 8): employers post jobs whose requirements are items
//! of a CASE 1.0 job-skill framework fetched from any CASE provider; candidates apply with a
//! signed VerifiablePresentation (the reference wallet's "Share") or a CLR; every credential is
//! verified by the Wellspring core; candidates are ranked by how much of each job's
//! requirements their verified credentials evidence, following CASE associations across
//! frameworks — blind (the scorer takes a [`score::RedactedCandidate`]) and explainable (each
//! requirement names the credential, the alignment, the association path and the result).
//!
//! Modules: [`case`] (fetching, cache, graph), [`intake`] (verification, binding, what counts),
//! [`score`] (weights, matching), [`store`] (SQLite), [`server`] (API, pages, VC-API verify).

pub mod case;
pub mod intake;
pub mod score;
pub mod server;
pub mod store;
mod web;

/// One application's place in a job's ranking.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ranked {
    pub application: i64,
    pub received: String,
    /// Credentials that count / all credentials in the application.
    pub counted: usize,
    pub total: usize,
    pub score: score::Score,
}

/// Ranks a job's applications from what is stored (no network): best score first, then the
/// earlier application. Only the redacted view of each application reaches the scorer.
pub fn rank(
    store: &store::Store,
    job: &store::Job,
    graph: &case::Graph,
) -> Result<Vec<Ranked>, String> {
    let mut out = Vec::new();
    for a in store.applications(job.id)? {
        let rows = store.credentials(a.id)?;
        let redacted = intake::redact(
            rows.iter()
                .map(|r| (r.index, r.counts, r.alignments.as_slice())),
        );
        out.push(Ranked {
            application: a.id,
            received: a.received.clone(),
            counted: rows.iter().filter(|r| r.counts).count(),
            total: rows.len(),
            score: score::score(&job.requirements, &redacted, graph),
        });
    }
    out.sort_by(|a, b| {
        b.score
            .percent
            .total_cmp(&a.score.percent)
            .then(a.application.cmp(&b.application))
    });
    Ok(out)
}
