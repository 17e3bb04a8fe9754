//! Measuring on a price chart: a drag with Shift held, or any drag while the Measure toggle is on, from one
//! instant to another sets the measurement (the link's `measure`), which every trades panel reads out and shades.
//! The drag is taken from the chart's box before ECharts sees it (listeners in the capture phase, the pointer
//! captured, the press cancelled so that no mouse events follow), so it does not pan the chart; while it lasts, a
//! band follows the pointer and the read-outs follow the span under it (`preview`), which goes into the link when
//! the drag ends. A press that does not drag pins the book's instant, as a click does otherwise.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use tickscope_core::ZoomFrame;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::echarts::Instance;
use super::instance::Callback;
use super::pointer::{number, time_at, time_at_pixel};
use crate::loader::TimeAxis;

/// A drag shorter than this (px) is a click, not a measurement.
const MIN_DRAG_PX: f64 = 4.0;

/// The page's measurement and how it is made; one for the page, in context.
#[derive(Clone, Copy)]
pub struct Measuring {
    /// The measured instants, `from < to`: the form's `measure`.
    pub span: RwSignal<Option<(i64, i64)>>,
    /// The Measure toggle: a drag on a price chart measures without Shift.
    pub armed: RwSignal<bool>,
    /// The span under a drag while it lasts.
    pub preview: RwSignal<Option<(i64, i64)>>,
    /// The book's pinned instant (the form's `at`).
    pinned: RwSignal<Option<i64>>,
    /// The charts' zoom and range: a drag's end is kept inside the visible window.
    zoom: RwSignal<Option<(i64, i64)>>,
    axis: TimeAxis,
    /// The drag under way, on whichever price chart: one pointer drags at a time.
    drag: StoredValue<Option<Drag>, LocalStorage>,
}

/// A drag under way: where it started, and its band.
struct Drag {
    x: f64,
    at: i64,
    band: web_sys::Element,
}

