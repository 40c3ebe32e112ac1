//! `wellspring vectors`: generate the test-vector set, or run a verifier over it.

use std::path::PathBuf;

use clap::Subcommand;
use wellspring_vectors::{generate_with_coverage, results_table, run_command, run_core, Manifest};

#[derive(Subcommand)]
pub enum VectorsCmd {
    /// Write the whole vector set (keys, valid/, invalid/, status/, manifest.json, COVERAGE.md)
    /// to DIR, deterministically: fixed key seeds and a fixed clock give byte-identical files.
    Generate {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Run a verifier over the vector set and print which vectors it got wrong.
    ///
    /// With no --verifier, runs Wellspring's own verification core and also compares the
    /// failed check IDs with the manifest. With --verifier 'CMD {}', runs CMD once per vector
    /// ({} = the file's path; exit 0 = accepted, anything else = rejected; 20 s timeout).
    #[command(verbatim_doc_comment)]
    Run {
        /// The vector set: a folder holding manifest.json.
        #[arg(long, value_name = "DIR", default_value = "vectors")]
        dir: PathBuf,
        /// External verifier command; `{}` is replaced by the vector's path.
        #[arg(long, value_name = "CMD")]
        verifier: Option<String>,
    },
}

pub fn run(cmd: VectorsCmd) -> u8 {
    match cmd {
        VectorsCmd::Generate { out } => match generate_with_coverage(&out) {
            Ok(m) => {
                println!("{} vectors written to {}", m.vectors.len(), out.display());
                0
            }
            Err(e) => {
                eprintln!("wellspring vectors generate: {e}");
                2
            }
        },
        VectorsCmd::Run { dir, verifier } => {
            let manifest = match Manifest::load(&dir.join("manifest.json")) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!(
                        "wellspring vectors run: {e} (is {} a vector set?)",
                        dir.display()
                    );
                    return 2;
                }
            };
            let outcomes = match &verifier {
                Some(cmd) if !cmd.contains("{}") => {
                    eprintln!("wellspring vectors run: --verifier must contain {{}} where the file path goes");
                    return 2;
                }
                Some(cmd) => run_command(&manifest, &dir, cmd),
                None => run_core(&manifest, &dir),
            };
            print!("{}", results_table(&outcomes));
            if outcomes.iter().all(|o| o.ok()) {
                0
            } else {
                1
            }
        }
    }
}
