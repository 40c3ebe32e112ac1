//! The test kit's purpose-built provider, seeded with the suite's own signed credentials.

use wellspring_suite_ob30::issuer::IssuerStandard as Standard;
pub use wellspring_testkit::provider::*;

/// A provider with `faults`, seeded with two JSON credentials and two VC-JWTs of `std`.
pub fn start(std: Standard, faults: Faults) -> Provider {
    start_seeded(std, faults, &|| {
        wellspring_suite_ob30::provider::upsert_payloads(std).expect("the suite signs its payloads")
    })
}
