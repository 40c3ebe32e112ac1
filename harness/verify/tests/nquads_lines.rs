//! The N-Quads lines the vendored ssi-rdf writes for canonicalization (one string, run by run)
//! are byte for byte canonical N-Quads as RDFC-1.0 and rdf-canonize write them: `rdf_types`'
//! display of the quad followed by " .\n", except that a literal's control characters are
//! escaped (`\b \t \n \f \r`, the others `\uXXXX`), which `rdf_types` leaves raw (all but line
//! feed and carriage return). Quotes, backslashes, non-ASCII text, language tags, datatypes
//! (xsd:string omitted), blank nodes and named graphs.

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

/// A literal's lexical form as canonical N-Quads has it, one character at a time.
fn canonical_literal(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The expected line: `rdf_types`' display, with the literal's lexical form (if any) written
/// by [`canonical_literal`] instead.
fn expected(q: &LexicalQuad) -> String {
    let shown = format!("{q} .\n");
    match &q.2 {
        Term::Literal(l) => {
            let plain = Literal::new(String::new(), l.type_.clone());
            let blank: LexicalQuad =
                Quad(q.0.clone(), q.1.clone(), Term::Literal(plain), q.3.clone());
            let with_empty = format!("{blank} .\n");
            // The only `""` in the empty-literal line is the literal's (ids are IRIs or `_:`).
            let at = with_empty.find("\"\"").unwrap();
            format!(
                "{}\"{}\"{}",
                &with_empty[..at],
                canonical_literal(l.value.as_str()),
                &with_empty[at + 2..]
            )
        }
        _ => shown,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn lines_are_canonical_nquads(q in quad()) {
        prop_assert_eq!(NQuadsStatement(&q).line(), expected(&q));
    }
}

/// rdf-canonize's bytes for the characters it escapes, by example.
#[test]
fn control_characters_are_escaped_as_rdf_canonize_escapes_them() {
    let q = Quad(
        Id::Blank(BlankIdBuf::new("_:b0".to_owned()).unwrap()),
        iri("https://example.org/v#p"),
        Term::Literal(Literal::new(
            "tab\there \u{0}\u{8}\u{c}\u{1f}\u{7f}\"\\\n\r é".to_owned(),
            LiteralType::Any(iri("http://www.w3.org/2001/XMLSchema#string")),
        )),
        None,
    );
    assert_eq!(
        NQuadsStatement(&q).line(),
        "_:b0 <https://example.org/v#p> \"tab\\there \\u0000\\b\\f\\u001F\\u007F\\\"\\\\\\n\\r é\" .\n"
    );
}
