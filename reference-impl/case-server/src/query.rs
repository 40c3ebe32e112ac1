//! The six query parameters of getAllCFDocuments (CASE 1.0 OpenAPI `/CFDocuments`; the binding's
//! "Using the Endpoint Parameters" section: pagination, sorting, filtering, field selection).

use std::cmp::Ordering;

use serde_json::{Map, Value};

/// The properties of a (standalone) CFDocument, CASE 1.0 `CFPckgDocument.Type` + `CFPackageURI`.
pub const DOCUMENT_FIELDS: &[&str] = &[
    "identifier",
    "uri",
    "creator",
    "title",
    "lastChangeDateTime",
    "officialSourceURL",
    "publisher",
    "description",
    "subject",
    "subjectURI",
    "language",
    "version",
    "adoptionStatus",
    "statusStartDate",
    "statusEndDate",
    "licenseURI",
    "notes",
    "CFPackageURI",
];

/// CFDocument properties that hold a LinkURI (or an array of them) and so allow `field.sub` paths.
const LINK_FIELDS: &[&str] = &["subjectURI", "licenseURI", "CFPackageURI"];
const LINK_PARTS: &[&str] = &["title", "identifier", "uri"];

pub const DEFAULT_LIMIT: u64 = 100;

/// A rejected parameter: which one, and why (goes into the imsx_StatusInfo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub param: &'static str,
    pub message: String,
}

