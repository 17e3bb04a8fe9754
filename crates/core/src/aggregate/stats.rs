//! Summary statistics of a window: trades and order events, in one pass.

use super::BySide;
use super::window::{View, max, min, split_by_side, views};
use crate::columns::{Columns, EventKind, Side};

/// Statistics of the items with `from <= ts <= to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub from: i64,
    pub to: i64,
    /// The window's length in seconds, `(to - from + 1 µs) / 1 s` (the window is inclusive: `0..=999_999` is one
    /// second); 0 when `from > to`. Rates are per second of the *requested* window, not of the span between its
    /// first and last item: pass the visible window clamped to the loaded range
    /// ([`ChannelLoad::range`](crate::ChannelLoad::range)).
    pub seconds: f64,
    /// `None` when the window holds no trade.
    pub trades: Option<TradeStats>,
    /// All zero when the window holds no order event.
    pub orders: OrderStats,
}

/// Trades of a window (at least one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TradeStats {
    pub count: u64,
    pub first_ts: i64,
    pub last_ts: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// `quote_volume / volume`; the close if the volume is 0.
    pub vwap: f64,
    /// Base volume, `buy_volume + sell_volume`.
    pub volume: f64,
    /// Σ price·amount.
    pub quote_volume: f64,
    /// Σ amount of trades whose taker bought.
    pub buy_volume: f64,
    /// Σ amount of trades whose taker sold.
    pub sell_volume: f64,
    /// `buy_volume / sell_volume`; `None` when the sell volume is 0.
    pub buy_sell_ratio: Option<f64>,
    /// `count / seconds` of the requested window ([`Stats::seconds`]).
    pub trades_per_second: f64,
}

/// Order events of a window, by kind and side.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OrderStats {
    pub created: BySide<u64>,
    pub changed: BySide<u64>,
    pub deleted: BySide<u64>,
    /// Σ amount of `order_created` events per side: the amount offered anew.
    pub amount_added: BySide<f64>,
}

impl OrderStats {
    /// Order events of `kind` (`Trade`: 0).
    pub fn of_kind(&self, kind: EventKind) -> BySide<u64> {
        match kind {
            EventKind::Trade => BySide::default(),
            EventKind::OrderCreated => self.created,
            EventKind::OrderChanged => self.changed,
            EventKind::OrderDeleted => self.deleted,
        }
    }

    /// Order events on `side`, all kinds.
    pub fn of_side(&self, side: Side) -> u64 {
        self.created.get(side) + self.changed.get(side) + self.deleted.get(side)
    }

    /// Order events, all kinds and sides.
    pub fn count(&self) -> u64 {
        self.of_side(Side::Buy) + self.of_side(Side::Sell)
    }
}

/// Order events being counted: counts indexed by kind and side, no branch per event.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OrderAcc {
    /// `kind * 2 + side` (trades' slots unused).
    counts: [u64; 8],
    added_buy: f64,
    added_sell: f64,
}

impl OrderAcc {
    /// Counts an order event (not a trade).
    #[inline(always)]
    pub fn add(&mut self, kind: EventKind, side: Side, amount: f64) {
        self.counts[(kind as usize * 2 + side as usize) & 7] += 1;
        let created = ((kind == EventKind::OrderCreated) as u64).wrapping_neg();
        let (b, s) = split_by_side(f64::from_bits(amount.to_bits() & created), side);
        self.added_buy += b;
        self.added_sell += s;
    }

    pub fn finish(&self) -> OrderStats {
        let of = |kind: EventKind| BySide {
            buy: self.counts[kind as usize * 2],
            sell: self.counts[kind as usize * 2 + 1],
        };
        OrderStats {
            created: of(EventKind::OrderCreated),
            changed: of(EventKind::OrderChanged),
            deleted: of(EventKind::OrderDeleted),
            amount_added: BySide {
                buy: self.added_buy,
                sell: self.added_sell,
            },
        }
    }
}

/// Running values of [`stats`].
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    orders: OrderAcc,
    count: u64,
    first_ts: i64,
    last_ts: i64,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    buy: f64,
    sell: f64,
    quote: f64,
}

impl Acc {
    /// `self` with `view`'s items added. Out of line, so that the sums stay in registers (see candles' `fill`);
    /// no branch on the side.
    #[inline(never)]
    fn add(self, view: View) -> Self {
        let (ts, price, amount, side, event) = view.fields();
        let Acc {
            mut orders,
            mut count,
            mut first_ts,
            mut last_ts,
            mut open,
            mut high,
            mut low,
            mut close,
            mut buy,
            mut sell,
            mut quote,
        } = self;
        let mut start = 0;
        if count == 0 {
            // Up to the first trade, which opens (out of the loop: a check in it costs a select per item).
            while start < ts.len() && event[start] != EventKind::Trade {
                orders.add(event[start], side[start], amount[start]);
                start += 1;
            }
            if start < ts.len() {
                let p = price[start];
                (first_ts, open, high, low) = (ts[start], p, p, p);
            }
        }
        for i in start..ts.len() {
            if event[i] != EventKind::Trade {
                orders.add(event[i], side[i], amount[i]);
                continue;
            }
            let (p, a) = (price[i], amount[i]);
            count += 1;
            last_ts = ts[i];
            high = max(high, p);
            low = min(low, p);
            close = p;
            let (b, s) = split_by_side(a, side[i]);
            buy += b;
            sell += s;
            quote += p * a;
        }
        Acc {
            orders,
            count,
            first_ts,
            last_ts,
            open,
            high,
            low,
            close,
            buy,
            sell,
            quote,
        }
    }
}

