//! The price and volume charts' tooltip: the hovered interval's candle in full, in the chosen time zone.
//!
//! ECharts calls a formatter function; building one from text (charming's `JsFunction`) needs `eval`, which the
//! page's Content-Security-Policy forbids, so the formatter is a Rust closure reading the last drawn candles.

use std::cell::RefCell;
use std::rc::Rc;

use tickscope_core::TzMode;
use tickscope_core::aggregate::{Candle, Candles};
use tickscope_core::format::{count, grouped, price};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::instance::Callback;
use crate::time::show_time;

/// What the tooltip reads: the candles last drawn, the time zone, and the market's price decimals.
pub type TooltipData = Rc<RefCell<Option<(Candles, TzMode, usize)>>>;

/// The formatter: ECharts' axis tooltip parameters in, HTML out.
pub fn candle_tooltip(data: TooltipData) -> Callback {
    Closure::new(move |params: JsValue| -> JsValue {
        // An axis tooltip passes one entry per series; any of them carries the axis value.
        let first = if js_sys::Array::is_array(&params) {
            js_sys::Array::from(&params).get(0)
        } else {
            params
        };
        let Some(ms) = js_sys::Reflect::get(&first, &"axisValue".into())
            .ok()
            .and_then(|v| v.as_f64())
        else {
            return JsValue::from_str("");
        };
        let text = data.borrow().as_ref().and_then(|(candles, tz, decimals)| {
            let candle = candle_at(candles, ms as i64 * 1000)?;
            Some(candle_html(
                &candle,
                candles.interval.name(),
                *tz,
                *decimals,
            ))
        });
        JsValue::from_str(&text.unwrap_or_default())
    })
}

/// The candle of the interval holding `us`.
fn candle_at(candles: &Candles, us: i64) -> Option<Candle> {
    let start = candles.interval.floor(us);
    let i = candles.start.partition_point(|&s| s < start);
    candles.get(i).filter(|c| c.start == start)
}

/// The candle as the tooltip shows it (numbers only: nothing here comes from the user).
fn candle_html(c: &Candle, interval: &str, tz: TzMode, decimals: usize) -> String {
    let row =
        |name: &str, value: String| format!("<tr><td>{name}</td><td align=right>{value}</td></tr>");
    let price = |p: f64| price(p, decimals);
    let rows = [
        row("Open", price(c.open)),
        row("High", price(c.high)),
        row("Low", price(c.low)),
        row("Close", price(c.close)),
        row("VWAP", price(c.vwap)),
        row("Buy volume", grouped(c.buy_volume, 4)),
        row("Sell volume", grouped(c.sell_volume, 4)),
        row("Trades", count(c.count)),
    ]
    .concat();
    format!(
        "<b>{}</b> ({interval})<table>{rows}</table>",
        show_time(c.start, tz)
    )
}
