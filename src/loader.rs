//! Loads channels over a time range, K segments per channel in parallel, and publishes what it has as a
//! [`Snapshot`] signal. The paging itself (cursors, the time-cursor fallback, merging) is `tickscope-core`'s
//! [`ChannelLoad`]; this module only runs the requests and keeps score.

pub mod fetch_page;
pub mod snapshot;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tickscope_core::{Backoff, ChannelLoad, LoadMeter, SPLIT_MIN_PAGES};
use web_sys::AbortController;

use fetch_page::{FetchContext, Fetched, fetch_page};
pub use snapshot::{ChannelSnapshot, Snapshot, Status};

/// What to load.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadPlan {
    pub base: String,
    pub channels: Vec<String>,
    pub from: i64,
    pub to: i64,
    pub k: usize,
}

/// The loader: a copyable handle, shared by the tasks of one load and the buttons. Its state is not `Send`
/// (abort controllers are JS objects), so it lives in a local `StoredValue`.
#[derive(Clone, Copy)]
pub struct Loader {
    state: StoredValue<Rc<RefCell<State>>, LocalStorage>,
    snapshot: RwSignal<Snapshot>,
}

#[derive(Default)]
struct State {
    /// Bumped by every Load and Cancel: tasks of an older generation stop.
    generation: u32,
    base: String,
    loads: Vec<ChannelLoad>,
    /// Per channel: why it stopped, after the last retry.
    failures: Vec<Option<String>>,
    retries: Vec<u32>,
    meter: Option<LoadMeter>,
    in_flight: Vec<AbortController>,
    tasks: usize,
    /// Request slots of finished segments not yet given to a split.
    spare: usize,
    cancelled: bool,
    /// When the UI last got a snapshot (`Date.now()`), and whether one is scheduled.
    published_at: f64,
    publish_pending: bool,
}

/// While pages arrive, the UI gets a new snapshot at most this often: each one re-renders the progress and the
/// summary, and a page every few milliseconds would keep the main thread busy with the DOM.
const PUBLISH_MS: f64 = 250.0;

impl Loader {
    pub fn new() -> Self {
        Self {
            state: StoredValue::new_local(Rc::default()),
            snapshot: RwSignal::new(Snapshot::default()),
        }
    }

    fn state(&self) -> Rc<RefCell<State>> {
        self.state.get_value()
    }

    pub fn snapshot(&self) -> RwSignal<Snapshot> {
        self.snapshot
    }

