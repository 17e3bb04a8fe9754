//! The SQLite store on a real file: readers keep answering while a writer appends.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use common::block_on;
use tickscope_core::{ItemBuilder, PageKey, PageRequest};
use tickscope_server::record::Record;
use tickscope_server::store::{ItemSource, SqliteStore, WriteItems};

const CHANNEL: &str = "live_trades_btcusd";

fn trade(n: i64) -> Record {
    let micros = 1_647_830_700_000_000 + n * 1_000;
    let mut item = ItemBuilder::new();
    item.integer("id", n)
        .string("microtimestamp", &micros.to_string())
        .string("channel", CHANNEL);
    item.integer("nmicrotimestamp", micros);
    let key = PageKey {
        channel: CHANNEL.into(),
        nmicrotimestamp: micros,
        id: n,
        microtimestamp: micros.to_string(),
    };
    Record::new(key, item.finish())
}

/// Writes trades `ids` as an import does; returns how many were written.
fn write(store: &SqliteStore, ids: std::ops::Range<i64>) -> u64 {
    let written = store.write_from(ItemSource::Import, move |sink| {
        ids.map(trade).for_each(sink)
    });
    block_on(written).expect("written").0
}

fn whole_range() -> PageRequest {
    PageRequest {
        channel: CHANNEL.parse().unwrap(),
        from: 0,
        to: i64::MAX,
        after: None,
        limit: None,
    }
}

#[test]
fn readers_see_whole_batches_while_a_writer_appends() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.db"), 1 << 30).unwrap();
    write(&store, 0..1_000);
    let writing = AtomicBool::new(true);
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            // Four batches of 50k: readers must only ever see 1k + a multiple of 50k items.
            let written = write(&store, 1_000..201_000);
            writing.store(false, Ordering::SeqCst);
            written
        });
        let readers: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    let mut seen = Vec::new();
                    while writing.load(Ordering::SeqCst) {
                        let page = store
                            .page_blocking(&whole_range())
                            .expect("a reader never fails");
                        assert_eq!(
                            (page.items.len() - 1_000) % 50_000,
                            0,
                            "saw a partial batch"
                        );
                        seen.push(page.items.len());
                    }
                    seen
                })
            })
            .collect();
        assert_eq!(writer.join().unwrap(), 200_000);
        for reader in readers {
            let seen = reader.join().unwrap();
            assert!(
                seen.windows(2).all(|w| w[0] <= w[1]),
                "counts went backwards: {seen:?}"
            );
        }
    });
    let stats = store.channels_blocking().unwrap();
    assert_eq!((stats.len(), stats[0].count), (1, 201_000));
}

#[test]
fn rewriting_the_same_items_replaces_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.db"), 1 << 20).unwrap();
    write(&store, 0..100);
    write(&store, 50..150);
    assert_eq!(store.channels_blocking().unwrap()[0].count, 150);
    assert_eq!(store.source_blocking().unwrap(), "sqlite");
}
