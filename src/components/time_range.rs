//! From/to in UTC or local time, as ISO 8601, raw microseconds or a time before now (`now-15m`), with presets
//! over the data window and up to now, and whether to follow the range's end.

use leptos::prelude::*;
use tickscope_core::{TimeSpec, TzMode};

use crate::form::Form;
use crate::time::now_us;

const MINUTE: i64 = 60_000_000;

/// A preset: the range it sets, given the data window.
type Preset = fn((i64, i64)) -> (TimeSpec, TimeSpec);

/// The last `minutes` up to now, relative: the range moves with the clock.
fn last(minutes: u32) -> (TimeSpec, TimeSpec) {
    let from = if minutes.is_multiple_of(60) {
        TimeSpec::ago(minutes / 60, 'h')
    } else {
        TimeSpec::ago(minutes, 'm')
    };
    (from.unwrap_or(TimeSpec::NOW), TimeSpec::NOW)
}

fn absolute(f: i64, t: i64) -> (TimeSpec, TimeSpec) {
    (TimeSpec::At(f), TimeSpec::At(t))
}

#[component]
pub fn TimeRange(form: Form, window: Signal<(i64, i64)>) -> impl IntoView {
    let preset = move |pick: Preset| {
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
                <label class="follow" title="Once loaded up to now, keep asking for new items">
                    <input type="checkbox" data-testid="follow"
                        prop:checked=move || form.follow.get()
                        on:change=move |ev| form.follow.set(event_target_checked(&ev)) />
                    " Follow"
                </label>
            </div>
            <TimeInput label="From " testid="from" text=form.from />
            <TimeInput label="To " testid="to" text=form.to />
            <div class="presets">
                <button type="button" data-testid="preset-all" on:click=preset(|(f, t)| absolute(f, t))>"Whole window"</button>
                <button type="button" on:click=preset(|(f, t)| absolute(f, t.min(f + 15 * MINUTE)))>"First 15 min"</button>
                <button type="button" on:click=preset(|(f, t)| absolute(f, t.min(f + 60 * MINUTE)))>"First 1 h"</button>
                <button type="button" data-testid="preset-last-1h" on:click=preset(|_| last(60))>"Last 1 h"</button>
                <button type="button" data-testid="preset-last-15m" on:click=preset(|_| last(15))>"Last 15 min"</button>
            </div>
        </fieldset>
    }
}

/// One time: typed as ISO 8601, µs or `now-<N><unit>`, shown back as the µs it means now (`<testid>-us`).
#[component]
fn TimeInput(label: &'static str, testid: &'static str, text: RwSignal<String>) -> impl IntoView {
    let micros = move || {
        TimeSpec::parse(&text.get())
            .map(|spec| spec.resolve(now_us()).to_string())
            .unwrap_or_default()
    };
    view! {
        <label class="time">
            {label}
            <input type="text" data-testid=testid prop:value=move || text.get()
                placeholder="2022-03-21T02:45:00Z or now-15m"
                on:change=move |ev| text.set(event_target_value(&ev)) />
            <span class="muted micros" data-testid=format!("{testid}-us")>{micros}</span>
        </label>
    }
}
