//! The vector set: what each file is, how it is made, and what a verifier must say about it.
//!
//! Rule for invalid vectors: one violation each. Properties are broken *before* signing
//! (so the signature over the broken credential verifies), proofs are broken *after*.

use serde_json::Value;
use wellspring_verify::baked;
use wellspring_verify::jwt::PayloadForm;

use crate::creds;
use crate::keys::{Key, Keys};
use crate::manifest::{pretty, Entry};
use crate::sign;
use crate::Writer;

mod honesty;
mod invalid_form;
mod invalid_proof;
mod refresh;
mod valid;

pub const RECIPIENT: &str = "email:conformance@imsglobal.org";
const REVOCATION_LIST_FILE: &str = "status/revocation-list.json";
const BITSTRING_LIST_FILE: &str = "status/bitstring-status-list.json";
/// Bitstring indexes: the revoked one is set, the active one clear.
const BIT_REVOKED: u32 = 42;
const BIT_ACTIVE: u32 = 7;
/// 16 KiB: the minimum bitstring length of the W3C Bitstring Status List.
const BITSTRING_BYTES: usize = 16 * 1024;

type R<T = ()> = Result<T, String>;

/// The four proof formats every credential kind is issued in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Eddsa,
    JwtRs256,
    JwtEs256,
    JwtEdDsa,
}

const FORMATS: [Fmt; 4] = [Fmt::Eddsa, Fmt::JwtRs256, Fmt::JwtEs256, Fmt::JwtEdDsa];

impl Fmt {
    fn key(self, k: &Keys) -> &Key {
        match self {
            Fmt::Eddsa | Fmt::JwtEdDsa => &k.issuer,
            Fmt::JwtRs256 => &k.rsa,
            Fmt::JwtEs256 => &k.p256,
        }
    }
    fn tag(self) -> &'static str {
        match self {
            Fmt::Eddsa => "eddsa",
            Fmt::JwtRs256 => "rs256",
            Fmt::JwtEs256 => "es256",
            Fmt::JwtEdDsa => "eddsa-jwt",
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Fmt::Eddsa => "eddsa.json",
            Fmt::JwtRs256 => "rs256.jwt",
            Fmt::JwtEs256 => "es256.jwt",
            Fmt::JwtEdDsa => "eddsa.jwt",
        }
    }
    fn proof(self) -> &'static str {
        match self {
            Fmt::Eddsa => "eddsa-rdfc-2022",
            Fmt::JwtRs256 => "vc-jwt-RS256",
            Fmt::JwtEs256 => "vc-jwt-ES256",
            Fmt::JwtEdDsa => "vc-jwt-EdDSA",
        }
    }
    fn describe(self) -> &'static str {
        match self {
            Fmt::Eddsa => "embedded eddsa-rdfc-2022 Data Integrity proof (did:key issuer)",
            Fmt::JwtRs256 => "VC-JWT RS256 (HTTPS issuer; key given in the manifest)",
            Fmt::JwtEs256 => "VC-JWT ES256 (did:jwk issuer)",
            Fmt::JwtEdDsa => "VC-JWT EdDSA (did:key issuer)",
        }
    }
    /// The secured credential as file bytes.
    fn secure(self, doc: &Value, key: &Key, form: PayloadForm) -> R<String> {
        match self {
            Fmt::Eddsa => Ok(pretty(&sign::eddsa(doc, key)?)),
            _ => sign::vc_jwt(doc, key, form),
        }
    }
}

struct Gen<'a> {
    k: &'a Keys,
    w: &'a Writer,
    entries: Vec<Entry>,
}

/// Pointer surgery on JSON (for breaking credentials on purpose).
fn remove_at(v: &mut Value, ptr: &str) {
    let (parent, key) = ptr.rsplit_once('/').expect("pointer");
    if let Some(Value::Object(o)) = v.pointer_mut(parent) {
        o.remove(key);
    } else {
        panic!("no object at {parent}");
    }
}

