//! Items between the API's JSON and DynamoDB's attribute maps.
//!
//! DynamoDB keeps no attribute order, so items come back in the original's order (the Bitstamp fields as the
//! original pipeline stored them; see `demo::items`), any other attribute after them by name. Numbers come back
//! as DynamoDB's text, rendered as the original's Python `Decimal`s ([`tickscope_core::dynamo_number`]).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value};
use tickscope_core::{Channel, ChannelKind, ItemBuilder, PageKey};
use tickscope_core::{ORDER_ATTRIBUTES, TRADE_ATTRIBUTES};

use crate::store::StoreError;

pub type Attributes = HashMap<String, AttributeValue>;

/// An item's JSON (as a [`crate::record::Record`] holds it) as DynamoDB attributes.
pub fn from_json(json: &str) -> Result<Attributes, StoreError> {
    let object: Map<String, Value> = serde_json::from_str(json)
        .map_err(|e| StoreError(format!("item is not a JSON object: {e}")))?;
    object
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(s) => AttributeValue::S(s),
                Value::Number(n) => AttributeValue::N(n.to_string()),
                Value::Bool(b) => AttributeValue::Bool(b),
                Value::Null => AttributeValue::Null(true),
                Value::Array(_) | Value::Object(_) => {
                    return Err(StoreError(format!(
                        "`{name}`: nested values are not supported"
                    )));
                }
            };
            Ok((name, value))
        })
        .collect()
}

/// An item from DynamoDB as the API's JSON, attributes in the original's order.
pub fn to_json(item: &Attributes) -> Result<String, StoreError> {
    let known: &[&str] = match item.get("channel") {
        Some(AttributeValue::S(c))
            if Channel::parse(c).is_ok_and(|c| c.kind() == ChannelKind::Orders) =>
        {
            &ORDER_ATTRIBUTES
        }
        _ => &TRADE_ATTRIBUTES,
    };
    let mut others: Vec<&str> = item
        .keys()
        .map(String::as_str)
        .filter(|name| !known.contains(name))
        .collect();
    others.sort_unstable();
    let mut json = ItemBuilder::new();
    for name in known.iter().copied().chain(others) {
        let Some(value) = item.get(name) else {
            continue;
        };
        match value {
            AttributeValue::S(s) => {
                json.string(name, s);
            }
            AttributeValue::N(n) => {
                json.number(name, n)
                    .map_err(|e| StoreError(format!("`{name}` {n}: {e}")))?;
            }
            AttributeValue::Bool(b) => {
                json.boolean(name, *b);
            }
            AttributeValue::Null(_) => {
                json.null(name);
            }
            other => {
                return Err(StoreError(format!(
                    "`{name}` is a {other:?}: only strings, numbers, booleans and nulls are supported"
                )));
            }
        }
    }
    Ok(json.finish().json)
}

/// The GSI key of an item, as `ExclusiveStartKey` wants it.
pub fn key_attributes(key: &PageKey) -> Attributes {
    HashMap::from([
        ("channel".to_owned(), AttributeValue::S(key.channel.clone())),
        (
            "nmicrotimestamp".to_owned(),
            AttributeValue::N(key.nmicrotimestamp.to_string()),
        ),
        ("id".to_owned(), AttributeValue::N(key.id.to_string())),
        (
            "microtimestamp".to_owned(),
            AttributeValue::S(key.microtimestamp.clone()),
        ),
    ])
}

/// A `LastEvaluatedKey` of the GSI as a [`PageKey`].
pub fn page_key(key: &Attributes) -> Result<PageKey, StoreError> {
    let bad = |name: &str| StoreError(format!("LastEvaluatedKey has no usable `{name}`: {key:?}"));
    let string = |name: &str| match key.get(name) {
        Some(AttributeValue::S(s)) => Ok(s.clone()),
        _ => Err(bad(name)),
    };
    let integer = |name: &str| match key.get(name) {
        Some(AttributeValue::N(n)) => n.parse::<i64>().map_err(|_| bad(name)),
        _ => Err(bad(name)),
    };
    Ok(PageKey {
        channel: string("channel")?,
        nmicrotimestamp: integer("nmicrotimestamp")?,
        id: integer("id")?,
        microtimestamp: string("microtimestamp")?,
    })
}

/// The table's primary key of an item: `(id, microtimestamp)`, for finding duplicates in a batch.
pub fn identity(item: &Attributes) -> Option<(&str, &str)> {
    match (item.get("id"), item.get("microtimestamp")) {
        (Some(AttributeValue::N(id)), Some(AttributeValue::S(micro))) => Some((id, micro)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = r#"{"id":1466017213358080,"id_str":"1466017213358080","order_type":1,"datetime":"1647830700","microtimestamp":"1647830700123000","amount":0.0014,"amount_str":"0.00140000","price":41000.5,"price_str":"41000.50","channel":"live_orders_btcusd","nmicrotimestamp":1647830700123000,"event":"order_created"}"#;

    #[test]
    fn items_round_trip_in_the_original_order() {
        let attributes = from_json(ORDER).unwrap();
        assert_eq!(
            attributes["id"],
            AttributeValue::N("1466017213358080".into())
        );
        assert_eq!(
            attributes["price_str"],
            AttributeValue::S("41000.50".into())
        );
        assert_eq!(to_json(&attributes).unwrap(), ORDER);
    }

    #[test]
    fn numbers_come_back_as_decimals_and_extra_attributes_by_name() {
        let mut attributes =
            from_json(r#"{"id":7,"microtimestamp":"5","channel":"live_trades_btcusd"}"#).unwrap();
        attributes.insert("zz".into(), AttributeValue::Bool(true));
        attributes.insert("amount".into(), AttributeValue::N("0.00000014".into()));
        attributes.insert("aa".into(), AttributeValue::Null(true));
        assert_eq!(
            to_json(&attributes).unwrap(),
            r#"{"id":7,"amount":1.4E-7,"microtimestamp":"5","channel":"live_trades_btcusd","aa":null,"zz":true}"#
        );
        attributes.insert("list".into(), AttributeValue::L(vec![]));
        assert!(to_json(&attributes).unwrap_err().0.contains("`list`"));
        assert!(from_json(r#"{"x":[1]}"#).unwrap_err().0.contains("nested"));
    }

    #[test]
    fn keys_round_trip() {
        let key = PageKey {
            channel: "live_trades_btcusd".into(),
            nmicrotimestamp: 1647830700123456,
            id: 226151003,
            microtimestamp: "1647830700123456".into(),
        };
        assert_eq!(page_key(&key_attributes(&key)).unwrap(), key);
        let mut broken = key_attributes(&key);
        broken.insert("id".into(), AttributeValue::S("x".into()));
        assert!(page_key(&broken).unwrap_err().0.contains("`id`"));
    }
}
