//! The tape's rows: positions of the trades in the window that are big enough, newest first.

use crate::{Columns, EventKind, Tick};

/// The trades of a window `[from, to]` (inclusive, µs) with an amount of at least `min_amount`, newest first
/// (by `(ts, id)` descending), as positions in the chunks it was built from: read it with the same chunks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tape {
    /// `(chunk, row)` per tape row, newest first.
    rows: Vec<(u32, u32)>,
}

impl Tape {
    /// `chunks` are a channel's items in key order, as the aggregates take them; items other than trades are left
    /// out.
    pub fn new(chunks: &[&Columns], (from, to): (i64, i64), min_amount: f64) -> Self {
        let mut rows = Vec::new();
        for (c, chunk) in chunks.iter().enumerate().rev() {
            let (Some(&first), Some(&last)) = (chunk.ts.first(), chunk.ts.last()) else {
                continue;
            };
            if last < from || first > to {
                continue;
            }
            let start = chunk.ts.partition_point(|&t| t < from);
            let end = chunk.ts.partition_point(|&t| t <= to);
            rows.extend(
                (start..end)
                    .rev()
                    .filter(|&i| {
                        chunk.event[i] == EventKind::Trade && chunk.amount[i] >= min_amount
                    })
                    .map(|i| (c as u32, i as u32)),
            );
        }
        Self { rows }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i` (0 is the newest; its `side` is the taker's), read from the chunks the tape was built from.
    pub fn row(&self, chunks: &[&Columns], i: usize) -> Option<Tick> {
        let &(c, r) = self.rows.get(i)?;
        chunks.get(c as usize)?.get(r as usize)
    }

    /// The position of the row with key `(ts, id)`, or of the newest row older than it when it is not a row
    /// (`len()` when every row is newer): where a view that showed it goes on showing the same trades after the
    /// tape is rebuilt with more of them.
    pub fn position(&self, chunks: &[&Columns], key: (i64, i64)) -> usize {
        self.rows.partition_point(|&(c, r)| {
            let chunk = chunks[c as usize];
            (chunk.ts[r as usize], chunk.id[r as usize]) > key
        })
    }
}
