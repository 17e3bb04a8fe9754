//! The few ECharts calls the dashboard makes, bound directly: charming builds the options, but its renderer
//! re-creates the chart on every render and binds neither events, groups nor image export.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance (`echarts.init`'s result).
    pub type Instance;

    /// Fails when ECharts is not there (its script did not load) or refuses the container.
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    pub fn init(container: &web_sys::Element, theme: &str) -> Result<Instance, JsValue>;

    /// Links the charts of `group`: zooming or hovering one does the same on the others.
    #[wasm_bindgen(js_namespace = echarts, js_name = connect)]
    pub fn connect(group: &str);

    /// Fails when ECharts throws on the option: caught, so that no JS exception unwinds through Rust.
    #[wasm_bindgen(catch, method, js_name = setOption)]
    pub fn set_option(this: &Instance, option: &JsValue, settings: &JsValue)
    -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_name = getDataURL)]
    pub fn get_data_url(this: &Instance, options: &JsValue) -> String;

    #[wasm_bindgen(method)]
    pub fn on(this: &Instance, event: &str, handler: &Function);

    /// The instance's drawing surface: its events are the canvas's, wherever on it (a chart's `click` is only on
    /// its data).
    pub type Surface;

    #[wasm_bindgen(method, js_name = getZr)]
    pub fn surface(this: &Instance) -> Surface;

    #[wasm_bindgen(method, js_name = on)]
    pub fn on_surface(this: &Surface, event: &str, handler: &Function);

    /// Whether the pixel `[x, y]` is inside what `finder` names (e.g. `{gridIndex: 0}`).
    #[wasm_bindgen(method, js_name = containPixel)]
    pub fn contain_pixel(this: &Instance, finder: &JsValue, pixel: &JsValue) -> bool;

    /// The values at pixel `[x, y]` in what `finder` names (`{gridIndex: 0}`: `[x, y]` on its axes).
    #[wasm_bindgen(method, js_name = convertFromPixel)]
    pub fn convert_from_pixel(this: &Instance, finder: &JsValue, pixel: &JsValue) -> JsValue;

    #[wasm_bindgen(method, setter)]
    pub fn set_group(this: &Instance, group: &str);

    #[wasm_bindgen(method)]
    pub fn resize(this: &Instance);

    #[wasm_bindgen(method)]
    pub fn dispose(this: &Instance);
}
