//! The view lives in the page's query string: read it on start, rewrite it on every load, copy it to share.

use tickscope_core::ViewState;
use wasm_bindgen::JsValue;

/// The page's query string, without `?`.
pub fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|s| s.trim_start_matches('?').to_owned())
        .unwrap_or_default()
}

/// The shareable URL of `view`: this page with `view` as its query.
pub fn url_of(view: &ViewState) -> String {
    let location = web_sys::window().map(|w| w.location());
    let page = location
        .map(|l| {
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!("{page}?{}", view.to_query())
}

/// Puts `view` in the address bar without reloading or adding a history entry.
pub fn replace_url(view: &ViewState) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url_of(view)));
    }
}

/// Copies `text` to the clipboard; false when the browser refuses.
pub async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
