//! Small parts of the CASE provider suite: identifiers, authorities, Link headers, the
//! references a package makes, the client-credentials token.

use super::*;

pub(super) fn random_uuid() -> String {
    // Not security-relevant: a valid v4 UUID the provider will not know.
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for chunk in bytes.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `host:port` of a URL, for "on the target host".
pub(super) fn authority(u: &str) -> Option<String> {
    let url = reqwest::Url::parse(u).ok()?;
    Some(format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str()?.to_ascii_lowercase(),
        url.port_or_known_default()?
    ))
}

/// `rel="next"` target of a Link header, resolved against `base`.
pub(super) fn link_next(link: &str, base: &str) -> Option<String> {
    query::link_rels(link, base)
        .into_iter()
        .find(|(r, _)| r == "next")
        .map(|(_, u)| u.to_string())
}

/// Identifiers referenced in a package, by endpoint.
pub(super) fn references(pkg: &Value) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let ids = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|o| {
                        o.get("identifier")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let items = ids(pkg.get("CFItems"));
    out.entry("CFItemAssociations")
        .or_default()
        .extend(items.iter().cloned());
    out.entry("CFItems").or_default().extend(items);
    out.entry("CFAssociations")
        .or_default()
        .extend(ids(pkg.get("CFAssociations")));
    let defs = pkg.get("CFDefinitions");
    for (key, ep) in [
        ("CFConcepts", "CFConcepts"),
        ("CFSubjects", "CFSubjects"),
        ("CFLicenses", "CFLicenses"),
        ("CFItemTypes", "CFItemTypes"),
        ("CFAssociationGroupings", "CFAssociationGroupings"),
    ] {
        out.entry(ep)
            .or_default()
            .extend(ids(defs.and_then(|d| d.get(key))));
    }
    for a in pkg
        .get("CFAssociations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(g) = a
            .pointer("/CFAssociationGroupingURI/identifier")
            .and_then(Value::as_str)
        {
            out.entry("CFAssociationGroupings")
                .or_default()
                .insert(g.to_owned());
        }
    }
    if let Some(l) = pkg
        .pointer("/CFDocument/licenseURI/identifier")
        .and_then(Value::as_str)
    {
        out.entry("CFLicenses").or_default().insert(l.to_owned());
    }
    out.entry("CFRubrics")
        .or_default()
        .extend(ids(pkg.get("CFRubrics")));
    out
}

/// Obtains a token with client credentials. `Err` = could not run; `Ok(Err)` = the provider
/// refused the credentials (a finding).
pub(super) fn client_token(
    http: &Http,
    id: &str,
    secret: &str,
    token_url: &str,
    basic: bool,
    scope: Option<&str>,
) -> Result<Result<String, (String, Value)>, String> {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    if !basic {
        form.push(("client_id", id));
        form.push(("client_secret", secret));
    }
    let ex = http.post_form(token_url, basic.then_some((id, secret)), &form);
    let mut ev = ex.evidence();
    ev["body"] = json!("(not shown: token response)");
    if let Some(e) = &ex.error {
        return Err(format!("cannot reach the token endpoint {token_url}: {e}"));
    }
    if ex.status != 200 {
        let mut ev = ex.evidence();
        ev["client"] = json!(format!("{id}:****"));
        return Ok(Err((
            format!("token request refused: HTTP {}", ex.status),
            ev,
        )));
    }
    match ex.json().and_then(|b| {
        b.get("access_token")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }) {
        Some(t) if !t.is_empty() => Ok(Ok(t)),
        _ => Ok(Err(("token response has no access_token".into(), ev))),
    }
}
