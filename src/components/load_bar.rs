//! Load, Cancel, Resume, Copy link, and the number of parallel segments.

use leptos::prelude::*;

use tickscope_core::MAX_K;

use crate::loader::Status;

#[component]
pub fn LoadBar(
    status: Signal<Status>,
    k: RwSignal<u8>,
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
            <label title="Time segments loaded in parallel per channel. When one is done, the one with the most left is split, so as many requests stay in flight to the end.">
                "Parallel segments "
                <input type="number" min="1" max=MAX_K data-testid="segments" prop:value=move || k.get().to_string()
                    on:change=move |ev| {
                        // Anything but a whole number from 1 to MAX_K snaps back to the nearest valid K.
                        let typed = event_target_value(&ev).trim().parse::<f64>().ok().filter(|v| v.is_finite());
                        k.set(typed.map_or(k.get_untracked(), |v| v.round().clamp(1.0, f64::from(MAX_K)) as u8));
                    } />
            </label>
            <button class="primary" data-testid="load" disabled=move || !can_load.get()
                on:click=move |_| on_load.run(())>"Load"</button>
            <button data-testid="cancel" disabled=move || !loading() on:click=move |_| on_cancel.run(())>"Cancel"</button>
            <button data-testid="resume" disabled=move || !resumable() on:click=move |_| on_resume.run(())>"Resume"</button>
            <button data-testid="copy-link" on:click=move |_| on_copy.run(())>"Copy link"</button>
            <span class="muted" data-testid="copied">{move || copied.get()}</span>
        </div>
    }
}
