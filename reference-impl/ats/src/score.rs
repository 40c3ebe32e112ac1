//! Matching and scoring, blind by construction: [`score`] takes a [`RedactedCandidate`], which
//! holds only which of the candidate's *verified* credentials carry which alignments. Names,
//! photos, birth dates, addresses, e-mail addresses and institution (issuer) names are not in
//! that type, so they cannot move a score.
//!
//! How evidence flows (the weights, also shown on the job page):
//!
//! | hop | weight |
//! |---|---|
//! | the alignment points at the required item itself | 1 |
//! | `exactMatchOf`, either direction | 1 |
//! | `isRelatedTo`, either direction | ½ |
//! | `isChildOf` / `isPartOf`, from the child (part) to its parent (whole) only | ½ |
//! | anything else (`precedes`, `isPeerOf`, …) | not followed |
//!
//! A path's weight is the product of its hops' weights (at most [`MAX_HOPS`] hops). Each
//! requirement scores the weight of its best path from any alignment of any counted credential
//! (the fewest hops among equals, then the first credential); the candidate's score is the
//! mean over the job's requirements, 0–100 %.

use serde::{Deserialize, Serialize};

use crate::case::Graph;

pub const W_EXACT: f64 = 1.0;
pub const W_RELATED: f64 = 0.5;
pub const W_PART: f64 = 0.5;
/// Longest association path followed.
pub const MAX_HOPS: usize = 4;

/// How much evidence crosses an association of `kind`: (origin → destination, destination →
/// origin); `None` where it is not followed.
pub fn hop_weight(kind: &str) -> (Option<f64>, Option<f64>) {
    match kind {
        "exactMatchOf" => (Some(W_EXACT), Some(W_EXACT)),
        "isRelatedTo" => (Some(W_RELATED), Some(W_RELATED)),
        "isChildOf" | "isPartOf" => (Some(W_PART), None),
        _ => (None, None),
    }
}

/// One alignment of a credential's achievement (or of a result description the learner has a
/// result for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AlignmentRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    /// The learner's result (value or achieved level) when the alignment is a result
    /// description's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// A credential as the scorer sees it: its position in the application and its alignments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactedCredential {
    pub credential: usize,
    pub alignments: Vec<AlignmentRef>,
}

/// A candidate as the scorer sees it: only verified, recipient-bound credentials, no person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RedactedCandidate {
    pub credentials: Vec<RedactedCredential>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub from: String,
    pub association: String,
    pub to: String,
    pub weight: f64,
}

/// Why a requirement scored what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The credential's position in the application.
    pub credential: usize,
    pub alignment: AlignmentRef,
    /// The aligned item.
    pub aligned_item: String,
    pub path: Vec<Hop>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementScore {
    pub item: String,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// 0–100.
    pub percent: f64,
    pub requirements: Vec<RequirementScore>,
    /// Alignments of counted credentials that point at nothing the ATS could resolve.
    pub unresolved: Vec<AlignmentRef>,
}

/// Scores a candidate against `requirements` (CASE item identifiers).
pub fn score(requirements: &[String], c: &RedactedCandidate, g: &Graph) -> Score {
    let mut best: Vec<RequirementScore> = requirements
        .iter()
        .map(|r| RequirementScore {
            item: r.clone(),
            score: 0.0,
            evidence: None,
        })
        .collect();
    let mut unresolved = Vec::new();
    for cred in &c.credentials {
        for a in &cred.alignments {
            let Some(start) = g.resolve(
                a.target_url.as_deref(),
                a.target_code.as_deref(),
                a.target_framework.as_deref(),
            ) else {
                unresolved.push(a.clone());
                continue;
            };
            let reach = reach(g, &start);
            for r in best.iter_mut() {
                if let Some((w, path)) = reach.get(&r.item) {
                    let better = *w > r.score
                        || (*w == r.score
                            && *w > 0.0
                            && r.evidence
                                .as_ref()
                                .is_some_and(|e| path.len() < e.path.len()));
                    if better {
                        r.score = *w;
                        r.evidence = Some(Evidence {
                            credential: cred.credential,
                            alignment: a.clone(),
                            aligned_item: start.clone(),
                            path: path.clone(),
                        });
                    }
                }
            }
        }
    }
    let percent = if best.is_empty() {
        0.0
    } else {
        100.0 * best.iter().map(|r| r.score).sum::<f64>() / best.len() as f64
    };
    Score {
        percent,
        requirements: best,
        unresolved,
    }
}

