//! The twelve CASE GET endpoints, served for CASE 1.0 (basePath `/ims/case/v1p0`) and CASE 1.1
//! (`/ims/case/v1p1`, with its discovery file), and the token endpoint. Every handler learns its
//! version from the `Version` extension its router carries.

use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::auth::{BearerError, TokenError};
use crate::query::DocQuery;
use crate::store::{self, Store};
use crate::version::Version;
use crate::AppState;

/// The CASE 1.0 base path.
pub const BASE_PATH: &str = "/ims/case/v1p0";

type V = Extension<Version>;

/// An `imsx_StatusInfo` failure: HTTP status, codeMinor value (CASE 1.0 `imsx_CodeMinorField.Type`
/// / CASE 1.1 `imsx_CodeMinorFieldDType` enum), the name of what it is about, and a description.
pub struct Failure {
    status: StatusCode,
    code_minor: &'static str,
    field: String,
    description: String,
}

impl Failure {
    pub fn new(
        status: StatusCode,
        code_minor: &'static str,
        field: &str,
        description: impl Into<String>,
    ) -> Failure {
        Failure {
            status,
            code_minor,
            field: field.to_string(),
            description: description.into(),
        }
    }

    fn internal(e: impl std::fmt::Display) -> Failure {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "server",
            e.to_string(),
        )
    }
}

/// The body every CASE error carries (CASE 1.0 `imsx_StatusInfo.Type`; codeMajor/severity are
/// failure/error for every error response in the OpenAPI).
pub fn status_info(code_minor: &str, field: &str, description: &str) -> Value {
    json!({
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                { "imsx_codeMinorFieldName": field, "imsx_codeMinorFieldValue": code_minor }
            ]
        }
    })
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(status_info(self.code_minor, &self.field, &self.description)),
        )
            .into_response()
    }
}

type Reply = Result<Response, Failure>;

/// The anchored form of the CASE 1.0 `UUID.Type` pattern: lower-case 8-4-4-4-12 hex, version 1-5,
/// variant 8/9/a/b.
pub fn is_case_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 {
        return false;
    }
    for (i, c) in b.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => *c == b'-',
            14 => (b'1'..=b'5').contains(c),
            19 => matches!(c, b'8' | b'9' | b'a' | b'b'),
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// 404 for an identifier nothing is stored under. The OpenAPI gives one 404 for both cases: "Either
/// the supplied identifier is unknown ... or an invalid UUID has been supplied ... The statement
/// 'Unknown Object' of 'Invalid UUID' should also be presented." So a malformed identifier is a 404
/// with codeMinor `invaliduuid`, a well-formed unknown one a 404 with `unknownobject`. The store is
/// looked up first, so objects loaded with non-conforming identifiers stay reachable.
fn not_found(v: Version, what: &str, id: &str) -> Failure {
    if is_case_uuid(id) {
        Failure::new(
            StatusCode::NOT_FOUND,
            "unknownobject",
            "sourcedId",
            format!("Unknown Object: no {what} '{id}'"),
        )
    } else {
        Failure::new(
            StatusCode::NOT_FOUND,
            v.invalid_uuid(),
            "sourcedId",
            format!("Invalid UUID: '{id}' is not a CASE UUID (lower-case 8-4-4-4-12 hex, version 1-5, variant 8-b) and no {what} has it"),
        )
    }
}

/// Runs a store query off the async workers.
async fn with_store<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, store::StoreError> + Send + 'static,
) -> Result<T, Failure> {
    let inner = state.0.clone();
    tokio::task::spawn_blocking(move || f(&inner.store))
        .await
        .map_err(Failure::internal)?
        .map_err(Failure::internal)
}

fn link(title: &str, identifier: &str, uri: String) -> Value {
    json!({ "title": title, "identifier": identifier, "uri": uri })
}

fn title_of(doc: &Value) -> &str {
    doc.get("title")
        .and_then(Value::as_str)
        .unwrap_or("CFDocument")
}

impl AppState {
    fn api_url(&self, v: Version, rest: &str) -> String {
        format!("{}{}/{}", self.0.base_url, v.base_path(), rest)
    }

    /// The standalone CFDocument: the stored one plus its `CFPackageURI` back-link (required in
    /// `CFDocument.Type`) unless it already has one.
    fn standalone_document(&self, v: Version, doc: Value) -> Value {
        let mut doc = v.project("CFDocument", doc);
        if let Value::Object(m) = &mut doc {
            if !m.contains_key("CFPackageURI") {
                let id = m
                    .get("identifier")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let title = m
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("CFPackage")
                    .to_string();
                m.insert(
                    "CFPackageURI".into(),
                    link(&title, &id, self.api_url(v, &format!("CFPackages/{id}"))),
                );
            }
        }
        doc
    }

