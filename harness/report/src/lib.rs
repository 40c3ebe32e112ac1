//! Check results (what a run found) and how they are written out.

mod html;
mod model;
pub mod render;
pub use model::*;
