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

/// The credential text baked in an SVG: the `verify` attribute (JWS) or the element text (JSON).
pub fn extract_svg(bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "SVG is not UTF-8".to_string())?;
    let doc =
        roxmltree::Document::parse(text).map_err(|e| format!("SVG is not well-formed XML: {e}"))?;
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
