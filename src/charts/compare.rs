//! Channels side by side: each trades channel's price as percent change from the start of the visible window.

use charming::Chart;
use charming::component::{Axis, Legend};
use charming::element::{AxisLabel, AxisType};
use charming::series::Line;
use tickscope_core::aggregate::Compare;
use tickscope_core::{Shade, TzMode, ZoomFrame};
use wasm_bindgen::JsValue;

use super::gaps::shade_gaps;
use super::{finish, ms, time_chart};

/// One line per `(name, series)`, on one percent scale, with `gaps` shaded.
pub fn compare_options(
    series: &[(String, Compare)],
    frame: &ZoomFrame,
    tz: TzMode,
    gaps: &[Shade],
) -> JsValue {
    let option = finish(&compare_chart(series, frame), tz);
    shade_gaps(&option, gaps, tz);
    option
}

fn compare_chart(series: &[(String, Compare)], frame: &ZoomFrame) -> Chart {
    let names: Vec<&str> = series.iter().map(|(name, _)| name.as_str()).collect();
    let mut chart = time_chart(frame).legend(Legend::new().data(names)).y_axis(
        Axis::new()
            .type_(AxisType::Value)
            .scale(true)
            .axis_label(AxisLabel::new().formatter("{value} %")),
    );
    for (name, compare) in series {
        let data: Vec<Vec<f64>> = compare
            .start
            .iter()
            .zip(&compare.percent)
            .map(|(&t, &p)| vec![ms(t), p])
            .collect();
        chart = chart.series(
            Line::new()
                .name(name.as_str())
                .show_symbol(false)
                .data(data),
        );
    }
    chart
}
