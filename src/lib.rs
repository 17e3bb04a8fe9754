//! Tickscope dashboard: a Leptos client-side app, built for wasm32 with trunk (see `index.html`).
//!
//! The paging, parsing and URL logic live in `tickscope-core`; this crate only fetches, keeps score and draws.

pub mod api;
pub mod app;
pub mod cache;
pub mod chart_keys;
pub mod charts;
pub mod components;
pub mod download;
pub mod form;
pub mod gaps;
pub mod link;
pub mod loader;
pub mod protocol;
pub mod time;
pub mod visibility;

/// Mounts the app on the page's body.
pub fn run() {
    // Panics go to the browser console with a message instead of `unreachable executed`.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
