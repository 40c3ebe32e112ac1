//! Resource Description Framework (RDF) utilities, including the URDNA2015
//! canonicalization algorithm.
use std::{borrow::Borrow, fmt};

mod expand;
pub mod urdna2015;

pub use expand::*;
use rdf_types::{
    dataset::IndexedBTreeDataset,
    interpretation::{ReverseTermInterpretation, WithGenerator},
    vocabulary::{ByRef, ExtractFromVocabulary, Predicate},
};

pub use rdf_types::{
    generator, interpretation, vocabulary, Interpretation, InterpretationMut, LexicalQuad,
    LexicalQuadRef, Vocabulary, VocabularyMut,
};

pub use linked_data::{LinkedData, LinkedDataResource, LinkedDataSubject};

pub type LexicalInterpretation = WithGenerator<generator::Blank>;

/// Interpreted RDF dataset with an entry point.
pub struct DatasetWithEntryPoint<'a, V, I: Interpretation> {
    pub vocabulary: &'a V,
    pub interpretation: &'a I,
    pub dataset: IndexedBTreeDataset<I::Resource>,
    pub entry_point: I::Resource,
}

impl<'a, V, I: Interpretation> DatasetWithEntryPoint<'a, V, I> {
    pub fn new(
        vocabulary: &'a V,
        interpretation: &'a I,
        dataset: IndexedBTreeDataset<I::Resource>,
        entry_point: I::Resource,
    ) -> Self {
        Self {
            vocabulary,
            interpretation,
            dataset,
            entry_point,
        }
    }

    /// Returns the list of quads in the dataset.
    ///
    /// The order in which quads are returned is unspecified.
    pub fn into_quads(&self) -> Vec<LexicalQuad>
    where
        V: Vocabulary,
        I: ReverseTermInterpretation<Iri = V::Iri, BlankId = V::BlankId, Literal = V::Literal>,
    {
        // TODO: make sure that a blank node identifier is assigned to resources
        //       without lexical representation.
        self.dataset
            .iter()
            .flat_map(|quad| {
                self.interpretation.quads_of(quad).map(|q| {
                    ByRef(q.map_predicate(Predicate)).extract_from_vocabulary(self.vocabulary)
                })
            })
            .collect()
    }

    /// Returns the canonical form of the dataset, in the N-Quads format.
    pub fn canonical_form(&self) -> String
    where
        V: Vocabulary,
        I: ReverseTermInterpretation<Iri = V::Iri, BlankId = V::BlankId, Literal = V::Literal>,
    {
        let quads = self.into_quads();
        urdna2015::normalize(quads.iter().map(|quad| quad.as_lexical_quad_ref())).into_nquads()
    }
}

/// RDF DataSet produced form a JSON-LD document.
pub type DataSet = IndexedBTreeDataset<rdf_types::Term>;

/// Quad iterator extension to produce an N-Quads document.
///
/// See <https://www.w3.org/TR/n-quads/>.
pub trait IntoNQuads: Sized {
    fn into_nquads_lines(self) -> Vec<String>;

    fn into_nquads(self) -> String {
        self.into_nquads_lines().join("")
    }
}

impl<Q: IntoIterator> IntoNQuads for Q
where
    Q::Item: Borrow<LexicalQuad>,
{
    fn into_nquads_lines(self) -> Vec<String> {
        let mut lines = self
            .into_iter()
            .map(|quad| NQuadsStatement(quad.borrow()).line())
            .collect::<Vec<String>>();
        lines.sort();
        lines.dedup();
        lines
    }
}

/// Wrapper to display an RDF Quad as an N-Quads statement.
pub struct NQuadsStatement<'a>(pub &'a LexicalQuad);

impl NQuadsStatement<'_> {
    /// The statement as one line (`… .\n`), in canonical N-Quads. Wellspring patch: written run
    /// by run into one string; upstream went through a formatter call per character of every
    /// IRI and literal (5 % of canonicalizing), and escaped literals otherwise than RDFC-1.0
    /// (see [`push_escaped_literal`]). `harness/verify/tests/nquads_lines.rs` holds the bytes
    /// equal to a character-by-character model of the canonical form.
    pub fn line(&self) -> String {
        let rdf_types::Quad(s, p, o, g) = self.0;
        let mut out = String::with_capacity(128);
        push_id(&mut out, s);
        out.push(' ');
        push_escaped_iri(&mut out, p.as_str());
        out.push(' ');
        match o {
            rdf_types::Term::Id(id) => push_id(&mut out, id),
            rdf_types::Term::Literal(l) => {
                out.push('"');
                push_escaped_literal(&mut out, l.value.as_str());
                out.push('"');
                match &l.type_ {
                    rdf_types::LiteralType::Any(t) => {
                        if t.as_str() != XSD_STRING {
                            out.push_str("^^");
                            push_escaped_iri(&mut out, t.as_str());
                        }
                    }
                    rdf_types::LiteralType::LangString(tag) => {
                        out.push('@');
                        out.push_str(tag.as_str());
                    }
                }
            }
        }
        if let Some(g) = g {
            out.push(' ');
            push_id(&mut out, g);
        }
        out.push_str(" .\n");
        out
    }
}

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// A subject, object or graph identifier: `_:b` as is, an IRI between `<` `>` unescaped.
fn push_id(out: &mut String, id: &rdf_types::Id) {
    match id {
        rdf_types::Id::Blank(b) => out.push_str(b.as_str()),
        rdf_types::Id::Iri(i) => {
            out.push('<');
            out.push_str(i.as_str());
            out.push('>');
        }
    }
}

/// A predicate or datatype IRI between `<` `>`, the characters N-Triples forbids there written
/// as `\u` and four uppercase hex digits (as rdf-canonize writes them; a valid IRI has none).
fn push_escaped_iri(out: &mut String, iri: &str) {
    out.push('<');
    let mut start = 0;
    for (i, c) in iri.char_indices() {
        if matches!(c, '\x00'..='\x20' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
            out.push_str(&iri[start..i]);
            use fmt::Write;
            let _ = write!(out, "\\u{:04X}", c as u32);
            start = i + c.len_utf8();
        }
    }
    out.push_str(&iri[start..]);
    out.push('>');
}

/// A literal's lexical form in canonical N-Quads (RDFC-1.0 and RDF 1.2 N-Triples canonical
/// form): `"` and `\`, and the control characters U+0000–U+001F and U+007F, are escaped:
/// backspace, tab, line feed, form feed and carriage return as `\b \t \n \f \r`, the others
/// as `\u` and four uppercase hex digits. Wellspring patch: upstream escaped only `"`, `\`,
/// line feed and carriage return, so a signed string with a tab (or any other control
/// character) canonicalized to other bytes than rdf-canonize gives it, and the proof failed.
fn push_escaped_literal(out: &mut String, value: &str) {
    let mut start = 0;
    for (i, b) in value.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0x00..=0x1F | 0x7F => "",
            _ => continue,
        };
        out.push_str(&value[start..i]);
        if esc.is_empty() {
            use fmt::Write;
            let _ = write!(out, "\\u{b:04X}");
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&value[start..]);
}

impl fmt::Display for NQuadsStatement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line())
    }
}
