//! Moving a book to any instant: the events are replayed forward from the current state when it is before the
//! instant and no checkpoint is nearer, else from the last checkpoint at or before it. Checkpoints are taken as
//! a replay first passes them ([`BookReplay::prepare`] takes them ahead, a slice at a time), each
//! [`CHECKPOINT_EVERY`] events after the last or, when the book is bigger, as many events as the book has orders:
//! so a move replays at most that many events and restores at most that many orders, and the checkpoints never
//! hold more orders than there are events.

use super::state::{Book, Resting};
use crate::columns::Columns;

/// Events between checkpoints at least: a move replays at most this many (about a millisecond in wasm) while the
/// book has fewer orders. A checkpoint holds the orders at 32 bytes each: 331,070 events with a book of a
/// thousand orders keep 1.3 MB of them.
pub const CHECKPOINT_EVERY: usize = 8_192;

/// Which items the checkpoints were taken over: their count and first and last keys. Items loaded in between,
/// merged by a poll or dropped by the sliding window change it, and the replay starts afresh.
type Fingerprint = (usize, Option<(i64, i64)>, Option<(i64, i64)>);

fn fingerprint(chunks: &[&Columns]) -> Fingerprint {
    let key = |c: &Columns, i: usize| (c.ts[i], c.id[i]);
    let nonempty = || chunks.iter().filter(|c| !c.is_empty());
    (
        chunks.iter().map(|c| c.len()).sum(),
        nonempty().next().map(|c| key(c, 0)),
        chunks
            .iter()
            .rev()
            .find(|c| !c.is_empty())
            .map(|c| key(c, c.len() - 1)),
    )
}

/// The number of events at or before `t`: the position a book at `t` has applied up to.
pub(super) fn position(chunks: &[&Columns], t: i64) -> usize {
    chunks
        .iter()
        .map(|c| c.ts.partition_point(|&ts| ts <= t))
        .sum()
}

/// Applies events `from..to` (positions over all chunks) to `book`.
pub(super) fn apply_events(book: &mut Book, chunks: &[&Columns], (from, to): (usize, usize)) {
    let mut start = 0;
    for c in chunks {
        let (lo, hi) = (from.max(start), to.min(start + c.len()));
        for i in lo.saturating_sub(start)..hi.saturating_sub(start) {
            book.apply(c.event[i], c.id[i], c.side[i], c.price[i], c.amount[i]);
        }
        start += c.len();
        if start >= to {
            break;
        }
    }
}

/// The book after the first `applied` events, as its orders.
#[derive(Debug, Clone)]
struct Checkpoint {
    applied: usize,
    orders: Vec<(i64, Resting)>,
}

/// A book that moves to any instant of a channel's loaded events.
#[derive(Debug, Clone)]
pub struct BookReplay {
    every: usize,
    over: Fingerprint,
    /// In order of `applied`; the empty book before any event is implicit.
    checkpoints: Vec<Checkpoint>,
    book: Book,
    /// Events applied to `book`, in order.
    applied: usize,
}

impl Default for BookReplay {
    fn default() -> Self {
        Self::every(CHECKPOINT_EVERY)
    }
}

impl BookReplay {
    pub fn new() -> Self {
        Self::default()
    }

    /// With checkpoints at least `n` events apart (at least 1).
    pub fn every(n: usize) -> Self {
        Self {
            every: n.max(1),
            over: (0, None, None),
            checkpoints: Vec::new(),
            book: Book::default(),
            applied: 0,
        }
    }

    /// The book at instant `t`: after every event of `chunks` at or before `t`.
    pub fn seek(&mut self, chunks: &[&Columns], t: i64) -> &Book {
        self.check(chunks);
        let target = position(chunks, t);
        let k = self.checkpoints.partition_point(|c| c.applied <= target);
        let from = k.checked_sub(1).map_or(0, |k| self.checkpoints[k].applied);
        if target < self.applied || from > self.applied {
            self.restore(k);
        }
        self.advance(chunks, target);
        &self.book
    }

    /// Takes checkpoints ahead over at most `events` more events; true once the whole of `chunks` has them. For
    /// a page to do in slices while idle, so that the first move to a late instant is as quick as any.
    pub fn prepare(&mut self, chunks: &[&Columns], events: usize) -> bool {
        self.check(chunks);
        if self.applied < self.checkpoints.last().map_or(0, |c| c.applied) {
            self.restore(self.checkpoints.len());
        }
        let total = self.over.0;
        self.advance(chunks, total.min(self.applied.saturating_add(events)));
        self.applied == total
    }

    /// Back to the state of the first `k` checkpoints' last (the empty book for 0).
    fn restore(&mut self, k: usize) {
        (self.book, self.applied) = match k.checked_sub(1).map(|k| &self.checkpoints[k]) {
            None => (Book::default(), 0),
            Some(c) => (Book::from_snapshot(&c.orders), c.applied),
        };
    }

    /// Starts afresh when the items are not those the checkpoints were taken over.
    fn check(&mut self, chunks: &[&Columns]) {
        let now = fingerprint(chunks);
        if now != self.over {
            *self = Self {
                over: now,
                ..Self::every(self.every)
            };
        }
    }

    /// Where the next checkpoint is due: `every` events after the last, or as many as its book had orders.
    fn due(&self) -> usize {
        self.checkpoints
            .last()
            .map_or(self.every, |c| c.applied + self.every.max(c.orders.len()))
    }

    /// Applies events up to position `target`, taking the checkpoints it passes that are not taken yet.
    fn advance(&mut self, chunks: &[&Columns], target: usize) {
        while self.applied < target {
            let due = self.due();
            let stop = if due > self.applied {
                target.min(due)
            } else {
                target
            };
            apply_events(&mut self.book, chunks, (self.applied, stop));
            self.applied = stop;
            if stop == due {
                self.checkpoints.push(Checkpoint {
                    applied: stop,
                    orders: self.book.snapshot(),
                });
            }
        }
    }
}
