//! A work budget for one expansion (Wellspring patch; see `README.wellspring.md`).
//!
//! Expansion builds the whole expanded document before anything downstream can refuse it: a
//! 14 MB document holding one array of seven million numbers expanded to several gigabytes of
//! objects, though a canonicalizer that stops at a few thousand statements refused it right
//! after. A caller that knows its limits sets them with [`with_budget`] around the expansion,
//! which then fails with [`Error::Budget`](crate::Error::Budget) as soon as either is exceeded:
//!
//! - `elements`: JSON values expanded (every call of the element expansion step, and every
//!   node type), whatever they become: a bound on the expansion's time and memory;
//! - `statements`: a *lower bound* on the RDF statements the expanded document yields, counted
//!   as it is built. Two things count: a scalar (string, number, boolean) that is the value of
//!   a property that is an IRI (a term defined as one and not a reverse property, or a key
//!   without definition that expands to one) becomes the value of that property on a node
//!   object, hence one statement (`subject, IRI, literal or node reference`); and
//!   each type of a node object is one `rdf:type` statement. Both before any duplicates are
//!   removed. Everything else (objects, lists' links, language maps, blank-node or keyword
//!   properties) counts nothing, so the count never exceeds the statements the document
//!   really has (as JSON-LD to RDF lists them, repeats included).
//!
//! The budget is per thread (expansion runs on the caller's thread, as `pollster::block_on`
//! does); without [`with_budget`] nothing is counted or refused.

use std::cell::Cell;

/// Limits for one expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
	/// Most JSON values expanded.
	pub elements: usize,
	/// Most statements the expanded document may be shown to yield (see the module docs).
	pub statements: usize,
}

/// Which limit an expansion exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
	/// More JSON values to expand than this.
	Elements(usize),
	/// More statements than this.
	Statements(usize),
}

impl std::fmt::Display for Exceeded {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::Elements(n) => write!(f, "more than {n} JSON values to expand"),
			Self::Statements(n) => write!(f, "more than {n} statements"),
		}
	}
}

struct Left {
	budget: Budget,
	elements: usize,
	statements: usize,
}

thread_local! {
	static LEFT: Cell<Option<Left>> = const { Cell::new(None) };
}

/// Runs `f` (an expansion, e.g. `pollster::block_on(doc.expand_full(…))`) under `budget`.
/// Budgets nest: the outer one is restored when `f` returns or unwinds.
pub fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
	struct Restore(Option<Left>);
	impl Drop for Restore {
		fn drop(&mut self) {
			LEFT.with(|l| l.set(self.0.take()));
		}
	}
	let outer = LEFT.with(|l| {
		l.replace(Some(Left {
			budget,
			elements: budget.elements,
			statements: budget.statements,
		}))
	});
	let _restore = Restore(outer);
	f()
}

fn spend(pick: impl FnOnce(&mut Left) -> Result<(), Exceeded>) -> Result<(), crate::Error> {
	LEFT.with(|l| match l.take() {
		None => Ok(()),
		Some(mut left) => {
			let r = pick(&mut left);
			l.set(Some(left));
			r.map_err(crate::Error::Budget)
		}
	})
}

/// One JSON value is about to be expanded.
pub(crate) fn spend_element() -> Result<(), crate::Error> {
	spend(|l| match l.elements.checked_sub(1) {
		Some(n) => {
			l.elements = n;
			Ok(())
		}
		None => Err(Exceeded::Elements(l.budget.elements)),
	})
}

/// One statement of the dataset is certain (see the module docs).
pub(crate) fn spend_statement() -> Result<(), crate::Error> {
	spend(|l| match l.statements.checked_sub(1) {
		Some(n) => {
			l.statements = n;
			Ok(())
		}
		None => Err(Exceeded::Statements(l.budget.statements)),
	})
}
