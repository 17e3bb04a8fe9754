//! OHLC candles of trades, per interval bucket, column by column.

use super::interval::Interval;
use super::window::{View, item_count, max, min, split_by_side, ts_bounds, views};
use crate::columns::{Columns, EventKind};

/// Candles of one window, one vector per field (index `i` of each is candle `i`), in time order: each vector maps
/// onto one chart series. Only buckets holding at least one trade have a candle (empty buckets are omitted: use a
/// time axis, where `start` places each candle).
#[derive(Debug, Clone, PartialEq)]
pub struct Candles {
    pub interval: Interval,
    /// Bucket start, µs since the epoch (a multiple of the interval).
    pub start: Vec<i64>,
    /// First trade's price.
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    /// Last trade's price.
    pub close: Vec<f64>,
    /// Σ price·amount / Σ amount; the close if Σ amount is 0.
    pub vwap: Vec<f64>,
    /// Σ amount (base currency) of trades whose taker bought.
    pub buy_volume: Vec<f64>,
    /// Σ amount (base currency) of trades whose taker sold.
    pub sell_volume: Vec<f64>,
    /// Σ price·amount (quote currency), both sides.
    pub quote_volume: Vec<f64>,
    /// Trades in the bucket (at least 1).
    pub count: Vec<u64>,
}

/// One candle, as a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candle {
    pub start: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub vwap: f64,
    pub buy_volume: f64,
    pub sell_volume: f64,
    pub quote_volume: f64,
    pub count: u64,
}

impl Candle {
    /// A bucket starting at `start` whose first trade is at `price`, before that trade is added.
    fn opening(start: i64, price: f64) -> Self {
        Self {
            start,
            open: price,
            high: price,
            low: price,
            close: price,
            vwap: price,
            buy_volume: 0.0,
            sell_volume: 0.0,
            quote_volume: 0.0,
            count: 0,
        }
    }

    /// Base volume: buy + sell.
    pub fn volume(&self) -> f64 {
        self.buy_volume + self.sell_volume
    }
}

impl Candles {
    /// No candles.
    pub fn new(interval: Interval) -> Self {
        Self::with_capacity(interval, 0)
    }

