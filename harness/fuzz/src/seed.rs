//! Seeds: the valid credentials a campaign starts from (a vector folder with its
//! `manifest.json`, or any folder of credential files), the options each one verifies under, and
//! the private keys that let the fuzzer re-sign a mutant as its real issuer would.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ssi_jwk::JWK;
use wellspring_verify::{baked, jwt, keys, loader::ContextLoader, Options, Recipient};

/// How a seed is carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A JSON credential or presentation (Data Integrity proof, or none).
    Json,
    /// A compact JWS (VC-JWT).
    Jws,
    /// A baked PNG (`iTXt openbadgecredential`).
    Png,
    /// A baked SVG (`openbadges:credential`).
    Svg,
}

impl Format {
    /// File extension for a mutant in this format.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jws => "jwt",
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// The credential inside a seed, decoded for structure-aware mutation.
#[derive(Debug, Clone)]
pub enum Inner {
    /// JSON (the document itself).
    Json(Value),
    /// A VC-JWT, kept part by part so an untouched part is re-emitted byte for byte.
    Jws {
        header: Map<String, Value>,
        payload: Value,
        header_b64: String,
        payload_b64: String,
        signature_b64: String,
    },
}

impl Inner {
    pub fn parse(text: &str) -> Option<Inner> {
        let t = text.trim();
        if jwt::looks_like_jws(t) {
            let d = jwt::decode(t).ok()?;
            let mut it = t.split('.');
            let (h, p, s) = (it.next()?, it.next()?, it.next()?);
            return Some(Inner::Jws {
                header: d.header,
                payload: Value::Object(d.payload),
                header_b64: h.to_owned(),
                payload_b64: p.to_owned(),
                signature_b64: s.to_owned(),
            });
        }
        serde_json::from_str::<Value>(t)
            .ok()
            .filter(Value::is_object)
            .map(Inner::Json)
    }

    /// Is the seed signed (a JWS, or JSON with an embedded proof)?
    pub fn is_signed(&self) -> bool {
        match self {
            Inner::Jws { .. } => true,
            Inner::Json(v) => v.get("proof").is_some(),
        }
    }
}

/// What the in-process verifier needs to judge a seed (and its mutants) as the manifest says:
/// the clock, keys beyond did:key / did:jwk, status lists, the expected recipient. Self-contained
/// (key and status documents inline) so that a reproducer replays without the seed folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeedOptions {
    pub now: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status_files: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
}

impl SeedOptions {
    pub fn to_options(&self) -> Result<Options, String> {
        let now = chrono::DateTime::parse_from_rfc3339(&self.now)
            .map_err(|e| format!("now {:?}: {e}", self.now))?
            .with_timezone(&chrono::Utc);
        let mut opts = Options::offline(now);
        for (vm, material) in &self.keys {
            opts.keys.add(vm, material)?;
        }
        for (url, text) in &self.status_files {
            opts.status_files.insert(url.clone(), text.clone());
        }
        if let Some(r) = &self.recipient {
            opts.recipient = Some(r.parse::<Recipient>()?);
        }
        Ok(opts)
    }
}

/// One seed.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The file, relative to the seed folder's root (the manifest's folder when there is one).
    pub name: String,
    pub format: Format,
    pub bytes: Vec<u8>,
    /// The credential text (extracted from the image for baked seeds).
    pub text: String,
    pub inner: Inner,
    pub options: SeedOptions,
    /// Every JSON pointer of the unmutated document, made on first use (the mutator's walk).
    pub(crate) walk: std::sync::OnceLock<Vec<crate::mutate::Node>>,
    /// The public key its JWS `kid` resolves to, made on first use (the HMAC confusion trick).
    pub(crate) kid_public: std::sync::OnceLock<Option<JWK>>,
    /// The seed signed by the attacker's key (a Data Integrity seed), made on first use.
    pub(crate) attacker_signed: std::sync::OnceLock<Option<Value>>,
    /// The names its mutants are baked under (CLR 2.0's for a ClrCredential), made on first use.
    pub(crate) baking: std::sync::OnceLock<wellspring_verify::baked::Baking>,
}

/// Private keys by verification method / `kid`: what re-signing "as the issuer" uses.
#[derive(Clone, Default)]
pub struct Signers {
    by_vm: HashMap<String, JWK>,
}

