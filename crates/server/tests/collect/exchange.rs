//! A scripted stand-in for Bitstamp's WebSocket API on 127.0.0.1: each test drives its connections by hand
//! (acknowledge, send, ask to reconnect, drop) and keeps the log of every data message it sent.
#![allow(dead_code)] // the DynamoDB tests use a part of it

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{WebSocketStream, accept_async};

pub struct Exchange {
    pub url: String,
    accepted: mpsc::UnboundedReceiver<Conn>,
}

pub struct Conn {
    socket: WebSocketStream<TcpStream>,
    pub subscribed: Vec<String>,
}

impl Exchange {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let (sender, accepted) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sender = sender.clone();
                tokio::spawn(async move {
                    if let Ok(socket) = accept_async(stream).await {
                        let _ = sender.send(Conn {
                            socket,
                            subscribed: Vec::new(),
                        });
                    }
                });
            }
        });
        Self { url, accepted }
    }

    /// The next connection, with its `channels` subscriptions read and acknowledged.
    pub async fn next(&mut self, channels: usize) -> Conn {
        let mut conn = tokio::time::timeout(Duration::from_secs(20), self.accepted.recv())
            .await
            .expect("the collector connects")
            .expect("listening");
        while conn.subscribed.len() < channels {
            let frame = conn.receive().await;
            assert_eq!(frame["event"], "bts:subscribe", "{frame}");
            let channel = frame["data"]["channel"].as_str().unwrap().to_owned();
            conn.send_json(
                json!({"event": "bts:subscription_succeeded", "channel": channel, "data": {}}),
            )
            .await;
            conn.subscribed.push(channel);
        }
        conn
    }
}

impl Conn {
    /// The next text frame from the collector, heartbeats skipped.
    pub async fn receive(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .expect("a frame from the collector")
                .expect("open")
                .expect("a frame");
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["event"] != "bts:heartbeat" {
                    return value;
                }
            }
        }
    }

    pub async fn send_json(&mut self, value: Value) {
        self.send_text(&value.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket.send(Message::text(text)).await.unwrap();
    }

    /// Sends a frame the collector refuses as it arrives: the write may fail when it drops the connection.
    pub async fn send_oversized(&mut self, bytes: usize) {
        let _ = self.socket.send(Message::text("x".repeat(bytes))).await;
    }

    pub async fn send_binary(&mut self) {
        self.socket
            .send(Message::binary(vec![1u8, 2, 3]))
            .await
            .unwrap();
    }

    pub async fn request_reconnect(&mut self) {
        self.send_json(json!({"event": "bts:request_reconnect", "channel": "", "data": null}))
            .await;
    }

    /// Whether the collector closed this connection (a close frame or the end of the stream).
    pub async fn closed_by_client(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// Drops the TCP connection without a close frame.
    pub fn drop_tcp(self) {
        drop(self.socket.into_inner());
    }
}

/// A trade message as Bitstamp sends it.
pub fn trade(channel: &str, id: i64, micros: i64) -> Value {
    json!({
        "data": {
            "id": id,
            "timestamp": (micros / 1_000_000).to_string(),
            "amount": 0.0014,
            "amount_str": "0.00140000",
            "price": 41000.5,
            "price_str": "41000.50",
            "type": id % 2,
            "microtimestamp": micros.to_string(),
            "buy_order_id": 1_466_060_000_000_001i64,
            "sell_order_id": 1_466_059_999_000_002i64,
        },
        "channel": channel,
        "event": "trade",
    })
}

/// An order message as Bitstamp sends it, with a field the collector does not know.
pub fn order(channel: &str, event: &str, id: i64, micros: i64) -> Value {
    json!({
        "data": {
            "id": id,
            "id_str": id.to_string(),
            "order_type": 1,
            "datetime": (micros / 1_000_000).to_string(),
            "microtimestamp": micros.to_string(),
            "amount": 0.5,
            "amount_str": "0.50000000",
            "price": 2950.25,
            "price_str": "2950.25",
            "order_subtype": 0,
        },
        "channel": channel,
        "event": event,
    })
}
