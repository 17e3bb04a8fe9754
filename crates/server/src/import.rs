//! `tickscope-server import FILE.ndjson`: one original-shaped JSON item per line.

use std::io::BufRead;

use serde_json::{Map, Value};
use tickscope_core::{Channel, ItemBuilder, PageKey};

use crate::record::Record;

/// A line that could not be imported, with its 1-based number and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: u64,
    pub message: String,
}

/// Reads items line by line, handing good ones to `sink` and returning the bad ones. Blank lines are skipped;
/// an I/O error stops the read and is returned.
pub fn read_items(
    input: impl BufRead,
    mut sink: impl FnMut(Record),
) -> std::io::Result<Vec<BadLine>> {
    let mut bad = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_item(&line) {
            Ok(record) => sink(record),
            Err(message) => bad.push(BadLine {
                line: index as u64 + 1,
                message,
            }),
        }
    }
    Ok(bad)
}

/// One item, in the attribute order given, with numbers normalized as DynamoDB would store them and
/// `nmicrotimestamp` appended when missing.
pub fn parse_item(line: &str) -> Result<Record, String> {
    let object: Map<String, Value> =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    item_record(&object)
}

/// One item from its attributes (see [`parse_item`]): the import's and the collector's one rule.
pub fn item_record(object: &Map<String, Value>) -> Result<Record, String> {
    let channel = match object.get("channel") {
        Some(Value::String(c)) if Channel::parse(c).is_ok() => c.clone(),
        Some(other) => {
            return Err(format!(
                "`channel` {other} is not live_trades_<pair> or live_orders_<pair>"
            ));
        }
        None => return Err("missing `channel`".into()),
    };
    let id = integer_attribute(object, "id")?.ok_or("missing `id`")?;
    let microtimestamp = match object.get("microtimestamp") {
        Some(Value::String(s)) if is_digits(s) => s.clone(),
        Some(Value::Number(n)) if is_digits(&n.to_string()) => n.to_string(),
        Some(other) => {
            return Err(format!(
                "`microtimestamp` {other} is not a whole number of microseconds"
            ));
        }
        None => return Err("missing `microtimestamp`".into()),
    };
    let micros: i64 = microtimestamp
        .parse()
        .map_err(|_| format!("`microtimestamp` {microtimestamp} is too large"))?;
    let nmicrotimestamp = integer_attribute(object, "nmicrotimestamp")?;
    if nmicrotimestamp.is_some_and(|n| n != micros) {
        return Err(format!(
            "`nmicrotimestamp` differs from `microtimestamp` {microtimestamp}"
        ));
    }

    let mut item = ItemBuilder::new();
    for (name, value) in object {
        match value {
            Value::String(s) => {
                item.string(name, s);
            }
            Value::Number(n) => {
                item.number(name, &n.to_string())
                    .map_err(|e| format!("`{name}` {n}: {e}"))?;
            }
            Value::Bool(b) => {
                item.boolean(name, *b);
            }
            Value::Null => {
                item.null(name);
            }
            Value::Array(_) | Value::Object(_) => {
                return Err(format!("`{name}`: nested values are not supported"));
            }
        }
    }
    if nmicrotimestamp.is_none() {
        item.integer("nmicrotimestamp", micros);
    }
    let key = PageKey {
        channel,
        nmicrotimestamp: micros,
        id,
        microtimestamp,
    };
    Ok(Record::new(key, item.finish()))
}

/// An integer attribute given as a JSON integer or a string of digits.
fn integer_attribute(object: &Map<String, Value>, name: &str) -> Result<Option<i64>, String> {
    let Some(value) = object.get(name) else {
        return Ok(None);
    };
    let parsed = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if is_digits(s) => s.parse().ok(),
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| format!("`{name}` {value} is not an integer"))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRADE: &str = r#"{"id": 226151003, "timestamp": "1647830700", "amount": 0.00140000, "amount_str": "0.00140000", "price": 41000.50, "price_str": "41000.50", "type": 0, "microtimestamp": "1647830700123456", "buy_order_id": 1466017213358080, "sell_order_id": 1466017213358081, "channel": "live_trades_btcusd", "event": "trade"}"#;

    #[test]
    fn a_trade_without_nmicrotimestamp_gets_it_and_dynamodb_numbers() {
        let r = parse_item(TRADE).unwrap();
        assert_eq!(r.key.nmicrotimestamp, 1647830700123456);
        assert_eq!(r.key.id, 226151003);
        assert!(r.json.starts_with(r#"{"id":226151003,"timestamp":"1647830700","amount":0.0014,"amount_str":"0.00140000","price":41000.5,"#));
        assert!(
            r.json
                .ends_with(r#""event":"trade","nmicrotimestamp":1647830700123456}"#)
        );
    }

    #[test]
    fn bad_lines_are_reported_by_number_and_skipped() {
        let good_order = r#"{"id":1,"id_str":"1","order_type":1,"datetime":"1647830700","microtimestamp":"1647830700000001","amount":1,"amount_str":"1.00000000","price":2900,"price_str":"2900.00","channel":"live_orders_ethusd","nmicrotimestamp":1647830700000001,"event":"order_created"}"#;
        let input = [
            TRADE,
            "not json",
            "",
            r#"{"id":1,"channel":"live_trades_btcusd"}"#,
            r#"{"id":1,"microtimestamp":"5","channel":"nope"}"#,
            r#"{"id":1.5,"microtimestamp":"5","channel":"live_trades_btcusd"}"#,
            r#"{"id":1,"microtimestamp":"5","nmicrotimestamp":6,"channel":"live_trades_btcusd"}"#,
            r#"{"id":1,"microtimestamp":"5","channel":"live_trades_btcusd","x":[1]}"#,
            r#"{"id":1,"microtimestamp":"5","channel":"live_trades_btcusd","price":1e999}"#,
            good_order,
        ]
        .join("\n");
        let mut records = Vec::new();
        let bad = read_items(input.as_bytes(), |r| records.push(r)).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].json, good_order);
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 4, 5, 6, 7, 8, 9]);
        assert!(
            bad[1].message.contains("missing `microtimestamp`"),
            "{:?}",
            bad[1]
        );
        assert!(bad[3].message.contains("`id`"), "{:?}", bad[3]);
        assert!(bad[5].message.contains("nested"), "{:?}", bad[5]);
    }
}
