//! Channel names: `live_trades_<pair>` and `live_orders_<pair>`, as Bitstamp's websocket names them.

/// The four channels the original pipeline records.
pub const KNOWN_CHANNELS: [&str; 4] = [
    "live_trades_btcusd",
    "live_trades_ethusd",
    "live_orders_btcusd",
    "live_orders_ethusd",
];

/// What a channel carries: trades or order-book events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    Trades,
    Orders,
}

impl ChannelKind {
    /// The kind of a well-formed channel name (`live_trades_btcusd`, `live_orders_xrpeur`, ...), or `None`.
    /// The pair is 2 to 16 lowercase letters or digits, so any Bitstamp market fits.
    pub fn of(channel: &str) -> Option<Self> {
        let (kind, pair) = if let Some(pair) = channel.strip_prefix("live_trades_") {
            (Self::Trades, pair)
        } else if let Some(pair) = channel.strip_prefix("live_orders_") {
            (Self::Orders, pair)
        } else {
            return None;
        };
        let pair_ok = (2..=16).contains(&pair.len())
            && pair
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        pair_ok.then_some(kind)
    }
}

/// A channel's market for people: `live_trades_btcusd` → `BTC/USD` (a six-letter pair split in halves).
pub fn pair_label(channel: &str) -> String {
    let pair = channel.rsplit('_').next().unwrap_or(channel).to_uppercase();
    match pair.len() {
        6 => format!("{}/{}", &pair[..3], &pair[3..]),
        _ => pair,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_for_people() {
        assert_eq!(pair_label("live_trades_btcusd"), "BTC/USD");
        assert_eq!(pair_label("live_orders_btcusdt"), "BTCUSDT");
    }

    #[test]
    fn known_channels_are_well_formed() {
        assert_eq!(
            ChannelKind::of(KNOWN_CHANNELS[0]),
            Some(ChannelKind::Trades)
        );
        assert_eq!(
            ChannelKind::of(KNOWN_CHANNELS[3]),
            Some(ChannelKind::Orders)
        );
    }

    #[test]
    fn malformed_channels_are_rejected() {
        for bad in [
            "",
            "live_trades_",
            "live_trades_BTCUSD",
            "trades_btcusd",
            "live_orders_btc-usd",
            "live_trades_x",
        ] {
            assert_eq!(ChannelKind::of(bad), None, "{bad:?}");
        }
    }
}
