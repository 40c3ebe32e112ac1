//! `case.package.dates`: the dates of the package parse and make sense.

use super::*;

pub fn dates(ix: &Index) -> CheckResult {
    let pkg = ix.pkg;
    let mut bad = Bounded::new("invalid date");
    let mut order = Bounded::new("statusEndDate before statusStartDate");
    let mut n = last_change_dates(pkg, &mut bad);
    n += status_dates(pkg, &mut bad, &mut order);
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

/// Judges one lastChangeDateTime of the object at `p()`; counts it in `n` when present.
fn date_time(n: &mut usize, bad: &mut Bounded, p: &dyn Fn() -> String, f: &Field) {
    match f {
        Field::Absent => {}
        Field::Str(s) if is_date_time(s) => *n += 1,
        Field::Str(s) => {
            *n += 1;
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
            *n += 1;
            bad.push(|| (format!("{}/lastChangeDateTime", p()), json!("not a string")))
        }
    }
}

/// Every lastChangeDateTime of the package, in package order. Returns how many there were.
fn last_change_dates(pkg: &PackageView, bad: &mut Bounded) -> usize {
    let mut n = 0usize;
    if let Some(d) = pkg.document.get() {
        date_time(
            &mut n,
            bad,
            &|| "/CFDocument".into(),
            &d.last_change_date_time,
        );
    }
    for (i, it) in pkg.items.iter() {
        date_time(
            &mut n,
            bad,
            &|| format!("/CFItems/{i}"),
            &it.last_change_date_time,
        );
    }
    for (i, a) in pkg.associations.iter() {
        date_time(
            &mut n,
            bad,
            &|| format!("/CFAssociations/{i}"),
            &a.last_change_date_time,
        );
    }
    if let Some(defs) = pkg.definitions.get() {
        for (kind, list) in DefKind::lists(defs) {
            for (i, d) in list.iter() {
                let p = || Loc::Definition(kind, i as u32).pointer();
                date_time(&mut n, bad, &p, &d.last_change_date_time);
            }
        }
    }
    for (r, rb) in pkg.rubrics.iter() {
        let r = r as u32;
        let rp = || Loc::Rubric(r).pointer();
        date_time(&mut n, bad, &rp, &rb.last_change_date_time);
        for (c, cr) in rb.criteria.iter() {
            let c = c as u32;
            let cp = || Loc::Criterion(r, c).pointer();
            date_time(&mut n, bad, &cp, &cr.last_change_date_time);
            for (l, lv) in cr.levels.iter() {
                let lp = || Loc::Level(r, c, l as u32).pointer();
                date_time(&mut n, bad, &lp, &lv.last_change_date_time);
            }
        }
    }
    n
}

/// The statusStartDate / statusEndDate of the document and the items. Returns how many dates
/// there were.
fn status_dates(pkg: &PackageView, bad: &mut Bounded, order: &mut Bounded) -> usize {
    let mut n = 0usize;
    if let Some(d) = pkg.document.get() {
        let p = "/CFDocument".to_owned();
        n += status(&p, &d.status_start_date, &d.status_end_date, bad, order);
    }
    for (i, it) in pkg.items.iter() {
        if it.status_start_date != Field::Absent || it.status_end_date != Field::Absent {
            let p = format!("/CFItems/{i}");
            n += status(&p, &it.status_start_date, &it.status_end_date, bad, order);
        }
    }
    n
}

/// One object's status dates, at `p`. Returns how many were present.
fn status(p: &str, start: &Field, end: &Field, bad: &mut Bounded, order: &mut Bounded) -> usize {
    let mut n = 0usize;
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
    n
}
