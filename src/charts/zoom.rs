//! Zooming a chart: its `datazoom` events become the shared zoom window, which every chart then recomputes
//! its data for. The linked charts follow the gesture itself at once (ECharts' `connect`).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use tickscope_core::ZoomFrame;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::instance::Callback;

/// The data is recomputed once the gesture pauses this long.
const SETTLE_MS: u64 = 150;

/// A `datazoom` handler that sets `zoom` to the window the user zoomed to within `range()`.
pub fn zoom_handler(
    zoom: RwSignal<Option<(i64, i64)>>,
    range: impl Fn() -> Option<(i64, i64)> + 'static,
) -> Callback {
    let range = Rc::new(range);
    let generation = Rc::new(Cell::new(0u32));
    Closure::new(move |event: JsValue| -> JsValue {
        let Some((start, end)) = percent_of(&event) else {
            return JsValue::UNDEFINED;
        };
        let ticket = generation.get().wrapping_add(1);
        generation.set(ticket);
        let (generation, range) = (generation.clone(), range.clone());
        set_timeout(
            move || {
                if generation.get() != ticket {
                    return;
                }
                if let Some((from, to)) = range() {
                    let frame = ZoomFrame::new(from, to, zoom.get_untracked());
                    let window = frame.zoomed_to(start, end).zoom();
                    if window != zoom.get_untracked() {
                        zoom.set(window);
                    }
                }
            },
            Duration::from_millis(SETTLE_MS),
        );
        JsValue::UNDEFINED
    })
}

/// `start` and `end` (percent) of a slider's event, or of the first of an inside zoom's `batch`.
fn percent_of(event: &JsValue) -> Option<(f64, f64)> {
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).ok();
    let batch = get(event, "batch").filter(|b| b.is_object());
    let zoom = match batch {
        Some(b) => js_sys::Reflect::get(&b, &0.into()).ok()?,
        None => event.clone(),
    };
    Some((get(&zoom, "start")?.as_f64()?, get(&zoom, "end")?.as_f64()?))
}
