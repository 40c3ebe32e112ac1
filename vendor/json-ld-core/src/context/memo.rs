//! Wellspring patch: what processing a local context against an active context gave,
//! remembered by that active context.
//!
//! Expansion processes the same type-scoped and property-scoped contexts against the same
//! active contexts over and over (Open Badges 3.0 gives every class one, and a verifier sees
//! thousands of credentials of the same shape). A context's memo is shared by its clones until
//! one of them is changed (every `&mut self` method of [`Context`] gives it a fresh memo), so
//! a remembered result always belongs to the very definitions it was computed from.
//!
//! The memo is keyed by the local context's value (compared in full, never by address alone),
//! the base URL and the processing options. It assumes what holds for every caller in this
//! workspace: the loader answers a URL the same way each time and the vocabulary gives the
//! same ids to the same IRIs. Warnings are not replayed on a hit.
//!
//! Bounded: at most [`PER_CONTEXT`] entries per memo (the oldest goes first) and
//! [`LIVE_MAX`] entries alive in the whole process (past it, nothing more is remembered).
//! A remembered result never shares the memo it is stored in, and previous contexts get a
//! memo of their own, so memos form no reference cycle and are freed with their contexts.
use super::Context;
use once_cell::sync::OnceCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Entries one memo keeps.
pub const PER_CONTEXT: usize = 16;
/// Entries kept alive in the whole process.
pub const LIVE_MAX: usize = 1024;

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Memo entries alive in this process (for tests that look for leaks).
pub fn live_memo_entries() -> usize {
	LIVE.load(Ordering::Relaxed)
}

struct Entry<T, B> {
	at: usize,
	local: json_ld_syntax::context::Context,
	base_url: Option<T>,
	options: u8,
	result: Context<T, B>,
}

impl<T, B> Drop for Entry<T, B> {
	fn drop(&mut self) {
		LIVE.fetch_sub(1, Ordering::Relaxed);
	}
}

type Shared<T, B> = Arc<Mutex<VecDeque<Entry<T, B>>>>;

/// Processing results remembered by one active context and its unchanged clones. Made on
/// first use, so a context changed many times while it is built allocates nothing here.
pub struct Memo<T, B>(OnceCell<Shared<T, B>>);

impl<T, B> Default for Memo<T, B> {
	fn default() -> Self {
		Self(OnceCell::new())
	}
}

impl<T, B> Memo<T, B> {
	fn shared(&self) -> &Shared<T, B> {
		self.0.get_or_init(Arc::default)
	}

	/// The memo shared with a clone.
	pub(crate) fn share(&self) -> Self {
		Self(OnceCell::with_value(self.shared().clone()))
	}

	/// The result remembered for processing `local` with `base_url` and `options`.
	pub fn get(
		&self,
		local: &json_ld_syntax::context::Context,
		base_url: Option<&T>,
		options: u8,
	) -> Option<Context<T, B>>
	where
		T: Clone + PartialEq,
		B: Clone,
	{
		let at = local as *const _ as usize;
		let entries = self.0.get()?.lock().ok()?;
		let same = |e: &&Entry<T, B>| {
			e.options == options && e.base_url.as_ref() == base_url && e.local == *local
		};
		// the same scoped context (same address) first, then any equal one
		let hit = entries
			.iter()
			.filter(|e| e.at == at)
			.find(same)
			.or_else(|| entries.iter().find(same))?;
		Some(hit.result.clone())
	}

	/// Remembers `result` as what processing `local` with `base_url` and `options` gave.
	pub fn put(
		&self,
		local: &json_ld_syntax::context::Context,
		base_url: Option<T>,
		options: u8,
		mut result: Context<T, B>,
	) {
		let shared = self.shared();
		if result.memo.0.get().is_some_and(|m| Arc::ptr_eq(m, shared)) {
			// processing changed nothing: the result must not hold the memo it is stored in
			result.memo = Memo::default();
		}
		if LIVE.fetch_add(1, Ordering::Relaxed) >= LIVE_MAX {
			LIVE.fetch_sub(1, Ordering::Relaxed);
			return;
		}
		let entry = Entry {
			at: local as *const _ as usize,
			local: local.clone(),
			base_url,
			options,
			result,
		};
		let evicted = match shared.lock() {
			Ok(mut entries) => {
				let old = if entries.len() >= PER_CONTEXT {
					entries.pop_front()
				} else {
					None
				};
				entries.push_back(entry);
				old
			}
			Err(_) => None,
		};
		// dropped outside the lock: an evicted result may free memos of its own
		drop(evicted);
	}
}
