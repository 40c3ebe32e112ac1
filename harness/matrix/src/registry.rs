//! The implementation registry: a folder of TOML files, one per implementation.
//!
//! ```toml
//! name = "Wellspring CASE server"
//! vendor = "Wellspring"
//! tags = ["reference", "case"]
//!
//! [[claims]]
//! standard = "case10"           # ob30 | clr20 | case10 | case11
//! role = "provider"             # see `Role`
//! target = "http://127.0.0.1:8480"
//!
//! [auth]                        # secrets never sit in the file: only the names of
//! token_env = "CASE_TOKEN"      # environment variables that hold them
//! ```
//!
//! Claims: `case10` / `case11` + `provider` (`target`: the CASE 1.0 or 1.1 provider suite);
//! `ob30`/`clr20` + `service-provider-read` / `service-provider-write` (`target`), `displayer`
//! (`verify_url`), `issuer` (`credentials`: files relative to the registry folder), `verifier`
//! (`verify_url`: a VC-API verify endpoint used for the cross-implementation cells). `${VAR}` in
//! a URL is replaced from the environment.
//! Unknown keys are refused, so a `password = "…"` line is an error, not a leak.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Implementation {
    /// File stem: the stable column key.
    #[serde(skip_deserializing, default)]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub claims: Vec<Claim>,
    #[serde(default, skip_serializing)]
    pub auth: Auth,
    /// The folder the file was read from (for relative credential paths).
    #[serde(skip)]
    pub dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub standard: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<String>,
}

/// Where the secrets are: names of environment variables, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// `user:pass` of a test login (OB/CLR providers).
    pub login_env: Option<String>,
    /// A bearer token.
    pub token_env: Option<String>,
    /// `id:secret` OAuth 2.0 client credentials (CASE), with `token_url`.
    pub client_env: Option<String>,
    pub token_url: Option<String>,
}

impl Auth {
    fn read(var: &Option<String>) -> Result<Option<String>, String> {
        match var {
            None => Ok(None),
            Some(v) => std::env::var(v).map(Some).map_err(|_| {
                format!("environment variable {v} (named in the registry) is not set")
            }),
        }
    }
    pub fn login(&self) -> Result<Option<String>, String> {
        Self::read(&self.login_env)
    }
    pub fn token(&self) -> Result<Option<String>, String> {
        Self::read(&self.token_env)
    }
    pub fn client(&self) -> Result<Option<String>, String> {
        Self::read(&self.client_env)
    }
}

/// The (standard, role) pairs the matrix knows how to run: those the suite table marks.
pub fn known() -> Vec<(&'static str, &'static str)> {
    crate::suites::all()
        .into_iter()
        .filter(|s| s.matrix)
        .map(|s| (s.standard, s.role))
        .collect()
}

/// Replaces `${VAR}` from the environment (an unset variable is an error) and `${VAR:-default}`.
pub fn expand(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else {
            return Err(format!("unclosed ${{ in {s:?}"));
        };
        let inner = &after[..j];
        let (var, default) = match inner.split_once(":-") {
            Some((v, d)) => (v, Some(d)),
            None => (inner, None),
        };
        match (std::env::var(var), default) {
            (Ok(v), _) => out.push_str(&v),
            (Err(_), Some(d)) => out.push_str(d),
            (Err(_), None) => {
                return Err(format!("environment variable {var} (in {s:?}) is not set"))
            }
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn check(imp: &Implementation) -> Result<(), String> {
    for c in &imp.claims {
        let known = known();
        if !known.contains(&(c.standard.as_str(), c.role.as_str())) {
            return Err(format!(
                "claim {}/{} is not one the matrix runs (known: {})",
                c.standard,
                c.role,
                known
                    .iter()
                    .map(|(s, r)| format!("{s}/{r}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let needs = match c.role.as_str() {
            "displayer" | "verifier" => ("verify_url", c.verify_url.is_some()),
            "issuer" => ("credentials", !c.credentials.is_empty()),
            _ => ("target", c.target.is_some()),
        };
        if !needs.1 {
            return Err(format!(
                "claim {}/{} needs `{}`",
                c.standard, c.role, needs.0
            ));
        }
    }
    Ok(())
}

/// Reads every `*.toml` in `dir`, sorted by file name. Any bad file is an error naming it.
pub fn load_dir(dir: &Path) -> Result<Vec<Implementation>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read registry {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("registry {} has no *.toml files", dir.display()));
    }
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let mut imp: Implementation =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        imp.id = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        imp.dir = dir.to_path_buf();
        check(&imp).map_err(|e| format!("{}: {e}", f.display()))?;
        if let Some(prev) = seen.insert(imp.name.clone(), imp.id.clone()) {
            return Err(format!(
                "{}: name {:?} is already used by {prev}.toml",
                f.display(),
                imp.name
            ));
        }
        out.push(imp);
    }
    Ok(out)
}

/// Keeps implementations carrying every one of `tags` (none given: all).
pub fn select(all: Vec<Implementation>, tags: &[String]) -> Vec<Implementation> {
    all.into_iter()
        .filter(|i| tags.iter().all(|t| i.tags.contains(t)))
        .collect()
}

/// Shard `i` of `n` (1-based): every n-th implementation in registry order.
pub fn shard(all: Vec<Implementation>, i: usize, n: usize) -> Vec<Implementation> {
    all.into_iter()
        .enumerate()
        .filter(|(k, _)| n > 0 && k % n == i.saturating_sub(1))
        .map(|(_, x)| x)
        .collect()
}

/// Parses `--shard i/n`.
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s.split_once('/').ok_or("--shard is i/n, e.g. 2/4")?;
    let (i, n): (usize, usize) = (
        i.trim()
            .parse()
            .map_err(|_| "--shard i/n: i is not a number")?,
        n.trim()
            .parse()
            .map_err(|_| "--shard i/n: n is not a number")?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(format!("--shard {s}: need 1 <= i <= n"));
    }
    Ok((i, n))
}
