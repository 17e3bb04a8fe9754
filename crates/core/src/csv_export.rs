//! A channel's loaded items as CSV, with the original attribute names, for the dashboard's export.
//!
//! One row per item in key order. Numbers are written as the shortest text that reads back as the same value
//! (`41000.5`, `0.00000014`), which is the value the API sent; the `*_str` twins, `id_str` and the seconds
//! (`timestamp`, `datetime`) are not kept in the columns and not exported.

use std::io::Write;

use crate::channel::{Channel, ChannelKind};
use crate::columns::Columns;

const TRADE_HEADER: &str = "id,microtimestamp,nmicrotimestamp,channel,event,price,amount,type,buy_order_id,sell_order_id\n";
const ORDER_HEADER: &str =
    "id,microtimestamp,nmicrotimestamp,channel,event,price,amount,order_type\n";

/// Bytes per row reserved up front, a little over a typical row.
const ROW_BYTES: usize = 110;

/// The items of `channel` held in `segments` (in order), as CSV with a header line.
pub fn items_csv(channel: &Channel, segments: &[&Columns]) -> Vec<u8> {
    let trades = channel.kind() == ChannelKind::Trades;
    let rows: usize = segments.iter().map(|c| c.len()).sum();
    let mut out = Vec::with_capacity(rows * ROW_BYTES + ORDER_HEADER.len());
    out.extend_from_slice(if trades { TRADE_HEADER } else { ORDER_HEADER }.as_bytes());
    let channel = quoted(channel.name());
    for columns in segments {
        for i in 0..columns.len() {
            // `Side` is Bitstamp's code: 0 buy, 1 sell.
            let (ts, side) = (columns.ts[i], columns.side[i] as u8);
            // Writing into a Vec cannot fail.
            let _ = write!(
                out,
                "{},{ts},{ts},{channel},{},{},{},{side}",
                columns.id[i],
                columns.event[i].name(),
                columns.price[i],
                columns.amount[i],
            );
            if trades {
                let _ = match columns.order_ids_of(i) {
                    Some([buy, sell]) if [buy, sell] != [0, 0] => write!(out, ",{buy},{sell}"),
                    _ => write!(out, ",,"),
                };
            }
            out.push(b'\n');
        }
    }
    out
}

/// A field as CSV needs it: quoted when it holds a comma, a quote or a line break.
fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{EventKind, Side, Tick};

    fn tick(ts: i64, price: f64, amount: f64, side: Side, event: EventKind) -> Tick {
        Tick {
            ts,
            id: ts / 10,
            price,
            amount,
            side,
            event,
        }
    }

    #[test]
    fn trades_with_their_order_ids_across_segments() {
        let mut a = Columns::default();
        a.push_with_order_ids(
            tick(10, 41000.5, 1.4e-7, Side::Buy, EventKind::Trade),
            [7, 8],
        );
        let mut b = Columns::default();
        b.push(tick(20, 41000.0, 2.0, Side::Sell, EventKind::Trade));
        let text = String::from_utf8(items_csv(&"live_trades_btcusd".parse().unwrap(), &[&a, &b]))
            .unwrap();
        assert_eq!(
            text,
            "id,microtimestamp,nmicrotimestamp,channel,event,price,amount,type,buy_order_id,sell_order_id\n\
             1,10,10,live_trades_btcusd,trade,41000.5,0.00000014,0,7,8\n\
             2,20,20,live_trades_btcusd,trade,41000,2,1,,\n"
        );
    }

    #[test]
    fn orders_and_odd_channel_names() {
        let mut a = Columns::default();
        a.push(tick(30, 2900.25, 0.0, Side::Sell, EventKind::OrderDeleted));
        let text =
            String::from_utf8(items_csv(&"live_orders_ethusd".parse().unwrap(), &[&a])).unwrap();
        assert_eq!(
            text,
            "id,microtimestamp,nmicrotimestamp,channel,event,price,amount,order_type\n\
             3,30,30,live_orders_ethusd,order_deleted,2900.25,0,1\n"
        );
        assert_eq!(quoted("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(
            String::from_utf8(items_csv(&"live_orders_btcusd".parse().unwrap(), &[])).unwrap(),
            ORDER_HEADER
        );
    }

    #[test]
    fn every_number_reads_back_as_itself() {
        let mut a = Columns::default();
        for (i, (price, amount)) in [(0.1 + 0.2, 1e-8), (123456789.123, 5e-324), (1e21, 0.5)]
            .into_iter()
            .enumerate()
        {
            a.push(tick(i as i64, price, amount, Side::Buy, EventKind::Trade));
        }
        let text =
            String::from_utf8(items_csv(&"live_trades_ethusd".parse().unwrap(), &[&a])).unwrap();
        for (i, line) in text.lines().skip(1).enumerate() {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields[5].parse::<f64>().unwrap(), a.price[i]);
            assert_eq!(fields[6].parse::<f64>().unwrap(), a.amount[i]);
        }
    }
}
