//! Structure-aware mutation: a [`Plan`] (drawn by a `proptest` strategy, so it is seeded,
//! reproducible and shrinkable) is applied to a seed to give a [`Mutant`]: its bytes, what was
//! done, and what a correct verifier must conclude about it ([`Expect`]).
//!
//! The expectation is the oracle's input, so it is conservative: a mutant is *expected rejected*
//! only when its signed content or its signature changed (and it was not re-signed by the real
//! issuer), a nested credential was tampered, a property the official schema requires was
//! removed, or it is hostile (a poison graph, an entity bomb: [`hostile`]). One validly signed by a
//! key nothing binds to its issuer (a stranger's did:key, an inline JOSE `jwk`) may conform, but
//! must never be reported issuer-authenticated. A mutant that leaves the signed content
//! semantically identical (member order, whitespace, a DOCTYPE) is *expected accepted*. Anything
//! else (an undefined term dropped by JSON-LD, a boundary date re-signed by the issuer…) may go
//! either way.

use base64::Engine;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};
use ssi_jwk::{Algorithm, JWK};
use wellspring_verify::{baked, di, jwt};

use crate::seed::{attacker, Format, Inner, Seed, SeedSet};

mod build;
pub mod hostile;
mod ops;
mod resign;

pub use build::build;
use build::*;
use ops::*;
use resign::*;

/// What a correct verifier must do with a mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// Signed content semantically unchanged: may (should) be accepted.
    Accept,
    /// Signed content or signature changed, or signed by a stranger: must be rejected.
    RejectTampered,
    /// A property the schema requires is missing: must be rejected.
    RejectSchema,
    /// Either answer is acceptable; only crash / hang / 5xx are findings.
    Any,
    /// A hostile input (poison graph, entity-expansion bomb): must be refused, quickly.
    RejectHostile,
    /// Signed by a key nothing binds to the issuer (an inline `jwk`, a stranger's did:key):
    /// either answer is acceptable, but never "issuer authenticated".
    Unauthenticated,
}

impl Expect {
    pub fn is_reject(self) -> bool {
        matches!(
            self,
            Expect::RejectTampered | Expect::RejectSchema | Expect::RejectHostile
        )
    }
}

/// Type a value is confused into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Arr,
    Obj,
    Num,
    Null,
}

/// A change to the credential (or the JWT payload).
#[derive(Debug, Clone)]
pub enum ValueOp {
    /// Remove a property the official schema requires.
    DropRequired(Index),
    /// Repeat a member with a different value (`{"name": "A", "name": "B"}`).
    DuplicateKey(Index),
    TypeConfusion(Index, Kind),
    /// Boundary or malformed date in a date-time property.
    Date(Index, Index),
    HugeString(Index, usize),
    HugeArray(Index, usize),
    DeepNesting(Index, usize),
    /// NUL, lone surrogate (escaped), RTL override, normalization variants… in a name or id.
    Unicode(Index, Index),
    /// A member no context defines.
    ExtraTerm(Index),
    ContextReorder,
    /// An attacker's remote context added to `@context`.
    RemoteContext(Index),
    /// Two different objects given the same `id`.
    IdCollision(Index, Index),
    /// Member order changed (semantically nothing).
    ReorderMembers(Index),
    /// CLR / presentation: a bundled credential altered after its issuer signed it.
    NestedTamper(Index),
    /// CLR: associations forming a cycle (and a self-loop).
    AssociationCycle,
    /// Percent-encoded invalid UTF-8 in an IRI-valued member ([`hostile::BAD_PERCENT`]).
    BadIri(Index, Index),
    /// A credential subject given a clique of this many blank nodes (a poison graph).
    BlankClique(Index, usize),
}

/// A change to the proof (Data Integrity) or the signature (JWS).
#[derive(Debug, Clone)]
pub enum ProofOp {
    None,
    /// Flip one bit of `proofValue` / the JWS signature.
    BitFlip(Index),
    /// Another cryptosuite / `alg` named, signature kept.
    SuiteSwap(Index),
    /// `verificationMethod` / `kid` pointing elsewhere (some re-signed by the attacker).
    KeyElsewhere(Index),
    /// The proof / signature of a different document.
    ForeignProof(Index),
    /// Proof / signature removed.
    Strip,
    /// JWS `alg: none` variants; Data Integrity: `proofValue` removed.
    Unsigned(Index),
    /// JWS: HS256 keyed with the issuer's *public* key (algorithm confusion).
    HmacConfusion(Index),
    /// The same proof twice (a proof set).
    DuplicateProof,
    /// Re-issued by a forger claiming a real-looking issuer: a fresh key in the JOSE `jwk`
    /// header (JWS), a fresh did:key (Data Integrity).
    Forge(Index),
    /// Percent-encoded invalid UTF-8 in `verificationMethod` / the JWS `kid`.
    BadIriMethod(Index),
}

