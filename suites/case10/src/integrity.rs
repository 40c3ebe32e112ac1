//! The framework-integrity checks, judged on the lenient view of a package
//! (`wellspring_case::view`): identifiers, associations, hierarchy, references, dates.
//!
//! Everything is indexed once by identifier in hash maps; the hierarchy is walked with explicit
//! stacks (no recursion), so deep or huge hierarchies cost linear time and no call stack.

use std::collections::HashMap;

use serde_json::{json, Value};
use wellspring_case::datatypes::{is_date, is_date_time, uuid_problem};
use wellspring_case::view::{Field, Link, LinkView, List, Node, PackageView};
use wellspring_report::{CheckDef, CheckResult, Verdict};

use crate::checks;

/// Most offending objects listed in a check's evidence; the total is always given.
pub const EVIDENCE_LIMIT: usize = 20;

/// Where an object sits in the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loc {
    Document,
    Item(u32),
    Association(u32),
    Definition(DefKind, u32),
    Rubric(u32),
    Criterion(u32, u32),
    Level(u32, u32, u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    Concept,
    Subject,
    License,
    ItemType,
    Grouping,
}

impl DefKind {
    fn array(self) -> &'static str {
        match self {
            DefKind::Concept => "CFConcepts",
            DefKind::Subject => "CFSubjects",
            DefKind::License => "CFLicenses",
            DefKind::ItemType => "CFItemTypes",
            DefKind::Grouping => "CFAssociationGroupings",
        }
    }
}

impl Loc {
    pub fn pointer(self) -> String {
        match self {
            Loc::Document => "/CFDocument".into(),
            Loc::Item(i) => format!("/CFItems/{i}"),
            Loc::Association(i) => format!("/CFAssociations/{i}"),
            Loc::Definition(k, i) => format!("/CFDefinitions/{}/{i}", k.array()),
            Loc::Rubric(r) => format!("/CFRubrics/{r}"),
            Loc::Criterion(r, c) => format!("/CFRubrics/{r}/CFRubricCriteria/{c}"),
            Loc::Level(r, c, l) => {
                format!("/CFRubrics/{r}/CFRubricCriteria/{c}/CFRubricCriterionLevels/{l}")
            }
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Loc::Document => "CFDocument",
            Loc::Item(_) => "CFItem",
            Loc::Association(_) => "CFAssociation",
            Loc::Definition(DefKind::Concept, _) => "CFConcept",
            Loc::Definition(DefKind::Subject, _) => "CFSubject",
            Loc::Definition(DefKind::License, _) => "CFLicense",
            Loc::Definition(DefKind::ItemType, _) => "CFItemType",
            Loc::Definition(DefKind::Grouping, _) => "CFAssociationGrouping",
            Loc::Rubric(_) => "CFRubric",
            Loc::Criterion(..) => "CFRubricCriterion",
            Loc::Level(..) => "CFRubricCriterionLevel",
        }
    }
}

/// The first [`EVIDENCE_LIMIT`] findings of one kind, and how many there were.
pub struct Bounded {
    pub label: &'static str,
    pub count: usize,
    pub first: Vec<(String, Value)>,
}

impl Bounded {
    pub fn new(label: &'static str) -> Self {
        Bounded {
            label,
            count: 0,
            first: Vec::new(),
        }
    }

    /// Records a finding; the pointer and value are only built while there is room.
    pub fn push(&mut self, f: impl FnOnce() -> (String, Value)) {
        self.count += 1;
        if self.first.len() < EVIDENCE_LIMIT {
            self.first.push(f());
        }
    }

    fn attach(&self, mut r: CheckResult) -> CheckResult {
        if self.count == 0 {
            return r;
        }
        for (p, v) in &self.first {
            r = r.at(p, self.label, v.clone());
        }
        if self.count > self.first.len() {
            r = r.with(
                self.label,
                format!("… and {} more", self.count - self.first.len()),
            );
        }
        r
    }
}

fn result(def: &CheckDef, verdict: Verdict, message: String, groups: &[&Bounded]) -> CheckResult {
    let mut r = CheckResult::new(def, verdict, message);
    for g in groups {
        r = g.attach(r);
    }
    r
}

fn summary(groups: &[&Bounded]) -> String {
    groups
        .iter()
        .filter(|g| g.count > 0)
        .map(|g| format!("{} {}", g.count, g.label))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An object of the package that has an identifier property.
#[derive(Clone, Copy)]
struct Rec<'v> {
    loc: Loc,
    identifier: &'v Field<'v>,
    uri: Option<&'v str>,
    title: Option<&'v str>,
}

