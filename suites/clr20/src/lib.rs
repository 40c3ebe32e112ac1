//! CLR 2.0 API certification suites (Service Provider Read/Write, Issuer).
//!
//! The engine is shared with OB 3.0 (`wellspring_suite_ob30::provider`), parameterized by
//! standard: CLR 2.0 paths (`/ims/clr/v2p0`), scopes, `ClrCredential` payloads, the CLR
//! schemas and the `clr2.provider.` check IDs. This crate names the CLR entry points.

use wellspring_report::{CheckDef, DocReport};
pub use wellspring_suite_ob30::issuer::IssuerStandard;
pub use wellspring_suite_ob30::provider::{self, Options, Role, CLR2};

/// The CLR 2.0 provider checks of a role, in report order.
pub fn provider_checks(role: Role) -> Vec<CheckDef> {
    provider::checks(IssuerStandard::Clr20, role)
}

/// Options for a CLR 2.0 provider run against `target`.
pub fn provider_options(role: Role, target: impl Into<String>) -> Options {
    Options::new(IssuerStandard::Clr20, role, target)
}

/// Runs the CLR 2.0 provider suite (`Err`: could not run at all).
pub fn run_provider(o: &Options, progress: provider::Progress) -> Result<DocReport, String> {
    let mut o = o.clone();
    o.standard = IssuerStandard::Clr20;
    provider::run(&o, progress)
}
