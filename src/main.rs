//! Tickscope dashboard: a Leptos client-side app, built for wasm32 with trunk (see `index.html`).

mod api;
mod app;

fn main() {
    // Panics go to the browser console with a message instead of `unreachable executed`.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
