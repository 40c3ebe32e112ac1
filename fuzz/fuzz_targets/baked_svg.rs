//! Baked SVG: XML parsing and the `openbadges:credential` element / `verify` attribute.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wellspring_verify::baked;

fuzz_target!(|data: &[u8]| {
    let _ = baked::is_svg(data);
    let _ = baked::extract_svg(data);
});
