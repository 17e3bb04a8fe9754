//! One ECharts instance per chart container: created on the first draw, updated in place afterwards (charming's
//! `WasmRenderer::render` would call `echarts.init` every time), resized with the window, disposed with its view.

use std::cell::RefCell;
use std::rc::Rc;

use charming::theme::Theme;
use charming::{Chart, Echarts, WasmRenderer};
use js_sys::{Function, Reflect};
use wasm_bindgen::JsValue;

/// Not `Clone`: a clone would share the instance, and two containers would draw into one.
#[derive(Default)]
pub struct ChartInstance {
    echarts: Rc<RefCell<Option<Echarts>>>,
}

impl ChartInstance {
    /// Draws `chart` into the element with id `container`, reusing the instance already there.
    pub fn draw(&self, container: &str, chart: &Chart) {
        let mut slot = self.echarts.borrow_mut();
        match slot.as_ref() {
            Some(echarts) => WasmRenderer::update(echarts, chart),
            None => match WasmRenderer::new_opt(None, None)
                .theme(theme())
                .render(container, chart)
            {
                Ok(echarts) => *slot = Some(echarts),
                Err(e) => web_sys::console::warn_1(&format!("chart {container}: {e:?}").into()),
            },
        }
    }

    pub fn resize(&self) {
        self.call("resize");
    }

    /// Frees the instance (its canvas, listeners and memory).
    pub fn dispose(&self) {
        self.call("dispose");
        self.echarts.borrow_mut().take();
    }

    /// Calls a method of the ECharts instance that charming does not bind.
    fn call(&self, name: &str) {
        if let Some(instance) = self.echarts.borrow().as_ref() {
            let instance: &JsValue = instance;
            if let Ok(method) = Reflect::get(instance, &name.into()) {
                let _ = Function::from(method).call0(instance);
            }
        }
    }
}

/// ECharts' dark theme when the system asks for dark colours, like the page's CSS.
fn theme() -> Theme {
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches());
    if dark { Theme::Dark } else { Theme::Default }
}
