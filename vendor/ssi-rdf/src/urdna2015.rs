//! URDNA2015 canonicalization algorithm implementation.
use std::collections::BTreeMap as Map;
use std::collections::HashSet;
use std::fmt;

#[derive(Debug)]
pub struct MissingChosenIssuer;

/// Wellspring patch: the canonicalization ran out of its work budget (a "poison" graph whose
/// indistinguishable blank nodes make Hash N-Degree Quads explode; RDFC-1.0 §4.4 invites
/// implementations to bound this work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkBudgetExceeded {
    /// The budget that was exhausted, in work units (one unit per Hash N-Degree Quads call, per
    /// related blank node it hashes, and per permutation of related blank nodes considered).
    pub budget: u64,
}

impl fmt::Display for WorkBudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RDF canonicalization needs more than {} units of work (Hash N-Degree Quads calls, related blank nodes hashed, blank-node permutations)",
            self.budget
        )
    }
}

/// What is left of a work budget.
struct Budget {
    total: u64,
    left: std::cell::Cell<u64>,
}

impl Budget {
    fn unlimited() -> Self {
        Budget { total: u64::MAX, left: std::cell::Cell::new(u64::MAX) }
    }

    fn spend(&self, units: u64) -> Result<(), WorkBudgetExceeded> {
        match self.left.get().checked_sub(units) {
            Some(rest) => {
                self.left.set(rest);
                Ok(())
            }
            None => {
                self.left.set(0);
                Err(WorkBudgetExceeded { budget: self.total })
            }
        }
    }
}

/// Why Hash N-Degree Quads stopped.
enum NDegreeError {
    MissingChosenIssuer,
    Budget(WorkBudgetExceeded),
}

/// n! saturating at u64::MAX: the number of permutations of n related blank nodes.
fn permutations(n: usize) -> u64 {
    (1..=n as u64).try_fold(1u64, |acc, k| acc.checked_mul(k)).unwrap_or(u64::MAX)
}

use indexmap::IndexMap;
use rdf_types::BlankId;
use rdf_types::BlankIdBuf;
use rdf_types::Id;
use rdf_types::LexicalQuad;
use rdf_types::LexicalQuadRef;

use ssi_crypto::hashes::sha256::sha256;

use crate::{IntoNQuads, NQuadsStatement};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BlankIdPosition {
    Subject,
    Object,
    Graph,
}

impl BlankIdPosition {
    pub fn into_char(self) -> char {
        match self {
            Self::Subject => 's',
            Self::Object => 'o',
            Self::Graph => 'g',
        }
    }
}

impl From<BlankIdPosition> for char {
    fn from(p: BlankIdPosition) -> Self {
        p.into_char()
    }
}

impl fmt::Display for BlankIdPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.into_char().fmt(f)
    }
}

pub trait BlankNodeComponents<'a> {
    fn blank_node_components(&self) -> Vec<&'a BlankId>;

    fn blank_node_components_with_position(&self) -> Vec<(&'a BlankId, BlankIdPosition)>;
}

pub trait BlankNodeComponentsMut {
    fn blank_node_components_mut(&mut self) -> Vec<&mut BlankIdBuf>;
}

impl<'a> BlankNodeComponents<'a> for LexicalQuadRef<'a> {
    fn blank_node_components(&self) -> Vec<&'a BlankId> {
        self.blank_node_components_with_position()
            .into_iter()
            .map(|(label, _position)| label)
            .collect()
    }

    fn blank_node_components_with_position(&self) -> Vec<(&'a BlankId, BlankIdPosition)> {
        let mut labels = Vec::new();
        if let rdf_types::Subject::Blank(label) = self.0 {
            labels.push((label, BlankIdPosition::Subject))
        }
        if let rdf_types::Object::Id(Id::Blank(label)) = self.2 {
            labels.push((label, BlankIdPosition::Object))
        }
        if let Some(rdf_types::GraphLabel::Blank(label)) = self.3 {
            labels.push((label, BlankIdPosition::Graph))
        }
        labels
    }
}

impl BlankNodeComponentsMut for LexicalQuad {
    fn blank_node_components_mut(&mut self) -> Vec<&mut BlankIdBuf> {
        let mut labels: Vec<&mut BlankIdBuf> = Vec::new();
        if let rdf_types::Subject::Blank(label) = &mut self.0 {
            labels.push(label)
        }
        if let rdf_types::Object::Id(Id::Blank(label)) = &mut self.2 {
            labels.push(label)
        }
        if let Some(rdf_types::GraphLabel::Blank(label)) = &mut self.3 {
            labels.push(label)
        }
        labels
    }
}

