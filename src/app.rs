//! The dashboard's root: the view from the link, the controls, the load and what it shows. Data flows one way:
//! link → form → plan → loader → each channel's data → its panel.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tickscope_core::{Channel, ORIGINAL_WINDOW, TimeSpec, ViewState};

use crate::api::{self, Listing};
use crate::cache::Cache;
use crate::components::back_to_live::BackToLive;
use crate::components::channel_panel::ChannelPanel;
use crate::components::channel_picker::ChannelPicker;
use crate::components::compare_panel::ComparePanel;
use crate::components::interval_picker::IntervalPicker;
use crate::components::load_bar::LoadBar;
use crate::components::messages::Messages;
use crate::components::progress_view::ProgressView;
use crate::components::summary::Summary;
use crate::components::time_range::TimeRange;
use crate::form::{Form, Problem};
use crate::link;
use crate::loader::{Loader, Status};
use crate::time::now_us;

/// A first visit to an API whose newest item is at most this old opens on the last 15 minutes, following.
const LIVE_WITHIN_US: i64 = 15 * 60_000_000;

#[component]
pub fn App() -> impl IntoView {
    let default_api = api::default_base();
    let query = link::current_query();
    let (view, link_warnings) = ViewState::parse(&query);
    // The link's problems are shown until the user loads a view of their own.
    let link_warnings = RwSignal::new(link_warnings);
    let autoload = !view.channels.is_empty();
    // A first visit (no channel, no range in the link) gets what the API holds, ready to load.
    let first_visit = view.channels.is_empty() && view.from.is_none() && view.to.is_none();
    let form = Form::new(&view, &default_api);
    let cache = Cache::open();
    let loader = Loader::new(cache);
    let snapshot: Signal<crate::loader::Snapshot> = loader.snapshot().into();

    let answer = LocalResource::new(move || {
        let base = form.api.get();
        async move { api::channels(&base).await }
    });
    let listed = Signal::derive(move || answer.get().and_then(|a| a.ok().flatten()));
    let listing_error = Signal::derive(move || {
        answer
            .get()
            .and_then(|a| a.err())
            .map(|e| format!("Channels: {e}; showing the four known channels."))
    });
    // The data window: what the API holds of the picked channels (all listed when none is picked).
    let window = Signal::derive(move || {
        let picked = form.channels.get();
        listed
            .with(|l| l.as_ref().and_then(|l| span_of(l, &picked)))
            .unwrap_or(ORIGINAL_WINDOW)
    });

    let problems = Signal::derive(move || form.problems());
    let messages = Signal::derive(move || {
        let mut all: Vec<String> = link_warnings
            .get()
            .iter()
            .map(|w| format!("Link: {w}"))
            .collect();
        all.extend(listing_error.get());
        all.extend(problems.get().into_iter().filter_map(|p| match p {
            Problem::Invalid(message) => Some(message),
            Problem::NoChannel => None,
        }));
        snapshot.with(|s| {
            for c in &s.channels {
                if let Some(e) = &c.error {
                    all.push(format!(
                        "{} stopped: {e}. Everything loaded so far is kept; Resume continues.",
                        c.channel
                    ));
                }
                if let Some(e) = &c.poll_error {
                    all.push(format!(
                        "{}: new items could not be fetched ({e}); trying again every 10 s.",
                        c.channel
                    ));
                }
            }
        });
        all
    });

    let link_default_api = default_api.clone();
    let start = move || {
        if let Some(plan) = form.plan() {
            link::replace_url(&form.view_state(&link_default_api));
            if let Err(e) = loader.load(&plan) {
                link_warnings.update(|w| w.push(e));
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
            // A new load starts on its whole range; a link's zoom, book instant and measurement apply to the load
            // it starts.
            form.zoom.set(None);
            form.at.set(None);
            form.measure.set(None);
            start()
        }
    });
    let on_cancel = Callback::new(move |()| loader.cancel());
    let on_resume = Callback::new(move |()| loader.resume());
    // How the charts show the data, Follow and the cache go into the link as they change (the rest of the form on
    // Load).
    let view_default_api = default_api.clone();
    Effect::watch(
        move || {
            (
                form.iv.get(),
                form.view.get(),
                form.zoom.get(),
                form.follow.get(),
                form.cache.get(),
                form.at.get(),
                form.measure.get(),
            )
        },
        move |_, _, _| link::replace_url(&form.view_state(&view_default_api)),
        false,
    );
    // Follow applies to the current load at once.
    Effect::watch(
        move || form.follow.get(),
        move |follow, _, _| loader.set_follow(*follow),
        false,
    );
    if autoload {
        start();
    }
    if first_visit {
        let start = start.clone();
        // Once the API has answered (or failed to), unless the user picked something meanwhile.
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) || answer.get().is_none() {
                return done.unwrap_or(false);
            }
            if form.channels.with_untracked(Vec::is_empty) {
                let listed_channels = listed.with_untracked(|l| {
                    l.as_ref().map(|l| {
                        l.channels
                            .iter()
                            .map(|c| c.channel.clone())
                            .collect::<Vec<_>>()
                    })
                });
                let mut channels = listed_channels
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(Channel::known);
                channels.sort_by(|a, b| a.listing_key().cmp(&b.listing_key()));
                form.channels.set(channels);
                let (from, to) = window.get_untracked();
                if to >= now_us() - LIVE_WITHIN_US {
                    // Data is arriving (a collector writes): a monitor of the present.
                    form.set_range(
                        TimeSpec::ago(15, 'm').unwrap_or(TimeSpec::NOW),
                        TimeSpec::NOW,
                    );
                    form.follow.set(true);
                    start();
                } else {
                    form.set_range(TimeSpec::At(from), TimeSpec::At(to));
                }
            }
            true
        });
    }
    let status = Signal::derive(move || snapshot.with(|s| s.status));
    // While following, where the data ends now.
    let live_end = Signal::derive(move || {
        snapshot.with(|s| {
            let live = s.status == Status::Live;
            s.channels.iter().map(|c| c.range.1).max().filter(|_| live)
        })
    });
    let channels = loader.channels();
    provide_context(loader.axis());
    // The instant under the pointer over any time chart, and the pinned one: the order book's.
    let pointer = crate::charts::pointer::Pointer::new(form.at);
    provide_context(pointer);
    // Drags on the price charts that measure, and the toggle that makes a plain drag one.
    let measuring =
        crate::charts::measure::Measuring::new(form.measure, form.at, form.zoom, loader.axis());
    provide_context(measuring);
    crate::chart_keys::use_chart_keys(form, loader.axis(), pointer, measuring);

    // Gaps: the collector's, of the loaded channels, for every time chart and the summary (read as context).
    provide_context(crate::gaps::Gaps::follow(loader.base(), status, channels));

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
        <main class:measuring=move || measuring.armed.get()>
            <section class="panel controls">
                <ChannelPicker selected=form.channels listed />
                <TimeRange form window />
                <LoadBar
                    status
                    k=form.k
                    inflight=form.inflight
                    cache
                    use_cache=form.cache
                    can_load=Signal::derive(move || problems.with(Vec::is_empty))
                    on_load on_cancel on_resume on_copy
                    copied=copied.into()
                />
                <IntervalPicker iv=form.iv view=form.view zoom=form.zoom measuring />
                <BackToLive zoom=form.zoom live_end />
                <Show when=move || status.get() == Status::Idle && channels.with(Vec::is_empty)>
                    <p class="hint" data-testid="hint">
                        "Pick channels and a time range, then Load: pages arrive with live progress, and the link \
                         keeps the whole view to share."
                    </p>
                </Show>
            </section>
            <Messages messages />
            <ProgressView snapshot />
            <ComparePanel channels form status />
            <For each=move || channels.get() key=|c| c.key() let(data)>
                <ChannelPanel data form status />
            </For>
            <Summary snapshot channels tz=form.tz.into() />
        </main>
    }
}

/// The span of the picked channels' data (of every listed channel when none is picked).
fn span_of(listing: &Listing, picked: &[Channel]) -> Option<(i64, i64)> {
    listing
        .channels
        .iter()
        .filter(|c| picked.is_empty() || picked.contains(&c.channel))
        .filter_map(|c| Some((c.first?, c.last?)))
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
}

/// `https://abc.execute-api.us-east-1.amazonaws.com/prod` → `abc.execute-api.us-east-1.amazonaws.com`.
fn host_of(base: &str) -> String {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    rest.split('/').next().unwrap_or_default().to_owned()
}
