//! One item as the API returns it: compact JSON in DynamoDB's output form, and its size by DynamoDB's rules.

/// A trade's attributes in the order the original API returns them.
pub const TRADE_ATTRIBUTES: [&str; 13] = [
    "id",
    "timestamp",
    "amount",
    "amount_str",
    "price",
    "price_str",
    "type",
    "microtimestamp",
    "buy_order_id",
    "sell_order_id",
    "channel",
    "nmicrotimestamp",
    "event",
];

/// An order event's attributes in the order the original API returns them.
pub const ORDER_ATTRIBUTES: [&str; 12] = [
    "id",
    "id_str",
    "order_type",
    "datetime",
    "microtimestamp",
    "amount",
    "amount_str",
    "price",
    "price_str",
    "channel",
    "nmicrotimestamp",
    "event",
];

use crate::dynamo_number::{DynamoNumber, NumberError};

/// An item's JSON text and the size DynamoDB counts for it (attribute names plus values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedItem {
    pub json: String,
    pub size: usize,
}

/// Writes an item attribute by attribute, in the given order, keeping its DynamoDB size as it goes.
///
/// Sizes: a name by its UTF-8 length; a string by its UTF-8 length; a number by DynamoDB's encoding
/// (see [`crate::dynamo_number`]); a boolean or null by one byte.
#[derive(Debug)]
pub struct ItemBuilder {
    json: String,
    size: usize,
}

impl Default for ItemBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ItemBuilder {
    pub fn new() -> Self {
        Self {
            json: String::with_capacity(320),
            size: 0,
        }
    }

    fn name(&mut self, name: &str) {
        self.json.push(if self.json.is_empty() { '{' } else { ',' });
        push_json_string(&mut self.json, name);
        self.json.push(':');
        self.size += name.len();
    }

    pub fn string(&mut self, name: &str, value: &str) -> &mut Self {
        self.name(name);
        push_json_string(&mut self.json, value);
        self.size += value.len();
        self
    }

    /// A number given as text, normalized as DynamoDB would store and return it.
    pub fn number(&mut self, name: &str, text: &str) -> Result<&mut Self, NumberError> {
        let number = DynamoNumber::parse(text)?;
        Ok(self.dynamo_number(name, &number))
    }

    pub fn integer(&mut self, name: &str, value: i64) -> &mut Self {
        self.dynamo_number(name, &DynamoNumber::from_i64(value))
    }

    fn dynamo_number(&mut self, name: &str, number: &DynamoNumber) -> &mut Self {
        self.name(name);
        self.json.push_str(&number.text);
        self.size += number.size;
        self
    }

    pub fn boolean(&mut self, name: &str, value: bool) -> &mut Self {
        self.name(name);
        self.json.push_str(if value { "true" } else { "false" });
        self.size += 1;
        self
    }

    pub fn null(&mut self, name: &str) -> &mut Self {
        self.name(name);
        self.json.push_str("null");
        self.size += 1;
        self
    }

    pub fn finish(mut self) -> EncodedItem {
        if self.json.is_empty() {
            self.json.push('{');
        }
        self.json.push('}');
        EncodedItem {
            json: self.json,
            size: self.size,
        }
    }
}

/// Appends `value` as a JSON string literal.
pub fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    // Almost every string needs no escaping: copy it whole.
    if !value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(value);
        out.push('"');
        return;
    }
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_order_item_has_the_original_shape_and_dynamodb_size() {
        let mut b = ItemBuilder::new();
        b.integer("id", 1466017213358080)
            .string("id_str", "1466017213358080")
            .integer("order_type", 0)
            .string("datetime", "1647830700")
            .string("microtimestamp", "1647830700123456");
        b.number("amount", "0.05000000").unwrap();
        b.string("amount_str", "0.05000000");
        b.number("price", "41000.00").unwrap();
        b.string("price_str", "41000.00")
            .string("channel", "live_orders_btcusd")
            .integer("nmicrotimestamp", 1647830700123456)
            .string("event", "order_created");
        let item = b.finish();
        assert_eq!(
            item.json,
            r#"{"id":1466017213358080,"id_str":"1466017213358080","order_type":0,"datetime":"1647830700","microtimestamp":"1647830700123456","amount":0.05,"amount_str":"0.05000000","price":41000,"price_str":"41000.00","channel":"live_orders_btcusd","nmicrotimestamp":1647830700123456,"event":"order_created"}"#
        );
        let names = 2 + 6 + 10 + 8 + 14 + 6 + 10 + 5 + 9 + 7 + 15 + 5;
        let values = 9 + 16 + 1 + 10 + 16 + 2 + 10 + 3 + 8 + 18 + 9 + 13;
        assert_eq!(item.size, names + values);
    }

    #[test]
    fn strings_count_utf8_bytes_and_are_escaped() {
        let mut b = ItemBuilder::new();
        b.string("n", "é\"\n\u{1}").boolean("b", true).null("z");
        let item = b.finish();
        assert_eq!(item.json, r#"{"n":"é\"\n\u0001","b":true,"z":null}"#);
        assert_eq!(item.size, 1 + 5 + 1 + 1 + 1 + 1);
    }

    proptest! {
        #[test]
        fn any_string_round_trips_through_json(s in "\\PC*", name in "[a-z_]{1,12}") {
            let mut b = ItemBuilder::new();
            b.string(&name, &s);
            let item = b.finish();
            let v: serde_json::Value = serde_json::from_str(&item.json).unwrap();
            prop_assert_eq!(v[&name].as_str().unwrap(), s.as_str());
            prop_assert_eq!(item.size, name.len() + s.len());
        }
    }
}
