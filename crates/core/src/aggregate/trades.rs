//! The window's trades, across segments, as points: the price chart draws each trade once few are visible.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

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
    }
}
