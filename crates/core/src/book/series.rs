//! The book's series over a window, one point per interval: best bid, best ask, spread, mid and depth imbalance,
//! each as the book stands at the interval's end.

use super::replay::{BookReplay, apply_events, position};
use crate::aggregate::Interval;
use crate::columns::Columns;

/// The depth imbalance counts the amounts within this fraction of the mid (0.1 %).
pub const IMBALANCE_WITHIN: f64 = 0.001;

/// The book at the end of one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BookPoint {
    /// The instant (µs): the interval's last microsecond, or the window's end in its last interval.
    pub at: i64,
    pub best_bid: Option<f64>,
    pub best_ask: Option<f64>,
    pub spread: Option<f64>,
    pub mid: Option<f64>,
    /// See [`Book::imbalance`](super::Book::imbalance), within [`IMBALANCE_WITHIN`].
    pub imbalance: Option<f64>,
}

/// One point per interval of `from..=to` (aligned as the candles are, [`Interval::floor`]), from the book that
/// `replay` moves to the first interval's end and then forward; `replay` itself stays there.
pub fn book_series(
    replay: &mut BookReplay,
    chunks: &[&Columns],
    from: i64,
    to: i64,
    interval: Interval,
) -> Vec<BookPoint> {
    let step = interval.micros();
    let ends = std::iter::successors(Some(interval.floor(from)), |b| b.checked_add(step))
        .take_while(|&b| b <= to)
        .map(|b| b.saturating_add(step - 1).min(to));
    let mut points = Vec::with_capacity(interval.buckets(from, to) as usize);
    let mut book = None;
    let mut applied = 0;
    for at in ends {
        let book = match book.as_mut() {
            None => {
                applied = position(chunks, at);
                book.insert(replay.seek(chunks, at).clone())
            }
            Some(book) => {
                let target = position(chunks, at);
                apply_events(book, chunks, (applied, target));
                applied = target;
                book
            }
        };
        points.push(BookPoint {
            at,
            best_bid: book.best_bid(),
            best_ask: book.best_ask(),
            spread: book.spread(),
            mid: book.mid(),
            imbalance: book.imbalance(IMBALANCE_WITHIN),
        });
    }
    points
}
