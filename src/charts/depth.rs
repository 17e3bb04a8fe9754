//! An orders channel's depth at one instant: the amount bid at or above each price and asked at or below it,
//! within 1 % of the mid, as two stepped areas on a price axis.

use serde_json::json;
use tickscope_core::Side;
use tickscope_core::book::Book;
use wasm_bindgen::JsValue;

use super::{BUY, SELL, to_js};

/// How far from the mid the depth chart reaches (a fraction).
const DEPTH_WITHIN: f64 = 0.01;

pub fn depth_options(book: &Book) -> JsValue {
    // Bids from the best down: drawn from the lowest price up, so that the price axis reads left to right.
    let mut bids = book.depth(Side::Buy, DEPTH_WITHIN);
    bids.reverse();
    let asks = book.depth(Side::Sell, DEPTH_WITHIN);
    let side = |name: &str, color: &str, step: &str, points: &[(f64, f64)]| {
        json!({
            "type": "line",
            "name": name,
            "step": step,
            "showSymbol": false,
            "itemStyle": { "color": color },
            "areaStyle": { "opacity": 0.25 },
            "data": points.iter().map(|&(p, a)| [p, a]).collect::<Vec<_>>(),
        })
    };
    to_js(&json!({
        "backgroundColor": "transparent",
        "animation": false,
        "grid": { "left": "8%", "right": "8%", "top": "14%", "bottom": "12%" },
        "legend": { "data": ["Bids", "Asks"] },
        "tooltip": { "trigger": "axis" },
        "xAxis": { "type": "value", "scale": true, "name": "price" },
        "yAxis": { "type": "value", "name": "amount" },
        "series": [side("Bids", BUY, "start", &bids), side("Asks", SELL, "end", &asks)],
    }))
}
