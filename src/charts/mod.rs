//! Charts: core aggregates turned into finished ECharts options (pure functions of the aggregates and the look:
//! each module returns the option object `setOption` takes, callbacks included), and the ECharts instances that
//! draw them ([`instance`]). Components never touch an option's paths.

pub mod compare;
pub mod depth;
mod echarts;
pub mod gaps;
pub mod instance;
pub mod measure;
pub mod orders;
pub mod pointer;
pub mod profile;
pub mod redraw;
pub mod spread;
pub mod tooltip;
pub mod trades;
pub mod zoom;

use charming::Chart;
use charming::component::{Axis, DataZoom, DataZoomType, Grid};
use charming::element::{AxisType, Tooltip, Trigger};
use tickscope_core::aggregate::Interval;
use tickscope_core::format::readable;
use tickscope_core::{PriceView, TzMode, ZoomFrame};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

pub const BUY: &str = "#16a34a";
pub const SELL: &str = "#dc2626";

/// What the user chose for the charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub tz: TzMode,
    pub view: PriceView,
    /// `None`: automatic.
    pub iv: Option<Interval>,
}

/// A chart on the page's own background, in light and dark themes alike. No animation: charts are redrawn
/// while pages arrive, and each animated update would repaint every frame for its duration (measured: ECharts
/// then took half of the main thread during a full load).
fn chart() -> Chart {
    Chart::new()
        .background_color("transparent")
        .animation(false)
}

/// A chart over the load's whole range on a time axis, showing `frame`'s window: the slider spans the range,
/// and the series hold the window's data only.
fn time_chart(frame: &ZoomFrame) -> Chart {
    let (start, end) = frame.percent();
    chart()
        .grid(Grid::new().left("8%").right("8%").top("12%").bottom("18%"))
        .x_axis(
            Axis::new()
                .type_(AxisType::Time)
                .min(ms(frame.from))
                .max(ms(frame.to)),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Inside)
                .start(start)
                .end(end),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Slider)
                .start(start)
                .end(end),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
}

/// µs → the ms ECharts' time axis takes.
fn ms(us: i64) -> f64 {
    (us / 1000) as f64
}

/// `chart` as the option object `setOption` takes, with times shown in `tz` (charming has no `useUTC`) and the
/// tooltip's values for reading ([`readable`]; a chart with a formatter of its own shows its own).
fn finish(chart: &Chart, tz: TzMode) -> JsValue {
    let option = to_js(chart);
    set(&option, &["useUTC"], (tz == TzMode::Utc).into());
    VALUE_FORMATTER.with(|f| set(&option, &["tooltip", "valueFormatter"], f.clone()));
    option
}

thread_local! {
    /// One formatter for every chart and draw, made once and kept for the page's life.
    static VALUE_FORMATTER: JsValue = Closure::<dyn Fn(JsValue) -> JsValue>::new(|value: JsValue| {
        value.as_f64().map_or(value, |v| readable(v).into())
    })
    .into_js_value();
}

/// `value` as plain JS values: maps as objects (ECharts reads no `Map`), as JSON would give them.
fn to_js(value: &impl serde::Serialize) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// Adds `series` to a finished option's `series`.
fn push_series(option: &JsValue, series: &JsValue) {
    // The option's own array (`Array::from` would copy it).
    if let Ok(all) = js_sys::Reflect::get(option, &"series".into())
        && let Ok(all) = all.dyn_into::<js_sys::Array>()
    {
        all.push(series);
    }
}

/// Sets `option.<path>` (names, or indices of arrays as digits) to `value`, where the path exists: for what
/// charming cannot say (callbacks, candle colours).
fn set(option: &JsValue, path: &[&str], value: JsValue) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut target = option.clone();
    for key in parents {
        match js_sys::Reflect::get(&target, &(*key).into()) {
            Ok(next) if next.is_object() => target = next,
            _ => return,
        }
    }
    let _ = js_sys::Reflect::set(&target, &(*last).into(), &value);
}
