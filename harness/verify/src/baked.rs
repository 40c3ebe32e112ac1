//! Baked badges (OB 3.0 `#png-baking`, `#svg-baking`): extracting the credential from a PNG
//! `iTXt` chunk keyed `openbadgecredential` or an SVG `openbadges:credential` element, and
//! baking one (for test vectors and the reference servers).

pub const PNG_KEYWORD: &str = "openbadgecredential";
pub const SVG_NS: &str = "https://purl.imsglobal.org/ob/v3p0";
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
        .filter(|c| c.keyword == PNG_KEYWORD)
        .collect();
    match chunks.as_slice() {
        [] => Err(format!("PNG has no iTXt chunk keyed '{PNG_KEYWORD}'")),
        [one] => one
            .get_text()
            .map_err(|e| format!("iTXt '{PNG_KEYWORD}' text is unreadable: {e}")),
        many => Err(format!(
            "PNG has {} iTXt chunks keyed '{PNG_KEYWORD}'; the spec allows one",
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
        .filter(|n| n.tag_name().namespace() == Some(SVG_NS) && n.tag_name().name() == "credential")
        .collect();
    let node = match found.as_slice() {
        [] => {
            return Err(format!(
                "SVG has no credential element in namespace {SVG_NS}"
            ))
        }
        [one] => *one,
        many => {
            return Err(format!(
                "SVG has {} openbadges:credential elements; the spec allows one",
                many.len()
            ))
        }
    };
    if let Some(jws) = node.attribute("verify") {
        return Ok(jws.trim().to_owned());
    }
    let body: String = node.children().filter_map(|c| c.text()).collect();
    let body = body.trim();
    if body.is_empty() {
        return Err("openbadges:credential element is empty".into());
    }
    Ok(body.to_owned())
}

/// Bakes credential text into a fresh PNG of a plain square image.
pub fn bake_png(credential: &str, size: u32, rgb: [u8; 3]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_itxt_chunk(PNG_KEYWORD.into(), credential.into())
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

/// Bakes credential text into a small SVG: a JWS into `verify`, JSON into a CDATA body.
pub fn bake_svg(credential: &str) -> String {
    let element = if crate::jwt::looks_like_jws(credential) {
        format!(
            "<openbadges:credential verify=\"{}\"></openbadges:credential>",
            xml_escape(credential.trim())
        )
    } else {
        format!(
            "<openbadges:credential><![CDATA[{}]]></openbadges:credential>",
            credential.replace("]]>", "]]]]><![CDATA[>")
        )
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"{SVG_NS}\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\n{element}\n<circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"#2b6cb0\"/>\n</svg>\n"
    )
}
