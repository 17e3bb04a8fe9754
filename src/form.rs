//! The view the user is editing: API base, channels, time range, time zone, segments, and how the charts show
//! the data (interval, price view, zoom). It reads from and writes to the link (`tickscope-core`'s `ViewState`)
//! and turns into a [`LoadPlan`] once valid.

use std::collections::BTreeMap;

use leptos::prelude::*;
use tickscope_core::aggregate::Interval;
use tickscope_core::{
    ChannelKind, PriceView, TzMode, ViewState, format_iso, format_iso_with_offset, format_utc,
    format_with_offset, parse_iso,
};

use crate::loader::LoadPlan;

/// Not an error on a fresh page: Load stays disabled until a channel is picked.
pub const NO_CHANNEL: &str = "Pick at least one channel";

/// The original data window, used when the API cannot say what it holds.
pub const DATA_WINDOW: (i64, i64) = (1_647_830_700_000_000, 1_647_844_020_000_000);

#[derive(Clone, Copy)]
pub struct Form {
    pub api: RwSignal<String>,
    pub channels: RwSignal<Vec<String>>,
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
    pub tz: RwSignal<TzMode>,
    pub k: RwSignal<u8>,
    /// The charts' interval; `None`: chosen from the visible window.
    pub iv: RwSignal<Option<Interval>>,
    pub view: RwSignal<PriceView>,
    /// The charts' visible window; `None`: the whole range.
    pub zoom: RwSignal<Option<(i64, i64)>>,
    /// Link keys of later features, kept so that a link survives a round trip.
    extra: StoredValue<BTreeMap<String, String>>,
}

impl Form {
    pub fn new(view: &ViewState, default_api: &str) -> Self {
        let tz = view.tz;
        let (from, to) = (
            view.from.unwrap_or(DATA_WINDOW.0),
            view.to.unwrap_or(DATA_WINDOW.1),
        );
        Self {
            api: RwSignal::new(view.api.clone().unwrap_or_else(|| default_api.to_owned())),
            channels: RwSignal::new(view.channels.clone()),
            from: RwSignal::new(time_text(from, tz)),
            to: RwSignal::new(time_text(to, tz)),
            tz: RwSignal::new(tz),
            k: RwSignal::new(view.k),
            iv: RwSignal::new(view.iv),
            view: RwSignal::new(view.view),
            zoom: RwSignal::new(view.zoom),
            extra: StoredValue::new(view.extra.clone()),
        }
    }

    /// The range as µs, or what is wrong with it.
    pub fn range(&self) -> Result<(i64, i64), String> {
        let from = parse_time(&self.from.get()).map_err(|e| format!("From: {e}"))?;
        let to = parse_time(&self.to.get()).map_err(|e| format!("To: {e}"))?;
        if from > to {
            return Err("From is after To: pick a start before the end".into());
        }
        Ok((from, to))
    }

    /// Everything that stops a load, explained; empty when the form is valid.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = self.range() {
            problems.push(e);
        }
        if self.channels.get().is_empty() {
            problems.push(NO_CHANNEL.into());
        }
        let api = self.api.get();
        if !(api.starts_with("http://") || api.starts_with("https://")) {
            problems.push(format!("API base {api:?} is not an http(s) URL"));
        }
        problems
    }

    pub fn plan(&self) -> Result<LoadPlan, Vec<String>> {
        let problems = self.problems();
        let (from, to) = self.range().map_err(|_| problems.clone())?;
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(LoadPlan {
            base: self.api.get(),
            channels: self.channels.get(),
            from,
            to,
            k: usize::from(self.k.get()),
        })
    }

    /// The link's state: only valid values are written.
    pub fn view_state(&self, default_api: &str) -> ViewState {
        let api = self.api.get();
        let range = self.range().ok();
        ViewState {
            api: (api != default_api).then_some(api),
            channels: self
                .channels
                .get()
                .into_iter()
                .filter(|c| ChannelKind::of(c).is_some())
                .collect(),
            from: range.map(|r| r.0),
            to: range.map(|r| r.1),
            tz: self.tz.get(),
            k: self.k.get(),
            iv: self.iv.get(),
            view: self.view.get(),
            zoom: self.zoom.get(),
            extra: self.extra.get_value(),
        }
    }

    /// Sets the range, shown in the current time zone.
    pub fn set_range(&self, from: i64, to: i64) {
        let tz = self.tz.get_untracked();
        self.from.set(time_text(from, tz));
        self.to.set(time_text(to, tz));
    }

    /// Switches the time zone, rewriting the times in it.
    pub fn set_tz(&self, tz: TzMode) {
        let range = self.range();
        self.tz.set(tz);
        if let Ok((from, to)) = range {
            self.set_range(from, to);
        }
    }
}

/// A time as the inputs show it: ISO 8601 in UTC or with the browser's offset at that instant.
pub fn time_text(us: i64, tz: TzMode) -> String {
    match tz {
        TzMode::Utc => format_iso(us),
        TzMode::Local => format_iso_with_offset(us, local_offset_minutes(us)),
    }
}

/// A time for reading: `2022-03-21 02:45:00 UTC`, or in the browser's time zone with its offset.
pub fn show_time(us: i64, tz: TzMode) -> String {
    match tz {
        TzMode::Utc => format_utc(us),
        TzMode::Local => format_with_offset(us, local_offset_minutes(us)),
    }
}

/// Local time minus UTC at `us`, in minutes (east positive).
pub fn local_offset_minutes(us: i64) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((us / 1000) as f64));
    -(date.get_timezone_offset() as i32)
}

/// An ISO 8601 time (`2022-03-21T02:45:00Z`, or with an offset) or raw microseconds.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map_err(|_| format!("{text} is too large for microseconds"));
    }
    parse_iso(text)
        .map_err(|e| format!("{e} (expected e.g. 2022-03-21T02:45:00Z, or microseconds)"))
}
