//! What a verification run produces: one result per check, nested per credential.

use serde::Serialize;

/// A declared check: stable ID, the spec clause it enforces, a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckDef {
    pub id: &'static str,
    pub clause: &'static str,
    pub title: &'static str,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Skip,
    Fail,
}

impl Verdict {
    /// The one-character mark printed in the human report.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Pass => "✔",
            Verdict::Fail => "✘",
            Verdict::Warn => "!",
            Verdict::Skip => "–",
        }
    }
}

/// One piece of evidence: what was seen, and where (a JSON pointer when it applies).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    pub label: String,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub clause: &'static str,
    pub title: &'static str,
    pub verdict: Verdict,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

impl CheckResult {
    pub fn new(def: &CheckDef, verdict: Verdict, message: impl Into<String>) -> Self {
        CheckResult {
            id: def.id,
            clause: def.clause,
            title: def.title,
            verdict,
            message: crate::brief::cap_message(message.into()),
            evidence: Vec::new(),
        }
    }

    pub fn with(mut self, label: &str, value: impl Into<serde_json::Value>) -> Self {
        self.evidence.push(Evidence {
            pointer: None,
            label: label.to_owned(),
            value: crate::brief::evidence_value(value.into()),
        });
        self
    }

    pub fn at(mut self, pointer: &str, label: &str, value: impl Into<serde_json::Value>) -> Self {
        self.evidence.push(Evidence {
            pointer: Some(pointer.to_owned()),
            label: label.to_owned(),
            value: crate::brief::evidence_value(value.into()),
        });
        self
    }
}

/// The report for one document (an input, or a credential nested in one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocReport {
    /// What this document is: the input name, or a JSON pointer inside its parent.
    pub subject: String,
    /// Detected kind, e.g. "OpenBadgeCredential (VC-JWT)".
    pub kind: String,
    pub checks: Vec<CheckResult>,
    /// What a passing verdict does NOT establish, in words every output repeats (e.g.
    /// [`CAVEAT_ISSUER`], [`CAVEAT_STATUS`]). Empty when nothing is held back.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caveats: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<DocReport>,
}

/// The caveat of a credential whose proof verifies with a key nothing binds to its issuer.
pub const CAVEAT_ISSUER: &str = "issuer NOT authenticated";
/// The caveat of a credential whose revocation status could not be determined.
pub const CAVEAT_STATUS: &str = "status not checked";

impl DocReport {
    pub fn new(subject: impl Into<String>) -> Self {
        DocReport {
            subject: subject.into(),
            kind: String::from("unknown"),
            checks: Vec::new(),
            caveats: Vec::new(),
            nested: Vec::new(),
        }
    }

    /// Records a caveat once.
    pub fn caveat(&mut self, c: &str) {
        if !self.caveats.iter().any(|x| x == c) {
            self.caveats.push(c.to_owned());
        }
    }

    /// The caveats here and in every nested document, each once, in order of appearance.
    pub fn all_caveats(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.collect_caveats(&mut out);
        out
    }

    fn collect_caveats<'a>(&'a self, out: &mut Vec<&'a str>) {
        for c in &self.caveats {
            if !out.contains(&c.as_str()) {
                out.push(c);
            }
        }
        for n in &self.nested {
            n.collect_caveats(out);
        }
    }

    /// Passed, with every issuer authenticated (no [`CAVEAT_ISSUER`] here or below): what a
    /// relying party (the reference wallet and ATS) counts as verified.
    pub fn authenticated(&self) -> bool {
        self.passed() && !self.all_caveats().contains(&CAVEAT_ISSUER)
    }

    /// The one-line verdict every output shows: "NOT VERIFIED", "VERIFIED", or — when checks
    /// passed but something was not established — "signature valid — issuer NOT authenticated".
    /// Never a bare "VERIFIED" while a caveat stands.
    pub fn headline(&self) -> String {
        if !self.passed() {
            return "NOT VERIFIED".into();
        }
        let caveats = self.all_caveats();
        if caveats.is_empty() {
            "VERIFIED".into()
        } else {
            format!("signature valid — {}", caveats.join("; "))
        }
    }

    pub fn push(&mut self, r: CheckResult) {
        self.checks.push(r);
    }

    /// The worst verdict here or in any nested document.
    pub fn worst(&self) -> Verdict {
        self.checks
            .iter()
            .map(|c| c.verdict)
            .chain(self.nested.iter().map(|n| n.worst()))
            .filter(|v| *v == Verdict::Fail || *v == Verdict::Warn)
            .max()
            .unwrap_or(Verdict::Pass)
    }

    pub fn passed(&self) -> bool {
        self.worst() != Verdict::Fail
    }

    /// Every check result here and below, with the subject it belongs to.
    pub fn walk<'a>(&'a self, out: &mut Vec<(&'a str, &'a CheckResult)>) {
        for c in &self.checks {
            out.push((&self.subject, c));
        }
        for n in &self.nested {
            n.walk(out);
        }
    }

    /// The IDs of the checks that failed, here and below, deduplicated and sorted.
    pub fn failed_ids(&self) -> Vec<&'static str> {
        let mut all = Vec::new();
        self.walk(&mut all);
        let mut ids: Vec<_> = all
            .into_iter()
            .filter(|(_, c)| c.verdict == Verdict::Fail)
            .map(|(_, c)| c.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    pub fn find(&self, id: &str) -> Option<&CheckResult> {
        let mut all = Vec::new();
        self.walk(&mut all);
        all.into_iter().map(|(_, c)| c).find(|c| c.id == id)
    }
}
