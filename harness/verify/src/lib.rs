//! Wellspring verification core: judges Open Badges 3.0 and CLR 2.0 credentials offline,
//! check by check. See `checks.rs` for the catalogue of checks.

pub mod canon;
pub mod checks;
pub mod di;
pub mod keys;
pub mod loader;
pub use wellspring_report as report;