/// How the mutant is written out.
#[derive(Debug, Clone)]
pub enum Layout {
    Compact,
    Pretty,
    /// Surrounding whitespace.
    Padded,
    /// One byte of the final file flipped.
    ByteFlip(Index, u8),
    /// Baked in an SVG (whatever the seed's format) with a DOCTYPE or XML entities.
    Svg(SvgTrick),
}

/// What an SVG gets before its `<svg>` element.
#[derive(Debug, Clone)]
pub enum SvgTrick {
    /// A DOCTYPE (the SVG 1.1 DTD's, and others): still valid.
    Doctype(Index),
    /// Harmless internal entities, used in a `<title>`: still valid.
    Entity(Index),
    /// Nested entities (ten references per level, this many levels): must be refused.
    Bomb(u8),
}

/// Everything one case does; drawn by [`plan_strategy`].
#[derive(Debug, Clone)]
pub struct Plan {
    pub seed: Index,
    pub ops: Vec<ValueOp>,
    /// Start from one of the seed's mutants re-signed by its real issuer (the seed's
    /// [`ResignPool`] entry), rather than from the seed itself.
    pub resign: Option<Index>,
    pub proof: ProofOp,
    pub layout: Layout,
}

/// Bounds for the size-related strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest huge string, in bytes.
    pub max_string: usize,
    /// Most elements of a huge array.
    pub max_array: usize,
    /// Deepest nesting.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_string: 1 << 20,
            max_array: 100_000,
            max_depth: 10_000,
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Null),
        Just(Kind::Num),
        Just(Kind::Str),
        Just(Kind::Arr),
        Just(Kind::Obj)
    ]
}

/// A size in `1..=max`, as likely in each power-of-two band as in any other (1–2, 64–127,
/// 65,536–131,071…): limits are met at every scale, and a megabyte mutant stays the rarity it
/// should be (a uniform draw would make half of them larger than max/2). Shrinks toward 1.
fn size(max: usize) -> impl Strategy<Value = usize> {
    let max = max.max(1);
    let bands = usize::BITS - max.leading_zeros(); // max < 2^bands
    (0..bands, any::<usize>()).prop_map(move |(band, r)| {
        let lo = 1usize << band;
        let hi = ((lo << 1) - 1).min(max);
        lo + r % (hi - lo + 1)
    })
}

fn value_op(l: Limits) -> impl Strategy<Value = ValueOp> {
    let i = any::<Index>;
    prop_oneof![
        3 => i().prop_map(ValueOp::DropRequired),
        2 => i().prop_map(ValueOp::DuplicateKey),
        3 => (i(), kind()).prop_map(|(a, k)| ValueOp::TypeConfusion(a, k)),
        3 => (i(), i()).prop_map(|(a, b)| ValueOp::Date(a, b)),
        1 => (i(), size(l.max_string)).prop_map(|(a, n)| ValueOp::HugeString(a, n)),
        1 => (i(), size(l.max_array)).prop_map(|(a, n)| ValueOp::HugeArray(a, n)),
        1 => (i(), size(l.max_depth)).prop_map(|(a, n)| ValueOp::DeepNesting(a, n)),
        3 => (i(), i()).prop_map(|(a, b)| ValueOp::Unicode(a, b)),
        2 => i().prop_map(ValueOp::ExtraTerm),
        1 => Just(ValueOp::ContextReorder),
        1 => i().prop_map(ValueOp::RemoteContext),
        2 => (i(), i()).prop_map(|(a, b)| ValueOp::IdCollision(a, b)),
        3 => i().prop_map(ValueOp::ReorderMembers),
        2 => i().prop_map(ValueOp::NestedTamper),
        1 => Just(ValueOp::AssociationCycle),
        3 => (i(), i()).prop_map(|(a, b)| ValueOp::BadIri(a, b)),
        1 => (i(), 6..=12usize).prop_map(|(a, k)| ValueOp::BlankClique(a, k)),
    ]
}

