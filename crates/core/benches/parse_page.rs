//! Parsing one realistic page (~2 MB, 6,500 order items in the original envelope) with `parse_page`, side by
//! side with `serde_json::Value` and a bare syntax check of the same body.
//! Run: `cargo bench -p tickscope-core --bench parse_page`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tickscope_core::render_envelope;
use tickscope_core::{ItemBuilder, PageKey, parse_page};

const ITEMS: usize = 6_500;
const CHANNEL: &str = "live_orders_btcusd";

/// Decimal text of `value × 10^-decimals`.
fn decimal(value: u64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    format!(
        "{}.{:0width$}",
        value / scale,
        value % scale,
        width = decimals as usize
    )
}

/// Order items as the server's demo data writes them: a random walk of prices, amounts of 8 decimals,
/// several events per order id.
fn page_body() -> String {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut items = Vec::with_capacity(ITEMS);
    let mut ts = 1_647_830_700_000_000i64;
    let mut cents = 4_100_000u64;
    for i in 0..ITEMS as u64 {
        ts += (next() % 20_000) as i64;
        cents = (cents + next() % 201).saturating_sub(100);
        let id = 1_470_401_450_000_000 + (i / 3) as i64 * 17;
        let amount = decimal(next() % 500_000_000, 8);
        let price = decimal(cents, 2);
        let event = ["order_created", "order_changed", "order_deleted"][(i % 3) as usize];
        let mut b = ItemBuilder::new();
        b.integer("id", id)
            .string("id_str", &id.to_string())
            .integer("order_type", (next() % 2) as i64)
            .string("datetime", &(ts / 1_000_000).to_string())
            .string("microtimestamp", &ts.to_string());
        b.number("amount", &amount).unwrap();
        b.string("amount_str", &amount);
        b.number("price", &price).unwrap();
        b.string("price_str", &price)
            .string("channel", CHANNEL)
            .integer("nmicrotimestamp", ts)
            .string("event", event);
        items.push(b.finish().json);
    }
    let key = PageKey {
        channel: CHANNEL.into(),
        nmicrotimestamp: ts,
        id: 1,
        microtimestamp: ts.to_string(),
    };
    render_envelope(items.iter().map(String::as_str), Some(&key))
}

fn parse(c: &mut Criterion) {
    let body = page_body();
    let batch = parse_page(&body).unwrap();
    assert_eq!((batch.items.len(), batch.skipped), (ITEMS, 0));
    let proxy = format!(
        r#"{{"statusCode":200,"headers":{{}},"body":{}}}"#,
        serde_json::to_string(&body).unwrap()
    );
    eprintln!("page: {} bytes, {ITEMS} order items", body.len());

    let mut group = c.benchmark_group("parse_page");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("parse_page", |b| {
        b.iter(|| parse_page(black_box(&body)).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.bench_function("serde_json_ignored_any", |b| {
        b.iter(|| serde_json::from_str::<serde::de::IgnoredAny>(black_box(&body)).unwrap())
    });
    // The proxy shape: the page is JSON text inside the body string (unescaped into one copy first).
    group.bench_function("parse_page_proxy_string_body", |b| {
        b.iter(|| parse_page(black_box(&proxy)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