    /// Adds a `CFDocumentURI` back-link to an item or association unless it has one.
    fn with_document_link(
        &self,
        v: Version,
        (kind, obj): (&str, Value),
        doc_id: &str,
        doc: Option<&Value>,
    ) -> Value {
        let mut obj = v.project(kind, obj);
        if let Value::Object(m) = &mut obj {
            if !m.contains_key("CFDocumentURI") {
                let title = doc.map(title_of).unwrap_or("CFDocument");
                m.insert(
                    "CFDocumentURI".into(),
                    link(
                        title,
                        doc_id,
                        self.api_url(v, &format!("CFDocuments/{doc_id}")),
                    ),
                );
            }
        }
        obj
    }
}

fn json_ok(v: Value) -> Response {
    Json(v).into_response()
}

pub async fn get_all_documents(
    State(state): State<AppState>,
    Extension(v): V,
    RawQuery(raw): RawQuery,
) -> Reply {
    let q = DocQuery::parse(raw.as_deref()).map_err(|e| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "invalid_selection_field",
            e.param,
            e.message,
        )
    })?;
    let docs = with_store(&state, |s| s.documents()).await?;
    let docs: Vec<Value> = docs
        .into_iter()
        .map(|d| state.standalone_document(v, d))
        .collect();
    let (page, total) = q.apply(docs);
    let link = q.link_header(&state.api_url(v, "CFDocuments"), total);
    let mut resp = json_ok(json!({ "CFDocuments": page }));
    let h = resp.headers_mut();
    h.insert("X-Total-Count", HeaderValue::from(total as u64));
    if let Ok(v) = HeaderValue::from_str(&link) {
        h.insert(header::LINK, v);
    }
    Ok(resp)
}

pub async fn get_document(
    State(state): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    let key = id.clone();
    match with_store(&state, move |s| s.document(&key)).await? {
        Some(doc) => Ok(json_ok(state.standalone_document(v, doc))),
        None => Err(not_found(v, "CFDocument", &id)),
    }
}

pub async fn get_package(
    State(state): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    let key = id.clone();
    match with_store(&state, move |s| s.package(&key)).await? {
        Some(pkg) => Ok(json_ok(v.project("CFPackage", pkg))),
        None => Err(not_found(v, "CFPackage", &id)),
    }
}

/// An item or association with its owning document.
async fn owned(
    state: &AppState,
    kind: &'static str,
    id: &str,
) -> Result<Option<(Value, String, Option<Value>)>, Failure> {
    let key = id.to_string();
    with_store(state, move |s| {
        let Some(found) = s.object(kind, &key)? else {
            return Ok(None);
        };
        let doc = s.document(&found.doc_id)?;
        Ok(Some((found.json, found.doc_id, doc)))
    })
    .await
}

pub async fn get_item(
    State(state): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    match owned(&state, store::ITEMS, &id).await? {
        Some((item, doc_id, doc)) => Ok(json_ok(state.with_document_link(
            v,
            (store::ITEMS, item),
            &doc_id,
            doc.as_ref(),
        ))),
        None => Err(not_found(v, "CFItem", &id)),
    }
}

pub async fn get_association(
    State(state): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    match owned(&state, store::ASSOCIATIONS, &id).await? {
        Some((a, doc_id, doc)) => Ok(json_ok(state.with_document_link(
            v,
            (store::ASSOCIATIONS, a),
            &doc_id,
            doc.as_ref(),
        ))),
        None => Err(not_found(v, "CFAssociation", &id)),
    }
}

/// `{CFItem, CFAssociations}`: the item (standalone, with CFDocumentURI) and every association, from any
/// loaded package, whose origin or destination is the item (package flavour, as stored).
pub async fn get_item_associations(
    State(state): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    let Some((item, doc_id, doc)) = owned(&state, store::ITEMS, &id).await? else {
        return Err(not_found(v, "CFItem", &id));
    };
    let key = id.clone();
    let assocs = with_store(&state, move |s| s.associations_touching(&key)).await?;
    Ok(json_ok(json!({
        "CFItem": state.with_document_link(v, (store::ITEMS, item), &doc_id, doc.as_ref()),
        "CFAssociations": v.project(store::ASSOCIATIONS, Value::Array(assocs)),
    })))
}

async fn bare(state: &AppState, v: Version, kind: &'static str, what: &str, id: String) -> Reply {
    let key = id.clone();
    match with_store(state, move |s| s.object(kind, &key)).await? {
        Some(found) => Ok(json_ok(v.project(kind, found.json))),
        None => Err(not_found(v, what, &id)),
    }
}

