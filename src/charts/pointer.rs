//! The instant under the pointer: moving over any time chart's plot sets it (the book shows that instant),
//! leaving the plot clears it, and a click pins it (the link's `at`). One [`Pointer`] for the page, in context;
//! every time chart reports to it. Read from the pixel under the pointer, so that every series type (the
//! heatmap's custom cells too) and the gaps between data points give an instant.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::echarts::Instance;
use super::instance::Callback;

#[derive(Clone, Copy)]
pub struct Pointer {
    /// The instant under the pointer (µs), while over a time chart's plot.
    pub hover: RwSignal<Option<i64>>,
    /// The pinned instant: the form's `at`.
    pub pinned: RwSignal<Option<i64>>,
}

impl Pointer {
    pub fn new(pinned: RwSignal<Option<i64>>) -> Self {
        Self {
            hover: RwSignal::new(None),
            pinned,
        }
    }

    /// The instant to show: under the pointer, else the pinned one (`None`: the range's end).
    pub fn instant(&self) -> Option<i64> {
        self.hover.get().or(self.pinned.get())
    }

    /// Listens to `instance`'s surface; the listeners live as long as what is returned.
    pub fn attach(self, instance: &Instance) -> Vec<Callback> {
        let surface = instance.surface();
        let chart: Instance = (**instance).clone().unchecked_into();
        let hover = self.hover;
        let set_hover = move |at: Option<i64>| {
            if hover.get_untracked() != at {
                hover.set(at);
            }
        };
        let moved = Closure::new(move |event: JsValue| -> JsValue {
            set_hover(time_at(&chart, &event));
            JsValue::UNDEFINED
        });
        let out = Closure::new(move |_: JsValue| -> JsValue {
            set_hover(None);
            JsValue::UNDEFINED
        });
        let clicked: Instance = (**instance).clone().unchecked_into();
        let click = Closure::new(move |event: JsValue| -> JsValue {
            // Where the click is, not the last hover: a click on the zoom slider, off the plot, pins nothing.
            if let Some(at) = time_at(&clicked, &event) {
                self.pinned.set(Some(at));
            }
            JsValue::UNDEFINED
        });
        for (event, handler) in [
            ("mousemove", &moved),
            ("globalout", &out),
            ("click", &click),
        ] {
            surface.on_surface(event, handler.as_ref().unchecked_ref());
        }
        vec![moved, out, click]
    }
}

/// The instant (µs) on the time axis under an event's pixel (`offsetX`, `offsetY`: a surface event's or a DOM
/// pointer event's on the chart's box), when it is over the plot.
pub fn time_at(chart: &Instance, event: &JsValue) -> Option<i64> {
    time_at_pixel(
        chart,
        number(event, "offsetX")?,
        number(event, "offsetY")?,
        false,
    )
}

/// An event's numeric field (`offsetX`, `button`, …).
pub fn number(event: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(event, &key.into()).ok()?.as_f64()
}

/// The instant (µs) on the time axis at pixel `(x, y)` of the chart; off the plot, `None` unless `anywhere`
/// (the axis extended).
pub fn time_at_pixel(chart: &Instance, x: f64, y: f64, anywhere: bool) -> Option<i64> {
    let pixel = js_sys::Array::of2(&x.into(), &y.into());
    let grid = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&grid, &"gridIndex".into(), &0.into());
    if !anywhere && !chart.contain_pixel(&grid, &pixel) {
        return None;
    }
    // `[x, y]` in the grid's values: x is ms on the time axis.
    let ms = js_sys::Reflect::get(&chart.convert_from_pixel(&grid, &pixel), &0.into())
        .ok()?
        .as_f64()?;
    ms.is_finite().then(|| (ms * 1000.0).round() as i64)
}
