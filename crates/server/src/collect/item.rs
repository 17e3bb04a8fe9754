//! A data message as the item the store keeps: every field of its `data` as received, in its order, then
//! `channel`, `nmicrotimestamp` (the numeric `microtimestamp`, so the GSI sees it at once) and `event`, as the
//! original pipeline's items after its migration (see `demo::items`).

use serde_json::Value;
use tickscope_core::DataMessage;

use crate::import::item_record;
use crate::record::Record;

/// DynamoDB's limit on an item's size; SQLite has none, but one store must not take what the other refuses.
const MAX_ITEM_BYTES: usize = 400 * 1024;

pub fn record(message: DataMessage) -> Result<Record, String> {
    let mut item = message.data;
    item.insert(
        "channel".into(),
        Value::String(message.channel.name().to_owned()),
    );
    item.insert("nmicrotimestamp".into(), Value::from(message.micros));
    item.insert("event".into(), Value::String(message.event));
    let record = item_record(&item)?;
    if record.size > MAX_ITEM_BYTES {
        return Err(format!(
            "an item of {} bytes: over DynamoDB's 400 KB",
            record.size
        ));
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use tickscope_core::{Frame, parse_frame};

    use super::*;

    #[test]
    fn an_item_keeps_the_message_s_fields_types_and_order() {
        let text = r#"{"data":{"id":1466017213358080,"id_str":"1466017213358080","order_type":1,"datetime":"1647830700","microtimestamp":"1647830700123000","amount":0.0014,"amount_str":"0.00140000","price":41000.5,"price_str":"41000.50","is_liquidation":false,"new_field":null},"channel":"live_orders_btcusd","event":"order_created"}"#;
        let Frame::Data(message) = parse_frame(text) else {
            panic!("not data")
        };
        let record = record(message).unwrap();
        assert_eq!(
            record.json,
            r#"{"id":1466017213358080,"id_str":"1466017213358080","order_type":1,"datetime":"1647830700","microtimestamp":"1647830700123000","amount":0.0014,"amount_str":"0.00140000","price":41000.5,"price_str":"41000.50","is_liquidation":false,"new_field":null,"channel":"live_orders_btcusd","nmicrotimestamp":1647830700123000,"event":"order_created"}"#
        );
        assert_eq!(record.key.nmicrotimestamp, 1647830700123000);
        assert_eq!(record.key.id, 1466017213358080);
    }
}
