//! Channels to load: those `/channels` lists when the API has that route, else the four known ones.

use leptos::prelude::*;
use tickscope_core::KNOWN_CHANNELS;

use crate::api::Channels;

#[component]
pub fn ChannelPicker(
    selected: RwSignal<Vec<String>>,
    listed: Signal<Option<Channels>>,
) -> impl IntoView {
    let names = move || match listed.get() {
        Some(channels) if !channels.channels.is_empty() => {
            let mut listed: Vec<_> = channels
                .channels
                .into_iter()
                .map(|c| (c.channel, Some(c.count)))
                .collect();
            // The known channels first, in their usual order, whatever order the API lists them in.
            listed.sort_by_key(|(name, _)| {
                (KNOWN_CHANNELS.iter().position(|k| k == name), name.clone())
            });
            listed
        }
        _ => KNOWN_CHANNELS
            .iter()
            .map(|c| (c.to_string(), None))
            .collect(),
    };
    view! {
        <fieldset class="channels">
            <legend>"Channels"</legend>
            <For each=names key=|(name, count)| (name.clone(), *count) let((name, count))>
                <ChannelBox name count selected />
            </For>
        </fieldset>
    }
}

#[component]
fn ChannelBox(name: String, count: Option<u64>, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let checked = {
        let name = name.clone();
        move || selected.with(|s| s.contains(&name))
    };
    let toggle = {
        let name = name.clone();
        move |ev| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|c| c != &name);
                if on {
                    s.push(name.clone());
                }
            });
        }
    };
    let testid = format!("pick-{name}");
    view! {
        <label class="channel-box">
            <input type="checkbox" data-testid=testid prop:checked=checked on:change=toggle />
            <span class="channel-name">{name}</span>
            {count.map(|n| view! { <span class="muted">{format!(" {n} items")}</span> })}
        </label>
    }
}
