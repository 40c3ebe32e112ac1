//! Check results (what a run found) and how they are written out.

pub mod brief;
mod cert;
pub mod declare;
mod html;
pub mod meta;
mod model;
pub mod render;
pub use meta::{level_of, Level, RunMeta, Signer, StandardRef, Tool};
pub use model::*;
pub mod shown;
