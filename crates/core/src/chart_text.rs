//! The charts' text alternatives: what a panel's charts show of the visible window, in a sentence each, from its
//! statistics, for screen readers (`aria-label`) and anyone who wants the numbers without the picture.

use crate::Channel;
use crate::aggregate::Stats;
use crate::format::{count, grouped, significant};

/// The sentences of a trades panel's price and volume charts, or an orders panel's heatmap and order flow.
pub fn chart_texts(channel: &Channel, stats: &Stats) -> [String; 2] {
    let pair = channel.pair_label();
    let (base, _) = channel.currencies();
    let price = |v: f64| grouped(v, channel.price_decimals());
    match (channel.kind(), &stats.trades) {
        (crate::ChannelKind::Trades, Some(t)) => [
            format!(
                "{pair} prices in the visible window: opened at {}, high {}, low {}, closed at {}; VWAP {}; {} trades.",
                price(t.open),
                price(t.high),
                price(t.low),
                price(t.close),
                price(t.vwap),
                count(t.count)
            ),
            format!(
                "{pair} volume in the visible window: {} {base}, {} bought and {} sold by takers.",
                significant(t.volume),
                significant(t.buy_volume),
                significant(t.sell_volume)
            ),
        ],
        (crate::ChannelKind::Trades, None) => {
            let none = format!("{pair}: no trade in the visible window.");
            [none.clone(), none]
        }
        (crate::ChannelKind::Orders, _) => {
            let o = &stats.orders;
            let events = |s: crate::aggregate::BySide<u64>| count(s.buy + s.sell);
            [
                format!(
                    "{pair} orders in the visible window, by price and time: {} {base} bid and {} {base} asked anew.",
                    significant(o.amount_added.buy),
                    significant(o.amount_added.sell)
                ),
                format!(
                    "{pair} order flow in the visible window: {} orders created, {} changed, {} deleted.",
                    events(o.created),
                    events(o.changed),
                    events(o.deleted)
                ),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::stats;
    use crate::aggregate::test_util::{cols, item, order};
    use crate::columns::{EventKind, Side};

    #[test]
    fn trades_and_orders_read_as_sentences_with_their_numbers() {
        let c = cols(&[
            item(1, 41_000.0, 0.5, Side::Buy, EventKind::Trade),
            item(2, 41_100.5, 1.5, Side::Sell, EventKind::Trade),
        ]);
        let s = stats(&[&c], 0, 10);
        let [price, volume] = chart_texts(&Channel::parse("live_trades_btcusd").unwrap(), &s);
        assert_eq!(
            price,
            "BTC/USD prices in the visible window: opened at 41,000.00, high 41,100.50, low 41,000.00, closed at \
             41,100.50; VWAP 41,075.38; 2 trades."
        );
        assert_eq!(
            volume,
            "BTC/USD volume in the visible window: 2.00 BTC, 0.500 bought and 1.50 sold by takers."
        );
        let o = cols(&[
            order(1, 2_900.0, 3.0, Side::Buy, EventKind::OrderCreated),
            order(2, 2_901.0, 1.0, Side::Sell, EventKind::OrderDeleted),
        ]);
        let [heatmap, flow] = chart_texts(
            &Channel::parse("live_orders_ethusd").unwrap(),
            &stats(&[&o], 0, 10),
        );
        assert!(
            heatmap.contains("3.00 ETH bid and 0 ETH asked anew"),
            "{heatmap}"
        );
        assert_eq!(
            flow,
            "ETH/USD order flow in the visible window: 1 orders created, 0 changed, 1 deleted."
        );
        let empty = chart_texts(
            &Channel::parse("live_trades_ethusd").unwrap(),
            &stats(&[&o], 0, 10),
        );
        assert_eq!(empty[0], "ETH/USD: no trade in the visible window.");
    }
}
