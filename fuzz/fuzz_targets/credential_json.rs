//! Credential JSON through the whole verification core (parse, type, context, schema, proof):
//! any bytes must give a report, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wellspring_verify::{verify_bytes, Options};

fn options() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("fixed clock")
            .with_timezone(&chrono::Utc);
        Options::offline(now)
    })
}

fuzz_target!(|data: &[u8]| {
    let report = verify_bytes("fuzz.json", data, options());
    // A report always names at least its parse check.
    assert!(!report.checks.is_empty() || !report.nested.is_empty());
});
