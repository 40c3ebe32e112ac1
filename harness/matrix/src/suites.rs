//! The one suite table: every (standard, version, role) the harness certifies, with its name
//! and its checks in report order. `wellspring certify` validates its `--standard` / `--role`
//! against it and names the standard from it, `wellspring checks` lists its groups from it, and
//! the matrix registry accepts exactly the claims it marks as matrix claims.

use wellspring_report::{CheckDef, StandardRef};
use wellspring_suite_case10::provider as case_provider;
use wellspring_suite_ob30::issuer::IssuerStandard as Std;
use wellspring_suite_ob30::{consumer, displayer, issuer, provider};

/// A standard the harness knows: its short id, name and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub version: &'static str,
}

pub const STANDARDS: &[StandardInfo] = &[
    StandardInfo {
        id: "case10",
        name: "CASE",
        version: "1.0",
    },
    StandardInfo {
        id: "case11",
        name: "CASE",
        version: "1.1",
    },
    StandardInfo {
        id: "ob30",
        name: "Open Badges",
        version: "3.0",
    },
    StandardInfo {
        id: "clr20",
        name: "Comprehensive Learner Record",
        version: "2.0",
    },
];

/// One suite: a role of a standard.
#[derive(Debug, Clone, Copy)]
pub struct Suite {
    pub standard: &'static str,
    pub role: &'static str,
    /// How reports and listings name it.
    pub title: &'static str,
    /// `wellspring certify` runs it.
    pub certify: bool,
    /// A matrix registry may claim it.
    pub matrix: bool,
    /// Its checks, in report order (empty for the matrix's `verifier` claims, which are the
    /// verify endpoints the cross-implementation cells use, not a suite of their own).
    pub checks: fn() -> Vec<CheckDef>,
}

macro_rules! ob_clr {
    ($std:literal, $s:expr, $name:literal) => {
        [
            Suite {
                standard: $std,
                role: "issuer",
                title: concat!($name, " issuer"),
                certify: true,
                matrix: true,
                checks: || issuer::checks($s).to_vec(),
            },
            Suite {
                standard: $std,
                role: "displayer",
                title: concat!($name, " displayer"),
                certify: true,
                matrix: true,
                checks: || displayer::checks($s).to_vec(),
            },
            Suite {
                standard: $std,
                role: "service-provider-read",
                title: concat!($name, " service provider (read)"),
                certify: true,
                matrix: true,
                checks: || provider::checks($s, provider::Role::Read),
            },
            Suite {
                standard: $std,
                role: "service-provider-write",
                title: concat!($name, " service provider (write)"),
                certify: true,
                matrix: true,
                checks: || provider::checks($s, provider::Role::Write),
            },
            Suite {
                standard: $std,
                role: "service-consumer-read",
                title: concat!($name, " service consumer (read)"),
                certify: true,
                matrix: false,
                checks: || consumer::checks($s, consumer::Role::Read),
            },
            Suite {
                standard: $std,
                role: "service-consumer-write",
                title: concat!($name, " service consumer (write)"),
                certify: true,
                matrix: false,
                checks: || consumer::checks($s, consumer::Role::Write),
            },
            Suite {
                standard: $std,
                role: "verifier",
                title: concat!($name, " verify endpoint (matrix cross-checks)"),
                certify: false,
                matrix: true,
                checks: Vec::new,
            },
        ]
    };
}

const OB30: [Suite; 7] = ob_clr!("ob30", Std::Ob30, "OB 3.0");
const CLR20: [Suite; 7] = ob_clr!("clr20", Std::Clr20, "CLR 2.0");
const CASE10: [Suite; 2] = [
    Suite {
        standard: "case10",
        role: "provider",
        title: "CASE 1.0 provider",
        certify: true,
        matrix: true,
        checks: || case_provider::checks::ALL.to_vec(),
    },
    Suite {
        standard: "case10",
        role: "consumer",
        title: "CASE 1.0 consumer",
        certify: true,
        matrix: false,
        checks: || wellspring_suite_case10::consumer::checks::ALL.to_vec(),
    },
];

/// CASE 1.1: the CASE provider and consumer suites run with `Version::V1p1`
/// (`case11.provider.*`, `case11.consumer.*`).
const CASE11: [Suite; 2] = [
    Suite {
        standard: "case11",
        role: "provider",
        title: "CASE 1.1 provider",
        certify: true,
        matrix: true,
        checks: || case_provider::checks::all(case_provider::Version::V1p1),
    },
    Suite {
        standard: "case11",
        role: "consumer",
        title: "CASE 1.1 consumer",
        certify: true,
        matrix: false,
        checks: || wellspring_suite_case10::consumer::checks::all(case_provider::Version::V1p1),
    },
];

/// Every suite, in listing order.
pub fn all() -> Vec<Suite> {
    CASE10
        .iter()
        .chain(&CASE11)
        .chain(&OB30)
        .chain(&CLR20)
        .copied()
        .collect()
}

/// The suite of (standard, role).
pub fn find(standard: &str, role: &str) -> Option<Suite> {
    all()
        .into_iter()
        .find(|s| s.standard == standard && s.role == role)
}

/// The roles `wellspring certify` runs for a standard.
pub fn certify_roles(standard: &str) -> Vec<&'static str> {
    all()
        .into_iter()
        .filter(|s| s.standard == standard && s.certify)
        .map(|s| s.role)
        .collect()
}

/// A standard's name and version, for report metadata.
pub fn standard_ref(id: &str) -> Option<StandardRef> {
    STANDARDS.iter().find(|s| s.id == id).map(|s| StandardRef {
        id: s.id.into(),
        name: s.name.into(),
        version: s.version.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suite_is_of_a_known_standard_and_lists_its_own_checks() {
        for s in all() {
            assert!(standard_ref(s.standard).is_some(), "{}", s.standard);
            let checks = (s.checks)();
            assert_eq!(
                checks.is_empty(),
                s.role == "verifier",
                "{}/{}",
                s.standard,
                s.role
            );
            let prefix = match (s.standard, s.role) {
                ("ob30", _) => "ob3.",
                ("clr20", _) => "clr2.",
                ("case11", "consumer") => "case11.consumer.",
                ("case11", _) => "case11.provider.",
                (_, "consumer") => "case.consumer.",
                _ => "case.provider.",
            };
            assert!(
                checks.iter().all(|c| c.id.starts_with(prefix)),
                "{}/{}",
                s.standard,
                s.role
            );
        }
        assert_eq!(certify_roles("case10"), ["provider", "consumer"]);
        assert_eq!(certify_roles("case11"), ["provider", "consumer"]);
        assert_eq!(certify_roles("ob30").len(), 6);
        assert!(find("clr20", "verifier").is_some_and(|s| s.matrix && !s.certify));
        assert!(find("case11", "provider").is_some_and(|s| s.matrix && s.certify));
    }
}
