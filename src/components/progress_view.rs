//! Where the load is: overall and per channel, by time covered (items arrive sorted by time, so the share of
//! the range covered is a true measure), with pages, items, megabytes, rate and ETA.

use leptos::prelude::*;
use tickscope_core::format::{count, grouped};

use crate::loader::{ChannelSnapshot, Snapshot, Status};

#[component]
pub fn ProgressView(snapshot: Signal<Snapshot>) -> impl IntoView {
    let overall = move || snapshot.with(|s| s.overall.map(|p| p.percent).unwrap_or(0.0));
    let items = move || snapshot.with(|s| s.channels.iter().map(|c| c.items).sum::<usize>());
    let pages = move || snapshot.with(|s| s.channels.iter().map(|c| c.pages).sum::<u64>());
    let cached = move || snapshot.with(|s| s.channels.iter().map(|c| c.cached).sum::<usize>());
    let details = move || {
        snapshot.with(|s| {
            let p = s.overall?;
            let mut parts = vec![format!(
                "{} MB in {:.1} s",
                grouped(p.bytes as f64 / 1e6, 2),
                p.elapsed_ms / 1000.0
            )];
            parts.extend(
                p.items_per_second
                    .map(|r| format!("{} items/s", grouped(r, 0))),
            );
            if s.status == Status::Loading {
                parts.extend(p.eta_ms.map(|ms| format!("ETA {:.1} s", ms / 1000.0)));
            }
            Some(parts.join(" · "))
        })
    };
    view! {
        <section class="panel progress">
            <div class="status-line">
                <span class="status" data-testid="status">{move || snapshot.with(|s| s.status.as_str())}</span>
                // The test hooks hold digits only; people read the grouped numbers.
                <span>
                    {move || count(items() as u64)}" items · "{move || count(pages())}" pages"
                    {move || (cached() > 0).then(|| format!(" · {} from the cache", count(cached() as u64)))}
                    <span hidden data-testid="items-loaded">{move || items().to_string()}</span>
                    <span hidden data-testid="items-cached">{move || cached().to_string()}</span>
                    <span hidden data-testid="pages-loaded">{move || pages().to_string()}</span>
                </span>
                <span class="muted">{details}</span>
            </div>
            <Bar percent=Signal::derive(overall) testid="progress" label="All channels".to_owned() />
            <For each=move || snapshot.get().channels key=|c| c.channel.clone() let(channel)>
                <ChannelProgress channel=channel.channel.name().to_owned() snapshot />
            </For>
        </section>
    }
}

#[component]
fn ChannelProgress(channel: String, snapshot: Signal<Snapshot>) -> impl IntoView {
    let this = {
        let channel = channel.clone();
        move || snapshot.with(|s| s.channel(&channel).cloned())
    };
    let percent = {
        let this = this.clone();
        Signal::derive(move || this().map(|c| c.percent).unwrap_or(0.0))
    };
    let line = move || {
        this().map(|c: ChannelSnapshot| {
            let retries = if c.retries > 0 {
                format!(" · {} retries", c.retries)
            } else {
                String::new()
            };
            let cached = if c.cached > 0 {
                format!(" ({} from the cache)", count(c.cached as u64))
            } else {
                String::new()
            };
            format!(
                "{} items{cached} · {} pages{retries}",
                count(c.items as u64),
                count(c.pages)
            )
        })
    };
    let testid = format!("items-{channel}");
    let count = {
        let channel = channel.clone();
        move || {
            snapshot
                .with(|s| s.channel(&channel).map_or(0, |c| c.items))
                .to_string()
        }
    };
    // The range the count is of: it moves while following.
    let range = {
        let channel = channel.clone();
        move || snapshot.with(|s| s.channel(&channel).map(|c| c.range))
    };
    let range_end = range.clone();
    let cached = {
        let channel = channel.clone();
        move || {
            snapshot
                .with(|s| s.channel(&channel).map_or(0, |c| c.cached))
                .to_string()
        }
    };
    view! {
        <div class="channel-progress">
            <Bar percent testid="" label=channel.clone() />
            <span class="muted">{line}</span>
            <span hidden data-testid=testid data-from=move || range().map(|r| r.0.to_string())
                data-to=move || range_end().map(|r| r.1.to_string())>{count}</span>
            <span hidden data-testid=format!("cached-{channel}")>{cached}</span>
        </div>
    }
}

/// A progress bar; `testid` empty for none.
#[component]
fn Bar(percent: Signal<f64>, testid: &'static str, label: String) -> impl IntoView {
    view! {
        <div class="bar-row">
            <span class="bar-label">{label.clone()}</span>
            <div class="bar" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=move || format!("{:.0}", percent.get())
                data-testid=(!testid.is_empty()).then_some(testid)>
                <div class="bar-fill" style:transform=move || format!("scaleX({:.4})", percent.get() / 100.0)></div>
            </div>
            <span class="bar-percent">{move || format!("{:.1} %", percent.get())}</span>
        </div>
    }
}
