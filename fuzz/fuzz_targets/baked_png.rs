//! Baked PNG: chunk walking, iTXt decoding (compressed or not) of `openbadgecredential`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wellspring_verify::baked;

fuzz_target!(|data: &[u8]| {
    // The fuzzer rarely guesses the signature; give every input a PNG one.
    let mut bytes = Vec::with_capacity(data.len() + 8);
    bytes.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    bytes.extend_from_slice(data);
    assert!(baked::is_png(&bytes));
    let _ = baked::extract_png(&bytes);
    let _ = baked::extract_png(data);
});