fn bad(param: &'static str, message: impl Into<String>) -> ParamError {
    ParamError {
        param,
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocQuery {
    pub limit: u64,
    pub offset: u64,
    /// `None` when absent or naming no CFDocument field (the binding: "the data is returned in the
    /// service provider's default sort order").
    pub sort: Option<String>,
    pub order: Option<Order>,
    pub filter: Option<Filter>,
    /// `None` = every field.
    pub fields: Option<Vec<String>>,
    /// The parameters other than limit/offset, as received, for building Link URLs.
    pub passthrough: Vec<(String, String)>,
}

impl DocQuery {
    /// Parses a raw query string. Unknown parameter names are not CASE parameters and are ignored;
    /// a CASE parameter given twice is refused (which one would win is not defined).
    pub fn parse(raw: Option<&str>) -> Result<DocQuery, ParamError> {
        let mut q = DocQuery {
            limit: DEFAULT_LIMIT,
            offset: 0,
            sort: None,
            order: None,
            filter: None,
            fields: None,
            passthrough: Vec::new(),
        };
        let mut seen: Vec<&'static str> = Vec::new();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let (k, v) = (k.into_owned(), v.into_owned());
            let Some(name) = case_param(&k) else {
                continue;
            };
            if seen.contains(&name) {
                return Err(bad(name, format!("'{name}' is given more than once")));
            }
            seen.push(name);
            q.set(name, k, v)?;
        }
        Ok(q)
    }

    /// Applies one CASE parameter; all but limit and offset are kept for the Link URLs.
    fn set(&mut self, name: &'static str, k: String, v: String) -> Result<(), ParamError> {
        match name {
            // OpenAPI: integer, int32, minimum 1
            "limit" => self.limit = bounded_int("limit", &v, 1)?,
            // OpenAPI: integer, int32, minimum 0
            "offset" => self.offset = bounded_int("offset", &v, 0)?,
            "sort" => {
                if v.is_empty() {
                    return Err(bad("sort", "sort is empty"));
                }
                if field_known(&v) {
                    self.sort = Some(v.clone());
                }
            }
            "orderBy" => self.order = Some(parse_order(&v)?),
            "filter" => self.filter = Some(Filter::parse(&v)?),
            _ => self.fields = parse_fields(&v)?,
        }
        if !matches!(name, "limit" | "offset") {
            self.passthrough.push((k, v));
        }
        Ok(())
    }

    /// Filters, sorts, counts and pages `docs`; returns the page (with field selection applied) and the
    /// total number of matching documents.
    pub fn apply(&self, mut docs: Vec<Value>) -> (Vec<Value>, usize) {
        if let Some(f) = &self.filter {
            docs.retain(|d| f.matches(d));
        }
        if let Some(field) = &self.sort {
            let desc = self.order == Some(Order::Desc);
            // stable sort: documents with equal keys keep the default order
            docs.sort_by(|a, b| {
                let (ka, kb) = (sort_key(a, field), sort_key(b, field));
                // documents without the field go last either way
                match (ka, kb) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) => {
                        let o = x.cmp(&y);
                        if desc {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                }
            });
        } else if self.order == Some(Order::Desc) {
            docs.reverse();
        }
        let total = docs.len();
        let start = (self.offset as usize).min(total);
        let end = start.saturating_add(self.limit as usize).min(total);
        let page = docs[start..end]
            .iter()
            .map(|d| match (&self.fields, d) {
                (Some(fields), Value::Object(m)) => {
                    let kept: Map<String, Value> = m
                        .iter()
                        .filter(|(k, _)| fields.iter().any(|f| f == *k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    Value::Object(kept)
                }
                _ => d.clone(),
            })
            .collect();
        (page, total)
    }

    /// RFC 8288 `Link` header value with first/prev/next/last for this request, and `total` results.
    /// `collection_url` is the absolute URL of `/CFDocuments` without a query.
    pub fn link_header(&self, collection_url: &str, total: usize) -> String {
        let total = total as u64;
        let limit = self.limit;
        let last = if total == 0 {
            0
        } else {
            (total - 1) / limit * limit
        };
        let url = |offset: u64| {
            let mut s = String::from(collection_url);
            s.push('?');
            for (k, v) in &self.passthrough {
                s.push_str(&encode(k));
                s.push('=');
                s.push_str(&encode(v));
                s.push('&');
            }
            s.push_str(&format!("limit={limit}&offset={offset}"));
            s
        };
        let mut links = vec![format!("<{}>; rel=\"first\"", url(0))];
        if self.offset > 0 {
            links.push(format!(
                "<{}>; rel=\"prev\"",
                url(self.offset.saturating_sub(limit))
            ));
        }
        if self.offset + limit < total {
            links.push(format!("<{}>; rel=\"next\"", url(self.offset + limit)));
        }
        links.push(format!("<{}>; rel=\"last\"", url(last)));
        links.join(", ")
    }
}

fn encode(s: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const QUERY: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(s, QUERY).to_string()
}

/// The CASE parameter a query parameter name is, if any.
fn case_param(k: &str) -> Option<&'static str> {
    ["limit", "offset", "sort", "orderBy", "filter", "fields"]
        .into_iter()
        .find(|name| *name == k)
}

/// An int32 parameter of at least `min`.
fn bounded_int(name: &'static str, v: &str, min: i64) -> Result<u64, ParamError> {
    parse_int(v)
        .filter(|n| (min..=i32::MAX as i64).contains(n))
        .map(|n| n as u64)
        .ok_or_else(|| {
            bad(
                name,
                format!("{name} must be an integer from {min} to 2147483647, got '{v}'"),
            )
        })
}

fn parse_order(v: &str) -> Result<Order, ParamError> {
    match v {
        "asc" => Ok(Order::Asc),
        "desc" => Ok(Order::Desc),
        _ => Err(bad(
            "orderBy",
            format!("orderBy must be 'asc' or 'desc', got '{v}'"),
        )),
    }
}

/// The `fields` list; `None` (every field) when it names a non-existent field.
fn parse_fields(v: &str) -> Result<Option<Vec<String>>, ParamError> {
    let list: Vec<String> = v.split(',').map(|s| s.trim().to_string()).collect();
    if list.iter().any(String::is_empty) {
        return Err(bad("fields", "fields contains a blank field name"));
    }
    // "If the consumer requests that data be selected using non-existent field, ALL data
    // for the record is returned."
    Ok(list
        .iter()
        .all(|f| DOCUMENT_FIELDS.contains(&f.as_str()))
        .then_some(list))
}

fn parse_int(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    s.parse().ok()
}

/// Whether `path` names a CFDocument field: a property, or `link.part` for a LinkURI property.
pub fn field_known(path: &str) -> bool {
    match path.split_once('.') {
        None => DOCUMENT_FIELDS.contains(&path),
        Some((head, part)) => LINK_FIELDS.contains(&head) && LINK_PARTS.contains(&part),
    }
}

/// The values at `path` in a document, as strings: an array gives each element, a missing field none.
fn values_at(doc: &Value, path: &str) -> Option<Vec<String>> {
    let (head, part) = match path.split_once('.') {
        Some((h, p)) => (h, Some(p)),
        None => (path, None),
    };
    let v = doc.get(head)?;
    let pick = |x: &Value| -> Option<String> {
        let x = match part {
            Some(p) => x.get(p)?,
            None => x,
        };
        match x {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        }
    };
    Some(match v {
        Value::Array(list) => list.iter().filter_map(pick).collect(),
        one => vec![pick(one)?],
    })
}

/// Sort key: the case-folded value (array elements joined by commas).
fn sort_key(doc: &Value, field: &str) -> Option<String> {
    values_at(doc, field).map(|vs| vs.join(",").to_lowercase())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pred {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Contains,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub field: String,
    pub pred: Pred,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logic {
    And,
    Or,
}

/// `<field><pred>'<value>'` clauses joined by one kind of logical operator (` AND ` or ` OR `).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub clauses: Vec<Clause>,
    pub logic: Logic,
}

impl Filter {
    pub fn parse(s: &str) -> Result<Filter, ParamError> {
        let mut clauses = Vec::new();
        let mut logic: Option<Logic> = None;
        let mut rest = s;
        loop {
            let (clause, after) = Clause::parse(rest, s)?;
            clauses.push(clause);
            rest = after;
            if rest.is_empty() {
                break;
            }
            let (op, after) = logic_op(rest)?;
            match logic {
                Some(l) if l != op => {
                    return Err(bad(
                        "filter",
                        "mixing AND and OR in one filter is not supported",
                    ));
                }
                _ => logic = Some(op),
            }
            rest = after;
        }
        Ok(Filter {
            clauses,
            logic: logic.unwrap_or(Logic::And),
        })
    }

    pub fn matches(&self, doc: &Value) -> bool {
        let mut results = self.clauses.iter().map(|c| c.matches(doc));
        match self.logic {
            Logic::And => results.all(|r| r),
            Logic::Or => results.any(|r| r),
        }
    }
}

/// The logical operator at the start of `rest`, and what follows it.
fn logic_op(rest: &str) -> Result<(Logic, &str), ParamError> {
    if let Some(after) = rest.strip_prefix(" AND ") {
        Ok((Logic::And, after))
    } else if let Some(after) = rest.strip_prefix(" OR ") {
        Ok((Logic::Or, after))
    } else {
        Err(bad(
            "filter",
            format!("expected ' AND ' or ' OR ' before '{rest}'"),
        ))
    }
}

/// The predicate at the start of `after`, and what follows it.
fn predicate<'s>(after: &'s str, filter: &str) -> Result<(Pred, &'s str), ParamError> {
    [
        ("!=", Pred::Ne),
        (">=", Pred::Ge),
        ("<=", Pred::Le),
        ("=", Pred::Eq),
        (">", Pred::Gt),
        ("<", Pred::Lt),
        ("~", Pred::Contains),
    ]
    .iter()
    .find_map(|(tok, p)| after.strip_prefix(tok).map(|rest| (*p, rest)))
    .ok_or_else(|| bad("filter", format!("unknown predicate in filter '{filter}'")))
}

impl Clause {
    /// Parses the clause at the start of `rest` (a part of `filter`); returns it and what follows.
    fn parse<'s>(rest: &'s str, filter: &str) -> Result<(Clause, &'s str), ParamError> {
        let s = filter;
        // field: up to the first predicate character
        let at = rest.find(['=', '!', '>', '<', '~']).ok_or_else(|| {
            bad(
                "filter",
                format!("no predicate (= != > >= < <= ~) in filter '{s}'"),
            )
        })?;
        let field = rest[..at].trim();
        if field.is_empty() {
            return Err(bad(
                "filter",
                format!("a clause of filter '{s}' has no field"),
            ));
        }
        if !field_known(field) {
            // the binding names this 'invalid_filter_field', a token the CASE 1.0 codeMinor enum lacks
            return Err(bad(
                "filter",
                format!("'{field}' is not a CFDocument field (invalid_filter_field)"),
            ));
        }
        let (pred, after) = predicate(&rest[at..], s)?;
        let Some(quoted) = after.strip_prefix('\'') else {
            return Err(bad(
                "filter",
                format!("the value after '{field}' must be in single quotes"),
            ));
        };
        let close = quoted.find('\'').ok_or_else(|| {
            bad(
                "filter",
                format!("unterminated quoted value in filter '{s}'"),
            )
        })?;
        let clause = Clause {
            field: field.to_string(),
            pred,
            value: quoted[..close].to_string(),
        };
        Ok((clause, &quoted[close + 1..]))
    }

    fn matches(&self, doc: &Value) -> bool {
        let wanted = self.value.to_lowercase();
        let Some(values) = values_at(doc, &self.field) else {
            // an absent field equals nothing and so differs from everything
            return self.pred == Pred::Ne;
        };
        let values: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
        let is_array = doc
            .get(self.field.split('.').next().unwrap_or(""))
            .is_some_and(Value::is_array);
        match self.pred {
            // arrays: '=' compares the whole list ("AND semantics"), '~' any listed value ("OR semantics")
            Pred::Eq | Pred::Ne => {
                let equal = if is_array {
                    let mut a: Vec<&str> = wanted.split(',').map(str::trim).collect();
                    let mut b: Vec<&str> = values.iter().map(|s| s.as_str()).collect();
                    a.sort_unstable();
                    a.dedup();
                    b.sort_unstable();
                    b.dedup();
                    a == b
                } else {
                    values.contains(&wanted)
                };
                equal == (self.pred == Pred::Eq)
            }
            Pred::Contains => {
                let parts: Vec<&str> = if is_array {
                    wanted.split(',').map(str::trim).collect()
                } else {
                    vec![&wanted]
                };
                values.iter().any(|v| parts.iter().any(|p| v.contains(p)))
            }
            Pred::Gt | Pred::Ge | Pred::Lt | Pred::Le => values.iter().any(|v| {
                let o = compare(v, &wanted);
                match self.pred {
                    Pred::Gt => o == Ordering::Greater,
                    Pred::Ge => o != Ordering::Less,
                    Pred::Lt => o == Ordering::Less,
                    _ => o != Ordering::Greater,
                }
            }),
        }
    }
}

/// Numbers compare as numbers; anything else (ISO 8601 dates included) as case-folded text.
fn compare(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_binding_examples() {
        let f =
            Filter::parse("version='1.0' AND lastChangeDateTime>'2016-12-12T00:00:00Z'").unwrap();
        assert_eq!(f.clauses.len(), 2);
        assert_eq!(f.logic, Logic::And);
        assert_eq!(f.clauses[1].pred, Pred::Gt);
        assert!(Filter::parse("licenseURI.title~'cc'").is_ok());
        assert!(Filter::parse("nosuch='x'").is_err());
        assert!(Filter::parse("title=x").is_err());
        assert!(Filter::parse("title='a' AND creator='b' OR version='c'").is_err());
        assert!(Filter::parse("title='a' XOR creator='b'").is_err());
    }

    #[test]
    fn array_semantics_follow_the_binding() {
        let d = json!({"subject": ["subject1", "subject2", "subject3"]});
        let m = |s: &str| Filter::parse(s).unwrap().matches(&d);
        assert!(!m("subject='subject1'"));
        assert!(!m("subject='subject1,subject2'"));
        assert!(m("subject='subject1,subject2,subject3'"));
        assert!(m("subject~'subject1'"));
        assert!(m("subject~'subject1,subject2'"));
        assert!(m("subject~'SUBJECT1,subject2,subject3'"));
    }

    #[test]
    fn query_parameters_are_checked() {
        assert!(DocQuery::parse(Some("limit=0")).is_err());
        assert!(DocQuery::parse(Some("limit=-1")).is_err());
        assert!(DocQuery::parse(Some("limit=abc")).is_err());
        assert!(DocQuery::parse(Some("offset=-1")).is_err());
        assert!(DocQuery::parse(Some("orderBy=up")).is_err());
        assert!(DocQuery::parse(Some("fields=")).is_err());
        assert!(DocQuery::parse(Some("fields=title,,uri")).is_err());
        assert!(DocQuery::parse(Some("limit=1&limit=2")).is_err());
        let q = DocQuery::parse(Some("fields=title,nosuch&sort=nosuch")).unwrap();
        assert_eq!(q.fields, None);
        assert_eq!(q.sort, None);
        let q = DocQuery::parse(Some("limit=2&offset=4")).unwrap();
        let link = q.link_header("http://h/ims/case/v1p0/CFDocuments", 7);
        assert_eq!(
            link,
            "<http://h/ims/case/v1p0/CFDocuments?limit=2&offset=0>; rel=\"first\", \
             <http://h/ims/case/v1p0/CFDocuments?limit=2&offset=2>; rel=\"prev\", \
             <http://h/ims/case/v1p0/CFDocuments?limit=2&offset=6>; rel=\"next\", \
             <http://h/ims/case/v1p0/CFDocuments?limit=2&offset=6>; rel=\"last\""
        );
    }
}