/// <https://www.w3.org/TR/rdf-canon/#normalization-state>
#[derive(Debug, Clone)]
pub struct NormalizationState<'a> {
    pub blank_node_to_quads: Map<&'a BlankId, Vec<LexicalQuadRef<'a>>>,
    pub hash_to_blank_nodes: Map<String, Vec<&'a BlankId>>,
    pub canonical_issuer: IdentifierIssuer,
    /// Hash First Degree Quads of each blank node, computed once (Wellspring patch): the result
    /// depends only on the node's quads, which never change during a run, and the algorithm
    /// asks for it again in every round of step 5 and in every Hash Related Blank Node call.
    pub first_degree_hashes: std::collections::HashMap<BlankIdBuf, String>,
}

/// <https://www.w3.org/TR/rdf-canon/#dfn-identifier-issuer>  
/// <https://www.w3.org/TR/rdf-canon/#blank-node-identifier-issuer-state>
#[derive(Debug, Clone)]
pub struct IdentifierIssuer {
    pub identifier_prefix: String,
    pub identifier_counter: u64,
    pub issued_identifiers: IndexMap<BlankIdBuf, BlankIdBuf>,
}

impl IdentifierIssuer {
    pub fn new(prefix: String) -> Self {
        Self {
            identifier_prefix: prefix,
            identifier_counter: 0,
            issued_identifiers: IndexMap::new(),
        }
    }
    pub fn find_issued_identifier(&self, existing_identifier: &BlankId) -> Option<&BlankId> {
        self.issued_identifiers
            .get(existing_identifier)
            .map(BlankIdBuf::as_blank_id_ref)
    }
}

/// The temporary issuer of Hash N-Degree Quads (prefix `_:b`), as the nodes it issued
/// identifiers to, in order: the i-th got `_:b{i}` (Wellspring patch: references into the quads,
/// so the copy the algorithm makes for every permutation is two small allocations; upstream
/// copied an ordered map of owned strings, 4 % of a fuzz campaign's time).
#[derive(Debug, Clone, Default)]
struct PathIssuer<'a> {
    issued: indexmap::IndexSet<&'a BlankId>,
}

impl<'a> PathIssuer<'a> {
    /// Issue Identifier: the index of `id`'s identifier, issuing it if needed.
    fn issue(&mut self, id: &'a BlankId) -> usize {
        self.issued.insert_full(id).0
    }

    fn find(&self, id: &BlankId) -> Option<usize> {
        self.issued.get_index_of(id)
    }

    /// Appends `_:b{i}` to `path`.
    fn push_label(path: &mut String, i: usize) {
        use std::fmt::Write;
        let _ = write!(path, "_:b{i}");
    }
}

/// Result of Hash N-Degree Quads: the hash and the issuer it chose.
#[derive(Debug, Clone)]
struct HashNDegreeQuadsOutput<'a> {
    hash: String,
    issuer: PathIssuer<'a>,
}

fn digest_to_lowerhex(digest: &[u8]) -> String {
    // Wellspring patch: two table lookups a byte instead of a formatter call a byte.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for byte in digest {
        s.push(DIGITS[usize::from(byte >> 4)] as char);
        s.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    s
}

/// [`hash_first_degree_quads`] of `id`, from the state's cache when it was computed before.
fn first_degree_hash(normalization_state: &mut NormalizationState, id: &BlankId) -> String {
    if let Some(hash) = normalization_state.first_degree_hashes.get(id) {
        return hash.clone();
    }
    let hash = hash_first_degree_quads(normalization_state, id);
    normalization_state
        .first_degree_hashes
        .insert(id.to_owned(), hash.clone());
    hash
}

/// <https://www.w3.org/TR/rdf-canon/#hash-1d-quads>
pub fn hash_first_degree_quads(
    normalization_state: &mut NormalizationState,
    reference_blank_node_identifier: &BlankId,
) -> String {
    // https://www.w3.org/TR/rdf-canon/#algorithm-1
    // 1
    let mut nquads: Vec<String> = Vec::new();
    // 2
    if let Some(quads) = normalization_state
        .blank_node_to_quads
        .get(reference_blank_node_identifier)
    {
        // 3
        for quad in quads {
            // 3.1
            let mut quad: LexicalQuad = quad.into_owned();
            // 3.1.1
            for label in quad.blank_node_components_mut() {
                // 3.1.1.1
                *label = if label == reference_blank_node_identifier {
                    BlankIdBuf::from_suffix("a").unwrap()
                } else {
                    BlankIdBuf::from_suffix("z").unwrap()
                };
            }
            let nquad = NQuadsStatement(&quad).line();
            nquads.push(nquad);
        }
    }
    // 4
    nquads.sort();
    // 5
    let joined_nquads = nquads.join("");
    let nquads_digest = sha256(joined_nquads.as_bytes());
    digest_to_lowerhex(&nquads_digest)
}

