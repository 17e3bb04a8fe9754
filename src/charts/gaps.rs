//! The collector's gaps on a time chart: a series of its own ("Gaps", without data) whose mark areas shade each
//! interval without data, above the data, with a tooltip giving the interval and the reason. A mark area's item
//! tooltip wins over the chart's axis tooltip while the pointer is on it.
//!
//! The tooltip's text is the area's name, built here as plain text and made HTML by one formatter: a reason comes
//! from the server and is escaped, and a formatter string would read `{a}` in it as a template.

use serde_json::json;
use tickscope_core::{Shade, TzMode};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::{ms, push_series, set, to_js};
use crate::time::{clock, short_span, show_time};

/// The series' name, for whoever reads the option.
pub const GAPS_SERIES: &str = "Gaps";

/// Translucent slate (not the sells' red): on the page's light and dark backgrounds alike, it tints what is behind
/// it without hiding it; the border keeps a gap of a pixel's width visible.
const FILL: &str = "rgba(148,163,184,0.22)";
const FILL_HOVER: &str = "rgba(148,163,184,0.38)";
const BORDER: &str = "rgba(148,163,184,0.75)";

/// Adds `shades` to `option` (a finished option with its `series`) as the series [`GAPS_SERIES`]; no series
/// when there is none, so a chart without gaps is unchanged.
pub fn shade_gaps(option: &JsValue, shades: &[Shade], tz: TzMode) {
    if shades.is_empty() {
        return;
    }
    let areas: Vec<_> = shades
        .iter()
        .map(|s| json!([{ "name": describe(s, tz), "xAxis": ms(s.from) }, { "xAxis": ms(s.to) }]))
        .collect();
    let style = |fill: &str| json!({ "color": fill, "borderColor": BORDER, "borderWidth": 1 });
    let series = to_js(&json!({
        "type": "line",
        "name": GAPS_SERIES,
        "data": [],
        "markArea": {
            "label": { "show": false },
            "itemStyle": style(FILL),
            "emphasis": { "label": { "show": false }, "itemStyle": style(FILL_HOVER) },
            // Inside the chart: a reason can be long, and a chart's box is narrow.
            "tooltip": { "trigger": "item", "confine": true },
            "data": areas,
        },
    }));
    // Above the data: a candle or bar of an interval holding a gap would hide it, and its tooltip. ECharts draws
    // every mark area at the z of the chart's one `markArea` component, not a series' own.
    set(option, &["markArea"], to_js(&json!({ "z": 5 })));
    TOOLTIP.with(|f| {
        set(
            &series,
            &["markArea", "tooltip", "formatter"],
            f.as_ref().clone(),
        )
    });
    push_series(option, &series);
}

/// The area's text: the interval and how long, then why (each channel's reason when several are shaded as one).
fn describe(shade: &Shade, tz: TzMode) -> String {
    let from = show_time(shade.from, tz);
    let to = show_time(shade.to, tz);
    // The end's date only when it is another day's.
    let to = if from.split(' ').next() == to.split(' ').next() {
        clock(shade.to, tz)
    } else {
        to
    };
    let ongoing = if shade.is_open() { ", ongoing" } else { "" };
    let mut lines = vec![format!(
        "No data {from} – {to} ({}{ongoing})",
        short_span(shade.micros())
    )];
    let one_channel = shade
        .bands
        .iter()
        .all(|b| b.channel == shade.bands[0].channel);
    for band in &shade.bands {
        let line = if one_channel {
            band.reason.clone()
        } else {
            format!("{}: {}", band.channel, band.reason)
        };
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.join("\n")
}

thread_local! {
    /// The mark areas' formatter: the area's name (see [`describe`]), its first line bold.
    static TOOLTIP: Closure<dyn Fn(JsValue) -> JsValue> = Closure::new(|params: JsValue| {
        let name = js_sys::Reflect::get(&params, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let mut lines = name.lines().map(escape);
        let head = lines.next().unwrap_or_default();
        let rest: Vec<String> = lines.collect();
        JsValue::from_str(&format!("<b>{head}</b><br>{}", rest.join("<br>")))
    });
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
