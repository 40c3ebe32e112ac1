//! Interop matrix across implementations (`wellspring matrix`): a registry of
//! implementations (TOML files), every applicable suite run against every implementation,
//! the cross-implementation cells, and reports (HTML, JSON, JUnit per implementation, EARL).
//! Sharded runs (`--shard i/n`) produce partial JSON that `merge` combines into one report.

pub mod model;
pub mod registry;
pub mod render;
pub mod run;
pub mod suites;

pub use model::{merge, Matrix, RunInfo};

use std::path::Path;

/// Writes every rendering of `m` into `dir`: matrix.json, matrix.html, earl.jsonld,
/// junit/<implementation>.xml.
pub fn write_reports(m: &Matrix, dir: &Path, title: &str) -> Result<(), String> {
    let w = |name: &str, text: String| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    std::fs::create_dir_all(dir.join("junit"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    w(
        "matrix.json",
        serde_json::to_string_pretty(m).map_err(|e| e.to_string())?,
    )?;
    w("matrix.html", render::html(m, title))?;
    w(
        "earl.jsonld",
        serde_json::to_string_pretty(&render::earl(m)).map_err(|e| e.to_string())?,
    )?;
    for c in &m.implementations {
        w(&format!("junit/{}.xml", c.id), render::junit(m, &c.id))?;
    }
    Ok(())
}
