//! A trades channel: price candles with VWAP, and buy/sell volume per interval, on one time axis each.

use charming::Chart;
use charming::component::{Axis, DataZoom, DataZoomType, Grid, Legend};
use charming::element::{AxisType, ItemStyle, Tooltip, Trigger};
use charming::series::{Bar, Candlestick, Line};
use tickscope_core::aggregate::Candles;

use super::{chart, ms};

const BUY: &str = "#16a34a";
const SELL: &str = "#dc2626";

fn time_axes(chart: Chart) -> Chart {
    chart
        .grid(Grid::new().left("8%").right("3%").top("12%").bottom("18%"))
        .x_axis(Axis::new().type_(AxisType::Time))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
}

/// Candles (open, close, low, high per interval) and the VWAP line.
pub fn price_chart(candles: &Candles) -> Chart {
    let ohlc: Vec<Vec<f64>> = candles
        .iter()
        .map(|c| vec![ms(c.start), c.open, c.close, c.low, c.high])
        .collect();
    let vwap: Vec<Vec<f64>> = candles.iter().map(|c| vec![ms(c.start), c.vwap]).collect();
    time_axes(chart())
        .legend(Legend::new().data(vec!["OHLC", "VWAP"]))
        .y_axis(Axis::new().type_(AxisType::Value).scale(true))
        .series(Candlestick::new().name("OHLC").data(ohlc))
        .series(Line::new().name("VWAP").show_symbol(false).data(vwap))
}

/// Buy and sell volume (base currency, by taker side), stacked per interval.
pub fn volume_chart(candles: &Candles) -> Chart {
    let side = |pick: fn(&tickscope_core::aggregate::Candle) -> f64| -> Vec<Vec<f64>> {
        candles
            .iter()
            .map(|c| vec![ms(c.start), pick(&c)])
            .collect()
    };
    time_axes(chart())
        .legend(Legend::new().data(vec!["Buy volume", "Sell volume"]))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Bar::new()
                .name("Buy volume")
                .stack("volume")
                .item_style(ItemStyle::new().color(BUY))
                .data(side(|c| c.buy_volume)),
        )
        .series(
            Bar::new()
                .name("Sell volume")
                .stack("volume")
                .item_style(ItemStyle::new().color(SELL))
                .data(side(|c| c.sell_volume)),
        )
}