/// <https://www.w3.org/TR/rdf-canon/>
pub fn normalize<'a, Q: IntoIterator<Item = LexicalQuadRef<'a>>>(
    quads: Q,
) -> NormalizedQuads<'a, Q::IntoIter>
where
    Q::IntoIter: Clone,
{
    match normalize_in(quads, &Budget::unlimited()) {
        Ok(n) => n,
        Err(_) => unreachable!("an unlimited budget is never exhausted"),
    }
}

/// Wellspring patch: [`normalize`] within a work budget (see [`WorkBudgetExceeded`]).
pub fn try_normalize<'a, Q: IntoIterator<Item = LexicalQuadRef<'a>>>(
    quads: Q,
    max_work: u64,
) -> Result<NormalizedQuads<'a, Q::IntoIter>, WorkBudgetExceeded>
where
    Q::IntoIter: Clone,
{
    let budget = Budget { total: max_work, left: std::cell::Cell::new(max_work) };
    normalize_in(quads, &budget)
}

fn normalize_in<'a, Q: IntoIterator<Item = LexicalQuadRef<'a>>>(
    quads: Q,
    budget: &Budget,
) -> Result<NormalizedQuads<'a, Q::IntoIter>, WorkBudgetExceeded>
where
    Q::IntoIter: Clone,
{
    // https://www.w3.org/TR/rdf-canon/#algorithm
    // 1
    let mut normalization_state = NormalizationState {
        blank_node_to_quads: Map::new(),
        hash_to_blank_nodes: Map::new(),
        canonical_issuer: IdentifierIssuer::new("_:c14n".to_string()),
        first_degree_hashes: std::collections::HashMap::new(),
    };
    // 2
    let quads = quads.into_iter();
    for quad in quads.clone() {
        // 2.1
        let components = quad.blank_node_components();
        for (i, &blank_node_identifier) in components.iter().enumerate() {
            // Wellspring patch: a quad is listed once for each blank node in it, however many
            // times the node occurs (`_:x <p> _:x`); upstream listed a self-loop twice, which
            // changed the node's first-degree hash from the spec's and rdf-canonize's.
            if components[..i].contains(&blank_node_identifier) {
                continue;
            }
            normalization_state
                .blank_node_to_quads
                .entry(blank_node_identifier)
                .or_default()
                .push(quad);
        }
    }
    // 3
    let mut non_normalized_identifiers: HashSet<&BlankId> = normalization_state
        .blank_node_to_quads
        .keys()
        .cloned()
        .collect();
    // 4
    let mut simple = true;
    // 5
    while simple {
        // 5.1
        simple = false;
        // 5.2
        normalization_state.hash_to_blank_nodes.clear();
        // 5.3
        for identifier in non_normalized_identifiers.iter() {
            // 5.3.1
            let hash = first_degree_hash(&mut normalization_state, identifier);
            // 5.3.2
            normalization_state
                .hash_to_blank_nodes
                .entry(hash)
                .or_default()
                .push(identifier);
        }
        // 5.4
        let mut hashes_to_remove = Vec::new();
        for (hash, identifier_list) in normalization_state.hash_to_blank_nodes.iter() {
            // 5.4.1
            if identifier_list.len() > 1 {
                continue;
            }
            // 5.4.2
            let identifier = match identifier_list.iter().next() {
                Some(id) => id,
                None => continue,
            };
            // note: canonical issuer is not passed
            issue_identifier(&mut normalization_state.canonical_issuer, identifier);
            // 5.4.3
            non_normalized_identifiers.remove(identifier);
            // 5.4.4
            // Cannot remove while iterating
            hashes_to_remove.push(hash.clone());
            // 5.4.5
            simple = true;
        }
        for hash in hashes_to_remove {
            normalization_state.hash_to_blank_nodes.remove(&hash);
        }
        // 6
        // Clone normalization_state to avoid mutable borrow
        for (_hash, identifier_list) in normalization_state.hash_to_blank_nodes.clone() {
            // 6.1
            let mut hash_path_list: Vec<HashNDegreeQuadsOutput> = Vec::new();
            // 6.2
            for identifier in identifier_list {
                // 6.2.1
                if normalization_state
                    .canonical_issuer
                    .find_issued_identifier(identifier)
                    .is_some()
                {
                    continue;
                }
                // 6.2.2
                let mut temporary_issuer = PathIssuer::default();
                // 6.2.3
                temporary_issuer.issue(identifier);
                // 6.2.4
                match hash_n_degree_quads_in(
                    &mut normalization_state,
                    identifier,
                    &mut temporary_issuer,
                    budget,
                ) {
                    Ok(out) => hash_path_list.push(out),
                    Err(NDegreeError::Budget(e)) => return Err(e),
                    Err(NDegreeError::MissingChosenIssuer) => {
                        unreachable!("a related-hash group is never empty")
                    }
                }
            }
            // 6.3
            hash_path_list.sort_by(|a, b| a.hash.cmp(&b.hash));
            for result in hash_path_list {
                // 6.3.1
                for existing_identifier in result.issuer.issued {
                    issue_identifier(
                        &mut normalization_state.canonical_issuer,
                        existing_identifier,
                    );
                }
            }
        }
    }
    // 7
    Ok(NormalizedQuads {
        quads,
        normalization_state,
    })
}

