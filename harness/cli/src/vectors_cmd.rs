//! `wellspring vectors`: generate the test-vector set, or run a verifier over it.

use clap::Subcommand;

#[derive(Subcommand)]
pub enum VectorsCmd {
    /// Write the whole vector set to DIR, deterministically (fixed keys and clock).
    Generate {
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
    },
}

pub fn run(cmd: VectorsCmd) -> u8 {
    match cmd {
        VectorsCmd::Generate { out } => {
            let _ = out;
            eprintln!("not yet");
            2
        }
    }
}
