//! After (and during) a load: per channel, what arrived and the collector's gaps in it, and a first look at the
//! newest items, in key order.

use leptos::prelude::*;
use tickscope_core::format::{count, grouped, price};
use tickscope_core::{GapTally, Side, Tick, TzMode};

use crate::gaps::Gaps;
use crate::loader::{ChannelData, ChannelSnapshot, Snapshot};
use crate::time::{short_span, show_time};

/// How many of the newest items the first-look table shows per channel.
const NEWEST: usize = 8;

#[component]
pub fn Summary(
    snapshot: Signal<Snapshot>,
    channels: Signal<Vec<ChannelData>>,
    tz: Signal<TzMode>,
) -> impl IntoView {
    let gaps = expect_context::<Gaps>();
    // Only where the API has `/gaps`: an unknown count is not shown as none.
    let gaps_known = move || gaps.known();
    view! {
        <Show when=move || snapshot.with(|s| !s.channels.is_empty())>
            <section class="panel summary">
                <h2>"Summary"</h2>
                <table>
                    <thead>
                        <tr>
                            <th>"Channel"</th><th>"Items"</th><th>"Pages"</th><th>"Time covered"</th>
                            <th>"First item"</th><th>"Last item"</th><th>"Malformed skipped"</th>
                            <Show when=gaps_known><th>"Gaps"</th></Show>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let gaps = gaps_known().then_some(gaps);
                            snapshot.get().channels.into_iter().map(|c| summary_row(c, tz.get(), gaps)).collect_view()
                        }}
                    </tbody>
                </table>
                {move || gaps.tally_all().map(|t| view! {
                    <p title="intervals in which any loaded channel has no data, as the collector recorded them">
                        "Gaps in all: "
                        <span data-testid="gaps-summary" data-value=t.count data-us=t.micros>{gaps_text(t)}</span>
                    </p>
                })}
                <h2>"Newest items"</h2>
                <For each=move || channels.get() key=|c| c.key() let(data)>
                    <NewestItems data tz />
                </For>
            </section>
        </Show>
    }
}

/// `gaps`: where the API has them.
fn summary_row(c: ChannelSnapshot, tz: TzMode, gaps: Option<Gaps>) -> impl IntoView {
    let time = |ts: Option<i64>| ts.map(|t| show_time(t, tz)).unwrap_or_else(|| "—".into());
    let covered = match (c.first_ts, c.last_ts) {
        (Some(f), Some(l)) => format!("{} min", grouped((l - f) as f64 / 60e6, 1)),
        _ => "—".into(),
    };
    view! {
        <tr>
            <td>{c.channel.name().to_owned()}</td>
            <td>{count(c.items as u64)}</td>
            <td>{count(c.pages)}</td>
            <td>{covered}</td>
            <td>{time(c.first_ts)}</td>
            <td>{time(c.last_ts)}</td>
            <td>{count(c.skipped)}</td>
            {gaps.map(|g| match g.tally_of(&c.channel) {
                Some(t) => view! {
                    <td data-testid=format!("gaps-{}", c.channel) data-value=t.count data-us=t.micros>{gaps_text(t)}</td>
                }.into_any(),
                None => view! { <td class="muted">"—"</td> }.into_any(),
            })}
        </tr>
    }
}

/// `2 gaps, 41 s without data`, or `none`.
fn gaps_text(t: GapTally) -> String {
    match t.count {
        0 => "none".to_owned(),
        1 => format!("1 gap, {} without data", short_span(t.micros)),
        n => format!(
            "{} gaps, {} without data",
            count(n as u64),
            short_span(t.micros)
        ),
    }
}

/// The channel's newest items, newest first, in key order: the last of a sweep's trades is the last it made.
#[component]
fn NewestItems(data: ChannelData, tz: Signal<TzMode>) -> impl IntoView {
    let channel = data.channel().clone();
    let newest = Memo::new(move |_| {
        data.read_chunks(|chunks, _| {
            chunks
                .iter()
                .rev()
                .flat_map(|c| (0..c.len()).rev().filter_map(|i| c.get(i)))
                .take(NEWEST)
                .collect::<Vec<Tick>>()
        })
    });
    let decimals = channel.price_decimals();
    view! {
        <h3>{channel.name().to_owned()}</h3>
        <table class="newest" data-testid=format!("newest-{channel}")>
            <thead>
                <tr><th>"Time"</th><th>"Event"</th><th>"Side"</th><th>"Price"</th><th>"Amount"</th><th>"Id"</th></tr>
            </thead>
            <tbody>
                {move || newest.get().into_iter().map(|t| item_row(t, tz.get(), decimals)).collect_view()}
            </tbody>
        </table>
    }
}

fn item_row(t: Tick, tz: TzMode, decimals: usize) -> impl IntoView {
    let side = match t.side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    };
    view! {
        <tr data-id=t.id.to_string() data-ts=t.ts.to_string()>
            <td>{show_time(t.ts, tz)}</td>
            <td>{t.event.name()}</td>
            <td class=side>{side}</td>
            <td data-value=t.price.to_string()>{price(t.price, decimals)}</td>
            <td data-value=t.amount.to_string()>{grouped(t.amount, 8)}</td>
            <td>{t.id.to_string()}</td>
        </tr>
    }
}
