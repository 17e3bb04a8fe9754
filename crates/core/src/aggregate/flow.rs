//! Order flow per interval bucket: events by kind and side, and the amount offered anew.

use super::BySide;
use super::interval::Interval;
use super::stats::{OrderAcc, OrderStats};
use super::window::{View, item_count, ts_bounds, views};
use crate::columns::{Columns, EventKind};

/// Order flow of one window, one vector per series (index `i` is bucket `i`), in time order. Only buckets holding
/// at least one order event appear (trades are ignored; empty buckets are omitted, as for candles).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub interval: Interval,
    /// Bucket start, µs since the epoch.
    pub start: Vec<i64>,
    /// `order_created` events per side.
    pub created: BySide<Vec<u64>>,
    /// `order_changed` events per side.
    pub changed: BySide<Vec<u64>>,
    /// `order_deleted` events per side.
    pub deleted: BySide<Vec<u64>>,
    /// Σ amount of `order_created` events per side.
    pub added: BySide<Vec<f64>>,
}

fn by_side<T>(n: usize) -> BySide<Vec<T>> {
    BySide {
        buy: Vec::with_capacity(n),
        sell: Vec::with_capacity(n),
    }
}

fn push<T>(v: &mut BySide<Vec<T>>, x: BySide<T>) {
    v.buy.push(x.buy);
    v.sell.push(x.sell);
}

impl Flow {
    fn with_capacity(interval: Interval, n: usize) -> Self {
        Self {
            interval,
            start: Vec::with_capacity(n),
            created: by_side(n),
            changed: by_side(n),
            deleted: by_side(n),
            added: by_side(n),
        }
    }

    pub fn len(&self) -> usize {
        self.start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// Bucket `i`'s counts as [`OrderStats`].
    pub fn get(&self, i: usize) -> Option<OrderStats> {
        self.start.get(i)?;
        let at = |v: &BySide<Vec<u64>>| BySide {
            buy: v.buy[i],
            sell: v.sell[i],
        };
        Some(OrderStats {
            created: at(&self.created),
            changed: at(&self.changed),
            deleted: at(&self.deleted),
            amount_added: BySide {
                buy: self.added.buy[i],
                sell: self.added.sell[i],
            },
        })
    }

    fn push(&mut self, start: i64, s: &OrderStats) {
        self.start.push(start);
        push(&mut self.created, s.created);
        push(&mut self.changed, s.changed);
        push(&mut self.deleted, s.deleted);
        push(&mut self.added, s.amount_added);
    }
}

/// Order flow of the order events with `from <= ts <= to`, in buckets of `interval`: one pass.
pub fn flow(segments: &[&Columns], from: i64, to: i64, interval: Interval) -> Flow {
    let Some((first, last)) = ts_bounds(segments, from, to) else {
        return Flow::with_capacity(interval, 0);
    };
    let capacity = interval
        .buckets(first, last)
        .min(item_count(segments, from, to) as u64) as usize;
    let mut out = Flow::with_capacity(interval, capacity);
    let iv = interval.micros();
    // The bucket being filled, `start..=last` (none before the first order event; inclusive: see candles).
    let (mut start, mut last) = (1i64, 0i64);
    let mut acc = OrderAcc::default();
    let mut any = false;
    for view in views(segments, from, to) {
        let (ts, _, _, _, event) = view.fields();
        let mut i = 0;
        while i < ts.len() {
            if event[i] == EventKind::Trade {
                i += 1;
                continue;
            }
            if !(start <= ts[i] && ts[i] <= last) {
                if any {
                    out.push(start, &acc.finish());
                }
                start = interval.floor(ts[i]);
                last = start.saturating_add(iv - 1);
                acc = OrderAcc::default();
                any = true;
            }
            i = fill(view, i, last, &mut acc);
        }
    }
    if any {
        out.push(start, &acc.finish());
    }
    out
}

/// Adds the order events of `view` from index `i` on while `ts <= last` to `acc`; returns the index it stopped at.
/// Out of line, so that the sums stay in registers (see candles' `fill`).
#[inline(never)]
fn fill(view: View, mut i: usize, last: i64, acc: &mut OrderAcc) -> usize {
    let (ts, _, amount, side, event) = view.fields();
    let mut a = *acc;
    while i < ts.len() && ts[i] <= last {
        if event[i] != EventKind::Trade {
            a.add(event[i], side[i], amount[i]);
        }
        i += 1;
    }
    *acc = a;
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;
    use crate::columns::Side;

    #[test]
    fn counts_per_bucket_and_side() {
        use EventKind::*;
        let c = cols(&[
            order(0, 10.0, 1.0, Side::Buy, OrderCreated),
            order(1, 11.0, 2.0, Side::Buy, OrderCreated),
            trade(2, 10.5, 9.0),
            order(3, 12.0, 0.5, Side::Sell, OrderCreated),
            order(4, 11.0, 1.0, Side::Buy, OrderChanged),
            order(4 * S, 12.0, 0.5, Side::Sell, OrderDeleted),
            order(11 * S, 9.0, 3.0, Side::Sell, OrderChanged),
            order(14 * S + 999_999, 9.0, 3.0, Side::Buy, OrderDeleted),
        ]);
        let f = flow(&[&c], 0, 20 * S, Interval::S5);
        assert_eq!(
            f.start,
            vec![0, 10 * S],
            "the bucket at 5 s holds no order event"
        );
        assert_eq!(
            f.created,
            BySide {
                buy: vec![2, 0],
                sell: vec![1, 0]
            }
        );
        assert_eq!(
            f.changed,
            BySide {
                buy: vec![1, 0],
                sell: vec![0, 1]
            }
        );
        assert_eq!(
            f.deleted,
            BySide {
                buy: vec![0, 1],
                sell: vec![1, 0]
            }
        );
        assert_eq!(
            f.added,
            BySide {
                buy: vec![3.0, 0.0],
                sell: vec![0.5, 0.0]
            }
        );
        assert_eq!(f.get(0).unwrap().count(), 5);
        assert_eq!(f.get(1).unwrap().count(), 2);
        assert_eq!(f.get(2), None);

        // Inclusive ends.
        let f = flow(&[&c], 4, 14 * S + 999_999, Interval::S5);
        assert_eq!(f.changed.buy, vec![1, 0]);
        assert_eq!(f.deleted.buy, vec![0, 1]);
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn empty_input_gives_empty_flow() {
        let trades_only = cols(&[trade(0, 1.0, 1.0)]);
        assert!(flow(&[], 0, 1, Interval::S1).is_empty());
        assert!(flow(&[&Columns::default()], i64::MIN, i64::MAX, Interval::S1).is_empty());
        assert!(flow(&[&trades_only], i64::MIN, i64::MAX, Interval::S1).is_empty());
        assert!(flow(&[&trades_only], 1, 0, Interval::S1).is_empty());
    }
}
