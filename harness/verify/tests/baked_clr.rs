//! Baked CLRs: a ClrCredential is baked under CLR 2.0's names (iTXt `clrcredential`, SVG
//! `credential` in `https://purl.imsglobal.org/clr/v2p0`), which is where the 1EdTech validator
//! looks for one; under the Open Badges names the baked-image check fails, and the other way
//! round. The credentials are the committed vectors (signed with real keys).

use wellspring_verify::{baked, baked::Baking, verify_bytes, Options, Verdict};

fn opts() -> Options {
    Options::offline("2026-01-01T00:00:00Z".parse().unwrap())
}

fn vector(name: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/valid/");
    std::fs::read_to_string(format!("{root}{name}")).unwrap()
}

/// The baked-image check's verdict and message, and whether every check passed.
fn judged(name: &str, bytes: &[u8], id: &str) -> (Verdict, String, bool) {
    let r = verify_bytes(name, bytes, &opts());
    let c = r
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id} in {name}"));
    (c.verdict, c.message.clone(), r.passed())
}

#[test]
fn a_clr_is_baked_and_read_under_clr_names() {
    let clr = vector("clr.eddsa.json");
    assert_eq!(Baking::of_text(&clr), Some(Baking::Clr));
    let png = baked::bake_png(&clr, 8, [1, 2, 3]).unwrap();
    let (v, m, all) = judged("clr.png", &png, "ob3.baked.png");
    assert_eq!(v, Verdict::Pass, "{m}");
    assert!(m.contains("'clrcredential'"), "{m}");
    assert!(all, "a baked CLR passes as the JSON does");
    let svg = baked::bake_svg(&clr);
    assert!(svg.contains("xmlns:clr=\"https://purl.imsglobal.org/clr/v2p0\""));
    let (v, m, all) = judged("clr.svg", svg.as_bytes(), "ob3.baked.svg");
    assert_eq!(v, Verdict::Pass, "{m}");
    assert!(m.contains("clr:credential"), "{m}");
    assert!(all);
    assert_eq!(baked::extract_svg(svg.as_bytes()).unwrap(), clr.trim());
}

#[test]
fn a_clr_under_open_badges_names_fails_the_baked_check() {
    let clr = vector("clr.eddsa.json");
    let png = baked::bake_png_as(&clr, 8, [1, 2, 3], Baking::Ob).unwrap();
    let (v, m, all) = judged("clr-ob.png", &png, "ob3.baked.png");
    assert_eq!(v, Verdict::Fail, "{m}");
    assert!(
        m.contains("a ClrCredential baked under iTXt 'openbadgecredential'")
            && m.contains("'clrcredential'"),
        "{m}"
    );
    assert!(!all);
    let svg = baked::bake_svg_as(&clr, Baking::Ob);
    let (v, m, _) = judged("clr-ob.svg", svg.as_bytes(), "ob3.baked.svg");
    assert_eq!(v, Verdict::Fail, "{m}");
}

#[test]
fn an_open_badge_under_clr_names_fails_the_baked_check() {
    let ob = vector("ob-minimal.eddsa.json");
    assert_eq!(Baking::of_text(&ob), Some(Baking::Ob));
    let png = baked::bake_png_as(&ob, 8, [1, 2, 3], Baking::Clr).unwrap();
    let (v, m, _) = judged("ob-clr.png", &png, "ob3.baked.png");
    assert_eq!(v, Verdict::Fail, "{m}");
    assert!(m.contains("not a ClrCredential"), "{m}");
    let svg = baked::bake_svg_as(&ob, Baking::Clr);
    let (v, m, _) = judged("ob-clr.svg", svg.as_bytes(), "ob3.baked.svg");
    assert_eq!(v, Verdict::Fail, "{m}");
    // the same credential under its own names passes
    let (v, m, all) = judged(
        "ob.png",
        &baked::bake_png(&ob, 8, [1, 2, 3]).unwrap(),
        "ob3.baked.png",
    );
    assert_eq!(v, Verdict::Pass, "{m}");
    assert!(all);
}

#[test]
fn one_baked_credential_only_whatever_its_names() {
    let ob = vector("ob-minimal.eddsa.json");
    let svg = baked::bake_svg(&ob).replacen(
        "<circle",
        "<clr:credential xmlns:clr=\"https://purl.imsglobal.org/clr/v2p0\">{}</clr:credential><circle",
        1,
    );
    let e = baked::extract_svg(svg.as_bytes()).unwrap_err();
    assert!(e.contains("2 baked credential elements"), "{e}");
}