/// The package indexed by identifier (the first object with an identifier wins) and the
/// duplicates found on the way.
pub struct Index<'v> {
    pkg: &'v PackageView<'v>,
    /// Every object, in package order: the CFDocument (if any), the items, then the rest.
    recs: Vec<Rec<'v>>,
    /// How many of `recs` are the CFDocument and the items (the hierarchy's nodes).
    nodes: usize,
    has_doc: bool,
    by_id: HashMap<&'v str, u32>,
    /// (duplicate, first) positions in `recs`.
    dups: Vec<(u32, u32)>,
}

impl<'v> Index<'v> {
    pub fn new(pkg: &'v PackageView<'v>) -> Self {
        let mut recs: Vec<Rec> = Vec::with_capacity(1 + pkg.items.len() + pkg.associations.len());
        let has_doc = if let Some(d) = pkg.document.get() {
            recs.push(Rec {
                loc: Loc::Document,
                identifier: &d.identifier,
                uri: d.uri.as_str(),
                title: d.title.as_str(),
            });
            true
        } else {
            false
        };
        for (i, it) in pkg.items.iter() {
            recs.push(Rec {
                loc: Loc::Item(i as u32),
                identifier: &it.identifier,
                uri: it.uri.as_str(),
                title: None,
            });
        }
        let nodes = recs.len();
        for (i, a) in pkg.associations.iter() {
            recs.push(Rec {
                loc: Loc::Association(i as u32),
                identifier: &a.identifier,
                uri: a.uri.as_str(),
                title: None,
            });
        }
        if let Some(defs) = pkg.definitions.get() {
            for (kind, list) in [
                (DefKind::Concept, &defs.concepts),
                (DefKind::Subject, &defs.subjects),
                (DefKind::License, &defs.licenses),
                (DefKind::ItemType, &defs.item_types),
                (DefKind::Grouping, &defs.groupings),
            ] {
                for (i, d) in list.iter() {
                    recs.push(Rec {
                        loc: Loc::Definition(kind, i as u32),
                        identifier: &d.identifier,
                        uri: d.uri.as_str(),
                        title: d.title.as_str(),
                    });
                }
            }
        }
        for (r, rb) in pkg.rubrics.iter() {
            let r = r as u32;
            recs.push(Rec {
                loc: Loc::Rubric(r),
                identifier: &rb.identifier,
                uri: rb.uri.as_str(),
                title: rb.title.as_str(),
            });
            for (c, cr) in rb.criteria.iter() {
                let c = c as u32;
                recs.push(Rec {
                    loc: Loc::Criterion(r, c),
                    identifier: &cr.identifier,
                    uri: cr.uri.as_str(),
                    title: None,
                });
                for (l, lv) in cr.levels.iter() {
                    recs.push(Rec {
                        loc: Loc::Level(r, c, l as u32),
                        identifier: &lv.identifier,
                        uri: lv.uri.as_str(),
                        title: None,
                    });
                }
            }
        }
        let mut by_id: HashMap<&str, u32> = HashMap::with_capacity(recs.len());
        let mut dups = Vec::new();
        for (n, r) in recs.iter().enumerate() {
            if let Some(id) = r.identifier.as_str() {
                match by_id.entry(id) {
                    std::collections::hash_map::Entry::Occupied(first) => {
                        dups.push((n as u32, *first.get()))
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(n as u32);
                    }
                }
            }
        }
        Index {
            pkg,
            recs,
            nodes,
            has_doc,
            by_id,
            dups,
        }
    }

    fn get(&self, id: &str) -> Option<&Rec<'v>> {
        self.by_id.get(id).map(|&n| &self.recs[n as usize])
    }

    fn item(&self, i: u32) -> Option<&'v wellspring_case::view::ItemView<'v>> {
        match &self.pkg.items {
            List::Items(v) => v.get(i as usize).and_then(Option::as_ref),
            _ => None,
        }
    }
}

