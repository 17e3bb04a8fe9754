//! Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013), to draw individual trades without handing a
//! chart more points than it has pixels; and the window's trades, across segments, as points.
//!
//! The first and last points are kept; the points between are split into `threshold - 2` buckets of equal count
//! and each bucket keeps the point forming the largest triangle with the point kept before it and the average of
//! the next bucket. Streaming: the points are read once, in order, holding two buckets at a time, so the trades
//! of a window are downsampled without being collected first.

use super::window::{View, views, window_range};
use crate::columns::{Columns, EventKind, Side};

/// One trade, as drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TradePoint {
    pub ts: i64,
    pub price: f64,
    pub amount: f64,
    /// The taker's side.
    pub side: Side,
}

/// The trades with `from <= ts <= to`, in order, across segments (no allocation; a clone of the iterator goes on
/// from where the original is).
pub fn trades<'a>(segments: &'a [&'a Columns], from: i64, to: i64) -> Trades<'a> {
    Trades {
        rest: segments.iter(),
        from,
        to,
        cur: View::default(),
        i: 0,
    }
}

/// The iterator of [`trades`]: a hand-written flattening, small enough to inline into the loop that drives it
/// (`flat_map` over segments costs a call per item there).
#[derive(Debug, Clone)]
pub struct Trades<'a> {
    rest: std::slice::Iter<'a, &'a Columns>,
    from: i64,
    to: i64,
    cur: View<'a>,
    i: usize,
}

/// The next segment in `rest` holding items of the window. Out of line and apart from the iterator's other
/// fields, which can then stay in registers.
#[cold]
#[inline(never)]
fn next_view<'a>(
    rest: &mut std::slice::Iter<'a, &'a Columns>,
    from: i64,
    to: i64,
) -> Option<View<'a>> {
    rest.map(|&c| (c, window_range(c, from, to)))
        .find(|(_, r)| !r.is_empty())
        .map(|(c, r)| View::new(c, r))
}

impl Iterator for Trades<'_> {
    type Item = TradePoint;

    #[inline]
    fn next(&mut self) -> Option<TradePoint> {
        loop {
            let (ts, price, amount, side, event) = self.cur.fields();
            let mut i = self.i;
            while i < ts.len() {
                if event[i] == EventKind::Trade {
                    self.i = i + 1;
                    return Some(TradePoint {
                        ts: ts[i],
                        price: price[i],
                        amount: amount[i],
                        side: side[i],
                    });
                }
                i += 1;
            }
            match next_view(&mut self.rest, self.from, self.to) {
                Some(v) => (self.cur, self.i) = (v, 0),
                None => {
                    self.i = i;
                    return None;
                }
            }
        }
    }
}

/// The number of trades with `from <= ts <= to`.
pub fn trade_count(segments: &[&Columns], from: i64, to: i64) -> usize {
    views(segments, from, to)
        .map(|v| v.event.iter().filter(|&&e| e == EventKind::Trade).count())
        .sum()
}

/// At most `threshold` of the trades with `from <= ts <= to` (all of them if there are no more), chosen by LTTB
/// on (ts, price): two passes (count, then select), no copy of the trades.
pub fn lttb_trades(segments: &[&Columns], from: i64, to: i64, threshold: usize) -> Vec<TradePoint> {
    let n = trade_count(segments, from, to);
    lttb_by(trades(segments, from, to), n, threshold, |p| {
        (p.ts as f64, p.price)
    })
}

/// Indices of at most `threshold` points of `(x[i], y[i])` (`x` ascending), chosen by LTTB, ascending: the first
/// and last index among them (for `threshold >= 2`). All indices when `threshold >= n`; none for threshold 0; the
/// first for 1. Points beyond the shorter slice are ignored.
pub fn lttb_indices(x: &[i64], y: &[f64], threshold: usize) -> Vec<usize> {
    let n = x.len().min(y.len());
    lttb_by(0..n, n, threshold, |&i| (x[i] as f64, y[i]))
}

