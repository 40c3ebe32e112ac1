//! `case.package.hierarchy`: the isChildOf graph — no cycles, no orphans.

use super::*;

/// A compact adjacency list (compressed rows).
pub(super) struct Graph {
    start: Vec<u32>,
    to: Vec<u32>,
}

impl Graph {
    fn new(nodes: usize, edges: &[(u32, u32)], reverse: bool) -> Self {
        let mut start = vec![0u32; nodes + 1];
        for &(a, b) in edges {
            let from = if reverse { b } else { a };
            start[from as usize + 1] += 1;
        }
        for i in 0..nodes {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut to = vec![0u32; edges.len()];
        for &(a, b) in edges {
            let (from, dest) = if reverse { (b, a) } else { (a, b) };
            to[fill[from as usize] as usize] = dest;
            fill[from as usize] += 1;
        }
        Graph { start, to }
    }

    fn next(&self, v: u32) -> &[u32] {
        &self.to[self.start[v as usize] as usize..self.start[v as usize + 1] as usize]
    }
}

/// Strongly connected components that are cycles (more than one node, or a self-loop), found
/// with Tarjan's algorithm driven by an explicit stack.
pub(super) fn cycles(g: &Graph, nodes: usize) -> Vec<Vec<u32>> {
    const NONE: u32 = u32::MAX;
    let mut index = vec![NONE; nodes];
    let mut low = vec![0u32; nodes];
    let mut on_stack = vec![false; nodes];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let mut counter = 0u32;
    let mut found = Vec::new();
    for s in 0..nodes as u32 {
        if index[s as usize] != NONE {
            continue;
        }
        index[s as usize] = counter;
        low[s as usize] = counter;
        counter += 1;
        stack.push(s);
        on_stack[s as usize] = true;
        calls.push((s, g.start[s as usize]));
        while let Some(&mut (v, ref mut e)) = calls.last_mut() {
            if *e < g.start[v as usize + 1] {
                let w = g.to[*e as usize];
                *e += 1;
                if index[w as usize] == NONE {
                    index[w as usize] = counter;
                    low[w as usize] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w as usize] = true;
                    calls.push((w, g.start[w as usize]));
                } else if on_stack[w as usize] {
                    low[v as usize] = low[v as usize].min(index[w as usize]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u as usize] = low[u as usize].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                let mut scc = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w as usize] = false;
                    scc.push(w);
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 || g.next(v).contains(&v) {
                    scc.reverse();
                    found.push(scc);
                }
            }
        }
    }
    found
}

pub fn hierarchy(ix: &Index) -> CheckResult {
    // Nodes are the first `ix.nodes` records: the CFDocument (node 0, when present) and the
    // items. References resolve to the first object with an identifier.
    let nodes = ix.nodes;
    let edges = child_edges(ix);
    let orphans = orphans(ix, &edges.edges);
    let cyc = cycle_findings(ix, &edges.edges);
    let (misplaced, outward, n_child) = (edges.misplaced, edges.outward, edges.n_child);
    let groups = [&cyc, &orphans, &misplaced, &outward];
    let items = nodes - usize::from(ix.has_doc);
    if cyc.count + orphans.count + misplaced.count == 0 {
        return CheckResult::new(
            &checks::HIERARCHY,
            Verdict::Pass,
            format!(
                "{items} items, {n_child} isChildOf, no cycle, every item reaches the CFDocument"
            ),
        );
    }
    result(
        &checks::HIERARCHY,
        Verdict::Fail,
        format!("{} ({items} items, {n_child} isChildOf)", summary(&groups)),
        &groups,
    )
}

/// The isChildOf associations between nodes of the package, and those that cannot be edges.
struct ChildEdges {
    /// (child, parent) node pairs.
    edges: Vec<(u32, u32)>,
    misplaced: Bounded,
    outward: Bounded,
    /// How many isChildOf associations there are.
    n_child: usize,
}

/// The identifier of node `v` ("" when it has none).
fn id_of<'v>(ix: &Index<'v>, v: u32) -> &'v str {
    ix.recs[v as usize].identifier.as_str().unwrap_or("")
}

fn child_edges(ix: &Index) -> ChildEdges {
    let nodes = ix.nodes;
    let node = |l: &Link| -> Option<u32> {
        l.get()
            .and_then(|l| l.identifier.as_str())
            .and_then(|id| ix.by_id.get(id).copied())
            .filter(|&n| (n as usize) < nodes)
    };
    let mut e = ChildEdges {
        edges: Vec::new(),
        misplaced: Bounded::new("isChildOf with the CFDocument as child"),
        outward: Bounded::new("item whose parent is outside the package"),
        n_child: 0,
    };
    for (i, a) in ix.pkg.associations.iter() {
        if a.association_type.as_str() != Some("isChildOf") {
            continue;
        }
        e.n_child += 1;
        match (node(&a.origin), node(&a.destination)) {
            (Some(0), _) if ix.has_doc => e.misplaced.push(|| {
                (
                    format!("/CFAssociations/{i}/originNodeURI"),
                    json!("the CFDocument is the root; it cannot be the child of anything"),
                )
            }),
            (Some(c), Some(p)) => e.edges.push((c, p)),
            (Some(c), None) => e.outward.push(|| {
                (
                    format!("/CFAssociations/{i}/destinationNodeURI"),
                    json!(format!(
                        "parent of {} is not an object of this package",
                        id_of(ix, c)
                    )),
                )
            }),
            _ => {}
        }
    }
    e
}

/// Orphans: items the CFDocument does not reach walking parent → children.
fn orphans(ix: &Index, edges: &[(u32, u32)]) -> Bounded {
    let nodes = ix.nodes;
    let down = Graph::new(nodes, edges, true);
    let mut reached = vec![false; nodes];
    if ix.has_doc {
        let mut todo = vec![0u32];
        reached[0] = true;
        while let Some(v) = todo.pop() {
            for &w in down.next(v) {
                if !reached[w as usize] {
                    reached[w as usize] = true;
                    todo.push(w);
                }
            }
        }
    }
    let first_item = usize::from(ix.has_doc);
    let mut orphans = Bounded::new("orphan item (does not reach the CFDocument)");
    for (v, r) in ix.recs[..nodes].iter().enumerate().skip(first_item) {
        // A second object with an already-used identifier is reported by
        // case.package.identifiers; references can never reach it.
        let canonical = r
            .identifier
            .as_str()
            .is_some_and(|id| ix.by_id.get(id) == Some(&(v as u32)));
        if !reached[v] && canonical {
            orphans.push(|| (r.loc.pointer(), json!(id_of(ix, v as u32))));
        }
    }
    orphans
}

/// The isChildOf cycles, each shown by its first node.
fn cycle_findings(ix: &Index, edges: &[(u32, u32)]) -> Bounded {
    let up = Graph::new(ix.nodes, edges, false);
    let mut cyc = Bounded::new("isChildOf cycle");
    for scc in cycles(&up, ix.nodes) {
        cyc.push(|| {
            let ids: Vec<&str> = scc
                .iter()
                .take(EVIDENCE_LIMIT)
                .map(|&v| id_of(ix, v))
                .collect();
            let mut shown = json!({"length": scc.len(), "identifiers": ids});
            if scc.len() > EVIDENCE_LIMIT {
                shown["more"] = json!(scc.len() - EVIDENCE_LIMIT);
            }
            (ix.recs[scc[0] as usize].loc.pointer(), shown)
        });
    }
    cyc
}

// ------------------------------------------------------------------------------------------
// case.package.uris
