//! The dashboard's root: the view from the link, the controls, the load and what it shows.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tickscope_core::ViewState;

use crate::api;
use crate::components::channel_panel::ChannelPanel;
use crate::components::channel_picker::ChannelPicker;
use crate::components::compare_panel::ComparePanel;
use crate::components::interval_picker::IntervalPicker;
use crate::components::load_bar::LoadBar;
use crate::components::messages::Messages;
use crate::components::progress_view::ProgressView;
use crate::components::summary::Summary;
use crate::components::time_range::TimeRange;
use crate::form::{DATA_WINDOW, Form, NO_CHANNEL};
use crate::link;
use crate::loader::Loader;

#[component]
pub fn App() -> impl IntoView {
    let default_api = api::default_base();
    let (view, link_warnings) = ViewState::parse(&link::current_query());
    // The link's problems are shown until the user loads a view of their own.
    let link_warnings = RwSignal::new(link_warnings);
    let autoload = !view.channels.is_empty();
    let form = Form::new(&view, &default_api);
    let loader = Loader::new();
    let snapshot: Signal<crate::loader::Snapshot> = loader.snapshot().into();

    let listed = LocalResource::new(move || {
        let base = form.api.get();
        async move { api::fetch_channels(&base).await.ok() }
    });
    let listed = Signal::derive(move || listed.get().flatten());
    // The data window: what the API holds of the picked channels (all listed when none is picked).
    let window = Signal::derive(move || {
        let picked = form.channels.get();
        listed
            .get()
            .and_then(|l| {
                let spans = l
                    .channels
                    .iter()
                    .filter(|c| picked.is_empty() || picked.contains(&c.channel));
                spans
                    .filter_map(|c| Some((c.first?, c.last?)))
                    .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
            })
            .unwrap_or(DATA_WINDOW)
    });

    let problems = Signal::derive(move || form.problems());
    let messages = Signal::derive(move || {
        let mut all: Vec<String> = link_warnings
            .get()
            .iter()
            .map(|w| format!("Link: {w}"))
            .collect();
        all.extend(problems.get().into_iter().filter(|p| p != NO_CHANNEL));
        snapshot.with(|s| {
            for c in &s.channels {
                if let Some(e) = &c.error {
                    all.push(format!(
                        "{} stopped: {e}. Everything loaded so far is kept; Resume continues.",
                        c.channel
                    ));
                }
            }
        });
        all
    });

    let link_default_api = default_api.clone();
    let start = {
        move || {
            if let Ok(plan) = form.plan() {
                link::replace_url(&form.view_state(&link_default_api));
                if let Err(e) = loader.load(&plan) {
                    web_sys::console::error_1(&e.into());
                }
            }
        }
    };
    let (copied, set_copied) = signal(None::<String>);
    let copy_default_api = default_api.clone();
    let on_copy = Callback::new(move |()| {
        let url = link::url_of(&form.view_state(&copy_default_api));
        spawn_local(async move {
            let note = if link::copy(&url).await {
                "Link copied".to_owned()
            } else {
                format!("Copy this link: {url}")
            };
            set_copied.set(Some(note));
        });
    });
    let on_load = Callback::new({
        let start = start.clone();
        move |()| {
            link_warnings.set(Vec::new());
            // A new load starts on its whole range; a link's zoom applies to the load it starts.
            form.zoom.set(None);
            start()
        }
    });
    let on_cancel = Callback::new(move |()| loader.cancel());
    let on_resume = Callback::new(move |()| loader.resume());
    // How the charts show the data goes into the link as it changes (the rest of the form on Load).
    let chart_default_api = default_api.clone();
    Effect::new(move |seen: Option<()>| {
        form.iv.track();
        form.view.track();
        form.zoom.track();
        if seen.is_some() {
            link::replace_url(&form.view_state(&chart_default_api));
        }
    });
    if autoload {
        start();
    }

    view! {
        <header class="topbar">
            <h1>"Tickscope"</h1>
            <label class="api-base">
                "API "
                <input type="url" size="48" data-testid="api" prop:value=move || form.api.get()
                    on:change=move |ev| form.api.set(event_target_value(&ev).trim().trim_end_matches('/').to_owned()) />
                <span class="muted" data-testid="api-host">{move || host_of(&form.api.get())}</span>
            </label>
        </header>
        <main>
            <section class="panel controls">
                <ChannelPicker selected=form.channels listed />
                <TimeRange form window />
                <LoadBar
                    status=Signal::derive(move || snapshot.with(|s| s.status))
                    k=form.k
                    can_load=Signal::derive(move || problems.with(Vec::is_empty))
                    on_load on_cancel on_resume on_copy
                    copied=copied.into()
                />
                <IntervalPicker iv=form.iv view=form.view zoom=form.zoom />
            </section>
            <Messages messages />
            <ProgressView snapshot />
            <ComparePanel loader snapshot form />
            <For each=move || snapshot.with(|s| s.channels.iter().map(|c| c.channel.clone()).collect::<Vec<_>>())
                key=|c| c.clone() let(channel)>
                <ChannelPanel channel loader snapshot form />
            </For>
            <Summary snapshot tz=form.tz.into() />
        </main>
    }
}

/// `https://abc.execute-api.us-east-1.amazonaws.com/prod` → `abc.execute-api.us-east-1.amazonaws.com`.
fn host_of(base: &str) -> String {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    rest.split('/').next().unwrap_or_default().to_owned()
}
