//! `storage.js`, as async Rust: the cache's files by name. Errors are the browser's, as text.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/cache/storage.js")]
extern "C" {
    #[wasm_bindgen(js_name = cacheBackend)]
    fn cache_backend() -> Promise;
    #[wasm_bindgen(js_name = cacheRead)]
    fn cache_read(name: &str) -> Promise;
    #[wasm_bindgen(js_name = cacheWrite)]
    fn cache_write(name: &str, parts: &Array) -> Promise;
    #[wasm_bindgen(js_name = cacheRemove)]
    fn cache_remove(name: &str) -> Promise;
    #[wasm_bindgen(js_name = cacheList)]
    fn cache_list() -> Promise;
}

async fn settle(promise: Promise) -> Result<JsValue, String> {
    JsFuture::from(promise).await.map_err(|e| {
        js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the browser refused".to_owned())
    })
}

/// Which store the browser offers (`opfs` or `indexeddb`), or why none.
pub async fn backend() -> Result<String, String> {
    Ok(settle(cache_backend())
        .await?
        .as_string()
        .unwrap_or_default())
}

/// The file's bytes; `None` when there is no such file.
pub async fn read(name: &str) -> Result<Option<Vec<u8>>, String> {
    let value = settle(cache_read(name)).await?;
    Ok((!value.is_undefined()).then(|| Uint8Array::new(&value).to_vec()))
}

/// Writes the file as `parts` one after the other: `Uint8Array`s (copies in JS: the browser reads them after this
/// returns) or strings (as UTF-8).
pub async fn write(name: &str, parts: &Array) -> Result<(), String> {
    settle(cache_write(name, parts)).await.map(drop)
}

pub async fn remove(name: &str) -> Result<(), String> {
    settle(cache_remove(name)).await.map(drop)
}

pub async fn list() -> Result<Vec<String>, String> {
    let names = Array::from(&settle(cache_list()).await?);
    Ok(names.iter().filter_map(|n| n.as_string()).collect())
}
