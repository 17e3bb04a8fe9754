//! After (and during) a load: per channel, what arrived, and a first look at the newest items.

use leptos::prelude::*;
use tickscope_core::{Side, Tick, TzMode};

use crate::form::show_time;
use crate::loader::{ChannelSnapshot, Snapshot};

#[component]
pub fn Summary(snapshot: Signal<Snapshot>, tz: Signal<TzMode>) -> impl IntoView {
    view! {
        <Show when=move || snapshot.with(|s| !s.channels.is_empty())>
            <section class="panel summary">
                <h2>"Summary"</h2>
                <table>
                    <thead>
                        <tr>
                            <th>"Channel"</th><th>"Items"</th><th>"Pages"</th><th>"Time covered"</th>
                            <th>"First item"</th><th>"Last item"</th><th>"Malformed skipped"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || snapshot.get().channels.into_iter().map(|c| summary_row(c, tz.get())).collect_view()}
                    </tbody>
                </table>
                <h2>"Newest items"</h2>
                {move || snapshot.get().channels.into_iter().map(|c| newest_table(c, tz.get())).collect_view()}
            </section>
        </Show>
    }
}

fn summary_row(c: ChannelSnapshot, tz: TzMode) -> impl IntoView {
    let time = |ts: Option<i64>| ts.map(|t| show_time(t, tz)).unwrap_or_else(|| "—".into());
    let covered = match (c.first_ts, c.last_ts) {
        (Some(f), Some(l)) => format!("{:.1} min", (l - f) as f64 / 60e6),
        _ => "—".into(),
    };
    view! {
        <tr>
            <td>{c.channel.clone()}</td>
            <td>{c.items}</td>
            <td>{c.pages}</td>
            <td>{covered}</td>
            <td>{time(c.first_ts)}</td>
            <td>{time(c.last_ts)}</td>
            <td>{c.skipped}</td>
        </tr>
    }
}

fn newest_table(c: ChannelSnapshot, tz: TzMode) -> impl IntoView {
    let rows = c.newest.into_iter().map(|t| item_row(t, tz)).collect_view();
    view! {
        <h3>{c.channel.clone()}</h3>
        <table class="newest">
            <thead>
                <tr><th>"Time"</th><th>"Event"</th><th>"Side"</th><th>"Price"</th><th>"Amount"</th><th>"Id"</th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn item_row(t: Tick, tz: TzMode) -> impl IntoView {
    let side = match t.side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    };
    view! {
        <tr>
            <td>{show_time(t.ts, tz)}</td>
            <td>{t.event.name()}</td>
            <td class=side>{side}</td>
            <td>{t.price.to_string()}</td>
            <td>{t.amount.to_string()}</td>
            <td>{t.id.to_string()}</td>
        </tr>
    }
}