/// `{KIND: [requested, children...]}`: the definition and the definitions of the same kind, from the
/// same packages, below it in the hierarchyCode tree (codes starting with its code and a '.').
async fn hierarchical(
    state: &AppState,
    v: Version,
    kind: &'static str,
    what: &str,
    id: String,
) -> Reply {
    let key = id.clone();
    let found = with_store(state, move |s| {
        let Some(found) = s.object(kind, &key)? else {
            return Ok(None);
        };
        let others = s.siblings_in_packages(kind, &key)?;
        Ok(Some((found.json, others)))
    })
    .await?;
    let Some((obj, others)) = found else {
        return Err(not_found(v, what, &id));
    };
    let code = obj
        .get("hierarchyCode")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut set = vec![obj];
    if !code.is_empty() {
        let prefix = format!("{code}.");
        let mut children: Vec<Value> = others
            .into_iter()
            .filter(|o| {
                o.get("hierarchyCode")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.starts_with(&prefix))
            })
            .collect();
        children.sort_by(|a, b| {
            let k = |v: &Value| {
                v.get("hierarchyCode")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            k(a).cmp(&k(b))
        });
        set.extend(children);
    }
    let mut m = Map::new();
    m.insert(kind.to_string(), v.project(kind, Value::Array(set)));
    Ok(json_ok(Value::Object(m)))
}

pub async fn get_association_grouping(
    State(s): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    bare(&s, v, "CFAssociationGroupings", "CFAssociationGrouping", id).await
}

pub async fn get_license(
    State(s): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    bare(&s, v, "CFLicenses", "CFLicense", id).await
}

pub async fn get_rubric(
    State(s): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    bare(&s, v, store::RUBRICS, "CFRubric", id).await
}

pub async fn get_concept(
    State(s): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    hierarchical(&s, v, "CFConcepts", "CFConcept", id).await
}

pub async fn get_subject(
    State(s): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    hierarchical(&s, v, "CFSubjects", "CFSubject", id).await
}

pub async fn get_item_type(
    State(s): State<AppState>,
    Extension(v): V,
    Path(id): Path<String>,
) -> Reply {
    hierarchical(&s, v, "CFItemTypes", "CFItemType", id).await
}

/// Any other path under the base path.
pub async fn unknown_endpoint(Extension(v): V, req: Request) -> Response {
    Failure::new(
        StatusCode::NOT_FOUND,
        "unknownobject",
        "path",
        format!("{} is not a CASE {} endpoint", req.uri().path(), v.label()),
    )
    .into_response()
}

/// `GET /ims/case/v1p1/discovery/imscasev1p1_openapi3_v1p0.json`: the CASE 1.1 OpenAPI file
/// localised for this server (REST binding 1.1 §2.5).
pub async fn discovery(State(state): State<AppState>) -> Response {
    json_ok(wellspring_case::openapi11::localised_openapi(
        &state.0.base_url,
    ))
}

/// Requires a valid bearer token on every CASE endpoint when clients are configured.
pub async fn require_bearer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(auth) = &state.0.auth else {
        return next.run(req).await;
    };
    let header_value = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let challenge = match auth.check_bearer(header_value) {
        Ok(()) => return next.run(req).await,
        Err(BearerError::Missing) => "Bearer realm=\"CASE\"",
        Err(BearerError::Invalid) => "Bearer realm=\"CASE\", error=\"invalid_token\"",
    };
    let version = req
        .extensions()
        .get::<Version>()
        .copied()
        .unwrap_or(Version::V1p0);
    let mut resp = Failure::new(
        StatusCode::UNAUTHORIZED,
        version.unauthorised(),
        "Authorization",
        "a bearer token from POST /auth/token (OAuth 2.0 client_credentials) is required",
    )
    .into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    resp
}

/// `POST /auth/token`: OAuth 2.0 client credentials grant (RFC 6749 §4.4), client authentication by
/// HTTP Basic or by `client_id`/`client_secret` in the form body.
pub async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(auth) = &state.0.auth else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "invalid_request"})),
        )
            .into_response();
    };
    let form_ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let result = if form_ok {
        let authz = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        auth.issue(authz, &body)
    } else {
        Err(TokenError::InvalidRequest(
            "the body must be application/x-www-form-urlencoded".into(),
        ))
    };
    let mut resp = match result {
        Ok(tok) => (
            StatusCode::OK,
            Json(json!({ "access_token": tok, "token_type": "Bearer", "expires_in": auth.ttl().as_secs() })),
        )
            .into_response(),
        Err(TokenError::InvalidRequest(msg)) => {
            (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_request", "error_description": msg})))
                .into_response()
        }
        Err(TokenError::UnsupportedGrant) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported_grant_type", "error_description": "only client_credentials is supported"})),
        )
            .into_response(),
        Err(TokenError::InvalidClient) => {
            let mut r = (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "invalid_client", "error_description": "client authentication failed"})),
            )
                .into_response();
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"CASE token\""));
            r
        }
    };
    // RFC 6749 §5.1
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}
