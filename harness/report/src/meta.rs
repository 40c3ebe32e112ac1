//! What a report says about its own run: when, by which build of which tool, for which
//! standard and role, against what, with which verdict-changing options, and how to run it
//! again. Certification reports carry it in every rendering (JSON, HTML, JUnit, text).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The tool that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
    /// The source commit it was built from (`unknown` when built outside a git checkout).
    pub commit: String,
}

impl Tool {
    /// Wellspring at this crate's version, built from `commit`.
    pub fn wellspring(commit: &str) -> Tool {
        Tool {
            name: "wellspring".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            commit: commit.into(),
        }
    }
}

/// The standard certified: a short id (`ob30`), its name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardRef {
    pub id: String,
    pub name: String,
    pub version: String,
}

/// How much a check matters to the verdict: a required check that fails fails the run;
/// an optional one tests a feature the spec lets an implementation leave out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Required,
    Recommended,
    Optional,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Level::Required => "required",
            Level::Recommended => "recommended",
            Level::Optional => "optional",
        }
    }
}

/// Checks that test a feature the spec makes optional (a MAY, or an optional endpoint).
const OPTIONAL_SUFFIXES: &[&str] = &[
    ".refresh",
    ".refresh-scope",
    ".revoke",
    ".token-expired",
    ".since",
    ".profile-put",
    ".profile-put-malformed",
    ".upsert-jws",
    ".display",
    ".baked",
    "case.provider.rubrics",
];

/// The level of a check, by its ID.
pub fn level_of(id: &str) -> Level {
    if OPTIONAL_SUFFIXES.iter().any(|s| id.ends_with(s)) {
        Level::Optional
    } else {
        Level::Required
    }
}

/// Who signed the conformance claim that goes with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signer {
    /// The signer's DID (a did:key).
    pub did: String,
    /// The verification method that signed.
    pub verification_method: String,
    /// The file the claim was written to, relative to the report.
    pub claim: String,
}

/// Everything a report says about its run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunMeta {
    /// When the run finished, UTC, RFC 3339.
    pub generated_at: String,
    pub tool: Tool,
    pub standard: StandardRef,
    pub role: String,
    /// The product under test: its base URL, or the files judged.
    pub target: Vec<String>,
    /// The options that change verdicts, secrets masked (`--token` → `***`).
    pub options: BTreeMap<String, serde_json::Value>,
    pub duration_ms: u64,
    /// The exact command line, secrets masked, quoted so a shell runs it again.
    pub command_line: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
}

/// Quotes one argument for a POSIX shell when it needs it.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The command line of `args` (the program first), with the values of `secret` flags (both
/// `--flag VALUE` and `--flag=VALUE`) and the password half of `login` flags' USER:PASSWORD
/// masked, quoted for a shell.
pub fn masked_command_line(args: &[String], secret: &[&str], login: &[&str]) -> String {
    let mut out = Vec::with_capacity(args.len());
    let mut mask_next: Option<bool> = None; // Some(true): whole value; Some(false): password
    for a in args {
        if let Some(whole) = mask_next.take() {
            out.push(mask(a, whole));
            continue;
        }
        if let Some((flag, value)) = a.split_once('=').filter(|(f, _)| f.starts_with("--")) {
            if secret.contains(&flag) || login.contains(&flag) {
                out.push(format!("{flag}={}", mask(value, secret.contains(&flag))));
                continue;
            }
        }
        if secret.contains(&a.as_str()) {
            mask_next = Some(true);
        } else if login.contains(&a.as_str()) {
            mask_next = Some(false);
        }
        out.push(a.clone());
    }
    out.iter()
        .map(|w| {
            if w.contains("***") {
                w.clone()
            } else {
                shell_word(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn mask(value: &str, whole: bool) -> String {
    match value.split_once(':') {
        Some((user, _)) if !whole => format!("{}:***", shell_word(user)),
        _ => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn secrets_are_masked_and_the_rest_is_quoted() {
        let line = masked_command_line(
            &args(&[
                "wellspring",
                "certify",
                "--token",
                "s3cr3t",
                "--client=id:pw",
                "--login",
                "me@x.org:hunter2",
                "--target",
                "http://h/a b",
            ]),
            &["--token", "--client"],
            &["--login"],
        );
        assert!(!line.contains("s3cr3t") && !line.contains("hunter2") && !line.contains("pw"));
        assert!(line.contains("--token *** --client=*** --login me@x.org:***"));
        assert!(line.ends_with("--target 'http://h/a b'"), "{line}");
    }

    #[test]
    fn levels_follow_the_optional_features() {
        assert_eq!(level_of("ob3.provider.refresh"), Level::Optional);
        assert_eq!(level_of("ob3.provider.token"), Level::Required);
        assert_eq!(level_of("case.provider.rubrics"), Level::Optional);
    }
}
