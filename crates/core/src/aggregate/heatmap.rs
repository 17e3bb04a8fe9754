//! Where orders sit: amount of order events binned by price × time, bids and asks apart.
//!
//! Every order event (`order_created`, `order_changed`, `order_deleted`) adds its amount to the cell of its price
//! and time: the map shows order-book *activity* (amount placed, resized or pulled at a price), not resting depth,
//! which would need each order's state by id. Trades are ignored.
//!
//! The price axis covers a robust range, the `low_quantile`..`high_quantile` quantiles (by event count) of the
//! window's order prices, found without sorting: one pass for count and min/max, then histogram passes
//! ([`QUANTILE_BINS`] bins) that narrow down to the bins holding the two quantiles until the range between them
//! spans at least 1/8 of the bins (one pass for ordinary data, a few when outliers squeeze the data into a few
//! bins; at most 5). The range's ends are those bins' edges, so they are the quantiles within 1/256 of the range,
//! rounded outwards. Events priced outside the range are left out (not piled into the edge rows).

use super::interval::Interval;
use super::window::{View, max, min, views};
use crate::columns::{Columns, EventKind};

/// Price rows by default.
pub const DEFAULT_HEATMAP_ROWS: usize = 60;
/// Time columns the automatic interval aims at.
pub const DEFAULT_HEATMAP_COLUMNS: usize = 200;
/// Rows are clamped to `1..=HEATMAP_MAX_ROWS`.
pub const HEATMAP_MAX_ROWS: usize = 2_000;
/// An explicit interval giving more columns than this is replaced by the next longer one that fits; if even `1h`
/// gives more (over 416 days), the grid keeps the latest `HEATMAP_MAX_COLUMNS` columns.
pub const HEATMAP_MAX_COLUMNS: u64 = 10_000;
/// Histogram bins of each quantile pass.
const QUANTILE_BINS: usize = 2_048;
/// Histogram passes at most.
const QUANTILE_PASSES: usize = 5;

/// How to bin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatmapParams {
    /// Price rows (clamped to `1..=HEATMAP_MAX_ROWS`).
    pub rows: usize,
    /// Time bucket; `None`: [`Interval::auto`] over the span of the window's order events, aiming at
    /// `target_columns`.
    pub interval: Option<Interval>,
    pub target_columns: usize,
    /// Quantiles of the order prices bounding the price axis (0 and 1: the whole min..max range).
    pub low_quantile: f64,
    pub high_quantile: f64,
}

impl Default for HeatmapParams {
    fn default() -> Self {
        Self {
            rows: DEFAULT_HEATMAP_ROWS,
            interval: None,
            target_columns: DEFAULT_HEATMAP_COLUMNS,
            low_quantile: 0.01,
            high_quantile: 0.99,
        }
    }
}

/// A dense grid of amounts: `columns` time buckets × `rows` price buckets, per side.
///
/// Cell `(column, row)` is at `column * rows + row` of [`Heatmap::bids`] and [`Heatmap::asks`] (each time column
/// is contiguous, rows from the lowest price up). Empty (no column, no row) when the window holds no order event.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// The interval used (the one asked for, unless it gave more than [`HEATMAP_MAX_COLUMNS`] columns).
    pub interval: Interval,
    pub rows: usize,
    pub columns: usize,
    /// Start of each time column, µs since the epoch: from the bucket of the window's first order event to that
    /// of its last (`columns` values; see [`HEATMAP_MAX_COLUMNS`] for the one exception).
    pub time: Vec<i64>,
    /// Price row edges, ascending (`rows + 1` values): row `r` holds prices in `[edges[r], edges[r + 1])`, the
    /// last row also its upper edge. The range's ends are `edges[0]` and `edges[rows]`.
    pub price_edges: Vec<f64>,
    /// Amount of buy-side order events per cell.
    pub bids: Vec<f32>,
    /// Amount of sell-side order events per cell.
    pub asks: Vec<f32>,
    /// The largest cell of either side (0 when empty): the top of a shared color scale.
    pub max_weight: f32,
}

