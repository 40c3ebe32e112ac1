//! Baked badges (OB 3.0 `#png-baking`, `#svg-baking`): extracting the credential from a PNG
//! `iTXt` chunk keyed `openbadgecredential` or an SVG `openbadges:credential` element, and
//! baking one (for test vectors and the reference servers).
//!
//! A CLR 2.0 ClrCredential is baked the same way under its own names: the `iTXt` keyword
//! `clrcredential` and the SVG element `credential` in `https://purl.imsglobal.org/clr/v2p0`.
//! The CLR 2.0 text on baking is not in our spec material; these are the names the 1EdTech
//! validator (inspector-vc, `PngParser.Keys.CLR20`, `SvgParser.QNames.CLR20`) reads a baked
//! CLR by, so a CLR baked under the Open Badges names is not found there.

pub const PNG_KEYWORD: &str = "openbadgecredential";
pub const SVG_NS: &str = "https://purl.imsglobal.org/ob/v3p0";
pub const CLR_PNG_KEYWORD: &str = "clrcredential";
pub const CLR_SVG_NS: &str = "https://purl.imsglobal.org/clr/v2p0";

/// Which names a credential is baked under: Open Badges 3.0's or CLR 2.0's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baking {
    Ob,
    Clr,
}

impl Baking {
    pub fn png_keyword(self) -> &'static str {
        match self {
            Baking::Ob => PNG_KEYWORD,
            Baking::Clr => CLR_PNG_KEYWORD,
        }
    }

    pub fn svg_ns(self) -> &'static str {
        match self {
            Baking::Ob => SVG_NS,
            Baking::Clr => CLR_SVG_NS,
        }
    }

    /// The namespace prefix written when baking (readers go by the namespace, not the prefix).
    pub fn svg_prefix(self) -> &'static str {
        match self {
            Baking::Ob => "openbadges",
            Baking::Clr => "clr",
        }
    }

    /// The names a credential's text should be baked under: CLR 2.0's for a ClrCredential
    /// (JSON or the credential of a VC-JWT), Open Badges 3.0's for any other credential;
    /// `None` when the text is not a credential with a `type` to go by.
    pub fn of_text(credential: &str) -> Option<Baking> {
        let cred = if crate::jwt::looks_like_jws(credential) {
            crate::jwt::decode(credential.trim()).ok()?.credential
        } else {
            serde_json::from_str(credential).ok()?
        };
        let clr = match cred.get("type")? {
            serde_json::Value::String(t) => t == "ClrCredential",
            serde_json::Value::Array(a) => a.iter().any(|t| t == "ClrCredential"),
            _ => return None,
        };
        Some(if clr { Baking::Clr } else { Baking::Ob })
    }
}

/// Images larger than this many pixels are refused before decoding (bounded memory).
pub const MAX_PIXELS: u64 = 25_000_000;

pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

pub fn is_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    head.contains("<svg")
}

/// The credential text (JSON or compact JWS) baked in a PNG.
pub fn extract_png(bytes: &[u8]) -> Result<String, String> {
    extract_png_baked(bytes).map(|(text, _)| text)
}

/// The credential text baked in a PNG and the names it was found under.
pub fn extract_png_baked(bytes: &[u8]) -> Result<(String, Baking), String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("PNG is corrupt: {e}"))?;
    let (w, h) = (reader.info().width as u64, reader.info().height as u64);
    if w * h > MAX_PIXELS {
        return Err(format!(
            "PNG is {w}×{h} pixels, more than the {MAX_PIXELS} allowed"
        ));
    }
    let mut buf = vec![0; reader.output_buffer_size()];
    reader
        .next_frame(&mut buf)
        .map_err(|e| format!("PNG image data is corrupt: {e}"))?;
    reader
        .finish()
        .map_err(|e| format!("PNG is corrupt after the image data: {e}"))?;
    let chunks: Vec<_> = reader
        .info()
        .utf8_text
        .iter()
        .filter_map(|c| match c.keyword.as_str() {
            PNG_KEYWORD => Some((c, Baking::Ob)),
            CLR_PNG_KEYWORD => Some((c, Baking::Clr)),
            _ => None,
        })
        .collect();
    match chunks.as_slice() {
        [] => Err(format!(
            "PNG has no iTXt chunk keyed '{PNG_KEYWORD}' (or '{CLR_PNG_KEYWORD}' for a CLR)"
        )),
        [(one, baking)] => one
            .get_text()
            .map(|t| (t, *baking))
            .map_err(|e| format!("iTXt '{}' text is unreadable: {e}", one.keyword)),
        many => Err(format!(
            "PNG has {} iTXt chunks keyed '{PNG_KEYWORD}' or '{CLR_PNG_KEYWORD}'; the spec allows one",
            many.len()
        )),
    }
}

/// Most text XML entity references may expand to in one SVG (a "billion laughs" bound).
pub const MAX_ENTITY_EXPANSION: usize = 4 * 1024 * 1024;
/// Most XML nodes parsed from one SVG.
const MAX_SVG_NODES: u32 = 1_000_000;

