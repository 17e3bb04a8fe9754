//! From/to in UTC or local time, as ISO 8601 or raw microseconds, with presets over the data window.

use leptos::prelude::*;
use tickscope_core::TzMode;

use crate::form::{Form, parse_time};

const MINUTE: i64 = 60_000_000;

#[component]
pub fn TimeRange(form: Form, window: Signal<(i64, i64)>) -> impl IntoView {
    let preset = move |pick: fn((i64, i64)) -> (i64, i64)| {
        move |_| {
            let (from, to) = pick(window.get_untracked());
            form.set_range(from, to);
        }
    };
    let micros = |text: RwSignal<String>| {
        move || {
            parse_time(&text.get())
                .map(|us| us.to_string())
                .unwrap_or_default()
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
            <label class="time">
                "From "
                <input type="text" data-testid="from" prop:value=move || form.from.get()
                    on:change=move |ev| form.from.set(event_target_value(&ev)) />
                <span class="muted micros" data-testid="from-us">{micros(form.from)}</span>
            </label>
            <label class="time">
                "To "
                <input type="text" data-testid="to" prop:value=move || form.to.get()
                    on:change=move |ev| form.to.set(event_target_value(&ev)) />
                <span class="muted micros" data-testid="to-us">{micros(form.to)}</span>
            </label>
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
