//! The same contract as the SQLite store: the same items in the same order (ties aside, see
//! [`crate::in_sqlite_order`]), pages chained by `LastEvaluatedKey`, also as `cursor` through the HTTP API.

use std::sync::Arc;

use serde_json::Value;
use tickscope_core::{KNOWN_CHANNELS, PageKey, PageRequest};
use tickscope_server::api::{TestOptions, router};
use tickscope_server::store::{DynamoStore, Store};

use crate::common::{CONFIG, client};
use crate::dynalite::block_on;
use crate::{all_pages, in_sqlite_order, seeded};

fn request(channel: &str, from: i64, to: i64, limit: Option<u32>) -> PageRequest {
    PageRequest {
        channel: channel.parse().expect("known channel"),
        from,
        to,
        after: None,
        limit,
    }
}

#[test]
fn every_channel_has_the_items_of_the_sqlite_store() {
    let seeded = seeded();
    for channel in KNOWN_CHANNELS {
        let request = request(channel, CONFIG.from_us, CONFIG.to_us, None);
        let (dynamo, pages) = block_on(all_pages(&seeded.dynamo, &request));
        let (sqlite, _) = block_on(all_pages(&seeded.sqlite, &request));
        assert!(!sqlite.is_empty(), "{channel}: no demo items");
        assert!(
            in_sqlite_order(dynamo) == sqlite,
            "{channel}: DynamoDB's items differ from SQLite's"
        );
        if channel.contains("orders") {
            assert!(
                pages > 2,
                "{channel}: expected several 1 MB pages, got {pages}"
            );
        }
    }
}

#[test]
fn a_sub_range_paged_by_limit_has_the_same_items() {
    let seeded = seeded();
    let minute = 60_000_000;
    let request = request(
        "live_orders_btcusd",
        CONFIG.from_us + 5 * minute + 1,
        CONFIG.from_us + 7 * minute,
        Some(97),
    );
    let (dynamo, pages) = block_on(all_pages(&seeded.dynamo, &request));
    let (sqlite, _) = block_on(all_pages(&seeded.sqlite, &request));
    assert!(sqlite.len() > 500, "{} items", sqlite.len());
    assert!(pages > sqlite.len() / 97, "{pages} pages of at most 97");
    assert!(in_sqlite_order(dynamo) == sqlite, "DynamoDB's items differ");
}

#[test]
fn channels_and_source_match_the_data() {
    let seeded = seeded();
    let stats = block_on(seeded.dynamo.channels()).expect("channels");
    assert_eq!(
        stats,
        seeded.sqlite.channels_blocking().expect("sqlite channels")
    );
    assert_eq!(block_on(seeded.dynamo.source()).unwrap(), "dynamodb");
}

/// The API over the DynamoDB store on 127.0.0.1, on the tests' runtime.
fn serve(store: DynamoStore) -> String {
    block_on(async {
        let app = router(
            Arc::new(store),
            "no-dist".as_ref(),
            &TestOptions::default(),
            None,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    })
}

#[test]
fn cursors_round_trip_through_the_http_api() {
    let seeded = seeded();
    let base = serve(seeded.dynamo.clone());
    let channel = "live_orders_ethusd";
    let (expected, _) = block_on(all_pages(
        &seeded.sqlite,
        &request(channel, CONFIG.from_us, CONFIG.to_us, None),
    ));
    let mut items = Vec::new();
    let mut cursor = String::new();
    for page in 0.. {
        assert!(page < 1000, "paging does not end");
        let url = format!(
            "{base}/prod/bitstamp?channel={channel}&from={}&to={}&cursor={cursor}",
            CONFIG.from_us, CONFIG.to_us
        );
        let response = client().get(url).send().expect("request");
        assert_eq!(response.status(), 200);
        let body: Value = serde_json::from_str(&response.text().unwrap()).expect("JSON");
        let body = &body["body"];
        let page_items = body["Items"].as_array().expect("Items");
        assert_eq!(body["Count"], page_items.len());
        items.extend(page_items.iter().map(Value::to_string));
        match body.get("LastEvaluatedKey") {
            Some(key) => {
                let key = PageKey::from_json_object(key.as_object().unwrap()).expect("key");
                assert_eq!(
                    Some(&key),
                    page_items
                        .last()
                        .map(|i| crate::key_of(&i.to_string()))
                        .as_ref(),
                    "LastEvaluatedKey is the page's last item"
                );
                cursor = key.to_cursor();
            }
            None => break,
        }
    }
    assert!(
        in_sqlite_order(items) == expected,
        "items through the API differ"
    );

    let channels = client()
        .get(format!("{base}/prod/channels"))
        .send()
        .unwrap();
    let channels: Value = serde_json::from_str(&channels.text().unwrap()).unwrap();
    assert_eq!(channels["source"], "dynamodb");
    assert_eq!(channels["channels"].as_array().unwrap().len(), 4);
}
