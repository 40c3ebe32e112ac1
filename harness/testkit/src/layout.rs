//! Page layout measured in a real headless Chromium through ChromeDriver: the viewport is
//! emulated at a given CSS width and height (a desktop or a phone), a page is opened, and
//! the document's scroll width and the geometry of chosen elements are read back. Tests
//! assert on the numbers; a browser that cannot start panics (the test fails).

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

use crate::{chromedriver, Driver};

/// A browser session with an emulated viewport; ChromeDriver stops when it is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Driver,
}

/// Starts headless Chromium with a `width`×`height` CSS-pixel viewport (device pixel ratio 1).
/// Network use is cut off by an unreachable proxy, so a page that reaches out fails to load
/// what it wanted.
pub async fn browser(width: u32, height: u32) -> Browser {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (driver, port) = chromedriver();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--proxy-server=127.0.0.1:9", "--hide-scrollbars"],
            "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}},
        }),
    );
    let client = ClientBuilder::rustls()
        .expect("rustls WebDriver client")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session with headless Chromium");
    Browser {
        client,
        _driver: driver,
    }
}

/// What a page measured: viewport and document widths, and per selected element its text,
/// scroll and client widths, and the number of line boxes its first `code` child (or the
/// element itself) takes.
#[derive(Debug)]
pub struct Layout {
    pub viewport: f64,
    pub document: f64,
    pub cells: Vec<Cell>,
    /// The first elements that reach past the viewport's right edge (tag.class right=…).
    pub overflowing: Vec<String>,
}

#[derive(Debug)]
pub struct Cell {
    pub text: String,
    pub scroll_width: f64,
    pub client_width: f64,
    pub lines: f64,
}

const MEASURE: &str = "
const sel = arguments[0];
const cells = [...document.querySelectorAll(sel)].map(e => {
  const inner = e.querySelector('code') || e;
  const r = document.createRange(); r.selectNodeContents(inner);
  const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
  return {text: inner.textContent, sw: e.scrollWidth, cw: e.clientWidth, lines: tops.size};
});
const vw = document.documentElement.clientWidth;
const over = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > vw + 0.5)
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + '.' + e.className + ' right=' + Math.round(e.getBoundingClientRect().right));
return {vw, sw: document.documentElement.scrollWidth, cells, over};
";

/// Opens `url` and measures the elements matching `selector`.
pub async fn measure(b: &Browser, url: &str, selector: &str) -> Layout {
    b.client.goto(url).await.expect("page opens");
    let v = b
        .client
        .execute(MEASURE, vec![Value::from(selector)])
        .await
        .expect("measuring script runs");
    let n = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    Layout {
        viewport: n(&v["vw"]),
        document: n(&v["sw"]),
        cells: v["cells"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| Cell {
                text: c["text"].as_str().unwrap_or_default().to_owned(),
                scroll_width: n(&c["sw"]),
                client_width: n(&c["cw"]),
                lines: n(&c["lines"]),
            })
            .collect(),
        overflowing: v["over"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o.as_str().map(str::to_owned))
            .collect(),
    }
}

impl Layout {
    /// Panics, naming what is wrong, unless nothing overflows the viewport sideways and
    /// every measured cell shows its identifier on one line without overflowing.
    pub fn assert_readable(&self, what: &str) {
        assert!(
            self.viewport > 0.0 && self.document <= self.viewport,
            "{what}: the page is {} px wide in a {} px viewport; past the edge: {:?}",
            self.document,
            self.viewport,
            self.overflowing
        );
        assert!(!self.cells.is_empty(), "{what}: no ID cells found");
        for c in &self.cells {
            assert!(
                c.scroll_width <= c.client_width,
                "{what}: ID cell {:?} overflows: content {} px in a {} px cell",
                c.text,
                c.scroll_width,
                c.client_width
            );
            assert!(
                c.lines == 1.0,
                "{what}: ID {:?} is broken over {} lines",
                c.text,
                c.lines
            );
        }
    }
}
