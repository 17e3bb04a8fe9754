//! The zoom while following: a window at the live end moves with it (and the link with it); one zoomed into the
//! past stays where it is, and "Back to live" returns it to the end.

use leptos::prelude::*;
use tickscope_core::{at_live_end, back_to_live, follow_end};

/// `live_end`: the newest end of the channels' ranges while following, `None` otherwise.
#[component]
pub fn BackToLive(
    zoom: RwSignal<Option<(i64, i64)>>,
    live_end: Signal<Option<i64>>,
) -> impl IntoView {
    Effect::watch(
        move || live_end.get(),
        move |end, previous, _| {
            if let (Some(end), Some(Some(previous)), Some(window)) =
                (*end, previous, zoom.get_untracked())
            {
                let moved = follow_end(window, *previous, end);
                if moved != window {
                    zoom.set(Some(moved));
                }
            }
        },
        false,
    );
    let away = move || matches!((zoom.get(), live_end.get()), (Some(w), Some(end)) if !at_live_end(w, end));
    let back = move |_| {
        if let (Some(window), Some(end)) = (zoom.get_untracked(), live_end.get_untracked()) {
            zoom.set(Some(back_to_live(window, end)));
        }
    };
    view! {
        <Show when=away>
            <button data-testid="back-to-live" on:click=back>"Back to live"</button>
        </Show>
    }
}
