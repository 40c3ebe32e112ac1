//! OB 3.0 API certification suites (Service Provider Read/Write, Issuer).

pub mod issuer;
pub mod displayer;
pub mod consumer;
pub mod provider;
pub mod provider_fixture;
