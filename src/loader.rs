//! Loads channels over a time range, many segments per channel in parallel. The plan (how many requests in
//! flight, how many segments where: `tickscope-core`'s [`first_round`]) is made from the API's protocol and what it
//! lists; the paging itself (cursors, the time-cursor fallback, splits, the order of items) is the core's
//! [`ChannelLoad`]; this module only runs the requests and keeps score.
//!
//! - A **load** is what Load asked for: one [`ChannelRun`] per channel, which keeps its data through Cancel and
//!   Resume, and is what each panel gets a [`ChannelData`] handle to.
//! - A **run** is the requests in flight for a load: [`Run`]. Load and Resume start one, Cancel drops it, and
//!   dropping it aborts its requests. A task holds a `Weak<Run>`: "is my run still current" is `upgrade()`.
//! - Once a run has loaded its range and the plan follows, its [`FollowTask`]s keep asking each channel for new
//!   items ([`follow_task`]) until Cancel or Follow is switched off.
//! - The [`Snapshot`] signal is for progress only, published at most every [`PUBLISH_MS`].
//! - With the cache on, a load first reads what the [`Cache`] holds of its range and plans requests for the rest
//!   only; once the range is loaded (or cancelled), what it fetched is kept there.

mod channel_run;
pub mod fetch_page;
mod follow_task;
mod snapshot;
mod task;
mod task_context;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use tickscope_core::cache::SETTLE_US;
use tickscope_core::{
    Channel, ChannelLoad, Density, Held, LoadMeter, SPLIT_MIN_PAGES, SegmentPager, TimeSpec,
    first_round, uncovered,
};
use web_sys::AbortController;

pub use channel_run::ChannelData;
use channel_run::ChannelRun;
use follow_task::FollowTask;
pub use snapshot::{ChannelSnapshot, Snapshot, Status};
use task::SegmentTask;

use crate::cache::Cache;
use crate::time::now_us;
use crate::{api, protocol};

/// What to load.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadPlan {
    pub base: String,
    pub channels: Vec<Channel>,
    /// Resolved against the clock when the load starts; a relative `from` slides while following.
    pub from: TimeSpec,
    pub to: TimeSpec,
    /// Segments per channel, as the user fixed them; `None`: planned from what the API lists
    /// ([`first_round`]).
    pub k: Option<usize>,
    /// Requests in flight, as the user fixed them; `None`: by the API's protocol ([`protocol::in_flight`]).
    pub in_flight: Option<usize>,
    pub follow: bool,
    /// Read the range from the cache where it holds it, and keep what is fetched there.
    pub cache: bool,
}

/// The range as a following load reads it at each poll.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Range {
    from: TimeSpec,
    to: TimeSpec,
}

/// The time axis every chart of a load shares: the union of its channels' ranges. While following, each channel's
/// range ends where its last poll did, a little apart from the others'; charts that zoom together (by percent of
/// their axis) must share one, or each would make a different window of the same gesture.
#[derive(Clone, Copy)]
pub struct TimeAxis(Signal<Vec<ChannelData>>);

impl TimeAxis {
    /// The range, untracked (a chart reads it when it draws or zooms); `None` without a load.
    pub fn range(&self) -> Option<(i64, i64)> {
        self.0.try_with_untracked(|channels| {
            channels
                .iter()
                .map(|c| c.with(|load| load.range()))
                .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
        })?
    }
}

/// The channels of one Load, and what it has cost so far.
struct Load {
    base: String,
    channels: Vec<Rc<ChannelRun>>,
    meter: RefCell<LoadMeter>,
    range: Range,
    /// Whether to follow once loaded; switched by the Follow checkbox.
    follow: Cell<bool>,
    /// Requests to keep in flight while loading the range, when fixed (by the link); else by the protocol.
    fixed_budget: Option<usize>,
    /// Where what is fetched is kept; `None` with the cache off.
    cache: Option<Cache>,
}

impl Load {
    /// Requests to keep in flight: read again as pages arrive, since the protocol is known only once the API has
    /// answered a request (a cold link starts loading at once).
    fn budget(&self) -> usize {
        budget(self.fixed_budget, &self.base)
    }

    /// Keeps in the cache what the channels fetched whole, up to a minute ago (newer items may still arrive).
    /// Before following: a following channel's items have moved to its sliding window.
    fn keep(&self) {
        let Some(cache) = self.cache else {
            return;
        };
        let until = now_us() - SETTLE_US;
        for c in &self.channels {
            let stretches = c.load().stretches_to_store(until);
            cache.keep(self.base.clone(), c.channel().clone(), stretches);
        }
    }
}

