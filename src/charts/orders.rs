//! An orders channel: where orders sit (a heatmap of price × time weighted by amount, bids and asks), and the
//! order flow per interval, both on the load's time axis and zooming with the other charts.
//!
//! ECharts draws its heatmap series on category axes only, so the heatmap is a custom series of rectangles on a
//! time axis and a price axis; the function that draws a cell is a Rust closure (the page's CSP forbids building
//! one from text), made once.

use charming::Chart;
use charming::component::{Axis, Legend, VisualMap, VisualMapChannel};
use charming::element::{AxisType, ItemStyle};
use charming::series::{Bar, Line};
use serde_json::json;
use tickscope_core::aggregate::{BySide, Flow, Heatmap, HeatmapParams, Interval, flow, heatmap};
use tickscope_core::{Columns, Shade, ZoomFrame};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::gaps::shade_gaps;
use super::{BUY, Look, SELL, finish, ms, set, time_chart, to_js};

/// The order heatmap's and the order flow's options over `frame`'s window, with `gaps` shaded.
pub fn orders_options(
    chunks: &[&Columns],
    frame: &ZoomFrame,
    interval: Interval,
    look: Look,
    gaps: &[Shade],
) -> [JsValue; 2] {
    let (w0, w1) = frame.window;
    let params = HeatmapParams {
        interval: look.iv,
        ..HeatmapParams::default()
    };
    let map = heatmap(chunks, w0, w1, &params);
    let options = [
        heatmap_options(&map, frame, look),
        finish(&flow_chart(&flow(chunks, w0, w1, interval), frame), look.tz),
    ];
    for option in &options {
        shade_gaps(option, gaps, look.tz);
    }
    options
}

/// Bids and asks as two series of cells over the same grid, each with its own colour scale.
fn heatmap_options(map: &Heatmap, frame: &ZoomFrame, look: Look) -> JsValue {
    // From a faint tint of the side's colour to the colour itself: a fade to transparent black would grey it.
    let scale = |series: f64, faint: &str, color: &str| {
        VisualMap::new()
            .show(false)
            .series_index(series)
            .dimension(2)
            .min(0)
            .max(f64::from(map.max_weight.max(f32::MIN_POSITIVE)))
            .in_range(VisualMapChannel::new().color(vec![faint, color]))
    };
    let chart = time_chart(frame)
        .legend(Legend::new().data(vec!["Bids", "Asks"]))
        .y_axis(Axis::new().type_(AxisType::Value).scale(true).name("price"))
        .visual_map(scale(0.0, "rgba(22,163,74,0.06)", BUY))
        .visual_map(scale(1.0, "rgba(220,38,38,0.06)", SELL));
    let option = finish(&chart, look.tz);
    let series = |name: &str, color: &str, weights: &[f32]| {
        json!({
            "type": "custom",
            "name": name,
            // Cells straddling the window's ends would paint over the axes: custom series do not clip by default.
            "clip": true,
            "itemStyle": { "color": color },
            // x: the cell's start and end, y: its low and high price, so the axes take in whole cells.
            "encode": { "x": [0, 3], "y": [1, 4], "tooltip": [2] },
            "data": cells(map, weights),
        })
    };
    let all = json!([
        series("Bids", BUY, &map.bids),
        series("Asks", SELL, &map.asks)
    ]);
    let all = to_js(&all);
    RENDER_CELL.with(|render| {
        for i in 0..2 {
            let series = js_sys::Reflect::get(&all, &i.into()).unwrap_or(JsValue::NULL);
            set(&series, &["renderItem"], render.clone());
        }
    });
    set(&option, &["series"], all);
    // An item tooltip: the axis tooltip of a time chart has nothing to say about a cell.
    set(&option, &["tooltip", "trigger"], "item".into());
    // The crosshair's line all the same, where the pointer is on any time chart (the charts are connected).
    let pointer = serde_json::json!({ "show": true, "snap": false, "triggerTooltip": false, "label": { "show": false } });
    set(&option, &["xAxis", "axisPointer"], to_js(&pointer));
    option
}

/// `[start ms, low price, weight, end ms, high price]` of every cell with a weight.
fn cells(map: &Heatmap, weights: &[f32]) -> Vec<[f64; 5]> {
    let width = map.interval.micros();
    let mut out = Vec::new();
    for column in 0..map.columns {
        let start = map.time[column];
        for row in 0..map.rows {
            let w = weights[map.index(column, row)];
            if w > 0.0 {
                out.push([
                    ms(start),
                    map.price_edges[row],
                    f64::from(w),
                    ms(start.saturating_add(width)),
                    map.price_edges[row + 1],
                ]);
            }
        }
    }
    out
}

#[wasm_bindgen(module = "/src/charts/render_cell.js")]
extern "C" {
    /// ECharts' `renderItem` for a cell: a rectangle from `(start, high)` to `(end, low)`, in the colour the
    /// series' visual map gives its weight. In JS: ECharts calls it per cell on every render.
    #[wasm_bindgen(thread_local_v2, js_name = renderCell)]
    static RENDER_CELL: JsValue;
}

fn flow_chart(flow: &Flow, frame: &ZoomFrame) -> Chart {
    let series = |name: &str, color: &str, counts: Vec<u64>| {
        let data: Vec<Vec<f64>> = flow
            .start
            .iter()
            .zip(counts)
            .map(|(&t, n)| vec![ms(t), n as f64])
            .collect();
        Bar::new()
            .name(name)
            .stack("events")
            .item_style(ItemStyle::new().color(color))
            .data(data)
    };
    let total = |by: &BySide<Vec<u64>>| -> Vec<u64> {
        by.buy.iter().zip(&by.sell).map(|(b, s)| b + s).collect()
    };
    let added = |name: &str, color: &str, amounts: &[f64]| {
        let data: Vec<Vec<f64>> = flow
            .start
            .iter()
            .zip(amounts)
            .map(|(&t, &a)| vec![ms(t), a])
            .collect();
        Line::new()
            .name(name)
            .y_axis_index(1)
            .show_symbol(false)
            .item_style(ItemStyle::new().color(color))
            .data(data)
    };
    time_chart(frame)
        .legend(Legend::new().data(vec![
            "Created",
            "Changed",
            "Deleted",
            "Added, bids",
            "Added, asks",
        ]))
        .y_axis(Axis::new().type_(AxisType::Value).name("events"))
        .y_axis(Axis::new().type_(AxisType::Value).name("amount added"))
        .series(series("Created", "#2563eb", total(&flow.created)))
        .series(series("Changed", "#f59e0b", total(&flow.changed)))
        .series(series("Deleted", "#6b7280", total(&flow.deleted)))
        .series(added("Added, bids", BUY, &flow.added.buy))
        .series(added("Added, asks", SELL, &flow.added.sell))
}
