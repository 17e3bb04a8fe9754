//! What clients send, and what Bitstamp refuses.

use serde_json::Value;

#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    Subscribe(String),
    Unsubscribe(String),
    Heartbeat,
}

/// A refused request: answered with `bts:error`.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    NotJson,
    /// Valid JSON but not a request: no `data.channel`, or an unknown event.
    BadSubscription,
    /// A channel name Bitstamp does not accept (wrong case, a slash in the pair, an unknown kind).
    InvalidChannel(String),
}

impl Refusal {
    /// The `channel` of the error message.
    pub fn channel(&self) -> &str {
        match self {
            Self::InvalidChannel(channel) => channel,
            Self::NotJson | Self::BadSubscription => "",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Self::NotJson => "Incorrect JSON format.",
            Self::BadSubscription => "Bad subscription string.",
            Self::InvalidChannel(_) => "Invalid channel provided.",
        }
    }
}

/// Channel kinds Bitstamp serves per pair. Only the `live_*` ones carry data here; the order books are
/// acknowledged and silent, as an unknown pair is.
const CHANNEL_KINDS: [&str; 5] = [
    "live_trades_",
    "live_orders_",
    "order_book_",
    "detail_order_book_",
    "diff_order_book_",
];

pub fn parse(frame: &[u8]) -> Result<Request, Refusal> {
    let request: Value = serde_json::from_slice(frame).map_err(|_| Refusal::NotJson)?;
    let channel = || {
        request
            .pointer("/data/channel")
            .and_then(Value::as_str)
            .ok_or(Refusal::BadSubscription)
            .and_then(|channel| {
                if is_channel(channel) {
                    Ok(channel.to_string())
                } else {
                    Err(Refusal::InvalidChannel(channel.to_string()))
                }
            })
    };
    match request.get("event").and_then(Value::as_str) {
        Some("bts:heartbeat") => Ok(Request::Heartbeat),
        Some("bts:subscribe") => channel().map(Request::Subscribe),
        Some("bts:unsubscribe") => channel().map(Request::Unsubscribe),
        _ => Err(Refusal::BadSubscription),
    }
}

fn is_channel(name: &str) -> bool {
    CHANNEL_KINDS
        .iter()
        .any(|kind| name.strip_prefix(kind).is_some_and(is_pair))
}

/// Bitstamp's pair names: lowercase letters and digits.
pub fn is_pair(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscribe(channel: &str) -> Result<Request, Refusal> {
        parse(format!(r#"{{"event":"bts:subscribe","data":{{"channel":"{channel}"}}}}"#).as_bytes())
    }

    #[test]
    fn channels_are_lowercase_kinds_and_pairs() {
        for ok in [
            "live_trades_btcusd",
            "live_orders_xrpeur",
            "diff_order_book_usdcusd",
        ] {
            assert_eq!(subscribe(ok), Ok(Request::Subscribe(ok.into())));
        }
        for bad in [
            "live_trades_BTCUSD",
            "live_trades_btc/usd",
            "live_trades_",
            "trades_btcusd",
        ] {
            assert_eq!(subscribe(bad), Err(Refusal::InvalidChannel(bad.into())));
        }
    }

    #[test]
    fn malformed_requests_are_refused() {
        assert_eq!(parse(b"{oops"), Err(Refusal::NotJson));
        assert_eq!(
            parse(br#"{"event":"bts:subscribe","data":{}}"#),
            Err(Refusal::BadSubscription)
        );
        assert_eq!(
            parse(br#"{"event":"bts:subscribe","data":{"channel":7}}"#),
            Err(Refusal::BadSubscription)
        );
        assert_eq!(
            parse(br#"{"event":"bts:nope","data":{"channel":"live_trades_btcusd"}}"#),
            Err(Refusal::BadSubscription)
        );
        assert_eq!(parse(b"[1]"), Err(Refusal::BadSubscription));
        assert_eq!(
            parse(br#"{"event":"bts:heartbeat"}"#),
            Ok(Request::Heartbeat)
        );
    }
}
