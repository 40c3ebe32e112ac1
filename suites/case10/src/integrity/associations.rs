//! `case.package.associations`: every association's ends, inside the package or outside it.

use super::*;

/// How an association end relates to the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// Its identifier is an object of the package.
    Inside,
    /// Neither its identifier nor its uri is in the package.
    Outside,
    /// Unusable (no identifier) or contradictory (its uri is an object of the package, its
    /// identifier is not).
    Dangling(&'static str),
}

pub(super) fn classify(ix: &Index, uris: &HashMap<&str, u32>, link: &Link) -> End {
    let Node::Obj(l) = link else {
        return End::Dangling("missing or not a LinkGenURI object");
    };
    let Some(id) = l.identifier.as_str() else {
        return End::Dangling("no identifier");
    };
    if ix.by_id.contains_key(id) {
        return End::Inside;
    }
    match l.uri.as_str() {
        Some(u) if uris.contains_key(u) => {
            End::Dangling("its uri is an object of this package, but its identifier is not")
        }
        _ => End::Outside,
    }
}

pub fn associations(ix: &Index) -> CheckResult {
    let mut uris: HashMap<&str, u32> = HashMap::with_capacity(ix.recs.len());
    for (n, r) in ix.recs.iter().enumerate() {
        if let Some(u) = r.uri {
            uris.entry(u).or_insert(n as u32);
        }
    }
    let mut dangling = Bounded::new("dangling reference");
    let mut outside = Bounded::new("reference outside the package");
    let mut n = 0usize;
    for (i, a) in ix.pkg.associations.iter() {
        n += 1;
        let ends = [
            ("originNodeURI", &a.origin, classify(ix, &uris, &a.origin)),
            (
                "destinationNodeURI",
                &a.destination,
                classify(ix, &uris, &a.destination),
            ),
        ];
        let both_outside = ends.iter().all(|e| e.2 == End::Outside);
        for (name, link, end) in ends {
            let shown = |why: &str| {
                let l = link.get();
                json!({
                    "identifier": l.and_then(|l| l.identifier.as_str()),
                    "uri": l.and_then(|l| l.uri.as_str()),
                    "why": why,
                })
            };
            match end {
                End::Inside => {}
                End::Dangling(why) => {
                    dangling.push(|| (format!("/CFAssociations/{i}/{name}"), shown(why)))
                }
                End::Outside if both_outside => dangling.push(|| {
                    (
                        format!("/CFAssociations/{i}/{name}"),
                        shown("neither end of this association is an object of this package"),
                    )
                }),
                End::Outside => outside.push(|| {
                    (
                        format!("/CFAssociations/{i}/{name}"),
                        shown("not an object of this package (allowed: LinkGenURI may name objects of other frameworks)"),
                    )
                }),
            }
        }
    }
    let verdict = if dangling.count > 0 {
        Verdict::Fail
    } else if outside.count > 0 {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    let message = if verdict == Verdict::Pass {
        format!("{n} associations, every end resolves inside the package")
    } else {
        format!("{} (of {n} associations)", summary(&[&dangling, &outside]))
    };
    result(
        &checks::ASSOCIATIONS,
        verdict,
        message,
        &[&dangling, &outside],
    )
}

// ------------------------------------------------------------------------------------------
// case.package.hierarchy
