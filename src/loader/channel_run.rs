//! One channel of a load: its segments and pages (the core's [`ChannelLoad`]), why it stopped, its retries, and
//! the version signal that tells its panel new items are there. A panel holds a [`ChannelData`], a handle to
//! exactly this, so notification and data travel together and nothing is looked up by name.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use tickscope_core::{Channel, ChannelLoad, Columns, PageBatch, PagerError};

pub struct ChannelRun {
    channel: Channel,
    /// Which Load this is (a counter), so a panel of an earlier load with the same channel is not reused.
    load_number: u64,
    state: RefCell<State>,
    /// Bumped when the UI is told about new items (at most every publish interval, see `Loader::publish`).
    version: ArcRwSignal<u64>,
}

struct State {
    load: ChannelLoad,
    /// Why the channel stopped: a page that failed after its retries, or one the pager rejected.
    failure: Option<String>,
    retries: u32,
    /// Why the last poll failed, while following (it is tried again).
    poll_failure: Option<String>,
    /// Items received and forgotten, and the range, when the UI was last told: a slide may keep the count equal,
    /// and a quiet channel's range still moves (its charts' time axis with it).
    published: (u64, u64, (i64, i64)),
}

impl ChannelRun {
    pub fn new(load: ChannelLoad, load_number: u64) -> Self {
        Self {
            channel: load.channel().clone(),
            load_number,
            state: RefCell::new(State {
                load,
                failure: None,
                retries: 0,
                poll_failure: None,
                published: (0, 0, (0, 0)),
            }),
            // Each load's versions start apart, so that a sum of versions (the compare chart's) changes with the load.
            version: ArcRwSignal::new(load_number << 32),
        }
    }

    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    pub fn load(&self) -> Ref<'_, ChannelLoad> {
        Ref::map(self.state.borrow(), |s| &s.load)
    }

    pub fn failure(&self) -> Option<String> {
        self.state.borrow().failure.clone()
    }

    pub fn is_failed(&self) -> bool {
        self.state.borrow().failure.is_some()
    }

    pub fn retries(&self) -> u32 {
        self.state.borrow().retries
    }

    /// The query of segment `i`'s next page; `None` when it is done or the channel has failed.
    pub fn next_query(&self, i: usize) -> Option<String> {
        let state = self.state.borrow();
        if state.failure.is_some() {
            return None;
        }
        state.load.next_query(i)
    }

    /// Stores segment `i`'s page; a page the pager rejects stops the channel.
    pub fn accept(&self, i: usize, batch: PageBatch) -> Result<usize, PagerError> {
        let mut state = self.state.borrow_mut();
        let result = state.load.accept(i, batch);
        if let Err(e) = &result {
            state.failure = Some(e.to_string());
        }
        result
    }

    pub fn fail(&self, message: String) {
        self.state.borrow_mut().failure = Some(message);
    }

    pub fn count_retry(&self) {
        self.state.borrow_mut().retries += 1;
    }

    /// Forgets why the channel stopped, so that its segments are pending again (each resumes where it was).
    pub fn clear_failure(&self) {
        let mut state = self.state.borrow_mut();
        state.failure = None;
        let failed: Vec<usize> = state.load.errors().map(|(i, _)| i).collect();
        failed.into_iter().for_each(|i| state.load.clear_error(i));
    }

    /// Splits pending segment `i` in the middle of what it has left (see [`ChannelLoad::split`]).
    pub fn split(&self, i: usize) -> Option<usize> {
        self.state.borrow_mut().load.split(i)
    }

    /// Starts following, when the channel has loaded its whole range and has not failed.
    pub fn follow(&self) -> bool {
        let mut state = self.state.borrow_mut();
        state.failure.is_none() && state.load.follow()
    }

    /// The next page of a poll up to `to`, starting one if none is in progress.
    pub fn poll_query(&self, to: i64) -> Option<String> {
        let mut state = self.state.borrow_mut();
        if state.load.poll_query().is_none() {
            state.load.begin_poll(to);
        }
        state.load.poll_query()
    }

    /// Takes a poll's page: the items it brought that were not held, and whether the poll is complete. A page
    /// the pager rejects changes nothing (the caller ends the poll with [`ChannelRun::poll_failed`]).
    pub fn accept_poll(&self, batch: PageBatch) -> Result<(usize, bool), PagerError> {
        let mut state = self.state.borrow_mut();
        let new = state.load.accept_poll(batch)?;
        Ok((new, state.load.poll_query().is_none()))
    }

    /// A poll failed: it is forgotten (the next covers its time again) and the reason shown until one succeeds.
    pub fn poll_failed(&self, message: String) {
        let mut state = self.state.borrow_mut();
        state.load.abandon_poll();
        state.poll_failure = Some(message);
    }

    pub fn poll_succeeded(&self) {
        self.state.borrow_mut().poll_failure = None;
    }

    pub fn poll_failure(&self) -> Option<String> {
        self.state.borrow().poll_failure.clone()
    }

    /// The sliding window: forgets the items before `from`.
    pub fn drop_before(&self, from: i64) {
        self.state.borrow_mut().load.drop_before(from);
    }

    /// The range's end: how far the channel is known complete.
    pub fn end(&self) -> i64 {
        self.state.borrow().load.range().1
    }

    /// Tells the panel when items arrived or were forgotten, or the range moved, since it was last told.
    pub fn publish(&self) {
        let changed = {
            let mut state = self.state.borrow_mut();
            let load = &state.load;
            let now = (load.stats().items, load.dropped(), load.range());
            std::mem::replace(&mut state.published, now) != now
        };
        // Outside the borrow: whatever the signal wakes may read the load.
        if changed {
            self.version.update(|v| *v += 1);
        }
    }
}

/// A panel's handle to its channel's data: read access to the loaded chunks and the version that changes when
/// they do.
#[derive(Clone)]
pub struct ChannelData(pub(super) SendWrapper<Rc<ChannelRun>>);

impl ChannelData {
    pub fn channel(&self) -> &Channel {
        self.0.channel()
    }

    /// What identifies this channel of this load, for keyed lists.
    pub fn key(&self) -> (u64, Channel) {
        (self.0.load_number, self.0.channel.clone())
    }

    /// The version signal: read it (tracked) to redo whatever reads the data.
    pub fn version(&self) -> ArcRwSignal<u64> {
        self.0.version.clone()
    }

    /// Reads the channel's load (its chunks, range and counters).
    pub fn with<T>(&self, f: impl FnOnce(&ChannelLoad) -> T) -> T {
        f(&self.0.load())
    }

    /// Reads the channel's load and tracks its version: a memo made of it is redone when items arrive.
    pub fn read<T>(&self, f: impl FnOnce(&ChannelLoad) -> T) -> T {
        self.0.version.track();
        self.with(f)
    }

    /// Reads the channel's items as the aggregates take them (its chunks, in order, without a copy) and its
    /// loaded range.
    pub fn with_chunks<T>(&self, f: impl FnOnce(&[&Columns], (i64, i64)) -> T) -> T {
        self.with(|load| {
            let chunks: Vec<&Columns> = load.chunks().collect();
            f(&chunks, load.range())
        })
    }

    /// [`Self::with_chunks`], tracking the version as [`Self::read`] does.
    pub fn read_chunks<T>(&self, f: impl FnOnce(&[&Columns], (i64, i64)) -> T) -> T {
        self.0.version.track();
        self.with_chunks(f)
    }
}