/// Best weight (and its path) from `start` to every item within [`MAX_HOPS`]; among equal
/// weights the path found first (fewest hops) is kept.
fn reach(g: &Graph, start: &str) -> std::collections::HashMap<String, (f64, Vec<Hop>)> {
    let mut best = std::collections::HashMap::new();
    best.insert(start.to_owned(), (1.0, Vec::new()));
    let mut frontier = vec![start.to_owned()];
    for _ in 0..MAX_HOPS {
        let mut next = Vec::new();
        for n in &frontier {
            let (w0, p0) = best[n].clone();
            for e in g.edges(n) {
                let w = w0 * e.weight;
                if best
                    .get(&e.to)
                    .is_none_or(|(old, _): &(f64, Vec<Hop>)| w > *old)
                {
                    let mut p = p0.clone();
                    p.push(Hop {
                        from: n.clone(),
                        association: e.association.clone(),
                        to: e.to.clone(),
                        weight: e.weight,
                    });
                    best.insert(e.to.clone(), (w, p));
                    next.push(e.to.clone());
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn graph() -> Graph {
        let item = |id: &str, code: &str| json!({"identifier": id, "uri": format!("http://c/ims/case/v1p0/CFItems/{id}"), "humanCodingScheme": code, "fullStatement": code});
        let assoc = |t: &str, a: &str, b: &str| json!({"associationType": t, "originNodeURI": {"identifier": a}, "destinationNodeURI": {"identifier": b}});
        Graph::from_packages(&[json!({
            "CFDocument": {"identifier": "d", "uri": "u", "title": "T"},
            "CFItems": [item("job", "J"), item("task", "J.1"), item("col", "C.1"), item("rel", "C.2"), item("far", "X")],
            "CFAssociations": [assoc("isChildOf", "task", "job"), assoc("exactMatchOf", "task", "col"), assoc("isRelatedTo", "job", "rel"), assoc("precedes", "far", "job")]
        })])
    }

    fn cand(urls: &[&str]) -> RedactedCandidate {
        RedactedCandidate {
            credentials: urls
                .iter()
                .enumerate()
                .map(|(i, u)| RedactedCredential {
                    credential: i,
                    alignments: vec![AlignmentRef {
                        target_url: Some(format!("http://c/ims/case/v1p0/CFItems/{u}")),
                        ..Default::default()
                    }],
                })
                .collect(),
        }
    }

    #[test]
    fn weights_follow_the_documented_table() {
        let g = graph();
        let reqs = vec!["job".to_string(), "task".to_string()];
        let s = score(&reqs, &cand(&["col"]), &g);
        assert_eq!(
            s.requirements[1].score, 1.0,
            "exactMatchOf, followed from its destination, counts fully"
        );
        assert_eq!(s.requirements[0].score, 0.5, "then isChildOf up: half");
        assert_eq!(s.percent, 75.0);
        let p = &s.requirements[0].evidence.as_ref().unwrap().path;
        assert_eq!(
            p.iter().map(|h| h.association.as_str()).collect::<Vec<_>>(),
            ["exactMatchOf", "isChildOf"]
        );
        // isRelatedTo: half; parent → child is not followed; precedes is not followed
        assert_eq!(score(&reqs, &cand(&["rel"]), &g).percent, 25.0);
        assert_eq!(
            score(&["task".to_string()], &cand(&["job"]), &g).percent,
            0.0
        );
        assert_eq!(
            score(&["job".to_string()], &cand(&["far"]), &g).percent,
            0.0
        );
        // the required item itself
        assert_eq!(
            score(&["job".to_string()], &cand(&["job"]), &g).percent,
            100.0
        );
        // unknown alignment: reported, not scored
        let s = score(&reqs, &cand(&["nope"]), &g);
        assert_eq!((s.percent, s.unresolved.len()), (0.0, 1));
    }
}
