//! The Wellspring Open Digital Wallet (reference implementation): a learner's wallet.
//!
//! - `connect`: Service Consumer (Read) of any OB 3.0 / CLR 2.0 provider.
//! - `host`: the wallet as a Service Provider (Read and Write) for other apps, over `wellspring-obapi`.

pub mod connect;
pub mod host;
pub mod intake;
pub mod server;
pub mod share;
pub mod store;
pub mod web;