/// LTTB over any `len` points read in order from `points`, `xy` giving each one's coordinates (`x` ascending):
/// at most `threshold` of them, in order (see [`lttb_indices`] for the small cases). Reads `points` once; holds
/// two buckets (about `2·len/threshold` points). If `points` ends before `len`, what was read is downsampled as if
/// `len` were right, without panicking.
pub fn lttb_by<P: Copy, I: Iterator<Item = P>>(
    mut points: I,
    len: usize,
    threshold: usize,
    xy: impl Fn(&P) -> (f64, f64),
) -> Vec<P> {
    if threshold >= len {
        return points.take(len).collect();
    }
    if threshold <= 2 {
        let first = points.next();
        let last = if threshold == 2 { points.last() } else { None };
        return first.into_iter().chain(last).take(threshold).collect();
    }
    let mut out = Vec::with_capacity(threshold);
    let Some(first) = points.next() else {
        return out;
    };
    out.push(first);
    // Middle points 1..len-1 in `m` buckets; bucket j is `bound(j)..bound(j + 1)` (never empty: len - 2 > m).
    let m = (threshold - 2) as u128;
    let middle = (len - 2) as u128;
    let bound = |j: u128| 1 + (j * middle / m) as usize;
    let cap = (middle / m) as usize + 1;
    let (mut cur, mut next) = (Vec::with_capacity(cap), Vec::with_capacity(cap));
    cur.extend(points.by_ref().take(bound(1) - bound(0)));
    let mut a = xy(&first);
    for j in 0..m {
        next.clear();
        let c = if j + 1 < m {
            next.extend(points.by_ref().take(bound(j + 2) - bound(j + 1)));
            if next.is_empty() {
                break;
            }
            let (sx, sy) = next.iter().fold((0.0, 0.0), |(sx, sy), p| {
                let (x, y) = xy(p);
                (sx + x, sy + y)
            });
            (sx / next.len() as f64, sy / next.len() as f64)
        } else {
            match points.next() {
                Some(last) => {
                    next.push(last);
                    xy(&last)
                }
                None => break,
            }
        };
        if cur.is_empty() {
            break;
        }
        let mut best = 0;
        let mut best_area = -1.0;
        for (i, p) in cur.iter().enumerate() {
            let (x, y) = xy(p);
            // Twice the triangle's area; differences first, so that large x (µs timestamps) keep precision.
            let area = ((a.0 - c.0) * (y - a.1) - (a.0 - x) * (c.1 - a.1)).abs();
            if area > best_area {
                best_area = area;
                best = i;
            }
        }
        out.push(cur[best]);
        a = xy(&cur[best]);
        std::mem::swap(&mut cur, &mut next);
    }
    // After the last bucket, `cur` holds the last point.
    if let Some(&last) = cur.last().filter(|_| out.len() < threshold) {
        out.push(last);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn small_thresholds_and_short_inputs() {
        let x = [0, 1, 2, 3, 4];
        let y = [0.0, 5.0, 1.0, 2.0, 0.0];
        assert_eq!(lttb_indices(&x, &y, 0), Vec::<usize>::new());
        assert_eq!(lttb_indices(&x, &y, 1), vec![0]);
        assert_eq!(lttb_indices(&x, &y, 2), vec![0, 4]);
        assert_eq!(lttb_indices(&x, &y, 5), vec![0, 1, 2, 3, 4]);
        assert_eq!(lttb_indices(&x, &y, 50), vec![0, 1, 2, 3, 4]);
        assert_eq!(lttb_indices(&[], &[], 3), Vec::<usize>::new());
        assert_eq!(lttb_indices(&[7], &[1.0], 1), vec![0]);
        assert_eq!(lttb_indices(&x, &y[..3], 2), vec![0, 2]);
    }

    #[test]
    fn the_spike_survives() {
        // Middle points 1..=8 in 2 buckets of 4: the spike at 6 and the dip at 2 are the largest triangles.
        let x: Vec<i64> = (0..10).collect();
        let y = [5.0, 5.0, 0.0, 5.0, 5.0, 5.0, 20.0, 5.0, 5.0, 5.0];
        assert_eq!(lttb_indices(&x, &y, 4), vec![0, 2, 6, 9]);
        // One middle bucket: the spike.
        assert_eq!(lttb_indices(&x, &y, 3), vec![0, 6, 9]);
    }

    #[test]
    fn a_line_keeps_first_last_and_threshold_points() {
        let x: Vec<i64> = (0..1_000)
            .map(|i| 1_647_830_700_000_000 + i * 1_000)
            .collect();
        let y: Vec<f64> = (0..1_000).map(|i| (i as f64 * 0.1).sin()).collect();
        for t in [3, 4, 10, 99, 500, 998, 999] {
            let idx = lttb_indices(&x, &y, t);
            assert_eq!(idx.len(), t);
            assert_eq!((idx[0], idx[t - 1]), (0, 999));
            assert!(idx.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn trades_of_a_window_across_segments() {
        let a = cols(&[
            trade(1, 10.0, 1.0),
            order(2, 99.0, 1.0, Side::Buy, EventKind::OrderCreated),
            sell(3, 11.0, 2.0),
        ]);
        let b = cols(&[trade(4, 12.0, 3.0), trade(5, 13.0, 4.0)]);
        let segs = [&a, &b];
        let got: Vec<(i64, f64, Side)> = trades(&segs, 2, 4)
            .map(|p| (p.ts, p.price, p.side))
            .collect();
        assert_eq!(got, vec![(3, 11.0, Side::Sell), (4, 12.0, Side::Buy)]);
        assert_eq!(trade_count(&segs, 0, 10), 4);
        assert_eq!(trade_count(&segs, 2, 2), 0);
        // (3, 11) is farther below the line from (1, 10) to (5, 13) than (4, 12) is.
        let all = lttb_trades(&segs, 0, 10, 3);
        assert_eq!(all.iter().map(|p| p.ts).collect::<Vec<_>>(), vec![1, 3, 5]);
        assert_eq!(lttb_trades(&segs, 0, 10, 10).len(), 4);
        assert!(lttb_trades(&[], 0, 10, 10).is_empty());
        assert!(lttb_trades(&segs, 10, 0, 10).is_empty());
    }

    #[test]
    fn a_short_iterator_does_not_panic() {
        let got = lttb_by([1, 2, 3].into_iter(), 100, 10, |&i| (i as f64, 0.0));
        assert!(got.len() <= 3);
        assert_eq!(got[0], 1);
        assert_eq!(
            lttb_by([1, 2].into_iter(), 2, 5, |&i| (i as f64, 0.0)),
            vec![1, 2]
        );
    }
}
