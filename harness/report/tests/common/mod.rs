//! A certification report like a real run's: long check IDs, a failed check with a long
//! HTTP exchange, JSON and canonical N-Quads as evidence, an optional check, a nested document.

use std::collections::BTreeMap;

use serde_json::json;
use wellspring_report::{CheckDef, CheckResult, DocReport, RunMeta, StandardRef, Tool, Verdict};

const DEFS: &[CheckDef] = &[
    CheckDef {
        id: "ob3.provider.discovery",
        clause: "https://www.imsglobal.org/spec/ob/v3p0/#api-discovery",
        title: "discovery document served and valid",
    },
    CheckDef {
        id: "ob3.provider.credentials-verify",
        clause: "https://www.imsglobal.org/spec/ob/v3p0/#verification",
        title: "every returned credential verifies",
    },
    CheckDef {
        id: "ob3.provider.profile-put-malformed",
        clause: "https://www.imsglobal.org/spec/ob/v3p0/#putprofile",
        title: "a malformed profile is refused with 400",
    },
    CheckDef {
        id: "clr2.provider.authorize-redirect-mismatch",
        clause: "https://www.imsglobal.org/spec/clr/v2p0/#registration",
        title: "the consumer registers with a complete request",
    },
    CheckDef {
        id: "ob3.provider.refresh",
        clause: "https://www.imsglobal.org/spec/ob/v3p0/#token-refresh",
        title: "a refresh token gets a new access token",
    },
];

pub fn reports() -> Vec<DocReport> {
    let long_line = format!("GET /ims/ob/v3p0/credentials?limit=2&offset=0&since=2026-01-01T00:00:00Z HTTP/1.1\nauthorization: Bearer ***\n\nHTTP/1.1 200 OK\ncontent-type: application/json\nlink: {}\n", "<https://provider.example/ims/ob/v3p0/credentials?limit=2&offset=2>; rel=\"next\", ".repeat(12));
    let nquads = (0..40)
        .map(|i| format!("<urn:uuid:7d6c2a54-1b8c-4d5c-9d7e-{i:012}> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement> <urn:uuid:0c5f0a8e-{i:04}-4c1e-b0d4-aa55aa55aa55> ."))
        .collect::<Vec<_>>()
        .join("\n");
    let mut r = DocReport::new("http://127.0.0.1:8470");
    r.kind = "OB 3.0 service provider (write)".into();
    r.push(CheckResult::new(
        &DEFS[0],
        Verdict::Pass,
        "discovery at /ims/ob/v3p0/discovery, OpenAPI 3.0 with the OAuth 2.0 security scheme",
    ));
    r.push(
        CheckResult::new(&DEFS[1], Verdict::Fail, "1 of 4 credentials fails verification: ob3.proof.eddsa-rdfc-2022 (signature does not match)")
            .with("exchange", long_line)
            .at("/credential/0", "credential", json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "credentialSubject": {"achievement": {"name": "x".repeat(300)}}}))
            .with("canonical N-Quads", nquads),
    );
    r.push(CheckResult::new(
        &DEFS[2],
        Verdict::Warn,
        "answered 500 instead of 400",
    ));
    r.push(CheckResult::new(
        &DEFS[4],
        Verdict::Skip,
        "no refresh_token was issued",
    ));
    let mut n = DocReport::new("/credential/0/endorsement/0");
    n.kind = "EndorsementCredential (eddsa-rdfc-2022)".into();
    n.push(CheckResult::new(&DEFS[3], Verdict::Pass, "fine"));
    r.nested.push(n);
    vec![r]
}

pub fn meta() -> RunMeta {
    let mut options = BTreeMap::new();
    options.insert("online".into(), json!(false));
    options.insert("now".into(), json!("clock"));
    options.insert("timeout".into(), json!(10));
    options.insert("auth".into(), json!("login"));
    options.insert("login".into(), json!("learner@example.org:***"));
    RunMeta {
        generated_at: "2026-12-02T04:30:00Z".into(),
        tool: Tool::wellspring("0123456789ab"),
        standard: StandardRef { id: "ob30".into(), name: "Open Badges".into(), version: "3.0".into() },
        role: "service-provider-write".into(),
        target: vec!["http://127.0.0.1:8470".into()],
        options,
        duration_ms: 4210,
        command_line: "wellspring certify --standard ob30 --role service-provider-write --target http://127.0.0.1:8470 --login learner@example.org:*** --report out/ob30-write".into(),
        signer: None,
    }
}
