//! Full 1 MB query pages from the SQLite store over the demo data set: how many pages per second one reader
//! gets, with and without rendering the response body. Run: `cargo bench -p tickscope-server --bench sqlite_pages`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tickscope_core::render_envelope;
use tickscope_core::{PAGE_BYTES, PageKey, PageRequest};
use tickscope_server::demo::{self, DemoConfig};
use tickscope_server::store::SqliteStore;

const CHANNEL: &str = "live_orders_btcusd";

/// The cursors that start each full page of the channel, so every iteration reads a different full page.
fn page_starts(store: &SqliteStore, request: &PageRequest) -> Vec<Option<PageKey>> {
    let mut starts = vec![None];
    loop {
        let after = starts.last().unwrap().clone();
        let page = store
            .page_blocking(&PageRequest {
                after,
                ..request.clone()
            })
            .unwrap();
        match page.last_key {
            Some(key) => starts.push(Some(key)),
            None => break,
        }
    }
    starts.pop(); // the last page is not full
    starts
}

fn pages(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("bench.db"), PAGE_BYTES).unwrap();
    let config = DemoConfig::default();
    let seeding = demo::seed(&store, config);
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(seeding)
        .unwrap();
    let request = PageRequest {
        channel: CHANNEL.parse().unwrap(),
        from: config.from_us,
        to: config.to_us,
        after: None,
        limit: None,
    };
    let starts = page_starts(&store, &request);
    let items_per_page = store.page_blocking(&request).unwrap().items.len();
    eprintln!(
        "{} full pages of {CHANNEL}, {items_per_page} items in the first",
        starts.len()
    );

    let mut group = c.benchmark_group("sqlite_full_1mb_page");
    group.throughput(Throughput::Elements(1));
    let mut next = starts.iter().cycle();
    group.bench_function("query", |b| {
        b.iter(|| {
            let after = next.next().unwrap().clone();
            store
                .page_blocking(&PageRequest {
                    after,
                    ..request.clone()
                })
                .unwrap()
        })
    });
    group.bench_function("query_and_render_body", |b| {
        b.iter(|| {
            let after = next.next().unwrap().clone();
            let page = store
                .page_blocking(&PageRequest {
                    after,
                    ..request.clone()
                })
                .unwrap();
            render_envelope(
                page.items.iter().map(String::as_str),
                page.last_key.as_ref(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
