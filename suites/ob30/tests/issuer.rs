//! Issuer certification against committed vectors: each check shown passing and failing.

use std::path::PathBuf;

use wellspring_report::Verdict;
use wellspring_suite_ob30::issuer::{self, IssuerStandard};
use wellspring_verify::Options;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}

/// Options as the vector manifest sets them: its clock and its status lists.
fn opts() -> Options {
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut o = Options::offline(now);
    let status = std::fs::read_to_string(vectors().join("status/revocation-list.json")).unwrap();
    o.status_files.insert(
        "https://vectors.wellspring.example/status/revocation-list".into(),
        status,
    );
    o
}

fn run(std: IssuerStandard, file: &str) -> wellspring_report::DocReport {
    let bytes = std::fs::read(vectors().join(file)).unwrap();
    issuer::run(std, file, &bytes, &opts())
}

fn verdict(r: &wellspring_report::DocReport, id: &str) -> Verdict {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
        .verdict
}

#[test]
fn credential_for_the_conformance_recipient_passes_but_is_not_baked() {
    let r = run(IssuerStandard::Ob30, "valid/ob-full.eddsa.json");
    for id in [
        "ob3.issuer.credential-type",
        "ob3.issuer.verifies",
        "ob3.issuer.recipient",
        "ob3.issuer.proof-format",
    ] {
        assert_eq!(verdict(&r, id), Verdict::Pass, "{id}: {r:#?}");
    }
    assert_eq!(verdict(&r, "ob3.issuer.baked"), Verdict::Warn);
    assert!(r.passed());
    assert_eq!(r.nested.len(), 1, "the core's report is nested as evidence");
}

#[test]
fn vc_jwt_is_an_accepted_proof_format() {
    let r = run(IssuerStandard::Ob30, "valid/ob-full.eddsa.jwt");
    assert_eq!(
        verdict(&r, "ob3.issuer.proof-format"),
        Verdict::Pass,
        "{r:#?}"
    );
    assert_eq!(verdict(&r, "ob3.issuer.recipient"), Verdict::Pass);
}

#[test]
fn another_recipient_fails_the_recipient_check_only() {
    let r = run(
        IssuerStandard::Ob30,
        "invalid/ob3.recipient.email-mismatch.json",
    );
    assert_eq!(verdict(&r, "ob3.issuer.recipient"), Verdict::Fail);
    assert_eq!(verdict(&r, "ob3.issuer.verifies"), Verdict::Pass, "{r:#?}");
    assert_eq!(
        r.failed_ids()
            .into_iter()
            .filter(|i| i.starts_with("ob3.issuer"))
            .collect::<Vec<_>>(),
        vec!["ob3.issuer.recipient"]
    );
}

#[test]
fn legacy_cryptosuite_fails_the_proof_format() {
    let r = run(IssuerStandard::Ob30, "valid/legacy.eddsa-2022.json");
    assert_eq!(
        verdict(&r, "ob3.issuer.proof-format"),
        Verdict::Fail,
        "{r:#?}"
    );
}

#[test]
fn tampered_credential_fails_verifies() {
    let r = run(
        IssuerStandard::Ob30,
        "invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json",
    );
    assert_eq!(verdict(&r, "ob3.issuer.verifies"), Verdict::Fail);
    let ev = &r
        .checks
        .iter()
        .find(|c| c.id == "ob3.issuer.verifies")
        .unwrap()
        .evidence;
    assert!(
        ev[0]
            .value
            .to_string()
            .contains("ob3.proof.eddsa-rdfc-2022"),
        "{ev:?}"
    );
}

#[test]
fn baked_png_passes_baked() {
    let r = run(IssuerStandard::Ob30, "valid/baked.eddsa.png");
    assert_eq!(verdict(&r, "ob3.issuer.baked"), Verdict::Pass, "{r:#?}");
    let r = run(
        IssuerStandard::Ob30,
        "invalid/ob3.baked.png.no-credential.png",
    );
    assert_eq!(verdict(&r, "ob3.issuer.baked"), Verdict::Fail);
    assert_eq!(verdict(&r, "ob3.issuer.credential-type"), Verdict::Fail);
}

