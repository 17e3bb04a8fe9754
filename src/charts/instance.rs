//! One ECharts instance per chart container: created on the first draw, updated in place afterwards, linked to
//! the other time charts (zoom and hover), resized with the window, exported as PNG, disposed with the component
//! that made it.

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::echarts::{self, Instance};
use super::measure::{Listeners, Measuring};
use super::pointer::Pointer;

/// The charts that zoom and hover together: every chart with a time axis.
const GROUP: &str = "tickscope";

/// A JS callback an instance holds (tooltip formatter, event handler).
pub type Callback = Closure<dyn Fn(JsValue) -> JsValue>;

/// A chart: a copyable handle to its instance, for the component that draws it and the box that shows it.
#[derive(Clone, Copy)]
pub struct Chart(StoredValue<ChartInstance, LocalStorage>);

/// Not `Clone`: a clone would share the instance, and two containers would draw into one.
pub struct ChartInstance {
    id: String,
    /// The `datazoom` handler of a chart that zooms with the others.
    on_zoom: Option<Callback>,
    /// Where a time chart reports the instant under the pointer.
    pointer: Option<Pointer>,
    /// Where a price chart's drags measure (see [`Chart::measured`]).
    measuring: Option<Measuring>,
    /// The pointer's listeners on the instance, kept alive with it.
    listeners: RefCell<Vec<Callback>>,
    /// The measurement's on the chart's box, removed with it.
    measure_listeners: RefCell<Option<Listeners>>,
    echarts: RefCell<Option<Instance>>,
}

impl Chart {
    /// The chart in the element with id `id`, resized with the window and disposed with the calling component.
    /// With `on_zoom`, it is a time chart: it joins the linked group, gets `on_zoom` for its `datazoom` events,
    /// and reports the instant under the pointer to the page's [`Pointer`] (when there is one in context).
    pub fn new(id: String, on_zoom: Option<Callback>) -> Self {
        let pointer = on_zoom.as_ref().and_then(|_| use_context::<Pointer>());
        let chart = Self(StoredValue::new_local(ChartInstance {
            id,
            on_zoom,
            pointer,
            measuring: None,
            listeners: RefCell::new(Vec::new()),
            measure_listeners: RefCell::new(None),
            echarts: RefCell::new(None),
        }));
        let resize = window_event_listener(leptos::ev::resize, move |_| chart.resize());
        on_cleanup(move || {
            resize.remove();
            chart.dispose();
        });
        chart
    }

    /// The chart measures: its drags (with Shift, or with the Measure toggle on) set the page's [`Measuring`]
    /// span, when there is one in context. Before the first draw.
    pub fn measured(self) -> Self {
        let measuring = use_context::<Measuring>();
        self.0.update_value(|c| c.measuring = measuring);
        self
    }

    pub fn id(&self) -> String {
        self.0.with_value(|c| c.id.clone())
    }

    /// Draws `option`, reusing the instance. Series missing from `option` are removed; zoom and other components
    /// keep their state. Nothing once the chart is gone.
    pub fn draw(&self, option: &JsValue) {
        self.0.try_with_value(|chart| {
            let mut slot = chart.echarts.borrow_mut();
            if slot.is_none() {
                let Some(element) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&chart.id))
                else {
                    return;
                };
                let instance = match echarts::init(&element, if is_dark() { "dark" } else { "" }) {
                    Ok(instance) => instance,
                    Err(why) => return show_failure(&element, &why),
                };
                if let Some(handler) = &chart.on_zoom {
                    instance.set_group(GROUP);
                    echarts::connect(GROUP);
                    instance.on("datazoom", handler.as_ref().unchecked_ref());
                }
                if let Some(pointer) = chart.pointer {
                    *chart.listeners.borrow_mut() = pointer.attach(&instance);
                }
                if let Some(measuring) = chart.measuring {
                    *chart.measure_listeners.borrow_mut() =
                        Some(measuring.attach(&instance, &element));
                }
                *slot = Some(instance);
            }
            if let Some(instance) = slot.as_ref()
                && let Err(why) = instance.set_option(option, &replace_series())
            {
                web_sys::console::error_2(&"chart: ECharts refused the option:".into(), &why);
            }
        });
    }

    /// The chart as a PNG data URL at twice its size, on the page's background.
    pub fn png(&self) -> Option<String> {
        let options = js_sys::Object::new();
        let set = |k: &str, v: JsValue| js_sys::Reflect::set(&options, &k.into(), &v);
        let _ = set("type", "png".into());
        let _ = set("pixelRatio", 2.into());
        let surface = if is_dark() { "#171b21" } else { "#ffffff" };
        let _ = set("backgroundColor", surface.into());
        self.0
            .with_value(|c| Some(c.echarts.borrow().as_ref()?.get_data_url(&options)))
    }

    fn resize(&self) {
        self.0.try_with_value(|c| {
            if let Some(instance) = c.echarts.borrow().as_ref() {
                instance.resize();
            }
        });
    }

    /// Frees the instance (its canvas, listeners and memory) before the callbacks it holds go.
    fn dispose(&self) {
        self.0.try_with_value(|c| {
            if let Some(instance) = c.echarts.borrow_mut().take() {
                instance.dispose();
            }
        });
    }
}

/// Says in the chart's place that it cannot be drawn (and why, in the console): a missing chart, not a blank box.
fn show_failure(element: &web_sys::Element, why: &JsValue) {
    web_sys::console::error_2(&"chart: ECharts is not available:".into(), why);
    element.set_text_content(Some(
        "This chart cannot be drawn: the chart library did not load. Reload the page to try again.",
    ));
    let _ = element.class_list().add_1("chart-failed");
}

/// Draws each chart of a panel in a task of its own, the first at once: ECharts lays out and paints in
/// `setOption`, and a panel's charts drawn in one go made one long task of the main thread.
pub fn draw_apart<const N: usize>(charts: [(Chart, JsValue); N]) {
    let mut charts = charts.into_iter();
    if let Some((first, option)) = charts.next() {
        first.draw(&option);
    }
    for (chart, option) in charts {
        set_timeout(move || chart.draw(&option), Duration::ZERO);
    }
}

/// `setOption`'s settings: replace the series (a draw may add or drop the trade points), merge the rest.
fn replace_series() -> JsValue {
    let settings = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &settings,
        &"replaceMerge".into(),
        &js_sys::Array::of1(&"series".into()),
    );
    settings.into()
}

/// Whether the system asks for dark colours, as the page's CSS follows it.
pub fn is_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches())
}
