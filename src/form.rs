//! The view the user is editing: API base, channels, time range (instants or times before now), whether to
//! follow, time zone, segments and requests in flight, the cache, and how the charts show the data (interval, price
//! view, zoom, the order book's instant, a measurement). It reads from and writes to the link (`tickscope-core`'s `ViewState`) and turns into a [`LoadPlan`] once valid.

use std::collections::BTreeMap;

use leptos::prelude::*;
use tickscope_core::aggregate::Interval;
use tickscope_core::{Channel, ORIGINAL_WINDOW, PriceView, TimeSpec, TzMode, ViewState};

use crate::loader::LoadPlan;
use crate::time::{now_us, spec_text};

/// What stops a load.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// No channel is picked: Load stays disabled, but a fresh page is not in error.
    NoChannel,
    /// Something to fix, said so.
    Invalid(String),
}

#[derive(Clone, Copy)]
pub struct Form {
    pub api: RwSignal<String>,
    pub channels: RwSignal<Vec<Channel>>,
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
    /// Once loaded up to now, keep asking for new items.
    pub follow: RwSignal<bool>,
    pub tz: RwSignal<TzMode>,
    /// Segments per channel fixed by the user; `None`: planned from the data.
    pub k: RwSignal<Option<u8>>,
    /// Requests in flight fixed by the user; `None`: by the API's protocol.
    pub inflight: RwSignal<Option<u8>>,
    /// Read from and keep in the browser's cache.
    pub cache: RwSignal<bool>,
    /// The charts' interval; `None`: chosen from the visible window.
    pub iv: RwSignal<Option<Interval>>,
    pub view: RwSignal<PriceView>,
    /// The charts' visible window; `None`: the whole range.
    pub zoom: RwSignal<Option<(i64, i64)>>,
    /// The order book's pinned instant; `None`: the range's end.
    pub at: RwSignal<Option<i64>>,
    /// The instants the price charts are measured between; `None`: no measurement.
    pub measure: RwSignal<Option<(i64, i64)>>,
    /// Link keys of later features, kept so that a link survives a round trip.
    extra: StoredValue<BTreeMap<String, String>>,
}

impl Form {
    pub fn new(view: &ViewState, default_api: &str) -> Self {
        let tz = view.tz;
        let (from, to) = (
            view.from.unwrap_or(TimeSpec::At(ORIGINAL_WINDOW.0)),
            view.to.unwrap_or(TimeSpec::At(ORIGINAL_WINDOW.1)),
        );
        Self {
            api: RwSignal::new(view.api.clone().unwrap_or_else(|| default_api.to_owned())),
            channels: RwSignal::new(view.channels.clone()),
            from: RwSignal::new(spec_text(from, tz)),
            to: RwSignal::new(spec_text(to, tz)),
            follow: RwSignal::new(view.follow),
            tz: RwSignal::new(tz),
            k: RwSignal::new(view.k),
            inflight: RwSignal::new(view.inflight),
            cache: RwSignal::new(view.cache),
            iv: RwSignal::new(view.iv),
            view: RwSignal::new(view.view),
            zoom: RwSignal::new(view.zoom),
            at: RwSignal::new(view.at),
            measure: RwSignal::new(view.measure),
            extra: StoredValue::new(view.extra.clone()),
        }
    }

    /// The range as written (instants or times before now), or what is wrong with it.
    pub fn specs(&self) -> Result<(TimeSpec, TimeSpec), String> {
        let read = |name: &str, text: String| {
            TimeSpec::parse(&text).map_err(|why| {
                format!(
                    "{name} {text:?} {why} (expected e.g. 2022-03-21T02:45:00Z, now-15m, or microseconds)"
                )
            })
        };
        let from = read("From", self.from.get())?;
        let to = read("To", self.to.get())?;
        let now = now_us();
        if from.resolve(now) > to.resolve(now) {
            return Err("From is after To: pick a start before the end".into());
        }
        Ok((from, to))
    }

    /// Everything that stops a load; empty when the form is valid.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Err(e) = self.specs() {
            problems.push(Problem::Invalid(e));
        }
        if self.channels.with(Vec::is_empty) {
            problems.push(Problem::NoChannel);
        }
        let api = self.api.get();
        if !(api.starts_with("http://") || api.starts_with("https://")) {
            problems.push(Problem::Invalid(format!(
                "API base {api:?} is not an http(s) URL"
            )));
        }
        problems
    }

    /// The load the form describes, when it is valid.
    pub fn plan(&self) -> Option<LoadPlan> {
        if !self.problems().is_empty() {
            return None;
        }
        let (from, to) = self.specs().ok()?;
        Some(LoadPlan {
            base: self.api.get(),
            channels: self.channels.get(),
            from,
            to,
            k: self.k.get().map(usize::from),
            in_flight: self.inflight.get().map(usize::from),
            follow: self.follow.get(),
            cache: self.cache.get(),
        })
    }

    /// The link's state: only valid values are written.
    pub fn view_state(&self, default_api: &str) -> ViewState {
        let api = self.api.get();
        let range = self.specs().ok();
        ViewState {
            api: (api != default_api).then_some(api),
            channels: self.channels.get(),
            from: range.map(|r| r.0),
            to: range.map(|r| r.1),
            follow: self.follow.get(),
            tz: self.tz.get(),
            k: self.k.get(),
            inflight: self.inflight.get(),
            cache: self.cache.get(),
            iv: self.iv.get(),
            view: self.view.get(),
            zoom: self.zoom.get(),
            at: self.at.get(),
            measure: self.measure.get(),
            extra: self.extra.get_value(),
        }
    }

    /// Sets the range: instants shown in the current time zone, times before now as written.
    pub fn set_range(&self, from: TimeSpec, to: TimeSpec) {
        let tz = self.tz.get_untracked();
        self.from.set(spec_text(from, tz));
        self.to.set(spec_text(to, tz));
    }

    /// Switches the time zone, rewriting the instants in it.
    pub fn set_tz(&self, tz: TzMode) {
        let range = self.specs();
        self.tz.set(tz);
        if let Ok((from, to)) = range {
            self.set_range(from, to);
        }
    }
}
