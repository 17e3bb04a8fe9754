//! Writes through throttling and `UnprocessedItems` lose nothing; other errors fail at once; a key given twice
//! is written once.

use std::sync::atomic::Ordering;

use tickscope_server::store::{ItemSource, WriteItems};

use crate::dynalite::{block_on, connect, count_items, endpoint, fresh_store};
use crate::{flaky, trade, trades_in_index};

#[test]
fn every_item_is_written_through_throttling_and_unprocessed_items() {
    let (proxy, flaky) = flaky::start();
    block_on(async {
        let direct = fresh_store("flaky").await;
        let through_proxy = connect(&proxy, direct.table()).await;
        let (written, ()) = through_proxy
            .write_from(ItemSource::Import, |sink| {
                (0..2_000).for_each(|n| sink(trade(n, true)))
            })
            .await
            .expect("every item written");
        assert_eq!(written, 2_000);
        assert_eq!(count_items(&direct).await, 2_000);
        assert_eq!(trades_in_index(&direct).await.len(), 2_000);
    });
    let throttled = flaky.throttled.load(Ordering::Relaxed);
    let partial = flaky.partial.load(Ordering::Relaxed);
    assert!(
        throttled >= 20 && partial >= 20,
        "{throttled} throttled, {partial} partial batches"
    );
}

#[test]
fn a_write_to_a_missing_table_fails_without_retrying_forever() {
    block_on(async {
        let store = connect(endpoint(), "no-such-table").await;
        let error = store
            .write_from(ItemSource::Import, |sink| sink(trade(1, true)))
            .await
            .expect_err("no table");
        assert!(error.0.contains("ResourceNotFoundException"), "{error}");
    });
}

#[test]
fn a_key_given_twice_is_written_once_and_counted_as_sqlite_counts_it() {
    block_on(async {
        let store = fresh_store("duplicates").await;
        // Each item twice in a row, so both land in one batch, which DynamoDB would refuse.
        let (written, ()) = store
            .write_from(ItemSource::Import, |sink| {
                (0..60).for_each(|n| (0..2).for_each(|_| sink(trade(n, true))))
            })
            .await
            .expect("written");
        assert_eq!(written, 120);
        assert_eq!(count_items(&store).await, 60);
    });
}
