//! OB 3.0 API certification suites (Service Provider Read/Write, Issuer).

pub mod consumer;
pub mod displayer;
pub mod issuer;
pub mod provider;
