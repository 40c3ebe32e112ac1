//! `case.package.uris`: every uri and link names the object it stands for.

use super::*;

pub fn uris(ix: &Index) -> CheckResult {
    let mut f = Findings {
        wrong: Bounded::new("inconsistent reference"),
        titles: Bounded::new("title differs from the item's labels"),
        unknown: Bounded::new("definition not in CFDefinitions"),
    };
    let mut n = 0usize;
    let doc = ix.pkg.document.get();

    let mut judge = |p: String, prop: &'static str, link: &Link<'_>| {
        let l = match link {
            Node::Absent => return,
            Node::Other => {
                n += 1;
                f.wrong
                    .push(|| (p, json!(format!("{prop} is not a LinkURI object"))));
                return;
            }
            Node::Obj(l) => l,
        };
        n += 1;
        judge_link(ix, doc, &p, prop, l, &mut f);
    };
    link_uris(ix.pkg, &mut judge);
    for (p, l) in subject_links(ix.pkg) {
        judge(p, "subjectURI", &Node::Obj(Box::new(l.clone())));
    }
    n += association_ends(ix, &mut f.wrong);
    let Findings {
        wrong,
        titles,
        unknown,
    } = f;
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

/// Association ends that resolve by identifier must carry the object's uri. Returns how many
/// ends were compared.
fn association_ends(ix: &Index, wrong: &mut Bounded) -> usize {
    let mut n = 0usize;
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
    n
}

/// The three kinds of finding of `case.package.uris`.
struct Findings {
    wrong: Bounded,
    titles: Bounded,
    unknown: Bounded,
}

/// Judges one LinkURI at `p` (property `prop`) against the object it names.
fn judge_link(
    ix: &Index,
    doc: Option<&wellspring_case::view::DocumentView>,
    p: &str,
    prop: &'static str,
    l: &LinkView,
    f: &mut Findings,
) {
    match prop {
        // Back-links to the package's own document (the package has no uri of its own, so
        // CFPackageURI's uri is not compared).
        "CFPackageURI" | "CFDocumentURI" => {
            if let Some(d) = doc {
                judge_document_link(d, p, prop, l, &mut f.wrong);
            }
        }
        "CFItemURI" => judge_item_link(ix, p, l, f),
        _ => judge_definition_link(ix, p, prop, l, f),
    }
}

/// Records a mismatch at `{p}/{what}` when the link and its target both have `what` and differ.
fn compare(wrong: &mut Bounded, p: &str, what: &str, have: Option<&str>, want: Option<&str>) {
    if let (Some(have), Some(want)) = (have, want) {
        if have != want {
            wrong.push(|| {
                (
                    format!("{p}/{what}"),
                    json!(format!("{what} is {have:?}, the target's is {want:?}")),
                )
            });
        }
    }
}

/// CFPackageURI / CFDocumentURI: names this package's CFDocument.
fn judge_document_link(
    d: &wellspring_case::view::DocumentView,
    p: &str,
    prop: &'static str,
    l: &LinkView,
    wrong: &mut Bounded,
) {
    let id = l.identifier.as_str();
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
        compare(wrong, p, "uri", l.uri.as_str(), d.uri.as_str());
    }
    compare(wrong, p, "title", l.title.as_str(), d.title.as_str());
}

/// CFItemURI (of a rubric criterion): names a CFItem of the package.
fn judge_item_link(ix: &Index, p: &str, l: &LinkView, f: &mut Findings) {
    let id = l.identifier.as_str();
    let target = id.and_then(|id| ix.get(id));
    let Some(t) = target.filter(|t| matches!(t.loc, Loc::Item(_))) else {
        f.wrong.push(|| {
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
    compare(&mut f.wrong, p, "uri", l.uri.as_str(), t.uri);
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
                f.titles.push(|| (format!("{p}/title"), json!(title)));
            }
        }
    }
}

/// A link to a definition (item type, license, concept, grouping, subject): names a
/// CFDefinitions object of that kind.
fn judge_definition_link(ix: &Index, p: &str, prop: &'static str, l: &LinkView, f: &mut Findings) {
    let kind = match prop {
        "CFItemTypeURI" => DefKind::ItemType,
        "licenseURI" => DefKind::License,
        "conceptKeywordsURI" => DefKind::Concept,
        "CFAssociationGroupingURI" => DefKind::Grouping,
        _ => DefKind::Subject,
    };
    let id = l.identifier.as_str();
    let Some(t) = id.and_then(|id| ix.get(id)) else {
        f.unknown.push(|| {
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
        f.wrong.push(|| {
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
    compare(&mut f.wrong, p, "uri", l.uri.as_str(), t.uri);
    compare(&mut f.wrong, p, "title", l.title.as_str(), t.title);
}

// ------------------------------------------------------------------------------------------
// case.package.dates
