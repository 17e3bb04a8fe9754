//! `tickscope-server exchange-sim`: the real binary, spoken to as a collector would, over WebSocket.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const BIN: &str = env!("CARGO_BIN_EXE_tickscope-server");

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A running simulator, killed when dropped.
struct Sim {
    child: Child,
    url: String,
}

impl Sim {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["exchange-sim", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the simulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim_end()
            .strip_prefix("listening on ws://")
            .unwrap_or_else(|| panic!("first line: {line:?}"));
        Self {
            child,
            url: format!("ws://{addr}"),
        }
    }

    async fn connect(&self) -> Ws {
        tokio_tungstenite::connect_async(&self.url).await.unwrap().0
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

fn request(event: &str, channel: &str) -> Message {
    Message::text(format!(
        r#"{{"event":"{event}","data":{{"channel":"{channel}"}}}}"#
    ))
}

/// The next frame other than pings and pongs, within `wait`; None if the stream ended or time ran out.
async fn next_frame(ws: &mut Ws, wait: Duration) -> Option<Result<Message, WsError>> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(frame) => return frame,
            Err(_) => return None,
        }
    }
}

/// The next text frame as JSON and its text.
async fn next_json(ws: &mut Ws) -> (Value, String) {
    match next_frame(ws, Duration::from_secs(5)).await {
        Some(Ok(Message::Text(text))) => (
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
            text.to_string(),
        ),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// Reads until `reply_event` arrives for `channel`, returning the data messages before it.
async fn until_reply(ws: &mut Ws, reply_event: &str, channel: &str) -> Vec<Value> {
    let mut data = Vec::new();
    loop {
        let (message, _) = next_json(ws).await;
        if message["event"] == reply_event && message["channel"] == channel {
            return data;
        }
        assert!(message.get("data").is_some(), "{message}");
        data.push(message);
    }
}

async fn subscribe(ws: &mut Ws, channel: &str) -> Vec<Value> {
    ws.send(request("bts:subscribe", channel)).await.unwrap();
    until_reply(ws, "bts:subscription_succeeded", channel).await
}

/// Data messages for `time`.
async fn data_for(ws: &mut Ws, time: Duration) -> Vec<Value> {
    let deadline = Instant::now() + time;
    let mut data = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match next_frame(ws, left).await {
            Some(Ok(Message::Text(text))) => data.push(serde_json::from_str(&text).unwrap()),
            None => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    data
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn digits(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

fn micros(message: &Value) -> i64 {
    message["data"]["microtimestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// `(channel, id, microtimestamp, event)` of a data message.
fn identity(message: &Value) -> (String, u64, String, String) {
    (
        message["channel"].as_str().unwrap().to_string(),
        message["data"]["id"].as_u64().unwrap(),
        message["data"]["microtimestamp"]
            .as_str()
            .unwrap()
            .to_string(),
        message["event"].as_str().unwrap().to_string(),
    )
}

fn assert_trade(trade: &Value) {
    let data = &trade["data"];
    assert_eq!(
        keys(data),
        [
            "id",
            "timestamp",
            "amount",
            "amount_str",
            "price",
            "price_str",
            "type",
            "microtimestamp",
            "buy_order_id",
            "sell_order_id"
        ]
    );
    assert!(data["id"].is_u64() && data["buy_order_id"].is_u64() && data["sell_order_id"].is_u64());
    assert!(digits(&data["timestamp"]) && digits(&data["microtimestamp"]));
    assert!(data["amount"].is_number() && data["price"].is_number());
    assert!(data["amount_str"].is_string() && data["price_str"].is_string());
    assert_eq!(
        data["price"].as_f64().unwrap(),
        data["price_str"].as_str().unwrap().parse::<f64>().unwrap()
    );
    assert!(matches!(data["type"].as_u64(), Some(0 | 1)));
    assert_eq!(
        data["timestamp"].as_str().unwrap(),
        (micros(trade) / 1_000_000).to_string()
    );
}

fn assert_order(order: &Value) {
    let data = &order["data"];
    assert_eq!(
        keys(data),
        [
            "id",
            "id_str",
            "order_type",
            "datetime",
            "microtimestamp",
            "amount",
            "amount_str",
            "price",
            "price_str"
        ]
    );
    assert_eq!(data["id"].to_string(), data["id_str"].as_str().unwrap());
    assert!(digits(&data["datetime"]) && digits(&data["microtimestamp"]));
    assert!(data["amount"].is_number() && data["price"].is_number());
    assert!(data["amount_str"].is_string() && data["price_str"].is_string());
    assert!(matches!(data["order_type"].as_u64(), Some(0 | 1)));
    assert!(matches!(
        order["event"].as_str(),
        Some("order_created" | "order_changed" | "order_deleted")
    ));
}

#[tokio::test]
async fn subscriptions_get_acknowledgements_then_data_in_bitstamp_shapes() {
    let started_us = now_us();
    let sim = Sim::start(&["--speed", "20", "--pairs", "btcusd,xrpusd"]);
    let mut ws = sim.connect().await;
    for silent in [
        "live_trades_xrpusd",
        "live_trades_ethusd",
        "order_book_btcusd",
    ] {
        assert!(subscribe(&mut ws, silent).await.is_empty());
    }
    assert!(subscribe(&mut ws, "live_trades_btcusd").await.is_empty());
    let before_orders = subscribe(&mut ws, "live_orders_btcusd").await;
    assert!(
        before_orders
            .iter()
            .all(|m| m["channel"] == "live_trades_btcusd")
    );
    let data = [
        before_orders,
        data_for(&mut ws, Duration::from_secs(2)).await,
    ]
    .concat();

    let trades: Vec<&Value> = data.iter().filter(|m| m["event"] == "trade").collect();
    let orders: Vec<&Value> = data.iter().filter(|m| m["event"] != "trade").collect();
    assert!(
        trades.len() > 10 && orders.len() > 100,
        "{} trades, {} orders",
        trades.len(),
        orders.len()
    );
    for message in &data {
        assert_eq!(keys(message), ["data", "channel", "event"]);
    }
    for trade in &trades {
        assert_eq!(trade["channel"], "live_trades_btcusd");
        assert_trade(trade);
    }
    for order in &orders {
        assert_eq!(order["channel"], "live_orders_btcusd");
        assert_order(order);
    }
    // Model time runs from the start at 20 times the clock's pace, in order on every channel.
    let elapsed_us = now_us() - started_us;
    for channel in [&trades, &orders] {
        assert!(channel.windows(2).all(|w| micros(w[0]) <= micros(w[1])));
        assert!(micros(channel[0]) >= started_us);
        assert!(micros(channel[channel.len() - 1]) <= started_us + 21 * elapsed_us);
    }
    assert!(micros(orders[orders.len() - 1]) > started_us + 10 * 2_000_000);
    // A taker's sweep shares a microtimestamp; its trades' ids increase.
    for pair in trades.windows(2) {
        let id = |m: &Value| m["data"]["id"].as_u64().unwrap();
        assert!(micros(pair[0]) < micros(pair[1]) || id(pair[0]) < id(pair[1]));
    }

    ws.send(request("bts:unsubscribe", "live_orders_btcusd"))
        .await
        .unwrap();
    until_reply(
        &mut ws,
        "bts:unsubscription_succeeded",
        "live_orders_btcusd",
    )
    .await;
    let after = data_for(&mut ws, Duration::from_millis(500)).await;
    assert!(!after.is_empty() && after.iter().all(|m| m["channel"] == "live_trades_btcusd"));
}

#[tokio::test]
async fn without_a_simulated_pair_every_channel_is_acknowledged_and_silent() {
    let sim = Sim::start(&["--speed", "50", "--pairs", "xrpusd"]);
    let mut ws = sim.connect().await;
    for channel in ["live_trades_xrpusd", "live_orders_btcusd"] {
        assert!(subscribe(&mut ws, channel).await.is_empty());
    }
    assert!(
        data_for(&mut ws, Duration::from_millis(500))
            .await
            .is_empty()
    );
    ws.send(Message::text(r#"{"event":"bts:heartbeat"}"#))
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await.0["event"], "bts:heartbeat");
}

#[tokio::test]
async fn bad_requests_get_bitstamp_errors_and_heartbeats_replies() {
    let sim = Sim::start(&["--speed", "20", "--ping-every", "0.3"]);
    let mut ws = sim.connect().await;
    let error = |channel: &str, message: &str| {
        format!(
            r#"{{"event":"bts:error","channel":"{channel}","data":{{"code":null,"message":"{message}"}}}}"#
        )
    };
    let cases = [
        (
            request("bts:subscribe", "live_trades_BTCUSD"),
            error("live_trades_BTCUSD", "Invalid channel provided."),
        ),
        (
            request("bts:subscribe", "live_trades_btc/usd"),
            error("live_trades_btc/usd", "Invalid channel provided."),
        ),
        (
            Message::text("{not json"),
            error("", "Incorrect JSON format."),
        ),
        (
            Message::text(r#"{"event":"bts:subscribe","data":{}}"#),
            error("", "Bad subscription string."),
        ),
        (
            request("bts:nonsense", "live_trades_btcusd"),
            error("", "Bad subscription string."),
        ),
        (
            Message::text(r#"{"event":"bts:heartbeat"}"#),
            r#"{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}"#.into(),
        ),
    ];
    for (sent, expected) in cases {
        ws.send(sent).await.unwrap();
        assert_eq!(next_json(&mut ws).await.1, expected);
    }

    // The server pings (here every 0.3 s); tungstenite answers.
    let pinged = tokio::time::timeout(Duration::from_secs(3), async {
        while !matches!(ws.next().await, Some(Ok(Message::Ping(_)))) {}
    })
    .await;
    assert!(pinged.is_ok(), "no ping from the server");

    // A frame over 512 bytes closes the connection with 1009.
    let big = format!(r#"{{"event":"bts:heartbeat","pad":"{}"}}"#, "x".repeat(500));
    ws.send(Message::text(big)).await.unwrap();
    match next_frame(&mut ws, Duration::from_secs(5)).await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Size),
        other => panic!("expected a close frame, got {other:?}"),
    }

    // Subscriptions are limited to 1024: the next one closes the socket without a word.
    let mut ws = sim.connect().await;
    for i in 0..=1024 {
        ws.send(request("bts:subscribe", &format!("live_trades_x{i}")))
            .await
            .unwrap();
    }
    let mut acks = 0;
    loop {
        match next_frame(&mut ws, Duration::from_secs(5)).await {
            Some(Ok(Message::Text(_))) => acks += 1,
            Some(Err(WsError::Protocol(_))) | None => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(acks, 1024);
}

#[tokio::test]
async fn every_connection_sees_the_same_market() {
    let sim = Sim::start(&["--speed", "20"]);
    let mut first = sim.connect().await;
    let mut second = sim.connect().await;
    subscribe(&mut first, "live_orders_ethusd").await;
    subscribe(&mut second, "live_orders_ethusd").await;
    let (a, b) = tokio::join!(
        data_for(&mut first, Duration::from_millis(1500)),
        data_for(&mut second, Duration::from_millis(1500))
    );
    assert!(
        a.len() > 100 && b.len() > 100,
        "{} and {}",
        a.len(),
        b.len()
    );
    // Both saw the same items after the later subscription, in the same order.
    let at = a
        .iter()
        .position(|m| *m == b[0])
        .expect("the second's first item");
    let common = (a.len() - at).min(b.len());
    assert!(common > 100);
    assert_eq!(a[at..at + common], b[..common]);
}

#[tokio::test]
async fn at_max_speed_nothing_is_lost_for_a_slow_reader() {
    let sim = Sim::start(&["--speed", "max"]);
    let mut ws = sim.connect().await;
    subscribe(&mut ws, "live_trades_btcusd").await;
    subscribe(&mut ws, "live_trades_ethusd").await;
    // Trade ids are one counter for both pairs: all trades of both, with nothing lost, are consecutive.
    let mut last = None;
    for round in 0..3 {
        for _ in 0..3000 {
            let (trade, _) = next_json(&mut ws).await;
            let id = trade["data"]["id"].as_u64().unwrap();
            if let Some(last) = last {
                assert_eq!(id, last + 1, "in round {round}");
            }
            last = Some(id);
        }
        // The feed waits for the reader.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn request_reconnect_comes_before_a_close_and_a_drop_has_no_close_frame() {
    let sim = Sim::start(&[
        "--speed",
        "20",
        "--request-reconnect-every",
        "0.5",
        "--reconnect-grace",
        "0.5",
    ]);
    let start = Instant::now();
    let mut ws = sim.connect().await;
    subscribe(&mut ws, "live_orders_btcusd").await;
    let before = until_reply(&mut ws, "bts:request_reconnect", "").await;
    assert!(!before.is_empty());
    let requested = start.elapsed();
    assert!(requested >= Duration::from_millis(450), "{requested:?}");
    // Still served during the grace, then closed with a close frame.
    let mut during = 0;
    loop {
        match next_frame(&mut ws, Duration::from_secs(3)).await {
            Some(Ok(Message::Text(_))) => during += 1,
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Normal);
                break;
            }
            other => panic!("expected data or a close frame, got {other:?}"),
        }
    }
    assert!(during > 10, "{during} messages during the grace");
    assert!(start.elapsed() >= requested + Duration::from_millis(400));

    let sim = Sim::start(&["--speed", "20", "--drop-every", "0.5"]);
    let mut ws = sim.connect().await;
    subscribe(&mut ws, "live_orders_btcusd").await;
    loop {
        match next_frame(&mut ws, Duration::from_secs(3)).await {
            Some(Ok(Message::Text(_))) => {}
            Some(Err(WsError::Protocol(_) | WsError::Io(_))) => break,
            other => panic!("expected data, then the connection reset, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_silence_sends_nothing_and_loses_its_data() {
    // Fast, and two busy channels: the market itself is never quiet for half a second.
    let speed = 50;
    let sim = Sim::start(&[
        "--speed",
        &speed.to_string(),
        "--silence-every",
        "1",
        "--silence-for",
        "0.6",
    ]);
    let start = Instant::now();
    let mut ws = sim.connect().await;
    subscribe(&mut ws, "live_orders_btcusd").await;
    subscribe(&mut ws, "live_orders_ethusd").await;
    // Silent from 1 s to 1.6 s: a heartbeat sent at 1.2 s is answered after it.
    let mut arrivals = Vec::new();
    let mut heartbeat_sent = None;
    while start.elapsed() < Duration::from_millis(2200) {
        if heartbeat_sent.is_none() && start.elapsed() > Duration::from_millis(1200) {
            ws.send(Message::text(r#"{"event":"bts:heartbeat"}"#))
                .await
                .unwrap();
            heartbeat_sent = Some(start.elapsed());
        }
        match next_frame(&mut ws, Duration::from_millis(50)).await {
            Some(Ok(Message::Text(text))) => {
                let message: Value = serde_json::from_str(&text).unwrap();
                arrivals.push((start.elapsed(), message));
            }
            None => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let (gap_at, gap) = arrivals
        .windows(2)
        .map(|w| (w[0].0, w[1].0 - w[0].0))
        .max_by_key(|&(_, gap)| gap)
        .unwrap();
    assert!(gap >= Duration::from_millis(500), "{gap:?}");
    assert!(
        gap_at >= Duration::from_millis(800) && gap_at <= Duration::from_millis(1200),
        "{gap_at:?}"
    );
    let reply = arrivals
        .iter()
        .find(|(_, m)| m["event"] == "bts:heartbeat")
        .expect("the heartbeat's reply");
    assert!(reply.0 >= Duration::from_millis(1550), "{:?}", reply.0);
    // The items of the silence never came: model time jumps by about 0.6 s × speed.
    let data: Vec<&Value> = arrivals
        .iter()
        .map(|(_, m)| m)
        .filter(|m| m["channel"] == "live_orders_btcusd")
        .collect();
    assert!(data.windows(2).all(|w| micros(w[0]) <= micros(w[1])));
    let jump = data
        .windows(2)
        .map(|w| micros(w[1]) - micros(w[0]))
        .max()
        .unwrap();
    assert!(jump >= 400_000 * speed, "{jump} µs");
}

#[tokio::test]
async fn malformed_frames_follow_real_ones_and_the_sent_log_matches_what_arrived() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sent.ndjson");
    let sim = Sim::start(&[
        "--speed",
        "20",
        "--malformed-rate",
        "0.3",
        "--sent-log",
        log.to_str().unwrap(),
    ]);
    let mut ws = sim.connect().await;
    let channels = ["live_trades_btcusd", "live_orders_btcusd"];
    for channel in channels {
        ws.send(request("bts:subscribe", channel)).await.unwrap();
    }
    let mut real = Vec::new();
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    // Two seconds of data, then unsubscribing: everything logged arrives before the acknowledgements.
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut unsubscribing = false;
    let mut unsubscribed = 0;
    while unsubscribed < channels.len() {
        if !unsubscribing && Instant::now() > deadline {
            for channel in channels {
                ws.send(request("bts:unsubscribe", channel)).await.unwrap();
            }
            unsubscribing = true;
        }
        let text = match next_frame(&mut ws, Duration::from_secs(5)).await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                *kinds.entry("binary").or_default() += 1;
                continue;
            }
            other => panic!("unexpected {other:?}"),
        };
        let Ok(message) = serde_json::from_str::<Value>(&text) else {
            *kinds.entry("not json").or_default() += 1;
            continue;
        };
        match message["event"].as_str().unwrap() {
            "bts:subscription_succeeded" => {}
            "bts:unsubscription_succeeded" => unsubscribed += 1,
            "weird" => *kinds.entry("unknown event").or_default() += 1,
            _ => {
                let data = &message["data"];
                if ["id", "microtimestamp", "price"]
                    .iter()
                    .all(|field| data.get(field).is_some())
                {
                    real.push(identity(&message));
                } else {
                    *kinds.entry("missing field").or_default() += 1;
                }
            }
        }
    }
    for kind in ["binary", "not json", "unknown event", "missing field"] {
        assert!(
            kinds.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {kinds:?}"
        );
    }
    let malformed: usize = kinds.values().sum();
    assert!(real.len() > 200, "{} messages", real.len());
    assert!(
        malformed > real.len() / 5 && malformed < real.len() / 2,
        "{malformed} of {}",
        real.len()
    );

    let logged: Vec<(String, u64, String, String)> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|line| {
            let entry: Value = serde_json::from_str(line).unwrap();
            assert_eq!(entry["conn"], 1);
            (
                entry["channel"].as_str().unwrap().to_string(),
                entry["id"].as_u64().unwrap(),
                entry["microtimestamp"].as_str().unwrap().to_string(),
                entry["event"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(logged, real);
}

#[test]
fn sigterm_stops_it_with_status_0() {
    let mut sim = Sim::start(&[]);
    let status = Command::new("kill")
        .args(["-TERM", &sim.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = sim.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// Messages per second at `--speed max` to one client of all four channels, printed:
/// `cargo test -p tickscope-server --test exchange_sim -- --ignored --nocapture` (add `--release` for the
/// release build's figure).
#[tokio::test]
#[ignore = "a benchmark"]
async fn max_speed_throughput() {
    let sim = Sim::start(&["--speed", "max"]);
    let mut ws = sim.connect().await;
    for pair in ["btcusd", "ethusd"] {
        subscribe(&mut ws, &format!("live_trades_{pair}")).await;
        subscribe(&mut ws, &format!("live_orders_{pair}")).await;
    }
    let time = Duration::from_secs(5);
    let start = Instant::now();
    let (mut messages, mut bytes) = (0u64, 0usize);
    while start.elapsed() < time {
        if let Some(Ok(Message::Text(text))) = ws.next().await {
            messages += 1;
            bytes += text.len();
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{messages} messages, {:.1} MB in {seconds:.1} s: {:.0} messages/s",
        bytes as f64 / 1e6,
        messages as f64 / seconds
    );
}
