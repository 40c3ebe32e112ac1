//! A lenient, borrowing view of a CFPackage.
//!
//! Real packages deviate from the schema (standalone back-links inside a package, strings where
//! a LinkURI object belongs, `CFDefinitions: []`, nulls). The integrity checks must still see
//! everything, so every property here is read leniently: a string is kept (borrowed from the
//! input when it has no escapes), anything else becomes [`Field::Other`], an absent property
//! [`Field::Absent`]. Arrays keep their positions (a non-object element is `None`), so the
//! JSON pointer of every entity is known. Unknown properties are skipped without allocating.
//!
//! Memory: the view of a package holds only the properties the checks read, and those borrow
//! from the input bytes; it is a fraction of a `serde_json::Value` of the same package.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A property expected to hold a string.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<'a> {
    #[default]
    Absent,
    Str(Cow<'a, str>),
    /// Present, but not a string (null, number, object, …).
    Other,
}

impl Field<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Field::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

/// A property expected to hold an object of type `T`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<T> {
    Absent,
    Obj(T),
    /// Present, but not an object.
    Other,
}

// Derived, it would require `T: Default`.
#[allow(clippy::derivable_impls)]
impl<T> Default for Node<T> {
    fn default() -> Self {
        Node::Absent
    }
}

impl<T> Node<T> {
    pub fn get(&self) -> Option<&T> {
        match self {
            Node::Obj(t) => Some(t),
            _ => None,
        }
    }
}

struct NodeVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NodeVisitor<T> {
    type Value = Node<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Node::Obj)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Node::Other)
    }
    fn visit_borrowed_str<E>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Node::Other)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Node<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor(PhantomData))
    }
}

/// A property expected to hold an array of objects of type `T`. Positions are kept: an element
/// that is not an object is `None`.
#[derive(Debug, Clone, PartialEq)]
pub enum List<T> {
    Absent,
    Items(Vec<Option<T>>),
    /// Present, but not an array.
    Other,
}

#[allow(clippy::derivable_impls)]
impl<T> Default for List<T> {
    fn default() -> Self {
        List::Absent
    }
}

impl<T> List<T> {
    /// The elements that are objects, with their index in the array.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        let v: &[Option<T>] = match self {
            List::Items(v) => v,
            _ => &[],
        };
        v.iter()
            .enumerate()
            .filter_map(|(i, t)| t.as_ref().map(|t| (i, t)))
    }

    pub fn len(&self) -> usize {
        match self {
            List::Items(v) => v.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every element in array order (`None` where it is not an object); `None` when the property
    /// is absent or not an array.
    pub fn entries(&self) -> Option<&[Option<T>]> {
        match self {
            List::Items(v) => Some(v),
            _ => None,
        }
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(n) = seq.next_element::<Node<T>>()? {
            out.push(match n {
                Node::Obj(t) => Some(t),
                _ => None,
            });
        }
        Ok(List::Items(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(List::Other)
    }
    fn visit_borrowed_str<E>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(List::Other)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// `LinkURI` / `LinkGenURI`: `{title, identifier, uri}`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct LinkView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub title: Field<'a>,
}

/// Links are boxed: most are absent, and an absent one then costs 16 bytes, not 80.
pub type Link<'a> = Node<Box<LinkView<'a>>>;

/// `CFPckgDocument` (and the `CFPackageURI` back-link of a standalone CFDocument, which some
/// exporters put inside packages).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub title: Field<'a>,
    #[serde(default, borrow)]
    pub last_change_date_time: Field<'a>,
    #[serde(default, borrow)]
    pub status_start_date: Field<'a>,
    #[serde(default, borrow)]
    pub status_end_date: Field<'a>,
    #[serde(default, borrow, rename = "CFPackageURI")]
    pub cf_package_uri: Link<'a>,
    #[serde(default, borrow, rename = "licenseURI")]
    pub license_uri: Link<'a>,
    #[serde(default, borrow, rename = "subjectURI")]
    pub subject_uri: List<LinkView<'a>>,
}

/// `CFPckgItem` (plus the standalone `CFDocumentURI` back-link, if an exporter left it in).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub full_statement: Field<'a>,
    #[serde(default, borrow)]
    pub human_coding_scheme: Field<'a>,
    #[serde(default, borrow)]
    pub abbreviated_statement: Field<'a>,
    #[serde(default, borrow)]
    pub alternative_label: Field<'a>,
    #[serde(default, borrow)]
    pub last_change_date_time: Field<'a>,
    #[serde(default, borrow)]
    pub status_start_date: Field<'a>,
    #[serde(default, borrow)]
    pub status_end_date: Field<'a>,
    #[serde(default, borrow, rename = "CFDocumentURI")]
    pub cf_document_uri: Link<'a>,
    #[serde(default, borrow, rename = "CFItemTypeURI")]
    pub cf_item_type_uri: Link<'a>,
    #[serde(default, borrow, rename = "licenseURI")]
    pub license_uri: Link<'a>,
    #[serde(default, borrow, rename = "conceptKeywordsURI")]
    pub concept_keywords_uri: Link<'a>,
}

/// `CFPckgAssociation` (plus a stray `CFDocumentURI`).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub association_type: Field<'a>,
    #[serde(default, borrow)]
    pub last_change_date_time: Field<'a>,
    #[serde(default, borrow, rename = "originNodeURI")]
    pub origin: Link<'a>,
    #[serde(default, borrow, rename = "destinationNodeURI")]
    pub destination: Link<'a>,
    #[serde(default, borrow, rename = "CFAssociationGroupingURI")]
    pub grouping_uri: Link<'a>,
    #[serde(default, borrow, rename = "CFDocumentURI")]
    pub cf_document_uri: Link<'a>,
}

