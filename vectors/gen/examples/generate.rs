//! Regenerates the committed vector set and its coverage table:
//! `cargo run -p wellspring-vectors --example generate [-- DIR]` (DIR defaults to `vectors/`).

use std::path::PathBuf;

fn main() {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let out = out.canonicalize().unwrap_or(out);
    let manifest = match wellspring_vectors::generate_with_coverage(&out) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("generate: {e}");
            std::process::exit(1);
        }
    };
    let outcomes = wellspring_vectors::run_core(&manifest, &out);
    print!("{}", wellspring_vectors::results_table(&outcomes));
    println!(
        "{} vectors written to {}",
        manifest.vectors.len(),
        out.display()
    );
}
