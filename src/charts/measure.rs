//! Measuring on a price chart: a drag with Shift held, or any drag while the Measure toggle is on, from one
//! instant to another sets the measurement (the link's `measure`), which every trades panel reads out and shades.
//! The drag is taken from the chart's box before ECharts sees it (listeners in the capture phase, the pointer
//! captured), so it does not pan the chart; while it lasts, a band follows the pointer and the read-outs follow
//! the span under it (`preview`), which goes into the link when the drag ends.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tickscope_core::ZoomFrame;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::echarts::Instance;
use super::instance::Callback;
use super::pointer::{time_at, time_at_pixel};
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
    /// The charts' zoom and range: a drag's end is kept inside the visible window.
    zoom: RwSignal<Option<(i64, i64)>>,
    axis: TimeAxis,
}

/// A drag under way: where it started, and its band.
struct Drag {
    x: f64,
    at: i64,
    band: web_sys::Element,
}

#[derive(Default)]
struct State {
    drag: Option<Drag>,
    /// A drag just ended: the click it makes is not a click on the chart (it would pin the book's instant).
    swallow_click: bool,
}

impl Measuring {
    pub fn new(
        span: RwSignal<Option<(i64, i64)>>,
        zoom: RwSignal<Option<(i64, i64)>>,
        axis: TimeAxis,
    ) -> Self {
        Self {
            span,
            armed: RwSignal::new(false),
            preview: RwSignal::new(None),
            zoom,
            axis,
        }
    }

    /// Listens on `element`, the box of the chart `instance` draws; the listeners live as long as what is
    /// returned.
    pub fn attach(self, instance: &Instance, element: &web_sys::Element) -> Vec<Callback> {
        let state = Rc::new(RefCell::new(State::default()));
        let handle = || -> Instance { (**instance).clone().unchecked_into() };
        let down = {
            let (state, element, chart) = (state.clone(), element.clone(), handle());
            Closure::new(move |event: JsValue| -> JsValue {
                let mut state = state.borrow_mut();
                state.swallow_click = false;
                let wants = number(&event, "button") == Some(0.0)
                    && (flag(&event, "shiftKey") || self.armed.get_untracked());
                if let (true, Some(at), Some(x)) =
                    (wants, time_at(&chart, &event), number(&event, "offsetX"))
                {
                    take(&event);
                    if let Some(id) = number(&event, "pointerId") {
                        let _ = element.set_pointer_capture(id as i32);
                    }
                    state.drag = band(&element, x).map(|band| Drag { x, at, band });
                }
                JsValue::UNDEFINED
            })
        };
        let moved = {
            let (state, element, chart) = (state.clone(), element.clone(), handle());
            Closure::new(move |event: JsValue| -> JsValue {
                if let Some(drag) = &state.borrow().drag {
                    take(&event);
                    let x = clamp_x(&element, number(&event, "offsetX").unwrap_or(drag.x));
                    place(&drag.band, drag.x, x);
                    let y = number(&event, "offsetY").unwrap_or(0.0);
                    if let Some(span) = self.span_to(drag, &chart, x, y) {
                        self.preview.set(Some(span));
                    }
                }
                JsValue::UNDEFINED
            })
        };
        let up = {
            let (state, element, chart) = (state.clone(), element.clone(), handle());
            Closure::new(move |event: JsValue| -> JsValue {
                let mut state = state.borrow_mut();
                let Some(drag) = state.drag.take() else {
                    return JsValue::UNDEFINED;
                };
                take(&event);
                drag.band.remove();
                self.preview.set(None);
                let x = clamp_x(&element, number(&event, "offsetX").unwrap_or(drag.x));
                let y = number(&event, "offsetY").unwrap_or(0.0);
                if (x - drag.x).abs() >= MIN_DRAG_PX {
                    state.swallow_click = true;
                    if let Some(span) = self.span_to(&drag, &chart, x, y) {
                        self.span.set(Some(span));
                    }
                }
                JsValue::UNDEFINED
            })
        };
        let cancelled = {
            let state = state.clone();
            Closure::new(move |_: JsValue| -> JsValue {
                if let Some(drag) = state.borrow_mut().drag.take() {
                    drag.band.remove();
                    self.preview.set(None);
                }
                JsValue::UNDEFINED
            })
        };
        let click = Closure::new(move |event: JsValue| -> JsValue {
            if std::mem::take(&mut state.borrow_mut().swallow_click) {
                take(&event);
            }
            JsValue::UNDEFINED
        });
        let listeners = [
            ("pointerdown", down),
            ("pointermove", moved),
            ("pointerup", up),
            ("pointercancel", cancelled),
            ("click", click),
        ];
        listeners
            .into_iter()
            .map(|(name, handler)| {
                let _ = element.add_event_listener_with_callback_and_bool(
                    name,
                    handler.as_ref().unchecked_ref(),
                    true,
                );
                handler
            })
            .collect()
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

/// The event is the measurement's: neither ECharts (which would pan) nor the browser (which would select text
/// and send the mouse events that follow) acts on it.
fn take(event: &JsValue) {
    let event: &web_sys::Event = event.unchecked_ref();
    event.prevent_default();
    event.stop_propagation();
}

fn number(event: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(event, &key.into()).ok()?.as_f64()
}

fn flag(event: &JsValue, key: &str) -> bool {
    js_sys::Reflect::get(event, &key.into()).is_ok_and(|v| v.is_truthy())
}

/// `x` within the chart's box (a captured pointer may move past it).
fn clamp_x(element: &web_sys::Element, x: f64) -> f64 {
    x.clamp(0.0, f64::from(element.client_width()))
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
