//! The CASE 1.0 data model (1EdTech Competencies and Academic Standards Exchange) and the CASE 1.1
//! machine-readable files.
//!
//! * [`model`] — strict, owned serde types for a `CFPackage` exactly as the CASE 1.0 OpenAPI
//!   (`CFPackage.Type` and what it references) defines it: unknown properties are rejected.
//! * [`view`] — a lenient, borrowing view of a package used by the integrity checks: it reads
//!   whatever is there (wrong types become [`view::Field::Other`]) and keeps array positions,
//!   so every finding can be reported with a JSON pointer. Strings borrow from the input bytes.
//! * [`datatypes`] — the CASE primitive types: UUID, DateTime, Date.
//! * [`openapi`] — the official CASE 1.0 OpenAPI 2.0 file, embedded, and schema documents cut
//!   from it.
//! * [`openapi11`] — the official CASE 1.1 OpenAPI 3.0 file and its 24 per-operation response
//!   payload JSON Schemas, embedded.
//!
//! This crate loads and describes; judging is in `wellspring-suite-case10`.

pub mod datatypes;
pub mod model;
pub mod openapi;
pub mod openapi11;
pub mod view;

pub use view::{load_view, PackageView};

/// Largest package accepted by default (CASE packages of state frameworks reach several MB).
pub const DEFAULT_MAX_BYTES: usize = 256 * 1024 * 1024;
