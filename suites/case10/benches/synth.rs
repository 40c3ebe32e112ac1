//! A synthetic, valid CASE 1.0 package of any size, written straight to JSON text (no
//! `serde_json::Value`), for the benchmark and the scale tests.

use std::fmt::Write;

/// A UUID (version 4 form, variant 8) unique per (kind, n).
pub fn uuid(kind: u32, n: usize) -> String {
    format!("{kind:08x}-0000-4000-8000-{n:012x}")
}

const BASE: &str = "https://case.example.org/ims/case/v1p0";

/// `items` items in a tree under the document (item i's parent is item (i-1)/fanout, the first
/// is the document's child; `fanout` 1 gives one chain as deep as `items`), one isChildOf per
/// item, then `associations - items` isRelatedTo associations between items.
pub fn package(items: usize, associations: usize, fanout: usize) -> String {
    let doc = uuid(0xd, 0);
    let mut s = String::with_capacity(items * 330 + associations * 620 + 1024);
    let _ = write!(
        s,
        r#"{{"CFDocument":{{"identifier":"{doc}","uri":"{BASE}/CFDocuments/{doc}","creator":"Wellspring","title":"Synthetic framework","lastChangeDateTime":"2025-01-01T00:00:00+00:00","adoptionStatus":"Draft","statusStartDate":"2025-01-01"}},"CFItems":["#
    );
    for i in 0..items {
        let id = uuid(0x1, i);
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            r#"{{"identifier":"{id}","uri":"{BASE}/CFItems/{id}","fullStatement":"Statement number {i} of the synthetic framework","humanCodingScheme":"S.{i}","lastChangeDateTime":"2025-01-01T00:00:00+00:00","educationLevel":["09","10"]}}"#
        );
    }
    s.push_str(r#"],"CFAssociations":["#);
    let node = |i: usize| -> (String, String, String) {
        let id = uuid(0x1, i);
        (format!("{BASE}/CFItems/{id}"), format!("S.{i}"), id)
    };
    for a in 0..associations {
        let id = uuid(0xa, a);
        let (kind, (ou, ot, oi), (du, dt, di)) = if a < items {
            let parent = if a == 0 {
                (
                    format!("{BASE}/CFDocuments/{doc}"),
                    "Synthetic framework".to_owned(),
                    doc.clone(),
                )
            } else {
                node((a - 1) / fanout.max(1))
            };
            ("isChildOf", node(a), parent)
        } else {
            let x = a % items.max(1);
            ("isRelatedTo", node(x), node((x * 7 + 3) % items.max(1)))
        };
        if a > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            r#"{{"identifier":"{id}","associationType":"{kind}","uri":"{BASE}/CFAssociations/{id}","originNodeURI":{{"title":"{ot}","identifier":"{oi}","uri":"{ou}"}},"destinationNodeURI":{{"title":"{dt}","identifier":"{di}","uri":"{du}"}},"lastChangeDateTime":"2025-01-01T00:00:00+00:00","sequenceNumber":{a}}}"#
        );
    }
    s.push_str(r#"],"CFDefinitions":{"CFConcepts":[],"CFSubjects":[],"CFLicenses":[],"CFItemTypes":[],"CFAssociationGroupings":[]}}"#);
    s
}
