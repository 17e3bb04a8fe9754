//! The dashboard's root component.

use leptos::prelude::*;

use crate::api::{self, ChannelSummary, Channels};

#[component]
pub fn App() -> impl IntoView {
    let base = api::base_from_location();
    let channels = LocalResource::new({
        let base = base.clone();
        move || {
            let base = base.clone();
            async move { api::fetch_channels(&base).await }
        }
    });

    view! {
        <header class="topbar">
            <h1>"Tickscope"</h1>
            <p class="api-base">
                "API " <code data-testid="api-base">{base}</code>
            </p>
        </header>
        <main>
            <section class="panel" aria-labelledby="channels-title">
                <h2 id="channels-title">"Channels"</h2>
                {move || match channels.get() {
                    None => view! { <p class="muted" data-testid="loading">"Loading channels…"</p> }.into_any(),
                    Some(Ok(data)) => view! { <ChannelList channels=data /> }.into_any(),
                    Some(Err(error)) => {
                        view! {
                            <div class="error" role="alert">
                                <p data-testid="error-message">{format!("Could not load the channels: {error}")}</p>
                                <button on:click=move |_| channels.refetch()>"Retry"</button>
                            </div>
                        }
                            .into_any()
                    }
                }}
            </section>
        </main>
    }
}

#[component]
fn ChannelList(channels: Channels) -> impl IntoView {
    let source = channels.source.clone();
    let rows = channels
        .channels
        .into_iter()
        .map(|c| view! { <ChannelRow summary=c /> })
        .collect_view();
    view! {
        {source.map(|source| view! { <p class="muted">"Source: " <span data-testid="source">{source}</span></p> })}
        <ul class="channels">{rows}</ul>
    }
}

#[component]
fn ChannelRow(summary: ChannelSummary) -> impl IntoView {
    let span = match (summary.first, summary.last) {
        (Some(first), Some(last)) => {
            format!("{} → {} UTC", format_micros(first), format_micros(last))
        }
        _ => "empty".to_owned(),
    };
    let testid = format!("channel-{}", summary.channel);
    view! {
        <li data-testid=testid data-count=summary.count.to_string()>
            <span class="channel-name">{summary.channel}</span>
            <span class="channel-count">{group_thousands(summary.count)}</span>
            <span class="channel-span muted">{span}</span>
        </li>
    }
}

/// A timestamp in microseconds since the epoch as `YYYY-MM-DD HH:MM:SS` (UTC).
fn format_micros(micros: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(micros as f64 / 1000.0));
    let iso = String::from(date.to_iso_string());
    // `2022-03-21T02:45:00.000Z`
    iso.get(..19)
        .map(|s| s.replacen('T', " ", 1))
        .unwrap_or(iso)
}

/// `1234567` as `1,234,567`.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
