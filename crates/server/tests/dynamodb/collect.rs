//! The collector on DynamoDB: its batches (items and gap records) through throttling lose nothing, gaps come back
//! as SQLite's do, and `tickscope-server --store dynamodb collect` records a scripted exchange into dynalite
//! behind the throttling proxy.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tickscope_core::{Channel, Gap, GapsRequest};
use tickscope_server::store::{Batch, CollectStore, Store};

#[path = "../collect/exchange.rs"]
mod exchange;

use crate::dynalite::{block_on, connect, endpoint, fresh_store, unique_table};
use crate::{TRADES, flaky, trade, trades_in_index};

fn gap(from: i64, to: Option<i64>) -> Gap {
    Gap {
        channel: TRADES.to_owned(),
        from,
        to,
        reason: "connection lost".into(),
    }
}

fn gaps_request(from: i64, to: i64) -> GapsRequest {
    GapsRequest {
        channel: Channel::parse(TRADES).unwrap(),
        from,
        to,
    }
}

#[test]
fn batches_through_throttling_lose_nothing_and_a_closed_gap_replaces_its_open_record() {
    let (proxy, flaky) = flaky::start();
    block_on(async {
        let direct = fresh_store("collect").await;
        let through_proxy = connect(&proxy, direct.table()).await;
        let items: Vec<_> = (0..600).map(|n| trade(n, true)).collect();
        let batch = Batch {
            items,
            gaps: vec![gap(10, None), gap(500, Some(900))],
        };
        through_proxy
            .write_batch(Arc::new(batch))
            .await
            .expect("written");
        assert_eq!(
            trades_in_index(&direct).await.len(),
            600,
            "gap records are not items of the channel"
        );
        let closing = Batch {
            items: Vec::new(),
            gaps: vec![gap(10, Some(20))],
        };
        through_proxy
            .write_batch(Arc::new(closing))
            .await
            .expect("written");
        assert_eq!(
            direct.gaps(&gaps_request(0, i64::MAX)).await.unwrap(),
            [gap(10, Some(20)), gap(500, Some(900))]
        );
        assert_eq!(direct.gaps(&gaps_request(21, 499)).await.unwrap(), []);
        assert_eq!(
            direct.gaps(&gaps_request(900, 900)).await.unwrap(),
            [gap(500, Some(900))]
        );
        let newest = direct
            .newest(&Channel::parse(TRADES).unwrap())
            .await
            .unwrap();
        assert_eq!(newest, Some(1_647_830_700_000_000 + 599 * 1_000));
    });
    assert!(
        flaky.throttled.load(Ordering::Relaxed) > 0,
        "the proxy throttled"
    );
}

#[test]
fn the_collector_records_into_dynamodb_through_throttling() {
    let table = unique_table("collector");
    let (proxy, flaky) = flaky::start();
    block_on(async {
        let store = connect(endpoint(), &table).await;
        store.create_table().await.expect("table");
        let mut exchange = exchange::Exchange::start().await;
        let mut child = Command::new(env!("CARGO_BIN_EXE_tickscope-server"))
            .args([
                "--store",
                "dynamodb",
                "collect",
                "--channels",
                TRADES,
                "--ws-url",
                &exchange.url,
            ])
            .args(["--endpoint-url", &proxy, "--table", &table])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut conn = exchange.next(1).await;
        for id in 0..300 {
            conn.send_json(exchange::trade(
                TRADES,
                id,
                1_700_000_000_000_000 + id * 1000,
            ))
            .await;
        }
        let mut stored = 0;
        for _ in 0..100 {
            stored = trades_in_index(&store).await.len();
            if stored == 300 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(stored, 300);
        conn.drop_tcp();
        let mut conn = exchange.next(1).await;
        conn.send_json(exchange::trade(TRADES, 300, 1_700_000_000_300_000))
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(child.wait().unwrap().success());
        assert_eq!(trades_in_index(&store).await.len(), 301);
        let gaps = store.gaps(&gaps_request(0, i64::MAX)).await.unwrap();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert!(gaps[0].to.is_some_and(|to| to > gaps[0].from), "{gaps:?}");
    });
    assert!(
        flaky.throttled.load(Ordering::Relaxed) > 0,
        "the proxy throttled"
    );
}