impl Signers {
    pub fn get(&self, vm: &str) -> Option<&JWK> {
        self.by_vm.get(vm)
    }
    pub fn len(&self) -> usize {
        self.by_vm.len()
    }
    pub fn is_empty(&self) -> bool {
        self.by_vm.is_empty()
    }
    /// Registers a private key under its did:key and did:jwk verification methods, and `extra`.
    pub fn add(&mut self, jwk: JWK, extra: &[String]) {
        if let Ok((_, vm)) = keys::did_key_of(&jwk) {
            self.by_vm.insert(vm, jwk.clone());
        }
        let (_, vm) = keys::did_jwk_of(&jwk);
        self.by_vm.insert(vm, jwk.clone());
        for e in extra {
            self.by_vm.insert(e.clone(), jwk.clone());
        }
    }
}

/// The attacker: a fixed Ed25519 key nobody's issuer controls, and its did:key method.
pub fn attacker() -> &'static (JWK, String, String) {
    static A: std::sync::OnceLock<(JWK, String, String)> = std::sync::OnceLock::new();
    A.get_or_init(|| {
        use sha2::Digest;
        let seed: [u8; 32] = sha2::Sha256::digest(b"wellspring-fuzz attacker key").into();
        let jwk = keys::ed25519_from_seed(seed);
        let (did, vm) = keys::did_key_of(&jwk).expect("Ed25519 did:key");
        (jwk, did, vm)
    })
}

/// The seed set and what comes with it.
pub struct SeedSet {
    pub root: PathBuf,
    pub seeds: Vec<Seed>,
    pub signers: Signers,
    /// Shared JSON-LD context loader (pinned contexts, offline) used for re-signing.
    pub loader: ContextLoader,
    /// Mutants re-signed by their issuer, made on first use (see [`crate::mutate::ResignPool`]).
    pub resigned: crate::mutate::ResignPool,
}

#[derive(Deserialize)]
struct Manifest {
    now: String,
    vectors: Vec<ManifestEntry>,
}

#[derive(Deserialize)]
struct ManifestEntry {
    file: String,
    expect: String,
    #[serde(default)]
    keys: BTreeMap<String, String>,
    #[serde(default)]
    status_files: BTreeMap<String, String>,
    #[serde(default)]
    recipient: Option<String>,
}

