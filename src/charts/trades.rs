//! A trades channel: prices (candles or a close line, the VWAP line, and the trades themselves once few are
//! visible) and buy/sell volume per interval, on the load's time axis.

use charming::Chart;
use charming::component::{Axis, Legend};
use charming::element::{AxisType, ItemStyle};
use charming::series::{Bar, Candlestick, Line, Scatter};
use tickscope_core::aggregate::{
    Candle, Candles, Interval, TradePoint, candles, trade_count, trades,
};
use tickscope_core::{Columns, PriceView, Shade, Side, ZoomFrame};
use wasm_bindgen::JsValue;

use super::gaps::shade_gaps;
use super::{BUY, Look, SELL, finish, ms, push_series, set, time_chart, to_js};

/// Below this many visible trades, each is drawn as a point.
const MAX_POINTS: usize = 2_000;

/// What the price and volume charts are drawn with besides the data.
pub struct TradesLook<'a> {
    pub look: Look,
    /// The candles' tooltip formatter.
    pub tooltip: &'a JsValue,
    pub gaps: &'a [Shade],
    /// The price axis, when it is shared (with the volume profile); else ECharts' nice steps over the data.
    pub price_range: Option<(f64, f64)>,
    /// The measured instants, shaded on both charts.
    pub measure: Option<(i64, i64)>,
}

/// The price and volume charts' options over `frame`'s window, and the candles they show (for the tooltip to
/// read).
pub fn trades_options(
    chunks: &[&Columns],
    frame: &ZoomFrame,
    interval: Interval,
    with: &TradesLook,
) -> ([JsValue; 2], Candles) {
    let TradesLook {
        look,
        tooltip,
        gaps,
        price_range,
        measure,
    } = *with;
    let (w0, w1) = frame.window;
    let c = candles(chunks, w0, w1, interval);
    let points: Vec<_> = if trade_count(chunks, w0, w1) <= MAX_POINTS {
        trades(chunks, w0, w1).collect()
    } else {
        Vec::new()
    };
    let price = finish(
        &price_chart(&c, &points, look.view, frame, price_range),
        look.tz,
    );
    colour_candles(&price);
    if price_range.is_some() {
        // The shared range's edges are rarely ECharts' round ticks: their labels would crowd the nearest tick's.
        // (charming writes a chart's one axis as an object, not an array.)
        let labels = to_js(&serde_json::json!({ "showMinLabel": false, "showMaxLabel": false }));
        set(&price, &["yAxis", "axisLabel"], labels);
    }
    let volume = finish(&volume_chart(&c, frame), look.tz);
    for option in [&price, &volume] {
        set(option, &["tooltip", "formatter"], tooltip.clone());
        shade_gaps(option, gaps, look.tz);
        if let Some(span) = measure {
            shade_measure(option, span);
        }
    }
    ([price, volume], c)
}

/// The measurement's span as a series of its own ("Measured", without data) whose one mark area shades it.
fn shade_measure(option: &JsValue, (from, to): (i64, i64)) {
    let series = to_js(&serde_json::json!({
        "type": "line",
        "name": "Measured",
        "data": [],
        "markArea": {
            "silent": true,
            "label": { "show": false },
            "itemStyle": { "color": MEASURED_FILL, "borderColor": MEASURED_BORDER, "borderWidth": 1 },
            "data": [[{ "xAxis": ms(from) }, { "xAxis": ms(to) }]],
        },
    }));
    push_series(option, &series);
}

/// The measurement's blue, translucent: neither a buy's green nor a sell's red, nor a gap's slate.
const MEASURED_FILL: &str = "rgba(59,130,246,0.14)";
const MEASURED_BORDER: &str = "rgba(59,130,246,0.7)";

/// Prices per interval (series 0: candles, or the close line) with the VWAP line, and `points` as buys and
/// sells.
fn price_chart(
    candles: &Candles,
    points: &[TradePoint],
    view: PriceView,
    frame: &ZoomFrame,
    range: Option<(f64, f64)>,
) -> Chart {
    let prices = match view {
        PriceView::Candles => time_chart(frame).series(
            Candlestick::new().name("OHLC").data(
                candles
                    .iter()
                    .map(|c| vec![ms(c.start), c.open, c.close, c.low, c.high])
                    .collect::<Vec<_>>(),
            ),
        ),
        PriceView::Line => time_chart(frame).series(
            Line::new()
                .name("Close")
                .show_symbol(false)
                .data(per_candle(candles, |c| c.close)),
        ),
    };
    let trades = |side: Side| -> Vec<Vec<f64>> {
        points
            .iter()
            .filter(|p| p.side == side)
            .map(|p| vec![ms(p.ts), p.price])
            .collect()
    };
    let mut legend = vec![series_name(view), "VWAP"];
    // Ticks at round prices: ECharts' nice steps over the data's extent, or the shared range's round edges.
    let axis = Axis::new().type_(AxisType::Value).scale(true);
    let axis = match range {
        Some((low, high)) => axis.min(low).max(high),
        None => axis,
    };
    let mut chart = prices.y_axis(axis).series(
        Line::new()
            .name("VWAP")
            .show_symbol(false)
            .data(per_candle(candles, |c| c.vwap)),
    );
    if !points.is_empty() {
        legend.extend(["Buys", "Sells"]);
        for (name, side, color) in [("Buys", Side::Buy, BUY), ("Sells", Side::Sell, SELL)] {
            chart = chart.series(
                Scatter::new()
                    .name(name)
                    .symbol_size(5)
                    .item_style(ItemStyle::new().color(color))
                    .data(trades(side)),
            );
        }
    }
    chart.legend(Legend::new().data(legend))
}

/// `[time, pick(candle)]` per candle: one series' data.
fn per_candle(candles: &Candles, pick: fn(&Candle) -> f64) -> Vec<Vec<f64>> {
    candles
        .iter()
        .map(|c| vec![ms(c.start), pick(&c)])
        .collect()
}

fn series_name(view: PriceView) -> &'static str {
    match view {
        PriceView::Candles => "OHLC",
        PriceView::Line => "Close",
    }
}

/// Candles in the dashboard's colours, green up and red down (charming's `Candlestick` has no `itemStyle`).
fn colour_candles(option: &JsValue) {
    let style = js_sys::Object::new();
    for (key, color) in [
        ("color", BUY),
        ("color0", SELL),
        ("borderColor", BUY),
        ("borderColor0", SELL),
    ] {
        let _ = js_sys::Reflect::set(&style, &key.into(), &color.into());
    }
    set(option, &["series", "0", "itemStyle"], style.into());
}

/// Buy and sell volume (base currency, by taker side), stacked per interval.
fn volume_chart(candles: &Candles, frame: &ZoomFrame) -> Chart {
    time_chart(frame)
        .legend(Legend::new().data(vec!["Buy volume", "Sell volume"]))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Bar::new()
                .name("Buy volume")
                .stack("volume")
                .item_style(ItemStyle::new().color(BUY))
                .data(per_candle(candles, |c| c.buy_volume)),
        )
        .series(
            Bar::new()
                .name("Sell volume")
                .stack("volume")
                .item_style(ItemStyle::new().color(SELL))
                .data(per_candle(candles, |c| c.sell_volume)),
        )
}
