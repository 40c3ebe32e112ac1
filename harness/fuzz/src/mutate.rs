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

pub mod hostile;

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
    /// A required property is gone.
    schema: bool,
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

/// Can the ops undo each other (two rotations of a two-element `@context`, two reversals of the
/// same members)? Then whether the document changed is found by comparing it.
fn may_cancel(ops: &[ValueOp]) -> bool {
    ops.iter()
        .filter(|o| matches!(o, ValueOp::ContextReorder | ValueOp::ReorderMembers(_)))
        .count()
        >= 2
}

/// Applies each op's early (`late = false`) or late half, keeping the walk current.
fn apply_pass(
    doc: &mut Value,
    ops: &[ValueOp],
    cx: &Ctx,
    late: bool,
    fx: &mut Effects,
    walk: &mut Walk,
) {
    for op in ops {
        let before = fx.steps.len();
        apply_value_op(doc, op, cx, late, fx, walk);
        if fx.steps.len() != before {
            walk.invalidate();
        }
    }
}

fn parent_and_key(p: &str) -> (&str, String) {
    let (parent, last) = p.rsplit_once('/').unwrap_or(("", p));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

fn remove_at(doc: &mut Value, p: &str) -> Option<Value> {
    let (parent, key) = parent_and_key(p);
    match doc.pointer_mut(parent)? {
        Value::Object(o) => o.shift_remove(&key),
        Value::Array(a) => {
            let i: usize = key.parse().ok()?;
            (i < a.len()).then(|| a.remove(i))
        }
        _ => None,
    }
}

fn confuse(v: &Value, k: Kind) -> Value {
    // Each conversion changes the JSON-LD meaning (a one-element array would not: JSON-LD reads
    // `"x"` and `["x"]` alike, so arrays get a second, different element).
    match k {
        Kind::Null => Value::Null,
        Kind::Num => match v {
            Value::Number(_) => Value::from("0"),
            _ => Value::from(12345),
        },
        Kind::Str => match v {
            Value::String(s) => Value::from(format!("{s} ")),
            other => Value::from(other.to_string()),
        },
        Kind::Arr => Value::Array(vec![v.clone(), Value::from("wellspring-fuzz")]),
        Kind::Obj => match v {
            Value::Object(_) => Value::Object(Map::new()),
            other => serde_json::json!({ "id": "urn:wellspring-fuzz:confused", "value": other }),
        },
    }
}

/// Where the credential sits in the document being mutated (a JWT payload may wrap it in `vc`).
fn cred_root(inner_doc: &Value, jws: bool) -> &'static str {
    if jws && inner_doc.get("vc").is_some_and(Value::is_object) {
        "/vc"
    } else {
        ""
    }
}

struct Ctx<'a> {
    set: &'a SeedSet,
    seed: &'a Seed,
    jws: bool,
    signed: bool,
}

