//! One ECharts instance per chart container: created on the first draw, updated in place afterwards, linked to
//! the other charts (zoom and hover), resized with the window, exported as PNG, disposed with its view.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::echarts::{self, Instance};

/// The charts that zoom and hover together: every chart with a time axis.
const GROUP: &str = "tickscope";

/// A JS callback the instance holds (tooltip formatter, event handler).
pub type Callback = Closure<dyn Fn(JsValue) -> JsValue>;

/// Not `Clone`: a clone would share the instance, and two containers would draw into one.
#[derive(Default)]
pub struct ChartInstance {
    echarts: RefCell<Option<Instance>>,
    /// Callbacks ECharts may call while the instance lives.
    callbacks: RefCell<Vec<Callback>>,
}

impl ChartInstance {
    /// Draws `option` into the element with id `container`, reusing the instance already there. Series missing
    /// from `option` are removed; zoom and other components keep their state. With `on_zoom`, a new instance
    /// joins the linked group and gets the handler it makes for its `datazoom` events (made once, at creation).
    pub fn draw(&self, container: &str, option: &JsValue, on_zoom: Option<&dyn Fn() -> Callback>) {
        let mut slot = self.echarts.borrow_mut();
        if slot.is_none() {
            let Some(element) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(container))
            else {
                return;
            };
            let instance = echarts::init(&element, if is_dark() { "dark" } else { "" });
            if let Some(make_handler) = on_zoom {
                instance.set_group(GROUP);
                echarts::connect(GROUP);
                let handler = make_handler();
                instance.on("datazoom", handler.as_ref().unchecked_ref());
                self.keep(handler);
            }
            *slot = Some(instance);
        }
        if let Some(instance) = slot.as_ref() {
            instance.set_option(option, &replace_series());
        }
    }

    fn keep(&self, callback: Callback) {
        self.callbacks.borrow_mut().push(callback);
    }

    /// The chart as a PNG data URL at twice its size, on the page's background.
    pub fn png(&self) -> Option<String> {
        let options = js_sys::Object::new();
        let set = |k: &str, v: JsValue| js_sys::Reflect::set(&options, &k.into(), &v);
        let _ = set("type", "png".into());
        let _ = set("pixelRatio", 2.into());
        let surface = if is_dark() { "#171b21" } else { "#ffffff" };
        let _ = set("backgroundColor", surface.into());
        Some(self.echarts.borrow().as_ref()?.get_data_url(&options))
    }

    pub fn resize(&self) {
        if let Some(instance) = self.echarts.borrow().as_ref() {
            instance.resize();
        }
    }

    /// Frees the instance (its canvas, listeners and memory), then the callbacks it held.
    pub fn dispose(&self) {
        if let Some(instance) = self.echarts.borrow_mut().take() {
            instance.dispose();
        }
        self.callbacks.borrow_mut().clear();
    }
}

/// Resizes the charts with the window, and disposes them when the calling component goes away.
pub fn manage(instances: StoredValue<Vec<ChartInstance>, LocalStorage>) {
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        instances.with_value(|all| all.iter().for_each(ChartInstance::resize));
    });
    on_cleanup(move || {
        resize.remove();
        instances.with_value(|all| all.iter().for_each(ChartInstance::dispose));
    });
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