    fn with_capacity(interval: Interval, n: usize) -> Self {
        Self {
            interval,
            start: Vec::with_capacity(n),
            open: Vec::with_capacity(n),
            high: Vec::with_capacity(n),
            low: Vec::with_capacity(n),
            close: Vec::with_capacity(n),
            vwap: Vec::with_capacity(n),
            buy_volume: Vec::with_capacity(n),
            sell_volume: Vec::with_capacity(n),
            quote_volume: Vec::with_capacity(n),
            count: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// Candle `i` as a row.
    pub fn get(&self, i: usize) -> Option<Candle> {
        Some(Candle {
            start: *self.start.get(i)?,
            open: self.open[i],
            high: self.high[i],
            low: self.low[i],
            close: self.close[i],
            vwap: self.vwap[i],
            buy_volume: self.buy_volume[i],
            sell_volume: self.sell_volume[i],
            quote_volume: self.quote_volume[i],
            count: self.count[i],
        })
    }

    /// The candles as rows, in order.
    pub fn iter(&self) -> impl Iterator<Item = Candle> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Base volume (buy + sell) of each candle.
    #[cfg(test)]
    pub(crate) fn volume(&self) -> impl Iterator<Item = f64> + '_ {
        self.buy_volume
            .iter()
            .zip(&self.sell_volume)
            .map(|(b, s)| b + s)
    }

    /// Pushes `c` once complete (VWAP computed), if it holds a trade.
    fn push_finished(&mut self, c: Candle) {
        if c.count > 0 {
            let volume = c.volume();
            let vwap = if volume != 0.0 {
                c.quote_volume / volume
            } else {
                c.close
            };
            self.push(&Candle { vwap, ..c });
        }
    }

    fn push(&mut self, c: &Candle) {
        self.start.push(c.start);
        self.open.push(c.open);
        self.high.push(c.high);
        self.low.push(c.low);
        self.close.push(c.close);
        self.vwap.push(c.vwap);
        self.buy_volume.push(c.buy_volume);
        self.sell_volume.push(c.sell_volume);
        self.quote_volume.push(c.quote_volume);
        self.count.push(c.count);
    }
}

/// Candles of the trades (`EventKind::Trade` items; order events are ignored) with `from <= ts <= to`, in buckets
/// of `interval`. One pass over the window's items; no allocation but the output's vectors (sized once, to the
/// number of buckets the window's items span, at most).
///
/// ```
/// use tickscope_core::aggregate::{candles, Interval};
/// use tickscope_core::{Columns, EventKind, Side, Tick};
///
/// let mut c = Columns::default();
/// for (ts, price) in [(0, 10.0), (30_000_000, 12.0), (70_000_000, 11.0)] {
///     c.push(Tick { ts, id: ts, price, amount: 1.0, side: Side::Buy, event: EventKind::Trade });
/// }
/// let k = candles(&[&c], 0, i64::MAX, Interval::M1);
/// assert_eq!(k.start, [0, 60_000_000]);
/// assert_eq!((k.open[0], k.close[0], k.vwap[0]), (10.0, 12.0, 11.0));
/// ```
pub fn candles(segments: &[&Columns], from: i64, to: i64, interval: Interval) -> Candles {
    let capacity = match ts_bounds(segments, from, to) {
        Some((first, last)) => {
            let buckets = interval.buckets(first, last);
            (buckets.min(item_count(segments, from, to) as u64)) as usize
        }
        None => return Candles::new(interval),
    };
    let mut out = Candles::with_capacity(interval, capacity);
    let iv = interval.micros();
    // The bucket being filled, `c.start..=last` (none before the first trade). An inclusive end cannot overflow
    // (`start + iv` can, near `i64::MAX`), so every run takes at least one item.
    let mut c = Candle::opening(1, 0.0);
    let mut last = 0;
    for view in views(segments, from, to) {
        let (ts, price, _, _, event) = view.fields();
        let mut i = 0;
        while i < ts.len() {
            if event[i] != EventKind::Trade {
                i += 1;
                continue;
            }
            if !(c.start <= ts[i] && ts[i] <= last) {
                out.push_finished(c);
                c = Candle::opening(interval.floor(ts[i]), price[i]);
                last = c.start.saturating_add(iv - 1);
            }
            i = fill(view, i, last, &mut c);
        }
    }
    out.push_finished(c);
    out
}

/// Adds the trades of `view` from index `i` on while `ts <= last` (`ts` is sorted: they are the bucket's) to `c`;
/// returns the index it stopped at. Kept out of line: in a loop without calls the sums stay in registers (inlined
/// into the loop that pushes candles, LLVM kept them on the stack, 2× slower). No branch on the side.
#[inline(never)]
fn fill(view: View, mut i: usize, last: i64, c: &mut Candle) -> usize {
    let (ts, price, amount, side, event) = view.fields();
    let (mut high, mut low, mut close, mut count) = (c.high, c.low, c.close, c.count);
    let (mut buy, mut sell, mut quote) = (c.buy_volume, c.sell_volume, c.quote_volume);
    while i < ts.len() && ts[i] <= last {
        if event[i] == EventKind::Trade {
            let (p, a) = (price[i], amount[i]);
            high = max(high, p);
            low = min(low, p);
            close = p;
            let (b, s) = split_by_side(a, side[i]);
            buy += b;
            sell += s;
            quote += p * a;
            count += 1;
        }
        i += 1;
    }
    (c.high, c.low, c.close, c.count) = (high, low, close, count);
    (c.buy_volume, c.sell_volume, c.quote_volume) = (buy, sell, quote);
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;
    use crate::columns::{EventKind, Side};

    /// 6 trades over 3 one-minute buckets (the middle one holding an order event only, the last two trades).
    fn six() -> Vec<crate::columns::Tick> {
        vec![
            trade(0, 100.0, 1.0),
            sell(10 * S, 104.0, 0.5),
            trade(59 * S + 999_999, 102.0, 2.0),
            order(70 * S, 500.0, 9.0, Side::Buy, EventKind::OrderCreated),
            sell(120 * S, 99.0, 4.0),
            trade(150 * S, 101.0, 1.0),
            sell(179 * S, 98.0, 3.0),
        ]
    }

    #[test]
    fn six_trades_in_known_buckets() {
        let c = cols(&six());
        let k = candles(&[&c], 0, 200 * S, Interval::M1);
        assert_eq!(k.len(), 2, "the bucket without trades is omitted");
        let first = k.get(0).unwrap();
        // quote: 100 + 52 + 204 = 356; volume 3.5.
        assert_eq!(
            first,
            Candle {
                start: 0,
                open: 100.0,
                high: 104.0,
                low: 100.0,
                close: 102.0,
                vwap: 356.0 / 3.5,
                buy_volume: 3.0,
                sell_volume: 0.5,
                quote_volume: 356.0,
                count: 3,
            }
        );
        // quote: 396 + 101 + 294 = 791; volume 8.
        assert_eq!(
            k.get(1).unwrap(),
            Candle {
                start: 120 * S,
                open: 99.0,
                high: 101.0,
                low: 98.0,
                close: 98.0,
                vwap: 791.0 / 8.0,
                buy_volume: 1.0,
                sell_volume: 7.0,
                quote_volume: 791.0,
                count: 3,
            }
        );
        assert_eq!(k.volume().collect::<Vec<_>>(), vec![3.5, 8.0]);
        assert_eq!(k.get(2), None);
        assert_eq!(k.iter().count(), 2);
    }

    #[test]
    fn window_ends_are_inclusive() {
        let c = cols(&six());
        let k = candles(&[&c], 10 * S, 150 * S, Interval::M1);
        assert_eq!(k.count, vec![2, 2]);
        assert_eq!((k.open[0], k.close[1]), (104.0, 101.0));
        let k = candles(&[&c], 10 * S + 1, 150 * S - 1, Interval::M1);
        assert_eq!(k.count, vec![1, 1]);
    }

    #[test]
    fn a_bucket_spanning_two_segments_is_one_candle() {
        let t = six();
        let (a, b) = (cols(&t[..2]), cols(&t[2..]));
        assert_eq!(
            candles(&[&a, &b], 0, 200 * S, Interval::M1),
            candles(&[&cols(&t)], 0, 200 * S, Interval::M1)
        );
    }

    #[test]
    fn zero_volume_vwap_is_the_close() {
        let c = cols(&[trade(0, 5.0, 0.0), trade(1, 7.0, 0.0)]);
        let k = candles(&[&c], 0, 10, Interval::S1);
        assert_eq!((k.vwap[0], k.count[0]), (7.0, 2));
    }

    #[test]
    fn negative_timestamps_floor_down() {
        let c = cols(&[trade(-1, 5.0, 1.0), trade(0, 7.0, 1.0)]);
        assert_eq!(
            candles(&[&c], i64::MIN, i64::MAX, Interval::S1).start,
            vec![-S, 0]
        );
    }

    #[test]
    fn empty_input_gives_no_candles() {
        let empty = Columns::default();
        assert!(candles(&[], 0, 10, Interval::S1).is_empty());
        assert!(candles(&[&empty, &empty], i64::MIN, i64::MAX, Interval::H1).is_empty());
        let c = cols(&six());
        assert!(candles(&[&c], 10, 5, Interval::S1).is_empty());
        assert!(candles(&[&c], 60 * S, 119 * S, Interval::S1).is_empty());
    }
}
