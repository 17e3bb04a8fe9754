//! A channel panel's two charts as ECharts options, from the channel's segments and what the charts show.

use tickscope_core::aggregate::{Candles, HeatmapParams, Interval};
use tickscope_core::aggregate::{candles, flow, heatmap, trade_count, trades};
use tickscope_core::{Columns, PriceView, TzMode, ZoomFrame};
use wasm_bindgen::JsValue;

use super::{orders, to_js, trades as trade_charts};
use crate::form::show_time;

/// What the user chose for the charts.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub tz: TzMode,
    pub view: PriceView,
    /// `None`: automatic.
    pub iv: Option<Interval>,
}

/// The price and volume charts over `frame`'s window, and the candles they show (for the tooltip).
pub fn trades_options(
    segments: &[&Columns],
    frame: &ZoomFrame,
    interval: Interval,
    look: Look,
) -> ([JsValue; 2], Candles) {
    let (w0, w1) = frame.window;
    let c = candles(segments, w0, w1, interval);
    let points: Vec<_> = if trade_count(segments, w0, w1) <= trade_charts::MAX_POINTS {
        trades(segments, w0, w1).collect()
    } else {
        Vec::new()
    };
    let price = to_js(
        &trade_charts::price_chart(&c, &points, look.view, frame),
        look.tz,
    );
    trade_charts::colour_candles(&price);
    let volume = to_js(&trade_charts::volume_chart(&c, frame), look.tz);
    ([price, volume], c)
}

/// The order heatmap and the order flow over `frame`'s window.
pub fn orders_options(
    segments: &[&Columns],
    frame: &ZoomFrame,
    interval: Interval,
    look: Look,
) -> [JsValue; 2] {
    let (w0, w1) = frame.window;
    let params = HeatmapParams {
        interval: look.iv,
        ..HeatmapParams::default()
    };
    let map = heatmap(segments, w0, w1, &params);
    // hh:mm:ss of the time as shown in the chosen time zone.
    let label = |t: i64| show_time(t, look.tz)[11..19].to_owned();
    [
        to_js(&orders::orders_chart(&map, label), look.tz),
        to_js(
            &orders::flow_chart(&flow(segments, w0, w1, interval), frame),
            look.tz,
        ),
    ]
}
