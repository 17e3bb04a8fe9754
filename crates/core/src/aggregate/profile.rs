//! A volume profile: the window's traded volume by price bucket, buys and sells apart, with the point of control
//! (the bucket that traded most) and the value area (the buckets around it that hold 70 % of the volume).

use super::BySide;
use super::window::views;
use crate::columns::{Columns, EventKind, Side};

/// The share of the volume the value area holds.
pub const VALUE_AREA_SHARE: f64 = 0.7;

/// Buckets a profile aims at over the window's price range.
pub const DEFAULT_PROFILE_BUCKETS: usize = 40;

/// Traded volume by price bucket. Bucket `i` covers `[low + i·step, low + (i + 1)·step)`; `low` and `step` are
/// round (a step of 1, 2, 2.5 or 5 times a power of ten), so the buckets' edges are prices people read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub low: f64,
    pub step: f64,
    /// Buy (taker) and sell volume per bucket, the lowest price first; empty without trades.
    pub volume: Vec<BySide<f64>>,
    /// The point of control: the bucket of most volume (of equals, the lowest).
    pub poc: Option<usize>,
    /// The value area, buckets `lo..=hi`: from the point of control, the neighbour of more volume is taken in
    /// (above on a tie) until the area holds [`VALUE_AREA_SHARE`] of the volume.
    pub value_area: Option<(usize, usize)>,
}

impl Profile {
    /// The lower edge of bucket `i` (the upper edge of bucket `i - 1`).
    pub fn edge(&self, i: usize) -> f64 {
        self.low + self.step * i as f64
    }

    /// The top edge of the highest bucket.
    pub fn high(&self) -> f64 {
        self.edge(self.volume.len())
    }

    /// A bucket's volume, both sides.
    pub fn total(&self, i: usize) -> f64 {
        self.volume.get(i).map_or(0.0, |v| v.buy + v.sell)
    }
}

/// The profile of the trades with `from <= ts <= to`, in about `buckets` buckets over their price range. Trades
/// with a price that is not finite are left out.
pub fn profile(segments: &[&Columns], from: i64, to: i64, buckets: usize) -> Profile {
    let trades = || {
        views(segments, from, to).flat_map(|v| {
            let (_, price, amount, side, event) = v.fields();
            (0..price.len())
                .filter(move |&i| event[i] == EventKind::Trade && price[i].is_finite())
                .map(move |i| (price[i], amount[i], side[i]))
        })
    };
    let Some((min, max)) = trades().fold(None, |range: Option<(f64, f64)>, (p, _, _)| {
        Some(range.map_or((p, p), |(lo, hi)| (lo.min(p), hi.max(p))))
    }) else {
        return Profile::default();
    };
    // One bucket's worth of a flat window: a ten-thousandth of the price.
    let span = if max > min {
        max - min
    } else {
        min.abs().max(1.0) * 1e-4
    };
    let step = round_step(span / buckets.max(1) as f64);
    // Rounding may put an edge a hair past the price it was computed from: one bucket more then.
    let mut low = (min / step).floor() * step;
    if low > min {
        low -= step;
    }
    let mut n = ((max - low) / step).floor() as usize + 1;
    if low + step * n as f64 <= max {
        n += 1;
    }
    let mut volume = vec![BySide::<f64>::default(); n];
    for (price, amount, side) in trades() {
        let i = (((price - low) / step).floor().max(0.0) as usize).min(n - 1);
        match side {
            Side::Buy => volume[i].buy += amount,
            Side::Sell => volume[i].sell += amount,
        }
    }
    let mut out = Profile {
        low,
        step,
        volume,
        poc: None,
        value_area: None,
    };
    let totals: Vec<f64> = (0..n).map(|i| out.total(i)).collect();
    let all: f64 = totals.iter().sum();
    if all > 0.0 {
        let poc = (0..n).fold(0, |best, i| if totals[i] > totals[best] { i } else { best });
        out.poc = Some(poc);
        out.value_area = Some(value_area(&totals, poc, all * VALUE_AREA_SHARE));
    }
    out
}

/// From `poc`, the neighbour of more volume taken in until the area holds `share`.
fn value_area(totals: &[f64], poc: usize, share: f64) -> (usize, usize) {
    let (mut lo, mut hi) = (poc, poc);
    let mut held = totals[poc];
    while held < share && (lo > 0 || hi + 1 < totals.len()) {
        let below = lo.checked_sub(1).map(|i| totals[i]);
        let above = totals.get(hi + 1).copied();
        if above.unwrap_or(f64::NEG_INFINITY) >= below.unwrap_or(f64::NEG_INFINITY) {
            hi += 1;
            held += totals[hi];
        } else {
            lo -= 1;
            held += totals[lo];
        }
    }
    (lo, hi)
}

/// The smallest round step at least `raw`: 1, 2, 2.5 or 5 times a power of ten.
fn round_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}
