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
    /// Print the RDFC-1.0 canonical N-Quads of a JSON-LD document, as the proof checks compute
    /// them: pinned contexts only (no network), the same size and work bounds. For comparing
    /// with other implementations: vectors/crosscheck/run.sh --rdfc-random does, against
    /// rdf-canonize. Exit 0 printed, 1 the document was refused (the reason on stderr), 2 the
    /// file could not be read as JSON.
    #[command(verbatim_doc_comment)]
    Canonicalize {
        /// A JSON-LD document (all of it is canonicalized, a `proof` included).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(cmd: VectorsCmd) -> u8 {
    match cmd {
        VectorsCmd::Canonicalize { file } => canonicalize(&file),
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

/// `wellspring vectors canonicalize FILE`.
fn canonicalize(file: &std::path::Path) -> u8 {
    let max = wellspring_verify::DEFAULT_MAX_BYTES;
    let read = || -> Result<Vec<u8>, String> {
        use std::io::Read;
        let mut b = Vec::new();
        std::fs::File::open(file)
            .and_then(|f| f.take(max as u64 + 1).read_to_end(&mut b))
            .map_err(|e| e.to_string())?;
        if b.len() > max {
            return Err(format!(
                "larger than {max} bytes, the verifier's input limit"
            ));
        }
        Ok(b)
    };
    let doc: serde_json::Value = match read()
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("not JSON: {e}")))
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("wellspring vectors canonicalize: {}: {e}", file.display());
            return 2;
        }
    };
    let loader = wellspring_verify::loader::ContextLoader::offline();
    match wellspring_verify::canon::canonical_nquads(&doc, &loader) {
        Ok(lines) => {
            print!("{}", lines.concat());
            0
        }
        Err(e) => {
            eprintln!("wellspring vectors canonicalize: {}: {e}", file.display());
            1
        }
    }
}
