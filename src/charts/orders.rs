//! An orders channel: where orders sit (a heatmap of price × time weighted by amount, bids and asks), and the
//! order flow per interval. The heatmap's axes are categories (ECharts draws heatmaps on no other), so it
//! follows the zoom of the time charts rather than zooming itself.

use charming::Chart;
use charming::component::{Axis, Grid, Legend, VisualMap};
use charming::datatype::DataPoint;
use charming::element::{AxisLabel, AxisType, ItemStyle, Tooltip};
use charming::series::{Bar, Heatmap as HeatmapSeries, Line};
use tickscope_core::ZoomFrame;
use tickscope_core::aggregate::{BySide, Flow, Heatmap};

use super::{BUY, SELL, chart, ms, time_chart};

/// Bids and asks as two heatmap series over the same grid, each with its own colour scale; columns labelled
/// by `time_label` (µs → text in the chosen time zone).
pub fn orders_chart(heatmap: &Heatmap, time_label: impl Fn(i64) -> String) -> Chart {
    let times: Vec<String> = heatmap.time.iter().map(|&t| time_label(t)).collect();
    let prices: Vec<String> = heatmap
        .price_edges
        .windows(2)
        .map(|e| format!("{:.2}", e[0]))
        .collect();
    let cells = |weights: &[f32]| -> Vec<Vec<DataPoint>> {
        let mut out = Vec::new();
        for column in 0..heatmap.columns {
            for row in 0..heatmap.rows {
                let w = weights[heatmap.index(column, row)];
                if w > 0.0 {
                    out.push(vec![
                        (column as f64).into(),
                        (row as f64).into(),
                        f64::from(w).into(),
                    ]);
                }
            }
        }
        out
    };
    let scale = |series: f64, color: &str| {
        VisualMap::new()
            .show(false)
            .series_index(series)
            .min(0)
            .max(f64::from(heatmap.max_weight.max(f32::MIN_POSITIVE)))
            .in_range(
                charming::component::VisualMapChannel::new().color(vec!["rgba(0,0,0,0)", color]),
            )
    };
    chart()
        .grid(Grid::new().left("10%").right("3%").top("12%").bottom("18%"))
        .legend(Legend::new().data(vec!["Bids", "Asks"]))
        .tooltip(Tooltip::new())
        .x_axis(Axis::new().type_(AxisType::Category).data(times))
        // About ten price labels, whatever the number of rows (ECharts would print every one).
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .axis_label(AxisLabel::new().interval((heatmap.rows / 10) as f64))
                .data(prices),
        )
        .visual_map(scale(0.0, BUY))
        .visual_map(scale(1.0, SELL))
        // The series' own colour only paints its legend icon; cells take the visual map's.
        .series(
            HeatmapSeries::new()
                .name("Bids")
                .item_style(ItemStyle::new().color(BUY))
                .data(cells(&heatmap.bids)),
        )
        .series(
            HeatmapSeries::new()
                .name("Asks")
                .item_style(ItemStyle::new().color(SELL))
                .data(cells(&heatmap.asks)),
        )
}

/// Created, changed and deleted events per interval, stacked; the amount added on each side as lines on a
/// second axis.
pub fn flow_chart(flow: &Flow, frame: &ZoomFrame) -> Chart {
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
            "created",
            "changed",
            "deleted",
            "added bids",
            "added asks",
        ]))
        .y_axis(Axis::new().type_(AxisType::Value).name("events"))
        .y_axis(Axis::new().type_(AxisType::Value).name("amount added"))
        .series(series("created", "#2563eb", total(&flow.created)))
        .series(series("changed", "#f59e0b", total(&flow.changed)))
        .series(series("deleted", "#6b7280", total(&flow.deleted)))
        .series(added("added bids", BUY, &flow.added.buy))
        .series(added("added asks", SELL, &flow.added.sell))
}