/// An upper bound on the text entity references in `text` can expand to: the largest
/// expansion of any declared internal entity (each `&` in its value counted as a reference to
/// the largest entity declared before it) times the number of `&` in the document. Declared
/// entities are common in real badges (illustration tools declare namespace entities); what is
/// refused is only an expansion beyond [`MAX_ENTITY_EXPANSION`].
fn entity_expansion_bound(text: &str) -> usize {
    let mut largest = 0usize;
    for decl in text.split("<!ENTITY").skip(1) {
        let value = decl
            .find(['"', '\''])
            .and_then(|i| {
                let q = decl[i..].chars().next()?;
                let rest = &decl[i + q.len_utf8()..];
                rest.find(q).map(|j| &rest[..j])
            })
            .unwrap_or("");
        let refs = value.matches('&').count();
        let size = value.len().saturating_add(refs.saturating_mul(largest));
        largest = largest.max(size);
    }
    largest.saturating_mul(text.matches('&').count())
}

/// The credential text baked in an SVG: the `verify` attribute (JWS) or the element text (JSON).
/// A DOCTYPE is allowed (the SVG 1.1 DTD declaration is common); entity expansion is bounded.
pub fn extract_svg(bytes: &[u8]) -> Result<String, String> {
    extract_svg_baked(bytes).map(|(text, _)| text)
}

/// The credential text baked in an SVG and the names it was found under.
pub fn extract_svg_baked(bytes: &[u8]) -> Result<(String, Baking), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "SVG is not UTF-8".to_string())?;
    if text.contains("<!ENTITY") && entity_expansion_bound(text) > MAX_ENTITY_EXPANSION {
        return Err(format!(
            "SVG declares XML entities that could expand past {MAX_ENTITY_EXPANSION} bytes (entity expansion attack): refused"
        ));
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_SVG_NODES,
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("SVG is not well-formed XML: {e}"))?;
    let found: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "credential")
        .filter_map(|n| match n.tag_name().namespace() {
            Some(SVG_NS) => Some((n, Baking::Ob)),
            Some(CLR_SVG_NS) => Some((n, Baking::Clr)),
            _ => None,
        })
        .collect();
    let (node, baking) = match found.as_slice() {
        [] => {
            return Err(format!(
                "SVG has no credential element in namespace {SVG_NS} (or {CLR_SVG_NS} for a CLR)"
            ))
        }
        [one] => *one,
        many => {
            return Err(format!(
                "SVG has {} baked credential elements; the spec allows one",
                many.len()
            ))
        }
    };
    if let Some(jws) = node.attribute("verify") {
        return Ok((jws.trim().to_owned(), baking));
    }
    let body: String = node.children().filter_map(|c| c.text()).collect();
    let body = body.trim();
    if body.is_empty() {
        return Err(format!(
            "the {}:credential element is empty",
            baking.svg_prefix()
        ));
    }
    Ok((body.to_owned(), baking))
}

/// Bakes credential text into a fresh PNG of a plain square image, under the names its type
/// calls for ([`Baking::of_text`]).
pub fn bake_png(credential: &str, size: u32, rgb: [u8; 3]) -> Result<Vec<u8>, String> {
    bake_png_as(
        credential,
        size,
        rgb,
        Baking::of_text(credential).unwrap_or(Baking::Ob),
    )
}

/// [`bake_png`] under the names given (tests bake a credential under the wrong ones).
pub fn bake_png_as(
    credential: &str,
    size: u32,
    rgb: [u8; 3],
    baking: Baking,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_itxt_chunk(baking.png_keyword().into(), credential.into())
            .map_err(|e| e.to_string())?;
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        let data: Vec<u8> = (0..size * size).flat_map(|_| rgb).collect();
        w.write_image_data(&data).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Bakes credential text into a small SVG: a JWS into `verify`, JSON into a CDATA body, under
/// the names its type calls for ([`Baking::of_text`]).
pub fn bake_svg(credential: &str) -> String {
    bake_svg_as(
        credential,
        Baking::of_text(credential).unwrap_or(Baking::Ob),
    )
}

/// [`bake_svg`] under the names given.
pub fn bake_svg_as(credential: &str, baking: Baking) -> String {
    let (prefix, ns) = (baking.svg_prefix(), baking.svg_ns());
    let element = if crate::jwt::looks_like_jws(credential) {
        format!(
            "<{prefix}:credential verify=\"{}\"></{prefix}:credential>",
            xml_escape(credential.trim())
        )
    } else {
        format!(
            "<{prefix}:credential><![CDATA[{}]]></{prefix}:credential>",
            credential.replace("]]>", "]]]]><![CDATA[>")
        )
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:{prefix}=\"{ns}\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\n{element}\n<circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"#2b6cb0\"/>\n</svg>\n"
    )
}
