//! Walks the typed model and lists the properties that fell into `extra` maps.

use serde_json::{Map, Value};

use crate::achievement::*;
use crate::credential::*;
use crate::profile::*;
use crate::subject::*;

pub(crate) trait Extras {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>);
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn own(extra: &Map<String, Value>, path: &str, out: &mut Vec<String>) {
    out.extend(extra.keys().map(|k| join(path, k)));
}

fn opt<T: Extras>(v: &Option<T>, path: &str, key: &str, out: &mut Vec<String>) {
    if let Some(x) = v {
        x.collect_extras(&join(path, key), out);
    }
}

fn list<T: Extras>(v: &[T], path: &str, key: &str, out: &mut Vec<String>) {
    for (i, x) in v.iter().enumerate() {
        x.collect_extras(&format!("{}[{i}]", join(path, key)), out);
    }
}

impl<T: Extras> Extras for Box<T> {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        (**self).collect_extras(path, out)
    }
}

macro_rules! leaf {
    ($($t:ty),*) => {$(
        impl Extras for $t {
            fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
                own(&self.extra, path, out);
            }
        }
    )*};
}

leaf!(
    Alignment,
    Criteria,
    Related,
    IdentifierEntry,
    Image,
    Evidence,
    GeoCoordinates,
    IdentityObject,
    EndorsementSubject,
    Association,
    TypedEntry
);

impl Extras for RubricCriterionLevel {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        list(&self.alignment, path, "alignment", out);
    }
}

impl Extras for ResultDescription {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        list(&self.alignment, path, "alignment", out);
        list(
            &self.rubric_criterion_level,
            path,
            "rubricCriterionLevel",
            out,
        );
    }
}

impl Extras for ResultEntry {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        list(&self.alignment, path, "alignment", out);
    }
}

impl Extras for Address {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        opt(&self.geo, path, "geo", out);
    }
}

impl Extras for Profile {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        list(&self.endorsement, path, "endorsement", out);
        opt(&self.image, path, "image", out);
        opt(&self.address, path, "address", out);
        list(&self.other_identifier, path, "otherIdentifier", out);
        opt(&self.parent_org, path, "parentOrg", out);
    }
}

impl Extras for Achievement {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        list(&self.alignment, path, "alignment", out);
        opt(&self.creator, path, "creator", out);
        opt(&self.criteria, path, "criteria", out);
        list(&self.endorsement, path, "endorsement", out);
        opt(&self.image, path, "image", out);
        list(&self.other_identifier, path, "otherIdentifier", out);
        list(&self.related, path, "related", out);
        list(&self.result_description, path, "resultDescription", out);
    }
}

impl Extras for AchievementSubject {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        list(&self.identifier, path, "identifier", out);
        opt(&self.achievement, path, "achievement", out);
        list(&self.result, path, "result", out);
        opt(&self.source, path, "source", out);
        opt(&self.image, path, "image", out);
    }
}

impl Extras for ClrSubject {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        // `verifiableCredential` items are raw JSON by design and not walked.
        own(&self.extra, path, out);
        list(&self.identifier, path, "identifier", out);
        list(&self.achievement, path, "achievement", out);
        list(&self.association, path, "association", out);
    }
}

impl Extras for CredentialSubject {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        match self {
            CredentialSubject::Achievement(s) => s.collect_extras(path, out),
            CredentialSubject::Endorsement(s) => s.collect_extras(path, out),
            CredentialSubject::Clr(s) => s.collect_extras(path, out),
        }
    }
}

impl Extras for Credential {
    fn collect_extras(&self, path: &str, out: &mut Vec<String>) {
        own(&self.extra, path, out);
        self.issuer.collect_extras(&join(path, "issuer"), out);
        opt(&self.image, path, "image", out);
        self.credential_subject
            .collect_extras(&join(path, "credentialSubject"), out);
        list(&self.endorsement, path, "endorsement", out);
        list(&self.evidence, path, "evidence", out);
        list(&self.credential_schema, path, "credentialSchema", out);
        opt(&self.credential_status, path, "credentialStatus", out);
        opt(&self.refresh_service, path, "refreshService", out);
        list(&self.terms_of_use, path, "termsOfUse", out);
    }
}
