//! The schema checks of the pipeline: the official schema of the credential's kind and the
//! schemas it declares in `credentialSchema`.

use super::*;

pub(super) fn schema_check(
    r: &mut DocReport,
    def: &CheckDef,
    url: &str,
    form: Form,
    cred: &Value,
) -> bool {
    let form_note = if form == Form::V1 {
        " (adapted to VC DM 1.1: issuanceDate for validFrom)"
    } else {
        ""
    };
    match schema::validate(url, form, cred) {
        Some(Ok(errs)) if errs.is_empty() => {
            r.push(res(
                def,
                Verdict::Pass,
                format!("valid against {}{form_note}", short(url)),
            ));
            true
        }
        Some(Ok(errs)) => {
            let first = &errs[0];
            let mut c = res(
                def,
                Verdict::Fail,
                format!(
                    "{} schema error(s) against {}{form_note}; first: {} at {}",
                    errs.len(),
                    short(url),
                    first.message,
                    if first.pointer.is_empty() {
                        "/"
                    } else {
                        &first.pointer
                    }
                ),
            );
            for e in errs.iter().take(20) {
                c = c.at(&e.pointer, "schema error", Value::from(e.message.clone()));
            }
            r.push(c);
            false
        }
        Some(Err(e)) => {
            r.push(res(def, Verdict::Fail, e));
            false
        }
        None => {
            r.push(res(def, Verdict::Skip, format!("no shipped schema {url}")));
            false
        }
    }
}

pub(super) fn short(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

pub(super) fn declared_schemas(
    r: &mut DocReport,
    cred: &Value,
    form: Form,
    main: &str,
    main_ok: bool,
    opts: &Options,
) {
    let entries = as_list(cred.get("credentialSchema"));
    if entries.is_empty() {
        r.push(res(
            &checks::SCHEMA_DECLARED,
            Verdict::Skip,
            "no credentialSchema declared",
        ));
        return;
    }
    for e in entries {
        let id = e.get("id").and_then(Value::as_str).unwrap_or_default();
        let ty = e.get("type").and_then(Value::as_str).unwrap_or_default();
        if ty != "1EdTechJsonSchemaValidator2019" {
            r.push(res(
                &checks::SCHEMA_DECLARED,
                Verdict::Warn,
                format!("credentialSchema type {ty:?} is not supported: {id} not checked"),
            ));
            continue;
        }
        if id == main {
            let v = if main_ok {
                Verdict::Pass
            } else {
                Verdict::Fail
            };
            r.push(res(
                &checks::SCHEMA_DECLARED,
                v,
                format!("{} (same schema as the type's official schema)", short(id)),
            ));
        } else if schema::is_known(id) {
            schema_check(r, &checks::SCHEMA_DECLARED, id, form, cred);
        } else if let Some(fetch) = &opts.fetch {
            r.push(fetched_schema(fetch, id, cred));
        } else {
            r.push(res(
                &checks::SCHEMA_DECLARED,
                Verdict::Warn,
                format!(
                    "schema {id} is not shipped and the network is off (--online): not checked"
                ),
            ));
        }
    }
}

/// `ob3.schema.declared` for a declared schema `id` the verifier does not ship, fetched online.
fn fetched_schema(fetch: &crate::loader::Fetch, id: &str, cred: &Value) -> CheckResult {
    let outcome = fetch(id)
        .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
        .and_then(|s| schema::validate_with(&s, cred));
    match outcome {
        Ok(errs) if errs.is_empty() => res(
            &checks::SCHEMA_DECLARED,
            Verdict::Pass,
            format!("valid against {id} (fetched)"),
        ),
        Ok(errs) => {
            let mut c = res(
                &checks::SCHEMA_DECLARED,
                Verdict::Fail,
                format!("{} error(s) against {id}", errs.len()),
            );
            for e in errs.iter().take(20) {
                c = c.at(&e.pointer, "schema error", Value::from(e.message.clone()));
            }
            c
        }
        // Online, a declared schema that cannot be read or used leaves conformance
        // unestablished (the 1EdTech validator fails it too).
        Err(e) => res(
            &checks::SCHEMA_DECLARED,
            Verdict::Fail,
            format!("credentialSchema {id} could not be read or used: {e}"),
        ),
    }
}