/// Statistics of the items with `from <= ts <= to`: one pass, plain `f64` sums in item order.
pub fn stats(segments: &[&Columns], from: i64, to: i64) -> Stats {
    let seconds = if from > to {
        0.0
    } else {
        ((to as i128 - from as i128 + 1) as f64) / 1e6
    };
    let mut acc = Acc::default();
    for view in views(segments, from, to) {
        acc = acc.add(view);
    }
    let Acc {
        orders,
        count,
        first_ts,
        last_ts,
        open,
        high,
        low,
        close,
        buy,
        sell,
        quote,
    } = acc;
    let trades = (count > 0).then(|| {
        let volume = buy + sell;
        TradeStats {
            count,
            first_ts,
            last_ts,
            open,
            high,
            low,
            close,
            vwap: if volume != 0.0 { quote / volume } else { close },
            volume,
            quote_volume: quote,
            buy_volume: buy,
            sell_volume: sell,
            buy_sell_ratio: (sell != 0.0).then(|| buy / sell),
            trades_per_second: count as f64 / seconds,
        }
    });
    let orders = orders.finish();
    Stats {
        from,
        to,
        seconds,
        trades,
        orders,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;

    #[test]
    fn trades_and_orders_of_a_window() {
        let c = cols(&[
            trade(0, 100.0, 1.0),
            order(1, 90.0, 2.0, Side::Buy, EventKind::OrderCreated),
            sell(10 * S, 104.0, 0.5),
            order(11 * S, 110.0, 1.5, Side::Sell, EventKind::OrderCreated),
            order(12 * S, 110.0, 1.0, Side::Sell, EventKind::OrderChanged),
            trade(59 * S, 102.0, 2.0),
            order(60 * S, 91.0, 4.0, Side::Buy, EventKind::OrderCreated),
            order(61 * S, 90.0, 2.0, Side::Buy, EventKind::OrderDeleted),
            sell(99 * S + 999_999, 98.0, 3.5),
        ]);
        let s = stats(&[&c], 0, 100 * S - 1);
        assert_eq!(s.seconds, 100.0);
        let t = s.trades.unwrap();
        // quote: 100 + 52 + 204 + 343 = 699; volume 7.
        assert_eq!(
            t,
            TradeStats {
                count: 4,
                first_ts: 0,
                last_ts: 99 * S + 999_999,
                open: 100.0,
                high: 104.0,
                low: 98.0,
                close: 98.0,
                vwap: 699.0 / 7.0,
                volume: 7.0,
                quote_volume: 699.0,
                buy_volume: 3.0,
                sell_volume: 4.0,
                buy_sell_ratio: Some(0.75),
                trades_per_second: 0.04,
            }
        );
        let o = s.orders;
        assert_eq!(o.created, BySide { buy: 2, sell: 1 });
        assert_eq!(o.changed, BySide { buy: 0, sell: 1 });
        assert_eq!(o.deleted, BySide { buy: 1, sell: 0 });
        assert_eq!(
            o.amount_added,
            BySide {
                buy: 6.0,
                sell: 1.5
            }
        );
        assert_eq!(
            (o.count(), o.of_side(Side::Buy), o.of_side(Side::Sell)),
            (5, 3, 2)
        );
        assert_eq!(o.of_kind(EventKind::OrderCreated).total(), 3);
        assert_eq!(o.of_kind(EventKind::Trade).total(), 0);

        // Inclusive ends; a window of one µs.
        let s = stats(&[&c], 10 * S, 10 * S);
        assert_eq!((s.seconds, s.trades.unwrap().count), (1e-6, 1));
        assert_eq!(s.trades.unwrap().trades_per_second, 1e6);
        assert_eq!(s.trades.unwrap().buy_sell_ratio, Some(0.0));
    }

    #[test]
    fn only_buys_have_no_ratio() {
        let c = cols(&[trade(0, 1.0, 1.0)]);
        assert_eq!(stats(&[&c], 0, 0).trades.unwrap().buy_sell_ratio, None);
    }

    #[test]
    fn empty_input_gives_empty_stats() {
        let empty = Columns::default();
        for s in [
            stats(&[], 0, 10),
            stats(&[&empty], i64::MIN, i64::MAX),
            stats(&[&cols(&[trade(5, 1.0, 1.0)])], 10, 5),
        ] {
            assert_eq!(s.trades, None);
            assert_eq!(s.orders, OrderStats::default());
        }
        assert_eq!(stats(&[], 10, 5).seconds, 0.0);
        assert_eq!(stats(&[], i64::MIN, i64::MAX).seconds, 2f64.powi(64) / 1e6);
    }
}
