//! What the UI shows of a load: plain values, rebuilt after every page.

use tickscope_core::{ChannelLoad, Coverage, LoadMeter, Progress, Tick};

/// The `status` hook's words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Idle,
    Loading,
    Done,
    Error,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Loading => "loading",
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
    /// The snapshot of `channel`, when it is part of the load.
    pub fn channel(&self, channel: &str) -> Option<&ChannelSnapshot> {
        self.channels.iter().find(|c| c.channel == channel)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChannelSnapshot {
    pub channel: String,
    pub percent: f64,
    pub items: usize,
    pub pages: u64,
    pub skipped: u64,
    pub retries: u32,
    pub first_ts: Option<i64>,
    pub last_ts: Option<i64>,
    pub done: bool,
    pub error: Option<String>,
    /// The newest items, newest first.
    pub newest: Vec<Tick>,
}

/// How many of the newest items the first-look table shows per channel.
const NEWEST: usize = 8;

pub fn take(
    loads: &[ChannelLoad],
    failures: &[Option<String>],
    retries: &[u32],
    meter: Option<&LoadMeter>,
    running: bool,
    cancelled: bool,
) -> Snapshot {
    let channels: Vec<ChannelSnapshot> = loads
        .iter()
        .zip(failures)
        .zip(retries)
        .map(|((load, failure), &retries)| channel(load, failure, retries))
        .collect();
    let overall = meter.map(|m| {
        m.report(
            loads.iter().map(Coverage::of_load).sum(),
            js_sys::Date::now(),
        )
    });
    let status = if running {
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
        channels,
        overall,
    }
}

fn channel(load: &ChannelLoad, failure: &Option<String>, retries: u32) -> ChannelSnapshot {
    let stats = load.stats();
    let pager_error = load.errors().next().map(|(_, e)| e.to_string());
    let columns: Vec<_> = load.chunks().collect();
    let newest = columns
        .iter()
        .rev()
        .flat_map(|c| (0..c.len()).rev().filter_map(|i| c.get(i)))
        .take(NEWEST)
        .collect();
    ChannelSnapshot {
        channel: load.channel().to_owned(),
        percent: Coverage::of_load(load).percent(),
        items: load.items(),
        pages: stats.pages,
        skipped: stats.skipped,
        retries,
        first_ts: columns.first().map(|c| c.ts[0]),
        last_ts: columns.last().and_then(|c| c.ts.last().copied()),
        done: load.is_done(),
        error: failure.clone().or(pager_error),
        newest,
    }
}
