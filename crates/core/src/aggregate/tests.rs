//! Laws across the aggregates: any segmentation gives the same results, candles agree with a naive reference and
//! merge into the window's statistics, the heatmap accounts for every order in its price range.
//!
//! Prices are multiples of 1/2 and amounts of 1/4, small: every sum here is exact in `f64` (and the heatmap's
//! cells in `f32`), so the laws are checked with `==`.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::test_util::*;
use super::*;
use crate::columns::{Columns, EventKind, Side, Tick};

const T0: i64 = 1_647_830_700_000_000;

fn arb_ticks(max: usize) -> impl Strategy<Value = Vec<Tick>> {
    let one = (
        prop_oneof![1 => Just(0i64), 4 => 0..4 * S],
        1u32..400,
        0u32..40,
        any::<bool>(),
        prop_oneof![3 => Just(0u8), 1 => 1u8..4],
    );
    prop::collection::vec(one, 0..max).prop_map(|raw| {
        let mut ts = T0;
        raw.into_iter()
            .map(|(dt, p, a, sell, ev)| {
                ts += dt;
                item(
                    ts,
                    p as f64 / 2.0,
                    a as f64 / 4.0,
                    if sell { Side::Sell } else { Side::Buy },
                    EventKind::from_u8(ev).unwrap(),
                )
            })
            .collect()
    })
}

/// A window: from/to at item timestamps (to test the inclusive ends), or anywhere around them.
fn window(ticks: &[Tick], a: prop::sample::Index, b: prop::sample::Index, mode: u8) -> (i64, i64) {
    if ticks.is_empty() || mode == 0 {
        return (i64::MIN, i64::MAX);
    }
    let (x, y) = (
        ticks[a.index(ticks.len())].ts,
        ticks[b.index(ticks.len())].ts,
    );
    match mode {
        1 => (x.min(y), x.max(y)),
        2 => (x.min(y) + 1, x.max(y) - 1),
        _ => (x, y), // maybe reversed: empty
    }
}

fn arb_interval() -> impl Strategy<Value = Interval> {
    (0usize..5).prop_map(|i| Interval::ALL[i])
}

/// Candles by the book: filter, group by bucket, fold.
fn reference_candles(ticks: &[Tick], from: i64, to: i64, iv: Interval) -> Candles {
    let mut groups: BTreeMap<i64, Vec<&Tick>> = BTreeMap::new();
    for t in ticks {
        if t.event == EventKind::Trade && from <= t.ts && t.ts <= to {
            groups.entry(iv.floor(t.ts)).or_default().push(t);
        }
    }
    let mut c = Candles::new(iv);
    for (start, g) in groups {
        let buy: f64 = g
            .iter()
            .filter(|t| t.side == Side::Buy)
            .map(|t| t.amount)
            .sum();
        let sell: f64 = g
            .iter()
            .filter(|t| t.side == Side::Sell)
            .map(|t| t.amount)
            .sum();
        let quote: f64 = g.iter().map(|t| t.price * t.amount).sum();
        let close = g.last().unwrap().price;
        c.start.push(start);
        c.open.push(g[0].price);
        c.high
            .push(g.iter().map(|t| t.price).fold(f64::MIN, f64::max));
        c.low
            .push(g.iter().map(|t| t.price).fold(f64::MAX, f64::min));
        c.close.push(close);
        c.vwap.push(if buy + sell != 0.0 {
            quote / (buy + sell)
        } else {
            close
        });
        c.buy_volume.push(buy);
        c.sell_volume.push(sell);
        c.quote_volume.push(quote);
        c.count.push(g.len() as u64);
    }
    c
}

fn in_window(ticks: &[Tick], from: i64, to: i64) -> impl Iterator<Item = &Tick> {
    ticks.iter().filter(move |t| from <= t.ts && t.ts <= to)
}