/// Any of the five definition kinds (they share these properties).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub title: Field<'a>,
    #[serde(default, borrow)]
    pub last_change_date_time: Field<'a>,
}

/// `CFDefinition`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct DefinitionsView<'a> {
    #[serde(default, borrow, rename = "CFConcepts")]
    pub concepts: List<DefinitionView<'a>>,
    #[serde(default, borrow, rename = "CFSubjects")]
    pub subjects: List<DefinitionView<'a>>,
    #[serde(default, borrow, rename = "CFLicenses")]
    pub licenses: List<DefinitionView<'a>>,
    #[serde(default, borrow, rename = "CFItemTypes")]
    pub item_types: List<DefinitionView<'a>>,
    #[serde(default, borrow, rename = "CFAssociationGroupings")]
    pub groupings: List<DefinitionView<'a>>,
}

impl<'a> DefinitionsView<'a> {
    /// The list named by its `CFDefinitions` property (`CFConcepts`, `CFSubjects`, …).
    pub fn by_kind(&self, kind: &str) -> Option<&List<DefinitionView<'a>>> {
        match kind {
            "CFConcepts" => Some(&self.concepts),
            "CFSubjects" => Some(&self.subjects),
            "CFLicenses" => Some(&self.licenses),
            "CFItemTypes" => Some(&self.item_types),
            "CFAssociationGroupings" => Some(&self.groupings),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricLevelView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub last_change_date_time: Field<'a>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricCriterionView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub last_change_date_time: Field<'a>,
    #[serde(default, borrow, rename = "CFItemURI")]
    pub cf_item_uri: Link<'a>,
    #[serde(default, borrow, rename = "CFRubricCriterionLevels")]
    pub levels: List<RubricLevelView<'a>>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricView<'a> {
    #[serde(default, borrow)]
    pub identifier: Field<'a>,
    #[serde(default, borrow)]
    pub uri: Field<'a>,
    #[serde(default, borrow)]
    pub title: Field<'a>,
    #[serde(default, borrow)]
    pub last_change_date_time: Field<'a>,
    #[serde(default, borrow, rename = "CFRubricCriteria")]
    pub criteria: List<RubricCriterionView<'a>>,
}

/// `CFPackage`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct PackageView<'a> {
    #[serde(default, borrow, rename = "CFDocument")]
    pub document: Node<DocumentView<'a>>,
    #[serde(default, borrow, rename = "CFItems")]
    pub items: List<ItemView<'a>>,
    #[serde(default, borrow, rename = "CFAssociations")]
    pub associations: List<AssociationView<'a>>,
    #[serde(default, borrow, rename = "CFDefinitions")]
    pub definitions: Node<DefinitionsView<'a>>,
    #[serde(default, borrow, rename = "CFRubrics")]
    pub rubrics: List<RubricView<'a>>,
}

/// An entity with its own `identifier`.
pub trait Identified {
    fn identifier(&self) -> &Field<'_>;
}

macro_rules! identified {
    ($($t:ident),*) => {$(
        impl Identified for $t<'_> {
            fn identifier(&self) -> &Field<'_> {
                &self.identifier
            }
        }
    )*};
}