fn set_at(v: &mut Value, ptr: &str, value: Value) {
    let (parent, key) = ptr.rsplit_once('/').expect("pointer");
    match v.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.insert(key.to_owned(), value);
        }
        _ => panic!("no object at {parent}"),
    }
}

fn add_context(v: &mut Value, ctx: &str) {
    if let Some(Value::Array(a)) = v.get_mut("@context") {
        if !a.iter().any(|c| c == ctx) {
            a.push(ctx.into());
        }
    }
}

fn with_entry(e: Entry, key: &Key) -> Entry {
    if key.needs_key_file {
        let f = key.pub_file();
        e.with_key(&key.vm, &f)
    } else {
        e
    }
}

impl<'a> Gen<'a> {
    fn put(&mut self, e: Entry, content: &[u8]) -> R {
        self.w.bytes(&e.file, content)?;
        self.entries.push(e);
        Ok(())
    }

    fn put_json(&mut self, e: Entry, doc: &Value) -> R {
        self.put(e, pretty(doc).as_bytes())
    }

    /// Signs `doc` (eddsa, did:key issuer) and writes it as an invalid vector.
    fn invalid_signed(&mut self, name: &str, checks: &[&str], desc: &str, doc: &Value) -> R {
        let signed = sign::eddsa(doc, &self.k.issuer).map_err(|e| format!("{name}: {e}"))?;
        let e = Entry::invalid(
            format!("invalid/{name}.json"),
            checks,
            desc,
            "eddsa-rdfc-2022",
            Some(true),
        );
        self.put_json(e, &signed)
    }

    /// VC-JWT-signs `doc` (EdDSA, did:key issuer) and writes it as an invalid vector: for
    /// credentials whose breakage leaves terms undefined, so no embedded proof can be made.
    fn invalid_jwt_signed(&mut self, name: &str, checks: &[&str], desc: &str, doc: &Value) -> R {
        let jws = sign::vc_jwt(doc, &self.k.issuer, PayloadForm::Direct)?;
        let e = Entry::invalid(
            format!("invalid/{name}.eddsa.jwt"),
            checks,
            desc,
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, jws.as_bytes())
    }

    fn minimal(&self, label: &str) -> Value {
        creds::to_json(&creds::ob_minimal(label, &self.k.issuer.controller))
    }

    fn signed_minimal(&self, label: &str) -> R<Value> {
        sign::eddsa(&self.minimal(label), &self.k.issuer)
    }

    // ---- valid -------------------------------------------------------------------------
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// CRC-32 (ISO-HDLC, as PNG uses), bit by bit.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn plain_png(size: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        let data: Vec<u8> = (0..size * size).flat_map(|_| [120u8, 120, 120]).collect();
        w.write_image_data(&data).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn two_chunk_png(text: &str, size: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_itxt_chunk(baked::PNG_KEYWORD.into(), text.into())
            .map_err(|e| e.to_string())?;
        enc.add_itxt_chunk(baked::PNG_KEYWORD.into(), text.into())
            .map_err(|e| e.to_string())?;
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        let data: Vec<u8> = (0..size * size).flat_map(|_| [30u8, 30, 200]).collect();
        w.write_image_data(&data).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Builds every vector and status document; returns the manifest entries (unsorted).
pub fn all(keys: &Keys, w: &Writer) -> Result<Vec<Entry>, String> {
    let mut g = Gen {
        k: keys,
        w,
        entries: Vec::new(),
    };
    g.status_documents()?;
    g.valid_matrix()?;
    g.valid_other()?;
    g.invalid_parse()?;
    g.invalid_baked()?;
    g.invalid_context()?;
    g.invalid_type()?;
    g.invalid_schema()?;
    g.invalid_subject()?;
    g.invalid_proof()?;
    g.invalid_validity_status()?;
    g.invalid_nested()?;
    g.honesty()?;
    g.refresh_vectors()?;
    Ok(g.entries)
}
