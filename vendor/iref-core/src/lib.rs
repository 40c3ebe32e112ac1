// Wellspring: upstream code under a newer rustc lint (style only).
#![allow(mismatched_lifetime_syntaxes)]
pub(crate) mod common;
pub mod iri;
pub mod uri;
pub(crate) mod utils;

pub use iri::{InvalidIri, Iri, IriBuf, IriError, IriRef, IriRefBuf};
pub use uri::{InvalidUri, Uri, UriBuf, UriError, UriRef, UriRefBuf};
