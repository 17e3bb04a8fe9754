//! A trades channel's volume profile beside its prices: traded volume by price bucket over the visible window,
//! buys and sells stacked, the value area's buckets strong and the rest faint, the point of control outlined.
//! Its price axis is the price chart's ([`price_range`]), so the buckets sit level with the candles.

use serde_json::{Value, json};
use tickscope_core::aggregate::{BySide, Profile};
use tickscope_core::format::grouped;

use super::{BUY, SELL, to_js};
use wasm_bindgen::JsValue;

/// How faint the buckets outside the value area are.
const OUTSIDE_OPACITY: f64 = 0.35;

/// The point of control's outline.
const POC_COLOR: &str = "#f59e0b";

/// The price axis the price chart and the profile share: the profile's round edges. `None` without trades.
pub fn price_range(profile: &Profile) -> Option<(f64, f64)> {
    (!profile.volume.is_empty()).then(|| (profile.low, profile.high()))
}

/// The prices buckets `lo..=hi` cover, for reading: `41,700.00 – 41,750.00`; `decimals` are the market's.
pub fn bucket_prices(profile: &Profile, (lo, hi): (usize, usize), decimals: usize) -> String {
    let edge = |i: usize| grouped(profile.edge(i), decimals);
    format!("{} – {}", edge(lo), edge(hi + 1))
}

/// The profile's option; `decimals` are the market's, for the buckets' labels.
pub fn profile_options(profile: &Profile, decimals: usize) -> JsValue {
    let labels: Vec<String> = (0..profile.volume.len())
        .map(|i| bucket_prices(profile, (i, i), decimals))
        .collect();
    let inside = |i: usize| {
        profile
            .value_area
            .is_some_and(|(lo, hi)| lo <= i && i <= hi)
    };
    let side = |name: &str, color: &str, pick: fn(&BySide<f64>) -> f64| -> Value {
        let data: Vec<Value> = profile
            .volume
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let opacity = if inside(i) { 1.0 } else { OUTSIDE_OPACITY };
                let mut style = json!({ "opacity": opacity });
                if profile.poc == Some(i) {
                    style["borderColor"] = POC_COLOR.into();
                    style["borderWidth"] = 2.into();
                }
                json!({ "value": pick(v), "itemStyle": style })
            })
            .collect();
        json!({
            "type": "bar",
            "name": name,
            "stack": "volume",
            "barCategoryGap": "10%",
            "itemStyle": { "color": color },
            "data": data,
        })
    };
    // The price chart's grid's top and bottom (`time_chart`), so that the two price axes are level.
    to_js(&json!({
        "backgroundColor": "transparent",
        "animation": false,
        "grid": { "left": "4%", "right": "6%", "top": "12%", "bottom": "18%" },
        "legend": { "show": false },
        "tooltip": { "trigger": "axis", "axisPointer": { "type": "shadow" } },
        "xAxis": { "type": "value", "name": "volume", "splitLine": { "show": false },
                   "axisLabel": { "show": false } },
        "yAxis": { "type": "category", "data": labels, "axisLabel": { "show": false },
                   "axisTick": { "show": false } },
        "series": [side("Buys", BUY, |v| v.buy), side("Sells", SELL, |v| v.sell)],
    }))
}
