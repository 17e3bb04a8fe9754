//! A tape in a scrolled view: rebuilt when what it shows changes, and kept on the same trades as it grows.

use super::{Tape, Viewport};
use crate::{Columns, Tick};

/// What a tape shows and how it is laid out: the data's version (any number that changes with the chunks), the
/// window, the minimum amount, the height of a row and of the view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TapeQuery {
    pub version: u64,
    pub window: (i64, i64),
    pub min_amount: f64,
    pub row_px: f64,
    pub view_px: f64,
}

/// The rows in sight, where the view is scrolled to, and how many rows there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct TapeShown {
    pub len: usize,
    pub viewport: Viewport,
    /// The scroll position the rows are for: the view's, or where the view must go to keep showing the trades it
    /// showed.
    pub scroll_px: f64,
    pub rows: Vec<Tick>,
}

/// The tape of the last query and the trade that was at the top of the view.
#[derive(Debug, Clone, Default)]
pub struct ScrolledTape {
    built_for: Option<TapeQuery>,
    tape: Tape,
    top: Option<(i64, i64)>,
}

impl ScrolledTape {
    /// The rows in sight of `query` at `scroll_px`. When the tape changes (new trades, another window or minimum)
    /// while the view is scrolled down, the view moves so that the trade at its top stays there; at the very top,
    /// new trades come in above.
    pub fn show(&mut self, chunks: &[&Columns], query: TapeQuery, scroll_px: f64) -> TapeShown {
        let mut scroll_px = scroll_px;
        if self.built_for != Some(query) {
            self.tape = Tape::new(chunks, query.window, query.min_amount);
            self.built_for = Some(query);
            if let Some(top) = self.top.filter(|_| scroll_px > 0.0) {
                let first = self.tape.position(chunks, top);
                scroll_px =
                    Viewport::scroll_for(self.tape.len(), query.row_px, query.view_px, first);
            }
        }
        let viewport = Viewport::new(self.tape.len(), query.row_px, query.view_px, scroll_px);
        let rows: Vec<Tick> = (viewport.first..viewport.first + viewport.count)
            .filter_map(|i| self.tape.row(chunks, i))
            .collect();
        self.top = rows.first().map(|r| (r.ts, r.id));
        TapeShown {
            len: self.tape.len(),
            viewport,
            scroll_px,
            rows,
        }
    }
}
