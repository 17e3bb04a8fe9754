//! Aggregating a million items, as the dashboard does for the visible window on every zoom: candles, statistics,
//! percent change and LTTB over 1,000,000 trades; heatmap and flow over 1,000,000 order events. Each channel's
//! items are split in 4 segments, as a load with K = 4 leaves them.
//! Run: `cargo bench -p tickscope-core --bench aggregate`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tickscope_core::aggregate::{
    DEFAULT_CANDLE_TARGET, HeatmapParams, Interval, candles, flow, heatmap, lttb_trades,
    percent_change, stats,
};
use tickscope_core::{Columns, EventKind, Side, Tick};

const ITEMS: usize = 1_000_000;
const SEGMENTS: usize = 4;
/// 2022-03-21T02:45:00Z.
const T0: i64 = 1_647_830_700_000_000;
/// ~3.7 h: 13,320 s.
const SPAN: i64 = 13_320_000_000;

/// `ITEMS` items over `SPAN` (sorted timestamps), a random walk of prices around 41,000, in `SEGMENTS` segments.
fn synthetic(orders: bool) -> Vec<Columns> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ orders as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let gap = 2 * SPAN as u64 / ITEMS as u64;
    let per_segment = ITEMS.div_ceil(SEGMENTS);
    let mut out: Vec<Columns> = (0..SEGMENTS)
        .map(|_| Columns::with_capacity(per_segment))
        .collect();
    let (mut ts, mut cents) = (T0, 4_100_000i64);
    for i in 0..ITEMS {
        ts += (next() % gap) as i64;
        cents += (next() % 201) as i64 - 100;
        let side = if next() % 2 == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let (price, event) = if orders {
            // Orders sit around the mid price, a few far away.
            let offset = (next() % 20_000) as i64 - 10_000;
            let far = if next() % 200 == 0 { 400_000 } else { 0 };
            let event = [
                EventKind::OrderCreated,
                EventKind::OrderChanged,
                EventKind::OrderDeleted,
            ][i % 3];
            ((cents + offset + far) as f64 / 100.0, event)
        } else {
            (cents as f64 / 100.0, EventKind::Trade)
        };
        out[i / per_segment].push(Tick {
            ts,
            id: i as i64,
            price,
            amount: (next() % 500_000_000) as f64 / 1e8,
            side,
            event,
        });
    }
    out
}

fn aggregate(c: &mut Criterion) {
    let trade_cols = synthetic(false);
    let order_cols = synthetic(true);
    let trades: Vec<&Columns> = trade_cols.iter().collect();
    let orders: Vec<&Columns> = order_cols.iter().collect();
    let (from, to) = (T0, T0 + SPAN);
    let auto = Interval::auto(to - from, DEFAULT_CANDLE_TARGET);
    let last = trades.last().unwrap().ts.last().unwrap();
    eprintln!(
        "{ITEMS} trades and {ITEMS} order events over {:.2} h in {SEGMENTS} segments; auto interval {auto}: {} candles, 1s: {} candles",
        (last - T0) as f64 / 3.6e9,
        candles(&trades, from, to, auto).len(),
        candles(&trades, from, to, Interval::S1).len(),
    );
    let h = heatmap(&orders, from, to, &HeatmapParams::default());
    eprintln!(
        "heatmap: {} columns of {} × {} rows, prices {:?}",
        h.columns,
        h.interval,
        h.rows,
        h.price_range()
    );

    let mut group = c.benchmark_group("aggregate");
    group
        .throughput(Throughput::Elements(ITEMS as u64))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    // The floor: reading every field aggregates read (ts, price, amount, side, event) once.
    group.bench_function("baseline_read_fields", |b| {
        b.iter(|| {
            let mut acc = (0i64, 0f64, 0f64, 0u64);
            for c in black_box(&trades) {
                for i in 0..c.len() {
                    acc.0 ^= c.ts[i];
                    acc.1 += c.price[i];
                    acc.2 += c.amount[i];
                    acc.3 += c.side[i] as u64 + c.event[i] as u64;
                }
            }
            acc
        })
    });
    group.bench_function("candles_auto", |b| {
        b.iter(|| candles(black_box(&trades), from, to, auto))
    });
    group.bench_function("candles_1s", |b| {
        b.iter(|| candles(black_box(&trades), from, to, Interval::S1))
    });
    group.bench_function("stats_trades", |b| {
        b.iter(|| stats(black_box(&trades), from, to))
    });
    group.bench_function("percent_change_auto", |b| {
        b.iter(|| percent_change(black_box(&trades), from, to, auto))
    });
    group.bench_function("lttb_2000", |b| {
        b.iter(|| lttb_trades(black_box(&trades), from, to, 2_000))
    });
    group.bench_function("heatmap_orders", |b| {
        b.iter(|| heatmap(black_box(&orders), from, to, &HeatmapParams::default()))
    });
    group.bench_function("flow_orders_auto", |b| {
        b.iter(|| flow(black_box(&orders), from, to, auto))
    });
    group.bench_function("stats_orders", |b| {
        b.iter(|| stats(black_box(&orders), from, to))
    });
    group.finish();

    // A zoomed-in view: a tenth of the span, found by binary search.
    let mut zoom = c.benchmark_group("aggregate_zoom_10pct");
    let (zf, zt) = (T0 + SPAN / 2, T0 + SPAN / 2 + SPAN / 10);
    let zauto = Interval::auto(zt - zf, DEFAULT_CANDLE_TARGET);
    zoom.throughput(Throughput::Elements(ITEMS as u64 / 10))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    zoom.bench_function("candles_auto", |b| {
        b.iter(|| candles(black_box(&trades), zf, zt, zauto))
    });
    zoom.bench_function("heatmap_orders", |b| {
        b.iter(|| heatmap(black_box(&orders), zf, zt, &HeatmapParams::default()))
    });
    zoom.finish();
}

criterion_group!(benches, aggregate);
criterion_main!(benches);
