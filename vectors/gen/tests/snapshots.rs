//! `insta` snapshots of the human and JSON reports for representative vectors: a change in
//! wording, verdicts, evidence or order shows up as a reviewable diff
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test -p wellspring-vectors --test snapshots`).

use std::path::Path;

use wellspring_report::render;
use wellspring_vectors::{core_reports, Manifest};

const PICKS: &[&str] = &[
    "valid/ob-minimal.eddsa.json",
    "valid/clr.eddsa.json",
    "valid/ob-minimal.rs256.jwt",
    "valid/baked.eddsa.png",
    "invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json",
    "invalid/ob3.schema.achievement-criteria-missing.json",
    "invalid/ob3.proof.vc-jwt.claims.iss-mismatch.jwt",
    "invalid/ob3.status.revocation-list-revoked.json",
];

#[test]
fn report_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = Manifest::load(&root.join("manifest.json")).unwrap();
    let reports = core_reports(&manifest, &root);
    for pick in PICKS {
        let (_, r) = reports
            .iter()
            .find(|(f, _)| f == pick)
            .unwrap_or_else(|| panic!("{pick} not in manifest"));
        let r = r.as_ref().unwrap().clone();
        let name = pick.replace('/', "__");
        insta::assert_snapshot!(
            format!("{name}.human"),
            render::human(std::slice::from_ref(&r), true)
        );
        insta::assert_json_snapshot!(
            format!("{name}.json"),
            render::json(std::slice::from_ref(&r))
        );
    }
}
