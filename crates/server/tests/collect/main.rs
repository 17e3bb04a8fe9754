//! `tickscope-server collect` and `serve --collect` against scripted exchanges on 127.0.0.1, into real SQLite
//! files: what the exchange sent while subscribed is stored exactly once, whatever happens to connections, the
//! store or the process; and every interval not collected is a gap.

mod exchange;
mod simulator;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use exchange::{Exchange, order, trade};
use serde_json::{Value, json};
use tickscope_core::{Channel, Gap, GapsRequest, ORDER_ATTRIBUTES, PageRequest};
use tickscope_server::clock::now_us;
use tickscope_server::import::parse_item;
use tickscope_server::store::{Batch, CollectStore, SqliteStore};

const TRADES: &str = "live_trades_btcusd";
const ORDERS: &str = "live_orders_btcusd";
const T0: i64 = 1_700_000_000_000_000;

struct Collector {
    child: Child,
    stderr: Arc<Mutex<String>>,
    /// `serve --collect`'s address.
    base: Option<String>,
}

impl Collector {
    fn start(url: &str, db: &Path, extra: &[&str]) -> Self {
        Self::spawn(&["collect"], url, db, extra)
    }

    /// `serve --collect` on a free port.
    fn serve(url: &str, db: &Path) -> Self {
        let mut collector = Self::spawn(
            &[
                "serve",
                "--collect",
                "--addr",
                "127.0.0.1:0",
                "--dist",
                "no-dist",
            ],
            url,
            db,
            &[],
        );
        let mut line = String::new();
        BufReader::new(collector.child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line.trim().strip_prefix("listening on ").expect("banner");
        collector.base = Some(addr.to_owned());
        collector
    }

    fn spawn(command: &[&str], url: &str, db: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tickscope-server"))
            .args(command)
            .args(["--ws-url", url, "--db"])
            .arg(db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            child,
            stderr,
            base: None,
        }
    }

    /// SIGTERM, then the exit status (within 30 s).
    fn terminate(&mut self) -> ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the collector did not stop within 30 s:\n{}", self.stderr());
    }

