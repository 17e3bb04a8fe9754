//! The collector's gaps in the loaded channels, where the API has `/gaps` (ours; the original is never asked):
//! each channel's, over its load range, when the load starts (so that the draw at its end has them), once it is
//! done (the collector may have noted more), and again every [`LIVE_EVERY_MS`] while it follows live (its range
//! moving forward with the data). The charts shade them and the summary counts them. A failure is
//! a console message and no more: the data is there either way.

use futures::future::join_all;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tickscope_core::{Channel, GapBand, GapTally, Shade, clip_bands, shades};

use crate::api;
use crate::loader::{ChannelData, Status};

/// While a load follows live, its gaps are asked again this often (an open gap grows, new ones open).
const LIVE_EVERY_MS: u32 = 10_000;

/// The current load's gaps: a copyable handle, provided to the components as context by the app.
#[derive(Clone, Copy)]
pub struct Gaps(RwSignal<Book>);

#[derive(Clone, Debug, Default, PartialEq)]
struct Book {
    /// Bumped when any channel's bands change: what a draw that reads them depends on.
    version: u64,
    channels: Vec<ChannelGaps>,
}

/// One channel's gaps: `None` until `/gaps` has answered (and for ever from an API without it).
#[derive(Clone, Debug, PartialEq)]
struct ChannelGaps {
    channel: Channel,
    /// The range they were asked for, and what `/gaps` gave for it.
    fetched: Option<((i64, i64), Vec<GapBand>)>,
}

impl Gaps {
    /// The gaps of the loader's channels, fetched from the API at `base` as their load's `status` allows.
    pub fn follow(
        base: Signal<String>,
        status: Signal<Status>,
        channels: Signal<Vec<ChannelData>>,
    ) -> Self {
        let gaps = Self(RwSignal::new(Book::default()));
        // The snapshot changes every publish; its status seldom.
        let status = Memo::new(move |_| status.get());
        // Which fetch is current: a change of status or of load makes the running one stop.
        let round = StoredValue::new(0u64);
        Effect::new(move |previous: Option<Vec<(u64, Channel)>>| {
            let status = status.get();
            let loaded = channels.get();
            let keys: Vec<_> = loaded.iter().map(ChannelData::key).collect();
            if previous.as_ref() != Some(&keys) {
                gaps.0.set(Book {
                    version: gaps.0.with_untracked(|b| b.version) + 1,
                    channels: loaded
                        .iter()
                        .map(|d| ChannelGaps {
                            channel: d.channel().clone(),
                            fetched: None,
                        })
                        .collect(),
                });
            }
            round.update_value(|r| *r += 1);
            if matches!(status, Status::Loading | Status::Done | Status::Live) {
                let current = round.get_value();
                let is_current = move || round.try_get_value() == Some(current);
                let base = base.get_untracked();
                spawn_local(gaps.fetch(base, loaded, status == Status::Live, is_current));
            }
            keys
        });
        gaps
    }

    /// Asks every channel's gaps (once, or every [`LIVE_EVERY_MS`] while `live`) until `is_current` says stop.
    async fn fetch(
        self,
        base: String,
        loaded: Vec<ChannelData>,
        live: bool,
        is_current: impl Fn() -> bool,
    ) {
        loop {
            let asked = join_all(loaded.iter().map(|data| {
                let range = data.with(|load| load.range());
                let base = &base;
                async move {
                    let answer = api::gaps(base, data.channel(), range.0, range.1).await;
                    (data.channel(), range, answer)
                }
            }))
            .await;
            if !is_current() {
                return;
            }
            for (channel, range, answer) in asked {
                match answer {
                    Ok(Some(bands)) => self.put(channel, range, bands),
                    // The API has no `/gaps`: nothing to show, nothing more to ask.
                    Ok(None) => return,
                    Err(e) => web_sys::console::warn_1(
                        &format!("Gaps of {channel} were not shown: {e}").into(),
                    ),
                }
            }
            if !live {
                return;
            }
            api::sleep(LIVE_EVERY_MS).await;
            if !is_current() {
                return;
            }
        }
    }

    /// Keeps `channel`'s bands; only a change of them is news for the draws.
    fn put(&self, channel: &Channel, range: (i64, i64), bands: Vec<GapBand>) {
        self.0.update(|book| {
            let Some(entry) = book.channels.iter_mut().find(|c| &c.channel == channel) else {
                return;
            };
            let changed = entry.fetched.as_ref().is_none_or(|(_, old)| *old != bands);
            entry.fetched = Some((range, bands));
            if changed {
                book.version += 1;
            }
        });
    }

    /// Changes when any channel's bands do (tracked).
    pub fn version(&self) -> u64 {
        self.0.with(|b| b.version)
    }

    /// `channel`'s gaps inside `[from, to]` as a chart shades them (untracked: a draw depends on [`Self::version`]).
    pub fn shades_of(&self, channel: &Channel, from: i64, to: i64) -> Vec<Shade> {
        self.0.with_untracked(|book| {
            shades(
                book.channels
                    .iter()
                    .filter(|c| &c.channel == channel)
                    .flat_map(|c| c.bands_in(from, to)),
            )
        })
    }

    /// Every channel's gaps inside `[from, to]`, taken together (untracked, as [`Self::shades_of`]).
    pub fn shades_all(&self, from: i64, to: i64) -> Vec<Shade> {
        self.0
            .with_untracked(|book| shades(book.channels.iter().flat_map(|c| c.bands_in(from, to))))
    }

    /// Whether any channel's gaps are known: the API has `/gaps` (tracked).
    pub fn known(&self) -> bool {
        self.0
            .with(|book| book.channels.iter().any(|c| c.fetched.is_some()))
    }

    /// `channel`'s gaps over the range they were asked for, once known (tracked).
    pub fn tally_of(&self, channel: &Channel) -> Option<GapTally> {
        self.0.with(|book| {
            let c = book.channels.iter().find(|c| &c.channel == channel)?;
            let ((from, to), _) = c.fetched.as_ref()?;
            Some(GapTally::of(&shades(c.bands_in(*from, *to))))
        })
    }

    /// The whole load's intervals without data (of any channel), once every channel's gaps are known (tracked).
    pub fn tally_all(&self) -> Option<GapTally> {
        self.0.with(|book| {
            let mut all = Vec::new();
            for c in &book.channels {
                let ((from, to), _) = c.fetched.as_ref()?;
                all.extend(c.bands_in(*from, *to));
            }
            (!book.channels.is_empty()).then(|| GapTally::of(&shades(all)))
        })
    }
}

impl ChannelGaps {
    fn bands_in(&self, from: i64, to: i64) -> Vec<GapBand> {
        self.fetched
            .as_ref()
            .map(|(_, bands)| clip_bands(bands, from, to))
            .unwrap_or_default()
    }
}
