//! Load, Cancel, Resume, Copy link, the load's parallelism when the user fixes it, and the cache.

use leptos::prelude::*;

use tickscope_core::{MAX_IN_FLIGHT, MAX_K};

use super::cache_control::CacheControl;
use super::count_input::CountInput;
use crate::cache::Cache;
use crate::loader::Status;

#[component]
pub fn LoadBar(
    status: Signal<Status>,
    k: RwSignal<Option<u8>>,
    inflight: RwSignal<Option<u8>>,
    cache: Cache,
    use_cache: RwSignal<bool>,
    can_load: Signal<bool>,
    on_load: Callback<()>,
    on_cancel: Callback<()>,
    on_resume: Callback<()>,
    on_copy: Callback<()>,
    copied: Signal<Option<String>>,
) -> impl IntoView {
    let loading = move || matches!(status.get(), Status::Loading | Status::Live);
    let resumable = move || matches!(status.get(), Status::Error | Status::Cancelled);
    view! {
        <div class="load-bar">
            <label title="Time segments per channel to start with. Auto: sized from what the API lists, so the load takes the fewest rounds of requests. When a segment is done, the one with the most left is split.">
                "Segments " <CountInput value=k max=MAX_K testid="segments" />
            </label>
            <label title="Requests in flight at once. Auto: 48 over HTTP/2, 6 over HTTP/1.1 (a browser's connections to one host).">
                "In flight " <CountInput value=inflight max=MAX_IN_FLIGHT testid="in-flight" />
            </label>
            <button class="primary" data-testid="load" disabled=move || !can_load.get()
                on:click=move |_| on_load.run(())>"Load"</button>
            <button data-testid="cancel" disabled=move || !loading() on:click=move |_| on_cancel.run(())>"Cancel"</button>
            <button data-testid="resume" disabled=move || !resumable() on:click=move |_| on_resume.run(())>"Resume"</button>
            <button data-testid="copy-link" on:click=move |_| on_copy.run(())>"Copy link"</button>
            <span class="muted" data-testid="copied">{move || copied.get()}</span>
            <CacheControl cache enabled=use_cache />
        </div>
    }
}
