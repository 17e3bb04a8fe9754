//! Bitstamp's WebSocket API v2 as the collector sees it: the frames a client sends, and what a received text
//! frame is (an acknowledgement, a heartbeat, a reconnect request, an error, a data message or something
//! malformed). See `docs/collector.md` for the protocol and its traps.

use serde_json::{Map, Value};

use crate::channel::Channel;

/// The client's keep-alive; the server answers it with a `bts:heartbeat` of its own.
pub const HEARTBEAT_FRAME: &str = r#"{"event":"bts:heartbeat"}"#;

/// `{"event":"bts:subscribe","data":{"channel":".."}}`: one channel per frame (client frames stay under 512 bytes).
pub fn subscribe_frame(channel: &Channel) -> String {
    // A parsed channel name is lowercase letters, digits and underscores: nothing to escape.
    format!(
        r#"{{"event":"bts:subscribe","data":{{"channel":"{}"}}}}"#,
        channel.name()
    )
}

/// A received text frame, told apart.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `bts:subscription_succeeded`: the channel is being collected from now on.
    Subscribed { channel: String },
    /// `bts:unsubscription_succeeded`.
    Unsubscribed { channel: String },
    /// The server's answer to our heartbeat.
    Heartbeat,
    /// `bts:request_reconnect`: the server will close this connection in a few seconds.
    RequestReconnect,
    /// `bts:error`, e.g. "Invalid channel provided.".
    Error { channel: String, message: String },
    /// A trade or order event, checked to carry what an item needs.
    Data(DataMessage),
    /// Anything else: counted by kind and skipped.
    Malformed(Malformed),
}

/// A `trade`, `order_created`, `order_changed` or `order_deleted` message of a known kind of channel.
#[derive(Debug, Clone, PartialEq)]
pub struct DataMessage {
    pub channel: Channel,
    pub event: String,
    /// The message's `data`, every field as received, in its order.
    pub data: Map<String, Value>,
    /// The identity `(id, microtimestamp)`, `microtimestamp` as µs (the numeric `nmicrotimestamp`).
    pub id: i64,
    pub micros: i64,
}

/// Why a frame was skipped. `name` is what the collector counts and logs it under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Malformed {
    NotJson,
    Binary,
    TooLarge,
    UnknownEvent,
    MissingId,
    MissingMicrotimestamp,
    MissingPrice,
    /// A data message whose channel is not `live_trades_<pair>` or `live_orders_<pair>`, or whose event does
    /// not belong to that kind of channel.
    WrongChannel,
}

impl Malformed {
    pub fn name(self) -> &'static str {
        match self {
            Malformed::NotJson => "not_json",
            Malformed::Binary => "binary",
            Malformed::TooLarge => "too_large",
            Malformed::UnknownEvent => "unknown_event",
            Malformed::MissingId => "missing_id",
            Malformed::MissingMicrotimestamp => "missing_microtimestamp",
            Malformed::MissingPrice => "missing_price",
            Malformed::WrongChannel => "wrong_channel",
        }
    }
}

const TRADE_EVENTS: [&str; 1] = ["trade"];
const ORDER_EVENTS: [&str; 3] = ["order_created", "order_changed", "order_deleted"];