    fn stderr(&self) -> String {
        // The pipe's reader may lag the exit by a moment.
        std::thread::sleep(Duration::from_millis(200));
        self.stderr.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.base.as_ref().expect("serve --collect"));
        // The blocking client runs on a thread of its own, outside the test's runtime.
        let text = std::thread::spawn(move || reqwest::blocking::get(url).unwrap().text().unwrap())
            .join()
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn store(db: &Path) -> SqliteStore {
    SqliteStore::open_default_pages(db).unwrap()
}

/// Every stored item of `channel`, in key order, as JSON.
fn stored(db: &Path, channel: &str) -> Vec<Value> {
    let store = store(db);
    let mut request = PageRequest {
        channel: Channel::parse(channel).unwrap(),
        from: 0,
        to: i64::MAX,
        after: None,
        limit: None,
    };
    let mut items = Vec::new();
    loop {
        let page = store.page_blocking(&request).unwrap();
        items.extend(
            page.items
                .iter()
                .map(|j| serde_json::from_str::<Value>(j).unwrap()),
        );
        match page.last_key {
            Some(key) => request.after = Some(key),
            None => return items,
        }
    }
}

fn gaps(db: &Path, channel: &str) -> Vec<Gap> {
    let request = GapsRequest {
        channel: Channel::parse(channel).unwrap(),
        from: 0,
        to: i64::MAX,
    };
    store(db).gaps_blocking(&request).unwrap()
}

/// Waits until the store holds `count` items of `channel` (20 s at most).
async fn until_stored(db: &Path, channel: &str, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let items = stored(db, channel);
        if items.len() >= count {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{channel}: {} items stored, expected {count}",
        stored(db, channel).len()
    );
}

/// The item the store keeps of a message: its data, then channel, nmicrotimestamp, event.
fn as_item(message: &Value) -> Value {
    let mut item = message["data"].clone();
    let micros: i64 = item["microtimestamp"].as_str().unwrap().parse().unwrap();
    item["channel"] = message["channel"].clone();
    item["nmicrotimestamp"] = micros.into();
    item["event"] = message["event"].clone();
    item
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

/// A scripted exchange, a fresh store, and a collector of `live_trades_btcusd` (with `extra` options) into it,
/// connected and subscribed.
async fn collecting_trades(
    extra: &[&str],
) -> (
    Exchange,
    tempfile::TempDir,
    PathBuf,
    Collector,
    exchange::Conn,
) {
    let mut exchange = Exchange::start().await;
    let (dir, db) = temp_db();
    let args = [&["--channels", TRADES][..], extra].concat();
    let collector = Collector::start(&exchange.url, &db, &args);
    let conn = exchange.next(1).await;
    (exchange, dir, db, collector, conn)
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("collect.db");
    (dir, db)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_message_is_stored_once_as_received_and_malformed_frames_are_counted() {
    let mut exchange = Exchange::start().await;
    let (_dir, db) = temp_db();
    let mut collector = Collector::start(
        &exchange.url,
        &db,
        &["--channels", "live_trades_btcusd,live_orders_btcusd"],
    );
    let mut conn = exchange.next(2).await;
    assert_eq!(
        conn.subscribed,
        [TRADES, ORDERS],
        "one subscribe frame per channel, in order"
    );

    let mut sent = Vec::new();
    for i in 0..300i64 {
        // Ten trades share each microtimestamp, as a taker sweep's do.
        let message = if i % 3 == 0 {
            let event = ["order_created", "order_changed", "order_deleted"][(i / 3 % 3) as usize];
            order(ORDERS, event, 1_466_000_000_000_000 + i, T0 + i / 10 * 1000)
        } else {
            trade(TRADES, 226_000_000 + i, T0 + i / 10 * 1000)
        };
        conn.send_json(message.clone()).await;
        if i % 50 == 0 {
            // Received twice, stored once.
            conn.send_json(message.clone()).await;
            conn.send_text("not json").await;
            conn.send_binary().await;
        }
        sent.push(message);
    }
    let mut missing_id = trade(TRADES, 1, T0);
    missing_id["data"].as_object_mut().unwrap().remove("id");
    let mut missing_price = order(ORDERS, "order_deleted", 2, T0);
    missing_price["data"]
        .as_object_mut()
        .unwrap()
        .remove("price");
    for text in [
        missing_id.to_string(),
        missing_price.to_string(),
        json!({"event": "weird", "channel": TRADES, "data": {}}).to_string(),
        json!({"event": "bts:error", "channel": "live_trades_BTCUSD", "data": {"code": null, "message": "Invalid channel provided."}}).to_string(),
    ] {
        conn.send_text(&text).await;
    }
    let last = trade(TRADES, 226_001_000, T0 + 60_000_000);
    conn.send_json(last.clone()).await;
    sent.push(last);

    let expected = |channel: &str| -> Vec<Value> {
        let mut items: Vec<Value> = sent
            .iter()
            .filter(|m| m["channel"] == channel)
            .map(as_item)
            .collect();
        items.sort_by_key(|i| {
            (
                i["nmicrotimestamp"].as_i64().unwrap(),
                i["id"].as_i64().unwrap(),
            )
        });
        items
    };
    let trades = until_stored(&db, TRADES, expected(TRADES).len()).await;
    let orders = until_stored(&db, ORDERS, expected(ORDERS).len()).await;
    assert_eq!(trades, expected(TRADES));
    assert_eq!(orders, expected(ORDERS));
    // Fields in the message's order, then the collector's.
    let names: Vec<&str> = orders[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let (data, recorded) = ORDER_ATTRIBUTES.split_at(9);
    assert_eq!(names, [data, &["order_subtype"], recorded].concat());
    assert!(collector.terminate().success());
    let stderr = collector.stderr();
    for counted in [
        "binary=6",
        "bts_error=1",
        "missing_id=1",
        "missing_price=1",
        "not_json=6",
        "unknown_event=1",
    ] {
        assert!(stderr.contains(counted), "{counted} in\n{stderr}");
    }
    assert_eq!(
        stored(&db, TRADES).len(),
        expected(TRADES).len(),
        "nothing more after the stop"
    );
    assert!(
        gaps(&db, TRADES).is_empty() && gaps(&db, ORDERS).is_empty(),
        "a fresh store has no gap"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn request_reconnect_overlaps_connections_and_loses_nothing() {
    let mut exchange = Exchange::start().await;
    let (_dir, db) = temp_db();
    let _collector = Collector::start(&exchange.url, &db, &["--channels", TRADES]);
    let mut old = exchange.next(1).await;
    for id in 0..50 {
        old.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    old.request_reconnect().await;
    // The old connection keeps delivering while the new one subscribes.
    for id in 50..80 {
        old.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    let mut new = exchange.next(1).await;
    for id in 60..100 {
        new.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    assert!(
        old.closed_by_client(Duration::from_secs(10)).await,
        "the old connection is closed once the new one is acknowledged"
    );
    let items = until_stored(&db, TRADES, 100).await;
    assert_eq!(ids(&items), (0..100).collect::<Vec<_>>());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stored(&db, TRADES).len(), 100, "the overlap is stored once");
    assert!(gaps(&db, TRADES).is_empty(), "an overlap leaves no gap");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drop_is_reconnected_and_its_gap_covers_exactly_the_downtime_served_at_prod_gaps() {
    let mut exchange = Exchange::start().await;
    let (_dir, db) = temp_db();
    // A store that is not empty, so that `serve` does not generate the demo data into it.
    let other = r#"{"id":1,"microtimestamp":"1000","price":1,"channel":"live_trades_xrpusd"}"#;
    let batch = Batch {
        items: vec![parse_item(other).unwrap()],
        gaps: Vec::new(),
    };
    store(&db).write_batch(Arc::new(batch)).await.unwrap();
    let collector = Collector::serve(&exchange.url, &db);
    let mut first = exchange.next(4).await;
    for id in 0..20 {
        first.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    until_stored(&db, TRADES, 20).await;
    let last_frame_before = now_us();
    first.drop_tcp();
    let dropped_after = now_us();
    let acks_before = now_us();
    let mut second = exchange.next(4).await;
    let acks_after = now_us();
    for id in 20..40 {
        second.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    assert_eq!(
        ids(&until_stored(&db, TRADES, 40).await),
        (0..40).collect::<Vec<_>>()
    );

    for channel in [TRADES, ORDERS] {
        let gaps = gaps(&db, channel);
        assert_eq!(gaps.len(), 1, "{channel}: {gaps:?}");
        let gap = &gaps[0];
        assert!(
            (last_frame_before - 1_000_000..=dropped_after).contains(&gap.from),
            "{gap:?}"
        );
        // The acknowledgements arrive at the collector a moment after they are sent.
        assert!(
            (acks_before..=acks_after + 1_000_000).contains(&gap.to.unwrap()),
            "{gap:?}"
        );
    }
    let answer = collector.get(&format!(
        "/prod/gaps?channel={TRADES}&from=0&to={}",
        i64::MAX
    ));
    let gap = &gaps(&db, TRADES)[0];
    assert_eq!(
        answer,
        json!({"gaps": [{"channel": TRADES, "from": gap.from, "to": gap.to, "reason": gap.reason}]})
    );
    let outside = collector.get(&format!(
        "/prod/gaps?channel={TRADES}&from=0&to={}",
        gap.from - 1
    ));
    assert_eq!(outside, json!({"gaps": []}));
    let status = collector.get("/prod/collector");
    assert_eq!(status["reconnects"], 1, "{status}");
    assert_eq!(status["channels"][TRADES]["written"], 40, "{status}");
    assert_eq!(status["channels"][TRADES]["subscribed"], true, "{status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_connection_or_a_frame_over_1_mb_is_made_again() {
    let mut exchange = Exchange::start().await;
    let (_dir, db) = temp_db();
    let mut collector = Collector::start(
        &exchange.url,
        &db,
        &["--channels", TRADES, "--silence-timeout", "2"],
    );
    let mut first = exchange.next(1).await;
    first.send_json(trade(TRADES, 1, T0)).await;
    // Nothing more: after 2 s of silence the collector connects again.
    let started = std::time::Instant::now();
    let mut second = exchange.next(1).await;
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    second.send_oversized(1_500_000).await;
    let mut third = exchange.next(1).await;
    third.send_json(trade(TRADES, 2, T0 + 1000)).await;
    assert_eq!(ids(&until_stored(&db, TRADES, 2).await), [1, 2]);
    let reasons: Vec<String> = gaps(&db, TRADES).into_iter().map(|g| g.reason).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("silent for 2 s"), "{reasons:?}");
    assert!(collector.terminate().success());
    assert!(collector.stderr().contains("too_large=1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_writes_everything_and_a_restart_records_the_not_running_gap() {
    let (mut exchange, _dir, db, mut collector, mut conn) = collecting_trades(&[]).await;
    for id in 0..3000 {
        conn.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    // The last frame must have arrived before the signal: a heartbeat's round trip would say so, but the
    // stand-in does not answer them, so wait a moment instead.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(collector.terminate().success(), "{}", collector.stderr());
    assert_eq!(
        stored(&db, TRADES).len(),
        3000,
        "everything received is written at SIGTERM"
    );

    let _again = Collector::start(&exchange.url, &db, &["--channels", TRADES]);
    let acks_before = now_us();
    let mut conn = exchange.next(1).await;
    let acks_after = now_us();
    conn.send_json(trade(TRADES, 3000, T0 + 3_000_000)).await;
    until_stored(&db, TRADES, 3001).await;
    let gaps = gaps(&db, TRADES);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].reason, "collector not running");
    assert_eq!(gaps[0].from, T0 + 2999 * 1000, "from the last item held");
    assert!(
        (acks_before..=acks_after + 1_000_000).contains(&gaps[0].to.unwrap()),
        "{gaps:?}"
    );
}

/// Holds SQLite's write lock on `db` from another connection, as another writer would.
fn lock(db: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO meta (key, value) VALUES ('lock', 'held');")
        .unwrap();
    conn
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_locked_for_10_s_loses_nothing_and_the_spool_is_written_back() {
    let mut exchange = Exchange::start().await;
    let (dir, db) = temp_db();
    let spool = dir.path().join("spool");
    let spool_arg = spool.to_str().unwrap();
    let _collector = Collector::start(
        &exchange.url,
        &db,
        &[
            "--channels",
            TRADES,
            "--buffer-mb",
            "0.02",
            "--spool",
            spool_arg,
        ],
    );
    let mut conn = exchange.next(1).await;
    conn.send_json(trade(TRADES, 0, T0)).await;
    until_stored(&db, TRADES, 1).await;

    let locked = lock(&db);
    let locked_at = std::time::Instant::now();
    let mut id = 1;
    while locked_at.elapsed() < Duration::from_secs(10) {
        for _ in 0..50 {
            conn.send_json(trade(TRADES, id, T0 + id * 1000)).await;
            id += 1;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        spool.join("spool.ndjson").exists(),
        "beyond the memory bound, items are spooled"
    );
    drop(locked);
    let items = until_stored(&db, TRADES, id as usize).await;
    assert_eq!(ids(&items), (0..id).collect::<Vec<_>>());
    for _ in 0..50 {
        if !spool.join("spool.ndjson").exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the spool is emptied once written back");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shutdown_while_the_store_is_locked_spools_and_the_next_run_writes_it() {
    let (exchange, _dir, db, mut collector, mut conn) = collecting_trades(&[]).await;
    let locked = lock(&db);
    for id in 0..1000 {
        conn.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(collector.terminate().success(), "{}", collector.stderr());
    assert!(
        collector.stderr().contains("spooled for the next run"),
        "{}",
        collector.stderr()
    );
    drop(locked);
    assert!(stored(&db, TRADES).is_empty());

    let _again = Collector::start(&exchange.url, &db, &["--channels", TRADES]);
    let items = until_stored(&db, TRADES, 1000).await;
    assert_eq!(ids(&items), (0..1000).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread")]
async fn after_kill_9_the_restart_records_the_gap_from_the_last_stored_item() {
    let (mut exchange, _dir, db, mut collector, mut conn) = collecting_trades(&[]).await;
    for id in 0..500 {
        conn.send_json(trade(TRADES, id, T0 + id * 1000)).await;
    }
    until_stored(&db, TRADES, 500).await;
    collector.child.kill().unwrap();
    collector.child.wait().unwrap();

    let _again = Collector::start(&exchange.url, &db, &["--channels", TRADES]);
    let _conn = exchange.next(1).await;
    for _ in 0..50 {
        if let [gap] = &gaps(&db, TRADES)[..]
            && gap.to.is_some()
        {
            assert_eq!(
                (gap.from, gap.reason.as_str()),
                (T0 + 499 * 1000, "collector not running")
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no closed gap: {:?}", gaps(&db, TRADES));
}

#[test]
fn serve_stops_with_an_error_when_its_collector_cannot_start() {
    let (dir, db) = temp_db();
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, "").unwrap();
    let mut serve = Collector::spawn(
        &[
            "serve",
            "--collect",
            "--addr",
            "127.0.0.1:0",
            "--dist",
            "no-dist",
        ],
        "ws://127.0.0.1:9",
        &db,
        &["--spool", not_a_dir.to_str().unwrap()],
    );
    for _ in 0..600 {
        if let Some(status) = serve.child.try_wait().unwrap() {
            assert!(!status.success());
            assert!(
                serve.stderr().contains("cannot read the spool"),
                "{}",
                serve.stderr()
            );
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "serve kept running without its collector:\n{}",
        serve.stderr()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsubscription_by_the_exchange_is_subscribed_again_with_its_gap() {
    let mut exchange = Exchange::start().await;
    let (_dir, db) = temp_db();
    let _collector = Collector::start(
        &exchange.url,
        &db,
        &["--channels", "live_trades_btcusd,live_orders_btcusd"],
    );
    let mut old = exchange.next(2).await;
    old.send_json(trade(TRADES, 1, T0)).await;
    let before = now_us();
    old.send_json(json!({"event": "bts:unsubscription_succeeded", "channel": TRADES, "data": {}}))
        .await;
    let mut new = exchange.next(2).await;
    let after = now_us();
    new.send_json(trade(TRADES, 2, T0 + 1000)).await;
    assert!(old.closed_by_client(Duration::from_secs(10)).await);
    assert_eq!(ids(&until_stored(&db, TRADES, 2).await), [1, 2]);
    let gaps = gaps(&db, TRADES);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(
        (before..=after + 1_000_000).contains(&gaps[0].from),
        "{gaps:?}"
    );
    assert!(
        gaps[0].to.is_some_and(|to| to <= after + 1_000_000),
        "{gaps:?}"
    );
    assert_eq!(gaps[0].reason, "unsubscribed by the exchange");
    assert!(
        crate::gaps(&db, ORDERS).is_empty(),
        "the other channel was collected throughout"
    );
}