fn read_text(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

/// Decodes a seed file (JSON, JWS, baked PNG or SVG); None when it holds no credential.
pub fn decode(bytes: &[u8]) -> Option<(Format, String, Inner)> {
    let (format, text) = if baked::is_png(bytes) {
        (Format::Png, baked::extract_png(bytes).ok()?)
    } else {
        let t = std::str::from_utf8(bytes).ok()?;
        if t.trim_start().starts_with('<') {
            (Format::Svg, baked::extract_svg(bytes).ok()?)
        } else if jwt::looks_like_jws(t) {
            (Format::Jws, t.trim().to_owned())
        } else {
            (Format::Json, t.to_owned())
        }
    };
    let inner = Inner::parse(&text)?;
    Some((format, text, inner))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// Loads seeds from `dir`. With a `manifest.json` in `dir` or its parent, the manifest's valid
/// entries under `dir` are the seeds, each with its keys, status lists and recipient; otherwise
/// every `.json`, `.jwt`, `.png` and `.svg` file under `dir` is a seed, judged at `now`.
/// Private keys (`*.priv.jwk.json` under `<root>/keys`) let mutants be re-signed by their issuer.
pub fn load(dir: &Path, now: Option<&str>) -> Result<SeedSet, String> {
    let dir_abs = dir
        .canonicalize()
        .map_err(|e| format!("seed folder {}: {e}", dir.display()))?;
    let manifest_at = [
        dir_abs.clone(),
        dir_abs.parent().map(Path::to_path_buf).unwrap_or_default(),
    ]
    .into_iter()
    .find(|d| d.join("manifest.json").is_file());
    let mut key_files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let root = manifest_at.clone().unwrap_or_else(|| dir_abs.clone());
    let seeds = match &manifest_at {
        Some(root) => manifest_seeds(root, &dir_abs, now, &mut key_files)?,
        None => folder_seeds(&dir_abs, now)?,
    };
    if seeds.is_empty() {
        return Err(format!(
            "no seed credentials in {} (JSON, JWT, baked PNG or SVG)",
            dir.display()
        ));
    }
    let signers = load_signers(&root.join("keys"), &key_files);
    let resigned = crate::mutate::ResignPool::new(seeds.len(), 0, crate::mutate::RESIGN_POOL);
    Ok(SeedSet {
        root,
        seeds,
        signers,
        loader: ContextLoader::offline(),
        resigned,
    })
}

impl Seed {
    /// The names the seed's mutants are baked under: the seed credential's (mutants keep its type,
    /// and parsing every mutant again to look would slow the campaign).
    pub(crate) fn baking(&self) -> wellspring_verify::baked::Baking {
        use wellspring_verify::baked::Baking;
        *self
            .baking
            .get_or_init(|| Baking::of_text(&self.text).unwrap_or(Baking::Ob))
    }

    /// A decoded seed file; what is made on first use is not made yet.
    fn new(
        name: String,
        bytes: Vec<u8>,
        decoded: (Format, String, Inner),
        options: SeedOptions,
    ) -> Seed {
        let (format, text, inner) = decoded;
        Seed {
            name,
            format,
            bytes,
            text,
            inner,
            options,
            walk: Default::default(),
            kid_public: Default::default(),
            attacker_signed: Default::default(),
            baking: Default::default(),
        }
    }
}

/// The valid entries of the manifest in `root` that lie under `dir_abs`, with their options
/// read from the files the manifest names. The key file of each verification method goes
/// into `key_files`.
fn manifest_seeds(
    root: &Path,
    dir_abs: &Path,
    now: Option<&str>,
    key_files: &mut BTreeMap<String, PathBuf>,
) -> Result<Vec<Seed>, String> {
    let m: Manifest = serde_json::from_str(&read_text(&root.join("manifest.json"))?)
        .map_err(|e| format!("{}/manifest.json: {e}", root.display()))?;
    let mut seeds = Vec::new();
    for e in m.vectors.iter().filter(|e| e.expect == "valid") {
        let path = root.join(&e.file);
        if !path.starts_with(dir_abs) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|err| format!("{}: {err}", path.display()))?;
        let Some(decoded) = decode(&bytes) else {
            continue;
        };
        let mut options = SeedOptions {
            now: now.unwrap_or(&m.now).to_owned(),
            recipient: e.recipient.clone(),
            ..SeedOptions::default()
        };
        for (vm, file) in &e.keys {
            options
                .keys
                .insert(vm.clone(), read_text(&root.join(file))?);
            key_files.insert(vm.clone(), root.join(file));
        }
        for (url, file) in &e.status_files {
            options
                .status_files
                .insert(url.clone(), read_text(&root.join(file))?);
        }
        seeds.push(Seed::new(e.file.clone(), bytes, decoded, options));
    }
    Ok(seeds)
}

/// Every credential file under `dir_abs` (no manifest), judged at `now` (default: the present).
fn folder_seeds(dir_abs: &Path, now: Option<&str>) -> Result<Vec<Seed>, String> {
    let now = now
        .map(str::to_owned)
        .unwrap_or_else(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let mut files = Vec::new();
    files_under(dir_abs, &mut files)?;
    let mut seeds = Vec::new();
    for path in files {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "json" | "jwt" | "jws" | "png" | "svg")
            || path.to_string_lossy().ends_with(".jwk.json")
        {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|err| format!("{}: {err}", path.display()))?;
        let Some(decoded) = decode(&bytes) else {
            continue;
        };
        let name = path
            .strip_prefix(dir_abs)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let options = SeedOptions {
            now: now.clone(),
            ..SeedOptions::default()
        };
        seeds.push(Seed::new(name, bytes, decoded, options));
    }
    Ok(seeds)
}

/// Private keys: registered under did:key / did:jwk, and under any method the manifest
/// names for the matching public key file.
fn load_signers(keys_dir: &Path, key_files: &BTreeMap<String, PathBuf>) -> Signers {
    let mut signers = Signers::default();
    if let Ok(rd) = std::fs::read_dir(keys_dir) {
        let mut privs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".priv.jwk.json"))
            .collect();
        privs.sort();
        for p in privs {
            let Ok(jwk) = read_text(&p)
                .and_then(|t| serde_json::from_str::<JWK>(&t).map_err(|e| e.to_string()))
            else {
                continue;
            };
            let public = PathBuf::from(
                p.to_string_lossy()
                    .replace(".priv.jwk.json", ".pub.jwk.json"),
            );
            let extra: Vec<String> = key_files
                .iter()
                .filter(|(_, f)| **f == public)
                .map(|(vm, _)| vm.clone())
                .collect();
            signers.add(jwk, &extra);
        }
    }
    signers
}