/// Every LinkURI of the package (not association ends): where, which property, the link.
fn link_uris<'v>(pkg: &'v PackageView<'v>, mut f: impl FnMut(String, &'static str, &'v Link<'v>)) {
    if let Some(d) = pkg.document.get() {
        f(
            "/CFDocument/CFPackageURI".into(),
            "CFPackageURI",
            &d.cf_package_uri,
        );
        f(
            "/CFDocument/licenseURI".into(),
            "licenseURI",
            &d.license_uri,
        );
    }
    for (i, it) in pkg.items.iter() {
        f(
            format!("/CFItems/{i}/CFDocumentURI"),
            "CFDocumentURI",
            &it.cf_document_uri,
        );
        f(
            format!("/CFItems/{i}/CFItemTypeURI"),
            "CFItemTypeURI",
            &it.cf_item_type_uri,
        );
        f(
            format!("/CFItems/{i}/licenseURI"),
            "licenseURI",
            &it.license_uri,
        );
        f(
            format!("/CFItems/{i}/conceptKeywordsURI"),
            "conceptKeywordsURI",
            &it.concept_keywords_uri,
        );
    }
    for (i, a) in pkg.associations.iter() {
        f(
            format!("/CFAssociations/{i}/CFDocumentURI"),
            "CFDocumentURI",
            &a.cf_document_uri,
        );
        f(
            format!("/CFAssociations/{i}/CFAssociationGroupingURI"),
            "CFAssociationGroupingURI",
            &a.grouping_uri,
        );
    }
    for (r, rb) in pkg.rubrics.iter() {
        for (c, cr) in rb.criteria.iter() {
            f(
                format!("/CFRubrics/{r}/CFRubricCriteria/{c}/CFItemURI"),
                "CFItemURI",
                &cr.cf_item_uri,
            );
        }
    }
}

/// The subjectURI array of the document holds LinkViews directly (not `Link`s).
fn subject_links<'v>(pkg: &'v PackageView<'v>) -> Vec<(String, &'v LinkView<'v>)> {
    pkg.document
        .get()
        .map(|d| {
            d.subject_uri
                .iter()
                .map(|(i, l)| (format!("/CFDocument/subjectURI/{i}"), l))
                .collect()
        })
        .unwrap_or_default()
}

// ------------------------------------------------------------------------------------------
// case.package.identifiers

pub fn identifiers(ix: &Index) -> CheckResult {
    let mut bad = Bounded::new("not a CASE UUID");
    let mut dups = Bounded::new("duplicate identifier");
    for r in &ix.recs {
        let at = || format!("{}/identifier", r.loc.pointer());
        match r.identifier {
            Field::Str(s) => {
                if let Some(why) = uuid_problem(s) {
                    bad.push(|| (at(), json!(format!("{s:?}: {why}"))));
                }
            }
            Field::Absent => bad.push(|| (at(), json!("missing"))),
            Field::Other => bad.push(|| (at(), json!("not a string"))),
        }
    }
    for &(dup, first) in &ix.dups {
        let (d, f) = (&ix.recs[dup as usize], &ix.recs[first as usize]);
        dups.push(|| {
            (
                format!("{}/identifier", d.loc.pointer()),
                json!(format!(
                    "{} ({}) is already the identifier of the {} at {}",
                    d.identifier.as_str().unwrap_or(""),
                    d.loc.kind(),
                    f.loc.kind(),
                    f.loc.pointer()
                )),
            )
        });
    }
    // LinkURI identifiers are UUID.Type too (association ends are LinkGenURI: any string).
    let mut check_link = |p: String, l: &LinkView| {
        if let Some(s) = l.identifier.as_str() {
            if let Some(why) = uuid_problem(s) {
                bad.push(|| (format!("{p}/identifier"), json!(format!("{s:?}: {why}"))));
            }
        }
    };
    link_uris(ix.pkg, |p, _, link| {
        if let Node::Obj(l) = link {
            check_link(p, l);
        }
    });
    for (p, l) in subject_links(ix.pkg) {
        check_link(p, l);
    }
    let objects = ix.recs.len();
    if bad.count == 0 && dups.count == 0 {
        return CheckResult::new(
            &checks::IDENTIFIERS,
            Verdict::Pass,
            format!("{objects} identifiers, all CASE UUIDs, all distinct"),
        );
    }
    result(
        &checks::IDENTIFIERS,
        Verdict::Fail,
        format!("{} (of {objects} objects)", summary(&[&bad, &dups])),
        &[&bad, &dups],
    )
}

// ------------------------------------------------------------------------------------------
// case.package.associations

/// How an association end relates to the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Its identifier is an object of the package.
    Inside,
    /// Neither its identifier nor its uri is in the package.
    Outside,
    /// Unusable (no identifier) or contradictory (its uri is an object of the package, its
    /// identifier is not).
    Dangling(&'static str),
}

