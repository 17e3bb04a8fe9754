//! While following: how long ago a channel's newest item is, ticking every second ("newest 4 s ago").

use std::time::Duration;

use leptos::prelude::*;

use crate::loader::{ChannelData, Status};
use crate::time::{now_us, span};

/// The badge's clock ticks this often.
const TICK: Duration = Duration::from_secs(1);

#[component]
pub fn LiveBadge(data: ChannelData, status: Signal<Status>) -> impl IntoView {
    let testid = format!("age-{}", data.channel());
    let newest = Memo::new(move |_| {
        data.read(|load| load.chunks().last().and_then(|c| c.ts.last().copied()))
    });
    let now = use_clock();
    let text = move || match newest.get() {
        Some(ts) => format!("newest {} ago", span(now.get() - ts)),
        None => "no data yet".to_owned(),
    };
    view! {
        <Show when=move || status.get() == Status::Live>
            <span class="live-badge" data-testid=testid.clone()
                data-value=move || newest.get().map(|ts| ts.to_string())>
                {text}
            </span>
        </Show>
    }
}

/// The clock, µs, updated every [`TICK`] while the calling component lives.
fn use_clock() -> ReadSignal<i64> {
    let (now, set_now) = signal(now_us());
    if let Ok(handle) = set_interval_with_handle(move || set_now.set(now_us()), TICK) {
        on_cleanup(move || handle.clear());
    }
    now
}