impl Heatmap {
    fn empty(interval: Interval) -> Self {
        Self {
            interval,
            rows: 0,
            columns: 0,
            time: Vec::new(),
            price_edges: Vec::new(),
            bids: Vec::new(),
            asks: Vec::new(),
            max_weight: 0.0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.columns == 0
    }

    /// Index of cell `(column, row)` in [`Heatmap::bids`] and [`Heatmap::asks`].
    pub fn index(&self, column: usize, row: usize) -> usize {
        column * self.rows + row
    }

    /// The amount in cell `(column, row)` of `side` (0 outside the grid).
    #[cfg(test)]
    pub(crate) fn weight(&self, side: crate::Side, column: usize, row: usize) -> f32 {
        if column >= self.columns || row >= self.rows {
            return 0.0;
        }
        let cells = match side {
            crate::Side::Buy => &self.bids,
            crate::Side::Sell => &self.asks,
        };
        cells[self.index(column, row)]
    }

    /// The price range covered, `(edges[0], edges[rows])`.
    pub fn price_range(&self) -> Option<(f64, f64)> {
        Some((*self.price_edges.first()?, *self.price_edges.last()?))
    }
}

/// An order event with a finite price.
fn is_order(event: EventKind, price: f64) -> bool {
    event != EventKind::Trade && price.is_finite()
}

/// Count, price min/max and first/last `ts` of the window's order events.
struct Survey {
    count: u64,
    min: f64,
    max: f64,
    first_ts: i64,
    last_ts: i64,
}

fn survey(views: &[View]) -> Option<Survey> {
    views.iter().fold(None, |s, &v| survey_view(v, s))
}

/// `s` with `v`'s order events added. Out of line with its values in locals, so that they stay in registers (as
/// in every pass here; see candles' `fill`).
#[inline(never)]
fn survey_view(v: View, s: Option<Survey>) -> Option<Survey> {
    let (ts, price, _, _, event) = v.fields();
    let mut i = 0;
    let s = match s {
        Some(s) => s,
        None => {
            // The first order event opens (out of the loop: no check per item).
            while i < ts.len() && !is_order(event[i], price[i]) {
                i += 1;
            }
            if i == ts.len() {
                return None;
            }
            Survey {
                count: 0,
                min: price[i],
                max: price[i],
                first_ts: ts[i],
                last_ts: ts[i],
            }
        }
    };
    let (mut count, mut lo, mut hi, mut last_ts) = (s.count, s.min, s.max, s.last_ts);
    for j in i..ts.len() {
        let p = price[j];
        if is_order(event[j], p) {
            count += 1;
            lo = min(lo, p);
            hi = max(hi, p);
            last_ts = ts[j];
        }
    }
    Some(Survey {
        count,
        min: lo,
        max: hi,
        first_ts: s.first_ts,
        last_ts,
    })
}

/// Counts `v`'s order prices into `hist` (`a..=b` in `hist.len()` bins, `scale` = bins per unit), those below
/// `a` into `under`.
#[inline(never)]
fn histogram_view(v: View, a: f64, b: f64, scale: f64, hist: &mut [u64], under: &mut u64) {
    let (_, price, _, _, event) = v.fields();
    let last = hist.len() - 1;
    let mut below = *under;
    for i in 0..price.len() {
        let p = price[i];
        if !is_order(event[i], p) || p > b {
            continue;
        }
        if p < a {
            below += 1;
        } else {
            hist[(((p - a) * scale) as usize).min(last)] += 1;
        }
    }
    *under = below;
}

/// The grid being filled: `cells[side * half + column * rows + row]`.
struct Grid {
    interval: Interval,
    t0: i64,
    columns: usize,
    rows: usize,
    lo: f64,
    hi: f64,
    per_row: f64,
    half: usize,
    cells: Vec<f64>,
}

/// Adds `v`'s order events priced within `lo..=hi` to `g`, column run by column run (one division per run).
#[inline(never)]
fn bin_view(v: View, g: &mut Grid) {
    let (ts, price, amount, side, event) = v.fields();
    let (lo, hi, per_row, rows, half) = (g.lo, g.hi, g.per_row, g.rows, g.half);
    let iv = g.interval.micros();
    let cells = &mut g.cells[..];
    let mut i = 0;
    while i < ts.len() {
        let col_start = g.interval.floor(ts[i]);
        // Inclusive: `col_start + iv` can overflow near `i64::MAX`, and each run must take an item.
        let col_last = col_start.saturating_add(iv - 1);
        if col_start < g.t0 {
            // Before the grid (only when its columns are capped).
            while i < ts.len() && ts[i] <= col_last {
                i += 1;
            }
            continue;
        }
        let col = (((col_start as i128 - g.t0 as i128) / iv as i128) as usize).min(g.columns - 1);
        let base = col * rows;
        while i < ts.len() && ts[i] <= col_last {
            let p = price[i];
            if is_order(event[i], p) && p >= lo && p <= hi {
                let row = (((p - lo) * per_row) as usize).min(rows - 1);
                cells[side[i] as usize * half + base + row] += amount[i];
            }
            i += 1;
        }
    }
}

/// The histogram bin of the value of rank `rank` (0-based, ascending), given `under` values below the histogram.
/// `None` when that value is below it; the last bin when above.
fn bin_of_rank(hist: &[u64], under: u64, rank: u64) -> Option<usize> {
    if rank < under {
        return None;
    }
    let mut cum = under;
    for (i, &h) in hist.iter().enumerate() {
        cum += h;
        if cum > rank {
            return Some(i);
        }
    }
    Some(hist.len() - 1)
}

/// The price range `low_q..=high_q` (quantiles by count; see the module's doc).
fn quantile_range(views: &[View], s: &Survey, low_q: f64, high_q: f64) -> (f64, f64) {
    let low_q = if low_q.is_nan() {
        0.0
    } else {
        low_q.clamp(0.0, 1.0)
    };
    let high_q = if high_q.is_nan() {
        1.0
    } else {
        high_q.clamp(low_q, 1.0)
    };
    let last = (s.count - 1) as f64;
    let r_lo = ((low_q * last).floor() as u64).min(s.count - 1);
    let r_hi = ((high_q * last).ceil() as u64).clamp(r_lo, s.count - 1);
    let (mut a, mut b) = (s.min, s.max);
    if r_lo == 0 && r_hi == s.count - 1 {
        return (a, b);
    }
    let mut hist = vec![0u64; QUANTILE_BINS];
    for _ in 0..QUANTILE_PASSES {
        if b <= a {
            break;
        }
        hist.fill(0);
        let mut under = 0u64;
        let scale = QUANTILE_BINS as f64 / (b - a);
        for &v in views {
            histogram_view(v, a, b, scale, &mut hist, &mut under);
        }
        let width = (b - a) / QUANTILE_BINS as f64;
        let i_lo = bin_of_rank(&hist, under, r_lo);
        let i_hi = bin_of_rank(&hist, under, r_hi).unwrap_or(0);
        // Edges widened by 1/1000 of a bin, so that rounding cannot leave the quantile's value outside.
        let new_a = match i_lo {
            Some(i) => (a + (i as f64 - 1e-3) * width).max(a),
            None => a,
        };
        let new_b = if i_hi + 1 >= QUANTILE_BINS {
            b
        } else {
            (a + (i_hi as f64 + 1.001) * width).min(b)
        };
        let resolved = i_hi.saturating_sub(i_lo.unwrap_or(0)) >= QUANTILE_BINS / 8;
        if new_b < new_a {
            break;
        }
        (a, b) = (new_a, new_b);
        if resolved {
            break;
        }
    }
    (a.max(s.min), b.min(s.max))
}

/// The heatmap of order events with `from <= ts <= to` (see the module's doc for what is counted and the price
/// range). Linear in the window's items: 3 passes for ordinary data (survey, one histogram, binning), up to 7
/// with extreme outliers; memory: the grid and a 2,048-bin histogram.
pub fn heatmap(segments: &[&Columns], from: i64, to: i64, params: &HeatmapParams) -> Heatmap {
    let views: Vec<View> = views(segments, from, to).collect();
    let Some(s) = survey(&views) else {
        return Heatmap::empty(
            params
                .interval
                .unwrap_or_else(|| Interval::auto(0, params.target_columns)),
        );
    };
    let mut interval = params.interval.unwrap_or_else(|| {
        Interval::auto(s.last_ts.saturating_sub(s.first_ts), params.target_columns)
    });
    while interval.buckets(s.first_ts, s.last_ts) > HEATMAP_MAX_COLUMNS {
        match interval.longer() {
            Some(longer) => interval = longer,
            None => break,
        }
    }
    let iv = interval.micros();
    let mut t0 = interval.floor(s.first_ts);
    let mut columns = interval.buckets(s.first_ts, s.last_ts);
    if columns > HEATMAP_MAX_COLUMNS {
        // Even 1h buckets are too many (over a year of data, or stray timestamps): the latest columns only.
        columns = HEATMAP_MAX_COLUMNS;
        t0 = interval.floor(s.last_ts) - (HEATMAP_MAX_COLUMNS as i64 - 1) * iv;
    }
    let columns = columns as usize;
    let rows = params.rows.clamp(1, HEATMAP_MAX_ROWS);

    let (mut lo, mut hi) = quantile_range(&views, &s, params.low_quantile, params.high_quantile);
    if hi - lo <= lo.abs().max(hi.abs()) * 1e-9 {
        // One price (or a range too narrow to split into rows): ±0.01 % around it.
        let mid = lo + (hi - lo) / 2.0;
        let pad = (mid.abs() * 1e-4).max(1e-8);
        (lo, hi) = (mid - pad, mid + pad);
    }
    let step = (hi - lo) / rows as f64;
    let mut price_edges: Vec<f64> = (0..rows).map(|r| lo + r as f64 * step).collect();
    price_edges.push(hi);
    let per_row = rows as f64 / (hi - lo);

    let half = columns * rows;
    let mut grid = Grid {
        interval,
        t0,
        columns,
        rows,
        lo,
        hi,
        per_row,
        half,
        cells: vec![0f64; 2 * half],
    };
    for &v in &views {
        bin_view(v, &mut grid);
    }
    let (bids, asks) = grid.cells.split_at(half);
    let (bids, asks): (Vec<f32>, Vec<f32>) = (
        bids.iter().map(|&w| w as f32).collect(),
        asks.iter().map(|&w| w as f32).collect(),
    );
    let max_weight = bids.iter().chain(&asks).fold(0f32, |m, &w| m.max(w));
    Heatmap {
        interval,
        rows,
        columns,
        time: (0..columns as i64).map(|c| t0 + c * iv).collect(),
        price_edges,
        bids,
        asks,
        max_weight,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::test_util::*;
    use crate::columns::{Side, Tick};

    const C: EventKind = EventKind::OrderCreated;
    const CH: EventKind = EventKind::OrderChanged;
    const D: EventKind = EventKind::OrderDeleted;

    fn full_range(rows: usize, interval: Interval) -> HeatmapParams {
        HeatmapParams {
            rows,
            interval: Some(interval),
            low_quantile: 0.0,
            high_quantile: 1.0,
            ..HeatmapParams::default()
        }
    }

    #[test]
    fn a_few_orders_land_in_known_cells() {
        let c = cols(&[
            order(5 * S, 100.0, 1.0, Side::Buy, C),
            trade(6 * S, 300.0, 50.0),
            order(7 * S, 150.0, 2.0, Side::Sell, C),
            order(61 * S, 199.0, 0.5, Side::Buy, CH),
            order(62 * S, 200.0, 4.0, Side::Sell, D),
            order(130 * S, 120.0, 3.0, Side::Buy, D),
            order(131 * S, 125.0, 0.25, Side::Buy, C),
        ]);
        // Prices 100..=200 in 4 rows of 25; minutes 0, 1, 2.
        let h = heatmap(&[&c], 0, i64::MAX, &full_range(4, Interval::M1));
        assert_eq!((h.columns, h.rows, h.interval), (3, 4, Interval::M1));
        assert_eq!(h.time, vec![0, 60 * S, 120 * S]);
        assert_eq!(h.price_edges, vec![100.0, 125.0, 150.0, 175.0, 200.0]);
        #[rustfmt::skip]
        assert_eq!(h.bids, vec![
            1.0, 0.0, 0.0, 0.0, // minute 0: 100
            0.0, 0.0, 0.0, 0.5, // minute 1: 199
            3.0, 0.25, 0.0, 0.0, // minute 2: 120, 125
        ]);
        #[rustfmt::skip]
        assert_eq!(h.asks, vec![
            0.0, 0.0, 2.0, 0.0, // minute 0: 150
            0.0, 0.0, 0.0, 4.0, // minute 1: 200, in the last row
            0.0, 0.0, 0.0, 0.0,
        ]);
        assert_eq!(h.max_weight, 4.0);
        assert_eq!(h.weight(Side::Buy, 2, 1), 0.25);
        assert_eq!(h.weight(Side::Sell, 3, 0), 0.0);
        assert_eq!(h.price_range(), Some((100.0, 200.0)));

        // The window's ends are inclusive; columns run from the first to the last event's bucket.
        let h = heatmap(&[&c], 7 * S, 62 * S, &full_range(4, Interval::M1));
        assert_eq!(h.time, vec![0, 60 * S]);
        assert_eq!(h.price_range(), Some((150.0, 200.0)));
        assert_eq!(h.bids.iter().sum::<f32>(), 0.5);
        assert_eq!(h.asks.iter().sum::<f32>(), 6.0);
    }

    /// 1,000 orders at 100..=199 and one far outlier on each side.
    fn with_outliers() -> Vec<Tick> {
        let mut t: Vec<Tick> = (0..1_000)
            .map(|i| order(i * S, 100.0 + (i % 100) as f64, 1.0, Side::Buy, C))
            .collect();
        t.insert(500, order(500 * S, 1e9, 7.0, Side::Sell, C));
        t.insert(10, order(10 * S, 0.001, 7.0, Side::Sell, C));
        t
    }

    #[test]
    fn outliers_do_not_stretch_the_price_range() {
        let c = cols(&with_outliers());
        let h = heatmap(&[&c], i64::MIN, i64::MAX, &HeatmapParams::default());
        let (lo, hi) = h.price_range().unwrap();
        // 1,002 prices: the 1st percentile (rank ⌊10.01⌋ = 10) is 100, the 99th (rank ⌈990.99⌉ = 991) 199.
        assert!(99.8 < lo && lo <= 100.0, "{lo}");
        assert!((199.0..199.2).contains(&hi), "{hi}");
        assert_eq!(h.asks.iter().sum::<f32>(), 0.0);
        assert_eq!(h.bids.iter().sum::<f32>(), 1_000.0);
        // 999 s: 5s buckets could make 201 columns, 15s at most 68.
        assert_eq!((h.interval, h.columns), (Interval::S15, 67));

        let all = HeatmapParams {
            low_quantile: 0.0,
            high_quantile: 1.0,
            ..HeatmapParams::default()
        };
        let h = heatmap(&[&c], i64::MIN, i64::MAX, &all);
        assert_eq!(h.price_range(), Some((0.001, 1e9)));
        assert_eq!(h.bids.iter().chain(&h.asks).sum::<f32>(), 1_014.0);
    }

    #[test]
    fn one_price_gets_a_small_range() {
        let c = cols(&[
            order(0, 50.0, 1.0, Side::Buy, C),
            order(1, 50.0, 2.0, Side::Buy, D),
        ]);
        let h = heatmap(&[&c], 0, 1, &HeatmapParams::default());
        let (lo, hi) = h.price_range().unwrap();
        assert!(lo < 50.0 && 50.0 < hi && hi - lo < 0.02);
        assert_eq!((h.columns, h.rows, h.max_weight), (1, 60, 3.0));
        assert_eq!(h.bids.iter().sum::<f32>(), 3.0);
    }

    #[test]
    fn too_many_columns_step_the_interval_up() {
        let c = cols(&[
            order(0, 1.0, 1.0, Side::Buy, C),
            order(20_000 * S, 2.0, 1.0, Side::Sell, C),
        ]);
        let h = heatmap(&[&c], i64::MIN, i64::MAX, &full_range(10, Interval::S1));
        assert_eq!((h.interval, h.columns), (Interval::S5, 4_001));
        assert_eq!(h.bids.len(), 40_010);
    }

    #[test]
    fn empty_input_gives_an_empty_heatmap() {
        let empty = Columns::default();
        let trades_only = cols(&[trade(0, 1.0, 1.0)]);
        let orders = cols(&[
            order(0, f64::NAN, 1.0, Side::Buy, C),
            order(5, 1.0, 1.0, Side::Buy, C),
        ]);
        for h in [
            heatmap(&[], 0, 10, &HeatmapParams::default()),
            heatmap(&[&empty], i64::MIN, i64::MAX, &HeatmapParams::default()),
            heatmap(
                &[&trades_only],
                i64::MIN,
                i64::MAX,
                &HeatmapParams::default(),
            ),
            heatmap(&[&orders], 0, 4, &HeatmapParams::default()),
            heatmap(&[&orders], 10, 0, &HeatmapParams::default()),
        ] {
            assert!(h.is_empty());
            assert_eq!(
                (h.rows, h.time.len(), h.bids.len(), h.max_weight),
                (0, 0, 0, 0.0)
            );
            assert_eq!(h.price_range(), None);
        }
        let zero_rows = HeatmapParams {
            rows: 0,
            ..HeatmapParams::default()
        };
        assert_eq!(heatmap(&[&orders], 0, 10, &zero_rows).rows, 1);
    }
}
