//! The text of the server's messages, in Bitstamp's shapes: `{"event":..,"channel":..,"data":..}` for
//! replies, `{"data":{..},"channel":..,"event":..}` for data.

pub const SUBSCRIBED: &str = "bts:subscription_succeeded";
pub const UNSUBSCRIBED: &str = "bts:unsubscription_succeeded";
pub const HEARTBEAT_REPLY: &str =
    r#"{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}"#;
pub const REQUEST_RECONNECT: &str = r#"{"event":"bts:request_reconnect","channel":"","data":null}"#;

/// The events of the demo's items.
const EVENTS: [&str; 4] = ["trade", "order_created", "order_changed", "order_deleted"];

/// The message of a demo item and its event. An item is the message's `data` fields followed by the
/// recorder's `channel`, `nmicrotimestamp` and `event`: the fields' text is copied as it is, so the message
/// is byte for byte what the item was recorded from. None if `item` does not end that way.
pub fn data_frame(item: &str) -> Option<(String, &'static str)> {
    let tail = item.rfind(r#","channel":""#)?;
    let channel_start = tail + r#","channel":""#.len();
    let channel_len = item[channel_start..].find('"')?;
    let channel = &item[channel_start..channel_start + channel_len];
    let event_start = item.rfind(r#","event":""#)? + r#","event":""#.len();
    let event = item[event_start..].strip_suffix("\"}")?;
    let event = EVENTS.into_iter().find(|known| *known == event)?;

    let mut frame = String::with_capacity(tail + channel.len() + event.len() + 40);
    frame.push_str(r#"{"data":"#);
    frame.push_str(&item[..tail]);
    frame.push_str(r#"},"channel":""#);
    frame.push_str(channel);
    frame.push_str(r#"","event":""#);
    frame.push_str(event);
    frame.push_str("\"}");
    Some((frame, event))
}

/// `bts:subscription_succeeded` or `bts:unsubscription_succeeded`.
pub fn acknowledgement(event: &str, channel: &str) -> String {
    format!(
        r#"{{"event":"{event}","channel":{},"data":{{}}}}"#,
        json_string(channel)
    )
}

pub fn error(channel: &str, message: &str) -> String {
    format!(
        r#"{{"event":"bts:error","channel":{},"data":{{"code":null,"message":{}}}}}"#,
        json_string(channel),
        json_string(message)
    )
}

/// A string as JSON text: clients choose channel names, quotes and all.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_frame_moves_the_recorder_fields_out_of_data_byte_for_byte() {
        let item = r#"{"id":226151001,"timestamp":"1647830700","amount":0.0014,"amount_str":"0.00140000","price":41000.5,"price_str":"41000.50","type":1,"microtimestamp":"1647830700123000","buy_order_id":1470401450000000,"sell_order_id":1470401450000001,"channel":"live_trades_btcusd","nmicrotimestamp":1647830700123000,"event":"trade"}"#;
        let (frame, event) = data_frame(item).unwrap();
        assert_eq!(
            frame,
            r#"{"data":{"id":226151001,"timestamp":"1647830700","amount":0.0014,"amount_str":"0.00140000","price":41000.5,"price_str":"41000.50","type":1,"microtimestamp":"1647830700123000","buy_order_id":1470401450000000,"sell_order_id":1470401450000001},"channel":"live_trades_btcusd","event":"trade"}"#
        );
        assert_eq!(event, "trade");
        assert_eq!(data_frame(r#"{"id":1}"#), None);
    }

    #[test]
    fn every_demo_item_makes_its_message() {
        use crate::demo::{self, DemoConfig};
        use serde_json::Value;

        let config = DemoConfig {
            seed: 7,
            from_us: 1_700_000_000_000_000,
            to_us: 1_700_000_060_000_000,
        };
        let mut events = std::collections::BTreeSet::new();
        demo::generate(&config, |record| {
            let (frame, event) = data_frame(&record.json).unwrap();
            let mut item: Value = serde_json::from_str(&record.json).unwrap();
            let item = item.as_object_mut().unwrap();
            let channel = item.shift_remove("channel").unwrap();
            item.shift_remove("nmicrotimestamp").unwrap();
            assert_eq!(item.shift_remove("event").unwrap(), event);
            let expected = serde_json::json!({"data": item, "channel": channel, "event": event});
            assert_eq!(frame, expected.to_string());
            events.insert(event);
        });
        assert_eq!(events.len(), EVENTS.len());
    }

    #[test]
    fn replies_escape_the_client_channel_name() {
        assert_eq!(
            acknowledgement(SUBSCRIBED, "live_orders_ethusd"),
            r#"{"event":"bts:subscription_succeeded","channel":"live_orders_ethusd","data":{}}"#
        );
        assert_eq!(
            error("a\"b", "Invalid channel provided."),
            r#"{"event":"bts:error","channel":"a\"b","data":{"code":null,"message":"Invalid channel provided."}}"#
        );
    }
}