#[test]
fn a_profile_marks_its_point_of_control_and_value_area() {
    let ticks = [
        trade(T0, 100.0, 1.0),
        trade(T0 + S, 101.2, 3.0),
        sell(T0 + 2 * S, 101.7, 2.0),
        sell(T0 + 3 * S, 102.0, 2.0),
        trade(T0 + 4 * S, 103.0, 1.0),
    ];
    let whole = [cols(&ticks)];
    let p = profile(&refs(&whole), T0, T0 + 4 * S, 3);
    assert_eq!((p.low, p.step, p.high()), (100.0, 1.0, 104.0));
    let volume: Vec<(f64, f64)> = p.volume.iter().map(|v| (v.buy, v.sell)).collect();
    assert_eq!(volume, [(1.0, 0.0), (3.0, 2.0), (0.0, 2.0), (1.0, 0.0)]);
    // 70 % of 9 is 6.3: the point of control's 5, then its larger neighbour above.
    assert_eq!((p.poc, p.value_area), (Some(1), Some((1, 2))));
    assert_eq!(
        profile(&refs(&whole), T0 + 5 * S, T0 + 9 * S, 3),
        Profile::default()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// However the items are split into segments, every aggregate is the same, bit for bit.
    #[test]
    fn segmentation_does_not_matter(
        ticks in arb_ticks(150),
        cuts in prop::collection::vec(0usize..160, 0..6),
        a: prop::sample::Index, b: prop::sample::Index, mode in 0u8..4,
        iv in arb_interval(),
    ) {
        let (from, to) = window(&ticks, a, b, mode);
        let whole = [cols(&ticks)];
        let parts = split(&ticks, &cuts);
        let (w, p) = (refs(&whole), refs(&parts));
        prop_assert_eq!(candles(&p, from, to, iv), candles(&w, from, to, iv));
        prop_assert_eq!(stats(&p, from, to), stats(&w, from, to));
        prop_assert_eq!(flow(&p, from, to, iv), flow(&w, from, to, iv));
        let hp = HeatmapParams { rows: 7, target_columns: 20, ..HeatmapParams::default() };
        prop_assert_eq!(heatmap(&p, from, to, &hp), heatmap(&w, from, to, &hp));
        prop_assert_eq!(trades(&p, from, to).collect::<Vec<_>>(), trades(&w, from, to).collect::<Vec<_>>());
        prop_assert_eq!(profile(&p, from, to, 12), profile(&w, from, to, 12));
    }

    /// A profile puts every trade of the window in the bucket of its price, on round edges; the point of control
    /// traded most; the value area holds 70 % of the volume around it and would not without its larger end.
    #[test]
    fn a_profile_accounts_for_every_trade(
        ticks in arb_ticks(150),
        a: prop::sample::Index, b: prop::sample::Index, mode in 0u8..4,
        buckets in 1usize..60,
    ) {
        let (from, to) = window(&ticks, a, b, mode);
        let whole = [cols(&ticks)];
        let p = profile(&refs(&whole), from, to, buckets);
        let traded: Vec<&Tick> = in_window(&ticks, from, to).filter(|t| t.event == EventKind::Trade).collect();
        if traded.is_empty() {
            prop_assert_eq!(p, Profile::default());
            return Ok(());
        }
        let mantissa = p.step / 10f64.powf(p.step.log10().floor());
        prop_assert!([1.0, 2.0, 2.5, 5.0, 10.0].iter().any(|m| (m - mantissa).abs() < 1e-9), "step {}", p.step);
        prop_assert!(p.volume.len() <= buckets + 2, "{} buckets for {buckets}", p.volume.len());
        let mut want = vec![BySide::<f64>::default(); p.volume.len()];
        for t in &traded {
            prop_assert!(p.low <= t.price && t.price < p.high());
            let i = (((t.price - p.low) / p.step).floor() as usize).min(p.volume.len() - 1);
            *want[i].get_mut(t.side) += t.amount;
        }
        prop_assert_eq!(&p.volume, &want);
        let totals: Vec<f64> = (0..want.len()).map(|i| p.total(i)).collect();
        let all: f64 = totals.iter().sum();
        if all == 0.0 {
            prop_assert_eq!((p.poc, p.value_area), (None, None));
            return Ok(());
        }
        let poc = p.poc.unwrap();
        prop_assert!(totals.iter().all(|&v| v <= totals[poc]));
        let (lo, hi) = p.value_area.unwrap();
        prop_assert!(lo <= poc && poc <= hi);
        let held: f64 = totals[lo..=hi].iter().sum();
        prop_assert!(held >= all * VALUE_AREA_SHARE);
        if lo < hi {
            prop_assert!(held - totals[lo].max(totals[hi]) < all * VALUE_AREA_SHARE);
        }
    }

    /// Candles equal the naive reference (window ends inclusive, buckets aligned, order events ignored).
    #[test]
    fn candles_match_the_reference(
        ticks in arb_ticks(150),
        cuts in prop::collection::vec(0usize..160, 0..4),
        a: prop::sample::Index, b: prop::sample::Index, mode in 0u8..4,
        iv in arb_interval(),
    ) {
        let (from, to) = window(&ticks, a, b, mode);
        let parts = split(&ticks, &cuts);
        prop_assert_eq!(candles(&refs(&parts), from, to, iv), reference_candles(&ticks, from, to, iv));
    }

    /// The window's candles, merged, are its trade statistics; the flow, summed, its order statistics.
    #[test]
    fn candles_and_flow_merge_into_stats(
        ticks in arb_ticks(150),
        a: prop::sample::Index, b: prop::sample::Index, mode in 0u8..4,
        iv in arb_interval(),
    ) {
        let (from, to) = window(&ticks, a, b, mode);
        let c = [cols(&ticks)];
        let segs = refs(&c);
        let k = candles(&segs, from, to, iv);
        let s = stats(&segs, from, to);
        match s.trades {
            None => prop_assert!(k.is_empty()),
            Some(t) => {
                prop_assert_eq!(k.open[0], t.open);
                prop_assert_eq!(*k.close.last().unwrap(), t.close);
                prop_assert_eq!(k.high.iter().copied().fold(f64::MIN, f64::max), t.high);
                prop_assert_eq!(k.low.iter().copied().fold(f64::MAX, f64::min), t.low);
                prop_assert_eq!(k.count.iter().sum::<u64>(), t.count);
                prop_assert_eq!(k.buy_volume.iter().sum::<f64>(), t.buy_volume);
                prop_assert_eq!(k.sell_volume.iter().sum::<f64>(), t.sell_volume);
                prop_assert_eq!(k.volume().sum::<f64>(), t.volume);
                prop_assert_eq!(k.quote_volume.iter().sum::<f64>(), t.quote_volume);
                prop_assert_eq!(k.start[0], iv.floor(t.first_ts));
                prop_assert_eq!(*k.start.last().unwrap(), iv.floor(t.last_ts));
                prop_assert!(k.start.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(k.count.iter().all(|&n| n > 0));
                let n = in_window(&ticks, from, to).filter(|t| t.event == EventKind::Trade).count();
                prop_assert_eq!(t.count, n as u64);
                prop_assert_eq!(t.trades_per_second, n as f64 / s.seconds);
            }
        }
        let f = flow(&segs, from, to, iv);
        let mut merged = OrderStats::default();
        for i in 0..f.len() {
            let b = f.get(i).unwrap();
            prop_assert!(b.count() > 0);
            for side in [Side::Buy, Side::Sell] {
                *merged.created.get_mut(side) += b.created.get(side);
                *merged.changed.get_mut(side) += b.changed.get(side);
                *merged.deleted.get_mut(side) += b.deleted.get(side);
                *merged.amount_added.get_mut(side) += b.amount_added.get(side);
            }
        }
        prop_assert_eq!(merged, s.orders);
        let n = in_window(&ticks, from, to).filter(|t| t.event != EventKind::Trade).count();
        prop_assert_eq!(s.orders.count(), n as u64);
    }

    /// The heatmap's cells add up to the amount of the order events inside its price range, side by side; its range
    /// lies within the prices and holds the quantiles asked for.
    #[test]
    fn heatmap_accounts_for_every_order_in_range(
        ticks in arb_ticks(200),
        a: prop::sample::Index, b: prop::sample::Index, mode in 0u8..4,
        rows in 1usize..20,
        q in prop_oneof![Just((0.0, 1.0)), Just((0.01, 0.99)), (0.0f64..0.5, 0.5f64..1.0)],
        interval in prop::option::of(arb_interval()),
    ) {
        let (from, to) = window(&ticks, a, b, mode);
        let c = [cols(&ticks)];
        let params = HeatmapParams {
            rows,
            interval,
            target_columns: 30,
            low_quantile: q.0,
            high_quantile: q.1,
        };
        let h = heatmap(&refs(&c), from, to, &params);
        let mut prices: Vec<f64> = in_window(&ticks, from, to)
            .filter(|t| t.event != EventKind::Trade)
            .map(|t| t.price)
            .collect();
        if prices.is_empty() {
            prop_assert!(h.is_empty());
            return Ok(());
        }
        prices.sort_by(f64::total_cmp);
        let (lo, hi) = h.price_range().unwrap();
        prop_assert_eq!(h.price_edges.len(), h.rows + 1);
        prop_assert_eq!((h.rows, h.time.len()), (rows, h.columns));
        prop_assert_eq!((h.bids.len(), h.asks.len()), (h.columns * rows, h.columns * rows));
        prop_assert!(h.price_edges.windows(2).all(|w| w[0] < w[1]));
        let (min, max) = (prices[0], *prices.last().unwrap());
        if min < max {
            let last = (prices.len() - 1) as f64;
            let r_lo = (q.0 * last).floor() as usize;
            let r_hi = (q.1 * last).ceil() as usize;
            prop_assert!(min <= lo && lo <= prices[r_lo], "{} {} {}", min, lo, prices[r_lo]);
            prop_assert!(prices[r_hi] <= hi && hi <= max, "{} {} {}", prices[r_hi], hi, max);
        }
        for side in [Side::Buy, Side::Sell] {
            let want: f64 = in_window(&ticks, from, to)
                .filter(|t| t.event != EventKind::Trade && t.side == side)
                .filter(|t| lo <= t.price && t.price <= hi)
                .map(|t| t.amount)
                .sum();
            let cells = if side == Side::Buy { &h.bids } else { &h.asks };
            prop_assert_eq!(cells.iter().map(|&w| w as f64).sum::<f64>(), want);
        }
        let max_cell = h.bids.iter().chain(&h.asks).fold(0f32, |m, &w| m.max(w));
        prop_assert_eq!(h.max_weight, max_cell);
        let first = in_window(&ticks, from, to).find(|t| t.event != EventKind::Trade).unwrap().ts;
        prop_assert_eq!(h.time[0], h.interval.floor(first));
        prop_assert!(h.time.windows(2).all(|w| w[1] - w[0] == h.interval.micros()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Timestamps anywhere in `i64`, windows anywhere: no panic, no overflow, every item counted once (except
    /// by a heatmap capped to its latest columns).
    #[test]
    fn arbitrary_timestamps(
        mut raw in prop::collection::vec((any::<i64>(), 1u32..400, 0u8..4, any::<bool>()), 0..60),
        cuts in prop::collection::vec(0usize..60, 0..4),
        bounds in (any::<i64>(), any::<i64>()),
        iv in 0usize..7,
    ) {
        raw.sort_by_key(|r| r.0);
        let ticks: Vec<Tick> = raw
            .iter()
            .map(|&(ts, p, ev, sell)| {
                let side = if sell { Side::Sell } else { Side::Buy };
                item(ts, p as f64, 1.0, side, EventKind::from_u8(ev).unwrap())
            })
            .collect();
        let iv = Interval::ALL[iv];
        let parts = split(&ticks, &cuts);
        let segs = refs(&parts);
        for (from, to) in [(i64::MIN, i64::MAX), (bounds.0.min(bounds.1), bounds.0.max(bounds.1))] {
            let trades_in = in_window(&ticks, from, to).filter(|t| t.event == EventKind::Trade).count() as u64;
            let orders_in = in_window(&ticks, from, to).count() as u64 - trades_in;
            prop_assert_eq!(candles(&segs, from, to, iv).count.iter().sum::<u64>(), trades_in);
            let f = flow(&segs, from, to, iv);
            prop_assert_eq!((0..f.len()).map(|i| f.get(i).unwrap().count()).sum::<u64>(), orders_in);
            prop_assert_eq!(stats(&segs, from, to).orders.count(), orders_in);
            let hp = HeatmapParams { rows: 3, ..HeatmapParams::default() };
            let h = heatmap(&segs, from, to, &hp);
            prop_assert!(h.columns as u64 <= HEATMAP_MAX_COLUMNS);
            prop_assert!(h.bids.iter().chain(&h.asks).sum::<f32>() as u64 <= orders_in);
        }
    }
}

#[test]
fn empty_input_everywhere() {
    let empty = Columns::default();
    for segs in [&[][..], &[&empty][..], &[&empty, &empty][..]] {
        for (from, to) in [(i64::MIN, i64::MAX), (0, 0), (10, -10)] {
            assert!(candles(segs, from, to, Interval::S1).is_empty());
            assert_eq!(stats(segs, from, to).trades, None);
            assert!(flow(segs, from, to, Interval::H1).is_empty());
            assert!(heatmap(segs, from, to, &HeatmapParams::default()).is_empty());
            assert_eq!(trades(segs, from, to).count(), 0);
            assert_eq!(trade_count(segs, from, to), 0);
        }
    }
}

/// Timestamps at the ends of `i64`: buckets saturate instead of overflowing, and every item is counted once.
#[test]
fn extreme_timestamps() {
    let c = cols(&[
        trade(i64::MIN, 1.0, 1.0),
        order(i64::MIN + 1, 2.0, 1.0, Side::Buy, EventKind::OrderCreated),
        trade(0, 3.0, 1.0),
        order(i64::MAX - 1, 4.0, 1.0, Side::Sell, EventKind::OrderDeleted),
        trade(i64::MAX, 5.0, 1.0),
        order(i64::MAX, 6.0, 1.0, Side::Sell, EventKind::OrderChanged),
    ]);
    let segs = [&c];
    let (from, to) = (i64::MIN, i64::MAX);
    for iv in [Interval::S1, Interval::H1] {
        let k = candles(&segs, from, to, iv);
        assert_eq!((k.count.iter().sum::<u64>(), k.len()), (3, 3));
        assert_eq!(*k.close.last().unwrap(), 5.0);
        let f = flow(&segs, from, to, iv);
        assert_eq!(
            (0..f.len()).map(|i| f.get(i).unwrap().count()).sum::<u64>(),
            3
        );
    }
    assert_eq!(stats(&segs, from, to).trades.unwrap().count, 3);
    // Far more than HEATMAP_MAX_COLUMNS even at 1h: the latest columns only.
    let h = heatmap(&segs, from, to, &HeatmapParams::default());
    assert_eq!(
        (h.interval, h.columns as u64),
        (Interval::H1, HEATMAP_MAX_COLUMNS)
    );
    assert_eq!(*h.time.last().unwrap(), Interval::H1.floor(i64::MAX));
    assert_eq!(h.bids.iter().chain(&h.asks).sum::<f32>(), 2.0);
    let h = heatmap(&segs, i64::MAX - 10, to, &HeatmapParams::default());
    assert_eq!(
        (h.columns, h.bids.iter().chain(&h.asks).sum::<f32>()),
        (1, 2.0)
    );
    let h = heatmap(&segs, from, i64::MIN + 10, &HeatmapParams::default());
    assert_eq!((h.columns, h.bids.iter().sum::<f32>()), (1, 1.0));
}