fn proof_op() -> impl Strategy<Value = ProofOp> {
    let i = any::<Index>;
    prop_oneof![
        6 => Just(ProofOp::None),
        2 => i().prop_map(ProofOp::BitFlip),
        1 => i().prop_map(ProofOp::SuiteSwap),
        2 => i().prop_map(ProofOp::KeyElsewhere),
        1 => i().prop_map(ProofOp::ForeignProof),
        1 => Just(ProofOp::Strip),
        2 => i().prop_map(ProofOp::Unsigned),
        2 => i().prop_map(ProofOp::HmacConfusion),
        1 => Just(ProofOp::DuplicateProof),
        2 => i().prop_map(ProofOp::Forge),
        1 => i().prop_map(ProofOp::BadIriMethod),
    ]
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        6 => Just(Layout::Compact),
        2 => Just(Layout::Pretty),
        1 => Just(Layout::Padded),
        1 => (any::<Index>(), 1..=255u8).prop_map(|(i, x)| Layout::ByteFlip(i, x)),
        1 => any::<Index>().prop_map(|i| Layout::Svg(SvgTrick::Doctype(i))),
        1 => any::<Index>().prop_map(|i| Layout::Svg(SvgTrick::Entity(i))),
        1 => (7..=12u8).prop_map(|n| Layout::Svg(SvgTrick::Bomb(n))),
    ]
}

/// The strategy every case is drawn from. Shrinking removes value ops, moves each choice toward
/// the simplest alternative, and makes sizes and depths smaller.
pub fn plan_strategy(l: Limits) -> impl Strategy<Value = Plan> {
    (
        any::<Index>(),
        proptest::collection::vec(value_op(l), 0..=3),
        prop_oneof![3 => Just(None), 1 => any::<Index>().prop_map(Some)],
        proof_op(),
        layout(),
    )
        .prop_map(|(seed, ops, resign, proof, layout)| Plan {
            seed,
            ops,
            resign,
            proof,
            layout,
        })
}

/// One mutant, ready for a target.
#[derive(Debug, Clone)]
pub struct Mutant {
    pub seed: String,
    pub format: Format,
    pub bytes: Vec<u8>,
    pub expect: Expect,
    /// What was done, one line per step (no-ops are left out).
    pub steps: Vec<String>,
}

impl Mutant {
    /// The credential as text (the image's content for baked mutants).
    pub fn text(&self) -> String {
        match self.format {
            Format::Png => baked::extract_png(&self.bytes).unwrap_or_default(),
            Format::Svg => baked::extract_svg(&self.bytes).unwrap_or_default(),
            _ => String::from_utf8_lossy(&self.bytes).into_owned(),
        }
    }

    /// The first step's kind: what groups findings.
    pub fn kind(&self) -> &str {
        self.steps
            .first()
            .map(|s| s.split_whitespace().next().unwrap_or(""))
            .unwrap_or("unchanged")
    }
}

/// What the ops did, accumulated.
#[derive(Debug, Clone, Default)]
struct Effects {
    /// The signed content changed (cleared by a re-signature by the real issuer).
    changed: bool,
    /// Changed in a way a re-signature does not clear (late textual tricks, nested tamper,
    /// proof/signature tricks, a stranger's key).
    tampered: bool,
    /// The document breaks the schema in a way no later step can mend (the base context moved).
    schema: bool,
    /// Required members removed (absolute JSON pointers). Judged against the finished document
    /// (`heal_missing`): a later step that puts one back, or replaces what held it by a value of
    /// another kind (an issuer object by an IRI string), ends the fault.
    missing: std::collections::BTreeSet<String>,
    /// Poison cliques added to Data Integrity signed credentials: the pointer of the clique's
    /// array and its size. Judged against the finished document (`judge_cliques`): one still
    /// whole must be refused (hostile); one a later step changed (a node renamed, and the
    /// clique is no longer one) may canonicalize within the budget, so what it does is open.
    cliques: std::collections::BTreeMap<String, usize>,
    /// Date properties the schemas type as `date-time` that now hold a malformed date (a
    /// later op that writes a good date there heals the fault).
    bad_dates: std::collections::BTreeSet<String>,
    /// Something whose meaning depends on the verifier (undefined terms, byte flips…).
    unknown: bool,
    /// A hostile input every verifier must refuse (poison graph, entity bomb).
    hostile: bool,
    /// Signed (validly) by a key nothing binds to the issuer.
    unbound: bool,
    steps: Vec<String>,
}

