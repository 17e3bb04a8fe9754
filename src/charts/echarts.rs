//! The few ECharts calls the dashboard makes, bound directly: charming builds the options, but its renderer
//! re-creates the chart on every render and binds neither events, groups nor image export.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance (`echarts.init`'s result).
    pub type Instance;

    #[wasm_bindgen(js_namespace = echarts, js_name = init)]
    pub fn init(container: &web_sys::Element, theme: &str) -> Instance;

    /// Links the charts of `group`: zooming or hovering one does the same on the others.
    #[wasm_bindgen(js_namespace = echarts, js_name = connect)]
    pub fn connect(group: &str);

    #[wasm_bindgen(method, js_name = setOption)]
    pub fn set_option(this: &Instance, option: &JsValue, settings: &JsValue);

    #[wasm_bindgen(method, js_name = getDataURL)]
    pub fn get_data_url(this: &Instance, options: &JsValue) -> String;

    #[wasm_bindgen(method)]
    pub fn on(this: &Instance, event: &str, handler: &Function);

    #[wasm_bindgen(method, setter)]
    pub fn set_group(this: &Instance, group: &str);

    #[wasm_bindgen(method)]
    pub fn resize(this: &Instance);

    #[wasm_bindgen(method)]
    pub fn dispose(this: &Instance);
}