identified!(
    DocumentView,
    ItemView,
    AssociationView,
    DefinitionView,
    RubricView,
    RubricCriterionView,
    RubricLevelView
);

/// Why a package could not be read at all.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// Not well-formed JSON (or a property repeated in one object).
    Json(String),
    /// Well-formed JSON whose root is not an object.
    NotObject,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            LoadError::Json(e) => write!(f, "not well-formed JSON: {e}"),
            LoadError::NotObject => f.write_str("the root is not a JSON object"),
        }
    }
}

/// Reads a package leniently, borrowing strings from `bytes`.
pub fn load_view(bytes: &[u8]) -> Result<PackageView<'_>, LoadError> {
    match serde_json::from_slice::<Node<PackageView<'_>>>(bytes) {
        Ok(Node::Obj(p)) => Ok(p),
        Ok(_) => Err(LoadError::NotObject),
        Err(e) => Err(LoadError::Json(e.to_string())),
    }
}

impl<'a> PackageView<'a> {
    /// Reads a package already parsed into a `serde_json::Value`, leniently; strings borrow from it.
    pub fn from_value(v: &'a serde_json::Value) -> Result<Self, LoadError> {
        match Node::<PackageView<'a>>::deserialize(v) {
            Ok(Node::Obj(p)) => Ok(p),
            Ok(_) => Err(LoadError::NotObject),
            Err(e) => Err(LoadError::Json(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_and_borrowing() {
        let json = br#"{"CFDocument":{"identifier":"x","uri":7,"CFPackageURI":"http://legacy"},
            "CFItems":[{"identifier":"a\u0062"}, 3, {"fullStatement":null}],
            "CFAssociations":{"not":"an array"},
            "CFDefinitions":[], "extra": {"deep": [1,2,3]}}"#;
        let p = load_view(json).unwrap();
        let d = p.document.get().unwrap();
        assert!(matches!(d.identifier, Field::Str(Cow::Borrowed("x"))));
        assert_eq!(d.uri, Field::Other);
        assert_eq!(d.cf_package_uri, Node::Other);
        assert_eq!(p.items.len(), 3);
        let items: Vec<_> = p.items.iter().map(|(i, _)| i).collect();
        assert_eq!(items, vec![0, 2]);
        assert_eq!(
            p.items.iter().next().unwrap().1.identifier.as_str(),
            Some("ab")
        );
        assert_eq!(p.associations, List::Other);
        assert_eq!(p.definitions, Node::Other);
        assert_eq!(load_view(b"[1]"), Err(LoadError::NotObject));
        assert!(matches!(load_view(b"{"), Err(LoadError::Json(_))));

        let v: serde_json::Value = serde_json::from_slice(json).unwrap();
        let p = PackageView::from_value(&v).unwrap();
        assert_eq!(p.items.entries().map(<[_]>::len), Some(3));
        assert!(p.items.entries().unwrap()[1].is_none());
        assert_eq!(p.associations.entries(), None);
        let first = p.items.entries().unwrap()[0].as_ref().unwrap();
        assert_eq!(first.identifier().as_str(), Some("ab"));
        assert_eq!(
            PackageView::from_value(&serde_json::json!([1])),
            Err(LoadError::NotObject)
        );
        let defs = serde_json::json!({"CFDefinitions": {"CFSubjects": [{"identifier": "s"}]}});
        let p = PackageView::from_value(&defs).unwrap();
        let d = p.definitions.get().unwrap();
        assert_eq!(d.by_kind("CFSubjects").map(List::len), Some(1));
        assert!(d.by_kind("CFOther").is_none());
    }
}
