//! Moving a book to any instant: the events are replayed forward from the current state when it is before the
//! instant and no checkpoint is nearer, else from the last checkpoint at or before it. Checkpoints are taken
//! every [`CHECKPOINT_EVERY`] events as a replay first passes them, so no move replays more than that many
//! events once the range has been passed through ([`BookReplay::prepare`] does it ahead, a slice at a time).

use super::state::{Book, Resting};
use crate::columns::Columns;

/// Events between checkpoints: a move replays at most this many (about a millisecond in wasm), and a checkpoint
/// holds the orders (32 bytes each), so 331,070 events with a book of a thousand orders keep 1.3 MB of them.
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
        nonempty().last().map(|c| key(c, c.len() - 1)),
    )
}

/// The number of events at or before `t`: the position a book at `t` has applied up to.
pub(super) fn position(chunks: &[&Columns], t: i64) -> usize {
    chunks
        .iter()
        .map(|c| c.ts.partition_point(|&ts| ts <= t))
        .sum()
}

/// Applies events `from..to` (positions over all chunks) to `book`, calling `at_checkpoint` with the book after
/// each event whose position is a multiple of `every` (`None`: never).
fn apply_events(
    book: &mut Book,
    chunks: &[&Columns],
    (from, to): (usize, usize),
    every: Option<usize>,
    mut at_checkpoint: impl FnMut(usize, &Book),
) {
    let mut start = 0;
    for c in chunks {
        let (lo, hi) = (from.max(start), to.min(start + c.len()));
        for p in lo..hi {
            let i = p - start;
            book.apply(c.event[i], c.id[i], c.side[i], c.price[i], c.amount[i]);
            if every.is_some_and(|n| (p + 1) % n == 0) {
                at_checkpoint(p + 1, book);
            }
        }
        start += c.len();
        if start >= to {
            break;
        }
    }
}

/// A book that moves to any instant of a channel's loaded events.
#[derive(Debug, Clone)]
pub struct BookReplay {
    every: usize,
    over: Fingerprint,
    /// `checkpoints[k]`: the orders after `(k + 1) * every` events.
    checkpoints: Vec<Vec<(i64, Resting)>>,
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

    /// With a checkpoint every `n` events (at least 1).
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
        let k = (target / self.every).min(self.checkpoints.len());
        let checkpoint = k * self.every;
        if target < self.applied || checkpoint > self.applied {
            self.book = match k {
                0 => Book::default(),
                k => Book::from_snapshot(&self.checkpoints[k - 1]),
            };
            self.applied = checkpoint;
        }
        self.advance(chunks, target);
        &self.book
    }

    /// Takes checkpoints ahead over at most `events` more events; true once the whole of `chunks` has them. For
    /// a page to do in slices while idle, so that the first move to a late instant is as quick as any.
    pub fn prepare(&mut self, chunks: &[&Columns], events: usize) -> bool {
        self.check(chunks);
        let total = self.over.0;
        let reached = self.checkpoints.len() * self.every;
        if self.applied < reached {
            self.book = Book::from_snapshot(&self.checkpoints[self.checkpoints.len() - 1]);
            self.applied = reached;
        }
        self.advance(chunks, total.min(self.applied.saturating_add(events)));
        self.applied == total
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

    /// Applies events up to position `target`, taking the checkpoints it passes that are not taken yet.
    fn advance(&mut self, chunks: &[&Columns], target: usize) {
        let Self {
            every,
            checkpoints,
            book,
            applied,
            ..
        } = self;
        apply_events(book, chunks, (*applied, target), Some(*every), |p, b| {
            if p / *every > checkpoints.len() {
                checkpoints.push(b.snapshot());
            }
        });
        self.applied = target.max(self.applied);
    }
}

/// [`apply_events`] without checkpoints, for the series.
pub(super) fn replay_into(book: &mut Book, chunks: &[&Columns], range: (usize, usize)) {
    apply_events(book, chunks, range, None, |_, _| {});
}