fn apply_value_op(
    doc: &mut Value,
    op: &ValueOp,
    cx: &Ctx,
    late: bool,
    fx: &mut Effects,
    walk: &mut Walk,
) {
    let is_late = matches!(op, ValueOp::DuplicateKey(_))
        || matches!(op, ValueOp::Unicode(_, u) if UNICODE[u.index(UNICODE.len())] == LONE);
    if is_late != late {
        return;
    }
    let root = cred_root(doc, cx.jws);
    let all = walk.get(doc);
    if all.is_empty() {
        return;
    }
    let changed_signed = |fx: &mut Effects, late: bool| {
        if cx.signed {
            // A JWS is re-signed after its late ops; Data Integrity documents before them.
            if late && !cx.jws {
                fx.tampered = true;
            } else {
                fx.changed = true;
            }
        } else {
            fx.unknown = true;
        }
    };
    match op {
        ValueOp::DropRequired(i) => {
            let ts = doc
                .pointer(&format!("{root}/type"))
                .map(Value::to_string)
                .unwrap_or_default();
            if !ts.contains("\"VerifiableCredential\"") {
                return;
            }
            let clr = ts.contains("\"ClrCredential\"");
            let present: Vec<String> = REQUIRED
                .iter()
                .filter(|p| !(clr && p.starts_with("/credentialSubject/achievement")))
                .map(|p| format!("{root}{p}"))
                .filter(|p| doc.pointer(p).is_some())
                .collect();
            if present.is_empty() {
                return;
            }
            let p = &present[i.index(present.len())];
            remove_at(doc, p);
            changed_signed(fx, late);
            fx.schema = true;
            fx.steps.push(format!("drop-required {p}"));
        }
        ValueOp::DuplicateKey(i) => {
            let members: Vec<&Node> = all.iter().filter(|n| n.in_object).collect();
            if members.is_empty() {
                return;
            }
            let p = members[i.index(members.len())].ptr.clone();
            let (parent, key) = parent_and_key(&p);
            let old = doc.pointer(&p).cloned().unwrap_or(Value::Null);
            let new = confuse(&old, Kind::Str);
            if let Some(Value::Object(o)) = doc.pointer_mut(parent) {
                o.insert(format!("{DUP}{key}"), new);
            }
            changed_signed(fx, late);
            fx.steps.push(format!("duplicate-key {p}"));
        }
        ValueOp::TypeConfusion(i, k) => {
            let p = &all[i.index(all.len())].ptr;
            let old = doc.pointer(p).cloned().unwrap_or(Value::Null);
            let new = confuse(&old, *k);
            if new == old {
                return;
            }
            *doc.pointer_mut(p).expect("pointer exists") = new;
            changed_signed(fx, late);
            fx.steps.push(format!("type-confusion {p} -> {k:?}"));
        }
        ValueOp::Date(i, d) => {
            let dates: Vec<&Node> = all
                .iter()
                .filter(|n| n.in_object && DATE_KEYS.contains(&n.key()))
                .collect();
            if dates.is_empty() {
                return;
            }
            let p = dates[i.index(dates.len())].ptr.clone();
            let (text, malformed) = DATES[d.index(DATES.len())];
            let slot = doc.pointer_mut(&p).expect("pointer exists");
            if slot.as_str() == Some(text) {
                return;
            }
            *slot = Value::from(text);
            changed_signed(fx, late);
            // The official schemas type these as `date-time`.
            let typed = matches!(
                parent_and_key(&p).1.as_str(),
                "validFrom" | "validUntil" | "awardedDate"
            );
            if malformed && typed {
                fx.bad_dates.insert(p.clone());
            } else {
                fx.bad_dates.remove(&p);
                fx.unknown = true;
            }
            fx.steps.push(format!("date {p} = {text:?}"));
        }
        ValueOp::HugeString(i, n) => {
            let p = &all[i.index(all.len())].ptr;
            *doc.pointer_mut(p).expect("pointer exists") = Value::from("A".repeat(*n));
            changed_signed(fx, late);
            fx.steps.push(format!("huge-string {p} ({n} bytes)"));
        }
        ValueOp::HugeArray(i, n) => {
            let p = &all[i.index(all.len())].ptr;
            let a: Vec<Value> = (0..*n)
                .map(|k| Value::from(format!("wellspring-fuzz-{k}")))
                .collect();
            *doc.pointer_mut(p).expect("pointer exists") = Value::Array(a);
            changed_signed(fx, late);
            fx.steps.push(format!("huge-array {p} ({n} elements)"));
        }
        ValueOp::DeepNesting(i, n) => {
            let p = &all[i.index(all.len())].ptr;
            let mut v = doc.pointer(p).cloned().unwrap_or(Value::Null);
            for k in 0..*n {
                v = if k % 2 == 0 {
                    Value::Array(vec![v])
                } else {
                    // Moved in, never copied (`json!` would serialize `v` again at every level).
                    let mut o = Map::new();
                    o.insert("nested".into(), v);
                    Value::Object(o)
                };
            }
            *doc.pointer_mut(p).expect("pointer exists") = v;
            // JSON-LD flattens nested arrays: the signed meaning may or may not change.
            if cx.jws {
                changed_signed(fx, late);
            } else {
                fx.unknown = true;
            }
            fx.steps.push(format!("deep-nesting {p} ({n} levels)"));
        }
        ValueOp::Unicode(i, u) => {
            let names: Vec<&Node> = all
                .iter()
                .filter(|n| {
                    n.in_object
                        && n.shape == Shape::String
                        && matches!(n.key(), "name" | "id" | "description" | "narrative")
                })
                .collect();
            if names.is_empty() {
                return;
            }
            let p = names[i.index(names.len())].ptr.clone();
            let add = UNICODE[u.index(UNICODE.len())];
            let slot = doc.pointer_mut(&p).expect("pointer exists");
            let old = slot.as_str().unwrap_or_default().to_owned();
            *slot = Value::from(format!("{old}{add}"));
            changed_signed(fx, late);
            fx.steps.push(format!("unicode {p} += {add:?}"));
        }
        ValueOp::ExtraTerm(i) => {
            let objects: Vec<&str> = std::iter::once("")
                .chain(
                    all.iter()
                        .filter(|n| n.shape == Shape::Object)
                        .map(|n| n.ptr.as_str()),
                )
                .collect();
            let p = objects[i.index(objects.len())];
            if let Some(Value::Object(o)) = doc.pointer_mut(p) {
                o.insert("wellspringFuzzUndefined".into(), Value::from("extra"));
            }
            // JSON-LD drops an undefined term: the signed RDF is the same (a JWT's bytes are not).
            if cx.jws {
                changed_signed(fx, late);
            } else {
                fx.unknown = true;
            }
            fx.steps
                .push(format!("extra-term {p}/wellspringFuzzUndefined"));
        }
        ValueOp::ContextReorder => {
            let p = format!("{root}/@context");
            let Some(Value::Array(a)) = doc.pointer_mut(&p) else {
                return;
            };
            if a.len() < 2 {
                return;
            }
            a.rotate_left(1);
            if cx.jws {
                changed_signed(fx, late); // the signed bytes changed
            }
            // Data Integrity signs the RDF, which the order of contexts may leave as it was:
            // whether the base context still comes first is judged on the finished document
            // (`build_json`), as several rotations may bring it back.
            fx.steps.push(format!("context-reorder {p}"));
        }
        ValueOp::RemoteContext(i) => {
            let p = format!("{root}/@context");
            let url = REMOTE_CONTEXTS[i.index(REMOTE_CONTEXTS.len())];
            match doc.pointer_mut(&p) {
                Some(Value::Array(a)) => a.push(Value::from(url)),
                Some(other) => *other = Value::Array(vec![other.clone(), Value::from(url)]),
                None => return,
            }
            changed_signed(fx, late);
            fx.steps.push(format!("remote-context {url}"));
        }
        ValueOp::IdCollision(a, b) => {
            let ids: Vec<&String> = all
                .iter()
                .filter(|n| n.in_object && n.shape == Shape::String && n.key() == "id")
                .map(|n| &n.ptr)
                .collect();
            if ids.len() < 2 {
                return;
            }
            let (pa, pb) = (
                ids[a.index(ids.len())].clone(),
                ids[b.index(ids.len())].clone(),
            );
            let va = doc.pointer(&pa).cloned().unwrap_or(Value::Null);
            let slot = doc.pointer_mut(&pb).expect("pointer exists");
            if *slot == va {
                return;
            }
            *slot = va;
            changed_signed(fx, late);
            fx.steps.push(format!("id-collision {pb} = {pa}"));
        }
        ValueOp::ReorderMembers(i) => {
            let objects: Vec<&str> = std::iter::once("")
                .chain(
                    all.iter()
                        .filter(|n| n.shape == Shape::Object)
                        .map(|n| n.ptr.as_str()),
                )
                .collect();
            let p = objects[i.index(objects.len())];
            let Some(Value::Object(o)) = doc.pointer_mut(p) else {
                return;
            };
            if o.len() < 2 {
                return;
            }
            let mut entries: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
            entries.reverse();
            o.extend(entries);
            if cx.jws {
                changed_signed(fx, late);
            }
            fx.steps.push(format!(
                "reorder-members {}",
                if p.is_empty() { "/" } else { p }
            ));
        }
        ValueOp::NestedTamper(i) => {
            let nested: Vec<String> = all
                .iter()
                .map(|n| &n.ptr)
                .filter(|p| {
                    let (parent, _) = parent_and_key(p);
                    parent.ends_with("/verifiableCredential")
                        || p.ends_with("/verifiableCredential")
                })
                .filter(|p| match doc.pointer(p) {
                    Some(Value::Object(o)) => o.contains_key("proof"),
                    Some(Value::String(s)) => jwt::looks_like_jws(s),
                    _ => false,
                })
                .cloned()
                .collect();
            if nested.is_empty() {
                return;
            }
            let p = &nested[i.index(nested.len())];
            let slot = doc.pointer_mut(p).expect("pointer exists");
            match slot {
                Value::Object(o) => {
                    let name = o
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("credential");
                    o.insert("name".into(), Value::from(format!("{name} (tampered)")));
                }
                Value::String(s) => {
                    // Change the payload: flip one character of its middle part.
                    let parts: Vec<&str> = s.split('.').collect();
                    let mut payload = parts[1].as_bytes().to_vec();
                    let at = payload.len() / 2;
                    payload[at] = if payload[at] == b'A' { b'B' } else { b'A' };
                    *s = format!(
                        "{}.{}.{}",
                        parts[0],
                        String::from_utf8_lossy(&payload),
                        parts[2]
                    );
                }
                _ => return,
            }
            fx.tampered = true;
            fx.changed = cx.signed;
            fx.steps.push(format!("nested-tamper {p}"));
        }
        ValueOp::AssociationCycle => {
            let p = format!("{root}/credentialSubject/association");
            let Some(Value::Array(a)) = doc.pointer_mut(&p) else {
                return;
            };
            let mut extra = Vec::new();
            for assoc in a.iter() {
                if let (Some(s), Some(t)) = (assoc.get("sourceId"), assoc.get("targetId")) {
                    let mut back = assoc.clone();
                    back["sourceId"] = t.clone();
                    back["targetId"] = s.clone();
                    extra.push(back);
                    let mut self_loop = assoc.clone();
                    self_loop["targetId"] = s.clone();
                    extra.push(self_loop);
                }
            }
            if extra.is_empty() {
                return;
            }
            a.extend(extra);
            changed_signed(fx, late);
            fx.unknown = true;
            fx.steps.push(format!("association-cycle {p}"));
        }
        ValueOp::BadIri(i, how) => {
            if hostile::bad_iri(doc, all, i, how, fx) {
                changed_signed(fx, late);
            }
        }
        ValueOp::BlankClique(i, k) => {
            if let Some(di_signed) = hostile::blank_clique(doc, all, i, *k, fx) {
                changed_signed(fx, late);
                // Verifying its proof canonicalizes the poisoned graph: it must be refused
                // (a JWS signs bytes, and only its broken signature decides).
                fx.hostile |= di_signed;
            }
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn render_json(v: &Value, layout: &Layout) -> String {
    let text = match layout {
        Layout::Pretty => serde_json::to_string_pretty(v),
        _ => serde_json::to_string(v),
    }
    .expect("a JSON value serializes");
    // Most mutants hold no marker: no copy for them.
    let text = if text.contains(DUP) {
        text.replace(&format!("\"{DUP}"), "\"")
    } else {
        text
    };
    let text = if text.contains(LONE) {
        text.replace(LONE, "\\ud800")
    } else {
        text
    };
    match layout {
        Layout::Padded => format!("\n \t{text}\r\n"),
        _ => text,
    }
}

/// Signs a JWS signing input with `key` under `alg` (ssi-jws does the cryptography).
fn jws_sign(alg: &str, input: &str, key: &JWK) -> Option<String> {
    let alg: Algorithm = serde_json::from_value(Value::from(alg)).ok()?;
    let sig = ssi_jws::sign_bytes(alg, input.as_bytes(), key).ok()?;
    Some(b64(&sig))
}

/// Re-signs a Data Integrity document with its proof's options and the key of its method.
fn di_resign(doc: &Value, set: &SeedSet, key: Option<&JWK>, vm: Option<&str>) -> Option<Value> {
    let proof = doc.get("proof")?.as_object()?.clone();
    let vm = vm
        .map(str::to_owned)
        .or_else(|| proof.get("verificationMethod")?.as_str().map(str::to_owned))?;
    let key = key.or_else(|| set.signers.get(&vm))?;
    let mut options = proof;
    options.remove("proofValue");
    options.insert("verificationMethod".into(), Value::from(vm));
    let mut unsecured = doc.clone();
    unsecured.as_object_mut()?.remove("proof");
    di::sign_proof(&unsecured, key, options, &set.loader).ok()
}

const SUITES: &[&str] = &[
    "eddsa-2022",
    "ecdsa-rdfc-2019",
    "eddsa-jcs-2022",
    "bbs-2023",
    "EDDSA-RDFC-2022",
    "",
];
const ALGS: &[&str] = &[
    "RS256", "ES256", "EdDSA", "PS256", "ES256K", "HS256", "RS512",
];
const NONE_ALGS: &[&str] = &["none", "None", "NONE", "nOnE"];

/// Applies `plan` to the seed set: the mutant.
pub fn build(set: &SeedSet, plan: &Plan) -> Mutant {
    let at = plan.seed.index(set.seeds.len());
    let seed = &set.seeds[at];
    let cx = Ctx {
        set,
        seed,
        jws: matches!(seed.inner, Inner::Jws { .. }),
        signed: seed.inner.is_signed(),
    };
    // The starting point: the seed, or one of its mutants re-signed by the issuer.
    let (inner, mut fx, pristine) = match plan.resign.and_then(|i| set.resigned.get(set, at, i)) {
        Some(v) => (
            &v.inner,
            v.effects.clone(),
            Some(v.walk.get_or_init(|| walk_of(&v.inner)).as_slice()),
        ),
        None => (&seed.inner, Effects::default(), Some(seed_walk(seed))),
    };
    let mut walk = Walk::new(pristine, cx.jws);
    let text = match inner {
        Inner::Json(v) => build_json(v, plan, &cx, &mut fx, &mut walk),
        Inner::Jws {
            header,
            payload,
            header_b64,
            payload_b64,
            signature_b64,
        } => build_jws(
            header,
            payload,
            [header_b64, payload_b64, signature_b64],
            plan,
            &cx,
            &mut fx,
            &mut walk,
        ),
    };
    let format = match plan.layout {
        Layout::Svg(_) => Format::Svg,
        _ => seed.format,
    };
    let mut bytes = match format {
        Format::Png => {
            baked::bake_png(&text, 8, [43, 108, 176]).unwrap_or_else(|_| seed.bytes.clone())
        }
        Format::Svg => {
            let svg = baked::bake_svg(&text);
            match &plan.layout {
                Layout::Svg(t) => {
                    let svg = hostile::svg_trick(&svg, t, &mut fx);
                    if seed.format != Format::Svg {
                        if let Some(last) = fx.steps.last_mut() {
                            last.push_str(" (seed baked in an SVG)");
                        }
                    }
                    svg.into_bytes()
                }
                _ => svg.into_bytes(),
            }
        }
        _ => text.into_bytes(),
    };
    if let Layout::ByteFlip(i, x) = &plan.layout {
        if !bytes.is_empty() {
            let at = i.index(bytes.len());
            bytes[at] ^= x;
            fx.unknown = true;
            fx.steps.push(format!("byte-flip @{at} ^ {x:#04x}"));
        }
    }
    let expect = if fx.hostile {
        Expect::RejectHostile
    } else if fx.tampered || fx.changed {
        Expect::RejectTampered
    } else if fx.schema || !fx.bad_dates.is_empty() {
        Expect::RejectSchema
    } else if fx.unbound {
        Expect::Unauthenticated
    } else if fx.unknown {
        Expect::Any
    } else {
        Expect::Accept
    };
    Mutant {
        seed: seed.name.clone(),
        format,
        bytes,
        expect,
        steps: fx.steps,
    }
}

fn build_json(v: &Value, plan: &Plan, cx: &Ctx, fx: &mut Effects, walk: &mut Walk) -> String {
    if plan.ops.is_empty() && matches!(plan.proof, ProofOp::None) {
        return render_json(v, &plan.layout); // nothing to change: no copy
    }
    let mut doc = v.clone();
    apply_pass(&mut doc, &plan.ops, cx, false, fx, walk);
    apply_pass(&mut doc, &plan.ops, cx, true, fx, walk);
    if fx.changed && may_cancel(&plan.ops) && doc == *v {
        fx.changed = false;
    }
    // The VC data model requires its base context first: moved away, the document must be
    // refused whatever its signature says.
    if let Inner::Json(seed_doc) = &cx.seed.inner {
        let first = |d: &Value| match d.get("@context") {
            Some(Value::Array(a)) => a.first().cloned(),
            Some(other) => Some(other.clone()),
            None => None,
        };
        let before = first(seed_doc);
        if before.is_some() && first(&doc) != before {
            fx.schema = true;
        }
    }
    let is_di = doc.get("proof").is_some_and(Value::is_object);
    match &plan.proof {
        ProofOp::None => {}
        _ if !is_di => {}
        ProofOp::BitFlip(i) => {
            let pv = doc
                .pointer("/proof/proofValue")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Ok((base, mut raw)) = multibase::decode(pv) {
                if !raw.is_empty() {
                    let bit = i.index(raw.len() * 8);
                    raw[bit / 8] ^= 1 << (bit % 8);
                    doc["proof"]["proofValue"] = Value::from(multibase::encode(base, raw));
                    fx.tampered = true;
                    fx.steps.push(format!("proof-bit-flip bit {bit}"));
                }
            }
        }
        ProofOp::SuiteSwap(i) => {
            let to = SUITES[i.index(SUITES.len())];
            if doc["proof"].get("cryptosuite").and_then(Value::as_str) != Some(to) {
                doc["proof"]["cryptosuite"] = Value::from(to);
                fx.tampered = true;
                fx.steps.push(format!("cryptosuite-swap {to:?}"));
            }
        }
        ProofOp::KeyElsewhere(i) => {
            let (akey, _, avm) = attacker();
            let variants = 5;
            match i.index(variants) {
                // The attacker signs the seed itself (made once per seed: signing costs far
                // more than mutating); a document already changed is pointed at the
                // attacker's key instead (variant 1).
                0 if fx.steps.is_empty() => {
                    let signed = cx
                        .seed
                        .attacker_signed
                        .get_or_init(|| di_resign(&doc, cx.set, Some(akey), Some(avm)));
                    if let Some(d) = signed {
                        doc = d.clone();
                        // A valid signature by a key nothing binds to the issuer.
                        fx.unbound = true;
                        fx.steps.push("verification-method-elsewhere attacker did:key, re-signed by the attacker".into());
                    }
                }
                k => {
                    let to = match k {
                        0 | 1 => avm.clone(),
                        2 => "https://attacker.example/keys/1".into(),
                        3 => "did:web:attacker.example#key-1".into(),
                        _ => format!(
                            "{}#other",
                            doc["proof"]["verificationMethod"]
                                .as_str()
                                .unwrap_or("did:example:1")
                        ),
                    };
                    doc["proof"]["verificationMethod"] = Value::from(to.clone());
                    fx.tampered = true;
                    fx.steps.push(format!("verification-method-elsewhere {to}"));
                }
            }
        }
        ProofOp::ForeignProof(i) => {
            let others: Vec<&Value> = cx
                .set
                .seeds
                .iter()
                .filter_map(|s| match &s.inner {
                    Inner::Json(o) => o
                        .get("proof")
                        .filter(|p| p.is_object() && **p != doc["proof"]),
                    _ => None,
                })
                .collect();
            if !others.is_empty() {
                doc["proof"] = others[i.index(others.len())].clone();
                fx.tampered = true;
                fx.steps
                    .push("foreign-proof (the proof of another document)".into());
            }
        }
        ProofOp::Strip => {
            doc.as_object_mut().expect("object").remove("proof");
            // A presentation need not be signed by its holder (an unsigned VP is valid); a
            // credential must be.
            let vp = doc.get("type").map(Value::to_string).unwrap_or_default();
            if vp.contains("\"VerifiablePresentation\"") {
                // Nothing signs the presentation's own content any more: what changed in it
                // breaks no signature (a tampered nested credential still does).
                fx.changed = false;
                fx.unknown = true;
                if only_outer_signature_broken(v, &doc, false) {
                    fx.tampered = false;
                }
            } else {
                fx.tampered = true;
            }
            fx.steps.push("strip-proof".into());
        }
        ProofOp::Unsigned(_) => {
            doc["proof"]
                .as_object_mut()
                .expect("object")
                .remove("proofValue");
            fx.tampered = true;
            fx.steps.push("unsigned (proofValue removed)".into());
        }
        ProofOp::HmacConfusion(_) => {}
        ProofOp::DuplicateProof => {
            let p = doc["proof"].clone();
            doc["proof"] = Value::Array(vec![p.clone(), p]);
            fx.unknown = true;
            fx.steps.push("duplicate-proof".into());
        }
        ProofOp::Forge(_) | ProofOp::BadIriMethod(_) => {}
    }
    di_hostile_proof_op(&mut doc, v, plan, cx, fx, is_di);
    render_json(&doc, &plan.layout)
}

/// Whether whatever tampering `doc` carries broke only the outer document's own signature,
/// so that signing it again (a forger) or dropping that signature (an unsigned presentation)
/// leaves nothing tampered: every nested signed credential (an object with a `proof`, or a
/// compact JWS string) is one of the seed's, unchanged, and no marker waits to be patched into
/// the text after signing.
///
/// `resigned`: the outer document is signed again (markers patched in afterwards would break
/// that signature too); otherwise its signature is gone and only nested ones count.
fn only_outer_signature_broken(seed: &Value, doc: &Value, resigned: bool) -> bool {
    fn compact_jws(s: &str) -> bool {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
    }
    fn nested(v: &Value, top: bool, out: &mut Vec<Value>) {
        match v {
            Value::Object(o) => {
                if !top && o.contains_key("proof") {
                    out.push(v.clone());
                }
                for (k, x) in o {
                    if !(top && k == "proof") {
                        nested(x, false, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| nested(x, false, out)),
            Value::String(s) if compact_jws(s) => out.push(v.clone()),
            _ => {}
        }
    }
    let text = doc.to_string();
    if resigned && (text.contains(DUP) || text.contains(LONE)) {
        return false;
    }
    let (mut before, mut after) = (Vec::new(), Vec::new());
    nested(seed, true, &mut before);
    nested(doc, true, &mut after);
    after.iter().all(|x| before.contains(x))
}

/// The hostile family's proof ops on a Data Integrity document.
fn di_hostile_proof_op(
    doc: &mut Value,
    seed: &Value,
    plan: &Plan,
    cx: &Ctx,
    fx: &mut Effects,
    is_di: bool,
) {
    if !is_di {
        return;
    }
    match &plan.proof {
        ProofOp::Forge(i) => {
            if let Some((d, step)) = hostile::forge_di(doc, cx, i) {
                *doc = d;
                // The forger signed what is there: only the key is wrong (what was tampered
                // before is signed now, unless it sits in a nested credential or is patched
                // into the text after signing).
                fx.changed = false;
                fx.unbound = true;
                if only_outer_signature_broken(seed, doc, true) {
                    fx.tampered = false;
                }
                fx.steps.push(step);
            }
        }
        ProofOp::BadIriMethod(i) => {
            let vm = doc["proof"]["verificationMethod"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let to = spoil_with(&vm, i);
            doc["proof"]["verificationMethod"] = Value::from(to.as_str());
            fx.tampered = true;
            fx.steps.push(format!("bad-iri-method {to:?}"));
        }
        _ => {}
    }
}

/// `iri` with one of [`hostile::BAD_PERCENT`] put in where `i` says.
fn spoil_with(iri: &str, i: &Index) -> String {
    let n = hostile::BAD_PERCENT.len();
    let k = i.index(n * 3);
    hostile::spoil(iri, hostile::BAD_PERCENT[k % n], k / n)
}

#[allow(clippy::too_many_arguments)]
fn build_jws(
    header: &Map<String, Value>,
    payload: &Value,
    parts: [&String; 3],
    plan: &Plan,
    cx: &Ctx,
    fx: &mut Effects,
    walk: &mut Walk,
) -> String {
    let before = fx.steps.len();
    let doc = (!plan.ops.is_empty()).then(|| {
        let mut doc = payload.clone();
        apply_pass(&mut doc, &plan.ops, cx, false, fx, walk);
        apply_pass(&mut doc, &plan.ops, cx, true, fx, walk);
        doc
    });
    // Bytes are what a JWS signs: an untouched payload is kept byte for byte (and one whose
    // changes cancel out may come back to the same bytes).
    let mut payload_b64 = match &doc {
        Some(doc) if fx.steps.len() != before => {
            let p = b64(render_json(&doc, &Layout::Compact).as_bytes());
            fx.changed = p != *parts[1];
            p
        }
        _ => parts[1].clone(),
    };
    let mut header = header.clone();
    let mut header_b64 = parts[0].clone();
    let mut sig = parts[2].clone();
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let kid = header.get("kid").and_then(Value::as_str).map(str::to_owned);
    let enc_header =
        |h: &Map<String, Value>| b64(serde_json::to_string(h).expect("JSON").as_bytes());
    match &plan.proof {
        ProofOp::None => {}
        ProofOp::BitFlip(i) => {
            if let Ok(mut raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&sig) {
                if !raw.is_empty() {
                    let bit = i.index(raw.len() * 8);
                    raw[bit / 8] ^= 1 << (bit % 8);
                    sig = b64(&raw);
                    fx.tampered = true;
                    fx.steps.push(format!("signature-bit-flip bit {bit}"));
                }
            }
        }
        ProofOp::SuiteSwap(i) => {
            let to = ALGS[i.index(ALGS.len())];
            if to != alg {
                header.insert("alg".into(), Value::from(to));
                header_b64 = enc_header(&header);
                fx.tampered = true;
                fx.steps.push(format!("alg-swap {to} (signature kept)"));
            }
        }
        ProofOp::KeyElsewhere(i) => {
            let (akey, adid, avm) = attacker();
            let (_, ajwk_vm) = wellspring_verify::keys::did_jwk_of(akey);
            let variants: [(&str, bool); 7] = [
                (avm.as_str(), true),
                (ajwk_vm.as_str(), true),
                (adid.as_str(), true),
                ("../../../../../../dev/null", false),
                ("' OR '1'='1", false),
                ("https://attacker.example/.well-known/jwks.json#1", false),
                ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", false),
            ];
            let (to, resign) = variants[i.index(variants.len())];
            header.remove("jwk");
            header.insert("kid".into(), Value::from(to));
            if resign {
                header.insert("alg".into(), Value::from("EdDSA"));
            }
            header_b64 = enc_header(&header);
            let signed = resign
                && jws_sign("EdDSA", &format!("{header_b64}.{payload_b64}"), akey)
                    .map(|s| sig = s)
                    .is_some();
            if signed {
                // A valid signature by a key nothing binds to the issuer, over what is there.
                fx.changed = false;
                fx.unbound = true;
            } else {
                fx.tampered = true;
            }
            fx.steps.push(format!(
                "kid-injection {to:?}{}",
                if resign {
                    ", re-signed by the attacker"
                } else {
                    ""
                }
            ));
        }
        ProofOp::ForeignProof(i) => {
            let others: Vec<&String> = cx
                .set
                .seeds
                .iter()
                .filter_map(|s| match &s.inner {
                    Inner::Jws { signature_b64, .. } if *signature_b64 != sig => {
                        Some(signature_b64)
                    }
                    _ => None,
                })
                .collect();
            if !others.is_empty() {
                sig = others[i.index(others.len())].clone();
                fx.tampered = true;
                fx.steps
                    .push("foreign-signature (the signature of another JWS)".into());
            }
        }
        ProofOp::Strip => {
            sig = String::new();
            fx.tampered = true;
            fx.steps.push("strip-signature".into());
        }
        ProofOp::Unsigned(i) => {
            let to = NONE_ALGS[i.index(NONE_ALGS.len())];
            header.insert("alg".into(), Value::from(to));
            header_b64 = enc_header(&header);
            // Half the variants keep a (now meaningless) signature, half send none.
            if i.index(2) == 0 {
                sig = String::new();
            }
            fx.tampered = true;
            fx.steps.push(format!("alg-none {to:?}"));
        }
        ProofOp::HmacConfusion(i) => {
            // The issuer's public key, as the verifier would find it, used as an HMAC secret.
            let public = cx.seed.kid_public.get_or_init(|| {
                let k = kid.as_deref()?;
                let r = cx.seed.options.to_options().ok()?.keys.resolve(k).ok()?;
                Some(r.jwk.to_public())
            });
            if let Some(public) = public {
                let secret: Vec<u8> = match i.index(2) {
                    0 => serde_json::to_vec(&public).expect("JSON"),
                    _ => wellspring_verify::keys::multibase_of(&public)
                        .unwrap_or_default()
                        .into_bytes(),
                };
                header.insert("alg".into(), Value::from("HS256"));
                header_b64 = enc_header(&header);
                use hmac::Mac;
                let mut mac =
                    hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).expect("any key length");
                mac.update(format!("{header_b64}.{payload_b64}").as_bytes());
                sig = b64(&mac.finalize().into_bytes());
                fx.tampered = true;
                fx.steps.push(format!(
                    "alg-confusion HS256 keyed with the issuer's public key ({})",
                    if i.index(2) == 0 {
                        "JWK JSON"
                    } else {
                        "multibase"
                    }
                ));
            }
        }
        ProofOp::DuplicateProof => {}
        ProofOp::Forge(i) => {
            if let Some((parts, step)) = hostile::forge_jws(doc.as_ref().unwrap_or(payload), i) {
                [header_b64, payload_b64, sig] = parts;
                fx.changed = false;
                fx.unbound = true;
                fx.steps.push(step);
            }
        }
        ProofOp::BadIriMethod(i) => {
            if let Some(k) = &kid {
                let to = spoil_with(k, i);
                header.insert("kid".into(), Value::from(to.as_str()));
                header_b64 = enc_header(&header);
                fx.tampered = true;
                fx.steps.push(format!("bad-iri-method kid {to:?}"));
            }
        }
    }
    let text = format!("{header_b64}.{payload_b64}.{sig}");
    match plan.layout {
        Layout::Padded => {
            fx.unknown = true;
            format!("\n{text}\n")
        }
        _ => text,
    }
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

/// Value ops a re-signed entry may start from: the size-neutral ones (huge and deep mutants
/// test robustness; signing them would only cost time).
fn resignable_ops() -> impl Strategy<Value = Vec<ValueOp>> {
    let tiny = Limits {
        max_string: 1,
        max_array: 1,
        max_depth: 1,
    };
    proptest::collection::vec(
        value_op(tiny).prop_filter("size-neutral", |o| {
            !matches!(
                o,
                ValueOp::HugeString(..)
                    | ValueOp::HugeArray(..)
                    | ValueOp::DeepNesting(..)
                    | ValueOp::BlankClique(..)
            )
        }),
        1..=2,
    )
}

fn make_variant(set: &SeedSet, at: usize, campaign_seed: u64, k: u64) -> Option<Variant> {
    use sha2::Digest;
    let seed = &set.seeds[at];
    if !seed.inner.is_signed() {
        return None;
    }
    let cx = Ctx {
        set,
        seed,
        jws: matches!(seed.inner, Inner::Jws { .. }),
        signed: true,
    };
    // A few tries: an op can find nothing to change (no date in the document…).
    for attempt in 0u64..4 {
        let mut h = sha2::Sha256::new();
        h.update(b"wellspring-fuzz resign");
        h.update(campaign_seed.to_le_bytes());
        h.update(seed.name.as_bytes());
        h.update(k.to_le_bytes());
        h.update(attempt.to_le_bytes());
        let digest: [u8; 32] = h.finalize().into();
        let rng = proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &digest,
        );
        let mut runner = proptest::test_runner::TestRunner::new_with_rng(Default::default(), rng);
        let ops =
            proptest::strategy::ValueTree::current(&resignable_ops().new_tree(&mut runner).ok()?);
        let mut fx = Effects::default();
        let mut walk = Walk::new(Some(seed_walk(seed)), cx.jws);
        let inner = match &seed.inner {
            Inner::Json(v) => {
                let mut doc = v.clone();
                apply_pass(&mut doc, &ops, &cx, false, &mut fx, &mut walk);
                if !fx.changed {
                    continue;
                }
                Inner::Json(di_resign(&doc, set, None, None)?)
            }
            Inner::Jws {
                header,
                payload,
                header_b64,
                ..
            } => {
                // A JWS signs bytes: its late (textual) tricks are signed too.
                let mut doc = payload.clone();
                apply_pass(&mut doc, &ops, &cx, false, &mut fx, &mut walk);
                apply_pass(&mut doc, &ops, &cx, true, &mut fx, &mut walk);
                if fx.steps.is_empty() {
                    continue;
                }
                let alg = header.get("alg").and_then(Value::as_str)?;
                let key = set
                    .signers
                    .get(header.get("kid").and_then(Value::as_str)?)?;
                let payload_b64 = b64(render_json(&doc, &Layout::Compact).as_bytes());
                let signature_b64 = jws_sign(alg, &format!("{header_b64}.{payload_b64}"), key)?;
                Inner::Jws {
                    header: header.clone(),
                    payload: doc,
                    header_b64: header_b64.clone(),
                    payload_b64,
                    signature_b64,
                }
            }
        };
        // Signed again by the issuer: the content is new, either answer may be right (unless
        // a step removed a required property, or tampered with what the signature does not
        // cover, such as a nested credential).
        fx.changed = false;
        fx.unknown = true;
        fx.steps.push("re-signed-by-issuer".into());
        return Some(Variant {
            inner,
            effects: fx,
            walk: Default::default(),
        });
    }
    None
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