// Markers replaced in the serialized text: JSON values cannot hold duplicate keys or lone
// surrogates, so they are written as markers and patched in after serialization.
const DUP: &str = "__wellspring_fuzz_dup__";
const LONE: &str = "__wellspring_fuzz_lone_surrogate__";

/// Properties the OB 3.0 / CLR 2.0 schemas require, relative to the credential.
const REQUIRED: &[&str] = &[
    "/@context",
    "/type",
    "/id",
    "/issuer",
    "/validFrom",
    "/credentialSubject",
    "/credentialSubject/achievement",
    "/credentialSubject/achievement/id",
    "/credentialSubject/achievement/type",
    "/credentialSubject/achievement/name",
    "/credentialSubject/achievement/description",
    "/credentialSubject/achievement/criteria",
    "/credentialSubject/identifier/0/identityHash",
    "/issuer/id",
    "/issuer/type",
];

const DATE_KEYS: &[&str] = &[
    "validFrom",
    "validUntil",
    "issuanceDate",
    "expirationDate",
    "awardedDate",
    "startDate",
    "endDate",
    "created",
];

/// Boundary and malformed date-times; `true` = malformed (the schema's `date-time` refuses it).
const DATES: &[(&str, bool)] = &[
    ("not a date", true),
    ("2026-01-01", true),
    ("2026-13-01T00:00:00Z", true),
    ("", true),
    ("2026-01-01T00:00:00", true),
    ("20260101T000000Z", true),
    ("1970-01-01T00:00:00Z", false),
    ("0001-01-01T00:00:00Z", false),
    ("9999-12-31T23:59:59Z", false),
    ("2026-02-30T00:00:00Z", false),
    ("2026-12-31T23:59:60Z", false),
    ("2026-01-01T24:00:00Z", false),
    ("2026-01-01T00:00:00.000000001+14:00", false),
    ("2026-01-01T00:00:00-23:59", false),
    ("+275760-09-13T00:00:00Z", false),
    ("2038-01-19T03:14:08Z", false),
];

const UNICODE: &[&str] = &[
    "\u{0}",
    LONE,
    "\u{202E}evil\u{202C}",
    "\u{200F}\u{05D0}",
    "e\u{301}",
    "\u{e9}",
    "\u{212B}",
    "\u{FEFF}",
    "\u{200B}\u{200D}",
    "\u{1F600}",
    "\u{FFFF}",
    "\\u0000",
];

const REMOTE_CONTEXTS: &[&str] = &[
    "https://attacker.example/context.jsonld",
    "http://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json?x=1",
    "https://www.w3.org/ns/credentials/v2#",
];

/// What a walk saw at one place in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Object,
    Array,
    String,
    Other,
}

/// One place in the document: its JSON pointer, and enough about it that the ops can choose
/// where to act without looking the pointer up again.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    ptr: String,
    /// Where the last reference token starts in `ptr`.
    key_at: usize,
    shape: Shape,
    /// A member of an object (not an array element).
    in_object: bool,
}

impl Node {
    /// The last reference token, still escaped (`~0`, `~1`): compare it only with names that
    /// hold neither `~` nor `/`.
    fn key(&self) -> &str {
        &self.ptr[self.key_at..]
    }
}

fn shape(v: &Value) -> Shape {
    match v {
        Value::Object(_) => Shape::Object,
        Value::Array(_) => Shape::Array,
        Value::String(_) => Shape::String,
        _ => Shape::Other,
    }
}

