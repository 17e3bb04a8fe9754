//! The local cache of loaded items, as pure logic: how a stretch of one channel's columns is stored as bytes and
//! checked when read back ([`codec`]), which parts of a range the stored stretches cover and which must be
//! fetched ([`cover`]), and the index of what is stored, least recently used first out ([`CacheIndex`]).
//!
//! A stored stretch is complete for its time range `[from, to]`: every item of the channel in it, as the API had
//! them when loaded. So a range is read from stretches and fetched for the rest, and the two meet without a gap
//! or a repeat. A range that ends less than [`SETTLE_US`] before now is stored only up to then: items may still
//! arrive there.

mod codec;
mod cover;
mod index;

#[cfg(test)]
use codec::encode;
pub use codec::{CacheError, Encoder, decode};
pub use cover::{Piece, cover};
pub use index::{CacheIndex, IndexEntry, StoredRange};

/// Items newer than this (µs before now) may still be on their way to the store: never cached as complete.
pub const SETTLE_US: i64 = 60_000_000;

/// Default bound on the bytes the cache keeps.
pub const DEFAULT_BUDGET_BYTES: u64 = 512 << 20;

/// How far a range loaded up to `to` may be stored as complete at `now` (µs): `None` when none of it may.
pub fn storable_end(from: i64, to: i64, now: i64) -> Option<i64> {
    Some(to.min(now.saturating_sub(SETTLE_US))).filter(|&end| end >= from)
}

#[cfg(test)]
mod tests;