pub struct NormalizedQuads<'a, Q> {
    quads: Q,
    normalization_state: NormalizationState<'a>,
}

pub type NormalizingSubstitution = IndexMap<BlankIdBuf, BlankIdBuf>;

impl<'a, Q: Iterator<Item = LexicalQuadRef<'a>>> NormalizedQuads<'a, Q> {
    pub fn into_nquads_lines(self) -> Vec<String> {
        IntoNQuads::into_nquads_lines(self)
    }

    pub fn into_nquads(self) -> String {
        IntoNQuads::into_nquads(self)
    }

    pub fn into_substitution(mut self) -> NormalizingSubstitution {
        (&mut self).last(); // make sure all the quads have been normalized.
        self.normalization_state.canonical_issuer.issued_identifiers
    }
}

impl<'a, Q: Iterator<Item = LexicalQuadRef<'a>>> Iterator for NormalizedQuads<'a, Q> {
    type Item = LexicalQuad;

    fn next(&mut self) -> Option<Self::Item> {
        self.quads.next().map(|quad| {
            // 7.1
            let mut quad_copy = quad.into_owned();
            for label in quad_copy.blank_node_components_mut() {
                let canonical_identifier = self
                    .normalization_state
                    .canonical_issuer
                    .find_issued_identifier(label)
                    .unwrap();
                *label = canonical_identifier.to_owned();
            }
            // 7.2
            quad_copy
        })
    }
}

/// <https://www.w3.org/TR/rdf-canon/#issue-identifier-algorithm>
pub fn issue_identifier(
    identifier_issuer: &mut IdentifierIssuer,
    existing_identifier: &BlankId,
) -> BlankIdBuf {
    // https://www.w3.org/TR/rdf-canon/#algorithm-0
    // 1
    if let Some(id) = identifier_issuer.find_issued_identifier(existing_identifier) {
        return id.to_owned();
    }
    // 2
    let issued_identifier = BlankIdBuf::new(
        identifier_issuer.identifier_prefix.to_owned()
            + &identifier_issuer.identifier_counter.to_string(),
    )
    .unwrap();
    // 3
    identifier_issuer
        .issued_identifiers
        .insert(existing_identifier.to_owned(), issued_identifier.clone());
    // 4
    identifier_issuer.identifier_counter += 1;
    // 5
    issued_identifier
}

