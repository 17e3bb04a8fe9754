//! A measurement between two instants of a price chart: how far the price moved, in how long, on how much
//! trading. The price at an instant is the last trade's at or before it (what the market stood at), so the
//! change is exactly what the trades after the first instant, up to the second, did. Before the first loaded trade
//! the price is unknown: the span then starts at that trade, which is counted among those between.

use super::stats::{TradeStats, stats};
use super::window::window_slices;
use crate::columns::{Columns, EventKind};

/// From the price at `from` to the price at `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// `from <= to`, µs.
    pub from: i64,
    pub to: i64,
    /// The price at `from`: the last trade at or before it; when none is loaded, the first trade after it.
    pub start: Anchor,
    /// The price at `to`: the last trade at or before it.
    pub end: Anchor,
    /// `end.price - start.price`.
    pub change: f64,
    /// `change / start.price · 100`; `None` for a start price of 0.
    pub percent: Option<f64>,
    /// The trades with `from < ts <= to`: those that moved the price from `start` to `end`. `None` when there
    /// is none (the price did not move).
    pub between: Option<TradeStats>,
}

/// The trade a price is read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub ts: i64,
    pub price: f64,
}

/// The measurement from instant `a` to instant `b` (in either order) over a trades channel's chunks; `None`
/// when no trade is loaded at or before the later one.
pub fn measure(segments: &[&Columns], a: i64, b: i64) -> Option<Measure> {
    let (from, to) = (a.min(b), a.max(b));
    let end = last_trade_at(segments, to)?;
    let start = last_trade_at(segments, from).or_else(|| first_trade_after(segments, from))?;
    let change = end.price - start.price;
    Some(Measure {
        from,
        to,
        start,
        end,
        change,
        percent: (start.price != 0.0).then(|| change / start.price * 100.0),
        between: stats(segments, from.saturating_add(1), to).trades,
    })
}

/// The last trade with `ts <= t`: the segments from the newest back, each by binary search and a scan back past
/// its order events.
fn last_trade_at(segments: &[&Columns], t: i64) -> Option<Anchor> {
    segments.iter().rev().find_map(|c| {
        let r = window_slices(std::slice::from_ref(c), i64::MIN, t)
            .next()?
            .1;
        r.rev()
            .find(|&i| c.event[i] == EventKind::Trade)
            .map(|i| Anchor {
                ts: c.ts[i],
                price: c.price[i],
            })
    })
}

/// The first trade with `ts > t`.
fn first_trade_after(segments: &[&Columns], t: i64) -> Option<Anchor> {
    let t = t.checked_add(1)?;
    super::trades(segments, t, i64::MAX).next().map(|p| Anchor {
        ts: p.ts,
        price: p.price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;
    use crate::columns::{Side, Tick};
    use proptest::prelude::*;

    #[test]
    fn from_the_price_at_one_instant_to_the_price_at_another() {
        let c = cols(&[
            trade(10 * S, 100.0, 1.0),
            trade(20 * S, 104.0, 2.0),
            order(25 * S, 90.0, 5.0, Side::Buy, EventKind::OrderCreated),
            sell(30 * S, 95.0, 0.5),
            trade(40 * S, 99.0, 1.0),
        ]);
        let m = measure(&[&c], 35 * S, 15 * S).unwrap();
        assert_eq!((m.from, m.to), (15 * S, 35 * S));
        assert_eq!(
            m.start,
            Anchor {
                ts: 10 * S,
                price: 100.0
            }
        );
        assert_eq!(
            m.end,
            Anchor {
                ts: 30 * S,
                price: 95.0
            }
        );
        assert_eq!(m.change, -5.0);
        assert_eq!(m.percent, Some(-5.0));
        let between = m.between.unwrap();
        assert_eq!((between.count, between.volume), (2, 2.5));
        assert_eq!((between.buy_volume, between.sell_volume), (2.0, 0.5));
        // A trade at the first instant sets its price, and is not counted between.
        let m = measure(&[&c], 20 * S, 40 * S).unwrap();
        assert_eq!(
            (m.start.price, m.change, m.between.unwrap().count),
            (104.0, -5.0, 2)
        );
    }

    #[test]
    fn before_the_first_trade_the_span_starts_at_it() {
        let c = cols(&[trade(10 * S, 100.0, 1.0), trade(20 * S, 110.0, 1.0)]);
        let m = measure(&[&c], 0, 20 * S).unwrap();
        assert_eq!(
            (m.start.ts, m.change, m.percent),
            (10 * S, 10.0, Some(10.0))
        );
        assert_eq!(m.between.unwrap().count, 2);
        assert_eq!(
            measure(&[&c], 0, 5 * S),
            None,
            "no trade by the later instant"
        );
        let still = measure(&[&c], 12 * S, 15 * S).unwrap();
        assert_eq!((still.change, still.between), (0.0, None));
        assert_eq!(measure(&[], 0, 1), None);
        assert_eq!(measure(&[&c], i64::MIN, i64::MAX).unwrap().change, 10.0);
    }

    /// Trades (and some order events) at increasing times, with how they are cut into segments.
    fn items() -> impl Strategy<Value = (Vec<Tick>, Vec<usize>)> {
        let tick = (0i64..4, 1u32..200, 0u8..5);
        (
            proptest::collection::vec(tick, 0..60),
            proptest::collection::vec(0usize..60, 0..4),
        )
            .prop_map(|(steps, cuts)| {
                let mut ts = 0;
                let ticks = steps
                    .into_iter()
                    .map(|(dt, p, kind)| {
                        ts += dt;
                        let event = if kind == 0 {
                            EventKind::OrderCreated
                        } else {
                            EventKind::Trade
                        };
                        let side = if kind % 2 == 0 { Side::Sell } else { Side::Buy };
                        item(ts, p as f64, (p % 7) as f64 + 0.5, side, event)
                    })
                    .collect();
                (ticks, cuts)
            })
    }

    proptest! {
        /// Against a brute-force reading of one flat list: the prices at both instants and the trades between.
        #[test]
        fn agrees_with_reading_every_item((ticks, cuts) in items(), a in -2i64..200, b in -2i64..200) {
            let segments = split(&ticks, &cuts);
            let got = measure(&refs(&segments), a, b);
            let (from, to) = (a.min(b), a.max(b));
            let trades: Vec<&Tick> = ticks.iter().filter(|t| t.event == EventKind::Trade).collect();
            let end = trades.iter().rev().find(|t| t.ts <= to);
            let start = trades.iter().rev().find(|t| t.ts <= from).or_else(|| trades.iter().find(|t| t.ts > from));
            match (start, end) {
                (Some(start), Some(end)) => {
                    let m = got.expect("a measure");
                    prop_assert_eq!((m.start.ts, m.start.price), (start.ts, start.price));
                    prop_assert_eq!((m.end.ts, m.end.price), (end.ts, end.price));
                    let between: Vec<&&Tick> = trades.iter().filter(|t| from < t.ts && t.ts <= to).collect();
                    prop_assert_eq!(m.between.map_or(0, |s| s.count), between.len() as u64);
                    let volume = |side: Side| -> f64 {
                        between.iter().filter(|t| t.side == side).map(|t| t.amount).sum()
                    };
                    let (buy, sell) = m.between.map_or((0.0, 0.0), |s| (s.buy_volume, s.sell_volume));
                    prop_assert_eq!((buy, sell), (volume(Side::Buy), volume(Side::Sell)));
                }
                _ => prop_assert_eq!(got, None),
            }
        }
    }
}