fn classify(ix: &Index, uris: &HashMap<&str, u32>, link: &Link) -> End {
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

/// A compact adjacency list (compressed rows).
struct Graph {
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
fn cycles(g: &Graph, nodes: usize) -> Vec<Vec<u32>> {
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
    let node = |l: &Link| -> Option<u32> {
        l.get()
            .and_then(|l| l.identifier.as_str())
            .and_then(|id| ix.by_id.get(id).copied())
            .filter(|&n| (n as usize) < nodes)
    };
    let id_of = |v: u32| ix.recs[v as usize].identifier.as_str().unwrap_or("");
    let mut edges: Vec<(u32, u32)> = Vec::new();
    let mut misplaced = Bounded::new("isChildOf with the CFDocument as child");
    let mut outward = Bounded::new("item whose parent is outside the package");
    let mut n_child = 0usize;
    for (i, a) in ix.pkg.associations.iter() {
        if a.association_type.as_str() != Some("isChildOf") {
            continue;
        }
        n_child += 1;
        match (node(&a.origin), node(&a.destination)) {
            (Some(0), _) if ix.has_doc => misplaced.push(|| {
                (
                    format!("/CFAssociations/{i}/originNodeURI"),
                    json!("the CFDocument is the root; it cannot be the child of anything"),
                )
            }),
            (Some(c), Some(p)) => edges.push((c, p)),
            (Some(c), None) => outward.push(|| {
                (
                    format!("/CFAssociations/{i}/destinationNodeURI"),
                    json!(format!(
                        "parent of {} is not an object of this package",
                        id_of(c)
                    )),
                )
            }),
            _ => {}
        }
    }
    // Orphans: items the CFDocument does not reach walking parent → children.
    let down = Graph::new(nodes, &edges, true);
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
            orphans.push(|| (r.loc.pointer(), json!(id_of(v as u32))));
        }
    }
    let up = Graph::new(nodes, &edges, false);
    let mut cyc = Bounded::new("isChildOf cycle");
    for scc in cycles(&up, nodes) {
        cyc.push(|| {
            let ids: Vec<&str> = scc.iter().take(EVIDENCE_LIMIT).map(|&v| id_of(v)).collect();
            let mut shown = json!({"length": scc.len(), "identifiers": ids});
            if scc.len() > EVIDENCE_LIMIT {
                shown["more"] = json!(scc.len() - EVIDENCE_LIMIT);
            }
            (ix.recs[scc[0] as usize].loc.pointer(), shown)
        });
    }
    let groups = [&cyc, &orphans, &misplaced, &outward];
    let items = nodes - first_item;
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

// ------------------------------------------------------------------------------------------
// case.package.uris

pub fn uris(ix: &Index) -> CheckResult {
    let mut wrong = Bounded::new("inconsistent reference");
    let mut titles = Bounded::new("title differs from the item's labels");
    let mut unknown = Bounded::new("definition not in CFDefinitions");
    let mut n = 0usize;
    let doc = ix.pkg.document.get();

    let mut judge = |p: String, prop: &'static str, link: &Link<'_>| {
        let l = match link {
            Node::Absent => return,
            Node::Other => {
                n += 1;
                wrong.push(|| (p, json!(format!("{prop} is not a LinkURI object"))));
                return;
            }
            Node::Obj(l) => l,
        };
        n += 1;
        judge_link(ix, doc, &p, prop, l, &mut wrong, &mut titles, &mut unknown);
    };
    link_uris(ix.pkg, &mut judge);
    for (p, l) in subject_links(ix.pkg) {
        judge(p, "subjectURI", &Node::Obj(Box::new(l.clone())));
    }
    // Association ends that resolve by identifier must carry the object's uri.
    for (i, a) in ix.pkg.associations.iter() {
        for (name, link) in [
            ("originNodeURI", &a.origin),
            ("destinationNodeURI", &a.destination),
        ] {
            let Some(l) = link.get() else { continue };
            let Some(target) = l.identifier.as_str().and_then(|id| ix.get(id)) else {
                continue;
            };
            n += 1;
            if let (Some(have), Some(want)) = (l.uri.as_str(), target.uri) {
                if have != want {
                    wrong.push(|| {
                        (
                            format!("/CFAssociations/{i}/{name}/uri"),
                            json!(format!(
                                "{have} but the {} at {} has uri {want}",
                                target.loc.kind(),
                                target.loc.pointer()
                            )),
                        )
                    });
                }
            }
        }
    }
    let verdict = if wrong.count > 0 {
        Verdict::Fail
    } else if titles.count + unknown.count > 0 {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    let groups = [&wrong, &unknown, &titles];
    let message = if verdict == Verdict::Pass {
        format!("{n} references, each names an object of the package with its uri and title")
    } else {
        format!("{} (of {n} references)", summary(&groups))
    };
    result(&checks::URIS, verdict, message, &groups)
}

#[allow(clippy::too_many_arguments)]
fn judge_link(
    ix: &Index,
    doc: Option<&wellspring_case::view::DocumentView>,
    p: &str,
    prop: &'static str,
    l: &LinkView,
    wrong: &mut Bounded,
    titles: &mut Bounded,
    unknown: &mut Bounded,
) {
    let id = l.identifier.as_str();
    let mismatch = |what: &str, have: &str, want: &str| {
        json!(format!("{what} is {have:?}, the target's is {want:?}"))
    };
    match prop {
        // Back-links to the package's own document (the package has no uri of its own, so
        // CFPackageURI's uri is not compared).
        "CFPackageURI" | "CFDocumentURI" => {
            let Some(d) = doc else { return };
            let want_id = d.identifier.as_str().unwrap_or("");
            if id != Some(want_id) {
                wrong.push(|| {
                    (
                        format!("{p}/identifier"),
                        json!(format!(
                            "{prop} names {:?}, but this package's CFDocument is {want_id:?}",
                            id.unwrap_or("")
                        )),
                    )
                });
                return;
            }
            if prop == "CFDocumentURI" {
                if let (Some(have), Some(want)) = (l.uri.as_str(), d.uri.as_str()) {
                    if have != want {
                        wrong.push(|| (format!("{p}/uri"), mismatch("uri", have, want)));
                    }
                }
            }
            if let (Some(have), Some(want)) = (l.title.as_str(), d.title.as_str()) {
                if have != want {
                    wrong.push(|| (format!("{p}/title"), mismatch("title", have, want)));
                }
            }
        }
        "CFItemURI" => {
            let target = id.and_then(|id| ix.get(id));
            let Some(t) = target.filter(|t| matches!(t.loc, Loc::Item(_))) else {
                wrong.push(|| {
                    (
                        format!("{p}/identifier"),
                        json!(format!(
                            "{:?} is not a CFItem of this package",
                            id.unwrap_or("")
                        )),
                    )
                });
                return;
            };
            if let (Some(have), Some(want)) = (l.uri.as_str(), t.uri) {
                if have != want {
                    wrong.push(|| (format!("{p}/uri"), mismatch("uri", have, want)));
                }
            }
            // Items have no title: a link's title is one of their labels (OpenSALT uses the
            // humanCodingScheme, then the abbreviated or full statement).
            if let (Some(title), Loc::Item(i)) = (l.title.as_str(), t.loc) {
                if let Some(item) = ix.item(i) {
                    let labels = [
                        &item.human_coding_scheme,
                        &item.abbreviated_statement,
                        &item.full_statement,
                        &item.alternative_label,
                    ];
                    if !labels.iter().any(|f| f.as_str() == Some(title)) {
                        titles.push(|| (format!("{p}/title"), json!(title)));
                    }
                }
            }
        }
        _ => {
            let kind = match prop {
                "CFItemTypeURI" => DefKind::ItemType,
                "licenseURI" => DefKind::License,
                "conceptKeywordsURI" => DefKind::Concept,
                "CFAssociationGroupingURI" => DefKind::Grouping,
                _ => DefKind::Subject,
            };
            let Some(t) = id.and_then(|id| ix.get(id)) else {
                unknown.push(|| {
                    (
                        format!("{p}/identifier"),
                        json!(format!(
                            "{:?} is not in CFDefinitions/{}",
                            id.unwrap_or(""),
                            kind.array()
                        )),
                    )
                });
                return;
            };
            if t.loc.kind() != Loc::Definition(kind, 0).kind() {
                wrong.push(|| {
                    (
                        format!("{p}/identifier"),
                        json!(format!(
                            "{prop} names the {} at {}, not a {}",
                            t.loc.kind(),
                            t.loc.pointer(),
                            Loc::Definition(kind, 0).kind()
                        )),
                    )
                });
                return;
            }
            if let (Some(have), Some(want)) = (l.uri.as_str(), t.uri) {
                if have != want {
                    wrong.push(|| (format!("{p}/uri"), mismatch("uri", have, want)));
                }
            }
            if let (Some(have), Some(want)) = (l.title.as_str(), t.title) {
                if have != want {
                    wrong.push(|| (format!("{p}/title"), mismatch("title", have, want)));
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// case.package.dates

pub fn dates(ix: &Index) -> CheckResult {
    let pkg = ix.pkg;
    let mut bad = Bounded::new("invalid date");
    let mut order = Bounded::new("statusEndDate before statusStartDate");
    let mut n = 0usize;
    let mut date_time = |p: &dyn Fn() -> String, f: &Field| match f {
        Field::Absent => {}
        Field::Str(s) if is_date_time(s) => n += 1,
        Field::Str(s) => {
            n += 1;
            bad.push(|| {
                (
                    format!("{}/lastChangeDateTime", p()),
                    json!(format!(
                        "{s:?} is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm))"
                    )),
                )
            })
        }
        Field::Other => {
            n += 1;
            bad.push(|| (format!("{}/lastChangeDateTime", p()), json!("not a string")))
        }
    };
    if let Some(d) = pkg.document.get() {
        date_time(&|| "/CFDocument".into(), &d.last_change_date_time);
    }
    for (i, it) in pkg.items.iter() {
        date_time(&|| format!("/CFItems/{i}"), &it.last_change_date_time);
    }
    for (i, a) in pkg.associations.iter() {
        date_time(&|| format!("/CFAssociations/{i}"), &a.last_change_date_time);
    }
    if let Some(defs) = pkg.definitions.get() {
        for (kind, list) in [
            (DefKind::Concept, &defs.concepts),
            (DefKind::Subject, &defs.subjects),
            (DefKind::License, &defs.licenses),
            (DefKind::ItemType, &defs.item_types),
            (DefKind::Grouping, &defs.groupings),
        ] {
            for (i, d) in list.iter() {
                date_time(
                    &|| Loc::Definition(kind, i as u32).pointer(),
                    &d.last_change_date_time,
                );
            }
        }
    }
    for (r, rb) in pkg.rubrics.iter() {
        date_time(
            &|| Loc::Rubric(r as u32).pointer(),
            &rb.last_change_date_time,
        );
        for (c, cr) in rb.criteria.iter() {
            date_time(
                &|| Loc::Criterion(r as u32, c as u32).pointer(),
                &cr.last_change_date_time,
            );
            for (l, lv) in cr.levels.iter() {
                date_time(
                    &|| Loc::Level(r as u32, c as u32, l as u32).pointer(),
                    &lv.last_change_date_time,
                );
            }
        }
    }
    let mut status = |p: String, start: &Field, end: &Field| {
        for (name, f) in [("statusStartDate", start), ("statusEndDate", end)] {
            match f {
                Field::Absent => {}
                Field::Str(s) if is_date(s) => n += 1,
                Field::Str(s) => {
                    n += 1;
                    bad.push(|| {
                        (
                            format!("{p}/{name}"),
                            json!(format!("{s:?} is not a date (YYYY-MM-DD)")),
                        )
                    })
                }
                Field::Other => {
                    n += 1;
                    bad.push(|| (format!("{p}/{name}"), json!("not a string")))
                }
            }
        }
        if let (Some(s), Some(e)) = (start.as_str(), end.as_str()) {
            if is_date(s) && is_date(e) && e < s {
                order.push(|| {
                    (
                        format!("{p}/statusEndDate"),
                        json!(format!("{e} is before {s}")),
                    )
                });
            }
        }
    };
    if let Some(d) = pkg.document.get() {
        status(
            "/CFDocument".into(),
            &d.status_start_date,
            &d.status_end_date,
        );
    }
    for (i, it) in pkg.items.iter() {
        if it.status_start_date != Field::Absent || it.status_end_date != Field::Absent {
            status(
                format!("/CFItems/{i}"),
                &it.status_start_date,
                &it.status_end_date,
            );
        }
    }
    let verdict = if bad.count > 0 {
        Verdict::Fail
    } else if order.count > 0 {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    let message = if verdict == Verdict::Pass {
        format!("{n} dates, all valid")
    } else {
        format!("{} (of {n} dates)", summary(&[&bad, &order]))
    };
    result(&checks::DATES, verdict, message, &[&bad, &order])
}
