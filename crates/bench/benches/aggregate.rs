//! Aggregating a million items, as the dashboard does for the visible window on every zoom: candles and statistics
//! over 1,000,000 trades; heatmap and flow over 1,000,000 order events. Each channel's
//! items are split in 4 segments, as a load with K = 4 leaves them.
//! Run: `cargo bench -p tickscope-bench --bench aggregate` (`./scripts/bench.sh` measures the same in wasm).

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tickscope_bench::{SPAN, T0, synthetic};
use tickscope_core::Columns;
use tickscope_core::aggregate::{
    DEFAULT_CANDLE_TARGET, HeatmapParams, Interval, candles, flow, heatmap, stats,
};

const ITEMS: usize = 1_000_000;
const SEGMENTS: usize = 4;

fn aggregate(c: &mut Criterion) {
    let trade_cols = synthetic(false, ITEMS, SEGMENTS);
    let order_cols = synthetic(true, ITEMS, SEGMENTS);
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
