//! Locating a window `from..=to` in each segment: two binary searches per segment, then plain slices.

use std::ops::Range;

use crate::columns::{Columns, EventKind, Side};

/// The index range of `columns`' items with `from <= ts <= to`, by binary search (`ts` sorted ascending). Empty
/// when `from > to`. Never past the shortest of the columns' vectors.
pub(crate) fn window_range(columns: &Columns, from: i64, to: i64) -> Range<usize> {
    let len = columns
        .ts
        .len()
        .min(columns.id.len())
        .min(columns.price.len())
        .min(columns.amount.len())
        .min(columns.side.len())
        .min(columns.event.len());
    let ts = &columns.ts[..len];
    let start = ts.partition_point(|&t| t < from);
    let end = ts.partition_point(|&t| t <= to).max(start);
    start..end
}

/// Each segment holding items of the window, with the index range of those items, in order.
pub(crate) fn window_slices<'a>(
    segments: &'a [&'a Columns],
    from: i64,
    to: i64,
) -> impl Iterator<Item = (&'a Columns, Range<usize>)> + Clone + 'a {
    segments
        .iter()
        .map(move |&c| (c, window_range(c, from, to)))
        .filter(|(_, r)| !r.is_empty())
}

/// One segment's part of a window: equal-length slices of the fields aggregates read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct View<'a> {
    pub ts: &'a [i64],
    pub price: &'a [f64],
    pub amount: &'a [f64],
    pub side: &'a [Side],
    pub event: &'a [EventKind],
}

impl<'a> View<'a> {
    pub fn new(columns: &'a Columns, r: Range<usize>) -> Self {
        Self {
            ts: &columns.ts[r.clone()],
            price: &columns.price[r.clone()],
            amount: &columns.amount[r.clone()],
            side: &columns.side[r.clone()],
            event: &columns.event[r],
        }
    }

    /// The fields as slices of one length (so that indexing them below `ts.len()` needs no bounds check).
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    pub fn fields(self) -> (&'a [i64], &'a [f64], &'a [f64], &'a [Side], &'a [EventKind]) {
        let n = self.ts.len();
        (
            self.ts,
            &self.price[..n],
            &self.amount[..n],
            &self.side[..n],
            &self.event[..n],
        )
    }
}

/// `(amount, 0.0)` for a buy, `(0.0, amount)` for a sell, without a branch (sides alternate unpredictably, and
/// LLVM turns a select on the side into one): the sell part masks the bits, the buy part is `amount - sell`.
/// Exact for finite amounts (and adding +0.0 to a sum leaves it as it is); an infinite amount makes both NaN.
#[inline(always)]
pub(crate) fn split_by_side(amount: f64, side: Side) -> (f64, f64) {
    let sell = f64::from_bits(amount.to_bits() & (side as u64).wrapping_neg());
    (amount - sell, sell)
}

/// `a` or `b`, the larger, as one `maxsd` (a NaN `b` is ignored).
#[inline(always)]
pub(crate) fn max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// `a` or `b`, the smaller, as one `minsd` (a NaN `b` is ignored).
#[inline(always)]
pub(crate) fn min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// The window's part of each segment, in order.
pub(crate) fn views<'a>(
    segments: &'a [&'a Columns],
    from: i64,
    to: i64,
) -> impl Iterator<Item = View<'a>> + Clone + 'a {
    window_slices(segments, from, to).map(|(c, r)| View::new(c, r))
}

/// The first and last `ts` of the window's items (of any kind), if any: O(segments · log n).
pub(crate) fn ts_bounds(segments: &[&Columns], from: i64, to: i64) -> Option<(i64, i64)> {
    let mut slices = window_slices(segments, from, to);
    let (c, r) = slices.next()?;
    let first = c.ts[r.start];
    let last = match slices.last() {
        Some((c, r)) => c.ts[r.end - 1],
        None => c.ts[r.end - 1],
    };
    Some((first, last))
}

/// Items in the window (of any kind): O(segments · log n).
pub(crate) fn item_count(segments: &[&Columns], from: i64, to: i64) -> usize {
    window_slices(segments, from, to)
        .map(|(_, r)| r.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::{cols, trade};

    #[test]
    fn window_bounds_are_inclusive() {
        let c = cols(&[
            trade(10, 1.0, 1.0),
            trade(20, 1.0, 1.0),
            trade(20, 2.0, 1.0),
            trade(30, 1.0, 1.0),
        ]);
        assert_eq!(window_range(&c, 20, 20), 1..3);
        assert_eq!(window_range(&c, 10, 30), 0..4);
        assert_eq!(window_range(&c, 11, 29), 1..3);
        assert_eq!(window_range(&c, 31, 40), 4..4);
        assert_eq!(window_range(&c, 0, 9), 0..0);
        assert_eq!(window_range(&c, 30, 10), 3..3);
        assert_eq!(window_range(&c, i64::MIN, i64::MAX), 0..4);
        assert_eq!(window_range(&Columns::default(), 0, 1), 0..0);
    }

    #[test]
    fn ragged_columns_do_not_panic() {
        let mut c = cols(&[trade(10, 1.0, 1.0), trade(20, 1.0, 1.0)]);
        c.event.pop();
        assert_eq!(window_range(&c, 0, 100), 0..1);
    }

    #[test]
    fn slices_skip_segments_outside_the_window() {
        let a = cols(&[trade(10, 1.0, 1.0), trade(20, 1.0, 1.0)]);
        let b = cols(&[trade(30, 1.0, 1.0), trade(40, 1.0, 1.0)]);
        let segs = [&a, &b];
        let got: Vec<Range<usize>> = window_slices(&segs, 20, 30).map(|(_, r)| r).collect();
        assert_eq!(got, vec![1..2, 0..1]);
        assert_eq!(window_slices(&segs, 35, 50).count(), 1);
        assert_eq!(ts_bounds(&segs, 15, 35), Some((20, 30)));
        assert_eq!(ts_bounds(&segs, 11, 19), None);
        assert_eq!(ts_bounds(&segs, 40, 40), Some((40, 40)));
        assert_eq!(item_count(&segs, 0, 100), 4);
        assert_eq!(ts_bounds(&[], 0, 1), None);
    }
}
