//! The DynamoDB store, its commands and the Lambda handler against a real DynamoDB-compatible server: dynalite
//! (npm), started on 127.0.0.1 by these tests and stopped when they end.

#[path = "../common/mod.rs"]
mod common;
mod dynalite;

mod cli;
mod collect;
mod contract;
mod flaky;
mod lambda;
mod migrate;
mod retry;
mod runtime_api;

use std::sync::OnceLock;

use tickscope_core::{PageKey, PageRequest};
use tickscope_server::demo;
use tickscope_server::store::{DynamoStore, SqliteStore, Store};

/// The demo window of [`common::CONFIG`] in both stores.
pub struct Seeded {
    pub dynamo: DynamoStore,
    pub sqlite: SqliteStore,
    _dir: tempfile::TempDir,
}

pub fn seeded() -> &'static Seeded {
    static SEEDED: OnceLock<Seeded> = OnceLock::new();
    SEEDED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let sqlite = SqliteStore::open_default_pages(&dir.path().join("s.db")).expect("sqlite");
        let dynamo = common::block_on(async {
            let store = dynalite::fresh_store("seeded").await;
            let (in_sqlite, in_dynamo) = tokio::join!(
                demo::seed(&sqlite, common::CONFIG),
                demo::seed(&store, common::CONFIG)
            );
            assert_eq!(
                in_dynamo.expect("seed dynalite"),
                in_sqlite.expect("seed sqlite")
            );
            store
        });
        Seeded {
            dynamo,
            sqlite,
            _dir: dir,
        }
    })
}

/// Every page of `request` from `store`, following `LastEvaluatedKey`: the items and how many pages it took.
pub async fn all_pages<S: Store>(store: &S, request: &PageRequest) -> (Vec<String>, usize) {
    let mut request = request.clone();
    let mut items = Vec::new();
    let mut pages = 0;
    loop {
        let page = store.page(&request).await.expect("page");
        pages += 1;
        items.extend(page.items);
        match page.last_key {
            Some(key) => request.after = Some(key),
            None => return (items, pages),
        }
    }
}

/// The GSI key of an item's JSON.
pub fn key_of(item: &str) -> PageKey {
    let value: serde_json::Value = serde_json::from_str(item).expect("item JSON");
    PageKey::from_json_object(value.as_object().expect("object")).expect("item key")
}

/// DynamoDB orders items by `nmicrotimestamp` only; items sharing one come in its own order. Checks that, then
/// sorts ties as SQLite does (by `id`, `microtimestamp`), so both stores' answers compare exactly.
pub fn in_sqlite_order(mut items: Vec<String>) -> Vec<String> {
    let keys: Vec<PageKey> = items.iter().map(|i| key_of(i)).collect();
    assert!(
        keys.windows(2)
            .all(|w| w[0].nmicrotimestamp <= w[1].nmicrotimestamp),
        "DynamoDB's items are not in nmicrotimestamp order"
    );
    items.sort_by_cached_key(|i| {
        let k = key_of(i);
        (k.nmicrotimestamp, k.id, k.microtimestamp)
    });
    items
}

pub const TRADES: &str = "live_trades_btcusd";

/// A small trade item, number `n`; without `nmicrotimestamp` as the original pipeline first wrote them.
pub fn trade(n: i64, with_nmicrotimestamp: bool) -> tickscope_server::record::Record {
    let micros = 1_647_830_700_000_000 + n * 1_000;
    let mut item = tickscope_core::ItemBuilder::new();
    item.integer("id", n)
        .string("timestamp", &(micros / 1_000_000).to_string())
        .string("microtimestamp", &micros.to_string())
        .string("channel", TRADES);
    if with_nmicrotimestamp {
        item.integer("nmicrotimestamp", micros);
    }
    item.string("event", "trade");
    let key = PageKey {
        channel: TRADES.to_owned(),
        nmicrotimestamp: micros,
        id: n,
        microtimestamp: micros.to_string(),
    };
    tickscope_server::record::Record::new(key, item.finish())
}

/// Every item of [`TRADES`] the GSI finds.
pub async fn trades_in_index(store: &DynamoStore) -> Vec<String> {
    let request = PageRequest {
        channel: TRADES.parse().expect("a channel"),
        from: 0,
        to: i64::MAX,
        after: None,
        limit: None,
    };
    all_pages(store, &request).await.0
}