/// Every place below `v` (not `v` itself), depth first, skipping the `exclude` prefix.
fn pointers_at(v: &Value, base: &str, depth: usize, exclude: Option<&str>, out: &mut Vec<Node>) {
    // Bounded: a mutant is never walked deeper than 64 levels or past 4096 members.
    if out.len() > 4096 || depth > 64 {
        return;
    }
    let visit = |token: &str, c: &Value, in_object: bool, out: &mut Vec<Node>| {
        let mut ptr = String::with_capacity(base.len() + 1 + token.len());
        ptr.push_str(base);
        ptr.push('/');
        let key_at = ptr.len();
        if in_object && token.contains(['~', '/']) {
            ptr.push_str(&token.replace('~', "~0").replace('/', "~1"));
        } else {
            ptr.push_str(token);
        }
        if exclude.is_some_and(|e| {
            ptr.starts_with(e) && matches!(ptr.as_bytes().get(e.len()), None | Some(b'/'))
        }) {
            return;
        }
        out.push(Node {
            ptr: ptr.clone(),
            key_at,
            shape: shape(c),
            in_object,
        });
        pointers_at(c, &ptr, depth + 1, exclude, out);
    };
    match v {
        Value::Object(o) => {
            for (k, c) in o {
                visit(k, c, true, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                visit(&i.to_string(), c, false, out);
            }
        }
        _ => {}
    }
}

/// The pointers of the document being mutated: the seed's own list until something changes it,
/// then walked again on demand (walking is most of a small mutant's cost).
struct Walk<'a> {
    pristine: Option<&'a [Node]>,
    own: Option<Vec<Node>>,
    exclude: Option<&'static str>,
}

impl<'a> Walk<'a> {
    fn new(pristine: Option<&'a [Node]>, jws: bool) -> Walk<'a> {
        Walk {
            pristine,
            own: None,
            exclude: exclude_for(jws),
        }
    }

    fn get(&mut self, doc: &Value) -> &[Node] {
        if let Some(p) = self.pristine {
            return p;
        }
        let exclude = self.exclude;
        self.own.get_or_insert_with(|| nodes(doc, exclude))
    }

    /// The document changed.
    fn invalidate(&mut self) {
        self.pristine = None;
        self.own = None;
    }
}

/// Data Integrity: the proof is changed only by the proof tricks, never by a value op.
fn exclude_for(jws: bool) -> Option<&'static str> {
    if jws {
        None
    } else {
        Some("/proof")
    }
}

/// Every place in a decoded credential (the JWT payload of a JWS).
fn walk_of(inner: &Inner) -> Vec<Node> {
    let (doc, jws) = match inner {
        Inner::Json(v) => (v, false),
        Inner::Jws { payload, .. } => (payload, true),
    };
    nodes(doc, exclude_for(jws))
}

/// Every place in `doc` but those under `exclude`.
fn nodes(doc: &Value, exclude: Option<&str>) -> Vec<Node> {
    let mut all = Vec::new();
    pointers_at(doc, "", 0, exclude, &mut all);
    all
}

/// The places of a seed's unmutated document (walked once per seed).
fn seed_walk(seed: &Seed) -> &[Node] {
    seed.walk.get_or_init(|| walk_of(&seed.inner))
}

struct Ctx<'a> {
    set: &'a SeedSet,
    seed: &'a Seed,
    jws: bool,
    signed: bool,
}

/// Entries per seed in a campaign's [`ResignPool`] (`wellspring fuzz --resign-pool`).
pub const RESIGN_POOL: usize = 16;

/// A seed mutated and then signed again by its real issuer: the content is new and the
/// signature valid, so only the verifier's other checks (schema, dates, nesting…) can judge it.
#[derive(Debug)]
pub struct Variant {
    inner: Inner,
    effects: Effects,
    walk: std::sync::OnceLock<Vec<Node>>,
}

/// Re-signed mutants, a fixed number per seed, each made the first time a plan asks for it.
///
/// Signing costs far more than mutating (canonicalizing a Data Integrity document takes
/// milliseconds, an RSA signature one or two), so a plan does not re-sign its own changes: it
/// starts from entry `k` of its seed's pool and mutates on from there. Entry `k` depends only on
/// the campaign seed, the seed and `k`, so a case is the same whatever the order cases run in.
pub struct ResignPool {
    campaign_seed: u64,
    slots: Vec<Vec<std::sync::OnceLock<Option<Variant>>>>,
}

impl ResignPool {
    pub fn new(seeds: usize, campaign_seed: u64, per_seed: usize) -> ResignPool {
        ResignPool {
            campaign_seed,
            slots: (0..seeds)
                .map(|_| (0..per_seed).map(|_| Default::default()).collect())
                .collect(),
        }
    }

    /// Entries per seed.
    pub fn per_seed(&self) -> usize {
        self.slots.first().map_or(0, Vec::len)
    }

