//! Channels, as Bitstamp's websocket names them: `live_trades_<pair>` and `live_orders_<pair>`. A name is
//! parsed once, where it enters (a link, `/channels`, the form, a query), into a [`Channel`] that knows its kind
//! and pair; everything after takes the type, never the text.

use std::fmt;
use std::str::FromStr;

/// What a channel carries: trades or order-book events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelKind {
    Trades,
    Orders,
}

/// A well-formed channel name: `live_trades_<pair>` or `live_orders_<pair>`, the pair 2 to 16 lowercase
/// letters or digits (any Bitstamp market fits).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel {
    name: String,
    kind: ChannelKind,
}

/// A name that is not a channel's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidChannel(pub String);

impl fmt::Display for InvalidChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "channel {:?} is not a channel name: expected live_trades_<pair> or live_orders_<pair>",
            self.0
        )
    }
}

impl std::error::Error for InvalidChannel {}

/// The four channels the original pipeline records, in their usual order.
pub const KNOWN_CHANNELS: [&str; 4] = [
    "live_trades_btcusd",
    "live_trades_ethusd",
    "live_orders_btcusd",
    "live_orders_ethusd",
];

/// The original pipeline's test period, 2022-03-21 02:45:00 to 06:27:00 UTC (µs, inclusive): the demo data's
/// window, and the dashboard's range when the API cannot say what it holds.
pub const ORIGINAL_WINDOW: (i64, i64) = (1_647_830_700_000_000, 1_647_844_020_000_000);

impl Channel {
    pub fn parse(name: &str) -> Result<Self, InvalidChannel> {
        let invalid = || InvalidChannel(name.to_owned());
        let (kind, pair) = if let Some(pair) = name.strip_prefix("live_trades_") {
            (ChannelKind::Trades, pair)
        } else if let Some(pair) = name.strip_prefix("live_orders_") {
            (ChannelKind::Orders, pair)
        } else {
            return Err(invalid());
        };
        let pair_ok = (2..=16).contains(&pair.len())
            && pair
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !pair_ok {
            return Err(invalid());
        }
        Ok(Self {
            name: name.to_owned(),
            kind,
        })
    }

    /// [`KNOWN_CHANNELS`], parsed.
    pub fn known() -> Vec<Self> {
        KNOWN_CHANNELS
            .iter()
            .map(|name| Self::parse(name).expect("a known channel is well-formed"))
            .collect()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> ChannelKind {
        self.kind
    }

    /// The market as in the name: `btcusd`.
    pub fn pair(&self) -> &str {
        self.name.rsplit('_').next().unwrap_or_default()
    }

    /// The market for people: `BTC/USD`, `BTC/USDT`; the pair in capitals when it cannot be split.
    pub fn pair_label(&self) -> String {
        match self.currencies() {
            (base, quote) if quote.is_empty() => base,
            (base, quote) => format!("{base}/{quote}"),
        }
    }

    /// The pair's base and quote currencies (`BTC`, `USD` of `btcusd`). A pair is split after three letters, or
    /// before a four-letter stablecoin quote (`usdt`, `usdc`); otherwise the base is the whole pair, no quote.
    pub fn currencies(&self) -> (String, String) {
        let pair = self.pair().to_uppercase();
        let split = match pair.len() {
            6 => Some(3),
            n if n > 4 && (pair.ends_with("USDT") || pair.ends_with("USDC")) => Some(n - 4),
            _ => None,
        };
        match split {
            Some(at) => (pair[..at].to_owned(), pair[at..].to_owned()),
            None => (pair, String::new()),
        }
    }

    /// Decimals of a price in this market: cents against fiat and stablecoins, 8 against a crypto quote.
    pub fn price_decimals(&self) -> usize {
        match self.currencies().1.as_str() {
            "USD" | "EUR" | "GBP" | "USDT" | "USDC" => 2,
            _ => 8,
        }
    }

    /// Where the channel goes in a list: the known ones first, in their usual order, then the others by name.
    pub fn listing_key(&self) -> (usize, &str) {
        let rank = KNOWN_CHANNELS.iter().position(|k| *k == self.name);
        (rank.unwrap_or(KNOWN_CHANNELS.len()), &self.name)
    }
}

impl FromStr for Channel {
    type Err = InvalidChannel;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::parse(name)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_parsed_into_kind_and_pair() {
        let c = Channel::parse("live_trades_btcusd").unwrap();
        assert_eq!(
            (c.kind(), c.pair(), c.pair_label(), c.price_decimals()),
            (ChannelKind::Trades, "btcusd", "BTC/USD".into(), 2)
        );
        assert_eq!(c.currencies(), ("BTC".into(), "USD".into()));
        let ethbtc = Channel::parse("live_trades_ethbtc").unwrap();
        assert_eq!(
            (ethbtc.currencies().1, ethbtc.price_decimals()),
            ("BTC".into(), 8)
        );
        let c = Channel::parse("live_orders_btcusdt").unwrap();
        assert_eq!(
            (c.kind(), c.pair_label()),
            (ChannelKind::Orders, "BTC/USDT".into())
        );
        assert_eq!(c.currencies(), ("BTC".into(), "USDT".into()));
        assert_eq!(c.to_string(), "live_orders_btcusdt");
    }

    #[test]
    fn known_channels_are_well_formed_and_ranked() {
        let known = Channel::known();
        assert_eq!(known.len(), 4);
        assert_eq!(known[3].kind(), ChannelKind::Orders);
        let mut listed = [
            Channel::parse("live_trades_xrpeur").unwrap(),
            known[3].clone(),
            Channel::parse("live_orders_adausd").unwrap(),
            known[0].clone(),
        ];
        listed.sort_by(|a, b| a.listing_key().cmp(&b.listing_key()));
        let names: Vec<&str> = listed.iter().map(Channel::name).collect();
        assert_eq!(
            names,
            [
                "live_trades_btcusd",
                "live_orders_ethusd",
                "live_orders_adausd",
                "live_trades_xrpeur"
            ]
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
            assert_eq!(
                Channel::parse(bad),
                Err(InvalidChannel(bad.into())),
                "{bad:?}"
            );
        }
    }
}
