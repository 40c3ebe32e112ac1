//! Compact JWS: split and decode (`jwt::decode`), the claim consistency check, and signature
//! verification with the key named by an attacker-controlled `kid` / `jwk` (did:key and did:jwk
//! resolve offline, so their parsers are exercised too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wellspring_verify::jwt;
use wellspring_verify::keys::KeyRing;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = jwt::looks_like_jws(text);
    if let Ok(decoded) = jwt::decode(text) {
        let _ = jwt::claim_mismatches(&decoded);
        let _ = jwt::issuer_id(&decoded.credential);
        let _ = jwt::verify_signature(&decoded, &KeyRing::new());
    }
});