#[test]
fn clr_issuer_wants_a_clr_credential() {
    let r = run(IssuerStandard::Clr20, "valid/clr.eddsa.json");
    assert_eq!(
        verdict(&r, "clr2.issuer.credential-type"),
        Verdict::Pass,
        "{r:#?}"
    );
    assert_eq!(verdict(&r, "clr2.issuer.verifies"), Verdict::Pass, "{r:#?}");
    let r = run(IssuerStandard::Clr20, "valid/ob-full.eddsa.json");
    assert_eq!(verdict(&r, "clr2.issuer.credential-type"), Verdict::Fail);
}

/// The CLR 2.0 issuer checks fail as the OB 3.0 ones do: a CLR for someone else, a legacy
/// cryptosuite, a PNG without a credential.
#[test]
fn clr_issuer_checks_fail_on_the_same_faults() {
    let mut clr: serde_json::Value =
        serde_json::from_slice(&std::fs::read(vectors().join("valid/clr.eddsa.json")).unwrap())
            .unwrap();
    clr["credentialSubject"]["identifier"] = serde_json::json!([{
        "type": "IdentityObject", "identityType": "emailAddress", "hashed": false,
        "identityHash": "someone-else@example.org"
    }]);
    let bytes = serde_json::to_vec(&clr).unwrap();
    let r = issuer::run(IssuerStandard::Clr20, "someone-else.json", &bytes, &opts());
    assert_eq!(
        verdict(&r, "clr2.issuer.recipient"),
        Verdict::Fail,
        "{r:#?}"
    );
    let r = run(IssuerStandard::Clr20, "valid/legacy.eddsa-2022.json");
    assert_eq!(
        verdict(&r, "clr2.issuer.proof-format"),
        Verdict::Fail,
        "{r:#?}"
    );
    let r = run(
        IssuerStandard::Clr20,
        "invalid/ob3.baked.png.no-credential.png",
    );
    assert_eq!(verdict(&r, "clr2.issuer.baked"), Verdict::Fail, "{r:#?}");
}

/// Every proof of a proof set is read: an accepted first proof does not hide a second one in
/// a format certification does not accept.
#[test]
fn proof_format_reads_every_proof_of_a_proof_set() {
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(vectors().join(f)).unwrap()).unwrap()
    };
    let mut cred = read("valid/ob-full.eddsa.json");
    let legacy = read("valid/legacy.eddsa-2022.json");
    let first = cred["proof"].clone();
    let first = if first.is_array() {
        first[0].clone()
    } else {
        first
    };
    let second = if legacy["proof"].is_array() {
        legacy["proof"][0].clone()
    } else {
        legacy["proof"].clone()
    };
    cred["proof"] = serde_json::json!([first, second]);
    let bytes = serde_json::to_vec(&cred).unwrap();
    let r = issuer::run(IssuerStandard::Ob30, "proof-set.json", &bytes, &opts());
    let c = r
        .checks
        .iter()
        .find(|c| c.id == "ob3.issuer.proof-format")
        .unwrap();
    assert_eq!(c.verdict, Verdict::Fail, "{c:?}");
    assert!(c.message.contains(" + "), "{}", c.message);
}