/// Requests to keep in flight to `base`: as fixed by the link, else as its protocol carries.
fn budget(fixed: Option<usize>, base: &str) -> usize {
    fixed.unwrap_or_else(|| protocol::in_flight(base))
}

/// The requests in flight for a load. Dropped by Cancel, by the next Load, or when its last task ends.
struct Run {
    load: Rc<Load>,
    loader: Loader,
    in_flight: RefCell<Vec<AbortController>>,
    /// Segments being paged, one request in flight each: the load's budget less these is what splits may take.
    tasks: Cell<usize>,
    /// Channels following, once the range is loaded.
    following: Cell<usize>,
}

impl Drop for Run {
    fn drop(&mut self) {
        for controller in self.in_flight.get_mut().drain(..) {
            controller.abort();
        }
    }
}

/// The loader: a copyable handle for the buttons and the tasks. Its state is not `Send` (abort controllers are JS
/// objects), so it lives in local storage.
#[derive(Clone, Copy)]
pub struct Loader {
    load: StoredValue<Option<Rc<Load>>, LocalStorage>,
    run: StoredValue<Option<Rc<Run>>, LocalStorage>,
    /// The current load's channels, for their panels.
    channels: RwSignal<Vec<ChannelData>>,
    /// The current load's API base (the form's may have been edited since).
    base: RwSignal<String>,
    snapshot: RwSignal<Snapshot>,
    cancelled: StoredValue<bool>,
    publish: StoredValue<Publish>,
    /// Loads started so far.
    loads: StoredValue<u64>,
    cache: Cache,
}

/// When the UI last got a snapshot (`Date.now()`), and whether one is scheduled.
#[derive(Default)]
struct Publish {
    at: f64,
    pending: bool,
}

/// While pages arrive, the UI hears of them at most this often: each snapshot re-renders the progress, and each
/// version bump recomputes a panel's statistics.
const PUBLISH_MS: f64 = 250.0;

impl Loader {
    pub fn new(cache: Cache) -> Self {
        Self {
            load: StoredValue::new_local(None),
            run: StoredValue::new_local(None),
            channels: RwSignal::new(Vec::new()),
            base: RwSignal::new(String::new()),
            snapshot: RwSignal::new(Snapshot::default()),
            cancelled: StoredValue::new(false),
            publish: StoredValue::new(Publish::default()),
            loads: StoredValue::new(0),
            cache,
        }
    }

    pub fn snapshot(&self) -> RwSignal<Snapshot> {
        self.snapshot
    }

    /// The current load's channels, in the plan's order.
    pub fn channels(&self) -> Signal<Vec<ChannelData>> {
        self.channels.into()
    }

    /// The API base of the current load.
    pub fn base(&self) -> Signal<String> {
        self.base.into()
    }

    /// The time axis of the current load's charts.
    pub fn axis(&self) -> TimeAxis {
        TimeAxis(self.channels.into())
    }

    /// Starts a new load, dropping the previous one. A bad range comes back as a message.
    pub fn load(&self, plan: &LoadPlan) -> Result<(), String> {
        self.loads.update_value(|n| *n += 1);
        let number = self.loads.get_value();
        let now = now_us();
        let from = plan.from.resolve(now);
        // A load that follows covers up to now and follows from there (a clock that runs ahead of ours, as the
        // simulator's at --speed 20, is loaded as it is when not following).
        let to = plan.to.resolve(now);
        let to = if plan.follow {
            to.min(now.max(from))
        } else {
            to
        };
        if let Some(channel) = plan.channels.first() {
            SegmentPager::new(channel.clone(), from, to).map_err(|e| e.to_string())?;
        }
        self.run.set_value(None);
        let base = plan.base.trim_end_matches('/').to_owned();
        let cache = Some(self.cache).filter(|_| plan.cache);
        let read =
            cache.is_some_and(|c| c.is_opening() || c.holds_any(&base, &plan.channels, from, to));
        if !read {
            self.begin(plan, number, (from, to), cache, Vec::new());
            return Ok(());
        }
        let (loader, plan) = (*self, plan.clone());
        spawn_local(async move {
            loader.cache.opened().await;
            let mut held = Vec::new();
            for channel in &plan.channels {
                held.push(loader.cache.read(&base, channel, from, to).await);
            }
            // Unless another load started meanwhile.
            if loader.loads.get_value() == number {
                loader.begin(&plan, number, (from, to), cache, held);
            }
        });
        Ok(())
    }

