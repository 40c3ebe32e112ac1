pub use wellspring_suite_ob30::provider_fixture::*;
