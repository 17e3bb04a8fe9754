//! What the progress view shows of a load: plain values, rebuilt at most every publish interval. The data
//! itself goes to the panels through their [`super::ChannelData`]; this is for progress only.

use tickscope_core::{Channel, Coverage, LoadMeter, Progress};

use super::channel_run::ChannelRun;

/// The `status` hook's words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Idle,
    Loading,
    /// Loaded up to now, and following: new items are asked for as they arrive.
    Live,
    Done,
    Error,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Loading => "loading",
            Self::Live => "live",
            Self::Done => "done",
            Self::Error => "error",
            Self::Cancelled => "cancelled",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub status: Status,
    pub channels: Vec<ChannelSnapshot>,
    pub overall: Option<Progress>,
}

impl Snapshot {
    /// The progress of the channel named `name`, when it is part of the load.
    pub fn channel(&self, name: &str) -> Option<&ChannelSnapshot> {
        self.channels.iter().find(|c| c.channel.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChannelSnapshot {
    pub channel: Channel,
    pub percent: f64,
    pub items: usize,
    /// Of `items`, those read from the cache.
    pub cached: usize,
    pub pages: u64,
    pub skipped: u64,
    pub retries: u32,
    pub first_ts: Option<i64>,
    pub last_ts: Option<i64>,
    pub done: bool,
    /// Why the channel stopped, if it did.
    pub error: Option<String>,
    /// Why its last poll failed, while following (it is tried again).
    pub poll_error: Option<String>,
    /// The range its items cover: it moves while following.
    pub range: (i64, i64),
}

pub(super) fn take<'a>(
    channels: impl Iterator<Item = &'a ChannelRun>,
    meter: &LoadMeter,
    loading: bool,
    following: bool,
    cancelled: bool,
) -> Snapshot {
    let mut coverage = Coverage::default();
    let channels: Vec<ChannelSnapshot> = channels
        .map(|c| {
            let load = c.load();
            let covered = Coverage::of_load(&load);
            coverage = coverage + covered;
            let stats = load.stats();
            let chunks: Vec<_> = load.chunks().collect();
            let first_ts = chunks.first().map(|c| c.ts[0]);
            let last_ts = chunks.last().and_then(|c| c.ts.last().copied());
            ChannelSnapshot {
                channel: c.channel().clone(),
                percent: covered.percent(),
                items: load.items(),
                cached: load.held_items(),
                pages: stats.pages,
                skipped: stats.skipped,
                retries: c.retries(),
                first_ts,
                last_ts,
                done: load.is_done(),
                error: c.failure(),
                poll_error: c.poll_failure(),
                range: load.range(),
            }
        })
        .collect();
    let status = if following {
        Status::Live
    } else if loading {
        Status::Loading
    } else if cancelled {
        Status::Cancelled
    } else if channels.iter().any(|c| c.error.is_some()) {
        Status::Error
    } else if !channels.is_empty() && channels.iter().all(|c| c.done) {
        Status::Done
    } else {
        Status::Idle
    };
    Snapshot {
        status,
        overall: Some(meter.report(coverage, js_sys::Date::now())),
        channels,
    }
}
