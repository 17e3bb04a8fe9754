//! Items as the original table holds them: attribute names, order and types of Bitstamp's websocket messages
//! plus the recorder's `channel`, `nmicrotimestamp` and `event`. Decimal text is formatted from integers, so
//! it depends on nothing but the value.

use tickscope_core::{ItemBuilder, PageKey};

use super::order_book::Side;
use crate::record::Record;

/// Decimal text of a non-negative integer scaled by `10^-decimals`, written on the stack (this runs for every
/// attribute of every item, so it avoids `format!`).
pub struct Decimal {
    buf: [u8; 32],
    start: usize,
}

impl Decimal {
    pub fn new(value: i64, decimals: u32) -> Self {
        debug_assert!(value >= 0);
        let mut buf = [0u8; 32];
        let mut i = buf.len();
        let mut v = value.unsigned_abs();
        for _ in 0..decimals {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        if decimals > 0 {
            i -= 1;
            buf[i] = b'.';
        }
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        Self { buf, start: i }
    }

    pub fn integer(value: i64) -> Self {
        Self::new(value, 0)
    }

    /// `41000.50` from 4100050 cents.
    pub fn price(cents: i64) -> Self {
        Self::new(cents, 2)
    }

    /// `0.00140000` from 140000 units of 1e-8.
    pub fn amount(units: i64) -> Self {
        Self::new(units, 8)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).expect("ASCII digits")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    Created,
    Changed,
    Deleted,
}

impl OrderEvent {
    pub fn name(self) -> &'static str {
        match self {
            Self::Created => "order_created",
            Self::Changed => "order_changed",
            Self::Deleted => "order_deleted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    pub id: i64,
    pub ms: i64,
    pub amount: i64,
    pub price: i64,
    /// The taker's side.
    pub side: Side,
    pub buy_order_id: i64,
    pub sell_order_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub event: OrderEvent,
    pub id: i64,
    pub side: Side,
    pub ms: i64,
    pub amount: i64,
    pub price: i64,
}

fn record(
    channel: &str,
    id: i64,
    micros: i64,
    microtimestamp: &str,
    builder: ItemBuilder,
) -> Record {
    let key = PageKey {
        channel: channel.to_string(),
        nmicrotimestamp: micros,
        id,
        microtimestamp: microtimestamp.to_string(),
    };
    Record::new(key, builder.finish())
}

/// Decimal text this module formatted is always a valid number.
fn number(b: &mut ItemBuilder, name: &str, text: &str) {
    b.number(name, text)
        .expect("formatted decimal text is a valid number");
}

pub fn trade_record(channel: &str, t: &Trade) -> Record {
    let micros = t.ms * 1000;
    let microtimestamp = Decimal::integer(micros);
    let microtimestamp = microtimestamp.as_str();
    let amount = Decimal::amount(t.amount);
    let price = Decimal::price(t.price);
    let mut b = ItemBuilder::new();
    b.integer("id", t.id)
        .string("timestamp", Decimal::integer(t.ms / 1000).as_str());
    number(&mut b, "amount", amount.as_str());
    b.string("amount_str", amount.as_str());
    number(&mut b, "price", price.as_str());
    b.string("price_str", price.as_str())
        .integer("type", t.side.code())
        .string("microtimestamp", microtimestamp)
        .integer("buy_order_id", t.buy_order_id)
        .integer("sell_order_id", t.sell_order_id)
        .string("channel", channel)
        .integer("nmicrotimestamp", micros)
        .string("event", "trade");
    record(channel, t.id, micros, microtimestamp, b)
}

pub fn order_record(channel: &str, o: &OrderItem) -> Record {
    let micros = o.ms * 1000;
    let microtimestamp = Decimal::integer(micros);
    let microtimestamp = microtimestamp.as_str();
    let amount = Decimal::amount(o.amount);
    let price = Decimal::price(o.price);
    let mut b = ItemBuilder::new();
    b.integer("id", o.id)
        .string("id_str", Decimal::integer(o.id).as_str())
        .integer("order_type", o.side.code())
        .string("datetime", Decimal::integer(o.ms / 1000).as_str())
        .string("microtimestamp", microtimestamp);
    number(&mut b, "amount", amount.as_str());
    b.string("amount_str", amount.as_str());
    number(&mut b, "price", price.as_str());
    b.string("price_str", price.as_str())
        .string("channel", channel)
        .integer("nmicrotimestamp", micros)
        .string("event", o.event.name());
    record(channel, o.id, micros, microtimestamp, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_formatted_from_integers() {
        assert_eq!(Decimal::price(4_100_050).as_str(), "41000.50");
        assert_eq!(Decimal::price(7).as_str(), "0.07");
        assert_eq!(Decimal::amount(140_000).as_str(), "0.00140000");
        assert_eq!(Decimal::amount(0).as_str(), "0.00000000");
        assert_eq!(Decimal::amount(123_456_789_012).as_str(), "1234.56789012");
        assert_eq!(Decimal::integer(0).as_str(), "0");
        assert_eq!(Decimal::integer(i64::MAX).as_str(), i64::MAX.to_string());
    }

    #[test]
    fn a_trade_item_has_the_original_shape() {
        let t = Trade {
            id: 226_151_001,
            ms: 1_647_830_700_123,
            amount: 140_000,
            price: 4_100_050,
            side: Side::Sell,
            buy_order_id: 1_470_401_450_000_000,
            sell_order_id: 1_470_401_450_000_001,
        };
        let r = trade_record("live_trades_btcusd", &t);
        assert_eq!(
            r.json,
            r#"{"id":226151001,"timestamp":"1647830700","amount":0.0014,"amount_str":"0.00140000","price":41000.5,"price_str":"41000.50","type":1,"microtimestamp":"1647830700123000","buy_order_id":1470401450000000,"sell_order_id":1470401450000001,"channel":"live_trades_btcusd","nmicrotimestamp":1647830700123000,"event":"trade"}"#
        );
        assert_eq!(r.key.id, 226_151_001);
        assert_eq!(r.key.nmicrotimestamp, 1_647_830_700_123_000);
        assert_eq!(r.key.microtimestamp, "1647830700123000");
        assert_eq!(r.key.channel, "live_trades_btcusd");
    }

    #[test]
    fn an_order_item_has_the_original_shape() {
        let o = OrderItem {
            event: OrderEvent::Deleted,
            id: 1_470_401_450_000_000,
            side: Side::Buy,
            ms: 1_647_830_700_999,
            amount: 0,
            price: 290_000,
        };
        let r = order_record("live_orders_ethusd", &o);
        assert_eq!(
            r.json,
            r#"{"id":1470401450000000,"id_str":"1470401450000000","order_type":0,"datetime":"1647830700","microtimestamp":"1647830700999000","amount":0,"amount_str":"0.00000000","price":2900,"price_str":"2900.00","channel":"live_orders_ethusd","nmicrotimestamp":1647830700999000,"event":"order_deleted"}"#
        );
    }
}
