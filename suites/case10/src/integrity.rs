//! The framework-integrity checks, judged on the lenient view of a package
//! (`wellspring_case::view`): identifiers, associations, hierarchy, references, dates.
//!
//! Everything is indexed once by identifier in hash maps; the hierarchy is walked with explicit
//! stacks (no recursion), so deep or huge hierarchies cost linear time and no call stack.

use std::collections::HashMap;

use serde_json::{json, Value};
use wellspring_case::datatypes::{is_date, is_date_time, uuid_problem};
use wellspring_case::view::{
    DefinitionView, DefinitionsView, Field, Link, LinkView, List, Node, PackageView,
};
use wellspring_report::{CheckDef, CheckResult, Verdict};

use crate::checks;

/// Most offending objects listed in a check's evidence; the total is always given.
mod associations;
mod dates;
mod hierarchy;
mod uris;

pub use associations::associations;
pub use dates::dates;
pub use hierarchy::hierarchy;
pub use uris::uris;

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
    /// Every kind, in package order.
    const ALL: [DefKind; 5] = [
        DefKind::Concept,
        DefKind::Subject,
        DefKind::License,
        DefKind::ItemType,
        DefKind::Grouping,
    ];

    /// Each kind with its list in `defs`.
    pub(crate) fn lists<'v, 'a>(
        defs: &'v DefinitionsView<'a>,
    ) -> impl Iterator<Item = (DefKind, &'v List<DefinitionView<'a>>)> {
        DefKind::ALL
            .into_iter()
            .filter_map(move |k| defs.by_kind(k.array()).map(|l| (k, l)))
    }

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
        let has_doc = node_records(pkg, &mut recs);
        let nodes = recs.len();
        other_records(pkg, &mut recs);
        let (by_id, dups) = by_identifier(&recs);
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

/// Records the hierarchy's nodes: the CFDocument (if any), then the items. Returns whether there
/// is a CFDocument.
fn node_records<'v>(pkg: &'v PackageView<'v>, recs: &mut Vec<Rec<'v>>) -> bool {
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
    has_doc
}

/// Records the other objects: associations, definitions, rubrics with their criteria and levels.
fn other_records<'v>(pkg: &'v PackageView<'v>, recs: &mut Vec<Rec<'v>>) {
    for (i, a) in pkg.associations.iter() {
        recs.push(Rec {
            loc: Loc::Association(i as u32),
            identifier: &a.identifier,
            uri: a.uri.as_str(),
            title: None,
        });
    }
    if let Some(defs) = pkg.definitions.get() {
        for (kind, list) in DefKind::lists(defs) {
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
}

/// Positions in `recs` by identifier (the first object wins), and the (duplicate, first) pairs.
fn by_identifier<'v>(recs: &[Rec<'v>]) -> (HashMap<&'v str, u32>, Vec<(u32, u32)>) {
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
    (by_id, dups)
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
