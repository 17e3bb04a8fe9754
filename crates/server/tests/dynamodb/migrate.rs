//! `migrate` on items the original pipeline wrote without `nmicrotimestamp`: found, updated once, resumable.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use aws_sdk_dynamodb::types::AttributeValue;
use tickscope_server::store::dynamodb::migrate::{Counts, MigrateOptions, migrate};

use tickscope_server::store::{ItemSource, WriteItems};

use crate::dynalite::{block_on, fresh_store};
use crate::{trade, trades_in_index};

fn counts(c: &Counts) -> [u64; 5] {
    [&c.found, &c.updated, &c.raced, &c.skipped, &c.segments_done]
        .map(|n| n.load(Ordering::Relaxed))
}

#[test]
fn items_without_nmicrotimestamp_get_it_once_and_appear_in_the_index() {
    block_on(async {
        let store = fresh_store("migrate").await;
        let (written, ()) = store
            .write_from(ItemSource::Import, |sink| {
                (0..300).for_each(|n| sink(trade(n, n % 3 == 0)))
            })
            .await
            .unwrap();
        assert_eq!(written, 300);
        // One item whose microtimestamp is no number: reported, left alone.
        store
            .client()
            .put_item()
            .table_name(store.table())
            .item("id", AttributeValue::N("999".into()))
            .item("microtimestamp", AttributeValue::S("soon".into()))
            .send()
            .await
            .unwrap();
        assert_eq!(trades_in_index(&store).await.len(), 100);

        let dir = tempfile::tempdir().unwrap();
        let checkpoint = dir.path().join("migrate.json");
        let options = MigrateOptions {
            segments: 4,
            checkpoint: Some(checkpoint.clone()),
        };
        let first = Arc::new(Counts::default());
        migrate(&store, &options, first.clone()).await.unwrap();
        assert_eq!(counts(&first), [201, 200, 0, 1, 4]);
        let expected: Vec<String> = (0..300).map(|n| trade(n, true).json).collect();
        assert_eq!(trades_in_index(&store).await, expected);

        // Resumed from a finished checkpoint: nothing left to scan.
        let resumed = Arc::new(Counts::default());
        migrate(&store, &options, resumed.clone()).await.unwrap();
        assert_eq!(counts(&resumed), [0, 0, 0, 0, 4]);
        // From scratch again: only the item it cannot fix is found; nothing is updated twice.
        let again = Arc::new(Counts::default());
        let fresh = MigrateOptions {
            segments: 3,
            checkpoint: None,
        };
        migrate(&store, &fresh, again.clone()).await.unwrap();
        assert_eq!(counts(&again), [1, 0, 0, 1, 3]);
        assert_eq!(trades_in_index(&store).await, expected);
    });
}