/// Each issuer check, OB 3.0 and CLR 2.0, shown passing and failing by committed vectors; what
/// each vector showed is kept in `reports/shown/ob30.issuer.json`.
#[test]
fn every_issuer_check_is_shown_failing_and_passing() {
    use wellspring_report::shown::Shown;
    let png = "invalid/ob3.baked.png.no-credential.png";
    let table: &[(IssuerStandard, &str, &str, Verdict)] = &[
        (
            IssuerStandard::Ob30,
            "valid/ob-full.eddsa.json",
            "credential-type",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Ob30,
            "valid/ob-full.eddsa.json",
            "verifies",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Ob30,
            "valid/ob-full.eddsa.json",
            "recipient",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Ob30,
            "valid/ob-full.eddsa.json",
            "proof-format",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Ob30,
            "valid/baked.eddsa.png",
            "baked",
            Verdict::Pass,
        ),
        (IssuerStandard::Ob30, png, "credential-type", Verdict::Fail),
        (IssuerStandard::Ob30, png, "baked", Verdict::Fail),
        (
            IssuerStandard::Ob30,
            "invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json",
            "verifies",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Ob30,
            "invalid/ob3.recipient.email-mismatch.json",
            "recipient",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Ob30,
            "valid/legacy.eddsa-2022.json",
            "proof-format",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Clr20,
            "valid/clr.eddsa.json",
            "credential-type",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Clr20,
            "valid/clr.eddsa.json",
            "verifies",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Clr20,
            "valid/clr.eddsa.json",
            "proof-format",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Clr20,
            "valid/baked.eddsa.png",
            "baked",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Clr20,
            "valid/ob-full.eddsa.json",
            "credential-type",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Clr20,
            "valid/ob-full.eddsa.json",
            "recipient",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Clr20,
            "invalid/clr2.credentials.tampered-nested.json",
            "verifies",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Clr20,
            "invalid/ob3.recipient.email-mismatch.json",
            "recipient",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Clr20,
            "valid/legacy.eddsa-2022.json",
            "proof-format",
            Verdict::Fail,
        ),
        (IssuerStandard::Clr20, png, "baked", Verdict::Fail),
        (
            IssuerStandard::Ob30,
            "valid/ob-full.eddsa.json",
            "criteria",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Ob30,
            "invalid/ob3.schema.achievement-criteria-missing.json",
            "criteria",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Clr20,
            "valid/clr.eddsa.json",
            "criteria",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Clr20,
            "invalid/ob3.schema.achievement-criteria-missing.json",
            "criteria",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Ob30,
            "valid/ob-full.eddsa.json",
            "vc-dm-2",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Ob30,
            "valid/v1.ob-minimal.eddsa.json",
            "vc-dm-2",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Ob30,
            "valid/v1.ob-minimal.rs256.jwt",
            "vc-dm-2",
            Verdict::Fail,
        ),
        (
            IssuerStandard::Clr20,
            "valid/clr.eddsa.json",
            "vc-dm-2",
            Verdict::Pass,
        ),
        (
            IssuerStandard::Clr20,
            "valid/v1.ob-minimal.eddsa.json",
            "vc-dm-2",
            Verdict::Fail,
        ),
    ];
    let mut shown = Shown::new();
    for (std, file, name, want) in table {
        let prefix = match std {
            IssuerStandard::Ob30 => "ob3.issuer.",
            IssuerStandard::Clr20 => "clr2.issuer.",
        };
        let id = format!("{prefix}{name}");
        let r = run(*std, file);
        assert_eq!(verdict(&r, &id), *want, "{id} on {file}: {r:#?}");
        shown.note(&id, *want, &format!("vectors/{file}"));
    }
    for std in [IssuerStandard::Ob30, IssuerStandard::Clr20] {
        for def in issuer::checks(std) {
            let s = shown.0.get(def.id);
            assert!(
                s.is_some_and(|s| !s.failing_by.is_empty() && !s.passing_by.is_empty()),
                "{} is not shown both ways",
                def.id
            );
        }
    }
    shown.assert_committed(
        env!("CARGO_MANIFEST_DIR"),
        "ob30.issuer",
        "every_issuer_check_is_shown_failing_and_passing",
    );
}

/// A CLR issuer's baked ClrCredential: under CLR 2.0's names (iTXt `clrcredential`, SVG
/// `credential` in `https://purl.imsglobal.org/clr/v2p0`) the baked check passes; under the
/// Open Badges names, where the 1EdTech validator does not look for a CLR, it fails.
#[test]
fn clr_issuer_bakes_under_clr_names() {
    use wellspring_verify::baked::{self, Baking};
    let clr = std::fs::read_to_string(vectors().join("valid/clr.eddsa.json")).unwrap();
    let judge = |name: &str, bytes: &[u8]| {
        let r = issuer::run(IssuerStandard::Clr20, name, bytes, &opts());
        let c = r
            .checks
            .iter()
            .find(|c| c.id == "clr2.issuer.baked")
            .unwrap();
        (c.verdict, c.message.clone())
    };
    let (v, m) = judge("clr.png", &baked::bake_png(&clr, 8, [1, 2, 3]).unwrap());
    assert_eq!(v, Verdict::Pass, "{m}");
    assert!(m.contains("clrcredential"), "{m}");
    let (v, m) = judge("clr.svg", baked::bake_svg(&clr).as_bytes());
    assert_eq!(v, Verdict::Pass, "{m}");
    let ob_png = baked::bake_png_as(&clr, 8, [1, 2, 3], Baking::Ob).unwrap();
    let (v, m) = judge("clr-ob.png", &ob_png);
    assert_eq!(v, Verdict::Fail, "{m}");
    assert!(m.contains("'openbadgecredential'"), "{m}");
    let (v, m) = judge(
        "clr-ob.svg",
        baked::bake_svg_as(&clr, Baking::Ob).as_bytes(),
    );
    assert_eq!(v, Verdict::Fail, "{m}");
}
