//! The Wellspring Achievement Hub: reference OB 3.0 / CLR 2.0 issuer and Service Provider.
//!
//! * [`store`]: SQLite (WAL, synchronous=FULL): learners, the issuer key, the achievement
//!   catalog, results, awards, every credential a learner holds, and the status list index
//!   (and revocation) of every credential issued.
//! * [`issue`]: the issuer identity (did:key by default, did:web document and JWKS published)
//!   and the credentials it signs (eddsa-rdfc-2022; VC-JWT on request).
//! * [`server`]: the OB 3.0 / CLR 2.0 Service Provider surface (`wellspring-obapi`) over the
//!   store, the issuer documents, the W3C Bitstring Status List of what the hub issued
//!   (`GET /status/1`), and the admin API (`POST /admin/results`, `POST /admin/revoke`).
//! * `admin`: the admin API handlers and the status list endpoint.
//! * `pages`: the home, terms and privacy pages (HTML, built with `maud`).
//! * [`demo`]: the Diesel Technology catalog aligned to the CASE demo framework.

mod admin;
pub mod demo;
pub mod issue;
mod pages;
pub mod server;
pub mod store;
