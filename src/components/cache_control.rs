//! The cache's switch (`cache` in the link), what it holds, and Clear cache.

use leptos::prelude::*;
use tickscope_core::format::{count, grouped};

use crate::cache::{Cache, CacheState};

#[component]
pub fn CacheControl(cache: Cache, enabled: RwSignal<bool>) -> impl IntoView {
    let state = cache.state();
    let busy = cache.busy();
    let held = move || match state.get() {
        CacheState::Ready { bytes, stretches } => Some((bytes, stretches)),
        _ => None,
    };
    let text = move || match state.get() {
        CacheState::Opening => "opening…".to_owned(),
        CacheState::Ready { bytes, stretches } => format!(
            "{} MB in {} {}",
            grouped(bytes as f64 / 1e6, 1),
            count(stretches as u64),
            if stretches == 1 {
                "stretch"
            } else {
                "stretches"
            }
        ),
        CacheState::Unavailable(why) => format!("unavailable ({why})"),
    };
    view! {
        <span class="cache-control">
            <label title="Keep loaded items in this browser, and read them from there when a load covers them \
                again: only the rest is asked of the API. The last minute before now is always asked again. \
                Up to 512 MB, the least recently used first out.">
                <input type="checkbox" data-testid="cache" prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                " Cache"
            </label>
            <span class="muted" data-testid="cache-size" data-value=move || held().map(|h| h.0.to_string())
                data-busy=move || if busy.get() { "1" } else { "0" }>
                {text}{move || busy.get().then_some(" · saving…")}
            </span>
            <button data-testid="clear-cache" disabled=move || held().is_none_or(|h| h.1 == 0)
                on:click=move |_| cache.clear()>"Clear cache"</button>
        </span>
    }
}
