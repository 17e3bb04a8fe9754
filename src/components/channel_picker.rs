//! Channels to load: those `/channels` lists when the API has that route, else the four known ones.

use leptos::prelude::*;
use tickscope_core::Channel;

use crate::api::Listing;

#[component]
pub fn ChannelPicker(
    selected: RwSignal<Vec<Channel>>,
    listed: Signal<Option<Listing>>,
) -> impl IntoView {
    let names = move || match listed.get() {
        Some(listing) if !listing.channels.is_empty() => {
            let mut listed: Vec<(Channel, Option<u64>)> = listing
                .channels
                .into_iter()
                .map(|c| (c.channel, Some(c.count)))
                .collect();
            // The known channels first, in their usual order, whatever order the API lists them in.
            listed.sort_by(|a, b| a.0.listing_key().cmp(&b.0.listing_key()));
            listed
        }
        _ => Channel::known().into_iter().map(|c| (c, None)).collect(),
    };
    view! {
        <fieldset class="channels">
            <legend>"Channels"</legend>
            <For each=names key=|(channel, count)| (channel.clone(), *count) let((channel, count))>
                <ChannelBox channel count selected />
            </For>
        </fieldset>
    }
}

#[component]
fn ChannelBox(
    channel: Channel,
    count: Option<u64>,
    selected: RwSignal<Vec<Channel>>,
) -> impl IntoView {
    let testid = format!("pick-{channel}");
    let label = channel.name().to_owned();
    let checked = {
        let channel = channel.clone();
        move || selected.with(|s| s.contains(&channel))
    };
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        selected.update(|s| {
            s.retain(|c| c != &channel);
            if on {
                s.push(channel.clone());
            }
        });
    };
    view! {
        <label class="channel-box">
            <input type="checkbox" data-testid=testid prop:checked=checked on:change=toggle />
            <span class="channel-name">{label}</span>
            {count.map(|n| view! { <span class="muted">{format!(" {} items", tickscope_core::format::count(n))}</span> })}
        </label>
    }
}