    /// Entry `k` of seed `at` (None when the seed cannot be re-signed: unsigned, or its
    /// issuer's private key is unknown).
    fn get(&self, set: &SeedSet, at: usize, k: Index) -> Option<&Variant> {
        let slots = self.slots.get(at)?;
        if slots.is_empty() {
            return None;
        }
        let i = k.index(slots.len());
        slots[i]
            .get_or_init(|| make_variant(set, at, self.campaign_seed, i as u64))
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_cover_every_scale_within_the_limit() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            let n = size(100_000).new_tree(&mut runner).unwrap().current();
            assert!((1..=100_000).contains(&n), "{n}");
            seen.insert(usize::BITS - n.leading_zeros());
        }
        // 1, 2–3, 4–7 … 65,536–100,000: all 17 bands drawn.
        assert_eq!(seen.len(), 17, "{seen:?}");
        let one = size(1).new_tree(&mut runner).unwrap().current();
        assert_eq!(one, 1);
    }

    #[test]
    fn markers_become_duplicate_keys_and_lone_surrogates() {
        let v =
            serde_json::json!({"name": "A", format!("{DUP}name"): "B", "x": format!("a{LONE}")});
        let t = render_json(&v, &Layout::Compact);
        assert_eq!(t, r#"{"name":"A","name":"B","x":"a\ud800"}"#);
    }

    #[test]
    fn confusion_always_changes_the_value() {
        for v in [
            Value::from("x"),
            Value::from(1),
            Value::Null,
            serde_json::json!({"a": 1}),
            serde_json::json!([1]),
        ] {
            for k in [Kind::Str, Kind::Arr, Kind::Obj, Kind::Num] {
                assert_ne!(confuse(&v, k), v, "{v} as {k:?}");
            }
        }
    }
}

#[cfg(test)]
mod oracle_tests {
    use super::*;
    use serde_json::json;

    /// A re-signature (forger) or a dropped presentation proof heals tampering of the outer
    /// document only: not a changed nested credential, not a marker patched in after signing.
    /// A byte flip that renames a presentation's `proof` leaves an unsigned presentation: its
    /// own content may then differ, an enveloped VC-JWT inside it may not.
    #[test]
    fn an_unsigned_presentation_left_by_a_flip_heals_only_its_own_content() {
        let seed = serde_json::json!({
            "type": ["VerifiablePresentation"],
            "proof": {"type": "DataIntegrityProof"},
            "verifiableCredential": [{"type": "EnvelopedVerifiableCredential",
                "id": "data:application/vc+jwt,aaaa.bbbb.cccc"}]
        });
        let mut after = seed.clone();
        let p = after.as_object_mut().unwrap().remove("proof").unwrap();
        after["qroof"] = p;
        assert!(build::unsigned_presentation_now(&seed, &after));
        assert!(!build::unsigned_presentation_now(&seed, &seed));
        after["verifiableCredential"][0]["@context"] = Value::Null;
        assert!(only_outer_signature_broken(&seed, &after, false));
        after["verifiableCredential"][0]["id"] = "data:application/vc+jwt,aaaa.bbbb.cccd".into();
        assert!(!only_outer_signature_broken(&seed, &after, false));
    }

    #[test]
    fn healing_is_limited_to_the_outer_signature() {
        let inner = json!({"id": "urn:uuid:1", "proof": {"proofValue": "z1"}});
        let seed = json!({"id": "https://issuer.example/a.b.c/issuers/1",
            "verifiableCredential": [inner, "eyJh.eyJi.c2ln"], "proof": {"proofValue": "zA"}});
        let mut doc = seed.clone();
        doc["id"] = json!("https://registrar.university.example/issuers/1");
        doc["proof"] = json!({"proofValue": "zB"});
        assert!(
            only_outer_signature_broken(&seed, &doc, true),
            "outer changes only"
        );
        let mut nested = doc.clone();
        nested["verifiableCredential"][0]["id"] = json!("urn:uuid:2");
        assert!(!only_outer_signature_broken(&seed, &nested, true));
        assert!(!only_outer_signature_broken(&seed, &nested, false));
        let mut jws = doc.clone();
        jws["verifiableCredential"][1] = json!("eyJh.eyJj.c2ln");
        assert!(!only_outer_signature_broken(&seed, &jws, false));
        let mut marked = doc.clone();
        marked["id"] = json!(format!("urn:x{DUP}"));
        assert!(
            !only_outer_signature_broken(&seed, &marked, true),
            "patched after signing"
        );
        assert!(
            only_outer_signature_broken(&seed, &marked, false),
            "nothing signs it any more"
        );
    }
}
