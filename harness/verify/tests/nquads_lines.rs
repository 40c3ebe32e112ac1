//! The N-Quads lines the vendored ssi-rdf writes for canonicalization (one string, run by run)
//! are byte for byte what `rdf_types`' display of the quad gives followed by " .\n", which is
//! what it wrote before: quotes, backslashes, line breaks, control characters, non-ASCII text,
//! language tags, datatypes (xsd:string omitted), blank nodes and named graphs.

use proptest::prelude::*;
use rdf_types::{BlankIdBuf, Id, LexicalQuad, Literal, LiteralType, Quad, Term};
use ssi_rdf::NQuadsStatement;

fn iri(s: &str) -> iref::IriBuf {
    iref::IriBuf::new(s.to_owned()).unwrap()
}

fn id() -> impl Strategy<Value = Id> {
    prop_oneof![
        (0..50u32).prop_map(|n| Id::Blank(BlankIdBuf::new(format!("_:b{n}")).unwrap())),
        "[a-z]{1,8}(/[a-zé~0-9]{0,6}){0,2}(#[a-z0-9]{0,4})?"
            .prop_map(|p| Id::Iri(iri(&format!("https://example.org/{p}")))),
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    let text = prop_oneof![
        any::<String>(),
        "[\"\\\\\n\r\t a-zé\u{0}-\u{1f}\u{7f}\u{2028}😀]{0,12}",
    ];
    let ty = prop_oneof![
        Just(LiteralType::Any(iri(
            "http://www.w3.org/2001/XMLSchema#string"
        ))),
        Just(LiteralType::Any(iri(
            "http://www.w3.org/2001/XMLSchema#integer"
        ))),
        Just(LiteralType::Any(iri(
            "https://purl.imsglobal.org/spec/vc/ob/vocab.html#Markdown"
        ))),
        "[a-z]{2}(-[A-Z]{2})?"
            .prop_map(|t| LiteralType::LangString(langtag::LangTagBuf::new(t).unwrap())),
    ];
    (text, ty).prop_map(|(value, type_)| Literal::new(value, type_))
}

fn quad() -> impl Strategy<Value = LexicalQuad> {
    (
        id(),
        "[a-z]{1,6}".prop_map(|p| iri(&format!("https://example.org/v#{p}"))),
        prop_oneof![id().prop_map(Term::Id), literal().prop_map(Term::Literal)],
        proptest::option::of(id()),
    )
        .prop_map(|(s, p, o, g)| Quad(s, p, o, g))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn lines_are_rdf_types_display(q in quad()) {
        prop_assert_eq!(NQuadsStatement(&q).line(), format!("{} .\n", q));
    }
}
