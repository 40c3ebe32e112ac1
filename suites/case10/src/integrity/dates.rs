//! `case.package.dates`: the dates of the package parse and make sense.

use super::*;

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