    /// Starts load `number` of `plan` over `[from, to]` (checked), holding `held` of each channel (in the plan's
    /// order; none when empty) and fetching the rest, to keep in `cache` (`None` with the cache off).
    fn begin(
        &self,
        plan: &LoadPlan,
        number: u64,
        (from, to): (i64, i64),
        cache: Option<Cache>,
        held: Vec<Vec<Held>>,
    ) {
        let base = plan.base.trim_end_matches('/');
        let densities = densities(base, &plan.channels);
        let mut held = held.into_iter();
        let held: Vec<Vec<Held>> = plan
            .channels
            .iter()
            .map(|_| held.next().unwrap_or_default())
            .collect();
        // The user's K keeps K requests per channel in flight, as it always did; otherwise the protocol's budget.
        let fixed_budget = plan.in_flight.or(plan.k.map(|k| k * plan.channels.len()));
        let segments = match plan.k {
            Some(k) => vec![k; plan.channels.len()],
            None => {
                let ranges: Vec<Vec<(i64, i64)>> = held
                    .iter()
                    .map(|h| {
                        uncovered(
                            from,
                            to,
                            &h.iter().map(|h| (h.from, h.to)).collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                first_round(&densities, &ranges, budget(fixed_budget, base))
            }
        };
        let channels = plan
            .channels
            .iter()
            .zip(held)
            .zip(densities.iter().zip(segments))
            .map(|((c, held), (density, k))| {
                let load = ChannelLoad::planned(c.clone(), from, to, held, k, density)
                    .expect("the range was checked, and what the cache holds is within it");
                Rc::new(ChannelRun::new(load, number))
            })
            .collect();
        let load = Rc::new(Load {
            base: base.to_owned(),
            channels,
            meter: RefCell::new(LoadMeter::new(js_sys::Date::now())),
            range: Range {
                from: plan.from,
                to: plan.to,
            },
            follow: Cell::new(plan.follow),
            fixed_budget,
            cache,
        });
        self.channels.set(
            load.channels
                .iter()
                .map(|c| ChannelData(SendWrapper::new(c.clone())))
                .collect(),
        );
        self.base.set(load.base.clone());
        self.load.set_value(Some(load.clone()));
        self.start(load);
    }

    /// Stops every request at once; what was loaded stays.
    pub fn cancel(&self) {
        if self.run.with_value(Option::is_some) {
            self.run.set_value(None);
            self.cancelled.set_value(true);
            if let Some(load) = self.load.get_value() {
                load.keep();
            }
        }
        self.publish_now();
    }

    /// Switches following on or off for the current load: on, a load that has reached its end follows at once;
    /// off, its followers stop after their poll in progress.
    pub fn set_follow(&self, follow: bool) {
        let Some(load) = self.load.get_value() else {
            return;
        };
        load.follow.set(follow);
        let idle = self.run.with_value(Option::is_none);
        if follow && idle && !self.cancelled.get_value() {
            self.start(load);
        }
    }

    /// Continues failed or cancelled channels from where they stopped.
    pub fn resume(&self) {
        let Some(load) = self.load.get_value() else {
            return;
        };
        self.run.set_value(None);
        load.channels.iter().for_each(|c| c.clear_failure());
        self.start(load);
    }

    fn start(&self, load: Rc<Load>) {
        self.cancelled.set_value(false);
        let work: Vec<(Rc<ChannelRun>, usize)> = load
            .channels
            .iter()
            .flat_map(|c| {
                let pending: Vec<usize> = c.load().pending().collect();
                pending.into_iter().map(move |i| (c.clone(), i))
            })
            .collect();
        let run = Rc::new(Run {
            load,
            loader: *self,
            in_flight: RefCell::default(),
            tasks: Cell::new(work.len()),
            following: Cell::new(0),
        });
        self.run.set_value(Some(run.clone()));
        let loaded = work.is_empty();
        for (channel, segment) in work {
            SegmentTask::spawn(&run, channel, segment);
        }
        if loaded {
            run.caught_up();
        }
        self.publish();
    }

    /// Publishes the current state to the UI: at once when nothing is loading, else at most every
    /// [`PUBLISH_MS`], the last change always included.
    fn publish(&self) {
        let loading = self.run.with_value(Option::is_some);
        let (wait, pending) = self
            .publish
            .with_value(|p| (p.at + PUBLISH_MS - js_sys::Date::now(), p.pending));
        if !loading || (wait <= 0.0 && !pending) {
            self.publish_now();
        } else if !pending {
            self.publish.update_value(|p| p.pending = true);
            let loader = *self;
            set_timeout(
                move || loader.publish_now(),
                std::time::Duration::from_millis(wait.max(0.0) as u64),
            );
        }
    }

    fn publish_now(&self) {
        self.publish.update_value(|p| {
            p.pending = false;
            p.at = js_sys::Date::now();
        });
        let Some(load) = self.load.get_value() else {
            return;
        };
        load.channels.iter().for_each(|c| c.publish());
        let (loading, following) = self.run.with_value(|r| {
            r.as_ref()
                .map_or((false, false), |r| (true, r.following.get() > 0))
        });
        let snapshot = snapshot::take(
            load.channels.iter().map(Rc::as_ref),
            &load.meter.borrow(),
            loading,
            following,
            self.cancelled.get_value(),
        );
        self.snapshot.set(snapshot);
    }
}

/// What is known of each channel's items: the API's listing, when the channel picker has fetched it (a link
/// opened cold starts at once instead, and its first pages tell the density).
fn densities(base: &str, channels: &[Channel]) -> Vec<Density> {
    let listing = api::listed(base);
    channels
        .iter()
        .map(|c| {
            let listed = listing
                .as_ref()?
                .channels
                .iter()
                .find(|s| &s.channel == c)?;
            // An empty channel is listed without a span.
            let (first, last) = listed.first.zip(listed.last).unwrap_or((0, 0));
            Some(Density::Listed {
                count: listed.count,
                first,
                last,
            })
        })
        .map(|d| d.unwrap_or(Density::Unknown))
        .collect()
}

impl Run {
    /// A task is done: its request slot goes to a split of the busiest segment ([`Run::rebalance`]); the run ends
    /// with its last task.
    fn task_done(self: &Rc<Self>, segment_finished: bool) {
        self.tasks.set(self.tasks.get() - 1);
        if segment_finished {
            self.rebalance();
        }
        if self.tasks.get() == 0 {
            self.caught_up();
        }
        self.loader.publish();
    }

    /// The range is loaded: if the load follows and every channel loaded its range whole, each follows (a failed
    /// channel is resumed first, with Resume); else the run ends.
    fn caught_up(self: &Rc<Self>) {
        self.load.keep();
        if self.load.follow.get() && !self.load.channels.iter().any(|c| c.is_failed()) {
            for channel in self.load.channels.iter().filter(|c| c.follow()) {
                self.following.set(self.following.get() + 1);
                FollowTask::spawn(self, channel.clone(), self.load.range);
            }
        }
        if self.following.get() == 0 {
            self.loader.run.set_value(None);
        }
    }

    /// A channel stopped following (Follow switched off, or an instant `to` reached); the run ends with the last.
    fn follower_done(&self) {
        self.following.set(self.following.get() - 1);
        if self.following.get() == 0 {
            self.loader.run.set_value(None);
        }
        self.loader.publish();
    }

    /// Gives spare request slots to splits of the pending segments with the most pages left, of any channel, each
    /// paged by a new task: the budget's requests stay in flight until too little is left to share. Slots wait
    /// (until the next page) while a channel still loading cannot estimate what it has left: else the first
    /// channel to answer would take them all.
    fn rebalance(self: &Rc<Self>) {
        while self.tasks.get() < self.load.budget() {
            let estimates: Option<Vec<_>> = self
                .load
                .channels
                .iter()
                .filter(|c| !c.is_failed() && c.load().pending().next().is_some())
                .map(|c| c.load().busiest().map(|(i, pages)| (c, i, pages)))
                .collect();
            let Some(estimates) = estimates else {
                break;
            };
            let busiest = estimates.into_iter().max_by(|a, b| a.2.total_cmp(&b.2));
            let Some((channel, i, _)) = busiest.filter(|b| b.2 >= SPLIT_MIN_PAGES) else {
                break;
            };
            let Some(segment) = channel.split(i) else {
                break;
            };
            self.tasks.set(self.tasks.get() + 1);
            SegmentTask::spawn(self, channel.clone(), segment);
        }
    }
}
