//! The Wellspring Achievement Hub: reference OB 3.0 / CLR 2.0 issuer and Service Provider.
//!
//! * [`store`]: SQLite (WAL, synchronous=FULL): learners, the issuer key, the achievement
//!   catalog, results, awards and every credential a learner holds.
//! * [`issue`]: the issuer identity (did:key by default, did:web document and JWKS published)
//!   and the credentials it signs (eddsa-rdfc-2022; VC-JWT on request).
//! * [`server`]: the OB 3.0 / CLR 2.0 Service Provider surface (`wellspring-obapi`) over the
//!   store, the issuer documents, and the admin trigger `POST /admin/results`.
//! * [`demo`]: the Diesel Technology catalog aligned to the CASE demo framework.

pub mod demo;
pub mod issue;
pub mod server;
pub mod store;
