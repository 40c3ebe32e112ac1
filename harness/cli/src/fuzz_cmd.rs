//! `wellspring fuzz`: structure-aware fuzzing of credential verifiers (harness/fuzz).

use clap::Args;

/// Fuzz a credential verifier (placeholder until the fuzzer lands).
#[derive(Args)]
pub struct FuzzArgs {}

pub fn run(_a: FuzzArgs) -> u8 {
    eprintln!("wellspring fuzz: not built yet");
    2
}