/// Listeners on an element, removed when dropped (with the chart that holds them): no event reaches a closure
/// that is gone.
pub struct Listeners {
    element: web_sys::Element,
    handlers: Vec<(&'static str, Callback)>,
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (name, handler) in &self.handlers {
            let _ = self.element.remove_event_listener_with_callback_and_bool(
                name,
                handler.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}

impl Measuring {
    pub fn new(
        span: RwSignal<Option<(i64, i64)>>,
        pinned: RwSignal<Option<i64>>,
        zoom: RwSignal<Option<(i64, i64)>>,
        axis: TimeAxis,
    ) -> Self {
        Self {
            span,
            armed: RwSignal::new(false),
            preview: RwSignal::new(None),
            pinned,
            zoom,
            axis,
            drag: StoredValue::new_local(None),
        }
    }

    /// Ends a drag under way without measuring (Escape, a lost pointer).
    pub fn cancel(&self) {
        if let Some(drag) = self.drag.try_update_value(Option::take).flatten() {
            drag.band.remove();
            self.preview.set(None);
        }
    }

    /// Listens on `element`, the box of the chart `instance` draws, until what is returned is dropped.
    pub fn attach(self, instance: &Instance, element: &web_sys::Element) -> Listeners {
        let handle = || -> Instance { (**instance).clone().unchecked_into() };
        // A drag just ended here: the click it makes is not a click on the chart.
        let swallow_click = Rc::new(Cell::new(false));
        let down = {
            let (swallow, element, chart) = (swallow_click.clone(), element.clone(), handle());
            handler(move |event| {
                swallow.set(false);
                self.cancel();
                let wants = number(&event, "button") == Some(0.0)
                    && (flag(&event, "shiftKey") || self.armed.get_untracked());
                if let (true, Some(at), Some(x)) =
                    (wants, time_at(&chart, &event), number(&event, "offsetX"))
                {
                    take(&event);
                    if let Some(id) = number(&event, "pointerId") {
                        let _ = element.set_pointer_capture(id as i32);
                    }
                    let drag = band(&element, x).map(|band| Drag { x, at, band });
                    self.drag.set_value(drag);
                }
            })
        };
        let moved = {
            let (element, chart) = (element.clone(), handle());
            handler(move |event| {
                if self.drag.with_value(Option::is_none) {
                    return;
                }
                take(&event);
                // The button was let go where no release reached us (another window took the pointer).
                if number(&event, "buttons").is_some_and(|b| b as u32 & 1 == 0) {
                    return self.cancel();
                }
                let x = clamp_x(&element, number(&event, "offsetX"));
                let y = number(&event, "offsetY").unwrap_or(0.0);
                let span = self.drag.with_value(|d| {
                    let d = d.as_ref()?;
                    place(&d.band, d.x, x.unwrap_or(d.x));
                    self.span_to(d, &chart, x.unwrap_or(d.x), y)
                });
                if span.is_some() && self.preview.get_untracked() != span {
                    self.preview.set(span);
                }
            })
        };
        let up = {
            let (swallow, element, chart) = (swallow_click.clone(), element.clone(), handle());
            handler(move |event| {
                let Some(drag) = self.drag.try_update_value(Option::take).flatten() else {
                    return;
                };
                take(&event);
                drag.band.remove();
                self.preview.set(None);
                swallow.set(true);
                let x = clamp_x(&element, number(&event, "offsetX")).unwrap_or(drag.x);
                let y = number(&event, "offsetY").unwrap_or(0.0);
                if (x - drag.x).abs() < MIN_DRAG_PX {
                    // A click after all: it pins the book, as a click that is not measuring does.
                    self.pinned.set(Some(drag.at));
                } else if let Some(span) = self.span_to(&drag, &chart, x, y) {
                    self.span.set(Some(span));
                }
            })
        };
        let cancelled = || handler(move |_| self.cancel());
        let touched = || {
            handler(move |event| {
                // A finger's drag: ECharts listens to touch events, which a cancelled press does not stop.
                if self.drag.with_value(Option::is_some) {
                    take(&event);
                }
            })
        };
        let click = handler(move |event| {
            if swallow_click.replace(false) {
                take(&event);
            }
        });
        let handlers = vec![
            ("pointerdown", down),
            ("pointermove", moved),
            ("pointerup", up),
            ("pointercancel", cancelled()),
            ("lostpointercapture", cancelled()),
            ("touchstart", touched()),
            ("touchmove", touched()),
            ("click", click),
        ];
        for (name, handler) in &handlers {
            let _ = element.add_event_listener_with_callback_and_bool(
                name,
                handler.as_ref().unchecked_ref(),
                true,
            );
        }
        Listeners {
            element: element.clone(),
            handlers,
        }
    }

    /// The span from where `drag` began to pixel `(x, y)`, its end kept inside the visible window; `None` when
    /// empty.
    fn span_to(&self, drag: &Drag, chart: &Instance, x: f64, y: f64) -> Option<(i64, i64)> {
        let at = self.inside_window(time_at_pixel(chart, x, y, true)?);
        let span = (drag.at.min(at), drag.at.max(at));
        (span.0 < span.1).then_some(span)
    }

    /// `at` kept inside the charts' visible window.
    fn inside_window(&self, at: i64) -> i64 {
        match self.axis.range() {
            Some((from, to)) => {
                let (w0, w1) = ZoomFrame::new(from, to, self.zoom.get_untracked()).window;
                at.clamp(w0, w1.max(w0))
            }
            None => at,
        }
    }
}

fn handler(f: impl Fn(JsValue) + 'static) -> Callback {
    Closure::new(move |event: JsValue| -> JsValue {
        f(event);
        JsValue::UNDEFINED
    })
}

/// The event is the measurement's: neither ECharts (which would pan) nor the browser (which would select text
/// and send the mouse events that follow) acts on it.
fn take(event: &JsValue) {
    let event: &web_sys::Event = event.unchecked_ref();
    event.prevent_default();
    event.stop_propagation();
}

fn flag(event: &JsValue, key: &str) -> bool {
    js_sys::Reflect::get(event, &key.into()).is_ok_and(|v| v.is_truthy())
}

/// `x` within the chart's box (a captured pointer may move past it).
fn clamp_x(element: &web_sys::Element, x: Option<f64>) -> Option<f64> {
    Some(x?.clamp(0.0, f64::from(element.client_width())))
}

/// A band over the chart's box from `x`, while the drag lasts.
fn band(element: &web_sys::Element, x: f64) -> Option<web_sys::Element> {
    let band = element.owner_document()?.create_element("div").ok()?;
    band.set_class_name("measure-band");
    place(&band, x, x);
    element.append_child(&band).ok()?;
    Some(band)
}

fn place(band: &web_sys::Element, a: f64, b: f64) {
    let style = format!("left: {}px; width: {}px", a.min(b), (a - b).abs());
    let _ = band.set_attribute("style", &style);
}
