//! CASE 1.0 package check (`wellspring case check`): parse, schema, identifiers, associations,
//! hierarchy, URIs, dates, over arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wellspring_suite_case10::{check, Options};

fuzz_target!(|data: &[u8]| {
    let report = check("fuzz.json", data, &Options::default());
    assert!(!report.checks.is_empty());
});
