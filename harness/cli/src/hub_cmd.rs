//! `wellspring hub ...`: the reference Achievement Hub (reference-impl/hub).

use clap::Subcommand;

#[derive(Subcommand)]
pub enum HubCmd {
    /// Start the hub (placeholder until the hub lands).
    Serve,
}

pub fn run(_c: HubCmd) -> u8 {
    eprintln!("wellspring hub: not built yet");
    2
}
