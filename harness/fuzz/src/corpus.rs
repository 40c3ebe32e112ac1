//! A libFuzzer corpus from the structure-aware fuzzer: the seeds and the mutants of a campaign,
//! one file per input, filed under the cargo-fuzz target that parses that format
//! (`fuzz/fuzz_targets/`). Coverage-guided fuzzing (`cargo fuzz`, ClusterFuzzLite) starts from
//! inputs that already reach deep into the verifier, and a crash it finds is a plain file that
//! `wellspring verify` or `wellspring fuzz --target-cmd` reads back.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::Digest;

use crate::draw;
use crate::mutate::{self, Limits};
use crate::seed::{Format, SeedSet};
use proptest::strategy::ValueTree;

/// The cargo-fuzz target that takes inputs of this format.
pub fn target_of(format: Format) -> &'static str {
    match format {
        Format::Json => "credential_json",
        Format::Jws => "compact_jws",
        Format::Png => "baked_png",
        Format::Svg => "baked_svg",
    }
}

/// What an export wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Exported {
    /// Files per target (new ones; an input already there is not counted twice).
    pub written: BTreeMap<&'static str, usize>,
    /// Mutants left out for being larger than the size bound.
    pub too_large: usize,
}

/// Writes the seeds of `set` (re-signing with a pool of `resign_pool` per seed, as a campaign) and the mutants of cases `0..cases` of campaign `seed` under
/// `dir/<target>/<sha256 of the input>`; inputs over `max_bytes` are left out (libFuzzer
/// corpora stay small).
pub fn export(
    mut set: SeedSet,
    seed: u64,
    cases: u64,
    limits: Limits,
    resign_pool: usize,
    max_bytes: usize,
    dir: &Path,
) -> Result<Exported, String> {
    set.resigned = mutate::ResignPool::new(set.seeds.len(), seed, resign_pool);
    let mut out = Exported::default();
    let put = |format: Format, bytes: &[u8], out: &mut Exported| -> Result<(), String> {
        if bytes.len() > max_bytes {
            out.too_large += 1;
            return Ok(());
        }
        let target = target_of(format);
        let sub = dir.join(target);
        std::fs::create_dir_all(&sub).map_err(|e| format!("{}: {e}", sub.display()))?;
        let file = sub.join(hex::encode(sha2::Sha256::digest(bytes)));
        if !file.exists() {
            std::fs::write(&file, bytes).map_err(|e| format!("{}: {e}", file.display()))?;
            *out.written.entry(target).or_default() += 1;
        }
        Ok(())
    };
    for s in &set.seeds {
        put(s.format, &s.bytes, &mut out)?;
    }
    for case in 0..cases {
        let plan = draw(seed, case, limits).current();
        let m = mutate::build(&set, &plan);
        put(m.format, &m.bytes, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_seeds_and_mutants_by_target_and_bounds_size() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors");
        let set = crate::seed::load(&root, None).unwrap();
        let seeds = set.seeds.len();
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_string: 4096,
            max_array: 400,
            max_depth: 64,
        };
        let e = export(set, 7, 200, limits, 0, 64 * 1024, dir.path()).unwrap();
        let total: usize = e.written.values().sum();
        assert!(total > seeds, "{e:?}");
        for t in ["credential_json", "compact_jws", "baked_png", "baked_svg"] {
            assert!(e.written.get(t).copied().unwrap_or(0) > 0, "{t}: {e:?}");
        }
        for f in std::fs::read_dir(dir.path().join("credential_json")).unwrap() {
            let f = f.unwrap();
            assert!(f.metadata().unwrap().len() <= 64 * 1024);
            let name = f.file_name().into_string().unwrap();
            let bytes = std::fs::read(f.path()).unwrap();
            assert_eq!(name, hex::encode(sha2::Sha256::digest(&bytes)));
        }
        // the same campaign again adds nothing: files are named by content
        let set = crate::seed::load(&root, None).unwrap();
        let again = export(set, 7, 200, limits, 0, 64 * 1024, dir.path()).unwrap();
        assert_eq!(again.written.values().sum::<usize>(), 0, "{again:?}");
    }
}
