//! An orders channel's book over time: the mid price and the spread at the end of each interval, from the same
//! engine as the book at an instant (`tickscope_core::book::book_series`), on the load's time axis.

use charming::component::{Axis, Legend};
use charming::element::{AxisType, ItemStyle};
use charming::series::Line;
use tickscope_core::book::BookPoint;
use tickscope_core::{Shade, ZoomFrame};
use wasm_bindgen::JsValue;

use super::gaps::shade_gaps;
use super::{Look, finish, ms, time_chart};

/// The mid (left axis) and the spread (right axis) per interval; intervals before the book has both sides are
/// left out.
pub fn spread_options(
    points: &[BookPoint],
    frame: &ZoomFrame,
    look: Look,
    gaps: &[Shade],
) -> JsValue {
    let series = |pick: fn(&BookPoint) -> Option<f64>| -> Vec<Vec<f64>> {
        points
            .iter()
            .filter_map(|p| Some(vec![ms(p.at), pick(p)?]))
            .collect()
    };
    let chart = time_chart(frame)
        .legend(Legend::new().data(vec!["Mid", "Spread"]))
        .y_axis(Axis::new().type_(AxisType::Value).scale(true).name("mid"))
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .scale(true)
                .name("spread"),
        )
        .series(
            Line::new()
                .name("Mid")
                .show_symbol(false)
                .item_style(ItemStyle::new().color("#7c3aed"))
                .data(series(|p| p.mid)),
        )
        .series(
            Line::new()
                .name("Spread")
                .y_axis_index(1)
                .show_symbol(false)
                .item_style(ItemStyle::new().color("#0891b2"))
                .data(series(|p| p.spread)),
        );
    let option = finish(&chart, look.tz);
    shade_gaps(&option, gaps, look.tz);
    option
}
