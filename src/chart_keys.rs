//! The time charts from the keyboard: ← and → pan the visible window by a tenth of its width, + and − zoom in and
//! out by a quarter around the instant under the pointer (the window's middle when the pointer is elsewhere).
//! Escape ends a measuring drag and clears the measurement. Keys typed into a field, or with a modifier held (the
//! browser's own shortcuts), are left alone.

use leptos::prelude::*;
use tickscope_core::ZoomFrame;
use wasm_bindgen::JsCast;

use crate::charts::measure::Measuring;
use crate::charts::pointer::Pointer;
use crate::form::Form;
use crate::loader::TimeAxis;

/// What a key does to the window.
fn step(key: &str, frame: &ZoomFrame, under: Option<i64>) -> Option<ZoomFrame> {
    match key {
        "ArrowLeft" => Some(frame.panned(-0.1)),
        "ArrowRight" => Some(frame.panned(0.1)),
        "+" | "=" => Some(frame.scaled(0.75, under)),
        "-" | "_" => Some(frame.scaled(1.0 / 0.75, under)),
        _ => None,
    }
}

/// Whether the key goes to something that takes keys itself: a field, a list that scrolls (the tape).
fn typed_into(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    element
        .closest("input, select, textarea, [contenteditable], .tape")
        .ok()
        .flatten()
        .is_some()
}

/// Listens for the keys for the page's life.
pub fn use_chart_keys(form: Form, axis: TimeAxis, pointer: Pointer, measuring: Measuring) {
    let listener = window_event_listener(leptos::ev::keydown, move |event| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() || typed_into(&event) {
            return;
        }
        if event.key() == "Escape" {
            measuring.cancel();
            form.measure.set(None);
            return;
        }
        let Some((from, to)) = axis.range() else {
            return;
        };
        let frame = ZoomFrame::new(from, to, form.zoom.get_untracked());
        if let Some(moved) = step(&event.key(), &frame, pointer.hover.get_untracked()) {
            event.prevent_default();
            form.zoom.set(moved.zoom());
        }
    });
    on_cleanup(move || listener.remove());
}
