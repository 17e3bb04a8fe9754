//! From/to in UTC or local time, as ISO 8601 or raw microseconds, with presets over the data window.

use leptos::prelude::*;
use tickscope_core::{TzMode, parse_time};

use crate::form::Form;

const MINUTE: i64 = 60_000_000;

#[component]
pub fn TimeRange(form: Form, window: Signal<(i64, i64)>) -> impl IntoView {
    let preset = move |pick: fn((i64, i64)) -> (i64, i64)| {
        move |_| {
            let (from, to) = pick(window.get_untracked());
            form.set_range(from, to);
        }
    };
    view! {
        <fieldset class="time-range">
            <legend>"Time range"</legend>
            <div class="tz">
                <label>
                    <input type="radio" name="tz" data-testid="tz-utc"
                        prop:checked=move || form.tz.get() == TzMode::Utc
                        on:change=move |_| form.set_tz(TzMode::Utc) />
                    " UTC"
                </label>
                <label>
                    <input type="radio" name="tz" data-testid="tz-local"
                        prop:checked=move || form.tz.get() == TzMode::Local
                        on:change=move |_| form.set_tz(TzMode::Local) />
                    " Local time"
                </label>
            </div>
            <TimeInput label="From " testid="from" text=form.from />
            <TimeInput label="To " testid="to" text=form.to />
            <div class="presets">
                <button type="button" data-testid="preset-all" on:click=preset(|w| w)>"Whole window"</button>
                <button type="button" on:click=preset(|(f, t)| (f, t.min(f + 15 * MINUTE)))>"First 15 min"</button>
                <button type="button" on:click=preset(|(f, t)| (f, t.min(f + 60 * MINUTE)))>"First 1 h"</button>
                <button type="button" on:click=preset(|(f, t)| (f.max(t - 60 * MINUTE), t))>"Last 1 h"</button>
                <button type="button" on:click=preset(|(f, t)| (f.max(t - 15 * MINUTE), t))>"Last 15 min"</button>
            </div>
        </fieldset>
    }
}

/// One time: typed as ISO 8601 or µs, shown back as the µs it means (`<testid>-us`).
#[component]
fn TimeInput(label: &'static str, testid: &'static str, text: RwSignal<String>) -> impl IntoView {
    let micros = move || {
        parse_time(&text.get())
            .map(|us| us.to_string())
            .unwrap_or_default()
    };
    view! {
        <label class="time">
            {label}
            <input type="text" data-testid=testid prop:value=move || text.get()
                on:change=move |ev| text.set(event_target_value(&ev)) />
            <span class="muted micros" data-testid=format!("{testid}-us")>{micros}</span>
        </label>
    }
}