/// <https://www.w3.org/TR/rdf-canon/#hash-n-degree-quads>
fn hash_n_degree_quads_in<'a>(
    normalization_state: &mut NormalizationState<'a>,
    identifier: &'a BlankId,
    issuer: &mut PathIssuer<'a>,
    budget: &Budget,
) -> Result<HashNDegreeQuadsOutput<'a>, NDegreeError> {
    budget.spend(1).map_err(NDegreeError::Budget)?;
    let mut issuer = issuer;
    // https://www.w3.org/TR/rdf-canon/#algorithm-3
    let mut issuer_tmp: PathIssuer<'a>;
    // 1
    let mut hash_to_related_blank_nodes: Map<String, Vec<&'a BlankId>> = Map::new();
    // 2
    if let Some(quads) = normalization_state
        .blank_node_to_quads
        .get(identifier)
        // Clone to prevent multiple mutable borrows of normalization state
        .cloned()
    {
        // 3
        for quad in quads {
            // 3.1
            for (component, position) in quad.blank_node_components_with_position() {
                // Not checking for predicate since that cannot be a blank node identifier anyway
                if component != identifier {
                    // 3.1.1 (one unit of the budget: a Hash N-Degree Quads call costs what it
                    // hashes, and a node related to many look-alikes hashes each of them)
                    budget.spend(1).map_err(NDegreeError::Budget)?;
                    let hash = hash_related_blank_node(
                        normalization_state,
                        component,
                        quad,
                        issuer,
                        position,
                    );
                    // 3.1.2
                    hash_to_related_blank_nodes
                        .entry(hash)
                        .or_default()
                        .push(component);
                }
            }
        }
    }
    // 4
    let mut data_to_hash = String::new();
    // 5
    // Using BTreeMap for sort by hash
    for (related_hash, blank_node_list) in hash_to_related_blank_nodes {
        // 5.1
        data_to_hash.push_str(&related_hash);
        // 5.2
        let mut chosen_path = String::new();
        // 5.3
        let mut chosen_issuer = None;
        // 5.4 (every permutation is materialized up front: pay for them before making them)
        budget
            .spend(permutations(blank_node_list.len()))
            .map_err(NDegreeError::Budget)?;
        for permutation in combination::permutate::from_vec(&blank_node_list) {
            // 5.4.1
            let mut issuer_copy = issuer.clone();
            // 5.4.2
            let mut path = String::new();
            // 5.4.3
            let mut recursion_list: Vec<&'a BlankId> = Vec::new();
            // 5.4.4
            for related in permutation {
                // 5.4.4.1
                if let Some(canonical_identifier) = normalization_state
                    .canonical_issuer
                    .find_issued_identifier(related)
                {
                    // Wellspring patch: RDFC-1.0 appends the canonical identifier to the
                    // path; upstream put it on the recursion list (then hashed a node with no
                    // quads under that name), which gave other canonical labels than the spec
                    // and rdf-canonize for some graphs.
                    path.push_str(canonical_identifier.as_str());
                // 5.4.4.2
                } else {
                    // 5.4.4.2.1
                    if issuer_copy.find(related).is_none() {
                        recursion_list.push(related);
                    }
                    // 5.4.4.2.2
                    PathIssuer::push_label(&mut path, issuer_copy.issue(related));
                }
                // 5.4.4.3
                if !chosen_path.is_empty() && path.len() >= chosen_path.len() && path > chosen_path
                {
                    continue;
                }
            }
            // 5.4.5
            for related in recursion_list {
                // 5.4.5.1
                let result =
                    hash_n_degree_quads_in(normalization_state, related, &mut issuer_copy, budget)?;
                // 5.4.5.2
                PathIssuer::push_label(&mut path, issuer_copy.issue(related));
                // 5.4.5.3
                path.push('<');
                path.push_str(&result.hash);
                path.push('>');
                // 5.4.5.4
                issuer_copy = result.issuer;
                // 5.4.5.5
                if !chosen_path.is_empty() && path.len() >= chosen_path.len() && path > chosen_path
                {
                    continue;
                }
            }
            // 5.4.6
            if chosen_path.is_empty() || path < chosen_path {
                chosen_path = path;
                chosen_issuer.replace(issuer_copy);
            }
        }
        // 5.5
        data_to_hash.push_str(&chosen_path);
        // 5.6
        issuer_tmp = match chosen_issuer {
            Some(issuer) => issuer,
            None => return Err(NDegreeError::MissingChosenIssuer),
        };
        issuer = &mut issuer_tmp;
    }
    // 6
    let digest = sha256(data_to_hash.as_bytes());
    let hash = digest_to_lowerhex(&digest);
    Ok(HashNDegreeQuadsOutput {
        hash,
        issuer: issuer.to_owned(),
    })
}

/// <https://www.w3.org/TR/rdf-canon/#hash-related-blank-node>
fn hash_related_blank_node(
    normalization_state: &mut NormalizationState,
    related: &BlankId,
    quad: LexicalQuadRef,
    issuer: &PathIssuer,
    position: BlankIdPosition,
) -> String {
    // https://www.w3.org/TR/rdf-canon/#algorithm-2
    // 1
    let identifier = match normalization_state
        .canonical_issuer
        .find_issued_identifier(related)
    {
        Some(id) => id.to_string(),
        None => match issuer.find(related) {
            Some(i) => {
                let mut id = String::new();
                PathIssuer::push_label(&mut id, i);
                id
            }
            None => first_degree_hash(normalization_state, related),
        },
    };
    // 2
    let mut input = position.to_string();
    // 3
    if position != BlankIdPosition::Graph {
        input.push('<');
        input.push_str(quad.predicate().as_str());
        input.push('>');
    }
    // 4
    input += &identifier;
    // 5
    let digest = sha256(input.as_bytes());
    digest_to_lowerhex(&digest)
}

