//! Percent change from the window's first trade price, per interval bucket: to overlay channels (BTC and ETH) on
//! one scale.

use super::candles::Candles;
use super::interval::Interval;

/// A percent-change series: `percent[i] = (close of bucket i / base - 1) · 100`. Buckets without trades are
/// omitted. Computed over the same window and interval for two channels, the series share their time buckets.
#[derive(Debug, Clone, PartialEq)]
pub struct Compare {
    pub interval: Interval,
    /// The window's first trade price; `None` without trades.
    pub base: Option<f64>,
    /// Bucket start, µs since the epoch.
    pub start: Vec<i64>,
    /// Percent change of the bucket's close from `base` (the first bucket's is not 0 unless its close is its
    /// open). Empty when `base` is 0 or not finite.
    pub percent: Vec<f64>,
}

impl Compare {
    /// The series of already computed candles.
    pub fn from_candles(candles: &Candles) -> Self {
        let base = candles.open.first().copied();
        let mut out = Self::new(candles.interval, base);
        if out.usable() {
            out.start = candles.start.clone();
            out.percent = candles.close.iter().map(|&c| out.percent_of(c)).collect();
        }
        out
    }

    fn new(interval: Interval, base: Option<f64>) -> Self {
        Self {
            interval,
            base,
            start: Vec::new(),
            percent: Vec::new(),
        }
    }

    fn usable(&self) -> bool {
        self.base.is_some_and(|b| b != 0.0 && b.is_finite())
    }

    fn percent_of(&self, price: f64) -> f64 {
        let base = self.base.unwrap_or(f64::NAN);
        (price / base - 1.0) * 100.0
    }

    pub fn len(&self) -> usize {
        self.start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::candles::candles;
    use crate::aggregate::test_util::*;
    use crate::columns::{EventKind, Side};

    #[test]
    fn closes_against_the_first_price() {
        let c = cols(&[
            order(0, 1.0, 1.0, Side::Buy, EventKind::OrderCreated),
            trade(S, 200.0, 1.0),
            trade(2 * S, 210.0, 1.0),
            trade(60 * S, 190.0, 1.0),
            trade(240 * S, 250.0, 1.0),
            trade(241 * S, 300.0, 1.0),
        ]);
        let p = Compare::from_candles(&candles(&[&c], 0, i64::MAX, Interval::M1));
        assert_eq!(p.base, Some(200.0));
        assert_eq!(p.start, vec![0, 60 * S, 240 * S]);
        let pct = |price: f64| (price / 200.0 - 1.0) * 100.0;
        assert_eq!(p.percent, vec![pct(210.0), pct(190.0), 50.0]);
        assert!((p.percent[0] - 5.0).abs() < 1e-12 && (p.percent[1] + 5.0).abs() < 1e-12);
        assert_eq!(
            p,
            Compare::from_candles(&candles(&[&c], 0, i64::MAX, Interval::M1))
        );
        // Inclusive: the window starting at the trade at 60 s takes it as the base.
        let p = Compare::from_candles(&candles(&[&c], 60 * S, 240 * S, Interval::M1));
        assert_eq!(
            (p.base, p.percent.clone()),
            (Some(190.0), vec![0.0, (250.0 / 190.0 - 1.0) * 100.0])
        );
    }

    #[test]
    fn no_trades_or_a_zero_base_give_no_series() {
        let orders = cols(&[order(0, 1.0, 1.0, Side::Buy, EventKind::OrderCreated)]);
        assert!(Compare::from_candles(&candles(&[], 0, 1, Interval::S1)).is_empty());
        assert_eq!(
            Compare::from_candles(&candles(&[&orders], 0, 1, Interval::S1)).base,
            None
        );
        assert_eq!(
            Compare::from_candles(&candles(&[&orders], 1, 0, Interval::S1)).len(),
            0
        );
        let zero = cols(&[trade(0, 0.0, 1.0), trade(1, 5.0, 1.0)]);
        let p = Compare::from_candles(&candles(&[&zero], 0, 1, Interval::S1));
        assert_eq!((p.base, p.len()), (Some(0.0), 0));
        assert_eq!(
            Compare::from_candles(&candles(&[&zero], 0, 1, Interval::S1)),
            p
        );
        assert_eq!(
            Compare::from_candles(&Candles::new(Interval::S5)).base,
            None
        );
    }
}
