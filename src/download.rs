//! Saving what the dashboard made (CSV of items, PNG of a chart) as a file, without a server round trip.

use wasm_bindgen::{JsCast, JsValue};

/// Offers `bytes` as a download named `name`.
pub fn save_bytes(bytes: &[u8], name: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let saved = save_url(&url, name);
    // The download starts after this task; the URL must outlive it.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    saved
}

/// Offers the resource at `url` (a `blob:` or `data:` URL) as a download named `name`.
pub fn save_url(url: &str, name: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(url);
    link.set_download(name);
    link.click();
    Ok(())
}