/// Tells a text frame apart. Never fails: what is not understood is [`Frame::Malformed`].
pub fn parse_frame(text: &str) -> Frame {
    let Ok(Value::Object(mut message)) = serde_json::from_str::<Value>(text) else {
        return Frame::Malformed(Malformed::NotJson);
    };
    let channel = match message.get("channel") {
        Some(Value::String(c)) => c.clone(),
        _ => String::new(),
    };
    let event = match message.get("event") {
        Some(Value::String(e)) => e.as_str(),
        _ => return Frame::Malformed(Malformed::UnknownEvent),
    };
    match event {
        "bts:subscription_succeeded" => Frame::Subscribed { channel },
        "bts:unsubscription_succeeded" => Frame::Unsubscribed { channel },
        "bts:heartbeat" => Frame::Heartbeat,
        "bts:request_reconnect" => Frame::RequestReconnect,
        "bts:error" => {
            let message = message
                .get("data")
                .and_then(|d| d.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            Frame::Error { channel, message }
        }
        e if TRADE_EVENTS.contains(&e) || ORDER_EVENTS.contains(&e) => {
            let event = e.to_owned();
            let data = match message.remove("data") {
                Some(Value::Object(data)) => data,
                _ => return Frame::Malformed(Malformed::MissingId),
            };
            data_message(&channel, event, data).map_or_else(Frame::Malformed, Frame::Data)
        }
        _ => Frame::Malformed(Malformed::UnknownEvent),
    }
}

fn data_message(
    channel: &str,
    event: String,
    data: Map<String, Value>,
) -> Result<DataMessage, Malformed> {
    let channel = Channel::parse(channel).map_err(|_| Malformed::WrongChannel)?;
    let events: &[&str] = match channel.kind() {
        crate::ChannelKind::Trades => &TRADE_EVENTS,
        crate::ChannelKind::Orders => &ORDER_EVENTS,
    };
    if !events.contains(&event.as_str()) {
        return Err(Malformed::WrongChannel);
    }
    let id = data
        .get("id")
        .and_then(integer)
        .ok_or(Malformed::MissingId)?;
    let micros = data
        .get("microtimestamp")
        .and_then(integer)
        .ok_or(Malformed::MissingMicrotimestamp)?;
    if !data
        .get("price")
        .is_some_and(|p| p.is_number() || p.is_string())
    {
        return Err(Malformed::MissingPrice);
    }
    Ok(DataMessage {
        channel,
        event,
        data,
        id,
        micros,
    })
}

/// A non-negative integer given as a JSON number or a string of digits, as Bitstamp writes ids and times.
fn integer(value: &Value) -> Option<i64> {
    let text = match value {
        Value::Number(n) => return n.as_i64().filter(|n| *n >= 0),
        Value::String(s) => s,
        _ => return None,
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRADE: &str = r#"{"data": {"id": 226151016, "timestamp": "1647830700", "amount": 0.0014, "amount_str": "0.00140000", "price": 41000.5, "price_str": "41000.50", "type": 0, "microtimestamp": "1647830700123000", "buy_order_id": 1466060000000001, "sell_order_id": 1466059999000002, "extra": {"new": true}}, "channel": "live_trades_btcusd", "event": "trade"}"#;

    #[test]
    fn a_trade_keeps_every_field_and_its_identity() {
        let Frame::Data(message) = parse_frame(TRADE) else {
            panic!("not data");
        };
        assert_eq!(message.channel.name(), "live_trades_btcusd");
        assert_eq!(message.event, "trade");
        assert_eq!((message.id, message.micros), (226151016, 1647830700123000));
        // Their order is kept where serde_json's `preserve_order` is on (the server's build).
        assert_eq!(message.data.len(), 11);
        assert_eq!(message.data["extra"], serde_json::json!({"new": true}));
        assert_eq!(message.data["amount_str"], "0.00140000");
    }

    #[test]
    fn control_frames_are_told_apart() {
        let cases = [
            (
                r#"{"event":"bts:subscription_succeeded","channel":"live_orders_ethusd","data":{}}"#,
                Frame::Subscribed {
                    channel: "live_orders_ethusd".into(),
                },
            ),
            (
                r#"{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}"#,
                Frame::Heartbeat,
            ),
            (
                r#"{"event":"bts:request_reconnect","channel":"","data":null}"#,
                Frame::RequestReconnect,
            ),
            (
                r#"{"event":"bts:error","channel":"live_trades_BTCUSD","data":{"code":null,"message":"Invalid channel provided."}}"#,
                Frame::Error {
                    channel: "live_trades_BTCUSD".into(),
                    message: "Invalid channel provided.".into(),
                },
            ),
        ];
        for (text, frame) in cases {
            assert_eq!(parse_frame(text), frame, "{text}");
        }
    }

    #[test]
    fn malformed_frames_are_named_by_what_is_wrong() {
        let cases = [
            ("not json", Malformed::NotJson),
            ("[1,2]", Malformed::NotJson),
            (
                r#"{"event":"weird","channel":"x","data":{}}"#,
                Malformed::UnknownEvent,
            ),
            (r#"{"channel":"x","data":{}}"#, Malformed::UnknownEvent),
            (
                r#"{"event":"trade","channel":"live_trades_btcusd","data":{"microtimestamp":"1","price":1}}"#,
                Malformed::MissingId,
            ),
            (
                r#"{"event":"trade","channel":"live_trades_btcusd","data":{"id":1,"price":1}}"#,
                Malformed::MissingMicrotimestamp,
            ),
            (
                r#"{"event":"order_deleted","channel":"live_orders_btcusd","data":{"id":1,"microtimestamp":"12"}}"#,
                Malformed::MissingPrice,
            ),
            (
                r#"{"event":"trade","channel":"live_orders_btcusd","data":{"id":1,"microtimestamp":"12","price":1}}"#,
                Malformed::WrongChannel,
            ),
            (
                r#"{"event":"trade","channel":"order_book_btcusd","data":{"id":1,"microtimestamp":"12","price":1}}"#,
                Malformed::WrongChannel,
            ),
            (
                r#"{"event":"trade","channel":"live_trades_btcusd","data":{"id":-1,"microtimestamp":"12","price":1}}"#,
                Malformed::MissingId,
            ),
        ];
        for (text, kind) in cases {
            assert_eq!(parse_frame(text), Frame::Malformed(kind), "{text}");
        }
    }

    #[test]
    fn subscribe_frames_are_small() {
        let channel = Channel::parse("live_orders_btcusd").unwrap();
        let frame = subscribe_frame(&channel);
        assert_eq!(
            frame,
            r#"{"event":"bts:subscribe","data":{"channel":"live_orders_btcusd"}}"#
        );
    }
}
