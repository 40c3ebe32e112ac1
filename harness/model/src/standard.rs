//! The credential standards Wellspring speaks, and the facts every crate needs about them: API
//! paths, OAuth scopes, credential types, names. The one `Standard` of the workspace (the
//! certification suites, the Service Provider surface and the wallet's client all use it).

/// Open Badges 3.0 or Comprehensive Learner Record 2.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standard {
    /// Open Badges 3.0 (`/ims/ob/v3p0`).
    Ob30,
    /// Comprehensive Learner Record 2.0 (`/ims/clr/v2p0`).
    Clr20,
}

/// The four OAuth scope names both APIs define (under their own scope base).
pub const SCOPE_NAMES: [&str; 4] = [
    "credential.readonly",
    "credential.upsert",
    "profile.readonly",
    "profile.update",
];

impl Standard {
    /// Both, in the order reports list them.
    pub const ALL: [Standard; 2] = [Standard::Ob30, Standard::Clr20];

    /// The short id used on the command line, in reports and in stored rows: `ob30`, `clr20`.
    pub fn as_str(self) -> &'static str {
        match self {
            Standard::Ob30 => "ob30",
            Standard::Clr20 => "clr20",
        }
    }

    /// Reads [`Standard::as_str`].
    pub fn parse(s: &str) -> Option<Standard> {
        Standard::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The shorter code the Service Provider's tables keep: `ob`, `clr`.
    pub fn code(self) -> &'static str {
        match self {
            Standard::Ob30 => "ob",
            Standard::Clr20 => "clr",
        }
    }

    /// Reads [`Standard::code`].
    pub fn from_code(s: &str) -> Option<Standard> {
        Standard::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The API path prefix.
    pub fn api_path(self) -> &'static str {
        match self {
            Standard::Ob30 => "/ims/ob/v3p0",
            Standard::Clr20 => "/ims/clr/v2p0",
        }
    }

    /// The prefix of the standard's scope URIs.
    pub fn scope_base(self) -> &'static str {
        match self {
            Standard::Ob30 => "https://purl.imsglobal.org/spec/ob/v3p0/scope/",
            Standard::Clr20 => "https://purl.imsglobal.org/spec/clr/v2p0/scope/",
        }
    }

    /// A full scope URI, e.g. `scope("credential.readonly")`.
    pub fn scope(self, name: &str) -> String {
        format!("{}{name}", self.scope_base())
    }

    /// The four scopes of the standard.
    pub fn scopes(self) -> Vec<String> {
        SCOPE_NAMES.iter().map(|n| self.scope(n)).collect()
    }

    /// The credential types its API takes on upsert and its issuers issue.
    pub fn credential_types(self) -> &'static [&'static str] {
        match self {
            Standard::Ob30 => &["OpenBadgeCredential", "AchievementCredential"],
            Standard::Clr20 => &["ClrCredential"],
        }
    }

    /// The official JSON Schema of its Profile (getProfile / putProfile).
    pub fn profile_schema(self) -> &'static str {
        match self {
            Standard::Ob30 => {
                "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile_schema.json"
            }
            Standard::Clr20 => {
                "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_profile_schema.json"
            }
        }
    }

    /// The full name.
    pub fn title(self) -> &'static str {
        match self {
            Standard::Ob30 => "Open Badges 3.0",
            Standard::Clr20 => "Comprehensive Learner Record 2.0",
        }
    }

    /// The prefix of its check IDs: `ob3`, `clr2`.
    pub fn check_prefix(self) -> &'static str {
        match self {
            Standard::Ob30 => "ob3",
            Standard::Clr20 => "clr2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for s in Standard::ALL {
            assert_eq!(Standard::parse(s.as_str()), Some(s));
            assert_eq!(Standard::from_code(s.code()), Some(s));
            assert!(s
                .scope("credential.readonly")
                .ends_with("/scope/credential.readonly"));
        }
        assert_eq!(Standard::parse("case10"), None);
        assert_eq!(Standard::Clr20.api_path(), "/ims/clr/v2p0");
    }
}