    /// Starts a new load, dropping the previous one. Errors (a bad channel or range) come back as a message.
    pub fn load(&self, plan: &LoadPlan) -> Result<(), String> {
        let loads = plan
            .channels
            .iter()
            .map(|c| {
                ChannelLoad::new(c.as_str(), plan.from, plan.to, plan.k).map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        {
            let cell = self.state();
            let mut state = cell.borrow_mut();
            abort_all(&mut state);
            let generation = state.generation + 1;
            *state = State {
                generation,
                base: plan.base.trim_end_matches('/').to_owned(),
                failures: vec![None; loads.len()],
                retries: vec![0; loads.len()],
                loads,
                meter: Some(LoadMeter::new(js_sys::Date::now())),
                ..State::default()
            };
        }
        self.start_pending();
        Ok(())
    }

    /// Stops every request at once; what was loaded stays.
    pub fn cancel(&self) {
        {
            let cell = self.state();
            let mut state = cell.borrow_mut();
            state.generation += 1;
            state.cancelled = true;
            state.tasks = 0;
            abort_all(&mut state);
        }
        self.publish();
    }

    /// Continues failed or cancelled channels from their last cursor.
    pub fn resume(&self) {
        {
            let cell = self.state();
            let mut state = cell.borrow_mut();
            state.generation += 1;
            state.cancelled = false;
            state.tasks = 0;
            abort_all(&mut state);
            state.failures.iter_mut().for_each(|f| *f = None);
            for load in &mut state.loads {
                let failed: Vec<usize> = load.errors().map(|(i, _)| i).collect();
                failed.into_iter().for_each(|i| load.clear_error(i));
            }
        }
        self.start_pending();
    }

    fn start_pending(&self) {
        let (generation, work) = {
            let cell = self.state();
            let mut state = cell.borrow_mut();
            let work: Vec<(usize, usize)> = state
                .loads
                .iter()
                .enumerate()
                .flat_map(|(c, load)| load.pending().map(move |i| (c, i)))
                .collect();
            state.tasks = work.len();
            state.spare = 0;
            (state.generation, work)
        };
        for (channel, segment) in work {
            let task = SegmentTask {
                loader: *self,
                generation,
                channel,
                segment,
            };
            spawn_local(task.run());
        }
        self.publish();
    }

    /// Publishes the current state to the UI: at once when the load has stopped, else at most every
    /// [`PUBLISH_MS`], the last change always included.
    fn publish(&self) {
        let cell = self.state();
        let wait = {
            let mut state = cell.borrow_mut();
            let wait = state.published_at + PUBLISH_MS - js_sys::Date::now();
            if state.tasks == 0 || (wait <= 0.0 && !state.publish_pending) {
                None
            } else if state.publish_pending {
                return;
            } else {
                state.publish_pending = true;
                Some(wait)
            }
        };
        match wait {
            Some(wait) => {
                let loader = *self;
                set_timeout(
                    move || loader.publish_now(),
                    std::time::Duration::from_millis(wait as u64),
                );
            }
            None => self.publish_now(),
        }
    }

    fn publish_now(&self) {
        let cell = self.state();
        let mut state = cell.borrow_mut();
        state.publish_pending = false;
        state.published_at = js_sys::Date::now();
        let snapshot = snapshot::take(
            &state.loads,
            &state.failures,
            &state.retries,
            state.meter.as_ref(),
            state.tasks > 0,
            state.cancelled,
        );
        self.snapshot.set(snapshot);
    }
}

impl Loader {
    /// A segment is done: its request slot goes to a split of the busiest segment (see [`Loader::rebalance`]).
    fn segment_done(&self, generation: u32) {
        {
            let cell = self.state();
            let mut state = cell.borrow_mut();
            if state.generation != generation {
                return;
            }
            state.spare += 1;
        }
        self.rebalance(generation);
    }

    /// Gives spare request slots to splits of the pending segments with the most pages left, of any channel, each
    /// paged by a new task: as many requests stay in flight as the load started with, until too little is left to
    /// share. A slot waits (until the next page) while no channel can estimate what it has left.
    fn rebalance(&self, generation: u32) {
        let mut new_tasks = Vec::new();
        {
            let cell = self.state();
            let mut state = cell.borrow_mut();
            let state = &mut *state;
            if state.generation != generation {
                return;
            }
            while state.spare > 0 {
                let busiest = state
                    .loads
                    .iter()
                    .zip(&state.failures)
                    .enumerate()
                    .filter(|(_, (_, failure))| failure.is_none())
                    .filter_map(|(c, (load, _))| load.busiest().map(|(i, pages)| (c, i, pages)))
                    .max_by(|a, b| a.2.total_cmp(&b.2));
                let Some((channel, i, _)) = busiest.filter(|b| b.2 >= SPLIT_MIN_PAGES) else {
                    break;
                };
                let Some(segment) = state.loads[channel].split(i) else {
                    break;
                };
                state.spare -= 1;
                state.tasks += 1;
                new_tasks.push(SegmentTask {
                    loader: *self,
                    generation,
                    channel,
                    segment,
                });
            }
        }
        for task in new_tasks {
            spawn_local(task.run());
        }
    }

    /// Reads the loaded data of `channel`, if it is part of the current load.
    pub fn with_channel<T>(&self, channel: &str, f: impl FnOnce(&ChannelLoad) -> T) -> Option<T> {
        let cell = self.state();
        let state = cell.borrow();
        state.loads.iter().find(|l| l.channel() == channel).map(f)
    }
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

fn abort_all(state: &mut State) {
    for controller in state.in_flight.drain(..) {
        controller.abort();
    }
}

/// Pages one segment of one channel until it is done, fails or its load is replaced.
struct SegmentTask {
    loader: Loader,
    generation: u32,
    channel: usize,
    segment: usize,
}

impl SegmentTask {
    async fn run(self) {
        loop {
            let Some(url) = self.next_url() else {
                self.loader.segment_done(self.generation);
                break;
            };
            match fetch_page(&url, &self).await {
                Fetched::Page { batch, bytes } => {
                    if !self.accept(batch, bytes) {
                        break;
                    }
                }
                Fetched::Failed(message) => {
                    self.fail(message);
                    break;
                }
                Fetched::Stopped => return,
            }
        }
        self.finish();
    }

    fn next_url(&self) -> Option<String> {
        let cell = self.loader.state();
        let state = cell.borrow();
        if state.generation != self.generation || state.failures[self.channel].is_some() {
            return None;
        }
        let query = state.loads[self.channel].next_query(self.segment)?;
        Some(format!("{}/bitstamp?{query}", state.base))
    }

    /// Stores a page; false when the channel must stop.
    fn accept(&self, batch: tickscope_core::PageBatch, bytes: usize) -> bool {
        let accepted = {
            let cell = self.loader.state();
            let mut state = cell.borrow_mut();
            if state.generation != self.generation {
                return false;
            }
            if let Some(meter) = state.meter.as_mut() {
                meter.add_bytes(bytes as u64);
            }
            let result = state.loads[self.channel].accept(self.segment, batch);
            if let Err(e) = &result {
                state.failures[self.channel] = Some(e.to_string());
            }
            result.is_ok()
        };
        if accepted {
            // The page may give the first estimate a waiting slot needs.
            self.loader.rebalance(self.generation);
        }
        self.loader.publish();
        accepted
    }

    fn fail(&self, message: String) {
        let cell = self.loader.state();
        let mut state = cell.borrow_mut();
        if state.generation == self.generation {
            state.failures[self.channel] = Some(message);
        }
    }

    fn finish(&self) {
        {
            let cell = self.loader.state();
            let mut state = cell.borrow_mut();
            if state.generation != self.generation {
                return;
            }
            state.tasks = state.tasks.saturating_sub(1);
        }
        self.loader.publish();
    }
}

impl FetchContext for SegmentTask {
    fn controller(&self) -> Option<AbortController> {
        let cell = self.loader.state();
        let mut state = cell.borrow_mut();
        if state.generation != self.generation {
            return None;
        }
        let controller = AbortController::new().ok()?;
        state.in_flight.push(controller.clone());
        Some(controller)
    }

    fn release(&self, controller: &AbortController) {
        self.loader
            .state()
            .borrow_mut()
            .in_flight
            .retain(|c| c != controller);
    }

    fn is_live(&self) -> bool {
        self.loader.state().borrow().generation == self.generation
    }

    fn backoff(&self) -> Backoff {
        Backoff::default()
    }

    fn retrying(&self, _attempt: u32, reason: &str) {
        {
            let cell = self.loader.state();
            let mut state = cell.borrow_mut();
            state.retries[self.channel] += 1;
            web_sys::console::log_1(
                &format!("retrying {}: {reason}", state.loads[self.channel].channel()).into(),
            );
        }
        self.loader.publish();
    }
}
